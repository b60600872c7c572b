"""Accueil : ce qui est chargé et de quand, le journal des imports, et l'import de fichiers."""

from __future__ import annotations

import polars as pl
import streamlit as st

import connectors
from dashboard import data, ui
from dashboard import format as fr
from models import lectures
from models.errors import VigieError

st.title("Accueil et imports")

comptes = data.appel(lectures.comptes)
LIBELLES = {
    "eleves": "Élèves", "notes": "Notes", "moyennes_pronote": "Moyennes Pronote", "absences": "Absences",
    "retards": "Retards", "sanctions": "Punitions et sanctions", "competences": "Évaluations de compétences",
    "pix_profils": "Participations Pix", "imports": "Imports",
}
cols = st.columns(5)
for i, (vue, libelle) in enumerate(LIBELLES.items()):
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

# --- Import d'un fichier ---------------------------------------------------------------------------------

# Importer modifie l'entrepôt de tout l'établissement : réservé à la direction (et à la démonstration).
if ui.utilisateur().role == "direction":
    st.subheader("Importer un fichier")
    sortes = [s for s in connectors.SOURCES if s != "pronote-live"]
    with st.form("import", clear_on_submit=False):
        sorte = st.selectbox("Sorte de fichier", sortes, format_func=fr.source, help="Le connecteur qui lira le fichier.")
        fichier = st.file_uploader("Fichier à importer (glisser-déposer)", type=None)
        options_texte = st.text_area(
            "Options du connecteur (une par ligne, « clé=valeur »)", value="", height=68,
            help="Rarement utile ; par exemple « classe=3A » ou « ramener_sur_20=non ». Les options de chaque sorte sont dans le README.",
        )
        ignorer = st.checkbox("Ignorer les lignes d'élèves inconnus (sinon le fichier est refusé)")
        envoyer = st.form_submit_button("Importer", type="primary")


    def _options(texte: str) -> dict[str, object]:
        options: dict[str, object] = {}
        for n, ligne in enumerate(texte.splitlines(), 1):
            if not ligne.strip():
                continue
            if "=" not in ligne:
                raise VigieError(f"option ligne {n} : « clé=valeur » attendu, lu « {ligne} »")
            cle, valeur = (p.strip() for p in ligne.split("=", 1))
            options[cle] = valeur  # typée par le connecteur (connectors/options.py)
        return options


    if envoyer:
        if fichier is None:
            st.error("Choisissez d'abord un fichier.")
        else:
            barre = st.progress(0.0, text="Lecture du fichier…")
            try:
                res = data.importer_fichier(
                    sorte, fichier.name, fichier.getvalue(), options=_options(options_texte), ignorer_inconnus=ignorer,
                    progression=lambda etape, part: barre.progress(min(1.0, part), text=etape),
                )
            except VigieError as err:  # ImportRejected : fichier, ligne et colonne sont dans le message
                barre.empty()
                st.error(f"Import refusé — rien n'a été modifié.\n\n```\n{err}\n```")
            else:
                barre.progress(1.0, text="Terminé")
                if res.statut == "rejete":
                    st.error(f"```\n{res.resume()}\n```")
                else:
                    st.success(f"```\n{res.resume()}\n```")

else:
    st.caption("L'import de fichiers est réservé à la direction.")

st.subheader("Journal des imports")
journal = data.appel(lectures.journal, 50)
if journal.is_empty():
    st.caption("Le journal est vide.")
else:
    st.dataframe(
        journal.with_columns(
            pl.col("debut").map_elements(fr.date, return_dtype=pl.String),
            pl.col("fin").map_elements(fr.date, return_dtype=pl.String),
            pl.col("source").map_elements(fr.source, return_dtype=pl.String),
            pl.col("statut").map_elements(fr.statut_import, return_dtype=pl.String),
        ).rename({"import_id": "N°", "source": "Source", "fichier": "Fichier", "statut": "Statut",
                  "lignes_lues": "Lues", "lignes_inserees": "Insérées", "lignes_mises_a_jour": "Mises à jour",
                  "lignes_rejetees": "Rejetées", "remarques": "Remarques", "debut": "Début", "fin": "Fin",
                  "message": "Message"}),
        hide_index=True, placeholder="—",
    )
    # Les remarques : chaque valeur qu'un import n'a pas gardée telle que la source la donnait (README,
    # « Les remarques d'import »), située dans son fichier.
    notes = data.appel(lectures.remarques, journal["import_id"].to_list(), 50)
    if notes.height:
        with st.expander(f"Remarques des derniers imports ({int(journal['remarques'].sum())})"):
            st.dataframe(
                notes.select(
                    pl.col("import_id").alias("N°"), pl.col("fichier").alias("Fichier"),
                    pl.col("ligne").cast(pl.String).fill_null("").alias("Ligne"),
                    pl.col("colonne").fill_null("").alias("Colonne"), pl.col("message").alias("Remarque"),
                ),
                hide_index=True,
            )
            st.caption("Au plus 50 remarques par import ici ; toutes avec « vigie status --import N ».")
