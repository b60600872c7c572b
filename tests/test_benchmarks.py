"""Test de fumée des mesures : chaque cas tourne sur un jeu minuscule (un passage) et produit son tableau.

Aucune durée n'est affirmée (la vitesse ne se teste pas) : on vérifie les lignes, les comptes et l'égalité
des notes entre Vigie et le chargeur naïf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.__main__ import main
from benchmarks.mesure import Mesure, tableau

pytestmark = pytest.mark.slow


def test_tableau_mediane_ratio_et_verdict() -> None:
    ref = Mesure("a", "réf", [1.0, 3.0, 2.0])
    m = Mesure("a", "x", [4.0, 5.0, 6.0, 100.0, 3.0], reference=ref, cible="≤ 1,5×",
               atteinte=lambda x: x.ratio is not None and x.ratio <= 1.5)
    assert m.mediane == 5.0 and ref.mediane == 2.0
    assert m.ratio == 2.5 and m.verdict == "manquée"
    ligne = tableau([m]).splitlines()[2]
    assert "| 5.000 s | 3.000 – 100.0 | 5 | 2.50× réf | ≤ 1,5× | manquée |" in ligne


def test_tous_les_cas_sur_un_jeu_minuscule(tmp_path: Path) -> None:
    code = main(["--taille", "XS", "--runs", "1", "--data", str(tmp_path), "--academies", "2",
                 "--distincts", "1"])
    texte = (tmp_path / "resultats-XS-abcd.md").read_text(encoding="utf-8")
    assert code == 0, texte
    lignes = {l.split("|")[2].strip(): l for l in texte.splitlines() if l.startswith("| ") and "---" not in l}
    assert "Python 3." in texte and "DuckDB 2." in texte
    # (a) les trois chargeurs, un passage chacun, les mêmes notes
    assert "| 1 |" in lignes["import Vigie des notes (XS)"]
    notes = int(re.search(r"(\d+) notes", lignes["import Vigie des notes (XS)"])[1])
    assert f"{notes} notes, mêmes notes" in lignes["chargeur naïf (pandas + pydantic + SQLite)"]
    assert "× DuckDB read_csv" in lignes["import Vigie des notes (XS)"]
    assert "24 fichiers" in lignes["DuckDB read_csv (référence)"]
    assert "mêmes notes que Vigie : oui" in lignes["chargeur naïf (pandas + pydantic + SQLite)"]
    assert "| erreur |" not in texte
    # (b) une ligne par page déclarée à st.navigation, sans exception
    pages = [k for k in lignes if k.startswith("page ")]
    assert {"page accueil (XS)", "page classe (XS)", "page alertes (XS)"} <= set(pages)
    assert all("erreur" not in lignes[p] for p in pages)
    # (c) le jeu de fichiers puis une académie de 2 établissements, dont 1 recopié
    assert f"1 étab., 60 élèves, {notes} notes" in lignes["moyennes + alertes, XS (fichiers)"]
    notes_academie = int(re.search(r"2 étab\., \d+ élèves, (\d+) notes", lignes["moyennes + alertes, 2 étab."])[1])
    assert notes_academie > 10 * notes  # deux établissements entiers sur deux années, pas 24 fichiers
    assert "× temps par note, XS (fichiers)" in lignes["temps par note, 2 étab."]
    # (d) la pointe de l'import dépasse le socle de l'interpréteur
    pic = float(lignes["pointe pendant l'import des notes (XS), processus et descendants"].split("|")[3].split()[0])
    principal = float(lignes["pointe du seul processus qui écrit (VmHWM)"].split("|")[3].split()[0])
    socle = float(lignes["socle de l'interpréteur (modules importés)"].split("|")[3].split()[0])
    assert pic > socle > 20 and principal > socle
