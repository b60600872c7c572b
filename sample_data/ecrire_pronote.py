"""Écrire des fichiers comme Pronote les exporte, pour l'école de synthèse et les tests.

Les bizarreries sont voulues, ce sont celles que lisent les connecteurs ``pronote-*`` : BOM UTF-8 (ou
Windows-1252 avec ``encodage="cp1252"``), ``;``, ``\\r\\n``, en-têtes sans guillemets sur plusieurs
lignes, texte et notes entre guillemets **sans** doubler les guillemets intérieurs, virgule décimale,
jetons de note (``Abs``, ``N.Rdu*``…), HTML qui fuit dans la colonne Sexe, lignes de total à la fin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from models.records import Devoir, Eleve, MoyenneSource, Note, RefEleve, StatutNote

#: Le jeton écrit pour chaque statut (une des graphies que Pronote emploie).
JETONS: dict[StatutNote, str] = {
    StatutNote.ABSENT: "Abs",
    StatutNote.ABSENT_ZERO: "Abs*",
    StatutNote.DISPENSE: "Disp",
    StatutNote.NON_NOTE: "N.Not",
    StatutNote.INAPTE: "Inap",
    StatutNote.NON_RENDU: "N.Rdu",
    StatutNote.NON_RENDU_ZERO: "N.Rdu*",
    StatutNote.NON_CONCERNE: "X",
}

#: Icône que le client web laisse dans la colonne Sexe.
ICONES = {"F": '<i class="icon_venus"></i> Fille', "M": '<i class="icon_mars"></i> Garçon'}


def _q(texte: object) -> str:
    """Une cellule de texte à la Pronote : entre guillemets, guillemets intérieurs NON doublés."""
    return f'"{texte}"'


def _nombre(x: float | None, decimales: int = 2) -> str:
    """12.5 → « 12,50 » ; None → « »."""
    if x is None:
        return ""
    return f"{x:.{decimales}f}".replace(".", ",")


def _valeur(x: float) -> str:
    """Une note telle que Pronote l'affiche : « 15,5 », « 12 »."""
    return f"{x:g}".replace(".", ",")


def _date(d: object) -> str:
    return d.strftime("%d/%m/%Y") if d else ""  # type: ignore[attr-defined]


def _ecrire(chemin: Path, lignes: Iterable[Sequence[str]], encodage: str) -> None:
    texte = "".join(";".join(cellules) + "\r\n" for cellules in lignes)
    # errors="replace" : un caractère hors Windows-1252 ne doit pas empêcher d'écrire le fichier
    chemin.write_bytes(texte.encode(encodage, errors="replace"))


def _nom(ref: RefEleve) -> str:
    return ref.nom_complet or " ".join(p for p in (ref.nom, ref.prenom) if p)


# --- Liste des élèves ---------------------------------------------------------------------------------


def ecrire_eleves(chemin: Path, eleves: Sequence[Eleve], *, encodage: str = "utf-8-sig") -> None:
    """La liste des élèves (une ligne d'en-tête ; colonne INE seulement si un élève en a un)."""
    avec_ine = any(e.ine for e in eleves)
    entete = ["Nom", "Prénoms", "Né(e) le", "Sexe", "Classe", "Entrée", "Sortie",
              "Projet d'accompagnement", "Options", "Régime"] + (["INE"] if avec_ine else [])
    lignes = [entete]
    for e in eleves:
        ligne = [
            _q(e.nom), _q(e.prenom), _date(e.date_naissance), _q(ICONES[e.sexe]) if e.sexe else "",
            _q(e.classe), _date(e.entree), _date(e.sortie), _q(" - ".join(sorted(e.accompagnement))),
            _q(" - ".join(e.groupes)), _q("DEMI-PENSIONNAIRE"),
        ]
        lignes.append(ligne + ([_q(e.ine or "")] if avec_ine else []))
    _ecrire(chemin, lignes, encodage)


# --- Page Notes d'un service --------------------------------------------------------------------------


def ecrire_notes(chemin: Path, devoirs: Sequence[Devoir], notes: Sequence[Note], *,
                 encodage: str = "utf-8-sig") -> None:
    """La page Notes d'un service pour une classe et une période : une colonne par devoir.

    En-têtes sur deux lignes (« Devoir du 03/10/2025 - DS1 (bonus) », « Sur 20 - Coef. 2 »), plus une
    troisième ligne portant le service du devoir quand il diffère du nom du fichier (sous-service).
    Moyenne de l'élève : voir :func:`moyenne_service` ; la ligne « Moyenne de la classe » ferme le
    fichier comme dans Pronote.
    """
    cles = [d.devoir_id() for d in devoirs]
    par_eleve: dict[RefEleve, dict[str, Note]] = {}
    for n in notes:
        ref = n.eleve.model_copy(update={"ligne": None})
        par_eleve.setdefault(ref, {})[n.devoir.devoir_id()] = n
    services = [d.matiere if d.matiere != chemin.stem else "" for d in devoirs]
    entete1 = ["Élève", "Classe", "TD/Option", "Absences", "Moyenne", "Moyenne brute", "Bonus/Malus",
               "Moyenne de la période"]
    fixes = len(entete1)
    for d in devoirs:
        drapeaux = (" (bonus)" if d.bonus else "") + (" (facultatif)" if d.facultatif else "")
        entete1.append(f"Devoir du {_date(d.date)}" + (f" - {d.titre}" if d.titre else "") + drapeaux)
    lignes = [entete1, [""] * fixes + [f"Sur {_valeur(d.bareme)} - Coef. {_valeur(d.coefficient)}" for d in devoirs]]
    if any(services):
        lignes.append([""] * fixes + services)

    moyennes: list[float] = []
    for ref, ses_notes in par_eleve.items():
        classe = ref.classe or next(iter(ses_notes.values())).devoir.classe
        moyenne = moyenne_service([n for n in ses_notes.values()])
        if moyenne is not None:
            moyennes.append(moyenne)
        cellules = [_q(_nom(ref)), _q(classe), _q(""), "0", _q(_nombre(moyenne)), _q(_nombre(moyenne)),
                    _q(""), _q(_nombre(moyenne))]
        for cle in cles:
            n = ses_notes.get(cle)
            if n is None:
                cellules.append("")
            elif n.statut == StatutNote.NOTE:
                cellules.append(_q(_valeur(n.valeur or 0)))
            else:
                cellules.append(_q(JETONS[n.statut]))
        lignes.append(cellules)

    total = [_q("Moyenne de la classe"), "", "", ""] + [_q(_nombre(_moyenne(moyennes)))] * 2 + [""] \
        + [_q(_nombre(_moyenne(moyennes)))]
    for cle in cles:
        valeurs = [
            n.valeur for ses in par_eleve.values() if (n := ses.get(cle)) and n.statut == StatutNote.NOTE
            and n.valeur is not None
        ]
        total.append(_q(_nombre(_moyenne(valeurs))))
    lignes.append(total)
    _ecrire(chemin, lignes, encodage)


def _moyenne(valeurs: Sequence[float]) -> float | None:
    return round(sum(valeurs) / len(valeurs), 2) if valeurs else None


def moyenne_service(notes: Sequence[Note]) -> float | None:
    """La moyenne sur 20 qu'affiche la colonne « Moyenne » du fichier écrit.

    Approximation documentée du calcul de Pronote : moyenne des notes ramenées sur 20 pondérée par les
    coefficients (ou total des points sur total des barèmes quand ``ramener_sur_20`` est faux) ; Abs* et
    N.Rdu* comptent 0 ; les autres jetons sont écartés ; un devoir bonus ou facultatif ne compte que
    s'il relève la moyenne.
    """
    def calcul(retenues: Sequence[Note]) -> float | None:
        points = poids = 0.0
        for n in retenues:
            d = n.devoir
            valeur = n.valeur if n.statut == StatutNote.NOTE else 0.0
            assert valeur is not None
            if d.ramener_sur_20:
                points += valeur / d.bareme * 20 * d.coefficient
                poids += d.coefficient
            else:
                # les points comptent tels quels : un devoir sur 40 pèse deux fois un devoir sur 20
                points += valeur * d.coefficient
                poids += d.coefficient * d.bareme / 20
        return round(points / poids, 2) if poids else None

    comptees = [n for n in notes if n.statut in (StatutNote.NOTE, StatutNote.ABSENT_ZERO, StatutNote.NON_RENDU_ZERO)]
    base = [n for n in comptees if not (n.devoir.bonus or n.devoir.facultatif)]
    moyenne = calcul(base)
    for n in comptees:
        if n.devoir.bonus or n.devoir.facultatif:
            avec = calcul([*base, n])
            if moyenne is None or (avec is not None and avec > moyenne):
                base, moyenne = [*base, n], avec
    return moyenne


# --- Tableau des résultats ----------------------------------------------------------------------------


def ecrire_resultats(chemin: Path, classe: str, moyennes: Sequence[MoyenneSource], *,
                     encodage: str = "utf-8-sig", codes: Mapping[str, str] | None = None) -> None:
    """Le tableau des résultats d'une classe pour une période (sans colonne Classe, comme Pronote :
    la classe et la période se donnent à l'import).

    Deux lignes d'en-tête : la matière sur la première (cellules vides ensuite), Moyenne /
    Positionnement sur la seconde. Les moyennes de ``classe`` seules sont écrites ; les lignes de total
    « Moyenne de la classe », « Note la plus basse », « Note la plus haute » ferment le fichier.
    ``codes`` : libellé → code court écrit à la place du libellé (« MATHS »), comme les exports qui
    portent les codes de l'établissement.
    """
    de_la_classe = [m for m in moyennes if m.eleve.classe in (None, classe)]
    matieres: list[str] = []
    eleves: dict[str, dict[str | None, MoyenneSource]] = {}
    for m in de_la_classe:
        if m.matiere is not None and m.matiere not in matieres:
            matieres.append(m.matiere)
        eleves.setdefault(_nom(m.eleve), {})[m.matiere] = m
    entete1 = ["Élève", "Rang", "Abs. (demi-journées)", "Retards", "Moyenne générale"]
    entete2 = [""] * len(entete1)
    for matiere in matieres:
        entete1 += [(codes or {}).get(matiere, matiere), ""]
        entete2 += ["Moyenne", "Positionnement"]
    lignes = [entete1, entete2]
    for nom, par_matiere in eleves.items():
        generale = par_matiere.get(None)
        cellules = [_q(nom), str(generale.rang) if generale and generale.rang else "", "", "",
                    _q(_nombre(generale.moyenne if generale else None))]
        for matiere in matieres:
            m = par_matiere.get(matiere)
            # « - » : moyenne masquée ou inconnue (le lecteur la garde vide, jamais 0)
            moyenne = (_nombre(m.moyenne) or "-") if m else ""
            cellules += [_q(moyenne) if m else "", _q(m.positionnement or "") if m else ""]
        lignes.append(cellules)
    for libelle, champ, repli in (("Moyenne de la classe", "moyenne_classe", _moyenne),
                                  ("Note la plus basse", "min_classe", min),
                                  ("Note la plus haute", "max_classe", max)):
        ligne = [_q(libelle), "", "", ""]
        for matiere in [None, *matieres]:
            de_matiere = [p[matiere] for p in eleves.values() if matiere in p]
            donnee = next((getattr(m, champ) for m in de_matiere if getattr(m, champ) is not None), None)
            connues = [m.moyenne for m in de_matiere if m.moyenne is not None]
            if donnee is None and connues:
                donnee = repli(connues)
            ligne += [_q(_nombre(donnee))] + ([""] if matiere is not None else [])
        lignes.append(ligne)
    _ecrire(chemin, lignes, encodage)
