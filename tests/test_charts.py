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


# --- Chaque catégorie garde un libellé lisible (issue 22) ---------------------------------------------
# La place d'un libellé se calcule sur la spécification : une catégorie d'axe reçoit ``step`` px (taille
# fixée par les données, ``alt.Step``), qui doit dépasser la taille de sa police d'au moins 4 px ; deux
# catégories distinctes ne partagent jamais un libellé ; ``labelOverlap`` n'est jamais coupé (les libellés
# s'imprimeraient les uns sur les autres) ; le graphique rendu (vl-convert) tient dans 1280 px de large.

import random

from models.records import COMPETENCES_PIX, rang_classe

ELEVES = [f"NOM{i:02d}-DEUXIÈMENOM Prénom{i}" for i in range(21)]
MATIERES_LONGUES = ["FRANÇAIS", "MATHÉMATIQUES", "HISTOIRE-GÉOGRAPHIE-ENSEIGNEMENT MORAL ET CIVIQUE", "ANGLAIS LV1",
                    "ESPAGNOL LV2", "PHYSIQUE-CHIMIE", "ÉDUCATION PHYSIQUE ET SPORTIVE", "ARTS APPLIQUÉS",
                    "ÉLECTROTECHNIQUE", "ATELIER", "PRÉVENTION SANTÉ ENVIRONNEMENT"]
ITEMS_ULIS = [f"Item {i} : communiquer à l'oral avec un adulte dans une situation de la vie courante"
              for i in range(12)]
COULEURS = {1: "#d62728", 2: "#ff7f0e", 3: "#2ca02c", 4: "#1f77b4"}
LIBELLES = {1: "Maîtrise insuffisante", 2: "Maîtrise fragile", 3: "Maîtrise satisfaisante", 4: "Très bonne maîtrise"}


def _unites(spec: dict) -> list[dict]:
    return [spec, *(u for c in spec.get("layer", []) for u in _unites(c))]


def _donnees(spec: dict, unite: dict) -> list[dict]:
    nom = (unite.get("data") or spec.get("data"))["name"]
    return spec["datasets"][nom]


def _place(spec: dict, canal: str) -> tuple[int, float, list[str]]:
    """(nombre de catégories, px par catégorie, libellés) de l'axe ``canal`` (``x`` ou ``y``)."""
    dim = "width" if canal == "x" else "height"
    for unite in _unites(spec):
        enc = unite.get("encoding", {}).get(canal)
        if enc and enc.get("type") in ("nominal", "ordinal") and enc.get("axis") is not None:
            libelles = list(dict.fromkeys(d[enc["field"]] for d in _donnees(spec, unite)))
            taille = spec[dim]
            pas = taille["step"] if isinstance(taille, dict) else taille / len(libelles)
            return len(libelles), pas, libelles
    raise AssertionError(f"pas d'axe de catégories en {canal}")


def _police(spec: dict, canal: str) -> float:
    polices = [u["encoding"][canal]["axis"].get("labelFontSize", 10) for u in _unites(spec)
               if canal in u.get("encoding", {}) and u["encoding"][canal].get("axis")]
    return max(polices)


def _verifie_libelles(chart, canal: str, attendus: int) -> dict:
    spec = chart.to_dict()
    assert "labelOverlap" not in str(spec)
    n, pas, libelles = _place(spec, canal)
    assert n == attendus  # une catégorie par valeur distincte : aucune confondue par l'abréviation
    if canal == "y":
        assert pas >= _police(spec, canal) + 4, (pas, _police(spec, canal))
    else:  # libellés inclinés à 40° : l'écart horizontal nécessaire est police / sin 40°
        assert pas >= _police(spec, canal) / math.sin(math.radians(40)), pas
    return spec


def _largeur_rendue(chart) -> int:
    vl_convert = pytest.importorskip("vl_convert")
    png = vl_convert.vegalite_to_png(chart.to_dict(), scale=1)
    return int.from_bytes(png[16:20], "big")  # en-tête IHDR du PNG


def test_carte_chaleur_nomme_chaque_eleve_et_chaque_matiere() -> None:
    random.seed(1)
    df = pl.DataFrame([{"eleve": e, "matiere": m, "moyenne": round(random.uniform(0, 20), 2)}
                       for e in ELEVES for m in MATIERES_LONGUES])
    chart = charts.carte_chaleur(df)
    _verifie_libelles(chart, "y", 21)
    spec = _verifie_libelles(chart, "x", 11)
    # la valeur écrite (« 12,5 ») tient dans sa case
    texte = next(u for u in _unites(spec) if u.get("mark", {}).get("type") == "text")
    assert spec["width"]["step"] >= charts.largeur_texte(["20,0"], texte["mark"]["fontSize"])
    # le libellé long est abrégé, le texte entier reste en infobulle
    courts = {d["_colonne"] for d in _donnees(spec, spec["layer"][0])}
    assert all(len(c) <= charts.LIBELLE_MAX for c in courts)
    assert any(t["field"] == "matiere" for t in spec["layer"][0]["encoding"]["tooltip"])
    assert _largeur_rendue(chart) <= 1280


def test_grille_ulis_classe_nomme_chaque_item_sans_s_ecraser() -> None:
    df = pl.DataFrame([{"eleve": e, "item": it, "niveau": 1 + (i + j) % 4}
                       for i, e in enumerate(ELEVES[:3]) for j, it in enumerate(ITEMS_ULIS)])
    chart = charts.grille_competences(df, COULEURS, LIBELLES, ligne="eleve", colonne="item")
    _verifie_libelles(chart, "y", 3)
    spec = _verifie_libelles(chart, "x", 12)
    assert spec["height"]["step"] >= 20  # une classe de trois élèves ne se réduit pas à un filet
    assert _largeur_rendue(chart) <= 1280


def test_pix_niveaux_entiers_et_competences_nommees() -> None:
    df = pl.DataFrame({"competence": list(COMPETENCES_PIX),
                       "libelle": [f"{c} {t}" for c, t in COMPETENCES_PIX.items()],
                       "niveau": [i % 6 for i in range(16)]})
    spec = _verifie_libelles(charts.pix_competences(df, 6), "y", 16)
    x = spec["layer"][0]["encoding"]["x"] if "encoding" in spec["layer"][0] else spec["encoding"]["x"]
    assert x["axis"]["values"] == list(range(7))  # aucune graduation « 0,5 »
    distribution = pl.DataFrame({"competence": [c for c in COMPETENCES_PIX for _ in range(3)],
                                 "niveau": [k for _ in COMPETENCES_PIX for k in (1, 2, 3)]})
    spec = _verifie_libelles(charts.pix_distribution(distribution), "y", 16)
    _, _, libelles = _place(spec, "y")
    assert libelles[0].startswith("1.1 Mener une recherche")  # le code avec son intitulé, ordre du référentiel
    assert libelles[-1].startswith("5.2 ")


def test_taux_absences_sans_chiffres_superposes_et_classes_dans_l_ordre_des_niveaux() -> None:
    classes = ["T MELEC", "2 MELEC", "CAP1 EPC", "3A", "6B", "1 MELEC"]
    semaines = [f"{k:02d}/{m:02d}" for m in (9, 10, 11, 12, 1, 2, 3, 4, 5) for k in (1, 8, 15, 22)]
    df = pl.DataFrame([{"classe": c, "intervalle": s, "taux": 0.1} for c in classes for s in semaines])
    spec = _verifie_libelles(charts.taux_absences(df, colonne="intervalle"), "x", len(semaines))
    # 36 semaines : la valeur ne tiendrait pas dans la case, elle est en couleur et en infobulle seulement
    assert all(u.get("mark", {}).get("type") != "text" for u in _unites(spec))
    assert spec["encoding"]["y"]["sort"] == ["6B", "3A", "2 MELEC", "1 MELEC", "T MELEC", "CAP1 EPC"]
    mois = pl.DataFrame([{"classe": c, "intervalle": f"{m:02d}/2026", "taux": 0.1} for c in classes for m in range(1, 11)])
    spec = _verifie_libelles(charts.taux_absences(mois, colonne="intervalle"), "x", 10)
    texte = next(u for u in _unites(spec) if u.get("mark", {}).get("type") == "text")
    assert spec["width"]["step"] >= charts.largeur_texte(["100 %"], texte["mark"]["fontSize"])


def test_devoirs_legende_et_libelles_distincts() -> None:
    libelles = [f"HISTOIRE-GÉOGRAPHIE-ENSEIGNEMENT MORAL ET CIVIQUE — Contrôle sur la Révolution ({j:02d}/10)"
                for j in range(1, 6)]
    df = pl.DataFrame({"devoir": libelles, "min": [2.0] * 5, "max": [18.0] * 5, "mediane": [9.0] * 5,
                       "moyenne": [9.5] * 5, "echec_collectif": [False, True, False, False, False]})
    spec = _verifie_libelles(charts.devoirs(df), "y", 5)
    legendes = [u["encoding"][c] for u in _unites(spec) for c in ("color", "strokeDash")
                if c in u.get("encoding", {}) and u["encoding"][c].get("legend") is not None]
    titres = {l.get("title") for l in legendes}
    assert {"Moyenne du devoir", "Lecture"} <= titres


def test_abreges_jamais_deux_fois_le_meme_libelle() -> None:
    textes = ["A" * 60 + str(i) for i in range(3)] + ["court"]
    courts = charts.abreges(textes, 20)
    assert courts["court"] == "court"
    assert len(set(courts.values())) == 4
    assert all(len(c) <= 24 for c in courts.values())


def test_ordre_des_niveaux_comme_a_l_ecole() -> None:
    noms = ["ULIS", "CAP2", "Tle", "1re", "2nde", "3e", "6e", "5e", "4e", "CAP1", "10A"]
    assert sorted(noms, key=rang_classe) == ["6e", "5e", "4e", "3e", "2nde", "1re", "Tle", "CAP1", "CAP2",
                                             "10A", "ULIS"]


def test_tendance_sur_deux_ans_garde_chaque_periode_lisible() -> None:
    """Six trimestres sur deux ans (« Trimestre 1 (2024-2025) ») : l'axe les nommait « Trimestre 1 (2024… » et
    en masquait un sur deux dans 360 px (trouvé en essai, page Élève). Chaque période a son libellé court sur
    deux lignes, la place de chacun tient dans la largeur, et le nom entier reste en infobulle."""
    periodes = [f"Trimestre {t} ({a}-{a + 1})" for a in (2024, 2025) for t in (1, 2, 3)]
    df = pl.DataFrame({"periode": periodes * 2, "moyenne": [12.0] * 12, "serie": ["Élève"] * 6 + ["Classe"] * 6})
    spec = charts.tendance(df).to_dict()
    x = spec["encoding"]["x"]
    assert x["sort"] == ["T1|24-25", "T2|24-25", "T3|24-25", "T1|25-26", "T2|25-26", "T3|25-26"]
    assert x["axis"]["labelExpr"] == "split(datum.label, '|')"
    # la place d'un libellé (la largeur par période) couvre sa plus longue ligne (« 24-25 ») à la police de l'axe
    assert spec["width"] / 6 >= charts.largeur_texte(["24-25", "T1"], x["axis"]["labelFontSize"])
    assert x["axis"]["labelLimit"] >= charts.largeur_texte(["24-25"])
    assert {t["title"] for t in spec["encoding"]["tooltip"]} >= {"Période"}
    assert charts.periode_courte("Semestre 2") == "S2" and charts.periode_courte("Année") == "Année"
