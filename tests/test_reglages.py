"""Les réglages : valeurs par défaut documentées, refus clairs qui nomment la clé."""

from __future__ import annotations

import pytest

from models.errors import SettingsError
from models.reglages import DEFAUT, REGLES, Reglages, charger_reglages, valider


def test_le_fichier_livre_vaut_les_valeurs_par_defaut():
    assert charger_reglages(DEFAUT) == Reglages()
    assert set(Reglages().libelles) == set(REGLES)


def test_chaque_reglage_est_documente_dans_le_toml():
    texte = DEFAUT.read_text(encoding="utf-8")
    for section in ("absences", "notes", "comportement", "competences", "pix"):
        for cle in type(getattr(Reglages(), section)).model_fields:
            documente = f"\n{cle} =" in texte or f"[{section}.{cle}]" in texte
            assert documente, f"{section}.{cle} absent de reglages.toml"


def test_variable_d_environnement_et_fichier_partiel(tmp_path, monkeypatch):
    f = tmp_path / "mes_reglages.toml"
    f.write_text("[absences]\nseuil_mois_non_justifiees = 5\n", encoding="utf-8")
    monkeypatch.setenv("VIGIE_REGLAGES", str(f))
    r = charger_reglages()
    assert r.absences.seuil_mois_non_justifiees == 5 and r.absences.seuil_persistance == 10


@pytest.mark.parametrize(
    ("donnees", "attendu"),
    [
        ({"absences": {"seuil_mois_non_justifiees": 0}}, "« absences.seuil_mois_non_justifiees » : doit être ≥ 1"),
        ({"notes": {"seuil_matier": 8}}, "« notes.seuil_matier » : réglage inconnu"),
        ({"notes": {"seuil_matiere": "huit"}}, "« notes.seuil_matiere » : doit être un nombre"),
        ({"absences": {"taux_chronique": 1.5}}, "« absences.taux_chronique » : doit être ≤ 1"),
        ({"competences": {"couleurs": {1: "rouge", 2: "#ff7f0e", 3: "#2ca02c", 4: "#1f77b4"}}}, "#rrggbb"),
        ({"alertes": {"desactivees": ["inconnue"]}}, "règle(s) inconnue(s) : inconnue"),
        ({"absences": {"seuil_persistance": 3}}, "seuil_persistance doit être au moins égal"),
    ],
)
def test_reglage_invalide_refuse_en_nommant_la_cle(donnees, attendu):
    with pytest.raises(SettingsError) as exc:
        valider(donnees)
    assert attendu in str(exc.value)


@pytest.mark.parametrize("libelle", ["Avertissement", "Avertissement travail", "AVERTISSEMENT (conduite)", "Blâme"])
def test_avertissement_n_est_pas_une_mention(libelle):
    with pytest.raises(SettingsError) as exc:
        valider({"mentions": [{"libelle": "Félicitations", "moyenne_min": 16}, {"libelle": libelle}]})
    assert "« mentions[2].libelle »" in str(exc.value) and "chef d'établissement" in str(exc.value)


def test_fichier_mal_forme_ou_absent(tmp_path):
    f = tmp_path / "r.toml"
    f.write_text("[absences\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="mal formé"):
        charger_reglages(f)
    with pytest.raises(SettingsError, match="introuvable"):
        charger_reglages(tmp_path / "absent.toml")
