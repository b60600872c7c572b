"""Exports CSV sûrs : cellules neutralisées contre l'injection de formules (la règle : ``models.formules``),
export pseudonymisé."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from pathlib import Path

import polars as pl

from .formules import DANGEREUX, neutraliser_cellule  # noqa: F401 (ré-exportée)
from .schema import quote_ident
from .warehouse import Warehouse

def neutraliser(df: pl.DataFrame) -> pl.DataFrame:
    """Toutes les colonnes texte neutralisées (:func:`neutraliser_cellule`) ; les nombres restent des nombres."""
    motif = "^[" + re.escape("".join(DANGEREUX)) + "]"
    return df.with_columns(
        pl.when(pl.col(c).str.contains(motif)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, t in df.schema.items()
        if t == pl.String
    )


def csv_sur(df: pl.DataFrame) -> str:
    """Un CSV prêt pour Excel (séparateur ``;``, cellules neutralisées)."""
    return neutraliser(df).write_csv(separator=";")


#: Colonnes qui identifient directement un élève : jamais dans un export pseudonymisé.
IDENTIFIANTS = {"nom", "prenom", "ine", "date_naissance", "nom_complet", "motif", "donnee_par", "evaluateur"}

VUES_EXPORTEES = ("eleves", "notes", "absences", "retards", "sanctions", "competences", "pix", "pix_profils")


def exporter_pseudonymise(wh: Warehouse, dossier: Path) -> list[Path]:
    """Écrit les vues publiques en CSV, élèves remplacés par des pseudonymes (HMAC-SHA256).

    La clé est tirée au hasard à chaque export et n'est gardée nulle part : deux exports ne peuvent
    pas être reliés entre eux, ni ramenés aux élèves. Les textes libres (motifs, commentaires et
    appréciations du suivi) sont retirés.
    """
    cle = secrets.token_bytes(32)
    dossier.mkdir(parents=True, exist_ok=True)
    ecrits = []
    for vue in VUES_EXPORTEES:
        df = wh.sql(f"SELECT * FROM {quote_ident(vue)}")
        df = df.drop([c for c in df.columns if c in IDENTIFIANTS])
        if "eleve_id" in df.columns:
            df = df.with_columns(
                pl.col("eleve_id").map_elements(
                    lambda e: hmac.new(cle, e.encode(), hashlib.sha256).hexdigest()[:16], return_dtype=pl.String
                )
            )
        chemin = dossier / f"{vue}.csv"
        chemin.write_text(csv_sur(df), encoding="utf-8-sig")
        ecrits.append(chemin)
    if wh.path != ":memory:":
        # Le suivi (models/suivi.py) sans texte libre (commentaires, appréciations) ni auteur : le dossier
        # de suivi pseudonymisé par la même clé que les élèves ne peut pas être relié à eux.
        from .suivi import pseudonymise

        df = pseudonymise(wh.path).with_columns(
            pl.col("dossier").map_elements(
                lambda e: hmac.new(cle, e.encode(), hashlib.sha256).hexdigest()[:16], return_dtype=pl.String
            )
        )
        chemin = dossier / "suivi.csv"
        chemin.write_text(csv_sur(df), encoding="utf-8-sig")
        ecrits.append(chemin)
    return ecrits
