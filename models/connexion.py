"""Connexions au tableau de bord : tentatives limitées, adresse du client, fin des sessions inactives.

**Tentatives.** Chaque échec d'un compte local est compté par identifiant (qu'il existe ou non : la
réponse ne révèle pas l'existence d'un compte) et, derrière un proxy de confiance, par adresse. Après
``connexion.tentatives_libres`` échecs, l'identifiant est verrouillé ``verrou_minutes`` ; chaque échec
suivant double la durée, jusqu'à ``verrou_max_minutes``. Un verrou n'attend pas la vérification du mot de
passe (ni argon2 ni compteur : un essai pendant le verrou est refusé et consigné, sans allonger le
verrou). Une connexion réussie remet le compteur de l'identifiant à zéro, pas celui de l'adresse. Les
compteurs sans échec depuis ``oubli_heures`` repartent de zéro.

Les compteurs vivent dans ``<entrepôt>.connexions.sqlite`` (mode 0600), à côté de l'entrepôt et non en
mémoire : redémarrer le serveur ne les remet pas à zéro. SQLite plutôt que le fichier des comptes ou le
journal JSON : chaque échec est une lecture-modification-écriture que plusieurs sessions (fils de
Streamlit) font en même temps, et ``BEGIN IMMEDIATE`` la rend atomique. L'entrepôt DuckDB, lui, n'est
ouvert qu'en lecture par le tableau de bord.

Chaque échec (``echec_connexion``), chaque verrou posé (``verrouillage``), chaque essai refusé pendant un
verrou (``connexion_refusee``), chaque connexion et chaque fin de session vont au journal d'accès.

Sources : CNIL, délibération n° 2022-100 du 21 juillet 2022 (recommandation relative aux mots de passe,
cas n° 2 « mot de passe et restriction d'accès au compte ») ; OWASP Authentication Cheat Sheet.
"""

from __future__ import annotations

import ipaddress
import math
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from . import acces
from .acces import Utilisateur
from .reglages import Connexion

#: Longueur gardée d'un identifiant tapé (un formulaire peut envoyer n'importe quoi).
_LONGUEUR_MAX = 120


def fichier_tentatives(db: Path) -> Path:
    return Path(db).with_name(Path(db).stem + ".connexions.sqlite")


@dataclass(frozen=True)
class Tentative:
    """Issue d'une tentative : l'utilisateur connecté, ou le refus et l'attente avant le prochain essai."""

    utilisateur: Utilisateur | None
    attente_s: float = 0.0

    @property
    def message(self) -> str:
        if self.utilisateur is not None:
            return ""
        if self.attente_s > 0:
            return ("Trop d'essais infructueux : connexion bloquée pendant "
                    f"{_duree(self.attente_s)}. Si vous avez oublié votre mot de passe, demandez à la direction.")
        return "Identifiant ou mot de passe incorrect."


def _duree(secondes: float) -> str:
    minutes = max(1, math.ceil(secondes / 60))  # arrondi au-dessus : ne jamais promettre trop tôt
    if minutes < 60:
        return f"{minutes} min"
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def connecter(db: Path, identifiant: str, mot_de_passe: str, reglages: Connexion, *,
              adresse: str | None = None, maintenant: float | None = None) -> Tentative:
    """Vérifie un compte local sous la limite des tentatives ; consigne l'issue au journal d'accès.

    ``adresse`` : l'adresse du client telle que :func:`adresse_client` l'a établie (``None`` : pas de
    limite par adresse). ``maintenant`` : horloge (secondes Unix), pour les tests.
    """
    t = time.time() if maintenant is None else maintenant
    identifiant = identifiant.strip()[:_LONGUEUR_MAX]
    ou = f" — adresse {adresse}" if adresse else ""
    cles = [("identifiant", identifiant)] + ([("adresse", adresse)] if adresse else [])
    with _base(db) as con:
        for sorte, cle in cles:
            fin = _verrou(con, sorte, cle)
            if fin > t:
                acces.journaliser(db, identifiant, "connexion_refusee",
                                  f"{sorte} verrouillé(e) jusqu'à {time.strftime('%d/%m/%Y %H:%M', time.localtime(fin))}{ou}")
                return Tentative(None, fin - t)
    u = acces.authentifier(db, identifiant, mot_de_passe)
    if u is not None:
        with _base(db) as con:
            con.execute("DELETE FROM tentatives WHERE sorte = 'identifiant' AND cle = ?", [identifiant])
        acces.journaliser(db, u, "connexion", f"mot de passe{ou}")
        return Tentative(u)
    acces.journaliser(db, identifiant, "echec_connexion", f"mot de passe incorrect ou identifiant inconnu{ou}")
    attente = 0.0
    with _base(db) as con:
        con.execute("DELETE FROM tentatives WHERE dernier_echec < ? AND verrou_jusqua <= ?",
                    [t - reglages.oubli_heures * 3600, t])
        for sorte, cle in cles:
            seuil = reglages.tentatives_libres if sorte == "identifiant" else reglages.tentatives_par_adresse
            echecs = _echouer(con, sorte, cle, t)
            if echecs >= seuil:
                duree = min(reglages.verrou_minutes * 2 ** (echecs - seuil), reglages.verrou_max_minutes) * 60
                con.execute("UPDATE tentatives SET verrou_jusqua = ? WHERE sorte = ? AND cle = ?", [t + duree, sorte, cle])
                acces.journaliser(db, identifiant, "verrouillage",
                                  f"{sorte} {cle} verrouillé(e) {_duree(duree)} après {echecs} échecs")
                attente = max(attente, duree)
    return Tentative(None, attente)


def deverrouiller(db: Path, identifiant: str) -> bool:
    """Lève le verrou et remet à zéro les échecs d'un identifiant (``vigie user unlock``)."""
    with _base(db) as con:
        n = con.execute("DELETE FROM tentatives WHERE sorte = 'identifiant' AND cle = ?", [identifiant]).rowcount
    return n > 0


def echecs(db: Path, identifiant: str) -> tuple[int, float]:
    """(échecs comptés, fin du verrou en secondes Unix — 0 sans verrou) pour un identifiant."""
    with _base(db) as con:
        ligne = con.execute("SELECT echecs, verrou_jusqua FROM tentatives WHERE sorte = 'identifiant' AND cle = ?",
                            [identifiant]).fetchone()
    return (ligne[0], ligne[1]) if ligne else (0, 0.0)


def _verrou(con: sqlite3.Connection, sorte: str, cle: str) -> float:
    ligne = con.execute("SELECT verrou_jusqua FROM tentatives WHERE sorte = ? AND cle = ?", [sorte, cle]).fetchone()
    return ligne[0] if ligne else 0.0


def _echouer(con: sqlite3.Connection, sorte: str, cle: str, t: float) -> int:
    con.execute(
        "INSERT INTO tentatives (sorte, cle, echecs, dernier_echec, verrou_jusqua) VALUES (?, ?, 1, ?, 0) "
        "ON CONFLICT (sorte, cle) DO UPDATE SET echecs = echecs + 1, dernier_echec = excluded.dernier_echec",
        [sorte, cle, t],
    )
    return con.execute("SELECT echecs FROM tentatives WHERE sorte = ? AND cle = ?", [sorte, cle]).fetchone()[0]


class _base:
    """Une transaction ``BEGIN IMMEDIATE`` sur le fichier des tentatives (créé en mode 0600)."""

    def __init__(self, db: Path) -> None:
        self.chemin = fichier_tentatives(db)

    def __enter__(self) -> sqlite3.Connection:
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.chemin, os.O_WRONLY | os.O_CREAT, 0o600))
        self.con = sqlite3.connect(self.chemin, timeout=10, isolation_level=None)
        self.con.execute("BEGIN IMMEDIATE")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS tentatives (sorte TEXT NOT NULL, cle TEXT NOT NULL, "
            "echecs INTEGER NOT NULL, dernier_echec REAL NOT NULL, verrou_jusqua REAL NOT NULL, "
            "PRIMARY KEY (sorte, cle))"
        )
        return self.con

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self.con.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.con.close()


# --- Adresse du client --------------------------------------------------------------------------------


def adresse_client(pair: str | None, x_forwarded_for: str | None, proxys: tuple[str, ...]) -> str | None:
    """L'adresse à limiter, ou ``None`` (pas de limite par adresse).

    ``pair`` : l'adresse de la connexion TCP (Streamlit donne ``None`` pour la boucle locale, lue ici
    comme 127.0.0.1). Sans proxy déclaré de confiance, rien : derrière un proxy non déclaré, tout le monde
    a l'adresse du proxy (un seul compteur pour toute l'équipe), et l'en-tête ``X-Forwarded-For`` peut
    être inventé par n'importe qui. Avec un proxy déclaré : une connexion qui ne vient pas de lui est
    comptée à son adresse réelle ; une connexion qui vient de lui est comptée à la dernière adresse de
    ``X-Forwarded-For`` qui n'est pas un proxy de confiance (les précédentes ont pu être écrites par le
    client lui-même ; MDN, « X-Forwarded-For », Security and privacy concerns).
    """
    if not proxys:
        return None
    reseaux = [ipaddress.ip_network(p, strict=False) for p in proxys]

    def de_confiance(a: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(a.version == r.version and a in r for r in reseaux)

    direct = _ip(pair or "127.0.0.1")
    if direct is None:
        return None
    if not de_confiance(direct):
        return str(direct)
    for brute in reversed((x_forwarded_for or "").split(",")):
        a = _ip(brute)
        if a is None:
            return None  # une valeur illisible à droite : rien de sûr à sa gauche
        if not de_confiance(a):
            return str(a)
    return None  # le proxy n'a pas transmis l'adresse : pas de compteur commun à toute l'équipe


def _ip(texte: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    texte = texte.strip()
    if texte.startswith("[") and "]" in texte:  # [2001:db8::1]:443
        texte = texte[1:texte.index("]")]
    elif texte.count(":") == 1:  # 192.0.2.1:5123
        texte = texte.split(":")[0]
    try:
        a = ipaddress.ip_address(texte)
    except ValueError:
        return None
    return a.ipv4_mapped or a if isinstance(a, ipaddress.IPv6Address) else a


# --- Sessions -----------------------------------------------------------------------------------------


def session_expiree(derniere_activite: float, reglages: Connexion, *, maintenant: float | None = None) -> bool:
    """Vrai quand la session est restée sans activité plus de ``connexion.inactivite_minutes``."""
    t = time.time() if maintenant is None else maintenant
    return t - derniere_activite > reglages.inactivite_minutes * 60
