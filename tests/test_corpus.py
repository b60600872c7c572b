"""Le corpus de fichiers invalides (``tests/corpus/``) passé par la vraie commande ``vigie import``.

Chaque fichier refusé doit donner : un code de sortie non nul, un message en français qui nomme le
fichier (et la ligne, la colonne quand elles existent), un entrepôt identique à l'octet près (empreinte de
chaque table de données) et une ligne de plus au journal des imports, au statut ``rejete``. Les fichiers
que Vigie accepte à raison (cp1252 avec €, BOM ou pas, point décimal, doublons exacts…) sont importés et
leur contenu vérifié. ``tests/corpus/README.md`` dit, fichier par fichier, ce qui ne va pas.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

import vigie_cli
from models.warehouse import Warehouse, lecture

CORPUS = Path(__file__).parent / "corpus"
MAPPING = CORPUS / "tableur" / "correspondance.toml"

ETABLISSEMENT = """[etablissement]
uai = "0750001A"
nom = "Collège Jean Moulin"

[[periodes]]
nom = "Trimestre 1"
annee = "2025-2026"
debut = 2025-09-01
fin = 2025-11-30

[[periodes]]
nom = "Trimestre 2"
annee = "2025-2026"
debut = 2025-12-01
fin = 2026-03-08

[[periodes]]
nom = "Trimestre 3"
annee = "2025-2026"
debut = 2026-03-09
fin = 2026-07-04
"""

ELEVES = (
    "\ufeffNom;Prénoms;Né(e) le;Sexe;Classe\r\n"
    '"DUPONT";"Jean-Marie";04/03/2011;"M";"3A"\r\n'
    '"LEFÈVRE";"Chloé Anne";01/06/2011;"F";"3A"\r\n'
    '"N\'DIAYE";"Aïssa";20/01/2011;"F";"3A"\r\n'
    '"MARTIN";"Lucas";09/09/2011;"M";"3B"\r\n'
)

#: Des notes déjà là : un refus qui écrirait quand même (mise à jour d'une note) changerait l'empreinte.
NOTES = (
    "\ufeffÉlève;Classe;Devoir du 03/10/2025 - DS1\r\n"
    '"DUPONT Jean-Marie";"3A";"11"\r\n'
    '"MARTIN Lucas";"3B";"9,5"\r\n'
)


def _importer(db: Path, sorte: str, fichier: Path, *options: str) -> int:
    return vigie_cli.main(["import", sorte, str(fichier), *options, "--db", str(db)])


@pytest.fixture(scope="module")
def modele(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """L'entrepôt d'une petite école (établissement, 4 élèves, 2 notes), construit par la commande."""
    d = tmp_path_factory.mktemp("ecole")
    (d / "etablissement.toml").write_text(ETABLISSEMENT, encoding="utf-8")
    (d / "eleves.csv").write_text(ELEVES, encoding="utf-8", newline="")
    (d / "MATHEMATIQUES.csv").write_text(NOTES, encoding="utf-8", newline="")
    db = d / "ecole.duckdb"
    assert _importer(db, "etablissement", d / "etablissement.toml") == 0
    assert _importer(db, "pronote-eleves", d / "eleves.csv") == 0
    assert _importer(db, "pronote-notes", d / "MATHEMATIQUES.csv") == 0
    return db


@pytest.fixture
def ecole(modele: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Une copie neuve de l'entrepôt de l'école pour chaque test."""
    db = tmp_path / "ecole.duckdb"
    shutil.copyfile(modele, db)
    with lecture(db) as wh:
        assert wh.comptes()["eleves"] == 4 and wh.comptes()["notes"] == 2
    capsys.readouterr()
    return db


def _etat(db: Path) -> tuple[dict[str, str], int, list[tuple]]:
    """(empreintes des tables de données, nombre d'imports refusés, dernier import)."""
    with lecture(db) as wh:
        refus = wh.valeur("SELECT count(*) FROM imports WHERE statut = 'rejete'")
        dernier = wh.con.execute(
            "SELECT fichier, statut, message FROM imports ORDER BY import_id DESC LIMIT 1"
        ).fetchall()
        return wh.empreintes(), int(refus), dernier


# --- Les fichiers refusés -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Refus:
    """Un fichier du corpus qui doit être refusé ; ``ligne`` / ``colonne`` None : le message n'en a pas."""

    fichier: str
    fragment: str
    ligne: int | None = None
    colonne: str | int | None = None
    options: tuple[str, ...] = ()
    nomme: str | None = None  # le fichier que nomme le message, si ce n'est pas le fichier importé

    @property
    def sorte(self) -> str:
        return self.fichier.split("/")[0]

    def lieu(self) -> str:
        """Le début attendu du message : « fichier « x », ligne 3, colonne « Date » »."""
        morceaux = [f"fichier « {self.nomme or Path(self.fichier).name} »"]
        if self.ligne is not None:
            morceaux.append(f"ligne {self.ligne}")
        if self.colonne is not None:
            c = self.colonne
            morceaux.append(f"colonne {c}" if isinstance(c, int) else f"colonne « {c} »")
        return ", ".join(morceaux) + " : "


PERIODE = ("--periode", "Trimestre 1")
AVEC_MAPPING = ("--mapping", str(MAPPING))
DEVOIR1 = "Devoir du 03/10/2025 - DS1 / Sur 20 - Coef. 2"
DEVOIR2 = "Devoir du 10/10/2025 - Interro / Sur 10 - Coef. 1"

REFUS: list[Refus] = [
    # établissement (TOML)
    Refus("etablissement/vide.toml", "champ « uai » invalide", colonne="etablissement"),
    Refus("etablissement/toml_casse.toml", "TOML invalide", 3, 27),
    Refus("etablissement/latin1.toml", "le fichier doit être en UTF-8", 3),
    Refus("etablissement/date_invalide.toml", "TOML invalide", 8, 9),
    Refus("etablissement/uai_invalide.toml", "champ « uai » invalide", colonne="etablissement"),
    Refus("etablissement/periode_inversee.toml", "la fin de la période précède son début", colonne="periodes[1]"),
    # pronote-eleves
    Refus("pronote-eleves/vide.csv", "le fichier est vide"),
    Refus("pronote-eleves/entete_seule.csv", "aucun élève dans la liste", 2, "Nom"),
    Refus("pronote-eleves/mauvais_separateur.csv", "colonne(s) obligatoire(s) introuvable(s) : classe", 1, "classe"),
    Refus("pronote-eleves/colonne_manquante.csv", "colonne(s) obligatoire(s) introuvable(s) : classe", 1, "classe"),
    Refus("pronote-eleves/colonnes_renommees.csv", "colonne(s) obligatoire(s) introuvable(s) : classe", 1, "classe"),
    Refus("pronote-eleves/colonnes_dupliquees.csv", "deux colonnes « Classe » (colonnes 5 et 6)", 1, 6),
    Refus("pronote-eleves/binaire.csv", "encodage illisible (cp1252)", 2),
    Refus("pronote-eleves/utf16_sans_bom.csv", "le fichier n'est pas un texte"),
    Refus("pronote-eleves/date_invalide.csv", "« 31/02/2011 » n'est pas une date JJ/MM/AAAA", 3, "Né(e) le"),
    Refus("pronote-eleves/sexe_inconnu.csv", "sexe illisible « Q »", 4, "Sexe"),
    Refus("pronote-eleves/ligne_tronquee.csv", "guillemet non fermé", 4, 2),
    # pronote-notes
    Refus("pronote-notes/vide.csv", "le fichier est vide"),
    Refus("pronote-notes/entete_seule.csv", "aucun élève dans l'export", 3, "Élève"),
    Refus("pronote-notes/au_dessus_du_bareme.csv", "la note « 10,5 » sort du barème (0–10)", 4, DEVOIR2),
    Refus("pronote-notes/note_negative.csv", "la note « -2 » sort du barème (0–20)", 3, DEVOIR1),
    Refus("pronote-notes/jeton_inconnu.csv", "note illisible « Absnt »", 4, DEVOIR1),
    Refus("pronote-notes/formule.csv", "note illisible « =1+1 »", 3, DEVOIR1),
    Refus("pronote-notes/formule_dde.csv", "note illisible « +cmd|' /C calc'!A0 »", 3, DEVOIR2),
    Refus("pronote-notes/html_injecte.csv", "note illisible « alert(1) »", 3, DEVOIR1),
    Refus("pronote-notes/date_devoir_invalide.csv", "date invalide dans l'en-tête « Devoir du 31/09/2025", 1, 4),
    # la date du devoir est dans l'en-tête, mais c'est l'entrepôt (qui connaît les années scolaires) qui
    # refuse, à la ligne du premier élève noté
    Refus("pronote-notes/date_hors_annee.csv", "date 03/10/2031 hors des années scolaires connues (2025-2026)",
          3, "Date"),
    # de même pour les absences, les évaluations et les grilles de tableur
    Refus("pronote-absences/hors_annee_scolaire.csv", "date 10/11/2031 hors des années scolaires connues", 3, "Du"),
    Refus("pronote-competences/date_hors_annee.csv", "date 02/10/2031 hors des années scolaires connues", 3, "Date"),
    Refus("tableur/hors_annee.csv", "date 12/09/2031 hors des années scolaires connues", 3, "Date", AVEC_MAPPING),
    Refus("pronote-notes/eleve_inconnu.csv", "« DUPUIS Jean-Michel (3A) » — proches : DUPONT Jean-Marie (3A)",
          4, "Élève"),
    Refus("pronote-notes/lignes_contradictoires.csv", "déjà présent ligne 3 avec d'autres valeurs", 4, "Élève"),
    Refus("pronote-notes/ligne_tronquee.csv", "guillemet non fermé", 4, 4),
    Refus("pronote-notes/mauvais_separateur.csv", "colonne(s) obligatoire(s) introuvable(s) : eleve", 2, "eleve"),
    # pronote-resultats
    Refus("pronote-resultats/entete_seule.csv", "aucun élève dans le tableau", 3, "Élève", PERIODE),
    Refus("pronote-resultats/moyenne_hors_bornes.csv", "moyenne « 25,00 » hors de 0–20", 4, "FRANÇAIS / Moyenne",
          PERIODE),
    Refus("pronote-resultats/moyenne_illisible.csv", "« 13;50 » n'est pas un nombre", 3, "FRANÇAIS / Moyenne",
          PERIODE),
    Refus("pronote-resultats/colonnes_dupliquees.csv", "deux colonnes « FRANÇAIS / Moyenne »", 2, 6, PERIODE),
    Refus("pronote-resultats/binaire.csv", "encodage illisible (cp1252)", 1, options=PERIODE),
    # pronote-absences
    Refus("pronote-absences/date_invalide.csv", "« 31/02/2025 à 08h00 » n'est pas une date", 3, "Du"),
    Refus("pronote-absences/justification_inconnue.csv", "« Peut-être » : attendu Oui, Non, En attente", 3,
          "Justifiée"),
    Refus("pronote-absences/fin_avant_debut.csv", "la fin de l'absence (09/09/2025 08:00) précède son début", 3,
          "Au"),
    Refus("pronote-absences/demi_journees_negatives.csv", "« -1 » : un nombre négatif n'a pas de sens ici", 3,
          "Demi-journées"),
    Refus("pronote-absences/mauvais_separateur.csv", "colonne(s) obligatoire(s) introuvable(s) : Élève, Du", 1,
          "Élève, Du"),
    Refus("pronote-absences/eleve_inconnu.csv", "« ZORGLUB Ernestine (3A) » — proches : aucun", 3, "Élève"),
    # pronote-punitions
    Refus("pronote-punitions/vide.csv", "le fichier est vide"),
    Refus("pronote-punitions/colonne_manquante.csv", "colonne(s) obligatoire(s) introuvable(s) : Nature", 1,
          "Nature"),
    Refus("pronote-punitions/date_invalide.csv", "« 18/13/2025 » n'est pas une date JJ/MM/AAAA", 3, "Date"),
    Refus("pronote-punitions/nature_vide.csv", "nature de la punition ou de la sanction vide", 3, "Nature"),
    # pronote-competences
    Refus("pronote-competences/niveau_inconnu.csv", "niveau inconnu « Z »", 3, "Niveau"),
    Refus("pronote-competences/formule.csv", 'niveau inconnu « =HYPERLINK("http://x") »', 3, "Niveau"),
    Refus("pronote-competences/date_invalide.csv", "« 2025-10-45 » n'est pas une date JJ/MM/AAAA", 3, "Date"),
    Refus("pronote-competences/ligne_tronquee.csv", "guillemet non fermé", 3, 4),
    # pix
    Refus("pix/vide.csv", "le fichier est vide"),  # un BOM seul
    Refus("pix/colonne_manquante.csv", "colonnes manquantes pour un export Pix « collecte de profils » : "
          "« Nom du Participant »", 1),
    Refus("pix/envoi_inconnu.csv", "« Peut-être » n'est pas Oui ou Non", 3, "Envoi (O/N)"),
    Refus("pix/pix_negatif.csv", "« -5 » n'est pas un nombre de pix positif", 3, "Nombre de pix total"),
    Refus("pix/ligne_tronquee.csv", "CSV mal formé : guillemet non fermé", 3),
    Refus("pix/date_invalide.csv", "« 32/11/2025 14:30 » n'est pas une date", 3,
          "Date et heure de l'envoi (Europe/Paris)"),
    # l'apostrophe de Pix est retirée, la formule reste un simple texte : un nom d'élève inconnu
    Refus("pix/formule_echappee.csv", "« =MARTIN Lucas (3B) »", 3, "Élève"),
    # lsu
    Refus("lsu/vide.xml", "XML mal formé : le fichier se termine avant la fin du document", 1, 1),
    Refus("lsu/mal_forme.xml", "XML mal formé : balise fermante qui ne correspond pas", 20, 11),
    Refus("lsu/tronque.xml", "XML mal formé : le fichier se termine avant la fin du document", 18, 2),
    Refus("lsu/bombe.xml", "possible « bombe XML »", 2),
    Refus("lsu/entite_externe.xml", "lecture de fichiers externes", 2),
    Refus("lsu/positionnement_inconnu.xml", "positionnement « 7 » invalide pour CPD_FRA", 22, "positionnement"),
    Refus("lsu/moyenne_hors_bareme.xml", "moyenne « 25/20 » au-delà de 20", 19, "moyenne-eleve"),
    Refus("lsu/autre_racine.xml", "ce n'est pas un fichier LSU", 2),
    Refus("lsu/binaire.xml", "XML mal formé : caractère ou balise illisible", 1, 1),
    Refus("lsu/latin1_non_declare.xml", "XML mal formé : caractère ou balise illisible", 8, 59),
    # tableur
    Refus("tableur/faux_classeur.xlsx", "archive zip mais pas un classeur Excel (.xlsx) (xl/workbook.xml absent)",
          options=AVEC_MAPPING),
    Refus("tableur/texte_renomme.xlsx", "fichier corrompu ou qui n'est pas un classeur Excel", options=AVEC_MAPPING),
    Refus("tableur/xlsx_casse.xlsx", "classeur Excel illisible ou corrompu", options=AVEC_MAPPING),
    Refus("tableur/ods_corrompu.ods", "classeur OpenDocument illisible ou corrompu", options=AVEC_MAPPING),
    Refus("tableur/texte_odt_renomme.ods", "ce fichier OpenDocument n'est pas un classeur", options=AVEC_MAPPING),
    Refus("tableur/bombe_repetition.ods", "classeur anormalement grand une fois les cellules répétées développées",
          1, options=AVEC_MAPPING),
    Refus("tableur/binaire.csv", "encodage illisible (cp1252)", 1, options=AVEC_MAPPING),
    Refus("tableur/niveau_inconnu.csv", "niveau « Z » inconnu pour l'item « Écrire »", 3, "F", AVEC_MAPPING),
    Refus("tableur/formule.csv", "niveau « =1+1 » inconnu", 3, "F", AVEC_MAPPING),
    Refus("tableur/date_invalide.csv", "date « 45/09/2025 » illisible", 3, "G", AVEC_MAPPING),
    # la correspondance fautive est nommée, pas le tableur
    Refus("tableur/niveau_inconnu.csv", "correspondance TOML mal écrite", 2, 22,
          ("--mapping", str(CORPUS / "tableur" / "correspondance_cassee.toml")), "correspondance_cassee.toml"),
    Refus("tableur/niveau_inconnu.csv", "Note finale", 1,
          options=("--mapping", str(CORPUS / "tableur" / "correspondance_colonne_absente.toml"))),
]


def _id(cas: Refus) -> str:
    return cas.fichier + ("" if "--mapping" not in cas.options else "+" + Path(cas.options[-1]).stem)


@pytest.mark.parametrize("cas", REFUS, ids=_id)
def test_fichier_refuse(cas: Refus, ecole: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fichier = CORPUS / cas.fichier
    empreintes, refus, _ = _etat(ecole)

    code = _importer(ecole, cas.sorte, fichier, *cas.options)
    err = capsys.readouterr().err

    assert code != 0
    assert "Import refusé — rien n'a été modifié." in err
    assert cas.lieu() in err, err
    assert cas.fragment in err, err
    if cas.ligne is None:
        assert ", ligne " not in err.splitlines()[1]
    apres, refus_apres, dernier = _etat(ecole)
    assert apres == empreintes
    assert refus_apres == refus + 1
    assert dernier[0][:2] == (fichier.name, "rejete")
    assert cas.fragment in dernier[0][2]


# --- Un fichier de 10 Mo sur une seule ligne, fabriqué pour le test -----------------------------------

DIX_MO = 10 * 1024 * 1024



def _dix_mo(debut: str, motif: str) -> bytes:
    """``debut`` puis ``motif`` répété jusqu'à 10 Mo, sans aucune fin de ligne."""
    return (debut + motif * (DIX_MO // len(motif.encode()) + 1)).encode()


UNE_LIGNE: dict[str, tuple[str, bytes, str]] = {
    "pronote-eleves": ("eleves.csv", _dix_mo("Nom;Prénoms;Classe;", '"DUPONT";"Jean";"3A";'),
                       "ligne anormalement longue"),
    "pronote-notes": ("MATHS.csv", _dix_mo("Élève;Classe;Devoir du 03/10/2025 - DS1;", "1"),
                      "ligne anormalement longue"),
    "pronote-absences": ("absences.csv", _dix_mo("", "Élève;"), "ligne anormalement longue"),
    "pix": ("pix.csv", _dix_mo("", '"Nom du Participant";'), "ligne anormalement longue"),
    "tableur": ("grille.csv", ("Nom;" + "x" * DIX_MO).encode(), "CSV mal formé"),
    "lsu": ("lsu.xml", b'<lsun-bilans xmlns="urn:fr:edu:scolarite:lsun:bilans:import"><a>' + b"x" * DIX_MO
            + b"</a></lsun-bilans>", "élément <donnees> absent"),
}


@pytest.mark.slow
@pytest.mark.parametrize("sorte", sorted(UNE_LIGNE))
def test_dix_mega_octets_sur_une_ligne(sorte: str, ecole: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    nom, contenu, fragment = UNE_LIGNE[sorte]
    fichier = tmp_path / nom
    fichier.write_bytes(contenu)
    assert fichier.stat().st_size >= DIX_MO
    empreintes, refus, _ = _etat(ecole)

    options = AVEC_MAPPING if sorte == "tableur" else ()
    code = _importer(ecole, sorte, fichier, *options)
    err = capsys.readouterr().err

    assert code != 0
    assert f"fichier « {nom} », ligne 1" in err and fragment in err
    assert len(err) < 5000  # le message ne recopie pas la ligne
    apres, refus_apres, dernier = _etat(ecole)
    assert apres == empreintes and refus_apres == refus + 1
    assert len(dernier[0][2]) < 5000


# --- Élèves inconnus ----------------------------------------------------------------------------------


def test_eleve_inconnu_ignore_sur_demande(ecole: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fichier = CORPUS / "pronote-notes" / "eleve_inconnu.csv"
    code = _importer(ecole, "pronote-notes", fichier, "--ignorer-inconnus")
    sortie = capsys.readouterr().out
    assert code == 0
    assert "1 rejetées" in sortie  # la ligne de DUPUIS Jean-Michel (deux notes), comptée une fois
    with lecture(ecole) as wh:
        notes = wh.con.execute(
            "SELECT e.nom, n.devoir, n.valeur FROM notes n JOIN eleves e USING (eleve_id) "
            "WHERE n.matiere = 'eleve_inconnu' ORDER BY n.date"
        ).fetchall()
        statut = wh.con.execute("SELECT statut FROM imports ORDER BY import_id DESC LIMIT 1").fetchall()
    assert notes == [("DUPONT", "DS1", 15.5), ("DUPONT", "Interro", 7.0)]
    assert statut == [("reussi",)]


# --- Les fichiers acceptés à raison -------------------------------------------------------------------


def _lignes(wh: Warehouse, requete: str) -> list[tuple]:
    return wh.con.execute(requete).fetchall()


def _noms(wh: Warehouse) -> list[tuple]:
    return _lignes(wh, "SELECT nom, prenom, classe FROM eleves ORDER BY nom, prenom")


ECOLE = [("DUPONT", "Jean-Marie", "3A"), ("LEFÈVRE", "Chloé Anne", "3A"), ("MARTIN", "Lucas", "3B"),
         ("N'DIAYE", "Aïssa", "3A")]


def _notes_de(matiere: str) -> str:
    return ("SELECT e.nom, n.devoir, n.valeur, n.statut FROM notes n JOIN eleves e USING (eleve_id) "
            f"WHERE n.matiere = '{matiere}' ORDER BY e.nom, n.date")


@dataclass(frozen=True)
class Accepte:
    fichier: str
    verifier: Callable[[Warehouse], None]
    options: tuple[str, ...] = field(default=())

    @property
    def sorte(self) -> str:
        return self.fichier.split("/")[0]


def _utf16_eleves(wh: Warehouse) -> None:
    assert _noms(wh) == ECOLE  # mêmes élèves, accents intacts : rien de neuf, rien d'abîmé


def _sans_bom(wh: Warehouse) -> None:
    assert _lignes(wh, _notes_de("sans_bom")) == [
        ("DUPONT", "DS1", 15.5, "note"), ("DUPONT", "Interro", 7.0, "note"),
        ("LEFÈVRE", "DS1", None, "absent"), ("LEFÈVRE", "Interro", None, "non_concerne"),
    ]


def _point_decimal(wh: Warehouse) -> None:
    assert _lignes(wh, _notes_de("point_decimal")) == [
        ("DUPONT", "DS1", 15.5, "note"), ("DUPONT", "Interro", 7.5, "note"),
    ]


def _latin1(wh: Warehouse) -> None:
    # « LEFÈVRE Chloé Anne » en ISO-8859-1 : décodé (cp1252) et rapproché de l'élève connu
    assert _lignes(wh, _notes_de("latin1")) == [
        ("DUPONT", "DS1", 15.5, "note"), ("DUPONT", "Interro", 7.0, "note"),
        ("LEFÈVRE", "DS1", None, "absent"), ("LEFÈVRE", "Interro", None, "non_concerne"),
    ]


def _doublons_notes(wh: Warehouse) -> None:
    assert _lignes(wh, _notes_de("lignes_dupliquees")) == [
        ("DUPONT", "DS1", 15.5, "note"), ("DUPONT", "Interro", 7.0, "note"),
    ]


def _resultats_euro(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, m.matiere, m.moyenne, m.positionnement FROM moyennes_pronote m "
                       "JOIN eleves e USING (eleve_id) WHERE m.periode = 'Trimestre 1' "
                       "ORDER BY m.matiere NULLS FIRST") == [
        ("DUPONT", None, 12.45, None), ("DUPONT", "FRANÇAIS", 13.5, "Atteint (sortie 15 €)"),
    ]


def _absences_doublons(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, a.debut, a.fin, a.motif FROM absences a JOIN eleves e USING (eleve_id)") == [
        ("DUPONT", dt.datetime(2025, 9, 8, 8, 0), dt.datetime(2025, 9, 8, 12, 0), "Maladie"),
    ]


def _punitions_euro(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, s.motif FROM sanctions s JOIN eleves e USING (eleve_id) ORDER BY e.nom") == [
        ("DUPONT", "Travail non fait"), ("LEFÈVRE", "Dégradation (facture 30 €)"),
    ]


def _punitions_doublons(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, s.date, s.nature FROM sanctions s JOIN eleves e USING (eleve_id)") == [
        ("DUPONT", dt.date(2025, 9, 18), "Retenue"),
    ]


def _rien(wh: Warehouse) -> None:
    comptes = wh.comptes()
    assert (comptes["sanctions"], comptes["competences"], comptes["notes"]) == (0, 0, 2)


def _pix_utf16(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, p.pix_total FROM pix_profils p JOIN eleves e USING (eleve_id)") == [
        ("DUPONT", 94.0),
    ]


def _pix_envois(wh: Warehouse) -> None:
    # le dernier envoi (03/11) l'emporte, bien qu'il soit la première ligne du fichier
    assert _lignes(wh, "SELECT e.nom, p.date_envoi, p.pix_total FROM pix_profils p JOIN eleves e USING (eleve_id)") == [
        ("DUPONT", dt.datetime(2025, 11, 3, 14, 30), 94.0),
    ]


def _lsu_latin1(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, m.matiere, m.moyenne FROM moyennes_pronote m JOIN eleves e USING (eleve_id) "
                       "WHERE m.source = 'lsu'") == [("DUPONT", "MATHEMATIQUES", 12.5)]


def _tableur_virgules(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, c.item, c.niveau FROM competences c JOIN eleves e USING (eleve_id) "
                       "ORDER BY e.nom") == [("DUPONT", "Calculer", 3), ("LEFÈVRE", "Écrire", 2)]


def _tableur_doublons(wh: Warehouse) -> None:
    assert _lignes(wh, "SELECT e.nom, c.item, c.niveau, c.date FROM competences c JOIN eleves e USING (eleve_id)") == [
        ("DUPONT", "Calculer", 3, dt.date(2025, 9, 5)),
    ]


ACCEPTES: list[Accepte] = [
    Accepte("pronote-eleves/utf16.csv", _utf16_eleves),
    Accepte("pronote-eleves/cp1252_euro.csv", _utf16_eleves),
    Accepte("pronote-notes/sans_bom.csv", _sans_bom),
    Accepte("pronote-notes/point_decimal.csv", _point_decimal),
    Accepte("pronote-notes/latin1.csv", _latin1),
    Accepte("pronote-notes/lignes_dupliquees.csv", _doublons_notes),
    # FRANÇAIS n'est pas encore connue de l'école (seulement MATHEMATIQUES) : acceptée comme nouvelle
    Accepte("pronote-resultats/cp1252_euro.csv", _resultats_euro, (*PERIODE, "--option", "nouvelles_matieres=oui")),
    Accepte("pronote-absences/lignes_dupliquees.csv", _absences_doublons),
    Accepte("pronote-punitions/cp1252_euro.csv", _punitions_euro),
    Accepte("pronote-punitions/lignes_dupliquees.csv", _punitions_doublons),
    Accepte("pronote-punitions/entete_seule.csv", _rien),
    Accepte("pronote-competences/entete_seule.csv", _rien),
    Accepte("pix/utf16.csv", _pix_utf16),
    Accepte("pix/envois_repetes.csv", _pix_envois),
    Accepte("lsu/latin1_declare.xml", _lsu_latin1),
    Accepte("tableur/virgule_separateur.csv", _tableur_virgules, AVEC_MAPPING),
    Accepte("tableur/lignes_dupliquees.csv", _tableur_doublons, AVEC_MAPPING),
]


@pytest.mark.parametrize("cas", ACCEPTES, ids=lambda c: c.fichier)
def test_fichier_accepte(cas: Accepte, ecole: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _importer(ecole, cas.sorte, CORPUS / cas.fichier, *cas.options)
    sortie = capsys.readouterr()
    assert code == 0, sortie.err
    with lecture(ecole) as wh:
        cas.verifier(wh)
        assert _noms(wh) == ECOLE
        statut = wh.con.execute("SELECT fichier, statut FROM imports ORDER BY import_id DESC LIMIT 1").fetchall()
    assert statut == [(Path(cas.fichier).name, "reussi")]


# --- Le corpus et son README se tiennent --------------------------------------------------------------


def _fichiers_du_corpus() -> set[str]:
    return {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file() and p.name != "README.md"}


def test_chaque_fichier_du_corpus_est_teste_et_documente() -> None:
    testes = {c.fichier for c in REFUS} | {c.fichier for c in ACCEPTES} | {
        Path(c.options[-1]).relative_to(CORPUS).as_posix() for c in REFUS if "--mapping" in c.options
    }
    assert _fichiers_du_corpus() == testes
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    absents = [f for f in sorted(_fichiers_du_corpus()) if f"`{f}`" not in readme]
    assert not absents


def test_corpus_couvre_chaque_connecteur_de_fichier() -> None:
    from connectors import SOURCES

    dossiers = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert dossiers == set(SOURCES) - {"pronote-live"}
    assert len(_fichiers_du_corpus()) >= 40
    assert max((CORPUS / f).stat().st_size for f in _fichiers_du_corpus()) < 4096  # petits fichiers
