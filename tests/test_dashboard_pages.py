"""Chaque page du tableau de bord, par ``streamlit.testing.v1.AppTest`` depuis le point d'entrée (navigation
``st.navigation``) : sur un entrepôt vide, puis sur une petite école ; les chiffres affichés sont ceux de
``models/``."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import format as fr
from models import moyennes as mm
from models.acces import Utilisateur
from models.warehouse import lecture
from tests.ecole_dashboard import CLASSE, construire

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PAGES = ["accueil", "imports", "classe", "conseil", "eleve", "absences", "alertes", "competences", "pix"]


@pytest.fixture
def vide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "vide.duckdb"
    monkeypatch.setenv("VIGIE_DB", str(db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return db


@pytest.fixture(scope="module")
def ecole_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return construire(tmp_path_factory.mktemp("ecole") / "ecole.duckdb")


@pytest.fixture
def ecole(ecole_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DB", str(ecole_db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return ecole_db


DIRECTION = Utilisateur("test", "direction", "Direction de test")


def ouvrir(page: str, utilisateur: Utilisateur | None = DIRECTION, **query: str) -> AppTest:
    """La page, pour un utilisateur déjà connecté (``None`` : personne, l'école fictive seule s'ouvre)."""
    at = AppTest.from_file(APP, default_timeout=120)
    if utilisateur is not None:
        at.session_state["vigie_utilisateur"] = utilisateur
    at.query_params.update(query)
    at.run()
    if page != "accueil":
        at.switch_page(f"ecrans/{page}.py")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def lien_eleve(db: Path, eleve_id: str) -> str:
    """La clé opaque de l'élève dans l'adresse (``?eleve=…``) : jamais son identifiant (``models.liens``)."""
    from models import liens

    return liens.cle(liens.secret(db), "eleve", eleve_id)


def metriques(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def graphiques(at: AppTest) -> list[dict]:
    """Les graphiques Altair affichés : la spécification, et les données (envoyées en Arrow) dans
    ``lignes``."""
    out = []
    for g in at.get("vega_lite_chart"):
        spec = json.loads(g.proto.spec)
        spec["lignes"] = [
            ligne for ds in g.proto.datasets for ligne in pa.ipc.open_stream(ds.data.data).read_all().to_pylist()
        ]
        out.append(spec)
    return out


def donnees(spec: dict) -> list[dict]:
    return spec["lignes"]


# --- Entrepôt vide ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_sur_entrepot_vide(vide: Path, page: str) -> None:
    at = ouvrir(page)
    messages = " ".join(i.value for i in at.info)
    assert "importez" in messages.lower(), messages


def test_bandeau_donnees_fictives(vide: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = ouvrir("accueil")
    assert not any("Données fictives" in w.value for w in at.warning)
    monkeypatch.setenv("VIGIE_DEMO", "1")
    at = ouvrir("accueil")
    assert any("Données fictives" in w.value for w in at.warning)


# --- Petite école -------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_sur_l_ecole(ecole: Path, page: str) -> None:
    at = ouvrir(page)
    assert at.title[0].value


def test_accueil_comptes_et_journal(ecole: Path) -> None:
    at = ouvrir("accueil")
    m = metriques(at)
    assert m["Élèves"] == "5" and m["Notes"] == "120" and m["Imports"] == "5"
    at = ouvrir("imports")  # le journal et le dépôt de fichiers, à un clic de l'accueil
    journal = next(d.value for d in at.dataframe if "Lues" in d.value.columns)
    assert journal.shape[0] == 5  # journal : cinq imports
    # Des libellés pour une personne, jamais le code interne (issue 22) ; cases vides en « — ».
    assert "Pronote — notes des devoirs" in at.selectbox[0].options
    assert not any(o == "pronote-notes" for o in at.selectbox[0].options)
    assert set(journal["Statut"].to_list()) == {"Réussi"}
    assert set(journal["Source"].to_list()) <= set(fr.SOURCES.values())


def _moyenne_classe(db: Path, periode: str) -> float:
    with lecture(db) as wh:
        g = mm.moyennes(wh, classe=CLASSE, periode=periode).filter(pl.col("matiere").is_null())
    return g["moyenne_classe"][0]


def test_classe_moyenne_egale_aux_modeles(ecole: Path) -> None:
    at = ouvrir("classe")
    assert at.sidebar.selectbox(key="classe").value == CLASSE
    assert at.sidebar.selectbox(key="periode").value == "Trimestre 2"  # dernière période notée
    assert metriques(at)["Moyenne de la classe"] == fr.nombre(_moyenne_classe(ecole, "Trimestre 2"))
    at.sidebar.selectbox(key="periode").select("Trimestre 1").run()
    assert not at.exception
    attendu = fr.nombre(_moyenne_classe(ecole, "Trimestre 1"))
    assert metriques(at)["Moyenne de la classe"] == attendu
    # à la main : LOPEZ 59/5 = 11,8 ; MOREAU 71/5 = 14,2 ; PETIT 54/5 = 10,8 ; =HACK 12 → 48,8/4
    assert attendu == "12,20"


def test_classe_sans_notes(ecole: Path) -> None:
    at = ouvrir("classe")
    at.sidebar.selectbox(key="classe").select("3A").run()
    assert not at.exception
    assert any("Aucune note" in i.value for i in at.info)


# Le conseil de classe a ses propres tests : tests/test_conseil.py.


def test_conseil_pdf(ecole: Path) -> None:
    at = ouvrir("conseil")
    at.button(key="pdf_conseil").click().run()
    assert not at.exception
    assert at.get("download_button")


def test_eleve_par_lien(ecole: Path) -> None:
    at = ouvrir("eleve", eleve=lien_eleve(ecole, "222222222BB"))
    assert at.header[0].value == f"MOREAU Théo — {CLASSE}"
    tendance = next(s for s in graphiques(at) if s.get("title") == "Moyenne générale")
    points = [d["moyenne"] for d in donnees(tendance) if d.get("serie") == "Élève"]
    assert points == pytest.approx([14.2, 9.2])  # la tendance baisse


def test_absences_seuil_du_mois(ecole: Path) -> None:
    at = ouvrir("absences")
    assert at.selectbox(key="absences_mois").value.strftime("%m/%Y") == "01/2026"
    assert any(m.value.startswith("**≥ 4 demi-journées** — 1 élève(s)") for m in at.markdown)
    liste = at.dataframe[0].value
    assert list(liste["Nom"]) == ["PETIT"] and list(liste["Non justifiées"]) == [6]
    assert liste["Jours"].iloc[0] == "06/01, 13/01, 20/01"
    attente = next(d.value for d in at.dataframe if "En attente depuis (jours)" in d.value.columns)
    assert list(attente["Nom"]) == ["MOREAU"]


def test_alertes_filtres_et_liens(ecole: Path) -> None:
    at = ouvrir("alertes")
    assert at.get("download_button")
    total = sum(int(v) for v in metriques(at).values())
    assert total > 0
    at.multiselect(key="alertes_gravites").select("alerte").run()
    assert not at.exception
    m = metriques(at)
    assert m["Attention"] == "0" and m["Information"] == "0" and m["Alerte"] != "0"
    liens = at.get("page_link")
    assert liens and all("eleve" in json.dumps(str(l.proto)) for l in liens)
    # Un tableau (25 alertes par page), pas une boîte par alerte ; le détail d'une seule alerte.
    tableau = next(d.value for d in at.dataframe if "Explication" in d.value.columns)
    assert any("PETIT" in e for e in tableau["Élève"]) and set(tableau["Gravité"]) == {"Alerte"}
    assert not at.expander and len(liens) == 1
    assert not any("None" in str(v) for v in tableau.astype(str).to_numpy().ravel())


def test_competences_progres(ecole: Path) -> None:
    at = ouvrir("competences")
    at.selectbox(key="competences_eleve").select("111111111AA").run()
    assert not at.exception
    suivi = at.dataframe[0].value
    assert list(suivi["Évolution"]) == ["↗ progrès"]
    assert list(suivi["Dernier niveau"]) == ["3 — Maîtrise satisfaisante"]


def test_pix(ecole: Path) -> None:
    at = ouvrir("pix")
    m = metriques(at)
    assert m["Participants"] == "2" and m["Certifiables"] == "1"


def test_pix_participants_sans_none(ecole_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Une campagne de collecte de profils n'a pas de progression : la grille affichait « None »
    (map_elements laisse les cellules vides), elle affiche « — »."""
    import shutil

    import duckdb

    db = tmp_path / "sans_progression.duckdb"
    shutil.copyfile(ecole_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE t_pix_profils SET progression = NULL")
    monkeypatch.setenv("VIGIE_DB", str(db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    at = ouvrir("pix")
    assert "—" in at.dataframe[0].value["Progression"].to_list()
    for df in at.dataframe:
        v = df.value
        for col in v.columns:
            assert not v[col].isna().any(), f"cellule vide (« None » à l'écran) dans la colonne {col}"
