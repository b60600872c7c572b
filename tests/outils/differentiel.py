"""Comparaison différentielle des alertes : ``models.alertes.alertes`` (calcul ensembliste) contre la
référence figée ``tests/outils/alertes_reference.py`` (l'ancien calcul ligne à ligne), alerte par alerte,
texte, preuves et ordre compris."""

from __future__ import annotations

import json
import math
from typing import Any

import polars as pl

from models import alertes as nouveau

from . import alertes_reference as reference


def _egaux(x: Any, y: Any) -> bool:
    """Égalité exacte, sauf pour les nombres à virgule : à 1e-12 près en relatif. Une somme de moyennes
    (moyenne par famille) ne fixe pas l'ordre de ses additions, ni dans l'ancien calcul (ordre des lignes
    lues) ni dans DuckDB : un ulp d'écart, que l'écriture des nombres (arrondi à 9 décimales d'abord,
    ``models.nombres``) efface des textes — qui, eux, doivent être identiques au caractère près."""
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(x) and math.isnan(y))
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_egaux(a, b) for a, b in zip(x, y))
    if isinstance(x, dict) and isinstance(y, dict):
        return list(x) == list(y) and all(_egaux(x[k], y[k]) for k in x)
    return type(x) is type(y) and x == y


def _meme_ligne(x: dict[str, Any], y: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    ecarts = {}
    for k in x:
        a, b = x[k], y[k]
        if k == "preuves" and a is not None and b is not None:
            a, b = json.loads(a), json.loads(b)
        if not _egaux(a, b):
            ecarts[k] = (x[k], y[k])
    return ecarts


def memes_alertes(wh: Any, **options: Any) -> pl.DataFrame:
    """Les alertes de ``models.alertes.alertes(wh, **options)`` après avoir vérifié qu'elles sont celles de
    la référence : mêmes lignes, même ordre, mêmes textes au caractère près, mêmes nombres (à un ulp près,
    voir :func:`_egaux`) ; sinon une erreur qui montre la première différence. ``eleve`` : la référence n'a
    pas ce filtre, ses alertes sont filtrées après coup."""
    options_ref = {k: v for k, v in options.items() if k != "eleve"}
    attendu = reference.alertes(wh, **options_ref)
    if options.get("eleve") is not None:
        attendu = attendu.filter(pl.col("eleve_id") == options["eleve"])
    obtenu = nouveau.alertes(wh, **options)
    assert obtenu.columns == attendu.columns, (obtenu.columns, attendu.columns)
    assert obtenu.schema == attendu.schema, (obtenu.schema, attendu.schema)
    a, b = attendu.rows(named=True), obtenu.rows(named=True)
    for i, (x, y) in enumerate(zip(a, b)):
        ecarts = _meme_ligne(x, y)
        if ecarts:
            raise AssertionError(f"alerte n° {i} ({x['regle']}, {x['eleve_id']}, {x['periode']}) : "
                                 f"attendu ≠ obtenu : {ecarts}")
    if len(a) != len(b):
        en_trop = {(r["regle"], r["eleve_id"], r["periode"]) for r in b} - {(r["regle"], r["eleve_id"], r["periode"]) for r in a}
        manquantes = {(r["regle"], r["eleve_id"], r["periode"]) for r in a} - {(r["regle"], r["eleve_id"], r["periode"]) for r in b}
        raise AssertionError(f"{len(a)} alertes attendues, {len(b)} obtenues ; en trop : {sorted(en_trop)[:5]} ; "
                             f"manquantes : {sorted(manquantes)[:5]}")
    return obtenu
