"""Mise en forme française des dates et exports : ``04/03/2026``, CSV pour Excel. Les nombres (``12,50``)
viennent de ``models.nombres``, qui porte la règle d'arrondi."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from models.formules import neutraliser_cellule
from models.nombres import arrondi, nombre, pourcentage, signe, vide  # noqa: F401 (l'arrondi a sa règle dans models)


def date(d: dt.date | dt.datetime | None) -> str:
    """``dd/mm/yyyy`` ; une date-heure garde l'heure (``dd/mm/yyyy hh:mm``)."""
    if d is None:
        return "—"
    if isinstance(d, dt.datetime):
        return d.strftime("%d/%m/%Y %H:%M")
    return d.strftime("%d/%m/%Y")


_MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
         "novembre", "décembre")


def periode(p: str | None) -> str:
    """« 2025-11 » (un mois civil, règles d'absentéisme) → « novembre 2025 » ; une période nommée reste."""
    if p and len(p) == 7 and p[4] == "-" and p[:4].isdigit() and p[5:].isdigit() and 1 <= int(p[5:]) <= 12:
        return f"{_MOIS[int(p[5:]) - 1]} {p[:4]}"
    return p or ""


def csv(df: pl.DataFrame) -> bytes:
    """Un CSV pour Excel en France : UTF-8 avec BOM, ``;`` séparateur, virgule décimale, dates
    ``dd/mm/yyyy``. Les cellules *texte* qui commencent par ``=``, ``+``, ``-`` ou ``@`` sont préfixées
    d'une apostrophe (injection de formule, règle de ``models.export``) ; un nombre négatif reste un nombre."""
    colonnes = []
    for nom, type_ in df.schema.items():
        c = pl.col(nom)
        if type_ == pl.Datetime or isinstance(type_, pl.Datetime):
            c = c.dt.strftime("%d/%m/%Y %H:%M")
        elif type_ == pl.Date:
            c = c.dt.strftime("%d/%m/%Y")
        elif type_.is_float():
            # même arrondi et même écriture que la page, sans espace des milliers (le tableur relit un nombre)
            c = c.map_elements(lambda x: nombre(x, 2, milliers=False), return_dtype=pl.String, skip_nulls=True)
        elif type_ == pl.Boolean:
            c = pl.when(c).then(pl.lit("oui")).when(c.not_()).then(pl.lit("non")).otherwise(None)
        elif type_.is_nested():
            c = c.cast(pl.List(pl.String)).list.join(", ").map_elements(
                neutraliser_cellule, return_dtype=pl.String, skip_nulls=True
            )
        elif type_.is_numeric():
            c = c.cast(pl.String)
        else:
            c = c.cast(pl.String).map_elements(neutraliser_cellule, return_dtype=pl.String, skip_nulls=True)
        colonnes.append(c.alias(nom))
    sortie = io.BytesIO()
    df.select(colonnes).write_csv(sortie, separator=";")
    return "\ufeff".encode() + sortie.getvalue()


# --- Écarts signés (évolution, écart, progression) ----------------------------------------------------
#
# L'écriture d'un écart (``+1,25``, ``−2,95``, ``0,00`` sans signe) est ``models.nombres.signe`` ; ici, ce
# que l'affichage en tire : son sens (la couleur d'une cellule) et les arguments de ``st.metric``.


def sens(x: float | None, decimales: int = 2) -> int:
    """Le sens d'un écart **tel qu'il s'affiche** (arrondi par ``models.nombres``) : 1, -1, ou 0 (nul à
    l'arrondi ou vide). Un écart de 0,001 s'écrit 0,00 : il n'a ni signe, ni flèche, ni couleur."""
    if vide(x):
        return 0
    r = arrondi(x, decimales)  # type: ignore[arg-type]
    return 1 if r > 0 else -1 if r < 0 else 0


def delta(x: float | None, decimales: int = 2) -> dict:
    """Les arguments ``delta`` de ``st.metric`` pour un écart : Streamlit choisit la flèche et la couleur
    d'après le **premier caractère** d'une chaîne (un ``-`` ASCII pour une baisse ; le moins typographique
    « − » de ``signe`` se lirait comme une hausse). Écart nul à l'arrondi : ``0,00`` gris, sans flèche."""
    if vide(x):
        return {"delta": None}
    s = sens(x, decimales)
    if s == 0:
        return {"delta": nombre(0, decimales), "delta_color": "off", "delta_arrow": "off"}
    return {"delta": ("+" if s > 0 else "-") + nombre(abs(x), decimales)}  # type: ignore[arg-type]


#: Le nom, pour une personne, de chaque sorte d'import (``connectors.SOURCES``) : le code reste dans les
#: journaux et la ligne de commande, jamais à l'écran.
SOURCES = {
    "etablissement": "Établissement (etablissement.toml)",
    "pronote-eleves": "Pronote — élèves et classes",
    "pronote-notes": "Pronote — notes des devoirs",
    "pronote-resultats": "Pronote — moyennes (résultats)",
    "pronote-competences": "Pronote — compétences",
    "pronote-absences": "Pronote — absences et retards",
    "pronote-punitions": "Pronote — punitions et sanctions",
    "pronote-live": "Pronote en direct (ENT)",
    "pix": "Pix Orga — résultats de campagne",
    "lsu": "LSU — bilans (XML)",
    "tableur": "Tableur de l'établissement",
}

#: Statut d'un import (``models.warehouse``) → libellé.
STATUTS_IMPORT = {"reussi": "Réussi", "rejete": "Refusé"}


def source(code: str | None) -> str:
    """Libellé français d'une sorte d'import ; un code inconnu reste lisible tel quel."""
    return SOURCES.get(code or "", code or "—")


def statut_import(code: str | None) -> str:
    """« Réussi » / « Refusé » pour le statut d'un import."""
    return STATUTS_IMPORT.get(code or "", code or "—")


#: Famille d'une matière (``models.records.Famille``) → libellé.
FAMILLES = {"general": "Enseignement général", "professionnel": "Enseignement professionnel", "option": "Option"}


def famille(code: str | None) -> str:
    """« Enseignement général » pour ``general`` ; un code inconnu reste tel quel."""
    return FAMILLES.get(code or "", code or "—")


#: Statut d'une note (``models.records.StatutNote``) → libellé (les mentions de Pronote en toutes lettres).
STATUTS_NOTE = {
    "note": "Noté", "absent": "Absent", "dispense": "Dispensé", "non_note": "Non noté", "inapte": "Inapte",
    "non_rendu": "Non rendu", "absent_zero": "Absent (compté 0)", "non_rendu_zero": "Non rendu (compté 0)",
    "non_concerne": "Non concerné",
}


def statut_note(code: str | None) -> str:
    """« Non rendu » pour ``non_rendu`` ; un code inconnu reste tel quel."""
    return STATUTS_NOTE.get(code or "", code or "—")
