"""The language of the session: a sidebar switch, kept in session state and in ?lang=."""

from __future__ import annotations

import streamlit as st

from feedback_analytics.i18n import LANGUAGES, pick_language, t

QUERY_PARAM = "lang"
# The language lives in plain session state, apart from the switch's own widget state:
# Streamlit may give the switch a new widget identity (its first run on a fresh server runs
# app.py inside the legacy pages-folder mode), and the choice must outlive that.
_STATE_KEY = "language"
_SWITCH_KEY = "lang"


def current_language() -> str:
    """Return the session's language: chosen, else ?lang=, else the browser's, else English."""
    if _STATE_KEY not in st.session_state:
        st.session_state[_STATE_KEY] = pick_language(
            st.query_params.get(QUERY_PARAM), st.context.locale
        )
    return str(st.session_state[_STATE_KEY])


def _keep_choice() -> None:
    st.session_state[_STATE_KEY] = st.session_state[_SWITCH_KEY]


def language_switch() -> str:
    """Render the language switch in the sidebar and return the language in force."""
    lang = current_language()
    st.sidebar.radio(
        t("app.language", lang),
        LANGUAGES,
        index=LANGUAGES.index(lang),
        key=_SWITCH_KEY,
        on_change=_keep_choice,
        format_func=lambda code: t(f"language.{code}", lang),
        horizontal=True,
    )
    if st.query_params.get(QUERY_PARAM) != lang:
        st.query_params[QUERY_PARAM] = lang
    return lang
