"""``python -m benchmarks [--taille XS|S|M|L] [--runs 5] [--cas a,b,c,d,e]`` : les mesures de BENCHMARKS.md.

(a) import des exports Notes de Pronote (Vigie / DuckDB ``read_csv`` / chargeur naïf), (b) temps de script
de chaque page, (c) moyennes et alertes à l'échelle d'une académie, (d) mémoire de pointe de l'import,
(e) le conseil de classe sur l'école de démonstration (PDF à froid, première ouverture dans chromium ;
toujours sur l'école de ``vigie demo``, quelle que soit ``--taille``).
``--taille`` choisit le jeu de fichiers des cas a, b, d (``L`` = ``M`` pour eux) et les tailles d'académie
du cas c (``--academies`` pour les fixer). Le tableau s'affiche et s'écrit dans ``benchmarks/data/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import time
from pathlib import Path

from . import analyses, conseil, grand, import_notes, memoire, pages
from .jeux import DATA, derniere_annee, jeu
from .mesure import Mesure, tableau

#: Taille → (jeu de fichiers, tailles d'académie du cas c, élèves par établissement de l'académie).
PROFILS = {
    "demo": ("demo", [1, 10], 1500),  # académies d'établissements comme M (1 500 élèves, deux années)
    "XS": ("XS", [2], 60),
    "S": ("S", [2], 300),
    "M": ("M", [10], 1500),
    "L": ("M", [10, 30, 100], 1500),
}


def machine() -> str:
    import duckdb
    import polars
    import pydantic
    import streamlit

    memoire_ko = next(
        (int(ligne.split()[1]) for ligne in Path("/proc/meminfo").read_text().splitlines() if ligne.startswith("MemTotal")),
        0,
    )
    cpu = next((ligne.split(":", 1)[1].strip() for ligne in Path("/proc/cpuinfo").read_text().splitlines()
                if ligne.startswith("model name")), platform.processor())
    return (
        f"- machine : {os.cpu_count()} cœurs ({cpu}), {memoire_ko / 2**20:.1f} Gio de mémoire, {platform.platform()}\n"
        f"- Python {platform.python_version()}, DuckDB {duckdb.__version__}, Polars {polars.__version__}, "
        f"Streamlit {streamlit.__version__}, pydantic {pydantic.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--taille", choices=sorted(PROFILS), default="M")
    p.add_argument("--runs", type=int, default=5, help="passages mesurés par cas (médiane)")
    p.add_argument("--runs-naif", type=int, default=None, help="passages du chargeur naïf (par défaut --runs)")
    p.add_argument("--cas", default="a,b,c,d", help="cas à mesurer, parmi a,b,c,d,e")
    p.add_argument("--academies", default=None, help="tailles d'académie du cas c, ex. 10,30,100")
    p.add_argument("--distincts", type=int, default=4, help="établissements réellement générés (cas c)")
    p.add_argument("--limite-c", type=float, default=300.0,
                   help="cas c : un passage plus long (s) est interrompu et les tailles suivantes ne sont pas mesurées")
    p.add_argument("--data", type=Path, default=DATA, help="dossier des jeux (cache)")
    p.add_argument("--moyennes-seules-academies", action="store_true",
                   help="cas c : sur les académies, mesurer les moyennes sans les alertes")
    p.add_argument("--annee-seule", action="store_true",
                   help="cas a et d sur la seule année en cours du jeu (un tiers de M) : plus court")
    p.add_argument("--roles", default=None,
                   help="cas b : rôles mesurés, ex. direction,cpe (par défaut tous)")
    p.add_argument("--rafraichissements", type=int, default=1,
                   help="cas c : rafraîchissement des moyennes mesuré sur le jeu et les N premières académies")
    p.add_argument("--sans-navigateur", action="store_true", help="cas b : temps de script seulement")
    p.add_argument("--reutiliser", action="store_true",
                   help="garder le dernier jeu en cache même si le générateur a changé depuis")
    args = p.parse_args(argv)
    cas = {c.strip() for c in args.cas.split(",") if c.strip()}
    if not cas <= set("abcde"):
        p.error("--cas : a, b, c, d ou e")
    nom_jeu, academies, eleves = PROFILS[args.taille]
    if args.academies:
        academies = [int(x) for x in args.academies.split(",") if x.strip() and int(x) > 0]

    debut = time.perf_counter()
    mesures: list[Mesure] = []
    travail = args.data / "travail"
    j = None
    if cas & set("abcd"):
        print(f"jeu {nom_jeu} : génération ou cache…", flush=True)
        j = jeu(nom_jeu, args.data, reutiliser=args.reutiliser)
        print(f"  {len(j.plan)} fichiers dont {len(j.notes)} de notes ({j.octets_notes / 1e6:.1f} Mo)", flush=True)
    ja = derniere_annee(j) if j is not None and args.annee_seule else j
    try:
        if "a" in cas:
            print("(a) import des notes…", flush=True)
            mesures += import_notes.mesurer(ja, travail / "a", args.runs, naif_passages=args.runs_naif)
        if "b" in cas:
            print("(b) pages du tableau de bord…", flush=True)
            mesures += pages.mesurer(j.complet, travail / "b", args.runs, nom_jeu, navigateur=not args.sans_navigateur,
                                     roles=args.roles.split(",") if args.roles else None,
                                     captures=args.data / f"captures-{nom_jeu}")
        if "c" in cas:
            print("(c) moyennes et alertes…", flush=True)
            mesures += _cas_c(j, academies, args, eleves)
        if "d" in cas:
            print("(d) mémoire de pointe…", flush=True)
            mesures += memoire.mesurer(ja, travail / "d", args.runs)
        if "e" in cas:
            print("(e) conseil de classe (école de démonstration)…", flush=True)
            mesures += conseil.mesurer(args.runs, args.data)
    finally:
        shutil.rmtree(travail, ignore_errors=True)

    texte = (
        f"Mesures du {dt.datetime.now():%d/%m/%Y %H:%M}, commande : `python -m benchmarks "
        f"{' '.join(sys.argv[1:] if argv is None else argv)}` ({time.perf_counter() - debut:.0f} s en tout)\n\n"
        f"{machine()}\n\n{tableau(mesures)}\n"
    )
    print()
    print(texte)
    sortie = args.data / f"resultats-{args.taille}-{''.join(sorted(cas))}.md"
    sortie.parent.mkdir(parents=True, exist_ok=True)
    sortie.write_text(texte, encoding="utf-8")
    print(f"(écrit dans {sortie})")
    return 1 if any(m.erreurs for m in mesures) else 0


def _cas_c(j, academies: list[int], args: argparse.Namespace, eleves: int) -> list[Mesure]:  # noqa: ANN001
    from . import commande, rafraichissement

    analyses.vues_a_jour(j.complet)  # vues et moyennes précalculées du code mesuré (la commande lit sans écrire)
    mesures = commande.mesurer(j.complet, args.runs, j.taille)
    entrepots = [(f"{j.taille} (fichiers)", j.complet)]
    for n in academies:
        print(f"  académie de {n} établissements…", flush=True)
        entrepots.append((f"{n} étab.", grand.entrepot(n, args.distincts, args.data, eleves=eleves,
                                                               reutiliser=args.reutiliser)))
    for nom, db in entrepots[:1 + args.rafraichissements]:
        print(f"  moyennes tenues à jour, {nom}…", flush=True)
        try:
            mesures += rafraichissement.mesurer(db, args.data / "travail" / "c", args.runs, nom)
        except Exception as err:  # noqa: BLE001 — les autres mesures restent
            m = Mesure("c", f"moyennes tenues à jour, {nom}", [])
            m.erreurs.append(f"{type(err).__name__} : {str(err)[:200]}")
            mesures.append(m)
    return mesures + analyses.mesurer(entrepots, args.runs, cible_l=entrepots[-1][0], limite=args.limite_c,
                                      alertes_jusqua=1 if args.moyennes_seules_academies else None)


if __name__ == "__main__":
    raise SystemExit(main())
