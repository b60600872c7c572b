"""Le dépôt de fichiers de la page Imports : la sorte de chaque fichier, les options de chaque sorte en
champs typés, et les messages des connecteurs dits pour la page.

Tout import passe par :func:`dashboard.data.importer_fichier` (donc par
:func:`connectors.importation.importer`), un fichier à la fois : chaque fichier est sa propre
transaction et a sa propre ligne de résultat. Rien ici ne lit ni n'écrit l'entrepôt.

**Les messages.** Les refus et remarques des connecteurs et de l'entrepôt sont écrits une fois, pour la
ligne de commande comme pour la page ; quand ils indiquent une option de la commande
(« réimportez avec « --option nouvelles_matieres=oui » », « --periode », « --ignorer-inconnus »,
« --mapping »), :func:`pour_la_page` la remplace par le champ ou la case de cette page qui fait la même
chose. C'est le seul endroit qui connaît les deux écritures ; ``tests/test_dashboard_imports.py`` vérifie
qu'aucune option de commande écrite dans ``connectors/`` ou ``models/`` n'y échappe.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

import connectors
from connectors.detection import Detection, detecter
from connectors.options import Option

from . import format as fr

#: La sorte « Détection automatique » du sélecteur (pas une sorte d'import).
AUTO = "auto"

#: Les sortes qu'on dépose dans la page (Pronote en direct se connecte à l'ENT : pas de fichier).
SORTES = [s for s in connectors.SOURCES if s != "pronote-live"]

#: La case qui importe le reste d'un fichier dont des lignes désignent un élève inconnu.
CASE_INCONNUS = "Ignorer les lignes d'élèves inconnus"

#: Option d'un connecteur (``connectors/*.OPTIONS``) → son libellé dans la page. Une option absente d'ici
#: est présentée par son aide (``Option.aide``).
LIBELLES_OPTIONS: dict[str, str] = {
    "classe": "Classe",
    "periode": "Période",
    "matiere": "Matière",
    "nouvelles_matieres": "Créer les matières inconnues de l'établissement",
    "ramener_sur_20": "Ramener chaque devoir sur 20 pour la moyenne",
    "annee": "Année scolaire",
    "niveaux": "Niveaux de l'établissement",
    "referentiel": "Référentiel",
    "date": "Date des évaluations",
    "liste": "Forme du fichier",
    "du": "Début de la période couverte",
    "au": "Fin de la période couverte",
    "mapping": "Correspondance des colonnes (TOML)",
}

#: Les valeurs d'une option à choix (``Option.choix``) → libellé.
LIBELLES_CHOIX: dict[str, dict[str, str]] = {
    "liste": {"absences": "Une ligne par absence", "synthese": "Une ligne par élève (synthèse)",
              "retards": "Liste des retards"},
}


def libelle_option(nom: str, option: Option | None = None) -> str:
    if nom in LIBELLES_OPTIONS:
        return LIBELLES_OPTIONS[nom]
    aide = option.aide if option else nom.replace("_", " ")
    return aide[:1].upper() + aide[1:]


def options_de(sorte: str) -> dict[str, Option]:
    """Les options que le connecteur de ``sorte`` déclare et qu'une page peut donner (pas les objets)."""
    module = importlib.import_module(connectors.SOURCES[sorte])
    return {nom: o for nom, o in getattr(module, "OPTIONS", {}).items() if o.genre != "objet"}


# --- Les messages pour la page ------------------------------------------------------------------------


def _option_commande(m: re.Match[str]) -> str:
    nom, valeur = m["nom"], m["valeur"]
    option = _option_connue(nom)
    if option is not None and option.genre == "booleen":
        return f"la case « {libelle_option(nom, option)} » {'cochée' if valeur in ('oui', 'o', '1') else 'décochée'}"
    return f"le champ « {libelle_option(nom, option)} »"


def _option_connue(nom: str) -> Option | None:
    for sorte in SORTES:
        if nom in (o := options_de(sorte)):
            return o[nom]
    return None


#: Écriture pour la commande → écriture pour la page. Dans l'ordre : la plus précise d'abord.
_COMMANDE: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"«\s*--ignorer-inconnus\s*»|--ignorer-inconnus"), lambda m: f"la case « {CASE_INCONNUS} » cochée"),
    (re.compile(r"«\s*--option\s+(?P<nom>\w+)=(?P<valeur>[^\s»]*)\s*»"), _option_commande),
    (re.compile(r"--option\s+(?P<nom>\w+)=(?P<valeur>[^\s»);,]*)"), _option_commande),
    (re.compile(r"--mapping\s+[^\s»),;]+|--mapping"), lambda m: f"déposez-la dans le champ « {libelle_option('mapping')} »"),
    (re.compile(r"--(?P<nom>periode|classe|matiere|annee)\b\s*"), lambda m: f"champ « {libelle_option(m['nom'])} » : "),
    # une option nommée dans un refus d'options.py : « option « niveaux » : … »
    (re.compile(r"\boption « (?P<nom>\w+) »"), lambda m: f"champ « {libelle_option(m['nom'], _option_connue(m['nom']))} »"),
    # la sorte écrite en code dans un message (« la liste des élèves (pronote-eleves) »)
    (re.compile(r"\((?P<sorte>" + "|".join(re.escape(s) for s in SORTES) + r")\)"),
     lambda m: f"(« {fr.source(m['sorte'])} »)"),
    (re.compile(r"sorte « (?P<sorte>" + "|".join(re.escape(s) for s in SORTES) + r") »"),
     lambda m: f"sorte « {fr.source(m['sorte'])} »"),
]


def pour_la_page(texte: str) -> str:
    """Le message d'un connecteur ou de l'entrepôt pour une personne devant la page : chaque option de la
    ligne de commande qu'il indique devient le champ ou la case de la page qui fait la même chose."""
    for motif, remplacer in _COMMANDE:
        texte = motif.sub(remplacer, texte)
    return texte


# --- Les fichiers déposés ------------------------------------------------------------------------------


@dataclass
class Depot:
    """Un fichier déposé, ce que son contenu désigne (``detection``) et la sorte retenue (``sorte``, None
    tant que la personne doit choisir) ; ``choisie`` : la sorte a été imposée dans la page."""

    nom: str
    contenu: bytes
    detection: Detection
    sorte: str | None
    choisie: bool = False


def reconnaitre(nom: str, contenu: bytes, choisie: str) -> Depot:
    """La sorte retenue pour un fichier : celle choisie, sinon celle que son contenu désigne seul."""
    d = detecter(nom, contenu)
    if choisie != AUTO:
        return Depot(nom, contenu, d, choisie, choisie=True)
    return Depot(nom, contenu, d, d.sorte)


def phrase_detection(depot: Depot) -> str:
    """« Reconnu : Pronote — élèves et classes (colonnes « Né(e) le ») » ou pourquoi il ne l'est pas."""
    d = depot.detection
    if d.sorte:
        return f"Reconnu : {fr.source(d.sorte)} ({d.raison})"
    if d.candidates:
        return (f"Sorte ambiguë ({d.raison}) : {' ou '.join(fr.source(s) for s in d.candidates)} ? "
                "Choisissez la sorte de ce fichier.")
    return f"Sorte non reconnue ({d.raison}). Choisissez la sorte de ce fichier."


def desaccord(depot: Depot) -> str | None:
    """Quand la sorte imposée n'est pas celle que le contenu désigne seul : la phrase qui le dit (le fichier
    est tout de même confié à la sorte choisie, dont le connecteur dira s'il le refuse)."""
    d = depot.detection
    if not depot.choisie or not d.sorte or d.sorte == depot.sorte:
        return None
    return (f"ce fichier ressemble à « {fr.source(d.sorte)} » ({d.raison}), pas à « {fr.source(depot.sorte)} » : "
            "vérifiez la sorte choisie.")


# --- Les champs d'options ------------------------------------------------------------------------------


def champs_options(sorte: str, *, periodes: list[str], classes: list[str]) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Les champs des options de ``sorte`` ; renvoie (options, pièces jointes).

    Un champ laissé vide n'est pas donné au connecteur (son réglage par défaut s'applique) ; une case
    cochée vaut « oui ». Une option ``chemin`` (la correspondance d'un tableur) est un second dépôt de
    fichier : ``pieces[nom] = (nom du fichier, contenu)``."""
    options: dict[str, Any] = {}
    pieces: dict[str, tuple[str, bytes]] = {}
    for nom, option in options_de(sorte).items():
        cle = f"option_{sorte}_{nom}"
        libelle = libelle_option(nom, option)
        aide = option.aide[:1].upper() + option.aide[1:]
        if option.genre == "booleen":
            if st.checkbox(libelle, key=cle, help=aide):
                options[nom] = True
        elif option.genre == "date":
            jour = st.date_input(libelle, value=None, format="DD/MM/YYYY", key=cle, help=aide)
            if isinstance(jour, dt.date):
                options[nom] = jour
        elif option.genre == "entier":
            n = st.number_input(libelle, value=None, min_value=option.minimum, max_value=option.maximum, step=1,
                                key=cle, help=aide)
            if n is not None:
                options[nom] = int(n)
        elif option.genre == "choix":
            libelles = LIBELLES_CHOIX.get(nom, {})
            choix = st.selectbox(libelle, [None, *option.choix], key=cle, help=aide,
                                 format_func=lambda c: "Reconnue d'après les colonnes" if c is None
                                 else libelles.get(c, c))
            if choix is not None:
                options[nom] = choix
        elif option.genre == "chemin":
            piece = st.file_uploader(libelle, type=["toml"], key=cle, help=aide)
            if piece is not None:
                pieces[nom] = (piece.name, piece.getvalue())
        elif nom in ("periode", "classe") and (periodes if nom == "periode" else classes):
            valeurs = periodes if nom == "periode" else classes
            choix = st.selectbox(libelle, [None, *valeurs], key=cle, help=aide,
                                 format_func=lambda v: "D'après le fichier" if v is None else v)
            if choix is not None:
                options[nom] = choix
        else:  # texte, niveaux
            texte = st.text_input(libelle, key=cle, help=aide)
            if texte.strip():
                options[nom] = texte.strip()
    return options, pieces
