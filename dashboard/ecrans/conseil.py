"""Conseil de classe : tableau de la classe, radar et fiche de chaque élève, mode projection, PDF.

Le **mode projection** (écran partagé en conseil, parents et délégués présents) masque les noms des
autres élèves et toute information de suivi (dispositifs d'accompagnement, alertes, procédures).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, fiches, pdf, ui
from dashboard import suivi as fsuivi
from dashboard import format as fr
from models import moyennes as mm
from models import conseil, lectures
from models import suivi as msuivi

st.title("Conseil de classe")
if ui.entrepot_vide():
    st.stop()

classe = ui.choisir_classe()
annee, periode = ui.choisir_periode()
projection = st.sidebar.toggle("Mode projection", key="projection",
                               help="Masque les noms des autres élèves et les informations de suivi.")
if classe is None or periode is None:
    st.info("Aucune période définie : importez la description de l'établissement (périodes).")
    st.stop()

moy = data.appel(mm.moyennes, classe=classe, periode=periode, annee=annee)
if moy.is_empty():
    st.info(f"Aucune note pour la classe {classe} en {periode}. Importez les notes (sorte « pronote-notes »).")
    st.stop()
annee_p, periode_p = ui.periode_precedente(annee, periode)
precedent = (data.appel(mm.moyennes, classe=classe, periode=periode_p, annee=annee_p)
             if periode_p else None)

tableau = data.appel(conseil.tableau_conseil, classe, periode, annee)
eleves = tableau["eleve_id"].to_list()
noms = dict(zip(eleves, tableau["eleve"].to_list()))
if st.session_state.get("conseil_eleve") not in eleves:
    st.session_state["conseil_eleve"] = eleves[0]

# En projection, l'élève discuté garde son nom ; les autres deviennent « Élève n ».
choisi = st.session_state["conseil_eleve"]
if projection:
    masques = {e: (noms[e] if e == choisi else f"Élève {i + 1}") for i, e in enumerate(eleves)}
else:
    masques = noms

st.subheader(f"{classe} — {periode}")
colonnes = ["eleve", "moyenne", "variation", "rang", "absences", "retards", "sanctions", "alertes", "mention"]
vue = tableau.with_columns(pl.col("eleve_id").replace_strict(masques).alias("eleve"))
if projection:
    colonnes.remove("alertes")
st.dataframe(
    vue.select(
        pl.col("eleve").alias("Élève"),
        pl.col("moyenne").map_elements(fr.nombre, return_dtype=pl.String).fill_null("—").alias("Moyenne générale"),
        pl.col("variation").map_elements(fr.signe, return_dtype=pl.String).fill_null("—").alias("Évolution"),
        pl.col("rang").alias("Rang"),
        pl.col("absences").map_elements(lambda x: fr.nombre(x, 0), return_dtype=pl.String).alias("Demi-journées d'absence"),
        pl.col("retards").alias("Retards"),
        pl.col("sanctions").alias("Punitions et sanctions"),
        *([] if projection else [pl.col("alertes").alias("Alertes")]),
        pl.col("mention").fill_null("").alias("Mention proposée"),
    ),
    hide_index=True,
)
if not projection:  # l'export est consigné au journal d'accès ; jamais depuis l'écran projeté
    ui.telecharger(
        "Exporter le tableau (CSV)",
        fr.csv(tableau.select(
            pl.col("eleve").alias("Élève"), pl.col("moyenne").alias("Moyenne générale"),
            pl.col("variation").alias("Évolution"), pl.col("rang").alias("Rang"),
            pl.col("absences").alias("Demi-journées d'absence"), pl.col("retards").alias("Retards"),
            pl.col("sanctions").alias("Punitions et sanctions"), pl.col("alertes").alias("Alertes"),
            pl.col("mention").alias("Mention proposée"),
        )),
        file_name=f"conseil-{classe}-{periode}.csv".replace(" ", "_"), mime="text/csv", key="csv_conseil",
    )

st.divider()
eleve_id = st.selectbox("Élève discuté", eleves, format_func=lambda e: noms[e], key="conseil_eleve")
ligne = tableau.filter(pl.col("eleve_id") == eleve_id).row(0, named=True)

gauche, droite = st.columns([3, 2])
with gauche:
    st.altair_chart(
        charts.radar(fiches.radar_eleve(moy, eleve_id, precedent), titre=noms[eleve_id]),
        width="content",
    )
with droite:
    c = st.columns(3)
    c[0].metric("Moyenne générale", fr.nombre(ligne["moyenne"]),
                delta=None if ligne["variation"] is None else fr.signe(ligne["variation"]))
    c[1].metric("Rang", "—" if ligne["rang"] is None else f"{ligne['rang']} / {len(eleves)}")
    c[2].metric("Demi-journées d'absence", fr.nombre(ligne["absences"], 0))
    if ligne["mention"]:
        st.markdown(f"**Mention proposée :** {ligne['mention']}")
    evo = data.appel(mm.evolution, eleve_id)
    st.altair_chart(charts.tendance(fiches.tendance_eleve(evo), titre="Moyenne générale par période"))

st.markdown("**Matières**")
st.dataframe(pdf.tableau_affiche(fiches.tableau_matieres(moy, eleve_id)), hide_index=True)

if not projection:
    acc = data.appel(lectures.accompagnement, eleve_id)
    if acc:
        st.caption("Accompagnement : " + ", ".join(acc))
    alertes = data.appel(conseil.alertes_eleve, eleve_id, classe)
    if alertes.height:
        st.markdown("**Alertes**")
        for a in alertes.iter_rows(named=True):
            st.markdown(f"- **{a['libelle']}** ({a['gravite']}) — {a['explication']}")
    # Les décisions du conseil (models/suivi.py) : jamais en projection.
    if msuivi.peut_lire(ui.utilisateur(), "conseil"):
        decisions = data.appel_suivi(msuivi.decisions_conseil, classe, annee, periode).filter(
            pl.col("eleve_id") == eleve_id)
        st.markdown("**Décisions du conseil**")
        if decisions.is_empty():
            st.caption("Aucune décision consignée pour cette période.")
        else:
            d = decisions.row(0, named=True)
            for rubrique, libelle in msuivi.RUBRIQUES_CONSEIL.items():
                if d[rubrique]:
                    st.markdown(f"- {libelle} : {d[rubrique]}")
        fsuivi.formulaire(eleve_id, cle="conseil", sortes=("conseil",), periode=periode, annee=annee,
                          titre=f"Consigner une décision du conseil ({periode})")

st.divider()
st.subheader("Export PDF de la classe")
st.caption("Une page par élève (radar, matières, évolution, absences, alertes) et une synthèse de classe."
           + (" Mode projection : noms des autres élèves et suivi masqués." if projection else ""))
if st.button("Préparer le PDF", key="pdf_conseil"):
    with st.spinner("Rendu des graphiques…"):
        contenu = data.appel(pdf.conseil_pdf, classe, periode, annee, projection=projection)
    ui.telecharger("Télécharger le PDF", contenu, file_name=f"conseil-{classe}-{periode}.pdf".replace(" ", "_"),
                       mime="application/pdf", key="pdf_telecharger")
