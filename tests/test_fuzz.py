"""Fuzzing des lecteurs : quelle que soit l'entrée, un résultat ou l'erreur d'import de Vigie, jamais autre chose.

Les entrées sont surtout *presque valides* : un vrai fichier d'exemple (``tests/fixtures``) ou une ligne
d'export, puis des mutations (caractères supprimés, dupliqués, remplacés par ``"``, ``;``, ``\\r``, NUL,
une balise HTML, une très longue cellule…), un autre encodage, une troncature. Des octets tout à fait
aléatoires complètent. Une propriété qui échoue donne l'exemple minimal à transformer en test de régression.
Les propriétés sont marquées ``slow`` (``make test`` les passe, ``make test-rapide`` non) ; les tests de
régression, non.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectors
from connectors import common
from connectors import pronote_csv as pc
from models.errors import ImportRejected
from models.records import Lot

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).parent / "corpus"

#: ``VIGIE_FUZZ_EXEMPLES=5000`` pour une longue chasse ; 150 par défaut, pour que le fichier reste rapide.
EXEMPLES = int(os.environ.get("VIGIE_FUZZ_EXEMPLES", "150"))
REGLAGES = settings(max_examples=EXEMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
REGLAGES_LEGERS = settings(max_examples=2 * EXEMPLES, deadline=None)

# --- Mutations ----------------------------------------------------------------------------------------

#: Ce qui casse le plus souvent un découpage : guillemets, séparateurs, fins de ligne, NUL, HTML, formules.
MORCEAUX = ['"', '""', ";", ";;", ",", "\t", "\r", "\n", "\r\n", "\x00", "<b>", "</i>", '<i class="icon_venus">',
            "&nbsp;", "€", "é", "\ufeff", "=1+1", "'", "*", "-", "/", ":", " - ", "Abs", "X", "NA", "Oui",
            "99", "-3", "12,5", "12.5", "1e9", "31/02/2025", "00/00/0000", "2025-13-01", "08h00", "à",
            "\u202f", "\xa0", "x" * 3000, "9" * 400, "]]>", "<!--", "&", "&lol;", "<", ">", "</lsun-bilans>",
            "<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", "[[periodes]]", "= 2025-09-01", "{", "}"]
ENCODAGES = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le"]


@st.composite
def mute(draw: st.DrawFn, texte: str) -> str:
    """Le texte modifié par 1 à 6 opérations au hasard."""
    t = texte
    for _ in range(draw(st.integers(1, 6))):
        n = len(t)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 40)))
        op = draw(st.sampled_from(["supprimer", "dupliquer", "remplacer", "inserer", "tronquer", "texte"]))
        if op == "supprimer":
            t = t[:i] + t[j:]
        elif op == "dupliquer":
            t = t[:j] + t[i:j] + t[j:]
        elif op == "remplacer":
            t = t[:i] + draw(st.sampled_from(MORCEAUX)) + t[j:]
        elif op == "inserer":
            t = t[:i] + draw(st.sampled_from(MORCEAUX)) + t[i:]
        elif op == "tronquer":
            t = t[:i]
        else:
            t = t[:i] + draw(st.text(max_size=12)) + t[j:]
    return t


@st.composite
def octets_mutes(draw: st.DrawFn, graines: list[bytes]) -> bytes:
    """Une graine valide, mutée puis réencodée ; parfois des octets aléatoires ou une graine tronquée."""
    genre = draw(st.sampled_from(["texte", "texte", "texte", "octets", "tronque"]))
    graine = draw(st.sampled_from(graines))
    if genre == "octets":
        return draw(st.binary(max_size=600))
    if genre == "tronque":
        return graine[: draw(st.integers(0, len(graine)))]
    texte = common.decoder(graine, Path("graine")) if graine.strip() else ""
    texte = draw(mute(texte))
    encodage = draw(st.sampled_from(ENCODAGES))
    return texte.encode(encodage, errors="replace")


def _graines(*chemins: Path) -> list[bytes]:
    return [p.read_bytes() for p in chemins]


def _verifier(sorte: str, chemin: Path, **options: object) -> None:
    """La propriété : un lot, ou ImportRejected avec un message non vide qui nomme le fichier."""
    try:
        lot = connectors.lire(sorte, chemin, **options)
    except ImportRejected as err:
        assert err.raison
        assert err.fichier is not None
        assert err.ligne is None or isinstance(err.ligne, int) and err.ligne >= 1
        assert len(str(err)) < 20_000
    else:
        assert isinstance(lot, Lot)


# --- Chaque connecteur sur des fichiers --------------------------------------------------------------

ETABLISSEMENT = """[etablissement]
uai = "0750001A"
nom = "Collège Jean Moulin"

[[periodes]]
nom = "Trimestre 1"
annee = "2025-2026"
debut = 2025-09-01
fin = 2025-11-30

[[matieres]]
libelle = "MATHEMATIQUES"
famille = "general"
coefficient = 4
"""

LSU_VALIDE = (FIXTURES / "lsu" / "valide.xml").read_bytes()

GRAINES: dict[str, list[bytes]] = {
    "etablissement": [ETABLISSEMENT.encode()],
    "pronote-eleves": _graines(FIXTURES / "pronote" / "eleves_bom.csv", FIXTURES / "pronote" / "eleves_cp1252.csv"),
    "pronote-notes": _graines(FIXTURES / "pronote" / "MATHEMATIQUES.csv", FIXTURES / "pronote" / "ANGLAIS LV1.csv",
                              FIXTURES / "pronote" / "FRANCAIS.csv"),
    "pronote-resultats": _graines(FIXTURES / "pronote" / "resultats_3A.csv",
                                  FIXTURES / "pronote" / "resultats_cp1252.csv"),
    "pronote-absences": _graines(*(FIXTURES / "pronote_suivi").glob("absences_*.csv"),
                                 FIXTURES / "pronote_suivi" / "retards.csv"),
    "pronote-punitions": _graines(FIXTURES / "pronote_suivi" / "punitions_cp1252.csv"),
    "pronote-competences": _graines(*(FIXTURES / "pronote_suivi").glob("competences_*.csv")),
    "pix": _graines(*(FIXTURES / "pix").glob("*.csv")),
    "lsu": [LSU_VALIDE],
    "tableur": _graines(FIXTURES / "tableur" / "competences_longues.csv"),
}

OPTIONS: dict[str, dict[str, object]] = {
    "pronote-resultats": {"periode": "Trimestre 1", "classe": "3A"},
    "pronote-notes": {"classe": "3A", "periode": "Trimestre 1"},
    "pronote-competences": {"date": "05/09/2025"},
    "pronote-absences": {"du": "01/09/2025", "au": "30/11/2025"},
    "tableur": {"mapping": FIXTURES / "tableur" / "competences_longues.toml"},
}

EXTENSIONS = {"etablissement": ".toml", "lsu": ".xml"}


def test_les_graines_sont_acceptees(tmp_path: Path) -> None:
    """Sans mutation, chaque graine est lue : les mutations partent bien de fichiers valides."""
    for sorte, graines in GRAINES.items():
        for k, graine in enumerate(graines):
            f = tmp_path / f"graine{k}{EXTENSIONS.get(sorte, '.csv')}"
            f.write_bytes(graine)
            assert isinstance(connectors.lire(sorte, f, **OPTIONS.get(sorte, {})), Lot), (sorte, k)


def _propriete(sorte: str):
    @pytest.mark.slow
    @REGLAGES
    @given(donnees=octets_mutes(GRAINES[sorte]))
    def propriete(tmp_path: Path, donnees: bytes) -> None:
        f = tmp_path / f"fuzz{EXTENSIONS.get(sorte, '.csv')}"
        f.write_bytes(donnees)
        _verifier(sorte, f, **OPTIONS.get(sorte, {}))

    return propriete


test_fuzz_etablissement = _propriete("etablissement")
test_fuzz_pronote_eleves = _propriete("pronote-eleves")
test_fuzz_pronote_notes = _propriete("pronote-notes")
test_fuzz_pronote_resultats = _propriete("pronote-resultats")
test_fuzz_pronote_absences = _propriete("pronote-absences")
test_fuzz_pronote_punitions = _propriete("pronote-punitions")
test_fuzz_pronote_competences = _propriete("pronote-competences")
test_fuzz_pix = _propriete("pix")
test_fuzz_lsu = _propriete("lsu")
test_fuzz_tableur_csv = _propriete("tableur")


CORRESPONDANCE = (
    'disposition = "longue"\nreferentiel = "R"\nechelle = "a-e"\n\n[colonnes]\nnom = "Nom"\nprenom = "Prénom"\n'
    'classe = "Classe"\ndomaine = "Domaine"\nitem = "Compétence"\nniveau = "Évaluation"\ndate = "Date"\n\n'
    '[niveaux]\n"Réussi" = 4\n'
)


@st.composite
def sorte_et_octets(draw: st.DrawFn) -> tuple[str, bytes]:
    sorte = draw(st.sampled_from(sorted(set(GRAINES) - {"etablissement", "pronote-eleves"})))
    return sorte, draw(octets_mutes(GRAINES[sorte]))


@pytest.mark.slow
@REGLAGES
@given(cas=sorte_et_octets())
def test_fuzz_lot_lu_puis_importe(ecole, tmp_path: Path, cas: tuple[str, bytes]) -> None:
    """Un lot accepté par son connecteur s'écrit, ou l'entrepôt le refuse pour une raison métier (élève
    inconnu, date hors période) — jamais l'« erreur inattendue » qui trahirait un lot mal formé."""
    sorte, donnees = cas
    f = tmp_path / f"fuzz{EXTENSIONS.get(sorte, '.csv')}"
    f.write_bytes(donnees)
    try:
        lot = connectors.lire(sorte, f, **OPTIONS.get(sorte, {}))
    except ImportRejected:
        return
    res = ecole.importer(lot, ignorer_inconnus=True)
    assert res.statut in {"reussi", "rejete"}
    assert "erreur inattendue" not in res.message, res.message


@pytest.mark.slow
@REGLAGES
@given(texte=mute(CORRESPONDANCE))
def test_fuzz_tableur_correspondance(tmp_path: Path, texte: str) -> None:
    """La correspondance TOML mutée : refus situé, jamais une autre exception."""
    m = tmp_path / "corr.toml"
    m.write_text(texte, encoding="utf-8", errors="replace")
    _verifier("tableur", FIXTURES / "tableur" / "competences_longues.csv", mapping=m)


def test_la_correspondance_graine_est_valide(tmp_path: Path) -> None:
    m = tmp_path / "corr.toml"
    m.write_text(CORRESPONDANCE, encoding="utf-8")
    assert connectors.lire("tableur", FIXTURES / "tableur" / "competences_longues.csv", mapping=m).evaluations


def _xlsx_valide() -> bytes:
    import openpyxl

    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(["Nom", "Prénom", "Classe", "Domaine", "Compétence", "Évaluation", "Date", "Professeur"])
    feuille.append(["DUPONT", "Jean-Marie", "3A", "Maths", "Calculer", "A", "05/09/2025", "M. Roche"])
    feuille.append(["LEFÈVRE", "Chloé Anne", "3A", "Français", "Écrire", "E", dt.date(2025, 9, 12), "Mme Sow"])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _ods_valide() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Grille")
    for valeurs in (["Nom", "Prénom", "Classe", "Domaine", "Compétence", "Évaluation", "Date", "Professeur"],
                    ["DUPONT", "Jean-Marie", "3A", "Maths", "Calculer", "A", "05/09/2025", "M. Roche"]):
        ligne = TableRow()
        for v in valeurs:
            cellule = TableCell()
            cellule.addElement(P(text=v))
            ligne.addElement(cellule)
        table.addElement(ligne)
    doc.spreadsheet.addElement(table)
    tampon = io.BytesIO()
    doc.save(tampon)
    return tampon.getvalue()


XLSX = _xlsx_valide()
ODS = _ods_valide()
MEMBRES = {
    ".xlsx": ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "[Content_Types].xml"],
    ".ods": ["content.xml", "META-INF/manifest.xml", "mimetype"],
}


@st.composite
def classeur_mute(draw: st.DrawFn, extension: str) -> bytes:
    """Un classeur valide dont on abîme les octets, ou dont on réécrit un membre XML muté."""
    valide = XLSX if extension == ".xlsx" else ODS
    if draw(st.booleans()):
        b = bytearray(valide)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(b) - 1))
            b[i] = draw(st.integers(0, 255))
        return bytes(b[: draw(st.integers(0, len(b)))]) if draw(st.booleans()) else bytes(b)
    source = zipfile.ZipFile(io.BytesIO(valide))
    cible = draw(st.sampled_from(MEMBRES[extension]))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as z:
        for info in source.infolist():
            contenu = source.read(info)
            if info.filename == cible:
                contenu = draw(mute(contenu.decode("utf-8"))).encode("utf-8", errors="replace")
            z.writestr(info, contenu)
    return sortie.getvalue()


@pytest.mark.slow
@REGLAGES
@given(donnees=classeur_mute(".xlsx"))
def test_fuzz_tableur_xlsx(tmp_path: Path, donnees: bytes) -> None:
    f = tmp_path / "grille.xlsx"
    f.write_bytes(donnees)
    _verifier("tableur", f, mapping=FIXTURES / "tableur" / "competences_longues.toml")


@pytest.mark.slow
@REGLAGES
@given(donnees=classeur_mute(".ods"))
def test_fuzz_tableur_ods(tmp_path: Path, donnees: bytes) -> None:
    f = tmp_path / "grille.ods"
    f.write_bytes(donnees)
    _verifier("tableur", f, mapping=FIXTURES / "tableur" / "competences_longues.toml")


def test_les_classeurs_graines_sont_acceptes(tmp_path: Path) -> None:
    for extension, contenu in ((".xlsx", XLSX), (".ods", ODS)):
        f = tmp_path / f"grille{extension}"
        f.write_bytes(contenu)
        lot = connectors.lire("tableur", f, mapping=FIXTURES / "tableur" / "competences_longues.toml")
        assert lot.evaluations, extension


# --- Les pièces de bas niveau -------------------------------------------------------------------------

LIGNES_PRONOTE = [
    '"DUPONT Jean-Marie";"3A";"";0;"13,40";"13,00";"+0,40";"13,40";"15,50";"Abs";"Abs*";"Disp"',
    '"LEFÈVRE";"Chloé "Coco" Anne";01/06/2011;"<i class="icon_venus"></i>";"3A";01/09/2025;;"PAP - PAI"',
    "Élève;Classe;Moyenne;Devoir du 03/10/2025 - DS1;Devoir du 10/10/2025 - Interro",
    ';;;Sur 20 - Coef. 2;Sur 10 - Coef. 1',
]


@pytest.mark.slow
@REGLAGES_LEGERS
@given(ligne=st.sampled_from(LIGNES_PRONOTE).flatmap(mute) | st.text(max_size=200))
def test_fuzz_decouper_ligne(ligne: str) -> None:
    try:
        cellules, citees = pc.decouper_ligne(ligne)
    except ImportRejected as err:
        assert "guillemet non fermé" in err.raison and isinstance(err.colonne, int)
    else:
        assert len(cellules) == len(citees) >= 1
        assert all(isinstance(c, str) and "\n" not in c for c in cellules)


#: Des lignes faites des caractères qui comptent pour le découpage : séparateur, guillemets, espaces,
#: balises, sauts de ligne.
LIGNES_PIEGES = st.text(alphabet=';" \tab<>\n&', max_size=40)


@REGLAGES_LEGERS
@given(ligne=LIGNES_PIEGES | st.sampled_from(LIGNES_PRONOTE).flatmap(mute))
def test_decoupage_rapide_identique_au_complet(ligne: str) -> None:
    """Le découpage par ``str.split`` des lignes simples donne exactement ce que donne le découpage
    caractère par caractère, y compris le refus d'une ligne tronquée."""
    try:
        attendu = pc.decouper_ligne_complet(ligne)
    except ImportRejected as err:
        with pytest.raises(ImportRejected) as obtenu:
            pc.decouper_ligne(ligne)
        assert (obtenu.value.raison, obtenu.value.colonne) == (err.raison, err.colonne)
    else:
        assert pc.decouper_ligne(ligne) == attendu


def _decouper_ligne_par_ligne(texte: str) -> list[tuple[int, tuple[str, ...], tuple[bool, ...]]] | tuple:
    """L'oracle : le découpage d'un texte ligne par ligne, par le découpeur caractère par caractère (la règle
    de ``pronote_csv.decouper`` avant le découpage par paquets) ; un refus → ``("refus", ligne, colonne)``."""
    texte = texte[1:] if texte.startswith("\ufeff") else texte
    brutes = texte.split("\r\n") if "\r\n" in texte else texte.replace("\r", "\n").split("\n")
    lignes = []
    for numero, brute in enumerate(brutes, start=1):
        if not brute.strip().strip(";").strip():
            continue
        try:
            cellules, citees = pc.decouper_ligne_complet(brute.rstrip("\r"))
        except ImportRejected as err:
            return ("refus", numero, err.colonne)
        lignes.append((numero, cellules, citees))
    return lignes


@REGLAGES_LEGERS
@given(textes=st.lists(st.lists(LIGNES_PIEGES | st.sampled_from(LIGNES_PRONOTE).flatmap(mute) | st.text(max_size=30),
                                max_size=6).map("\r\n".join) | st.text(alphabet=';" \tab<>\n\r&\x1f\u00a0', max_size=60),
                       min_size=1, max_size=4))
def test_decoupage_par_paquet_identique_ligne_par_ligne(textes: list[str]) -> None:
    """Plusieurs textes découpés ensemble (Polars pour les lignes simples, le découpeur de toujours pour les
    autres) donnent, texte par texte, les lignes et le refus du découpage caractère par caractère."""
    lignes, refus = pc.decouper_plusieurs(textes, [None] * len(textes))
    for f, texte in enumerate(textes):
        attendu = _decouper_ligne_par_ligne(texte)
        if isinstance(attendu, tuple):
            assert f in refus and (refus[f].ligne, refus[f].colonne) == attendu[1:]
            continue
        assert f not in refus
        obtenu = [(n, tuple(c), tuple(q)) for n, c, q in
                  lignes.filter(lignes["f"] == f).select("numero", "cellules", "citees").iter_rows()]
        assert obtenu == attendu


@pytest.mark.slow
@REGLAGES_LEGERS
@given(texte=st.sampled_from(["\r\n".join(LIGNES_PRONOTE), "\n".join(LIGNES_PRONOTE)]).flatmap(mute))
def test_fuzz_decouper(texte: str) -> None:
    try:
        lignes = pc.decouper(texte)
    except ImportRejected as err:
        assert err.ligne is not None and err.ligne >= 1
    else:
        numeros = [l.numero for l in lignes]
        assert numeros == sorted(set(numeros)) and all(n >= 1 for n in numeros)


JETONS = ["12,5", "15.50", "Abs", "Abs*", "N.Rdu*", "Disp.", "X", "20", "0", "<b>9,5</b>", "N. Not.", "1 234,5"]


@pytest.mark.slow
@REGLAGES_LEGERS
@given(texte=st.sampled_from(JETONS).flatmap(mute) | st.text(max_size=30),
       bareme=st.none() | st.floats(1, 99))
def test_fuzz_lire_note(texte: str, bareme: float | None) -> None:
    try:
        lu = pc.lire_note(texte, fichier=Path("f.csv"), ligne=3, colonne="DS1", bareme=bareme)
    except ImportRejected as err:
        assert (err.fichier, err.ligne, err.colonne) == ("f.csv", 3, "DS1")
    else:
        if lu is not None:
            valeur, _statut = lu
            assert valeur is None or 0 <= valeur <= (bareme if bareme is not None else float("inf"))


@pytest.mark.slow
@REGLAGES_LEGERS
@given(texte=st.sampled_from(["12,5", "1 234,50", "-3", "+0,40", "15.5", "1\u202f000"]).flatmap(mute)
       | st.text(max_size=30))
def test_fuzz_nombre(texte: str) -> None:
    try:
        v = common.nombre(texte)
    except ValueError:
        return
    assert v is None or isinstance(v, float)
    assert pc.lire_nombre(texte, fichier=Path("f"), ligne=1, colonne=1) == v


@pytest.mark.slow
@REGLAGES_LEGERS
@given(texte=st.sampled_from(["05/09/2025", "2025-09-05", "05/09/25", "29/02/2024"]).flatmap(mute)
       | st.text(max_size=20))
def test_fuzz_date_fr(texte: str) -> None:
    try:
        d = common.date_fr(texte)
    except ValueError:
        if texte.strip() in pc.SANS_VALEUR:
            # lire_date : « pas de valeur » (vide, tiret : la liste fermée de Pronote) n'est pas une date,
            # mais pas une erreur non plus.
            assert pc.lire_date(texte, fichier=Path("f"), ligne=1, colonne=1) is None
        else:
            with pytest.raises(ImportRejected):
                pc.lire_date(texte, fichier=Path("f"), ligne=1, colonne=1)
        return
    assert isinstance(d, dt.date)


@pytest.mark.slow
@REGLAGES_LEGERS
@given(texte=st.sampled_from(["05/09/2025 08:30", "05/09/2025 à 08h30", "2025-09-05T08:30:00", "05/09/2025"])
       .flatmap(mute) | st.text(max_size=30))
def test_fuzz_datetime_fr(texte: str) -> None:
    try:
        d = common.datetime_fr(texte)
    except ValueError:
        return
    assert isinstance(d, dt.datetime)


@pytest.mark.slow
@REGLAGES_LEGERS
@given(donnees=octets_mutes(GRAINES["pronote-notes"] + GRAINES["pix"]) | st.binary(max_size=300))
def test_fuzz_decoder(donnees: bytes) -> None:
    try:
        texte = common.decoder(donnees, Path("f.csv"))
    except ImportRejected as err:
        assert err.fichier == "f.csv"
    else:
        assert isinstance(texte, str) and "\x00" not in texte


@pytest.mark.slow
@REGLAGES_LEGERS
@given(texte=st.sampled_from(["X", "P", "x", ""]).flatmap(mute))
def test_fuzz_lire_case(texte: str) -> None:
    try:
        assert pc.lire_case(texte, fichier=Path("f"), ligne=2, colonne="Réglée") in {"X", "P", None}
    except ImportRejected as err:
        assert err.ligne == 2


def test_decoupage_refuse_une_cellule_non_fermee() -> None:
    """Régression (trouvée par le corpus) : une cellule tronquée était lue jusqu'au bout de la ligne."""
    with pytest.raises(ImportRejected) as err:
        pc.decouper('Élève;DS1\r\n"DUPONT Jean-Marie";"15,50"\r\n"LEFÈVRE";"1', Path("notes.csv"))
    assert (err.value.fichier, err.value.ligne, err.value.colonne) == ("notes.csv", 3, 2)


# --- Régressions : les défauts trouvés par le corpus et le fuzzing ------------------------------------


@pytest.mark.parametrize("toml, colonne", [
    ("periodes = 3\n", "periodes"),
    ('etablissement = "x"\n', "etablissement"),
    ('matieres = "maths"\n', "matieres"),
])
def test_etablissement_section_de_mauvaise_forme(tmp_path: Path, toml: str, colonne: str) -> None:
    """« periodes = 3 » levait TypeError (itération d'un entier) au lieu d'un refus."""
    f = tmp_path / "etab.toml"
    f.write_text(toml, encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", f)
    assert err.value.colonne == colonne and "doit être" in err.value.raison


def test_etablissement_toml_situe(tmp_path: Path) -> None:
    """Python 3.11 ne donne la position d'une erreur TOML que dans son texte : elle est maintenant reprise."""
    f = tmp_path / "etab.toml"
    f.write_text('[etablissement]\nuai = "0750001A\n', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("etablissement", f)
    assert (err.value.ligne, err.value.colonne) == (2, 16)  # le saut de ligne après 0750001A
    assert "(at line" not in str(err.value)


def test_lsu_encodage_declare_inconnu(tmp_path: Path) -> None:
    """Un prologue ``encoding="TF-8"`` levait LookupError (trouvé par le fuzzing)."""
    f = tmp_path / "lsu.xml"
    f.write_bytes(LSU_VALIDE.replace(b'encoding="UTF-8"', b'encoding="TF-8"'))
    with pytest.raises(ImportRejected) as err:
        connectors.lire("lsu", f)
    assert err.value.ligne == 1 and "encodage inconnu" in err.value.raison


def test_option_entiere_en_texte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Une option entière arrive en texte de la ligne de commande (``1 <= "2"`` levait TypeError) : elle est
    typée par connectors/options.py, et un texte qui n'est pas un entier refuse le fichier, consigné."""
    from connectors.options import Option, verifier

    assert verifier("x", {"n": Option("entier", "n", minimum=1, maximum=8)}, {"n": "2"}) == {"n": 2}
    with pytest.raises(ImportRejected, match="« deux » refusé, un nombre entier est attendu"):
        verifier("x", {"n": Option("entier", "n", minimum=1, maximum=8)}, {"n": "deux"})


def test_message_d_une_cellule_geante_abrege(tmp_path: Path) -> None:
    """Une note de 500 000 caractères était recopiée entière dans le message et le journal des imports."""
    f = tmp_path / "MATHS.csv"
    f.write_text('Élève;Classe;Devoir du 03/10/2025 - DS1\r\n"DUPONT Jean-Marie";"3A";"' + "A" * 500_000 + '"\r\n',
                 encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("pronote-notes", f)
    assert (err.value.ligne, err.value.colonne) == (2, "Devoir du 03/10/2025 - DS1")
    assert len(str(err.value)) < 1000
    assert re.search(r"« A{250,300}… \(500\d\d\d caractères\)$", str(err.value))


def test_notes_doublon_exact_accepte_contradictoire_refuse(tmp_path: Path) -> None:
    entete = "Élève;Classe;Devoir du 03/10/2025 - DS1\r\n"
    f = tmp_path / "MATHS.csv"
    f.write_text(entete + '"DUPONT Jean-Marie";"3A";"12"\r\n' * 2, encoding="utf-8")
    assert [n.valeur for n in connectors.lire("pronote-notes", f).notes] == [12.0, 12.0]
    f.write_text(entete + '"DUPONT Jean-Marie";"3A";"12"\r\n"DUPONT Jean-Marie";"3A";"4"\r\n', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        connectors.lire("pronote-notes", f)
    assert err.value.ligne == 3 and "déjà présent ligne 2" in err.value.raison


@pytest.mark.parametrize("sorte, entete, options", [
    ("pronote-notes", "Élève;Classe;Devoir du 03/10/2025 - DS1", {}),
    ("pronote-resultats", "Élève;Classe;Moyenne générale", {"periode": "Trimestre 1"}),
])
def test_ligne_citee_vide_n_est_pas_un_eleve(tmp_path: Path, sorte: str, entete: str, options: dict) -> None:
    """Une ligne ``""`` (cellule vide citée) passait pour un élève sans nom : le connecteur levait la
    ValidationError de RefEleve au lieu de l'ignorer ; trouvé par le fuzzing."""
    f = tmp_path / "MATHS.csv"
    f.write_text(entete + '\r\n""\r\n"DUPONT Jean-Marie";"3A";"12"\r\n', encoding="utf-8")
    lot = connectors.lire(sorte, f, **options)
    refs = {n.eleve.nom_complet for n in lot.notes} | {m.eleve.nom_complet for m in lot.moyennes}
    assert refs == {"DUPONT Jean-Marie"}


def test_xlsx_version_de_zip_inconnue(tmp_path: Path) -> None:
    """Un répertoire central qui annonce « zip version 16.2 » levait NotImplementedError (fuzzing)."""
    b = bytearray(XLSX)
    i = b.index(b"PK\x01\x02")
    b[i + 6 : i + 8] = (162).to_bytes(2, "little")  # « version nécessaire pour extraire » : 16.2
    f = tmp_path / "grille.xlsx"
    f.write_bytes(bytes(b))
    with pytest.raises(ImportRejected) as err:
        connectors.lire("tableur", f, mapping=FIXTURES / "tableur" / "competences_longues.toml")
    assert "n'est pas un classeur Excel" in err.value.raison


def test_ods_texte_et_bombe_de_repetition() -> None:
    """Un .odt renommé levait AttributeError ; 1,5 Ko de cellules répétées épuisaient la mémoire."""
    mapping = CORPUS / "tableur" / "correspondance.toml"
    with pytest.raises(ImportRejected, match="n'est pas un classeur"):
        connectors.lire("tableur", CORPUS / "tableur" / "texte_odt_renomme.ods", mapping=mapping)
    with pytest.raises(ImportRejected, match="anormalement grand") as err:
        connectors.lire("tableur", CORPUS / "tableur" / "bombe_repetition.ods", mapping=mapping)
    assert err.value.ligne == 1


def test_ods_texte_nu_dans_une_cellule(tmp_path: Path) -> None:
    """Du texte hors de <text:p> dans content.xml levait AttributeError (« 'Text' object has no attribute
    'qname' ») ; trouvé par le fuzzing. Le texte nu est ignoré, comme LibreOffice l'ignore."""
    source = zipfile.ZipFile(io.BytesIO(ODS))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as z:
        for info in source.infolist():
            contenu = source.read(info)
            if info.filename == "content.xml":
                assert contenu.count(b"<table:table-cell>") >= 8
                contenu = contenu.replace(b"<table:table-cell>", b"<table:table-cell>nu", 1)
                contenu = contenu.replace(b"<table:table-row>", b"<table:table-row>nu", 1)
            z.writestr(info, contenu)
    f = tmp_path / "grille.ods"
    f.write_bytes(sortie.getvalue())
    lot = connectors.lire("tableur", f, mapping=FIXTURES / "tableur" / "competences_longues.toml")
    assert [(e.eleve.nom, e.niveau) for e in lot.evaluations] == [("DUPONT", 3)]
