"""Écrit les listes de vie scolaire et le relevé de compétences comme Pronote les exporte.

Utilisé par le générateur de l'école fictive ; les connecteurs ``pronote-absences``,
``pronote-punitions`` et ``pronote-competences`` relisent exactement ces fichiers. On reproduit les
manies de Pronote : BOM UTF-8, ``;``, fin de ligne ``\\r\\n``, textes entre guillemets **sans échapper**
les guillemets intérieurs, nombres nus à virgule décimale, dates JJ/MM/AAAA, en-têtes non guillemetés
(deux lignes pour les absences : « Demi-journées » coiffe « Brutes » et « Calculées »).

Conventions (ce que les connecteurs relisent) :
- l'élève est écrit « NOM Prénom » dans une seule colonne « Élève » (``nom_complet`` s'il est donné) ;
- une absence « en attente » de justificatif s'écrit « En attente » dans la colonne « Justifiée » ;
- une évaluation du socle porte son code de composante (``CPD_FRA``…) dans « Composante du socle » et
  son ``domaine`` est ce code ; la colonne « Matière » reçoit ``contexte`` (la matière où l'on a évalué),
  à défaut le référentiel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from models.records import (
    COMPOSANTES_SOCLE,
    Absence,
    Evaluation,
    RefEleve,
    Retard,
    Sanction,
    StatutAbsence,
)

FIN_DE_LIGNE = "\r\n"


def _texte(valeur: str | None) -> str:
    """Une cellule de texte à la Pronote : entre guillemets, guillemets intérieurs laissés tels quels."""
    return f'"{valeur or ""}"'


def _nombre(valeur: float | None) -> str:
    """Nombre nu, virgule décimale, sans zéros inutiles (« 1,5 », « 2 »)."""
    if valeur is None:
        return ""
    return f"{valeur:g}".replace(".", ",")


def _date(jour: dt.date) -> str:
    return f"{jour:%d/%m/%Y}"


def _heure(moment: dt.datetime) -> str:
    return f"{moment:%H}h{moment:%M}"


def _eleve(ref: RefEleve) -> str:
    return ref.nom_complet or " ".join(p for p in (ref.nom, ref.prenom) if p)


def _ecrire(chemin: Path, entetes: Iterable[str], lignes: Iterable[Iterable[str]], encodage: str) -> None:
    contenu = [";".join(e) if not isinstance(e, str) else e for e in entetes]
    contenu += [";".join(cellules) for cellules in lignes]
    # newline="" : on écrit nous-mêmes les \r\n, Python ne doit pas les retraduire.
    with open(chemin, "w", encoding=encodage, newline="") as f:
        f.write(FIN_DE_LIGNE.join(contenu) + FIN_DE_LIGNE)


_JUSTIFIEE = {
    StatutAbsence.JUSTIFIEE: "Oui",
    StatutAbsence.NON_JUSTIFIEE: "Non",
    StatutAbsence.EN_ATTENTE: "En attente",
}


def ecrire_absences(chemin: Path, absences: Sequence[Absence], *, encodage: str = "utf-8-sig") -> None:
    """La liste des absences, une ligne par absence, sous deux lignes d'en-tête."""
    entetes = [
        "Élève;Classe;Du;Heure de début;Au;Heure de fin;Demi-journées;;Justifiée;Motif;"
        "Réglée administrativement",
        ";;;;;;Brutes;Calculées;;;",
    ]
    lignes = [
        [
            _texte(_eleve(a.eleve)),
            _texte(a.eleve.classe),
            _date(a.debut.date()),
            _heure(a.debut),
            _date(a.fin.date()),
            _heure(a.fin),
            _nombre(a.demi_journees_brutes),
            _nombre(a.demi_journees_calculees),
            _texte(_JUSTIFIEE[a.statut]),
            _texte(a.motif),
            "X" if a.reglee_administrativement else "",
        ]
        for a in absences
    ]
    _ecrire(chemin, entetes, lignes, encodage)


def ecrire_retards(chemin: Path, retards: Sequence[Retard], *, encodage: str = "utf-8-sig") -> None:
    """La liste des retards : une ligne par retard, durée en minutes."""
    entetes = ["Élève;Classe;Date;Heure;Durée (min);Justifié;Motif"]
    lignes = [
        [
            _texte(_eleve(r.eleve)),
            _texte(r.eleve.classe),
            _date(r.date.date()),
            _heure(r.date),
            "" if r.minutes is None else str(r.minutes),
            _texte("Oui" if r.justifie else "Non"),
            _texte(r.motif),
        ]
        for r in retards
    ]
    _ecrire(chemin, entetes, lignes, encodage)


def ecrire_punitions(chemin: Path, sanctions: Sequence[Sanction], *, encodage: str = "utf-8-sig") -> None:
    """La liste des punitions et sanctions. ``exclusion`` et ``disciplinaire`` ne s'écrivent pas :
    Pronote ne donne que la nature, le connecteur les en déduit."""
    entetes = ["Élève;Classe;Date;Nature;Motif;Donnée par"]
    lignes = [
        [
            _texte(_eleve(s.eleve)),
            _texte(s.eleve.classe),
            _date(s.date),
            _texte(s.nature),
            _texte(s.motif),
            _texte(s.donnee_par),
        ]
        for s in sanctions
    ]
    _ecrire(chemin, entetes, lignes, encodage)


def ecrire_competences(
    chemin: Path, evaluations: Sequence[Evaluation], *, encodage: str = "utf-8-sig"
) -> None:
    """Le relevé d'évaluations, une ligne par évaluation ; le niveau est écrit tel que la source l'a
    donné (``libelle_source`` : « A+ », « Abs »…)."""
    entetes = ["Élève;Classe;Date;Période;Matière;Domaine;Item;Composante du socle;Niveau;Professeur"]
    lignes = []
    for e in evaluations:
        socle = e.referentiel == "socle"
        lignes.append(
            [
                _texte(_eleve(e.eleve)),
                _texte(e.eleve.classe),
                _date(e.date),
                _texte(e.periode),
                _texte(e.contexte or e.referentiel),
                _texte(COMPOSANTES_SOCLE.get(e.domaine, e.domaine) if socle else e.domaine),
                _texte(e.item),
                _texte(e.domaine if socle else ""),
                _texte(e.libelle_source),
                _texte(e.evaluateur),
            ]
        )
    _ecrire(chemin, entetes, lignes, encodage)
