"""Connecteur « pronote-absences » : listes d'absences (une ligne par absence ou par élève) et retards."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors import pronote_absences
from models.errors import ImportRejected
from models.records import Absence, RefEleve, Retard, StatutAbsence
from sample_data.ecrire_pronote_suivi import ecrire_absences, ecrire_retards

from .conftest import FIXTURES
from .conftest import ecrire_pronote as _ecrire
from .conftest import situe as _situe

DOSSIER = FIXTURES / "pronote_suivi"
J, NJ, ATT = StatutAbsence.JUSTIFIEE, StatutAbsence.NON_JUSTIFIEE, StatutAbsence.EN_ATTENTE


def _h(jour: str, heure: str) -> dt.datetime:
    return dt.datetime.strptime(f"{jour} {heure}", "%d/%m/%Y %H:%M")


# --- une ligne par absence ------------------------------------------------------------------------


def test_liste_par_absence_deux_lignes_d_entete_html_et_total():
    lot = pronote_absences.lire(DOSSIER / "absences_evenements.csv")
    assert lot.source == "pronote-absences" and lot.lignes_lues == 4
    vu = [
        (a.eleve.nom_complet, a.eleve.classe, a.eleve.ligne, a.debut, a.fin, a.demi_journees_brutes,
         a.demi_journees_calculees, a.statut, a.motif, a.reglee_administrativement)
        for a in lot.absences
    ]
    assert vu == [
        ("DUPONT Jean-Marie", "3A", 3, _h("08/09/2025", "08:00"), _h("08/09/2025", "12:00"), 1, 1, J,
         "Maladie", True),
        # le guillemet intérieur non échappé reste dans le motif
        ("LEFÈVRE Chloé Anne", "3A", 4, _h("15/09/2025", "13:30"), _h("16/09/2025", "17:30"), 3, 2.5, NJ,
         'Convenance "familiale" déclarée', False),
        # la balise <b> qui a fui est retirée ; « En attente » n'est pas « non justifiée »
        ("N'DIAYE Aïssa", "3A", 5, _h("02/10/2025", "08:00"), _h("02/10/2025", "10:00"), 1, 0.5, ATT,
         None, False),
        # pas encore de réponse de la famille : en attente aussi
        ("DUPONT Jean-Marie", "3A", 6, _h("06/10/2025", "10:00"), _h("06/10/2025", "12:00"), 1, 0.5, ATT,
         None, False),
    ]
    assert not lot.retards and not lot.sanctions


def test_liste_cp1252_nom_prenom_separes_date_et_heure_dans_la_cellule():
    lot = pronote_absences.lire(DOSSIER / "absences_cp1252.csv")
    vu = [
        (a.eleve.nom, a.eleve.prenom, a.debut, a.fin, a.demi_journees_brutes, a.demi_journees_calculees,
         a.statut, a.motif)
        for a in lot.absences
    ]
    assert vu == [
        ("LEFÈVRE", "Chloé Anne", _h("10/11/2025", "08:00"), _h("10/11/2025", "17:00"), 2, None, J,
         "Rendez-vous médical – spécialiste"),
        ("N'DIAYE", "Aïssa", _h("12/11/2025", "14:00"), _h("12/11/2025", "16:00"), 1, None, NJ, "Sans motif"),
    ]


def test_date_seule_sans_heures_couvre_la_journee(tmp_path):
    f = _ecrire(tmp_path, "abs.csv", ["Élève;Classe;Date;Justifiée", '"DUPONT Jean-Marie";"3A";03/11/2025;"Oui"'])
    (a,) = pronote_absences.lire(f).absences
    assert (a.debut, a.fin, a.demi_journees_brutes) == (_h("03/11/2025", "00:00"), _h("03/11/2025", "23:59"), None)


def test_justifiee_illisible_refusee_avec_ligne_et_colonne(tmp_path):
    f = _ecrire(
        tmp_path,
        "abs.csv",
        ["Élève;Classe;Du;Au;Justifiée", '"DUPONT Jean-Marie";"3A";03/11/2025;03/11/2025;"Peut-être"'],
    )
    with pytest.raises(ImportRejected) as e:
        pronote_absences.lire(f)
    _situe(e.value, "abs.csv", 2, "Justifiée")
    assert "Peut-être" in str(e.value)


def test_date_illisible_refusee_avec_ligne_et_colonne(tmp_path):
    f = _ecrire(
        tmp_path,
        "abs.csv",
        ["Élève;Classe;Du;Au;Justifiée", '"DUPONT Jean-Marie";"3A";03/11/2025;"31/02/2025";"Oui"',],
    )
    with pytest.raises(ImportRejected) as e:
        pronote_absences.lire(f)
    _situe(e.value, "abs.csv", 2, "Au")


def test_fin_avant_debut_refusee(tmp_path):
    f = _ecrire(
        tmp_path,
        "abs.csv",
        ["Élève;Classe;Du;Heure de début;Au;Heure de fin",
         '"DUPONT Jean-Marie";"3A";03/11/2025;10h00;03/11/2025;08h00'],
    )
    with pytest.raises(ImportRejected) as e:
        pronote_absences.lire(f)
    _situe(e.value, "abs.csv", 2, "Au")
    assert "précède" in str(e.value)


def test_colonnes_manquantes_listees(tmp_path):
    f = _ecrire(tmp_path, "abs.csv", ["Classe;Motif;Commentaire", '"3A";"Maladie";""'])
    with pytest.raises(ImportRejected) as e:
        pronote_absences.lire(f)
    _situe(e.value, "abs.csv", 1, "Élève, Du")
    texte = str(e.value)
    assert "colonnes trouvées : Classe | Motif | Commentaire" in texte
    assert "colonnes manquantes : Élève, Du" in texte


# --- une ligne par élève --------------------------------------------------------------------------


def test_synthese_par_eleve_exige_la_periode():
    with pytest.raises(ImportRejected) as e:
        pronote_absences.lire(DOSSIER / "absences_par_eleve.csv")
    _situe(e.value, "absences_par_eleve.csv", 1, "DJ")
    assert "du" in str(e.value) and "au" in str(e.value)


def test_synthese_par_eleve_en_deux_parts_sur_la_periode():
    lot = pronote_absences.lire(DOSSIER / "absences_par_eleve.csv", du="01/09/2025", au=dt.date(2025, 11, 30))
    debut, fin = _h("01/09/2025", "00:00"), _h("30/11/2025", "23:59")
    vu = [(a.eleve.nom, a.eleve.ligne, a.demi_journees_brutes, a.statut) for a in lot.absences]
    # DUPONT : 4 DJ dont 1 NJ → 3 justifiées + 1 non justifiée ; LEFÈVRE : rien ; N'DIAYE : 3,5 NJ ; total ignoré
    assert vu == [("DUPONT", 2, 3, J), ("DUPONT", 2, 1, NJ), ("N'DIAYE", 4, 3.5, NJ)]
    assert all(a.fin == fin and a.debut.date() == debut.date() for a in lot.absences)
    assert len({(a.eleve.nom, a.debut) for a in lot.absences}) == 3  # clés distinctes dans l'entrepôt
    assert lot.retards == []  # des nombres de retards sans date ne sont pas des retards
    assert any(a.colonne == "Retards" for a in lot.anomalies)


def test_synthese_nj_superieur_a_dj_refuse(tmp_path):
    f = _ecrire(tmp_path, "s.csv", ["Nom;Prénom;Classe;DJ;NJ", '"DUPONT";"Jean-Marie";"3A";2;3'])
    with pytest.raises(ImportRejected) as e:
        pronote_absences.lire(f, du="01/09/2025", au="30/11/2025")
    _situe(e.value, "s.csv", 2, "NJ")


# --- retards --------------------------------------------------------------------------------------


def test_liste_des_retards():
    lot = pronote_absences.lire(DOSSIER / "retards.csv")
    assert lot.absences == []
    vu = [(r.eleve.nom_complet, r.eleve.ligne, r.date, r.minutes, r.justifie, r.motif) for r in lot.retards]
    assert vu == [
        ("DUPONT Jean-Marie", 2, _h("09/09/2025", "08:05"), 5, False, "Panne de réveil"),
        ("N'DIAYE Aïssa", 3, _h("11/09/2025", "13:40"), 12, True, "Bus en retard"),
        ("N'DIAYE Aïssa", 4, _h("12/09/2025", "08:10"), None, False, None),
    ]


def test_duree_illisible_refusee(tmp_path):
    f = _ecrire(
        tmp_path,
        "r.csv",
        ["Élève;Classe;Date;Heure;Durée (min);Justifié",
         '"DUPONT Jean-Marie";"3A";09/09/2025;08h05;beaucoup;"Non"'],
    )
    with pytest.raises(ImportRejected) as e:
        pronote_absences.lire(f)
    _situe(e.value, "r.csv", 2, "Durée (min)")


# --- aller-retour avec l'écrivain de l'école fictive ----------------------------------------------

ABSENCES = [
    Absence(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), debut=_h("08/09/2025", "08:00"),
            fin=_h("08/09/2025", "12:00"), demi_journees_brutes=1, demi_journees_calculees=1,
            statut=J, motif="Maladie", reglee_administrativement=True),
    Absence(eleve=RefEleve(nom_complet="LEFÈVRE Chloé Anne", classe="3A"), debut=_h("15/09/2025", "13:30"),
            fin=_h("16/09/2025", "17:30"), demi_journees_brutes=3, demi_journees_calculees=2.5,
            statut=NJ, motif='Dit "panne"'),
    Absence(eleve=RefEleve(nom_complet="N'DIAYE Aïssa", classe="3A"), debut=_h("02/12/2025", "08:00"),
            fin=_h("02/12/2025", "10:00"), statut=ATT),
]
RETARDS = [
    Retard(eleve=RefEleve(nom_complet="DUPONT Jean-Marie", classe="3A"), date=_h("09/09/2025", "08:05"),
           minutes=5, motif="Bus"),
    Retard(eleve=RefEleve(nom_complet="N'DIAYE Aïssa", classe="3A"), date=_h("11/12/2025", "13:40"),
           minutes=None, justifie=True),
]


def _sans_ligne(records):
    return [r.model_copy(update={"eleve": r.eleve.model_copy(update={"ligne": None})}) for r in records]


@pytest.mark.parametrize("encodage", ["utf-8-sig", "cp1252"])
def test_aller_retour_absences(tmp_path, encodage):
    f = tmp_path / "absences.csv"
    ecrire_absences(f, ABSENCES, encodage=encodage)
    octets = f.read_bytes()
    assert octets.count(b"\r\n") == 5 and octets.startswith(b"\xef\xbb\xbf") == (encodage == "utf-8-sig")
    assert _sans_ligne(pronote_absences.lire(f).absences) == ABSENCES


def test_aller_retour_retards(tmp_path):
    f = tmp_path / "retards.csv"
    ecrire_retards(f, RETARDS)
    assert _sans_ligne(pronote_absences.lire(f).retards) == RETARDS


def test_import_dans_l_entrepot(ecole, tmp_path):
    fa, fr = tmp_path / "absences.csv", tmp_path / "retards.csv"
    ecrire_absences(fa, ABSENCES)
    ecrire_retards(fr, RETARDS)
    for f in (fa, fr):
        res = ecole.importer(pronote_absences.lire(f))
        assert res.statut == "reussi", res.message
    abs_ = ecole.sql(
        "SELECT e.nom, a.debut, a.demi_journees_brutes, a.demi_journees_calculees, a.statut, a.motif, "
        "a.reglee_administrativement FROM absences a JOIN eleves e USING (eleve_id) ORDER BY a.debut"
    ).rows()
    assert abs_ == [
        ("DUPONT", _h("08/09/2025", "08:00"), 1.0, 1.0, "justifiee", "Maladie", True),
        ("LEFÈVRE", _h("15/09/2025", "13:30"), 3.0, 2.5, "non_justifiee", 'Dit "panne"', False),
        ("N'DIAYE", _h("02/12/2025", "08:00"), None, None, "en_attente", None, False),
    ]
    ret = ecole.sql(
        "SELECT e.nom, r.date, r.minutes, r.justifie, r.motif FROM retards r JOIN eleves e USING (eleve_id) "
        "ORDER BY r.date"
    ).rows()
    assert ret == [
        ("DUPONT", _h("09/09/2025", "08:05"), 5, False, "Bus"),
        ("N'DIAYE", _h("11/12/2025", "13:40"), None, True, None),
    ]
    # réimporter le même fichier ne change rien
    res = ecole.importer(pronote_absences.lire(fa))
    assert (res.lignes_inserees, res.lignes_mises_a_jour, res.lignes_inchangees) == (0, 0, 3)


def test_eleve_inconnu_refuse_sans_rien_ecrire(ecole, tmp_path):
    f = tmp_path / "absences.csv"
    inconnu = Absence(eleve=RefEleve(nom_complet="DURAND Paul", classe="3A"), debut=_h("08/09/2025", "08:00"),
                      fin=_h("08/09/2025", "12:00"), statut=NJ)
    ecrire_absences(f, [ABSENCES[0], inconnu])
    avant = ecole.empreintes()
    res = ecole.importer(pronote_absences.lire(f))
    assert res.statut == "rejete"
    _situe(res.erreur, "absences.csv", 4, "Élève")  # 2 lignes d'en-tête : le 2e élève est en ligne 4
    assert "DURAND Paul" in res.message
    assert ecole.empreintes() == avant and ecole.sql("SELECT * FROM absences").height == 0
