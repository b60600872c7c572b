"""Conseil de classe : tableau de la classe, radar et fiche de chaque élève, mode projection, PDF.

Tout vient de la feuille du conseil (``models.conseil.feuille``), calculée une fois par classe et période
et gardée en cache : la page ne fait que la dessiner.

Le **mode projection** (écran partagé en conseil, parents et délégués présents) ne nomme et ne montre
individuellement que l'élève discuté ; la classe n'apparaît qu'en agrégats (distribution, moyenne, min,
max) ; rien du suivi (accompagnement, alertes, raisons de la mention) n'est envoyé au navigateur. Le
sélecteur d'élève, qui listerait toute la classe, y est remplacé par « précédent / suivant ».
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, fiches, pdf, ui
from dashboard import format as fr
from dashboard import suivi as fsuivi
from models import conseil
from models import suivi as msuivi
from models.alertes import GRAVITES

st.title("Conseil de classe")
if ui.entrepot_vide():
    st.stop()

classe = ui.choisir_classe()
annee, periode = ui.choisir_periode()
projection = st.sidebar.toggle(
    "Mode projection", key="projection",
    help="Pour l'écran partagé : seul l'élève discuté est nommé, la classe n'apparaît qu'en agrégats, "
         "le suivi est masqué.")
if classe is None or periode is None:
    st.info("Aucune période définie : importez la description de l'établissement (périodes).")
    st.stop()

f = data.appel(conseil.feuille, classe, periode, annee)
if f.moyennes.is_empty():
    st.info(f"Aucune note pour la classe {classe} en {periode}. Importez les notes (« {fr.source('pronote-notes')} »).")
    st.stop()
eleves = f.eleves

# L'élève discuté : gardé d'une page à l'autre (ui), choisi par un sélecteur hors projection, par
# « précédent / suivant » en projection (un sélecteur enverrait tous les noms au navigateur).
choisi = st.session_state.get("vigie_choix_eleve")
if choisi not in eleves:
    choisi = ui.eleve_du_lien() if ui.eleve_du_lien() in eleves else eleves[0]
st.session_state["vigie_choix_eleve"] = choisi


def _aller(pas: int) -> None:
    i = eleves.index(st.session_state["vigie_choix_eleve"])
    st.session_state["vigie_choix_eleve"] = eleves[(i + pas) % len(eleves)]


titre = f"{classe} — {periode}" + (f" ({f.annee})" if f.annee else "")
st.subheader(titre)
generale = f.generale()

if not projection:
    vue = f.tableau.select(
        pl.col("eleve").alias("Élève"),
        pl.col("moyenne").map_elements(fr.nombre, return_dtype=pl.String).fill_null("—").alias("Moy."),
        pl.col("variation").map_elements(fr.signe, return_dtype=pl.String).fill_null("—").alias("Évol."),
        pl.col("rang").cast(pl.String).fill_null("—").alias("Rang"),
        pl.col("moyenne_general").map_elements(fr.nombre, return_dtype=pl.String).fill_null("—").alias("Gén."),
        pl.col("moyenne_professionnel").map_elements(fr.nombre, return_dtype=pl.String).fill_null("—")
        .alias("Pro."),
        pl.when(pl.col("alerte_ecart")).then(pl.lit("⚠ ")).otherwise(pl.lit(""))
        .add(pl.col("ecart_familles").map_elements(fr.signe, return_dtype=pl.String).fill_null("—"))
        .alias("G − P"),
        (pl.col("absences").map_elements(lambda x: fr.nombre(x, 0), return_dtype=pl.String) + " ("
         + pl.col("non_justifiees").map_elements(lambda x: fr.nombre(x, 0), return_dtype=pl.String) + ")")
        .alias("Abs. (NJ)"),
        (pl.col("retards").cast(pl.String) + " / " + pl.col("sanctions").cast(pl.String)).alias("Ret./sanct."),
        pl.col("mention").fill_null("").alias("Mention"),
        pl.col("alertes").list.join(", ").alias("Alertes"),
    )
    sens = f.tableau["variation"].map_elements(fr.sens, return_dtype=pl.Int64).fill_null(0).to_list()

    def _couleur(colonne):  # noqa: ANN001, ANN202 - une Series pandas du Styler
        return [("color: #c62828" if s < 0 else "color: #2e7d32" if s > 0 else "") for s in sens]

    st.dataframe(
        vue.to_pandas().style.apply(_couleur, subset=["Évol."]),
        hide_index=True,
        column_config={
            "Moy.": st.column_config.TextColumn(help="Moyenne générale de la période"),
            "Rang": st.column_config.TextColumn(width="small"),
            "Évol.": st.column_config.TextColumn(
                help="Écart à la moyenne générale de la période précédente"
                     + (f" ({f.precedente.periode} {f.precedente.annee})" if f.precedente else "")),
            "Gén.": st.column_config.TextColumn(help="Moyenne des matières générales"),
            "Pro.": st.column_config.TextColumn(help="Moyenne des matières professionnelles"),
            "G − P": st.column_config.TextColumn(
                help="Général moins professionnel ; ⚠ : alerte d'écart entre les deux enseignements"),
            "Abs. (NJ)": st.column_config.TextColumn(
                help="Demi-journées d'absence de la période (entre parenthèses : non justifiées)"),
            "Ret./sanct.": st.column_config.TextColumn(help="Retards / punitions et sanctions de la période"),
            "Mention": st.column_config.TextColumn(help="Mention proposée (une proposition : le conseil décide)"),
            "Alertes": st.column_config.TextColumn(help="Sortes d'alertes de la période", width="medium"),
        }, placeholder="—",
    )
    # l'export est consigné au journal d'accès ; jamais depuis l'écran projeté
    ui.telecharger(
        "Exporter le tableau (CSV)",
        fr.csv(f.tableau.select(
            pl.col("eleve").alias("Élève"), pl.col("moyenne").alias("Moyenne générale"),
            pl.col("variation").alias("Évolution"), pl.col("rang").alias("Rang"),
            pl.col("moyenne_general").alias("Moyenne des matières générales"),
            pl.col("moyenne_professionnel").alias("Moyenne des matières professionnelles"),
            pl.col("absences").alias("Demi-journées d'absence"),
            pl.col("non_justifiees").alias("dont non justifiées"), pl.col("retards").alias("Retards"),
            pl.col("sanctions").alias("Punitions et sanctions"),
            pl.col("alertes").list.join(", ").alias("Alertes de la période"),
            pl.col("mention").alias("Mention proposée"), pl.col("signaux").list.join(" ; ").alias("Raisons"),
        )),
        file_name=f"conseil-{classe}-{periode}.csv".replace(" ", "_"), mime="text/csv", key="csv_conseil",
    )

st.divider()
if projection:
    nav = st.columns([1, 4, 1])
    nav[0].button("◀ Précédent", on_click=_aller, args=(-1,), key="conseil_precedent")
    nav[2].button("Suivant ▶", on_click=_aller, args=(1,), key="conseil_suivant")
    eleve_id = st.session_state["vigie_choix_eleve"]
    nav[1].markdown(f"### {f.nom(eleve_id)}")
else:
    st.session_state["conseil_eleve"] = choisi
    eleve_id = st.selectbox("Élève discuté", eleves, format_func=f.nom, key="conseil_eleve",
                            on_change=lambda: st.session_state.update(
                                vigie_choix_eleve=st.session_state["conseil_eleve"]))
    st.session_state["vigie_choix_eleve"] = eleve_id
st.query_params["eleve"] = ui.cle_lien("eleve", eleve_id)
ligne = f.ligne(eleve_id)

c = st.columns(4)
c[0].metric("Moyenne générale", fr.nombre(ligne["moyenne"]), **fr.delta(ligne["variation"]),
            help="Écart à la période précédente" if f.precedente else None)
c[1].metric("Rang", "—" if ligne["rang"] is None else f"{ligne['rang']} / {len(eleves)}")
c[2].metric("Demi-journées d'absence", fr.nombre(ligne["absences"], 0),
            help=f"dont {fr.nombre(ligne['non_justifiees'], 0)} non justifiée(s)")
c[3].metric("Retards · sanctions", f"{ligne['retards']} · {ligne['sanctions']}")

gauche, droite = st.columns([7, 3])
with gauche:
    st.altair_chart(
        charts.radar(fiches.radar_eleve(f.moyennes, eleve_id, f.precedentes), titre=f.nom(eleve_id), taille=380),
        width="content",
    )
with droite:
    if ligne["mention"]:
        st.markdown(f"**Mention proposée :** {ligne['mention']} *(proposition : le conseil décide)*")
    if not projection and ligne["signaux"]:
        st.caption("Pourquoi : " + " ; ".join(ligne["signaux"]))
    evo = f.evolution.filter(pl.col("eleve_id") == eleve_id)
    st.altair_chart(charts.tendance(fiches.tendance_eleve(evo), titre="Moyenne générale"),
                    width="stretch")

st.markdown("**Matières**")
st.dataframe(pdf.tableau_affiche(fiches.tableau_matieres(f.moyennes, eleve_id)), hide_index=True, placeholder="—")

if not projection:
    app = f.appreciations.filter(pl.col("eleve_id") == eleve_id)
    if app.height:
        st.markdown("**Appréciations**")
        for x in app.sort(pl.col("matiere").is_null(), "matiere").iter_rows(named=True):
            st.markdown(f"- *{x['matiere'] or 'Appréciation générale'}* — {x['appreciation']}")
    acc = f.accompagnement.get(eleve_id)
    if acc:
        st.caption("Accompagnement : " + ", ".join(acc))
    alertes = f.alertes_eleve(eleve_id)
    st.markdown(f"**Alertes de la période** ({alertes.height})" if alertes.height
                else "**Alertes de la période** : aucune")
    for a in alertes.iter_rows(named=True):
        quand = f" — {fr.periode(a['periode'])}" if a["periode"] != a["periode_scolaire"] else ""
        st.markdown(f"- **{a['libelle']}**{quand} ({GRAVITES.get(a['gravite'], a['gravite'])}) — {a['explication']}")
    # Les décisions du conseil (models/suivi.py) : jamais en projection.
    if msuivi.peut_lire(ui.utilisateur(), "conseil"):
        decisions = data.appel_suivi(msuivi.decisions_conseil, classe, f.annee, periode).filter(
            pl.col("eleve_id") == eleve_id)
        st.markdown("**Décisions du conseil**")
        if decisions.is_empty():
            st.caption("Aucune décision consignée pour cette période.")
        else:
            d = decisions.row(0, named=True)
            for rubrique, libelle in msuivi.RUBRIQUES_CONSEIL.items():
                if d[rubrique]:
                    st.markdown(f"- {libelle} : {d[rubrique]}")
        fsuivi.formulaire(eleve_id, cle="conseil", sortes=("conseil",), periode=periode, annee=f.annee,
                          titre=f"Consigner une décision du conseil ({periode})")
    anterieures = f.alertes_eleve(eleve_id, anterieures=True)
    if anterieures.height and st.toggle(f"Voir les alertes des périodes précédentes ({anterieures.height})",
                                        key="conseil_alertes_anterieures"):
        for a in anterieures.iter_rows(named=True):
            quand = fr.periode(a["periode"]) or "sans période"
            st.markdown(f"- **{a['libelle']}** ({quand}, {a['gravite']}) — {a['explication']}")



def _agregats() -> None:
    """La classe en agrégats seulement (mode projection) : aucune ligne par élève, aucune valeur
    individuelle (la répartition est un compte par tranche)."""
    st.markdown("**La classe**")
    c = st.columns(4)
    if generale:
        c[0].metric("Moyenne de la classe", fr.nombre(generale["moyenne"]))
        c[1].metric("Médiane", fr.nombre(generale["mediane"]))
        c[2].metric("Minimum", fr.nombre(generale["min"]))
        c[3].metric("Maximum", fr.nombre(generale["max"]))
    gauche, droite = st.columns(2)
    with gauche:
        st.altair_chart(charts.repartition(f.repartition(), titre="Répartition des moyennes générales"),
                        width="stretch")
    with droite:
        synth = f.matieres()
        st.dataframe(
            synth.select(
                pl.col("matiere").alias("Matière"),
                *(pl.col(k).map_elements(fr.nombre, return_dtype=pl.String).fill_null("—").alias(t)
                  for k, t in (("moyenne", "Moyenne"), ("min", "Min"), ("max", "Max"))),
            ),
            hide_index=True, width="stretch", placeholder="—",
        )


if projection:
    st.divider()
    _agregats()

st.divider()
st.subheader("Export PDF")
if projection:
    st.caption("Mode projection : le PDF est la synthèse de la classe, en agrégats seulement (aucun élève nommé).")
else:
    st.caption("La synthèse de la classe (matières, progrès, baisses, alertes), puis une page par élève "
               "(radar, matières, évolution, absences, alertes).")
if st.button("Préparer le PDF", key="pdf_conseil"):
    barre = st.progress(0.0, text="Préparation…")
    decisions = None
    if not projection and msuivi.peut_lire(ui.utilisateur(), "conseil"):
        decisions = data.appel_suivi(msuivi.decisions_conseil, classe, f.annee, periode)
    contenu = pdf.conseil_pdf_feuille(
        f, projection=projection, decisions=decisions,
        progression=lambda part, texte: barre.progress(min(part, 1.0), text=texte),
    )
    barre.empty()
    suffixe = "-synthese" if projection else ""
    ui.telecharger("Télécharger le PDF", contenu,
                   file_name=f"conseil-{classe}-{periode}{suffixe}.pdf".replace(" ", "_"),
                   mime="application/pdf", key="pdf_telecharger")
