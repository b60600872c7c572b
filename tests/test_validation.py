"""Validation des alertes sur l'historique : une petite histoire construite à la main, chiffres calculés à
la main (précision, rappel, délai), règle « comme on le savait à la coupure », issues après la coupure
seulement, survie à la purge, « et si »."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import polars as pl
import pytest

from models import suivi, validation
from models.acces import Utilisateur, restreindre
from models.alertes import alertes
from models.errors import VigieError
from models.records import Absence, Devoir, Eleve, Note, RefEleve, StatutAbsence
from models.retention import purger

from .conftest import ELEVES, lot

JEAN = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
CHLOE = RefEleve(nom_complet="LEFEVRE Chloé", classe="3A")
AISSA = RefEleve(nom_complet="N'DIAYE Aïssa", classe="3A")
LUCAS = RefEleve(nom_complet="MARTIN Lucas", classe="3B")
LUCAS_PRO = RefEleve(nom_complet="MARTIN Lucas", classe="2 MELEC")
AU = dt.date(2026, 7, 10)  # l'année 2025-2026 de la fixture est terminée
COUPURE = dt.date(2025, 11, 30)  # fin du Trimestre 1 de la fixture
_rang = itertools.count()


def _importer(wh, tmp_path, **champs):
    res = wh.importer(lot(tmp_path, "test", repr(champs) + str(next(_rang)), **champs))
    assert res.statut == "reussi", res.message


def _notes(ref, classe, valeurs, periode, date):
    return [Note(eleve=ref, devoir=Devoir(classe=classe, matiere="MATHEMATIQUES", periode=periode, date=date,
                                          rang=next(_rang)), valeur=v) for v in valeurs]


def _absences(ref, debut: dt.date, n: int) -> list[Absence]:
    """n matinées non justifiées, jours ouvrés à partir de ``debut``."""
    out, d = [], debut
    while len(out) < n:
        if d.isoweekday() <= 5:
            out.append(Absence(eleve=ref, debut=dt.datetime.combine(d, dt.time(8)),
                               fin=dt.datetime.combine(d, dt.time(12)), statut=StatutAbsence.NON_JUSTIFIEE))
        d += dt.timedelta(days=1)
    return out


@pytest.fixture
def histoire(ecole, tmp_path):
    """L'histoire à la main (coupure : 30/11/2025, fin du T1 ; périodes restantes : T2 et T3).

    - Jean : maths 7 au T1 (alerté « moyenne basse ») puis 8 au T2 (issue : moyenne sous 10, le 08/03) ;
      10 matinées non justifiées en octobre (alerté « persistance »), aucune après (pas d'issue absences).
    - Chloé : maths 5 au T1 (alertée) puis 14 au T2 (pas d'issue de moyenne) ; sortie le 15/02/2026.
    - Aïssa : 12 au T1 (pas d'alerte), 7 au T2 (issue manquée ; l'alerte du T2 n'existe pas à la coupure).
    - Lucas (3B) : 4 matinées non justifiées début décembre : alerte après la coupure, donc pas comptée.
    - Lucas (2 MELEC) : 10 en octobre (alerté), 10 en janvier (issue : la 10e le 16/01/2026).
    """
    t1, t2 = dt.date(2025, 10, 1), dt.date(2026, 1, 10)
    _importer(ecole, tmp_path, notes=(
        _notes(JEAN, "3A", [6, 7, 8], "Trimestre 1", t1) + _notes(JEAN, "3A", [8, 8, 8], "Trimestre 2", t2)
        + _notes(CHLOE, "3A", [5, 5, 5], "Trimestre 1", t1) + _notes(CHLOE, "3A", [14, 14, 14], "Trimestre 2", t2)
        + _notes(AISSA, "3A", [12, 12, 12], "Trimestre 1", t1) + _notes(AISSA, "3A", [7, 7, 7], "Trimestre 2", t2)))
    _importer(ecole, tmp_path, absences=(
        _absences(JEAN, dt.date(2025, 10, 6), 10) + _absences(LUCAS_PRO, dt.date(2025, 10, 6), 10)
        + _absences(LUCAS_PRO, dt.date(2026, 1, 5), 10) + _absences(LUCAS, dt.date(2025, 12, 1), 4)))
    eleves = [e if e.nom != "LEFÈVRE" else e.model_copy(update={"sortie": dt.date(2026, 2, 15)}) for e in ELEVES]
    res = ecole.importer(lot(tmp_path, "pronote-eleves", "sortie", effectif=True, eleves=eleves))
    assert res.statut == "reussi", res.message
    return ecole


def _ligne(df, regle, issue, suivi="tous"):
    d = df.filter(regle=regle, issue=issue, suivi=suivi)
    assert d.height == 1
    return d.row(0, named=True)


def test_chiffres_calcules_a_la_main(histoire):
    df = validation.validation(histoire, au=AU)
    assert df["annee"].unique().to_list() == ["2025-2026"] and df["coupure"].unique().to_list() == [COUPURE]
    m = _ligne(df, "moyenne_basse", "moyenne_sous_10")
    # alertés : Jean, Chloé ; issues : Jean, Aïssa → précision 1/2, rappel 1/2 ; délai 30/11 → 08/03 = 98 j
    assert (m["eleves"], m["alertes"], m["issues"], m["alertes_avec_issue"]) == (5, 2, 2, 1)
    assert (m["precision"], m["rappel"], m["delai_median_jours"]) == (0.5, 0.5, 98)
    assert m["precision_min"] < 0.5 < m["precision_max"]  # deux alertés : l'incertitude est énorme
    u = _ligne(df, "moyenne_basse", "au_moins_une")
    # issues : Jean (moyenne, 08/03), Chloé (départ, 15/02 → 77 j), Aïssa, Lucas 2 MELEC (absences)
    assert (u["alertes"], u["issues"], u["alertes_avec_issue"]) == (2, 4, 2)
    assert (u["precision"], u["rappel"], u["delai_median_jours"]) == (1.0, 0.5, (77 + 98) / 2)
    a = _ligne(df, "absences_persistance", "absences_10")
    # alertés : Jean, Lucas (2 MELEC) ; issue : Lucas seul, 10e demi-journée le 16/01/2026 (47 jours)
    assert (a["alertes"], a["issues"], a["alertes_avec_issue"], a["delai_median_jours"]) == (2, 1, 1, 47)
    assert (a["precision"], a["rappel"]) == (0.5, 1.0)
    d = _ligne(df, "moyenne_basse", "depart")
    assert (d["issues"], d["alertes_avec_issue"], d["delai_median_jours"]) == (1, 1, 77)
    # Sans historique des classes par année, « même niveau l'année suivante » ne se mesure pas.
    n = _ligne(df, "moyenne_basse", "meme_niveau")
    assert not n["mesurable"] and n["precision"] is None and n["issues"] is None


def test_alertes_comme_on_les_savait_a_la_coupure(histoire):
    # Avec toutes les données, Aïssa (T2) et Lucas 3B (décembre) sont alertés…
    tout = alertes(histoire, au=AU)
    assert {"N'DIAYE", "MARTIN"} <= set(tout.filter(pl.col("regle").is_in(["moyenne_basse", "absences_mois"]))["nom"])
    # … mais pas à la coupure : seules les données datées au plus tard du 30/11 sont lues.
    passe = validation.alertes_au(histoire, COUPURE, "2025-2026")
    assert sorted(passe.filter(regle="moyenne_basse")["nom"]) == ["DUPONT", "LEFÈVRE"]
    assert passe.filter(regle="absences_mois").is_empty()
    df = validation.validation(histoire, au=AU)
    assert _ligne(df, "absences_mois", "au_moins_une")["alertes"] == 0
    # La coupure choisie (fin du T2) voit les alertes du T2.
    t2 = validation.validation(histoire, au=AU, coupure="Trimestre 2")
    assert t2["coupure"][0] == dt.date(2026, 3, 8)
    assert _ligne(t2, "moyenne_basse", "depart")["alertes"] == 2  # Jean (T1), Aïssa (T2) ; Chloé est partie
    with pytest.raises(VigieError, match="Trimestre 9"):
        validation.validation(histoire, au=AU, coupure="Trimestre 9")


def test_issues_apres_la_coupure_seulement(histoire):
    o, mesurables = validation.issues(histoire, "2025-2026", COUPURE)
    # Chloé a 5 au T1 et Jean 10 demi-journées en octobre : avant la coupure, ce ne sont pas des issues.
    noms = dict(histoire.sql("SELECT eleve_id, nom || ' ' || classe AS n FROM eleves").iter_rows())
    assert sorted(noms[e] for e in o["moyenne_sous_10"]) == ["DUPONT 3A", "N'DIAYE 3A"]
    assert [noms[e] for e in o["absences_10"]] == ["MARTIN 2 MELEC"]
    assert list(o["absences_10"].values()) == [dt.date(2026, 1, 16)]
    assert [noms[e] for e in o["depart"]] == ["LEFÈVRE 3A"]
    assert "meme_niveau" not in mesurables and "moyenne_sous_10" in mesurables
    # Coupure au 30/06 : plus de période restante, les issues de moyenne ne se mesurent pas.
    _, m = validation.issues(histoire, "2025-2026", dt.date(2026, 6, 30))
    assert "moyenne_sous_10" not in m


def test_suivi_separe_les_eleves_aides(histoire, tmp_path: Path):
    db = tmp_path / "vigie.duckdb"
    direction = Utilisateur("dir", "direction", "Direction")
    jean = histoire.valeur("SELECT eleve_id FROM eleves WHERE nom = 'DUPONT'")
    suivi.ajouter(db, histoire, direction, suivi.Saisie(jean, "procedure", "contact_famille", dt.date(2025, 12, 2)))
    df = validation.validation(histoire, au=AU, suivi_db=db)
    avec, sans = _ligne(df, "absences_persistance", "absences_10", "avec_suivi"), _ligne(df, "absences_persistance", "absences_10", "sans_suivi")
    assert (avec["eleves"], avec["alertes"], avec["alertes_avec_issue"]) == (1, 1, 0)  # Jean, aidé : pas d'issue
    assert (sans["eleves"], sans["alertes"], sans["alertes_avec_issue"]) == (4, 1, 1)


def test_reservee_a_la_direction(histoire):
    restreindre(histoire.con, Utilisateur("pp", "professeur_principal", "PP", classes=("3A",)))
    with pytest.raises(VigieError, match="direction"):
        validation.validation(histoire, au=AU)


def test_et_si_sans_rien_changer(histoire):
    r = validation.et_si(histoire, au=AU, seuils=[("notes", "seuil_matiere", "moyenne_basse", (6.0, 7.5))])
    m = r.chiffres.filter(issue="moyenne_sous_10")
    par_valeur = {row["valeur"]: row for row in m.iter_rows(named=True)}
    assert sorted(par_valeur) == [6.0, 7.5, 8.0] and par_valeur[8.0]["actuelle"]
    # sous 8 : Jean (7) et Chloé (5) ; sous 7,5 : les mêmes ; sous 6 : Chloé seule (fausse alerte)
    assert [par_valeur[v]["alertes"] for v in (6.0, 7.5, 8.0)] == [1, 2, 2]
    assert par_valeur[6.0]["precision"] == 0.0 and par_valeur[8.0]["precision"] == 0.5
    assert r.non_calcules == [] and r.secondes <= r.budget
    # Les réglages du fichier ne changent pas : la validation ordinaire garde le seuil 8.
    assert _ligne(validation.validation(histoire, au=AU), "moyenne_basse", "moyenne_sous_10")["alertes"] == 2
    # Budget épuisé : les variantes restantes sont dites, pas calculées.
    vide = validation.et_si(histoire, au=AU, budget=0, seuils=[("notes", "seuil_matiere", "moyenne_basse", (6.0,))])
    assert vide.chiffres.is_empty() and len(vide.non_calcules) == 2
    # Les seuils légaux (4 et 10 demi-journées) ne sont pas réglables.
    assert not {c for _, c, _, _ in validation.SEUILS_REGLABLES} & {"seuil_mois_non_justifiees", "seuil_persistance"}


def test_les_chiffres_survivent_a_la_purge(histoire, tmp_path: Path):
    db = tmp_path / "vigie.duckdb"
    avant = validation.validation(histoire, au=AU, suivi_db=db)
    with pytest.raises(VigieError, match="pas terminée"):  # une année en cours n'est pas figée
        validation.archiver(db, histoire, "2025-2026", aujourdhui=dt.date(2026, 6, 1))
    assert validation.archives(db).is_empty()
    assert validation.archiver(db, histoire, "2025-2026", aujourdhui=dt.date(2026, 9, 1)) == avant.height
    purger(histoire, "2025-2026", aujourdhui=dt.date(2026, 9, 1))
    assert histoire.valeur("SELECT count(*) FROM notes") == 0
    garde = validation.historique(histoire, db, au=AU)
    assert garde.height == avant.height
    assert _ligne(garde, "moyenne_basse", "moyenne_sous_10")["precision"] == 0.5
    # Anonyme : aucun identifiant, nom ni classe d'élève n'est gardé.
    assert not {"eleve_id", "nom", "prenom", "classe"} & set(garde.columns)


def test_jamais_de_donnee_demographique():
    texte = Path(validation.__file__).read_text(encoding="utf-8").split('"""', 2)[2]
    for interdit in ("accompagnement", "sexe", "date_naissance"):
        assert interdit not in texte


# --- Page Alertes (AppTest) ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ecole_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.ecole_dashboard import construire

    return construire(tmp_path_factory.mktemp("validation") / "ecole.duckdb")


def test_section_de_la_page_alertes_pour_la_direction_seule(ecole_db, monkeypatch):
    from tests.test_dashboard_pages import ouvrir

    monkeypatch.setenv("VIGIE_DB", str(ecole_db))
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    at = ouvrir("alertes")
    assert "Ce que valent les alertes ici" in [h.value for h in at.subheader]
    assert any(s.label == "Issue" for s in at.selectbox)
    tableaux = [d.value for d in at.dataframe]
    assert tableaux and "Précision (IC 95 %)" in tableaux[-1].columns
    texte = " ".join(str(x) for t in tableaux for x in t.to_numpy().ravel())
    assert "None" not in texte and "nan" not in texte
    cpe = ouvrir("alertes", utilisateur=Utilisateur("c", "cpe"))
    assert "Ce que valent les alertes ici" not in [h.value for h in cpe.subheader]
    with pytest.raises(VigieError, match="direction"):
        validation.pour_page(ecole_db, None, Utilisateur("c", "cpe"))


def test_cli_validation_puis_purge_garde_les_chiffres(tmp_path, capsys):
    import vigie_cli
    from tests.ecole_dashboard import construire

    db = construire(tmp_path / "ecole.duckdb")
    assert vigie_cli.main(["alerts", "--validation", "--db", str(db), "--format", "csv"]) == 0
    avant = capsys.readouterr().out
    assert avant.splitlines()[0].split(";") == list(validation.COLONNES)
    assert len(avant.splitlines()) > 1 and "2025-2026" in avant
    assert vigie_cli.main(["purge", "--db", str(db), "--annee", "2025-2026"]) == 0
    assert "Validation des alertes 2025-2026" in capsys.readouterr().out
    assert vigie_cli.main(["alerts", "--validation", "--db", str(db), "--format", "csv"]) == 0
    assert capsys.readouterr().out == avant  # les chiffres de l'année purgée sont ceux gardés
    assert vigie_cli.main(["alerts", "--validation", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("Issue : Au moins une de ces issues.")


def test_meme_niveau_l_annee_suivante(histoire, tmp_path):
    # La liste de 2026-2027 : Jean reste en 3e (3B), Lucas reste en 2nde (2 MELEC), les autres y passent.
    suivants = [e.model_copy(update={"classe": "3B" if e.nom == "DUPONT" else "2 MELEC"}) for e in ELEVES
                if e.nom != "LEFÈVRE"]
    res = histoire.importer(lot(tmp_path, "pronote-eleves", "2026", effectif=True, annee="2026-2027", eleves=suivants))
    assert res.statut == "reussi", res.message
    o, mesurables = validation.issues(histoire, "2025-2026", COUPURE)
    assert "meme_niveau" in mesurables
    jean = histoire.valeur("SELECT eleve_id FROM eleves WHERE nom = 'DUPONT'")
    lucas = histoire.valeur("SELECT eleve_id FROM scolarites WHERE annee = '2025-2026' AND classe = '2 MELEC'")
    assert o["meme_niveau"] == {jean: dt.date(2026, 9, 1), lucas: dt.date(2026, 9, 1)}
    m = _ligne(validation.validation(histoire, au=AU, annees=["2025-2026"]), "moyenne_basse", "meme_niveau")
    # alertés : Jean, Chloé ; issues : Jean, Lucas ; délai : 30/11/2025 → 01/09/2026 = 275 jours
    assert (m["alertes"], m["issues"], m["alertes_avec_issue"], m["delai_median_jours"]) == (2, 2, 1, 275)


def test_rejouer_une_annee_ne_relit_pas_les_notes_des_autres(histoire, tmp_path):
    """``alertes_au`` ne montre que les devoirs de l'année rejouée (les règles de notes ne lisent jamais une
    autre année) : un devoir d'une autre année, même daté avant la coupure, n'est pas relu, et les alertes
    de l'année sont celles du rejeu complet (même élève, règle, période, gravité, explication). Vérifié
    aussi, hors test, sur les trois années de M et l'école fictive à chaque fin de période (01/12/2026)."""
    ancien = Devoir(classe="3A", matiere="MATHEMATIQUES", periode="Trimestre 3", date=dt.date(2025, 6, 2), titre="DS d'avant")
    histoire.con.execute("INSERT INTO t_devoirs (devoir_id, classe, matiere, service_source, annee, periode, date, titre, "
                         "bareme, coefficient, ramener_sur_20, bonus, facultatif, import_id) VALUES "
                         "(?, '3A', 'MATHEMATIQUES', '', '2024-2025', 'Trimestre 3', DATE '2025-06-02', 'DS d''avant', "
                         "20, 1, true, false, false, 0)", [ancien.devoir_id()])
    complet = validation.au_jour(histoire, COUPURE)
    seule = validation.au_jour(histoire, COUPURE, annee_des_notes="2025-2026")
    try:
        assert complet.valeur("SELECT count(*) FROM t_devoirs WHERE annee = '2024-2025'") == 1
        assert seule.valeur("SELECT count(*) FROM t_devoirs WHERE annee = '2024-2025'") == 0
        cles = ["eleve_id", "regle", "annee", "periode", "gravite", "explication"]
        tout = alertes(complet, au=COUPURE).filter(pl.col("annee").is_null() | (pl.col("annee") == "2025-2026"))
        assert sorted(validation.alertes_au(histoire, COUPURE, "2025-2026").select(cles).rows()) == sorted(
            tout.select(cles).rows())
        assert tout.height > 0
    finally:
        complet.close()
        seule.close()
