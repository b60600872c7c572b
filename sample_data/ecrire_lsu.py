"""Écrit le fichier XML LSU de l'école synthétique, tel qu'un logiciel de vie scolaire le produit.

Les évaluations du référentiel ``socle`` deviennent des bilans de fin de cycle (une par élève et par
cycle, le cycle lu dans le contexte « LSU bilan de cycle 4 », 4 par défaut) ; les moyennes deviennent
des bilans périodiques (une discipline par matière ; LSU ne porte pas de moyenne générale), avec une
appréciation par discipline et les « acquis-conseils » du bilan ; la dernière classe est évaluée sans
notes (positionnement 1–4 seul, comme SACoche l'écrit).
Les bornes d'une période sont écrites dans ``date-scolarite`` (début) et ``date-conseil-classe`` (fin).

Le document suit le schéma ``import-bilan-complet.xsd`` (copie publique : ``tbelliard/gepi``,
``mod_LSUN/xsd/``) : ``enseignants`` (obligatoire) et ``elements-programme`` déclarés, chaque acquis
renvoie à un enseignant et à un élément de programme (``enseignant-refs``, ``element-programme-refs``,
obligatoires), chaque bilan périodique porte sa ``vie-scolaire`` (obligatoire : retards, demi-journées
d'absence justifiées et non justifiées de la période, d'après ``absences`` et ``retards`` ; une absence
dont le justificatif est attendu compte non justifiée, faute de troisième case), chaque bilan de cycle
sa ``date-verrou`` et sa ``synthese``. ``tests/test_lsu.py`` vérifie la structure écrite.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from models.annee_scolaire import rentree
from models.matching import cle_nom
from models.records import (
    COMPOSANTES_SOCLE,
    Absence,
    Eleve,
    Etablissement,
    Evaluation,
    MoyenneSource,
    Periode,
    RefEleve,
    Retard,
    StatutAbsence,
    StatutCompetence,
)

NS = "urn:fr:edu:scolarite:lsun:bilans:import"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _e(parent: ET.Element | None, balise: str, texte: str | None = None, /, **attrs: object) -> ET.Element:
    attributs = {k.replace("_", "-"): str(v) for k, v in attrs.items() if v is not None}
    nom = f"{{{NS}}}{balise}"
    el = ET.Element(nom, attributs) if parent is None else ET.SubElement(parent, nom, attributs)
    if texte is not None:
        el.text = texte
    return el


def _cle(nom: str | None, prenom: str | None, classe: str | None) -> tuple[str, str, str]:
    return cle_nom(nom), cle_nom(prenom), cle_nom(classe)


def ecrire_lsu(
    chemin: Path,
    etablissement: Etablissement,
    periodes: Sequence[Periode],
    eleves: Sequence[Eleve],
    evaluations: Sequence[Evaluation],
    moyennes: Sequence[MoyenneSource],
    absences: Sequence[Absence] = (),
    retards: Sequence[Retard] = (),
) -> None:
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    racine = _e(None, "lsun-bilans", schemaVersion="3.0")
    racine.set(f"{{{XSI}}}schemaLocation", f"{NS} import-bilan-complet.xsd")
    entete = _e(racine, "entete")
    _e(entete, "editeur", "Vigie")
    _e(entete, "application", "Vigie – école synthétique")
    _e(entete, "etablissement", etablissement.uai)
    donnees = _e(racine, "donnees")
    _e(_e(donnees, "responsables-etab"), "responsable-etab", id="RESP_1", libelle="Le chef d'établissement")

    ids: dict[tuple[str, str, str], str] = {}
    noeud_eleves = _e(donnees, "eleves")
    for i, el in enumerate(eleves, 1):
        ids[_cle(el.nom, el.prenom, el.classe)] = f"EL_{i}"
        _e(noeud_eleves, "eleve", id=f"EL_{i}", id_be=str(100000 + i), nom=el.nom, prenom=el.prenom,
           code_division=el.classe)

    def ref(r: RefEleve) -> str:
        try:
            return ids[_cle(r.nom, r.prenom, r.classe)]
        except KeyError:
            raise ValueError(f"élève absent de la liste : {r.libelle()}") from None

    pids: dict[str, str] = {}
    noeud_periodes = _e(donnees, "periodes") if periodes else None  # au moins une période, sinon rien
    for i, p in enumerate(periodes, 1):
        pids[p.nom] = f"P_{i:02d}"
        _e(noeud_periodes, "periode", id=f"P_{i:02d}", millesime=p.annee[:4], indice=i, nb_periodes=len(periodes))

    matieres = sorted({m.matiere for m in moyennes if m.matiere})
    dids = {m: f"DI_{i:06d}S" for i, m in enumerate(matieres, 1)}
    noeud_disc = _e(donnees, "disciplines") if dids else None
    for m, did in dids.items():
        _e(noeud_disc, "discipline", id=did, code=did[3:9], modalite_election="S", libelle=m)
    # Un enseignant et un élément de programme par discipline (au moins un enseignant : obligatoire).
    noeud_ens = _e(donnees, "enseignants")
    for i in range(1, max(1, len(dids)) + 1):
        _e(noeud_ens, "enseignant", id=f"ENS_{i}", type="local", id_sts=str(i))
    if dids:
        noeud_ep = _e(donnees, "elements-programme")
        for i, m in enumerate(dids, 1):
            _e(noeud_ep, "element-programme", id=f"EP_{i}", libelle=f"Programme de {m.lower()}")
    refs_disc = {m: (f"ENS_{i}", f"EP_{i}") for i, m in enumerate(dids, 1)}
    vie = _vie_scolaire(periodes, absences, retards)

    par_bilan: dict[tuple[str, str], list[MoyenneSource]] = defaultdict(list)
    for m in moyennes:
        if m.matiere:  # LSU ne transmet pas de moyenne générale
            par_bilan[(ref(m.eleve), m.periode)].append(m)
    # Une classe évaluée sans notes (la dernière des classes, quand il y en a plusieurs) : ses acquis
    # n'ont qu'un positionnement 1–4, comme SACoche l'écrit (le schéma rend la moyenne facultative).
    classes = sorted({m.eleve.classe or "" for m in moyennes})
    sans_notes = classes[-1] if len(classes) > 1 else None
    if par_bilan:
        bornes = {p.nom: p for p in periodes}
        noeud_bp = _e(donnees, "bilans-periodiques")
        for (eid, periode), liste in par_bilan.items():
            p = bornes[periode]
            b = _e(noeud_bp, "bilan-periodique", eleve_ref=eid, periode_ref=pids[periode],
                   date_conseil_classe=p.fin.isoformat(), date_scolarite=p.debut.isoformat(),
                   date_verrou=f"{p.fin.isoformat()}T18:00:00", responsable_etab_ref="RESP_1")
            acquis = _e(b, "liste-acquis")
            for m in liste:
                if m.eleve.classe == sans_notes:
                    notes: dict[str, str] = {"positionnement": str(positionnement(m.moyenne))} if m.moyenne is not None else {}
                    classe: dict[str, str] = {}
                else:
                    notes = {"moyenne_eleve": f"{m.moyenne:.2f}/20"} if m.moyenne is not None else {"eleve_non_note": "true"}
                    classe = (
                        {"moyenne_structure": f"{m.moyenne_classe:.2f}/20"}
                        if m.moyenne_classe is not None
                        else {"structure_non_notee": "true"}
                    )
                ens, ep = refs_disc[m.matiere]
                a = _e(acquis, "acquis", discipline_ref=dids[m.matiere], enseignant_refs=ens,
                       element_programme_refs=ep, **notes, **classe)
                texte = m.appreciation or appreciation(m.moyenne)
                if texte:  # l'appréciation est facultative (minOccurs 0)
                    _e(a, "appreciation", texte)
            connues = [m.moyenne for m in liste if m.moyenne is not None]
            _e(b, "acquis-conseils", conseils(sum(connues) / len(connues) if connues else None))
            retards_p, justifiees, injustifiees = vie.get((liste[0].eleve.nom, liste[0].eleve.prenom, periode), (0, 0, 0))
            _e(b, "vie-scolaire", nb_retards=retards_p, nb_abs_justifiees=justifiees, nb_abs_injustifiees=injustifiees)

    par_cycle: dict[tuple[str, str], list[Evaluation]] = defaultdict(list)
    for ev in evaluations:
        if ev.referentiel != "socle":
            continue
        if ev.domaine not in COMPOSANTES_SOCLE:
            raise ValueError(f"composante du socle inconnue : {ev.domaine}")
        cycle = re.search(r"cycle\s*(\d)", ev.contexte or "")
        par_cycle[(ref(ev.eleve), cycle.group(1) if cycle else "4")].append(ev)
    if par_cycle:
        noeud_bc = _e(donnees, "bilans-cycle")
        for (eid, cycle), liste in par_cycle.items():
            quand = max(ev.date for ev in liste)
            b = _e(noeud_bc, "bilan-cycle", eleve_ref=eid, cycle=cycle, millesime=_millesime(quand.year, quand.month),
                   date_creation=quand.isoformat(), date_verrou=f"{quand.isoformat()}T18:00:00",
                   responsable_etab_ref="RESP_1")
            socle = _e(b, "socle")
            for ev in sorted(liste, key=lambda e: list(COMPOSANTES_SOCLE).index(e.domaine)):
                if ev.statut == StatutCompetence.DISPENSE:
                    position = 0
                elif ev.niveau is not None:
                    position = ev.niveau
                else:
                    continue
                _e(socle, "domaine", code=ev.domaine, positionnement=position)
            _e(b, "synthese", "Bilan de fin de cycle.")

    ET.indent(racine)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(racine).write(chemin, encoding="UTF-8", xml_declaration=True)


def _vie_scolaire(periodes: Sequence[Periode], absences: Sequence[Absence],
                  retards: Sequence[Retard]) -> dict[tuple, tuple[int, int, int]]:
    """(nom, prénom, période) → (retards, demi-journées justifiées, non justifiées) de la période."""
    def periode(jour: dt.date) -> str | None:
        return next((p.nom for p in periodes if p.debut <= jour <= p.fin), None)

    compte: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for r in retards:
        if (p := periode(r.date.date())) is not None:
            compte[(r.eleve.nom, r.eleve.prenom, p)][0] += 1
    for a in absences:
        if (p := periode(a.debut.date())) is not None:
            demi = a.demi_journees_calculees if a.demi_journees_calculees is not None else a.demi_journees_brutes
            compte[(a.eleve.nom, a.eleve.prenom, p)][1 if a.statut == StatutAbsence.JUSTIFIEE else 2] += demi or 0
    return {cle: (int(r), round(j), round(nj)) for cle, (r, j, nj) in compte.items()}


def positionnement(moyenne: float) -> int:
    """Le positionnement 1–4 d'une classe sans notes (1 : objectifs non atteints … 4 : dépassés)."""
    return 1 if moyenne < 8 else 2 if moyenne < 12 else 3 if moyenne < 16 else 4


#: Appréciations d'une discipline, par moyenne plancher (la plus haute atteinte l'emporte).
APPRECIATIONS: tuple[tuple[float, str], ...] = (
    (0, "Des difficultés importantes : un travail régulier et de l'aide sont nécessaires."),
    (8, "Des acquis fragiles ; les efforts doivent se poursuivre."),
    (12, "Travail sérieux, résultats satisfaisants."),
    (16, "Très bon trimestre, travail approfondi."),
)


def appreciation(moyenne: float | None) -> str | None:
    """L'appréciation du professeur de l'école synthétique ; aucune sans moyenne."""
    if moyenne is None:
        return None
    return next(t for plancher, t in reversed(APPRECIATIONS) if moyenne >= plancher)


def conseils(moyenne: float | None) -> str:
    """Les « acquis et conseils » du bilan périodique (obligatoires dans le schéma)."""
    if moyenne is None:
        return "Élève non évalué sur la période."
    if moyenne < 10:
        return "Trimestre difficile : il faut reprendre les leçons chaque soir et demander de l'aide."
    return "Trimestre satisfaisant ; continuer ainsi." if moyenne < 14 else "Excellent trimestre, félicitations."


def _millesime(annee: int, mois: int) -> int:
    """L'année de la rentrée : un bilan de juin 2026 appartient au millésime 2025."""
    return rentree(dt.date(annee, mois, 1))
