"""Classe : distributions des moyennes par matière, statistiques de classe, devoirs, carte de chaleur,
comparaison avec la période précédente. Tous les chiffres viennent de ``models.moyennes``."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard import format as fr
from models import moyennes as mm

st.title("Classe")
if ui.entrepot_vide():
    st.stop()

classe = ui.choisir_classe()
annee, periode = ui.choisir_periode()
if classe is None or periode is None:
    st.info("Aucune période définie : importez la description de l'établissement (périodes).")
    st.stop()

moy = data.appel(mm.moyennes, classe=classe, periode=periode, annee=annee)
if moy.is_empty():
    st.info(f"Aucune note pour la classe {classe} en {periode}. Importez les notes (« {fr.source('pronote-notes')} »).")
    st.stop()

st.caption(f"{classe} — {periode} {annee or ''}")
generale = moy.filter(pl.col("matiere").is_null())
matieres = moy.filter(pl.col("matiere").is_not_null())
if generale.height:
    g = generale.row(0, named=True)
    c = st.columns(5)
    c[0].metric("Moyenne de la classe", fr.nombre(g["moyenne_classe"]))
    c[1].metric("Médiane", fr.nombre(g["mediane_classe"]))
    c[2].metric("Minimum", fr.nombre(g["min_classe"]))
    c[3].metric("Maximum", fr.nombre(g["max_classe"]))
    c[4].metric("Élèves notés", fr.nombre(generale.height, 0))

st.subheader("Moyennes de classe par matière")
stats = (
    matieres.group_by("matiere", maintain_order=True)
    .agg(pl.col(c).first() for c in ("famille", "moyenne_classe", "mediane_classe", "min_classe", "max_classe"))
    .sort("matiere")
)
st.dataframe(
    stats.select(
        pl.col("matiere").alias("Matière"),
        pl.col("famille").map_elements(fr.famille, return_dtype=pl.String).alias("Famille"),
        *(pl.col(c).map_elements(fr.nombre, return_dtype=pl.String).alias(t)
          for c, t in (("moyenne_classe", "Moyenne"), ("mediane_classe", "Médiane"),
                       ("min_classe", "Min"), ("max_classe", "Max"))),
    ),
    hide_index=True, placeholder="—",
)

libelles = matieres.with_columns((pl.col("nom") + " " + pl.col("prenom")).alias("eleve"))
onglets = st.tabs(["Distributions", "Histogramme", "Devoirs", "Élèves × matières", "Période précédente"])
with onglets[0]:
    st.altair_chart(charts.boites(libelles.select("matiere", "moyenne", "eleve")), width="content")
with onglets[1]:
    choix = st.selectbox("Matière", ["Moyenne générale", *stats["matiere"].to_list()], key="classe_histo")
    donnees = generale if choix == "Moyenne générale" else matieres.filter(pl.col("matiere") == choix)
    st.altair_chart(charts.histogramme(donnees.select("moyenne"), titre=choix))
with onglets[2]:
    dev = data.appel(mm.distribution_devoirs, classe, periode, annee=annee)
    if dev.is_empty():
        st.caption("Aucun devoir.")
    else:
        dev = dev.with_columns(
            (pl.col("matiere") + " — " + pl.col("devoir") + " (" + pl.col("date").dt.strftime("%d/%m") + ")")
            .alias("libelle")
        )
        rates = dev.filter(pl.col("echec_collectif"))
        if rates.height:
            st.warning(f"{rates.height} devoir(s) raté(s) par l'ensemble de la classe : "
                       + ", ".join(rates["libelle"].to_list()))
        st.altair_chart(charts.devoirs(dev.drop("devoir").rename({"libelle": "devoir"})))
with onglets[3]:
    st.altair_chart(charts.carte_chaleur(libelles.select("eleve", "matiere", "moyenne")), width="stretch")
with onglets[4]:
    annee_p, periode_p = ui.periode_precedente(annee, periode)
    if periode_p is None:
        st.caption("Pas de période précédente.")
    else:
        # Les mêmes élèves à la période précédente, où qu'ils fussent alors (models.moyennes).
        st.caption(f"Les élèves de la classe en {periode}, comparés à eux-mêmes en {periode_p} {annee_p or ''}.")
        comp = data.appel(mm.comparaison_precedente, classe, periode, annee=annee)
        st.altair_chart(charts.comparaison_periodes(comp))
