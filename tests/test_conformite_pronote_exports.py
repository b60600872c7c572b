"""Conformité aux exports CSV de Pronote (pages Notes, Résultats, Compétences).

Pronote ne publie pas de schéma de ses exports CSV : chaque fixture est écrite **à la main** ici, d'après
ce que Pronote documente de ses devoirs et de ses niveaux, cité cas par cas, et jamais par les écrivains
de ``sample_data`` (qui partagent les hypothèses des connecteurs). Sources :

- [DEVOIR] guide de la saisie de l'enseignant repris dans « Quelques informations pour la gestion de nos
  notes dans PRONOTE » (https://doczz.fr/doc/2649051) : un devoir a un coefficient de 0 à 99, un barème
  de 1 à 99 (« Sur 5, 10, 20 »), une case « Ramener sur 20 » que le professeur coche (sinon le devoir
  pèse son barème), un caractère facultatif ou bonus ; le titre est un texte libre ;
- [COEF] https://doc.index-education.com/en/pronote/pronote/C/Coefficient.htm (coefficient d'un devoir) ;
- [SERVICE] https://docs.index-education.com/docs_en/en-pronote-support-page-1281-2341-configure-the-criteria-for-calculating-a-service-average.php
  (la moyenne d'un service est calculée par Pronote avec ses propres réglages : Vigie la garde telle quelle) ;
- [PRONOTEPY] ``bain3/pronotepy``, ``pronotepy/dataClasses.py`` : ``Grade.is_out_of_20`` vaut ``False``
  quand ``estRamenerSur20`` manque ; notes spéciales ``|1``…``|8`` ; ``Acquisition.abbreviation``
  (« A+ », « Abs », « Dsp »…) ;
- [REPONSE] ``/work/shared/data/walkx21_derniers_notes.json`` : une vraie réponse ``DernieresNotes``
  d'un lycée (``estRamenerSur20`` faux sur 11 devoirs sur 12).

Chaque forme que Pronote écrit s'importe avec les bonnes valeurs ; toute autre est refusée en français,
avec fichier, ligne et colonne, sans rien écrire (un refus de lecture ne produit aucun lot).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import connectors
from models.errors import ImportRejected
from models.records import RAMENER_SUR_20_PAR_DEFAUT, StatutCompetence, StatutNote
from models.warehouse import Warehouse

from .conftest import ecrire_pronote
from .outils.conformite import refuse_sans_rien_changer

EV, ABS, DISP, NE = (StatutCompetence.EVALUE, StatutCompetence.ABSENT, StatutCompetence.DISPENSE,
                     StatutCompetence.NON_EVALUE)


def _refus(wh: Warehouse, sorte: str, chemin: Path, **options: object) -> ImportRejected:
    """Refusé par le seul chemin d'import, consigné, sans rien changer (tests/outils/conformite.py)."""
    return refuse_sans_rien_changer(wh, sorte, chemin, **options)


# --- Page Notes : en-têtes de devoirs ------------------------------------------------------------------


def test_titre_libre_sur_n_ne_change_pas_le_bareme(tmp_path: Path) -> None:
    """[DEVOIR] le titre est libre, le barème est dans son propre segment sous le titre."""
    f = ecrire_pronote(tmp_path, "FRANCAIS.csv", [
        "Élève;Classe;Devoir du 06/10/2025 - Dictée sur 10 mots;Devoir du 13/10/2025 - DS 1/2",
        ";;Sur 5 - Coef. 1;Sur 20 - Coef. 2",
        '"DUPONT Jean";"3A";"5";"14"',
    ])
    lot = connectors.lire("pronote-notes", f)
    (dictee, ds) = [n for n in lot.notes]
    assert (dictee.devoir.titre, dictee.devoir.bareme, dictee.devoir.coefficient, dictee.valeur) == (
        "Dictée sur 10 mots", 5, 1, 5.0)
    assert (ds.devoir.titre, ds.devoir.bareme, ds.devoir.coefficient, ds.valeur) == ("DS 1/2", 20, 2, 14.0)


def test_entete_sur_une_ligne(tmp_path: Path) -> None:
    """[DEVOIR] un export réécrit sur une seule ligne d'en-tête : les segments restent distincts."""
    f = ecrire_pronote(tmp_path, "MATHS.csv", [
        "Élève;Classe;Devoir du 05/01/2026 - Problème sur 3 pages - Sur 10 - Coef. 0,5 (facultatif)",
        '"DUPONT Jean";"3A";"7,5"',
    ])
    (n,) = connectors.lire("pronote-notes", f).notes
    d = n.devoir
    assert (d.titre, d.date, d.bareme, d.coefficient, d.facultatif, n.valeur) == (
        "Problème sur 3 pages", dt.date(2026, 1, 5), 10, 0.5, True, 7.5)


def test_bareme_et_coefficient_aux_limites_de_pronote(ecole: Warehouse, tmp_path: Path) -> None:
    """[DEVOIR] barème de 1 à 99, coefficient de 0 à 99 ; au-delà, l'en-tête est refusé (ligne, colonne)."""
    f = ecrire_pronote(tmp_path, "EPS.csv", [
        "Élève;Classe;Devoir du 06/10/2025 - Course;Devoir du 07/10/2025 - Saut",
        ";;Sur 99 - Coef. 0;Sur 1 - Coef. 99",
        '"DUPONT Jean";"3A";"98,5";"1"',
    ])
    course, saut = connectors.lire("pronote-notes", f).notes
    assert (course.devoir.bareme, course.devoir.coefficient, saut.devoir.bareme, saut.devoir.coefficient) == (
        99, 0, 1, 99)
    f = ecrire_pronote(tmp_path, "EPS.csv", ["Élève;Classe;Devoir du 06/10/2025 - Course", ";;Sur 100", '"A";"3A";"5"'])
    err = _refus(ecole, "pronote-notes", f)
    assert (err.ligne, err.colonne) == (1, 3) and "barème ou coefficient hors limites" in str(err)


def test_ramener_sur_20_absent_veut_dire_non(tmp_path: Path) -> None:
    """[DEVOIR] la case « Ramener sur 20 » se coche ; [PRONOTEPY] défaut False ; [REPONSE] 11 sur 12 à faux.
    L'export CSV ne l'écrit pas : même défaut que le connecteur en direct, l'option dit le contraire."""
    assert RAMENER_SUR_20_PAR_DEFAUT is False
    lignes = ["Élève;Classe;Devoir du 06/10/2025 - QCM", ";;Sur 10", '"DUPONT Jean";"3A";"6"']
    (n,) = connectors.lire("pronote-notes", ecrire_pronote(tmp_path, "SVT.csv", lignes)).notes
    assert n.devoir.ramener_sur_20 is False
    (n,) = connectors.lire("pronote-notes", ecrire_pronote(tmp_path, "SVT.csv", lignes), ramener_sur_20="oui").notes
    assert n.devoir.ramener_sur_20 is True


# --- « Pas de valeur » : une liste fermée, la même partout ----------------------------------------------


@pytest.mark.parametrize("vide", ["", "-", "–", "—"])
def test_pas_de_valeur_dans_une_note_et_une_moyenne(tmp_path: Path, vide: str) -> None:
    """Pronote laisse la cellule vide ; un tableur qui a réenregistré l'export écrit parfois un tiret."""
    f = ecrire_pronote(tmp_path, "SVT.csv", [
        "Élève;Classe;Moyenne;Devoir du 06/10/2025 - QCM;Devoir du 07/10/2025 - TP",
        ";;;Sur 20;Sur 20",
        f'"DUPONT Jean";"3A";"{vide}";"{vide}";"12"',
    ])
    lot = connectors.lire("pronote-notes", f, periode="Trimestre 1")
    assert [(n.devoir.titre, n.valeur) for n in lot.notes] == [("TP", 12.0)]
    assert [m.moyenne for m in lot.moyennes] == [None]


@pytest.mark.parametrize("texte", ["n/a", "?", "néant", "0 0"])
def test_autre_texte_refuse_dans_note_et_moyenne(ecole: Warehouse, tmp_path: Path, texte: str) -> None:
    note = ecrire_pronote(tmp_path, "SVT.csv", [
        "Élève;Classe;Devoir du 06/10/2025 - QCM", ";;Sur 20", f'"DUPONT Jean";"3A";"{texte}"'])
    err = _refus(ecole, "pronote-notes", note)
    assert (err.ligne, err.colonne) == (3, "Devoir du 06/10/2025 - QCM / Sur 20")
    moyenne = ecrire_pronote(tmp_path, "SVT.csv", ["Élève;Classe;Moyenne", f'"DUPONT Jean";"3A";"{texte}"'])
    err = _refus(ecole, "pronote-notes", moyenne, periode="Trimestre 1")
    assert (err.ligne, err.colonne) == (2, "Moyenne")
    resultats = ecrire_pronote(tmp_path, "res.csv", ["Élève;FRANÇAIS", ";Moyenne", f'"DUPONT Jean";"{texte}"'])
    err = _refus(ecole, "pronote-resultats", resultats, periode="Trimestre 1", classe="3A")
    assert (err.ligne, err.colonne) == (3, "FRANÇAIS / Moyenne")


def test_notes_speciales_de_pronote(tmp_path: Path) -> None:
    """[PRONOTEPY] les notes spéciales |1…|7 que Pronote affiche Abs, Disp, N.Not, Inap, N.Rdu, Abs*, N.Rdu*."""
    f = ecrire_pronote(tmp_path, "SVT.csv", [
        "Élève;Classe;" + ";".join(f"Devoir du 0{i}/10/2025 - D{i}" for i in range(1, 8)),
        '"DUPONT Jean";"3A";"Abs";"Disp";"N.Not";"Inap";"N.Rdu";"Abs*";"N.Rdu*"',
    ])
    lot = connectors.lire("pronote-notes", f)
    assert [n.statut for n in lot.notes] == [
        StatutNote.ABSENT, StatutNote.DISPENSE, StatutNote.NON_NOTE, StatutNote.INAPTE, StatutNote.NON_RENDU,
        StatutNote.ABSENT_ZERO, StatutNote.NON_RENDU_ZERO]


# --- Tableau des résultats : sous-colonnes d'une matière -------------------------------------------------


def test_sous_colonnes_rattachees_et_moyenne_de_pronote_gardee(tmp_path: Path) -> None:
    """[SERVICE] la moyenne du service est celle que Pronote a calculée (13, pas (12 + 16) / 2 = 14)."""
    f = ecrire_pronote(tmp_path, "resultats.csv", [
        "Élève;Moyenne générale;ANGLAIS LV1;;;FRANÇAIS",
        ";;Moyenne;Écrit;Oral;Moyenne",
        '"DUPONT Jean";"12,00";"13,00";"12,00";"16,00";"Abs"',
    ])
    lot = connectors.lire("pronote-resultats", f, periode="Trimestre 1", classe="3A")
    assert [(m.matiere, m.moyenne) for m in lot.moyennes] == [
        (None, 12.0), ("ANGLAIS LV1", 13.0), ("ANGLAIS LV1 > Écrit", 12.0), ("ANGLAIS LV1 > Oral", 16.0),
        ("FRANÇAIS", None)]


def test_appreciation_gardee_et_sous_colonne_de_texte_refusee(ecole: Warehouse, tmp_path: Path) -> None:
    """L'appréciation du professeur est gardée pour le conseil ; un autre texte n'est pas une moyenne."""
    f = ecrire_pronote(tmp_path, "resultats.csv", [
        "Élève;FRANÇAIS;", ";Moyenne;Appréciation", '"DUPONT Jean";"12,00";"Bon trimestre"'])
    (m,) = connectors.lire("pronote-resultats", f, periode="Trimestre 1", classe="3A").moyennes
    assert (m.matiere, m.moyenne, m.appreciation) == ("FRANÇAIS", 12.0, "Bon trimestre")
    f = ecrire_pronote(tmp_path, "resultats.csv", [
        "Élève;FRANÇAIS;", ";Moyenne;Commentaire", '"DUPONT Jean";"12,00";"Bon trimestre"'])
    err = _refus(ecole, "pronote-resultats", f, periode="Trimestre 1", classe="3A")
    assert (err.ligne, err.colonne) == (2, 3) and "non reconnue" in str(err)


# --- Relevé de compétences : abréviations de Pronote ----------------------------------------------------


def _releve(tmp_path: Path, niveaux: list[str]) -> Path:
    return ecrire_pronote(tmp_path, "competences.csv", [
        "Élève;Classe;Date;Matière;Item;Niveau",
        *(f'"DUPONT Jean";"3A";"06/10/2025";"FRANÇAIS";"Item {i}";"{n}"' for i, n in enumerate(niveaux)),
    ])


def test_abreviations_de_pronote_connues_par_defaut(tmp_path: Path) -> None:
    """[PRONOTEPY] ``Acquisition.abbreviation`` : les niveaux « A+ » … « E » et les statuts Abs, Dsp, Nr, NE."""
    ecrits = ["A+", "A", "C", "E", "Abs", "Dsp", "Disp", "Nr", "NE", "", "-"]
    lot = connectors.lire("pronote-competences", _releve(tmp_path, ecrits))
    assert [(e.libelle_source, e.niveau, e.statut) for e in lot.evaluations] == [
        ("A+", 4, EV), ("A", 3, EV), ("C", 2, EV), ("E", 1, EV), ("Abs", None, ABS), ("Dsp", None, DISP),
        ("Disp", None, DISP), ("Nr", None, NE), ("NE", None, NE), ("", None, NE), ("-", None, NE)]


def test_reglage_niveaux_donne_un_niveau_ou_un_statut(tmp_path: Path) -> None:
    """Le paramétrage des niveaux est propre à chaque établissement : le réglage traduit un libellé maison
    en niveau 1–4 ou en statut."""
    f = _releve(tmp_path, ["V", "Ex", "A"])
    lot = connectors.lire("pronote-competences", f, niveaux={"V": 3, "Ex": "dispensé", "A": "absent"})
    assert [(e.libelle_source, e.niveau, e.statut) for e in lot.evaluations] == [
        ("V", 3, EV), ("Ex", None, DISP), ("A", None, ABS)]


def test_niveau_inconnu_refuse_sans_rien_ecrire(ecole: Warehouse, tmp_path: Path) -> None:
    f = _releve(tmp_path, ["A+", "Super"])
    err = _refus(ecole, "pronote-competences", f)
    assert (err.ligne, err.colonne) == (3, "Niveau") and "niveau inconnu « Super »" in str(err)
    err = _refus(ecole, "pronote-competences", _releve(tmp_path, ["V"]), niveaux={"V": "vert"})
    assert "1, 2, 3 ou 4, ou un statut" in str(err)


@pytest.mark.parametrize("vide", ["-", "–", "—"])
def test_pas_de_valeur_la_meme_dans_la_liste_des_retards(ecole: Warehouse, tmp_path: Path, vide: str) -> None:
    """La même liste « pas de valeur » que les notes : un tiret dans la durée d'un retard est une durée
    inconnue (comme une cellule vide), pas un refus ; tout autre texte est refusé."""
    lignes = ["Élève;Classe;Date;Heure;Durée (min);Justifié;Motif",
              f'"DUPONT Jean-Marie";"3A";09/09/2025;08h05;{vide};"Non";"Panne de réveil"']
    (r,) = connectors.lire("pronote-absences", ecrire_pronote(tmp_path, "retards.csv", lignes), liste="retards").retards
    assert r.minutes is None
    lignes[1] = lignes[1].replace(f";{vide};", ";bientôt;")
    err = _refus(ecole, "pronote-absences", ecrire_pronote(tmp_path, "retards.csv", lignes), liste="retards")
    assert (err.ligne, err.colonne) == (2, "Durée (min)")


def test_trois_lignes_d_entete_sous_services_windows_1252(tmp_path: Path) -> None:
    """Un export du client lourd (Windows-1252) : titre, barème, puis le sous-service de chaque devoir
    (« ANGLAIS LV1 > Expression orale ») ; la moyenne du service est celle de Pronote."""
    f = ecrire_pronote(tmp_path, "ANGLAIS LV1.csv", [
        "Élève;Classe;Moyenne;Devoir du 06/10/2025 - Compréhension;Devoir du 13/10/2025 - Débat sur 3 thèmes",
        ";;;Sur 20 - Coef. 1;Sur 10 - Coef. 2",
        ";;;ANGLAIS LV1 > Compréhension écrite;ANGLAIS LV1 > Expression orale",
        '"DUPONT Jean-Marie";"3A";"13,00";"14";"Abs"',
    ], encodage="cp1252")
    lot = connectors.lire("pronote-notes", f, periode="Trimestre 1")
    assert [(n.devoir.matiere, n.devoir.titre, n.devoir.bareme, n.devoir.coefficient, n.valeur, n.statut)
            for n in lot.notes] == [
        ("ANGLAIS LV1 > Compréhension écrite", "Compréhension", 20, 1, 14.0, StatutNote.NOTE),
        ("ANGLAIS LV1 > Expression orale", "Débat sur 3 thèmes", 10, 2, None, StatutNote.ABSENT)]
    assert [(m.matiere, m.moyenne, m.source) for m in lot.moyennes] == [("ANGLAIS LV1", 13.0, "pronote")]


def test_sous_services_sur_la_ligne_du_milieu(tmp_path: Path) -> None:
    """Trois lignes d'en-tête : la ligne du milieu porte le professeur ; quand une matière y a plusieurs
    colonnes « Moyenne » aux textes différents, ce sont ses sous-services."""
    f = ecrire_pronote(tmp_path, "resultats.csv", [
        "Élève;ANGLAIS LV1;;;FRANÇAIS;",
        ";;Écrit;Oral;Mme KLEIN;",
        ";Moyenne;Moyenne;Moyenne;Moyenne;Positionnement",
        '"DUPONT Jean";"13,00";"12,00";"16,00";"11,50";"Atteint"',
    ])
    lot = connectors.lire("pronote-resultats", f, periode="Trimestre 1", classe="3A")
    assert [(m.matiere, m.moyenne, m.positionnement) for m in lot.moyennes] == [
        ("ANGLAIS LV1", 13.0, None), ("ANGLAIS LV1 > Écrit", 12.0, None), ("ANGLAIS LV1 > Oral", 16.0, None),
        ("FRANÇAIS", 11.5, "Atteint")]
