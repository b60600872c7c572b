"""Purge d'une année (R511-13), exports CSV neutralisés et pseudonymisés."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from models.errors import VigieError
from models.export import csv_sur, exporter_pseudonymise, neutraliser_cellule
from models.records import Absence, Devoir, Note, RefEleve, Retard, Sanction, StatutAbsence
from models.retention import purger

from .conftest import lot

R = RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A")


def _sanction(jour, nature, disciplinaire=True, exclusion=False):
    return Sanction(eleve=R, date=jour, nature=nature, disciplinaire=disciplinaire, exclusion=exclusion)


@pytest.fixture
def annee_passee(ecole, tmp_path):
    d = Devoir(classe="3A", matiere="FRANCAIS", date=dt.date(2025, 10, 3), titre="Dictée")
    ecole.importer(lot(
        tmp_path, "x", "2025",
        notes=[Note(eleve=R, devoir=d, valeur=14)],
        absences=[Absence(eleve=R, debut=dt.datetime(2025, 10, 6, 8), fin=dt.datetime(2025, 10, 6, 12),
                          statut=StatutAbsence.NON_JUSTIFIEE)],
        retards=[Retard(eleve=R, date=dt.datetime(2025, 10, 7, 8, 10), minutes=10)],
        sanctions=[
            _sanction(dt.date(2025, 11, 2), "Retenue", disciplinaire=False),
            _sanction(dt.date(2025, 11, 3), "Avertissement"),
            _sanction(dt.date(2026, 1, 5), "Blâme"),
            _sanction(dt.date(2026, 5, 4), "Exclusion temporaire de l'établissement", exclusion=True),
            _sanction(dt.date(2025, 12, 1), "Exclusion temporaire de la classe", exclusion=True),
            _sanction(dt.date(2026, 2, 1), "Exclusion définitive", exclusion=True),
        ],
    ))
    return ecole


def test_purge_refusee_avant_la_fin_de_l_annee(annee_passee):
    with pytest.raises(VigieError, match="pas terminée"):
        purger(annee_passee, "2025-2026", aujourdhui=dt.date(2026, 6, 1))


def test_purge_selon_r511_13(annee_passee):
    r = purger(annee_passee, "2025-2026", aujourdhui=dt.date(2026, 12, 15))
    restantes = sorted(annee_passee.sql("SELECT nature FROM sanctions")["nature"])
    # L'exclusion temporaire de mai 2026 n'a pas un an au 15/12/2026 ; l'exclusion définitive reste.
    assert restantes == ["Exclusion définitive", "Exclusion temporaire de l'établissement"]
    assert annee_passee.valeur("SELECT count(*) FROM absences") == 0
    assert annee_passee.valeur("SELECT count(*) FROM retards") == 0
    assert annee_passee.valeur("SELECT count(*) FROM notes") == 0
    assert r.supprimees["t_sanctions"] == 4 and "Année 2025-2026 purgée" in r.resume()
    purger(annee_passee, "2025-2026", aujourdhui=dt.date(2027, 6, 1))
    assert sorted(annee_passee.sql("SELECT nature FROM sanctions")["nature"]) == ["Exclusion définitive"]


def test_annee_invalide(wh):
    with pytest.raises(VigieError, match="invalide"):
        purger(wh, "2025-2027")


def test_neutralisation_des_formules():
    assert neutraliser_cellule("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert neutraliser_cellule("@SOMME") == "'@SOMME" and neutraliser_cellule("Jean") == "Jean"
    df = pl.DataFrame({"nom": ["=1+1", "+33", "-2", "Léa"], "note": [1.5, 2.0, 3.0, 4.0]})
    assert csv_sur(df).splitlines() == ["nom;note", "'=1+1;1.5", "'+33;2.0", "'-2;3.0", "Léa;4.0"]


def test_export_pseudonymise(annee_passee, tmp_path):
    fichiers = exporter_pseudonymise(annee_passee, tmp_path / "export")
    tout = "".join(f.read_text(encoding="utf-8-sig") for f in fichiers)
    assert "DUPONT" not in tout and "Jean-Marie" not in tout
    eleve_id = annee_passee.valeur("SELECT eleve_id FROM eleves WHERE nom = 'DUPONT'")
    assert eleve_id not in tout
    notes = pl.read_csv(tmp_path / "export" / "notes.csv", separator=";")
    assert notes["valeur"].to_list() == [14.0] and len(notes["eleve_id"][0]) == 16
