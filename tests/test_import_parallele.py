"""``vigie import`` de nombreux fichiers : lus par plusieurs processus, écrits dans l'ordre du plan, avec
exactement le résultat d'une lecture un par un (refus situés compris)."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import vigie_cli
from models.errors import ImportRejected
from models.warehouse import lecture
from sample_data.generateur import ecrire_ecole, generer


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> list[tuple[str, Path, dict]]:
    dossier = tmp_path_factory.mktemp("parallele")
    plan = ecrire_ecole(generer(7, eleves=60, etablissements=1, annees=1), dossier)
    notes = [i for i, p in enumerate(plan) if p[0] == "pronote-notes"]
    # Un export de notes coupé au milieu d'une ligne, glissé parmi les autres : refusé, situé, sans
    # empêcher les suivants.
    sorte, chemin, options = plan[notes[5]]
    coupe = dossier / "COUPE.csv"
    texte = chemin.read_text(encoding="utf-8-sig")
    coupe.write_text(texte[: texte.rindex('"') - 2], encoding="utf-8-sig")
    plan.insert(notes[5] + 1, (sorte, coupe, options))
    return plan


def _contenu(db: Path) -> tuple[list, list]:
    wh = lecture(db)
    try:
        notes = wh.con.execute(
            "SELECT eleve_id, devoir_id, valeur, statut FROM t_notes ORDER BY ALL").fetchall()
        journal = wh.con.execute(
            "SELECT source, fichier, sha256, statut, lignes_lues, lignes_inserees, message "
            "FROM t_imports ORDER BY import_id").fetchall()
    finally:
        wh.close()
    return notes, journal


def test_lecture_parallele_identique_a_la_lecture_une_par_une(plan, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(vigie_cli, "SEUIL_PARALLELE", 10**9)
    un_par_un = vigie_cli.importer_fichiers(tmp_path / "seq.duckdb", plan, afficher=False)
    monkeypatch.setattr(vigie_cli, "SEUIL_PARALLELE", 2)
    monkeypatch.setattr(vigie_cli, "MORCEAU", 3)  # plusieurs morceaux en vol, dans le désordre possible
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})  # deux cœurs, même sur un seul
    confies = []
    soumettre = ProcessPoolExecutor.submit
    monkeypatch.setattr(ProcessPoolExecutor, "submit",
                        lambda pool, f, *a: confies.append(a) or soumettre(pool, f, *a))
    paralleles = vigie_cli.importer_fichiers(tmp_path / "par.duckdb", plan, afficher=False)
    assert sum(len(m) for (m,) in confies) == len(plan)  # tous lus par les processus de lecture

    resume = [(r.fichier, r.statut, r.message, r.lignes_inserees) for r in un_par_un]
    assert [(r.fichier, r.statut, r.message, r.lignes_inserees) for r in paralleles] == resume
    assert len(resume) == len(plan)
    refus = [r for r in paralleles if r.statut == "rejete"]
    assert [r.fichier for r in refus] == ["COUPE.csv"]
    assert isinstance(refus[0].erreur, ImportRejected) and refus[0].erreur.ligne is not None
    assert "guillemet non fermé" in refus[0].message
    assert _contenu(tmp_path / "par.duckdb") == _contenu(tmp_path / "seq.duckdb")


def test_un_refus_traverse_les_processus_intact() -> None:
    import pickle

    err = ImportRejected("note illisible", fichier="/tmp/MATHS.csv", ligne=4, colonne="DS1", details=["a"])
    copie = pickle.loads(pickle.dumps(err))
    assert (copie.raison, copie.fichier, copie.ligne, copie.colonne, copie.details, str(copie)) == (
        "note illisible", "MATHS.csv", 4, "DS1", ["a"], str(err))
