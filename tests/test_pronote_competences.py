"""Connecteur « pronote-competences » : relevé d'évaluations (une ligne par évaluation, ou grille)."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors import pronote_competences
from connectors.pronote_competences import composante
from models.errors import ImportRejected
from models.records import Evaluation, RefEleve, StatutCompetence
from sample_data.ecrire_pronote_suivi import ecrire_competences

from .conftest import FIXTURES
from .conftest import ecrire_pronote as _ecrire
from .conftest import situe as _situe

DOSSIER = FIXTURES / "pronote_suivi"
EV, ABS, DISP, NE = (StatutCompetence.EVALUE, StatutCompetence.ABSENT, StatutCompetence.DISPENSE,
                     StatutCompetence.NON_EVALUE)


#: Le fichier competences_niveaux.csv, ligne par ligne : (libellé écrit, niveau, statut).
ATTENDUS = [
    ("A+", 4, EV), ("A", 3, EV), ("B", 3, EV), ("C", 2, EV), ("D", 1, EV), ("E", 1, EV),
    ("Abs", None, ABS), ("Disp", None, DISP), ("NR", None, NE), ("NE", None, NE), ("", None, NE),
    ("Très bonne maîtrise", 4, EV), ("Maîtrise satisfaisante", 3, EV), ("Maîtrise fragile", 2, EV),
    ("Maîtrise insuffisante", 1, EV), ("1", 1, EV), ("2", 2, EV), ("3", 3, EV), ("4", 4, EV),
    ("TBM", 4, EV), ("MS", 3, EV), ("MF", 2, EV), ("MI", 1, EV),
]


def test_tous_les_niveaux_par_defaut():
    lot = pronote_competences.lire(DOSSIER / "competences_niveaux.csv")
    assert lot.source == "pronote-competences" and lot.lignes_lues == 23
    assert [(e.libelle_source, e.niveau, e.statut) for e in lot.evaluations] == ATTENDUS
    assert [e.eleve.ligne for e in lot.evaluations] == list(range(2, 25))
    premier, second = lot.evaluations[:2]
    # une composante du socle → référentiel « socle », domaine = son code ; sinon la matière et son domaine
    assert (premier.referentiel, premier.domaine, premier.item, premier.contexte, premier.date) == (
        "socle", "CPD_FRA", "Item 01", "FRANÇAIS", dt.date(2025, 10, 1))
    assert (second.referentiel, second.domaine, second.item, second.contexte) == (
        "FRANÇAIS", "Écrire", "Item 02", "FRANÇAIS")
    assert second.eleve.nom_complet == "LEFÈVRE Chloé Anne" and second.eleve.classe == "3A"


def test_le_reglage_niveaux_remplace_les_defauts():
    lot = pronote_competences.lire(DOSSIER / "competences_niveaux.csv", niveaux={"B": 2, "E": 1, "Abs": 1})
    vu = {e.libelle_source: (e.niveau, e.statut) for e in lot.evaluations}
    assert vu["B"] == (2, EV) and vu["A"] == (3, EV) and vu["Abs"] == (1, EV)


def test_reglage_niveaux_hors_echelle_refuse():
    with pytest.raises(ImportRejected) as e:
        pronote_competences.lire(DOSSIER / "competences_niveaux.csv", niveaux={"B": 5})
    # un réglage, pas une cellule du fichier : ni ligne ni colonne à citer
    assert e.value.fichier == "competences_niveaux.csv" and (e.value.ligne, e.value.colonne) == (None, None)
    assert "réglage niveaux : « B » doit valoir 1, 2, 3 ou 4" in str(e.value)


def test_niveau_inconnu_refuse_avec_ligne_et_colonne(tmp_path):
    f = _ecrire(
        tmp_path,
        "c.csv",
        ["Élève;Classe;Date;Matière;Item;Niveau",
         '"DUPONT Jean-Marie";"3A";01/10/2025;"MATHS";"Calculer";"A"',
         '"DUPONT Jean-Marie";"3A";02/10/2025;"MATHS";"Chercher";"Vert clair"'],
    )
    with pytest.raises(ImportRejected) as e:
        pronote_competences.lire(f)
    _situe(e.value, "c.csv", 3, "Niveau")
    assert "Vert clair" in str(e.value)
    # …et le même fichier passe quand l'établissement déclare son libellé
    lot = pronote_competences.lire(f, niveaux={"Vert clair": 3})
    assert [e.niveau for e in lot.evaluations] == [3, 3]


def test_date_manquante_refusee_sauf_option(tmp_path):
    lignes = ["Élève;Classe;Matière;Item;Niveau", '"DUPONT Jean-Marie";"3A";"MATHS";"Calculer";"A"']
    f = _ecrire(tmp_path, "c.csv", lignes)
    with pytest.raises(ImportRejected) as e:
        pronote_competences.lire(f)
    _situe(e.value, "c.csv", 1, "Date")
    (ev,) = pronote_competences.lire(f, date="15/10/2025", periode="Trimestre 1").evaluations
    assert (ev.date, ev.periode, ev.referentiel) == (dt.date(2025, 10, 15), "Trimestre 1", "MATHS")


@pytest.mark.parametrize(
    ("ecrit", "code"),
    [("CPD_FRA", "CPD_FRA"), ("cpd fra", "CPD_FRA"), ("D1.3", "CPD_SCI"), ("D2 - Les méthodes et outils", "MET_APP"),
     ("La formation de la personne et du citoyen", "FRM_CIT"), ("Lecture", None), ("", None), ("D9", None)],
)
def test_composante(ecrit, code):
    assert composante(ecrit) == code


def test_grille_trois_lignes_d_entete_html_et_case_vide():
    lot = pronote_competences.lire(DOSSIER / "competences_grille.csv", matiere="FRANÇAIS", periode="Trimestre 1")
    assert lot.lignes_lues == 3
    d = dt.date
    vu = [(e.eleve.nom_complet, e.eleve.ligne, e.referentiel, e.domaine, e.item, e.niveau, e.libelle_source,
           e.statut, e.date) for e in lot.evaluations]
    assert vu == [
        ("DUPONT Jean-Marie", 4, "socle", "CPD_FRA", "Écrire un texte", 4, "A+", EV, d(2025, 10, 3)),
        # « CPD_FRA;; » : le titre fusionné couvre aussi la colonne suivante
        ("DUPONT Jean-Marie", 4, "socle", "CPD_FRA", "Lire à voix haute", 3, "B", EV, d(2025, 10, 10)),
        ("DUPONT Jean-Marie", 4, "FRANÇAIS", "Lecture", "Comprendre un texte", None, "Abs", ABS, d(2025, 10, 17)),
        ("DUPONT Jean-Marie", 4, "socle", "CPD_SCI", "Résoudre un problème", 2, "C", EV, d(2025, 10, 24)),
        ("LEFÈVRE Chloé Anne", 5, "socle", "CPD_FRA", "Écrire un texte", 1, "D", EV, d(2025, 10, 3)),
        # case vide : rien (pas d'évaluation prévue pour cet élève)
        ("LEFÈVRE Chloé Anne", 5, "FRANÇAIS", "Lecture", "Comprendre un texte", None, "Disp", DISP, d(2025, 10, 17)),
        ("LEFÈVRE Chloé Anne", 5, "socle", "CPD_SCI", "Résoudre un problème", 1, "E", EV, d(2025, 10, 24)),
        # la balise <i class="icon_venus"> qui a fui est retirée du nom
        ("N'DIAYE Aïssa", 6, "socle", "CPD_FRA", "Écrire un texte", None, "NR", NE, d(2025, 10, 3)),
        ("N'DIAYE Aïssa", 6, "socle", "CPD_FRA", "Lire à voix haute", 3, "A", EV, d(2025, 10, 10)),
        ("N'DIAYE Aïssa", 6, "FRANÇAIS", "Lecture", "Comprendre un texte", 4, "TBM", EV, d(2025, 10, 17)),
        ("N'DIAYE Aïssa", 6, "socle", "CPD_SCI", "Résoudre un problème", 1, "Maîtrise insuffisante", EV,
         d(2025, 10, 24)),
    ]
    assert {e.periode for e in lot.evaluations} == {"Trimestre 1"}


def test_grille_niveau_inconnu_situe_colonne_de_l_item(tmp_path):
    f = _ecrire(
        tmp_path,
        "g.csv",
        ["Élève;Classe;CPD_FRA", ";;Écrire", ";;03/10/2025", '"DUPONT Jean-Marie";"3A";"Z"'],
        encodage="cp1252",
    )
    with pytest.raises(ImportRejected) as e:
        pronote_competences.lire(f)
    _situe(e.value, "g.csv", 4, "CPD_FRA / Écrire / 03/10/2025")


def test_grille_sans_dates_exige_l_option(tmp_path):
    f = _ecrire(tmp_path, "g.csv", ["Élève;Classe;CPD_FRA", ";;Écrire", '"DUPONT Jean-Marie";"3A";"A"'])
    with pytest.raises(ImportRejected) as e:
        pronote_competences.lire(f)
    _situe(e.value, "g.csv", 2, "CPD_FRA / Écrire")
    (ev,) = pronote_competences.lire(f, date=dt.date(2025, 10, 3)).evaluations
    assert (ev.referentiel, ev.domaine, ev.item, ev.niveau) == ("socle", "CPD_FRA", "Écrire", 3)


# --- aller-retour avec l'écrivain de l'école fictive ----------------------------------------------

EVALUATIONS = [
    Evaluation(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), referentiel="socle",
               domaine="CPD_FRA", item='Rédiger un texte "argumentatif"', niveau=4, libelle_source="A+",
               date=dt.date(2025, 10, 3), periode="Trimestre 1", contexte="FRANÇAIS", evaluateur="Mme DURAND"),
    Evaluation(eleve=RefEleve(nom_complet="LEFÈVRE Chloé Anne", classe="3A"), referentiel="MATHÉMATIQUES",
               domaine="Chercher", item="Extraire l'information utile", niveau=2, libelle_source="Maîtrise fragile",
               date=dt.date(2025, 12, 4), periode="Trimestre 2", contexte="MATHÉMATIQUES"),
    Evaluation(eleve=RefEleve(nom_complet="N'DIAYE Aïssa", classe="3A"), referentiel="socle", domaine="SYS_NAT",
               item="Mener une démarche", libelle_source="Abs", statut=ABS, date=dt.date(2025, 12, 5),
               contexte="SVT"),
    Evaluation(eleve=RefEleve(nom_complet="N'DIAYE Aïssa", classe="3A"), referentiel="socle", domaine="SYS_NAT",
               item="Mener une démarche", libelle_source="", statut=NE, date=dt.date(2025, 12, 12), contexte="SVT"),
]


@pytest.mark.parametrize("encodage", ["utf-8-sig", "cp1252"])
def test_aller_retour(tmp_path, encodage):
    f = tmp_path / "competences.csv"
    ecrire_competences(f, EVALUATIONS, encodage=encodage)
    lus = pronote_competences.lire(f).evaluations
    assert [e.model_copy(update={"eleve": e.eleve.model_copy(update={"ligne": None})}) for e in lus] == EVALUATIONS


def test_import_dans_l_entrepot(ecole, tmp_path):
    f = tmp_path / "competences.csv"
    ecrire_competences(f, EVALUATIONS)
    res = ecole.importer(pronote_competences.lire(f))
    assert res.statut == "reussi", res.message
    vu = ecole.sql(
        "SELECT e.nom, c.referentiel, c.domaine, c.niveau, c.libelle_source, c.statut, c.date, c.periode, "
        "c.contexte, c.evaluateur FROM competences c JOIN eleves e USING (eleve_id) ORDER BY c.date"
    ).rows()
    assert vu == [
        ("DUPONT", "socle", "CPD_FRA", 4, "A+", "evalue", dt.date(2025, 10, 3), "Trimestre 1", "FRANÇAIS",
         "Mme DURAND"),
        ("LEFÈVRE", "MATHÉMATIQUES", "Chercher", 2, "Maîtrise fragile", "evalue", dt.date(2025, 12, 4),
         "Trimestre 2", "MATHÉMATIQUES", None),
        ("N'DIAYE", "socle", "SYS_NAT", None, "Abs", "absent", dt.date(2025, 12, 5), None, "SVT", None),
        ("N'DIAYE", "socle", "SYS_NAT", None, "", "non_evalue", dt.date(2025, 12, 12), None, "SVT", None),
    ]
