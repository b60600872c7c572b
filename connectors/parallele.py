"""Lire beaucoup de fichiers avec plusieurs processus, dans l'ordre, pendant que l'appelant écrit.

Lire et valider un export coûte plus que l'écrire : pour des centaines de fichiers (les exports de notes
d'un établissement), :func:`lectures` confie les fichiers, par morceaux, à un processus lecteur par cœur
et rend les lots (ou les refus) **dans l'ordre du plan**, quelques morceaux d'avance seulement (la
mémoire reste bornée si l'écriture est plus lente que la lecture).

Les lecteurs sont des interpréteurs neufs (``python -m connectors.parallele``) qui parlent par leurs
tuyaux d'entrée et de sortie (objets pickle préfixés de leur longueur), et non un ``multiprocessing`` :
celui-ci rejoue dans chaque processus le script principal de l'appelant (le tableau de bord Streamlit, un
script sans garde ``if __name__ == "__main__"``), et un ``fork`` copierait un processus qui tient
l'entrepôt DuckDB ouvert.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from models.errors import ImportRejected
from models.records import Lot

#: Un élément du plan : (sorte, chemin, options), comme pour ``vigie import``.
Element = tuple[str, Path, dict[str, Any]]

#: En dessous de ce nombre de fichiers, lancer des lecteurs coûterait plus que ce qu'ils font gagner
#: (un interpréteur et ses modules : ≈ 0,4 s).
SEUIL = 64
#: Fichiers confiés d'un coup à un lecteur (moins d'allers-retours).
MORCEAU = 16
#: Morceaux en cours par lecteur.
AVANCE = 3


def lire_un(element: Element) -> Lot | ImportRejected:
    """Un fichier par son connecteur : le lot (empreinte calculée), ou le refus (rendu, pas levé)."""
    import connectors

    sorte, chemin, options = element
    try:
        lot = connectors.lire(sorte, chemin, **options)
    except ImportRejected as err:
        return err
    if Path(chemin).is_file():
        lot.sha256()  # l'empreinte du journal se calcule ici, dans le processus qui lit
    return lot


def coeurs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def lectures(plan: Sequence[Element]) -> Iterator[Lot | ImportRejected]:
    """Les lots (ou refus) du plan, dans son ordre ; en parallèle à partir de :data:`SEUIL` fichiers."""
    n = coeurs()
    if len(plan) < SEUIL or n < 2:
        for element in plan:
            yield lire_un(element)
        return
    morceaux = [list(plan[i:i + MORCEAU]) for i in range(0, len(plan), MORCEAU)]
    lecteurs = [_Lecteur() for _ in range(min(n, len(morceaux)))]
    try:
        en_cours: deque[_Lecteur] = deque()
        suivants = iter(enumerate(morceaux))
        for i, morceau in suivants:
            lecteurs[i % len(lecteurs)].confier(morceau)
            en_cours.append(lecteurs[i % len(lecteurs)])
            if len(en_cours) >= AVANCE * len(lecteurs):
                break
        while en_cours:
            lus = en_cours.popleft().recevoir()  # chaque lecteur rend ses morceaux dans l'ordre confié
            suivant = next(suivants, None)
            if suivant is not None:
                i, morceau = suivant
                lecteurs[i % len(lecteurs)].confier(morceau)
                en_cours.append(lecteurs[i % len(lecteurs)])
            yield from lus
    finally:
        for lecteur in lecteurs:
            lecteur.fermer()


class _Lecteur:
    """Un processus lecteur : reçoit des morceaux du plan, rend leurs lots."""

    def __init__(self) -> None:
        racine = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [racine, os.environ.get("PYTHONPATH")])))
        self.proc = subprocess.Popen([sys.executable, "-m", "connectors.parallele"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, cwd=racine)

    def confier(self, morceau: list[Element]) -> None:
        assert self.proc.stdin is not None
        _ecrire(self.proc.stdin, morceau)

    def recevoir(self) -> list[Lot | ImportRejected]:
        assert self.proc.stdout is not None
        reponse = _lire(self.proc.stdout)
        if reponse is None:
            raise RuntimeError(f"un processus lecteur s'est arrêté (code {self.proc.wait()})")
        if isinstance(reponse, BaseException):
            raise reponse  # un bogue d'un connecteur : comme en lecture directe, il remonte
        return reponse

    def fermer(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _ecrire(flux: BinaryIO, objet: Any) -> None:
    donnees = pickle.dumps(objet, protocol=pickle.HIGHEST_PROTOCOL)
    flux.write(struct.pack("<Q", len(donnees)) + donnees)
    flux.flush()


def _lire(flux: BinaryIO) -> Any:
    tete = flux.read(8)
    if len(tete) < 8:
        return None
    (n,) = struct.unpack("<Q", tete)
    return pickle.loads(flux.read(n))


def _servir() -> None:
    """Dans le lecteur : des morceaux sur l'entrée standard, leurs lots sur la sortie, jusqu'à la fin."""
    entree, sortie = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    sys.stdout = sys.stderr  # un print égaré ne doit pas corrompre les réponses
    while (morceau := _lire(entree)) is not None:
        try:
            reponse: Any = [lire_un(e) for e in morceau]
        except Exception as err:  # noqa: BLE001 — rendu à l'appelant, qui le relève
            reponse = err
        try:
            _ecrire(sortie, reponse)
        except (pickle.PicklingError, TypeError, AttributeError) as err:
            _ecrire(sortie, RuntimeError(f"réponse d'un lecteur impossible à transmettre : {err}"))


if __name__ == "__main__":
    _servir()
