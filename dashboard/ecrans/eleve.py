"""Élève : la fiche croisée — notes par matière et période, radar, évolution, absences, compétences,
Pix, alertes et leurs explications, et le suivi (une chronologie : alertes, étapes, décisions ; un
formulaire pour en consigner). On y arrive aussi par un lien ``?eleve=<clé opaque>`` (``models.liens``).

Seuls les onglets que le rôle peut voir sont montrés, dans l'ordre : la fiche s'ouvre donc sur un onglet
utile (une CPE arrive sur les absences, pas sur des notes qu'elle ne voit pas)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, fiches, pdf, ui
from dashboard import suivi as fsuivi
from dashboard import format as fr
from models import absences as ma
from models import moyennes as mm
from models import conseil, lectures
from models import suivi as msuivi
from models.alertes import GRAVITES
from models.reglages import charger_reglages

st.title("Élève")
if ui.entrepot_vide():
    st.stop()

# Lien depuis la page Alertes : ?eleve=<clé opaque> choisit la classe et l'élève avant les sélecteurs.
demande = st.query_params.get("eleve")
if demande and demande != st.session_state.get("_eleve_lien"):
    eid = ui.eleve_du_lien()
    fiche = data.appel(lectures.eleve, eid) if eid else None
    if fiche is not None:
        st.session_state["vigie_choix_classe"] = fiche["classe"]
        st.session_state["vigie_choix_eleve"] = eid
    st.session_state["_eleve_lien"] = demande

classe = ui.choisir_classe()
eleve_id = ui.choisir_eleve(classe)
if eleve_id is None:
    st.info("Aucun élève dans cette classe.")
    st.stop()
fiche = data.appel(lectures.eleve, eleve_id)
st.header(f"{fiche['nom']} {fiche['prenom']} — {fiche['classe']}")
infos = [f"INE {fiche['ine']}" if fiche["ine"] else None,
         f"né(e) le {fr.date(fiche['date_naissance'])}" if fiche["date_naissance"] else None]
acc = data.appel(lectures.accompagnement, eleve_id)
if acc:
    infos.append("accompagnement : " + ", ".join(acc))
st.caption(" · ".join(i for i in infos if i))

u = ui.utilisateur()
_TITRES = {"notes": "Notes", "absences": "Absences", "competences": "Compétences", "pix": "Pix",
           "alertes": "Alertes", "suivi": "Suivi"}
visibles = [o for o in ("notes", "absences", "competences", "pix") if u.voit(o)] + ["alertes"]
if msuivi.sortes_lisibles(u):
    visibles.append("suivi")
onglets = dict(zip(visibles, st.tabs([_TITRES[o] for o in visibles])))

if "notes" in onglets:
    with onglets["notes"]:
        evo = data.appel(mm.evolution, eleve_id)
        if evo.is_empty():
            st.info(f"Aucune note pour cet élève. Importez les notes (« {fr.source('pronote-notes')} »).")
        else:
            periodes = evo["periode"].to_list()
            annees = evo["annee"].to_list()
            i = st.selectbox("Période", range(len(periodes)), index=len(periodes) - 1,
                             format_func=lambda k: periodes[k], key="eleve_periode")
            moy = data.appel(mm.moyennes, classe=fiche["classe"], periode=periodes[i], annee=annees[i])
            annee_p, periode_p = ui.periode_precedente(annees[i], periodes[i])
            prec = (data.appel(mm.moyennes, classe=fiche["classe"], periode=periode_p, annee=annee_p)
                    if periode_p else None)
            g, d = st.columns([3, 2])
            with g:
                st.altair_chart(charts.radar(fiches.radar_eleve(moy, eleve_id, prec)), width="content")
            with d:
                st.altair_chart(charts.tendance(fiches.tendance_eleve(evo), titre="Moyenne générale"))
            st.dataframe(pdf.tableau_affiche(fiches.tableau_matieres(moy, eleve_id)), hide_index=True, placeholder="—")
            with st.expander("Toutes les notes"):
                notes = data.appel(lectures.notes_eleve, eleve_id)
                st.dataframe(
                    notes.select(
                        pl.col("periode").alias("Période"), pl.col("matiere").alias("Matière"),
                        pl.col("date").map_elements(fr.date, return_dtype=pl.String).alias("Date"),
                        pl.col("devoir").alias("Devoir"),
                        pl.col("valeur").map_elements(fr.nombre, return_dtype=pl.String).alias("Note"),
                        pl.col("bareme").map_elements(lambda x: fr.nombre(x, 0), return_dtype=pl.String).alias("Sur"),
                        pl.col("coefficient").map_elements(lambda x: fr.nombre(x, 1), return_dtype=pl.String).alias("Coef."),
                        pl.col("statut").replace_strict(fr.STATUTS_NOTE, default=pl.col("statut")).alias("Statut"),
                    ),
                    hide_index=True, placeholder="—",
                )

if "absences" in onglets:
    with onglets["absences"]:
        absences = data.appel(lectures.absences_eleve, eleve_id)
        par_periode = data.appel(ma.demi_journees, par="periode", classe=fiche["classe"]).filter(
            pl.col("eleve_id") == eleve_id)
        if par_periode.height:
            st.dataframe(
                par_periode.select(
                    pl.col("periode").alias("Période"), pl.col("brutes").alias("Demi-journées"),
                    pl.col("non_justifiees").alias("Non justifiées"), pl.col("en_attente").alias("En attente"),
                    pl.col("justifiees").alias("Justifiées"), pl.col("retards").alias("Retards"),
                ),
                hide_index=True, placeholder="—",
            )
        st.altair_chart(charts.chronologie_absences(absences), width="stretch")
        if absences.height:
            st.markdown("**Les absences une à une**")
            st.dataframe(fiches.absences_affichees(absences), hide_index=True, placeholder="—")
        retards = data.appel(lectures.retards, None, eleve_id)
        if retards.height:
            st.caption(f"{retards.height} retard(s), le dernier le {fr.date(retards['date'][0])}.")
        if u.voit("sanctions"):
            sanctions = data.appel(lectures.punitions_sanctions, None, eleve_id)
            if sanctions.height:
                st.markdown("**Punitions et sanctions**")
                st.dataframe(fiches.sanctions_affichees(sanctions), hide_index=True, placeholder="—")
                st.caption("Les sanctions effacées du dossier (R511-13) ne sont plus listées.")

if "competences" in onglets:
    with onglets["competences"]:
        comp = data.appel(lectures.competences, eleve_id=eleve_id)
        if comp.is_empty():
            st.info(f"Aucune évaluation de compétences (« {fr.source('pronote-competences')} », "
                    f"« {fr.source('lsu')} » ou « {fr.source('tableur')} »).")
        else:
            reg = charger_reglages().competences
            for ref in comp["referentiel"].unique(maintain_order=True):
                st.markdown(f"**{pdf.REFERENTIELS.get(ref, ref)}**")
                st.altair_chart(charts.grille_competences(
                    comp.filter((pl.col("referentiel") == ref) & pl.col("niveau").is_not_null())
                    .sort("date").with_columns(pl.col("date").dt.strftime("%d/%m/%Y")),
                    reg.couleurs, reg.libelles), width="stretch")

if "pix" in onglets:
    with onglets["pix"]:
        profils = data.appel(lectures.pix_profils, eleve_id=eleve_id)
        if profils.is_empty():
            st.info(f"Aucun résultat Pix (« {fr.source('pix')} »).")
        else:
            p = profils.row(0, named=True)
            c = st.columns(3)
            c[0].metric("Pix", fr.nombre(p["pix_total"], 0))
            c[1].metric("Certifiable", {True: "oui", False: "non"}.get(p["certifiable"], "—"))
            c[2].metric("Dernier envoi", fr.date(p["date_envoi"]))
            pix = data.appel(lectures.pix, eleve_id=eleve_id).filter(pl.col("campagne") == p["campagne"])
            st.altair_chart(charts.pix_competences(ui.pix_16(pix), charger_reglages().pix.niveau_max))

if "alertes" in onglets:
    with onglets["alertes"]:
        alertes = data.appel(conseil.alertes_eleve, eleve_id, fiche["classe"])
        if alertes.is_empty():
            st.success("Aucune alerte pour cet élève.")
        for a in alertes.iter_rows(named=True):
            with st.expander(f"{a['libelle']} — {GRAVITES.get(a['gravite'], a['gravite'])}" + (f" ({a['periode']})" if a.get("periode") else "")):
                st.write(a["explication"])
                for cle, titre in (("acteur", "Qui agit"), ("procedure", "Procédure")):
                    if a.get(cle):
                        st.markdown(f"**{titre} :** {a[cle]}")

if "suivi" in onglets:
    with onglets["suivi"]:
        st.markdown("**Chronologie du suivi** — alertes, étapes de la procédure, décisions du conseil")
        fsuivi.chronologie(eleve_id, fiche["classe"])
        # Les états d'alerte se consignent depuis la page Alertes, les décisions depuis le Conseil de classe
        # (rattachés à une règle, une période) ; ici, les étapes de la procédure.
        fsuivi.formulaire(eleve_id, cle="eleve", sortes=("procedure",),
                          titre="Consigner une étape de la procédure d'absentéisme")
