"""Une erreur sur une page (issue 22) : un message en français, la trace au journal, jamais à l'écran."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import polars as pl
import pytest
from streamlit import config
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from dashboard import erreurs
from models import acces
from tests.test_dashboard_pages import DIRECTION, ecole, ecole_db, ouvrir  # noqa: F401 (fixtures)

RACINE = Path(__file__).resolve().parents[1]


def _textes(at) -> str:  # noqa: ANN001
    return "\n".join(str(e.value) for sorte in ("markdown", "error", "warning", "info", "caption", "exception",
                                                   "code", "text") for e in at.get(sorte))


@pytest.mark.erreur_de_page
def test_une_page_qui_plante_affiche_un_message_francais_et_consigne_l_erreur(ecole: Path, monkeypatch, caplog):
    from dashboard import charts

    def casse(*_a, **_k):
        raise RuntimeError("détail interne : LOPEZ Inès, SELECT * FROM eleves")

    monkeypatch.setattr(charts, "boites", casse)
    with caplog.at_level(logging.ERROR, logger="vigie.tableau_de_bord"):
        erreurs.JOURNAL.propagate = True  # caplog écoute la racine
        try:
            at = ouvrir("classe")  # vérifie aussi : aucune exception remontée à Streamlit
        finally:
            erreurs.JOURNAL.propagate = False
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("**Une erreur est survenue sur cette page ; elle a été enregistrée dans le journal**")
    assert "Rechargez la page" in message
    reference = message.split("(référence ")[1].split(")")[0]
    ecran = _textes(at)
    for interdit in ("Traceback", "RuntimeError", "LOPEZ", "SELECT", "File \"", "Ask Google", "ChatGPT"):
        assert interdit not in ecran, interdit
    # Ce qui précède l'erreur reste affiché (le titre, les sélecteurs).
    assert [t.value for t in at.title] == ["Classe"]
    # Journal du serveur : la trace complète, sous la même référence.
    enregistrement = next(r for r in caplog.records if r.name == "vigie.tableau_de_bord")
    assert reference in enregistrement.getMessage() and "Classe" in enregistrement.getMessage()
    assert enregistrement.exc_info and "LOPEZ" in str(enregistrement.exc_info[1])
    # Journal d'accès : qui, quelle page, quelle sorte d'erreur (sans le détail).
    ligne = acces.lire_audit(ecole).filter(pl.col("action") == "erreur").row(-1, named=True)
    assert ligne["utilisateur"] == DIRECTION.identifiant
    assert ligne["objet"] == f"Classe — RuntimeError (référence {reference})"


@pytest.mark.parametrize("controle", [StopException(), RerunException(None)])
def test_st_stop_et_st_rerun_ne_sont_pas_attrapes(controle: BaseException) -> None:
    def page() -> None:
        raise controle

    with pytest.raises(type(controle)):
        erreurs.executer(page, "Classe", None, None)


def test_streamlit_ne_montre_ni_trace_ni_liens(ecole: Path) -> None:
    """``client.showErrorDetails = "none"`` : dans la configuration servie par ``vigie serve`` (cwd = dépôt)
    et posé par le point d'entrée lui-même (``streamlit run`` d'ailleurs, AppTest)."""
    reglage = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert reglage["client"]["showErrorDetails"] == "none"
    ouvrir("accueil")
    assert config.get_option("client.showErrorDetails") == "none"


def test_une_erreur_du_projet_montre_son_propre_message(ecole: Path, monkeypatch) -> None:
    """Une :class:`VigieError` est écrite pour la personne (models/errors.py) : elle s'affiche telle quelle."""
    from dashboard import charts
    from models.errors import VigieError

    def refuse(*_a, **_k):
        raise VigieError("Réglage invalide (reglages.toml) : « notes.bareme » doit être positif")

    monkeypatch.setattr(charts, "boites", refuse)
    at = ouvrir("classe")
    assert [e.value for e in at.error] == ["Réglage invalide (reglages.toml) : « notes.bareme » doit être positif"]
