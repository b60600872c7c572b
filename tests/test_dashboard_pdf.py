"""Exports PDF du tableau de bord : conseil de classe (synthèse + une page par élève) et attestation."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from dashboard import pdf
from models import conseil
from models.warehouse import lecture
from tests.ecole_dashboard import CLASSE, construire


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory):
    w = lecture(construire(tmp_path_factory.mktemp("pdf") / "ecole.duckdb"))
    yield w
    w.close()


def pages(contenu: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", contenu))


def test_conseil_une_page_par_eleve_plus_synthese(wh, monkeypatch: pytest.MonkeyPatch) -> None:
    dessins = []
    for nom in ("dessiner_radar", "dessiner_tendance"):
        original = getattr(pdf, nom)
        monkeypatch.setattr(pdf, nom, lambda *a, _o=original, _n=nom, **k: (dessins.append(_n), _o(*a, **k))[1])
    contenu = pdf.conseil_pdf(wh, CLASSE, "Trimestre 2", "2025-2026")
    assert contenu.startswith(b"%PDF")
    assert pages(contenu) == 1 + 4
    assert dessins.count("dessiner_radar") == 4 and dessins.count("dessiner_tendance") == 4  # chaque graphique


def test_tableau_conseil_vient_des_modeles(wh) -> None:
    t = conseil.tableau_conseil(wh, CLASSE, "Trimestre 2", "2025-2026")
    moreau = t.filter(pl.col("eleve") == "MOREAU Théo").row(0, named=True)
    # notes à la main : T1 71/5 = 14,2 ; T2 46/5 = 9,2 ; une retenue le 15/01/2026
    assert moreau["moyenne"] == pytest.approx(9.2)
    assert moreau["variation"] == pytest.approx(-5.0)
    assert moreau["sanctions"] == 1
    petit = t.filter(pl.col("eleve") == "PETIT Hugo").row(0, named=True)
    assert petit["absences"] == 6 and petit["retards"] == 1


def test_synthese_nominative_et_projection_en_agregats(wh) -> None:
    t = conseil.tableau_conseil(wh, CLASSE, "Trimestre 2", "2025-2026")
    entetes, lignes = pdf.synthese(t)
    assert [l[0] for l in lignes][:2] == ["=HACK Zoé", "LOPEZ Inès"]
    assert all(len(l) == len(entetes) for l in lignes)
    # en projection : la synthèse seule, sans page par élève (tests/test_conseil.py : aucun nom)
    assert pages(pdf.conseil_pdf(wh, CLASSE, "Trimestre 2", "2025-2026", projection=True)) == 1


def test_attestation(wh) -> None:
    contenu = pdf.attestation_pdf(wh, "111111111AA")
    assert contenu.startswith(b"%PDF") and pages(contenu) == 1


def test_sans_police_dejavu(wh, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf, "POLICE_DEJAVU", tmp_path / "absente.ttf")
    contenu = pdf.attestation_pdf(wh, "111111111AA")
    assert contenu.startswith(b"%PDF")
    assert b"DejaVu" not in contenu


# --- Attestation de compétences (issue 22) ------------------------------------------------------------

import datetime as dt  # noqa: E402
import io  # noqa: E402

from models.records import Etablissement, Lot  # noqa: E402
from models.reglages import charger_reglages  # noqa: E402
from models.warehouse import ecriture  # noqa: E402

MM = 72 / 25.4  # points PDF par millimètre
LONG = ("Comprendre et suivre une consigne orale complexe comportant plusieurs étapes successives sans aide "
        "de l'adulte, en situation de classe ordinaire comme en atelier")


@pytest.fixture(scope="module")
def wh_etab(tmp_path_factory: pytest.TempPathFactory):
    """L'école des tests, avec son établissement déclaré (etablissement.toml : nom et UAI)."""
    dossier = tmp_path_factory.mktemp("attestation")
    db = construire(dossier / "ecole.duckdb")
    (dossier / "etablissement.toml").write_text("x")
    with ecriture(db) as w:
        res = w.importer(Lot(source="etablissement", fichier=dossier / "etablissement.toml", lignes_lues=1,
                             etablissement=Etablissement(uai="0750001A", nom="Lycée professionnel Jean Moulin")))
        assert res.statut == "reussi", res.message
    w = lecture(db)
    yield w
    w.close()


def _texte(contenu: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)


def _attestation_longue() -> pdf.Attestation:
    return pdf.Attestation(
        eleve={"nom": "N'GUYEN-ÉMERY", "prenom": "Zoé Anaïs", "classe": "4e B", "date_naissance": dt.date(2012, 3, 4)},
        annee="2025-2026", etablissements=(("0750001A", "Collège Jean Moulin"),),
        items=pl.DataFrame({
            "referentiel": ["ULIS"] * 4,
            "domaine": ["Autonomie", "Communication orale et écrite dans la vie quotidienne", "Autonomie",
                        "Vie sociale"],
            "item": ["Se repérer dans l'emploi du temps", LONG, "Ranger son matériel",
                     "Respecter les règles de vie collective"],
            "niveau": [1, 2, 3, 4], "date": [dt.date(2026, 1, 5)] * 4}),
        redacteur=("Mme Claire Martin", "coordonnateur_ulis"))


def test_attestation_dit_l_etablissement_l_annee_l_eleve_et_ce_qui_est_acquis(wh_etab) -> None:
    contenu = pdf.attestation_pdf(wh_etab, "111111111AA", redacteur=("Mme Claire Martin", "coordonnateur_ulis"))
    texte = _texte(contenu)
    assert "Lycée professionnel Jean Moulin — UAI 0750001A" in texte
    # la dernière évaluation (01/02/2026) tombe dans l'année 2025-2026 de l'établissement
    assert "Année scolaire 2025-2026" in texte
    assert "Élève : LOPEZ Inès — classe 2 MELEC" in texte
    assert "Mme Claire Martin" in texte and "coordonnatrice ULIS" in texte
    # le dernier niveau (3, le 01/02/2026), en libellé et en toutes lettres ; jamais le code LSU
    assert "3 — Maîtrise satisfaisante" in texte and "Acquis" in texte and "01/02/2026" in texte
    assert "Maîtrise fragile" in texte  # dans la légende seulement : le niveau 2 du 01/11/2025 est dépassé
    assert "CPD_FRA" not in texte and "langue française" in texte
    assert "1 item(s) évalué(s) — Acquis : 1" in texte
    assert "None" not in texte and "nan" not in texte


def test_attestation_sans_etablissement_ni_evaluation(wh) -> None:
    """L'école des tests n'a pas déclaré d'établissement ; MOREAU n'a aucune évaluation : rien d'inventé."""
    texte = _texte(pdf.attestation_pdf(wh, "222222222BB"))
    assert "UAI" not in texte and "Aucune compétence évaluée." in texte


def test_attestation_aucun_texte_ne_deborde_de_sa_colonne() -> None:
    """Chaque ligne de texte du tableau, lue dans le PDF rendu (pdfium : rectangles de texte), tient dans sa
    colonne, marge intérieure comprise ; sa largeur mesurée par fpdf2 (``get_string_width``) aussi ; le
    libellé long passe à la ligne (plusieurs lignes dans la colonne Item)."""
    import pypdfium2 as pdfium

    a = _attestation_longue()
    page = pdfium.PdfDocument(pdf.dessiner_attestation(a))[0]
    textes = page.get_textpage()
    bords = [10.0]
    for _, largeur in pdf.COLONNES_ATTESTATION:
        bords.append(bords[-1] + largeur)
    mesure = pdf._Document("mesure")
    mesure.add_page()
    rects = [(textes.get_text_bounded(*r).strip(), *r) for r in map(textes.get_rect, range(textes.count_rects()))]
    haut_du_tableau = next(h for t, _, _, _, h in rects if t == "Domaine")
    bas_du_tableau = next(h for t, _, _, _, h in rects if t.startswith("Fait le"))
    lignes_item = []
    for texte, g, b, d, h in rects:
        if not bas_du_tableau < h <= haut_du_tableau:  # hors du tableau (en-tête, légende, signatures)
            continue
        g, d = g / MM, d / MM
        colonne = next((k for k in range(len(bords) - 1) if bords[k] <= g < bords[k + 1]), None)
        assert colonne is not None, texte
        assert d <= bords[colonne + 1] - 0.5, f"« {texte} » déborde de la colonne {colonne} ({d:.1f} > {bords[colonne + 1]})"
        # en gras : l'en-tête et la colonne « Acquisition »
        mesure.police(9, gras=colonne == 3 or texte in {t for t, _ in pdf.COLONNES_ATTESTATION})
        assert mesure.get_string_width(texte) <= bords[colonne + 1] - bords[colonne], texte
        if colonne == 1:
            lignes_item.append(texte)
    # le libellé long, retrouvé en entier, sur au moins trois lignes
    debut = next(k for k, t in enumerate(lignes_item) if t.startswith("Comprendre"))
    suite = lignes_item[debut:debut + 6]
    assert " ".join(suite).startswith(LONG[:60]) and len([t for t in suite if t in LONG]) >= 3


def test_attestation_niveaux_aux_couleurs_de_l_etablissement(tmp_path: Path) -> None:
    """Chaque cellule « Niveau atteint » est peinte de la couleur de son niveau (rouge, orange, vert, bleu,
    ``models/reglages.toml``) et porte son libellé ; capture : tests/output/attestation.png."""
    import pypdfium2 as pdfium

    reg = charger_reglages().competences
    page = pdfium.PdfDocument(pdf.dessiner_attestation(_attestation_longue()))[0]
    echelle = 3
    image = page.render(scale=echelle).to_pil().convert("RGB")
    sortie = Path(__file__).parent / "output"
    sortie.mkdir(exist_ok=True)
    image.save(sortie / "attestation.png")
    textes = page.get_textpage()
    hauteur = page.get_height()
    vus = {}
    for i in range(textes.count_rects()):
        g, b, d, h = textes.get_rect(i)
        texte = textes.get_text_bounded(g, b, d, h).strip()
        for n, libelle in reg.libelles.items():
            if texte.startswith(f"{n} — ") and g / MM > 100:  # dans le tableau (pas la légende)
                x, y = (g - 0.6 * MM) * echelle, (hauteur - (b + h) / 2) * echelle  # dans la marge intérieure
                vus[n] = image.getpixel((int(x), int(y)))
    attendu = {n: pdf._rgb(c) for n, c in reg.couleurs.items()}
    assert set(vus) == {1, 2, 3, 4}
    for n, pixel in vus.items():
        assert all(abs(p - q) <= 8 for p, q in zip(pixel, attendu[n])), (n, pixel, attendu[n])
    texte = _texte(pdf.dessiner_attestation(_attestation_longue()))
    for etat in ("Non acquis", "En cours", "Acquis"):
        assert etat in texte


@pytest.mark.parametrize(("nom", "prenom", "attendu"), [
    ("LOPEZ", "Inès", "attestation_LOPEZ_Ines_2025-2026.pdf"),
    ("=HACK", "Zoé", "attestation_HACK_Zoe_2025-2026.pdf"),
    ("N'GUYEN-ÉMERY", "Zoé Anaïs", "attestation_N-GUYEN-EMERY_Zoe-Anais_2025-2026.pdf"),
    ("../../etc", "passwd", "attestation_etc_passwd_2025-2026.pdf"),
])
def test_nom_du_fichier_d_attestation(nom: str, prenom: str, attendu: str) -> None:
    a = pdf.Attestation({"nom": nom, "prenom": prenom}, "2025-2026", (), pl.DataFrame())
    assert pdf.nom_fichier_attestation(a) == attendu


def test_la_page_competences_nomme_le_fichier_d_apres_l_eleve_et_signe_du_nom_connecte(tmp_path, monkeypatch):
    from dashboard import ui
    from models.acces import Utilisateur
    from tests.test_dashboard_pages import ouvrir

    monkeypatch.setenv("VIGIE_DB", str(construire(tmp_path / "ecole.duckdb")))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    exports = []
    original = ui.telecharger
    monkeypatch.setattr(ui, "telecharger", lambda libelle, contenu, **k: (exports.append((contenu, k)),
                                                                          original(libelle, contenu, **k)))
    # (l'école des tests n'a pas d'élève en ULIS : la direction édite l'attestation)
    at = ouvrir("competences", Utilisateur("cmartin", "direction", "Mme Claire Martin"))
    at.selectbox(key="competences_eleve").select("111111111AA").run()
    at.button(key="attestation").click().run()
    assert not at.exception
    assert at.get("download_button")[0].proto.label == "Télécharger l'attestation"
    (contenu, options), = exports
    # fichier nommé d'après l'élève et l'année (jamais son identifiant interne)
    assert options["file_name"] == "attestation_LOPEZ_Ines_2025-2026.pdf"
    assert "Établie par Mme Claire Martin (Direction)" in _texte(contenu)
