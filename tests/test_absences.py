"""Les absences en demi-journées : brutes, calculées, statuts séparés, taux par classe et niveau."""

from __future__ import annotations

import datetime as dt

import pytest

from models.absences import creneaux, demi_journees, mois_non_justifies, taux
from models.records import Absence, RefEleve, Retard, StatutAbsence

from .conftest import lot

JEAN = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
NJ, ATT, J = StatutAbsence.NON_JUSTIFIEE, StatutAbsence.EN_ATTENTE, StatutAbsence.JUSTIFIEE


def T(j, m, h, mi=0, a=2025):
    return dt.datetime(a, m, j, h, mi)


@pytest.fixture
def absences(ecole, tmp_path):
    res = ecole.importer(lot(tmp_path, "pronote-absences", "a", absences=[
        # lundi 6/10 8 h → mercredi 8/10 17 h : lun ×2, mar ×2, mer matin (pas de cours le mercredi après-midi) = 5
        Absence(eleve=JEAN, debut=T(6, 10, 8), fin=T(8, 10, 17), statut=NJ),
        # jeudi 9/10 : deux absences le même matin → 1 demi-journée, non justifiée l'emporte sur en attente
        Absence(eleve=JEAN, debut=T(9, 10, 8), fin=T(9, 10, 9), statut=ATT),
        Absence(eleve=JEAN, debut=T(9, 10, 10), fin=T(9, 10, 11), statut=NJ),
        # vendredi 31/10 après-midi → lundi 3/11 matin : 1 en octobre, 1 en novembre ; Pronote dit 1 calculée
        Absence(eleve=JEAN, debut=T(31, 10, 14), fin=T(3, 11, 12), statut=J, demi_journees_calculees=1.0),
    ], retards=[Retard(eleve=JEAN, date=T(9, 10, 8, 10), minutes=10)]))
    assert res.statut == "reussi", res.message
    return ecole


def test_demi_journees_brutes_calculees_et_statuts(absences):
    df = demi_journees(absences, par="eleve", classe="3A").filter(nom="DUPONT").row(0, named=True)
    assert (df["brutes"], df["non_justifiees"], df["en_attente"], df["justifiees"]) == (8, 6, 0, 2)
    # calculées : 5 + 1 (deux absences d'une heure, plafonnées à 1) + 1 (Pronote) = 7
    assert df["calculees"] == pytest.approx(7) and df["retards"] == 1
    assert demi_journees(absences, par="eleve").height == 5  # élèves sans absence compris


def test_repartition_par_mois_semaine_periode(absences):
    mois = demi_journees(absences, par="mois").filter(nom="DUPONT")
    assert dict(zip(mois["mois"], mois["brutes"])) == {dt.date(2025, 10, 1): 7, dt.date(2025, 11, 1): 1}
    sem = demi_journees(absences, par="semaine").filter(nom="DUPONT")
    assert dict(zip(sem["semaine"], sem["brutes"])) == {dt.date(2025, 10, 6): 6, dt.date(2025, 10, 27): 1,
                                                        dt.date(2025, 11, 3): 1}
    per = demi_journees(absences, par="periode").filter(nom="DUPONT")
    assert per["brutes"].to_list() == [8, 0, 0]


def test_mercredi_apres_midi_compte_a_partir_de_10_demi_journees(absences):
    from models.reglages import valider
    r = valider({"absences": {"demi_journees_par_semaine": 10}})
    assert demi_journees(absences, par="eleve", reglages=r).filter(nom="DUPONT")["brutes"][0] == 9
    assert creneaux(absences).height == 8


def test_taux_par_classe_et_par_niveau(absences):
    # octobre 2025 : 23 jours ouvrés × 9/5 = 41,4 demi-journées ; 3A = 3 élèves ; 7 manquées
    t = taux(absences, par="classe", granularite="mois").filter(classe="3A", mois=dt.date(2025, 10, 1)).row(0, named=True)
    assert t["demi_journees_classe"] == pytest.approx(41.4) and t["demi_journees_manquees"] == 7
    assert t["taux"] == pytest.approx(7 / (3 * 41.4)) and t["non_justifiees"] == 6
    n = taux(absences, par="niveau", granularite="mois").filter(niveau="3e", mois=dt.date(2025, 10, 1)).row(0, named=True)
    assert n["nb_eleves"] == 4 and n["taux"] == pytest.approx(7 / (4 * 41.4))
    # saisonnalité : tous les mois de l'année, sans absence compris
    assert taux(absences, par="classe", granularite="mois").filter(classe="3B").height == 11


def test_mois_non_justifies(absences):
    df = mois_non_justifies(absences, 4)
    assert df.height == 1 and df["non_justifiees"][0] == 6
    assert df["jours"][0].to_list() == [dt.date(2025, 10, d) for d in (6, 7, 8, 9)]
    assert mois_non_justifies(absences, 7).height == 0
