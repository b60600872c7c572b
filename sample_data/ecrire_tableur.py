"""Écrit la grille de compétences ULIS (.xlsx) comme la tient le coordonnateur ou la coordonnatrice.

Une feuille par date de bilan ; sur chaque feuille, ligne 1 les domaines (cellules fusionnées au-dessus
de leurs items), ligne 2 les intitulés « Élève », « Classe », « Date » puis un item par colonne, et
une ligne par élève. Les niveaux s'écrivent « Non acquis » / « En cours d'acquisition » / « Acquis » /
« Dépassé » ; les statuts « Absent », « Dispensé », « Non évalué ». La correspondance qui relit ce
fichier est ``sample_data/grille_ulis.toml``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from models.records import Evaluation, StatutCompetence

LIBELLES = {1: "Non acquis", 2: "En cours d'acquisition", 3: "Acquis", 4: "Dépassé"}
STATUTS = {
    StatutCompetence.ABSENT: "Absent",
    StatutCompetence.DISPENSE: "Dispensé",
    StatutCompetence.NON_EVALUE: "Non évalué",
}
IDENTITE = ("Élève", "Classe", "Date")


def libelle(ev: Evaluation) -> str:
    return LIBELLES[ev.niveau] if ev.statut == StatutCompetence.EVALUE and ev.niveau else STATUTS[ev.statut]


def ecrire_grille_ulis(chemin: Path, evaluations: Sequence[Evaluation]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    classeur = Workbook()
    classeur.remove(classeur.active)
    par_date: dict = defaultdict(list)
    for ev in evaluations:
        par_date[ev.date].append(ev)
    for quand in sorted(par_date):
        liste = par_date[quand]
        ws = classeur.create_sheet(f"Bilan {quand:%d-%m-%Y}")
        # items dans l'ordre de première apparition, groupés par domaine
        items: dict[tuple[str, str], None] = {}
        for ev in sorted(liste, key=lambda e: e.domaine):
            items.setdefault((ev.domaine, ev.item), None)
        colonnes = {cle: len(IDENTITE) + 1 + i for i, cle in enumerate(items)}
        for j, titre in enumerate(IDENTITE, 1):
            ws.cell(row=2, column=j, value=titre).font = Font(bold=True)
        debut, domaine = None, None
        for (d, item), j in colonnes.items():
            ws.cell(row=2, column=j, value=item).alignment = Alignment(wrap_text=True)
            if d != domaine:
                if debut is not None and j - 1 > debut:
                    ws.merge_cells(start_row=1, start_column=debut, end_row=1, end_column=j - 1)
                ws.cell(row=1, column=j, value=d).font = Font(bold=True)
                debut, domaine = j, d
        if debut is not None and max(colonnes.values()) > debut:
            ws.merge_cells(start_row=1, start_column=debut, end_row=1, end_column=max(colonnes.values()))
        lignes: dict[tuple[str, str], dict[int, str]] = {}
        for ev in liste:
            r = ev.eleve
            nom = r.nom_complet or " ".join(p for p in (r.nom, r.prenom) if p)
            lignes.setdefault((nom, r.classe or ""), {})[colonnes[(ev.domaine, ev.item)]] = libelle(ev)
        for i, ((nom, classe), cellules) in enumerate(sorted(lignes.items()), 3):
            ws.cell(row=i, column=1, value=nom)
            ws.cell(row=i, column=2, value=classe)
            ws.cell(row=i, column=3, value=quand).number_format = "DD/MM/YYYY"
            for j, texte in cellules.items():
                ws.cell(row=i, column=j, value=texte)
        ws.column_dimensions["A"].width = 28
        ws.freeze_panes = "D3"
    chemin.parent.mkdir(parents=True, exist_ok=True)
    classeur.save(chemin)
