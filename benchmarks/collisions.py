"""Surcoût du contrôle des collisions de clé (``models.warehouse._collisions``, issue 14) sur l'import de l'école
fictive de ``vigie demo`` (600 élèves) : même processus, passages avec et sans en alternance, médianes de 5.

``python -m benchmarks.collisions``"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import models.warehouse as W
from connectors.importation import importer
from sample_data.generateur import ecrire_ecole, generer


def main(runs: int = 5) -> None:
    d = Path(tempfile.mkdtemp())
    plan = ecrire_ecole(generer(2026, eleves=600), d / "f")
    avant = [p for p in plan if p[0] in ("etablissement", "pronote-eleves")]
    notes = [p for p in plan if p[0] == "pronote-notes"]
    reste = [p for p in plan if p[0] not in ("etablissement", "pronote-eleves", "pronote-notes")]
    vrai = W._collisions
    temps = {"avec": [], "sans": []}
    try:
        _passages(runs, d, avant, notes + reste, vrai, temps)
    finally:
        W._collisions = vrai
    print(len(notes), "fichiers de notes,", len(reste), "autres")
    for m, v in temps.items():
        print(m, f"médiane {statistics.median(v):.2f} s", [f"{x:.2f}" for x in v])
    print("ratio", statistics.median(temps["avec"]) / statistics.median(temps["sans"]))


def _passages(runs, d, avant, plan, vrai, temps) -> None:  # noqa: ANN001
    for i in range(runs):
        for mode in ("avec", "sans"):
            W._collisions = vrai if mode == "avec" else (lambda *a: None)
            db = d / f"{mode}{i}.duckdb"
            importer(db, avant, demo=True)
            t = time.perf_counter()
            r = importer(db, plan, demo=True)
            temps[mode].append(time.perf_counter() - t)
            assert all(x.statut == "reussi" for x in r), [x.message for x in r if x.statut != "reussi"][:2]


if __name__ == "__main__":
    main()
