"""Les variations des producteurs que l'école synthétique écrit aussi (issue 17), pour que la démo et
les tests les traversent : des INE au registre et dans l'identifiant externe d'une campagne Pix (dont
un INE erroné), des codes courts de matières dans un tableau des résultats.

Aucun tirage ici : tout dépend des noms (``generateur.hash_stable``), pour ne rien changer au reste de
l'école. Les autres variations sont écrites ailleurs : campagne EXAM (``pix_examen.py``), acquis LSU
sans moyenne, appréciations et acquis-conseils (``ecrire_lsu.py``), titres « Dictée sur 10 mots » et
« DS 1/2 » (``generateur._TITRES``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from models.records import Classe, PixParticipation, RefEleve

#: Libellé de l'identifiant externe choisi par l'établissement pour la campagne Pix du lycée
#: (``campaign.externalIdLabel`` de Pix : texte libre, ici un libellé que Vigie ne connaît pas d'avance).
LIBELLE_IDENTIFIANT_PIX = "Numéro national de l'élève"
#: Début du code des campagnes qui demandent cet identifiant (la collecte des profils du lycée).
CAMPAGNE_AVEC_IDENTIFIANT = "PROFLP"

#: Codes courts que le tableau des résultats du lycée écrit à la place des libellés (« MATHS »,
#: « HI-GE » : les codes d'export de l'établissement), déclarés dans etablissement.toml (``codes``).
CODES_COURTS: dict[str, tuple[str, ...]] = {
    "FRANCAIS": ("FRANC",),
    "MATHEMATIQUES": ("MATHS",),
    "HISTOIRE-GEOGRAPHIE": ("HI-GE",),
    "ANGLAIS LV1": ("AGL1",),
    "ESPAGNOL LV2": ("ESP2",),
    "PHYSIQUE-CHIMIE": ("PH-CH",),
    "EPS": ("EPS",),
    "ARTS APPLIQUES": ("A-APP",),
    "ENSEIGNEMENT PROFESSIONNEL": ("ENS. PRO",),
    "ECONOMIE-GESTION": ("ECO-G",),
    "ECONOMIE-DROIT": ("ECO-D",),
    "PREVENTION SANTE ENVIRONNEMENT": ("PSE",),
    "CO-INTERVENTION": ("CO-INT",),
    "REALISATION DU CHEF-D'OEUVRE": ("CHEF-D'O",),
}


def ine(nom: str, prenom: str, naissance: dt.date) -> str:
    """Un INE de la forme INE-RNIE (dix chiffres et une lettre), le même d'une exécution à l'autre."""
    empreinte = int(hashlib.sha1(f"{nom}|{prenom}|{naissance}".encode()).hexdigest(), 16)
    return f"{empreinte % 10**10:010d}{chr(ord('A') + empreinte // 10**10 % 26)}"


def avec_ine(tape: RefEleve, ine_registre: str, code_campagne: str) -> RefEleve:
    """La désignation tapée dans Pix, avec l'identifiant externe si la campagne en demande un (celle du
    lycée, :data:`CAMPAGNE_AVEC_IDENTIFIANT`)."""
    if not code_campagne.startswith(CAMPAGNE_AVEC_IDENTIFIANT):
        return tape
    return tape.model_copy(update={"ine": ine_registre, "ine_saisi": True})


def ine_errone(participations: list[PixParticipation], debut: int) -> str | None:
    """Un élève de la campagne du lycée tape l'INE d'un camarade de sa classe (le premier élève, par
    classe puis INE, d'une classe qui en a deux dans la campagne), dans chacun de ses envois et dans
    l'examen qui suit. L'import garde l'identité du registre (nom et classe) et le dit dans une remarque
    (``models/matching.py``). Participations ``debut:`` seulement (l'année en cours) ; rend l'INE tapé
    par erreur, ou None."""
    par_classe: dict[str, set[str]] = {}
    for p in participations[debut:]:
        if p.eleve.ine_saisi and p.eleve.ine:
            par_classe.setdefault(p.eleve.classe or "", set()).add(p.eleve.ine)
    classe = next((c for c in sorted(par_classe) if len(par_classe[c]) >= 2), None)
    if classe is None:
        return None
    fautif, camarade = sorted(par_classe[classe])[:2]
    for i in range(debut, len(participations)):
        p = participations[i]
        if p.eleve.ine_saisi and p.eleve.ine == fautif:
            participations[i] = p.model_copy(update={"eleve": p.eleve.model_copy(update={"ine": camarade})})
    return camarade


def codes_resultats(classes: Sequence[Classe], classe: str) -> dict[str, str] | None:
    """Les en-têtes du tableau des résultats de ``classe`` : au lycée, le premier code court de chaque
    matière (:data:`CODES_COURTS`) ; au collège, les libellés (None)."""
    voie = next((c.voie for c in classes if c.nom == classe), "college")
    return None if voie == "college" else {m: codes[0] for m, codes in CODES_COURTS.items()}
