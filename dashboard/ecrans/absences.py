"""Absences (CPE) : taux par classe et par mois ou semaine, élèves à 4 et 10 demi-journées non
justifiées dans le mois, justificatifs en attente, retards, absentéisme perlé ; exports CSV."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard import format as fr
from models import absences as ma
from models import alertes as mal
from models import lectures
from models.reglages import charger_reglages

st.title("Absences")
if ui.entrepot_vide():
    st.stop()
if data.appel(lectures.comptes)["absences"] == 0:
    st.info("Aucune absence importée. Importez les absences (sorte « pronote-absences »).")
    st.stop()

reglages = charger_reglages().absences
toutes = "Toutes les classes"
classes = data.appel(lectures.classes)["classe"].to_list()
choix = st.sidebar.selectbox("Classe", [toutes, *classes], key="absences_classe")
classe = None if choix == toutes else choix

# --- Taux ---------------------------------------------------------------------------------------------
st.subheader("Taux d'absentéisme")
c1, c2 = st.columns(2)
granularite = c1.radio("Par", ["mois", "semaine"], horizontal=True, key="absences_granularite",
                       format_func=str.capitalize)
par = c2.radio("Regroupement", ["classe", "niveau"], horizontal=True, key="absences_par",
               format_func=lambda p: "Classe par classe" if p == "classe" else "Niveau par niveau")
taux = data.appel(ma.taux, par=par, granularite=granularite)
if classe is not None and par == "classe":
    taux = taux.filter(pl.col("classe") == classe)
fmt = "%m/%Y" if granularite == "mois" else "%d/%m"
taux_aff = taux.filter(pl.col(par).is_not_null()).sort(granularite).with_columns(
    pl.col(granularite).dt.strftime(fmt).alias("intervalle"))
st.altair_chart(charts.taux_absences(taux_aff.select(pl.col(par).alias("classe"), "intervalle", "taux"),
                                     colonne="intervalle"), width="stretch")
st.caption("Demi-journées manquées (justifiées ou non) rapportées aux demi-journées de classe ; les vacances "
           "ne sont pas connues de Vigie et comptent comme des jours de classe.")

# --- Seuils du mois -----------------------------------------------------------------------------------
st.subheader("Demi-journées non justifiées dans le mois")
mensuel = data.appel(ma.mois_non_justifies, reglages.seuil_mois_non_justifiees)
if classe is not None:
    mensuel = mensuel.filter(pl.col("classe") == classe)
mois_connus = sorted(data.appel(ma.demi_journees, par="mois", classe=classe)["mois"].unique().to_list())
if not mois_connus:
    st.caption("Aucune absence pour cette sélection.")
else:
    # Le mois en cours s'il a des absences ; sinon le dernier mois où un élève atteint le seuil (un
    # export ancien ou l'école de démonstration), sinon le dernier mois connu.
    aujourd_hui = dt.date.today().replace(day=1)
    signales = [m for m in mois_connus if m in set(mensuel["mois"].to_list())]
    defaut = mois_connus.index(aujourd_hui if aujourd_hui in mois_connus else (signales or mois_connus)[-1])
    mois = st.selectbox("Mois", mois_connus, index=defaut, format_func=lambda m: m.strftime("%m/%Y"),
                        key="absences_mois")
    du_mois = mensuel.filter(pl.col("mois") == mois).with_columns(
        pl.col("jours").list.eval(pl.element().dt.strftime("%d/%m")).list.join(", ").alias("jours")
    )
    for seuil, titre, texte in (
        (reglages.seuil_persistance, f"≥ {reglages.seuil_persistance} demi-journées (persistance)",
         "Réunion de l'équipe éducative et signalement renforcé (circulaire n° 2014-159)."),
        (reglages.seuil_mois_non_justifiees, f"≥ {reglages.seuil_mois_non_justifiees} demi-journées",
         "Dialogue avec la famille, puis saisine du DASEN (Code de l'éducation, L131-8 et R131-7)."),
    ):
        liste = du_mois.filter(pl.col("non_justifiees") >= seuil)
        if seuil == reglages.seuil_mois_non_justifiees:
            liste = liste.filter(pl.col("non_justifiees") < reglages.seuil_persistance)
        st.markdown(f"**{titre}** — {liste.height} élève(s). {texte}")
        if liste.height:
            affiche = liste.select(
                pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
                pl.col("non_justifiees").alias("Non justifiées"), pl.col("en_attente").alias("En attente"),
                pl.col("jours").alias("Jours"),
            )
            st.dataframe(affiche, hide_index=True)
            ui.telecharger(f"Exporter (CSV)", fr.csv(affiche), file_name=f"absences-{mois:%Y-%m}-{seuil}.csv",
                               mime="text/csv", key=f"csv_seuil_{seuil}")

# --- Justificatifs en attente -------------------------------------------------------------------------
st.subheader("Justificatifs en attente")
attente = data.appel(lectures.absences_en_attente, classe)
if attente.is_empty():
    st.caption("Aucun justificatif en attente.")
else:
    affiche = attente.select(
        pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
        pl.col("debut").alias("Début"), pl.col("fin").alias("Fin"), pl.col("demi_journees").alias("Demi-journées"),
        pl.col("motif").alias("Motif"),
    )
    st.dataframe(affiche.with_columns(pl.col("Début", "Fin").dt.strftime("%d/%m/%Y %H:%M")), hide_index=True)
    ui.telecharger("Exporter (CSV)", fr.csv(affiche), file_name="justificatifs-en-attente.csv",
                       mime="text/csv", key="csv_attente")

# --- Retards ------------------------------------------------------------------------------------------
st.subheader("Retards")
par_eleve = data.appel(ma.demi_journees, par="eleve", classe=classe).filter(pl.col("retards") > 0)
if par_eleve.is_empty():
    st.caption("Aucun retard.")
else:
    affiche = par_eleve.sort("retards", descending=True).select(
        pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
        pl.col("annee").alias("Année"), pl.col("retards").alias("Retards"),
        pl.col("minutes_retard").alias("Minutes"),
    )
    st.dataframe(affiche, hide_index=True)
    ui.telecharger("Exporter (CSV)", fr.csv(affiche), file_name="retards.csv", mime="text/csv", key="csv_retards")

# --- Perlé --------------------------------------------------------------------------------------------
st.subheader("Absentéisme perlé")
perle = data.appel(mal.alertes, classe=classe, regle="absenteisme_perle")
if perle.is_empty():
    st.caption("Aucun absentéisme perlé repéré.")
for a in perle.iter_rows(named=True):
    st.markdown(f"- **{a['nom']} {a['prenom']}** ({a['classe']}) — {a['explication']}")
