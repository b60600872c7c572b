"""Cas (a) : importer les exports Notes de Pronote d'un jeu, par Vigie, par DuckDB seul, par le chargeur naïf.

- **Vigie** : le chemin complet de ``vigie demo`` / ``vigie import`` (``connectors.importation.importer`` :
  connecteur → lot validé → ``Warehouse.importer`` dans une session :func:`models.warehouse.ecriture`,
  copie, transaction, CHECKPOINT et remplacement atomique compris). Les listes d'élèves de chaque année
  doivent précéder ses notes (le plan de l'école est dans cet ordre) : on rejoue l'établissement, les
  listes d'élèves et les notes dans l'ordre du plan et on retranche le temps des fichiers non-notes,
  chronométrés à part dans le même passage.
- **DuckDB** : un ``read_csv`` de tous les fichiers (texte brut, en-têtes compris) dans une table d'un
  fichier DuckDB — le plancher de ce que coûte la lecture de ces octets.
- **naïf** : :mod:`benchmarks.naif` (pandas, pydantic par note, SQLite).
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections import Counter
from pathlib import Path

import duckdb

from .jeux import Jeu
from .mesure import Mesure, chronometrer
from . import naif


def vigie(j: Jeu, db: Path) -> tuple[float, int]:
    """Un import des notes du jeu dans un entrepôt neuf, par le chemin même de ``vigie import`` /
    ``vigie demo`` (``connectors.importation.importer`` : connecteurs, fichiers consécutifs d'une sorte écrits
    ensemble, session :func:`models.warehouse.ecriture`) ; l'établissement et la liste d'élèves sont
    importés avant, hors chrono. Rend (secondes des notes, fichiers refusés)."""
    from connectors.importation import importer

    db.unlink(missing_ok=True)
    avant = [p for p in j.plan if p[0] in ("etablissement", "pronote-eleves")]
    notes = [p for p in j.plan if p[0] == "pronote-notes"]
    importer(db, avant)
    debut = time.perf_counter()
    resultats = importer(db, notes)
    duree = time.perf_counter() - debut
    return duree, sum(r.statut == "rejete" for r in resultats)


def duckdb_read_csv(j: Jeu, db: Path) -> int:
    """Tous les fichiers de notes dans une table, par le lecteur CSV de DuckDB (UTF-8 et Windows-1252)."""
    db.unlink(missing_ok=True)
    utf8, latin = [], []
    for _, chemin, _ in j.notes:
        with open(chemin, "rb") as f:
            (utf8 if f.read(3) == b"\xef\xbb\xbf" else latin).append(str(chemin))
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    try:
        for fichiers, encodage in ((utf8, "utf-8"), (latin, "latin-1")):
            if not fichiers:
                continue
            source = (
                "read_csv($f, delim=';', header=false, all_varchar=true, null_padding=true, "
                f"union_by_name=true, filename=true, quote='\"', escape='\"', encoding='{encodage}')"
            )
            if encodage == "utf-8":
                con.execute(f"CREATE TABLE brut AS SELECT * FROM {source}", {"f": fichiers})
            else:
                con.execute(f"INSERT INTO brut BY NAME SELECT * FROM {source}", {"f": fichiers})
        n = con.execute("SELECT count(*) FROM brut").fetchall()[0][0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return int(n)


def naif_sqlite(j: Jeu, db: Path) -> int:
    db.unlink(missing_ok=True)
    return naif.charger([p[1] for p in j.notes], db)


def memes_notes(vigie_db: Path, naif_db: Path) -> tuple[bool, int, int]:
    """Vigie et le chargeur naïf ont-ils les mêmes notes (classe, matière, date, titre, valeur, statut) ?"""
    from models.warehouse import lecture

    wh = lecture(vigie_db)
    try:
        a = Counter(wh.con.execute(
            "SELECT d.classe, d.matiere, d.date::VARCHAR, d.titre, n.valeur, n.statut "
            "FROM t_notes n JOIN t_devoirs d USING (devoir_id)"
        ).fetchall())
    finally:
        wh.close()
    con = sqlite3.connect(naif_db)
    b = Counter(con.execute("SELECT classe, matiere, date, titre, valeur, statut FROM notes").fetchall())
    con.close()
    return a == b, sum(a.values()), sum(b.values())


def mesurer(j: Jeu, travail: Path, passages: int, *, naif_passages: int | None = None) -> list[Mesure]:
    """Les trois chargements, ``passages`` fois chacun, dans ce processus ; ratios contre DuckDB et le naïf."""
    travail.mkdir(parents=True, exist_ok=True)
    taille = j.octets_notes / 1e6
    base = Mesure("a", "DuckDB read_csv (référence)", [],
                  detail=f"{len(j.notes)} fichiers, {taille:.1f} Mo")
    naive = Mesure("a", "chargeur naïf (pandas + pydantic + SQLite)", [])
    v = Mesure("a", f"import Vigie des notes ({j.taille})", [], reference=base, cible="≤ 1,5× DuckDB",
               atteinte=lambda m: m.ratio is not None and m.ratio <= 1.5)
    v_naif = Mesure("a", "import Vigie vs naïf", [], reference=naive, cible="naïf ≥ 10× plus lent",
                    atteinte=lambda m: m.ratio is not None and m.ratio <= 0.1)
    # Les passages alternent les trois chargeurs : une dérive de la machine les touche tous également.
    lignes = 0
    for i in range(passages):
        secondes, refus = vigie(j, travail / "vigie.duckdb")
        v.valeurs.append(secondes)
        if refus:
            v.erreurs.append(f"{refus} fichier(s) refusé(s)")
        debut = time.perf_counter()
        lignes = duckdb_read_csv(j, travail / "brut.duckdb")
        base.valeurs.append(time.perf_counter() - debut)
        if naif_passages is None or i < naif_passages:
            naive.valeurs += chronometrer(lambda: naif_sqlite(j, travail / "naif.sqlite"), 1)
    base.detail += f", {lignes} lignes brutes"
    egal, n_vigie, n_naif = memes_notes(travail / "vigie.duckdb", travail / "naif.sqlite")
    v.detail = f"{n_vigie} notes"
    naive.detail = f"{n_naif} notes, mêmes notes que Vigie : {'oui' if egal else 'NON'}"
    if not egal:
        naive.erreurs.append("notes différentes de celles de Vigie")
    v_naif.valeurs = list(v.valeurs)
    return [v, base, naive, v_naif]


def vider(travail: Path) -> None:
    shutil.rmtree(travail, ignore_errors=True)
