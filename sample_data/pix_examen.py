"""Une campagne Pix d'examen (type ``EXAM``) pour les 3e de l'école synthétique.

Pix Orga l'exporte comme une campagne d'évaluation, sans « % de progression »
(``1024pix/pix``, ``campaign-assessment-export.js``) ; l'écrivain ``ecrire_pix`` la met dans son propre
fichier (un code de campagne par fichier). Les élèves qui ont envoyé leur profil passent l'examen un mois
plus tard ; leur taux de maîtrise suit leurs pix du profil ; un sur dix ne partage pas son résultat.
Tirages par un générateur à part, pour ne rien changer au reste de l'école.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from models.records import PixParticipation

#: Les compétences visées par le parcours de l'examen (domaines 1 et 4).
COMPETENCES_EXAMEN = ("1.1", "1.2", "1.3", "4.1", "4.2", "4.3")


def examen(participations: Sequence[PixParticipation], annee: str) -> list[PixParticipation]:
    """Les participations à l'examen de l'année ``annee`` (« 2025-2026 »), d'après la collecte des profils
    des 3e de la même année (le dernier envoi partagé de chaque élève)."""
    rng = random.Random(f"examen-pix-{annee}")
    derniers: dict[tuple, PixParticipation] = {}
    for p in participations:
        if p.type_campagne != "profils" or not p.partage or p.date_envoi is None:
            continue
        if not (p.campagne.startswith("Collecte des profils 3e") and p.campagne.endswith(annee)):
            continue
        cle = (p.eleve.nom, p.eleve.prenom, p.eleve.classe)
        if cle not in derniers or p.date_envoi > derniers[cle].date_envoi:
            derniers[cle] = p
    a = annee[-2:]
    res = []
    for p in derniers.values():
        quand = p.date_envoi + dt.timedelta(days=30, minutes=rng.randrange(240))
        partage = rng.random() >= 0.1
        pix = {c.competence: c.pix for c in p.competences}
        maitrise = {c: round(min(1.0, pix.get(c, 0) / 40 + rng.uniform(-0.1, 0.1)) if pix.get(c) else 0.0, 2)
                    for c in COMPETENCES_EXAMEN}
        res.append(PixParticipation(
            eleve=p.eleve, campagne=f"Examen Pix 3e {annee}", code_campagne=f"EXAM3E{a}", type_campagne="examen",
            date_envoi=quand, partage=partage, maitrise={c: max(0.0, v) for c, v in maitrise.items()} if partage else {},
        ))
    return res
