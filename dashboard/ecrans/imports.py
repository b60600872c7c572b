"""Imports : déposer des fichiers (direction), le journal des imports et leurs remarques (tous les rôles).

Chaque fichier déposé est importé seul (sa propre transaction, sa propre ligne de résultat) par le chemin
de tout import (:func:`dashboard.data.importer_fichier`) ; sa sorte est celle choisie, ou celle que son
contenu désigne (``connectors/detection.py``) — jamais devinée : ambiguë ou inconnue, la page demande.
"""

from __future__ import annotations

import re

import polars as pl
import streamlit as st

from dashboard import data, depot, ui
from dashboard import format as fr
from models import lectures
from models.errors import ImportRejected, VigieError, situer

st.title("Imports")
if data.nb_eleves() == 0:
    st.info("L'entrepôt est vide : importez d'abord la description de l'établissement (etablissement.toml), "
            "puis la liste des élèves (Pronote — élèves et classes), puis les notes, absences, compétences ou "
            "résultats Pix.", icon=":material/upload_file:")

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~$])")


def _md(texte: str) -> str:
    """Un texte de fichier ou de message affiché tel quel (ni gras ni lien venus du fichier)."""
    return _MARKDOWN.sub(r"\\\1", texte)


def _refus(err: ImportRejected | None, message: str) -> str:
    if err is None:
        return _md(depot.pour_la_page(message))
    texte = _md(depot.pour_la_page(situer(err.raison, ligne=err.ligne, colonne=err.colonne)))
    details = [f"- {_md(depot.pour_la_page(d))}" for d in err.details[:20]]
    if len(err.details) > 20:
        details.append(f"- … et {len(err.details) - 20} autres")
    return texte + ("\n\n" + "\n".join(details) if details else "")


def _resultat(nom: str, sorte: str, res) -> None:  # noqa: ANN001 (ResultatImport)
    """La ligne de résultat d'un fichier : refusé (et pourquoi), ou importé (décomptes, rapprochements
    approchés avec le nom et la classe de l'élève retenu, élèves inconnus écartés, remarques)."""
    quoi = f"**{_md(nom)}** ({fr.source(sorte)})"
    if res.statut == "rejete":
        st.error(f"{quoi} : **refusé, rien n'a été modifié.**\n\n{_refus(res.erreur, res.message)}",
                 icon=":material/block:")
        return
    n = lambda x: fr.nombre(x, 0)  # noqa: E731
    # lignes du fichier, puis enregistrements de l'entrepôt (une ligne d'élève en donne plusieurs)
    decompte = (f"{n(res.lignes_lues)} lignes lues ; enregistrements : {n(res.lignes_inserees)} ajoutés, "
                f"{n(res.lignes_mises_a_jour)} mis à jour, {n(res.lignes_inchangees)} inchangés")
    if res.lignes_rejetees:
        decompte += f" ; {n(res.lignes_rejetees)} lignes écartées (élèves inconnus)"
    st.success(f"{quoi} : **importé** — {decompte}.", icon=":material/check_circle:")
    if res.approches:
        st.warning(f"{len(res.approches)} élève(s) reconnu(s) **approximativement** : vérifiez que chacun "
                   "est bien l'élève retenu.", icon=":material/person_search:")
        st.dataframe(pl.DataFrame({
            "Ligne": [str(r.ref.ligne or "") for r in res.approches],
            "Écrit dans le fichier": [r.ref.libelle() for r in res.approches],
            "Élève retenu (classe)": [r.candidats[0] if r.candidats else "—" for r in res.approches],
            "Ressemblance": [f"{fr.nombre(100 * r.score, 0)} %" for r in res.approches],
        }), hide_index=True, placeholder="—")
    if res.non_rapproches:
        st.dataframe(pl.DataFrame({
            "Ligne": [str(r.ref.ligne or "") for r in res.non_rapproches],
            "Élève inconnu (ligne écartée)": [r.ref.libelle() for r in res.non_rapproches],
            "Élèves proches": ["; ".join(r.candidats) or "aucun" for r in res.non_rapproches],
        }), hide_index=True, placeholder="—")
    if res.anomalies:
        with st.expander(f"Remarques de l'import ({len(res.anomalies)})"):
            st.markdown("\n".join(f"- {_md(depot.pour_la_page(a))}" for a in res.anomalies[:200]))
            if len(res.anomalies) > 200:
                st.caption(f"… et {len(res.anomalies) - 200} autres, dans le journal ci-dessous.")


def _libelle_sorte(s: str | None) -> str:
    if s is None:
        return "— Choisir la sorte —"
    return "Détection automatique (d'après le contenu)" if s == depot.AUTO else fr.source(s)


# --- Déposer des fichiers -------------------------------------------------------------------------------

# Importer modifie l'entrepôt de tout l'établissement : réservé à la direction (et à la démonstration).
if ui.utilisateur().role == "direction":
    st.subheader("Importer des fichiers")
    choisie = st.selectbox(
        "Sorte des fichiers", [depot.AUTO, *depot.SORTES], format_func=_libelle_sorte, key="depot_sorte",
        help="Par défaut, la sorte de chaque fichier est reconnue à son contenu (ses colonnes, sa racine XML) ; "
             "si elle ne l'est pas, la page vous demande de la choisir.",
    )
    fichiers = st.file_uploader(
        "Fichiers à importer (un ou plusieurs)", accept_multiple_files=True, key="depot_fichiers",
        help="Chaque fichier est importé seul : un fichier refusé ne change rien à l'entrepôt et "
             "n'empêche pas les autres.",
    )
    depots = [depot.reconnaitre(f.name, f.getvalue(), choisie) for f in fichiers or []]
    if depots and choisie == depot.AUTO:
        for i, d in enumerate(depots):
            if d.sorte:
                st.markdown(f":material/check: **{_md(d.nom)}** — {_md(depot.phrase_detection(d))}")
                continue
            st.warning(f"**{_md(d.nom)}** — {_md(depot.phrase_detection(d))}", icon=":material/help:")
            proposees = list(d.detection.candidates) or depot.SORTES
            d.sorte = st.selectbox(f"Sorte de « {d.nom} »", [None, *proposees], format_func=_libelle_sorte,
                                   key=f"depot_sorte_{i}_{d.nom}")
    for d in depots:
        if (phrase := depot.desaccord(d)) is not None:
            st.warning(f"**{_md(d.nom)}** — {_md(phrase)}", icon=":material/help:")
    sortes = [choisie] if choisie != depot.AUTO else list(dict.fromkeys(d.sorte for d in depots if d.sorte))
    options: dict[str, dict] = {}
    pieces: dict[str, dict] = {}
    periodes = list(dict.fromkeys(ui.periodes()["periode"].to_list())) if data.nb_eleves() else []
    classes = data.appel(lectures.classes)["classe"].to_list() if data.nb_eleves() else []
    for s in sortes:
        if depot.options_de(s):
            with st.expander(f"Options — {fr.source(s)}", expanded=s == "tableur"):
                options[s], pieces[s] = depot.champs_options(s, periodes=periodes, classes=classes)
    ignorer = st.checkbox(depot.CASE_INCONNUS, key="depot_ignorer",
                          help="Sinon, un fichier dont une ligne désigne un élève inconnu de Vigie est refusé en "
                               "entier ; cochée, ces lignes sont écartées et listées dans le résultat.")
    a_choisir = [d.nom for d in depots if not d.sorte]
    if st.button("Importer", type="primary", disabled=not depots, key="depot_importer"):
        if a_choisir:
            st.error("Choisissez d'abord la sorte de : " + ", ".join(f"« {_md(n)} »" for n in a_choisir)
                     + ". Rien n'a été importé.")
        else:
            bilan = {"reussi": 0, "rejete": 0}
            barre = st.progress(0.0, text=f"{depots[0].nom} : lecture du fichier…")

            def suivre(i: int, etape: str, part: float) -> None:
                barre.progress(min(1.0, (i + min(1.0, part)) / len(depots)),
                               text=f"Fichier {i + 1} sur {len(depots)}, {depots[i].nom} : {etape}")

            def rapporter(i: int, res) -> None:  # noqa: ANN001 (ResultatImport)
                bilan[res.statut] = bilan.get(res.statut, 0) + 1
                _resultat(depots[i].nom, depots[i].sorte, res)

            try:
                data.importer_fichiers(
                    [data.Fichier(d.sorte, d.nom, d.contenu, options.get(d.sorte, {}), pieces.get(d.sorte, {}))
                     for d in depots],
                    ignorer_inconnus=ignorer, progression=suivre, rapport=rapporter,
                )
            except VigieError as err:  # un autre import en cours (WarehouseBusy) : rien n'a été importé
                st.error(f"**Aucun fichier importé, rien n'a été modifié.**\n\n{_md(str(err))}")
            barre.empty()  # jamais « Terminé » : la ligne de résultat de chaque fichier dit ce qui s'est passé
            if len(depots) > 1:
                st.info(f"{len(depots)} fichiers : {bilan['reussi']} importé(s), {bilan['rejete']} refusé(s).")
else:
    st.caption("L'import de fichiers est réservé à la direction.")

# --- Le journal ----------------------------------------------------------------------------------------

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
            pl.col("message").map_elements(depot.pour_la_page, return_dtype=pl.String),
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
        with st.expander(f"Remarques des derniers imports ({fr.nombre(int(journal['remarques'].sum()), 0)})"):
            st.dataframe(
                notes.select(
                    pl.col("import_id").alias("N°"), pl.col("fichier").alias("Fichier"),
                    pl.col("ligne").cast(pl.String).fill_null("").alias("Ligne"),
                    pl.col("colonne").fill_null("").alias("Colonne"),
                    pl.col("message").map_elements(depot.pour_la_page, return_dtype=pl.String).alias("Remarque"),
                ),
                hide_index=True, placeholder="—",
            )
            avec = journal.filter(pl.col("remarques") > 50)
            if avec.height:
                st.caption("Au plus 50 remarques par import ici.")
                n = st.selectbox("Toutes les remarques de l'import", [None, *avec["import_id"].to_list()],
                                 format_func=lambda i: "—" if i is None else f"n° {i}", key="remarques_import")
                if n is not None:
                    toutes = data.appel(lectures.remarques, [n], None)
                    st.dataframe(toutes.select(
                        pl.col("ligne").cast(pl.String).fill_null("").alias("Ligne"),
                        pl.col("colonne").fill_null("").alias("Colonne"),
                        pl.col("message").map_elements(depot.pour_la_page, return_dtype=pl.String).alias("Remarque"),
                    ), hide_index=True, placeholder="—")
