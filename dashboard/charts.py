"""Les graphiques du tableau de bord : fonctions pures, un DataFrame Polars → un graphique Altair.

Aucune ne touche à Streamlit ni à l'entrepôt : on les teste sur des frames construites à la main, et le
PDF les rend hors ligne (vl-convert). Couleurs lisibles par les daltoniens : palette Okabe-Ito pour les
catégories, échelles séquentielles « viridis » ou divergentes « blueorange », et toujours un libellé
(texte ou forme) en plus de la couleur.
"""

from __future__ import annotations

import math
import re

import altair as alt
import polars as pl

from models.records import COMPETENCES_PIX, rang_classe

# La géométrie du radar (ordre des axes, sommets, grille) et la palette vivent dans ``geometrie`` : le PDF
# les dessine sans importer Altair.
from .geometrie import (  # noqa: F401
    _RAYON_LIBELLES, ANNEAUX, OKABE_ITO, ORDRE_FAMILLES, _angle, coordonnees_radar, grille_radar, lignes_libelle,
    ordre_axes,
)

# --- Conventions communes -----------------------------------------------------------------------------


#: Locale d3 française : virgule décimale, espace insécable pour les milliers, mois en français.
LOCALE_FR = {
    "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0€"]},
    "time": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                   "septembre", "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                        "sept.", "oct.", "nov.", "déc."],
    },
}

#: Domaine des notes sur 20.
NOTES = alt.Scale(domain=[0, 20])


#: Taille (px) des libellés de catégorie et marge entre deux libellés voisins : la place donnée à chaque
#: ligne d'un graphique en découle (``PAS``), pour qu'aucun libellé ne soit masqué ni ne chevauche le voisin
#: au projecteur (1280×720). Un graphique se dimensionne sur ses données : ``alt.Step(PAS)`` par ligne.
POLICE = 11
MARGE = 5
PAS = POLICE + MARGE
#: Largeur moyenne d'un caractère rapportée à la taille de police (texte sans empattement) : sert à
#: réserver la place d'un libellé ou d'une valeur écrite dans une case.
CHASSE = 0.62
#: Au-delà de ce nombre de caractères, un libellé est abrégé (« … ») ; le texte entier reste en infobulle.
LIBELLE_MAX = 34
#: Même règle pour un libellé de ligne d'un graphique en barres horizontales, qui a la place en largeur.
LIBELLE_LONG = 52


def largeur_texte(textes: list[str], police: float = POLICE) -> int:
    """Largeur (px) à réserver pour le plus long de ``textes`` écrit en ``police`` px."""
    return int(max((len(t) for t in textes), default=0) * police * CHASSE) + 6


def abrege(texte: str, longueur: int = LIBELLE_MAX) -> str:
    """``texte`` s'il tient en ``longueur`` caractères, sinon coupé au dernier mot entier et suivi de « … »."""
    if len(texte) <= longueur:
        return texte
    coupe = texte[: longueur - 1]
    if " " in coupe[longueur // 2:]:
        coupe = coupe[: coupe.rindex(" ")]
    return coupe.rstrip(" ,;:-–—") + "…"


def abreges(textes: list[str], longueur: int = LIBELLE_MAX) -> dict[str, str]:
    """Chaque texte distinct de ``textes`` → son abréviation (``abrege``), sans que deux textes différents
    finissent sous le même libellé (deux catégories confondues sur l'axe) : en cas de collision, le début
    et la fin sont gardés (« HISTOIRE-GÉO… (12/10) »), et au besoin un numéro."""
    distincts = list(dict.fromkeys(t for t in textes if t is not None))
    courts = {t: abrege(t, longueur) for t in distincts}
    vus: dict[str, int] = {}
    for c in courts.values():
        vus[c] = vus.get(c, 0) + 1
    moitie = max(longueur // 2 - 1, 4)
    for t, c in courts.items():
        if vus[c] > 1:
            courts[t] = t[:moitie].rstrip() + "…" + t[-moitie:].lstrip()
    pris: set[str] = set()
    for t, c in courts.items():
        k, candidat = 2, c
        while candidat in pris:
            candidat, k = f"{c} ({k})", k + 1
        courts[t] = candidat
        pris.add(candidat)
    return courts


def _court(df: pl.DataFrame, colonne: str, alias: str, longueur: int = LIBELLE_MAX) -> pl.DataFrame:
    """``df`` avec la colonne ``alias`` : le libellé abrégé de ``colonne`` (texte entier gardé pour
    l'infobulle)."""
    textes = df[colonne].cast(pl.String)
    return df.with_columns(textes.replace_strict(abreges(textes.to_list(), longueur), default=None).alias(alias))


def _axe_categories(textes: list[str], **kw) -> alt.Axis:
    """Axe d'une liste de catégories : police ``POLICE``, place des libellés calculée sur le plus long."""
    return alt.Axis(labelFontSize=POLICE, labelLimit=largeur_texte(textes) + 4, **kw)


def ordre_classes(noms: list[str]) -> list[str]:
    """Niveaux ou classes dans l'ordre des établissements (6e → 3e, 2nde → Tle, CAP), voir
    ``models.records.rang_classe``."""
    return sorted(dict.fromkeys(n for n in noms if n is not None), key=rang_classe)


def _fr(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(locale=LOCALE_FR).configure_view(stroke=None)


def vide(message: str = "Aucune donnée") -> alt.Chart:
    """Un graphique qui dit qu'il n'y a rien à montrer (plutôt qu'un cadre blanc)."""
    return alt.Chart(pl.DataFrame({"t": [message]})).mark_text(size=14, color="#555").encode(
        text="t:N"
    ).properties(width=300, height=60)


# --- Radar --------------------------------------------------------------------------------------------

def repartition(df: pl.DataFrame, *, titre: str = "") -> alt.TopLevelMixin:
    """Le nombre d'élèves par tranche de moyenne (``tranche``, ``eleves``) : des comptes seulement,
    aucune valeur individuelle (mode projection du conseil)."""
    if df.is_empty():
        return vide()
    return _fr(
        alt.Chart(df).mark_bar(color="#0072B2").encode(
            alt.X("tranche:N", sort=df["tranche"].to_list(), title="Moyenne générale /20",
                  axis=alt.Axis(labelAngle=0)),
            alt.Y("eleves:Q", title="Élèves", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("tranche:N", title="Tranche"), alt.Tooltip("eleves:Q", title="Élèves")],
        ).properties(width=320, height=180, title=titre)
    )


def radar(valeurs: pl.DataFrame, *, titre: str = "", taille: int = 380) -> alt.TopLevelMixin:
    """Radar des moyennes par matière : une série par contour (élève, classe, période précédente).

    Construit à partir de coordonnées polaires calculées (Vega-Lite n'a pas de repère polaire pour des
    lignes) : échelles x et y fixes et égales pour que le cercle reste un cercle ; pas d'axes.
    Séries distinguées par la couleur **et** le trait (plein, tirets, pointillés).
    """
    axes = ordre_axes(valeurs)
    if len(axes) < 3:
        return vide("Radar : il faut au moins trois matières notées")
    points = coordonnees_radar(valeurs, axes)
    grille, libelles = grille_radar(axes)
    # Même nombre d'unités par pixel en x et en y (sinon le polygone régulier s'aplatit) ; la largeur
    # en plus sert aux libellés des axes latéraux.
    largeur, hauteur = taille + 180, taille
    borne = _RAYON_LIBELLES + 5
    demi_x = borne * largeur / hauteur
    echelle_x = alt.Scale(domain=[-demi_x, demi_x], nice=False, zero=False)
    echelle_y = alt.Scale(domain=[-borne, borne], nice=False, zero=False)
    X = alt.X("x:Q", scale=echelle_x, axis=None)
    Y = alt.Y("y:Q", scale=echelle_y, axis=None)
    series = points["serie"].unique(maintain_order=True).to_list()
    tirets = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]

    # Sans encodage de couleur, Vega-Lite relie mal les groupes ``detail`` (rayons absents) : la grille a
    # sa propre échelle de couleur, d'une seule teinte, indépendante de celle des séries.
    fond = alt.Chart(grille).mark_line(strokeWidth=1).encode(
        X, Y, detail="trace:N", order="ordre:Q",
        color=alt.Color("trace:N", scale=alt.Scale(range=["#b0b0b0"]), legend=None),
    )
    chiffres = alt.Chart(
        pl.DataFrame({"x": [1.0] * len(ANNEAUX), "y": [float(r) for r in ANNEAUX],
                      "t": [str(r) for r in ANNEAUX]})
    ).mark_text(align="left", dx=2, dy=-6, fontSize=9, color="#777").encode(X, Y, text="t:N")
    # L'alignement n'est pas un canal d'encodage : une couche de texte par alignement. Les libellés ne
    # sont jamais tronqués : un libellé long passe à la ligne (``lineBreak``). Les matières
    # professionnelles sont écrites en brun, les générales en gris foncé : un radar déséquilibré se lit
    # d'un coup d'œil au projecteur.
    familles = dict(zip(valeurs["matiere"], valeurs["famille"]))
    libelles = libelles.with_columns(
        texte=pl.col("matiere").map_elements(lambda m: "\n".join(lignes_libelle(m, 14)), return_dtype=pl.String),
        enseignement=pl.col("matiere").replace_strict(
            {m: "Enseignement professionnel" if familles.get(m) == "professionnel" else "Enseignement général"
             for m in axes}, default="Enseignement général"),
    )
    pro = "professionnel" in familles.values()

    def couleur_libelles(legende: bool) -> alt.Color:
        return alt.Color("enseignement:N", title=None,
                         scale=alt.Scale(domain=["Enseignement général", "Enseignement professionnel"],
                                         range=["#222222", "#8a4b00"]),
                         legend=alt.Legend(orient="top", symbolType="square", labelLimit=0) if legende and pro
                         else None)

    alignements = [a for a in ("left", "center", "right") if (libelles["alignement"] == a).any()]
    noms = [
        alt.Chart(libelles.filter(pl.col("alignement") == a))
        .mark_text(fontSize=10, align=a, baseline="middle", lineBreak="\n", fontWeight=500)
        .encode(X, Y, text="texte:N", color=couleur_libelles(i == 0))
        for i, a in enumerate(alignements)
    ]
    couleur = alt.Color("serie:N", title=None, sort=series,
                        scale=alt.Scale(domain=series, range=OKABE_ITO[: len(series)]),
                        legend=alt.Legend(orient="bottom", labelLimit=0))
    trait = alt.StrokeDash("serie:N", sort=series, scale=alt.Scale(domain=series, range=tirets[: len(series)]),
                           legend=None)
    contours = alt.Chart(points).mark_line(strokeWidth=2.2).encode(
        X, Y, couleur, trait, order="ordre:Q", detail="serie:N"
    )
    # Couleurs indépendantes par calque (voir ``fond``) : une seule légende, celle des contours, qui
    # montre couleur et trait.
    couleur_points = alt.Color("serie:N", sort=series, legend=None,
                               scale=alt.Scale(domain=series, range=OKABE_ITO[: len(series)]))
    sommets = alt.Chart(points).mark_point(filled=True, size=35).encode(
        X, Y, couleur_points, shape=alt.Shape("serie:N", sort=series, legend=None),
        tooltip=[alt.Tooltip("serie:N", title="Série"), alt.Tooltip("matiere:N", title="Matière"),
                 alt.Tooltip("moyenne:Q", title="Moyenne", format=".2f")],
    )
    return _fr(
        alt.layer(fond, chiffres, *noms, contours, sommets)
        .resolve_scale(color="independent")
        .properties(width=largeur, height=hauteur, title=titre)
    )


# --- Classe -------------------------------------------------------------------------------------------


def boites(df: pl.DataFrame, *, noms: bool = True) -> alt.TopLevelMixin:
    """Distribution des moyennes des élèves par matière : boîte à moustaches + un point par élève.

    ``df`` : ``matiere``, ``moyenne``, ``eleve`` (libellé, en infobulle si ``noms``)."""
    if df.is_empty():
        return vide()
    ordre = sorted(df["matiere"].unique().to_list())
    y = alt.Y("matiere:N", title=None, sort=ordre, axis=_axe_categories(ordre))
    x = alt.X("moyenne:Q", title="Moyenne /20", scale=NOTES)
    boite = alt.Chart(df).mark_boxplot(extent="min-max", size=14, color="#56B4E9", opacity=0.6).encode(x, y)
    infos = [alt.Tooltip("matiere:N", title="Matière"), alt.Tooltip("moyenne:Q", title="Moyenne", format=".2f")]
    if noms and "eleve" in df.columns:
        infos.insert(0, alt.Tooltip("eleve:N", title="Élève"))
    points = alt.Chart(df).mark_circle(size=28, color="#000000", opacity=0.7).encode(
        x, y, yOffset=alt.YOffset("decalage:Q", scale=alt.Scale(domain=[-1, 1])), tooltip=infos
    ).transform_calculate(decalage="(random() - 0.5) * 1.2")
    return _fr(alt.layer(boite, points).properties(width=560, height=max(120, 40 * len(ordre))))


def histogramme(df: pl.DataFrame, *, colonne: str = "moyenne", titre: str = "") -> alt.TopLevelMixin:
    """Histogramme des notes sur 20 par tranches de 2 points."""
    if df.is_empty():
        return vide()
    return _fr(
        alt.Chart(df).mark_bar(color="#0072B2").encode(
            alt.X(f"{colonne}:Q", bin=alt.Bin(extent=[0, 20], step=2), title="Note /20"),
            alt.Y("count():Q", title="Élèves"),
            tooltip=[alt.Tooltip("count():Q", title="Élèves")],
        ).properties(width=300, height=180, title=titre)
    )


def devoirs(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Chaque devoir : étendue min–max, médiane (trait), moyenne (point) sur 20 ; un devoir raté par la
    classe (``echec_collectif``) est marqué d'un triangle et d'une autre couleur.

    ``df`` : ``devoir`` (libellé), ``min``, ``max``, ``mediane``, ``moyenne``, ``echec_collectif``."""
    if df.is_empty():
        return vide()
    df = df.with_columns(
        pl.when(pl.col("echec_collectif")).then(pl.lit("raté par la classe")).otherwise(pl.lit("ordinaire"))
        .alias("etat"),
    )
    df = _court(df, "devoir", "court", LIBELLE_LONG)
    ordre = df["court"].unique(maintain_order=True).to_list()
    y = alt.Y("court:N", title=None, sort=ordre, axis=_axe_categories(ordre))
    etats = ["ordinaire", "raté par la classe"]
    # La légende dit ce que sont les marques : étendue (trait), médiane (tiret noir), moyenne (point),
    # devoir raté (triangle orange) et le seuil de 10.
    couleur = alt.Color("etat:N", title="Moyenne du devoir", scale=alt.Scale(domain=etats, range=["#0072B2", "#D55E00"]),
                        legend=alt.Legend(orient="top", labelLimit=0, symbolType="circle"))
    infos = [alt.Tooltip("devoir:N", title="Devoir"), alt.Tooltip("moyenne:Q", title="Moyenne", format=".2f"),
             alt.Tooltip("mediane:Q", title="Médiane", format=".2f"), alt.Tooltip("min:Q", title="Min", format=".2f"),
             alt.Tooltip("max:Q", title="Max", format=".2f")]
    base = alt.Chart(df).encode(y)
    etendue = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        alt.X("min:Q", title="Note ramenée sur 20", scale=NOTES), x2="max:Q",
        color=couleur, tooltip=infos,
    )
    mediane = base.mark_tick(thickness=2, size=14, color="#000").encode(alt.X("mediane:Q", scale=NOTES),
                                                                       tooltip=infos)
    moyenne = base.mark_point(filled=True, size=70).encode(
        alt.X("moyenne:Q", scale=NOTES), couleur,
        alt.Shape("etat:N", scale=alt.Scale(domain=etats, range=["circle", "triangle-down"]), legend=None),
        tooltip=infos,
    )
    regle = alt.Chart(pl.DataFrame({"x": [10.0]})).mark_rule(strokeDash=[4, 3], color="#555").encode(
        alt.X("x:Q", scale=NOTES)
    )
    # Légende des formes sans couleur : une marque de chaque sorte, décrite (Vega-Lite ne légende pas
    # un trait ou un tiret sans canal dédié).
    cles = pl.DataFrame({"marque": ["trait : de la note la plus basse à la plus haute",
                                    "tiret noir : médiane", "pointillés : 10/20"]})
    legende = alt.Chart(cles).mark_point(opacity=0).encode(
        alt.StrokeDash("marque:N", title="Lecture", sort=cles["marque"].to_list(),
                       scale=alt.Scale(domain=cles["marque"].to_list(), range=[[1, 0], [1, 0], [4, 3]]),
                       legend=alt.Legend(orient="top", labelLimit=0, symbolType="stroke", direction="vertical",
                                         symbolStrokeColor="#333")),
    )
    return _fr(alt.layer(etendue, mediane, moyenne, regle, legende)
               .resolve_scale(strokeDash="independent")
               .properties(width=520, height=alt.Step(max(PAS, 20))))


def carte_chaleur(df: pl.DataFrame, *, ligne: str = "eleve", colonne: str = "matiere",
                  valeur: str = "moyenne", titre_valeur: str = "Moyenne") -> alt.TopLevelMixin:
    """Carte de chaleur élèves × matières, valeur écrite dans chaque case (lisible sans la couleur).

    Échelle divergente bleu–orange centrée sur 10 : lisible en cas de daltonisme rouge-vert."""
    if df.is_empty():
        return vide()
    # Toutes les lignes et colonnes nommées : une rangée de ``PAS`` px par élève, une colonne assez large
    # pour la valeur écrite (« 12,5 ») et pour le libellé incliné ; libellés longs abrégés, entiers en
    # infobulle.
    df = _court(df, colonne, "_colonne")
    lignes = df[ligne].unique(maintain_order=True).to_list()
    colonnes = sorted(df["_colonne"].unique().to_list())
    base = alt.Chart(df).encode(
        alt.X("_colonne:N", title=None, sort=colonnes, axis=_axe_categories(colonnes, labelAngle=-40)),
        alt.Y(f"{ligne}:N", title=None, sort=lignes, axis=_axe_categories(lignes)),
    )
    cases = base.mark_rect().encode(
        alt.Color(f"{valeur}:Q", title=titre_valeur,
                  scale=alt.Scale(scheme="blueorange", domain=[0, 20], domainMid=10, reverse=True)),
        tooltip=[alt.Tooltip(f"{ligne}:N", title=ligne.capitalize().replace("Eleve", "Élève")),
                 alt.Tooltip(f"{colonne}:N", title=colonne.capitalize().replace("Matiere", "Matière")),
                 alt.Tooltip(f"{valeur}:Q", format=".2f", title=titre_valeur)],
    )
    textes = base.mark_text(fontSize=POLICE - 1).encode(
        text=alt.Text(f"{valeur}:Q", format=".1f"),
        color=alt.condition(f"datum.{valeur} < 5 || datum.{valeur} > 15", alt.value("white"), alt.value("black")),
    )
    return _fr(alt.layer(cases, textes).properties(
        height=alt.Step(PAS + 4), width=alt.Step(max(PAS * 2, largeur_texte(["20,0"], POLICE - 1) + 8))))


def comparaison_periodes(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Moyenne de classe par matière, période courante contre précédente (barres groupées).

    ``df`` : ``matiere``, ``periode``, ``moyenne``."""
    if df.is_empty():
        return vide()
    periodes = df["periode"].unique(maintain_order=True).to_list()
    return _fr(
        alt.Chart(df).mark_bar().encode(
            alt.Y("matiere:N", title=None, sort=sorted(df["matiere"].unique().to_list()),
                  axis=_axe_categories(df["matiere"].unique().to_list())),
            alt.X("moyenne:Q", title="Moyenne de classe /20", scale=NOTES),
            alt.YOffset("periode:N", sort=periodes),
            alt.Color("periode:N", title="Période", sort=periodes,
                      scale=alt.Scale(domain=periodes, range=OKABE_ITO[: len(periodes)])),
            tooltip=[alt.Tooltip("matiere:N", title="Matière"), alt.Tooltip("periode:N", title="Période"),
                     alt.Tooltip("moyenne:Q", title="Moyenne", format=".2f")],
        ).properties(width=520, height=alt.Step(max(PAS + 6, 10 * len(periodes)), **{"for": "position"}))
    )


_PERIODE_NOMMEE = re.compile(r"^(Trimestre|Semestre)\s+(\d+)(?:\s+\((\d{4})-(\d{4})\))?$")
#: Séparateur des lignes d'un libellé d'axe sur plusieurs lignes (``labelExpr`` le découpe).
SAUT = "|"


def periode_courte(texte: str) -> str:
    """Libellé d'axe d'une période : « Trimestre 1 (2024-2025) » → « T1|24-25 » (deux lignes, ``SAUT``),
    « Semestre 2 » → « S2 » ; un autre nom est abrégé (``abrege``). Le nom entier reste en infobulle."""
    m = _PERIODE_NOMMEE.match(texte.strip())
    if m is None:
        return abrege(texte, 16)
    return m[1][0] + m[2] + (f"{SAUT}{m[3][2:]}-{m[4][2:]}" if m[3] else "")


def tendance(df: pl.DataFrame, *, titre: str = "") -> alt.TopLevelMixin:
    """Évolution d'une moyenne au fil des périodes. ``df`` : ``periode``, ``moyenne``, ``serie``.

    Chaque période garde son libellé sur l'axe (``periode_courte``, sur deux lignes quand il porte son
    année) et la largeur suit leur nombre : six trimestres sur deux ans ne se masquent pas l'un l'autre."""
    if df.is_empty():
        return vide()
    periodes = df["periode"].unique(maintain_order=True).to_list()
    courtes = {p: periode_courte(p) for p in periodes}
    if len(set(courtes.values())) < len(courtes):  # deux périodes confondues : les noms entiers
        courtes = {p: p for p in periodes}
    df = df.with_columns(pl.col("periode").replace_strict(courtes, return_dtype=pl.String).alias("_periode"))
    lignes = [ligne for c in courtes.values() for ligne in c.split(SAUT)]
    largeur = max(360, len(periodes) * (largeur_texte(lignes) + 2 * MARGE))
    series = df["serie"].unique(maintain_order=True).to_list()
    return _fr(
        alt.Chart(df).mark_line(point=alt.OverlayMarkDef(filled=True, size=60)).encode(
            alt.X("_periode:N", title=None, sort=list(courtes.values()),
                  axis=_axe_categories(lignes, labelAngle=0, labelExpr=f"split(datum.label, '{SAUT}')")),
            alt.Y("moyenne:Q", title="Moyenne /20", scale=NOTES),
            alt.Color("serie:N", title=None, sort=series,
                      scale=alt.Scale(domain=series, range=OKABE_ITO[: len(series)]),
                      legend=alt.Legend(orient="top", labelLimit=0)),
            alt.StrokeDash("serie:N", sort=series, legend=None),
            tooltip=[alt.Tooltip("serie:N", title="Série"), alt.Tooltip("periode:N", title="Période"),
                     alt.Tooltip("moyenne:Q", title="Moyenne", format=".2f")],
        ).properties(width=largeur, height=200, title=titre)
    )


# --- Vie scolaire -------------------------------------------------------------------------------------

#: Statuts d'absence : couleur ET forme, pour ne pas dépendre de la couleur seule.
STATUTS_ABSENCE = {"non_justifiee": ("#D55E00", "triangle-up"), "en_attente": ("#E69F00", "diamond"),
                   "justifiee": ("#0072B2", "circle")}
#: Largeur (px) laissée au tracé d'un graphique pleine largeur à 1280×720 (barre latérale ouverte, libellés
#: de lignes à gauche) : au-delà, des colonnes se serreraient.
LARGEUR_UTILE = 760

LIBELLES_STATUT = {"non_justifiee": "non justifiée", "en_attente": "justificatif attendu",
                   "justifiee": "justifiée"}


def chronologie_absences(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Frise des absences d'un élève : ``debut``, ``demi_journees``, ``statut``."""
    if df.is_empty():
        return vide("Aucune absence")
    df = df.with_columns(pl.col("statut").replace_strict(LIBELLES_STATUT, default=pl.col("statut")).alias("etat"))
    etats = [LIBELLES_STATUT[s] for s in STATUTS_ABSENCE]
    return _fr(
        alt.Chart(df).mark_point(filled=True, size=90).encode(
            alt.X("debut:T", title=None, axis=alt.Axis(format="%d/%m")),
            alt.Y("etat:N", title=None, sort=etats),
            alt.Color("etat:N", title="Statut",
                      scale=alt.Scale(domain=etats, range=[c for c, _ in STATUTS_ABSENCE.values()])),
            alt.Shape("etat:N", scale=alt.Scale(domain=etats, range=[f for _, f in STATUTS_ABSENCE.values()]),
                      legend=None),
            alt.Size("demi_journees:Q", title="Demi-journées", scale=alt.Scale(range=[40, 250])),
            tooltip=[alt.Tooltip("debut:T", title="Début", format="%d/%m/%Y %H:%M"),
                     alt.Tooltip("demi_journees:Q", title="Demi-journées"), alt.Tooltip("etat:N", title="Statut")],
        ).properties(width=560, height=140)
    )


def taux_absences(df: pl.DataFrame, *, ligne: str = "classe", colonne: str = "mois") -> alt.TopLevelMixin:
    """Carte de chaleur des taux d'absence (0–1) par classe et par mois ou semaine, viridis, valeur écrite.

    Les colonnes gardent l'ordre du frame (chronologique : le texte « 01/2026 » ne se trie pas seul)."""
    if df.is_empty():
        return vide()
    ordre = df[colonne].unique(maintain_order=True).to_list()
    lignes = ordre_classes(df[ligne].to_list())
    # La valeur n'est écrite dans la case que si elle y tient (« 12 % » sur ``pas`` px) et si toutes les
    # colonnes tiennent à 1280 px de large ; sinon la couleur, sa légende et l'infobulle la portent : des
    # chiffres superposés ne se lisent pas.
    pas = max(PAS * 2, largeur_texte(["100 %"], POLICE - 1) + 6)
    ecrire = len(ordre) * pas <= LARGEUR_UTILE
    if not ecrire:
        pas = max(PAS, LARGEUR_UTILE // max(len(ordre), 1))
    base = alt.Chart(df).encode(
        alt.X(f"{colonne}:O", title=None, sort=ordre, axis=_axe_categories(ordre, labelAngle=-40)),
        alt.Y(f"{ligne}:N", title=None, sort=lignes, axis=_axe_categories(lignes)),
    )
    cases = base.mark_rect().encode(
        alt.Color("taux:Q", title="Taux", scale=alt.Scale(scheme="viridis", reverse=True),
                  legend=alt.Legend(format=".0%")),
        tooltip=[alt.Tooltip(f"{ligne}:N", title="Classe" if ligne == "classe" else ligne.capitalize()),
                 alt.Tooltip(f"{colonne}:O", title="Période"),
                 alt.Tooltip("taux:Q", format=".1%", title="Taux")],
    )
    taille = {"height": alt.Step(PAS + 6), "width": alt.Step(pas)}
    if not ecrire:
        return _fr(cases.properties(**taille))
    # Texte blanc sur les cases foncées (le haut de l'échelle viridis inversée).
    fonce = 0.6 * float(df["taux"].max() or 0)
    textes = base.mark_text(fontSize=POLICE - 1).encode(
        text=alt.Text("taux:Q", format=".0%"),
        color=alt.condition(f"datum.taux > {fonce}", alt.value("white"), alt.value("black")),
    )
    return _fr(alt.layer(cases, textes).properties(**taille))


# --- Compétences et Pix -------------------------------------------------------------------------------


def grille_competences(df: pl.DataFrame, couleurs: dict[int, str], libelles: dict[int, str], *,
                       ligne: str = "item", colonne: str = "date") -> alt.TopLevelMixin:
    """Items × dates (ou élèves × items) : la case prend la couleur du niveau ET porte son numéro
    (1–4), la légende donne le libellé : lisible sans distinguer les couleurs.

    ``df`` : ``ligne``, ``colonne`` (texte), ``niveau`` (1–4)."""
    if df.is_empty():
        return vide("Aucune évaluation")
    niveaux = sorted(couleurs)
    noms = [libelles.get(n, str(n)) for n in niveaux]
    df = df.with_columns(
        pl.col("niveau").replace_strict({n: libelles.get(n, str(n)) for n in niveaux}, default=None,
                                        return_dtype=pl.String).alias("maitrise"),
        pl.col("niveau").cast(pl.String).alias("code"),
    )
    # Les colonnes dans l'ordre des données (des dates « jj/mm/aaaa » triées comme du texte
    # mettraient octobre 2025 après juin 2026) ; toutes les étiquettes, sans en sauter : une rangée de
    # ``PAS`` px au moins par ligne, des libellés d'items abrégés (texte entier en infobulle) et une
    # colonne assez large pour son libellé incliné.
    df = _court(_court(df, ligne, "_ligne"), colonne, "_colonne")
    lignes = df["_ligne"].unique(maintain_order=True).to_list()
    colonnes = df["_colonne"].unique(maintain_order=True).to_list()
    base = alt.Chart(df).encode(
        alt.X("_colonne:O", title=None, sort=colonnes, axis=_axe_categories(colonnes, labelAngle=-40)),
        alt.Y("_ligne:N", title=None, sort=lignes, axis=_axe_categories(lignes)),
    )
    titres = {"item": "Item", "date": "Date", "eleve": "Élève"}
    cases = base.mark_rect(stroke="white").encode(
        alt.Color("maitrise:N", title="Maîtrise", sort=noms,
                  scale=alt.Scale(domain=noms, range=[couleurs[n] for n in niveaux]),
                  legend=alt.Legend(orient="top", labelLimit=0)),
        tooltip=[alt.Tooltip(f"{ligne}:N", title=titres.get(ligne, ligne)),
                 alt.Tooltip(f"{colonne}:N", title=titres.get(colonne, colonne)),
                 alt.Tooltip("maitrise:N", title="Maîtrise")],
    )
    textes = base.mark_text(fontSize=POLICE, fontWeight="bold", color="white").encode(text="code:N")
    return _fr(alt.layer(cases, textes).properties(height=alt.Step(PAS + 8), width=alt.Step(PAS * 2 + 8)))


def pix_competences(df: pl.DataFrame, niveau_max: int = 8) -> alt.TopLevelMixin:
    """Les 16 compétences Pix d'un élève : barres horizontales du niveau (0 à ``niveau_max``, le réglage
    ``pix.niveau_max`` : il décide de l'affichage, jamais de la valeur gardée), valeur écrite."""
    if df.is_empty():
        return vide("Aucun résultat Pix")
    haut = max(niveau_max, int(df["niveau"].max() or 0))  # un niveau plus haut que le réglage reste visible
    df = _court(df, "libelle", "court", LIBELLE_LONG)
    ordre = df["court"].to_list()
    # Les niveaux Pix sont entiers : une graduation par niveau, jamais de « 0,5 ».
    base = alt.Chart(df).encode(
        alt.Y("court:N", title=None, sort=ordre, axis=_axe_categories(ordre)),
        alt.X("niveau:Q", title="Niveau", scale=alt.Scale(domain=[0, haut], nice=False),
              axis=alt.Axis(values=list(range(haut + 1)), format="d", tickMinStep=1)),
        tooltip=[alt.Tooltip("libelle:N", title="Compétence"), alt.Tooltip("niveau:Q", title="Niveau")],
    )
    return _fr(alt.layer(
        base.mark_bar(color="#009E73"),
        base.mark_text(align="left", dx=3, fontSize=POLICE).encode(text="niveau:Q"),
    ).properties(width=360, height=alt.Step(PAS + 4)))


def pix_distribution(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Par compétence, le nombre d'élèves à chaque niveau (barres empilées, viridis ordonnée ; le niveau
    est écrit en infobulle). ``df`` : une ligne par élève et compétence (``competence``, ``niveau``)."""
    if df.is_empty():
        return vide("Aucun résultat Pix")
    # Le code seul (« 2.3 ») ne dit rien à un professeur : code et intitulé, abrégé si long (entier en
    # infobulle), dans l'ordre du référentiel Pix.
    df = df.with_columns(
        pl.col("competence").replace_strict({c: f"{c} {t}" for c, t in COMPETENCES_PIX.items()},
                                            default=pl.col("competence"), return_dtype=pl.String).alias("libelle"),
        pl.col("niveau").cast(pl.Int64),
    )
    df = _court(df, "libelle", "court", LIBELLE_LONG)
    rang = {c: i for i, c in enumerate(COMPETENCES_PIX)}
    ordre = (df.select("competence", "court").unique()
             .sort(pl.col("competence").replace_strict(rang, default=len(rang), return_dtype=pl.Int64))
             ["court"].to_list())
    niveaux = sorted(df["niveau"].unique().to_list())
    return _fr(
        alt.Chart(df).mark_bar(stroke="white").encode(
            alt.Y("court:N", title=None, sort=ordre, axis=_axe_categories(ordre)),
            alt.X("count():Q", title="Élèves", stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
            alt.Color("niveau:O", title="Niveau", sort=niveaux, scale=alt.Scale(scheme="viridis", domain=niveaux)),
            alt.Order("niveau:O"),
            tooltip=[alt.Tooltip("libelle:N", title="Compétence"), alt.Tooltip("niveau:O", title="Niveau"),
                     alt.Tooltip("count():Q", title="Élèves")],
        ).properties(width=480, height=alt.Step(PAS + 4))
    )
