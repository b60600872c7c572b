"""Absences (CPE) : taux par classe et par mois ou semaine, indicateur de la DEPP, élèves à 4 et 10
demi-journées non justifiées dans le mois et l'année en un coup d'œil (avec l'état du suivi), étapes de la
procédure à consigner, justificatifs en attente et leur âge, retards, punitions et sanctions (R511-13),
absentéisme perlé ; exports CSV."""

from __future__ import annotations


import polars as pl
import streamlit as st

from dashboard import charts, data, fiches, ui
from dashboard import suivi as fsuivi
from dashboard import format as fr
from models import absences as ma
from models import alertes as mal
from models import lectures
from models import suivi as msuivi
from models.reglages import charger_reglages

st.title("Absences")
if ui.entrepot_vide():
    st.stop()
if data.appel(lectures.comptes)["absences"] == 0:
    st.info(f"Aucune absence importée. Importez les absences (« {fr.source('pronote-absences')} »).")
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
st.caption("Demi-journées manquées (justifiées ou non) rapportées aux demi-journées de classe, sans les vacances "
           "de la zone, les jours fériés ni les PFMP de la classe (réglages « calendrier »).")

# --- Seuils du mois -----------------------------------------------------------------------------------
st.subheader("Demi-journées non justifiées dans le mois")
mensuel = data.appel(ma.mois_non_justifies, reglages.seuil_mois_non_justifiees)
if classe is not None:
    mensuel = mensuel.filter(pl.col("classe") == classe)
mois_connus = sorted(data.appel(ma.demi_journees, par="mois", classe=classe)["mois"].unique().to_list())
if not mois_connus:
    st.caption("Aucune absence pour cette sélection.")
else:
    # Par défaut, le dernier mois qui a des données.
    mois = st.selectbox("Mois", mois_connus, index=len(mois_connus) - 1, format_func=lambda m: m.strftime("%m/%Y"),
                        key="absences_mois")
    du_mois = mensuel.filter(pl.col("mois") == mois).with_columns(
        pl.col("jours").list.eval(pl.element().dt.strftime("%d/%m")).list.join(", ").alias("jours"),
        ma.regle_mensuelle_expr(charger_reglages()).alias("regle"),  # le palier du mois (models.absences)
    )
    for regle, seuil, titre, texte in (
        ("absences_persistance", reglages.seuil_persistance, f"≥ {reglages.seuil_persistance} demi-journées (persistance)",
         "Réunion de l'équipe éducative et signalement renforcé (circulaire n° 2014-159)."),
        ("absences_mois", reglages.seuil_mois_non_justifiees, f"≥ {reglages.seuil_mois_non_justifiees} demi-journées",
         "Dialogue avec la famille, puis saisine du DASEN (Code de l'éducation, L131-8 et R131-7)."),
    ):
        liste = du_mois.filter(pl.col("regle") == regle)
        st.markdown(f"**{titre}** — {liste.height} élève(s). {texte}")
        if liste.height:
            affiche = liste.select(
                pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
                pl.col("non_justifiees").alias("Non justifiées"), pl.col("en_attente").alias("En attente"),
                pl.col("jours").alias("Jours"),
            )
            st.dataframe(affiche, hide_index=True, placeholder="—")
            ui.telecharger(f"Exporter (CSV)", fr.csv(affiche), file_name=f"absences-{mois:%Y-%m}-{seuil}.csv",
                               mime="text/csv", key=f"csv_seuil_{seuil}")

# --- Indicateur de la DEPP ----------------------------------------------------------------------------
st.subheader("Indicateur de la DEPP")
par_depp = st.radio("Par", ["classe", "niveau", "etablissement"], horizontal=True, key="absences_depp_par",
                    format_func={"classe": "Classe", "niveau": "Niveau", "etablissement": "Établissement"}.get)
depp = data.appel(ma.indicateur_depp, par=par_depp)
if classe is not None and par_depp == "classe":
    depp = depp.filter(pl.col("classe") == classe)
if depp.is_empty():
    st.caption("Aucun mois de septembre à mai dans les périodes de l'établissement.")
else:
    large = depp.sort("mois").with_columns(
        pl.col("mois").dt.strftime("%m/%Y"),
        pl.col("part").map_elements(fr.pourcentage, return_dtype=pl.String).fill_null("—"),
    ).pivot("mois", index=par_depp, values="part")
    st.dataframe(large.rename({par_depp: {"classe": "Classe", "niveau": "Niveau",
                                          "etablissement": "Établissement"}[par_depp]}), hide_index=True, placeholder="—")
    st.caption(f"Part des élèves ayant au moins {ma.SEUIL_DEPP} demi-journées d'absence non justifiées dans le "
               "mois, de septembre à mai (définition de la DEPP), parmi les élèves inscrits ce mois-là.")

# --- L'année en un coup d'œil -------------------------------------------------------------------------
st.subheader("L'année en un coup d'œil")
annee_vue = data.appel_suivi(msuivi.seuils_suivis, classe=classe)
if annee_vue.is_empty():
    st.caption(f"Aucun élève n'a atteint {reglages.seuil_mois_non_justifiees} demi-journées non justifiées dans un mois.")
else:
    synthese = annee_vue.group_by("mois").agg(
        (pl.col("seuil") == reglages.seuil_mois_non_justifiees).sum().alias(f"≥ {reglages.seuil_mois_non_justifiees}"),
        (pl.col("seuil") == reglages.seuil_persistance).sum().alias(f"≥ {reglages.seuil_persistance}"),
        pl.col("statut").is_null().sum().alias("Sans suivi"),
    ).sort("mois").with_columns(pl.col("mois").dt.strftime("%m/%Y").alias("Mois")).drop("mois")
    st.dataframe(synthese.select("Mois", pl.exclude("Mois")), hide_index=True, placeholder="—")
    detail = annee_vue.sort("mois", "classe", "nom", descending=[True, False, False]).select(
        pl.col("mois").dt.strftime("%m/%Y").alias("Mois"), pl.col("nom").alias("Nom"),
        pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
        pl.col("non_justifiees").alias("Non justifiées"),
        pl.struct("statut", "statut_date").map_elements(lambda x: fsuivi.etat(x["statut"], x["statut_date"]),
                                                        return_dtype=pl.String).alias("État de l'alerte"),
        pl.struct("derniere_etape", "derniere_etape_date").map_elements(
            lambda x: f"{x['derniere_etape']} ({fr.date(x['derniere_etape_date'])})" if x["derniere_etape"] else "—",
            return_dtype=pl.String).alias("Dernière étape"),
        # le lien porte la clé opaque de l'élève (models.liens), jamais son identifiant
        pl.col("eleve_id").map_elements(lambda e: "eleve?eleve=" + ui.cle_lien("eleve", e),
                                        return_dtype=pl.String).alias("Fiche"),
    )
    st.dataframe(detail, hide_index=True, column_config={
        "Fiche": st.column_config.LinkColumn("Fiche", display_text="Ouvrir la fiche")}, placeholder="—")
    if msuivi.peut_ecrire(ui.utilisateur(), "procedure"):
        ids = annee_vue.unique("eleve_id", keep="first", maintain_order=True)
        noms = {r["eleve_id"]: f"{r['nom']} {r['prenom']} ({r['classe']})" for r in ids.iter_rows(named=True)}
        qui = st.selectbox("Élève suivi", list(noms), format_func=noms.__getitem__, key="absences_suivi_eleve")
        fsuivi.formulaire(qui, cle="absences", sortes=("procedure",),
                          titre="Consigner une étape de la procédure d'absentéisme")

# --- Justificatifs en attente -------------------------------------------------------------------------
st.subheader("Justificatifs en attente")
attente = data.appel(lectures.absences_en_attente, classe)
if attente.is_empty():
    st.caption("Aucun justificatif en attente.")
else:
    affiche = attente.select(
        pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
        pl.col("debut").alias("Début"), pl.col("fin").alias("Fin"), pl.col("demi_journees").alias("Demi-journées"),
        pl.col("motif").alias("Motif"), pl.col("age_jours").alias("En attente depuis (jours)"),
    )
    st.dataframe(affiche.with_columns(pl.col("Début", "Fin").dt.strftime("%d/%m/%Y %H:%M")), hide_index=True, placeholder="—")
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
    st.dataframe(affiche, hide_index=True, placeholder="—")
    ui.telecharger("Exporter (CSV)", fr.csv(affiche), file_name="retards.csv", mime="text/csv", key="csv_retards")

# --- Punitions et sanctions ---------------------------------------------------------------------------
st.subheader("Punitions et sanctions")
sanctions = data.appel(lectures.punitions_sanctions, classe)
if sanctions.is_empty():
    st.caption("Aucune punition ni sanction" + (f" en {classe}." if classe else "."))
else:
    affiche = pl.concat([sanctions.select(pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"),
                                          pl.col("classe").alias("Classe")),
                         fiches.sanctions_affichees(sanctions)], how="horizontal").select(
        "Date", "Nom", "Prénom", "Classe", "Nature", "Type", "Motif", "Donnée par")
    st.dataframe(affiche, hide_index=True, placeholder="—")
    st.caption("Les sanctions effacées du dossier de l'élève (Code de l'éducation, R511-13 : avertissement, "
               "blâme et mesure de responsabilisation à la fin de l'année scolaire, exclusions temporaires un an "
               "après) ne sont plus listées.")
    ui.telecharger("Exporter (CSV)", fr.csv(affiche), file_name="punitions-sanctions.csv", mime="text/csv",
                   key="csv_sanctions")

# --- Perlé --------------------------------------------------------------------------------------------
st.subheader("Absentéisme perlé")
perle = data.appel(mal.alertes, classe=classe, regle="absenteisme_perle")
if perle.is_empty():
    st.caption("Aucun absentéisme perlé repéré.")
for a in perle.iter_rows(named=True):
    st.markdown(f"- **{a['nom']} {a['prenom']}** ({a['classe']}) — {a['explication']}")
