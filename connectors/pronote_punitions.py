"""``pronote-punitions`` : la liste des punitions et sanctions (une ligne d'en-tête).

Colonnes : Élève (ou Nom + Prénom), Classe, Date, Nature, Motif, Donnée par. Pronote ne donne que la
nature ; on en déduit deux drapeaux :

- ``disciplinaire`` : une **sanction** de l'article R511-13 du Code de l'éducation (avertissement, blâme,
  mesure de responsabilisation, exclusion temporaire de la classe, de l'établissement ou d'un service
  annexe, exclusion définitive), prononcée par le chef d'établissement ou le conseil de discipline.
  Cette liste est fermée : toute autre nature (retenue, devoir supplémentaire, exclusion ponctuelle de
  cours, natures propres à l'établissement…) est une **punition scolaire** ;
- ``exclusion`` : l'élève est tenu hors du cours, de la classe ou de l'établissement. Une exclusion
  « avec sursis » n'éloigne pas l'élève : elle reste une sanction mais pas une exclusion.

La nature est rapprochée par son début (« Exclusion temporaire de l'établissement (3 jours) » est une
exclusion temporaire de l'établissement), en ignorant casse, accents et ponctuation.
"""

from __future__ import annotations

from pathlib import Path

from models.records import Lot, Sanction

from .common import cle_entete
from .pronote_absences import COLONNES_ELEVE, Colonnes
from .pronote_csv import lire_date, lire_tableau, titre_plat
from .options import CLASSE

SOURCE = "pronote-punitions"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS = {"classe": CLASSE}

COLONNES: dict[str, tuple[str, ...]] = {
    **COLONNES_ELEVE,
    "Date": ("Le", "Date de la punition", "Date de la sanction", "Date de saisie", "Donnée le"),
    "Nature": ("Punition", "Sanction", "Type", "Punition / Sanction", "Nature de la punition",
               "Nature de la sanction", "Type de punition"),
    "Motif": ("Motifs", "Raison", "Motif(s)"),
    "Donnée par": ("Donné par", "Demandeur", "Auteur", "Professeur", "Saisie par", "Décidée par",
                   "Responsable"),
}

#: Nature (son début) → (exclusion, disciplinaire). Le début le plus long qui correspond l'emporte.
NATURES: dict[str, tuple[bool, bool]] = {
    # Sanctions disciplinaires, Code de l'éducation R511-13
    "Avertissement": (False, True),
    "Blâme": (False, True),
    "Mesure de responsabilisation": (False, True),
    "Exclusion temporaire": (True, True),
    "Exclusion temporaire de la classe": (True, True),
    "Exclusion temporaire de l'établissement": (True, True),
    "Exclusion temporaire de la demi-pension": (True, True),
    "Exclusion temporaire de l'internat": (True, True),
    "Exclusion temporaire d'un service annexe": (True, True),
    "Exclusion-inclusion": (True, True),
    "Exclusion définitive": (True, True),
    # Punitions scolaires (liste indicative : l'établissement en définit d'autres dans son règlement)
    "Retenue": (False, False),
    "Devoir supplémentaire": (False, False),
    "Travail supplémentaire": (False, False),
    "Excuse orale": (False, False),
    "Excuse écrite": (False, False),
    "Observation": (False, False),
    "Inscription sur le carnet de correspondance": (False, False),
    "Exclusion de cours": (True, False),
    "Exclusion ponctuelle": (True, False),
    "Exclusion d'un cours": (True, False),
}

#: Une exclusion prononcée avec sursis n'éloigne pas l'élève.
SURSIS = "sursis"

_CLES = sorted(((cle_entete(n), v) for n, v in NATURES.items()), key=lambda kv: -len(kv[0]))


def qualifier(nature: str) -> tuple[bool, bool]:
    """Nature → (exclusion, disciplinaire). Une nature inconnue est une punition scolaire ; elle n'est
    une exclusion que si son nom le dit."""
    cle = cle_entete(nature)
    exclusion, disciplinaire = next(
        (v for debut, v in _CLES if cle.startswith(debut)), ("exclusion" in cle, False)
    )
    if SURSIS in cle:
        exclusion = False
    return exclusion, disciplinaire


def lire(chemin: Path, *, classe: str | None = None, **_: object) -> Lot:
    tableau = lire_tableau(chemin, maximum=1)
    col = Colonnes(tableau, [titre_plat(t) for t in tableau.titres], COLONNES, ["Date", "Nature"], classe=classe)
    lot = Lot(source=SOURCE, fichier=chemin)
    for ligne in col.lignes_eleves():
        eleve = col.eleve(ligne)
        jour = lire_date(col.cellule(ligne, "Date"), fichier=chemin, ligne=ligne.numero, colonne=col.titre("Date"))
        if jour is None:
            raise col.refus("date vide", ligne, "Date")
        nature = col.cellule(ligne, "Nature")
        if not nature:
            raise col.refus("nature de la punition ou de la sanction vide", ligne, "Nature")
        exclusion, disciplinaire = qualifier(nature)
        lot.sanctions.append(
            Sanction(
                eleve=eleve,
                date=jour,
                nature=nature,
                motif=col.cellule(ligne, "Motif") or None,
                exclusion=exclusion,
                disciplinaire=disciplinaire,
                donnee_par=col.cellule(ligne, "Donnée par") or None,
            )
        )
        lot.lignes_lues += 1
    return lot
