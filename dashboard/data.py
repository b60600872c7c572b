"""L'accès aux données des pages : une connexion en lecture seule de courte durée par requête, en cache.

Le cache (``st.cache_data``) est indexé par le chemin de l'entrepôt et sa *version* (inode + date de
modification) : un import remplace le fichier (``os.replace`` dans ``models.warehouse.ecriture``), la
version change, les pages relisent. Chaque appel ouvre sa propre connexion (``lecture``) et
``Warehouse.sql`` y prend un curseur par requête : les connexions DuckDB ne se partagent pas entre les
sessions Streamlit (threads).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from models import lectures
from models.acces import DEMO, Utilisateur
from models.warehouse import chemin_par_defaut, lecture

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
    wh = lecture(path, utilisateur=utilisateur)
    try:
        return f(wh, *args, **dict(kwargs))
    finally:
        wh.close()


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
    wh = lecture(path, utilisateur=utilisateur)
    try:
        return f(path, wh, utilisateur, *args, **dict(kwargs))
    finally:
        wh.close()


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
    """Importe un fichier déposé dans la page Imports par le chemin de tout import
    (:func:`connectors.importation.importer`, écriture atomique : les lecteurs ne voient jamais un import à
    moitié fait).

    Renvoie le :class:`ResultatImport` : un refus, du connecteur comme de l'entrepôt, y est décrit
    (fichier, ligne, colonne) et consigné dans le journal des imports, comme par ``vigie import``.

    ``pieces`` : les options qui désignent un fichier (la correspondance d'un tableur), ``{option: (nom,
    contenu)}`` ; chaque pièce est posée à côté du fichier et l'option reçoit son chemin."""
    import tempfile

    from connectors.importation import importer

    suivre = progression or (lambda *_: None)
    with tempfile.TemporaryDirectory(prefix="vigie-import-") as dossier:
        # Le nom d'origine est gardé : le journal et les messages d'erreur le citent.
        depose = Path(dossier) / Path(nom).name
        depose.write_bytes(contenu)
        options = dict(options or {})
        for i, (option, (nom_piece, octets)) in enumerate((pieces or {}).items()):
            (Path(dossier) / f"piece-{i}").mkdir()
            options[option] = Path(dossier) / f"piece-{i}" / Path(nom_piece).name
            options[option].write_bytes(octets)
        suivre("lecture du fichier", 0.0)
        [res] = importer(chemin(), [(sorte, depose, options)], ignorer_inconnus=ignorer_inconnus,
                         progression=lambda etape, part: suivre(etape, 0.2 + 0.8 * part))
    vider_cache()
    return res
