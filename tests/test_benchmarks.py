"""Test de fumée des mesures : chaque cas tourne sur un jeu minuscule (un passage) et produit son tableau.

Aucune durée n'est affirmée (la vitesse ne se teste pas) : on vérifie les lignes, les comptes et l'égalité
des notes entre Vigie et le chargeur naïf."""

from __future__ import annotations

import dataclasses
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
    # (b) se mesure sur une école où chaque page a de quoi s'afficher : voir test_pages_connectees_*
    code = main(["--taille", "XS", "--runs", "1", "--data", str(tmp_path), "--academies", "2",
                 "--distincts", "1", "--cas", "a,c,d"])
    texte = (tmp_path / "resultats-XS-acd.md").read_text(encoding="utf-8")
    assert code == 0, texte
    lignes = {l.split("|")[2].strip(): l for l in texte.splitlines() if l.startswith("| ") and "---" not in l}
    assert "Python 3." in texte and "DuckDB 2." in texte
    # (a) les trois chargeurs, un passage chacun, les mêmes notes
    assert "| 1 |" in lignes["import Vigie des notes (XS)"]
    notes = int(re.search(r"(\d+) notes", lignes["import Vigie des notes (XS)"])[1])
    assert f"{notes} notes, mêmes notes" in lignes["chargeur naïf (pandas + pydantic + SQLite)"]
    assert "× DuckDB read_csv de la liste" in lignes["import Vigie des notes (XS)"]
    assert "24 fichiers" in lignes["DuckDB read_csv de la liste (référence)"]
    # … fichier par fichier aussi, et le temps CPU de chacun contre celui des références
    assert "× DuckDB read_csv fichier par fichier" in lignes["import Vigie vs DuckDB fichier par fichier"]
    assert "| 1 |" in lignes["DuckDB read_csv fichier par fichier (référence)"]
    assert "× temps CPU : DuckDB read_csv de la liste" in lignes["temps CPU : import Vigie des notes (XS)"]
    assert "× temps CPU : chargeur naïf" in lignes["temps CPU : Vigie vs naïf"]
    assert "mêmes notes que Vigie : oui" in lignes["chargeur naïf (pandas + pydantic + SQLite)"]
    assert "| erreur |" not in texte
    # (c) « vigie alerts » de bout en bout, processus neufs, contre l'interpréteur et ses imports
    assert "× référence : interpréteur et imports" in lignes["vigie alerts, de bout en bout (XS)"]
    assert "| 1 |" in lignes["vigie alerts, temps de calcul (XS)"]
    # (c) moyennes tenues à jour : l'export d'un professeur réimporté, avec et sans rafraîchissement
    assert "× le même import sans rafraîchissement" in \
        lignes["import de l'export d'un professeur, rafraîchissement compris, XS (fichiers)"]
    assert "| 1 |" in lignes["purge de l'année 2025-2026 (rafraîchissement compris), XS (fichiers)"]
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


def test_pages_connectees_en_temps_de_script(tmp_path: Path) -> None:
    """Chaque page que voient la direction et le CPE, connectés, à froid et à chaud, sans erreur ; le CPE ne
    voit pas le conseil (PAGES_PAR_ROLE d'app.py)."""
    from benchmarks import pages
    from tests.ecole_dashboard import construire

    db, comptes = pages.preparer(construire(tmp_path / "source.duckdb"), tmp_path / "b")
    lignes = {m.nom: m for m in pages.mesurer_script(db, comptes, 1, "petite", ["direction", "cpe"])}
    assert {"script, conseil, direction, à froid (petite)", "script, conseil, direction, à chaud (petite)",
            "script, alertes, cpe, à chaud (petite)"} <= set(lignes)
    assert not any(n.startswith("script, conseil, cpe") for n in lignes)
    assert all(not m.erreurs and len(m.valeurs) == 1 for m in lignes.values()), \
        [(m.nom, m.erreurs) for m in lignes.values() if m.erreurs]


def test_pages_jamais_mesurees_sur_le_formulaire_de_connexion(tmp_path: Path, monkeypatch) -> None:
    """La première version mesurait la connexion sans le dire : une page non affichée est une erreur."""
    from streamlit.testing.v1 import AppTest

    from benchmarks import pages
    from tests.ecole_dashboard import construire

    db, comptes = pages.preparer(construire(tmp_path / "source.duckdb"), tmp_path / "b")
    monkeypatch.setenv("VIGIE_DB", str(db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    conseil = next(p for p in pages.pages() if p.nom == "conseil")
    at = AppTest.from_file(str(pages.APP), default_timeout=120)
    at.run()
    assert pages.contenu_absent(at, conseil, "direction") == "formulaire de connexion affiché"
    at = pages._connecter_apptest(comptes["direction"])
    assert pages.contenu_absent(at, conseil, "direction") == "titre « Conseil de classe » absent"  # l'accueil
    # une page dont le contenu manque (un st.stop avant le graphique) ne passe pas non plus
    titre_seul = dataclasses.replace(conseil, titre="Accueil")
    assert pages.contenu_absent(at, titre_seul, "direction") == "contenu absent : graphique"
    at.switch_page("ecrans/conseil.py").run()
    assert pages.contenu_absent(at, conseil, "direction") is None


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="chromium absent de /usr/bin/chromium")
def test_pages_dans_le_navigateur(tmp_path: Path) -> None:
    from benchmarks import pages
    from tests.ecole_dashboard import construire

    db, comptes = pages.preparer(construire(tmp_path / "source.duckdb"), tmp_path / "b")
    lignes = pages.mesurer_navigateur(db, comptes, 1, "petite", ["cpe"], captures=tmp_path / "captures")
    noms = [m.nom for m in lignes]
    assert noms[:2] == ["navigateur, plancher : page Streamlit presque vide, à chaud (petite)",
                        "navigateur, connexion cpe jusqu'à l'accueil rendu (petite)"]
    assert all(m.reference is lignes[0] for m in lignes[2:])  # ratio contre le plancher du même passage
    assert {"navigateur, alertes, cpe, à froid (petite)", "navigateur, absences, cpe, à chaud (petite)"} <= set(noms)
    assert all(not m.erreurs and len(m.valeurs) == 1 and 0 < m.valeurs[0] < 120 for m in lignes), \
        [(m.nom, m.erreurs) for m in lignes]
    assert (tmp_path / "captures" / "cpe-absences.png").stat().st_size > 10_000


def test_import_des_notes_mesure_chaque_passage_a_froid() -> None:
    """Cas (a) : chaque passage de Vigie part sans les caches de fonction du passage précédent (en-têtes de
    devoir, élèves), comme ``vigie import`` dans un processus neuf."""
    from benchmarks.import_notes import vider_caches
    from connectors import pronote_notes

    pronote_notes._ref("DUPONT Jean", "3A", 1)
    assert pronote_notes._ref.cache_info().currsize >= 1
    assert vider_caches() >= 3
    assert pronote_notes._ref.cache_info().currsize == 0
    assert pronote_notes._lire_entete.cache_info().currsize == 0
