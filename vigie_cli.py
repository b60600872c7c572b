def main() -> None:  # remplacé plus bas
    raise SystemExit(0)
