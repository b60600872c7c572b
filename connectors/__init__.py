"""Les connecteurs : un module par source (lire → valider → remettre un :class:`models.records.Lot`).

Chaque module expose ``lire(chemin, **options) -> Lot`` et lève
:class:`models.errors.ImportRejected` (fichier, ligne, colonne) sur une entrée invalide.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from models.errors import ImportRejected
from models.records import Lot

#: Sorte d'import (``vigie import SORTE``) → module du connecteur.
SOURCES: dict[str, str] = {
    "etablissement": "connectors.etablissement",
    "pronote-eleves": "connectors.pronote_eleves",
    "pronote-notes": "connectors.pronote_notes",
    "pronote-resultats": "connectors.pronote_resultats",
    "pronote-competences": "connectors.pronote_competences",
    "pronote-absences": "connectors.pronote_absences",
    "pronote-punitions": "connectors.pronote_punitions",
    "pronote-live": "connectors.pronote_live",
    "pix": "connectors.pix",
    "lsu": "connectors.lsu",
    "tableur": "connectors.tableur",
}


def lire(sorte: str, chemin: str | Path, **options: Any) -> Lot:
    """Lit un fichier avec le connecteur de la sorte donnée."""
    if sorte not in SOURCES:
        raise ImportRejected(
            f"sorte d'import inconnue « {sorte} » (sortes connues : {', '.join(SOURCES)})"
        )
    chemin = Path(chemin)
    if sorte != "pronote-live" and not chemin.is_file():
        raise ImportRejected("fichier introuvable", fichier=chemin)
    module = importlib.import_module(SOURCES[sorte])
    return module.lire(chemin, **options)
