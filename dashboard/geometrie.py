"""La géométrie du radar du conseil, sans Altair : ordre des axes, sommets des polygones, grille et palette.

L'écran (``dashboard.charts.radar``, Altair) et le PDF (``dashboard.pdf.dessiner_radar``, tracé vectoriel)
partent des mêmes fonctions : même ordre des matières, mêmes sommets, mêmes couleurs.
"""

from __future__ import annotations

import math
import textwrap

import polars as pl

#: Okabe & Ito (2008), « Color Universal Design » : distinguable avec toutes les formes de daltonisme.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

#: Ordre des familles sur le radar du conseil : général, puis professionnel, puis options.
ORDRE_FAMILLES = {"general": 0, "professionnel": 1, "option": 2}

#: Anneaux du radar (sur 20) et rayon des libellés d'axes.
ANNEAUX = (5, 10, 15, 20)
_RAYON_LIBELLES = 24.5


def ordre_axes(df: pl.DataFrame) -> list[str]:
    """Les matières dans l'ordre du radar : général, professionnel, option, puis alphabétique.

    ``df`` a les colonnes ``matiere`` et ``famille``."""
    if df.is_empty():
        return []
    paires = {(r["matiere"], r["famille"]) for r in df.select("matiere", "famille").iter_rows(named=True)}
    famille: dict[str, int] = {}
    for m, f in paires:
        famille[m] = min(famille.get(m, 9), ORDRE_FAMILLES.get(f or "", 3))
    return sorted(famille, key=lambda m: (famille[m], m.lower()))


def _angle(i: int, n: int) -> float:
    """Premier axe en haut, puis dans le sens des aiguilles d'une montre."""
    return math.pi / 2 - 2 * math.pi * i / n


def coordonnees_radar(valeurs: pl.DataFrame, axes: list[str] | None = None) -> pl.DataFrame:
    """Les sommets des polygones du radar, en coordonnées cartésiennes (rayon = note sur 20).

    ``valeurs`` : colonnes ``serie``, ``matiere``, ``famille``, ``moyenne``. Une moyenne manquante est
    omise (le polygone relie les axes voisins) ; le premier sommet est répété à la fin pour fermer le
    tracé, et ``ordre`` donne l'ordre de parcours. Sortie : ``serie, matiere, ordre, moyenne, x, y``.
    """
    axes = axes if axes is not None else ordre_axes(valeurs)
    n = len(axes)
    lignes = []
    if n:
        rang = {m: i for i, m in enumerate(axes)}
        for serie in valeurs["serie"].unique(maintain_order=True).to_list():
            pts = [
                (rang[r["matiere"]], r["matiere"], float(r["moyenne"]))
                for r in valeurs.filter(pl.col("serie") == serie).iter_rows(named=True)
                if r["matiere"] in rang and r["moyenne"] is not None and not math.isnan(r["moyenne"])
            ]
            pts.sort()
            if pts:
                pts.append(pts[0])
            for k, (i, m, v) in enumerate(pts):
                a = _angle(i, n)
                lignes.append((serie, m, k, v, v * math.cos(a), v * math.sin(a)))
    return pl.DataFrame(
        lignes,
        schema={"serie": pl.String, "matiere": pl.String, "ordre": pl.Int64, "moyenne": pl.Float64,
                "x": pl.Float64, "y": pl.Float64},
        orient="row",
    )


def grille_radar(axes: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """La grille : anneaux (polygones à 5, 10, 15, 20) et rayons dans un seul tracé (``trace``,
    ``ordre``, ``x``, ``y``), et les positions des libellés d'axes (``matiere``, ``x``, ``y``,
    ``alignement``). Un seul calque de lignes : Vega masquait un second calque de lignes superposé."""
    n = len(axes)
    traces, libelles = [], []
    for r in ANNEAUX:
        for k in range(n + 1):
            a = _angle(k % n, n)
            traces.append((f"anneau {r}", k, r * math.cos(a), r * math.sin(a)))
    for i, m in enumerate(axes):
        a = _angle(i, n)
        traces += [(f"rayon {i}", 0, 0.0, 0.0), (f"rayon {i}", 1, 20 * math.cos(a), 20 * math.sin(a))]
        x, y = _RAYON_LIBELLES * math.cos(a), _RAYON_LIBELLES * math.sin(a)
        aligne = "center" if abs(x) < 1 else ("left" if x > 0 else "right")
        libelles.append((m, x, y, aligne))
    return (
        pl.DataFrame(traces, schema=["trace", "ordre", "x", "y"], orient="row"),
        pl.DataFrame(libelles, schema=["matiere", "x", "y", "alignement"], orient="row"),
    )


def lignes_libelle(texte: str, largeur: int) -> list[str]:
    """Un libellé d'axe en lignes d'au plus ``largeur`` caractères, coupé aux espaces seulement (jamais
    tronqué ni coupé à un trait d'union : « HISTOIRE-GÉO » reste entier) ; un mot plus long que ``largeur``
    tient seul sur sa ligne. L'écran et le PDF coupent de la même façon."""
    mots = " ".join(texte.split())
    return textwrap.wrap(mots, largeur, break_long_words=False, break_on_hyphens=False) or [texte]
