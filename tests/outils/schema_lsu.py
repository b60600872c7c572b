"""Les exigences du schéma d'import du LSU, réécrites à la main pour vérifier les documents que
``sample_data/ecrire_lsu.py`` produit (aucun validateur XSD dans les dépendances ; le texte du schéma
n'est pas copié dans le dépôt).

Source lue : ``import-bilan-complet.xsd``, copie publique ``tbelliard/gepi``,
``mod_LSUN/xsd/import-bilan-complet.xsd`` — types ``LsunBilans``, ``Entete``, ``Donnees``, ``Eleve``,
``Periode``, ``Discipline``, ``Enseignant``, ``ElementProgramme``, ``BilanPeriodique``, ``Acquis``,
``VieScolaire``, ``BilanCycle``, ``DomaineSocleCycle`` et les types simples (longueurs, motifs, bornes).
Seule la partie que l'écrivain emploie est vérifiée ; un élément qu'elle ne connaît pas est une erreur.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "{urn:fr:edu:scolarite:lsun:bilans:import}"

#: élément → (attributs obligatoires, enfants obligatoires, enfants permis dans l'ordre du schéma).
EXIGENCES: dict[str, tuple[set[str], list[str], list[str]]] = {
    "lsun-bilans": ({"schemaVersion"}, ["entete", "donnees"], ["entete", "donnees"]),
    "entete": (set(), ["editeur", "application", "etablissement"], ["editeur", "application", "etablissement"]),
    "donnees": (set(), ["responsables-etab", "eleves", "enseignants"],
                ["responsables-etab", "eleves", "periodes", "disciplines", "enseignants", "elements-programme",
                 "parcours-communs", "vies-scolaires-communs", "epis", "epis-groupes", "acc-persos",
                 "acc-persos-groupes", "bilans-periodiques", "bilans-cycle"]),
    "responsable-etab": ({"id", "libelle"}, [], []),
    "eleve": ({"id", "id-be", "code-division"}, [], []),
    "periode": ({"id", "millesime", "indice", "nb-periodes"}, [], []),
    "discipline": ({"id", "code", "modalite-election", "libelle"}, [], []),
    "enseignant": ({"id", "type", "id-sts"}, [], []),
    "element-programme": ({"id", "libelle"}, [], []),
    "bilan-periodique": ({"eleve-ref", "periode-ref", "date-conseil-classe", "date-scolarite", "date-verrou",
                          "responsable-etab-ref"}, ["liste-acquis", "acquis-conseils", "vie-scolaire"],
                         ["liste-acquis", "epis-eleve", "acc-persos-eleve", "liste-parcours",
                          "modalites-accompagnement", "acquis-conseils", "vie-scolaire", "socle", "responsables"]),
    "acquis": ({"discipline-ref", "enseignant-refs", "element-programme-refs"}, [], ["appreciation"]),
    "vie-scolaire": ({"nb-retards", "nb-abs-justifiees", "nb-abs-injustifiees"}, [], ["commentaire"]),
    "bilan-cycle": ({"eleve-ref", "cycle", "millesime", "date-creation", "date-verrou", "responsable-etab-ref"},
                    ["socle", "synthese"], ["socle", "synthese", "enseignement-complement", "responsables"]),
    "domaine": ({"code", "positionnement"}, [], []),
    "enseignement-complement": ({"code"}, [], []),
}

#: Types ``xs:all`` : enfants dans n'importe quel ordre.
ORDRE_LIBRE = {"entete"}

#: Listes qui contiennent au moins un élément (``sequence maxOccurs="unbounded"``), et lequel.
LISTES = {"responsables-etab": "responsable-etab", "eleves": "eleve", "periodes": "periode",
          "disciplines": "discipline", "enseignants": "enseignant", "elements-programme": "element-programme",
          "bilans-periodiques": "bilan-periodique", "bilans-cycle": "bilan-cycle", "liste-acquis": "acquis"}

#: Textes (types ChaineN : 1 à N caractères, au moins un non blanc).
TEXTES = {"editeur": 50, "application": 50, "etablissement": 8, "acquis-conseils": 1000, "appreciation": 600, "synthese": 1500,
          "commentaire": 600}

#: (élément, attribut) → motif que la valeur doit suivre entièrement.
MOTIFS = {
    ("eleve", "id-be"): r"[1-9]\d*", ("eleve", "code-division"): r".{1,8}", ("eleve", "nom"): r".{1,100}",
    ("eleve", "prenom"): r".{1,100}", ("periode", "millesime"): r".{4}", ("periode", "indice"): r"-?\d+",
    ("periode", "nb-periodes"): r"-?\d+", ("discipline", "code"): r".{6}",
    ("discipline", "modalite-election"): r"[SOFLRX]", ("discipline", "libelle"): r"(?=.*\S).{1,40}",
    ("enseignant", "type"): r"epp|local", ("enseignant", "id-sts"): r"[1-9]\d*",
    ("element-programme", "libelle"): r"(?=.*\S).{1,300}",
    ("acquis", "moyenne-eleve"): r".{1,8}", ("acquis", "moyenne-structure"): r".{1,8}",
    ("acquis", "positionnement"): r"[1-4]", ("acquis", "eleve-non-note"): r"true|false|1|0",
    ("acquis", "structure-non-notee"): r"true|false|1|0",
    ("vie-scolaire", "nb-retards"): r"\d+", ("vie-scolaire", "nb-abs-justifiees"): r"\d+",
    ("vie-scolaire", "nb-abs-injustifiees"): r"\d+", ("vie-scolaire", "nb-heures-manquees"): r"\d+",
    ("bilan-periodique", "date-conseil-classe"): r"\d{4}-\d{2}-\d{2}",
    ("bilan-periodique", "date-scolarite"): r"\d{4}-\d{2}-\d{2}",
    ("bilan-periodique", "date-verrou"): r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?",
    ("bilan-cycle", "cycle"): r"[34]", ("bilan-cycle", "millesime"): r".{4}",
    ("bilan-cycle", "date-creation"): r"\d{4}-\d{2}-\d{2}",
    ("bilan-cycle", "date-verrou"): r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?",
    ("domaine", "code"): r"CPD_FRA|CPD_ETR|CPD_SCI|CPD_ART|MET_APP|FRM_CIT|SYS_NAT|REP_MND",
    ("domaine", "positionnement"): r"[0-4]",
}

#: Attributs qui renvoient à des identifiants déclarés (xs:IDREF, xs:IDREFS).
REFERENCES = {"eleve-ref", "periode-ref", "responsable-etab-ref", "discipline-ref", "enseignant-refs",
              "element-programme-refs", "prof-princ-refs"}


def erreurs(chemin: Path) -> list[str]:
    """Les écarts du document au schéma (liste vide : conforme pour ce qui est vérifié)."""
    racine = ET.parse(chemin).getroot()
    res: list[str] = []
    ids: dict[str, int] = {}
    for el in racine.iter():
        if (i := el.get("id")) is not None:
            ids[i] = ids.get(i, 0) + 1
    res += [f"identifiant « {i} » déclaré {n} fois" for i, n in ids.items() if n > 1]
    if racine.tag != NS + "lsun-bilans":
        return [*res, f"racine {racine.tag}"]
    if not re.fullmatch(r"\d{7}[A-Z]", racine.findtext(f"{NS}entete/{NS}etablissement") or ""):
        res.append("UAI de l'en-tête")
    for el in racine.iter():
        nom = el.tag.removeprefix(NS)
        enfants = [e.tag.removeprefix(NS) for e in el]
        if nom in EXIGENCES:
            attributs, obligatoires, permis = EXIGENCES[nom]
            res += [f"<{nom}> sans @{a}" for a in sorted(attributs - set(el.attrib))]
            res += [f"<{nom}> sans <{e}>" for e in obligatoires if e not in enfants]
            res += [f"<{e}> interdit dans <{nom}>" for e in enfants if e not in permis]
            rangs = [permis.index(e) for e in enfants if e in permis]
            if rangs != sorted(rangs) and nom not in ORDRE_LIBRE:
                res.append(f"enfants de <{nom}> hors de l'ordre du schéma : {enfants}")
        elif nom in LISTES:
            if not enfants or set(enfants) != {LISTES[nom]}:
                res.append(f"<{nom}> : au moins un <{LISTES[nom]}> et rien d'autre attendu, {enfants} trouvés")
        elif nom == "socle":
            if len(enfants) != 8 or set(enfants) != {"domaine"}:
                res.append(f"<socle> : 8 <domaine> attendus, {len(enfants)} trouvés")
        elif nom in TEXTES:
            texte = el.text or ""
            if not texte.strip() or len(texte) > TEXTES[nom]:
                res.append(f"<{nom}> : texte de 1 à {TEXTES[nom]} caractères attendu")
        else:
            res.append(f"<{nom}> inconnu de cette vérification")
        for attribut, valeur in el.attrib.items():
            motif = MOTIFS.get((nom, attribut))
            if motif and not re.fullmatch(motif, valeur):
                res.append(f"<{nom} {attribut}=« {valeur} »> ne suit pas le schéma")
            if attribut in REFERENCES:
                res += [f"<{nom} {attribut}> : « {v} » non déclaré" for v in valeur.split() if v not in ids]
                if not valeur.split():
                    res.append(f"<{nom} {attribut}> vide")
    return res
