"""Le chargeur « naïf » : ce qu'écrirait un professeur-développeur pressé, pair de comparaison du cas (a).

pandas ``read_csv`` de chaque export Notes de Pronote, un modèle pydantic par note, une insertion SQLite par
ligne (une transaction par fichier). Il lit **les mêmes fichiers** et produit **les mêmes notes** que Vigie
(classe, matière ou sous-service, date et titre du devoir, valeur, statut) — vérifié par
:func:`benchmarks.import_notes.memes_notes` — mais sans rapprochement des élèves, sans contrôle du barème,
sans journal ni dédoublonnage : il fait moins que Vigie, ce qui lui est favorable.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

#: Jetons de Pronote → statut (les graphies de l'export, comme dans la doc de Pronote).
JETONS = {
    "Abs": "absent", "Abs*": "absent_zero", "Disp": "dispense", "N.Not": "non_note", "Inap": "inapte",
    "N.Rdu": "non_rendu", "N.Rdu*": "non_rendu_zero", "X": "non_concerne",
}
_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_SUR = re.compile(r"Sur ([\d,]+)")
_COEF = re.compile(r"Coef\. ([\d,]+)")


class NoteLigne(BaseModel):
    eleve: str
    classe: str
    matiere: str
    date: dt.date
    titre: str
    bareme: float
    coefficient: float
    valeur: float | None
    statut: str


def _lire_csv(chemin: Path) -> pd.DataFrame:
    # Les exports du client lourd sont en Windows-1252, ceux du client web en UTF-8 avec BOM.
    try:
        return pd.read_csv(chemin, sep=";", header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return pd.read_csv(chemin, sep=";", header=None, dtype=str, keep_default_na=False, encoding="cp1252")


def _titre(entete: str) -> str:
    titre = entete.split(" - ", 1)[1] if " - " in entete else ""
    return titre.replace(" (bonus)", "").replace(" (facultatif)", "").strip()


def charger(fichiers: list[Path], db: Path) -> int:
    """Charge les fichiers dans la table ``notes`` de la base SQLite ``db`` ; rend le nombre de notes."""
    con = sqlite3.connect(db)
    con.execute(
        "CREATE TABLE IF NOT EXISTS notes (eleve TEXT, classe TEXT, matiere TEXT, date TEXT, titre TEXT, "
        "bareme REAL, coefficient REAL, valeur REAL, statut TEXT)"
    )
    total = 0
    for chemin in fichiers:
        df = _lire_csv(chemin)
        entetes = 1
        while entetes < len(df) and df.iat[entetes, 0] == "":
            entetes += 1
        colonnes = []
        for j in range(len(df.columns)):
            m = _DATE.search(df.iat[0, j])
            if m:
                sous = df.iat[1, j]
                service = df.iat[2, j] if entetes > 2 and df.iat[2, j] else chemin.stem
                colonnes.append((
                    j, dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), _titre(df.iat[0, j]),
                    float(_SUR.search(sous).group(1).replace(",", ".")),
                    float(_COEF.search(sous).group(1).replace(",", ".")), service,
                ))
        for i in range(entetes, len(df)):
            ligne = df.iloc[i]
            if ligne[0] == "Moyenne de la classe":
                continue
            for j, date, titre, bareme, coef, service in colonnes:
                cellule = ligne[j].strip()
                if not cellule:
                    continue
                if cellule in JETONS:
                    valeur, statut = None, JETONS[cellule]
                else:
                    valeur, statut = float(cellule.replace(",", ".")), "note"
                note = NoteLigne(eleve=ligne[0], classe=ligne[1], matiere=service, date=date, titre=titre,
                                 bareme=bareme, coefficient=coef, valeur=valeur, statut=statut)
                con.execute("INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", tuple(note.model_dump().values()))
                total += 1
        con.commit()
    con.close()
    return total
