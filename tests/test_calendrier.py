"""Le calendrier scolaire (models/calendrier.py) et ce qu'il change aux taux ; l'indicateur de la DEPP sur
un mois construit à la main."""

from __future__ import annotations

import datetime as dt

import pytest

from models.absences import indicateur_depp, taux
from models.calendrier import jours_feries, jours_sans_classe, vacances_zone
from models.records import Absence, RefEleve, StatutAbsence
from models.reglages import Reglages, valider

from .conftest import ELEVES, PERIODES, lot

D = dt.date


def test_vacances_des_zones_a_b_c() -> None:
    # Calendrier officiel 2025-2026 : vacances d'hiver décalées d'une semaine d'une zone à l'autre
    # (zone A du 7 au 23 février 2026, B du 14 février au 2 mars, C du 21 février au 9 mars ; reprise le
    # lundi, dernier jour de vacances le dimanche).
    hiver = {z: vacances_zone(z, D(2026, 2, 1), D(2026, 3, 15)) for z in "ABC"}
    assert (min(hiver["A"]), max(hiver["A"])) == (D(2026, 2, 7), D(2026, 2, 22))
    assert (min(hiver["B"]), max(hiver["B"])) == (D(2026, 2, 14), D(2026, 3, 1))
    assert (min(hiver["C"]), max(hiver["C"])) == (D(2026, 2, 21), D(2026, 3, 8))
    assert set(hiver["A"].values()) == {"Vacances d'hiver"}
    # La Toussaint est commune aux trois zones.
    assert all(D(2025, 10, 20) in vacances_zone(z, D(2025, 10, 1), D(2025, 11, 30)) for z in "ABC")


def test_jours_feries_metropole_et_subdivisions() -> None:
    metropole = jours_feries("metropole", D(2025, 9, 1), D(2026, 7, 4))
    assert metropole[D(2025, 11, 11)] == "Armistice" and metropole[D(2026, 5, 14)] == "Ascension"
    assert D(2025, 12, 26) not in metropole
    moselle = jours_feries("57", D(2025, 12, 1), D(2026, 4, 30))
    assert moselle[D(2025, 12, 26)] == "Saint-Étienne" and moselle[D(2026, 4, 3)] == "Vendredi saint"
    assert D(2025, 12, 20) in jours_feries("974", D(2025, 12, 1), D(2025, 12, 31))  # La Réunion : 20 décembre
    assert jours_feries("", D(2025, 9, 1), D(2026, 7, 4)) == {}


def _reglages(**calendrier) -> Reglages:
    return valider({"calendrier": calendrier})


def test_dates_propres_et_pfmp() -> None:
    r = _reglages(zone="", jours_feries="", vacances=[{"du": D(2025, 10, 25), "au": D(2025, 10, 27),
                                                       "libelle": "Toussaint (Corse)"}],
                  pfmp=[{"classe": "2 MELEC", "du": D(2025, 11, 3), "au": D(2025, 11, 4), "libelle": "PFMP 1"}])
    j = jours_sans_classe(D(2025, 9, 1), D(2025, 11, 30), r)
    assert j.rows() == [(None, D(2025, 10, 25), "Toussaint (Corse)"), (None, D(2025, 10, 26), "Toussaint (Corse)"),
                        (None, D(2025, 10, 27), "Toussaint (Corse)"), ("2 MELEC", D(2025, 11, 3), "PFMP 1"),
                        ("2 MELEC", D(2025, 11, 4), "PFMP 1")]


def test_reglages_refuses() -> None:
    from models.errors import SettingsError

    with pytest.raises(SettingsError, match="zone"):
        _reglages(zone="D")
    with pytest.raises(SettingsError, match="classe"):
        _reglages(pfmp=[{"du": D(2025, 11, 3), "au": D(2025, 11, 4)}])
    with pytest.raises(SettingsError, match="précède"):
        _reglages(vacances=[{"du": D(2025, 11, 3), "au": D(2025, 11, 1)}])


def _absence(nom: str, prenom: str, classe: str, jour: D, statut=StatutAbsence.NON_JUSTIFIEE) -> Absence:
    return Absence(eleve=RefEleve(nom=nom, prenom=prenom, classe=classe), debut=dt.datetime.combine(jour, dt.time(8)),
                   fin=dt.datetime.combine(jour, dt.time(17)), statut=statut)


def test_taux_sans_les_jours_sans_classe(ecole, tmp_path) -> None:
    # Novembre 2025 : 20 jours ouvrés. Jours fériés de métropole : le 11 (mardi) ; zone A : vacances jusqu'au
    # dimanche 2 novembre (rien de plus en semaine) ; PFMP de la 2 MELEC du lundi 17 au vendredi 21.
    ecole.importer(lot(tmp_path, "x", "abs", absences=[
        _absence("MARTIN", "Lucas", "2 MELEC", D(2025, 11, 14)),
        _absence("MARTIN", "Lucas", "2 MELEC", D(2025, 11, 18)),  # pendant la PFMP : pas un jour de classe
        _absence("DUPONT", "Jean-Marie", "3A", D(2025, 11, 11)),  # jour férié : pas un jour de classe
        _absence("DUPONT", "Jean-Marie", "3A", D(2025, 11, 13)),
    ]))
    sans = taux(ecole, par="classe", granularite="mois", reglages=_reglages(jours_feries="")).filter(
        mois=D(2025, 11, 1))
    assert sans.filter(classe="3A")["demi_journees_classe"][0] == pytest.approx(20 * 9 / 5)
    assert sans.filter(classe="3A")["demi_journees_manquees"][0] == 4
    # Réglages livrés : jours fériés de métropole, sans zone.
    defaut = taux(ecole, par="classe", granularite="mois").filter(mois=D(2025, 11, 1), classe="3A")
    assert defaut["demi_journees_classe"][0] == pytest.approx(19 * 9 / 5)
    r = _reglages(zone="A", jours_feries="metropole",
                  pfmp=[{"classe": "2 MELEC", "du": D(2025, 11, 17), "au": D(2025, 11, 21)}])
    avec = taux(ecole, par="classe", granularite="mois", reglages=r).filter(mois=D(2025, 11, 1))
    t3a = avec.filter(classe="3A").row(0, named=True)
    assert t3a["demi_journees_classe"] == pytest.approx(19 * 9 / 5)
    assert t3a["demi_journees_manquees"] == 2  # le 13 seulement (matin et après-midi)
    assert t3a["taux"] == pytest.approx(2 / (3 * 19 * 1.8))
    melec = avec.filter(classe="2 MELEC").row(0, named=True)
    assert melec["demi_journees_classe"] == pytest.approx(14 * 9 / 5)
    assert melec["demi_journees_manquees"] == 2 and melec["taux"] == pytest.approx(2 / (1 * 14 * 1.8))
    # Par niveau : la capacité est la somme sur les classes (3A : 3 élèves, 3B : 1 élève, 19 jours chacun).
    niveau = taux(ecole, par="niveau", granularite="mois", reglages=r).filter(mois=D(2025, 11, 1), niveau="3e")
    assert niveau["taux"][0] == pytest.approx(2 / (4 * 19 * 1.8))
    # Août (hors périodes) n'apparaît pas ; un mois entier de vacances non plus quand la zone les retire.
    assert D(2025, 8, 1) not in avec["mois"].to_list()


def test_indicateur_depp_sur_un_mois_construit_a_la_main(ecole, tmp_path) -> None:
    # Octobre 2025, 3A (3 élèves) : DUPONT 4 demi-journées non justifiées (2 jours) → compté ;
    # LEFÈVRE 3 non justifiées + 2 en attente → pas compté (seuil 4 sur les non justifiées) ; N'DIAYE rien.
    # 3B (1 élève) : MARTIN 6 → compté. 2 MELEC : MARTIN (sorti le 15/10) rien.
    eleves = [e.model_copy(update={"sortie": D(2025, 10, 15)}) if e.classe == "2 MELEC" else e for e in ELEVES]
    ecole.importer(lot(tmp_path, "pronote-eleves", "sortie", effectif=True, eleves=eleves, periodes=PERIODES))
    abs_ = [_absence("DUPONT", "Jean-Marie", "3A", D(2025, 10, j)) for j in (6, 7)]
    abs_ += [_absence("LEFÈVRE", "Chloé Anne", "3A", D(2025, 10, 8)),
             Absence(eleve=RefEleve(nom="LEFÈVRE", prenom="Chloé Anne", classe="3A"),
                     debut=dt.datetime(2025, 10, 9, 8), fin=dt.datetime(2025, 10, 9, 11),
                     statut=StatutAbsence.NON_JUSTIFIEE),
             _absence("LEFÈVRE", "Chloé Anne", "3A", D(2025, 10, 10), StatutAbsence.EN_ATTENTE)]
    abs_ += [_absence("MARTIN", "Lucas", "3B", D(2025, 10, j)) for j in (13, 14, 15)]
    ecole.importer(lot(tmp_path, "x", "depp", absences=abs_))
    classe = indicateur_depp(ecole, par="classe").filter(mois=D(2025, 10, 1))
    assert {r["classe"]: (r["nb_eleves"], r["nb_eleves_seuil"]) for r in classe.iter_rows(named=True)} == {
        "3A": (3, 1), "3B": (1, 1), "2 MELEC": (1, 0)}
    assert classe.filter(classe="3A")["part"][0] == pytest.approx(1 / 3)
    niveau = indicateur_depp(ecole, par="niveau").filter(mois=D(2025, 10, 1), niveau="3e").row(0, named=True)
    assert (niveau["nb_eleves"], niveau["nb_eleves_seuil"], niveau["part"]) == (4, 2, 0.5)
    etab = indicateur_depp(ecole, par="etablissement")
    # Septembre à mai seulement ; la 2 MELEC n'a plus d'élève inscrit à partir de novembre.
    assert sorted({m.month for m in etab["mois"]}) == [1, 2, 3, 4, 5, 9, 10, 11, 12]
    assert etab.filter(mois=D(2025, 11, 1))["nb_eleves"][0] == 4
    assert etab.filter(mois=D(2025, 10, 1))["part"][0] == pytest.approx(2 / 5)


def test_taux_de_periode_des_alertes_sans_les_jours_sans_classe(ecole, tmp_path) -> None:
    from models.absences import taux_periode_eleves

    # T1 : 65 jours ouvrés. Sans calendrier : 65 × 9/5 pour toutes les classes. Avec les fériés (le 11/11) et
    # une PFMP de deux semaines pour la 2 MELEC (10 jours ouvrés), l'absence du 18/11 n'y compte pas.
    ecole.importer(lot(tmp_path, "x", "pfmp", absences=[_absence("MARTIN", "Lucas", "2 MELEC", D(2025, 11, 18))]))
    brut = taux_periode_eleves(ecole, au=D(2026, 7, 1), reglages=_reglages(jours_feries="")).filter(
        periode="Trimestre 1")
    assert set(brut["demi_journees_classe"]) == {65 * 1.8}
    r = _reglages(pfmp=[{"classe": "2 MELEC", "du": D(2025, 11, 10), "au": D(2025, 11, 21)}])
    t = taux_periode_eleves(ecole, au=D(2026, 7, 1), reglages=r).filter(periode="Trimestre 1")
    par_classe = dict(zip(t["classe"], t["demi_journees_classe"]))
    assert par_classe["3A"] == pytest.approx(64 * 1.8) and par_classe["2 MELEC"] == pytest.approx(55 * 1.8)
    assert t.filter(classe="2 MELEC")["brutes"].to_list() == [0]
    assert brut.filter(classe="2 MELEC")["brutes"].to_list() == [2]
