"""Cas (d) : la mémoire résidente de pointe pendant l'import des notes d'un jeu, dans un sous-processus.

Le sous-processus (``python -m benchmarks.memoire import PLAN DB``) importe comme le cas (a) puis donne sa
pointe (``VmHWM`` de ``/proc/self/status``). Un second sous-processus (``base``) ne fait qu'importer les
modules de Vigie (connecteurs, entrepôt, DuckDB, Polars, pydantic) : sa pointe est le socle de
l'interpréteur, donné à part. Mo = 2²⁰ octets, pour la pointe comme pour les fichiers.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
from pathlib import Path

from .jeux import RACINE, Jeu
from .mesure import Mesure


def _pointe(args: list[str]) -> float:
    """Pointe de mémoire résidente (Mo) d'un sous-processus ``python -m benchmarks.memoire *args``.

    L'enfant lit son propre ``VmHWM`` en sortant (le maximum de son RSS depuis l'``exec``). Pas
    ``ru_maxrss`` : sous Linux il garde la pointe d'avant l'``exec``, donc la taille du parent au ``fork``.
    """
    sortie = subprocess.run([sys.executable, "-m", "benchmarks.memoire", *args], cwd=RACINE, check=True,
                            capture_output=True, text=True).stdout
    return int(re.findall(r"^VmHWM_kB=(\d+)$", sortie, re.MULTILINE)[-1]) / 1024


def mesurer(j: Jeu, travail: Path, passages: int) -> list[Mesure]:
    travail.mkdir(parents=True, exist_ok=True)
    plan = travail / "plan.pkl"
    plan.write_bytes(pickle.dumps(j.plan))
    taille = j.octets_notes / 2**20
    socle = Mesure("d", "socle de l'interpréteur (modules importés)", [], unite="Mo")
    pic = Mesure("d", f"pointe pendant l'import des notes ({j.taille})", [], unite="Mo",
                 cible=f"≤ 2× les fichiers ({2 * taille:.0f} Mo)", atteinte=lambda m: m.mediane <= 2 * taille,
                 detail=f"fichiers de notes : {taille:.1f} Mo")
    net = Mesure("d", "pointe moins le socle", [], unite="Mo", cible=f"≤ {2 * taille:.0f} Mo (lecture indulgente)",
                 atteinte=lambda m: m.mediane <= 2 * taille)
    for _ in range(passages):
        s = _pointe(["base"])
        p = _pointe(["import", str(plan), str(travail / "memoire.duckdb")])
        socle.valeurs.append(s)
        pic.valeurs.append(p)
        net.valeurs.append(p - s)
    return [pic, socle, net]


def _enfant(argv: list[str]) -> None:
    import connectors  # noqa: F401
    import duckdb  # noqa: F401
    import polars  # noqa: F401

    from models import warehouse  # noqa: F401

    if argv[0] == "import":
        from .import_notes import vigie

        plan = pickle.loads(Path(argv[1]).read_bytes())
        _, refus = vigie(Jeu("?", Path(argv[2]).parent, plan), Path(argv[2]))
        if refus:
            raise SystemExit(f"{refus} fichier(s) refusé(s)")
    hwm = next(ligne for ligne in Path("/proc/self/status").read_text().splitlines() if ligne.startswith("VmHWM:"))
    print(f"VmHWM_kB={hwm.split()[1]}", flush=True)


if __name__ == "__main__":
    _enfant(sys.argv[1:])
