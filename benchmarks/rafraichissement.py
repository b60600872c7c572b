"""Cas (c), suite : ce que coûte de tenir les moyennes à jour quand les données changent
(``models/precalcul.py``), et la lecture qu'elles rendent rapide.

Sur une copie de l'entrepôt, dans ce processus, DuckDB sur ses fils par défaut :

- **l'export d'un professeur** (un service, une classe, une période de la dernière année : ses devoirs et
  ses notes, relus de l'entrepôt, une note changée à chaque import) importé par ``Warehouse.importer`` — avec le
  rafraîchissement de sa période, et sans (référence du même passage, ``precalcul.rafraichir`` neutralisé) ;
- le rafraîchissement **d'une période**, **d'une année** (une purge) et **de tout** (une liste d'élèves, un
  coefficient de matière changés), chacun dans une transaction annulée ensuite ;
- **une liste d'élèves** réimportée avec un élève changé de classe, et **un coefficient** de matière changé,
  de bout en bout (import compris) ;
- le **plancher** : un ``GROUP BY`` nu des notes par élève × devoir (une lecture de toutes les notes).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

from .mesure import Mesure


def _export_professeur(wh, dossier: Path):  # noqa: ANN001, ANN202
    """Le lot d'un export Notes de Pronote : le service × classe × période de la dernière année le plus fourni dont les devoirs se
    reconstruisent à l'identique (même identifiant), notes et élèves relus de l'entrepôt."""
    from models.records import Devoir, Lot, Note, RefEleve, StatutNote

    groupes = wh.sql(
        """SELECT classe, matiere, annee, periode, count(*) AS n FROM t_devoirs
           WHERE NOT contains(devoir_id, '~')  -- un établissement généré, pas une recopie (benchmarks/grand.py)
           GROUP BY ALL ORDER BY annee DESC, n DESC, classe, matiere LIMIT 20""")  # l'année en cours
    for g in groupes.iter_rows(named=True):
        devoirs = wh.sql("SELECT * FROM t_devoirs WHERE classe = $c AND matiere = $m AND annee = $a AND periode = $p",
                         {"c": g["classe"], "m": g["matiere"], "a": g["annee"], "p": g["periode"]})
        recus = {}
        for d in devoirs.iter_rows(named=True):
            # Un export CSV ne dit pas la période (l'entrepôt la déduit de la date) ; l'API la donne.
            candidats = [Devoir(classe=d["classe"], matiere=d["matiere"], date=d["date"], periode=periode,
                                titre=d["titre"], bareme=d["bareme"], coefficient=d["coefficient"],
                                ramener_sur_20=d["ramener_sur_20"], bonus=d["bonus"], facultatif=d["facultatif"],
                                commentaire=d["commentaire"]) for periode in (None, d["periode"])]
            dv = next((c for c in candidats if c.devoir_id() == d["devoir_id"]), None)
            if dv is None:
                break
            recus[d["devoir_id"]] = dv
        else:
            notes = wh.sql(
                """SELECT n.devoir_id, e.nom, e.prenom, e.ine, n.valeur, n.statut FROM t_notes n
                   JOIN t_eleves e USING (eleve_id) WHERE n.devoir_id IN (SELECT unnest($ids))
                   ORDER BY n.devoir_id, e.nom, e.prenom""", {"ids": list(recus)})
            lot_notes = [
                Note(eleve=RefEleve(nom=r["nom"], prenom=r["prenom"], classe=g["classe"], ine=r["ine"]),
                     devoir=recus[r["devoir_id"]], valeur=r["valeur"], statut=StatutNote(r["statut"]))
                for r in notes.iter_rows(named=True)
            ]
            fichier = dossier / "export_professeur.csv"
            fichier.write_text("mesure")
            return Lot(source="pronote-notes", fichier=fichier, notes=lot_notes, lignes_lues=len(lot_notes)), g
    raise RuntimeError("aucun export de professeur reconstructible dans l'entrepôt")


def _changer_une_note(lot, changer: bool):  # noqa: ANN001, ANN202
    """L'export tel qu'il est dans l'entrepôt, ou sa première note notée changée d'un demi-point : importés
    en alternance, chaque import change une note."""
    if not changer:
        return lot
    notes = list(lot.notes)
    i = next(k for k, n in enumerate(notes) if n.valeur is not None)
    n = notes[i]
    v = n.valeur + 0.5 if n.valeur + 0.5 <= n.devoir.bareme else n.valeur - 0.5
    notes[i] = n.model_copy(update={"valeur": v})
    return lot.model_copy(update={"notes": notes})


def mesurer(source: Path, travail: Path, passages: int, nom: str) -> list[Mesure]:
    from models import precalcul
    from models.retention import purger
    from models.warehouse import Warehouse

    travail.mkdir(parents=True, exist_ok=True)
    db = travail / "rafraichissement.duckdb"
    shutil.copyfile(source, db)
    out: list[Mesure] = []
    with Warehouse(db) as wh:  # ouverture en écriture : table remplie si elle ne l'était pas
        notes = wh.valeur("SELECT count(*) FROM t_notes")
        lot, g = _export_professeur(wh, travail)
        periode = (g["annee"], g["periode"])
        annee = g["annee"]
        detail_lot = f"{g['classe']}, {g['matiere']}, {g['periode']} {g['annee']} : {g['n']} devoirs, {len(lot.notes)} notes"

        plancher = Mesure("c", f"plancher : GROUP BY nu des notes, {nom}", [], detail=f"{notes} notes")
        avec = Mesure("c", f"import de l'export d'un professeur, rafraîchissement compris, {nom}", [],
                      detail=detail_lot, cible="≤ 1 s", atteinte=lambda x: x.mediane <= 1.0)
        sans = Mesure("c", f"le même import sans rafraîchissement (référence), {nom}", [], detail=detail_lot)
        avec.reference = sans
        vrai = precalcul.rafraichir
        for i in range(passages + 1):
            t = time.perf_counter()
            wh.con.execute("SELECT eleve_id, devoir_id, count(*), sum(valeur) FROM t_notes GROUP BY ALL").fetchall()
            d_plancher = time.perf_counter() - t
            t = time.perf_counter()
            r = wh.importer(_changer_une_note(lot, True))
            d_avec = time.perf_counter() - t
            precalcul.rafraichir = lambda con, periodes=None: None
            try:
                t = time.perf_counter()
                r2 = wh.importer(_changer_une_note(lot, False))
                d_sans = time.perf_counter() - t
            finally:
                precalcul.rafraichir = vrai
            wh.con.execute("BEGIN")
            precalcul.rafraichir(wh.con, [periode])  # la table redevient exacte après le passage neutralisé
            wh.con.execute("COMMIT")
            if r.statut != "reussi" or r2.statut != "reussi" or not (r.lignes_mises_a_jour and r2.lignes_mises_a_jour):
                raise RuntimeError(f"export du professeur : {r.statut} {r.message}")
            if i:
                plancher.valeurs.append(d_plancher)
                avec.valeurs.append(d_avec)
                sans.valeurs.append(d_sans)
        out += [avec, sans]

        portees = {
            "d'une période (un export de notes)": [periode],
            f"d'une année ({annee}, une purge)": sorted(precalcul.periodes_de_l_annee(wh.con, annee)),
            "de tout l'entrepôt (liste d'élèves, coefficient)": None,
        }
        for libelle, p in portees.items():
            m = Mesure("c", f"rafraîchissement {libelle}, {nom}", [], reference=plancher,
                       detail=f"{len(p)} période(s)" if p is not None else "")
            for i in range(passages + 1):
                wh.con.execute("BEGIN")
                t = time.perf_counter()
                precalcul.rafraichir(wh.con, p)
                d = time.perf_counter() - t
                wh.con.execute("ROLLBACK")
                if i:
                    m.valeurs.append(d)
            out.append(m)

        # De bout en bout : une liste d'élèves (un élève change de classe), un coefficient de matière.
        from models.records import Eleve, Lot, Matiere

        eleves = wh.sql("SELECT * FROM t_eleves ORDER BY eleve_id")
        matieres = wh.sql("SELECT * FROM t_matieres ORDER BY matiere")
        noms_classes = sorted(set(eleves["classe"].drop_nulls().to_list()))
        contient_copies = bool(wh.valeur("SELECT count(*) FROM t_eleves WHERE contains(eleve_id, '~')"))
        fichier = travail / "liste.csv"
        fichier.write_text("mesure")
        liste = Mesure("c", f"liste d'élèves réimportée, un élève changé de classe, {nom}", [],
                       detail=f"{eleves.height} élèves")
        coef = Mesure("c", f"coefficient d'une matière changé (import), {nom}", [], detail=f"{matieres.height} matières")
        for i in range(passages + 1):
            roll = []
            for k, e in enumerate(eleves.iter_rows(named=True)):
                classe = e["classe"]
                if k == 0:
                    classe = noms_classes[(noms_classes.index(classe) + 1 + i) % len(noms_classes)]
                roll.append(Eleve(nom=e["nom"], prenom=e["prenom"], classe=classe, ine=e["ine"],
                                  date_naissance=e["date_naissance"], sexe=e["sexe"], entree=e["entree"],
                                  sortie=e["sortie"],
                                  accompagnement=frozenset(a for a in (e["accompagnement"] or "").split(",") if a),
                                  groupes=tuple(g for g in (e["groupes"] or "").split(",") if g)))
            lot_liste = Lot(source="pronote-eleves", fichier=fichier, effectif=True, eleves=roll,
                            lignes_lues=len(roll))
            t = time.perf_counter()
            # Une académie recopiée (benchmarks/grand.py) a les mêmes noms dans chaque copie : sa liste
            # d'élèves ne se réimporte pas (collision de clés) ; la reconstruction complète est mesurée plus haut.
            r = wh.importer(lot_liste) if not contient_copies else None
            d_liste = time.perf_counter() - t
            mats = [Matiere(libelle=m["matiere"], famille=m["famille"],
                            coefficient=(m["coefficient"] or 1) + (1 if (k == 0 and i % 2 == 0) else 0))
                    for k, m in enumerate(matieres.iter_rows(named=True))]
            t = time.perf_counter()
            r2 = wh.importer(Lot(source="etablissement", fichier=fichier, matieres=mats, lignes_lues=len(mats)))
            d_coef = time.perf_counter() - t
            if (r is not None and r.statut != "reussi") or r2.statut != "reussi":
                raise RuntimeError(f"liste ou coefficient refusés : {r and r.message} / {r2.message}")
            if i:
                coef.valeurs.append(d_coef)
                if r is not None:
                    liste.valeurs.append(d_liste)
        if contient_copies:
            liste.detail = "non mesurée : établissements recopiés (mêmes noms d'élèves)"
        out += [liste, coef]

    # La purge d'une année, sur une copie neuve à chaque passage (elle détruit).
    purge = Mesure("c", f"purge de l'année {annee} (rafraîchissement compris), {nom}", [])
    for i in range(passages):
        shutil.copyfile(source, db)
        with Warehouse(db) as wh:
            t = time.perf_counter()
            r = purger(wh, annee, aujourdhui=dt.date(int(annee[5:]) + 2, 1, 1))
            purge.valeurs.append(time.perf_counter() - t)
            purge.detail = f"{sum(r.supprimees.values())} lignes supprimées"
    out.append(purge)
    out.insert(0, plancher)
    db.unlink(missing_ok=True)
    return out
