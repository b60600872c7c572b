"""``vigie import`` de nombreux fichiers : lus par plusieurs processus, écrits dans l'ordre du plan, avec
exactement le résultat d'une lecture un par un (refus situés compris)."""

from __future__ import annotations

from pathlib import Path

import pytest

import vigie_cli
from connectors import parallele
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
    monkeypatch.setattr(parallele, "SEUIL", 10**9)
    un_par_un = vigie_cli.importer_fichiers(tmp_path / "seq.duckdb", plan, afficher=False)
    monkeypatch.setattr(parallele, "SEUIL", 2)
    monkeypatch.setattr(parallele, "MORCEAU", 3)  # plusieurs morceaux en vol chez chaque lecteur
    monkeypatch.setattr(parallele, "coeurs", lambda: 2)  # deux lecteurs, même sur une machine à un cœur
    confies = []
    confier = parallele._Lecteur.confier
    monkeypatch.setattr(parallele._Lecteur, "confier", lambda lecteur, m: confies.append(m) or confier(lecteur, m))
    paralleles = vigie_cli.importer_fichiers(tmp_path / "par.duckdb", plan, afficher=False)
    assert sum(map(len, confies)) == len(plan)  # tous lus par les processus lecteurs
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


def test_un_script_sans_garde_ne_gene_pas_les_lecteurs(plan, tmp_path, monkeypatch) -> None:
    """Le script principal de l'appelant (Streamlit, un script sans ``if __name__ == "__main__"``) n'est
    jamais rejoué par les lecteurs : ce sont des interpréteurs neufs."""
    import sys
    import types

    piege = tmp_path / "piege.py"
    piege.write_text("raise SystemExit('script principal rejoué')\n")
    faux = types.ModuleType("__main__")
    faux.__file__ = str(piege)
    monkeypatch.setitem(sys.modules, "__main__", faux)
    monkeypatch.setattr(parallele, "SEUIL", 2)
    monkeypatch.setattr(parallele, "coeurs", lambda: 2)
    lus = list(parallele.lectures(plan[:8]))
    assert [type(x).__name__ for x in lus] == ["Lot"] * 8


def test_les_refus_des_lecteurs_sont_rendus_dans_l_ordre(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(parallele, "SEUIL", 2)
    monkeypatch.setattr(parallele, "coeurs", lambda: 2)
    # une option que le connecteur ne sait pas lire : refus situé, rendu dans l'ordre
    f = tmp_path / "MATHS.csv"
    f.write_text("x", encoding="utf-8")
    lus = list(parallele.lectures([("pronote-notes", f, {"inconnue": 1})] * 3))
    assert all(isinstance(x, ImportRejected) and "option(s) inconnue(s)" in x.raison for x in lus)
