"""``vigie serve`` s'arrête avec sa commande : un vrai processus, un vrai port, un vrai signal.

Le serveur Streamlit est un processus enfant ; s'il survivait à ``vigie serve`` (SIGTERM de systemd,
Ctrl+C), il continuerait de servir les données des élèves sans que personne ne le sache.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _repond(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def _enfants(pid: int) -> set[int]:
    """Les descendants de ``pid`` (Linux : /proc/PID/task/*/children)."""
    trouves: set[int] = set()
    a_voir = [pid]
    while a_voir:
        p = a_voir.pop()
        for tache in Path(f"/proc/{p}/task").glob("*"):
            try:
                for e in (tache / "children").read_text().split():
                    if int(e) not in trouves:
                        trouves.add(int(e))
                        a_voir.append(int(e))
            except OSError:
                continue
    return trouves


def _vivant(pid: int) -> bool:
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat != "Z"  # un zombie ne sert plus rien : il attend seulement d'être ramassé


def _demarrer(tmp_path: Path) -> tuple[subprocess.Popen, int, set[int]]:
    port = _port_libre()
    env = dict(os.environ, VIGIE_COMPTES=str(tmp_path / "utilisateurs.json"))
    parent = subprocess.Popen(
        [sys.executable, "-m", "vigie_cli", "serve", "--db", str(tmp_path / "vigie.duckdb"), "--port", str(port)],
        cwd=RACINE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    limite = time.monotonic() + 60
    while not _repond(port):
        if parent.poll() is not None or time.monotonic() > limite:
            parent.kill()
            pytest.fail(f"le serveur n'a pas répondu sur le port {port} (code {parent.poll()})")
        time.sleep(0.2)
    enfants = _enfants(parent.pid)
    assert enfants, "Streamlit devrait tourner dans un processus enfant"
    return parent, port, enfants


def _attendre_arret(parent: subprocess.Popen, port: int, enfants: set[int], delai: float = 10) -> float:
    debut = time.monotonic()
    try:
        while _repond(port) or any(_vivant(e) for e in enfants):
            assert time.monotonic() - debut < delai, "le serveur Streamlit sert encore après l'arrêt de vigie serve"
            time.sleep(0.1)
        return time.monotonic() - debut
    finally:
        try:
            parent.wait(5)
        except subprocess.TimeoutExpired:
            parent.kill()
        for e in enfants:
            if _vivant(e):
                os.kill(e, signal.SIGKILL)


@pytest.mark.parametrize("signal_recu", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_le_serveur_s_arrete_avec_vigie_serve(tmp_path, signal_recu):
    parent, port, enfants = _demarrer(tmp_path)
    parent.send_signal(signal_recu)
    duree = _attendre_arret(parent, port, enfants)
    assert duree < 10
    assert parent.returncode == (0 if signal_recu == signal.SIGINT else 128 + signal_recu)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG n'existe que sous Linux")
def test_le_serveur_s_arrete_meme_si_vigie_serve_est_tue_net(tmp_path):
    """SIGKILL ne laisse pas relayer : c'est le noyau qui prévient l'enfant (prctl PR_SET_PDEATHSIG)."""
    parent, port, enfants = _demarrer(tmp_path)
    parent.kill()
    _attendre_arret(parent, port, enfants)
