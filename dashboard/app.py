"""Point d'entrée du tableau de bord : ``streamlit run dashboard/app.py`` (``vigie serve``).

Les pages sont regroupées par métier (professeur principal, vie scolaire, coordination ULIS,
numérique) ; chacune ne fait que demander à ``models/`` et dessiner.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``streamlit run`` met le dossier du script sur le chemin, pas la racine du dépôt.
_RACINE = Path(__file__).resolve().parents[1]
if str(_RACINE) not in sys.path:
    sys.path.insert(0, str(_RACINE))

import streamlit as st  # noqa: E402

from dashboard import ui  # noqa: E402

st.set_page_config(page_title="Vigie", page_icon="🎓", layout="wide")

# Pas « pages/ » : Streamlit prendrait ce dossier pour une application multipage à l'ancienne et
# servirait ses fichiers sans passer par ce point d'entrée (ni navigation, ni bandeau).
_PAGES = Path(__file__).parent / "ecrans"


def _page(fichier: str, titre: str, icone: str, *, defaut: bool = False) -> st.Page:
    return st.Page(str(_PAGES / fichier), title=titre, icon=icone, default=defaut)


navigation = st.navigation(
    {
        "Accueil": [_page("accueil.py", "Accueil et imports", ":material/home:", defaut=True)],
        "Professeur principal": [
            _page("classe.py", "Classe", ":material/groups:"),
            _page("conseil.py", "Conseil de classe", ":material/radar:"),
            _page("eleve.py", "Élève", ":material/person:"),
        ],
        "Vie scolaire": [
            _page("absences.py", "Absences (CPE)", ":material/event_busy:"),
            _page("alertes.py", "Alertes", ":material/notifications:"),
        ],
        "Compétences et numérique": [
            _page("competences.py", "Compétences", ":material/checklist:"),
            _page("pix.py", "Pix", ":material/computer:"),
        ],
    }
)
ui.bandeau()
navigation.run()
