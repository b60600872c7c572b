"""Les messages des bibliothèques (expat, tomllib, pydantic, csv, zip…) dits en français.

Les personnes qui lisent un refus d'import (professeurs, CPE, coordinateurs ULIS) ne lisent pas l'anglais
des bibliothèques Python : chaque texte qu'une bibliothèque pourrait faire remonter jusqu'à elles passe
par une fonction d'ici, qui dit ce qui ne va pas et quoi faire. La ligne et la colonne données par la
bibliothèque sont gardées ; le texte anglais ne l'est pas (il reste dans la cause de l'exception, pour qui
débogue). Seul un cas imprévu (un type d'erreur pydantic nouveau, une erreur expat inconnue) reçoit une
phrase générale en français, et son texte d'origine va dans :func:`technique` pour les ``details``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pyexpat import errors as _expat

# --- XML (expat, via xml.sax et defusedxml) ----------------------------------------------------------

#: Message d'expat (``pyexpat.errors.XML_ERROR_*``, qui sont les textes anglais eux-mêmes) → français.
#: Les causes les plus probables pour un export LSU : fichier coupé, retouché à la main, ou réenregistré
#: dans un autre encodage.
_EXPAT: dict[str, str] = {
    _expat.XML_ERROR_NO_MEMORY: "fichier trop gros pour être lu en mémoire",
    _expat.XML_ERROR_SYNTAX: "erreur de syntaxe XML",
    _expat.XML_ERROR_NO_ELEMENTS: (
        "le fichier se termine avant la fin du document : il est vide ou a été coupé "
        "(téléchargement ou copie interrompu) ; exportez-le de nouveau"
    ),
    _expat.XML_ERROR_INVALID_TOKEN: (
        "caractère ou balise illisible : le fichier n'est pas un XML valide, ou il a été réenregistré "
        "dans un autre encodage que celui qu'il déclare (UTF-8 attendu) ; exportez-le de nouveau sans "
        "l'ouvrir dans un autre logiciel"
    ),
    _expat.XML_ERROR_UNCLOSED_TOKEN: "balise non fermée : le fichier semble coupé ; exportez-le de nouveau",
    _expat.XML_ERROR_PARTIAL_CHAR: (
        "caractère coupé en fin de fichier : le fichier semble tronqué ; exportez-le de nouveau"
    ),
    _expat.XML_ERROR_TAG_MISMATCH: (
        "balise fermante qui ne correspond pas à la balise ouverte : le fichier a été modifié ou abîmé ; "
        "exportez-le de nouveau"
    ),
    _expat.XML_ERROR_DUPLICATE_ATTRIBUTE: "le même attribut apparaît deux fois dans une balise",
    _expat.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: (
        "du contenu suit la fin du document : deux fichiers ont peut-être été collés l'un après l'autre"
    ),
    _expat.XML_ERROR_PARAM_ENTITY_REF: "référence d'entité interdite",
    _expat.XML_ERROR_UNDEFINED_ENTITY: "entité inconnue (un « & » non suivi de amp; lt; gt; quot; ou apos;)",
    _expat.XML_ERROR_RECURSIVE_ENTITY_REF: "entité qui se référence elle-même",
    _expat.XML_ERROR_ASYNC_ENTITY: "entité mal construite",
    _expat.XML_ERROR_BAD_CHAR_REF: "référence à un caractère qui n'existe pas (&#…;)",
    _expat.XML_ERROR_BINARY_ENTITY_REF: "référence à une entité binaire",
    _expat.XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF: "référence à une entité externe dans un attribut",
    _expat.XML_ERROR_MISPLACED_XML_PI: (
        "la déclaration <?xml …?> n'est pas au tout début du fichier (des caractères la précèdent)"
    ),
    _expat.XML_ERROR_UNKNOWN_ENCODING: "encodage déclaré inconnu : UTF-8 attendu",
    _expat.XML_ERROR_INCORRECT_ENCODING: "l'encodage déclaré dans la première ligne ne correspond pas au contenu",
    _expat.XML_ERROR_UNCLOSED_CDATA_SECTION: "section CDATA non fermée : le fichier semble coupé",
    _expat.XML_ERROR_EXTERNAL_ENTITY_HANDLING: "entité externe interdite",
    _expat.XML_ERROR_NOT_STANDALONE: "le document dépend de déclarations externes",
    _expat.XML_ERROR_ENTITY_DECLARED_IN_PE: "déclaration d'entité interdite",
    _expat.XML_ERROR_UNBOUND_PREFIX: "préfixe d'espace de noms non déclaré (xxx: dans une balise)",
    _expat.XML_ERROR_UNDECLARING_PREFIX: "espace de noms retiré à tort",
    _expat.XML_ERROR_INCOMPLETE_PE: "déclaration d'entité incomplète",
    _expat.XML_ERROR_XML_DECL: "la déclaration <?xml …?> de la première ligne est mal écrite",
    _expat.XML_ERROR_TEXT_DECL: "déclaration de texte mal écrite",
    _expat.XML_ERROR_PUBLICID: "caractère interdit dans un identifiant public",
    _expat.XML_ERROR_RESERVED_PREFIX_XML: "usage interdit du préfixe réservé « xml »",
    _expat.XML_ERROR_RESERVED_PREFIX_XMLNS: "usage interdit du préfixe réservé « xmlns »",
    _expat.XML_ERROR_RESERVED_NAMESPACE_URI: "usage interdit d'un espace de noms réservé",
}
# Les erreurs d'expat qui décrivent un mauvais usage de l'analyseur (pas le fichier) ou qui n'existent
# que dans des versions récentes tombent dans le message général de :func:`xml_mal_forme`.
for _nom in ("XML_ERROR_AMPLIFICATION_LIMIT_BREACH",):
    if hasattr(_expat, _nom):
        _EXPAT[getattr(_expat, _nom)] = "possible « bombe XML » (entités qui se démultiplient)"


def xml_mal_forme(message: str) -> str:
    """Le message d'expat (``SAXParseException.getMessage()`` ou ``ExpatError``) en français.

    ``ExpatError`` ajoute « : line 1, column 0 » au texte : retiré avant la recherche.
    """
    cle = re.sub(r": line \d+, column \d+$", "", message.strip())
    return "XML mal formé : " + _EXPAT.get(
        cle, "le fichier n'est pas un XML lisible ; exportez-le de nouveau sans l'ouvrir dans un autre logiciel"
    )


def xml_connu(message: str) -> bool:
    """Vrai si :func:`xml_mal_forme` a une traduction propre (sinon le texte d'origine va en détail)."""
    return re.sub(r": line \d+, column \d+$", "", message.strip()) in _EXPAT


# --- TOML (tomllib) ----------------------------------------------------------------------------------

#: Début du message de tomllib → explication. Les messages paramétrés (« Illegal character '\n' »,
#: « Cannot declare ('a',) twice ») sont reconnus par leur début.
_TOML: list[tuple[str, str]] = [
    ("Illegal character '\\n'",
     "guillemet non fermé : un texte entre guillemets doit se terminer sur la même ligne"),
    ("Illegal character", "caractère interdit dans un texte (caractère de contrôle, tabulation mal placée…)"),
    ("Unterminated string", "guillemet non fermé : ajoutez le « \" » qui termine le texte"),
    ("Invalid date or datetime",
     "date impossible (jour ou mois hors limites) : écrivez-la AAAA-MM-JJ, par exemple 2025-09-01"),
    ("Invalid value",
     "valeur illisible : un texte doit être entre guillemets, une date écrite AAAA-MM-JJ, un nombre avec un "
     "point décimal"),
    ("Invalid statement", "ligne illisible : attendu « clé = valeur », [section] ou [[section]]"),
    ("Invalid initial character for a key part",
     "nom de clé illisible : une clé s'écrit en lettres sans accent, chiffres, « _ » ou « - », sinon "
     "entre guillemets"),
    ("Expected '=' after a key in a key/value pair", "« = » manquant après le nom de la clé"),
    ("Expected ']]' at the end of an array declaration", "« ]] » manquant à la fin du nom de section"),
    ("Expected ']' at the end of a table declaration", "« ] » manquant à la fin du nom de section"),
    ("Expected newline or end of document after a statement",
     "une seule « clé = valeur » par ligne : passez à la ligne"),
    ("Expected", "caractère attendu manquant (guillemet, crochet ou accolade non fermé ?)"),
    ("Found invalid character", "caractère interdit à cet endroit"),
    ("Unclosed array", "liste non fermée : ajoutez le « ] » final"),
    ("Unclosed inline table", "table non fermée : ajoutez le « } » final"),
    ("Unescaped '\\' in a string",
     "barre oblique inverse « \\ » dans un texte : doublez-la (« \\\\ ») ou utilisez des apostrophes"),
    ("Escaped character is not a Unicode scalar value", "code de caractère \\u… impossible"),
    ("Invalid hex value", "code de caractère \\u… mal écrit"),
    ("Cannot declare", "la même section ou la même clé est déclarée deux fois"),
    ("Cannot overwrite a value", "la même clé reçoit deux valeurs"),
    ("Duplicate inline table key", "la même clé apparaît deux fois entre accolades"),
    ("Cannot mutate immutable namespace", "une valeur déjà définie est redéfinie"),
    ("Cannot redefine namespace", "une section déjà définie est redéfinie"),
    ("An object other than list found behind this key", "cette clé n'est pas une liste de sections [[…]]"),
    ("There is no nest behind this key", "cette clé n'est pas une section"),
]

_POSITION_TOML = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def toml_mal_ecrit(err: Exception, texte: str | None = None) -> tuple[str, int | None, int | None]:
    """(explication, ligne, colonne) d'une ``tomllib.TOMLDecodeError``.

    Python 3.11 ne donne la position que dans le texte anglais « (at line 3, column 7) » ; « (at end of
    document) » est situé à la dernière ligne de ``texte`` quand on l'a.
    """
    brut = str(err)
    m = _POSITION_TOML.search(brut)
    ligne = getattr(err, "lineno", None)
    colonne = getattr(err, "colno", None)
    if m and m.group(1):
        ligne, colonne = ligne or int(m.group(1)), colonne or int(m.group(2))
    elif m and texte is not None:
        ligne = ligne or max(1, len(texte.splitlines()))
    cle = brut[: m.start()] if m else brut
    explication = next((fr for en, fr in _TOML if cle.startswith(en)), None)
    return explication or "syntaxe TOML incorrecte à cet endroit", ligne, colonne


def toml_connu(err: Exception) -> bool:
    brut = _POSITION_TOML.sub("", str(err))
    return any(brut.startswith(en) for en, _ in _TOML)


# --- pydantic ----------------------------------------------------------------------------------------

#: Nom de champ des enregistrements (models/records.py) → nom que l'école lui donne.
LIBELLES: dict[str, str] = {
    "uai": "UAI",
    "nom": "nom",
    "prenom": "prénom",
    "classe": "classe",
    "ine": "INE",
    "sexe": "sexe",
    "date_naissance": "date de naissance",
    "entree": "date d'entrée",
    "sortie": "date de sortie",
    "accompagnement": "accompagnement (ULIS, PAP, PPS)",
    "annee": "année scolaire",
    "debut": "début",
    "fin": "fin",
    "libelle": "libellé",
    "famille": "famille",
    "voie": "voie",
    "coefficient": "coefficient",
    "bareme": "barème",
    "valeur": "note",
    "moyenne": "moyenne",
    "statut": "statut",
    "date": "date",
    "matiere": "matière",
    "devoir": "devoir",
    "periode": "période",
    "motif": "motif",
    "nature": "nature",
    "minutes": "durée du retard (minutes)",
    "demi_journees_brutes": "demi-journées",
    "demi_journees_calculees": "demi-journées calculées",
    "niveau": "niveau",
    "item": "item",
    "domaine": "domaine",
    "competence": "compétence Pix",
    "pix": "nombre de pix",
    "pix_total": "nombre de pix",
    "progression": "progression",
    "date_envoi": "date d'envoi",
    "type_campagne": "type de campagne",
}

#: La forme attendue quand un motif (``pattern``) n'est pas respecté, par nom de champ.
FORMES: dict[str, str] = {
    "uai": "7 chiffres puis une lettre majuscule, par exemple 0750001A",
    "annee": "deux années séparées d'un tiret, par exemple 2025-2026",
    "competence": "domaine et compétence séparés d'un point, par exemple 1.1",
}


def libelle(loc: Iterable[Any], libelles: Mapping[str, str] = LIBELLES) -> str:
    """``("periodes", 0, "debut")`` → « periodes[1].début » ; un champ seul → son nom dans l'école."""
    parties: list[str] = []
    for part in loc:
        if isinstance(part, int) and parties:
            parties[-1] += f"[{part + 1}]"
        else:
            parties.append(libelles.get(str(part), str(part)))
    return ".".join(parties)


def _nombre(x: Any) -> str:
    """Une borne à la française : 20 → « 20 », 0.5 → « 0,5 » (``models.nombres.borne``)."""
    from .nombres import borne

    return borne(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)


def _liste(attendu: str) -> str:
    """« 'F' or 'M' » (texte de pydantic) → « « F » ou « M » »."""
    valeurs = re.findall(r"'([^']*)'", attendu)
    if not valeurs:
        return attendu.replace(" or ", " ou ")
    morceaux = [f"« {v} »" for v in valeurs]
    return morceaux[0] if len(morceaux) == 1 else ", ".join(morceaux[:-1]) + " ou " + morceaux[-1]


def _recu(err: Mapping[str, Any]) -> str:
    v = err.get("input")
    if v is None or isinstance(v, (dict, list, tuple)):
        return ""
    texte = str(v)
    return f"« {texte if len(texte) <= 60 else texte[:60] + '…'} » : "


def explication(err: Mapping[str, Any]) -> str:
    """Une erreur de ``ValidationError.errors()`` en français, sans le nom du champ (voir :func:`erreur`)."""
    t, ctx = err["type"], err.get("ctx") or {}
    champ = str(err["loc"][-1]) if err.get("loc") else ""
    recu = _recu(err)
    bornes = {
        "greater_than_equal": ("doit être au moins", "ge"),
        "greater_than": ("doit être strictement supérieur à", "gt"),
        "less_than_equal": ("doit être au plus", "le"),
        "less_than": ("doit être strictement inférieur à", "lt"),
    }
    if t in bornes:
        texte, cle = bornes[t]
        return f"{recu}{texte} {_nombre(ctx.get(cle, next(iter(ctx.values()), '?')))}"
    if t == "value_error" or t == "assertion_error":
        # nos propres validateurs (models/records.py) lèvent ValueError avec un texte français
        cause = ctx.get("error")
        return str(cause) if cause is not None else "valeur refusée"
    if t == "string_pattern_mismatch":
        forme = FORMES.get(champ)
        return f"{recu}n'a pas la forme attendue" + (f" ({forme})" if forme else "")
    if t == "string_too_long":
        return f"texte trop long (au plus {ctx.get('max_length', '?')} caractères)"
    if t == "string_too_short":
        n = ctx.get("min_length", 1)
        return "ne doit pas être vide" if n == 1 else f"{recu}texte trop court (au moins {n} caractères)"
    if t in ("too_long", "too_short"):
        sens = "au plus" if t == "too_long" else "au moins"
        borne = ctx.get("max_length" if t == "too_long" else "min_length", "?")
        return f"{sens} {borne} élément(s) attendu(s)"
    if t in ("literal_error", "enum"):
        return f"{recu}valeur non admise (valeurs possibles : {_liste(str(ctx.get('expected', '')))})"
    if t == "multiple_of":
        return f"{recu}doit être un multiple de {_nombre(ctx.get('multiple_of', '?'))}"
    simple = _PYDANTIC.get(t)
    if simple:
        return recu + simple
    return f"{recu}valeur refusée (vérifiez ce champ)"


#: Types d'erreur pydantic sans paramètre → explication.
_PYDANTIC: dict[str, str] = {
    "missing": "obligatoire, mais absent",
    "extra_forbidden": "inconnu (faute de frappe ?)",
    "unexpected_keyword_argument": "inconnu (faute de frappe ?)",
    "missing_argument": "obligatoire, mais absent",
    "none_required": "doit rester vide",
    "date_parsing": "n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ attendu)",
    "date_type": "n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ attendu)",
    "date_from_datetime_inexact": "une date sans heure est attendue",
    "date_past": "doit être une date passée",
    "date_future": "doit être une date future",
    "datetime_parsing": "n'est pas une date et une heure (JJ/MM/AAAA HH:MM attendu)",
    "datetime_type": "n'est pas une date et une heure (JJ/MM/AAAA HH:MM attendu)",
    "datetime_from_date_parsing": "n'est pas une date et une heure (JJ/MM/AAAA HH:MM attendu)",
    "time_parsing": "n'est pas une heure (HH:MM attendu)",
    "time_type": "n'est pas une heure (HH:MM attendu)",
    "float_parsing": "n'est pas un nombre (par exemple 12,5)",
    "float_type": "n'est pas un nombre (par exemple 12,5)",
    "finite_number": "n'est pas un nombre fini",
    "int_parsing": "n'est pas un nombre entier",
    "int_type": "n'est pas un nombre entier",
    "int_from_float": "doit être un nombre entier, sans décimales",
    "decimal_parsing": "n'est pas un nombre (par exemple 12,5)",
    "bool_parsing": "doit valoir oui ou non (true ou false)",
    "bool_type": "doit valoir oui ou non (true ou false)",
    "string_type": "doit être un texte",
    "string_unicode": "doit être un texte lisible",
    "dict_type": "doit être une section (table)",
    "model_type": "doit être une section (table)",
    "model_attributes_type": "doit être une section (table)",
    "list_type": "doit être une liste",
    "tuple_type": "doit être une liste",
    "set_type": "doit être une liste",
    "is_instance_of": "n'a pas le type attendu",
    "url_parsing": "n'est pas une adresse web",
    "uuid_parsing": "n'est pas un identifiant valide",
}


def erreur(err: Mapping[str, Any], libelles: Mapping[str, str] = LIBELLES) -> str:
    """« champ « UAI » : « =1+1 » : n'a pas la forme attendue (…) » ; sans champ, l'explication seule."""
    nom = libelle(err.get("loc") or (), libelles)
    texte = explication(err)
    return f"champ « {nom} » : {texte}" if nom else texte


def erreurs(err: Any, libelles: Mapping[str, str] = LIBELLES) -> list[str]:
    """Toutes les erreurs d'une ``pydantic.ValidationError``, chacune en une phrase française."""
    return [erreur(e, libelles) for e in err.errors()]


def pydantic_connu(err: Mapping[str, Any]) -> bool:
    return err["type"] in _PYDANTIC or err["type"] in (
        "greater_than_equal", "greater_than", "less_than_equal", "less_than", "value_error", "assertion_error",
        "string_pattern_mismatch", "string_too_long", "string_too_short", "too_long", "too_short",
        "literal_error", "enum", "multiple_of",
    )


# --- CSV, zip, encodage, exceptions Python -----------------------------------------------------------

#: Début du message de ``csv.Error`` → français.
_CSV: list[tuple[str, str]] = [
    ("field larger than field limit",
     "une cellule est anormalement longue (plus de 131 072 caractères) : un guillemet est sans doute mal "
     "placé, ou ce n'est pas un tableau"),
    ("line contains NUL",
     "le fichier contient des octets nuls : ce n'est pas un texte (fichier binaire, ou export « Texte "
     "Unicode » abîmé)"),
    ("new-line character seen in unquoted field",
     "fin de ligne isolée dans une cellule sans guillemets : réenregistrez le fichier en CSV"),
    ("unexpected end of data", "le fichier se termine au milieu d'une cellule : guillemet non fermé"),
]


def csv_mal_forme(err: csv.Error | Exception) -> str:
    """Le message d'une ``csv.Error`` en français."""
    brut = str(err)
    texte = next((fr for en, fr in _CSV if brut.startswith(en)), None)
    if texte is None and "expected after" in brut:  # « ',' expected after '"' » (mode strict)
        texte = "guillemet mal placé : un texte entre guillemets doit être suivi du séparateur"
    return "CSV mal formé : " + (texte or "guillemet non fermé ou mal placé")


#: Exceptions Python qu'un classeur abîmé provoque → ce qu'elles veulent dire pour l'utilisateur.
_CAUSES: dict[str, str] = {
    "BadZipFile": "l'archive du classeur est abîmée",
    "KeyError": "une partie du classeur manque ou est mal écrite",
    "ValueError": "une valeur du classeur est mal écrite",
    "OSError": "le contenu compressé du classeur est abîmé",
    "EOFError": "le classeur est coupé avant la fin",
    "UnicodeDecodeError": "des caractères du classeur sont illisibles",
    "ExpatError": "le XML interne du classeur est mal formé",
    "SAXParseException": "le XML interne du classeur est mal formé",
    "ParseError": "le XML interne du classeur est mal formé",
}


def cause_classeur(err: BaseException) -> str:
    """Une phrase française sur la cause d'un classeur illisible, sans nom de classe Python."""
    for cls in type(err).__mro__:
        if cls.__name__ in _CAUSES:
            return _CAUSES[cls.__name__]
    return "son contenu n'a pas pu être lu"


def cause_connue(err: BaseException) -> bool:
    return any(cls.__name__ in _CAUSES for cls in type(err).__mro__)


def technique(err: BaseException | str) -> str:
    """Le texte d'origine pour les ``details`` d'un refus imprévu : annoncé comme tel, pour le support."""
    texte = err if isinstance(err, str) else f"{type(err).__name__}: {err}"
    return f"message technique d'origine (pour l'assistance) : {texte}"


#: ``errno`` d'une erreur de lecture → français (``OSError.strerror`` est le texte anglais du système).
_ERRNO: dict[str, str] = {
    "ENOENT": "le fichier est introuvable (déplacé ou supprimé ?)",
    "EACCES": "accès refusé : vous n'avez pas le droit de lire ce fichier",
    "EPERM": "accès refusé : vous n'avez pas le droit de lire ce fichier",
    "EISDIR": "c'est un dossier, pas un fichier",
    "ENOTDIR": "le chemin du fichier est incorrect",
    "EIO": "erreur du disque ou de la clé USB pendant la lecture",
    "ENAMETOOLONG": "le nom du fichier est trop long",
    "EMFILE": "trop de fichiers ouverts : fermez d'autres logiciels et recommencez",
    "EBUSY": "le fichier est utilisé par un autre logiciel : fermez-le et recommencez",
}


def lecture_impossible(err: OSError) -> str:
    """« lecture impossible : accès refusé… » au lieu de « Permission denied »."""
    import errno

    nom = errno.errorcode.get(err.errno or -1, "")
    return "lecture impossible : " + _ERRNO.get(nom, "le système n'a pas pu lire le fichier")


# --- Refus tout faits ---------------------------------------------------------------------------------


def refus_enregistrement(err: Any, *, fichier: Any = None, ligne: int | None = None,
                         colonne: str | int | None = None, quoi: str = "valeur refusée") -> Any:
    """Le refus d'une ``pydantic.ValidationError`` levée en construisant un enregistrement d'un fichier.

    ``quoi`` commence la phrase (« élève refusé ») ; la première erreur fait la raison, les autres (s'il y
    en a) vont en détails, toutes en français.
    """
    from .errors import ImportRejected

    phrases = erreurs(err)
    connus = all(pydantic_connu(e) for e in err.errors())
    details = phrases[1:] + ([] if connus else [technique(str(err))])
    return ImportRejected(f"{quoi} : {phrases[0] if phrases else 'valeur refusée'}", fichier=fichier,
                          ligne=ligne, colonne=colonne, details=details)


def refus_inattendu(err: BaseException, *, fichier: Any = None) -> Any:
    """Le refus d'un import qu'une erreur imprévue (un bogue, une donnée que rien n'attendait) a arrêté.

    Pour ``models/warehouse.py`` (« erreur inattendue pendant l'écriture ») : la phrase est française, le
    texte technique d'origine va en détail pour l'assistance.
    """
    from .errors import ImportRejected

    if type(err).__name__ == "ValidationError" and hasattr(err, "errors"):
        return refus_enregistrement(err, fichier=fichier, quoi="donnée refusée pendant l'écriture")
    return ImportRejected(
        "erreur inattendue pendant l'écriture : l'import est annulé et rien n'a été modifié. Signalez-le "
        "à la personne qui s'occupe de Vigie en joignant ce fichier",
        fichier=fichier, details=[technique(err)],
    )
