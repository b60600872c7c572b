"""Écrit les résultats d'une campagne comme Pix Orga les exporte (« collecte de profils », « évaluation »
ou « examen », ce dernier sans « % de progression »).

Utilisé par le générateur de l'école fictive ; ``connectors/pix.py`` relit exactement ces fichiers. On
reproduit le sérialiseur CSV de Pix : BOM UTF-8, ``;``, fin de ligne ``\\n``, en-tête et textes entre
guillemets avec ``""`` pour un guillemet intérieur, apostrophe devant un texte commençant par ``=``,
``+``, ``-`` ou ``@``, texte fait seulement de chiffres et de tirets écrit nu, nombres nus à virgule
décimale, ``"NA"`` pour ce qui n'est pas partagé, ``"Oui"`` / ``"Non"``, dates ``JJ/MM/AAAA HH:mm``.
Les noms de compétences sont écrits comme Pix les écrit (’ typographique, « multimedia » sans accent).

Conventions (ce que le connecteur relit) :
- une participation non partagée n'écrit que des ``NA`` ; sa ``date_envoi``, si elle est donnée, sert de
  date de début (évaluation) ;
- évaluation : colonnes pour les compétences du parcours (celles qui ont une maîtrise chez au moins un
  participant), puis pour leurs domaines ; le nombre d'acquis ciblés par compétence est
  ``ACQUIS_PAR_COMPETENCE`` (les acquis maîtrisés en sont l'arrondi) ; le taux écrit est ``maitrise`` à
  deux décimales, comme Pix ; une progression inconnue s'écrit 1 si partagé (parcours fini), 0 sinon ;
- la colonne « Classe » n'est écrite que si au moins un participant a une classe ; celle de l'identifiant
  externe, que si au moins un participant a tapé un identifiant (``ine_saisi``) ;
- les envois répétés s'écrivent tels quels, une ligne par participation, dans l'ordre donné.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from models.records import COMPETENCES_PIX, PixParticipation

from .variantes import LIBELLE_IDENTIFIANT_PIX

#: Les domaines du référentiel, tels que Pix les titre dans l'export d'une évaluation.
DOMAINES: dict[str, str] = {
    "1": "1. Information et données",
    "2": "2. Communication et collaboration",
    "3": "3. Création de contenu",
    "4": "4. Protection et sécurité",
    "5": "5. Environnement numérique",
}

ACQUIS_PAR_COMPETENCE = 10
NA = "NA"
PIX_PAR_NIVEAU = 8


def _nom_pix(code: str) -> str:
    """Le nom tel que Pix l'écrit : apostrophe typographique."""
    return COMPETENCES_PIX[code].replace("'", "’")


def _cellule(valeur: str | float | int | bool | None) -> str:
    """Une cellule à la Pix : nombre nu à virgule, texte entre guillemets (échappé contre les formules)."""
    if valeur is None:
        valeur = NA
    if isinstance(valeur, bool):
        valeur = "Oui" if valeur else "Non"
    if isinstance(valeur, (int, float)):
        texte = str(int(valeur)) if float(valeur).is_integer() else repr(float(valeur))
        return texte.replace(".", ",")
    if re.fullmatch(r"[0-9-]+", valeur):
        return valeur
    prefixe = "'" if valeur[:1] in ("=", "+", "-", "@") else ""
    return '"' + prefixe + valeur.replace('"', '""') + '"'


def _ligne(cellules: Sequence[str | float | int | bool | None]) -> str:
    return ";".join(_cellule(c) for c in cellules) + "\n"


def _date(moment: dt.datetime | None) -> str | None:
    return f"{moment:%d/%m/%Y %H:%M}" if moment else None


def _id_campagne(nom: str) -> int:
    """Un identifiant numérique stable, comme l'« ID Campagne » de Pix."""
    return int(hashlib.sha1(nom.encode()).hexdigest()[:6], 16) % 900000 + 100000


def _code_campagne(p: PixParticipation) -> str:
    return p.code_campagne or "C" + hashlib.sha1(p.campagne.encode()).hexdigest()[:8].upper()


def _identite(p: PixParticipation, organisation: str, avec_classe: bool, parcours: bool,
              identifiant: str | None = None) -> list:
    e = p.eleve
    nom = e.nom or e.nom_complet or ""
    debut = [organisation, _id_campagne(p.campagne), _code_campagne(p), p.campagne]
    if parcours:
        debut.append(p.campagne)
    debut += [nom, e.prenom or ""]
    if avec_classe:
        debut.append(e.classe or "")
    if identifiant:
        debut.append(e.ine or "")
    return debut


def _profils(participations: Sequence[PixParticipation], organisation: str, avec_classe: bool,
             identifiant: str | None = None) -> list[str]:
    codes = list(COMPETENCES_PIX)
    entete = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Nom du Participant",
              "Prénom du Participant"]
    entete += ["Classe"] if avec_classe else []
    entete += [identifiant] if identifiant else []
    entete += ["Envoi (O/N)", "Date et heure de l'envoi (Europe/Paris)", "Nombre de pix total",
               "Certifiable (O/N)", "Nombre de compétences certifiables"]
    for code in codes:
        nom = _nom_pix(code)
        entete += [f"Niveau pour la compétence {nom}", f"Nombre de pix pour la compétence {nom}"]
    lignes = [_ligne(entete)]
    for p in participations:
        cellules = _identite(p, organisation, avec_classe, parcours=False, identifiant=identifiant)
        if not p.partage:
            cellules += [False] + [None] * (4 + 2 * len(codes))
        else:
            par_code = {c.competence: c for c in p.competences}
            niveaux = {code: par_code[code].niveau if code in par_code else 0 for code in codes}
            pix = {code: par_code[code].pix if code in par_code else 0 for code in codes}
            atteintes = sum(1 for n in niveaux.values() if n >= 1)
            certifiable = p.certifiable if p.certifiable is not None else atteintes >= 5
            total = p.pix_total if p.pix_total is not None else sum(pix.values())
            cellules += [True, _date(p.date_envoi), total, certifiable, atteintes]
            for code in codes:
                cellules += [niveaux[code], pix[code]]
        lignes.append(_ligne(cellules))
    return lignes


def _evaluation(participations: Sequence[PixParticipation], organisation: str, avec_classe: bool,
                examen: bool = False, identifiant: str | None = None) -> list[str]:
    """Évaluation (``ASSESSMENT``) ou examen (``EXAM`` : la même chose sans « % de progression »)."""
    codes = [c for c in COMPETENCES_PIX if any(c in p.maitrise for p in participations)] or list(COMPETENCES_PIX)
    domaines = [d for d in DOMAINES if any(c.startswith(d + ".") for c in codes)]
    entete = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Parcours",
              "Nom du Participant", "Prénom du Participant"]
    entete += ["Classe"] if avec_classe else []
    entete += [identifiant] if identifiant else []
    entete += [] if examen else ["% de progression"]
    entete += ["Date et heure de début (Europe/Paris)", "Partage (O/N)",
               "Date et heure du partage (Europe/Paris)", "% maitrise de l'ensemble des acquis du profil"]
    for code in codes:
        nom = _nom_pix(code)
        entete += [f"% de maitrise des acquis de la compétence {nom}",
                   f"Nombre d'acquis du profil cible dans la compétence {nom}",
                   f"Acquis maitrisés dans la compétence {nom}"]
    for d in domaines:
        entete += [f"% de maitrise des acquis du domaine {DOMAINES[d]}",
                   f"Nombre d'acquis du profil cible du domaine {DOMAINES[d]}",
                   f"Acquis maitrisés du domaine {DOMAINES[d]}"]
    lignes = [_ligne(entete)]
    for p in participations:
        cellules = _identite(p, organisation, avec_classe, parcours=True, identifiant=identifiant)
        progression = p.progression if p.progression is not None else (1 if p.partage else 0)
        cellules += [] if examen else [progression]
        if not p.partage:
            cellules += [_date(p.date_envoi), False, None, None]
            cellules += [None] * (3 * (len(codes) + len(domaines)))
        else:
            maitrises = {c: round(ACQUIS_PAR_COMPETENCE * p.maitrise.get(c, 0)) for c in codes}
            cibles = ACQUIS_PAR_COMPETENCE * len(codes)
            cellules += [_date(p.date_envoi), True, _date(p.date_envoi), round(sum(maitrises.values()) / cibles, 2)]
            for code in codes:
                cellules += [round(p.maitrise.get(code, 0), 2), ACQUIS_PAR_COMPETENCE, maitrises[code]]
            for d in domaines:
                du_domaine = [c for c in codes if c.startswith(d + ".")]
                acquis = sum(maitrises[c] for c in du_domaine)
                total = ACQUIS_PAR_COMPETENCE * len(du_domaine)
                cellules += [round(acquis / total, 2), total, acquis]
        lignes.append(_ligne(cellules))
    return lignes


def ecrire_pix(
    chemin: Path,
    participations: Sequence[PixParticipation],
    *,
    organisation: str,
    bom: bool = True,
    identifiant_externe: str = LIBELLE_IDENTIFIANT_PIX,
) -> None:
    """Écrit l'export Pix Orga d'une campagne ; la sorte suit ``type_campagne`` (la même pour toutes).

    Quand un participant a tapé un identifiant (``eleve.ine_saisi``), la campagne en demandait un : la
    colonne ``identifiant_externe`` (libellé choisi par l'établissement, ``campaign.externalIdLabel``
    de Pix) porte ``eleve.ine``, après les colonnes du participant, avant la première d'activité."""
    sortes = {p.type_campagne for p in participations}
    if len(sortes) > 1:
        raise ValueError("un export Pix ne porte qu'une sorte de campagne (profils, evaluation ou examen)")
    sorte = sortes.pop() if sortes else "profils"
    avec_classe = any(p.eleve.classe for p in participations)
    identifiant = identifiant_externe if any(p.eleve.ine_saisi for p in participations) else None
    if sorte == "profils":
        lignes = _profils(participations, organisation, avec_classe, identifiant)
    else:
        lignes = _evaluation(participations, organisation, avec_classe, examen=sorte == "examen",
                             identifiant=identifiant)
    texte = "".join(lignes)
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        f.write(("\ufeff" if bom else "") + texte)
