"""La page d'accueil de chaque rôle (issue 22, « Each role starts on its job ») et la recherche d'élève de la
barre latérale : ``models/tableau_de_bord.py`` et ``models/recherche.py`` sur l'école de
``tests/ecole_accueils.py`` (chiffres calculés à la main dans son en-tête), puis les pages par AppTest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from models import lectures
from models import tableau_de_bord as tb
from models.acces import Utilisateur
from models.periodes import Periode
from models.recherche import correspond, rechercher_eleves
from models.warehouse import lecture
from tests.ecole_accueils import construire
from tests.test_dashboard_pages import ouvrir


@pytest.fixture(scope="module")
def ecole_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return construire(tmp_path_factory.mktemp("accueils") / "ecole.duckdb")


@pytest.fixture
def wh(ecole_db: Path):
    with lecture(ecole_db) as w:
        yield w


@pytest.fixture
def ecole(ecole_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DB", str(ecole_db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return ecole_db


# --- Périodes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("au, attendu", [
    (dt.date(2025, 8, 20), ("Trimestre 1", "a_venir")),
    (dt.date(2025, 9, 1), ("Trimestre 1", "en_cours")),
    (dt.date(2025, 11, 30), ("Trimestre 1", "en_cours")),
    (dt.date(2025, 12, 1), ("Trimestre 2", "en_cours")),
    (dt.date(2026, 3, 9), ("Trimestre 2", "terminee")),
    (dt.date(2026, 11, 30), ("Trimestre 2", "terminee")),
])
def test_periode_courante(wh, au, attendu):
    p = tb.periode_courante(wh, au)
    assert (p.periode, p.etat) == attendu
    assert p.annee == "2025-2026"


def test_derniere_periode_notee(wh):
    assert tb.derniere_periode_notee(wh, "3B", dt.date(2026, 5, 1)) == Periode("2025-2026", "Trimestre 2")
    # Le 15/10/2025, le deuxième trimestre n'a pas commencé : ses notes ne sont pas « les dernières ».
    assert tb.derniere_periode_notee(wh, "3B", dt.date(2025, 10, 15)) == Periode("2025-2026", "Trimestre 1")
    assert tb.derniere_periode_notee(wh, "5A") is None


# --- Professeur principal -----------------------------------------------------------------------------


def test_accueil_classe_moyennes_et_qui_a_bouge(wh):
    a = tb.accueil_classe(wh, "3B", au=dt.date(2026, 3, 20))
    assert a.periode == Periode("2025-2026", "Trimestre 2")
    assert a.precedente == Periode("2025-2026", "Trimestre 1")
    assert a.generale["moyenne"] == pytest.approx(72.5 / 6)
    assert a.generale["precedente"] == pytest.approx(57 / 5)  # sans FABRE, absente en T1
    m = {r["matiere"]: (r["moyenne"], r["precedente"]) for r in a.matieres.iter_rows(named=True)}
    assert m == {"FRANÇAIS": (pytest.approx(70 / 6), pytest.approx(56 / 5)),
                 "MATHÉMATIQUES": (pytest.approx(75 / 6), pytest.approx(58 / 5))}
    assert a.hausses.select("eleve", "moyenne_avant", "moyenne", "variation").rows() == [
        ("ARNAUD Paul", 9.0, 13.0, 4.0), ("BERGER Chloé", 11.0, 12.5, 1.5)]
    assert a.baisses.select("eleve", "variation").rows() == [("CARON Éloïse", -3.5), ("DUPONT Malo", -1.0)]
    assert (a.nb_hausses, a.nb_baisses) == (2, 2)


def test_qui_a_bouge_au_plus_cinq_par_sens_mais_tous_comptes(wh, monkeypatch):
    monkeypatch.setattr(tb, "MOUVEMENTS_MAX", 1)
    a = tb.accueil_classe(wh, "3B", au=dt.date(2026, 3, 20))
    assert a.hausses["eleve"].to_list() == ["ARNAUD Paul"] and a.baisses["eleve"].to_list() == ["CARON Éloïse"]
    assert (a.nb_hausses, a.nb_baisses) == (2, 2)


def test_accueil_classe_alertes_de_la_periode_en_cours(wh):
    # Au 20/03/2026, T2 est la dernière période commencée : ses alertes, celles de la classe seulement.
    a = tb.accueil_classe(wh, "3B", au=dt.date(2026, 3, 20))
    assert a.courante.periode == "Trimestre 2" and a.courante.etat == "terminee"
    assert a.alertes.select("nom", "regle", "periode").rows() == [
        ("CARON", "absences_mois", "2025-12"),   # 5 demi-journées non justifiées en décembre (≥ 4)
        ("CARON", "baisse_moyenne", "Trimestre 2"),  # 15 → 11,5 : −3,5 ≥ 2 points
    ]
    # Au 15/10/2025 (T1 en cours), rien : les absences et la baisse sont postérieures.
    t1 = tb.accueil_classe(wh, "3B", au=dt.date(2025, 10, 15))
    assert t1.courante.periode == "Trimestre 1" and t1.alertes.is_empty()


def test_accueil_classe_sans_note(wh):
    a = tb.accueil_classe(wh, "5A", au=dt.date(2026, 3, 20))
    assert a.periode is None and a.generale is None and a.hausses.is_empty() and a.matieres.is_empty()
    assert a.alertes.select("nom", "regle").rows() == [("JOLY", "absences_mois")]


def test_resume_classe(wh):
    r = tb.resume_classe(wh, "3B")
    assert r["periode"] == "Trimestre 2"
    assert r["moyenne"] == pytest.approx(72.5 / 6)
    assert r["ecart"] == pytest.approx(72.5 / 6 - 57 / 5)
    assert tb.resume_classe(wh, "5A") == {"periode": None, "moyenne": None, "ecart": None}


# --- CPE ----------------------------------------------------------------------------------------------


def test_accueil_vie_scolaire(wh):
    a = tb.accueil_vie_scolaire(wh, au=dt.date(2026, 3, 20))
    assert a.mois == dt.date(2026, 1, 1) and a.mois_precedent == dt.date(2025, 12, 1)
    assert a.franchissements.select("nom", "classe", "non_justifiees", "regle").rows() == [
        ("HENRY", "3D", 10, "absences_persistance"), ("JOLY", "5A", 4, "absences_mois")]  # ARNAUD : 3
    assert a.paliers == {"absences_persistance": 1, "absences_mois": 1}
    assert a.paliers_precedents == {"absences_persistance": 0, "absences_mois": 1}  # CARON en décembre
    assert a.en_attente.select("nom", "motif").rows() == [("DUPONT", None), ("BERGER", "Rendez-vous médical")]


def test_accueil_vie_scolaire_le_dernier_mois_est_au_plus_celui_du_jour(wh):
    a = tb.accueil_vie_scolaire(wh, au=dt.date(2025, 12, 31))
    assert a.mois == dt.date(2025, 12, 1)
    assert a.franchissements.select("nom", "non_justifiees").rows() == [("CARON", 5)]
    assert a.paliers == {"absences_persistance": 0, "absences_mois": 1}


# --- Coordination ULIS --------------------------------------------------------------------------------


def test_accueil_ulis(wh):
    a = tb.accueil_ulis(wh)
    assert a.eleves.select("nom", "classe", "evaluations", "derniere").rows() == [
        ("GARNIER", "3D", 2, dt.date(2026, 2, 5)), ("IBERT", "5A", 2, dt.date(2026, 2, 20))]
    # 30 jours avant la dernière évaluation (20/02/2026) : ni celle du 10/01 ni celle du 01/12 ; ARNAUD
    # n'est pas du dispositif.
    assert a.recentes.select("date", "nom", "item", "niveau").rows() == [
        (dt.date(2026, 2, 20), "IBERT", "CPD_FRA", 3), (dt.date(2026, 2, 5), "GARNIER", "Lire un texte court", 2)]


# --- Direction ----------------------------------------------------------------------------------------


def test_alertes_par_classe_et_par_niveau_a_la_main():
    classes = pl.DataFrame({"classe": ["3B", "6A", "3D", "CAP1 X", "6B"], "niveau": ["3e", "6e", "3e", None, "6e"],
                            "effectif": [20, 25, 22, 12, 24]})
    al = pl.DataFrame({
        "eleve_id": ["a", "a", "b", "c", "d"], "classe": ["3B", "3B", "3D", "6B", "CAP1 X"],
        "gravite": ["alerte", "attention", "info", "alerte", "attention"],
    })
    par_classe = tb.alertes_par_classe(al, classes)
    assert par_classe.select("classe", "effectif", "eleves_en_alerte", "alerte", "attention", "info").rows() == [
        ("6A", 25, 0, 0, 0, 0), ("6B", 24, 1, 1, 0, 0), ("3B", 20, 1, 1, 1, 0), ("3D", 22, 1, 0, 0, 1),
        ("CAP1 X", 12, 1, 0, 1, 0)]
    par_niveau = tb.alertes_par_niveau(al, classes)
    assert par_niveau.select("niveau", "classes", "effectif", "eleves_en_alerte", "alerte", "attention",
                             "info").rows() == [
        ("6e", 2, 49, 1, 1, 0, 0), ("3e", 2, 42, 2, 1, 1, 1), (None, 1, 12, 1, 0, 1, 0)]


def test_alertes_de_la_periode_par_niveau(wh):
    courante, al = tb.alertes_de_la_periode(wh, au=dt.date(2026, 3, 20))
    assert courante.periode == "Trimestre 2"
    # CARON (3B) : absences de décembre + baisse ; JOLY (5A) : 4 en janvier ; HENRY (3D) : 10 en janvier et
    # hausse des absences (0 en T1, 10 en T2).
    assert sorted(al.select("nom", "regle").rows()) == [
        ("CARON", "absences_mois"), ("CARON", "baisse_moyenne"), ("HENRY", "absences_hausse"),
        ("HENRY", "absences_persistance"), ("JOLY", "absences_mois")]
    par_niveau = tb.alertes_par_niveau(al, lectures.classes(wh))
    assert par_niveau.select("niveau", "classes", "effectif", "eleves_en_alerte", "alerte", "attention").rows() == [
        ("5e", 1, 2, 1, 1, 0), ("3e", 2, 8, 2, 2, 2)]


# --- Recherche ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("texte, attendu", [
    ("eloise", True), ("ÉLOÏSE", True), ("caron", True), ("car", True), ("Caron Éloïse", True),
    ("eloise 3b", True), ("3 B", True), ("3b", True), ("aron", False), ("eloise 3d", False), ("", False),
    ("  ", False),
])
def test_correspond(texte, attendu):
    assert correspond(texte, "CARON", "Éloïse", "3B") is attendu


def test_correspond_noms_composes():
    assert correspond("dalmeida", "LEFÈVRE-D'ALMEIDA", "Zoé", "2 MELEC")
    assert correspond("2melec", "LEFÈVRE-D'ALMEIDA", "Zoé", "2 MELEC")
    assert correspond("melec", "LEFÈVRE-D'ALMEIDA", "Zoé", "2 MELEC")


def test_rechercher_eleves(wh):
    assert rechercher_eleves(wh, "etienne")["nom"].to_list() == ["ÉTIENNE"]
    assert rechercher_eleves(wh, "3d").select("nom", "classe").rows() == [("GARNIER", "3D"), ("HENRY", "3D")]
    assert rechercher_eleves(wh, "3", limite=3)["nom"].to_list() == ["ARNAUD", "BERGER", "CARON"]
    assert rechercher_eleves(wh, "zzz").is_empty()


def test_rechercher_eleves_dans_le_perimetre(ecole_db):
    with lecture(ecole_db, utilisateur=Utilisateur("pp", "professeur_principal", classes=("3B",))) as w:
        assert rechercher_eleves(w, "garnier").is_empty()
        assert rechercher_eleves(w, "arnaud")["nom"].to_list() == ["ARNAUD"]
    with lecture(ecole_db, utilisateur=Utilisateur("u", "coordonnateur_ulis")) as w:
        assert rechercher_eleves(w, "3")["nom"].to_list() == ["GARNIER"]  # les 3e hors dispositif : non
        assert rechercher_eleves(w, "5a")["nom"].to_list() == ["IBERT"]


# --- Pages (AppTest) ----------------------------------------------------------------------------------


def _metriques(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _textes(at) -> str:
    return "\n".join([e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.header]
                     + [e.value for e in at.subheader])


def _tableaux(at) -> list:
    return [df.value for df in at.dataframe]


def test_page_accueil_professeur_principal(ecole):
    at = ouvrir("accueil", utilisateur=Utilisateur("pp", "professeur_principal", "M. Prof", ("3B",)))
    assert [h.value for h in at.header][0] == "Votre classe : 3B"
    m = _metriques(at)
    # Arrondis de models.nombres ; un écart négatif commence par « - » ASCII (flèche vers le bas).
    assert m["Moyenne générale"] == ("12,08", "+0,68")
    assert m["Élèves en hausse"][0] == "2" and m["Élèves en baisse"][0] == "2"
    assert m["Alertes de la période"][0] == "2"
    assert m["FRANÇAIS"] == ("11,67", "+0,47") and m["MATHÉMATIQUES"] == ("12,50", "+0,90")
    assert m["ARNAUD Paul"] == ("13,00", "+4,00") and m["BERGER Chloé"] == ("12,50", "+1,50")
    assert m["CARON Éloïse"] == ("11,50", "-3,50") and m["DUPONT Malo"] == ("11,00", "-1,00")
    assert not {"ÉTIENNE Jules", "FABRE Nina"} & set(m)  # +0,5 : sous le seuil ; FABRE : pas de T1
    texte = _textes(at)
    assert "la dernière, Trimestre 2 (2025-2026), s'est terminée le 08/03/2026" in texte
    alertes = [e.value for e in at.markdown if "**" in e.value and " — " in e.value]
    assert len(alertes) == 2 and all("CARON Éloïse" in a for a in alertes)
    assert "décembre 2025" in alertes[0]
    assert "HENRY" not in texte and "JOLY" not in texte  # hors de sa classe
    # Chaque élève qui a bougé, et chaque alerte, ouvre sa fiche.
    next(b for b in at.button if b.label == "Fiche de CARON Éloïse").click().run()
    assert not at.exception
    assert at.title[0].value == "Élève" and at.header[0].value == "CARON Éloïse — 3B"


def test_page_accueil_enseignant(ecole):
    at = ouvrir("accueil", utilisateur=Utilisateur("e", "enseignant", classes=("3B", "5A")))
    m = _metriques(at)
    assert m["3B · 6 élèves"] == ("12,08", "+0,68")
    assert m["5A · 2 élèves"] == ("Aucune note", "")
    assert not any("Alertes de la période" in s.value for s in at.subheader)


def test_page_accueil_cpe(ecole):
    at = ouvrir("accueil", utilisateur=Utilisateur("c", "cpe"))
    assert at.header[0].value == "Vie scolaire — janvier 2026"
    m = _metriques(at)
    assert m["Persistance : 10 ou plus"] == ("1", "+1")  # 0 en décembre
    assert m["Seuil légal : 4 à 9"] == ("1", "0")  # CARON en décembre, JOLY en janvier
    assert m["Justificatifs en attente"] == ("2", "")
    # l'état des données : seulement ce que le CPE peut lire (un « Notes 0 » se lirait « aucune note »)
    assert {"Élèves", "Absences", "Retards", "Punitions et sanctions"} <= set(m)
    assert not {"Notes", "Moyennes Pronote", "Évaluations de compétences", "Participations Pix"} & set(m)
    franchis, attente = _tableaux(at)[:2]
    assert franchis["Fiche"].str.startswith("eleve?eleve=").all()  # clé opaque, jamais l'identifiant
    assert not franchis["Fiche"].str.contains("100000008AA").any()
    assert franchis[["Nom", "Classe", "Non justifiées", "Palier"]].values.tolist() == [
        ["HENRY", "3D", 10, "Persistance (10 ou plus)"], ["JOLY", "5A", 4, "Seuil légal (4 à 9)"]]
    assert attente[["Nom", "Début", "Demi-journées", "Motif"]].values.tolist() == [
        ["DUPONT", "20/01/2026 08:00", "1", "—"], ["BERGER", "22/01/2026 08:00", "1", "Rendez-vous médical"]]


def test_page_accueil_coordination_ulis(ecole):
    at = ouvrir("accueil", utilisateur=Utilisateur("u", "coordonnateur_ulis"))
    assert at.header[0].value == "Dispositif ULIS — 2 élève(s)"
    eleves, recentes = _tableaux(at)[:2]
    assert eleves[["Nom", "Classe", "Évaluations", "Dernière évaluation"]].values.tolist() == [
        ["GARNIER", "3D", 2, "05/02/2026"], ["IBERT", "5A", 2, "20/02/2026"]]
    assert recentes[["Date", "Élève", "Item", "Niveau"]].values.tolist() == [  # l'intitulé, jamais « CPD_FRA »
        ["20/02/2026", "IBERT Sami",
         "Comprendre, s'exprimer en utilisant la langue française à l'oral et à l'écrit", "3 — Maîtrise satisfaisante"],
        ["05/02/2026", "GARNIER Lou", "Lire un texte court", "2 — Maîtrise fragile"]]


def test_page_accueil_direction(ecole):
    at = ouvrir("accueil", utilisateur=Utilisateur("d", "direction"))
    assert at.header[0].value == "L'établissement"
    m = _metriques(at)
    assert m["Élèves"][0] == "10" and m["Classes"][0] == "3" and m["Élèves en alerte"][0] == "3"
    assert m["Alertes de la période"][0] == "5"
    assert "Par gravité : Alerte : 3 · Attention : 2 · Information : 0." in _textes(at)
    par_niveau, par_classe = _tableaux(at)[:2]
    assert par_niveau[["Niveau", "Classes", "Élèves", "Élèves en alerte", "Alertes", "Attention"]].values.tolist() == [
        ["5e", 1, 2, 1, 1, 0], ["3e", 2, 8, 2, 2, 2]]
    assert par_classe[["Classe", "Élèves en alerte", "Alertes", "Attention"]].values.tolist() == [
        ["5A", 1, 1, 0], ["3B", 1, 1, 1], ["3D", 1, 1, 1]]
    # L'état des données (fraîcheur par source) reste sur la page de la direction.
    assert any(s.value == "Fraîcheur des données, par source" for s in at.subheader)


def _rechercher(at, texte: str):
    at.text_input(key="vigie_recherche").input(texte).run()
    return [b for b in at.sidebar.button if b.key and b.key.startswith("vigie_recherche_")]


def test_recherche_ouvre_la_fiche(ecole):
    at = ouvrir("classe", utilisateur=Utilisateur("d", "direction"))
    boutons = _rechercher(at, "ELOISE")
    assert [b.label for b in boutons] == ["CARON Éloïse — 3B"]
    boutons[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Élève"
    assert at.header[0].value == "CARON Éloïse — 3B"
    assert at.text_input(key="vigie_recherche").value == ""  # le champ est vidé après l'ouverture
    # Puis un autre élève, depuis la fiche elle-même.
    _rechercher(at, "henry")[0].click().run()
    assert at.header[0].value == "HENRY Tom — 3D"


def test_recherche_limitee_au_perimetre(ecole):
    at = ouvrir("accueil", utilisateur=Utilisateur("pp", "professeur_principal", classes=("3B",)))
    assert _rechercher(at, "henry") == []
    assert any(c.value == "Aucun élève trouvé." for c in at.sidebar.caption)
    assert [b.label for b in _rechercher(at, "3")] == [
        "ARNAUD Paul — 3B", "BERGER Chloé — 3B", "CARON Éloïse — 3B", "DUPONT Malo — 3B", "ÉTIENNE Jules — 3B",
        "FABRE Nina — 3B"]


def test_page_accueil_professeur_principal_de_deux_classes(ecole):
    at = ouvrir("accueil", utilisateur=Utilisateur("pp", "professeur_principal", classes=("3B", "3D")))
    assert at.header[0].value == "Votre classe : 3B"
    at.get("button_group")[0].set_value("3D").run()
    assert not at.exception
    assert at.header[0].value == "Votre classe : 3D"
    assert any("Aucune note pour la classe 3D" in i.value for i in at.info)
    alertes = [e.value for e in at.markdown if "**" in e.value and " — " in e.value]
    # HENRY : 10 demi-journées non justifiées en janvier (persistance), 0 en T1 puis 10 en T2 (hausse).
    assert len(alertes) == 2 and all("HENRY Tom" in a for a in alertes)


def test_le_conseil_reprend_la_feuille_calculee_pour_l_accueil(ecole, monkeypatch):
    """L'accueil du professeur principal demande la feuille du conseil comme la page Conseil de classe :
    ouvrir le conseil ensuite ne la recalcule pas (une seule entrée du cache)."""
    import functools

    import streamlit as st

    from models import conseil

    st.cache_data.clear()
    vraie, appels = conseil.feuille, []

    @functools.wraps(vraie)
    def feuille(wh, *args, **kwargs):
        appels.append(args)
        return vraie(wh, *args, **kwargs)

    monkeypatch.setattr(conseil, "feuille", feuille)
    at = ouvrir("accueil", utilisateur=Utilisateur("pp", "professeur_principal", classes=("3B",)))
    at.switch_page("ecrans/conseil.py").run()
    assert not at.exception
    assert at.title[0].value == "Conseil de classe"
    assert appels == [("3B", "Trimestre 2", "2025-2026")]


def test_accueil_enseignant(wh):
    courante, classes = tb.accueil_enseignant(wh, ("5A", "3B", "6Z"), au=dt.date(2026, 3, 20))
    assert courante.periode == "Trimestre 2"
    assert classes.select("classe", "effectif", "periode").rows() == [("5A", 2, None), ("3B", 6, "Trimestre 2")]
    assert classes["moyenne"][1] == pytest.approx(72.5 / 6)


def test_generale_des_memes_eleves():
    maintenant = pl.DataFrame({"eleve_id": ["a", "b", "c", "a"], "matiere": [None, None, None, "FR"],
                               "moyenne": [12.0, 10.0, 14.0, 12.0]})
    avant = pl.DataFrame({"eleve_id": ["a", "b", "d", "a"], "matiere": [None, None, None, "FR"],
                          "moyenne": [9.0, 13.0, 20.0, 1.0]})
    assert tb.generale_des_memes_eleves(maintenant, avant) == 11.0  # (9 + 13) / 2 : ni « d », ni le français
    assert tb.generale_des_memes_eleves(maintenant, avant.clear()) is None


@pytest.mark.parametrize("role", [Utilisateur("pp", "professeur_principal", classes=("3B",)),
                                  Utilisateur("e", "enseignant", classes=("3B",)), Utilisateur("c", "cpe"),
                                  Utilisateur("u", "coordonnateur_ulis"), Utilisateur("d", "direction")])
def test_accueil_entrepot_vide(tmp_path, monkeypatch, role):
    monkeypatch.setenv("VIGIE_DB", str(tmp_path / "vide.duckdb"))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    at = ouvrir("accueil", utilisateur=role)
    assert [h.value for h in at.header] == []  # pas d'accueil de rôle : la page dit quoi importer
    assert any("L'entrepôt est vide" in i.value for i in at.info)
