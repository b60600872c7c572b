"""Référence figée des alertes : l'implémentation d'avant le calcul ensembliste (``main`` au 30/11/2026,
e1e2033), ligne à ligne en Python, gardée seulement pour les tests différentiels
(``tests/outils/differentiel.py``) : l'implémentation de ``models/alertes.py`` doit rendre exactement les
mêmes alertes (texte, preuves et ordre compris). Ne pas la modifier pour suivre ``models`` : une règle qui
change volontairement change ici aussi, dans le même commit, avec sa raison. Seules les règles sont figées ;
les gravités, l'écriture des nombres et des dates, la tendance et les procédures sont celles de ``models/alertes.py``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from models import absences as abs_
from models.moyennes import familles, moyennes, moyennes_calculees
from models.periodes import avec_precedente
from models.reglages import REGLES, Reglages, charger_reglages
from models.sanctions import sanction_effacee  # noqa: F401 (R511-13 : models/sanctions.py)

# Ce qui n'a pas changé avec le calcul ensembliste (gravités, écriture des nombres et des dates, tendance,
# procédures) est lu dans models/alertes.py plutôt que recopié : seules les règles d'avant sont figées ici.
from models.alertes import (
    _PROC_10, _PROC_4, SCHEMA, Gravite, _json, _pluriel, _tendance, fr, fr_date, fr_mois, pct,
    rang_gravite,
)

if TYPE_CHECKING:
    from models.warehouse import Warehouse


# --- Contexte et construction -------------------------------------------------------------------------


@dataclass
class _Ctx:
    wh: "Warehouse"
    r: Reglages
    au: dt.date
    eleves: dict[str, dict[str, Any]]
    #: Moyennes déjà lues (``moyennes_calculees`` ou ``moyennes``, élèves concernés) : pas de seconde lecture.
    moyennes: pl.DataFrame | None = None
    #: Les périodes de l'établissement (annee, periode, debut, fin), pour rattacher un jour à sa période.
    periodes: list[tuple[str, str, dt.date, dt.date]] = field(default_factory=list)

    def periode_de(self, jour: dt.date) -> tuple[str | None, str | None]:
        """(année scolaire, période) qui contient ``jour`` ; (None, None) hors de toute période."""
        for annee, periode, debut, fin in self.periodes:
            if debut <= jour <= fin:
                return annee, periode
        return None, None

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
        e = self.eleves.get(eleve_id, {})
        return {
            "eleve_id": eleve_id, "nom": e.get("nom"), "prenom": e.get("prenom"), "classe": e.get("classe"),
            "regle": regle, "libelle": self.r.libelle(regle), "annee": annee, "periode": periode,
            "periode_scolaire": periode_scolaire or periode,
            "gravite": gravite,
            "valeur": float(valeur), "seuil": float(seuil), "tendance": tendance,
            "comparaison_classe": comparaison_classe, "acteur": acteur, "procedure": procedure,
            "explication": explication,
            "preuves": json.dumps(preuves, ensure_ascii=False, default=_json),
        }

    def qui(self, eleve_id: str) -> str:
        e = self.eleves.get(eleve_id, {})
        return f"{e.get('prenom', '')} {e.get('nom', eleve_id)}".strip()

    def de_qui(self, eleve_id: str) -> str:
        """« de Paul MARTIN », « d'Assia MOREAU » (élision devant une voyelle ou un h muet)."""
        nom = self.qui(eleve_id)
        return f"d'{nom}" if nom[:1].lower() in "aeiouyhàâéèêëîïôöûüœ" else f"de {nom}"


# --- 1 et 2. Absences ---------------------------------------------------------------------------------


def _absences_mois(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.absences
    # Le compte du mois civil (L131-8) : models.absences, le même que la page Absences et le suivi.
    par_mois = abs_.non_justifiees_par_mois(ctx.wh, reglages=ctx.r).rename(
        {"non_justifiees": "nj", "en_attente": "att"})
    if par_mois.is_empty():
        return []
    classe_de = {k: v["classe"] for k, v in ctx.eleves.items()}
    effectifs: dict[str, int] = {}
    for cl in classe_de.values():
        effectifs[cl] = effectifs.get(cl, 0) + 1
    par_mois = par_mois.with_columns(classe=pl.col("eleve_id").replace_strict(classe_de, default=None))
    total_classe = {
        (row["classe"], row["mois"]): row["nj"]
        for row in par_mois.group_by("classe", "mois").agg(pl.col("nj").sum()).iter_rows(named=True)
    }
    # Seuls les élèves × mois qui déclenchent une alerte sont parcourus en Python (quelques % des lignes) ;
    # le mois précédent de chacun est lu d'avance par une jointure.
    par_mois = par_mois.with_columns(precedent=pl.col("mois").dt.offset_by("-1mo")).join(
        par_mois.select("eleve_id", precedent="mois", nj_avant="nj"), on=["eleve_id", "precedent"], how="left"
    ).filter(abs_.regle_mensuelle_expr(ctx.r, "nj").is_not_null() | (pl.col("att") >= r.seuil_en_attente))
    out = []
    for row in par_mois.sort("eleve_id", "mois").iter_rows(named=True):
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
    t = abs_.taux_periode_eleves(ctx.wh, au=ctx.au, reglages=ctx.r).sort("eleve_id", "annee", "debut")
    # La période précédente de la même année, sur la même ligne ; puis un premier tri en Polars, un peu
    # large (1e-9 : la décision exacte reste celle de la boucle), pour ne parcourir en Python que les
    # lignes qui peuvent donner une alerte.
    cols = ("periode", "brutes", "non_justifiees", "en_attente", "justifiees", "demi_journees_classe", "taux")
    t = avec_precedente(ctx.wh, t, ["eleve_id"], list(cols[1:]), meme_annee=True, suffixe="_prec").with_columns(
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
    ev = ctx.wh.sql(
        """
        WITH ev AS (
            SELECT eleve_id, debut AS moment, 'absence courte' AS nature,
                   date_diff('minute', debut, fin) AS minutes
            FROM absences WHERE date_diff('minute', debut, fin) <= $max * 60
            UNION ALL
            SELECT eleve_id, date, 'retard', minutes FROM retards
        )
        SELECT ev.*, p.annee, p.periode, date_trunc('week', ev.moment)::DATE AS semaine
        FROM ev JOIN periodes p ON ev.moment::DATE BETWEEN p.debut AND p.fin
        ORDER BY eleve_id, moment
        """,
        params={"max": r.perle_duree_max_heures},
    )
    if ev.is_empty():
        return []
    g = ev.group_by("eleve_id", "annee", "periode").agg(
        n=pl.len(), semaines=pl.col("semaine").n_unique(),
        retards=(pl.col("nature") == "retard").sum(),
    )
    moyenne_classe: dict[tuple, float] = {}
    g = g.with_columns(classe=pl.col("eleve_id").replace_strict(
        {k: v["classe"] for k, v in ctx.eleves.items()}, default=None, return_dtype=pl.String))
    effectifs = pl.DataFrame({"classe": [v["classe"] for v in ctx.eleves.values()]},
                             schema={"classe": pl.String}).group_by("classe").len()
    for row in g.group_by("classe", "annee", "periode").agg(pl.col("n").sum()).join(effectifs, on="classe").iter_rows(named=True):
        moyenne_classe[(row["classe"], row["annee"], row["periode"])] = row["n"] / row["len"]
    out = []
    g = g.filter((pl.col("semaines") >= r.perle_semaines) & (pl.col("n") >= r.perle_evenements))
    # Les événements des seuls élèves × périodes en alerte, rangés une fois.
    par_cle = ev.join(g.select("eleve_id", "annee", "periode"), on=["eleve_id", "annee", "periode"],
                      how="semi").partition_by("eleve_id", "annee", "periode", as_dict=True)
    for row in g.sort("eleve_id", "annee", "periode").iter_rows(named=True):
        if row["semaines"] >= r.perle_semaines and row["n"] >= r.perle_evenements:
            eid = row["eleve_id"]
            lignes = par_cle[(eid, row["annee"], row["periode"])]
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
                preuves=lignes.select("moment", "nature", "minutes").to_dicts(),
                comparaison_classe=(
                    f"{fr(moyenne_classe.get((row['classe'], row['annee'], row['periode']), 0))} absence(s) "
                    "courte(s) ou retard(s) par élève en moyenne dans la classe"
                ),
            ))
    return out


# --- 3. Notes -----------------------------------------------------------------------------------------


def _notes(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.notes
    # Une seule lecture de la vue « moyennes » : les moyennes par famille s'en déduisent (familles()).
    m = ctx.moyennes if ctx.moyennes is not None else moyennes_calculees(ctx.wh, reglages=ctx.r)
    m = m.filter(pl.col("eleve_id").is_in(list(ctx.eleves)))
    if m.is_empty():
        return []
    ordre = ctx.wh.sql("SELECT annee, periode, debut FROM periodes")
    m = m.join(ordre, on=["annee", "periode"], how="left")
    fiables = m.filter(~pl.col("faible_confiance"))
    out = []
    matieres = fiables.filter(pl.col("matiere").is_not_null())
    # Moyenne de la même matière à la période précédente, pour la tendance : calculée sur les seules
    # matières des élèves qui ont une moyenne basse (les autres lignes ne servent pas). Les tris portent
    # sur ces petits tableaux et rendent l'ordre des alertes stable.
    cles = ["eleve_id", "annee", "matiere"]
    basses = avec_precedente(
        ctx.wh, matieres.join(matieres.filter(pl.col("moyenne") < r.seuil_matiere).select(cles).unique(),
                              on=cles, how="semi"),
        ["eleve_id", "matiere"], ["moyenne"], meme_annee=True,
    ).rename({"moyenne_precedente": "avant"}).filter(pl.col("moyenne") < r.seuil_matiere).sort(
        "eleve_id", "annee", "debut", "periode", "matiere")
    # Les notes derrière toutes les moyennes basses, en une requête (et non une par alerte).
    preuves_de: dict[tuple, list[dict]] = {}
    if basses.height:
        ctx.wh.con.register("moyennes_basses", basses.select("eleve_id", "annee", "periode", "matiere"))
        try:
            notes_basses = ctx.wh.sql(
                "SELECT b.eleve_id, b.annee, b.periode, b.matiere AS service, n.date, n.matiere, n.devoir, "
                "n.valeur, n.bareme, n.coefficient, n.statut, n.bonus, n.facultatif "
                "FROM moyennes_basses b JOIN notes n ON n.eleve_id = b.eleve_id AND n.periode = b.periode "
                "AND n.annee = b.annee LEFT JOIN matieres m ON m.matiere = n.matiere "
                "WHERE coalesce(m.service, trim(split_part(n.matiere, '>', 1))) = b.matiere ORDER BY n.date, n.devoir_id"
            )
        finally:
            ctx.wh.con.unregister("moyennes_basses")
        champs = [c for c in notes_basses.columns if c not in ("eleve_id", "annee", "periode", "service")]
        for eid, annee, periode, service, lignes in notes_basses.group_by(
                "eleve_id", "annee", "periode", "service", maintain_order=True).agg(pl.struct(champs)).iter_rows():
            preuves_de[(eid, annee, periode, service)] = lignes
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
            preuves=preuves_de.get((eid, row["annee"], row["periode"], row["matiere"]), []),
            tendance=_tendance(row["avant"], row["moyenne"], quand=" la période précédente"),
            comparaison_classe=f"moyenne de la classe : {fr(row['moyenne_classe'])} (min {fr(row['min_classe'])}, max {fr(row['max_classe'])})",
        ))
    sous = (
        matieres.filter(pl.col("moyenne") < r.seuil_moyenne)
        .group_by("eleve_id", "annee", "periode", "classe")
        .agg(n=pl.len(), liste=pl.struct("matiere", "moyenne", "nb_notes").sort_by("matiere"))
    )
    total_de = {
        (c, a, p): t for c, a, p, t in sous.group_by("classe", "annee", "periode").agg(t=pl.col("n").sum()).iter_rows()
    }
    effectif_de: dict[str, int] = {}
    for v in ctx.eleves.values():
        effectif_de[v["classe"]] = effectif_de.get(v["classe"], 0) + 1
    for row in sous.filter(pl.col("n") >= r.nb_matieres_sous_moyenne).sort("eleve_id", "periode", "annee").iter_rows(named=True):
        eid = row["eleve_id"]
        liste = sorted(row["liste"], key=lambda x: x["moyenne"])
        total = total_de[(row["classe"], row["annee"], row["periode"])]
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
            comparaison_classe=f"{fr(total / effectif)} matière(s) sous {fr(r.seuil_moyenne)} par élève en moyenne dans la classe",
        ))
    generales = m.filter(pl.col("matiere").is_null())
    generales = avec_precedente(ctx.wh, generales, ["eleve_id"], ["moyenne", "faible_confiance"],
                                meme_annee=True).with_columns(
        avant=pl.col("moyenne_precedente"), periode_avant=pl.col("periode_precedente"),
        avant_fiable=~pl.col("faible_confiance_precedente"),
    )
    # Premier tri un peu large (1e-9) en Polars ; la boucle garde la décision exacte.
    generales = generales.filter(pl.col("avant") - pl.col("moyenne") >= r.baisse_generale - 1e-9).sort(
        "eleve_id", "annee", "debut")
    for row in generales.iter_rows(named=True):
        if row["avant"] is None or row["faible_confiance"] or not row["avant_fiable"]:
            continue
        baisse = row["avant"] - row["moyenne"]
        if baisse >= r.baisse_generale:
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
    n_min = r.nb_notes_min
    fam = familles(m).filter(
        (pl.col("nb_notes_general") >= n_min) & (pl.col("nb_notes_professionnel") >= n_min)
        & (pl.col("ecart").abs() >= r.ecart_familles - 1e-9))
    for row in fam.iter_rows(named=True):
        if row["ecart"] is None or row["nb_notes_general"] < n_min or row["nb_notes_professionnel"] < n_min:
            continue
        if abs(row["ecart"]) >= r.ecart_familles:
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
        """SELECT s.eleve_id, s.date, s.nature, s.motif, s.exclusion, s.disciplinaire, p.annee, p.periode
           FROM sanctions s JOIN periodes p ON s.date BETWEEN p.debut AND p.fin ORDER BY s.eleve_id, s.date"""
    )
    if s.is_empty():
        return []
    garde = [not sanction_effacee(r["nature"], r["date"], bool(r["exclusion"]), ctx.au) for r in s.iter_rows(named=True)]
    s = s.filter(pl.Series(garde, dtype=pl.Boolean))
    out = []
    seuil = ctx.r.comportement.punitions_min
    # Seuls les élèves × périodes avec une sanction ou assez de punitions passent dans la boucle.
    cles = ["eleve_id", "annee", "periode"]
    sanction = pl.col("disciplinaire") | pl.col("exclusion")
    retenues = s.group_by(cles).agg(n=pl.len(), sanctions=sanction.sum()).filter(
        (pl.col("sanctions") > 0) | (pl.col("n") - pl.col("sanctions") >= seuil))
    s = s.join(retenues.select(cles), on=cles, how="semi")
    for (eid, annee, periode), lignes in s.group_by(cles, maintain_order=True):
        sanctions = lignes.filter(pl.col("disciplinaire") | pl.col("exclusion"))
        punitions = lignes.height - sanctions.height
        if sanctions.height == 0 and punitions < seuil:
            continue
        detail = ", ".join(f"{r['nature']} le {fr_date(r['date'])}" for r in lignes.iter_rows(named=True))
        out.append(ctx.alerte(
            eid, "comportement", periode=periode, annee=annee, gravite="attention" if sanctions.height else "info",
            valeur=lignes.height, seuil=1 if sanctions.height else seuil,
            explication=(
                f"{ctx.qui(eid)} a {_pluriel(sanctions.height, 'sanction')} et {_pluriel(punitions, 'punition')} "
                f"en {periode} : {detail}."
            ),
            acteur="CPE, professeur principal" + (", chef d'établissement" if sanctions.height else ""),
            procedure=(
                "Faire le point avec l'élève et sa famille ; mesures de prévention et d'accompagnement "
                "(fiche de suivi, commission éducative — R511-19-1 du Code de l'éducation)."
            ),
            preuves=lignes.select("date", "nature", "motif", "disciplinaire", "exclusion").to_dicts(),
        ))
    return out


# --- 5. Compétences -----------------------------------------------------------------------------------


def _competences(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.competences
    ev = ctx.wh.sql(
        """SELECT c.eleve_id, c.referentiel, c.domaine, c.item, c.niveau, c.libelle_source, c.date,
                  coalesce(c.periode, p.periode) AS periode, p.annee
           FROM competences c LEFT JOIN periodes p ON c.date BETWEEN p.debut AND p.fin
           WHERE c.statut = 'evalue' AND c.niveau IS NOT NULL
           ORDER BY c.eleve_id, c.referentiel, c.domaine, c.item, c.date"""
    )
    if ev.is_empty():
        return []
    par_item = ev.group_by("eleve_id", "referentiel", "domaine", "item", maintain_order=True).agg(
        premier=pl.col("niveau").first(), dernier=pl.col("niveau").last(), n=pl.len(),
        date=pl.col("date").last(), periode=pl.col("periode").last(), annee=pl.col("annee").last(), libelle=pl.col("libelle_source").last(),
    )
    libelles = r.libelles
    # Les élèves × référentiels qui déclenchent une alerte, comptés en Polars ; la boucle ne parcourt qu'eux.
    fige = (pl.col("n") >= 2) & (pl.col("dernier") <= pl.col("premier")) & (pl.col("dernier") <= 2)
    en_alerte = par_item.group_by("eleve_id", "referentiel").agg(
        insuffisants=(pl.col("dernier") == 1).sum(), figes=fige.sum(),
    ).filter((pl.col("insuffisants") >= r.items_insuffisants) | (pl.col("figes") >= r.items_sans_progres))
    par_item = par_item.join(en_alerte.select("eleve_id", "referentiel"), on=["eleve_id", "referentiel"], how="semi")
    ev_de = ev.join(en_alerte.select("eleve_id", "referentiel"), on=["eleve_id", "referentiel"],
                    how="semi").partition_by("eleve_id", "referentiel", as_dict=True)
    out = []
    for (eid, ref), items in par_item.group_by("eleve_id", "referentiel", maintain_order=True):
        acteur = "Coordonnateur ULIS" if "ulis" in ref.casefold() else "Professeur principal, équipe pédagogique"
        insuffisants = items.filter(dernier=1)
        periode, annee = items.sort("date")["periode"][-1], items.sort("date")["annee"][-1]
        if insuffisants.height >= r.items_insuffisants:
            out.append(ctx.alerte(
                eid, "competences_insuffisantes", periode=periode, annee=annee, gravite="attention",
                valeur=insuffisants.height, seuil=r.items_insuffisants,
                explication=(
                    f"{ctx.qui(eid)} a {insuffisants.height} items en « {libelles[1]} » dans le référentiel {ref} "
                    f"(dernière évaluation ; seuil : {r.items_insuffisants}) : "
                    + ", ".join(insuffisants["item"].to_list()) + "."
                ),
                acteur=acteur,
                procedure="Adapter les objectifs et les aides (PPRE) ; en parler avec l'élève et sa famille.",
                preuves=insuffisants.select("domaine", "item", "libelle", "date").to_dicts(),
            ))
        figes = items.filter(fige)
        if figes.height >= r.items_sans_progres:
            out.append(ctx.alerte(
                eid, "competences_sans_progres", periode=periode, annee=annee, gravite="info", valeur=figes.height,
                seuil=r.items_sans_progres,
                explication=(
                    f"{ctx.qui(eid)} ne progresse pas sur {figes.height} items du référentiel {ref} évalués "
                    "plusieurs fois : " + ", ".join(
                        f"{x['item']} ({libelles[x['premier']].lower()} → {libelles[x['dernier']].lower()})"
                        for x in figes.iter_rows(named=True)
                    ) + "."
                ),
                acteur=acteur,
                procedure="Revoir les aides apportées sur ces items et les modalités d'évaluation.",
                preuves=ev_de[(eid, ref)].join(figes.select("eleve_id", "referentiel", "domaine", "item"),
                      on=["eleve_id", "referentiel", "domaine", "item"], maintain_order="left")
                .select("item", "date", "niveau", "libelle_source").to_dicts(),
            ))
    return out


# --- 6. Pix -------------------------------------------------------------------------------------------


def _pix(ctx: _Ctx) -> list[dict[str, Any]]:
    r = ctx.r.pix
    profils = ctx.wh.sql(
        """SELECT x.eleve_id, e.classe, e.niveau, x.campagne, x.date_envoi, x.partage, x.progression, p.periode, p.annee
           FROM pix_profils x JOIN eleves e USING (eleve_id)
           LEFT JOIN periodes p ON x.date_envoi::DATE BETWEEN p.debut AND p.fin"""
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
    for eid, e in ctx.eleves.items():
        effectifs.setdefault(e["classe"], []).append(eid)
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
        """SELECT e.eleve_id, e.classe,
                  count(DISTINCT x.competence) FILTER (WHERE x.niveau >= 1)::INTEGER AS n,
                  list(DISTINCT x.competence ORDER BY x.competence) FILTER (WHERE x.niveau >= 1) AS liste
           FROM eleves e LEFT JOIN pix x USING (eleve_id)
           WHERE e.niveau IN (SELECT unnest($niv::VARCHAR[]))
             AND e.classe IN (SELECT DISTINCT e2.classe FROM pix_profils p2 JOIN eleves e2 USING (eleve_id))
           GROUP BY ALL HAVING n < $min ORDER BY e.eleve_id""",
        params={"niv": list(r.niveaux_terminale), "min": r.competences_min_terminale},
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
) -> pl.DataFrame:
    """Toutes les alertes, les plus graves d'abord (``au`` : date de référence, aujourd'hui par défaut).

    ``classe`` : seuls les élèves de la classe sont examinés (les comparaisons se font dans la classe,
    le résultat est celui de l'école filtré). ``moyennes`` : les moyennes de ces élèves déjà lues
    (``models.moyennes.moyennes(classe=…)``, toutes périodes), pour ne pas relire la vue."""
    r = reglages or charger_reglages()
    eleves = wh.sql("SELECT eleve_id, nom, prenom, classe FROM eleves WHERE $c IS NULL OR classe = $c",
                    params={"c": classe})
    periodes = wh.sql("SELECT annee, periode, debut, fin FROM periodes ORDER BY debut").rows()
    ctx = _Ctx(wh, r, au or dt.date.today(), {row["eleve_id"]: row for row in eleves.iter_rows(named=True)},
               moyennes, periodes)
    lignes: list[dict[str, Any]] = []
    for regles, calcul in _FAMILLES:
        actives = set(regles) - set(r.alertes.desactivees)
        if not actives or (regle is not None and regle not in actives):
            continue
        lignes += [a for a in calcul(ctx) if a["regle"] in actives]
    df = pl.DataFrame(lignes, schema=SCHEMA, orient="row") if lignes else pl.DataFrame(schema=SCHEMA)
    if classe is not None:
        df = df.filter(classe=classe)
    if regle is not None:
        df = df.filter(regle=regle)
    if gravite is not None:
        df = df.filter(gravite=gravite)
    return df.with_columns(_o=rang_gravite()).sort(
        "_o", "classe", "nom", "prenom", "regle", "annee", "periode", nulls_last=True, maintain_order=True
    ).drop("_o")
