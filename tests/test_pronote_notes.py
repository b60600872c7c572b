"""pronote-notes : la page Notes d'un service (devoirs en colonnes, jetons, totaux, sous-services)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from connectors import lire as lire_source
from connectors.pronote_eleves import lire as lire_eleves
from connectors.pronote_notes import lire, lire_entete_devoir
from models.errors import ImportRejected
from models.records import Devoir, Note, RefEleve, StatutNote as S
from models.warehouse import Warehouse
from sample_data.ecrire_pronote import ecrire_eleves, ecrire_notes, moyenne_service
from tests.conftest import ELEVES

FIX = Path(__file__).parent / "fixtures" / "pronote"


def test_export_bom_deux_lignes_d_entete_tous_les_jetons() -> None:
    lot = lire(FIX / "MATHEMATIQUES.csv")
    assert lot.source == "pronote-notes" and lot.lignes_lues == 5 and lot.moyennes == []
    devoirs = {(n.devoir.classe, n.devoir.titre): n.devoir for n in lot.notes}
    ds1 = devoirs[("3A", "DS1")]
    assert (ds1.matiere, ds1.date, ds1.bareme, ds1.coefficient, ds1.periode) == (
        "MATHEMATIQUES", dt.date(2025, 10, 3), 20, 2, None)
    interro = devoirs[("3A", 'Interro "flash"')]
    assert (interro.bareme, interro.coefficient) == (10, 1)
    oral, dm = devoirs[("3A", "Oral")], devoirs[("3A", "DM")]
    assert (oral.bonus, oral.facultatif, oral.coefficient) == (True, False, 0.5)
    assert (dm.bonus, dm.facultatif) == (False, True)
    assert devoirs[("3A", "DS2")].bareme == 40
    assert {d.classe for d in devoirs.values()} == {"3A", "3B"}

    par_eleve: dict[str, list[tuple[float | None, S]]] = {}
    for n in lot.notes:
        par_eleve.setdefault(n.eleve.nom_complet or "", []).append((n.valeur, n.statut))
    assert par_eleve == {
        "DUPONT Jean-Marie": [(15.5, S.NOTE), (None, S.ABSENT), (None, S.ABSENT_ZERO), (None, S.DISPENSE),
                              (None, S.NON_NOTE), (None, S.INAPTE), (None, S.NON_RENDU)],
        "LEFÈVRE Chloé Anne": [(None, S.ABSENT), (None, S.ABSENT), (None, S.ABSENT_ZERO), (None, S.DISPENSE),
                               (None, S.NON_NOTE), (None, S.INAPTE), (None, S.NON_RENDU)],
        "N'DIAYE Aïssa": [(9.5, S.NOTE), (7.0, S.NOTE), (None, S.DISPENSE), (None, S.NON_NOTE),
                          (None, S.NON_NOTE), (None, S.NON_RENDU), (None, S.NON_RENDU_ZERO)],
        # cellule vide (Interro) : pas de note ; X : non concerné
        "MARTIN Lucas": [(None, S.NON_CONCERNE), (None, S.NON_RENDU_ZERO), (12.0, S.NOTE), (40.0, S.NOTE),
                         (0.0, S.NOTE), (None, S.NON_CONCERNE)],
    }
    assert lot.notes[0].eleve == RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A", ligne=3)


def test_moyennes_pronote_seulement_avec_une_periode() -> None:
    lot = lire(FIX / "MATHEMATIQUES.csv", periode="Trimestre 1")
    assert {n.devoir.periode for n in lot.notes} == {"Trimestre 1"}
    assert [(m.eleve.nom_complet, m.matiere, m.moyenne, m.moyenne_classe, m.source) for m in lot.moyennes] == [
        ("DUPONT Jean-Marie", "MATHEMATIQUES", 13.4, 11.38, "pronote"),
        ("LEFÈVRE Chloé Anne", "MATHEMATIQUES", None, 11.38, "pronote"),  # vide : inconnue, pas 0
        ("N'DIAYE Aïssa", "MATHEMATIQUES", 9.75, 11.38, "pronote"),
        ("MARTIN Lucas", "MATHEMATIQUES", 11.0, 11.38, "pronote"),
    ]


def test_cp1252_trois_lignes_d_entete_sous_services() -> None:
    lot = lire_source("pronote-notes", FIX / "ANGLAIS LV1.csv", ramener_sur_20="non")
    assert [(n.devoir.matiere, n.devoir.titre, n.devoir.bareme, n.devoir.coefficient, n.valeur, n.statut)
            for n in lot.notes] == [
        ("ANGLAIS LV1 > Compréhension écrite", "Compréhension", 20, 1, 14.0, S.NOTE),
        ("ANGLAIS LV1 > Expression orale", "Débat à 5 €", 10, 2, 7.0, S.NOTE),
        ("ANGLAIS LV1 > Compréhension écrite", "Compréhension", 20, 1, None, S.ABSENT),
        ("ANGLAIS LV1 > Expression orale", "Débat à 5 €", 10, 2, None, S.NON_CONCERNE),
    ]
    assert not any(n.devoir.ramener_sur_20 for n in lot.notes)


def test_une_seule_ligne_d_entete_et_option_classe() -> None:
    lot = lire(FIX / "FRANCAIS.csv", classe="3A", matiere="FRANÇAIS")
    (n,) = lot.notes
    assert (n.eleve.classe, n.devoir.matiere, n.devoir.titre, n.devoir.bareme, n.devoir.date, n.valeur) == (
        "3A", "FRANÇAIS", "Dictée", 10, dt.date(2026, 1, 5), 8.0)


@pytest.mark.parametrize(
    ("entete", "attendu"),
    [
        (("Devoir du 03/10/2025 - DS1", "Sur 20 - Coef. 2"), ("DS1", dt.date(2025, 10, 3), 20, 2, False, False)),
        (("03/10/2025 Contrôle (Bonus)", "/ 10 - Coef 1,5"), ("Contrôle", dt.date(2025, 10, 3), 10, 1.5, True, False)),
        (("Devoir du 03/10/2025 (facultatif)",), ("", dt.date(2025, 10, 3), 20, 1, False, True)),
    ],
)
def test_entetes_de_devoir(entete: tuple[str, ...], attendu: tuple) -> None:
    d = lire_entete_devoir(entete, fichier=Path("M.csv"), ligne=1, colonne=8)
    assert d is not None
    assert (d.titre, d.date, d.bareme, d.coefficient, d.bonus, d.facultatif) == attendu


def test_colonne_sans_date_ni_bareme_ignoree() -> None:
    assert lire_entete_devoir(("Appréciation",), fichier=Path("M.csv"), ligne=1, colonne=9) is None


ENTETE = "Élève;Classe;Moyenne;Devoir du 03/10/2025 - DS1;Devoir du 10/10/2025 - QCM\r\n;;;Sur 20 - Coef. 1;Sur 10\r\n"


def _refus(tmp_path: Path, contenu: str, **options: str) -> str:
    f = tmp_path / "MATHS.csv"
    f.write_bytes(contenu.encode("utf-8-sig"))
    with pytest.raises(ImportRejected) as e:
        lire(f, **options)
    return str(e.value)


@pytest.mark.parametrize(
    ("ligne", "colonne", "raison"),
    [
        ('"A B";"3A";"";"21";""', "Devoir du 03/10/2025 - DS1 / Sur 20 - Coef. 1", "sort du barème (0–20)"),
        ('"A B";"3A";"";"";"10,5"', "Devoir du 10/10/2025 - QCM / Sur 10", "sort du barème (0–10)"),
        ('"A B";"3A";"";"-2";""', "Devoir du 03/10/2025 - DS1 / Sur 20 - Coef. 1", "sort du barème"),
        ('"A B";"3A";"";"Absant";""', "Devoir du 03/10/2025 - DS1 / Sur 20 - Coef. 1", "note illisible « Absant »"),
        ('"A B";"3A";"25,00";"";""', "Moyenne", "hors de 0–20"),
        ('"A B";"";"";"";""', "Classe", "classe vide"),
    ],
)
def test_cellules_refusees(tmp_path: Path, ligne: str, colonne: str, raison: str) -> None:
    msg = _refus(tmp_path, ENTETE + '"C D";"3A";"";"12";"5"\r\n' + ligne + "\r\n", periode="Trimestre 1")
    assert msg.startswith(f"fichier « MATHS.csv », ligne 4, colonne « {colonne} » : ")
    assert raison in msg


def test_entetes_refusees(tmp_path: Path) -> None:
    msg = _refus(tmp_path, 'Nom de famille;Classe\r\n"A";"3A"\r\n')
    assert msg.startswith("fichier « MATHS.csv », ligne 1, colonne « eleve »")
    assert "colonnes trouvées : Nom de famille | Classe" in msg
    msg = _refus(tmp_path, 'Élève;Moyenne\r\n"A";"12"\r\n')
    assert msg.startswith("fichier « MATHS.csv », ligne 1, colonne « Classe »") and "option classe" in msg
    msg = _refus(tmp_path, 'Élève;Classe;DS1 - Sur 20\r\n"A";"3A";"12"\r\n')
    assert msg.startswith("fichier « MATHS.csv », ligne 1, colonne 3 : date du devoir introuvable")
    msg = _refus(tmp_path, 'Élève;Classe;Devoir du 31/02/2025 - DS\r\n"A";"3A";"12"\r\n')
    assert msg.startswith("fichier « MATHS.csv », ligne 1, colonne 3 : date invalide")
    msg = _refus(tmp_path, 'Élève;Classe;Remarque\r\n"A";"3A";"x"\r\n')
    assert msg.startswith("fichier « MATHS.csv », ligne 1, colonne 3 : aucune colonne de devoir")


def test_moyenne_service_calculee_a_la_main() -> None:
    def note(titre: str, valeur: float | None, bareme: float = 20, coef: float = 1, statut: S = S.NOTE,
             **drapeaux: bool) -> Note:
        d = Devoir(classe="3A", matiere="M", date=dt.date(2025, 10, 1), titre=titre, bareme=bareme,
                   coefficient=coef, ramener_sur_20=True, **drapeaux)
        return Note(eleve=RefEleve(nom="A"), devoir=d, valeur=valeur, statut=statut)

    base = [note("a", 15, coef=2), note("b", 5, bareme=10), note("c", None, statut=S.ABSENT_ZERO),
            note("d", None, statut=S.DISPENSE)]
    assert moyenne_service(base) == 10.0  # (15×2 + 10 + 0) / 4
    # un bonus qui relève la moyenne compte : (30 + 10 + 0 + 18) / 5
    assert moyenne_service([*base, note("e", 18, bonus=True)]) == 11.6
    # un facultatif qui la baisserait est écarté
    assert moyenne_service([*base, note("f", 4, facultatif=True)]) == 10.0
    assert moyenne_service([note("g", None, statut=S.ABSENT)]) is None


def _ecole() -> tuple[list[Devoir], list[Note]]:
    devoirs = [
        Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), periode="Trimestre 1",
               titre="DS1", bareme=20, coefficient=2, ramener_sur_20=True),
        Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), periode="Trimestre 1",
               titre="DS1", bareme=20, coefficient=2, rang=1, ramener_sur_20=True),
        Devoir(classe="3A", matiere="MATHEMATIQUES > Calcul mental", date=dt.date(2025, 11, 7),
               periode="Trimestre 1", titre='Oral "flash"', bareme=10, coefficient=0.5, bonus=True,
               ramener_sur_20=True),
        Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 11, 20), periode="Trimestre 1",
               titre="DM", bareme=40, facultatif=True, ramener_sur_20=True),
    ]
    dupont = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
    lefevre = RefEleve(nom="LEFÈVRE", prenom="Chloé Anne", classe="3A")
    notes = [Note(eleve=dupont, devoir=devoirs[0], valeur=15.5), Note(eleve=dupont, devoir=devoirs[1], valeur=0),
             Note(eleve=dupont, devoir=devoirs[2], statut=S.NON_RENDU_ZERO),
             Note(eleve=dupont, devoir=devoirs[3], valeur=34)]
    for d, statut in zip(devoirs, (S.ABSENT_ZERO, S.INAPTE, S.NON_CONCERNE, S.NON_NOTE), strict=True):
        notes.append(Note(eleve=lefevre, devoir=d, statut=statut))
    return devoirs, notes


@pytest.mark.parametrize("encodage", ["utf-8-sig", "cp1252"])
def test_aller_retour(tmp_path: Path, encodage: str) -> None:
    devoirs, notes = _ecole()
    f = tmp_path / "MATHEMATIQUES.csv"
    ecrire_notes(f, devoirs, notes, encodage=encodage)
    brut = f.read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf") == (encodage == "utf-8-sig")
    assert b'"Oral "flash" (bonus)' not in brut and b'Oral "flash" (bonus)' in brut  # en-tête sans guillemets
    assert b'"15,5"' in brut and b'"Moyenne de la classe"' in brut and b"\r\n" in brut
    lot = lire(f, periode="Trimestre 1", ramener_sur_20="oui")  # l'export ne le dit pas
    attendues = [n.model_copy(update={"eleve": n.eleve.model_copy(update={"nom_complet": "LEFÈVRE Chloé Anne",
                                                                         "nom": None, "prenom": None})})
                 if n.eleve.nom else n for n in notes]
    assert [n.model_copy(update={"eleve": n.eleve.model_copy(update={"ligne": None})}) for n in lot.notes] == attendues
    # la moyenne écrite par le générateur revient comme moyenne Pronote : (15,5×2 + 0×2 + 34/2) / 5 = 9,6
    # (le bonus N.Rdu* compterait 0 et baisserait la moyenne : écarté ; Lefèvre : Abs* seul compte, 0)
    assert [(m.eleve.nom_complet, m.moyenne) for m in lot.moyennes] == [
        ("DUPONT Jean-Marie", 9.6), ("LEFÈVRE Chloé Anne", 0.0)]
    assert {m.moyenne_classe for m in lot.moyennes} == {4.8}


def test_import_dans_l_entrepot_liste_puis_notes(tmp_path: Path) -> None:
    liste = tmp_path / "eleves.csv"
    ecrire_eleves(liste, ELEVES)
    with Warehouse() as wh:
        res = wh.importer(lire_eleves(liste))
        assert res.statut == "reussi", res.message
        res = wh.importer(lire(FIX / "MATHEMATIQUES.csv", periode="Trimestre 1"))
        assert res.statut == "reussi", res.message
        assert wh.valeur("SELECT count(*) FROM notes") == 27
        assert wh.valeur("SELECT count(DISTINCT devoir_id) FROM notes") == 13  # 7 en 3A, 6 en 3B
        lignes = wh.sql(
            "SELECT e.nom, n.devoir, n.valeur, n.statut, n.bareme, n.periode FROM notes n JOIN eleves e USING "
            "(eleve_id) WHERE n.devoir IN ('DS1', 'DS2') ORDER BY e.nom, e.classe, n.devoir").rows()
        assert lignes == [
            ("DUPONT", "DS1", 15.5, "note", 20.0, "Trimestre 1"),
            ("DUPONT", "DS2", None, "non_note", 40.0, "Trimestre 1"),
            ("LEFÈVRE", "DS1", None, "absent", 20.0, "Trimestre 1"),
            ("LEFÈVRE", "DS2", None, "non_note", 40.0, "Trimestre 1"),
            ("MARTIN", "DS1", None, "non_concerne", 20.0, "Trimestre 1"),
            ("MARTIN", "DS2", 40.0, "note", 40.0, "Trimestre 1"),
            ("N'DIAYE", "DS1", 9.5, "note", 20.0, "Trimestre 1"),
            ("N'DIAYE", "DS2", None, "non_note", 40.0, "Trimestre 1"),
        ]
        moy = wh.sql("SELECT e.nom, m.matiere, m.moyenne, m.moyenne_classe, m.source, m.annee FROM "
                     "moyennes_pronote m JOIN eleves e USING (eleve_id) ORDER BY e.nom").rows()
        assert moy == [
            ("DUPONT", "MATHEMATIQUES", 13.4, 11.38, "pronote", "2025-2026"),
            ("LEFÈVRE", "MATHEMATIQUES", None, 11.38, "pronote", "2025-2026"),
            ("MARTIN", "MATHEMATIQUES", 11.0, 11.38, "pronote", "2025-2026"),
            ("N'DIAYE", "MATHEMATIQUES", 9.75, 11.38, "pronote", "2025-2026"),
        ]
        # le même fichier réimporté ne change rien
        res = wh.importer(lire(FIX / "MATHEMATIQUES.csv", periode="Trimestre 1"))
        assert (res.statut, res.lignes_inserees, res.lignes_mises_a_jour) == ("reussi", 0, 0)


# --- Les notes en colonnes (NotesLues) ------------------------------------------------------------------

_REF = RefEleve(nom_complet="DUPONT Jean", classe="3A", ligne=4)
_DS = Devoir(classe="3A", matiere="MATHEMATIQUES", date=dt.date(2025, 10, 3), titre="DS1", bareme=10)


def test_notes_lues_se_lisent_comme_des_notes() -> None:
    from models.records import Lot, NotesLues

    bloc = NotesLues([_REF], [_DS], [0, 0], [0, 0], [7.5, None], [S.NOTE, "absent"])
    lot = Lot(source="pronote-notes", fichier=Path("M.csv"), notes=bloc)
    assert lot.notes is bloc  # gardées en colonnes, pas converties note à note par pydantic
    assert len(lot.notes) == 2 and lot.notes[1] == Note(eleve=_REF, devoir=_DS, statut=S.ABSENT)
    assert [(n.valeur, n.statut) for n in lot.notes] == [(7.5, S.NOTE), (None, S.ABSENT)]
    assert lot.notes[:1] == [Note(eleve=_REF, devoir=_DS, valeur=7.5)]


@pytest.mark.parametrize(
    ("eleve", "devoir", "valeur", "statut", "erreur"),
    [
        ([0], [0], [10.5], [S.NOTE], "sort du barème 0–10"),  # barème du devoir, pas 20
        ([0], [0], [-1.0], [S.NOTE], "sort du barème"),
        ([0], [0], [None], [S.NOTE], "doit avoir une valeur"),
        ([0], [0], [3.0], [S.ABSENT], "n'a pas de valeur"),
        ([0], [1], [3.0], [S.NOTE], "inexistant"),
        ([1], [0], [3.0], [S.NOTE], "inexistant"),
        ([0, 0], [0], [3.0], [S.NOTE], "longueurs différentes"),
    ],
)
def test_notes_lues_verifiees_en_bloc(eleve, devoir, valeur, statut, erreur) -> None:
    from models.records import NotesLues

    with pytest.raises(ValueError, match=erreur):
        NotesLues([_REF], [_DS], eleve, devoir, valeur, statut)


def test_l_export_donne_des_notes_en_colonnes() -> None:
    from models.records import NotesLues

    lot = lire(FIX / "MATHEMATIQUES.csv")
    assert isinstance(lot.notes, NotesLues)
    # un élève désigné par ligne d'élève, un devoir par colonne et par classe notée
    assert len(lot.notes.eleves) == len({n.eleve for n in lot.notes})
    assert len(lot.notes.devoirs) == len({n.devoir for n in lot.notes})


def test_reimporter_avec_ou_sans_periode_designe_les_memes_devoirs(ecole: Warehouse) -> None:
    """Le même export importé d'abord sans ``--periode`` (période déduite des dates par le calendrier),
    puis avec la période que le calendrier donne à ces dates : mêmes devoirs, mêmes notes, aucun doublon
    (README : « Réimporter le même fichier ne change rien »). Trouvé en essai : la seconde importation
    doublait chaque note sous un autre identifiant de devoir. Une période indiquée qui contredit le
    calendrier reste, elle, une autre identité (le devoir n'est pas déplacé en silence)."""
    res = ecole.importer(lire(FIX / "MATHEMATIQUES.csv"))
    assert res.statut == "reussi", res.message
    avant = ecole.sql("SELECT devoir_id, eleve_id, valeur, statut FROM notes ORDER BY ALL").rows()
    assert len(avant) == 27 and ecole.valeur("SELECT count(*) FROM t_devoirs") == 13
    res = ecole.importer(lire(FIX / "MATHEMATIQUES.csv", periode="Trimestre 1"))
    assert res.statut == "reussi", res.message
    assert ecole.sql("SELECT devoir_id, eleve_id, valeur, statut FROM notes ORDER BY ALL").rows() == avant
    assert ecole.valeur("SELECT count(*) FROM t_devoirs") == 13
    # seules les moyennes de Pronote, qui ne se lisent qu'avec une période, sont nouvelles
    assert res.lignes_mises_a_jour == 0 and res.lignes_inserees == ecole.valeur("SELECT count(*) FROM moyennes_pronote")


def test_date_collee_a_devoir_du() -> None:
    """« Devoir du02/12/2025 » (espace oublié) : trouvé par la fuzzing de tests/test_pronote_notes_ensemble.py,
    il faisait échouer une assertion interne au lieu d'être lu comme « Devoir du 02/12/2025 »."""
    from connectors.pronote_notes import _lire_entete

    assert _lire_entete(("Devoir du02/12/2025 - Compréhension", "Sur 20 - Coef. 1"))[:4] == (
        "Compréhension", dt.date(2025, 12, 2), 20.0, 1.0)
