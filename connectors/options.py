"""Les options des connecteurs, typées : chaque connecteur déclare les siennes (``OPTIONS``), rien d'autre
n'entre.

Une option inconnue de la sorte (``--classe`` pour un fichier LSU, qui porte ses classes) ou mal formée
(``niveau_max=huit``) refuse le fichier en français, et le refus est consigné dans le journal comme tout
refus (:func:`connectors.importation.importer`). Une option venue d'un texte (ligne de commande, zone
d'options du tableau de bord) est convertie ici une fois ; le connecteur reçoit des valeurs typées.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from models.errors import ImportRejected
from models.records import NOMS_STATUTS_COMPETENCE, StatutCompetence

from .common import cle_entete, date_fr

Genre = Literal["texte", "date", "booleen", "entier", "choix", "chemin", "niveaux", "objet", "annee"]

#: Les mots acceptés pour oui et non (« ramener_sur_20=non »).
OUI = frozenset({"oui", "o", "vrai", "true", "1", "yes"})
NON = frozenset({"non", "n", "faux", "false", "0", "no"})


@dataclass(frozen=True)
class Option:
    """Une option d'un connecteur : son genre, ce qu'elle fait (affiché dans les refus et l'aide).

    Genres : ``texte`` (non vide), ``date`` (JJ/MM/AAAA), ``booleen`` (oui / non), ``entier`` (entre
    ``minimum`` et ``maximum``), ``choix`` (un de ``choix``), ``chemin`` (un fichier),
    ``niveaux`` (libellé=niveau 1–4, séparés par « ; »), ``objet`` (donné par le code seulement, jamais
    par un texte : le client pronotepy déjà connecté)."""

    genre: Genre
    aide: str
    choix: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def convertir(self, valeur: Any) -> Any:
        """La valeur typée ; lève ``ValueError`` (message en français) si elle ne convient pas."""
        return _CONVERTIR[self.genre](self, valeur)


def _texte(o: Option, v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError("un texte non vide est attendu")
    return v.strip()


def _date(o: Option, v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        return date_fr(v)
    raise ValueError("une date JJ/MM/AAAA est attendue")


def _booleen(o: Option, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    mot = cle_entete(str(v))
    if mot in OUI:
        return True
    if mot in NON:
        return False
    raise ValueError("« oui » ou « non » est attendu")


def _entier(o: Option, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise ValueError("un nombre entier est attendu")
    try:
        n = int(v.strip()) if isinstance(v, str) else v
    except ValueError:
        raise ValueError("un nombre entier est attendu") from None
    if (o.minimum is not None and n < o.minimum) or (o.maximum is not None and n > o.maximum):
        raise ValueError(f"un entier de {o.minimum} à {o.maximum} est attendu")
    return n


def _choix(o: Option, v: Any) -> str:
    for c in o.choix:
        if isinstance(v, str) and cle_entete(v) == cle_entete(c):
            return c
    raise ValueError(f"une de ces valeurs est attendue : {', '.join(o.choix)}")


def _chemin(o: Option, v: Any) -> Path:
    if not isinstance(v, (str, Path)) or not str(v).strip():
        raise ValueError("un chemin de fichier est attendu")
    return Path(v).expanduser()  # un fichier introuvable : le connecteur le dit en le lisant


def _niveaux(o: Option, v: Any) -> dict[str, int | StatutCompetence]:
    """« Très bonne maîtrise=4; TB=4; Dsp=dispensé » (ou un dictionnaire en Python) → {libellé: niveau 1–4
    ou statut} (statuts : :data:`models.records.NOMS_STATUTS_COMPETENCE`)."""
    if isinstance(v, Mapping):
        paires = list(v.items())
    elif isinstance(v, str):
        paires = []
        for morceau in v.replace("\n", ";").split(";"):
            if not morceau.strip():
                continue
            libelle, egal, niveau = morceau.rpartition("=")
            if not egal or not libelle.strip():
                raise ValueError(f"« {morceau.strip()} » : LIBELLÉ=NIVEAU attendu (par exemple « TB=4; B=3 »)")
            paires.append((libelle.strip(), niveau.strip()))
    else:
        raise ValueError("LIBELLÉ=NIVEAU attendu (par exemple « TB=4; B=3 »)")
    sortie: dict[str, int | StatutCompetence] = {}
    for libelle, niveau in paires:
        statut = NOMS_STATUTS_COMPETENCE.get(cle_entete(niveau)) if isinstance(niveau, str) else None
        if isinstance(niveau, StatutCompetence) or statut is not None:
            sortie[str(libelle)] = statut or StatutCompetence(niveau)
            continue
        try:
            n = int(niveau)
        except (TypeError, ValueError):
            n = 0
        if isinstance(niveau, bool) or not 1 <= n <= 4:
            raise ValueError(f"« {libelle} » doit valoir 1, 2, 3 ou 4, ou un statut (absent, dispensé, "
                             f"non évalué), pas « {niveau} »")
        sortie[str(libelle)] = n
    if not sortie:
        raise ValueError("au moins un LIBELLÉ=NIVEAU est attendu")
    return sortie


def _annee(o: Option, v: Any) -> str:
    """« 2024-2025 » (« 2024/2025 », « 2024 - 2025 » admis) : la règle de models/annee_scolaire.py."""
    from models.annee_scolaire import bornes
    from models.errors import VigieError

    lue = re.sub(r"\s*[-/]\s*", "-", str(v).strip())
    try:
        bornes(lue)
    except VigieError:
        raise ValueError("année scolaire illisible (attendu par exemple 2024-2025)") from None
    return lue


def _objet(o: Option, v: Any) -> Any:
    if isinstance(v, str):
        raise ValueError("cette option se donne par le programme, pas en texte")
    return v


_CONVERTIR = {
    "texte": _texte, "date": _date, "booleen": _booleen, "entier": _entier, "choix": _choix,
    "chemin": _chemin, "niveaux": _niveaux, "objet": _objet, "annee": _annee,
}

#: Les options qu'on retrouve d'un connecteur à l'autre, décrites une fois.
CLASSE = Option("texte", "classe des élèves quand le fichier ne l'indique pas")
PERIODE = Option("texte", "période (« Trimestre 1 ») quand le fichier ne l'indique pas")
MATIERE = Option("texte", "matière (service) quand le fichier ne l'indique pas")
NOUVELLES_MATIERES = Option("booleen", "créer les matières inconnues de l'établissement (oui / non)")
ANNEE = Option("annee", "année scolaire que le fichier décrit (« 2024-2025 ») ; l'export ne la dit pas")
NIVEAUX = Option("niveaux", "traduction des niveaux de l'établissement : « LIBELLÉ=1–4; LIBELLÉ=dispensé; … »")


def verifier(sorte: str, declarees: Mapping[str, Option], options: Mapping[str, Any],
             fichier: str | Path | None = None) -> dict[str, Any]:
    """Les options converties selon leur déclaration ; une option vide (``None``) est absente.

    Lève :class:`ImportRejected` nommant chaque option inconnue de la sorte ou mal formée."""
    erreurs: list[str] = []
    sortie: dict[str, Any] = {}
    for nom, valeur in options.items():
        if valeur is None:
            continue
        option = declarees.get(nom)
        if option is None:
            connues = ", ".join(sorted(declarees)) or "aucune"
            erreurs.append(f"option « {nom} » inconnue pour {sorte} (options acceptées : {connues})")
            continue
        try:
            sortie[nom] = option.convertir(valeur)
        except ValueError as err:
            lu = f"« {_court(valeur)} » refusé" if str(valeur).strip() else "valeur vide refusée"
            erreurs.append(f"option « {nom} » : {lu}, {err} ({option.aide})")
    if erreurs:
        raise ImportRejected(
            erreurs[0] if len(erreurs) == 1 else f"{len(erreurs)} options refusées",
            fichier=fichier, details=erreurs if len(erreurs) > 1 else None,
        )
    return sortie


def _court(valeur: Any) -> str:
    texte = str(valeur)
    return texte if len(texte) <= 60 else texte[:60] + "…"
