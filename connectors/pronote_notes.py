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

from models.errors import ImportRejected
from models.records import (
    RAMENER_SUR_20_PAR_DEFAUT,
    Devoir,
    Lot,
    MoyenneSource,
    NotesLues,
    RefEleve,
    StatutNote,
)

from .common import cle_entete, date_fr
from .pronote_csv import (
    Ligne,
    Tableau,
    est_ligne_total,
    lire_moyenne,
    lire_note,
    lire_tableau,
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
                d = _DATE.search(seg)
                assert d is not None
                date = _date(d.group(1), texte)
                seg = "" if _SEGMENT_DATE.fullmatch(seg) else _MOTS_DEVOIR.sub(
                    "", (seg[: d.start()] + " " + seg[d.end():]).strip()).strip()
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
    """Lit l'export de la page Notes d'un service (voir le docstring du module pour les options)."""
    inconnues = set(options) - {"matiere", "classe", "periode", "ramener_sur_20", "nouvelles_matieres"}
    if inconnues:
        raise ImportRejected(f"option(s) inconnue(s) pour {SOURCE} : {', '.join(sorted(inconnues))}", fichier=chemin)
    matiere = str(options.get("matiere") or chemin.stem).strip()
    classe_option = (options.get("classe") or "").strip() or None
    periode = (options.get("periode") or "").strip() or None
    ramener = options.get("ramener_sur_20", RAMENER_SUR_20_PAR_DEFAUT)
    if isinstance(ramener, str):
        ramener = cle_entete(ramener) not in {"non", "false", "0", "faux", "no"}

    tableau = lire_tableau(chemin)
    titres = tableau.titres
    plats = [titre_plat(t) for t in titres]
    cols = trouver_colonnes(plats, COLONNES, requises=["eleve"], fichier=chemin, ligne=tableau.ligne_entete)
    if "classe" not in cols and not classe_option:
        raise ImportRejected(
            "colonne « Classe » absente : précisez la classe (option classe)",
            fichier=chemin, ligne=tableau.ligne_entete, colonne="Classe",
        )
    fixes = set(cols.values())
    colonnes_devoirs = [
        d for i, t in enumerate(titres) if i not in fixes
        if (d := lire_entete_devoir(t, fichier=chemin, ligne=tableau.entetes[0].numero, colonne=i))
    ]
    if not colonnes_devoirs and "moyenne" not in cols:
        raise ImportRejected(
            "aucune colonne de devoir (en-tête avec une date JJ/MM/AAAA) ni de moyenne",
            fichier=chemin, ligne=tableau.ligne_entete, colonne=len(plats),
        )

    # Les notes en colonnes (NotesLues) : un élève désigné par ligne, un devoir par colonne et classe.
    eleves: list[RefEleve] = []
    devoirs: list[Devoir] = []
    indices_devoirs: dict[tuple[str, int], int] = {}
    lues: list[tuple[int, int, float | None, StatutNote]] = []  # élève, devoir, valeur, statut
    moyennes: list[MoyenneSource] = []
    moyenne_classe: float | None = None
    col_moy = cols.get("moyenne", cols.get("moyenne_periode"))
    noms = [tableau.nom_colonne(cd.index) for cd in colonnes_devoirs]
    nb_eleves = 0
    vues: dict[tuple[str, str], Ligne] = {}
    for ligne in tableau.donnees:
        if est_ligne_total(ligne, cols["eleve"]):
            if col_moy is not None and cle_entete(ligne.cellule(cols["eleve"])).startswith("moyenne"):
                moyenne_classe = _moyenne(tableau, ligne, col_moy)
            continue
        nb_eleves += 1
        # Le même élève deux fois : identique, c'est un doublon sans conséquence ; avec d'autres notes,
        # l'entrepôt garderait la dernière ligne sans le dire.
        cle_ligne = (cle_entete(ligne.cellule(cols.get("classe"))), cle_entete(ligne.cellule(cols["eleve"])))
        deja = vues.setdefault(cle_ligne, ligne)
        if deja is not ligne and deja.cellules != ligne.cellules:
            raise ImportRejected(
                f"élève « {ligne.cellule(cols['eleve'])} » déjà présent ligne {deja.numero} avec d'autres valeurs",
                fichier=chemin, ligne=ligne.numero, colonne=tableau.nom_colonne(cols["eleve"]),
            )
        classe = ligne.cellule(cols.get("classe")) or classe_option
        if not classe:
            raise ImportRejected("classe vide", fichier=chemin, ligne=ligne.numero,
                                 colonne=tableau.nom_colonne(cols["classe"]))
        eleve = RefEleve(nom_complet=ligne.cellule(cols["eleve"]), classe=classe, ligne=ligne.numero)
        indice_eleve = len(eleves)
        eleves.append(eleve)
        cellules = ligne.cellules
        for cd, nom in zip(colonnes_devoirs, noms):
            texte = cellules[cd.index] if cd.index < len(cellules) else ""
            if not texte:  # cellules déjà débarrassées de leurs espaces : vide = pas de note
                continue
            lu = lire_note(texte, fichier=chemin, ligne=ligne.numero, colonne=nom, bareme=cd.bareme)
            if lu is None:
                continue
            indice = indices_devoirs.get((classe, cd.index))
            if indice is None:
                indice = indices_devoirs[(classe, cd.index)] = len(devoirs)
                devoirs.append(_devoir(cd, classe, matiere, periode, bool(ramener), colonnes_devoirs))
            lues.append((indice_eleve, indice, *lu))
        if periode and col_moy is not None:
            moyennes.append(MoyenneSource(eleve=eleve, periode=periode, matiere=matiere,
                                          moyenne=_moyenne(tableau, ligne, col_moy)))
    if not nb_eleves:
        # La page Notes liste toujours les élèves du service, notés ou non : sans eux, c'est un export
        # coupé ou vide, pas « aucune note » (comme pronote-eleves et pronote-resultats).
        raise ImportRejected("aucun élève dans l'export", fichier=chemin, ligne=tableau.ligne_entete + 1,
                             colonne=tableau.nom_colonne(cols["eleve"]))
    if moyenne_classe is not None:
        moyennes = [m.model_copy(update={"moyenne_classe": moyenne_classe}) for m in moyennes]
    colonnes = list(zip(*lues)) if lues else [[], [], [], []]
    notes = NotesLues(eleves, devoirs, *colonnes)
    # La matière (option matiere, sinon le nom du fichier) : l'entrepôt la rapproche des matières déclarées
    # par l'établissement, ou refuse (« bad.csv », « ANGLAIS LV1 (1).csv », --option matiere=MATHS).
    return Lot(source=SOURCE, fichier=chemin, lignes_lues=len(tableau.donnees), notes=notes, moyennes=moyennes,
               matiere_du_fichier=matiere, matiere_par_option=bool(options.get("matiere")),
               matieres_nouvelles=bool(options.get("nouvelles_matieres")))


def _devoir(cd: ColonneDevoir, classe: str, matiere: str, periode: str | None, ramener: bool,
            toutes: list[ColonneDevoir]) -> Devoir:
    # deux devoirs du même jour et du même titre (deux colonnes « Interro ») : le rang les distingue
    rang = sum(1 for c in toutes if c.index < cd.index and (c.date, c.titre, c.service) == (cd.date, cd.titre, cd.service))
    return Devoir(
        classe=classe, matiere=cd.service or matiere, date=cd.date, periode=periode, titre=cd.titre,
        bareme=cd.bareme, coefficient=cd.coefficient, ramener_sur_20=ramener, bonus=cd.bonus,
        facultatif=cd.facultatif, rang=rang,
    )


def _moyenne(tableau: Tableau, ligne: Ligne, col: int) -> float | None:
    """Une moyenne sur 20 ; « pas de valeur » ou jeton → None, jamais 0 (:func:`lire_moyenne`)."""
    return lire_moyenne(ligne.cellule(col), fichier=tableau.fichier, ligne=ligne.numero,
                        colonne=tableau.nom_colonne(col))
