"""Les jeux de données des mesures, générés par l'école synthétique et gardés en cache.

``XS`` (tests : 60 élèves, une année), ``S`` (300 élèves, une année), ``M`` (un lycée de 1 500 élèves sur
trois années scolaires, ``generer(eleves=1500, annees=3)``). Les fichiers sont écrits aux formats réels
par ``ecrire_ecole`` dans ``benchmarks/data/<taille>-<empreinte>/`` (ignoré par git) ; l'empreinte suit
le code de ``sample_data/`` : un générateur modifié produit un nouveau jeu. ``L`` ne passe pas par des
fichiers : voir :mod:`benchmarks.grand`.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"

#: Taille → paramètres de ``generer``.
TAILLES: dict[str, dict[str, int]] = {
    "XS": {"eleves": 60, "etablissements": 1, "annees": 1},  # et 24 fichiers de notes seulement (tests)
    "S": {"eleves": 300, "etablissements": 1, "annees": 1},
    "M": {"eleves": 1500, "etablissements": 1, "annees": 3},
    # l'école de `vigie demo` (cas b : les pages ; cas e : le conseil de classe)
    "demo": {"eleves": 600, "etablissements": 1, "annees": 1},
}
GRAINE = 2026
#: Pour le test de fumée, le plan de ``XS`` ne garde que ses premiers fichiers de notes : le coût d'un
#: import tient surtout au nombre de fichiers.
FICHIERS_NOTES = {"XS": 24}

Plan = list[tuple[str, Path, dict[str, Any]]]


def empreinte_generateur() -> str:
    """Change quand le code du générateur ou de ses écrivains change."""
    h = hashlib.sha1()
    for f in sorted((RACINE / "sample_data").glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:8]


@dataclass
class Jeu:
    taille: str
    dossier: Path
    plan: Plan

    @property
    def notes(self) -> Plan:
        return [p for p in self.plan if p[0] == "pronote-notes"]

    @property
    def octets_notes(self) -> int:
        return sum(p[1].stat().st_size for p in self.notes)

    @property
    def base(self) -> Path:
        """L'entrepôt avant les notes : établissement et listes d'élèves (voir :func:`preparer_base`)."""
        return self.dossier / "base.duckdb"

    @property
    def complet(self) -> Path:
        """L'entrepôt avec tout le plan importé (pour les pages et les analyses)."""
        return self.dossier / "complet.duckdb"


def jeu(taille: str, data: Path = DATA, *, graine: int = GRAINE, reutiliser: bool = False) -> Jeu:
    """Le jeu ``taille`` : fichiers écrits et entrepôts préparés au premier appel, relus ensuite.

    ``reutiliser`` : prendre le dernier jeu complet de cette taille même si le générateur a changé depuis
    (pour comparer des mesures avant et après une correction sans régénérer)."""
    if taille not in TAILLES:
        raise ValueError(f"taille inconnue « {taille} » (connues : {', '.join(TAILLES)})")
    dossier = data / f"{taille}-{graine}-{empreinte_generateur()}"
    anciens = sorted(data.glob(f"{taille}-{graine}-*/plan.pkl"), key=lambda f: f.stat().st_mtime)
    if reutiliser and anciens and not (dossier / "plan.pkl").exists():
        dossier = anciens[-1].parent
    fiche = dossier / "plan.pkl"
    if not fiche.exists():
        from sample_data.generateur import ecrire_ecole, generer

        if dossier.exists():
            shutil.rmtree(dossier)  # un jeu à moitié écrit (interrompu) : on recommence
        ecole = generer(graine, **TAILLES[taille])
        plan = ecrire_ecole(ecole, dossier / "fichiers")
        del ecole
        if taille in FICHIERS_NOTES:
            gardes = {id(p) for p in [p for p in plan if p[0] == "pronote-notes"][: FICHIERS_NOTES[taille]]}
            plan = [p for p in plan if p[0] != "pronote-notes" or id(p) in gardes]
        j = Jeu(taille, dossier, plan)
        preparer_base(j)
        preparer_complet(j)
        fiche.write_bytes(pickle.dumps(plan))  # en dernier : sa présence dit que le jeu est complet
    return Jeu(taille, dossier, _replacer(pickle.loads(fiche.read_bytes()), dossier / "fichiers"))


def _replacer(plan: Plan, fichiers: Path) -> Plan:
    """Le plan d'un jeu recopié ailleurs (un autre arbre de travail) : les chemins, absolus dans
    ``plan.pkl``, repris sous son dossier ``fichiers`` actuel."""
    def ici(chemin: Path) -> Path:
        if chemin.is_relative_to(fichiers) or "fichiers" not in chemin.parts:
            return chemin
        parties = chemin.parts
        k = len(parties) - 1 - parties[::-1].index("fichiers")
        return fichiers.joinpath(*parties[k + 1:])
    return [(p[0], ici(p[1]), *p[2:]) for p in plan]


def derniere_annee(j: Jeu) -> Jeu:
    """Le même jeu réduit à l'année en cours (établissement, liste d'élèves et fichiers de cette année) :
    un tiers de ``M`` pour les cas a et d quand cinq imports complets ne tiennent pas dans le temps donné.
    Les entrepôts (base, complet) restent ceux du jeu entier."""
    annees = sorted({p[1].relative_to(j.dossier / "fichiers").parts[0] for p in j.plan
                     if len(p[1].relative_to(j.dossier / "fichiers").parts) > 1})
    if len(annees) < 2:
        return j
    garde = j.dossier / "fichiers" / annees[-1]
    plan = [p for p in j.plan if p[0] == "etablissement" or p[1].is_relative_to(garde)]
    return Jeu(f"{j.taille}, {annees[-1]} seule", j.dossier, plan)


def preparer_base(j: Jeu) -> None:
    """Importe les préalables des notes (établissement, listes d'élèves) par les voies normales."""
    _importer(j.base, [p for p in j.plan if p[0] in ("etablissement", "pronote-eleves")])


def preparer_complet(j: Jeu) -> None:
    _importer(j.complet, j.plan)


def _importer(db: Path, plan: Plan) -> None:
    from connectors.importation import importer

    db.unlink(missing_ok=True)
    resultats = importer(db, plan)
    refus = [(p, r) for p, r in zip(plan, resultats) if r.statut == "rejete"]
    # Un refus hors notes (un Pix mal rapproché…) ne fausse pas les mesures : il est noté, pas bloquant.
    with open(db.with_suffix(".refus.txt"), "w", encoding="utf-8") as f:
        for (sorte, chemin, _), r in refus:
            f.write(f"{sorte} {chemin}: {r.message}\n")
    bloquants = [r for (sorte, _, _), r in refus if sorte in ("etablissement", "pronote-eleves", "pronote-notes")]
    if bloquants:
        raise RuntimeError(f"jeu de mesure : {len(bloquants)} fichier(s) refusé(s) ; premier : {bloquants[0].message}")
