"""Panne et concurrence, avec de vrais processus : l'entrepôt n'est jamais à moitié écrit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.warehouse import lecture

RACINE = Path(__file__).parent.parent
pytestmark = pytest.mark.slow


def _lancer(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.outils.gros_import", *args],
        cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _etat(db: Path) -> tuple[dict[str, str], int]:
    with lecture(db) as wh:
        return wh.empreintes(), wh.valeur("SELECT count(*) FROM imports")


def test_import_tue_par_sigkill_laisse_l_etat_d_avant(tmp_path):
    db = tmp_path / "v.duckdb"
    p = _lancer(str(db), "300", "10", "1")  # liste + un premier lot de notes, complets
    assert p.wait(timeout=300) == 0, p.stderr.read()
    # Un gros import, tué au milieu de son écriture : ses devoirs sont écrits dans la transaction, ses
    # notes pas encore (le sous-processus s'y arrête et l'annonce). Sa liste d'élèves, importée avant
    # « pret », fait partie de l'état d'avant.
    p = _lancer(str(db), "3000", "12", "3", "--pause")
    assert p.stdout.readline().strip() == "pret"
    avant = _etat(db)
    assert p.stdout.readline().strip() == "ecriture"
    assert next(tmp_path.glob(".v.duckdb.*.ecriture"), None) is not None  # la copie de travail existe
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    assert _etat(db) == avant
    # Le fichier abandonné ne gêne pas l'import suivant, qui réussit.
    p = _lancer(str(db), "300", "14", "1")
    assert p.wait(timeout=300) == 0, p.stderr.read()
    with lecture(db) as wh:
        assert set(wh.sql("SELECT DISTINCT valeur FROM notes")["valeur"]) == {14.0}


def test_le_tableau_de_bord_lit_pendant_des_imports_en_boucle(tmp_path):
    db = tmp_path / "v.duckdb"
    p = _lancer(str(db), "400", "10", "12")  # 12 imports qui réécrivent toutes les notes : 10, 11, 10, 11…
    assert p.stdout.readline().strip() == "pret"
    lectures, vues = 0, set()
    limite = time.monotonic() + 300
    while p.poll() is None and time.monotonic() < limite:
        with lecture(db) as wh:  # connexion courte en lecture seule, comme une page
            valeurs = wh.sql("SELECT valeur, count(*) AS n FROM notes GROUP BY valeur")
        lectures += 1
        # Jamais un mélange des deux imports : une seule valeur, sur toutes les notes.
        assert valeurs.height <= 1, valeurs
        if valeurs.height:
            assert valeurs["n"][0] == 4000
            vues.add(valeurs["valeur"][0])
    assert p.wait(timeout=60) == 0, p.stderr.read()
    assert lectures > 5 and vues and vues <= {10.0, 11.0}
    with lecture(db) as wh:
        assert wh.valeur("SELECT count(*) FROM imports WHERE statut = 'reussi'") == 13
