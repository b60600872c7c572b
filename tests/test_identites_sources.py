"""Identités venues des sources (issue 14, §4) : un service Pronote est identifié par son identifiant, son
libellé ne sert qu'à l'affichage ; deux sous-services de même libellé restent deux.

La vraie réponse ``DernieresNotes`` d'une élève de lycée (``tests/fixtures/pronote_reel/``, copie de
``shared/data/walkx21_derniers_notes.json``) a deux sous-services « ENSEIGN.SCIENTIFIQUE >
ENSEIGN.SCIENTIFIQUE » d'identifiants différents (moyennes 11 et 15). Elle est rejouée ici par les vraies
classes de pronotepy (seul le réseau est remplacé, comme dans tests/test_pronote_live.py).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pronotepy
import pytest
from pronotepy.dataClasses import ClientInfo, Period

from connectors import pronote_live
from connectors.importation import importer
from models.moyennes import moyennes
from models.records import Classe, Eleve, Periode

from .conftest import FIXTURES, lot
from .test_pronote_live import FauxReseau

REPONSE = json.loads((FIXTURES / "pronote_reel" / "walkx21_derniers_notes.json").read_text(encoding="utf-8"))
SCIENTIFIQUE = "ENSEIGN.SCIENTIFIQUE > ENSEIGN.SCIENTIFIQUE"


@pytest.fixture(autouse=True)
def _periodes_pronotepy() -> Any:
    avant = set(Period.instances)
    yield
    Period.instances = avant


def _client() -> Any:
    """Un compte élève pronotepy dont la seule réponse est la vraie réponse DernieresNotes (les autres
    onglets sont fermés : chacun devient une remarque)."""
    c = pronotepy.Client.__new__(pronotepy.Client)
    # La période porte l'identifiant que la réponse donne à ses devoirs (Grade.period la cherche par lui).
    t1 = REPONSE["donneesSec"]["donnees"]["listeDevoirs"]["V"][0]["periode"]["V"]["N"]
    c.communication = FauxReseau({"E1": {"DernieresNotes": {t1: REPONSE["donneesSec"]["donnees"]}}}, {198})
    c._refreshing = False
    c.pronote_url = "https://0750001a.index-education.net/pronote/mobile.eleve.html"
    c.username, c.password, c.uuid, c.client_identifier = "eleve", "jeton", "vigie-test", "ident"
    c.login_mode, c.logged_in, c.ent = "token", True, None
    c.func_options = {"dataSec": {"data": {"General": {"ListeHeures": {"V": []}}}}}
    c.periods_ = [Period(c, {"N": t1, "L": "Trimestre 1", "G": 2,
                             "dateDebut": {"_T": 7, "V": "02/09/2024 00:00:00"},
                             "dateFin": {"_T": 7, "V": "30/11/2024 00:00:00"}})]
    ressource = {"N": "E1", "G": 4, "L": "DUPONT Jean-Marie", "classeDEleve": {"N": "c", "L": "1G1"},
                 "Etablissement": {"_T": 24, "V": {"N": "et", "L": "Lycée"}}}
    c.parametres_utilisateur = {"dataSec": {"data": {"ressource": ressource}}}
    c.info = ClientInfo(c, ressource)
    return c


def test_deux_sous_services_de_meme_libelle_restent_deux(wh, tmp_path) -> None:
    [res] = importer(wh, [lot(
        tmp_path, "pronote-eleves", "effectif", effectif=True, classes=[Classe(nom="1G1", niveau="1re", voie="general")],
        eleves=[Eleve(nom="DUPONT", prenom="Jean-Marie", classe="1G1")],
        periodes=[Periode(nom="Trimestre 1", annee="2024-2025", debut=dt.date(2024, 9, 2), fin=dt.date(2024, 11, 30))],
    )])
    assert res.statut == "reussi", res.message
    ident = tmp_path / "ident.json"
    ident.write_text("{}")  # le lot cite ce fichier (empreinte) ; extraire n'y écrit rien
    lu = pronote_live.extraire(_client(), ident)
    ids = {s["L"]: [] for s in REPONSE["donneesSec"]["donnees"]["listeServices"]["V"]}
    for s in REPONSE["donneesSec"]["donnees"]["listeServices"]["V"]:
        ids[s["L"]].append(s["N"])
    assert len(ids[SCIENTIFIQUE]) == 2 and len(set(ids[SCIENTIFIQUE])) == 2

    [res] = importer(wh, [lu])
    assert res.statut == "reussi", res.message
    # Les deux moyennes de Pronote sont gardées, chacune sous l'identifiant de son service.
    assert sorted(wh.sql(
        "SELECT service_source, moyenne FROM moyennes_pronote WHERE matiere = $m", {"m": SCIENTIFIQUE}
    ).rows()) == sorted(zip(ids[SCIENTIFIQUE], (11.0, 15.0)))
    assert wh.sql("SELECT moyenne FROM moyennes_pronote WHERE matiere IS NULL").rows() == [(16.5,)]
    # Chaque note garde l'identifiant de son service (les devoirs des deux sous-services ne se confondent pas).
    assert sorted(wh.sql("SELECT service_source, valeur * 20 / bareme FROM notes WHERE matiere = $m", {"m": SCIENTIFIQUE})
                  .rows()) == sorted(wh.sql(
        "SELECT service_source, moyenne FROM moyennes_pronote WHERE matiere = $m", {"m": SCIENTIFIQUE}).rows())
    # Un seul service parent, ENSEIGN.SCIENTIFIQUE : (11 + 15) / 2 = 13 ; la moyenne générale reste 16,5.
    m = moyennes(wh).filter(nom="DUPONT")
    calculees = dict(zip(m["matiere"], m["moyenne"]))
    assert calculees["ENSEIGN.SCIENTIFIQUE"] == pytest.approx(13)
    assert calculees[None] == pytest.approx(16.5)
    # Réimporter ne change rien.
    [encore] = importer(wh, [pronote_live.extraire(_client(), ident)])
    assert encore.lignes_inserees == encore.lignes_mises_a_jour == 0


def test_lsu_meme_libelle_sous_deux_modalites_garde_les_deux(wh, tmp_path) -> None:
    """L'exemple officiel du schéma LSU (import-bilan-complet.xsd) a la même discipline sous deux
    modalités d'élection, 16/20 et 9/20 : seule 9/20 restait, « 1 mise à jour ». L'identité est le code
    et la modalité ; les deux moyennes restent."""
    from models.records import Classe, Eleve, Periode

    texte = (FIXTURES / "lsu" / "valide.xml").read_text(encoding="utf-8")
    texte = texte.replace(
        '<discipline id="DI_020100S" code="020100" modalite-election="S" libelle="FRANCAIS"/>',
        '<discipline id="DI_020100S" code="020100" modalite-election="S" libelle="FRANCAIS"/>\n'
        '      <discipline id="DI_061300O" code="061300" modalite-election="O" libelle="MATHEMATIQUES"/>')
    texte = texte.replace(
        '<acquis discipline-ref="DI_061300S" moyenne-eleve="12.5/20" moyenne-structure="11.25/20">',
        '<acquis discipline-ref="DI_061300O" moyenne-eleve="9/20"/>\n'
        '          <acquis discipline-ref="DI_061300S" moyenne-eleve="16/20" moyenne-structure="11.25/20">')
    f = tmp_path / "lsu.xml"
    f.write_text(texte, encoding="utf-8")
    from .conftest import ELEVES, PERIODES

    [res] = importer(wh, [lot(tmp_path, "pronote-eleves", "e", effectif=True, eleves=ELEVES, periodes=PERIODES,
                              classes=[Classe(nom="3A", niveau="3e"), Classe(nom="3B", niveau="3e"),
                                       Classe(nom="2 MELEC", niveau="2nde", voie="professionnel")])])
    [res] = importer(wh, [("lsu", f, {})])
    assert res.statut == "reussi", res.message
    assert wh.sql("""SELECT service_source, moyenne FROM moyennes_pronote
                     WHERE matiere = 'MATHEMATIQUES' AND periode = 'Trimestre 1' ORDER BY service_source""").rows() == [
        ("061300/O", 9.0), ("061300/S", 16.0)]
    assert res.lignes_mises_a_jour == 0


RESULTATS_COURTS = (
    "\ufeffÉlève;Classe;Moyenne générale;FRANC;MATHS;HI-GE;AGL1 ECRIT;AGL1 ORAL;AGL1 MOY\r\n"
    '"DUPONT Jean-Marie";"3A";"12,40";"13,00";"11,50";"12,00";"14,00";"12,00";"13,00"\r\n'
)

ETABLISSEMENT_CODES = """
[etablissement]
uai = "0750001A"
nom = "Collège Jean Moulin"

[[periodes]]
nom = "Trimestre 1"
annee = "2025-2026"
debut = 2025-09-01
fin = 2025-11-30

[[matieres]]
libelle = "FRANCAIS"
codes = ["FRANC"]

[[matieres]]
libelle = "MATHEMATIQUES"
codes = ["MATHS"]

[[matieres]]
libelle = "HISTOIRE-GEOGRAPHIE"
codes = ["HI-GE"]

[[matieres]]
libelle = "ANGLAIS LV1"
codes = ["AGL1 MOY", "AGL1"]

[[matieres]]
libelle = "ANGLAIS LV1 > Écrit"
codes = ["AGL1 ECRIT"]

[[matieres]]
libelle = "ANGLAIS LV1 > Oral"
codes = ["AGL1 ORAL"]
"""


def _ecole_avec_maths(wh, tmp_path):
    from models.records import Devoir, Note, RefEleve

    from .conftest import ELEVES, PERIODES

    d = Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), titre="DS1")
    importer(wh, [lot(tmp_path, "pronote-eleves", "e", effectif=True, eleves=ELEVES, periodes=PERIODES,
                      classes=[Classe(nom="3A", niveau="3e")]),
                  lot(tmp_path, "pronote-notes", "n", notes=[
                      Note(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), devoir=d, valeur=12)])])
    f = tmp_path / "resultats.csv"
    f.write_text(RESULTATS_COURTS, encoding="utf-8", newline="")
    return f


def test_resultats_aux_codes_courts_refuses_sans_codes_declares(wh, tmp_path) -> None:
    """Un tableau des résultats à une ligne d'en-tête et codes courts créait sept matières à côté de
    MATHEMATIQUES. Sans codes déclarés : refusé, chaque code nommé, rien d'écrit."""
    f = _ecole_avec_maths(wh, tmp_path)
    avant = wh.empreintes()
    [res] = importer(wh, [("pronote-resultats", f, {"periode": "Trimestre 1"})])
    assert res.statut == "rejete"
    assert ("6 matière(s) inconnue(s) de l'établissement : « AGL1 ECRIT », « AGL1 MOY », « AGL1 ORAL », "
            "« FRANC », « HI-GE », « MATHS »") in res.message
    assert wh.empreintes() == avant


def test_resultats_aux_codes_courts_rattaches_aux_codes_declares(wh, tmp_path) -> None:
    f = _ecole_avec_maths(wh, tmp_path)
    toml = tmp_path / "etablissement.toml"
    toml.write_text(ETABLISSEMENT_CODES, encoding="utf-8")
    [res, res2] = importer(wh, [("etablissement", toml, {}), ("pronote-resultats", f, {"periode": "Trimestre 1"})])
    assert res.statut == res2.statut == "reussi", res2.message
    assert dict(wh.sql("SELECT matiere, moyenne FROM moyennes_pronote WHERE matiere IS NOT NULL").rows()) == {
        "FRANCAIS": 13.0, "MATHEMATIQUES": 11.5, "HISTOIRE-GEOGRAPHIE": 12.0, "ANGLAIS LV1 > Écrit": 14.0,
        "ANGLAIS LV1 > Oral": 12.0, "ANGLAIS LV1": 13.0}
    assert (f"fichier « resultats.csv », colonne « MATHS » : matière « MATHS » rattachée à « MATHEMATIQUES » "
            "(code déclaré dans etablissement.toml)") in res2.anomalies
    assert len(res2.anomalies) == 6
    assert wh.valeur("SELECT count(DISTINCT matiere) FROM matieres") == 6  # aucune matière de plus


def test_resultats_matieres_nouvelles_acceptees_par_option(wh, tmp_path) -> None:
    """« Ou acceptée » : --option nouvelles_matieres=oui crée les matières inconnues, chacune remarquée."""
    f = _ecole_avec_maths(wh, tmp_path)
    [res] = importer(wh, [("pronote-resultats", f, {"periode": "Trimestre 1", "nouvelles_matieres": "oui"})])
    assert res.statut == "reussi", res.message
    assert "fichier « resultats.csv », colonne « FRANC » : matière « FRANC » créée : acceptée comme nouvelle " \
           "(nouvelles_matieres=oui)" in res.anomalies


def test_sous_services_de_meme_libelle_moyennes_chacun_puis_rattaches(wh, tmp_path) -> None:
    """Avec une deuxième note dans l'un des deux sous-services, la règle des sous-services (moyenne de
    chacun, puis moyenne des sous-services) diffère de la moyenne des notes mises en commun :
    sous-service A : 11 ; sous-service B : 15 et 19 → 17 ; ENSEIGN.SCIENTIFIQUE = (11 + 17) / 2 = 14
    (en commun, (11 + 15 + 19) / 3 = 15 : faux)."""
    from models.records import Devoir, Note, RefEleve

    from .conftest import ELEVES, PERIODES

    ref = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")

    def note(service: str, jour: int, valeur: float) -> Note:
        d = Devoir(classe="3A", matiere=SCIENTIFIQUE, service_source=service, date=dt.date(2025, 10, jour), titre="DS")
        return Note(eleve=ref, devoir=d, valeur=valeur)

    importer(wh, [lot(tmp_path, "pronote-eleves", "e", effectif=True, eleves=ELEVES, periodes=PERIODES,
                      classes=[Classe(nom="3A", niveau="3e")])])
    [res] = importer(wh, [lot(tmp_path, "pronote-live", "n", notes=[
        note("141#A", 3, 11), note("141#B", 3, 15), note("141#B", 10, 19)])])
    assert res.statut == "reussi", res.message
    m = moyennes(wh).filter(nom="DUPONT")
    assert dict(zip(m["matiere"], m["moyenne"]))["ENSEIGN.SCIENTIFIQUE"] == pytest.approx(14)


# --- pronote-notes : la période et la matière du nom de fichier (issue 14, §3) ---------------------------

ETABLISSEMENT_TRIMESTRES = """
[etablissement]
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

[[matieres]]
libelle = "MATHEMATIQUES"
codes = ["MATHS"]

[[matieres]]
libelle = "ANGLAIS LV1"
codes = ["AGL1"]
"""

#: La page Notes d'un service (disposition de connectors/pronote_notes.py) : deux devoirs du trimestre 1.
NOTES_ANGLAIS = (
    "Élève;Classe;Moyenne;Devoir du 03/10/2025 - DS1;Devoir du 17/10/2025 - Oral\n"
    ";;;Sur 20 - Coef. 1;Sur 20 - Coef. 1\n"
    '"DUPONT Jean-Marie";"3A";"13,00";"12,00";"14,00"\n'
)


def _ecole_declaree(wh, tmp_path, *, etablissement: bool = True) -> None:
    from .conftest import ELEVES

    importer(wh, [lot(tmp_path, "pronote-eleves", "e", effectif=True, eleves=ELEVES, annee="2025-2026",
                      classes=[Classe(nom="3A", niveau="3e")])])
    if etablissement:
        toml = tmp_path / "etablissement.toml"
        toml.write_text(ETABLISSEMENT_TRIMESTRES, encoding="utf-8")
        [res] = importer(wh, [("etablissement", toml, {})])
        assert res.statut == "reussi", res.message


def _export_notes(tmp_path, nom: str):
    f = tmp_path / nom
    f.write_text(NOTES_ANGLAIS, encoding="utf-8", newline="")
    return f


def test_notes_periode_non_declaree_refusee(wh, tmp_path) -> None:
    """« T1 » à côté de « Trimestre 1 » créait une période de plus (la période précédente, les évolutions
    fausses) : refusé, le fichier et les périodes déclarées nommés, rien d'écrit."""
    _ecole_declaree(wh, tmp_path)
    f = _export_notes(tmp_path, "ANGLAIS LV1.csv")
    avant = wh.empreintes()
    [res] = importer(wh, [("pronote-notes", f, {"periode": "T1"})])
    assert res.statut == "rejete"
    assert ("période « T1 » inconnue de l'établissement pour l'année 2025-2026 (fichier « ANGLAIS LV1.csv ») ; "
            "périodes déclarées : « Trimestre 1 », « Trimestre 2 », « Trimestre 3 »") in res.message
    assert wh.empreintes() == avant
    [res] = importer(wh, [("pronote-notes", f, {"periode": "Trimestre 1"})])
    assert res.statut == "reussi", res.message
    assert wh.sql("SELECT DISTINCT periode FROM t_devoirs").rows() == [("Trimestre 1",)]


def test_notes_periode_libre_sans_etablissement_declare(wh, tmp_path) -> None:
    """Sans établissement décrit (aucune période déclarée), la période donnée est gardée telle quelle."""
    _ecole_declaree(wh, tmp_path, etablissement=False)
    [res] = importer(wh, [("pronote-notes", _export_notes(tmp_path, "ANGLAIS LV1.csv"), {"periode": "T1"})])
    assert res.statut == "reussi", res.message
    assert wh.sql("SELECT DISTINCT periode FROM t_devoirs").rows() == [("T1",)]


@pytest.mark.parametrize("nom, proche", [("bad.csv", None), ("ANGLAIS LV1 (1).csv", "ANGLAIS LV1")])
def test_notes_matiere_du_nom_de_fichier_inconnue_refusee(wh, tmp_path, nom, proche) -> None:
    """Un export enregistré sous un autre nom créait la matière « bad » ou « ANGLAIS LV1 (1) » : refusé,
    le fichier et les matières déclarées les plus proches nommés ; jamais deviné en silence."""
    _ecole_declaree(wh, tmp_path)
    avant = wh.empreintes()
    [res] = importer(wh, [("pronote-notes", _export_notes(tmp_path, nom), {"periode": "Trimestre 1"})])
    assert res.statut == "rejete"
    matiere = nom.removesuffix(".csv")
    assert f"matière « {matiere} » (nom du fichier « {nom} ») inconnue de l'établissement" in res.message
    assert "nouvelles_matieres=oui" in res.message
    if proche:
        assert f"la(les) plus proche(s) : « {proche} »" in res.message
    assert wh.empreintes() == avant
    assert wh.valeur("SELECT count(*) FROM t_devoirs") == 0


def test_notes_matiere_nouvelle_acceptee_par_option(wh, tmp_path) -> None:
    _ecole_declaree(wh, tmp_path)
    [res] = importer(wh, [("pronote-notes", _export_notes(tmp_path, "LATIN.csv"),
                           {"periode": "Trimestre 1", "nouvelles_matieres": "oui"})])
    assert res.statut == "reussi", res.message
    assert ("fichier « LATIN.csv », colonne « LATIN » : matière « LATIN » (nom du fichier) créée : acceptée "
            "comme nouvelle (nouvelles_matieres=oui)") in res.anomalies
    assert wh.sql("SELECT DISTINCT matiere FROM t_devoirs").rows() == [("LATIN",)]


def test_notes_matiere_du_nom_de_fichier_rattachee_comme_pronote_resultats(wh, tmp_path) -> None:
    """Un code déclaré (« AGL1.csv ») ou le même nom à la casse près : rattaché, avec une remarque."""
    _ecole_declaree(wh, tmp_path)
    [res] = importer(wh, [("pronote-notes", _export_notes(tmp_path, "AGL1.csv"), {"periode": "Trimestre 1"})])
    assert res.statut == "reussi", res.message
    assert ("fichier « AGL1.csv », colonne « AGL1 » : matière « AGL1 » (nom du fichier) rattachée à "
            "« ANGLAIS LV1 » (code déclaré dans etablissement.toml)") in res.anomalies
    assert wh.sql("SELECT DISTINCT matiere FROM t_devoirs").rows() == [("ANGLAIS LV1",)]
    assert wh.sql("SELECT DISTINCT matiere FROM t_moyennes_source").rows() == [("ANGLAIS LV1",)]
    # le bon nom : aucune remarque de matière, les mêmes devoirs (réimporter est idempotent)
    [res] = importer(wh, [("pronote-notes", _export_notes(tmp_path, "anglais lv1.csv"), {"periode": "Trimestre 1"})])
    assert res.statut == "reussi", res.message
    assert wh.valeur("SELECT count(*) FROM t_devoirs") == 2


# --- L'option matiere et la période d'un tableau des résultats, vérifiées de même (issue 17) -------------


def test_notes_option_matiere_verifiee_comme_le_nom_de_fichier(wh, tmp_path) -> None:
    """``--option matiere=…`` passait sans vérification (« MATHS » créait une matière à côté de
    MATHEMATIQUES) : rapprochée par le même chemin que le nom du fichier, ou refusée."""
    _ecole_declaree(wh, tmp_path)
    f = _export_notes(tmp_path, "export.csv")
    avant = wh.empreintes()
    [res] = importer(wh, [("pronote-notes", f, {"periode": "Trimestre 1", "matiere": "MATHS CE"})])
    assert res.statut == "rejete"
    assert ("matière « MATHS CE » (option matiere, fichier « export.csv ») inconnue de l'établissement ; "
            "matière(s) déclarée(s) la(les) plus proche(s) : « MATHEMATIQUES »") in res.message
    assert "Indiquez l'une d'elles (--option matiere=…)" in res.message and wh.empreintes() == avant
    [res] = importer(wh, [("pronote-notes", f, {"periode": "Trimestre 1", "matiere": "MATHS"})])
    assert res.statut == "reussi", res.message
    assert ("fichier « export.csv », colonne « MATHS » : matière « MATHS » (option matiere) rattachée à "
            "« MATHEMATIQUES » (code déclaré dans etablissement.toml)") in res.anomalies
    assert wh.sql("SELECT DISTINCT matiere FROM t_devoirs").rows() == [("MATHEMATIQUES",)]


RESULTATS_T1 = (
    "\ufeffÉlève;Moyenne générale;MATHEMATIQUES\r\n"
    '"DUPONT Jean-Marie";"12,40";"11,50"\r\n'
)


def test_resultats_periode_non_declaree_refusee(wh, tmp_path) -> None:
    """Le tableau des résultats n'a pas de date : « --periode T1 » à côté de « Trimestre 1 » créait une
    période de plus. Refusé comme pour les notes, les périodes déclarées nommées ; rien d'écrit."""
    _ecole_declaree(wh, tmp_path)
    f = tmp_path / "resultats.csv"
    f.write_text(RESULTATS_T1, encoding="utf-8", newline="")
    avant = wh.empreintes()
    [res] = importer(wh, [("pronote-resultats", f, {"periode": "T1", "classe": "3A"})])
    assert res.statut == "rejete"
    assert ("période « T1 » inconnue de l'établissement (fichier « resultats.csv ») ; périodes déclarées : "
            "« Trimestre 1 », « Trimestre 2 », « Trimestre 3 »") in res.message
    assert wh.empreintes() == avant
    [res] = importer(wh, [("pronote-resultats", f, {"periode": "Trimestre 2", "classe": "3A"})])
    assert res.statut == "reussi", res.message
    assert wh.sql("SELECT DISTINCT periode FROM moyennes_pronote").rows() == [("Trimestre 2",)]


def test_ecart_pronote_sans_reference_quand_deux_services_de_meme_libelle(wh, tmp_path) -> None:
    """Deux services « MATHEMATIQUES » d'identifiants différents (11 et 15) : notre moyenne est par libellé
    ((11 + 15) / 2 = 13) ; l'écart était pris contre l'un des deux, au hasard de l'ordre des lignes (±2).
    Sans moyenne unique de Pronote pour ce libellé, pas de référence : l'écart reste vide ; une autre
    source (le tableau des résultats, une seule moyenne) la donne."""
    from models.records import Devoir, MoyenneSource, Note, RefEleve

    from .conftest import ELEVES, PERIODES

    ref = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
    notes = [Note(eleve=ref, valeur=v, devoir=Devoir(classe="3A", matiere="MATHEMATIQUES", service_source=s,
                                                      date=dt.date(2025, 10, 3), titre="DS", periode="Trimestre 1"))
             for s, v in (("141#A", 11), ("141#B", 15))]
    moyennes_live = [MoyenneSource(eleve=ref, periode="Trimestre 1", matiere="MATHEMATIQUES", service_source=s,
                                   moyenne=v, source="pronote-live") for s, v in (("141#A", 11), ("141#B", 15))]
    importer(wh, [lot(tmp_path, "pronote-eleves", "e", effectif=True, eleves=ELEVES, periodes=PERIODES,
                      classes=[Classe(nom="3A", niveau="3e")])])
    [res] = importer(wh, [lot(tmp_path, "pronote-live", "n", notes=notes, moyennes=moyennes_live)])
    assert res.statut == "reussi", res.message
    m = moyennes(wh).filter(nom="DUPONT", matiere="MATHEMATIQUES")
    assert m["moyenne"].to_list() == [pytest.approx(13)]
    assert m["moyenne_pronote"].to_list() == [None] and m["ecart_pronote"].to_list() == [None]
    [res] = importer(wh, [lot(tmp_path, "pronote-resultats", "r", moyennes=[
        MoyenneSource(eleve=ref, periode="Trimestre 1", matiere="MATHEMATIQUES", moyenne=12.5,
                      source="pronote")])])
    assert res.statut == "reussi", res.message
    m = moyennes(wh).filter(nom="DUPONT", matiere="MATHEMATIQUES")
    assert m["moyenne_pronote"].to_list() == [12.5] and m["ecart_pronote"].to_list() == [pytest.approx(0.5)]


def test_resultats_rattaches_a_l_annee_de_leur_periode(wh, tmp_path) -> None:
    """Le tableau des résultats ne dit pas son année : ses moyennes étaient gardées sans année (ni écart à
    Pronote, ni appréciation au conseil de l'année). Une seule année déclare la période : celle-là ; deux :
    la dernière, remarque à l'appui ; l'option annee choisit."""
    _ecole_declaree(wh, tmp_path)
    f = tmp_path / "resultats.csv"
    f.write_text(RESULTATS_T1, encoding="utf-8", newline="")
    [res] = importer(wh, [("pronote-resultats", f, {"periode": "Trimestre 1", "classe": "3A"})])
    assert res.statut == "reussi", res.message
    assert not [a for a in res.anomalies if "année scolaire" in a]
    assert wh.sql("SELECT DISTINCT annee FROM moyennes_pronote").rows() == [("2025-2026",)]

    toml = tmp_path / "etablissement-2024.toml"
    toml.write_text(ETABLISSEMENT_TRIMESTRES.replace("2025", "2024").replace("2026", "2025"), encoding="utf-8")
    [res] = importer(wh, [("etablissement", toml, {})])
    assert res.statut == "reussi", res.message
    g = tmp_path / "resultats-t2.csv"
    g.write_text(RESULTATS_T1, encoding="utf-8", newline="")
    [res] = importer(wh, [("pronote-resultats", g, {"periode": "Trimestre 2", "classe": "3A"})])
    assert res.statut == "reussi", res.message
    assert ("fichier « resultats-t2.csv », colonne « periode » : « Trimestre 2 » rattaché à l'année scolaire "
            "2025-2026 (dernière année de l'établissement qui déclare cette période ; le fichier ne dit pas son "
            "année) : pour une autre année, importez-le avec l'option annee=AAAA-AAAA") in res.anomalies
    [res] = importer(wh, [("pronote-resultats", g, {"periode": "Trimestre 2", "classe": "3A", "annee": "2024/2025"})])
    assert res.statut == "reussi", res.message
    assert sorted(wh.sql("SELECT annee, periode FROM moyennes_pronote WHERE matiere IS NULL").rows()) == [
        ("2024-2025", "Trimestre 2"), ("2025-2026", "Trimestre 1"), ("2025-2026", "Trimestre 2")]
