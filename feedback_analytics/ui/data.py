"""The one engine of the process and the cached store queries the pages read."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from feedback_analytics import store
from feedback_analytics.config import Settings, get_settings
from feedback_analytics.db import DatabaseUnavailable, ensure_schema, make_engine
from feedback_analytics.db.engine import describe_unavailable
from feedback_analytics.i18n import t
from feedback_analytics.ui.language import current_language

# Other processes (the command line, other app sessions) import too: cached totals expire.
_CACHE_TTL_SECONDS = 60


def settings() -> Settings:
    """Return the process-wide settings."""
    return get_settings()


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    try:
        ensure_schema(engine)
    except DatabaseUnavailable:
        engine.dispose()
        raise
    return engine


# What a lost database (a server restarted or stopped, a network cut, a locked file) raises
# in the middle of a page: the connection, not the statement, failed.
DATABASE_LOST = (OperationalError, InterfaceError, DatabaseUnavailable)


def get_engine() -> Engine:
    """Return the migrated engine of FEEDBACK_DB_URL; stop the page with a message when it fails."""
    try:
        return _engine_for(settings().db_url)
    except DatabaseUnavailable as exc:
        show_database_lost(exc)
        st.stop()


def show_database_lost(exc: BaseException) -> None:
    """Say that the database cannot be used, where it is and how to fix it (no traceback).

    The next click tries again: PostgreSQL connections are checked before use, so a server
    that is back serves the page again.
    """
    lang = current_language()
    st.error(t("db.unavailable", lang), icon=":material/database:")
    if isinstance(exc, DatabaseUnavailable):
        message = str(exc)
    else:
        message = describe_unavailable(make_url(settings().db_url), exc)
    st.code(message, language=None, wrap_lines=True)
    st.caption(t("db.retry", lang))


@st.cache_data(ttl=_CACHE_TTL_SECONDS, show_spinner=False)
def _summary_of(url: str) -> store.StoreSummary:
    with Session(_engine_for(url)) as session:
        return store.summarize_store(session)


@st.cache_data(ttl=_CACHE_TTL_SECONDS, show_spinner=False)
def _batches_of(url: str, limit: int) -> pd.DataFrame:
    with Session(_engine_for(url)) as session:
        return store.recent_batches(session, limit=limit)


def store_summary() -> store.StoreSummary:
    """Return the totals of the store (cached for a minute, cleared by an import)."""
    get_engine()
    return _summary_of(settings().db_url)


def recent_batches(*, limit: int = 10) -> pd.DataFrame:
    """Return the last import batches, newest first (cached like store_summary)."""
    get_engine()
    return _batches_of(settings().db_url, limit)


def clear_cached_data() -> None:
    """Forget every cached query result, so that each page reads the store afresh."""
    st.cache_data.clear()
