"""La description de l'établissement : UAI, périodes, familles et coefficients des matières."""

from __future__ import annotations

import pytest

from connectors import lire
from models.errors import ImportRejected

VALIDE = """
[etablissement]
uai = "0750001A"
nom = "Cité scolaire Jean Moulin"

[[periodes]]
nom = "Trimestre 1"
annee = "2025-2026"
debut = 2025-09-01
fin = 2025-11-30

[[matieres]]
libelle = "ENSEIGNEMENT PROFESSIONNEL"
famille = "professionnel"
coefficient = 4
"""


def test_lecture_et_import(wh, tmp_path):
    f = tmp_path / "etablissement.toml"
    f.write_text(VALIDE, encoding="utf-8")
    lot = lire("etablissement", f)
    assert lot.etablissement.uai == "0750001A" and lot.periodes[0].nom == "Trimestre 1"
    res = wh.importer(lot)
    assert res.statut == "reussi"
    assert wh.sql("SELECT famille, coefficient FROM matieres").row(0) == ("professionnel", 4.0)
    assert wh.importer(lot).lignes_inserees == 0  # idempotent


@pytest.mark.parametrize(
    "remplacement, attendu",
    [
        (('uai = "0750001A"', 'uai = "75"'), "etablissement"),
        (("fin = 2025-11-30", "fin = 2025-08-30"), "periodes n°1"),
        (('famille = "professionnel"', 'famille = "pro"'), "matieres n°1"),
        (("[[periodes]]", "[[periodes]"), "TOML invalide"),
    ],
)
def test_refus_clairs(tmp_path, remplacement, attendu):
    f = tmp_path / "etablissement.toml"
    f.write_text(VALIDE.replace(*remplacement), encoding="utf-8")
    with pytest.raises(ImportRejected, match=attendu) as err:
        lire("etablissement", f)
    assert "etablissement.toml" in str(err.value)
