"""Les alertes sur l'école synthétique : chaque profil planté est pris par sa règle, les réguliers ne
déclenchent aucune « alerte » ; précision et rappel par règle imprimés (``pytest -s``).

Depuis que l'école a l'absentéisme des établissements réels (DEPP, ``sample_data/absenteisme.py``), un
élève régulier peut être absentéiste certains mois : il porte alors la marque ``absenteiste`` dans la
vérité terrain, et ses alertes d'absences (4 et 10 demi-journées non justifiées dans le mois) sont
attendues exactement pour ces mois-là. « Les réguliers ne déclenchent aucune alerte » vaut pour les
réguliers sans cette marque.

L'école passe par les vrais fichiers et les vrais connecteurs (comme ``vigie demo``), jamais par les tables.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import connectors
from models.warehouse import Warehouse
from models.records import StatutAbsence
from sample_data import absenteisme
from sample_data.generateur import ecrire_ecole, generer

from .outils.differentiel import memes_alertes

#: Profil planté → règles qui doivent le repérer (au moins une).
ATTENDU: dict[str, set[str]] = {
    "fort_pro_faible_general": {"ecart_familles"},
    "fort_general_faible_pro": {"ecart_familles"},
    "decrocheur": {"baisse_moyenne"},
    "absenteisme_perle": {"absenteisme_perle"},
    "absenteisme_4": {"absences_mois"},
    "absenteisme_10": {"absences_persistance"},
    "justificatifs_en_attente": {"justificatifs_en_attente"},
    "competences_insuffisantes": {"competences_insuffisantes"},
    "competences_sans_progres": {"competences_sans_progres"},
    "pix_inactif": {"pix_non_envoye"},
}


@pytest.fixture(scope="module")
def ecole_demo(tmp_path_factory):
    ecole = generer()
    dossier = tmp_path_factory.mktemp("demo")
    plan = ecrire_ecole(ecole, dossier)
    wh = Warehouse()
    for sorte, chemin, options in plan:
        res = wh.importer(connectors.lire(sorte, Path(chemin), **options))
        assert res.statut == "reussi", res.message
    fin = max(p.fin for p in ecole.periodes)
    df = memes_alertes(wh, au=fin + dt.timedelta(days=1))  # égal à la référence figée
    yield wh, ecole.verite, df, ecole
    wh.close()




def test_chaque_profil_est_pris_par_sa_regle(ecole_demo):
    _, verite, df, _ = ecole_demo
    par_eleve: dict[str, set[str]] = {}
    for eid, regle in zip(df["eleve_id"], df["regle"]):
        par_eleve.setdefault(eid, set()).add(regle)
    manques = [
        (eid, profil) for eid, profils in verite.items() for profil in profils
        if profil in ATTENDU and not (ATTENDU[profil] & par_eleve.get(eid, set()))
    ]
    assert not manques, f"{len(manques)} profil(s) manqué(s) : {manques[:10]}"


def test_les_reguliers_ne_declenchent_aucune_alerte(ecole_demo):
    _, verite, df, _ = ecole_demo
    reguliers = {eid for eid, profils in verite.items() if profils == ["regulier"]}
    fautives = df.filter(df["eleve_id"].is_in(list(reguliers)) & (df["gravite"] == "alerte"))
    assert fautives.is_empty(), fautives.select("nom", "classe", "regle", "explication").head(10)


def test_les_absenteistes_sont_pris_le_mois_meme(ecole_demo):
    """Les alertes « 4 » et « 10 demi-journées » tombent exactement les mois où l'école écrite a au moins 4
    (ou 10) demi-journées non justifiées pour un élève ; les seules « alertes » sont celles-là."""
    _, verite, df, ecole = ecole_demo
    par_nom = {(e.nom, e.prenom): e.eleve_id() for e in ecole.eleves}
    nj: dict[tuple[str, str], float] = {}
    for a in ecole.absences:
        if a.statut == StatutAbsence.NON_JUSTIFIEE:
            cle = (par_nom[(a.eleve.nom, a.eleve.prenom)], a.debut.strftime("%Y-%m"))
            nj[cle] = nj.get(cle, 0) + a.demi_journees_brutes
    attendu = {cle: "absences_persistance" if n >= 10 else "absences_mois" for cle, n in nj.items() if n >= 4}
    vues = df.filter(pl.col("regle").is_in(["absences_mois", "absences_persistance"]))
    assert {(e, p): r for e, p, r in vues.select("eleve_id", "periode", "regle").iter_rows()} == attendu
    assert set(df.filter(gravite="alerte")["regle"]) <= {"absences_mois", "absences_persistance"}
    marques = {eid for eid, ps in verite.items() if absenteisme.MARQUE in ps}
    assert marques and marques <= {e for e, _ in attendu}
    print(f"\n{len(marques)} absentéistes calés sur la DEPP ({len(attendu)} élève-mois d'alerte en tout)")


def test_precision_et_rappel_par_regle(ecole_demo):
    _, verite, df, _ = ecole_demo
    print("\nrègle                       vrais+  faux+  manqués  précision  rappel")
    for regle in sorted({r for regles in ATTENDU.values() for r in regles}):
        profils = {p for p, regles in ATTENDU.items() if regle in regles}
        attendus = {eid for eid, ps in verite.items() if profils & set(ps)}
        trouves = set(df.filter(df["regle"] == regle)["eleve_id"])
        vp = len(attendus & trouves)
        precision = vp / len(trouves) if trouves else 1.0
        rappel = vp / len(attendus) if attendus else 1.0
        print(f"{regle:<28}{vp:>6}{len(trouves - attendus):>7}{len(attendus - trouves):>9}"
              f"{precision:>11.0%}{rappel:>8.0%}")
        assert rappel == 1.0, regle
    autres = df.filter(~df["regle"].is_in(sorted({r for rs in ATTENDU.values() for r in rs})))
    print("autres règles :", dict(autres.group_by("regle").len().iter_rows()))


def test_une_classe_et_un_eleve_comme_la_reference(ecole_demo):
    """Les alertes d'une classe (``classe=``) et d'un élève (``eleve=``, celles de la fiche) ne lisent que
    leurs lignes et sont exactement celles de la référence figée, filtrée ; à deux dates (fin d'année, et
    en cours d'année : périodes pas encore écoulées)."""
    wh, _, df, _ = ecole_demo
    fin = wh.valeur("SELECT max(fin) FROM periodes")
    classes = df.group_by("classe").len().sort("len", "classe", descending=[True, False])["classe"].head(2).to_list()
    for au in (fin + dt.timedelta(days=1), fin - dt.timedelta(days=150)):
        for classe in classes:
            a = memes_alertes(wh, au=au, classe=classe)
            assert a.height and set(a["classe"]) == {classe}
            eleve = a["eleve_id"][0]
            b = memes_alertes(wh, au=au, eleve=eleve)
            assert b.height and set(b["eleve_id"]) == {eleve}
            assert b.equals(a.filter(eleve_id=eleve))
    assert memes_alertes(wh, au=fin, eleve="inconnu").is_empty()
