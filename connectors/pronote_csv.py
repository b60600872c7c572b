"""Lecture bas niveau des exports CSV de Pronote, partagée par tous les connecteurs ``pronote-*``.

Ce que l'on sait du format (code du client web Pronote, retours de gens qui analysent ces fichiers) :

- séparateur ``;``, fin de ligne ``\\r\\n``, UTF-8 avec BOM ; les anciens exports du client lourd et les
  fichiers réenregistrés par Excel arrivent en Windows-1252 (décodage : :func:`connectors.common.lire_texte`) ;
- 1 à 3 lignes d'en-tête **non entourées de guillemets** (titres à plusieurs niveaux : la matière sur la
  première ligne, « Moyenne / Positionnement / Absence » sur la suivante ; une cellule vide continue le
  titre précédent) ;
- les cellules de texte et de notes sont entourées de ``"…"`` **sans que les guillemets intérieurs soient
  doublés** : ``"Jean "Jo" Dupont"`` est une seule cellule. Un guillemet ne ferme donc une cellule que
  s'il est suivi de ``;`` ou de la fin de ligne. Les nombres sont nus, avec une virgule décimale ;
- dates ``JJ/MM/AAAA`` ; cases à cocher ``X``, ``P`` ou vide ; plusieurs valeurs jointes par `` - `` ;
- des lignes de total à la fin (moyenne de la classe…) qui ne sont pas des élèves ;
- des balises HTML qui fuient dans les cellules (``<i class="icon_venus">``), à retirer.

Décisions :

- Quand le fichier utilise ``\\r\\n``, seul ``\\r\\n`` termine une ligne : un ``\\n`` seul est un saut de
  ligne *dans* une cellule (appréciation sur deux lignes) et devient une espace. Sinon (fichier réécrit
  par un autre outil) chaque ``\\n`` termine une ligne.
- Un ``""`` à l'intérieur d'une cellule entre guillemets est lu comme un seul ``"`` : c'est ainsi
  qu'Excel réenregistre le fichier ; Pronote, lui, ne double jamais.
- Une cellule ouverte par ``"`` que rien ne ferme sur sa ligne refuse le fichier (ligne, colonne) : c'est
  une ligne tronquée (dernière ligne d'un fichier coupé) ou une cellule sur plusieurs lignes d'un fichier
  réécrit ; la lire jusqu'au bout de la ligne importerait une note coupée (« 1 » pour « 15,50 »).
- Le « X » d'une colonne de devoir (élève non concerné) devient une note de statut ``non_concerne``,
  sans valeur : on garde la trace que l'élève n'était pas attendu, ce qui distingue « pas concerné » de
  « note pas encore saisie » (cellule vide, aucune note créée). Le statut est écarté des moyennes.
"""

from __future__ import annotations

import functools

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from models.errors import ImportRejected
from models.nombres import borne
from models.records import StatutNote

from .common import cle_entete, date_fr, lire_texte, nombre, sans_html

SEPARATEUR = ";"
#: Séparateur de plusieurs valeurs dans une cellule (« Latin - Euro anglais »).
SEPARATEUR_VALEURS = " - "
MAX_ENTETES = 3
#: Une ligne d'export Pronote tient en quelques Ko (20 matières × leurs appréciations) ; au-delà d'un
#: million de caractères, c'est un fichier sans fins de ligne ou un autre fichier, refusé avant découpage
#: (découper 10 Mo en cellules prendrait des dizaines de secondes).
MAX_LIGNE = 1_000_000


# --- Découpage en lignes et cellules ------------------------------------------------------------------


@dataclass(frozen=True)
class Ligne:
    """Une ligne du fichier : son numéro (1 = première ligne, en-têtes comprises) et ses cellules.

    ``citees[i]`` dit si la cellule ``i`` était entre guillemets : Pronote cite les données de texte et
    jamais les en-têtes, ce qui permet de compter les lignes d'en-tête.
    """

    numero: int
    cellules: tuple[str, ...]
    citees: tuple[bool, ...]

    def cellule(self, i: int | None) -> str:
        """La cellule ``i`` (0 = première), ``""`` si la ligne est plus courte ou ``i`` vaut None."""
        if i is None or i >= len(self.cellules):
            return ""
        return self.cellules[i]

    @property
    def vide(self) -> bool:
        return not any(self.cellules)


def decouper_ligne(texte: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Découpe une ligne en cellules (nettoyées du HTML et des espaces), et dit lesquelles étaient citées.

    Presque toutes les lignes sont simples : chaque morceau entre deux ``;`` est nu, ou entier entre
    deux guillemets sans autre guillemet. Celles-là sont découpées par ``str.split`` (dix fois plus vite
    que caractère par caractère) ; les autres (guillemet intérieur, ``;`` dans une cellule citée, ligne
    tronquée) passent par le découpage complet, qui donne le même résultat sur les lignes simples
    (épinglé par ``tests/test_fuzz.py``)."""
    if _LIGNE_SIMPLE.fullmatch(texte):
        morceaux = texte.split(SEPARATEUR)
        if "<" in texte or "\n" in texte:
            cellules = [_nettoyer(m.strip(" \t").strip('"').replace("\n", " ")) for m in morceaux]
        else:
            cellules = [m.strip().strip('"').strip() for m in morceaux]
        return tuple(cellules), tuple('"' in m for m in morceaux)
    return decouper_ligne_complet(texte)


#: Une ligne « simple » : chaque morceau entre deux ``;`` est nu (sans guillemet) ou entier entre deux
#: guillemets sans guillemet ni ``;`` à l'intérieur. Vérifié d'un coup par le moteur d'expressions
#: régulières (en C), puis découpé par ``str.split``.
_MORCEAU_SIMPLE = r'(?:[ \t]*"[^";]*"[ \t]*|[^";]*)'
_LIGNE_SIMPLE = re.compile(rf"{_MORCEAU_SIMPLE}(?:;{_MORCEAU_SIMPLE})*")


def decouper_ligne_complet(texte: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Le découpage caractère par caractère de :func:`decouper_ligne`, pour toutes les lignes."""
    cellules: list[str] = []
    citees: list[bool] = []
    i, n = 0, len(texte)
    while True:
        # espaces avant une cellule : ignorés (« ; "abc" » vient parfois d'un réenregistrement)
        j = i
        while j < n and texte[j] in " \t":
            j += 1
        if j < n and texte[j] == '"':
            fin = _fin_citee(texte, j + 1)
            if fin == n:
                # Pas de guillemet fermant : ligne tronquée (copie interrompue) ou cellule sur plusieurs
                # lignes d'un fichier réécrit ; la lire quand même importerait une valeur coupée.
                raise ImportRejected(
                    "guillemet non fermé : la ligne est tronquée ou une cellule est coupée en deux",
                    colonne=len(cellules) + 1,
                )
            brut = texte[j + 1 : fin].replace('""', '"')
            cite = True
            k = fin + 1
            while k < n and texte[k] in " \t":
                k += 1
            i = k  # sur le « ; » ou la fin
        else:
            k = texte.find(SEPARATEUR, i)
            k = n if k < 0 else k
            brut, cite, i = texte[i:k], False, k
        cellules.append(_nettoyer(brut.replace("\n", " ")))
        citees.append(cite)
        if i >= n:
            break
        i += 1  # le « ; »
        if i == n:  # ligne terminée par « ; » : une dernière cellule vide
            cellules.append("")
            citees.append(False)
            break
    return tuple(cellules), tuple(citees)


#: Icônes du client web qui portent seules une valeur (colonne Sexe) : la classe CSS → le texte.
ICONES: dict[str, str] = {"icon_venus": "F", "icon_mars": "M"}


def _nettoyer(brut: str) -> str:
    """Retire les balises ; une cellule qui n'était qu'une icône connue prend la valeur de l'icône."""
    propre = sans_html(brut)
    if not propre and "<" in brut:
        for classe, texte in ICONES.items():
            if classe in brut:
                return texte
    return propre


def _fin_citee(texte: str, debut: int) -> int:
    """Position du guillemet fermant : le premier suivi (à des espaces près) de ``;`` ou de la fin.

    Sans guillemet fermant (cellule tronquée), renvoie la longueur du texte.
    """
    k = debut
    while True:
        k = texte.find('"', k)
        if k < 0:
            return len(texte)
        m = k + 1
        while m < len(texte) and texte[m] in " \t":
            m += 1
        if m == len(texte) or texte[m] == SEPARATEUR:
            return k
        k += 1


def decouper(texte: str, chemin: Path | None = None) -> list[Ligne]:
    """Le texte d'un export en lignes numérotées à partir de 1 ; les lignes vides sont omises.

    Une cellule citée sans guillemet fermant → :class:`ImportRejected` situé (ligne, colonne)."""
    lignes, refus = decouper_plusieurs([texte], [chemin])
    if 0 in refus:
        raise refus[0]
    return [Ligne(n, tuple(c), tuple(q)) for n, c, q in lignes.select("numero", "cellules", "citees").iter_rows()]


#: Ce que le découpage en Polars ne sait pas reproduire à l'identique de :func:`decouper_ligne` : une ligne
#: qui n'est pas « simple » (:data:`_LIGNE_SIMPLE`), une balise à retirer, un saut de ligne dans une cellule,
#: ou un séparateur de l'ASCII (``\x1c``–``\x1f``) que ``str.strip`` de Python retire et Polars non.
_PARTICULIER = r'[<\n\x1c-\x1f]'


def decouper_plusieurs(
    textes: Sequence[str], chemins: Sequence[Path | None]
) -> tuple[pl.DataFrame, dict[int, ImportRejected]]:
    """Les textes de plusieurs exports découpés ensemble : ``(lignes, refus)``.

    ``lignes`` : une ligne non vide par rangée, ``f`` (indice du texte), ``numero`` (1 = première ligne du
    fichier), ``cellules`` (liste de textes nettoyés), ``citees`` (liste de booléens), dans l'ordre des
    fichiers puis des lignes ; ``refus`` : indice du texte → le premier refus de ce fichier (ligne trop longue,
    guillemet non fermé), ses lignes étant alors absentes. Même résultat que :func:`decouper` fichier par
    fichier : les lignes « simples » (presque toutes) sont coupées par Polars pour tout le paquet, les autres
    par :func:`decouper_ligne`, une à une (``tests/test_fuzz.py`` épingle l'équivalence)."""
    t = pl.col("texte").str.strip_prefix("\ufeff")
    brutes = (
        pl.DataFrame({"f": pl.Series(range(len(textes)), dtype=pl.Int32), "texte": pl.Series(list(textes), dtype=pl.String)})
        .select("f", brute=pl.when(t.str.contains("\r\n", literal=True)).then(t.str.split("\r\n"))
                .otherwise(t.str.replace_all("\r", "\n", literal=True).str.split("\n")))
        .explode("brute")
        .with_columns(numero=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("f"),
                      ligne=pl.col("brute").str.strip_chars_end("\r"))
        .with_columns(
            longue=pl.col("brute").str.len_chars() > MAX_LIGNE,
            particuliere=pl.col("brute").str.contains(_PARTICULIER) | ~pl.col("ligne").str.contains(f"^{_LIGNE_SIMPLE.pattern}$"),
            vide=pl.col("brute").str.strip_chars().str.strip_chars(SEPARATEUR).str.strip_chars() == "",
        )
    )
    refus: dict[int, ImportRejected] = {}
    for f, numero in brutes.filter("longue").group_by("f").agg(pl.col("numero").min()).iter_rows():
        refus[f] = ImportRejected(
            "ligne anormalement longue (plus d'un million de caractères) : ce n'est pas un "
            "export Pronote (fins de ligne perdues ?)", fichier=chemins[f], ligne=numero)
    # Les lignes particulières, une à une en Python (vide ou pas : jugé par str.strip, comme avant).
    autres: list[tuple[int, int, list[str], list[bool]]] = []
    for f, numero, brute, ligne in brutes.filter(pl.col("particuliere") & ~pl.col("longue")).select(
            "f", "numero", "brute", "ligne").iter_rows():
        if (f in refus and refus[f].ligne < numero) or not brute.strip().strip(SEPARATEUR).strip():
            continue
        try:
            cellules, citees = decouper_ligne(ligne)
        except ImportRejected as err:
            if f not in refus or refus[f].ligne > numero:
                refus[f] = ImportRejected(err.raison, fichier=chemins[f], ligne=numero, colonne=err.colonne)
            continue
        autres.append((f, numero, list(cellules), list(citees)))
    morceaux = pl.col("ligne").str.split(SEPARATEUR)
    simples = brutes.filter(~pl.col("particuliere") & ~pl.col("vide") & ~pl.col("longue")).select(
        "f", "numero",
        cellules=morceaux.list.eval(pl.element().str.strip_chars().str.strip_chars('"').str.strip_chars()),
        citees=morceaux.list.eval(pl.element().str.contains('"', literal=True)),
    )
    schema = {"f": pl.Int32, "numero": pl.Int32, "cellules": pl.List(pl.String), "citees": pl.List(pl.Boolean)}
    lignes = pl.concat([simples, pl.DataFrame(autres, schema=schema, orient="row")]).sort("f", "numero")
    if refus:
        lignes = lignes.filter(~pl.col("f").is_in(list(refus)))
    return lignes, refus


# --- En-têtes -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 14)
def _cellule_valeur(c: str) -> bool:
    """Une cellule entière qui est un nombre ou une date : une donnée, jamais un titre."""
    if not c:
        return False
    try:
        nombre(c)
        return True
    except ValueError:
        pass
    return bool(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", c))


def est_entete_probable(ligne: Ligne) -> bool:
    """Une ligne sans cellule citée ni cellule-valeur (nombre, date) ressemble à un en-tête."""
    return not any(ligne.citees) and not any(_cellule_valeur(c) for c in ligne.cellules)


def nb_entetes(
    lignes: Sequence[Ligne],
    *,
    est_entete: Callable[[Ligne], bool] = est_entete_probable,
    maximum: int = MAX_ENTETES,
) -> int:
    """Combien des premières lignes sont des en-têtes (au moins 1, au plus ``maximum``).

    Par défaut : les lignes de tête sans cellule citée ni nombre/date ; un connecteur qui connaît mieux
    son format (les titres attendus) passe son propre ``est_entete``.
    """
    n = 0
    while n < min(maximum, len(lignes)) and est_entete(lignes[n]):
        n += 1
    return max(n, 1) if lignes else 0


def titres_colonnes(entetes: Sequence[Ligne]) -> list[tuple[str, ...]]:
    """Pour chaque colonne, ses titres ligne par ligne (en-têtes à plusieurs niveaux).

    Sur toutes les lignes d'en-tête sauf la dernière, une cellule vide continue le titre précédent
    (« FRANÇAIS;; » couvre trois colonnes), mais seulement au-dessus d'une colonne qui a un sous-titre :
    sinon une colonne simple placée après un titre fusionné en hériterait.
    """
    if not entetes:
        return []
    largeur = max(len(e.cellules) for e in entetes)
    grille = [[*e.cellules, *([""] * (largeur - len(e.cellules)))] for e in entetes]
    if len(grille) == 1:
        return [(t,) for t in grille[0]]
    for r in range(len(grille) - 1):
        courant = ""
        for i in range(largeur):
            if grille[r][i]:
                courant = grille[r][i]
            elif courant and any(grille[s][i] for s in range(r + 1, len(grille))):
                grille[r][i] = courant
            else:
                courant = ""
    return list(zip(*grille))


def titre_plat(titres: tuple[str, ...]) -> str:
    """Les titres d'une colonne joints (« FRANÇAIS / Moyenne »), sans les niveaux vides."""
    return " / ".join(filter(None, titres))


@functools.lru_cache(maxsize=64)
def _cles_voulues(synonymes: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """Chaque colonne connue et les clés (:func:`cle_entete`) de ses titres possibles, calculées une fois
    par table de synonymes (et non à chaque fichier d'un paquet de milliers d'exports)."""
    return tuple((nom, frozenset(cle_entete(v) for v in (nom, *variantes))) for nom, variantes in synonymes)


def trouver_colonnes(
    titres: Sequence[str],
    synonymes: Mapping[str, Iterable[str]],
    *,
    requises: Iterable[str] = (),
    fichier: Path,
    ligne: int,
) -> dict[str, int]:
    """Associe chaque colonne connue (clé de ``synonymes``) à son index dans ``titres``.

    La comparaison passe par :func:`cle_entete` (casse, accents, espaces, ponctuation ignorés) ;
    ``synonymes`` est la table *de données* du connecteur (abréviations, variantes d'export). La première
    colonne qui correspond l'emporte. Colonnes requises absentes → :class:`ImportRejected` listant les
    colonnes trouvées et les manquantes.
    """
    cles = [cle_entete(t) for t in titres]
    positions: dict[str, list[int]] = {}  # clé → colonnes qui la portent, dans l'ordre
    for i, c in enumerate(cles):
        if c:
            positions.setdefault(c, []).append(i)
    trouvees: dict[str, int] = {}
    prises: set[int] = set()
    for nom, voulues in _cles_voulues(tuple((nom, tuple(variantes)) for nom, variantes in synonymes.items())):
        # la première colonne (de gauche à droite) qui porte l'une des variantes et n'est pas déjà prise
        i = min((k for c in voulues for k in positions.get(c, ()) if k not in prises), default=None)
        if i is None:
            continue
        trouvees[nom] = i
        prises.add(i)
        # Deux colonnes au même titre (« Classe » répétée par un copier-coller) : laquelle croire ?
        j = next((k for k in positions[cles[i]] if k > i), None)
        if j is not None:
            raise ImportRejected(
                f"deux colonnes « {titres[i]} » (colonnes {i + 1} et {j + 1}) : gardez-en une seule",
                fichier=fichier, ligne=ligne, colonne=j + 1,
            )
    manquantes = [r for r in requises if r not in trouvees]
    if manquantes:
        presentes = [t for t in titres if t] or ["(aucune)"]
        raise ImportRejected(
            f"colonne(s) obligatoire(s) introuvable(s) : {', '.join(manquantes)}",
            fichier=fichier,
            ligne=ligne,
            colonne=", ".join(manquantes),
            details=[f"colonnes trouvées : {' | '.join(presentes)}", f"colonnes manquantes : {', '.join(manquantes)}"],
        )
    return trouvees


# --- Lignes de total ----------------------------------------------------------------------------------

#: Débuts (après :func:`cle_entete`) d'une première cellule qui annonce un total, pas un élève.
DEBUTS_TOTAL: tuple[str, ...] = (
    "moyennedelaclasse", "moyennedugroupe", "moyennegenerale", "moyennedesgroupes", "moyenneclasse",
    "moyclasse", "moyennedelapromotion", "moyennedelaselection", "moydelaclasse",
    "totaldelaclasse", "total", "notelaplusbasse", "notelaplushaute", "noteminimale", "notemaximale",
    "notemin", "notemax", "ecarttype", "mediane", "nombredenotes", "nombredeleves", "effectif",
)
#: Premières cellules exactes d'une ligne de total (trop courtes pour servir de débuts).
TOTAUX_EXACTS = frozenset({"min", "max", "moyenne", "moy", "moyennes"})


def est_ligne_total(ligne: Ligne, colonne_nom: int = 0) -> bool:
    """Une ligne de total de fin d'export (moyenne de la classe, note min/max…), ou une ligne sans nom
    d'élève : avec des valeurs, c'est un total ; sans (``""`` seul, cellules vides citées), ce n'est rien.
    Dans les deux cas, jamais un élève (un élève sans nom n'existe pas)."""
    nom = ligne.cellule(colonne_nom)
    if not nom:
        return True
    cle = cle_entete(nom)
    return cle in TOTAUX_EXACTS or cle.startswith(DEBUTS_TOTAL)


# --- Cellules -----------------------------------------------------------------------------------------

#: « Pas de valeur » : la liste **fermée** des écritures d'une cellule sans valeur, la même pour tous les
#: connecteurs Pronote (exports CSV et connecteur en direct). Pronote laisse la cellule vide (moyenne
#: masquée ou pas encore calculée, devoir pas encore noté) ; un tableur qui a réenregistré l'export écrit
#: parfois un tiret à la place du vide (« - », ou le tiret demi-cadratin « – » / cadratin « — » d'une
#: correction automatique). Tout autre texte dans une cellule de nombre est refusé (ligne, colonne).
SANS_VALEUR: frozenset[str] = frozenset({"", "-", "–", "—"})


def sans_valeur(texte: str | None) -> bool:
    """Vrai si la cellule s'écrit « pas de valeur » (:data:`SANS_VALEUR`, espaces ignorés)."""
    return texte is None or texte.strip() in SANS_VALEUR


#: Jetons de note spéciaux, par clé normalisée (:func:`cle_jeton`), et leur statut.
JETONS_NOTE: dict[str, StatutNote] = {
    "abs": StatutNote.ABSENT,
    "absent": StatutNote.ABSENT,
    "absente": StatutNote.ABSENT,
    "abs*": StatutNote.ABSENT_ZERO,
    "absent*": StatutNote.ABSENT_ZERO,
    "disp": StatutNote.DISPENSE,
    "dispense": StatutNote.DISPENSE,
    "dispensee": StatutNote.DISPENSE,
    "nnot": StatutNote.NON_NOTE,
    "nonnote": StatutNote.NON_NOTE,
    "nn": StatutNote.NON_NOTE,
    "ne": StatutNote.NON_NOTE,
    "inap": StatutNote.INAPTE,
    "inapte": StatutNote.INAPTE,
    "nrdu": StatutNote.NON_RENDU,
    "nrendu": StatutNote.NON_RENDU,
    "nonrendu": StatutNote.NON_RENDU,
    "nr": StatutNote.NON_RENDU,
    "nrdu*": StatutNote.NON_RENDU_ZERO,
    "nrendu*": StatutNote.NON_RENDU_ZERO,
    "nonrendu*": StatutNote.NON_RENDU_ZERO,
    "nr*": StatutNote.NON_RENDU_ZERO,
    "x": StatutNote.NON_CONCERNE,
}


def cle_jeton(texte: str) -> str:
    """« N. Rendu* » → « nrendu* » : casse, accents, espaces et points ignorés, l'astérisque gardé."""
    return cle_entete(texte) + ("*" if texte.rstrip().endswith("*") else "")


def lire_note(
    texte: str,
    *,
    fichier: Path,
    ligne: int,
    colonne: str | int,
    bareme: float | None = None,
) -> tuple[float | None, StatutNote] | None:
    """Une cellule de note → ``(valeur, statut)`` ; ``None`` pour une cellule vide (pas de note).

    Une valeur hors de ``0–bareme`` ou un jeton inconnu → :class:`ImportRejected` situé.
    """
    # Une classe entière a « 12,5 » ou « Abs » : les cellules déjà lues sont reprises du cache (seules les
    # lectures réussies y entrent ; un refus se recalcule pour nommer sa ligne et sa colonne).
    cle = (texte, bareme)
    deja = _NOTES_LUES.get(cle)
    if deja is not None:
        return deja
    lu = _lire_note(texte, fichier=fichier, ligne=ligne, colonne=colonne, bareme=bareme)
    if lu is not None:
        if len(_NOTES_LUES) >= 100_000:
            _NOTES_LUES.clear()
        _NOTES_LUES[cle] = lu
    return lu


#: Cellule de note et barème → lecture (voir :func:`lire_note`).
_NOTES_LUES: dict[tuple[str, float | None], tuple[float | None, StatutNote]] = {}


def _lire_note(
    texte: str, *, fichier: Path, ligne: int, colonne: str | int, bareme: float | None
) -> tuple[float | None, StatutNote] | None:
    t = texte.strip()
    if t in SANS_VALEUR:
        return None
    if any(c.isdigit() for c in t) and not t.rstrip("*").isalpha():
        try:
            valeur = nombre(t)
        except ValueError:
            valeur = None
        if valeur is not None:
            if valeur < 0 or (bareme is not None and valeur > bareme):
                limite = f"0–{borne(bareme)}" if bareme is not None else "positive"
                raise ImportRejected(
                    f"la note « {t} » sort du barème ({limite})", fichier=fichier, ligne=ligne, colonne=colonne
                )
            return valeur, StatutNote.NOTE
    statut = JETONS_NOTE.get(cle_jeton(t))
    if statut is None:
        raise ImportRejected(
            f"note illisible « {t} » (attendu un nombre comme 12,5 ou Abs, Disp, N.Not, Inap, N.Rdu, X…)",
            fichier=fichier,
            ligne=ligne,
            colonne=colonne,
        )
    return None, statut


def lire_moyenne(texte: str, *, fichier: Path, ligne: int, colonne: str | int) -> float | None:
    """Une moyenne sur 20 écrite par Pronote → sa valeur ; ``None`` (jamais 0) quand la cellule est
    « pas de valeur » (:data:`SANS_VALEUR`) ou un jeton de note (« Abs », « Disp », « N.Not »… : Pronote
    l'écrit à la place d'une moyenne qu'il ne peut pas calculer). Tout autre texte, ou un nombre hors de
    0–20 → :class:`ImportRejected` situé."""
    t = texte.strip()
    if t in SANS_VALEUR or (not any(c.isdigit() for c in t) and cle_jeton(t) in JETONS_NOTE):
        return None
    valeur = lire_nombre(t, fichier=fichier, ligne=ligne, colonne=colonne)
    if valeur is not None and not 0 <= valeur <= 20:
        raise ImportRejected(f"moyenne « {t} » hors de 0–20", fichier=fichier, ligne=ligne, colonne=colonne)
    return valeur


def lire_nombre(texte: str, *, fichier: Path, ligne: int, colonne: str | int) -> float | None:
    """« 12,5 » → 12.5, « pas de valeur » (:data:`SANS_VALEUR`) → None ; autre chose → :class:`ImportRejected`
    situé."""
    if texte.strip() in SANS_VALEUR:
        return None
    try:
        return nombre(texte)
    except ValueError:
        raise ImportRejected(
            f"« {texte} » n'est pas un nombre", fichier=fichier, ligne=ligne, colonne=colonne
        ) from None


def lire_date(texte: str, *, fichier: Path, ligne: int, colonne: str | int) -> dt.date | None:
    """« 05/09/2025 » → date, « pas de valeur » (:data:`SANS_VALEUR`) → None ; autre chose →
    :class:`ImportRejected` situé."""
    if texte.strip() in SANS_VALEUR:
        return None
    try:
        return date_fr(texte)
    except ValueError:
        raise ImportRejected(
            f"« {texte} » n'est pas une date JJ/MM/AAAA", fichier=fichier, ligne=ligne, colonne=colonne
        ) from None


def lire_case(texte: str, *, fichier: Path, ligne: int, colonne: str | int) -> str | None:
    """Case à cocher : ``"X"`` (cochée), ``"P"`` (partiellement), ``None`` (vide)."""
    t = texte.strip().upper()
    if t in SANS_VALEUR:
        return None
    if t in {"X", "P"}:
        return t
    raise ImportRejected(
        f"case à cocher illisible « {texte} » (attendu X, P ou vide)", fichier=fichier, ligne=ligne, colonne=colonne
    )


def valeurs(texte: str) -> list[str]:
    """« Latin - Euro anglais » → [« Latin », « Euro anglais »] ; vide → []."""
    return [v.strip() for v in texte.split(SEPARATEUR_VALEURS) if v.strip()]


# --- Tout le fichier ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tableau:
    """Un export découpé : ses lignes d'en-tête, ses lignes de données, les titres de chaque colonne."""

    fichier: Path
    entetes: list[Ligne]
    donnees: list[Ligne]

    @functools.cached_property
    def titres(self) -> list[tuple[str, ...]]:
        # Calculé une fois : les connecteurs nomment une colonne pour chaque cellule lue.
        return titres_colonnes(self.entetes)

    @property
    def ligne_entete(self) -> int:
        """Numéro de la dernière ligne d'en-tête (pour situer une colonne manquante)."""
        return self.entetes[-1].numero if self.entetes else 1

    def nom_colonne(self, i: int) -> str:
        """Le titre lisible de la colonne ``i`` pour un message, sinon son numéro (1 = première)."""
        noms = self._noms_colonnes
        return noms[i] if i < len(noms) else str(i + 1)

    @functools.cached_property
    def _noms_colonnes(self) -> list[str]:
        return [titre_plat(t) or str(i + 1) for i, t in enumerate(self.titres)]


def lire_tableau(
    chemin: Path,
    *,
    est_entete: Callable[[Ligne], bool] = est_entete_probable,
    maximum: int = MAX_ENTETES,
) -> Tableau:
    """Décode, découpe et sépare en-têtes et données ; refuse un fichier sans aucune ligne."""
    lignes = decouper(lire_texte(chemin), chemin)
    if not lignes:
        raise ImportRejected("le fichier ne contient aucune ligne", fichier=chemin)
    n = nb_entetes(lignes, est_entete=est_entete, maximum=maximum)
    return Tableau(chemin, lignes[:n], lignes[n:])
