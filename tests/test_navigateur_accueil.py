"""L'accueil de chaque rôle et la recherche d'élève dans un vrai navigateur (issue 22) : Playwright + chromium
de Debian sur l'école de ``tests/ecole_accueils.py``. Ce que seul un navigateur montre : le sens des
flèches des écarts (la couleur que Streamlit choisit d'après le premier caractère), le clic sur un résultat
de recherche qui ouvre la fiche, aucun texte interdit. Une capture de l'accueil de chaque rôle est gardée
dans ``tests/output/``."""

from __future__ import annotations

import os
import re

import pytest

from models import acces
from tests.ecole_accueils import construire
from tests.outils.navigateur import CHROMIUM, SORTIE, chromium, connecter, serveur as servir
from tests.test_navigateur_parcours import INTERDITS

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)"),
]
MDP = "un mot de passe solide"
COMPTES = {
    "direction": ("dir1", {}),
    "professeur_principal": ("pp1", {"classes": ("3B",)}),
    "enseignant": ("ens1", {"classes": ("3B", "5A")}),
    "cpe": ("cpe1", {}),
    "coordonnateur_ulis": ("ulis1", {}),
}
#: Un texte propre à l'accueil de chaque rôle (tests/ecole_accueils.py), hors tableaux (dessinés dans un
#: canevas : leur texte n'est pas dans la page ; les AppTests les vérifient).
ATTENDUS = {
    "direction": ["L'établissement", "Alertes par niveau", "Alertes par classe"],
    "professeur_principal": ["Votre classe : 3B", "Qui a bougé depuis Trimestre 1", "ARNAUD Paul", "CARON Éloïse",
                             "s'est terminée le 08/03/2026"],
    "enseignant": ["Vos classes", "3B · 6 élèves", "12,08"],
    "cpe": ["Vie scolaire — janvier 2026", "Persistance : 10 ou plus", "Seuil légal : 4 à 9",
            "Justificatifs en attente"],
    "coordonnateur_ulis": ["Dispositif ULIS — 2 élève(s)", "Évaluations récentes"],
}


@pytest.fixture(scope="module")
def serveur(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("accueils-navigateur")
    db = construire(dossier / "ecole.duckdb")
    env = {"VIGIE_COMPTES": str(dossier / "utilisateurs.json")}
    os.environ["VIGIE_COMPTES"] = env["VIGIE_COMPTES"]
    for role, (identifiant, options) in COMPTES.items():
        acces.ajouter_compte(db, identifiant, role, MDP, nom=f"Compte {identifiant}", **options)
    try:
        with servir(db, env=env) as url:
            yield url
    finally:
        os.environ.pop("VIGIE_COMPTES", None)


@pytest.fixture(scope="module")
def navigateur():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = chromium(p)
        try:
            yield b
        finally:
            b.close()


def _rendu(page) -> None:
    page.wait_for_timeout(600)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=120_000)
    page.wait_for_timeout(400)


def _connecter(navigateur, serveur: str, role: str):
    identifiant, _ = COMPTES[role]
    page = navigateur.new_page(viewport={"width": 1280, "height": 1400})
    connecter(page, serveur, identifiant, MDP)
    page.get_by_text(f"Connecté : Compte {identifiant}").wait_for(timeout=120_000)
    _rendu(page)
    return page


@pytest.mark.parametrize("role", list(COMPTES))
def test_accueil_de_chaque_role(serveur, navigateur, role: str) -> None:
    page = _connecter(navigateur, serveur, role)
    try:
        page.get_by_text(ATTENDUS[role][0], exact=True).wait_for(timeout=120_000)
        _rendu(page)
        SORTIE.mkdir(exist_ok=True)
        page.screenshot(path=str(SORTIE / f"accueil_{role}.png"), full_page=True)
        texte = page.locator("body").inner_text()
        assert [a for a in ATTENDUS[role] if a not in texte] == []
        assert [m for m in INTERDITS if re.search(m, texte)] == []
        assert page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() == 0
        if role == "professeur_principal":
            # Les flèches suivent le sens de l'écart : vers le haut pour ARNAUD (+4), vers le bas pour CARON.
            hausse = page.locator('[data-testid="stMetric"]', has_text="ARNAUD Paul")
            baisse = page.locator('[data-testid="stMetric"]', has_text="CARON Éloïse")
            assert hausse.locator('[data-testid="stMetricDeltaIcon-Up"]').count() == 1
            assert baisse.locator('[data-testid="stMetricDeltaIcon-Down"]').count() == 1
    finally:
        page.close()


def test_recherche_ouvre_la_fiche(serveur, navigateur) -> None:
    page = _connecter(navigateur, serveur, "cpe")
    try:
        champ = page.get_by_role("textbox", name="Rechercher un élève")
        champ.fill("ETIENNE")
        champ.press("Enter")
        _rendu(page)
        page.get_by_role("button", name="ÉTIENNE Jules — 3B").click()
        page.get_by_role("heading", name="ÉTIENNE Jules — 3B").wait_for(timeout=120_000)
        _rendu(page)
        SORTIE.mkdir(exist_ok=True)
        page.screenshot(path=str(SORTIE / "recherche_fiche_cpe.png"))
        assert champ.input_value() == ""
    finally:
        page.close()
