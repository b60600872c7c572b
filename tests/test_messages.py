"""Les refus d'import sont en français : aucun texte anglais de bibliothèque (expat, tomllib, pydantic,
csv, zip, openpyxl, odfpy) ne doit atteindre la personne qui importe.

Chaque fichier refusé du corpus (``tests/corpus/``) et quelques cas fabriqués (TOML cassé, XML coupé,
classeur abîmé, valeurs hors bornes) passent par le connecteur ; le message complet (raison et détails)
ne doit contenir aucun mot des messages anglais des bibliothèques. Quelques messages sont épinglés mot
pour mot.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

import connectors
from connectors import tableur
from models import messages
from models.errors import ImportRejected, SettingsError
from models.records import Devoir, Note, RefEleve
from models.reglages import charger_reglages, valider
from tests.test_corpus import CORPUS, MAPPING, REFUS, Refus

#: Mots des messages anglais d'expat, tomllib, pydantic, csv, zipfile, du système et des traces Python.
#: « invalide », « valide », « attendu », « ligne 3 » ne tombent pas dedans (limites de mot, casse).
ANGLAIS = re.compile(
    r"\b(invalid|expected|not well-formed|token|mismatched|no element found|junk|unclosed|unterminated"
    r"|illegal|found|should|required|must|value|input|error|traceback|line \d+|column \d+"
    r"|at end of document|field|string|permission denied|no such file|is a directory"
    r"|BadZipFile|KeyError|OSError|ValueError|TypeError|UnicodeDecodeError|ValidationError)\b",
    re.IGNORECASE,
)


def anglais(texte: str) -> list[str]:
    """Les mots anglais du message, hors ligne « message technique d'origine » (réservée aux cas imprévus)."""
    lignes = [l for l in texte.splitlines() if "message technique d'origine" not in l]
    return ANGLAIS.findall("\n".join(lignes))


def test_le_filtre_reconnait_l_anglais() -> None:
    """Le test ne peut pas passer à vide : les anciens messages sont bien repérés, le français non."""
    assert anglais("XML mal formé (not well-formed (invalid token))")
    assert anglais("TOML invalide (Illegal character '\\n')")
    assert anglais("champ « uai » invalide : String should match pattern '^\\d{7}[A-Z]$'")
    assert anglais("classeur Excel illisible ou corrompu (OSError)")
    assert anglais("Fichier mal formé : Invalid value (at line 1, column 8)")
    assert not anglais("fichier « a.toml », ligne 3, colonne 27 : TOML invalide : guillemet non fermé ; valeur "
                       "attendue, le type de note")


# --- Tout le corpus -----------------------------------------------------------------------------------


def _options(cas: Refus) -> dict[str, str]:
    opts = dict(zip(cas.options[::2], cas.options[1::2]))
    res = {}
    if "--mapping" in opts:
        res["mapping"] = opts["--mapping"]
    if "--periode" in opts:
        res["periode"] = opts["--periode"]
    return res


# les refus que seul l'entrepôt prononce (élève inconnu, date hors année) : le connecteur accepte le fichier
_PAR_LE_CONNECTEUR = [c for c in REFUS if c.fragment and "hors des années scolaires" not in c.fragment
                      and "proches" not in c.fragment and "=MARTIN" not in c.fragment]


@pytest.mark.parametrize("cas", _PAR_LE_CONNECTEUR, ids=lambda c: c.fichier + ":" + c.fragment[:20])
def test_refus_du_corpus_sans_anglais(cas: Refus) -> None:
    with pytest.raises(ImportRejected) as err:
        connectors.lire(cas.sorte, CORPUS / cas.fichier, **_options(cas))
    assert cas.fragment in str(err.value)
    assert anglais(str(err.value)) == [], str(err.value)


# --- Cas fabriqués : TOML, XML, classeurs, pydantic ----------------------------------------------------

_ETAB = '[etablissement]\nuai = "0750001A"\nnom = "Collège"\n\n[[periodes]]\nnom = "T1"\nannee = "2025-2026"\n' \
        'debut = 2025-09-01\nfin = 2025-11-30\n'


@pytest.mark.parametrize(
    ("avant", "apres", "lieu", "fragment"),
    [
        ('nom = "Collège"', 'nom = Collège', (3, 7), "valeur illisible"),
        ('[[periodes]]', '[[periodes]', (5, 11), "« ]] » manquant"),
        ('nom = "T1"', 'nom = "T1"\nnom = "T2"', (7, 11), "la même clé reçoit deux valeurs"),
        ('debut = 2025-09-01', 'debut = [2025-09-01', (9, 1), "liste non fermée"),
        ('nom = "Collège"', 'nom "Collège"', (3, 5), "« = » manquant"),
        ('nom = "Collège"', 'nom = "C:\\dossier"', (3, 12), "barre oblique inverse"),
    ],
)
def test_toml_casse_en_francais_avec_ligne_et_colonne(tmp_path: Path, avant, apres, lieu, fragment) -> None:
    f = tmp_path / "etab.toml"
    f.write_text(_ETAB.replace(avant, apres), encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", f)
    assert (err.value.ligne, err.value.colonne) == lieu
    assert fragment in err.value.raison and err.value.raison.startswith("TOML invalide : ")
    assert anglais(str(err.value)) == []


def test_toml_casse_message_exact(tmp_path: Path) -> None:
    f = tmp_path / "etab.toml"
    f.write_text('[etablissement]\nuai = "0750001A\n', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", f)
    assert str(err.value) == (
        "fichier « etab.toml », ligne 2, colonne 16 : TOML invalide : guillemet non fermé : un texte entre "
        "guillemets doit se terminer sur la même ligne. Corrigez cette ligne puis relancez l'import"
    )


def test_toml_en_fin_de_document_situe_a_la_derniere_ligne(tmp_path: Path) -> None:
    f = tmp_path / "etab.toml"
    f.write_text('[etablissement]\nuai = "0750001A"\nnom = "Collège', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", f)
    assert (err.value.ligne, err.value.colonne) == (3, None)
    assert "guillemet non fermé" in err.value.raison
    assert anglais(str(err.value)) == []


@pytest.mark.parametrize(
    ("avant", "apres", "exact"),
    [
        ('uai = "0750001A"', 'uai = "75001"',
         "fichier « etab.toml », colonne « etablissement » : section etablissement, champ « uai » invalide : "
         "« 75001 » : n'a pas la forme attendue (7 chiffres puis une lettre majuscule, par exemple 0750001A)"),
        ('annee = "2025-2026"', 'annee = "2025/26"',
         "fichier « etab.toml », colonne « periodes[1] » : section periodes n°1, champ « annee » invalide : "
         "« 2025/26 » : n'a pas la forme attendue (deux années séparées d'un tiret, par exemple 2025-2026)"),
        ('debut = 2025-09-01', 'debut = "le 1er septembre"',
         "fichier « etab.toml », colonne « periodes[1] » : section periodes n°1, champ « debut » invalide : "
         "« le 1er septembre » : n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ attendu)"),
        ('nom = "T1"\n', '',
         "fichier « etab.toml », colonne « periodes[1] » : section periodes n°1, champ « nom » invalide : "
         "il manque (ajoutez une ligne nom = …)"),
    ],
)
def test_etablissement_pydantic_message_exact(tmp_path: Path, avant: str, apres: str, exact: str) -> None:
    f = tmp_path / "etab.toml"
    f.write_text(_ETAB.replace(avant, apres), encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", f)
    assert str(err.value) == exact


def test_matiere_coefficient_hors_bornes(tmp_path: Path) -> None:
    f = tmp_path / "etab.toml"
    f.write_text(_ETAB + '\n[[matieres]]\nlibelle = "MATHS"\ncoefficient = 150\n', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", f)
    assert err.value.raison == "section matieres n°1, champ « coefficient » invalide : « 150 » : doit être au plus 99"


_LSU = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<lsun-bilans xmlns="urn:fr:edu:scolarite:lsun:bilans:import">\n<entete>\n</entete>\n</lsun-bilans>\n')


@pytest.mark.parametrize(
    ("contenu", "lieu", "exact"),
    [
        (_LSU.replace(b"</entete>", b"</entet>"), (4, 3),
         "XML mal formé : balise fermante qui ne correspond pas à la balise ouverte : le fichier a été modifié "
         "ou abîmé ; exportez-le de nouveau"),
        (_LSU + b"<encore/>", (6, 1),
         "XML mal formé : du contenu suit la fin du document : deux fichiers ont peut-être été collés l'un "
         "après l'autre"),
        (_LSU.replace(b"<entete>", b"<entete a='1' a='2'>"), (3, 15),
         "XML mal formé : le même attribut apparaît deux fois dans une balise"),
        (_LSU.replace(b"<entete>", b"<entete>&nbsp;"), (3, 9),
         "XML mal formé : entité inconnue (un « & » non suivi de amp; lt; gt; quot; ou apos;)"),
        (b"  " + _LSU, (1, 3),
         "XML mal formé : la déclaration <?xml …?> n'est pas au tout début du fichier (des caractères la "
         "précèdent)"),
    ],
)
def test_xml_casse_message_exact(tmp_path: Path, contenu: bytes, lieu: tuple[int, int], exact: str) -> None:
    f = tmp_path / "lsu.xml"
    f.write_bytes(contenu)
    with pytest.raises(ImportRejected) as err:
        connectors.lire("lsu", f)
    assert (err.value.ligne, err.value.colonne) == lieu
    assert err.value.raison == exact and err.value.details == []


def test_toutes_les_erreurs_expat_sont_traduites() -> None:
    from pyexpat import errors

    # celles qui disent un mauvais usage de l'analyseur, jamais un fichier : message général
    usage = {errors.XML_ERROR_FEATURE_REQUIRES_XML_DTD, errors.XML_ERROR_CANT_CHANGE_FEATURE_ONCE_PARSING,
             errors.XML_ERROR_SUSPENDED, errors.XML_ERROR_NOT_SUSPENDED, errors.XML_ERROR_ABORTED,
             errors.XML_ERROR_FINISHED, errors.XML_ERROR_SUSPEND_PE, errors.XML_ERROR_UNEXPECTED_STATE}
    for texte in errors.codes:
        francais = messages.xml_mal_forme(texte)
        assert anglais(francais) == [], (texte, francais)
        assert messages.xml_connu(texte) or texte in usage or "Expat" in texte or "argument" in texte \
            or "XML_GetBuffer" in texte


# --- Classeurs abîmés ---------------------------------------------------------------------------------


def test_xlsx_au_xml_interne_coupe(tmp_path: Path) -> None:
    f = tmp_path / "grille.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("tableur", f, mapping=str(MAPPING))
    assert err.value.raison.startswith("classeur Excel illisible ou corrompu (")
    assert "réenregistrez-le sous un nouveau nom" in err.value.raison
    assert anglais(str(err.value)) == []


def test_ods_corrompu_message_exact() -> None:
    with pytest.raises(ImportRejected) as err:
        connectors.lire("tableur", CORPUS / "tableur" / "ods_corrompu.ods", mapping=str(MAPPING))
    assert str(err.value) == (
        "fichier « ods_corrompu.ods » : classeur OpenDocument illisible ou corrompu (une partie du classeur "
        "manque ou est mal écrite) : ouvrez-le dans votre tableur, réenregistrez-le sous un nouveau nom et "
        "importez cette copie"
    )


def test_csv_cellule_geante_en_francais(tmp_path: Path) -> None:
    f = tmp_path / "grille.csv"
    f.write_text("Nom;" + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("tableur", f, mapping=str(MAPPING))
    assert err.value.raison.startswith("CSV mal formé : une cellule est anormalement longue")
    assert anglais(str(err.value)) == []


def test_correspondance_toml_et_pydantic_en_francais(tmp_path: Path) -> None:
    m = tmp_path / "m.toml"
    m.write_text('disposition = "longue"\nreferentiel = \n', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        tableur.charger_correspondance(m)
    assert str(err.value) == (
        "fichier « m.toml », ligne 2, colonne 15 : correspondance TOML mal écrite : valeur illisible : un texte "
        "doit être entre guillemets, une date écrite AAAA-MM-JJ, un nombre avec un point décimal. Corrigez "
        "cette ligne puis relancez l'import"
    )
    m.write_text('disposition = "longue"\nreferentiel = "R"\nligne_entete = "deux"\n[colonnes]\neleve = "É"\n'
                 'domaine = "D"\nitem = "I"\nniveau = "N"\n', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        tableur.charger_correspondance(m)
    assert "clé « ligne_entete » : « deux » : n'est pas un nombre entier" in err.value.details
    assert anglais(str(err.value)) == []


# --- pydantic : chaque type, en français --------------------------------------------------------------


class _Essai(BaseModel):
    note: float = Field(ge=0, le=20)
    coefficient: float = Field(gt=0, lt=100)
    sexe: Literal["F", "M"]
    nom: str = Field(min_length=1, max_length=5)
    date: dt.date
    effectif: int


def _erreurs(**donnees: object) -> list[str]:
    base = dict(note=10, coefficient=1, sexe="F", nom="A", date="2025-09-01", effectif=3)
    with pytest.raises(ValidationError) as err:
        _Essai(**(base | donnees))
    return messages.erreurs(err.value)


@pytest.mark.parametrize(
    ("donnees", "attendu"),
    [
        ({"note": 25}, "champ « note » : « 25 » : doit être au plus 20"),
        ({"note": -1.5}, "champ « note » : « -1.5 » : doit être au moins 0"),
        ({"coefficient": 0}, "champ « coefficient » : « 0 » : doit être strictement supérieur à 0"),
        ({"coefficient": 100}, "champ « coefficient » : « 100 » : doit être strictement inférieur à 100"),
        ({"sexe": "Q"}, "champ « sexe » : « Q » : valeur non admise (valeurs possibles : « F » ou « M »)"),
        ({"nom": ""}, "champ « nom » : ne doit pas être vide"),
        ({"nom": "ABCDEFG"}, "champ « nom » : texte trop long (au plus 5 caractères)"),
        ({"date": "31/02/2025"}, "champ « date » : « 31/02/2025 » : n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ attendu)"),
        ({"note": "douze"}, "champ « note » : « douze » : n'est pas un nombre (par exemple 12,5)"),
        ({"effectif": 2.5}, "champ « effectif » : « 2.5 » : doit être un nombre entier, sans décimales"),
        ({"effectif": None}, "champ « effectif » : n'est pas un nombre entier"),
    ],
)
def test_pydantic_en_francais(donnees: dict, attendu: str) -> None:
    assert _erreurs(**donnees) == [attendu]


def test_pydantic_champ_manquant_et_inconnu() -> None:
    with pytest.raises(ValidationError) as err:
        RefEleve.model_validate({"nom": "DUPONT", "classe": "3A", "age": 14})
    assert messages.erreurs(err.value) == ["champ « age » : « 14 » : inconnu (faute de frappe ?)"]


def test_pydantic_type_inconnu_reste_francais() -> None:
    e = {"type": "un_type_futur", "loc": ("bareme",), "msg": "Input should be something", "input": "x"}
    assert messages.erreur(e) == "champ « barème » : « x » : valeur refusée (vérifiez ce champ)"
    assert not messages.pydantic_connu(e)


def test_enregistrement_refuse_par_le_modele_en_francais() -> None:
    """Une note de 25 sur 20 qui échapperait au connecteur : le modèle la refuse, en français."""
    with pytest.raises(ValidationError) as err:
        Devoir(classe="3A", matiere="MATHS", date=dt.date(2025, 10, 3), bareme=100, coefficient=-1)
    refus = messages.refus_enregistrement(err.value, fichier="MATHS.csv", ligne=1, quoi="devoir refusé")
    assert isinstance(refus, ImportRejected)
    assert str(refus) == ("fichier « MATHS.csv », ligne 1 : devoir refusé : champ « barème » : « 100 » : doit "
                          "être au plus 99\n  - champ « coefficient » : « -1 » : doit être au moins 0")
    devoir = Devoir(classe="3A", matiere="MATHS", date=dt.date(2025, 10, 3), bareme=10)
    with pytest.raises(ValidationError) as err:
        Note(eleve=RefEleve(nom="DUPONT", classe="3A"), devoir=devoir, valeur=12)
    refus = messages.refus_enregistrement(err.value, fichier="MATHS.csv", ligne=4, quoi="note refusée")
    assert refus.raison == "note refusée : la note 12 sort du barème 0–10"


def test_refus_inattendu_en_francais_avec_le_texte_technique_en_detail() -> None:
    refus = messages.refus_inattendu(ValueError("Conversion Error: could not convert"), fichier="a.csv")
    assert refus.raison.startswith("erreur inattendue pendant l'écriture : l'import est annulé")
    assert refus.details == ["message technique d'origine (pour l'assistance) : ValueError: Conversion Error: "
                             "could not convert"]
    assert anglais(refus.raison) == [] and anglais(str(refus)) == []


# --- Réglages -----------------------------------------------------------------------------------------


def test_reglages_toml_casse_en_francais(tmp_path: Path) -> None:
    f = tmp_path / "r.toml"
    f.write_text("[absences]\nseuil_persistance = dix\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        charger_reglages(f)
    assert str(err.value) == (
        "Fichier de réglages r.toml mal formé, ligne 2, colonne 21 : valeur illisible : un texte doit être entre "
        "guillemets, une date écrite AAAA-MM-JJ, un nombre avec un point décimal. Corrigez-le puis relancez Vigie."
    )


def test_reglages_pydantic_sans_anglais() -> None:
    with pytest.raises(SettingsError) as err:
        valider({"absences": {"seuil_persistance": [1, 2], "taux_chronique": "beaucoup"},
                 "mentions": [{"libelle": "Félicitations", "moyenne_min": "seize"}]})
    assert anglais(str(err.value)) == [], str(err.value)


def test_lecture_impossible_en_francais(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", tmp_path / "introuvable.toml")
    assert anglais(str(err.value)) == []
    dossier = tmp_path / "dossier.toml"
    dossier.mkdir()
    with pytest.raises(OSError) as exc:
        dossier.read_bytes()
    assert messages.lecture_impossible(exc.value) == "lecture impossible : c'est un dossier, pas un fichier"
