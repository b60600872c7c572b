"""Le conseil de classe : la feuille calculée une fois (``models.conseil.feuille``), l'écran qui la dessine
(AppTest, depuis le point d'entrée), le PDF, le mode projection (ce que reçoit le navigateur) et les
sélections gardées d'une page à l'autre et dans l'adresse (clés opaques).

Chiffres à la main sur l'école de ``tests/ecole_dashboard.py`` (trois devoirs identiques par matière : la
moyenne de matière vaut la note) :
- LOPEZ : T1 (16 + 15 + 17 + 6 + 5) / 5 = 11,8 ; T2 (17 + 16 + 16 + 5 + 6) / 5 = 12,0 ; général T2
  49 / 3 = 16,33, professionnel 11 / 2 = 5,5, écart 10,83 ≥ 4 → alerte ecart_familles.
- MOREAU : T1 71 / 5 = 14,2 ; T2 46 / 5 = 9,2 (−5,00 : baisse_moyenne) ; une retenue le 15/01/2026.
- PETIT : T1 54 / 5 = 10,8 ; T2 50 / 5 = 10,0 ; 6 demi-journées non justifiées en janvier 2026 (T2).
- =HACK : T1 12,0 ; T2 61 / 5 = 12,2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from dashboard import format as fr
from dashboard import pdf
from models import conseil, liens
from models.warehouse import lecture
from tests.ecole_dashboard import CLASSE, construire
from tests.test_dashboard_pages import graphiques, ouvrir

AUTRES = ("MOREAU", "PETIT", "HACK", "Théo", "Hugo", "Zoé")


@pytest.fixture(scope="module")
def ecole_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return construire(tmp_path_factory.mktemp("conseil") / "ecole.duckdb")


@pytest.fixture
def ecole(ecole_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_DB", str(ecole_db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return ecole_db


@pytest.fixture(scope="module")
def feuille(ecole_db: Path) -> conseil.FeuilleConseil:
    with lecture(ecole_db) as wh:
        return conseil.feuille(wh, CLASSE, "Trimestre 2", "2025-2026", au=dt.date(2026, 7, 1))


def ligne(f: conseil.FeuilleConseil, nom: str) -> dict:
    return next(r for r in f.tableau.iter_rows(named=True) if r["eleve"].startswith(nom))


def contenu(at) -> str:  # noqa: ANN001
    """Tout ce que la page envoie au navigateur : chaque élément (protobuf en texte) et les données des
    tableaux et graphiques (Arrow décodé)."""
    textes: list[str] = []

    def arrow(octets: bytes) -> None:
        if octets:
            textes.append(str(pa.ipc.open_stream(octets).read_all().to_pylist()))

    def visiter(n) -> None:  # noqa: ANN001
        proto = getattr(n, "proto", None)
        if proto is not None:
            textes.append(str(proto))
            if hasattr(proto, "arrow_data"):
                arrow(proto.arrow_data.data)
            if hasattr(proto, "data") and isinstance(getattr(proto, "data", None), bytes):
                arrow(proto.data)
            for ds in getattr(proto, "datasets", []):
                arrow(ds.data.data)
        for c in getattr(n, "children", {}).values():
            visiter(c)

    visiter(at._tree)
    return "\n".join(textes).encode().decode("unicode_escape", errors="ignore") + "\n".join(textes)


# --- La feuille ---------------------------------------------------------------------------------------


def test_feuille_chiffres_a_la_main(feuille: conseil.FeuilleConseil) -> None:
    assert [r["eleve"] for r in feuille.tableau.iter_rows(named=True)] == [
        "=HACK Zoé", "LOPEZ Inès", "MOREAU Théo", "PETIT Hugo"]
    lopez = ligne(feuille, "LOPEZ")
    assert lopez["moyenne"] == pytest.approx(12.0) and lopez["variation"] == pytest.approx(0.2)
    assert lopez["moyenne_general"] == pytest.approx(49 / 3) and lopez["moyenne_professionnel"] == pytest.approx(5.5)
    assert lopez["ecart_familles"] == pytest.approx(49 / 3 - 5.5) and lopez["alerte_ecart"]
    assert "Écart entre enseignement général et professionnel" in lopez["alertes"]
    moreau = ligne(feuille, "MOREAU")
    assert moreau["variation"] == pytest.approx(-5.0) and moreau["sanctions"] == 1
    assert "Moyenne générale en baisse" in moreau["alertes"]
    petit = ligne(feuille, "PETIT")
    assert (petit["absences"], petit["non_justifiees"], petit["retards"]) == (6, 6, 1)
    assert "Absences non justifiées dans le mois" in petit["alertes"]
    assert feuille.precedente == ("2025-2026", "Trimestre 1")


def test_alertes_de_la_periode_et_anterieures(feuille: conseil.FeuilleConseil) -> None:
    lopez = feuille.tableau.filter(eleve="LOPEZ Inès")["eleve_id"][0]
    periode = feuille.alertes_eleve(lopez)
    assert set(periode["periode_scolaire"]) == {"Trimestre 2"} and set(periode["annee"]) == {"2025-2026"}
    avant = feuille.alertes_eleve(lopez, anterieures=True)
    assert "ecart_familles" in avant["regle"].to_list() and "Trimestre 2" not in avant["periode_scolaire"].to_list()
    petit = feuille.tableau.filter(eleve="PETIT Hugo")["eleve_id"][0]
    a = feuille.alertes_eleve(petit).filter(regle="absences_mois").row(0, named=True)
    assert (a["periode"], a["periode_scolaire"]) == ("2026-01", "Trimestre 2")


def test_seules_les_alertes_de_la_classe_sont_calculees(ecole_db: Path) -> None:
    from models import alertes

    with lecture(ecole_db) as wh:
        classe = alertes.alertes(wh, classe=CLASSE, au=dt.date(2026, 7, 1))
        ecole = alertes.alertes(wh, au=dt.date(2026, 7, 1))
    assert classe.equals(ecole.filter(classe=CLASSE))


def test_synthese_repartition_et_progres(feuille: conseil.FeuilleConseil) -> None:
    rep = dict(feuille.repartition().iter_rows())
    assert rep["8 à 10"] == 1 and rep["10 à 12"] == 1 and rep["12 à 14"] == 2 and sum(rep.values()) == 4
    hausse, baisse = feuille.progres()
    assert hausse.is_empty() and baisse["eleve"].to_list() == ["MOREAU Théo"]
    m = feuille.matieres()
    assert m["matiere"].to_list()[-2:] == ["ATELIER", "ÉLECTROTECHNIQUE"]  # le professionnel après le général
    assert m.filter(matiere="HISTOIRE-GÉO").row(0, named=True)["sous_10"] == 1  # MOREAU 8


# --- Écarts signés ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("x", "texte", "sens"), [
    (-2.95, "−2,95", -1), (1.25, "+1,25", 1), (0.001, "0,00", 0), (-0.004, "0,00", 0), (-0.005, "−0,01", -1),
    (None, "—", 0),
])
def test_ecart_sans_plus_ni_moins_zero(x, texte, sens) -> None:  # noqa: ANN001
    assert fr.signe(x) == texte and fr.sens(x) == sens


def test_delta_de_metrique_lu_par_streamlit() -> None:
    assert fr.delta(-2.95) == {"delta": "-2,95"}  # moins ASCII : Streamlit dessine une baisse
    assert fr.delta(2.95) == {"delta": "+2,95"}
    assert fr.delta(-0.001) == {"delta": "0,00", "delta_color": "off", "delta_arrow": "off"}
    assert fr.delta(None) == {"delta": None}


# --- L'écran ------------------------------------------------------------------------------------------


def test_une_baisse_se_lit_comme_une_baisse(ecole: Path) -> None:
    at = ouvrir("conseil")
    tableau = at.dataframe[0].value
    assert list(tableau["Élève"]) == ["=HACK Zoé", "LOPEZ Inès", "MOREAU Théo", "PETIT Hugo"]
    moreau = tableau[tableau["Élève"] == "MOREAU Théo"].iloc[0]
    assert moreau["Moy."] == "9,20" and moreau["Évol."] == "−5,00"
    assert "Moyenne générale en baisse" in moreau["Alertes"]
    lopez = tableau[tableau["Élève"] == "LOPEZ Inès"].iloc[0]
    assert (lopez["Gén."], lopez["Pro."], lopez["G − P"]) == ("16,33", "5,50", "⚠ +10,83")
    with lecture(ecole) as wh:
        moreau_id = wh.sql("SELECT eleve_id FROM eleves WHERE nom = 'MOREAU'")["eleve_id"][0]
    at.selectbox(key="conseil_eleve").select(moreau_id).run()
    assert not at.exception
    m = next(m for m in at.metric if m.label == "Moyenne générale")
    assert m.value == "9,20" and m.proto.delta == "-5,00"
    assert m.proto.direction == MetricProto.MetricDirection.DOWN and m.proto.color == MetricProto.MetricColor.RED
    assert "Demi-journées d'absence" in [m.label for m in at.metric]


def test_pas_de_colonne_vide_ni_none(ecole: Path) -> None:
    at = ouvrir("conseil")
    for df in at.dataframe:
        v = df.value
        for c in v.columns:
            valeurs = [str(x) for x in v[c]]
            assert any(x not in ("", "—") for x in valeurs) or c in ("Mention", "Alertes"), c
            assert not any(x in ("None", "nan", "NaN") for x in valeurs), c
    assert "Confiance" not in at.dataframe[-1].value.columns


def test_radar_libelles_entiers_et_familles() -> None:
    import polars as pl

    from dashboard import charts

    valeurs = pl.DataFrame({
        "serie": ["Élève"] * 4, "matiere": ["FRANCAIS", "MATHEMATIQUES", "PREVENTION SANTE ENVIRONNEMENT",
                                            "REALISATION DU CHEF-D'OEUVRE"],
        "famille": ["general", "general", "professionnel", "professionnel"], "moyenne": [12.0, 11.0, 9.0, 14.0]})
    spec = charts.radar(valeurs).to_dict()
    textes = [c for c in spec["layer"] if c.get("mark", {}).get("type") == "text" and "limit" in c.get("mark", {})]
    assert not textes  # aucun libellé tronqué
    assert "professionnel" in str(spec).lower()


def test_selections_gardees_d_une_page_a_l_autre(ecole: Path) -> None:
    at = ouvrir("classe")
    assert at.sidebar.selectbox(key="periode").value == "Trimestre 2"  # la dernière période notée
    at.sidebar.selectbox(key="periode").select("Trimestre 1").run()
    at.switch_page("ecrans/conseil.py")
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="periode").value == "Trimestre 1"
    assert at.sidebar.selectbox(key="classe").value == CLASSE
    with lecture(ecole) as wh:
        moreau_id = wh.sql("SELECT eleve_id FROM eleves WHERE nom = 'MOREAU'")["eleve_id"][0]
    at.selectbox(key="conseil_eleve").select(moreau_id).run()
    at.switch_page("ecrans/eleve.py")
    at.run()
    assert at.header[0].value.startswith("MOREAU Théo")
    # l'adresse : des clés opaques, ni le nom de la classe, ni la période, ni l'identifiant de l'élève
    secret = liens.secret(ecole)
    assert at.query_params["eleve"] == liens.cle(secret, "eleve", moreau_id)
    assert at.query_params["periode"] == liens.cle(secret, "periode", "Trimestre 1")
    texte = str(dict(at.query_params))
    assert moreau_id not in texte and CLASSE not in texte and "Trimestre" not in texte


def test_lien_avec_cles_opaques(ecole: Path) -> None:
    secret = liens.secret(ecole)
    with lecture(ecole) as wh:
        petit = wh.sql("SELECT eleve_id FROM eleves WHERE nom = 'PETIT'")["eleve_id"][0]
    at = ouvrir("conseil", classe=liens.cle(secret, "classe", CLASSE),
                periode=liens.cle(secret, "periode", "Trimestre 1"), eleve=liens.cle(secret, "eleve", petit))
    assert at.sidebar.selectbox(key="periode").value == "Trimestre 1"
    assert at.selectbox(key="conseil_eleve").value == petit
    # un identifiant en clair dans l'adresse n'ouvre rien
    at = ouvrir("conseil", eleve=petit)
    assert at.selectbox(key="conseil_eleve").value != petit


# --- Mode projection ----------------------------------------------------------------------------------


def test_projection_rien_des_autres_eleves_n_atteint_le_navigateur(ecole: Path) -> None:
    at = ouvrir("conseil")
    with lecture(ecole) as wh:
        lopez = wh.sql("SELECT eleve_id FROM eleves WHERE nom = 'LOPEZ'")["eleve_id"][0]
    at.selectbox(key="conseil_eleve").select(lopez).run()
    assert any("PAP" in c.value for c in at.caption)  # hors projection, le suivi est là
    at.sidebar.toggle(key="projection").set_value(True).run()
    assert not at.exception
    texte = contenu(at)
    assert "LOPEZ" in texte
    for nom in AUTRES:
        assert nom not in texte, nom
    assert lopez not in texte  # ni l'identifiant (INE) de l'élève discuté
    assert "PAP" not in texte and "Alertes de la période" not in texte and "Pourquoi" not in texte
    assert "Moyenne générale en baisse" not in texte
    assert not [s for s in at.selectbox if s.key == "conseil_eleve"]  # pas de liste de la classe
    # la classe en agrégats : moyenne, min, max — et la répartition sans valeur individuelle
    assert {"Moyenne de la classe", "Minimum", "Maximum"} <= {m.label for m in at.metric}
    repartition = next(g for g in graphiques(at) if "tranche" in str(g.get("encoding")))
    assert {d["eleves"] for d in repartition["lignes"]} <= {0, 1, 2}
    # élève suivant : MOREAU est nommé, LOPEZ ne l'est plus
    at.button(key="conseil_suivant").click().run()
    texte = contenu(at)
    assert "MOREAU" in texte and "LOPEZ" not in texte


def test_pdf_en_projection_synthese_en_agregats(feuille: conseil.FeuilleConseil,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ecrits: list[str] = []
    original = pdf._Document._t

    def noter(self, texte):  # noqa: ANN001, ANN202
        s = original(self, texte)
        ecrits.append(s)
        return s

    monkeypatch.setattr(pdf._Document, "_t", noter)
    contenu_pdf = pdf.conseil_pdf_feuille(feuille, projection=True)
    assert contenu_pdf.startswith(b"%PDF")
    tout = "\n".join(ecrits)
    for nom in (*AUTRES, "LOPEZ", "Inès"):
        assert nom not in tout, nom
    assert "PAP" not in tout and "Mention" not in tout
    assert "12,15" in tout or "Moyenne générale de la classe" in tout
    ecrits.clear()
    etapes: list[str] = []
    pdf.conseil_pdf_feuille(feuille, progression=lambda part, t: etapes.append(t))
    assert any("MOREAU Théo" in e for e in etapes)  # la barre nomme l'élève dessiné
    tout = "\n".join(ecrits)
    assert "Demi-journées d'absence" in ecrits and "PAP" in tout


# --- Mentions proposées -------------------------------------------------------------------------------


def test_mention_dit_ce_qui_la_propose_ou_l_ecarte(feuille: conseil.FeuilleConseil) -> None:
    hack = ligne(feuille, "=HACK")
    assert hack["mention"] == "Encouragements"
    assert hack["signaux"][0] == "Encouragements : moyenne générale 12,20 ≥ 12,00"
    lopez = ligne(feuille, "LOPEZ")  # 12,0 mais l'écart général / professionnel et ÉLECTROTECHNIQUE 5 alertent
    assert lopez["mention"] is None
    assert lopez["signaux"] == ["Encouragements écartée : alerte(s) de la période : "
                                "Écart entre enseignement général et professionnel, Moyenne de matière basse"]


def test_mention_bloquee_par_sanction_et_absences() -> None:
    from models.periodes import Periode
    from models.reglages import charger_reglages

    import polars as pl

    t = pl.DataFrame({
        "eleve_id": ["a", "b", "c", "d"], "moyenne": [17.0, 14.5, 9.0, 13.0],
        "faible_confiance": [False, False, False, True], "variation": [0.5, None, 2.0, 0.0],
        "sanction_retenue": [True, False, False, False], "alertes_graves": [[], [], [], []],
        "non_justifiees": [0.0, 5.0, 0.0, 0.0],
    })
    m = {r["eleve_id"]: r for r in conseil.proposer_mentions(t, charger_reglages(),
                                                             Periode("2025-2026", "Trimestre 1")).iter_rows(named=True)}
    # a : 17 mais puni → ni félicitations ni compliments, encouragements (pas de condition de sanction)
    assert m["a"]["mention"] == "Encouragements"
    assert m["a"]["signaux"][1:] == ["Félicitations écartée : punition ou sanction dans la période",
                                     "Compliments écartée : punition ou sanction dans la période"]
    # b : 14,5 mais 5 demi-journées non justifiées (au plus 2 pour les compliments, 3 pour les encouragements)
    assert m["b"]["mention"] is None and "5 demi-journée(s)" in m["b"]["signaux"][0]
    # c : 9 de moyenne mais +2 depuis la période précédente (même écart que la colonne « Évolution »)
    assert m["c"]["mention"] == "Encouragements"
    assert m["c"]["signaux"][0] == "Encouragements : progression +2,00 depuis Trimestre 1 2025-2026 ≥ 1,50"
    assert m["d"]["mention"] is None and "trop peu de notes" in m["d"]["signaux"][0]


def test_pdf_reprend_la_decision_consignee_au_suivi(feuille: conseil.FeuilleConseil,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    ecrits: list[str] = []
    original = pdf._Document._t
    monkeypatch.setattr(pdf._Document, "_t", lambda self, t: (ecrits.append(original(self, t)), ecrits[-1])[1])
    moreau = ligne(feuille, "MOREAU")["eleve_id"]
    decisions = pl.DataFrame({"eleve_id": [moreau], "mention": [None], "avis": ["Redoublement déconseillé"],
                              "appreciation": ["Un trimestre difficile, à reprendre en main."], "orientation": [None]},
                             schema={c: pl.String for c in ("eleve_id", "mention", "avis", "appreciation", "orientation")})
    pdf.conseil_pdf_feuille(feuille, decisions=decisions)
    assert "Appréciation générale : Un trimestre difficile, à reprendre en main." in ecrits
    assert ecrits.count("Aucune décision consignée au suivi pour cette période.") == 3  # les trois autres


def test_pdf_reprend_les_appreciations_des_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from models.records import Lot, MoyenneSource, RefEleve
    from models.warehouse import ecriture

    db = construire(tmp_path / "ecole.duckdb")
    lopez = RefEleve(nom="LOPEZ", prenom="Inès", classe=CLASSE)
    (tmp_path / "lsu.xml").write_text("lsu")
    with ecriture(db) as wh:
        res = wh.importer(Lot(source="lsu", fichier=tmp_path / "lsu.xml", lignes_lues=2, moyennes=[
            MoyenneSource(eleve=lopez, periode="Trimestre 2", matiere="FRANÇAIS", appreciation="Très bon trimestre.",
                          source="lsu"),
            MoyenneSource(eleve=lopez, periode="Trimestre 2", appreciation="Des acquis solides en général.",
                          source="lsu"),
        ]))
        assert res.statut == "reussi", res.message
    with lecture(db) as wh:
        f = conseil.feuille(wh, CLASSE, "Trimestre 2", "2025-2026")
    assert f.appreciations.height == 2
    ecrits: list[str] = []
    original = pdf._Document._t
    monkeypatch.setattr(pdf._Document, "_t", lambda self, t: (ecrits.append(original(self, t)), ecrits[-1])[1])
    pdf.conseil_pdf_feuille(f)
    assert "FRANÇAIS : Très bon trimestre." in ecrits
    assert "Appréciation générale : Des acquis solides en général." in ecrits
    ecrits.clear()
    pdf.conseil_pdf_feuille(f, projection=True)
    assert not any("Très bon trimestre" in e for e in ecrits)


def test_pdf_libelles_jamais_colles_a_leur_valeur(feuille: conseil.FeuilleConseil,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # « Demi-journées d'absence0 » : le libellé débordait de sa cellule et touchait la valeur.
    cellules: list[tuple[float, float, str]] = []
    original = pdf._Document.cell

    def noter(self, w=None, h=None, text="", *a, **k):  # noqa: ANN001, ANN202
        if w:
            cellules.append((w, self.get_string_width(text), text))
        return original(self, w, h, text, *a, **k)

    monkeypatch.setattr(pdf._Document, "cell", noter)
    pdf.conseil_pdf_feuille(feuille)
    libelles = [c for c in cellules if c[2] == "Demi-journées d'absence"]
    assert len(libelles) == 4 and all(largeur + 1 < w for w, largeur, _ in libelles)
