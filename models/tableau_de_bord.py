"""Les pages d'accueil par rôle : ce que chacun trouve en ouvrant Vigie, calculé ici, dessiné par
``dashboard/accueils.py``.

- **Professeur principal** (:func:`accueil_classe`) : sa classe — moyennes de la dernière période notée
  (par matière et générale, comparées à la période précédente des mêmes élèves), les élèves qui ont le
  plus progressé ou baissé, les alertes de la période en cours, la fin de la période en cours.
- **CPE** (:func:`accueil_vie_scolaire`) : les élèves qui ont atteint 4 ou 10 demi-journées non
  justifiées dans le dernier mois (paliers de ``models.absences.regle_mensuelle``) et les justificatifs
  attendus.
- **Coordination ULIS** (:func:`accueil_ulis`) : les élèves du dispositif et leurs dernières évaluations
  de compétences.
- **Direction** (:func:`alertes_par_classe`, :func:`alertes_par_niveau`) : les alertes de la période,
  classe par classe et niveau par niveau (ordre des établissements : ``models.records.rang_classe``).

Chaque règle reste dans son module : « la période précédente » dans ``models.periodes``, qui a progressé
dans ``models.conseil`` (la synthèse du conseil, :data:`models.conseil.SEUIL_EVOLUTION`), les paliers
d'absentéisme dans ``models.absences``, les alertes dans ``models.alertes``. Tout est lu à travers les vues
publiques : une connexion restreinte (``models.acces``) obtient un accueil restreint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from . import absences as mabs
from . import alertes as mal
from . import conseil, lectures
from . import moyennes as mm
from .periodes import Periode, periode_precedente
from .records import rang_classe
from .reglages import Reglages, charger_reglages

if TYPE_CHECKING:
    from .warehouse import Warehouse

#: Nombre d'élèves montrés dans chaque sens (« ont progressé », « ont baissé »).
MOUVEMENTS_MAX = 5
#: L'écart de moyenne générale qui range un élève parmi ceux qui ont bougé : celui du conseil de classe.
SEUIL_EVOLUTION = conseil.SEUIL_EVOLUTION


# --- Périodes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodeCalendrier:
    """Une période du calendrier de l'établissement et sa place par rapport au jour ``au`` :
    ``etat`` vaut ``en_cours`` (``debut`` ≤ au ≤ ``fin``), ``terminee`` (la dernière commencée, achevée)
    ou ``a_venir`` (aucune n'a commencé : la première)."""

    annee: str
    periode: str
    debut: dt.date | None
    fin: dt.date | None
    etat: str

    @property
    def cle(self) -> Periode:
        return Periode(self.annee, self.periode)


def periode_courante(wh: "Warehouse", au: dt.date | None = None) -> PeriodeCalendrier | None:
    """La période qui contient ``au`` (aujourd'hui par défaut) ; entre deux périodes ou après la dernière,
    la dernière commencée (``terminee``) ; avant la première, celle-ci (``a_venir``) ; None sans période.
    Périodes : :func:`models.lectures.periodes` (calendrier de l'établissement et périodes des notes)."""
    au = au or dt.date.today()
    p = lectures.periodes(wh).filter(pl.col("debut").is_not_null())
    if p.is_empty():
        return None
    rows = p.sort("debut").iter_rows(named=True)
    commencees = [r for r in rows if r["debut"] <= au]
    for r in reversed(commencees):
        if r["fin"] is not None and r["fin"] >= au:
            return PeriodeCalendrier(r["annee"], r["periode"], r["debut"], r["fin"], "en_cours")
    if commencees:
        r = commencees[-1]
        return PeriodeCalendrier(r["annee"], r["periode"], r["debut"], r["fin"], "terminee")
    r = p.sort("debut").row(0, named=True)
    return PeriodeCalendrier(r["annee"], r["periode"], r["debut"], r["fin"], "a_venir")


def derniere_periode_notee(wh: "Warehouse", classe: str, au: dt.date | None = None) -> Periode | None:
    """La dernière période, dans l'ordre du calendrier, où un élève de ``classe`` a une note et qui a
    commencé au plus tard le jour ``au`` (aujourd'hui par défaut) ; None sans note."""
    au = au or dt.date.today()
    notees = wh.sql(
        """SELECT DISTINCT n.annee, n.periode FROM notes n JOIN eleves e USING (eleve_id)
           WHERE e.classe = $c""", {"c": classe})
    if notees.is_empty():
        return None
    ordre = lectures.periodes(wh).with_row_index("_rang")
    candidates = notees.join(ordre, on=["annee", "periode"], how="left").filter(
        pl.col("debut").is_null() | (pl.col("debut") <= au)).sort("_rang", nulls_last=False)
    if candidates.is_empty():
        return None
    return Periode(candidates["annee"][-1], candidates["periode"][-1])


# --- Professeur principal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccueilClasse:
    """L'accueil du professeur principal pour ``classe``.

    - ``periode`` : la période des moyennes (dernière notée) ; ``precedente`` : celle à laquelle on compare
      (``models.periodes``, d'une année à l'autre), None s'il n'y en a pas.
    - ``courante`` : la période du calendrier (sa fin : « fin de la période en cours »).
    - ``generale`` : ``moyenne`` (moyenne générale de la classe) et ``precedente`` (celle des mêmes élèves à
      la période précédente, None sans période précédente), sur 20.
    - ``matieres`` : ``matiere, famille, moyenne, precedente, ecart`` — la moyenne de la classe par matière et
      celle des mêmes élèves à la période précédente (``models.moyennes.comparaison_precedente``).
    - ``hausses`` / ``baisses`` : ``eleve_id, eleve, moyenne, moyenne_avant, variation`` — les élèves dont la
      moyenne générale a monté / baissé d'au moins :data:`models.conseil.SEUIL_EVOLUTION` point, les plus forts
      d'abord, :data:`MOUVEMENTS_MAX` au plus (la synthèse du conseil, :meth:`FeuilleConseil.progres`) ;
      ``nb_hausses`` / ``nb_baisses`` : combien ils sont en tout.
    - ``alertes`` : les alertes des élèves de la classe qui comptent dans la période en cours (leur
      ``periode_scolaire``), les plus graves d'abord (``models.alertes.SCHEMA``).
    """

    classe: str
    periode: Periode | None
    precedente: Periode | None
    courante: PeriodeCalendrier | None
    generale: dict | None
    matieres: pl.DataFrame
    hausses: pl.DataFrame
    baisses: pl.DataFrame
    alertes: pl.DataFrame
    nb_hausses: int = 0
    nb_baisses: int = 0


_MATIERES = {"matiere": pl.String, "famille": pl.String, "moyenne": pl.Float64, "precedente": pl.Float64,
             "ecart": pl.Float64}
_MOUVEMENTS = {"eleve_id": pl.String, "eleve": pl.String, "moyenne": pl.Float64, "moyenne_avant": pl.Float64,
               "variation": pl.Float64}


def accueil_classe(wh: "Warehouse", classe: str, *, au: dt.date | None = None,
                   reglages: Reglages | None = None) -> AccueilClasse:
    """L'accueil du professeur principal de ``classe`` au jour ``au`` (aujourd'hui par défaut) : voir
    :class:`AccueilClasse`. Les chiffres sont ceux de la feuille du conseil (``models.conseil.feuille``)."""
    r = reglages or charger_reglages()
    au = au or dt.date.today()
    courante = periode_courante(wh, au)
    periode = derniere_periode_notee(wh, classe, au)
    vide_alertes = pl.DataFrame(schema=mal.SCHEMA)
    if periode is None:
        al = mal.alertes(wh, classe=classe, reglages=r, au=au)
        if courante is not None:
            al = conseil.alertes_de_periode(al, courante.annee, courante.periode)
        return AccueilClasse(classe, None, None, courante, None, pl.DataFrame(schema=_MATIERES),
                             pl.DataFrame(schema=_MOUVEMENTS), pl.DataFrame(schema=_MOUVEMENTS),
                             al if courante is not None else vide_alertes)
    f = conseil.feuille(wh, classe, periode.periode, periode.annee, reglages=r, au=au)
    comparaison = mm.comparaison_precedente(wh, classe, periode.periode, annee=periode.annee, reglages=r)
    return assembler_accueil_classe(f, comparaison, courante)


def assembler_accueil_classe(f: "conseil.FeuilleConseil", comparaison: pl.DataFrame,
                             courante: PeriodeCalendrier | None) -> AccueilClasse:
    """:class:`AccueilClasse` tiré de la feuille du conseil ``f`` (la dernière période notée de la classe),
    de ``models.moyennes.comparaison_precedente`` pour la même classe et période, et de la période du
    calendrier ``courante`` (:func:`periode_courante`). Sans lecture : le tableau de bord passe la feuille
    qu'il a déjà en cache pour la page Conseil de classe (même calcul, fait une fois)."""
    periode = Periode(f.annee, f.periode)
    tous_hausse, tous_baisse = f.progres()
    hausses, baisses = (
        d.head(MOUVEMENTS_MAX).with_columns(moyenne_avant=pl.col("moyenne") - pl.col("variation"))
        .select(list(_MOUVEMENTS)) for d in (tous_hausse, tous_baisse))
    gen = f.generale()
    generale = None if gen is None else {"moyenne": gen["moyenne"], "precedente": _moyenne_precedente(f)}
    avant = (comparaison.filter(pl.col("periode") != f.periode).select("matiere", precedente="moyenne")
             if f.precedente is not None else pl.DataFrame(schema={"matiere": pl.String, "precedente": pl.Float64}))
    matieres = (f.matieres().select("matiere", "famille", "moyenne")
                .join(avant, on="matiere", how="left", maintain_order="left")
                .with_columns(ecart=pl.col("moyenne") - pl.col("precedente")))
    ref = courante.cle if courante is not None else periode
    al = conseil.alertes_de_periode(f.alertes, ref.annee, ref.periode)
    return AccueilClasse(f.classe, periode, f.precedente, courante, generale, matieres.cast(_MATIERES),
                         hausses.cast(_MOUVEMENTS), baisses.cast(_MOUVEMENTS), al,
                         nb_hausses=tous_hausse.height, nb_baisses=tous_baisse.height)


def generale_des_memes_eleves(maintenant: pl.DataFrame, avant: pl.DataFrame) -> float | None:
    """La moyenne générale de la classe à la période précédente, **pour les élèves notés maintenant** : la
    moyenne de leurs moyennes générales d'alors (où qu'ils fussent), comme
    ``models.moyennes.comparaison_precedente`` le fait matière par matière. ``maintenant`` / ``avant`` :
    lignes de ``models.moyennes.moyennes`` (``matiere`` nulle = moyenne générale) ; None si aucun de ces
    élèves n'a de moyenne générale avant."""
    ids = maintenant.filter(pl.col("matiere").is_null())["eleve_id"]
    passe = avant.filter(pl.col("matiere").is_null() & pl.col("eleve_id").is_in(ids.implode()))
    return None if passe.is_empty() else float(passe["moyenne"].mean())


def _moyenne_precedente(f: "conseil.FeuilleConseil") -> float | None:
    return None if f.precedente is None else generale_des_memes_eleves(f.moyennes, f.precedentes)


def resume_classe(wh: "Warehouse", classe: str, *, au: dt.date | None = None,
                  reglages: Reglages | None = None) -> dict:
    """Pour l'accueil d'un enseignant : ``periode`` (la dernière notée de la classe, son nom ; None sans
    note), ``moyenne`` (moyenne générale de la classe) et ``ecart`` (avec celle des mêmes élèves à la période
    précédente, :func:`generale_des_memes_eleves` ; None sans période précédente)."""
    periode = derniere_periode_notee(wh, classe, au)
    if periode is None:
        return {"periode": None, "moyenne": None, "ecart": None}
    r = reglages or charger_reglages()
    maintenant = mm.moyennes(wh, classe=classe, periode=periode.periode, annee=periode.annee, reglages=r).filter(
        pl.col("matiere").is_null())
    if maintenant.is_empty():
        return {"periode": periode.periode, "moyenne": None, "ecart": None}
    moyenne = maintenant["moyenne_classe"][0]
    avant = periode_precedente(wh, periode.annee, periode.periode)
    ecart = None
    if avant is not None:
        passe = mm.moyennes(wh, periode=avant.periode, annee=avant.annee, eleves=maintenant["eleve_id"].to_list(),
                            reglages=r)
        precedente = generale_des_memes_eleves(maintenant, passe)
        ecart = None if precedente is None else moyenne - precedente
    return {"periode": periode.periode, "moyenne": moyenne, "ecart": ecart}


def accueil_enseignant(wh: "Warehouse", classes: tuple[str, ...] | list[str], *, au: dt.date | None = None,
                       reglages: Reglages | None = None) -> tuple[PeriodeCalendrier | None, pl.DataFrame]:
    """L'accueil d'un enseignant : (période courante, une ligne par classe de ``classes`` qui a des élèves —
    ``classe, effectif, periode, moyenne, ecart`` de :func:`resume_classe`), dans l'ordre de ``classes``.
    Une seule lecture pour toute la page (chaque lecture ouvre une connexion restreinte)."""
    connues = lectures.classes(wh).select("classe", "effectif")
    lignes = []
    for c in classes:
        effectif = connues.filter(pl.col("classe") == c)["effectif"]
        if effectif.len():
            lignes.append({"classe": c, "effectif": int(effectif[0]), **resume_classe(wh, c, au=au, reglages=reglages)})
    schema = {"classe": pl.String, "effectif": pl.Int64, "periode": pl.String, "moyenne": pl.Float64,
              "ecart": pl.Float64}
    return periode_courante(wh, au), pl.DataFrame(lignes, schema=schema, orient="row")


def periodes_de_classe(wh: "Warehouse", classe: str, au: dt.date | None = None
                       ) -> tuple[Periode | None, PeriodeCalendrier | None]:
    """(:func:`derniere_periode_notee` de ``classe``, :func:`periode_courante`) en une lecture."""
    return derniere_periode_notee(wh, classe, au), periode_courante(wh, au)


# --- CPE ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccueilVieScolaire:
    """L'accueil du CPE.

    - ``mois`` : le dernier mois civil (le 1er) où une absence non justifiée ou en attente est comptée, au
      plus celui du jour ; None sans absence. ``mois_precedent`` : le mois d'avant.
    - ``franchissements`` : les élèves au palier ``absences_mois`` (≥ 4) ou ``absences_persistance`` (≥ 10)
      ce mois-là (``models.absences.regle_mensuelle``, L131-8 et R131-7, circulaire 2014-159) —
      ``eleve_id, nom, prenom, classe, non_justifiees, en_attente, regle`` ; du plus grand nombre de
      demi-journées au plus petit.
    - ``paliers`` / ``paliers_precedents`` : palier → nombre d'élèves ce mois-là / le mois précédent.
    - ``en_attente`` : les absences dont le justificatif est attendu (``models.lectures.absences_en_attente``),
      les plus anciennes d'abord.
    """

    mois: dt.date | None
    mois_precedent: dt.date | None
    franchissements: pl.DataFrame
    paliers: dict[str, int]
    paliers_precedents: dict[str, int]
    en_attente: pl.DataFrame


def _mois_precedent(m: dt.date) -> dt.date:
    return (m.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def accueil_vie_scolaire(wh: "Warehouse", *, au: dt.date | None = None,
                         reglages: Reglages | None = None) -> AccueilVieScolaire:
    """L'accueil du CPE au jour ``au`` (aujourd'hui par défaut) : voir :class:`AccueilVieScolaire`."""
    r = reglages or charger_reglages()
    au = au or dt.date.today()
    par_mois = mabs.non_justifiees_par_mois(wh, reglages=r).filter(pl.col("mois") <= au.replace(day=1))
    attente = lectures.absences_en_attente(wh).sort("debut")
    regles = ("absences_persistance", "absences_mois")
    if par_mois.is_empty():
        vide = pl.DataFrame(schema={"eleve_id": pl.String, "nom": pl.String, "prenom": pl.String,
                                    "classe": pl.String, "non_justifiees": pl.Int32, "en_attente": pl.Int32,
                                    "regle": pl.String})
        return AccueilVieScolaire(None, None, vide, dict.fromkeys(regles, 0), dict.fromkeys(regles, 0), attente)
    mois = par_mois["mois"].max()
    precedent = _mois_precedent(mois)
    paliers = par_mois.with_columns(regle=mabs.regle_mensuelle_expr(r))

    def compte(m: dt.date) -> dict[str, int]:
        du = paliers.filter(pl.col("mois") == m)
        return {g: int((du["regle"] == g).sum()) for g in regles}

    eleves = lectures.eleves(wh).select("eleve_id", "nom", "prenom", "classe")
    franchis = (
        paliers.filter((pl.col("mois") == mois) & pl.col("regle").is_not_null())
        .join(eleves, on="eleve_id", how="inner")
        .select("eleve_id", "nom", "prenom", "classe", "non_justifiees", "en_attente", "regle")
        .sort(["non_justifiees", "classe", "nom", "prenom"], descending=[True, False, False, False])
    )
    return AccueilVieScolaire(mois, precedent, franchis, compte(mois), compte(precedent), attente)


# --- Coordination ULIS --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccueilUlis:
    """L'accueil de la coordination ULIS.

    - ``eleves`` : les élèves du dispositif (``models.lectures.DISPOSITIF_ULIS``) — ``eleve_id, nom, prenom,
      classe, evaluations`` (nombre), ``derniere`` (date de la dernière évaluation, None sans évaluation) —
      dans l'ordre alphabétique.
    - ``recentes`` : les évaluations datées des ``jours`` derniers jours avant la plus récente (au plus
      ``limite``), les plus récentes d'abord — ``date, eleve_id, nom, prenom, classe, referentiel, domaine,
      item, niveau``.
    """

    eleves: pl.DataFrame
    recentes: pl.DataFrame


def accueil_ulis(wh: "Warehouse", *, jours: int = 30, limite: int = 40) -> AccueilUlis:
    """Voir :class:`AccueilUlis`. ``jours`` : la fenêtre des évaluations récentes, comptée depuis la plus
    récente évaluation du dispositif (pas depuis aujourd'hui : un relevé importé après les vacances reste
    « récent »)."""
    eleves = lectures.eleves(wh, lectures.DISPOSITIF_ULIS).select("eleve_id", "nom", "prenom", "classe")
    comp = lectures.competences(wh, classe=lectures.DISPOSITIF_ULIS).filter(pl.col("niveau").is_not_null())
    par_eleve = comp.group_by("eleve_id").agg(evaluations=pl.len().cast(pl.Int64), derniere=pl.col("date").max())
    eleves = eleves.join(par_eleve, on="eleve_id", how="left", maintain_order="left").with_columns(
        pl.col("evaluations").fill_null(0))
    datees = comp.filter(pl.col("date").is_not_null())
    if datees.is_empty():
        recentes = datees
    else:
        borne = datees["date"].max() - dt.timedelta(days=jours)
        recentes = datees.filter(pl.col("date") > borne)
    recentes = recentes.sort(["date", "nom", "prenom", "referentiel", "domaine", "item"],
                             descending=[True, False, False, False, False, False]).head(limite).select(
        "date", "eleve_id", "nom", "prenom", "classe", "referentiel", "domaine", "item", "niveau")
    return AccueilUlis(eleves, recentes)


# --- Direction ----------------------------------------------------------------------------------------

_GRAVITES = tuple(mal.GRAVITES)


def _par(al: pl.DataFrame, effectifs: pl.DataFrame, cle: str) -> pl.DataFrame:
    comptes = al.group_by(cle).agg(
        eleves_en_alerte=pl.col("eleve_id").n_unique().cast(pl.Int64),
        **{g: (pl.col("gravite") == g).sum().cast(pl.Int64) for g in _GRAVITES},
    )
    sortie = effectifs.join(comptes, on=cle, how="left", nulls_equal=True).with_columns(
        pl.col("eleves_en_alerte", *_GRAVITES).fill_null(0))
    return _ordre_etablissement(sortie, cle)


def _ordre_etablissement(df: pl.DataFrame, cle: str) -> pl.DataFrame:
    """Trie ``df`` sur ``cle`` dans l'ordre des établissements (6e → 3e, 2nde → Tle, CAP, le reste :
    ``models.records.rang_classe``) ; une valeur vide en dernier."""
    valeurs = df[cle].to_list()
    ordre = sorted(range(len(valeurs)), key=lambda i: (valeurs[i] is None, rang_classe(valeurs[i] or "")))
    return df[ordre]


def alertes_de_la_periode(wh: "Warehouse", *, au: dt.date | None = None,
                          reglages: Reglages | None = None) -> tuple[PeriodeCalendrier | None, pl.DataFrame]:
    """(période courante, ses alertes) — les alertes de tout le périmètre qui comptent dans la période en
    cours (``periode_scolaire``, :func:`periode_courante`) ; toutes s'il n'y a pas de période."""
    au = au or dt.date.today()
    courante = periode_courante(wh, au)
    al = mal.alertes(wh, reglages=reglages, au=au)
    if courante is not None:
        al = conseil.alertes_de_periode(al, courante.annee, courante.periode)
    return courante, al


def alertes_par_classe(al: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    """Par classe (``classes`` : :func:`models.lectures.classes`) : ``classe, niveau, effectif,
    eleves_en_alerte`` (élèves distincts) et le nombre d'alertes de chaque gravité (``alerte``,
    ``attention``, ``info``) parmi ``al`` ; toutes les classes, même sans alerte, dans l'ordre des
    établissements."""
    effectifs = classes.select("classe", "niveau", pl.col("effectif").cast(pl.Int64))
    return _par(al.select("eleve_id", "classe", "gravite"), effectifs, "classe")


def alertes_par_niveau(al: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    """Comme :func:`alertes_par_classe`, niveau par niveau : ``niveau, classes`` (nombre), ``effectif``,
    ``eleves_en_alerte`` et le nombre d'alertes de chaque gravité. Le niveau d'une alerte est celui de la
    classe de l'élève ; une classe sans niveau déclaré compte sous « niveau » vide."""
    niveaux = classes.select("classe", "niveau")
    effectifs = classes.group_by("niveau").agg(classes=pl.len().cast(pl.Int64),
                                                effectif=pl.col("effectif").sum().cast(pl.Int64))
    al = al.select("eleve_id", "classe", "gravite").join(niveaux, on="classe", how="left")
    return _par(al, effectifs, "niveau")
