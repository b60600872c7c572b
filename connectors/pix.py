"""Pix Orga : résultats d'une campagne, « collecte de profils », « évaluation » ou « examen » (``vigie import pix``).

Les trois types de campagne de Pix (``PROFILES_COLLECTION``, ``ASSESSMENT``, ``EXAM``) et leurs colonnes
sont ceux des sérialiseurs de ``1024pix/pix`` (``api/src/prescription/campaign/infrastructure/serializers/
csv/campaign-profiles-collection-export.js`` et ``campaign-assessment-export.js``, qui sert aussi à
l'examen, sans « % de progression »). Un examen est reconnu à cette absence.

Le fichier est celui que Pix Orga écrit (sérialiseur CSV de Pix) : ``;``, lignes ``\\n``, UTF-8 avec BOM
(sans dans les exports anciens ou réenregistrés), textes entre guillemets avec ``""`` pour un guillemet
intérieur, nombres nus à virgule décimale, ``NA`` pour une valeur non partagée, ``Oui`` / ``Non``, dates
``JJ/MM/AAAA HH:mm`` (heure de Paris, gardée telle quelle sans fuseau) ou ``AAAA-MM-JJ`` (anciens exports,
écrites nues). Pix préfixe d'une apostrophe un texte qui commence par ``=``, ``+``, ``-`` ou ``@`` pour
qu'un tableur ne l'exécute pas comme une formule (« '=Bono ») : on retire cette apostrophe.

Un même élève peut figurer sur plusieurs lignes (envois répétés d'une campagne « à envoi multiple ») :
chaque envoi est gardé (historique, vue ``pix_envois``) ; le résultat actuel est celui du dernier envoi,
quelle que soit sa place dans le fichier (vues ``pix_profils`` et ``pix``).

Les en-têtes, leurs anciens libellés et les noms de compétences sont des données (en tête de module) :
un changement de libellé chez Pix se corrige ici en une ligne.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from models.errors import ImportRejected
from models.matching import cle_classe, cle_nom
from models.records import COMPETENCES_PIX, Anomalie, Lot, PixCompetence, PixParticipation, RefEleve

from .common import cle_entete, datetime_fr, lire_texte, nombre
from .options import Option

SOURCE = "pix"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS: dict[str, Option] = {}

#: Champ → libellés d'en-tête acceptés (le libellé actuel d'abord, puis les anciens). Comparés sans
#: casse, accents ni ponctuation (``cle_entete``).
ENTETES: dict[str, tuple[str, ...]] = {
    "organisation": ("Nom de l'organisation",),
    "id_campagne": ("ID Campagne",),
    "code": ("Code",),
    "campagne": ("Nom de la campagne",),
    "parcours": ("Parcours", "Nom du Profil Cible"),
    "nom": ("Nom du Participant",),
    "prenom": ("Prénom du Participant",),
    "classe": ("Classe",),  # établissements scolaires qui gèrent leurs élèves
    "groupe": ("Groupe",),  # enseignement supérieur
    "numero_etudiant": ("Numéro Étudiant",),
    # L'identifiant externe a un libellé libre ; quand l'établissement l'a nommé ainsi, c'est l'INE.
    "ine": ("INE", "Numéro INE", "Identifiant National Élève"),
    "envoi": ("Envoi (O/N)",),
    "date_envoi": ("Date et heure de l'envoi (Europe/Paris)", "Date de l'envoi"),
    "pix_total": ("Nombre de pix total",),
    "certifiable": ("Certifiable (O/N)",),
    "nb_certifiables": ("Nombre de compétences certifiables",),
    "progression": ("% de progression",),
    "date_debut": ("Date et heure de début (Europe/Paris)", "Date de début"),
    "partage": ("Partage (O/N)",),
    "date_partage": ("Date et heure du partage (Europe/Paris)", "Date du partage"),
    "maitrise_globale": ("% maitrise de l'ensemble des acquis du profil",),
}

#: Colonnes sans lesquelles le fichier n'est pas lisible, par sorte de campagne. Une campagne d'examen
#: (type EXAM) s'exporte comme une évaluation, sans « % de progression » (``campaign-assessment-export.js`` :
#: la colonne n'est écrite que si ``campaign.isAssessment``).
REQUISES: dict[str, tuple[str, ...]] = {
    "profils": ("organisation", "campagne", "nom", "prenom", "envoi", "date_envoi", "pix_total",
                "certifiable"),
    "evaluation": ("organisation", "campagne", "parcours", "nom", "prenom", "progression", "partage",
                   "date_partage"),
    "examen": ("organisation", "campagne", "parcours", "nom", "prenom", "partage", "date_partage"),
}

#: Colonnes par compétence : début du libellé (le nom de la compétence suit) → mesure.
PAR_COMPETENCE: dict[str, str] = {
    "Niveau pour la compétence ": "niveau",
    "Nombre de pix pour la compétence ": "pix",
    "% de maitrise des acquis de la compétence ": "maitrise",
    "Nombre d'acquis du profil cible dans la compétence ": "acquis_cibles",
    "Acquis maitrisés dans la compétence ": "acquis_maitrises",
}

#: Les mêmes mesures par domaine (« du domaine 1. Information et données ») : lues pour vérifier les
#: nombres, non gardées (l'entrepôt garde la compétence, le domaine s'en déduit).
MARQUE_DOMAINE = " du domaine "

#: Autres libellés de compétences → code du référentiel, en plus de ``COMPETENCES_PIX`` (les écarts
#: d'apostrophe, d'accent et de casse, comme « multimedia » sans accent, sont déjà tolérés).
AUTRES_NOMS: dict[str, str] = {}

#: « Palier obtenu (/N) » : le palier atteint, de 0 à N (``campaign-assessment-export.js`` écrit N =
#: nombre de paliers - 1, et pour chaque participant partagé le nombre de paliers acquis - 1).
PALIER = re.compile(r"Palier obtenu \(/\s*(\d+)\s*\)", re.IGNORECASE)
#: « {titre du badge} obtenu (O/N) » : un résultat thématique du profil cible.
BADGE = re.compile(r"(.+?)\s+obtenu\s*\(O/N\)", re.IGNORECASE)

#: Valeurs des colonnes par acquis (affichées si l'organisation l'a demandé à Pix).
STATUTS_ACQUIS = frozenset({"OK", "KO", "Non testé"})

NON_PARTAGE = "NA"
OUI, NON = "Oui", "Non"

#: Pix compte 8 pix par niveau ; le niveau maximal atteignable est un réglage (7 aujourd'hui, 8 prévu).
PIX_PAR_NIVEAU = 8
#: Le niveau le plus haut du référentiel Pix (cadre CRCN : 8 niveaux). Pix ne laisse atteindre qu'un
#: niveau plus bas, qu'il règle lui-même (``MAX_REACHABLE_LEVEL`` de 1024pix/pix, réglage
#: ``maxReachableLevel`` de son API : 5 par défaut, 7 aujourd'hui ; son interface connaît ``_MAX_LEVEL: 8``) ;
#: tout niveau jusqu'à 8 est donc un niveau que le format admet, au-delà le fichier est refusé.
NIVEAU_MAX_FORMAT = 8
#: Une personne est certifiable avec au moins 5 compétences au niveau 1 ou plus.
COMPETENCES_CERTIFIABLES = 5

#: Ce qu'on attendait, pour les messages de refus.
DATE = "une date JJ/MM/AAAA HH:MM (ou AAAA-MM-JJ)"
TAUX = "un taux entre 0 et 1 (« 0,67 »)"

Sorte = Literal["profils", "evaluation", "examen"]
T = TypeVar("T")


def _plat(texte: str) -> str:
    """Minuscules, sans accents, ’ → ' et espaces simples : pour comparer des débuts de libellés."""
    t = unicodedata.normalize("NFKD", texte)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[’‘ʼ`´]", "'", t)
    return re.sub(r"\s+", " ", t).strip()


_CLE_CHAMP: dict[str, str] = {cle_entete(lib): champ for champ, libs in ENTETES.items() for lib in libs}
_PREFIXES: tuple[tuple[str, str], ...] = tuple((_plat(p) + " ", m) for p, m in PAR_COMPETENCE.items())
_CODE_COMPETENCE: dict[str, str] = {
    cle_entete(nom): code
    for nom, code in [*((n, c) for c, n in COMPETENCES_PIX.items()), *AUTRES_NOMS.items()]
}


def code_competence(nom: str) -> str | None:
    """« Développer des documents multimedia » → « 3.2 » (apostrophes, accents et casse ignorés)."""
    return _CODE_COMPETENCE.get(cle_entete(nom))


def sans_echappement(texte: str) -> str:
    """« '=Bono » → « =Bono » : retire l'apostrophe que Pix met devant un texte pris pour une formule."""
    if len(texte) > 1 and texte[0] == "'" and texte[1] in "=+-@":
        return texte[1:]
    return texte


# --- Plan des colonnes --------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Ce que dit la ligne d'en-tête : la sorte de campagne et où se trouve chaque chose."""

    sorte: Sorte
    entete: list[str]
    champs: dict[str, int] = field(default_factory=dict)
    competences: dict[str, dict[str, int]] = field(default_factory=dict)  # code → mesure → colonne
    nombres: list[int] = field(default_factory=list)  # colonnes vérifiées mais non gardées
    oui_non: list[int] = field(default_factory=list)  # badges « {badge} obtenu (O/N) »
    acquis: list[int] = field(default_factory=list)  # colonnes par acquis (OK / KO / Non testé)
    palier: tuple[int, int] | None = None  # (colonne, nombre de paliers N de « Palier obtenu (/N) »)
    badges: list[tuple[int, str]] = field(default_factory=list)  # (colonne, titre du badge)
    #: La colonne de l'identifiant externe quand l'établissement lui a donné un autre libellé que ceux de
    #: ``ENTETES["ine"]`` : la colonne juste avant la première colonne d'activité (voir :func:`_plan`).
    identifiant_externe: int | None = None
    externe_ine: bool = False  # toutes ses valeurs ont la forme d'un INE : lue comme INE
    anomalies: list[Anomalie] = field(default_factory=list)

    def libelle(self, champ: str) -> str:
        return self.entete[self.champs[champ]]


def _plan(entete: list[str], chemin: Path) -> _Plan:
    champs: dict[str, int] = {}
    for i, h in enumerate(entete):
        champ = _CLE_CHAMP.get(cle_entete(h))
        if champ and champ not in champs:
            champs[champ] = i
    plan = _Plan(sorte=_sorte(champs, entete, chemin), entete=entete, champs=champs)
    manquantes = [ENTETES[c][0] for c in REQUISES[plan.sorte] if c not in champs]
    if manquantes:
        raise ImportRejected(
            f"colonnes manquantes pour un export Pix « {_NOM_SORTE[plan.sorte]} » : "
            + ", ".join(f"« {m} »" for m in manquantes),
            fichier=chemin,
            ligne=1,
            details=[f"colonnes trouvées : {', '.join(entete)}"],
        )
    connues = set(champs.values())
    for i, h in enumerate(entete):
        if i in connues:
            continue
        plat = _plat(h)
        mesure = next(((p, m) for p, m in _PREFIXES if plat.startswith(p)), None)
        if mesure is not None:
            code = code_competence(plat[len(mesure[0]):])
            if code is None:
                plan.anomalies.append(Anomalie(
                    ligne=1, colonne=h, message="compétence inconnue du référentiel Pix : colonne ignorée"
                ))
                plan.nombres.append(i)
            else:
                plan.competences.setdefault(code, {})[mesure[1]] = i
        elif MARQUE_DOMAINE in plat:
            plan.nombres.append(i)
        elif (m := PALIER.fullmatch(h.strip())) is not None:
            plan.palier = (i, int(m.group(1)))
        elif (b := BADGE.fullmatch(h.strip())) is not None:
            plan.oui_non.append(i)
            plan.badges.append((i, b.group(1).strip()))
        elif h.startswith("@"):
            plan.acquis.append(i)
        # Toute autre colonne (identifiant externe, informations ajoutées par l'organisation) est tolérée.
    if "ine" not in champs:
        plan.identifiant_externe = _colonne_identifiant_externe(plan)
    return plan


#: Première colonne d'activité par sorte : Pix écrit l'identifiant externe (``campaign.externalIdLabel``,
#: un libellé que l'établissement choisit librement) juste avant elle.
PREMIERE_ACTIVITE: dict[str, tuple[str, ...]] = {
    "profils": ("envoi",),
    "evaluation": ("progression",),
    "examen": ("date_debut", "partage"),
}

#: Forme d'un INE : 10 chiffres et une lettre (INE-RNIE) ou 9 chiffres et 2 lettres (INE-BEA).
FORME_INE = re.compile(r"\d{10}[A-Z]|\d{9}[A-Z]{2}")


def _colonne_identifiant_externe(plan: _Plan) -> int | None:
    """L'index de la colonne d'identifiant externe au libellé choisi par l'établissement, ou None.

    Sa place est fixe dans les sérialiseurs de Pix : après les colonnes du participant (et les colonnes
    ajoutées par l'organisation), juste avant la première colonne d'activité. Elle n'est lue comme INE
    que si chaque valeur a la forme d'un INE (:func:`_lire_ligne`)."""
    debut = next((plan.champs[c] for c in PREMIERE_ACTIVITE[plan.sorte] if c in plan.champs), None)
    if debut is None or debut == 0:
        return None
    i = debut - 1
    return None if i in plan.champs.values() or not plan.entete[i] else i


_NOM_SORTE: dict[Sorte, str] = {"profils": "collecte de profils", "evaluation": "évaluation", "examen": "examen"}


def _sorte(champs: dict[str, int], entete: list[str], chemin: Path) -> Sorte:
    profils = "envoi" in champs or "pix_total" in champs
    evaluation = "partage" in champs or "progression" in champs
    if profils != evaluation:
        if profils:
            return "profils"
        return "evaluation" if "progression" in champs else "examen"
    raise ImportRejected(
        "ce fichier n'est pas un export de campagne Pix Orga reconnu (ni « collecte de profils » avec "
        "« Envoi (O/N) », ni « évaluation » ou « examen » avec « Partage (O/N) »)",
        fichier=chemin,
        ligne=1,
        details=[
            f"colonnes trouvées : {', '.join(entete)}",
            "collecte de profils, colonnes attendues : "
            + ", ".join(ENTETES[c][0] for c in REQUISES["profils"]),
            "évaluation, colonnes attendues : " + ", ".join(ENTETES[c][0] for c in REQUISES["evaluation"]),
            "examen, colonnes attendues : " + ", ".join(ENTETES[c][0] for c in REQUISES["examen"]),
        ],
    )


# --- Lecture des lignes -------------------------------------------------------------------------------


def _lignes(texte: str, chemin: Path) -> Iterator[tuple[int, list[str]]]:
    """(numéro de la première ligne physique de l'enregistrement, cellules) ; 1 = l'en-tête."""
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=";", quotechar='"', doublequote=True,
                         strict=True)
    fin = 0
    try:
        for cellules in lecteur:
            debut, fin = fin + 1, lecteur.line_num
            yield debut, cellules
    except csv.Error as err:
        raise ImportRejected(
            "CSV mal formé : guillemet non fermé ou mal placé", fichier=chemin, ligne=fin + 1
        ) from err


@dataclass
class _Ligne:
    """Une ligne lue, avant le choix du dernier envoi."""

    numero: int
    cle: tuple[str, ...]
    tri: tuple[Any, ...]
    participation: PixParticipation
    anomalies: list[Anomalie]


class _Cellules:
    """Les cellules d'une ligne ; chaque conversion ratée devient un refus qui situe ligne et colonne."""

    def __init__(self, plan: _Plan, cellules: list[str], numero: int, chemin: Path) -> None:
        self.plan, self.cellules, self.numero, self.chemin = plan, cellules, numero, chemin

    def brut(self, i: int) -> str:
        return sans_echappement(self.cellules[i].strip())

    def texte(self, champ: str) -> str | None:
        i = self.plan.champs.get(champ)
        return (self.brut(i) or None) if i is not None else None

    def valeur(self, i: int, conv: Callable[[str], T], attendu: str) -> T | None:
        """``None`` pour ``NA`` (non partagé) ou une cellule vide ; sinon ``conv`` ou un refus."""
        t = self.brut(i)
        if t in ("", NON_PARTAGE):
            return None
        try:
            return conv(t)
        except ValueError as err:
            raise ImportRejected(
                f"« {t} » n'est pas {attendu}",
                fichier=self.chemin,
                ligne=self.numero,
                colonne=self.plan.entete[i],
            ) from err

    def champ(self, champ: str, conv: Callable[[str], T], attendu: str) -> T | None:
        i = self.plan.champs.get(champ)
        return self.valeur(i, conv, attendu) if i is not None else None


def _oui_non(t: str) -> bool:
    if t.casefold() in ("oui", "o"):
        return True
    if t.casefold() in ("non", "n"):
        return False
    raise ValueError("attendu Oui ou Non")


def _nombre(t: str) -> float:
    v = nombre(t)
    if v is None or v < 0:
        raise ValueError("attendu un nombre positif")
    return v


def _fraction(t: str) -> float:
    """Pix écrit un taux entre 0 et 1 (« 0,67 ») ; un tableur réenregistré peut l'écrire « 67 % »."""
    pourcent = t.endswith("%")
    v = _nombre(t.rstrip("%").strip()) / (100 if pourcent else 1)
    if v > 1:
        raise ValueError("attendu un taux entre 0 et 1")
    return v


def _statut_acquis(t: str) -> str:
    if t not in STATUTS_ACQUIS:
        raise ValueError("attendu OK, KO ou Non testé")
    return t


def _lire_ligne(plan: _Plan, c: _Cellules) -> _Ligne:
    nom, prenom = c.texte("nom"), c.texte("prenom")
    if not nom:
        raise ImportRejected("nom du participant vide", fichier=c.chemin, ligne=c.numero,
                             colonne=plan.libelle("nom"))
    classe = c.texte("classe") or c.texte("groupe")
    # L'identifiant externe est tapé par l'élève : son nom et sa classe l'emportent (models/matching.py).
    ine = c.texte("ine")
    if ine is None and plan.identifiant_externe is not None and plan.externe_ine:
        ine = c.brut(plan.identifiant_externe).upper() or None
    ref = RefEleve(nom=nom, prenom=prenom, classe=classe, ine=ine, ine_saisi=bool(ine), ligne=c.numero)
    campagne = c.texte("campagne") or c.texte("code")
    if not campagne:
        raise ImportRejected("nom de la campagne vide", fichier=c.chemin, ligne=c.numero,
                             colonne=plan.libelle("campagne"))
    # Colonnes vérifiées sans être gardées : une valeur inattendue trahit un fichier décalé.
    for i in plan.nombres:
        c.valeur(i, _nombre, "un nombre positif")
    for i in plan.oui_non:
        c.valeur(i, _oui_non, "Oui ou Non")
    for i in plan.acquis:
        c.valeur(i, _statut_acquis, "OK, KO ou Non testé")

    anomalies: list[Anomalie] = []
    commun = dict(eleve=ref, campagne=campagne, code_campagne=c.texte("code"), type_campagne=plan.sorte)
    if plan.sorte == "profils":
        partage = bool(c.champ("envoi", _oui_non, "Oui ou Non"))
        date = c.champ("date_envoi", datetime_fr, DATE)
        debut = None
        if not partage:
            p = PixParticipation(**commun, partage=False)
        else:
            p = _profil(plan, c, commun, date, anomalies)
    else:
        partage = bool(c.champ("partage", _oui_non, "Oui ou Non"))
        date = c.champ("date_partage", datetime_fr, DATE)
        debut = c.champ("date_debut", datetime_fr, DATE)
        progression = c.champ("progression", _fraction, TAUX)
        c.champ("maitrise_globale", _fraction, TAUX)
        maitrise: dict[str, float] = {}
        if partage:
            for code, cols in plan.competences.items():
                for mesure in ("acquis_cibles", "acquis_maitrises"):
                    if mesure in cols:
                        c.valeur(cols[mesure], _nombre, "un nombre d'acquis")
                taux = c.valeur(cols["maitrise"], _fraction, TAUX) if "maitrise" in cols else None
                if taux is not None:
                    maitrise[code] = taux
        palier = paliers = None
        if plan.palier is not None:
            i, paliers = plan.palier
            valeur = c.valeur(i, _nombre, "un numéro de palier")
            if valeur is not None and (valeur != int(valeur) or valeur > paliers):
                raise ImportRejected(f"palier « {c.brut(i)} » hors de 0–{paliers}", fichier=c.chemin,
                                     ligne=c.numero, colonne=plan.entete[i])
            palier = int(valeur) if valeur is not None and partage else None
        badges = tuple(titre for i, titre in plan.badges if partage and c.valeur(i, _oui_non, "Oui ou Non"))
        # La progression reste utile sans partage : elle dit où l'élève en est du parcours.
        p = PixParticipation(**commun, partage=partage, date_envoi=date if partage else None,
                             progression=progression, maitrise=maitrise, palier=palier,
                             paliers=paliers if plan.palier is not None else None, badges=badges)
    if not partage:
        date = None
    mini = dt.datetime.min
    tri = (date is not None, date or mini, debut or mini)
    cle = (cle_nom(nom), cle_nom(prenom), cle_classe(classe), campagne)
    return _Ligne(c.numero, cle, tri, p, anomalies)


def _profil(
    plan: _Plan, c: _Cellules, commun: dict[str, Any], date: dt.datetime | None, anomalies: list[Anomalie],
) -> PixParticipation:
    competences = []
    for code in sorted(plan.competences):
        cols = plan.competences[code]
        pix = c.valeur(cols["pix"], _nombre, "un nombre de pix positif") if "pix" in cols else None
        niveau_fichier = c.valeur(cols["niveau"], _nombre, "un niveau") if "niveau" in cols else None
        if pix is None and niveau_fichier is None:
            continue
        # Aucun plafond ici : un niveau au-delà de ce que le format permet refuse le fichier (jamais
        # ramené à 7 ou 8 en silence) ; le réglage pix.niveau_max ne décide que de l'affichage.
        if niveau_fichier is not None and niveau_fichier > NIVEAU_MAX_FORMAT:
            raise ImportRejected(
                f"niveau {niveau_fichier:g} au-delà du niveau maximal de Pix ({NIVEAU_MAX_FORMAT})",
                fichier=c.chemin, ligne=c.numero, colonne=plan.entete[cols["niveau"]],
            )
        if pix is not None:
            niveau = int(pix) // PIX_PAR_NIVEAU
            if niveau > NIVEAU_MAX_FORMAT:
                raise ImportRejected(
                    f"{pix:g} pix donnent le niveau {niveau}, au-delà du niveau maximal de Pix "
                    f"({NIVEAU_MAX_FORMAT}, {PIX_PAR_NIVEAU} pix par niveau)",
                    fichier=c.chemin, ligne=c.numero, colonne=plan.entete[cols["pix"]],
                )
            if niveau_fichier is not None and int(niveau_fichier) != niveau:
                anomalies.append(Anomalie(
                    ligne=c.numero, colonne=plan.entete[cols["niveau"]],
                    message=f"niveau {int(niveau_fichier)} dans le fichier pour {pix:g} pix : "
                            f"niveau {niveau} retenu ({PIX_PAR_NIVEAU} pix par niveau)",
                ))
        else:
            niveau = int(niveau_fichier or 0)
        competences.append(PixCompetence(competence=code, niveau=niveau, pix=pix if pix is not None else 0))
    certifiable = c.champ("certifiable", _oui_non, "Oui ou Non")
    if competences:
        atteintes = sum(1 for x in competences if x.niveau >= 1)
        calcule = atteintes >= COMPETENCES_CERTIFIABLES
        if certifiable is None:
            certifiable = calcule
        elif certifiable != calcule:
            anomalies.append(Anomalie(
                ligne=c.numero, colonne=plan.libelle("certifiable"),
                message=f"« {OUI if certifiable else NON} » dans le fichier, mais {atteintes} "
                        f"compétence(s) au niveau 1 ou plus (il en faut {COMPETENCES_CERTIFIABLES}) : "
                        "valeur du fichier gardée",
            ))
    pix_total = c.champ("pix_total", _nombre, "un nombre de pix positif")
    return PixParticipation(
        **commun, date_envoi=date, partage=True, pix_total=pix_total, certifiable=certifiable,
        competences=tuple(competences),
    )


def _juger_identifiant_externe(plan: _Plan, lignes: Iterator[tuple[int, list[str]]], chemin: Path) -> None:
    """Lit la colonne d'identifiant externe comme INE si toutes ses valeurs en ont la forme. Sinon c'est
    un numéro maison (« Identifiant ENT », « Numéro dans la classe ») : toléré comme toute colonne
    ajoutée par l'organisation, il ne sert pas à reconnaître les élèves (nom, prénom et classe le font)."""
    i = plan.identifiant_externe
    assert i is not None
    next(lignes, None)  # l'en-tête
    valeurs = [sans_echappement(c[i].strip()).upper() for _, c in lignes if len(c) > i and c[i].strip()]
    plan.externe_ine = bool(valeurs) and all(FORME_INE.fullmatch(v) for v in valeurs)


# --- Point d'entrée -----------------------------------------------------------------------------------


#: Longueur maximale d'une ligne du fichier (voir :func:`lire`).
MAX_LIGNE = 1_000_000


def lire(chemin: Path, **_: Any) -> Lot:
    """Lit un export de campagne Pix Orga (collecte de profils ou évaluation).

    Un niveau de compétence au-delà de :data:`NIVEAU_MAX_FORMAT` refuse le fichier (ligne, colonne) ;
    le réglage ``pix.niveau_max`` (models/reglages.toml) ne décide que de l'affichage."""
    chemin = Path(chemin)
    texte = lire_texte(chemin)
    for numero, brute in enumerate(texte.splitlines(), start=1):  # \r seul : Excel pour Mac
        # Une ligne Pix tient en quelques Ko : 10 Mo sans fin de ligne n'est pas un export, et le découper
        # en cellules prendrait de longues secondes.
        if len(brute) > MAX_LIGNE:
            raise ImportRejected(
                "ligne anormalement longue (plus d'un million de caractères) : ce n'est pas un "
                "export Pix Orga (fins de ligne perdues ?)",
                fichier=chemin, ligne=numero,
            )
    lignes = _lignes(texte, chemin)
    _, entete_brute = next(lignes, (1, []))
    entete = [sans_echappement(h.strip()) for h in entete_brute]
    plan = _plan(entete, chemin)
    if plan.identifiant_externe is not None:
        _juger_identifiant_externe(plan, _lignes(texte, chemin), chemin)

    retenues: dict[tuple[str, ...], _Ligne] = {}
    lues = 0
    for numero, cellules in lignes:
        if not any(x.strip() for x in cellules):
            continue
        if len(cellules) != len(entete):
            raise ImportRejected(
                f"{len(cellules)} colonnes au lieu de {len(entete)} (celles de l'en-tête)",
                fichier=chemin, ligne=numero,
            )
        lues += 1
        ligne = _lire_ligne(plan, _Cellules(plan, cellules, numero, chemin))
        # Envois répétés : chacun est gardé (historique, l'entrepôt montre le plus récent). Le même envoi
        # (même élève, même campagne, même date) écrit deux fois est une ligne répétée s'il est identique,
        # un refus s'il diffère : le fichier se contredit.
        cle = (*ligne.cle, ligne.participation.date_envoi)
        deja = retenues.get(cle)
        if deja is None:
            retenues[cle] = ligne
        elif deja.participation.model_copy(update={"eleve": ligne.participation.eleve}) == ligne.participation:
            plan.anomalies.append(Anomalie(
                ligne=numero, message=f"ligne répétée (identique à la ligne {deja.numero}) : gardée une fois"))
        else:
            quand = f"envoyé le {ligne.participation.date_envoi:%d/%m/%Y %H:%M}" if ligne.participation.date_envoi \
                else "non envoyé"
            raise ImportRejected(
                f"les lignes {deja.numero} et {numero} donnent deux résultats différents pour le même "
                f"élève ({ligne.participation.eleve.libelle()}), la même campagne, {quand}",
                fichier=chemin, ligne=numero,
            )
    gardees = sorted(retenues.values(), key=lambda x: x.numero)
    return Lot(
        source=SOURCE,
        fichier=chemin,
        lignes_lues=lues,
        pix=[x.participation for x in gardees],
        anomalies=plan.anomalies + [a for x in gardees for a in x.anomalies],
    )
