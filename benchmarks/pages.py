"""Cas (b) : le temps de script de chaque page du tableau de bord, avec ``streamlit.testing.v1.AppTest``.

La page est ouverte par l'application entière (``dashboard/app.py``, ``st.navigation``) puis
``switch_page`` ; le premier passage (caches ``st.cache_data`` à froid, imports) est écarté, la médiane
porte sur les suivants — ce que voit un utilisateur qui revient sur une page ou change un filtre.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from .jeux import RACINE
from .mesure import Mesure

APP = RACINE / "dashboard" / "app.py"
CIBLE = 0.3


def pages() -> list[Path]:
    """Les pages que l'application déclare à ``st.navigation`` (``_page("classe.py", …)`` dans app.py),
    dans le dossier qu'elle nomme (``dashboard/ecrans`` : un dossier ``pages/`` court-circuiterait
    ``st.navigation``)."""
    texte = APP.read_text(encoding="utf-8")
    dossier = re.search(r'_PAGES\s*=\s*Path\(__file__\)\.parent\s*/\s*"([^"]+)"', texte)
    racine = APP.parent / (dossier.group(1) if dossier else "pages")
    noms = dict.fromkeys(re.findall(r'_page\(\s*"([^"]+\.py)"', texte))
    return [racine / n for n in noms if (racine / n).is_file()] or sorted(racine.glob("*.py"))


def mesurer(db: Path, passages: int, nom_jeu: str) -> list[Mesure]:
    from streamlit.testing.v1 import AppTest

    ancien = os.environ.get("VIGIE_DB")
    os.environ["VIGIE_DB"] = str(db)
    lignes = []
    try:
        for page in pages():
            m = Mesure("b", f"page {page.stem} ({nom_jeu})", [], cible=f"≤ {CIBLE:g} s".replace(".", ","),
                       atteinte=lambda x: x.mediane <= CIBLE)
            at = AppTest.from_file(str(APP), default_timeout=600)
            try:
                at.run()  # la page d'accueil : switch_page exige un premier passage
                at.switch_page(str(page.relative_to(APP.parent)))
                debut = time.perf_counter()
                at.run()
                froid = time.perf_counter() - debut
                for _ in range(passages):
                    debut = time.perf_counter()
                    at.run()
                    m.valeurs.append(time.perf_counter() - debut)
                m.detail = f"à froid {froid:.2f} s"
                if at.exception:
                    m.erreurs.append("exception : " + str(at.exception[0].message)[:120])
            except Exception as err:  # une page cassée ne doit pas arrêter les autres mesures
                m.erreurs.append(f"{type(err).__name__} : {str(err)[:120]}")
            lignes.append(m)
    finally:
        if ancien is None:
            os.environ.pop("VIGIE_DB", None)
        else:
            os.environ["VIGIE_DB"] = ancien
    return lignes
