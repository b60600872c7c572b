"""pronote-resultats : le tableau des résultats d'une classe (matières sur plusieurs lignes d'en-tête)."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import lire as lire_source
from connectors.pronote_eleves import lire as lire_eleves
from connectors.pronote_resultats import lire
from models.errors import ImportRejected
from models.records import MoyenneSource, RefEleve
from models.warehouse import Warehouse
from sample_data.ecrire_pronote import ecrire_eleves, ecrire_resultats
from tests.conftest import ELEVES

FIX = Path(__file__).parent / "fixtures" / "pronote"


def _lignes(lot) -> list[tuple]:  # noqa: ANN001
    return [(m.eleve.nom_complet, m.matiere, m.moyenne, m.rang, m.positionnement, m.moyenne_classe,
             m.min_classe, m.max_classe) for m in lot.moyennes]


def test_deux_lignes_d_entete_bom_et_totaux() -> None:
    lot = lire(FIX / "resultats_3A.csv", classe="3A", periode="Trimestre 1")
    assert lot.source == "pronote-resultats" and lot.lignes_lues == 6
    assert {m.periode for m in lot.moyennes} == {"Trimestre 1"}
    assert {m.eleve.classe for m in lot.moyennes} == {"3A"}
    assert _lignes(lot) == [
        ("DUPONT Jean-Marie", None, 12.45, 2, None, 13.28, 12.45, 14.1),
        ("DUPONT Jean-Marie", "FRANÇAIS", 13.5, None, "Atteint", 13.75, 13.5, 14.0),
        ("DUPONT Jean-Marie", "MATHEMATIQUES", 11.4, None, "Partiellement atteint", 10.58, 9.75, 11.4),
        ("DUPONT Jean-Marie", "LATIN", 15.0, None, None, 15.0, 15.0, 15.0),
        # moyenne générale vide : gardée vide, jamais 0 ; « Disp » : moyenne inconnue ; pas de latin
        ("LEFÈVRE Chloé Anne", None, None, 1, None, 13.28, 12.45, 14.1),
        ("LEFÈVRE Chloé Anne", "FRANÇAIS", None, None, None, 13.75, 13.5, 14.0),
        ("N'DIAYE Aïssa", None, 14.1, 1, None, 13.28, 12.45, 14.1),
        ("N'DIAYE Aïssa", "FRANÇAIS", 14.0, None, "Dépassé", 13.75, 13.5, 14.0),
        ("N'DIAYE Aïssa", "MATHEMATIQUES", 9.75, None, "Non atteint", 10.58, 9.75, 11.4),
    ]
    assert lot.moyennes[0].eleve.ligne == 3


def test_trois_lignes_d_entete_cp1252_colonne_classe() -> None:
    lot = lire_source("pronote-resultats", FIX / "resultats_cp1252.csv", periode="Semestre 1")
    assert _lignes(lot) == [
        ("MARTIN Lucas", None, 10.0, None, None, 10.0, None, None),
        ("MARTIN Lucas", "ÉDUCATION MUSICALE", 12.5, None, "Atteint (5 €)", 12.5, None, None),
        ("MARTIN Lucas", "PHYSIQUE-CHIMIE", 7.5, None, None, 7.5, None, None),
    ]
    assert lot.moyennes[0].eleve.classe == "3B"


def test_une_seule_ligne_d_entete(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes('Élève;Moy. gén.;ANGLAIS LV1;SVT\r\n"A B";"11,5";"12";""\r\n'.encode("utf-8-sig"))
    lot = lire(f, classe="4C", periode="Trimestre 2")
    assert [(m.matiere, m.moyenne) for m in lot.moyennes] == [(None, 11.5), ("ANGLAIS LV1", 12.0)]


def _refus(tmp_path: Path, contenu: str, **options: str) -> str:
    f = tmp_path / "resultats.csv"
    f.write_bytes(contenu.encode("cp1252"))
    with pytest.raises(ImportRejected) as e:
        lire(f, **options)
    return str(e.value)


ENTETE = "Élève;Rang;Moyenne générale;FRANÇAIS;\r\n;;;Moyenne;Positionnement\r\n"


@pytest.mark.parametrize(
    ("ligne", "colonne", "raison"),
    [
        ('"A B";2;"21,00";"";""', "Moyenne générale", "hors de 0–20"),
        ('"A B";2;"12";"douze";""', "FRANÇAIS / Moyenne", "n'est pas un nombre"),
        ('"A B";"premier";"12";"";""', "Rang", "rang illisible"),
    ],
)
def test_cellules_refusees(tmp_path: Path, ligne: str, colonne: str, raison: str) -> None:
    msg = _refus(tmp_path, ENTETE + '"C D";1;"12";"12";""\r\n' + ligne + "\r\n", classe="3A", periode="T1")
    assert msg.startswith(f"fichier « resultats.csv », ligne 4, colonne « {colonne} » : ")
    assert raison in msg


def test_entetes_et_options_refusees(tmp_path: Path) -> None:
    msg = _refus(tmp_path, ENTETE + '"C D";1;"12";"12";""\r\n', classe="3A")
    assert msg.startswith("fichier « resultats.csv » : ") and "option periode" in msg
    msg = _refus(tmp_path, ENTETE + '"C D";1;"12";"12";""\r\n', periode="T1")
    assert msg.startswith("fichier « resultats.csv », ligne 2, colonne « Classe »")
    msg = _refus(tmp_path, "Rang;FRANÇAIS\r\n;Moyenne\r\n1;\"12\"\r\n", classe="3A", periode="T1")
    assert msg.startswith("fichier « resultats.csv », ligne 2, colonne « eleve »")
    assert "colonnes trouvées : Rang | FRANÇAIS / Moyenne" in msg
    msg = _refus(tmp_path, "Élève;FRANÇAIS;\r\n;Moyenne;Commentaire\r\n\"A\";\"12\";\"\"\r\n", classe="3A", periode="T1")
    assert msg.startswith("fichier « resultats.csv », ligne 2, colonne 3 : colonne « FRANÇAIS / Commentaire »")


MOYENNES = [
    MoyenneSource(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), periode="Trimestre 1",
                  rang=2, moyenne=12.45),
    MoyenneSource(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), periode="Trimestre 1",
                  matiere="FRANÇAIS", moyenne=13.5, positionnement='Atteint "+"'),
    MoyenneSource(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), periode="Trimestre 1",
                  matiere="MATHÉMATIQUES", moyenne=None),  # masquée
    MoyenneSource(eleve=RefEleve(nom="N'DIAYE", prenom="Aïssa", classe="3A"), periode="Trimestre 1",
                  rang=1, moyenne=14.05),
    MoyenneSource(eleve=RefEleve(nom="N'DIAYE", prenom="Aïssa", classe="3A"), periode="Trimestre 1",
                  matiere="MATHÉMATIQUES", moyenne=9.75),
    MoyenneSource(eleve=RefEleve(nom_complet="MARTIN Lucas", classe="3B"), periode="Trimestre 1", moyenne=8.0),
]


@pytest.mark.parametrize("encodage", ["utf-8-sig", "cp1252"])
def test_aller_retour(tmp_path: Path, encodage: str) -> None:
    f = tmp_path / "resultats.csv"
    ecrire_resultats(f, "3A", MOYENNES, encodage=encodage)
    brut = f.read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf") == (encodage == "utf-8-sig")
    assert b'"Atteint "+""' in brut and b'"Moyenne de la classe"' in brut and b'"12,45"' in brut
    lot = lire(f, classe="3A", periode="Trimestre 1")
    # les statistiques de classe sont calculées par le générateur : moyenne (12,45 + 14,05) / 2 = 13,25 ;
    # le rang, la période, les moyennes (masquée comprise) reviennent à l'identique
    assert _lignes(lot) == [
        ("DUPONT Jean-Marie", None, 12.45, 2, None, 13.25, 12.45, 14.05),
        ("DUPONT Jean-Marie", "FRANÇAIS", 13.5, None, 'Atteint "+"', 13.5, 13.5, 13.5),
        ("DUPONT Jean-Marie", "MATHÉMATIQUES", None, None, None, 9.75, 9.75, 9.75),
        ("N'DIAYE Aïssa", None, 14.05, 1, None, 13.25, 12.45, 14.05),
        ("N'DIAYE Aïssa", "MATHÉMATIQUES", 9.75, None, None, 9.75, 9.75, 9.75),
    ]


def test_import_dans_l_entrepot_liste_puis_resultats(tmp_path: Path) -> None:
    liste = tmp_path / "eleves.csv"
    ecrire_eleves(liste, ELEVES, encodage="cp1252")
    with Warehouse() as wh:
        assert wh.importer(lire_eleves(liste)).statut == "reussi"
        res = wh.importer(lire(FIX / "resultats_3A.csv", classe="3A", periode="Trimestre 1"))
        assert res.statut == "reussi", res.message
        rows = wh.sql(
            "SELECT e.nom, m.matiere, m.moyenne, m.rang, m.moyenne_classe, m.periode, m.source "
            "FROM moyennes_pronote m JOIN eleves e USING (eleve_id) WHERE e.nom = 'DUPONT' "
            "ORDER BY m.matiere NULLS FIRST").rows()
        assert rows == [
            ("DUPONT", None, 12.45, 2, 13.28, "Trimestre 1", "pronote"),
            ("DUPONT", "FRANÇAIS", 13.5, None, 13.75, "Trimestre 1", "pronote"),
            ("DUPONT", "LATIN", 15.0, None, 15.0, "Trimestre 1", "pronote"),
            ("DUPONT", "MATHEMATIQUES", 11.4, None, 10.58, "Trimestre 1", "pronote"),
        ]
        assert wh.valeur("SELECT count(*) FROM moyennes_pronote") == 9
