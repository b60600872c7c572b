"""Exports PDF : le conseil de classe (une page par élève + synthèse) et l'attestation de compétences.

Le radar et la tendance du conseil sont tracés en vecteurs d'après la même géométrie que l'écran
(``dashboard.geometrie``), sans navigateur ni réseau ; ``png`` rend au besoin un graphique Altair par
vl-convert. Police DejaVu (accents, « ’ », « € ») si Debian l'a
installée (paquet fonts-dejavu-core), sinon la police de base de fpdf avec translittération latin-1.

Les fonctions prennent un :class:`Warehouse` en premier argument : le tableau de bord les appelle par
``dashboard.data.appel`` (en cache), les tests directement.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from fpdf import FPDF

from models import conseil, lectures
from models.acces import ROLES
from models.annee_scolaire import annee_scolaire
from models.alertes import GRAVITES
from models.records import COMPOSANTES_SOCLE
from models.reglages import charger_reglages
from models.warehouse import Warehouse

from . import fiches, geometrie
from . import format as fr

POLICE_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
POLICE_DEJAVU_GRAS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def tableau_affiche(t: pl.DataFrame) -> pl.DataFrame:
    """Le tableau des matières d'un élève, mis en forme française pour l'écran. « peu de notes » suit le
    nombre de notes quand la moyenne est de faible confiance (pas de colonne vide) ; l'écart avec Pronote
    n'apparaît que si Pronote a exporté des moyennes."""
    colonnes = [
        pl.col("matiere").alias("Matière"),
        *(pl.col(c).map_elements(fr.nombre, return_dtype=pl.String).fill_null("—").alias(n)
          for c, n in (("moyenne", "Élève"), ("moyenne_classe", "Classe"), ("min_classe", "Min"),
                       ("max_classe", "Max"))),
        pl.col("rang").cast(pl.String).fill_null("—").alias("Rang"),
        pl.when(pl.col("faible_confiance")).then(pl.col("nb_notes").cast(pl.String) + " (peu de notes)")
        .otherwise(pl.col("nb_notes").cast(pl.String)).alias("Notes"),
    ]
    if t["moyenne_pronote"].is_not_null().any():
        colonnes.append(pl.col("ecart_pronote").map_elements(fr.signe, return_dtype=pl.String).fill_null("—")
                        .alias("Écart Pronote"))
    return t.select(colonnes)


# --- Mise en page -----------------------------------------------------------------------------------


def png(chart) -> bytes:
    """Un graphique Altair en PNG, hors ligne (vl-convert, importé à la demande : le PDF du conseil trace
    ses graphiques lui-même)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_json(), scale=2)


class _Document(FPDF):
    def __init__(self, titre: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.titre_doc = titre
        self.unicode = POLICE_DEJAVU.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(POLICE_DEJAVU))
            self.add_font("DejaVu", "B", str(POLICE_DEJAVU_GRAS if POLICE_DEJAVU_GRAS.exists() else POLICE_DEJAVU))
            self.famille = "DejaVu"
        else:
            self.famille = "Helvetica"
        self.set_auto_page_break(True, margin=15)
        self.set_title(self._t(titre))
        self.set_creator("Vigie")

    def _t(self, texte: object) -> str:
        """Le texte tel que la police peut l'écrire (translittération latin-1 sans DejaVu)."""
        s = "" if texte is None else str(texte)
        s = s.replace("\u202f", " ").replace("\u00a0", " ").replace("−", "-")
        if self.unicode:
            return s
        s = s.replace("’", "'").replace("—", "-").replace("–", "-").replace("…", "...").replace("œ", "oe")
        return "".join(c if ord(c) < 256 else unicodedata.normalize("NFKD", c)[0] for c in s).encode(
            "latin-1", "replace").decode("latin-1")

    def police(self, taille: float, gras: bool = False) -> None:
        self.set_font(self.famille, "B" if gras else "", taille)

    def footer(self) -> None:
        self.set_y(-12)
        self.police(8)
        self.cell(0, 5, self._t(f"{self.titre_doc} — édité par Vigie le {dt.date.today():%d/%m/%Y} — "
                                f"page {self.page_no()}"), align="C")

    def titre(self, texte: str, taille: float = 15) -> None:
        self.police(taille, gras=True)
        self.multi_cell(0, 8, self._t(texte), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def ligne(self, texte: str, taille: float = 10, gras: bool = False) -> None:
        self.police(taille, gras)
        self.multi_cell(0, 5.5, self._t(texte), new_x="LMARGIN", new_y="NEXT")

    def tableau(self, entetes: list[str], lignes: list[list[object]], largeurs: list[float], *,
                couleurs: dict[int, list[int]] | None = None, taille: float = 9) -> None:
        """Un tableau à bordures ; ``couleurs`` : colonne → sens de chaque ligne (1 vert, -1 rouge)."""
        def entete() -> None:
            self.police(taille, gras=True)
            self.set_fill_color(230, 230, 230)
            for e, w in zip(entetes, largeurs):
                self.cell(w, 6, self._t(e), border=1, fill=True)
            self.ln()
            self.police(taille)

        entete()
        for i, ligne in enumerate(lignes):
            if self.get_y() > 270:
                self.add_page()
                entete()
            for j, (v, w) in enumerate(zip(ligne, largeurs)):
                sens = (couleurs or {}).get(j, [])
                s = sens[i] if i < len(sens) else 0
                if s:
                    self.set_text_color(*((46, 125, 50) if s > 0 else (198, 40, 40)))
                texte = self._t(v)
                while len(texte) > 3 and self.get_string_width(texte) > w - 1.5:
                    texte = texte[:-2] + "…" if self.unicode else texte[:-4] + "..."
                self.cell(w, 5.5, texte, border=1)
                self.set_text_color(0, 0, 0)
            self.ln()
        self.ln(2)

    def graphique(self, chart, largeur: float, x: float | None = None, y: float | None = None) -> None:
        self.image(io.BytesIO(png(chart)), x=x, y=y, w=largeur)


# --- Graphiques dessinés dans le PDF -------------------------------------------------------------------
#
# Le radar et la tendance sont tracés en vecteurs par fpdf2 à partir de la même géométrie que l'écran
# (``dashboard.geometrie`` : ordre des axes, sommets, grille, mêmes couleurs et traits ; sans Altair) :
# passer chaque graphique par vl-convert coûtait 0,1 à 0,4 s de rendu par image, soit l'essentiel d'un PDF
# de 28 élèves ; le tracé direct prend quelques millisecondes, reste net à l'impression et ne coupe aucun
# libellé. Les graphiques de synthèse (un par PDF) restent rendus par vl-convert.

_TIRETS = [None, (1.6, 0.8), (0.5, 0.6), (2.0, 0.6)]
_FOND_PRO = (250, 236, 214)  # zone des matières professionnelles (brun très clair)
_ROUGE, _VERT = (198, 40, 40), (46, 125, 50)


def _rgb(hexa: str) -> tuple[int, int, int]:
    return int(hexa[1:3], 16), int(hexa[3:5], 16), int(hexa[5:7], 16)


def dessiner_radar(doc: "_Document", valeurs: pl.DataFrame, x: float, y: float, rayon: float = 30) -> float:
    """Le radar de ``fiches.radar_eleve`` centré en (x, y) (mm), rayon = 20/20 ; les matières
    professionnelles sur fond brun clair. Renvoie l'ordonnée sous la légende."""
    axes = geometrie.ordre_axes(valeurs)
    if len(axes) < 3:
        doc.set_xy(x - rayon, y)
        doc.ligne("Radar : il faut au moins trois matières notées.", 9)
        return y + 8
    n = len(axes)
    famille = dict(zip(valeurs["matiere"], valeurs["famille"]))
    k = rayon / 20

    def pt(px: float, py: float) -> tuple[float, float]:
        return x + px * k, y - py * k

    # Secteurs des matières professionnelles (la moitié « pro » du radar se lit d'un coup d'œil).
    doc.set_fill_color(*_FOND_PRO)
    for i, m in enumerate(axes):
        if famille.get(m) == "professionnel":
            a0, a1 = geometrie._angle(i, n) + math.pi / n, geometrie._angle(i, n) - math.pi / n
            arc = [pt(20 * math.cos(a0 + (a1 - a0) * t / 8), 20 * math.sin(a0 + (a1 - a0) * t / 8)) for t in range(9)]
            doc.polygon([(x, y), *arc], style="F")
    grille, libelles = geometrie.grille_radar(axes)
    doc.set_draw_color(176, 176, 176)
    doc.set_line_width(0.15)
    for _, trace in grille.group_by("trace", maintain_order=True):
        doc.polyline([pt(a, b) for a, b in trace.sort("ordre").select("x", "y").iter_rows()])
    doc.police(6)
    doc.set_text_color(119, 119, 119)
    for r in geometrie.ANNEAUX:  # le long du premier rayon, sous chaque anneau
        doc.text(x + 0.8, y - r * k + 2.2, str(r))
    doc.police(7)
    for m, lx, ly, alignement in libelles.iter_rows():
        pro = famille.get(m) == "professionnel"
        doc.set_text_color(*((138, 75, 0) if pro else (34, 34, 34)))
        lignes = geometrie.lignes_libelle(doc._t(m), 16)
        px, py = pt(lx * 0.93, ly * 0.93)
        py -= (len(lignes) - 1) * 1.4
        for j, l in enumerate(lignes):
            w = doc.get_string_width(l)
            dx = 0 if alignement == "left" else (-w if alignement == "right" else -w / 2)
            doc.text(px + dx, py + 1 + j * 2.8, l)
    points = geometrie.coordonnees_radar(valeurs, axes)
    series = points["serie"].unique(maintain_order=True).to_list()
    for s_i, serie in enumerate(series):
        p = points.filter(pl.col("serie") == serie).sort("ordre")
        couleur = _rgb(geometrie.OKABE_ITO[s_i % len(geometrie.OKABE_ITO)])
        doc.set_draw_color(*couleur)
        doc.set_fill_color(*couleur)
        doc.set_line_width(0.5)
        tiret = _TIRETS[s_i % len(_TIRETS)]
        doc.set_dash_pattern(*(tiret or (0, 0)))
        doc.polyline([pt(a, b) for a, b in p.select("x", "y").iter_rows()])
        doc.set_dash_pattern()
        for a, b in p.select("x", "y").iter_rows():
            cx, cy = pt(a, b)
            doc.circle(cx, cy, 0.6, style="F")
    # Légende : trait, couleur et nom de chaque série ; le fond des matières professionnelles.
    ly = y + rayon + 9
    lx = x - rayon - 8
    doc.police(7)
    doc.set_text_color(34, 34, 34)
    for s_i, serie in enumerate(series):
        couleur = _rgb(geometrie.OKABE_ITO[s_i % len(geometrie.OKABE_ITO)])
        doc.set_draw_color(*couleur)
        doc.set_line_width(0.5)
        tiret = _TIRETS[s_i % len(_TIRETS)]
        doc.set_dash_pattern(*(tiret or (0, 0)))
        doc.line(lx, ly, lx + 6, ly)
        doc.set_dash_pattern()
        doc.text(lx + 7, ly + 1, doc._t(serie))
        lx += 9 + doc.get_string_width(doc._t(serie)) + 3
    if any(famille.get(m) == "professionnel" for m in axes):
        doc.set_fill_color(*_FOND_PRO)
        doc.rect(x - rayon - 8, ly + 3, 5, 3, style="F")
        doc.text(x - rayon - 2, ly + 5.5, doc._t("matières professionnelles"))
        ly += 5
    doc.set_draw_color(0, 0, 0)
    doc.set_line_width(0.2)
    return ly + 4


def dessiner_tendance(doc: "_Document", evolution: pl.DataFrame, x: float, y: float, largeur: float = 70,
                      hauteur: float = 32) -> None:
    """La moyenne générale de l'élève et celle de la classe, période après période (``fiches.tendance_eleve``),
    dans le cadre (x, y, largeur, hauteur) en mm ; échelle 0–20."""
    periodes = evolution["periode"].unique(maintain_order=True).to_list()
    if len(periodes) < 2:
        return
    doc.police(8, gras=True)
    doc.set_text_color(34, 34, 34)
    doc.text(x, y - 1.5, doc._t("Moyenne générale par période"))
    doc.set_draw_color(200, 200, 200)
    doc.set_line_width(0.15)
    doc.police(6)
    for v in (0, 5, 10, 15, 20):
        yy = y + hauteur - v * hauteur / 20
        doc.line(x + 6, yy, x + largeur, yy)
        doc.text(x + 1, yy + 0.8, str(v))
    pas = (largeur - 10) / (len(periodes) - 1)
    for i, p in enumerate(periodes):
        lignes = geometrie.lignes_libelle(doc._t(p), 14)
        for j, l in enumerate(lignes):
            doc.text(x + 8 + i * pas - doc.get_string_width(l) / 2, y + hauteur + 3 + j * 2.4, l)
    for s_i, serie in enumerate(evolution["serie"].unique(maintain_order=True).to_list()):
        d = evolution.filter(pl.col("serie") == serie)
        couleur = _rgb(geometrie.OKABE_ITO[s_i % len(geometrie.OKABE_ITO)])
        pts = [(x + 8 + periodes.index(p) * pas, y + hauteur - v * hauteur / 20)
               for p, v in zip(d["periode"], d["moyenne"]) if v is not None]
        doc.set_draw_color(*couleur)
        doc.set_fill_color(*couleur)
        doc.set_line_width(0.4)
        if len(pts) > 1:
            doc.polyline(pts)
        for cx, cy in pts:
            doc.circle(cx, cy, 0.6, style="F")
        doc.set_text_color(*couleur)
        doc.text(x + largeur - 28, y + hauteur + 9 + 2.6 * s_i, doc._t(serie))
    doc.set_text_color(0, 0, 0)
    doc.set_draw_color(0, 0, 0)
    doc.set_line_width(0.2)


# --- Conseil de classe --------------------------------------------------------------------------------


def synthese(tableau: pl.DataFrame) -> tuple[list[str], list[list[object]]]:
    """En-têtes et lignes du tableau nominatif de la classe (PDF hors projection)."""
    entetes = ["Élève", "Moy.", "Évol.", "Rang", "Gén.", "Pro.", "Abs.", "NJ", "Ret.", "Sanct.", "Mention"]
    lignes = []
    for r in tableau.iter_rows(named=True):
        lignes.append([r["eleve"], fr.nombre(r["moyenne"]), fr.signe(r["variation"]),
                       "—" if r["rang"] is None else r["rang"], fr.nombre(r["moyenne_general"]),
                       fr.nombre(r["moyenne_professionnel"]), fr.nombre(r["absences"], 0),
                       fr.nombre(r["non_justifiees"], 0), r["retards"], r["sanctions"], r["mention"] or ""])
    return entetes, lignes


def _repartition(f: conseil.FeuilleConseil) -> list[tuple[str, int]]:
    return list(f.repartition().iter_rows())


def _synthese_classe(doc: "_Document", f: conseil.FeuilleConseil, *, projection: bool) -> None:
    """La première partie du PDF : ce qu'un conseil décide à partir de la classe entière."""
    doc.titre(f"Conseil de classe — {f.classe} — {f.periode}{f' ({f.annee})' if f.annee else ''}")
    g = f.generale()
    if g:
        doc.ligne(f"Moyenne générale de la classe : {fr.nombre(g['moyenne'])} — médiane {fr.nombre(g['mediane'])}"
                  f" — min {fr.nombre(g['min'])} — max {fr.nombre(g['max'])} — {g['notes']} élèves notés", 10)
    doc.ligne("Répartition des moyennes générales : " + " · ".join(
        f"{tranche} : {n}" for tranche, n in _repartition(f)), 9)
    doc.ln(2)
    doc.ligne("Matières", 11, gras=True)
    m = f.matieres()
    doc.tableau(
        ["Matière", "Enseignement", "Moyenne", "Médiane", "Min", "Max", "Sous 10"],
        [[r["matiere"], {"general": "général", "professionnel": "professionnel"}.get(r["famille"], r["famille"] or ""),
          fr.nombre(r["moyenne"]), fr.nombre(r["mediane"]), fr.nombre(r["min"]), fr.nombre(r["max"]),
          f"{r['sous_10']} / {r['eleves']}"] for r in m.iter_rows(named=True)],
        [62, 28, 20, 20, 16, 16, 20],
    )
    hausse, baisse = f.progres()
    seuil = fr.nombre(conseil.SEUIL_EVOLUTION)
    alertes = f.tableau.filter(pl.col("nb_alertes") > 0)
    if projection:
        doc.ligne(f"Évolution depuis la période précédente : {hausse.height} élève(s) en hausse d'au moins "
                  f"{seuil} point, {baisse.height} en baisse d'au moins {seuil} point.", 10)
        doc.ligne("Mode projection : ce document ne nomme aucun élève et ne contient aucune information de suivi.", 8)
        return
    doc.ligne(f"En hausse d'au moins {seuil} point ({hausse.height})", 11, gras=True)
    doc.ligne(", ".join(f"{r['eleve']} ({fr.signe(r['variation'])})" for r in hausse.iter_rows(named=True)) or "—", 9)
    doc.ligne(f"En baisse d'au moins {seuil} point ({baisse.height})", 11, gras=True)
    doc.ligne(", ".join(f"{r['eleve']} ({fr.signe(r['variation'])})" for r in baisse.iter_rows(named=True)) or "—", 9)
    doc.ligne(f"Élèves en alerte pendant la période ({alertes.height})", 11, gras=True)
    for r in alertes.iter_rows(named=True):
        doc.ligne(f"• {r['eleve']} : {', '.join(r['alertes'])}", 9)
    if alertes.is_empty():
        doc.ligne("—", 9)
    doc.ln(2)
    doc.ligne("Tableau de la classe", 11, gras=True)
    entetes, lignes = synthese(f.tableau)
    sens = [fr.sens(v) for v in f.tableau["variation"]]
    doc.tableau(entetes, lignes, [44, 13, 14, 11, 13, 13, 11, 9, 10, 12, 40], couleurs={2: sens}, taille=8)
    mentions = f.tableau.filter(pl.col("mention").is_not_null())
    if mentions.height:
        doc.ligne("Mentions proposées (propositions : le conseil décide)", 11, gras=True)
        for r in mentions.iter_rows(named=True):
            raisons = f" — {' ; '.join(r['signaux'])}" if r["signaux"] else ""
            doc.ligne(f"• {r['eleve']} : {r['mention']}{raisons}", 9)


def conseil_pdf_feuille(f: conseil.FeuilleConseil, *, projection: bool = False,
                        progression: Callable[[float, str], None] | None = None,
                        decisions: pl.DataFrame | None = None) -> bytes:
    """Le PDF du conseil dessiné d'après la feuille (rien n'est recalculé) : la synthèse de la classe,
    puis une page par élève. ``projection`` : la synthèse seule, en agrégats (aucun nom, aucun suivi).
    ``progression(part, texte)`` est appelée avant chaque élève (le nom de l'élève en cours de dessin).
    ``decisions`` : les décisions du conseil consignées au suivi (``models.suivi.decisions_conseil`` :
    eleve_id, mention, avis, appreciation, orientation), reprises sur la page de chaque élève."""
    par_eleve = ({r["eleve_id"]: r for r in decisions.iter_rows(named=True)}
                 if decisions is not None and decisions.height else {})
    suivre = progression or (lambda *_: None)
    doc = _Document(f"Conseil de classe {f.classe} — {f.periode}" + (" (synthèse)" if projection else ""))
    doc.add_page()
    suivre(0.0, "Synthèse de la classe…")
    _synthese_classe(doc, f, projection=projection)
    if not projection:
        n = len(f.eleves)
        # Les lignes de chaque élève, rangées une fois (un filtre par élève et par tableau coûterait n fois).
        vides = (f.moyennes.clear(), f.precedentes.clear(), f.evolution.clear(), f.alertes.clear(),
                 f.appreciations.clear())
        parts = [{k[0]: v for k, v in df.partition_by("eleve_id", as_dict=True).items()} if df.height else {}
                 for df in (f.moyennes, f.precedentes, f.evolution, f.alertes, f.appreciations)]
        for i, r in enumerate(f.tableau.iter_rows(named=True)):
            suivre(i / max(n, 1), f"Page de {r['eleve']} ({i + 1} / {n})")
            eid = r["eleve_id"]
            moy, prec, evo, al, app = (p.get(eid, v) for p, v in zip(parts, vides))
            _page_eleve(doc, f, r, par_eleve.get(eid), moy=moy, precedentes=prec, evolution=evo, alertes=al,
                        appreciations=app)
    suivre(1.0, "PDF prêt")
    return bytes(doc.output())


def conseil_pdf(wh: Warehouse, classe: str, periode: str, annee: str | None = None, *,
                projection: bool = False) -> bytes:
    """Le PDF du conseil de classe (:func:`conseil_pdf_feuille` sur ``models.conseil.feuille``)."""
    return conseil_pdf_feuille(conseil.feuille(wh, classe, periode, annee), projection=projection)


def _page_eleve(doc: _Document, f: conseil.FeuilleConseil, r: dict, decision: dict | None = None, *,
                moy: pl.DataFrame, precedentes: pl.DataFrame, evolution: pl.DataFrame,
                alertes: pl.DataFrame, appreciations: pl.DataFrame | None = None) -> None:
    eid = r["eleve_id"]
    doc.add_page()
    doc.titre(f"{r['eleve']} — {f.classe} — {f.periode}", 14)
    y0 = doc.get_y()
    bas_radar = dessiner_radar(doc, fiches.radar_eleve(moy, eid, precedentes), x=52, y=y0 + 40, rayon=28)
    infos = [
        ("Moyenne générale", fr.nombre(r["moyenne"]), 0),
        ("Évolution", fr.signe(r["variation"]), fr.sens(r["variation"])),
        ("Rang", "—" if r["rang"] is None else f"{r['rang']} / {len(f.eleves)}", 0),
        ("Général / professionnel", f"{fr.nombre(r['moyenne_general'])} / {fr.nombre(r['moyenne_professionnel'])}", 0),
        ("Demi-journées d'absence", f"{fr.nombre(r['absences'], 0)} (dont {fr.nombre(r['non_justifiees'], 0)} non justifiée(s))", 0),
        ("Retards", str(r["retards"]), 0),
        ("Punitions et sanctions", str(r["sanctions"]), 0),
        ("Mention proposée", r["mention"] or "—", 0),
    ]
    doc.set_y(y0 + 2)
    doc.police(9)
    # La colonne des libellés prend la largeur du plus long (« Demi-journées d'absence » ne touche plus
    # sa valeur).
    large = max(doc.get_string_width(doc._t(libelle)) for libelle, _, _ in infos) + 3
    for libelle, valeur, sens in infos:
        doc.set_x(116)
        doc.police(9)
        doc.cell(large, 5.5, doc._t(libelle))
        doc.police(9, gras=True)
        if sens:
            doc.set_text_color(*(_VERT if sens > 0 else _ROUGE))
        doc.multi_cell(0, 5.5, doc._t(valeur), align="L", new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(0, 0, 0)
    evo = fiches.tendance_eleve(evolution)
    dessiner_tendance(doc, evo, x=120, y=doc.get_y() + 6)
    doc.set_y(max(doc.get_y() + 52, bas_radar))
    t = fiches.tableau_matieres(moy, eid)
    doc.tableau(
        ["Matière", "Élève", "Classe", "Min", "Max", "Rang"],
        [[m["matiere"], fr.nombre(m["moyenne"]), fr.nombre(m["moyenne_classe"]), fr.nombre(m["min_classe"]),
          fr.nombre(m["max_classe"]), "—" if m["rang"] is None else m["rang"]] for m in t.iter_rows(named=True)],
        [80, 20, 20, 20, 20, 14],
    )
    if r["signaux"]:
        doc.ligne("Mention proposée — signaux : " + " ; ".join(r["signaux"]), 8)
    acc = f.accompagnement.get(eid)
    if acc:
        doc.ligne("Accompagnement : " + ", ".join(acc), 9)
    alertes = conseil.alertes_de_periode(alertes, f.annee, f.periode)
    if alertes.height:
        doc.ligne("Alertes de la période", 10, gras=True)
        for a in alertes.iter_rows(named=True):
            doc.ligne(f"• {a['libelle']} ({GRAVITES.get(a['gravite'], a['gravite'])}) : {a['explication']}", 8)
    # Les appréciations que portent les sources (vue « appreciations » : LSU, Pronote), matière par matière
    # puis l'appréciation générale ; celle que le conseil consigne au suivi vient ensuite, avec sa décision.
    if appreciations is not None and appreciations.height:
        doc.ln(1)
        doc.ligne("Appréciations", 10, gras=True)
        for a in appreciations.sort(pl.col("matiere").is_null(), "matiere").iter_rows(named=True):
            doc.ligne(f"{a['matiere'] or 'Appréciation générale'} : {a['appreciation']}", 8)
    doc.ln(1)
    doc.ligne("Décision du conseil", 10, gras=True)
    rubriques = (("mention", "Mention décidée"), ("avis", "Avis"), ("appreciation", "Appréciation générale"),
                 ("orientation", "Orientation"))
    consignees = [(t, decision[c]) for c, t in rubriques if decision and decision.get(c)]
    if consignees:
        for titre, texte in consignees:
            doc.ligne(f"{titre} : {texte}", 9)
    else:
        doc.ligne("Aucune décision consignée au suivi pour cette période.", 8)


# --- Attestation de compétences ---------------------------------------------------------------------
#
# Ce qu'un coordonnateur ULIS remet à la famille ou à l'établissement d'accueil : l'établissement (nom et
# UAI), l'année scolaire, l'élève, puis pour chaque item le dernier niveau atteint — en couleur de
# l'établissement ET en libellé — et ce que cela veut dire en toutes lettres (« Acquis », « En cours
# d'acquisition », « Non acquis » : ``models/reglages.toml``, ``[competences.acquisition]``). Le tableau est
# celui de fpdf2 (``FPDF.table``) : les libellés longs passent à la ligne dans leur colonne, jamais par-dessus
# la voisine, et l'en-tête est répété en haut de chaque page.

#: Nom d'un référentiel pour une personne (le code reste dans l'entrepôt).
REFERENTIELS = {"socle": "Socle commun", "ULIS": "Grille ULIS"}
#: Colonnes du tableau de l'attestation (titre, largeur en mm) : 190 mm entre les marges d'une page A4.
COLONNES_ATTESTATION = (("Domaine", 35.0), ("Item", 63.0), ("Niveau atteint", 42.0), ("Acquisition", 27.0),
                        ("Date", 23.0))


@dataclass(frozen=True)
class Attestation:
    """Ce que dit l'attestation, lu une fois dans l'entrepôt (:func:`donnees_attestation`).

    ``items`` : une ligne par item évalué (referentiel, domaine, item, niveau 1–4, date), son **dernier**
    niveau, libellés du socle déjà traduits ; ``etablissements`` : (UAI, nom) déclarés ; ``annee`` :
    l'année scolaire de la dernière évaluation (« 2025-2026 ») ; ``redacteur`` : (nom affiché, rôle) de la
    personne connectée qui l'édite."""

    eleve: dict
    annee: str
    etablissements: tuple[tuple[str, str], ...]
    items: pl.DataFrame
    redacteur: tuple[str, str] | None = None


def donnees_attestation(wh: Warehouse, eleve_id: str, referentiel: str | None = None,
                        redacteur: tuple[str, str] | None = None) -> Attestation:
    """Lit l'attestation de ``eleve_id`` (un seul référentiel si ``referentiel``). Lève ``ValueError`` pour
    un élève inconnu (ou hors du périmètre de la personne connectée)."""
    eleve = lectures.eleve(wh, eleve_id)
    if eleve is None:
        raise ValueError(f"élève inconnu : {eleve_id}")
    comp = lectures.competences(wh, eleve_id=eleve_id).filter(pl.col("niveau").is_not_null())
    if referentiel:
        comp = comp.filter(pl.col("referentiel") == referentiel)
    # Le dernier niveau de chaque item, dans l'ordre du référentiel (domaine, item) que donne la lecture.
    derniers = (comp.group_by("referentiel", "domaine", "item", maintain_order=True)
                .agg(pl.col("niveau", "date").sort_by("date").last())
                .with_columns(pl.col(c).replace_strict(COMPOSANTES_SOCLE, default=pl.col(c), return_dtype=pl.String)
                              for c in ("domaine", "item")))
    periodes = [(r["annee"], r["debut"], r["fin"]) for r in lectures.periodes(wh).iter_rows(named=True)
                if r["debut"] is not None and r["fin"] is not None]
    jour = derniers["date"].max() if derniers.height else dt.date.today()
    etabs = tuple((u, n) for u, n in lectures.etablissements(wh).iter_rows())
    return Attestation(eleve, annee_scolaire(jour, periodes), etabs, derniers, redacteur)


def nom_fichier_attestation(a: Attestation) -> str:
    """``attestation_LOPEZ_Ines_2025-2026.pdf`` : nom, prénom et année, en lettres sans accent, chiffres et
    tirets (un nom de fichier sûr sur tous les postes et dans une pièce jointe)."""
    def sur(texte: str) -> str:
        ascii_ = unicodedata.normalize("NFKD", texte or "").encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-") or "eleve"

    return f"attestation_{sur(a.eleve['nom'])}_{sur(a.eleve['prenom'])}_{sur(a.annee)}.pdf"


def _texte_sur_fond(hexa: str) -> tuple[int, int, int]:
    """Noir ou blanc, le plus lisible sur la couleur ``hexa`` (luminance relative WCAG 2.1)."""
    def canal(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (canal(c) for c in _rgb(hexa))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (0, 0, 0) if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else (255, 255, 255)


def dessiner_attestation(a: Attestation) -> bytes:
    """Le PDF de l'attestation ``a`` (une page A4 ou plus ; l'en-tête du tableau se répète)."""
    from fpdf.fonts import FontFace

    reg = charger_reglages().competences
    e = a.eleve
    doc = _Document(f"Attestation de compétences — {e['nom']} {e['prenom']} — {a.annee}")
    doc.add_page()
    doc.police(10, gras=True)
    for uai, nom in a.etablissements:
        doc.ligne(f"{nom} — UAI {uai}", 10, gras=True)
    doc.ligne(f"Année scolaire {a.annee}", 10)
    doc.ln(3)
    doc.titre("Attestation de compétences")
    doc.ligne(f"Élève : {e['nom']} {e['prenom']} — classe {e['classe'] or '—'}", 11, gras=True)
    if e.get("date_naissance"):
        doc.ligne(f"Né(e) le {fr.date(e['date_naissance'])}")
    doc.ln(2)
    # La légende : couleur, niveau, libellé et ce qu'il veut dire.
    doc.ligne("Niveaux de maîtrise (dernier niveau évalué pour chaque item) :", 9)
    for n in sorted(reg.libelles):
        y = doc.get_y()
        doc.set_fill_color(*_rgb(reg.couleurs[n]))
        doc.rect(doc.l_margin + 2, y + 1.2, 4, 3, style="F")
        doc.set_x(doc.l_margin + 8)
        doc.police(9)
        doc.multi_cell(0, 5, doc._t(f"{n} — {reg.libelles[n]} : {reg.acquisition[n].lower()}"),
                       new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    if a.items.is_empty():
        doc.ligne("Aucune compétence évaluée.")
    for ref in a.items["referentiel"].unique(maintain_order=True):
        items = a.items.filter(pl.col("referentiel") == ref)
        doc.ligne(REFERENTIELS.get(ref, ref), 12, gras=True)
        comptes = items["niveau"].replace_strict(reg.acquisition, return_dtype=pl.String).value_counts(sort=True)
        parts = dict(comptes.iter_rows())
        bilan = " · ".join(f"{etat} : {parts[etat]}" for etat in dict.fromkeys(reversed(reg.acquisition.values()))
                           if etat in parts)
        doc.ligne(f"{items.height} item(s) évalué(s) — {bilan}", 9)
        doc.ln(1)
        doc.police(9)
        doc.set_fill_color(255, 255, 255)  # fpdf2 prend la couleur courante pour le fond de chaque cellule
        with doc.table(col_widths=[w for _, w in COLONNES_ATTESTATION], width=sum(w for _, w in COLONNES_ATTESTATION),
                       line_height=4.6, text_align="LEFT", repeat_headings=1, v_align="MIDDLE",
                       headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230))) as tableau:
            entete = tableau.row()
            for titre, _ in COLONNES_ATTESTATION:
                entete.cell(doc._t(titre))
            for r in items.iter_rows(named=True):
                n = r["niveau"]
                couleur = reg.couleurs.get(n)
                ligne = tableau.row()
                ligne.cell(doc._t(r["domaine"] or "—"))
                ligne.cell(doc._t(r["item"]))
                ligne.cell(doc._t(f"{n} — {reg.libelles.get(n, '')}"),
                           style=FontFace(fill_color=_rgb(couleur), color=_texte_sur_fond(couleur)) if couleur else None)
                ligne.cell(doc._t(reg.acquisition.get(n, "—")), style=FontFace(emphasis="BOLD"))
                ligne.cell(doc._t(fr.date(r["date"])))
        doc.ln(4)
    doc.ln(4)
    doc.ligne(f"Fait le {dt.date.today():%d/%m/%Y}.")
    doc.ln(6)
    y = doc.get_y()
    doc.police(10)
    doc.multi_cell(90, 5.5, doc._t("Le chef d'établissement\n(signature et cachet)"), new_x="RIGHT", new_y="TOP")
    if a.redacteur and a.redacteur[1] == "coordonnateur_ulis":
        qui = f"Le coordonnateur ou la coordonnatrice ULIS\n{a.redacteur[0]}\n(signature)"
    elif a.redacteur:
        qui = f"Établie par {a.redacteur[0]} ({ROLES.get(a.redacteur[1], a.redacteur[1])})\n" \
              "Le coordonnateur ou la coordonnatrice ULIS (signature)"
    else:
        qui = "Le coordonnateur ou la coordonnatrice ULIS\n(signature)"
    doc.set_xy(doc.l_margin + 100, y)
    doc.multi_cell(90, 5.5, doc._t(qui), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def attestation_pdf(wh: Warehouse, eleve_id: str, referentiel: str | None = None,
                    redacteur: tuple[str, str] | None = None) -> bytes:
    """L'attestation de compétences d'un élève (:func:`dessiner_attestation` sur
    :func:`donnees_attestation`) ; ``redacteur`` : (nom affiché, rôle) de la personne connectée."""
    return dessiner_attestation(donnees_attestation(wh, eleve_id, referentiel, redacteur))
