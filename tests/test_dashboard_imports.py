"""La page Imports (AppTest depuis le point d'entrée) : plusieurs fichiers déposés d'un coup, chacun importé
seul avec sa ligne de résultat ; sorte reconnue au contenu, demandée quand elle ne l'est pas ; options en
champs typés ; messages écrits pour la page (aucune option de ligne de commande), un refus jamais
« Terminé », les élèves rapprochés nommés avec leur classe (jamais leur identifiant)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import depot
from models.acces import Utilisateur
from models.warehouse import lecture
from tests.conftest import FIXTURES
from tests.test_dashboard_pages import ouvrir

RACINE = Path(__file__).resolve().parents[1]
ELEVES = FIXTURES / "pronote" / "eleves_bom.csv"
PUNITIONS = FIXTURES / "pronote_suivi" / "punitions_cp1252.csv"
#: Une option de ligne de commande (« --option », « --periode », « --ignorer-inconnus »…).
OPTION_COMMANDE = re.compile(r"--[a-z]")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    chemin = tmp_path / "vigie.duckdb"
    monkeypatch.setenv("VIGIE_DB", str(chemin))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    return chemin


def _texte(at: AppTest) -> str:
    """Tout ce que la page écrit (messages, textes, libellés, cellules des tableaux)."""
    morceaux = [e.value for sorte in ("markdown", "caption", "error", "success", "warning", "info", "title",
                                       "subheader") for e in at.get(sorte)]
    morceaux += [w.label for w in (*at.selectbox, *at.checkbox, *at.text_input, *at.button)]
    morceaux += [str(o) for s in at.selectbox for o in s.options]
    morceaux += [d.value.to_string() for d in at.dataframe]
    morceaux += [p.proto.text for p in at.get("progress")]
    return "\n".join(morceaux)


def _deposer(at: AppTest, *fichiers: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="depot_fichiers").set_value([(nom, contenu, "text/csv") for nom, contenu in fichiers])
    return at.run()


def _importer(at: AppTest) -> AppTest:
    at.button(key="depot_importer").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _eleves_faux() -> bytes:
    lignes = ELEVES.read_text(encoding="utf-8-sig").splitlines()
    lignes[2] = lignes[2].replace("01/06/2011", "31/13/2011")
    return "\n".join(lignes).encode()


def test_plusieurs_fichiers_un_bon_un_refuse(db: Path) -> None:
    at = _deposer(ouvrir("imports"), ("eleves.csv", ELEVES.read_bytes()), ("eleves-faux.csv", _eleves_faux()))
    # la sorte de chacun est reconnue à ses colonnes, et dite
    reconnus = [m.value for m in at.markdown if "Reconnu" in m.value]
    assert len(reconnus) == 2 and all("Pronote — élèves et classes" in r and "Né" in r for r in reconnus)
    at = _importer(at)
    [refus] = [e.value for e in at.error]
    assert "eleves-faux.csv" in refus and "refusé, rien n'a été modifié" in refus and "ligne 3" in refus
    [importe] = [s.value for s in at.success]
    assert "eleves.csv" in importe and "importé" in importe and "5 lignes lues" in importe
    assert any("2 fichiers : 1 importé(s), 1 refusé(s)" in i.value for i in at.info)
    texte = _texte(at)
    assert "Terminé" not in texte and not OPTION_COMMANDE.search(texte)
    with lecture(db) as wh:  # chaque fichier sa transaction : le bon est écrit, le refusé consigné
        assert wh.valeur("SELECT count(*) FROM eleves") == 5
        assert sorted(wh.journal().select("fichier", "statut").rows()) == [
            ("eleves-faux.csv", "rejete"), ("eleves.csv", "reussi")]
    # le journal, sur la même page, montre les deux
    journal = next(d.value for d in at.dataframe if "Lues" in d.value.columns)
    assert sorted(journal["Statut"]) == ["Refusé", "Réussi"]


def test_refus_sans_option_de_commande(db: Path) -> None:
    """L'entrepôt conseille « --ignorer-inconnus » : la page nomme sa case à cocher à la place."""
    at = _deposer(ouvrir("imports"), ("eleves.csv", ELEVES.read_bytes()))
    _importer(at)
    pix = (FIXTURES / "pix" / "collecte_profils.csv").read_bytes()  # deux élèves inconnus
    at = _importer(_deposer(ouvrir("imports"), ("pix.csv", pix)))
    [refus] = [e.value for e in at.error]
    assert "refusé, rien n'a été modifié" in refus and "élève inconnu" in refus
    assert f"la case « {depot.CASE_INCONNUS} » cochée" in refus
    assert not OPTION_COMMANDE.search(_texte(at)) and "pronote-eleves" not in refus
    # cochée : le reste est importé, les lignes écartées listées avec le nom écrit dans le fichier
    at = _deposer(ouvrir("imports"), ("pix.csv", pix))
    at.checkbox(key="depot_ignorer").check().run()
    at = _importer(at)
    assert not at.error and "importé" in at.success[0].value and "2 lignes écartées" in at.success[0].value
    ecartes = next(d.value for d in at.dataframe if "Élève inconnu (ligne écartée)" in d.value.columns)
    assert "O\"Neil Sarah (3A)" in set(ecartes["Élève inconnu (ligne écartée)"])


def test_eleve_rapproche_nomme_avec_sa_classe(db: Path) -> None:
    _importer(_deposer(ouvrir("imports"), ("eleves.csv", ELEVES.read_bytes())))
    faute = PUNITIONS.read_bytes().replace(b"DUPONT Jean-Marie", b"DUPOND Jean-Marie")
    at = _importer(_deposer(ouvrir("imports"), ("punitions.csv", faute)))
    assert "importé" in at.success[0].value
    assert any("approximativement" in w.value for w in at.warning)
    rapproches = next(d.value for d in at.dataframe if "Élève retenu (classe)" in d.value.columns)
    assert rapproches.to_dict("records") == [{"Ligne": "2", "Écrit dans le fichier": "DUPOND Jean-Marie (3A)",
                                              "Élève retenu (classe)": "DUPONT Jean-Marie (3A)",
                                              "Ressemblance": "94 %"}]
    with lecture(db) as wh:
        ids = [r[0] for r in wh.con.execute("SELECT eleve_id FROM eleves").fetchall()]
    texte = _texte(at)
    assert not any(i in texte for i in ids)  # jamais l'identifiant interne de l'élève


def test_sorte_inconnue_ou_ambigue_demandee(db: Path) -> None:
    ambigu = "Élève;Classe;Moyenne générale;Item;Niveau\nDUPONT Jean-Marie;3A;12,5;Lire;A\n".encode()
    at = _deposer(ouvrir("imports"), ("export.csv", ambigu), ("notes.txt", b"a;b\n1;2\n"))
    avertis = " ".join(w.value for w in at.warning)
    assert "Sorte ambiguë" in avertis and "Sorte non reconnue" in avertis and "Choisissez la sorte" in avertis
    choix = at.selectbox(key="depot_sorte_0_export.csv")
    assert choix.options == ["— Choisir la sorte —", "Pronote — moyennes (résultats)", "Pronote — compétences"]
    at = _importer(at)  # rien n'est importé tant qu'une sorte manque
    assert "Choisissez d'abord la sorte" in at.error[0].value and not at.success
    with lecture(db) as wh:
        assert wh.journal().is_empty()
    # choisie : importée (ici refusée par son connecteur, et dit comme tel)
    at.selectbox(key="depot_sorte_1_notes.txt").set_value("pronote-eleves").run()
    at.selectbox(key="depot_sorte_0_export.csv").set_value("pronote-competences").run()
    at = _importer(at)
    assert len(at.error) == 2 and all("refusé, rien n'a été modifié" in e.value for e in at.error)


def test_sorte_choisie_qui_ne_ressemble_pas_au_fichier(db: Path) -> None:
    """Une sorte imposée que le contenu contredit : la page le dit avant l'import (le connecteur choisi
    lit tout de même le fichier, et le refuse)."""
    at = ouvrir("imports")
    at.selectbox(key="depot_sorte").set_value("pix").run()
    at = _deposer(at, ("eleves.csv", ELEVES.read_bytes()))
    [avis] = [w.value for w in at.warning]
    assert "ressemble à « Pronote — élèves et classes »" in avis and "pas à « Pix Orga" in avis
    at = _importer(at)
    assert "refusé, rien n'a été modifié" in at.error[0].value


def test_options_en_champs_types(db: Path) -> None:
    at = ouvrir("imports")
    assert not at.text_area  # plus de zone « clé=valeur »
    at.selectbox(key="depot_sorte").set_value("pronote-notes").run()
    cases = {c.label for c in at.checkbox}
    assert {"Créer les matières inconnues de l'établissement", "Ramener chaque devoir sur 20 pour la moyenne",
            depot.CASE_INCONNUS} <= cases
    assert {"Matière", "Classe", "Période"} <= {t.label for t in at.text_input}  # entrepôt vide : champs libres
    at.selectbox(key="depot_sorte").set_value("pronote-absences").run()
    forme = next(s for s in at.selectbox if s.label == "Forme du fichier")
    assert forme.options == ["Reconnue d'après les colonnes", "Une ligne par absence",
                             "Une ligne par élève (synthèse)", "Liste des retards"]
    assert {d.label for d in at.date_input} == {"Début de la période couverte", "Fin de la période couverte"}
    # une option donnée par son champ arrive typée au connecteur : l'année de la liste des élèves
    at.selectbox(key="depot_sorte").set_value("pronote-eleves").run()
    at.text_input(key="option_pronote-eleves_annee").input("2024-2025").run()
    at = _importer(_deposer(at, ("eleves.csv", ELEVES.read_bytes())))
    assert "importé" in at.success[0].value
    with lecture(db) as wh:
        assert {r[0] for r in wh.con.execute("SELECT DISTINCT annee FROM scolarites").fetchall()} == {"2024-2025"}


def test_tableur_avec_sa_correspondance(db: Path) -> None:
    """L'option ``mapping`` (un fichier) est un second dépôt ; sans elle, le refus nomme ce dépôt."""
    _importer(_deposer(ouvrir("imports"), ("eleves.csv", ELEVES.read_bytes())))
    grille = FIXTURES / "tableur" / "competences_longues.csv"
    at = ouvrir("imports")
    at.selectbox(key="depot_sorte").set_value("tableur").run()
    at = _importer(_deposer(at, (grille.name, grille.read_bytes())))
    assert "Correspondance des colonnes (TOML)" in at.error[0].value and not OPTION_COMMANDE.search(_texte(at))
    correspondance = FIXTURES / "tableur" / "competences_longues.toml"
    at.file_uploader(key="option_tableur_mapping").set_value((correspondance.name, correspondance.read_bytes(),
                                                              "application/toml"))
    at = _importer(at.run())
    assert not at.error and "importé" in at.success[0].value, [e.value for e in at.error]


def test_journal_pour_tous_l_import_pour_la_direction(db: Path) -> None:
    _importer(_deposer(ouvrir("imports"), ("eleves.csv", ELEVES.read_bytes())))
    at = ouvrir("imports", utilisateur=Utilisateur("c", "cpe"))
    assert not at.file_uploader and "réservé à la direction" in at.caption[0].value
    assert any("Lues" in d.value.columns for d in at.dataframe)


# --- Les messages des connecteurs dits pour la page -----------------------------------------------------

#: Les sources des messages d'import (pas Pronote en direct, qui ne se dépose pas).
SOURCES_MESSAGES = [p for p in (RACINE / "connectors").glob("*.py") if p.name != "pronote_live.py"] + [
    RACINE / "models" / n for n in ("warehouse.py", "matching.py", "records.py", "messages.py", "errors.py")]


@pytest.mark.parametrize("source", SOURCES_MESSAGES, ids=lambda p: p.name)
def test_aucune_option_de_commande_n_echappe_a_la_page(source: Path) -> None:
    """Chaque option de commande écrite dans un texte d'où un refus ou une remarque peut venir a son
    écriture pour la page (:func:`dashboard.depot.pour_la_page`) : une option ajoutée demain sans
    équivalent dans la page fait échouer ce test."""
    textes = [t.string for t in tokenize.generate_tokens(io.StringIO(source.read_text(encoding="utf-8")).readline)
              if t.type == tokenize.STRING or getattr(tokenize, "FSTRING_MIDDLE", -1) == t.type]
    restes = [depot.pour_la_page(t) for t in textes if OPTION_COMMANDE.search(t)]
    assert not [r for r in restes if OPTION_COMMANDE.search(r)]


def test_pour_la_page() -> None:
    assert depot.pour_la_page("réimportez avec « --option nouvelles_matieres=oui »") == (
        "réimportez avec la case « Créer les matières inconnues de l'établissement » cochée")
    assert depot.pour_la_page("(ou indiquez-la : --option matiere=…)") == "(ou indiquez-la : le champ « Matière »)"
    assert depot.pour_la_page("Réimportez avec l'une d'elles (--periode « Trimestre 1 »…)") == (
        "Réimportez avec l'une d'elles (champ « Période » : « Trimestre 1 »…)")
    assert depot.pour_la_page("la liste des élèves (pronote-eleves)") == (
        "la liste des élèves (« Pronote — élèves et classes »)")
    assert depot.pour_la_page("option « niveaux » : « huit » refusé") == (
        "champ « Niveaux de l'établissement » : « huit » refusé")


def test_un_depot_une_seule_ouverture_de_l_entrepot(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chaque fichier a sa transaction et sa ligne au journal, mais l'entrepôt n'est ouvert (copié) en
    écriture qu'une fois pour tout le dépôt, pas une fois par fichier."""
    from dashboard import data

    ouvertures: list[object] = []
    vraie = data.ecriture

    def compter(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        ouvertures.append(args)
        return vraie(*args, **kwargs)

    monkeypatch.setattr(data, "ecriture", compter)
    vus: list[tuple[int, str]] = []
    res = data.importer_fichiers(
        [data.Fichier("pronote-eleves", "eleves.csv", ELEVES.read_bytes()),
         data.Fichier("pronote-eleves", "eleves-faux.csv", _eleves_faux()),
         data.Fichier("pronote-punitions", "punitions.csv", PUNITIONS.read_bytes())],
        rapport=lambda i, r: vus.append((i, r.statut)),
    )
    assert len(ouvertures) == 1
    assert vus == [(0, "reussi"), (1, "rejete"), (2, "reussi")] == [(i, r.statut) for i, r in enumerate(res)]
    with lecture(db) as wh:
        journal = wh.journal().sort("import_id")
        assert journal.select("fichier", "statut").rows() == [
            ("eleves.csv", "reussi"), ("eleves-faux.csv", "rejete"), ("punitions.csv", "reussi")]
        assert journal["import_id"].n_unique() == 3
        assert wh.valeur("SELECT count(*) FROM sanctions") > 0
