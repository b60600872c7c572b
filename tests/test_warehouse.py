"""L'entrepôt : transactions, idempotence, journal, vues publiques."""

from __future__ import annotations

import datetime as dt

import pytest

from models import schema
from models.records import Devoir, Note, RefEleve, StatutNote
from models.warehouse import Warehouse, ecriture, lecture

from .conftest import lot

D1 = Devoir(classe="3A", matiere="MATHEMATIQUES", periode="Trimestre 1", date=dt.date(2025, 10, 3), titre="DS1")


def _notes(*valeurs):
    refs = [RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), RefEleve(nom_complet="LEFEVRE Chloé", classe="3A")]
    return [Note(eleve=r, devoir=D1, valeur=v) for r, v in zip(refs, valeurs)]


def test_reimporter_le_meme_contenu_ne_change_rien(ecole, tmp_path):
    r1 = ecole.importer(lot(tmp_path, "pronote-notes", "a", notes=_notes(12, 15.5)))
    avant = ecole.empreintes()
    r2 = ecole.importer(lot(tmp_path, "pronote-notes", "a", notes=_notes(12, 15.5)))
    assert (r1.lignes_inserees, r1.lignes_mises_a_jour) == (3, 0)  # 1 devoir + 2 notes
    assert (r2.lignes_inserees, r2.lignes_mises_a_jour, r2.lignes_inchangees) == (0, 0, 3)
    assert ecole.empreintes() == avant
    journal = ecole.journal()
    assert journal.height == 3 and set(journal["statut"]) == {"reussi"}


def test_une_note_modifiee_est_mise_a_jour(ecole, tmp_path):
    ecole.importer(lot(tmp_path, "pronote-notes", "a", notes=_notes(12, 15.5)))
    r = ecole.importer(lot(tmp_path, "pronote-notes", "b", notes=_notes(12, 16)))
    assert (r.lignes_inserees, r.lignes_mises_a_jour, r.lignes_inchangees) == (0, 1, 2)
    assert sorted(ecole.sql("SELECT valeur FROM notes")["valeur"]) == [12, 16]


def test_deux_lignes_du_lot_sur_la_meme_cle_refusees_jamais_ecrasees(ecole, tmp_path):
    """Deux notes du même élève au même devoir dans un fichier : la dernière gagnait en silence (issue 14,
    « collision de clé ») ; le lot est refusé en nommant la clé et les deux valeurs."""
    ref = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
    notes = [Note(eleve=ref, devoir=D1, valeur=9), Note(eleve=ref, devoir=D1, valeur=11)]
    res = ecole.importer(lot(tmp_path, "pronote-notes", "c", notes=notes))
    assert res.statut == "rejete" and ecole.sql("SELECT valeur FROM notes").is_empty()
    assert "deux lignes du fichier donnent des valeurs différentes pour la même clé de notes" in res.message
    assert "valeur « 9.0 »" in res.message and "valeur « 11.0 »" in res.message
    # deux lignes identiques en tout ne sont qu'une ligne répétée
    res = ecole.importer(lot(tmp_path, "pronote-notes", "d", notes=[notes[1], notes[1]]))
    assert res.statut == "reussi" and ecole.sql("SELECT valeur FROM notes")["valeur"].to_list() == [11]


def test_import_refuse_laisse_tout_identique_et_est_journalise(ecole, tmp_path):
    avant = ecole.empreintes()
    notes = _notes(12, 15) + [Note(eleve=RefEleve(nom_complet="INCONNU Paul", classe="3A"), devoir=D1, valeur=3)]
    r = ecole.importer(lot(tmp_path, "pronote-notes", "d", notes=notes))
    assert r.statut == "rejete"
    assert "INCONNU Paul" in r.message and "colonne « Élève »" in r.message
    assert ecole.empreintes() == avant
    dernier = ecole.journal().row(0, named=True)
    assert dernier["statut"] == "rejete" and dernier["lignes_rejetees"] == 1


def test_ignorer_inconnus_importe_le_reste_et_les_signale(ecole, tmp_path):
    notes = _notes(12, 15) + [Note(eleve=RefEleve(nom_complet="INCONNU Paul", classe="3A"), devoir=D1, valeur=3)]
    r = ecole.importer(lot(tmp_path, "pronote-notes", "e", notes=notes), ignorer_inconnus=True)
    assert r.statut == "reussi" and r.lignes_rejetees == 1 and len(r.non_rapproches) == 1
    assert ecole.valeur("SELECT count(*) FROM notes") == 2
    assert ecole.valeur("SELECT count(*) FROM t_anomalies") == 1


def test_statut_garde_a_part_de_la_valeur(ecole, tmp_path):
    ref = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
    ecole.importer(lot(tmp_path, "n", "f", notes=[Note(eleve=ref, devoir=D1, statut=StatutNote.ABSENT_ZERO)]))
    row = ecole.sql("SELECT valeur, statut FROM notes").row(0)
    assert row == (None, "absent_zero")


def test_vues_publiques_et_colonnes(wh):
    attendues = {
        "eleves": ["eleve_id", "nom", "prenom", "classe", "niveau"],
        "notes": ["eleve_id", "matiere", "periode", "date", "devoir", "valeur", "bareme", "coefficient",
                  "statut", "bonus", "facultatif"],
        "absences": ["eleve_id", "debut", "fin", "demi_journees_brutes", "demi_journees_calculees", "statut", "motif"],
        "retards": ["eleve_id", "date", "minutes", "justifie"],
        "sanctions": ["eleve_id", "date", "nature", "motif"],
        "competences": ["eleve_id", "referentiel", "domaine", "item", "niveau", "libelle_source", "statut", "date"],
        "pix": ["eleve_id", "campagne", "date_envoi", "competence", "niveau", "pix"],
        "pix_profils": ["eleve_id", "campagne", "date_envoi", "pix_total", "certifiable"],
        "imports": ["import_id", "source", "fichier", "sha256", "statut", "lignes_lues", "lignes_inserees",
                    "lignes_rejetees", "debut", "fin", "message"],
    }
    for vue, cols in attendues.items():
        presentes = wh.sql(f"SELECT * FROM {vue} LIMIT 0").columns
        assert presentes[: len(cols)] == cols or set(cols) <= set(presentes), vue


def test_schema_versionne(wh):
    assert wh.version() == schema.VERSION
    wh.migrer()  # idempotent
    assert wh.version() == schema.VERSION


def test_ecriture_atomique_sur_fichier_et_lecteur_pendant_l_import(tmp_path):
    db = tmp_path / "v.duckdb"
    with ecriture(db) as w:
        assert w.version() == schema.VERSION
    lecteur = lecture(db)
    with ecriture(db) as w:
        w.con.execute("INSERT INTO t_classes VALUES ('3A', '3e', 'college', 1)")
        # Le lecteur ouvert avant voit l'ancien état, sans erreur.
        assert lecteur.valeur("SELECT count(*) FROM t_classes") == 0
    lecteur.close()
    with lecture(db) as l2:
        assert l2.valeur("SELECT count(*) FROM t_classes") == 1
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def test_ecriture_interrompue_par_une_erreur_ne_change_rien(tmp_path):
    db = tmp_path / "v.duckdb"
    with ecriture(db):
        pass
    with pytest.raises(RuntimeError):
        with ecriture(db) as w:
            w.con.execute("INSERT INTO t_classes VALUES ('3A', '3e', 'college', 1)")
            raise RuntimeError("panne")
    with lecture(db) as l:
        assert l.valeur("SELECT count(*) FROM t_classes") == 0


def _lot_notes(tmp_path, nom, classe, eleve, valeur, jour=3):
    d = Devoir(classe=classe, matiere="FRANCAIS", date=dt.date(2025, 10, jour), titre=nom)
    return lot(tmp_path, "pronote-notes", nom + str(valeur),
               notes=[Note(eleve=RefEleve(nom_complet=eleve, classe=classe), devoir=d, valeur=valeur)])


def test_plusieurs_fichiers_en_une_fois_comme_un_par_un(ecole, tmp_path):
    lots = [
        _lot_notes(tmp_path, "Dictée", "3A", "DUPONT Jean-Marie", 12),
        _lot_notes(tmp_path, "Rédaction", "3A", "LEFEVRE Chloé", 15, jour=4),
        _lot_notes(tmp_path, "Dictée", "3B", "MARTIN Lucas", 9),
    ]
    resultats = ecole.importer_plusieurs(lots)
    assert [r.statut for r in resultats] == ["reussi"] * 3
    assert [(r.lignes_inserees, r.lignes_inchangees) for r in resultats] == [(2, 0)] * 3  # devoir + note
    journal = ecole.journal()
    assert journal.height == 4 and len(set(journal["import_id"])) == 4
    # Chaque note garde l'import qui l'a apportée.
    par_import = ecole.sql("SELECT import_id, count(*) AS n FROM t_notes GROUP BY ALL ORDER BY import_id")
    assert par_import["import_id"].to_list() == [r.import_id for r in resultats]
    # Réimporter le tout : rien ne change.
    avant = ecole.empreintes()
    again = ecole.importer_plusieurs(lots)
    assert [(r.lignes_inserees, r.lignes_mises_a_jour, r.lignes_inchangees) for r in again] == [(0, 0, 2)] * 3
    assert ecole.empreintes() == avant


def test_un_fichier_refuse_dans_le_paquet_n_empeche_pas_les_autres(ecole, tmp_path):
    lots = [
        _lot_notes(tmp_path, "Dictée", "3A", "DUPONT Jean-Marie", 12),
        _lot_notes(tmp_path, "Dictée", "3A", "INCONNU Paul", 3, jour=5),
        _lot_notes(tmp_path, "Dictée", "3B", "MARTIN Lucas", 9),
    ]
    resultats = ecole.importer_plusieurs(lots)
    assert [r.statut for r in resultats] == ["reussi", "rejete", "reussi"]
    assert "INCONNU Paul" in resultats[1].message
    assert sorted(ecole.sql("SELECT valeur FROM notes")["valeur"]) == [9, 12]
    assert ecole.sql("SELECT statut FROM imports ORDER BY import_id")["statut"].to_list()[-3:] == [
        "reussi", "rejete", "reussi"]


def test_les_periodes_de_l_etablissement_font_foi(ecole, tmp_path):
    """Un bilan LSU porte « Trimestre 2 » avec des bornes déduites de ses dates : il n'écrase pas les dates
    déclarées, mais une période inconnue qu'il apporte est ajoutée ; l'établissement, lui, les corrige."""
    from models.records import Periode

    def periodes():
        return sorted(ecole.con.execute("SELECT periode, debut, fin FROM t_periodes").fetchall())

    lsu = [Periode(nom="Trimestre 2", annee="2025-2026", debut=dt.date(2025, 12, 15), fin=dt.date(2026, 3, 20)),
           Periode(nom="Semestre 2", annee="2025-2026", debut=dt.date(2026, 2, 1), fin=dt.date(2026, 6, 30))]
    assert ecole.importer(lot(tmp_path, "lsu", "bilans", periodes=lsu)).statut == "reussi"
    assert periodes() == [
        ("Semestre 2", dt.date(2026, 2, 1), dt.date(2026, 6, 30)),
        ("Trimestre 1", dt.date(2025, 9, 1), dt.date(2025, 11, 30)),
        ("Trimestre 2", dt.date(2025, 12, 1), dt.date(2026, 3, 8)),
        ("Trimestre 3", dt.date(2026, 3, 9), dt.date(2026, 7, 4)),
    ]
    corrige = [Periode(nom="Trimestre 2", annee="2025-2026", debut=dt.date(2025, 12, 1), fin=dt.date(2026, 3, 13))]
    assert ecole.importer(lot(tmp_path, "etablissement", "toml", periodes=corrige)).statut == "reussi"
    assert ("Trimestre 2", dt.date(2025, 12, 1), dt.date(2026, 3, 13)) in periodes()


def test_deux_punitions_identiques_le_meme_jour_restent_deux(ecole, tmp_path):
    """Deux retenues le même jour au même élève (deux professeurs) sont deux lignes, une ligne répétée
    n'en fait pas une troisième ; réimporter le fichier n'en ajoute pas (le rang suit l'ordre du fichier)."""
    from models.records import Sanction

    jean = RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A")
    punitions = [
        Sanction(eleve=jean, date=dt.date(2025, 11, 4), nature="Retenue", motif="Bavardages", donnee_par="M. A"),
        Sanction(eleve=jean, date=dt.date(2025, 11, 4), nature="Retenue", motif="Travail non fait", donnee_par="Mme B"),
        Sanction(eleve=jean, date=dt.date(2025, 11, 4), nature="Devoir supplémentaire"),
        # la même ligne répétée (export doublé) reste une seule punition
        Sanction(eleve=jean, date=dt.date(2025, 11, 4), nature="Retenue", motif="Bavardages", donnee_par="M. A"),
    ]
    for _ in range(2):
        assert ecole.importer(lot(tmp_path, "pronote-punitions", "p", sanctions=punitions)).statut == "reussi"
    assert ecole.con.execute(
        "SELECT nature, motif, rang FROM t_sanctions ORDER BY nature, rang").fetchall() == [
        ("Devoir supplémentaire", None, 0), ("Retenue", "Bavardages", 0), ("Retenue", "Travail non fait", 1)]


def test_migration_3_ajoute_l_appreciation_sans_rien_perdre(tmp_path):
    """Un entrepôt du schéma 2 (t_moyennes_source sans appréciation) passe au schéma 3 sans rien perdre."""
    db = tmp_path / "v2.duckdb"
    Warehouse(db).close()
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("DROP TABLE t_moyennes_source")
    con.execute("CREATE TABLE t_moyennes_source (eleve_id VARCHAR, annee VARCHAR, periode VARCHAR, matiere VARCHAR, "
                "source VARCHAR, moyenne DOUBLE, moyenne_classe DOUBLE, min_classe DOUBLE, max_classe DOUBLE, "
                "rang INTEGER, positionnement VARCHAR, import_id INTEGER)")
    con.execute("INSERT INTO t_moyennes_source VALUES ('E1', '2025-2026', 'Trimestre 1', '', 'pronote', 12.5, "
                "NULL, NULL, NULL, 3, NULL, 7)")
    con.execute("UPDATE t_meta SET valeur = '2' WHERE cle = 'schema_version'")
    con.close()
    wh = Warehouse(db)
    try:
        assert wh.version() == schema.VERSION >= 3
        assert wh.con.execute("SELECT * FROM t_moyennes_source").fetchall() == [
            # service_source '' : ajouté par la migration 4 (identités des sources)
            ("E1", "2025-2026", "Trimestre 1", "", "", "pronote", 12.5, None, None, None, 3, None, None, 7)]
        assert [c for c, _ in schema.TABLES["t_moyennes_source"].colonnes] + ["import_id"] == [
            r[0] for r in wh.con.execute("DESCRIBE t_moyennes_source").fetchall()]
    finally:
        wh.close()


def test_migration_4_ajoute_palier_et_badges_sans_rien_perdre(tmp_path):
    """Un entrepôt du schéma 3 (t_pix_profils sans palier ni badges) passe au schéma 4 sans rien perdre."""
    db = tmp_path / "v3.duckdb"
    Warehouse(db).close()
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("DROP TABLE t_pix_profils")
    con.execute("CREATE TABLE t_pix_profils (eleve_id VARCHAR, campagne VARCHAR, code_campagne VARCHAR, "
                "type_campagne VARCHAR, date_envoi TIMESTAMP, partage BOOLEAN, pix_total DOUBLE, certifiable BOOLEAN, "
                "progression DOUBLE, import_id INTEGER)")
    con.execute("INSERT INTO t_pix_profils VALUES ('E1', 'Évaluation 3e', 'EVAL3', 'evaluation', NULL, true, NULL, "
                "NULL, 1.0, 4)")
    con.execute("UPDATE t_meta SET valeur = '3' WHERE cle = 'schema_version'")
    con.close()
    wh = Warehouse(db)
    try:
        assert wh.version() == schema.VERSION >= 4
        assert wh.con.execute("SELECT * FROM t_pix_profils").fetchall() == [
            ("E1", "Évaluation 3e", "EVAL3", "evaluation", None, True, None, None, 1.0, None, None, None, 4)]
        assert [c for c, _ in schema.TABLES["t_pix_profils"].colonnes] + ["import_id"] == [
            r[0] for r in wh.con.execute("DESCRIBE t_pix_profils").fetchall()]
    finally:
        wh.close()


def test_migration_2_garde_les_punitions(tmp_path):
    """Un entrepôt du schéma 1 (t_sanctions sans rang) passe au schéma 2 sans rien perdre."""
    db = tmp_path / "v1.duckdb"
    Warehouse(db).close()
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("DROP TABLE t_sanctions")
    con.execute("CREATE TABLE t_sanctions (eleve_id VARCHAR, date DATE, nature VARCHAR, motif VARCHAR, "
                "exclusion BOOLEAN, disciplinaire BOOLEAN, donnee_par VARCHAR, import_id INTEGER)")
    con.execute("INSERT INTO t_sanctions VALUES ('E1', DATE '2025-11-04', 'Retenue', 'x', false, false, NULL, 3)")
    con.execute("UPDATE t_meta SET valeur = '1' WHERE cle = 'schema_version'")
    con.close()
    wh = Warehouse(db)
    try:
        assert wh.version() == schema.VERSION >= 2
        assert wh.con.execute("SELECT * FROM t_sanctions").fetchall() == [
            ("E1", dt.date(2025, 11, 4), "Retenue", "x", False, False, None, 0, 3)]
        assert [c for c, _ in schema.TABLES["t_sanctions"].colonnes] + ["import_id"] == [
            r[0] for r in wh.con.execute("DESCRIBE t_sanctions").fetchall()]
    finally:
        wh.close()


def test_migration_5_identites_des_sources(tmp_path):
    """Un entrepôt du schéma 4 passe au schéma 5 sans rien perdre : service_source vide pour les devoirs et
    les moyennes déjà là, codes de matière vides, date d'envoi Pix recopiée de sa participation."""
    import duckdb

    db = tmp_path / "v2.duckdb"
    Warehouse(db).close()
    con = duckdb.connect(str(db))
    anciennes = {
        "t_matieres": ("matiere VARCHAR, service VARCHAR, famille VARCHAR, coefficient DOUBLE",
                       "('MATHS', 'MATHS', 'general', 3, 1)"),
        "t_devoirs": ("devoir_id VARCHAR, classe VARCHAR, matiere VARCHAR, annee VARCHAR, periode VARCHAR, "
                      "date DATE, titre VARCHAR, bareme DOUBLE, coefficient DOUBLE, ramener_sur_20 BOOLEAN, "
                      "bonus BOOLEAN, facultatif BOOLEAN, commentaire VARCHAR",
                      "('D1', '3A', 'MATHS', '2025-2026', 'Trimestre 1', DATE '2025-10-03', 'DS', 20, 1, true, "
                      "false, false, NULL, 2)"),
        "t_moyennes_source": ("eleve_id VARCHAR, annee VARCHAR, periode VARCHAR, matiere VARCHAR, source VARCHAR, "
                              "moyenne DOUBLE, moyenne_classe DOUBLE, min_classe DOUBLE, max_classe DOUBLE, "
                              "rang INTEGER, positionnement VARCHAR, appreciation VARCHAR",
                              "('E1', '2025-2026', 'Trimestre 1', 'MATHS', 'pronote', 12, NULL, NULL, NULL, NULL, NULL, "
                              "'Bon trimestre', 4)"),
        "t_pix": ("eleve_id VARCHAR, campagne VARCHAR, competence VARCHAR, niveau INTEGER, pix DOUBLE, maitrise DOUBLE",
                  "('E1', 'C', '1.1', 2, 20, NULL, 5)"),
    }
    con.execute("DROP VIEW pix")
    for table, (colonnes, ligne) in anciennes.items():
        con.execute(f"DROP TABLE {table}")
        con.execute(f"CREATE TABLE {table} ({colonnes}, import_id INTEGER)")
        con.execute(f"INSERT INTO {table} VALUES {ligne}")
    con.execute("INSERT INTO t_pix_profils (eleve_id, campagne, type_campagne, date_envoi, partage, pix_total, "
                "import_id) VALUES ('E1', 'C', 'profils', TIMESTAMP '2025-11-03 14:30', true, 20, 5)")
    con.execute("UPDATE t_meta SET valeur = '4' WHERE cle = 'schema_version'")
    con.close()
    with Warehouse(db) as wh:
        assert wh.version() == schema.VERSION >= 5
        for table in anciennes:
            assert [c for c, _ in schema.TABLES[table].colonnes] + ["import_id"] == [
                r[0] for r in wh.con.execute(f"DESCRIBE {table}").fetchall()], table
        assert wh.sql("SELECT matiere, codes FROM matieres").rows() == [("MATHS", None)]
        assert wh.sql("SELECT devoir_id, service_source FROM notes").is_empty()
        assert wh.valeur("SELECT service_source FROM t_devoirs") == ""
        assert wh.sql("SELECT matiere, moyenne, appreciation, service_source FROM moyennes_pronote").rows() == [
            ("MATHS", 12, "Bon trimestre", None)]
        assert wh.sql("SELECT date_envoi, competence, niveau FROM pix").rows() == [
            (dt.datetime(2025, 11, 3, 14, 30), "1.1", 2)]


def test_migration_6_garde_la_classe_de_chacun(tmp_path):
    """Un entrepôt d'avant le schéma 6 (une classe par élève, sans historique) y passe : chaque élève
    garde sa classe, rattachée à la dernière année de l'établissement ; les moyennes ne changent pas."""
    from .conftest import ELEVES, PERIODES

    db = tmp_path / "v5.duckdb"
    with Warehouse(db) as wh:
        assert wh.importer(lot(tmp_path, "pronote-eleves", "e", effectif=True, eleves=ELEVES,
                               periodes=PERIODES)).statut == "reussi"
        avant = wh.sql("SELECT eleve_id, classe FROM eleves ORDER BY eleve_id").rows()
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("DROP TABLE t_scolarites")
    con.execute("UPDATE t_meta SET valeur = '5' WHERE cle = 'schema_version'")
    con.close()
    with Warehouse(db) as wh:
        assert wh.version() == schema.VERSION >= 6
        assert wh.sql("SELECT eleve_id, classe FROM eleves ORDER BY eleve_id").rows() == avant
        assert wh.sql("SELECT DISTINCT annee FROM scolarites").rows() == [("2025-2026",)]
        assert wh.valeur("SELECT count(*) FROM scolarites") == len(ELEVES)


def test_lecture_met_a_jour_un_entrepot_d_une_version_precedente(tmp_path):
    """Vigie mis à jour, entrepôt d'avant le schéma 6 : ``vigie serve`` n'ouvre qu'en lecture ; avant, les
    pages plantaient (« Table with name t_classes_actuelles does not exist ») jusqu'au prochain import."""
    from models.warehouse import lecture

    from .conftest import ELEVES, PERIODES

    db = tmp_path / "v5.duckdb"
    with Warehouse(db) as wh:
        assert wh.importer(lot(tmp_path, "pronote-eleves", "e", effectif=True, eleves=ELEVES,
                               periodes=PERIODES)).statut == "reussi"
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("DROP VIEW eleves")
    con.execute("DROP VIEW t_classes_actuelles")
    con.execute("DROP TABLE t_scolarites")
    con.execute("CREATE VIEW eleves AS SELECT * FROM t_eleves")
    con.execute("UPDATE t_meta SET valeur = '5' WHERE cle = 'schema_version'")
    con.close()
    with lecture(db) as wh:
        assert wh.version() == schema.VERSION
        assert wh.valeur("SELECT count(*) FROM scolarites") == len(ELEVES)
        assert wh.valeur("SELECT count(*) FROM eleves") == len(ELEVES)


def _ecole_dans_un_fichier(tmp_path):
    """La petite école de ``conftest.ecole``, dans un fichier (pour le rouvrir)."""
    from models.records import Classe

    from .conftest import ELEVES, PERIODES

    wh = Warehouse(tmp_path / "ecole.duckdb")
    res = wh.importer(lot(tmp_path, "pronote-eleves", "effectif", effectif=True, annee="2025-2026", eleves=ELEVES,
                          periodes=PERIODES, classes=[Classe(nom="3A", niveau="3e"), Classe(nom="3B", niveau="3e")]))
    assert res.statut == "reussi", res.message
    return wh


def test_migration_8_identites_de_devoir_d_avant_la_periode(tmp_path):
    """Un entrepôt rempli avant que l'identité d'un devoir ne suive sa période (``Devoir.devoir_id``, export
    CSV importé sans ``--periode``) : la mise à jour donne à chaque devoir l'identifiant d'aujourd'hui, notes
    comprises, et réimporter le même export ne double plus rien."""
    ecole = _ecole_dans_un_fichier(tmp_path)
    refs = [RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), RefEleve(nom_complet="LEFEVRE Chloé", classe="3A")]
    sans_periode = [
        Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), titre="DS1"),
        Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), titre="DS1", rang=1),
        Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 12, 5), titre="DS2", service_source="S42"),
    ]
    notes = [Note(eleve=r, devoir=d, valeur=10 + i + k) for i, d in enumerate(sans_periode) for k, r in enumerate(refs)]
    assert ecole.importer(lot(tmp_path, "pronote-notes", "a", notes=notes)).statut == "reussi"
    aujourdhui = sorted(ecole.sql("SELECT devoir_id FROM t_devoirs")["devoir_id"])
    avant = sorted(ecole.sql("SELECT eleve_id, devoir_id, valeur FROM t_notes").rows())
    # l'entrepôt d'avant : les identifiants sans période (la formule d'avant est celle sans période du calendrier)
    periode_de = {"DS1": "Trimestre 1", "DS2": "Trimestre 2"}
    anciens = {d.devoir_id(periode_de[d.titre]): d.devoir_id() for d in sans_periode}
    assert set(anciens) == set(aujourdhui) and not set(anciens.values()) & set(anciens)
    for nouveau, ancien in anciens.items():
        for table in ("t_notes", "t_devoirs"):
            ecole.con.execute(f"UPDATE {table} SET devoir_id = ? WHERE devoir_id = ?", [ancien, nouveau])
    ecole.con.execute("UPDATE t_meta SET valeur = '7' WHERE cle = 'schema_version'")
    chemin = ecole.path
    ecole.close()
    with Warehouse(chemin) as wh:
        assert wh.version() == schema.VERSION >= 8
        assert sorted(wh.sql("SELECT devoir_id FROM t_devoirs")["devoir_id"]) == aujourdhui
        assert sorted(wh.sql("SELECT eleve_id, devoir_id, valeur FROM t_notes").rows()) == avant
        r = wh.importer(lot(tmp_path, "pronote-notes", "b", notes=notes))
        assert (r.lignes_inserees, r.lignes_mises_a_jour) == (0, 0)
        assert wh.valeur("SELECT count(*) FROM t_notes") == 6


def test_migration_8_retire_le_doublon_d_un_reimport_fait_avant(tmp_path):
    """Réimporté avant la mise à jour, l'export avait doublé ses notes sous l'identifiant d'aujourd'hui : la
    mise à jour garde ce réimport (les valeurs actuelles) et retire le devoir d'avant, et les moyennes sont
    recalculées sans les notes doublées."""
    ecole = _ecole_dans_un_fichier(tmp_path)
    refs = [RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), RefEleve(nom_complet="LEFEVRE Chloé", classe="3A")]
    d = Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), titre="DS1")
    assert ecole.importer(lot(tmp_path, "pronote-notes", "a", notes=[
        Note(eleve=refs[0], devoir=d, valeur=12), Note(eleve=refs[1], devoir=d, valeur=8)])).statut == "reussi"
    # le devoir d'avant, une note de moins à jour (8 devenu 9 depuis), à côté du réimport
    ecole.con.execute("INSERT INTO t_devoirs SELECT * REPLACE (? AS devoir_id) FROM t_devoirs", [d.devoir_id()])
    ecole.con.execute("INSERT INTO t_notes SELECT * REPLACE (? AS devoir_id, CASE WHEN valeur = 8 THEN 9 ELSE valeur END AS valeur) "
                      "FROM t_notes", [d.devoir_id()])
    ecole.con.execute("UPDATE t_meta SET valeur = '7' WHERE cle = 'schema_version'")
    chemin = ecole.path
    ecole.close()
    with Warehouse(chemin) as wh:
        assert wh.sql("SELECT devoir_id FROM t_devoirs")["devoir_id"].to_list() == [d.devoir_id("Trimestre 1")]
        assert sorted(wh.sql("SELECT valeur FROM t_notes")["valeur"]) == [8, 12]
        assert wh.sql("SELECT moyenne FROM moyennes WHERE matiere = 'MATHEMATIQUES' ORDER BY moyenne")["moyenne"].to_list() == [8, 12]
