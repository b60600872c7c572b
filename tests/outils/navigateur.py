"""Le tableau de bord dans un vrai navigateur, pour les tests et les mesures : un serveur ``streamlit run``
sur un port libre, le chromium de Debian lancé par Playwright, la connexion par le formulaire.

Un seul endroit pour ces gestes (ils étaient recopiés dans ``tests/test_navigateur*.py``,
``benchmarks/pages.py`` et ``benchmarks/conseil.py``). Playwright ne peut pas télécharger son propre
navigateur ici : celui de Debian (``apt install chromium``, cible ``make chromium``), sans bac à sable
(conteneur, utilisateur root), sans GPU ni trafic réseau de fond.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
APP = RACINE / "dashboard" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
#: Les options de chromium pour les tests (sans bac à sable : conteneur et root).
OPTIONS_CHROMIUM = ("--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking")
#: Captures des tests navigateur (hors du dépôt : .gitignore).
SORTIE = RACINE / "tests" / "output"


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attendre(url: str, processus: subprocess.Popen, limite: float = 120) -> None:
    """Attend que le serveur ``url`` réponde à ``/_stcore/health`` ; lève s'il s'arrête ou tarde."""
    fin = time.monotonic() + limite
    while True:
        if processus.poll() is not None:
            raise RuntimeError(f"streamlit s'est arrêté (code {processus.returncode})")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            if time.monotonic() > fin:
                raise TimeoutError("streamlit ne répond pas") from None
            time.sleep(0.2)


class Adresse(str):
    """L'adresse du serveur (``http://127.0.0.1:port``) ; ``processus`` : le serveur lui-même (son pid)."""

    processus: subprocess.Popen


@contextmanager
def serveur(db: Path | None, app: Path = APP, *, options: Sequence[str] = (), env: dict[str, str] | None = None,
            sans: Sequence[str] = ("VIGIE_DEMO",), commande: Sequence[str] | None = None,
            hote: str = "127.0.0.1") -> Iterator[Adresse]:
    """``streamlit run <app>`` (ou ``commande``, où ``{port}`` est remplacé) sur un port libre ; son adresse.

    ``db`` : l'entrepôt servi (``VIGIE_DB``) ; ``sans`` : variables retirées de l'environnement
    (``VIGIE_DEMO`` : une école se reconnaît fictive à son entrepôt) ; ``env`` : variables en plus ;
    ``options`` : options de Streamlit en plus (``--client.toolbarMode developer`` pour « Clear cache »).
    Arrêté (SIGTERM, puis SIGKILL) à la sortie."""
    port = port_libre()
    variables = {k: v for k, v in os.environ.items() if k not in sans}
    if db is not None:
        variables["VIGIE_DB"] = str(db)
    variables.update(env or {})
    if commande is None:
        args = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
                "--server.port", str(port), "--server.address", hote, "--browser.gatherUsageStats", "false",
                *options]
    else:
        args = [a.replace("{port}", str(port)) for a in commande]
    processus = subprocess.Popen(args, cwd=RACINE, env=variables, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    url = Adresse(f"http://{hote}:{port}")
    url.processus = processus
    try:
        attendre(url, processus)
        yield url
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()


def chromium(playwright):  # noqa: ANN001, ANN201 — playwright.sync_api.Playwright → Browser
    """Le chromium de Debian, lancé par Playwright (``with sync_playwright() as p: chromium(p)``)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(OPTIONS_CHROMIUM))


def connecter(page, url: str, identifiant: str, mot_de_passe: str, *, limite: float = 120) -> float:  # noqa: ANN001
    """Ouvre ``url``, remplit le formulaire de connexion des comptes locaux et clique « Se connecter », sans
    attendre la page suivante (à l'appelant de dire ce qu'il attend) ; renvoie l'instant du clic
    (``time.perf_counter``, pour les mesures)."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_label("Identifiant").fill(identifiant, timeout=limite * 1000)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    debut = time.perf_counter()
    page.get_by_role("button", name="Se connecter").click()
    return debut


# --- L'école de démonstration, servie avec connexion ---------------------------------------------------

#: Le mot de passe des comptes de test créés par :func:`comptes_par_role`.
MOT_DE_PASSE = "un mot de passe solide"


def ecole_demo(dossier: Path) -> Path:
    """L'école de ``make demo`` : ``vigie demo --no-serve`` (l'école de ``sample_data`` écrite aux formats
    réels puis importée par les vrais connecteurs, suivi de démonstration compris) dans ``dossier`` ; le
    chemin de l'entrepôt. Lève si la commande échoue (un import refusé)."""
    db = dossier / "demo.duckdb"
    r = subprocess.run([sys.executable, "-m", "vigie_cli", "demo", "--no-serve", "--db", str(db)], cwd=RACINE,
                       capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k not in ("VIGIE_DB", "VIGIE_DEMO")})
    if r.returncode != 0:
        raise RuntimeError(f"vigie demo a échoué ({r.returncode}) : {r.stderr[-2000:]}")
    return db


def comptes_par_role(db: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Rend ``db`` servi **avec connexion** (une école fictive s'ouvre sinon sans compte, en direction) et
    y crée un compte par rôle (mot de passe :data:`MOT_DE_PASSE`) ; rôle → (identifiant, classes).

    Le professeur principal et l'enseignant ont la classe qui a le plus d'évaluations de compétences (de
    quoi remplir chaque page qu'ils voient) ; la coordination ULIS voit les élèves du dispositif."""
    from models import acces
    from models.warehouse import ecriture, lecture

    with ecriture(db) as wh:
        wh.con.execute("DELETE FROM t_meta WHERE cle = 'demo'")
    with lecture(db) as wh:
        classes = wh.sql("""SELECT e.classe FROM competences c JOIN eleves e USING (eleve_id)
                            WHERE e.classe IS NOT NULL GROUP BY e.classe ORDER BY count(*) DESC, e.classe LIMIT 1""")
    classe = tuple(classes["classe"].to_list())
    portees = {"professeur_principal": classe, "enseignant": classe}
    comptes = {}
    for role in acces.ROLES:
        identifiant = f"test_{role}"
        acces.ajouter_compte(db, identifiant, role, MOT_DE_PASSE, nom=f"Compte {acces.ROLES[role]}",
                             classes=portees.get(role, ()))
        comptes[role] = (identifiant, portees.get(role, ()))
    return comptes
