"""Une école pour les pages d'accueil par rôle (``tests/test_accueil_roles.py``), aux chiffres calculés à
la main. Trois classes : 5A (5e), 3B et 3D (3e) ; deux trimestres (T1 : 01/09–30/11/2025, T2 :
01/12/2025–08/03/2026) ; deux matières de même coefficient (la moyenne générale est la moyenne des deux).

**3B, professeur principal** — trois devoirs identiques par matière et trimestre (la moyenne vaut la note) :

=================  =============  =============  =========  ===========
élève              T1 (FR, MA)    T2 (FR, MA)    T1 → T2    a bougé ?
=================  =============  =============  =========  ===========
ARNAUD Paul        8, 10 → 9      12, 14 → 13    +4         hausse
BERGER Chloé       11, 11 → 11    12, 13 → 12,5  +1,5       hausse
CARON Éloïse       15, 15 → 15    11, 12 → 11,5  −3,5       baisse
DUPONT Malo        12, 12 → 12    11, 11 → 11    −1         baisse (seuil du conseil : 1 point, inclus)
ÉTIENNE Jules      10, 10 → 10    10, 11 → 10,5  +0,5       non
FABRE Nina         —              14, 14 → 14    —          non (pas de T1)
=================  =============  =============  =========  ===========

Moyennes de la classe en T2 : français 70/6 = 11,67 ; mathématiques 75/6 = 12,50 ; générale 72,5/6 =
12,08. Les mêmes élèves en T1 (sans FABRE) : français 56/5 = 11,20 ; mathématiques 58/5 = 11,60 ; générale
57/5 = 11,40.

**Vie scolaire** (demi-journées non justifiées, par mois civil ; 2 par journée entière, jours de classe
hors mercredi) : HENRY Tom (3D) 10 en janvier 2026 (persistance) ; JOLY Anaïs (5A) 4 en janvier ; ARNAUD
Paul 3 en janvier (sous le seuil) ; CARON Éloïse 5 en décembre 2025. Justificatifs attendus : DUPONT Malo le
20/01/2026 (sans motif), BERGER Chloé le 22/01/2026 (motif « Rendez-vous médical »).

**ULIS** : GARNIER Lou (3D) et IBERT Sami (5A). Évaluations : IBERT, français du socle 2 le 10/01/2026 puis
3 le 20/02/2026 ; GARNIER, « Lire un texte court » (grille ULIS) 1 le 01/12/2025 puis 2 le 05/02/2026 ;
ARNAUD (hors dispositif) 4 le 25/02/2026.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.records import Absence, Classe, Devoir, Eleve, Evaluation, Lot, Matiere, Note, Periode, RefEleve
from models.warehouse import ecriture

PERIODES = [
    Periode(nom="Trimestre 1", annee="2025-2026", debut=dt.date(2025, 9, 1), fin=dt.date(2025, 11, 30)),
    Periode(nom="Trimestre 2", annee="2025-2026", debut=dt.date(2025, 12, 1), fin=dt.date(2026, 3, 8)),
]
CLASSE_PP = "3B"
ELEVES = [
    Eleve(nom="ARNAUD", prenom="Paul", classe="3B", ine="100000001AA"),
    Eleve(nom="BERGER", prenom="Chloé", classe="3B", ine="100000002AA"),
    Eleve(nom="CARON", prenom="Éloïse", classe="3B", ine="100000003AA"),
    Eleve(nom="DUPONT", prenom="Malo", classe="3B", ine="100000004AA"),
    Eleve(nom="ÉTIENNE", prenom="Jules", classe="3B", ine="100000005AA"),
    Eleve(nom="FABRE", prenom="Nina", classe="3B", ine="100000006AA"),
    Eleve(nom="GARNIER", prenom="Lou", classe="3D", ine="100000007AA", accompagnement=frozenset({"ULIS"})),
    Eleve(nom="HENRY", prenom="Tom", classe="3D", ine="100000008AA"),
    Eleve(nom="IBERT", prenom="Sami", classe="5A", ine="100000009AA", accompagnement=frozenset({"ULIS"})),
    Eleve(nom="JOLY", prenom="Anaïs", classe="5A", ine="100000010AA"),
]
MATIERES = [Matiere(libelle="FRANÇAIS"), Matiere(libelle="MATHÉMATIQUES")]
#: (français, mathématiques) par trimestre.
NOTES = {
    "ARNAUD": {"T1": (8, 10), "T2": (12, 14)},
    "BERGER": {"T1": (11, 11), "T2": (12, 13)},
    "CARON": {"T1": (15, 15), "T2": (11, 12)},
    "DUPONT": {"T1": (12, 12), "T2": (11, 11)},
    "ÉTIENNE": {"T1": (10, 10), "T2": (10, 11)},
    "FABRE": {"T2": (14, 14)},
}


def _journees(ref: RefEleve, jours: list[dt.date], statut: str = "non_justifiee",
              motif: str | None = None) -> list[Absence]:
    return [Absence(eleve=ref, debut=dt.datetime.combine(j, dt.time(8)), fin=dt.datetime.combine(j, dt.time(17)),
                    demi_journees_brutes=2, demi_journees_calculees=2, statut=statut, motif=motif) for j in jours]


def _matin(ref: RefEleve, jour: dt.date, statut: str = "non_justifiee", motif: str | None = None) -> Absence:
    return Absence(eleve=ref, debut=dt.datetime.combine(jour, dt.time(8)), fin=dt.datetime.combine(jour, dt.time(12)),
                   demi_journees_brutes=1, demi_journees_calculees=1, statut=statut, motif=motif)


def lots(dossier: Path) -> list[Lot]:
    def f(nom: str) -> Path:
        p = dossier / nom
        p.write_text(nom)
        return p

    ref = {e.nom: RefEleve(nom=e.nom, prenom=e.prenom, classe=e.classe) for e in ELEVES}
    effectif = Lot(
        source="pronote-eleves", fichier=f("eleves.csv"), effectif=True, annee="2025-2026", eleves=ELEVES,
        periodes=PERIODES, matieres=MATIERES, lignes_lues=len(ELEVES),
        classes=[Classe(nom="5A", niveau="5e"), Classe(nom="3B", niveau="3e"), Classe(nom="3D", niveau="3e")],
    )
    notes = []
    for nom, par in NOTES.items():
        for tri, valeurs in par.items():
            base = dt.date(2025, 10, 6) if tri == "T1" else dt.date(2026, 1, 12)
            for m, v in zip(MATIERES, valeurs):
                for k in range(3):
                    d = Devoir(classe="3B", matiere=m.libelle, date=base + dt.timedelta(days=7 * k),
                               titre=f"Devoir {k + 1}", periode="Trimestre 1" if tri == "T1" else "Trimestre 2")
                    notes.append(Note(eleve=ref[nom], devoir=d, valeur=float(v)))
    lot_notes = Lot(source="pronote-notes", fichier=f("notes.csv"), notes=notes, lignes_lues=len(notes))
    j = dt.date
    absences = (
        _journees(ref["HENRY"], [j(2026, 1, 12), j(2026, 1, 13), j(2026, 1, 15), j(2026, 1, 16), j(2026, 1, 19)])
        + _journees(ref["JOLY"], [j(2026, 1, 12), j(2026, 1, 13)])
        + _journees(ref["ARNAUD"], [j(2026, 1, 12)]) + [_matin(ref["ARNAUD"], j(2026, 1, 13))]
        + _journees(ref["CARON"], [j(2025, 12, 8), j(2025, 12, 9)]) + [_matin(ref["CARON"], j(2025, 12, 11))]
        + [_matin(ref["DUPONT"], j(2026, 1, 20), "en_attente"),
           _matin(ref["BERGER"], j(2026, 1, 22), "en_attente", "Rendez-vous médical")]
    )
    vie = Lot(source="pronote-absences", fichier=f("absences.csv"), absences=absences, lignes_lues=len(absences))
    evals = [
        Evaluation(eleve=ref["IBERT"], referentiel="socle", domaine="CPD_FRA", item="CPD_FRA", niveau=n,
                   libelle_source="Français", date=d)
        for n, d in ((2, j(2026, 1, 10)), (3, j(2026, 2, 20)))
    ] + [
        Evaluation(eleve=ref["GARNIER"], referentiel="ULIS", domaine="Lecture", item="Lire un texte court",
                   niveau=n, libelle_source="Lire un texte court", date=d)
        for n, d in ((1, j(2025, 12, 1)), (2, j(2026, 2, 5)))
    ] + [
        Evaluation(eleve=ref["ARNAUD"], referentiel="socle", domaine="CPD_FRA", item="CPD_FRA", niveau=4,
                   libelle_source="Français", date=j(2026, 2, 25)),
    ]
    comp = Lot(source="lsu", fichier=f("lsu.xml"), evaluations=evals, lignes_lues=len(evals))
    return [effectif, lot_notes, vie, comp]


def construire(db: Path) -> Path:
    """Écrit l'école dans ``db`` et renvoie son chemin."""
    dossier = db.parent / "sources-accueils"
    dossier.mkdir(exist_ok=True)
    with ecriture(db) as wh:
        for lot in lots(dossier):
            res = wh.importer(lot)
            assert res.statut == "reussi", res.message
    return db
