"""Chaque page, pour chaque rôle, sur l'école des tests (AppTest, issue 22) : aucune cellule ni aucun texte
qu'une personne ne doit pas lire — ``None``, ``nan``, ``null``, ``−0,00``, un code interne (statut, sorte
d'import, famille de matière) ou l'identifiant interne d'un élève.

Un tableau peut avoir des cellules vides à condition de les écrire « — » (``placeholder="—"`` de
``st.dataframe`` : sinon Streamlit y écrit « None »)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import format as fr
from models.acces import Utilisateur
from models.records import Famille, StatutAbsence, StatutCompetence, StatutNote
from models.warehouse import lecture
from tests.ecole_dashboard import CLASSE
from tests.test_dashboard_pages import APP, ecole, ecole_db  # noqa: F401 (fixtures)

#: Ce que le point d'entrée montre à chaque rôle (``dashboard/app.py``, ``PAGES_PAR_ROLE``).
UTILISATEURS = {
    "direction": Utilisateur("dir", "direction", "Mme Direction"),
    "professeur_principal": Utilisateur("pp", "professeur_principal", "M. Principal", classes=(CLASSE,)),
    "enseignant": Utilisateur("ens", "enseignant", "Mme Enseignante", classes=(CLASSE,)),
    "cpe": Utilisateur("cpe", "cpe", "Mme CPE"),
    "coordonnateur_ulis": Utilisateur("ulis", "coordonnateur_ulis", "M. Coordonnateur"),
}
#: Mots entiers interdits dans un texte affiché.
INTERDITS = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bnull\b|[−-]0,00\b")
#: Codes internes : statuts (import, note, absence, compétence), sortes d'import, familles de matière.
CODES = ({"reussi", "rejete"} | set(fr.SOURCES)
         | {s.value for enum in (StatutNote, StatutAbsence, StatutCompetence, Famille) for s in enum})


def _pages(role: str) -> list[str]:
    import ast

    arbre = ast.parse(Path(APP).read_text(encoding="utf-8"))
    valeurs = {c.id: ast.literal_eval(n.value) for n in arbre.body if isinstance(n, ast.Assign)
               for c in n.targets if isinstance(c, ast.Name) and c.id in ("PAGES_PAR_ROLE", "_groupes")}
    toutes = [f.removesuffix(".py") for groupe in valeurs["_groupes"].values() for f, _, _ in groupe]
    permises = valeurs["PAGES_PAR_ROLE"][role]
    return [p for p in toutes if permises is None or p in permises]


def _vide(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fautes(at: AppTest, identifiants: set[str]) -> list[str]:
    """Ce qu'une personne lirait à tort dans la page rendue par ``at``."""
    out = []
    for k, t in enumerate(at.dataframe):
        df = t.value
        placeholder = t.proto.placeholder if t.proto.HasField("placeholder") else None
        for col in df.columns:
            if INTERDITS.search(str(col)):
                out.append(f"tableau {k} : colonne « {col} »")
            for v in df[col].tolist():
                if _vide(v):
                    if placeholder != "—":
                        out.append(f"tableau {k}, colonne « {col} » : cellule vide écrite « None » (placeholder)")
                        break
                    continue
                s = str(v)
                if INTERDITS.search(s) or s in CODES or s in identifiants:
                    out.append(f"tableau {k}, colonne « {col} » : « {s} »")
                    break
    textes = [("markdown", e.value) for e in at.markdown] + [("légende", e.value) for e in at.caption]
    textes += [(sorte, e.value) for sorte in ("info", "warning", "success", "error", "title", "header",
                                              "subheader") for e in at.get(sorte)]
    textes += [("métrique", f"{m.label} {m.value}") for m in at.metric]
    textes += [("liste", o) for s in at.selectbox for o in s.options]
    textes += [("liste", o) for s in at.multiselect for o in s.options]
    textes += [("onglet", t.label) for t in at.tabs] + [("bouton", b.label) for b in at.button]
    for sorte, texte in textes:
        # l'INE s'écrit sur la fiche, annoncé (« INE 111111111AA ») ; l'identifiant nu, jamais
        nu = re.sub(r"INE \w+", "", str(texte))
        if INTERDITS.search(str(texte)) or str(texte).strip() in CODES or any(i in nu for i in identifiants):
            out.append(f"{sorte} : « {str(texte)[:120]} »")
    if at.exception:
        out.append("exception : " + at.exception[0].message)
    return out


@pytest.mark.parametrize("role", list(UTILISATEURS))
def test_aucune_valeur_vide_ni_code_interne_sur_aucune_page(ecole: Path, role: str) -> None:
    with lecture(ecole) as wh:
        # les identifiants internes (ici l'INE, faute d'autre) ne s'affichent jamais seuls
        identifiants = set(wh.sql("SELECT eleve_id FROM eleves")["eleve_id"].to_list())
    constats = {}
    for page in _pages(role):
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["vigie_utilisateur"] = UTILISATEURS[role]
        at.run()
        if page != "accueil":
            at.switch_page(f"ecrans/{page}.py")
            at.run()
        if f := fautes(at, identifiants):
            constats[page] = f
    assert constats == {}
