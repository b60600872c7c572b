"""« Rechercher un élève » dans la barre latérale de chaque page (appelé par ``app.py``) : nom, prénom ou
classe, sans se soucier des accents ni des majuscules (``models.recherche``) ; un clic ouvre la fiche de
l'élève (page Élève), avec sa classe choisie dans les sélecteurs partagés (``dashboard.ui``)."""

from __future__ import annotations

import streamlit as st

from models import recherche

from . import data

_CLE = "vigie_recherche"
_OUVRIR = "vigie_recherche_ouvrir"
PAGE_ELEVE = "ecrans/eleve.py"


def _choisir(eleve_id: str, classe: str | None) -> None:
    """Rappel d'un résultat : l'élève (et sa classe) deviennent le choix de toutes les pages ; la page Élève
    s'ouvre à l'exécution suivante (``st.switch_page`` n'agit pas depuis un rappel)."""
    if classe is not None:
        st.session_state["vigie_choix_classe"] = classe
    st.session_state["vigie_choix_eleve"] = eleve_id
    st.session_state[_CLE] = ""
    st.session_state[_OUVRIR] = True


def bouton_fiche(eleve_id: str, classe: str | None, libelle: str, cle: str, **options: object) -> None:
    """Un bouton qui ouvre la fiche de l'élève (page Élève), comme un résultat de recherche. ``cle`` : une
    clé de widget qui ne contient pas l'identifiant de l'élève (elle s'écrit dans la page)."""
    st.button(libelle, key=cle, on_click=_choisir, args=(eleve_id, classe), icon=":material/person:", **options)


def barre() -> None:
    """Le champ de recherche et ses résultats (au plus ``models.recherche.RESULTATS_MAX``), dans la barre
    latérale ; ouvre la page Élève après un clic sur un résultat."""
    if st.session_state.pop(_OUVRIR, False):
        st.switch_page(PAGE_ELEVE)
    texte = st.sidebar.text_input(
        "Rechercher un élève", key=_CLE, placeholder="Nom, prénom ou classe",
        help="Dans tout l'établissement (les élèves que votre rôle peut voir). Les accents et les majuscules "
             "ne comptent pas.")
    if not texte.strip():
        return
    trouves = data.appel(recherche.rechercher_eleves, texte.strip(), recherche.RESULTATS_MAX + 1)
    if trouves.is_empty():
        st.sidebar.caption("Aucun élève trouvé.")
        return
    # Clés par rang, pas par identifiant : la clé d'un widget s'écrit dans la page (classe CSS).
    for i, r in enumerate(trouves.head(recherche.RESULTATS_MAX).iter_rows(named=True)):
        libelle = f"{r['nom']} {r['prenom']}" + (f" — {r['classe']}" if r["classe"] else "")
        st.sidebar.button(libelle, key=f"vigie_recherche_{i}", on_click=_choisir,
                          args=(r["eleve_id"], r["classe"]), icon=":material/person:", width="stretch")
    if trouves.height > recherche.RESULTATS_MAX:
        st.sidebar.caption("D'autres élèves correspondent : précisez (prénom, classe).")
