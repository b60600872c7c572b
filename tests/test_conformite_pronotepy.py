"""Conformité à pronotepy (connecteur ``pronote-live``) : chaque champ que pronotepy peut rendre absent.

Source : ``bain3/pronotepy``, ``pronotepy/dataClasses.py`` (version installée, 2.15) — ``Grade`` :
``coefficient``, ``comment``, ``max``, ``min``, ``average`` lus avec ``strict=False`` (``None`` s'ils
manquent), ``is_bonus``, ``is_optionnal``, ``is_out_of_20`` avec ``default=False`` (``estBonus``,
``estFacultatif``, ``estRamenerSur20``) ; ``Average`` : ``moyEleve`` passé par ``Util.grade_parse``
(``|1``… → « Absent »…, ``""`` pour une moyenne masquée) ; ``Acquisition.abbreviation`` (« A+ », « Abs »,
« Dsp »…) ; ``Delay.minutes`` ``default=0`` ; ``Absence.hours`` ``strict=False``.
Une vraie réponse de lycée (``tests/fixtures/pronote_reel/walkx21_derniers_notes.json``) a
``estRamenerSur20`` faux sur 11 devoirs sur 12.

Les réponses sont celles de ``tests/fixtures/pronote_live/eleve.json`` (forme des réponses de Pronote)
**modifiées à la main** ici pour retirer ou changer un champ, puis lues par les vraies classes de
pronotepy (seul le réseau est simulé, voir ``tests/test_pronote_live.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors import pronote_live
from models.records import RAMENER_SUR_20_PAR_DEFAUT, StatutCompetence

from .conftest import FIXTURES
from .test_pronote_live import _periodes_pronotepy, faux_client  # noqa: F401 (fixture réutilisée)


def _reponses(client: Any, fonction: str, periode: str = "T1") -> dict:
    membre = next(iter(client.communication.reponses))
    return client.communication.reponses[membre][fonction][periode]


def test_estramenersur20_absent_vaut_non_comme_dans_pronotepy(tmp_path: Path) -> None:
    reel = json.loads((FIXTURES / "pronote_reel" / "walkx21_derniers_notes.json").read_text(encoding="utf-8"))
    drapeaux = [d.get("estRamenerSur20") for d in reel["donneesSec"]["donnees"]["listeDevoirs"]["V"]]
    assert (drapeaux.count(False), drapeaux.count(True)) == (11, 1)
    client = faux_client("eleve")
    devoir = _reponses(client, "DernieresNotes")["listeDevoirs"]["V"][0]
    for champ in ("estRamenerSur20", "estBonus", "estFacultatif", "coefficient", "commentaire", "noteMax",
                  "noteMin", "moyenne"):
        devoir.pop(champ, None)
    lot = pronote_live.lire(tmp_path / "ident.json", client=client)
    n = next(n for n in lot.notes if n.devoir.date.isoformat() == "2025-09-15" and n.valeur == 15.5)
    # Le même défaut que les exports CSV (RAMENER_SUR_20_PAR_DEFAUT) ; coefficient absent : 1, celui
    # que Pronote donne à un devoir créé sans le changer ; pas de titre : titre vide, jamais inventé.
    assert n.devoir.ramener_sur_20 is RAMENER_SUR_20_PAR_DEFAUT is False
    assert (n.devoir.coefficient, n.devoir.titre, n.devoir.bonus, n.devoir.facultatif) == (1, "", False, False)


@pytest.mark.parametrize(("ecrit", "attendu"), [("", None), ("|1", None), ("|3", None), ("-1", None), ("14,5", 14.5)])
def test_moyennes_absentes_masquees_ou_speciales(tmp_path: Path, ecrit: str, attendu: float | None) -> None:
    """Une moyenne que Pronote ne donne pas (masquée, absent, non noté) reste vide, jamais 0."""
    client = faux_client("eleve")
    _reponses(client, "DernieresNotes")["listeServices"]["V"][0]["moyEleve"]["V"] = ecrit
    lot = pronote_live.lire(tmp_path / "ident.json", client=client)
    maths = next(m for m in lot.moyennes if m.matiere == "MATHEMATIQUES" and m.periode == "Trimestre 1")
    assert maths.moyenne == attendu


def test_moyenne_illisible_devient_une_remarque(tmp_path: Path) -> None:
    """Un texte que ni Pronote ni la liste « pas de valeur » n'écrivent : la moyenne n'est pas gardée,
    une remarque le dit (le reste de l'import continue)."""
    client = faux_client("eleve")
    _reponses(client, "DernieresNotes")["listeServices"]["V"][0]["moyEleve"]["V"] = "bien"
    lot = pronote_live.lire(tmp_path / "ident.json", client=client)
    assert not any(m.matiere == "MATHEMATIQUES" and m.periode == "Trimestre 1" for m in lot.moyennes)
    assert any("moyenne de MATHEMATIQUES" in a.message and "bien" in a.message for a in lot.anomalies)


def test_abreviations_d_acquisition(tmp_path: Path) -> None:
    """``Acquisition.abbreviation`` : « Dsp » (dispensé) et « Nr » sont connus sans réglage."""
    client = faux_client("eleve")
    niveaux = _reponses(client, "DernieresEvaluations")["listeEvaluations"]["V"][0]["listeNiveauxDAcquisitions"]["V"]
    niveaux[0]["abbreviation"], niveaux[0]["L"] = "Dsp", "Dispensé"
    niveaux[1]["abbreviation"], niveaux[1]["L"] = "Nr", "Non rendu"
    lot = pronote_live.lire(tmp_path / "ident.json", client=client)
    statuts = {e.item: e.statut for e in lot.evaluations}
    assert statuts["Calculer avec des fractions"] == StatutCompetence.DISPENSE
    assert statuts["Comparer des fractions"] == StatutCompetence.NON_EVALUE


def test_vie_scolaire_champs_facultatifs(tmp_path: Path) -> None:
    """``Absence.hours`` (``strict=False``), ``Absence.days`` et ``reasons`` (défauts), ``Delay.minutes``
    (``default=0`` : une durée absente n'est pas 0 minute, elle est inconnue), ``Delay.justification``,
    ``Punishment.homework`` (``travailAFaire``, ``strict=False``) et la durée d'une punition : absents,
    l'enregistrement est gardé avec ces valeurs vides."""
    client = faux_client("eleve")
    liste = _reponses(client, "PagePresence")["listeAbsences"]["V"]
    absence, retard, punition = liste[0], liste[2], liste[4]
    for champ in ("NbrHeures", "NbrJours", "listeMotifs"):
        absence.pop(champ, None)
    for champ in ("duree", "justification", "listeMotifs"):
        retard.pop(champ, None)
    for champ in ("travailAFaire", "duree", "placeDemande"):
        punition.pop(champ, None)
    lot = pronote_live.lire(tmp_path / "ident.json", client=client)
    a = min(lot.absences, key=lambda x: x.debut)
    assert (a.motif, a.demi_journees_brutes, a.statut.value) == (None, None, "justifiee")
    r = min(lot.retards, key=lambda x: x.date)
    assert (r.minutes, r.motif) == (None, None)
    assert {s.nature for s in lot.sanctions} >= {"Exclusion de cours"}


def test_moyenne_generale_illisible_devient_une_remarque(tmp_path: Path) -> None:
    """``moyGenerale`` lu par ``Period.overall_average`` : un texte illisible ne fait pas échouer l'import."""
    client = faux_client("eleve")
    _reponses(client, "DernieresNotes")["moyGenerale"]["V"] = "bien"
    lot = pronote_live.lire(tmp_path / "ident.json", client=client)
    assert not any(m.matiere is None and m.periode == "Trimestre 1" for m in lot.moyennes)
    assert any("moyenne générale" in a.message and "bien" in a.message for a in lot.anomalies)
    assert lot.notes  # le reste est importé


def test_duree_de_retard_invraisemblable_dite(tmp_path: Path) -> None:
    """``Delay.minutes`` est un entier sans borne chez pronotepy : au-delà de 10 heures, la durée n'est pas
    gardée (un retard n'est pas une absence) et une remarque le dit."""
    client = faux_client("eleve")
    _reponses(client, "PagePresence")["listeAbsences"]["V"][2]["duree"] = 900
    lot = pronote_live.lire(tmp_path / "ident.json", client=client)
    r = min(lot.retards, key=lambda x: x.date)
    assert r.minutes is None
    assert any("900 minutes" in a.message for a in lot.anomalies)
