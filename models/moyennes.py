"""Les moyennes, exactement comme Pronote les calcule.

Le calcul est celui de ``models/moyennes.sql`` ; son résultat, gardé dans la table ``t_moyennes`` et tenu à
jour par chaque import et chaque purge (``models/precalcul.py``), se lit dans la vue publique ``moyennes`` ;
ce module l'enrichit (noms, moyennes de Pronote à côté, confiance) pour le tableau de
bord, la ligne de commande et le bulletin. Règles, toutes épinglées par ``tests/test_moyennes.py`` :

- **Ramener sur 20** coché : chaque note est d'abord convertie sur 20 (18/20, 2/10, 1/5 → 8,67) ; décoché,
  chaque devoir pèse son barème (mêmes notes → 20 × 21/35 = 12). Le coefficient du devoir multiplie.
- **Bonus** : seuls les points au-dessus de 10 (sur 20), multipliés par le coefficient du bonus, s'ajoutent
  au numérateur de la moyenne pondérée : (12 + 16)/2 = 14, avec un bonus à 17 → (12 + 16 + 7)/2 = 17,5 ;
  un bonus à 8 ne change rien. La moyenne est plafonnée à 20.
- **Facultatifs** (« comme une note ») : retenus seulement s'ils font monter la moyenne, essayés du meilleur
  au moins bon : (16 + 18)/2 = 17, + 20 → 18, + 17 → 17,75 < 18 donc ignoré. Sans aucune note ordinaire,
  le meilleur facultatif fait la moyenne. Un devoir à la fois bonus et facultatif est traité en bonus.
- **Statuts** : absent, dispense, non_note, inapte, non_rendu, non_concerne écartés ; absent_zero et
  non_rendu_zero comptent 0. Un devoir de coefficient 0 ne compte pas.
- **Sous-services** (``ANGLAIS LV1 > Expression écrite``) : la moyenne du service est la moyenne de ses
  sous-services pondérée par leurs coefficients (``matieres.coefficient``, 1 par défaut) ; des devoirs posés
  directement sur le service forment un sous-service de poids 1.
- **Moyenne générale** : moyennes des services pondérées par le coefficient de la matière (1 par défaut).
- Moyenne de classe = moyenne des moyennes des élèves ; min, max, médiane ; rang avec ex aequo (1, 2, 2, 4).
  La classe d'une moyenne est celle de l'élève à cette période (vue ``classes_periodes``, sinon sa classe
  actuelle) : voir ``models/moyennes.sql``.
- Rien n'est arrondi ici : l'affichage arrondit à 2 décimales avec une virgule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from .periodes import avec_precedente, periode_precedente
from .reglages import Reglages, charger_reglages

if TYPE_CHECKING:  # pas d'import à l'exécution : schema.py lit moyennes.sql sans passer par ici
    from .warehouse import Warehouse

_FILTRES = """($classe IS NULL OR m.classe = $classe)
  AND ($periode IS NULL OR m.periode = $periode)
  AND ($annee IS NULL OR m.annee = $annee)
  AND ($eleves IS NULL OR list_contains($eleves::VARCHAR[], m.eleve_id))"""


#: La famille d'une moyenne : celle de la vue, sauf pour les services de ``notes.matieres_professionnelles``.
_FAMILLE = "CASE WHEN list_contains($pro::VARCHAR[], m.matiere) THEN 'professionnel' ELSE m.famille END"


def moyennes_calculees(wh: "Warehouse", *, reglages: Reglages | None = None) -> pl.DataFrame:
    """Toutes les moyennes de la vue, sans tri ni moyennes de Pronote : ce que lisent les alertes.

    Colonnes : eleve_id, nom, prenom, classe, annee, periode, matiere, famille (professionnelles
    comprises), coefficient, moyenne, nb_notes, moyenne_classe, min_classe, max_classe, faible_confiance.
    """
    r = reglages or charger_reglages()
    return wh.sql(
        f"""
        SELECT m.eleve_id, e.nom, e.prenom, m.classe, m.annee, m.periode, m.matiere, {_FAMILLE} AS famille,
               m.coefficient, m.moyenne, m.nb_notes, m.moyenne_classe, m.min_classe, m.max_classe,
               m.nb_notes < $min AS faible_confiance
        FROM moyennes m JOIN eleves e USING (eleve_id)
        """,
        params={"min": r.notes.nb_notes_min, "pro": list(r.notes.matieres_professionnelles)},
    )


def familles(m: pl.DataFrame) -> pl.DataFrame:
    """:func:`moyennes_familles` calculée à partir de :func:`moyennes_calculees` (déjà lue), sans relire
    les notes ; mêmes colonnes, même ordre."""
    m = m.filter(pl.col("matiere").is_not_null())
    poids = pl.col("coefficient") * pl.col("moyenne")

    def moyenne(famille: str) -> pl.Expr:
        f = pl.col("famille") == famille
        den = pl.col("coefficient").filter(f).sum()
        return pl.when(den != 0).then(poids.filter(f).sum() / den)

    return (
        # nom, prenom et classe suivent l'élève : first() évite de les hacher avec la clé.
        m.group_by("eleve_id", "annee", "periode")
        .agg(
            pl.col("nom", "prenom", "classe").first(),
            moyenne_general=moyenne("general"),
            moyenne_professionnel=moyenne("professionnel"),
            nb_notes_general=pl.col("nb_notes").filter(pl.col("famille") == "general").sum().cast(pl.Int32),
            nb_notes_professionnel=pl.col("nb_notes").filter(pl.col("famille") == "professionnel").sum()
            .cast(pl.Int32),
        )
        .with_columns(ecart=pl.col("moyenne_general") - pl.col("moyenne_professionnel"))
        .select("eleve_id", "nom", "prenom", "classe", "annee", "periode", "moyenne_general",
                "moyenne_professionnel", "ecart", "nb_notes_general", "nb_notes_professionnel")
        .sort("classe", "annee", "periode", "nom", "prenom", "eleve_id", nulls_last=True)
    )


def moyennes(
    wh: "Warehouse",
    *,
    classe: str | None = None,
    periode: str | None = None,
    annee: str | None = None,
    eleves: list[str] | None = None,
    reglages: Reglages | None = None,
) -> pl.DataFrame:
    """Les moyennes par élève, période et matière (``matiere`` nulle = moyenne générale).

    Filtres (cumulables) : ``classe`` (la classe de l'élève **à chaque période**, historique des classes),
    ``periode``, ``annee``, ``eleves`` (identifiants : toutes les moyennes de ces élèves, quelle que soit
    leur classe à chaque période — le parcours d'un élève qui a changé de classe). Les chiffres de classe
    (moyenne, min, max, médiane, rang) restent ceux de la classe de la ligne, quel que soit le filtre.

    Colonnes : celles de la vue ``moyennes`` plus nom, prenom, moyenne_pronote (la moyenne que Pronote a
    exportée, si connue : une seule par libellé et par source, la source donnant deux services de même
    libellé n'en a pas une à comparer), ecart_pronote (la nôtre moins celle de Pronote : un écart se
    montre, il ne se cache pas) et faible_confiance (moins de ``notes.nb_notes_min`` notes).
    """
    r = reglages or charger_reglages()
    return wh.sql(
        f"""
        WITH par_source AS (
            -- Une source qui donne, pour un même libellé, plusieurs services (identifiants différents :
            -- deux sous-services de même libellé) n'a pas **une** moyenne à comparer à la nôtre, calculée
            -- par libellé : elle ne sert pas de référence (une autre source peut le faire).
            SELECT eleve_id, annee, periode, matiere, source, any_value(moyenne) AS moyenne
            FROM moyennes_pronote
            WHERE moyenne IS NOT NULL
            GROUP BY eleve_id, annee, periode, matiere, source
            HAVING count(*) = 1
        ), pronote AS (
            SELECT eleve_id, annee, periode, matiere, moyenne
            FROM par_source
            QUALIFY row_number() OVER (PARTITION BY eleve_id, annee, periode, matiere
                                       ORDER BY source <> 'pronote', source) = 1
        )
        SELECT m.eleve_id, e.nom, e.prenom, m.classe, m.annee, m.periode, m.matiere,
               {_FAMILLE} AS famille,
               m.coefficient, m.moyenne, m.nb_notes, m.moyenne_classe, m.min_classe, m.max_classe,
               m.mediane_classe, m.rang, p.moyenne AS moyenne_pronote, m.moyenne - p.moyenne AS ecart_pronote,
               m.nb_notes < $min AS faible_confiance
        FROM moyennes m
        JOIN eleves e USING (eleve_id)
        LEFT JOIN periodes pe ON pe.annee = m.annee AND pe.periode = m.periode
        LEFT JOIN pronote p ON p.eleve_id = m.eleve_id AND p.annee = m.annee AND p.periode = m.periode
             AND p.matiere IS NOT DISTINCT FROM m.matiere
        WHERE {_FILTRES}
        ORDER BY m.classe, m.annee, pe.debut NULLS LAST, m.periode, e.nom, e.prenom, m.eleve_id,
                 m.matiere NULLS FIRST
        """,
        params={"classe": classe, "periode": periode, "annee": annee,
                "eleves": None if eleves is None else list(eleves), "min": r.notes.nb_notes_min, "pro": list(r.notes.matieres_professionnelles)},
    )


def comparaison_precedente(
    wh: "Warehouse",
    classe: str,
    periode: str,
    *,
    annee: str | None = None,
    reglages: Reglages | None = None,
) -> pl.DataFrame:
    """Par matière, la moyenne de la classe à (``annee``, ``periode``) et celle des **mêmes élèves** à la
    période précédente (``models.periodes`` : d'une année à l'autre). La précédente est la moyenne des
    moyennes de ces élèves, lues élève par élève où qu'ils fussent alors (un élève qui a changé de classe
    garde son passé) — dans une classe inchangée, c'est la moyenne de classe de la période précédente.

    Colonnes : ``matiere``, ``periode`` (libellé ; l'année s'y ajoute quand elle change), ``moyenne``
    (sur 20). Vide s'il n'y a pas de période précédente ou pas de notes."""
    r = reglages or charger_reglages()
    schema = {"matiere": pl.String, "periode": pl.String, "moyenne": pl.Float64}
    maintenant = moyennes(wh, classe=classe, periode=periode, annee=annee, reglages=r).filter(
        pl.col("matiere").is_not_null())
    if maintenant.is_empty():
        return pl.DataFrame(schema=schema)
    annee = annee or maintenant["annee"][0]
    avant = periode_precedente(wh, annee, periode)
    if avant is None:
        return pl.DataFrame(schema=schema)
    ids = maintenant["eleve_id"].unique().to_list()
    passe = moyennes(wh, periode=avant.periode, annee=avant.annee, eleves=ids, reglages=r).filter(
        pl.col("matiere").is_not_null())
    libelle = avant.periode if avant.annee == annee else f"{avant.periode} {avant.annee}"
    return pl.concat([
        passe.group_by("matiere", maintain_order=True).agg(pl.col("moyenne").mean())
        .select("matiere", pl.lit(libelle).alias("periode"), pl.col("moyenne").cast(pl.Float64)),
        maintenant.group_by("matiere", maintain_order=True).agg(pl.col("moyenne_classe").first())
        .select("matiere", pl.lit(periode).alias("periode"), pl.col("moyenne_classe").cast(pl.Float64)
                .alias("moyenne")),
    ])


def distribution_devoirs(
    wh: "Warehouse",
    classe: str,
    periode: str,
    *,
    annee: str | None = None,
    reglages: Reglages | None = None,
) -> pl.DataFrame:
    """Chaque devoir de la classe dans la période : notes sur 20, moyenne, min, max, médiane, part des
    notes sous 10, et ``echec_collectif`` quand la moyenne du devoir est sous 10 et qu'au moins
    ``notes.echec_collectif_part`` de la classe a moins de 10 (un devoir raté par tous interroge le devoir,
    pas les élèves).

    La classe est celle de la période (vue ``classes_periodes``, sinon la classe actuelle). Comme les
    statistiques de classe de la vue ``moyennes``, celles d'un devoir portent sur toute la classe (tables
    t_*), même pour un rôle restreint ; seuls les devoirs où le rôle voit au moins une note (vue ``notes``,
    restreinte) sont rendus."""
    r = reglages or charger_reglages()
    return wh.sql(
        """
        WITH n AS (
            SELECT d.devoir_id, d.matiere, d.date, d.titre AS devoir, d.bareme, d.coefficient, d.bonus,
                   d.facultatif,
                   CASE WHEN n.statut = 'note' THEN n.valeur * 20 / d.bareme
                        WHEN n.statut IN ('absent_zero', 'non_rendu_zero') THEN 0 END AS note20
            FROM t_notes n
            JOIN t_devoirs d USING (devoir_id)
            JOIN t_classes_actuelles e USING (eleve_id)
            LEFT JOIN t_classes_periodes cp ON cp.eleve_id = n.eleve_id AND cp.annee = d.annee
                 AND cp.periode = d.periode
            WHERE coalesce(cp.classe, e.classe) = $classe AND d.periode = $periode
              AND ($annee IS NULL OR d.annee = $annee)
              AND d.devoir_id IN (SELECT devoir_id FROM notes)
        )
        SELECT devoir_id, matiere, date, devoir, bareme, coefficient, bonus, facultatif,
               count(note20)::INTEGER AS nb_notes, avg(note20) AS moyenne, min(note20) AS min,
               max(note20) AS max, median(note20) AS mediane,
               count(*) FILTER (WHERE note20 < 10)::INTEGER AS nb_sous_10,
               count(*) FILTER (WHERE note20 < 10) / nullif(count(note20), 0) AS part_sous_10,
               coalesce(avg(note20) < 10 AND count(*) FILTER (WHERE note20 < 10) / nullif(count(note20), 0)
                        >= $part, FALSE) AS echec_collectif
        FROM n
        GROUP BY ALL
        ORDER BY date, matiere, devoir
        """,
        params={"classe": classe, "periode": periode, "annee": annee, "part": r.notes.echec_collectif_part},
    )


def evolution(wh: "Warehouse", eleve_id: str) -> pl.DataFrame:
    """La moyenne générale d'un élève période après période (ordre chronologique), avec celle de sa
    classe, son rang et l'écart à la période précédente (``models.periodes`` : d'une année à l'autre ;
    nul si l'élève n'a pas de moyenne à cette période)."""
    df = wh.sql(
        """
        SELECT m.annee, m.periode, pe.debut, m.moyenne, m.nb_notes, m.moyenne_classe, m.rang
        FROM moyennes m
        LEFT JOIN periodes pe ON pe.annee = m.annee AND pe.periode = m.periode
        WHERE m.eleve_id = $eleve AND m.matiere IS NULL
        ORDER BY m.annee, pe.debut NULLS LAST, m.periode
        """,
        params={"eleve": eleve_id},
    )
    df = avec_precedente(wh, df, [], ["moyenne"])
    return df.select(*df.columns[:7], variation=pl.col("moyenne") - pl.col("moyenne_precedente"))


def moyennes_familles(
    wh: "Warehouse",
    classe: str | None,
    periode: str | None,
    *,
    annee: str | None = None,
    eleves: list[str] | None = None,
    reglages: Reglages | None = None,
) -> pl.DataFrame:
    """Par élève : moyenne des matières générales et des matières professionnelles (pondérées par les
    coefficients de matière), leur écart (général − professionnel) et le nombre de notes de chaque côté.
    Les services de ``notes.matieres_professionnelles`` comptent en professionnel."""
    r = reglages or charger_reglages()
    return wh.sql(
        f"""
        WITH m AS (
            SELECT * REPLACE (CASE WHEN list_contains($pro::VARCHAR[], matiere) THEN 'professionnel'
                                   ELSE famille END AS famille)
            FROM moyennes
        )
        SELECT m.eleve_id, e.nom, e.prenom, m.classe, m.annee, m.periode,
               sum(m.coefficient * m.moyenne) FILTER (WHERE m.famille = 'general')
                 / nullif(sum(m.coefficient) FILTER (WHERE m.famille = 'general'), 0) AS moyenne_general,
               sum(m.coefficient * m.moyenne) FILTER (WHERE m.famille = 'professionnel')
                 / nullif(sum(m.coefficient) FILTER (WHERE m.famille = 'professionnel'), 0)
                 AS moyenne_professionnel,
               moyenne_general - moyenne_professionnel AS ecart,
               coalesce(sum(m.nb_notes) FILTER (WHERE m.famille = 'general'), 0)::INTEGER AS nb_notes_general,
               coalesce(sum(m.nb_notes) FILTER (WHERE m.famille = 'professionnel'), 0)::INTEGER
                 AS nb_notes_professionnel
        FROM m JOIN eleves e USING (eleve_id)
        WHERE m.matiere IS NOT NULL AND {_FILTRES}
        GROUP BY ALL
        ORDER BY m.classe, m.annee, m.periode, e.nom, e.prenom
        """,
        params={"classe": classe, "periode": periode, "annee": annee,
                "eleves": None if eleves is None else list(eleves), "pro": list(r.notes.matieres_professionnelles)},
    )
