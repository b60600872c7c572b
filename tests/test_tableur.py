"""Connecteur tableur : grilles .csv/.xlsx/.ods lues par une correspondance TOML, refus nommant fichier,
feuille, ligne et colonne, correspondance invalide nommant la clé, grille ULIS de l'école synthétique."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from connectors import lire as lire_sorte
from connectors import tableur
from models.errors import ImportRejected
from models.records import Evaluation, RefEleve, StatutCompetence
from sample_data.ecrire_tableur import ecrire_grille_ulis
from tests.conftest import FIXTURES

DOSSIER = FIXTURES / "tableur"
RACINE = Path(__file__).resolve().parents[1]
GRILLE_ULIS = RACINE / "sample_data" / "grille_ulis.toml"

S = StatutCompetence


def _mapping(tmp_path: Path, texte: str, nom: str = "m.toml") -> Path:
    f = tmp_path / nom
    f.write_text(texte, encoding="utf-8")
    return f


# --- Disposition longue (CSV) -------------------------------------------------------------------------


def test_csv_long_nom_prenom_lettres_pronote() -> None:
    lot = tableur.lire(DOSSIER / "competences_longues.csv", mapping=DOSSIER / "competences_longues.toml")
    assert lot.source == "tableur" and lot.lignes_lues == 5
    vues = [
        (e.eleve.nom, e.eleve.prenom, e.eleve.classe, e.eleve.ligne, e.domaine, e.item, e.niveau, e.statut,
         e.libelle_source, e.date, e.evaluateur)
        for e in lot.evaluations
    ]
    assert vues == [
        ("DUPONT", "Jean-Marie", "3A", 2, "Mathématiques", "Résoudre un problème", 4, S.EVALUE, "A+",
         dt.date(2025, 9, 5), "M. Roche"),
        ("DUPONT", "Jean-Marie", "3A", 3, "Mathématiques", "Calculer", 2, S.EVALUE, "c", dt.date(2025, 9, 5),
         "M. Roche"),
        ("LEFEVRE", "Chloé Anne", "3A", 4, "Français", "Écrire", None, S.ABSENT, "Abs", dt.date(2025, 9, 12),
         "Mme Sow"),
        ("N DIAYE", "Aïssa", "3A", 5, "Français", "Écrire", 1, S.EVALUE, "E", dt.date(2025, 9, 12), "Mme Sow"),
    ]
    assert {e.referentiel for e in lot.evaluations} == {"Compétences disciplinaires"}
    # MARTIN n'a pas de niveau : ligne écartée et signalée, pas une évaluation
    assert [(a.ligne, a.colonne) for a in lot.anomalies] == [(6, "F")]


def test_csv_import_dans_l_entrepot(ecole) -> None:
    lot = lire_sorte("tableur", DOSSIER / "competences_longues.csv", mapping=DOSSIER / "competences_longues.toml")
    res = ecole.importer(lot)
    assert res.statut == "reussi", res.message
    vue = ecole.sql(
        "SELECT e.nom, c.item, c.niveau, c.statut FROM competences c JOIN eleves e USING (eleve_id) "
        "ORDER BY e.nom, c.item"
    )
    assert vue.rows() == [
        ("DUPONT", "Calculer", 2, "evalue"),
        ("DUPONT", "Résoudre un problème", 4, "evalue"),
        ("LEFÈVRE", "Écrire", None, "absent"),
        ("N'DIAYE", "Écrire", 1, "evalue"),
    ]


def test_niveau_inconnu_nomme_fichier_ligne_colonne(tmp_path: Path) -> None:
    texte = (DOSSIER / "competences_longues.csv").read_text(encoding="utf-8-sig").replace(";E;", ";B;")
    f = tmp_path / "notes.csv"
    f.write_text(texte, encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        tableur.lire(f, mapping=DOSSIER / "competences_longues.toml")
    assert (err.value.fichier, err.value.ligne, err.value.colonne) == ("notes.csv", 5, "F")
    assert "« B »" in err.value.raison and "A+" in err.value.raison


def test_colonne_absente_nomme_la_cle(tmp_path: Path) -> None:
    m = (DOSSIER / "competences_longues.toml").read_text(encoding="utf-8").replace('"Compétence"', '"Item"')
    with pytest.raises(ImportRejected) as err:
        tableur.lire(DOSSIER / "competences_longues.csv", mapping=_mapping(tmp_path, m))
    assert err.value.ligne == 1
    assert "« Item »" in err.value.raison and "colonnes.item" in err.value.raison


def test_date_illisible(tmp_path: Path) -> None:
    texte = (DOSSIER / "competences_longues.csv").read_text(encoding="utf-8-sig").replace("05/09/2025", "5 sept.", 1)
    f = tmp_path / "dates.csv"
    f.write_text(texte, encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        tableur.lire(f, mapping=DOSSIER / "competences_longues.toml")
    assert (err.value.ligne, err.value.colonne) == (2, "G")


# --- Correspondances invalides ------------------------------------------------------------------------

_BASE = """
disposition = "longue"
referentiel = "R"
date = "01/09/2025"
[colonnes]
eleve = "Élève"
domaine = "Domaine"
item = "Item"
niveau = "Niveau"
"""


@pytest.mark.parametrize(
    ("avant", "apres", "cle"),
    [
        ('disposition = "longue"', 'disposition = "diagonale"', "disposition"),
        ('disposition = "longue"', 'dispositon = "longue"', "dispositon"),
        ('eleve = "Élève"', 'eleve = "Élève"\nnom = "Nom"', "colonnes.eleve"),
        ('eleve = "Élève"', 'prenom = "Prénom"', "colonnes.eleve"),
        ('referentiel = "R"', "", "referentiel"),
        ('date = "01/09/2025"', 'date = "le 1er septembre"', "date"),
        ('item = "Item"', "", "colonnes.item"),
        ('disposition = "longue"', 'disposition = "large"', "colonnes.item"),
        ('niveau = "Niveau"', 'niveau = "Niveau"\n[niveaux]\n"Réussi" = 5', "niveaux.Réussi"),
        ('[colonnes]', 'ligne_entete = 0\n[colonnes]', "ligne_entete"),
    ],
)
def test_correspondance_invalide_nomme_la_cle(tmp_path: Path, avant: str, apres: str, cle: str) -> None:
    assert avant in _BASE
    m = _mapping(tmp_path, _BASE.replace(avant, apres))
    with pytest.raises(ImportRejected) as err:
        tableur.charger_correspondance(m)
    assert err.value.fichier == "m.toml"
    assert f"clé « {cle} »" in str(err.value)


def test_correspondance_toml_mal_ecrite(tmp_path: Path) -> None:
    m = _mapping(tmp_path, 'disposition = "longue"\nreferentiel = \n')
    with pytest.raises(ImportRejected) as err:
        tableur.charger_correspondance(m)
    assert err.value.ligne == 2 and "TOML" in err.value.raison


def test_sans_correspondance() -> None:
    with pytest.raises(ImportRejected, match="--mapping"):
        tableur.lire(DOSSIER / "competences_longues.csv")


def test_echelles_predefinies_ne_se_chevauchent_pas() -> None:
    cles = [tableur.cle_libelle(k) for e in tableur.ECHELLES.values() for k in e]
    assert len(cles) == len(set(cles))
    table = tableur.Correspondance.model_validate(
        {"referentiel": "R", "date": "01/09/2025", "colonnes": {"eleve": "É", "item": "I", "niveau": "N", "domaine": "D"}}
    ).libelles()
    assert table["a+"] == (4, S.EVALUE) and table["a"] == (3, S.EVALUE)
    assert table["tbm"] == (4, S.EVALUE) and table["maitrise fragile"] == (2, S.EVALUE)
    assert table["en cours d'acquisition"] == (2, S.EVALUE) and table["vv"] == (4, S.EVALUE)
    assert table["ne"] == (None, S.NON_EVALUE)


# --- Grille ULIS (.xlsx, large) -----------------------------------------------------------------------


def _ulis() -> list[Evaluation]:
    martin = RefEleve(nom="MARTIN", prenom="Lucas", classe="2 MELEC")
    aissa = RefEleve(nom="N'DIAYE", prenom="Aïssa", classe="3A")
    t2, t3 = dt.date(2026, 3, 6), dt.date(2026, 6, 12)

    def ev(r: RefEleve, d: str, i: str, n: int | None, quand: dt.date, s: S = S.EVALUE) -> Evaluation:
        return Evaluation(eleve=r, referentiel="ULIS", domaine=d, item=i, niveau=n, statut=s, libelle_source="-",
                          date=quand, contexte="ULIS")

    return [
        ev(martin, "Lire", "Déchiffrer un mot", 3, t2),
        ev(martin, "Lire", "Comprendre une consigne", 2, t2),
        ev(martin, "Compter", "Additionner", None, t2, S.ABSENT),
        ev(martin, "Autonomie", "Ranger son matériel", 4, t2),
        ev(aissa, "Lire", "Déchiffrer un mot", 1, t2),
        ev(martin, "Lire", "Déchiffrer un mot", 4, t3),
        ev(aissa, "Compter", "Additionner", None, t3, S.NON_EVALUE),
    ]


def test_grille_ulis_aller_retour(tmp_path: Path) -> None:
    f = tmp_path / "grille_ulis.xlsx"
    ecrire_grille_ulis(f, _ulis())
    lot = tableur.lire(f, mapping=GRILLE_ULIS)
    assert not lot.anomalies
    lues = sorted(
        (e.date, e.eleve.nom_complet, e.eleve.classe, e.domaine, e.item, e.niveau, e.statut, e.libelle_source)
        for e in lot.evaluations
    )
    t2, t3 = dt.date(2026, 3, 6), dt.date(2026, 6, 12)
    assert lues == sorted([
        (t2, "MARTIN Lucas", "2 MELEC", "Lire", "Déchiffrer un mot", 3, S.EVALUE, "Acquis"),
        (t2, "MARTIN Lucas", "2 MELEC", "Lire", "Comprendre une consigne", 2, S.EVALUE, "En cours d'acquisition"),
        (t2, "MARTIN Lucas", "2 MELEC", "Compter", "Additionner", None, S.ABSENT, "Absent"),
        (t2, "MARTIN Lucas", "2 MELEC", "Autonomie", "Ranger son matériel", 4, S.EVALUE, "Dépassé"),
        (t2, "N'DIAYE Aïssa", "3A", "Lire", "Déchiffrer un mot", 1, S.EVALUE, "Non acquis"),
        (t3, "MARTIN Lucas", "2 MELEC", "Lire", "Déchiffrer un mot", 4, S.EVALUE, "Dépassé"),
        (t3, "N'DIAYE Aïssa", "3A", "Compter", "Additionner", None, S.NON_EVALUE, "Non évalué"),
    ])
    assert {(e.referentiel, e.contexte) for e in lot.evaluations} == {("ULIS", "ULIS")}


def test_grille_ulis_import_dans_l_entrepot(ecole, tmp_path: Path) -> None:
    f = tmp_path / "grille_ulis.xlsx"
    ecrire_grille_ulis(f, _ulis())
    res = ecole.importer(lire_sorte("tableur", f, mapping=GRILLE_ULIS))
    assert res.statut == "reussi", res.message
    vue = ecole.sql(
        "SELECT e.classe, c.domaine, c.item, c.niveau, c.statut, c.date FROM competences c "
        "JOIN eleves e USING (eleve_id) WHERE c.referentiel = 'ULIS' ORDER BY c.date, e.classe, c.item"
    )
    assert vue.rows() == [
        ("2 MELEC", "Compter", "Additionner", None, "absent", dt.date(2026, 3, 6)),
        ("2 MELEC", "Lire", "Comprendre une consigne", 2, "evalue", dt.date(2026, 3, 6)),
        ("2 MELEC", "Lire", "Déchiffrer un mot", 3, "evalue", dt.date(2026, 3, 6)),
        ("2 MELEC", "Autonomie", "Ranger son matériel", 4, "evalue", dt.date(2026, 3, 6)),
        ("3A", "Lire", "Déchiffrer un mot", 1, "evalue", dt.date(2026, 3, 6)),
        ("2 MELEC", "Lire", "Déchiffrer un mot", 4, "evalue", dt.date(2026, 6, 12)),
        ("3A", "Compter", "Additionner", None, "non_evalue", dt.date(2026, 6, 12)),
    ]


def test_xlsx_niveau_inconnu_nomme_feuille_ligne_colonne(tmp_path: Path) -> None:
    import openpyxl

    f = tmp_path / "grille.xlsx"
    ecrire_grille_ulis(f, _ulis())
    classeur = openpyxl.load_workbook(f)
    ws = classeur["Bilan 06-03-2026"]
    assert ws["G2"].value == "Comprendre une consigne" and ws["G3"].value == "En cours d'acquisition"
    ws["G3"] = "Presque"
    classeur.save(f)
    with pytest.raises(ImportRejected) as err:
        tableur.lire(f, mapping=GRILLE_ULIS)
    assert (err.value.fichier, err.value.ligne, err.value.colonne) == ("grille.xlsx", 3, "G")
    assert "feuille « Bilan 06-03-2026 »" in err.value.raison and "« Presque »" in err.value.raison


@pytest.mark.parametrize("contenu", ["zip_texte", "octets", "vide"])
def test_xlsx_corrompu_ou_faux(tmp_path: Path, contenu: str) -> None:
    f = tmp_path / "faux.xlsx"
    if contenu == "zip_texte":
        with zipfile.ZipFile(f, "w") as z:
            z.writestr("lisezmoi.txt", "ceci n'est pas un classeur")
    elif contenu == "octets":
        f.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    else:
        f.write_bytes(b"")
    with pytest.raises(ImportRejected) as err:
        tableur.lire(f, mapping=GRILLE_ULIS)
    assert err.value.fichier == "faux.xlsx"


def test_xlsx_avec_entites_refuse(tmp_path: Path) -> None:
    sain = tmp_path / "sain.xlsx"
    ecrire_grille_ulis(sain, _ulis())
    piege = tmp_path / "piege.xlsx"
    with zipfile.ZipFile(sain) as zin, zipfile.ZipFile(piege, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                texte = data.decode()
                assert "<t>Acquis</t>" in texte
                data = (
                    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                    + texte.replace("<t>Acquis</t>", "<t>&b;</t>", 1)
                ).encode()
            zout.writestr(info, data)
    with pytest.raises(ImportRejected, match="DTD, entités"):
        tableur.lire(piege, mapping=GRILLE_ULIS)


def test_xls_refuse(tmp_path: Path) -> None:
    f = tmp_path / "vieux.xls"
    f.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportRejected, match=r"\.xlsx"):
        tableur.lire(f, mapping=GRILLE_ULIS)


# --- Grille large en .ods -----------------------------------------------------------------------------


def _ods(chemin: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="ULIS 2025")

    def ligne(*valeurs: object, repet: int | None = None) -> None:
        tr = TableRow(numberrowsrepeated=repet) if repet else TableRow()
        for v in valeurs:
            if v is None:
                tr.addElement(TableCell())
            elif isinstance(v, int):
                c = TableCell(valuetype="float", value=v)
                c.addElement(P(text=str(v)))
                tr.addElement(c)
            else:
                c = TableCell(valuetype="string")
                c.addElement(P(text=v))
                tr.addElement(c)
        tr.addElement(TableCell(numbercolumnsrepeated=16000))  # remplissage de LibreOffice
        table.addElement(tr)

    ligne("Grille ULIS — année 2025-2026")
    ligne(None, None, None, "Lire", None, "Compter")
    ligne("Nom", "Prénom", "Classe", "Déchiffrer", "Comprendre", "Additionner", "Remarques")
    ligne("MARTIN", "Lucas", "2 MELEC", 3, 2, "NE", "progrès")
    ligne("N'DIAYE", "Aïssa", "3A", 4, None, 1)
    ligne(repet=1048000)
    doc.spreadsheet.addElement(table)
    doc.save(str(chemin))


def test_ods_grille_large(tmp_path: Path) -> None:
    f = tmp_path / "grille.ods"
    _ods(f)
    m = _mapping(tmp_path, """
disposition = "large"
ligne_domaines = 2
ligne_entete = 3
referentiel = "ULIS"
date = 2026-06-15
echelle = "1-4"
ignorer = ["Remarques"]
[colonnes]
nom = "Nom"
prenom = "Prénom"
classe = "Classe"
""")
    lot = tableur.lire(f, mapping=m)
    assert lot.lignes_lues == 2
    assert [(e.eleve.nom, e.eleve.ligne, e.domaine, e.item, e.niveau, e.statut) for e in lot.evaluations] == [
        ("MARTIN", 4, "Lire", "Déchiffrer", 3, S.EVALUE),
        ("MARTIN", 4, "Lire", "Comprendre", 2, S.EVALUE),
        ("MARTIN", 4, "Compter", "Additionner", None, S.NON_EVALUE),
        ("N'DIAYE", 5, "Lire", "Déchiffrer", 4, S.EVALUE),
        ("N'DIAYE", 5, "Compter", "Additionner", 1, S.EVALUE),
    ]
    assert {e.date for e in lot.evaluations} == {dt.date(2026, 6, 15)}


def test_ods_corrompu(tmp_path: Path) -> None:
    f = tmp_path / "abime.ods"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content")
    with pytest.raises(ImportRejected) as err:
        tableur.lire(f, mapping=GRILLE_ULIS)
    assert err.value.fichier == "abime.ods" and "OpenDocument" in err.value.raison
