"""pronote-eleves : la liste des élèves, ses variantes réelles et son écriture pour l'école de synthèse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from connectors import lire as lire_source
from connectors.pronote_eleves import accompagnement, lire, niveau_de_classe, separer_nom
from models.errors import ImportRejected
from models.records import Classe, Eleve
from sample_data.ecrire_pronote import ecrire_eleves

FIX = Path(__file__).parent / "fixtures" / "pronote"


def test_liste_bom_html_guillemets_et_drapeaux() -> None:
    lot = lire(FIX / "eleves_bom.csv")
    assert lot.effectif and lot.source == "pronote-eleves" and lot.lignes_lues == 5
    dupont, lefevre, ndiaye, martin3b, martin_pro = lot.eleves
    assert (dupont.nom, dupont.prenom, dupont.classe, dupont.sexe) == ("DUPONT", "Jean-Marie", "3A", "M")
    assert dupont.date_naissance == dt.date(2011, 3, 4) and dupont.entree == dt.date(2025, 9, 1)
    assert dupont.ine == "123456789AB" and dupont.groupes == ("LATIN", "EURO ANGLAIS")
    assert dupont.ligne == 2
    assert lefevre.prenom == 'Chloé "Coco" Anne' and lefevre.sexe == "F"  # icône seule → F
    assert ndiaye.sortie == dt.date(2026, 1, 15) and ndiaye.ine is None
    # seul le drapeau minimal est gardé ; le texte de diagnostic n'est stocké nulle part
    assert lefevre.accompagnement == {"PAP"}
    assert ndiaye.accompagnement == {"PAP"}
    assert martin3b.accompagnement == frozenset()
    assert martin_pro.accompagnement == {"ULIS", "PPS"}
    assert "arachide" not in lot.model_dump_json() and "dys" not in lot.model_dump_json()
    assert lot.classes == [
        Classe(nom="3A", niveau="3e", voie="college"),
        Classe(nom="3B", niveau="3e", voie="college"),
        Classe(nom="2 MELEC", niveau="2nde", voie="professionnel"),
    ]


def test_liste_cp1252_colonne_eleve_seule() -> None:
    lot = lire_source("pronote-eleves", FIX / "eleves_cp1252.csv")
    assert [(e.nom, e.prenom, e.sexe) for e in lot.eleves] == [
        ("DUPONT", "Jean-Marie", "M"), ("LEFÈVRE", "Chloé Anne", "F"), ("VAN DER BERG", "Élise", "F"),
    ]
    assert lot.eleves[1].accompagnement == {"PPS"}
    assert Classe(nom="TMA", niveau="Tle", voie="professionnel") in lot.classes


@pytest.mark.parametrize(
    ("nom", "formation", "attendu"),
    [
        ("6A", "", ("6e", "college")), ("5eme 2", "", ("5e", "college")), ("4B", "", ("4e", "college")),
        ("3 PREPA METIERS", "", ("3e", "college")), ("2NDE1", "", ("2nde", "general")),
        ("201", "", ("2nde", "general")), ("2 MELEC", "", ("2nde", "professionnel")),
        ("1 AGORA", "", ("1re", "professionnel")), ("1G2", "", ("1re", "general")),
        ("TMA", "", ("Tle", "professionnel")), ("TSTMG", "", ("Tle", "general")),
        ("Terminale 1", "", ("Tle", "general")), ("2A", "BAC PRO 3 ANS", ("2nde", "professionnel")),
        ("1 CAP ATMFC", "", ("CAP1", "cap")), ("CAP 2 ATMFC", "", ("CAP2", "cap")),
        ("ULIS", "", ("ULIS", "ulis")), ("Groupe A", "", None),
    ],
)
def test_niveau_deduit_du_nom_de_classe(nom: str, formation: str, attendu: tuple[str, str] | None) -> None:
    assert niveau_de_classe(nom, formation) == attendu


def test_separer_nom_et_drapeaux() -> None:
    assert separer_nom("DE LA TOUR D'AUVERGNE Marie Claire") == ("DE LA TOUR D'AUVERGNE", "Marie Claire")
    assert separer_nom("Dupont Jean") == ("Dupont", "Jean")
    assert accompagnement("PPRE - PAI") == frozenset()
    assert accompagnement("PAP, PPS") == {"PAP", "PPS"}


def test_classe_inconnue_en_anomalie(tmp_path: Path) -> None:
    f = tmp_path / "eleves.csv"
    f.write_bytes('Nom;Prénom;Classe\r\n"A";"B";"Groupe Z"\r\n'.encode("utf-8-sig"))
    lot = lire(f)
    assert lot.classes == [Classe(nom="Groupe Z", niveau="inconnu")]
    assert lot.anomalies[0].ligne == 2 and "Groupe Z" in lot.anomalies[0].message


def _refus(tmp_path: Path, contenu: str) -> str:
    f = tmp_path / "liste.csv"
    f.write_bytes(contenu.encode("utf-8-sig"))
    with pytest.raises(ImportRejected) as e:
        lire(f)
    return str(e.value)


def test_colonnes_manquantes(tmp_path: Path) -> None:
    msg = _refus(tmp_path, 'Nom;Sexe\r\n"A";"F"\r\n')
    assert msg.startswith("fichier « liste.csv », ligne 1, colonne « classe »")
    assert "colonnes trouvées : Nom | Sexe" in msg
    msg = _refus(tmp_path, 'Nom;Classe\r\n"A";"3A"\r\n')
    assert "ligne 1, colonne « prenom »" in msg


@pytest.mark.parametrize(
    ("ligne", "colonne", "raison"),
    [
        ('"A";"B";"3A";"32/01/2011";"F"', "Né(e) le", "n'est pas une date"),
        ('"A";"B";"3A";"01/01/2011";"Z"', "Sexe", "sexe illisible"),
        ('"A";"";"3A";"01/01/2011";"F"', "Prénoms", "prénom vide"),
    ],
)
def test_cellules_invalides(tmp_path: Path, ligne: str, colonne: str, raison: str) -> None:
    msg = _refus(tmp_path, f'Nom;Prénoms;Classe;Né(e) le;Sexe\r\n"X";"Y";"3A";;\r\n{ligne}\r\n')
    assert msg.startswith(f"fichier « liste.csv », ligne 3, colonne « {colonne} »")
    assert raison in msg


ELEVES = [
    Eleve(nom="DUPONT", prenom='Jean "Jo"', classe="3A", date_naissance=dt.date(2011, 3, 4), sexe="M",
          entree=dt.date(2025, 9, 1), groupes=("LATIN", "EURO ANGLAIS"), ine="123456789AB"),
    Eleve(nom="LEFÈVRE", prenom="Chloé", classe="2 MELEC", sexe="F", sortie=dt.date(2026, 2, 1),
          accompagnement=frozenset({"PAP", "ULIS"})),
]


@pytest.mark.parametrize("encodage", ["utf-8-sig", "cp1252"])
def test_aller_retour(tmp_path: Path, encodage: str) -> None:
    f = tmp_path / "eleves.csv"
    ecrire_eleves(f, ELEVES, encodage=encodage)
    brut = f.read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf") == (encodage == "utf-8-sig")
    assert b"\r\n" in brut and b"icon_venus" in brut and "LEFÈVRE".encode(encodage.replace("-sig", "")) in brut
    lot = lire(f)
    assert [e.model_copy(update={"ligne": None}) for e in lot.eleves] == ELEVES
    assert lot.classes == [Classe(nom="3A", niveau="3e"), Classe(nom="2 MELEC", niveau="2nde", voie="professionnel")]


def test_option_annee_de_la_liste():
    # L'export de Pronote ne dit pas son année (une base par année) : l'option la donne, vérifiée.
    f = Path(__file__).parent / "fixtures" / "pronote" / "eleves_bom.csv"
    assert lire_source("pronote-eleves", f, annee="2024-2025").annee == "2024-2025"
    assert lire_source("pronote-eleves", f, annee=" 2024/2025 ").annee == "2024-2025"
    assert lire_source("pronote-eleves", f).annee is None
    for mauvaise in ("2024", "2024-2026", "deux mille"):
        with pytest.raises(ImportRejected, match="année scolaire illisible"):
            lire_source("pronote-eleves", f, annee=mauvaise)
