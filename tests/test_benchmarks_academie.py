"""Le jeu L du cas (c) : la recopie d'établissements donne chaque classe, élève et devoir une fois."""

from __future__ import annotations

import pytest

from benchmarks.grand import recopier, verifier
from models.warehouse import Warehouse


def test_recopie_sans_doublon_sur_plusieurs_tours() -> None:
    # Un établissement généré, recopié jusqu'à 4 : trois tours de recopie. Avant correction, chaque tour
    # recopiait aussi les classes des tours précédents (1 + 1 + 2 + 4 = 8 lignes pour 4 classes).
    with Warehouse() as wh:
        con = wh.con
        con.execute("INSERT INTO t_etablissement (uai, nom) VALUES ('0750001A', 'Lycée')")
        con.execute("INSERT INTO t_classes (classe, niveau) VALUES ('E01 2 MELEC', '2NDE')")
        con.execute("INSERT INTO t_eleves (eleve_id, nom, classe) VALUES ('e1', 'DUPONT', 'E01 2 MELEC')")
        con.execute("INSERT INTO t_devoirs (devoir_id, classe, matiere) VALUES ('d1', 'E01 2 MELEC', 'MATHS')")
        con.execute("INSERT INTO t_notes (eleve_id, devoir_id, valeur, statut) VALUES ('e1', 'd1', 12, 'note')")
        recopier(con, 1, 4)
        verifier(con)
        assert sorted(c for (c,) in con.execute("SELECT classe FROM t_classes").fetchall()) == [
            "E01 2 MELEC", "E02 2 MELEC", "E03 2 MELEC", "E04 2 MELEC"]
        assert con.execute("SELECT count(*) FROM eleves").fetchall() == [(4,)]
        assert con.execute("SELECT count(*), count(DISTINCT classe) FROM notes").fetchall() == [(4, 4)]
        assert con.execute("SELECT count(*) FROM t_etablissement").fetchall() == [(4,)]


def test_verifier_refuse_un_doublon() -> None:
    with Warehouse() as wh:
        wh.con.execute("INSERT INTO t_classes (classe) VALUES ('E01 3A'), ('E01 3A')")
        with pytest.raises(RuntimeError, match="t_classes a 2 lignes pour 1 classe"):
            verifier(wh.con)
