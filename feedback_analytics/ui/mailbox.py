"""The Home page's view of the mailbox reader (fetch-mail), cached briefly: the reader runs in
another process, so what it writes shows within _STATUS_TTL_SECONDS."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics.mail.inbox import MailboxStatus, mailbox_status
from feedback_analytics.ui.data import get_engine, settings

_STATUS_TTL_SECONDS = 30


@st.cache_data(ttl=_STATUS_TTL_SECONDS, show_spinner=False)
def _status_of(url: str, now: datetime) -> MailboxStatus:
    with Session(get_engine()) as session:
        return mailbox_status(session, now=now, settings=settings())


def mailbox_reading() -> MailboxStatus:
    """Return the mailbox reader's status now (cached for half a minute)."""
    get_engine()
    # Keyed by the minute, so that "stale" follows the clock even while nothing is written.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return _status_of(settings().db_url, now)
