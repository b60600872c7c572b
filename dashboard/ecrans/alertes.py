"""Alertes : filtrées par classe, règle, gravité et état de suivi ; chacune avec son explication, la
procédure, son état (vue, prise en charge, close : ``models/suivi.py``), un formulaire pour le changer ou
consigner une étape, et un lien vers la fiche de l'élève ; export CSV (formules neutralisées)."""

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

LIMITE = 200
for a in choisies.head(LIMITE).iter_rows(named=True):
    # Clé stable d'une alerte (deux alertes d'une règle, d'une période et d'un élève diffèrent par leur matière).
    rang = zlib.crc32(f"{a['eleve_id']}|{a['regle']}|{a['periode']}|{a['explication']}".encode())
    titre = f"{GRAVITES.get(a['gravite'], a['gravite'])} — {a['nom']} {a['prenom']} ({a['classe']}) — {a['libelle']}"
    etat = fsuivi.etat(a["statut"], a["statut_date"], a["statut_auteur"])
    with st.expander(titre + (f" · {fr.periode(a['periode'])}" if a.get("periode") else "") + f" · {etat.split(' le ')[0]}",
                     icon=ICONES.get(a["gravite"])):
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
if choisies.height > LIMITE:
    st.caption(f"{choisies.height - LIMITE} alerte(s) de plus : affinez les filtres ou exportez le CSV.")
fvalidation.section()
