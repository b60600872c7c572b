"""``pronote-eleves`` : la liste des élèves exportée de Pronote (Ressources > Élèves > Liste).

Une ligne d'en-tête, une ligne par élève : Nom, Prénoms, Né(e) le, Sexe, Classe, Entrée, Sortie,
Projet d'accompagnement, Options, Régime, et parfois l'INE. Une liste sans colonnes Nom/Prénoms mais avec
une colonne « Élève » (« DUPONT Jean-Marie ») est acceptée : les mots en capitales du début sont le nom.

Protection des données : du « Projet d'accompagnement » on ne garde que le drapeau minimal
(ULIS, PAP, PPS) ; tout autre texte (PAI, diagnostic, aménagements…) est écarté sans être stocké ni
recopié dans un message. Le régime (externe, demi-pensionnaire…) n'est pas repris : aucune analyse ne
s'en sert. Les options (« LATIN - EURO ANGLAIS ») deviennent les groupes de l'élève.

Le niveau et la voie de chaque classe se déduisent de son nom par les règles :data:`REGLES_NIVEAU`
(« 3A » → 3e, « 2 MELEC » → 2nde professionnelle, « TG1 » → Tle générale) ; une colonne « Formation »
ou « MEF » qui dit « PRO » ou « CAP » l'emporte pour la voie. Un nom qu'aucune règle ne reconnaît donne
le niveau « inconnu » et une anomalie dans le rapport d'import.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.annee_scolaire import bornes
from models.errors import ImportRejected, VigieError
from models.messages import refus_enregistrement
from models.records import Accompagnement, Anomalie, Classe, Eleve, Lot

from .common import cle_entete
from .pronote_csv import Ligne, Tableau, est_ligne_total, lire_date, lire_tableau, titre_plat, trouver_colonnes, valeurs
from .options import ANNEE, Option

SOURCE = "pronote-eleves"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS: dict[str, Option] = {
    "annee": ANNEE,
}

#: Colonne → titres possibles (comparés par :func:`connectors.common.cle_entete`).
COLONNES: dict[str, tuple[str, ...]] = {
    "nom": ("Nom", "Nom de l'élève", "Nom élève", "Nom de famille"),
    "prenom": ("Prénoms", "Prénom", "Prénom(s)", "Prénom de l'élève"),
    "eleve": ("Élève", "Élèves", "Nom et prénom", "Nom prénom", "Nom - Prénom"),
    "naissance": ("Né(e) le", "Né le", "Née le", "Date de naissance", "Naissance", "Date naiss."),
    "sexe": ("Sexe", "Genre"),
    "classe": ("Classe", "Division", "Classe de rattachement"),
    "entree": ("Entrée", "Date d'entrée", "Entrée le", "Entré(e) le", "Arrivée"),
    "sortie": ("Sortie", "Date de sortie", "Sortie le", "Sorti(e) le", "Départ"),
    "projet": ("Projet d'accompagnement", "Projets d'accompagnement", "Projet(s) d'accompagnement",
               "Accompagnement", "Accompagnements"),
    "options": ("Options", "Option", "Groupes", "Options suivies"),
    "regime": ("Régime", "Régime de l'élève"),
    "ine": ("INE", "N° INE", "Numéro INE", "Identifiant national", "Identifiant national élève"),
    "formation": ("Formation", "MEF", "Libellé MEF", "Filière"),
}

#: Valeur de la colonne Sexe (après cle_entete) → sexe.
SEXES: dict[str, str] = {
    "f": "F", "fille": "F", "feminin": "F", "femme": "F",
    "m": "M", "g": "M", "garcon": "M", "masculin": "M", "homme": "M",
}

#: Projet d'accompagnement (après cle_entete) → drapeau gardé. Tout le reste est écarté.
DRAPEAUX: dict[str, Accompagnement] = {
    "ulis": "ULIS",
    "dispositifulis": "ULIS",
    "pap": "PAP",
    "planaccompagnementpersonnalise": "PAP",
    "plandaccompagnementpersonnalise": "PAP",
    "pps": "PPS",
    "projetpersonnalisedescolarisation": "PPS",
}

#: Règles de niveau, dans l'ordre : motif sur le nom de classe en minuscules sans accents ni espaces
#: → (niveau, voie). Le groupe « reste » (ce qui suit le niveau) décide ensuite de la voie au lycée.
REGLES_NIVEAU: tuple[tuple[str, str, str], ...] = (
    (r"^ulis", "ULIS", "ulis"),
    (r"^cap(?:2|2e|2eme|deuxiemeannee)(?P<reste>.*)$", "CAP2", "cap"),
    (r"^(?:deuxieme|2eme|2e|2)cap(?P<reste>.*)$", "CAP2", "cap"),
    (r"^(?:terminale|term|tle|t)cap(?P<reste>.*)$", "CAP2", "cap"),
    (r"^(?:premiere|1ere|1re|1)?cap(?:1an|1)?(?P<reste>.*)$", "CAP1", "cap"),
    (r"^(?:sixieme|6eme|6e|6)(?P<reste>.*)$", "6e", "college"),
    (r"^(?:cinquieme|5eme|5e|5)(?P<reste>.*)$", "5e", "college"),
    (r"^(?:quatrieme|4eme|4e|4)(?P<reste>.*)$", "4e", "college"),
    (r"^(?:troisieme|3eme|3e|3)(?P<reste>.*)$", "3e", "college"),
    (r"^(?:seconde|2nde|2de|2nd|2)(?P<reste>.*)$", "2nde", "lycee"),
    (r"^(?:premiere|1ere|1re|1)(?P<reste>.*)$", "1re", "lycee"),
    (r"^(?:terminale|term|tle|t)(?P<reste>.*)$", "Tle", "lycee"),
)

#: Au lycée, un reste de nom de classe « général » : vide, chiffres, une lettre, G/GT et les séries
#: technologiques (voie générale et technologique). Tout autre mot (MELEC, AGORA, MA…) = voie pro.
RESTE_GENERAL = re.compile(
    r"^(?:g|gt|gen|generale?)?\d*[a-z]?$|^[a-z]\d*$"
    r"|^(?:stmg|sti2d|st2s|stl|std2a|s2tmd|sthr|stav)\d*[a-z]?$"
)
#: Mots qui signalent la voie professionnelle quel que soit le reste.
MOTS_PRO = ("pro", "bacpro", "bp")


def niveau_de_classe(nom: str, formation: str = "") -> tuple[str, str] | None:
    """(niveau, voie) déduits du nom de la classe (et de la formation), ou None si aucune règle."""
    cle = cle_entete(nom)
    forme = cle_entete(formation)
    for motif, niveau, voie in REGLES_NIVEAU:
        m = re.match(motif, cle)
        if not m:
            continue
        if voie == "lycee":
            reste = m.group("reste")
            pro = any(mot in forme for mot in MOTS_PRO) or reste.startswith(MOTS_PRO) or not RESTE_GENERAL.match(reste)
            if "cap" in forme:
                return ("CAP1" if niveau == "2nde" else "CAP2"), "cap"
            voie = "professionnel" if pro else "general"
        return niveau, voie
    return None


def separer_nom(nom_complet: str) -> tuple[str, str]:
    """« DUPONT DE LA TOUR Jean-Marie » → (« DUPONT DE LA TOUR », « Jean-Marie ») : Pronote écrit le
    nom en capitales puis les prénoms ; sans capitales, le premier mot est le nom."""
    mots = nom_complet.split()
    i = 0
    while i < len(mots) - 1 and mots[i].upper() == mots[i] and any(c.isalpha() for c in mots[i]):
        i += 1
    i = max(i, 1)
    return " ".join(mots[:i]), " ".join(mots[i:])


def accompagnement(texte: str) -> frozenset[Accompagnement]:
    """Le drapeau minimal tiré du projet d'accompagnement ; tout autre texte est écarté."""
    drapeaux = set()
    for v in valeurs(texte.replace(",", " - ").replace("/", " - ")):
        d = DRAPEAUX.get(cle_entete(v))
        if d:
            drapeaux.add(d)
    return frozenset(drapeaux)


def lire(chemin: Path, *, annee: str | None = None, **options: Any) -> Lot:
    """Lit une liste d'élèves Pronote.

    ``annee`` (« 2024-2025 ») : l'année scolaire que la liste décrit. L'export de Pronote ne la dit pas
    (une base Pronote par année) ; sans elle, l'entrepôt rattache la liste à la dernière année de
    l'établissement et le signale. Chaque année garde ainsi ses classes (vue ``scolarites``)."""
    if options:
        raise ImportRejected(f"option(s) inconnue(s) pour {SOURCE} : {', '.join(options)}", fichier=chemin)
    if annee is not None:
        lue = re.sub(r"\s*[-/]\s*", "-", str(annee).strip())
        try:
            bornes(lue)  # « AAAA-AAAA+1 », la règle de models/annee_scolaire.py
        except VigieError:
            raise ImportRejected(f"année scolaire illisible « {annee} » (attendu par exemple 2024-2025)",
                                 fichier=chemin) from None
        annee = lue
    tableau = lire_tableau(chemin)
    titres = [titre_plat(t) for t in tableau.titres]
    cols = trouver_colonnes(titres, COLONNES, requises=["classe"], fichier=chemin, ligne=tableau.ligne_entete)
    if not ({"nom", "prenom"} <= cols.keys() or "eleve" in cols):
        manque = [c for c in ("nom", "prenom") if c not in cols]
        trouver_colonnes(titres, COLONNES, requises=manque, fichier=chemin, ligne=tableau.ligne_entete)

    eleves: list[Eleve] = []
    classes: dict[str, Classe] = {}
    anomalies: list[Anomalie] = []
    col_nom = cols.get("nom", cols.get("eleve", 0))
    for ligne in tableau.donnees:
        if est_ligne_total(ligne, col_nom):
            continue
        eleve = _eleve(tableau, cols, ligne)
        eleves.append(eleve)
        if eleve.classe not in classes:
            deduit = niveau_de_classe(eleve.classe, ligne.cellule(cols.get("formation")))
            if deduit is None:
                anomalies.append(
                    Anomalie(ligne=ligne.numero, colonne="Classe",
                             message=f"niveau de la classe « {eleve.classe} » non reconnu : noté « inconnu »")
                )
                deduit = ("inconnu", "college")
            classes[eleve.classe] = Classe(nom=eleve.classe, niveau=deduit[0], voie=deduit[1])
    if not eleves:
        raise ImportRejected("aucun élève dans la liste", fichier=chemin, ligne=tableau.ligne_entete + 1,
                             colonne=titres[col_nom] if col_nom < len(titres) else 1)
    return Lot(
        source=SOURCE,
        fichier=chemin,
        lignes_lues=len(tableau.donnees),
        effectif=True,
        annee=annee,
        eleves=eleves,
        classes=list(classes.values()),
        anomalies=anomalies,
    )


def _eleve(tableau: Tableau, cols: dict[str, int], ligne: Ligne) -> Eleve:
    f, n = tableau.fichier, ligne.numero

    def cel(cle: str) -> str:
        return ligne.cellule(cols.get(cle))

    def col(cle: str) -> str:
        return tableau.nom_colonne(cols[cle])

    if "nom" in cols and "prenom" in cols:
        nom, prenom = cel("nom"), cel("prenom")
    else:
        nom, prenom = separer_nom(cel("eleve"))
    for cle, valeur in (("nom", nom), ("prenom", prenom), ("classe", cel("classe"))):
        if not valeur:
            colonne = col(cle) if cle in cols else col("eleve")
            raise ImportRejected(f"{cle.replace('prenom', 'prénom')} vide", fichier=f, ligne=n, colonne=colonne)
    sexe = None
    if "sexe" in cols and cel("sexe"):
        sexe = SEXES.get(cle_entete(cel("sexe")))
        if sexe is None:
            raise ImportRejected(
                f"sexe illisible « {cel('sexe')} » (attendu F, M, Fille ou Garçon)", fichier=f, ligne=n, colonne=col("sexe")
            )
    dates = {
        cle: lire_date(cel(cle), fichier=f, ligne=n, colonne=col(cle)) if cle in cols else None
        for cle in ("naissance", "entree", "sortie")
    }
    groupes = tuple(valeurs(cel("options")))
    try:
        return Eleve(
            nom=nom,
            prenom=prenom,
            classe=cel("classe"),
            ine=cel("ine") or None,
            date_naissance=dates["naissance"],
            sexe=sexe,
            entree=dates["entree"],
            sortie=dates["sortie"],
            accompagnement=accompagnement(cel("projet")),
            groupes=groupes,
            ligne=n,
        )
    except ValidationError as err:  # garde-fou : les champs sont déjà vérifiés un par un
        raise refus_enregistrement(err, fichier=f, ligne=n, colonne=1, quoi="élève invalide") from None
