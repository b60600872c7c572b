"""``vigie alerts`` de bout en bout : démarrage de l'interpréteur, imports, ouverture de l'entrepôt, toutes
les alertes, affichage — ce qu'attend la personne qui tape la commande (cible : ≤ 1 s sur l'école fictive).

Chaque passage est un processus neuf. Deux références du même passage, alternées avec la commande :
l'interpréteur seul (``python -c pass``) et l'interpréteur qui importe ce qu'importe la commande
(``vigie_cli``, ``models.alertes``, DuckDB, Polars, pyarrow) sans rien calculer. Le temps de calcul
(utilisateur + système, tous fils compris, ``os.wait4``) est donné à côté de l'horloge murale : sur une
machine partagée, il dit ce que coûte la commande quand l'horloge dit surtout l'attente du processeur.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .jeux import RACINE
from .mesure import Mesure

CIBLE = 1.0
_IMPORTS = "import vigie_cli, pyarrow, polars, duckdb; from models import alertes; from models.warehouse import lecture"


def _chronometrer(commande: list[str]) -> tuple[float, float]:
    """(horloge murale, temps de calcul) d'un processus neuf, en secondes ; son code de sortie doit être 0."""
    debut = time.perf_counter()
    proc = subprocess.Popen(commande, cwd=RACINE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, statut, usage = os.wait4(proc.pid, 0)
    mur = time.perf_counter() - debut
    proc.returncode = os.waitstatus_to_exitcode(statut)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(commande[:3])}… : code {proc.returncode} : {proc.stderr.read().decode()[-300:]}")
    proc.stderr.close()
    return mur, usage.ru_utime + usage.ru_stime


def mesurer(db: Path, passages: int, nom_jeu: str) -> list[Mesure]:
    vigie = [sys.executable, "-c", "import sys, vigie_cli; sys.exit(vigie_cli.main())", "alerts", "--db", str(db)]
    cas = {
        "commande": (vigie, f"vigie alerts, de bout en bout ({nom_jeu})"),
        "imports": ([sys.executable, "-c", _IMPORTS], "référence : interpréteur et imports de la commande"),
        "vide": ([sys.executable, "-c", "pass"], "référence : interpréteur seul (python -c pass)"),
    }
    murs: dict[str, list[float]] = {k: [] for k in cas}
    cpu: dict[str, list[float]] = {k: [] for k in cas}
    for i in range(passages + 1):  # le premier tour (caches du système de fichiers) est écarté
        for k, (commande, _) in cas.items():
            m, c = _chronometrer(commande)
            if i:
                murs[k].append(m)
                cpu[k].append(c)
    ref_imports = Mesure("c", cas["imports"][1], murs["imports"])
    out = [
        Mesure("c", cas["commande"][1], murs["commande"], reference=ref_imports,
               cible=f"≤ {CIBLE:g} s".replace(".", ","), atteinte=lambda x: x.mediane <= CIBLE,
               detail="horloge murale ; ratio : contre interpréteur et imports"),
        Mesure("c", f"vigie alerts, temps de calcul ({nom_jeu})", cpu["commande"],
               cible=f"≤ {CIBLE:g} s".replace(".", ","), atteinte=lambda x: x.mediane <= CIBLE,
               detail="utilisateur + système, tous fils"),
        ref_imports,
        Mesure("c", cas["imports"][1] + ", temps de calcul", cpu["imports"]),
        Mesure("c", cas["vide"][1], murs["vide"]),
    ]
    return out
