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

# Importé ici, en entier, avant tout graphique : Altair consulte ``sys.modules["pandas"]`` sans
# l'importer, et le serveur Streamlit peut être en train d'importer pandas dans un autre fil au premier
# affichage (« partially initialized module 'pandas' », vu dans le test navigateur).
import pandas  # noqa: E402, F401
import streamlit as st  # noqa: E402

from dashboard import auth, data, erreurs, recherche, ui  # noqa: E402
from models import acces  # noqa: E402

st.set_page_config(page_title="Vigie", page_icon="🎓", layout="wide")
# Aucune trace Python ni lien « Ask Google/ChatGPT » à l'écran, même lancé sans .streamlit/config.toml
# (dashboard/erreurs.py : le message français et le journal).
st.set_option("client.showErrorDetails", "none")
ui.style_francais()

# Le seul point de contrôle : aucune page ne s'exécute sans utilisateur (sauf l'école fictive).
utilisateur = auth.exiger_utilisateur(data.chemin())

# Pas « pages/ » : Streamlit prendrait ce dossier pour une application multipage à l'ancienne et
# servirait ses fichiers sans passer par ce point d'entrée (ni navigation, ni bandeau).
_PAGES = Path(__file__).parent / "ecrans"


def _page(fichier: str, titre: str, icone: str, *, defaut: bool = False) -> st.Page:
    return st.Page(str(_PAGES / fichier), title=titre, icon=icone, default=defaut)


#: Pages utiles à chaque rôle (le périmètre des données, lui, est appliqué dans les requêtes).
PAGES_PAR_ROLE = {
    "direction": None,
    "professeur_principal": None,
    "enseignant": {"accueil", "imports", "classe", "eleve", "competences", "pix"},
    "cpe": {"accueil", "imports", "eleve", "absences", "alertes"},
    "coordonnateur_ulis": {"accueil", "imports", "classe", "eleve", "competences"},
}
_permises = PAGES_PAR_ROLE[utilisateur.role]
_groupes = {
    # Le journal des imports est commun à tous les rôles (models/acces.py) ; importer, à la direction.
    "Accueil": [("accueil.py", "Accueil", ":material/home:"), ("imports.py", "Imports", ":material/upload_file:")],
    "Professeur principal": [
        ("classe.py", "Classe", ":material/groups:"),
        ("conseil.py", "Conseil de classe", ":material/radar:"),
        ("eleve.py", "Élève", ":material/person:"),
    ],
    "Vie scolaire": [
        ("absences.py", "Absences (CPE)", ":material/event_busy:"),
        ("alertes.py", "Alertes", ":material/notifications:"),
    ],
    "Compétences et numérique": [
        ("competences.py", "Compétences", ":material/checklist:"),
        ("pix.py", "Pix", ":material/computer:"),
    ],
}
navigation = st.navigation(
    {
        groupe: [_page(f, t, i, defaut=f == "accueil.py") for f, t, i in pages
                 if _permises is None or f.removesuffix(".py") in _permises]
        for groupe, pages in _groupes.items()
        if _permises is None or any(f.removesuffix(".py") in _permises for f, _, _ in pages)
    }
)
# Les lectures de cette exécution partagent une connexion, fermée à la fin (dashboard/data.py).
with data.connexion_de_page():
    ui.bandeau(utilisateur)
    recherche.barre()
    with st.sidebar:
        st.caption(f"Connecté : {utilisateur.libelle()}")
        if not utilisateur.demo:
            st.button("Se déconnecter", on_click=auth.deconnecter, args=(data.chemin(),), key="deconnexion")
            auth.surveiller_inactivite()
    # Journal d'accès : une ligne par page ouverte (pas à chaque interaction).
    if st.session_state.get("vigie_derniere_page") != navigation.title:
        st.session_state["vigie_derniere_page"] = navigation.title
        acces.journaliser(data.chemin(), utilisateur, "consultation", navigation.title)
    erreurs.executer(navigation.run, navigation.title, data.chemin(), utilisateur)
