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

Les familles ordonnent le radar du conseil de classe (général puis professionnel) et nourrissent
l'alerte d'écart entre familles ; les coefficients pondèrent la moyenne générale. Pronote ne les met pas
dans ses exports de notes.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from models.errors import ImportRejected
from models.records import Etablissement, Lot, Matiere, Periode


def lire(chemin: Path, **_: object) -> Lot:
    try:
        brut = chemin.read_bytes()
        donnees = tomllib.loads(brut.decode("utf-8-sig"))
    except OSError as err:
        raise ImportRejected(f"lecture impossible ({err.strerror})", fichier=chemin) from err
    except UnicodeDecodeError as err:
        raise ImportRejected("le fichier doit être en UTF-8", fichier=chemin,
                             ligne=brut[: err.start].count(b"\n") + 1) from err
    except tomllib.TOMLDecodeError as err:
        # Python 3.11 n'a pas encore ``lineno`` / ``colno`` : la position n'est que dans le texte anglais.
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        raise ImportRejected(
            f"TOML invalide ({str(err).split(' (at')[0]})",
            fichier=chemin,
            ligne=getattr(err, "lineno", None) or (int(m.group(1)) if m else None),
            colonne=getattr(err, "colno", None) or (int(m.group(2)) if m else None),
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
    if isinstance(err, ValidationError):
        e = err.errors()[0]
        champ = ".".join(str(x) for x in e["loc"])
        return f"section {ou}, champ « {champ} » invalide : {e['msg']}"
    return f"section {ou} invalide : {err}"
