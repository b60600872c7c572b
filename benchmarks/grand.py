"""Le jeu ``L`` (une académie : 100 établissements de 1 500 élèves) et les jeux intermédiaires du cas (c).

**Raccourci propre aux mesures.** Écrire puis relire ~40 millions de notes en CSV prendrait plus d'une heure
sur deux cœurs ; le cas (c) mesure les *analyses*, pas l'import. L'entrepôt est donc construit ainsi :

1. ``distincts`` établissements sont générés par ``generer_etablissements`` (chacun son tirage) et écrits
   par ``connectors.importation.importer`` à partir des enregistrements du générateur (lots pydantic, sans fichier :
   le même écrivain que les connecteurs, mais ni CSV ni connecteur) ;
2. ils sont ensuite **recopiés en SQL** jusqu'à ``etablissements`` : chaque copie reçoit ses propres
   identifiants d'élève et de devoir (suffixe ``~c``) et ses propres noms de classe (préfixe ``Ennn ``).
   Les données d'une copie sont celles d'un établissement réel du jeu : même distribution de notes, même
   nombre de devoirs et d'alertes ; seul DuckDB pourrait en profiter (compression), pas le calcul.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from pathlib import Path

from .jeux import DATA, GRAINE, empreinte_generateur

ELEVES_PAR_ETABLISSEMENT = 1500
ANNEES = 2

#: Tables recopiées ; les colonnes réécrites sont celles qui désignent un élève, un devoir ou une classe.
#: Toutes les tables de données d'un établissement (``models.schema.TABLES``) sauf les périodes et les
#: matières, communes à toute l'académie (``tests/test_benchmarks_academie.py`` y veille) ; t_moyennes est
#: recalculée après la recopie. Sans ``t_scolarites`` (historique des classes), une copie n'avait pas de
#: classe par période (``classes_periodes``) : le taux d'absentéisme par période ne portait que sur les
#: établissements générés.
_TABLES = ("t_etablissement", "t_classes", "t_eleves", "t_scolarites", "t_devoirs", "t_notes", "t_moyennes_source",
           "t_absences", "t_retards", "t_sanctions", "t_competences", "t_pix_profils", "t_pix")
#: Les tables qu'un établissement partage avec les autres (non recopiées).
COMMUNES = ("t_periodes", "t_matieres")


def _annee(jour: dt.date) -> str:
    a = jour.year if jour.month >= 8 else jour.year - 1
    return f"{a}-{a + 1}"


def importer_ecole(wh, ecole, dossier: Path) -> None:  # noqa: ANN001 (Warehouse, Ecole)
    """Écrit une école du générateur par le chemin de tout import, année par année (la liste d'élèves de l'année,
    puis tout ce qui la concerne), comme le plan de ``ecrire_ecole`` mais sans passer par les fichiers."""
    from connectors.importation import importer
    from models.records import Lot

    temoin = dossier / "lot.txt"  # Lot.sha256 lit un fichier : un témoin suffit
    temoin.parent.mkdir(parents=True, exist_ok=True)
    temoin.write_text("benchmark")
    for annee, effectif in ecole.effectifs.items():
        def de_l_annee(records, jour):  # noqa: ANN001, ANN202
            return [r for r in records if _annee(jour(r)) == annee]

        lots = [
            Lot(source="bench-eleves", fichier=temoin, effectif=True, eleves=effectif,
                etablissement=ecole.etablissement, periodes=ecole.periodes, classes=ecole.classes,
                matieres=ecole.matieres),
            Lot(
                source="bench-suivi", fichier=temoin,
                notes=de_l_annee(ecole.notes, lambda n: n.devoir.date),
                absences=de_l_annee(ecole.absences, lambda a: a.debut.date()),
                retards=de_l_annee(ecole.retards, lambda r: r.date.date()),
                sanctions=de_l_annee(ecole.sanctions, lambda s: s.date),
                evaluations=de_l_annee(ecole.evaluations, lambda e: e.date),
                pix=de_l_annee(ecole.pix, lambda p: p.date_envoi.date() if p.date_envoi else dt.date(int(annee[:4]), 12, 1)),
                moyennes=ecole.moyennes_par_annee.get(annee, []),
            ),
        ]
        for lot in lots:
            [res] = importer(wh, [lot], ignorer_inconnus=True)
            if res.statut != "reussi":
                raise RuntimeError(f"jeu L : lot refusé ({res.message})")


def recopier(con, distincts: int, etablissements: int) -> None:  # noqa: ANN001 (DuckDB connection)
    """Recopie les ``distincts`` premiers établissements (classes « E01 »…) jusqu'à ``etablissements``."""
    for c in range(1, -(-etablissements // distincts)):
        for table in _TABLES:
            cols = [r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()]
            select = []
            for col in cols:
                if col in ("eleve_id", "devoir_id", "ine", "uai"):
                    select.append(f"{col} || '~{c}'")
                elif col == "classe":
                    # « E03 2 MELEC » → « E{3 + c·distincts} 2 MELEC »
                    select.append(
                        f"printf('E%02d ', CAST(substr(classe, 2, 2) AS INTEGER) + {c * distincts}) || substr(classe, 5)"
                    )
                else:
                    select.append(col)
            garde = ""
            if table == "t_etablissement":
                reste = min(distincts, etablissements - c * distincts)
                garde = (f"WHERE uai IN (SELECT uai FROM t_etablissement WHERE NOT contains(uai, '~') "
                         f"ORDER BY uai LIMIT {reste})")
            elif "classe" in cols:
                garde = f"WHERE CAST(substr(classe, 2, 2) AS INTEGER) + {c * distincts} <= {etablissements}"
            elif "eleve_id" in cols:
                garde = (f"WHERE eleve_id IN (SELECT eleve_id FROM t_eleves WHERE NOT contains(eleve_id, '~') "
                         f"AND CAST(substr(classe, 2, 2) AS INTEGER) + {c * distincts} <= {etablissements})")
            # La source : les seuls établissements générés. Une classe ne porte pas de « ~ » : elle se
            # reconnaît à son numéro (« E01 »…« E04 ») ; sans cela chaque tour recopiait aussi les copies
            # des tours précédents (t_classes en double, donc chaque élève en double dans la vue eleves).
            originaux = (f"CAST(substr(classe, 2, 2) AS INTEGER) <= {distincts}" if table == "t_classes"
                         else f"NOT contains(CAST({cols[0]} AS VARCHAR), '~')")
            source = f"(SELECT * FROM {table} WHERE {originaux})"
            con.execute(f"INSERT INTO {table} SELECT {', '.join(select)} FROM {source} {garde}")


def completer_scolarites(con) -> int:  # noqa: ANN001 (DuckDB connection)
    """Donne aux élèves recopiés sans historique des classes (entrepôts construits avant que ``recopier``
    ne recopie ``t_scolarites``) celui de l'élève dont ils sont la copie — l'identifiant sans son dernier
    suffixe ``~…`` —, classes renumérotées comme la copie l'a été (``E03 2 MELEC`` → ``E57 2 MELEC`` si
    l'élève copié est en ``E03…`` et sa copie en ``E57…``). Les lignes sont celles que ``recopier`` aurait
    écrites. Renvoie le nombre de lignes ajoutées ; dans la transaction de l'appelant."""
    avant = con.execute("SELECT count(*) FROM t_scolarites").fetchall()[0][0]
    numero = "CAST(regexp_extract({}, '^E([0-9]+) ', 1) AS INTEGER)"
    con.execute(f"""
        INSERT INTO t_scolarites
        WITH copies AS (
            SELECT e.eleve_id, regexp_extract(e.eleve_id, '^(.*)~[^~]*$', 1) AS source,
                   {numero.format('e.classe')} AS n
            FROM t_eleves e
            WHERE contains(e.eleve_id, '~') AND e.eleve_id NOT IN (SELECT eleve_id FROM t_scolarites)
        )
        SELECT c.eleve_id, s.annee,
               printf('E%02d ', {numero.format('s.classe')} + c.n - {numero.format('src.classe')})
                   || regexp_replace(s.classe, '^E[0-9]+ ', ''),
               s.entree, s.sortie, s.import_id
        FROM copies c JOIN t_eleves src ON src.eleve_id = c.source
        JOIN t_scolarites s ON s.eleve_id = c.source
    """)
    return con.execute("SELECT count(*) FROM t_scolarites").fetchall()[0][0] - avant


def verifier(con) -> None:  # noqa: ANN001 (DuckDB connection)
    """Chaque clé une fois dans les tables recopiées qui en ont une simple (classes, élèves, devoirs) :
    un doublon multiplierait les lignes des vues et fausserait toutes les mesures."""
    for table, cle in (("t_classes", "classe"), ("t_eleves", "eleve_id"), ("t_devoirs", "devoir_id"),
                       ("t_etablissement", "uai")):
        lignes, distinctes = con.execute(f"SELECT count(*), count(DISTINCT {cle}) FROM {table}").fetchall()[0]
        if lignes != distinctes:
            raise RuntimeError(f"jeu L : {table} a {lignes} lignes pour {distinctes} {cle} distincts")


def entrepot(etablissements: int, distincts: int, data: Path = DATA, *, graine: int = GRAINE,
             eleves: int = ELEVES_PAR_ETABLISSEMENT, annees: int = ANNEES, reutiliser: bool = False) -> Path:
    """L'entrepôt d'``etablissements`` établissements (dont ``distincts`` générés), construit une fois."""
    from sample_data.generateur import generer_etablissements
    from models import precalcul
    from models.warehouse import Warehouse

    distincts = min(distincts, etablissements)
    dossier = data / f"L-{graine}-{empreinte_generateur()}"
    db = dossier / f"academie-{etablissements}x{distincts}-{eleves}e{annees}a.duckdb"
    if db.exists():
        return db
    anciens = sorted(data.glob(f"L-{graine}-*/{db.name}"), key=lambda f: f.stat().st_mtime)
    if reutiliser and anciens:  # générateur modifié depuis : garder l'ancien entrepôt (voir jeux.jeu)
        return anciens[-1]
    tmp = db.with_suffix(".en-cours")
    tmp.unlink(missing_ok=True)
    debut = time.perf_counter()
    with Warehouse(tmp) as wh:
        ecoles = generer_etablissements(graine, eleves=eleves, etablissements=max(etablissements, 2), annees=annees)
        for ecole in itertools.islice(ecoles, distincts):
            importer_ecole(wh, ecole, dossier)
        with wh.atomic():
            recopier(wh.con, distincts, etablissements)
            precalcul.rafraichir(wh.con)  # la recopie écrit en SQL, hors des imports qui tiennent t_moyennes
        verifier(wh.con)
        wh.con.execute("CHECKPOINT")
    tmp.rename(db)
    print(f"  entrepôt {db.name} construit en {time.perf_counter() - debut:.0f} s")
    return db
