"""Le calendrier scolaire : les jours sans classe, pour que les taux d'absentéisme ne comptent pas les
vacances, les jours fériés ni les périodes de formation en milieu professionnel comme des jours de classe.

- **Vacances scolaires** de métropole, zones A, B et C : paquet ``vacances-scolaires-france`` (données du
  calendrier officiel publiées par le ministère, livrées avec le paquet : aucun accès réseau). Réglage
  ``calendrier.zone``.
- **Jours fériés** : paquet ``holidays`` (France ; ``calendrier.jours_feries`` : ``metropole``, ou la
  subdivision de ``holidays`` — ``57`` (Moselle) ou ``6AE`` (Alsace), ``971`` Guadeloupe, ``972`` Martinique,
  ``973`` Guyane, ``974`` La Réunion, ``976`` Mayotte ; vide : aucun).
- **Corse et outre-mer** : leurs vacances ne suivent pas les zones ; elles se déclarent dans
  ``[[calendrier.vacances]]`` (du, au, libellé), avec ``zone = ""``. Ces dates s'ajoutent aussi à une zone
  (un pont décidé par l'établissement).
- **PFMP** (lycée professionnel) : ``[[calendrier.pfmp]]`` (classe, du, au) — jours sans classe pour cette
  classe seulement : l'élève est en entreprise, pas absent.

:func:`jours_sans_classe` rend ces jours en une table (classe, jour, motif) ; ``classe`` vide : toutes
les classes. ``models/absences.py`` la lit pour ses taux.
"""

from __future__ import annotations

import datetime as dt
import functools

import polars as pl

from .reglages import Reglages, charger_reglages

SCHEMA = {"classe": pl.String, "jour": pl.Date, "motif": pl.String}


@functools.lru_cache(maxsize=1)
def _vacances_officielles():  # type: ignore[no-untyped-def]
    from vacances_scolaires_france import SchoolHolidayDates

    return SchoolHolidayDates()


def _jours(du: dt.date, au: dt.date) -> list[dt.date]:
    return [du + dt.timedelta(days=i) for i in range((au - du).days + 1)]


def vacances_zone(zone: str, debut: dt.date, fin: dt.date) -> dict[dt.date, str]:
    """Jour → nom des vacances, pour la zone ``A``, ``B`` ou ``C`` entre ``debut`` et ``fin`` inclus.
    Une année que le paquet ne connaît pas encore ne donne aucun jour (mettez le paquet à jour)."""
    from vacances_scolaires_france import UnsupportedYearException

    donnees = _vacances_officielles()
    out: dict[dt.date, str] = {}
    for annee in range(debut.year, fin.year + 1):
        try:
            jours = donnees.holidays_for_year_and_zone(annee, zone)
        except UnsupportedYearException:
            continue
        out.update({j: v["nom_vacances"] for j, v in jours.items() if debut <= j <= fin})
    return out


def jours_feries(subdivision: str, debut: dt.date, fin: dt.date) -> dict[dt.date, str]:
    """Jour → nom du jour férié (paquet ``holidays``, France, en français)."""
    if not subdivision:
        return {}
    import holidays

    subdiv = None if subdivision == "metropole" else subdivision
    feries = holidays.France(years=range(debut.year, fin.year + 1), subdiv=subdiv, language="fr")
    return {j: nom for j, nom in feries.items() if debut <= j <= fin}


def jours_sans_classe(debut: dt.date, fin: dt.date, reglages: Reglages | None = None) -> pl.DataFrame:
    """Les jours sans classe entre ``debut`` et ``fin`` : colonnes classe (vide : toutes), jour, motif."""
    c = (reglages or charger_reglages()).calendrier
    lignes: list[tuple[str | None, dt.date, str]] = []
    if c.zone:
        lignes += [(None, j, m) for j, m in vacances_zone(c.zone, debut, fin).items()]
    lignes += [(None, j, m) for j, m in jours_feries(c.jours_feries, debut, fin).items()]
    for v in c.vacances:
        lignes += [(None, j, v.libelle or "Vacances") for j in _jours(max(v.du, debut), min(v.au, fin))]
    for p in c.pfmp:
        lignes += [(p.classe, j, p.libelle or "PFMP") for j in _jours(max(p.du, debut), min(p.au, fin))]
    if not lignes:
        return pl.DataFrame(schema=SCHEMA)
    return pl.DataFrame(lignes, schema=SCHEMA, orient="row").unique(["classe", "jour"], keep="first",
                                                                     maintain_order=True).sort("jour")
