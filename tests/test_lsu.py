"""Connecteur LSU : lecture des bilans, refus des fichiers dangereux ou invalides, aller-retour avec
l'écrivain de l'école synthétique, import dans l'entrepôt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from connectors import lire as lire_sorte
from connectors import lsu
from models.errors import ImportRejected
from models.records import (
    COMPOSANTES_SOCLE,
    Eleve,
    Etablissement,
    Evaluation,
    MoyenneSource,
    Periode,
    RefEleve,
    StatutCompetence,
)
from sample_data.ecrire_lsu import ecrire_lsu
from tests.conftest import ELEVES, FIXTURES, PERIODES

DOSSIER = FIXTURES / "lsu"


def test_lit_bilans_de_cycle_et_periodiques() -> None:
    lot = lsu.lire(DOSSIER / "valide.xml")
    assert lot.source == "lsu"
    assert lot.lignes_lues == 4  # 2 bilans périodiques + 2 bilans de cycle
    cycle = [e for e in lot.evaluations if e.contexte == "LSU bilan de cycle 4"]
    assert len(cycle) == 16
    dupont = {e.domaine: e for e in cycle if e.eleve.nom == "DUPONT"}
    assert list(dupont) == list(COMPOSANTES_SOCLE)
    assert dupont["CPD_SCI"].niveau == 4 and dupont["CPD_SCI"].libelle_source == "4"
    assert dupont["SYS_NAT"].niveau == 1
    assert dupont["CPD_ETR"].statut == StatutCompetence.DISPENSE and dupont["CPD_ETR"].niveau is None
    assert dupont["MET_APP"].item == "Les méthodes et outils pour apprendre"
    assert dupont["MET_APP"].date == dt.date(2026, 6, 20)
    assert dupont["MET_APP"].referentiel == "socle"
    assert dupont["MET_APP"].eleve == RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A", ligne=13)
    periodique = [e for e in lot.evaluations if e.contexte == "LSU Trimestre 1"]
    assert [(e.domaine, e.niveau, e.periode, e.date) for e in periodique] == [
        ("CPD_FRA", 2, "Trimestre 1", dt.date(2025, 11, 30))
    ]


def test_moyennes_et_periodes() -> None:
    lot = lsu.lire(DOSSIER / "valide.xml")
    moy = {(m.eleve.nom, m.periode, m.matiere): m for m in lot.moyennes}
    assert len(moy) == 3
    maths = moy[("DUPONT", "Trimestre 1", "MATHEMATIQUES")]
    assert (maths.moyenne, maths.moyenne_classe, maths.source) == (12.5, 11.25, "lsu")
    assert moy[("DUPONT", "Trimestre 1", "FRANCAIS")].moyenne is None  # élève non noté : jamais 0
    assert moy[("MARTIN", "Trimestre 2", "MATHEMATIQUES")].moyenne == 8.0
    assert lot.periodes == [
        Periode(nom="Trimestre 1", annee="2025-2026", debut=dt.date(2025, 9, 1), fin=dt.date(2025, 11, 30)),
        Periode(nom="Trimestre 2", annee="2025-2026", debut=dt.date(2025, 12, 1), fin=dt.date(2026, 3, 8)),
    ]


@pytest.mark.parametrize("fichier", ["bombe.xml", "entite_externe.xml"])
def test_bombe_et_entite_externe_refusees_sans_expansion(fichier: str) -> None:
    with pytest.raises(ImportRejected) as err:
        lsu.lire(DOSSIER / fichier)
    assert err.value.fichier == fichier
    assert err.value.ligne == 2  # la déclaration DOCTYPE, avant toute expansion
    assert "DTD ou des entités" in str(err.value)
    assert "root:" not in str(err.value)  # /etc/passwd n'a pas été lu


def test_positionnement_zero_hors_langue_refuse() -> None:
    with pytest.raises(ImportRejected) as err:
        lsu.lire(DOSSIER / "positionnement_zero.xml")
    assert (err.value.fichier, err.value.ligne, err.value.colonne) == (
        "positionnement_zero.xml", 59, "positionnement"
    )
    assert "CPD_FRA" in err.value.raison


def _remplace(tmp_path: Path, avant: str, apres: str) -> Path:
    texte = (DOSSIER / "valide.xml").read_text(encoding="utf-8")
    assert avant in texte
    f = tmp_path / "modifie.xml"
    f.write_text(texte.replace(avant, apres, 1), encoding="utf-8")
    return f


@pytest.mark.parametrize(
    ("avant", "apres", "ligne", "colonne", "morceau"),
    [
        ('code="SYS_NAT" positionnement="1"', 'code="SYS_NAT" positionnement="5"', 52, "positionnement", "« 5 »"),
        ('code="SYS_NAT" positionnement="1"', 'code="SYS_NAT" positionnement="A"', 52, "positionnement", "« A »"),
        ('code="SYS_NAT" positionnement="1"', 'code="SYS_TEC" positionnement="1"', 52, "code", "SYS_TEC"),
        ('code="SYS_NAT" positionnement="1"', 'code="CPD_FRA" positionnement="1"', 52, "code", "deux fois"),
        ('eleve-ref="EL_2" cycle="4"', 'eleve-ref="EL_9" cycle="4"', 57, "eleve-ref", "EL_9"),
        # MoyenneAlphanumerique : 1 à 8 caractères ; « huit » s'importe sans moyenne (test_conformite_lsu)
        ('moyenne-eleve="8/20"', 'moyenne-eleve="huit sur vingt"', 39, "moyenne-eleve", "huit sur vingt"),
        ('date-creation="2026-06-20"', 'date-creation="20/06/2026"', 44, "date-creation", "20/06/2026"),
        ('periode-ref="P_02"', 'periode-ref="P_07"', 37, "periode-ref", "P_07"),
    ],
)
def test_refus_nomme_ligne_et_attribut(
    tmp_path: Path, avant: str, apres: str, ligne: int, colonne: str, morceau: str
) -> None:
    with pytest.raises(ImportRejected) as err:
        lsu.lire(_remplace(tmp_path, avant, apres))
    assert (err.value.ligne, err.value.colonne) == (ligne, colonne)
    assert morceau in err.value.raison


def test_xml_mal_forme_et_autre_racine(tmp_path: Path) -> None:
    f = _remplace(tmp_path, "</bilans-cycle>", "</bilans-cycles>")
    with pytest.raises(ImportRejected) as err:
        lsu.lire(f)
    assert err.value.ligne == 70 and "mal formé" in err.value.raison
    autre = tmp_path / "autre.xml"
    autre.write_text('<?xml version="1.0"?>\n<bulletin xmlns="urn:x"/>\n', encoding="utf-8")
    with pytest.raises(ImportRejected, match="pas un fichier LSU"):
        lsu.lire(autre)
    binaire = tmp_path / "binaire.xml"
    binaire.write_bytes(b"\x00\x01PK\x03\x04")
    with pytest.raises(ImportRejected):
        lsu.lire(binaire)


# --- Écrivain de l'école synthétique : aller-retour ---------------------------------------------------


def _ref(e: Eleve) -> RefEleve:
    return RefEleve(nom=e.nom, prenom=e.prenom, classe=e.classe)


def _socle(e: Eleve, niveaux: dict[str, int | None]) -> list[Evaluation]:
    return [
        Evaluation(
            eleve=_ref(e), referentiel="socle", domaine=code, item=COMPOSANTES_SOCLE[code], niveau=n,
            libelle_source=str(n or 0), statut=StatutCompetence.DISPENSE if n is None else StatutCompetence.EVALUE,
            date=dt.date(2026, 6, 19), contexte="LSU bilan de cycle 4",
        )
        for code, n in niveaux.items()
    ]


def _ecrire(tmp_path: Path, **vie_scolaire) -> Path:
    dupont, lefevre, _, martin, _ = ELEVES
    niveaux = dict(zip(COMPOSANTES_SOCLE, [3, None, 4, 2, 3, 3, 1, 2]))
    evaluations = _socle(dupont, niveaux) + _socle(lefevre, {c: 4 for c in COMPOSANTES_SOCLE})
    moyennes = [
        MoyenneSource(eleve=_ref(dupont), periode="Trimestre 1", matiere="MATHEMATIQUES", moyenne=12.5,
                      moyenne_classe=11.0),
        MoyenneSource(eleve=_ref(dupont), periode="Trimestre 1", matiere="FRANÇAIS", moyenne=None),
        MoyenneSource(eleve=_ref(martin), periode="Trimestre 2", matiere="MATHEMATIQUES", moyenne=7.25),
        MoyenneSource(eleve=_ref(martin), periode="Trimestre 2", matiere=None, moyenne=9.0),  # générale : non écrite
    ]
    f = tmp_path / "lsu.xml"
    ecrire_lsu(f, Etablissement(uai="0750001A", nom="Cité scolaire"), PERIODES, ELEVES[:4], evaluations, moyennes,
               **vie_scolaire)
    return f


def test_aller_retour_ecrivain_lecteur(tmp_path: Path) -> None:
    lot = lsu.lire(_ecrire(tmp_path))
    assert not lot.anomalies
    dupont = {e.domaine: (e.niveau, e.statut.value) for e in lot.evaluations if e.eleve.nom == "DUPONT"}
    assert dupont == {
        "CPD_FRA": (3, "evalue"), "CPD_ETR": (None, "dispense"), "CPD_SCI": (4, "evalue"),
        "CPD_ART": (2, "evalue"), "MET_APP": (3, "evalue"), "FRM_CIT": (3, "evalue"),
        "SYS_NAT": (1, "evalue"), "REP_MND": (2, "evalue"),
    }
    assert {e.date for e in lot.evaluations} == {dt.date(2026, 6, 19)}
    # 3B, dernière classe, est écrite « sans notes » : un positionnement seul (7,25 → 1)
    assert sorted((m.eleve.nom, m.periode, m.matiere, m.moyenne, m.moyenne_classe, m.positionnement)
                  for m in lot.moyennes if m.matiere) == [
        ("DUPONT", "Trimestre 1", "FRANÇAIS", None, None, None),
        ("DUPONT", "Trimestre 1", "MATHEMATIQUES", 12.5, 11.0, None),
        ("MARTIN", "Trimestre 2", "MATHEMATIQUES", None, None, "1"),
    ]
    # une appréciation par discipline notée, les « acquis-conseils » de chaque bilan sur la ligne générale
    assert [(m.eleve.nom, m.matiere, m.appreciation) for m in lot.moyennes if m.appreciation] == [
        ("DUPONT", "MATHEMATIQUES", "Travail sérieux, résultats satisfaisants."),
        ("DUPONT", None, "Trimestre satisfaisant ; continuer ainsi."),
        ("MARTIN", "MATHEMATIQUES", "Des difficultés importantes : un travail régulier et de l'aide sont nécessaires."),
        ("MARTIN", None, "Trimestre difficile : il faut reprendre les leçons chaque soir et demander de l'aide."),
    ]
    assert lot.periodes == [PERIODES[0], PERIODES[1]]  # bornes relues depuis les bilans


def test_import_dans_l_entrepot(ecole, tmp_path: Path) -> None:
    lot = lire_sorte("lsu", _ecrire(tmp_path))
    res = ecole.importer(lot)
    assert res.statut == "reussi", res.message
    vue = ecole.sql(
        "SELECT e.nom, c.domaine, c.niveau, c.libelle_source, c.statut, c.date FROM competences c "
        "JOIN eleves e USING (eleve_id) WHERE c.referentiel = 'socle' ORDER BY e.nom, c.domaine"
    )
    assert vue.height == 16
    ligne = vue.filter((vue["nom"] == "DUPONT") & (vue["domaine"] == "CPD_ETR")).row(0)
    assert ligne == ("DUPONT", "CPD_ETR", None, "0", "dispense", dt.date(2026, 6, 19))
    assert vue.filter(vue["nom"] == "LEFÈVRE")["niveau"].to_list() == [4] * 8
    moy = ecole.sql(
        "SELECT e.classe, m.periode, m.matiere, m.moyenne, m.positionnement, m.annee FROM moyennes_pronote m "
        "JOIN eleves e USING (eleve_id) WHERE m.source = 'lsu' AND m.matiere IS NOT NULL ORDER BY e.classe, m.matiere"
    )
    assert moy.rows() == [
        ("3A", "Trimestre 1", "FRANÇAIS", None, None, "2025-2026"),
        ("3A", "Trimestre 1", "MATHEMATIQUES", 12.5, None, "2025-2026"),
        ("3B", "Trimestre 2", "MATHEMATIQUES", None, "1", "2025-2026"),  # 3B : classe sans notes
    ]
    assert ecole.sql("SELECT count(*) AS n FROM appreciations WHERE matiere IS NULL")["n"].to_list() == [2]
    # réimporter le même fichier ne change rien
    deux = ecole.importer(lire_sorte("lsu", lot.fichier))
    assert deux.statut == "reussi" and deux.lignes_inserees == 0 and deux.lignes_mises_a_jour == 0


# --- L'écrivain suit le schéma (import-bilan-complet.xsd, tests/outils/schema_lsu.py) ----------------


def test_l_ecrivain_suit_le_schema(tmp_path: Path) -> None:
    """Le document écrit a tout ce que le schéma exige : enseignants, éléments de programme et leurs
    références dans chaque acquis, vie scolaire de chaque bilan périodique, date-verrou et synthèse de
    chaque bilan de cycle."""
    from models.records import Absence, Retard, StatutAbsence

    from .outils.schema_lsu import erreurs

    dupont = _ref(ELEVES[0])
    absences = [
        Absence(eleve=dupont, debut=dt.datetime(2025, 10, 6, 8), fin=dt.datetime(2025, 10, 6, 17),
                demi_journees_brutes=2, statut=StatutAbsence.JUSTIFIEE),
        Absence(eleve=dupont, debut=dt.datetime(2025, 11, 3, 8), fin=dt.datetime(2025, 11, 3, 12),
                demi_journees_brutes=1, statut=StatutAbsence.NON_JUSTIFIEE),
        Absence(eleve=dupont, debut=dt.datetime(2026, 1, 5, 8), fin=dt.datetime(2026, 1, 5, 12),
                demi_journees_brutes=1, statut=StatutAbsence.NON_JUSTIFIEE),  # trimestre 2 : pas dans T1
    ]
    retards = [Retard(eleve=dupont, date=dt.datetime(2025, 9, 15, 8, 10), minutes=10)]
    f = _ecrire(tmp_path, absences=absences, retards=retards)
    assert erreurs(f) == []
    texte = f.read_text(encoding="utf-8")
    assert '<vie-scolaire nb-retards="1" nb-abs-justifiees="2" nb-abs-injustifiees="1" />' in texte
    assert '<vie-scolaire nb-retards="0" nb-abs-justifiees="0" nb-abs-injustifiees="0" />' in texte  # MARTIN
    assert lsu.lire(f).moyennes == lsu.lire(_ecrire(tmp_path)).moyennes  # la vie scolaire n'est pas reprise


def test_la_verification_du_schema_peut_echouer(tmp_path: Path) -> None:
    """La vérification accepte le document de conformité écrit à la main d'après le schéma, et relève ce
    que l'écrivain oubliait avant (vie-scolaire, enseignant-refs, date-verrou)."""
    from .outils.schema_lsu import erreurs
    from .test_conformite_lsu import ACQUIS, _document

    f = tmp_path / "main.xml"
    f.write_text(_document(ACQUIS), encoding="utf-8")
    assert erreurs(f) == []
    ancien = (_document(ACQUIS).replace('<vie-scolaire nb-retards="1" nb-abs-justifiees="2" nb-abs-injustifiees="0"/>', "")
              .replace(' enseignant-refs="ENS_01"', "").replace(' date-verrou="2026-06-21T06:00:00"', ""))
    f.write_text(ancien, encoding="utf-8")
    assert set(erreurs(f)) == {"<bilan-periodique> sans <vie-scolaire>", "<acquis> sans @enseignant-refs",
                               "<bilan-cycle> sans @date-verrou"}
