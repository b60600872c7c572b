"""Connecteur « pronote-punitions » : punitions scolaires et sanctions disciplinaires (R511-13)."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors import pronote_punitions
from connectors.pronote_punitions import qualifier
from models.errors import ImportRejected
from models.records import RefEleve, Sanction
from sample_data.ecrire_pronote_suivi import ecrire_punitions

from .conftest import FIXTURES
from .conftest import ecrire_pronote as _ecrire
from .conftest import situe as _situe

DOSSIER = FIXTURES / "pronote_suivi"


def test_liste_cp1252_et_qualification_des_natures():
    lot = pronote_punitions.lire(DOSSIER / "punitions_cp1252.csv")
    assert lot.source == "pronote-punitions" and lot.lignes_lues == 7
    vu = [
        (s.eleve.nom_complet, s.eleve.ligne, s.date, s.nature, s.motif, s.exclusion, s.disciplinaire, s.donnee_par)
        for s in lot.sanctions
    ]
    d = dt.date
    assert vu == [
        ("DUPONT Jean-Marie", 2, d(2025, 9, 18), "Retenue", "Travail non fait", False, False, "M. MARTIN"),
        # exclusion ponctuelle d'un cours : une punition, pas une sanction
        ("DUPONT Jean-Marie", 3, d(2025, 9, 25), "Exclusion de cours", 'Insolence "répétée"', True, False,
         "Mme DURAND"),
        ("LEFÈVRE Chloé Anne", 4, d(2025, 10, 2), "Devoir supplémentaire", "Oubli de matériel", False, False,
         "M. MARTIN"),
        ("N'DIAYE Aïssa", 5, d(2025, 10, 3), "Avertissement", "Comportement", False, True, "M. le Principal"),
        ("DUPONT Jean-Marie", 6, d(2025, 10, 9), "Exclusion temporaire de l'établissement", "Violence", True,
         True, "M. le Principal"),
        ("LEFÈVRE Chloé Anne", 7, d(2025, 10, 10), "Blâme", "Dégradation", False, True, "M. le Principal"),
        ("N'DIAYE Aïssa", 8, d(2025, 10, 13), "Mesure de responsabilisation", "Dégradation", False, True,
         "M. le Principal"),
    ]


@pytest.mark.parametrize(
    ("nature", "exclusion", "disciplinaire"),
    [
        ("RETENUE", False, False),
        ("Exclusion temporaire de la classe", True, True),
        ("Exclusion temporaire de l'établissement (3 jours)", True, True),  # la durée suit la nature
        ("Exclusion temporaire de l'établissement avec sursis", False, True),  # sursis : l'élève reste
        ("Exclusion définitive de l'établissement", True, True),
        ("Exclusion temporaire de la demi-pension", True, True),
        ("Exclusion ponctuelle de cours", True, False),
        ("Travail d'intérêt scolaire", False, False),
        ("Confiscation du téléphone", False, False),  # nature propre à l'établissement : punition
    ],
)
def test_qualifier(nature, exclusion, disciplinaire):
    assert qualifier(nature) == (exclusion, disciplinaire)


def test_nature_vide_refusee_avec_ligne_et_colonne(tmp_path):
    f = _ecrire(
        tmp_path,
        "p.csv",
        ["Élève;Classe;Date;Nature;Motif;Donnée par", '"DUPONT Jean-Marie";"3A";18/09/2025;"";"Bavardage";""'],
    )
    with pytest.raises(ImportRejected) as e:
        pronote_punitions.lire(f)
    _situe(e.value, "p.csv", 2, "Nature")


def test_date_illisible_refusee_avec_ligne_et_colonne(tmp_path):
    f = _ecrire(
        tmp_path,
        "p.csv",
        ["Élève;Classe;Date;Nature", '"DUPONT Jean-Marie";"3A";"hier";"Retenue"'],
    )
    with pytest.raises(ImportRejected) as e:
        pronote_punitions.lire(f)
    _situe(e.value, "p.csv", 2, "Date")


def test_colonne_nature_manquante(tmp_path):
    f = _ecrire(tmp_path, "p.csv", ["Élève;Classe;Date;Motif", '"DUPONT Jean-Marie";"3A";18/09/2025;"x"'])
    with pytest.raises(ImportRejected) as e:
        pronote_punitions.lire(f)
    _situe(e.value, "p.csv", 1, "Nature")
    assert "colonnes trouvées : Élève | Classe | Date | Motif" in str(e.value)


SANCTIONS = [
    Sanction(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), date=dt.date(2025, 9, 18),
             nature="Retenue", motif="Travail non fait", donnee_par="M. MARTIN"),
    Sanction(eleve=RefEleve(nom_complet="LEFÈVRE Chloé Anne", classe="3A"), date=dt.date(2025, 12, 2),
             nature="Exclusion temporaire de la classe", motif='Propos "déplacés"', exclusion=True,
             disciplinaire=True, donnee_par="M. le Principal"),
    Sanction(eleve=RefEleve(nom_complet="N'DIAYE Aïssa", classe="3A"), date=dt.date(2026, 1, 5),
             nature="Avertissement", disciplinaire=True),
]


@pytest.mark.parametrize("encodage", ["utf-8-sig", "cp1252"])
def test_aller_retour(tmp_path, encodage):
    f = tmp_path / "punitions.csv"
    ecrire_punitions(f, SANCTIONS, encodage=encodage)
    lus = pronote_punitions.lire(f).sanctions
    assert [s.model_copy(update={"eleve": s.eleve.model_copy(update={"ligne": None})}) for s in lus] == SANCTIONS


def test_import_dans_l_entrepot(ecole, tmp_path):
    f = tmp_path / "punitions.csv"
    ecrire_punitions(f, SANCTIONS)
    res = ecole.importer(pronote_punitions.lire(f))
    assert res.statut == "reussi", res.message
    vu = ecole.sql(
        "SELECT e.nom, s.date, s.nature, s.motif, s.exclusion, s.disciplinaire, s.donnee_par "
        "FROM sanctions s JOIN eleves e USING (eleve_id) ORDER BY s.date"
    ).rows()
    assert vu == [
        ("DUPONT", dt.date(2025, 9, 18), "Retenue", "Travail non fait", False, False, "M. MARTIN"),
        ("LEFÈVRE", dt.date(2025, 12, 2), "Exclusion temporaire de la classe", 'Propos "déplacés"', True, True,
         "M. le Principal"),
        ("N'DIAYE", dt.date(2026, 1, 5), "Avertissement", None, False, True, None),
    ]


def test_option_classe_quand_le_fichier_ne_la_donne_pas(tmp_path):
    f = _ecrire(tmp_path, "p.csv", ["Élève;Date;Nature", '"DUPONT Jean-Marie";18/09/2025;"Retenue"'])
    assert pronote_punitions.lire(f).sanctions[0].eleve.classe is None
    assert pronote_punitions.lire(f, classe="3A").sanctions[0].eleve.classe == "3A"
