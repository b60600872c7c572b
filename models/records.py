"""Les enregistrements canoniques : ce que chaque connecteur remet à l'entrepôt.

Un connecteur lit un fichier, le valide et produit un :class:`Lot` de ces enregistrements. Les élèves y
sont désignés par une :class:`RefEleve` (nom, prénom, classe tels que la source les écrit) ; l'entrepôt les
rapproche des élèves connus (voir ``models/matching.py``).

Les statuts sont des mots français en minuscules, sans accents, listés dans le README.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Literal, overload

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from .nombres import borne


# --- Clé des noms -------------------------------------------------------------------------------------
# La clé qui compare les noms d'une source à l'autre : l'identifiant d'un élève (Eleve.eleve_id) et le
# rapprochement (models/matching.py) en dépendent, elle vit donc ici, sous les deux.

_SEPARATEURS = re.compile(r"[\s\-‐‑–—.,_]+")
#: Les apostrophes soudent (« N'DIAYE » → « ndiaye ») : les élèves qui tapent leur nom dans Pix écrivent
#: « ndiaye » ou « n'diaye », rarement « n diaye ».
_APOSTROPHES = re.compile(r"['’ʼ`´]")


@functools.lru_cache(maxsize=65536)
def cle_nom(texte: str | None) -> str:
    """« Lefèvre-D’Almeida » → « lefevre dalmeida » : minuscules, sans accents ni ponctuation."""
    if not texte:
        return ""
    t = unicodedata.normalize("NFKD", texte)
    t = "".join(c for c in t if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")
    t = _APOSTROPHES.sub("", t.replace("Œ", "oe").replace("Æ", "ae").lower())
    return " ".join(p for p in _SEPARATEURS.split(t) if p)


def cle_classe(classe: str | None) -> str:
    """« 3e A », « 3EA », « 3 A » → « 3ea » : les classes s'écrivent aussi de plusieurs façons."""
    return re.sub(r"[^0-9a-z]", "", cle_nom(classe)) if classe else ""


# --- Enregistrements ----------------------------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


# --- Valeurs contrôlées ------------------------------------------------------------------------------


class StatutNote(StrEnum):
    """Statut d'une note, gardé à part de sa valeur (une note « Abs » n'est pas un 0)."""

    NOTE = "note"
    ABSENT = "absent"
    DISPENSE = "dispense"
    NON_NOTE = "non_note"
    INAPTE = "inapte"
    NON_RENDU = "non_rendu"
    ABSENT_ZERO = "absent_zero"  # « Abs* » : absent, compté 0
    NON_RENDU_ZERO = "non_rendu_zero"  # « N.Rdu* » : non rendu, compté 0
    NON_CONCERNE = "non_concerne"  # « X » dans Pronote : l'élève n'est pas concerné par ce devoir


#: Statuts comptés 0 dans la moyenne ; les autres statuts (hors ``note``) sont écartés du calcul.
STATUTS_COMPTES_ZERO = frozenset({StatutNote.ABSENT_ZERO, StatutNote.NON_RENDU_ZERO})


class StatutAbsence(StrEnum):
    JUSTIFIEE = "justifiee"
    NON_JUSTIFIEE = "non_justifiee"
    EN_ATTENTE = "en_attente"  # justificatif attendu : ne compte pas comme non justifiée


class StatutCompetence(StrEnum):
    EVALUE = "evalue"
    ABSENT = "absent"
    DISPENSE = "dispense"
    NON_EVALUE = "non_evalue"


#: Ce que le réglage des niveaux d'un établissement peut donner à un libellé au lieu d'un niveau 1–4 :
#: un statut (« Dsp=dispensé »). Clés comparées sans casse, accents, espaces ni ponctuation.
NOMS_STATUTS_COMPETENCE: dict[str, StatutCompetence] = {
    "absent": StatutCompetence.ABSENT,
    "dispense": StatutCompetence.DISPENSE,
    "nonevalue": StatutCompetence.NON_EVALUE,
}


class Famille(StrEnum):
    """Famille de matière : le radar du conseil ordonne général puis professionnel."""

    GENERAL = "general"
    PROFESSIONNEL = "professionnel"
    OPTION = "option"


Accompagnement = Literal["ULIS", "PAP", "PPS"]

#: Les 8 composantes du socle commun (LSU, « bilans de cycle »).
COMPOSANTES_SOCLE: dict[str, str] = {
    "CPD_FRA": "Comprendre, s'exprimer en utilisant la langue française à l'oral et à l'écrit",
    "CPD_ETR": "Comprendre, s'exprimer en utilisant une langue étrangère et, le cas échéant, une langue régionale",
    "CPD_SCI": "Comprendre, s'exprimer en utilisant les langages mathématiques, scientifiques et informatiques",
    "CPD_ART": "Comprendre, s'exprimer en utilisant les langages des arts et du corps",
    "MET_APP": "Les méthodes et outils pour apprendre",
    "FRM_CIT": "La formation de la personne et du citoyen",
    "SYS_NAT": "Les systèmes naturels et les systèmes techniques",
    "REP_MND": "Les représentations du monde et l'activité humaine",
}

#: L'échelle de maîtrise 1–4 du socle commun.
NIVEAUX_MAITRISE: dict[int, str] = {
    1: "Maîtrise insuffisante",
    2: "Maîtrise fragile",
    3: "Maîtrise satisfaisante",
    4: "Très bonne maîtrise",
}

#: Les 16 compétences du référentiel Pix (cadre CRCN).
COMPETENCES_PIX: dict[str, str] = {
    "1.1": "Mener une recherche et une veille d'information",
    "1.2": "Gérer des données",
    "1.3": "Traiter des données",
    "2.1": "Interagir",
    "2.2": "Partager et publier",
    "2.3": "Collaborer",
    "2.4": "S'insérer dans le monde numérique",
    "3.1": "Développer des documents textuels",
    "3.2": "Développer des documents multimedia",
    "3.3": "Adapter les documents à leur finalité",
    "3.4": "Programmer",
    "4.1": "Sécuriser l'environnement numérique",
    "4.2": "Protéger les données personnelles et la vie privée",
    "4.3": "Protéger la santé, le bien-être et l'environnement",
    "5.1": "Résoudre des problèmes techniques",
    "5.2": "Construire un environnement numérique",
}

NIVEAUX_CLASSE = ("6e", "5e", "4e", "3e", "2nde", "1re", "Tle", "CAP1", "CAP2", "ULIS")


def rang_classe(nom: str) -> tuple[int, str]:
    """Clé de tri d'un niveau ou d'une classe dans l'ordre des établissements : 6e → 3e, 2nde → Tle,
    puis CAP, puis le reste (ULIS, noms inconnus) ; à niveau égal, le nom. « 3A » < « 2 MELEC » < « 1 MELEC »
    < « T MELEC » < « CAP1 » ; « 10A » n'est pas une 1re (le chiffre doit être seul en tête)."""
    t = nom.strip().upper()
    motifs = (r"6", r"5", r"4", r"3", r"2|2NDE|SECONDE", r"1|1RE|1ERE|PREMI[EÈ]RE", r"T|TLE|TERM\w*")
    for rang, motif in enumerate(motifs):
        if re.match(rf"(?:{motif})(?!\d)", t) and not t.startswith("CAP"):
            return (rang, nom)
    if t.startswith("CAP"):
        return (len(motifs), nom)
    return (len(motifs) + 1, nom)


# --- Structure de l'établissement --------------------------------------------------------------------


class Etablissement(_Record):
    uai: str = Field(pattern=r"^\d{7}[A-Z]$")
    nom: str


class Periode(_Record):
    """Un trimestre ou un semestre ; ``nom`` est le libellé Pronote (« Trimestre 1 »)."""

    nom: str
    annee: str = Field(pattern=r"^\d{4}-\d{4}$")
    debut: dt.date
    fin: dt.date

    @model_validator(mode="after")
    def _ordre(self) -> "Periode":
        if self.fin < self.debut:
            raise ValueError("la fin de la période précède son début")
        return self


class Classe(_Record):
    """Une division (« 3A », « 2 MELEC ») et son niveau."""

    nom: str
    niveau: str
    voie: Literal["college", "general", "professionnel", "cap", "ulis"] = "college"


class Groupe(_Record):
    nom: str
    classe: str | None = None


class Matiere(_Record):
    """Un service ; ``libelle`` tel que Pronote l'écrit (``ANGLAIS LV1 > Expression écrite``)."""

    libelle: str
    famille: Famille = Famille.GENERAL
    coefficient: float = Field(default=1.0, ge=0, le=99)
    #: Codes et libellés courts sous lesquels des exports désignent ce service (« MATHS », « HI-GE »,
    #: « AGL1 ECRIT ») : déclarés dans etablissement.toml, ils rattachent ces exports à ce service.
    codes: tuple[str, ...] = ()

    @property
    def service(self) -> str:
        """Le service parent : un sous-service se rattache à son service pour la moyenne."""
        return self.libelle.split(">")[0].strip()


# --- Élèves -------------------------------------------------------------------------------------------


class RefEleve(_Record):
    """Un élève tel qu'une source le désigne, avant rapprochement.

    ``nom_complet`` sert quand la source ne sépare pas nom et prénom (« DUPONT Jean »).
    """

    nom: str | None = None
    prenom: str | None = None
    nom_complet: str | None = None
    classe: str | None = None
    ine: str | None = None
    #: L'INE a été tapé par l'élève (« identifiant externe » de Pix) : le nom et la classe l'emportent
    #: sur lui. Sans ce drapeau, l'INE vient du registre de l'établissement (SIECLE, via Pronote ou LSU)
    #: et fait foi.
    ine_saisi: bool = False
    date_naissance: dt.date | None = None
    ligne: int | None = None  # ligne du fichier source, pour les rapports

    @model_validator(mode="after")
    def _nomme(self) -> "RefEleve":
        if not (self.ine or self.nom_complet or self.nom):
            raise ValueError("un élève doit être désigné par un INE ou un nom")
        return self

    def libelle(self) -> str:
        nom = self.nom_complet or " ".join(p for p in (self.nom, self.prenom) if p)
        return f"{nom} ({self.classe})" if self.classe else nom


class Eleve(_Record):
    """Un élève de l'effectif. ``accompagnement`` est un simple drapeau, jamais un diagnostic."""

    nom: str
    prenom: str
    classe: str
    ine: str | None = None
    date_naissance: dt.date | None = None
    sexe: Literal["F", "M"] | None = None
    entree: dt.date | None = None
    sortie: dt.date | None = None
    accompagnement: frozenset[Accompagnement] = frozenset()
    groupes: tuple[str, ...] = ()
    ligne: int | None = None

    @field_validator("nom", "prenom", "classe")
    @classmethod
    def _non_vide(cls, v: str) -> str:
        if not v:
            raise ValueError("valeur vide")
        return v

    def eleve_id(self) -> str:
        """Identifiant interne stable : l'INE s'il est connu, sinon une empreinte nom/prénom/naissance."""
        if self.ine:
            return self.ine.upper()

        base = f"{cle_nom(self.nom)}|{cle_nom(self.prenom)}|{self.date_naissance or ''}"
        return "V" + hashlib.sha1(base.encode()).hexdigest()[:11].upper()


# --- Notes --------------------------------------------------------------------------------------------


#: Ce que vaut « ramener la note sur 20 » quand rien ne le dit (export CSV qui ne l'écrit pas, champ
#: ``estRamenerSur20`` absent de la réponse de Pronote) : **non**, la case que le professeur coche dans
#: Pronote n'étant pas cochée d'elle-même. C'est aussi le défaut de pronotepy (``Grade.is_out_of_20``,
#: ``pronotepy/dataClasses.py`` : ``default=False``) et ce que montre une vraie réponse ``DernieresNotes``
#: d'un lycée (11 devoirs sur 12 à ``false``, dont un devoir sur 10). Un devoir non ramené pèse son barème
#: dans la moyenne (models/moyennes.py) ; sur 20, les deux calculs donnent le même résultat. Le même
#: défaut vaut pour le connecteur en direct et pour les exports (option ``ramener_sur_20`` de
#: ``pronote-notes`` pour dire le contraire).
RAMENER_SUR_20_PAR_DEFAUT = False


class Devoir(_Record):
    """Un devoir d'un service pour une classe (ou un groupe) et une période."""

    classe: str
    matiere: str
    date: dt.date
    #: L'identité du service dans la source (identifiant de service Pronote) ; ``matiere`` reste son
    #: libellé, pour l'affichage. Deux sous-services de même libellé restent deux services.
    service_source: str = ""
    periode: str | None = None  # vide : l'entrepôt la déduit de la date (périodes de l'établissement)
    titre: str = ""
    bareme: float = Field(default=20, ge=1, le=99)
    coefficient: float = Field(default=1, ge=0, le=99)
    ramener_sur_20: bool = RAMENER_SUR_20_PAR_DEFAUT
    bonus: bool = False
    facultatif: bool = False
    commentaire: str | None = None
    rang: int = 0  # distingue deux devoirs du même jour et du même titre

    def devoir_id(self, periode_du_calendrier: str | None = None) -> str:
        """L'identité du devoir (« D » + 15 chiffres hexadécimaux), stable d'un import à l'autre.

        Elle est faite de la période où le devoir est rangé : ``periode`` si la source la donne (option
        ``periode``, API), sinon ``periode_du_calendrier``, celle que le calendrier de l'établissement
        donne à ``date`` (l'entrepôt la passe). Le même export importé avec ou sans ``--periode`` désigne
        donc les mêmes devoirs : réimporter ne change rien."""
        parts = (self.classe, self.matiere, self.periode or periode_du_calendrier, self.date, self.titre, self.rang)
        # Sans identité de service, l'identifiant reste celui d'avant (réimporter ne change rien).
        base = "|".join(map(str, parts + ((self.service_source,) if self.service_source else ())))
        return "D" + hashlib.sha1(base.encode()).hexdigest()[:15].upper()


class Note(_Record):
    eleve: RefEleve
    devoir: Devoir
    valeur: float | None = None
    statut: StatutNote = StatutNote.NOTE

    @model_validator(mode="after")
    def _coherence(self) -> "Note":
        if self.statut == StatutNote.NOTE:
            if self.valeur is None:
                raise ValueError("une note « notée » doit avoir une valeur")
            if not 0 <= self.valeur <= self.devoir.bareme:
                raise ValueError(
                    f"la note {borne(self.valeur)} sort du barème 0–{borne(self.devoir.bareme)}"
                )
        elif self.valeur is not None:
            raise ValueError(f"une note de statut « {self.statut} » n'a pas de valeur")
        return self


class NotesLues(Sequence[Note]):
    """Les notes d'un export de la page Notes, en colonnes : des milliers de notes pour quelques dizaines
    d'élèves et de devoirs.

    Un :class:`Note` par note coûte 3 µs de validation pydantic, autant que tout le reste de l'import ; ici
    chaque élève désigné et chaque devoir est un enregistrement validé, une fois, et les notes sont quatre
    colonnes (indice d'élève, indice de devoir, valeur, statut) vérifiées **en bloc à la construction** par
    les mêmes règles que :class:`Note` (une note « notée » a une valeur dans le barème de son devoir, les
    autres statuts n'en ont pas). Se lit comme une liste de :class:`Note` (``len``, indice, itération),
    construites à la demande.
    """

    __slots__ = ("eleves", "devoirs", "eleve", "devoir", "valeur", "statut")

    def __init__(
        self,
        eleves: Sequence[RefEleve],
        devoirs: Sequence[Devoir],
        eleve: Sequence[int],
        devoir: Sequence[int],
        valeur: Sequence[float | None],
        statut: Sequence[StatutNote],
        *,
        valeurs_lues: bool = False,
    ) -> None:
        """``valeurs_lues`` : chaque (valeur, statut) vient de :func:`connectors.pronote_csv.lire_note`
        appelée avec le barème de son devoir (le lecteur ensembliste de ``pronote_notes``, qui refuse déjà,
        situées, les valeurs hors barème) ; la règle de :class:`Note` n'est alors pas revérifiée note à note
        (un quart de seconde pour l'année d'un lycée). Formes et indices le sont toujours."""
        self.eleves, self.devoirs = tuple(eleves), tuple(devoirs)
        self.eleve, self.devoir = list(eleve), list(devoir)
        try:  # un StatutNote est aussi sa valeur : « note » ou StatutNote.NOTE donnent le membre
            self.valeur, self.statut = list(valeur), [_STATUTS[s] for s in statut]
        except KeyError as err:
            raise ValueError(f"statut de note inconnu : {err.args[0]!r}") from None
        n = len(self.eleve)
        if not len(self.devoir) == len(self.valeur) == len(self.statut) == n:
            raise ValueError("colonnes de notes de longueurs différentes")
        if n and not (0 <= min(self.eleve) and max(self.eleve) < len(self.eleves)
                      and 0 <= min(self.devoir) and max(self.devoir) < len(self.devoirs)):
            raise ValueError("note rattachée à un élève ou un devoir inexistant")
        if valeurs_lues:
            return
        baremes = [d.bareme for d in self.devoirs]
        for i, (d, v, s) in enumerate(zip(self.devoir, self.valeur, self.statut)):
            if s is StatutNote.NOTE:
                if v is None or not 0 <= v <= baremes[d]:
                    Note(eleve=self.eleves[self.eleve[i]], devoir=self.devoirs[d], valeur=v, statut=s)
            elif v is not None:  # le constructeur de Note lève l'erreur exacte
                Note(eleve=self.eleves[self.eleve[i]], devoir=self.devoirs[d], valeur=v, statut=s)

    def __len__(self) -> int:
        return len(self.eleve)

    @overload
    def __getitem__(self, i: int) -> Note: ...

    @overload
    def __getitem__(self, i: slice) -> list[Note]: ...

    def __getitem__(self, i: int | slice) -> Note | list[Note]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return Note(eleve=self.eleves[self.eleve[i]], devoir=self.devoirs[self.devoir[i]],
                    valeur=self.valeur[i], statut=self.statut[i])

    def __iter__(self) -> Iterator[Note]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"NotesLues({len(self)} notes, {len(self.eleves)} élèves, {len(self.devoirs)} devoirs)"

_STATUTS: dict[str, StatutNote] = {s.value: s for s in StatutNote}


class MoyenneSource(_Record):
    """Une moyenne telle que Pronote l'a calculée (tableau des résultats, connecteur en direct).

    ``matiere`` vide = moyenne générale. ``moyenne`` vide = moyenne masquée ou inconnue (jamais 0).
    """

    eleve: RefEleve
    periode: str
    matiere: str | None = None
    #: L'identité du service dans la source (identifiant Pronote) : deux sous-services de même libellé
    #: gardent chacun leur moyenne.
    service_source: str = ""
    moyenne: float | None = Field(default=None, ge=0, le=20)
    moyenne_classe: float | None = None
    min_classe: float | None = None
    max_classe: float | None = None
    rang: int | None = None
    positionnement: str | None = None
    #: L'appréciation écrite par le professeur pour la matière ; pour la ligne générale (``matiere``
    #: vide), celle du conseil de classe (LSU : ``acquis-conseils`` du bilan périodique).
    appreciation: str | None = None
    source: str = "pronote"


# --- Vie scolaire -------------------------------------------------------------------------------------


class Absence(_Record):
    eleve: RefEleve
    debut: dt.datetime
    fin: dt.datetime
    demi_journees_brutes: float | None = Field(default=None, ge=0)
    demi_journees_calculees: float | None = Field(default=None, ge=0)
    statut: StatutAbsence
    motif: str | None = None
    reglee_administrativement: bool = False

    @model_validator(mode="after")
    def _ordre(self) -> "Absence":
        if self.fin < self.debut:
            raise ValueError("la fin de l'absence précède son début")
        return self


class Retard(_Record):
    eleve: RefEleve
    date: dt.datetime
    minutes: int | None = Field(default=None, ge=0, le=600)
    justifie: bool = False
    motif: str | None = None


class Sanction(_Record):
    """Une punition scolaire ou une sanction disciplinaire (R511-13 du Code de l'éducation)."""

    eleve: RefEleve
    date: dt.date
    nature: str
    motif: str | None = None
    exclusion: bool = False
    disciplinaire: bool = False  # sanction (avertissement, blâme, exclusion…) plutôt que punition
    donnee_par: str | None = None


# --- Compétences --------------------------------------------------------------------------------------


class Evaluation(_Record):
    """Un positionnement d'un élève sur un item (ou une composante) d'un référentiel."""

    eleve: RefEleve
    referentiel: str  # « socle », « ULIS », « CAP bloc 1 »…
    domaine: str
    item: str
    niveau: int | None = Field(default=None, ge=1, le=4)
    libelle_source: str
    statut: StatutCompetence = StatutCompetence.EVALUE
    date: dt.date
    periode: str | None = None
    contexte: str | None = None  # classe, ULIS, stage…
    evaluateur: str | None = None

    @model_validator(mode="after")
    def _coherence(self) -> "Evaluation":
        if self.statut == StatutCompetence.EVALUE and self.niveau is None:
            raise ValueError("une évaluation doit porter un niveau de 1 à 4")
        return self


# --- Pix ----------------------------------------------------------------------------------------------


class PixCompetence(_Record):
    competence: str = Field(pattern=r"^[1-5]\.[1-4]$")
    niveau: int = Field(ge=0, le=8)
    pix: float = Field(ge=0)


class PixParticipation(_Record):
    eleve: RefEleve
    campagne: str
    code_campagne: str | None = None
    # profils : collecte de profils ; evaluation : campagne d'évaluation (ASSESSMENT) ; examen : EXAM
    type_campagne: Literal["profils", "evaluation", "examen"] = "profils"
    date_envoi: dt.datetime | None = None
    partage: bool = True
    pix_total: float | None = None
    certifiable: bool | None = None
    progression: float | None = Field(default=None, ge=0, le=1)
    competences: tuple[PixCompetence, ...] = ()
    maitrise: dict[str, float] = Field(default_factory=dict)  # % de maîtrise par compétence (évaluation)
    #: Évaluation ou examen avec paliers : le palier atteint (0 à ``paliers``), « Palier obtenu (/N) ».
    palier: int | None = Field(default=None, ge=0)
    paliers: int | None = Field(default=None, ge=1)
    #: Les badges (résultats thématiques) obtenus, par titre : colonnes « … obtenu (O/N) ».
    badges: tuple[str, ...] = ()


# --- Lot d'import -------------------------------------------------------------------------------------


class Anomalie(_Record):
    """Une **remarque** d'import : une valeur que l'import n'a pas gardée telle que la source la donnait
    (ligne mise de côté, valeur rapprochée, désaccord d'identifiant, envoi remplacé…).

    Le connecteur l'ajoute au lot (``Lot.anomalies``), l'entrepôt aux siennes (``ResultatImport.remarques``) ;
    le résultat de l'import, ``vigie import`` et le journal (vue ``remarques``, ``vigie status``) la donnent
    avec le fichier, la ligne et la colonne. Aucune valeur ne change sans l'une d'elles.
    """

    ligne: int | None = None
    colonne: str | None = None
    message: str

    def texte(self, fichier: str | Path | None = None) -> str:
        """La remarque située : « fichier « pix.csv », ligne 3, colonne « INE » : … »."""
        from .errors import situer

        return situer(self.message, fichier=fichier, ligne=self.ligne, colonne=self.colonne)


#: Le nom du domaine : une remarque d'import (``Anomalie`` reste le nom historique de la classe).
Remarque = Anomalie


class Lot(BaseModel):
    """Tout ce qu'un fichier apporte, validé, prêt à être écrit en une seule transaction."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str  # « pronote-notes », « pix »…
    fichier: Path
    lignes_lues: int = 0
    effectif: bool = False  # la source est une liste d'élèves : elle peut en créer
    #: Les matières des moyennes de ce lot sont des codes ou libellés d'export (« MATHS », « HI-GE ») : elles
    #: doivent désigner une matière connue de l'établissement (ou un code déclaré) ; une matière inconnue
    #: refuse le lot, ou est créée avec une remarque si ``matieres_nouvelles`` (acceptée par la personne).
    matieres_a_rapprocher: bool = False
    matieres_nouvelles: bool = False
    #: La matière que le **nom du fichier** (ou l'option ``matiere``) donne aux devoirs de pronote-notes :
    #: quand l'établissement déclare ses matières, elle doit en désigner une (même rapprochement que
    #: ``matieres_a_rapprocher``), sinon le lot est refusé, sauf ``matieres_nouvelles``.
    matiere_du_fichier: str | None = None
    #: ``matiere_du_fichier`` vient de l'option ``matiere`` (vérifiée de même), pas du nom du fichier.
    matiere_par_option: bool = False
    #: L'année scolaire qu'une liste d'élèves décrit (« 2024-2025 ») : chaque classe y est gardée dans
    #: l'historique (t_scolarites). Vide : l'entrepôt prend la dernière année de l'établissement, et le dit.
    #: Pour un lot sans date (tableau des résultats) : l'année de ses moyennes.
    annee: str | None = Field(default=None, pattern=r"^\d{4}-\d{4}$")
    etablissement: Etablissement | None = None
    periodes: list[Periode] = Field(default_factory=list)
    classes: list[Classe] = Field(default_factory=list)
    matieres: list[Matiere] = Field(default_factory=list)
    eleves: list[Eleve] = Field(default_factory=list)
    # NotesLues d'abord : c'est une séquence, pydantic la convertirait sinon en liste de Note une à une.
    notes: NotesLues | list[Note] = Field(default_factory=list, union_mode="left_to_right")
    moyennes: list[MoyenneSource] = Field(default_factory=list)
    absences: list[Absence] = Field(default_factory=list)
    retards: list[Retard] = Field(default_factory=list)
    sanctions: list[Sanction] = Field(default_factory=list)
    evaluations: list[Evaluation] = Field(default_factory=list)
    pix: list[PixParticipation] = Field(default_factory=list)
    anomalies: list[Anomalie] = Field(default_factory=list)

    _sha256: str | None = PrivateAttr(default=None)

    def sha256(self) -> str:
        """L'empreinte du fichier, calculée à la première demande puis gardée (un paquet refusé repasse
        fichier par fichier sans relire chaque fichier)."""
        if self._sha256 is None:
            h = hashlib.sha256()
            with open(self.fichier, "rb") as f:
                for bloc in iter(lambda: f.read(1 << 20), b""):
                    h.update(bloc)
            self._sha256 = h.hexdigest()
        return self._sha256
