"""Une vraie réponse de Pronote (« DernieresNotes » d'une élève de lycée, 2024-2025) : nos moyennes,
calculées à partir de ses seuls devoirs, sont celles que Pronote affiche à l'élève.

Source : ``tests/fixtures/pronote_reel/walkx21_derniers_notes.json`` (copie de
``shared/data/walkx21_derniers_notes.json``, réponse brute de Pronote : ``listeDevoirs`` et
``listeServices`` avec ``moyEleve`` ; ``moyGenerale``). Épinglé avant les changements de la vue
``moyennes`` (issue 16) : ces résultats doivent rester identiques.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest

from models.moyennes import moyennes
from models.records import Classe, Devoir, Eleve, Note, Periode, RefEleve

from .conftest import FIXTURES, lot

REPONSE = FIXTURES / "pronote_reel" / "walkx21_derniers_notes.json"
ELEVE = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")


def _nombre(v: dict) -> float:
    return float(v["V"].replace(",", "."))


def _donnees() -> dict:
    return json.loads(REPONSE.read_text(encoding="utf-8"))["donneesSec"]["donnees"]


def _notes() -> list[Note]:
    notes = []
    for rang, d in enumerate(_donnees()["listeDevoirs"]["V"]):
        devoir = Devoir(
            classe="3A", matiere=d["service"]["V"]["L"], periode=d["periode"]["V"]["L"],
            date=dt.datetime.strptime(d["date"]["V"], "%d/%m/%Y").date(), titre=d["commentaire"],
            bareme=_nombre(d["bareme"]), coefficient=d["coefficient"], ramener_sur_20=d["estRamenerSur20"],
            bonus=d["estBonus"], facultatif=d["estFacultatif"], rang=rang,
        )
        notes.append(Note(eleve=ELEVE, devoir=devoir, valeur=_nombre(d["note"])))
    return notes


def test_moyennes_de_la_vraie_reponse_pronote(wh, tmp_path):
    ecole = wh
    res = ecole.importer(lot(
        tmp_path, "pronote-eleves", "effectif", effectif=True, classes=[Classe(nom="3A", niveau="3e")],
        eleves=[Eleve(nom="DUPONT", prenom="Jean-Marie", classe="3A")],
        periodes=[Periode(nom="Trimestre 1", annee="2024-2025", debut=dt.date(2024, 9, 2), fin=dt.date(2024, 11, 30))],
    ))
    assert res.statut == "reussi", res.message
    res = ecole.importer(lot(tmp_path, "pronote-notes", "walkx21", notes=_notes()))
    assert res.statut == "reussi", res.message
    m = moyennes(ecole).filter(nom="DUPONT")
    assert set(m["annee"]) == {"2024-2025"} and set(m["periode"]) == {"Trimestre 1"}
    calculees = dict(zip(m["matiere"], m["moyenne"]))

    # Pronote liste chaque service (ou sous-service) avec la moyenne de l'élève ; deux services portent
    # le même libellé « ENSEIGN.SCIENTIFIQUE > ENSEIGN.SCIENTIFIQUE » (11 et 15) : nous les rattachons au
    # service ENSEIGN.SCIENTIFIQUE, (11 + 15)/2 = 13, comme Pronote pour la moyenne générale.
    par_service: dict[str, list[float]] = defaultdict(list)
    for s in _donnees()["listeServices"]["V"]:
        par_service[s["L"].split(">")[0].strip()].append(_nombre(s["moyEleve"]))
    attendues = {service: sum(v) / len(v) for service, v in par_service.items()}
    assert attendues == {
        "HISTOIRE-GEOGRAPHIE": 19, "PHYSIQUE-CHIMIE": 16, "FRANCAIS": 14, "ANGLAIS": 15.5,
        "MATHEMATIQUES": 18, "ENSEIGN.SCIENTIFIQUE": 13, "NUMERIQUE SC.INFORM.": 18, "ARABE": 17,
        "ALLEMAND LV3": 18,
    }
    assert {k: calculees[k] for k in attendues} == pytest.approx(attendues)
    # Moyenne générale : 148,5 / 9 = 16,5 (« moyGenerale » de la réponse).
    assert calculees[None] == pytest.approx(_nombre(_donnees()["moyGenerale"])) == pytest.approx(16.5)
    assert len(calculees) == len(attendues) + 1
