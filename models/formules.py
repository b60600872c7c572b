"""Les formules de tableur neutralisées dans les cellules d'un CSV (injection de formules) : la règle de
tous les exports (``models.export``, pages du tableau de bord, ``vigie alerts --format csv``).

Un tableur exécute une cellule qui commence par ``=``, ``+``, ``-`` ou ``@`` (et, selon les logiciels,
tabulation ou retour chariot) : on la préfixe d'une apostrophe, comme Pix Orga le fait dans ses exports
(OWASP, « CSV Injection »). Seules les cellules **texte** passent ici : un nombre négatif reste un nombre.
"""

from __future__ import annotations

#: Les premiers caractères qui font d'une cellule une formule.
DANGEREUX = ("=", "+", "-", "@", "\t", "\r")


def neutraliser_cellule(valeur: str) -> str:
    """« =SOMME(A1) » → « '=SOMME(A1) » ; un texte qui ne commence pas par :data:`DANGEREUX` reste."""
    return "'" + valeur if valeur.startswith(DANGEREUX) else valeur
