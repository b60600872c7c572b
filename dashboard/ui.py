"""Morceaux d'interface partagés par les pages : bandeau, sélecteurs, message d'entrepôt vide.

Les sélections (classe, période, élève) **suivent l'utilisateur d'une page à l'autre** et se lisent dans
l'adresse (``?classe=…&periode=…&eleve=…``) sous des clés opaques (``models.liens`` : jamais l'INE ni un
identifiant d'élève). Streamlit efface l'état d'un widget absent de la page affichée : le choix est donc
gardé aussi sous une clé de session qui n'est pas celle d'un widget (``vigie_choix_<sorte>``), commune à
toutes les pages : l'élève choisi sur « Élève » est celui du conseil."""

from __future__ import annotations

import os

import polars as pl
import streamlit as st

from models import acces, lectures, liens
from models import periodes as mperiodes

from . import data

#: Ce qu'il faut importer pour remplir le tableau de bord, dans l'ordre.
A_IMPORTER = (
    "Importez d'abord la description de l'établissement et la liste des élèves (Pronote — élèves et "
    "classes), puis les notes, absences, compétences ou résultats Pix depuis la page **Imports** — ou "
    "lancez `vigie demo` pour une école fictive."
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


def _secret() -> bytes:
    return liens.secret(data.chemin())


def cle_lien(sorte: str, valeur: str) -> str:
    """La clé opaque de ``valeur`` dans une adresse (``models.liens``)."""
    return liens.cle(_secret(), sorte, valeur)


def _lien(sorte: str, options: list[str]) -> str | None:
    """La valeur que l'adresse désigne pour ``sorte`` parmi ``options`` (None si aucune)."""
    return liens.retrouver(_secret(), sorte, st.query_params.get(sorte), options)


def _choix(sorte: str, cle: str, options: list[str], defaut: str) -> None:
    """Prépare l'état du widget ``cle`` avant sa création : le choix gardé dans la session (commun aux
    pages), sinon celui de l'adresse, sinon ``defaut``."""
    memo = st.session_state.get(f"vigie_choix_{sorte}")
    if memo in options:
        st.session_state[cle] = memo
    elif st.session_state.get(cle) not in options:
        st.session_state[cle] = _lien(sorte, options) or defaut


def _memoriser(sorte: str, cle: str) -> None:
    """Rappel du widget : le choix de l'utilisateur devient celui de toutes les pages."""
    st.session_state[f"vigie_choix_{sorte}"] = st.session_state[cle]


def _garder(sorte: str, cle: str, valeur: str) -> None:
    st.session_state[f"vigie_choix_{sorte}"] = valeur
    st.query_params[sorte] = cle_lien(sorte, valeur)


def choisir_classe(cle: str = "classe") -> str | None:
    """Sélecteur de classe, partagé entre les pages (gardé dans la session et dans l'adresse)."""
    classes = data.appel(lectures.classes)["classe"].to_list()
    if not classes:
        return None
    _choix("classe", cle, classes, classes[0])
    choix = st.sidebar.selectbox("Classe", classes, key=cle, on_change=_memoriser, args=("classe", cle))
    _garder("classe", cle, choix)
    return choix


def periodes() -> pl.DataFrame:
    return data.appel(lectures.periodes)


def choisir_periode(cle: str = "periode") -> tuple[str | None, str | None]:
    """Sélecteur de période ; renvoie (année, période). Par défaut : la dernière période notée."""
    df = periodes()
    if df.is_empty():
        return None, None
    libelles = [f"{p} ({a})" if df["periode"].n_unique() < df.height else p
                for a, p in zip(df["annee"], df["periode"])]
    memo = st.session_state.get("vigie_choix_periode")
    if memo not in libelles and st.session_state.get(cle) not in libelles:
        # par défaut : la dernière période notée (calculée seulement s'il le faut)
        st.session_state["vigie_choix_periode"] = _lien("periode", libelles) or libelles[_derniere_notee(df)]
    _choix("periode", cle, libelles, libelles[0])
    choix = st.sidebar.selectbox("Période", libelles, key=cle, on_change=_memoriser, args=("periode", cle))
    _garder("periode", cle, choix)
    i = libelles.index(choix)
    return df["annee"][i], df["periode"][i]


def _derniere_notee(df: pl.DataFrame) -> int:
    """L'indice de la dernière période (dans l'ordre du calendrier) qui a des notes, sinon 0."""
    notees = {(a, p) for a, p in data.appel(lectures.periodes_notees).iter_rows()}
    idx = [i for i, (a, p) in enumerate(zip(df["annee"], df["periode"])) if (a, p) in notees]
    return idx[-1] if idx else 0


def periode_precedente(annee: str | None, periode: str | None) -> tuple[str | None, str | None]:
    """(année, période) précédentes selon ``models.periodes`` (d'une année à l'autre), ou (None, None)."""
    p = data.appel(mperiodes.periode_precedente, annee, periode)
    return (p.annee, p.periode) if p else (None, None)


def nom_eleve(r: dict) -> str:
    return f"{r['nom']} {r['prenom']}"


def eleve_du_lien() -> str | None:
    """L'élève que désigne l'adresse (``?eleve=<clé opaque>``, lien de la page Alertes), s'il est visible."""
    if not st.query_params.get("eleve"):
        return None
    return _lien("eleve", data.appel(lectures.eleves)["eleve_id"].to_list())


def choisir_eleve(classe: str | None, cle: str = "eleve") -> str | None:
    """Sélecteur d'élève de la classe, gardé d'une page à l'autre et dans l'adresse (clé opaque)."""
    df = data.appel(lectures.eleves, classe)
    if df.is_empty():
        return None
    ids = df["eleve_id"].to_list()
    libelles = {r["eleve_id"]: nom_eleve(r) for r in df.iter_rows(named=True)}
    _choix("eleve", cle, ids, ids[0])
    choix = st.selectbox("Élève", ids, format_func=libelles.__getitem__, key=cle, on_change=_memoriser,
                         args=("eleve", cle))
    _garder("eleve", cle, choix)
    return choix


def pix_16(pix: pl.DataFrame) -> pl.DataFrame:
    """Les 16 compétences Pix d'un élève dans l'ordre du référentiel, niveau 0 si absente de l'export."""
    from models.records import COMPETENCES_PIX

    niveaux = dict(zip(pix["competence"], pix["niveau"]))
    return pl.DataFrame(
        {"competence": list(COMPETENCES_PIX),
         "libelle": [f"{c} {t}" for c, t in COMPETENCES_PIX.items()],
         "niveau": [int(niveaux.get(c) or 0) for c in COMPETENCES_PIX]}
    )


#: Textes anglais du dépôt de fichier de Streamlit 1.67 (« Upload », « 200MB per file ») : ni option de
#: configuration ni paramètre de ``st.file_uploader`` ne les change (vérifié dans le code du composant,
#: ``FileUploader.*.js``). Dernier recours, donc : une feuille de style masque le texte anglais et écrit
#: le français à sa place (au pluriel pour un dépôt de plusieurs fichiers). Seul le bouton « Upload »,
#: enfant direct de la zone de dépôt, est réécrit (pas les boutons des fichiers déposés) ; la taille d'un
#: fichier déposé, écrite à l'anglaise (« 0.7KB »), et le texte pour lecteur d'écran du bouton « + »
#: (« add icon ») sont masqués. Les autres textes anglais sont coupés par des options (``select_all=False``
#: des listes à choix multiples, ``client.toolbarMode = "minimal"`` pour le menu « ⋮ »,
#: ``client.disableDataExport`` pour « Download as CSV », ``client.showErrorDetails = "none"`` et
#: ``client.showErrorLinks = false`` pour les erreurs). La barre d'outils des tableaux et graphiques
#: (« Search », « Fullscreen », et leurs info-bulles) n'a ni option ni traduction dans Streamlit 1.67 : elle
#: est masquée ici, comme le menu d'une colonne (« Sort ascending », « Pin column », « Hide column » : le
#: « ⋮ » de l'en-tête, dessiné dans le canevas du tableau, reste mais n'ouvre plus rien) ; trier une colonne
#: d'un clic sur son titre reste possible.
STYLE_FRANCAIS = """
<style>
[data-testid="stElementToolbar"] { display: none !important; }
[data-testid="stDataFrameColumnMenu"] { display: none !important; }
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none !important; }
[data-testid="stFileUploaderDropzoneInstructions"]::after {
  content: "Glissez-déposez un fichier ici (200 Mo au plus)"; font-size: 0.875rem; opacity: 0.7; }
[data-testid="stFileUploaderDropzone"]:has(input[multiple]) [data-testid="stFileUploaderDropzoneInstructions"]::after {
  content: "Glissez-déposez un ou plusieurs fichiers ici (200 Mo au plus chacun)"; }
[data-testid="stFileUploaderDropzone"] > span > button p { display: none !important; }
[data-testid="stFileUploaderDropzone"] > span > button::after { content: "Choisir un fichier"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzone"]:has(input[multiple]) > span > button::after { content: "Choisir des fichiers"; }
[data-testid="stFileUploaderDropzone"] [data-testid="stFileChipName"] + div { display: none !important; }
[data-testid="stFileUploaderDropzone"] button[aria-label="Add files"] span[data-has-shortcut] > span:first-child {
  display: none !important; }
</style>
"""


def style_francais() -> None:
    """Injecte ``STYLE_FRANCAIS`` (une fois par exécution, depuis le point d'entrée)."""
    st.html(STYLE_FRANCAIS)
