"""``pronote-competences`` : le relevé d'évaluations de compétences de Pronote.

Deux formes, reconnues à leurs en-têtes :

- **une ligne par évaluation** (forme principale, celle qu'écrit l'école fictive) : Élève (ou Nom +
  Prénom), Classe, Date, Période, Matière, Domaine, Item, Composante du socle, Niveau, Professeur ;
  une ligne d'en-tête. Un niveau vide est gardé comme ``non_evalue`` (la ligne dit que l'item était
  prévu) ;
- **une ligne par élève, une colonne par item** (grille), sous 2 ou 3 lignes d'en-tête : composante du
  socle ou domaine (un titre fusionné couvre plusieurs items), item, et date de l'évaluation. Sans ligne
  de dates, l'option ``date`` la donne. Une cellule vide veut dire « pas évalué sur cet item » et ne
  crée rien : la grille croise tous les élèves et tous les items, évalués ou non.

Le niveau est écrit comme l'établissement l'a paramétré (« A+ », « TBM », « Maîtrise fragile », « 3 ») ;
sa traduction sur l'échelle 1–4 du socle est un **réglage** : :data:`NIVEAUX` par défaut, complété ou
remplacé libellé par libellé avec l'option ``niveaux={"B": 2}``. ``Abs`` → absent, ``Disp`` → dispensé,
``Dsp`` / ``Disp`` → dispensé, ``NR`` / ``NE`` / vide → non évalué (abréviations de Pronote, voir
:data:`STATUTS`) ; le réglage peut aussi donner un statut à un libellé (``niveaux={"Dsp": "dispensé"}``).
Un niveau inconnu refuse le fichier (ligne et colonne), pour qu'un libellé maison ne soit jamais deviné.

Référentiel : ``socle`` quand l'item porte une composante du socle — son code (``CPD_FRA``), son libellé,
ou son numéro de domaine (« D1.1 ») —, le ``domaine`` est alors ce code ; sinon la matière (ou l'option
``referentiel``), et le domaine est celui du fichier. ``contexte`` reçoit la matière où l'on a évalué.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from models.errors import ImportRejected
from models.records import (
    COMPOSANTES_SOCLE,
    NOMS_STATUTS_COMPETENCE,
    Anomalie,
    Evaluation,
    Lot,
    StatutCompetence,
)

from .common import cle_entete, date_fr
from .pronote_absences import COLONNES_ELEVE, Colonnes
from .options import CLASSE, MATIERE, NIVEAUX, PERIODE, Option
from .pronote_csv import SANS_VALEUR, Ligne, Tableau, est_entete_probable, lire_date, lire_tableau, titre_plat

SOURCE = "pronote-competences"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS = {
    "niveaux": NIVEAUX, "referentiel": Option("texte", "référentiel (« socle » par défaut)"),
    "matiere": MATIERE, "periode": PERIODE, "date": Option("date", "date des évaluations"), "classe": CLASSE,
}

COLONNES: dict[str, tuple[str, ...]] = {
    **COLONNES_ELEVE,
    "Date": ("Le", "Date de l'évaluation", "Date d'évaluation", "Évaluée le"),
    "Période": ("Periode", "Trimestre", "Semestre"),
    "Matière": ("Matiere", "Service", "Discipline", "Enseignement"),
    "Domaine": ("Domaines", "Compétence", "Thème", "Référentiel"),
    "Item": ("Items", "Élément", "Compétence évaluée", "Intitulé", "Libellé de l'item"),
    "Composante du socle": ("Composante", "Socle", "Composantes du socle", "Domaine du socle",
                            "Élément du socle", "Socle commun"),
    "Niveau": ("Niveau de maîtrise", "Acquisition", "Évaluation", "Niveau d'acquisition", "Maîtrise",
               "Positionnement", "Résultat"),
    "Professeur": ("Enseignant", "Évaluateur", "Évalué par", "Auteur"),
}

#: Colonnes d'une grille qui ne sont pas des items (identité de l'élève et synthèses de Pronote).
NON_ITEMS: tuple[str, ...] = ("Élève", "Nom", "Prénom", "Classe", "Moyenne", "Date de naissance", "Groupe",
                              "Groupes", "Sexe", "Projets d'accompagnement", "Bilan", "Appréciation")

#: Réglage par défaut : libellé ou abréviation du niveau → échelle 1–4 du socle (4 = très bonne maîtrise).
NIVEAUX: dict[str, int] = {
    "A+": 4, "A": 3, "B": 3, "C": 2, "D": 1, "E": 1,
    "Très bonne maîtrise": 4, "Maîtrise satisfaisante": 3, "Maîtrise fragile": 2, "Maîtrise insuffisante": 1,
    "TBM": 4, "MS": 3, "MF": 2, "MI": 1,
    "4": 4, "3": 3, "2": 2, "1": 1,
}

#: Libellés qui ne sont pas un niveau mais un statut (sans niveau). Les abréviations sont celles que
#: Pronote écrit dans ses relevés et ses grilles (« Abs » absent, « Dsp » dispensé, « Nr » non rendu,
#: « NE » non évalué ; la casse ne compte pas). Vigie n'a pas de statut « non rendu » pour une
#: compétence : un item non rendu n'est pas évalué. Une cellule « pas de valeur » (vide ou tiret,
#: :data:`connectors.pronote_csv.SANS_VALEUR`) est « non évalué » dans la forme une-ligne-par-évaluation.
STATUTS: dict[str, StatutCompetence] = {
    "Abs": StatutCompetence.ABSENT, "Absent": StatutCompetence.ABSENT, "Absente": StatutCompetence.ABSENT,
    "Disp": StatutCompetence.DISPENSE, "Dsp": StatutCompetence.DISPENSE, "Dispensé": StatutCompetence.DISPENSE,
    "Dispensée": StatutCompetence.DISPENSE,
    "NR": StatutCompetence.NON_EVALUE, "Non rendu": StatutCompetence.NON_EVALUE,
    "NE": StatutCompetence.NON_EVALUE, "N.E": StatutCompetence.NON_EVALUE,
    "Non évalué": StatutCompetence.NON_EVALUE, "Non renseigné": StatutCompetence.NON_EVALUE,
    **{v: StatutCompetence.NON_EVALUE for v in SANS_VALEUR},
}

#: Numéros des domaines du socle tels que Pronote les affiche (« D1.1 ») → code de composante.
DOMAINES_SOCLE: dict[str, str] = {
    "D1.1": "CPD_FRA", "D1.2": "CPD_ETR", "D1.3": "CPD_SCI", "D1.4": "CPD_ART",
    "D2": "MET_APP", "D3": "FRM_CIT", "D4": "SYS_NAT", "D5": "REP_MND",
}


def cle_niveau(texte: str) -> str:
    """« Très bonne  maîtrise » → « tres bonne maitrise », « Abs. » → « abs », « A+ » → « a+ »."""
    t = unicodedata.normalize("NFKD", texte)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return " ".join(t.split()).rstrip(". ")


class Bareme:
    """La traduction des libellés de niveau d'un établissement (le réglage ``niveaux``)."""

    def __init__(self, niveaux: Mapping[str, int | str | StatutCompetence] | None, fichier: Path) -> None:
        table = dict(NIVEAUX)
        statuts = dict(STATUTS)
        for libelle, niveau in (niveaux or {}).items():
            statut = niveau if isinstance(niveau, StatutCompetence) else (
                NOMS_STATUTS_COMPETENCE.get(cle_entete(niveau)) if isinstance(niveau, str) else None)
            if statut is not None:
                statuts[libelle] = statut
                table = {k: v for k, v in table.items() if cle_niveau(k) != cle_niveau(libelle)}
                continue
            if isinstance(niveau, str) and niveau.strip() in {"1", "2", "3", "4"}:
                niveau = int(niveau)
            if not isinstance(niveau, int) or isinstance(niveau, bool) or not 1 <= niveau <= 4:
                raise ImportRejected(
                    f"réglage niveaux : « {libelle} » doit valoir 1, 2, 3 ou 4, ou un statut (absent, "
                    f"dispensé, non évalué), pas « {niveau} »", fichier=fichier
                )
            table[libelle] = niveau
            statuts = {k: v for k, v in statuts.items() if cle_niveau(k) != cle_niveau(libelle)}
        self.libelles = [k for k in dict.fromkeys([*table, *statuts]) if k.strip() not in SANS_VALEUR]
        self.niveaux = {cle_niveau(k): v for k, v in table.items()}
        self.statuts = {cle_niveau(k): v for k, v in statuts.items() if cle_niveau(k) not in self.niveaux}

    def lire(self, texte: str) -> tuple[int | None, StatutCompetence] | None:
        """Libellé → (niveau, statut) ; None s'il est inconnu."""
        cle = cle_niveau(texte)
        if cle in self.niveaux:
            return self.niveaux[cle], StatutCompetence.EVALUE
        if cle in self.statuts:
            return None, self.statuts[cle]
        return None

    def connus(self) -> str:
        return ", ".join(self.libelles) + ", vide"


_CODES = {cle_entete(c): c for c in COMPOSANTES_SOCLE} | {
    cle_entete(l): c for c, l in COMPOSANTES_SOCLE.items()
}
_NUMERO = re.compile(r"^\s*(D\s*\d(?:\s*\.\s*\d)?)\b", re.IGNORECASE)


def composante(texte: str) -> str | None:
    """« CPD_FRA », son libellé, ou « D1.1 … » → « CPD_FRA » ; None si ce n'est pas une composante."""
    if not texte:
        return None
    if (code := _CODES.get(cle_entete(texte))) is not None:
        return code
    m = _NUMERO.match(texte)
    if m:
        return DOMAINES_SOCLE.get(re.sub(r"\s", "", m.group(1)).upper())
    return None


# --- Lecture ------------------------------------------------------------------------------------------


def lire(
    chemin: Path,
    *,
    niveaux: Mapping[str, int] | None = None,
    referentiel: str | None = None,
    matiere: str | None = None,
    periode: str | None = None,
    date: dt.date | str | None = None,
    classe: str | None = None,
    **_: object,
) -> Lot:
    bareme = Bareme(niveaux, chemin)
    tableau = lire_tableau(chemin, est_entete=_est_entete)
    titres = [titre_plat(t) for t in tableau.titres]
    jour = _jour_option(date, chemin) if date is not None else None
    options = {"referentiel": referentiel, "matiere": matiere, "periode": periode, "date": jour, "classe": classe}
    if "Niveau" in _trouvees(tableau, titres) or len(tableau.entetes) == 1:
        return _par_evaluation(tableau, titres, bareme, **options)
    return _grille(tableau, bareme, **options)


def _est_entete(ligne: Ligne) -> bool:
    """Les en-têtes ne sont jamais entre guillemets ; la ligne des dates d'une grille n'a que des dates."""
    if est_entete_probable(ligne):
        return True
    dates = [c for c in ligne.cellules if c]
    return not any(ligne.citees) and bool(dates) and all(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", c) for c in dates)


def _trouvees(tableau: Tableau, titres: Sequence[str]) -> set[str]:
    cles = {cle_entete(t) for t in titres}
    return {nom for nom, syn in COLONNES.items() if cles & {cle_entete(v) for v in (nom, *syn)}}


def _jour_option(valeur: dt.date | str, chemin: Path) -> dt.date:
    if isinstance(valeur, dt.date):
        return valeur
    try:
        return date_fr(str(valeur))
    except ValueError:
        raise ImportRejected(f"option date : « {valeur} » n'est pas une date JJ/MM/AAAA", fichier=chemin) from None


def _niveau(
    bareme: Bareme, texte: str, *, fichier: Path, ligne: int, colonne: str
) -> tuple[int | None, StatutCompetence]:
    lu = bareme.lire(texte)
    if lu is None:
        raise ImportRejected(
            f"niveau inconnu « {texte} » : ajoutez-le au réglage des niveaux (option niveaux) ; "
            f"niveaux connus : {bareme.connus()}",
            fichier=fichier,
            ligne=ligne,
            colonne=colonne,
        )
    return lu


def _par_evaluation(
    tableau: Tableau, titres: Sequence[str], bareme: Bareme, *, referentiel: str | None, matiere: str | None,
    periode: str | None, date: dt.date | None, classe: str | None,
) -> Lot:
    col = Colonnes(tableau, titres, COLONNES, ["Item", "Niveau"] + ([] if date else ["Date"]), classe=classe)
    fichier = tableau.fichier
    lot = Lot(source=SOURCE, fichier=fichier)
    inconnues: set[str] = set()
    for ligne in col.lignes_eleves():
        eleve = col.eleve(ligne)
        item = col.cellule(ligne, "Item")
        if not item:
            raise col.refus("intitulé de l'item vide", ligne, "Item")
        ecrite_date = col.cellule(ligne, "Date")
        jour = lire_date(ecrite_date, fichier=fichier, ligne=ligne.numero, colonne=col.titre("Date")) or date
        if jour is None:
            raise col.refus("date de l'évaluation vide (ou donnez l'option date)", ligne, "Date")
        texte = col.cellule(ligne, "Niveau")
        niveau, statut = _niveau(bareme, texte, fichier=fichier, ligne=ligne.numero, colonne=col.titre("Niveau"))
        la_matiere = col.cellule(ligne, "Matière") or matiere
        ecrite = col.cellule(ligne, "Composante du socle")
        code = composante(ecrite)
        if ecrite and code is None:
            inconnues.add(ecrite)
        ref = "socle" if code else (referentiel or la_matiere or "competences")
        lot.evaluations.append(
            Evaluation(
                eleve=eleve,
                referentiel=ref,
                domaine=code or col.cellule(ligne, "Domaine") or la_matiere or ref,
                item=item,
                niveau=niveau,
                libelle_source=texte,
                statut=statut,
                date=jour,
                periode=col.cellule(ligne, "Période") or periode,
                contexte=la_matiere,
                evaluateur=col.cellule(ligne, "Professeur") or None,
            )
        )
        lot.lignes_lues += 1
    for ecrite in sorted(inconnues):
        lot.anomalies.append(
            Anomalie(colonne=col.titre("Composante du socle"),
                     message=f"« {ecrite} » n'est pas une composante du socle : items rangés hors socle")
        )
    return lot


def _grille(
    tableau: Tableau, bareme: Bareme, *, referentiel: str | None, matiere: str | None, periode: str | None,
    date: dt.date | None, classe: str | None,
) -> Lot:
    fichier = tableau.fichier
    plats = [titre_plat(t) for t in tableau.titres]
    col = Colonnes(tableau, plats, COLONNES_ELEVE, [], classe=classe)
    non_items = {cle_entete(v) for n in NON_ITEMS for v in (n, *COLONNES_ELEVE.get(n, ()))}
    items: list[tuple[int, str, str, dt.date]] = []  # (index, domaine écrit, item, date)
    for i, titres in enumerate(tableau.titres):
        parties = [t for t in titres if t]
        if not parties or i in col.index.values() or cle_entete(titre_plat(titres)) in non_items:
            continue
        jour = date
        if len(parties) > 1 and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", parties[-1]):
            jour = lire_date(parties[-1], fichier=fichier, ligne=tableau.ligne_entete, colonne=tableau.nom_colonne(i))
            parties = parties[:-1]
        if jour is None:
            raise ImportRejected(
                "pas de date pour cet item : ajoutez la ligne d'en-tête des dates ou donnez l'option date",
                fichier=fichier, ligne=tableau.ligne_entete, colonne=tableau.nom_colonne(i),
            )
        items.append((i, " / ".join(parties[:-1]), parties[-1], jour))
    if not items:
        raise ImportRejected(
            "aucune colonne d'item trouvée (ni colonne « Niveau » pour une ligne par évaluation)",
            fichier=fichier, ligne=tableau.ligne_entete,
            details=[f"colonnes trouvées : {' | '.join(p for p in plats if p)}"],
        )
    lot = Lot(source=SOURCE, fichier=fichier)
    for ligne in col.lignes_eleves():
        eleve = col.eleve(ligne)
        for i, domaine, item, jour in items:
            texte = ligne.cellule(i)
            if texte.strip() in SANS_VALEUR:
                continue  # case vide (ou tiret) d'une grille : item non évalué pour cet élève, rien à garder
            niveau, statut = _niveau(bareme, texte, fichier=fichier, ligne=ligne.numero, colonne=tableau.nom_colonne(i))
            code = composante(domaine)
            ref = "socle" if code else (referentiel or matiere or "competences")
            lot.evaluations.append(
                Evaluation(
                    eleve=eleve, referentiel=ref, domaine=code or domaine or ref, item=item, niveau=niveau,
                    libelle_source=texte, statut=statut, date=jour, periode=periode, contexte=matiere,
                )
            )
        lot.lignes_lues += 1
    return lot
