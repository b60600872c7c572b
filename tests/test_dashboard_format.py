"""Formats français et export CSV du tableau de bord."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard import format as fr


def test_nombres_et_dates() -> None:
    assert fr.nombre(12.5) == "12,50"
    assert fr.nombre(8.666666) == "8,67"
    assert fr.nombre(1234.5, 1) == "1\u202f234,5"
    assert fr.nombre(None) == "—"
    assert fr.signe(-0.5) == "−0,50" and fr.signe(1.25) == "+1,25"
    assert fr.pourcentage(0.125) == "12,5\u00a0%"
    assert fr.date(dt.date(2026, 3, 4)) == "04/03/2026"
    assert fr.date(dt.datetime(2026, 3, 4, 8, 5)) == "04/03/2026 08:05"


def test_csv_neutralise_les_formules_mais_pas_les_nombres() -> None:
    df = pl.DataFrame({
        "nom": ["=HYPERLINK(\"x\")", "+33", "-moi", "@SUM(A1)", "DUPONT"],
        "note": [-1.5, 12.0, None, 3.25, 10.0],
        "jour": [dt.date(2026, 1, 6)] * 5,
    })
    texte = fr.csv(df).decode("utf-8")
    assert texte.startswith("\ufeff")
    lignes = texte.lstrip("\ufeff").splitlines()
    assert lignes[0] == "nom;note;jour"
    # les nombres comme la page les montre (models.nombres : deux décimales, sans espace des milliers)
    assert lignes[1] == '"\'=HYPERLINK(""x"")";-1,50;06/01/2026'
    assert lignes[2].startswith("'+33;12,00;")
    assert lignes[3].startswith("'-moi;;")
    assert lignes[4].startswith("'@SUM(A1);3,25;")
    assert lignes[5].startswith("DUPONT;10,00;")


def test_csv_et_page_arrondissent_pareil() -> None:
    # 262,1 / 20 = 13,105 : la page et son export disent 13,11 (avant : « 13,1 » dans le CSV, arrondi de
    # Polars, et 13,10 ou 13,11 dans la page selon le bruit de la somme).
    texte = fr.csv(pl.DataFrame({"moyenne": [262.1 / 20, 1234.5]})).decode("utf-8").lstrip("\ufeff")
    assert texte.splitlines()[1:] == ["13,11", "1234,50"] and fr.nombre(262.1 / 20) == "13,11"


def test_periode_mois_en_toutes_lettres():
    from dashboard import format as fr

    assert fr.periode("2025-11") == "novembre 2025"
    assert fr.periode("Trimestre 2") == "Trimestre 2"
    assert fr.periode("2025-13") == "2025-13" and fr.periode(None) == ""


def test_pas_de_select_all_anglais_dans_les_listes_a_choix_multiples() -> None:
    """Streamlit 1.67 ajoute « Select all » à une liste à choix multiples sauf si ``select_all=False`` :
    chaque ``multiselect`` des pages le coupe (issue 22)."""
    import ast
    from pathlib import Path

    racine = Path(__file__).resolve().parent.parent / "dashboard"
    appels = []
    for fichier in racine.rglob("*.py"):
        for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
            if isinstance(noeud, ast.Call) and getattr(noeud.func, "attr", None) == "multiselect":
                options = {k.arg: k.value for k in noeud.keywords}
                appels.append((fichier.name, noeud.lineno,
                               isinstance(options.get("select_all"), ast.Constant) and options["select_all"].value is False))
    assert appels
    assert [a for a in appels if not a[2]] == []


def test_depot_de_fichier_en_francais() -> None:
    """Aucune option de Streamlit ne traduit le dépôt de fichier : la feuille de style (dernier recours)
    remplace « Upload » et « 200MB per file », et le point d'entrée l'injecte."""
    from pathlib import Path

    from dashboard import ui

    assert "Choisir un fichier" in ui.STYLE_FRANCAIS and "stFileUploaderDropzoneInstructions" in ui.STYLE_FRANCAIS
    app = (Path(__file__).resolve().parent.parent / "dashboard" / "app.py").read_text(encoding="utf-8")
    assert "ui.style_francais()" in app


def test_chaque_sorte_d_import_a_son_libelle() -> None:
    import connectors
    from dashboard import format as fr

    assert set(fr.SOURCES) == set(connectors.SOURCES)
    assert fr.statut_import("rejete") == "Refusé" and fr.statut_import("reussi") == "Réussi"


def test_chaque_statut_de_note_a_son_libelle() -> None:
    from models.records import StatutNote

    assert set(fr.STATUTS_NOTE) == {s.value for s in StatutNote}
    assert fr.statut_note("non_rendu") == "Non rendu" and fr.statut_note(None) == "—"
