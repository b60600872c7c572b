"""L'arrondi et l'écriture française des nombres : une seule règle pour les pages, le PDF, les CSV et le
texte des alertes (une moyenne de classe de 262,1 / 20 se lit 13,11 partout).

**Règle d'arrondi** : au plus proche, un demi (le « demi-centième ») vers le haut en valeur absolue
(``ROUND_HALF_UP`` de :mod:`decimal`, l'arrondi « commercial » enseigné au collège et celui de la fonction
ARRONDI des tableurs avec lesquels les professeurs recomptent) : 13,105 → 13,11 ; 16,125 → 16,13 ;
−2,675 → −2,68. Pronote affiche ses moyennes au centième (sa documentation : 18/20, 2/10, 1/5 ramenés sur
20 → « 8,67 » ; la réponse réelle ``DernieresNotes`` écrit « 9,14 », « 17,75 »…) ; avant cette règle, les
alertes arrondissaient un demi au chiffre pair (13,10) et les tableaux au binaire le plus proche (13,11 ou
13,10 selon le bruit de la somme) : un même chiffre s'affichait de deux façons.

L'arrondi porte sur la valeur **décimale** du nombre : la valeur est d'abord ramenée à 9 décimales, ce qui
efface le bruit des sommes en virgule flottante (262,1 / 20 vaut 13,104999… ou 13,105000… selon l'ordre des
additions, que DuckDB ne fixe pas en parallèle) sans toucher un chiffre qu'un professeur saisit.

**Écriture** : virgule décimale, milliers séparés par une espace fine insécable (U+202F), signe moins
``-`` (U+002D) : ce sont les symboles du français (``fr_FR``) du CLDR. Babel (``babel.numbers``), évalué
pour cela, écrit les mêmes chaînes (``tests/test_nombres.py`` le vérifie) mais arrondit selon le contexte
:mod:`decimal` courant, ``ROUND_HALF_EVEN`` par défaut (13,105 → 13,10), sur ``Decimal(str(x))``, et coûte
environ vingt fois plus par nombre (mesuré sur cette machine chargée : 138 µs contre 6,8 µs ; 78 µs au
calme) — un export CSV de quelques milliers de cellules le sentirait : il sert d'oracle aux tests
(dépendance ``test``), pas d'outil à l'exécution.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

#: Espace fine insécable : séparateur des milliers du français (CLDR fr).
ESPACE_MILLIERS = "\u202f"

_PAS = {d: Decimal(1).scaleb(-d) for d in range(0, 7)}


def vide(x: object) -> bool:
    """Vrai pour une valeur absente (None, NaN) : elle s'écrit « — »."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def arrondi(x: float | int | Decimal, decimales: int = 2) -> Decimal:
    """``x`` arrondi à ``decimales`` chiffres après la virgule selon la règle du module (demi vers le haut,
    sur la valeur décimale) : ``arrondi(13.105)`` → ``Decimal('13.11')``. Jamais ``-0``."""
    d = x if isinstance(x, Decimal) else Decimal(repr(round(float(x), 9)))
    r = d.quantize(_PAS[decimales], ROUND_HALF_UP)
    return r.copy_abs() if r.is_zero() else r


def nombre(x: float | int | Decimal | None, decimales: int = 2, *, milliers: bool = True,
           entier_nu: bool = False) -> str:
    """Un nombre à la française, arrondi par :func:`arrondi` : ``12.5`` → ``12,50`` ; ``1234.5`` →
    ``1 234,50`` (espace fine insécable ; ``milliers=False`` pour un CSV qu'un tableur relit comme
    nombre) ; ``entier_nu`` : un arrondi entier s'écrit sans décimales (``4.0`` → ``4``, pour un compte de
    demi-journées dans une phrase). Vide (None, NaN) → ``—``."""
    if vide(x):
        return "—"
    r = arrondi(x, decimales)  # type: ignore[arg-type]
    if entier_nu and r == r.to_integral_value():
        r = r.quantize(_PAS[0])
    texte = f"{r:,f}" if milliers else f"{r:f}"
    return texte.replace(",", ESPACE_MILLIERS).replace(".", ",")


def signe(x: float | None, decimales: int = 2) -> str:
    """Un écart avec son signe : ``+1,25`` / ``−0,50`` (moins typographique U+2212, pour les tableaux ;
    ``0`` s'écrit sans signe). Vide → ``—``."""
    if vide(x):
        return "—"
    r = arrondi(x, decimales)  # type: ignore[arg-type]
    return ("+" if r > 0 else "−" if r < 0 else "") + nombre(abs(r), decimales)


def pourcentage(x: float | None, decimales: int = 1) -> str:
    """Une proportion 0–1 en pourcentage : ``0.125`` → ``12,5 %`` (espace insécable avant %)."""
    if vide(x):
        return "—"
    return f"{nombre(100 * x, decimales)}\u00a0%"  # type: ignore[operator]


def borne(x: float | int) -> str:
    """Une borne ou un seuil tel qu'on l'a écrit, sans zéros inutiles : ``20`` → ``20``, ``0.5`` →
    ``0,5`` (messages d'erreur et réglages)."""
    texte = f"{Decimal(repr(float(x))).normalize():f}" if isinstance(x, float) else str(x)
    return texte.replace(".", ",")
