"""Les connecteurs : un module par source (lire → valider → remettre un :class:`models.records.Lot`).

Chaque module expose ``lire(chemin, **options) -> Lot``, déclare ses options typées (``OPTIONS``, voir
``connectors/options.py``) et lève :class:`models.errors.ImportRejected` (fichier, ligne, colonne) sur une
entrée invalide. Ce qu'il ne garde pas tel quel, il le dit par une remarque (``Lot.anomalies``).
Tout import passe par :func:`connectors.importation.importer` (ligne de commande, tableau de bord,
mesures, tests).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.errors import ImportRejected, VigieError
from models.messages import refus_enregistrement
from models.records import Lot

from .options import verifier

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
    """Lit un fichier avec le connecteur de la sorte donnée, options vérifiées et typées d'abord.

    Lève :class:`ImportRejected` pour une sorte ou une option inconnue, une option mal formée, un
    fichier introuvable ou invalide."""
    if sorte not in SOURCES:
        raise ImportRejected(
            f"sorte d'import inconnue « {sorte} » (sortes connues : {', '.join(SOURCES)})"
        )
    chemin = Path(chemin)
    module = importlib.import_module(SOURCES[sorte])
    options = verifier(sorte, getattr(module, "OPTIONS", {}), options, fichier=chemin)
    if sorte != "pronote-live" and not chemin.is_file():
        raise ImportRejected("fichier introuvable", fichier=chemin)
    try:
        return module.lire(chemin, **options)
    except ImportRejected as err:
        raise _abrege(err) from err
    except ValidationError as err:  # un enregistrement qu'un connecteur n'a pas vérifié : refus en français
        raise _abrege(refus_enregistrement(err, fichier=chemin)) from err


def lire_plusieurs(sorte: str, entrees: list[tuple[str | Path, dict[str, Any]]]) -> list[Lot | ImportRejected]:
    """Lit plusieurs fichiers d'une même sorte : un résultat par entrée, dans l'ordre, le :class:`Lot` ou le
    :class:`ImportRejected` qui refuse le fichier — exactement ce que :func:`lire` rendrait ou lèverait pour
    chacun. Un connecteur qui sait lire un paquet ensemble (``lire_plusieurs``, comme ``pronote-notes``)
    le lit d'un coup ; les autres, fichier par fichier."""
    module = importlib.import_module(SOURCES[sorte]) if sorte in SOURCES else None
    if module is None or not hasattr(module, "lire_plusieurs"):
        return [_ou_refus(sorte, Path(chemin), options) for chemin, options in entrees]
    resultats: list[Lot | ImportRejected | None] = []
    a_lire: list[tuple[int, Path, dict[str, Any]]] = []
    for chemin, options in entrees:
        chemin = Path(chemin)
        try:
            verifiees = verifier(sorte, getattr(module, "OPTIONS", {}), options or {}, fichier=chemin)
            if not chemin.is_file():
                raise ImportRejected("fichier introuvable", fichier=chemin)
        except ImportRejected as err:
            resultats.append(_abrege(err))
            continue
        a_lire.append((len(resultats), chemin, verifiees))
        resultats.append(None)
    try:
        lus = module.lire_plusieurs([(c, o) for _, c, o in a_lire]) if a_lire else []
    except ValidationError:  # un enregistrement que le connecteur n'a pas vérifié : chaque fichier seul, refusé en français
        return [_ou_refus(sorte, Path(chemin), options) for chemin, options in entrees]
    for (i, _, _), lu in zip(a_lire, lus):
        resultats[i] = _abrege(lu) if isinstance(lu, ImportRejected) else lu
    return resultats  # type: ignore[return-value]


def _ou_refus(sorte: str, chemin: Path, options: dict[str, Any] | None) -> Lot | ImportRejected:
    try:
        return lire(sorte, chemin, **(options or {}))
    except VigieError as err:  # un réglage invalide refuse aussi le fichier
        return err if isinstance(err, ImportRejected) else ImportRejected(str(err), fichier=chemin)


#: Longueur maximale d'un morceau de message : une cellule de 10 Mo citée dans un refus ne doit finir ni
#: dans le terminal ni dans le journal des imports.
MORCEAU_MAX = 300


def _abrege(err: ImportRejected) -> ImportRejected:
    """Le même refus, avec la raison, la colonne et chaque détail coupés à :data:`MORCEAU_MAX` caractères."""
    def couper(texte: str) -> str:
        return texte if len(texte) <= MORCEAU_MAX else texte[:MORCEAU_MAX] + f"… ({len(texte)} caractères)"

    morceaux = [err.raison, *err.details, str(err.colonne or "")]
    if all(len(m) <= MORCEAU_MAX for m in morceaux):
        return err
    colonne = couper(err.colonne) if isinstance(err.colonne, str) else err.colonne
    return ImportRejected(couper(err.raison), fichier=err.fichier, ligne=err.ligne, colonne=colonne,
                          details=[couper(d) for d in err.details])
