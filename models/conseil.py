"""Le conseil de classe : le tableau de la classe et ce que l'on dit de chaque élève.

Assemble les analyses (moyennes, absences, alertes, mentions) pour l'écran « Conseil de classe » et son
export PDF : les deux montrent donc les mêmes chiffres.
"""

from __future__ import annotations

import polars as pl

from . import absences, alertes, lectures
from . import moyennes as mm
from .periodes import periode_precedente
from .warehouse import Warehouse


def absences_periode(wh: Warehouse, classe: str, periode: str, annee: str | None) -> pl.DataFrame:
    """Demi-journées d'absence (brutes) et non justifiées de chaque élève de la classe dans la période
    (``models.absences.demi_journees``)."""
    df = absences.demi_journees(wh, par="periode", classe=classe)
    if df.is_empty():
        return pl.DataFrame(schema={"eleve_id": pl.String, "absences": pl.Float64, "non_justifiees": pl.Float64})
    filtre = pl.col("periode") == periode
    if annee is not None and "annee" in df.columns:
        filtre &= pl.col("annee") == annee
    return df.filter(filtre).select(
        "eleve_id",
        pl.col("brutes").cast(pl.Float64).alias("absences"),
        pl.col("non_justifiees").cast(pl.Float64),
    )


def alertes_eleve(wh: Warehouse, eleve_id: str, classe: str | None = None) -> pl.DataFrame:
    """Les alertes d'un élève (``models.alertes``), les plus graves d'abord."""
    vide = pl.DataFrame(schema={"eleve_id": pl.String, "regle": pl.String, "libelle": pl.String,
                                "periode": pl.String, "gravite": pl.String, "explication": pl.String})
    df = alertes.alertes(wh, classe=classe)
    if df.is_empty():
        return vide
    ordre = {"alerte": 0, "attention": 1, "info": 2}
    return df.filter(pl.col("eleve_id") == eleve_id).sort(
        pl.col("gravite").replace_strict(ordre, default=3), "regle"
    )


def tableau_conseil(wh: Warehouse, classe: str, periode: str, annee: str | None = None) -> pl.DataFrame:
    """Une ligne par élève de la classe : moyenne générale, variation, rang, absences, retards,
    sanctions, nombre d'alertes, mention proposée. Tout vient de ``models/`` ; rien n'est recalculé."""
    eleves = lectures.eleves(wh, classe).select(
        "eleve_id", (pl.col("nom") + " " + pl.col("prenom")).alias("eleve")
    )
    gen = mm.moyennes(wh, classe=classe, periode=periode, annee=annee).filter(pl.col("matiere").is_null())
    gen = gen.select("eleve_id", "moyenne", "rang")
    # L'évolution : écart à la période précédente, d'une année à l'autre (models.periodes) ; l'élève a pu
    # changer de classe, sa moyenne d'alors est cherchée dans toute l'école.
    precedente = periode_precedente(wh, annee, periode)
    avant = pl.DataFrame(schema={"eleve_id": pl.String, "moyenne_avant": pl.Float64})
    if precedente is not None:
        avant = mm.moyennes(wh, periode=precedente.periode, annee=precedente.annee).filter(
            pl.col("matiere").is_null() & pl.col("eleve_id").is_in(eleves["eleve_id"].implode())
        ).select("eleve_id", moyenne_avant="moyenne")
    vie = lectures.vie_scolaire_periode(wh, classe, annee, periode)
    abs_periode = absences_periode(wh, classe, periode, annee)
    al = alertes.alertes(wh, classe=classe)
    nb_alertes = al.group_by("eleve_id").agg(pl.len().cast(pl.Int64).alias("alertes")) if al.height else None
    ment = alertes.mentions(wh, classe, periode, annee=annee)
    mentions = ment.select("eleve_id", "mention") if ment.height else None
    out = eleves.join(gen, on="eleve_id", how="left").join(avant, on="eleve_id", how="left").with_columns(
        variation=pl.col("moyenne") - pl.col("moyenne_avant")).join(vie, on="eleve_id", how="left")
    out = out.join(abs_periode.select("eleve_id", "absences"), on="eleve_id", how="left")
    out = out.join(nb_alertes, on="eleve_id", how="left") if nb_alertes is not None else \
        out.with_columns(pl.lit(0, dtype=pl.Int64).alias("alertes"))
    out = out.join(mentions, on="eleve_id", how="left") if mentions is not None else \
        out.with_columns(pl.lit(None, dtype=pl.String).alias("mention"))
    return out.with_columns(
        pl.col("absences").fill_null(0.0), pl.col("alertes").fill_null(0),
        pl.col("retards").fill_null(0), pl.col("sanctions").fill_null(0),
    ).select("eleve_id", "eleve", "moyenne", "variation", "rang", "absences", "retards", "sanctions",
             "alertes", "mention").sort("eleve")
