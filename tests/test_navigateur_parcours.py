"""Chaque page, pour chaque rôle, dans un vrai navigateur (issue 22) : Playwright + chromium de Debian sur
l'école des tests (``tests.ecole_dashboard``). Le parcours ouvre les listes déroulantes, les listes à
choix multiples, le menu et chaque onglet, et échoue sur tout texte qu'une personne ne doit pas lire :
``None``, ``nan``, ``null``, ``−0,00``, un code interne, l'anglais de Streamlit, une trace Python ou un
encadré d'erreur. Une capture de chaque page pour chaque rôle est gardée dans ``tests/output/``."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from models import acces
from tests.ecole_dashboard import CLASSE, construire
from tests.test_navigateur import CHROMIUM, RACINE, SORTIE, _attendre, _port_libre

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)"),
]
MDP = "un mot de passe solide"
COMPTES = {
    "direction": ("direction1", {}),
    "professeur_principal": ("pp1", {"classes": (CLASSE,)}),
    "cpe": ("cpe1", {}),
    "coordonnateur_ulis": ("ulis1", {}),
}
#: Textes interdits, en mots entiers : valeurs vides, codes internes, anglais de Streamlit, erreurs.
INTERDITS = [r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"\bnull\b", r"[−-]0,00\b", r"\breussi\b", r"\brejete\b",
             r"\bnon_rendu\b", r"\bgeneral\b", r"\bnon_justifiee\b", r"\ben_attente\b", r"\bCPD_FRA\b",
             r"Drag and drop", r"Browse files", r"per file", r"Select all", r"No results", r"Choose an option",
             r"Traceback", r"Error:", r"Exception"]


@pytest.fixture(scope="module")
def serveur(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("parcours")
    db = construire(dossier / "ecole.duckdb")
    env = {k: v for k, v in os.environ.items() if k != "VIGIE_DEMO"}
    env.update(VIGIE_DB=str(db), VIGIE_COMPTES=str(dossier / "utilisateurs.json"))
    os.environ["VIGIE_COMPTES"] = env["VIGIE_COMPTES"]
    for role, (identifiant, options) in COMPTES.items():
        acces.ajouter_compte(db, identifiant, role, MDP, nom=f"Compte {identifiant}", **options)
    port = _port_libre()
    processus = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(RACINE / "dashboard" / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=RACINE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _attendre(url, processus)
        yield url
    finally:
        os.environ.pop("VIGIE_COMPTES", None)
        processus.terminate()
        processus.wait(timeout=15)


def _fautes(page) -> list[str]:
    texte = page.locator("body").inner_text()
    fautes = [m for m in INTERDITS if re.search(m, texte)]
    if page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
        fautes.append("encadré d'erreur")
    return fautes


def _attendre_rendu(page) -> None:
    page.wait_for_timeout(600)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
    page.wait_for_timeout(400)


@pytest.mark.parametrize("role", list(COMPTES))
def test_chaque_page_de_chaque_role(serveur, role: str) -> None:
    from playwright.sync_api import sync_playwright

    identifiant, _ = COMPTES[role]
    SORTIE.mkdir(exist_ok=True)
    constats: dict[str, list[str]] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        try:
            page = b.new_page(viewport={"width": 1280, "height": 720})
            page.goto(serveur, wait_until="domcontentloaded")
            page.get_by_label("Identifiant").fill(identifiant, timeout=60_000)
            page.get_by_label("Mot de passe").fill(MDP)
            page.get_by_role("button", name="Se connecter").click()
            page.get_by_text(f"Connecté : Compte {identifiant}").wait_for(timeout=60_000)
            liens = page.locator('[data-testid="stSidebarNav"] a')
            # Le texte d'un lien commence par le nom de son icône (« home ») : la dernière ligne est le titre.
            noms = [liens.nth(i).inner_text().strip().splitlines()[-1] for i in range(liens.count())]
            assert noms, "aucune page dans la navigation"
            for i, nom in enumerate(noms):
                page.locator('[data-testid="stSidebarNav"] a').nth(i).click()
                _attendre_rendu(page)
                fautes = _fautes(page)
                # Les onglets, un par un.
                onglets = page.get_by_role("tab")
                for k in range(onglets.count()):
                    onglets.nth(k).click()
                    _attendre_rendu(page)
                    fautes += _fautes(page)
                # Listes déroulantes et à choix multiples : ouvertes, leur contenu lu, refermées.
                for selecteur in ('[data-testid="stSelectbox"]', '[data-testid="stMultiSelect"]'):
                    boites = page.locator(selecteur)
                    for k in range(boites.count()):
                        if boites.nth(k).is_visible():
                            boites.nth(k).click()
                            page.wait_for_timeout(300)
                            fautes += _fautes(page)
                            page.keyboard.press("Escape")
                # Le menu de l'application (« ⋮ »).
                menu = page.locator('[data-testid="stMainMenu"]')
                if menu.count():
                    menu.first.click()
                    page.wait_for_timeout(300)
                    fautes += _fautes(page)
                    page.keyboard.press("Escape")
                nom_fichier = re.sub(r"\W+", "_", nom).strip("_").lower()
                page.screenshot(path=str(SORTIE / f"parcours_{role}_{nom_fichier}.png"), full_page=True)
                if fautes:
                    constats[nom] = sorted(set(fautes))
        finally:
            b.close()
    assert constats == {}
