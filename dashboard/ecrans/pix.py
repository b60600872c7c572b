"""Pix : par classe, la répartition des niveaux par compétence ; par élève, les 16 compétences, le
statut certifiable, la progression et la date du dernier envoi."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard import format as fr
from models.reglages import charger_reglages
from models import lectures

st.title("Pix")
if ui.entrepot_vide():
    st.stop()
if data.appel(lectures.comptes)["pix_profils"] == 0:
    st.info(f"Aucun résultat Pix. Importez un export de campagne Pix Orga (« {fr.source('pix')} »).")
    st.stop()

classe = ui.choisir_classe()
profils = data.appel(lectures.pix_profils, classe=classe)
if profils.is_empty():
    st.info(f"Aucun résultat Pix pour la classe {classe}.")
    st.stop()
campagnes = profils["campagne"].unique(maintain_order=True).to_list()
campagne = st.sidebar.selectbox("Campagne", campagnes, key="pix_campagne")
profils = profils.filter(pl.col("campagne") == campagne)
pix = data.appel(lectures.pix, classe=classe).filter(pl.col("campagne") == campagne)

c = st.columns(3)
c[0].metric("Participants", fr.nombre(profils.height, 0))
c[1].metric("Certifiables", fr.nombre(int(profils["certifiable"].fill_null(False).sum()), 0))
c[2].metric("Dernier envoi", fr.date(profils["date_envoi"].max()))

st.subheader("Niveaux par compétence")
st.altair_chart(charts.pix_distribution(pix.filter(pl.col("niveau").is_not_null()).select("competence", "niveau")))

st.subheader("Participants")
st.dataframe(
    profils.select(
        pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"),
        pl.col("pix_total").map_elements(lambda x: fr.nombre(x, 0), return_dtype=pl.String).fill_null("—").alias("Pix"),
        pl.col("certifiable").replace_strict({True: "oui", False: "non"}, default="—", return_dtype=pl.String)
        .alias("Certifiable"),
        # map_elements saute les cellules vides : sans fill_null, la grille afficherait « None ».
        pl.col("progression").map_elements(fr.pourcentage, return_dtype=pl.String).fill_null("—").alias("Progression"),
        pl.col("partage").replace_strict({True: "oui", False: "non"}, default="—", return_dtype=pl.String)
        .alias("Partagé"),
        pl.col("date_envoi").map_elements(fr.date, return_dtype=pl.String).fill_null("—").alias("Envoi"),
    ),
    hide_index=True, placeholder="—",
)
ui.telecharger(
    "Exporter les participants (CSV)",
    fr.csv(profils.select(
        pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("pix_total").alias("Pix"),
        pl.col("certifiable").alias("Certifiable"), pl.col("progression").alias("Progression"),
        pl.col("partage").alias("Partagé"), pl.col("date_envoi").alias("Envoi"),
    )),
    file_name=f"pix-{classe}-{campagne}.csv".replace(" ", "_"), mime="text/csv", key="csv_pix",
)

st.subheader("Par élève")
noms = {r["eleve_id"]: f"{r['nom']} {r['prenom']}" for r in profils.iter_rows(named=True)}
eleve_id = st.selectbox("Élève", list(noms), format_func=noms.__getitem__, key="pix_eleve")
p = profils.filter(pl.col("eleve_id") == eleve_id).row(0, named=True)
c = st.columns(3)
c[0].metric("Pix", fr.nombre(p["pix_total"], 0))
c[1].metric("Certifiable", {True: "oui", False: "non"}.get(p["certifiable"], "—"))
c[2].metric("Progression", fr.pourcentage(p["progression"]))
st.altair_chart(charts.pix_competences(ui.pix_16(pix.filter(pl.col("eleve_id") == eleve_id)), charger_reglages().pix.niveau_max))
