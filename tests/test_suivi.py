"""Le suivi (models/suivi.py) : chaque sorte d'entrée, droits par rôle, journal, identité stable,
conservation, commande ``vigie suivi``."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

import polars as pl
import pytest

from models import suivi
from models.acces import Utilisateur, lire_audit, restreindre
from models.errors import VigieError
from models.records import Absence, Eleve, RefEleve, StatutAbsence
from models.warehouse import Warehouse, ecriture, lecture

from .conftest import ELEVES, PERIODES, lot

DIRECTION = Utilisateur("mme.proviseure", "direction", "Mme Proviseure")
CPE = Utilisateur("m.cpe", "cpe", "M. CPE")
PP_3A = Utilisateur("pp3a", "professeur_principal", "PP 3A", classes=("3A",))
PROF = Utilisateur("prof", "enseignant", "Prof", classes=("3A",))
ULIS = Utilisateur("ulis", "coordonnateur_ulis", "Coordo")
JOUR = dt.date(2025, 10, 8)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "vigie.duckdb"


def _id(wh: Warehouse, nom: str, classe: str) -> str:
    return wh.valeur("SELECT eleve_id FROM eleves WHERE nom = $n AND classe = $c", {"n": nom, "c": classe})


def _vue(wh: Warehouse, u: Utilisateur) -> Warehouse:
    """Le même entrepôt vu avec le périmètre de ``u`` (vues temporaires, models/acces.py)."""
    restreindre(wh.con, u)
    return wh


def test_fichier_nomme_d_apres_l_entrepot_wal_0600_et_migre(ecole, db) -> None:
    assert suivi.fichier_suivi(db).name == "vigie.suivi.sqlite"
    n = suivi.ajouter(db, ecole, DIRECTION, suivi.Saisie(_id(ecole, "DUPONT", "3A"), "procedure", "contact_famille", JOUR))
    assert n == 1
    f = suivi.fichier_suivi(db)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    con = sqlite3.connect(f)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT valeur FROM meta WHERE cle = 'schema_version'").fetchone()[0] == str(suivi.VERSION)
    # Jamais modifiée en place : un UPDATE est refusé par la base elle-même.
    with pytest.raises(sqlite3.IntegrityError, match="ne se modifie pas"):
        con.execute("UPDATE entrees SET commentaire = 'x'")
    con.close()


def test_chaque_sorte_d_entree(ecole, db) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    for code in ("contact_famille", "entretien_famille", "equipe_educative", "signalement_dasen"):
        suivi.ajouter(db, ecole, DIRECTION, suivi.Saisie(eid, "procedure", code, JOUR, "fait"))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "prise_en_charge", JOUR, periode="2025-10",
                                               regle="absences_mois"))
    suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "mention", JOUR, valeur="Encouragements",
                                                 periode="Trimestre 1"))
    suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "appreciation", JOUR, "Trimestre sérieux.",
                                                 periode="Trimestre 1"))
    suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "orientation", JOUR, periode="Trimestre 1",
                                                 valeur="2de générale et technologique"))
    suivi.ajouter(db, ecole, DIRECTION, suivi.Saisie(eid, "conseil", "avis", JOUR, periode="Trimestre 1",
                                                     valeur="Favorable"))
    e = suivi.entrees(db, ecole, DIRECTION, eleve_id=eid)
    assert e.height == 9
    assert set(e["sorte"]) == {"procedure", "alerte", "conseil"}
    assert e.filter(pl.col("code") == "prise_en_charge")["annee"].to_list() == ["2025-2026"]
    assert e.filter(pl.col("code") == "mention")["auteur"].to_list() == ["pp3a"]
    d = suivi.decisions_conseil(db, ecole, DIRECTION, "3A", "2025-2026", "Trimestre 1")
    assert d.row(0, named=True) == {"eleve_id": eid, "mention": "Encouragements", "avis": "Favorable",
                                    "appreciation": "Trimestre sérieux.",
                                    "orientation": "2de générale et technologique"}
    assert suivi.decisions_conseil(db, ecole, DIRECTION, "3A", "2025-2026", "Trimestre 2").is_empty()


def test_valeurs_hors_liste_refusees(ecole, db) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    with pytest.raises(VigieError, match="étape inconnue"):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "appel", JOUR))
    with pytest.raises(VigieError, match="n'est pas dans la liste"):
        suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "mention", JOUR, valeur="Avertissement",
                                                     periode="Trimestre 1"))
    with pytest.raises(VigieError, match="règle et une période"):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "vue", JOUR))
    with pytest.raises(VigieError, match="futur"):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "contact_famille",
                                                   dt.date.today() + dt.timedelta(days=1)))
    assert suivi.entrees(db, ecole, DIRECTION).is_empty()


def test_signalement_dasen_par_la_direction_seulement(ecole, db) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    with pytest.raises(VigieError, match="Signalement au DASEN"):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "signalement_dasen", JOUR))
    suivi.ajouter(db, ecole, DIRECTION, suivi.Saisie(eid, "procedure", "signalement_dasen", JOUR))


def test_eleve_majeur_sans_etapes_adressees_aux_responsables(ecole, db, tmp_path) -> None:
    majeur = Eleve(nom="ROCHE", prenom="Inès", classe="2 MELEC", date_naissance=dt.date(2007, 1, 15))
    ecole.importer(lot(tmp_path, "pronote-eleves", "majeur", effectif=True, eleves=[*ELEVES, majeur],
                       periodes=PERIODES))
    eid = _id(ecole, "ROCHE", "2 MELEC")
    for code in ("contact_famille", "entretien_famille", "signalement_dasen"):
        with pytest.raises(VigieError, match="majeur"):
            suivi.ajouter(db, ecole, DIRECTION, suivi.Saisie(eid, "procedure", code, JOUR))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "entretien_eleve", JOUR))
    # Et l'entretien « élève majeur » n'a pas de sens pour un mineur.
    with pytest.raises(VigieError, match="majeur"):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(_id(ecole, "DUPONT", "3A"), "procedure", "entretien_eleve", JOUR))


def test_correction_est_une_nouvelle_entree(ecole, db) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    n = suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "mention", JOUR, valeur="Compliments",
                                                     periode="Trimestre 1"))
    c = suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "mention", JOUR, "erreur de saisie",
                                                     valeur="Encouragements", periode="Trimestre 1", corrige=n))
    visibles = suivi.entrees(db, ecole, DIRECTION)
    assert visibles["entree_id"].to_list() == [c]
    toutes = suivi.entrees(db, ecole, DIRECTION, toutes=True)
    assert toutes.filter(pl.col("entree_id") == n)["corrigee_par"].to_list() == [c]
    assert toutes.filter(pl.col("entree_id") == n)["valeur"].to_list() == ["Compliments"]  # intacte
    with pytest.raises(VigieError, match="rien n'est corrigé"):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(_id(ecole, "LEFÈVRE", "3A"), "procedure", "contact_famille",
                                                   JOUR, corrige=n))


def test_droits_par_role_et_perimetre(ecole, db) -> None:
    eid_3a, eid_3b = _id(ecole, "DUPONT", "3A"), _id(ecole, "MARTIN", "3B")
    for role in (PROF, ULIS):
        with pytest.raises(VigieError, match="ne peut pas enregistrer"):
            suivi.ajouter(db, ecole, role, suivi.Saisie(eid_3a, "procedure", "contact_famille", JOUR))
    with pytest.raises(VigieError, match="ne peut pas enregistrer"):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid_3a, "conseil", "avis", JOUR, valeur="Favorable",
                                                   periode="Trimestre 1"))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid_3a, "procedure", "contact_famille", JOUR))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid_3b, "procedure", "contact_famille", JOUR))
    suivi.ajouter(db, ecole, DIRECTION, suivi.Saisie(eid_3b, "conseil", "avis", JOUR, valeur="Favorable",
                                                     periode="Trimestre 1"))
    # Le professeur principal de 3A ne voit pas (et ne peut pas écrire pour) un élève de 3B.
    vue_pp = _vue(ecole, PP_3A)
    with pytest.raises(VigieError, match="hors de votre périmètre"):
        suivi.ajouter(db, vue_pp, PP_3A, suivi.Saisie(eid_3b, "procedure", "contact_famille", JOUR))
    assert suivi.entrees(db, vue_pp, PP_3A)["eleve_id"].to_list() == [eid_3a]
    # L'enseignant lit les décisions du conseil de ses classes, pas les procédures.
    restreindre(ecole.con, PROF)
    assert suivi.entrees(db, ecole, PROF).is_empty()
    restreindre(ecole.con, DIRECTION)  # direction : sans restriction (vues temporaires laissées en place)


def test_droits_lecture_par_sorte() -> None:
    assert suivi.sortes_lisibles(PROF) == ["conseil"]
    assert suivi.sortes_lisibles(ULIS) == ["conseil"]
    assert suivi.sortes_lisibles(CPE) == ["procedure", "alerte", "conseil"]
    assert not suivi.peut_ecrire(CPE, "conseil") and suivi.peut_ecrire(PP_3A, "conseil")


def test_chaque_ecriture_au_journal(ecole, db) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    n = suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "contact_famille", JOUR))
    with pytest.raises(VigieError):
        suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "signalement_dasen", JOUR))
    audit = lire_audit(db)
    assert audit.height == 1  # le refus n'écrit rien
    ligne = audit.row(0, named=True)
    assert (ligne["utilisateur"], ligne["role"], ligne["action"]) == ("m.cpe", "cpe", "suivi")
    assert ligne["objet"] == f"entrée {n} : procedure/contact_famille — élève {eid}"


def test_etat_d_alerte_par_eleve_regle_periode_et_annee(ecole, db) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    base = dict(regle="absences_mois", periode="Trimestre 1")
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "vue", JOUR, **base))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "close", dt.date(2025, 10, 20), **base))
    # La même règle et la même période, l'année suivante : une autre alerte.
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "vue", dt.date(2026, 10, 2), **base,
                                               annee="2026-2027"))
    st = suivi.statuts_alertes(db, ecole, CPE).sort("annee")
    assert st.select("annee", "statut").rows() == [("2025-2026", "close"), ("2026-2027", "vue")]
    alertes = pl.DataFrame({"eleve_id": [eid, eid], "regle": ["absences_mois"] * 2,
                            "periode": ["Trimestre 1", "2025-11"], "libelle": ["x", "y"], "explication": ["", ""]})
    avec = suivi.avec_statuts(db, ecole, CPE, alertes)
    # Trimestre 1 → l'année des périodes de l'entrepôt (2025-2026) ; novembre 2025 : pas encore suivie.
    assert avec["statut"].to_list() == ["close", None]
    assert avec["annee"].to_list() == ["2025-2026", "2025-2026"]
    # Une alerte sans période (campagne Pix non envoyée) est suivie pour l'année scolaire en cours.
    sans = pl.DataFrame({"eleve_id": [eid], "regle": ["pix_non_envoye"], "periode": [None],
                         "libelle": ["x"], "explication": [""]}, schema_overrides={"periode": pl.String})
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "vue", JOUR, regle="pix_non_envoye",
                                               periode=suivi.SANS_PERIODE,
                                               annee=suivi.annee_alerte(ecole, None)))
    assert suivi.avec_statuts(db, ecole, CPE, sans)["statut"].to_list() == ["vue"]


def _reimporter(wh: Warehouse, tmp_path: Path, eleves: list[Eleve], tag: str) -> None:
    res = wh.importer(lot(tmp_path, "pronote-eleves", tag, effectif=True, eleves=eleves, periodes=PERIODES))
    assert res.statut == "reussi", res.message


def test_survit_a_la_reimportation_a_l_ine_et_au_nom_corrige(ecole, db, tmp_path) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "entretien_famille", JOUR, "reçus le 8"))
    _reimporter(ecole, tmp_path, ELEVES, "meme")
    assert suivi.entrees(db, ecole, CPE, eleve_id=eid).height == 1
    # Une liste ultérieure apporte l'INE : l'eleve_id devient l'INE ; le nom est aussi corrigé
    # (« DUPOND » → l'élève a été mal saisi la première fois, ici l'inverse : la liste corrige le nom).
    corrige = [e.model_copy(update={"ine": "123456789AB", "nom": "DUPOND"}) if e.nom == "DUPONT" else e
               for e in ELEVES]
    _reimporter(ecole, tmp_path, corrige, "ine")
    nouvel = "123456789AB"
    assert nouvel != eid and ecole.valeur("SELECT count(*) FROM eleves WHERE eleve_id = $e", {"e": nouvel}) == 1
    e = suivi.entrees(db, ecole, CPE, eleve_id=nouvel)
    assert e["commentaire"].to_list() == ["reçus le 8"]
    # Une nouvelle entrée sous le nouvel identifiant rejoint le même dossier.
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(nouvel, "procedure", "equipe_educative", JOUR))
    with suivi.ouvrir(db) as con:
        assert con.execute("SELECT count(DISTINCT dossier) FROM entrees").fetchone()[0] == 1
        assert tuple(con.execute("SELECT ine, nom FROM dossiers").fetchone()) == ("123456789AB", "DUPOND")
    # Plus tard encore, le nom est corrigé (sans INE changé) : retrouvé par l'INE.
    _reimporter(ecole, tmp_path, [e.model_copy(update={"nom": "DUPONT"}) if e.nom == "DUPOND" else e
                                  for e in corrige], "nom")
    assert suivi.entrees(db, ecole, CPE, eleve_id=nouvel).height == 2


def test_nom_corrige_sans_ine_retrouve_par_nom_et_naissance(ecole, db, tmp_path) -> None:
    eid = _id(ecole, "LEFÈVRE", "3A")
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "contact_famille", JOUR))
    corrige = [e.model_copy(update={"nom": "LEFEBVRE"}) if e.nom == "LEFÈVRE" else e for e in ELEVES]
    with ecole.atomic():
        ecole.con.execute("DELETE FROM t_eleves")  # la nouvelle liste remplace l'ancienne
    _reimporter(ecole, tmp_path, corrige, "lefebvre")
    nouvel = _id(ecole, "LEFEBVRE", "3A")
    assert nouvel != eid
    assert suivi.entrees(db, ecole, CPE, eleve_id=nouvel).height == 1
    # Un homonyme (même nom, autre date de naissance) n'hérite de rien.
    assert suivi.entrees(db, ecole, CPE, eleve_id=_id(ecole, "MARTIN", "3B")).is_empty()


def test_purge_des_donnees_source_ne_perd_rien(ecole, db, tmp_path) -> None:
    from models.retention import purger

    eid = _id(ecole, "DUPONT", "3A")
    ecole.importer(lot(tmp_path, "x", "abs", absences=[Absence(
        eleve=RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A"), debut=dt.datetime(2025, 10, 6, 8),
        fin=dt.datetime(2025, 10, 6, 12), statut=StatutAbsence.NON_JUSTIFIEE)]))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "contact_famille", JOUR))
    suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "avis", JOUR, valeur="Favorable",
                                                 periode="Trimestre 1"))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "close", JOUR, regle="absences_mois",
                                               periode="2025-10"))
    purger(ecole, "2025-2026", aujourdhui=dt.date(2026, 9, 1))
    assert ecole.valeur("SELECT count(*) FROM absences") == 0
    assert suivi.entrees(db, ecole, DIRECTION).height == 3  # la purge des données source ne touche pas au suivi


def test_conservation_par_sorte(ecole, db, tmp_path) -> None:
    eid, autre = _id(ecole, "DUPONT", "3A"), _id(ecole, "LEFÈVRE", "3A")
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "contact_famille", JOUR))
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "alerte", "close", JOUR, regle="absences_mois", periode="2025-10"))
    suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "avis", JOUR, valeur="Favorable", periode="Trimestre 1"))
    suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(autre, "conseil", "avis", JOUR, valeur="Réservé", periode="Trimestre 1"))
    # LEFÈVRE quitte l'établissement en juin 2026.
    _reimporter(ecole, tmp_path, [e.model_copy(update={"sortie": dt.date(2026, 6, 15)}) if e.nom == "LEFÈVRE" else e
                                  for e in ELEVES], "sortie")
    n = suivi.purger(db, ecole, "2025-2026", utilisateur=DIRECTION)
    # États d'alerte de l'année : purgés ; étapes : gardées un an de plus ; conseil : l'élève sorti seulement.
    assert n == {"alerte": 1, "procedure": 0, "conseil": 1}
    restantes = suivi.entrees(db, ecole, DIRECTION)
    assert sorted(restantes["sorte"]) == ["conseil", "procedure"]
    assert restantes.filter(pl.col("sorte") == "conseil")["eleve_id"].to_list() == [eid]
    assert suivi.purger(db, ecole, "2026-2027") == {"alerte": 0, "procedure": 1, "conseil": 0}
    assert "purge" in lire_audit(db)["action"].to_list()


def test_export_nominatif_direction_et_pseudonymise_sans_texte(ecole, db, tmp_path) -> None:
    from models.export import exporter_pseudonymise

    eid = _id(ecole, "DUPONT", "3A")
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "contact_famille", JOUR, "=mère jointe au tél."))
    with pytest.raises(VigieError, match="réservé à la direction"):
        suivi.exporter(db, ecole, CPE)
    csv = suivi.exporter(db, ecole, DIRECTION)
    assert "DUPONT" in csv and "'=mère jointe" in csv  # formule neutralisée
    assert lire_audit(db).row(0, named=True)["action"] == "export"
    # Export pseudonymisé : l'entrepôt sur disque, le suivi à côté ; ni commentaire, ni auteur, ni nom.
    with ecriture(db) as w:
        _reimporter(w, tmp_path, ELEVES, "disque")
    with lecture(db) as w:
        fichiers = exporter_pseudonymise(w, tmp_path / "export")
    texte = (tmp_path / "export" / "suivi.csv").read_text(encoding="utf-8-sig")
    assert tmp_path / "export" / "suivi.csv" in fichiers
    assert "contact_famille" in texte and "mère" not in texte and "m.cpe" not in texte and "DUPONT" not in texte


def test_chronologie_alertes_etapes_decisions(ecole, db) -> None:
    eid = _id(ecole, "DUPONT", "3A")
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(eid, "procedure", "contact_famille", dt.date(2025, 10, 9)))
    suivi.ajouter(db, ecole, PP_3A, suivi.Saisie(eid, "conseil", "avis", dt.date(2025, 12, 1), valeur="Favorable",
                                                 periode="Trimestre 1"))
    alertes = pl.DataFrame({"periode": ["2025-10"], "libelle": ["Absences non justifiées dans le mois"],
                            "explication": ["5 demi-journées"], "statut": ["prise_en_charge"]})
    c = suivi.chronologie(db, ecole, CPE, eid, alertes=alertes)
    assert c["date"].to_list() == [dt.date(2025, 12, 1), dt.date(2025, 10, 9), dt.date(2025, 10, 1)]
    assert c["quoi"].to_list()[2] == "Alerte : Absences non justifiées dans le mois"
    assert "prise en charge" in c["detail"][2]


def test_cli_add_list_export(ecole, db, tmp_path, capsys) -> None:
    import vigie_cli

    with ecriture(db) as w:
        _reimporter(w, tmp_path, ELEVES, "cli")
    with lecture(db) as w:
        eid = _id(w, "DUPONT", "3A")
    assert vigie_cli.main(["suivi", "add", "--db", str(db), "--eleve", eid, "--sorte", "procedure",
                           "--code", "contact_famille", "--date", "08/10/2025", "--commentaire", "appel"]) == 0
    assert "Entrée n° 1 enregistrée" in capsys.readouterr().out
    assert vigie_cli.main(["suivi", "add", "--db", str(db), "--eleve", eid, "--sorte", "procedure",
                           "--code", "appel"]) == 2
    assert "étape inconnue" in capsys.readouterr().err
    assert vigie_cli.main(["suivi", "list", "--db", str(db)]) == 0
    sortie = capsys.readouterr().out
    assert "08/10/2025" in sortie and "Contact avec la famille" in sortie and "DUPONT" in sortie
    assert vigie_cli.main(["suivi", "list", "--db", str(db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("entree_id;eleve_id;nom")
    cible = tmp_path / "suivi.csv"
    assert vigie_cli.main(["suivi", "export", "--db", str(db), "--format", "csv", "--sortie", str(cible)]) == 0
    assert stat.S_IMODE(cible.stat().st_mode) == 0o600 and "appel" in cible.read_text(encoding="utf-8-sig")
    actions = lire_audit(db)["action"].to_list()
    assert actions == ["export", "suivi"]


def test_une_lecture_ne_change_pas_la_version_vue_par_le_cache(ecole, db) -> None:
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(_id(ecole, "DUPONT", "3A"), "procedure", "contact_famille", JOUR))
    avant = suivi.version_suivi(db)
    suivi.entrees(db, ecole, CPE)
    suivi.statuts_alertes(db, ecole, CPE)
    assert suivi.version_suivi(db) == avant
    suivi.ajouter(db, ecole, CPE, suivi.Saisie(_id(ecole, "DUPONT", "3A"), "procedure", "dialogue_eleve", JOUR))
    assert suivi.version_suivi(db) != avant


def test_punitions_et_sanctions_listees_sans_les_effacees(ecole, tmp_path) -> None:
    from models.lectures import punitions_sanctions
    from models.records import Sanction

    r = RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A")

    def s(jour, nature, disciplinaire=True, exclusion=False):
        return Sanction(eleve=r, date=jour, nature=nature, disciplinaire=disciplinaire, exclusion=exclusion,
                        motif="Insolence", donnee_par="M. PROF")

    ecole.importer(lot(tmp_path, "x", "sanctions", sanctions=[
        s(dt.date(2025, 11, 3), "Avertissement"),  # effacé à la fin de l'année scolaire (R511-13)
        s(dt.date(2025, 12, 1), "Exclusion temporaire de la classe", exclusion=True),  # effacée un an après
        s(dt.date(2026, 1, 12), "Retenue", disciplinaire=False),  # punition : pas concernée par R511-13
        s(dt.date(2026, 2, 2), "Exclusion définitive", exclusion=True),  # reste au dossier
    ]))
    df = punitions_sanctions(ecole, "3A", au=dt.date(2026, 12, 15))
    assert df.select("date", "nature", "motif", "donnee_par").rows() == [
        (dt.date(2026, 2, 2), "Exclusion définitive", "Insolence", "M. PROF"),
        (dt.date(2026, 1, 12), "Retenue", "Insolence", "M. PROF"),
    ]
    assert punitions_sanctions(ecole, eleve_id=_id(ecole, "DUPONT", "3A"), au=dt.date(2026, 6, 1)).height == 4
    # Entre le 31 août et le 1er décembre 2026 : l'avertissement est effacé, pas encore l'exclusion temporaire.
    assert "Exclusion temporaire de la classe" in punitions_sanctions(ecole, au=dt.date(2026, 9, 15))["nature"]
    assert "Avertissement" not in punitions_sanctions(ecole, au=dt.date(2026, 9, 15))["nature"]
