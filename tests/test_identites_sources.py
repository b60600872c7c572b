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
