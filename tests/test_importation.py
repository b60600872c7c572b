"""Un seul chemin d'import (ligne de commande, tableau de bord, mesures, tests), des options typées, des
remarques situées pour toute valeur qui n'est pas gardée telle quelle (issue 14, §1–3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import connectors
import vigie_cli
from connectors.importation import importer
from connectors.options import verifier
from models.errors import ImportRejected
from models.records import Anomalie, StatutCompetence
from models.warehouse import lecture
from tests.conftest import FIXTURES, lot

ELEVES = FIXTURES / "pronote" / "eleves_bom.csv"
LSU = FIXTURES / "lsu" / "valide.xml"
COMPETENCES = FIXTURES / "pronote_suivi" / "competences_niveaux.csv"


def _journal(db: Path) -> list[dict]:
    with lecture(db) as wh:
        return wh.journal().to_dicts()


# --- §1 : un seul chemin --------------------------------------------------------------------------------


def test_refus_du_connecteur_consigne_par_la_commande_et_par_le_tableau_de_bord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Le même fichier refusé laisse la même ligne « rejete » qu'il passe par ``vigie import`` ou par la
    page d'accueil (avant, le tableau de bord ne consignait rien)."""
    from dashboard import data

    faux = tmp_path / "eleves-faux.csv"
    faux.write_bytes(ELEVES.read_bytes().replace(b"01/06/2011", b"31/13/2011"))
    cli, page = tmp_path / "cli.duckdb", tmp_path / "page.duckdb"
    assert vigie_cli.main(["import", "pronote-eleves", str(faux), "--db", str(cli)]) == 1
    monkeypatch.setenv("VIGIE_DB", str(page))
    res = data.importer_fichier("pronote-eleves", faux.name, faux.read_bytes())
    assert res.statut == "rejete" and "ligne 3" in res.message
    (a,), (b,) = _journal(cli), _journal(page)
    for r in (a, b):
        assert (r["fichier"], r["statut"], r["lignes_inserees"]) == ("eleves-faux.csv", "rejete", 0)
    assert a["message"] == b["message"] and a["sha256"] == b["sha256"]


def test_un_lot_construit_en_code_passe_par_le_meme_chemin(wh, tmp_path: Path) -> None:
    """Tests et mesures écrivent leurs lots en code par :func:`importer` aussi (entrepôt déjà ouvert)."""
    [res] = importer(wh, [lot(tmp_path, "pronote-eleves", "vide", effectif=True)])
    assert res.statut == "reussi" and wh.journal()["source"][0] == "pronote-eleves"


# --- §2 : options typées --------------------------------------------------------------------------------


def test_option_de_classe_sur_une_sorte_qui_ne_la_prend_pas_est_refusee_et_consignee(tmp_path: Path, capsys) -> None:
    """``vigie import lsu f.xml --classe 3A`` ignorait ``--classe`` en silence."""
    db = tmp_path / "e.duckdb"
    assert vigie_cli.main(["import", "lsu", str(LSU), "--classe", "3A", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "option « classe » inconnue pour lsu (options acceptées : aucune)" in err
    assert "valide.xml" in err
    (r,) = _journal(db)
    assert r["statut"] == "rejete" and "option « classe » inconnue" in r["message"]


def test_option_inconnue_ou_mal_formee_refusee_en_francais_et_consignee(tmp_path: Path, capsys) -> None:
    db = tmp_path / "e.duckdb"
    assert vigie_cli.main(["import", "pronote-eleves", str(ELEVES), "--option", "trimestre=1", "--db", str(db)]) == 1
    assert "option « trimestre » inconnue pour pronote-eleves" in capsys.readouterr().err
    assert vigie_cli.main(["import", "pronote-notes", str(FIXTURES / "pronote" / "FRANCAIS.csv"),
                           "--option", "ramener_sur_20=peut-être", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "option « ramener_sur_20 » : « peut-être » refusé, « oui » ou « non » est attendu" in err
    assert "Traceback" not in err and "Error" not in err
    assert [r["statut"] for r in _journal(db)] == ["rejete", "rejete"]


def test_option_niveaux_en_texte_ne_plante_plus(tmp_path: Path, capsys) -> None:
    """``--option niveaux=…`` levait un ``AttributeError`` anglais (un texte n'a pas ``.items()``)."""
    lu = connectors.lire("pronote-competences", COMPETENCES, niveaux="A+=4; A=4")
    assert {e.niveau for e in lu.evaluations if e.libelle_source == "A"} == {4}
    db = tmp_path / "e.duckdb"
    assert vigie_cli.main(["import", "pronote-competences", str(COMPETENCES), "--option", "niveaux=A+=9",
                           "--db", str(db)]) == 1
    assert ("option « niveaux » : « A+=9 » refusé, « A+ » doit valoir 1, 2, 3 ou 4, ou un statut (absent, "
            "dispensé, non évalué), pas « 9 »") in capsys.readouterr().err
    # un libellé peut aussi donner un statut (« Dsp=dispensé ») : voir tests/test_conformite_pronote_exports.py
    lu = connectors.lire("pronote-competences", COMPETENCES, niveaux="Disp=absent")
    assert {e.statut for e in lu.evaluations if e.libelle_source == "Disp"} == {StatutCompetence.ABSENT}
    assert _journal(db)[0]["statut"] == "rejete"


@pytest.mark.parametrize("ordre", ["avant", "apres", "entre"])
def test_option_avant_ou_apres_la_sorte(tmp_path: Path, ordre: str) -> None:
    """``vigie import pronote-notes --option ramener_sur_20=non F`` échouait par une erreur anglaise
    d'argparse alors que la même option avant la sorte passait."""
    db = tmp_path / "e.duckdb"
    a, b = FIXTURES / "pronote" / "FRANCAIS.csv", FIXTURES / "pronote" / "MATHEMATIQUES.csv"
    opt = ["--option", "ramener_sur_20=non"]
    argv = {
        "avant": ["import", *opt, "pronote-notes", str(a), str(b)],
        "apres": ["import", "pronote-notes", *opt, str(a), str(b)],
        "entre": ["import", "pronote-notes", str(a), *opt, str(b)],
    }[ordre]
    args = vigie_cli.parser().parse_known_args([*argv, "--db", str(db)])
    vigie_cli.main([*argv, "--db", str(db)])  # élèves inconnus : refus, mais les deux fichiers sont lus
    assert args[0].option == ["ramener_sur_20=non"]
    assert [r["fichier"] for r in _journal(db)] == ["MATHEMATIQUES.csv", "FRANCAIS.csv"]


def test_options_typees_converties_une_fois() -> None:
    declarees = connectors.importlib.import_module("connectors.pronote_absences").OPTIONS
    assert verifier("pronote-absences", declarees, {"du": "01/09/2025", "au": dt.date(2025, 11, 30),
                                                    "liste": "Synthese", "classe": None}) == {
        "du": dt.date(2025, 9, 1), "au": dt.date(2025, 11, 30), "liste": "synthese"}
    with pytest.raises(ImportRejected) as err:
        verifier("pronote-absences", declarees, {"du": "31/02/2025", "liste": "tout"})
    assert err.value.raison == "2 options refusées" and len(err.value.details) == 2


def test_chaque_connecteur_declare_ses_options() -> None:
    import importlib

    for sorte, module in connectors.SOURCES.items():
        assert isinstance(importlib.import_module(module).OPTIONS, dict), sorte


# --- §3 : les remarques ---------------------------------------------------------------------------------


def test_une_remarque_est_situee_dans_le_resultat_le_journal_et_vigie_status(tmp_path: Path, capsys) -> None:
    db = tmp_path / "e.duckdb"
    lu = lot(tmp_path, "pronote-eleves", "r", effectif=True, annee="2025-2026",
             anomalies=[Anomalie(ligne=4, colonne="Classe", message="classe « 3 A » lue « 3A »")])
    [res] = importer(db, [lu])
    situee = f"fichier « {lu.fichier.name} », ligne 4, colonne « Classe » : classe « 3 A » lue « 3A »"
    assert res.anomalies == [situee]
    assert f"  remarque : {situee}" in res.resume().splitlines()
    with lecture(db) as wh:
        assert wh.sql("SELECT fichier, ligne, colonne, message FROM remarques").rows() == [
            (lu.fichier.name, 4, "Classe", "classe « 3 A » lue « 3A »")]
        assert wh.journal()["remarques"][0] == 1
    assert vigie_cli.main(["status", "--db", str(db)]) == 0
    sortie = capsys.readouterr().out
    assert "1 remarque(s)" in sortie and f"remarque : {situee}" in sortie


def test_vigie_status_abrege_puis_detaille_les_remarques(tmp_path: Path, capsys) -> None:
    db = tmp_path / "e.duckdb"
    lu = lot(tmp_path, "pronote-eleves", "r", effectif=True, annee="2025-2026",
             anomalies=[Anomalie(ligne=i, message=f"remarque {i}") for i in range(2, 10)])
    [res] = importer(db, [lu])
    vigie_cli.main(["status", "--db", str(db)])
    sortie = capsys.readouterr().out
    assert sortie.count("remarque : ") == 5 and f"… et 3 autre(s) : vigie status --import {res.import_id}" in sortie
    vigie_cli.main(["status", "--import", str(res.import_id), "--db", str(db)])
    assert capsys.readouterr().out.count("remarque : ") == 8


# --- §3 : désaccord d'identifiant, envois Pix répétés ----------------------------------------------------

INE_A, INE_B = "1234567890A", "0987654321B"
PIX_ENTETE = ('"Nom de l\'organisation";"Nom de la campagne";"Nom du Participant";"Prénom du Participant";'
              '"Classe";"INE";"Envoi (O/N)";"Date et heure de l\'envoi (Europe/Paris)";"Nombre de pix total";'
              '"Certifiable (O/N)";"Niveau pour la compétence Gérer des données";'
              '"Nombre de pix pour la compétence Gérer des données"')


def _pix(tmp_path: Path, nom: str, *lignes: tuple[str, str, str, str, str, int]) -> Path:
    """Un export Pix Orga de collecte de profils : (nom, prénom, classe, INE saisi, date d'envoi, pix de 1.2)."""
    f = tmp_path / nom
    f.write_text("\n".join([PIX_ENTETE] + [
        f'"Collège";"Rentrée";"{n}";"{p}";"{c}";"{ine}";"Oui";"{date}";{pix};"Non";{pix // 8};{pix}'
        for n, p, c, ine, date, pix in lignes]) + "\n", encoding="utf-8")
    return f


@pytest.fixture
def classe(wh, tmp_path: Path):
    """Deux élèves de 3A dont le registre (SIECLE, par la liste d'élèves) donne l'INE."""
    from models.records import Classe, Eleve

    from .conftest import PERIODES

    [res] = importer(wh, [lot(tmp_path, "pronote-eleves", "ine", effectif=True, annee="2025-2026", periodes=PERIODES,
                              classes=[Classe(nom="3A", niveau="3e")],
                              eleves=[Eleve(nom="ARNAUD", prenom="Alice", classe="3A", ine=INE_A),
                                      Eleve(nom="BERNARD", prenom="Bruno", classe="3A", ine=INE_B)])])
    assert res.statut == "reussi", res.message
    return wh


def test_pix_ine_saisi_d_un_camarade_suit_le_nom_et_la_classe(classe, tmp_path: Path) -> None:
    """Bruno a tapé l'INE d'Alice : ses résultats allaient sur Alice et effaçaient les siens (« 0 élève
    inconnu »). Le nom et la classe l'emportent ; le désaccord est une remarque située."""
    f = _pix(tmp_path, "pix.csv",
             ("BERNARD", "Bruno", "3A", INE_A, "03/11/2025 14:30", 16),
             ("ARNAUD", "Alice", "3A", INE_A, "04/11/2025 10:00", 40))
    [res] = importer(classe, [("pix", f, {})])
    assert res.statut == "reussi", res.message
    assert classe.sql("SELECT eleve_id, pix_total FROM pix_profils ORDER BY eleve_id").rows() == [
        (INE_B, 16), (INE_A, 40)]
    assert res.anomalies == [
        "fichier « pix.csv », ligne 2, colonne « INE » : l'identifiant saisi « 1234567890A » est celui de "
        "ARNAUD Alice (3A) ; la ligne est rattachée à BERNARD Bruno (3A) d'après le nom et la classe"]
    assert classe.sql("SELECT ligne, colonne FROM remarques").rows() == [(2, "INE")]


def test_ine_du_registre_fait_foi_et_un_nom_different_est_dit(classe, tmp_path: Path) -> None:
    from models.records import MoyenneSource, RefEleve

    m = MoyenneSource(eleve=RefEleve(nom="ARNAUD-MARTIN", prenom="Alice", classe="3A", ine=INE_A, ligne=7),
                      periode="Trimestre 1", matiere="MATHEMATIQUES", moyenne=12)
    [res] = importer(classe, [lot(tmp_path, "lsu", "m", moyennes=[m])])
    assert res.statut == "reussi" and classe.sql("SELECT eleve_id FROM moyennes_pronote").rows() == [(INE_A,)]
    assert res.remarques[0].ligne == 7 and "celui de ARNAUD Alice (3A)" in res.remarques[0].message
    assert "« ARNAUD-MARTIN Alice (3A) »" in res.remarques[0].message


def test_pix_envois_repetes_gardes_en_historique(classe, tmp_path: Path) -> None:
    """Chaque envoi reste (vue pix_envois) ; l'actuel est le plus récent, quel que soit l'ordre d'import."""
    ancien = _pix(tmp_path, "septembre.csv", ("ARNAUD", "Alice", "3A", "", "15/09/2025 08:00", 16))
    recent = _pix(tmp_path, "novembre.csv", ("ARNAUD", "Alice", "3A", "", "03/11/2025 14:30", 40))
    importer(classe, [("pix", recent, {}), ("pix", ancien, {})])
    assert classe.sql("SELECT date_envoi, pix_total, actuel FROM pix_envois ORDER BY date_envoi").rows() == [
        (dt.datetime(2025, 9, 15, 8), 16, False), (dt.datetime(2025, 11, 3, 14, 30), 40, True)]
    assert classe.sql("SELECT pix_total FROM pix_profils").rows() == [(40,)]
    assert classe.sql("SELECT niveau, pix FROM pix WHERE competence = '1.2'").rows() == [(5, 40)]
    [encore] = importer(classe, [("pix", ancien, {})])
    assert encore.lignes_inserees == encore.lignes_mises_a_jour == 0  # réimporter ne change rien


def test_pix_deux_lignes_du_meme_envoi_qui_different_refusees(classe, tmp_path: Path) -> None:
    f = _pix(tmp_path, "pix.csv", ("ARNAUD", "Alice", "3A", "", "03/11/2025 14:30", 16),
             ("ARNAUD", "Alice", "3A", "", "03/11/2025 14:30", 40))
    [res] = importer(classe, [("pix", f, {})])
    assert res.statut == "rejete" and res.erreur.ligne == 3
    assert "les lignes 2 et 3 donnent deux résultats différents" in res.message


def test_pix_deux_designations_sur_un_eleve_jamais_confondues_en_silence(classe, tmp_path: Path) -> None:
    """« ARNAUD Alise » (faute de frappe) est rapprochée d'Alice, qui a aussi sa propre ligne."""
    f = _pix(tmp_path, "pix.csv", ("ARNAUD", "Alice", "3A", "", "03/11/2025 14:30", 16),
             ("ARNAUD", "Alise", "3A", "", "05/11/2025 14:30", 40))
    [res] = importer(classe, [("pix", f, {})])
    assert res.statut == "reussi", res.message
    assert any("les lignes 2 (« ARNAUD Alice (3A) ») et 3 (« ARNAUD Alise (3A) ») sont rattachées au même "
               "élève (ARNAUD Alice (3A)) pour la campagne « Rentrée » : gardées comme deux envois" in a
               for a in res.anomalies)
    g = _pix(tmp_path, "pix2.csv", ("ARNAUD", "Alice", "3A", "", "03/11/2025 14:30", 16),
             ("ARNAUD", "Alise", "3A", "", "03/11/2025 14:30", 40))
    [res] = importer(classe, [("pix", g, {})])
    assert res.statut == "rejete" and "l'une remplacerait l'autre" in res.message and res.erreur.ligne == 3


def test_option_sans_valeur_refusee_et_consignee(tmp_path: Path, capsys) -> None:
    db = tmp_path / "e.duckdb"
    assert vigie_cli.main(["import", "pronote-punitions", str(FIXTURES / "pronote_suivi" / "punitions_cp1252.csv"),
                           "--option", "classe", "--db", str(db)]) == 1
    assert "option « classe » : valeur vide refusée, un texte non vide est attendu" in capsys.readouterr().err
    assert _journal(db)[0]["statut"] == "rejete"


def test_vigie_alerts_classe_inconnue_message_francais(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """``vigie alerts --classe ZZ`` : avant, un traceback polars ; maintenant l'erreur nomme les classes."""
    db = tmp_path / "v.duckdb"
    assert vigie_cli.main(["import", "pronote-eleves", str(ELEVES), "--db", str(db)]) == 0
    capsys.readouterr()
    assert vigie_cli.main(["alerts", "--classe", "ZZ", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "classe inconnue « ZZ »" in err and "3A" in err and "Traceback" not in err


def test_aide_et_erreurs_de_syntaxe_de_vigie_en_francais(capsys: pytest.CaptureFixture) -> None:
    """Avant : « usage: », « positional arguments », « error: argument SORTE: invalid choice » (argparse)."""
    with pytest.raises(SystemExit):
        vigie_cli.main(["--help"])
    aide = capsys.readouterr().out
    assert aide.startswith("utilisation : vigie") and "affiche cette aide et quitte" in aide
    assert "usage:" not in aide and "positional arguments" not in aide and "show this help" not in aide
    with pytest.raises(SystemExit) as sortie:
        vigie_cli.main(["import", "pronote-truc", "x.csv"])
    assert sortie.value.code == 2
    err = capsys.readouterr().err
    assert "vigie import : erreur : argument SORTE : choix inconnu : 'pronote-truc'" in err and "pronote-notes" in err
    with pytest.raises(SystemExit):
        vigie_cli.main(["demo", "--eleves", "abc"])
    assert "argument --eleves : valeur invalide" in capsys.readouterr().err


def test_sortie_coupee_par_head_sans_trace_d_appel() -> None:
    """``vigie status --json | head`` : avant, BrokenPipeError et sa trace d'appel sur le terminal."""
    import subprocess
    import sys

    script = ("import sys, vigie_cli; vigie_cli.cmd_status = lambda a: print('x' * 10**6); "
              "sys.exit(vigie_cli.main(['status']))")
    racine = Path(vigie_cli.__file__).parent
    proc = subprocess.run(f"'{sys.executable}' -c \"{script}\" | head -c 10", shell=True, cwd=racine,
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout == "x" * 10
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


@pytest.mark.slow
def test_paquets_lus_pendant_l_ecriture_comme_fichier_par_fichier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """connectors.importation.importer lit le paquet suivant dans un fil pendant qu'il écrit celui-ci, et
    recalcule les moyennes une fois à la fin : mêmes résultats par fichier (statut, décomptes, message,
    remarques), mêmes tables et mêmes moyennes qu'un import fichier par fichier — un fichier refusé par son
    connecteur, un fichier refusé par l'entrepôt et un lot construit en code au milieu des paquets compris."""
    from connectors import importation
    from polars.testing import assert_frame_equal

    from models import schema
    from models.warehouse import Warehouse
    from sample_data.generateur import ecrire_ecole, generer

    plan = ecrire_ecole(generer(11, eleves=60, annees=1), tmp_path / "ecole")
    notes = [i for i, p in enumerate(plan) if p[0] == "pronote-notes"]
    casse = tmp_path / "casse.csv"
    casse.write_text("rien d'un export\n", encoding="utf-8")
    lignes = plan[notes[3]][1].read_text(encoding="utf-8-sig").splitlines()
    k = next(i for i, ligne in enumerate(lignes) if ligne.startswith('"'))  # la première ligne d'élève
    lignes[k] = '"XYZZY Personne"' + lignes[k][lignes[k].index(";"):]  # un élève inconnu : l'entrepôt refuse
    (tmp_path / "inconnu.csv").write_text("\n".join(lignes) + "\n", encoding="utf-8")
    plan = [*plan[: notes[4]], ("pronote-notes", casse, {}), ("pronote-notes", tmp_path / "inconnu.csv",
            dict(plan[notes[3]][2], matiere=plan[notes[3]][1].stem)),
            lot(tmp_path, source="pronote-notes", contenu="construit en code"), *plan[notes[4]:]]
    monkeypatch.setattr(importation, "TAILLE_PAQUET", 3)
    ensemble = importer(tmp_path / "ensemble.duckdb", plan)
    b = Warehouse(tmp_path / "seuls.duckdb")
    seuls = [importer(b, [p])[0] for p in plan]

    def forme(r):  # noqa: ANN001, ANN202
        return (r.fichier, r.statut, r.lignes_lues, r.lignes_inserees, r.lignes_mises_a_jour, r.lignes_inchangees,
                r.lignes_rejetees, r.message, [str(a) for a in r.anomalies])

    assert [forme(r) for r in ensemble] == [forme(r) for r in seuls]
    assert sum(r.statut == "rejete" for r in ensemble) >= 2
    a = Warehouse(tmp_path / "ensemble.duckdb", read_only=True)
    try:
        for table in schema.TABLES_DONNEES:  # les numéros d'import diffèrent : un refus en reprend un
            q = f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL"
            assert a.con.execute(q).fetchall() == b.con.execute(q).fetchall(), table
        # à 1e-9 près : l'ordre des additions de DuckDB varie (tests/test_precalcul.py)
        moyennes = a.sql("SELECT * FROM t_moyennes ORDER BY eleve_id, annee, periode, matiere NULLS LAST")
        assert moyennes.height > 0
        for attendu in (b.sql("SELECT * FROM t_moyennes ORDER BY eleve_id, annee, periode, matiere NULLS LAST"),
                        a.sql("SELECT * FROM t_moyennes_calcul ORDER BY eleve_id, annee, periode, matiere NULLS LAST")):
            assert_frame_equal(moyennes, attendu, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    finally:
        a.close()
        b.close()
