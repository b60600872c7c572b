"""Rôles et périmètres : chaque rôle voit exactement son périmètre, dans les vues elles-mêmes."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from models import acces
from models.acces import Utilisateur, restreindre
from models.errors import VigieError
from models.records import Absence, Devoir, Evaluation, Note, RefEleve, StatutAbsence
from models.warehouse import ecriture, lecture

from .conftest import ELEVES, PERIODES, lot

D = Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), titre="DS1")


@pytest.fixture
def base(ecole, tmp_path):
    refs = {e.classe + e.nom: RefEleve(nom=e.nom, prenom=e.prenom, classe=e.classe) for e in ELEVES}
    notes = [Note(eleve=r, devoir=D.model_copy(update={"classe": r.classe}), valeur=12) for r in refs.values()]
    absences = [Absence(eleve=r, debut=dt.datetime(2025, 10, 6, 8), fin=dt.datetime(2025, 10, 6, 12),
                        demi_journees_brutes=1, statut=StatutAbsence.NON_JUSTIFIEE) for r in refs.values()]
    evals = [Evaluation(eleve=r, referentiel="ULIS", domaine="Lire", item="Lire un texte court", niveau=2,
                        libelle_source="En cours", date=dt.date(2025, 10, 10)) for r in refs.values()]
    r = ecole.importer(lot(tmp_path, "x", "donnees", notes=notes, absences=absences, evaluations=evals))
    assert r.statut == "reussi", r.message
    return ecole


def _classes(wh, vue):
    return sorted(set(wh.sql(f"SELECT e.classe FROM {vue} v JOIN eleves e USING (eleve_id)")["classe"]))


def test_direction_voit_tout(base):
    restreindre(base.con, Utilisateur("d", "direction"))
    assert base.valeur("SELECT count(*) FROM notes") == 5
    assert base.valeur("SELECT count(*) FROM eleves_accompagnement") == 3  # PAP, ULIS, PPS


def test_professeur_principal_ses_classes_et_amenagements_seulement(base):
    restreindre(base.con, Utilisateur("pp", "professeur_principal", classes=("3A",)))
    assert _classes(base, "notes") == ["3A"] and _classes(base, "absences") == ["3A"]
    assert base.valeur("SELECT count(*) FROM eleves") == 3
    assert base.sql("SELECT accompagnement FROM eleves_accompagnement")["accompagnement"].to_list() == ["amenagements"]


def test_enseignant_sans_vie_scolaire(base):
    restreindre(base.con, Utilisateur("e", "enseignant", classes=("3B", "2 MELEC")))
    assert _classes(base, "notes") == ["2 MELEC", "3B"]
    assert base.valeur("SELECT count(*) FROM absences") == 0
    assert base.valeur("SELECT count(*) FROM eleves_accompagnement") == 0


def test_cpe_tous_les_eleves_sans_les_notes(base):
    restreindre(base.con, Utilisateur("c", "cpe"))
    assert base.valeur("SELECT count(*) FROM absences") == 5
    assert base.valeur("SELECT count(*) FROM notes") == 0
    assert base.valeur("SELECT count(*) FROM competences") == 0


def test_coordonnateur_ulis_les_eleves_ulis(base):
    restreindre(base.con, Utilisateur("u", "coordonnateur_ulis"))
    assert _classes(base, "competences") == ["2 MELEC"]
    assert base.valeur("SELECT count(*) FROM absences") == 0
    assert set(base.sql("SELECT accompagnement FROM eleves_accompagnement")["accompagnement"]) == {"ULIS", "PPS"}


def test_lecture_restreinte_sur_fichier(tmp_path):
    db = tmp_path / "v.duckdb"
    with ecriture(db) as wh:
        wh.importer(lot(tmp_path, "r", "e", effectif=True, eleves=ELEVES, periodes=PERIODES))
    with lecture(db, utilisateur=Utilisateur("pp", "professeur_principal", classes=("3B",))) as wh:
        assert wh.sql("SELECT nom FROM eleves")["nom"].to_list() == ["MARTIN"]


def test_comptes_argon2_et_mode_600(tmp_path):
    db = tmp_path / "v.duckdb"
    u = acces.ajouter_compte(db, "mdupont", "professeur_principal", "un mot de passe sûr", classes=("3A",))
    chemin = acces.fichier_comptes(db)
    assert stat.S_IMODE(os.stat(chemin).st_mode) == 0o600
    contenu = chemin.read_text()
    assert "un mot de passe sûr" not in contenu and "$argon2id$" in contenu
    assert acces.authentifier(db, "mdupont", "un mot de passe sûr") == u
    assert acces.authentifier(db, "mdupont", "faux") is None
    assert acces.authentifier(db, "personne", "un mot de passe sûr") is None
    with pytest.raises(VigieError, match="au moins une classe"):
        acces.ajouter_compte(db, "x", "enseignant", "un mot de passe sûr")
    with pytest.raises(VigieError, match="10 caractères"):
        acces.ajouter_compte(db, "x", "cpe", "court")
    acces.retirer_compte(db, "mdupont")
    assert acces.comptes(db) == []


def test_journal_d_acces(tmp_path):
    db = tmp_path / "v.duckdb"
    u = Utilisateur("cpe1", "cpe")
    acces.journaliser(db, u, "consultation", "Absences")
    acces.journaliser(db, u, "export", "absences.csv")
    df = acces.lire_audit(db)
    assert df["action"].to_list() == ["export", "consultation"]
    assert stat.S_IMODE(os.stat(acces.fichier_audit(db)).st_mode) == 0o600


def test_un_eleve_parti_n_est_plus_vu_par_le_professeur_principal_de_sa_classe(base, tmp_path):
    """Un élève de 3A en 2024-2025 qui ne figure sur aucune liste de 2025-2026 a quitté l'établissement :
    sa « classe actuelle » reste 3A (celle de sa dernière année ici, vue ``eleves``), mais le professeur
    principal de la 3A de cette année ne le voit pas, ni par la recherche, ni dans l'effectif (trouvé en
    essai : l'accueil comptait 54 élèves en 3A pour 27, et la recherche montrait un ancien élève). La
    direction et le CPE gardent l'historique de l'établissement ; ``actuel`` le distingue."""
    from models.records import Eleve
    parti = Eleve(nom="ANCIEN", prenom="Paul", classe="3A", date_naissance=dt.date(2010, 5, 5),
                  accompagnement=frozenset({"ULIS"}))
    r = base.importer(lot(tmp_path, "pronote-eleves", "2024", effectif=True, annee="2024-2025", eleves=[parti]))
    assert r.statut == "reussi", r.message
    assert base.sql("SELECT nom, classe, actuel FROM eleves WHERE nom = 'ANCIEN'").rows() == [("ANCIEN", "3A", False)]
    restreindre(base.con, Utilisateur("pp", "professeur_principal", classes=("3A",)))
    assert sorted(base.sql("SELECT nom FROM eleves")["nom"]) == ["DUPONT", "LEFÈVRE", "N'DIAYE"]
    restreindre(base.con, Utilisateur("u", "coordonnateur_ulis"))
    assert base.sql("SELECT nom FROM eleves")["nom"].to_list() == ["MARTIN"]
    restreindre(base.con, Utilisateur("c", "cpe"))
    assert base.valeur("SELECT count(*) FROM eleves WHERE nom = 'ANCIEN'") == 1
