"""L'absentéisme de l'école synthétique, calé sur les chiffres nationaux, et ce qu'il annonce.

**Les chiffres visés** — DEPP, Note d'information n° 24.12 (avril 2024), année 2022-2023, enquête
mensuelle sur l'absentéisme des élèves du second degré public : part des élèves ayant au moins 4
demi-journées d'absence non justifiées dans le mois, en moyenne de septembre à mai, **4,9 % au collège et
16,7 % en lycée professionnel** (:data:`PART_DEPP`) ; elle monte au fil de l'année, d'environ 3,6 % en
septembre à 10,9 % en mai pour tout le second degré, avec un pic vers 12 % en mars (:data:`FORME_DEPP`).
La cité scolaire synthétique a un collège (6e–3e) et un lycée professionnel (bac pro et CAP) : pas de
lycée général et technologique, dont le chiffre n'est donc pas visé. Chaque mois, chaque type
d'établissement reçoit son nombre d'absentéistes (part du type × forme du mois, :func:`part_visee`),
juin au niveau de mai (la DEPP ne le mesure pas).

**Des absentéistes qui reviennent.** Chaque élève a une propension à l'absentéisme, tirée une fois pour
toute sa scolarité (log-normale, :data:`SIGMA`) ; les absentéistes du mois sont tirés sans remise avec
un poids égal à cette propension : les mêmes élèves reviennent d'un mois à l'autre, et d'une année à
l'autre. Un absentéiste du mois manque de 4 à 14 demi-journées non justifiées (:data:`DEMI_JOURNEES`),
en journées et demi-journées de classe de ce mois (``sample_data/calendrier.py`` : ni week-end, ni
vacances, ni jour férié, pas de mercredi après-midi).

**Ce qui arrive ensuite (années passées).** Pour que la validation des alertes (``models.validation``)
ait des issues à mesurer, et qu'aucune règle ne soit parfaite, les années passées (les profils plantés de
``generateur.py`` ne valent que pour l'année en cours) reçoivent des issues tirées selon la propension,
plus un bruit de fond qui touche aussi des élèves sans risque (:data:`ISSUES_FOND`, :func:`_proba`) :

- **décrochage** : l'élève se comporte cette année-là en ``decrocheur`` (moyenne générale en baisse de
  plus de 2 points à chaque trimestre après le premier : moyenne des trimestres suivants sous 10) ;
- **redoublement** : il refait le même niveau l'année suivante (dans la même filière) ;
- **départ** : un élève de terminale ou de 2e année de CAP quitte l'établissement en cours d'année (date
  de sortie de la liste d'élèves ; plus aucune note, absence, punition ni évaluation ensuite). Les autres
  élèves des années passées sont sur la liste de l'année suivante, et les 3e ont des moyennes Pronote
  et un bilan LSU calculés sur toute l'année : le départ en cours d'année n'est planté qu'au lycée
  professionnel, où il est aussi le plus fréquent.

Rien ici ne lit le sexe, l'âge ni le drapeau d'accompagnement. Le hasard est celui d'un
``random.Random`` propre, semé une fois par le générateur de l'établissement : même graine, même école.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from statistics import NormalDist
from typing import TYPE_CHECKING

from models.records import StatutAbsence

from . import calendrier

if TYPE_CHECKING:
    from models.records import Eleve, RefEleve

    from .generateur import Annee, Vie, _Eleve, _Generateur

#: DEPP, NI 24.12, 2022-2023 : part moyenne (septembre à mai) des élèves ayant au moins 4 demi-journées
#: non justifiées dans le mois, par type d'établissement (le lycée professionnel compte ses CAP).
PART_DEPP: dict[str, float] = {"college": 0.049, "lp": 0.167}

#: Forme de l'année, tout le second degré (en %) : septembre (3,6), mars (≈ 12, le pic) et mai (10,9)
#: sont ceux de la note ; les autres mois sont interpolés entre eux, en montée régulière.
FORME_DEPP: dict[int, float] = {9: 3.6, 10: 5.2, 11: 6.4, 12: 6.8, 1: 8.2, 2: 9.2, 3: 12.0, 4: 10.2, 5: 10.9}

#: Dispersion (écart type du logarithme) des propensités : plus elle est grande, plus les mêmes élèves
#: reviennent d'un mois à l'autre.
SIGMA = 1.9

#: Demi-journées non justifiées d'un mois d'absentéisme et leurs poids : surtout 4 à 6 ; 10 et plus
#: (persistance, circulaire 2014-159) pour environ un mois sur huit.
DEMI_JOURNEES: tuple[tuple[int, int], ...] = (
    (4, 30), (5, 20), (6, 14), (7, 9), (8, 8), (9, 6), (10, 5), (11, 3), (12, 3), (14, 2))

#: Profils plantés de l'année en cours dont les absences sont déjà écrites (et vérifiées) : ils ne
#: reçoivent pas d'absentéisme en plus.
PROFILS_ABSENCES = frozenset(
    {"absenteisme_perle", "absenteisme_4", "absenteisme_10", "justificatifs_en_attente", "decrocheur"})

#: Marque ajoutée aux profils (``Ecole.verite``) d'un élève absentéiste au moins un mois de l'année en cours.
MARQUE = "absenteiste"

#: Probabilités de fond des issues (élève sans risque) et leur hausse pour les plus forts risques.
ISSUES_FOND: dict[str, tuple[float, float]] = {
    "decrochage": (0.02, 0.45),
    "redoublement": (0.015, 0.35),
    "depart": (0.02, 0.40),
}


def type_etablissement(voie: str) -> str:
    """``college`` pour le collège, ``lp`` pour le lycée professionnel (bac pro et CAP)."""
    return "college" if voie == "college" else "lp"


def part_visee(type_: str, mois: int) -> float:
    """Part d'absentéistes visée pour un type d'établissement et un mois (0–1) : la moyenne de la DEPP
    du type, modulée par la forme de l'année (moyenne de la forme = 1) ; juin comme mai."""
    moyenne = sum(FORME_DEPP.values()) / len(FORME_DEPP)
    return PART_DEPP[type_] * FORME_DEPP.get(mois, FORME_DEPP[5]) / moyenne


def _proba(issue: str, quantile: float) -> float:
    """Probabilité d'une issue selon le rang de la propension (0–1) : le fond, puis une hausse qui ne
    concerne vraiment que le dixième le plus à risque (quantile⁸ : 0,43 à 0,9 ; 0,78 à 0,97)."""
    fond, hausse = ISSUES_FOND[issue]
    return fond + hausse * quantile ** 8


class Absenteisme:
    """L'absentéisme d'un établissement synthétique, toutes années : propensités, absentéistes de chaque
    mois, issues des années passées. Un par générateur (:meth:`pour`)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._z: dict[int, float] = {}  # id(élève) → tirage normal de sa propension
        self.mois: dict[tuple[int, str], dict[tuple[int, int], int]] = {}  # (élève, année) → {(a, m): n}
        self.decrocheurs: set[tuple[int, str]] = set()  # (élève, année passée)
        self.sorties: dict[tuple[int, str], dt.date] = {}
        self._annees: set[str] = set()

    @classmethod
    def pour(cls, g: "_Generateur") -> "Absenteisme":
        """Celui du générateur ``g``, créé au premier appel avec sa propre graine tirée de ``g.rng``."""
        if not hasattr(g, "_absenteisme"):
            g._absenteisme = cls(random.Random(g.rng.getrandbits(64)))  # type: ignore[attr-defined]
        return g._absenteisme  # type: ignore[attr-defined]

    # -- propension ---------------------------------------------------------------------------------

    def z(self, e: "_Eleve") -> float:
        if id(e) not in self._z:
            self._z[id(e)] = self.rng.gauss(0, 1)
        return self._z[id(e)]

    def quantile(self, e: "_Eleve") -> float:
        return NormalDist().cdf(self.z(e))

    # -- redoublement (construction des effectifs, en remontant les années) -------------------------

    def redouble(self, e: "_Eleve") -> bool:
        """L'élève refaisait-il, l'année d'avant, le niveau où il est ? Tiré selon sa propension."""
        return self.rng.random() < _proba("redoublement", self.quantile(e))

    # -- une année -----------------------------------------------------------------------------------

    def preparer(self, a: "Annee") -> None:
        """Avant les notes de l'année ``a`` : les absentéistes de chaque mois ; pour une année passée, les
        décrocheurs et les départs en cours d'année."""
        if a.annee in self._annees:
            return
        self._annees.add(a.annee)
        rng = self.rng
        for e in a.eleves:
            self.z(e)  # dans l'ordre des élèves : déterministe
        if not a.courante:
            derniers = {"Tle", "CAP2"}
            for e in a.eleves:
                cle = (id(e), a.annee)
                if rng.random() < _proba("decrochage", self.quantile(e)):
                    self.decrocheurs.add(cle)
                d = e.classes[a.annee]
                suivante = calendrier.annee_scolaire(a.rentree + 1)
                if (d.classe.niveau in derniers and suivante not in e.classes
                        and rng.random() < _proba("depart", self.quantile(e))):
                    jours = [j for j in a.jours if j > a.periodes[0].fin and j.month not in (6, 7)]
                    self.sorties[cle] = rng.choice(jours)
        par_type: dict[str, list[_Eleve]] = defaultdict(list)
        for e in a.eleves:
            par_type[type_etablissement(e.classes[a.annee].classe.voie)].append(e)
        mois_annee = sorted({(j.year, j.month) for j in a.jours})
        for type_, eleves in sorted(par_type.items()):
            for an, m in mois_annee:
                debut_mois = dt.date(an, m, 1)
                presents = [e for e in eleves if self.sorties.get((id(e), a.annee), dt.date.max) > debut_mois]
                eligibles = [e for e in presents if not (a.courante and e.profil in PROFILS_ABSENCES)]
                n = round(part_visee(type_, m) * len(presents))
                # Tirage pondéré sans remise (Efraimidis et Spirakis) : clé u^(1/poids), les n plus grandes.
                cles = sorted(eligibles, key=lambda e: -math.log(rng.random()) / math.exp(SIGMA * self.z(e)))
                valeurs, poids = zip(*DEMI_JOURNEES)
                for e in cles[:n]:
                    self.mois.setdefault((id(e), a.annee), {})[(an, m)] = rng.choices(valeurs, poids)[0]

    def profil_passe(self, e: "_Eleve", annee: str) -> str:
        """Le comportement d'un élève une année passée : ``decrocheur`` ou ``regulier``."""
        return "decrocheur" if (id(e), annee) in self.decrocheurs else "regulier"

    def sortie(self, e: "_Eleve", annee: str) -> dt.date | None:
        return self.sorties.get((id(e), annee))

    def marques(self, e: "_Eleve", annee: str) -> list[str]:
        """[:data:`MARQUE`] si l'élève a été absentéiste au moins un mois de ``annee``."""
        return [MARQUE] if self.mois.get((id(e), annee)) else []

    # -- les absences d'un élève ---------------------------------------------------------------------

    def placer(self, vie: "Vie") -> None:
        """Écrit les demi-journées non justifiées des mois d'absentéisme de l'élève de ``vie`` : des
        journées (deux demi-journées, une le mercredi) et des demi-journées, sur des jours de classe libres
        du mois, jusqu'au nombre tiré (moins s'il n'y a plus de jour libre)."""
        rng, a = self.rng, vie.a
        sortie = self.sortie(vie.e, a.annee)
        for (an, m), cible in sorted(self.mois.get((id(vie.e), a.annee), {}).items()):
            vie.mois_plante = (an, m)  # ce mois-là, le plafond ordinaire des non justifiées ne vaut pas
            jours = [j for j in a.jours if (j.year, j.month) == (an, m) and j not in vie.occupes
                     and (sortie is None or j < sortie)]
            rng.shuffle(jours)
            for j in jours:
                reste = cible - vie.nj[(an, m)]
                if reste <= 0:
                    break
                if reste >= 2 and j.weekday() != 2 and rng.random() < 0.6:
                    vie.absence([j], StatutAbsence.NON_JUSTIFIEE, None)
                else:
                    demi = "matin" if j.weekday() == 2 else rng.choice(("matin", "apres-midi"))
                    vie.absence([j], StatutAbsence.NON_JUSTIFIEE, None, demi=demi)
        vie.mois_plante = None

    # -- départs ---------------------------------------------------------------------------------------

    def avec_sorties(self, eleves: "list[_Eleve]", effectif: "list[Eleve]", annee: str) -> "list[Eleve]":
        """La liste d'élèves de ``annee`` (dans l'ordre de ``eleves``) avec la date de sortie des partants."""
        return [r.model_copy(update={"sortie": s}) if (s := self.sortie(e, annee)) else r
                for e, r in zip(eleves, effectif)]

    def retirer_apres_depart(self, a: "Annee") -> None:
        """Après la génération de l'année ``a`` : plus rien d'un partant à partir de son jour de sortie
        (notes, absences, retards, punitions, évaluations de compétences)."""
        partis = {(a.refs[id(e)].nom, a.refs[id(e)].prenom): s for e in a.eleves
                  if (s := self.sortie(e, a.annee)) is not None}
        if not partis:
            return

        def garde(ref: "RefEleve", jour: dt.date) -> bool:
            s = partis.get((ref.nom, ref.prenom))
            return s is None or jour < s

        ec = a.ecole
        ec.notes = [n for n in ec.notes if garde(n.eleve, n.devoir.date)]
        ec.absences = [x for x in ec.absences if garde(x.eleve, x.debut.date())]
        ec.retards = [x for x in ec.retards if garde(x.eleve, x.date.date())]
        ec.sanctions = [x for x in ec.sanctions if garde(x.eleve, x.date)]
        ec.evaluations = [x for x in ec.evaluations if x.date is None or garde(x.eleve, x.date)]
