"""The schema: migrations match the models, and timestamps come back as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_analytics.db import Base, Feedback, ensure_schema, make_engine
from feedback_analytics.db.engine import DatabaseUnavailable, schema_is_current


def test_migrations_match_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    assert schema_is_current(engine)
    assert ensure_schema(engine) is False


def _feedback(**overrides: object) -> Feedback:
    now = datetime(2026, 9, 30, 17, 5, tzinfo=UTC)
    values: dict[str, object] = dict(
        external_id="F-1",
        channel="email",
        received_at=now,
        current_feature="VPN drops",
        created_at=now,
        updated_at=now,
    )
    values.update(overrides)
    return Feedback(**values)


def test_timestamps_round_trip_as_aware_utc(engine: Engine) -> None:
    local = timezone(timedelta(hours=7))
    with Session(engine) as session:
        session.add(_feedback(received_at=datetime(2026, 10, 1, 0, 5, tzinfo=local)))
        session.commit()
    with Session(engine) as session:
        received = session.scalars(select(Feedback.received_at)).one()
    assert received == datetime(2026, 9, 30, 17, 5, tzinfo=UTC)
    assert received.utcoffset() == timedelta(0)


def test_naive_timestamp_is_refused(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(Exception, match="naive"):
        session.add(_feedback(received_at=datetime(2026, 10, 1, 0, 5)))
        session.commit()


@pytest.mark.parametrize(
    "overrides",
    [{"channel": "fax"}, {"priority": "whenever"}, {"status": "lost"}],
)
def test_database_refuses_values_outside_their_set(engine: Engine, overrides: dict) -> None:
    with Session(engine) as session, pytest.raises(IntegrityError):
        session.add(_feedback(**overrides))
        session.commit()


def test_channel_and_external_id_are_unique(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(IntegrityError):
        session.add_all([_feedback(), _feedback()])
        session.commit()


def test_unreachable_database_says_how_to_fix_it() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable, match="Fix: check that the server is running"):
        ensure_schema(engine)
