"""Le suivi dans les pages (AppTest depuis le point d'entrée) : formulaire partagé, chronologie de la fiche,
état des alertes, décisions du conseil (masquées en projection), page CPE complète."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import suivi
from models.acces import Utilisateur, lire_audit
from models.warehouse import lecture
from tests.ecole_dashboard import CLASSE, construire
from tests.test_dashboard_pages import lien_eleve, ouvrir

DIRECTION = Utilisateur("test", "direction", "Direction de test")
CPE = Utilisateur("cpe", "cpe", "Mme CPE")
PP = Utilisateur("pp", "professeur_principal", "M. PP", classes=(CLASSE,))


@pytest.fixture
def ecole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = construire(tmp_path / "ecole.duckdb")
    monkeypatch.setenv("VIGIE_DB", str(db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return db


def _id(db: Path, nom: str) -> str:
    with lecture(db) as wh:
        return wh.valeur("SELECT eleve_id FROM eleves WHERE nom = $n", {"n": nom})


def test_fiche_cpe_s_ouvre_sur_les_absences_et_enregistre_une_etape(ecole: Path) -> None:
    eid = _id(ecole, "PETIT")
    at = ouvrir("eleve", CPE, eleve=lien_eleve(ecole, eid))
    assert [t.label for t in at.tabs] == ["Absences", "Alertes", "Suivi"]
    assert not any("Aucune note" in i.value for i in at.info)
    # Les absences une à une : date, demi-journées, motif, statut.
    tableaux = [d.value for d in at.dataframe]
    assert any("Statut" in t.columns and "Non justifiée" in set(t["Statut"]) for t in tableaux)
    at.selectbox(key="suivi_code_eleve").set_value("entretien_famille")
    at.text_area(key="suivi_com_eleve").set_value("Parents reçus avec Hugo.")
    at.button(key="suivi_ok_eleve").click().run()
    assert not at.exception
    assert any("enregistrée" in s.value for s in at.success)
    assert at.text_area(key="suivi_com_eleve").value == ""  # vidé après l'enregistrement
    # La chronologie montre aussitôt l'entrée (le cache suit la base de suivi), avec les alertes.
    chrono = next(d.value for d in at.dataframe if "Quoi" in d.value.columns)
    quoi = list(chrono["Quoi"])
    assert "Procédure d'absentéisme : Entretien avec les responsables légaux" in quoi
    assert any(q.startswith("Alerte : ") for q in quoi)
    assert lire_audit(ecole)["action"].to_list()[0] == "suivi"


def test_fiche_liste_punitions_et_sanctions(ecole: Path) -> None:
    at = ouvrir("eleve", CPE, eleve=lien_eleve(ecole, _id(ecole, "MOREAU")))
    s = next(d.value for d in at.dataframe if "Donnée par" in d.value.columns)
    assert list(s["Date"]) == ["15/01/2026"] and list(s["Nature"]) == ["Retenue"]
    assert list(s["Type"]) == ["Punition"]


def test_signalement_dasen_refuse_a_la_cpe_dans_la_page(ecole: Path) -> None:
    at = ouvrir("eleve", CPE, eleve=lien_eleve(ecole, _id(ecole, "PETIT")))
    assert "signalement_dasen" not in at.selectbox(key="suivi_code_eleve").options


def test_alertes_etat_et_formulaire(ecole: Path) -> None:
    eid = _id(ecole, "PETIT")
    with lecture(ecole) as wh:
        suivi.ajouter(ecole, wh, CPE, suivi.Saisie(eid, "alerte", "prise_en_charge", dt.date(2026, 2, 2),
                                                   regle="absences_mois", periode="2026-01"))
    at = ouvrir("alertes", CPE)

    def lignes(at) -> list[tuple[str, str]]:  # noqa: ANN001 (AppTest)
        tableau = next(d.value for d in at.dataframe if "Explication" in d.value.columns)
        return list(zip(tableau["Élève"], tableau["État"]))

    assert any("PETIT" in e and "Prise en charge" in etat for e, etat in lignes(at))
    at.multiselect(key="alertes_etats").set_value(["prise_en_charge"]).run()
    assert lignes(at) and all("Prise en charge" in etat for _, etat in lignes(at))


def test_conseil_decision_et_projection(ecole: Path) -> None:
    at = ouvrir("conseil", PP)
    at.selectbox(key="suivi_code_conseil").set_value("mention").run()
    at.selectbox(key="suivi_valeur_conseil_mention").set_value("Encouragements")
    at.button(key="suivi_ok_conseil").click().run()
    assert not at.exception and any("enregistrée" in s.value for s in at.success)
    assert any("Mention décidée : Encouragements" in m.value for m in at.markdown)
    at.sidebar.toggle(key="projection").set_value(True).run()
    assert not any("Décisions du conseil" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == "suivi_ok_conseil"]


def test_page_cpe_complete(ecole: Path) -> None:
    at = ouvrir("absences", CPE)
    sous_titres = [h.value for h in at.subheader]
    for attendu in ("Indicateur de la DEPP", "L'année en un coup d'œil", "Punitions et sanctions",
                    "Justificatifs en attente"):
        assert attendu in sous_titres
    tableaux = [d.value for d in at.dataframe]
    sanctions = next(t for t in tableaux if "Donnée par" in t.columns)
    assert list(sanctions["Nature"]) == ["Retenue"] and list(sanctions["Nom"]) == ["MOREAU"]
    coup_doeil = next(t for t in tableaux if "État de l'alerte" in t.columns)
    assert "PETIT" in set(coup_doeil["Nom"]) and set(coup_doeil["État de l'alerte"]) == {"Nouvelle"}
    # Le mois par défaut : le dernier mois qui a des données.
    assert at.selectbox(key="absences_mois").value == dt.date(2026, 1, 1)
