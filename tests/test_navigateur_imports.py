"""La page Imports dans un vrai navigateur (chromium de Debian) : plusieurs fichiers déposés d'un coup dans le
dépôt de fichier (textes en français, pas l'anglais de Streamlit), leur sorte reconnue, un résultat par
fichier, un refus jamais « Terminé » ni dit avec une option de ligne de commande. Capture gardée dans
``tests/output/imports_plusieurs_fichiers.png``."""

from __future__ import annotations

import os
import re
import sys

import pytest

from models import acces
from tests.conftest import FIXTURES
from tests.ecole_dashboard import construire
from tests.outils.navigateur import CHROMIUM, SORTIE, chromium, connecter, serveur as servir

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)"),
]
MDP = "un mot de passe solide"
#: L'anglais du dépôt de fichier de Streamlit (masqué par ``ui.STYLE_FRANCAIS``).
ANGLAIS = re.compile(r"Drag and drop|Browse files|per file|Limit \d|Showing page|Upload|Add files|add icon|Remove|\dKB|\d\.\dB\b")


@pytest.fixture(scope="module")
def serveur(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("imports")
    db = construire(dossier / "ecole.duckdb")
    env = {"VIGIE_COMPTES": str(dossier / "utilisateurs.json")}
    os.environ["VIGIE_COMPTES"] = env["VIGIE_COMPTES"]
    acces.ajouter_compte(db, "direction1", "direction", MDP, nom="Mme Principale")
    commande = [sys.executable, "-m", "vigie_cli", "serve", "--db", str(db), "--port", "{port}"]
    try:
        with servir(None, commande=commande, env=env, hote="localhost") as url:
            yield url, dossier
    finally:
        os.environ.pop("VIGIE_COMPTES", None)


def test_plusieurs_fichiers_dans_le_navigateur(serveur) -> None:
    from playwright.sync_api import sync_playwright

    url, dossier = serveur
    eleves = (FIXTURES / "pronote" / "eleves_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    faux = dossier / "eleves-faux.csv"
    faux.write_text("\n".join([*eleves[:2], eleves[2].replace("01/06/2011", "31/13/2011"), *eleves[3:]]),
                    encoding="utf-8")
    inconnu = dossier / "export.csv"
    inconnu.write_text("Colonne A;Colonne B\n1;2\n", encoding="utf-8")
    fichiers = [FIXTURES / "pronote" / "eleves_bom.csv", faux, FIXTURES / "pix" / "collecte_profils.csv", inconnu]
    SORTIE.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = chromium(p)
        try:
            page = b.new_page(viewport={"width": 1280, "height": 720})
            page.set_default_timeout(90_000)  # machine partagée : un rendu peut prendre du temps
            connecter(page, url, "direction1", MDP)
            page.get_by_text("Connecté : Mme Principale").wait_for(timeout=60_000)
            page.get_by_role("link", name="Imports", exact=True).click()
            depot = page.locator('[data-testid="stFileUploader"]').first
            depot.wait_for(timeout=60_000)
            assert "Glissez-déposez" in page.evaluate(
                "() => getComputedStyle(document.querySelector('[data-testid=\"stFileUploaderDropzoneInstructions\"]'),"
                " '::after').content")
            depot.locator('input[type="file"]').set_input_files([str(f) for f in fichiers])
            page.get_by_text("Sorte non reconnue").wait_for(timeout=60_000)
            deposes = page.locator("body").inner_text()
            assert not ANGLAIS.search(deposes), ANGLAIS.findall(deposes)
            page.get_by_text("Reconnu : Pix Orga").wait_for(timeout=60_000)
            page.screenshot(path=str(SORTIE / "imports_depot.png"), full_page=True)
            # la sorte du fichier non reconnu est demandée : choisie ici (son connecteur le refusera)
            choix = page.locator('[data-testid="stSelectbox"]').filter(has_text="Sorte de « export.csv »")
            choix.scroll_into_view_if_needed()
            choix.locator("input").click()
            page.keyboard.type("élèves et classes")
            page.wait_for_timeout(500)
            page.screenshot(path=str(SORTIE / "imports_choix_sorte.png"), full_page=True)
            page.keyboard.press("Enter")
            page.wait_for_timeout(800)
            page.get_by_role("button", name="Importer", exact=True).click()
            page.get_by_text("4 fichiers : 1 importé(s), 3 refusé(s).").wait_for(timeout=120_000)
            texte = page.locator("body").inner_text()
            page.screenshot(path=str(SORTIE / "imports_plusieurs_fichiers.png"), full_page=True)
        finally:
            b.close()
    assert texte.count("refusé, rien n'a été modifié.") == 3 and "importé —" in texte
    assert "Terminé" not in texte and not re.search(r"--[a-z]", texte)
    assert "Ignorer les lignes d'élèves inconnus" in texte  # l'indication de l'entrepôt, dite pour la page
    assert not ANGLAIS.search(texte), ANGLAIS.findall(texte)
