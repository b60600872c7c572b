"""La porte d'entrée du tableau de bord : qui est connecté, avec quel rôle.

Un seul point de contrôle (:func:`exiger_utilisateur`), appelé par ``app.py`` avant toute page :
- l'école fictive de ``vigie demo`` s'ouvre sans connexion (rôle direction, bandeau « Données fictives ») ;
- sinon, connexion par l'ENT ou l'identité académique (OpenID Connect, ``st.login``) quand la section
  ``[auth]`` de ``.streamlit/secrets.toml`` existe — l'adresse doit correspondre à un compte créé par
  ``vigie user add … --email`` qui porte le rôle ;
- sinon, comptes locaux (identifiant et mot de passe, hachage argon2).
Un entrepôt qui contient des données importées n'est jamais servi sans connexion.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from models import acces
from models.acces import Utilisateur
from models.warehouse import lecture

_CLE = "vigie_utilisateur"


def est_demo(db: Path) -> bool:
    if not db.exists():
        return False
    with lecture(db) as wh:
        return wh.est_demo()


def _oidc_configure() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # pas de secrets.toml : Streamlit lève une erreur à la lecture
        return False


def exiger_utilisateur(db: Path) -> Utilisateur:
    """L'utilisateur connecté ; sinon affiche la connexion et arrête la page (``st.stop``)."""
    if est_demo(db):
        return acces.DEMO
    u = st.session_state.get(_CLE)
    if isinstance(u, Utilisateur):
        return u
    st.title("Vigie — connexion")
    st.caption("Les données des élèves sont réservées aux personnels habilités.")
    if _oidc_configure():
        if getattr(st.user, "is_logged_in", False):
            u = acces.par_email(db, str(st.user.get("email", "")))
            if u is None:
                st.error("Votre identité ENT n'est associée à aucun compte Vigie. "
                         "Demandez à la direction de créer votre compte (vigie user add … --email).")
                st.button("Se déconnecter", on_click=st.logout)
                st.stop()
            st.session_state[_CLE] = u
            acces.journaliser(db, u, "connexion", "ENT")
            return u
        st.button("Se connecter avec l'ENT", on_click=st.login, type="primary")
        st.divider()
    with st.form("connexion"):
        identifiant = st.text_input("Identifiant")
        mot_de_passe = st.text_input("Mot de passe", type="password")
        envoye = st.form_submit_button("Se connecter")
    if envoye:
        u = acces.authentifier(db, identifiant.strip(), mot_de_passe)
        if u is not None:
            st.session_state[_CLE] = u
            acces.journaliser(db, u, "connexion", "mot de passe")
            st.rerun()
        st.error("Identifiant ou mot de passe incorrect.")
    if not acces.comptes(db):
        st.info("Aucun compte n'existe encore : créez-en un avec `vigie user add IDENTIFIANT --role direction`.")
    st.stop()
    raise AssertionError  # st.stop() ne revient pas


def deconnecter() -> None:
    st.session_state.pop(_CLE, None)
    if _oidc_configure() and getattr(st.user, "is_logged_in", False):
        st.logout()
