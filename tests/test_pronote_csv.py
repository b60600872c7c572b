"""Le lecteur bas niveau des CSV Pronote : cellules citées sans échappement, en-têtes, jetons, totaux."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import pronote_csv as pc
from models.errors import ImportRejected
from models.records import StatutNote

F = Path("NOTES.csv")


def test_cellule_citee_avec_guillemets_interieurs_non_echappes() -> None:
    cellules, citees = pc.decouper_ligne('"Jean "Jo" Dupont";"3A";12;"15,50"')
    assert cellules == ('Jean "Jo" Dupont', "3A", "12", "15,50")
    assert citees == (True, True, False, True)


def test_guillemet_final_et_cellule_vide_citee() -> None:
    cellules, _ = pc.decouper_ligne('"Il a dit "non"";"";x;')
    assert cellules == ('Il a dit "non"', "", "x", "")


def test_point_virgule_dans_une_cellule_citee_sans_etre_suivi_de_guillemet() -> None:
    # « ; » n'est séparateur que si le guillemet qui le précède ferme : ici il est à l'intérieur
    cellules, _ = pc.decouper_ligne('"a; b";"c"')
    assert cellules == ("a; b", "c")


def test_guillemets_doubles_par_excel_sont_dedoubles() -> None:
    cellules, _ = pc.decouper_ligne('"Jean ""Jo"" Dupont";3A')
    assert cellules == ('Jean "Jo" Dupont', "3A")


def test_html_retire_des_cellules() -> None:
    cellules, _ = pc.decouper_ligne('"<i class="icon_venus"></i> F";"<b>Abs</b>"')
    assert cellules == ("F", "Abs")


def test_decouper_numerote_les_lignes_et_garde_les_sauts_internes() -> None:
    texte = 'Élève;Note\r\n\r\n"DUPONT Jean";"12"\r\n"MARTIN\nLéa";"Abs"\r\n'
    lignes = pc.decouper(texte)
    assert [l.numero for l in lignes] == [1, 3, 4]
    assert lignes[2].cellules == ("MARTIN Léa", "Abs")


def test_decouper_fin_de_ligne_unix() -> None:
    lignes = pc.decouper('A;B\n"x";1\n"y";2\n')
    assert [(l.numero, l.cellules) for l in lignes] == [(1, ("A", "B")), (2, ("x", "1")), (3, ("y", "2"))]


def test_nombre_d_entetes_de_un_a_trois() -> None:
    une = pc.decouper('Nom;Moyenne\r\n"A";"12"')
    deux = pc.decouper('FRANÇAIS;;\r\nMoyenne;Positionnement;Absence\r\n"12,5";"Atteint";0')
    trois = pc.decouper('a;b\r\nc;d\r\ne;f\r\n"x";"y"')
    quatre = pc.decouper('a;b\r\nc;d\r\ne;f\r\ng;h\r\n"x";"y"')
    assert [pc.nb_entetes(x) for x in (une, deux, trois, quatre)] == [1, 2, 3, 3]


def test_entetes_sans_guillemets_du_tout_reperes_aux_nombres_et_dates() -> None:
    # fichier réenregistré par Excel : plus aucun guillemet
    lignes = pc.decouper("Nom;Né(e) le\r\nSous-titre;\r\nDUPONT;04/03/2011")
    assert pc.nb_entetes(lignes) == 2


def test_titres_multi_niveaux_continuent_sur_les_cellules_vides() -> None:
    entetes = pc.decouper("Élève;Rang;FRANÇAIS;;;MATHS;;Remarque\r\n;;Moyenne;Pos.;Abs.;Moyenne;Pos.;")
    titres = pc.titres_colonnes(entetes)
    assert titres == [
        ("Élève", ""), ("Rang", ""), ("FRANÇAIS", "Moyenne"), ("FRANÇAIS", "Pos."), ("FRANÇAIS", "Abs."),
        ("MATHS", "Moyenne"), ("MATHS", "Pos."), ("Remarque", ""),
    ]
    assert pc.titre_plat(titres[3]) == "FRANÇAIS / Pos."


def test_trouver_colonnes_tolerant_aux_accents_casse_et_synonymes() -> None:
    syn = {"nom": ("Élève", "Nom"), "naissance": ("Né(e) le", "Date de naissance")}
    cols = pc.trouver_colonnes(["  ELEVE ", "Date de Naissance"], syn, requises=["nom"], fichier=F, ligne=1)
    assert cols == {"nom": 0, "naissance": 1}


def test_colonnes_requises_manquantes_listees() -> None:
    syn = {"nom": ("Élève",), "classe": ("Classe",), "sexe": ("Sexe",)}
    with pytest.raises(ImportRejected) as e:
        pc.trouver_colonnes(["Élève", "Régime"], syn, requises=["nom", "classe", "sexe"], fichier=F, ligne=2)
    msg = str(e.value)
    assert "NOTES.csv" in msg and "ligne 2" in msg and "colonne « classe, sexe »" in msg
    assert "colonnes trouvées : Élève | Régime" in msg
    assert "colonnes manquantes : classe, sexe" in msg


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("15,50", (15.5, StatutNote.NOTE)),
        ("9,5", (9.5, StatutNote.NOTE)),
        ("20", (20.0, StatutNote.NOTE)),
        ("0", (0.0, StatutNote.NOTE)),
        ("Abs", (None, StatutNote.ABSENT)),
        ("Abs.", (None, StatutNote.ABSENT)),
        ("Absent", (None, StatutNote.ABSENT)),
        ("Abs*", (None, StatutNote.ABSENT_ZERO)),
        ("Abs.*", (None, StatutNote.ABSENT_ZERO)),
        ("Disp", (None, StatutNote.DISPENSE)),
        ("Disp.", (None, StatutNote.DISPENSE)),
        ("Dispensé", (None, StatutNote.DISPENSE)),
        ("N.Not", (None, StatutNote.NON_NOTE)),
        ("N. Not.", (None, StatutNote.NON_NOTE)),
        ("NN", (None, StatutNote.NON_NOTE)),
        ("NE", (None, StatutNote.NON_NOTE)),
        ("Inap", (None, StatutNote.INAPTE)),
        ("Inapte", (None, StatutNote.INAPTE)),
        ("N.Rdu", (None, StatutNote.NON_RENDU)),
        ("N. Rendu", (None, StatutNote.NON_RENDU)),
        ("NR", (None, StatutNote.NON_RENDU)),
        ("N. Rendu*", (None, StatutNote.NON_RENDU_ZERO)),
        ("N.Rdu*", (None, StatutNote.NON_RENDU_ZERO)),
        ("X", (None, StatutNote.NON_CONCERNE)),
    ],
)
def test_jetons_de_note(texte: str, attendu: tuple) -> None:
    assert pc.lire_note(texte, fichier=F, ligne=3, colonne="DS1", bareme=20) == attendu


def test_cellule_de_note_vide() -> None:
    assert pc.lire_note("  ", fichier=F, ligne=3, colonne="DS1") is None


@pytest.mark.parametrize("texte", ["Absant", "12,5*", "abc", "1/2"])
def test_jeton_inconnu_refuse_avec_ligne_et_colonne(texte: str) -> None:
    with pytest.raises(ImportRejected) as e:
        pc.lire_note(texte, fichier=F, ligne=7, colonne="DS1")
    assert str(e.value).startswith("fichier « NOTES.csv », ligne 7, colonne « DS1 » : note illisible")


@pytest.mark.parametrize("texte", ["21", "-1", "20,5"])
def test_note_hors_bareme_refusee(texte: str) -> None:
    with pytest.raises(ImportRejected) as e:
        pc.lire_note(texte, fichier=F, ligne=4, colonne=5, bareme=20)
    assert "fichier « NOTES.csv », ligne 4, colonne 5 : la note" in str(e.value)
    assert "sort du barème (0–20)" in str(e.value)


@pytest.mark.parametrize(
    ("cellules", "total"),
    [
        (("Moyenne de la classe", "", "12,4"), True),
        (("Moyenne du groupe", "", "11"), True),
        (("Moyenne générale", "", "10,1"), True),
        (("MOY. CLASSE", "", "10,1"), True),
        (("Note la plus haute", "", "18"), True),
        (("", "", "12,4"), True),
        (("MOYENNE-DUBOIS Paul", "3A", "12"), False),
        (("DUPONT Jean", "3A", "12"), False),
    ],
)
def test_lignes_de_total(cellules: tuple[str, ...], total: bool) -> None:
    ligne = pc.Ligne(9, cellules, (True,) * len(cellules))
    assert pc.est_ligne_total(ligne) is total


def test_cellules_diverses() -> None:
    assert pc.lire_nombre("12,5", fichier=F, ligne=1, colonne=1) == 12.5
    assert pc.lire_nombre("", fichier=F, ligne=1, colonne=1) is None
    assert str(pc.lire_date("04/03/2011", fichier=F, ligne=1, colonne=1)) == "2011-03-04"
    assert pc.lire_case("x", fichier=F, ligne=1, colonne=1) == "X"
    assert pc.lire_case("P", fichier=F, ligne=1, colonne=1) == "P"
    assert pc.lire_case("", fichier=F, ligne=1, colonne=1) is None
    assert pc.valeurs("LATIN - EURO ANGLAIS") == ["LATIN", "EURO ANGLAIS"]
    for fonction, texte in ((pc.lire_nombre, "douze"), (pc.lire_date, "32/13/2011"), (pc.lire_case, "Oui")):
        with pytest.raises(ImportRejected) as e:
            fonction(texte, fichier=F, ligne=6, colonne="Col")
        assert str(e.value).startswith("fichier « NOTES.csv », ligne 6, colonne « Col »")


def test_lire_tableau_bom_et_cp1252(tmp_path: Path) -> None:
    texte = 'Élève;Frais\r\n"DUPONT "Jo" Jean";"12,50 €"\r\n"Moyenne de la classe";""\r\n'
    for encodage in ("utf-8-sig", "cp1252"):
        f = tmp_path / f"t-{encodage}.csv"
        f.write_bytes(texte.encode(encodage))
        t = pc.lire_tableau(f)
        assert [e.cellules for e in t.entetes] == [("Élève", "Frais")]
        assert [(d.numero, d.cellules) for d in t.donnees] == [
            (2, ('DUPONT "Jo" Jean', "12,50 €")), (3, ("Moyenne de la classe", "")),
        ]
        assert pc.est_ligne_total(t.donnees[1])
        assert t.nom_colonne(1) == "Frais" and t.nom_colonne(5) == "6"


def test_lire_tableau_vide_refuse(tmp_path: Path) -> None:
    f = tmp_path / "vide.csv"
    f.write_bytes(b"\xef\xbb\xbf;;\r\n\r\n")
    with pytest.raises(ImportRejected) as e:
        pc.lire_tableau(f)
    assert "vide.csv" in str(e.value)


def test_icone_seule_donne_sa_valeur() -> None:
    cellules, _ = pc.decouper_ligne('"<i class="icon_venus"></i>";"<i class="icon_mars"></i>";"<br/>"')
    assert cellules == ("F", "M", "")
