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


def compter(db: Path) -> dict[str, int]:
    from models.warehouse import lecture

    wh = lecture(db)
    try:
        return {t: int(wh.valeur(f"SELECT count(*) FROM {t}")) for t in ("t_notes", "t_eleves", "t_etablissement")}
    finally:
        wh.close()


def _passages(db: Path, n: int) -> None:
    """Dans le sous-processus : un passage à froid puis ``n`` ; une ligne par étape chronométrée."""
    from models import alertes, moyennes
    from models.warehouse import lecture

    for i in range(n + 1):
        wh = lecture(db)
        try:
            fin = wh.valeur("SELECT max(fin) FROM t_periodes") or dt.date.today()
            t = time.perf_counter()
            m = moyennes.moyennes(wh)
            t_m = time.perf_counter() - t
            print(f"moyennes {i} {t_m:.6f} {m.height}", flush=True)
            t = time.perf_counter()
            a = alertes.alertes(wh, au=fin)
            print(f"alertes {i} {time.perf_counter() - t:.6f} {a.height}", flush=True)
        finally:
            wh.close()


def _lancer(db: Path, passages: int, limite: float) -> tuple[dict[str, list[float]], dict[str, int], str]:
    """Les durées (passage à froid écarté) par étape, les tailles de résultat, et une remarque."""
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.analyses", str(db), str(passages)], cwd=RACINE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lignes: queue.Queue[str | None] = queue.Queue()

    def lire() -> None:
        for ligne in proc.stdout:  # type: ignore[union-attr]
            lignes.put(ligne)
        lignes.put(None)

    threading.Thread(target=lire, daemon=True).start()
    durees: dict[str, list[float]] = {"moyennes": [], "alertes": []}
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
        if int(i) > 0 or passages == 0:
            durees[etape].append(float(secondes))
        elif float(secondes) > limite / 2 or remarque:  # le passage à froid dit déjà que refaire serait trop long
            durees[etape].append(float(secondes))
            remarque = "passage à froid seul (trop long pour être répété)"
        if remarque and etape == "alertes":
            proc.kill()
            break

    proc.wait()
    return durees, tailles, remarque


def mesurer(entrepots: list[tuple[str, Path]], passages: int, *, cible_l: str | None = None,
            limite: float = 300.0) -> list[Mesure]:
    """Pour chaque entrepôt ``(nom, chemin)`` : moyennes, alertes, total, et temps par note (µs) rapporté
    au premier entrepôt. Après un passage interrompu, les entrepôts plus grands ne sont pas mesurés."""
    lignes: list[Mesure] = []
    premiere: Mesure | None = None
    for k, (nom, db) in enumerate(entrepots):
        n = compter(db)
        durees, tailles, remarque = _lancer(db, passages, limite)
        taille = f"{n['t_etablissement']} étab., {n['t_eleves']} élèves, {n['t_notes']} notes"
        moy = Mesure("c", f"moyennes, {nom}", durees["moyennes"], detail=f"{taille} ; {tailles.get('moyennes', '?')} moyennes")
        ale = Mesure("c", f"alertes, {nom}", durees["alertes"], detail=f"{tailles.get('alertes', '?')} alertes")
        nb = min(len(moy.valeurs), len(ale.valeurs))
        total = Mesure("c", f"moyennes + alertes, {nom}", [a + b for a, b in zip(moy.valeurs[:nb], ale.valeurs[:nb])],
                       detail=taille)
        if remarque:
            (ale if len(ale.valeurs) < len(moy.valeurs) or not ale.valeurs else total).erreurs.append(remarque)
        if cible_l and nom == cible_l:
            total.cible, total.atteinte = "≤ 10 s (2 cœurs)", (lambda x: bool(x.valeurs) and x.mediane <= 10)
        par_note = Mesure("c", f"temps par note, {nom}", [v / max(n["t_notes"], 1) * 1e6 for v in total.valeurs],
                          unite="µs/note", reference=premiere,
                          cible="linéaire ou mieux (ratio ≤ 1,1, bruit compris)" if premiere else "",
                          atteinte=(lambda x: x.ratio is not None and x.ratio <= 1.1) if premiere else None)
        premiere = premiere or par_note
        lignes += [moy, ale, total, par_note]
        if "interrompu" in remarque or "froid seul" in remarque:
            suivants = [e[0] for e in entrepots[k + 1:]]
            if suivants:
                lignes.append(Mesure("c", "non mesurés : " + ", ".join(suivants), [],
                                     detail=f"« {nom} » dépasse déjà la limite de {limite:g} s par passage"))
            break
    return lignes


if __name__ == "__main__":
    _passages(Path(sys.argv[1]), int(sys.argv[2]))
