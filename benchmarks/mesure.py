"""Chronométrer, résumer (médiane de plusieurs passages) et présenter les résultats en tableau Markdown."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Mesure:
    """Une ligne du tableau : une mesure répétée, éventuellement rapportée à une référence du même passage."""

    cas: str  # « a », « b »…
    nom: str
    valeurs: list[float]
    unite: str = "s"
    reference: "Mesure | None" = None  # le ratio se calcule contre la médiane de la référence
    cible: str = ""  # la cible du ticket, en clair
    atteinte: Callable[["Mesure"], bool] | None = None
    detail: str = ""
    erreurs: list[str] = field(default_factory=list)

    @property
    def mediane(self) -> float:
        return statistics.median(self.valeurs) if self.valeurs else float("nan")

    @property
    def ratio(self) -> float | None:
        if self.reference is None or not self.reference.valeurs or not self.valeurs:
            return None
        return self.mediane / self.reference.mediane

    @property
    def verdict(self) -> str:
        if self.erreurs:
            return "erreur"
        if self.atteinte is None:
            return ""
        if not self.valeurs:
            return "non mesurée"
        return "atteinte" if self.atteinte(self) else "manquée"


def chronometrer(f: Callable[[], object], passages: int, *, preparer: Callable[[], object] | None = None,
                 a_froid: int = 0) -> list[float]:
    """``passages`` durées de ``f()`` (secondes, horloge murale) ; ``preparer()`` avant chacune, hors
    chronomètre ; les ``a_froid`` premiers passages sont faits mais écartés (caches à froid)."""
    durees = []
    for i in range(a_froid + passages):
        if preparer is not None:
            preparer()
        debut = time.perf_counter()
        f()
        duree = time.perf_counter() - debut
        if i >= a_froid:
            durees.append(duree)
    return durees


def _nombre(x: float, unite: str) -> str:
    if unite == "s":
        return f"{x:.3f}" if x < 10 else f"{x:.1f}"
    if unite == "Mo":
        return f"{x:.0f}"
    if unite in ("µs", "µs/note"):
        return f"{x:.2f}"
    return f"{x:g}"


def tableau(mesures: list[Mesure]) -> str:
    """Le tableau Markdown : médiane, min–max, nombre de passages, ratio, cible, verdict."""
    lignes = [
        "| cas | mesure | médiane | min – max | n | ratio | cible | verdict | détail |",
        "|---|---|---:|---:|---:|---:|---|---|---|",
    ]
    for m in mesures:
        u = m.unite
        if m.valeurs:
            med = f"{_nombre(m.mediane, u)} {u}"
            etendue = f"{_nombre(min(m.valeurs), u)} – {_nombre(max(m.valeurs), u)}"
        else:
            med = etendue = "—"
        ratio = f"{m.ratio:.2f}× {m.reference.nom}" if m.ratio is not None and m.reference else ""
        detail = "; ".join([m.detail] + m.erreurs) if m.erreurs else m.detail
        lignes.append(
            f"| {m.cas} | {m.nom} | {med} | {etendue} | {len(m.valeurs)} | {ratio} | {m.cible} | {m.verdict} | {detail} |"
        )
    return "\n".join(lignes)
