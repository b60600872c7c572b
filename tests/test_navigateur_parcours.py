"""Chaque page, pour chaque rôle, dans un vrai navigateur, sur l'école de démonstration (issue 22).

L'école est celle de ``make demo`` (``vigie demo`` : ``sample_data`` écrit aux formats réels, importé par les
vrais connecteurs), construite une fois par session de tests dans un dossier temporaire, puis servie avec
connexion et un compte par rôle (``tests.outils.navigateur``). Le parcours ouvre chaque page, chaque
onglet, chaque liste déroulante et à choix multiples, chaque dépliant, le dépôt de fichier et le menu de
l'application, et échoue sur tout texte qu'une personne ne doit pas lire : ``None``, ``nan``, ``null``,
``−0,00``, un code interne, l'anglais de Streamlit, une trace Python ou un encadré d'erreur. Une capture de
chaque page pour chaque rôle est gardée dans ``tests/output/parcours_<rôle>_<page>.png``."""

from __future__ import annotations

import os
import re

import pytest

from tests.outils.navigateur import (
    CHROMIUM, MOT_DE_PASSE, SORTIE, chromium, comptes_par_role, connecter, ecole_demo, serveur,
)

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent de /usr/bin/chromium (apt install chromium)"),
]
#: Textes interdits, en mots entiers : valeurs vides, codes internes, anglais de Streamlit, erreurs.
INTERDITS = [r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"\bnull\b", r"[−-]0,00\b", r"\breussi\b", r"\brejete\b",
             r"\bnon_rendu\b", r"\bgeneral\b", r"\bnon_justifiee\b", r"\ben_attente\b", r"\bCPD_[A-Z]{3}\b",
             r"\bpronote-[a-z]+\b", r"Drag and drop", r"Browse files", r"per file", r"Select all", r"No results",
             r"Choose an option", r"Choose options", r"\bFullscreen\b", r"\bSearch\b", r"Download as CSV",
             r"\bDeploy\b", r"\bRerun\b", r"\bSettings\b", r"\bPrint\b", r"Record a screencast", r"Clear cache",
             r"Ask Google", r"Ask ChatGPT", r"This app has encountered an error", r"Traceback", r"Error:",
             r"Exception", r"\bFile \""]


@pytest.fixture(scope="module")
def serveur_demo(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("parcours_demo")
    db = ecole_demo(dossier)
    comptes_fichier = str(dossier / "utilisateurs.json")
    ancien = os.environ.get("VIGIE_COMPTES")
    os.environ["VIGIE_COMPTES"] = comptes_fichier
    try:
        comptes = comptes_par_role(db)
        with serveur(db, env={"VIGIE_COMPTES": comptes_fichier}) as url:
            yield url, comptes
    finally:
        if ancien is None:
            os.environ.pop("VIGIE_COMPTES", None)
        else:
            os.environ["VIGIE_COMPTES"] = ancien


def _fautes(page) -> list[str]:  # noqa: ANN001
    texte = page.locator("body").inner_text()
    fautes = [f"{m} ({re.search(m, texte).group(0)!r})" for m in INTERDITS if re.search(m, texte)]
    if page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
        fautes.append("encadré d'erreur : " + page.locator(
            '[data-testid="stException"], [data-testid="stAlertContentError"]').first.inner_text()[:200])
    return fautes


def _attendre_rendu(page) -> None:  # noqa: ANN001
    """Le script a fini (``stApp`` n'est plus « running ») et plus rien n'est périmé à l'écran."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
                   return app && app.getAttribute('data-test-script-state') !== 'running'
                          && !document.querySelector('[data-stale="true"]'); }""",
        timeout=120_000, polling=100)
    page.wait_for_timeout(300)


def _ouvrir_tout(page) -> list[str]:  # noqa: ANN001
    """Ouvre les listes, les dépliants et le dépôt de fichier de la page affichée ; ce qu'on y a lu de faux."""
    fautes: list[str] = []
    for selecteur in ('[data-testid="stSelectbox"]', '[data-testid="stMultiSelect"]'):
        boites = page.locator(selecteur)
        for k in range(boites.count()):
            if boites.nth(k).is_visible():
                boites.nth(k).click()
                page.wait_for_timeout(300)
                fautes += _fautes(page)  # les options de la liste ouverte sont dans la page
                page.keyboard.press("Escape")
    depliants = page.locator('[data-testid="stExpander"] summary')
    for k in range(depliants.count()):
        if depliants.nth(k).is_visible():
            depliants.nth(k).click()
            page.wait_for_timeout(300)
    if depliants.count():
        fautes += _fautes(page)
    depots = page.locator('[data-testid="stFileUploaderDropzone"] button')
    for k in range(depots.count()):
        if depots.nth(k).is_visible():
            with page.expect_file_chooser(timeout=10_000):  # la fenêtre de choix s'ouvre ; on n'y dépose rien
                depots.nth(k).click()
            fautes += _fautes(page)
    # Le menu de l'application (« ⋮ ») : coupé par client.toolbarMode = "minimal" ; s'il revenait, on le lit.
    menu = page.locator('[data-testid="stMainMenu"]')
    if menu.count() and menu.first.is_visible():
        menu.first.click()
        page.wait_for_timeout(300)
        fautes.append("menu de l'application affiché")
        fautes += _fautes(page)
        page.keyboard.press("Escape")
    # La barre d'outils d'un tableau (au survol) : masquée, rien d'anglais ne doit apparaître.
    tableaux = page.locator('[data-testid="stDataFrame"]')
    if tableaux.count() and tableaux.first.is_visible():
        tableaux.first.hover()
        page.wait_for_timeout(300)
        if page.locator('[data-testid="stElementToolbar"]:visible').count():
            fautes.append("barre d'outils anglaise d'un tableau")
    return fautes


def _attestation(page) -> list[str]:  # noqa: ANN001
    """La coordination ULIS télécharge l'attestation de l'élève affiché : un PDF nommé d'après l'élève et
    l'année (gardé sous tests/output/attestation_demo.pdf)."""
    page.get_by_role("tab", name="Par élève").click()
    _attendre_rendu(page)
    page.get_by_role("button", name="Préparer l'attestation de compétences (PDF)").click()
    _attendre_rendu(page)
    with page.expect_download(timeout=60_000) as telechargement:
        page.get_by_role("button", name="Télécharger l'attestation").click()
    nom = telechargement.value.suggested_filename
    telechargement.value.save_as(str(SORTIE / "attestation_demo.pdf"))
    if not re.fullmatch(r"attestation_[A-Za-z-]+_[A-Za-z-]+_\d{4}-\d{4}\.pdf", nom):
        return [f"attestation mal nommée : {nom}"]
    if not (SORTIE / "attestation_demo.pdf").read_bytes().startswith(b"%PDF"):
        return ["attestation : pas un PDF"]
    return _fautes(page)


def _capturer(page, chemin) -> None:  # noqa: ANN001
    """La page entière : Streamlit fait défiler son cadre principal, pas la fenêtre (``full_page`` n'en
    verrait que le haut) ; la fenêtre est agrandie à la hauteur du contenu le temps de la capture."""
    hauteur = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
                                       return m ? m.scrollHeight : document.body.scrollHeight; }""")
    page.set_viewport_size({"width": 1280, "height": max(720, min(int(hauteur) + 40, 12_000))})
    _attendre_rendu(page)
    page.screenshot(path=str(chemin))
    page.set_viewport_size({"width": 1280, "height": 720})


@pytest.mark.parametrize("role", ["direction", "professeur_principal", "enseignant", "cpe", "coordonnateur_ulis"])
def test_chaque_page_de_chaque_role_sur_l_ecole_de_demonstration(serveur_demo, role: str) -> None:
    from playwright.sync_api import sync_playwright

    url, comptes = serveur_demo
    identifiant, _ = comptes[role]
    SORTIE.mkdir(exist_ok=True)
    constats: dict[str, list[str]] = {}
    with sync_playwright() as p:
        b = chromium(p)
        try:
            page = b.new_page(viewport={"width": 1280, "height": 720})
            connecter(page, url, identifiant, MOT_DE_PASSE)
            page.get_by_text("Connecté : Compte ").wait_for(timeout=120_000)
            liens = page.locator('[data-testid="stSidebarNav"] a')
            # Le texte d'un lien commence par le nom de son icône (« home ») : la dernière ligne est le titre.
            noms = [liens.nth(i).inner_text().strip().splitlines()[-1] for i in range(liens.count())]
            assert noms, "aucune page dans la navigation"
            for i, nom in enumerate(noms):
                page.locator('[data-testid="stSidebarNav"] a').nth(i).click()
                _attendre_rendu(page)
                fautes = _fautes(page)
                onglets = page.get_by_role("tab")
                if onglets.count():
                    for k in range(onglets.count()):
                        onglets.nth(k).click()
                        _attendre_rendu(page)
                        fautes += _fautes(page) + _ouvrir_tout(page)
                else:
                    fautes += _ouvrir_tout(page)
                if nom == "Compétences" and role == "coordonnateur_ulis":
                    fautes += _attestation(page)
                nom_fichier = re.sub(r"\W+", "_", nom).strip("_").lower()
                _capturer(page, SORTIE / f"parcours_{role}_{nom_fichier}.png")
                if fautes:
                    constats[nom] = sorted(set(fautes))
        finally:
            b.close()
    assert not constats, "\n".join(f"{page} : {fautes}" for page, fautes in constats.items())
