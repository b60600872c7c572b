"""Rapprochement des élèves entre sources : accents, casse, apostrophes, ordre, prénoms multiples."""

from __future__ import annotations

import pytest

from models.matching import Annuaire, EleveConnu, cle_classe, cle_nom
from models.records import RefEleve

ANNUAIRE = Annuaire(
    [
        EleveConnu("E1", "LEFÈVRE", "Chloé Anne", "3A"),
        EleveConnu("E2", "N'DIAYE", "Aïssa", "3A"),
        EleveConnu("E3", "DUPONT", "Jean-Marie", "3A"),
        EleveConnu("E4", "MARTIN", "Lucas", "3B"),
        EleveConnu("E5", "MARTIN", "Lucas", "2 MELEC", ine="123456789AB"),
        EleveConnu("E6", "DUPOND", "Léa", "3B"),
    ]
)


def test_cle_nom():
    assert cle_nom("  Lefèvre-D’Almeida ") == "lefevre dalmeida"
    assert cle_nom("N'DIAYE") == cle_nom("n’diaye") == cle_nom("ndiaye") == "ndiaye"
    assert cle_nom("Œuvrard") == "oeuvrard"
    assert cle_classe("3e A") == cle_classe("3EA") != cle_classe("3 B")


@pytest.mark.parametrize(
    "ref, attendu, methode",
    [
        (RefEleve(nom="lefevre", prenom="chloe anne", classe="3A"), "E1", "exact"),
        (RefEleve(nom_complet="Chloé LEFEVRE", classe="3A"), "E1", "exact"),  # ordre et prénom seul
        (RefEleve(nom_complet="LEFÈVRE Chloé", classe="3A"), "E1", "exact"),
        (RefEleve(nom="N’Diaye", prenom="aissa", classe="3A"), "E2", "exact"),  # apostrophe typographique
        (RefEleve(nom_complet="ndiaye aissa", classe="3A"), "E2", "exact"),  # apostrophe omise (Pix)
        (RefEleve(nom="DUPONT", prenom="Jean Marie", classe="3A"), "E3", "exact"),  # trait d'union
        (RefEleve(nom="MARTIN", prenom="Lucas", classe="3B"), "E4", "exact"),  # homonyme : la classe tranche
        (RefEleve(nom="MARTIN", prenom="Lucas", classe="2 MELEC"), "E5", "exact"),
        (RefEleve(nom="x", ine="123456789ab"), "E5", "ine"),
        (RefEleve(nom="lefevre", prenom="chloe", classe="3e A"), "E1", "exact"),  # classe écrite autrement
        (RefEleve(nom="Lefevbre", prenom="Chloé", classe="3A"), "E1", "approche"),  # faute de frappe
        (RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="4C"), "E3", "exact"),  # changé de classe
    ],
)
def test_rapprochement(ref, attendu, methode):
    r = ANNUAIRE.rapprocher(ref)
    assert (r.eleve_id, r.methode) == (attendu, methode)


def test_homonymes_sans_classe_ne_sont_pas_devines():
    r = ANNUAIRE.rapprocher(RefEleve(nom="MARTIN", prenom="Lucas"))
    assert r.eleve_id is None and len(r.candidats) == 2


def test_inconnu_avec_les_plus_proches():
    r = ANNUAIRE.rapprocher(RefEleve(nom="DUPONS", prenom="Lia", classe="3B"))
    assert r.eleve_id is None
    assert r.candidats and r.candidats[0].startswith("DUPOND Léa (3B)")


def test_prenoms_multiples_partiel():
    a = Annuaire([EleveConnu("E9", "ROUSSEAU", "Marie Claire Louise", "5B")])
    r = a.rapprocher(RefEleve(nom_complet="ROUSSEAU Claire", classe="5B"))
    assert (r.eleve_id, r.methode) == ("E9", "partiel")


def test_nom_exact_dans_une_autre_classe_avant_une_ressemblance_dans_la_classe() -> None:
    """Les notes de l'an dernier portent l'ancienne classe : « DUPONT Jean » (passé en 1A) n'est pas
    « DUPONT Jeanne », restée en 2A, même si leurs noms se ressemblent à plus de 86 %."""
    a = Annuaire([EleveConnu("E1", "DUPONT", "Jean", "1A"), EleveConnu("E2", "DUPONT", "Jeanne", "2A")])
    r = a.rapprocher(RefEleve(nom_complet="DUPONT Jean", classe="2A"))
    assert (r.eleve_id, r.methode) == ("E1", "exact")
    # sans homonyme exact ailleurs, la ressemblance dans la classe reste la règle
    r = a.rapprocher(RefEleve(nom_complet="DUPONT Jeane", classe="2A"))
    assert (r.eleve_id, r.methode) == ("E2", "approche")
