"""Alertes : filtrées par classe, règle, gravité et état de suivi, en tableau de 25 alertes par page (triable,
une ligne choisie) ; le détail de l'alerte choisie : son explication, la procédure, son état (vue, prise en
charge, close : ``models/suivi.py``), un formulaire pour le changer ou consigner une étape, et un lien vers la
fiche de l'élève ; export CSV de toutes les alertes filtrées (formules neutralisées)."""

from __future__ import annotations

import zlib

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard import suivi as fsuivi
from dashboard import validation as fvalidation
from dashboard import format as fr
from models import alertes as mal
from models import lectures
from models import suivi as msuivi
from models.reglages import charger_reglages

st.title("Alertes")
if ui.entrepot_vide():
    st.stop()

#: Gravité → libellé (models.alertes, dans l'ordre de gravité) et icône (texte + icône : la couleur seule
#: ne porte pas l'information).
GRAVITES = mal.GRAVITES
ICONES = {"alerte": ":material/error:", "attention": ":material/warning:", "info": ":material/info:"}
reglages = charger_reglages()
toutes = "Toutes les classes"
classes = data.appel(lectures.classes)["classe"].to_list()
choix = st.sidebar.selectbox("Classe", [toutes, *classes], key="alertes_classe")
classe = None if choix == toutes else choix

alertes = data.appel_suivi(msuivi.alertes_suivies, classe=classe)
if alertes.is_empty():
    st.success("Aucune alerte" + (f" pour la classe {classe}." if classe else "."))
    fvalidation.section()
    st.stop()

regles = sorted(alertes["regle"].unique().to_list())
ETATS = {"nouvelle": "Nouvelle", **msuivi.STATUTS_ALERTE}
c1, c2, c3 = st.columns(3)
regles_choisies = c1.multiselect("Règles", regles, format_func=reglages.libelle, key="alertes_regles", select_all=False,
                                 placeholder="Toutes les règles")
gravites = c2.multiselect("Gravité", list(GRAVITES), format_func=GRAVITES.__getitem__, key="alertes_gravites", select_all=False,
                          placeholder="Toutes les gravités")
etats = c3.multiselect("État du suivi", list(ETATS), format_func=ETATS.__getitem__, key="alertes_etats", select_all=False,
                       placeholder="Tous les états")
filtre = pl.lit(True)
if etats:
    filtre &= pl.col("statut").fill_null("nouvelle").is_in(etats)
if regles_choisies:
    filtre &= pl.col("regle").is_in(regles_choisies)
if gravites:
    filtre &= pl.col("gravite").is_in(gravites)
choisies = alertes.filter(filtre).sort(mal.rang_gravite(), "classe", "nom", "prenom")

c = st.columns(3)
for i, g in enumerate(GRAVITES):
    c[i].metric(GRAVITES[g], int((choisies["gravite"] == g).sum()))

export = choisies.select(
    "classe", "nom", "prenom", "regle", "libelle", "periode", "gravite",
    *(pl.col(x) for x in ("valeur", "seuil") if x in choisies.columns),
    "explication", "acteur", "procedure", pl.col("statut").fill_null("nouvelle").replace_strict(ETATS).alias("etat"),
)
ui.telecharger("Exporter les alertes affichées (CSV)", fr.csv(export), file_name="alertes.csv",
                   mime="text/csv", key="csv_alertes")

# Un tableau d'une page d'alertes (triable, une ligne choisie) et le détail d'une seule alerte : dessiner
# une boîte dépliable par alerte (200 et plus) coûtait plusieurs secondes au navigateur à chaque passage.
PAR_PAGE = 25
nb_pages = max(1, -(-choisies.height // PAR_PAGE))
if nb_pages > 1:
    page = st.selectbox("Page", range(1, nb_pages + 1), key="alertes_page",
                        format_func=lambda n: f"{n} / {nb_pages} (alertes {(n - 1) * PAR_PAGE + 1} à "
                                              f"{min(n * PAR_PAGE, choisies.height)} sur {choisies.height})")
else:
    page = 1
page_alertes = choisies.slice((page - 1) * PAR_PAGE, PAR_PAGE)
if page_alertes.is_empty():
    st.info("Aucune alerte ne correspond à ces filtres.")
else:
    etats_page = [fsuivi.etat(statut, date, auteur) for statut, date, auteur in
                  zip(page_alertes["statut"], page_alertes["statut_date"], page_alertes["statut_auteur"])]
    tableau = page_alertes.select(
        pl.col("gravite").replace_strict(GRAVITES, default="—").alias("Gravité"),
        (pl.col("nom").fill_null("") + " " + pl.col("prenom").fill_null("")).alias("Élève"),
        pl.col("classe").fill_null("—").alias("Classe"),
        pl.col("libelle").fill_null("—").alias("Règle"),
        pl.col("periode").map_elements(fr.periode, return_dtype=pl.String).fill_null("—").replace("", "—").alias("Période"),
        pl.Series("État", etats_page, dtype=pl.String),
        pl.col("explication").fill_null("—").alias("Explication"),
    )
    st.caption("Choisissez une ligne pour voir le détail de l'alerte (la première de la page par défaut) ; "
               "un clic sur un en-tête trie le tableau.")
    choix_ligne = st.dataframe(
        tableau, hide_index=True, on_select="rerun", selection_mode="single-row", key="alertes_tableau",
        column_config={"Explication": st.column_config.TextColumn(width="large")}, placeholder="—",
    )
    lignes = choix_ligne.selection.rows if choix_ligne is not None else []
    a = page_alertes.row(lignes[0] if lignes and lignes[0] < page_alertes.height else 0, named=True)
    # Clé stable d'une alerte (deux alertes d'une règle, d'une période et d'un élève diffèrent par leur matière).
    rang = zlib.crc32(f"{a['eleve_id']}|{a['regle']}|{a['periode']}|{a['explication']}".encode())
    etat = fsuivi.etat(a["statut"], a["statut_date"], a["statut_auteur"])
    with st.container(border=True):
        st.markdown(f"{ICONES.get(a['gravite'], '')} **{GRAVITES.get(a['gravite'], a['gravite'])} — "
                    f"{a['nom']} {a['prenom']} ({a['classe'] or '—'}) — {a['libelle']}**"
                    + (f" · {fr.periode(a['periode'])}" if a.get("periode") else ""))
        st.write(a["explication"])
        st.caption(f"État du suivi : {etat}")
        details = []
        if a.get("tendance"):
            details.append(f"Tendance : {a['tendance']}")
        if a.get("comparaison_classe"):
            details.append(f"Classe : {a['comparaison_classe']}")
        if details:
            st.caption(" · ".join(str(d) for d in details))
        if a.get("acteur"):
            st.markdown(f"**Qui agit :** {a['acteur']}")
        if a.get("procedure"):
            st.markdown(f"**Procédure :** {a['procedure']}")
        st.page_link("ecrans/eleve.py", label=f"Fiche de {a['prenom']} {a['nom']}", icon=":material/person:",
                     query_params={"eleve": ui.cle_lien("eleve", a["eleve_id"])})
        if st.toggle("Consigner le suivi de cette alerte", key=f"suivre_{rang}_{a['eleve_id']}_{a['regle']}"):
            fsuivi.formulaire(a["eleve_id"], cle=f"alerte_{rang}_{a['eleve_id']}_{a['regle']}",
                              sortes=("alerte", "procedure"), regle=a["regle"], periode=a["periode_suivie"],
                              annee=a["annee"], titre="État de l'alerte ou étape de la procédure")
fvalidation.section()
