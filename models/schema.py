"""Le schéma de l'entrepôt : tables internes ``t_*``, migrations numérotées, vues publiques.

Les **vues publiques** (``eleves``, ``notes``…) sont le contrat stable pour le tableau de bord, les
utilisateurs avancés (DuckDB CLI, Excel, Metabase) et les tests ; les tables ``t_*`` peuvent changer.
Aucune contrainte de clé n'est posée : l'unicité des clés naturelles est garantie par
``Warehouse._fusionner`` (dédoublonnage puis remplacement des seules lignes modifiées), ce qui garde les
imports massifs rapides et évite les vérifications trop zélées de DuckDB dans une transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def quote_ident(nom: str) -> str:
    """Le seul endroit où un identifiant (table, vue, colonne, base) entre dans du SQL, entre guillemets
    doubles doublés (``a"b`` → ``"a""b"``, grammaire SQL de DuckDB) ; les valeurs passent en paramètres."""
    return '"' + nom.replace('"', '""') + '"'


# --- Tables : colonnes, et la clé naturelle de chacune -----------------------------------------------


@dataclass(frozen=True)
class Table:
    nom: str
    colonnes: tuple[tuple[str, str], ...]  # (nom, type DuckDB), sans import_id
    cle: tuple[str, ...]
    #: Colonnes de la clé qui peuvent être vides : comparées par IS NOT DISTINCT FROM, bien plus lent
    #: dans DuckDB que « = » (pas de jointure par hachage), donc réservé à elles.
    cle_nullable: tuple[str, ...] = ()

    @property
    def noms(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.colonnes)

    @property
    def valeurs(self) -> tuple[str, ...]:
        return tuple(c for c in self.noms if c not in self.cle)

    def ddl(self) -> str:
        cols = ",\n  ".join(f"{c} {t}" for c, t in self.colonnes)
        return f"CREATE TABLE IF NOT EXISTS {self.nom} (\n  {cols},\n  import_id INTEGER\n)"


TABLES: dict[str, Table] = {
    t.nom: t
    for t in (
        Table("t_etablissement", (("uai", "VARCHAR"), ("nom", "VARCHAR")), ("uai",)),
        Table(
            "t_periodes",
            (("annee", "VARCHAR"), ("periode", "VARCHAR"), ("debut", "DATE"), ("fin", "DATE")),
            ("annee", "periode"),
        ),
        Table("t_classes", (("classe", "VARCHAR"), ("niveau", "VARCHAR"), ("voie", "VARCHAR")), ("classe",)),
        Table(
            "t_eleves",
            (
                ("eleve_id", "VARCHAR"),
                ("ine", "VARCHAR"),
                ("nom", "VARCHAR"),
                ("prenom", "VARCHAR"),
                ("classe", "VARCHAR"),
                ("date_naissance", "DATE"),
                ("sexe", "VARCHAR"),
                ("entree", "DATE"),
                ("sortie", "DATE"),
                ("accompagnement", "VARCHAR"),
                ("groupes", "VARCHAR"),
            ),
            ("eleve_id",),
        ),
        Table(
            # L'historique des classes : une ligne par élève, année scolaire et classe, tirée de la liste
            # d'élèves de cette année-là (un changement de classe en cours d'année donne deux lignes).
            # ``entree`` / ``sortie`` : les dates de la liste ; import_id ordonne deux listes d'une année.
            "t_scolarites",
            (
                ("eleve_id", "VARCHAR"),
                ("annee", "VARCHAR"),
                ("classe", "VARCHAR"),
                ("entree", "DATE"),
                ("sortie", "DATE"),
            ),
            ("eleve_id", "annee", "classe"),
        ),
        Table(
            "t_matieres",
            (("matiere", "VARCHAR"), ("service", "VARCHAR"), ("famille", "VARCHAR"), ("coefficient", "DOUBLE"),
             # codes et libellés courts déclarés par l'établissement (« MATHS », « HI-GE »), séparés par « | »
             ("codes", "VARCHAR")),
            ("matiere",),
        ),
        Table(
            "t_devoirs",
            (
                ("devoir_id", "VARCHAR"),
                ("classe", "VARCHAR"),
                ("matiere", "VARCHAR"),
                # l'identité du service dans la source (identifiant de service Pronote ; '' sinon) : deux
                # sous-services de même libellé restent deux services
                ("service_source", "VARCHAR"),
                ("annee", "VARCHAR"),
                ("periode", "VARCHAR"),
                ("date", "DATE"),
                ("titre", "VARCHAR"),
                ("bareme", "DOUBLE"),
                ("coefficient", "DOUBLE"),
                ("ramener_sur_20", "BOOLEAN"),
                ("bonus", "BOOLEAN"),
                ("facultatif", "BOOLEAN"),
                ("commentaire", "VARCHAR"),
            ),
            ("devoir_id",),
        ),
        Table(
            "t_notes",
            (("eleve_id", "VARCHAR"), ("devoir_id", "VARCHAR"), ("valeur", "DOUBLE"), ("statut", "VARCHAR")),
            ("eleve_id", "devoir_id"),
        ),
        Table(
            "t_moyennes_source",
            (
                ("eleve_id", "VARCHAR"),
                ("annee", "VARCHAR"),
                ("periode", "VARCHAR"),
                ("matiere", "VARCHAR"),  # '' = moyenne générale
                ("service_source", "VARCHAR"),  # identifiant du service dans la source ('' sinon)
                ("source", "VARCHAR"),
                ("moyenne", "DOUBLE"),
                ("moyenne_classe", "DOUBLE"),
                ("min_classe", "DOUBLE"),
                ("max_classe", "DOUBLE"),
                ("rang", "INTEGER"),
                ("positionnement", "VARCHAR"),
                ("appreciation", "VARCHAR"),
            ),
            ("eleve_id", "annee", "periode", "matiere", "service_source", "source"),
            cle_nullable=("annee",),
        ),
        Table(
            "t_absences",
            (
                ("eleve_id", "VARCHAR"),
                ("debut", "TIMESTAMP"),
                ("fin", "TIMESTAMP"),
                ("demi_journees_brutes", "DOUBLE"),
                ("demi_journees_calculees", "DOUBLE"),
                ("statut", "VARCHAR"),
                ("motif", "VARCHAR"),
                ("reglee_administrativement", "BOOLEAN"),
            ),
            ("eleve_id", "debut"),
        ),
        Table(
            "t_retards",
            (
                ("eleve_id", "VARCHAR"),
                ("date", "TIMESTAMP"),
                ("minutes", "INTEGER"),
                ("justifie", "BOOLEAN"),
                ("motif", "VARCHAR"),
            ),
            ("eleve_id", "date"),
        ),
        Table(
            "t_sanctions",
            (
                ("eleve_id", "VARCHAR"),
                ("date", "DATE"),
                ("nature", "VARCHAR"),
                ("motif", "VARCHAR"),
                ("exclusion", "BOOLEAN"),
                ("disciplinaire", "BOOLEAN"),
                ("donnee_par", "VARCHAR"),
                # 0, 1… pour des punitions de même nature, le même jour, au même élève (deux retenues
                # données par deux professeurs) : dans l'ordre du fichier, sinon elles se confondraient.
                ("rang", "INTEGER"),
            ),
            ("eleve_id", "date", "nature", "rang"),
        ),
        Table(
            "t_competences",
            (
                ("eleve_id", "VARCHAR"),
                ("referentiel", "VARCHAR"),
                ("domaine", "VARCHAR"),
                ("item", "VARCHAR"),
                ("date", "DATE"),
                ("contexte", "VARCHAR"),
                ("niveau", "INTEGER"),
                ("libelle_source", "VARCHAR"),
                ("statut", "VARCHAR"),
                ("periode", "VARCHAR"),
                ("evaluateur", "VARCHAR"),
            ),
            ("eleve_id", "referentiel", "domaine", "item", "date", "contexte"),
        ),
        Table(
            "t_pix_profils",
            (
                ("eleve_id", "VARCHAR"),
                ("campagne", "VARCHAR"),
                ("code_campagne", "VARCHAR"),
                ("type_campagne", "VARCHAR"),
                ("date_envoi", "TIMESTAMP"),
                ("partage", "BOOLEAN"),
                ("pix_total", "DOUBLE"),
                ("certifiable", "BOOLEAN"),
                ("progression", "DOUBLE"),
                ("palier", "INTEGER"),
                ("paliers", "INTEGER"),
                ("badges", "VARCHAR"),  # titres des badges obtenus, séparés par « ; »
            ),
            # Chaque envoi est gardé (historique) ; l'actuel est le plus récent (vue pix_profils).
            ("eleve_id", "campagne", "date_envoi"),
            cle_nullable=("date_envoi",),
        ),
        Table(
            "t_pix",
            (
                ("eleve_id", "VARCHAR"),
                ("campagne", "VARCHAR"),
                ("date_envoi", "TIMESTAMP"),
                ("competence", "VARCHAR"),
                ("niveau", "INTEGER"),
                ("pix", "DOUBLE"),
                ("maitrise", "DOUBLE"),
            ),
            ("eleve_id", "campagne", "date_envoi", "competence"),
            cle_nullable=("date_envoi",),
        ),
    )
}

#: Tables de données (hors journal) : ce qu'un import refusé doit laisser identique.
TABLES_DONNEES = tuple(TABLES)

_JOURNAL = [
    "CREATE SEQUENCE IF NOT EXISTS seq_import START 1",
    """CREATE TABLE IF NOT EXISTS t_imports (
  import_id INTEGER, source VARCHAR, fichier VARCHAR, sha256 VARCHAR, statut VARCHAR,
  lignes_lues INTEGER, lignes_inserees INTEGER, lignes_mises_a_jour INTEGER, lignes_rejetees INTEGER,
  debut TIMESTAMP, fin TIMESTAMP, message VARCHAR
)""",
    """CREATE TABLE IF NOT EXISTS t_anomalies (
  import_id INTEGER, ligne INTEGER, colonne VARCHAR, message VARCHAR
)""",
]

# --- Vues internes ----------------------------------------------------------------------------------
# Les règles de classe, une fois chacune, sur les tables t_* : les vues publiques et la vue « moyennes »
# les lisent. Préfixées t_, elles ne sont jamais restreintes par models/acces.py : les statistiques d'une
# classe se calculent sur toute la classe, quel que soit le rôle qui les regarde.

VUES_INTERNES: dict[str, str] = {
    # La classe actuelle : celle de la dernière année où l'élève figure sur une liste (la dernière liste
    # importée pour cette année) ; sans historique (entrepôt d'avant le schéma 3), t_eleves.classe.
    # ``actuel`` : l'élève figure sur une liste de la dernière année importée (sinon il a quitté
    # l'établissement, et sa « classe actuelle » est celle de sa dernière année ici) ; sans historique, vrai.
    "t_classes_actuelles": """
SELECT e.eleve_id, coalesce(s.classe, e.classe) AS classe,
       s.annee IS NULL OR s.annee = (SELECT max(annee) FROM t_scolarites) AS actuel
FROM t_eleves e
LEFT JOIN (SELECT eleve_id, arg_max(classe, {'annee': annee, 'import': import_id}) AS classe, max(annee) AS annee
           FROM t_scolarites GROUP BY eleve_id) s USING (eleve_id)""",
    # La classe de l'élève à chaque période (voir « Historique des classes » du README) :
    # 1. celle que les exports de notes de la période lui donnent — la classe des devoirs où il est noté,
    #    parmi les classes des listes de cette année (un devoir de groupe ne compte pas) ; noté dans deux
    #    classes (changement de classe en cours de période), celle de son devoir le plus récent, c'est-à-dire
    #    sa classe à la fin de la période ;
    # 2. sinon celle de la liste de l'année dont les dates d'entrée et de sortie encadrent la fin de la
    #    période, la plus récemment importée ; sinon la plus récemment importée de l'année.
    # (La vue « moyennes » prend la classe actuelle quand aucune des deux n'est connue.)
    # Le calcul complet ; son résultat est gardé dans la table t_classes_periodes, tenue à jour avec les
    # moyennes (models/precalcul.py) : la règle relit toutes les notes, et le taux d'absentéisme par période
    # comme les moyennes la lisent à chaque fois.
    "t_classes_periodes_calcul": """
WITH classes_annee AS (SELECT DISTINCT annee, classe FROM t_scolarites),
par_notes AS (
    SELECT n.eleve_id, d.annee, d.periode, max({'date': d.date, 'classe': d.classe}).classe AS classe
    FROM t_notes n
    JOIN t_devoirs d USING (devoir_id)
    JOIN classes_annee k ON k.annee = d.annee AND k.classe = d.classe
    GROUP BY n.eleve_id, d.annee, d.periode
),
par_liste AS (
    SELECT s.eleve_id, s.annee, p.periode,
           arg_max(s.classe, {'couvre': coalesce(s.entree <= p.fin, TRUE) AND coalesce(s.sortie >= p.fin, TRUE),
                              'import': s.import_id}) AS classe
    FROM t_scolarites s JOIN t_periodes p USING (annee)
    GROUP BY s.eleve_id, s.annee, p.periode
)
SELECT eleve_id, annee, periode, coalesce(n.classe, l.classe) AS classe,
       CASE WHEN n.classe IS NOT NULL THEN 'notes' ELSE 'liste' END AS origine
FROM par_liste l FULL JOIN par_notes n USING (eleve_id, annee, periode)""",
}

# --- Vues publiques ----------------------------------------------------------------------------------

#: Nom de la vue → (SQL, description des colonnes). Documentées dans le README (un test y veille).
VUES: dict[str, str] = {
    "eleves": """
SELECT e.eleve_id, e.nom, e.prenom, a.classe, c.niveau, c.voie, e.ine, e.date_naissance,
       e.entree, e.sortie, a.actuel
FROM t_eleves e JOIN t_classes_actuelles a USING (eleve_id) LEFT JOIN t_classes c ON c.classe = a.classe""",
    "scolarites": """
SELECT s.eleve_id, s.annee, s.classe, c.niveau, c.voie, s.entree, s.sortie
FROM t_scolarites s LEFT JOIN t_classes c USING (classe)""",
    "classes_periodes": "SELECT eleve_id, annee, periode, classe, origine FROM t_classes_periodes",
    "eleves_accompagnement": """
SELECT eleve_id, unnest(string_split(accompagnement, ',')) AS accompagnement
FROM t_eleves WHERE accompagnement IS NOT NULL AND accompagnement <> ''""",
    "periodes": "SELECT annee, periode, debut, fin FROM t_periodes",
    "matieres": "SELECT matiere, service, famille, coefficient, codes FROM t_matieres",
    "notes": """
SELECT n.eleve_id, d.matiere, d.periode, d.date, d.titre AS devoir, n.valeur, d.bareme,
       d.coefficient, n.statut, d.bonus, d.facultatif, d.ramener_sur_20, d.classe, d.annee, d.devoir_id,
       NULLIF(d.service_source, '') AS service_source
FROM t_notes n JOIN t_devoirs d USING (devoir_id)""",
    "absences": """
SELECT eleve_id, debut, fin, demi_journees_brutes, demi_journees_calculees, statut, motif,
       reglee_administrativement
FROM t_absences""",
    "retards": "SELECT eleve_id, date, minutes, justifie, motif FROM t_retards",
    "sanctions": "SELECT eleve_id, date, nature, motif, exclusion, disciplinaire, donnee_par FROM t_sanctions",
    "competences": """
SELECT eleve_id, referentiel, domaine, item, niveau, libelle_source, statut, date, periode, contexte,
       evaluateur
FROM t_competences""",
    # Le dernier envoi de chaque élève à chaque campagne ; les précédents restent dans pix_envois.
    "pix": """
SELECT x.eleve_id, x.campagne, x.date_envoi, x.competence, x.niveau, x.pix, x.maitrise
FROM t_pix x JOIN (
    SELECT eleve_id, campagne, date_envoi FROM t_pix_profils
    QUALIFY row_number() OVER (PARTITION BY eleve_id, campagne ORDER BY date_envoi DESC NULLS LAST) = 1
) p ON p.eleve_id = x.eleve_id AND p.campagne = x.campagne AND p.date_envoi IS NOT DISTINCT FROM x.date_envoi""",
    "pix_profils": """
SELECT eleve_id, campagne, date_envoi, pix_total, certifiable, partage, progression, type_campagne,
       code_campagne, palier, paliers, badges
FROM t_pix_profils
QUALIFY row_number() OVER (PARTITION BY eleve_id, campagne ORDER BY date_envoi DESC NULLS LAST) = 1""",
    "pix_envois": """
SELECT eleve_id, campagne, date_envoi, pix_total, certifiable, partage, progression, type_campagne,
       code_campagne, palier, paliers, badges,
       row_number() OVER (PARTITION BY eleve_id, campagne ORDER BY date_envoi DESC NULLS LAST) = 1 AS actuel
FROM t_pix_profils""",
    "moyennes_pronote": """
SELECT eleve_id, annee, periode, NULLIF(matiere, '') AS matiere, moyenne, moyenne_classe, min_classe,
       max_classe, rang, positionnement, appreciation, source, NULLIF(service_source, '') AS service_source
FROM t_moyennes_source""",
    # Les appréciations écrites pour le conseil de classe (LSU : appréciation de chaque discipline, et
    # « acquis-conseils » du bilan périodique sur la ligne générale).
    "appreciations": """
SELECT eleve_id, annee, periode, NULLIF(matiere, '') AS matiere, appreciation, source
FROM t_moyennes_source WHERE appreciation IS NOT NULL""",
    "imports": """
SELECT import_id, source, fichier, sha256, statut, lignes_lues, lignes_inserees, lignes_mises_a_jour,
       lignes_rejetees, debut, fin, message,
       (SELECT count(*) FROM t_anomalies a WHERE a.import_id = i.import_id) AS remarques
FROM t_imports i""",
    # Une ligne par remarque d'import : une valeur que l'import n'a pas gardée telle que la source la
    # donnait, située dans son fichier (models/records.py, Anomalie).
    "remarques": """
SELECT a.import_id, i.source, i.fichier, a.ligne, a.colonne, a.message, i.statut, i.debut
FROM t_anomalies a JOIN t_imports i USING (import_id)""",
}


#: Les moyennes « comme Pronote » (SQL dans models/moyennes.sql, règles dans models/moyennes.py), lues dans
#: la table que models/precalcul.py tient à jour à chaque import et à chaque purge.
VUES["moyennes"] = "SELECT * FROM t_moyennes"

#: Vues internes de calcul, créées après les vues publiques qu'elles lisent : le calcul complet des
#: moyennes, d'où ``t_moyennes`` est rafraîchie (jamais restreinte : préfixe t_).
CALCULS: dict[str, str] = {"t_moyennes_calcul": (Path(__file__).parent / "moyennes.sql").read_text(encoding="utf-8")}

#: Par élève et période, les sommes des moyennes de matière de chacune des deux familles déclarées
#: (``matieres.famille`` : general, professionnel) — coefficients, coefficient × moyenne, notes — d'où
#: l'alerte d'écart entre familles tire ses deux moyennes sans regrouper toutes les moyennes de matière.
#: Calculé sur ``t_moyennes`` (``{filtre}`` : les périodes rafraîchies, voir models/precalcul.py), gardé
#: dans la table ``t_moyennes_familles`` rafraîchie juste après elle ; vue publique ``moyennes_familles``.
FAMILLES_SQL = """
SELECT eleve_id, first(classe) AS classe, annee, periode,
       sum(coefficient) FILTER (WHERE famille = 'general') AS coefficients_general,
       sum(coefficient * moyenne) FILTER (WHERE famille = 'general') AS points_general,
       coalesce(sum(nb_notes) FILTER (WHERE famille = 'general'), 0)::INTEGER AS nb_notes_general,
       sum(coefficient) FILTER (WHERE famille = 'professionnel') AS coefficients_professionnel,
       sum(coefficient * moyenne) FILTER (WHERE famille = 'professionnel') AS points_professionnel,
       coalesce(sum(nb_notes) FILTER (WHERE famille = 'professionnel'), 0)::INTEGER AS nb_notes_professionnel
FROM t_moyennes WHERE matiere IS NOT NULL {filtre}
GROUP BY eleve_id, annee, periode"""
CALCULS["t_moyennes_familles_calcul"] = FAMILLES_SQL.format(filtre="")
VUES["moyennes_familles"] = "SELECT * FROM t_moyennes_familles"


def _migration_1() -> list[str]:
    return list(_JOURNAL) + [t.ddl() for t in TABLES.values()]


def _migration_2() -> list[str]:
    """``t_sanctions.rang`` : reconstruite (colonnes dans l'ordre de :data:`TABLES`), rang 0 partout."""
    return [
        "CREATE TABLE t_sanctions_2 AS SELECT eleve_id, date, nature, motif, exclusion, disciplinaire, "
        "donnee_par, CAST(0 AS INTEGER) AS rang, import_id FROM t_sanctions",
        "DROP TABLE t_sanctions",
        "ALTER TABLE t_sanctions_2 RENAME TO t_sanctions",
    ]


def _migration_3() -> list[str]:
    """``t_moyennes_source.appreciation`` (LSU) : reconstruite dans l'ordre de :data:`TABLES`, vide partout."""
    return [
        "CREATE TABLE t_moyennes_source_3 AS SELECT eleve_id, annee, periode, matiere, source, moyenne, "
        "moyenne_classe, min_classe, max_classe, rang, positionnement, CAST(NULL AS VARCHAR) AS appreciation, "
        "import_id FROM t_moyennes_source",
        "DROP TABLE t_moyennes_source",
        "ALTER TABLE t_moyennes_source_3 RENAME TO t_moyennes_source",
    ]


def _migration_4() -> list[str]:
    """``t_pix_profils.palier``, ``paliers``, ``badges`` (Pix) : reconstruite dans l'ordre de :data:`TABLES`."""
    return [
        "CREATE TABLE t_pix_profils_4 AS SELECT eleve_id, campagne, code_campagne, type_campagne, date_envoi, "
        "partage, pix_total, certifiable, progression, CAST(NULL AS INTEGER) AS palier, "
        "CAST(NULL AS INTEGER) AS paliers, CAST(NULL AS VARCHAR) AS badges, import_id FROM t_pix_profils",
        "DROP TABLE t_pix_profils",
        "ALTER TABLE t_pix_profils_4 RENAME TO t_pix_profils",
    ]


def _reconstruire(nom: str, valeurs: dict[str, str]) -> list[str]:
    """Reconstruit une table dans l'ordre des colonnes de :data:`TABLES` (l'écriture insère par position),
    les colonnes nouvelles remplies par ``valeurs`` (expression SQL), les autres recopiées."""
    cols = ", ".join(valeurs.get(c, c) + (f" AS {c}" if c in valeurs else "") for c in TABLES[nom].noms)
    return [
        f"CREATE TABLE {nom}_n AS SELECT {cols}, import_id FROM {nom}",
        f"DROP TABLE {nom}",
        f"ALTER TABLE {nom}_n RENAME TO {nom}",
    ]


def _migration_5() -> list[str]:
    """Identités venues des sources (issue 14) : ``service_source`` des devoirs et des moyennes Pronote
    (deux sous-services de même libellé restent deux), ``codes`` des matières (codes courts déclarés par
    l'établissement), ``date_envoi`` dans la clé des résultats Pix (chaque envoi gardé)."""
    return [
        "DROP VIEW IF EXISTS pix",  # lit t_pix ; recréée après les migrations
        *_reconstruire("t_matieres", {"codes": "CAST(NULL AS VARCHAR)"}),
        *_reconstruire("t_devoirs", {"service_source": "''"}),
        *_reconstruire("t_moyennes_source", {"service_source": "''"}),
        *_reconstruire("t_pix", {"date_envoi": "(SELECT p.date_envoi FROM t_pix_profils p WHERE p.eleve_id = "
                                               "t_pix.eleve_id AND p.campagne = t_pix.campagne)"}),
    ]


def _migration_6() -> list[str]:
    """``t_scolarites`` (historique des classes) : créée, et remplie de la classe de chaque élève connu
    rattachée à la dernière année de l'établissement (ou de ses devoirs) — l'ancien schéma n'en gardait
    qu'une ; sans aucune année connue, rien n'est inventé (la classe actuelle reste t_eleves.classe)."""
    return [
        TABLES["t_scolarites"].ddl(),
        """INSERT INTO t_scolarites
SELECT e.eleve_id, a.annee, e.classe, e.entree, e.sortie, e.import_id
FROM t_eleves e,
     (SELECT max(annee) AS annee FROM (SELECT annee FROM t_periodes UNION ALL SELECT annee FROM t_devoirs)) a
WHERE a.annee IS NOT NULL AND e.classe IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM t_scolarites s WHERE s.eleve_id = e.eleve_id)""",
    ]


def _migration_7() -> list[str]:
    """``t_classes_periodes`` : de vue interne, devient une table tenue à jour avec les moyennes ;
    ``models.precalcul.creer_tables`` retire la vue et crée la table, l'empreinte des calculs changée fait
    tout remplir à l'ouverture. Le calcul reste la vue ``t_classes_periodes_calcul``. Rien à écrire ici :
    le numéro fait passer une connexion de lecture par cette mise à jour (``warehouse.lecture``)."""
    return []


def _identite_devoir_sql(periode: str, rang: str) -> str:
    """L'expression SQL de ``models.records.Devoir.devoir_id`` sur une ligne ``d`` de ``t_devoirs`` : « D » et les
    15 premiers chiffres hexadécimaux (majuscules) du SHA-1 de ``classe|matiere|periode|date|titre|rang``
    (``|service_source`` s'il y en a un), chaque partie écrite comme Python l'écrit (``None``, date ISO)."""
    def partie(x: str) -> str:
        return f"coalesce({x}, 'None')"

    base = " || '|' || ".join([partie("d.classe"), partie("d.matiere"), periode,
                               partie("strftime(d.date, '%Y-%m-%d')"), partie("d.titre"), rang])
    base += " || CASE WHEN coalesce(d.service_source, '') <> '' THEN '|' || d.service_source ELSE '' END"
    return f"'D' || upper(substr(sha1({base}), 1, 15))"


def _migration_8() -> list[str]:
    """L'identité des devoirs suit la période où ils sont rangés (``Devoir.devoir_id``, 30/11/2026) : un export
    CSV importé sans ``--periode`` avait une identité calculée sans période. Sans cette mise à jour, le
    réimporter dans un entrepôt d'avant créait un second devoir et doublait chacune de ses notes. Chaque
    devoir dont l'identifiant est celui d'avant (rang 0 à 9 : deux devoirs du même jour et du même titre)
    reçoit l'identifiant d'aujourd'hui, ses notes avec lui. Si l'identifiant d'aujourd'hui existe déjà (l'export
    a été réimporté avant cette mise à jour), c'est ce réimport qui porte les valeurs actuelles : le doublon
    d'avant est retiré avec ses notes."""
    ancien, nouveau = _identite_devoir_sql("'None'", "r::VARCHAR"), _identite_devoir_sql("d.periode", "r::VARCHAR")
    return [
        f"""CREATE TEMP TABLE migration_8_ids AS
            SELECT d.devoir_id AS ancien, {nouveau} AS nouveau
            FROM t_devoirs d, range(0, 10) t(r)
            WHERE d.periode IS NOT NULL AND d.devoir_id = {ancien}""",
        "DELETE FROM migration_8_ids WHERE ancien = nouveau",
        """CREATE TEMP TABLE migration_8_doublons AS SELECT ancien FROM migration_8_ids
           WHERE nouveau IN (SELECT devoir_id FROM t_devoirs)""",
        "DELETE FROM t_notes WHERE devoir_id IN (SELECT ancien FROM migration_8_doublons)",
        "DELETE FROM t_devoirs WHERE devoir_id IN (SELECT ancien FROM migration_8_doublons)",
        "DELETE FROM migration_8_ids WHERE ancien IN (SELECT ancien FROM migration_8_doublons)",
        # les notes retirées avec un doublon changent les moyennes : l'empreinte retirée les fait recalculer
        # à la fin de l'ouverture (models.precalcul.assurer)
        "DELETE FROM t_meta WHERE cle = 'moyennes_calcul' AND EXISTS (SELECT 1 FROM migration_8_doublons)",
        """INSERT INTO t_devoirs SELECT d.* REPLACE (i.nouveau AS devoir_id)
           FROM t_devoirs d JOIN migration_8_ids i ON d.devoir_id = i.ancien""",
        """INSERT INTO t_notes SELECT n.* REPLACE (i.nouveau AS devoir_id)
           FROM t_notes n JOIN migration_8_ids i ON n.devoir_id = i.ancien""",
        "DELETE FROM t_notes WHERE devoir_id IN (SELECT ancien FROM migration_8_ids)",
        "DELETE FROM t_devoirs WHERE devoir_id IN (SELECT ancien FROM migration_8_ids)",
        "DROP TABLE migration_8_ids",
        "DROP TABLE migration_8_doublons",
    ]


#: Migrations dans l'ordre ; la version du schéma est le nombre de migrations appliquées.
MIGRATIONS: list[list[str]] = [
    _migration_1(), _migration_2(), _migration_3(), _migration_4(), _migration_5(), _migration_6(),
    _migration_7(), _migration_8(),
]
VERSION = len(MIGRATIONS)


def ddl_vues() -> list[str]:
    """Les vues internes d'abord (les publiques les lisent), le calcul des moyennes en dernier (il lit les
    unes et les autres ; la vue publique « moyennes » lit la table t_moyennes, créée avant)."""
    return [f"CREATE OR REPLACE VIEW {nom} AS {sql.strip()}"
            for nom, sql in (VUES_INTERNES | VUES | CALCULS).items()]
