"""La règle d'arrondi et l'écriture française des nombres (models/nombres.py), aux bords : le
demi-centième, le bruit des sommes flottantes, zéro négatif, les milliers ; contre Pronote et contre Babel."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.nombres import arrondi, borne, nombre, pourcentage, signe


def test_demi_centieme_vers_le_haut():
    # 262,1 / 20 = 13,105 exactement : les alertes écrivaient 13,10 (demi au chiffre pair), le tableau
    # 13,11. Le bon est 13,11 : c'est l'arrondi au centième « le plus proche, 5 vers le haut » du collège
    # et de la fonction ARRONDI du tableur où un professeur recompte ses moyennes ; l'arrondi au pair est
    # une convention de statistique que ni Pronote ni un bulletin n'affichent.
    assert nombre(262.1 / 20) == "13,11"
    # Le bruit de la somme (ordre des additions non fixé par DuckDB en parallèle) ne change rien.
    assert {nombre(13.104999999999999), nombre(13.105000000000002), nombre(13.105)} == {"13,11"}
    # Juste sous le demi, juste au-dessus.
    assert (nombre(13.1049), nombre(13.1051)) == ("13,10", "13,11")
    assert (nombre(16.125), nombre(2.675), nombre(-2.675)) == ("16,13", "2,68", "-2,68")
    assert arrondi(8.125, 2) == Decimal("8.13") and arrondi(9.995, 2) == Decimal("10.00")


def test_ecriture():
    assert nombre(12.5) == "12,50" and nombre(26 / 3) == "8,67"  # Pronote : 18/20, 2/10, 1/5 → 8,67
    assert nombre(1234.5, 1) == "1\u202f234,5" and nombre(1234.5, milliers=False) == "1234,50"
    assert nombre(4.0, entier_nu=True) == "4" and nombre(3.999, entier_nu=True) == "4"
    assert nombre(4.5, entier_nu=True) == "4,50"
    assert nombre(-0.001) == "0,00" and nombre(-0.001, entier_nu=True) == "0"  # jamais « -0 »
    assert nombre(None) == nombre(float("nan")) == "—"
    assert nombre(7, 0) == "7"
    assert (signe(-0.5), signe(1.25), signe(0.004), signe(-0.004)) == ("−0,50", "+1,25", "0,00", "0,00")
    assert pourcentage(0.125) == "12,5\u00a0%" and pourcentage(1 / 3) == "33,3\u00a0%"
    assert (borne(20), borne(20.0), borne(0.5), borne(2.25)) == ("20", "20", "0,5", "2,25")


#: Réponse réelle ``DernieresNotes`` d'un lycée (/work/shared/data/walkx21_derniers_notes.json) : pour des
#: services à un ou deux devoirs, (notes [(valeur, barème, coefficient, ramener sur 20)], moyenne affichée).
PRONOTE = [
    ([(9.5, 10, 0.5, False)], "19"),
    ([(18, 20, 2, False), (14, 20, 2, False)], "16"),
    ([(15.5, 20, 0.5, False)], "15,5"),
    ([(17.5, 20, 1, False), (18.5, 20, 1, False)], "18"),
    ([(7.5, 10, 1, True)], "15"),
]
#: Moyennes de classe, minimums et maximums affichés dans la même réponse.
PRONOTE_AFFICHEES = ["9,14", "3,25", "13,87", "2,5", "12,15", "17,75", "12,57", "18,25", "15,68", "19,5",
                     "13,35", "16,38", "11,5", "17,96", "16,97", "14,88", "16,5"]


@pytest.mark.parametrize("notes, affichee", PRONOTE)
def test_moyennes_de_pronote(notes, affichee):
    num = sum((v * 20 / b if r else v) * c for v, b, c, r in notes)
    den = sum((20 if r else b) * c for v, b, c, r in notes)
    assert arrondi(20 * num / den) == Decimal(affichee.replace(",", "."))


def test_un_chiffre_de_pronote_reste_le_meme():
    # Pronote affiche au centième : relu puis réécrit, chacun de ses chiffres garde sa valeur.
    for texte in PRONOTE_AFFICHEES:
        valeur = float(texte.replace(",", "."))
        assert nombre(valeur) == f"{Decimal(texte.replace(',', '.')):.2f}".replace(".", ",")


def test_babel_ecrit_pareil_mais_arrondit_au_pair():
    babel_numbers = pytest.importorskip("babel.numbers")
    # Par défaut Babel suit le contexte decimal : ROUND_HALF_EVEN, 13,105 → 13,10.
    assert babel_numbers.format_decimal(13.105, format="#,##0.00", locale="fr_FR") == "13,10"
    assert nombre(13.105) == "13,11"


@given(st.decimals(min_value=-100_000, max_value=100_000, places=4, allow_nan=False))
def test_meme_ecriture_que_babel_en_demi_vers_le_haut(x: Decimal):
    babel_numbers = pytest.importorskip("babel.numbers")
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        attendu = babel_numbers.format_decimal(x, format="#,##0.00", locale="fr_FR")
    if attendu in ("-0,00",):
        attendu = "0,00"
    assert nombre(float(x)) == attendu
