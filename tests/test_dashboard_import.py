"""L'import d'un fichier déposé (dashboard.data.importer_fichier, appelé par la page Imports) : connecteur, écriture atomique, progression,
erreurs situées (fichier, ligne, colonne)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import data
from models.errors import ImportRejected
from models.warehouse import lecture
from tests.conftest import FIXTURES
from tests.test_dashboard_pages import metriques, ouvrir

ELEVES = FIXTURES / "pronote" / "eleves_bom.csv"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    chemin = tmp_path / "vigie.duckdb"
    monkeypatch.setenv("VIGIE_DB", str(chemin))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return chemin


def test_import_reussi_avec_progression(db: Path) -> None:
    etapes: list[float] = []
    res = data.importer_fichier("pronote-eleves", "eleves.csv", ELEVES.read_bytes(),
                                progression=lambda _etape, part: etapes.append(part))
    assert res.statut == "reussi", res.message
    assert etapes[0] == 0.0 and etapes[-1] == pytest.approx(1.0)
    assert etapes == sorted(etapes)
    with lecture(db) as wh:
        n = wh.valeur("SELECT count(*) FROM eleves")
        journal = wh.journal()
    assert n == res.par_table["t_eleves"][0] == 5  # cinq élèves dans le fichier
    assert journal["fichier"][0] == "eleves.csv"  # le nom déposé, pas le fichier temporaire
    at = ouvrir("accueil")
    assert metriques(at)["Élèves"] == str(n)


def test_fichier_invalide_refuse_avec_ligne(db: Path) -> None:
    lignes = ELEVES.read_text(encoding="utf-8-sig").splitlines()
    lignes[2] = lignes[2].replace("01/06/2011", "31/13/2011")
    res = data.importer_fichier("pronote-eleves", "eleves-faux.csv", "\n".join(lignes).encode())
    assert res.statut == "rejete" and isinstance(res.erreur, ImportRejected)
    message = str(res.erreur)
    assert "eleves-faux.csv" in message and "ligne 3" in message
    with lecture(db) as wh:
        assert wh.valeur("SELECT count(*) FROM eleves") == 0
        # consigné comme par « vigie import » (issue 14 : le tableau de bord ne laissait aucune ligne)
        assert wh.journal().select("fichier", "statut").rows() == [("eleves-faux.csv", "rejete")]


def test_remarques_d_un_import_dans_le_journal_de_la_page(db: Path) -> None:
    """Un import qui n'a pas tout gardé tel quel : ses remarques, situées, sous le journal de la page."""
    res = data.importer_fichier("pronote-eleves", "eleves.csv", ELEVES.read_bytes(), options={"annee": "2025-2026"})
    assert res.statut == "reussi" and not res.anomalies  # l'année dite, rien à remarquer
    pix = FIXTURES / "pix" / "collecte_profils.csv"  # O"Neil : « Certifiable » du fichier gardé, remarqué
    res = data.importer_fichier("pix", "pix.csv", pix.read_bytes(), ignorer_inconnus=True)
    assert res.statut == "reussi" and res.anomalies
    at = ouvrir("imports")
    journal = next(d.value for d in at.dataframe if "Lues" in d.value.columns)
    assert journal["Remarques"].iloc[0] == len(res.anomalies)
    remarques = next(d.value for d in at.dataframe if "Remarque" in d.value.columns)
    assert set(remarques["Fichier"]) == {"pix.csv"} and "Certifiable (O/N)" in set(remarques["Colonne"])
