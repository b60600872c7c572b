"""La porte d'entrée du tableau de bord : qui est connecté, avec quel rôle.

Un seul point de contrôle (:func:`exiger_utilisateur`), appelé par ``app.py`` avant toute page :
- l'école fictive de ``vigie demo`` s'ouvre sans connexion (rôle direction, bandeau « Données fictives ») ;
- sinon, connexion par l'ENT ou l'identité académique (OpenID Connect, ``st.login``) quand la section
  ``[auth]`` de ``.streamlit/secrets.toml`` existe — l'adresse doit correspondre à un compte créé par
  ``vigie user add … --email`` qui porte le rôle ;
- sinon, comptes locaux (identifiant et mot de passe, hachage argon2).
Un entrepôt qui contient des données importées n'est jamais servi sans connexion.

Les essais de mot de passe sont limités et consignés (``models.connexion``) ; une session sans activité
pendant ``connexion.inactivite_minutes`` se termine, même si l'onglet reste ouvert (fragment qui se
relance seul, au plus chaque minute). Un compte local ne reste pas connecté après un rechargement de la page : voir
README, « Déployer pour l'équipe ».
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from models import acces, connexion
from models.acces import Utilisateur
from models.nombres import borne
from models.reglages import charger_reglages
from models.warehouse import lecture

_CLE = "vigie_utilisateur"
_ACTIVITE = "vigie_activite"
_EXPIREE = "vigie_session_expiree"


def est_demo(db: Path) -> bool:
    """L'entrepôt est-il l'école fictive ? Lu une fois par version de l'entrepôt (le drapeau ne change
    qu'avec un import, qui remplace le fichier) : pas une connexion à chaque exécution de page."""
    from dashboard.data import version

    return _est_demo(str(db), version(db))


@st.cache_data(show_spinner=False, max_entries=16)
def _est_demo(db: str, version_entrepot: tuple[int, int]) -> bool:
    if version_entrepot == (0, 0):  # pas d'entrepôt
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
        if not _expiree(db, u):
            st.session_state[_ACTIVITE] = time.time()
            return u
    oidc = _oidc_configure()
    ent = acces.par_email(db, str(st.user.get("email", ""))) if oidc and getattr(st.user, "is_logged_in", False) else None
    if ent is not None:
        st.session_state[_CLE] = ent
        st.session_state[_ACTIVITE] = time.time()
        st.session_state.pop(_EXPIREE, None)
        adresse = adresse_client()
        acces.journaliser(db, ent, "connexion", "ENT" + (f" — adresse {adresse}" if adresse else ""))
        return ent
    # Sans ceci, le menu des pages de la session précédente (déconnexion, session expirée) resterait affiché.
    # L'adresse d'une page (/classe, ouverte par un favori ou un rechargement) mène aussi à la connexion,
    # sans le « Page not found » anglais de Streamlit ; connecté, la même adresse ouvre la page.
    st.navigation([st.Page(_connexion, title="Connexion", default=True)] + [
        st.Page(_connexion, title="Connexion", url_path=page) for page in _PAGES_DE_L_APPLICATION
    ], position="hidden")
    st.title("Vigie — connexion")
    st.caption("Les données des élèves sont réservées aux personnels habilités.")
    if st.session_state.get(_EXPIREE):
        st.warning(st.session_state[_EXPIREE], icon=":material/timer_off:")
    if oidc:
        if getattr(st.user, "is_logged_in", False):
            st.error("Votre identité ENT n'est associée à aucun compte Vigie. "
                     "Demandez à la direction de créer votre compte (vigie user add … --email).")
            st.button("Se déconnecter", on_click=st.logout)
            st.stop()
        st.button("Se connecter avec l'ENT", on_click=st.login, type="primary")
        st.divider()
    with st.form("connexion"):
        identifiant = st.text_input("Identifiant")
        mot_de_passe = st.text_input("Mot de passe", type="password")
        envoye = st.form_submit_button("Se connecter")
    if envoye:
        issue = connexion.connecter(db, identifiant, mot_de_passe, charger_reglages().connexion,
                                    adresse=adresse_client())
        if issue.utilisateur is not None:
            st.session_state[_CLE] = issue.utilisateur
            st.session_state[_ACTIVITE] = time.time()
            st.session_state.pop(_EXPIREE, None)
            st.rerun()
        st.error(issue.message)
    if not acces.comptes(db):
        st.info("Aucun compte n'existe encore : créez-en un avec `vigie user add IDENTIFIANT --role direction`.")
    st.stop()
    raise AssertionError  # st.stop() ne revient pas


#: Les adresses des pages de l'application (``dashboard/ecrans/*.py`` : Streamlit les nomme d'après le fichier).
_PAGES_DE_L_APPLICATION = sorted(p.stem for p in (Path(__file__).parent / "ecrans").glob("*.py")
                                 if p.stem not in ("accueil", "__init__"))


def _connexion() -> None:
    """La seule « page » d'une session sans utilisateur : la connexion est dessinée par exiger_utilisateur."""


def deconnecter(db: Path | None = None) -> None:
    u = st.session_state.pop(_CLE, None)
    st.session_state.pop(_ACTIVITE, None)
    st.session_state.pop("vigie_derniere_page", None)
    if db is not None and isinstance(u, Utilisateur):
        acces.journaliser(db, u, "deconnexion")
    if _oidc_configure() and getattr(st.user, "is_logged_in", False):
        st.logout()


def adresse_client() -> str | None:
    """L'adresse à limiter (``models.connexion.adresse_client``) selon les proxys de confiance déclarés."""
    proxys = charger_reglages().connexion.proxys_de_confiance
    return connexion.adresse_client(st.context.ip_address, st.context.headers.get("X-Forwarded-For"), proxys)


def _expiree(db: Path, u: Utilisateur) -> bool:
    """Termine la session restée inactive trop longtemps (consigné) ; vrai si c'est le cas."""
    reglages = charger_reglages().connexion
    derniere = st.session_state.get(_ACTIVITE)
    if derniere is None or u.demo or not connexion.session_expiree(derniere, reglages):
        return False
    minutes = borne(reglages.inactivite_minutes)
    acces.journaliser(db, u, "fin_de_session", f"inactivité ({minutes} min)")
    st.session_state.pop(_CLE, None)
    st.session_state.pop(_ACTIVITE, None)
    st.session_state.pop("vigie_derniere_page", None)  # la page rouverte après reconnexion est consignée
    st.session_state[_EXPIREE] = (f"Session terminée après {minutes} min sans activité : "
                                  "reconnectez-vous.")
    if _oidc_configure() and getattr(st.user, "is_logged_in", False):
        st.logout()  # sinon le cookie de l'ENT reconnecterait aussitôt
    return True


def surveiller_inactivite() -> None:
    """Relance la page quand la session expire, même sans clic : ses données quittent l'écran.

    Un fragment qui se relance seul (au plus chaque minute) ; ses passages ne comptent pas comme une
    activité (seule l'exécution de toute la page la note, dans :func:`exiger_utilisateur`)."""
    delai = charger_reglages().connexion.inactivite_minutes * 60
    st.fragment(_verifier_inactivite, run_every=min(60.0, max(2.0, delai / 4)))()


def _verifier_inactivite() -> None:
    u = st.session_state.get(_CLE)
    derniere = st.session_state.get(_ACTIVITE)
    if isinstance(u, Utilisateur) and derniere is not None and connexion.session_expiree(
            derniere, charger_reglages().connexion):
        st.rerun(scope="app")
