"""Section « Ce que valent les alertes ici » de la page Alertes (direction) : lit ``models.validation``."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard import format as fr
from models import validation as v
from models.reglages import charger_reglages


def _pct(x: float | None, lo: float | None, hi: float | None) -> str:
    if x is None:
        return "—"
    return f"{fr.pourcentage(x, 0)} ({fr.pourcentage(lo, 0)} à {fr.pourcentage(hi, 0)})"


def tableau(df: pl.DataFrame) -> pl.DataFrame:
    """Les chiffres d'une issue et d'une catégorie de suivi, en colonnes françaises."""
    r = charger_reglages()
    lignes = [{
        "Année": row["annee"], "Coupure": fr.date(row["coupure"]), "Règle": r.libelle(row["regle"]),
        "Élèves": row["eleves"], "Alertés": row["alertes"],
        "Alertés avec l'issue": "—" if row["alertes_avec_issue"] is None else row["alertes_avec_issue"],
        "Précision (IC 95 %)": _pct(row["precision"], row["precision_min"], row["precision_max"]),
        "Issues": "—" if row["issues"] is None else row["issues"],
        "Rappel (IC 95 %)": _pct(row["rappel"], row["rappel_min"], row["rappel_max"]),
        "Délai médian (jours)": "—" if row["delai_median_jours"] is None else fr.nombre(row["delai_median_jours"], 0),
    } for row in df.iter_rows(named=True)]
    return pl.DataFrame(lignes) if lignes else pl.DataFrame()


def section() -> None:
    if ui.utilisateur().role != "direction":
        return
    st.divider()
    st.subheader("Ce que valent les alertes ici")
    st.caption(
        "Pour chaque année terminée, les alertes sont rejouées à la date de coupure avec ce qu'on savait ce "
        "jour-là, puis comparées à ce que sont devenus les élèves après la coupure. Précision : part des "
        "élèves alertés qui ont connu l'issue ; rappel : part des issues qui avaient été annoncées. Avec peu "
        "d'élèves, l'intervalle (IC 95 %) est large : les chiffres disent une tendance, pas une vérité. "
        "Ni le besoin d'accompagnement, ni le sexe, ni l'âge ne sont lus."
    )
    if data.appel(v.est_synthetique):
        st.warning("Établissement de démonstration : ces chiffres sont synthétiques.", icon=":material/science:")
    c1, c2, c3 = st.columns(3)
    noms = list(dict.fromkeys(ui.periodes()["periode"].to_list()))
    premiere = "Fin de la première période"
    coupure = c1.selectbox("Coupure", [premiere, *noms[1:]], key="validation_coupure",
                           format_func=lambda p: p if p == premiere else f"Fin de : {p}")
    coupure = None if coupure == premiere else coupure
    issue = c2.selectbox("Issue", list(v.ISSUES), format_func=v.ISSUES.__getitem__, index=len(v.ISSUES) - 1,
                         key="validation_issue")
    suivi = c3.selectbox("Élèves", list(v.SUIVIS), format_func=v.SUIVIS.__getitem__, key="validation_suivi")
    try:
        df = data.appel_suivi(v.pour_page, coupure=coupure)
    except v.VigieError as e:
        st.error(str(e))
        return
    if df.is_empty():
        st.info("Aucune année scolaire terminée dans l'entrepôt : rien à valider pour l'instant.")
        return
    choisis = df.filter(issue=issue, suivi=suivi)
    if choisis.is_empty():
        st.info("Pas de base de suivi : seuls les chiffres de tous les élèves existent.")
        return
    if not choisis["mesurable"].any():
        st.info("Cette issue ne se mesure pas sur cet historique (pas de période après la coupure, ou pas "
                "d'historique des classes de l'année suivante).")
    st.dataframe(tableau(choisis.filter(pl.col("alertes") > 0)), hide_index=True, placeholder="—")
    ui.telecharger("Exporter la validation (CSV)", fr.csv(df), file_name="validation_alertes.csv",
                   mime="text/csv", key="csv_validation")
    if st.toggle(f"Et si les seuils réglables changeaient ? (calcul limité à {fr.nombre(v.BUDGET_ET_SI, 0)} s)",
                 key="validation_et_si"):
        res = data.appel_suivi(v.et_si_page, coupure=coupure)
        e = res.chiffres.filter(issue=issue)
        if not e.is_empty():
            e = e.with_columns(pl.format("{} = {}{}", "cle", pl.col("valeur").map_elements(
                lambda x: fr.nombre(x, 2, entier_nu=True), return_dtype=pl.String),
                pl.when("actuelle").then(pl.lit(" (actuel)")).otherwise(pl.lit(""))).alias("Seuil"))
            t = tableau(e)
            st.dataframe(pl.concat([e.select("Seuil"), t], how="horizontal"), hide_index=True, placeholder="—")
        st.caption(f"Calculé en {fr.nombre(res.secondes, 0)} s. Rien n'est changé : les seuils restent ceux "
                   "des réglages tant que la direction ne les modifie pas."
                   + (f" {len(res.non_calcules)} variante(s) non calculée(s), faute de temps." if res.non_calcules else ""))
