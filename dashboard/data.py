"""L'accès aux données des pages : une connexion en lecture seule de courte durée, en cache.

Le cache (``st.cache_data``) est indexé par le chemin de l'entrepôt et sa *version* (inode + date de
modification) : un import remplace le fichier (``os.replace`` dans ``models.warehouse.ecriture``), la
version change, les pages relisent. Les lectures qui manquent le cache pendant une exécution de page
(:func:`connexion_de_page`, ouverte par ``app.py``) partagent **une** connexion (``lecture``), fermée à la
fin de l'exécution : ouvrir une connexion, vérifier son schéma et poser les vues du périmètre coûte
≈ 25 ms, une page à froid en faisait jusqu'à vingt. Hors d'une exécution de page, chaque appel ouvre la
sienne. Les connexions DuckDB ne se partagent pas entre les sessions Streamlit (threads) : celle de la
page n'est vue que du fil qui l'exécute.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from models import lectures
from models.acces import DEMO, Utilisateur
from models.warehouse import chemin_par_defaut, ecriture, lecture

T = TypeVar("T")


def chemin() -> Path:
    """``VIGIE_DB`` sinon l'emplacement par défaut."""
    if env := os.environ.get("VIGIE_DB"):
        return Path(env).expanduser()
    return chemin_par_defaut()


def version(path: Path | None = None) -> tuple[int, int]:
    """Change à chaque import (fichier remplacé) ; (0, 0) si l'entrepôt n'existe pas encore."""
    try:
        s = (path or chemin()).stat()
    except FileNotFoundError:
        return (0, 0)
    return (s.st_ino, s.st_mtime_ns)


_FIL = threading.local()


@contextlib.contextmanager
def connexion_de_page() -> Iterator[None]:
    """Pendant le bloc, les lectures de ce fil partagent une connexion par (entrepôt, version, utilisateur),
    ouverte à la première lecture qui manque le cache et fermée en sortie (``st.stop`` et ``st.rerun``
    compris) : aucune connexion ne survit à l'exécution de la page (un fichier remplacé par un import n'est
    jamais lu par une connexion restée ouverte sur l'ancien)."""
    if getattr(_FIL, "connexions", None) is not None:  # déjà dans une exécution de page
        yield
        return
    _FIL.connexions = {}
    try:
        yield
    finally:
        connexions, _FIL.connexions = _FIL.connexions, None
        for wh in connexions.values():
            wh.close()


@contextlib.contextmanager
def _connexion(path: str, version_entrepot: tuple[int, int], utilisateur: Utilisateur | None) -> Iterator[Any]:
    """La connexion de lecture de la page en cours (:func:`connexion_de_page`), sinon une connexion neuve
    fermée en sortie. Une lecture qui échoue ferme la connexion partagée (pas d'état douteux réutilisé)."""
    connexions = getattr(_FIL, "connexions", None)
    if connexions is None:
        wh = lecture(path, utilisateur=utilisateur)
        try:
            yield wh
        finally:
            wh.close()
        return
    cle = (path, version_entrepot, utilisateur)
    wh = connexions.get(cle)
    if wh is None:
        # Une autre version (import pendant l'exécution) : l'ancienne connexion d'abord fermée, sinon DuckDB
        # rendrait l'instance déjà ouverte sur l'ancien fichier pour le même chemin.
        for autre in [c for c in connexions if c[0] == path]:
            connexions.pop(autre).close()
        wh = connexions[cle] = lecture(path, utilisateur=utilisateur)
    try:
        yield wh
    except BaseException:
        if connexions.get(cle) is wh:
            connexions.pop(cle).close()
        raise


@st.cache_data(show_spinner=False, max_entries=512)
def _executer(
    path: str, version_entrepot: tuple[int, int], utilisateur: Utilisateur, module: str, fonction: str,
    args: tuple, kwargs: tuple,
) -> Any:
    # ``version_entrepot`` sans « _ » en tête : st.cache_data ne hache pas un paramètre qui en commence un,
    # et un import fait par la commande vigie (sans vider_cache) n'aurait jamais été vu.
    f = getattr(importlib.import_module(module), fonction)
    # Le périmètre de l'utilisateur est appliqué à la connexion même (vues restreintes, models/acces.py) ;
    # il fait partie de la clé du cache : deux rôles ne partagent jamais un résultat.
    with _connexion(path, version_entrepot, utilisateur) as wh:
        return f(wh, *args, **dict(kwargs))


def appel(fonction: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fonction(wh, *args, **kwargs)`` sur l'entrepôt courant, résultat en cache jusqu'au prochain import.

    ``fonction`` est une fonction de ``models/`` (retrouvée par module et nom : le cache ne dépend que de
    valeurs simples)."""
    p = chemin()
    u = st.session_state.get("vigie_utilisateur")
    if not isinstance(u, Utilisateur):
        u = DEMO  # app.py n'a laissé passer sans connexion que l'école fictive
    return _executer(str(p), version(p), u, fonction.__module__, fonction.__name__, args,
                     tuple(sorted(kwargs.items())))


def vider_cache() -> None:
    _executer.clear()
    _executer_suivi.clear()


@st.cache_data(show_spinner=False, max_entries=256)
def _executer_suivi(
    path: str, version_entrepot: tuple[int, int], version_suivi: tuple[int, int], utilisateur: Utilisateur,
    module: str, fonction: str, args: tuple, kwargs: tuple,
) -> Any:
    # Les versions sont des paramètres sans « _ » : st.cache_data ne hache pas ceux qui en commencent un.
    f = getattr(importlib.import_module(module), fonction)
    with _connexion(path, version_entrepot, utilisateur) as wh:
        return f(path, wh, utilisateur, *args, **dict(kwargs))


def appel_suivi(fonction: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fonction(db, wh, utilisateur, *args, **kwargs)`` (``models/suivi.py``) : en cache jusqu'au prochain
    import **ou à la prochaine entrée de suivi** (la version de la base de suivi fait partie de la clé)."""
    from models.suivi import version_suivi

    p = chemin()
    u = st.session_state.get("vigie_utilisateur")
    if not isinstance(u, Utilisateur):
        u = DEMO
    return _executer_suivi(str(p), version(p), version_suivi(p), u, fonction.__module__, fonction.__name__,
                           args, tuple(sorted(kwargs.items())))


# --- Raccourcis communs aux pages ---------------------------------------------------------------------


def nb_eleves() -> int:
    return appel(lectures.comptes)["eleves"]


@dataclass(frozen=True)
class Fichier:
    """Un fichier déposé à importer : sa sorte, son nom d'origine, son contenu, ses options et ses pièces
    (les options qui désignent un fichier, la correspondance d'un tableur : ``{option: (nom, contenu)}``)."""

    sorte: str
    nom: str
    contenu: bytes
    options: dict[str, Any] = field(default_factory=dict)
    pieces: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def importer_fichiers(
    fichiers: Sequence[Fichier],
    *,
    ignorer_inconnus: bool = False,
    progression: Callable[[int, str, float], None] | None = None,
    rapport: Callable[[int, Any], None] | None = None,
) -> list[Any]:
    """Importe des fichiers déposés dans la page Imports, **chacun seul** : un appel de
    :func:`connectors.importation.importer` par fichier (sa transaction, sa ligne au journal, son
    :class:`ResultatImport`), dans une seule ouverture de l'entrepôt en écriture
    (:func:`models.warehouse.ecriture` : une copie de l'entrepôt pour tout le dépôt, pas une par fichier,
    et les lecteurs ne voient le résultat qu'une fois le dépôt entier traité).

    Un refus, du connecteur comme de l'entrepôt, est décrit dans le résultat de son fichier (fichier,
    ligne, colonne) et consigné au journal, comme par ``vigie import`` ; il n'empêche pas les autres.
    ``progression(i, étape, fraction)`` suit le fichier ``i`` ; ``rapport(i, résultat)`` est appelé dès
    qu'il est écrit ou refusé. Lève :class:`models.errors.WarehouseBusy` si un autre import est en cours."""
    import tempfile

    from connectors.importation import importer

    resultats: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="vigie-import-") as dossier, ecriture(chemin()) as wh:
        for i, f in enumerate(fichiers):
            ici = Path(dossier) / str(i)
            ici.mkdir()
            # Le nom d'origine est gardé : le journal et les messages d'erreur le citent.
            depose = ici / Path(f.nom).name
            depose.write_bytes(f.contenu)
            options = dict(f.options)
            for k, (option, (nom_piece, octets)) in enumerate(f.pieces.items()):
                (ici / f"piece-{k}").mkdir()
                options[option] = ici / f"piece-{k}" / Path(nom_piece).name
                options[option].write_bytes(octets)

            def suivre(etape: str, part: float, i: int = i) -> None:
                if progression:
                    progression(i, etape, 0.2 + 0.8 * part)

            if progression:
                progression(i, "lecture du fichier", 0.0)
            [res] = importer(wh, [(f.sorte, depose, options)], ignorer_inconnus=ignorer_inconnus,
                             progression=suivre)
            resultats.append(res)
            if rapport:
                rapport(i, res)
    vider_cache()
    return resultats


def importer_fichier(
    sorte: str,
    nom: str,
    contenu: bytes,
    *,
    options: dict[str, Any] | None = None,
    ignorer_inconnus: bool = False,
    progression: Callable[[str, float], None] | None = None,
    pieces: dict[str, tuple[str, bytes]] | None = None,
) -> Any:
    """Un seul fichier déposé (:func:`importer_fichiers`) ; renvoie son :class:`ResultatImport`."""
    [res] = importer_fichiers(
        [Fichier(sorte, nom, contenu, dict(options or {}), dict(pieces or {}))], ignorer_inconnus=ignorer_inconnus,
        progression=(lambda _i, etape, part: progression(etape, part)) if progression else None,
    )
    return res
