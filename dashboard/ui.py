"""Morceaux d'interface partagés par les pages : bandeau, sélecteurs, message d'entrepôt vide."""

from __future__ import annotations

import os

import polars as pl
import streamlit as st

from models import acces, lectures, moyennes
from models import periodes as mperiodes

from . import data

#: Ce qu'il faut importer pour remplir le tableau de bord, dans l'ordre.
A_IMPORTER = (
    "Importez d'abord la liste des élèves (sorte « pronote-eleves ») et la description de "
    "l'établissement, puis les notes, absences, compétences ou résultats Pix depuis la page "
    "**Accueil et imports** — ou lancez `vigie demo` pour une école fictive."
)


def bandeau(utilisateur: "acces.Utilisateur | None" = None) -> None:
    if (utilisateur is not None and utilisateur.demo) or os.environ.get("VIGIE_DEMO") == "1":
        st.warning("**Données fictives** — école de démonstration générée par Vigie.", icon=":material/science:")


def utilisateur() -> acces.Utilisateur:
    """L'utilisateur de cette session (posé par ``app.py`` après la connexion)."""
    u = st.session_state.get("vigie_utilisateur")
    return u if isinstance(u, acces.Utilisateur) else acces.DEMO


def telecharger(libelle: str, contenu: bytes | str, *, file_name: str, **options: object) -> None:
    """``st.download_button`` dont chaque export est consigné au journal d'accès."""
    st.download_button(
        libelle, contenu, file_name=file_name,
        on_click=acces.journaliser, args=(data.chemin(), utilisateur(), "export", file_name), **options,
    )


def entrepot_vide(quoi: str = "élève") -> bool:
    """Affiche le message d'entrepôt vide et renvoie True s'il n'y a aucun élève."""
    if data.nb_eleves() == 0:
        st.info(f"Aucun {quoi} dans l'entrepôt. {A_IMPORTER}", icon=":material/upload_file:")
        return True
    return False


def choisir_classe(cle: str = "classe") -> str | None:
    """Sélecteur de classe, partagé entre les pages (même clé de session)."""
    classes = data.appel(lectures.classes)["classe"].to_list()
    if not classes:
        return None
    if st.session_state.get(cle) not in classes:
        st.session_state[cle] = classes[0]
    return st.sidebar.selectbox("Classe", classes, key=cle)


def periodes() -> pl.DataFrame:
    return data.appel(lectures.periodes)


def choisir_periode(cle: str = "periode") -> tuple[str | None, str | None]:
    """Sélecteur de période ; renvoie (année, période). Par défaut : la dernière période notée."""
    df = periodes()
    if df.is_empty():
        return None, None
    libelles = [f"{p} ({a})" if df["periode"].n_unique() < df.height else p
                for a, p in zip(df["annee"], df["periode"])]
    if st.session_state.get(cle) not in libelles:
        st.session_state[cle] = libelles[_derniere_notee(df)]
    choix = st.sidebar.selectbox("Période", libelles, key=cle)
    i = libelles.index(choix)
    return df["annee"][i], df["periode"][i]


def _derniere_notee(df: pl.DataFrame) -> int:
    """La dernière période qui a commencé avant la dernière note connue (sinon la première)."""
    comptes = data.appel(lectures.comptes)
    if not comptes.get("notes"):
        return 0
    return _index_derniere(df, data.appel(moyennes.moyennes))


def _index_derniere(periodes_: pl.DataFrame, moyennes: pl.DataFrame) -> int:
    notees = set(moyennes["periode"].unique().to_list()) if moyennes.height else set()
    idx = [i for i, p in enumerate(periodes_["periode"]) if p in notees]
    return idx[-1] if idx else 0


def periode_precedente(annee: str | None, periode: str | None) -> tuple[str | None, str | None]:
    """(année, période) précédentes selon ``models.periodes`` (d'une année à l'autre), ou (None, None)."""
    p = data.appel(mperiodes.periode_precedente, annee, periode)
    return (p.annee, p.periode) if p else (None, None)


def nom_eleve(r: dict) -> str:
    return f"{r['nom']} {r['prenom']}"


def choisir_eleve(classe: str | None, cle: str = "eleve") -> str | None:
    """Sélecteur d'élève de la classe ; l'élève peut venir du lien ``?eleve=<id>`` (page Alertes)."""
    df = data.appel(lectures.eleves, classe)
    if df.is_empty():
        return None
    ids = df["eleve_id"].to_list()
    libelles = {r["eleve_id"]: nom_eleve(r) for r in df.iter_rows(named=True)}
    if st.session_state.get(cle) not in ids:
        st.session_state[cle] = ids[0]
    return st.selectbox("Élève", ids, format_func=libelles.__getitem__, key=cle)


def pix_16(pix: pl.DataFrame) -> pl.DataFrame:
    """Les 16 compétences Pix d'un élève dans l'ordre du référentiel, niveau 0 si absente de l'export."""
    from models.records import COMPETENCES_PIX

    niveaux = dict(zip(pix["competence"], pix["niveau"]))
    return pl.DataFrame(
        {"competence": list(COMPETENCES_PIX),
         "libelle": [f"{c} {t}" for c, t in COMPETENCES_PIX.items()],
         "niveau": [int(niveaux.get(c) or 0) for c in COMPETENCES_PIX]}
    )
