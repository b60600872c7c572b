"""Conformité au schéma d'import du LSU (``import-bilan-complet.xsd``).

Source : le schéma officiel publié avec ``sample-bilan-complet.xml`` ; copie publique lue :
``tbelliard/gepi``, ``mod_LSUN/xsd/import-bilan-complet.xsd`` (et ``mod_LSUN/xsd/sample-bilan-complet.xml``).
Chaque fixture est écrite **à la main** ici, type par type du schéma (``BilanPeriodique``, ``Acquis``,
``DomaineSocle``, ``BilanCycle``, ``DomaineSocleCycle``, ``Eleve``), jamais par ``sample_data`` : ce que
le schéma rend facultatif s'importe, ce qu'il interdit est refusé en français, ligne et attribut nommés.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import connectors
from models.records import StatutCompetence
from models.warehouse import Warehouse

from .outils.conformite import refuse_sans_rien_changer

CODES = ("CPD_FRA", "CPD_ETR", "CPD_SCI", "CPD_ART", "MET_APP", "FRM_CIT", "SYS_NAT", "REP_MND")


def _document(acquis: str, *, socle_periodique: str = "", socle_cycle: str | None = None,
              eleve: str = 'nom="DUPONT" prenom="Jean-Marie"', cycle: str = "4", donnees: str = "",
              bilan: str = "") -> str:
    """Un document minimal valide selon le schéma : en-tête, données obligatoires, un bilan périodique
    (``liste-acquis``, ``acquis-conseils``, ``vie-scolaire`` sont obligatoires) et un bilan de cycle
    (``socle`` à 8 domaines et ``synthese`` obligatoires)."""
    if socle_cycle is None:
        socle_cycle = "".join(f'<domaine code="{c}" positionnement="{3 if c != "CPD_ETR" else 0}"/>' for c in CODES)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<lsun-bilans xmlns="urn:fr:edu:scolarite:lsun:bilans:import" schemaVersion="3.0">
  <entete><editeur>ÉDITEUR</editeur><application>LOGICIEL</application><etablissement>0382032C</etablissement></entete>
  <donnees>
    <responsables-etab><responsable-etab id="RESP_01" libelle="La principale"/></responsables-etab>
    <eleves><eleve id="EL_01" id-be="1" {eleve} code-division="3A"/></eleves>
    <periodes><periode id="P_01" millesime="2025" indice="1" nb-periodes="3"/></periodes>
    <disciplines>
      <discipline id="DI_020700" code="020700" modalite-election="S" libelle="Français"/>
      <discipline id="DI_061300" code="061300" modalite-election="S" libelle="Mathématiques"/>
      <discipline id="DI_062900" code="062900" modalite-election="S" libelle="SVT"/>
    </disciplines>
    <enseignants><enseignant id="ENS_01" type="epp" id-sts="123456"/></enseignants>
    <elements-programme><element-programme id="EP_01" libelle="Élément de programme"/></elements-programme>
    {donnees}
    <bilans-periodiques>
      <bilan-periodique eleve-ref="EL_01" periode-ref="P_01" date-conseil-classe="2025-12-04"
          date-scolarite="2025-09-01" date-verrou="2025-12-05T06:00:00" responsable-etab-ref="RESP_01">
        <liste-acquis>{acquis}</liste-acquis>
        {bilan}
        <acquis-conseils>Trimestre encourageant ; doit approfondir ses leçons.</acquis-conseils>
        <vie-scolaire nb-retards="1" nb-abs-justifiees="2" nb-abs-injustifiees="0"/>
        {socle_periodique}
      </bilan-periodique>
    </bilans-periodiques>
    <bilans-cycle>
      <bilan-cycle eleve-ref="EL_01" cycle="{cycle}" millesime="2025" date-creation="2026-06-20"
          date-verrou="2026-06-21T06:00:00" responsable-etab-ref="RESP_01">
        <socle>{socle_cycle}</socle>
        <synthese>Synthèse du cycle 4.</synthese>
        <enseignement-complement code="LCA" positionnement="2"/>
      </bilan-cycle>
    </bilans-cycle>
  </donnees>
</lsun-bilans>
"""


def _ecrire(tmp_path: Path, texte: str) -> Path:
    f = tmp_path / "bilans.xml"
    f.write_text(texte, encoding="utf-8")
    return f


COMMUN = 'enseignant-refs="ENS_01" element-programme-refs="EP_01"'

#: type Acquis : tout est facultatif (moyennes, « non noté », positionnement 1–4, appréciation).
ACQUIS = f"""
<acquis discipline-ref="DI_020700" {COMMUN} moyenne-eleve="12.5/20" moyenne-structure="10/20">
  <appreciation>Bon travail à l'écrit.</appreciation></acquis>
<acquis discipline-ref="DI_061300" {COMMUN} positionnement="3"/>
<acquis discipline-ref="DI_062900" {COMMUN} eleve-non-note="1" structure-non-notee="true">
  <appreciation>Absent lors des évaluations.</appreciation></acquis>
"""


def test_bilan_periodique_toutes_les_formes_d_acquis(tmp_path: Path) -> None:
    """Acquis : moyenne + appréciation ; positionnement seul (classe sans notes, comme SACoche l'écrit) ;
    élève et structure non notés. ``acquis-conseils`` : l'appréciation générale du conseil."""
    lot = connectors.lire("lsu", _ecrire(tmp_path, _document(ACQUIS)))
    assert [(m.matiere, m.moyenne, m.moyenne_classe, m.positionnement, m.appreciation) for m in lot.moyennes] == [
        ("Français", 12.5, 10.0, None, "Bon travail à l'écrit."),
        ("Mathématiques", None, None, "3", None),
        ("SVT", None, None, None, "Absent lors des évaluations."),
        (None, None, None, None, "Trimestre encourageant ; doit approfondir ses leçons."),
    ]
    assert {m.periode for m in lot.moyennes} == {"Trimestre 1"} and {m.source for m in lot.moyennes} == {"lsu"}


#: type Acquis, @moyenne-eleve / @moyenne-structure : ``MoyenneAlphanumerique``, un xs:string de 1 à 8
#: caractères — un nombre (« 12.5/20 », « 12,5 » ; GEPI écrit « 0/200 »,
#: ``tbelliard/gepi``, ``mod_LSUN/lib/creeXML.php``) ou un texte court.
MOYENNES_TEXTE = f"""
<acquis discipline-ref="DI_020700" {COMMUN} moyenne-eleve="12,5" moyenne-structure="0/200"/>
<acquis discipline-ref="DI_061300" {COMMUN} moyenne-eleve="Abs" moyenne-structure="NN"/>
<acquis discipline-ref="DI_062900" {COMMUN} moyenne-eleve="douze" eleve-non-note="true"/>
"""


def test_moyennes_alphanumeriques(ecole: Warehouse, tmp_path: Path) -> None:
    """Un nombre s'importe (virgule ou point, toute base ramenée sur 20) ; un texte court qui n'est pas un
    nombre s'importe **sans moyenne**, jamais un nombre inventé, avec une remarque située ; « non noté »
    l'emporte sur une moyenne écrite à côté, remarque à l'appui."""
    f = _ecrire(tmp_path, _document(MOYENNES_TEXTE))
    lot = connectors.lire("lsu", f)
    assert [(m.matiere, m.moyenne, m.moyenne_classe) for m in lot.moyennes if m.matiere] == [
        ("Français", 12.5, 0.0), ("Mathématiques", None, None), ("SVT", None, None)]
    assert [(a.colonne, a.message) for a in lot.anomalies] == [
        ("moyenne-eleve", "DUPONT Jean-Marie (3A), Trimestre 1, Mathématiques : moyenne-eleve « Abs » n'est pas un "
                          "nombre (le schéma LSU admet un texte court) : gardé sans moyenne"),
        ("moyenne-structure", "DUPONT Jean-Marie (3A), Trimestre 1, Mathématiques : moyenne-structure « NN » n'est "
                              "pas un nombre (le schéma LSU admet un texte court) : gardé sans moyenne"),
        ("moyenne-eleve", "DUPONT Jean-Marie (3A), Trimestre 1, SVT : moyenne-eleve « douze » à côté de "
                          "eleve-non-note=true : non noté, la moyenne n'est pas gardée"),
    ]
    assert all(a.ligne for a in lot.anomalies)
    res = ecole.importer(lot)
    assert res.statut == "reussi", res.message
    assert len(res.anomalies) == 3
    assert ecole.con.execute("SELECT matiere, moyenne FROM moyennes_pronote WHERE matiere IS NOT NULL "
                             "ORDER BY matiere").fetchall() == [
        ("Français", 12.5), ("Mathématiques", None), ("SVT", None)]


def test_appreciations_dans_la_vue_publique(ecole, tmp_path: Path) -> None:
    """Gardées dans l'entrepôt, lisibles par le conseil de classe dans la vue ``appreciations``."""
    res = ecole.importer(connectors.lire("lsu", _ecrire(tmp_path, _document(ACQUIS))))
    assert res.statut == "reussi", res.message
    assert ecole.con.execute(
        "SELECT matiere, appreciation FROM appreciations ORDER BY matiere NULLS LAST").fetchall() == [
        ("Français", "Bon travail à l'écrit."), ("SVT", "Absent lors des évaluations."),
        (None, "Trimestre encourageant ; doit approfondir ses leçons.")]
    assert ecole.con.execute(
        "SELECT moyenne, positionnement FROM moyennes_pronote WHERE matiere = 'Mathématiques'").fetchall() == [
        (None, "3")]


#: Les autres parties que le schéma permet (type Donnees et BilanPeriodique) : EPI, accompagnement
#: personnalisé, parcours, modalités d'accompagnement. Vigie ne s'en sert pas ; elles ne gênent pas.
AUTRES_DONNEES = """
<parcours-communs><parcours-commun periode-ref="P_01" code-division="3A">
  <parcours code="PAR_AVN">Parcours avenir</parcours></parcours-commun></parcours-communs>
<vies-scolaires-communs><vie-scolaire-commun periode-ref="P_01" code-division="3A">
  <commentaire>Classe calme.</commentaire></vie-scolaire-commun></vies-scolaires-communs>
<epis><epi id="EPI_01" intitule="Mon EPI" thematique="EPI_ART" discipline-refs="DI_020700 DI_061300">
  <description>Description</description></epi></epis>
<epis-groupes><epi-groupe id="EPI_G_01" epi-ref="EPI_01" intitule="Groupe EPI"><enseignants-disciplines>
  <enseignant-discipline enseignant-ref="ENS_01" discipline-ref="DI_020700"/></enseignants-disciplines></epi-groupe>
</epis-groupes>
<acc-persos><acc-perso id="AP_01" intitule="AP français" discipline-refs="DI_020700"/></acc-persos>
"""
AUTRES_BILAN = """
<epis-eleve><epi-eleve epi-groupe-ref="EPI_G_01"><commentaire>Investi.</commentaire></epi-eleve></epis-eleve>
<liste-parcours><parcours code="PAR_CIT">Délégué de classe.</parcours></liste-parcours>
<modalites-accompagnement><modalite-accompagnement code="PPRE"><complement-ppre>Lecture</complement-ppre>
</modalite-accompagnement><modalite-accompagnement code="PAP"/></modalites-accompagnement>
"""


def test_parties_facultatives_tolerees(tmp_path: Path) -> None:
    sans = connectors.lire("lsu", _ecrire(tmp_path, _document(ACQUIS)))
    avec = connectors.lire("lsu", _ecrire(tmp_path, _document(ACQUIS, donnees=AUTRES_DONNEES, bilan=AUTRES_BILAN)))
    assert avec.moyennes == sans.moyennes and avec.evaluations == sans.evaluations and not avec.anomalies


def test_socle_periodique_positionnement_facultatif(tmp_path: Path) -> None:
    """type DomaineSocle (bilan périodique) : 8 domaines, ``positionnement`` facultatif (0 à 4)."""
    socle = "<socle>" + "".join(
        f'<domaine code="{c}"' + (' positionnement="2"' if c == "CPD_FRA" else "") + "/>" for c in CODES) + "</socle>"
    lot = connectors.lire("lsu", _ecrire(tmp_path, _document(ACQUIS, socle_periodique=socle)))
    periodiques = [e for e in lot.evaluations if e.periode == "Trimestre 1"]
    assert [(e.domaine, e.niveau, e.date) for e in periodiques] == [("CPD_FRA", 2, dt.date(2025, 12, 4))]


def test_bilan_de_cycle(tmp_path: Path) -> None:
    """type BilanCycle : 8 DomaineSocleCycle au positionnement obligatoire, 0 = dispensé (langue)."""
    lot = connectors.lire("lsu", _ecrire(tmp_path, _document(ACQUIS)))
    cycle = [e for e in lot.evaluations if e.periode is None]
    assert len(cycle) == 8 and {e.date for e in cycle} == {dt.date(2026, 6, 20)}
    etr = next(e for e in cycle if e.domaine == "CPD_ETR")
    assert (etr.niveau, etr.statut) == (None, StatutCompetence.DISPENSE)


@pytest.mark.parametrize(
    ("acquis", "attribut", "raison"),
    [
        # PositionnementAcquis : entier de 1 à 4
        (f'<acquis discipline-ref="DI_020700" {COMMUN} positionnement="5"/>', "positionnement", "1 à 4"),
        # MoyenneAlphanumerique : xs:string de 1 à 8 caractères ; plus long et pas un nombre : interdit
        (f'<acquis discipline-ref="DI_020700" {COMMUN} moyenne-eleve="non évalué"/>', "moyenne-eleve", "illisible"),
        (f'<acquis discipline-ref="DI_020700" {COMMUN} moyenne-eleve=""/>', "moyenne-eleve", "illisible"),
        (f'<acquis discipline-ref="DI_020700" {COMMUN} moyenne-eleve="25/20"/>', "moyenne-eleve", "au-delà de 20"),
        # xs:boolean
        (f'<acquis discipline-ref="DI_020700" {COMMUN} eleve-non-note="peut-être"/>', "eleve-non-note", "booléen"),
        # discipline-ref : xs:IDREF vers une discipline déclarée
        (f'<acquis discipline-ref="DI_999999" {COMMUN} positionnement="2"/>', "discipline-ref", "non déclarée"),
    ],
)
def test_acquis_interdits_refuses(ecole: Warehouse, tmp_path: Path, acquis: str, attribut: str, raison: str) -> None:
    texte = _document(acquis)
    ligne = next(i for i, l in enumerate(texte.splitlines(), 1) if "<liste-acquis>" in l)
    err = refuse_sans_rien_changer(ecole, "lsu", _ecrire(tmp_path, texte))
    assert (err.ligne, err.colonne) == (ligne, attribut) and raison in str(err)


def test_cycle_et_socle_interdits_refuses(ecole: Warehouse, tmp_path: Path) -> None:
    # Cycle : 3 ou 4 dans ce schéma (collège)
    err = refuse_sans_rien_changer(ecole, "lsu", _ecrire(tmp_path, _document(ACQUIS, cycle="2")))
    assert err.colonne == "cycle" and "cycle « 2 » inconnu" in str(err)
    # CodeDomaineSocle : une des 8 composantes
    faux = "".join(f'<domaine code="{c}" positionnement="3"/>' for c in (*CODES[:7], "CPD_XXX"))
    err = refuse_sans_rien_changer(ecole, "lsu", _ecrire(tmp_path, _document(ACQUIS, socle_cycle=faux)))
    assert err.colonne == "code" and "composante du socle « CPD_XXX » inconnue" in str(err)
    # PositionnementSocle 0 à 4 ; 0 (dispensé) réservé à la langue (CPD_ETR) par le cahier des charges
    zero = "".join(f'<domaine code="{c}" positionnement="{0 if c == "CPD_FRA" else 3}"/>' for c in CODES)
    err = refuse_sans_rien_changer(ecole, "lsu", _ecrire(tmp_path, _document(ACQUIS, socle_cycle=zero)))
    assert err.colonne == "positionnement" and "positionnement 0 (dispensé) interdit pour CPD_FRA" in str(err)


def test_eleve_sans_nom_hors_du_champ_de_vigie(ecole: Warehouse, tmp_path: Path) -> None:
    """type Eleve : nom et prénom sont facultatifs (« informations de débogage ») ; Vigie reconnaît les
    élèves par leur nom : refus documenté « hors du champ de Vigie »."""
    err = refuse_sans_rien_changer(ecole, "lsu", _ecrire(tmp_path, _document(ACQUIS, eleve="")))
    assert err.colonne == "nom" and "hors du champ de Vigie" in str(err)
