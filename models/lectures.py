"""Lectures simples pour le tableau de bord : listes (classes, périodes, élèves), lignes d'un élève.

Aucun calcul d'analyse ici (moyennes, absences, alertes : ``models/moyennes.py``, ``absences.py``,
``alertes.py``). Ces requêtes ne lisent que les **vues publiques** : une connexion dont les vues sont
remplacées par des vues filtrées (droits d'accès, ``models/acces.py``) obtient des lectures filtrées.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from .sanctions import sanction_effacee
from .warehouse import Warehouse


def comptes(wh: Warehouse) -> dict[str, int]:
    """Nombre de lignes par vue publique (ce qui est chargé)."""
    return wh.comptes()


def sources(wh: Warehouse) -> pl.DataFrame:
    """Par source importée : nombre d'imports, dernier import réussi, dernier statut, lignes lues."""
    return wh.sql(
        """
        SELECT source,
               count(*) AS imports,
               count(*) FILTER (WHERE statut = 'reussi') AS reussis,
               max(fin) FILTER (WHERE statut = 'reussi') AS dernier_import,
               arg_max(statut, import_id) AS dernier_statut,
               arg_max(fichier, import_id) AS dernier_fichier,
               sum(lignes_lues) AS lignes_lues
        FROM imports GROUP BY source ORDER BY source
        """
    )


def journal(wh: Warehouse, limite: int = 50) -> pl.DataFrame:
    return wh.sql(
        """SELECT import_id, source, fichier, statut, lignes_lues, lignes_inserees, lignes_mises_a_jour,
                  lignes_rejetees, remarques, debut, fin, message
           FROM imports ORDER BY import_id DESC LIMIT $n""",
        {"n": limite},
    )


def remarques(wh: Warehouse, imports: list[int] | None = None, par_import: int | None = None) -> pl.DataFrame:
    """Les remarques des imports donnés (de tous sinon), ``par_import`` au plus pour chacun, les plus
    récents d'abord : import_id, source, fichier, ligne, colonne, message (vue ``remarques``)."""
    return wh.sql(
        """SELECT import_id, source, fichier, ligne, colonne, message FROM remarques
           WHERE $tous OR list_contains($ids, import_id)
           QUALIFY $k IS NULL OR row_number() OVER (PARTITION BY import_id ORDER BY ligne NULLS FIRST) <= $k
           ORDER BY import_id DESC, ligne NULLS FIRST""",
        {"tous": imports is None, "ids": list(imports or []), "k": par_import},
    )


def classes(wh: Warehouse) -> pl.DataFrame:
    """Les classes qui ont des élèves, avec leur niveau, leur voie et leur effectif."""
    return wh.sql(
        """SELECT classe, any_value(niveau) AS niveau, any_value(voie) AS voie, count(*) AS effectif
           FROM eleves WHERE classe IS NOT NULL GROUP BY classe ORDER BY classe"""
    )


def periodes(wh: Warehouse) -> pl.DataFrame:
    """Les périodes dans l'ordre chronologique, plus celles qui n'existent que dans les notes.

    « Que dans les notes » : le ``periode NOT IN (SELECT periode FROM periodes)`` de SQL, nuls compris (une
    note sans période ne compte que si le calendrier est vide ; un calendrier qui a une période nulle
    exclut tout), écrit en ``NOT EXISTS`` : DuckDB en fait une anti-jointure qu'il descend jusqu'aux
    devoirs, et ne lit alors les notes que des devoirs hors calendrier (aucune, d'ordinaire) au lieu de
    toutes (1,5 s de calcul à 100 établissements, à chaque appel)."""
    return wh.sql(
        """
        WITH toutes AS (
            SELECT annee, periode, debut, fin FROM periodes
            UNION ALL
            SELECT annee, periode, min(date), max(date) FROM notes n
            WHERE NOT EXISTS (SELECT 1 FROM periodes p WHERE p.periode = n.periode)
              AND (n.periode IS NOT NULL OR NOT EXISTS (SELECT 1 FROM periodes))
              AND NOT EXISTS (SELECT 1 FROM periodes WHERE periode IS NULL)
            GROUP BY annee, periode
        )
        SELECT annee, periode, min(debut) AS debut, max(fin) AS fin FROM toutes
        GROUP BY annee, periode ORDER BY min(debut), periode
        """
    )


def periodes_notees(wh: Warehouse) -> pl.DataFrame:
    """Les (annee, periode) qui ont au moins une note : la période ouverte par défaut est la dernière."""
    return wh.sql("SELECT DISTINCT annee, periode FROM notes ORDER BY annee, periode")


#: Le groupe des élèves du dispositif ULIS, inscrits dans des classes ordinaires : la coordination le
#: choisit comme une classe (seuls les rôles qui voient l'accompagnement le trouvent peuplé).
DISPOSITIF_ULIS = "Dispositif ULIS"

_DANS_GROUPE = """($classe IS NULL OR e.classe = $classe OR ($classe = 'Dispositif ULIS' AND e.eleve_id IN
    (SELECT eleve_id FROM eleves_accompagnement WHERE accompagnement = 'ULIS')))"""


def eleves(wh: Warehouse, classe: str | None = None) -> pl.DataFrame:
    return wh.sql(
        f"""SELECT eleve_id, nom, prenom, classe, niveau, voie FROM eleves e
           WHERE {_DANS_GROUPE} ORDER BY nom, prenom, eleve_id""",
        {"classe": classe},
    )


def eleves_periode(wh: Warehouse, classe: str, annee: str | None, periode: str) -> pl.DataFrame:
    """Les élèves de ``classe`` pendant (``annee``, ``periode``) selon l'historique des classes (vue
    ``classes_periodes`` : la règle qui attribue chaque moyenne à une classe, ``models/moyennes.sql``) —
    ceux d'alors, pas ceux d'aujourd'hui. Mêmes colonnes que :func:`eleves` (``classe`` : celle de la
    période). Sans historique pour cette période (aucune liste ni note de l'année), ou ``annee`` inconnue,
    ou pour le dispositif ULIS (un groupe, pas une classe) : les élèves actuels (:func:`eleves`)."""
    if annee is None or classe == DISPOSITIF_ULIS:
        return eleves(wh, classe)
    return wh.sql(
        """WITH cp AS (SELECT eleve_id, classe FROM classes_periodes WHERE annee = $annee AND periode = $periode)
           SELECT e.eleve_id, e.nom, e.prenom, coalesce(cp.classe, e.classe) AS classe,
                  coalesce(c.niveau, e.niveau) AS niveau, coalesce(c.voie, e.voie) AS voie
           FROM eleves e LEFT JOIN cp USING (eleve_id)
           LEFT JOIN (SELECT classe, any_value(niveau) AS niveau, any_value(voie) AS voie FROM scolarites
                      GROUP BY classe) c ON c.classe = cp.classe
           WHERE CASE WHEN EXISTS (SELECT 1 FROM cp) THEN cp.classe = $classe ELSE e.classe = $classe END
           ORDER BY e.nom, e.prenom, e.eleve_id""",
        {"classe": classe, "annee": annee, "periode": periode},
    )


def groupes_competences(wh: Warehouse) -> list[str]:
    """Le dispositif ULIS (s'il est visible) puis les classes qui ont des évaluations de compétences."""
    ulis = wh.valeur("SELECT count(*) FROM eleves_accompagnement WHERE accompagnement = 'ULIS'")
    classes = wh.sql(
        "SELECT DISTINCT e.classe FROM competences c JOIN eleves e USING (eleve_id) ORDER BY e.classe"
    )["classe"].to_list()
    return ([DISPOSITIF_ULIS] if ulis else []) + classes


def eleve(wh: Warehouse, eleve_id: str) -> dict | None:
    df = wh.sql(
        "SELECT eleve_id, nom, prenom, classe, niveau, voie, ine, date_naissance, entree, sortie "
        "FROM eleves WHERE eleve_id = $e",
        {"e": eleve_id},
    )
    return df.row(0, named=True) if df.height else None


def accompagnement(wh: Warehouse, eleve_id: str) -> list[str]:
    """Les dispositifs d'accompagnement d'un élève (ULIS, PAP, PPS) : information de suivi, masquée en
    mode projection."""
    df = wh.sql("SELECT accompagnement FROM eleves_accompagnement WHERE eleve_id = $e ORDER BY 1", {"e": eleve_id})
    return df["accompagnement"].to_list()


def notes_eleve(wh: Warehouse, eleve_id: str) -> pl.DataFrame:
    return wh.sql(
        """SELECT annee, periode, matiere, date, devoir, valeur, bareme, coefficient, statut, bonus, facultatif
           FROM notes WHERE eleve_id = $e ORDER BY date, matiere""",
        {"e": eleve_id},
    )


def absences_eleve(wh: Warehouse, eleve_id: str) -> pl.DataFrame:
    return wh.sql(
        """SELECT debut, fin, coalesce(demi_journees_calculees, demi_journees_brutes) AS demi_journees,
                  statut, motif FROM absences WHERE eleve_id = $e ORDER BY debut""",
        {"e": eleve_id},
    )


def absences_en_attente(wh: Warehouse, classe: str | None = None) -> pl.DataFrame:
    """Absences dont le justificatif est attendu (elles ne comptent pas comme non justifiées), avec leur
    âge en jours (``age_jours`` : depuis le début de l'absence jusqu'à ``current_date``)."""
    return wh.sql(
        """SELECT e.nom, e.prenom, e.classe, a.debut, a.fin,
                  coalesce(a.demi_journees_calculees, a.demi_journees_brutes) AS demi_journees, a.motif,
                  a.eleve_id, date_diff('day', a.debut::DATE, current_date)::INTEGER AS age_jours
           FROM absences a JOIN eleves e USING (eleve_id)
           WHERE a.statut = 'en_attente' AND ($classe IS NULL OR e.classe = $classe)
           ORDER BY a.debut DESC""",
        {"classe": classe},
    )


def retards(wh: Warehouse, classe: str | None = None, eleve_id: str | None = None) -> pl.DataFrame:
    return wh.sql(
        """SELECT e.nom, e.prenom, e.classe, r.date, r.minutes, r.justifie, r.motif, r.eleve_id
           FROM retards r JOIN eleves e USING (eleve_id)
           WHERE ($classe IS NULL OR e.classe = $classe) AND ($eleve IS NULL OR r.eleve_id = $eleve)
           ORDER BY r.date DESC""",
        {"classe": classe, "eleve": eleve_id},
    )


def sanctions(wh: Warehouse, classe: str | None = None, eleve_id: str | None = None) -> pl.DataFrame:
    return wh.sql(
        """SELECT e.nom, e.prenom, e.classe, s.date, s.nature, s.motif, s.exclusion, s.disciplinaire,
                  s.eleve_id
           FROM sanctions s JOIN eleves e USING (eleve_id)
           WHERE ($classe IS NULL OR e.classe = $classe) AND ($eleve IS NULL OR s.eleve_id = $eleve)
           ORDER BY s.date DESC""",
        {"classe": classe, "eleve": eleve_id},
    )


def punitions_sanctions(
    wh: Warehouse, classe: str | None = None, eleve_id: str | None = None, *, au: dt.date | None = None
) -> pl.DataFrame:
    """Punitions et sanctions listées (date, nature, motif, donnée par, disciplinaire), les plus récentes
    d'abord, **sans les sanctions effacées du dossier** au ``au`` (aujourd'hui par défaut) selon R511-13
    (``models.sanctions``)."""

    au = au or dt.date.today()
    df = wh.sql(
        """SELECT e.nom, e.prenom, e.classe, s.date, s.nature, s.motif, s.donnee_par, s.exclusion,
                  s.disciplinaire, s.eleve_id
           FROM sanctions s JOIN eleves e USING (eleve_id)
           WHERE ($classe IS NULL OR e.classe = $classe) AND ($eleve IS NULL OR s.eleve_id = $eleve)
           ORDER BY s.date DESC, e.classe, e.nom, e.prenom""",
        {"classe": classe, "eleve": eleve_id},
    )
    if df.is_empty():
        return df
    garde = [not (d and sanction_effacee(n or "", d, bool(x), au))
             for n, d, x in zip(df["nature"], df["date"], df["exclusion"])]
    return df.filter(pl.Series(garde))


def vie_scolaire_periode(wh: Warehouse, classe: str, annee: str | None, periode: str, *,
                         eleves: list[str] | None = None) -> pl.DataFrame:
    """Par élève de la classe (actuelle ; ``eleves`` : ces élèves-là, par exemple ceux de la classe pendant
    la période, :func:`eleves_periode`), sur les dates de la période : retards et sanctions (nombres bruts)."""
    return wh.sql(
        """
        WITH p AS (SELECT min(debut) AS debut, max(fin) AS fin FROM periodes
                   WHERE periode = $periode AND ($annee IS NULL OR annee = $annee))
        SELECT e.eleve_id,
               (SELECT count(*) FROM retards r, p WHERE r.eleve_id = e.eleve_id
                  AND CAST(r.date AS DATE) BETWEEN p.debut AND p.fin) AS retards,
               (SELECT count(*) FROM sanctions s, p WHERE s.eleve_id = e.eleve_id
                  AND s.date BETWEEN p.debut AND p.fin) AS sanctions
        FROM eleves e
        WHERE CASE WHEN $ids IS NULL THEN e.classe = $classe ELSE list_contains($ids::VARCHAR[], e.eleve_id) END
        """,
        {"classe": classe, "annee": annee, "periode": periode, "ids": eleves},
    )


def competences(wh: Warehouse, *, eleve_id: str | None = None, classe: str | None = None) -> pl.DataFrame:
    return wh.sql(
        """SELECT c.eleve_id, e.nom, e.prenom, e.classe, c.referentiel, c.domaine, c.item, c.niveau,
                  c.libelle_source, c.statut, c.date, c.periode, c.contexte, c.evaluateur
           FROM competences c JOIN eleves e USING (eleve_id)
           WHERE ($eleve IS NULL OR c.eleve_id = $eleve) AND """ + _DANS_GROUPE + """
           ORDER BY c.referentiel, c.domaine, c.item, c.date""",
        {"eleve": eleve_id, "classe": classe},
    )


def pix(wh: Warehouse, *, eleve_id: str | None = None, classe: str | None = None) -> pl.DataFrame:
    """Niveaux par compétence Pix, toutes campagnes (la plus récente d'abord)."""
    return wh.sql(
        """SELECT p.eleve_id, e.nom, e.prenom, e.classe, p.campagne, p.date_envoi, p.competence, p.niveau,
                  p.pix, p.maitrise
           FROM pix p JOIN eleves e USING (eleve_id)
           WHERE ($eleve IS NULL OR p.eleve_id = $eleve) AND ($classe IS NULL OR e.classe = $classe)
           ORDER BY p.date_envoi DESC NULLS LAST, p.campagne, p.competence""",
        {"eleve": eleve_id, "classe": classe},
    )


def pix_profils(wh: Warehouse, *, eleve_id: str | None = None, classe: str | None = None) -> pl.DataFrame:
    return wh.sql(
        """SELECT p.eleve_id, e.nom, e.prenom, e.classe, p.campagne, p.date_envoi, p.pix_total,
                  p.certifiable, p.partage, p.progression, p.type_campagne
           FROM pix_profils p JOIN eleves e USING (eleve_id)
           WHERE ($eleve IS NULL OR p.eleve_id = $eleve) AND ($classe IS NULL OR e.classe = $classe)
           ORDER BY e.nom, e.prenom, p.date_envoi DESC NULLS LAST""",
        {"eleve": eleve_id, "classe": classe},
    )


def etablissements(wh: Warehouse) -> pl.DataFrame:
    """Les établissements déclarés (etablissement.toml : ``uai``, ``nom``), par UAI. La table elle-même :
    ni nom d'élève ni donnée de suivi, donc lisible par tous les rôles (``models.acces.restreindre`` ne
    masque que les vues publiques)."""
    return wh.sql("SELECT uai, nom FROM t_etablissement ORDER BY uai")
