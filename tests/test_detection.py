"""La sorte d'un fichier reconnue à son contenu (connectors/detection.py) : chaque sorte sur les fichiers
écrits à la main, jamais une autre sorte que la bonne sur le corpus, et un « je ne sais pas » dit en
français quand le contenu est ambigu ou inconnu."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import SOURCES
from connectors.detection import Detection, detecter
from tests.conftest import FIXTURES

CORPUS = Path(__file__).parent / "corpus"


def _detecter(chemin: Path) -> Detection:
    return detecter(chemin.name, chemin.read_bytes())


@pytest.mark.parametrize(("fichier", "sorte", "indice"), [
    ("pronote/eleves_bom.csv", "pronote-eleves", "Né(e) le"),
    ("pronote/eleves_cp1252.csv", "pronote-eleves", "Né(e) le"),  # Windows-1252
    ("pronote/MATHEMATIQUES.csv", "pronote-notes", "Devoir du 03/10/2025 - DS1"),
    ("pronote/ANGLAIS LV1.csv", "pronote-notes", "Devoir du 02/12/2025"),
    ("pronote/FRANCAIS.csv", "pronote-notes", "Devoir du 05/01/2026"),
    ("pronote/resultats_3A.csv", "pronote-resultats", "Moyenne générale"),
    ("pronote/resultats_cp1252.csv", "pronote-resultats", "Moy. gén."),
    ("pronote_suivi/absences_evenements.csv", "pronote-absences", "Du"),
    ("pronote_suivi/absences_cp1252.csv", "pronote-absences", "Au"),
    ("pronote_suivi/absences_par_eleve.csv", "pronote-absences", "NJ"),  # synthèse par élève
    ("pronote_suivi/retards.csv", "pronote-absences", "Durée (min)"),  # liste des retards
    ("pronote_suivi/competences_niveaux.csv", "pronote-competences", "Item"),
    ("pronote_suivi/competences_grille.csv", "pronote-competences", "CPD_FRA"),  # grille, dates en 3e ligne
    ("pronote_suivi/punitions_cp1252.csv", "pronote-punitions", "Nature"),
    ("pix/collecte_profils.csv", "pix", "ID Campagne"),
    ("pix/collecte_profils_ancien.csv", "pix", "ID Campagne"),
    ("pix/evaluation.csv", "pix", "Nom du Participant"),
    ("pix/evaluation_ancien.csv", "pix", "Nom du Participant"),
    ("lsu/valide.xml", "lsu", "lsun-bilans"),
    ("lsu/bombe.xml", "lsu", "lsun-bilans"),  # DOCTYPE avant la racine : le connecteur refusera l'entité
])
def test_chaque_sorte_reconnue(fichier: str, sorte: str, indice: str) -> None:
    d = _detecter(FIXTURES / fichier)
    assert (d.sorte, d.candidates) == (sorte, (sorte,)), d.raison
    assert indice in d.raison  # l'indice est dit à la personne, en toutes lettres


def test_etablissement_et_tableur() -> None:
    toml = b'[etablissement]\nuai = "0750001A"\nnom = "Coll\xc3\xa8ge"\n\n[[periodes]]\nnom = "Trimestre 1"\n'
    assert detecter("etab.toml", toml).sorte == "etablissement"
    # mal écrit : reconnu à ses sections, le connecteur dira où il est mal écrit
    assert _detecter(CORPUS / "etablissement" / "toml_casse.toml").sorte == "etablissement"
    assert _detecter(CORPUS / "tableur" / "xlsx_casse.xlsx").sorte == "tableur"
    assert _detecter(CORPUS / "tableur" / "bombe_repetition.ods").sorte == "tableur"


def test_correspondance_de_tableur_n_est_pas_a_importer() -> None:
    d = _detecter(FIXTURES / "tableur" / "competences_longues.toml")
    assert d.sorte is None and not d.candidates and "correspondance de tableur" in d.raison


def test_csv_de_tableur_jamais_devine() -> None:
    """Les colonnes d'un tableur sont libres : un CSV qui n'a les marques d'aucun export est inconnu."""
    d = _detecter(FIXTURES / "tableur" / "competences_longues.csv")
    assert d.sorte is None and not d.candidates
    assert d.raison.startswith("aucune sorte connue n'a ces colonnes : « Nom », « Prénom »")


@pytest.mark.parametrize("sorte", [s for s in SOURCES if (CORPUS / s).is_dir()])
def test_corpus_jamais_une_autre_sorte(sorte: str) -> None:
    """Sur les fichiers invalides du corpus : la bonne sorte (son connecteur dira ce qui ne va pas) ou
    « inconnu », jamais une autre sorte."""
    vus = {p.name: _detecter(p) for p in sorted((CORPUS / sorte).iterdir())}
    autres = {nom: d.candidates for nom, d in vus.items() if d.candidates and d.candidates != (sorte,)}
    assert not autres
    assert any(d.sorte == sorte for d in vus.values())


def test_ambigu_nomme_les_sortes_possibles() -> None:
    """Une moyenne générale (résultats) et des items évalués (compétences) dans le même fichier : la
    détection ne choisit pas."""
    contenu = "Élève;Classe;Moyenne générale;Item;Niveau\nDUPONT Jean;3A;12,5;Lire;A\n".encode()
    d = detecter("export.csv", contenu)
    assert d.sorte is None and d.ambigue
    assert set(d.candidates) == {"pronote-resultats", "pronote-competences"}
    assert "plusieurs sortes" in d.raison and "« Moyenne générale »" in d.raison


@pytest.mark.parametrize(("contenu", "raison"), [
    (b"", "le fichier est vide"),
    (b"   \n", "le fichier est vide"),
    (b"\x00\x01\x02binaire\x00" * 10, "pas un texte"),
    ("Family name;First name;Born\nDupont;Jean;2011-03-04\n".encode(), "« Family name », « First name »"),
    (b'<?xml version="1.0"?>\n<bilans><eleve/></bilans>', "racine « bilans », pas « lsun-bilans »"),
    (b"PK\x03\x04rest", "archive zip"),
])
def test_inconnu_dit_pourquoi(contenu: bytes, raison: str) -> None:
    d = detecter("x.csv", contenu)
    assert d.sorte is None and not d.candidates and not d.ambigue
    assert raison in d.raison


def test_ne_lit_que_le_debut() -> None:
    """Un gros export : seul le début compte (les en-têtes), même coupé au milieu d'un caractère."""
    tete = (FIXTURES / "pronote" / "eleves_bom.csv").read_bytes()
    gros = tete + "\"ÉLÈVE\";\"Zoé\";01/01/2011;F;3A;;;;;;\n".encode() * 20_000
    assert detecter("eleves.csv", gros).sorte == "pronote-eleves"


def test_chaque_fichier_de_l_ecole_synthetique(tmp_path: Path) -> None:
    """Les fichiers que l'école synthétique écrit aux formats réels (variantes des producteurs comprises,
    sample_data/) : chacun reconnu comme la sorte sous laquelle ``vigie demo`` l'importe."""
    from sample_data.generateur import ecrire_ecole, generer

    plan = ecrire_ecole(generer(3, eleves=80), tmp_path)
    vus = {}
    for entree in plan:
        sorte, chemin, _ = entree
        vus[chemin.name] = (sorte, detecter(chemin.name, chemin.read_bytes()).sorte)
    assert {nom: v for nom, v in vus.items() if v[0] != v[1]} == {}
    assert {s for s, _ in vus.values()} >= {"etablissement", "pronote-eleves", "pronote-notes", "pronote-resultats",
                                           "pronote-competences", "pronote-absences", "pronote-punitions", "pix",
                                           "lsu", "tableur"}
