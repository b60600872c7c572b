"""Les moyennes précalculées (``t_moyennes``, models/precalcul.py) égalent toujours le calcul complet
(``t_moyennes_calcul``, models/moyennes.sql) : après des imports, un import refusé, un réimport, une note
changée, un changement de coefficient, un changement de classe et une purge ; et seules les périodes
touchées sont recalculées."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from models import precalcul
from models.records import Devoir, Lot, Note, RefEleve
from models.retention import purger
from models.warehouse import Warehouse, ecriture
from tests import ecole_dashboard as ecole

CLES = ["eleve_id", "annee", "periode", "matiere"]


def _lire(wh: Warehouse, source: str) -> pl.DataFrame:
    return wh.sql(f"SELECT * FROM {source}").sort(CLES, nulls_last=True)


def egal_au_calcul(wh: Warehouse) -> pl.DataFrame:
    """La table égale le calcul complet (à 1e-9 près : l'ordre des additions de DuckDB varie) ; la renvoie.
    De même, au caractère près, la classe de chaque élève à chaque période (``t_classes_periodes``)."""
    cles = ["eleve_id", "annee", "periode"]
    classes = wh.sql("SELECT * FROM t_classes_periodes").sort(cles, nulls_last=True)
    assert_frame_equal(classes, wh.sql("SELECT * FROM t_classes_periodes_calcul").sort(cles, nulls_last=True))
    assert_frame_equal(wh.sql("SELECT * FROM classes_periodes").sort(cles, nulls_last=True), classes)
    familles = wh.sql("SELECT * FROM t_moyennes_familles").sort(cles, nulls_last=True)
    assert_frame_equal(familles, wh.sql("SELECT * FROM t_moyennes_familles_calcul").sort(cles, nulls_last=True),
                       check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    assert_frame_equal(wh.sql("SELECT * FROM moyennes_familles").sort(cles, nulls_last=True), familles)
    table = _lire(wh, "t_moyennes")
    assert_frame_equal(table, _lire(wh, "t_moyennes_calcul"), check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    assert_frame_equal(_lire(wh, "moyennes"), table)  # la vue publique lit la table
    return table


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    w = Warehouse()
    dossier = tmp_path / "sources"
    dossier.mkdir()
    for lot in ecole.lots(dossier):
        assert w.importer(lot).statut == "reussi"
    yield w
    w.close()


@pytest.fixture
def appels(monkeypatch: pytest.MonkeyPatch) -> list:
    """Les périodes demandées à chaque rafraîchissement (``None`` : toutes)."""
    vus: list = []
    vrai = precalcul.rafraichir

    def espion(con, periodes=None):  # noqa: ANN001, ANN202
        vus.append(None if periodes is None else set(periodes))
        return vrai(con, periodes)

    monkeypatch.setattr(precalcul, "rafraichir", espion)
    return vus


def _notes(tmp_path: Path, nom: str, valeur: float, *, periode: str = "Trimestre 2", eleve: str = "MOREAU",
           prenom: str = "Théo", date: dt.date = dt.date(2026, 1, 26)) -> Lot:
    f = tmp_path / nom
    f.write_text(nom)
    d = Devoir(classe=ecole.CLASSE, matiere="FRANÇAIS", date=date, titre="Contrôle ajouté",
               periode=periode)
    return Lot(source="pronote-notes", fichier=f, lignes_lues=1,
               notes=[Note(eleve=RefEleve(nom=eleve, prenom=prenom, classe=ecole.CLASSE), devoir=d, valeur=valeur)])


def test_apres_les_imports(wh: Warehouse) -> None:
    table = egal_au_calcul(wh)
    assert table.height > 0
    assert wh.valeur("SELECT count(*) FROM t_classes_periodes") > 0
    assert wh.valeur("SELECT count(*) FROM t_moyennes_familles WHERE nb_notes_professionnel > 0") > 0
    # MOREAU Théo, T2 : les trois devoirs de chaque matière valent sa note (tests/ecole_dashboard.py)
    generale = table.filter(pl.col("matiere").is_null() & (pl.col("periode") == "Trimestre 2"))
    assert generale.height == 4 and generale["classe"].unique().to_list() == [ecole.CLASSE]


def test_une_note_ne_recalcule_que_sa_periode(wh: Warehouse, tmp_path: Path, appels: list) -> None:
    avant = egal_au_calcul(wh)
    assert wh.importer(_notes(tmp_path, "t2.csv", 2.0)).statut == "reussi"
    assert appels == [{("2025-2026", "Trimestre 2")}]
    apres = egal_au_calcul(wh)
    t1 = pl.col("periode") == "Trimestre 1"
    assert_frame_equal(apres.filter(t1), avant.filter(t1))
    moreau = wh.valeur("SELECT eleve_id FROM t_eleves WHERE nom = 'MOREAU'")
    fr = apres.filter((pl.col("eleve_id") == moreau) & (pl.col("matiere") == "FRANÇAIS")
                      & (pl.col("periode") == "Trimestre 2"))
    assert fr["moyenne"].item() == pytest.approx((9 * 3 + 2) / 4)


def test_reimport_identique_ne_recalcule_rien(wh: Warehouse, tmp_path: Path, appels: list) -> None:
    wh.importer(_notes(tmp_path, "t2.csv", 2.0))
    avant = egal_au_calcul(wh)
    appels.clear()
    res = wh.importer(_notes(tmp_path, "t2.csv", 2.0))
    assert res.statut == "reussi" and res.lignes_inchangees == 2
    assert appels == []
    assert_frame_equal(egal_au_calcul(wh), avant)
    # la même note corrigée : la période est recalculée
    wh.importer(_notes(tmp_path, "t2.csv", 18.0))
    assert appels == [{("2025-2026", "Trimestre 2")}]
    egal_au_calcul(wh)


def test_import_refuse_ne_change_rien(wh: Warehouse, tmp_path: Path) -> None:
    avant = egal_au_calcul(wh)
    res = wh.importer(_notes(tmp_path, "inconnu.csv", 3.0, eleve="INCONNU", prenom="Personne"))
    assert res.statut == "rejete"
    assert_frame_equal(egal_au_calcul(wh), avant)


def test_plusieurs_fichiers_en_une_transaction(wh: Warehouse, tmp_path: Path, appels: list) -> None:
    lots = [_notes(tmp_path, "a.csv", 4.0), _notes(tmp_path, "b.csv", 6.0, periode="Trimestre 1",
                                                    eleve="PETIT", prenom="Hugo", date=dt.date(2025, 11, 3))]
    assert [r.statut for r in wh.importer_plusieurs(lots)] == ["reussi", "reussi"]
    assert appels == [{("2025-2026", "Trimestre 1"), ("2025-2026", "Trimestre 2")}]
    egal_au_calcul(wh)


def test_coefficient_change_tout_est_recalcule(wh: Warehouse, tmp_path: Path, appels: list) -> None:
    avant = egal_au_calcul(wh)
    effectif = ecole.lots(tmp_path / "sources")[0]
    matieres = [m.model_copy(update={"coefficient": 4.0}) if m.libelle == "ATELIER" else m for m in ecole.MATIERES]
    assert wh.importer(effectif.model_copy(update={"matieres": matieres})).statut == "reussi"
    assert appels == [None]
    apres = egal_au_calcul(wh)
    generale = pl.col("matiere").is_null()
    assert not apres.filter(generale)["moyenne"].equals(avant.filter(generale)["moyenne"])


def test_changement_de_classe(wh: Warehouse, tmp_path: Path) -> None:
    effectif = ecole.lots(tmp_path / "sources")[0]
    eleves = [e.model_copy(update={"classe": "3A"}) if e.nom == "PETIT" else e for e in ecole.ELEVES]
    assert wh.importer(effectif.model_copy(update={"eleves": eleves})).statut == "reussi"
    table = egal_au_calcul(wh)
    petit = wh.valeur("SELECT eleve_id FROM t_eleves WHERE nom = 'PETIT'")
    assert set(table.filter(pl.col("eleve_id") == petit)["classe"]) <= {"3A", ecole.CLASSE}


def test_purge(wh: Warehouse, appels: list) -> None:
    assert egal_au_calcul(wh).height
    purger(wh, "2025-2026", aujourdhui=dt.date(2026, 12, 15))
    assert appels == [{("2025-2026", "Trimestre 1"), ("2025-2026", "Trimestre 2")}]
    assert egal_au_calcul(wh).height == 0


def test_calcul_change_tout_est_recalcule_a_l_ouverture(tmp_path: Path) -> None:
    """Une mise à jour de Vigie qui change models/moyennes.sql : l'ouverture en écriture recalcule tout."""
    db = ecole.construire(tmp_path / "e.duckdb")
    with ecriture(db) as w:
        w.con.execute("DELETE FROM t_moyennes WHERE matiere IS NULL")
        w.con.execute("UPDATE t_meta SET valeur = 'ancien calcul' WHERE cle = 'moyennes_calcul'")
    with ecriture(db) as w:
        assert egal_au_calcul(w).filter(pl.col("matiere").is_null()).height == 8
    # sans changement de calcul, l'ouverture ne recalcule rien
    with ecriture(db) as w:
        w.con.execute("DELETE FROM t_moyennes WHERE matiere IS NULL")
    with ecriture(db) as w:
        assert w.valeur("SELECT count(*) FROM t_moyennes WHERE matiere IS NULL") == 0


def test_import_de_plusieurs_paquets_recalcule_une_fois(wh: Warehouse, tmp_path: Path, appels: list,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """connectors.importation.importer diffère les rafraîchissements de ses paquets (Warehouse.moyennes_differees) :
    un seul, à la fin, pour les périodes de tous les paquets — un fichier refusé au milieu d'un paquet
    compris (sa transaction est annulée, les autres fichiers repassent seuls)."""
    from connectors import importation

    monkeypatch.setattr(importation, "TAILLE_PAQUET", 2)
    lots = [_notes(tmp_path, "a.csv", 4.0), _notes(tmp_path, "x.csv", 5.0, eleve="INCONNU", prenom="Personne"),
            _notes(tmp_path, "b.csv", 6.0, periode="Trimestre 1", eleve="PETIT", prenom="Hugo",
                   date=dt.date(2025, 11, 3)),
            _notes(tmp_path, "c.csv", 7.0, eleve="PETIT", prenom="Hugo")]
    # des lots sans connecteur ne se groupent pas en paquets : on les écrit par paquets de deux à la main
    resultats: list = []
    with wh.moyennes_differees():
        for debut in range(0, len(lots), 2):
            resultats += wh.importer_plusieurs(lots[debut:debut + 2])
        assert appels == []  # rien n'est recalculé pendant l'import…
        assert wh.valeur("SELECT count(*) FROM t_meta WHERE cle = 'moyennes_calcul'") == 0  # … et c'est écrit
    assert [r.statut for r in resultats] == ["reussi", "rejete", "reussi", "reussi"]
    assert appels == [{("2025-2026", "Trimestre 1"), ("2025-2026", "Trimestre 2")}]
    egal_au_calcul(wh)
    assert wh.valeur("SELECT count(*) FROM t_meta WHERE cle = 'moyennes_calcul'") == 1
    # l'empreinte remise est celle des deux calculs gardés : la prochaine ouverture ne recalcule rien
    assert wh.valeur("SELECT valeur FROM t_meta WHERE cle = 'moyennes_calcul'") == precalcul.empreinte(precalcul.sql_calculs())
    # par le chemin de vigie import : mêmes moyennes, un rafraîchissement pour tout l'import
    appels.clear()
    assert [r.statut for r in importation.importer(wh, [_notes(tmp_path, "d.csv", 8.0), _notes(tmp_path, "e.csv", 9.0)])] == ["reussi"] * 2
    assert appels == [{("2025-2026", "Trimestre 2")}]
    egal_au_calcul(wh)


def test_import_differe_interrompu_tout_est_recalcule_a_l_ouverture(tmp_path: Path) -> None:
    """Un processus qui meurt entre la transaction d'un paquet et le rafraîchissement final : l'empreinte
    retirée dans la transaction du paquet fait tout recalculer à la prochaine ouverture en écriture."""
    db = ecole.construire(tmp_path / "e.duckdb")
    w = Warehouse(db)
    vrai = precalcul.rafraichir_et_valider
    precalcul.rafraichir_et_valider = lambda *a, **k: None  # le rafraîchissement final n'a jamais lieu
    try:
        with w.moyennes_differees():
            assert w.importer(_notes(tmp_path, "t2.csv", 2.0)).statut == "reussi"
    finally:
        precalcul.rafraichir_et_valider = vrai
    with pytest.raises(AssertionError):
        egal_au_calcul(w)
    w.close()
    with ecriture(db) as w:
        egal_au_calcul(w)


def test_entrepot_du_schema_6_la_classe_par_periode_devient_une_table(tmp_path: Path) -> None:
    """Avant le schéma 7, ``t_classes_periodes`` était une vue et l'empreinte ne couvrait que les moyennes :
    la première ouverture (ici en lecture : ``lecture`` met l'entrepôt à jour) crée la table et la remplit."""
    import duckdb

    from models import schema
    from models.warehouse import lecture

    db = ecole.construire(tmp_path / "e.duckdb")
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE t_classes_periodes")
    con.execute(f"CREATE VIEW t_classes_periodes AS {schema.VUES_INTERNES['t_classes_periodes_calcul']}")
    con.execute("UPDATE t_meta SET valeur = ? WHERE cle = 'moyennes_calcul'",
                [precalcul.empreinte(schema.CALCULS[precalcul.CALCUL])])
    con.execute("UPDATE t_meta SET valeur = '6' WHERE cle = 'schema_version'")
    con.close()
    wh = lecture(db)
    try:
        assert wh.version() == schema.VERSION
        assert wh.valeur("SELECT table_name FROM duckdb_tables() WHERE table_name = 't_classes_periodes'")
        assert wh.valeur("SELECT count(*) FROM t_classes_periodes") > 0
        egal_au_calcul(wh)
    finally:
        wh.close()
