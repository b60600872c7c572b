"""Cas (c) : toutes les moyennes et toutes les alertes d'un entrepôt, et leur croissance avec la taille.

Ce qu'un lecteur demande : ``models.moyennes.moyennes(wh)`` (toutes les moyennes, tous élèves, périodes et
matières, générales comprises) puis ``models.alertes.alertes(wh, au=…)`` (toutes les règles), sur une
connexion en lecture seule (:func:`models.warehouse.lecture`), DuckDB avec ses fils par défaut (un par
cœur). ``au`` est fixé à la fin de la dernière période pour que les alertes ne dépendent pas du jour.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .mesure import Mesure, chronometrer


def compter(db: Path) -> dict[str, int]:
    from models.warehouse import lecture

    wh = lecture(db)
    try:
        return {t: int(wh.valeur(f"SELECT count(*) FROM {t}")) for t in ("t_notes", "t_eleves", "t_etablissement")}
    finally:
        wh.close()


def analyser(db: Path) -> tuple[int, int]:
    """Un passage complet ; rend (lignes de moyennes, alertes)."""
    from models import alertes, moyennes
    from models.warehouse import lecture

    wh = lecture(db)
    try:
        fin = wh.valeur("SELECT max(fin) FROM t_periodes") or dt.date.today()
        m = moyennes.moyennes(wh)
        a = alertes.alertes(wh, au=fin)
        return m.height, a.height
    finally:
        wh.close()


def mesurer(entrepots: list[tuple[str, Path]], passages: int, *, cible_l: str | None = None,
            limite: float = float("inf")) -> list[Mesure]:
    """Chaque entrepôt ``(nom, chemin)`` : un passage à froid écarté, puis ``passages`` passages ;
    une ligne par entrepôt (secondes) et une ligne de temps par note (µs), ratio contre le premier.
    Un entrepôt dont le passage à froid dépasse ``limite`` secondes est mesuré une seule fois, et les
    suivants (plus grands) ne le sont pas."""
    lignes: list[Mesure] = []
    premiere: Mesure | None = None
    for nom, db in entrepots:
        n = compter(db)
        resultat: list[tuple[int, int]] = []
        froid = chronometrer(lambda: resultat.append(analyser(db)), 1)[0]
        trop_long = froid > limite
        valeurs = [froid] if trop_long else chronometrer(lambda: resultat.append(analyser(db)), passages)
        m = Mesure("c", f"moyennes + alertes, {nom}", valeurs,
                   detail=f"{n['t_etablissement']} étab., {n['t_eleves']} élèves, {n['t_notes']} notes ; "
                          f"{resultat[-1][0]} moyennes, {resultat[-1][1]} alertes")
        if cible_l and nom == cible_l:
            m.cible, m.atteinte = "≤ 10 s (2 cœurs)", (lambda x: x.mediane <= 10)
        par_note = Mesure("c", f"temps par note, {nom}", [v / max(n["t_notes"], 1) * 1e6 for v in valeurs],
                          unite="µs/note", reference=premiere,
                          cible="linéaire ou mieux (ratio ≤ 1,1, bruit compris)" if premiere else "",
                          atteinte=(lambda x: x.ratio is not None and x.ratio <= 1.1) if premiere else None)
        premiere = premiere or par_note
        lignes += [m, par_note]
        if trop_long:
            m.detail += f" ; un seul passage (à froid {froid:.0f} s > {limite:g} s)"
            suivants = [e[0] for e in entrepots[entrepots.index((nom, db)) + 1:]]
            if suivants:
                lignes.append(Mesure("c", "non mesurés : " + ", ".join(suivants), [],
                                     detail=f"« {nom} » dépasse déjà {limite:g} s par passage"))
            break
    return lignes
