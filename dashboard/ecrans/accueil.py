"""Accueil : le travail de chaque rôle (``dashboard/accueils.py``), puis ce qui est chargé et de quand (les
imports et leur journal sont sur la page Imports)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import accueils, data, ui
from dashboard import format as fr
from models import lectures

st.title("Accueil")
# Chaque rôle commence par son travail (dashboard/accueils.py) ; l'état des données suit.
accueils.afficher(ui.utilisateur())

comptes = data.appel(lectures.comptes)
LIBELLES = {
    "eleves": "Élèves", "notes": "Notes", "moyennes_pronote": "Moyennes Pronote", "absences": "Absences",
    "retards": "Retards", "sanctions": "Punitions et sanctions", "competences": "Évaluations de compétences",
    "pix_profils": "Participations Pix", "imports": "Imports",
}
# Seulement ce que le rôle peut lire : un « 0 » pour une donnée hors de ses droits se lirait « aucune ».
visibles = [(vue, libelle) for vue, libelle in LIBELLES.items() if ui.utilisateur().voit(vue)]
cols = st.columns(5)
for i, (vue, libelle) in enumerate(visibles):
    cols[i % 5].metric(libelle, fr.nombre(comptes.get(vue, 0), 0))

if comptes["eleves"] == 0:
    st.info(f"L'entrepôt est vide. {ui.A_IMPORTER}", icon=":material/upload_file:")

st.subheader("Fraîcheur des données, par source")
sources = data.appel(lectures.sources)
if sources.is_empty():
    st.caption("Aucun import pour l'instant.")
else:
    st.dataframe(
        sources.with_columns(
            pl.col("dernier_import").map_elements(fr.date, return_dtype=pl.String),
            pl.col("source").map_elements(fr.source, return_dtype=pl.String),
            pl.col("dernier_statut").map_elements(fr.statut_import, return_dtype=pl.String),
        ).rename({"source": "Source", "imports": "Imports", "reussis": "Réussis", "dernier_import": "Dernier import réussi",
                  "dernier_statut": "Dernier statut", "dernier_fichier": "Dernier fichier", "lignes_lues": "Lignes lues"}),
        hide_index=True, placeholder="—",
    )

st.page_link("ecrans/imports.py", label="Importer des fichiers, journal des imports", icon=":material/upload_file:")
