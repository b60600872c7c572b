"""Connexions : essais limités et persistés (un redémarrage ne remet rien à zéro), verrou croissant,
journal d'accès, règle du proxy de confiance, fin des sessions inactives."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from models import acces, connexion
from models.errors import SettingsError
from models.reglages import Connexion, valider

RACINE = Path(__file__).resolve().parents[1]
MDP = "mot de passe correct"
REG = Connexion()  # 5 essais libres, verrou de 5 min qui double, 4 h au plus, 20 essais par adresse
T0 = 1_800_000_000.0


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIE_COMPTES", str(tmp_path / "utilisateurs.json"))
    db = tmp_path / "vigie.duckdb"
    acces.ajouter_compte(db, "cpe1", "cpe", MDP)
    return db


def _actions(db: Path, utilisateur: str) -> list[str]:
    return acces.lire_audit(db, utilisateur=utilisateur)["action"].reverse().to_list()


def test_verrou_apres_cinq_echecs_et_qui_survit_a_un_redemarrage(db, tmp_path):
    # Les cinq échecs ont lieu dans un autre processus (un serveur qui s'arrête ensuite) ...
    script = (
        "import sys; from pathlib import Path; from models import connexion; from models.reglages import Connexion\n"
        "for i in range(5):\n"
        f"    r = connexion.connecter(Path(sys.argv[1]), 'cpe1', 'faux', Connexion(), maintenant={T0} + i)\n"
        "print(r.attente_s)\n"
    )
    sortie = subprocess.run([sys.executable, "-c", script, str(db)], cwd=RACINE, capture_output=True, text=True,
                            env=dict(os.environ), check=True)
    assert float(sortie.stdout) == 5 * 60  # le 5e échec pose le verrou de 5 min
    # ... et ce processus-ci, démarré après, trouve l'identifiant verrouillé, même avec le bon mot de passe.
    r = connexion.connecter(db, "cpe1", MDP, REG, maintenant=T0 + 60)
    assert r.utilisateur is None and r.attente_s == pytest.approx(5 * 60 + 4 - 60)
    assert "bloquée pendant 5 min" in r.message  # 4 min 04 s, arrondi au-dessus
    assert _actions(db, "cpe1") == ["echec_connexion"] * 5 + ["verrouillage", "connexion_refusee"]
    assert stat.S_IMODE(os.stat(connexion.fichier_tentatives(db)).st_mode) == 0o600


def test_le_verrou_double_a_chaque_nouvel_echec_jusqu_au_maximum(db):
    t = T0
    for _ in range(4):
        assert connexion.connecter(db, "cpe1", "faux", REG, maintenant=t).attente_s == 0
    durees = []
    for _ in range(8):
        r = connexion.connecter(db, "cpe1", "faux", REG, maintenant=t)
        durees.append(r.attente_s / 60)
        t += r.attente_s + 1  # on attend la fin du verrou avant de réessayer
    assert durees == [5, 10, 20, 40, 80, 160, 240, 240]
    assert connexion.echecs(db, "cpe1")[0] == 12


def test_un_essai_pendant_le_verrou_n_allonge_pas_le_verrou_ni_ne_verifie_le_mot_de_passe(db, monkeypatch):
    for i in range(5):
        connexion.connecter(db, "cpe1", "faux", REG, maintenant=T0)
    appels = []
    monkeypatch.setattr(acces, "authentifier", lambda *a: appels.append(a))
    r = connexion.connecter(db, "cpe1", MDP, REG, maintenant=T0 + 10)
    assert r.utilisateur is None and not appels
    assert connexion.echecs(db, "cpe1") == (5, T0 + 300)


def test_la_reussite_remet_le_compteur_a_zero(db):
    for _ in range(4):
        connexion.connecter(db, "cpe1", "faux", REG, maintenant=T0)
    r = connexion.connecter(db, "cpe1", MDP, REG, maintenant=T0 + 1)
    assert r.utilisateur is not None and r.utilisateur.identifiant == "cpe1" and r.message == ""
    assert connexion.echecs(db, "cpe1") == (0, 0.0)
    assert _actions(db, "cpe1")[-1] == "connexion"


def test_les_echecs_anciens_sont_oublies(db):
    for _ in range(4):
        connexion.connecter(db, "cpe1", "faux", REG, maintenant=T0)
    connexion.connecter(db, "cpe1", "faux", REG, maintenant=T0 + 24 * 3600 + 1)
    assert connexion.echecs(db, "cpe1") == (1, 0.0)


def test_un_identifiant_inconnu_se_verrouille_de_la_meme_facon(db):
    """La réponse ne dit pas si le compte existe."""
    reponses = [connexion.connecter(db, "inconnu", "faux", REG, maintenant=T0) for _ in range(5)]
    assert reponses[0].message == "Identifiant ou mot de passe incorrect."
    assert reponses[-1].attente_s == 300
    assert _actions(db, "inconnu") == ["echec_connexion"] * 5 + ["verrouillage"]


def test_vigie_user_unlock(db):
    from vigie_cli import main

    for _ in range(5):
        connexion.connecter(db, "cpe1", "faux", REG)
    assert connexion.connecter(db, "cpe1", MDP, REG).utilisateur is None
    assert main(["user", "unlock", "cpe1", "--db", str(db)]) == 0
    assert connexion.connecter(db, "cpe1", MDP, REG).utilisateur is not None
    assert "deverrouillage" in acces.lire_audit(db)["action"].to_list()


def test_limite_par_adresse_tous_identifiants_confondus(db):
    reg = Connexion(tentatives_par_adresse=3, tentatives_libres=10)
    for nom in ("a", "b"):
        assert connexion.connecter(db, nom, "x", reg, adresse="192.0.2.7", maintenant=T0).attente_s == 0
    assert connexion.connecter(db, "c", "x", reg, adresse="192.0.2.7", maintenant=T0).attente_s == 300
    # l'adresse bloquée l'est pour tous les comptes, même avec le bon mot de passe ...
    assert connexion.connecter(db, "cpe1", MDP, reg, adresse="192.0.2.7", maintenant=T0 + 1).utilisateur is None
    # ... pas les autres adresses
    assert connexion.connecter(db, "cpe1", MDP, reg, adresse="192.0.2.8", maintenant=T0 + 1).utilisateur
    ligne = acces.lire_audit(db, utilisateur="c").filter(pl.col("action") == "verrouillage")["objet"][0]
    assert ligne.startswith("adresse 192.0.2.7 verrouillé(e) 5 min après 3 échecs")


@pytest.mark.parametrize(
    "pair, xff, proxys, attendu",
    [
        # Aucun proxy déclaré : jamais d'adresse, même si l'en-tête en donne une (il peut être inventé).
        (None, "203.0.113.9", (), None),
        ("192.0.2.4", None, (), None),
        # Proxy local déclaré ; Streamlit donne None pour 127.0.0.1 : l'adresse vient de l'en-tête.
        (None, "203.0.113.9", ("127.0.0.1",), "203.0.113.9"),
        # Le client a écrit son propre X-Forwarded-For : le proxy a ajouté la vraie adresse à droite.
        (None, "1.2.3.4, 203.0.113.9", ("127.0.0.1",), "203.0.113.9"),
        # Plusieurs proxys de confiance (réseau déclaré) : la première adresse non fiable depuis la droite.
        ("10.0.0.2", "203.0.113.9, 10.0.0.3", ("10.0.0.0/24",), "203.0.113.9"),
        # Une connexion directe, qui ne passe pas par le proxy : son adresse réelle, l'en-tête est ignoré.
        ("192.0.2.4", "1.2.3.4", ("127.0.0.1",), "192.0.2.4"),
        # Le proxy n'a rien transmis, ou une valeur illisible : pas de compteur commun à toute l'équipe.
        (None, None, ("127.0.0.1",), None),
        (None, "1.2.3.4, inconnu", ("127.0.0.1",), None),
        # Formes d'adresses : IPv6 entre crochets avec port, IPv4 avec port, IPv4 dans IPv6.
        (None, "[2001:db8::1]:443", ("127.0.0.1",), "2001:db8::1"),
        (None, "203.0.113.9:5123", ("127.0.0.1",), "203.0.113.9"),
        ("::ffff:10.0.0.2", "203.0.113.9", ("10.0.0.2",), "203.0.113.9"),
    ],
)
def test_adresse_client_et_proxy_de_confiance(pair, xff, proxys, attendu):
    assert connexion.adresse_client(pair, xff, proxys) == attendu


def test_un_proxy_de_confiance_invalide_est_refuse():
    with pytest.raises(SettingsError, match=r"« connexion.proxys_de_confiance » : « proxy » n'est pas une adresse IP"):
        valider({"connexion": {"proxys_de_confiance": ["proxy"]}})
    with pytest.raises(SettingsError, match="verrou_max_minutes"):
        valider({"connexion": {"verrou_minutes": 60, "verrou_max_minutes": 10}})


def test_session_expiree():
    reg = Connexion(inactivite_minutes=30)
    assert not connexion.session_expiree(T0, reg, maintenant=T0 + 30 * 60)
    assert connexion.session_expiree(T0, reg, maintenant=T0 + 30 * 60 + 1)


# --- Dans le tableau de bord (AppTest) ----------------------------------------------------------------


@pytest.fixture
def app(db, monkeypatch):
    from tests.ecole_dashboard import construire

    ecole = construire(db.with_name("ecole.duckdb"))
    acces.ajouter_compte(ecole, "pp3a", "professeur_principal", MDP, classes=("3A",))
    monkeypatch.setenv("VIGIE_DB", str(ecole))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return ecole


def _se_connecter(mot_de_passe: str, at=None):
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard_pages import APP

    if at is None:
        at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input("pp3a")
    at.text_input[1].input(mot_de_passe)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_page_de_connexion_limitee_et_consignee(app):
    at = None
    for _ in range(5):
        at = _se_connecter("faux", at)
    assert any("bloquée pendant 5 min" in e.value for e in at.error)
    # Une nouvelle session (un autre onglet, un serveur redémarré) trouve le verrou.
    at = _se_connecter(MDP)
    assert any("bloquée" in e.value for e in at.error)
    assert not any(c.value.startswith("Connecté") for c in at.caption)
    actions = acces.lire_audit(app, utilisateur="pp3a")["action"].to_list()
    assert actions.count("echec_connexion") == 5 and actions.count("verrouillage") == 1
    assert "connexion_refusee" in actions


def test_session_inactive_terminee(app):
    at = _se_connecter(MDP)
    assert any(c.value.startswith("Connecté : pp3a") for c in at.caption)
    at.button(key="deconnexion").click().run()  # « Se déconnecter » : consigné, retour à la connexion
    assert [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]
    assert acces.lire_audit(app, utilisateur="pp3a")["action"][0] == "deconnexion"
    at = _se_connecter(MDP, at)
    at.session_state["vigie_activite"] = time.time() - 29 * 60
    at.run()
    assert any(c.value.startswith("Connecté : pp3a") for c in at.caption)  # 29 min : encore là
    at.session_state["vigie_activite"] = time.time() - 31 * 60
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]
    assert any("Session terminée après 30 min sans activité" in w.value for w in at.warning)
    assert not any(c.value.startswith("Connecté") for c in at.caption)
    derniere = acces.lire_audit(app, utilisateur="pp3a").row(0, named=True)
    assert (derniere["action"], derniere["objet"]) == ("fin_de_session", "inactivité (30 min)")


def test_inactivite_reglable(app, tmp_path, monkeypatch):
    reglages = tmp_path / "reglages.toml"
    reglages.write_text("[connexion]\ninactivite_minutes = 2\n", encoding="utf-8")
    monkeypatch.setenv("VIGIE_REGLAGES", str(reglages))
    at = _se_connecter(MDP)
    at.session_state["vigie_activite"] = time.time() - 3 * 60
    at.run()
    assert any("Session terminée après 2 min" in w.value for w in at.warning)


class _IdentiteENT:
    """``st.user`` d'une personne connectée par l'ENT (OpenID Connect), sans fournisseur d'identité."""

    def __init__(self, email: str) -> None:
        self.is_logged_in = True
        self.email = email

    def get(self, cle: str, defaut=None):
        return self.email if cle == "email" else defaut


@pytest.fixture
def ent(app, monkeypatch):
    import streamlit

    from dashboard import auth

    acces.ajouter_compte(app, "mdupont", "professeur_principal", None, classes=("3A",), email="m.dupont@ac-exemple.fr")
    identite = _IdentiteENT("M.Dupont@ac-exemple.fr")
    deconnexions = []

    def logout():
        deconnexions.append(True)
        identite.is_logged_in = False

    monkeypatch.setattr(auth, "_oidc_configure", lambda: True)
    monkeypatch.setattr(streamlit, "user", identite)
    monkeypatch.setattr(streamlit, "logout", logout)
    return deconnexions


def test_connexion_ent_puis_session_inactive_deconnectee_de_l_ent(app, ent):
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard_pages import APP

    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith("Connecté : mdupont (Professeur principal — 3A)") for c in at.caption)
    at.switch_page("ecrans/conseil.py").run()  # le menu des pages de l'utilisateur, pas celui de la connexion
    assert not at.exception and at.title[0].value == "Conseil de classe"
    at.session_state["vigie_activite"] = time.time() - 31 * 60
    at.run()
    # Sans st.logout, le cookie d'identité de l'ENT reconnecterait aussitôt la session expirée.
    assert ent == [True]
    assert any("Session terminée" in w.value for w in at.warning)
    assert [b.label for b in at.button][:1] == ["Se connecter avec l'ENT"]
    actions = acces.lire_audit(app, utilisateur="mdupont")["action"].to_list()
    assert actions[0] == "fin_de_session" and "connexion" in actions
