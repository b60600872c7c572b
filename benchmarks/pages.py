"""Cas (b) : chaque page du tableau de bord, **utilisateur connecté**, pour chaque rôle qui la voit, à froid
et à chaud — en temps de script (``streamlit.testing.v1.AppTest``) et dans un vrai navigateur (Playwright et
le chromium de Debian), de la navigation à la page rendue.

Chaque rôle a un compte local (:mod:`models.acces`) dans une copie de l'entrepôt mesuré ; la connexion passe
par le formulaire, comme pour un utilisateur. Une mesure n'est gardée que si la page affichée est bien
celle qu'on mesure : son titre (``st.title`` de la page) et son contenu principal (graphique, tableau ou
indicateurs, :data:`CONTENU`) sont présents, et le formulaire de connexion absent — sinon la ligne est en
erreur (une première version mesurait, sans le dire, le formulaire de connexion).

- **Temps de script** : ``AppTest`` dans ce processus ; *à froid* = caches ``st.cache_data`` et
  ``st.cache_resource`` vidés juste avant le passage (modules déjà importés) ; *à chaud* = la même page
  relancée, caches pleins (un filtre changé, un retour sur la page). Le temps CPU médian du processus
  (utilisateur + système, fils de DuckDB compris) est donné à côté de l'horloge : sur une machine
  partagée, c'est lui qui dit ce que coûte la page.
- **Navigateur** : un serveur ``streamlit run`` neuf par rôle ; connexion par le formulaire, puis chaque
  page visitée une fois (modules importés). *À froid* : caches vidés (« Clear cache » de Streamlit, touche
  ``c`` ; Streamlit vide aussi la session), reconnexion — l'accueil, page d'arrivée, est le seul affiché
  avant —, puis clic sur la page dans la barre latérale (pour l'accueil : du clic sur « Se connecter » à
  l'accueil rendu, vérification du mot de passe comprise) ; *à chaud* : aller sur une autre page puis
  revenir. Le chronomètre court du clic jusqu'à la page rendue : script terminé
  (``data-test-script-state="notRunning"``), titre de la page présent, aucun élément périmé, contenu
  principal dessiné (``canvas``/``svg`` de Vega pour un graphique). La première connexion (serveur neuf,
  du clic sur « Se connecter » à l'accueil rendu) est une ligne à part.
"""

from __future__ import annotations

import ast
import os
import re
import resource
import shutil
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.outils import navigateur as outils_navigateur
from tests.outils.navigateur import CHROMIUM, chromium

from .jeux import RACINE
from .mesure import Mesure

APP = RACINE / "dashboard" / "app.py"
#: Cibles du ticket, dans le navigateur.
CIBLE_CHAUD = 1.0
CIBLE_FROID = 2.0

#: Ce qui prouve qu'une page est affichée (en plus de son titre) : son contenu principal.
CONTENU: dict[str, tuple[str, ...]] = {
    "accueil": ("metrique", "tableau"),
    "imports": ("tableau",),
    "classe": ("graphique", "tableau"),
    "conseil": ("graphique", "tableau"),
    "eleve": ("graphique",),
    "absences": ("graphique",),
    "alertes": ("metrique",),
    "competences": ("graphique",),
    "pix": ("graphique", "tableau"),
}
#: Exceptions par rôle : le CPE ne voit aucune note, sa fiche élève s'ouvre sur un onglet sans graphique.
CONTENU_ROLE: dict[tuple[str, str], tuple[str, ...]] = {("eleve", "cpe"): ("onglets",)}
#: Le même contenu, dans la page rendue par le navigateur.
SELECTEURS = {
    "graphique": ".vega-embed canvas, .vega-embed svg",
    "tableau": '[data-testid="stDataFrame"]',
    "metrique": '[data-testid="stMetric"]',
    "onglets": '[data-testid="stTabs"]',
}
CONTENU["plancher_a"] = CONTENU["plancher_b"] = ("metrique",)
MOT_DE_PASSE = "mesure des pages 2026"


@dataclass(frozen=True)
class Page:
    nom: str  # « conseil »
    fichier: Path
    lien: str  # le libellé dans la barre latérale (``st.Page(title=…)``)
    titre: str  # le ``st.title`` de la page


@dataclass(frozen=True)
class Compte:
    role: str
    identifiant: str
    classes: tuple[str, ...]


def _app_litteral(nom: str) -> object:
    """La valeur littérale affectée à ``nom`` dans app.py (``PAGES_PAR_ROLE``, ``_groupes``)."""
    arbre = ast.parse(APP.read_text(encoding="utf-8"))
    for noeud in arbre.body:
        if isinstance(noeud, ast.Assign) and any(isinstance(c, ast.Name) and c.id == nom for c in noeud.targets):
            return ast.literal_eval(noeud.value)
    raise LookupError(f"{nom} absent de {APP}")


def pages() -> list[Page]:
    """Les pages que l'application déclare à ``st.navigation``, avec leur lien et leur titre."""
    texte = APP.read_text(encoding="utf-8")
    dossier = re.search(r'_PAGES\s*=\s*Path\(__file__\)\.parent\s*/\s*"([^"]+)"', texte)
    racine = APP.parent / (dossier.group(1) if dossier else "pages")
    out = []
    for groupe in _app_litteral("_groupes").values():  # type: ignore[union-attr]
        for fichier, lien, _ in groupe:
            chemin = racine / fichier
            titre = re.search(r'^st\.title\("([^"]+)"\)', chemin.read_text(encoding="utf-8"), re.M)
            if titre is None:
                raise LookupError(f"{chemin} : pas de st.title(…) reconnaissable")
            out.append(Page(chemin.stem, chemin, lien, titre.group(1)))
    return out


def pages_par_role() -> dict[str, list[Page]]:
    """Rôle → les pages qu'il voit (``PAGES_PAR_ROLE`` d'app.py ; ``None`` = toutes)."""
    toutes = pages()
    permises = _app_litteral("PAGES_PAR_ROLE")
    return {role: [p for p in toutes if noms is None or p.nom in noms]
            for role, noms in permises.items()}  # type: ignore[union-attr]


def preparer(source: Path, dossier: Path) -> tuple[Path, dict[str, Compte]]:
    """Une copie de l'entrepôt ``source`` (servie avec connexion) et un compte par rôle.

    Le professeur principal et l'enseignant ont deux classes où chaque page a de quoi s'afficher (voir
    plus bas) ; le coordonnateur ULIS voit les élèves du dispositif."""
    from models import acces
    from models.warehouse import lecture, ecriture

    dossier.mkdir(parents=True, exist_ok=True)
    db = dossier / "pages.duckdb"
    for f in dossier.iterdir():
        f.unlink()
    shutil.copyfile(source, db)
    with ecriture(db) as wh:  # une école fictive s'ouvre sans connexion : ici, on veut la connexion
        wh.con.execute("DELETE FROM t_meta WHERE cle = 'demo'")
    from models.alertes import alertes

    with lecture(db) as wh:
        # Des classes où chaque page a quelque chose à montrer : une page vide (« Aucune alerte ») ne se
        # mesure pas, elle serait refusée. Dans une cité scolaire, les compétences sont au collège et Pix au
        # lycée : la classe du collège qui a le plus d'alertes parmi celles qui ont des évaluations, et celle
        # du lycée qui en a le plus parmi celles qui ont des profils Pix.
        nb_alertes = dict(alertes(wh).group_by("classe").len().iter_rows())
        effectifs = dict(wh.con.execute(
            "SELECT classe, count(*) FROM eleves WHERE classe IS NOT NULL GROUP BY classe").fetchall())

        def meilleure(vue: str) -> list[str]:
            avec = {c for (c,) in wh.con.execute(
                f"SELECT DISTINCT e.classe FROM {vue} JOIN eleves e USING (eleve_id)").fetchall()} & set(nb_alertes)
            return sorted(avec, key=lambda c: (-nb_alertes[c], -effectifs.get(c, 0), c))[:1]

        classes = list(dict.fromkeys(meilleure("competences") + meilleure("pix_profils")))
        classes = classes or sorted(effectifs, key=lambda c: (-effectifs[c], c))[:1]
    portees = {"professeur_principal": tuple(classes), "enseignant": tuple(classes)}
    comptes = {}
    for role in acces.ROLES:
        c = Compte(role, f"mesure_{role}", portees.get(role, ()))
        acces.ajouter_compte(db, c.identifiant, role, MOT_DE_PASSE, nom=f"Mesure {role}", classes=c.classes)
        comptes[role] = c
    return db, comptes


@contextmanager
def _environnement(db: Path) -> Iterator[None]:
    anciens = {k: os.environ.get(k) for k in ("VIGIE_DB", "VIGIE_DEMO", "VIGIE_COMPTES")}
    os.environ["VIGIE_DB"] = str(db)
    os.environ.pop("VIGIE_DEMO", None)
    os.environ.pop("VIGIE_COMPTES", None)
    try:
        yield
    finally:
        for k, v in anciens.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- Temps de script (AppTest) ---------------------------------------------------------------------------


def contenu(page: Page, role: str) -> tuple[str, ...]:
    return CONTENU_ROLE.get((page.nom, role), CONTENU.get(page.nom, ()))


def contenu_absent(at, page: Page, role: str) -> str | None:  # noqa: ANN001
    """``None`` si ``at`` montre bien ``page`` (titre, contenu principal, pas de connexion) ; sinon ce qui
    manque."""
    if at.exception:
        return "exception : " + str(at.exception[0].message)[:120]
    if any(t.label == "Identifiant" for t in at.text_input):
        return "formulaire de connexion affiché"
    if not any(t.value == page.titre for t in at.title):
        return f"titre « {page.titre} » absent"
    trouves = {"graphique": bool(at.get("vega_lite_chart")), "tableau": bool(at.dataframe),
               "metrique": bool(at.metric), "onglets": bool(at.tabs)}
    manque = [k for k in contenu(page, role) if not trouves[k]]
    return f"contenu absent : {', '.join(manque)}" if manque else None


def _connecter_apptest(compte: Compte):  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()
    if [t.label for t in at.text_input] != ["Identifiant", "Mot de passe"]:
        raise RuntimeError("le formulaire de connexion n'est pas affiché (entrepôt servi sans connexion ?)")
    at.text_input[0].input(compte.identifiant)
    at.text_input[1].input(MOT_DE_PASSE)
    at.button[0].click().run()
    if not any(c.value.startswith("Connecté : ") for c in at.caption):
        raise RuntimeError(f"connexion de {compte.identifiant} refusée")
    return at


def _cpu() -> float:
    """Temps CPU de ce processus (utilisateur + système, tous ses fils : le script AppTest et DuckDB), en s."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def mesurer_script(db: Path, comptes: dict[str, Compte], passages: int, nom_jeu: str,
                   roles: list[str] | None = None) -> list[Mesure]:
    """Temps de script, à froid et à chaud, de chaque page pour chaque rôle qui la voit."""
    import streamlit as st

    from streamlit.testing.v1 import AppTest

    plancher = Mesure("b", f"script, plancher : page Streamlit presque vide, à chaud ({nom_jeu})", [],
                      detail="benchmarks/plancher_app.py")
    at = AppTest.from_file(str(PLANCHER), default_timeout=600)
    at.run()
    for _ in range(passages):
        debut = time.perf_counter()
        at.run()
        plancher.valeurs.append(time.perf_counter() - debut)
    lignes = [plancher]
    with _environnement(db):
        for role, liste in pages_par_role().items():
            if roles and role not in roles:
                continue
            try:
                at = _connecter_apptest(comptes[role])
            except Exception as err:  # noqa: BLE001 — le rôle suivant est mesuré quand même
                m = Mesure("b", f"script, connexion {role} ({nom_jeu})", [])
                m.erreurs.append(f"{type(err).__name__} : {str(err)[:160]}")
                lignes.append(m)
                continue
            for page in liste:
                froid = Mesure("b", f"script, {page.nom}, {role}, à froid ({nom_jeu})", [], reference=plancher)
                chaud = Mesure("b", f"script, {page.nom}, {role}, à chaud ({nom_jeu})", [], reference=plancher)
                cpu: dict[int, list[float]] = {id(froid): [], id(chaud): []}
                try:
                    at.switch_page(str(page.fichier.relative_to(APP.parent)))
                    for mesure, vider in [(froid, True)] * passages + [(chaud, False)] * passages:
                        if vider:
                            st.cache_data.clear()
                            st.cache_resource.clear()
                        cpu0 = _cpu()
                        debut = time.perf_counter()
                        at.run()
                        duree = time.perf_counter() - debut
                        cpu[id(mesure)].append(_cpu() - cpu0)
                        if (absent := contenu_absent(at, page, role)) is not None:
                            raise RuntimeError(absent)
                        mesure.valeurs.append(duree)
                    for m in (froid, chaud):
                        m.detail = f"CPU {statistics.median(cpu[id(m)]):.3f} s".replace(".", ",")
                except Exception as err:  # noqa: BLE001 — une page cassée n'arrête pas les autres mesures
                    for m in (froid, chaud):
                        m.erreurs.append(f"{type(err).__name__} : {str(err)[:160]}")
                lignes += [froid, chaud]
    return lignes


# --- Navigateur (Playwright + chromium de Debian) ---------------------------------------------------------

#: Vrai quand la page ``titre`` est rendue : script terminé, titre présent, rien de périmé, contenu dessiné.
_RENDUE = """([titre, selecteurs]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-stale="true"]')) return false;
  const h1 = main.querySelector('h1');
  if (!h1 || h1.textContent.trim() !== titre) return false;
  return selecteurs.every((s) => main.querySelector(s) !== null);
}"""


PLANCHER = Path(__file__).resolve().parent / "plancher_app.py"
PAGES_PLANCHER = [Page("plancher_a", PLANCHER, "Plancher A", "Plancher A"),
                  Page("plancher_b", PLANCHER, "Plancher B", "Plancher B")]


@contextmanager
def serveur(db: Path, app: Path = APP) -> Iterator[str]:
    """``streamlit run <app>`` sur un port libre (menu développeur : « Clear cache »)."""
    options = ("--client.toolbarMode", "developer", "--server.fileWatcherType", "none")
    with outils_navigateur.serveur(db, app, sans=("VIGIE_DEMO", "VIGIE_COMPTES"), options=options) as url:
        yield url


def _attendre(onglet, page: Page, role: str, limite: float = 120) -> float:  # noqa: ANN001
    """Attend que ``page`` soit rendue ; l'instant (``perf_counter``) où elle l'est."""
    selecteurs = [SELECTEURS[k] for k in contenu(page, role)]
    onglet.wait_for_function(_RENDUE, arg=[page.titre, selecteurs], timeout=limite * 1000, polling=20)
    return time.perf_counter()


def _aller(onglet, page: Page, role: str) -> float:  # noqa: ANN001
    """Clic sur le lien de ``page`` dans la barre latérale ; la durée jusqu'à la page rendue (s)."""
    lien = onglet.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=page.lien, exact=True)
    debut = time.perf_counter()
    lien.click()
    return _attendre(onglet, page, role) - debut


def _connecter(onglet, url: str, compte: Compte, accueil: Page) -> float:  # noqa: ANN001
    """Ouvre ``url``, se connecte par le formulaire ; la durée du clic sur « Se connecter » jusqu'à
    l'accueil rendu (s)."""
    debut = outils_navigateur.connecter(onglet, url, compte.identifiant, MOT_DE_PASSE)
    return _attendre(onglet, accueil, compte.role) - debut


def _vider_caches(onglet) -> None:  # noqa: ANN001
    """« Clear cache » de Streamlit (touche ``c``, puis confirmer) : vide ``st.cache_data`` et
    ``st.cache_resource`` du serveur — et l'état de la session (Streamlit 1.67,
    ``AppSession._handle_clear_cache_request``) : il faut se reconnecter."""
    onglet.locator("body").press("c")
    dialogue = onglet.get_by_role("dialog")
    dialogue.get_by_role("button", name=re.compile("clear", re.I)).click(timeout=30_000)
    dialogue.wait_for(state="hidden", timeout=30_000)


@contextmanager
def _capture_si_echec(captures: Path | None, role: str, onglet) -> Iterator[None]:  # noqa: ANN001
    """Une capture de la page en cas d'échec, serveur encore en marche (pour comprendre l'échec)."""
    try:
        yield
    except Exception:
        o = onglet()
        if captures is not None and o is not None and not o.is_closed():
            captures.mkdir(parents=True, exist_ok=True)
            o.screenshot(path=str(captures / f"echec-{role}.png"), full_page=True)
        raise


def _plancher(navigateur, db: Path, passages: int, nom_jeu: str) -> Mesure:  # noqa: ANN001
    """Référence du même passage : changer de page dans une application Streamlit presque vide."""
    m = Mesure("b", f"navigateur, plancher : page Streamlit presque vide, à chaud ({nom_jeu})", [],
               detail="benchmarks/plancher_app.py, même serveur et même attente")
    try:
        with serveur(db, PLANCHER) as url:
            contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000})
            onglet = contexte.new_page()
            onglet.goto(url, wait_until="domcontentloaded")
            _attendre(onglet, PAGES_PLANCHER[0], "")
            for _ in range(passages):
                _aller(onglet, PAGES_PLANCHER[1], "")
                m.valeurs.append(_aller(onglet, PAGES_PLANCHER[0], ""))
            contexte.close()
    except Exception as err:  # noqa: BLE001
        m.erreurs.append(f"{type(err).__name__} : {str(err).splitlines()[0][:160]}")
    return m


def mesurer_navigateur(db: Path, comptes: dict[str, Compte], passages: int, nom_jeu: str,
                       roles: list[str] | None = None, captures: Path | None = None) -> list[Mesure]:
    """Navigation jusqu'à la page rendue, à froid et à chaud, pour chaque rôle et chaque page qu'il voit."""
    from playwright.sync_api import sync_playwright

    lignes: list[Mesure] = []
    cible_chaud = f"≤ {CIBLE_CHAUD:g} s".replace(".", ",")
    cible_froid = f"≤ {CIBLE_FROID:g} s".replace(".", ",")
    with sync_playwright() as p:
        navigateur = chromium(p)
        try:
            plancher = _plancher(navigateur, db, passages, nom_jeu)
            lignes.append(plancher)
            for role, liste in pages_par_role().items():
                if roles and role not in roles:
                    continue
                connexion = Mesure("b", f"navigateur, connexion {role} jusqu'à l'accueil rendu ({nom_jeu})", [],
                                   detail="serveur neuf, premier utilisateur")
                lignes.append(connexion)
                accueil = next(pg for pg in liste if pg.nom == "accueil")
                autre = next(pg for pg in liste if pg.nom != "accueil")
                mesures = {(pg.nom, froid): Mesure(
                    "b", f"navigateur, {pg.nom}, {role}, {'à froid' if froid else 'à chaud'} ({nom_jeu})", [],
                    reference=plancher, cible=cible_froid if froid else cible_chaud,
                    atteinte=(lambda x: x.mediane <= CIBLE_FROID) if froid else (lambda x: x.mediane <= CIBLE_CHAUD),
                ) for pg in liste for froid in (True, False)}
                lignes += mesures.values()
                try:
                    onglet = None
                    with serveur(db) as url, _capture_si_echec(captures, role, lambda: onglet):
                        contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
                        onglet = contexte.new_page()
                        connexion.valeurs.append(_connecter(onglet, url, comptes[role], accueil))
                        for pg in liste:
                            voisine = autre if pg is accueil else accueil
                            try:
                                _aller(onglet, pg, role)  # une fois sans mesure : modules importés
                                for _ in range(passages):
                                    _vider_caches(onglet)  # Streamlit vide aussi la session : reconnexion
                                    arrivee = _connecter(onglet, url, comptes[role], accueil)
                                    mesures[(pg.nom, True)].valeurs.append(
                                        arrivee if pg is accueil else _aller(onglet, pg, role))
                                    _aller(onglet, voisine, role)
                                    mesures[(pg.nom, False)].valeurs.append(_aller(onglet, pg, role))
                            except Exception as err:  # noqa: BLE001 — la page suivante est mesurée quand même
                                texte = f"{type(err).__name__} : {str(err).splitlines()[0][:160]}"
                                for froid in (True, False):
                                    mesures[(pg.nom, froid)].erreurs.append(texte)
                                nom = f"echec-{role}-{pg.nom}.png"
                            else:
                                nom = f"{role}-{pg.nom}.png"
                            if captures is not None:
                                captures.mkdir(parents=True, exist_ok=True)
                                onglet.screenshot(path=str(captures / nom), full_page=True)
                        contexte.close()
                except Exception as err:  # noqa: BLE001 — le rôle suivant est mesuré quand même
                    texte = f"{type(err).__name__} : {str(err).splitlines()[0][:160]}"
                    for m in [connexion, *mesures.values()]:
                        if len(m.valeurs) < (1 if m is connexion else passages) and not m.erreurs:
                            m.erreurs.append(texte)
        finally:
            navigateur.close()
    return lignes


def mesurer(source: Path, travail: Path, passages: int, nom_jeu: str, *, navigateur: bool = True,
            roles: list[str] | None = None, captures: Path | None = None) -> list[Mesure]:
    """Le cas (b) entier sur l'entrepôt ``source`` : temps de script puis navigateur (si chromium est là) ;
    une capture de chaque page rendue dans ``captures``."""
    db, comptes = preparer(source, travail)
    lignes = mesurer_script(db, comptes, passages, nom_jeu, roles)
    if navigateur:
        if CHROMIUM.exists():
            lignes += mesurer_navigateur(db, comptes, passages, nom_jeu, roles, captures=captures)
        else:
            m = Mesure("b", f"navigateur ({nom_jeu})", [])
            m.erreurs.append(f"{CHROMIUM} absent (apt install chromium)")
            lignes.append(m)
    return lignes
