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
