"""Cas (e) : le conseil de classe sur l'école de démonstration (``vigie demo`` : ``generer(2026,
eleves=600)``, une année).

- **PDF de la plus grande classe, à froid** : chaque passage est un **processus neuf** (imports, ouverture
  de l'entrepôt, feuille du conseil, PDF avec tous ses graphiques : radar et tendance de chaque élève) ;
  la durée est celle du processus entier, mesurée de l'extérieur. Cible : ≤ 5 s.
- **Première ouverture d'une classe dans un vrai navigateur** (chromium de Debian par Playwright) : le
  tableau de bord est lancé sur l'école ; on choisit dans la barre latérale une classe jamais ouverte
  (cache froid pour elle) et l'on mesure jusqu'à ce que la page ait fini de tourner avec le tableau et
  le radar de cette classe dessinés. Cible : ≤ 1 s. À côté, le **temps de script** de la même première
  ouverture (AppTest, cache vidé) : ce que coûte le calcul, sans le navigateur.

Médianes de ``passages`` mesures ; pour le navigateur, chaque passage prend une autre classe parmi les
plus grandes (une classe déjà ouverte serait servie par le cache).
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.outils.navigateur import CHROMIUM, chromium, connecter, serveur

from .jeux import RACINE, jeu
from .mesure import Mesure

CIBLE_PDF = 5.0
CIBLE_OUVERTURE = 1.0

_SCRIPT_PDF = """
import sys, time, json
t0 = time.perf_counter()
from models.warehouse import lecture
from models import conseil
from dashboard import pdf
t1 = time.perf_counter()
wh = lecture(sys.argv[1])
f = conseil.feuille(wh, sys.argv[2], sys.argv[3], sys.argv[4])
t2 = time.perf_counter()
contenu = pdf.conseil_pdf_feuille(f)
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "feuille": t2 - t1, "dessin": t3 - t2, "octets": len(contenu),
                  "eleves": len(f.eleves), "radars": len(f.eleves)}))
"""


def classes_par_taille(db: Path) -> tuple[list[str], str, str]:
    """Les classes de la plus grande à la plus petite, et (année, période) : la dernière période notée."""
    from models import lectures
    from models.warehouse import lecture

    with lecture(db) as wh:
        c = lectures.classes(wh).sort(["effectif", "classe"], descending=[True, False])
        notees = {tuple(r) for r in lectures.periodes_notees(wh).iter_rows()}
        p = [r for r in lectures.periodes(wh).iter_rows(named=True) if (r["annee"], r["periode"]) in notees][-1]
    return c["classe"].to_list(), p["annee"], p["periode"]


def mesurer(passages: int, data: Path, *, navigateur: bool = True) -> list[Mesure]:
    j = jeu("demo", data)
    db = j.complet
    classes, annee, periode = classes_par_taille(db)
    grande = classes[0]
    lignes = [_pdf(db, grande, annee, periode, passages), _script(db, classes, annee, periode, passages)]
    if navigateur:
        lignes.append(_navigateur(db, classes, periode, passages))
    return lignes


def _pdf(db: Path, classe: str, annee: str, periode: str, passages: int) -> Mesure:
    import json

    m = Mesure("e", f"PDF du conseil de {classe} (démo), processus neuf", [],
               cible=f"≤ {CIBLE_PDF:g} s", atteinte=lambda x: x.mediane <= CIBLE_PDF)
    details, cpu = [], []
    for _ in range(passages):
        avant = resource.getrusage(resource.RUSAGE_CHILDREN)
        debut = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", _SCRIPT_PDF, str(db), classe, periode, annee],
                           cwd=RACINE, capture_output=True, text=True)
        duree = time.perf_counter() - debut
        apres = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(apres.ru_utime + apres.ru_stime - avant.ru_utime - avant.ru_stime)
        if r.returncode:
            m.erreurs.append(r.stderr.strip().splitlines()[-1][:160] if r.stderr else f"code {r.returncode}")
            break
        m.valeurs.append(duree)
        details.append(json.loads(r.stdout.strip().splitlines()[-1]))
    if details:
        d = details[len(details) // 2]
        m.detail = (f"{d['eleves']} élèves, {d['radars']} radars et tendances, {d['octets'] // 1024} Kio ; "
                    f"imports {d['imports']:.2f} s, feuille {d['feuille']:.2f} s, dessin {d['dessin']:.2f} s ; "
                    f"temps CPU du processus (médiane) {statistics.median(cpu):.2f} s ; charge de la machine "
                    f"{os.getloadavg()[0]:.1f}".replace(".", ","))
    return m


def _script(db: Path, classes: list[str], annee: str, periode: str, passages: int) -> Mesure:
    """Le temps de script de la première ouverture (AppTest, cache ``st.cache_data`` vidé à chaque passage)."""
    from streamlit.testing.v1 import AppTest

    from dashboard import data
    from models.acces import Utilisateur

    m = Mesure("e", "conseil : temps de script de la 1re ouverture d'une classe (démo)", [],
               cible=f"≤ {CIBLE_OUVERTURE:g} s", atteinte=lambda x: x.mediane <= CIBLE_OUVERTURE)
    ancien = os.environ.get("VIGIE_DB")
    os.environ["VIGIE_DB"] = str(db)
    try:
        at = AppTest.from_file(str(RACINE / "dashboard" / "app.py"), default_timeout=600)
        at.session_state["vigie_utilisateur"] = Utilisateur("mesure", "direction", "Mesure")
        at.run()
        at.switch_page("ecrans/conseil.py")
        at.run()
        cpu = []
        for i in range(passages):
            data.vider_cache()
            at.sidebar.selectbox(key="classe").select(classes[i % len(classes)])
            debut, debut_cpu = time.perf_counter(), time.process_time()
            at.run()
            m.valeurs.append(time.perf_counter() - debut)
            cpu.append(time.process_time() - debut_cpu)
            if at.exception:
                m.erreurs.append("exception : " + str(at.exception[0].message)[:120])
                break
        m.detail = (f"temps CPU (médiane, tous fils) {statistics.median(cpu):.2f} s ; charge de la machine "
                    f"{os.getloadavg()[0]:.1f}").replace(".", ",")
    finally:
        if ancien is None:
            os.environ.pop("VIGIE_DB", None)
        else:
            os.environ["VIGIE_DB"] = ancien
    return m


def _navigateur(db: Path, classes: list[str], periode: str, passages: int) -> Mesure:
    m = Mesure("e", "conseil : 1re ouverture d'une classe dans chromium (démo)", [],
               cible=f"≤ {CIBLE_OUVERTURE:g} s", atteinte=lambda x: x.mediane <= CIBLE_OUVERTURE)
    if not CHROMIUM.exists():
        m.erreurs.append("chromium absent (/usr/bin/chromium)")
        return m
    from playwright.sync_api import sync_playwright

    from models import acces

    acces.ajouter_compte(db, "mesure", "direction", "mesure du conseil de classe", nom="Mesure")
    try:
        with serveur(db) as url, sync_playwright() as p:
            b = chromium(p)
            try:
                page = b.new_page(viewport={"width": 1280, "height": 720})
                connecter(page, url, "mesure", "mesure du conseil de classe")
                page.get_by_role("link", name="Conseil de classe").click(timeout=60_000)
                _fini(page, None)
                # Les plus grandes classes, sauf celle ouverte par défaut (déjà en cache).
                candidates = [c for c in classes if c != _classe_affichee(page)][:passages]
                cpu = []
                for classe in candidates:
                    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
                    # la liste déroulante ne dessine que les classes visibles : le nom tapé la filtre
                    page.keyboard.type(classe)
                    avant = _cpu(url.processus.pid)
                    debut = time.perf_counter()
                    page.get_by_role("option", name=classe, exact=True).click()
                    _fini(page, classe)
                    m.valeurs.append(time.perf_counter() - debut)
                    cpu.append(_cpu(url.processus.pid) - avant)
                m.detail = (f"1280×720, classes {', '.join(candidates)}, {periode} ; temps CPU du serveur "
                            f"(médiane) {statistics.median(cpu):.2f} s ; charge de la machine "
                            f"{os.getloadavg()[0]:.1f}").replace(".", ",")
            finally:
                b.close()
    except Exception as err:  # noqa: BLE001 - une mesure ratée s'écrit dans le tableau
        m.erreurs.append(f"{type(err).__name__} : {str(err)[:140]}")
    return m


def _cpu(pid: int) -> float:
    """Le temps CPU (utilisateur + système, tous fils) consommé jusqu'ici par le processus ``pid``."""
    champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def _classe_affichee(page) -> str:  # noqa: ANN001
    texte = page.get_by_role("heading", level=3).first.inner_text()
    return re.split(r"\s+—\s+", texte)[0]


def _fini(page, classe: str | None) -> None:  # noqa: ANN001
    """La page a fini : le titre de la classe est là, le radar est dessiné, Streamlit ne tourne plus."""
    if classe is not None:
        page.get_by_role("heading", name=re.compile(rf"^{re.escape(classe)} — ")).wait_for(timeout=120_000)
    page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=120_000)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=120_000)
