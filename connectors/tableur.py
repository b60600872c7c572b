"""Tableurs de compétences (``vigie import tableur FICHIER --mapping CORRESPONDANCE.toml``).

Les coordonnateurs ULIS et les enseignants tiennent leurs grilles dans Excel ou LibreOffice. Vigie lit
les fichiers ``.csv``, ``.xlsx`` et ``.ods`` à l'aide d'une petite *correspondance* TOML qui dit où se
trouvent l'élève, le domaine, l'item, le niveau et la date, et comment les libellés se traduisent sur
l'échelle 1–4 du socle.

Écrire une correspondance
-------------------------
Deux dispositions sont possibles :

* ``disposition = "longue"`` : une ligne par évaluation (colonnes Élève, Domaine, Item, Niveau, Date…) ;
* ``disposition = "large"`` : une grille, une ligne par élève et une colonne par item ; le domaine de
  chaque item est écrit sur une ligne au-dessus (``ligne_domaines``, cellules fusionnées admises).

Exemple (la grille ULIS de l'école synthétique, ``sample_data/grille_ulis.toml``) ::

    disposition = "large"
    feuille = "*"                 # toutes les feuilles (défaut : la première ; ou un nom de feuille)
    ligne_domaines = 1            # ligne des domaines, au-dessus des items
    ligne_entete = 2              # ligne des intitulés de colonnes
    referentiel = "ULIS"          # valeur fixe (ou colonnes.referentiel)
    contexte = "ULIS"
    echelle = "acquis"            # Non acquis / En cours d'acquisition / Acquis / Dépassé

    [colonnes]
    eleve = "Élève"               # « NOM Prénom » ; ou bien nom = "Nom" et prenom = "Prénom"
    classe = "Classe"             # ou une valeur fixe : classe = "3A" hors de [colonnes]
    date = "Date"                 # ou une valeur fixe : date = 2026-06-15

    [statuts]                     # libellés qui ne sont pas un niveau
    "Abs" = "absent"

Les colonnes se désignent par leur intitulé (casse, accents et espaces ignorés). Échelles prédéfinies
(``echelle``) : ``1-4``, ``mi-tbm`` (MI/MF/MS/TBM et les libellés « Maîtrise fragile »…), ``a-e``
(E/C/A/A+), ``rr-vv`` (RR/R/V/VV), ``acquis`` ; sans ``echelle``, toutes sont admises (elles ne se
chevauchent pas). ``[niveaux]`` ajoute ou remplace des libellés (``"Réussi" = 4``). Les statuts
reconnus d'office : Absent/Abs, Dispensé/Disp, Non évalué/NE. Une cellule vide n'est pas une
évaluation. Le guide pour les enseignants est ``sample_data/MAPPING.md``.

Toute erreur nomme le fichier, la feuille, la ligne et la colonne (lettre du tableur) ; une
correspondance invalide nomme la clé fautive.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models.errors import ImportRejected
from models.messages import (
    cause_classeur, cause_connue, csv_mal_forme, explication, lecture_impossible, technique, toml_connu, toml_mal_ecrit,
)
from models.records import NIVEAUX_MAITRISE, Anomalie, Evaluation, Lot, RefEleve, StatutCompetence

from .common import TAILLE_MAX, cle_entete, date_fr, lire_texte
from .options import Option

#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS = {"mapping": Option("chemin", "fichier TOML de correspondance des colonnes")}

# --- Échelles et statuts (données, pour qu'un enseignant puisse les relire) ---------------------------

ECHELLES: dict[str, dict[str, int]] = {
    "1-4": {"1": 1, "2": 2, "3": 3, "4": 4},
    "mi-tbm": {"MI": 1, "MF": 2, "MS": 3, "TBM": 4} | {v: k for k, v in NIVEAUX_MAITRISE.items()},
    # Pronote : E insuffisante, C fragile, A satisfaisante, A+ très bonne maîtrise
    "a-e": {"E": 1, "C": 2, "A": 3, "A+": 4},
    # pastilles rouge/vert : RR rouge foncé … VV vert foncé
    "rr-vv": {"RR": 1, "R": 2, "V": 3, "VV": 4},
    "acquis": {
        "Non acquis": 1,
        "En cours d'acquisition": 2,
        "En cours": 2,
        "Partiellement acquis": 2,
        "Acquis": 3,
        "Dépassé": 4,
    },
}

STATUTS: dict[str, StatutCompetence] = {
    "Absent": StatutCompetence.ABSENT,
    "Abs": StatutCompetence.ABSENT,
    "Dispensé": StatutCompetence.DISPENSE,
    "Disp": StatutCompetence.DISPENSE,
    "Non évalué": StatutCompetence.NON_EVALUE,
    "NE": StatutCompetence.NON_EVALUE,
}

#: Au-delà, une archive .xlsx/.ods décompressée n'est pas une grille de classe (bombe zip).
TAILLE_DECOMPRESSEE_MAX = 2 * TAILLE_MAX


def cle_libelle(texte: str) -> str:
    """« En cours d’acquisition » → « en cours d'acquisition » ; garde « + » (A+ ≠ A)."""
    t = unicodedata.normalize("NFKD", texte.replace("’", "'"))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return " ".join(t.split()).rstrip(".")


# --- Correspondance -----------------------------------------------------------------------------------


class Colonnes(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    eleve: str | None = None
    nom: str | None = None
    prenom: str | None = None
    classe: str | None = None
    referentiel: str | None = None
    domaine: str | None = None
    item: str | None = None
    niveau: str | None = None
    date: str | None = None
    contexte: str | None = None
    evaluateur: str | None = None


class Correspondance(BaseModel):
    """Le contenu validé d'un fichier de correspondance TOML."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    disposition: Literal["longue", "large"] = "longue"
    feuille: str | None = None
    ligne_entete: int = Field(default=1, ge=1)
    ligne_domaines: int | None = Field(default=None, ge=1)
    referentiel: str | None = None
    domaine: str | None = None
    classe: str | None = None
    date: dt.date | None = None
    contexte: str | None = None
    evaluateur: str | None = None
    echelle: Literal["1-4", "mi-tbm", "a-e", "rr-vv", "acquis"] | None = None
    ignorer: list[str] = []
    colonnes: Colonnes
    niveaux: dict[str, Annotated[int, Field(ge=1, le=4)]] = {}  # libellé → niveau 1–4
    statuts: dict[str, Literal["absent", "dispense", "non_evalue"]] = {}

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: object) -> object:
        return date_fr(v) if isinstance(v, str) else v

    def libelles(self) -> dict[str, tuple[int | None, StatutCompetence]]:
        """Libellé normalisé → (niveau, statut)."""
        echelles = [ECHELLES[self.echelle]] if self.echelle else list(ECHELLES.values())
        table: dict[str, tuple[int | None, StatutCompetence]] = {}
        for e in echelles:
            table |= {cle_libelle(k): (n, StatutCompetence.EVALUE) for k, n in e.items()}
        table |= {cle_libelle(k): (None, s) for k, s in STATUTS.items()}
        table |= {cle_libelle(k): (n, StatutCompetence.EVALUE) for k, n in self.niveaux.items()}
        table |= {cle_libelle(k): (None, StatutCompetence(s)) for k, s in self.statuts.items()}
        return table


def charger_correspondance(chemin: str | Path) -> Correspondance:
    """Lit et valide la correspondance ; refuse en nommant la clé fautive."""
    chemin = Path(chemin)
    texte: str | None = None
    try:
        texte = chemin.read_text(encoding="utf-8-sig")
        donnees = tomllib.loads(texte)
    except OSError as err:
        raise ImportRejected("correspondance " + lecture_impossible(err), fichier=chemin) from err
    except UnicodeDecodeError as err:
        raise ImportRejected("correspondance illisible : enregistrez-la en UTF-8", fichier=chemin) from err
    except tomllib.TOMLDecodeError as err:
        explication, ligne, colonne = toml_mal_ecrit(err, texte)
        raise ImportRejected(
            f"correspondance TOML mal écrite : {explication}. Corrigez cette ligne puis relancez l'import",
            fichier=chemin, ligne=ligne, colonne=colonne,
            details=[] if toml_connu(err) else [technique(err)],
        ) from err
    try:
        corr = Correspondance.model_validate(donnees)
    except ValidationError as err:
        raise ImportRejected(
            "correspondance invalide",
            fichier=chemin,
            details=[
                f"clé « {'.'.join(map(str, e['loc'])) or '(racine)'} » : {_message(e)}" for e in err.errors()
            ],
        ) from err
    _verifier(corr, chemin)
    return corr


def _message(e: dict) -> str:
    if e["type"] == "extra_forbidden":
        return "clé inconnue"
    if e["type"] == "missing":
        return "clé obligatoire absente"
    # les autres types (nombre attendu, valeur hors bornes, validateurs de ce module…) : en français
    return explication(e)


def _verifier(c: Correspondance, chemin: Path) -> None:
    """Les règles qui lient plusieurs clés."""

    def refus(cle: str, message: str) -> ImportRejected:
        return ImportRejected(f"correspondance invalide, clé « {cle} » : {message}", fichier=chemin)

    col = c.colonnes
    if not (col.eleve or col.nom):
        raise refus("colonnes.eleve", "indiquez la colonne de l'élève (eleve) ou celle du nom (nom)")
    if col.eleve and (col.nom or col.prenom):
        raise refus("colonnes.eleve", "choisissez une colonne « eleve » ou deux colonnes nom/prenom, pas les deux")
    if col.prenom and not col.nom:
        raise refus("colonnes.nom", "la colonne du prénom va avec celle du nom")
    for cle in ("referentiel", "date", "classe", "contexte", "evaluateur", "domaine"):
        if getattr(col, cle) and getattr(c, cle):
            raise refus(cle, f"donnez soit une valeur fixe, soit colonnes.{cle}, pas les deux")
    if not (col.referentiel or c.referentiel):
        raise refus("referentiel", "indiquez le référentiel (valeur fixe, ex. « ULIS ») ou colonnes.referentiel")
    if not (col.date or c.date):
        raise refus("date", "indiquez la date (valeur fixe JJ/MM/AAAA) ou colonnes.date")
    if c.disposition == "longue":
        for cle in ("item", "niveau"):
            if not getattr(col, cle):
                raise refus(f"colonnes.{cle}", "obligatoire dans une disposition « longue »")
        if not (col.domaine or c.domaine):
            raise refus("colonnes.domaine", "indiquez la colonne du domaine ou une valeur fixe « domaine »")
    else:
        for cle in ("item", "niveau", "domaine"):
            if getattr(col, cle):
                raise refus(
                    f"colonnes.{cle}",
                    "dans une grille « large », les items sont les colonnes et les domaines la ligne_domaines",
                )
        if c.ligne_domaines is None and not c.domaine:
            raise refus("ligne_domaines", "indiquez la ligne des domaines ou une valeur fixe « domaine »")
        if c.ligne_domaines is not None and c.ligne_domaines >= c.ligne_entete:
            raise refus("ligne_domaines", "la ligne des domaines doit précéder la ligne_entete")


# --- Lecture des feuilles -----------------------------------------------------------------------------


@dataclass
class Feuille:
    nom: str | None  # None pour un CSV
    lignes: list[list[str]]
    numeros: list[int]  # numéro (1 = première) de chaque ligne dans le fichier


def lettre(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA : la colonne comme le tableur l'affiche."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _texte(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "VRAI" if v else "FAUX"
    if isinstance(v, dt.datetime):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, dt.date):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v).strip()


def lire_feuilles(chemin: Path) -> list[Feuille]:
    suffixe = chemin.suffix.lower()
    if suffixe in {".csv", ".txt"}:
        return [_lire_csv(chemin)]
    if suffixe in {".xlsx", ".xlsm"}:
        return _lire_xlsx(chemin)
    if suffixe == ".ods":
        return _lire_ods(chemin)
    if suffixe == ".xls":
        raise ImportRejected(
            "format Excel 97-2003 (.xls) non pris en charge : enregistrez le classeur en .xlsx", fichier=chemin
        )
    raise ImportRejected(f"extension « {chemin.suffix} » inconnue (.csv, .xlsx ou .ods attendu)", fichier=chemin)


def _lire_csv(chemin: Path) -> Feuille:
    texte = lire_texte(chemin)
    premiere = texte.lstrip("\ufeff").split("\n", 1)[0]
    separateur = max(";,\t", key=premiere.count)  # Excel français écrit « ; », LibreOffice souvent « , »
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    lignes, numeros = [], []
    try:
        fin = 0
        for ligne in lecteur:
            lignes.append([c.strip() for c in ligne])
            numeros.append(fin + 1)  # première ligne physique de l'enregistrement
            fin = lecteur.line_num
    except csv.Error as err:
        raise ImportRejected(csv_mal_forme(err), fichier=chemin, ligne=lecteur.line_num) from err
    return Feuille(None, lignes, numeros)


def _archive(chemin: Path, membre: str, format_: str) -> zipfile.ZipFile:
    """Ouvre l'archive d'un classeur en refusant ce qui n'en est pas un (ou une bombe zip)."""
    try:
        archive = zipfile.ZipFile(chemin)
    # un répertoire central abîmé peut aussi annoncer une « version » de zip inconnue (NotImplementedError),
    # un nom de membre illisible (UnicodeDecodeError) ou une taille absurde (ValueError, EOFError)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError, EOFError) as err:
        raise ImportRejected(f"fichier corrompu ou qui n'est pas un classeur {format_}", fichier=chemin) from err
    noms = set(archive.namelist())
    if membre not in noms:
        archive.close()
        raise ImportRejected(
            f"ce fichier est une archive zip mais pas un classeur {format_} ({membre} absent)", fichier=chemin
        )
    if sum(i.file_size for i in archive.infolist()) > TAILLE_DECOMPRESSEE_MAX:
        archive.close()
        raise ImportRejected("classeur anormalement volumineux une fois décompressé : refusé", fichier=chemin)
    return archive


def _lire_xlsx(chemin: Path) -> list[Feuille]:
    import openpyxl

    _archive(chemin, "xl/workbook.xml", "Excel (.xlsx)").close()
    try:
        # openpyxl lit le XML interne avec defusedxml quand il est installé (c'est une dépendance)
        classeur = openpyxl.load_workbook(chemin, read_only=True, data_only=True)
        feuilles = []
        for ws in classeur.worksheets:
            lignes = [[_texte(v) for v in ligne] for ligne in ws.iter_rows(values_only=True)]
            feuilles.append(Feuille(ws.title, lignes, list(range(1, len(lignes) + 1))))
        classeur.close()
    except Exception as err:  # openpyxl lève toutes sortes d'erreurs sur un fichier abîmé
        raise _refus_classeur(err, chemin, "Excel") from err
    return feuilles


def _refus_classeur(err: BaseException, chemin: Path, format_: str) -> ImportRejected:
    """Le refus d'un classeur illisible ; dit clairement quand defusedxml a arrêté une DTD ou des entités
    (openpyxl l'enveloppe dans un ValueError)."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ImportRejected(
                "le classeur contient des déclarations XML interdites (DTD, entités : possible « bombe XML ») : "
                "refusé sans être lu",
                fichier=chemin,
            )
        cause = cause.__cause__ or cause.__context__
    return ImportRejected(
        f"classeur {format_} illisible ou corrompu ({cause_classeur(err)}) : ouvrez-le dans votre tableur, "
        "réenregistrez-le sous un nouveau nom et importez cette copie",
        fichier=chemin, details=[] if cause_connue(err) else [technique(err)],
    )


#: Au-delà, des lignes ou cellules vides répétées sont le remplissage de LibreOffice jusqu'à la fin de la
#: feuille (1 048 576 lignes) : on ne les matérialise pas.
_REPETITION_MAX = 1000
#: Cellules d'un classeur une fois les répétitions développées : une grille de 2 000 élèves sur 1 000
#: colonnes. Au-delà, c'est une « bombe de répétition » (quelques octets qui demandent des Go de mémoire).
CELLULES_MAX = 2_000_000


def _lire_ods(chemin: Path) -> list[Feuille]:
    from odf import opendocument

    _archive(chemin, "content.xml", "OpenDocument (.ods)").close()
    try:
        doc = opendocument.load(str(chemin))  # odfpy lit avec l'analyseur SAX de defusedxml
    except Exception as err:
        raise _refus_classeur(err, chemin, "OpenDocument") from err
    if getattr(doc, "spreadsheet", None) is None:  # un .odt ou un .odp renommé
        raise ImportRejected("ce fichier OpenDocument n'est pas un classeur (texte ou présentation ?)",
                             fichier=chemin)
    try:
        return _tables_ods(doc, chemin)
    except (KeyError, ValueError) as err:  # valeur de cellule mal écrite dans content.xml
        raise _refus_classeur(err, chemin, "OpenDocument") from err


def _tables_ods(doc, chemin: Path) -> list[Feuille]:
    from odf import teletype
    from odf.namespaces import TABLENS

    feuilles = []
    total = 0
    for table in doc.spreadsheet.childNodes:
        if _nom_xml(table) != (TABLENS, "table"):
            continue
        lignes: list[list[str]] = []
        for ligne in _descendants(table, "table-row"):
            repet = int(ligne.attributes.get((TABLENS, "number-rows-repeated"), 1))
            cellules: list[str] = []
            for cell in ligne.childNodes:
                if _nom_xml(cell) not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                    continue
                n = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
                valeur = _valeur_ods(cell, teletype)
                if not valeur and n > _REPETITION_MAX:
                    break
                if len(cellules) + n > CELLULES_MAX:
                    raise _trop_grand(chemin, len(lignes) + 1)
                cellules.extend([valeur] * n)
            if not any(cellules) and repet > _REPETITION_MAX:
                break
            total += len(cellules) * repet
            if total > CELLULES_MAX:
                raise _trop_grand(chemin, len(lignes) + 1)
            lignes.extend([list(cellules) for _ in range(repet)])
        feuilles.append(Feuille(table.getAttribute("name"), lignes, list(range(1, len(lignes) + 1))))
    return feuilles


def _trop_grand(chemin: Path, ligne: int) -> ImportRejected:
    return ImportRejected(
        f"classeur anormalement grand une fois les cellules répétées développées (plus de {CELLULES_MAX:,} "
        "cellules) : refusé".replace(",", " "),
        fichier=chemin, ligne=ligne,
    )


def _descendants(noeud, local: str):
    """Les lignes d'une table, y compris dans table-header-rows / table-row-group."""
    from odf.namespaces import TABLENS

    for enfant in noeud.childNodes:
        if getattr(enfant, "qname", None) == (TABLENS, local):
            yield enfant
        elif getattr(enfant, "qname", (None, ""))[1] in {"table-header-rows", "table-rows", "table-row-group"}:
            yield from _descendants(enfant, local)


def _valeur_ods(cell, teletype) -> str:
    from odf.namespaces import OFFICENS

    type_ = cell.attributes.get((OFFICENS, "value-type"))
    if type_ in {"float", "percentage", "currency"}:
        return _texte(float(cell.attributes[(OFFICENS, "value")]))
    if type_ == "date":
        return _texte(dt.date.fromisoformat(cell.attributes[(OFFICENS, "date-value")][:10]))
    return "\n".join(teletype.extractText(p) for p in cell.childNodes if _nom_xml(p)[1] == "p").strip()


def _nom_xml(noeud) -> tuple[str | None, str]:
    """(espace de noms, nom) d'un élément odfpy ; un nœud de texte nu (content.xml abîmé) n'en a pas."""
    return getattr(noeud, "qname", (None, ""))


# --- Du tableau aux évaluations -----------------------------------------------------------------------


def lire(chemin: Path, *, mapping: str | Path | None = None, **_: object) -> Lot:
    if mapping is None:
        raise ImportRejected(
            "un tableur s'importe avec sa correspondance : --mapping CORRESPONDANCE.toml", fichier=chemin
        )
    corr = charger_correspondance(mapping)
    feuilles = lire_feuilles(chemin)
    if corr.feuille == "*":
        choisies = feuilles
    elif corr.feuille:
        choisies = [f for f in feuilles if f.nom == corr.feuille]
        if not choisies:
            raise ImportRejected(
                f"feuille « {corr.feuille} » introuvable (feuilles : {', '.join(str(f.nom) for f in feuilles)})",
                fichier=chemin,
            )
    else:
        choisies = feuilles[:1]
    lecteur = _Lecteur(chemin, corr)
    for f in choisies:
        lecteur.feuille(f)
    return Lot(
        source="tableur",
        fichier=chemin,
        lignes_lues=lecteur.lignes_lues,
        evaluations=lecteur.evaluations,
        anomalies=lecteur.anomalies,
    )


class _Lecteur:
    def __init__(self, chemin: Path, corr: Correspondance) -> None:
        self.chemin, self.corr = chemin, corr
        self.libelles = corr.libelles()
        self.evaluations: list[Evaluation] = []
        self.anomalies: list[Anomalie] = []
        self.lignes_lues = 0
        self._nom: str | None = None

    def refus(self, message: str, ligne: int | None = None, col: int | None = None) -> ImportRejected:
        prefixe = f"feuille « {self._nom} » : " if self._nom else ""
        return ImportRejected(
            prefixe + message, fichier=self.chemin, ligne=ligne, colonne=lettre(col) if col is not None else None
        )

    def feuille(self, f: Feuille) -> None:
        self._nom = f.nom
        c = self.corr
        if len(f.lignes) < c.ligne_entete:
            raise self.refus(f"la ligne d'en-tête {c.ligne_entete} n'existe pas (feuille de {len(f.lignes)} lignes)")
        entete = f.lignes[c.ligne_entete - 1]
        cols = {cle: self.colonne(entete, cle, nom, f.numeros[c.ligne_entete - 1])
                for cle, nom in c.colonnes.model_dump().items() if nom}
        if c.disposition == "large":
            items = self.items(f, entete, cols)
        for i in range(c.ligne_entete, len(f.lignes)):
            cellules, num = f.lignes[i], f.numeros[i]
            if not any(cellules):
                continue

            def val(cle: str) -> str:
                j = cols.get(cle)
                return cellules[j].strip() if j is not None and j < len(cellules) else ""

            eleve = self.eleve(val, num)
            if eleve is None:
                self.anomalies.append(Anomalie(ligne=num, message=f"{self._lieu()}ligne sans élève, ignorée"))
                continue
            self.lignes_lues += 1
            quand = c.date or self.date(val("date"), num, cols.get("date"))
            commun = dict(
                eleve=eleve,
                referentiel=c.referentiel or val("referentiel"),
                date=quand,
                contexte=c.contexte or val("contexte") or None,
                evaluateur=c.evaluateur or val("evaluateur") or None,
            )
            if not commun["referentiel"]:
                raise self.refus("référentiel vide", num, cols.get("referentiel"))
            if c.disposition == "longue":
                domaine, item = c.domaine or val("domaine"), val("item")
                if not (domaine and item):
                    raise self.refus("domaine ou item vide", num, cols["item"] if not item else cols.get("domaine"))
                brut = val("niveau")
                if not brut:
                    self.anomalies.append(
                        Anomalie(ligne=num, colonne=lettre(cols["niveau"]), message=f"{self._lieu()}niveau vide, ligne ignorée")
                    )
                    continue
                self.evaluations.append(self.evaluation(commun, domaine, item, brut, num, cols["niveau"]))
            else:
                for j, (domaine, item) in items.items():
                    brut = cellules[j].strip() if j < len(cellules) else ""
                    if brut:  # cellule vide : item non travaillé, pas une évaluation
                        self.evaluations.append(self.evaluation(commun, domaine, item, brut, num, j))

    def _lieu(self) -> str:
        return f"feuille « {self._nom} », " if self._nom else ""

    def colonne(self, entete: list[str], cle: str, nom: str, num: int) -> int:
        cles = [cle_entete(h) for h in entete]
        try:
            return cles.index(cle_entete(nom))
        except ValueError:
            trouvees = ", ".join(f"« {h} »" for h in entete if h) or "aucune"
            raise self.refus(
                f"colonne « {nom} » (clé colonnes.{cle} de la correspondance) introuvable ; colonnes trouvées : {trouvees}",
                num,
            ) from None

    def items(self, f: Feuille, entete: list[str], cols: dict[str, int]) -> dict[int, tuple[str, str]]:
        """Grille large : colonne → (domaine, item). Un domaine vaut jusqu'au suivant (cellules fusionnées)."""
        c = self.corr
        ignorees = {cle_entete(n) for n in c.ignorer}
        domaines = f.lignes[c.ligne_domaines - 1] if c.ligne_domaines else []
        items: dict[int, tuple[str, str]] = {}
        courant = c.domaine
        for j, titre in enumerate(entete):
            if j in cols.values():
                continue
            d = domaines[j].strip() if j < len(domaines) else ""
            courant = d or courant
            if not titre or cle_entete(titre) in ignorees:
                continue
            if not courant:
                raise self.refus(
                    f"pas de domaine au-dessus de l'item « {titre} » (ligne_domaines {c.ligne_domaines})",
                    f.numeros[c.ligne_domaines - 1] if c.ligne_domaines else None,
                    j,
                )
            items[j] = (courant, titre)
        if not items:
            raise self.refus("aucune colonne d'item dans la ligne d'en-tête", f.numeros[c.ligne_entete - 1])
        return items

    def eleve(self, val, num: int) -> RefEleve | None:
        classe = self.corr.classe or val("classe") or None
        if self.corr.colonnes.eleve:
            nom = val("eleve")
            return RefEleve(nom_complet=nom, classe=classe, ligne=num) if nom else None
        nom = val("nom")
        return RefEleve(nom=nom, prenom=val("prenom") or None, classe=classe, ligne=num) if nom else None

    def date(self, brut: str, num: int, col: int | None) -> dt.date:
        try:
            return date_fr(brut)
        except ValueError:
            raise self.refus(f"date « {brut} » illisible (JJ/MM/AAAA attendu)", num, col) from None

    def evaluation(self, commun: dict, domaine: str, item: str, brut: str, num: int, col: int) -> Evaluation:
        trouve = self.libelles.get(cle_libelle(brut))
        if trouve is None:
            connus = sorted({k for e in ([ECHELLES[self.corr.echelle]] if self.corr.echelle else ECHELLES.values()) for k in e}
                            | set(self.corr.niveaux) | set(STATUTS) | set(self.corr.statuts))
            raise self.refus(
                f"niveau « {brut} » inconnu pour l'item « {item} » : ajoutez-le dans [niveaux] ou [statuts] de la "
                f"correspondance (libellés connus : {', '.join(connus)})",
                num,
                col,
            )
        niveau, statut = trouve
        return Evaluation(domaine=domaine, item=item, niveau=niveau, statut=statut, libelle_source=brut, **commun)
