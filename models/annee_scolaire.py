"""L'année scolaire d'une date, et ses bornes : du 1er septembre au 31 août (« 2025-2026 »).

La rentrée des élèves du calendrier scolaire national (arrêté triennal pris en application de l'article
L521-1 du Code de l'éducation) tombe dans les premiers jours de septembre (1er septembre 2025, 1er
septembre 2026) ; la fin de l'année scolaire qui efface avertissements et blâmes (R511-13) est le 31 août.
Une date d'août appartient donc à l'année qui finit, le 1er septembre ouvre la suivante. Avant ce module,
l'entrepôt, la conservation, le connecteur Pronote en direct et l'école synthétique coupaient au 1er août,
les alertes au 1er septembre : un avertissement du 20 août tombait dans deux années différentes.

Quand l'établissement a décrit ses périodes (Réunion et Mayotte font leur rentrée mi-août), ce sont elles
qui rattachent une date à son année : cette règle ne sert qu'à défaut de période connue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from .errors import VigieError

#: (mois, jour) du premier jour de l'année scolaire.
RENTREE = (9, 1)


def rentree(d: dt.date) -> int:
    """L'année civile de la rentrée de l'année scolaire de ``d`` : 31/08/2026 → 2025, 01/09/2026 → 2026."""
    return d.year if (d.month, d.day) >= RENTREE else d.year - 1


def libelle(annee_rentree: int) -> str:
    """2025 → « 2025-2026 » (le millésime LSU et l'année de rentrée donnent ce libellé)."""
    return f"{annee_rentree}-{annee_rentree + 1}"


def date_dans(annee_rentree: int, mois: int, jour: int) -> dt.date:
    """Le ``jour``/``mois`` de l'année scolaire qui commence en ``annee_rentree`` : (2025, 8, 31) →
    31/08/2026 ; (2025, 9, 1) → 01/09/2025."""
    return dt.date(annee_rentree if (mois, jour) >= RENTREE else annee_rentree + 1, mois, jour)


def annee_scolaire(d: dt.date, periodes: Iterable[tuple[str, dt.date, dt.date]] = ()) -> str:
    """L'année scolaire d'une date : 31/08/2026 → « 2025-2026 », 01/09/2026 → « 2026-2027 ».

    ``periodes`` : les (annee, debut, fin) connues de l'établissement ; une période qui contient ``d``
    donne son année (rentrée mi-août outre-mer), le calendrier national sinon."""
    for annee, debut, fin in periodes:
        if debut <= d <= fin:
            return annee
    return libelle(rentree(d))


def bornes(annee: str) -> tuple[dt.date, dt.date]:
    """« 2025-2026 » → (01/09/2025, 31/08/2026), bornes comprises. Lève :class:`VigieError` sur un
    libellé qui n'est pas « AAAA-AAAA+1 »."""
    if not re.fullmatch(r"\d{4}-\d{4}", annee or "") or int(annee[5:]) != int(annee[:4]) + 1:
        raise VigieError(f"année scolaire invalide « {annee} » (attendu : 2024-2025)")
    debut = dt.date(int(annee[:4]), *RENTREE)
    return debut, dt.date(debut.year + 1, *RENTREE) - dt.timedelta(days=1)


def fin_annee_scolaire(d: dt.date) -> dt.date:
    """Le dernier jour de l'année scolaire de ``d`` : 20/08/2026 → 31/08/2026, 01/09/2026 → 31/08/2027."""
    return bornes(annee_scolaire(d))[1]
