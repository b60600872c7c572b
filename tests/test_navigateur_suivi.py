"""Le suivi dans un vrai navigateur : une CPE se connecte, ouvre la fiche d'un élève (qui s'ouvre sur les
absences), consigne une étape de la procédure d'absentéisme et la voit aussitôt dans la chronologie ;
l'entrée est dans la base de suivi et au journal. Capture sous tests/output/suivi_etape.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import acces, suivi
from models.warehouse import lecture
from tests.ecole_dashboard import construire
from tests.outils.navigateur import CHROMIUM, SORTIE, chromium, connecter, serveur

pytestmark = pytest.mark.browser


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)")
def test_une_cpe_consigne_une_etape_depuis_la_fiche(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    db = construire(tmp_path / "ecole.duckdb")
    acces.ajouter_compte(db, "cpe1", "cpe", "un mot de passe solide", nom="Mme Vie-Scolaire")
    with serveur(db) as url, sync_playwright() as p:
        SORTIE.mkdir(exist_ok=True)
        navigateur = chromium(p)
        try:
            page = navigateur.new_page(viewport={"width": 1400, "height": 1400})
            connecter(page, url, "cpe1", "un mot de passe solide")
            page.get_by_text("Connecté : Mme Vie-Scolaire").wait_for(timeout=60_000)
            page.get_by_role("link", name="Élève").click()
            try:
                onglets = page.get_by_role("tab")
                onglets.first.wait_for(timeout=60_000)
                # La fiche s'ouvre sur un onglet que la CPE peut voir : les absences, pas les notes.
                assert onglets.first.inner_text().strip() == "Absences"
                assert page.get_by_text("Aucune note").count() == 0
                page.get_by_role("tab", name="Suivi").click()
                page.get_by_text("Chronologie du suivi").wait_for(timeout=30_000)
                page.get_by_label("Commentaire (lisible par la famille : restez factuel)").fill(
                    "Père joint par téléphone ; justificatifs promis.")
                page.get_by_role("button", name="Enregistrer").click()
                page.get_by_text("Entrée n° 1 enregistrée : Contact avec la famille.").wait_for(timeout=60_000)
                # La chronologie relit aussitôt la base de suivi.
                # (la grille est dessinée sur un canevas : ses cellules sont dans le DOM, cachées, pour l'accessibilité)
                page.get_by_text("Procédure d'absentéisme : Contact avec la famille").first.wait_for(
                    state="attached", timeout=30_000)
            except Exception:
                page.screenshot(path=str(SORTIE / "echec_suivi.png"), full_page=True)
                raise
            # Le commentaire est vidé : un second clic n'enregistrerait pas la même entrée deux fois.
            assert page.get_by_label("Commentaire (lisible par la famille : restez factuel)").input_value() == ""
            page.wait_for_timeout(800)
            capture = SORTIE / "suivi_etape.png"
            page.screenshot(path=str(capture), full_page=True)
            assert capture.stat().st_size > 10_000
        finally:
            navigateur.close()
    cpe = acces.Utilisateur("cpe1", "cpe")
    with lecture(db, utilisateur=cpe) as wh:
        e = suivi.entrees(db, wh, cpe)
    assert e.select("code", "auteur", "commentaire").rows() == [
        ("contact_famille", "cpe1", "Père joint par téléphone ; justificatifs promis.")]
    assert "suivi" in acces.lire_audit(db)["action"].to_list()
