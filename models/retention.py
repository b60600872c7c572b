"""Durées de conservation et purge d'une année scolaire.

- Absences et retards : conservés l'année scolaire en cours, purgés ensuite.
- Punitions scolaires (retenue, devoir supplémentaire…) : purgées avec l'année.
- Sanctions (Code de l'éducation, R511-13) : l'avertissement, le blâme et la mesure de
  responsabilisation sont effacés du dossier de l'élève au bout d'un an… et, pour Vigie, dès la fin de
  l'année scolaire ; les exclusions temporaires au bout d'un an à compter de leur prononcé ; l'exclusion
  définitive reste au dossier administratif (Vigie ne la purge pas : c'est à l'établissement de le faire).
- Notes, devoirs et moyennes de l'année : purgés avec l'année.
- Évaluations de compétences : gardées tant que l'élève est dans l'établissement (l'attestation de
  compétences d'un élève d'ULIS couvre plusieurs années), purgées pour les élèves sortis.
- Pix : campagnes dont l'envoi date de l'année purgée.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import precalcul
from .annee_scolaire import bornes
from .errors import VigieError
from .sanctions import sanction_effacee
from .warehouse import Warehouse

@dataclass
class ResultatPurge:
    annee: str
    supprimees: dict[str, int]

    def resume(self) -> str:
        total = sum(self.supprimees.values())
        detail = ", ".join(f"{t.removeprefix('t_')} : {n}" for t, n in self.supprimees.items() if n)
        return f"Année {self.annee} purgée : {total} lignes supprimées ({detail or 'rien à purger'})."


def purger(wh: Warehouse, annee: str, *, aujourdhui: dt.date | None = None) -> ResultatPurge:
    """Supprime, en une transaction, ce que la durée de conservation d'``annee`` ne permet plus de garder."""
    aujourdhui = aujourdhui or dt.date.today()
    debut, fin = bornes(annee)
    if aujourdhui <= fin:
        raise VigieError(f"l'année {annee} n'est pas terminée (fin le {fin:%d/%m/%Y}) : rien n'est purgé")
    fin_annee = ("CAST(date AS DATE) BETWEEN $debut AND $fin", {"debut": debut, "fin": fin})
    # Les punitions de l'année, et les sanctions qu'R511-13 a effacées du dossier à ce jour (la règle
    # est celle de models.sanctions, lue en Python : une seule écriture de la règle).
    sanctions = wh.con.execute(
        "SELECT rowid, CAST(date AS DATE), nature, exclusion, disciplinaire FROM t_sanctions "
        "WHERE CAST(date AS DATE) <= ?", [fin]).fetchall()
    sanctions_purgees = [i for i, d, nature, exclusion, disciplinaire in sanctions
                         if (d >= debut and disciplinaire is False)
                         or sanction_effacee(nature or "", d, bool(exclusion), aujourdhui)]
    requetes = {
        "t_absences": ("CAST(debut AS DATE) BETWEEN $debut AND $fin", fin_annee[1]),
        "t_retards": fin_annee,
        "t_sanctions": ("rowid IN (SELECT unnest($ids::BIGINT[]))", {"ids": sanctions_purgees}),
        "t_notes": ("devoir_id IN (SELECT devoir_id FROM t_devoirs WHERE annee = $annee)", {"annee": annee}),
        "t_devoirs": ("annee = $annee", {"annee": annee}),
        "t_moyennes_source": ("annee = $annee", {"annee": annee}),
        "t_pix": ("EXISTS (SELECT 1 FROM t_pix_profils p WHERE p.eleve_id = t_pix.eleve_id AND "
                  "p.campagne = t_pix.campagne AND CAST(p.date_envoi AS DATE) BETWEEN $debut AND $fin)",
                  fin_annee[1]),
        "t_pix_profils": ("CAST(date_envoi AS DATE) BETWEEN $debut AND $fin", fin_annee[1]),
        "t_competences": ("eleve_id IN (SELECT eleve_id FROM t_eleves WHERE sortie IS NOT NULL AND sortie <= $fin)",
                          {"fin": fin}),
    }
    supprimees: dict[str, int] = {}
    with wh.atomic():
        periodes = precalcul.periodes_de_l_annee(wh.con, annee)
        for table, (condition, params) in requetes.items():
            n = wh.valeur(f"SELECT count(*) FROM {table} WHERE {condition}", params)
            if n:
                wh.con.execute(f"DELETE FROM {table} WHERE {condition}", params)
            supprimees[table] = int(n)
        precalcul.rafraichir(wh.con, periodes)  # les moyennes de l'année purgée disparaissent avec ses notes
    return ResultatPurge(annee, supprimees)
