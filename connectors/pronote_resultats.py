"""``pronote-resultats`` : « Résultats > Tableau des résultats » d'une classe pour une période.

Une ligne par élève ; disposition lue (titres comparés avec tolérance, voir :data:`COLONNES`) ::

    Élève;Rang;Abs. (demi-journées);Retards;Moyenne générale;FRANÇAIS;;;MATHEMATIQUES;;
    ;;;;;Moyenne;Positionnement;Absence;Moyenne;Positionnement
    "DUPONT Jean-Marie";3;4;1;"12,45";"13,50";"Atteint";"";"11,00";""
    "Moyenne de la classe";;;;"11,80";"12,00";;;"10,50";

- la matière est sur la **première** ligne d'en-tête et couvre ses colonnes (les cellules vides
  continuent le titre) ; la **dernière** ligne dit ce que contient la colonne (:data:`SOUS_COLONNES` :
  Moyenne, Positionnement, Absence, Appréciation — gardée pour le conseil de classe). Une ligne du milieu, s'il y en a trois, porte le professeur ; elle
  est ignorée, sauf quand une matière y a plusieurs colonnes de même sorte aux textes différents : ce
  sont ses sous-services. Avec une seule ligne d'en-tête, chaque colonne inconnue est la moyenne d'une
  matière ;
- avec deux lignes d'en-tête, une sous-colonne d'une matière qui n'est pas une de :data:`SOUS_COLONNES`
  (« ANGLAIS LV1 » / « Oral ») est la moyenne d'un sous-service, gardée sous le nom « ANGLAIS LV1 >
  Oral » (la notation des sous-services de Pronote, comme dans l'export des notes) ; la moyenne de la
  matière que Pronote donne à côté (« ANGLAIS LV1 » / « Moyenne ») est gardée telle quelle, jamais
  recalculée à partir des sous-services ;
- les lignes de total de fin (moyenne de la classe, note la plus basse / la plus haute) donnent
  ``moyenne_classe``, ``min_classe``, ``max_classe`` de chaque matière ;
- une moyenne vide, masquée ou remplacée par un jeton (``Abs``, ``Disp``, ``N.Not``…) reste vide,
  jamais 0 ; une matière sans moyenne ni positionnement pour un élève (option non suivie) ne donne rien.
- les demi-journées d'absence, retards et absences par matière sont reconnus mais pas repris : ils
  viennent des exports d'absences, avec leurs dates.

Options : ``periode`` (obligatoire : le tableau ne la dit pas ; une période déclarée par l'établissement),
``classe`` (obligatoire sans colonne Classe), ``annee`` (« 2024-2025 » : le tableau ne la dit pas ; sans
elle, l'année de l'établissement qui déclare cette période, la dernière s'il y en a plusieurs, remarque à
l'appui).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from models.errors import ImportRejected
from models.records import Lot, MoyenneSource, RefEleve

from .common import cle_entete
from .pronote_csv import (
    Ligne,
    Tableau,
    est_ligne_total,
    lire_moyenne,
    lire_tableau,
    sans_valeur,
    titre_plat,
    trouver_colonnes,
)
from .options import ANNEE, CLASSE, NOUVELLES_MATIERES, PERIODE

SOURCE = "pronote-resultats"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS = {"classe": CLASSE, "periode": PERIODE, "annee": ANNEE,
           "nouvelles_matieres": NOUVELLES_MATIERES}

#: Colonnes fixes → titres possibles.
COLONNES: dict[str, tuple[str, ...]] = {
    "eleve": ("Élève", "Élèves", "Nom", "Nom - Prénom", "Nom et prénom", "Nom de l'élève"),
    "classe": ("Classe",),
    "rang": ("Rang", "Rg"),
    "demi_journees": ("Abs. (demi-journées)", "Demi-journées d'absence", "Absences", "Abs.", "DJ",
                      "Nb demi-journées", "Demi-journées"),
    "retards": ("Retards", "Ret.", "Nb retards"),
    "moyenne_generale": ("Moyenne générale", "Moy. gén.", "Moy. générale", "Moyenne gén.", "MG",
                         "Moyenne générale de l'élève"),
}

#: Dernière ligne d'en-tête d'une colonne de matière → ce qu'elle contient.
SOUS_COLONNES: dict[str, tuple[str, ...]] = {
    "moyenne": ("Moyenne", "Moy.", "Moy", "Moyenne élève", "Note"),
    "positionnement": ("Positionnement", "Pos.", "Posit.", "Position", "Niveau de maîtrise"),
    "absence": ("Absence", "Absences", "Abs.", "Abs"),
    # l'appréciation du professeur, gardée pour le conseil de classe (vue ``appreciations``)
    "appreciation": ("Appréciation", "Appréciations", "Appréciation du professeur", "Appr."),
}

#: Sous-titres qui ne sont jamais un sous-service (texte, pas moyenne) : refusés comme colonne inconnue.
_PAS_SOUS_SERVICE = frozenset(cle_entete(t) for t in (
    "Appréciation générale", "Commentaire", "Commentaires", "Remarque",
    "Remarques", "Observations", "Professeur", "Professeurs", "Enseignant", "Rang", "Coef.", "Coefficient"))

#: Première cellule d'une ligne de total → le champ de :class:`MoyenneSource` qu'elle remplit.
TOTAUX: tuple[tuple[str, str], ...] = (
    ("moyenne", "moyenne_classe"),
    ("moy", "moyenne_classe"),
    ("notelaplusbasse", "min_classe"),
    ("noteminimale", "min_classe"),
    ("min", "min_classe"),
    ("notelaplushaute", "max_classe"),
    ("notemaximale", "max_classe"),
    ("max", "max_classe"),
)


def lire(chemin: Path, **options: Any) -> Lot:
    """Lit un tableau des résultats ; options ``periode`` (obligatoire) et ``classe``."""
    inconnues = set(options) - set(OPTIONS)
    if inconnues:
        raise ImportRejected(f"option(s) inconnue(s) pour {SOURCE} : {', '.join(sorted(inconnues))}", fichier=chemin)
    periode = (options.get("periode") or "").strip()
    if not periode:
        raise ImportRejected(
            "le tableau des résultats ne dit pas sa période : précisez-la (option periode, ex. « Trimestre 1 »)",
            fichier=chemin,
        )
    classe_option = (options.get("classe") or "").strip() or None

    tableau = lire_tableau(chemin)
    titres = tableau.titres
    plats = [titre_plat(t) for t in titres]
    cols = trouver_colonnes(plats, COLONNES, requises=["eleve"], fichier=chemin, ligne=tableau.ligne_entete)
    if "classe" not in cols and not classe_option:
        raise ImportRejected("colonne « Classe » absente : précisez la classe (option classe)",
                             fichier=chemin, ligne=tableau.ligne_entete, colonne="Classe")
    matieres = _colonnes_matieres(tableau, set(cols.values()))

    # les totaux d'abord : ils complètent chaque moyenne de matière
    stats: dict[str | None, dict[str, float | None]] = {}
    for ligne in tableau.donnees:
        if est_ligne_total(ligne, cols["eleve"]):
            champ = _champ_total(ligne.cellule(cols["eleve"]))
            if champ is None:
                continue
            if "moyenne_generale" in cols:
                stats.setdefault(None, {})[champ] = _moyenne(tableau, ligne, cols["moyenne_generale"])
            for matiere, sous in matieres.items():
                if "moyenne" in sous:
                    stats.setdefault(matiere, {})[champ] = _moyenne(tableau, ligne, sous["moyenne"])

    moyennes: list[MoyenneSource] = []
    for ligne in tableau.donnees:
        if est_ligne_total(ligne, cols["eleve"]):
            continue
        classe = ligne.cellule(cols.get("classe")) or classe_option
        eleve = RefEleve(nom_complet=ligne.cellule(cols["eleve"]), classe=classe, ligne=ligne.numero)
        if "moyenne_generale" in cols or "rang" in cols:
            moyennes.append(MoyenneSource(
                eleve=eleve, periode=periode, matiere=None,
                moyenne=_moyenne(tableau, ligne, cols.get("moyenne_generale")),
                rang=_rang(tableau, ligne, cols.get("rang")),
                **stats.get(None, {}),
            ))
        for matiere, sous in matieres.items():
            brut = ligne.cellule(sous.get("moyenne")).strip()
            positionnement = ligne.cellule(sous.get("positionnement")).strip()
            appreciation = ligne.cellule(sous.get("appreciation")).strip()
            # Vide partout : matière non suivie. Un tiret (:data:`SANS_VALEUR`) dit « suivie, sans
            # moyenne » (masquée ou pas encore calculée) : la ligne est gardée, moyenne vide.
            if not brut and not positionnement and not appreciation:
                continue  # matière non suivie (option) : rien à dire
            moyennes.append(MoyenneSource(
                eleve=eleve, periode=periode, matiere=matiere,
                moyenne=_moyenne(tableau, ligne, sous.get("moyenne")),
                positionnement=None if sans_valeur(positionnement) else positionnement,
                appreciation=None if sans_valeur(appreciation) else appreciation,
                **stats.get(matiere, {}),
            ))
    if not any(not est_ligne_total(d, cols["eleve"]) for d in tableau.donnees):
        raise ImportRejected("aucun élève dans le tableau", fichier=chemin, ligne=tableau.ligne_entete + 1,
                             colonne=plats[cols["eleve"]])
    # Les en-têtes de matières sont des libellés ou des codes d'export (« MATHS », « HI-GE ») : l'entrepôt
    # les rapproche des matières de l'établissement (codes déclarés dans etablissement.toml) ou refuse.
    # Le tableau ne dit pas son année : option annee, sinon celle qui déclare la période (l'entrepôt).
    return Lot(source=SOURCE, fichier=chemin, lignes_lues=len(tableau.donnees), moyennes=moyennes,
               annee=options.get("annee"), matieres_a_rapprocher=True, matieres_nouvelles=bool(options.get("nouvelles_matieres")))


def _colonnes_matieres(tableau: Tableau, fixes: set[int]) -> dict[str, dict[str, int]]:
    """Matière → {moyenne|positionnement|absence → index de colonne}."""
    titres = tableau.titres
    cles_sous = {cle_entete(v): k for k, vs in SOUS_COLONNES.items() for v in (k, *vs)}
    matieres: dict[str, dict[str, int]] = {}
    # Trois lignes d'en-tête : la ligne du milieu porte le professeur, sauf quand une même matière a
    # plusieurs colonnes de même sorte qui n'y portent pas le même texte : ce sont alors ses sous-services
    # (« ANGLAIS LV1 » / « Écrit » / « Moyenne », « ANGLAIS LV1 » / « Oral » / « Moyenne »).
    milieux: dict[tuple[str, str | None], set[str]] = {}
    for i, t in enumerate(titres):
        if i not in fixes and len(t) == 3 and any(t):
            milieux.setdefault((t[0].strip(), cles_sous.get(cle_entete(t[-1]))), set()).add(t[1].strip())
    for i, t in enumerate(titres):
        if i in fixes or not any(t):
            continue
        matiere = t[0].strip()
        sorte = cles_sous.get(cle_entete(t[-1])) if len(t) > 1 else "moyenne"
        if len(t) == 3 and t[1].strip() and len(milieux.get((matiere, sorte), ())) > 1:
            matiere = f"{matiere} > {t[1].strip()}"
        sous_service = len(t) == 2 and bool(t[1].strip()) and cle_entete(t[1]) not in _PAS_SOUS_SERVICE
        if sorte is None and matiere and sous_service:
            # Sous-colonne d'une matière (« ANGLAIS LV1 » puis « Écrit », « Oral ») : la moyenne d'un
            # sous-service, nommé comme Pronote nomme ses sous-services partout ailleurs (« ANGLAIS LV1 >
            # Écrit ») et rattaché ainsi à sa matière ; la moyenne de la matière elle-même, quand
            # Pronote la donne (sous-colonne « Moyenne »), est gardée telle quelle, jamais recalculée.
            matiere, sorte = f"{matiere} > {t[1].strip()}", "moyenne"
        if not matiere or sorte is None:
            raise ImportRejected(
                f"colonne « {titre_plat(t)} » non reconnue : attendu une matière sur la première ligne "
                f"d'en-tête et Moyenne, Positionnement, Absence ou Appréciation sur la dernière",
                fichier=tableau.fichier, ligne=tableau.ligne_entete, colonne=i + 1,
            )
        if sorte in matieres.setdefault(matiere, {}):
            raise ImportRejected(f"deux colonnes « {titre_plat(t)} »", fichier=tableau.fichier,
                                 ligne=tableau.ligne_entete, colonne=i + 1)
        matieres[matiere][sorte] = i
    return matieres


def _champ_total(nom: str) -> str | None:
    cle = cle_entete(nom)
    return next((champ for debut, champ in TOTAUX if cle.startswith(debut)), None)


def _moyenne(tableau: Tableau, ligne: Ligne, col: int | None) -> float | None:
    """Une moyenne sur 20 ; « pas de valeur » ou jeton (Abs, Disp…) → None, jamais 0 (:func:`lire_moyenne`)."""
    if col is None:
        return None
    return lire_moyenne(ligne.cellule(col), fichier=tableau.fichier, ligne=ligne.numero,
                        colonne=tableau.nom_colonne(col))


def _rang(tableau: Tableau, ligne: Ligne, col: int | None) -> int | None:
    """« 3 », « 3ex » (ex æquo), « 3e » → 3 ; vide → None."""
    texte = ligne.cellule(col).strip()
    if not texte:
        return None
    m = re.fullmatch(r"(\d+)\s*(?:e|eme|ème|ex|ex\.|ex aequo|=)?", texte, re.IGNORECASE)
    if not m or col is None:
        raise ImportRejected(f"rang illisible « {texte} »", fichier=tableau.fichier, ligne=ligne.numero,
                             colonne=tableau.nom_colonne(col or 0))
    return int(m.group(1))
