"""L'école de démonstration, construite comme ``vigie demo`` (deux années, 600 élèves, vrais fichiers, vrais
connecteurs) : son absentéisme mesuré par l'indicateur de la DEPP (``models.absences.indicateur_depp``, lu
sur la vue ``absences``) est celui des établissements réels, et la validation des alertes y trouve des
issues plantées avec du bruit (``sample_data/absenteisme.py``). Chiffres imprimés avec ``pytest -s``.

**Tolérances.** L'école reçoit chaque mois, par type d'établissement, un nombre d'absentéistes arrondi à
l'élève (±0,5 élève : ±0,13 point sur ~380 collégiens, ±0,23 sur ~220 élèves de lycée professionnel) ;
s'y ajoutent les profils plantés de l'année en cours (« 4 » et « 10 demi-journées » : un mois chacun,
6 + 6 élèves) et les départs en cours d'année. La moyenne de septembre à mai doit donc tomber à ±1 point
de la DEPP par type (4,9 % et 16,7 %) — d'une année à l'autre les chiffres nationaux eux-mêmes bougent de
plus d'un point (2021-2022 : 4,2 % et 12,9 %) ; chaque mois à ±2 points de la part visée. La forme de l'année
est vérifiée sur tout l'établissement : septembre le plus bas, mars le plus haut, le second semestre
(janvier–mai) au-dessus du premier (septembre–décembre).
"""

from __future__ import annotations

import datetime as dt
from math import comb
from pathlib import Path

import polars as pl
import pytest

import connectors
from models import validation as mv
from models.absences import indicateur_depp, non_justifiees_par_mois
from models.warehouse import Warehouse
from sample_data import absenteisme
from sample_data.generateur import ecrire_ecole, generer

pytestmark = pytest.mark.slow

ANNEES = ("2024-2025", "2025-2026")
COLLEGE = {"6e", "5e", "4e", "3e"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    ecole = generer(2026, eleves=600, annees=2)  # les réglages par défaut de « vigie demo »
    plan = ecrire_ecole(ecole, tmp_path_factory.mktemp("demo"))
    wh = Warehouse()
    wh.con.execute("INSERT INTO t_meta VALUES ('demo', '1')")  # comme vigie demo : école fictive
    for sorte, chemin, options in plan:
        res = wh.importer(connectors.lire(sorte, Path(chemin), **options), demo=True)
        assert res.statut == "reussi", res.message
    yield wh, ecole
    wh.close()


def _par_type(wh: Warehouse) -> pl.DataFrame:
    """L'indicateur par niveau, regroupé par type d'établissement : annee, type, mois, part."""
    d = indicateur_depp(wh, par="niveau").with_columns(
        type=pl.when(pl.col("niveau").is_in(sorted(COLLEGE))).then(pl.lit("college")).otherwise(pl.lit("lp")),
        annee=pl.col("mois").map_elements(lambda m: f"{m.year - (m.month < 9)}-{m.year - (m.month < 9) + 1}",
                                          return_dtype=pl.String))
    return (d.group_by("annee", "type", "mois").agg(pl.col("nb_eleves").sum(), pl.col("nb_eleves_seuil").sum())
            .with_columns(part=pl.col("nb_eleves_seuil") / pl.col("nb_eleves")).sort("annee", "type", "mois"))


def test_absenteisme_de_la_depp_par_type_et_par_mois(demo) -> None:
    wh, _ = demo
    d = _par_type(wh)
    print("\nannée      type     moyenne  sept. → mai (%)")
    for (annee, type_), g in d.group_by("annee", "type", maintain_order=True):
        assert g.height == 9, (annee, type_)  # septembre à mai
        moyenne = g["part"].mean()
        print(f"{annee}  {type_:<8}{100 * moyenne:>6.1f}   " + " ".join(f"{100 * p:.1f}" for p in g["part"]))
        assert abs(moyenne - absenteisme.PART_DEPP[type_]) <= 0.01, (annee, type_, moyenne)
        for mois, part in zip(g["mois"], g["part"]):
            assert abs(part - absenteisme.part_visee(type_, mois.month)) <= 0.02, (annee, type_, mois, part)
    etab = indicateur_depp(wh, par="etablissement").with_columns(m=pl.col("mois").dt.month())
    for annee in ANNEES:
        debut = int(annee[:4])
        g = etab.filter(pl.col("mois").is_between(dt.date(debut, 9, 1), dt.date(debut + 1, 5, 31)))
        parts = dict(zip(g["m"], g["part"]))
        print(f"{annee}  établissement : " + " ".join(f"{100 * parts[m]:.1f}" for m in absenteisme.FORME_DEPP))
        assert min(parts, key=parts.get) == 9 and max(parts, key=parts.get) == 3, parts
        assert sum(parts[m] for m in (1, 2, 3, 4, 5)) / 5 > sum(parts[m] for m in (9, 10, 11, 12)) / 4 * 1.3


def test_les_absenteistes_reviennent_d_un_mois_a_l_autre(demo) -> None:
    """Un absentéiste d'un mois l'est souvent le mois suivant : la part des absentéistes du mois qui le sont
    encore le mois d'après dépasse du double la part moyenne du type (ce qu'elle vaudrait si les mois étaient
    indépendants) ; moins d'élèves sont touchés au moins une fois que sous des mois indépendants, et plus
    le sont trois mois ou plus. Les parts « au moins un mois » et « trois mois ou plus » sont imprimées."""
    wh, _ = demo
    d = (non_justifiees_par_mois(wh).filter(pl.col("non_justifiees") >= 4)
         .with_columns(m=pl.col("mois").dt.month())
         .filter(pl.col("m").is_in(list(absenteisme.FORME_DEPP)))
         .with_columns(annee=pl.col("mois").map_elements(
             lambda m: f"{m.year - (m.month < 9)}-{m.year - (m.month < 9) + 1}", return_dtype=pl.String)))
    s = wh.sql("SELECT eleve_id, annee, niveau FROM scolarites").with_columns(
        type=pl.when(pl.col("niveau").is_in(sorted(COLLEGE))).then(pl.lit("college")).otherwise(pl.lit("lp")))
    d = d.join(s, on=["eleve_id", "annee"])
    suivant = d.select("eleve_id", mois=pl.col("mois").dt.offset_by("-1mo"), suivant=pl.lit(True))
    d = d.join(suivant, on=["eleve_id", "mois"], how="left")
    print()
    for annee in ANNEES:
        for type_ in ("college", "lp"):
            g = d.filter(annee=annee, type=type_)
            n = s.filter(annee=annee, type=type_).height
            p = absenteisme.PART_DEPP[type_]
            avant_mai = g.filter(pl.col("m") != 5)
            encore = avant_mai["suivant"].fill_null(False).mean()
            par_eleve = g.group_by("eleve_id").len("k")
            une, trois = par_eleve.height / n, par_eleve.filter(pl.col("k") >= 3).height / n
            une_ind = 1 - (1 - p) ** 9
            trois_ind = sum(comb(9, k) * p ** k * (1 - p) ** (9 - k) for k in range(3, 10))
            print(f"{annee} {type_:<8} encore absentéiste le mois suivant : {100 * encore:.0f} % (part moyenne "
                  f"{100 * p:.1f} %) ; au moins un mois : {100 * une:.1f} % (indépendants : {100 * une_ind:.1f} %) ; "
                  f"trois mois ou plus : {100 * trois:.1f} % (indépendants : {100 * trois_ind:.1f} %)")
            assert encore >= 2 * p and une < une_ind and trois > trois_ind, (annee, type_)


def test_validation_de_la_demo_a_des_issues_imparfaites(demo) -> None:
    """L'année passée de la démonstration : des issues de chaque sorte (départs, redoublements, moyennes
    en baisse, absences), des règles utiles (précision au-dessus du taux d'issue de la population) mais
    jamais parfaites ; les chiffres sont dits synthétiques."""
    wh, _ = demo
    df = mv.validation(wh, annees=["2024-2025"])
    tous = df.filter(suivi="tous")
    une = tous.filter(regle="absences_mois", issue="au_moins_une").row(0, named=True)
    for issue in ("moyenne_sous_10", "trois_matieres_sous_10", "absences_10", "depart", "meme_niveau"):
        ligne = tous.filter(regle="absences_mois", issue=issue).row(0, named=True)
        assert ligne["mesurable"] and ligne["issues"] > 0, issue
    base = une["issues"] / une["eleves"]
    print(f"\n2024-2025, coupure {une['coupure']:%d/%m/%Y}, {une['eleves']} élèves, "
          f"{une['issues']} avec au moins une issue ({100 * base:.0f} %)")
    print("règle                        alertés  précision  rappel  délai médian")
    for row in tous.filter(pl.col("alertes") > 0, issue="au_moins_une").iter_rows(named=True):
        print(f"{row['regle']:<28}{row['alertes']:>8}{100 * row['precision']:>10.0f}%{100 * row['rappel']:>7.0f}%"
              f"{row['delai_median_jours'] or 0:>10.0f}")
        assert not (row["precision"] == 1 and row["rappel"] == 1), row["regle"]
    for regle in ("absences_mois", "absenteisme_chronique"):
        r = tous.filter(regle=regle, issue="au_moins_une").row(0, named=True)
        assert r["alertes"] >= 10 and base < r["precision"] < 1 and 0 < r["rappel"] < 1, r
    assert "SYNTHÉTIQUES" in mv.tableau_validation(wh) and mv.est_synthetique(wh)
