"""The data every page reads: the one engine of the process, the cached store queries, the
facts of every record (prepared once per data version and as_of step) and the SLA policy in
force, which every figure is measured against and cached under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from feedback_analytics import facts, metrics, sla, store
from feedback_analytics.config import Settings, get_settings
from feedback_analytics.db import DatabaseUnavailable, ensure_schema, make_engine
from feedback_analytics.db.engine import describe_unavailable
from feedback_analytics.i18n import t
from feedback_analytics.ui.language import current_language

# Other processes (the command line, other app sessions) import too: cached totals expire.
_CACHE_TTL_SECONDS = 60
# Another instance may save the SLA policy: this one reads it again after this many seconds.
_POLICY_TTL_SECONDS = 10


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


# --- the facts of every record, shared by the pages ---------------------------------------

# Figures are computed as of now, rounded down to this step (a pandas frequency).
AS_OF_STEP = "5min"
# Other processes import too: the version is read again after this many seconds.
_VERSION_TTL_SECONDS = 10


@dataclass(frozen=True)
class StoreFacts:
    """The facts of every stored record, their data version, the instant of the figures and
    the SLA policy in force (as JSON: the cache key of every figure measured against it)."""

    frame: pd.DataFrame
    version: str
    as_of: datetime
    policy_json: str

    @property
    def policy(self) -> sla.SlaPolicy:
        """Return the SLA policy the figures are measured against."""
        return sla.SlaPolicy.model_validate_json(self.policy_json)


@st.cache_data(ttl=_VERSION_TTL_SECONDS, show_spinner=False)
def _version_of(url: str) -> str:
    with Session(get_engine()) as session:
        return str(facts.data_version(session))


@st.cache_resource(max_entries=1, show_spinner=False)
def _facts_of(url: str, version: str) -> pd.DataFrame:
    snapshot = facts.FactsSnapshot(get_engine(), Path(settings().cache_dir))
    frame, _ = snapshot.load()
    return frame


@st.cache_data(ttl=_POLICY_TTL_SECONDS, show_spinner=False)
def _policy_of(url: str) -> sla.SlaPolicy:
    with Session(get_engine()) as session:
        return sla.load_policy(session)


def policy() -> sla.SlaPolicy:
    """Return the SLA policy every page and instance measures against (read again after at
    most _POLICY_TTL_SECONDS, so a change elsewhere takes effect without a restart)."""
    return _policy_of(settings().db_url)


def forget_policy() -> None:
    """Drop the cached policy after this instance saved a new one."""
    _policy_of.clear()


# The records prepared against the policy: once per data version, as_of step and policy.
@st.cache_resource(max_entries=2, show_spinner=False)
def _events_of(url: str, version: str, as_of: datetime, policy_json: str) -> metrics.RecordEvents:
    return metrics.RecordEvents.of(
        _facts_of(url, version),
        as_of=as_of,
        policy=sla.SlaPolicy.model_validate_json(policy_json),
        tz=settings().tz,
    )


def store_facts() -> StoreFacts:
    """Return the facts of the store as of this step, under the policy in force (a new step,
    version or policy: new figures)."""
    url = settings().db_url
    get_engine()
    version = _version_of(url)
    # Figures are as of the last AS_OF_STEP, so that the caches below serve that long.
    as_of = pd.Timestamp.now(tz=settings().tz).floor(AS_OF_STEP).to_pydatetime()
    return StoreFacts(_facts_of(url, version), version, as_of, policy().model_dump_json())


def records(ids: np.ndarray) -> pd.DataFrame:
    """Return the records with these ids (no personal data), in that order."""
    with Session(get_engine()) as session:
        return store.records_by_id(session, [int(value) for value in ids])
