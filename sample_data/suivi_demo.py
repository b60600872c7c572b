"""Le suivi de l'école fictive : quelques étapes franchies, quelques alertes encore ouvertes, des décisions
du conseil — écrites par les voies normales (``models.suivi.ajouter``, journal compris), de façon
déterministe à partir de la graine.

Le CPE consigne la procédure d'un élève la première fois qu'il atteint 4 demi-journées non justifiées
dans l'année (L131-8 : dialogue avec la famille) ; les mois suivants de la même année, la procédure est
déjà engagée et rien de plus n'est écrit (leurs alertes restent à voir). Avec l'absentéisme des
établissements réels (``sample_data/absenteisme.py`` : plusieurs centaines d'élève-mois par an), une
entrée par mois (2 561 entrées) faisait passer ``vigie demo`` de 14 à 39 s de calcul."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from models import suivi
from models.absences import mois_non_justifies
from models.acces import Utilisateur
from models.alertes import mentions
from models.annee_scolaire import annee_scolaire
from models.errors import VigieError
from models.warehouse import lecture

CPE = Utilisateur("cpe.demo", "cpe", "CPE (démonstration)", demo=True)
DIRECTION = Utilisateur("direction.demo", "direction", "Direction (démonstration)", demo=True)


def _avant(d: dt.date) -> dt.date:
    return min(d, dt.date.today())


def ecrire_suivi_demo(db: Path, graine: int = 2026) -> int:
    """Consigne le suivi de la démonstration dans la base de suivi de ``db`` ; renvoie le nombre d'entrées."""
    hasard = random.Random(graine)
    n = 0
    with lecture(db) as wh:
        cas = mois_non_justifies(wh).sort("mois", "classe", "nom")
        deja: set[tuple[str, str]] = set()  # (élève, année scolaire) dont la procédure est engagée
        for i, c in enumerate(cas.iter_rows(named=True)):
            eid, mois = c["eleve_id"], c["mois"]
            if (eid, annee_scolaire(mois)) in deja:
                continue
            deja.add((eid, annee_scolaire(mois)))
            fin_mois = (mois + dt.timedelta(days=32)).replace(day=1)
            tirage = hasard.random()
            if tirage < 0.3:
                continue  # une alerte restée ouverte : personne ne l'a encore vue
            regle = "absences_persistance" if c["non_justifiees"] >= 10 else "absences_mois"
            periode = mois.strftime("%Y-%m")
            saisie = dict(regle=regle, periode=periode)
            suivi.ajouter(db, wh, CPE, suivi.Saisie(eid, "alerte", "vue", _avant(fin_mois + dt.timedelta(days=1)), **saisie))
            n += 1
            try:
                suivi.ajouter(db, wh, CPE, suivi.Saisie(
                    eid, "procedure", "contact_famille", _avant(fin_mois + dt.timedelta(days=2)),
                    "Appel aux responsables légaux : absences signalées, justificatifs demandés."))
                n += 1
            except VigieError:  # élève majeur : l'étape ne s'applique pas
                suivi.ajouter(db, wh, CPE, suivi.Saisie(
                    eid, "procedure", "dialogue_eleve", _avant(fin_mois + dt.timedelta(days=2)),
                    "Entretien avec l'élève sur son assiduité."))
                n += 1
            if tirage < 0.6:
                suivi.ajouter(db, wh, CPE, suivi.Saisie(eid, "alerte", "prise_en_charge",
                                                        _avant(fin_mois + dt.timedelta(days=3)), **saisie))
                n += 1
            else:
                suivi.ajouter(db, wh, CPE, suivi.Saisie(eid, "alerte", "close", _avant(fin_mois + dt.timedelta(days=20)),
                                                        "Assiduité revenue le mois suivant.", **saisie))
                n += 1
            if regle == "absences_persistance" and i % 2 == 0:
                suivi.ajouter(db, wh, DIRECTION, suivi.Saisie(
                    eid, "procedure", "equipe_educative", _avant(fin_mois + dt.timedelta(days=10)),
                    "Commission éducative réunie : contrat d'assiduité proposé."))
                n += 1
        # Décisions du premier conseil de classe de la dernière année, pour la première classe.
        periodes = wh.sql("SELECT annee, periode, fin FROM periodes ORDER BY debut")
        classes = wh.sql("SELECT DISTINCT classe FROM eleves ORDER BY classe")["classe"].to_list()
        if periodes.height and classes:
            annee = periodes["annee"][-1]
            premiere = periodes.filter(annee=annee).row(0, named=True)
            if premiere["fin"] < dt.date.today():
                for classe in classes[:2]:
                    for m in mentions(wh, classe, premiere["periode"], annee=annee).iter_rows(named=True):
                        if m.get("mention"):
                            suivi.ajouter(db, wh, DIRECTION, suivi.Saisie(
                                m["eleve_id"], "conseil", "mention", premiere["fin"], valeur=m["mention"],
                                periode=premiere["periode"], annee=annee))
                            n += 1
    return n
