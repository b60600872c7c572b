"""Cas (c) : toutes les moyennes et toutes les alertes d'un entrepôt, et leur croissance avec la taille.

Ce qu'un lecteur demande : ``models.moyennes.moyennes(wh)`` (toutes les moyennes : élèves, périodes,
matières, générales) puis ``models.alertes.alertes(wh, au=…)`` (toutes les règles), sur une connexion en
lecture seule (:func:`models.warehouse.lecture`), DuckDB avec ses fils par défaut (un par cœur). ``au`` est
la fin de la dernière période : les alertes ne dépendent pas du jour de la mesure.

Chaque entrepôt est mesuré dans un sous-processus (``python -m benchmarks.analyses DB PASSAGES``) qui
donne la durée de chaque passage au fil de l'eau : un passage plus long que ``limite`` secondes est
interrompu (et noté comme tel) au lieu de bloquer toute la campagne de mesures.
"""

from __future__ import annotations

import datetime as dt
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from .jeux import RACINE
from .mesure import Mesure


def vues_a_jour(db: Path) -> None:
    """Réécrit les vues publiques de l'entrepôt avec le code mesuré : une connexion en lecture seule lit
    les vues enregistrées dans le fichier à sa dernière ouverture en écriture, peut-être par une version
    plus ancienne de ``models/moyennes.sql`` (une ouverture en écriture migre et recrée les vues)."""
    from models.warehouse import Warehouse

    Warehouse(db).close()


def compter(db: Path) -> dict[str, int]:
    from models.warehouse import lecture

    wh = lecture(db)
    try:
        return {t: int(wh.valeur(f"SELECT count(*) FROM {t}")) for t in ("t_notes", "t_eleves", "t_etablissement")}
    finally:
        wh.close()


def _passages(db: Path, n: int, etapes: set[str]) -> None:
    """Dans le sous-processus : un passage à froid puis ``n`` ; une ligne par étape chronométrée."""
    from models import alertes, moyennes
    from models.warehouse import lecture

    for i in range(n + 1):
        wh = lecture(db)
        try:
            fin = wh.valeur("SELECT max(fin) FROM t_periodes") or dt.date.today()
            if "moyennes" in etapes:
                t = time.perf_counter()
                m = moyennes.moyennes(wh)
                print(f"moyennes {i} {time.perf_counter() - t:.6f} {m.height}", flush=True)
            if "alertes" in etapes:
                t = time.perf_counter()
                a = alertes.alertes(wh, au=fin)
                print(f"alertes {i} {time.perf_counter() - t:.6f} {a.height}", flush=True)
        finally:
            wh.close()


def _lancer(db: Path, passages: int, limite: float, etapes: list[str]
            ) -> tuple[dict[str, list[float]], dict[str, int], str]:
    """Les durées par étape (passage à froid écarté, sauf s'il est seul), les tailles de résultat, une
    remarque. Une étape plus longue que ``limite`` est interrompue ; un passage à froid plus long que
    ``limite / 2`` n'est pas répété (il est alors la seule valeur, et la remarque le dit)."""
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.analyses", str(db), str(passages), ",".join(etapes)],
                            cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lignes: queue.Queue[str | None] = queue.Queue()

    def lire() -> None:
        for ligne in proc.stdout:  # type: ignore[union-attr]
            lignes.put(ligne)
        lignes.put(None)

    threading.Thread(target=lire, daemon=True).start()
    durees: dict[str, list[float]] = {e: [] for e in etapes}
    froid: dict[str, float] = {}
    tailles: dict[str, int] = {}
    remarque = ""
    while True:
        try:
            ligne = lignes.get(timeout=limite)
        except queue.Empty:
            proc.kill()
            remarque = f"passage interrompu après {limite:g} s"
            break
        if ligne is None:
            break
        etape, i, secondes, taille = ligne.split()
        tailles[etape] = int(taille)
        if int(i) > 0:
            durees[etape].append(float(secondes))
        else:
            froid[etape] = float(secondes)
            if float(secondes) > limite / 2:
                remarque = "passage à froid seul (trop long pour être répété)"
        if remarque and etape == etapes[-1]:
            proc.kill()
            break
    proc.wait()
    for etape in etapes:  # rien de mieux que le passage à froid : on le garde, la remarque le dit
        if not durees[etape] and etape in froid:
            durees[etape].append(froid[etape])
            remarque = remarque or "passage à froid seul"
    return durees, tailles, remarque


def mesurer(entrepots: list[tuple[str, Path]], passages: int, *, cible_l: str | None = None,
            limite: float = 300.0, alertes_jusqua: int | None = None) -> list[Mesure]:
    """Pour chaque entrepôt ``(nom, chemin)`` : moyennes, alertes, total, et temps par note (µs) rapporté
    au premier entrepôt, pour le total et pour les moyennes seules. Quand les alertes dépassent la limite,
    les entrepôts plus grands ne mesurent plus que les moyennes ; quand les moyennes la dépassent, on
    s'arrête. ``alertes_jusqua`` : ne mesurer les alertes que sur les ``alertes_jusqua`` premiers entrepôts."""
    lignes: list[Mesure] = []
    premiere: Mesure | None = None
    premiere_moy: Mesure | None = None
    etapes = ["moyennes", "alertes"]
    for k, (nom, db) in enumerate(entrepots):
        if alertes_jusqua is not None and k >= alertes_jusqua:
            etapes = ["moyennes"]
        vues_a_jour(db)
        n = compter(db)
        durees, tailles, remarque = _lancer(db, passages, limite, etapes)
        durees.setdefault("alertes", [])
        taille = f"{n['t_etablissement']} étab., {n['t_eleves']} élèves, {n['t_notes']} notes"
        moy = Mesure("c", f"moyennes, {nom}", durees["moyennes"], detail=f"{taille} ; {tailles.get('moyennes', '?')} moyennes")
        ale = Mesure("c", f"alertes, {nom}", durees["alertes"],
                     detail=f"{tailles['alertes']} alertes" if "alertes" in tailles else "")
        if "alertes" not in etapes:
            ale.detail = "non mesurées (trop longues sur un entrepôt plus petit)"
        nb = min(len(moy.valeurs), len(ale.valeurs))
        total = Mesure("c", f"moyennes + alertes, {nom}", [a + b for a, b in zip(moy.valeurs[:nb], ale.valeurs[:nb])],
                       detail=taille)
        if remarque:
            (ale if "alertes" in etapes and "alertes" not in tailles else moy).detail += f" ; {remarque}"
        if cible_l and nom == cible_l:
            total.cible, total.atteinte = "≤ 10 s (2 cœurs)", (lambda x: bool(x.valeurs) and x.mediane <= 10)
        par_note = Mesure("c", f"temps par note, {nom}", [v / max(n["t_notes"], 1) * 1e6 for v in total.valeurs],
                          unite="µs/note", reference=premiere,
                          cible="linéaire ou mieux (ratio ≤ 1,1, bruit compris)" if premiere else "",
                          atteinte=(lambda x: x.ratio is not None and x.ratio <= 1.1) if premiere else None)
        par_note_moy = Mesure("c", f"temps par note (moyennes seules), {nom}",
                              [v / max(n["t_notes"], 1) * 1e6 for v in moy.valeurs], unite="µs/note",
                              reference=premiere_moy,
                              cible="linéaire ou mieux (ratio ≤ 1,1, bruit compris)" if premiere_moy else "",
                              atteinte=(lambda x: x.ratio is not None and x.ratio <= 1.1) if premiere_moy else None)
        premiere = premiere or par_note
        premiere_moy = premiere_moy or par_note_moy
        lignes += [moy, ale, total, par_note, par_note_moy]
        if "alertes" in etapes and "alertes" not in tailles:
            etapes = ["moyennes"]  # les alertes n'ont pas fini : inutile de les tenter plus grand
        elif "moyennes" not in tailles or "interrompu" in remarque:
            suivants = [e[0] for e in entrepots[k + 1:]]
            if suivants:
                lignes.append(Mesure("c", "non mesurés : " + ", ".join(suivants), [],
                                     detail=f"« {nom} » dépasse déjà la limite de {limite:g} s par passage"))
            break
    return lignes


if __name__ == "__main__":
    _passages(Path(sys.argv[1]), int(sys.argv[2]), set(sys.argv[3].split(",")))
