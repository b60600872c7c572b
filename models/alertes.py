"""Les alertes explicables : chaque alerte dit ce qui est mesuré, le seuil, la tendance, la comparaison
avec la classe, qui doit agir et selon quelle procédure, et les lignes qui la fondent (``preuves``).

Règles (identifiants dans ``models/reglages.py``, seuils dans ``models/reglages.toml``) :

- ``absences_mois`` / ``absences_persistance`` : demi-journées non justifiées dans un mois civil
  (≥ 4 : L131-8 et R131-7 du Code de l'éducation ; ≥ 10 : persistance, circulaire 2014-159). Seule la plus
  haute des deux est émise pour un même mois. Les justificatifs en attente ne comptent pas :
  ``justificatifs_en_attente`` les signale à part (``info``).
- ``absenteisme_chronique`` (≥ 10 % des demi-journées de la période, justifiées ou non), ``absences_hausse``
  (d'une période à la suivante, à durée égale), ``absenteisme_perle`` (absences courtes et retards
  répartis sur de nombreuses semaines).
- ``moyenne_basse`` (< 8), ``matieres_sous_moyenne`` (≥ 3 matières < 10), ``baisse_moyenne`` (moyenne
  générale en baisse de ≥ 2 points), ``ecart_familles`` (≥ 4 points entre général et professionnel, dans
  les deux sens). Une moyenne sur moins de 3 notes (« faible confiance ») ne déclenche rien.
- ``comportement`` : punitions et sanctions de la période, hors sanctions effacées du dossier (R511-13 :
  avertissement, blâme et mesure de responsabilisation à la fin de l'année scolaire — le 31 août —,
  exclusions temporaires un an après ; l'exclusion définitive n'est jamais effacée).
- ``competences_insuffisantes`` (plusieurs items en maîtrise insuffisante dans un référentiel, dernière
  évaluation) et ``competences_sans_progres`` (items réévalués sans progrès, restés fragiles).
- ``pix_non_envoye``, ``pix_progression`` (< 50 %), ``pix_terminale`` (< 5 compétences au niveau 1 en terminale).

Les alertes ne lisent que des indicateurs qui changent (notes, absences, comportement, compétences, Pix) :
jamais le drapeau d'accompagnement, le sexe, l'âge ni aucune donnée démographique. Elles ne lisent que les
vues publiques : une connexion filtrée par droits d'accès obtient des alertes filtrées.

**Année, période, mois.** Chaque alerte porte son année scolaire (``annee``) et la période du
calendrier où elle compte (``periode_scolaire``) ; ``periode`` est ce qu'elle mesure : la période, ou le
mois civil (``2025-10``) pour les règles mensuelles d'absentéisme. Un mois à cheval sur deux périodes est
rattaché à la période du jour où le seuil est atteint (la quatrième demi-journée non justifiée du mois,
ou le seuil de justificatifs en attente) : c'est ce jour-là que naît l'obligation d'agir (L131-8), et
l'alerte du mois n'est comptée qu'une fois. Le conseil de classe montre les alertes de sa période
(``models.conseil``).

Vue publique ``alertes`` : les alertes dépendent des réglages de l'utilisateur et de la date du jour
(effacement des sanctions, période en cours) ; elles sont donc calculées à la lecture et publiées par
:func:`publier_alertes` dans une **table temporaire** de la connexion de lecture (possible en lecture
seule), calculée à travers les vues de cette connexion — donc déjà filtrée par le contrôle d'accès. Une
table remplie à l'import figerait des réglages et une date, et contournerait ce filtrage.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from . import absences as abs_
from .formules import neutraliser_cellule
from .nombres import nombre
from .reglages import REGLES, Reglages, charger_reglages
from .sanctions import sanction_effacee  # noqa: F401 (R511-13 : models/sanctions.py)

if TYPE_CHECKING:
    from .warehouse import Warehouse

Gravite = Literal["info", "attention", "alerte"]
#: Les gravités, de la plus grave à la moins grave, avec leur libellé : l'ordre de tous les tris d'alertes.
GRAVITES: dict[str, str] = {"alerte": "Alerte", "attention": "Attention", "info": "Information"}
ORDRE_GRAVITE = {g: i for i, g in enumerate(GRAVITES)}


def rang_gravite(colonne: str = "gravite") -> pl.Expr:
    """Clé de tri des alertes, la plus grave d'abord (une gravité inconnue après les autres)."""
    return pl.col(colonne).replace_strict(ORDRE_GRAVITE, default=len(ORDRE_GRAVITE), return_dtype=pl.Int64)

SCHEMA: dict[str, Any] = {
    "eleve_id": pl.String, "nom": pl.String, "prenom": pl.String, "classe": pl.String,
    "regle": pl.String, "libelle": pl.String, "annee": pl.String, "periode": pl.String, "periode_scolaire": pl.String,
    "gravite": pl.String,
    "valeur": pl.Float64, "seuil": pl.Float64, "tendance": pl.String, "comparaison_classe": pl.String,
    "acteur": pl.String, "procedure": pl.String, "explication": pl.String, "preuves": pl.String,
}

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")


# --- Mise en forme française --------------------------------------------------------------------------


def fr(x: float | None, decimales: int = 2) -> str:
    """``12.5`` → ``12,50`` ; ``8.666`` → ``8,67`` ; ``4.0`` → ``4`` (un compte de demi-journées reste
    entier) : l'arrondi et l'écriture de ``models.nombres``, ceux des tableaux."""
    return nombre(x, decimales, milliers=False, entier_nu=True)


def fr_date(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def fr_mois(d: dt.date) -> str:
    return f"{MOIS[d.month - 1]} {d.year}"


def pct(x: float) -> str:
    return f"{fr(100 * x, 1)} %"


def _pluriel(n: float, mot: str, pluriel: str | None = None) -> str:
    return f"{fr(n)} {mot if abs(n) < 2 else (pluriel or mot + 's')}"


# --- Contexte et construction -------------------------------------------------------------------------


@dataclass
class _Ctx:
    wh: "Warehouse"
    r: Reglages
    au: dt.date
    #: Les élèves examinés (ceux de la classe ``classe``, ou tous) : identifiant → (nom, prénom, classe).
    eleves: dict[str, tuple[str | None, str | None, str | None]]
    #: Les identifiants à garder parmi ceux de la classe (``moyennes`` fourni : ses élèves), ou None.
    restreints: set[str] | None = None
    #: Les périodes de l'établissement (annee, periode, debut, fin), pour rattacher un jour à sa période.
    periodes: list[tuple[str, str, dt.date, dt.date]] = field(default_factory=list)
    #: La classe examinée (None : tout l'établissement) ; chaque règle filtre ses requêtes par elle.
    classe: str | None = None
    _precedentes: pl.DataFrame | None = None

    def periode_de(self, jour: dt.date) -> tuple[str | None, str | None]:
        """(année scolaire, période) qui contient ``jour`` ; (None, None) hors de toute période."""
        for annee, periode, debut, fin in self.periodes:
            if debut <= jour <= fin:
                return annee, periode
        return None, None

    def portee(self, colonne: str = "eleve_id") -> str:
        """Le filtre SQL des élèves examinés sur ``colonne`` (paramètre ``$portee``, voir :meth:`params`)."""
        if self.classe is None:
            return "TRUE"
        return f"({colonne} IN (SELECT eleve_id FROM eleves WHERE classe = $portee))"

    def params(self, **autres: Any) -> dict[str, Any]:
        return {**autres, **({"portee": self.classe} if self.classe is not None else {})}

    def classes(self) -> pl.DataFrame:
        """eleve_id, classe des élèves examinés."""
        return pl.DataFrame({"eleve_id": list(self.eleves), "classe": [v[2] for v in self.eleves.values()]},
                            schema={"eleve_id": pl.String, "classe": pl.String})

    def precedentes(self) -> pl.DataFrame:
        """``models.periodes.precedentes(meme_annee=True)``, lue une fois par calcul (elle relit les notes)."""
        if self._precedentes is None:
            from .periodes import precedentes

            self._precedentes = precedentes(self.wh, meme_annee=True)
        return self._precedentes

    def alerte(
        self,
        eleve_id: str,
        regle: str,
        *,
        periode: str | None,
        annee: str | None = None,
        periode_scolaire: str | None = None,
        gravite: Gravite,
        valeur: float,
        seuil: float,
        explication: str,
        acteur: str,
        procedure: str,
        preuves: Any,
        tendance: str | None = None,
        comparaison_classe: str | None = None,
    ) -> dict[str, Any]:
        nom, prenom, classe = self.eleves.get(eleve_id, _INCONNU)
        return {
            "eleve_id": eleve_id, "nom": nom, "prenom": prenom, "classe": classe,
            "regle": regle, "libelle": self.r.libelle(regle), "annee": annee, "periode": periode,
            "periode_scolaire": periode_scolaire or periode,
            "gravite": gravite,
            "valeur": float(valeur), "seuil": float(seuil), "tendance": tendance,
            "comparaison_classe": comparaison_classe, "acteur": acteur, "procedure": procedure,
            "explication": explication,
            "preuves": preuves if isinstance(preuves, _JsonSql) else _DUMPS(preuves),
        }

    def qui(self, eleve_id: str) -> str:
        e = self.eleves.get(eleve_id)
        return eleve_id.strip() if e is None else f"{e[1]} {e[0]}".strip()

    def de_qui(self, eleve_id: str) -> str:
        """« de Paul MARTIN », « d'Assia MOREAU » (élision devant une voyelle ou un h muet)."""
        nom = self.qui(eleve_id)
        return f"d'{nom}" if nom[:1].lower() in "aeiouyhàâéèêëîïôöûüœ" else f"de {nom}"


_INCONNU: tuple[None, None, None] = (None, None, None)


def _json(x: Any) -> Any:
    if isinstance(x, dt.datetime):
        return x.strftime("%d/%m/%Y %H:%M")
    if isinstance(x, dt.date):
        return fr_date(x)
    return str(x)


#: Le JSON des preuves (``json.dumps(…, ensure_ascii=False, default=_json)``), encodeur construit une fois.
_DUMPS = json.JSONEncoder(ensure_ascii=False, default=_json).encode


class _JsonSql(str):
    """Des preuves déjà écrites en JSON par DuckDB (:func:`_objet_json`), gardées telles quelles."""


def _objet_json(champs: list[tuple[str, str, str]]) -> str:
    """L'expression SQL qui écrit un objet JSON exactement comme :data:`_DUMPS` : ``champs`` = (clé,
    expression, sorte) avec sorte ``texte`` (``to_json``), ``nombre`` (un DOUBLE s'écrit en SQL comme le
    ``repr`` de Python : 12.5, 20.0, 0.3333333333333333, 1e-05), ``booleen`` ou ``date`` (jj/mm/aaaa).
    Les preuves d'une moyenne basse (toutes ses notes) pèsent plus que le reste de l'alerte : les écrire
    en SQL évite de convertir puis d'encoder des centaines de milliers de dictionnaires en Python."""
    morceaux = []
    for cle, x, sorte in champs:
        if sorte == "texte":
            v = f"coalesce(to_json({x}), 'null')"
        elif sorte == "nombre":
            v = (f"CASE WHEN {x} IS NULL THEN 'null' WHEN isfinite({x}) THEN CAST({x} AS VARCHAR) "
                 f"WHEN isnan({x}) THEN 'NaN' WHEN {x} > 0 THEN 'Infinity' ELSE '-Infinity' END")
        elif sorte == "booleen":
            v = f"CASE WHEN {x} IS NULL THEN 'null' WHEN {x} THEN 'true' ELSE 'false' END"
        elif sorte == "date":
            v = f"coalesce('\"' || strftime({x}, '%d/%m/%Y') || '\"', 'null')"
        else:
            raise ValueError(sorte)
        morceaux.append(f"'{json.dumps(cle)}: ' || {v}")
    return "'{' || " + " || ', ' || ".join(morceaux) + " || '}'"


def _avec_precedente(ctx: _Ctx, df: pl.DataFrame, par: list[str], colonnes: list[str], *,
                     suffixe: str = "_precedente") -> pl.DataFrame:
    """``models.periodes.avec_precedente(…, meme_annee=True)`` sur les périodes lues une fois (:meth:`_Ctx.precedentes`)."""
    sortie = df.join(ctx.precedentes(), on=["annee", "periode"], how="left", maintain_order="left")
    avant = df.select(
        *par, pl.col("annee").alias("annee_precedente"), pl.col("periode").alias("periode_precedente"),
        *(pl.col(c).alias(f"{c}{suffixe}") for c in colonnes),
    )
    return sortie.join(avant, on=[*par, "annee_precedente", "periode_precedente"], how="left",
                       maintain_order="left")


def _tendance(avant: float | None, maintenant: float, unite: str = "", hausse_mauvaise: bool = True,
              quand: str = " avant") -> str | None:
    """« en hausse (3 avant) » ; ``quand`` nomme le point de comparaison (« le mois précédent »)."""
    if avant is None:
        return None
    if abs(maintenant - avant) < 1e-9:
        sens = "stable"
    else:
        sens = "en hausse" if maintenant > avant else "en baisse"
    return f"{sens} ({fr(avant)}{unite}{quand})"


# --- 1 et 2. Absences ---------------------------------------------------------------------------------

_PROC_4 = (
    "Dialogue avec l'élève et sa famille (entretien avec le CPE), réunion de l'équipe éducative ou "
    "commission éducative, puis signalement au DASEN par le chef d'établissement "
    "(Code de l'éducation, L131-8 et R131-7)."
)
_PROC_10 = (
    "Absentéisme persistant : le chef d'établissement informe le DASEN, qui peut adresser un avertissement "
    "aux responsables légaux et les convoquer ; un personnel d'éducation référent accompagne l'élève "
    "(circulaire n° 2014-159 du 24 décembre 2014)."
)


def _absences_mois(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.absences
    # Le compte du mois civil (L131-8) : celui de models.absences (_PAR_MOIS), compté en SQL pour les seuls
    # élèves examinés ; les listes de jours et de demi-journées (les preuves) ne sont construites que pour
    # les élèves × mois qui déclenchent une alerte, le mois précédent lu par une jointure.
    par_mois = ctx.wh.sql(
        f"""
        WITH {abs_.creneaux_de(ctx.portee())},
        cr AS MATERIALIZED (SELECT * FROM creneaux),
        n AS (
            SELECT eleve_id, date_trunc('month', jour)::DATE AS mois,
                   (count(*) FILTER (WHERE statut = 'non_justifiee'))::INTEGER AS nj,
                   (count(*) FILTER (WHERE statut = 'en_attente'))::INTEGER AS att
            FROM cr GROUP BY ALL
        ),
        e AS (SELECT eleve_id, classe FROM eleves WHERE {ctx.portee()}),
        totaux AS (SELECT e.classe, n.mois, sum(n.nj)::BIGINT AS total FROM n LEFT JOIN e USING (eleve_id) GROUP BY ALL),
        candidats AS (
            SELECT n.*, e.classe, avant.nj AS nj_avant
            FROM n LEFT JOIN e USING (eleve_id)
            LEFT JOIN n avant ON avant.eleve_id = n.eleve_id AND avant.mois = (n.mois - INTERVAL 1 MONTH)::DATE
            WHERE n.nj >= least($seuil_mois, $seuil_persistance) OR n.att >= $seuil_attente
        ),
        listes AS (
            SELECT eleve_id, date_trunc('month', jour)::DATE AS mois,
                   list(DISTINCT jour ORDER BY jour) FILTER (WHERE statut = 'non_justifiee') AS jours,
                   list({{'jour': jour, 'demi': demi, 'statut': statut}} ORDER BY jour, demi DESC)
                       FILTER (WHERE statut IN ('non_justifiee', 'en_attente')) AS creneaux
            FROM cr SEMI JOIN candidats k ON k.eleve_id = cr.eleve_id AND k.mois = date_trunc('month', cr.jour)::DATE
            GROUP BY ALL
        )
        SELECT c.eleve_id, c.mois, c.nj, c.att, c.classe, c.nj_avant, l.jours, l.creneaux, t.total
        FROM candidats c JOIN listes l USING (eleve_id, mois)
        LEFT JOIN totaux t ON t.classe IS NOT DISTINCT FROM c.classe AND t.mois = c.mois
        ORDER BY c.eleve_id, c.mois
        """,
        params=ctx.params(midi=r.heure_demi_journee, par_semaine=r.demi_journees_par_semaine,
                          seuil_mois=r.seuil_mois_non_justifiees, seuil_persistance=r.seuil_persistance,
                          seuil_attente=r.seuil_en_attente),
    )
    if par_mois.is_empty():
        return []
    effectifs: dict[str | None, int] = {}
    for _, _, cl in ctx.eleves.values():
        effectifs[cl] = effectifs.get(cl, 0) + 1
    total_classe = {(row[0], row[1]): row[2] for row in par_mois.select("classe", "mois", "total").iter_rows()}
    out = []
    for row in par_mois.iter_rows(named=True):
        eid, mois, nj, att = row["eleve_id"], row["mois"], row["nj"], row["att"]
        creneaux = row["creneaux"] or []
        mois_txt = fr_mois(mois)
        tendance = _tendance(row["nj_avant"] or 0, nj, quand=" le mois précédent")
        effectif = effectifs.get(row["classe"], 1)
        comparaison = (
            f"{fr(total_classe.get((row['classe'], mois), 0) / effectif)} demi-journée(s) non justifiée(s) "
            f"par élève en moyenne dans la classe"
        )
        nj_lignes = [x for x in creneaux if x["statut"] == "non_justifiee"]  # par jour, matin d'abord
        regle = abs_.regle_mensuelle(nj, ctx.r)
        if regle is not None:
            persistant = regle == "absences_persistance"
            seuil = abs_.seuil_regle(regle, ctx.r)
            jours = row["jours"]
            # Un mois à cheval sur deux périodes est rattaché à celle du jour où le seuil est atteint (la
            # seuil-ième demi-journée non justifiée du mois) : c'est ce jour-là que naît l'obligation
            # d'agir (L131-8), et l'alerte n'est comptée qu'une fois.
            annee_p, periode_p = ctx.periode_de(nj_lignes[seuil - 1]["jour"])
            attente = f" ; {_pluriel(att, 'autre demi-journée')} en attente de justificatif, non comptée(s)" if att else ""
            out.append(ctx.alerte(
                eid, regle, periode=mois.strftime("%Y-%m"), annee=annee_p, periode_scolaire=periode_p, gravite="alerte",
                valeur=nj, seuil=seuil,
                explication=(
                    f"{ctx.qui(eid)} a {_pluriel(nj, 'demi-journée')} d'absence non justifiée(s) en {mois_txt} "
                    f"(seuil : {seuil}), les {', '.join(fr_date(j) for j in jours)}{attente}."
                ),
                acteur="Chef d'établissement, CPE" if not persistant else "Chef d'établissement, CPE, DASEN",
                procedure=_PROC_10 if persistant else _PROC_4,
                preuves=nj_lignes,
                tendance=tendance, comparaison_classe=comparaison,
            ))
        if att >= r.seuil_en_attente:
            en_attente = [x for x in creneaux if x["statut"] == "en_attente"]
            annee_p, periode_p = ctx.periode_de(en_attente[r.seuil_en_attente - 1]["jour"])
            out.append(ctx.alerte(
                eid, "justificatifs_en_attente", periode=mois.strftime("%Y-%m"), annee=annee_p, periode_scolaire=periode_p,
                gravite="info", valeur=att,
                seuil=r.seuil_en_attente,
                explication=(
                    f"{ctx.qui(eid)} a {_pluriel(att, 'demi-journée')} d'absence en attente de justificatif en "
                    f"{mois_txt} : elles ne comptent pas comme non justifiées tant que l'établissement n'a pas tranché."
                ),
                acteur="Vie scolaire (CPE)",
                procedure="Relancer la famille pour obtenir le justificatif, puis régler l'absence dans Pronote.",
                preuves=en_attente,
            ))
    return out


def _absences_periodes(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.absences
    t = abs_.taux_periode_eleves(ctx.wh, au=ctx.au, reglages=ctx.r, classe=ctx.classe).sort("eleve_id", "annee", "debut")
    # La période précédente de la même année, sur la même ligne ; puis un premier tri en Polars, un peu
    # large (1e-9 : la décision exacte reste celle de la boucle), pour ne parcourir en Python que les
    # lignes qui peuvent donner une alerte.
    cols = ("periode", "brutes", "non_justifiees", "en_attente", "justifiees", "demi_journees_classe", "taux")
    t = _avec_precedente(ctx, t, ["eleve_id"], list(cols[1:]), suffixe="_prec").with_columns(
        pl.col(f"{c}_prec").alias(f"prec_{c}") for c in cols[1:]
    ).with_columns(prec_periode=pl.when(pl.col("prec_brutes").is_not_null()).then(pl.col("periode_precedente")))
    attendu = pl.col("prec_brutes") * pl.col("demi_journees_classe") / pl.col("prec_demi_journees_classe")
    t = t.filter(
        (pl.col("demi_journees_classe") >= 2 * r.demi_journees_par_semaine)
        & ((pl.col("taux") >= r.taux_chronique - 1e-9)
           | ((pl.col("prec_demi_journees_classe") > 0)
              & (pl.col("brutes") - attendu >= r.hausse_min_demi_journees - 1e-9)
              & (pl.col("brutes") >= r.hausse_facteur * attendu - 1e-9)))
    )
    out = []
    for row in t.iter_rows(named=True):
        eid = row["eleve_id"]
        prec = {c: row[f"prec_{c}"] for c in cols} if row["prec_periode"] is not None else None
        dj, brutes = row["demi_journees_classe"], row["brutes"]
        if not dj or dj < 2 * r.demi_journees_par_semaine:  # moins de deux semaines écoulées : trop tôt
            continue
        preuve = {k: row[k] for k in ("periode", "brutes", "non_justifiees", "en_attente", "justifiees",
                                       "demi_journees_classe")}
        if row["taux"] >= r.taux_chronique:
            out.append(ctx.alerte(
                eid, "absenteisme_chronique", periode=row["periode"], annee=row["annee"], gravite="attention", valeur=row["taux"],
                seuil=r.taux_chronique,
                explication=(
                    f"{ctx.qui(eid)} a manqué {_pluriel(brutes, 'demi-journée')} sur {fr(dj)} en "
                    f"{row['periode']} ({pct(row['taux'])}, seuil {pct(r.taux_chronique)}), justifiées ou non."
                ),
                acteur="CPE, professeur principal",
                procedure=(
                    "Entretien avec l'élève et sa famille ; chercher la cause avec l'infirmier(ère), "
                    "l'assistant(e) social(e) et le psychologue de l'Éducation nationale ; saisir le GPDS si besoin."
                ),
                preuves=[preuve],
                tendance=_tendance(prec["taux"] * 100, row["taux"] * 100, " %") if prec else None,
                comparaison_classe=f"taux moyen de la classe : {pct(row['taux_classe'])}",
            ))
        if prec and prec["demi_journees_classe"]:
            attendu = prec["brutes"] * dj / prec["demi_journees_classe"]  # même durée que la période en cours
            if brutes - attendu >= r.hausse_min_demi_journees and brutes >= r.hausse_facteur * attendu:
                out.append(ctx.alerte(
                    eid, "absences_hausse", periode=row["periode"], annee=row["annee"], gravite="attention", valeur=brutes,
                    seuil=r.hausse_facteur * attendu,
                    explication=(
                        f"Les absences {ctx.de_qui(eid)} augmentent : {_pluriel(brutes, 'demi-journée')} en "
                        f"{row['periode']} contre {fr(prec['brutes'])} en {prec['periode']}"
                        + (" (ramené à la même durée : " + fr(attendu) + ")." if abs(attendu - prec["brutes"]) > 0.01 else ".")
                    ),
                    acteur="CPE, professeur principal",
                    procedure="Contacter la famille rapidement ; une hausse brutale précède souvent un décrochage.",
                    preuves=[{k: prec[k] for k in preuve}, preuve],
                    tendance=_tendance(prec["brutes"], brutes),
                    comparaison_classe=f"taux moyen de la classe : {pct(row['taux_classe'])}",
                ))
    return out


def _absenteisme_perle(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.absences
    # Les comptes par élève × période, la moyenne de la classe et les événements des seuls élèves en alerte
    # (les preuves), en SQL : seules les lignes en alerte sortent de DuckDB (lire tous les événements d'une
    # académie en Polars coûtait 1,6 s de calcul). La classe et l'effectif sont ceux des élèves examinés.
    g = ctx.wh.sql(
        f"""
        WITH ev AS (
            SELECT eleve_id, debut AS moment, 'absence courte' AS nature,
                   date_diff('minute', debut, fin) AS minutes
            FROM absences WHERE date_diff('minute', debut, fin) <= $max * 60 AND {ctx.portee()}
            UNION ALL
            SELECT eleve_id, date, 'retard', minutes FROM retards WHERE {ctx.portee()}
        ),
        evp AS (
            SELECT ev.*, p.annee, p.periode, date_trunc('week', ev.moment)::DATE AS semaine
            FROM ev JOIN periodes p ON ev.moment::DATE BETWEEN p.debut AND p.fin
        ),
        e AS (SELECT eleve_id, classe FROM eleves WHERE {ctx.portee()}),
        effectifs AS (SELECT classe, count(*) AS effectif FROM e GROUP BY classe),
        g AS (
            SELECT evp.eleve_id, evp.annee, evp.periode, any_value(e.classe) AS classe, count(*) AS n,
                   count(DISTINCT evp.semaine) AS semaines, count(*) FILTER (WHERE evp.nature = 'retard') AS retards
            FROM evp LEFT JOIN e USING (eleve_id) GROUP BY evp.eleve_id, evp.annee, evp.periode
        ),
        classes AS (
            SELECT g.classe, g.annee, g.periode, sum(g.n) / any_value(f.effectif) AS moyenne_classe
            FROM g JOIN effectifs f ON f.classe = g.classe GROUP BY ALL
        ),
        alertes AS (SELECT * FROM g WHERE semaines >= $semaines AND n >= $evenements),
        preuves AS (
            SELECT eleve_id, annee, periode,
                   list({{'moment': moment, 'nature': nature, 'minutes': minutes}} ORDER BY moment) AS lignes
            FROM evp SEMI JOIN alertes a USING (eleve_id, annee, periode) GROUP BY ALL
        )
        SELECT a.*, coalesce(c.moyenne_classe, 0) AS moyenne_classe, p.lignes
        FROM alertes a JOIN preuves p USING (eleve_id, annee, periode)
        LEFT JOIN classes c ON c.classe = a.classe AND c.annee = a.annee AND c.periode = a.periode
        ORDER BY a.eleve_id, a.annee, a.periode
        """,
        params=ctx.params(max=r.perle_duree_max_heures, semaines=r.perle_semaines, evenements=r.perle_evenements),
    )
    out = []
    for row in g.iter_rows(named=True):
        eid = row["eleve_id"]
        out.append(ctx.alerte(
            eid, "absenteisme_perle", periode=row["periode"], annee=row["annee"], gravite="attention", valeur=row["semaines"],
            seuil=r.perle_semaines,
            explication=(
                f"{ctx.qui(eid)} cumule {row['n']} absences courtes ou retards ({row['retards']} retard(s)) "
                f"répartis sur {row['semaines']} semaines différentes en {row['periode']} "
                f"(seuil : {r.perle_semaines} semaines, {r.perle_evenements} événements)."
            ),
            acteur="CPE",
            procedure=(
                "Faire le point avec l'élève et sa famille : des absences courtes et des retards répétés, "
                "même justifiés, pèsent sur les apprentissages et annoncent parfois un décrochage."
            ),
            preuves=row["lignes"],
            comparaison_classe=(
                f"{fr(row['moyenne_classe'])} absence(s) courte(s) ou retard(s) par élève en moyenne dans la classe"
            ),
        ))
    return out


# --- 3. Notes -----------------------------------------------------------------------------------------


#: Les moyennes que lisent les règles de notes : la table tenue à jour (vue ``moyennes``) des élèves
#: examinés, avec la famille de ``notes.matieres_professionnelles`` et la confiance (moins de
#: ``notes.nb_notes_min`` notes) — les colonnes de ``models.moyennes.moyennes_calculees``, sans tout lire.
#: Sans jointure aux élèves : chaque ligne de ``moyennes`` est celle d'un élève de la vue ``eleves`` (le
#: calcul part de ``t_classes_actuelles``, et ``models/acces.py`` restreint les deux vues aux mêmes élèves) ;
#: la jointure coûtait 4 s de calcul sur les 10,5 M de moyennes d'une académie. ``NOT MATERIALIZED`` :
#: chaque règle relit la table avec ses propres filtres, que DuckDB descend jusqu'à la lecture, au lieu de
#: garder toutes les moyennes en mémoire pour les règles qui la lisent deux fois.
_MOYENNES_ALERTES = """
m AS NOT MATERIALIZED (
    SELECT m.eleve_id, m.classe, m.annee, m.periode, m.matiere,
           CASE WHEN list_contains($pro::VARCHAR[], m.matiere) THEN 'professionnel' ELSE m.famille END AS famille,
           m.coefficient, m.moyenne, m.nb_notes, m.moyenne_classe, m.min_classe, m.max_classe,
           m.nb_notes < $min AS faible_confiance
    FROM moyennes m
    WHERE {portee}
),
prec AS (SELECT * FROM precedentes_alertes)"""


def _notes(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.notes
    # Chaque règle est une requête sur la table des moyennes tenue à jour à l'import (models/precalcul.py) :
    # seules les lignes qui déclenchent une alerte sortent de DuckDB.
    portee = ctx.portee("m.eleve_id")
    if ctx.restreints is not None:  # ``moyennes`` fourni par l'appelant : ses seuls élèves
        portee += " AND list_contains($restreints::VARCHAR[], m.eleve_id)"
    cte = _MOYENNES_ALERTES.format(portee=portee)
    params = ctx.params(min=r.nb_notes_min, pro=list(r.matieres_professionnelles),
                        **({} if ctx.restreints is None else {"restreints": sorted(ctx.restreints)}))
    ctx.wh.con.register("precedentes_alertes", ctx.precedentes())
    try:
        return _notes_sql(ctx, cte, params, portee)
    finally:
        ctx.wh.con.unregister("precedentes_alertes")


def _familles_declarees(ctx: _Ctx) -> bool:
    """Vrai si chaque matière de ``notes.matieres_professionnelles`` est déclarée professionnelle (vue
    ``matieres``) : la famille qu'y lit l'écart entre familles est alors celle des moyennes gardées, et les
    sommes par famille tenues à jour à l'import (vue ``moyennes_familles``) donnent ses deux moyennes. Sinon
    (une matière que seuls les réglages disent professionnelle), les moyennes de matière sont regroupées à
    la lecture avec la famille des réglages : même résultat, plus lent."""
    pro = list(ctx.r.notes.matieres_professionnelles)
    return not pro or ctx.wh.valeur(
        "SELECT count(DISTINCT matiere) FROM matieres WHERE famille = 'professionnel' AND list_contains($pro::VARCHAR[], matiere)",
        {"pro": pro}) == len(set(pro))


#: L'écart entre familles lu dans les sommes tenues à jour (vue ``moyennes_familles``) : les colonnes et
#: l'ordre de la requête qui regroupe les moyennes de matière (:func:`_notes_sql`).
_ECART_FAMILLES_TENU = """
        WITH f AS (
            SELECT eleve_id, annee, periode, classe,
                   CASE WHEN coefficients_general <> 0 THEN points_general / coefficients_general END AS moyenne_general,
                   CASE WHEN coefficients_professionnel <> 0 THEN points_professionnel / coefficients_professionnel
                        END AS moyenne_professionnel,
                   nb_notes_general, nb_notes_professionnel
            FROM moyennes_familles m
            WHERE {portee} AND nb_notes_general >= $n AND nb_notes_professionnel >= $n
        )
        SELECT f.*, e.nom, e.prenom, moyenne_general - moyenne_professionnel AS ecart FROM f JOIN eleves e USING (eleve_id)
        WHERE abs(moyenne_general - moyenne_professionnel) >= $seuil
        ORDER BY f.classe NULLS LAST, f.annee NULLS LAST, f.periode NULLS LAST, e.nom NULLS LAST,
                 e.prenom NULLS LAST, f.eleve_id NULLS LAST
        """


def _notes_sql(ctx: _Ctx, cte: str, params: dict[str, Any], portee: str) -> list[dict[str, Any]]:
    r = ctx.r.notes
    out = []
    preuve_note = _objet_json([
        ("date", "n.date", "date"), ("matiere", "n.matiere", "texte"), ("devoir", "n.devoir", "texte"),
        ("valeur", "n.valeur", "nombre"), ("bareme", "n.bareme", "nombre"), ("coefficient", "n.coefficient", "nombre"),
        ("statut", "n.statut", "texte"), ("bonus", "n.bonus", "booleen"), ("facultatif", "n.facultatif", "booleen"),
    ])

    def fiable(alias: str = "") -> str:
        return f"{alias}matiere IS NOT NULL AND NOT {alias}faible_confiance"

    # moyenne_basse : la moyenne de la même matière à la période précédente (même année, fiable) pour la
    # tendance, et les notes derrière chaque moyenne basse (les preuves), dans la même requête.
    basses = ctx.wh.sql(
        f"""
        WITH {cte},
        basses0 AS MATERIALIZED (SELECT * FROM m WHERE {fiable()} AND moyenne < $seuil),
        -- la moyenne d'avant, lue pour les seuls élèves concernés (jointe à toutes les moyennes : 4,6 s de
        -- calcul à 100 établissements)
        avant AS (
            SELECT eleve_id, matiere, annee, periode, moyenne FROM m
            WHERE {fiable()} AND eleve_id IN (SELECT eleve_id FROM basses0)
        ),
        basses AS (
            SELECT b.*, pe.debut, prec.periode_precedente, a.moyenne AS avant
            FROM basses0 b LEFT JOIN periodes pe USING (annee, periode)
            LEFT JOIN prec USING (annee, periode)
            LEFT JOIN avant a ON a.eleve_id = b.eleve_id AND a.matiere = b.matiere AND a.annee = prec.annee_precedente
                 AND a.periode = prec.periode_precedente
        ),
        preuves AS (
            SELECT b.eleve_id, b.annee, b.periode, b.matiere,
                   '[' || string_agg({preuve_note}, ', ' ORDER BY n.date, n.devoir_id) || ']' AS preuves
            -- les notes des seuls élèves en alerte, filtrées avant la jointure (sinon toutes les notes sont
            -- jointes à leurs devoirs) : 2 à 3 fois moins de calcul
            FROM basses b JOIN (SELECT * FROM notes WHERE eleve_id IN (SELECT eleve_id FROM basses)) n
                 ON n.eleve_id = b.eleve_id AND n.periode = b.periode AND n.annee = b.annee
            LEFT JOIN matieres mt ON mt.matiere = n.matiere
            WHERE coalesce(mt.service, trim(split_part(n.matiere, '>', 1))) = b.matiere
            GROUP BY ALL
        )
        SELECT b.*, p.preuves FROM basses b LEFT JOIN preuves p USING (eleve_id, annee, periode, matiere)
        ORDER BY b.eleve_id, b.annee, b.debut NULLS FIRST, b.periode, b.matiere
        """,
        params={**params, "seuil": r.seuil_matiere},
    )
    for row in basses.iter_rows(named=True):
        eid = row["eleve_id"]
        out.append(ctx.alerte(
            eid, "moyenne_basse", periode=row["periode"], annee=row["annee"], gravite="attention", valeur=row["moyenne"],
            seuil=r.seuil_matiere,
            explication=(
                f"{ctx.qui(eid)} a {fr(row['moyenne'])} de moyenne en {row['matiere']} en {row['periode']} "
                f"(sur {row['nb_notes']} notes ; seuil : {fr(r.seuil_matiere)} ; classe : {fr(row['moyenne_classe'])})."
            ),
            acteur=f"Professeur de {row['matiere']}, professeur principal",
            procedure=(
                "Échanger avec l'élève ; proposer un accompagnement (aide aux devoirs, tutorat, PPRE) et en "
                "informer la famille."
            ),
            preuves=_JsonSql(row["preuves"] or "[]"),
            tendance=_tendance(row["avant"], row["moyenne"], quand=" la période précédente"),
            comparaison_classe=f"moyenne de la classe : {fr(row['moyenne_classe'])} (min {fr(row['min_classe'])}, max {fr(row['max_classe'])})",
        ))
    # matieres_sous_moyenne : le nombre de matières sous la moyenne par élève et période, et leur total par
    # classe (la comparaison) ; l'effectif est celui des élèves examinés de la classe.
    sous = ctx.wh.sql(
        f"""
        WITH {cte},
        sous AS (
            SELECT eleve_id, annee, periode, classe, count(*)::INTEGER AS n,
                   list({{'matiere': matiere, 'moyenne': moyenne, 'nb_notes': nb_notes}} ORDER BY moyenne, matiere) AS liste
            FROM m WHERE {fiable()} AND moyenne < $seuil GROUP BY ALL
        ),
        totaux AS (SELECT classe, annee, periode, sum(n)::BIGINT AS total FROM sous GROUP BY ALL)
        SELECT s.*, t.total FROM sous s JOIN totaux t ON t.classe IS NOT DISTINCT FROM s.classe
            AND t.annee IS NOT DISTINCT FROM s.annee AND t.periode IS NOT DISTINCT FROM s.periode
        WHERE s.n >= $nb ORDER BY s.eleve_id NULLS FIRST, s.periode NULLS FIRST, s.annee NULLS FIRST
        """,
        params={**params, "seuil": r.seuil_moyenne, "nb": r.nb_matieres_sous_moyenne},
    )
    effectif_de: dict[str | None, int] = {}
    for _, _, cl in ctx.eleves.values():
        effectif_de[cl] = effectif_de.get(cl, 0) + 1
    for row in sous.iter_rows(named=True):
        eid = row["eleve_id"]
        liste = row["liste"]
        effectif = effectif_de.get(row["classe"], 0) or 1
        out.append(ctx.alerte(
            eid, "matieres_sous_moyenne", periode=row["periode"], annee=row["annee"], gravite="attention", valeur=row["n"],
            seuil=r.nb_matieres_sous_moyenne,
            explication=(
                f"{ctx.qui(eid)} est sous {fr(r.seuil_moyenne)} dans {row['n']} matières en {row['periode']} : "
                + ", ".join(f"{x['matiere']} {fr(x['moyenne'])}" for x in liste) + "."
            ),
            acteur="Professeur principal, équipe pédagogique",
            procedure="Faire le point en équipe pédagogique ; envisager un PPRE ou un tutorat ; rencontrer la famille.",
            preuves=liste,
            comparaison_classe=f"{fr(row['total'] / effectif)} matière(s) sous {fr(r.seuil_moyenne)} par élève en moyenne dans la classe",
        ))
    # baisse_moyenne : la moyenne générale de la période précédente de la même année, les deux fiables.
    baisses = ctx.wh.sql(
        f"""
        WITH {cte}
        SELECT g.eleve_id, g.annee, g.periode, g.moyenne, g.moyenne_classe, a.moyenne AS avant,
               prec.periode_precedente AS periode_avant, a.moyenne - g.moyenne AS baisse
        FROM m g LEFT JOIN periodes pe USING (annee, periode)
        JOIN prec USING (annee, periode)
        JOIN m a ON a.eleve_id = g.eleve_id AND a.annee = prec.annee_precedente
             AND a.periode = prec.periode_precedente AND a.matiere IS NULL
        WHERE g.matiere IS NULL AND g.faible_confiance IS NOT TRUE AND a.faible_confiance IS FALSE
          AND a.moyenne - g.moyenne >= $seuil
        ORDER BY g.eleve_id, g.annee, pe.debut NULLS FIRST
        """,
        params={**params, "seuil": r.baisse_generale},
    )
    for row in baisses.iter_rows(named=True):
        baisse = row["baisse"]
        eid = row["eleve_id"]
        out.append(ctx.alerte(
            eid, "baisse_moyenne", periode=row["periode"], annee=row["annee"], gravite="attention", valeur=baisse,
            seuil=r.baisse_generale,
            explication=(
                f"La moyenne générale {ctx.de_qui(eid)} passe de {fr(row['avant'])} en {row['periode_avant']} "
                f"à {fr(row['moyenne'])} en {row['periode']} (−{fr(baisse)} points ; seuil : {fr(r.baisse_generale)})."
            ),
            acteur="Professeur principal",
            procedure="Entretien avec l'élève et la famille ; chercher la cause (absences, difficultés, situation personnelle).",
            preuves=[{"periode": row["periode_avant"], "moyenne": row["avant"]},
                     {"periode": row["periode"], "moyenne": row["moyenne"]}],
            tendance=_tendance(row["avant"], row["moyenne"]),
            comparaison_classe=f"moyenne générale de la classe : {fr(row['moyenne_classe'])}",
        ))
    # ecart_familles : les moyennes générale et professionnelle (models.moyennes.familles), en SQL.
    n_min = r.nb_notes_min
    tenues = _familles_declarees(ctx)
    fam = ctx.wh.sql(
        _ECART_FAMILLES_TENU.format(portee=portee) if tenues else f"""
        WITH {cte},
        f AS (
            SELECT eleve_id, annee, periode, first(classe) AS classe,
                   CASE WHEN sum(coefficient) FILTER (WHERE famille = 'general') <> 0
                        THEN sum(coefficient * moyenne) FILTER (WHERE famille = 'general')
                             / sum(coefficient) FILTER (WHERE famille = 'general') END AS moyenne_general,
                   CASE WHEN sum(coefficient) FILTER (WHERE famille = 'professionnel') <> 0
                        THEN sum(coefficient * moyenne) FILTER (WHERE famille = 'professionnel')
                             / sum(coefficient) FILTER (WHERE famille = 'professionnel') END AS moyenne_professionnel,
                   coalesce(sum(nb_notes) FILTER (WHERE famille = 'general'), 0)::INTEGER AS nb_notes_general,
                   coalesce(sum(nb_notes) FILTER (WHERE famille = 'professionnel'), 0)::INTEGER AS nb_notes_professionnel
            FROM m WHERE matiere IS NOT NULL GROUP BY eleve_id, annee, periode
        )
        SELECT f.*, e.nom, e.prenom, moyenne_general - moyenne_professionnel AS ecart FROM f JOIN eleves e USING (eleve_id)
        WHERE nb_notes_general >= $n AND nb_notes_professionnel >= $n
          AND abs(moyenne_general - moyenne_professionnel) >= $seuil
        ORDER BY f.classe NULLS LAST, f.annee NULLS LAST, f.periode NULLS LAST, e.nom NULLS LAST,
                 e.prenom NULLS LAST, f.eleve_id NULLS LAST
        """,
        params={**({k: v for k, v in params.items() if k not in ("min", "pro")} if tenues else params),
                "n": n_min, "seuil": r.ecart_familles},
    )
    for row in fam.iter_rows(named=True):
        eid = row["eleve_id"]
        fort_pro = row["ecart"] < 0
        lecture = (
            "désengagement possible des matières générales" if fort_pro
            else "difficultés dans la spécialité : l'orientation est à interroger"
        )
        out.append(ctx.alerte(
            eid, "ecart_familles", periode=row["periode"], annee=row["annee"], gravite="attention", valeur=abs(row["ecart"]),
            seuil=r.ecart_familles,
            explication=(
                f"{ctx.qui(eid)} a {fr(row['moyenne_general'])} dans les matières générales et "
                f"{fr(row['moyenne_professionnel'])} dans les matières professionnelles en {row['periode']} "
                f"(écart {fr(abs(row['ecart']))} ; seuil : {fr(r.ecart_familles)}) : {lecture}."
            ),
            acteur="Professeur principal, DDFPT" if not fort_pro else "Professeur principal, professeurs de matières générales",
            procedure=(
                "Entretien d'orientation avec l'élève et la famille (psychologue de l'Éducation nationale)."
                if not fort_pro else
                "Montrer à l'élève le lien entre matières générales et métier ; accompagnement personnalisé."
            ),
            preuves=[{"famille": "general", "moyenne": row["moyenne_general"]},
                     {"famille": "professionnel", "moyenne": row["moyenne_professionnel"]}],
            tendance="matières professionnelles plus fortes" if fort_pro else "matières générales plus fortes",
        ))
    return out


# --- 4. Comportement ----------------------------------------------------------------------------------


def _comportement(ctx: _Ctx) -> list[dict[str, Any]]:
    s = ctx.wh.sql(
        f"""SELECT s.eleve_id, s.date, s.nature, s.motif, s.exclusion, s.disciplinaire, p.annee, p.periode
           FROM sanctions s JOIN periodes p ON s.date BETWEEN p.debut AND p.fin WHERE {ctx.portee("s.eleve_id")}
           ORDER BY s.eleve_id, s.date""",
        params=ctx.params(),
    )
    if s.is_empty():
        return []
    out = []
    seuil = ctx.r.comportement.punitions_min
    # Une seule passe sur les lignes (quelques-unes par élève) : rangées par élève × période, dans l'ordre
    # de leur première apparition, les sanctions effacées (R511-13) écartées.
    par_cle: dict[tuple, list[dict[str, Any]]] = {}
    for r in s.iter_rows(named=True):
        if not sanction_effacee(r["nature"], r["date"], bool(r["exclusion"]), ctx.au):
            par_cle.setdefault((r["eleve_id"], r["annee"], r["periode"]), []).append(r)
    for (eid, annee, periode), lignes in par_cle.items():
        n_sanctions = sum(1 for r in lignes if r["disciplinaire"] is True or r["exclusion"] is True)
        punitions = len(lignes) - n_sanctions
        if n_sanctions == 0 and punitions < seuil:
            continue
        detail = ", ".join(f"{r['nature']} le {fr_date(r['date'])}" for r in lignes)
        out.append(ctx.alerte(
            eid, "comportement", periode=periode, annee=annee, gravite="attention" if n_sanctions else "info",
            valeur=len(lignes), seuil=1 if n_sanctions else seuil,
            explication=(
                f"{ctx.qui(eid)} a {_pluriel(n_sanctions, 'sanction')} et {_pluriel(punitions, 'punition')} "
                f"en {periode} : {detail}."
            ),
            acteur="CPE, professeur principal" + (", chef d'établissement" if n_sanctions else ""),
            procedure=(
                "Faire le point avec l'élève et sa famille ; mesures de prévention et d'accompagnement "
                "(fiche de suivi, commission éducative — R511-19-1 du Code de l'éducation)."
            ),
            preuves=[{k: r[k] for k in ("date", "nature", "motif", "disciplinaire", "exclusion")} for r in lignes],
        ))
    return out


# --- 5. Compétences -----------------------------------------------------------------------------------


def _competences(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.competences
    # Premier et dernier niveau de chaque item (par date), puis les élèves × référentiels en alerte, en SQL ;
    # seuls leurs items sortent de DuckDB, avec les évaluations des items figés (les preuves).
    items = ctx.wh.sql(
        f"""
        WITH ev AS (
            SELECT c.eleve_id, c.referentiel, c.domaine, c.item, c.niveau, c.libelle_source, c.date, c.periode
            FROM competences c
            WHERE c.statut = 'evalue' AND c.niveau IS NOT NULL AND {ctx.portee("c.eleve_id")}
        ),
        par_item AS (
            SELECT eleve_id, referentiel, domaine, item, first(niveau ORDER BY date) AS premier,
                   last({{'niveau': niveau, 'date': date, 'periode': periode, 'libelle': libelle_source}}
                        ORDER BY date) AS d,
                   count(*)::INTEGER AS n
            FROM ev GROUP BY ALL
        ),
        f AS (
            SELECT eleve_id, referentiel, domaine, item, premier, d.niveau AS dernier, n, d.date AS date,
                   d.periode AS periode_source, d.libelle AS libelle,
                   n >= 2 AND d.niveau <= premier AND d.niveau <= 2 AS fige
            FROM par_item
        ),
        en_alerte AS (
            SELECT eleve_id, referentiel FROM f GROUP BY ALL
            HAVING count(*) FILTER (WHERE dernier = 1) >= $insuffisants OR count(*) FILTER (WHERE fige) >= $figes
        ),
        -- la période de la dernière évaluation de chaque item, pour les seuls items en alerte
        cand AS (
            SELECT f.eleve_id, f.referentiel, f.domaine, f.item, f.premier, f.dernier, f.n, f.date,
                   coalesce(f.periode_source, p.periode) AS periode, p.annee, f.libelle, f.fige
            FROM (SELECT f.* FROM f SEMI JOIN en_alerte a ON a.eleve_id = f.eleve_id AND a.referentiel = f.referentiel) f
            LEFT JOIN periodes p ON f.date BETWEEN p.debut AND p.fin
        ),
        evs AS (
            SELECT ev.eleve_id, ev.referentiel, ev.domaine, ev.item,
                   list({{'item': ev.item, 'date': ev.date, 'niveau': ev.niveau, 'libelle_source': ev.libelle_source}}
                        ORDER BY ev.date) AS evaluations
            FROM ev SEMI JOIN (SELECT * FROM cand WHERE fige) k ON k.eleve_id = ev.eleve_id
                 AND k.referentiel = ev.referentiel AND k.domaine = ev.domaine AND k.item = ev.item
            GROUP BY ALL
        )
        SELECT cand.*, evs.evaluations FROM cand LEFT JOIN evs ON evs.eleve_id = cand.eleve_id
            AND evs.referentiel = cand.referentiel AND evs.domaine = cand.domaine AND evs.item = cand.item
        ORDER BY cand.eleve_id, cand.referentiel, cand.domaine, cand.item
        """,
        params=ctx.params(insuffisants=r.items_insuffisants, figes=r.items_sans_progres),
    )
    libelles = r.libelles
    groupes: dict[tuple, list[dict[str, Any]]] = {}
    for row in items.iter_rows(named=True):
        groupes.setdefault((row["eleve_id"], row["referentiel"]), []).append(row)
    out = []
    for (eid, ref), lignes in groupes.items():
        acteur = "Coordonnateur ULIS" if "ulis" in ref.casefold() else "Professeur principal, équipe pédagogique"
        insuffisants = [x for x in lignes if x["dernier"] == 1]
        # La période de l'évaluation la plus récente du référentiel.
        recente = lignes[-1]
        for x in lignes:  # la dernière des plus récentes, comme un tri stable par date
            if x["date"] is not None and (recente["date"] is None or x["date"] >= recente["date"]):
                recente = x
        periode, annee = recente["periode"], recente["annee"]
        if len(insuffisants) >= r.items_insuffisants:
            out.append(ctx.alerte(
                eid, "competences_insuffisantes", periode=periode, annee=annee, gravite="attention",
                valeur=len(insuffisants), seuil=r.items_insuffisants,
                explication=(
                    f"{ctx.qui(eid)} a {len(insuffisants)} items en « {libelles[1]} » dans le référentiel {ref} "
                    f"(dernière évaluation ; seuil : {r.items_insuffisants}) : "
                    + ", ".join(x["item"] for x in insuffisants) + "."
                ),
                acteur=acteur,
                procedure="Adapter les objectifs et les aides (PPRE) ; en parler avec l'élève et sa famille.",
                preuves=[{k: x[k] for k in ("domaine", "item", "libelle", "date")} for x in insuffisants],
            ))
        figes = [x for x in lignes if x["fige"]]
        if len(figes) >= r.items_sans_progres:
            out.append(ctx.alerte(
                eid, "competences_sans_progres", periode=periode, annee=annee, gravite="info", valeur=len(figes),
                seuil=r.items_sans_progres,
                explication=(
                    f"{ctx.qui(eid)} ne progresse pas sur {len(figes)} items du référentiel {ref} évalués "
                    "plusieurs fois : " + ", ".join(
                        f"{x['item']} ({libelles[x['premier']].lower()} → {libelles[x['dernier']].lower()})"
                        for x in figes
                    ) + "."
                ),
                acteur=acteur,
                procedure="Revoir les aides apportées sur ces items et les modalités d'évaluation.",
                preuves=[e for x in figes for e in (x["evaluations"] or [])],
            ))
    return out


# --- 6. Pix -------------------------------------------------------------------------------------------


def _pix(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.pix
    profils = ctx.wh.sql(
        f"""SELECT x.eleve_id, e.classe, e.niveau, x.campagne, x.date_envoi, x.partage, x.progression, p.periode, p.annee
           FROM pix_profils x JOIN eleves e USING (eleve_id)
           LEFT JOIN periodes p ON x.date_envoi::DATE BETWEEN p.debut AND p.fin
           WHERE {ctx.portee("x.eleve_id")}""",
        params=ctx.params(),
    )
    out = []
    if profils.is_empty():
        return out
    envoye = pl.col("date_envoi").is_not_null() & pl.col("partage").fill_null(False)
    a_signaler = profils.filter((pl.col("progression") < r.progression_min) | ~envoye)
    for row in a_signaler.sort("eleve_id", "campagne").iter_rows(named=True):
        eid, envoye = row["eleve_id"], row["date_envoi"] is not None and bool(row["partage"])
        prog = row["progression"]
        preuve = [{k: row[k] for k in ("campagne", "date_envoi", "partage", "progression")}]
        if prog is not None and prog < r.progression_min:
            out.append(ctx.alerte(
                eid, "pix_progression", periode=row["periode"], annee=row["annee"], gravite="info", valeur=prog, seuil=r.progression_min,
                explication=(
                    f"{ctx.qui(eid)} n'a parcouru que {pct(prog)} de la campagne Pix « {row['campagne']} » "
                    f"(attendu : {pct(r.progression_min)})" + ("" if envoye else ", et ne l'a pas envoyée") + "."
                ),
                acteur="Professeur référent Pix, professeur principal",
                procedure="Prévoir un créneau encadré pour terminer la campagne et envoyer les résultats.",
                preuves=preuve,
            ))
        elif not envoye:
            out.append(ctx.alerte(
                eid, "pix_non_envoye", periode=row["periode"], annee=row["annee"], gravite="info", valeur=0, seuil=1,
                explication=f"{ctx.qui(eid)} n'a pas envoyé ses résultats de la campagne Pix « {row['campagne']} ».",
                acteur="Professeur référent Pix",
                procedure="Rappeler à l'élève d'envoyer ses résultats (bouton « J'envoie mes résultats »).",
                preuves=preuve,
            ))
    # Absents d'une campagne suivie par une bonne part de leur classe.
    participants = profils.group_by("classe", "campagne").agg(ids=pl.col("eleve_id").unique(), n=pl.len())
    effectifs: dict[str, list[str]] = {}
    for eid, (_, _, cl) in ctx.eleves.items():
        effectifs.setdefault(cl, []).append(eid)
    for row in participants.sort("classe", "campagne").iter_rows(named=True):
        membres = effectifs.get(row["classe"], [])
        if not membres or row["n"] / len(membres) < r.participation_classe_min:
            continue
        for eid in sorted(set(membres) - set(row["ids"])):
            out.append(ctx.alerte(
                eid, "pix_non_envoye", periode=None, gravite="info", valeur=0, seuil=1,
                explication=(
                    f"{ctx.qui(eid)} n'apparaît pas dans la campagne Pix « {row['campagne']} », suivie par "
                    f"{row['n']} élèves sur {len(membres)} de sa classe."
                ),
                acteur="Professeur référent Pix",
                procedure="Donner le code de la campagne à l'élève et prévoir un créneau pour la passer.",
                preuves=[{"campagne": row["campagne"], "participants_classe": row["n"], "effectif": len(membres)}],
                comparaison_classe=f"{row['n']} élèves sur {len(membres)} ont participé",
            ))
    # Terminale : compétences au niveau 1 ou plus (meilleur niveau toutes campagnes confondues).
    niveaux = ctx.wh.sql(
        f"""SELECT e.eleve_id, e.classe,
                  count(DISTINCT x.competence) FILTER (WHERE x.niveau >= 1)::INTEGER AS n,
                  list(DISTINCT x.competence ORDER BY x.competence) FILTER (WHERE x.niveau >= 1) AS liste
           FROM eleves e LEFT JOIN pix x USING (eleve_id)
           WHERE e.niveau IN (SELECT unnest($niv::VARCHAR[]))
             AND e.classe IN (SELECT DISTINCT e2.classe FROM pix_profils p2 JOIN eleves e2 USING (eleve_id))
             AND {ctx.portee("e.eleve_id")}
           GROUP BY ALL HAVING n < $min ORDER BY e.eleve_id""",
        params=ctx.params(niv=list(r.niveaux_terminale), min=r.competences_min_terminale),
    )
    for row in niveaux.iter_rows(named=True):
        if row["n"] < r.competences_min_terminale:
            eid = row["eleve_id"]
            out.append(ctx.alerte(
                eid, "pix_terminale", periode=None, gravite="attention", valeur=row["n"],
                seuil=r.competences_min_terminale,
                explication=(
                    f"{ctx.qui(eid)}, en terminale, n'a que {row['n']} compétence(s) Pix au niveau 1 ou plus "
                    f"(attendu : {r.competences_min_terminale} avant la certification)."
                ),
                acteur="Professeur référent Pix, professeur principal",
                procedure="Prévoir des campagnes d'entraînement avant la certification Pix de terminale.",
                preuves=[{"competences": row["liste"] or []}],
            ))
    return out


# --- Toutes les règles --------------------------------------------------------------------------------

_FAMILLES: tuple[tuple[tuple[str, ...], Callable[[_Ctx], list[dict[str, Any]]]], ...] = (
    (("absences_mois", "absences_persistance", "justificatifs_en_attente"), _absences_mois),
    (("absenteisme_chronique", "absences_hausse"), _absences_periodes),
    (("absenteisme_perle",), _absenteisme_perle),
    (("moyenne_basse", "matieres_sous_moyenne", "baisse_moyenne", "ecart_familles"), _notes),
    (("comportement",), _comportement),
    (("competences_insuffisantes", "competences_sans_progres"), _competences),
    (("pix_non_envoye", "pix_progression", "pix_terminale"), _pix),
)
assert sorted(r for regles, _ in _FAMILLES for r in regles) == sorted(REGLES)


def alertes(
    wh: "Warehouse",
    *,
    classe: str | None = None,
    regle: str | None = None,
    gravite: Gravite | None = None,
    reglages: Reglages | None = None,
    au: dt.date | None = None,
    moyennes: pl.DataFrame | None = None,
    eleve: str | None = None,
) -> pl.DataFrame:
    """Toutes les alertes, les plus graves d'abord (``au`` : date de référence, aujourd'hui par défaut) ;
    colonnes : :data:`SCHEMA`.

    ``classe`` : seuls les élèves de la classe sont examinés, chaque règle ne lit que leurs lignes (les
    comparaisons se font dans la classe ; le résultat est celui de l'école filtré). ``eleve`` : les seules
    alertes de cet élève, calculées sur sa classe (les comparaisons en ont besoin). ``moyennes`` : les
    moyennes déjà lues par l'appelant (``models.moyennes.moyennes(eleves=…)``, toutes périodes) ; les
    règles de notes lisent la table des moyennes tenue à jour, pour les seuls élèves de ce tableau.

    Chaque règle est une requête ensembliste (SQL sur les vues publiques, dont ``moyennes`` que
    ``models/precalcul.py`` tient à jour à l'import) qui ne rend que les lignes en alerte ; seul le texte
    de chaque alerte (explication, preuves en JSON) est écrit ligne à ligne."""
    r = reglages or charger_reglages()
    if eleve is not None:
        sa_classe = wh.sql("SELECT classe FROM eleves WHERE eleve_id = $e", params={"e": eleve})
        if sa_classe.is_empty() or (classe is not None and sa_classe["classe"][0] != classe):
            return pl.DataFrame(schema=SCHEMA)
        classe = sa_classe["classe"][0] if classe is None else classe
    eleves = wh.sql("SELECT eleve_id, nom, prenom, classe FROM eleves WHERE $c IS NULL OR classe = $c",
                    params={"c": classe})
    periodes = wh.sql("SELECT annee, periode, debut, fin FROM periodes ORDER BY debut").rows()
    ctx = _Ctx(wh, r, au or dt.date.today(),
               dict(zip(eleves["eleve_id"], zip(eleves["nom"], eleves["prenom"], eleves["classe"]))),
               None if moyennes is None else set(moyennes["eleve_id"]), periodes, classe)
    lignes: list[dict[str, Any]] = []
    for regles, calcul in _FAMILLES:
        actives = set(regles) - set(r.alertes.desactivees)
        if not actives or (regle is not None and regle not in actives):
            continue
        lignes += [a for a in calcul(ctx) if a["regle"] in actives]
    df = pl.DataFrame(lignes, schema=SCHEMA, orient="row") if lignes else pl.DataFrame(schema=SCHEMA)
    if classe is not None:
        df = df.filter(classe=classe)
    if eleve is not None:
        df = df.filter(eleve_id=eleve)
    if regle is not None:
        df = df.filter(regle=regle)
    if gravite is not None:
        df = df.filter(gravite=gravite)
    return df.with_columns(_o=rang_gravite()).sort(
        "_o", "classe", "nom", "prenom", "regle", "annee", "periode", nulls_last=True, maintain_order=True
    ).drop("_o")


def publier_alertes(wh: "Warehouse", *, reglages: Reglages | None = None, au: dt.date | None = None) -> int:
    """Publie la vue ``alertes`` (table temporaire de cette connexion) ; renvoie le nombre d'alertes."""
    df = alertes(wh, reglages=reglages, au=au).select(
        "eleve_id", "regle", "annee", "periode", "periode_scolaire", "gravite", "valeur", "seuil", "explication",
        "classe", "libelle", "acteur", "procedure", "tendance", "comparaison_classe",
    )
    wh.con.register("alertes_calculees", df)
    try:
        wh.con.execute("CREATE OR REPLACE TEMP TABLE alertes AS SELECT * FROM alertes_calculees")
    finally:
        wh.con.unregister("alertes_calculees")
    return df.height


# --- Mentions du conseil de classe --------------------------------------------------------------------


def mentions(
    wh: "Warehouse",
    classe: str,
    periode: str,
    reglages: Reglages | None = None,
    *,
    annee: str | None = None,
    au: dt.date | None = None,
) -> pl.DataFrame:
    """La mention proposée au conseil pour chaque élève : la règle et ses signaux vivent dans
    ``models.conseil`` (:func:`models.conseil.proposer_mentions`, sur la feuille du conseil). Colonnes :
    eleve_id, nom, prenom, classe, periode, moyenne, progression, sanction, faible_confiance, mention,
    signaux. Une proposition : le conseil décide."""
    from . import conseil  # conseil lit les alertes : import à l'appel

    f = conseil.feuille(wh, classe, periode, annee, reglages=reglages, au=au)
    t = f.tableau
    noms = wh.sql("SELECT eleve_id, nom, prenom, classe FROM eleves WHERE classe = $c", {"c": classe})
    return (
        t.join(noms, on="eleve_id", how="left")
        .filter(pl.col("moyenne").is_not_null())
        .select("eleve_id", "nom", "prenom", "classe", pl.lit(periode).alias("periode"), "moyenne",
                pl.col("variation").alias("progression"), pl.col("sanction_retenue").alias("sanction"),
                "faible_confiance", "mention", "signaux")
        .sort("nom", "prenom")
    )


# --- Ligne de commande --------------------------------------------------------------------------------

def _cellule_csv(valeur: Any) -> str:
    """Une cellule sûre pour un tableur : une formule (=, +, -, @…) est neutralisée par une apostrophe
    (``models.formules``)."""
    return neutraliser_cellule("" if valeur is None else fr(valeur) if isinstance(valeur, float) else str(valeur))


def _table(lignes: Iterable[list[str]], entetes: list[str]) -> str:
    lignes = [entetes, *lignes]
    largeurs = [max(len(l[i]) for l in lignes) for i in range(len(entetes))]
    rendu = ["  ".join(c.ljust(w) for c, w in zip(l, largeurs)).rstrip() for l in lignes]
    rendu.insert(1, "  ".join("-" * w for w in largeurs))
    return "\n".join(rendu)


def tableau_alertes(
    wh: "Warehouse",
    *,
    classe: str | None = None,
    format: Literal["table", "csv"] = "table",
    reglages: Reglages | None = None,
    au: dt.date | None = None,
) -> str:
    """Les alertes pour ``vigie alerts`` : un tableau lisible, ou un CSV (séparateur « ; », nombres à
    virgule) sûr à ouvrir dans un tableur."""
    df = alertes(wh, classe=classe, reglages=reglages, au=au)
    if format == "csv":
        colonnes = [c for c in SCHEMA if c != "preuves"]
        sortie = io.StringIO()
        w = csv.writer(sortie, delimiter=";", lineterminator="\n")
        w.writerow(colonnes)
        for row in df.select(colonnes).iter_rows():
            w.writerow([_cellule_csv(v) for v in row])
        return sortie.getvalue()
    if format != "table":
        raise ValueError(f"format {format!r} : attendu table ou csv")
    if df.is_empty():
        return "Aucune alerte."
    entetes = ["Gravité", "Classe", "Élève", "Règle", "Période", "Explication"]
    lignes = [
        [row["gravite"], row["classe"] or "", f"{row['nom']} {row['prenom']}", row["libelle"],
         row["periode"] or "", row["explication"]]
        for row in df.iter_rows(named=True)
    ]
    return _table(lignes, entetes) + f"\n\n{df.height} alerte(s)."
