"""Un import volumineux lancé dans un sous-processus (tests de panne et de concurrence).

Usage : ``python -m tests.outils.gros_import DB N_ELEVES VALEUR [REPETITIONS] [--pause]`` — importe la
liste de N élèves puis, REPETITIONS fois, un lot de notes où toutes les notes valent alternativement
VALEUR et VALEUR + 1 : un lecteur ne doit jamais voir deux valeurs à la fois. Avec ``--pause``, le
premier import s'arrête au milieu de son écriture (devoirs écrits, notes pas encore), l'annonce par
« ecriture » sur la sortie et attend : le test de panne le tue là, à coup sûr.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import tempfile
from pathlib import Path

from models.records import Devoir, Eleve, Lot, Note, Periode, RefEleve
from models.warehouse import ecriture

PERIODE = Periode(nom="Trimestre 1", annee="2025-2026", debut=dt.date(2025, 9, 1), fin=dt.date(2025, 11, 30))


def eleves(n: int) -> list[Eleve]:
    return [Eleve(nom=f"NOM{i:05d}", prenom=f"Prenom{i:05d}", classe=f"C{i % 30:02d}") for i in range(n)]


def lot_notes(dossier: Path, liste: list[Eleve], valeur: float, devoirs: int = 10) -> Lot:
    f = dossier / f"notes-{valeur}.csv"
    f.write_text(f"notes {valeur}")
    ds = {c: [Devoir(classe=c, matiere="MATHEMATIQUES", date=dt.date(2025, 10, 1 + k), titre=f"DS{k}")
              for k in range(devoirs)] for c in {e.classe for e in liste}}
    notes = [
        Note(eleve=RefEleve(nom=e.nom, prenom=e.prenom, classe=e.classe), devoir=d, valeur=valeur)
        for e in liste for d in ds[e.classe]
    ]
    return Lot(source="pronote-notes", fichier=f, notes=notes, lignes_lues=len(notes))


def main() -> None:
    pause = "--pause" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--pause"]
    db, n, valeur = Path(args[0]), int(args[1]), float(args[2])
    repetitions = int(args[3]) if len(args) > 3 else 1

    def progression(etape: str, _part: float) -> None:
        if pause and etape == "écriture de t_devoirs":
            print("ecriture", flush=True)
            time.sleep(600)
    liste = eleves(n)
    with tempfile.TemporaryDirectory() as tmp:
        dossier = Path(tmp)
        roll = dossier / "eleves.csv"
        roll.write_text("eleves")
        with ecriture(db) as wh:
            wh.importer(Lot(source="pronote-eleves", fichier=roll, effectif=True, eleves=liste, periodes=[PERIODE]))
        lots = [lot_notes(dossier, liste, valeur), lot_notes(dossier, liste, valeur + 1)]
        print("pret", flush=True)
        for i in range(repetitions):
            with ecriture(db) as wh:
                res = wh.importer(lots[i % 2], progression=progression)
                assert res.statut == "reussi", res.message
            print(f"import {i}", flush=True)


if __name__ == "__main__":
    main()
