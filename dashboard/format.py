"""Mise en forme française des dates et exports : ``04/03/2026``, CSV pour Excel. Les nombres (``12,50``)
viennent de ``models.nombres``, qui porte la règle d'arrondi."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from models.export import neutraliser_cellule
from models.nombres import nombre, pourcentage, signe  # noqa: F401 (l'arrondi a sa règle dans models)


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
