"""« La période précédente » : une seule définition pour la tendance du conseil, la mention proposée, les
alertes, les pages et le PDF.

La période précédente de (année, période) est celle qui la précède dans le calendrier de l'établissement
(:func:`models.lectures.periodes` : ordre des dates de début, périodes connues seulement par des notes
comprises), **année scolaire comprise dans la réponse** : le Trimestre 1 de 2025-2026 a pour précédente le
Trimestre 3 de 2024-2025. Ce qui ne compare que dans l'année (la mention proposée : « progression » au
conseil ; les alertes de baisse et de hausse) demande ``meme_annee=True`` : le premier trimestre n'a alors
pas de précédente. Un élève sans moyenne à la période précédente n'a pas d'écart (on ne saute pas à une
période plus ancienne : le conseil lit « par rapport au trimestre dernier »).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import polars as pl

from . import lectures

if TYPE_CHECKING:
    from .warehouse import Warehouse


class Periode(NamedTuple):
    annee: str
    periode: str


def precedentes(wh: "Warehouse", *, meme_annee: bool = False) -> pl.DataFrame:
    """Une ligne par période connue : ``annee``, ``periode``, ``annee_precedente``,
    ``periode_precedente`` (nulles pour la première ; pour la première de chaque année si
    ``meme_annee``)."""
    p = lectures.periodes(wh).select("annee", "periode")
    p = p.with_columns(annee_precedente=pl.col("annee").shift(1), periode_precedente=pl.col("periode").shift(1))
    if meme_annee:
        autre = pl.col("annee_precedente") != pl.col("annee")
        p = p.with_columns(
            pl.when(autre).then(None).otherwise(pl.col(c)).alias(c) for c in ("annee_precedente", "periode_precedente")
        )
    return p


def periode_precedente(wh: "Warehouse", annee: str | None, periode: str | None, *,
                       meme_annee: bool = False) -> Periode | None:
    """La période qui précède (``annee``, ``periode``), ou None (première période connue, période inconnue,
    première de l'année si ``meme_annee``). ``annee`` None : la dernière période de ce nom."""
    p = precedentes(wh, meme_annee=meme_annee).filter(pl.col("periode") == periode)
    if annee is not None:
        p = p.filter(pl.col("annee") == annee)
    if p.is_empty() or p["periode_precedente"][-1] is None:
        return None
    return Periode(p["annee_precedente"][-1], p["periode_precedente"][-1])


def avec_precedente(wh: "Warehouse", df: pl.DataFrame, par: list[str], colonnes: list[str], *,
                    meme_annee: bool = False, suffixe: str = "_precedente") -> pl.DataFrame:
    """``df`` (une ligne par ``par`` × ``annee`` × ``periode``) avec, pour chaque ligne, ``annee_precedente``,
    ``periode_precedente`` et la valeur de chaque colonne de ``colonnes`` à cette période (``<col><suffixe>``,
    nulle si la ligne n'y existe pas). L'ordre des lignes est gardé."""
    p = precedentes(wh, meme_annee=meme_annee)
    sortie = df.join(p, on=["annee", "periode"], how="left", maintain_order="left")
    avant = df.select(
        *par, pl.col("annee").alias("annee_precedente"), pl.col("periode").alias("periode_precedente"),
        *(pl.col(c).alias(f"{c}{suffixe}") for c in colonnes),
    )
    return sortie.join(avant, on=[*par, "annee_precedente", "periode_precedente"], how="left",
                       maintain_order="left")
