"""Les graphiques du tableau de bord : fonctions pures, vérifiées sur des frames construites à la main."""

from __future__ import annotations

import math

import polars as pl
import pytest

from dashboard import charts


def _radar(valeurs: dict[str, tuple[str, float | None]], serie: str = "Élève") -> pl.DataFrame:
    return pl.DataFrame(
        {"serie": [serie] * len(valeurs), "matiere": list(valeurs),
         "famille": [f for f, _ in valeurs.values()], "moyenne": [v for _, v in valeurs.values()]},
        schema={"serie": pl.String, "matiere": pl.String, "famille": pl.String, "moyenne": pl.Float64},
    )


MATIERES = {
    "Atelier": ("professionnel", 20.0), "Français": ("general", 20.0), "Maths": ("general", 20.0),
    "Électrotechnique": ("professionnel", 20.0), "Anglais": ("general", 20.0),
}


def test_axes_general_puis_professionnel() -> None:
    assert charts.ordre_axes(_radar(MATIERES)) == ["Anglais", "Français", "Maths", "Atelier", "Électrotechnique"]


def test_option_apres_professionnel() -> None:
    df = _radar({"Latin": ("option", 12.0), "Atelier": ("professionnel", 9.0), "Maths": ("general", 11.0)})
    assert charts.ordre_axes(df) == ["Maths", "Atelier", "Latin"]


def test_eleve_a_20_partout_sur_l_anneau_exterieur() -> None:
    pts = charts.coordonnees_radar(_radar(MATIERES))
    grille, _ = charts.grille_radar(charts.ordre_axes(_radar(MATIERES)))
    exterieur = grille.filter(pl.col("trace") == "anneau 20")
    rayons_ext = [math.hypot(x, y) for x, y in zip(exterieur["x"], exterieur["y"])]
    assert max(charts.ANNEAUX) == 20
    for x, y in zip(pts["x"], pts["y"]):
        assert math.hypot(x, y) == pytest.approx(20)
    # chaque sommet de l'élève est un sommet de l'anneau extérieur
    sommets = {(round(x, 9), round(y, 9)) for x, y in zip(exterieur["x"], exterieur["y"])}
    assert {(round(x, 9), round(y, 9)) for x, y in zip(pts["x"], pts["y"])} <= sommets
    assert rayons_ext == pytest.approx([20] * len(rayons_ext))


def test_premier_axe_en_haut_puis_sens_horaire_et_polygone_ferme() -> None:
    df = _radar({"Maths": ("general", 10.0), "Français": ("general", 5.0), "Atelier": ("professionnel", 15.0),
                 "Anglais": ("general", 20.0)})
    pts = charts.coordonnees_radar(df).sort("ordre")
    # axes : Anglais (haut), Français (droite), Maths (bas), Atelier (gauche)
    assert pts["matiere"].to_list() == ["Anglais", "Français", "Maths", "Atelier", "Anglais"]
    attendus = [(0, 20), (5, 0), (0, -10), (-15, 0), (0, 20)]
    for (x, y), (ex, ey) in zip(zip(pts["x"], pts["y"]), attendus):
        assert (x, y) == (pytest.approx(ex, abs=1e-9), pytest.approx(ey, abs=1e-9))


def test_moyenne_manquante_omise() -> None:
    df = _radar({"Maths": ("general", 10.0), "Français": ("general", None), "Atelier": ("professionnel", 15.0)})
    pts = charts.coordonnees_radar(df)
    assert pts["matiere"].to_list() == ["Maths", "Atelier", "Maths"]


def test_radar_echelles_fixes_egales_sans_axes() -> None:
    spec = charts.radar(_radar(MATIERES)).to_dict()
    calques = spec["layer"]
    lignes = [c for c in calques if c["mark"]["type"] == "line"]
    assert all("order" in c["encoding"] for c in lignes)  # tracés fermés dans l'ordre des sommets
    x = calques[0]["encoding"]["x"]
    y = calques[0]["encoding"]["y"]
    assert x["axis"] is None and y["axis"] is None
    (x0, x1), (y0, y1) = x["scale"]["domain"], y["scale"]["domain"]
    # autant d'unités par pixel dans les deux directions : un cercle reste un cercle
    assert (x1 - x0) / spec["width"] == pytest.approx((y1 - y0) / spec["height"])
    assert all(c["encoding"]["x"]["scale"]["domain"] == [x0, x1] for c in calques)
    textes = [c for c in calques if c["mark"]["type"] == "text"]
    libelles = {t["text"] for c in textes for t in spec["datasets"][c["data"]["name"]] if "text" in t} | {
        t.get("matiere") for c in textes for t in spec["datasets"][c["data"]["name"]]}
    assert set(MATIERES) <= libelles


def test_radar_trop_peu_de_matieres() -> None:
    spec = charts.radar(_radar({"Maths": ("general", 10.0), "Français": ("general", 12.0)})).to_dict()
    assert "trois matières" in str(spec)


def test_grille_competences_libelle_en_plus_de_la_couleur() -> None:
    df = pl.DataFrame({"item": ["Lire", "Lire"], "date": ["01/10/2025", "01/02/2026"], "niveau": [1, 3]})
    spec = charts.grille_competences(df, {1: "#d62728", 2: "#ff7f0e", 3: "#2ca02c", 4: "#1f77b4"},
                                     {1: "Insuffisante", 2: "Fragile", 3: "Satisfaisante", 4: "Très bonne"}).to_dict()
    marques = [c["mark"]["type"] if isinstance(c["mark"], dict) else c["mark"] for c in spec["layer"]]
    assert marques == ["rect", "text"]
    lignes = spec["datasets"][spec["layer"][0]["data"]["name"]] if "data" in spec["layer"][0] else \
        spec["datasets"][spec["data"]["name"]]
    assert [l["maitrise"] for l in lignes] == ["Insuffisante", "Satisfaisante"]
    assert [l["code"] for l in lignes] == ["1", "3"]


def test_locale_francaise() -> None:
    df = pl.DataFrame({"periode": ["T1", "T2"], "moyenne": [12.5, 11.0], "serie": ["Élève", "Élève"]})
    spec = charts.tendance(df).to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","


@pytest.mark.parametrize("fabrique", [
    lambda: charts.boites(pl.DataFrame(schema={"matiere": pl.String, "moyenne": pl.Float64})),
    lambda: charts.carte_chaleur(pl.DataFrame(schema={"eleve": pl.String, "matiere": pl.String,
                                                      "moyenne": pl.Float64})),
    lambda: charts.chronologie_absences(pl.DataFrame(schema={"debut": pl.Datetime, "statut": pl.String,
                                                             "demi_journees": pl.Float64})),
])
def test_frames_vides(fabrique) -> None:
    assert fabrique().to_dict()["mark"]["type"] == "text"


def test_grille_competences_dates_dans_l_ordre_chronologique():
    import datetime as dt

    df = pl.DataFrame({
        "item": ["Lire", "Lire", "Lire"],
        "date": [dt.date(2025, 10, 14), dt.date(2026, 2, 10), dt.date(2026, 6, 9)],
        "niveau": [1, 2, 3],
    }).sort("date").with_columns(pl.col("date").dt.strftime("%d/%m/%Y"))
    spec = charts.grille_competences(df, {1: "#d62728", 2: "#ff7f0e", 3: "#2ca02c", 4: "#1f77b4"},
                                     {1: "MI", 2: "MF", 3: "MS", 4: "TBM"}).to_dict()
    x = spec["layer"][0]["encoding"]["x"] if "layer" in spec else spec["encoding"]["x"]
    assert x["sort"] == ["14/10/2025", "10/02/2026", "09/06/2026"]  # pas l'ordre du texte
