"""Une petite école pour les tests du tableau de bord, écrite dans un fichier DuckDB par les voies
normales (lots → ``ecriture`` → ``importer``). Profils plantés : LOPEZ Inès (bonne en général, faible en
professionnel), MOREAU Théo (moyenne en baisse), PETIT Hugo (absentéisme : 6 demi-journées non
justifiées en janvier)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.records import (
    Absence, Classe, Eleve, Evaluation, Lot, Matiere, Note, Devoir, Periode, PixCompetence,
    PixParticipation, RefEleve, Retard, Sanction,
)
from models.warehouse import ecriture

PERIODES = [
    Periode(nom="Trimestre 1", annee="2025-2026", debut=dt.date(2025, 9, 1), fin=dt.date(2025, 11, 30)),
    Periode(nom="Trimestre 2", annee="2025-2026", debut=dt.date(2025, 12, 1), fin=dt.date(2026, 3, 8)),
]
CLASSE = "2 MELEC"
ELEVES = [
    Eleve(nom="LOPEZ", prenom="Inès", classe=CLASSE, ine="111111111AA", accompagnement=frozenset({"PAP"})),
    Eleve(nom="MOREAU", prenom="Théo", classe=CLASSE, ine="222222222BB"),
    Eleve(nom="PETIT", prenom="Hugo", classe=CLASSE, ine="333333333CC"),
    Eleve(nom="=HACK", prenom="Zoé", classe=CLASSE, ine="444444444DD"),
    Eleve(nom="DURAND", prenom="Léa", classe="3A", ine="555555555EE"),
]
MATIERES = [
    Matiere(libelle="FRANÇAIS"), Matiere(libelle="MATHÉMATIQUES"), Matiere(libelle="HISTOIRE-GÉO"),
    Matiere(libelle="ÉLECTROTECHNIQUE", famille="professionnel"),
    Matiere(libelle="ATELIER", famille="professionnel"),
]
#: Note de chaque élève par matière et trimestre (trois devoirs identiques : la moyenne vaut la note).
NOTES = {
    "LOPEZ": {"T1": [16, 15, 17, 6, 5], "T2": [17, 16, 16, 5, 6]},
    "MOREAU": {"T1": [14, 15, 13, 14, 15], "T2": [9, 10, 8, 10, 9]},
    "PETIT": {"T1": [10, 9, 11, 12, 12], "T2": [9, 8, 10, 11, 12]},
    "=HACK": {"T1": [12, 12, 12, 12, 12], "T2": [13, 12, 11, 12, 13]},
}


def lots(dossier: Path) -> list[Lot]:
    def f(nom: str) -> Path:
        p = dossier / nom
        p.write_text(nom)
        return p

    ref = {e.nom: RefEleve(nom=e.nom, prenom=e.prenom, classe=e.classe) for e in ELEVES}
    effectif = Lot(
        source="pronote-eleves", fichier=f("eleves.csv"), effectif=True, annee="2025-2026", eleves=ELEVES, periodes=PERIODES,
        classes=[Classe(nom=CLASSE, niveau="2nde", voie="professionnel"), Classe(nom="3A", niveau="3e")],
        matieres=MATIERES, lignes_lues=len(ELEVES),
    )
    notes = []
    for nom, par in NOTES.items():
        for tri, valeurs in par.items():
            base = dt.date(2025, 10, 1) if tri == "T1" else dt.date(2026, 1, 12)
            for m, v in zip(MATIERES, valeurs):
                for k in range(3):
                    d = Devoir(classe=CLASSE, matiere=m.libelle, date=base + dt.timedelta(days=7 * k),
                               titre=f"Devoir {k + 1}", periode="Trimestre 1" if tri == "T1" else "Trimestre 2")
                    notes.append(Note(eleve=ref[nom], devoir=d, valeur=float(v)))
    lot_notes = Lot(source="pronote-notes", fichier=f("notes.csv"), notes=notes, lignes_lues=len(notes))
    absences = [
        Absence(eleve=ref["PETIT"], debut=dt.datetime(2026, 1, j, 8), fin=dt.datetime(2026, 1, j, 17),
                demi_journees_brutes=2, demi_journees_calculees=2, statut="non_justifiee")
        for j in (6, 13, 20)
    ] + [
        Absence(eleve=ref["MOREAU"], debut=dt.datetime(2026, 1, 8, 8), fin=dt.datetime(2026, 1, 8, 12),
                demi_journees_brutes=1, demi_journees_calculees=1, statut="en_attente"),
        Absence(eleve=ref["LOPEZ"], debut=dt.datetime(2025, 10, 3, 8), fin=dt.datetime(2025, 10, 3, 12),
                demi_journees_brutes=1, demi_journees_calculees=1, statut="justifiee", motif="Médical"),
    ]
    retards = [Retard(eleve=ref["PETIT"], date=dt.datetime(2026, 1, 9, 8, 10), minutes=10)]
    sanctions = [Sanction(eleve=ref["MOREAU"], date=dt.date(2026, 1, 15), nature="Retenue")]
    vie = Lot(source="pronote-absences", fichier=f("absences.csv"), absences=absences, retards=retards,
              sanctions=sanctions, lignes_lues=7)
    evals = [
        Evaluation(eleve=ref["LOPEZ"], referentiel="socle", domaine="Langue", item="CPD_FRA", niveau=n,
                   libelle_source="x", date=d)
        for n, d in ((2, dt.date(2025, 11, 1)), (3, dt.date(2026, 2, 1)))
    ] + [
        Evaluation(eleve=ref["PETIT"], referentiel="socle", domaine="Langue", item="CPD_FRA", niveau=1,
                   libelle_source="x", date=dt.date(2025, 11, 1)),
    ]
    comp = Lot(source="lsu", fichier=f("lsu.xml"), evaluations=evals, lignes_lues=3)
    pix = Lot(
        source="pix", fichier=f("pix.csv"), lignes_lues=2,
        pix=[
            PixParticipation(eleve=ref["LOPEZ"], campagne="Rentrée", date_envoi=dt.datetime(2025, 10, 2, 10),
                             pix_total=120, certifiable=True, progression=1.0,
                             competences=(PixCompetence(competence="1.1", niveau=3, pix=24),
                                          PixCompetence(competence="3.4", niveau=1, pix=8))),
            PixParticipation(eleve=ref["PETIT"], campagne="Rentrée", date_envoi=dt.datetime(2025, 10, 5, 10),
                             pix_total=16, certifiable=False, progression=0.4,
                             competences=(PixCompetence(competence="1.1", niveau=1, pix=8),)),
        ],
    )
    return [effectif, lot_notes, vie, comp, pix]


def construire(db: Path) -> Path:
    """Écrit l'école dans ``db`` et renvoie son chemin."""
    dossier = db.parent / "sources"
    dossier.mkdir(exist_ok=True)
    with ecriture(db) as wh:
        for lot in lots(dossier):
            res = wh.importer(lot)
            assert res.statut == "reussi", res.message
    return db
