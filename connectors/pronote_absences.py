"""``pronote-absences`` : les listes d'absences et de retards du client Pronote (1 ou 2 lignes d'en-tête).

Trois formes, reconnues à leurs en-têtes (ou imposées par l'option ``liste``) :

- **une ligne par absence** (``liste="absences"``) : Élève (ou Nom + Prénom), Classe, Du / Au (ou Date),
  heures (« 08h00 », dans la cellule de date ou dans leur propre colonne), demi-journées brutes et
  calculées (« Demi-journées » coiffant « Brutes » / « Calculées » sur deux lignes d'en-tête), Justifiée,
  Motif, Réglée administrativement → une :class:`Absence` par ligne ;
- **une ligne par élève** (``liste="synthese"``) : Nom, Prénom, Classe, DJ, NJ (non justifiées),
  Retards. Ce sont des totaux sans dates : il faut donner la période avec les options ``du`` et ``au``
  (dates ou « JJ/MM/AAAA »). Chaque élève reçoit au plus trois absences couvrant la période, une par
  statut (justifiées = DJ − NJ − en attente), aux instants ``du`` 00:00:00, 00:00:01 et 00:00:02 — le
  décalage d'une seconde ne sert qu'à donner à chaque part sa propre clé dans l'entrepôt (élève, début).
  Les nombres de retards, sans date, ne deviennent pas des retards (une anomalie le signale).
  Ne mélangez pas, pour une même période, la synthèse et la liste détaillée : elles se cumuleraient ;
- **la liste des retards** (``liste="retards"``, reconnue à sa colonne « Durée ») : Élève, Classe,
  Date, Heure, Durée (minutes), Justifié, Motif → un :class:`Retard` par ligne.

Une absence dont la justification n'est pas encore arrivée (« En attente », cellule vide, pas de colonne
« Justifiée ») a le statut ``en_attente`` : elle ne compte pas comme non justifiée tant que
l'établissement ne l'a pas décidé.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from models.errors import ImportRejected
from models.nombres import borne
from models.records import Absence, Anomalie, Lot, RefEleve, Retard, StatutAbsence

from .common import cle_entete, date_fr, nombre
from .pronote_csv import SANS_VALEUR, Ligne, Tableau, est_ligne_total, lire_tableau, titre_plat, trouver_colonnes
from .options import CLASSE, Option

SOURCE = "pronote-absences"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS = {
    "liste": Option("choix", "forme du fichier", choix=("absences", "synthese", "retards")),
    "du": Option("date", "début de la période couverte (synthèse)"),
    "au": Option("date", "fin de la période couverte (synthèse)"),
    "classe": CLASSE,
}

# --- Colonnes (données : une variante d'export = une ligne ici) ----------------------------------------

COLONNES_ELEVE: dict[str, tuple[str, ...]] = {
    "Élève": ("Eleves", "Nom de l'élève", "Nom et prénom", "Nom Prénom", "Nom prénom de l'élève"),
    "Nom": ("Nom de famille", "Nom de l'élève (nom)"),
    "Prénom": ("Prénoms", "Prenom(s)"),
    "Classe": ("Classes", "Division", "Classe de l'élève"),
}

COLONNES_EVENEMENT: dict[str, tuple[str, ...]] = {
    **COLONNES_ELEVE,
    "Du": ("Date de début", "Début", "Date début", "Date", "Le", "Du (date)", "Du / Date", "Date de l'absence"),
    "Heure de début": ("Heure début", "De", "Du / Heure", "Début / Heure", "Heure", "Heure de départ"),
    "Au": ("Date de fin", "Fin", "Date fin", "Jusqu'au", "Au (date)", "Au / Date"),
    "Heure de fin": ("Heure fin", "À", "Au / Heure", "Fin / Heure", "Jusqu'à"),
    "Demi-journées brutes": (
        "Demi-journées / Brutes", "Brutes", "DJ brutes", "Demi-journées", "Nb demi-journées",
        "Nb. demi-journées", "Nombre de demi-journées", "Demi-journées d'absence", "DJ", "Nb DJ",
    ),
    "Demi-journées calculées": ("Demi-journées / Calculées", "Calculées", "DJ calculées"),
    "Justifiée": ("Justifié", "Justifiées", "Justification", "Absence justifiée", "Justif."),
    "Motif": ("Motifs", "Motif de l'absence", "Raison"),
    "Réglée administrativement": (
        "Réglé administrativement", "Réglée", "Réglée admin.", "Régularisée", "Réglée administrativ.",
    ),
}

COLONNES_SYNTHESE: dict[str, tuple[str, ...]] = {
    **COLONNES_ELEVE,
    "DJ": (
        "Demi-journées", "Nb demi-journées", "Nb. demi-journées", "Demi-journées d'absence",
        "Nombre de demi-journées", "DJ d'absence", "Absences", "Total demi-journées", "DJ brutes",
        "Demi-journées brutes", "DJ calculées", "Demi-journées calculées",
    ),
    "NJ": (
        "Non justifiées", "DJ non justifiées", "Demi-journées non justifiées", "Dont non justifiées",
        "Absences non justifiées", "NJ (demi-journées)",
    ),
    "En attente": ("DJ en attente", "Non réglées", "DJ non réglées", "En attente de justificatif"),
    "Retards": ("Nb retards", "Nombre de retards", "Retard"),
}

COLONNES_RETARD: dict[str, tuple[str, ...]] = {
    **COLONNES_ELEVE,
    "Date": ("Le", "Date du retard", "Du"),
    "Heure": ("Heure d'arrivée", "Horaire", "Heure du retard", "À"),
    "Durée": ("Durée (min)", "Durée en minutes", "Minutes", "Nb minutes", "Durée du retard", "Durée (mn)"),
    "Justifié": ("Justifiée", "Justification", "Retard justifié"),
    "Motif": ("Motifs", "Motif du retard", "Raison"),
}

#: Réponses de la colonne « Justifiée », par clé (:func:`cle_entete`). Vide = en attente.
JUSTIFICATION: dict[str, StatutAbsence] = {
    "oui": StatutAbsence.JUSTIFIEE,
    "o": StatutAbsence.JUSTIFIEE,
    "x": StatutAbsence.JUSTIFIEE,
    "vrai": StatutAbsence.JUSTIFIEE,
    "justifiee": StatutAbsence.JUSTIFIEE,
    "justifie": StatutAbsence.JUSTIFIEE,
    "non": StatutAbsence.NON_JUSTIFIEE,
    "n": StatutAbsence.NON_JUSTIFIEE,
    "faux": StatutAbsence.NON_JUSTIFIEE,
    "nonjustifiee": StatutAbsence.NON_JUSTIFIEE,
    "nonjustifie": StatutAbsence.NON_JUSTIFIEE,
    "injustifiee": StatutAbsence.NON_JUSTIFIEE,
    "": StatutAbsence.EN_ATTENTE,
    "enattente": StatutAbsence.EN_ATTENTE,
    "enattentedejustificatif": StatutAbsence.EN_ATTENTE,
    "ajustifier": StatutAbsence.EN_ATTENTE,
    "nonreglee": StatutAbsence.EN_ATTENTE,
}

OUI: frozenset[str] = frozenset({"oui", "o", "x", "p", "vrai", "1"})
NON: frozenset[str] = frozenset({"", "non", "n", "faux", "0", "enattente"})

DEBUT_JOURNEE = dt.time(0, 0)
FIN_JOURNEE = dt.time(23, 59)

Liste = Literal["absences", "synthese", "retards"]


# --- Lecture -------------------------------------------------------------------------------------------


def lire(
    chemin: Path,
    *,
    liste: Liste | None = None,
    du: dt.date | str | None = None,
    au: dt.date | str | None = None,
    classe: str | None = None,
    **_: object,
) -> Lot:
    tableau = lire_tableau(chemin, maximum=2)
    titres = [titre_plat(t) for t in tableau.titres]
    liste = liste or _reconnaitre(titres)
    if liste == "retards":
        return _retards(tableau, titres, classe)
    if liste == "synthese":
        return _synthese(tableau, titres, du, au, classe)
    return _evenements(tableau, titres, classe)


def _reconnaitre(titres: Sequence[str]) -> Liste:
    """La forme du fichier d'après ses titres : une colonne de durée → retards ; des demi-journées sans
    aucune date → synthèse par élève ; sinon liste des absences."""
    cles = {cle_entete(t) for t in titres}

    def a(colonnes: Mapping[str, tuple[str, ...]], nom: str) -> bool:
        return bool(cles & {cle_entete(v) for v in (nom, *colonnes[nom])})

    if a(COLONNES_RETARD, "Durée"):
        return "retards"
    if a(COLONNES_SYNTHESE, "DJ") and not (a(COLONNES_EVENEMENT, "Du") or a(COLONNES_EVENEMENT, "Au")):
        return "synthese"
    return "absences"


class Colonnes:
    """Les colonnes trouvées d'un tableau, et les cellules d'une ligne lues par nom de colonne."""

    def __init__(
        self, tableau: Tableau, titres: Sequence[str], synonymes: Mapping[str, tuple[str, ...]],
        requises: Sequence[str], *, classe: str | None = None,
    ) -> None:
        self.tableau = tableau
        self.classe = classe  # option « classe » : quand le fichier ne l'indique pas
        index = trouver_colonnes(titres, synonymes, fichier=tableau.fichier, ligne=tableau.ligne_entete)
        # L'élève est désigné soit par « Élève », soit par « Nom » (+ « Prénom ») : l'un des deux suffit.
        eleve = [] if ("Élève" in index or "Nom" in index) else ["Élève"]
        self.index = trouver_colonnes(
            titres, synonymes, requises=[*eleve, *requises], fichier=tableau.fichier, ligne=tableau.ligne_entete
        )

    def __contains__(self, nom: str) -> bool:
        return nom in self.index

    def cellule(self, ligne: Ligne, nom: str) -> str:
        return ligne.cellule(self.index.get(nom))

    def titre(self, nom: str) -> str:
        """Le titre tel que le fichier l'écrit, pour situer une erreur."""
        return self.tableau.nom_colonne(self.index[nom]) if nom in self.index else nom

    def refus(self, message: str, ligne: Ligne, nom: str) -> ImportRejected:
        return ImportRejected(message, fichier=self.tableau.fichier, ligne=ligne.numero, colonne=self.titre(nom))

    def lignes_eleves(self) -> list[Ligne]:
        """Les lignes de données, sans les lignes de total de fin d'export."""
        nom = self.index.get("Élève", self.index.get("Nom", 0))
        return [l for l in self.tableau.donnees if not l.vide and not est_ligne_total(l, nom)]

    def eleve(self, ligne: Ligne) -> RefEleve:
        classe = self.cellule(ligne, "Classe") or self.classe
        if "Élève" in self and self.cellule(ligne, "Élève"):
            return RefEleve(nom_complet=self.cellule(ligne, "Élève"), classe=classe, ligne=ligne.numero)
        nom, prenom = self.cellule(ligne, "Nom"), self.cellule(ligne, "Prénom")
        if not nom:
            raise self.refus("nom de l'élève vide", ligne, "Élève" if "Élève" in self else "Nom")
        return RefEleve(nom=nom, prenom=prenom or None, classe=classe, ligne=ligne.numero)

    def nombre(self, ligne: Ligne, nom: str) -> float | None:
        texte = self.cellule(ligne, nom)
        if texte.strip() in SANS_VALEUR:  # la liste « pas de valeur » commune aux connecteurs Pronote
            return None
        try:
            valeur = nombre(texte)
        except ValueError:
            raise self.refus(f"« {texte} » n'est pas un nombre", ligne, nom) from None
        if valeur is not None and valeur < 0:
            raise self.refus(f"« {texte} » : un nombre négatif n'a pas de sens ici", ligne, nom)
        return valeur

    def oui_non(self, ligne: Ligne, nom: str) -> bool:
        texte = self.cellule(ligne, nom)
        cle = cle_entete(texte)
        if cle in OUI:
            return True
        if cle in NON:
            return False
        raise self.refus(f"« {texte} » : attendu Oui, Non, X ou vide", ligne, nom)


# --- Une ligne par absence -----------------------------------------------------------------------------


def _evenements(tableau: Tableau, titres: Sequence[str], classe: str | None) -> Lot:
    col = Colonnes(tableau, titres, COLONNES_EVENEMENT, ["Du"], classe=classe)
    lot = Lot(source=SOURCE, fichier=tableau.fichier)
    if "Justifiée" not in col:
        lot.anomalies.append(
            Anomalie(message="pas de colonne « Justifiée » : toutes les absences sont « en attente »")
        )
    for ligne in col.lignes_eleves():
        eleve = col.eleve(ligne)
        jour_debut, heure_debut = _moment(col, ligne, "Du")
        if jour_debut is None:
            raise col.refus("date de début vide", ligne, "Du")
        jour_fin, heure_fin = _moment(col, ligne, "Au")
        heure_debut = _heure(col, ligne, "Heure de début") or heure_debut or DEBUT_JOURNEE
        heure_fin = _heure(col, ligne, "Heure de fin") or heure_fin or FIN_JOURNEE
        debut = dt.datetime.combine(jour_debut, heure_debut)
        fin = dt.datetime.combine(jour_fin or jour_debut, heure_fin)
        if fin < debut:
            raise col.refus(
                f"la fin de l'absence ({fin:%d/%m/%Y %H:%M}) précède son début ({debut:%d/%m/%Y %H:%M})",
                ligne,
                "Au" if "Au" in col else "Heure de fin",
            )
        texte = col.cellule(ligne, "Justifiée")
        statut = JUSTIFICATION.get(cle_entete(texte))
        if statut is None:
            raise col.refus(f"« {texte} » : attendu Oui, Non, En attente ou vide", ligne, "Justifiée")
        lot.absences.append(
            Absence(
                eleve=eleve,
                debut=debut,
                fin=fin,
                demi_journees_brutes=col.nombre(ligne, "Demi-journées brutes"),
                demi_journees_calculees=col.nombre(ligne, "Demi-journées calculées"),
                statut=statut,
                motif=col.cellule(ligne, "Motif") or None,
                reglee_administrativement=col.oui_non(ligne, "Réglée administrativement"),
            )
        )
        lot.lignes_lues += 1
    return lot


_DATE = re.compile(r"(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})")
_HEURE = re.compile(r"^(\d{1,2})\s*[hH:]\s*(\d{2})?(?::\d{2})?$")


def _moment(col: Colonnes, ligne: Ligne, nom: str) -> tuple[dt.date | None, dt.time | None]:
    """« 10/11/2025 à 08h00 », « lun. 10/11/2025 08:00 », « 10/11/2025 » → (date, heure ou None)."""
    texte = col.cellule(ligne, nom)
    if not texte:
        return None, None
    m = _DATE.search(texte)
    reste = texte[m.end():].strip() if m else ""
    reste = re.sub(r"^(à|a)\s+", "", reste)
    try:
        if m is None:
            raise ValueError
        jour = date_fr(m.group(1))
        heure = _lire_heure(reste) if reste else None
    except ValueError:
        raise col.refus(f"« {texte} » n'est pas une date JJ/MM/AAAA (avec l'heure éventuelle)", ligne, nom) from None
    return jour, heure


def _heure(col: Colonnes, ligne: Ligne, nom: str) -> dt.time | None:
    texte = col.cellule(ligne, nom)
    if not texte:
        return None
    try:
        return _lire_heure(texte)
    except ValueError:
        raise col.refus(f"« {texte} » n'est pas une heure (attendu 08h00)", ligne, nom) from None


def _lire_heure(texte: str) -> dt.time:
    """« 08h00 », « 8h », « 08:00 », « 08:00:00 » → heure ; ValueError sinon."""
    m = _HEURE.match(texte.strip())
    if not m:
        raise ValueError(texte)
    return dt.time(int(m.group(1)), int(m.group(2) or 0))  # ValueError si 25h ou 08h75


# --- Une ligne par élève -------------------------------------------------------------------------------


def _synthese(
    tableau: Tableau, titres: Sequence[str], du: dt.date | str | None, au: dt.date | str | None,
    classe: str | None,
) -> Lot:
    col = Colonnes(tableau, titres, COLONNES_SYNTHESE, ["DJ"], classe=classe)
    if du is None or au is None:
        raise ImportRejected(
            "ce fichier donne un total de demi-journées par élève, sans dates : indiquez la période "
            "qu'il couvre avec les options du et au (par exemple du=01/09/2025 au=30/11/2025)",
            fichier=tableau.fichier,
            ligne=tableau.ligne_entete,
            colonne=col.titre("DJ"),
        )
    debut_periode, fin_periode = _jour_option(du, "du", tableau), _jour_option(au, "au", tableau)
    if fin_periode < debut_periode:
        raise ImportRejected("la période se termine (au) avant de commencer (du)", fichier=tableau.fichier)
    debut = dt.datetime.combine(debut_periode, DEBUT_JOURNEE)
    fin = dt.datetime.combine(fin_periode, FIN_JOURNEE)
    calculees = "calcul" in cle_entete(col.titre("DJ"))
    lot = Lot(source=SOURCE, fichier=tableau.fichier)
    retards_ignores = 0
    for ligne in col.lignes_eleves():
        eleve = col.eleve(ligne)
        total = col.nombre(ligne, "DJ") or 0.0
        nj = col.nombre(ligne, "NJ") or 0.0
        attente = col.nombre(ligne, "En attente") or 0.0
        if nj + attente > total:
            raise col.refus(
                f"plus de demi-journées non justifiées ou en attente ({borne(nj + attente)}) que de "
                f"demi-journées d'absence ({borne(total)})",
                ligne,
                "NJ" if nj else "En attente",
            )
        parts = (
            (StatutAbsence.JUSTIFIEE, total - nj - attente),
            (StatutAbsence.NON_JUSTIFIEE, nj),
            (StatutAbsence.EN_ATTENTE, attente),
        )
        for decalage, (statut, dj) in enumerate(parts):
            if dj <= 0:
                continue
            lot.absences.append(
                Absence(
                    eleve=eleve,
                    debut=debut + dt.timedelta(seconds=decalage),
                    fin=fin,
                    demi_journees_brutes=None if calculees else dj,
                    demi_journees_calculees=dj if calculees else None,
                    statut=statut,
                )
            )
        retards_ignores += bool(col.nombre(ligne, "Retards"))
        lot.lignes_lues += 1
    if retards_ignores:
        lot.anomalies.append(
            Anomalie(
                colonne=col.titre("Retards"),
                message=f"nombres de retards de {retards_ignores} élève(s) non importés (sans date) : "
                "importez la liste des retards",
            )
        )
    return lot


def _jour_option(valeur: dt.date | str, nom: str, tableau: Tableau) -> dt.date:
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    try:
        return date_fr(str(valeur))
    except ValueError:
        raise ImportRejected(
            f"option {nom} : « {valeur} » n'est pas une date JJ/MM/AAAA", fichier=tableau.fichier
        ) from None


# --- Retards ------------------------------------------------------------------------------------------


def _retards(tableau: Tableau, titres: Sequence[str], classe: str | None) -> Lot:
    col = Colonnes(tableau, titres, COLONNES_RETARD, ["Date"], classe=classe)
    lot = Lot(source=SOURCE, fichier=tableau.fichier)
    for ligne in col.lignes_eleves():
        eleve = col.eleve(ligne)
        jour, heure = _moment(col, ligne, "Date")
        if jour is None:
            raise col.refus("date du retard vide", ligne, "Date")
        heure = _heure(col, ligne, "Heure") or heure or DEBUT_JOURNEE
        lot.retards.append(
            Retard(
                eleve=eleve,
                date=dt.datetime.combine(jour, heure),
                minutes=_minutes(col, ligne),
                justifie=col.oui_non(ligne, "Justifié"),
                motif=col.cellule(ligne, "Motif") or None,
            )
        )
        lot.lignes_lues += 1
    return lot


_DUREE = re.compile(r"^(?:(\d{1,2})\s*[hH:]\s*)?(\d{1,3})?\s*(?:min|mn|minutes?|m)?\.?$")


def _minutes(col: Colonnes, ligne: Ligne) -> int | None:
    """« 5 », « 5 min », « 12mn », « 0h05 », « 1h » → minutes ; vide → None."""
    texte = col.cellule(ligne, "Durée")
    t = texte.strip()
    if t in SANS_VALEUR:
        return None
    m = _DUREE.match(t)
    if not m or not (m.group(1) or m.group(2)):
        raise col.refus(f"« {texte} » n'est pas une durée en minutes", ligne, "Durée")
    minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    if minutes > 600:
        raise col.refus(f"« {texte} » : un retard de plus de 10 heures est une absence", ligne, "Durée")
    return minutes
