"""L'école synthétique : déterminisme, tailles, profils plantés vérifiés sur les enregistrements eux-mêmes.

Les moyennes sont recalculées ici indépendamment du générateur, de la façon la plus simple possible
(devoirs ni bonus ni facultatifs, sous-services mis en commun avec leur service, Abs* et N.Rdu* à 0) :
un plancher tenu avec cette convention l'est aussi avec celle de Pronote, où bonus et facultatifs ne
peuvent que faire monter une moyenne.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from models.matching import Annuaire, EleveConnu, cle_nom
from models.records import STATUTS_COMPTES_ZERO, Famille, Note, StatutAbsence, StatutNote
from sample_data import absenteisme
from sample_data.generateur import MATIERES, PROFILS, Ecole, ecrire_ecole, generer

RACINE = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ecole() -> Ecole:
    return generer()


def _profils(ecole: Ecole) -> dict[tuple[str, str], str]:
    """(nom, prénom) → profil ; nom et premier prénom sont uniques dans l'école."""
    par_id = {e.eleve_id(): e for e in ecole.eleves}
    return {(par_id[i].nom, par_id[i].prenom): p[0] for i, p in ecole.verite.items()}


def _moyennes(ecole: Ecole) -> dict[tuple[str, str, str, str], float]:
    """(nom, prénom, service, période) → moyenne sur 20, recalculée simplement."""
    num: dict[tuple, float] = defaultdict(float)
    den: dict[tuple, float] = defaultdict(float)
    for n in ecole.notes:
        d = n.devoir
        if d.bonus or d.facultatif:
            continue
        if n.statut == StatutNote.NOTE:
            v = n.valeur
        elif n.statut in STATUTS_COMPTES_ZERO:
            v = 0.0
        else:
            continue
        cle = (n.eleve.nom, n.eleve.prenom, d.matiere.split(">")[0].strip(), d.periode)
        if d.ramener_sur_20:
            num[cle] += v * 20 / d.bareme * d.coefficient
            den[cle] += 20 * d.coefficient
        else:
            num[cle] += v * d.coefficient
            den[cle] += d.bareme * d.coefficient
    return {k: 20 * num[k] / den[k] for k in num if den[k]}


def _par_famille(moyennes: dict, famille: Famille | None) -> dict[tuple[str, str, str], float]:
    """(nom, prénom, période) → moyenne des matières (d'une famille), pondérée par leur coefficient."""
    num: dict[tuple, float] = defaultdict(float)
    den: dict[tuple, float] = defaultdict(float)
    for (nom, prenom, service, periode), m in moyennes.items():
        f, coef = MATIERES[service]
        if famille is None or f == famille:
            num[(nom, prenom, periode)] += m * coef
            den[(nom, prenom, periode)] += coef
    return {k: num[k] / den[k] for k in num}


def _nj_par_mois(ecole: Ecole, statut: StatutAbsence = StatutAbsence.NON_JUSTIFIEE) -> dict[tuple, dict]:
    """(nom, prénom) → {(année, mois): demi-journées brutes de ce statut}."""
    res: dict[tuple, dict] = defaultdict(lambda: defaultdict(float))
    for a in ecole.absences:
        assert (a.debut.year, a.debut.month) == (a.fin.year, a.fin.month), "une absence ne chevauche pas deux mois"
        if a.statut == statut:
            res[(a.eleve.nom, a.eleve.prenom)][(a.debut.year, a.debut.month)] += a.demi_journees_brutes
    return res


# --- Déterminisme -------------------------------------------------------------------------------------


def test_meme_graine_memes_enregistrements() -> None:
    a, b = generer(7, eleves=150), generer(7, eleves=150)
    assert a.eleves == b.eleves
    assert a.notes == b.notes
    assert a.absences == b.absences and a.retards == b.retards and a.sanctions == b.sanctions
    assert a.evaluations == b.evaluations and a.pix == b.pix and a.verite == b.verite
    assert a.moyennes_pronote == b.moyennes_pronote


def test_autre_graine_autre_ecole() -> None:
    a, b = generer(7, eleves=150), generer(8, eleves=150)
    assert [e.nom for e in a.eleves] != [e.nom for e in b.eleves]
    assert a.notes != b.notes


def _empreinte_fichiers(graine_hachage: str, dossier: Path) -> str:
    """Empreinte des fichiers écrits par un autre processus, avec un PYTHONHASHSEED imposé."""
    code = (
        "import hashlib, sys; from pathlib import Path;"
        "from sample_data.generateur import generer, ecrire_ecole;"
        "d = Path(sys.argv[1]); ecrire_ecole(generer(3, eleves=80), d); h = hashlib.sha256();"
        "[h.update(str(p.relative_to(d)).encode() + p.read_bytes()) for p in sorted(d.rglob('*')) if p.is_file()"
        " and p.suffix != '.xlsx'];"  # un .xlsx porte sa date de création
        "print(h.hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": graine_hachage}
    sortie = subprocess.run([sys.executable, "-c", code, str(dossier)], cwd=RACINE, env=env,
                            capture_output=True, text=True, check=True)
    return sortie.stdout.strip()


def test_fichiers_identiques_d_un_processus_a_l_autre(tmp_path: Path) -> None:
    # hash() des chaînes change avec PYTHONHASHSEED : un parcours d'ensemble dans le générateur
    # ou un écrivain se verrait ici.
    assert _empreinte_fichiers("1", tmp_path / "a") == _empreinte_fichiers("2", tmp_path / "b")


# --- Tailles ------------------------------------------------------------------------------------------


def test_tailles(ecole: Ecole) -> None:
    assert len(ecole.eleves) == 600
    assert 22 <= len(ecole.classes) <= 26
    assert [p.nom for p in ecole.periodes] == ["Trimestre 1", "Trimestre 2", "Trimestre 3"]
    assert {p.annee for p in ecole.periodes} == {"2025-2026"}
    niveaux = Counter(c.niveau for c in ecole.classes)
    assert set(niveaux) == {"6e", "5e", "4e", "3e", "2nde", "1re", "Tle", "CAP1", "CAP2"}
    assert {"6A", "3B", "2 MELEC", "1 AGORA", "TMA", "1CAP EPC"} <= {c.nom for c in ecole.classes}
    ulis = [e for e in ecole.eleves if "ULIS" in e.accompagnement]
    assert 10 <= len(ulis) <= 14
    assert all(e.accompagnement == {"ULIS", "PPS"} and e.classe in {c.nom for c in ecole.classes} for e in ulis)
    # 4 à 6 devoirs par service, classe et trimestre (2 à 3 par sous-service)
    par_fichier = Counter((d.classe, d.matiere, d.periode) for d in ecole.devoirs)
    assert all((2 if ">" in m else 4) <= n <= 6 for (_, m, _), n in par_fichier.items())
    assert {d.bareme for d in ecole.devoirs} >= {10, 20, 40}
    assert any(d.coefficient == 0.5 for d in ecole.devoirs) and any(not d.ramener_sur_20 for d in ecole.devoirs)
    assert any(d.bonus for d in ecole.devoirs) and any(d.facultatif for d in ecole.devoirs)
    assert {n.statut for n in ecole.notes} == set(StatutNote)
    assert any(d.matiere == "ANGLAIS LV1 > Expression écrite" for d in ecole.devoirs)


def test_notes_valides(ecole: Ecole) -> None:
    # Les notes sont construites sans revalidation (vitesse) : on les revalide toutes ici.
    for n in ecole.notes:
        Note.model_validate(n.model_dump())


def test_identifiants_uniques(ecole: Ecole) -> None:
    assert len({e.eleve_id() for e in ecole.eleves}) == 600


@pytest.fixture(scope="module")
def deux_ans() -> Ecole:
    return generer(1, eleves=300, annees=2)


def test_echelle(deux_ans: Ecole) -> None:
    grande = deux_ans
    assert len(grande.eleves) == 300
    assert len(grande.effectifs) == 2 and {p.annee for p in grande.periodes} == {"2024-2025", "2025-2026"}
    # les élèves de 3e cette année étaient en 4e l'an dernier, sous le même identifiant, sauf les
    # redoublants (en 3e déjà : sample_data/absenteisme.py), peu nombreux
    avant = {e.eleve_id(): e.classe for e in grande.effectifs["2024-2025"]}
    troisiemes = [e for e in grande.eleves if e.classe.startswith("3")]
    assert troisiemes and all(avant[e.eleve_id()][0] in "43" for e in troisiemes)
    assert sum(avant[e.eleve_id()].startswith("4") for e in troisiemes) >= 0.85 * len(troisiemes)
    plusieurs = generer(1, eleves=100, etablissements=3)
    assert len(plusieurs.eleves) == 300 and len(plusieurs.autres_etablissements) == 2
    assert len({c.nom for c in plusieurs.classes}) == len(plusieurs.classes)


# --- Profils ------------------------------------------------------------------------------------------


def test_chaque_profil_est_plante(ecole: Ecole) -> None:
    compte = Counter(p for ps in ecole.verite.values() for p in ps)
    assert set(compte) == set(PROFILS) | {absenteisme.MARQUE}
    # la marque des absentéistes de l'année (calés sur la DEPP) s'ajoute à un profil, jamais seule
    assert all(ps[0] in PROFILS and ps[1:] in ([], [absenteisme.MARQUE]) for ps in ecole.verite.values())
    for profil in PROFILS[1:]:
        assert (2 if profil == "competences_sans_progres" else 3) <= compte[profil] <= 8, profil
    assert compte["regulier"] > 500


def test_reguliers_au_moins_10_partout(ecole: Ecole) -> None:
    profils = _profils(ecole)
    moyennes = _moyennes(ecole)
    fautifs = {k: round(m, 2) for k, m in moyennes.items()
               if profils[(k[0], k[1])] not in ("fort_pro_faible_general", "fort_general_faible_pro", "decrocheur")
               and m < 10}
    assert not fautifs
    generales = _par_famille(moyennes, None)
    for (nom, prenom), profil in profils.items():
        if profil == "regulier":
            t = [generales[(nom, prenom, f"Trimestre {i}")] for i in (1, 2, 3)]
            assert t[1] > t[0] - 2 and t[2] > t[1] - 2, (nom, t)


def test_decrocheurs_perdent_2_points_par_trimestre(ecole: Ecole) -> None:
    generales = _par_famille(_moyennes(ecole), None)
    decrocheurs = [k for k, p in _profils(ecole).items() if p == "decrocheur"]
    for nom, prenom in decrocheurs:
        t = [generales[(nom, prenom, f"Trimestre {i}")] for i in (1, 2, 3)]
        assert t[1] <= t[0] - 2 and t[2] <= t[1] - 2, t
    absences = defaultdict(lambda: [0.0, 0.0, 0.0])
    for a in ecole.absences:
        if (a.eleve.nom, a.eleve.prenom) in decrocheurs:
            trimestre = next(i for i, p in enumerate(ecole.periodes) if p.debut <= a.debut.date() <= p.fin)
            absences[(a.eleve.nom, a.eleve.prenom)][trimestre] += a.demi_journees_brutes
    assert all(t[0] < t[1] < t[2] for t in absences.values()) and len(absences) == len(decrocheurs)


def test_ecart_entre_familles(ecole: Ecole) -> None:
    moyennes = _moyennes(ecole)
    gen, pro = _par_famille(moyennes, Famille.GENERAL), _par_famille(moyennes, Famille.PROFESSIONNEL)
    for (nom, prenom), profil in _profils(ecole).items():
        for i in (1, 2, 3):
            cle = (nom, prenom, f"Trimestre {i}")
            if cle not in pro:
                continue
            ecart = pro[cle] - gen[cle]
            if profil == "fort_pro_faible_general":
                assert ecart >= 4
            elif profil == "fort_general_faible_pro":
                assert ecart <= -4
            elif profil == "regulier":
                assert abs(ecart) < 4


def test_absences_non_justifiees_par_mois(ecole: Ecole) -> None:
    nj = _nj_par_mois(ecole)
    attente = _nj_par_mois(ecole, StatutAbsence.EN_ATTENTE)
    par_id = {e.eleve_id(): (e.nom, e.prenom) for e in ecole.eleves}
    marques = {par_id[i] for i, ps in ecole.verite.items() if absenteisme.MARQUE in ps}
    vus = Counter()
    for cle, profil in _profils(ecole).items():
        pire = max(nj[cle].values(), default=0)
        if profil == "absenteisme_4":
            assert 4 <= pire < 10, (cle, dict(nj[cle]))
        elif profil == "absenteisme_10":
            assert pire >= 10, (cle, dict(nj[cle]))
        elif profil == "justificatifs_en_attente":
            assert max(attente[cle].values()) >= 4 and pire < 4
        elif cle in marques:  # absentéiste calé sur la DEPP : au moins un mois à 4 demi-journées ou plus
            assert profil not in absenteisme.PROFILS_ABSENCES and pire >= 4, (cle, profil, dict(nj[cle]))
        else:
            assert pire < 4, (cle, profil, dict(nj[cle]))
        if profil == "regulier" and cle not in marques:
            assert pire <= 2 and not attente[cle]
        vus[profil] += 1
    assert vus["absenteisme_10"] >= 3
    # les profils dont les absences sont plantées ne reçoivent pas d'absentéisme en plus
    assert not any(p in absenteisme.PROFILS_ABSENCES for p in (_profils(ecole)[c] for c in marques))


def test_absence_en_demi_journees() -> None:
    # Une semaine entière d'absence : lundi–vendredi, sans le mercredi après-midi = 9 demi-journées.
    ecole = generer(5, eleves=200)
    semaines = [a for a in ecole.absences if (a.fin - a.debut).days == 4]
    assert semaines and all(a.demi_journees_brutes == 9 for a in semaines)


def test_perle_et_retards(ecole: Ecole) -> None:
    profils = _profils(ecole)
    retards = Counter((r.eleve.nom, r.eleve.prenom) for r in ecole.retards)
    courtes = Counter((a.eleve.nom, a.eleve.prenom) for a in ecole.absences if a.fin - a.debut <= dt.timedelta(hours=2))
    for cle, profil in profils.items():
        if profil == "absenteisme_perle":
            assert retards[cle] >= 20 and courtes[cle] >= 20
        elif profil == "regulier":
            assert retards[cle] <= 3


def test_sanctions_seulement_pour_les_profils(ecole: Ecole) -> None:
    profils = _profils(ecole)
    punis = {profils[(s.eleve.nom, s.eleve.prenom)] for s in ecole.sanctions}
    assert punis == {"decrocheur", "absenteisme_perle"}


def test_competences(ecole: Ecole) -> None:
    profils = _profils(ecole)
    niveaux: dict[tuple, list] = defaultdict(list)
    for ev in ecole.evaluations:
        if ev.referentiel == "socle" and ev.contexte != "bilan de cycle 4" and ev.niveau:
            niveaux[(ev.eleve.nom, ev.eleve.prenom, ev.item)].append(ev.niveau)
    insuffisants = Counter()
    for (nom, prenom, item), ns in niveaux.items():
        profil = profils[(nom, prenom)]
        if profil == "competences_insuffisantes":
            insuffisants[(nom, prenom)] += ns[-1] == 1
        else:
            assert min(ns) >= 2 and ns == sorted(ns), (nom, profil, item, ns)
    assert len(insuffisants) >= 3 and all(n >= 3 for n in insuffisants.values())
    bilans = [ev for ev in ecole.evaluations if ev.contexte == "bilan de cycle 4"]
    faibles = Counter((ev.eleve.nom, ev.eleve.prenom) for ev in bilans if ev.niveau == 1)
    assert faibles and all(profils[k] == "competences_insuffisantes" and n >= 3 for k, n in faibles.items())
    assert {ev.domaine for ev in bilans} == {"CPD_FRA", "CPD_ETR", "CPD_SCI", "CPD_ART", "MET_APP", "FRM_CIT",
                                            "SYS_NAT", "REP_MND"}


def test_grille_ulis(ecole: Ecole) -> None:
    profils = _profils(ecole)
    grille: dict[tuple, list] = defaultdict(list)
    for ev in sorted((ev for ev in ecole.evaluations if ev.referentiel == "ULIS"), key=lambda e: e.date):
        grille[(ev.eleve.nom, ev.eleve.prenom)].append(ev.niveau)
    assert len(grille) == sum(1 for e in ecole.eleves if "ULIS" in e.accompagnement)
    for cle, niveaux in grille.items():
        n = len(niveaux) // 3  # items par évaluation ; trois évaluations dans l'année
        debut, fin = sum(niveaux[:n]), sum(niveaux[-n:])
        if profils[cle] == "competences_sans_progres":
            assert fin == debut
        else:
            assert fin >= debut + n  # chaque item a gagné au moins un niveau


def test_pix(ecole: Ecole) -> None:
    profils = _profils(ecole)
    par_id = {e.eleve_id(): e for e in ecole.eleves}
    annuaire = Annuaire([EleveConnu(e.eleve_id(), e.nom, e.prenom, e.classe) for e in ecole.eleves])
    partages: dict[str, list] = defaultdict(list)
    for p in ecole.pix:
        assert p.eleve.nom == p.eleve.nom.lower() and p.eleve.nom.isascii()  # tapé par l'élève
        eid = annuaire.rapprocher(p.eleve).eleve_id
        assert eid is not None, p.eleve
        partages[eid].append(p)
    concernes = [e for e in ecole.eleves if e.classe.startswith("3") or not e.classe[0] in "3456"]
    for e in concernes:
        profil = profils[(e.nom, e.prenom)]
        envois = [p for p in partages[e.eleve_id()] if p.partage and p.type_campagne == "profils"]
        if profil == "pix_inactif":
            assert not envois
        else:
            dernier = max(envois, key=lambda p: p.date_envoi)
            assert dernier.certifiable and sum(c.niveau >= 1 for c in dernier.competences) >= 5
    assert all(par_id[i].classe[0] not in "456" for i in partages)
    assert any(len(ps) > 1 for ps in partages.values())  # des envois répétés
    # une campagne d'examen (EXAM), exportée sans « % de progression », dont certains résultats non partagés
    examens = [p for p in ecole.pix if p.type_campagne == "examen"]
    assert examens and any(p.partage for p in examens) and any(not p.partage for p in examens)
    assert all(p.progression is None for p in examens)
    inverses = [p for i, ps in partages.items() for p in ps
                if cle_nom(p.eleve.nom) == cle_nom(par_id[i].prenom.split()[0])]
    assert inverses  # des élèves ont mis leur prénom dans la case du nom


def test_moyennes_pronote(ecole: Ecole) -> None:
    """Les moyennes des classes de référence, recalculées ici (pas de bonus, de facultatif ni de
    sous-service dans ces classes) : identiques au centième."""
    moyennes = _moyennes(ecole)
    assert not any(d.bonus or d.facultatif or ">" in d.matiere for d in ecole.devoirs
                   if d.classe in ecole.classes_resultats or d.classe.startswith("3"))
    par_matiere = [m for m in ecole.moyennes_pronote if m.matiere]
    assert {m.eleve.classe for m in par_matiere} >= set(ecole.classes_resultats)
    for m in par_matiere:
        attendu = moyennes.get((m.eleve.nom, m.eleve.prenom, m.matiere, m.periode))
        assert (m.moyenne is None) == (attendu is None)
        assert attendu is None or abs(m.moyenne - attendu) <= 0.005 + 1e-9
    rangs = [m.rang for m in ecole.moyennes_pronote if m.matiere is None and m.eleve.classe == "3A"
             and m.periode == "Trimestre 1"]
    assert sorted(rangs)[0] == 1 and len(rangs) == sum(1 for e in ecole.eleves if e.classe == "3A")


# --- Écriture dans les formats réels ------------------------------------------------------------------


def test_ecrire_ecole(tmp_path: Path) -> None:
    ecole = generer(11, eleves=100)
    plan = ecrire_ecole(ecole, tmp_path)
    sortes = [s for s, _, _ in plan]
    assert sortes[:2] == ["etablissement", "pronote-eleves"] and sortes[-1] == "tableur"
    assert set(sortes) == {"etablissement", "pronote-eleves", "pronote-notes", "pronote-resultats",
                           "pronote-absences", "pronote-punitions", "pronote-competences", "pix", "lsu", "tableur"}
    assert all(chemin.is_file() for _, chemin, _ in plan)
    assert plan[-1][2]["mapping"].is_file()
    notes = [c for s, c, _ in plan if s == "pronote-notes"]
    assert len(notes) == len({(d.classe, d.periode, d.matiere.split(">")[0].strip()) for d in ecole.devoirs})
    assert tmp_path / "pronote" / "notes" / "3A" / "T1" / "MATHEMATIQUES.csv" in notes
    assert (tmp_path / "pronote" / "absences.csv").read_bytes()[:3] != b"\xef\xbb\xbf"  # Windows-1252
    assert (tmp_path / "pronote" / "eleves.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    toml = (tmp_path / "etablissement.toml").read_text(encoding="utf-8")
    assert 'uai = "0750001A"' in toml and "debut = 2025-09-01" in toml
    verite = json.loads((tmp_path / "verite_terrain.json").read_text(encoding="utf-8"))
    assert len(verite["eleves"]) == 100
    assert {v["eleve_id"] for v in verite["eleves"]} == set(ecole.verite)


@pytest.mark.slow
def test_l_ecole_se_charge_par_les_connecteurs(tmp_path: Path) -> None:
    """Tout le plan passe par les connecteurs : aucun refus, aucun élève introuvable, rien de perdu."""
    from connectors import lire
    from models.warehouse import Warehouse

    ecole = generer(11, eleves=100)
    plan = ecrire_ecole(ecole, tmp_path)
    with Warehouse() as wh:
        for sorte, chemin, options in plan:
            res = wh.importer(lire(sorte, chemin, **options))
            assert res.statut == "reussi", (chemin, res.message)
            assert not res.non_rapproches, (chemin, [r.ref.libelle() for r in res.non_rapproches[:3]])
        comptes = wh.comptes()
        assert comptes["eleves"] == 100
        assert comptes["notes"] == len(ecole.notes)
        assert comptes["absences"] == len(ecole.absences)
        assert comptes["retards"] == len(ecole.retards)
        assert comptes["sanctions"] == len(ecole.sanctions)
        nj = wh.valeur("SELECT count(*) FROM absences WHERE statut = 'non_justifiee'")
        assert nj == sum(a.statut == StatutAbsence.NON_JUSTIFIEE for a in ecole.absences)
        envois = {(p.eleve.nom, p.eleve.prenom, p.campagne) for p in ecole.pix}
        assert comptes["pix_profils"] == len(envois)
        ids = {r[0] for r in wh.con.execute("SELECT eleve_id FROM eleves").fetchall()}
        assert ids == set(ecole.verite)


# --- Les variations des producteurs (issue 17) : écrites par l'école, lues juste par les connecteurs ------


@pytest.fixture(scope="module")
def ecrite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ecole, list]:
    ecole = generer(11, eleves=300)  # deux classes de 3e : la seconde est évaluée sans notes dans le LSU
    return ecole, ecrire_ecole(ecole, tmp_path_factory.mktemp("ecole"))


def _importer(plan: list, garder) -> tuple[object, list]:
    from connectors import lire
    from models.warehouse import Warehouse

    wh = Warehouse()
    resultats = []
    for sorte, chemin, options in plan:
        if sorte in ("etablissement", "pronote-eleves") or garder(sorte, chemin):
            res = wh.importer(lire(sorte, chemin, **options))
            assert res.statut == "reussi", (chemin, res.message)
            resultats.append((chemin, res))
    return wh, resultats


def test_variations_ecrites(ecrite) -> None:
    """Chaque variation de l'issue 17 est dans l'école écrite (les fichiers eux-mêmes)."""
    ecole, plan = ecrite
    fichiers = {chemin.name: chemin for _, chemin, _ in plan}
    # EXAM : sans « % de progression »
    examen = fichiers["EXAM3E26.csv"].read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Parcours" in examen and "% de progression" not in examen
    # LSU : acquis sans moyenne (positionnement seul), appréciations, acquis-conseils
    from .outils.schema_lsu import erreurs

    assert erreurs(next(c for s, c, _ in plan if s == "lsu")) == []  # conforme au schéma (vie-scolaire…)
    lsu = next(c for s, c, _ in plan if s == "lsu").read_text(encoding="utf-8")
    # la vie scolaire de la période, d'après les absences et retards de l'école (pas des zéros écrits d'office)
    assert re.search(r'nb-abs-justifiees="[1-9]', lsu) and re.search(r'nb-retards="[1-9]', lsu)
    assert 'positionnement="' in lsu and "<appreciation>" in lsu and "<acquis-conseils>" in lsu
    assert any("<acquis " in ligne and "positionnement=" in ligne and "moyenne-eleve" not in ligne
               for ligne in lsu.splitlines())
    # titres libres « Dictée sur 10 mots », « DS 1/2 »
    titres = {d.titre for d in ecole.devoirs}
    assert any(t.startswith("Dictée sur 10 mots") for t in titres) and any(t.startswith("DS 1/2") for t in titres)
    # codes courts d'un tableau des résultats, déclarés dans etablissement.toml
    toml = fichiers["etablissement.toml"].read_text(encoding="utf-8")
    assert 'codes = ["MATHS"]' in toml
    lycee = [c for s, c, o in plan if s == "pronote-resultats" and not o["classe"].startswith("3")]
    assert lycee and all("MATHS" in c.read_text(encoding="utf-8-sig").splitlines()[0] for c in lycee)
    # un INE tapé dans Pix qui est celui d'un camarade
    ines = {e.ine for e in ecole.eleves}
    assert all(ines) and len(ines) == len(ecole.eleves)
    saisis = [p for p in ecole.pix if p.eleve.ine_saisi]
    assert saisis and all(p.eleve.ine in ines for p in saisis)
    annuaire = Annuaire([EleveConnu(e.ine, e.nom, e.prenom, e.classe) for e in ecole.eleves])
    errones = {p.eleve.ine for p in saisis if annuaire.rapprocher(p.eleve.model_copy(update={"ine": None})).eleve_id
               != p.eleve.ine}
    assert len(errones) == 1


def test_variations_importees(ecrite) -> None:
    """Importées : l'identité du registre est gardée malgré l'INE erroné (remarque située) ; les codes
    courts vont à leur matière, mêmes moyennes que Pronote, une remarque par code, aucune matière de plus."""
    ecole, plan = ecrite
    wh, resultats = _importer(plan, lambda s, c: c.name == "PROFLP26.csv"
                              or (s == "pronote-resultats" and c.parent.name[0] != "3" and c.stem == "T1"))
    with wh:
        pix = next(r for c, r in resultats if c.name == "PROFLP26.csv")
        remarques = [a for a in pix.anomalies if "identifiant saisi" in a]  # une par envoi de l'élève
        assert remarques and len({a.split(" : ", 1)[1] for a in remarques}) == 1
        assert "la ligne est rattachée à" in remarques[0] and "d'après le nom et la classe" in remarques[0]
        # chaque participant de la campagne garde sa ligne : personne n'a pris la place d'un camarade
        participants = {(p.eleve.nom, p.eleve.prenom) for p in ecole.pix if p.code_campagne == "PROFLP26"}
        assert wh.valeur("SELECT count(DISTINCT eleve_id) FROM pix_profils") == len(participants)

        res = next(r for c, r in resultats if c.name == "T1.csv")
        assert "matière « MATHS » rattachée à « MATHEMATIQUES » (code déclaré dans etablissement.toml)" in \
            " ".join(res.anomalies)
        assert wh.valeur("SELECT count(*) FROM matieres") == len(MATIERES)
        classe = next(c.parent.name for c, _ in resultats if c.name == "T1.csv")
        par_nom = {(e.nom, e.prenom): e.eleve_id() for e in ecole.eleves}
        attendu = {(par_nom[(m.eleve.nom, m.eleve.prenom)], m.matiere): m.moyenne for m in ecole.moyennes_pronote
                   if m.eleve.classe == classe and m.periode == "Trimestre 1" and m.matiere}
        lu = {(eid, matiere): moyenne for eid, matiere, moyenne in wh.sql(
            "SELECT eleve_id, matiere, moyenne FROM moyennes_pronote WHERE matiere IS NOT NULL").rows()}
        assert lu == pytest.approx(attendu)


# --- Absentéisme calé sur la DEPP et issues des années passées (sample_data/absenteisme.py) -------------


def test_absences_sur_des_demi_journees_de_classe(ecole: Ecole) -> None:
    """Chaque absence tombe sur des jours de classe de l'école (ni week-end, ni vacances, ni jour férié),
    jamais un mercredi après-midi ; une absence de plusieurs jours reste dans une semaine."""
    from sample_data import calendrier

    jours = set(calendrier.jours_de_classe(2025))
    for a in ecole.absences:
        j = a.debut.date()
        assert j in jours and a.fin.date() in jours, a
        assert not (j.weekday() == 2 and a.debut.time() >= dt.time(12)), a
        assert a.fin.isocalendar()[1] == a.debut.isocalendar()[1]


def test_part_d_absenteistes_par_type_et_par_mois(ecole: Ecole) -> None:
    """Sur les enregistrements : chaque mois, la part d'élèves à 4 demi-journées non justifiées ou plus
    suit la part visée (``absenteisme.part_visee``) à 2 points près, par type d'établissement."""
    nj = _nj_par_mois(ecole)
    types = {(e.nom, e.prenom): "college" if e.classe[0] in "3456" and "CAP" not in e.classe else "lp"
             for e in ecole.eleves}
    for type_ in ("college", "lp"):
        eleves = [k for k, t in types.items() if t == type_]
        for an, m in [(2025, m) for m in (9, 10, 11, 12)] + [(2026, m) for m in (1, 2, 3, 4, 5)]:
            part = sum(nj[k][(an, m)] >= 4 for k in eleves) / len(eleves)
            assert abs(part - absenteisme.part_visee(type_, m)) <= 0.02, (type_, m, part)


def test_issues_des_annees_passees(deux_ans: Ecole) -> None:
    """L'an dernier : des redoublants (même niveau cette année), des partants de terminale ou de CAP en
    cours d'année (plus rien d'eux après leur sortie), des décrocheurs ; les trois plus fréquents chez les
    élèves les plus absentéistes, sans leur être réservés (du bruit : aucune règle ne sera parfaite)."""
    avant, apres = deux_ans.effectifs["2024-2025"], deux_ans.effectifs["2025-2026"]
    niveau = {c.nom: c.niveau for c in deux_ans.classes}
    cette_annee = {e.eleve_id(): niveau[e.classe] for e in apres}
    redoublants = {e.eleve_id() for e in avant if cette_annee.get(e.eleve_id()) == niveau[e.classe]}
    partants = {e.eleve_id(): e.sortie for e in avant if e.sortie}
    assert redoublants and partants
    assert all(niveau[e.classe] in ("Tle", "CAP2") and e.eleve_id() not in cette_annee for e in avant if e.sortie)
    assert all(dt.date(2024, 12, 1) <= s < dt.date(2025, 6, 1) for s in partants.values())
    ids = {(e.nom, e.prenom): e.eleve_id() for e in avant}
    for a in deux_ans.absences:
        s = partants.get(ids.get((a.eleve.nom, a.eleve.prenom), ""))
        assert s is None or a.debut.date() < s
    for n in deux_ans.notes:
        s = partants.get(ids.get((n.eleve.nom, n.eleve.prenom), ""))
        assert s is None or n.devoir.date < s
    # mois d'absentéisme de l'an dernier (septembre à mai) par élève
    nj: dict[str, Counter] = defaultdict(Counter)
    for a in deux_ans.absences:
        if a.statut == StatutAbsence.NON_JUSTIFIEE and a.debut.date() < dt.date(2025, 6, 1):
            i = ids.get((a.eleve.nom, a.eleve.prenom))
            if i:
                nj[i][(a.debut.year, a.debut.month)] += a.demi_journees_brutes
    mois = {i: sum(n >= 4 for n in c.values()) for i, c in nj.items()}
    absenteistes = {i for i, n in mois.items() if n >= 3}
    autres = {e.eleve_id() for e in avant} - absenteistes
    issues = redoublants | set(partants)
    assert issues - absenteistes, "du bruit : des issues chez des élèves sans absentéisme"
    assert len(issues & absenteistes) / len(absenteistes) > 2 * len(issues & autres) / len(autres)
