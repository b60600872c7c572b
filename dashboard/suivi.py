"""Le petit formulaire de suivi, partagé par les pages Élève, Alertes, Absences et Conseil de classe.

Il ne fait que demander à ``models/suivi.py`` : listes de choix, droits, enregistrement (journal
compris). Une entrée enregistrée se voit aussitôt : le cache des lectures de suivi dépend de la version
de la base de suivi (``data.appel_suivi``).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from models import conseil, suivi
from models.errors import VigieError
from models.warehouse import lecture

from . import data, ui
from . import format as fr


def _enregistrer(saisie: suivi.Saisie) -> int:
    u = ui.utilisateur()
    wh = lecture(data.chemin(), utilisateur=u)
    try:
        return suivi.ajouter(data.chemin(), wh, u, saisie)
    finally:
        wh.close()


def formulaire(
    eleve_id: str, *, cle: str, sortes: tuple[str, ...] = ("procedure", "alerte", "conseil"),
    regle: str | None = None, periode: str | None = None, annee: str | None = None,
    titre: str = "Consigner une étape du suivi",
) -> None:
    """Un formulaire d'entrée pour ``eleve_id`` : les sortes que le rôle peut écrire, parmi ``sortes``.

    ``regle``, ``periode`` et ``annee`` rattachent l'entrée à une alerte ou à un conseil."""
    u = ui.utilisateur()
    permises = [s for s in sortes if suivi.peut_ecrire(u, s)]
    if not permises:
        return
    if st.session_state.pop(f"suivi_vider_{cle}", False):
        st.session_state[f"suivi_com_{cle}"] = ""  # l'entrée est faite : le commentaire ne se ressaisit pas
    # Pas de st.form : la liste des étapes et des valeurs suit la sorte et la rubrique choisies.
    with st.container(border=True):
        st.markdown(f"**{titre}**")
        sorte = permises[0] if len(permises) == 1 else st.selectbox(
            "Sorte", permises, format_func=suivi.SORTES.__getitem__, key=f"suivi_sorte_{cle}")
        if sorte == "procedure":
            codes = [c for c, (_, _, roles) in suivi.ETAPES.items() if u.role in roles]
        elif sorte == "alerte":
            codes = list(suivi.STATUTS_ALERTE)
        else:
            codes = list(suivi.RUBRIQUES_CONSEIL)
        c1, c2 = st.columns([2, 1])
        code = c1.selectbox(
            {"procedure": "Étape", "alerte": "État", "conseil": "Décision"}[sorte], codes,
            format_func=lambda c: suivi.libelle_code(sorte, c), key=f"suivi_code_{cle}")
        date = c2.date_input("Date", value=dt.date.today(), max_value=dt.date.today(), format="DD/MM/YYYY",
                             key=f"suivi_date_{cle}")
        valeur = None
        choix = suivi.valeurs_conseil(code) if sorte == "conseil" else None
        if choix:
            valeur = st.selectbox(suivi.RUBRIQUES_CONSEIL[code], choix, key=f"suivi_valeur_{cle}_{code}")
        libelle = "Appréciation générale" if sorte == "conseil" and not choix else "Commentaire"
        commentaire = st.text_area(f"{libelle} (lisible par la famille : restez factuel)", key=f"suivi_com_{cle}",
                                   height=68)
        envoye = st.button("Enregistrer", type="primary", key=f"suivi_ok_{cle}")
    if envoye:
        try:
            n = _enregistrer(suivi.Saisie(
                eleve_id=eleve_id, sorte=sorte, code=code, date=date, commentaire=commentaire, valeur=valeur,
                periode=periode if sorte != "procedure" else None, regle=regle if sorte == "alerte" else None,
                annee=annee if sorte != "procedure" else None,
            ))
        except VigieError as err:
            st.error(f"Rien n'est enregistré : {err}.", icon=":material/block:")
        else:
            # Réexécution : la chronologie et les états affichés plus haut dans la page relisent le suivi.
            st.session_state[f"suivi_vider_{cle}"] = True
            st.session_state[f"suivi_fait_{cle}"] = f"Entrée n° {n} enregistrée : {suivi.libelle_code(sorte, code)}."
            st.rerun()
    if fait := st.session_state.pop(f"suivi_fait_{cle}", None):
        st.success(fait, icon=":material/check:")


def chronologie(eleve_id: str, classe: str | None) -> None:
    """La chronologie de l'élève : alertes, étapes, décisions, les plus récentes d'abord."""
    # Les alertes de l'élève sont celles de l'onglet Alertes (même appel, déjà en cache) : pas calculées deux fois.
    alertes = data.appel_suivi(suivi.avec_statuts, data.appel(conseil.alertes_eleve, eleve_id, classe))
    c = data.appel_suivi(suivi.chronologie, eleve_id, classe=classe, alertes=alertes)
    if c.is_empty():
        st.caption("Rien n'est encore consigné pour cet élève.")
        return
    st.dataframe(c.select(
        pl.col("date").map_elements(fr.date, return_dtype=pl.String).fill_null("—").alias("Date"),
        pl.col("quoi").alias("Quoi"), pl.col("detail").alias("Détail"), pl.col("par").alias("Par"),
    ), hide_index=True, placeholder="—")


def etat(statut: str | None, date: dt.date | None = None, auteur: str | None = None) -> str:
    """« Prise en charge le 08/10/2025 par m.cpe », « Nouvelle »."""
    if not statut:
        return "Nouvelle"
    return f"{suivi.STATUTS_ALERTE.get(statut, statut)}" + (f" le {fr.date(date)}" if date else "") + (
        f" par {auteur}" if auteur else "")
