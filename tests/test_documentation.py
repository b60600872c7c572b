"""La documentation suit le code : une vue publique, une sous-commande ou une sorte non documentée échoue."""

from __future__ import annotations

import re
from pathlib import Path

import connectors
from models import schema
from vigie_cli import parser

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_demarrage_rapide_en_deux_commandes():
    bloc = README.split("## Démarrage rapide", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commandes = [l.split("#")[0].strip() for l in bloc.strip().splitlines()]
    assert commandes == ["make demo", "make test"]


def test_chaque_vue_publique_est_documentee(wh):
    vues = {r[0] for r in wh.con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
        "AND view_name NOT LIKE 't\\_%' ESCAPE '\\'").fetchall()}  # t_* : internes, comme les tables
    assert set(schema.VUES) <= vues
    for vue in vues:
        section = README.split("## Vues publiques", 1)[1].split("\n## ", 1)[0]
        ligne = re.search(rf"^\| `{vue}` \| (.+) \|$", section, re.M)
        assert ligne, f"vue « {vue} » absente du README"
        colonnes = wh.sql(f"SELECT * FROM {vue} LIMIT 0").columns
        for c in colonnes:
            assert c in ligne.group(1), f"colonne {vue}.{c} absente du README"


def test_chaque_sous_commande_est_documentee():
    sous = next(a for a in parser()._actions if a.dest == "commande")
    for nom in sous.choices:
        assert f"`vigie {nom}" in README, f"vigie {nom} absent du README"


def test_chaque_sorte_d_import_est_documentee():
    for sorte in connectors.SOURCES:
        assert f"| `{sorte}` |" in README, f"sorte « {sorte} » absente du README"


def test_chaque_reglage_figure_dans_le_fichier_par_defaut_commente():
    import tomllib

    from pydantic import BaseModel

    from models.reglages import DEFAUT, Reglages

    texte = DEFAUT.read_text(encoding="utf-8")
    fichier = tomllib.loads(texte)

    def verifier(modele: type[BaseModel], donnees: dict, chemin: str) -> None:
        for nom, champ in modele.model_fields.items():
            cle = champ.alias or nom
            assert cle in donnees, f"réglage {chemin}{cle} absent de {DEFAUT.name}"
            sous = champ.annotation
            if isinstance(sous, type) and issubclass(sous, BaseModel):
                verifier(sous, donnees[cle], f"{chemin}{cle}.")

    verifier(Reglages, fichier, "")
    # Chaque section est précédée ou suivie d'un commentaire qui l'explique.
    assert texte.count("\n# ") >= len(Reglages.model_fields) * 2
