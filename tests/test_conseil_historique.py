"""Le conseil de classe suit l'historique des classes (issues 16 et 18).

La feuille d'un conseil (``models.conseil.feuille``) liste les élèves de la classe **pendant la période**
(vue ``classes_periodes``), lit leur période précédente où qu'ils fussent alors (``models.moyennes.moyennes``
filtré par ``eleves``), et garde les chiffres de la classe pour la classe. Valeurs calculées à la main.
"""

from __future__ import annotations

import datetime as dt
import itertools

from models import conseil
from models.moyennes import comparaison_precedente, moyennes
from models.periodes import Periode as PeriodeScolaire
from models.records import Classe, Devoir, Eleve, Note, Periode, RefEleve

from .conftest import lot


def _trimestres(annee: str) -> list[Periode]:
    a = int(annee[:4])
    return [Periode(nom="Trimestre 1", annee=annee, debut=dt.date(a, 9, 1), fin=dt.date(a, 11, 30)),
            Periode(nom="Trimestre 2", annee=annee, debut=dt.date(a, 12, 1), fin=dt.date(a + 1, 3, 8)),
            Periode(nom="Trimestre 3", annee=annee, debut=dt.date(a + 1, 3, 9), fin=dt.date(a + 1, 7, 4))]


PRENOM = {"DUPONT": "Jean", "LEFEVRE": "Chloé", "NDIAYE": "Aïssa", "MARTIN": "Lucas"}
NAISSANCE = {"DUPONT": dt.date(2011, 3, 4), "LEFEVRE": dt.date(2011, 6, 1), "NDIAYE": dt.date(2011, 1, 20),
             "MARTIN": dt.date(2011, 9, 9)}
_rang = itertools.count()


def _liste(wh, tmp_path, annee: str, classes: dict[str, str]):
    res = wh.importer(lot(
        tmp_path, "pronote-eleves", f"{annee}{sorted(classes.items())}", effectif=True, annee=annee,
        periodes=_trimestres(annee), classes=[Classe(nom=c, niveau=f"{c[0]}e") for c in set(classes.values())],
        eleves=[Eleve(nom=n, prenom=PRENOM[n], classe=c, date_naissance=NAISSANCE[n]) for n, c in classes.items()],
    ))
    assert res.statut == "reussi", res.message


def _notes(wh, tmp_path, classe: str, jour: dt.date, valeurs: dict[str, float]):
    d = Devoir(classe=classe, matiere="MATHEMATIQUES", date=jour, titre="DS", rang=next(_rang))
    n = [Note(eleve=RefEleve(nom=nom, prenom=PRENOM[nom], classe=classe), devoir=d, valeur=v)
         for nom, v in valeurs.items()]
    res = wh.importer(lot(tmp_path, "pronote-notes", repr(n), notes=n))
    assert res.statut == "reussi", res.message


def _deux_annees(wh, tmp_path):
    # 2024-2025 : Jean et Chloé en 4A, Aïssa et Lucas en 4B ; 2025-2026 : Jean et Aïssa en 3A, les autres en 3B.
    _liste(wh, tmp_path, "2024-2025", {"DUPONT": "4A", "LEFEVRE": "4A", "NDIAYE": "4B", "MARTIN": "4B"})
    _liste(wh, tmp_path, "2025-2026", {"DUPONT": "3A", "LEFEVRE": "3B", "NDIAYE": "3A", "MARTIN": "3B"})
    _notes(wh, tmp_path, "4A", dt.date(2025, 5, 10), {"DUPONT": 9, "LEFEVRE": 15})   # T3 2024-2025
    _notes(wh, tmp_path, "4B", dt.date(2025, 5, 11), {"NDIAYE": 12, "MARTIN": 6})   # T3 2024-2025
    _notes(wh, tmp_path, "3A", dt.date(2025, 10, 1), {"DUPONT": 14, "NDIAYE": 8})   # T1 2025-2026
    _notes(wh, tmp_path, "3B", dt.date(2025, 10, 2), {"LEFEVRE": 18, "MARTIN": 10})  # T1 2025-2026


def test_moyennes_par_eleves_quelle_que_soit_la_classe(wh, tmp_path):
    _deux_annees(wh, tmp_path)
    ids = wh.sql("SELECT eleve_id FROM eleves WHERE nom = 'DUPONT'")["eleve_id"].to_list()
    g = moyennes(wh, eleves=ids)
    g = g.filter(g["matiere"].is_null())
    # Jean : 9 en 4A (classe 4A : (9 + 15)/2 = 12), puis 14 en 3A (classe 3A : (14 + 8)/2 = 11).
    assert g.select("classe", "annee", "periode", "moyenne", "moyenne_classe").rows() == [
        ("3A", "2025-2026", "Trimestre 1", 14, 11), ("4A", "2024-2025", "Trimestre 3", 9, 12)]
    assert moyennes(wh, eleves=[]).is_empty()


def test_evolution_d_un_eleve_qui_a_change_de_classe(wh, tmp_path):
    _deux_annees(wh, tmp_path)
    f = conseil.feuille(wh, "3A", "Trimestre 1", "2025-2026")
    assert f.precedente == PeriodeScolaire("2024-2025", "Trimestre 3")
    t = {r["eleve"]: r for r in f.tableau.iter_rows(named=True)}
    assert set(t) == {"DUPONT Jean", "NDIAYE Aïssa"}
    # Évolution = moyenne de ce trimestre − celle du T3 de l'an dernier, dans l'autre classe : 14 − 9, 8 − 12.
    assert (t["DUPONT Jean"]["variation"], t["NDIAYE Aïssa"]["variation"]) == (5, -4)
    # Les chiffres de la classe restent ceux de la 3A : (14 + 8)/2 = 11, deux élèves notés.
    assert f.generale() == {"moyenne": 11, "mediane": 11, "min": 8, "max": 14, "notes": 2}
    assert set(f.moyennes["classe"].to_list()) == {"3A"}
    # La période précédente de chaque élève, lue dans la classe où il était : 4A (9) et 4B (12).
    p = f.precedentes.filter(f.precedentes["matiere"].is_null())
    assert sorted(p.select("nom", "classe", "moyenne").rows()) == [("DUPONT", "4A", 9), ("NDIAYE", "4B", 12)]
    # La tendance (moyenne générale période après période) garde l'an dernier.
    evo = f.evolution.join(f.tableau.select("eleve_id", "eleve"), on="eleve_id").filter(eleve="DUPONT Jean")
    assert evo.select("annee", "periode", "moyenne", "moyenne_classe").rows() == [
        ("2024-2025", "Trimestre 3", 9, 12), ("2025-2026", "Trimestre 1", 14, 11)]


def test_conseil_d_une_periode_passee_liste_les_eleves_d_alors(wh, tmp_path):
    _deux_annees(wh, tmp_path)
    f = conseil.feuille(wh, "4A", "Trimestre 3", "2024-2025")
    # En 4A au T3 2024-2025 : Jean (9) et Chloé (15) — pas Aïssa ni Lucas ; aujourd'hui aucun n'est en 4A.
    t = f.tableau.select("eleve", "moyenne", "rang").sort("eleve").rows()
    assert t == [("DUPONT Jean", 9, 2), ("LEFEVRE Chloé", 15, 1)]
    assert f.generale()["moyenne"] == 12
    # Le conseil de la 3A au T1 d'aujourd'hui ne liste pas Chloé (3B).
    assert "LEFEVRE Chloé" not in conseil.feuille(wh, "3A", "Trimestre 1", "2025-2026").tableau["eleve"].to_list()


def test_page_classe_compare_aux_memes_eleves_l_an_dernier(wh, tmp_path):
    _deux_annees(wh, tmp_path)
    # 3A au T1 2025-2026 : 11 ; les mêmes élèves au T3 2024-2025 : Jean 9 (4A), Aïssa 12 (4B) → 10,5.
    # (Lue par la classe, la « 3A » de l'an dernier n'existait pas : la comparaison était vide.)
    assert comparaison_precedente(wh, "3A", "Trimestre 1", annee="2025-2026").rows() == [
        ("MATHEMATIQUES", "Trimestre 3 2024-2025", 10.5), ("MATHEMATIQUES", "Trimestre 1", 11.0)]
    # 4A au T3 2024-2025 : (9 + 15)/2 = 12 ; le T2 n'a aucune note, rien n'est inventé pour lui.
    assert comparaison_precedente(wh, "4A", "Trimestre 3", annee="2024-2025").rows() == [
        ("MATHEMATIQUES", "Trimestre 3", 12.0)]
