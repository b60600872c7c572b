"""Rôles, périmètres, comptes locaux et journal d'accès.

Le périmètre est appliqué dans les requêtes, pas seulement en cachant des pages : :func:`restreindre`
masque, dans une connexion de lecture, chaque vue publique par une vue TEMPORAIRE du même nom, filtrée
sur les élèves et les sources que le rôle peut voir. Toutes les analyses lisent les vues publiques :
elles sont donc restreintes d'office, page par page et dans les exports.

Qui voit quoi (README, « Protection des données ») :

============================  ==============================  =========================================
rôle                          élèves                          données
============================  ==============================  =========================================
direction                     tous                            tout
professeur_principal          ses classes (cette année)       notes, absences, retards, sanctions,
                                                              compétences, Pix, alertes ; le besoin
                                                              d'accompagnement réduit à « aménagements »
enseignant                    ses classes (cette année)       notes, compétences, Pix
cpe                           tous                            absences, retards, sanctions, alertes
coordonnateur_ulis            les élèves du dispositif ULIS   notes, compétences, accompagnement
============================  ==============================  =========================================
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl

from .errors import VigieError
from .schema import quote_ident as _q

Role = Literal["direction", "professeur_principal", "enseignant", "cpe", "coordonnateur_ulis"]
ROLES: dict[str, str] = {
    "direction": "Direction",
    "professeur_principal": "Professeur principal",
    "enseignant": "Enseignant",
    "cpe": "CPE",
    "coordonnateur_ulis": "Coordonnateur ULIS",
}

_NOTES = {"notes", "moyennes_pronote", "appreciations", "moyennes", "moyennes_familles", "matieres"}
_VIE_SCOLAIRE = {"absences", "retards", "sanctions"}
_COMPETENCES = {"competences"}
_PIX = {"pix", "pix_profils"}
_COMMUN = {"eleves", "scolarites", "classes_periodes", "periodes", "imports"}

#: Vues publiques lisibles par rôle (les autres apparaissent vides).
VUES_PAR_ROLE: dict[str, set[str] | None] = {
    "direction": None,  # tout
    "professeur_principal": _COMMUN | _NOTES | _VIE_SCOLAIRE | _COMPETENCES | _PIX | {"alertes", "eleves_accompagnement"},
    "enseignant": _COMMUN | _NOTES | _COMPETENCES | _PIX,
    "cpe": _COMMUN | _VIE_SCOLAIRE | {"alertes"},
    "coordonnateur_ulis": _COMMUN | _NOTES | _COMPETENCES | {"eleves_accompagnement"},
}


@dataclass(frozen=True)
class Utilisateur:
    identifiant: str
    role: Role
    nom: str = ""
    classes: tuple[str, ...] = ()
    email: str | None = None
    demo: bool = False

    def voit(self, vue: str) -> bool:
        permises = VUES_PAR_ROLE[self.role]
        return permises is None or vue in permises

    @property
    def voit_accompagnement(self) -> bool:
        """Le détail du besoin (ULIS, PAP, PPS) ; le professeur principal ne voit qu'« aménagements »."""
        return self.role in ("direction", "coordonnateur_ulis")

    def libelle(self) -> str:
        portee = f" — {', '.join(self.classes)}" if self.classes else ""
        return f"{self.nom or self.identifiant} ({ROLES[self.role]}{portee})"


DEMO = Utilisateur("demo", "direction", "Démonstration", demo=True)


# --- Périmètre dans les requêtes ----------------------------------------------------------------------


def restreindre(con: duckdb.DuckDBPyConnection, u: Utilisateur) -> None:
    """Masque les vues publiques de ``con`` par des vues temporaires limitées au périmètre de ``u``."""
    if u.role == "direction":
        return
    base = _q(con.execute("SELECT current_database()").fetchall()[0][0])
    vues = {
        nom: [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
            "AND table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [nom]).fetchall()]
        for (nom,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT internal AND view_name NOT LIKE 't\\_%' ESCAPE '\\' "
            "UNION SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND table_name NOT LIKE 't\\_%' ESCAPE '\\'"
        ).fetchall()
    }
    if u.role in ("professeur_principal", "enseignant"):
        # Les élèves de ses classes cette année : pas ceux qui ont quitté l'établissement depuis une
        # année où ils étaient dans une classe du même nom (vue « eleves », colonne ``actuel``).
        filtre, params = "actuel AND classe IN (SELECT unnest($classes))", {"classes": list(u.classes) or [""]}
    elif u.role == "coordonnateur_ulis":
        filtre = (f"actuel AND eleve_id IN (SELECT eleve_id FROM {base}.main.eleves_accompagnement "
                  "WHERE accompagnement = 'ULIS')")
        params = {}
    else:
        filtre, params = "TRUE", {}
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE perimetre_eleves AS SELECT eleve_id FROM {base}.main.eleves WHERE {filtre}",
        params,
    )
    for vue, colonnes in vues.items():
        source = f"{base}.main.{_q(vue)}"
        if not u.voit(vue):
            requete = f"SELECT * FROM {source} WHERE FALSE"
        elif vue == "eleves_accompagnement" and not u.voit_accompagnement:
            requete = (f"SELECT DISTINCT eleve_id, 'amenagements' AS accompagnement FROM {source} "
                       "WHERE eleve_id IN (SELECT eleve_id FROM temp.main.perimetre_eleves)")
        elif "eleve_id" in colonnes:
            requete = f"SELECT * FROM {source} WHERE eleve_id IN (SELECT eleve_id FROM temp.main.perimetre_eleves)"
        else:
            continue
        con.execute(f"CREATE OR REPLACE TEMP VIEW {_q(vue)} AS {requete}")


# --- Comptes locaux -----------------------------------------------------------------------------------


def fichier_comptes(db: Path) -> Path:
    return Path(os.environ.get("VIGIE_COMPTES") or Path(db).with_name("utilisateurs.json"))


def _lire_comptes(chemin: Path) -> dict[str, dict]:
    if not chemin.exists():
        return {}
    try:
        return json.loads(chemin.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise VigieError(f"Fichier des comptes illisible ({chemin}) : {err}") from err


def _ecrire_comptes(chemin: Path, comptes: dict[str, dict]) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    tmp = chemin.with_name(chemin.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(comptes, f, ensure_ascii=False, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, chemin)


def ajouter_compte(db: Path, identifiant: str, role: str, mot_de_passe: str | None, *,
                   nom: str = "", classes: tuple[str, ...] = (), email: str | None = None) -> Utilisateur:
    from argon2 import PasswordHasher

    if role not in ROLES:
        raise VigieError(f"rôle inconnu « {role} » (rôles : {', '.join(ROLES)})")
    if role in ("professeur_principal", "enseignant") and not classes:
        raise VigieError(f"le rôle {ROLES[role]} demande au moins une classe (--classes 3A,3B)")
    if mot_de_passe is not None and len(mot_de_passe) < 10:
        raise VigieError("le mot de passe doit compter au moins 10 caractères")
    if mot_de_passe is None and not email:
        raise VigieError("un compte sans mot de passe doit avoir une adresse (connexion par l'ENT)")
    chemin = fichier_comptes(db)
    comptes = _lire_comptes(chemin)
    comptes[identifiant] = {
        "nom": nom, "role": role, "classes": list(classes), "email": email,
        "hash": PasswordHasher().hash(mot_de_passe) if mot_de_passe else None,
    }
    _ecrire_comptes(chemin, comptes)
    return Utilisateur(identifiant, role, nom, tuple(classes), email)  # type: ignore[arg-type]


def retirer_compte(db: Path, identifiant: str) -> None:
    chemin = fichier_comptes(db)
    comptes = _lire_comptes(chemin)
    if comptes.pop(identifiant, None) is None:
        raise VigieError(f"aucun compte « {identifiant} »")
    _ecrire_comptes(chemin, comptes)


def comptes(db: Path) -> list[Utilisateur]:
    return [_utilisateur(i, c) for i, c in sorted(_lire_comptes(fichier_comptes(db)).items())]


def _utilisateur(identifiant: str, c: dict) -> Utilisateur:
    return Utilisateur(identifiant, c["role"], c.get("nom", ""), tuple(c.get("classes", ())), c.get("email"))


def authentifier(db: Path, identifiant: str, mot_de_passe: str) -> Utilisateur | None:
    """Vérifie un mot de passe (argon2) ; ``None`` si l'identifiant ou le mot de passe est faux."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    c = _lire_comptes(fichier_comptes(db)).get(identifiant)
    if not c or not c.get("hash"):
        PasswordHasher().hash("leurre")  # même durée que l'identifiant existe ou non
        return None
    try:
        PasswordHasher().verify(c["hash"], mot_de_passe)
    except (VerificationError, InvalidHashError):
        return None
    return _utilisateur(identifiant, c)


def par_email(db: Path, email: str) -> Utilisateur | None:
    """Le compte lié à une identité ENT / académie (connexion OpenID Connect)."""
    for i, c in _lire_comptes(fichier_comptes(db)).items():
        if c.get("email") and c["email"].lower() == email.lower():
            return _utilisateur(i, c)
    return None


# --- Journal d'accès ----------------------------------------------------------------------------------
# Tenu à côté de l'entrepôt (JSON Lines, mode 0600) et non dedans : le tableau de bord n'ouvre
# l'entrepôt qu'en lecture seule (une seule écriture à la fois dans un fichier DuckDB), et consigner
# chaque consultation ne doit ni bloquer ni attendre un import.


def fichier_audit(db: Path) -> Path:
    return Path(db).with_name(Path(db).stem + ".audit.jsonl")


def journaliser(db: Path, u: Utilisateur | str, action: str, objet: str = "") -> None:
    """Une ligne au journal ; ``u`` est l'identifiant tapé (sans rôle) quand personne n'est connecté."""
    chemin = fichier_audit(db)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    identifiant, role = (u, "") if isinstance(u, str) else (u.identifiant, u.role)
    ligne = json.dumps(
        {"horodatage": dt.datetime.now().isoformat(timespec="seconds"), "utilisateur": identifiant,
         "role": role, "action": action, "objet": objet},
        ensure_ascii=False,
    )
    fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(ligne + "\n")
        fcntl.flock(f, fcntl.LOCK_UN)


def lire_audit(db: Path, *, utilisateur: str | None = None, limite: int | None = None) -> pl.DataFrame:
    chemin = fichier_audit(db)
    colonnes = {"horodatage": pl.String, "utilisateur": pl.String, "role": pl.String, "action": pl.String,
                "objet": pl.String}
    lignes = []
    if chemin.exists():
        for brute in chemin.read_text(encoding="utf-8").splitlines():
            try:
                lignes.append(json.loads(brute))
            except json.JSONDecodeError:
                continue  # une ligne tronquée par un arrêt brutal ne masque pas les autres
    df = pl.DataFrame(lignes, schema=colonnes) if lignes else pl.DataFrame(schema=colonnes)
    if utilisateur:
        df = df.filter(pl.col("utilisateur") == utilisateur)
    df = df.reverse()
    return df.head(limite) if limite else df
