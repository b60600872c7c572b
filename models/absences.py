"""Les absences en demi-journées : par élève, semaine, mois, période ; taux par classe et par niveau.

- **Demi-journées brutes** : toute absence dans une demi-journée la compte 1, une seule fois même si
  l'élève a deux absences ce jour-là (8 h–9 h et 10 h–11 h = 1). Vigie les recompte à partir du début et
  de la fin de chaque absence ; la colonne ``demi_journees_brutes`` de la source reste dans la vue
  ``absences`` pour comparaison. Une demi-journée où se mêlent plusieurs statuts prend le plus
  préoccupant : non justifiée, puis en attente, puis justifiée.
- **Demi-journées calculées** (proratisées par Pronote selon les heures manquées) : celles de la source,
  réparties à parts égales sur les demi-journées de l'absence ; à défaut, les brutes.
- Justifiées, non justifiées et **en attente** restent séparées : un justificatif attendu ne compte pas
  comme non justifié tant que l'établissement n'a pas tranché. Les retards sont comptés à part.
- Calendrier : lundi–vendredi, matin et après-midi séparés à ``absences.heure_demi_journee`` ; le mercredi
  après-midi compte à partir de 10 demi-journées par semaine, le samedi matin à partir de 11 (réglage
  ``absences.demi_journees_par_semaine``, 9 par défaut). Les taux (:func:`taux`, et
  :func:`taux_periode_eleves` des alertes) ne comptent ni au numérateur ni au dénominateur les jours sans
  classe du calendrier (``models/calendrier.py`` : vacances de la zone, jours fériés, dates propres à
  l'établissement, PFMP de la classe) ; le décompte des
  demi-journées d'un élève (:func:`demi_journees`), lui, compte encore les jours ouvrés d'une absence qui
  couvre des vacances.
- Une absence qui déborde sur deux mois ou deux périodes est répartie demi-journée par demi-journée.

Toutes les requêtes ne lisent que les vues publiques (``absences``, ``retards``, ``eleves``, ``periodes``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from .reglages import Reglages, charger_reglages

if TYPE_CHECKING:
    from .warehouse import Warehouse

Par = Literal["eleve", "semaine", "mois", "periode"]

#: Les demi-journées (créneaux) couvertes par chaque absence, une ligne par élève et créneau.
#: Paramètres : $midi (TIME), $par_semaine (INTEGER).
_CRENEAUX = """
abs_ AS (
    SELECT eleve_id, debut, fin, statut, demi_journees_calculees,
           row_number() OVER (ORDER BY eleve_id, debut, fin) AS absence_id
    FROM absences{filtre}
),
jours_ AS (
    SELECT a.*, unnest(generate_series(a.debut::DATE, a.fin::DATE, INTERVAL 1 DAY))::DATE AS jour
    FROM abs_ a
),
couverts_ AS (
    SELECT j.*, d.demi,
           j.jour + CASE d.demi WHEN 'matin' THEN TIME '00:00' ELSE $midi::TIME END AS creneau_debut
    FROM jours_ j CROSS JOIN (VALUES ('matin'), ('apres_midi')) d(demi)
    WHERE j.debut < CASE d.demi WHEN 'matin' THEN j.jour + $midi::TIME ELSE j.jour + INTERVAL 1 DAY END
      AND j.fin > CASE d.demi WHEN 'matin' THEN j.jour::TIMESTAMP ELSE j.jour + $midi::TIME END
      AND CASE
            WHEN isodow(j.jour) IN (1, 2, 4, 5) THEN TRUE
            WHEN isodow(j.jour) = 3 THEN d.demi = 'matin' OR $par_semaine >= 10
            WHEN isodow(j.jour) = 6 THEN (d.demi = 'matin' AND $par_semaine >= 11) OR $par_semaine >= 12
            ELSE FALSE
          END
),
creneaux_abs_ AS (
    -- part des demi-journées calculées de chaque absence portée par ce créneau
    SELECT *, coalesce(demi_journees_calculees, count(*) OVER (PARTITION BY absence_id))
              / count(*) OVER (PARTITION BY absence_id) AS calculees
    FROM couverts_
),
creneaux AS (
    SELECT eleve_id, jour, demi,
           CASE min(CASE statut WHEN 'non_justifiee' THEN 1 WHEN 'en_attente' THEN 2 ELSE 3 END)
               WHEN 1 THEN 'non_justifiee' WHEN 2 THEN 'en_attente' ELSE 'justifiee' END AS statut,
           least(sum(calculees), 1) AS calculees  -- deux absences dans une demi-journée : au plus 1
    FROM creneaux_abs_
    GROUP BY eleve_id, jour, demi
)"""
_CRENEAUX_PORTEE = _CRENEAUX
_CRENEAUX = _CRENEAUX_PORTEE.format(filtre="")


def creneaux_de(filtre: str) -> str:
    """La CTE :data:`_CRENEAUX` sur les seules absences qui passent ``filtre`` (SQL sur les colonnes de la vue
    ``absences``, ``eleve_id`` compris) : les alertes d'une classe ne dépilent que ses absences."""
    return _CRENEAUX_PORTEE.format(filtre=f" WHERE {filtre}")

#: Agrégats communs sur ``creneaux`` (alias c).
_COMPTES = """count(c.jour)::INTEGER AS brutes,
       (count(c.jour) FILTER (WHERE c.statut = 'non_justifiee'))::INTEGER AS non_justifiees,
       (count(c.jour) FILTER (WHERE c.statut = 'en_attente'))::INTEGER AS en_attente,
       (count(c.jour) FILTER (WHERE c.statut = 'justifiee'))::INTEGER AS justifiees,
       coalesce(sum(c.calculees), 0) AS calculees"""


def _params(r: Reglages, **autres: Any) -> dict[str, Any]:
    return {"midi": r.absences.heure_demi_journee, "par_semaine": r.absences.demi_journees_par_semaine, **autres}


def demi_journees(
    wh: "Warehouse",
    *,
    par: Par = "eleve",
    classe: str | None = None,
    reglages: Reglages | None = None,
) -> pl.DataFrame:
    """Demi-journées d'absence (brutes, non justifiées, en attente, justifiées, calculées) et retards.

    ``par`` : ``eleve`` (une ligne par élève et année scolaire, élèves sans absence compris),
    ``periode`` (élève × période, zéros compris), ``semaine`` (colonne ``semaine`` = le lundi) ou
    ``mois`` (colonne ``mois`` = le 1er du mois) — ces deux-là ne listent que les semaines ou mois où
    il s'est passé quelque chose.
    """
    r = reglages or charger_reglages()
    if par == "semaine":
        cle, cle_r = "date_trunc('week', c.jour)::DATE AS semaine", "date_trunc('week', date)::DATE AS semaine"
        cols, jointure = ["semaine"], ""
    elif par == "mois":
        cle, cle_r = "date_trunc('month', c.jour)::DATE AS mois", "date_trunc('month', date)::DATE AS mois"
        cols, jointure = ["mois"], ""
    elif par in ("eleve", "periode"):
        cols = ["annee", "periode"] if par == "periode" else ["annee"]
        cle = ", ".join(f"p.{c}" for c in cols)
        cle_r = cle
        jointure = "JOIN periodes p ON {d}::DATE BETWEEN p.debut AND p.fin"
    else:
        raise ValueError(f"par = {par!r} : attendu eleve, semaine, mois ou periode")
    groupe = ", ".join(cols)
    j_abs = jointure.format(d="c.jour") if jointure else ""
    j_ret = jointure.format(d="date") if jointure else ""
    if par in ("eleve", "periode"):
        # élèves sans absence compris : la grille élèves × (années | périodes)
        grille = f"SELECT DISTINCT e.eleve_id, {cle} FROM eleves e CROSS JOIN periodes p"
    else:
        grille = f"SELECT DISTINCT eleve_id, {groupe} FROM a UNION SELECT DISTINCT eleve_id, {groupe} FROM rt"
    return wh.sql(
        f"""
        WITH {_CRENEAUX},
        a AS (SELECT c.eleve_id, {cle}, {_COMPTES} FROM creneaux c {j_abs} GROUP BY ALL),
        rt AS (SELECT eleve_id, {cle_r}, count(*)::INTEGER AS retards,
                      coalesce(sum(minutes), 0)::INTEGER AS minutes_retard
               FROM retards {j_ret} GROUP BY ALL),
        g AS ({grille})
        SELECT g.eleve_id, e.nom, e.prenom, e.classe, e.niveau, {", ".join(f"g.{c}" for c in cols)},
               coalesce(a.brutes, 0) AS brutes, coalesce(a.non_justifiees, 0) AS non_justifiees,
               coalesce(a.en_attente, 0) AS en_attente, coalesce(a.justifiees, 0) AS justifiees,
               coalesce(a.calculees, 0) AS calculees, coalesce(rt.retards, 0) AS retards,
               coalesce(rt.minutes_retard, 0) AS minutes_retard
        FROM g
        JOIN eleves e USING (eleve_id)
        LEFT JOIN a USING (eleve_id, {groupe})
        LEFT JOIN rt USING (eleve_id, {groupe})
        WHERE ($classe IS NULL OR e.classe = $classe)
        ORDER BY e.classe, e.nom, e.prenom, g.eleve_id, {groupe}
        """,
        params=_params(r, classe=classe),
    )


def creneaux(wh: "Warehouse", *, eleve_id: str | None = None, reglages: Reglages | None = None) -> pl.DataFrame:
    """Les demi-journées d'absence une à une (eleve_id, jour, demi, statut, calculees) : les preuves."""
    r = reglages or charger_reglages()
    return wh.sql(
        f"WITH {_CRENEAUX} SELECT * FROM creneaux WHERE $eleve IS NULL OR eleve_id = $eleve "
        "ORDER BY eleve_id, jour, demi DESC",
        params=_params(r, eleve=eleve_id),
    )


def taux(
    wh: "Warehouse",
    *,
    par: Literal["classe", "niveau"] = "classe",
    granularite: Literal["mois", "semaine", "periode"] = "mois",
    reglages: Reglages | None = None,
) -> pl.DataFrame:
    """Taux d'absentéisme « classe par classe et niveau par niveau » (circulaire 2014-159).

    taux = demi-journées manquées (brutes) un jour de classe / somme, sur les élèves, des demi-journées de
    classe de leur classe dans l'intervalle ; demi-journées de classe = jours ouvrés (lundi–vendredi) de
    l'intervalle compris dans les périodes, **hors jours sans classe** (vacances de la zone, jours fériés,
    dates propres à l'établissement, PFMP de la classe : ``models/calendrier.py``) ×
    ``demi_journees_par_semaine`` / 5. ``demi_journees_classe`` est la moyenne par élève du groupe.
    ``taux_non_justifie`` ne compte que les non justifiées.
    Tous les intervalles de l'année sont listés, sans absence compris : la saisonnalité se lit telle quelle.
    """
    r = reglages or charger_reglages()
    if par not in ("classe", "niveau"):
        raise ValueError(f"par = {par!r} : attendu classe ou niveau")
    if granularite == "periode":
        b_cols = ["annee", "periode"]
        seau = "o.annee, o.periode"
    elif granularite in ("mois", "semaine"):
        unite = "month" if granularite == "mois" else "week"
        b_cols = [granularite]
        seau = f"date_trunc('{unite}', o.jour)::DATE AS {granularite}"
    else:
        raise ValueError(f"granularite = {granularite!r} : attendu mois, semaine ou periode")
    seau_s = ", ".join(f"s.{c}" for c in b_cols)
    with calendrier_enregistre(wh, r):
        return wh.sql(
            f"""
            WITH {_CRENEAUX},
            ouvres AS (  -- les jours des périodes de chaque classe, moins ses jours sans classe (calendrier)
                SELECT DISTINCT cl.classe, p.annee, p.periode, d.jour
                FROM periodes p CROSS JOIN (SELECT DISTINCT classe FROM eleves) cl,
                     LATERAL (SELECT unnest(generate_series(p.debut, p.fin, INTERVAL 1 DAY))::DATE AS jour) d
                WHERE NOT EXISTS (SELECT 1 FROM calendrier_sans_classe n WHERE n.jour = d.jour
                                  AND (n.classe IS NULL OR n.classe IS NOT DISTINCT FROM cl.classe))
            ),
            seaux AS (
                SELECT o.classe, {seau},
                       count(*) FILTER (WHERE isodow(o.jour) <= 5) * $par_semaine / 5 AS demi_journees_classe
                FROM ouvres o GROUP BY ALL
            ),
            intervalles AS (SELECT DISTINCT {", ".join(b_cols)} FROM seaux),
            groupes AS (SELECT {par} AS groupe, count(*)::INTEGER AS nb_eleves FROM eleves GROUP BY ALL),
            capacite AS (  -- demi-journées de classe offertes : élèves × demi-journées de leur classe
                SELECT e.{par} AS groupe, {seau_s}, sum(s.demi_journees_classe) AS capacite
                FROM eleves e JOIN seaux s ON s.classe IS NOT DISTINCT FROM e.classe
                GROUP BY ALL
            ),
            manquees AS (
                SELECT e.{par} AS groupe, {seau},
                       count(*)::INTEGER AS manquees,
                       (count(*) FILTER (WHERE c.statut = 'non_justifiee'))::INTEGER AS non_justifiees
                FROM creneaux c JOIN eleves e USING (eleve_id)
                JOIN ouvres o ON o.jour = c.jour AND o.classe IS NOT DISTINCT FROM e.classe
                GROUP BY ALL
            )
            SELECT g.groupe AS {par}, {", ".join(f"i.{c}" for c in b_cols)}, g.nb_eleves,
                   coalesce(k.capacite, 0) / nullif(g.nb_eleves, 0) AS demi_journees_classe,
                   coalesce(m.manquees, 0) AS demi_journees_manquees,
                   coalesce(m.non_justifiees, 0) AS non_justifiees,
                   coalesce(m.manquees, 0) / nullif(k.capacite, 0) AS taux,
                   coalesce(m.non_justifiees, 0) / nullif(k.capacite, 0) AS taux_non_justifie
            FROM groupes g CROSS JOIN intervalles i
            LEFT JOIN capacite k ON k.groupe IS NOT DISTINCT FROM g.groupe
                 AND {" AND ".join(f"k.{c} = i.{c}" for c in b_cols)}
            LEFT JOIN manquees m ON m.groupe IS NOT DISTINCT FROM g.groupe
                 AND {" AND ".join(f"m.{c} = i.{c}" for c in b_cols)}
            ORDER BY g.groupe NULLS LAST, {", ".join(f"i.{c}" for c in b_cols)}
            """,
            params=_params(r),
        )


@contextlib.contextmanager
def calendrier_enregistre(wh: "Warehouse", r: Reglages) -> Iterator[None]:
    """Rend les jours sans classe (``models/calendrier.py``) lisibles sous le nom ``calendrier_sans_classe``
    (classe, jour, motif) dans la connexion de ``wh``, le temps d'une requête."""
    from .calendrier import SCHEMA, jours_sans_classe

    debut, fin = wh.con.execute("SELECT min(debut), max(fin) FROM periodes").fetchall()[0]
    df = jours_sans_classe(debut, fin, r) if debut is not None else pl.DataFrame(schema=SCHEMA)
    wh.con.register("calendrier_sans_classe", df)
    try:
        yield
    finally:
        wh.con.unregister("calendrier_sans_classe")


def taux_periode_eleves(
    wh: "Warehouse", *, au: dt.date | None = None, reglages: Reglages | None = None, classe: str | None = None
) -> pl.DataFrame:
    """Par élève et période commencée : demi-journées manquées (toutes, justifiées ou non) sur les
    demi-journées de classe écoulées (jusqu'à ``au``, aujourd'hui par défaut), et le taux de la classe.
    Les jours sans classe de la classe de l'élève (``models/calendrier.py``) ne comptent ni comme
    demi-journées de classe ni comme demi-journées manquées, comme dans :func:`taux`.

    Un élève compte dans les périodes des années où il figure sur une liste d'élèves, dans sa classe de
    la période (vue ``classes_periodes``) : pas de taux nul pour une année où il n'était pas inscrit.

    ``classe`` : seulement les élèves qui sont aujourd'hui dans ``classe`` ; le taux de la classe de chaque
    période reste celui de tous ses élèves d'alors (seules leurs classes sont relues)."""
    r = reglages or charger_reglages()
    if classe is None:
        classes, eleves_lus, garde = "TRUE", "TRUE", "TRUE"
    else:
        membres = "(SELECT eleve_id FROM eleves WHERE classe = $classe)"
        classes = f"classe IN (SELECT classe FROM classes_periodes WHERE eleve_id IN {membres})"
        eleves_lus = f"eleve_id IN (SELECT eleve_id FROM classes_periodes WHERE {classes})"
        garde = f"eleve_id IN {membres}"
    sans_classe = ("EXISTS (SELECT 1 FROM calendrier_sans_classe n WHERE n.jour = {jour} "
                   "AND (n.classe IS NULL OR n.classe IS NOT DISTINCT FROM {classe}))")
    with calendrier_enregistre(wh, r):
        return wh.sql(
            f"""
            WITH {creneaux_de(eleves_lus)},
            per AS (
                SELECT p.annee, p.periode, p.debut, least(p.fin, $au) AS fin_ecoulee, cl.classe,
                       (SELECT count(*) FROM generate_series(p.debut, least(p.fin, $au), INTERVAL 1 DAY) t(d)
                        WHERE isodow(d) <= 5 AND NOT {sans_classe.format(jour="d::DATE", classe="cl.classe")})
                       * $par_semaine / 5 AS demi_journees_classe
                FROM periodes p JOIN (SELECT DISTINCT annee, periode, classe FROM classes_periodes WHERE {classes}) cl
                     USING (annee, periode) WHERE p.debut <= $au
            ),
            m AS (
                SELECT c.eleve_id, p.annee, p.periode, {_COMPTES}
                FROM creneaux c JOIN classes_periodes e USING (eleve_id)
                JOIN per p ON p.classe IS NOT DISTINCT FROM e.classe AND p.annee = e.annee AND p.periode = e.periode
                     AND c.jour BETWEEN p.debut AND p.fin_ecoulee
                WHERE NOT {sans_classe.format(jour="c.jour", classe="e.classe")}
                GROUP BY ALL
            ),
            t AS (
                SELECT e.eleve_id, e.classe, p.annee, p.periode, p.debut, p.demi_journees_classe,
                       coalesce(m.brutes, 0) AS brutes, coalesce(m.non_justifiees, 0) AS non_justifiees,
                       coalesce(m.en_attente, 0) AS en_attente, coalesce(m.justifiees, 0) AS justifiees,
                       coalesce(m.brutes, 0) / nullif(p.demi_journees_classe, 0) AS taux
                FROM classes_periodes e JOIN per p ON p.classe IS NOT DISTINCT FROM e.classe
                     AND p.annee = e.annee AND p.periode = e.periode
                LEFT JOIN m ON m.eleve_id = e.eleve_id AND m.annee = p.annee AND m.periode = p.periode
            )
            SELECT * FROM (SELECT *, avg(taux) OVER (PARTITION BY classe, annee, periode) AS taux_classe FROM t)
            WHERE {garde} ORDER BY eleve_id, annee, debut
            """,
            params=_params(r, au=au or dt.date.today(), **({} if classe is None else {"classe": classe})),
        )


#: Code de l'éducation, L131-8 (et R131-7) : les demi-journées d'absence **non justifiées** d'un élève dans
#: un **mois civil** (``mois`` = le 1er du mois). Chaque demi-journée compte dans son mois : un mois à
#: cheval sur deux périodes, ou une absence à cheval sur deux mois, n'est pas coupé par les périodes. Les
#: demi-journées en attente de justificatif sont comptées à part (``en_attente``) : elles ne sont pas non
#: justifiées tant que l'établissement n'a pas tranché. ``jours`` : les jours non justifiés ; ``creneaux`` :
#: les demi-journées non justifiées ou en attente (jour, demi, statut), les preuves d'une alerte.
#: Le seul endroit où ce compte est écrit (CTE ``par_mois`` sur ``creneaux``).
_PAR_MOIS = """
par_mois AS (
    SELECT eleve_id, date_trunc('month', jour)::DATE AS mois,
           (count(*) FILTER (WHERE statut = 'non_justifiee'))::INTEGER AS non_justifiees,
           (count(*) FILTER (WHERE statut = 'en_attente'))::INTEGER AS en_attente,
           list(DISTINCT jour ORDER BY jour) FILTER (WHERE statut = 'non_justifiee') AS jours,
           list({'jour': jour, 'demi': demi, 'statut': statut} ORDER BY jour, demi DESC)
               FILTER (WHERE statut IN ('non_justifiee', 'en_attente')) AS creneaux
    FROM creneaux GROUP BY ALL
)"""


def non_justifiees_par_mois(wh: "Warehouse", *, reglages: Reglages | None = None) -> pl.DataFrame:
    """Par élève et mois civil où il a manqué au moins une demi-journée : ``non_justifiees``, ``en_attente``,
    ``jours`` et ``creneaux`` (voir :data:`_PAR_MOIS`, L131-8). Trié par élève et mois."""
    r = reglages or charger_reglages()
    return wh.sql(f"WITH {_CRENEAUX}, {_PAR_MOIS} SELECT * FROM par_mois ORDER BY eleve_id, mois",
                  params=_params(r))


def regle_mensuelle(non_justifiees: int, r: Reglages) -> str | None:
    """Le palier atteint dans le mois : ``absences_persistance`` (≥ ``seuil_persistance``, 10 : circulaire
    2014-159), sinon ``absences_mois`` (≥ ``seuil_mois_non_justifiees``, 4 : L131-8, R131-7), sinon None.
    Seul le plus haut des deux vaut pour un mois (l'alerte, la page Absences et le suivi le lisent ici)."""
    a = r.absences
    if non_justifiees >= a.seuil_persistance:
        return "absences_persistance"
    return "absences_mois" if non_justifiees >= a.seuil_mois_non_justifiees else None


def seuil_regle(regle: str, r: Reglages) -> int:
    """Le seuil d'un palier de :func:`regle_mensuelle`."""
    return r.absences.seuil_persistance if regle == "absences_persistance" else r.absences.seuil_mois_non_justifiees


def regle_mensuelle_expr(r: Reglages, colonne: str = "non_justifiees") -> pl.Expr:
    """:func:`regle_mensuelle` sur une colonne Polars (mêmes seuils)."""
    a = r.absences
    n = pl.col(colonne)
    return (pl.when(n >= a.seuil_persistance).then(pl.lit("absences_persistance"))
            .when(n >= a.seuil_mois_non_justifiees).then(pl.lit("absences_mois")))


def mois_non_justifies(
    wh: "Warehouse", seuil: int | None = None, *, reglages: Reglages | None = None
) -> pl.DataFrame:
    """Élèves ayant au moins ``seuil`` demi-journées non justifiées dans un mois civil (L131-8, R131-7 ;
    ``absences.seuil_mois_non_justifiees`` par défaut), avec les jours concernés et, à part, les
    demi-journées en attente de justificatif du même mois (compte : :data:`_PAR_MOIS`)."""
    r = reglages or charger_reglages()
    return wh.sql(
        f"""
        WITH {_CRENEAUX}, {_PAR_MOIS}
        SELECT m.eleve_id, e.nom, e.prenom, e.classe, m.mois, m.non_justifiees, m.en_attente, m.jours
        FROM par_mois m JOIN eleves e USING (eleve_id)
        WHERE m.non_justifiees >= $seuil
        ORDER BY e.classe, e.nom, e.prenom, m.mois
        """,
        params=_params(r, seuil=seuil if seuil is not None else r.absences.seuil_mois_non_justifiees),
    )


#: L'indicateur de la DEPP : part des élèves ayant au moins 4 demi-journées d'absence non justifiées
#: dans le mois, mesurée de septembre à mai (enquête mensuelle sur l'absentéisme des élèves du second
#: degré, Notes d'information de la DEPP) — le seuil de 4 est celui de L131-8 ; il ne suit pas le réglage
#: ``seuil_mois_non_justifiees``, pour rester comparable aux chiffres nationaux.
SEUIL_DEPP = 4
MOIS_DEPP = (9, 10, 11, 12, 1, 2, 3, 4, 5)


def indicateur_depp(
    wh: "Warehouse", *, par: Literal["classe", "niveau", "etablissement"] = "classe",
    reglages: Reglages | None = None,
) -> pl.DataFrame:
    """Part des élèves ayant au moins :data:`SEUIL_DEPP` demi-journées non justifiées dans le mois, par
    ``par`` et par mois de septembre à mai (mois des périodes de l'établissement).

    Dénominateur : les élèves inscrits ce mois-là sur la liste d'élèves de l'année scolaire du mois (vue
    ``scolarites`` : entrée avant la fin du mois, sortie après son début), comptés dans leur classe (leur
    niveau) de cette année-là — un élève parti l'an dernier n'est pas dans les mois de cette année, un
    élève de 3e cette année compte en 4e dans les mois de l'an dernier ; inscrit sur deux listes de l'année
    (changement de classe), il compte une fois, dans la classe de sa dernière entrée.
    Colonnes : ``par`` (« Établissement » pour ``etablissement``), mois (DATE, le 1er), nb_eleves,
    nb_eleves_seuil, part (0–1, vide sans élève). C'est le seul endroit où l'indicateur est calculé :
    la page Absences et la validation des alertes le lisent ici."""
    r = reglages or charger_reglages()
    if par not in ("classe", "niveau", "etablissement"):
        raise ValueError(f"par = {par!r} : attendu classe, niveau ou etablissement")
    groupe = "'Établissement'" if par == "etablissement" else f"s.{par}"
    return wh.sql(
        f"""
        WITH {_CRENEAUX}, {_PAR_MOIS},
        mois_ AS (
            SELECT DISTINCT annee, date_trunc('month', j)::DATE AS mois
            FROM (SELECT annee, unnest(generate_series(debut, fin, INTERVAL 1 DAY)) AS j FROM periodes)
            WHERE month(j) IN (SELECT unnest($mois))
        ),
        inscrits AS (
            SELECT s.eleve_id, {groupe} AS groupe, m.mois FROM scolarites s JOIN mois_ m USING (annee)
            WHERE (s.entree IS NULL OR s.entree <= last_day(m.mois)) AND (s.sortie IS NULL OR s.sortie >= m.mois)
            QUALIFY row_number() OVER (PARTITION BY s.eleve_id, m.mois
                                       ORDER BY s.entree DESC NULLS LAST, s.classe) = 1
        ),
        nj AS (SELECT eleve_id, mois, non_justifiees AS n FROM par_mois)
        SELECT i.groupe AS {par if par != "etablissement" else "etablissement"}, i.mois,
               count(*)::INTEGER AS nb_eleves,
               (count(*) FILTER (WHERE coalesce(nj.n, 0) >= $seuil))::INTEGER AS nb_eleves_seuil,
               (count(*) FILTER (WHERE coalesce(nj.n, 0) >= $seuil)) / nullif(count(*), 0) AS part
        FROM inscrits i LEFT JOIN nj USING (eleve_id, mois)
        GROUP BY ALL ORDER BY 1 NULLS LAST, 2
        """,
        params=_params(r, seuil=SEUIL_DEPP, mois=list(MOIS_DEPP)),
    )
