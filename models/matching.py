"""Rapprochement des élèves entre sources.

Chaque source écrit les noms à sa façon : Pronote « DUPONT Jean-Marie », Pix ce que l'élève a tapé
(« jean marie dupont »), LSU nom et prénom séparés. On compare des noms normalisés (accents, casse,
traits d'union, ’ contre ', ordre nom/prénom, prénoms multiples), d'abord dans la classe indiquée.
Une correspondance approchée (faute de frappe) est acceptée au-delà d'un seuil et signalée comme telle.
"""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Literal

from .records import RefEleve, cle_classe, cle_nom  # noqa: F401 (la clé des noms vit dans records)

#: Score minimal (ratio de difflib) d'une correspondance approchée.
SEUIL_APPROCHE = 0.86


@dataclass(frozen=True)
class EleveConnu:
    eleve_id: str
    nom: str
    prenom: str
    classe: str
    ine: str | None = None

    @functools.cached_property
    def jetons_nom(self) -> tuple[str, ...]:
        return tuple(cle_nom(self.nom).split())

    @functools.cached_property
    def jetons_prenom(self) -> tuple[str, ...]:
        return tuple(cle_nom(self.prenom).split())

    def libelle(self) -> str:
        return f"{self.nom} {self.prenom} ({self.classe})"


Methode = Literal["ine", "exact", "partiel", "approche"]


@dataclass(frozen=True)
class Rapprochement:
    ref: RefEleve
    eleve_id: str | None
    methode: Methode | None = None
    score: float = 0.0
    candidats: tuple[str, ...] = ()  # libellés des élèves les plus proches, pour le rapport
    #: Un désaccord entre l'INE et le nom de la même ligne : la remarque à porter au rapport d'import.
    remarque: str | None = None

    @property
    def trouve(self) -> bool:
        return self.eleve_id is not None


@dataclass
class Annuaire:
    """Index des élèves connus, construit une fois par import."""

    eleves: list[EleveConnu]
    seuil: float = SEUIL_APPROCHE
    _par_ine: dict[str, EleveConnu] = field(init=False, default_factory=dict)
    _par_classe: dict[str, list[EleveConnu]] = field(init=False, default_factory=lambda: defaultdict(list))
    _par_cle: dict[tuple[str, str], list[EleveConnu]] = field(init=False, default_factory=lambda: defaultdict(list))
    _par_nom: dict[str, list[EleveConnu]] = field(init=False, default_factory=lambda: defaultdict(list))
    #: Désignation → rapprochement : chaque export de notes d'une classe désigne les mêmes élèves, et
    #: l'annuaire est gardé d'un import à l'autre tant que l'effectif ne change pas.
    _memo: dict[tuple, "Rapprochement"] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.eleves:
            if e.ine:
                self._par_ine[e.ine.upper()] = e
            c = cle_classe(e.classe)
            self._par_classe[c].append(e)
            for cle in {_cle_triee(e.jetons_nom + e.jetons_prenom), _cle_triee(e.jetons_nom + e.jetons_prenom[:1])}:
                self._par_cle[(c, cle)].append(e)
                self._par_nom[cle].append(e)

    def rapprocher(self, ref: RefEleve) -> Rapprochement:
        """L'élève connu que ``ref`` désigne (``ref.ligne`` n'y joue pas : le résultat porte la première
        désignation rencontrée)."""
        cle = cle_designation(ref)
        r = self._memo.get(cle)
        if r is None:
            r = self._memo[cle] = self._rapprocher(ref)
        return r

    def _rapprocher(self, ref: RefEleve) -> Rapprochement:
        """L'INE du registre (SIECLE) fait foi ; un INE tapé par l'élève (Pix) ne passe qu'après son nom et
        sa classe. Tout désaccord entre les deux est porté par ``Rapprochement.remarque``."""
        titulaire = self._par_ine.get(ref.ine.upper()) if ref.ine else None
        if titulaire is not None and not ref.ine_saisi:
            r = Rapprochement(ref, titulaire.eleve_id, "ine", 1.0)
            jetons = _jetons_ref(ref)
            if jetons and _cle_triee(jetons) not in _cles(titulaire):
                r = replace(r, remarque=f"INE « {ref.ine} » : celui de {titulaire.libelle()}, le fichier écrit "
                                        f"« {ref.libelle()} » ; rattaché d'après l'INE (registre de l'établissement)")
            return r
        if ref.ine_saisi and ref.ine:
            r = self._par_nom_et_classe(ref.model_copy(update={"ine": None}))
            r = replace(r, ref=ref)
            if titulaire is None or titulaire.eleve_id == r.eleve_id:
                return r
            if r.trouve:
                rattache = next(e for e in self.eleves if e.eleve_id == r.eleve_id)
                return replace(r, remarque=(
                    f"l'identifiant saisi « {ref.ine} » est celui de {titulaire.libelle()} ; la ligne est "
                    f"rattachée à {rattache.libelle()} d'après le nom et la classe"))
            return replace(r, candidats=(*r.candidats, f"{titulaire.libelle()} — identifiant saisi « {ref.ine} »"))
        return self._par_nom_et_classe(ref)

    def _par_nom_et_classe(self, ref: RefEleve) -> Rapprochement:
        jetons = _jetons_ref(ref)
        if not jetons:
            return Rapprochement(ref, None)
        classes = [cle_classe(ref.classe)] if ref.classe else []
        cle = _cle_triee(jetons)
        # D'abord le nom exact dans la classe indiquée, puis dans tout l'établissement (l'élève a changé
        # de classe : les notes de l'an dernier portent l'ancienne classe), où il doit être unique ; puis
        # les prénoms incomplets et les fautes de frappe, dans la classe puis dans l'établissement. Le nom
        # exact ailleurs passe avant une ressemblance dans la classe : « DUPONT Jean », passé en 1re A,
        # n'est pas « DUPONT Jeanne » restée en 2de A.
        if classes:
            exacts = _uniques(e for c in classes for e in self._par_cle.get((c, cle), []))
            if len(exacts) == 1:
                return Rapprochement(ref, exacts[0].eleve_id, "exact", 1.0)
            if len(exacts) > 1:
                return Rapprochement(ref, None, candidats=tuple(e.libelle() for e in exacts[:3]))
        ailleurs = _uniques(self._par_nom.get(cle, []))
        if len(ailleurs) == 1:
            return Rapprochement(ref, ailleurs[0].eleve_id, "exact", 1.0)
        if classes and (r := self._approcher(ref, jetons, classes)) is not None:
            return r
        if len(ailleurs) > 1:
            return Rapprochement(ref, None, candidats=tuple(e.libelle() for e in ailleurs[:3]))
        if (r := self._approcher(ref, jetons, None)) is not None:
            return r
        return Rapprochement(ref, None, candidats=self._proches(jetons, classes or None))

    # -- étapes ------------------------------------------------------------------------------------

    def _population(self, classes: list[str] | None) -> list[EleveConnu]:
        if classes is None:
            return self.eleves
        return [e for c in classes for e in self._par_classe.get(c, [])]

    def _approcher(self, ref: RefEleve, jetons: tuple[str, ...], classes: list[str] | None) -> Rapprochement | None:
        """Prénoms incomplets, puis fautes de frappe, parmi les élèves de ``classes`` (None : tous)."""
        population = self._population(classes)
        # Prénoms multiples : « DUPONT Jean » pour « DUPONT Jean Pierre Marie ».
        js = set(jetons)
        partiels = [
            e
            for e in population
            if set(e.jetons_nom) <= js and js <= set(e.jetons_nom + e.jetons_prenom) and js - set(e.jetons_nom)
        ]
        if len(partiels) == 1:
            return Rapprochement(ref, partiels[0].eleve_id, "partiel", 0.95)
        # Fautes de frappe (les élèves tapent leur nom dans Pix) : au-delà du seuil, et sans ex aequo.
        scores = sorted(((_ressemblance(jetons, e), e) for e in population), key=lambda t: -t[0])
        if scores and scores[0][0] >= self.seuil and (len(scores) == 1 or scores[1][0] < scores[0][0] - 0.02):
            return Rapprochement(ref, scores[0][1].eleve_id, "approche", round(scores[0][0], 3))
        return None

    def _proches(self, jetons: tuple[str, ...], classes: list[str] | None) -> tuple[str, ...]:
        population = self._population(classes) or self.eleves
        scores = sorted(((_ressemblance(jetons, e), e) for e in population), key=lambda t: -t[0])
        return tuple(f"{e.libelle()} — {s:.0%}" for s, e in scores[:3] if s > 0.5)


def cle_designation(ref: RefEleve) -> tuple:
    """Ce qui désigne un élève dans une source, sans la ligne où il est écrit."""
    return (ref.nom, ref.prenom, ref.nom_complet, ref.classe, ref.ine, ref.ine_saisi, ref.date_naissance)


def _jetons_ref(ref: RefEleve) -> tuple[str, ...]:
    texte = ref.nom_complet or " ".join(p for p in (ref.nom, ref.prenom) if p)
    return tuple(cle_nom(texte).split())


def _cles(e: EleveConnu) -> set[str]:
    """Les clés de nom sous lesquelles un élève est rangé (prénoms complets, premier prénom)."""
    return {_cle_triee(e.jetons_nom + e.jetons_prenom), _cle_triee(e.jetons_nom + e.jetons_prenom[:1])}


def _cle_triee(jetons: Iterable[str]) -> str:
    return " ".join(sorted(jetons))


def _ressemblance(jetons: tuple[str, ...], e: EleveConnu) -> float:
    a = _cle_triee(jetons)
    complet = _cle_triee(e.jetons_nom + e.jetons_prenom)
    court = _cle_triee(e.jetons_nom + e.jetons_prenom[:1])
    return max(
        difflib.SequenceMatcher(None, a, complet).ratio(),
        difflib.SequenceMatcher(None, a, court).ratio(),
    )


def _uniques(eleves: Iterable[EleveConnu]) -> list[EleveConnu]:
    vus: dict[str, EleveConnu] = {}
    for e in eleves:
        vus.setdefault(e.eleve_id, e)
    return list(vus.values())
