"""Le conseil de classe : la feuille de la classe, calculée une fois, que l'écran et le PDF dessinent.

:func:`feuille` assemble pour une classe et une période tout ce dont le conseil parle — le tableau de la
classe (moyenne, évolution, rang, moyennes générale et professionnelle, absences, vie scolaire, alertes
de la période par sorte, mention proposée et ses raisons), les moyennes par matière (radar, tableau des
matières), celles de la période précédente, la moyenne générale de chaque élève période après période
(tendance), les alertes de la classe et la synthèse par matière. L'écran « Conseil de classe » et son PDF
ne font que la dessiner : ils montrent donc les mêmes chiffres, et le PDF ne recalcule rien par élève.

Coût : la vue ``moyennes`` est lue **une fois** (toutes les périodes des élèves de la classe) ; les
alertes ne sont calculées que pour la classe (``models.alertes.alertes(classe=…, moyennes=…)``), sur ces
mêmes moyennes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from . import absences, alertes, lectures
from . import moyennes as mm
from .nombres import borne, nombre
from .periodes import Periode, periode_precedente
from .reglages import Reglages, charger_reglages
from .warehouse import Warehouse

#: Ordre des gravités d'alerte (les plus graves d'abord), celui de ``models.alertes``.
ORDRE_GRAVITE = alertes.ORDRE_GRAVITE

#: Écart de moyenne générale (en points, depuis la période précédente) à partir duquel la synthèse du
#: conseil range un élève parmi ceux qui ont progressé ou baissé. Plus bas que le seuil de l'alerte
#: ``baisse_moyenne`` (``notes.baisse_generale``, 2 points) : le conseil veut voir aussi les progrès.
SEUIL_EVOLUTION = 1.0

#: Tranches de la répartition des moyennes générales (bornes basses incluses, sur 20).
TRANCHES = (0, 6, 8, 10, 12, 14, 16)


@dataclass(frozen=True)
class FeuilleConseil:
    """Tout ce que montre le conseil d'une classe pour une période (frames Polars, sérialisables : le
    tableau de bord la garde en cache).

    - ``tableau`` : une ligne par élève, ordre alphabétique — ``eleve_id, eleve`` (« NOM Prénom »),
      ``moyenne, variation`` (écart à la période précédente, ``models.periodes``), ``rang``,
      ``moyenne_general, moyenne_professionnel, ecart_familles`` (général − professionnel),
      ``alerte_ecart`` (l'alerte ``ecart_familles`` de la période), ``absences, non_justifiees``
      (demi-journées de la période), ``retards, sanctions``, ``alertes`` (libellés des sortes d'alerte de
      la période, sans doublon), ``nb_alertes``, ``mention`` (proposée) et ``signaux`` (ce qui l'a
      proposée ou empêchée, en phrases).
    - ``moyennes`` : ``models.moyennes.moyennes`` de la classe pour la période (toutes les matières).
    - ``precedentes`` : les mêmes pour la période précédente (vide s'il n'y en a pas).
    - ``evolution`` : ``eleve_id, annee, periode, moyenne, moyenne_classe`` — la moyenne générale de chaque
      élève à chaque période notée, dans l'ordre du calendrier.
    - ``alertes`` : les alertes des élèves de la classe, toutes périodes (``models.alertes.SCHEMA``) ;
      :meth:`alertes_eleve` sépare celles de la période des précédentes.
    - ``accompagnement`` : élève → dispositifs (PAP, PPS, ULIS) — information de suivi.
    - ``appreciations`` : celles que les sources portent pour la période (vue ``appreciations`` : LSU,
      Pronote) — ``eleve_id, matiere`` (vide = appréciation générale), ``appreciation, source``.
    """

    classe: str
    annee: str | None
    periode: str
    precedente: Periode | None
    tableau: pl.DataFrame
    moyennes: pl.DataFrame
    precedentes: pl.DataFrame
    evolution: pl.DataFrame
    alertes: pl.DataFrame
    accompagnement: dict[str, list[str]] = field(default_factory=dict)
    appreciations: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"eleve_id": pl.String, "matiere": pl.String, "appreciation": pl.String, "source": pl.String}))

    @property
    def eleves(self) -> list[str]:
        return self.tableau["eleve_id"].to_list()

    def nom(self, eleve_id: str) -> str:
        t = self.tableau.filter(pl.col("eleve_id") == eleve_id)
        return t["eleve"][0] if t.height else ""

    def ligne(self, eleve_id: str) -> dict:
        return self.tableau.filter(pl.col("eleve_id") == eleve_id).row(0, named=True)

    def alertes_eleve(self, eleve_id: str, *, anterieures: bool = False) -> pl.DataFrame:
        """Les alertes de l'élève pour la période du conseil (``anterieures`` : celles des périodes
        précédentes), les plus graves d'abord."""
        return alertes_de_periode(self.alertes.filter(pl.col("eleve_id") == eleve_id), self.annee, self.periode,
                                  anterieures=anterieures)

    def generale(self) -> dict | None:
        """Moyenne, médiane, min et max de la classe (moyenne générale) et nombre d'élèves notés."""
        g = self.moyennes.filter(pl.col("matiere").is_null())
        if g.is_empty():
            return None
        r = g.row(0, named=True)
        return {"moyenne": r["moyenne_classe"], "mediane": r["mediane_classe"], "min": r["min_classe"],
                "max": r["max_classe"], "notes": g.height}

    def repartition(self) -> pl.DataFrame:
        """Le nombre d'élèves par tranche de moyenne générale (``tranche`` « 10 à 12 », ``eleves``) :
        la distribution de la classe sans aucune valeur individuelle (mode projection)."""
        bornes = [*TRANCHES, 20.0001]
        moy = self.tableau["moyenne"].drop_nulls().to_list()
        lignes = []
        for bas, haut in zip(bornes, bornes[1:]):
            libelle = f"{borne(bas)} à {borne(min(haut, 20))}" if haut <= 20 else f"{borne(bas)} et plus"
            lignes.append((libelle, sum(1 for m in moy if bas <= m < haut)))
        return pl.DataFrame(lignes, schema={"tranche": pl.String, "eleves": pl.Int64}, orient="row")

    def progres(self, seuil: float = SEUIL_EVOLUTION) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(en hausse, en baisse) : les lignes du tableau dont l'évolution atteint ``seuil`` points dans un
        sens ou l'autre, les plus fortes d'abord."""
        t = self.tableau.filter(pl.col("variation").is_not_null())
        return (t.filter(pl.col("variation") >= seuil - 1e-9).sort("variation", descending=True),
                t.filter(pl.col("variation") <= -seuil + 1e-9).sort("variation"))

    def matieres(self) -> pl.DataFrame:
        """La synthèse par matière : ``matiere, famille, moyenne, mediane, min, max, eleves`` (notés),
        ``sous_10`` (élèves sous 10), dans l'ordre du radar (général, professionnel, options)."""
        m = self.moyennes.filter(pl.col("matiere").is_not_null())
        ordre = {"general": 0, "professionnel": 1, "option": 2}
        return (
            m.group_by("matiere", maintain_order=True)
            .agg(pl.col("famille").first(), pl.col("moyenne_classe").first().alias("moyenne"),
                 pl.col("mediane_classe").first().alias("mediane"), pl.col("min_classe").first().alias("min"),
                 pl.col("max_classe").first().alias("max"), pl.col("moyenne").count().alias("eleves"),
                 (pl.col("moyenne") < 10).sum().alias("sous_10"))
            .with_columns(_o=pl.col("famille").replace_strict(ordre, default=3, return_dtype=pl.Int64))
            .sort("_o", pl.col("matiere").str.to_lowercase()).drop("_o")
        )


def alertes_de_periode(a: pl.DataFrame, annee: str | None, periode: str, *,
                       anterieures: bool = False) -> pl.DataFrame:
    """Les alertes ``a`` qui comptent dans (``annee``, ``periode``) — leur ``periode_scolaire`` — ou, avec
    ``anterieures``, toutes les autres ; les plus graves d'abord."""
    de_la_periode = _de_la_periode(annee, periode, "periode_scolaire")
    a = a.filter(~de_la_periode if anterieures else de_la_periode)
    return a.sort(alertes.rang_gravite(), "regle", maintain_order=True)


def _de_la_periode(annee: str | None, periode: str, colonne: str = "periode") -> pl.Expr:
    e = pl.col(colonne) == periode
    if annee is not None:
        e &= pl.col("annee") == annee
    return e.fill_null(False)


def absences_periode(wh: Warehouse, classe: str, periode: str, annee: str | None, *,
                     eleves: list[str] | None = None) -> pl.DataFrame:
    """Demi-journées d'absence (brutes) et non justifiées de chaque élève de la classe (actuelle ;
    ``eleves`` : ces élèves-là, quelle que soit leur classe aujourd'hui) dans la période
    (``models.absences.demi_journees``)."""
    if eleves is None:
        df = absences.demi_journees(wh, par="periode", classe=classe)
    else:
        # Les élèves d'alors sont tous encore dans la classe : la lecture reste celle de la classe.
        actuels = set(lectures.eleves(wh, classe)["eleve_id"].to_list())
        df = absences.demi_journees(wh, par="periode", classe=classe if set(eleves) <= actuels else None)
        df = df.filter(pl.col("eleve_id").is_in(eleves))
    if df.is_empty():
        return pl.DataFrame(schema={"eleve_id": pl.String, "absences": pl.Float64, "non_justifiees": pl.Float64})
    filtre = pl.col("periode") == periode
    if annee is not None and "annee" in df.columns:
        filtre &= pl.col("annee") == annee
    return df.filter(filtre).select(
        "eleve_id",
        pl.col("brutes").cast(pl.Float64).alias("absences"),
        pl.col("non_justifiees").cast(pl.Float64),
    )


def _nb(x: float) -> str:
    """Un chiffre des raisons d'une mention, écrit comme dans le tableau (``models.nombres``)."""
    return nombre(x, milliers=False)


def proposer_mentions(t: pl.DataFrame, r: Reglages, precedente: Periode | None) -> pl.DataFrame:
    """La mention proposée à chaque élève et les signaux qui l'ont faite ou ont écarté une mention plus
    haute. ``t`` : une ligne par élève avec ``eleve_id, moyenne, faible_confiance, variation`` (écart à la
    période précédente, la même définition que la colonne « Évolution »), ``sanction_retenue`` (une
    punition ou sanction de la période non effacée), ``alertes_graves`` (libellés des alertes « alerte » ou
    « attention » de la période), ``non_justifiees``. Les ``[[mentions]]`` des réglages sont essayées dans
    l'ordre ; la première dont toutes les conditions tiennent est proposée. Sortie : ``eleve_id,
    mention, signaux`` (liste de phrases). Rien n'est décidé : le conseil tranche."""
    depuis = f" depuis {precedente.periode} {precedente.annee}" if precedente else ""
    lignes = []
    for row in t.iter_rows(named=True):
        signaux: list[str] = []
        proposee = None
        if row["moyenne"] is None:
            lignes.append((row["eleve_id"], None, []))
            continue
        if row["faible_confiance"]:
            lignes.append((row["eleve_id"], None, ["moyenne générale sur trop peu de notes : aucune proposition"]))
            continue
        for mention in r.mentions:
            raisons, freins = [], []
            if mention.moyenne_min is not None:
                if row["moyenne"] < mention.moyenne_min:
                    continue
                raisons.append(f"moyenne générale {_nb(row['moyenne'])} ≥ {_nb(mention.moyenne_min)}")
            if mention.moyenne_max is not None:
                if row["moyenne"] >= mention.moyenne_max:
                    continue
                raisons.append(f"moyenne générale {_nb(row['moyenne'])} < {_nb(mention.moyenne_max)}")
            if mention.progression_min is not None:
                if row["variation"] is None or row["variation"] < mention.progression_min:
                    continue
                raisons.append(f"progression +{_nb(row['variation'])}{depuis} ≥ {_nb(mention.progression_min)}")
            # Les conditions de conduite et d'assiduité : ce qui bloque est dit.
            if mention.sans_sanction and row["sanction_retenue"]:
                freins.append("punition ou sanction dans la période")
            if mention.sans_alerte and row["alertes_graves"]:
                freins.append("alerte(s) de la période : " + ", ".join(row["alertes_graves"]))
            nj = row["non_justifiees"] or 0
            if mention.non_justifiees_max is not None and nj > mention.non_justifiees_max:
                freins.append(f"{borne(nj)} demi-journée(s) d'absence non justifiée(s) (au plus "
                              f"{borne(mention.non_justifiees_max)})")
            if freins:
                signaux.append(f"{mention.libelle} écartée : " + " ; ".join(freins))
                continue
            proposee = mention.libelle
            signaux.insert(0, f"{mention.libelle} : " + " ; ".join(raisons or ["aucune condition de moyenne"]))
            break
        lignes.append((row["eleve_id"], proposee, signaux))
    return pl.DataFrame(lignes, schema={"eleve_id": pl.String, "mention": pl.String,
                                        "signaux": pl.List(pl.String)}, orient="row")


def _sanctions_retenues(wh: Warehouse, ids: list[str], annee: str | None, periode: str,
                        au: dt.date) -> set[str]:
    """Les élèves qui ont une punition ou une sanction dans la période, non effacée à la date ``au``
    (``models.alertes.sanction_effacee``, R511-13)."""
    s = wh.sql(
        """SELECT s.eleve_id, s.date, s.nature, s.exclusion FROM sanctions s
           JOIN periodes p ON s.date BETWEEN p.debut AND p.fin
           WHERE p.periode = $p AND ($a IS NULL OR p.annee = $a) AND s.eleve_id IN (SELECT unnest($ids::VARCHAR[]))""",
        params={"p": periode, "a": annee, "ids": ids},
    )
    return {row["eleve_id"] for row in s.iter_rows(named=True)
            if not alertes.sanction_effacee(row["nature"], row["date"], bool(row["exclusion"]), au)}


def alertes_eleve(wh: Warehouse, eleve_id: str, classe: str | None = None) -> pl.DataFrame:
    """Les alertes d'un élève (``models.alertes``, calculées pour sa classe seulement), les plus graves
    d'abord."""
    df = alertes.alertes(wh, classe=classe, eleve=eleve_id)
    return df.sort(alertes.rang_gravite(), "regle", maintain_order=True)


def feuille(wh: Warehouse, classe: str, periode: str, annee: str | None = None, *,
            reglages: Reglages | None = None, au: dt.date | None = None) -> FeuilleConseil:
    """La feuille du conseil de ``classe`` pour (``annee``, ``periode``) ; ``au`` : date de référence des
    alertes (aujourd'hui par défaut)."""
    r = reglages or charger_reglages()
    periodes = lectures.periodes(wh).select("annee", "periode").with_row_index("_rang")
    if annee is None:  # la dernière période de ce nom
        connues = periodes.filter(pl.col("periode") == periode)
        annee = connues["annee"][-1] if connues.height else None
    # Les élèves de la classe **pendant la période** (historique des classes), pas ceux d'aujourd'hui.
    eleves = lectures.eleves_periode(wh, classe, annee, periode).select(
        "eleve_id", (pl.col("nom") + " " + pl.col("prenom")).alias("eleve")
    )
    ids = eleves["eleve_id"].to_list()
    # Une seule lecture de la vue « moyennes » : toutes les périodes de ces élèves, quelle que soit leur
    # classe à chacune (un élève qui a changé de classe garde son évolution d'une année à l'autre). Les
    # chiffres de classe d'une ligne (moyenne, min, max, rang) sont ceux de sa classe à cette période ; ceux
    # du conseil sont donc lus sur les lignes de la période dont la classe est ``classe``.
    toutes = mm.moyennes(wh, eleves=ids, reglages=r)
    courante = toutes.filter(_de_la_periode(annee, periode) & (pl.col("classe") == classe).fill_null(False))
    avant = periode_precedente(wh, annee, periode)
    # La période précédente de chaque élève, dans la classe où il était alors.
    precedentes = (toutes.filter(_de_la_periode(avant.annee, avant.periode)) if avant is not None
                   else toutes.clear())
    evolution = (
        toutes.filter(pl.col("matiere").is_null())
        .join(periodes, on=["annee", "periode"], how="left")
        .sort("_rang", "eleve_id", nulls_last=True)
        .select("eleve_id", "annee", "periode", "moyenne", "moyenne_classe")
    )

    gen = courante.filter(pl.col("matiere").is_null()).select("eleve_id", "moyenne", "rang", "faible_confiance")
    gen_avant = precedentes.filter(pl.col("matiere").is_null()).select("eleve_id", moyenne_avant="moyenne")
    fam = mm.familles(courante).select(
        "eleve_id", "moyenne_general", "moyenne_professionnel", ecart_familles="ecart")
    vie = lectures.vie_scolaire_periode(wh, classe, annee, periode, eleves=ids)
    abs_periode = absences_periode(wh, classe, periode, annee, eleves=ids)
    al = alertes.alertes(wh, classe=classe, reglages=r, au=au, moyennes=toutes)
    al = al.filter(pl.col("eleve_id").is_in(ids))
    de_la_periode = al.filter(_de_la_periode(annee, periode, "periode_scolaire"))
    grave = pl.col("gravite").is_in(["alerte", "attention"])
    sortes = de_la_periode.group_by("eleve_id").agg(
        alertes=pl.col("libelle").unique(maintain_order=True),
        alertes_graves=pl.col("libelle").filter(grave).unique(maintain_order=True),
        nb_alertes=pl.len().cast(pl.Int64),
        alerte_ecart=(pl.col("regle") == "ecart_familles").any(),
    )
    punis = _sanctions_retenues(wh, ids, annee, periode, au or dt.date.today())

    tableau = (
        eleves.join(gen, on="eleve_id", how="left")
        .join(gen_avant, on="eleve_id", how="left")
        .with_columns(variation=pl.col("moyenne") - pl.col("moyenne_avant"))
        .join(fam, on="eleve_id", how="left")
        .join(vie, on="eleve_id", how="left")
        .join(abs_periode, on="eleve_id", how="left")
        .join(sortes, on="eleve_id", how="left")
        .with_columns(
            pl.col("absences").fill_null(0.0), pl.col("non_justifiees").fill_null(0.0),
            pl.col("retards").fill_null(0), pl.col("sanctions").fill_null(0),
            pl.col("nb_alertes").fill_null(0), pl.col("alerte_ecart").fill_null(False),
            pl.col("alertes").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("alertes_graves").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("faible_confiance").fill_null(False),
            pl.col("eleve_id").is_in(list(punis)).alias("sanction_retenue"),
        )
    )
    # La mention compare à la période précédente **de la même année** (models.periodes) : au premier
    # trimestre, pas de progression ; la colonne « Évolution », elle, remonte à l'année passée.
    dans_l_annee = avant if avant is not None and avant.annee == annee else None
    pour_mentions = tableau if dans_l_annee else tableau.with_columns(variation=pl.lit(None, dtype=pl.Float64))
    tableau = (
        tableau.join(proposer_mentions(pour_mentions, r, dans_l_annee), on="eleve_id", how="left")
        .select("eleve_id", "eleve", "moyenne", "variation", "rang", "moyenne_general",
                "moyenne_professionnel", "ecart_familles", "alerte_ecart", "absences", "non_justifiees",
                "retards", "sanctions", "alertes", "nb_alertes", "mention", "signaux", "faible_confiance",
                "sanction_retenue", "alertes_graves")
        .sort("eleve", "eleve_id")
    )
    acc = wh.sql(
        """SELECT eleve_id, list(accompagnement ORDER BY accompagnement) AS dispositifs
           FROM eleves_accompagnement WHERE eleve_id IN (SELECT unnest($ids::VARCHAR[])) GROUP BY eleve_id""",
        {"ids": ids},
    )
    # Une appréciation dont la source ne dit pas l'année (annee vide) est prise pour la période de ce nom.
    appreciations = wh.sql(
        """SELECT eleve_id, matiere, appreciation, source FROM appreciations
           WHERE periode = $p AND ($a IS NULL OR annee IS NULL OR annee = $a)
             AND eleve_id IN (SELECT unnest($ids::VARCHAR[]))
           ORDER BY eleve_id, matiere NULLS FIRST, source""",
        {"p": periode, "a": annee, "ids": ids},
    )
    return FeuilleConseil(
        classe=classe, annee=annee, periode=periode, precedente=avant, tableau=tableau, moyennes=courante,
        precedentes=precedentes, evolution=evolution, alertes=al,
        accompagnement={e: list(d) for e, d in acc.iter_rows()}, appreciations=appreciations,
    )


def tableau_conseil(wh: Warehouse, classe: str, periode: str, annee: str | None = None) -> pl.DataFrame:
    """Le tableau de la feuille du conseil (:func:`feuille`)."""
    return feuille(wh, classe, periode, annee).tableau
