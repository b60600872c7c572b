"""Le suivi : ce que l'équipe décide et fait pour un élève, consigné à côté de l'entrepôt.

**Trois sortes d'entrées**, chacune datée, signée (auteur et rôle), choisie dans une liste, avec un
commentaire libre à côté :

- ``procedure`` — les étapes de la procédure d'absentéisme (Code de l'éducation L131-8 et R131-7,
  circulaire n° 2014-159 du 24 décembre 2014) : :data:`ETAPES`. Le signalement au DASEN est un acte
  du chef d'établissement : seule la direction l'enregistre. Les étapes adressées aux responsables
  légaux ne s'appliquent pas à un élève majeur (il est alors son propre responsable).
- ``alerte`` — l'état d'une alerte (:data:`STATUTS_ALERTE` : vue, prise en charge, close), attaché à
  l'élève, à la règle, à la période (ou au mois) **et** à l'année scolaire : la même règle, la même
  période l'année suivante est une autre alerte.
- ``conseil`` — les décisions du conseil de classe (:data:`RUBRIQUES_CONSEIL` : mention décidée, avis,
  appréciation générale, orientation) pour une classe, une période et une année.

**Rien n'est modifié en place** : une correction est une nouvelle entrée qui désigne celle qu'elle
corrige (``corrige``) ; un déclencheur SQLite refuse tout ``UPDATE``. Seule la purge (durées de
conservation, :func:`purger`) supprime. Chaque écriture est consignée au journal d'accès
(``models/acces.py``).

**Stockage** : l'entrepôt DuckDB est reconstruit par les imports et ouvert en lecture seule par le
tableau de bord ; le suivi vit donc dans une base SQLite à côté, en mode WAL (écritures brèves et
concurrentes des pages et de la commande ``vigie``), une par entrepôt et nommée d'après lui
(``vigie.duckdb`` → ``vigie.suivi.sqlite``), mode 0600, créée et migrée par Vigie (table ``meta``,
``schema_version``).

**Identité** : une entrée est attachée à un *dossier* de suivi, pas à l'``eleve_id`` de l'entrepôt
(celui-ci change quand un INE apparaît dans une liste ultérieure ou quand un nom est corrigé : c'est une
empreinte du nom). Le dossier garde l'INE, le nom, le prénom, la date de naissance et tous les
``eleve_id`` sous lesquels l'élève a été vu ; :func:`dossiers_de` retrouve le dossier d'un élève de
l'entrepôt par ``eleve_id`` connu, puis par INE, puis par nom et date de naissance (rapprochement de
``models/matching.py``, fautes de frappe comprises, date de naissance égale exigée).

**Qui écrit, qui lit** (:data:`DROITS`, README « Suivi ») : voir le tableau du README ; en plus du rôle,
le périmètre des élèves (``models/acces.py``) s'applique : un professeur principal n'écrit et ne lit que
pour ses classes.

**Durées de conservation** (:data:`CONSERVATION`, appliquées par ``vigie purge --annee``) : voir
:func:`purger`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from .acces import Utilisateur, journaliser
from .annee_scolaire import annee_scolaire
from .errors import VigieError
from .matching import Annuaire, EleveConnu
from .reglages import charger_reglages

if TYPE_CHECKING:
    from .warehouse import Warehouse

Sorte = Literal["procedure", "alerte", "conseil"]

#: Étape → (libellé, s'adresse aux responsables légaux, rôles qui l'enregistrent).
ETAPES: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    # L131-8 : « le directeur … informe sans délai les personnes responsables » de toute absence.
    "contact_famille": ("Contact avec la famille", True, ("direction", "cpe", "professeur_principal")),
    "dialogue_eleve": ("Dialogue avec l'élève", False, ("direction", "cpe", "professeur_principal")),
    # R131-7 : à partir de quatre demi-journées non justifiées dans le mois, les personnes responsables
    # sont invitées à un entretien (circulaire 2014-159, « dialogue avec la famille »).
    "entretien_famille": ("Entretien avec les responsables légaux", True, ("direction", "cpe")),
    "entretien_eleve": ("Entretien avec l'élève majeur", False, ("direction", "cpe")),
    # Circulaire 2014-159 : équipe éducative (1er degré) ou commission éducative / groupe de prévention
    # du décrochage scolaire (2nd degré) réunie par le chef d'établissement.
    "equipe_educative": ("Équipe éducative / commission éducative", False, ("direction", "cpe")),
    # L131-8 et R131-7 : le chef d'établissement saisit le DASEN, qui adresse un avertissement aux
    # personnes responsables : acte de la direction, sans objet pour un élève majeur.
    "signalement_dasen": ("Signalement au DASEN", True, ("direction",)),
}

STATUTS_ALERTE: dict[str, str] = {"vue": "Vue", "prise_en_charge": "Prise en charge", "close": "Close"}

#: Rubrique → valeurs possibles (``None`` : texte libre seulement, dans le commentaire).
AVIS = ("Très favorable", "Favorable", "Assez favorable", "Doit faire ses preuves", "Réservé")
ORIENTATIONS = (
    "Passage en classe supérieure", "Maintien (redoublement)", "2de générale et technologique",
    "2de professionnelle", "1re année de CAP", "1re générale", "1re technologique", "Autre (voir commentaire)",
)


def mentions_decidables() -> tuple[str, ...]:
    """Les mentions du conseil (``models/reglages.toml``, ``[[mentions]]``), et « Aucune mention »."""
    vues: dict[str, None] = {}
    for m in charger_reglages().mentions:
        vues.setdefault(m.libelle, None)
    return (*vues, "Aucune mention")


RUBRIQUES_CONSEIL: dict[str, str] = {
    "mention": "Mention décidée", "avis": "Avis", "appreciation": "Appréciation générale",
    "orientation": "Orientation",
}


def valeurs_conseil(rubrique: str) -> tuple[str, ...] | None:
    return {"mention": mentions_decidables(), "avis": AVIS, "orientation": ORIENTATIONS}.get(rubrique)


def libelle_code(sorte: str, code: str) -> str:
    if sorte == "procedure":
        return ETAPES[code][0] if code in ETAPES else code
    if sorte == "alerte":
        return STATUTS_ALERTE.get(code, code)
    return RUBRIQUES_CONSEIL.get(code, code)


SORTES: dict[str, str] = {"procedure": "Procédure d'absentéisme", "alerte": "État d'une alerte",
                          "conseil": "Décision du conseil de classe"}

#: Sorte → (rôles qui écrivent, rôles qui lisent). Le périmètre des élèves s'ajoute (models/acces.py).
DROITS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "procedure": (frozenset({"direction", "cpe", "professeur_principal"}),
                  frozenset({"direction", "cpe", "professeur_principal"})),
    "alerte": (frozenset({"direction", "cpe", "professeur_principal"}),
               frozenset({"direction", "cpe", "professeur_principal"})),
    "conseil": (frozenset({"direction", "professeur_principal"}),
                frozenset({"direction", "professeur_principal", "cpe", "enseignant", "coordonnateur_ulis"})),
}

#: Sorte → durée de conservation (README « Suivi », source et raison dans :func:`purger`).
CONSERVATION: dict[str, str] = {
    "alerte": "l'année scolaire de l'alerte (purgée avec elle)",
    "procedure": "l'année scolaire de l'étape et l'année suivante",
    "conseil": "tant que l'élève est dans l'établissement ; purgée l'année de sa sortie",
}


def peut_ecrire(u: Utilisateur, sorte: str) -> bool:
    return sorte in DROITS and u.role in DROITS[sorte][0]


def peut_lire(u: Utilisateur, sorte: str) -> bool:
    return sorte in DROITS and u.role in DROITS[sorte][1]


def sortes_lisibles(u: Utilisateur) -> list[str]:
    return [s for s in SORTES if peut_lire(u, s)]


# --- Le fichier -------------------------------------------------------------------------------------


def fichier_suivi(db: str | Path) -> Path:
    """``vigie.duckdb`` → ``vigie.suivi.sqlite``, à côté de l'entrepôt."""
    db = Path(db)
    return db.with_name(db.stem + ".suivi.sqlite")


_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE dossiers (
            dossier TEXT PRIMARY KEY, ine TEXT, nom TEXT NOT NULL, prenom TEXT NOT NULL,
            date_naissance TEXT, classe TEXT, sortie TEXT, cree_le TEXT NOT NULL)""",
        "CREATE TABLE alias (eleve_id TEXT PRIMARY KEY, dossier TEXT NOT NULL REFERENCES dossiers(dossier))",
        """CREATE TABLE entrees (
            entree_id INTEGER PRIMARY KEY AUTOINCREMENT,
            dossier TEXT NOT NULL REFERENCES dossiers(dossier),
            sorte TEXT NOT NULL CHECK (sorte IN ('procedure', 'alerte', 'conseil')),
            code TEXT NOT NULL,
            valeur TEXT,
            date TEXT NOT NULL,
            annee TEXT NOT NULL,
            periode TEXT,
            regle TEXT,
            classe TEXT,
            commentaire TEXT NOT NULL DEFAULT '',
            auteur TEXT NOT NULL,
            role TEXT NOT NULL,
            saisie_le TEXT NOT NULL,
            corrige INTEGER)""",
        "CREATE INDEX entrees_dossier ON entrees(dossier, sorte)",
        # Jamais modifiée en place : une correction est une nouvelle entrée (colonne corrige).
        """CREATE TRIGGER entrees_immuables BEFORE UPDATE ON entrees
           BEGIN SELECT RAISE(ABORT, 'une entrée de suivi ne se modifie pas : saisissez une correction'); END""",
    ],
]
VERSION = len(_MIGRATIONS)


@contextlib.contextmanager
def ouvrir(db: str | Path, *, ecrire: bool = False) -> Iterator[sqlite3.Connection]:
    """La base de suivi de l'entrepôt ``db`` : créée (0600) et migrée au besoin ; une transaction par
    ouverture (COMMIT en sortie normale, ROLLBACK sur erreur), qui prend le verrou d'écriture d'emblée
    avec ``ecrire`` (WAL : les lecteurs ne sont jamais bloqués)."""
    chemin = fichier_suivi(db)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    if not chemin.exists():
        os.close(os.open(chemin, os.O_WRONLY | os.O_CREAT, 0o600))
    con = sqlite3.connect(chemin, timeout=30, isolation_level=None)
    try:
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        _migrer(con)
        for annexe in (Path(str(chemin) + "-wal"), Path(str(chemin) + "-shm")):
            if annexe.exists():
                os.chmod(annexe, 0o600)
        con.execute("BEGIN IMMEDIATE" if ecrire else "BEGIN")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()


def _migrer(con: sqlite3.Connection) -> None:
    """Applique les migrations manquantes ; n'écrit rien quand le schéma est à jour (une lecture ne doit
    pas changer la version vue par le cache du tableau de bord)."""
    def version() -> int:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            return 0
        ligne = con.execute("SELECT valeur FROM meta WHERE cle = 'schema_version'").fetchone()
        return int(ligne[0]) if ligne else 0

    if version() == VERSION:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        actuelle = version()  # relue sous le verrou : un autre processus a pu migrer entre-temps
        if actuelle > VERSION:
            raise VigieError(f"La base de suivi a été créée par une version plus récente de Vigie (schéma "
                             f"{actuelle}, cette version connaît le schéma {VERSION}). Mettez Vigie à jour.")
        con.execute("CREATE TABLE IF NOT EXISTS meta (cle TEXT PRIMARY KEY, valeur TEXT)")
        for migration in _MIGRATIONS[actuelle:]:
            for ddl in migration:
                con.execute(ddl)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(VERSION)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def version_suivi(db: str | Path) -> tuple[int, int]:
    """Change à chaque écriture (pour le cache du tableau de bord) ; (0, 0) sans base de suivi."""
    chemin = fichier_suivi(db)
    try:
        vals = [chemin.stat().st_mtime_ns]
        wal = Path(str(chemin) + "-wal")
        if wal.exists():
            s = wal.stat()
            vals += [s.st_mtime_ns, s.st_size]
        return (chemin.stat().st_ino, hash(tuple(vals)))
    except FileNotFoundError:
        return (0, 0)


# --- Identité des élèves ----------------------------------------------------------------------------


def _iso(d: Any) -> str | None:
    return d.isoformat() if isinstance(d, (dt.date, dt.datetime)) else (str(d) if d else None)


class _Index:
    """Les dossiers lus une fois : par eleve_id déjà vu, par INE, et par date de naissance (un annuaire de
    ``models/matching.py`` par date, construit à la demande : le rapprochement approché, coûteux, ne
    compare un élève qu'aux dossiers nés le même jour)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.alias = dict(con.execute("SELECT eleve_id, dossier FROM alias").fetchall())
        self.par_ine: dict[str, str] = {}
        self.par_naissance: dict[str | None, list[sqlite3.Row]] = {}
        for r in con.execute("SELECT * FROM dossiers"):
            if r["ine"]:
                self.par_ine[r["ine"].upper()] = r["dossier"]
            self.par_naissance.setdefault(r["date_naissance"], []).append(r)
        self._annuaires: dict[str | None, Annuaire] = {}

    def trouver(self, e: dict[str, Any]) -> str | None:
        """Le dossier d'un élève de l'entrepôt : par eleve_id déjà vu, INE, puis nom (fautes de frappe
        comprises) parmi les dossiers de même date de naissance — un homonyme né un autre jour n'est pas le
        même élève, et deux INE différents désignent deux élèves."""
        d = self.alias.get(e["eleve_id"])
        if d is None and e.get("ine"):
            d = self.par_ine.get(e["ine"].upper())
        if d is not None:
            return d
        naissance = _iso(e.get("date_naissance"))
        candidats = self.par_naissance.get(naissance)
        if not candidats:
            return None
        if naissance not in self._annuaires:
            self._annuaires[naissance] = Annuaire([EleveConnu(r["dossier"], r["nom"], r["prenom"], r["classe"] or "",
                                                              r["ine"]) for r in candidats])
        from .records import RefEleve

        rap = self._annuaires[naissance].rapprocher(RefEleve(nom=e["nom"], prenom=e.get("prenom"),
                                                             classe=e.get("classe")))
        if not rap.trouve:
            return None
        ine = next(r["ine"] for r in candidats if r["dossier"] == rap.eleve_id)
        return None if ine and e.get("ine") and ine.upper() != e["ine"].upper() else rap.eleve_id


def _dossier(con: sqlite3.Connection, e: dict[str, Any]) -> str:
    """Trouve ou crée le dossier de l'élève ``e`` (ligne de la vue ``eleves``) et le met à jour : nouvel
    ``eleve_id`` retenu, INE apparu, nom corrigé, classe actuelle."""
    d = _Index(con).trouver(e)
    if d is None:
        d = uuid.uuid4().hex
        con.execute("INSERT INTO dossiers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [d, e.get("ine"), e["nom"], e.get("prenom") or "", _iso(e.get("date_naissance")),
                     e.get("classe"), _iso(e.get("sortie")), dt.datetime.now().isoformat(timespec="seconds")])
    else:
        con.execute("UPDATE dossiers SET ine = coalesce(?, ine), nom = ?, prenom = ?, classe = ?, sortie = ?, "
                    "date_naissance = coalesce(date_naissance, ?) WHERE dossier = ?",
                    [e.get("ine"), e["nom"], e.get("prenom") or "", e.get("classe"), _iso(e.get("sortie")),
                     _iso(e.get("date_naissance")), d])
    con.execute("INSERT OR REPLACE INTO alias VALUES (?, ?)", [e["eleve_id"], d])
    return d


def dossiers_de(db: str | Path, eleves: pl.DataFrame) -> dict[str, str]:
    """``eleve_id`` → dossier de suivi, pour les élèves (vue ``eleves``) qui en ont un."""
    if not fichier_suivi(db).exists() or eleves.is_empty():
        return {}
    out: dict[str, str] = {}
    with ouvrir(db) as con:
        index = _Index(con)
        for e in eleves.iter_rows(named=True):
            d = index.trouver(e)
            if d is not None:
                out[e["eleve_id"]] = d
    return out


# --- Écrire -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saisie:
    """Ce qu'une page ou la commande demande d'enregistrer."""

    eleve_id: str
    sorte: str
    code: str
    date: dt.date
    commentaire: str = ""
    valeur: str | None = None
    periode: str | None = None
    regle: str | None = None
    annee: str | None = None
    corrige: int | None = None


def _majeur(naissance: Any, le: dt.date) -> bool:
    if not isinstance(naissance, dt.date):
        return False
    return (le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))) >= 18


def ajouter(db: str | Path, wh: "Warehouse", u: Utilisateur, s: Saisie) -> int:
    """Enregistre une entrée ; renvoie son numéro. ``wh`` : l'entrepôt lu avec le périmètre de ``u``
    (``lecture(db, utilisateur=u)``) — un élève hors de son périmètre est inconnu.

    Lève :class:`VigieError` (message en français) si le rôle ne peut pas écrire cette sorte, si le code
    ou la valeur n'est pas dans sa liste, si l'étape ne s'applique pas (élève majeur, signalement hors
    direction), si la date est dans le futur, ou si la correction ne désigne pas une entrée du même élève
    et de la même sorte."""
    if s.sorte not in SORTES:
        raise VigieError(f"sorte d'entrée inconnue « {s.sorte} » (sortes : {', '.join(SORTES)})")
    if not peut_ecrire(u, s.sorte):
        raise VigieError(f"le rôle {u.role} ne peut pas enregistrer : {SORTES[s.sorte].lower()}")
    eleves = wh.sql("SELECT eleve_id, ine, nom, prenom, classe, date_naissance, sortie FROM eleves "
                    "WHERE eleve_id = $e", {"e": s.eleve_id})
    if eleves.is_empty():
        raise VigieError(f"élève inconnu ou hors de votre périmètre : « {s.eleve_id} »")
    e = eleves.row(0, named=True)
    if s.date > dt.date.today():
        raise VigieError(f"date dans le futur : {s.date:%d/%m/%Y}")
    annee = s.annee or annee_scolaire(s.date)
    valeur = s.valeur
    if s.sorte == "procedure":
        if s.code not in ETAPES:
            raise VigieError(f"étape inconnue « {s.code} » (étapes : {', '.join(ETAPES)})")
        libelle, aux_responsables, roles = ETAPES[s.code]
        if u.role not in roles:
            raise VigieError(f"« {libelle} » est enregistré par : {', '.join(roles)} — pas par le rôle {u.role}")
        majeur = _majeur(e["date_naissance"], s.date)
        if aux_responsables and majeur:
            raise VigieError(f"« {libelle} » s'adresse aux responsables légaux : sans objet pour un élève majeur")
        if s.code == "entretien_eleve" and not majeur:
            raise VigieError("l'entretien avec l'élève majeur ne concerne qu'un élève majeur ; pour un mineur, "
                             "enregistrez l'entretien avec les responsables légaux ou le dialogue avec l'élève")
    elif s.sorte == "alerte":
        if s.code not in STATUTS_ALERTE:
            raise VigieError(f"état d'alerte inconnu « {s.code} » (états : {', '.join(STATUTS_ALERTE)})")
        if not s.regle or not s.periode:
            raise VigieError("l'état d'une alerte est attaché à une règle et une période : indiquez les deux")
    else:
        if s.code not in RUBRIQUES_CONSEIL:
            raise VigieError(f"rubrique du conseil inconnue « {s.code} » (rubriques : {', '.join(RUBRIQUES_CONSEIL)})")
        if not s.periode:
            raise VigieError("une décision du conseil de classe est attachée à une période : indiquez-la")
        permises = valeurs_conseil(s.code)
        if permises is None:
            valeur = None
            if not s.commentaire.strip():
                raise VigieError("l'appréciation générale est un texte : écrivez-la dans le commentaire")
        elif valeur not in permises:
            raise VigieError(f"{RUBRIQUES_CONSEIL[s.code].lower()} : « {valeur} » n'est pas dans la liste "
                             f"({' ; '.join(permises)})")
    with ouvrir(db, ecrire=True) as con:
        dossier = _dossier(con, e)
        if s.corrige is not None:
            c = con.execute("SELECT dossier, sorte FROM entrees WHERE entree_id = ?", [s.corrige]).fetchone()
            if c is None or c["dossier"] != dossier or c["sorte"] != s.sorte:
                raise VigieError(f"l'entrée n° {s.corrige} n'est pas une entrée « {SORTES[s.sorte].lower()} » "
                                 "de cet élève : rien n'est corrigé")
        cur = con.execute(
            "INSERT INTO entrees (dossier, sorte, code, valeur, date, annee, periode, regle, classe, commentaire, "
            "auteur, role, saisie_le, corrige) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [dossier, s.sorte, s.code, valeur, s.date.isoformat(), annee, s.periode, s.regle, e["classe"],
             s.commentaire.strip(), u.identifiant, u.role, dt.datetime.now().isoformat(timespec="seconds"),
             s.corrige])
        numero = int(cur.lastrowid)
        # Dans la transaction : si le journal ne peut pas être écrit, l'entrée ne l'est pas non plus.
        journaliser(db, u, "suivi", f"entrée {numero} : {s.sorte}/{s.code}" +
                    (f" corrige {s.corrige}" if s.corrige else "") + f" — élève {s.eleve_id}")
    return numero


# --- Lire -------------------------------------------------------------------------------------------

COLONNES = {
    "entree_id": pl.Int64, "eleve_id": pl.String, "nom": pl.String, "prenom": pl.String, "classe": pl.String,
    "sorte": pl.String, "code": pl.String, "libelle": pl.String, "valeur": pl.String, "date": pl.Date,
    "annee": pl.String, "periode": pl.String, "regle": pl.String, "commentaire": pl.String,
    "auteur": pl.String, "role": pl.String, "saisie_le": pl.Datetime, "corrige": pl.Int64,
    "corrigee_par": pl.Int64,
}


def entrees(
    db: str | Path, wh: "Warehouse", u: Utilisateur, *, eleve_id: str | None = None, classe: str | None = None,
    sorte: str | None = None, toutes: bool = False,
) -> pl.DataFrame:
    """Les entrées que ``u`` peut lire (sorte et périmètre), les plus récentes d'abord.

    ``wh`` est l'entrepôt lu avec le périmètre de ``u`` : seuls les élèves qu'il y voit sont listés.
    Sans ``toutes``, une entrée corrigée disparaît derrière sa correction (``corrigee_par`` la désigne
    quand ``toutes`` est vrai). Colonnes : :data:`COLONNES`."""
    vide = pl.DataFrame(schema=COLONNES)
    lisibles = [s for s in sortes_lisibles(u) if sorte is None or s == sorte]
    if not lisibles or not fichier_suivi(db).exists():
        return vide
    q = "SELECT eleve_id, nom, prenom, classe, ine, date_naissance FROM eleves WHERE TRUE"
    params: dict[str, Any] = {}
    if eleve_id is not None:
        q += " AND eleve_id = $e"
        params["e"] = eleve_id
    if classe is not None:
        q += " AND classe = $c"
        params["c"] = classe
    eleves = wh.sql(q, params)
    dossiers = dossiers_de(db, eleves)
    if not dossiers:
        return vide
    # Un dossier vu sous deux eleve_id (liste ancienne et liste avec INE) : les entrées sont montrées une
    # fois, sous l'eleve_id le plus récent vu dans l'entrepôt (le dernier de la liste).
    par_dossier = {d: eid for eid, d in dossiers.items()}
    with ouvrir(db) as con:
        marques = ",".join("?" * len(par_dossier))
        sortes_m = ",".join("?" * len(lisibles))
        lignes = con.execute(
            f"SELECT e.*, (SELECT max(c.entree_id) FROM entrees c WHERE c.corrige = e.entree_id) AS corrigee_par "
            f"FROM entrees e WHERE e.dossier IN ({marques}) AND e.sorte IN ({sortes_m}) "
            "ORDER BY e.date DESC, e.entree_id DESC",
            [*par_dossier, *lisibles]).fetchall()
    if not lignes:
        return vide
    infos = {r["eleve_id"]: r for r in eleves.iter_rows(named=True)}
    rows = []
    for r in lignes:
        if r["corrigee_par"] is not None and not toutes:
            continue
        eid = par_dossier[r["dossier"]]
        rows.append({
            "entree_id": r["entree_id"], "eleve_id": eid, "nom": infos[eid]["nom"], "prenom": infos[eid]["prenom"],
            "classe": r["classe"], "sorte": r["sorte"], "code": r["code"],
            "libelle": libelle_code(r["sorte"], r["code"]), "valeur": r["valeur"],
            "date": dt.date.fromisoformat(r["date"]), "annee": r["annee"], "periode": r["periode"],
            "regle": r["regle"], "commentaire": r["commentaire"], "auteur": r["auteur"], "role": r["role"],
            "saisie_le": dt.datetime.fromisoformat(r["saisie_le"]), "corrige": r["corrige"],
            "corrigee_par": r["corrigee_par"],
        })
    return pl.DataFrame(rows, schema=COLONNES) if rows else vide


def statuts_alertes(db: str | Path, wh: "Warehouse", u: Utilisateur, *, classe: str | None = None) -> pl.DataFrame:
    """Le dernier état de chaque alerte suivie : (eleve_id, regle, periode, annee) → statut, date, auteur."""
    e = entrees(db, wh, u, classe=classe, sorte="alerte")
    cols = ["eleve_id", "regle", "periode", "annee", "statut", "date", "auteur", "commentaire"]
    if e.is_empty():
        return pl.DataFrame(schema={c: (pl.Date if c == "date" else pl.String) for c in cols})
    return (e.sort("date", "entree_id", descending=True)
            .unique(["eleve_id", "regle", "periode", "annee"], keep="first", maintain_order=True)
            .select(*cols[:4], pl.col("code").alias("statut"), *cols[5:]))


#: La « période » d'une alerte qui n'en a pas (campagne Pix non envoyée) : elle est suivie pour l'année.
SANS_PERIODE = "année"


def annee_alerte(wh: "Warehouse", periode: str | None) -> str | None:
    """L'année scolaire d'une alerte : son mois (``2025-10``), sa période nommée (la plus récente de ce
    nom dans ``periodes``), ou, sans période, l'année scolaire en cours."""
    if not periode or periode == SANS_PERIODE:
        return annee_scolaire(dt.date.today())
    try:
        return annee_scolaire(dt.date.fromisoformat(periode + "-01"))
    except ValueError:
        return wh.valeur("SELECT max(annee) FROM periodes WHERE periode = $p", {"p": periode})


def avec_statuts(db: str | Path, wh: "Warehouse", u: Utilisateur, alertes: pl.DataFrame) -> pl.DataFrame:
    """Les alertes (``models.alertes.alertes``) avec ``annee`` et l'état suivi (``statut``, ``statut_date``,
    ``statut_auteur`` ; ``statut`` vide : nouvelle) ; ``periode_suivie`` est la période sous laquelle
    l'état est consigné (:data:`SANS_PERIODE` pour une alerte sans période)."""
    out = alertes.with_columns(pl.col("periode").fill_null(SANS_PERIODE).alias("periode_suivie"))
    annees = {p: annee_alerte(wh, p) for p in out["periode_suivie"].unique().to_list()} if out.height else {}
    out = out.with_columns(pl.col("periode_suivie").replace_strict(annees, default=None, return_dtype=pl.String)
                           .alias("annee"))
    if not peut_lire(u, "alerte"):
        return out.with_columns(statut=pl.lit(None, pl.String), statut_date=pl.lit(None, pl.Date),
                                statut_auteur=pl.lit(None, pl.String))
    st = statuts_alertes(db, wh, u).select("eleve_id", "regle", pl.col("periode").alias("periode_suivie"), "annee",
                                           "statut", pl.col("date").alias("statut_date"),
                                           pl.col("auteur").alias("statut_auteur"))
    return out.join(st, on=["eleve_id", "regle", "periode_suivie", "annee"], how="left", nulls_equal=True)


def decisions_conseil(db: str | Path, wh: "Warehouse", u: Utilisateur, classe: str, annee: str | None,
                      periode: str) -> pl.DataFrame:
    """Les décisions du conseil de classe pour ``classe``, ``periode`` (et ``annee``) : une ligne par élève
    de la classe qui en a, colonnes ``eleve_id``, ``mention``, ``avis``, ``appreciation``,
    ``orientation`` (texte prêt à afficher : la valeur, et le commentaire entre parenthèses ; la
    dernière décision de chaque rubrique)."""
    cols = {"eleve_id": pl.String, **{r: pl.String for r in RUBRIQUES_CONSEIL}}
    e = entrees(db, wh, u, classe=classe, sorte="conseil").filter(pl.col("periode") == periode)
    if annee is not None:
        e = e.filter(pl.col("annee") == annee)
    if e.is_empty():
        return pl.DataFrame(schema=cols)
    e = e.sort("date", "entree_id", descending=True).unique(["eleve_id", "code"], keep="first")
    texte = pl.when(pl.col("valeur").is_null()).then(pl.col("commentaire")).when(pl.col("commentaire") == "") \
        .then(pl.col("valeur")).otherwise(pl.col("valeur") + " (" + pl.col("commentaire") + ")")
    large = e.with_columns(texte.alias("texte")).pivot("code", index="eleve_id", values="texte")
    for r in RUBRIQUES_CONSEIL:
        if r not in large.columns:
            large = large.with_columns(pl.lit(None, pl.String).alias(r))
    return large.select(list(cols)).sort("eleve_id")


def chronologie(db: str | Path, wh: "Warehouse", u: Utilisateur, eleve_id: str, *,
                alertes: pl.DataFrame | None = None, classe: str | None = None) -> pl.DataFrame:
    """Une seule chronologie pour la fiche de l'élève : ses alertes (datées du début de leur mois ou de
    leur période, avec leur état suivi), les étapes de procédure et les décisions du conseil. Colonnes :
    date, quoi, detail, par ; les plus récentes d'abord. Sans ``alertes``, celles de ``models.alertes``."""
    schema = {"date": pl.Date, "quoi": pl.String, "detail": pl.String, "par": pl.String}
    lignes: list[dict[str, Any]] = []
    if alertes is None:
        from .conseil import alertes_eleve

        alertes = avec_statuts(db, wh, u, alertes_eleve(wh, eleve_id, classe))
    if alertes.height:
        debuts = dict(wh.sql("SELECT periode, min(debut) AS d FROM periodes GROUP BY periode").iter_rows())
        for a in alertes.iter_rows(named=True):
            p = a.get("periode")
            try:
                quand = dt.date.fromisoformat(p + "-01") if p else None
            except ValueError:
                quand = debuts.get(p)
            etat = STATUTS_ALERTE.get(a.get("statut") or "", "nouvelle")
            lignes.append({"date": quand, "quoi": f"Alerte : {a['libelle']}",
                           "detail": f"{a['explication']} — état : {etat.lower()}", "par": "Vigie"})
    for e in entrees(db, wh, u, eleve_id=eleve_id).iter_rows(named=True):
        detail = " — ".join(x for x in (e["valeur"], e["commentaire"]) if x)
        if e["sorte"] == "alerte":
            detail = f"{e['regle']} ({e['periode']}) " + detail
        if e["corrige"]:
            detail += f" (corrige l'entrée n° {e['corrige']})"
        lignes.append({"date": e["date"], "quoi": f"{SORTES[e['sorte']]} : {e['libelle']}", "detail": detail,
                       "par": e["auteur"]})
    if not lignes:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(lignes, schema=schema).sort("date", descending=True, nulls_last=True)


# --- Exporter ---------------------------------------------------------------------------------------


def exporter(db: str | Path, wh: "Warehouse", u: Utilisateur, *, format: Literal["csv", "texte"] = "csv") -> str:
    """L'export nominatif du suivi : réservé à la direction, consigné au journal d'accès."""
    from .export import csv_sur

    if u.role != "direction":
        raise VigieError("l'export nominatif du suivi est réservé à la direction")
    df = entrees(db, wh, u, toutes=True).sort("date", "entree_id")
    journaliser(db, u, "export", f"suivi nominatif ({df.height} entrées, format {format})")
    df = df.with_columns(pl.col("date").dt.strftime("%d/%m/%Y"), pl.col("saisie_le").dt.strftime("%d/%m/%Y %H:%M"))
    if format == "csv":
        return csv_sur(df)
    return "\n".join(
        f"n° {r['entree_id']:<5} {r['date']}  {r['classe'] or '':6} {r['nom']} {r['prenom']} — "
        f"{SORTES[r['sorte']]} : {r['libelle']}" + (f" — {r['valeur']}" if r["valeur"] else "")
        + (f" — {r['commentaire']}" if r["commentaire"] else "") + f"  ({r['auteur']})"
        for r in df.iter_rows(named=True)) or "Aucune entrée de suivi."


def pseudonymise(db: str | Path) -> pl.DataFrame:
    """Toutes les entrées sans texte libre ni identité (pour ``models.export.exporter_pseudonymise``) :
    le dossier remplace l'élève, l'auteur et le commentaire sont retirés."""
    cols = {"dossier": pl.String, "sorte": pl.String, "code": pl.String, "valeur": pl.String, "date": pl.String,
            "annee": pl.String, "periode": pl.String, "regle": pl.String, "classe": pl.String, "role": pl.String,
            "corrige": pl.Int64}
    if not fichier_suivi(db).exists():
        return pl.DataFrame(schema=cols)
    with ouvrir(db) as con:
        lignes = [dict(r) for r in con.execute(f"SELECT {', '.join(cols)} FROM entrees ORDER BY entree_id")]
    df = pl.DataFrame(lignes, schema=cols) if lignes else pl.DataFrame(schema=cols)
    # L'appréciation générale est un texte libre : sa valeur est déjà vide ; les autres valeurs sont des
    # choix de liste.
    return df


# --- Conservation -----------------------------------------------------------------------------------


def purger(db: str | Path, wh: "Warehouse", annee: str, *, utilisateur: Utilisateur | None = None) -> dict[str, int]:
    """Applique les durées de conservation du suivi lors de la purge de l'année scolaire ``annee``
    (``vigie purge --annee``, après la fin de l'année) ; renvoie le nombre d'entrées supprimées par sorte.

    - **États d'alerte** : l'année de l'alerte. L'alerte est calculée à partir des absences et notes de
      l'année, purgées avec elle (``models/retention.py``) : son état n'a plus d'objet.
    - **Étapes de la procédure d'absentéisme** : l'année de l'étape et l'année suivante (une procédure
      engagée en fin d'année se poursuit à la rentrée ; le dossier transmis au DASEN est conservé par la
      DSDEN, pas par l'établissement). Purger ``annee`` supprime les étapes de l'année précédente.
      Décision de Vigie, conforme au principe de limitation de la conservation (RGPD, art. 5-1-e).
    - **Décisions du conseil de classe** : mention, avis, appréciation générale et orientation figurent au
      bulletin et au livret scolaire, qui suivent l'élève pendant sa scolarité dans l'établissement
      (Code de l'éducation, D331-23 et suivants pour l'orientation) : gardées tant que l'élève est
      inscrit, supprimées pour un élève sorti au plus tard à la fin de ``annee`` (date de sortie de la
      liste des élèves, vue ``eleves`` de ``wh``).
    """
    from .annee_scolaire import bornes

    debut, fin = bornes(annee)
    precedente = f"{debut.year - 1}-{debut.year}"
    if not fichier_suivi(db).exists():
        return {s: 0 for s in SORTES}
    sortis = wh.sql("SELECT eleve_id, ine, nom, prenom, classe, date_naissance FROM eleves "
                    "WHERE sortie IS NOT NULL AND sortie <= $fin", {"fin": fin})
    presents = wh.sql("SELECT eleve_id, ine, nom, prenom, classe, date_naissance FROM eleves "
                      "WHERE sortie IS NULL OR sortie > $fin", {"fin": fin})
    # Un dossier vu aussi sous un élève encore inscrit (ancienne ligne sans INE, nouvelle avec) est gardé.
    sorties = sorted(set(dossiers_de(db, sortis).values()) - set(dossiers_de(db, presents).values()))
    with ouvrir(db, ecrire=True) as con:
        conditions = {
            "alerte": ("annee = ?", [annee]),
            "procedure": ("annee <= ?", [precedente]),
            "conseil": (f"dossier IN ({','.join('?' * len(sorties)) or 'NULL'})", sorties),
        }
        out = {}
        for sorte, (cond, params) in conditions.items():
            # Les corrections d'abord (elles désignent les entrées corrigées).
            ids = [r[0] for r in con.execute(f"SELECT entree_id FROM entrees WHERE sorte = ? AND ({cond}) "
                                             "ORDER BY entree_id DESC", [sorte, *params])]
            for i in ids:
                con.execute("DELETE FROM entrees WHERE entree_id = ?", [i])
            out[sorte] = len(ids)
        if utilisateur is not None and any(out.values()):
            journaliser(db, utilisateur, "purge", f"suivi {annee} : " + ", ".join(f"{s} {n}" for s, n in out.items()))
    return out


# --- Pour les pages ---------------------------------------------------------------------------------


def alertes_suivies(db: str | Path, wh: "Warehouse", u: Utilisateur, *, classe: str | None = None) -> pl.DataFrame:
    """Les alertes (``models.alertes.alertes``) avec leur année et leur état suivi (:func:`avec_statuts`)."""
    from .alertes import alertes

    return avec_statuts(db, wh, u, alertes(wh, classe=classe))


def seuils_suivis(db: str | Path, wh: "Warehouse", u: Utilisateur, *, classe: str | None = None) -> pl.DataFrame:
    """L'année en un coup d'œil : chaque élève × mois qui franchit le seuil de demi-journées non justifiées
    (``absences.seuil_mois_non_justifiees``, 4 ; et ``seuil_persistance``, 10 : L131-8, R131-7), avec l'état
    de l'alerte du mois (``absences_mois`` ou ``absences_persistance``) et la dernière étape de procédure
    consignée. Colonnes : eleve_id, nom, prenom, classe, mois, non_justifiees, en_attente, seuil, regle,
    annee, statut, statut_date, derniere_etape, derniere_etape_date."""
    from .absences import mois_non_justifies, regle_mensuelle_expr

    reglages = charger_reglages()
    r = reglages.absences
    m = mois_non_justifies(wh, r.seuil_mois_non_justifiees)
    if classe is not None:
        m = m.filter(pl.col("classe") == classe)
    persistant = regle_mensuelle_expr(reglages) == "absences_persistance"
    m = m.drop("jours").with_columns(
        pl.when(persistant).then(r.seuil_persistance).otherwise(r.seuil_mois_non_justifiees).alias("seuil"),
        regle_mensuelle_expr(reglages).alias("regle"),
        pl.col("mois").dt.strftime("%Y-%m").alias("periode"),
        pl.col("mois").map_elements(annee_scolaire, return_dtype=pl.String).alias("annee"),
    )
    st_ = statuts_alertes(db, wh, u, classe=classe).select(
        "eleve_id", "regle", "periode", "annee", "statut", pl.col("date").alias("statut_date"))
    etapes = entrees(db, wh, u, classe=classe, sorte="procedure").sort("date", "entree_id", descending=True)
    m = m.join(st_, on=["eleve_id", "regle", "periode", "annee"], how="left")
    # La dernière étape consignée jusqu'à la fin du mois suivant (l'étape qui répond à ce mois-là).
    derniere, quand = [], []
    par_eleve = {k[0]: g for k, g in etapes.group_by("eleve_id")} if etapes.height else {}
    for eid, mois in zip(m["eleve_id"], m["mois"]):
        g = par_eleve.get(eid)
        limite = (mois + dt.timedelta(days=62)).replace(day=1)
        g = g.filter((pl.col("date") >= mois) & (pl.col("date") < limite)) if g is not None else None
        derniere.append(g["libelle"][0] if g is not None and g.height else None)
        quand.append(g["date"][0] if g is not None and g.height else None)
    return m.with_columns(pl.Series("derniere_etape", derniere, dtype=pl.String),
                          pl.Series("derniere_etape_date", quand, dtype=pl.Date)).drop("periode")
