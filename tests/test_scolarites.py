"""L'historique des classes : la classe d'une période est celle où l'élève était pendant la période.

Règle (models/schema.py, vue interne ``t_classes_periodes`` ; README « Historique des classes ») : la
classe que les exports de notes de la période donnent à l'élève (la plus récente s'il y en a deux),
sinon celle de la liste d'élèves de l'année. Moyennes de classe calculées à la main.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from models.moyennes import evolution, moyennes
from models.records import Classe, Devoir, Eleve, Note, Periode, RefEleve

from .conftest import lot

ANNEES = {
    "2024-2025": [Periode(nom="Trimestre 1", annee="2024-2025", debut=dt.date(2024, 9, 1), fin=dt.date(2024, 11, 30)),
                  Periode(nom="Trimestre 2", annee="2024-2025", debut=dt.date(2024, 12, 1), fin=dt.date(2025, 3, 8))],
    "2025-2026": [Periode(nom="Trimestre 1", annee="2025-2026", debut=dt.date(2025, 9, 1), fin=dt.date(2025, 11, 30)),
                  Periode(nom="Trimestre 2", annee="2025-2026", debut=dt.date(2025, 12, 1), fin=dt.date(2026, 3, 8)),
                  Periode(nom="Trimestre 3", annee="2025-2026", debut=dt.date(2026, 3, 9), fin=dt.date(2026, 7, 4))],
}
NAISSANCE = {"DUPONT": dt.date(2011, 3, 4), "LEFEVRE": dt.date(2011, 6, 1), "NDIAYE": dt.date(2011, 1, 20),
             "MARTIN": dt.date(2011, 9, 9)}
PRENOM = {"DUPONT": "Jean", "LEFEVRE": "Chloé", "NDIAYE": "Aïssa", "MARTIN": "Lucas"}
_rang = itertools.count()


def liste(wh, tmp_path, annee: str, classes: dict[str, str]):
    """La liste d'élèves de l'année : nom → classe."""
    res = wh.importer(lot(
        tmp_path, "pronote-eleves", f"{annee}{sorted(classes.items())}", effectif=True, annee=annee,
        periodes=ANNEES[annee], classes=[Classe(nom=c, niveau=f"{c[0]}e") for c in set(classes.values())],
        eleves=[Eleve(nom=n, prenom=PRENOM[n], classe=c, date_naissance=NAISSANCE[n]) for n, c in classes.items()],
    ))
    assert res.statut == "reussi", res.message


def notes(wh, tmp_path, classe: str, jour: dt.date, valeurs: dict[str, float]):
    """Un devoir de mathématiques de la classe, comme l'export de notes de cette classe le donne."""
    d = Devoir(classe=classe, matiere="MATHEMATIQUES", date=jour, titre="DS", rang=next(_rang))
    n = [Note(eleve=RefEleve(nom=nom, prenom=PRENOM[nom], classe=classe), devoir=d, valeur=v)
         for nom, v in valeurs.items()]
    res = wh.importer(lot(tmp_path, "pronote-notes", repr(n), notes=n))
    assert res.statut == "reussi", res.message


def ligne(wh, nom: str, annee: str, periode: str) -> dict:
    df = moyennes(wh, annee=annee, periode=periode).filter(nom=nom, matiere="MATHEMATIQUES")
    assert df.height == 1, df
    return df.row(0, named=True)


def test_changement_de_classe_entre_deux_annees(wh, tmp_path):
    # La liste de cette année est importée AVANT celle de l'an dernier : la classe actuelle n'en dépend pas.
    liste(wh, tmp_path, "2025-2026", {"DUPONT": "3A", "LEFEVRE": "3B", "NDIAYE": "3A", "MARTIN": "3B"})
    liste(wh, tmp_path, "2024-2025", {"DUPONT": "4A", "LEFEVRE": "4A", "NDIAYE": "4B", "MARTIN": "4B"})
    notes(wh, tmp_path, "4A", dt.date(2024, 10, 1), {"DUPONT": 10, "LEFEVRE": 16})
    notes(wh, tmp_path, "4B", dt.date(2024, 10, 2), {"NDIAYE": 12, "MARTIN": 6})
    notes(wh, tmp_path, "4A", dt.date(2025, 1, 10), {"DUPONT": 12, "LEFEVRE": 14})
    notes(wh, tmp_path, "3A", dt.date(2025, 10, 1), {"DUPONT": 14, "NDIAYE": 8})
    notes(wh, tmp_path, "3B", dt.date(2025, 10, 2), {"LEFEVRE": 18, "MARTIN": 10})

    assert dict(wh.sql("SELECT nom, classe FROM eleves").rows()) == {
        "DUPONT": "3A", "LEFEVRE": "3B", "NDIAYE": "3A", "MARTIN": "3B"}
    assert wh.sql("SELECT s.annee, s.classe FROM scolarites s JOIN eleves e USING (eleve_id) "
                  "WHERE nom = 'DUPONT' ORDER BY annee").rows() == [("2024-2025", "4A"), ("2025-2026", "3A")]
    # L'an dernier : Jean en 4A avec Chloé (10, 16 → 13 ; 2e), Aïssa en 4B avec Lucas (12, 6 → 9 ; 1re).
    # Avec la classe actuelle, Jean et Aïssa auraient fait une « 3A » de 2024-2025 à 11.
    j = ligne(wh, "DUPONT", "2024-2025", "Trimestre 1")
    assert (j["classe"], j["moyenne_classe"], j["min_classe"], j["max_classe"], j["rang"]) == ("4A", 13, 10, 16, 2)
    a = ligne(wh, "NDIAYE", "2024-2025", "Trimestre 1")
    assert (a["classe"], a["moyenne_classe"], a["rang"]) == ("4B", 9, 1)
    # Cette année : 3A = Jean 14, Aïssa 8 → 11 ; 3B = Chloé 18, Lucas 10 → 14.
    assert (ligne(wh, "DUPONT", "2025-2026", "Trimestre 1")["moyenne_classe"],
            ligne(wh, "LEFEVRE", "2025-2026", "Trimestre 1")["moyenne_classe"]) == (11, 14)
    # « La période précédente » à travers l'année : T2 2024-2025 en 4A (12 ; classe (12 + 14)/2 = 13, 2e)
    # précède le T1 2025-2026 en 3A (14 ; classe 11, 1er) : +2.
    ev = evolution(wh, j["eleve_id"])
    assert ev.select("annee", "periode", "moyenne", "moyenne_classe", "rang").rows() == [
        ("2024-2025", "Trimestre 1", 10, 13, 2), ("2024-2025", "Trimestre 2", 12, 13, 2),
        ("2025-2026", "Trimestre 1", 14, 11, 1)]
    assert ev["variation"][2] == pytest.approx(2)


def test_changement_de_classe_en_cours_d_annee(wh, tmp_path):
    # Chloé passe de 3B en 3A en décembre (la liste de janvier le dit), noté en 3B puis en 3A au T2.
    liste(wh, tmp_path, "2025-2026", {"DUPONT": "3A", "LEFEVRE": "3B", "NDIAYE": "3A", "MARTIN": "3B"})
    notes(wh, tmp_path, "3A", dt.date(2025, 10, 1), {"DUPONT": 14, "NDIAYE": 8})
    notes(wh, tmp_path, "3B", dt.date(2025, 10, 2), {"LEFEVRE": 18, "MARTIN": 10})
    liste(wh, tmp_path, "2025-2026", {"DUPONT": "3A", "LEFEVRE": "3A", "NDIAYE": "3A", "MARTIN": "3B"})
    notes(wh, tmp_path, "3B", dt.date(2025, 12, 5), {"LEFEVRE": 16, "MARTIN": 9})
    notes(wh, tmp_path, "3A", dt.date(2026, 2, 1), {"DUPONT": 12, "NDIAYE": 6, "LEFEVRE": 15})

    assert wh.valeur("SELECT classe FROM eleves WHERE nom = 'LEFEVRE'") == "3A"
    assert sorted(wh.sql("SELECT s.classe FROM scolarites s JOIN eleves e USING (eleve_id) WHERE nom = 'LEFEVRE'")
                  ["classe"]) == ["3A", "3B"]
    # T1 : Chloé en 3B (classe de ses notes du T1) : 3B = (18 + 10)/2 = 14 ; 3A = (14 + 8)/2 = 11.
    c1 = ligne(wh, "LEFEVRE", "2025-2026", "Trimestre 1")
    assert (c1["classe"], c1["moyenne_classe"], c1["rang"]) == ("3B", 14, 1)
    assert ligne(wh, "DUPONT", "2025-2026", "Trimestre 1")["moyenne_classe"] == 11
    # T2 : notée en 3B (16) puis en 3A (15) : sa classe à la fin du T2 est la 3A, sa moyenne 15,5 ;
    # 3A = (12 + 6 + 15,5)/3 = 11,1666… ; 3B = Lucas seul, 9.
    c2 = ligne(wh, "LEFEVRE", "2025-2026", "Trimestre 2")
    assert (c2["classe"], c2["moyenne"], c2["rang"]) == ("3A", 15.5, 1)
    assert c2["moyenne_classe"] == pytest.approx(33.5 / 3)
    m2 = ligne(wh, "MARTIN", "2025-2026", "Trimestre 2")
    assert (m2["classe"], m2["moyenne_classe"], m2["max_classe"]) == ("3B", 9, 9)
    # Sans note (T3), la classe vient de la liste : la plus récente de l'année.
    assert wh.sql("SELECT c.classe, c.origine FROM classes_periodes c JOIN eleves e USING (eleve_id) "
                  "WHERE nom = 'LEFEVRE' ORDER BY periode").rows() == [
        ("3B", "notes"), ("3A", "notes"), ("3A", "liste")]


def test_dates_de_la_liste(wh, tmp_path):
    # Sans note, la liste dont les dates d'entrée et de sortie encadrent la fin de la période l'emporte.
    liste(wh, tmp_path, "2025-2026", {"DUPONT": "3A"})
    res = wh.importer(lot(
        tmp_path, "pronote-eleves", "sortie", effectif=True, annee="2025-2026",
        classes=[Classe(nom="3C", niveau="3e")],
        eleves=[Eleve(nom="DUPONT", prenom="Jean", classe="3C", date_naissance=NAISSANCE["DUPONT"],
                      entree=dt.date(2026, 3, 9))]))
    assert res.statut == "reussi", res.message
    assert wh.sql("SELECT periode, classe FROM classes_periodes ORDER BY periode").rows() == [
        ("Trimestre 1", "3A"), ("Trimestre 2", "3A"), ("Trimestre 3", "3C")]


def test_liste_sans_annee_rattachee_a_la_derniere_annee_et_signalee(wh, tmp_path):
    liste(wh, tmp_path, "2024-2025", {"DUPONT": "4A"})
    wh.importer(lot(tmp_path, "etab", "p", periodes=ANNEES["2025-2026"]))
    res = wh.importer(lot(tmp_path, "pronote-eleves", "sans", effectif=True, classes=[Classe(nom="3A", niveau="3e")],
                          eleves=[Eleve(nom="DUPONT", prenom="Jean", classe="3A", date_naissance=NAISSANCE["DUPONT"])]))
    assert res.statut == "reussi", res.message
    assert any("2025-2026" in a and "annee=" in a for a in res.anomalies)
    assert wh.sql("SELECT annee, classe FROM scolarites ORDER BY annee").rows() == [
        ("2024-2025", "4A"), ("2025-2026", "3A")]


@pytest.mark.slow
def test_ecole_fictive_de_deux_ans_par_les_vrais_fichiers(tmp_path):
    # Comme « vigie demo » : deux années, chaque liste d'élèves avec son année, les vrais connecteurs.
    from connectors.importation import importer
    from models.warehouse import Warehouse
    from sample_data.generateur import ecrire_ecole, generer

    plan = ecrire_ecole(generer(3, eleves=80, annees=2), tmp_path / "fichiers")
    assert [o for s, _, o in plan if s == "pronote-eleves"] == [{"annee": "2024-2025"}, {"annee": "2025-2026"}]
    with Warehouse(tmp_path / "e.duckdb") as wh:
        assert all(r.statut == "reussi" for r in importer(wh, plan, demo=True))
        n = wh.sql("""
            SELECT count(*) AS n, count(*) FILTER (WHERE m.classe <> s.classe) AS autre_que_la_liste,
                   count(*) FILTER (WHERE m.classe <> e.classe) AS autre_qu_aujourd_hui
            FROM moyennes m JOIN scolarites s ON s.eleve_id = m.eleve_id AND s.annee = m.annee
            JOIN eleves e ON e.eleve_id = m.eleve_id
            WHERE m.annee = '2024-2025'""").row(0, named=True)
    # Chaque moyenne de l'an dernier est dans la classe de l'an dernier — la plupart des élèves ont changé
    # de classe depuis (la classe actuelle en aurait faussé autant).
    assert n["n"] > 0 and n["autre_que_la_liste"] == 0 and n["autre_qu_aujourd_hui"] > n["n"] / 2


def test_tendance_de_l_eleve_sur_deux_annees():
    # Deux « Trimestre 1 » de deux années restent deux points, dans l'ordre chronologique.
    import polars as pl

    from dashboard.fiches import tendance_eleve

    ev = pl.DataFrame({"annee": ["2024-2025", "2025-2026"], "periode": ["Trimestre 1", "Trimestre 1"],
                       "moyenne": [10.0, 14.0], "moyenne_classe": [13.0, 11.0]})
    assert tendance_eleve(ev).filter(serie="Élève")["periode"].to_list() == [
        "Trimestre 1 (2024-2025)", "Trimestre 1 (2025-2026)"]
    assert tendance_eleve(ev.head(1))["periode"].to_list() == ["Trimestre 1", "Trimestre 1"]
