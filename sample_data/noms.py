"""Noms et prénoms de l'école synthétique, et la façon dont les élèves tapent le leur dans Pix.

Les listes mêlent les noms que l'on croise dans une cité scolaire : accents (« LEFÈVRE »), apostrophes
(« N'DIAYE »), noms composés (« MARTIN-DUBOIS »), prénoms composés (« Jean-Baptiste ») et prénoms
multiples. C'est exactement ce qui met à l'épreuve le rapprochement des élèves entre sources.
"""

from __future__ import annotations

import random
import unicodedata

NOMS: tuple[str, ...] = (
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
    "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
    "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFEBVRE", "FAURE",
    "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER", "FRANÇOIS", "LEGRAND",
    "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLÉMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
    "GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOËL", "MEYER",
    "DUFOUR", "MEUNIER", "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE", "LUCAS", "BRUNET", "GAILLARD",
    "BARBIER", "ARNAUD", "MARTINEZ", "GÉRARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN",
    "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX",
    "OLIVIER", "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOÎT", "REY", "LECLERCQ", "PAYET", "ROLLAND",
    "LECLERC", "GUILLAUME", "LECOMTE", "LOPEZ", "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER", "CARPENTIER",
    "SANCHEZ", "DUPUIS", "MOULIN", "LOUIS", "DESCHAMPS", "HUET", "VASSEUR", "PEREZ", "BOUCHER", "FLEURY",
    "ROYER", "KLEIN", "JACQUET", "ADAM", "PARIS", "POIRIER", "MARTY", "AUBRY", "GUYOT", "CARRÉ", "CHARLES",
    "RENAULT", "CHARPENTIER", "MÉNARD", "MAILLARD", "BARON", "BERTIN", "BAILLY", "HERVÉ", "SCHNEIDER",
    "FERNANDEZ", "LE GALL", "COLLET", "LÉGER", "BOUVIER", "JULIEN", "PRÉVOST", "MILLET", "PERROT", "DANIEL",
    "LE ROUX", "COUSIN", "GERMAIN", "BRETON", "BESSON", "LANGLOIS", "RÉMY", "LE GOFF", "PELLETIER", "LÉVÊQUE",
    "PERRIER", "LEBLANC", "BARRÉ", "LEBRUN", "MARCHAL", "WEBER", "MALLET", "HAMON", "BOULANGER", "JACOB",
    "MONNIER", "MICHAUD", "RODRIGUEZ", "GUICHARD", "GILLET", "ÉTIENNE", "GRONDIN", "POULAIN", "TESSIER",
    "CHEVALLIER", "COLLIN", "CHAUVIN", "DA SILVA", "BOUCHET", "GAY", "LEMAÎTRE", "BÉNARD", "MARÉCHAL",
    "HUMBERT", "REYNAUD", "ANTOINE", "HOARAU", "PERRET", "BARTHÉLEMY", "CORDIER", "PICHON", "LEJEUNE",
    "GILBERT", "LAMY", "DELAUNAY", "PASQUIER", "CARLIER", "LAPORTE", "N'DIAYE", "DIALLO", "TRAORÉ",
    "KONATÉ", "CISSÉ", "COULIBALY", "BA", "SYLLA", "DIOP", "FOFANA", "BENALI", "BENSAÏD", "BOUAZIZ",
    "HADDAD", "MANSOURI", "BELKACEM", "CHÉRIF", "AMRANI", "EL AMRANI", "NGUYEN", "TRAN", "PHAM", "LY",
    "YILMAZ", "KAYA", "DOS SANTOS", "PEREIRA", "FERREIRA", "RODRIGUES", "OLIVEIRA", "D'ALMEIDA",
    "MARTIN-DUBOIS", "LEFÈVRE-DURAND", "SAINT-MARTIN", "DE OLIVEIRA", "O'NEILL", "KOWALSKI", "ROSSI",
)

PRENOMS_F: tuple[str, ...] = (
    "Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léa", "Rose", "Anna", "Mila", "Inès", "Ambre",
    "Julia", "Mia", "Léna", "Manon", "Juliette", "Lou", "Zoé", "Camille", "Agathe", "Sarah", "Éva", "Nina",
    "Romane", "Jeanne", "Inaya", "Louna", "Clémence", "Lucie", "Margaux", "Océane", "Maëlys", "Héloïse",
    "Aïssa", "Fatoumata", "Yasmine", "Nour", "Aya", "Maryam", "Salomé", "Noémie", "Anaïs", "Élise",
    "Marie-Lou", "Anne-Sophie", "Lily-Rose", "Capucine", "Charlotte", "Emy", "Lilou", "Victoire", "Assia",
    "Kenza", "Amira", "Myriam", "Thi Lan", "Sofia", "Giulia", "Maëva", "Laura", "Justine", "Pauline",
)

PRENOMS_M: tuple[str, ...] = (
    "Gabriel", "Léo", "Raphaël", "Louis", "Arthur", "Jules", "Maël", "Adam", "Lucas", "Hugo", "Paul",
    "Noah", "Sacha", "Gabin", "Aaron", "Mohamed", "Éthan", "Tom", "Nathan", "Théo", "Timéo", "Enzo",
    "Mathis", "Noé", "Axel", "Clément", "Baptiste", "Maxime", "Antoine", "Thomas", "Quentin", "Kylian",
    "Rayan", "Yanis", "Ilyes", "Amine", "Mamadou", "Moussa", "Ibrahim", "Issa", "Karim", "Youssef",
    "Jean-Baptiste", "Jean-Marie", "Pierre-Louis", "Marc-Antoine", "Loïc", "Anaël", "Joël", "Benoît",
    "Célestin", "Élie", "Gaël", "Mathéo", "Nolan", "Evan", "Valentin", "Bastien", "Corentin", "Killian",
    "Duc Anh", "Mehmet", "Diego", "Rafael", "Luca", "Matteo", "Alexandre", "Victor", "Samuel", "Martin",
)


def prenoms(rng: random.Random, sexe: str) -> str:
    """Un prénom, parfois suivi d'un second (Pronote écrit tous les prénoms de l'état civil)."""
    liste = PRENOMS_F if sexe == "F" else PRENOMS_M
    premier = rng.choice(liste)
    if rng.random() < 0.08:
        second = rng.choice(liste)
        if second != premier:
            return f"{premier} {second}"
    return premier


def nom(rng: random.Random) -> str:
    return rng.choice(NOMS)


def sans_accents(texte: str) -> str:
    t = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in t if not unicodedata.combining(c))


def tape_par_eleve(rng: random.Random, nom: str, prenom: str, *, faute: bool) -> tuple[str, str]:
    """Nom et prénom tels qu'un élève les tape dans Pix : minuscules, sans accents, parfois inversés,
    premier prénom seulement, et de loin en loin une petite faute de frappe."""
    n = sans_accents(nom).lower()
    p = sans_accents(prenom.split(" ")[0]).lower()
    if "-" in p and rng.random() < 0.4:
        p = p.replace("-", " ")
    if "'" in n and rng.random() < 0.5:
        n = n.replace("'", "")
    if faute:
        n = _faute(rng, n)
    if rng.random() < 0.15:  # l'élève a mis son prénom dans la case du nom
        return p, n
    return n, p


def _faute(rng: random.Random, mot: str) -> str:
    """Une lettre doublée, oubliée ou inversée avec sa voisine, au milieu du mot."""
    lettres = [i for i in range(1, len(mot) - 1) if mot[i].isalpha()]
    if not lettres:
        return mot
    i = rng.choice(lettres)
    genre = rng.randrange(3)
    if genre == 0:
        return mot[:i] + mot[i] + mot[i:]
    if genre == 1:
        return mot[:i] + mot[i + 1 :]
    if mot[i + 1].isalpha():
        return mot[:i] + mot[i + 1] + mot[i] + mot[i + 2 :]
    return mot[:i] + mot[i] + mot[i:]
