"""Le tableau de bord dans un vrai navigateur (Playwright + chromium de Debian) : la page du conseil de
classe s'ouvre, le radar se dessine, une capture est gardée sous tests/output/."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import acces
from tests.ecole_dashboard import construire
from tests.outils.navigateur import CHROMIUM, SORTIE, chromium, connecter, serveur

pytestmark = pytest.mark.browser


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)")
def test_conseil_de_classe_dans_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    db = construire(tmp_path / "ecole.duckdb")
    acces.ajouter_compte(db, "direction1", "direction", "un mot de passe solide", nom="Mme Principale")
    with serveur(db) as url, sync_playwright() as p:
        SORTIE.mkdir(exist_ok=True)
        navigateur = chromium(p)
        try:
            page = navigateur.new_page(viewport={"width": 1400, "height": 1100})
            # Des données réelles : la connexion est exigée avant toute page.
            connecter(page, url, "direction1", "un mot de passe solide")
            page.get_by_text("Connecté : Mme Principale").wait_for(timeout=60_000)
            page.get_by_role("link", name="Conseil de classe").click()
            try:
                page.get_by_role("heading", name="Conseil de classe").wait_for(timeout=60_000)
            except Exception:
                SORTIE.mkdir(exist_ok=True)
                page.screenshot(path=str(SORTIE / "echec_navigation.png"), full_page=True)
                raise
            # Le radar : un graphique Vega rendu (canvas) dont le titre est le nom de l'élève.
            page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # fin de l'animation de rendu avant la capture
            capture = SORTIE / "conseil_de_classe.png"
            page.screenshot(path=str(capture), full_page=True)
            assert page.get_by_text("Données fictives").count() == 0
            assert page.locator(".vega-embed").count() >= 2  # radar + tendance
            assert capture.stat().st_size > 10_000
        finally:
            navigateur.close()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)")
def test_conseil_en_projection_a_1280x720(tmp_path: Path) -> None:
    """Le conseil projeté : à 1280×720, seul l'élève discuté est nommé ; aucun autre nom d'élève n'atteint
    le navigateur, ni dans la page (HTML) ni dans les messages du serveur (websocket) reçus après le passage
    en projection. Capture : tests/output/conseil_projection.png."""
    from playwright.sync_api import sync_playwright

    db = construire(tmp_path / "ecole.duckdb")
    acces.ajouter_compte(db, "pp1", "direction", "un mot de passe solide", nom="M. Principal")
    recus: list[bytes] = []
    ecoute = {"active": False}
    with serveur(db) as url, sync_playwright() as p:
        SORTIE.mkdir(exist_ok=True)
        navigateur = chromium(p)
        try:
            page = navigateur.new_page(viewport={"width": 1280, "height": 720})

            def sur_websocket(ws) -> None:  # noqa: ANN001
                def trame(charge) -> None:  # noqa: ANN001
                    if ecoute["active"]:
                        recus.append(charge if isinstance(charge, bytes) else charge.encode())
                ws.on("framereceived", trame)

            page.on("websocket", sur_websocket)
            connecter(page, url, "pp1", "un mot de passe solide")
            page.get_by_role("link", name="Conseil de classe").click(timeout=60_000)
            page.get_by_text("Élève discuté").wait_for(timeout=60_000)
            # LOPEZ Inès est l'élève discuté (choisie hors projection, sur l'écran du PP)
            page.get_by_label("Élève discuté").click()
            try:
                page.get_by_role("option", name="LOPEZ Inès").click()
                page.locator("[data-testid='stMetricValue']").filter(has_text="2 / 4").wait_for(timeout=60_000)
            except Exception:
                page.screenshot(path=str(SORTIE / "echec_projection.png"), full_page=True)
                raise
            page.wait_for_timeout(500)
            page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
            ecoute["active"] = True
            page.get_by_text("Mode projection").click()
            page.get_by_role("button", name="Suivant ▶").wait_for(timeout=60_000)
            page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
            page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # fin du rendu des graphiques avant la capture
            capture = SORTIE / "conseil_projection.png"
            page.screenshot(path=str(capture), full_page=True)
            html = page.content()
            assert "LOPEZ" in html
            tout = b"".join(recus)
            assert recus and b"LOPEZ" in tout
            for nom in ("MOREAU", "PETIT", "HACK", "Théo", "Hugo", "Zoé"):
                assert nom not in html, nom
                assert nom.encode() not in tout, nom
            assert "PAP" not in html and b"PAP" not in tout
            # rien n'est coupé à 1280×720 : les libellés des métriques tiennent en entier
            for libelle in ("Moyenne de la classe", "Moyenne générale", "Demi-journées d'absence"):
                el = page.get_by_text(libelle, exact=True).first
                assert el.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), libelle
            assert capture.stat().st_size > 10_000
        finally:
            navigateur.close()
