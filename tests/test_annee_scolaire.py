"""L'année scolaire d'une date (models/annee_scolaire.py) : la frontière du 31 août / 1er septembre, et
la période précédente (models/periodes.py) : la première période d'une année."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from models import annee_scolaire as an
from models.errors import VigieError
from models.moyennes import evolution
from models.periodes import Periode as P
from models.periodes import periode_precedente, precedentes
from models.records import Devoir, Note, Periode, RefEleve, Sanction

from .conftest import PERIODES, lot

J = dt.date


def test_frontiere_31_aout_1er_septembre():
    # Le 31 août appartient encore à l'année qui finit (R511-13 efface les avertissements ce soir-là) ;
    # l'entrepôt et la conservation coupaient au 1er août et rangeaient ce jour dans l'année suivante.
    assert an.annee_scolaire(J(2026, 8, 31)) == "2025-2026"
    assert an.annee_scolaire(J(2026, 9, 1)) == "2026-2027"
    assert an.annee_scolaire(J(2026, 8, 1)) == "2025-2026"
    assert an.annee_scolaire(J(2026, 1, 1)) == "2025-2026"
    assert (an.rentree(J(2026, 8, 31)), an.rentree(J(2026, 9, 1))) == (2025, 2026)
    assert an.bornes("2025-2026") == (J(2025, 9, 1), J(2026, 8, 31))
    assert an.bornes("2027-2028") == (J(2027, 9, 1), J(2028, 8, 31))  # 29 février compris
    assert an.fin_annee_scolaire(J(2026, 8, 31)) == J(2026, 8, 31)
    assert an.fin_annee_scolaire(J(2026, 9, 1)) == J(2027, 8, 31)
    assert (an.date_dans(2025, 8, 31), an.date_dans(2025, 9, 1)) == (J(2026, 8, 31), J(2025, 9, 1))
    for faux in ("2025-2027", "2025/2026", "", "25-26"):
        with pytest.raises(VigieError, match="année scolaire invalide"):
            an.bornes(faux)


def test_les_periodes_de_l_etablissement_passent_avant_le_calendrier():
    # La Réunion fait sa rentrée mi-août : une période connue rattache le 20 août à l'année qui commence.
    reunion = [("2025-2026", J(2025, 8, 18), J(2025, 11, 30))]
    assert an.annee_scolaire(J(2025, 8, 20), reunion) == "2025-2026"
    assert an.annee_scolaire(J(2025, 8, 17), reunion) == "2024-2025"


def test_entrepot_refuse_le_31_aout_d_une_annee_inconnue(ecole, tmp_path):
    # Seule 2025-2026 est connue : le 31/08/2025 est de 2024-2025 (refusé), le 31/08/2026 de 2025-2026.
    r = RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A")
    res = ecole.importer(lot(tmp_path, "s", "a", sanctions=[Sanction(eleve=r, date=J(2025, 8, 31), nature="Retenue")]))
    assert res.statut == "rejete" and "date 31/08/2025 hors des années scolaires connues (2025-2026)" in res.message
    res = ecole.importer(lot(tmp_path, "s", "b", sanctions=[Sanction(eleve=r, date=J(2026, 8, 31), nature="Retenue")]))
    assert res.statut == "reussi", res.message


ANNEE_PASSEE = [Periode(nom=p.nom, annee="2024-2025", debut=p.debut.replace(year=p.debut.year - 1),
                        fin=p.fin.replace(year=p.fin.year - 1)) for p in PERIODES]


def test_periode_precedente_premiere_periode_d_une_annee(ecole, tmp_path):
    ecole.importer(lot(tmp_path, "etablissement", "2024", periodes=ANNEE_PASSEE))
    # D'une année à l'autre (tendance du conseil) : le T1 2025-2026 suit le T3 2024-2025.
    assert periode_precedente(ecole, "2025-2026", "Trimestre 1") == P("2024-2025", "Trimestre 3")
    assert periode_precedente(ecole, "2025-2026", "Trimestre 2") == P("2025-2026", "Trimestre 1")
    # Dans l'année (mention proposée) : le premier trimestre n'a pas de précédente.
    assert periode_precedente(ecole, "2025-2026", "Trimestre 1", meme_annee=True) is None
    assert periode_precedente(ecole, "2025-2026", "Trimestre 3", meme_annee=True) == P("2025-2026", "Trimestre 2")
    # La toute première période connue, une période inconnue : aucune.
    assert periode_precedente(ecole, "2024-2025", "Trimestre 1") is None
    assert periode_precedente(ecole, "2025-2026", "Semestre 9") is None
    assert precedentes(ecole).height == 6


def test_evolution_d_une_annee_a_l_autre(ecole, tmp_path):
    ecole.importer(lot(tmp_path, "etablissement", "2024", periodes=ANNEE_PASSEE))
    jean = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")

    def note(jour, periode, valeur, rang):
        return Note(eleve=jean, valeur=valeur, devoir=Devoir(classe="3A", matiere="MATHEMATIQUES", date=jour,
                                                               periode=periode, titre="DS", rang=rang))

    res = ecole.importer(lot(tmp_path, "pronote-notes", "n", notes=[
        note(J(2025, 5, 10), "Trimestre 3", 15, 1), note(J(2025, 10, 1), "Trimestre 1", 11, 2),
        note(J(2026, 4, 1), "Trimestre 3", 9, 3)]))
    assert res.statut == "reussi", res.message
    ev = evolution(ecole, ecole.sql("SELECT eleve_id FROM eleves WHERE nom = 'DUPONT'")["eleve_id"][0])
    assert list(zip(ev["annee"], ev["periode"])) == [
        ("2024-2025", "Trimestre 3"), ("2025-2026", "Trimestre 1"), ("2025-2026", "Trimestre 3")]
    # T1 2025-2026 : 11 − 15 (T3 de l'année passée) ; T3 : pas de moyenne au T2 → pas d'écart (on ne
    # compare pas au T1 en sautant une période).
    assert ev["variation"].to_list() == [None, -4, None]


def test_conseil_evolution_sur_l_annee_passee_mention_dans_l_annee(ecole, tmp_path):
    # Jean : 8 au T3 2024-2025, 10 au T1 2025-2026 (+2). La colonne « Évolution » du conseil remonte à
    # l'année passée (+2,00) ; la mention « Encouragements » (progression ≥ 1,5) compare dans l'année :
    # au premier trimestre, pas de progression, donc pas de mention (10 < 12 sans elle).
    from models.conseil import feuille

    ecole.importer(lot(tmp_path, "etablissement", "2024", periodes=ANNEE_PASSEE))
    jean = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
    notes = [Note(eleve=jean, valeur=v, devoir=Devoir(classe="3A", matiere="MATHEMATIQUES", date=jour,
                                                       periode=periode, titre=f"DS{i}", rang=100 + i))
             for i, (jour, periode, v) in enumerate([(J(2025, 5, d), "Trimestre 3", 8) for d in (5, 6, 7)]
                                                      + [(J(2025, 10, d), "Trimestre 1", 10) for d in (6, 7, 8)])]
    assert ecole.importer(lot(tmp_path, "pronote-notes", "c", notes=notes)).statut == "reussi"
    f = feuille(ecole, "3A", "Trimestre 1", "2025-2026", au=J(2025, 11, 15))
    assert f.precedente == P("2024-2025", "Trimestre 3")
    r = f.tableau.filter(pl.col("eleve").str.starts_with("DUPONT")).row(0, named=True)
    assert r["variation"] == pytest.approx(2) and r["mention"] is None


#: La requête d'avant (``periode NOT IN …``), qui relisait toutes les notes : la référence de la suivante.
_PERIODES_NOT_IN = """
    WITH toutes AS (
        SELECT annee, periode, debut, fin FROM periodes
        UNION ALL
        SELECT annee, periode, min(date), max(date) FROM notes
        WHERE periode NOT IN (SELECT periode FROM periodes) GROUP BY annee, periode
    )
    SELECT annee, periode, min(debut) AS debut, max(fin) AS fin FROM toutes
    GROUP BY annee, periode ORDER BY min(debut), periode"""


@pytest.mark.parametrize("calendrier", ["complet", "vide", "periode_nulle"])
def test_periodes_connues_par_les_seules_notes(calendrier):
    """``lectures.periodes`` (anti-jointure, sans relire toutes les notes) rend ce que rendait ``NOT IN``,
    nuls compris : une période des seules notes s'ajoute ; une note sans période ne compte qu'avec un
    calendrier vide ; une période nulle au calendrier exclut toutes les notes."""
    from models.lectures import periodes
    from models.warehouse import Warehouse

    with Warehouse() as wh:
        con = wh.con
        if calendrier != "vide":
            con.execute("INSERT INTO t_periodes VALUES ('2025-2026', 'Trimestre 1', '2025-09-01', '2025-11-30', 1)")
        if calendrier == "periode_nulle":
            con.execute("INSERT INTO t_periodes VALUES ('2025-2026', NULL, '2026-07-05', '2026-07-06', 1)")
        con.execute("""INSERT INTO t_devoirs (devoir_id, classe, matiere, annee, periode, date) VALUES
            ('d1', '3A', 'MATHS', '2025-2026', 'Trimestre 1', '2025-10-01'),
            ('d2', '3A', 'MATHS', '2025-2026', 'Semestre 2', '2026-02-01'),
            ('d3', '3A', 'MATHS', '2025-2026', 'Semestre 2', '2026-03-01'),
            ('d4', '3A', 'MATHS', '2025-2026', NULL, '2026-04-01'),
            ('d5', '3A', 'MATHS', '2025-2026', 'Semestre 3', '2026-05-01')""")  # d5 : aucune note
        con.execute("INSERT INTO t_notes (eleve_id, devoir_id, valeur, statut) VALUES "
                    "('e1', 'd1', 12, 'note'), ('e1', 'd2', 8, 'note'), ('e1', 'd3', 9, 'note'), ('e1', 'd4', 10, 'note')")
        attendu = wh.sql(_PERIODES_NOT_IN)
        assert periodes(wh).equals(attendu)
        lues = periodes(wh).select("periode").to_series().to_list()
        assert {"complet": ["Trimestre 1", "Semestre 2"], "vide": ["Trimestre 1", "Semestre 2", None],
                "periode_nulle": ["Trimestre 1", None]}[calendrier] == lues
