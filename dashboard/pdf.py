"""Exports PDF : le conseil de classe (une page par élève + synthèse) et l'attestation de compétences.

Les graphiques sont les mêmes que ceux de l'écran (``dashboard.charts``), rendus hors ligne en PNG par
vl-convert (pas de navigateur, pas de réseau). Police DejaVu (accents, « ’ », « € ») si Debian l'a
installée (paquet fonts-dejavu-core), sinon la police de base de fpdf avec translittération latin-1.

Les fonctions prennent un :class:`Warehouse` en premier argument : le tableau de bord les appelle par
``dashboard.data.appel`` (en cache), les tests directement.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from pathlib import Path

import polars as pl
import vl_convert as vlc
from fpdf import FPDF

from models import conseil, lectures
from models.periodes import periode_precedente
from models.reglages import charger_reglages
from models.warehouse import Warehouse

from . import charts, fiches
from . import format as fr

POLICE_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
POLICE_DEJAVU_GRAS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def tableau_affiche(t: pl.DataFrame) -> pl.DataFrame:
    """Le tableau des matières d'un élève, mis en forme française pour l'écran."""
    return t.select(
        pl.col("matiere").alias("Matière"),
        *(pl.col(c).map_elements(fr.nombre, return_dtype=pl.String).fill_null("—").alias(n)
          for c, n in (("moyenne", "Élève"), ("moyenne_classe", "Classe"), ("min_classe", "Min"),
                       ("max_classe", "Max"))),
        pl.col("rang").alias("Rang"),
        pl.col("nb_notes").alias("Notes"),
        pl.when(pl.col("faible_confiance")).then(pl.lit("peu de notes")).otherwise(pl.lit("")).alias("Confiance"),
        pl.col("ecart_pronote").map_elements(fr.signe, return_dtype=pl.String).fill_null("—").alias("Écart Pronote"),
    )


# --- Mise en page -----------------------------------------------------------------------------------


def png(chart) -> bytes:
    """Un graphique Altair en PNG, hors ligne."""
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

    def tableau(self, entetes: list[str], lignes: list[list[object]], largeurs: list[float]) -> None:
        self.police(9, gras=True)
        self.set_fill_color(230, 230, 230)
        for e, w in zip(entetes, largeurs):
            self.cell(w, 6, self._t(e), border=1, fill=True)
        self.ln()
        self.police(9)
        for ligne in lignes:
            if self.get_y() > 270:
                self.add_page()
            for v, w in zip(ligne, largeurs):
                self.cell(w, 5.5, self._t(v), border=1)
            self.ln()
        self.ln(2)

    def graphique(self, chart, largeur: float, x: float | None = None, y: float | None = None) -> None:
        self.image(io.BytesIO(png(chart)), x=x, y=y, w=largeur)


def synthese(tableau: pl.DataFrame, *, projection: bool = False) -> tuple[list[str], list[list[object]]]:
    """En-têtes et lignes de la synthèse de classe du PDF. En projection : « Élève n » à la place des
    noms, et pas de colonne d'alertes (information de suivi)."""
    entetes = ["Élève", "Moy. gén.", "Évol.", "Rang", "Abs. (1/2 j)", "Retards", "Sanctions"]
    if not projection:
        entetes.append("Alertes")
    lignes = []
    for i, r in enumerate(tableau.iter_rows(named=True)):
        ligne = [f"Élève {i + 1}" if projection else r["eleve"], fr.nombre(r["moyenne"]), fr.signe(r["variation"]),
                 r["rang"] or "—", fr.nombre(r["absences"], 0), r["retards"], r["sanctions"]]
        if not projection:
            ligne.append(r["alertes"])
        lignes.append(ligne)
    return entetes, lignes


def conseil_pdf(wh: Warehouse, classe: str, periode: str, annee: str | None = None, *,
                projection: bool = False) -> bytes:
    """Le PDF du conseil de classe : synthèse de la classe puis une page par élève.

    ``projection`` : noms des autres élèves remplacés par « Élève n » dans la synthèse, et aucune
    information de suivi (accompagnement, alertes)."""
    from models import moyennes as mm

    tableau = conseil.tableau_conseil(wh, classe, periode, annee)
    moy = mm.moyennes(wh, classe=classe, periode=periode, annee=annee)
    avant = periode_precedente(wh, annee, periode)
    precedente = (mm.moyennes(wh, classe=classe, periode=avant.periode, annee=avant.annee)
                  if avant is not None else None)

    doc = _Document(f"Conseil de classe {classe} — {periode}")
    doc.add_page()
    doc.titre(f"Conseil de classe — {classe} — {periode}{f' ({annee})' if annee else ''}")
    gen = moy.filter(pl.col("matiere").is_null())
    if gen.height:
        g = gen.row(0, named=True)
        doc.ligne(f"Moyenne de la classe : {fr.nombre(g['moyenne_classe'])} — médiane {fr.nombre(g['mediane_classe'])}"
                  f" — min {fr.nombre(g['min_classe'])} — max {fr.nombre(g['max_classe'])} — {gen.height} élèves notés")
    doc.ln(2)
    entetes, lignes = synthese(tableau, projection=projection)
    largeurs = [58, 20, 18, 14, 24, 18, 20, 18][: len(entetes)]
    doc.tableau(entetes, lignes, largeurs)
    mentions = [(ligne[0], r["mention"]) for ligne, r in zip(lignes, tableau.iter_rows(named=True)) if r["mention"]]
    if mentions:
        doc.ligne("Mentions proposées", 11, gras=True)
        for nom, mention in mentions:
            doc.ligne(f"{nom} : {mention}")

    for r in tableau.iter_rows(named=True):
        _page_eleve(doc, wh, r, moy, precedente, classe, periode, projection)
    return bytes(doc.output())


def _page_eleve(doc: _Document, wh: Warehouse, r: dict, moy: pl.DataFrame, precedente: pl.DataFrame | None,
                classe: str, periode: str, projection: bool) -> None:
    from models import moyennes as mm

    eid = r["eleve_id"]
    doc.add_page()
    doc.titre(f"{r['eleve']} — {classe} — {periode}", 14)
    y0 = doc.get_y()
    doc.graphique(charts.radar(fiches.radar_eleve(moy, eid, precedente), taille=330), largeur=105, x=10, y=y0)
    doc.set_xy(120, y0 + 4)
    infos = [
        ("Moyenne générale", fr.nombre(r["moyenne"])),
        ("Évolution", fr.signe(r["variation"])),
        ("Rang", "—" if r["rang"] is None else str(r["rang"])),
        ("Demi-journées d'absence", fr.nombre(r["absences"], 0)),
        ("Retards", str(r["retards"])),
        ("Punitions et sanctions", str(r["sanctions"])),
        ("Mention proposée", r["mention"] or "—"),
    ]
    for libelle, valeur in infos:
        doc.set_x(120)
        doc.police(10)
        doc.cell(45, 6, doc._t(libelle))
        doc.police(10, gras=True)
        doc.cell(0, 6, doc._t(valeur), new_x="LMARGIN", new_y="NEXT")
    evo = fiches.tendance_eleve(mm.evolution(wh, eid))
    if evo["periode"].n_unique() > 1:
        doc.graphique(charts.tendance(evo), largeur=75, x=120, y=doc.get_y() + 3)
    doc.set_y(max(doc.get_y(), y0 + 95))
    t = fiches.tableau_matieres(moy, eid)
    doc.tableau(
        ["Matière", "Élève", "Classe", "Min", "Max", "Rang"],
        [[m["matiere"], fr.nombre(m["moyenne"]), fr.nombre(m["moyenne_classe"]), fr.nombre(m["min_classe"]),
          fr.nombre(m["max_classe"]), m["rang"] or "—"] for m in t.iter_rows(named=True)],
        [70, 22, 22, 22, 22, 16],
    )
    if not projection:
        acc = lectures.accompagnement(wh, eid)
        if acc:
            doc.ligne("Accompagnement : " + ", ".join(acc), 9)
        alertes = conseil.alertes_eleve(wh, eid, classe)
        if alertes.height:
            doc.ligne("Alertes", 11, gras=True)
            for a in alertes.iter_rows(named=True):
                doc.ligne(f"• {a['libelle']} ({a['gravite']}) : {a['explication']}", 9)


# --- Attestation de compétences ---------------------------------------------------------------------


def attestation_pdf(wh: Warehouse, eleve_id: str, referentiel: str | None = None) -> bytes:
    """Attestation de compétences d'un élève : dernier niveau atteint sur chaque item, avec sa date
    (et le libellé du niveau, jamais la couleur seule)."""
    eleve = lectures.eleve(wh, eleve_id)
    if eleve is None:
        raise ValueError(f"élève inconnu : {eleve_id}")
    reg = charger_reglages()
    comp = lectures.competences(wh, eleve_id=eleve_id).filter(pl.col("niveau").is_not_null())
    if referentiel:
        comp = comp.filter(pl.col("referentiel") == referentiel)
    derniers = comp.sort("date").group_by("referentiel", "domaine", "item", maintain_order=True).last()
    doc = _Document(f"Attestation de compétences — {eleve['nom']} {eleve['prenom']}")
    doc.add_page()
    doc.titre("Attestation de compétences")
    doc.ligne(f"Élève : {eleve['nom']} {eleve['prenom']} — classe {eleve['classe']}", 11, gras=True)
    if eleve.get("date_naissance"):
        doc.ligne(f"Né(e) le {fr.date(eleve['date_naissance'])}")
    doc.ln(3)
    if derniers.is_empty():
        doc.ligne("Aucune compétence évaluée.")
    for ref in derniers["referentiel"].unique(maintain_order=True):
        doc.ligne(f"Référentiel : {ref}", 12, gras=True)
        lignes = [
            [r["domaine"], r["item"], f"{r['niveau']} — {reg.competences.libelles.get(r['niveau'], '')}",
             fr.date(r["date"])]
            for r in derniers.filter(pl.col("referentiel") == ref).iter_rows(named=True)
        ]
        doc.tableau(["Domaine", "Item", "Niveau atteint", "Date"], lignes, [45, 55, 62, 24])
    doc.ln(8)
    doc.ligne(f"Fait le {dt.date.today():%d/%m/%Y}.")
    doc.ln(10)
    doc.ligne("Signature du chef d'établissement :                Signature du coordonnateur :")
    return bytes(doc.output())
