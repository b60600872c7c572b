"""Connecteur Pix Orga : les deux sortes de campagnes, anciens et nouveaux en-têtes, envois répétés,
échappement des formules, rédacteur de l'école fictive, import jusqu'aux vues publiques."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from connectors import lire as lire_source
from connectors.pix import code_competence, lire, sans_echappement
from models.errors import ImportRejected
from models.records import COMPETENCES_PIX, PixCompetence, PixParticipation, RefEleve
from sample_data.ecrire_pix import ecrire_pix
from tests.conftest import ELEVES, FIXTURES

PIX = FIXTURES / "pix"
J = dt.datetime


def _actuels(lot) -> list[PixParticipation]:
    """Le dernier envoi de chaque élève à chaque campagne, dans l'ordre du fichier : ce que montrent les
    vues ``pix_profils`` et ``pix`` (les envois plus anciens restent dans ``pix_envois``)."""
    mini = dt.datetime.min
    dernier: dict[tuple, PixParticipation] = {}
    for p in lot.pix:
        cle = (p.eleve.nom, p.eleve.prenom, p.eleve.classe, p.campagne)
        if cle not in dernier or (p.date_envoi or mini) >= (dernier[cle].date_envoi or mini):
            dernier[cle] = p
    return sorted(dernier.values(), key=lambda p: p.eleve.ligne or 0)


def _par_nom(lot) -> dict[str, PixParticipation]:
    """Le résultat actuel de chaque élève : son dernier envoi (les précédents sont l'historique)."""
    mini = dt.datetime.min
    return {p.eleve.nom: p for p in sorted(lot.pix, key=lambda p: (p.date_envoi is not None, p.date_envoi or mini))}


def _pix(p: PixParticipation) -> dict[str, tuple[int, float]]:
    return {c.competence: (c.niveau, c.pix) for c in p.competences}


def _copie(tmp_path: Path, nom: str, remplacer: tuple[str, str] | None = None) -> Path:
    texte = (PIX / nom).read_text(encoding="utf-8")
    if remplacer:
        assert remplacer[0] in texte
        texte = texte.replace(remplacer[0], remplacer[1], 1)
    f = tmp_path / nom
    f.write_text(texte, encoding="utf-8")
    return f


# --- Collecte de profils ------------------------------------------------------------------------------


def test_collecte_de_profils_export_actuel():
    lot = lire(PIX / "collecte_profils.csv")
    assert lot.source == "pix" and lot.lignes_lues == 5
    # Deux envois de DUPONT (lignes 2 et 6) : tous deux gardés, l'historique.
    assert [p.eleve.nom for p in lot.pix] == ["DUPONT", "=Bono", 'O"Neil', "N'DIAYE", "DUPONT"]
    p = _par_nom(lot)

    # Le résultat actuel de DUPONT : la ligne 2 (03/11) est la plus récente, pas la ligne 6 (15/09).
    dupont = p["DUPONT"]
    assert dupont.eleve == RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A", ligne=2)
    assert dupont.campagne == "Rentrée 3e 2025" and dupont.code_campagne == "RENTREE3E"
    assert dupont.type_campagne == "profils" and dupont.partage
    assert dupont.date_envoi == J(2025, 11, 3, 14, 30)
    assert dupont.pix_total == 94 and dupont.certifiable is True
    assert len(dupont.competences) == 16
    assert {k: v for k, v in _pix(dupont).items() if v != (0, 0)} == {
        "1.1": (2, 20), "1.2": (1, 8), "1.3": (2, 17), "2.1": (1, 9), "2.4": (3, 24), "3.1": (2, 16),
    }
    assert dupont.progression is None and dupont.maitrise == {}

    # « '=Bono » : l'apostrophe anti-formule est retirée ; « O""Neil » garde son guillemet.
    assert p["=Bono"].eleve.classe == "3B" and p["=Bono"].certifiable is False
    assert p['O"Neil'].eleve.prenom == "Sarah"

    # Non partagé : aucune donnée.
    ndiaye = p["N'DIAYE"]
    assert (ndiaye.partage, ndiaye.date_envoi, ndiaye.pix_total, ndiaye.certifiable, ndiaye.competences) == (
        False, None, None, None, ()
    )


def test_certifiable_du_fichier_garde_et_signale():
    # O'Neil : 5 compétences au niveau 1 (certifiable d'après la règle) mais « Non » dans le fichier.
    lot = lire(PIX / "collecte_profils.csv")
    assert _par_nom(lot)['O"Neil'].certifiable is False
    assert len(lot.anomalies) == 1
    a = lot.anomalies[0]
    assert (a.ligne, a.colonne) == (4, "Certifiable (O/N)")
    assert "5 compétence(s)" in a.message


def test_sans_bom_meme_lecture(tmp_path):
    avec = PIX / "collecte_profils.csv"
    octets = avec.read_bytes()
    assert octets.startswith(b"\xef\xbb\xbf")
    sans = tmp_path / "sans_bom.csv"
    sans.write_bytes(octets[3:])
    assert lire(sans).pix == lire(avec).pix


def test_collecte_de_profils_ancien_export():
    # Sans BOM, sans « Code » ni « Classe », « Date de l'envoi » au format AAAA-MM-JJ, écrite nue.
    lot = lire(PIX / "collecte_profils_ancien.csv")
    assert lot.lignes_lues == 2 and len(lot.pix) == 2  # deux envois, tous deux gardés
    martin = _actuels(lot)[0]
    assert martin.eleve == RefEleve(nom="Martin", prenom="Lucas", ligne=2)
    assert martin.code_campagne is None and martin.campagne == "Profils 2nde"
    assert martin.date_envoi == J(2024, 5, 6)  # la ligne 2, plus récente que la ligne 3
    assert martin.pix_total == 68 and martin.certifiable is True
    assert {k: v for k, v in _pix(martin).items() if v != (0, 0)} == {
        "1.1": (2, 16), "1.2": (2, 16), "1.3": (1, 8), "2.1": (1, 8), "2.2": (1, 8), "5.2": (1, 12),
    }
    assert lot.anomalies == []


def test_niveau_au_dela_du_maximum_refuse_jamais_plafonne(tmp_path):
    """Un niveau 12 était gardé 7 (plafond du réglage). Le référentiel Pix a 8 niveaux ; Pix plafonne
    lui-même au niveau qu'il rend atteignable (``MAX_REACHABLE_LEVEL``, 1024pix/pix, réglage
    ``maxReachableLevel`` de son API ; son interface : ``_MAX_LEVEL: 8``). Au-delà de 8 : refus situé."""
    f = _copie(tmp_path, "collecte_profils.csv", ('"Oui";6;2;20;', '"Oui";6;12;96;'))
    with pytest.raises(ImportRejected) as err:
        lire(f)
    assert err.value.ligne == 2
    assert err.value.colonne == "Niveau pour la compétence Mener une recherche et une veille d’information"
    assert "niveau 12 au-delà du niveau maximal de Pix (8)" in err.value.raison
    f = _copie(tmp_path, "collecte_profils.csv", ('"Oui";6;2;20;', '"Oui";6;8;70;'))
    assert _pix(_par_nom(lire(f))["DUPONT"])["1.1"] == (8, 70)  # 8 : gardé tel quel, pas ramené à 7
    f = _copie(tmp_path, "collecte_profils.csv", ('"Oui";6;2;20;', '"Oui";6;;80;'))
    with pytest.raises(ImportRejected) as err:
        lire(f)
    assert err.value.colonne.startswith("Nombre de pix pour la compétence") and "niveau 10" in err.value.raison


def test_le_reglage_niveau_max_ne_change_pas_la_valeur_importee(tmp_path):
    """``pix.niveau_max`` (7) ne décide que de l'affichage : il n'est plus une option d'import."""
    dupont = _par_nom(lire(PIX / "collecte_profils.csv"))["DUPONT"]
    assert _pix(dupont)["2.4"] == (3, 24)
    with pytest.raises(ImportRejected, match="option « niveau_max » inconnue pour pix"):
        lire_source("pix", PIX / "collecte_profils.csv", niveau_max=2)


def test_niveau_du_fichier_incoherent_signale(tmp_path):
    # 1.1 de DUPONT : « 2;20 » devient « 4;20 » ; le niveau retenu reste 20 // 8 = 2.
    f = _copie(tmp_path, "collecte_profils.csv", ('"Oui";6;2;20;', '"Oui";6;4;20;'))
    lot = lire(f)
    assert _pix(_par_nom(lot)["DUPONT"])["1.1"] == (2, 20)
    (a,) = [a for a in lot.anomalies if a.ligne == 2]
    assert a.colonne == "Niveau pour la compétence Mener une recherche et une veille d’information"
    assert "niveau 2 retenu" in a.message


# --- Évaluation ---------------------------------------------------------------------------------------


def test_evaluation_export_actuel():
    lot = lire(PIX / "evaluation.csv")
    assert lot.lignes_lues == 5 and lot.anomalies == []
    assert [p.eleve.nom for p in _actuels(lot)] == ["MARTIN", "LEFÈVRE", "ROUX"]
    assert len(lot.pix) == 5  # les trois envois de LEFÈVRE sont gardés (historique)
    p = _par_nom(lot)

    # Trois envois de LEFÈVRE : la ligne 4 (12/10 08:30) l'emporte sur la ligne 6, dernière du fichier.
    lefevre = p["LEFÈVRE"]
    assert lefevre.eleve == RefEleve(nom="LEFÈVRE", prenom="Chloé Anne", classe="3A", ligne=4)
    assert lefevre.type_campagne == "evaluation" and lefevre.code_campagne == "EVALNUM3"
    assert lefevre.campagne == "Évaluation numérique 3e"
    assert lefevre.date_envoi == J(2025, 10, 12, 8, 30)
    assert lefevre.progression == 1 and lefevre.maitrise == {"1.1": 1.0, "2.4": 0.75}
    assert (lefevre.competences, lefevre.pix_total, lefevre.certifiable) == ((), None, None)

    # Non partagé : la progression reste, aucune maîtrise.
    martin = p["MARTIN"]
    assert (martin.partage, martin.date_envoi, martin.progression, martin.maitrise) == (False, None, 0.4, {})

    assert p["ROUX"].eleve.prenom == "@Jean"  # « '@Jean » déséchappé
    assert p["ROUX"].maitrise == {"1.1": 0.25, "2.4": 0.25}


def test_evaluation_ancien_export():
    lot = lire(PIX / "evaluation_ancien.csv")
    dupont, lefevre = lot.pix
    assert dupont.type_campagne == "evaluation" and dupont.date_envoi == J(2023, 3, 15)
    assert dupont.maitrise == {"3.2": 0.4}  # « Développer des documents multimedia » (sans accent)
    assert dupont.eleve.classe is None and dupont.code_campagne is None
    assert (lefevre.partage, lefevre.progression, lefevre.maitrise) == (False, 0.5, {})


def test_taux_en_pourcent_accepte(tmp_path):
    f = _copie(tmp_path, "evaluation_ancien.csv", ('"Oui";2023-03-15;0,4;0,4;', '"Oui";2023-03-15;0,4;40 %;'))
    assert lire(f).pix[0].maitrise == {"3.2": 0.4}


# --- Noms de compétences et échappement ---------------------------------------------------------------


def test_noms_de_competences_pix():
    # Pix écrit ’ (U+2019) et « multimedia » sans accent ; casse et accents sont indifférents.
    assert code_competence("Mener une recherche et une veille d’information") == "1.1"
    assert code_competence("S’insérer dans le monde numérique") == "2.4"
    assert code_competence("Développer des documents multimedia") == "3.2"
    assert code_competence("DEVELOPPER DES DOCUMENTS MULTIMÉDIA") == "3.2"
    assert code_competence("Protéger la santé, le bien-être et l’environnement") == "4.3"
    assert code_competence("Intelligence artificielle") is None
    assert {code_competence(n.replace("'", "’")) for n in COMPETENCES_PIX.values()} == set(COMPETENCES_PIX)


@pytest.mark.parametrize(
    ("brut", "texte"),
    [("'=Bono", "=Bono"), ("'@Jean", "@Jean"), ("'+33", "+33"), ("'-x", "-x"), ("'abc", "'abc"),
     ("'", "'"), ("O'Neil", "O'Neil"), ("=A", "=A")],
)
def test_sans_echappement(brut, texte):
    assert sans_echappement(brut) == texte


def test_competence_inconnue_colonne_ignoree_et_signalee(tmp_path):
    f = _copie(tmp_path, "evaluation_ancien.csv", ("documents multimedia\";", "documents holographiques\";"))
    lot = lire(f)
    assert lot.pix[0].maitrise == {}
    assert [(a.ligne, "compétence inconnue" in a.message) for a in lot.anomalies] == [(1, True)]


# --- Refus --------------------------------------------------------------------------------------------


def test_colonnes_manquantes(tmp_path):
    f = _copie(tmp_path, "collecte_profils.csv", ('"Certifiable (O/N)"', '"Certif"'))
    with pytest.raises(ImportRejected) as e:
        lire(f)
    err = e.value
    assert err.fichier == "collecte_profils.csv" and err.ligne == 1
    assert "« Certifiable (O/N) »" in err.raison and "collecte de profils" in err.raison
    assert "Certif" in err.details[0] and "Envoi (O/N)" in err.details[0]


def test_fichier_qui_nest_pas_un_export_pix(tmp_path):
    f = tmp_path / "eleves.csv"
    f.write_text("Nom;Prénom;Classe\nDUPONT;Jean;3A\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as e:
        lire(f)
    assert e.value.ligne == 1 and "Nom, Prénom, Classe" in e.value.details[0]
    assert "Partage (O/N)" in e.value.details[2]


@pytest.mark.parametrize(
    ("fichier", "avant", "apres", "ligne", "colonne"),
    [
        ("collecte_profils.csv", '"03/11/2025 14:30";94;', '"03/11/2025 14:30";9x4;', 2, "Nombre de pix total"),
        ("collecte_profils.csv", '"03/11/2025 14:30"', '"31/11/2025 14:30"', 2,
         "Date et heure de l'envoi (Europe/Paris)"),
        ("collecte_profils.csv", '"pbono";"Oui"', '"pbono";"Peut-être"', 3, "Envoi (O/N)"),
        ("evaluation.csv", '2;"Oui";0,63', '2;"Bof";0,63', 2, "Citoyen numérique obtenu (O/N)"),
        ("evaluation.csv", '"OK";"KO"', '"OK";"Acquis"', 2, "@netiquette3"),
        ("evaluation.csv", '12;0,4;', '12;1,4;', 3, "% de progression"),
        ("evaluation.csv", '"Oui";0,63;0,75;', '"Oui";0,63;zéro;', 2,
         "% de maitrise des acquis de la compétence Mener une recherche et une veille d’information"),
        ("evaluation_ancien.csv", '"Oui";2023-03-15;', '"Oui";2023-15-03;', 2, "Date du partage"),
    ],
)
def test_valeur_invalide_refusee_avec_ligne_et_colonne(tmp_path, fichier, avant, apres, ligne, colonne):
    f = _copie(tmp_path, fichier, (avant, apres))
    with pytest.raises(ImportRejected) as e:
        lire(f)
    assert (e.value.fichier, e.value.ligne, e.value.colonne) == (fichier, ligne, colonne)
    assert f"ligne {ligne}" in str(e.value) and fichier in str(e.value)


def test_ligne_tronquee_refusee(tmp_path):
    f = _copie(tmp_path, "evaluation_ancien.csv", (';"NA";"NA";"NA";"NA";"NA"\n', ';"NA"\n'))
    with pytest.raises(ImportRejected) as e:
        lire(f)
    assert e.value.ligne == 3 and "10 colonnes au lieu de 14" in e.value.raison


def test_guillemet_non_ferme_refuse(tmp_path):
    f = _copie(tmp_path, "evaluation_ancien.csv", ('"Lefèvre";', '"Lef"èvre;'))
    with pytest.raises(ImportRejected) as e:
        lire(f)
    assert e.value.fichier == "evaluation_ancien.csv" and e.value.ligne == 3


def test_nom_vide_refuse(tmp_path):
    f = _copie(tmp_path, "evaluation_ancien.csv", ('"Lefèvre";', '"";'))
    with pytest.raises(ImportRejected) as e:
        lire(f)
    assert (e.value.ligne, e.value.colonne) == (3, "Nom du Participant")


def test_par_le_registre_des_sources():
    assert len(lire_source("pix", PIX / "evaluation.csv").pix) == 5  # cinq envois, historique compris


# --- Rédacteur de l'école fictive ---------------------------------------------------------------------


def _profil(nom, prenom, classe, envoi, pix_par_code, certifiable, partage=True, code="RENTREE"):
    comps = tuple(
        PixCompetence(competence=c, niveau=min(pix_par_code.get(c, 0) // 8, 7), pix=pix_par_code.get(c, 0))
        for c in COMPETENCES_PIX
    )
    if not partage:
        return PixParticipation(eleve=RefEleve(nom=nom, prenom=prenom, classe=classe), campagne="Rentrée",
                                code_campagne=code, partage=False)
    return PixParticipation(
        eleve=RefEleve(nom=nom, prenom=prenom, classe=classe), campagne="Rentrée", code_campagne=code,
        date_envoi=envoi, pix_total=sum(pix_par_code.values()), certifiable=certifiable, competences=comps,
    )


PROFILS = [
    _profil("=Bono", "Paul", "3B", J(2025, 10, 2, 9, 15), {"1.1": 12, "3.2": 9}, False),
    _profil('O"Neil', "Sarah", "3A", J(2025, 11, 5, 17, 0), {c: 8 for c in ("1.1", "1.2", "2.1", "4.1", "5.2")}, True),
    _profil('O"Neil', "Sarah", "3A", J(2025, 9, 20, 8, 0), {"1.1": 8}, False),  # envoi plus ancien, ligne suivante
    _profil("N'DIAYE", "Aïssa", "3A", None, {}, None, partage=False),
]


@pytest.mark.parametrize("bom", [True, False])
def test_aller_retour_collecte_de_profils(tmp_path, bom):
    f = tmp_path / "profils.csv"
    ecrire_pix(f, PROFILS, organisation="Collège Jean Moulin", bom=bom)
    assert f.read_bytes().startswith(b"\xef\xbb\xbf") == bom
    lot = lire(f)
    assert lot.lignes_lues == 4 and lot.anomalies == []
    relu = [p.model_copy(update={"eleve": p.eleve.model_copy(update={"ligne": None})}) for p in lot.pix]
    assert relu == PROFILS  # l'envoi plus ancien de O'Neil est gardé aussi
    assert [p.eleve.ligne for p in _actuels(lot)] == [2, 3, 5]


def test_redacteur_ecrit_comme_pix_orga(tmp_path):
    f = tmp_path / "profils.csv"
    ecrire_pix(f, PROFILS, organisation="Collège Jean Moulin")
    texte = f.read_bytes().decode("utf-8")
    assert "\r" not in texte and texte.endswith("\n")
    entete, bono, _, _, ndiaye = texte.lstrip("\ufeff").split("\n")[:5]
    assert entete.startswith('"Nom de l\'organisation";"ID Campagne";"Code";"Nom de la campagne";'
                             '"Nom du Participant";"Prénom du Participant";"Classe";"Envoi (O/N)";'
                             '"Date et heure de l\'envoi (Europe/Paris)";"Nombre de pix total";'
                             '"Certifiable (O/N)";"Nombre de compétences certifiables";'
                             '"Niveau pour la compétence Mener une recherche et une veille d’information";')
    assert '"Niveau pour la compétence Développer des documents multimedia"' in entete
    cellules = bono.split(";")
    assert cellules[2:] [:6] == ['"RENTREE"', '"Rentrée"', '"\'=Bono"', '"Paul"', '"3B"', '"Oui"']
    assert cellules[8:12] == ['"02/10/2025 09:15"', "21", '"Non"', "2"]
    assert cellules[12:14] == ["1", "12"]  # 1.1 : niveau 1, 12 pix
    assert '"O""Neil"' in texte
    assert ndiaye.split(";")[7:] == ['"Non"'] + ['"NA"'] * 36


def test_aller_retour_evaluation(tmp_path):
    ref = RefEleve(nom="ROUX", prenom="@Jean", classe="3B")
    parts = [
        PixParticipation(eleve=ref, campagne="Éval 3e", code_campagne="EV3", type_campagne="evaluation",
                         date_envoi=J(2025, 10, 9, 10, 0), progression=1, maitrise={"1.1": 0.67, "2.4": 0.5}),
        PixParticipation(eleve=ref, campagne="Éval 3e", code_campagne="EV3", type_campagne="evaluation",
                         date_envoi=J(2025, 10, 1, 10, 0), progression=1, maitrise={"1.1": 0.2, "2.4": 0.1}),
        PixParticipation(eleve=RefEleve(nom="MARTIN", prenom="Lucas", classe="3B"), campagne="Éval 3e",
                         code_campagne="EV3", type_campagne="evaluation", partage=False, progression=0.3),
    ]
    f = tmp_path / "evaluation.csv"
    ecrire_pix(f, parts, organisation="Collège Jean Moulin", bom=False)
    texte = f.read_text(encoding="utf-8")
    assert '"% de maitrise des acquis de la compétence S’insérer dans le monde numérique"' in texte
    assert '"% de maitrise des acquis du domaine 2. Communication et collaboration"' in texte
    assert ";0,67;10;7;" in texte  # taux à deux décimales, 7 acquis sur 10
    lot = lire(f)
    roux, martin = _actuels(lot)
    assert roux.maitrise == {"1.1": 0.67, "2.4": 0.5} and roux.date_envoi == J(2025, 10, 9, 10, 0)
    assert roux.eleve.prenom == "@Jean" and roux.eleve.ligne == 2
    assert (martin.partage, martin.progression, martin.maitrise) == (False, 0.3, {})


def test_redacteur_refuse_deux_sortes(tmp_path):
    ref = RefEleve(nom="A", prenom="B")
    with pytest.raises(ValueError):
        ecrire_pix(tmp_path / "x.csv", [PixParticipation(eleve=ref, campagne="C"),
                                        PixParticipation(eleve=ref, campagne="C", type_campagne="evaluation")],
                   organisation="O")


# --- Import dans l'entrepôt ---------------------------------------------------------------------------


def _id(nom: str, classe: str) -> str:
    return next(e for e in ELEVES if e.nom == nom and e.classe == classe).eleve_id()


def _tapes_par_les_eleves() -> list[PixParticipation]:
    """Noms tapés par les élèves : minuscules, sans accents, ordre inversé, une faute de frappe."""
    def p(nom, prenom, classe, pix, envoi=J(2025, 10, 6, 14, 0), partage=True):
        return _profil(nom, prenom, classe, envoi, pix, sum(1 for v in pix.values() if v >= 8) >= 5, partage)

    return [
        p("dupond", "jean-marie", "3A", {"1.1": 20, "2.4": 9}),  # faute de frappe : rapprochement approché
        p("chloe anne", "lefevre", "3A", {c: 8 for c in ("1.1", "1.2", "1.3", "2.1", "2.2")}),  # inversé
        p("n'diaye", "aissa", "3A", {}, envoi=None, partage=False),
        p("Martin", "lucas", "3B", {"5.1": 30}),
    ]


def test_import_dans_l_entrepot(ecole, tmp_path):
    f = tmp_path / "pix_rentree.csv"
    ecrire_pix(f, _tapes_par_les_eleves(), organisation="Collège Jean Moulin")
    res = ecole.importer(lire(f))
    assert res.statut == "reussi", res.message
    assert [(r.ref.nom, r.ref.ligne, r.eleve_id) for r in res.approches] == [
        ("dupond", 2, _id("DUPONT", "3A"))
    ]
    # la remarque nomme l'élève retenu, pas son identifiant interne
    assert "fichier « pix_rentree.csv », ligne 2 : élève rapproché à " in res.anomalies[0]
    assert res.anomalies[0].endswith("« dupond jean-marie (3A) » → DUPONT Jean-Marie (3A)")
    assert res.non_rapproches == []

    profils = ecole.sql("SELECT * FROM pix_profils ORDER BY eleve_id")
    assert profils.height == 4
    par_eleve = {r["eleve_id"]: r for r in profils.iter_rows(named=True)}
    dupont = par_eleve[_id("DUPONT", "3A")]
    assert (dupont["campagne"], dupont["type_campagne"], dupont["code_campagne"]) == ("Rentrée", "profils", "RENTREE")
    assert (dupont["pix_total"], dupont["certifiable"], dupont["partage"]) == (29, False, True)
    assert dupont["date_envoi"] == J(2025, 10, 6, 14, 0)
    assert par_eleve[_id("LEFÈVRE", "3A")]["certifiable"] is True
    ndiaye = par_eleve[_id("N'DIAYE", "3A")]
    assert (ndiaye["partage"], ndiaye["pix_total"], ndiaye["date_envoi"]) == (False, None, None)
    assert par_eleve[_id("MARTIN", "3B")]["pix_total"] == 30  # le MARTIN de 3B, pas celui de 2 MELEC

    pix = ecole.sql("SELECT eleve_id, competence, niveau, pix FROM pix WHERE pix > 0 ORDER BY eleve_id, competence")
    assert sorted(pix.rows()) == sorted([
        (_id("DUPONT", "3A"), "1.1", 2, 20.0), (_id("DUPONT", "3A"), "2.4", 1, 9.0),
        *[(_id("LEFÈVRE", "3A"), c, 1, 8.0) for c in ("1.1", "1.2", "1.3", "2.1", "2.2")],
        (_id("MARTIN", "3B"), "5.1", 3, 30.0),
    ])
    # 16 compétences par profil partagé, aucune pour le profil non partagé.
    assert ecole.valeur("SELECT count(*) FROM pix") == 48
    assert ecole.valeur("SELECT count(*) FROM pix WHERE eleve_id = ?", [_id("N'DIAYE", "3A")]) == 0

    # Réimporter le même fichier ne change rien.
    encore = ecole.importer(lire(f))
    assert encore.statut == "reussi" and encore.lignes_inserees == encore.lignes_mises_a_jour == 0


def test_import_evaluation_maitrise_dans_la_vue(ecole):
    res = ecole.importer(lire(PIX / "evaluation_ancien.csv"))
    assert res.statut == "reussi", res.message
    rows = ecole.sql("SELECT eleve_id, campagne, competence, niveau, pix, maitrise FROM pix").rows()
    assert rows == [(_id("DUPONT", "3A"), "Multimédia 2023", "3.2", None, None, 0.4)]
    prog = ecole.sql("SELECT eleve_id, partage, progression FROM pix_profils ORDER BY progression").rows()
    assert prog == [(_id("LEFÈVRE", "3A"), False, 0.5), (_id("DUPONT", "3A"), True, 1.0)]


def test_participant_inconnu_liste_avec_les_proches(ecole, tmp_path):
    f = tmp_path / "pix.csv"
    parts = _tapes_par_les_eleves()[:1] + [_profil("Zorro", "Diego", "3A", J(2025, 10, 6, 14, 0), {"1.1": 8}, False)]
    ecrire_pix(f, parts, organisation="Collège Jean Moulin")
    refus = ecole.importer(lire(f))
    assert refus.statut == "rejete" and refus.erreur.ligne == 3
    res = ecole.importer(lire(f), ignorer_inconnus=True)
    assert res.statut == "reussi"
    (inconnu,) = res.non_rapproches
    assert (inconnu.ref.nom, inconnu.ref.ligne) == ("Zorro", 3)
    assert ecole.valeur("SELECT count(*) FROM pix_profils") == 1
