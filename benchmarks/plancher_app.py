"""Le plancher du cas (b) : une application Streamlit de deux pages presque vides (un titre, un indicateur),
servie et mesurée comme le tableau de bord, dans le même passage — ce que coûte à Streamlit lui-même un
changement de page sur la machine du moment."""

import streamlit as st


def _page(titre: str):  # noqa: ANN202
    def afficher() -> None:
        st.title(titre)
        st.metric("Élèves", 600)

    afficher.__name__ = titre.lower().replace(" ", "_")
    return afficher


st.navigation([st.Page(_page("Plancher A"), title="Plancher A", default=True),
               st.Page(_page("Plancher B"), title="Plancher B", url_path="plancher_b")]).run()
