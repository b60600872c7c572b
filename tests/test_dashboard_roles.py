"""Connexion obligatoire, périmètre de chaque rôle page par page, journal d'accès, échappement HTML."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import acces
from models.acces import Utilisateur
from tests.ecole_dashboard import construire
from tests.test_dashboard_pages import APP, ouvrir

RACINE = Path(__file__).resolve().parents[1]
TOUS = {"LOPEZ Inès", "MOREAU Théo", "PETIT Hugo", "=HACK Zoé", "DURAND Léa"}


@pytest.fixture(scope="module")
def ecole_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = construire(tmp_path_factory.mktemp("roles") / "ecole.duckdb")
    acces.ajouter_compte(db, "pp3a", "professeur_principal", "mot de passe du pp", classes=("3A",))
    return db


@pytest.fixture
def ecole(ecole_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DB", str(ecole_db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return ecole_db


def _texte(at: AppTest) -> str:
    morceaux = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.header]
    morceaux += [str(o) for s in at.selectbox for o in s.options]
    morceaux += [df.value.to_string() if hasattr(df.value, "to_string") else str(df.value) for df in at.dataframe]
    return "\n".join(morceaux)


def _eleves_proposes(at: AppTest) -> set[str]:
    choix = next(s for s in at.selectbox if s.label == "Élève")
    return set(choix.options)  # AppTest donne les libellés affichés


def test_connexion_exigee_hors_demo(ecole):
    at = ouvrir("accueil", utilisateur=None)
    assert [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]
    assert not any(nom.split()[0] in _texte(at) for nom in TOUS)
    at.text_input[0].input("pp3a")
    at.text_input[1].input("faux mot de passe")
    at.button[0].click().run()
    assert any("incorrect" in e.value for e in at.error)
    at.text_input[1].input("mot de passe du pp")
    at.button[0].click().run()
    assert not at.exception
    assert any("Connecté : pp3a (Professeur principal — 3A)" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "utilisateur, attendus",
    [
        (Utilisateur("d", "direction"), TOUS),
        (Utilisateur("pp", "professeur_principal", classes=("3A",)), {"DURAND Léa"}),
        (Utilisateur("e", "enseignant", classes=("2 MELEC",)), TOUS - {"DURAND Léa"}),
        (Utilisateur("c", "cpe"), TOUS),
    ],
)
def test_page_eleve_limitee_au_perimetre(ecole, utilisateur, attendus):
    at = ouvrir("eleve", utilisateur=utilisateur)
    classes = next((s.options for s in at.selectbox if s.label == "Classe"), [])
    vus = set()
    for classe in classes:
        at.selectbox(key="classe").select(classe).run()
        vus |= _eleves_proposes(at)
    assert vus == attendus


def test_le_cpe_ne_voit_aucune_note(ecole):
    direction = ouvrir("eleve", utilisateur=Utilisateur("d", "direction"))
    assert not any("Aucune note" in i.value for i in direction.info)
    cpe = ouvrir("eleve", utilisateur=Utilisateur("c", "cpe"))
    # Ni onglet Notes ni « Aucune note… importez les notes » (faux : le rôle ne voit pas les notes) ; la
    # fiche s'ouvre sur les absences (issue #20).
    assert not any("Aucune note" in i.value for i in cpe.info)
    assert [t.label for t in cpe.tabs][0] == "Absences" and "Notes" not in [t.label for t in cpe.tabs]
    assert not any("Moyenne" in " ".join(map(str, d.value.columns)) for d in cpe.dataframe)


def test_coordonnateur_ulis_sans_eleve_ulis_ne_voit_personne(ecole):
    at = ouvrir("eleve", utilisateur=Utilisateur("u", "coordonnateur_ulis"))
    assert not any(nom.split()[0] in _texte(at) for nom in TOUS)


def test_l_import_est_reserve_a_la_direction(ecole):
    assert any(s.label == "Sorte des fichiers" for s in ouvrir("imports").selectbox)
    at = ouvrir("imports", utilisateur=Utilisateur("c", "cpe"))
    assert not any(s.label == "Sorte des fichiers" for s in at.selectbox) and not at.file_uploader


def test_chaque_page_ouverte_est_journalisee(ecole):
    u = Utilisateur("pp-audit", "professeur_principal", classes=("2 MELEC",))
    ouvrir("conseil", utilisateur=u)
    journal = acces.lire_audit(ecole, utilisateur="pp-audit")
    assert {"Accueil", "Conseil de classe"} <= set(journal["objet"])
    assert set(journal["action"]) == {"consultation"}


def test_nom_d_eleve_en_html_echappe(ecole, tmp_path, monkeypatch):
    from models.records import Eleve, Lot
    from models.warehouse import ecriture

    f = tmp_path / "roll.csv"
    f.write_text("x")
    with ecriture(ecole) as wh:
        wh.importer(Lot(source="pronote-eleves", fichier=f, effectif=True, eleves=[
            Eleve(nom="<script>alert(1)</script>", prenom="<b>Bob</b>", classe="3A")]))
    at = ouvrir("eleve", utilisateur=Utilisateur("d", "direction"))
    at.selectbox(key="classe").select("3A").run()
    for e in at.markdown:  # jamais de HTML brut : Streamlit échappe, aucun unsafe_allow_html
        assert not getattr(e.proto, "allow_html", False) or "<script>" not in e.value
    assert not list(RACINE.joinpath("dashboard").rglob("*.py")) or all(
        "unsafe_allow_html=True" not in p.read_text() for p in RACINE.joinpath("dashboard").rglob("*.py"))


def test_telemetrie_coupee():
    config = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
