"""Le haut de la page d'accueil, selon le rôle : chacun commence par son travail (README, « La page
d'accueil de chaque rôle »). Les chiffres viennent de ``models/tableau_de_bord.py`` ; ce module ne fait
que les dessiner.

- professeur principal : sa classe (moyennes, qui a bougé, alertes de la période, fin de la période) ;
- enseignant : ses classes (effectif, moyenne de la dernière période notée) ;
- CPE : le dernier mois (paliers de 4 et 10 demi-journées non justifiées) et les justificatifs attendus ;
- coordination ULIS : les élèves du dispositif et leurs dernières évaluations ;
- direction : l'établissement (alertes de la période par niveau et par classe) et le lien vers les
  imports ; ce qui est chargé et la fraîcheur des données suivent, sur la même page.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from models import conseil, lectures
from models import moyennes as mm
from models import tableau_de_bord as tb
from models.acces import Utilisateur
from models.alertes import GRAVITES
from models.records import COMPOSANTES_SOCLE
from models.reglages import charger_reglages

from . import data, recherche, ui
from . import format as fr

#: Gravité d'une alerte : l'icône accompagne le libellé (la couleur seule ne porte pas l'information).
_ICONES_TEXTE = {"alerte": ":red[:material/error:] Alerte ·", "attention": ":orange[:material/warning:] Attention ·",
                 "info": ":blue[:material/info:] Information ·"}
#: Alertes listées au plus sur l'accueil (la page Alertes les a toutes).
ALERTES_MAX = 10


def afficher(u: Utilisateur) -> None:
    """Dessine l'accueil du rôle de ``u`` (rien si l'entrepôt est vide : la page dit quoi importer)."""
    if data.nb_eleves() == 0:
        return
    {
        "professeur_principal": professeur_principal,
        "enseignant": enseignant,
        "cpe": cpe,
        "coordonnateur_ulis": coordination_ulis,
        "direction": direction,
    }[u.role](u)
    st.divider()


# --- Morceaux communs ---------------------------------------------------------------------------------


def phrase_periode(p: tb.PeriodeCalendrier | None, au: dt.date | None = None) -> str:
    """« Trimestre 2 (2025-2026) : se termine le 08/03/2026, dans 12 jours. » — la fin de la période en
    cours, ou celle de la dernière période terminée, ou le début de la première à venir."""
    if p is None:
        return "Aucune période déclarée : importez la description de l'établissement."
    au = au or dt.date.today()
    nom = f"{p.periode} ({p.annee})"
    if p.etat == "en_cours" and p.fin is not None:
        reste = (p.fin - au).days
        quand = "aujourd'hui" if reste == 0 else "demain" if reste == 1 else f"dans {reste} jours"
        return f"Période en cours : {nom}, se termine le {fr.date(p.fin)} ({quand})."
    if p.etat == "terminee":
        return f"Aucune période en cours : la dernière, {nom}, s'est terminée le {fr.date(p.fin)}."
    return f"Prochaine période : {nom}, commence le {fr.date(p.debut)}."


def _liste_alertes(al: pl.DataFrame, *, vide: str) -> None:
    if al.is_empty():
        st.success(vide, icon=":material/check_circle:")
        return
    for i, a in enumerate(al.head(ALERTES_MAX).iter_rows(named=True)):
        quand = fr.periode(a["periode"])
        texte, fiche = st.columns([5, 1], vertical_alignment="center")
        texte.markdown(f"{_ICONES_TEXTE.get(a['gravite'], '')} **{a['nom']} {a['prenom']}** — {a['libelle']}"
                       + (f" · {quand}" if quand else ""))
        texte.caption(a["explication"])
        with fiche:
            recherche.bouton_fiche(a["eleve_id"], a["classe"], "Fiche", f"accueil_alerte_{i}", type="tertiary")
    if al.height > ALERTES_MAX:
        st.caption(f"… et {al.height - ALERTES_MAX} autre(s) sur la page Alertes.")


def _nom(r: dict) -> str:
    return f"{r['nom']} {r['prenom']}"


# --- Professeur principal -----------------------------------------------------------------------------


def _choisir_classe(u: Utilisateur, libelle: str) -> str | None:
    classes = [c for c in u.classes if c in set(data.appel(lectures.classes)["classe"].to_list())]
    if not classes:
        st.info("Aucune de vos classes n'a d'élèves dans Vigie pour l'instant.")
        return None
    if len(classes) == 1:
        return classes[0]
    return st.segmented_control(libelle, classes, default=classes[0], key="accueil_classe") or classes[0]


def _accueil_classe(classe: str) -> tb.AccueilClasse:
    """L'accueil de la classe, à partir de la feuille du conseil **telle que la page Conseil de classe la
    demande** (mêmes arguments : même entrée du cache) — ouvrir ensuite le conseil ne recalcule rien."""
    periode, courante = data.appel(tb.periodes_de_classe, classe)
    if periode is None:
        return data.appel(tb.accueil_classe, classe)
    f = data.appel(conseil.feuille, classe, periode.periode, periode.annee)
    comparaison = data.appel(mm.comparaison_precedente, classe, periode.periode, annee=periode.annee)
    return tb.assembler_accueil_classe(f, comparaison, courante)


def professeur_principal(u: Utilisateur) -> None:
    classe = _choisir_classe(u, "Votre classe")
    if classe is None:
        return
    a = _accueil_classe(classe)
    st.header(f"Votre classe : {classe}")
    st.caption(phrase_periode(a.courante))
    if a.periode is None:
        st.info(f"Aucune note pour la classe {classe}. Les moyennes apparaîtront après l'import des notes.")
    else:
        depuis = f" (écart avec {a.precedente.periode})" if a.precedente else ""
        st.subheader(f"Moyennes — {a.periode.periode}{depuis}")
        g = a.generale or {}
        ecart = None if g.get("precedente") is None else g["moyenne"] - g["precedente"]
        tete = st.columns(4)
        tete[0].metric("Moyenne générale", fr.nombre(g.get("moyenne")), **fr.delta(ecart), border=True,
                       help="La moyenne générale de la classe (sur 20).", height="stretch")
        tete[1].metric("Élèves en hausse", fr.nombre(a.nb_hausses, 0), border=True,
                       help=f"Moyenne générale en hausse d'au moins {fr.nombre(tb.SEUIL_EVOLUTION, 0)} point.",
                       height="stretch")
        tete[2].metric("Élèves en baisse", fr.nombre(a.nb_baisses, 0), border=True,
                       help=f"Moyenne générale en baisse d'au moins {fr.nombre(tb.SEUIL_EVOLUTION, 0)} point.",
                       height="stretch")
        tete[3].metric("Alertes de la période", fr.nombre(a.alertes.height, 0), border=True, height="stretch")
        # Une rangée de colonnes par groupe de quatre matières : les rangées restent alignées.
        matieres = list(a.matieres.iter_rows(named=True))
        for debut in range(0, len(matieres), 4):
            cols = st.columns(4)
            for col, m in zip(cols, matieres[debut:debut + 4]):
                col.metric(m["matiere"], fr.nombre(m["moyenne"]), **fr.delta(m["ecart"]))
        if a.precedente:
            st.caption(f"Moyennes de la classe sur 20 ; l'écart compare aux moyennes des mêmes élèves en "
                       f"{a.precedente.periode} ({a.precedente.annee}).")
            st.subheader(f"Qui a bougé depuis {a.precedente.periode}")
            st.caption(f"Élèves dont la moyenne générale a changé d'au moins {fr.nombre(tb.SEUIL_EVOLUTION, 0)} "
                       f"point (au plus {tb.MOUVEMENTS_MAX} dans chaque sens, les plus forts d'abord).")
            hausse, baisse = st.columns(2)
            for col, df, titre, vide, sens in (
                    (hausse, a.hausses, "En hausse", "Aucun élève en nette hausse.", "hausse"),
                    (baisse, a.baisses, "En baisse", "Aucun élève en nette baisse.", "baisse")):
                with col:
                    st.markdown(f"**{titre}**")
                    if df.is_empty():
                        st.caption(vide)
                    for i, r in enumerate(df.iter_rows(named=True)):
                        st.metric(r["eleve"], fr.nombre(r["moyenne"]), **fr.delta(r["variation"]),
                                  help=f"{fr.nombre(r['moyenne_avant'])} en {a.precedente.periode}")
                        recherche.bouton_fiche(r["eleve_id"], classe, f"Fiche de {r['eleve']}",
                                               f"accueil_{sens}_{i}", type="tertiary")
    periode_al = a.courante.periode if a.courante else (a.periode.periode if a.periode else "")
    st.subheader(f"Alertes de la période — {periode_al}" if periode_al else "Alertes")
    _liste_alertes(a.alertes, vide=f"Aucune alerte pour la classe {classe} sur cette période.")
    liens = st.columns(3)
    liens[0].page_link("ecrans/conseil.py", label="Préparer le conseil de classe", icon=":material/radar:")
    liens[1].page_link("ecrans/alertes.py", label="Toutes les alertes et leur suivi", icon=":material/notifications:")
    liens[2].page_link("ecrans/classe.py", label="La classe en détail", icon=":material/groups:")


# --- Enseignant ---------------------------------------------------------------------------------------


def enseignant(u: Utilisateur) -> None:
    st.header("Vos classes")
    courante, classes = data.appel(tb.accueil_enseignant, u.classes)
    if classes.is_empty():
        st.info("Aucune de vos classes n'a d'élèves dans Vigie pour l'instant.")
        return
    st.caption(phrase_periode(courante))
    cols = st.columns(min(4, classes.height))
    for i, r in enumerate(classes.iter_rows(named=True)):
        with cols[i % len(cols)]:
            titre = f"Moyenne générale — {r['periode']}" if r["periode"] else "Moyenne générale"
            effectif = f"{fr.nombre(r['effectif'], 0)} élève" + ("s" if r["effectif"] > 1 else "")
            st.metric(f"{r['classe']} · {effectif}", "Aucune note" if r["moyenne"] is None else fr.nombre(r["moyenne"]),
                      **fr.delta(r["ecart"]), help=titre, border=True)
    st.page_link("ecrans/classe.py", label="La classe en détail", icon=":material/groups:")


# --- CPE ----------------------------------------------------------------------------------------------

def paliers(r) -> dict[str, str]:
    """Libellé de chaque palier mensuel (``models.absences.regle_mensuelle`` : seul le plus haut compte)."""
    return {"absences_persistance": f"{r.seuil_persistance} ou plus",
            "absences_mois": f"{r.seuil_mois_non_justifiees} à {r.seuil_persistance - 1}"}


#: Titre court de chaque palier pour les chiffres du mois.
TITRES_PALIERS = {"absences_persistance": "Persistance", "absences_mois": "Seuil légal"}


def cpe(u: Utilisateur) -> None:
    r = charger_reglages().absences
    a = data.appel(tb.accueil_vie_scolaire)
    libelles = paliers(r)
    if a.mois is None:
        st.header("Vie scolaire")
        st.info("Aucune absence non justifiée ni en attente n'est enregistrée.")
    else:
        mois = fr.periode(a.mois.strftime("%Y-%m"))
        en_cours = a.mois == dt.date.today().replace(day=1)
        st.header(f"Vie scolaire — {mois}" + (" (mois en cours)" if en_cours else ""))
        st.caption(f"Demi-journées d'absence non justifiées dans le mois civil (Code de l'éducation, L131-8 et "
                   f"R131-7 ; persistance à {r.seuil_persistance} : circulaire n° 2014-159). L'écart compare "
                   f"à {fr.periode(a.mois_precedent.strftime('%Y-%m'))}.")
        cols = st.columns(3)
        for i, regle in enumerate(("absences_persistance", "absences_mois")):
            ecart = a.paliers[regle] - a.paliers_precedents[regle]
            cols[i].metric(f"{TITRES_PALIERS[regle]} : {libelles[regle]}", fr.nombre(a.paliers[regle], 0),
                           **_delta_entier(ecart), border=True,
                           help=f"Élèves ayant {libelles[regle]} demi-journées non justifiées dans le "
                                "mois ; l'écart compare au mois précédent.")
        cols[2].metric("Justificatifs en attente", fr.nombre(a.en_attente.height, 0), border=True)
        if a.franchissements.is_empty():
            st.success(f"Aucun élève n'a atteint {r.seuil_mois_non_justifiees} demi-journées non justifiées "
                       f"en {mois}.", icon=":material/check_circle:")
        else:
            st.dataframe(
                a.franchissements.select(
                    pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
                    pl.col("non_justifiees").alias("Non justifiées"), pl.col("en_attente").alias("En attente"),
                    pl.col("regle").replace_strict({k: f"{TITRES_PALIERS[k]} ({v})" for k, v in libelles.items()},
                                                   default="—").alias("Palier"),
                    _lien_fiche(),
                ),
                hide_index=True, placeholder="—", column_config=_COLONNE_FICHE,
            )
    st.subheader("Justificatifs en attente")
    if a.en_attente.is_empty():
        st.caption("Aucun justificatif en attente.")
    else:
        st.caption("Absences dont la famille n'a pas encore fourni le motif : elles ne comptent pas comme non "
                   "justifiées tant que l'établissement n'a pas tranché. Les plus anciennes d'abord.")
        st.dataframe(
            a.en_attente.head(20).select(
                pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
                pl.col("debut").map_elements(fr.date, return_dtype=pl.String).alias("Début"),
                pl.col("demi_journees").map_elements(lambda x: fr.nombre(x, 1, entier_nu=True),
                                                     return_dtype=pl.String).alias("Demi-journées"),
                # Pronote laisse le motif vide tant que la famille n'a rien fourni : « — », jamais « None ».
                pl.col("motif").fill_null("—").replace("", "—").alias("Motif"),
                pl.col("age_jours").alias("En attente depuis (jours)"),
                _lien_fiche(),
            ),
            hide_index=True, placeholder="—", column_config=_COLONNE_FICHE,
        )
        if a.en_attente.height > 20:
            st.caption(f"… et {a.en_attente.height - 20} autre(s) sur la page Absences.")
    liens = st.columns(2)
    liens[0].page_link("ecrans/absences.py", label="Absences : taux, procédure, retards", icon=":material/event_busy:")
    liens[1].page_link("ecrans/alertes.py", label="Alertes et leur suivi", icon=":material/notifications:")


#: La colonne « Fiche » d'un tableau d'élèves : un lien vers la page Élève (clé opaque, ``models.liens``).
_COLONNE_FICHE = {"Fiche": st.column_config.LinkColumn("Fiche", display_text="Ouvrir la fiche")}


def _lien_fiche() -> pl.Expr:
    return pl.col("eleve_id").map_elements(lambda e: "eleve?eleve=" + ui.cle_lien("eleve", e),
                                           return_dtype=pl.String).alias("Fiche")


def _delta_entier(ecart: int) -> dict:
    """``st.metric`` pour un écart de nombre d'élèves (``dashboard.format.delta`` : ``+2`` / ``-1``, le ``-``
    ASCII donnant la flèche vers le bas ; ``0`` gris sans flèche) ; une hausse en rouge : plus d'élèves au
    seuil, c'est plus mauvais."""
    d = fr.delta(float(ecart), 0)
    d.setdefault("delta_color", "inverse")
    return d


# --- Coordination ULIS --------------------------------------------------------------------------------


def coordination_ulis(u: Utilisateur) -> None:
    a = data.appel(tb.accueil_ulis)
    reg = charger_reglages().competences
    st.header(f"Dispositif ULIS — {fr.nombre(a.eleves.height, 0)} élève(s)")
    if a.eleves.is_empty():
        st.info("Aucun élève du dispositif ULIS n'est connu de Vigie (accompagnement « ULIS » de la liste "
                "des élèves).")
        return
    st.dataframe(
        a.eleves.select(
            pl.col("nom").alias("Nom"), pl.col("prenom").alias("Prénom"), pl.col("classe").alias("Classe"),
            pl.col("evaluations").alias("Évaluations"),
            pl.col("derniere").map_elements(fr.date, return_dtype=pl.String).fill_null("—")
            .alias("Dernière évaluation"),
        ),
        hide_index=True, placeholder="—",
    )
    st.subheader("Évaluations récentes")
    if a.recentes.is_empty():
        st.caption("Aucune évaluation de compétences datée pour les élèves du dispositif.")
    else:
        st.caption("Les 30 derniers jours d'évaluation du dispositif, les plus récentes d'abord. Niveaux : "
                   + " · ".join(f"{n} = {t}" for n, t in sorted(reg.libelles.items())) + ".")
        referentiels = {"socle": "Socle commun", "ULIS": "Grille ULIS"}
        st.dataframe(
            a.recentes.select(
                pl.col("date").map_elements(fr.date, return_dtype=pl.String).alias("Date"),
                (pl.col("nom") + " " + pl.col("prenom")).alias("Élève"), pl.col("classe").alias("Classe"),
                (pl.col("niveau").cast(pl.String) + " — "
                 + pl.col("niveau").replace_strict(reg.libelles, default="", return_dtype=pl.String)).alias("Niveau"),
                pl.col("referentiel").replace_strict(referentiels, default=pl.col("referentiel"),
                                                     return_dtype=pl.String).alias("Référentiel"),
                # Le code LSU d'une composante du socle (« CPD_FRA ») n'est pas pour l'écran : son intitulé.
                pl.col("item").replace_strict(COMPOSANTES_SOCLE, default=pl.col("item"),
                                              return_dtype=pl.String).alias("Item"),
            ),
            hide_index=True, placeholder="—",
        )
    st.page_link("ecrans/competences.py", label="Compétences : grilles et attestations",
                 icon=":material/checklist:")


# --- Direction ----------------------------------------------------------------------------------------


def direction(u: Utilisateur) -> None:
    st.header("L'établissement")
    courante, al = data.appel(tb.alertes_de_la_periode)
    st.caption(phrase_periode(courante))
    classes = data.appel(lectures.classes)
    cols = st.columns(4)
    cols[0].metric("Élèves", fr.nombre(int(classes["effectif"].sum()), 0), border=True)
    cols[1].metric("Classes", fr.nombre(classes.height, 0), border=True)
    cols[2].metric("Élèves en alerte", fr.nombre(al["eleve_id"].n_unique(), 0), border=True,
                   help="Élèves qui ont au moins une alerte comptée dans la période.")
    cols[3].metric("Alertes de la période", fr.nombre(al.height, 0), border=True)
    gravites = {"alerte": "Alertes", "attention": "Attention", "info": "Information"}
    st.caption("Par gravité : " + " · ".join(
        f"{GRAVITES[g]} : {fr.nombre(int((al['gravite'] == g).sum()), 0)}" for g in gravites) + ".")
    par_niveau = tb.alertes_par_niveau(al, classes)
    par_classe = tb.alertes_par_classe(al, classes)
    st.subheader("Alertes par niveau")
    st.dataframe(par_niveau.select(
        pl.col("niveau").fill_null("Sans niveau").alias("Niveau"), pl.col("classes").alias("Classes"),
        pl.col("effectif").alias("Élèves"), pl.col("eleves_en_alerte").alias("Élèves en alerte"),
        *(pl.col(k).alias(v) for k, v in gravites.items())), hide_index=True, placeholder="—")
    st.subheader("Alertes par classe")
    st.dataframe(par_classe.select(
        pl.col("classe").alias("Classe"), pl.col("niveau").fill_null("—").alias("Niveau"),
        pl.col("effectif").alias("Élèves"), pl.col("eleves_en_alerte").alias("Élèves en alerte"),
        *(pl.col(k).alias(v) for k, v in gravites.items())), hide_index=True, placeholder="—")
    liens = st.columns(2)
    liens[0].page_link("ecrans/alertes.py", label="Toutes les alertes et leur suivi", icon=":material/notifications:")
    liens[1].page_link("ecrans/imports.py", label="Imports et leur journal", icon=":material/upload_file:")
