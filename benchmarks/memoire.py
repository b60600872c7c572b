"""Cas (d) : la mémoire résidente de pointe pendant l'import des notes d'un jeu, dans un sous-processus.

Le sous-processus (``python -m benchmarks.memoire import PLAN DB``) importe comme le cas (a) ; sa pointe
et celle de ses éventuels descendants sont mesurées comme le dit :func:`_pointe`. Un second sous-processus (``base``) ne fait qu'importer les
modules de Vigie (connecteurs, entrepôt, DuckDB, Polars, pydantic) : sa pointe est le socle de
l'interpréteur, donné à part. Mo = 2²⁰ octets, pour la pointe comme pour les fichiers.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import time
from pathlib import Path

from .jeux import RACINE, Jeu
from .mesure import Mesure


def _pointe(args: list[str]) -> tuple[float, float]:
    """Pointes de mémoire (Mo) d'un sous-processus ``python -m benchmarks.memoire *args`` : la sienne, et
    celle de tout l'arbre (lui et les processus qui lisent les fichiers pour lui).

    - la sienne : l'enfant lit son propre ``VmHWM`` en sortant (le maximum de son RSS depuis l'``exec``).
      Pas ``ru_maxrss`` : sous Linux il garde la pointe d'avant l'``exec``, donc la taille du parent ;
    - l'arbre : un processus que l'import lancerait (l'import n'en lance aucun aujourd'hui ; des lecteurs
      parallèles ont été essayés, voir BENCHMARKS.md) mourrait avant la fin et ne compterait pas dans
      ``VmHWM`` ; la mémoire de l'arbre est donc échantillonnée ici, toutes les 10 ms, en **PSS** (``/proc/PID/smaps_rollup`` : une page partagée entre processus n'est
      comptée qu'une fois, au prorata) sommée sur tous les descendants. Un échantillonnage peut manquer un
      pic de moins de 10 ms : la pointe de l'arbre est un minorant, d'où la pointe du seul processus
      principal (exacte) donnée aussi.
    """
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.memoire", *args], cwd=RACINE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    arbre = 0
    while proc.poll() is None:
        arbre = max(arbre, sum(_pss_ko(pid) for pid in _descendants(proc.pid)))
        time.sleep(0.01)
    sortie, erreurs = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"mesure de mémoire interrompue : {erreurs[-2000:]}")
    hwm = int(re.findall(r"^VmHWM_kB=(\d+)$", sortie, re.MULTILINE)[-1]) / 1024
    return hwm, max(arbre / 1024, hwm)


def _descendants(racine: int) -> list[int]:
    """``racine`` et tous ses descendants vivants (d'après ``/proc/*/stat``)."""
    parents: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                champs = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(champs[1]), []).append(int(d.name))
    vus, a_voir = [], [racine]
    while a_voir:
        pid = a_voir.pop()
        vus.append(pid)
        a_voir.extend(parents.get(pid, []))
    return vus


def _pss_ko(pid: int) -> int:
    try:
        for ligne in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if ligne.startswith("Pss:"):
                return int(ligne.split()[1])
    except OSError:
        pass  # processus déjà fini
    return 0


def mesurer(j: Jeu, travail: Path, passages: int) -> list[Mesure]:
    travail.mkdir(parents=True, exist_ok=True)
    plan = travail / "plan.pkl"
    plan.write_bytes(pickle.dumps(j.plan))
    taille = j.octets_notes / 2**20
    socle = Mesure("d", "socle de l'interpréteur (modules importés)", [], unite="Mo")
    pic = Mesure("d", f"pointe pendant l'import des notes ({j.taille}), processus et descendants", [], unite="Mo",
                 cible=f"≤ 2× les fichiers ({2 * taille:.0f} Mo)", atteinte=lambda m: m.mediane <= 2 * taille,
                 detail=f"fichiers de notes : {taille:.1f} Mo ; PSS de tout l'arbre, échantillonnée")
    principal = Mesure("d", "pointe du seul processus qui écrit (VmHWM)", [], unite="Mo")
    net = Mesure("d", "pointe (arbre) moins le socle", [], unite="Mo",
                 cible=f"≤ {2 * taille:.0f} Mo (lecture indulgente)", atteinte=lambda m: m.mediane <= 2 * taille)
    for _ in range(passages):
        s, _ = _pointe(["base"])
        p, arbre = _pointe(["import", str(plan), str(travail / "memoire.duckdb")])
        socle.valeurs.append(s)
        pic.valeurs.append(arbre)
        principal.valeurs.append(p)
        net.valeurs.append(arbre - s)
    return [pic, principal, socle, net]


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
