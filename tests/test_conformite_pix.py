"""Conformité aux exports de campagne de Pix Orga.

Sources (``1024pix/pix``) : les sérialiseurs ``api/src/prescription/campaign/infrastructure/serializers/
csv/campaign-profiles-collection-export.js`` et ``campaign-assessment-export.js`` (qui sert aux campagnes
ASSESSMENT et EXAM : « % de progression » n'y est écrit que si ``campaign.isAssessment``), les lignes
``.../exports/campaigns/campaign-assessment-result-line.js`` et ``campaign-profiles-collection-result-line.js``,
et leurs tests (``api/tests/prescription/campaign/unit/infrastructure/serializers/csv/*_test.js`` :
« Palier obtenu (/2) », « Une gomette obtenu (O/N) », en-têtes entre guillemets, BOM).

Chaque fixture est écrite **à la main** ici d'après ces sources (jamais par ``sample_data``) : l'ordre
des colonnes (organisation, campagne, participant, colonnes ajoutées, classe, identifiant externe au
libellé choisi par l'établissement, puis l'activité), ``NA`` pour ce qui n'est pas partagé, ``Oui`` /
``Non``, dates ``JJ/MM/AAAA HH:mm``, taux entre 0 et 1 à virgule.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import connectors
from models.warehouse import Warehouse

from .outils.conformite import refuse_sans_rien_changer

J = dt.datetime
COMP = "Mener une recherche et une veille d’information"
DOM = "1. Information et données"


def _csv(tmp_path: Path, lignes: list[str], nom: str = "campagne.csv") -> Path:
    f = tmp_path / nom
    f.write_text("\ufeff" + "\n".join(lignes) + "\n", encoding="utf-8")
    return f


def _q(*cellules: str) -> str:
    return ";".join(cellules)


#: campaign-assessment-export.js, organisation SCO qui gère ses élèves (colonne Classe), avec un
#: identifiant externe (libellé choisi : « Numéro national »), un palier et un badge.
ENTETE_EVALUATION = [
    '"Nom de l\'organisation"', '"ID Campagne"', '"Code"', '"Nom de la campagne"', '"Parcours"',
    '"Nom du Participant"', '"Prénom du Participant"', '"Classe"', '"Numéro national"',
    '"% de progression"', '"Date et heure de début (Europe/Paris)"', '"Partage (O/N)"',
    '"Date et heure du partage (Europe/Paris)"', '"Palier obtenu (/3)"', '"Citoyen numérique obtenu (O/N)"',
    '"% maitrise de l\'ensemble des acquis du profil"',
    f'"% de maitrise des acquis de la compétence {COMP}"',
    f'"Nombre d\'acquis du profil cible dans la compétence {COMP}"',
    f'"Acquis maitrisés dans la compétence {COMP}"',
    f'"% de maitrise des acquis du domaine {DOM}"', f'"Nombre d\'acquis du profil cible du domaine {DOM}"',
    f'"Acquis maitrisés du domaine {DOM}"',
]
IDENTITE = '"Collège Jean Moulin";5120;"EVAL3";"Évaluation 3e";"Parcours 3e"'


def test_evaluation_paliers_badges_identifiant_externe(tmp_path: Path) -> None:
    """ASSESSMENT : partagée (taux, palier, badge) ; non partagée (NA partout sauf progression et début)."""
    f = _csv(tmp_path, [
        _q(*ENTETE_EVALUATION),
        _q(IDENTITE, '"DUPONT"', '"Jean-Marie"', '"3A"', "1234567890A", "1", '"06/10/2025 09:00"', '"Oui"',
           '"06/10/2025 09:40"', "2", '"Oui"', "0,63", "0,75", "8", "6", "0,75", "8", "6"),
        _q(IDENTITE, '"MARTIN"', '"Lucas"', '"3B"', "123456789AB", "0,4", '"07/10/2025 10:00"', '"Non"',
           '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"'),
    ])
    lot = connectors.lire("pix", f)
    dupont, martin = lot.pix
    assert (dupont.type_campagne, dupont.partage, dupont.progression, dupont.date_envoi, dupont.maitrise) == (
        "evaluation", True, 1.0, J(2025, 10, 6, 9, 40), {"1.1": 0.75})
    assert (martin.partage, martin.progression, martin.date_envoi, martin.maitrise) == (False, 0.4, None, {})
    # l'identifiant externe au libellé choisi par l'établissement, à sa place, aux valeurs d'INE : lu comme INE
    assert (dupont.eleve.ine, martin.eleve.ine) == ("1234567890A", "123456789AB")
    # palier (acquiredStages - 1, sur totalStages - 1) et badges obtenus, gardés ; rien pour un non-partage
    assert (dupont.palier, dupont.paliers, dupont.badges) == (2, 3, ("Citoyen numérique",))
    assert (martin.palier, martin.paliers, martin.badges) == (None, 3, ())


def test_examen_sans_progression(tmp_path: Path) -> None:
    """EXAM : le même export sans « % de progression » ; reconnu à cette absence."""
    entete = [c for c in ENTETE_EVALUATION if c != '"% de progression"']
    f = _csv(tmp_path, [
        _q(*entete),
        _q(IDENTITE, '"DUPONT"', '"Jean-Marie"', '"3A"', '"ENT-42"', '"06/10/2025 09:00"', '"Oui"',
           '"06/10/2025 09:40"', "2", '"Non"', "0,5", "0,5", "8", "4", "0,5", "8", "4"),
        _q(IDENTITE, '"MARTIN"', '"Lucas"', '"3B"', '"ENT-43"', '"07/10/2025 10:00"', '"Non"',
           '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"'),
    ])
    lot = connectors.lire("pix", f)
    assert [(p.eleve.nom, p.type_campagne, p.partage, p.progression, p.maitrise) for p in lot.pix] == [
        ("DUPONT", "examen", True, None, {"1.1": 0.5}), ("MARTIN", "examen", False, None, {})]
    # un identifiant maison (« ENT-42 ») ne reconnaît pas un élève : pas lu comme INE
    assert {p.eleve.ine for p in lot.pix} == {None}


def test_collecte_de_profils_plusieurs_envois(tmp_path: Path) -> None:
    """PROFILES_COLLECTION (campaign-profiles-collection-export.js), campagne à envoi multiple : une ligne
    par envoi ; le plus récent fait foi, où qu'il soit dans le fichier."""
    entete = ['"Nom de l\'organisation"', '"ID Campagne"', '"Code"', '"Nom de la campagne"',
              '"Nom du Participant"', '"Prénom du Participant"', '"Classe"', '"Envoi (O/N)"',
              '"Date et heure de l\'envoi (Europe/Paris)"', '"Nombre de pix total"', '"Certifiable (O/N)"',
              '"Nombre de compétences certifiables"', f'"Niveau pour la compétence {COMP}"',
              f'"Nombre de pix pour la compétence {COMP}"']
    debut = '"Collège Jean Moulin";5121;"PROF3E";"Collecte 3e"'
    f = _csv(tmp_path, [
        _q(*entete),
        _q(debut, '"DUPONT"', '"Jean-Marie"', '"3A"', '"Oui"', '"03/11/2025 14:30"', "20", '"Non"', "1", "2", "20"),
        _q(debut, '"DUPONT"', '"Jean-Marie"', '"3A"', '"Oui"', '"15/09/2025 10:00"', "9", '"Non"', "1", "1", "9"),
        _q(debut, '"MARTIN"', '"Lucas"', '"3B"', '"Non"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"', '"NA"'),
    ])
    lot = connectors.lire("pix", f)
    # Chaque envoi est gardé (historique) ; l'entrepôt montre le plus récent (vues pix_profils et pix,
    # issue 14 : tests/test_importation.py::test_pix_envois_repetes_gardes_en_historique).
    assert [(p.eleve.nom, p.date_envoi, p.pix_total) for p in lot.pix] == [
        ("DUPONT", J(2025, 11, 3, 14, 30), 20), ("DUPONT", J(2025, 9, 15, 10), 9), ("MARTIN", None, None)]
    assert lot.pix[0].competences[0].niveau == 2


@pytest.mark.parametrize(
    ("remplacer", "par", "colonne", "raison"),
    [
        ('"Oui"', '"Peut-être"', "Partage (O/N)", "Oui ou Non"),
        ("0,75;8;6;0,75", "1,75;8;6;0,75", f"% de maitrise des acquis de la compétence {COMP}", "taux"),
        ('"06/10/2025 09:40"', '"le 6 octobre"', "Date et heure du partage (Europe/Paris)", "date"),
        ('"06/10/2025 09:40";2;', '"06/10/2025 09:40";4;', "Palier obtenu (/3)", "hors de 0–3"),
    ],
)
def test_valeurs_interdites_refusees(ecole: Warehouse, tmp_path: Path, remplacer: str, par: str, colonne: str,
                                    raison: str) -> None:
    ligne = _q(IDENTITE, '"DUPONT"', '"Jean-Marie"', '"3A"', "1234567890A", "1", '"06/10/2025 09:00"', '"Oui"',
               '"06/10/2025 09:40"', "2", '"Oui"', "0,63", "0,75", "8", "6", "0,75", "8", "6")
    assert remplacer in ligne
    f = _csv(tmp_path, [_q(*ENTETE_EVALUATION), ligne.replace(remplacer, par, 1)])
    err = refuse_sans_rien_changer(ecole, "pix", f)
    assert (err.ligne, err.colonne) == (2, colonne) and raison in str(err)


def test_fichier_qui_n_est_pas_un_export_de_campagne(ecole: Warehouse, tmp_path: Path) -> None:
    f = _csv(tmp_path, ['"Nom";"Prénom";"Score"', '"DUPONT";"Jean";"12"'])
    err = refuse_sans_rien_changer(ecole, "pix", f)
    assert err.ligne == 1 and "n'est pas un export de campagne Pix Orga" in str(err)
    # Une évaluation sans « Partage (O/N) » : colonnes obligatoires manquantes, nommées
    entete = [c for c in ENTETE_EVALUATION if c not in ('"Partage (O/N)"',)]
    err = refuse_sans_rien_changer(ecole, "pix", _csv(tmp_path, [_q(*entete)]))
    assert err.ligne == 1 and "Partage" in str(err)
