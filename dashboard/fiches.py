"""Mise en forme des données d'un élève pour l'écran et le PDF (fonctions pures sur les frames de
``models/`` : aucune nouvelle valeur n'est calculée ici, on choisit et on renomme)."""

from __future__ import annotations

import polars as pl

from models.nombres import nombre

SERIE_ELEVE = "Élève"
SERIE_CLASSE = "Moyenne de la classe"
SERIE_PRECEDENTE = "Période précédente"


def radar_eleve(moy: pl.DataFrame, eleve_id: str, precedent: pl.DataFrame | None = None,
                *, libelle_eleve: str = SERIE_ELEVE) -> pl.DataFrame:
    """Les séries du radar d'un élève : ses moyennes par matière, celles de la classe, et ses moyennes de
    la période précédente (sur les matières de la période courante). Colonnes des graphiques :
    ``serie, matiere, famille, moyenne``."""
    m = moy.filter((pl.col("eleve_id") == eleve_id) & pl.col("matiere").is_not_null())
    if m.is_empty():
        return pl.DataFrame(schema={"serie": pl.String, "matiere": pl.String, "famille": pl.String,
                                    "moyenne": pl.Float64})
    series = [
        m.select(pl.lit(libelle_eleve).alias("serie"), "matiere", "famille", "moyenne"),
        m.select(pl.lit(SERIE_CLASSE).alias("serie"), "matiere", "famille",
                 pl.col("moyenne_classe").alias("moyenne")),
    ]
    if precedent is not None and precedent.height:
        p = precedent.filter((pl.col("eleve_id") == eleve_id) & pl.col("matiere").is_in(m["matiere"].implode()))
        if p.height:
            series.append(p.select(pl.lit(SERIE_PRECEDENTE).alias("serie"), "matiere", "famille", "moyenne"))
    return pl.concat([s.with_columns(pl.col("moyenne").cast(pl.Float64)) for s in series])


def tableau_matieres(moy: pl.DataFrame, eleve_id: str) -> pl.DataFrame:
    """Matières de l'élève : sa moyenne, celle de la classe, min, max, rang (la générale en dernier)."""
    m = moy.filter(pl.col("eleve_id") == eleve_id)
    return m.select(
        pl.col("matiere").fill_null("Moyenne générale"),
        "famille", "moyenne", "moyenne_classe", "min_classe", "max_classe", "rang", "nb_notes",
        "faible_confiance", "moyenne_pronote", "ecart_pronote",
    ).sort(pl.col("matiere") == "Moyenne générale", "famille", "matiere", nulls_last=True)


def tendance_eleve(evolution: pl.DataFrame) -> pl.DataFrame:
    """``models.moyennes.evolution`` → séries du graphique de tendance (élève et classe). Sur plusieurs
    années, chaque période porte son année (« Trimestre 1 (2024-2025) ») : deux « Trimestre 1 » ne se
    confondent pas sur l'axe."""
    if evolution.is_empty():
        return pl.DataFrame(schema={"periode": pl.String, "moyenne": pl.Float64, "serie": pl.String})
    periode = (pl.format("{} ({})", "periode", "annee") if evolution["annee"].n_unique() > 1
               else pl.col("periode")).alias("periode")
    return pl.concat([
        evolution.select(periode, "moyenne", pl.lit(SERIE_ELEVE).alias("serie")),
        evolution.select(periode, pl.col("moyenne_classe").alias("moyenne"), pl.lit(SERIE_CLASSE).alias("serie")),
    ])


#: Statut d'une absence (vue ``absences``) → libellé affiché.
STATUTS_ABSENCE = {"non_justifiee": "Non justifiée", "en_attente": "En attente de justificatif",
                   "justifiee": "Justifiée"}


def absences_affichees(absences: pl.DataFrame) -> pl.DataFrame:
    """Les absences d'un élève (``lectures.absences_eleve``) une à une : début, fin, demi-journées, motif,
    statut ; les plus récentes d'abord."""
    return absences.sort("debut", descending=True).select(
        pl.col("debut").dt.strftime("%d/%m/%Y %H:%M").alias("Du"),
        pl.col("fin").dt.strftime("%d/%m/%Y %H:%M").alias("Au"),
        pl.col("demi_journees").map_elements(lambda x: nombre(x, 2, entier_nu=True), return_dtype=pl.String)
        .fill_null("—").alias("Demi-journées"),
        pl.col("motif").fill_null("—").alias("Motif"),
        pl.col("statut").replace_strict(STATUTS_ABSENCE, default=pl.col("statut")).alias("Statut"),
    )


def sanctions_affichees(sanctions: pl.DataFrame) -> pl.DataFrame:
    """Punitions et sanctions (``lectures.punitions_sanctions``) : date, nature, type, motif, donnée par."""
    return sanctions.select(
        pl.col("date").dt.strftime("%d/%m/%Y").alias("Date"), pl.col("nature").alias("Nature"),
        pl.when(pl.col("disciplinaire")).then(pl.lit("Sanction")).otherwise(pl.lit("Punition")).alias("Type"),
        pl.col("motif").fill_null("—").alias("Motif"), pl.col("donnee_par").fill_null("—").alias("Donnée par"),
    )
