"""La sorte d'un fichier déposé, reconnue à son contenu (jamais à son nom seul), sans le lire en entier.

Le dépôt de fichiers du tableau de bord propose « Détection automatique » : chaque fichier est confié au
connecteur que ses en-têtes désignent. La détection ne devine jamais : si le contenu désigne **une seule**
sorte, elle la nomme avec ses indices (« colonne « Né(e) le » ») ; s'il en désigne plusieurs, ou aucune,
elle le dit et la personne choisit. Elle ne lit que le début du fichier (:data:`OCTETS_LUS`) et ne valide
rien : le connecteur choisi lit ensuite tout le fichier et le refuse s'il le faut.

Les marques de chaque sorte (données, relisibles ici) :

- **LSU** : un XML dont la racine est ``lsun-bilans`` (schéma d'import LSU
  ``urn:fr:edu:scolarite:lsun:bilans:import``, ``connectors/lsu.py``) ;
- **établissement** : un TOML avec une section ``[etablissement]``, ``[[periodes]]`` ou ``[[matieres]]``
  (``connectors/etablissement.py``) ; une correspondance de tableur (``disposition``, ``[colonnes]``)
  n'est pas un fichier à importer ;
- **tableur** : un classeur ``.xlsx`` ou ``.ods`` (le seul connecteur qui lit des classeurs) ; un CSV de
  tableur, dont les colonnes sont libres, n'est jamais reconnu seul ;
- **Pix** : les colonnes de campagne et de participant des exports Pix Orga (``pix.ENTETES``) ;
- **Pronote** : les titres de colonnes propres à chaque liste (naissance pour la liste des élèves,
  « Devoir du … » et « Coef. » pour un relevé de notes, « Moyenne générale » ou « Positionnement » pour
  les résultats, Item et Niveau ou composantes du socle pour les compétences, dates de début et de fin,
  demi-journées ou durée d'un retard pour les absences, nature d'une punition ou sanction pour les
  punitions), comparés sans casse, accents ni ponctuation (:func:`connectors.common.cle_entete`).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import pix, pronote_absences, pronote_competences, pronote_eleves, pronote_punitions, pronote_resultats
from .common import cle_entete

#: Le début du fichier lu pour reconnaître sa sorte (les en-têtes y tiennent toujours).
OCTETS_LUS = 64 * 1024

#: Racine d'un export LSU (schéma d'import ``import-bilan-complet.xsd``).
RACINE_LSU = "lsun-bilans"

#: Sections d'un fichier établissement (``connectors/etablissement.py``).
SECTIONS_ETABLISSEMENT = ("etablissement", "periodes", "matieres")

#: Clés d'une correspondance de tableur (``connectors/tableur.py``), qui n'est pas un fichier à importer.
CLES_CORRESPONDANCE = ("disposition", "colonnes")

#: Au plus autant de lignes d'en-tête dans un export Pronote (titres, sous-titres, barèmes ou dates).
LIGNES_ENTETE = 3


@dataclass(frozen=True)
class Detection:
    """Ce que le contenu dit de la sorte d'un fichier.

    ``sorte`` : la sorte d'import (clé de :data:`connectors.SOURCES`) quand une seule convient, sinon
    None. ``candidates`` : les sortes possibles (plusieurs : ambigu ; aucune : inconnu). ``raison`` : les
    indices lus, en français (« colonnes « ID Campagne », « Nom du Participant » »)."""

    sorte: str | None
    candidates: tuple[str, ...] = ()
    raison: str = ""
    indices: dict[str, str] = field(default_factory=dict)

    @property
    def ambigue(self) -> bool:
        return self.sorte is None and len(self.candidates) > 1


def _cles(titres: Iterable[str]) -> set[str]:
    return {cle_entete(t) for t in titres if t}


# --- Les marques des exports en colonnes (données) ----------------------------------------------------

#: Indice → titres qui le portent. Un indice est vu si l'un de ses titres est celui d'une colonne.
TITRES: dict[str, tuple[str, ...]] = {
    "campagne_pix": (*pix.ENTETES["id_campagne"], *pix.ENTETES["campagne"], *pix.ENTETES["organisation"]),
    "participant_pix": (*pix.ENTETES["nom"], *pix.ENTETES["prenom"]),
    "naissance": pronote_eleves.COLONNES["naissance"],
    "moyenne_generale": pronote_resultats.COLONNES["moyenne_generale"],
    # sous-titre des colonnes d'une matière dans les résultats (« Moyenne | Positionnement », « Moy. | Pos. »)
    "positionnement": ("Positionnement", "Pos."),
    "item": ("Item", *pronote_competences.COLONNES["Item"]),
    "niveau": ("Niveau", *pronote_competences.COLONNES["Niveau"]),
    "debut": ("Du", "Date de début", "Début", "Date début", "Du (date)", "Du / Date", "Heure de début"),
    "fin": ("Au", *pronote_absences.COLONNES_EVENEMENT["Au"]),
    "duree_retard": ("Durée", *pronote_absences.COLONNES_RETARD["Durée"]),
    "non_justifiees": ("NJ", *pronote_absences.COLONNES_SYNTHESE["NJ"]),
    "demi_journees": ("DJ", "Demi-journées", "Nb demi-journées", "Demi-journées brutes", "DJ brutes",
                      "Demi-journées d'absence", "Nombre de demi-journées"),
    # « Type » seul est trop commun pour désigner une punition
    "nature_punition": tuple(t for t in ("Nature", *pronote_punitions.COLONNES["Nature"]) if t != "Type"),
}

#: Un titre de devoir d'un relevé de notes (« Devoir du 03/10/2025 - DS1 ») ou une ligne de barème
#: (« Sur 20 - Coef. 2 »).
_DEVOIR = re.compile(r"devoir\s+du\s*\d{1,2}/\d{1,2}/\d{4}|\bcoef(?:f|ficient)?\b\.?\s*:?\s*\d", re.IGNORECASE)
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")
#: Une composante du socle en tête d'une grille de compétences (« CPD_FRA », « D1.3 Comprendre… »).
_SOCLE = re.compile(r"^(?:CPD_[A-Z]{3}\b|D[1-5](?:\.\d)?\s)")


def _indices(lignes: Sequence[Sequence[str]]) -> dict[str, str]:
    """Indice → le titre du fichier qui le porte (pour le dire à la personne)."""
    vus: dict[str, str] = {}
    cellules = [c.strip() for ligne in lignes for c in ligne if c and c.strip()]
    par_cle = {cle_entete(c): c for c in reversed(cellules)}
    for indice, titres in TITRES.items():
        for t in titres:
            if cle_entete(t) in par_cle:
                vus[indice] = par_cle[cle_entete(t)]
                break
    for c in cellules:
        if "devoir" not in vus and _DEVOIR.search(c):
            vus["devoir"] = c
        if "socle" not in vus and _SOCLE.match(c):
            vus["socle"] = c
    for ligne in lignes[1:]:
        remplies = [c.strip() for c in ligne if c and c.strip()]
        if remplies and all(_DATE.fullmatch(c) for c in remplies):
            vus.setdefault("ligne_dates", remplies[0])
    return vus


def _sortes_colonnes(v: dict[str, str]) -> dict[str, list[str]]:
    """Sorte → les indices qui la désignent, pour chaque sorte que les indices désignent."""
    a = v.__contains__
    sortes: dict[str, list[str]] = {}
    if a("campagne_pix") and a("participant_pix"):
        sortes["pix"] = ["campagne_pix", "participant_pix"]
    notes = a("devoir")
    resultats = (a("moyenne_generale") or a("positionnement")) and not notes
    if notes:
        sortes["pronote-notes"] = ["devoir"]
    if resultats:
        sortes["pronote-resultats"] = [i for i in ("moyenne_generale", "positionnement") if a(i)]
    competences = [i for i in ("socle", "ligne_dates") if a(i)]
    if a("item") and a("niveau"):
        competences = ["item", "niveau", *competences]
    if competences and not notes:
        sortes["pronote-competences"] = competences
    absences = [i for i in ("duree_retard", "non_justifiees") if a(i)]
    if a("debut") and a("fin"):
        absences += ["debut", "fin"]
    elif a("demi_journees") and not absences:
        absences = ["demi_journees"]
    if absences and not (notes or resultats or "pix" in sortes):
        sortes["pronote-absences"] = absences
    if a("nature_punition") and "pronote-absences" not in sortes:
        sortes["pronote-punitions"] = ["nature_punition"]
    if a("naissance") and not sortes:
        sortes["pronote-eleves"] = ["naissance"]
    return sortes


# --- Lecture du début du fichier ----------------------------------------------------------------------


def _texte(debut: bytes) -> str | None:
    """Le début du fichier en texte (UTF-8 avec ou sans BOM, UTF-16, Windows-1252), None s'il est binaire."""
    if debut.startswith(b"\xef\xbb\xbf"):
        debut = debut[3:]
    elif debut.startswith((b"\xff\xfe", b"\xfe\xff")):
        return debut[: len(debut) // 2 * 2].decode("utf-16", errors="replace")
    try:
        texte = debut.decode("utf-8")
    except UnicodeDecodeError as err:
        # coupé au milieu d'un caractère à la fin de l'extrait : le début suffit
        texte = debut[: err.start].decode("utf-8") if err.start > len(debut) - 4 else debut.decode("cp1252", "replace")
    if "\x00" in texte[:4096]:
        return None
    return texte


def _racine_xml(texte: str) -> str | None:
    """Le nom (sans préfixe) du premier élément d'un XML, sans analyser le reste."""
    texte = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", "", texte, flags=re.DOTALL)
    m = re.match(r"\s*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)", texte)
    return m.group(2) if m else None


def _sections_toml(texte: str) -> dict[str, None]:
    """Les sections ([x] ou [[x]]) d'un TOML mal écrit : son connecteur dira où il est mal écrit."""
    return dict.fromkeys(re.findall(r"^\s*\[{1,2}\s*([A-Za-z_]\w*)\s*\]{1,2}\s*(?:#.*)?$", texte, re.MULTILINE))


def _lignes_entete(texte: str) -> list[list[str]]:
    """Les premières lignes d'un CSV : la ligne de titres, puis les lignes de sous-titres de Pronote
    (leur première cellule, celle de l'élève, est vide), :data:`LIGNES_ENTETE` au plus."""
    premieres = texte.splitlines()[: LIGNES_ENTETE + 1]
    if not premieres:
        return []
    tete = premieres[0]
    separateur = max(";,\t", key=lambda s: tete.count(s))
    lecteur = csv.reader(io.StringIO("\n".join(premieres)), delimiter=separateur)
    try:
        lignes = list(lecteur)
    except csv.Error:
        return []
    entete = lignes[:1]
    for ligne in lignes[1:LIGNES_ENTETE]:
        if ligne and not ligne[0].strip():
            entete.append(ligne)
        else:
            break
    return entete


def _citer(titres: Iterable[str], n: int = 3) -> str:
    titres = list(titres)
    return ", ".join(f"« {t[:40]} »" for t in titres[:n]) + (" …" if len(titres) > n else "")


def detecter(nom: str, contenu: bytes) -> Detection:
    """La sorte du fichier ``nom`` d'après le début de ``contenu`` (au plus :data:`OCTETS_LUS` octets).

    Renvoie une :class:`Detection` : ``sorte`` si une seule sorte convient, sinon ``sorte=None`` et
    ``candidates`` (plusieurs : ambigu, la personne choisit ; aucune : inconnu). Ne lève jamais : un
    fichier illisible est « inconnu », et son connecteur dira pourquoi s'il est choisi."""
    debut = contenu[:OCTETS_LUS]
    if not debut.strip():
        return Detection(None, raison="le fichier est vide")
    if debut.startswith(b"PK\x03\x04"):
        if nom.lower().endswith((".xlsx", ".ods", ".xlsm")):
            return Detection("tableur", ("tableur",), "classeur (.xlsx ou .ods) : seul le tableur les lit")
        return Detection(None, raison="archive zip qui n'est ni un classeur .xlsx ni un classeur .ods")
    texte = _texte(debut)
    if texte is None:
        return Detection(None, raison="le fichier n'est pas un texte (fichier binaire ?)")
    texte = texte.lstrip("\ufeff")
    if texte.lstrip().startswith("<"):
        racine = _racine_xml(texte)
        if racine == RACINE_LSU:
            return Detection("lsu", ("lsu",), f"XML de racine « {RACINE_LSU} » (export LSU)")
        return Detection(None, raison=f"XML de racine « {racine or '?'} », pas « {RACINE_LSU} » (export LSU)")
    try:
        toml = tomllib.loads(texte) if len(contenu) <= OCTETS_LUS else None
    except tomllib.TOMLDecodeError:
        toml = _sections_toml(texte)
    if toml:
        if any(s in toml for s in SECTIONS_ETABLISSEMENT):
            trouvees = [s for s in SECTIONS_ETABLISSEMENT if s in toml]
            return Detection("etablissement", ("etablissement",),
                             "fichier TOML avec " + ", ".join(f"[{s}]" for s in trouvees))
        if any(c in toml for c in CLES_CORRESPONDANCE):
            return Detection(None, raison=(
                "c'est une correspondance de tableur (disposition, colonnes) : elle accompagne un tableur, "
                "elle ne s'importe pas seule"))
    lignes = _lignes_entete(texte)
    indices = _indices(lignes)
    sortes = _sortes_colonnes(indices)
    if len(sortes) == 1:
        [(sorte, par)] = sortes.items()
        return Detection(sorte, (sorte,), "colonnes " + _citer(indices[i] for i in par),
                         {i: indices[i] for i in par})
    if sortes:
        return Detection(None, tuple(sortes), "les colonnes " + _citer(
            dict.fromkeys(indices[i] for par in sortes.values() for i in par), 6
        ) + " conviennent à plusieurs sortes", indices)
    titres = [c.strip() for c in (lignes[0] if lignes else []) if c.strip()]
    return Detection(None, raison=("aucune sorte connue n'a ces colonnes : " + _citer(titres, 5)) if titres
                     else "aucune ligne de titres lisible")
