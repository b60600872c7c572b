"""``pronote-live`` : Pronote en direct, par pronotepy (comptes élève, parent et vie scolaire).

Deux temps :

1. :func:`configurer`, une seule fois : par le QR code de l'application mobile (Pronote > Mes données >
   « Se connecter avec l'application mobile », JSON du QR code + code à 4 chiffres), ou par identifiant
   et mot de passe, directement ou à travers l'ENT nommé (une fonction de ``pronotepy.ent``, p. ex.
   ``ile_de_france``). Le mot de passe sert une fois : comme ``pronotepy/create_login.py``, on demande
   aussitôt un QR code au serveur et on se reconnecte en mode « application mobile », qui donne un
   **jeton**. Seul ce jeton est enregistré (JSON, mode 0600), jamais le mot de passe.
2. :func:`connecter` puis :func:`lire`, à chaque import : ``token_login`` avec le jeton enregistré.
   Pronote donne un nouveau jeton à chaque connexion et l'ancien ne sert plus : il est réenregistré
   aussitôt, puis encore en fin de lecture (pronotepy se reconnecte seul après une erreur d'onglet,
   ``ClientBase.post`` → ``refresh``, ce qui consomme à nouveau le jeton).

Chaque onglet (notes, moyennes, absences, retards, punitions, compétences) est lu à part pour chaque
période : un établissement qui a fermé un onglet donne une remarque dans le lot, pas un échec.
Les élèves sont désignés par leur nom et leur classe, jamais par les identifiants pronotepy, qui
changent à chaque session.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pronotepy
import pronotepy.ent as ents_pronote
from pydantic import BaseModel, ValidationError

from models import messages
from models.annee_scolaire import annee_scolaire
from models.errors import ImportRejected, VigieError
from models.nombres import arrondi
from models.records import (
    Absence,
    Anomalie,
    Devoir,
    Eleve,
    Evaluation,
    Lot,
    MoyenneSource,
    Note,
    Periode,
    RefEleve,
    Retard,
    Sanction,
    StatutAbsence,
    StatutNote,
)

from .common import cle_entete, nombre
from .pronote_competences import Bareme, composante
from .pronote_csv import sans_valeur
from .pronote_punitions import qualifier
from .options import NIVEAUX, Option

SOURCE = "pronote-live"
#: Options acceptées (connectors/options.py) ; toute autre est refusée.
OPTIONS = {
    "client": Option("objet", "client pronotepy déjà connecté"),
    "account_pin": Option("texte", "code PIN du compte (double authentification)"),
    "niveaux": NIVEAUX,
}

# --- Réglages (données, pas logique) -----------------------------------------------------------------

#: Type de compte → classe pronotepy. Un compte professeur n'existe pas dans pronotepy.
CLASSES: dict[str, Any] = {
    "eleve": pronotepy.Client,
    "parent": pronotepy.ParentClient,
    "vie_scolaire": pronotepy.VieScolaireClient,
}

#: Fin de l'adresse de l'espace Pronote → type de compte (comme ``pronotepy/create_login.py``).
ESPACES = {"eleve.html": "eleve", "parent.html": "parent", "viescolaire.html": "vie_scolaire"}

#: Notes spéciales : pronotepy traduit ``|1``…``|7`` en ces mots (``Util.grade_translate``).
STATUTS_NOTE: dict[str, StatutNote] = {
    "Absent": StatutNote.ABSENT,
    "Dispense": StatutNote.DISPENSE,
    "NonNote": StatutNote.NON_NOTE,
    "Inapte": StatutNote.INAPTE,
    "NonRendu": StatutNote.NON_RENDU,
    "AbsentZero": StatutNote.ABSENT_ZERO,
    "NonRenduZero": StatutNote.NON_RENDU_ZERO,
}

# Niveaux de maîtrise et statuts : le réglage du relevé exporté (connectors/pronote_competences.py),
# pour qu'un même niveau donne la même valeur par fichier ou en direct.

#: Aménagements gardés comme simple drapeau ; le détail (handicap) n'est jamais conservé.
ACCOMPAGNEMENTS = ("ULIS", "PAP", "PPS")


def chemin_par_defaut() -> Path:
    """``$XDG_CONFIG_HOME/vigie/pronote-live.json`` (``~/.config/vigie`` par défaut)."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "vigie" / "pronote-live.json"


# --- Connexion ---------------------------------------------------------------------------------------


def compte_de_url(url: str) -> str:
    """« …/pronote/parent.html?login=true » → « parent » ; ``mobile.`` devant est accepté."""
    fin = url.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1].removeprefix("mobile.")
    if fin not in ESPACES:
        raise ImportRejected(
            f"adresse Pronote non reconnue « {url} » : elle doit finir par eleve.html, parent.html "
            "ou viescolaire.html (un compte professeur ne peut pas être lu par pronotepy)"
        )
    return ESPACES[fin]


def fonction_ent(nom: str) -> Callable[..., Any]:
    """La fonction de connexion ENT de pronotepy portant ce nom (``ile_de_france``, ``ac_rennes``…)."""
    fn = getattr(ents_pronote, nom, None)
    if nom.startswith("_") or not callable(fn) or isinstance(fn, type):
        connus = sorted(n for n, v in vars(ents_pronote).items() if not n.startswith("_") and callable(v))
        raise ImportRejected(f"ENT inconnu « {nom} » ; ENT connus de pronotepy : {', '.join(connus)}")
    return fn


def configurer(
    chemin: Path,
    *,
    qrcode: dict[str, str] | None = None,
    pin: str | None = None,
    url: str | None = None,
    utilisateur: str | None = None,
    mot_de_passe: str | None = None,
    ent: str | None = None,
    account_pin: str | None = None,
    device_name: str | None = None,
) -> Any:
    """Première connexion (QR code, ou identifiant et mot de passe) ; enregistre le jeton obtenu.

    Renvoie le client connecté, prêt pour :func:`lire` sans seconde connexion.
    """
    chemin = Path(chemin)
    uuid = "vigie-" + secrets.token_hex(8)  # propre à cette installation ; ne doit plus changer
    with _erreurs_pronote(chemin):
        if qrcode is None:
            if not (url and utilisateur and mot_de_passe):
                raise ImportRejected(
                    "configuration : donnez soit le QR code et son code à 4 chiffres, soit l'adresse "
                    "Pronote, l'identifiant et le mot de passe"
                )
            compte = compte_de_url(url)
            fn = fonction_ent(ent) if ent else None
            client = CLASSES[compte](url, utilisateur, mot_de_passe, fn,
                                     account_pin=account_pin, device_name=device_name)
            _verifier_connexion(client, chemin)
            # Le mot de passe ne doit pas être gardé : on échange la session contre un QR code, dont
            # la connexion donne un jeton (même chemin que pronotepy/create_login.py).
            pin = "".join(secrets.choice("123456789") for _ in range(4))
            qrcode = client.request_qr_code_data(pin)
        else:
            if not pin:
                raise ImportRejected("configuration par QR code : le code à 4 chiffres est requis")
            if not isinstance(qrcode, dict) or not {"url", "login", "jeton"} <= set(qrcode):
                raise ImportRejected("QR code Pronote invalide : il doit contenir url, login et jeton")
            compte = compte_de_url(qrcode["url"])
        client = CLASSES[compte].qrcode_login(
            qrcode, pin, uuid, account_pin=account_pin, device_name=device_name
        )
        _verifier_connexion(client, chemin)
    enregistrer(client, chemin, device_name=device_name)
    return client


def connecter(chemin: Path, *, account_pin: str | None = None) -> Any:
    """Connexion par le jeton enregistré ; le nouveau jeton remplace aussitôt l'ancien."""
    chemin = Path(chemin)
    ident = lire_identifiants(chemin)
    with _erreurs_pronote(chemin):
        client = CLASSES[ident["compte"]].token_login(
            pronote_url=ident["pronote_url"],
            username=ident["username"],
            password=ident["password"],
            uuid=ident["uuid"],
            client_identifier=ident.get("client_identifier"),
            account_pin=account_pin,
            device_name=ident.get("device_name"),
        )
        _verifier_connexion(client, chemin)
    enregistrer(client, chemin, device_name=ident.get("device_name"))
    return client


def lire_identifiants(chemin: Path) -> dict[str, Any]:
    if not chemin.is_file():
        raise ImportRejected(
            "identifiants Pronote introuvables : configurez d'abord la connexion "
            "(vigie import pronote-live --configurer)",
            fichier=chemin,
        )
    try:
        ident = json.loads(chemin.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ImportRejected(f"fichier d'identifiants illisible ({err})", fichier=chemin) from err
    manque = [c for c in ("compte", "pronote_url", "username", "password", "uuid") if not ident.get(c)]
    if manque or ident.get("compte") not in CLASSES:
        raise ImportRejected(
            f"fichier d'identifiants incomplet (manque : {', '.join(manque) or 'compte'}) : "
            "refaites la configuration",
            fichier=chemin,
        )
    return ident


def type_de_compte(client: Any) -> str:
    # L'ordre compte : ParentClient hérite de Client.
    if isinstance(client, pronotepy.VieScolaireClient):
        return "vie_scolaire"
    if isinstance(client, pronotepy.ParentClient):
        return "parent"
    return "eleve"


def enregistrer(client: Any, chemin: Path, *, device_name: str | None = None) -> None:
    """Écrit les identifiants du client (jeton, pas mot de passe) en JSON, mode 0600, atomiquement."""
    # Un client connecté par mot de passe (mode « normal ») exporterait le mot de passe lui-même.
    if getattr(client, "login_mode", None) not in ("token", "qr_code"):
        raise VigieError(
            "refus d'enregistrer des identifiants Pronote qui ne sont pas un jeton d'application "
            "mobile (le mot de passe ne doit jamais être écrit)"
        )
    ident = {
        "compte": type_de_compte(client),
        **client.export_credentials(),
        "device_name": device_name,
        "enregistre_le": dt.datetime.now().isoformat(timespec="seconds"),
    }
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
    # Créé d'emblée en 0600 : le jeton n'est jamais lisible par d'autres, même un instant.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(ident, f, ensure_ascii=False, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, chemin)
    finally:
        tmp.unlink(missing_ok=True)


def _verifier_connexion(client: Any, chemin: Path) -> None:
    if not getattr(client, "logged_in", True):
        raise ImportRejected("Pronote a refusé la connexion (identifiants ou jeton)", fichier=chemin)


@contextlib.contextmanager
def _erreurs_pronote(chemin: Path) -> Iterator[None]:
    """Les erreurs de connexion de pronotepy (et du réseau) deviennent des refus lisibles."""
    import requests  # dépendance de pronotepy

    try:
        yield
    except pronotepy.QRCodeDecryptError as err:
        raise ImportRejected("code du QR code incorrect", fichier=chemin) from err
    except pronotepy.MFAError as err:
        raise ImportRejected(f"double authentification : {err} (donnez le code PIN du compte)",
                             fichier=chemin) from err
    except pronotepy.ENTLoginError as err:
        raise ImportRejected(f"connexion à l'ENT refusée ({err})", fichier=chemin) from err
    except pronotepy.CryptoError as err:
        raise ImportRejected("identifiants refusés, ou jeton/QR code expiré : refaites la configuration",
                             fichier=chemin) from err
    except pronotepy.PronoteAPIError as err:
        raise ImportRejected(f"Pronote a refusé la connexion ({err})", fichier=chemin) from err
    except requests.RequestException as err:
        raise ImportRejected(f"serveur Pronote injoignable ({err.__class__.__name__})", fichier=chemin) from err


# --- Lecture -----------------------------------------------------------------------------------------


def lire(
    chemin: Path,
    *,
    client: Any = None,
    account_pin: str | None = None,
    niveaux: dict[str, int] | None = None,
    **_: object,
) -> Lot:
    """Lit tout ce que le compte voit. ``chemin`` : le fichier d'identifiants (voir :func:`configurer`).

    ``client`` : un client pronotepy déjà connecté (juste après :func:`configurer`, ou dans les tests) ;
    sinon on se connecte par le jeton enregistré. ``niveaux`` complète les niveaux de maîtrise par
    défaut (abréviation ou libellé de l'établissement → 1–4).
    """
    chemin = Path(chemin)
    if client is None:
        client = connecter(chemin, account_pin=account_pin)
    try:
        return extraire(client, chemin, niveaux=niveaux)
    finally:
        enregistrer(client, chemin, device_name=_device_name(chemin))


def _device_name(chemin: Path) -> str | None:
    try:
        return json.loads(chemin.read_text(encoding="utf-8")).get("device_name")
    except (OSError, ValueError, AttributeError):
        return None


R = TypeVar("R", bound=BaseModel)


def extraire(client: Any, chemin: Path, *, niveaux: dict[str, int] | None = None) -> Lot:
    """Le lot d'un client déjà connecté (sans écrire d'identifiants)."""
    lecture = _Lecture(client, Path(chemin), niveaux or {})
    if isinstance(client, pronotepy.VieScolaireClient):
        lecture.effectif()
    else:
        lecture.periodes()
        for ref in lecture.eleves_du_compte():
            lecture.eleve(ref)
    return lecture.lot


class _Lecture:
    """Une lecture en cours : le lot qui se remplit, et ce qui a déjà été vu."""

    def __init__(self, client: Any, chemin: Path, niveaux: dict[str, int]) -> None:
        self.client = client
        self.bareme = Bareme(niveaux, chemin)
        self.lot = Lot(source=SOURCE, fichier=chemin)
        self._vus: set[Any] = set()

    # -- outils ------------------------------------------------------------------------------------

    def remarque(self, message: str, colonne: str | None = None) -> None:
        self.lot.anomalies.append(Anomalie(colonne=colonne, message=message))

    def onglet(self, quoi: str, ou: str, lire_onglet: Callable[[], Any]) -> Any:
        """Une propriété pronotepy (un appel au serveur) ; un onglet fermé devient une remarque.

        Toute erreur est prise ici, pas seulement ``PronoteAPIError`` : un onglet désactivé peut
        aussi répondre une structure sans la liste attendue (``KeyError``, ``ParsingError``…), et
        un onglet illisible ne doit pas empêcher de lire les autres.
        """
        try:
            return lire_onglet()
        except Exception as err:  # noqa: BLE001 — voir la docstring
            detail = str(err) or err.__class__.__name__
            self.remarque(f"{ou} : {quoi} indisponible dans Pronote ({detail}) ; le reste est importé", quoi)
            return None

    def ajouter(self, liste: list[R], construire: Callable[[], R], ou: str, cle: Any = None) -> None:
        """Construit un enregistrement ; une donnée invalide devient une remarque. Sans doublon :
        les périodes de Pronote se recouvrent (trimestres et « Année continue »)."""
        if cle is not None:
            cle = (id(liste), cle)
            if cle in self._vus:
                return
            self._vus.add(cle)
        try:
            rec = construire()
        except (ValidationError, ValueError, TypeError, AttributeError) as err:
            self.remarque(f"{ou} : donnée ignorée ({_erreur(err)})")
            return
        if cle is None:
            cle = (id(liste), rec)
            if cle in self._vus:
                return
            self._vus.add(cle)
        liste.append(rec)

    # -- périodes et élèves ------------------------------------------------------------------------

    def les_periodes(self) -> list[Any]:
        """Les périodes de la plus courte à la plus longue : une note vue dans « Trimestre 1 » puis
        dans « Année continue » est gardée une seule fois, dans la période la plus précise."""
        periodes = self.onglet("périodes", "compte", lambda: list(self.client.periods)) or []
        return sorted(periodes, key=lambda p: (p.end - p.start, p.start))

    def periodes(self) -> None:
        """Les périodes élémentaires (qui n'en contiennent pas d'autre) vont dans le lot."""
        toutes = self.les_periodes()
        for p in toutes:
            englobe = any(q is not p and p.start <= q.start and q.end <= p.end for q in toutes)
            if not englobe:
                self.ajouter(
                    self.lot.periodes,
                    lambda p=p: Periode(nom=p.name, annee=annee_scolaire(p.start.date()),
                                        debut=p.start.date(), fin=p.end.date()),
                    f"période « {p.name} »",
                )

    def eleves_du_compte(self) -> Iterator[RefEleve]:
        """L'élève du compte élève, ou chacun des enfants d'un compte parent (``set_child``)."""
        if isinstance(self.client, pronotepy.ParentClient):
            infos = list(self.client.children)
        else:
            infos = [self.client.info]
        for info in infos:
            if isinstance(self.client, pronotepy.ParentClient):
                self.client.set_child(info)
            classe = info.class_name or None
            if classe is None:
                self.remarque(f"{info.name} : classe inconnue dans Pronote ; notes non importées")
            yield RefEleve(nom_complet=info.name, classe=classe)

    def eleve(self, ref: RefEleve) -> None:
        for p in self.les_periodes():
            ou = f"{ref.libelle()}, {p.name}"
            grades = self.onglet("notes", ou, lambda: p.grades)
            averages = self.onglet("moyennes", ou, lambda: p.averages)
            generale = self.onglet("moyenne générale", ou, lambda: p.overall_average)
            generale_classe = self.onglet("moyenne générale de la classe", ou, lambda: p.class_overall_average)
            absences = self.onglet("absences", ou, lambda: p.absences)
            delays = self.onglet("retards", ou, lambda: p.delays)
            punishments = self.onglet("punitions", ou, lambda: p.punishments)
            evaluations = self.onglet("compétences", ou, lambda: p.evaluations)
            for liste in (grades, averages, absences, delays, punishments, evaluations):
                self.lot.lignes_lues += len(liste or [])
            if grades and ref.classe:
                self.notes(ref, p.name, grades)
            for a in averages or []:
                self.moyenne(ref, p.name, a)
            self.moyenne_generale(ref, p.name, generale, generale_classe)
            for a in absences or []:
                self.absence(ref, a, ou)
            for d in delays or []:
                self.retard(ref, d, ou)
            for s in punishments or []:
                self.sanction(ref, s, ou)
            for e in evaluations or []:
                self.evaluation(ref, p.name, e, ou)

    # -- notes -------------------------------------------------------------------------------------

    def notes(self, ref: RefEleve, periode: str, grades: list[Any]) -> None:
        rangs: dict[tuple, int] = {}
        for g in grades:
            titre = (g.comment or "").strip()
            base = (g.subject.id, g.subject.name, g.date, titre)
            rang = rangs[base] = rangs.get(base, -1) + 1
            ou = f"{ref.libelle()}, {periode}, {g.subject.name} du {g.date:%d/%m/%Y}"
            if g.grade == "Felicitations":  # |8 : une mention de bulletin, pas une note
                self.remarque(f"{ou} : « Félicitations » n'est pas une note, ignorée")
                continue

            def note(g: Any = g, titre: str = titre, rang: int = rang) -> Note:
                devoir = Devoir(
                    classe=ref.classe,
                    matiere=g.subject.name,
                    # l'identifiant du service Pronote : deux sous-services de même libellé restent deux
                    service_source=g.subject.id or "",
                    date=g.date,
                    periode=periode,
                    titre=titre,
                    bareme=_nombre(g.out_of) or 20,
                    coefficient=_nombre(g.coefficient) if _nombre(g.coefficient) is not None else 1,
                    # pronotepy rend False quand estRamenerSur20 manque : RAMENER_SUR_20_PAR_DEFAUT
                    ramener_sur_20=g.is_out_of_20,
                    bonus=g.is_bonus,
                    facultatif=g.is_optionnal,
                    rang=rang,
                )
                statut = STATUTS_NOTE.get(g.grade.strip(), StatutNote.NOTE)
                valeur = _nombre(g.grade) if statut == StatutNote.NOTE else None
                if statut == StatutNote.NOTE and valeur is None:
                    raise ValueError(f"note vide ou illisible « {g.grade} »")
                return Note(eleve=ref, devoir=devoir, valeur=valeur, statut=statut)

            # Sans la période : la même note revue dans une période plus longue est un doublon.
            self.ajouter(self.lot.notes, note, ou, cle=(ref, base, rang))

    # -- moyennes ----------------------------------------------------------------------------------

    def moyenne(self, ref: RefEleve, periode: str, a: Any) -> None:
        ou = f"{ref.libelle()}, {periode}, moyenne de {a.subject.name}"

        def moy() -> MoyenneSource:
            # Moyennes ramenées sur 20 si le barème de l'élève est autre (rare, mais permis).
            bareme = _nombre(a.out_of) or 20
            sur20 = (lambda v: None if v is None else float(arrondi(v * 20 / bareme))) if bareme != 20 else (lambda v: v)
            return MoyenneSource(
                eleve=ref, periode=periode, matiere=a.subject.name, service_source=a.subject.id or "",
                source=SOURCE, moyenne=sur20(_moyenne(a.student)),
                moyenne_classe=sur20(_moyenne(a.class_average)),
                min_classe=sur20(_moyenne(a.min)),
                max_classe=sur20(_moyenne(a.max)),
            )

        self.ajouter(self.lot.moyennes, moy, ou)

    def moyenne_generale(self, ref: RefEleve, periode: str, eleve: str | None, classe: str | None) -> None:
        # Sans « moyGenerale », pronotepy calcule lui-même une moyenne non pondérée des matières
        # (Period.overall_average) et la rend avec un point (str(float)) ; Pronote écrit une virgule.
        # Ce calcul n'est pas celui de Pronote : il ne doit pas être gardé comme tel.
        if eleve is not None and "." in eleve:
            self.remarque(f"{ref.libelle()}, {periode} : moyenne générale non publiée par Pronote (inconnue)")
            eleve = None
        ou = f"{ref.libelle()}, {periode}, moyenne générale"
        try:
            valeurs = (_moyenne(eleve), _moyenne(classe))
        except ValueError as err:  # un texte que Pronote n'écrit pas : pas gardé, et dit
            self.remarque(f"{ou} : donnée ignorée ({err})")
            return
        if valeurs == (None, None):
            return
        self.ajouter(
            self.lot.moyennes,
            lambda: MoyenneSource(eleve=ref, periode=periode, matiere=None, source=SOURCE,
                                  moyenne=valeurs[0], moyenne_classe=valeurs[1]),
            ou,
        )

    # -- vie scolaire ------------------------------------------------------------------------------

    def absence(self, ref: RefEleve, a: Any, ou: str) -> None:
        # pronotepy ne donne ni le nombre de demi-journées (NbrJours compte des jours) ni l'état
        # « en attente de justificatif » : les demi-journées restent inconnues, le statut est
        # justifiée / non justifiée.
        self.ajouter(
            self.lot.absences,
            lambda: Absence(
                eleve=ref, debut=a.from_date, fin=a.to_date,
                statut=StatutAbsence.JUSTIFIEE if a.justified else StatutAbsence.NON_JUSTIFIEE,
                motif=", ".join(a.reasons) or None,
            ),
            f"{ou}, absence",
        )

    def retard(self, ref: RefEleve, d: Any, ou: str) -> None:
        # pronotepy met 0 minute quand Pronote ne donne pas de durée : 0 veut dire « inconnue ».
        minutes = d.minutes if d.minutes and 0 < d.minutes <= 600 else None
        if d.minutes and minutes is None:  # au-delà de 10 heures, ce n'est pas un retard : pas gardé, et dit
            self.remarque(f"{ou}, retard : durée de {d.minutes} minutes invraisemblable, gardée inconnue")
        self.ajouter(
            self.lot.retards,
            lambda: Retard(eleve=ref, date=d.date, minutes=minutes, justifie=bool(d.justified),
                           motif=", ".join(d.reasons) or d.justification or None),
            f"{ou}, retard",
        )

    def sanction(self, ref: RefEleve, s: Any, ou: str) -> None:
        jour = s.given.date() if isinstance(s.given, dt.datetime) else s.given
        # « Sanction » ou « punition » : la même liste fermée (R511-13) que l'export des punitions ;
        # l'exclusion, elle, est dite par Pronote (estUneExclusion).
        _, disciplinaire = qualifier(s.nature)
        self.ajouter(
            self.lot.sanctions,
            lambda: Sanction(
                eleve=ref, date=jour, nature=s.nature, motif=", ".join(s.reasons) or None,
                exclusion=bool(s.exclusion),
                disciplinaire=disciplinaire,
                donnee_par=s.giver or None,
            ),
            f"{ou}, punition",
        )

    # -- compétences -------------------------------------------------------------------------------

    def evaluation(self, ref: RefEleve, periode: str, e: Any, ou: str) -> None:
        for acq in e.acquisitions:
            # L'abréviation d'abord (« A+ »), sinon le libellé (« Très bonne maîtrise ») ; un niveau
            # inconnu du réglage n'est jamais deviné : il devient une remarque.
            lu = self.bareme.lire(acq.abbreviation or "") or self.bareme.lire(acq.level or "")
            item = acq.name or e.name
            libelle = acq.abbreviation or acq.level
            if lu is None:
                self.remarque(f"{ou}, compétence « {item} » : niveau « {libelle} » inconnu du réglage "
                              f"(niveaux connus : {self.bareme.connus()}) ; ignorée", "compétences")
                continue
            # Comme le relevé exporté : « socle » et le code de la composante (le pilier « D1.3 »),
            # sinon la matière comme référentiel et le domaine de Pronote.
            code = composante(acq.pillar_prefix or "") or composante(acq.pillar or "")
            self.ajouter(
                self.lot.evaluations,
                lambda acq=acq, lu=lu, item=item, libelle=libelle, code=code: Evaluation(
                    eleve=ref,
                    referentiel="socle" if code else e.subject.name,
                    domaine=code or acq.domain,
                    item=item,
                    niveau=lu[0],
                    libelle_source=libelle,
                    statut=lu[1],
                    date=e.date,
                    periode=periode,
                    contexte=e.subject.name,
                    evaluateur=e.teacher or None,
                ),
                f"{ou}, compétence « {item} » ({libelle})",
                cle=(ref, acq.domain, item, e.date, e.subject.name),
            )

    # -- effectif (compte vie scolaire) ------------------------------------------------------------

    def effectif(self) -> None:
        """Un compte vie scolaire voit les listes de classes : c'est un effectif (nom, classe, date
        de naissance), il peut créer les élèves. pronotepy ne lui donne pas les notes des élèves."""
        self.lot.effectif = True
        self.periodes()
        classes = self.onglet("classes", "compte vie scolaire", lambda: list(self.client.classes)) or []
        for c in classes:
            eleves = self.onglet("liste des élèves", f"classe {c.name}", c.students) or []
            self.lot.lignes_lues += len(eleves)
            for s in eleves:
                self.ajouter(
                    self.lot.eleves,
                    lambda s=s, c=c: Eleve(
                        nom=s.last_name, prenom=s.first_names, classe=c.name,
                        date_naissance=s.date_of_birth, entree=s.enrollment_date, sexe=_sexe(s.sex),
                        accompagnement=_accompagnement(s.projects),
                    ),
                    f"classe {c.name}, élève {s.full_name}",
                )


# --- Conversions -------------------------------------------------------------------------------------


def _nombre(texte: str | None) -> float | None:
    """« 15,50 » → 15.5 ; vide → None ; lève ValueError sur un texte qui n'est pas un nombre."""
    return None if texte is None else nombre(str(texte))


def _moyenne(texte: str | None) -> float | None:
    """Une moyenne Pronote ; absente (``None`` chez pronotepy), « pas de valeur » (la liste commune à tous
    les connecteurs Pronote, :data:`connectors.pronote_csv.SANS_VALEUR`), note spéciale (``|1``… que
    pronotepy traduit en « Absent », « Dispense »…, :data:`STATUTS_NOTE`) ou -1 → None (« inconnue »),
    jamais 0. Tout autre texte lève ValueError : l'enregistrement devient une remarque."""
    if texte is None or sans_valeur(str(texte)) or str(texte).strip() in STATUTS_NOTE:
        return None
    v = nombre(str(texte))
    return None if v is None or v < 0 else v


def _sexe(texte: str | None) -> str | None:
    t = cle_entete(texte or "")[:1]
    return {"f": "F", "m": "M", "g": "M"}.get(t)


def _accompagnement(projets: list[str]) -> frozenset[str]:
    """« PAP (dyslexie) » → {"PAP"} : seul le type d'aménagement est gardé, jamais le motif."""
    types = {p.split("(")[0].strip().upper() for p in projets}
    return frozenset(a for a in ACCOMPAGNEMENTS if a in types)


def _erreur(err: Exception) -> str:
    if isinstance(err, ValidationError):
        return messages.erreur(err.errors()[0])
    return str(err)
