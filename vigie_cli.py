"""La commande ``vigie`` : une fine couche qui lit les arguments et appelle ``connectors`` et ``models``.

Toutes les sous-commandes prennent ``--db`` (sinon ``VIGIE_DB``, sinon le dossier de données de
l'utilisateur). Une erreur Vigie s'affiche en français, sans trace d'appel, avec un code de sortie non nul.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from models.errors import VigieError, situer

RACINE = Path(__file__).resolve().parent


def _db(args: argparse.Namespace) -> Path:
    from models.warehouse import chemin_par_defaut

    return Path(args.db).expanduser() if args.db else chemin_par_defaut()


class _Barre:
    """Une barre de progression sur un terminal ; silencieuse sinon (CI, redirection)."""

    def __init__(self, titre: str) -> None:
        self.titre = titre
        self.actif = sys.stderr.isatty()

    def __call__(self, etape: str, fraction: float) -> None:
        if self.actif:
            plein = int(30 * fraction)
            sys.stderr.write(f"\r{self.titre[:30]:30} [{'#' * plein}{'.' * (30 - plein)}] {fraction:4.0%} {etape[:30]:30}")
            sys.stderr.flush()

    def fin(self) -> None:
        if self.actif:
            sys.stderr.write("\r" + " " * 110 + "\r")


def importer_fichiers(
    db: Path, plan: Sequence[tuple[str, Path, dict[str, Any]]], *, ignorer_inconnus: bool = False,
    afficher: bool = True, demo: bool = False,
) -> list[Any]:
    """:func:`connectors.importation.importer` avec une barre de progression et le résumé de chaque
    fichier (remarques comprises) sur la sortie standard, ou l'erreur standard pour un refus."""
    from connectors.importation import importer

    barre = _Barre("import")

    def rapport(res: Any) -> None:
        barre.fin()
        if afficher:
            print(res.resume(), file=sys.stderr if res.statut == "rejete" else sys.stdout)

    try:
        return importer(db, plan, ignorer_inconnus=ignorer_inconnus, demo=demo, progression=barre,
                        rapport=rapport)
    finally:
        barre.fin()


# --- sous-commandes -----------------------------------------------------------------------------------


def _options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for cle in ("classe", "periode", "mapping", "du", "au"):
        if getattr(args, cle, None):
            options[cle] = getattr(args, cle)
    for brut in args.option or []:
        cle, egal, valeur = brut.partition("=")
        if not cle.strip():
            raise VigieError(f"option « {brut} » : attendu CLE=VALEUR (par exemple liste=retards)")
        # « --option classe » sans valeur : le connecteur la refuse (valeur vide), et le refus est consigné
        options[cle.strip()] = valeur.strip()
    return options


def _pronote_live(args: argparse.Namespace, options: dict[str, Any]) -> list[Path]:
    """Connexion directe : configuration une fois (QR code ou mot de passe), puis jeton enregistré."""
    import getpass

    from connectors import pronote_live

    chemin = Path(args.fichiers[0]) if args.fichiers else pronote_live.chemin_par_defaut()
    if args.pin_compte:
        options["account_pin"] = args.pin_compte
    if args.configurer:
        if args.qrcode:
            qrcode = json.loads(Path(args.qrcode).read_text(encoding="utf-8"))
            client = pronote_live.configurer(chemin, qrcode=qrcode, pin=args.pin,
                                             account_pin=args.pin_compte, device_name=args.appareil)
        else:
            if not (args.url and args.utilisateur):
                raise VigieError("configuration : --qrcode FICHIER --pin CODE, ou --url ADRESSE --utilisateur ID")
            client = pronote_live.configurer(
                chemin, url=args.url, utilisateur=args.utilisateur,
                mot_de_passe=getpass.getpass("Mot de passe Pronote (il ne sera pas enregistré) : "),
                ent=args.ent, account_pin=args.pin_compte, device_name=args.appareil,
            )
        options["client"] = client
    return [chemin]


def cmd_import(args: argparse.Namespace) -> int:
    options = _options(args)
    if args.sorte == "pronote-live":
        fichiers = _pronote_live(args, options)
    elif not args.fichiers:
        raise VigieError("indiquez au moins un fichier à importer")
    else:
        fichiers = [Path(f) for f in args.fichiers]
    plan = [(args.sorte, f, options) for f in fichiers]
    resultats = importer_fichiers(_db(args), plan, ignorer_inconnus=args.ignorer_inconnus)
    return 1 if any(r.statut == "rejete" for r in resultats) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from models.suivi import fichier_suivi
    from models.warehouse import Warehouse, ecriture
    from sample_data.generateur import ecrire_ecole, generer

    db = _db(args)
    if db.exists():
        with Warehouse(db, read_only=True) as wh:
            demo = wh.est_demo()
            vide = wh.version() == 0 or not wh.valeur("SELECT count(*) FROM t_eleves")
        if not demo and not vide:
            raise VigieError(
                f"{db} contient des données réelles : « vigie demo » ne l'écrase pas. "
                "Choisissez un autre fichier avec --db."
            )
        if not demo and fichier_suivi(db).exists():
            raise VigieError(f"{fichier_suivi(db)} (suivi des élèves) accompagne {db} : « vigie demo » ne "
                             "l'écrase pas. Choisissez un autre fichier avec --db.")
        db.unlink()
        for f in (fichier_suivi(db), Path(f"{fichier_suivi(db)}-wal"), Path(f"{fichier_suivi(db)}-shm")):
            f.unlink(missing_ok=True)  # le suivi de la démonstration précédente
    elif fichier_suivi(db).exists():
        raise VigieError(f"{fichier_suivi(db)} (suivi des élèves) existe sans son entrepôt : « vigie demo » ne "
                         "l'écrase pas. Choisissez un autre fichier avec --db.")
    debut = time.monotonic()
    dossier = Path(args.dossier) if args.dossier else db.parent / "fichiers-demo"
    ecole = generer(args.graine, eleves=args.eleves, annees=args.annees)
    plan = ecrire_ecole(ecole, dossier)
    print(f"École fictive écrite dans {dossier} ({len(plan)} fichiers aux formats réels).")
    with ecriture(db) as wh:
        wh.con.execute("INSERT INTO t_meta VALUES ('demo', '1')")
    resultats = importer_fichiers(db, plan, afficher=args.verbeux, demo=True)
    refus = [r for r in resultats if r.statut == "rejete"]
    for r in refus:
        print(r.resume(), file=sys.stderr)
    if not refus:
        from sample_data.suivi_demo import ecrire_suivi_demo

        print(f"Suivi de démonstration : {ecrire_suivi_demo(db, args.graine)} entrées.")
    lignes = sum(r.lignes_inserees for r in resultats)
    print(f"{len(resultats) - len(refus)} fichiers importés ({lignes} lignes) en {time.monotonic() - debut:.1f} s → {db}")
    if refus:
        return 1
    if args.no_serve:
        return 0
    return _servir(db, args.port, demo=True)


def _servir(db: Path, port: int, *, demo: bool = False, adresse: str = "localhost") -> int:
    env = dict(os.environ, VIGIE_DB=str(db))
    if demo:
        env["VIGIE_DEMO"] = "1"
    commande = [
        sys.executable, "-m", "streamlit", "run", str(RACINE / "dashboard" / "app.py"),
        "--server.port", str(port), "--server.address", adresse, "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]
    print(f"Tableau de bord : http://{adresse}:{port}  (Ctrl+C pour arrêter)")
    return _lancer_et_surveiller(commande, env)


#: Secondes laissées au serveur Streamlit pour s'arrêter proprement avant d'être tué.
DELAI_ARRET = 5.0


def _lancer_et_surveiller(commande: list[str], env: dict[str, str]) -> int:
    """Lance le serveur et l'arrête avec cette commande (SIGTERM, SIGINT, SIGHUP).

    Sans relais, ``vigie serve`` tué par SIGTERM (systemd, ``kill``, la fermeture d'une session) laissait
    son enfant Streamlit servir les données des élèves. Le signal reçu est transmis à l'enfant, qui a
    ``DELAI_ARRET`` secondes pour finir avant SIGKILL. Sous Linux, l'enfant reçoit aussi SIGTERM si ce
    processus meurt sans avoir pu relayer (SIGKILL) : ``PR_SET_PDEATHSIG`` (prctl(2)).
    """
    import signal

    enfant = subprocess.Popen(commande, env=env, cwd=RACINE, preexec_fn=_mourir_avec_le_parent)
    recu: list[int] = []
    limite = [float("inf")]

    def relayer(signum: int, _frame: object) -> None:
        if not recu:
            limite[0] = time.monotonic() + DELAI_ARRET
        recu.append(signum)
        if enfant.poll() is None:
            enfant.send_signal(signal.SIGTERM)

    anciens = {s: signal.signal(s, relayer) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        while True:
            try:
                code = enfant.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() >= limite[0]:
                    enfant.kill()
                    code = enfant.wait()
                    break
    finally:
        if enfant.poll() is None:  # une exception inattendue ici : l'enfant ne survit pas
            enfant.kill()
            enfant.wait()
        for s, ancien in anciens.items():
            signal.signal(s, ancien)
    if recu:
        return 0 if recu[0] == signal.SIGINT else 128 + recu[0]
    return code


def _mourir_avec_le_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def cmd_serve(args: argparse.Namespace) -> int:
    from models.warehouse import Warehouse

    db = _db(args)
    demo = False
    if db.exists():
        with Warehouse(db, read_only=True) as wh:
            demo = wh.est_demo()
    return _servir(db, args.port, demo=demo, adresse=args.adresse)


def cmd_status(args: argparse.Namespace) -> int:
    from models.warehouse import lecture

    from models.lectures import remarques

    with lecture(_db(args)) as wh:
        comptes = wh.comptes()
        journal = wh.journal(args.limite)
        if args.import_id is not None:
            journal = journal.filter(journal["import_id"] == args.import_id)
        # Les 5 premières remarques de chaque import, toutes avec --import N.
        maximum = None if args.import_id is not None else 5
        notes = remarques(wh, journal["import_id"].to_list(), par_import=maximum)
    if args.json:
        print(json.dumps({"db": str(_db(args)), "comptes": comptes, "imports": journal.to_dicts(),
                          "remarques": notes.to_dicts()}, default=str, ensure_ascii=False, indent=2))
        return 0
    print(f"Entrepôt : {_db(args)}")
    for table, n in comptes.items():
        print(f"  {table:18} {n:>9}")
    print("Derniers imports :")
    for r in journal.iter_rows(named=True):
        print(f"  #{r['import_id']:<4} {r['debut']:%d/%m/%Y %H:%M}  {r['statut']:8} {r['source']:20} "
              f"{r['fichier']}  ({r['lignes_inserees']} insérées, {r['lignes_rejetees']} rejetées, "
              f"{r['remarques']} remarque(s))")
        siennes = notes.filter(notes["import_id"] == r["import_id"])
        for n in siennes.iter_rows(named=True):
            print(f"        remarque : {situer(n['message'], fichier=n['fichier'], ligne=n['ligne'], colonne=n['colonne'])}")
        if r["remarques"] > siennes.height:
            print(f"        … et {r['remarques'] - siennes.height} autre(s) : vigie status --import {r['import_id']}")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from models.alertes import tableau_alertes
    from models.warehouse import lecture

    from models.lectures import classes

    with lecture(_db(args)) as wh:
        connues = classes(wh)["classe"].to_list()
        if args.classe is not None and args.classe not in connues:
            raise VigieError(f"classe inconnue « {args.classe} » (classes : {', '.join(connues) or 'aucune'})")
        if args.validation:
            from models.validation import tableau_validation

            print(tableau_validation(wh, db=_db(args), coupure=_coupure(args.coupure), format=args.format))
        else:
            print(tableau_alertes(wh, classe=args.classe, format=args.format))
    return 0


def _coupure(texte: str | None) -> Any:
    """« T1 » ou « Trimestre 2 » : la fin de cette période chaque année ; « 15/12/2025 » : cette date."""
    import datetime as dt

    if texte is None:
        return None
    try:
        return dt.datetime.strptime(texte, "%d/%m/%Y").date()
    except ValueError:
        return texte


def cmd_user(args: argparse.Namespace) -> int:
    import getpass

    from models import acces

    db = _db(args)
    if args.action == "list":
        for u in acces.comptes(db):
            print(f"  {u.identifiant:20} {u.libelle()}" + (f"  <{u.email}>" if u.email else ""))
        return 0
    if not args.identifiant:
        raise VigieError("indiquez l'identifiant du compte")
    if args.action == "remove":
        acces.retirer_compte(db, args.identifiant)
        print(f"Compte « {args.identifiant} » supprimé.")
        return 0
    if args.action == "unlock":
        from models import connexion

        trouve = connexion.deverrouiller(db, args.identifiant)
        acces.journaliser(db, "(ligne de commande)", "deverrouillage", args.identifiant)
        print(f"« {args.identifiant} » débloqué." if trouve else f"« {args.identifiant} » n'était pas bloqué.")
        return 0
    if not args.role:
        raise VigieError(f"indiquez le rôle avec --role ({', '.join(acces.ROLES)})")
    mot_de_passe = None
    if args.mot_de_passe_stdin:
        mot_de_passe = sys.stdin.readline().rstrip("\n")
    elif not args.sans_mot_de_passe:
        mot_de_passe = getpass.getpass("Mot de passe (10 caractères au moins) : ")
        if getpass.getpass("Confirmation : ") != mot_de_passe:
            raise VigieError("les deux mots de passe diffèrent")
    classes = tuple(c.strip() for c in (args.classes or "").split(",") if c.strip())
    u = acces.ajouter_compte(db, args.identifiant, args.role, mot_de_passe, nom=args.nom or "",
                             classes=classes, email=args.email)
    print(f"Compte enregistré : {u.libelle()}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from models.acces import lire_audit

    df = lire_audit(_db(args), utilisateur=args.utilisateur, limite=args.limite)
    if df.is_empty():
        print("Journal d'accès vide.")
    for r in df.iter_rows(named=True):
        print(f"{r['horodatage']}  {r['utilisateur']:15} {r['role']:22} {r['action']:14} {r['objet']}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from models import suivi
    from models.retention import purger
    from models.warehouse import ecriture

    with ecriture(_db(args)) as wh:
        # Les chiffres anonymes de la validation des alertes sont gardés avant que leurs données partent.
        from models.validation import archiver

        n = archiver(_db(args), wh, args.annee)
        print(f"Validation des alertes {args.annee} : {n} ligne(s) de chiffres anonymes gardée(s).")
        print(purger(wh, args.annee).resume())
        supprimees = suivi.purger(_db(args), wh, args.annee, utilisateur=_operateur(args))
    print(f"Suivi : {sum(supprimees.values())} entrée(s) supprimée(s) ("
          + ", ".join(f"{suivi.SORTES[s].lower()} : {n}" for s, n in supprimees.items()) + ").")
    return 0


def _operateur(args: argparse.Namespace) -> Any:
    """Qui agit en ligne de commande : le compte ``--compte`` (son rôle et son périmètre), sinon
    l'utilisateur du système, avec le rôle direction (il a accès aux fichiers de l'entrepôt)."""
    import getpass

    from models import acces

    nom = getattr(args, "compte", None)
    if nom:
        for u in acces.comptes(_db(args)):
            if u.identifiant == nom:
                return u
        raise VigieError(f"aucun compte « {nom} » (vigie user list)")
    return acces.Utilisateur(getpass.getuser(), "direction", "ligne de commande")


def _date_fr(texte: str) -> Any:
    import datetime as dt

    try:
        return dt.datetime.strptime(texte, "%d/%m/%Y").date()
    except ValueError:
        raise VigieError(f"date « {texte} » : attendu JJ/MM/AAAA") from None


def cmd_suivi(args: argparse.Namespace) -> int:
    import datetime as dt

    from models import suivi
    from models.warehouse import lecture

    db = _db(args)
    u = _operateur(args)
    with lecture(db, utilisateur=u) as wh:
        if args.action == "add":
            if not (args.eleve and args.sorte and args.code):
                raise VigieError("indiquez --eleve, --sorte et --code (vigie suivi add --help)")
            eleve = args.eleve
            trouve = wh.valeur("SELECT eleve_id FROM eleves WHERE eleve_id = $e OR upper(ine) = upper($e) "
                               "ORDER BY eleve_id = $e DESC LIMIT 1", {"e": eleve})
            saisie = suivi.Saisie(
                eleve_id=trouve or eleve, sorte=args.sorte, code=args.code,
                date=_date_fr(args.date) if args.date else dt.date.today(), commentaire=args.commentaire or "",
                valeur=args.valeur, periode=args.periode, regle=args.regle, annee=args.annee,
                corrige=args.corrige,
            )
            numero = suivi.ajouter(db, wh, u, saisie)
            print(f"Entrée n° {numero} enregistrée ({suivi.SORTES[args.sorte].lower()} : "
                  f"{suivi.libelle_code(args.sorte, args.code)}).")
            return 0
        if args.action == "list":
            df = suivi.entrees(db, wh, u, eleve_id=args.eleve, classe=args.classe, sorte=args.sorte,
                               toutes=args.toutes)
            if args.format == "csv":
                from models.export import csv_sur

                sys.stdout.write(csv_sur(df.with_columns(pl_date(df))))
                return 0
            if df.is_empty():
                print("Aucune entrée de suivi.")
            for r in df.iter_rows(named=True):
                print(f"n° {r['entree_id']:<5} {r['date']:%d/%m/%Y}  {r['classe'] or '':6} {r['nom']} {r['prenom']} — "
                      f"{suivi.SORTES[r['sorte']]} : {r['libelle']}" + (f" — {r['valeur']}" if r["valeur"] else "")
                      + (f" — {r['commentaire']}" if r["commentaire"] else "") + f"  ({r['auteur']})")
            return 0
        texte = suivi.exporter(db, wh, u, format="csv" if args.format == "csv" else "texte")
    if args.sortie:
        fd = os.open(args.sortie, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig" if args.format == "csv" else "utf-8") as f:
            f.write(texte)
        print(f"Export nominatif du suivi écrit dans {args.sortie} (consigné au journal d'accès).")
    else:
        sys.stdout.write(texte if texte.endswith("\n") else texte + "\n")
    return 0


def pl_date(df: Any) -> Any:
    import polars as pl

    return [pl.col("date").dt.strftime("%d/%m/%Y"), pl.col("saisie_le").dt.strftime("%d/%m/%Y %H:%M")]


def cmd_export(args: argparse.Namespace) -> int:
    from models.export import exporter_pseudonymise
    from models.warehouse import lecture

    with lecture(_db(args)) as wh:
        fichiers = exporter_pseudonymise(wh, Path(args.dossier))
    print(f"Export pseudonymisé : {len(fichiers)} fichiers dans {args.dossier}")
    return 0


# --- analyse des arguments ----------------------------------------------------------------------------


#: Les messages d'argparse que voit l'utilisateur de ``vigie`` (aide, erreurs de syntaxe), en français.
#: argparse les passe à gettext par la fonction ``argparse._`` ; un message absent reste tel quel.
_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix inconnu : %(value)r (choix possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "the following arguments are required: %s": "argument(s) obligatoire(s) manquant(s) : %s",
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "unrecognized arguments: %s": "argument(s) non reconnu(s) : %s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "ignored explicit argument %r": "valeur %r ignorée",
}


def _traduire(message: str) -> str:
    return _ARGPARSE_FR.get(message, message)


def parser(*, sortes: bool = True) -> argparse.ArgumentParser:
    """Le parseur de la commande. ``sortes`` : les sortes de ``vigie import`` sont lues dans ``connectors``
    (qui importe pydantic et tous les enregistrements : plus d'une seconde) ; sans elles, la sorte n'est
    pas contrôlée par argparse — :func:`main` ne s'en passe que si la ligne de commande n'est pas un import."""
    argparse._ = _traduire  # type: ignore[attr-defined]  # argparse lit ``_`` à chaque message

    commun = argparse.ArgumentParser(add_help=False)
    commun.add_argument("--db", help="fichier de l'entrepôt DuckDB (défaut : VIGIE_DB ou ~/.local/share/vigie/vigie.duckdb)")
    p = argparse.ArgumentParser(prog="vigie", description="Vigie : suivi des élèves, en local.")
    sous = p.add_subparsers(dest="commande", required=True)

    d = sous.add_parser("demo", parents=[commun], help="génère l'école fictive, l'importe et ouvre le tableau de bord")
    d.add_argument("--no-serve", action="store_true", help="ne pas lancer le tableau de bord")
    d.add_argument("--eleves", type=int, default=600)
    d.add_argument("--annees", type=int, default=2,
                   help="années scolaires de l'école fictive (2 par défaut : l'historique et l'année précédente)")
    d.add_argument("--graine", type=int, default=2026)
    d.add_argument("--dossier", help="où écrire les fichiers de l'école fictive")
    d.add_argument("--port", type=int, default=8501)
    d.add_argument("--verbeux", action="store_true", help="afficher le résumé de chaque import")
    d.set_defaults(func=cmd_demo)

    i = sous.add_parser("import", parents=[commun], help="importe un ou plusieurs fichiers")
    if sortes:
        import connectors

        i.add_argument("sorte", choices=sorted(connectors.SOURCES), metavar="SORTE",
                       help="sorte de fichier : " + ", ".join(sorted(connectors.SOURCES)))
    else:
        i.add_argument("sorte", metavar="SORTE")
    i.add_argument("fichiers", nargs="*", metavar="FICHIER",
                   help="fichiers à importer (pronote-live : fichier d'identifiants, facultatif)")
    i.add_argument("--classe", help="classe des élèves quand le fichier ne l'indique pas")
    i.add_argument("--periode", help="période (« Trimestre 1 ») quand le fichier ne l'indique pas")
    i.add_argument("--mapping", help="fichier TOML de correspondance (sorte tableur)")
    i.add_argument("--du", help="début de la période couverte (JJ/MM/AAAA), pour une synthèse d'absences")
    i.add_argument("--au", help="fin de la période couverte (JJ/MM/AAAA)")
    i.add_argument("--option", action="append", metavar="CLE=VALEUR",
                   help="option du connecteur (liste=retards, date=05/01/2026, referentiel=…)")
    live = i.add_argument_group("pronote-live")
    live.add_argument("--configurer", action="store_true", help="première connexion (QR code ou mot de passe)")
    live.add_argument("--qrcode", help="JSON du QR code de l'application mobile Pronote")
    live.add_argument("--pin", help="code à 4 chiffres choisi pour le QR code")
    live.add_argument("--url", help="adresse de l'espace Pronote (…/eleve.html, parent.html, viescolaire.html)")
    live.add_argument("--utilisateur", help="identifiant Pronote ou ENT")
    live.add_argument("--ent", help="fonction ENT de pronotepy (par exemple ile_de_france)")
    live.add_argument("--pin-compte", help="code PIN du compte (double authentification)")
    live.add_argument("--appareil", help="nom de cet appareil pour Pronote")
    i.add_argument("--ignorer-inconnus", action="store_true",
                   help="importer le reste quand des lignes désignent un élève inconnu (elles sont listées)")
    i.set_defaults(func=cmd_import)

    s = sous.add_parser("serve", parents=[commun], help="ouvre le tableau de bord")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--adresse", default="localhost",
                   help="adresse d'écoute (défaut : localhost ; derrière un proxy local, ne pas changer — "
                        "voir « Déployer pour l'équipe »)")
    s.set_defaults(func=cmd_serve)

    st = sous.add_parser("status", parents=[commun], help="ce que contient l'entrepôt, journal des imports")
    st.add_argument("--json", action="store_true")
    st.add_argument("--limite", type=int, default=20)
    st.add_argument("--import", dest="import_id", type=int, metavar="N",
                    help="un seul import, avec toutes ses remarques")
    st.set_defaults(func=cmd_status)

    a = sous.add_parser("alerts", parents=[commun], help="liste les alertes")
    a.add_argument("--classe")
    a.add_argument("--format", choices=["table", "csv"], default="table")
    a.add_argument("--validation", action="store_true",
                   help="ce que les alertes ont valu sur les années terminées (direction)")
    a.add_argument("--coupure", help="avec --validation : période (« Trimestre 2 ») ou date jj/mm/aaaa ; "
                   "fin de la première période par défaut")
    a.set_defaults(func=cmd_alerts)

    u = sous.add_parser("user", parents=[commun], help="comptes locaux : add, remove, list, unlock")
    u.add_argument("action", choices=["add", "remove", "list", "unlock"],
                   help="unlock : lève le blocage après trop d'essais de mot de passe")
    u.add_argument("identifiant", nargs="?")
    u.add_argument("--role", help="direction, professeur_principal, enseignant, cpe, coordonnateur_ulis")
    u.add_argument("--classes", help="classes du professeur (3A,3B)")
    u.add_argument("--nom", help="nom affiché")
    u.add_argument("--email", help="adresse de l'identité ENT / académie (connexion OpenID Connect)")
    u.add_argument("--mot-de-passe-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard")
    u.add_argument("--sans-mot-de-passe", action="store_true", help="compte ENT seulement (avec --email)")
    u.set_defaults(func=cmd_user)

    su = sous.add_parser("suivi", parents=[commun],
                         help="suivi des élèves : add (enregistrer une entrée), list, export (direction)")
    su.add_argument("action", choices=["add", "list", "export"])
    su.add_argument("--compte", help="agir avec ce compte (son rôle, ses classes) ; défaut : direction")
    su.add_argument("--eleve", help="identifiant Vigie ou INE de l'élève")
    su.add_argument("--sorte", choices=["procedure", "alerte", "conseil"])
    su.add_argument("--code", help="étape (contact_famille, entretien_famille…), état d'alerte (vue, "
                    "prise_en_charge, close) ou rubrique du conseil (mention, avis, appreciation, orientation)")
    su.add_argument("--valeur", help="conseil : la mention, l'avis ou l'orientation décidés (liste du README)")
    su.add_argument("--date", help="date du fait (JJ/MM/AAAA, défaut : aujourd'hui)")
    su.add_argument("--periode", help="période (« Trimestre 1 ») ou mois de l'alerte (2025-10)")
    su.add_argument("--annee", help="année scolaire (défaut : celle de la date)")
    su.add_argument("--regle", help="règle de l'alerte (absences_mois…)")
    su.add_argument("--commentaire", help="commentaire libre")
    su.add_argument("--corrige", type=int, help="numéro de l'entrée que celle-ci corrige")
    su.add_argument("--classe", help="list : seulement cette classe")
    su.add_argument("--toutes", action="store_true", help="list : montrer aussi les entrées corrigées")
    su.add_argument("--format", choices=["table", "csv"], default="table")
    su.add_argument("--sortie", help="export : fichier à écrire (mode 0600) au lieu de la sortie standard")
    su.set_defaults(func=cmd_suivi)

    au = sous.add_parser("audit", parents=[commun], help="journal d'accès : qui a consulté ou exporté quoi")
    au.add_argument("--utilisateur")
    au.add_argument("--limite", type=int, default=100)
    au.set_defaults(func=cmd_audit)

    pu = sous.add_parser("purge", parents=[commun], help="purge une année scolaire terminée (durées de conservation)")
    pu.add_argument("--annee", required=True, help="année scolaire, par exemple 2024-2025")
    pu.set_defaults(func=cmd_purge)

    ex = sous.add_parser("export", parents=[commun], help="export CSV pseudonymisé des vues publiques")
    ex.add_argument("dossier")
    ex.set_defaults(func=cmd_export)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    # « vigie alerts » ne charge pas les connecteurs (démarrage ≤ 1 s, BENCHMARKS.md (c)) : seule une ligne
    # de commande qui contient « import » en a besoin (la liste des sortes).
    p = parser(sortes="import" in (sys.argv[1:] if argv is None else argv))
    # « vigie import SORTE --option CLE=VALEUR FICHIER » : argparse range FICHIER parmi les inconnus une
    # fois une option lue après la sorte ; ce sont des fichiers à importer, comme avant l'option.
    args, reste = p.parse_known_args(argv)
    if reste and args.commande == "import" and not any(r.startswith("-") for r in reste):
        args.fichiers = [*args.fichiers, *reste]
    elif reste:
        p.error(f"argument(s) non reconnu(s) : {' '.join(reste)}")
    try:
        return int(args.func(args) or 0)
    except VigieError as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # « vigie alerts | head » : le lecteur a fermé le tube. Pas de trace d'appel ; la sortie restante
        # part vers /dev/null pour que Python ne relève pas l'erreur en vidant stdout à la fin.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # stdout remplacé (tests) : rien à rediriger
            pass
        return 141  # 128 + SIGPIPE, comme les commandes du shell


if __name__ == "__main__":
    raise SystemExit(main())
