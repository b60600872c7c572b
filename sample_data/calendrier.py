"""Le calendrier de l'école synthétique : trimestres, vacances (zone C, approchées), jours de classe.

Les dates des vacances suivent le calendrier 2025-2026 de la zone C et sont reportées telles quelles sur
les années précédentes : c'est assez vrai pour des absences et des devoirs plausibles.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from models.annee_scolaire import date_dans, libelle
from models.records import Periode

#: (mois, jour) de début et de fin des trimestres ; l'année est celle de la rentrée ou la suivante.
_TRIMESTRES = (
    ("Trimestre 1", (9, 1), (11, 30)),
    ("Trimestre 2", (12, 1), (3, 8)),
    ("Trimestre 3", (3, 9), (7, 4)),
)

#: Vacances scolaires (zone C 2025-2026), bornes incluses, exprimées en (mois, jour).
_VACANCES = (
    ((10, 18), (11, 2)),  # Toussaint
    ((12, 20), (1, 4)),  # Noël
    ((2, 14), (3, 1)),  # hiver
    ((4, 11), (4, 26)),  # printemps
    ((5, 14), (5, 17)),  # pont de l'Ascension
)

#: Fin des cours pour les élèves (les conseils de classe et le brevet libèrent les salles ensuite).
_FIN_COURS = (6, 26)

MATIN = (dt.time(8, 0), dt.time(12, 0))
APRES_MIDI = (dt.time(13, 30), dt.time(17, 30))


def _date(rentree: int, mois_jour: tuple[int, int]) -> dt.date:
    return date_dans(rentree, *mois_jour)


def annee_scolaire(rentree: int) -> str:
    return libelle(rentree)


def periodes(rentree: int) -> list[Periode]:
    return [
        Periode(nom=nom, annee=annee_scolaire(rentree), debut=_date(rentree, d), fin=_date(rentree, f))
        for nom, d, f in _TRIMESTRES
    ]


@lru_cache(maxsize=16)
def jours_de_classe(rentree: int) -> tuple[dt.date, ...]:
    """Les jours de classe de l'année : du lundi au vendredi, hors vacances et jours fériés."""
    debut, fin = dt.date(rentree, 9, 1), _date(rentree, _FIN_COURS)
    vacances = [(_date(rentree, a), _date(rentree, b)) for a, b in _VACANCES]
    feries = {
        dt.date(rentree, 11, 11), dt.date(rentree + 1, 5, 1), dt.date(rentree + 1, 5, 8),
        dt.date(rentree + 1, 4, 6), dt.date(rentree + 1, 5, 25),  # lundis de Pâques et de Pentecôte
    }
    jours = []
    j = debut
    while j <= fin:
        if j.weekday() < 5 and j not in feries and not any(a <= j <= b for a, b in vacances):
            jours.append(j)
        j += dt.timedelta(days=1)
    return tuple(jours)


def demi_journees(jour: dt.date) -> int:
    """Pas de cours le mercredi après-midi : 1 demi-journée ce jour-là, 2 les autres."""
    return 1 if jour.weekday() == 2 else 2
