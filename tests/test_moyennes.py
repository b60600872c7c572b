"""Les moyennes comme Pronote : chaque exemple documenté, calculé à la main."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from models.moyennes import (
    distribution_devoirs, evolution, familles, moyennes, moyennes_calculees, moyennes_familles,
)
from models.acces import Utilisateur, restreindre
from models.records import Devoir, Famille, Matiere, MoyenneSource, Note, RefEleve, StatutNote

from .conftest import ELEVES, lot

JEAN = RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A")
CHLOE = RefEleve(nom_complet="LEFEVRE Chloé", classe="3A")
AISSA = RefEleve(nom_complet="N'DIAYE Aïssa", classe="3A")
_rang = itertools.count()


def devoir(matiere: str = "MATHEMATIQUES", periode: str = "Trimestre 1", **kw) -> Devoir:
    """Un devoir distinct à chaque appel (``rang`` différent)."""
    kw.setdefault("date", dt.date(2025, 10, 1) if periode == "Trimestre 1" else dt.date(2026, 1, 10))
    kw.setdefault("titre", "DS")
    return Devoir(classe="3A", matiere=matiere, periode=periode, rang=next(_rang), **kw)


def note(d: Devoir, valeur: float | None, eleve: RefEleve = JEAN, statut: StatutNote = StatutNote.NOTE) -> Note:
    return Note(eleve=eleve, devoir=d, valeur=valeur, statut=statut)


def charger(wh, tmp_path, notes, matieres=(), moyennes_src=()):
    res = wh.importer(
        lot(tmp_path, "pronote-notes", repr(notes), notes=list(notes), matieres=list(matieres),
            moyennes=list(moyennes_src))
    )
    assert res.statut == "reussi", res.message


def moyenne(wh, matiere="MATHEMATIQUES", eleve="DUPONT", periode="Trimestre 1"):
    df = moyennes(wh, periode=periode).filter(nom=eleve)
    df = df.filter(df["matiere"].is_null()) if matiere is None else df.filter(matiere=matiere)
    assert df.height == 1, df
    return df.row(0, named=True)


def test_ramener_sur_20_coche(ecole, tmp_path):
    # 18/20, 2/10, 1/5 ramenées sur 20 : (18 + 4 + 4) / 3 = 8,666…
    charger(ecole, tmp_path, [note(devoir(bareme=b, ramener_sur_20=True), v) for b, v in ((20, 18), (10, 2), (5, 1))])
    assert moyenne(ecole)["moyenne"] == pytest.approx(26 / 3)


def test_ramener_sur_20_decoche_pese_le_bareme(ecole, tmp_path):
    # Mêmes notes, barème comme poids : 20 × (18 + 2 + 1) / (20 + 10 + 5) = 12
    charger(ecole, tmp_path, [note(devoir(bareme=b, ramener_sur_20=False), v) for b, v in ((20, 18), (10, 2), (5, 1))])
    assert moyenne(ecole)["moyenne"] == pytest.approx(12)


def test_coefficients_de_devoir(ecole, tmp_path):
    # (12 × 2 + 18 × 1) / 3 = 14 ; coefficient 0 : ne compte pas (ni dans nb_notes)
    charger(ecole, tmp_path, [note(devoir(coefficient=2), 12), note(devoir(), 18), note(devoir(coefficient=0), 0)])
    m = moyenne(ecole)
    assert m["moyenne"] == pytest.approx(14) and m["nb_notes"] == 2


def test_coefficient_decimal_et_bareme_non_ramene(ecole, tmp_path):
    # 20 × (0,5 × 30 + 1,5 × 5) / (0,5 × 40 + 1,5 × 10) = 20 × 22,5 / 35 = 12,857…
    charger(ecole, tmp_path, [note(devoir(bareme=40, coefficient=0.5, ramener_sur_20=False), 30),
                              note(devoir(bareme=10, coefficient=1.5, ramener_sur_20=False), 5)])
    assert moyenne(ecole)["moyenne"] == pytest.approx(20 * 22.5 / 35)


@pytest.mark.parametrize(
    ("bonus", "attendu"),
    [(None, 14), (17, 17.5), (8, 14), (10, 14)],
    ids=["sans-bonus", "bonus-17", "bonus-8-sans-effet", "bonus-10-sans-effet"],
)
def test_bonus_seuls_les_points_au_dessus_de_10(ecole, tmp_path, bonus, attendu):
    # (12 + 16)/2 = 14 ; bonus 17 → (12 + 16 + 7)/2 = 17,5 ; bonus 8 ou 10 → 14
    notes = [note(devoir(), 12), note(devoir(), 16)]
    if bonus is not None:
        notes.append(note(devoir(bonus=True), bonus))
    charger(ecole, tmp_path, notes)
    m = moyenne(ecole)
    assert m["moyenne"] == pytest.approx(attendu) and m["nb_notes"] == 2


def test_bonus_sur_10_converti_et_plafond_a_20(ecole, tmp_path):
    # bonus 9/10 = 18/20 → 8 points : (19 + 8)/1 = 27 → plafonnée à 20
    charger(ecole, tmp_path, [note(devoir(), 19), note(devoir(bonus=True, bareme=10), 9)])
    assert moyenne(ecole)["moyenne"] == 20


@pytest.mark.parametrize(
    ("facultatifs", "attendu", "nb"),
    [((), 17, 2), ((20,), 18, 3), ((20, 17), 18, 3), ((17, 20), 18, 3), ((15,), 17, 2)],
)
def test_facultatifs_seulement_s_ils_font_monter(ecole, tmp_path, facultatifs, attendu, nb):
    # (16 + 18)/2 = 17 ; + 20 → 18 ; + 17 → 17,75 < 18 : ignoré ; 15 seul ferait baisser : ignoré
    notes = [note(devoir(), 16), note(devoir(), 18)] + [note(devoir(facultatif=True), v) for v in facultatifs]
    charger(ecole, tmp_path, notes)
    m = moyenne(ecole)
    assert m["moyenne"] == pytest.approx(attendu) and m["nb_notes"] == nb


def test_facultatifs_en_ordre_decroissant_jusqu_au_premier_inutile(ecole, tmp_path):
    # base 10 ; facultatifs 16, 14, 11 : 16 → 13 ; 14 > 13 → 13,33… ; 11 < 13,33 → ignoré
    notes = [note(devoir(), 10)] + [note(devoir(facultatif=True), v) for v in (11, 14, 16)]
    charger(ecole, tmp_path, notes)
    assert moyenne(ecole)["moyenne"] == pytest.approx(40 / 3)


def test_statuts(ecole, tmp_path):
    # absent, dispense, non_note, inapte, non_rendu, non_concerne écartés ; absent_zero et non_rendu_zero = 0
    ecartes = [StatutNote.ABSENT, StatutNote.DISPENSE, StatutNote.NON_NOTE, StatutNote.INAPTE,
               StatutNote.NON_RENDU, StatutNote.NON_CONCERNE]
    notes = [note(devoir(), 15), note(devoir(), 12)] + [note(devoir(), None, statut=s) for s in ecartes]
    charger(ecole, tmp_path, notes)
    assert moyenne(ecole)["moyenne"] == pytest.approx(13.5)
    charger(ecole, tmp_path, [note(devoir(), None, statut=StatutNote.ABSENT_ZERO),
                              note(devoir(), None, statut=StatutNote.NON_RENDU_ZERO)])
    m = moyenne(ecole)  # (15 + 12 + 0 + 0)/4
    assert m["moyenne"] == pytest.approx(6.75) and m["nb_notes"] == 4


def test_sous_services_rattaches_au_service(ecole, tmp_path):
    # Écrit : (10 + 14)/2 = 12 ; Oral : 16 ; ANGLAIS = (12 + 16)/2 = 14 (et non 13,33 en mélangeant les notes)
    ecrit, oral = "ANGLAIS LV1 > Expression écrite", "ANGLAIS LV1 > Expression orale"
    charger(ecole, tmp_path, [note(devoir(ecrit), 10), note(devoir(ecrit), 14), note(devoir(oral), 16)],
            matieres=[Matiere(libelle="ANGLAIS LV1", coefficient=3), Matiere(libelle=ecrit), Matiere(libelle=oral)])
    m = moyenne(ecole, "ANGLAIS LV1")
    assert m["moyenne"] == pytest.approx(14) and m["nb_notes"] == 3 and m["coefficient"] == 3
    assert moyennes(ecole).filter(moyennes(ecole)["matiere"].str.contains(">")).height == 0


def test_sous_services_ponderes_par_leur_coefficient(ecole, tmp_path):
    # Écrit 12 coef 2, Oral 18 coef 1 : (24 + 18)/3 = 14 ; sans fiche matière le service se déduit du libellé
    ecrit, oral = "ANGLAIS LV1 > Expression écrite", "ANGLAIS LV1 > Expression orale"
    charger(ecole, tmp_path, [note(devoir(ecrit), 12), note(devoir(oral), 18)],
            matieres=[Matiere(libelle=ecrit, coefficient=2)])
    assert moyenne(ecole, "ANGLAIS LV1")["moyenne"] == pytest.approx(14)


def test_moyenne_generale_ponderee_par_les_coefficients_de_matiere(ecole, tmp_path):
    # MATHS 12 coef 4, FRANÇAIS 15 coef 2, EPS 9 (coefficient 1 par défaut) : (48 + 30 + 9)/7 = 12,428…
    charger(ecole, tmp_path, [note(devoir("MATHEMATIQUES"), 12), note(devoir("FRANCAIS"), 15),
                              note(devoir("EPS"), 9)],
            matieres=[Matiere(libelle="MATHEMATIQUES", coefficient=4), Matiere(libelle="FRANCAIS", coefficient=2)])
    m = moyenne(ecole, None)
    assert m["moyenne"] == pytest.approx(87 / 7) and m["nb_notes"] == 3


def test_stats_de_classe_et_rang_ex_aequo(ecole, tmp_path):
    # Jean 14, Chloé 14, Aïssa 8 : moyenne 12, min 8, max 14, médiane 14, rangs 1, 1, 3
    d = devoir()
    charger(ecole, tmp_path, [note(d, 14, JEAN), note(d, 14, CHLOE), note(d, 8, AISSA)])
    df = moyennes(ecole, classe="3A").filter(matiere="MATHEMATIQUES").sort("nom")
    assert df["rang"].to_list() == [1, 1, 3]  # DUPONT, LEFÈVRE, N'DIAYE
    r = df.row(0, named=True)
    assert (r["moyenne_classe"], r["min_classe"], r["max_classe"], r["mediane_classe"]) == (12, 8, 14, 14)
    assert moyennes(ecole, classe="3B").height == 0


def test_faible_confiance_sous_trois_notes(ecole, tmp_path):
    charger(ecole, tmp_path, [note(devoir("MATHEMATIQUES"), 12), note(devoir("MATHEMATIQUES"), 13),
                              note(devoir("HISTOIRE"), 5), note(devoir("HISTOIRE"), 6), note(devoir("HISTOIRE"), 7)])
    df = moyennes(ecole).filter(nom="DUPONT")
    assert dict(zip(df["matiere"], df["faible_confiance"])) == {None: False, "MATHEMATIQUES": True, "HISTOIRE": False}


def test_moyenne_de_pronote_gardee_a_cote_avec_l_ecart(ecole, tmp_path):
    charger(ecole, tmp_path, [note(devoir(), 12), note(devoir(), 13)],
            moyennes_src=[MoyenneSource(eleve=JEAN, periode="Trimestre 1", matiere="MATHEMATIQUES", moyenne=12.0),
                          MoyenneSource(eleve=JEAN, periode="Trimestre 1", moyenne=12.5)])
    m = moyenne(ecole)
    assert m["moyenne_pronote"] == 12.0 and m["ecart_pronote"] == pytest.approx(0.5)
    g = moyenne(ecole, None)
    assert g["moyenne_pronote"] == 12.5 and g["ecart_pronote"] == pytest.approx(0)


def test_vue_publique_moyennes_colonnes(ecole, tmp_path):
    charger(ecole, tmp_path, [note(devoir(), 12)])
    colonnes = ecole.sql("SELECT * FROM moyennes").columns
    for c in ("eleve_id", "classe", "periode", "matiere", "moyenne", "nb_notes", "moyenne_classe",
              "min_classe", "max_classe", "rang"):
        assert c in colonnes
    assert ecole.valeur("SELECT count(*) FROM moyennes WHERE matiere IS NULL") == 1


def test_stats_de_classe_de_toute_la_classe_pour_un_role_restreint(ecole, tmp_path):
    # Le coordonnateur ULIS ne voit qu'Aïssa (ULIS) ; la moyenne, le min, le max, la médiane et le rang
    # de sa classe restent ceux de toute la 3A, comme Pronote les montre aux élèves et aux parents :
    # Jean 14, Chloé 14, Aïssa 8 → moyenne 12, min 8, max 14, médiane 14, Aïssa 3e.
    ecole.importer(lot(tmp_path, "pronote-eleves", "ulis", effectif=True, eleves=[
        ELEVES[2].model_copy(update={"accompagnement": frozenset({"ULIS"})})]))
    d = devoir()
    charger(ecole, tmp_path, [note(d, 14, JEAN), note(d, 14, CHLOE), note(d, 8, AISSA)])
    tous = moyennes(ecole, classe="3A").filter(nom="N'DIAYE")
    restreindre(ecole.con, Utilisateur("ulis", "coordonnateur_ulis"))
    vues = moyennes(ecole)
    assert set(vues["nom"]) == {"N'DIAYE"}  # les lignes individuelles, elles, sont restreintes
    assert vues.drop("moyenne_pronote", "ecart_pronote").rows() == tous.drop("moyenne_pronote", "ecart_pronote").rows()
    r = vues.filter(matiere="MATHEMATIQUES").row(0, named=True)
    assert (r["moyenne_classe"], r["min_classe"], r["max_classe"], r["mediane_classe"], r["rang"]) == (12, 8, 14, 14, 3)
    assert evolution(ecole, r["eleve_id"])["moyenne_classe"].to_list() == [12]
    assert ecole.valeur("SELECT count(*) FROM moyennes") == 2  # la vue publique aussi : maths et générale


def test_distribution_devoirs_echec_collectif(ecole, tmp_path):
    d1, d2 = devoir(titre="rate"), devoir(bareme=10)
    charger(ecole, tmp_path, [note(d1, 4, JEAN), note(d1, 6, CHLOE), note(d1, 15, AISSA),
                              note(d2, 8, JEAN), note(d2, 5, CHLOE), note(d2, None, AISSA, StatutNote.ABSENT)])
    df = distribution_devoirs(ecole, "3A", "Trimestre 1").sort("devoir_id")
    par = {r["devoir_id"]: r for r in df.iter_rows(named=True)}
    a, b = par[d1.devoir_id()], par[d2.devoir_id()]
    assert (a["nb_notes"], a["moyenne"], a["nb_sous_10"], a["echec_collectif"]) == (3, pytest.approx(25 / 3), 2, True)
    assert (b["nb_notes"], b["moyenne"], b["min"], b["echec_collectif"]) == (2, 13, 10, False)


def test_evolution_et_familles(ecole, tmp_path):
    ecole.importer(lot(tmp_path, "m", "m", matieres=[
        Matiere(libelle="MATHEMATIQUES"), Matiere(libelle="ATELIER", famille=Famille.PROFESSIONNEL, coefficient=2)]))
    charger(ecole, tmp_path, [note(devoir("MATHEMATIQUES"), 8), note(devoir("ATELIER"), 17),
                              note(devoir("MATHEMATIQUES", "Trimestre 2"), 12)])
    ev = evolution(ecole, moyenne(ecole)["eleve_id"])
    # T1 : (8 + 2 × 17)/3 = 14 ; T2 : 12 → variation −2
    assert ev["periode"].to_list() == ["Trimestre 1", "Trimestre 2"]
    assert ev["moyenne"].to_list() == pytest.approx([14, 12]) and ev["variation"][1] == pytest.approx(-2)
    fam = moyennes_familles(ecole, "3A", "Trimestre 1").row(0, named=True)
    assert (fam["moyenne_general"], fam["moyenne_professionnel"], fam["ecart"]) == (8, 17, -9)


def test_moyennes_calculees_et_familles_comme_moyennes_familles(ecole, tmp_path):
    # Ce que lisent les alertes : la vue sans tri, et les familles déduites d'elle (sans relire les notes).
    ecole.importer(lot(tmp_path, "m", "m", matieres=[
        Matiere(libelle="MATHEMATIQUES"), Matiere(libelle="ATELIER", famille=Famille.PROFESSIONNEL, coefficient=2)]))
    charger(ecole, tmp_path, [note(devoir("MATHEMATIQUES"), 8), note(devoir("MATHEMATIQUES"), 9),
                              note(devoir("ATELIER"), 17), note(devoir("ATELIER"), 15, CHLOE),
                              note(devoir("FRANCAIS"), 11, CHLOE), note(devoir("MATHEMATIQUES", "Trimestre 2"), 12)])
    m = moyennes_calculees(ecole)
    assert m.height == moyennes(ecole).height == 8  # T1 : 2 matières + la générale par élève ; Jean T2 : 1 + 1
    jean = m.filter(nom="DUPONT", periode="Trimestre 1", matiere="MATHEMATIQUES").row(0, named=True)
    assert (jean["moyenne"], jean["nb_notes"], jean["faible_confiance"], jean["famille"]) == (8.5, 2, True, "general")
    fam = familles(m)
    attendu = moyennes_familles(ecole, None, None)
    assert fam.columns == attendu.columns
    assert fam.select(attendu.columns).rows() == attendu.rows()
    # Jean T1 : général 8,5 (2 notes), professionnel 17 (1 note), écart −8,5
    assert fam.row(0, named=True)["ecart"] == -8.5


def test_distribution_devoirs_de_toute_la_classe_pour_un_role_restreint(ecole, tmp_path):
    # Aïssa (ULIS) seule visible ; le devoir garde les chiffres de la 3A : (14 + 14 + 8)/3 = 12, min 8.
    ecole.importer(lot(tmp_path, "pronote-eleves", "ulis", effectif=True, annee="2025-2026", eleves=[
        ELEVES[2].model_copy(update={"accompagnement": frozenset({"ULIS"})})]))
    d, autre = devoir(), devoir("FRANCAIS")
    charger(ecole, tmp_path, [note(d, 14, JEAN), note(d, 14, CHLOE), note(d, 8, AISSA), note(autre, 11, JEAN)])
    tous = distribution_devoirs(ecole, "3A", "Trimestre 1").filter(devoir_id=d.devoir_id())
    restreindre(ecole.con, Utilisateur("ulis", "coordonnateur_ulis"))
    vus = distribution_devoirs(ecole, "3A", "Trimestre 1")
    assert vus["devoir_id"].to_list() == [d.devoir_id()]  # le devoir de français, sans Aïssa, n'est pas rendu
    assert vus.rows() == tous.rows()
    assert (vus["nb_notes"][0], vus["moyenne"][0], vus["min"][0]) == (3, 12, 8)
