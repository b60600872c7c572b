"""Chaque export du tableau de bord est consigné : pas de « Télécharger en CSV » intégré aux tableaux,
des boutons d'export qui écrivent au journal d'accès et neutralisent les formules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from models import acces
from models.acces import Utilisateur
from tests.test_dashboard_pages import ecole, ecole_db, ouvrir  # noqa: F401 (fixtures)

RACINE = Path(__file__).resolve().parents[1]


def test_l_export_integre_des_tableaux_est_coupe_par_l_option_de_streamlit():
    """``client.disableDataExport`` (Streamlit ≥ 1.67, ``streamlit/config.py``) retire le bouton de
    téléchargement CSV de ``st.dataframe`` et des vues tableau des graphiques — par une option, pas du CSS."""
    from streamlit import config

    assert "client.disableDataExport" in config._config_options_template
    reglage = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert reglage["client"]["disableDataExport"] is True
    # ``vigie serve`` lance Streamlit depuis la racine du dépôt : c'est ce fichier qu'il lit.
    import vigie_cli

    assert vigie_cli.RACINE == RACINE


def test_ni_menu_ni_liens_anglais_de_streamlit():
    """Le menu « ⋮ » (« Print », « Settings », « About ») et les liens « Ask Google / ChatGPT » des erreurs
    sont coupés par les options de Streamlit, dans la configuration que lit ``vigie serve``."""
    reglage = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"]
    assert reglage["toolbarMode"] == "minimal" and reglage["showErrorLinks"] is False
    assert reglage["showErrorDetails"] == "none"


def test_le_telechargement_est_coupe_par_l_option_et_la_css_ne_masque_que_l_anglais():
    """Le téléchargement des tableaux est coupé par l'option ``client.disableDataExport`` (ci-dessus), pas
    par une feuille de style. La seule feuille de style, ``ui.STYLE_FRANCAIS``, retire l'anglais que
    Streamlit 1.67 ne permet ni de traduire ni de couper par une option (issue 22) : le texte du dépôt de
    fichier (remplacé en français par ``::after``), la barre d'outils des tableaux et graphiques
    (« Search », « Fullscreen ») et le menu d'une colonne (« Sort ascending »…). Rien d'autre n'est masqué."""
    import re

    permis = ("stFileUploader", "stFileChip", "stElementToolbar", "stDataFrameColumnMenu")
    for page in (RACINE / "dashboard").rglob("*.py"):
        texte = page.read_text(encoding="utf-8")
        for feuille in re.findall(r"<style.*?</style>", texte, flags=re.S):
            selecteurs = re.findall(r'data-testid="(\w+)"', feuille)
            # (les « chips » sont les fichiers déposés, dans la zone de dépôt)
            assert selecteurs and all(s.startswith(permis) for s in selecteurs), (page, selecteurs)
            # Le texte anglais est retiré (``display: none``, hors du texte de la page que lit le parcours du
            # navigateur) ; celui du dépôt de fichier est remplacé par ``::after``.
            masques = re.findall(r"([^{}]+)\{[^}]*(?:display|visibility)[^}]*\}", feuille)
            assert masques and all(any(x in m for x in ("stFileUploaderDropzone", "stElementToolbar",
                                                         "stDataFrameColumnMenu"))
                                   for m in masques), (page, masques)
            assert "::after" in feuille, page
        if page.name != "ui.py":
            assert "stElementToolbar" not in texte, page


def test_aucun_telechargement_ne_contourne_le_journal():
    """Un ``st.download_button`` écrit ailleurs que dans ``ui.telecharger`` sortirait sans ligne au journal."""
    for page in (RACINE / "dashboard").rglob("*.py"):
        if page.name != "ui.py":
            assert "download_button" not in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize(
    "page, utilisateur, fichier",
    [
        ("alertes", Utilisateur("pp-export", "professeur_principal", classes=("2 MELEC",)), "alertes.csv"),
        ("conseil", Utilisateur("pp-export", "professeur_principal", classes=("2 MELEC",)), "conseil-2_MELEC"),
        ("absences", Utilisateur("cpe-export", "cpe"), ".csv"),
        ("pix", Utilisateur("dir-export", "direction"), "pix-"),
    ],
)
def test_chaque_export_est_consigne(ecole, page, utilisateur, fichier):  # noqa: F811
    at = ouvrir(page, utilisateur=utilisateur)
    boutons = [b for b in at.get("download_button") if "CSV" in b.proto.label]
    assert boutons, f"aucun export CSV sur la page {page}"
    avant = acces.lire_audit(ecole, utilisateur=utilisateur.identifiant).filter(
        acces.pl.col("action") == "export").height
    boutons[0].click().run()
    assert not at.exception
    exports = acces.lire_audit(ecole, utilisateur=utilisateur.identifiant).filter(
        acces.pl.col("action") == "export")
    assert exports.height == avant + 1
    assert fichier in exports["objet"][0]
    assert exports["role"][0] == utilisateur.role


def test_le_csv_exporte_neutralise_les_formules(ecole, monkeypatch):  # noqa: F811
    """L'école de test a un élève « =HACK Zoé » : dans l'export, la cellule commence par une apostrophe."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    servis: dict[str, bytes] = {}
    origine = MemoryMediaFileStorage.load_and_get_id

    def garder(self, donnees, mimetype, kind, filename=None):
        if filename and isinstance(donnees, bytes):
            servis[filename] = donnees
        return origine(self, donnees, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", garder)
    at = ouvrir("conseil", utilisateur=Utilisateur("d", "direction"))
    at.selectbox(key="classe").select("2 MELEC").run()
    assert not at.exception
    contenu = next(v for k, v in servis.items() if k.startswith("conseil-2_MELEC")).decode("utf-8-sig")
    lignes = contenu.splitlines()
    assert lignes[0].startswith("Élève;Moyenne générale;")
    assert any(l.startswith("'=HACK") for l in lignes) and not any(l.startswith("=HACK") for l in lignes)


def test_pas_d_export_en_mode_projection(ecole):  # noqa: F811
    at = ouvrir("conseil")
    at.toggle(key="projection").set_value(True).run()
    assert not [b for b in at.get("download_button") if "CSV" in b.proto.label]
