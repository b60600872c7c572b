"""dashboard/data.py : pendant une exécution de page, les lectures qui manquent le cache partagent une
connexion, fermée à la fin ; un import pendant l'exécution est lu (jamais l'ancienne instance DuckDB)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import streamlit as st

from dashboard import data
from models.warehouse import Warehouse, ecriture


def compter_meta(wh: Warehouse) -> int:
    return int(wh.valeur("SELECT count(*) FROM t_meta"))


def compter_meta_bis(wh: Warehouse) -> int:
    return int(wh.valeur("SELECT count(*) FROM t_meta"))


def echouer(wh: Warehouse) -> None:
    wh.valeur("SELECT * FROM table_absente")


@pytest.fixture
def entrepot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "vigie.duckdb"
    with ecriture(db):
        pass
    monkeypatch.setenv("VIGIE_DB", str(db))
    st.cache_data.clear()
    yield db
    st.cache_data.clear()


@pytest.fixture
def ouvertures(monkeypatch: pytest.MonkeyPatch) -> list[Warehouse]:
    ouvertes: list[Warehouse] = []
    vraie = data.lecture

    def compter(*a, **k):  # noqa: ANN002, ANN003, ANN202
        wh = vraie(*a, **k)
        ouvertes.append(wh)
        return wh

    monkeypatch.setattr(data, "lecture", compter)
    return ouvertes


def _fermee(wh: Warehouse) -> bool:
    try:
        wh.con.execute("SELECT 1")
    except duckdb.ConnectionException:
        return True
    return False


def test_une_connexion_par_execution_de_page(entrepot: Path, ouvertures: list[Warehouse]) -> None:
    with data.connexion_de_page():
        n = data.appel(compter_meta)
        assert data.appel(compter_meta_bis) == n
        assert len(ouvertures) == 1 and not _fermee(ouvertures[0])
    assert _fermee(ouvertures[0])  # rien ne survit à l'exécution


def test_hors_page_chaque_appel_ouvre_et_ferme(entrepot: Path, ouvertures: list[Warehouse]) -> None:
    data.appel(compter_meta)
    data.appel(compter_meta_bis)
    assert len(ouvertures) == 2 and all(_fermee(wh) for wh in ouvertures)


def test_import_pendant_l_execution_lu_par_une_nouvelle_connexion(entrepot: Path, ouvertures: list[Warehouse]) -> None:
    with data.connexion_de_page():
        avant = data.appel(compter_meta)
        with ecriture(entrepot) as wh:  # un import remplace le fichier : la version change
            wh.con.execute("INSERT INTO t_meta VALUES ('essai', '1')")
        # Même chemin : DuckDB rendrait l'instance encore ouverte sur l'ancien fichier ; elle est fermée avant.
        assert data.appel(compter_meta_bis) == avant + 1
        assert len(ouvertures) == 2 and _fermee(ouvertures[0])


def test_une_lecture_en_echec_ferme_la_connexion_partagee(entrepot: Path, ouvertures: list[Warehouse]) -> None:
    with data.connexion_de_page():
        with pytest.raises(duckdb.CatalogException):
            data.appel(echouer)
        assert _fermee(ouvertures[0])
        data.appel(compter_meta)
        assert len(ouvertures) == 2 and not _fermee(ouvertures[1])
    assert _fermee(ouvertures[1])
