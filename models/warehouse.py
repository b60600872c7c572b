"""L'entrepôt DuckDB : ouverture, migrations, import transactionnel, état.

Concurrence (une seule écriture *ou* plusieurs lectures par fichier DuckDB) : un import n'ouvre jamais
en écriture le fichier que lit le tableau de bord. :func:`ecriture` copie l'entrepôt dans un fichier
voisin, y écrit, fait un CHECKPOINT, puis le met à la place de l'original par ``os.replace`` (atomique
sous POSIX). Les lecteurs ouvrent des connexions en lecture seule de courte durée (:func:`lecture`) : ils
voient l'ancien état ou le nouveau, jamais un import à moitié écrit. Un import tué en cours de route
laisse l'original intact. Un verrou ``fcntl`` sérialise les imports.
"""

from __future__ import annotations

import contextlib
import difflib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from . import precalcul, schema
from .schema import quote_ident
from .annee_scolaire import annee_scolaire
from .errors import ImportRejected, VigieError, WarehouseBusy, situer
from .matching import Annuaire, EleveConnu, Rapprochement, cle_designation, cle_nom
from .messages import refus_inattendu
from .records import Anomalie, Devoir, Lot, NotesLues, RefEleve, StatutNote

Progression = Callable[[str, float], None]


# --- Emplacement --------------------------------------------------------------------------------------


def chemin_par_defaut() -> Path:
    """``VIGIE_DB`` sinon ``$XDG_DATA_HOME/vigie/vigie.duckdb`` (``~/.local/share/vigie`` par défaut)."""
    if env := os.environ.get("VIGIE_DB"):
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "vigie" / "vigie.duckdb"


# --- Résultat d'un import -----------------------------------------------------------------------------


@dataclass
class ResultatImport:
    import_id: int
    source: str
    fichier: str
    sha256: str
    statut: str = "reussi"  # reussi | rejete
    lignes_lues: int = 0
    lignes_inserees: int = 0
    lignes_mises_a_jour: int = 0
    lignes_inchangees: int = 0
    lignes_rejetees: int = 0
    message: str = ""
    par_table: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # (insérées, mises à jour, inchangées)
    approches: list[Rapprochement] = field(default_factory=list)
    non_rapproches: list[Rapprochement] = field(default_factory=list)
    #: Chaque remarque de l'import, située (« fichier « x.csv », ligne 3, colonne « INE » : … ») : celles
    #: du connecteur, de l'entrepôt, les rapprochements approchés et les lignes d'élèves inconnus écartées.
    anomalies: list[str] = field(default_factory=list)
    #: Les remarques de l'entrepôt lui-même (désaccord d'identifiant, envoi Pix remplacé…).
    remarques: list[Anomalie] = field(default_factory=list)
    erreur: ImportRejected | None = None

    def resume(self) -> str:
        """Le compte rendu en français : décomptes, puis une ligne « remarque : » par valeur qui n'a pas
        été gardée telle quelle."""
        if self.statut == "rejete":
            return f"Import refusé — rien n'a été modifié.\n{self.message}"
        lignes = [
            f"{self.fichier} ({self.source}) : {self.lignes_lues} lignes lues, "
            f"{self.lignes_inserees} insérées, {self.lignes_mises_a_jour} mises à jour, "
            f"{self.lignes_inchangees} inchangées, {self.lignes_rejetees} rejetées"
            + (f", {len(self.anomalies)} remarque(s)." if self.anomalies else ".")
        ]
        lignes += [f"  remarque : {a}" for a in self.anomalies]
        return "\n".join(lignes)


# --- L'entrepôt ---------------------------------------------------------------------------------------


class Warehouse:
    """Une connexion à l'entrepôt, schéma à jour. ``Warehouse()`` seul : entrepôt en mémoire (tests)."""

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:" and not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            neuf = not Path(self.path).exists()
        self.con = duckdb.connect(self.path, read_only=read_only)
        self._annuaire: Annuaire | None = None
        self._periodes_cache: list[tuple] | None = None
        #: Les matières déclarées (t_matieres), lues une fois par écriture (:meth:`importer`,
        #: :meth:`importer_plusieurs`) : aucun fichier d'un paquet ne les change avant l'écriture du paquet.
        self._matieres_ecriture: set[str] | None = None
        #: Pendant :meth:`moyennes_differees` : les périodes dont les moyennes restent à refaire (``None``
        #: dedans : toutes) ; ``False`` hors d'un tel bloc (chaque import rafraîchit aussitôt).
        self._differees: set[tuple[str, str]] | None | bool = False
        #: (annuaire, id d'un RefEleve → (RefEleve, rapprochement)) pour les lots d'une écriture (:meth:`_preparer`).
        self._memo_refs: tuple[Annuaire, dict[int, tuple[RefEleve, Rapprochement]]] | None = None
        if self.path != ":memory:" and not read_only and neuf:
            os.chmod(self.path, 0o600)
        if not read_only:
            self.migrer()

    # -- bas niveau --------------------------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sql(self, requete: str, params: dict[str, Any] | list[Any] | None = None) -> pl.DataFrame:
        """Une requête de lecture, en DataFrame Polars.

        Sur la connexion elle-même, pas sur un curseur : les vues temporaires du périmètre
        (``models/acces.py``) n'existent que dans cette connexion. Un ``Warehouse`` de lecture est ouvert
        pour une exécution de page et n'est pas partagé entre fils ; pour plusieurs fils, ouvrez-en un
        par fil avec :func:`lecture`."""
        return self.con.sql(requete, params=params).pl()

    def valeur(self, requete: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
        # fetchall et non fetchone : DuckDB 2 refuse tout autre travail sur une connexion dont un
        # résultat n'a pas été lu jusqu'au bout.
        rows = self.con.execute(requete, params).fetchall()
        return rows[0][0] if rows else None

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """La seule façon d'écrire : BEGIN / COMMIT, ou ROLLBACK et l'erreur remonte."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def version(self) -> int:
        existe = self.valeur(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 't_meta'"
        )
        if not existe:
            return 0
        return int(self.valeur("SELECT valeur FROM t_meta WHERE cle = 'schema_version'") or 0)

    def migrer(self) -> None:
        actuelle = self.version()
        if actuelle > schema.VERSION:
            raise VigieError(
                f"Cet entrepôt a été créé par une version plus récente de Vigie (schéma {actuelle}, "
                f"cette version connaît le schéma {schema.VERSION}). Mettez Vigie à jour."
            )
        with self.atomic():
            self.con.execute("CREATE TABLE IF NOT EXISTS t_meta (cle VARCHAR, valeur VARCHAR)")
            for numero in range(actuelle, schema.VERSION):
                for ddl in schema.MIGRATIONS[numero]:
                    self.con.execute(ddl)
            precalcul.creer_tables(self.con)
            for ddl in schema.ddl_vues():
                self.con.execute(ddl)
            precalcul.assurer(self.con, precalcul.sql_calculs())
            self.con.execute("DELETE FROM t_meta WHERE cle = 'schema_version'")
            self.con.execute("INSERT INTO t_meta VALUES ('schema_version', ?)", [str(schema.VERSION)])

    @contextlib.contextmanager
    def moyennes_differees(self) -> Iterator[None]:
        """Pendant le bloc, les imports (:meth:`importer`, :meth:`importer_plusieurs`) ne recalculent pas
        les moyennes de leurs périodes (``models/precalcul.py``) : chacun les note, et retire l'empreinte du
        calcul dans sa propre transaction ; à la sortie du bloc, **une** transaction les recalcule toutes.
        Un import de 2 000 exports en trois paquets recalculait trois fois les mêmes périodes. Chaque
        fichier reste écrit (ou refusé) dans sa transaction, avec son journal ; les moyennes ne sont
        fausses qu'entre deux transactions d'une même session d'écriture (:func:`ecriture` travaille sur
        une copie que les lecteurs ne voient pas). Imbriqué : le bloc extérieur rafraîchit."""
        if self._differees is not False:
            yield
            return
        self._differees = set()
        termine = False
        try:
            yield
            termine = True
        finally:
            periodes, self._differees = self._differees, False
            if periodes != set():
                try:
                    with self.atomic():
                        precalcul.rafraichir_et_valider(self.con, precalcul.sql_calculs(), periodes)
                except Exception:
                    if termine:
                        raise
                    # une autre erreur remonte déjà : l'empreinte retirée fera tout recalculer à la prochaine
                    # ouverture en écriture

    def _rafraichir(self, periodes: set[tuple[str, str]] | None) -> None:
        """Les moyennes de ces périodes (``None`` : toutes), aussitôt, ou notées pour la fin du bloc
        :meth:`moyennes_differees` ; dans la transaction de l'import."""
        if self._differees is False:
            precalcul.rafraichir(self.con, periodes)
            return
        precalcul.invalider(self.con)  # chaque fois : la transaction d'un paquet refusé est annulée avec le sien
        if self._differees is not None:
            if periodes is None:
                self._differees = None
            else:
                self._differees |= periodes

    # -- élèves connus -----------------------------------------------------------------------------

    def annuaire(self) -> Annuaire:
        """L'index des élèves connus, gardé entre deux imports tant que l'effectif ne change pas."""
        if self._annuaire is None:
            rows = self.con.execute("SELECT eleve_id, nom, prenom, classe, ine FROM t_eleves").fetchall()
            self._annuaire = Annuaire([EleveConnu(*r) for r in rows])
        return self._annuaire

    # -- import ------------------------------------------------------------------------------------

    def importer(
        self,
        lot: Lot,
        *,
        ignorer_inconnus: bool = False,
        progression: Progression | None = None,
        demo: bool = False,
    ) -> ResultatImport:
        """Écrit un lot en une transaction et le consigne dans le journal, réussi ou refusé.

        Des lignes d'élèves inconnus refusent l'import (avec les élèves les plus proches), sauf
        ``ignorer_inconnus`` : elles sont alors écartées et listées dans le résultat et le journal.
        Ne lève pas :class:`ImportRejected` : le refus est dans ``resultat.erreur``.
        """
        debut = dt.datetime.now()
        self._matieres_ecriture = None
        self._memo_refs = None
        sha = lot.sha256()
        res = ResultatImport(0, lot.source, lot.fichier.name, sha, lignes_lues=lot.lignes_lues)
        try:
            # Données et journal dans la même transaction : un import réussi est consigné avec lui.
            with self.atomic():
                res.import_id = int(self.valeur("SELECT nextval('seq_import')"))
                self._ecrire(lot, res, ignorer_inconnus, progression or (lambda *_: None))
                if not demo:  # des données réelles : l'entrepôt ne sera plus servi sans connexion
                    self.con.execute("DELETE FROM t_meta WHERE cle = 'demo'")
                self._conclure(lot, res, debut)
        except ImportRejected as err:
            res.statut, res.erreur, res.message = "rejete", err, str(err)
        except (duckdb.Error, ValueError) as err:  # un bogue ou une donnée imprévue : refus, pas de demi-import
            refus = refus_inattendu(err, fichier=lot.fichier)
            res.statut, res.erreur, res.message = "rejete", refus, str(refus)
        finally:
            if lot.effectif:
                self._annuaire = None  # l'effectif a pu changer (ou la transaction être annulée)
            if lot.periodes:
                self._periodes_cache = None
        if res.statut == "rejete":
            res.lignes_inserees = res.lignes_mises_a_jour = res.lignes_inchangees = 0
            res.import_id = int(self.valeur("SELECT nextval('seq_import')"))
            self._journaliser(res, debut, _anomalies(lot, res))
        return res

    def importer_plusieurs(
        self,
        lots: list[Lot],
        *,
        ignorer_inconnus: bool = False,
        progression: Progression | None = None,
        demo: bool = False,
    ) -> list[ResultatImport]:
        """Plusieurs fichiers (des centaines d'exports de notes) en une transaction et une fusion par
        table, chacun consigné à part dans le journal. Même résultat que :meth:`importer` appelé pour
        chacun : si l'un est refusé, la transaction commune est annulée et chaque fichier repasse seul
        (les bons entrent, le mauvais est refusé sans rien changer)."""
        if len(lots) < 2 or any(lot.effectif or lot.periodes for lot in lots):  # l'annuaire ou les périodes changent
            return [self.importer(lot, ignorer_inconnus=ignorer_inconnus, progression=progression, demo=demo)
                    for lot in lots]
        progression = progression or (lambda *_: None)
        debut = dt.datetime.now()
        self._matieres_ecriture = None
        self._memo_refs = None
        resultats = [ResultatImport(0, lot.source, lot.fichier.name, lot.sha256(), lignes_lues=lot.lignes_lues)
                     for lot in lots]
        try:
            with self.atomic():
                preparees = []
                # Un aller-retour pour tous les numéros d'import (un par fichier en coûtait 1,5 ms chacun).
                numeros = self.con.execute("SELECT nextval('seq_import') FROM range(?)", [len(lots)]).fetchall()
                for i, (lot, res) in enumerate(zip(lots, resultats)):
                    res.import_id = int(numeros[i][0])
                    preparees.append((res, self._preparer(lot, res, ignorer_inconnus, lambda *_: None)))
                    progression(f"{lot.fichier.name}", 0.6 * (i + 1) / len(lots))
                self._ecrire_lignes(preparees, progression)
                if not demo:
                    self.con.execute("DELETE FROM t_meta WHERE cle = 'demo'")
                self._conclure_tous(lots, resultats, debut)
        except (ImportRejected, duckdb.Error, ValueError):
            return [self.importer(lot, ignorer_inconnus=ignorer_inconnus, progression=progression, demo=demo)
                    for lot in lots]
        return resultats

    def _conclure(self, lot: Lot, res: ResultatImport, debut: dt.datetime) -> None:
        """Un import réussi : son résumé, et sa ligne de journal dans sa propre transaction."""
        self._conclure_tous([lot], [res], debut)

    def _conclure_tous(self, lots: list[Lot], resultats: list[ResultatImport], debut: dt.datetime) -> None:
        for lot, res in zip(lots, resultats):
            res.anomalies = [situer(m, fichier=res.fichier, ligne=ligne, colonne=colonne)
                             for ligne, colonne, m in _anomalies(lot, res)]
            res.message = (f"{len(res.approches)} rapprochement(s) approché(s), "
                           f"{len(res.non_rapproches)} élève(s) inconnu(s), {len(res.anomalies)} remarque(s)")
        self._inserer_journaux([(res, debut, _anomalies(lot, res)) for lot, res in zip(lots, resultats)])

    def journaliser_refus(self, source: str, fichier: Path, err: ImportRejected) -> ResultatImport:
        """Consigne un fichier que son connecteur a refusé (rien d'autre n'est écrit)."""
        debut = dt.datetime.now()
        try:
            sha = hashlib.sha256(fichier.read_bytes()).hexdigest()
        except OSError:
            sha = ""
        res = ResultatImport(int(self.valeur("SELECT nextval('seq_import')")), source, fichier.name, sha,
                             statut="rejete", message=str(err), erreur=err)
        self._journaliser(res, debut, [(err.ligne, None if err.colonne is None else str(err.colonne), err.raison)])
        return res

    def _journaliser(self, res: ResultatImport, debut: dt.datetime, anomalies: list[tuple]) -> None:
        with self.atomic():
            self._inserer_journal(res, debut, anomalies)

    def _inserer_journal(self, res: ResultatImport, debut: dt.datetime, anomalies: list[tuple]) -> None:
        self._inserer_journaux([(res, debut, anomalies)])

    def _inserer_journaux(self, entrees: list[tuple[ResultatImport, dt.datetime, list[tuple]]]) -> None:
        """Les lignes de journal de plusieurs imports en deux insertions (une par table) : un paquet de
        deux mille fichiers de notes en écrivait quatre mille une à une."""
        fin = dt.datetime.now()
        imports = pl.DataFrame(
            [
                (res.import_id, res.source, res.fichier, res.sha256, res.statut, res.lignes_lues,
                 res.lignes_inserees, res.lignes_mises_a_jour, res.lignes_rejetees, debut, fin, res.message)
                for res, debut, _ in entrees
            ],
            schema=_JOURNAL_IMPORTS, orient="row",
        )
        anomalies = pl.DataFrame(
            [(res.import_id, ligne, None if colonne is None else str(colonne), message)
             for res, _, liste in entrees for ligne, colonne, message in liste],
            schema=_JOURNAL_ANOMALIES, orient="row",
        )
        self.con.register("journal_imports", imports)
        self.con.register("journal_anomalies", anomalies)
        try:
            self.con.execute("INSERT INTO t_imports SELECT * FROM journal_imports")
            if anomalies.height:
                self.con.execute("INSERT INTO t_anomalies SELECT * FROM journal_anomalies")
        finally:
            self.con.unregister("journal_imports")
            self.con.unregister("journal_anomalies")

    def _ecrire(self, lot: Lot, res: ResultatImport, ignorer_inconnus: bool, progression: Progression) -> None:
        lignes = self._preparer(lot, res, ignorer_inconnus, progression)
        progression("écriture", 0.6)
        self._ecrire_lignes([(res, lignes)], progression)

    def _preparer(
        self, lot: Lot, res: ResultatImport, ignorer_inconnus: bool, progression: Progression
    ) -> dict[str, list[tuple] | _Colonnes]:
        """Valide un lot et le traduit en lignes de tables (élèves rapprochés) ; n'écrit rien. Les notes
        d'un export lu en colonnes (:class:`NotesLues`) restent en colonnes (:class:`_Colonnes`)."""
        lignes: dict[str, list[tuple] | _Colonnes] = {}

        def ajouter(table: str, rows: list[tuple] | _Colonnes) -> None:
            if rows:
                if isinstance(rows, _Colonnes):
                    lignes[table] = rows  # une seule source de notes par lot
                else:
                    lignes.setdefault(table, []).extend(rows)

        progression("préparation", 0.0)
        if lot.etablissement:
            ajouter("t_etablissement", [(lot.etablissement.uai, lot.etablissement.nom)])
        # La description de l'établissement fait foi pour les dates des périodes ; une autre source (LSU,
        # dont les bornes sont déduites des dates des bilans) ne fait qu'ajouter les périodes inconnues.
        connues = set() if lot.source == "etablissement" else {(a, nom) for a, _, _, nom in self._periodes_entrepot()}
        ajouter("t_periodes", [(p.annee, p.nom, p.debut, p.fin) for p in lot.periodes
                               if (p.annee, p.nom) not in connues])
        ajouter("t_classes", [(c.nom, c.niveau, c.voie) for c in lot.classes])
        ajouter("t_matieres", [(m.libelle, m.service, m.famille.value, m.coefficient, "|".join(m.codes) or None)
                               for m in lot.matieres])
        if lot.effectif:
            ajouter(
                "t_eleves",
                [
                    (
                        e.eleve_id(), e.ine, e.nom, e.prenom, e.classe, e.date_naissance, e.sexe,
                        e.entree, e.sortie, ",".join(sorted(e.accompagnement)) or None,
                        ",".join(e.groupes) or None,
                    )
                    for e in lot.eleves
                ],
            )
            annee = self._annee_effectif(lot)
            ajouter("t_scolarites", [(e.eleve_id(), annee, e.classe, e.entree, e.sortie) for e in lot.eleves])
        elif lot.eleves:
            raise ImportRejected(
                "cette source n'est pas une liste d'élèves : elle ne peut pas en créer", fichier=lot.fichier
            )

        annuaire = self.annuaire()
        if lot.effectif:  # les élèves de ce lot sont connus dès maintenant
            annuaire = Annuaire(
                annuaire.eleves
                + [EleveConnu(e.eleve_id(), e.nom, e.prenom, e.classe, e.ine) for e in lot.eleves]
            )
        # Une désignation (nom, classe…) est rapprochée une fois par lot : un « approché » est signalé une
        # fois, un élève inconnu une fois par ligne, même à plusieurs notes.
        cache: dict[tuple, Rapprochement] = {}
        signales: set[tuple[tuple, int | None]] = set()
        # Le rapprochement d'une désignation déjà vue dans un autre fichier du paquet, retrouvé par
        # l'enregistrement lui-même (les exports d'une classe partagent leurs RefEleve) : un élève retrouvé
        # sans remarque n'a rien à signaler, le reste passe par le chemin de toujours, lot par lot.
        if self._memo_refs is None or self._memo_refs[0] is not annuaire:
            self._memo_refs = (annuaire, {})
        rapproches = self._memo_refs[1]  # (nom propre : la fonction ci-dessous le lit à chaque appel)

        def eleve_id(ref: RefEleve) -> str | None:
            vu = rapproches.get(id(ref))
            if vu is not None and vu[0] is ref:
                r = vu[1]
                if r.trouve and not r.remarque and r.methode != "approche":
                    return r.eleve_id
            cle = cle_designation(ref)
            r = cache.get(cle)
            if r is None:
                r = cache[cle] = annuaire.rapprocher(ref)
                if r.methode == "approche":  # le nom de l'élève retenu, pour la remarque (pas son identifiant)
                    nom = next((e.libelle() for e in annuaire.eleves if e.eleve_id == r.eleve_id), ELEVE_SANS_LIBELLE)
                    res.approches.append(Rapprochement(ref, r.eleve_id, r.methode, r.score, candidats=(nom,)))
            if (not r.trouve or r.remarque) and (cle, ref.ligne) not in signales:
                signales.add((cle, ref.ligne))
                if r.remarque:  # un INE qui contredit le nom de la même ligne
                    res.remarques.append(Anomalie(ligne=ref.ligne, colonne="INE", message=r.remarque))
                else:
                    res.non_rapproches.append(Rapprochement(ref, None, candidats=r.candidats))
                    res.lignes_rejetees += 1
            rapproches[id(ref)] = (ref, r)  # l'enregistrement gardé : son id n'est pas réutilisé
            return r.eleve_id

        annee_de = self._annees_sans_date(lot) or _annees(lot)
        periode_de = self._periodes(lot)
        annees_periodes = self._annees_periodes(lot)
        self._verifier_dates(lot)
        self._verifier_periodes(lot)
        self._rapprocher_matiere_du_fichier(lot, res)
        devoirs: dict[str, tuple] = {}

        def devoir_id(d: Devoir) -> str:
            periode = d.periode or periode_de(d.date, lot)
            did = d.devoir_id(periode)  # l'identité suit la période où le devoir est rangé
            if did not in devoirs:
                devoirs[did] = (
                    did, d.classe, d.matiere, d.service_source, annee_scolaire(d.date, annees_periodes),
                    periode,
                    d.date, d.titre,
                    d.bareme, d.coefficient, d.ramener_sur_20, d.bonus, d.facultatif, d.commentaire,
                )
            return did

        notes: list[tuple] = []
        if isinstance(lot.notes, NotesLues):
            # En colonnes : un rapprochement par élève désigné qui a des notes, un identifiant par devoir.
            bloc = lot.notes
            notes_de = set(bloc.eleve)
            eids = [eleve_id(r) if i in notes_de else None for i, r in enumerate(bloc.eleves)]
            # un devoir dont aucun élève n'est connu n'est pas écrit (ni sa période cherchée)
            utiles = {d for e, d in zip(bloc.eleve, bloc.devoir) if eids[e] is not None}
            dids = [devoir_id(d) if i in utiles else "" for i, d in enumerate(bloc.devoirs)]
            valeurs = {s: s.value for s in StatutNote}
            eleve, devoir, valeur, statut = bloc.eleve, bloc.devoir, bloc.valeur, bloc.statut
            if any(eids[e] is None for e in notes_de):  # des élèves écartés (--ignorer-inconnus)
                gardees = [i for i, e in enumerate(eleve) if eids[e] is not None]
                eleve, devoir, valeur, statut = ([c[i] for i in gardees] for c in (eleve, devoir, valeur, statut))
            # En colonnes jusqu'à l'entrepôt (une liste par colonne, pas un tuple par note).
            notes = _Colonnes(eleve_id=[eids[e] for e in eleve], devoir_id=[dids[d] for d in devoir],
                              valeur=list(valeur), statut=[valeurs[s] for s in statut])
        else:
            ids_devoirs: dict[int, tuple[Devoir, str]] = {}  # un devoir porte les notes de toute une classe
            for n in lot.notes:
                eid = eleve_id(n.eleve)
                if eid is None:
                    continue
                d = n.devoir
                connu = ids_devoirs.get(id(d))
                if connu is None or connu[0] is not d:
                    connu = ids_devoirs[id(d)] = (d, devoir_id(d))
                notes.append((eid, connu[1], n.valeur, n.statut.value))
        ajouter("t_devoirs", list(devoirs.values()))
        ajouter("t_notes", notes)
        progression("rapprochement des élèves", 0.3)
        nom_matiere = self._rapprocher_matieres(lot, res) if lot.matieres_a_rapprocher else {}
        ajouter(
            "t_moyennes_source",
            [
                (eid, annee_de(m.periode), m.periode, nom_matiere.get(m.matiere or "", m.matiere or ""),
                 m.service_source, m.source, m.moyenne,
                 m.moyenne_classe, m.min_classe, m.max_classe, m.rang, m.positionnement, m.appreciation)
                for m in lot.moyennes
                if (eid := eleve_id(m.eleve))
            ],
        )
        ajouter(
            "t_absences",
            [
                (eid, a.debut, a.fin, a.demi_journees_brutes, a.demi_journees_calculees, a.statut.value,
                 a.motif, a.reglee_administrativement)
                for a in lot.absences
                if (eid := eleve_id(a.eleve))
            ],
        )
        ajouter(
            "t_retards",
            [(eid, r.date, r.minutes, r.justifie, r.motif) for r in lot.retards if (eid := eleve_id(r.eleve))],
        )
        # Deux punitions de même nature, le même jour, au même élève, mais d'un autre motif ou d'un autre
        # professeur sont deux punitions (rang 0, 1… dans l'ordre du fichier) ; deux lignes identiques en
        # tout sont une ligne répétée, une seule punition.
        rangs: dict[tuple, dict[tuple, int]] = {}
        sanctions = []
        for s in lot.sanctions:
            if eid := eleve_id(s.eleve):
                contenu = (s.motif, s.exclusion, s.disciplinaire, s.donnee_par)
                deja = rangs.setdefault((eid, s.date, s.nature), {})
                rang = deja.setdefault(contenu, len(deja))
                sanctions.append((eid, s.date, s.nature, *contenu, rang))
        ajouter("t_sanctions", sanctions)
        ajouter(
            "t_competences",
            [
                (eid, e.referentiel, e.domaine, e.item, e.date, e.contexte or "", e.niveau,
                 e.libelle_source, e.statut.value, e.periode, e.evaluateur)
                for e in lot.evaluations
                if (eid := eleve_id(e.eleve))
            ],
        )
        profils, comps = [], []
        # Deux lignes qui désignent deux élèves différemment mais sont rattachées au même élève, pour la
        # même campagne, ne se confondent pas en silence : remarque, ou refus si elles se remplaceraient.
        rattachees: dict[tuple, tuple[tuple, RefEleve]] = {}

        def nom_de(eid: str) -> str:
            return next((e.libelle() for e in annuaire.eleves if e.eleve_id == eid), eid)

        for p in lot.pix:
            eid = eleve_id(p.eleve)
            if eid is None:
                continue
            designation = cle_designation(p.eleve)[:4]  # le nom et la classe écrits, sans l'identifiant saisi
            for cle in ((eid, p.campagne), (eid, p.campagne, p.date_envoi)):
                deja = rattachees.setdefault(cle, (designation, p.eleve))
                if deja[0] == designation:
                    continue
                quelles = f"les lignes {deja[1].ligne} (« {deja[1].libelle()} ») et {p.eleve.ligne} (« {p.eleve.libelle()} »)"
                if len(cle) == 3:
                    raise ImportRejected(
                        f"{quelles} sont rattachées au même élève ({nom_de(eid)}), pour la même campagne et le même envoi : "
                        "l'une remplacerait l'autre. Corrigez le nom ou la classe de l'une d'elles",
                        fichier=lot.fichier, ligne=p.eleve.ligne,
                    )
                res.remarques.append(Anomalie(ligne=p.eleve.ligne, message=(
                    f"{quelles} sont rattachées au même élève ({nom_de(eid)}) pour la campagne « {p.campagne} » : "
                    "gardées comme deux envois")))
            profils.append(
                (eid, p.campagne, p.code_campagne, p.type_campagne, p.date_envoi, p.partage,
                 p.pix_total, p.certifiable, p.progression, p.palier, p.paliers, " ; ".join(p.badges) or None)
            )
            codes = {c.competence for c in p.competences} | set(p.maitrise)
            par_code = {c.competence: c for c in p.competences}
            for code in sorted(codes):
                c = par_code.get(code)
                comps.append(
                    (eid, p.campagne, p.date_envoi, code, c.niveau if c else None, c.pix if c else None,
                     p.maitrise.get(code))
                )
        ajouter("t_pix_profils", profils)
        ajouter("t_pix", comps)

        if res.non_rapproches and not ignorer_inconnus:
            premiers = res.non_rapproches[0]
            raise ImportRejected(
                f"{len(res.non_rapproches)} ligne(s) désignent un élève inconnu de Vigie. Importez d'abord "
                "la liste des élèves (pronote-eleves), corrigez le nom, ou relancez avec "
                "« --ignorer-inconnus » pour importer le reste.",
                fichier=lot.fichier,
                ligne=premiers.ref.ligne,
                colonne="Élève",
                details=[
                    (f"ligne {r.ref.ligne} : " if r.ref.ligne else "")
                    + f"« {r.ref.libelle()} » — proches : {'; '.join(r.candidats) or 'aucun'}"
                    for r in res.non_rapproches
                ],
            )
        return lignes

    def _ecrire_lignes(self, lots: list[tuple[ResultatImport, dict[str, list[tuple] | _Colonnes]]],
                       progression: Progression) -> None:
        """Écrit les lignes d'un ou plusieurs lots : une fusion par table, décomptes rendus à chaque lot."""
        tables: dict[str, list[tuple] | _Colonnes] = {}
        # Une table dont un lot donne des colonnes est mise en colonnes pour tout le paquet.
        en_colonnes = {t for _, lignes in lots for t, rows in lignes.items() if isinstance(rows, _Colonnes)}
        for indice, (res, lignes) in enumerate(lots):
            for table, rows in lignes.items():
                if table in en_colonnes:
                    noms = schema.TABLES[table].noms
                    cols = tables.setdefault(table, _Colonnes({c: [] for c in (*noms, "_lot", "_import_id")}))
                    morceaux = rows if isinstance(rows, _Colonnes) else dict(zip(noms, map(list, zip(*rows))))
                    for c in noms:
                        cols[c].extend(morceaux[c])
                    n = len(morceaux[noms[0]])
                    cols["_lot"].extend([indice] * n)
                    cols["_import_id"].extend([res.import_id] * n)
                else:
                    tables.setdefault(table, []).extend(row + (indice, res.import_id) for row in rows)
        # Des devoirs tous inconnus n'ont encore aucune note : leurs notes s'insèrent sans chercher
        # de doublon dans t_notes (la jointure coûterait un parcours de toute la table à chaque fichier).
        devoirs = [row[0] for row in tables.get("t_devoirs", [])]
        devoirs_connus = bool(devoirs) and bool(self.valeur(
            "SELECT count(*) FROM t_devoirs WHERE devoir_id IN (SELECT unnest($ids))", {"ids": devoirs}
        ))
        # Les moyennes à recalculer : périodes des devoirs touchés, avant l'écriture (un devoir peut changer
        # de période) et après (models/precalcul.py).
        notes = tables.get("t_notes", [])
        if isinstance(notes, _Colonnes):
            touches = set(devoirs) | set(notes["devoir_id"])
        else:
            col = schema.TABLES["t_notes"].noms.index("devoir_id")
            touches = set(devoirs) | {row[col] for row in notes}
        periodes = precalcul.periodes_des_devoirs(self.con, touches) if devoirs_connus else set()
        changees: set[str] = set()
        for i, (table, rows) in enumerate(tables.items()):
            tout_nouveau = table == "t_notes" and not devoirs_connus
            for indice, (ins, maj, inch) in self._fusionner(schema.TABLES[table], rows, tout_nouveau=tout_nouveau).items():
                res = lots[indice][0]
                res.par_table[table] = (ins, maj, inch)
                res.lignes_inserees += ins
                res.lignes_mises_a_jour += maj
                res.lignes_inchangees += inch
                if ins or maj:
                    changees.add(table)
            progression(f"écriture de {table}", 0.6 + 0.4 * (i + 1) / len(tables))
        if changees & precalcul.TABLES_GLOBALES:
            self._rafraichir(None)
        elif changees & {"t_notes", "t_devoirs"}:
            self._rafraichir(periodes | precalcul.periodes_des_devoirs(self.con, touches))

    def _fusionner(
        self, table: schema.Table, rows: list[tuple] | _Colonnes, *, tout_nouveau: bool = False
    ) -> dict[int, tuple[int, int, int]]:
        """Upsert par clé naturelle : dédoublonne (la dernière ligne l'emporte, d'un fichier au suivant
        comme dans un même fichier), insère les nouvelles clés, remplace les lignes dont une valeur a
        changé, laisse les autres intactes (leur ``import_id`` compris : réimporter le même contenu ne
        change rien). Chaque ligne porte en dernier l'indice de son lot et son ``import_id``.
        Renvoie, par lot : (insérées, mises à jour, inchangées)."""
        types = {c: _POLARS[t] for c, t in table.colonnes} | {"_lot": pl.Int32, "_import_id": pl.Int32}
        df = pl.DataFrame(dict(rows), schema=types) if isinstance(rows, _Colonnes) else pl.DataFrame(rows, schema=types, orient="row")
        for c in table.cle:
            if c not in table.cle_nullable and df[c].null_count():
                raise ImportRejected(f"valeur manquante dans la clé « {c} » de {table.nom.removeprefix('t_')}")
        lus = dict(df.group_by("_lot").len().iter_rows())
        # Une clé répétée (dans un fichier, ou d'un fichier du paquet à l'autre) est rare : un seul passage
        # la cherche ; sans elle, ni collision possible ni dédoublonnage à faire.
        if df.select(table.cle).is_duplicated().any():
            _collisions(table, df)
            df = df.unique(subset=list(table.cle), keep="last", maintain_order=True)
        nom_stage = f"stage_{table.nom}"
        self.con.register(nom_stage, df)
        q = quote_ident
        cols = ", ".join(f"s.{q(c)}" for c in table.noms)
        try:
            if tout_nouveau:
                self.con.execute(f"INSERT INTO {table.nom} SELECT {cols}, s._import_id FROM {nom_stage} s")
                comptes = {lot: (n, 0) for lot, n in df.group_by("_lot").len().iter_rows()}
            else:
                cle = " AND ".join(
                    f"t.{q(c)} IS NOT DISTINCT FROM s.{q(c)}" if c in table.cle_nullable else f"t.{q(c)} = s.{q(c)}"
                    for c in table.cle
                )
                diff = " OR ".join(f"t.{q(c)} IS DISTINCT FROM s.{q(c)}" for c in table.valeurs) or "FALSE"
                # Sans table temporaire (coûteuse dans une transaction) : on compte, on retire les lignes
                # modifiées, puis on insère ce qui n'a plus d'équivalent (nouveau ou modifié).
                comptes = {
                    lot: (int(n), int(m))
                    for lot, n, m in self.con.execute(
                        f"""SELECT s._lot, count(*) FILTER (WHERE t._present IS NULL),
                                   count(*) FILTER (WHERE t._present AND ({diff}))
                        FROM {nom_stage} s LEFT JOIN (SELECT *, TRUE AS _present FROM {table.nom}) t ON {cle}
                        GROUP BY s._lot"""
                    ).fetchall()
                }
                if any(m for _, m in comptes.values()):
                    self.con.execute(
                        f"DELETE FROM {table.nom} t WHERE EXISTS (SELECT 1 FROM {nom_stage} s WHERE {cle} AND ({diff}))"
                    )
                if any(n or m for n, m in comptes.values()):
                    self.con.execute(
                        f"INSERT INTO {table.nom} SELECT {cols}, s._import_id "
                        f"FROM {nom_stage} s WHERE NOT EXISTS (SELECT 1 FROM {table.nom} t WHERE {cle})"
                    )
        finally:
            self.con.unregister(nom_stage)
        return {
            lot: (comptes.get(lot, (0, 0))[0], comptes.get(lot, (0, 0))[1],
                  n - comptes.get(lot, (0, 0))[0] - comptes.get(lot, (0, 0))[1])
            for lot, n in lus.items()
        }

    def _designations_matieres(self, lot: Lot) -> tuple[set[str], Callable[[str], tuple[str, str] | None]]:
        """Les matières connues de l'établissement (déclarées, ou vues dans des notes ou des moyennes, ou
        déclarées par le lot) et la fonction qui rapproche un libellé d'export de l'une d'elles : par un
        code ou libellé court déclaré dans etablissement.toml (``codes``), sinon au même nom à la casse, aux
        accents et à la ponctuation près. Elle rend (matière, raison) ou None."""
        connues = {r[0] for r in self.con.execute(
            "SELECT matiere FROM t_matieres UNION SELECT DISTINCT matiere FROM t_devoirs "
            "UNION SELECT DISTINCT matiere FROM t_moyennes_source WHERE matiere <> ''").fetchall()}
        connues |= {m.libelle for m in lot.matieres}
        codes: dict[str, str] = {}
        for matiere, liste in self.con.execute(
                "SELECT matiere, codes FROM t_matieres WHERE codes IS NOT NULL").fetchall():
            codes.update({cle_nom(c): matiere for c in liste.split("|")})
        codes.update({cle_nom(c): m.libelle for m in lot.matieres for c in m.codes})
        par_nom = {cle_nom(m): m for m in connues}

        def designer(libelle: str) -> tuple[str, str] | None:
            cle = cle_nom(libelle)
            if cle in codes:
                return codes[cle], "code déclaré dans etablissement.toml"
            if cle in par_nom:
                return par_nom[cle], "même nom à la casse, aux accents et à la ponctuation près"
            return None

        return connues, designer

    def _rapprocher_matiere_du_fichier(self, lot: Lot, res: ResultatImport) -> None:
        """La matière qu'un export de la page Notes tient de son nom de fichier ou de l'option ``matiere``
        (``Lot.matiere_du_fichier``, ``Lot.matiere_par_option``)
        doit désigner une matière déclarée par l'établissement (t_matieres ou le lot), rapprochée comme
        celles de pronote-resultats (:meth:`_designations_matieres`) : rattachée, ses devoirs et moyennes
        prennent le nom déclaré (avec une remarque) ; inconnue, le lot est refusé en nommant le fichier et
        les matières déclarées les plus proches (« bad.csv », « ANGLAIS LV1 (1).csv » : un export
        enregistré sous un autre nom), sauf ``nouvelles_matieres=oui`` (créée, avec une remarque). Sans
        matière déclarée (établissement pas encore décrit), rien ne change."""
        libelle = lot.matiere_du_fichier
        if not libelle:
            return
        origine = "option matiere" if lot.matiere_par_option else "nom du fichier"
        if self._matieres_ecriture is None:  # une lecture par écriture, pas une par fichier du paquet
            self._matieres_ecriture = {r[0] for r in self.con.execute("SELECT matiere FROM t_matieres").fetchall()}
        declarees = self._matieres_ecriture | {m.libelle for m in lot.matieres}
        if not declarees or libelle in declarees:
            return
        connues, designer = self._designations_matieres(lot)
        trouvee = designer(libelle)
        if trouvee is None and libelle in connues:
            return  # déjà acceptée comme nouvelle lors d'un import précédent
        if trouvee is None:
            if not lot.matieres_nouvelles:
                par_cle = {m.upper(): m for m in sorted(declarees)}
                proches = [par_cle[p] for p in difflib.get_close_matches(libelle.upper(), list(par_cle), n=3,
                                                                          cutoff=0.4)] or sorted(declarees)[:3]
                raise ImportRejected(
                    f"matière « {libelle} » ({'option matiere, fichier' if lot.matiere_par_option else origine} "
                    f"« {lot.fichier.name} ») inconnue de l'établissement ; matière(s) déclarée(s) la(les) plus "
                    "proche(s) : " + ", ".join(f"« {m} »" for m in proches)
                    + (". Indiquez l'une d'elles (--option matiere=…) ; " if lot.matiere_par_option else
                       ". Renommez le fichier du nom de sa matière (ou indiquez-la : --option matiere=…) ; ")
                    + "si c'est bien une nouvelle matière, réimportez avec « --option nouvelles_matieres=oui »",
                    fichier=lot.fichier, colonne=libelle,
                    details=[f"matières déclarées : {', '.join(sorted(declarees))}"],
                )
            res.remarques.append(Anomalie(colonne=libelle, message=(
                f"matière « {libelle} » ({origine}) créée : acceptée comme nouvelle (nouvelles_matieres=oui)")))
            return
        cible, pourquoi = trouvee
        if cible == libelle:
            return
        res.remarques.append(Anomalie(colonne=libelle, message=(
            f"matière « {libelle} » ({origine}) rattachée à « {cible} » ({pourquoi})")))
        if isinstance(lot.notes, NotesLues):
            lot.notes.devoirs = type(lot.notes.devoirs)(
                d.model_copy(update={"matiere": cible}) if d.matiere == libelle else d for d in lot.notes.devoirs)
        lot.moyennes = [m.model_copy(update={"matiere": cible}) if m.matiere == libelle else m
                        for m in lot.moyennes]

    def _verifier_periodes(self, lot: Lot) -> None:
        """Refuse une période nommée (option ``periode`` d'un export de notes ou d'un tableau des résultats)
        que l'établissement n'a pas déclarée pour l'année scolaire de ses devoirs (pour aucune année, pour
        un tableau des résultats, qui n'a pas de date) (« T1 » quand il déclare « Trimestre 1 ») : elle
        créerait une période de plus, et « la période précédente » et les évolutions seraient fausses.
        Le refus nomme le fichier et les périodes déclarées. Sans période déclarée pour cette année
        (établissement pas encore décrit), rien n'est vérifié."""
        declarees: dict[str, set[str]] = {}
        for p in lot.periodes:
            declarees.setdefault(p.annee, set()).add(p.nom)
        for annee, _, _, nom in self._periodes_entrepot():
            declarees.setdefault(annee, set()).add(nom)
        if not declarees:
            return
        annees_periodes = self._annees_periodes(lot)
        annee_de = self._annees_sans_date(lot) or _annees(lot)
        nommees = {(annee_scolaire(d.date, annees_periodes), d.periode) for d in _devoirs(lot) if d.periode}
        # La période donnée à l'import (option ``periode``) d'un export de notes ou d'un tableau des résultats.
        nommees |= {(annee_de(m.periode), m.periode) for m in lot.moyennes
                    if m.periode and lot.source in ("pronote-notes", "pronote-resultats")}
        for annee, periode in sorted(nommees, key=lambda x: (x[0] or "", x[1])):
            # Un tableau des résultats n'a pas de date : sa période doit être déclarée pour une année au moins.
            connues = declarees.get(annee) if annee else set().union(*declarees.values())
            if connues and periode not in connues:
                ordre = sorted(connues, key=lambda nom: next(
                    (debut for a, debut, _, n in self._periodes_entrepot() if n == nom and annee in (a, None)),
                    next((p.debut for p in lot.periodes if p.nom == nom), dt.date.max)))
                raise ImportRejected(
                    f"période « {periode} » inconnue de l'établissement"
                    + (f" pour l'année {annee}" if annee else "") + " (fichier "
                    f"« {lot.fichier.name} ») ; périodes déclarées : "
                    + ", ".join(f"« {n} »" for n in ordre)
                    + ". Réimportez avec l'une d'elles (--periode « " + ordre[0] + " »…)",
                    fichier=lot.fichier, colonne="periode",
                )

    def _rapprocher_matieres(self, lot: Lot, res: ResultatImport) -> dict[str, str]:
        """Chaque matière des moyennes du lot → la matière de l'établissement qu'elle désigne : elle-même si
        elle est connue (déclarée, ou vue dans des notes ou des moyennes), sinon par un code ou libellé court
        déclaré dans etablissement.toml (``codes``), sinon au même nom à la casse et aux accents près — avec
        une remarque. Une matière qui n'en désigne aucune refuse le lot (chacune nommée), sauf dans un
        entrepôt qui n'en connaît encore aucune (elle y est créée, avec une remarque)."""
        connues, designer = self._designations_matieres(lot)
        traduites: dict[str, str] = {}
        inconnues: list[str] = []
        for libelle in sorted({m.matiere for m in lot.moyennes if m.matiere} - connues):
            trouvee = designer(libelle)
            if trouvee is None:
                inconnues.append(libelle)
                continue
            traduites[libelle], pourquoi = trouvee
            res.remarques.append(Anomalie(colonne=libelle, message=(
                f"matière « {libelle} » rattachée à « {traduites[libelle]} » ({pourquoi})")))
        if inconnues and connues and not lot.matieres_nouvelles:
            raise ImportRejected(
                f"{len(inconnues)} matière(s) inconnue(s) de l'établissement : "
                + ", ".join(f"« {m} »" for m in inconnues)
                + ". Déclarez dans etablissement.toml les codes de chaque matière ([[matieres]] libelle = "
                "\"MATHEMATIQUES\", codes = [\"MATHS\"]), importez-le, puis réimportez ce fichier ; ou, "
                "si ce sont bien de nouvelles matières, réimportez avec « --option nouvelles_matieres=oui »",
                fichier=lot.fichier, colonne=inconnues[0],
                details=[f"matières connues : {', '.join(sorted(connues))}"],
            )
        for libelle in inconnues:
            pourquoi = "acceptée comme nouvelle (nouvelles_matieres=oui)" if connues else \
                "aucune matière n'est encore connue"
            res.remarques.append(Anomalie(colonne=libelle, message=f"matière « {libelle} » créée : {pourquoi}"))
        return traduites

    def _periodes_entrepot(self) -> list[tuple]:
        """(annee, debut, fin, periode) de l'établissement, lues une fois entre deux imports qui en
        apportent (des centaines de fichiers de notes ne les relisent pas chacun)."""
        if self._periodes_cache is None:
            self._periodes_cache = [
                tuple(r) for r in self.con.execute("SELECT annee, debut, fin, periode FROM t_periodes").fetchall()
            ]
        return self._periodes_cache

    def _annees_periodes(self, lot: Lot) -> list[tuple[str, dt.date, dt.date]]:
        """(annee, debut, fin) des périodes connues (lot puis entrepôt), pour ``annee_scolaire``."""
        return [(p.annee, p.debut, p.fin) for p in lot.periodes] + [
            (annee, debut, fin) for annee, debut, fin, _ in self._periodes_entrepot()]

    def _annees_sans_date(self, lot: Lot) -> Callable[[str], str | None] | None:
        """L'année scolaire des moyennes d'un lot qui n'a ni date ni période (le tableau des résultats de
        Pronote ne dit pas son année) : ``Lot.annee`` (option ``annee``), sinon l'année de l'établissement qui
        déclare une période de ce nom ; si plusieurs la déclarent, la dernière, avec une remarque (l'option
        ``annee`` en choisit une autre). None pour un lot daté (ses dates et ses périodes le disent)."""
        if not lot.moyennes or lot.periodes or _devoirs(lot):
            return None
        par_nom: dict[str, set[str]] = {}
        for annee, _, _, nom in self._periodes_entrepot():
            par_nom.setdefault(nom, set()).add(annee)

        def annee_de(nom: str) -> str | None:
            if lot.annee:
                return lot.annee
            annees = par_nom.get(nom, set())
            if len(annees) > 1:
                remarque = Anomalie(colonne="periode", message=(
                    f"« {nom} » rattaché à l'année scolaire {max(annees)} (dernière année de l'établissement qui "
                    "déclare cette période ; le fichier ne dit pas son année) : pour une autre année, importez-le "
                    "avec l'option annee=AAAA-AAAA"))
                if remarque not in lot.anomalies:
                    lot.anomalies.append(remarque)
            return max(annees) if annees else None

        return annee_de

    def _annee_effectif(self, lot: Lot) -> str:
        """L'année scolaire d'une liste d'élèves : celle qu'elle dit (``Lot.annee``), sinon la dernière
        année des périodes de l'établissement (lot ou entrepôt), sinon celle d'aujourd'hui — ces deux
        derniers cas sont signalés dans le rapport d'import (l'export de Pronote ne dit pas l'année)."""
        if lot.annee:
            return lot.annee
        connues = {p.annee for p in lot.periodes} | {a for a, *_ in self._periodes_entrepot()}
        annee = max(connues) if connues else annee_scolaire(dt.date.today())
        origine = "dernière année de l'établissement" if connues else "année en cours"
        remarque = Anomalie(message=f"liste rattachée à l'année scolaire {annee} ({origine}) ; pour une autre "
                            "année, importez-la avec l'option annee=AAAA-AAAA")
        if remarque not in lot.anomalies:  # un lot importé deux fois ne la répète pas
            lot.anomalies.append(remarque)
        return annee

    def _verifier_dates(self, lot: Lot) -> None:
        """Refuse un événement daté hors de toute année scolaire connue (faute de saisie, mauvais fichier).

        Sans périodes connues (établissement pas encore décrit), rien n'est vérifié."""
        annees = {p.annee for p in lot.periodes} | {
            annee for annee, *_ in self._periodes_entrepot()
        }
        if not annees:
            return
        connues = self._annees_periodes(lot)
        # Les notes d'un fichier tombent sur quelques dates de devoirs : chaque date est vérifiée une fois.
        jours = {a.debut.date() for a in lot.absences} | {r.date.date() for r in lot.retards} | {
            s.date for s in lot.sanctions} | {e.date for e in lot.evaluations} | {
            d.date for d in _devoirs(lot)}
        if all(annee_scolaire(jour, connues) in annees for jour in jours):
            return
        datees: list[tuple[Any, dt.date, str]] = (
            [(a.eleve, a.debut.date(), "Du") for a in lot.absences]
            + [(r.eleve, r.date.date(), "Date") for r in lot.retards]
            + [(s.eleve, s.date, "Date") for s in lot.sanctions]
            + [(e.eleve, e.date, "Date") for e in lot.evaluations]
            + [(n.eleve, n.devoir.date, "Date") for n in lot.notes]
        )
        for ref, jour, colonne in datees:
            if annee_scolaire(jour, connues) not in annees:
                connues = ", ".join(sorted(annees))
                raise ImportRejected(
                    f"date {jour:%d/%m/%Y} hors des années scolaires connues ({connues})",
                    fichier=lot.fichier, ligne=ref.ligne, colonne=colonne,
                )

    def _periodes(self, lot: Lot) -> Callable[[dt.date, Lot], str]:
        """La période d'un devoir daté, d'après les périodes de l'établissement (lot ou entrepôt)."""
        connues = [(p.debut, p.fin, p.nom) for p in lot.periodes] + [
            (debut, fin, nom) for _, debut, fin, nom in self._periodes_entrepot()
        ]

        def trouver(jour: dt.date, lot: Lot) -> str:
            for debut, fin, nom in connues:
                if debut <= jour <= fin:
                    return nom
            raise ImportRejected(
                f"aucune période de l'établissement ne contient le {jour:%d/%m/%Y} : importez d'abord "
                "la description de l'établissement (périodes), ou indiquez la période",
                fichier=lot.fichier,
            )

        return trouver

    def est_demo(self) -> bool:
        """Vrai pour l'école fictive de ``vigie demo`` tant qu'aucune donnée réelle n'y est importée."""
        return bool(self.version() and self.valeur("SELECT count(*) FROM t_meta WHERE cle = 'demo'"))

    # -- état --------------------------------------------------------------------------------------

    def comptes(self) -> dict[str, int]:
        return {
            v: int(self.valeur(f"SELECT count(*) FROM {quote_ident(v)}"))
            for v in ("eleves", "notes", "moyennes_pronote", "absences", "retards", "sanctions",
                      "competences", "pix_profils", "pix", "imports")
        }

    def journal(self, limite: int = 50) -> pl.DataFrame:
        return self.sql(
            "SELECT * FROM imports ORDER BY import_id DESC LIMIT $n", params={"n": limite}
        )

    def empreintes(self) -> dict[str, str]:
        """Une empreinte du contenu de chaque table de données : deux entrepôts identiques ont les mêmes."""
        out = {}
        for t in schema.TABLES_DONNEES:
            rows = self.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            out[t] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out


class _Colonnes(dict):
    """Les lignes d'une table en colonnes (nom → liste de valeurs, dans l'ordre des colonnes de la table) :
    les notes d'un export lu en colonnes (:class:`NotesLues`) n'y sont jamais mises en tuples, un tuple par
    note coûtait autant que leur lecture."""

    def __bool__(self) -> bool:
        return any(bool(v) for v in self.values())


_POLARS = {
    "VARCHAR": pl.String,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime("us"),
    "DOUBLE": pl.Float64,
    "INTEGER": pl.Int32,
    "BOOLEAN": pl.Boolean,
}


#: Colonnes des tables du journal (models/schema.py), pour les insérer en bloc.
_JOURNAL_IMPORTS = {
    "import_id": pl.Int32, "source": pl.Utf8, "fichier": pl.Utf8, "sha256": pl.Utf8, "statut": pl.Utf8,
    "lignes_lues": pl.Int32, "lignes_inserees": pl.Int32, "lignes_mises_a_jour": pl.Int32,
    "lignes_rejetees": pl.Int32, "debut": pl.Datetime("us"), "fin": pl.Datetime("us"), "message": pl.Utf8,
}
_JOURNAL_ANOMALIES = {"import_id": pl.Int32, "ligne": pl.Int32, "colonne": pl.Utf8, "message": pl.Utf8}


#: Ce qu'une remarque dit d'un élève rapproché dont le nom manquerait : jamais son identifiant interne.
ELEVE_SANS_LIBELLE = "un élève de l'établissement"


def _anomalies(lot: Lot, res: ResultatImport) -> list[tuple]:
    """Les remarques d'un import, (ligne, colonne, message) pour le résultat et le journal : celles du
    connecteur, celles de l'entrepôt, les rapprochements approchés, puis les élèves inconnus écartés."""
    return (
        [(a.ligne, a.colonne, a.message) for a in (*lot.anomalies, *res.remarques)]
        + [(r.ref.ligne, None, f"élève rapproché à {r.score:.0%} : « {r.ref.libelle()} » → "
            f"{r.candidats[0] if r.candidats else ELEVE_SANS_LIBELLE}") for r in res.approches]
        + [(r.ref.ligne, None, f"élève inconnu, ligne écartée : « {r.ref.libelle()} » "
            f"(proches : {'; '.join(r.candidats) or 'aucun élève proche'})") for r in res.non_rapproches]
    )


def _collisions(table: schema.Table, df: pl.DataFrame) -> None:
    """Refuse deux lignes d'un même fichier qui tombent sur la même clé naturelle avec des valeurs
    différentes : l'une écraserait l'autre en silence. Deux lignes identiques en tout n'en font qu'une
    (ligne répétée). D'un fichier au suivant, le plus récent met à jour, comme un réimport."""
    cles = [*table.cle, "_lot"]
    doublons = df.filter(df.select(cles).is_duplicated())
    if not doublons.height:
        return
    distinctes = doublons.unique(subset=[*cles, *table.valeurs])
    conflits = distinctes.filter(distinctes.select(cles).is_duplicated())
    if not conflits.height:
        return
    premier = conflits.row(0, named=True)
    cle = ", ".join(f"{c} « {premier[c]} »" for c in table.cle)
    valeurs = [
        ", ".join(f"{c} « {r[c]} »" for c in table.valeurs if r[c] != premier[c] or c == table.valeurs[0])
        for r in conflits.filter(pl.all_horizontal([pl.col(c).eq_missing(premier[c]) for c in cles])).iter_rows(named=True)
    ]
    raise ImportRejected(
        f"deux lignes du fichier donnent des valeurs différentes pour la même clé de "
        f"{table.nom.removeprefix('t_')} ({cle}) : l'une écraserait l'autre",
        details=valeurs,
    )


def _devoirs(lot: Lot) -> list[Devoir]:
    """Les devoirs distincts (par identité) des notes d'un lot."""
    if isinstance(lot.notes, NotesLues):
        return list(lot.notes.devoirs)
    return list({id(n.devoir): n.devoir for n in lot.notes}.values())


def _annees(lot: Lot) -> Callable[[str], str | None]:
    """L'année scolaire d'une période nommée dans un lot (une seule année par fichier Pronote)."""
    par_nom = {p.nom: p.annee for p in lot.periodes}
    dates = [d.date for d in _devoirs(lot)[:1]]
    defaut = annee_scolaire(dates[0]) if dates else (lot.periodes[0].annee if lot.periodes else None)
    return lambda nom: par_nom.get(nom, defaut)


# --- Ouverture pour écrire ou pour lire ---------------------------------------------------------------


@contextlib.contextmanager
def ecriture(path: str | Path, *, attente: float = 60.0) -> Iterator[Warehouse]:
    """Ouvre l'entrepôt pour écrire sans jamais bloquer ni troubler les lecteurs (voir l'en-tête).

    L'état n'est mis en place qu'en sortie normale, ou sur une :class:`VigieError` (les transactions
    ont alors laissé un fichier cohérent, et le journal garde la trace du refus).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    verrou = open(path.with_name(path.name + ".lock"), "a+")
    os.chmod(verrou.name, 0o600)
    limite = time.monotonic() + attente
    while True:
        try:
            fcntl.flock(verrou, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > limite:
                verrou.close()
                raise WarehouseBusy(f"Un autre import est en cours sur {path} ; réessayez dans un instant.")
            time.sleep(0.1)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.ecriture")
    try:
        for reste in (tmp, Path(str(tmp) + ".wal")):
            reste.unlink(missing_ok=True)
        if path.exists():
            shutil.copyfile(path, tmp)
            os.chmod(tmp, 0o600)
        wh = Warehouse(tmp)
        garder = False
        try:
            yield wh
            garder = True
        except VigieError:
            garder = True
            raise
        finally:
            if garder:
                wh.con.execute("CHECKPOINT")
            wh.close()
            if garder:
                os.replace(tmp, path)
                dossier = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(dossier)
                finally:
                    os.close(dossier)
    finally:
        for reste in (tmp, Path(str(tmp) + ".wal")):
            reste.unlink(missing_ok=True)
        fcntl.flock(verrou, fcntl.LOCK_UN)
        verrou.close()


def lecture(path: str | Path, *, utilisateur: Any = None, essais: int = 20, pause: float = 0.05) -> Warehouse:
    """Une connexion en lecture seule, avec quelques nouvelles tentatives si le fichier bouge.

    Avec ``utilisateur`` (:class:`models.acces.Utilisateur`), les vues publiques sont restreintes à son
    périmètre (voir ``models/acces.py``)."""
    path = Path(path)
    if not path.exists():
        with ecriture(path):  # crée un entrepôt vide, schéma à jour
            pass
    derniere: Exception | None = None
    for i in range(essais):
        try:
            wh = Warehouse(path, read_only=True)
        except duckdb.Error as err:  # fichier remplacé pendant l'ouverture, verrou passager
            derniere = err
            time.sleep(pause * (1 + i))
            continue
        if 0 < wh.version() < schema.VERSION:
            # Entrepôt d'une version précédente de Vigie (mise à jour du logiciel) : les vues et les
            # pages lisent le schéma actuel. Mis à jour une fois, comme le ferait le prochain import.
            ancienne = wh.version()
            wh.close()
            try:
                with ecriture(path):
                    pass
            except OSError as err:
                raise VigieError(f"L'entrepôt {path} (schéma {ancienne}) doit être mis à jour vers le schéma "
                                 f"{schema.VERSION}, mais ce compte ne peut pas l'écrire : {err}") from err
            wh = Warehouse(path, read_only=True)
        if utilisateur is not None:
            from .acces import restreindre

            restreindre(wh.con, utilisateur)
        return wh
    raise VigieError(f"Impossible d'ouvrir l'entrepôt {path} en lecture : {derniere}")
