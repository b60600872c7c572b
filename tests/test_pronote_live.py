"""Connecteur ``pronote-live`` sans réseau : les vraies classes de pronotepy sur des réponses Pronote.

Seule la couche réseau de pronotepy est remplacée (``client.communication``) : ``Period.grades``,
``ParentClient.set_child``, ``ClientBase.post`` et ``export_credentials`` sont ceux de pronotepy, et les
réponses JSON (tests/fixtures/pronote_live/) ont la forme de celles de Pronote.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import stat
from pathlib import Path
from typing import Any

import pronotepy
import pytest
from pronotepy.dataClasses import ClientInfo, Period, StudentClass

import connectors
from connectors import pronote_live
from models.errors import ImportRejected, VigieError
from models.records import StatutAbsence, StatutCompetence, StatutNote
from models.warehouse import Warehouse

from .conftest import FIXTURES

ONGLETS = {7, 19, 49, 105, 198, 201}  # présence, infos perso, ressources, notes, compétences
_jetons = itertools.count(2)


class FauxReseau:
    """Remplace ``pronotepy.pronoteAPI._Communication`` : répond depuis les fichiers de test."""

    def __init__(self, reponses: dict[str, Any], onglets: set[int]) -> None:
        self.reponses = reponses
        self.authorized_onglets = sorted(onglets)
        self.appels: list[str] = []

    def post(self, fonction: str, donnees: dict[str, Any]) -> dict[str, Any]:
        self.appels.append(fonction)
        signature = donnees.get("Signature", {})
        # Comme _Communication.post : un onglet fermé par l'établissement est refusé.
        if "Signature" in donnees and signature.get("onglet") not in self.authorized_onglets:
            raise pronotepy.PronoteAPIError("Action not permitted. (onglet is not normally accessible)")
        data = donnees.get("data", {})
        cle = (data.get("classe") or data.get("Periode") or data.get("periode") or {}).get("N")
        membre = signature.get("membre", {}).get("N") or next(iter(self.reponses))
        return {"dataSec": {"data": copy.deepcopy(self.reponses[membre][fonction][cle])}}


def faux_client(compte: str, onglets: set[int] = ONGLETS) -> Any:
    """Un vrai client pronotepy (sans ``__init__``, qui irait sur le réseau) sur :class:`FauxReseau`."""
    s = json.loads((FIXTURES / "pronote_live" / f"{compte}.json").read_text(encoding="utf-8"))
    base = {"eleve": pronotepy.Client, "parent": pronotepy.ParentClient,
            "vie_scolaire": pronotepy.VieScolaireClient}[compte]

    class Faux(base):  # type: ignore[misc, valid-type]
        def refresh(self) -> None:
            # La vraie reconnexion (_login en mode jeton) remplace le jeton : on la simule.
            self.password = f"jeton-{next(_jetons)}"

    c = Faux.__new__(Faux)
    c.communication = FauxReseau(s["reponses"], onglets)
    c._refreshing = False
    c.pronote_url = f"https://0750001a.index-education.net/pronote/mobile.{compte.replace('_', '')}.html"
    c.username, c.password, c.uuid, c.client_identifier = "jdupont", "jeton-1", "vigie-test", "ident-nav"
    c.login_mode, c.logged_in, c.ent = "token", True, None
    c.func_options = {"dataSec": {"data": {"General": {"ListeHeures": {"V": s["ListeHeures"]}}}}}
    c.periods_ = [Period(c, p) for p in s["ListePeriodes"]]
    if compte == "eleve":
        c.parametres_utilisateur = {"dataSec": {"data": {"ressource": s["ressource"]}}}
        c.info = ClientInfo(c, s["ressource"])
    elif compte == "parent":
        c.children = [ClientInfo(c, r) for r in s["enfants"]]
        c._selected_child = c.children[0]
        c.parametres_utilisateur = {"dataSec": {"data": {"ressource": s["enfants"][0]}}}
        c.info = ClientInfo(c, {"N": "P1", "G": 5, "L": "DUPONT Paul"})
    else:
        c.classes = [StudentClass(c, j) for j in s["classes"]]
    return c


@pytest.fixture(autouse=True)
def _periodes_pronotepy() -> Any:
    """``Period.instances`` est global dans pronotepy (``Grade.period`` y cherche) : on le remet."""
    avant = set(Period.instances)
    yield
    Period.instances = avant


@pytest.fixture
def ident(tmp_path: Path) -> Path:
    return tmp_path / "vigie" / "pronote-live.json"


def par_titre(lot: Any) -> dict[tuple[str, int], Any]:
    return {(n.devoir.titre, n.devoir.rang): n for n in lot.notes}


# --- Notes ---------------------------------------------------------------------------------------------


def test_notes_normales_speciales_et_options(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("eleve"))
    notes = par_titre(lot)
    # 11 notes au T1, 1 au T2 ; celles que « Année continue » remontre ne sont pas doublées.
    assert len(lot.notes) == 12
    n = notes[("Contrôle fractions", 0)]
    assert (n.valeur, n.statut, n.devoir.coefficient, n.devoir.bareme) == (15.5, StatutNote.NOTE, 2, 20)
    assert (n.devoir.periode, n.devoir.classe, n.devoir.matiere) == ("Trimestre 1", "3A", "MATHEMATIQUES")
    assert n.devoir.date == dt.date(2025, 9, 15)
    assert n.eleve.nom_complet == "DUPONT Jean-Marie" and n.eleve.classe == "3A"
    # Même jour, même titre : deux devoirs distincts.
    assert notes[("Contrôle fractions", 1)].valeur == 12
    assert notes[("Contrôle fractions", 1)].devoir.devoir_id() != n.devoir.devoir_id()
    attendus = {
        "DM 1": StatutNote.ABSENT,  # |1
        "Dictée": StatutNote.DISPENSE,  # |2
        "Rédaction": StatutNote.NON_NOTE,  # |3
        "Course": StatutNote.INAPTE,  # |4
        "Exposé": StatutNote.NON_RENDU,  # |5
        "Oral": StatutNote.ABSENT_ZERO,  # |6
        "Quiz": StatutNote.NON_RENDU_ZERO,  # |7
    }
    for titre, statut in attendus.items():
        assert (notes[(titre, 0)].statut, notes[(titre, 0)].valeur) == (statut, None), titre
    bonus = notes[("Calcul mental", 0)]
    assert (bonus.valeur, bonus.devoir.bareme, bonus.devoir.bonus, bonus.devoir.facultatif) == (8, 10, True, False)
    assert bonus.devoir.ramener_sur_20 is False
    tp = notes[("TP circuits", 0)]
    assert (tp.valeur, tp.devoir.coefficient, tp.devoir.facultatif, tp.devoir.ramener_sur_20) == (7.5, 0.5, True, True)
    assert notes[("Dissertation", 0)].devoir.periode == "Trimestre 2"


def test_periodes_elementaires_seulement(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("eleve"))
    assert [(p.nom, p.annee, p.debut, p.fin) for p in lot.periodes] == [
        ("Trimestre 1", "2025-2026", dt.date(2025, 9, 1), dt.date(2025, 11, 30)),
        ("Trimestre 2", "2025-2026", dt.date(2025, 12, 1), dt.date(2026, 3, 8)),
    ]


# --- Moyennes ------------------------------------------------------------------------------------------


def test_moyennes_pronote_et_moyennes_masquees(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("eleve"))
    m = {(x.periode, x.matiere): x for x in lot.moyennes}
    maths = m[("Trimestre 1", "MATHEMATIQUES")]
    assert (maths.moyenne, maths.moyenne_classe, maths.min_classe, maths.max_classe) == (13.25, 11.4, 6.0, 18.5)
    assert maths.source == "pronote-live"
    # Masquée (vide) ou non notée (|3) : inconnue, jamais 0 ; la moyenne de classe reste.
    assert m[("Trimestre 1", "FRANCAIS")].moyenne is None
    assert m[("Trimestre 1", "FRANCAIS")].moyenne_classe == 10.8
    assert m[("Trimestre 1", "HISTOIRE-GEOGRAPHIE")].moyenne is None
    generale = m[("Trimestre 1", None)]
    assert (generale.moyenne, generale.moyenne_classe) == (12.8, 11.05)
    assert m[("Année continue", None)].moyenne == 12.9
    assert m[("Année continue", "MATHEMATIQUES")].moyenne == 13.6
    # T2 : Pronote ne publie pas de moyenne générale ; pronotepy en calcule une (12.5) : pas gardée.
    assert ("Trimestre 2", None) not in m
    assert m[("Trimestre 2", "MATHEMATIQUES")].moyenne == 14.0
    assert any("Trimestre 2 : moyenne générale non publiée" in a.message for a in lot.anomalies)


# --- Onglet fermé ---------------------------------------------------------------------------------------


def test_onglet_ferme_donne_une_remarque_et_le_reste_est_importe(ident: Path) -> None:
    client = faux_client("eleve", ONGLETS - {201})  # compétences fermées par l'établissement
    lot = pronote_live.lire(ident, client=client)
    assert lot.evaluations == []
    fermes = [a for a in lot.anomalies if a.colonne == "compétences"]
    assert len(fermes) == 3  # une par période
    assert "Action not permitted" in fermes[0].message
    assert len(lot.notes) == 12 and len(lot.absences) == 2 and len(lot.sanctions) == 3
    # pronotepy s'est reconnecté après le refus (nouveau jeton) : c'est le dernier qui est enregistré.
    assert client.password != "jeton-1"
    assert json.loads(ident.read_text())["password"] == client.password


def test_tous_les_onglets_fermes_rien_ne_casse(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("eleve", {7}))
    assert lot.notes == lot.moyennes == lot.absences == lot.evaluations == []
    assert {a.colonne for a in lot.anomalies} == {
        "notes", "moyennes", "moyenne générale", "moyenne générale de la classe", "absences", "retards",
        "punitions", "compétences",
    }


# --- Vie scolaire et compétences ---------------------------------------------------------------------------


def test_absences_retards_punitions(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("eleve"))
    absences = sorted(lot.absences, key=lambda a: a.debut)
    assert [(a.debut, a.fin, a.statut, a.motif) for a in absences] == [
        (dt.datetime(2025, 10, 6, 8), dt.datetime(2025, 10, 6, 12), StatutAbsence.JUSTIFIEE, "Maladie"),
        (dt.datetime(2025, 11, 13, 8), dt.datetime(2025, 11, 13, 17), StatutAbsence.NON_JUSTIFIEE, None),
    ]
    assert all(a.demi_journees_brutes is None for a in absences)  # pronotepy ne les donne pas
    retards = sorted(lot.retards, key=lambda r: r.date)
    assert [(r.date, r.minutes, r.justifie, r.motif) for r in retards] == [
        (dt.datetime(2025, 9, 16, 8, 10), 10, False, "Transport"),
        (dt.datetime(2025, 11, 17, 13, 35), None, True, "Rendez-vous médical"),  # durée inconnue, pas 0
    ]
    s = {x.nature: x for x in lot.sanctions}
    assert len(lot.sanctions) == 3
    excl = s["Exclusion de cours"]
    # Donnée en cours : pronotepy date l'heure (place 2 = 09h00), on garde le jour.
    assert (excl.date, excl.exclusion, excl.disciplinaire, excl.motif, excl.donnee_par) == (
        dt.date(2025, 10, 20), True, False, "Insolence", "M. BERNARD")
    assert s["Retenue"].motif == "Travail non fait, Oubli de matériel"
    assert s["Retenue"].exclusion is False
    assert s["Avertissement"].disciplinaire is True


def test_competences_niveaux_et_statuts(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("eleve"))
    e = {x.item: x for x in lot.evaluations}
    assert len(lot.evaluations) == 4  # la 5e a un niveau inconnu ; l'« Année continue » ne double rien
    assert (e["Calculer avec des fractions"].niveau, e["Calculer avec des fractions"].libelle_source) == (4, "A+")
    assert e["Comparer des fractions"].niveau == 2
    assert (e["Résoudre un problème"].statut, e["Résoudre un problème"].niveau) == (StatutCompetence.ABSENT, None)
    assert e["Représenter une fraction"].niveau == 4  # abréviation propre à l'établissement, libellé connu
    assert e["Représenter une fraction"].libelle_source == "V"
    x = e["Calculer avec des fractions"]
    assert (x.referentiel, x.domaine, x.date, x.periode, x.contexte, x.evaluateur) == (
        "socle", "CPD_SCI", dt.date(2025, 9, 17), "Trimestre 1", "MATHEMATIQUES", "Mme KLEIN")
    assert any("« Simplifier une fraction » : niveau « ? » inconnu" in a.message for a in lot.anomalies)


def test_niveaux_de_l_etablissement(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("eleve"), niveaux={"?": 3})
    assert {x.item: x.niveau for x in lot.evaluations}["Simplifier une fraction"] == 3


def test_classe_inconnue_notes_mises_de_cote(ident: Path) -> None:
    client = faux_client("eleve")
    client.info = ClientInfo(client, {"N": "E1", "G": 4, "L": "DUPONT Jean-Marie"})
    lot = pronote_live.lire(ident, client=client)
    assert lot.notes == []  # un devoir se rattache à une classe
    assert any("classe inconnue" in a.message for a in lot.anomalies)
    assert {m.eleve.classe for m in lot.moyennes} == {None} and len(lot.absences) == 2


# --- Comptes parent et vie scolaire -------------------------------------------------------------------------


def test_compte_parent_lit_chaque_enfant(ident: Path) -> None:
    client = faux_client("parent")
    lot = pronote_live.lire(ident, client=client)
    assert {(n.eleve.nom_complet, n.eleve.classe, n.devoir.matiere, n.valeur) for n in lot.notes} == {
        ("LEFÈVRE Chloé Anne", "3A", "MATHEMATIQUES", 17.0),
        ("MARTIN Lucas", "3B", "TECHNOLOGIE", 9.5),
    }
    assert [(r.eleve.nom_complet, r.minutes) for r in lot.retards] == [("MARTIN Lucas", 10)]
    assert lot.effectif is False and lot.eleves == []
    assert json.loads(ident.read_text())["compte"] == "parent"


def test_compte_vie_scolaire_donne_l_effectif(ident: Path) -> None:
    lot = pronote_live.lire(ident, client=faux_client("vie_scolaire"))
    assert lot.effectif is True
    e = {(x.nom, x.classe): x for x in lot.eleves}
    assert set(e) == {("DUPONT", "3A"), ("N'DIAYE", "3A"), ("MARTIN", "3B")}
    aissa = e[("N'DIAYE", "3A")]
    assert (aissa.prenom, aissa.date_naissance, aissa.sexe) == ("Aïssa", dt.date(2011, 1, 20), "F")
    # Seul le drapeau est gardé, jamais le motif de l'aménagement.
    assert aissa.accompagnement == frozenset({"PAP"})
    assert "Troubles" not in repr(lot.model_dump())


# --- Identifiants --------------------------------------------------------------------------------------------


class FauxPronote:
    """Les points d'entrée de connexion de pronotepy, sans réseau ; chaque connexion donne un jeton neuf."""

    journal: list[tuple[str, Any]] = []

    def __init__(self, url: str, username: str, password: str, ent: Any = None, **kw: Any) -> None:
        FauxPronote.journal.append(("mot_de_passe", (url, username, ent)))
        self.login_mode, self.logged_in = "normal", True
        self.pronote_url, self.username, self.password = url, username, password

    def request_qr_code_data(self, pin: str) -> dict[str, str]:
        return {"url": self.pronote_url, "login": "AB", "jeton": "CD", "pin": pin}

    @classmethod
    def _jeton(cls, url: str) -> Any:
        c = faux_client("eleve")
        c.password, c.pronote_url = f"jeton-{next(_jetons)}", url
        return c

    @classmethod
    def qrcode_login(cls, qr: dict[str, str], pin: str, uuid: str, **kw: Any) -> Any:
        if qr.get("pin", pin) != pin:
            raise pronotepy.QRCodeDecryptError("invalid confirmation code")
        FauxPronote.journal.append(("qrcode", (qr["url"], uuid)))
        return cls._jeton(qr["url"])

    @classmethod
    def token_login(cls, **ident: Any) -> Any:
        FauxPronote.journal.append(("jeton", ident["password"]))
        if ident["password"] == "jeton-perime":
            raise pronotepy.CryptoError("exception happened during login")
        return cls._jeton(ident["pronote_url"])


@pytest.fixture
def pronote(monkeypatch: pytest.MonkeyPatch) -> type[FauxPronote]:
    FauxPronote.journal = []
    monkeypatch.setitem(pronote_live.CLASSES, "eleve", FauxPronote)
    return FauxPronote


def _mode(chemin: Path) -> int:
    return stat.S_IMODE(chemin.stat().st_mode)


def test_configurer_par_qr_code_puis_connecter(ident: Path, pronote: type[FauxPronote]) -> None:
    qr = {"url": "https://0750001a.index-education.net/pronote/eleve.html", "login": "AB", "jeton": "CD"}
    client = pronote_live.configurer(ident, qrcode=qr, pin="1234")
    enregistre = json.loads(ident.read_text())
    assert _mode(ident) == 0o600
    assert enregistre["compte"] == "eleve" and enregistre["password"] == client.password
    uuid = enregistre["uuid"]
    # Connexion suivante : le jeton enregistré sert, le nouveau le remplace aussitôt (fichier en 0600).
    client2 = pronote_live.connecter(ident)
    assert pronote.journal[-1] == ("jeton", client.password)
    apres = json.loads(ident.read_text())
    assert apres["password"] == client2.password != client.password
    assert apres["uuid"] == uuid  # l'UUID de l'application ne doit pas changer
    assert _mode(ident) == 0o600
    assert not list(ident.parent.glob(".*tmp"))


def test_configurer_par_mot_de_passe_n_ecrit_jamais_le_mot_de_passe(ident: Path, pronote: type[FauxPronote]) -> None:
    pronote_live.configurer(ident, url="https://0750001a.index-education.net/pronote/eleve.html",
                            utilisateur="jdupont", mot_de_passe="S3cret-ENT!", ent="ile_de_france")
    texte = ident.read_text()
    assert "S3cret-ENT!" not in texte
    assert pronote.journal[0] == ("mot_de_passe", ("https://0750001a.index-education.net/pronote/eleve.html",
                                                   "jdupont", pronotepy.ent.ile_de_france))
    assert pronote.journal[1][0] == "qrcode"  # le mot de passe est échangé contre un jeton
    assert _mode(ident) == 0o600


def test_ent_inconnu_et_adresse_inconnue(ident: Path, pronote: type[FauxPronote]) -> None:
    with pytest.raises(ImportRejected, match="ENT inconnu « ent_imaginaire »"):
        pronote_live.configurer(ident, url="https://x/pronote/eleve.html", utilisateur="a",
                                mot_de_passe="b", ent="ent_imaginaire")
    with pytest.raises(ImportRejected, match="professeur"):
        pronote_live.configurer(ident, url="https://x/pronote/professeur.html", utilisateur="a", mot_de_passe="b")
    assert not ident.exists()


def test_refus_de_connexion_lisibles(ident: Path, pronote: type[FauxPronote]) -> None:
    with pytest.raises(ImportRejected, match="introuvables"):
        pronote_live.connecter(ident)
    qr = {"url": "https://x/pronote/eleve.html", "login": "AB", "jeton": "CD", "pin": "1234"}
    with pytest.raises(ImportRejected, match="code du QR code incorrect"):
        pronote_live.configurer(ident, qrcode=qr, pin="9999")
    ident.parent.mkdir(parents=True, exist_ok=True)
    ident.write_text(json.dumps({"compte": "eleve", "pronote_url": "https://x/pronote/eleve.html",
                                 "username": "u", "password": "jeton-perime", "uuid": "v"}))
    with pytest.raises(ImportRejected, match="expiré"):
        pronote_live.lire(ident)


def test_jamais_d_enregistrement_d_un_client_par_mot_de_passe(ident: Path) -> None:
    client = faux_client("eleve")
    client.login_mode, client.password = "normal", "S3cret!"
    with pytest.raises(VigieError, match="mot de passe"):
        pronote_live.enregistrer(client, ident)
    assert not ident.exists()


def test_lire_se_connecte_par_le_jeton_enregistre(ident: Path, pronote: type[FauxPronote]) -> None:
    pronote_live.configurer(ident, qrcode={"url": "https://x/pronote/eleve.html", "login": "A", "jeton": "B"},
                            pin="1234")
    jeton = json.loads(ident.read_text())["password"]
    lot = pronote_live.lire(ident)
    assert pronote.journal[-1] == ("jeton", jeton)
    assert len(lot.notes) == 12
    assert json.loads(ident.read_text())["password"] != jeton


# --- Jusqu'à l'entrepôt --------------------------------------------------------------------------------------


def test_import_dans_l_entrepot(ecole: Warehouse, ident: Path) -> None:
    lot = connectors.lire("pronote-live", ident, client=faux_client("eleve"))  # par le registre
    res = ecole.importer(lot)
    assert res.statut == "reussi", res.message
    assert res.non_rapproches == []
    eid = ecole.valeur("SELECT eleve_id FROM eleves WHERE nom = 'DUPONT'")
    notes = ecole.sql("SELECT * FROM notes WHERE eleve_id = $e ORDER BY date, devoir", {"e": eid})
    assert notes.height == 12
    assert notes.filter(notes["statut"] == "absent_zero")["devoir"].to_list() == ["Oral"]
    assert notes.filter(notes["devoir"] == "Calcul mental")["bonus"].to_list() == [True]
    moy = ecole.sql("SELECT periode, matiere, moyenne, moyenne_classe, annee, source FROM moyennes_pronote "
                    "ORDER BY periode, matiere NULLS FIRST")
    assert moy.filter((moy["periode"] == "Trimestre 1") & (moy["matiere"] == "FRANCAIS")).row(0)[2:] == (
        None, 10.8, "2025-2026", "pronote-live")
    assert ecole.valeur("SELECT count(*) FROM absences WHERE eleve_id = ?", [eid]) == 2
    assert ecole.valeur("SELECT count(*) FROM retards") == 2
    assert ecole.valeur("SELECT count(*) FROM sanctions WHERE disciplinaire") == 1
    assert ecole.valeur("SELECT count(*) FROM competences WHERE niveau IS NOT NULL") == 3
    # Une seconde lecture (nouvelle session, nouveaux identifiants pronotepy) ne change rien.
    res2 = ecole.importer(pronote_live.lire(ident, client=faux_client("eleve")))
    assert (res2.statut, res2.lignes_inserees, res2.lignes_mises_a_jour) == ("reussi", 0, 0)
