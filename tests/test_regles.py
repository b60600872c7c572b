"""Une règle, un endroit : les règles qui étaient écrites plusieurs fois, aux bords, calculées à la main.

- L131-8 : demi-journées non justifiées d'un mois civil (models/absences.py), un mois à cheval sur deux
  périodes ;
- R511-13 : sanctions effacées du dossier (models/sanctions.py), le 31 août et le jour anniversaire ;
- ordre des gravités (models/alertes.py) ; neutralisation des formules (models/export.py) ; noms
  d'identifiants SQL (models/warehouse.py) ; clé des noms (models/records.py, sans cycle d'import).
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import polars as pl

from models import absences as ma
from models.alertes import GRAVITES, alertes, rang_gravite
from models.export import neutraliser, neutraliser_cellule
from models.records import Absence, Classe, Eleve, Periode, RefEleve, Sanction, StatutAbsence, cle_nom
from models.reglages import charger_reglages
from models.retention import purger
from models.sanctions import date_effacement, sanction_effacee
from models.warehouse import quote_ident

from .conftest import lot

J = dt.date
NJ, ATT = StatutAbsence.NON_JUSTIFIEE, StatutAbsence.EN_ATTENTE
PAUL = RefEleve(nom="MARTIN", prenom="Paul", classe="4B")

#: Un établissement dont les périodes se touchent au milieu d'un mois (semestres coupés le 14 novembre).
PERIODES_MI_MOIS = [
    Periode(nom="Période 1", annee="2025-2026", debut=J(2025, 9, 1), fin=J(2025, 11, 14)),
    Periode(nom="Période 2", annee="2025-2026", debut=J(2025, 11, 15), fin=J(2026, 7, 4)),
]


def _h(j: int, m: int, h: int) -> dt.datetime:
    return dt.datetime(2025, m, j, h)


def test_l131_8_un_mois_a_cheval_sur_deux_periodes(wh, tmp_path):
    res = wh.importer(lot(tmp_path, "pronote-eleves", "e", effectif=True, periodes=PERIODES_MI_MOIS,
                          classes=[Classe(nom="4B", niveau="4e")],
                          eleves=[Eleve(nom="MARTIN", prenom="Paul", classe="4B")]))
    assert res.statut == "reussi", res.message
    res = wh.importer(lot(tmp_path, "pronote-absences", "a", absences=[
        # mercredi 12/11 matin et jeudi 13/11 matin (période 1) : 2
        Absence(eleve=PAUL, debut=_h(12, 11, 8), fin=_h(12, 11, 12), statut=NJ),
        Absence(eleve=PAUL, debut=_h(13, 11, 8), fin=_h(13, 11, 12), statut=NJ),
        # lundi 17/11 toute la journée (période 2) : 2 ; mardi 18/11 matin en attente : à part
        Absence(eleve=PAUL, debut=_h(17, 11, 8), fin=_h(17, 11, 17), statut=NJ),
        Absence(eleve=PAUL, debut=_h(18, 11, 8), fin=_h(18, 11, 12), statut=ATT),
        # vendredi 28/11 après-midi → lundi 1/12 matin : 1 en novembre, 1 en décembre
        Absence(eleve=PAUL, debut=_h(28, 11, 14), fin=dt.datetime(2025, 12, 1, 12), statut=NJ),
    ]))
    assert res.statut == "reussi", res.message
    par_mois = ma.non_justifiees_par_mois(wh)
    compte = {r["mois"]: (r["non_justifiees"], r["en_attente"]) for r in par_mois.iter_rows(named=True)}
    # 2 + 2 + 1 = 5 en novembre, quelle que soit la période ; le 1/12 compte en décembre.
    assert compte == {J(2025, 11, 1): (5, 1), J(2025, 12, 1): (1, 0)}
    # Par période, aucune n'atteint 4 : c'est bien le mois civil que la loi compte.
    per = ma.demi_journees(wh, par="periode").sort("periode")
    assert per["non_justifiees"].to_list() == [2, 4]
    # La page (mois_non_justifies), l'alerte et le suivi lisent le même compte et le même palier.
    assert ma.mois_non_justifies(wh)["non_justifiees"].to_list() == [5]
    al = alertes(wh, au=J(2025, 12, 15)).filter(pl.col("regle").str.starts_with("absences_"))
    assert al.select("regle", "periode", "valeur").rows() == [("absences_mois", "2025-11", 5.0)]
    assert "12/11/2025, 13/11/2025, 17/11/2025, 28/11/2025" in al["explication"][0]


def test_l131_8_paliers_4_et_10():
    r = charger_reglages()
    assert [ma.regle_mensuelle(n, r) for n in (3, 4, 9, 10)] == [
        None, "absences_mois", "absences_mois", "absences_persistance"]
    df = pl.DataFrame({"non_justifiees": [3, 4, 9, 10]}).with_columns(regle=ma.regle_mensuelle_expr(r))
    assert df["regle"].to_list() == [ma.regle_mensuelle(n, r) for n in (3, 4, 9, 10)]
    assert (ma.seuil_regle("absences_mois", r), ma.seuil_regle("absences_persistance", r)) == (4, 10)


def test_r511_13_aux_bords():
    d = J(2025, 10, 10)
    # Avertissement, blâme, responsabilisation : au dossier jusqu'au 31 août inclus, effacés le 1er septembre.
    for nature in ("Avertissement", "BLÂME", "Mesure de responsabilisation"):
        assert date_effacement(nature, d, False) == J(2026, 8, 31)
        assert not sanction_effacee(nature, d, False, J(2026, 8, 31))
        assert sanction_effacee(nature, d, False, J(2026, 9, 1))
    # Un avertissement du 31 août appartient à l'année qui finit : effacé dès le lendemain.
    assert date_effacement("Avertissement", J(2026, 8, 31), False) == J(2026, 8, 31)
    assert date_effacement("Avertissement", J(2026, 9, 1), False) == J(2027, 8, 31)
    # Exclusion temporaire : un an jour pour jour ; le 29 février → le 28 février.
    assert date_effacement("Exclusion temporaire de l'établissement", d, True) == J(2026, 10, 10)
    assert not sanction_effacee("Exclusion temporaire de la classe", d, True, J(2026, 10, 10))
    assert sanction_effacee("Exclusion temporaire de la classe", d, True, J(2026, 10, 11))
    assert date_effacement("Exclusion temporaire", J(2028, 2, 29), True) == J(2029, 2, 28)
    # Jamais : l'exclusion définitive, et ce que R511-13 n'efface pas.
    assert date_effacement("Exclusion définitive", d, True) is None
    assert date_effacement("Retenue", d, False) is None


def test_r511_13_la_purge_suit_la_meme_regle(ecole, tmp_path):
    r = RefEleve(nom="DUPONT", prenom="Jean-Marie", classe="3A")
    ecole.importer(lot(tmp_path, "s", "s", sanctions=[
        Sanction(eleve=r, date=J(2025, 10, 10), nature="Exclusion temporaire de la classe", disciplinaire=True,
                 exclusion=True),
        Sanction(eleve=r, date=J(2026, 3, 2), nature="Blâme", disciplinaire=True),
    ]))
    # Le 10/10/2026, l'exclusion du 10/10/2025 est encore au dossier (effacée le lendemain) ; le blâme non.
    purger(ecole, "2025-2026", aujourdhui=J(2026, 10, 10))
    assert ecole.sql("SELECT nature FROM sanctions")["nature"].to_list() == ["Exclusion temporaire de la classe"]
    purger(ecole, "2025-2026", aujourdhui=J(2026, 10, 11))
    assert ecole.valeur("SELECT count(*) FROM sanctions") == 0


def test_ordre_des_gravites():
    df = pl.DataFrame({"gravite": ["info", "inconnue", "alerte", "attention"]})
    assert df.sort(rang_gravite())["gravite"].to_list() == ["alerte", "attention", "info", "inconnue"]
    assert list(GRAVITES) == ["alerte", "attention", "info"] and GRAVITES["info"] == "Information"


def test_neutralisation_des_formules():
    for texte in ("=1+1", "+33", "-2", "@SOMME(A1)", "\tx", "\rx"):
        assert neutraliser_cellule(texte) == "'" + texte
    assert neutraliser_cellule("DUPONT") == "DUPONT" and neutraliser_cellule("") == ""
    df = neutraliser(pl.DataFrame({"t": ["=1+1", "\tx", "ok", None], "n": [-1, 2, 3, 4]}))
    assert df["t"].to_list() == ["'=1+1", "'\tx", "ok", None] and df["n"].to_list() == [-1, 2, 3, 4]


def test_identifiants_sql():
    assert quote_ident("eleves") == '"eleves"' and quote_ident('a"b') == '"a""b"'


def _imports_models() -> dict[str, set[str]]:
    """Module de models → modules de models qu'il importe (au chargement ou dans une fonction)."""
    graphe = {}
    for f in (Path(__file__).parents[1] / "models").glob("*.py"):
        deps = set()
        for n in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(n, ast.ImportFrom) and n.level == 1:
                deps |= {n.module.split(".")[0]} if n.module else {a.name for a in n.names}
        graphe[f.stem] = deps
    return graphe


def test_cle_des_noms_dans_records_sans_cycle_d_import():
    assert cle_nom("Lefèvre-D’Almeida") == "lefevre dalmeida"
    graphe = _imports_models()

    def atteint(depart: str, but: str, vus: set[str]) -> bool:
        vus.add(depart)
        return depart == but or any(atteint(m, but, vus) for m in graphe.get(depart, ()) if m not in vus)

    # matching dépend de records (la clé des noms), jamais l'inverse ; les modules de ce ticket non plus.
    for module in ("records", "matching", "nombres", "annee_scolaire", "periodes", "sanctions", "formules",
                   "schema", "acces", "absences"):
        cycles = [m for m in graphe[module] if m in graphe and atteint(m, module, set())]
        assert not cycles, (module, cycles)
