"""Compétences (coordination ULIS, enseignants) : par élève, items × dates avec niveau en couleur ET en
libellé, progrès entre la première et la dernière évaluation ; carte de la classe ; attestation PDF."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, pdf, ui
from dashboard import format as fr
from models import lectures
from models.reglages import charger_reglages
from models.records import COMPOSANTES_SOCLE

st.title("Compétences")
if ui.entrepot_vide():
    st.stop()
if data.appel(lectures.comptes)["competences"] == 0:
    st.info(f"Aucune évaluation de compétences. Importez un relevé (« {fr.source('pronote-competences')} », "
            f"« {fr.source('lsu')} » ou « {fr.source('tableur')} »).")
    st.stop()

reg = charger_reglages().competences
# Le dispositif ULIS d'abord (la coordination suit ses élèves dans toutes leurs classes), puis les classes
# évaluées ; jamais une classe sans évaluation par défaut.
groupes = data.appel(lectures.groupes_competences)
if st.session_state.get("competences_groupe") not in groupes:
    st.session_state["competences_groupe"] = groupes[0] if groupes else None
classe = st.sidebar.selectbox("Classe ou dispositif", groupes, key="competences_groupe")
comp_classe = data.appel(lectures.competences, classe=classe).filter(pl.col("niveau").is_not_null())
if comp_classe.is_empty():
    st.info(f"Aucune évaluation de compétences pour la classe {classe}.")
    st.stop()
referentiels = comp_classe["referentiel"].unique(maintain_order=True).to_list()
if classe == lectures.DISPOSITIF_ULIS and "ULIS" in referentiels:  # la grille du dispositif d'abord
    referentiels.insert(0, referentiels.pop(referentiels.index("ULIS")))
referentiel = st.sidebar.selectbox("Référentiel", referentiels, key="competences_referentiel",
                                   format_func=lambda r: pdf.REFERENTIELS.get(r, r))
comp_classe = comp_classe.filter(pl.col("referentiel") == referentiel).with_columns(
    # Le code LSU d'une composante du socle (« CPD_FRA », domaine ou item) n'est pas pour l'écran : son intitulé.
    pl.col(c).replace_strict(COMPOSANTES_SOCLE, default=pl.col(c), return_dtype=pl.String) for c in ("domaine", "item")
)
st.caption("Niveaux : " + " · ".join(f"{n} = {t}" for n, t in sorted(reg.libelles.items())))

onglet_eleve, onglet_classe = st.tabs(["Par élève", "Classe"])
with onglet_eleve:
    eleve_id = ui.choisir_eleve(classe, cle="competences_eleve")
    comp = comp_classe.filter(pl.col("eleve_id") == eleve_id)
    if comp.is_empty():
        st.info("Aucune évaluation pour cet élève dans ce référentiel.")
    else:
        st.altair_chart(
            charts.grille_competences(comp.sort("date").with_columns(pl.col("date").dt.strftime("%d/%m/%Y")),
                                      reg.couleurs, reg.libelles),
            width="stretch",
        )
        # Progrès : premier et dernier niveau de chaque item, tels qu'évalués (aucun calcul de score).
        suivi = comp.sort("date").group_by("domaine", "item", maintain_order=True).agg(
            pl.col("niveau").first().alias("premier"), pl.col("niveau").last().alias("dernier"),
            pl.col("date").first().alias("du"), pl.col("date").last().alias("au"), pl.len().alias("evaluations"),
        )
        fleche = (pl.when(pl.col("dernier") > pl.col("premier")).then(pl.lit("↗ progrès"))
                  .when(pl.col("dernier") < pl.col("premier")).then(pl.lit("↘ recul"))
                  .otherwise(pl.lit("→ stable")))
        libelle = lambda c: pl.col(c).replace_strict(reg.libelles, default=None, return_dtype=pl.String)  # noqa: E731
        st.dataframe(
            suivi.select(
                pl.col("domaine").alias("Domaine"), pl.col("item").alias("Item"),
                (pl.col("premier").cast(pl.String) + " — " + libelle("premier")).alias("Premier niveau"),
                (pl.col("dernier").cast(pl.String) + " — " + libelle("dernier")).alias("Dernier niveau"),
                fleche.alias("Évolution"), pl.col("evaluations").alias("Évaluations"),
                pl.col("du").dt.strftime("%d/%m/%Y").alias("Du"), pl.col("au").dt.strftime("%d/%m/%Y").alias("Au"),
            ),
            hide_index=True, placeholder="—",
        )
        if st.button("Préparer l'attestation de compétences (PDF)", key="attestation"):
            # Signée du nom de la personne connectée (la coordination ULIS) ; le fichier porte le nom de l'élève.
            moi = ui.utilisateur()
            attestation = data.appel(pdf.donnees_attestation, eleve_id, referentiel,
                                     (moi.nom or moi.identifiant, moi.role))
            ui.telecharger("Télécharger l'attestation", pdf.dessiner_attestation(attestation),
                           file_name=pdf.nom_fichier_attestation(attestation), mime="application/pdf",
                           key="attestation_telecharger")

with onglet_classe:
    derniers = (comp_classe.sort("date").group_by("eleve_id", "nom", "prenom", "item", maintain_order=True)
                .agg(pl.col("niveau").last()).with_columns((pl.col("nom") + " " + pl.col("prenom")).alias("eleve")))
    st.altair_chart(charts.grille_competences(derniers, reg.couleurs, reg.libelles, ligne="eleve", colonne="item"),
                    width="stretch")
    st.caption("Dernier niveau évalué de chaque élève sur chaque item.")
