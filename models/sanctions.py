"""Les sanctions effacées du dossier de l'élève (Code de l'éducation, article R511-13) : une seule règle
pour les alertes, la mention proposée, les pages et la purge d'une année.

- avertissement, blâme, mesure de responsabilisation : effacés à la fin de l'année scolaire (le 31 août,
  :func:`models.annee_scolaire.fin_annee_scolaire`) ;
- exclusion temporaire (de la classe, de l'établissement ou d'un service annexe) : effacée un an après son
  prononcé ;
- exclusion définitive : jamais effacée.

Les autres punitions et sanctions ne sont pas effacées par R511-13 (la purge d'une année, ``models.retention``,
retire à part les punitions scolaires). La nature est lue sans accents ni casse (« Blâme », « BLAME »).
"""

from __future__ import annotations

import datetime as dt

from .annee_scolaire import fin_annee_scolaire
from .records import cle_nom

#: Natures effacées à la fin de l'année scolaire (mots cherchés dans la nature, sans accents).
EFFACEES_FIN_ANNEE = ("avertissement", "blame", "responsabilisation")


def date_effacement(nature: str, date: dt.date, exclusion: bool) -> dt.date | None:
    """Le dernier jour où la sanction figure au dossier, ou None si R511-13 ne l'efface pas.

    Avertissement du 10/10/2025 → 31/08/2026 ; exclusion temporaire du 10/10/2025 → 10/10/2026 (un
    29 février → 28 février) ; exclusion définitive, retenue → None."""
    n = cle_nom(nature)
    if "definitive" in n:
        return None
    if exclusion or "exclusion" in n:
        try:
            return date.replace(year=date.year + 1)
        except ValueError:  # 29 février
            return date.replace(year=date.year + 1, day=28)
    if any(m in n for m in EFFACEES_FIN_ANNEE):
        return fin_annee_scolaire(date)
    return None


def sanction_effacee(nature: str, date: dt.date, exclusion: bool, au: dt.date) -> bool:
    """Vrai si la sanction est effacée du dossier au ``au`` (le lendemain de :func:`date_effacement`)."""
    fin = date_effacement(nature, date, exclusion)
    return fin is not None and au > fin
