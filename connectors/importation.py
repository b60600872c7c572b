"""Le seul chemin d'import : lire chaque fichier avec son connecteur, puis l'écrire dans l'entrepôt.

La ligne de commande (``vigie import``, ``vigie demo``), le dépôt de fichier du tableau de bord, les
mesures (``benchmarks/``) et les tests appellent tous :func:`importer`. Un fichier refusé — par son
connecteur (fichier illisible, option inconnue ou mal formée) comme par l'entrepôt (élève inconnu, date
hors année) — laisse une ligne « rejete » dans le journal des imports, d'où qu'il vienne.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Union

from models.errors import ImportRejected
from models.records import Lot
from models.warehouse import ResultatImport, Warehouse, ecriture

#: Un fichier à lire : (sorte, chemin, options), ou un lot déjà lu (construit en code par un test ou une
#: mesure ; il s'écrit alors sans connecteur).
Entree = Union[tuple[str, Path, dict[str, Any]], Lot]

#: Fichiers lus ensemble et écrits en une transaction, au plus : la mémoire reste bornée quel que soit le
#: nombre de fichiers (un paquet de notes tient en quelques Mo de texte). 1 000 plutôt que 200 : une fusion
#: par table coûte moins cher en grand, pour une pointe de mémoire un peu plus haute (BENCHMARKS.md,
#: cas d : la vitesse l'emporte). Les moyennes sont recalculées une fois pour tout l'import.
TAILLE_PAQUET = 1000


def importer(
    cible: Warehouse | str | Path,
    plan: Iterable[Entree],
    *,
    ignorer_inconnus: bool = False,
    demo: bool = False,
    progression: Callable[[str, float], None] | None = None,
    rapport: Callable[[ResultatImport], None] | None = None,
) -> list[ResultatImport]:
    """Importe chaque entrée du plan, dans l'ordre ; un fichier refusé n'arrête pas les autres.

    ``cible`` : un entrepôt ouvert (tests, entrepôt en mémoire) ou le chemin d'un entrepôt, ouvert alors
    par :func:`models.warehouse.ecriture` (les lecteurs ne voient jamais un import à moitié fait).
    ``progression(étape, fraction)`` suit le paquet en cours ; ``rapport(résultat)`` est appelé pour
    chaque fichier dès qu'il est écrit ou refusé. Renvoie un :class:`ResultatImport` par entrée, dans
    l'ordre du plan : statut, décomptes, remarques (``resultat.remarques``) ou refus.
    """
    suivre = progression or (lambda *_: None)
    resultats: list[ResultatImport] = []
    # Les fichiers consécutifs d'une même sorte (les centaines d'exports de notes d'un établissement)
    # s'écrivent ensemble : une transaction et une fusion par table pour tout le paquet, un résultat et
    # une ligne de journal par fichier (Warehouse.importer_plusieurs).
    paquet: list[Lot] = []

    def garder(res: ResultatImport) -> None:
        resultats.append(res)
        if rapport:
            rapport(res)

    # Les moyennes des périodes touchées sont recalculées une fois, après le dernier paquet
    # (Warehouse.moyennes_differees), pas à chaque transaction de paquet.
    with _sans_ramasse_miettes(), _ouvrir(cible) as wh, wh.moyennes_differees():
        def vider() -> None:
            if not paquet:
                return
            for res in wh.importer_plusieurs(list(paquet), ignorer_inconnus=ignorer_inconnus,
                                             progression=suivre, demo=demo):
                garder(res)
            paquet.clear()

        for entree, lu in _lire_par_paquets(plan):
            if isinstance(lu, ImportRejected):  # un réglage invalide refuse aussi le fichier, consigné
                vider()
                garder(wh.journaliser_refus(entree[0], Path(entree[1]), lu))
                continue
            lot = lu
            if paquet and (paquet[0].source != lot.source or lot.effectif):
                vider()
            paquet.append(lot)
            # Écrit dès qu'il est plein (pendant ce temps le paquet suivant se lit : _lire_par_paquets).
            if lot.effectif or len(paquet) >= TAILLE_PAQUET:
                vider()
        vider()
    return resultats


def _lire_par_paquets(plan: Iterable[Entree]) -> Iterator[tuple[Entree, Lot | ImportRejected]]:
    """Chaque entrée du plan et son lot lu (ou le refus de son connecteur), dans l'ordre ; les fichiers
    consécutifs d'une même sorte sont lus ensemble par :func:`connectors.lire_plusieurs`, au plus
    :data:`TAILLE_PAQUET` à la fois (mémoire bornée : deux paquets au plus, celui qui s'écrit et celui
    qui se lit).

    Le paquet suivant se lit dans un fil pendant que l'appelant écrit celui-ci : la lecture (Polars) et
    l'écriture (DuckDB) rendent la main à Python pendant leur travail, et les deux cœurs d'une machine
    d'établissement travaillent ensemble. Rien ne change dans ce qui est lu ni dans l'ordre des
    résultats ; le fil ne touche jamais l'entrepôt."""
    import connectors

    def lire(paquet: list[tuple[str, Path, dict[str, Any]]]) -> list[tuple[Entree, Lot | ImportRejected]]:
        return list(zip(paquet, connectors.lire_plusieurs(paquet[0][0], [(c, o) for _, c, o in paquet])))

    def morceaux() -> Iterator[list[tuple[str, Path, dict[str, Any]]] | Lot]:
        """Le plan en paquets de fichiers à lire ensemble, et les lots déjà lus, dans l'ordre."""
        paquet: list[tuple[str, Path, dict[str, Any]]] = []
        for entree in plan:
            if isinstance(entree, Lot):
                if paquet:
                    yield paquet
                    paquet = []
                yield entree
                continue
            if paquet and (paquet[0][0] != entree[0] or len(paquet) >= TAILLE_PAQUET):
                yield paquet
                paquet = []
            paquet.append(entree)
        if paquet:
            yield paquet

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigie-lecture") as fil:
        en_cours: Future | None = None  # la lecture du paquet suivant
        for morceau in morceaux():
            if isinstance(morceau, Lot):
                if en_cours is not None:
                    yield from en_cours.result()
                    en_cours = None
                yield morceau, morceau
                continue
            suivant = fil.submit(lire, morceau)
            if en_cours is not None:
                yield from en_cours.result()
            en_cours = suivant
        if en_cours is not None:
            yield from en_cours.result()


@contextlib.contextmanager
def _sans_ramasse_miettes() -> Iterator[None]:
    """Le ramasse-miettes cyclique de Python suspendu pendant l'import : les centaines de milliers de
    tuples, listes et enregistrements d'un paquet le déclenchaient des centaines de fois, et chacune de ses
    passes complètes reparcourait tous les objets de l'interpréteur (bibliothèques comprises) — 0,25 s de
    CPU sur 1,9 pour l'année d'un lycée (BENCHMARKS.md, cas a). Les objets d'un import ne forment pas de
    cycles (ils sont libérés par leur compteur de références) ; ce qui en formerait est ramassé à la
    première passe après l'import. ``gc.freeze`` n'est pas utilisé : dans le tableau de bord, qui vit
    longtemps, il rendrait permanents les objets déjà morts."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


@contextlib.contextmanager
def _ouvrir(cible: Warehouse | str | Path) -> Iterator[Warehouse]:
    if isinstance(cible, Warehouse):
        yield cible
    else:
        with ecriture(cible) as wh:
            yield wh
