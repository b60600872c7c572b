"""Clés opaques des liens du tableau de bord (``?classe=…&periode=…&eleve=…``).

Une adresse se copie, s'affiche dans l'historique du navigateur et sur un écran projeté : elle ne porte
jamais l'INE ni aucun identifiant d'un élève, ni un jeton de session. Chaque valeur (classe, période,
élève) y est remplacée par une **clé opaque** : HMAC-SHA256 de la valeur sous un secret propre à
l'installation, tronqué à 12 caractères (60 bits, base32). Sans le secret, on ne remonte pas de la clé à
la valeur ; avec lui, la page retrouve la valeur en calculant la clé de chaque valeur possible (les
élèves d'une classe, les classes, les périodes : quelques centaines au plus).

Le secret est un fichier à côté de l'entrepôt (``<entrepôt>.liens``, lisible du seul propriétaire),
créé au premier besoin ; s'il ne peut pas être écrit (dossier en lecture seule), un secret tiré au
démarrage sert jusqu'à l'arrêt du tableau de bord (les liens déjà copiés ne s'ouvrent alors plus).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_SECRET_DE_SECOURS = secrets.token_bytes(32)


def fichier_secret(db: Path) -> Path:
    return Path(db).with_name(Path(db).name + ".liens")


@lru_cache(maxsize=8)
def secret(db: Path) -> bytes:
    """Le secret des liens de l'installation de ``db`` (créé au premier appel)."""
    chemin = fichier_secret(db)
    try:
        valeur = chemin.read_bytes()
        if len(valeur) >= 32:
            return valeur
    except OSError:
        pass
    valeur = secrets.token_bytes(32)
    try:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(valeur)
        return valeur
    except FileExistsError:  # un autre processus l'a créé entre-temps
        return chemin.read_bytes()
    except OSError:
        return _SECRET_DE_SECOURS


def cle(secret_: bytes, sorte: str, valeur: str) -> str:
    """La clé opaque de ``valeur`` (``sorte`` : « classe », « periode », « eleve » ; deux sortes ne
    partagent pas leurs clés)."""
    mac = hmac.new(secret_, f"{sorte}\x00{valeur}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:10]).decode().lower()[:12]


def retrouver(secret_: bytes, sorte: str, cle_: str | None, valeurs: Iterable[str]) -> str | None:
    """La valeur parmi ``valeurs`` dont la clé est ``cle_`` (None si aucune)."""
    if not cle_:
        return None
    for v in valeurs:
        if hmac.compare_digest(cle(secret_, sorte, v), cle_):
            return v
    return None
