"""``pronote-notes`` : l'export de la page Notes d'un professeur, un fichier par service.

Le nom du fichier est le service (``MATHEMATIQUES.csv``), sauf option ``matiere``. Disposition lue
(celle du client web, reconstituée ; les titres sont comparés avec tolérance, voir :data:`COLONNES`) ::

    Élève;Classe;TD/Option;Absences;Moyenne;Moyenne brute;Bonus/Malus;Moyenne de la période;Devoir du 03/10/2025 - DS1;Devoir du 17/10/2025 - Oral (bonus)
    ;;;;;;;;Sur 20 - Coef. 2;Sur 10 - Coef. 0,5
    ;;;;;;;;ANGLAIS LV1 > Expression écrite;
    "DUPONT Jean-Marie";"3A";"";0;"12,50";"12,00";"+0,50";"12,50";"15,50";"Abs"
    "Moyenne de la classe";;;;"11,20";"11,00";;"11,20";"13,25";"7,00"

- **une colonne par devoir** ; ses lignes d'en-tête, coupées en segments `` - ``, portent la date
  (``JJ/MM/AAAA``, obligatoire), le barème (``Sur 20`` ou ``/20``, 20 par défaut), le coefficient
  (``Coef. 2``, 1 par défaut), les drapeaux ``(bonus)`` et ``(facultatif)`` ; le reste est le titre, gardé
  entier. Barème et coefficient ne sont lus que dans **leur propre segment**, sur la ligne de Pronote
  (la seconde quand il y en a deux) : le titre du professeur est libre, « Dictée sur 10 mots » ou
  « DS 1/2 » ne changent pas le barème. Une troisième ligne d'en-tête, si elle existe, donne le service
  (ou sous-service « ANGLAIS LV1 > Expression écrite ») du devoir. Les en-têtes peuvent tenir sur une
  seule ligne (« Devoir du 03/10/2025 - DS1 - Sur 20 - Coef. 2 ») ;
- cellules de note : nombre à virgule ou jeton spécial (:data:`connectors.pronote_csv.JETONS_NOTE`) ; vide =
  pas de note ; ``X`` = élève non concerné (note de statut ``non_concerne``) ;
- la colonne « Moyenne » de Pronote devient une :class:`MoyenneSource` (source « pronote ») seulement si
  la période est connue (option ``periode``) ; une moyenne vide ou masquée reste vide, jamais 0. La
  ligne « Moyenne de la classe » en fin de fichier donne ``moyenne_classe`` ;
- les colonnes Absences, Moyenne brute, Bonus/Malus sont lues pour être reconnues mais pas stockées :
  Vigie recalcule les moyennes à partir des notes.

Options : ``matiere`` (sinon le nom du fichier, qui doit alors désigner une matière déclarée par
l'établissement, sauf ``nouvelles_matieres=oui``), ``classe`` (obligatoire sans colonne Classe),
``periode`` (sinon l'entrepôt la déduit de la date du devoir), ``ramener_sur_20`` (booléen : chaque
devoir du fichier compte sur 20 quel que soit son barème ; l'export ne le dit pas, et sans l'option c'est
:data:`models.records.RAMENER_SUR_20_PAR_DEFAUT`, **non**, comme pour le connecteur en direct).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from models.errors import ImportRejected
from models.records import (
    RAMENER_SUR_20_PAR_DEFAUT,
    Devoir,
    Lot,
    MoyenneSource,
    NotesLues,
    RefEleve,
)

from .common import cle_entete, date_fr, lire_texte
from .pronote_csv import (
    MAX_ENTETES,
    Ligne,
    Tableau,
    decouper_plusieurs,
    est_ligne_total,
    lire_moyenne,
    lire_note,
    nb_entetes,
    titre_plat,
    trouver_colonnes,
)
from .options import CLASSE, MATIERE, NOUVELLES_MATIERES, PERIODE, Option

SOURCE = "pronote-notes"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS = {
    "matiere": MATIERE, "classe": CLASSE, "periode": PERIODE, "nouvelles_matieres": NOUVELLES_MATIERES,
    "ramener_sur_20": Option("booleen", "ramener chaque devoir sur 20 pour la moyenne (oui / non)"),
}

#: Colonnes fixes → titres possibles. Toute autre colonne dont l'en-tête porte une date est un devoir.
COLONNES: dict[str, tuple[str, ...]] = {
    "eleve": ("Élève", "Élèves", "Nom", "Nom de l'élève", "Nom - Prénom", "Nom et prénom"),
    "classe": ("Classe", "Classes"),
    "groupe": ("TD/Option", "TD / Option", "Option", "TD", "Groupe", "Groupes"),
    "absences": ("Absences", "Abs.", "Nb absences"),
    "moyenne": ("Moyenne", "Moy.", "Moyenne élève", "Moy. élève"),
    "moyenne_brute": ("Moyenne brute", "Moy. brute"),
    "bonus_malus": ("Bonus/Malus", "Bonus / Malus", "Bonus-Malus"),
    "moyenne_periode": ("Moyenne de la période", "Moy. période", "Moyenne période"),
}

_DATE = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b")
#: Les segments (séparés par `` - ``) qui portent la date, le barème, le coefficient : le segment ENTIER
#: doit avoir cette forme. Le titre est le texte libre du professeur (« Dictée sur 10 mots », « DS 1/2 ») :
#: un « sur 10 » ou un « /2 » qui s'y trouve n'est jamais un barème (Pronote écrit le barème dans son
#: propre segment, « Sur 5 - Coef. 1 », sur la ligne d'en-tête sous le titre).
_SEGMENT_DATE = re.compile(r"(?:devoir\s+du\s*)?(\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_SEGMENT_BAREME = re.compile(r"(?:sur\s*|/\s*)(\d+(?:[.,]\d+)?)", re.IGNORECASE)
_SEGMENT_COEF = re.compile(r"coef(?:f|ficient)?\.?\s*:?\s*(\d+(?:[.,]\d+)?)", re.IGNORECASE)
#: Drapeaux écrits dans l'en-tête d'un devoir (n'importe où : « Contrôle (bonus) »).
DRAPEAUX: dict[str, re.Pattern[str]] = {
    "bonus": re.compile(r"\(\s*bonus\s*\)", re.IGNORECASE),
    "facultatif": re.compile(r"\(\s*(?:facultatif|fac\.?|optionnel)\s*\)", re.IGNORECASE),
}
_MOTS_DEVOIR = re.compile(r"^\s*devoir\s+du\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ColonneDevoir:
    index: int
    titre: str
    date: dt.date
    bareme: float
    coefficient: float
    bonus: bool
    facultatif: bool
    service: str | None  # sous-service écrit dans l'en-tête, sinon None (le service du fichier)


def lire_entete_devoir(titres: tuple[str, ...], *, fichier: Path, ligne: int, colonne: int) -> ColonneDevoir | None:
    """Les lignes d'en-tête d'une colonne → son devoir ; None si ce n'est pas une colonne de devoir.

    Les deux premières lignes portent titre, date, barème, coefficient ; la troisième, le service.
    """
    try:
        lu = _lire_entete(titres)
    except _EnteteIllisible as err:
        raise ImportRejected(str(err), fichier=fichier, ligne=ligne, colonne=colonne + 1) from None
    return None if lu is None else ColonneDevoir(colonne, *lu)


class _EnteteIllisible(ValueError):
    """Un en-tête de devoir illisible ; :func:`lire_entete_devoir` le situe dans le fichier."""


@functools.lru_cache(maxsize=1 << 14)
def _lire_entete(titres: tuple[str, ...]) -> tuple | None:
    """Titre, date, barème, coefficient, bonus, facultatif, service d'un en-tête de devoir.

    Les deux premières lignes sont coupées en segments `` - `` ; un segment n'est date, barème ou
    coefficient que s'il l'est en entier (« Devoir du 03/10/2025 », « Sur 5 », « /20 », « Coef. 2 »).
    Quand l'en-tête a deux lignes, barème et coefficient ne sont lus que sur la seconde (celle de
    Pronote) : la première est le titre du professeur, gardé entier. Tout segment qui n'est ni date,
    ni barème, ni coefficient appartient au titre.
    """
    # Mis en cache : les exports d'une année répètent les mêmes en-têtes de devoirs d'une classe à l'autre.
    lignes = [t for t in titres[:2] if t]
    service = titres[2].strip() if len(titres) > 2 and titres[2].strip() else None
    texte = " - ".join(lignes)
    if not texte:
        return None
    # Les drapeaux « (bonus) », « (facultatif) » peuvent suivre n'importe quel segment (« Coef. 2 (bonus) ») :
    # relevés sur tout l'en-tête, puis retirés avant de reconnaître les segments.
    drapeaux = {cle: bool(motif.search(texte)) for cle, motif in DRAPEAUX.items()}
    sans_drapeaux = [functools.reduce(lambda t, m: m.sub(" ", t), DRAPEAUX.values(), ligne) for ligne in lignes]
    segments = [[re.sub(r"[ \t]+", " ", s).strip() for s in ligne.split(" - ")] for ligne in sans_drapeaux]
    ligne_bareme = len(segments) - 1  # la seule ligne où un barème ou un coefficient est lu
    date: dt.date | None = None
    bareme: float | None = None
    coef: float | None = None
    titre: list[str] = []
    bareme_vu = False
    # La date : le segment « Devoir du JJ/MM/AAAA » (ou la date seule) ; à défaut, une date écrite dans
    # un segment de la première ligne (« 03/10/2025 Contrôle »), retirée du titre.
    position = next(((r, i) for r, ligne in enumerate(segments) for i, seg in enumerate(ligne)
                     if _SEGMENT_DATE.fullmatch(seg)), None)
    if position is None:
        position = next(((0, i) for i, seg in enumerate(segments[0]) if _DATE.search(seg)), None)
    for r, ligne in enumerate(segments):
        for i, seg in enumerate(ligne):
            if (r, i) == position:
                if entier := _SEGMENT_DATE.fullmatch(seg):  # « Devoir du 03/10/2025 », même « Devoir du03/10/2025 »
                    date, seg = _date(entier.group(1), texte), ""
                else:  # une date écrite dans un segment du titre (trouvée par _DATE)
                    d = _DATE.search(seg)
                    assert d is not None
                    date = _date(d.group(1), texte)
                    seg = _MOTS_DEVOIR.sub("", (seg[: d.start()] + " " + seg[d.end():]).strip()).strip()
            if not seg:
                continue
            if r == ligne_bareme and bareme is None and (b := _SEGMENT_BAREME.fullmatch(seg)):
                bareme = _decimal(b.group(1))
                continue
            if r == ligne_bareme and coef is None and (c := _SEGMENT_COEF.fullmatch(seg)):
                coef = _decimal(c.group(1))
                continue
            bareme_vu = bareme_vu or bool(_SEGMENT_BAREME.fullmatch(seg) or _SEGMENT_COEF.fullmatch(seg))
            titre.append(seg)
    if date is None:
        if bareme is not None or coef is not None or bareme_vu or _MOTS_DEVOIR.match(texte):
            raise _EnteteIllisible(f"date du devoir introuvable dans l'en-tête « {texte} » (attendu JJ/MM/AAAA)")
        return None
    reste = re.sub(r"[ \t]+", " ", " - ".join(titre)).strip(" -")
    valeur_bareme = 20.0 if bareme is None else bareme
    valeur_coef = 1.0 if coef is None else coef
    if not 1 <= valeur_bareme <= 99 or not 0 <= valeur_coef <= 99:
        raise _EnteteIllisible(f"barème ou coefficient hors limites dans l'en-tête « {texte} »")
    return reste, date, valeur_bareme, valeur_coef, drapeaux["bonus"], drapeaux["facultatif"], service


def _date(texte: str, entete: str) -> dt.date:
    try:
        return date_fr(texte)
    except ValueError:
        raise _EnteteIllisible(f"date invalide dans l'en-tête « {entete} »") from None


def _decimal(texte: str) -> float:
    return float(texte.replace(",", "."))


def lire(chemin: Path, **options: Any) -> Lot:
    """Lit l'export de la page Notes d'un service (voir le docstring du module pour les options) : un paquet
    d'un seul fichier pour :func:`lire_plusieurs`, le seul chemin de lecture. Refus → :class:`ImportRejected`."""
    lu = lire_plusieurs([(chemin, options)])[0]
    if isinstance(lu, ImportRejected):
        raise lu
    return lu


def _devoir(cd: ColonneDevoir, classe: str, matiere: str, periode: str | None, ramener: bool,
            toutes: list[ColonneDevoir]) -> Devoir:
    # deux devoirs du même jour et du même titre (deux colonnes « Interro ») : le rang les distingue
    rang = sum(1 for c in toutes if c.index < cd.index and (c.date, c.titre, c.service) == (cd.date, cd.titre, cd.service))
    return Devoir(
        classe=classe, matiere=cd.service or matiere, date=cd.date, periode=periode, titre=cd.titre,
        bareme=cd.bareme, coefficient=cd.coefficient, ramener_sur_20=ramener, bonus=cd.bonus,
        facultatif=cd.facultatif, rang=rang,
    )


# --- Lecture ensembliste d'un paquet d'exports ---------------------------------------------------------


@dataclass
class _Fichier:
    """Ce qu'on sait d'un fichier du paquet avant ses lignes de données (options, en-têtes, colonnes)."""

    chemin: Path
    options: dict[str, Any]
    matiere: str = ""
    classe_option: str | None = None
    periode: str | None = None
    ramener: bool = RAMENER_SUR_20_PAR_DEFAUT
    tableau: Tableau | None = None
    cols: dict[str, int] | None = None
    colonnes_devoirs: list[ColonneDevoir] | None = None
    col_moy: int | None = None
    nb_lignes: int = 0


def lire_plusieurs(entrees: list[tuple[Path, dict[str, Any]]]) -> list[Lot | ImportRejected]:
    """Lit un paquet d'exports de la page Notes **ensemble** : un résultat par entrée, dans l'ordre —
    le :class:`Lot` du fichier, ou le :class:`ImportRejected` qui le refuse (mêmes lots et mêmes refus,
    message, ligne, colonne, que :func:`lire` fichier par fichier).

    Le texte de chaque fichier est décodé en Python (UTF-8, Windows-1252 : :func:`connectors.common.lire_texte`),
    les lignes de tout le paquet sont découpées par Polars (:func:`connectors.pronote_csv.decouper_plusieurs`),
    les en-têtes (trois lignes au plus par fichier) lus en Python, puis les cellules de notes de tout le paquet
    mises en colonnes et **chaque valeur distincte** (texte et barème, nom d'élève, moyenne) lue une fois.
    Le premier refus d'un fichier est celui que la lecture ligne par ligne rencontrerait : les refus possibles
    de chaque ligne sont rangés par (ligne, étape de la lecture d'une ligne, colonne)."""
    resultats: list[Lot | ImportRejected | None] = [None] * len(entrees)
    fichiers: dict[int, _Fichier] = {}
    textes: list[str] = []
    indices: list[int] = []
    for i, (chemin, options) in enumerate(entrees):
        try:
            fichiers[i] = _preparer_fichier(chemin, options)
            textes.append(lire_texte(chemin))
            indices.append(i)
        except ImportRejected as err:
            resultats[i] = err
    lignes, refus = decouper_plusieurs(textes, [entrees[i][0] for i in indices])
    for f, err in refus.items():
        resultats[indices[f]] = err
    lignes = lignes.with_columns(f=_selon(pl.col("f"), dict(enumerate(indices)), pl.Int32),
                                 rang=pl.int_range(pl.len(), dtype=pl.Int32).over("f"))
    # En-têtes : fichier par fichier, sur ses trois premières lignes.
    tetes: dict[int, list[Ligne]] = {}
    for f, numero, cellules, citees in lignes.filter(pl.col("rang") < MAX_ENTETES).select(
            "f", "numero", "cellules", "citees").iter_rows():
        tetes.setdefault(f, []).append(Ligne(numero, tuple(cellules), tuple(citees)))
    comptes = dict(lignes.group_by("f").len().iter_rows())
    for i in indices:
        if resultats[i] is not None:
            continue
        try:
            _lire_entetes(fichiers[i], tetes.get(i, []), comptes.get(i, 0))
        except ImportRejected as err:
            resultats[i] = err
    ok = [i for i in indices if resultats[i] is None]
    for i, lot in _lire_donnees(lignes.filter(pl.col("f").is_in(ok)), {i: fichiers[i] for i in ok}).items():
        resultats[i] = lot
    return resultats  # type: ignore[return-value]


def _preparer_fichier(chemin: Path, options: dict[str, Any]) -> _Fichier:
    inconnues = set(options) - {"matiere", "classe", "periode", "ramener_sur_20", "nouvelles_matieres"}
    if inconnues:
        raise ImportRejected(f"option(s) inconnue(s) pour {SOURCE} : {', '.join(sorted(inconnues))}", fichier=chemin)
    ramener = options.get("ramener_sur_20", RAMENER_SUR_20_PAR_DEFAUT)
    if isinstance(ramener, str):
        ramener = cle_entete(ramener) not in {"non", "false", "0", "faux", "no"}
    return _Fichier(chemin, options, matiere=str(options.get("matiere") or chemin.stem).strip(),
                    classe_option=(options.get("classe") or "").strip() or None,
                    periode=(options.get("periode") or "").strip() or None, ramener=bool(ramener))


def _lire_entetes(fi: _Fichier, tete: list[Ligne], nb_lignes: int) -> None:
    """Les en-têtes d'un fichier : colonnes fixes, colonnes de devoirs ; refus situés."""
    chemin = fi.chemin
    if not tete:
        raise ImportRejected("le fichier ne contient aucune ligne", fichier=chemin)
    n = nb_entetes(tete)
    tableau = fi.tableau = Tableau(chemin, tete[:n], [])
    fi.nb_lignes = nb_lignes - n
    titres = tableau.titres
    plats = [titre_plat(t) for t in titres]
    cols = fi.cols = trouver_colonnes(plats, COLONNES, requises=["eleve"], fichier=chemin, ligne=tableau.ligne_entete)
    if "classe" not in cols and not fi.classe_option:
        raise ImportRejected(
            "colonne « Classe » absente : précisez la classe (option classe)",
            fichier=chemin, ligne=tableau.ligne_entete, colonne="Classe",
        )
    fixes = set(cols.values())
    fi.colonnes_devoirs = [
        d for i, t in enumerate(titres) if i not in fixes
        if (d := lire_entete_devoir(t, fichier=chemin, ligne=tableau.entetes[0].numero, colonne=i))
    ]
    if not fi.colonnes_devoirs and "moyenne" not in cols:
        raise ImportRejected(
            "aucune colonne de devoir (en-tête avec une date JJ/MM/AAAA) ni de moyenne",
            fichier=chemin, ligne=tableau.ligne_entete, colonne=len(plats),
        )
    fi.col_moy = cols.get("moyenne", cols.get("moyenne_periode"))


#: Une colonne absente : un indice au-delà de toute ligne (la cellule lue est alors vide).
_ABSENTE = 1 << 30


def _cellule(indice: str) -> pl.Expr:
    return pl.col("cellules").list.get(pl.col(indice), null_on_oob=True).fill_null("")


def _par_valeur(serie: pl.Series, lire_valeur: Any) -> dict[str, Any]:
    """Chaque valeur distincte de ``serie`` lue une fois par ``lire_valeur``."""
    return {v: lire_valeur(v) for v in serie.unique().to_list()}


class _Refus:
    """Le refus d'une valeur lue hors de son fichier : sa raison, situé ensuite (fichier, ligne, colonne)."""

    def __init__(self, raison: str) -> None:
        self.raison = raison


def _essayer(lire_valeur: Any) -> Any:
    def lire_ou_refus(*args: Any) -> Any:
        try:
            return lire_valeur(*args)
        except ImportRejected as err:
            return _Refus(err.raison)
    return lire_ou_refus


def _lire_donnees(lignes: pl.DataFrame, fichiers: dict[int, _Fichier]) -> dict[int, Lot | ImportRejected]:
    """Les lignes de données de tous les fichiers (en-têtes lus) : lots, ou premier refus de chaque fichier."""
    if not fichiers:
        return {}
    meta = pl.DataFrame(
        [(i, len(fi.tableau.entetes), fi.cols["eleve"], fi.cols.get("classe", _ABSENTE),
          _ABSENTE if fi.col_moy is None else fi.col_moy, fi.classe_option or "")
         for i, fi in fichiers.items()],
        schema={"f": pl.Int32, "n_entetes": pl.Int32, "i_eleve": pl.Int32, "i_classe": pl.Int32,
                "i_moy": pl.Int32, "classe_option": pl.String}, orient="row")
    d = (lignes.join(meta, on="f").filter(pl.col("rang") >= pl.col("n_entetes"))
         .with_columns(nom=_cellule("i_eleve"), classe_cellule=_cellule("i_classe"), moy=_cellule("i_moy")))
    # Chaque nom distinct : total ou élève ? (est_ligne_total), moyenne de la classe ?
    cles = _par_valeur(pl.concat([d["nom"], d["classe_cellule"]]), cle_entete)
    totaux = {v: est_ligne_total(Ligne(0, (v,), (False,))) for v in d["nom"].unique().to_list()}
    d = d.with_columns(
        total=_selon(pl.col("nom"), totaux, pl.Boolean),
        cle_nom=_selon(pl.col("nom"), cles, pl.String),
        cle_classe=_selon(pl.col("classe_cellule"), cles, pl.String),
        classe=pl.when(pl.col("classe_cellule") != "").then("classe_cellule").otherwise("classe_option"),
    )
    # Les refus possibles de chaque ligne, rangés comme la lecture ligne par ligne les rencontrerait :
    # (ligne, étape, colonne) ; étape 0 moyenne de la classe, 1 doublon, 2 classe vide, 3 notes, 4 moyenne.
    evenements: list[pl.DataFrame] = []
    schema_ev = {"f": pl.Int32, "numero": pl.Int32, "etape": pl.Int32, "k": pl.Int32, "raison": pl.String,
                 "colonne": pl.String}
    avec_moy = [i for i, fi in fichiers.items() if fi.col_moy is not None]
    lues_moy: dict[str, Any] = {}

    def lire_moy(texte: str) -> Any:
        return _essayer(lambda t: lire_moyenne(t, fichier=None, ligne=None, colonne=None))(texte)

    classe_moy = d.filter(pl.col("total") & pl.col("f").is_in(avec_moy) & pl.col("cle_nom").str.starts_with("moyenne"))
    eleves = d.filter(~pl.col("total"))
    periodes = [i for i in avec_moy if fichiers[i].periode]
    moy_eleves = eleves.filter(pl.col("f").is_in(periodes))
    lues_moy = _par_valeur(pl.concat([classe_moy["moy"], moy_eleves["moy"]]), lire_moy)
    for etape, cadre in ((0, classe_moy), (4, moy_eleves)):
        mauvaises = [v for v, lu in lues_moy.items() if isinstance(lu, _Refus)]
        if mauvaises and cadre.height:
            ev = cadre.filter(pl.col("moy").is_in(mauvaises)).select(
                "f", "numero", etape=pl.lit(etape, pl.Int32), k=pl.lit(0, pl.Int32),
                raison=_selon(pl.col("moy"), {v: lues_moy[v].raison for v in mauvaises}, pl.String),
                colonne=_selon(pl.col("f"), {i: fichiers[i].tableau.nom_colonne(fichiers[i].col_moy) for i in avec_moy},
                               pl.String))
            evenements.append(ev)
    # Le même élève deux fois avec d'autres valeurs (la première ligne fait foi).
    groupe = ["f", "cle_classe", "cle_nom"]
    eleves = eleves.with_columns(premiere=pl.col("numero").first().over(groupe),
                                 doublon=pl.col("cellules") != pl.col("cellules").first().over(groupe))
    noms_eleve = {i: fi.tableau.nom_colonne(fi.cols["eleve"]) for i, fi in fichiers.items()}
    evenements.append(eleves.filter("doublon").select(
        "f", "numero", etape=pl.lit(1, pl.Int32), k=pl.lit(0, pl.Int32),
        raison=pl.format("élève « {} » déjà présent ligne {} avec d'autres valeurs", "nom", "premiere"),
        colonne=_selon(pl.col("f"), noms_eleve, pl.String)))
    noms_classe = {i: fi.tableau.nom_colonne(fi.cols["classe"]) if "classe" in fi.cols else "" for i, fi in fichiers.items()}
    evenements.append(eleves.filter(pl.col("classe") == "").select(
        "f", "numero", etape=pl.lit(2, pl.Int32), k=pl.lit(0, pl.Int32), raison=pl.lit("classe vide"),
        colonne=_selon(pl.col("f"), noms_classe, pl.String)))
    # Les cellules de notes : une rangée par élève et colonne de devoir non vide ; chaque (texte, barème)
    # distinct lu une fois.
    dcols = pl.DataFrame(
        [(i, k, cd.index, cd.bareme, fi.tableau.nom_colonne(cd.index))
         for i, fi in fichiers.items() for k, cd in enumerate(fi.colonnes_devoirs)],
        schema={"f": pl.Int32, "k": pl.Int32, "indice": pl.Int32, "bareme": pl.Float64, "nom_colonne": pl.String},
        orient="row")
    eleves = eleves.with_columns(e=pl.int_range(pl.len(), dtype=pl.Int32).over("f"))
    cellules = (eleves.select("f", "numero", "e", "classe", "cellules").join(dcols, on="f")
                .with_columns(texte=_cellule("indice")).drop("cellules").filter(pl.col("texte") != "")
                .sort("f", "numero", "k"))
    paires = cellules.select("texte", "bareme").unique()
    lire_n = _essayer(lambda t, b: lire_note(t, fichier=None, ligne=None, colonne=None, bareme=b))
    lues = [lire_n(t, b) for t, b in paires.iter_rows()]
    paires = paires.with_columns(
        refus=pl.Series([lu.raison if isinstance(lu, _Refus) else None for lu in lues], dtype=pl.String),
        vide=pl.Series([lu is None for lu in lues], dtype=pl.Boolean),
        valeur=pl.Series([lu[0] if isinstance(lu, tuple) else None for lu in lues], dtype=pl.Float64),
        statut=pl.Series([lu[1].value if isinstance(lu, tuple) else None for lu in lues], dtype=pl.String),
    )
    cellules = cellules.join(paires, on=["texte", "bareme"], how="left", maintain_order="left")
    evenements.append(cellules.filter(pl.col("refus").is_not_null()).select(
        "f", "numero", "k", etape=pl.lit(3, pl.Int32), raison="refus", colonne="nom_colonne"))
    premiers = {f: (numero, raison, colonne) for f, numero, raison, colonne in
                pl.concat([e.select(list(schema_ev)).cast(schema_ev) for e in evenements] or [pl.DataFrame(schema=schema_ev)])
                .sort("f", "numero", "etape", "k").group_by("f", maintain_order=True).first()
                .select("f", "numero", "raison", "colonne").iter_rows()}
    # Les lots des fichiers sans refus.
    # Un devoir par classe et colonne, numéroté dans l'ordre de sa première note (ligne, puis colonne).
    notes = cellules.filter(pl.col("refus").is_null() & ~pl.col("vide")).with_columns(
        ordre=pl.int_range(pl.len()).over("f")).with_columns(
        premiere_note=pl.col("ordre").min().over("f", "classe", "k")).with_columns(
        d=(pl.col("premiere_note").rank("dense").over("f") - 1).cast(pl.Int32))
    # Chaque colonne en liste Python une fois, puis découpée par fichier (aucune requête Polars par fichier).
    refs_tous = [_ref(nom, classe, numero) for nom, classe, numero in
                 zip(eleves["nom"].to_list(), eleves["classe"].to_list(), eleves["numero"].to_list())]
    tranches_eleves = _tranches(eleves["f"])
    tranches_notes = _tranches(notes["f"])
    colonnes_notes = [notes[c].to_list() for c in ("e", "d", "valeur", "statut")]
    moy_eleves_tous = eleves["moy"].to_list()
    premieres: dict[int, list[tuple[str, int]]] = {}
    for f, classe, k in notes.filter(pl.col("ordre") == pl.col("premiere_note")).sort("f", "d").select(
            "f", "classe", "k").iter_rows():
        premieres.setdefault(f, []).append((classe, k))
    moyennes_classe = {f: lues_moy[m] for f, m in
                       classe_moy.group_by("f").agg(pl.col("moy").last()).iter_rows()}
    resultats: dict[int, Lot | ImportRejected] = {}
    for i, fi in fichiers.items():
        chemin = fi.chemin
        if i in premiers:
            numero, raison, colonne = premiers[i]
            resultats[i] = ImportRejected(raison, fichier=chemin, ligne=numero, colonne=colonne)
            continue
        debut, fin = tranches_eleves.get(i, (0, 0))
        if debut == fin:
            resultats[i] = ImportRejected("aucun élève dans l'export", fichier=chemin,
                                          ligne=fi.tableau.ligne_entete + 1, colonne=noms_eleve[i])
            continue
        refs = refs_tous[debut:fin]
        devoirs = [_devoir(fi.colonnes_devoirs[k], classe, fi.matiere, fi.periode, fi.ramener, fi.colonnes_devoirs)
                   for classe, k in premieres.get(i, [])]
        n0, n1 = tranches_notes.get(i, (0, 0))
        # chaque (texte, barème) a été lu par lire_note avec le barème de sa colonne, qui est celui du devoir
        bloc = NotesLues(refs, devoirs, *(c[n0:n1] for c in colonnes_notes), valeurs_lues=True)
        moyennes: list[MoyenneSource] = []
        if fi.periode and fi.col_moy is not None:
            moyenne_classe = moyennes_classe.get(i)
            moyennes = [MoyenneSource(eleve=r, periode=fi.periode, matiere=fi.matiere, moyenne=lues_moy[m],
                                      moyenne_classe=moyenne_classe)
                        for r, m in zip(refs, moy_eleves_tous[debut:fin])]
        resultats[i] = Lot(source=SOURCE, fichier=chemin, lignes_lues=fi.nb_lignes, notes=bloc, moyennes=moyennes,
                           # la matière (option matiere, sinon le nom du fichier) : l'entrepôt la rapproche des
                           # matières déclarées, ou refuse (« bad.csv », --option matiere=MATHS)
                           matiere_du_fichier=fi.matiere, matiere_par_option=bool(fi.options.get("matiere")),
                           matieres_nouvelles=bool(fi.options.get("nouvelles_matieres")))
    return resultats


def _tranches(f: pl.Series) -> dict[int, tuple[int, int]]:
    """Fichier → (début, fin) de ses rangées dans une colonne triée par fichier."""
    tranches = f.rle()
    fins = tranches.struct.field("len").cum_sum().to_list()
    return {v: (fin - n, fin) for v, n, fin in zip(tranches.struct.field("value").to_list(),
                                                      tranches.struct.field("len").to_list(), fins)}


@functools.lru_cache(maxsize=1 << 16)
def _ref(nom: str, classe: str, numero: int) -> RefEleve:
    """L'élève désigné par une ligne ; un enregistrement figé, partagé par les exports où le même élève est
    à la même ligne (les exports d'une classe suivent la même liste : dix fois moins d'enregistrements)."""
    return RefEleve(nom_complet=nom, classe=classe, ligne=numero)


def _selon(expr: pl.Expr, correspondance: dict[Any, Any], type_: pl.DataType) -> pl.Expr:
    """``expr`` traduit par ``correspondance`` (chaque valeur doit y être), du type ``type_`` — même sans
    aucune valeur (Polars ignore alors ``return_dtype`` de ``replace_strict``)."""
    if not correspondance:
        return pl.lit(None, dtype=type_)
    return expr.replace_strict(correspondance, return_dtype=type_)
