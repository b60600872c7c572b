"""Ce que tous les connecteurs partagent : décodage des octets, nombres et dates à la française.

Les exports réels arrivent en UTF-8 avec ou sans BOM, en UTF-16 (rare, Excel « Texte Unicode »), ou en
Windows-1252 (anciens exports du client lourd Pronote, fichiers réenregistrés par Excel). DuckDB ne peut
pas lire le Windows-1252 ici (son extension ``encodings`` n'est pas téléchargeable) : on décode en Python.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from pathlib import Path

from models.errors import ImportRejected
from models.messages import lecture_impossible

#: Au-delà, un fichier n'est pas un export scolaire (un lycée de 2 000 élèves tient en quelques Mo).
TAILLE_MAX = 200 * 1024 * 1024


def lire_texte(chemin: Path) -> str:
    """Les octets du fichier en texte ; refuse un fichier binaire ou vide avec un message clair."""
    try:
        donnees = chemin.read_bytes()
    except OSError as err:
        raise ImportRejected(lecture_impossible(err), fichier=chemin) from err
    if len(donnees) > TAILLE_MAX:
        raise ImportRejected("fichier trop volumineux pour un export scolaire", fichier=chemin)
    return decoder(donnees, chemin)


def decoder(donnees: bytes, chemin: Path) -> str:
    if not donnees.strip():
        raise ImportRejected("le fichier est vide", fichier=chemin)
    if donnees.startswith(b"\xef\xbb\xbf"):
        texte = _decode(donnees[3:], "utf-8", chemin)
    elif donnees.startswith((b"\xff\xfe", b"\xfe\xff")):
        texte = _decode(donnees, "utf-16", chemin)
    else:
        try:
            texte = donnees.decode("utf-8")
        except UnicodeDecodeError:
            texte = _decode(donnees, "cp1252", chemin)
    if not texte.strip():  # un BOM seul, ou des blancs
        raise ImportRejected("le fichier est vide", fichier=chemin)
    if "\x00" in texte or _part_controle(texte) > 0.01:
        raise ImportRejected(
            "le fichier n'est pas un texte (fichier binaire, ou mauvais format d'export)", fichier=chemin
        )
    return texte


def _decode(donnees: bytes, encodage: str, chemin: Path) -> str:
    try:
        return donnees.decode(encodage)
    except UnicodeDecodeError as err:
        ligne = donnees[: err.start].count(b"\n") + 1
        raise ImportRejected(
            f"encodage illisible ({encodage}) : octet inattendu à la position {err.start}",
            fichier=chemin,
            ligne=ligne,
        ) from err


#: Les caractères de contrôle (catégorie Unicode « Cc ») sauf tabulation et fins de ligne.
_CONTROLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _part_controle(texte: str) -> float:
    echantillon = texte[:65536]
    return len(_CONTROLE.findall(echantillon)) / max(len(echantillon), 1)


@functools.lru_cache(maxsize=1 << 16)
def cle_entete(texte: str) -> str:
    """Compare des en-têtes en ignorant casse, accents, espaces et ponctuation (« Né(e) le » → « neele »)."""
    texte = texte or ""
    if texte.isascii():  # rien à décomposer : le même résultat, sans parcourir les caractères en Python
        return _NON_ALNUM.sub("", texte.lower())
    t = unicodedata.normalize("NFKD", texte)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub("", t)


_NON_ALNUM = re.compile(r"[^0-9a-z]")


_BALISE = re.compile(r"<[^>]*>")


def sans_html(texte: str) -> str:
    """Retire les balises qui fuient dans les exports Pronote (``<i class="icon_venus">``)."""
    return _BALISE.sub("", texte).replace("&nbsp;", " ").strip() if "<" in texte else texte.strip()


_NOMBRE = re.compile(r"^[+-]?(\d{1,3}(?:[  ]\d{3})+|\d+)?(?:[.,]\d+)?$")


def nombre(texte: str) -> float | None:
    """« 15,50 » → 15.5 ; « » → None ; lève ValueError sur autre chose."""
    t = texte.strip().replace("\u202f", "").replace("\xa0", "")
    if not t:
        return None
    if not _NOMBRE.match(t) or not any(c.isdigit() for c in t):
        raise ValueError(f"« {texte} » n'est pas un nombre")
    return float(t.replace(" ", "").replace(",", "."))


def date_fr(texte: str) -> dt.date:
    """« 05/09/2025 » (ou « 2025-09-05 ») → date ; lève ValueError sinon."""
    t = texte.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"« {texte} » n'est pas une date JJ/MM/AAAA")


def datetime_fr(texte: str) -> dt.datetime:
    """« 05/09/2025 08:30 », « 05/09/2025 à 08h30 », « 2025-09-05T08:30:00 » → datetime."""
    t = re.sub(r"\s+à\s+", " ", texte.strip()).replace("h", ":")
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(t, fmt)
        except ValueError:
            pass
    raise ValueError(f"« {texte} » n'est pas une date et heure JJ/MM/AAAA HH:MM")
