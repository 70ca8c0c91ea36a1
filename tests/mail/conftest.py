"""Fixtures of the mail tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from feedback_analytics.config import get_settings
from feedback_analytics.db import ensure_schema, make_engine
from feedback_analytics.mail import outbox
from tests.mail.helpers import add_record


@pytest.fixture
def store() -> Engine:
    """The store the commands use (FEEDBACK_DB_URL), with two messages queued."""
    engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    ids = [add_record(engine), add_record(engine, email="other@customer.test")]
    with Session(engine) as session, session.begin():
        for feedback_id in ids:
            outbox.queue_message(
                session, feedback_id, "acknowledge", actor="t", now=datetime.now(UTC)
            )
    return engine
