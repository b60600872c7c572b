"""Une erreur sur une page : un message en français pour la personne, la trace complète au journal.

Une exception imprévue dans une page n'affiche jamais la trace Python (qui peut citer des noms d'élèves,
des chemins, du SQL) : la page montre un encadré français avec une référence, et l'erreur est consignée
deux fois sous cette référence :

- au journal du serveur (``logging``, logger ``vigie.tableau_de_bord``, sortie d'erreur de ``vigie serve``)
  avec la trace complète, pour la personne qui administre Vigie ;
- au journal d'accès (``models.acces.journaliser``, action ``erreur``) : qui, quelle page, quelle sorte
  d'erreur — la ligne que la direction relit avec les autres.

``client.showErrorDetails = "none"`` (``.streamlit/config.toml`` et ``app.py``) couvre ce qui échapperait à
ce filet (le point d'entrée lui-même) : Streamlit n'y montre alors ni trace, ni message, ni ses liens
« Ask Google » / « Ask ChatGPT ».

Les exceptions de contrôle de Streamlit (``st.rerun``, ``st.stop``, ``st.switch_page``) héritent de
``BaseException`` (``streamlit.runtime.scriptrunner_utils.exceptions.ScriptControlException``) : elles ne
sont pas attrapées ici et font leur travail.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from models import acces
from models.errors import VigieError

JOURNAL = logging.getLogger("vigie.tableau_de_bord")
if not JOURNAL.handlers:
    _sortie = logging.StreamHandler(sys.stderr)
    _sortie.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    JOURNAL.addHandler(_sortie)
    JOURNAL.setLevel(logging.INFO)
    JOURNAL.propagate = False

#: Ce que voit la personne ; ``{reference}`` la relie aux deux journaux.
MESSAGE = (
    "**Une erreur est survenue sur cette page ; elle a été enregistrée dans le journal** "
    "(référence {reference}).\n\n"
    "Vos données ne sont pas modifiées. Rechargez la page (touche F5) ou choisissez une autre page dans le "
    "menu ; si l'erreur revient, transmettez la référence à la personne qui administre Vigie."
)


def reference() -> str:
    """Une référence courte et unique : ``20261130-211502-3fa9``."""
    return f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def consigner(err: Exception, page: str, db: Path | None, utilisateur: acces.Utilisateur | None) -> str:
    """Consigne ``err`` (levée sur ``page``) aux deux journaux ; renvoie la référence."""
    ref = reference()
    qui = utilisateur.identifiant if utilisateur is not None else "?"
    JOURNAL.error("erreur %s sur la page « %s » (utilisateur %s)", ref, page, qui, exc_info=err)
    if db is not None and utilisateur is not None:
        try:
            acces.journaliser(db, utilisateur, "erreur", f"{page} — {type(err).__name__} (référence {ref})")
        except OSError:  # le journal d'accès illisible n'empêche pas d'afficher le message
            JOURNAL.exception("journal d'accès indisponible pour l'erreur %s", ref)
    return ref


def executer(page: Callable[[], object], titre: str, db: Path | None,
             utilisateur: acces.Utilisateur | None) -> None:
    """Exécute ``page`` (``st.navigation(...).run``) ; une exception imprévue devient le message français
    (référence, journaux), une :class:`VigieError` montre son propre message, déjà écrit pour la personne."""
    try:
        page()
    except VigieError as err:  # une erreur du projet parle déjà français à la personne (models/errors.py)
        JOURNAL.warning("page « %s » : %s", titre, err)
        st.error(str(err), icon=":material/error:")
    except Exception as err:  # noqa: BLE001 — le filet de toutes les pages ; st.rerun/st.stop passent
        st.error(MESSAGE.format(reference=consigner(err, titre, db, utilisateur)), icon=":material/error:")
