"""Ce que valent les alertes dans cet établissement : validation sur son propre historique.

Pour chaque règle d'alerte (``models.alertes``) et chaque année scolaire terminée, on rejoue les
alertes **à une date de coupure** (fin du premier trimestre par défaut, ou une autre période, ou une date)
avec ce qu'on savait ce jour-là, puis on regarde ce que sont devenus les élèves **après** la coupure
seulement : une issue que les données de l'alerte garantissent déjà ne prouverait rien.

**« Comme on le savait ce jour-là ».** Les alertes sont recalculées sur une connexion où les tables
internes (``t_*``) sont masquées par des vues temporaires limitées aux données datées au plus tard du jour de
coupure (devoirs et notes par la date du devoir, absences par leur début, retards, punitions et sanctions,
évaluations de compétences, envois Pix ; moyennes et appréciations fournies par la source : périodes
terminées à la coupure ; élèves entrés au plus tard et non sortis à la coupure ; listes d'élèves des années
jusqu'à celle de la coupure, donc la classe de cette année-là). Toutes les vues se recalculent d'elles-mêmes
sur ce qui était connu ; la table des moyennes gardées (``models.precalcul``) est remplacée par le calcul
même, sur les notes connues. **Ce qui ne peut pas
être rejoué :** l'entrepôt ne garde que le dernier état de chaque ligne — une absence justifiée après
coup (ou requalifiée) apparaît avec son statut d'aujourd'hui, une note corrigée avec sa valeur corrigée,
un import qui a remplacé des lignes (réimport, changement de classe) a effacé l'état antérieur. La
validation est donc un peu optimiste pour les règles d'absence (les justificatifs arrivés après la
coupure font disparaître des alertes qui avaient été vues).

**Issues mesurées, toutes après la coupure et dans la même année scolaire** (:data:`ISSUES`) :
moyenne générale des périodes restantes (celles qui commencent après la coupure) sous 10 ; au moins trois
matières sous 10 sur ces périodes ; au moins 10 demi-journées non justifiées après la coupure ; départ de
l'établissement avant la fin de l'année (date de sortie de la liste d'élèves) ; même niveau l'année
suivante (mesurable seulement si l'historique des classes par année, vue ``scolarites``, existe) ;
« au moins une » réunit les issues mesurables.

**Chiffres par règle** : élèves alertés, issues parmi eux (précision = part des alertés qui ont connu
l'issue), issues dans l'année (rappel = part de ces issues qui avaient été annoncées), délai médian en jours
entre la coupure (le jour où la liste des alertes est lue) et l'issue (la dixième demi-journée non
justifiée, la date de sortie, la fin de la dernière période, la rentrée suivante). Tous les comptes sont
donnés : dans un petit établissement, 3 alertés sur 4 ne disent presque rien (l'intervalle de confiance est
donné, méthode de Wilson à 95 %). Les mêmes chiffres sont séparés selon qu'une étape de suivi a été
enregistrée pour l'élève dans l'année (``models.suivi``) : un élève aidé à temps ressemble à une fausse
alerte.

Comme les alertes, la validation ne lit **jamais** le drapeau d'accompagnement, le sexe, l'âge ni aucune
donnée démographique (ni pour les alertes rejouées, ni pour les issues, ni pour la population).

Elle lit tout l'établissement : réservée à la direction (refusée sur une connexion restreinte par
``models.acces``). L'archive des chiffres anonymes d'une année (table ``validation_alertes`` de la base de
suivi) est écrite par :func:`archiver` avant ``vigie purge`` : les chiffres survivent à la purge des
données qui les ont produits.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from . import absences as abs_
from . import precalcul
from .alertes import alertes
from .annee_scolaire import annee_scolaire, bornes
from .errors import VigieError
from .reglages import REGLES, Reglages, charger_reglages

if TYPE_CHECKING:
    from .warehouse import Warehouse

#: Issue → libellé. « au_moins_une » réunit les issues mesurables.
ISSUES: dict[str, str] = {
    "moyenne_sous_10": "Moyenne générale des périodes suivantes sous 10",
    "trois_matieres_sous_10": "Au moins 3 matières sous 10 après la coupure",
    "absences_10": "Au moins 10 demi-journées non justifiées après la coupure",
    "depart": "Départ de l'établissement avant la fin de l'année",
    "meme_niveau": "Même niveau l'année suivante",
    "au_moins_une": "Au moins une de ces issues",
}
SEUIL_ISSUE_MOYENNE = 10.0
SEUIL_ISSUE_MATIERES = 3
SEUIL_ISSUE_ABSENCES = 10
#: Les catégories de suivi des chiffres (colonne ``suivi``).
SUIVIS = {"tous": "Tous les élèves", "avec_suivi": "Suivi enregistré", "sans_suivi": "Sans suivi enregistré"}

COLONNES: dict[str, Any] = {
    "annee": pl.String, "coupure": pl.Date, "regle": pl.String, "issue": pl.String, "suivi": pl.String,
    "eleves": pl.Int64, "alertes": pl.Int64, "issues": pl.Int64, "alertes_avec_issue": pl.Int64,
    "precision": pl.Float64, "precision_min": pl.Float64, "precision_max": pl.Float64,
    "rappel": pl.Float64, "rappel_min": pl.Float64, "rappel_max": pl.Float64,
    "delai_median_jours": pl.Float64, "mesurable": pl.Boolean,
}

#: Les seuils que la direction peut régler (``models/reglages.toml``) et les valeurs essayées par
#: :func:`et_si` : (section, clé, règle concernée, valeurs). Les seuils légaux d'absentéisme (4 et 10
#: demi-journées par mois, L131-8 et circulaire 2014-159) n'y sont pas : ils ne se règlent pas.
SEUILS_REGLABLES: tuple[tuple[str, str, str, tuple[float, ...]], ...] = (
    ("absences", "taux_chronique", "absenteisme_chronique", (0.05, 0.15)),
    ("absences", "hausse_min_demi_journees", "absences_hausse", (4, 8)),
    ("absences", "hausse_facteur", "absences_hausse", (1.5, 3.0)),
    ("absences", "perle_semaines", "absenteisme_perle", (3, 5)),
    ("absences", "perle_evenements", "absenteisme_perle", (4, 8)),
    ("notes", "seuil_matiere", "moyenne_basse", (7.0, 9.0)),
    ("notes", "nb_matieres_sous_moyenne", "matieres_sous_moyenne", (2, 4)),
    ("notes", "baisse_generale", "baisse_moyenne", (1.5, 3.0)),
    ("notes", "ecart_familles", "ecart_familles", (3.0, 5.0)),
    ("comportement", "punitions_min", "comportement", (2, 4)),
    ("competences", "items_insuffisants", "competences_insuffisantes", (2, 4)),
    ("competences", "items_sans_progres", "competences_sans_progres", (1, 3)),
    ("pix", "progression_min", "pix_progression", (0.3, 0.7)),
)
#: Le budget de temps par défaut de :func:`et_si`, en secondes : au-delà, les variantes restantes ne sont
#: pas calculées (et le résultat le dit).
BUDGET_ET_SI = 120.0


# --- Rejouer les alertes à une date --------------------------------------------------------------------

#: Table interne → condition « connu à la coupure » (``{c}`` : la date de coupure, littéral DATE ; ``{a}`` :
#: son année scolaire). Les tables ``t_*`` sont masquées, non les vues publiques : toutes les vues (et les
#: vues internes de classe, la vue ``moyennes``) se recalculent d'elles-mêmes sur ce qui était connu.
_CONNU: dict[str, str] = {
    "t_eleves": "(entree IS NULL OR entree <= {c}) AND (sortie IS NULL OR sortie > {c})",
    "t_scolarites": "annee <= {a}",
    "t_devoirs": "date <= {c}",
    "t_absences": "CAST(debut AS DATE) <= {c}",
    "t_retards": "CAST(date AS DATE) <= {c}",
    "t_sanctions": "date <= {c}",
    "t_competences": "date <= {c}",
    "t_pix_profils": "CAST(date_envoi AS DATE) <= {c}",
    "t_pix": "CAST(date_envoi AS DATE) <= {c}",
    "t_moyennes_source": "(annee, periode) IN (SELECT (annee, periode) FROM {base}.main.t_periodes WHERE fin <= {c})",
}


def _verifier_direction(wh: "Warehouse") -> None:
    restreinte = wh.valeur("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'perimetre_eleves'")
    if restreinte:
        raise VigieError("La validation des alertes porte sur tout l'établissement : elle est réservée à la direction.")


def au_jour(wh: "Warehouse", coupure: dt.date, *, annee_des_notes: str | None = None) -> "Warehouse":
    """Un ``Warehouse`` de lecture (curseur de la même base) dont les tables internes, donc toutes les vues,
    ne montrent que ce qui était connu le jour ``coupure`` (:data:`_CONNU`) ; à fermer (``close``) après usage.

    ``annee_des_notes`` : ne montrer que les devoirs (et donc les notes, moyennes et classes par les notes) de
    cette année scolaire. Les règles de notes ne lisent jamais une autre année que celle de l'alerte (la
    période précédente est cherchée dans la même année, ``models.periodes.precedentes(meme_annee=True)``) :
    rejouer une année sans recalculer les moyennes des années d'avant ne change aucune de ses alertes."""
    from .warehouse import Warehouse

    cur = wh.con.cursor()
    base = '"' + cur.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""') + '"'
    # Une date et une année calculées, pas une donnée saisie : sûres à écrire dans la vue.
    c, a = f"DATE '{coupure.isoformat()}'", f"'{annee_scolaire(coupure)}'"
    tables = {t for (t,) in cur.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                        "current_database() AND schema_name = 'main'").fetchall()}
    for table, condition in _CONNU.items():
        if table in tables:
            condition = condition.format(c=c, a=a, base=base)
            if table == "t_devoirs" and annee_des_notes is not None:
                condition += " AND annee = '" + annee_des_notes.replace("'", "''") + "'"
            cur.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {base}.main.{table} WHERE {condition}")
    # Les moyennes gardées (``models.precalcul``) sont celles de toutes les notes : à la coupure, elles sont
    # recalculées par le calcul même (vue interne), qui lit les tables masquées ci-dessus.
    # De même la classe de chaque période, que les moyennes lisent (donc créée avant elles).
    cur.execute(f"CREATE OR REPLACE TEMP VIEW {precalcul.CLASSES} AS SELECT * FROM {base}.main.{precalcul.CLASSES_CALCUL}")
    cur.execute(f"CREATE OR REPLACE TEMP VIEW {precalcul.TABLE} AS SELECT * FROM {base}.main.{precalcul.CALCUL}")
    cur.execute(f"CREATE OR REPLACE TEMP VIEW {precalcul.FAMILLES} AS SELECT * FROM {base}.main.{precalcul.FAMILLES_CALCUL}")
    passe = Warehouse.__new__(Warehouse)
    passe.path, passe.read_only, passe.con = wh.path, True, cur
    passe._annuaire, passe._periodes_cache = None, None
    return passe


def alertes_au(wh: "Warehouse", coupure: dt.date, annee: str, *, reglages: Reglages | None = None,
               regle: str | None = None) -> pl.DataFrame:
    """Les alertes de l'année ``annee`` telles qu'on les aurait vues le jour ``coupure`` (colonnes de
    ``models.alertes.alertes``). Les alertes sans année (campagne Pix) sont comptées dans ``annee``. Les notes
    des autres années ne sont pas relues (:func:`au_jour`, ``annee_des_notes``) : sur trois années, la dernière
    se rejouait en recalculant les moyennes et les alertes de notes des deux précédentes pour les jeter."""
    passe = au_jour(wh, coupure, annee_des_notes=annee)
    try:
        a = alertes(passe, reglages=reglages, au=coupure, regle=regle)
    finally:
        passe.close()
    return a.filter(pl.col("annee").is_null() | (pl.col("annee") == annee))


# --- Population et issues ------------------------------------------------------------------------------


def _periodes(wh: "Warehouse", annee: str) -> pl.DataFrame:
    return wh.sql("SELECT periode, debut, fin FROM periodes WHERE annee = $a ORDER BY debut", {"a": annee})


def coupure_de(wh: "Warehouse", annee: str, coupure: str | dt.date | None = None) -> dt.date:
    """La date de coupure d'``annee`` : la fin de sa première période (``None``), de la période nommée
    (« T2 »), ou la date donnée. :class:`VigieError` si la période n'existe pas."""
    if isinstance(coupure, dt.date):
        return coupure
    p = _periodes(wh, annee)
    if p.is_empty():
        raise VigieError(f"aucune période connue pour l'année {annee}")
    if coupure is None:
        return p["fin"][0]
    choisie = p.filter(periode=coupure)
    if choisie.is_empty():
        raise VigieError(f"la période « {coupure} » n'existe pas en {annee} (périodes : {', '.join(p['periode'])})")
    return choisie["fin"][0]


def population(wh: "Warehouse", annee: str, coupure: dt.date) -> list[str]:
    """Les élèves de l'année inscrits à la coupure : une note, une absence ou une moyenne dans l'année
    (ou la liste de l'année, si l'historique des classes existe), entrés au plus tard et non sortis à la
    coupure. Aucune donnée démographique n'est lue."""
    debut, fin = bornes(annee)
    listes = ("UNION SELECT eleve_id FROM scolarites WHERE annee = $a" if _a_vue(wh, "scolarites") else "")
    return wh.sql(
        f"""SELECT DISTINCT e.eleve_id FROM eleves e JOIN (
                SELECT eleve_id FROM notes WHERE annee = $a
                UNION SELECT eleve_id FROM absences WHERE CAST(debut AS DATE) BETWEEN $d AND $f
                UNION SELECT eleve_id FROM moyennes_pronote WHERE annee = $a {listes}
            ) USING (eleve_id)
            WHERE (e.entree IS NULL OR e.entree <= $c) AND (e.sortie IS NULL OR e.sortie > $c)
            ORDER BY 1""",
        {"a": annee, "d": debut, "f": fin, "c": coupure},
    )["eleve_id"].to_list()


def _a_vue(wh: "Warehouse", nom: str) -> bool:
    return bool(wh.valeur("SELECT count(*) FROM duckdb_views() WHERE view_name = $n", {"n": nom}))


def issues(wh: "Warehouse", annee: str, coupure: dt.date, *, reglages: Reglages | None = None
           ) -> tuple[dict[str, dict[str, dt.date]], set[str]]:
    """Les issues de l'année mesurées **après** ``coupure`` : issue → {eleve_id: date de l'issue}, et
    l'ensemble des issues mesurables (``meme_niveau`` ne l'est pas sans historique des classes ni liste de
    l'année suivante ; les issues de moyenne ne le sont pas sans période restante)."""
    r = reglages or charger_reglages()
    _, fin_annee = bornes(annee)
    restantes = _periodes(wh, annee).filter(pl.col("debut") > coupure)
    out: dict[str, dict[str, dt.date]] = {k: {} for k in ISSUES}
    mesurables = {"absences_10", "depart"}
    if restantes.height:
        mesurables |= {"moyenne_sous_10", "trois_matieres_sous_10"}
        m = wh.sql("SELECT eleve_id, periode, matiere, moyenne FROM moyennes WHERE annee = $a "
                   "AND periode IN (SELECT unnest($p::VARCHAR[]))", {"a": annee, "p": restantes["periode"].to_list()})
        m = m.join(restantes.select("periode", "fin"), on="periode")
        gen = m.filter(pl.col("matiere").is_null()).group_by("eleve_id").agg(
            pl.col("moyenne").mean(), pl.col("fin").max())
        out["moyenne_sous_10"] = {e: f for e, moy, f in gen.iter_rows() if moy < SEUIL_ISSUE_MOYENNE}
        mat = (m.filter(pl.col("matiere").is_not_null()).group_by("eleve_id", "matiere")
               .agg(pl.col("moyenne").mean(), pl.col("fin").max())
               .filter(pl.col("moyenne") < SEUIL_ISSUE_MOYENNE)
               .group_by("eleve_id").agg(n=pl.len(), fin=pl.col("fin").max())
               .filter(pl.col("n") >= SEUIL_ISSUE_MATIERES))
        out["trois_matieres_sous_10"] = dict(zip(mat["eleve_id"], mat["fin"]))
    c = abs_.creneaux(wh, reglages=r)
    if c.height:
        nj = (c.filter((pl.col("statut") == "non_justifiee") & (pl.col("jour") > coupure)
                       & (pl.col("jour") <= fin_annee))
              .sort("eleve_id", "jour", "demi", descending=[False, False, True])
              .group_by("eleve_id", maintain_order=True).agg(pl.col("jour"))
              .filter(pl.col("jour").list.len() >= SEUIL_ISSUE_ABSENCES))
        out["absences_10"] = {e: j[SEUIL_ISSUE_ABSENCES - 1] for e, j in nj.iter_rows()}
    partis = wh.sql("SELECT eleve_id, sortie FROM eleves WHERE sortie > $c AND sortie <= $f",
                    {"c": coupure, "f": fin_annee})
    out["depart"] = dict(partis.iter_rows())
    if _a_vue(wh, "scolarites"):
        suivante = f"{int(annee[:4]) + 1}-{int(annee[:4]) + 2}"
        try:
            niveaux = wh.sql(
                "SELECT s.eleve_id, s.annee, c.niveau FROM scolarites s JOIN t_classes c USING (classe) "
                "WHERE s.annee IN ($a, $b) AND c.niveau IS NOT NULL", {"a": annee, "b": suivante})
        except Exception:  # noqa: BLE001 — un historique d'une autre forme : l'issue reste non mesurable
            niveaux = pl.DataFrame()
        if niveaux.height and (niveaux["annee"] == suivante).any():
            mesurables.add("meme_niveau")
            avant = dict(niveaux.filter(annee=annee).select("eleve_id", "niveau").iter_rows())
            rentree = bornes(suivante)[0]
            out["meme_niveau"] = {e: rentree for e, n in niveaux.filter(annee=suivante).select("eleve_id", "niveau").iter_rows()
                                  if avant.get(e) == n}
    toutes: dict[str, dt.date] = {}
    for k in mesurables:
        for e, d in out[k].items():
            toutes[e] = min(d, toutes.get(e, d))
    out["au_moins_une"] = toutes
    return out, mesurables | {"au_moins_une"}


# --- Chiffres ------------------------------------------------------------------------------------------


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """Intervalle de confiance de Wilson à 95 % d'une proportion k/n ; (None, None) si n = 0."""
    if n == 0:
        return None, None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    marge = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - marge), min(1.0, centre + marge)


def _chiffres(annee: str, coupure: dt.date, regle: str, issue: str, suivi: str, eleves: set[str],
              alertes_: set[str], issues_: dict[str, dt.date], mesurable: bool) -> dict[str, Any]:
    a = alertes_ & eleves
    o = {e: d for e, d in issues_.items() if e in eleves}
    vrais = a & set(o)
    delais = sorted((o[e] - coupure).days for e in vrais)
    pmin, pmax = wilson(len(vrais), len(a))
    rmin, rmax = wilson(len(vrais), len(o))
    mediane = None
    if delais:
        n = len(delais)
        mediane = float(delais[n // 2]) if n % 2 else (delais[n // 2 - 1] + delais[n // 2]) / 2
    return {
        "annee": annee, "coupure": coupure, "regle": regle, "issue": issue, "suivi": suivi,
        "eleves": len(eleves), "alertes": len(a), "issues": len(o) if mesurable else None,
        "alertes_avec_issue": len(vrais) if mesurable else None,
        "precision": len(vrais) / len(a) if a and mesurable else None,
        "precision_min": pmin if mesurable else None, "precision_max": pmax if mesurable else None,
        "rappel": len(vrais) / len(o) if o and mesurable else None,
        "rappel_min": rmin if mesurable else None, "rappel_max": rmax if mesurable else None,
        "delai_median_jours": mediane if mesurable else None, "mesurable": mesurable,
    }


def _suivis(db: str | Path | None, wh: "Warehouse", annee: str) -> set[str] | None:
    """Les élèves pour qui une étape de suivi est enregistrée dans l'année (``models.suivi``) ; None sans base."""
    if db is None:
        return None
    from . import suivi
    from .acces import Utilisateur

    if not suivi.fichier_suivi(db).exists():
        return None
    debut, fin = bornes(annee)
    # Étapes de la procédure d'absentéisme et états d'alerte : les décisions du conseil (avis, mention)
    # concernent tous les élèves et ne sont pas un suivi.
    e = suivi.entrees(db, wh, Utilisateur("validation", "direction", "Validation des alertes"))
    e = e.filter(pl.col("sorte").is_in(["procedure", "alerte"]))
    if e.is_empty():
        return set()
    return set(e.filter((pl.col("annee") == annee) | pl.col("date").is_between(debut, fin))["eleve_id"])


def annees_terminees(wh: "Warehouse", au: dt.date | None = None) -> list[str]:
    """Les années scolaires de l'entrepôt dont toutes les périodes sont finies le jour ``au``."""
    au = au or dt.date.today()
    return wh.sql("SELECT annee FROM periodes GROUP BY annee HAVING max(fin) < $au ORDER BY annee", {"au": au})["annee"].to_list()


def validation(
    wh: "Warehouse",
    *,
    annees: Iterable[str] | None = None,
    coupure: str | dt.date | None = None,
    reglages: Reglages | None = None,
    suivi_db: str | Path | None = None,
    au: dt.date | None = None,
    regles: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Les chiffres de chaque règle, année, issue et catégorie de suivi (colonnes :data:`COLONNES`).

    ``annees`` : par défaut les années terminées (:func:`annees_terminees`). ``coupure`` : fin de la
    première période (défaut), une période nommée ou une date. ``suivi_db`` : l'entrepôt dont la base de
    suivi sépare les élèves suivis (sinon, seule la catégorie « tous »). precision, rappel : 0–1 ;
    *_min / *_max : intervalle de Wilson à 95 % ; delai_median_jours : de la coupure à l'issue.
    :class:`VigieError` sur une connexion restreinte (réservé à la direction)."""
    _verifier_direction(wh)
    r = reglages or charger_reglages()
    regles = [g for g in (regles or REGLES) if g not in r.alertes.desactivees]
    lignes: list[dict[str, Any]] = []
    for annee in (annees if annees is not None else annees_terminees(wh, au)):
        c = coupure_de(wh, annee, coupure)
        eleves = set(population(wh, annee, c))
        a = alertes_au(wh, c, annee, reglages=r)
        par_regle = {g: set(a.filter(regle=g)["eleve_id"]) for g in regles}
        lignes += _lignes(wh, annee, c, eleves, par_regle, r, suivi_db)
    return pl.DataFrame(lignes, schema=COLONNES, orient="row") if lignes else pl.DataFrame(schema=COLONNES)


def _lignes(wh: "Warehouse", annee: str, c: dt.date, eleves: set[str], par_regle: dict[str, set[str]],
            r: Reglages, suivi_db: str | Path | None) -> list[dict[str, Any]]:
    o, mesurables = issues(wh, annee, c, reglages=r)
    suivis = _suivis(suivi_db, wh, annee)
    groupes = {"tous": eleves}
    if suivis is not None:
        groupes |= {"avec_suivi": eleves & suivis, "sans_suivi": eleves - suivis}
    return [_chiffres(annee, c, g, issue, s, membres, alertes_, o[issue], issue in mesurables)
            for g, alertes_ in par_regle.items() for issue in ISSUES for s, membres in groupes.items()]


# --- Et si… --------------------------------------------------------------------------------------------


@dataclass
class EtSi:
    """Les chiffres « et si » : une ligne par seuil, valeur essayée (la valeur actuelle comprise), année et
    issue (colonnes de :data:`COLONNES` plus section, cle, valeur, actuelle) ; ``non_calcules`` : les
    (section, clé, valeur) laissés de côté faute de temps ; ``secondes`` : le temps pris."""
    chiffres: pl.DataFrame
    non_calcules: list[tuple[str, str, float]]
    secondes: float
    budget: float


def et_si(
    wh: "Warehouse",
    *,
    annees: Iterable[str] | None = None,
    coupure: str | dt.date | None = None,
    reglages: Reglages | None = None,
    budget: float = BUDGET_ET_SI,
    au: dt.date | None = None,
    seuils: Iterable[tuple[str, str, str, tuple[float, ...]]] = SEUILS_REGLABLES,
) -> EtSi:
    """Pour chaque seuil réglable (:data:`SEUILS_REGLABLES`), les chiffres de sa règle avec la valeur
    actuelle et les valeurs essayées, sur la catégorie « tous ». Rien n'est changé : les réglages restent
    ceux du fichier tant que la direction ne les modifie pas. Au-delà de ``budget`` secondes, les
    variantes restantes ne sont pas calculées et sont listées dans ``non_calcules``."""
    _verifier_direction(wh)
    r = reglages or charger_reglages()
    t0 = time.monotonic()
    annees = list(annees if annees is not None else annees_terminees(wh, au))
    contexte = {}
    for annee in annees:
        c = coupure_de(wh, annee, coupure)
        contexte[annee] = (c, set(population(wh, annee, c)), issues(wh, annee, c, reglages=r))
    lignes: list[dict[str, Any]] = []
    non_calcules: list[tuple[str, str, float]] = []
    for section, cle, regle, valeurs in seuils:
        if regle in r.alertes.desactivees:
            continue
        actuelle = getattr(getattr(r, section), cle)
        for valeur in sorted({actuelle, *valeurs}):
            if time.monotonic() - t0 > budget:
                non_calcules.append((section, cle, valeur))
                continue
            variante = r.model_copy(update={section: getattr(r, section).model_copy(update={cle: type(actuelle)(valeur)})})
            for annee, (c, eleves, (o, mesurables)) in contexte.items():
                alertes_ = set(alertes_au(wh, c, annee, reglages=variante, regle=regle)["eleve_id"])
                for issue in ISSUES:
                    ligne = _chiffres(annee, c, regle, issue, "tous", eleves, alertes_, o[issue], issue in mesurables)
                    lignes.append({"section": section, "cle": cle, "valeur": float(valeur),
                                   "actuelle": valeur == actuelle, **ligne})
    schema = {"section": pl.String, "cle": pl.String, "valeur": pl.Float64, "actuelle": pl.Boolean, **COLONNES}
    df = pl.DataFrame(lignes, schema=schema, orient="row") if lignes else pl.DataFrame(schema=schema)
    return EtSi(df, non_calcules, time.monotonic() - t0, budget)


# --- Archive : les chiffres survivent à la purge -------------------------------------------------------

_ARCHIVE = [c for c in COLONNES if c != "suivi"] + ["suivi"]


def archiver(db: str | Path, wh: "Warehouse", annee: str, *, reglages: Reglages | None = None,
             aujourdhui: dt.date | None = None) -> int:
    """Garde les chiffres anonymes de ``annee`` (aucun identifiant d'élève : des comptes et des taux) dans
    la table ``validation_alertes`` de la base de suivi de ``db``, avant que ``vigie purge`` n'efface les
    données qui les produisent ; remplace l'archive déjà gardée pour cette année. Renvoie le nombre de
    lignes gardées. :class:`VigieError` si l'année n'est pas terminée (ses chiffres figés seraient faux)."""
    from . import suivi

    fin = bornes(annee)[1]
    if (aujourdhui or dt.date.today()) <= fin:
        raise VigieError(f"l'année {annee} n'est pas terminée (fin le {fin:%d/%m/%Y}) : ses chiffres ne sont pas gardés")
    df = validation(wh, annees=[annee], reglages=reglages, suivi_db=db)
    with suivi.ouvrir(db, ecrire=True) as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS validation_alertes ({', '.join(_ARCHIVE)}, archive_le TEXT)")
        con.execute("DELETE FROM validation_alertes WHERE annee = ?", [annee])
        maintenant = dt.datetime.now().isoformat(timespec="seconds")
        for row in df.iter_rows(named=True):
            con.execute(f"INSERT INTO validation_alertes VALUES ({', '.join('?' * (len(_ARCHIVE) + 1))})",
                        [row[k].isoformat() if isinstance(row[k], dt.date) else row[k] for k in _ARCHIVE] + [maintenant])
    return df.height


def archives(db: str | Path) -> pl.DataFrame:
    """Les chiffres gardés des années purgées (colonnes :data:`COLONNES`), vides s'il n'y en a pas."""
    from . import suivi

    if not suivi.fichier_suivi(db).exists():
        return pl.DataFrame(schema=COLONNES)
    with suivi.ouvrir(db) as con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'validation_alertes'").fetchone():
            return pl.DataFrame(schema=COLONNES)
        rows = [dict(r) for r in con.execute(f"SELECT {', '.join(COLONNES)} FROM validation_alertes ORDER BY rowid")]
    for r in rows:
        r["coupure"] = dt.date.fromisoformat(r["coupure"])
        r["mesurable"] = bool(r["mesurable"])
    return pl.DataFrame(rows, schema=COLONNES, orient="row") if rows else pl.DataFrame(schema=COLONNES)


def historique(wh: "Warehouse", db: str | Path | None = None, **kw: Any) -> pl.DataFrame:
    """Les chiffres de chaque année : ceux gardés à la purge (:func:`archiver`) pour une année archivée —
    ses données ne sont plus là —, ceux de l'entrepôt pour les autres années terminées."""
    a = archives(db) if db is not None else pl.DataFrame(schema=COLONNES)
    gardees = set(a["annee"].to_list())
    if kw.get("annees") is None:
        kw["annees"] = [x for x in annees_terminees(wh, kw.pop("au", None)) if x not in gardees]
    df = validation(wh, suivi_db=db, **kw)
    return pl.concat([a, df]).sort("annee", maintain_order=True)


# --- Ligne de commande ---------------------------------------------------------------------------------


def tableau_validation(wh: "Warehouse", *, db: str | Path | None = None, coupure: str | dt.date | None = None,
                       format: str = "table", issue: str = "au_moins_une") -> str:
    """La validation pour ``vigie alerts --validation`` : tableau lisible (une issue, tous les élèves), ou
    CSV complet (séparateur « ; », nombres à virgule)."""
    import csv
    import io

    from .alertes import _cellule_csv, _table, fr, pct

    df = historique(wh, db, coupure=coupure)
    if format == "csv":
        sortie = io.StringIO()
        w = csv.writer(sortie, delimiter=";", lineterminator="\n")
        w.writerow(list(COLONNES))
        for row in df.iter_rows():
            w.writerow([_cellule_csv(v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else
                                     ("oui" if v else "non") if isinstance(v, bool) else v) for v in row])
        return sortie.getvalue()
    if df.is_empty():
        return "Aucune année scolaire terminée : rien à valider."
    r = charger_reglages()
    d = df.filter(issue=issue, suivi="tous").filter(pl.col("alertes") > 0)
    lignes = [[row["annee"], row["coupure"].strftime("%d/%m/%Y"), r.libelle(row["regle"]), str(row["alertes"]),
               f"{row['alertes_avec_issue']} ({pct(row['precision'])})" if row["precision"] is not None else "—",
               f"{row['alertes_avec_issue']}/{row['issues']} ({pct(row['rappel'])})" if row["rappel"] is not None else "—",
               fr(row["delai_median_jours"], 0) if row["delai_median_jours"] is not None else "—"]
              for row in d.iter_rows(named=True)]
    entete = f"Issue : {ISSUES[issue]}. Chiffres mesurés après la coupure, sur l'historique de l'établissement."
    if wh.est_demo():
        entete += "\nÉtablissement de démonstration : ces chiffres sont SYNTHÉTIQUES."
    return entete + "\n\n" + _table(lignes, ["Année", "Coupure", "Règle", "Alertés", "Avec l'issue (précision)",
                                              "Issues annoncées (rappel)", "Délai médian (jours)"])


# --- Pour la page Alertes ------------------------------------------------------------------------------


def _direction(u: Any) -> None:
    if getattr(u, "role", None) != "direction":
        raise VigieError("La validation des alertes est réservée à la direction.")


def pour_page(db: str | Path, wh: "Warehouse", u: Any, *, coupure: str | None = None) -> pl.DataFrame:
    """:func:`historique` pour la page Alertes (signature de ``dashboard.data.appel_suivi``) ; direction seule."""
    _direction(u)
    return historique(wh, db, coupure=coupure)


def et_si_page(db: str | Path, wh: "Warehouse", u: Any, *, coupure: str | None = None,
               budget: float = BUDGET_ET_SI) -> EtSi:
    """:func:`et_si` pour la page Alertes ; direction seule."""
    _direction(u)
    return et_si(wh, coupure=coupure, budget=budget)


def est_synthetique(wh: "Warehouse") -> bool:
    """Vrai sur l'établissement de démonstration : ses chiffres de validation sont synthétiques."""
    return wh.est_demo()
