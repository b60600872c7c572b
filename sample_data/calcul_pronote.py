"""Les moyennes « comme Pronote » que l'école synthétique met dans ses exports de résultats.

Le générateur en a besoin pour deux choses : écrire le tableau des résultats et le LSU avec des
moyennes cohérentes avec les notes, et garantir les profils plantés (un élève régulier a au moins 10
partout). Règles suivies (celles de l'issue « Analytics ») :

- « ramener sur 20 » coché : chaque note est ramenée sur 20 avant la moyenne pondérée ; décoché : chaque
  devoir pèse son barème (18/20, 2/10, 1/5 → 8,67 coché, 12 décoché) ;
- statuts Abs, Disp, N.Not, Inap, N.Rdu écartés ; Abs* et N.Rdu* comptent 0 ;
- devoir facultatif : retenu seulement s'il fait monter la moyenne, essayé du meilleur au moins bon ;
- devoir bonus : seuls les points au-dessus de 10 (sur 20) s'ajoutent au numérateur ;
- sous-services : moyenne du service = moyenne des sous-services pondérée par leurs coefficients.

Ce module ne sert qu'au générateur ; le tableau de bord a ses propres calculs dans ``models/``, que les
tests comparent justement aux moyennes écrites ici.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from models.records import STATUTS_COMPTES_ZERO, Devoir, StatutNote

#: Une note en cours de génération : (devoir, statut, valeur sur le barème du devoir).
NoteBrute = tuple[Devoir, StatutNote, float | None]


def _point(d: Devoir, v: float) -> tuple[float, float]:
    """(valeur, barème) tels qu'ils entrent dans la moyenne : ramenés sur 20 si la case est cochée."""
    return (v * 20 / d.bareme, 20.0) if d.ramener_sur_20 else (v, d.bareme)


def moyenne(notes: Iterable[NoteBrute]) -> float | None:
    """La moyenne d'un service (sans sous-service) sur 20, non arrondie ; None sans note comptée."""
    num = den = 0.0
    facultatifs: list[tuple[float, float, float]] = []
    bonus: list[tuple[float, float]] = []
    for d, statut, v in notes:
        if statut == StatutNote.NOTE:
            valeur = float(v)  # type: ignore[arg-type]
        elif statut in STATUTS_COMPTES_ZERO:
            valeur = 0.0
        else:
            continue
        if d.bonus:
            if statut == StatutNote.NOTE:
                bonus.append((valeur * 20 / d.bareme, d.coefficient))
            continue
        p, b = _point(d, valeur)
        if d.facultatif:
            if statut == StatutNote.NOTE:
                facultatifs.append((p, b, d.coefficient))
            continue
        num += p * d.coefficient
        den += b * d.coefficient
    for p, b, c in sorted(facultatifs, key=lambda t: -t[0] / t[1]):
        if den == 0 or (num + p * c) / (den + b * c) > num / den:
            num, den = num + p * c, den + b * c
    if den == 0:
        return None
    m = 20 * num / den
    # Les points de bonus au-dessus de 10 s'ajoutent au numérateur (en vingtièmes, pondérés).
    poids = den / 20
    m += sum(max(0.0, v20 - 10) * c for v20, c in bonus) / poids
    return min(m, 20.0)


def moyenne_service(par_sous_service: Sequence[tuple[float, Iterable[NoteBrute]]]) -> float | None:
    """Moyenne d'un service à partir de ses sous-services : [(coefficient, notes), …]."""
    num = den = 0.0
    for coef, notes in par_sous_service:
        m = moyenne(notes)
        if m is not None:
            num += m * coef
            den += coef
    return num / den if den else None


def moyenne_generale(par_matiere: Iterable[tuple[float | None, float]]) -> float | None:
    """Moyenne générale : moyennes des matières pondérées par leur coefficient [(moyenne, coef), …]."""
    num = den = 0.0
    for m, coef in par_matiere:
        if m is not None and coef > 0:
            num += m * coef
            den += coef
    return num / den if den else None


def rangs(valeurs: dict[str, float | None]) -> dict[str, int]:
    """Rang dans la classe (1 = meilleur, ex aequo au même rang) des élèves qui ont une moyenne."""
    tries = sorted((v, k) for k, v in valeurs.items() if v is not None)
    tries.reverse()
    res: dict[str, int] = {}
    precedent, rang = None, 0
    for i, (v, k) in enumerate(tries, start=1):
        if v != precedent:
            rang, precedent = i, v
        res[k] = rang
    return res
