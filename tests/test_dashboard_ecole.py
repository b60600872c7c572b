"""Le tableau de bord sur l'école synthétique (vrais fichiers, vrais connecteurs, comme ``vigie demo``) :
chaque page s'affiche, et les profils plantés se voient — le radar de l'élève mal orienté est
déséquilibré, la tendance du décrocheur baisse, l'absentéiste est sur la page du CPE."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import connectors
from models import absences as ma
from models import moyennes as mm
from models.warehouse import ecriture, lecture
from sample_data.generateur import ecrire_ecole, generer
from tests.test_dashboard_pages import PAGES, donnees, graphiques, lien_eleve, ouvrir


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    ecole = generer(eleves=120)
    dossier = tmp_path_factory.mktemp("demo")
    plan = ecrire_ecole(ecole, dossier / "fichiers")
    db = dossier / "demo.duckdb"
    with ecriture(db) as wh:
        wh.con.execute("INSERT INTO t_meta VALUES ('demo', '1')")  # comme vigie demo : école fictive
        for sorte, chemin, options in plan:
            res = wh.importer(connectors.lire(sorte, Path(chemin), **options), demo=True)
            assert res.statut == "reussi", res.message
    return db, ecole.verite


@pytest.fixture
def ecole(demo, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("VIGIE_DB", str(demo[0]))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)  # l'école fictive se reconnaît à l'entrepôt lui-même
    return demo


def _profil(verite: dict[str, list[str]], profil: str) -> str:
    return next(eid for eid, profils in verite.items() if profil in profils)


@pytest.mark.parametrize("page", PAGES)
def test_pages_sur_l_ecole_synthetique(ecole, page: str) -> None:
    at = ouvrir(page, utilisateur=None)  # l'école fictive s'ouvre sans connexion
    assert any("Données fictives" in w.value for w in at.warning)


def test_radar_de_l_eleve_mal_oriente_desequilibre(ecole) -> None:
    db, verite = ecole
    eid = _profil(verite, "fort_general_faible_pro")
    with lecture(db) as wh:
        fiche = wh.sql("SELECT classe, nom, prenom FROM eleves WHERE eleve_id = $e", {"e": eid}).row(0, named=True)
    at = ouvrir("conseil")
    at.sidebar.selectbox(key="classe").select(fiche["classe"]).run()
    at.selectbox(key="conseil_eleve").select(eid).run()
    assert not at.exception
    radar = next(s for s in graphiques(at) if s.get("title") == f"{fiche['nom']} {fiche['prenom']}")
    points = {d["matiere"]: d["moyenne"] for d in donnees(radar) if d.get("serie") == "Élève"}
    periode = at.sidebar.selectbox(key="periode").value
    with lecture(db) as wh:
        m = mm.moyennes(wh, classe=fiche["classe"], periode=periode).filter(
            (pl.col("eleve_id") == eid) & pl.col("matiere").is_not_null())
    assert points == pytest.approx(dict(zip(m["matiere"], m["moyenne"])))  # le radar montre models/
    famille = dict(zip(m["matiere"], m["famille"]))
    gen = [v for k, v in points.items() if famille[k] == "general"]
    pro = [v for k, v in points.items() if famille[k] == "professionnel"]
    assert gen and pro
    assert sum(gen) / len(gen) - sum(pro) / len(pro) >= 4


def test_tendance_du_decrocheur_baisse(ecole) -> None:
    db, verite = ecole
    eid = _profil(verite, "decrocheur")
    at = ouvrir("eleve", eleve=lien_eleve(db, eid))
    tendance = next(s for s in graphiques(at) if s.get("title") == "Moyenne générale")
    points = [d["moyenne"] for d in donnees(tendance) if d.get("serie") == "Élève"]
    with lecture(db) as wh:
        attendu = mm.evolution(wh, eid)["moyenne"].to_list()
    assert points == pytest.approx(attendu)
    assert points[-1] < points[0]


def test_l_absenteiste_est_sur_la_page_du_cpe(ecole) -> None:
    db, verite = ecole
    eid = _profil(verite, "absenteisme_10")
    with lecture(db) as wh:
        mois = ma.mois_non_justifies(wh, 10).filter(pl.col("eleve_id") == eid).row(0, named=True)
    at = ouvrir("absences")
    at.selectbox(key="absences_mois").select(mois["mois"]).run()
    assert not at.exception
    persistance = at.dataframe[0].value  # première liste : ≥ 10 demi-journées
    assert (persistance["Nom"] == mois["nom"]).any()
    ligne = persistance[persistance["Nom"] == mois["nom"]].iloc[0]
    assert ligne["Non justifiées"] == mois["non_justifiees"]


def test_suivi_de_demonstration(ecole, tmp_path: Path) -> None:
    """L'école fictive arrive avec un suivi plausible : des étapes franchies, des alertes encore ouvertes,
    des décisions du premier conseil (sample_data/suivi_demo.py, appelé par ``vigie demo``)."""
    import shutil

    from models import suivi
    from models.acces import DEMO
    from sample_data.suivi_demo import ecrire_suivi_demo

    db = tmp_path / "copie.duckdb"
    shutil.copyfile(ecole[0], db)
    n = ecrire_suivi_demo(db)
    with lecture(db) as wh:
        e = suivi.entrees(db, wh, DEMO)
        cas = suivi.seuils_suivis(db, wh, DEMO)
    assert e.height == n > 0
    assert {"procedure", "alerte", "conseil"} <= set(e["sorte"])
    assert cas["statut"].null_count() > 0 and cas["statut"].drop_nulls().len() > 0  # ouvertes et suivies
