"""Cas (a) : importer les exports Notes de Pronote d'un jeu, par Vigie, par DuckDB seul, par le chargeur naïf.

- **Vigie** : le chemin complet de ``vigie demo`` / ``vigie import`` (``connectors.importation.importer`` :
  connecteur → lot validé → ``Warehouse.importer`` dans une session :func:`models.warehouse.ecriture`,
  copie, transaction, CHECKPOINT et remplacement atomique compris). Les listes d'élèves de chaque année
  doivent précéder ses notes (le plan de l'école est dans cet ordre) : on rejoue l'établissement, les
  listes d'élèves et les notes dans l'ordre du plan et on retranche le temps des fichiers non-notes,
  chronométrés à part dans le même passage.
- **DuckDB** : un ``read_csv`` de tous les fichiers (texte brut, en-têtes compris) dans une table d'un
  fichier DuckDB — le plancher de ce que coûte la lecture de ces octets ; et **fichier par fichier** (un
  ``read_csv`` par fichier, comme Vigie reçoit ses fichiers), deuxième référence.
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
from .mesure import Mesure
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
    vider_caches()
    importer(db, avant)
    debut, cpu = time.perf_counter(), time.process_time()
    resultats = importer(db, notes)
    duree = time.perf_counter() - debut
    _CPU_VIGIE.append(time.process_time() - cpu)
    return duree, sum(r.statut == "rejete" for r in resultats)


def vider_caches() -> int:
    """Vide les caches de fonction (``functools.lru_cache``) des modules ``connectors`` et ``models`` : chaque
    passage de :func:`vigie` part à froid, comme ``vigie import`` dans un processus neuf (sans cela, les
    passages suivants retrouvent en-têtes de devoir, notes lues et élèves rapprochés du premier : ≈ 0,25 s de
    CPU de moins sur l'année de M). Rend le nombre de caches vidés."""
    import sys

    n = 0
    for nom, module in list(sys.modules.items()):
        if module is None or not nom.startswith(("connectors", "models")):
            continue
        for objet in list(vars(module).values()):
            if callable(getattr(objet, "cache_clear", None)) and hasattr(objet, "cache_info"):
                objet.cache_clear()
                n += 1
    return n


#: Le temps CPU de chaque import des notes par :func:`vigie` (processus entier, tous fils).
_CPU_VIGIE: list[float] = []


def duckdb_read_csv(j: Jeu, db: Path, *, par_fichier: bool = False) -> int:
    """Tous les fichiers de notes dans une table, par le lecteur CSV de DuckDB (UTF-8 et Windows-1252) : un
    ``read_csv`` sur la liste, ou (``par_fichier``) un ``read_csv`` par fichier dans la même table."""
    db.unlink(missing_ok=True)
    utf8, latin = [], []
    for _, chemin, _ in j.notes:
        with open(chemin, "rb") as f:
            (utf8 if f.read(3) == b"\xef\xbb\xbf" else latin).append(str(chemin))
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    try:
        if par_fichier:  # une table aux colonnes de tous les fichiers, pour les recevoir un à un
            vides = [f"(SELECT * FROM read_csv($f{k}, delim=';', header=false, all_varchar=true, null_padding=true, "
                     f"union_by_name=true, filename=true, quote='\"', escape='\"', encoding='{e}') LIMIT 0)"
                     for k, (fs, e) in enumerate(((utf8, "utf-8"), (latin, "latin-1"))) if fs]
            con.execute("CREATE TABLE brut AS " + " UNION ALL BY NAME ".join(vides),
                        {f"f{k}": fs for k, fs in enumerate((utf8, latin)) if fs})
        for fichiers, encodage in ((utf8, "utf-8"), (latin, "latin-1")):
            if not fichiers:
                continue
            source = (
                "read_csv($f, delim=';', header=false, all_varchar=true, null_padding=true, "
                f"union_by_name=true, filename=true, quote='\"', escape='\"', encoding='{encodage}')"
            )
            if par_fichier:
                for f in fichiers:
                    con.execute(f"INSERT INTO brut BY NAME SELECT * FROM {source}", {"f": [f]})
            elif encodage == "utf-8":
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


def _cpu(f):  # noqa: ANN001, ANN202
    """(résultat, secondes d'horloge, secondes de CPU du processus, tous fils compris) de ``f()`` : sur
    une machine partagée, l'horloge compte aussi l'attente du processeur, le CPU seulement le travail."""
    debut, cpu = time.perf_counter(), time.process_time()
    r = f()
    return r, time.perf_counter() - debut, time.process_time() - cpu


def mesurer(j: Jeu, travail: Path, passages: int, *, naif_passages: int | None = None) -> list[Mesure]:
    """Les chargements, ``passages`` fois chacun, dans ce processus ; ratios contre DuckDB (une lecture de la
    liste, et fichier par fichier) et le naïf, à l'horloge et en temps CPU."""
    travail.mkdir(parents=True, exist_ok=True)
    taille = j.octets_notes / 1e6
    base = Mesure("a", "DuckDB read_csv de la liste (référence)", [],
                  detail=f"{len(j.notes)} fichiers, {taille:.1f} Mo")
    base_f = Mesure("a", "DuckDB read_csv fichier par fichier (référence)", [])
    naive = Mesure("a", "chargeur naïf (pandas + pydantic + SQLite)", [])
    cible = "≤ 1,0× DuckDB"
    v = Mesure("a", f"import Vigie des notes ({j.taille})", [], reference=base, cible=cible,
               atteinte=lambda m: m.ratio is not None and m.ratio <= 1.0)
    v_f = Mesure("a", "import Vigie vs DuckDB fichier par fichier", [], reference=base_f, cible=cible,
                 atteinte=lambda m: m.ratio is not None and m.ratio <= 1.0)
    v_naif = Mesure("a", "import Vigie vs naïf", [], reference=naive, cible="naïf ≥ 30× plus lent",
                    atteinte=lambda m: m.ratio is not None and m.ratio <= 1 / 30)
    cpu = {k: Mesure("a", f"temps CPU : {m.nom}", [], detail="processus entier, tous fils")
           for k, m in (("v", v), ("base", base), ("base_f", base_f), ("naif", naive))}
    cpu["v"].reference, cpu["v"].cible = cpu["base"], cible
    cpu["v"].atteinte = lambda m: m.ratio is not None and m.ratio <= 1.0
    cpu_f = Mesure("a", "temps CPU : Vigie vs DuckDB fichier par fichier", [], reference=cpu["base_f"], cible=cible,
                   atteinte=lambda m: m.ratio is not None and m.ratio <= 1.0)
    cpu_naif = Mesure("a", "temps CPU : Vigie vs naïf", [], reference=cpu["naif"], cible="naïf ≥ 30× plus lent",
                      atteinte=lambda m: m.ratio is not None and m.ratio <= 1 / 30)
    # Les passages alternent les chargeurs : une dérive de la machine les touche tous également.
    lignes = 0
    for i in range(passages):
        (secondes, refus), _, _ = _cpu(lambda: vigie(j, travail / "vigie.duckdb"))
        # le temps CPU de Vigie ne compte que les notes, comme son horloge (mesuré dans vigie())
        v.valeurs.append(secondes)
        cpu["v"].valeurs.append(_CPU_VIGIE[-1])
        if refus:
            v.erreurs.append(f"{refus} fichier(s) refusé(s)")
        lignes, d, c = _cpu(lambda: duckdb_read_csv(j, travail / "brut.duckdb"))
        base.valeurs.append(d)
        cpu["base"].valeurs.append(c)
        _, d, c = _cpu(lambda: duckdb_read_csv(j, travail / "brut.duckdb", par_fichier=True))
        base_f.valeurs.append(d)
        cpu["base_f"].valeurs.append(c)
        if naif_passages is None or i < naif_passages:
            _, d, c = _cpu(lambda: naif_sqlite(j, travail / "naif.sqlite"))
            naive.valeurs.append(d)
            cpu["naif"].valeurs.append(c)
    base.detail += f", {lignes} lignes brutes"
    egal, n_vigie, n_naif = memes_notes(travail / "vigie.duckdb", travail / "naif.sqlite")
    v.detail = f"{n_vigie} notes"
    naive.detail = f"{n_naif} notes, mêmes notes que Vigie : {'oui' if egal else 'NON'}"
    if not egal:
        naive.erreurs.append("notes différentes de celles de Vigie")
    v_f.valeurs = list(v.valeurs)
    v_naif.valeurs = list(v.valeurs)
    cpu_f.valeurs = list(cpu["v"].valeurs)
    cpu_naif.valeurs = list(cpu["v"].valeurs)
    return [v, base, v_f, base_f, naive, v_naif, cpu["v"], cpu["base"], cpu_f, cpu["base_f"], cpu["naif"], cpu_naif]


def vider(travail: Path) -> None:
    shutil.rmtree(travail, ignore_errors=True)
