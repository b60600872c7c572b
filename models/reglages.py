"""Les réglages : un seul fichier TOML (``models/reglages.toml``), validé par pydantic.

Le fichier fourni documente chaque clé et ses valeurs par défaut ; un établissement en copie une version
et la désigne par ``VIGIE_REGLAGES``. Une clé absente garde sa valeur par défaut ; une clé inconnue ou une
valeur invalide lève :class:`~models.errors.SettingsError` avec un message français qui nomme la clé.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import SettingsError
from .nombres import borne as nombre_borne
from .records import cle_nom
from .messages import explication, lecture_impossible, toml_mal_ecrit

#: Le fichier des valeurs par défaut, livré avec Vigie.
DEFAUT = Path(__file__).with_name("reglages.toml")

#: Identifiants des règles d'alerte (voir ``models/alertes.py``).
REGLES = (
    "absences_mois",
    "absences_persistance",
    "justificatifs_en_attente",
    "absenteisme_chronique",
    "absences_hausse",
    "absenteisme_perle",
    "moyenne_basse",
    "matieres_sous_moyenne",
    "baisse_moyenne",
    "ecart_familles",
    "comportement",
    "competences_insuffisantes",
    "competences_sans_progres",
    "pix_non_envoye",
    "pix_progression",
    "pix_terminale",
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Absences(_Section):
    demi_journees_par_semaine: int = Field(9, ge=1, le=12)
    heure_demi_journee: dt.time = dt.time(12, 0)
    seuil_mois_non_justifiees: int = Field(4, ge=1)
    seuil_persistance: int = Field(10, ge=1)
    seuil_en_attente: int = Field(2, ge=1)
    taux_chronique: float = Field(0.10, gt=0, le=1)
    hausse_min_demi_journees: float = Field(6, ge=0)
    hausse_facteur: float = Field(2.0, ge=1)
    perle_duree_max_heures: float = Field(2.0, gt=0, le=12)
    perle_semaines: int = Field(4, ge=1)
    perle_evenements: int = Field(6, ge=1)

    @model_validator(mode="after")
    def _ordre(self) -> "Absences":
        if self.seuil_persistance < self.seuil_mois_non_justifiees:
            raise ValueError(
                "absences.seuil_persistance doit être au moins égal à absences.seuil_mois_non_justifiees"
            )
        return self


class Notes(_Section):
    nb_notes_min: int = Field(3, ge=1)
    seuil_matiere: float = Field(8.0, ge=0, le=20)
    nb_matieres_sous_moyenne: int = Field(3, ge=1)
    seuil_moyenne: float = Field(10.0, ge=0, le=20)
    baisse_generale: float = Field(2.0, gt=0, le=20)
    ecart_familles: float = Field(4.0, gt=0, le=20)
    echec_collectif_part: float = Field(0.5, gt=0, le=1)
    matieres_professionnelles: tuple[str, ...] = (
        "ENSEIGNEMENT PROFESSIONNEL", "ECONOMIE-GESTION", "ECONOMIE-DROIT", "PREVENTION SANTE ENVIRONNEMENT",
        "CO-INTERVENTION", "REALISATION DU CHEF-D'OEUVRE",
    )


class Comportement(_Section):
    punitions_min: int = Field(3, ge=1)


_COULEUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Competences(_Section):
    items_insuffisants: int = Field(3, ge=1)
    items_sans_progres: int = Field(2, ge=1)
    libelles: dict[int, str] = {
        1: "Maîtrise insuffisante",
        2: "Maîtrise fragile",
        3: "Maîtrise satisfaisante",
        4: "Très bonne maîtrise",
    }
    couleurs: dict[int, str] = {1: "#d62728", 2: "#ff7f0e", 3: "#2ca02c", 4: "#1f77b4"}
    #: Ce que l'attestation écrit en toutes lettres pour chaque niveau : une compétence est acquise à
    #: partir de la « maîtrise satisfaisante » (niveau 3), comme une composante du socle commun est
    #: validée au DNB (arrêté du 31 décembre 2015, livret scolaire : quatre niveaux de maîtrise).
    acquisition: dict[int, str] = {1: "Non acquis", 2: "En cours d'acquisition", 3: "Acquis", 4: "Acquis"}

    @field_validator("libelles", "couleurs", "acquisition")
    @classmethod
    def _quatre_niveaux(cls, v: dict[int, str]) -> dict[int, str]:
        if sorted(v) != [1, 2, 3, 4]:
            raise ValueError("il faut exactement les niveaux 1, 2, 3 et 4")
        return v

    @field_validator("couleurs")
    @classmethod
    def _hexa(cls, v: dict[int, str]) -> dict[int, str]:
        for niveau, couleur in v.items():
            if not _COULEUR.match(couleur):
                raise ValueError(f"couleur du niveau {niveau} invalide (« {couleur} ») : écrire #rrggbb")
        return v


class Pix(_Section):
    niveau_max: int = Field(7, ge=1, le=8)
    progression_min: float = Field(0.5, ge=0, le=1)
    competences_min_terminale: int = Field(5, ge=0, le=16)
    niveaux_terminale: tuple[str, ...] = ("Tle",)
    participation_classe_min: float = Field(0.5, gt=0, le=1)


class Mention(_Section):
    """Une mention du conseil de classe et ses conditions (toutes requises)."""

    libelle: str = Field(min_length=1)
    moyenne_min: float | None = Field(None, ge=0, le=20)
    moyenne_max: float | None = Field(None, ge=0, le=20)
    progression_min: float | None = None
    sans_sanction: bool = False
    #: Aucune alerte « alerte » ou « attention » de la période (``models.alertes``).
    sans_alerte: bool = False
    #: Au plus ce nombre de demi-journées d'absence non justifiées dans la période.
    non_justifiees_max: int | None = Field(None, ge=0)

    @field_validator("libelle")
    @classmethod
    def _pas_une_sanction(cls, v: str) -> str:
        # R511-13 : l'avertissement est une sanction disciplinaire que seul le chef d'établissement
        # prononce ; le conseil de classe ne peut pas le « proposer » comme une mention.
        if "avertissement" in cle_nom(v) or "blame" in cle_nom(v):
            raise ValueError(
                f"« {v} » est une sanction disciplinaire (R511-13 du Code de l'éducation), que seul le chef "
                "d'établissement peut prononcer : ce n'est pas une mention du conseil de classe. "
                "Utilisez par exemple « Mise en garde »."
            )
        return v


class Alertes(_Section):
    desactivees: tuple[str, ...] = ()

    @field_validator("desactivees")
    @classmethod
    def _connues(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        inconnues = [r for r in v if r not in REGLES]
        if inconnues:
            raise ValueError(f"règle(s) inconnue(s) : {', '.join(inconnues)} (connues : {', '.join(REGLES)})")
        return v


class Connexion(_Section):
    """Connexions au tableau de bord servi à l'équipe (README, « Déployer pour l'équipe »)."""

    tentatives_libres: int = Field(5, ge=1)
    verrou_minutes: float = Field(5, gt=0)
    verrou_max_minutes: float = Field(240, gt=0)
    oubli_heures: float = Field(24, gt=0)
    tentatives_par_adresse: int = Field(20, ge=1)
    proxys_de_confiance: tuple[str, ...] = ()
    inactivite_minutes: float = Field(30, gt=0)

    @field_validator("proxys_de_confiance")
    @classmethod
    def _adresses(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        import ipaddress

        for adresse in v:
            try:
                ipaddress.ip_network(adresse, strict=False)
            except ValueError:
                raise ValueError(f"« {adresse} » n'est pas une adresse IP (127.0.0.1) ni un réseau (10.0.0.0/8)") from None
        return v

    @model_validator(mode="after")
    def _ordre(self) -> "Connexion":
        if self.verrou_max_minutes < self.verrou_minutes:
            raise ValueError("connexion.verrou_max_minutes doit être au moins égal à connexion.verrou_minutes")
        return self


_MENTIONS_DEFAUT = (
    Mention(libelle="Félicitations", moyenne_min=16.0, sans_sanction=True, sans_alerte=True, non_justifiees_max=0),
    Mention(libelle="Compliments", moyenne_min=14.0, sans_sanction=True, sans_alerte=True, non_justifiees_max=2),
    Mention(libelle="Encouragements", moyenne_min=12.0, sans_alerte=True, non_justifiees_max=3),
    Mention(libelle="Encouragements", progression_min=1.5, sans_alerte=True, non_justifiees_max=3),
    Mention(libelle="Mise en garde (travail)", moyenne_max=8.0),
)

_LIBELLES_DEFAUT = {
    "absences_mois": "Absences non justifiées dans le mois",
    "absences_persistance": "Absentéisme persistant dans le mois",
    "justificatifs_en_attente": "Justificatifs d'absence en attente",
    "absenteisme_chronique": "Absentéisme chronique",
    "absences_hausse": "Absences en hausse",
    "absenteisme_perle": "Absentéisme perlé",
    "moyenne_basse": "Moyenne de matière basse",
    "matieres_sous_moyenne": "Plusieurs matières sous la moyenne",
    "baisse_moyenne": "Moyenne générale en baisse",
    "ecart_familles": "Écart entre enseignement général et professionnel",
    "comportement": "Punitions et sanctions",
    "competences_insuffisantes": "Compétences en maîtrise insuffisante",
    "competences_sans_progres": "Compétences sans progrès",
    "pix_non_envoye": "Campagne Pix non envoyée",
    "pix_progression": "Progression Pix insuffisante",
    "pix_terminale": "Compétences Pix insuffisantes en terminale",
}


class JoursSansClasse(_Section):
    """Des jours sans classe, du … au … inclus (vacances propres à la Corse ou à l'outre-mer, PFMP)."""

    du: dt.date
    au: dt.date
    libelle: str = ""
    classe: str | None = None  # PFMP : la classe en entreprise ; vide : toutes les classes

    @model_validator(mode="after")
    def _ordre(self) -> "JoursSansClasse":
        if self.au < self.du:
            raise ValueError(f"« au » ({self.au:%d/%m/%Y}) précède « du » ({self.du:%d/%m/%Y})")
        return self


class Calendrier(_Section):
    """Le calendrier scolaire (``models/calendrier.py``)."""

    zone: Literal["", "A", "B", "C"] = ""
    jours_feries: str = "metropole"
    vacances: tuple[JoursSansClasse, ...] = ()
    pfmp: tuple[JoursSansClasse, ...] = ()

    @field_validator("jours_feries")
    @classmethod
    def _subdivision(cls, v: str) -> str:
        import holidays

        connues = holidays.France.subdivisions
        if v not in ("", "metropole", *connues):
            raise ValueError(f"« {v} » : attendu metropole, vide, ou une subdivision ({', '.join(connues)})")
        return v

    @field_validator("pfmp")
    @classmethod
    def _classe(cls, v: tuple[JoursSansClasse, ...]) -> tuple[JoursSansClasse, ...]:
        if any(not p.classe for p in v):
            raise ValueError("une PFMP est celle d'une classe : indiquez « classe »")
        return v


class Reglages(_Section):
    absences: Absences = Absences()
    calendrier: Calendrier = Calendrier()
    notes: Notes = Notes()
    comportement: Comportement = Comportement()
    competences: Competences = Competences()
    pix: Pix = Pix()
    mentions: tuple[Mention, ...] = _MENTIONS_DEFAUT
    libelles: dict[str, str] = _LIBELLES_DEFAUT
    alertes: Alertes = Alertes()
    connexion: Connexion = Connexion()

    @field_validator("libelles")
    @classmethod
    def _libelles(cls, v: dict[str, str]) -> dict[str, str]:
        inconnues = [r for r in v if r not in REGLES]
        if inconnues:
            raise ValueError(f"règle(s) inconnue(s) : {', '.join(inconnues)}")
        return {**_LIBELLES_DEFAUT, **v}

    def libelle(self, regle: str) -> str:
        return self.libelles.get(regle, regle)


# --- Chargement ---------------------------------------------------------------------------------------

_MESSAGES = {
    "extra_forbidden": "réglage inconnu (faute de frappe ?)",
    "missing": "réglage obligatoire manquant",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "float_parsing": "doit être un nombre",
    "float_type": "doit être un nombre",
    "bool_parsing": "doit valoir true ou false",
    "bool_type": "doit valoir true ou false",
    "string_type": "doit être un texte entre guillemets",
    "string_too_short": "ne doit pas être vide",
    "time_parsing": "doit être une heure (12:00:00)",
    "time_type": "doit être une heure (12:00:00)",
    "dict_type": "doit être une table TOML",
    "model_type": "doit être une table TOML",
    "tuple_type": "doit être une liste",
}


def _cle(loc: tuple[Any, ...]) -> str:
    """``("mentions", 2, "libelle")`` → ``mentions[3].libelle`` (rang compté à partir de 1)."""
    texte = ""
    for part in loc:
        if isinstance(part, int) and texte and not texte.endswith("]"):
            texte += f"[{part + 1}]"
        else:
            texte += ("." if texte else "") + str(part)
    return texte


def _message(err: dict[str, Any]) -> str:
    t, ctx = err["type"], err.get("ctx") or {}
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        signe = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[t]
        borne = next(iter(ctx.values()))
        return f"doit être {signe} {nombre_borne(borne) if isinstance(borne, (int, float)) else borne}"
    if t == "value_error":
        return str(ctx.get("error", err["msg"]))
    if t in _MESSAGES:
        return _MESSAGES[t]
    # un type que ce module ne formule pas lui-même : la traduction commune, jamais le texte de pydantic
    return explication({**err, "input": None})


def valider(donnees: dict[str, Any], *, fichier: str | Path | None = None) -> Reglages:
    """Valide des réglages lus d'un TOML ; lève :class:`SettingsError` en nommant la ou les clés fautives."""
    try:
        return Reglages.model_validate(donnees)
    except ValidationError as exc:
        lieu = f" ({Path(fichier).name})" if fichier else ""
        details = []
        for err in exc.errors():
            cle = _cle(err["loc"]) or "(racine)"
            recu = err.get("input")
            montrer = err["type"] not in ("extra_forbidden", "value_error") and not isinstance(recu, dict)
            recu_txt = f" — reçu « {recu} »" if montrer else ""
            details.append(f"« {cle} » : {_message(err)}{recu_txt}")
        raise SettingsError(f"Réglage invalide{lieu} : " + " ; ".join(details)) from None


def charger_reglages(chemin: Path | None = None) -> Reglages:
    """Lit ``chemin``, sinon ``VIGIE_REGLAGES``, sinon le fichier par défaut livré avec Vigie."""
    if chemin is None:
        env = os.environ.get("VIGIE_REGLAGES")
        chemin = Path(env).expanduser() if env else DEFAUT
    chemin = Path(chemin)
    try:
        donnees = tomllib.loads(chemin.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"Fichier de réglages introuvable : {chemin}") from None
    except OSError as exc:
        raise SettingsError(f"Fichier de réglages {chemin.name} : {lecture_impossible(exc)}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"Fichier de réglages {chemin.name} : enregistrez-le en UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        texte = chemin.read_text(encoding="utf-8")
        explication_, ligne, colonne = toml_mal_ecrit(exc, texte)
        lieu = f", ligne {ligne}" + (f", colonne {colonne}" if colonne else "") if ligne else ""
        raise SettingsError(
            f"Fichier de réglages {chemin.name} mal formé{lieu} : {explication_}. Corrigez-le puis relancez Vigie."
        ) from None
    return valider(donnees, fichier=chemin)
