"""Servi à l'équipe, dans un vrai navigateur : ``vigie serve`` tel qu'un proxy l'appelle.

- l'adresse d'un essai de connexion vient de ``X-Forwarded-For`` seulement si le proxy est déclaré de
  confiance (le navigateur joue ici le proxy local en posant l'en-tête lui-même) ;
- les tableaux n'ont pas de bouton « Télécharger en CSV » (option ``client.disableDataExport``) ;
- une session inactive revient à la connexion sans aucun clic.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl
import pytest

from models import acces
from tests.ecole_dashboard import construire
from tests.outils.navigateur import CHROMIUM, SORTIE, chromium, connecter, serveur as servir

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)"),
]
MDP = "un mot de passe solide"


@pytest.fixture(scope="module")
def serveur(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("equipe")
    db = construire(dossier / "ecole.duckdb")
    reglages = dossier / "reglages.toml"
    reglages.write_text("", encoding="utf-8")
    env = {"VIGIE_REGLAGES": str(reglages), "VIGIE_COMPTES": str(dossier / "utilisateurs.json")}
    os.environ["VIGIE_COMPTES"] = env["VIGIE_COMPTES"]
    acces.ajouter_compte(db, "direction1", "direction", MDP, nom="Mme Principale")
    # ``vigie serve`` tel qu'on le lance (sa configuration .streamlit/ du dépôt comprise)
    commande = [sys.executable, "-m", "vigie_cli", "serve", "--db", str(db), "--port", "{port}"]
    try:
        with servir(None, commande=commande, env=env, hote="localhost") as url:
            yield url, db, reglages
    finally:
        os.environ.pop("VIGIE_COMPTES", None)


@pytest.fixture(scope="module")
def navigateur():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = chromium(p)
        yield b
        b.close()


def _essayer(navigateur, url: str, identifiant: str, mot_de_passe: str, en_tete: str | None = None):
    contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000},
                                      extra_http_headers={"X-Forwarded-For": en_tete} if en_tete else {})
    page = contexte.new_page()
    connecter(page, url, identifiant, mot_de_passe)
    return page


def _echecs(db: Path, identifiant: str) -> list[str]:
    df = acces.lire_audit(db, utilisateur=identifiant)
    return df.filter(pl.col("action") == "echec_connexion")["objet"].to_list()


def test_l_adresse_du_proxy_n_est_crue_que_s_il_est_declare(serveur, navigateur):
    url, db, reglages = serveur
    # Aucun proxy déclaré : l'en-tête (ici forgé) est ignoré, pas d'adresse au journal.
    page = _essayer(navigateur, url, "inconnu1", "faux", en_tete="198.51.100.7")
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for(timeout=60_000)
    assert _echecs(db, "inconnu1") == ["mot de passe incorrect ou identifiant inconnu"]
    page.context.close()
    # Le proxy local déclaré de confiance : l'adresse qu'il transmet est comptée et consignée.
    reglages.write_text('[connexion]\nproxys_de_confiance = ["127.0.0.1", "::1"]\n', encoding="utf-8")
    page = _essayer(navigateur, url, "inconnu2", "faux", en_tete="1.2.3.4, 198.51.100.7")
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for(timeout=60_000)
    assert _echecs(db, "inconnu2") == ["mot de passe incorrect ou identifiant inconnu — adresse 198.51.100.7"]
    page.context.close()
    reglages.write_text("", encoding="utf-8")


def test_tableau_sans_telechargement_integre_et_session_qui_expire(serveur, navigateur):
    url, db, reglages = serveur
    reglages.write_text("[connexion]\ninactivite_minutes = 0.25\n", encoding="utf-8")  # 15 s
    try:
        page = _essayer(navigateur, url, "direction1", MDP)
        page.get_by_text("Connecté : Mme Principale").wait_for(timeout=60_000)
        page.get_by_role("link", name="Imports", exact=True).click()
        tableau = page.locator('[data-testid="stDataFrame"]').first
        tableau.wait_for(timeout=60_000)
        tableau.hover()
        page.wait_for_timeout(500)
        SORTIE.mkdir(exist_ok=True)
        page.screenshot(path=str(SORTIE / "tableau_sans_telechargement.png"))
        # Ni « Download as CSV » (client.disableDataExport), ni « Search » / « Fullscreen » en anglais : la
        # barre d'outils des tableaux est masquée (dashboard/ui.py, STYLE_FRANCAIS).
        assert page.locator('[data-testid="stElementToolbar"]:visible').count() == 0
        boutons = [b.get_attribute("aria-label") or "" for b in tableau.locator("button:visible").all()]
        assert not any("download" in b.lower() or "csv" in b.lower() for b in boutons), boutons
        # Aucun clic : après 15 s d'inactivité, le fragment de surveillance ramène à la connexion.
        page.get_by_text("Session terminée après 0,25 min sans activité").wait_for(timeout=45_000)
        assert page.get_by_text("Connecté : Mme Principale").count() == 0
        assert page.get_by_role("link", name="Conseil de classe").count() == 0  # plus de menu des pages
        page.screenshot(path=str(SORTIE / "session_expiree.png"))
        actions = acces.lire_audit(db, utilisateur="direction1")["action"].to_list()
        assert actions[0] == "fin_de_session"
    finally:
        reglages.write_text("", encoding="utf-8")


def test_l_adresse_d_une_page_mene_a_la_connexion_puis_a_la_page(serveur, navigateur):
    """Un favori ou un rechargement sur /classe sans session : le formulaire de connexion, sans le
    « Page not found » anglais de Streamlit (trouvé en essai : la fenêtre masquait le formulaire) ; une fois
    connecté, la page demandée s'ouvre."""
    url, db, reglages = serveur
    contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000})
    page = contexte.new_page()
    try:
        connecter(page, f"{url}/classe", "direction1", MDP)
        page.get_by_text("Connecté : Mme Principale").wait_for(timeout=60_000)
        page.get_by_role("heading", name="Classe", exact=False).first.wait_for(timeout=60_000)
        assert "/classe" in page.url
        texte = page.inner_text("body")
        assert "Page not found" not in texte and "does not seem to exist" not in texte
        SORTIE.mkdir(exist_ok=True)
        page.screenshot(path=str(SORTIE / "adresse_directe_classe.png"))
    finally:
        contexte.close()
