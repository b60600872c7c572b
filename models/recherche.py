"""La recherche d'un élève dans l'établissement, par nom, prénom ou classe (le champ « Rechercher un
élève » de chaque page).

Comparaison sans accents ni majuscules ni ponctuation : la clé des noms de ``models.records.cle_nom``
(« Éloïse » se trouve en tapant « eloise », « N'Diaye » en tapant « ndiaye ») ; une classe se trouve aussi
écrite sans espace ou avec d'autres espaces (« 2melec » pour « 2 MELEC », « 3 B » pour « 3B » :
``models.records.cle_classe``). Chaque mot tapé doit
commencer un mot du nom, du prénom ou de la classe (« mar » trouve MARTIN, pas LAMARQUE), et tous les mots
tapés doivent être trouvés (« martin 3b »). Ne lit que la vue ``eleves`` : un rôle ne trouve que les élèves
qu'il peut voir (``models.acces``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from .records import cle_classe, cle_nom, rang_classe

if TYPE_CHECKING:
    from .warehouse import Warehouse

#: Nombre de réponses au plus (la liste reste lisible dans la barre latérale).
RESULTATS_MAX = 8


def _mots(nom: str | None, prenom: str | None, classe: str | None) -> tuple[str, ...]:
    mots = [*cle_nom(nom).split(), *cle_nom(prenom).split(), *cle_nom(classe).split()]
    if classe:
        mots.append(cle_classe(classe))
    return tuple(mots)


def correspond(texte: str, nom: str | None, prenom: str | None, classe: str | None) -> bool:
    """Vrai si chaque mot de ``texte`` (clé :func:`models.records.cle_nom`) commence un mot du nom, du
    prénom ou de la classe de l'élève. Un texte vide ne correspond à rien."""
    demandes = cle_nom(texte).split()
    if not demandes:
        return False
    mots = _mots(nom, prenom, classe)
    if all(any(m.startswith(d) for m in mots) for d in demandes):
        return True
    # « 3 B » pour « 3B » : la classe seule, tapée avec d'autres espaces.
    return bool(classe) and cle_classe(classe).startswith(cle_classe(texte))


def rechercher_eleves(wh: "Warehouse", texte: str, limite: int = RESULTATS_MAX) -> pl.DataFrame:
    """Les élèves visibles qui correspondent à ``texte`` (:func:`correspond`) : ``eleve_id, nom, prenom,
    classe`` triés par nom, prénom puis classe (ordre des établissements), ``limite`` au plus. Vide si
    ``texte`` ne contient aucun mot."""
    eleves = wh.sql("SELECT eleve_id, nom, prenom, classe FROM eleves")
    garde = [correspond(texte, n, p, c) for n, p, c in zip(eleves["nom"], eleves["prenom"], eleves["classe"])]
    trouves = eleves.filter(pl.Series(garde, dtype=pl.Boolean)) if garde else eleves
    lignes = sorted(trouves.iter_rows(named=True),
                    key=lambda r: (cle_nom(r["nom"]), cle_nom(r["prenom"]), rang_classe(r["classe"] or ""),
                                   r["eleve_id"]))
    return pl.DataFrame(lignes[:limite], schema=eleves.schema, orient="row")
