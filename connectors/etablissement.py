"""``etablissement`` : la description de l'établissement (UAI, nom, périodes), un petit fichier TOML.

Pronote ne met pas les dates des trimestres dans ses exports de notes ; l'entrepôt les lit ici pour
rattacher chaque devoir à sa période. Exemple ::

    [etablissement]
    uai = "0750001A"
    nom = "Cité scolaire Jean Moulin"

    [[periodes]]
    nom = "Trimestre 1"
    annee = "2025-2026"
    debut = 2025-09-01
    fin = 2025-11-30

    [[matieres]]                     # facultatif : famille et coefficient de chaque service
    libelle = "ENSEIGNEMENT PROFESSIONNEL"
    famille = "professionnel"        # general, professionnel ou option
    coefficient = 4
    codes = ["ENS. PRO", "EP"]       # codes et libellés courts des exports (tableau des résultats)

Les ``codes`` rattachent à ce service les codes courts qu'écrivent certains exports (« MATHS », « HI-GE »,
« AGL1 ECRIT ») : sans eux, un tableau des résultats qui les emploie est refusé plutôt que de créer des
matières en double. Les familles ordonnent le radar du conseil de classe (général puis professionnel) et nourrissent
l'alerte d'écart entre familles ; les coefficients pondèrent la moyenne générale. Pronote ne les met pas
dans ses exports de notes.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from models.errors import ImportRejected
from models.messages import explication, lecture_impossible, technique, toml_connu, toml_mal_ecrit
from models.records import Etablissement, Lot, Matiere, Periode

from .options import Option

#: Options acceptées (connectors/options.py) : aucune, le fichier dit tout.
OPTIONS: dict[str, Option] = {}


def lire(chemin: Path, **_: object) -> Lot:
    try:
        brut = chemin.read_bytes()
        texte = brut.decode("utf-8-sig")
        donnees = tomllib.loads(texte)
    except OSError as err:
        raise ImportRejected(lecture_impossible(err), fichier=chemin) from err
    except UnicodeDecodeError as err:
        raise ImportRejected("le fichier doit être en UTF-8 : réenregistrez-le en UTF-8 dans votre éditeur",
                             fichier=chemin, ligne=brut[: err.start].count(b"\n") + 1) from err
    except tomllib.TOMLDecodeError as err:
        explication, ligne, colonne = toml_mal_ecrit(err, texte)
        raise ImportRejected(
            f"TOML invalide : {explication}. Corrigez cette ligne puis relancez l'import",
            fichier=chemin, ligne=ligne, colonne=colonne,
            details=[] if toml_connu(err) else [technique(err)],
        ) from err
    for section, forme in (("etablissement", dict), ("periodes", list), ("matieres", list)):
        # « periodes = 3 » ou « etablissement = "x" » : du TOML valide, mais pas la forme attendue
        if not isinstance(donnees.get(section, forme()), forme):
            attendu = "une section [etablissement]" if forme is dict else f"des sections [[{section}]]"
            raise ImportRejected(f"« {section} » doit être {attendu}", fichier=chemin, colonne=section)
    try:
        etab = Etablissement(**donnees.get("etablissement", {}))
    except ValidationError as err:
        raise ImportRejected(_message(err, "etablissement"), fichier=chemin, colonne="etablissement") from err
    periodes = []
    for i, p in enumerate(donnees.get("periodes", []), start=1):
        try:
            periodes.append(Periode(**p))
        except (ValidationError, TypeError) as err:
            raise ImportRejected(
                _message(err, f"periodes n°{i}"), fichier=chemin, colonne=f"periodes[{i}]"
            ) from err
    if not periodes:
        raise ImportRejected("aucune période décrite (section [[periodes]])", fichier=chemin)
    matieres = []
    for i, m in enumerate(donnees.get("matieres", []), start=1):
        try:
            matieres.append(Matiere(**m))
        except (ValidationError, TypeError) as err:
            raise ImportRejected(
                _message(err, f"matieres n°{i}"), fichier=chemin, colonne=f"matieres[{i}]"
            ) from err
    return Lot(source="etablissement", fichier=chemin, lignes_lues=1 + len(periodes) + len(matieres),
               etablissement=etab, periodes=periodes, matieres=matieres)


def _message(err: Exception, ou: str) -> str:
    """« section etablissement, champ « uai » invalide : « =1+1 » : n'a pas la forme attendue (…) ».

    Le champ garde son nom de clé TOML (c'est ce que la personne doit chercher dans son fichier).
    """
    if isinstance(err, ValidationError):
        e = err.errors()[0]
        champ = ".".join(str(x) for x in e["loc"])
        if not champ:  # un validateur de l'ensemble (la fin avant le début) : pas de champ à nommer
            return f"section {ou} invalide : {explication(e)}"
        if e["type"] == "missing":
            return f"section {ou}, champ « {champ} » invalide : il manque (ajoutez une ligne {champ} = …)"
        return f"section {ou}, champ « {champ} » invalide : {explication(e)}"
    # TypeError : « [[periodes]] » qui n'est pas une table (periodes = [1, 2])
    return f"section {ou} invalide : chaque élément doit être une section de clés (nom = …, debut = …)"
