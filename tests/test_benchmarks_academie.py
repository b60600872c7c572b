"""Le jeu L du cas (c) : la recopie d'établissements donne chaque classe, élève et devoir une fois."""

from __future__ import annotations

import pytest

from benchmarks import grand
from benchmarks.grand import completer_scolarites, recopier, verifier
from models import schema
from models.warehouse import Warehouse


def test_recopie_sans_doublon_sur_plusieurs_tours() -> None:
    # Un établissement généré, recopié jusqu'à 4 : trois tours de recopie. Avant correction, chaque tour
    # recopiait aussi les classes des tours précédents (1 + 1 + 2 + 4 = 8 lignes pour 4 classes).
    with Warehouse() as wh:
        con = wh.con
        con.execute("INSERT INTO t_etablissement (uai, nom) VALUES ('0750001A', 'Lycée')")
        con.execute("INSERT INTO t_classes (classe, niveau) VALUES ('E01 2 MELEC', '2NDE')")
        con.execute("INSERT INTO t_eleves (eleve_id, nom, classe) VALUES ('e1', 'DUPONT', 'E01 2 MELEC')")
        con.execute("INSERT INTO t_scolarites (eleve_id, annee, classe) VALUES ('e1', '2024-2025', 'E01 2 MELEC'), "
                    "('e1', '2025-2026', 'E01 1 MELEC')")
        con.execute("INSERT INTO t_devoirs (devoir_id, classe, matiere) VALUES ('d1', 'E01 2 MELEC', 'MATHS')")
        con.execute("INSERT INTO t_notes (eleve_id, devoir_id, valeur, statut) VALUES ('e1', 'd1', 12, 'note')")
        recopier(con, 1, 4)
        verifier(con)
        assert sorted(c for (c,) in con.execute("SELECT classe FROM t_classes").fetchall()) == [
            "E01 2 MELEC", "E02 2 MELEC", "E03 2 MELEC", "E04 2 MELEC"]
        assert con.execute("SELECT count(*) FROM eleves").fetchall() == [(4,)]
        assert con.execute("SELECT count(*), count(DISTINCT classe) FROM notes").fetchall() == [(4, 4)]
        assert con.execute("SELECT count(*) FROM t_etablissement").fetchall() == [(4,)]
        # l'historique des classes suit chaque copie : sa classe de chaque période (classes_periodes), que lit
        # le taux d'absentéisme par période
        assert con.execute("SELECT eleve_id, annee, classe FROM t_scolarites ORDER BY ALL").fetchall() == [
            (e, a, f"E0{k} {c}") for k, e in enumerate(("e1", "e1~1", "e1~2", "e1~3"), 1)
            for a, c in (("2024-2025", "2 MELEC"), ("2025-2026", "1 MELEC"))]
        assert completer_scolarites(con) == 0  # rien ne manque


def test_chaque_table_d_un_etablissement_est_recopiee() -> None:
    """Une table de données oubliée (t_scolarites l'a été) laisserait les copies sans elle."""
    assert set(grand._TABLES) | set(grand.COMMUNES) == set(schema.TABLES)


def test_completer_un_entrepot_recopie_sans_historique() -> None:
    # Un entrepôt construit avant la correction : copies « ~1 » (E05…) et « ~1~x3 » (E35…) sans t_scolarites.
    with Warehouse() as wh:
        con = wh.con
        con.execute("INSERT INTO t_eleves (eleve_id, nom, classe) VALUES ('e1', 'DUPONT', 'E01 2 MELEC'), "
                    "('e1~1', 'DUPONT', 'E05 2 MELEC'), ('e1~1~x3', 'DUPONT', 'E35 2 MELEC'), "
                    "('e1~x9', 'DUPONT', 'E91 2 MELEC')")
        con.execute("INSERT INTO t_scolarites (eleve_id, annee, classe, import_id) VALUES "
                    "('e1', '2025-2026', 'E01 2 MELEC', 3), ('e1~1', '2025-2026', 'E05 2 MELEC', 3)")
        assert completer_scolarites(con) == 2
        assert con.execute("SELECT eleve_id, annee, classe, import_id FROM t_scolarites ORDER BY ALL").fetchall() == [
            ("e1", "2025-2026", "E01 2 MELEC", 3), ("e1~1", "2025-2026", "E05 2 MELEC", 3),
            ("e1~1~x3", "2025-2026", "E35 2 MELEC", 3), ("e1~x9", "2025-2026", "E91 2 MELEC", 3)]
        assert completer_scolarites(con) == 0


def test_verifier_refuse_un_doublon() -> None:
    with Warehouse() as wh:
        wh.con.execute("INSERT INTO t_classes (classe) VALUES ('E01 3A'), ('E01 3A')")
        with pytest.raises(RuntimeError, match="t_classes a 2 lignes pour 1 classe"):
            verifier(wh.con)
