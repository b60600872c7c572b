"""L'école synthétique : une cité scolaire plausible, déterministe, avec des profils d'élèves plantés.

``generer(graine)`` construit en mémoire un collège (6e–3e) et un lycée professionnel (2nde, 1re, Tle
bac pro, CAP) d'environ 600 élèves dans une vingtaine de classes, sur une année scolaire (2025-2026,
trois trimestres) ou plusieurs (``annees``) : notes et devoirs, moyennes telles que Pronote les calcule
pour quelques classes, absences, retards, punitions et sanctions, évaluations de compétences (Pronote
A+…E au collège, socle du LSU en 3e, grille ULIS), campagnes Pix de collecte de profils.
``ecrire_ecole(ecole, dossier)`` écrit tout cela **dans les formats réels des exports** (modules
``sample_data/ecrire_*.py``) et rend le plan d'import, dans l'ordre, que ``vigie demo`` passe aux
connecteurs. Seul ``random.Random(graine)`` tire le hasard : même graine, mêmes fichiers.

Profils plantés (vérité terrain, ``Ecole.verite`` et ``verite_terrain.json``) — sur l'année en cours ;
les années précédentes, tous les élèves se comportent en réguliers, sauf les décrocheurs, redoublants et
partants tirés selon leur propension à l'absentéisme. Par-dessus, toutes les années, l'absentéisme des
établissements réels (``sample_data/absenteisme.py``, calé sur la DEPP) : un élève des profils sans
absences plantées (réguliers compris) peut être absentéiste certains mois (4 à 14 demi-journées non
justifiées) ; il porte alors aussi la marque ``absenteiste`` dans la vérité terrain. Ce qui suit décrit
les élèves sans cette marque :

``regulier``
    La grande majorité. Aucune règle de niveau « alerte » ne doit se déclencher : moyenne ≥ 10 dans
    chaque matière à chaque trimestre, moyenne générale stable (baisse < 1,5 point), écart
    général/professionnel < 3 points, au plus 2 demi-journées non justifiées par mois et au plus 8
    demi-journées d'absence dans l'année, au plus 3 retards, aucune punition ni sanction, aucun
    justificatif en attente, compétences A+/A/B/C (jamais de maîtrise insuffisante, jamais en baisse),
    profil Pix partagé et certifiable (≥ 5 compétences au niveau ≥ 1).
``fort_pro_faible_general`` (lycée pro)
    Matières professionnelles vers 15, générales vers 8,5 : écart ≥ 4,5 points à chaque trimestre
    (règle « écart entre familles », sens « désengagé du général » ; plusieurs matières < 10 aussi).
``fort_general_faible_pro`` (lycée pro)
    L'inverse : général vers 14, professionnel vers 8,5 (« mal orienté »).
``decrocheur``
    Moyenne générale qui baisse d'au moins 2,2 points à chaque trimestre (≈ 13,5 → 11 → 8,5),
    absences en hausse (1–2, puis 4–6, puis 8–12 demi-journées, surtout justifiées, non justifiées
    ≤ 3 par mois), une retenue au 2e trimestre et un avertissement au 3e.
``absenteisme_perle``
    Chaque mois, 2 à 4 absences courtes (1–2 h, une demi-journée brute chacune) et 2 à 4 retards,
    répartis sur les semaines ; non justifiées plafonnées à 3 demi-journées par mois ; une retenue.
``absenteisme_4``
    Un mois civil avec 4 à 7 demi-journées non justifiées (seuil L131-8 / R131-7), jamais 10.
``absenteisme_10``
    Un mois civil avec 10 à 14 demi-journées non justifiées (une semaine entière et des journées) :
    déclenche aussi, forcément, la règle des 4 demi-journées et l'absentéisme chronique.
``justificatifs_en_attente``
    4 à 6 demi-journées « en attente » de justificatif dans un même mois (mai ou juin) : elles ne
    doivent **pas** compter comme non justifiées.
``competences_insuffisantes`` (collège)
    4 à 6 items sur 8 en maîtrise insuffisante (D/E) à chaque trimestre, sans progrès ; en 3e, 3 à 5
    composantes du socle au niveau 1 dans le bilan de cycle du LSU.
``competences_sans_progres`` (élèves d'ULIS)
    Grille ULIS : aucun item ne progresse entre les trois évaluations (niveau 2, deux items au niveau 1,
    donc pas « insuffisant » au seuil de 3 items), alors que chaque item des autres élèves d'ULIS gagne au
    moins un niveau. Les élèves ``competences_insuffisantes`` ne progressent pas non plus : ils
    déclenchent aussi, normalement, la règle « sans progrès ».
Un élève régulier du collège progresse : un item encore « C » au 2e trimestre passe à « A » ou « B ».
``pix_inactif`` (3e et lycée)
    Pas d'envoi dans la campagne Pix : soit une ligne « non partagée », soit absent de l'export.

Les élèves d'ULIS (≈ 12, ``accompagnement = {"ULIS", "PPS"}``, rattachés à des classes ordinaires)
sont réguliers sauf ``competences_sans_progres`` ; le drapeau n'entre dans aucun profil.

Les moyennes Pronote (``Ecole.moyennes_pronote``) sont calculées pour les classes de 3e (LSU) et les
classes du tableau des résultats ; ces classes n'ont ni devoir bonus ou facultatif ni sous-service, pour
qu'aucune convention discutable n'entre dans les chiffres de référence. Les autres classes en ont
quelques-uns (4e : ``ANGLAIS LV1 > Expression écrite / orale``).

Échelle : ``eleves`` par établissement ; ``etablissements > 1`` fusionne plusieurs établissements dans
une même ``Ecole`` en préfixant leurs classes (« E02 3A ») ; ``generer_etablissements`` les rend un à un
pour qui veut les écrire sans tout garder en mémoire. Tout est en O(élèves).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from models import annee_scolaire
from models.matching import Annuaire, EleveConnu, cle_nom
from models.records import (
    COMPETENCES_PIX,
    COMPOSANTES_SOCLE,
    Absence,
    Classe,
    Devoir,
    Eleve,
    Etablissement,
    Evaluation,
    Famille,
    Matiere,
    MoyenneSource,
    Note,
    Periode,
    PixCompetence,
    PixParticipation,
    RefEleve,
    Retard,
    Sanction,
    StatutAbsence,
    StatutCompetence,
    StatutNote,
)

from . import calendrier, noms, variantes
from .absenteisme import Absenteisme
from .calcul_pronote import NoteBrute, moyenne, moyenne_generale, moyenne_service, rangs
from .pix_examen import examen as examen_pix

PROFILS: tuple[str, ...] = (
    "regulier",
    "fort_pro_faible_general",
    "fort_general_faible_pro",
    "decrocheur",
    "absenteisme_perle",
    "absenteisme_4",
    "absenteisme_10",
    "justificatifs_en_attente",
    "competences_insuffisantes",
    "competences_sans_progres",
    "pix_inactif",
)

#: Profils dont les notes ne suivent pas la règle « ≥ 10 partout ».
_PROFILS_NOTES = frozenset({"fort_pro_faible_general", "fort_general_faible_pro", "decrocheur"})

RENTREE = 2025
UAI_BASE = 750001

# --- Matières --------------------------------------------------------------------------------------

G, P = Famille.GENERAL, Famille.PROFESSIONNEL

#: Libellé Pronote → (famille, coefficient de la matière).
MATIERES: dict[str, tuple[Famille, float]] = {
    "FRANCAIS": (G, 3),
    "MATHEMATIQUES": (G, 3),
    "HISTOIRE-GEOGRAPHIE": (G, 2),
    "ANGLAIS LV1": (G, 2),
    "ANGLAIS LV1 > Expression écrite": (G, 1),
    "ANGLAIS LV1 > Expression orale": (G, 1),
    "ESPAGNOL LV2": (G, 1.5),
    "SVT": (G, 1.5),
    "PHYSIQUE-CHIMIE": (G, 1.5),
    "TECHNOLOGIE": (G, 1),
    "EPS": (G, 1),
    "ARTS PLASTIQUES": (G, 1),
    "EDUCATION MUSICALE": (G, 1),
    "ARTS APPLIQUES": (G, 1),
    "ENSEIGNEMENT PROFESSIONNEL": (P, 6),
    "ECONOMIE-GESTION": (P, 1),
    "ECONOMIE-DROIT": (P, 1),
    "PREVENTION SANTE ENVIRONNEMENT": (P, 1),
    "CO-INTERVENTION": (P, 1),
    "REALISATION DU CHEF-D'OEUVRE": (P, 2),
}

_COLLEGE = ["FRANCAIS", "MATHEMATIQUES", "HISTOIRE-GEOGRAPHIE", "ANGLAIS LV1", "SVT", "TECHNOLOGIE",
            "EPS", "ARTS PLASTIQUES", "EDUCATION MUSICALE"]
_ANGLAIS_4E = ["ANGLAIS LV1 > Expression écrite", "ANGLAIS LV1 > Expression orale"]
_PRO_GENERAL = ["FRANCAIS", "HISTOIRE-GEOGRAPHIE", "MATHEMATIQUES", "ANGLAIS LV1", "ARTS APPLIQUES", "EPS"]
_PRO_PROF = ["ENSEIGNEMENT PROFESSIONNEL", "PREVENTION SANTE ENVIRONNEMENT", "CO-INTERVENTION"]

#: Spécialités de bac pro (les tertiaires ont l'économie-droit et une LV2, les industrielles la physique).
_SPECIALITES = ("MELEC", "AGORA", "MA", "MCV", "MSPC", "CIEL", "ASSP", "MV")
_TERTIAIRES = {"AGORA", "MCV", "ASSP"}
_CAPS = ("EPC", "PROE", "MBC", "ECMS")


def matieres_de(classe: Classe, specialite: str | None) -> list[str]:
    """Les services d'une classe, sous-services compris (en 4e, l'anglais est scindé en deux)."""
    if classe.voie == "college":
        m = list(_COLLEGE)
        if classe.niveau != "6e":
            m += ["ESPAGNOL LV2", "PHYSIQUE-CHIMIE"]
        if classe.niveau == "4e":
            m.remove("ANGLAIS LV1")
            m += _ANGLAIS_4E
        return m
    m = list(_PRO_GENERAL) + list(_PRO_PROF)
    if specialite in _TERTIAIRES:
        m += ["ECONOMIE-DROIT", "ESPAGNOL LV2"]
    else:
        m += ["ECONOMIE-GESTION", "PHYSIQUE-CHIMIE"]
    if classe.niveau in ("1re", "Tle", "CAP2"):
        m.append("REALISATION DU CHEF-D'OEUVRE")
    return m


def service(libelle: str) -> str:
    return libelle.split(">")[0].strip()


# --- L'école en mémoire ----------------------------------------------------------------------------


@dataclass
class Ecole:
    """Tout ce que l'école synthétique contient, toutes années confondues (l'année en cours en dernier)."""

    etablissement: Etablissement
    annee: str  # l'année scolaire en cours
    periodes: list[Periode]
    classes: list[Classe]
    matieres: list[Matiere]
    eleves: list[Eleve]  # l'effectif de l'année en cours
    devoirs: list[Devoir] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    moyennes_pronote: list[MoyenneSource] = field(default_factory=list)
    moyennes_par_annee: dict[str, list[MoyenneSource]] = field(default_factory=dict)
    absences: list[Absence] = field(default_factory=list)
    retards: list[Retard] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    pix: list[PixParticipation] = field(default_factory=list)
    verite: dict[str, list[str]] = field(default_factory=dict)  # eleve_id → profils
    effectifs: dict[str, list[Eleve]] = field(default_factory=dict)  # année → effectif de cette année
    classes_resultats: list[str] = field(default_factory=list)  # classes du « tableau des résultats »
    organisation_pix: str = ""
    autres_etablissements: list[Etablissement] = field(default_factory=list)

    def eleve(self, eleve_id: str) -> Eleve:
        for e in self.eleves:
            if e.eleve_id() == eleve_id:
                return e
        raise KeyError(eleve_id)


@dataclass(frozen=True)
class _Division:
    classe: Classe
    filiere: str  # « college », « bacpro MELEC », « cap EPC » : suit un élève d'une année à l'autre
    rang: int  # rang du niveau dans la filière (6e = 0 … 3e = 3)
    specialite: str | None
    taille: int


_SUIVANT = {"6e": "5e", "5e": "4e", "4e": "3e", "2nde": "1re", "1re": "Tle", "CAP1": "CAP2"}
_NAISSANCE = {"6e": 11, "5e": 12, "4e": 13, "3e": 14, "2nde": 15, "1re": 16, "Tle": 17, "CAP1": 15, "CAP2": 16}


def _divisions(n: int, prefixe: str) -> list[_Division]:
    """Les classes d'un établissement de ``n`` élèves : 25 classes pour 600, proportionnellement sinon."""
    f = n / 600
    plan: list[tuple[Classe, str, int, str | None, int]] = []  # (classe, filière, rang, spécialité, poids)
    for rang, (niveau, base) in enumerate((("6e", 4), ("5e", 4), ("4e", 3), ("3e", 3))):
        for i in range(max(1, round(base * f))):
            lettre = _lettre(i)
            plan.append((Classe(nom=f"{prefixe}{niveau[0]}{lettre}", niveau=niveau), "college", rang, None, 26))
    for i in range(max(1, round(3 * f))):
        spec = _SPECIALITES[i % len(_SPECIALITES)] + (str(i // len(_SPECIALITES) + 1) if i >= len(_SPECIALITES) else "")
        for rang, (niveau, nom) in enumerate((("2nde", f"2 {spec}"), ("1re", f"1 {spec}"), ("Tle", f"T{spec}"))):
            plan.append((Classe(nom=prefixe + nom, niveau=niveau, voie="professionnel"), f"bacpro {spec}", rang, spec, 20))
    for i in range(max(1, round(f))):
        cap = _CAPS[i % len(_CAPS)] + (str(i // len(_CAPS) + 1) if i >= len(_CAPS) else "")
        for rang, niveau in enumerate(("CAP1", "CAP2")):
            nom = f"{rang + 1}CAP {cap}"
            plan.append((Classe(nom=prefixe + nom, niveau=niveau, voie="cap"), f"cap {cap}", rang, cap, 12))
    # Répartition des élèves au plus fort reste, pour tomber juste sur n.
    total = sum(p[4] for p in plan)
    parts = [n * p[4] / total for p in plan]
    tailles = [int(x) for x in parts]
    for i in sorted(range(len(plan)), key=lambda i: (-(parts[i] - tailles[i]), i))[: n - sum(tailles)]:
        tailles[i] += 1
    return [_Division(c, fil, r, s, t) for (c, fil, r, s, _), t in zip(plan, tailles)]


def _lettre(i: int) -> str:
    lettres = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return lettres[i] if i < 26 else lettres[i // 26 - 1] + lettres[i % 26]


@dataclass
class _Eleve:
    """Un élève en cours de génération : son identité, ses profils, son niveau scolaire."""

    nom: str
    prenom: str
    sexe: str
    naissance: dt.date
    accompagnement: frozenset[str]
    profil: str = "regulier"
    niveau: float = 13.5  # moyenne visée (sur 20) d'un élève régulier
    ecart_famille: float = 0.0  # professionnel − général, pour un élève régulier du lycée pro
    classes: dict[str, _Division] = field(default_factory=dict)  # année → division

    def record(self, annee: str) -> Eleve:
        d = self.classes[annee]
        entree_annee = min(int(a[:4]) for a in self.classes)
        return Eleve(
            nom=self.nom, prenom=self.prenom, classe=d.classe.nom, date_naissance=self.naissance,
            sexe=self.sexe, entree=dt.date(entree_annee, 9, 1),  # type: ignore[arg-type]
            accompagnement=self.accompagnement,  # type: ignore[arg-type]
            groupes=("ULIS",) if "ULIS" in self.accompagnement else (),
            ine=variantes.ine(self.nom, self.prenom, self.naissance),  # le registre (SIECLE) donne l'INE
        )


# --- Génération ------------------------------------------------------------------------------------


def generer(graine: int = 2026, *, eleves: int = 600, etablissements: int = 1, annees: int = 1) -> Ecole:
    """L'école synthétique (ou plusieurs établissements fusionnés, classes préfixées « E02 … »)."""
    ecoles = list(generer_etablissements(graine, eleves=eleves, etablissements=etablissements, annees=annees))
    if len(ecoles) == 1:
        return ecoles[0]
    tete = ecoles[0]
    for autre in ecoles[1:]:
        tete.autres_etablissements.append(autre.etablissement)
        for nom in ("classes", "eleves", "devoirs", "notes", "moyennes_pronote", "absences", "retards",
                    "sanctions", "evaluations", "pix", "classes_resultats"):
            getattr(tete, nom).extend(getattr(autre, nom))
        tete.verite.update(autre.verite)
        for a, effectif in autre.effectifs.items():
            tete.effectifs.setdefault(a, []).extend(effectif)
        for a, moyennes in autre.moyennes_par_annee.items():
            tete.moyennes_par_annee.setdefault(a, []).extend(moyennes)
    return tete


def generer_etablissements(
    graine: int = 2026, *, eleves: int = 600, etablissements: int = 1, annees: int = 1
) -> Iterator[Ecole]:
    """Les établissements un à un, chacun avec son propre tirage (``Random(f"{graine}-{k}")``)."""
    if eleves < 60 or etablissements < 1 or annees < 1:
        raise ValueError("il faut au moins 60 élèves, 1 établissement et 1 année")
    for k in range(etablissements):
        rng = random.Random(graine if etablissements == 1 else f"{graine}-{k}")
        prefixe = "" if etablissements == 1 else f"E{k + 1:02d} "
        yield _Generateur(rng, k, eleves, annees, prefixe).ecole()


class _Generateur:
    def __init__(self, rng: random.Random, k: int, n: int, annees: int, prefixe: str) -> None:
        self.rng = rng
        self.n = n
        self.rentrees = [RENTREE - annees + 1 + i for i in range(annees)]
        self.annee = calendrier.annee_scolaire(RENTREE)
        self.divisions = _divisions(n, prefixe)
        self.pris: set[str] = set()
        nom = ("Cité scolaire Jean-Jaurès", "Cité scolaire Louise-Michel", "Cité scolaire Victor-Hugo")[k % 3]
        uai = f"{UAI_BASE + k:07d}{'ABCDEFGHJKLMNPRSTUVWXYZ'[k % 23]}"
        self.etab = Etablissement(uai=uai, nom=nom if k < 3 else f"{nom} ({k + 1})")

    # -- élèves --------------------------------------------------------------------------------

    def _nouvel_eleve(self, niveau: str, rentree: int) -> _Eleve:
        rng = self.rng
        while True:
            sexe = rng.choice("FM")
            nom, prenom = noms.nom(rng), noms.prenoms(rng, sexe)
            premier = prenom.split(" ")[0]
            if cle_nom(nom) == cle_nom(premier):
                continue
            # Deux élèves ne partagent jamais nom et premier prénom (dans quelque ordre que ce soit) :
            # le rapprochement entre sources doit rester sans ambiguïté.
            cles = {" ".join(sorted((cle_nom(nom) + " " + cle_nom(p)).split())) for p in (premier, prenom)}
            if cles & self.pris:
                continue
            self.pris |= cles
            break
        age = _NAISSANCE[niveau] + (1 if rng.random() < 0.1 else 0)
        naissance = dt.date(rentree - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
        return _Eleve(nom, prenom, sexe, naissance, frozenset({"PAP"}) if rng.random() < 0.03 else frozenset(),
                      niveau=min(17.0, max(11.8, rng.gauss(13.6, 1.5))), ecart_famille=rng.uniform(-1.2, 1.2))

    def _effectifs(self) -> list[_Eleve]:
        """Les élèves de l'année en cours, puis, en remontant, leurs classes des années précédentes."""
        tous: list[_Eleve] = []
        actuels: list[_Eleve] = []
        courante = self.annee
        for d in self.divisions:
            for _ in range(d.taille):
                e = self._nouvel_eleve(d.classe.niveau, RENTREE)
                e.classes[courante] = d
                actuels.append(e)
        tous.extend(actuels)
        suivants = actuels
        for rentree in reversed(self.rentrees[:-1]):
            annee, apres = calendrier.annee_scolaire(rentree), calendrier.annee_scolaire(rentree + 1)
            precedents: list[_Eleve] = []
            par_niveau: dict[tuple[str, str], list[_Division]] = defaultdict(list)
            for d in self.divisions:
                par_niveau[(d.filiere, d.classe.niveau)].append(d)
            compteurs: dict[tuple[str, str], int] = defaultdict(int)
            for e in suivants:
                d = e.classes[apres]
                avant = next((n for n, s in _SUIVANT.items() if s == d.classe.niveau), None)
                if Absenteisme.pour(self).redouble(e):
                    avant = d.classe.niveau  # il refaisait ce niveau (sample_data/absenteisme.py)
                if avant is None:
                    continue  # arrivé cette année-là (6e, 2nde, 1re année de CAP)
                cle = (d.filiere, avant)
                cibles = par_niveau[cle]
                e.classes[annee] = cibles[compteurs[cle] % len(cibles)]
                compteurs[cle] += 1
                precedents.append(e)
            # Les élèves partis depuis (3e, Tle, 2e année de CAP cette année-là).
            for d in self.divisions:
                if d.classe.niveau in ("3e", "Tle", "CAP2"):
                    for _ in range(d.taille):
                        e = self._nouvel_eleve(d.classe.niveau, rentree)
                        e.classes[annee] = d
                        precedents.append(e)
                        tous.append(e)
            suivants = precedents
        self._planter(actuels)
        return tous

    def _planter(self, actuels: list[_Eleve]) -> None:
        rng = self.rng
        ordre = list(actuels)
        rng.shuffle(ordre)
        ulis = [e for e in ordre if e.classes[self.annee].classe.voie in ("college", "cap")
                and e.classes[self.annee].classe.niveau not in ("3e",)][: max(2, round(self.n / 50))]
        for e in ulis:
            e.accompagnement = frozenset({"ULIS", "PPS"})
        k = max(3, round(self.n / 100))

        def voie(e: _Eleve) -> str:
            return e.classes[self.annee].classe.voie

        def niveau(e: _Eleve) -> str:
            return e.classes[self.annee].classe.niveau

        libres = [e for e in ordre if "ULIS" not in e.accompagnement]
        criteres = {
            "fort_pro_faible_general": lambda e: voie(e) != "college",
            "fort_general_faible_pro": lambda e: voie(e) != "college",
            "competences_insuffisantes": lambda e: voie(e) == "college",
            "pix_inactif": lambda e: niveau(e) == "3e" or voie(e) != "college",
        }
        # Au moins deux élèves de 3e parmi les compétences insuffisantes : le LSU doit les montrer.
        troisiemes = [e for e in libres if niveau(e) == "3e"][:2]
        for e in troisiemes:
            e.profil = "competences_insuffisantes"
        for profil in PROFILS[1:]:
            if profil == "competences_sans_progres":
                for e in ulis[: max(2, len(ulis) // 4)]:
                    e.profil = profil
                continue
            deja = sum(1 for e in libres if e.profil == profil)
            ok = criteres.get(profil, lambda e: True)
            for e in [e for e in libres if e.profil == "regulier" and ok(e)][: k - deja]:
                e.profil = profil

    # -- l'école ---------------------------------------------------------------------------------

    def ecole(self) -> Ecole:
        tous = self._effectifs()
        periodes = [p for r in self.rentrees for p in calendrier.periodes(r)]
        ecole = Ecole(
            etablissement=self.etab,
            annee=self.annee,
            periodes=periodes,
            classes=[d.classe for d in self.divisions],
            matieres=[Matiere(libelle=m, famille=f, coefficient=c, codes=variantes.CODES_COURTS.get(m, ()))
                      for m, (f, c) in MATIERES.items()],
            eleves=[],
            organisation_pix=self.etab.nom,
        )
        troisiemes = [d.classe.nom for d in self.divisions if d.classe.niveau == "3e"]
        premieres = [d.classe.nom for d in self.divisions if d.classe.niveau == "1re"]
        ecole.classes_resultats = troisiemes[:1] + premieres[:1]
        self.sans_options = set(troisiemes) | set(ecole.classes_resultats)
        for rentree in self.rentrees:
            annee = calendrier.annee_scolaire(rentree)
            presents = [e for e in tous if annee in e.classes]
            effectif = [e.record(annee) for e in presents]
            ecole.effectifs[annee] = effectif
            refs = {id(e): RefEleve(nom=r.nom, prenom=r.prenom, classe=r.classe) for e, r in zip(presents, effectif)}
            courante = annee == self.annee
            Annee(self, ecole, rentree, presents, refs, courante).generer()
            ecole.effectifs[annee] = Absenteisme.pour(self).avec_sorties(presents, effectif, annee)
        ecole.eleves = list(ecole.effectifs[self.annee])
        ecole.moyennes_pronote = [m for a in ecole.moyennes_par_annee.values() for m in a]
        actuels = [e for e in tous if self.annee in e.classes]
        ecole.verite = {r.eleve_id(): [e.profil] + Absenteisme.pour(self).marques(e, self.annee)
                        for e, r in zip(actuels, ecole.eleves)}
        return ecole


_TITRES = {
    "EPS": ("Course de durée", "Badminton", "Acrosport", "Natation", "Handball", "Demi-fond"),
    "ENSEIGNEMENT PROFESSIONNEL": ("TP atelier", "Étude de cas", "Évaluation pratique", "Dossier technique"),
    # des titres libres qui contiennent « sur N » ou « 1/2 » : ni barème ni coefficient (issue 17)
    "FRANCAIS": ("Dictée sur 10 mots", "Rédaction", "Contrôle de lecture", "Récitation sur 2 poèmes"),
    "MATHEMATIQUES": ("DS 1/2", "Interrogation écrite", "Devoir maison", "DS 2/2", "Contrôle"),
}
_TITRES_DEFAUT = ("Contrôle", "Interrogation écrite", "Devoir maison", "Évaluation", "Exposé oral", "Contrôle de cours")
_BAREMES = (20,) * 14 + (10,) * 3 + (40, 5, 30)
_COEFS = (1,) * 10 + (2,) * 3 + (0.5,) * 3 + (1.5,) * 2 + (3, 0.25, 2.5)
_PROFS = ("M. ARNAUD", "Mme BLANC", "Mme CARON", "M. DIALLO", "Mme ESTEVE", "M. FABRE", "Mme GIRAUD",
          "M. HAMON", "Mme IBERT", "M. JOLY", "Mme KLEIN", "M. LACROIX")


#: Probabilités des autres statuts de note (Disp et Inap surtout en EPS).
_SPECIAUX = (
    (0.003, StatutNote.DISPENSE),
    (0.01, StatutNote.NON_RENDU),
    (0.004, StatutNote.ABSENT_ZERO),
    (0.003, StatutNote.NON_RENDU_ZERO),
    (0.004, StatutNote.NON_NOTE),
    (0.002, StatutNote.NON_CONCERNE),
)
_SPECIAUX_EPS = ((0.03, StatutNote.DISPENSE), (0.01, StatutNote.INAPTE)) + _SPECIAUX[1:]


class Annee:
    """Une année scolaire de l'établissement : notes, vie scolaire, compétences, Pix."""

    def __init__(self, g: _Generateur, ecole: Ecole, rentree: int, eleves: list[_Eleve],
                 refs: dict[int, RefEleve], courante: bool) -> None:
        self.g, self.ecole, self.rng = g, ecole, g.rng
        self.rentree, self.annee = rentree, calendrier.annee_scolaire(rentree)
        self.eleves, self.refs, self.courante = eleves, refs, courante
        self.periodes = calendrier.periodes(rentree)
        self.jours = calendrier.jours_de_classe(rentree)
        self._jours_de: dict[str, list[dt.date]] = {}

    def profil(self, e: _Eleve) -> str:
        """Les profils sont de cette année ; les années passées, chacun se comporte en élève régulier, sauf
        les décrocheurs tirés selon leur propension à l'absentéisme (``sample_data/absenteisme.py``)."""
        return e.profil if self.courante else self.absenteisme.profil_passe(e, self.annee)

    def division(self, e: _Eleve) -> _Division:
        return e.classes[self.annee]

    def jours_de(self, p: Periode) -> list[dt.date]:
        if p.nom not in self._jours_de:
            self._jours_de[p.nom] = [j for j in self.jours if p.debut <= j <= p.fin]
        return self._jours_de[p.nom]

    def generer(self) -> None:
        self.absenteisme = Absenteisme.pour(self.g)  # absentéistes de chaque mois, issues des années passées
        self.absenteisme.preparer(self)
        par_division: dict[str, list[_Eleve]] = defaultdict(list)
        for e in self.eleves:
            par_division[self.division(e).classe.nom].append(e)
        for d in self.g.divisions:
            self.notes(d, par_division[d.classe.nom])
        for e in self.eleves:
            self.vie_scolaire(e)
        self.competences(par_division)
        self.pix()
        self.ecole.pix += examen_pix(self.ecole.pix, self.annee)  # campagne EXAM (sample_data/pix_examen.py)
        self.absenteisme.retirer_apres_depart(self)

    # -- notes --------------------------------------------------------------------------------------

    def cible(self, e: _Eleve, matiere: str, p: int) -> float:
        """La moyenne visée d'un élève dans une matière à un trimestre (sur 20)."""
        famille = MATIERES[matiere][0]
        profil = self.profil(e)
        if profil == "fort_pro_faible_general":
            return 15.0 if famille == P else 8.5
        if profil == "fort_general_faible_pro":
            return 14.0 if famille == G else 8.5
        if profil == "decrocheur":
            return 13.6 - 2.6 * p
        base = e.niveau + (e.ecart_famille / 2 if famille == P else -e.ecart_famille / 2)
        return max(11.5, base)

    def notes(self, d: _Division, eleves: list[_Eleve]) -> None:
        rng, ecole = self.rng, self.ecole
        classe = d.classe.nom
        options = classe not in self.g.sans_options
        matieres = matieres_de(d.classe, d.specialite)
        if not eleves:
            return
        # Les classes de référence (3e, tableau des résultats) n'ont pas de sous-service.
        assert options or not any(">" in m for m in matieres), classe
        # brutes[(élève, matière, période)] = notes en cours de génération (modifiables par les ajustements)
        brutes: dict[tuple[int, str, str], list[list]] = {}
        for m in matieres:
            prof = rng.choice(_PROFS)
            for ip, per in enumerate(self.periodes):
                jours = self.jours_de(per)
                nb = rng.randint(4, 6) if ">" not in m else rng.randint(2, 3)
                dates = sorted(rng.sample(jours, nb))
                titres = _TITRES.get(m, _TITRES_DEFAUT)
                devoirs = []
                for i, jour in enumerate(dates):
                    bonus = options and rng.random() < 0.025
                    facultatif = options and not bonus and rng.random() < 0.025
                    devoirs.append(Devoir(
                        classe=classe, matiere=m, date=jour, periode=per.nom,
                        titre=f"{titres[i % len(titres)]} {i + 1}" + (" (bonus)" if bonus else ""),
                        bareme=rng.choice(_BAREMES), coefficient=rng.choice(_COEFS),
                        ramener_sur_20=rng.random() < 0.06, bonus=bonus, facultatif=facultatif,  # case rarement cochée
                        commentaire=prof if rng.random() < 0.1 else None,
                    ))
                ecole.devoirs.extend(devoirs)
                for e in eleves:
                    cible = self.cible(e, m, ip)
                    brutes[(id(e), m, per.nom)] = [self.note(e, dv, cible, m, ip) for dv in devoirs]
        self.ajuster(eleves, matieres, brutes)
        for e in eleves:
            ref = self.refs[id(e)]
            for m in matieres:
                for per in self.periodes:
                    for dv, statut, valeur in brutes[(id(e), m, per.nom)]:
                        # Sans revalidation : c'est le poste le plus lourd à grande échelle, et les valeurs
                        # sont dans le barème par construction (_sur_bareme) ; un test les revalide.
                        ecole.notes.append(Note.model_construct(eleve=ref, devoir=dv, valeur=valeur, statut=statut))
        if classe in self.g.sans_options:
            self.moyennes(classe, eleves, matieres, brutes)

    def note(self, e: _Eleve, d: Devoir, cible: float, matiere: str, ip: int) -> list:
        rng = self.rng
        r = rng.random()
        absent = 0.03 + (0.04 * ip if self.profil(e) == "decrocheur" else 0)
        if r < absent:
            return [d, StatutNote.ABSENT, None]
        r -= absent
        for proba, statut in _SPECIAUX_EPS if matiere == "EPS" else _SPECIAUX:
            if r < proba:
                return [d, statut, None]
            r -= proba
        sur20 = cible + rng.gauss(0, 2.3) + (1.5 if d.bonus else 0)
        return [d, StatutNote.NOTE, _sur_bareme(sur20, d.bareme)]

    def ajuster(self, eleves: list[_Eleve], matieres: list[str], brutes: dict) -> None:
        """Garantit les profils malgré le hasard des notes : planchers, baisses, écarts entre familles."""
        for e in eleves:
            profil = self.profil(e)
            cle = id(e)
            if profil not in _PROFILS_NOTES:
                for m in matieres:
                    for per in self.periodes:
                        _plancher(brutes[(cle, m, per.nom)], 10.6)
            for _ in range(6):
                mg, gen, pro = [], [], []
                for per in self.periodes:
                    par_service = _moyennes_services(cle, matieres, per.nom, brutes)
                    mg.append(moyenne_generale((v, MATIERES[s][1]) for s, v in par_service.items()))
                    gen.append(_famille(par_service, G))
                    pro.append(_famille(par_service, P))
                corrections = self.corrections(profil, mg, gen, pro)
                if not corrections:
                    break
                for ip, famille, delta in corrections:
                    per = self.periodes[ip].nom
                    for m in matieres:
                        if famille is None or MATIERES[m][0] == famille:
                            _decaler(brutes[(cle, m, per)], delta)

    def corrections(self, profil: str, mg: list, gen: list, pro: list) -> list[tuple[int, Famille | None, float]]:
        res: list[tuple[int, Famille | None, float]] = []
        for ip in range(1, len(mg)):
            if mg[ip] is None or mg[ip - 1] is None:
                continue
            if profil == "decrocheur" and mg[ip] > mg[ip - 1] - 2.3:
                res.append((ip, None, -(mg[ip] - mg[ip - 1] + 2.6)))
            elif profil != "decrocheur" and mg[ip] < mg[ip - 1] - 1.2:  # une seule baisse plantée
                res.append((ip, None, max(0.5, mg[ip - 1] - mg[ip] - 0.8)))
        for ip in range(len(mg)):
            if gen[ip] is None or pro[ip] is None:
                continue
            ecart = pro[ip] - gen[ip]
            if profil == "fort_pro_faible_general" and ecart < 4.8:
                res.append((ip, G, ecart - 5.2))
            elif profil == "fort_general_faible_pro" and ecart > -4.8:
                res.append((ip, P, -ecart - 5.2))
            elif profil not in _PROFILS_NOTES and abs(ecart) > 2.5:
                # on relève la famille la plus faible : les planchers restent tenus
                res.append((ip, G if ecart > 0 else P, abs(ecart) - 1.5))
        return res

    def moyennes(self, classe: str, eleves: list[_Eleve], matieres: list[str], brutes: dict) -> None:
        """Les moyennes telles que Pronote les affiche (2 décimales), avec les statistiques de classe."""
        for per in self.periodes:
            par_eleve = {id(e): _moyennes_services(id(e), matieres, per.nom, brutes) for e in eleves}
            services = list(dict.fromkeys(service(m) for m in matieres))
            generales = {
                k: moyenne_generale((v, MATIERES[s][1]) for s, v in ms.items()) for k, ms in par_eleve.items()
            }
            colonnes: list[tuple[str | None, dict]] = [(s, {k: ms.get(s) for k, ms in par_eleve.items()}) for s in services]
            colonnes.append((None, generales))
            for matiere, valeurs in colonnes:
                connues = [v for v in valeurs.values() if v is not None]
                rg = rangs({str(k): v for k, v in valeurs.items()}) if matiere is None else {}
                for e in eleves:
                    v = valeurs[id(e)]
                    self.ecole.moyennes_par_annee.setdefault(self.annee, []).append(MoyenneSource(
                        eleve=self.refs[id(e)], periode=per.nom, matiere=matiere,
                        moyenne=_arrondi(v),
                        moyenne_classe=_arrondi(sum(connues) / len(connues)) if connues else None,
                        min_classe=_arrondi(min(connues)) if connues else None,
                        max_classe=_arrondi(max(connues)) if connues else None,
                        rang=rg.get(str(id(e))),
                    ))

    # -- vie scolaire ----------------------------------------------------------------------------

    def vie_scolaire(self, e: _Eleve) -> None:
        Vie(self, e).generer()

    # -- compétences ------------------------------------------------------------------------------

    def competences(self, par_division: dict[str, list[_Eleve]]) -> None:
        rng, ecole = self.rng, self.ecole
        for d in self.g.divisions:
            eleves = par_division[d.classe.nom]
            if d.classe.voie == "college":
                for e in eleves:
                    self.competences_pronote(e, d)
                if d.classe.niveau == "3e":
                    for e in eleves:
                        self.socle(e)
        ulis = [e for e in self.eleves if "ULIS" in e.accompagnement]
        dates = (dt.date(self.rentree, 10, 14), dt.date(self.rentree + 1, 2, 10), dt.date(self.rentree + 1, 6, 9))
        for e in ulis:
            stagne = self.profil(e) == "competences_sans_progres"
            # Sans progrès mais pas « insuffisant » : des items fragiles, au plus deux non acquis.
            non_acquis = set(rng.sample(range(len(GRILLE_ULIS)), 2)) if stagne else set()
            for i_item, (domaine, item) in enumerate(GRILLE_ULIS):
                niveau = (1 if i_item in non_acquis else 2) if stagne else rng.choice((1, 2, 2))
                gains = (0, 0) if stagne else rng.choice(((1, 0), (0, 1), (1, 1)))
                for i, jour in enumerate(dates):
                    if i > 0:
                        niveau = min(4, niveau + gains[i - 1])
                    ecole.evaluations.append(Evaluation(
                        eleve=self.refs[id(e)], referentiel="ULIS", domaine=domaine, item=item, niveau=niveau,
                        libelle_source=LIBELLES_ULIS[niveau], date=jour, periode=self.periodes[i].nom,
                        contexte="ULIS", evaluateur="Mme PERRIN (coordonnatrice ULIS)",
                    ))

    def competences_pronote(self, e: _Eleve, d: _Division) -> None:
        rng = self.rng
        insuffisant = self.profil(e) == "competences_insuffisantes"
        faibles = set(rng.sample(range(len(ITEMS_PRONOTE)), rng.randint(4, 6))) if insuffisant else set()
        for i, (matiere, composante, item) in enumerate(ITEMS_PRONOTE):
            if insuffisant:
                niveau = 1 if i in faibles else 2
            else:
                niveau = rng.choice((2, 3, 3, 3, 4)) if rng.random() < 0.9 else 3
            for ip, per in enumerate(self.periodes):
                # Un élève régulier progresse ; un item encore fragile au dernier trimestre est acquis.
                if ip and not insuffisant and niveau < 4 and (rng.random() < 0.45 or (niveau <= 2 and ip == 2)):
                    niveau += 1
                jour = rng.choice(self.jours_de(per))
                if rng.random() < 0.02:
                    statut, lib, niv = StatutCompetence.ABSENT, "Abs", None
                else:
                    statut, niv = StatutCompetence.EVALUE, niveau
                    lib = {4: "A+", 3: rng.choice(("A", "A", "B")), 2: "C", 1: rng.choice(("D", "E"))}[niveau]
                self.ecole.evaluations.append(Evaluation(
                    eleve=self.refs[id(e)], referentiel="socle", domaine=composante, item=item, niveau=niv,
                    libelle_source=lib, statut=statut, date=jour, periode=per.nom, contexte=matiere,
                    evaluateur=_PROFS[hash_stable(matiere) % len(_PROFS)],
                ))

    def socle(self, e: _Eleve) -> None:
        """Le bilan de fin de cycle 4 du LSU : les 8 composantes, positionnées de 1 à 4."""
        rng = self.rng
        codes = list(COMPOSANTES_SOCLE)
        faibles = set(rng.sample(codes, rng.randint(3, 5))) if self.profil(e) == "competences_insuffisantes" else set()
        for code in codes:
            niveau = 1 if code in faibles else (rng.choice((3, 3, 4)) if not faibles else 2)
            self.ecole.evaluations.append(Evaluation(
                eleve=self.refs[id(e)], referentiel="socle", domaine=code, item=code, niveau=niveau,
                libelle_source=str(niveau), date=dt.date(self.rentree + 1, 6, 19), contexte="bilan de cycle 4",
            ))

    # -- Pix -------------------------------------------------------------------------------------

    def pix(self) -> None:
        rng, ecole = self.rng, self.ecole
        a = str(self.rentree + 1)[2:]
        campagnes = {
            "college": (f"Collecte des profils 3e {self.annee}", f"PROF3E{a}"),
            "lycee": (f"Collecte des profils lycée pro {self.annee}", f"PROFLP{a}"),
        }
        connus = [EleveConnu(f"{id(e)}", r.nom, r.prenom, r.classe or "") for e in self.eleves
                  for r in (self.refs[id(e)],)]
        annuaire = Annuaire(connus)
        debut_annee = len(ecole.pix)
        for e in self.eleves:
            d = self.division(e)
            if d.classe.voie == "college" and d.classe.niveau != "3e":
                continue
            nom_campagne, code = campagnes["college" if d.classe.voie == "college" else "lycee"]
            ref = self.refs[id(e)]
            inactif = self.profil(e) == "pix_inactif"
            if inactif and rng.random() < 0.5:
                continue  # jamais entré dans la campagne : absent de l'export
            faute = rng.random() < 0.03 and len(ref.nom or "") + len(ref.prenom or "") >= 10
            tnom, tprenom = noms.tape_par_eleve(rng, e.nom, e.prenom, faute=faute)
            tape = RefEleve(nom=tnom, prenom=tprenom, classe=d.classe.nom)
            if annuaire.rapprocher(tape).eleve_id != str(id(e)):
                # une faute qui rendrait l'élève introuvable ou ambigu : il l'aurait corrigée
                tnom, tprenom = noms.tape_par_eleve(rng, e.nom, e.prenom, faute=False)
                tape = RefEleve(nom=tnom, prenom=tprenom, classe=d.classe.nom)
            tape = variantes.avec_ine(tape, variantes.ine(e.nom, e.prenom, e.naissance), code)
            debut = dt.datetime(self.rentree + 1, 1, 12, 9, 0)
            envoi = debut + dt.timedelta(days=rng.randrange(60), minutes=rng.randrange(8 * 60))
            if inactif:
                ecole.pix.append(PixParticipation(eleve=tape, campagne=nom_campagne, code_campagne=code,
                                                  partage=False))
                continue
            if rng.random() < 0.06:  # un premier envoi, refait plus tard (le plus récent fait foi)
                ecole.pix.append(self.participation(tape, nom_campagne, code, envoi - dt.timedelta(days=20), 0.6))
            ecole.pix.append(self.participation(tape, nom_campagne, code, envoi, 1.0))
        variantes.ine_errone(ecole.pix, debut_annee)  # un INE tapé est celui d'un camarade

    def participation(self, ref: RefEleve, campagne: str, code: str, envoi: dt.datetime, facteur: float) -> PixParticipation:
        rng = self.rng
        codes = list(COMPETENCES_PIX)
        actives = set(rng.sample(codes, rng.randint(8, 16)))
        comps = []
        for c in codes:
            pix = rng.randint(8, 38) if c in actives else rng.randint(0, 7)
            pix = int(pix * facteur) if c not in actives else max(8, int(pix * facteur))
            comps.append(PixCompetence(competence=c, niveau=pix // 8, pix=pix))
        total = sum(c.pix for c in comps)
        return PixParticipation(
            eleve=ref, campagne=campagne, code_campagne=code, date_envoi=envoi, partage=True,
            pix_total=total, certifiable=sum(1 for c in comps if c.niveau >= 1) >= 5, competences=tuple(comps),
        )


#: Items évalués au collège dans Pronote : (matière, composante du socle, item).
ITEMS_PRONOTE: tuple[tuple[str, str, str], ...] = (
    ("FRANCAIS", "CPD_FRA", "Lire et comprendre des textes variés"),
    ("FRANCAIS", "CPD_FRA", "Écrire des textes variés"),
    ("ANGLAIS LV1", "CPD_ETR", "Comprendre un document oral"),
    ("MATHEMATIQUES", "CPD_SCI", "Chercher et raisonner"),
    ("EPS", "CPD_ART", "Développer sa motricité"),
    ("TECHNOLOGIE", "MET_APP", "S'organiser dans son travail"),
    ("SVT", "SYS_NAT", "Pratiquer des démarches scientifiques"),
    ("HISTOIRE-GEOGRAPHIE", "REP_MND", "Se repérer dans le temps et l'espace"),
    ("HISTOIRE-GEOGRAPHIE", "FRM_CIT", "Respecter les règles de la vie collective"),
)

#: La grille de suivi de l'ULIS : (domaine, item).
GRILLE_ULIS: tuple[tuple[str, str], ...] = (
    ("Communication", "S'exprimer à l'oral devant le groupe"),
    ("Communication", "Comprendre une consigne simple"),
    ("Lire et écrire", "Lire un texte court"),
    ("Lire et écrire", "Copier sans erreur"),
    ("Lire et écrire", "Écrire une phrase"),
    ("Mathématiques", "Dénombrer une collection"),
    ("Mathématiques", "Utiliser la monnaie"),
    ("Mathématiques", "Lire l'heure"),
    ("Autonomie", "Utiliser son emploi du temps"),
    ("Autonomie", "Se déplacer seul dans l'établissement"),
    ("Vie sociale", "Respecter les règles de vie"),
    ("Vie sociale", "Coopérer avec ses pairs"),
)

#: Libellés de la grille ULIS (colonne « Niveau » du tableur), lus par ``grille_ulis.toml``.
LIBELLES_ULIS: dict[int, str] = {1: "Non acquis", 2: "En cours d'acquisition", 3: "Acquis", 4: "Dépassé"}


# --- vie scolaire -------------------------------------------------------------------------------------

_MOTIFS_JUSTIFIES = ("Maladie", "Maladie", "Rendez-vous médical", "Raison familiale", "Transport")


class Vie:
    """Absences, retards et punitions d'un élève sur une année, selon son profil."""

    def __init__(self, a: Annee, e: _Eleve) -> None:
        self.a, self.e, self.rng = a, e, a.rng
        self.ref = a.refs[id(e)]
        self.profil = a.profil(e)
        self.nj: dict[tuple[int, int], float] = defaultdict(float)  # (année, mois) → demi-journées NJ
        self.occupes: set[dt.date] = set()
        self.plafond = 3 if self.profil in ("absenteisme_perle", "decrocheur") else 2
        self.mois_plante: tuple[int, int] | None = None

    def generer(self) -> None:
        rng, a = self.rng, self.a
        jours = a.jours
        planifies = {
            "absenteisme_4": self.planter_4,
            "absenteisme_10": self.planter_10,
            "justificatifs_en_attente": self.planter_attente,
            "absenteisme_perle": self.planter_perle,
            "decrocheur": self.planter_decrochage,
        }
        if self.profil in planifies:
            planifies[self.profil]()
        self.a.absenteisme.placer(self)  # les mois d'absentéisme (sample_data/absenteisme.py)
        self.mois_plante = None  # le mois planté est complet : le plafond ordinaire s'y applique
        if self.profil != "decrocheur":
            nb = (0, 0, 1, 1, 2, 2, 3, 4) if self.profil == "regulier" else (0, 1, 1, 2)
            for _ in range(rng.choice(nb)):
                self.absence_ordinaire(rng.choice(jours))
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
                self.retard(rng.choice(jours), rng.randint(3, 15))

    # -- briques --------------------------------------------------------------------------------

    def absence(self, jours: list[dt.date], statut: StatutAbsence, motif: str | None,
                demi: str | None = None, heures: tuple[int, int] | None = None) -> bool:
        """Une absence sur des jours consécutifs d'une même semaine (ou une demi-journée, ou quelques heures)."""
        if any(j in self.occupes for j in jours):
            return False
        premier, dernier = jours[0], jours[-1]
        if heures:
            h0, duree = heures
            debut = dt.datetime.combine(premier, dt.time(h0, 0))
            fin = debut + dt.timedelta(hours=duree)
            brutes, calculees = 1.0, round(duree / 4, 2)
        elif demi:
            (t0, t1) = calendrier.MATIN if demi == "matin" else calendrier.APRES_MIDI
            debut, fin = dt.datetime.combine(premier, t0), dt.datetime.combine(premier, t1)
            brutes = calculees = 1.0
        else:
            debut = dt.datetime.combine(premier, calendrier.MATIN[0])
            fin_jour = calendrier.MATIN[1] if dernier.weekday() == 2 else calendrier.APRES_MIDI[1]
            fin = dt.datetime.combine(dernier, fin_jour)
            brutes = calculees = float(sum(calendrier.demi_journees(j) for j in jours))
        if statut == StatutAbsence.NON_JUSTIFIEE:
            mois = (premier.year, premier.month)
            if mois != self.mois_plante and self.nj[mois] + brutes > self.plafond:
                return False
            self.nj[mois] += brutes
        self.occupes.update(jours)
        self.a.ecole.absences.append(Absence(
            eleve=self.ref, debut=debut, fin=fin, demi_journees_brutes=brutes, demi_journees_calculees=calculees,
            statut=statut, motif=motif,
            reglee_administrativement=statut == StatutAbsence.JUSTIFIEE and self.rng.random() < 0.2,
        ))
        return True

    def absence_ordinaire(self, jour: dt.date) -> None:
        r = self.rng.random()
        if r < 0.55:
            self.absence([jour], StatutAbsence.JUSTIFIEE, self.rng.choice(_MOTIFS_JUSTIFIES))
        elif r < 0.8:
            self.absence([jour], StatutAbsence.JUSTIFIEE, "Rendez-vous médical", demi=self._demi(jour))
        else:
            self.absence([jour], StatutAbsence.NON_JUSTIFIEE, None, demi=self._demi(jour))

    def _demi(self, jour: dt.date) -> str:
        return "matin" if jour.weekday() == 2 else self.rng.choice(("matin", "apres-midi"))

    def retard(self, jour: dt.date, minutes: int) -> None:
        rng = self.rng
        heure = rng.choice((dt.time(8, 0), dt.time(8, 0), dt.time(10, 5), dt.time(13, 30)))
        justifie = rng.random() < 0.3
        self.a.ecole.retards.append(Retard(
            eleve=self.ref, date=dt.datetime.combine(jour, heure) + dt.timedelta(minutes=minutes), minutes=minutes,
            justifie=justifie, motif=rng.choice(("Transport", "Rendez-vous")) if justifie else None,
        ))

    def sanction(self, jour: dt.date, nature: str, motif: str, disciplinaire: bool = False) -> None:
        self.a.ecole.sanctions.append(Sanction(
            eleve=self.ref, date=jour, nature=nature, motif=motif, disciplinaire=disciplinaire,
            exclusion="xclusion" in nature, donnee_par="M. ROUSSEL (CPE)" if disciplinaire else self.rng.choice(_PROFS),
        ))

    def par_mois(self) -> dict[tuple[int, int], list[dt.date]]:
        res: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
        for j in self.a.jours:
            res[(j.year, j.month)].append(j)
        return res

    # -- profils ----------------------------------------------------------------------------------

    def _mois(self, candidats: tuple[int, ...]) -> tuple[int, list[dt.date]]:
        mois = self.rng.choice(candidats)
        annee = annee_scolaire.date_dans(self.a.rentree, mois, 1).year
        self.mois_plante = (annee, mois)
        return mois, self.par_mois()[(annee, mois)]

    def planter_4(self) -> None:
        """4 à 7 demi-journées non justifiées dans un mois : une journée, puis des demi-journées."""
        _, jours = self._mois((10, 11, 1, 3, 5))
        cible = self.rng.randint(4, 7)
        jours = list(jours)
        self.rng.shuffle(jours)
        for j in jours:
            reste = cible - self.nj[self.mois_plante]  # type: ignore[index]
            if reste <= 0:
                break
            if reste >= 2 and j.weekday() != 2:
                self.absence([j], StatutAbsence.NON_JUSTIFIEE, None)
            else:
                self.absence([j], StatutAbsence.NON_JUSTIFIEE, None, demi=self._demi(j))

    def planter_10(self) -> None:
        """Une semaine entière (9 demi-journées) et une ou deux journées de plus dans le même mois."""
        _, jours = self._mois((11, 1, 3))
        semaines: dict[int, list[dt.date]] = defaultdict(list)
        for j in jours:
            semaines[j.isocalendar()[1]].append(j)
        pleines = [s for s in semaines.values() if len(s) == 5] or sorted(semaines.values(), key=len)[-1:]
        semaine = self.rng.choice(pleines)
        self.absence(semaine, StatutAbsence.NON_JUSTIFIEE, None)
        autres = [j for j in jours if j not in semaine and j.weekday() != 2]
        for j in self.rng.sample(autres, min(len(autres), self.rng.randint(1, 2))):
            self.absence([j], StatutAbsence.NON_JUSTIFIEE, None)
        if self.nj[self.mois_plante] < 10:  # type: ignore[index]
            for j in autres:
                if self.nj[self.mois_plante] >= 10:  # type: ignore[index]
                    break
                self.absence([j], StatutAbsence.NON_JUSTIFIEE, None)

    def planter_attente(self) -> None:
        """Deux journées et une demi-journée (ou plus) dont le justificatif n'est pas encore arrivé."""
        _, jours = self._mois((5, 6))
        self.mois_plante = None  # rien de non justifié ici
        choisis = sorted(self.rng.sample([j for j in jours if j.weekday() != 2], 3))
        for j in choisis[:2]:
            self.absence([j], StatutAbsence.EN_ATTENTE, None)
        self.absence([choisis[2]], StatutAbsence.EN_ATTENTE, None, demi=self._demi(choisis[2]))

    def planter_perle(self) -> None:
        """Chaque mois, quelques heures manquées et des retards, étalés sur les semaines."""
        rng = self.rng
        for (annee, mois), jours in sorted(self.par_mois().items()):
            for j in rng.sample(jours, min(len(jours), rng.randint(2, 4))):
                statut = StatutAbsence.NON_JUSTIFIEE if rng.random() < 0.6 else StatutAbsence.JUSTIFIEE
                heure = rng.choice((8, 9, 10) if j.weekday() == 2 else (8, 9, 10, 14, 15))
                if not self.absence([j], statut, None if statut == StatutAbsence.NON_JUSTIFIEE else "Raison familiale",
                                    heures=(heure, rng.choice((1, 1, 2)))):
                    self.absence([j], StatutAbsence.JUSTIFIEE, "Raison familiale", heures=(heure, 1))
            for j in rng.sample(jours, min(len(jours), rng.randint(2, 4))):
                self.retard(j, rng.randint(5, 25))
        self.sanction(rng.choice(self.a.jours_de(self.a.periodes[1])), "Retenue", "Retards répétés")

    def planter_decrochage(self) -> None:
        """Absences en hausse d'un trimestre à l'autre (1–2, 4–6, puis 8–12 demi-journées : la hausse tient
        par construction, quels que soient les jours déjà pris) ; une retenue, puis un avertissement."""
        rng = self.rng
        for ip, ((bas, haut), per) in enumerate(zip(((1, 2), (4, 6), (8, 12)), self.a.periodes)):
            jours = list(self.a.jours_de(per))
            rng.shuffle(jours)
            cible, faites = rng.randint(bas, haut), 0
            for j in jours:
                if faites >= cible:
                    break
                if cible - faites >= 2 and j.weekday() != 2 and rng.random() >= 0.25:
                    faites += 2 * self.absence([j], StatutAbsence.JUSTIFIEE, rng.choice(_MOTIFS_JUSTIFIES))
                elif (self.absence([j], StatutAbsence.NON_JUSTIFIEE, None, demi=self._demi(j))
                      or self.absence([j], StatutAbsence.JUSTIFIEE, rng.choice(_MOTIFS_JUSTIFIES), demi=self._demi(j))):
                    faites += 1
            for j in rng.sample(jours, 1 + 2 * ip):
                self.retard(j, rng.randint(5, 20))
        self.sanction(rng.choice(self.a.jours_de(self.a.periodes[1])), "Retenue", "Travail non fait")
        self.sanction(rng.choice(self.a.jours_de(self.a.periodes[2])), "Avertissement",
                      "Manque de travail et absences répétées", disciplinaire=True)


# --- écriture dans les formats réels -----------------------------------------------------------------

#: La correspondance qui relit la grille ULIS (écrite par le module du connecteur tableur).
MAPPING_ULIS = Path(__file__).with_name("grille_ulis.toml")

Plan = list[tuple[str, Path, dict]]


def ecrire_ecole(ecole: Ecole, dossier: Path) -> Plan:
    """Écrit l'école dans les formats réels des exports et rend le plan d'import, dans l'ordre.

    Une seule année : tout sous ``dossier``. Plusieurs : une sous-arborescence par année
    (``dossier/2024-2025/…``), les plus anciennes d'abord, pour que chaque liste d'élèves précède les
    fichiers qui désignent les élèves par leur classe de cette année-là. Quelques fichiers sont en
    Windows-1252, comme les exports du client lourd (absences, punitions, notes d'une classe de 5e).
    ``verite_terrain.json`` est écrit à côté ; il n'est pas dans le plan.
    """
    from .ecrire_lsu import ecrire_lsu
    from .ecrire_pix import ecrire_pix
    from .ecrire_pronote import ecrire_eleves, ecrire_notes, ecrire_resultats
    from .ecrire_pronote_suivi import ecrire_absences, ecrire_competences, ecrire_punitions, ecrire_retards
    from .ecrire_tableur import ecrire_grille_ulis

    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    plan: Plan = []
    for i, etab in enumerate([ecole.etablissement, *ecole.autres_etablissements]):
        chemin = dossier / ("etablissement.toml" if i == 0 else f"etablissement-{etab.uai}.toml")
        chemin.write_text(_toml_etablissement(etab, ecole.periodes, ecole.matieres), encoding="utf-8")
        plan.append(("etablissement", chemin, {}))

    annees = list(ecole.effectifs)
    par_annee = _par_annee(ecole)
    cp1252 = {d.classe.nom for d in _divisions_cp1252(ecole)}
    for annee in annees:
        racine = dossier / annee if len(annees) > 1 else dossier
        r = par_annee[annee]
        pronote = racine / "pronote"
        (pronote / "notes").mkdir(parents=True, exist_ok=True)

        chemin = pronote / "eleves.csv"
        ecrire_eleves(chemin, ecole.effectifs[annee])
        plan.append(("pronote-eleves", chemin, {"annee": annee}))  # l'export ne dit pas son année

        noms_periodes = {p.nom: f"T{p.nom[-1]}" for p in ecole.periodes}
        for (classe, periode, serv), (devoirs, notes) in r["notes"].items():
            chemin = pronote / "notes" / classe / noms_periodes[periode] / f"{serv}.csv"
            chemin.parent.mkdir(parents=True, exist_ok=True)
            ecrire_notes(chemin, devoirs, notes, encodage="cp1252" if classe in cp1252 else "utf-8-sig")
            plan.append(("pronote-notes", chemin, {}))

        for classe in ecole.classes_resultats:
            for periode in [p for p in ecole.periodes if p.annee == annee]:
                moyennes = [m for m in r["moyennes"] if m.eleve.classe == classe and m.periode == periode.nom]
                if not moyennes:
                    continue
                chemin = pronote / "resultats" / classe / f"{noms_periodes[periode.nom]}.csv"
                chemin.parent.mkdir(parents=True, exist_ok=True)
                ecrire_resultats(chemin, classe, moyennes, codes=variantes.codes_resultats(ecole.classes, classe))
                plan.append(("pronote-resultats", chemin,
                             {"periode": periode.nom, "classe": classe, "annee": annee}))

        for sorte, nom, ecrire, records, encodage in (
            ("pronote-absences", "absences.csv", ecrire_absences, r["absences"], "cp1252"),
            ("pronote-absences", "retards.csv", ecrire_retards, r["retards"], "utf-8-sig"),
            ("pronote-punitions", "punitions.csv", ecrire_punitions, r["sanctions"], "cp1252"),
        ):
            if records:
                ecrire(pronote / nom, records, encodage=encodage)
                plan.append((sorte, pronote / nom, {}))

        par_classe: dict[str, list[Evaluation]] = defaultdict(list)
        for ev in r["competences"]:
            par_classe[ev.eleve.classe or ""].append(ev)
        for classe, evaluations in par_classe.items():
            chemin = pronote / "competences" / f"{classe}.csv"
            chemin.parent.mkdir(parents=True, exist_ok=True)
            ecrire_competences(chemin, evaluations)
            plan.append(("pronote-competences", chemin, {}))

        for j, (code, participations) in enumerate(r["pix"].items()):
            chemin = racine / "pix" / f"{code}.csv"
            chemin.parent.mkdir(parents=True, exist_ok=True)
            # Pix Orga écrit avec BOM ; un fichier ré-enregistré par un tableur l'a parfois perdu.
            ecrire_pix(chemin, participations, organisation=ecole.organisation_pix, bom=j % 2 == 0)
            plan.append(("pix", chemin, {}))

        if r["bilans"]:
            troisiemes = {m.eleve.classe for m in r["bilans"]}
            chemin = racine / "lsu" / f"bilans-{annee}.xml"
            chemin.parent.mkdir(parents=True, exist_ok=True)
            ecrire_lsu(
                chemin, ecole.etablissement, [p for p in ecole.periodes if p.annee == annee],
                [e for e in ecole.effectifs[annee] if e.classe in troisiemes], r["bilans"],
                [m for m in r["moyennes"] if m.eleve.classe in troisiemes and m.matiere],
                absences=r["absences"], retards=r["retards"],  # la vie scolaire du bilan périodique
            )
            plan.append(("lsu", chemin, {}))

        if r["ulis"]:
            chemin = racine / "tableur" / "grille_ulis.xlsx"
            chemin.parent.mkdir(parents=True, exist_ok=True)
            ecrire_grille_ulis(chemin, r["ulis"])
            mapping = chemin.with_suffix(".toml")
            mapping.write_bytes(MAPPING_ULIS.read_bytes())
            plan.append(("tableur", chemin, {"mapping": mapping}))

    verite = [
        {"eleve_id": e.eleve_id(), "nom": e.nom, "prenom": e.prenom, "classe": e.classe,
         "profils": ecole.verite[e.eleve_id()]}
        for e in ecole.eleves
    ]
    (dossier / "verite_terrain.json").write_text(
        json.dumps({"annee": ecole.annee, "uai": ecole.etablissement.uai, "profils": list(PROFILS), "eleves": verite},
                   ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return plan


def _toml_etablissement(etab: Etablissement, periodes: list[Periode], matieres: list[Matiere]) -> str:
    """Le fichier lu par le connecteur ``etablissement`` (chaînes TOML = chaînes JSON échappées) : les
    périodes, et la famille et le coefficient de chaque service (absents des exports de notes)."""
    lignes = ["[etablissement]", f"uai = {json.dumps(etab.uai)}", f"nom = {json.dumps(etab.nom, ensure_ascii=False)}"]
    for p in periodes:
        lignes += ["", "[[periodes]]", f"nom = {json.dumps(p.nom, ensure_ascii=False)}", f"annee = \"{p.annee}\"",
                   f"debut = {p.debut.isoformat()}", f"fin = {p.fin.isoformat()}"]
    for m in matieres:
        lignes += ["", "[[matieres]]", f"libelle = {json.dumps(m.libelle, ensure_ascii=False)}",
                   f"famille = \"{m.famille.value}\"", f"coefficient = {m.coefficient:g}"]
        lignes += [f"codes = {json.dumps(list(m.codes), ensure_ascii=False)}"] if m.codes else []
    return "\n".join(lignes) + "\n"


def _divisions_cp1252(ecole: Ecole) -> list[_Division]:
    """Les notes d'une classe de 5e sortent du client lourd, en Windows-1252."""
    return [_Division(c, "", 0, None, 0) for c in ecole.classes if c.niveau == "5e"][1:2]


def _annee_de(jour: dt.date) -> str:
    return annee_scolaire.annee_scolaire(jour)


def _par_annee(ecole: Ecole) -> dict[str, dict]:
    """Les enregistrements rangés par année scolaire, et les notes par fichier (classe, période, service)."""
    res: dict[str, dict] = {
        a: {"notes": {}, "absences": [], "retards": [], "sanctions": [], "competences": [], "bilans": [],
            "ulis": [], "pix": {}, "moyennes": ecole.moyennes_par_annee.get(a, [])}
        for a in ecole.effectifs
    }
    for d in ecole.devoirs:
        fichiers = res[_annee_de(d.date)]["notes"]
        fichiers.setdefault((d.classe, d.periode, service(d.matiere)), ([], []))[0].append(d)
    for n in ecole.notes:
        d = n.devoir
        res[_annee_de(d.date)]["notes"][(d.classe, d.periode, service(d.matiere))][1].append(n)
    for a in ecole.absences:
        res[_annee_de(a.debut.date())]["absences"].append(a)
    for r in ecole.retards:
        res[_annee_de(r.date.date())]["retards"].append(r)
    for s in ecole.sanctions:
        res[_annee_de(s.date)]["sanctions"].append(s)
    for ev in ecole.evaluations:
        cle = "ulis" if ev.referentiel == "ULIS" else "bilans" if ev.contexte == "bilan de cycle 4" else "competences"
        res[_annee_de(ev.date)][cle].append(ev)
    for p in ecole.pix:
        res[p.campagne[-9:]]["pix"].setdefault(p.code_campagne, []).append(p)
    return res


# --- petites fonctions --------------------------------------------------------------------------------


def hash_stable(texte: str) -> int:
    """Un entier tiré d'un texte, le même d'une exécution à l'autre (``hash()`` varie avec PYTHONHASHSEED)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(texte))


def _sur_bareme(sur20: float, bareme: float) -> float:
    """Une note sur 20 ramenée au barème du devoir, au demi-point, dans les bornes."""
    v = round(sur20 * bareme / 20 * 2) / 2
    return min(float(bareme), max(0.0, v))


def _arrondi(v: float | None) -> float | None:
    return None if v is None else round(v + 1e-9, 2)


def _decaler(notes: list[list], delta20: float) -> None:
    for n in notes:
        if n[1] == StatutNote.NOTE:
            n[2] = _sur_bareme(n[2] * 20 / n[0].bareme + delta20, n[0].bareme)


def _plancher(notes: list[list], seuil: float) -> None:
    """Remonte les notes d'un élève régulier jusqu'à une moyenne ≥ ``seuil`` (10,6 : marge d'arrondi)."""
    for essai in range(12):
        # Sans bonus ni facultatif : ils ne peuvent que monter la moyenne, le plancher tient avec eux.
        m = moyenne([n for n in notes if not (n[0].bonus or n[0].facultatif)])  # type: ignore[misc]
        if m is None or m >= seuil:
            return
        if essai >= 6:  # des zéros (Abs*, N.Rdu*) qui pèsent trop : l'élève a finalement rendu son devoir
            for n in notes:
                if n[1] in (StatutNote.ABSENT_ZERO, StatutNote.NON_RENDU_ZERO):
                    n[1], n[2] = StatutNote.NOTE, _sur_bareme(seuil + 1, n[0].bareme)
        _decaler(notes, max(0.5, seuil - m + 0.3))


def _moyennes_services(cle: int, matieres: list[str], periode: str, brutes: dict) -> dict[str, float | None]:
    par_service: dict[str, list[tuple[float, list[NoteBrute]]]] = defaultdict(list)
    for m in matieres:
        par_service[service(m)].append((MATIERES[m][1] if ">" in m else 1.0, brutes[(cle, m, periode)]))
    return {s: moyenne_service(v) for s, v in par_service.items()}


def _famille(par_service: dict[str, float | None], famille: Famille) -> float | None:
    return moyenne_generale((v, MATIERES[s][1]) for s, v in par_service.items() if MATIERES[s][0] == famille)
