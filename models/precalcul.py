"""Les moyennes, et la classe de chaque élève à chaque période, tenues à jour quand les données changent,
jamais à la première lecture.

Le calcul des moyennes reste celui de ``models/moyennes.sql`` (vue interne ``t_moyennes_calcul``) ; son
résultat est gardé dans la table ``t_moyennes``, que la vue publique ``moyennes`` lit (``models/acces.py``
n'en restreint que les lignes : les statistiques de classe restent celles de toute la classe). Les sommes des moyennes
de matière par élève, période et famille déclarée (``t_moyennes_familles``, calcul dans
``models/schema.py``, ``FAMILLES_SQL``), d'où l'alerte d'écart entre familles lit ses deux moyennes, sont
rafraîchies juste après ``t_moyennes``, pour les mêmes périodes. De même la
classe de chaque élève à chaque période (vue interne ``t_classes_periodes_calcul``, ``models/schema.py``,
qui relit toutes les notes) est gardée dans la table ``t_classes_periodes``, que lisent le calcul des
moyennes, la vue publique ``classes_periodes`` et donc le taux d'absentéisme par période des alertes ; elle
est rafraîchie avant les moyennes, pour les mêmes périodes (une ligne ne dépend que des notes de sa
période, des listes d'élèves et des périodes).

Qui rafraîchit, dans sa propre transaction (un import refusé n'a donc rien rafraîchi) :

- un import (``Warehouse._ecrire_lignes``) : les seules périodes (année × période) de ses devoirs, avant et
  après l'import (un devoir qui change de période est recalculé des deux côtés) ; tout, s'il change un élève,
  une classe, une matière (coefficient, famille, service) ou une période ; rien si aucune ligne n'a changé
  (réimport à l'identique). Un import de plusieurs fichiers (``connectors.importation.importer``, ses
  paquets de 1 000 fichiers) **diffère** ces rafraîchissements : chaque transaction de paquet note ses
  périodes et retire l'empreinte du calcul (:func:`invalider`), et une transaction finale les recalcule
  toutes une fois (:func:`rafraichir_et_valider`, ``Warehouse.moyennes_differees``) — trois fois moins de
  calcul pour l'année d'un lycée, et les lecteurs ne voient jamais l'état intermédiaire (la session
  d'écriture travaille sur une copie, remise en place à la fin) ; si le processus meurt entre les deux,
  l'empreinte manquante fait tout recalculer à la prochaine ouverture en écriture ;
- une purge (``models.retention.purger``) : les périodes de l'année purgée ;
- l'ouverture en écriture (``Warehouse.migrer``) : tout, si l'un des deux calculs a changé depuis le
  dernier remplissage (empreinte de leur SQL dans ``t_meta``, clé ``moyennes_calcul``) — une mise à jour
  de Vigie ne laisse pas de moyennes calculées par l'ancienne règle.

Exact par construction : une ligne de ``moyennes`` (statistiques de classe comprises, fenêtres sur classe
× année × période × matière) ne dépend que des notes de sa période et des tables élèves, classes,
matières, périodes. ``tests/test_precalcul.py`` vérifie que les deux tables égalent le calcul complet
après des imports, un import refusé, un réimport, un changement de coefficient, de classe et une purge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import duckdb

CALCUL = "t_moyennes_calcul"
TABLE = "t_moyennes"
FAMILLES = "t_moyennes_familles"
FAMILLES_CALCUL = "t_moyennes_familles_calcul"
COLONNES_FAMILLES: tuple[tuple[str, str], ...] = (
    ("eleve_id", "VARCHAR"), ("classe", "VARCHAR"), ("annee", "VARCHAR"), ("periode", "VARCHAR"),
    ("coefficients_general", "DOUBLE"), ("points_general", "DOUBLE"), ("nb_notes_general", "INTEGER"),
    ("coefficients_professionnel", "DOUBLE"), ("points_professionnel", "DOUBLE"), ("nb_notes_professionnel", "INTEGER"),
)
CLASSES_CALCUL = "t_classes_periodes_calcul"
CLASSES = "t_classes_periodes"
#: Les colonnes de ``t_classes_periodes`` (celles de la vue de calcul).
COLONNES_CLASSES: tuple[tuple[str, str], ...] = (
    ("eleve_id", "VARCHAR"), ("annee", "VARCHAR"), ("periode", "VARCHAR"), ("classe", "VARCHAR"),
    ("origine", "VARCHAR"),
)
#: Les colonnes de la vue publique ``moyennes`` (l'ordre de ``models/moyennes.sql``).
COLONNES: tuple[tuple[str, str], ...] = (
    ("eleve_id", "VARCHAR"), ("classe", "VARCHAR"), ("annee", "VARCHAR"), ("periode", "VARCHAR"),
    ("matiere", "VARCHAR"), ("moyenne", "DOUBLE"), ("nb_notes", "INTEGER"), ("moyenne_classe", "DOUBLE"),
    ("min_classe", "DOUBLE"), ("max_classe", "DOUBLE"), ("mediane_classe", "DOUBLE"), ("rang", "INTEGER"),
    ("famille", "VARCHAR"), ("coefficient", "DOUBLE"),
)
#: Les tables dont une ligne changée peut changer les moyennes de toutes les périodes.
TABLES_GLOBALES = frozenset({"t_eleves", "t_classes", "t_matieres", "t_periodes", "t_scolarites"})
_CLE_META = "moyennes_calcul"


def creer_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Crée les deux tables si besoin ; ``t_classes_periodes`` était une vue avant le schéma 7 : retirée."""
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() "
                   "AND schema_name = 'main' AND view_name = ?", [CLASSES]).fetchall()[0][0]:
        con.execute(f"DROP VIEW {CLASSES}")
    for table, colonnes in ((CLASSES, COLONNES_CLASSES), (TABLE, COLONNES), (FAMILLES, COLONNES_FAMILLES)):
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{nom} {type_}' for nom, type_ in colonnes)})")


def sql_calculs() -> str:
    """Le SQL des deux calculs gardés, dont l'empreinte dit s'il faut tout recalculer à l'ouverture."""
    from .schema import CALCULS, VUES_INTERNES

    return "\n".join((VUES_INTERNES[CLASSES_CALCUL], CALCULS[CALCUL], CALCULS[FAMILLES_CALCUL]))


def empreinte(sql_calcul: str) -> str:
    return hashlib.sha256(sql_calcul.encode()).hexdigest()[:16]


def assurer(con: duckdb.DuckDBPyConnection, sql_calcul: str) -> bool:
    """Remplit ``t_moyennes`` en entier si le calcul a changé depuis le dernier remplissage (ou si elle ne
    l'a jamais été) ; dans la transaction de l'appelant. Vrai s'il a fallu tout recalculer."""
    voulue = empreinte(sql_calcul)
    rows = con.execute("SELECT valeur FROM t_meta WHERE cle = ?", [_CLE_META]).fetchall()
    if rows and rows[0][0] == voulue:
        return False
    rafraichir(con)
    con.execute("DELETE FROM t_meta WHERE cle = ?", [_CLE_META])
    con.execute("INSERT INTO t_meta VALUES (?, ?)", [_CLE_META, voulue])
    return True


def invalider(con: duckdb.DuckDBPyConnection) -> None:
    """Marque ``t_moyennes`` comme à refaire en entier (empreinte retirée de ``t_meta``), dans la transaction
    de l'appelant : un import dont le rafraîchissement est différé (:meth:`models.warehouse.Warehouse.moyennes_differees`)
    le dit dans la transaction de ses données ; si le processus s'arrête avant le rafraîchissement, la
    prochaine ouverture en écriture (:func:`assurer`) recalcule tout."""
    con.execute("DELETE FROM t_meta WHERE cle = ?", [_CLE_META])


def rafraichir_et_valider(con: duckdb.DuckDBPyConnection, sql_calcul: str,
                          periodes: Iterable[tuple[str, str]] | None = None) -> None:
    """Le rafraîchissement différé : :func:`rafraichir` les ``periodes`` (``None`` : toutes), puis l'empreinte
    du calcul remise (la table est de nouveau exacte) ; dans la transaction de l'appelant. Une année
    scolaire à la fois : l'import de trois années d'un lycée ne calcule pas ses neuf périodes d'un coup
    (la mémoire de pointe suivrait alors la taille de l'import, BENCHMARKS.md, cas d)."""
    if periodes is None:
        rafraichir(con)
    else:
        par_annee: dict[str, set[tuple[str, str]]] = {}
        for annee, periode in periodes:
            par_annee.setdefault(str(annee), set()).add((annee, periode))
        for annee in sorted(par_annee):
            rafraichir(con, par_annee[annee])
    con.execute("DELETE FROM t_meta WHERE cle = ?", [_CLE_META])
    con.execute("INSERT INTO t_meta VALUES (?, ?)", [_CLE_META, empreinte(sql_calcul)])


def rafraichir(con: duckdb.DuckDBPyConnection, periodes: Iterable[tuple[str, str]] | None = None) -> None:
    """Recalcule les moyennes des ``periodes`` (couples année × période ; ``None`` : toutes) ; dans la
    transaction de l'appelant.

    Pour ne relire que les notes de ces périodes, une vue temporaire ``t_devoirs`` (de cette connexion
    seulement, supprimée aussitôt) masque la table par ses seuls devoirs des périodes demandées — comme
    ``models/acces.py`` masque les vues publiques : le calcul la lit à la place de la table. Un filtre posé
    sur la vue de calcul ne suffirait pas : DuckDB ne le descend pas sous ses CTE (mesuré : une période
    coûtait autant que toutes)."""
    colonnes = ", ".join(nom for nom, _ in COLONNES)
    cols_classes = ", ".join(nom for nom, _ in COLONNES_CLASSES)
    cols_familles = ", ".join(nom for nom, _ in COLONNES_FAMILLES)
    if periodes is None:
        con.execute(f"DELETE FROM {CLASSES}")
        con.execute(f"INSERT INTO {CLASSES} ({cols_classes}) SELECT {cols_classes} FROM {CLASSES_CALCUL}")
        con.execute(f"DELETE FROM {TABLE}")
        con.execute(f"INSERT INTO {TABLE} ({colonnes}) SELECT {colonnes} FROM {CALCUL}")
        con.execute(f"DELETE FROM {FAMILLES}")
        con.execute(f"INSERT INTO {FAMILLES} ({cols_familles}) SELECT {cols_familles} FROM {FAMILLES_CALCUL}")
        return
    cles = sorted({(str(a), str(p)) for a, p in periodes if a is not None and p is not None})
    if not cles:
        return
    base = '"' + con.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""') + '"'
    con.execute("CREATE OR REPLACE TEMP TABLE t_moyennes_a_refaire (annee VARCHAR, periode VARCHAR)")
    try:
        con.execute("INSERT INTO temp.main.t_moyennes_a_refaire SELECT unnest($a), unnest($p)",
                    {"a": [a for a, _ in cles], "p": [p for _, p in cles]})
        a_refaire = "(annee, periode) IN (SELECT annee, periode FROM temp.main.t_moyennes_a_refaire)"
        con.execute(f"DELETE FROM {base}.main.{CLASSES} WHERE {a_refaire}")
        con.execute(f"DELETE FROM {base}.main.{TABLE} WHERE {a_refaire}")
        con.execute(f"DELETE FROM {base}.main.{FAMILLES} WHERE {a_refaire}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW t_devoirs AS SELECT * FROM {base}.main.t_devoirs WHERE {a_refaire}")
        # Les classes d'abord (les moyennes les lisent) ; leur calcul lit aussi les listes d'élèves, pour
        # toutes les périodes : seules celles à refaire sont gardées.
        con.execute(f"INSERT INTO {base}.main.{CLASSES} ({cols_classes}) SELECT {cols_classes} FROM {CLASSES_CALCUL} "
                    f"WHERE {a_refaire}")
        con.execute(f"INSERT INTO {base}.main.{TABLE} ({colonnes}) SELECT {colonnes} FROM {CALCUL}")
        # Les sommes par famille, des seules moyennes refaites (le calcul lu avec le filtre des périodes).
        from .schema import FAMILLES_SQL

        con.execute(f"INSERT INTO {base}.main.{FAMILLES} ({cols_familles}) SELECT {cols_familles} FROM ("
                    + FAMILLES_SQL.format(filtre=f"AND {a_refaire}").replace("FROM t_moyennes", f"FROM {base}.main.{TABLE}")
                    + ")")
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main.t_devoirs")
        con.execute("DROP TABLE IF EXISTS temp.main.t_moyennes_a_refaire")


def periodes_des_devoirs(con: duckdb.DuckDBPyConnection, devoirs: Iterable[str]) -> set[tuple[str, str]]:
    """Les (année, période) où se trouvent aujourd'hui ces devoirs."""
    ids = list(set(devoirs))
    if not ids:
        return set()
    return {(a, p) for a, p in con.execute(
        "SELECT DISTINCT annee, periode FROM t_devoirs WHERE devoir_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
    ).fetchall()}


def periodes_de_l_annee(con: duckdb.DuckDBPyConnection, annee: str) -> set[tuple[str, str]]:
    """Les (année, période) d'une année : celles des devoirs et celles déjà calculées."""
    return {(a, p) for a, p in con.execute(
        f"SELECT annee, periode FROM t_devoirs WHERE annee = $a UNION SELECT annee, periode FROM {TABLE} WHERE annee = $a",
        {"a": annee},
    ).fetchall()}
