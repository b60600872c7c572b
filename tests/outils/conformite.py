"""Les suites de conformité (``tests/test_conformite_*.py``) : un refus passe par le seul chemin d'import
(:func:`connectors.importation.importer`) et ne change rien dans l'entrepôt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.importation import importer
from models.errors import ImportRejected
from models.warehouse import Warehouse


def refuse_sans_rien_changer(wh: Warehouse, sorte: str, chemin: Path, **options: Any) -> ImportRejected:
    """Importe ``chemin`` dans ``wh`` : le fichier doit être refusé, en français, situé dans son fichier,
    consigné « rejete » au journal, et les tables de données doivent rester identiques. Renvoie le refus."""
    avant = wh.empreintes()
    (res,) = importer(wh, [(sorte, Path(chemin), options)])
    assert res.statut == "rejete", f"{chemin.name} aurait dû être refusé"
    assert wh.empreintes() == avant, "un import refusé a modifié l'entrepôt"
    err = res.erreur
    assert isinstance(err, ImportRejected)
    assert f"fichier « {Path(chemin).name} »" in str(err)
    statut = wh.con.execute("SELECT statut FROM imports ORDER BY import_id DESC LIMIT 1").fetchall()
    assert statut == [("rejete",)]
    return err
