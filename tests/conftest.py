"""Fixtures partagées : un entrepôt neuf en mémoire, une petite école construite en code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from models.records import Classe, Eleve, Lot, Periode
from models.warehouse import Warehouse

FIXTURES = Path(__file__).parent / "fixtures"


def ecrire_pronote(tmp_path: Path, nom: str, lignes: list[str], encodage: str = "utf-8-sig") -> Path:
    """Un export écrit comme Pronote : lignes séparées par CRLF, BOM UTF-8 (ou l'encodage donné)."""
    f = tmp_path / nom
    f.write_bytes(("\r\n".join(lignes) + "\r\n").encode(encodage))
    return f


def situe(err: Any, fichier: str, ligne: int, colonne: str) -> None:
    """Le refus nomme le fichier, la ligne et la colonne, dans ses attributs et dans son message."""
    assert (err.fichier, err.ligne, err.colonne) == (fichier, ligne, colonne)
    assert f"fichier « {fichier} », ligne {ligne}, colonne « {colonne} »" in str(err)


@pytest.fixture
def wh() -> Warehouse:
    w = Warehouse()
    yield w
    w.close()


def lot(tmp_path: Path, source: str = "test", contenu: str = "x", **champs: Any) -> Lot:
    """Un lot fabriqué en code ; le fichier n'existe que pour son empreinte SHA-256."""
    f = tmp_path / f"{source}-{abs(hash(contenu))}.txt"
    f.write_text(contenu)
    return Lot(source=source, fichier=f, **champs)


PERIODES = [
    Periode(nom="Trimestre 1", annee="2025-2026", debut=dt.date(2025, 9, 1), fin=dt.date(2025, 11, 30)),
    Periode(nom="Trimestre 2", annee="2025-2026", debut=dt.date(2025, 12, 1), fin=dt.date(2026, 3, 8)),
    Periode(nom="Trimestre 3", annee="2025-2026", debut=dt.date(2026, 3, 9), fin=dt.date(2026, 7, 4)),
]

ELEVES = [
    Eleve(nom="DUPONT", prenom="Jean-Marie", classe="3A", date_naissance=dt.date(2011, 3, 4)),
    Eleve(nom="LEFÈVRE", prenom="Chloé Anne", classe="3A", date_naissance=dt.date(2011, 6, 1)),
    Eleve(nom="N'DIAYE", prenom="Aïssa", classe="3A", date_naissance=dt.date(2011, 1, 20),
          accompagnement=frozenset({"PAP"})),
    Eleve(nom="MARTIN", prenom="Lucas", classe="3B", date_naissance=dt.date(2011, 9, 9)),
    Eleve(nom="MARTIN", prenom="Lucas", classe="2 MELEC", date_naissance=dt.date(2009, 2, 2),
          accompagnement=frozenset({"ULIS", "PPS"})),
]


@pytest.fixture
def ecole(wh: Warehouse, tmp_path: Path) -> Warehouse:
    """Un entrepôt avec une petite école : 5 élèves dans 3 classes, 3 trimestres."""
    res = wh.importer(
        lot(
            tmp_path,
            "pronote-eleves",
            "effectif",
            effectif=True,
            annee="2025-2026",
            eleves=ELEVES,
            periodes=PERIODES,
            classes=[
                Classe(nom="3A", niveau="3e"),
                Classe(nom="3B", niveau="3e"),
                Classe(nom="2 MELEC", niveau="2nde", voie="professionnel"),
            ],
        )
    )
    assert res.statut == "reussi", res.message
    return wh


@pytest.fixture(autouse=True)
def _erreur_de_page_jamais_silencieuse(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Une page qui plante n'affiche plus de trace mais un message français (``dashboard/erreurs.py``) :
    un AppTest ne la verrait plus dans ``at.exception``. Toute erreur de page consignée pendant un test le
    fait donc échouer, trace comprise — sauf s'il l'attend (marque ``erreur_de_page``)."""
    import traceback

    from dashboard import erreurs

    vues: list[BaseException] = []
    original = erreurs.consigner

    def consigner(err, *args, **kwargs):  # noqa: ANN001, ANN202
        vues.append(err)
        return original(err, *args, **kwargs)

    monkeypatch.setattr(erreurs, "consigner", consigner)
    yield
    if vues and request.node.get_closest_marker("erreur_de_page") is None:
        pytest.fail("erreur sur une page pendant le test :\n" + "".join(traceback.format_exception(vues[0])))
