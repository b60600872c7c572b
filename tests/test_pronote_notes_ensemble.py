"""La lecture ensembliste d'un paquet d'exports Notes (``pronote_notes.lire_plusieurs``) rend, fichier par
fichier, exactement ce que rend la lecture d'un seul fichier (``pronote_notes.lire``) : mêmes élèves
désignés, mêmes devoirs, mêmes notes dans le même ordre, mêmes moyennes et décomptes, et le même refus
(raison, ligne, colonne) — sur tous les fichiers CSV des tests (fixtures, corpus de fichiers invalides,
exports d'autres sortes que Notes, qui doivent être refusés de même) et sur une école générée, lus
ensemble dans un seul paquet avec plusieurs jeux d'options.

Écrit contre l'ancien lecteur ligne par ligne (au commit qui l'a introduit : mêmes lots et mêmes refus sur ces fichiers,
sur les 6 318 exports du jeu M et sur 500 paquets d'exports mutés), qui a ensuite été retiré : ``lire`` lit
maintenant un paquet d'un seul fichier. Le test garde ce qu'il reste à garantir : un fichier lu au milieu
d'un paquet (autres fichiers, autres options, refus voisins) rend ce qu'il rend seul."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors import pronote_notes
from models.errors import ImportRejected
from models.records import Lot, NotesLues

ICI = Path(__file__).parent
OPTIONS: list[dict[str, Any]] = [
    {}, {"classe": "3A"}, {"periode": "Trimestre 1"}, {"matiere": "MATHEMATIQUES", "ramener_sur_20": "oui"},
    {"periode": "Trimestre 2", "classe": "3B", "nouvelles_matieres": True},
]


def _fichiers() -> list[Path]:
    return sorted(p for p in (ICI / "fixtures").rglob("*.csv")) + sorted((ICI / "corpus").rglob("*.csv"))


def _forme(r: Lot | ImportRejected) -> tuple:
    """Tout ce qu'un lot ou un refus dit, comparable."""
    if isinstance(r, ImportRejected):
        return ("refus", r.raison, str(r.fichier), r.ligne, r.colonne, tuple(r.details))
    n = r.notes
    # Le lecteur construit ses NotesLues sans revérifier chaque note (valeurs_lues=True) : la règle de Note
    # (valeur dans le barème de son devoir, aucune valeur hors statut « note ») tient quand même.
    NotesLues(n.eleves, n.devoirs, n.eleve, n.devoir, n.valeur, n.statut)
    return ("lot", r.source, str(r.fichier), r.lignes_lues, r.matiere_du_fichier, r.matiere_par_option,
            r.matieres_nouvelles,
            [e.model_dump() for e in n.eleves], [d.model_dump() for d in n.devoirs],
            list(n.eleve), list(n.devoir), list(n.valeur), [s.value for s in n.statut],
            [m.model_dump() for m in r.moyennes], [a.model_dump() for a in r.anomalies])


def _un_par_un(chemin: Path, options: dict[str, Any]) -> Lot | ImportRejected:
    try:
        return pronote_notes.lire(chemin, **options)
    except ImportRejected as err:
        return err


def _comparer(entrees: list[tuple[Path, dict[str, Any]]]) -> int:
    ensemble = pronote_notes.lire_plusieurs(entrees)
    assert len(ensemble) == len(entrees)
    lots = 0
    for (chemin, options), obtenu in zip(entrees, ensemble):
        attendu = _un_par_un(chemin, options)
        assert _forme(obtenu) == _forme(attendu), (chemin, options)
        lots += isinstance(obtenu, Lot)
    return lots


def test_fixtures_et_corpus_lus_ensemble_comme_un_par_un() -> None:
    entrees = [(f, o) for o in OPTIONS for f in _fichiers()]
    assert len(entrees) > 100
    assert _comparer(entrees) > 10  # des lots et des refus


@pytest.mark.slow
def test_ecole_generee_lue_ensemble_comme_un_par_un(tmp_path: Path) -> None:
    from sample_data.generateur import ecrire_ecole, generer

    plan = ecrire_ecole(generer(7, eleves=90, annees=1), tmp_path)
    entrees = [(c, o) for s, c, o in plan if s == "pronote-notes"]
    assert len(entrees) > 20
    assert _comparer(entrees) == len(entrees)


@pytest.mark.slow
def test_exports_mutes_lus_ensemble_comme_un_par_un(tmp_path: Path) -> None:
    """Des exports abîmés au hasard (les mutations du test de fuzzing), lus ensemble dans un paquet : chaque
    fichier rend le même lot ou le même refus que seul."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.test_fuzz import mute

    from connectors.common import lire_texte

    graines = [lire_texte(ICI / "fixtures" / "pronote" / n) for n in ("MATHEMATIQUES.csv", "ANGLAIS LV1.csv", "FRANCAIS.csv")]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(textes=st.lists(st.sampled_from(graines).flatmap(mute), min_size=1, max_size=6),
           options=st.sampled_from(OPTIONS))
    def verifier(textes: list[str], options: dict[str, Any]) -> None:
        entrees = []
        for k, texte in enumerate(textes):
            f = tmp_path / f"MATHEMATIQUES{k}.csv"
            f.write_bytes(texte.encode("utf-8", "surrogatepass"))
            entrees.append((f, options))
        _comparer(entrees)

    verifier()
