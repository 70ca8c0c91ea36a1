"""The audit log: append-only in the database, hash-chained, and checked by verify_chain.

The attempts a person could make run for real: on SQLite with its triggers, on PostgreSQL as the
app's role (granted, not owner), as the tables' owner and as a superuser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from feedback_analytics import auth
from feedback_analytics.audit import (
    GENESIS,
    ChainReport,
    entry_hash,
    query_events,
    record_event,
    verify_chain,
)
from feedback_analytics.db import AuditEvent, DatabaseUnavailable, ensure_schema, make_engine
from feedback_analytics.db.engine import alembic_config
from feedback_analytics.db.roles import RoleUnfit, grant_app_role, log_rewritable_by
from feedback_analytics.ingest import import_source
from tests.conftest import PgRoles, pg_database
from tests.ingest.helpers import csv_bytes, row

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
ADMIN = "ana@example.com"


def record(engine: Engine, count: int = 3) -> None:
    with Session(engine) as session, session.begin():
        for n in range(count):
            record_event(
                session,
                actor=ADMIN,
                action="download",
                details={"n": n},
                now=NOW + timedelta(minutes=n),
            )


def verify(engine: Engine, anchor: tuple[int, str] | None = None) -> ChainReport:
    with Session(engine) as session:
        return verify_chain(session, anchor=anchor)


def entries(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def tamper(engine: Engine, statement: str, params: dict[str, Any] | None = None) -> None:
    """Run `statement` as a superuser (or whoever holds the SQLite file) can: past the triggers."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            connection.execute(text(statement), params or {})
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
            return
        triggers = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, _ in triggers:
            connection.execute(text(f"DROP TRIGGER {name}"))
        connection.execute(text(statement), params or {})
        for _, sql in triggers:
            connection.execute(text(sql))


def rehash(engine: Engine) -> None:
    """Compute every entry's hashes again, as someone who rewrote the log would."""
    previous = GENESIS
    for event in entries(engine):
        content = {c: getattr(event, c) for c in ("id", "at", "actor", "action", "feedback_id")}
        digest = entry_hash(**content, details=event.details, prev_hash=previous)
        tamper(
            engine,
            "UPDATE audit_events SET prev_hash = :prev, entry_hash = :hash WHERE id = :id",
            {"prev": previous, "hash": digest, "id": event.id},
        )
        previous = digest


def test_each_entry_chains_to_the_one_before(engine: Engine) -> None:
    record(engine)
    first, second, third = entries(engine)
    assert (first.prev_hash, second.prev_hash, third.prev_hash) == (
        GENESIS,
        first.entry_hash,
        second.entry_hash,
    )
    report = verify(engine)
    assert report.intact
    assert (report.entries, report.broken_entries) == (3, 0)
    assert (report.head_id, report.head_hash) == (third.id, third.entry_hash)


def test_an_empty_log_is_intact(engine: Engine) -> None:
    report = verify(engine)
    assert report.intact and report.entries == 0 and report.head_id is None


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE audit_events SET actor = 'someone@else.example' WHERE id = 2",
        "UPDATE audit_events SET action = 'sign_in' WHERE id = 2",
        """UPDATE audit_events SET details = '{"n": 7}' WHERE id = 2""",
        "UPDATE audit_events SET feedback_id = 5 WHERE id = 2",
        "UPDATE audit_events SET at = at - interval '1 hour' WHERE id = 2",
    ],
)
def test_verify_names_the_entry_that_was_changed(engine: Engine, change: str) -> None:
    record(engine)
    if engine.dialect.name == "sqlite":
        change = change.replace("at - interval '1 hour'", "'2026-10-01 07:01:00.000000'")
    tamper(engine, change)
    report = verify(engine)
    assert not report.intact
    assert report.first_break is not None
    assert report.first_break.id == 2
    assert "it was changed after it was written" in report.first_break.reason
    assert report.broken_entries == 1


@pytest.mark.parametrize(
    ("removed", "broken", "reason"),
    [(2, 3, "does not chain to entry 1"), (1, 2, "does not chain to the start of the log")],
)
def test_a_removed_entry_breaks_the_link_of_the_next(
    engine: Engine, removed: int, broken: int, reason: str
) -> None:
    record(engine)
    tamper(engine, "DELETE FROM audit_events WHERE id = :id", {"id": removed})
    report = verify(engine)
    assert report.first_break is not None
    assert (report.first_break.id, report.entries) == (broken, 2)
    assert reason in report.first_break.reason


def test_an_anchor_shows_a_log_cut_short_or_rewritten_and_hashed_again(engine: Engine) -> None:
    record(engine)
    before = verify(engine)
    assert before.head_id is not None and before.head_hash is not None
    anchor = (before.head_id, before.head_hash)
    assert verify(engine, anchor).intact

    tamper(engine, "UPDATE audit_events SET actor = 'nobody' WHERE id = 2")
    rehash(engine)
    assert verify(engine).intact  # a chain alone cannot tell
    rewritten = verify(engine, anchor)
    assert not rewritten.intact and rewritten.first_break is None
    assert "no longer has the hash" in (rewritten.anchor_problem or "")

    tamper(engine, "DELETE FROM audit_events WHERE id = 3")
    assert verify(engine).intact
    assert "is gone" in (verify(engine, anchor).anchor_problem or "")


def test_details_are_hashed_as_the_database_gives_them_back(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        record_event(
            session,
            actor=ADMIN,
            action="settings.change",
            details={3: ("a", 1.5), "vi": "Phản hồi", "nested": {"b": [None, True]}},
            now=NOW,
        )
    assert verify(engine).intact
    with Session(engine) as session:
        [details] = query_events(session)["details"]
    assert details == {"3": ["a", 1.5], "vi": "Phản hồi", "nested": {"b": [None, True]}}


def test_concurrent_writers_chain_in_turn(engine: Engine) -> None:
    writers, each = 4, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(each):
                with Session(engine) as session, session.begin():
                    # A read first, as callers do: the chain must still follow the newest entry.
                    session.execute(select(AuditEvent.id).limit(1))
                    record_event(
                        session, actor=f"w{writer}@example.com", action="reveal", details={"n": n}
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    report = verify(engine)
    assert (report.intact, report.entries) == (True, writers * each)


def test_migration_0006_chains_the_entries_already_there(engine: Engine) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, feedback_id, details) "
                    "VALUES (:at, 'old@example.com', 'reveal', :n, :details)"
                ),
                {"at": NOW.replace(tzinfo=None) + timedelta(seconds=n), "n": n, "details": "{}"},
            )
        command.upgrade(config, "head")
    report = verify(engine)
    assert (report.intact, report.entries) == (True, 3)
    record(engine, 1)
    assert verify(engine).entries == 4 and verify(engine).intact
    assert entries(engine)[0].prev_hash == GENESIS
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET actor = 'x'"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        command.upgrade(config, "head")
    assert verify(engine).intact


# SQLite: a replacement deletes the old row by conflict resolution, which fires no delete
# trigger; the BEFORE INSERT trigger refuses it because it fires before the conflict is
# resolved (were it after, the old row would be gone and the check would find nothing).
@pytest.mark.parametrize(
    "statement",
    [
        "REPLACE INTO audit_events {columns} VALUES {values}",
        "INSERT OR REPLACE INTO audit_events {columns} VALUES {values}",
        "INSERT INTO audit_events {columns} VALUES {values} "
        "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor",
        "INSERT OR IGNORE INTO audit_events {columns} VALUES {values}",
        "UPDATE OR REPLACE audit_events SET id = 1 WHERE id = 2",
        "UPDATE audit_events SET actor = 'x'",
        "DELETE FROM audit_events",
    ],
)
@pytest.mark.parametrize("recursive_triggers", ["OFF", "ON"])
def test_sqlite_refuses_to_replace_change_or_delete_an_entry(
    sqlite_engine: Engine, statement: str, recursive_triggers: str
) -> None:
    record(sqlite_engine, 2)
    before = [(e.id, e.actor, e.details, e.entry_hash) for e in entries(sqlite_engine)]
    statement = statement.format(
        columns="(id, at, actor, action, details, prev_hash, entry_hash)",
        values=f"(1, '2026-10-01 09:00:00.000000', 'x', 'download', '{{}}', '{GENESIS}', 'h')",
    )
    with pytest.raises(DBAPIError, match="append-only"), sqlite_engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA recursive_triggers = {recursive_triggers}")
        connection.execute(text(statement))
    assert [(e.id, e.actor, e.details, e.entry_hash) for e in entries(sqlite_engine)] == before
    assert verify(sqlite_engine).intact


def test_sqlite_still_takes_new_entries_by_hand(sqlite_engine: Engine) -> None:
    record(sqlite_engine, 1)
    with sqlite_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (id, at, actor, action, details, prev_hash, entry_hash) "
                "VALUES (2, '2026-10-01 09:00:00.000000', 'x', 'download', '{}', 'a', 'b')"
            )
        )
    report = verify(sqlite_engine)  # appended, but not by the app: it does not chain
    assert report.first_break is not None and report.first_break.id == 2


# PostgreSQL: the app's role, the tables' owner and a superuser.


@pytest.fixture
def pg_owner_engine(pg_two_roles_url: str, pg_roles: PgRoles) -> Iterator[Engine]:
    engine = make_engine(pg_roles.url(pg_roles.owner, pg_two_roles_url))
    yield engine
    engine.dispose()


APP_ROLE_REFUSED = "permission denied|must be owner"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "DROP TABLE audit_events",
        "ALTER TABLE audit_events OWNER TO CURRENT_USER",
        "INSERT INTO audit_events (id, at, actor, action, details, prev_hash, entry_hash) "
        "VALUES (1, now(), 'x', 'y', '{}', 'a', 'b') ON CONFLICT (id) DO UPDATE SET actor = 'x'",
        "SELECT setval(pg_get_serial_sequence('audit_events', 'id'), 1)",
    ],
)
def test_the_app_role_cannot_change_the_log(pg_app_engine: Engine, statement: str) -> None:
    record(pg_app_engine)
    before = [(e.id, e.actor, e.entry_hash) for e in entries(pg_app_engine)]
    with pytest.raises(DBAPIError, match=APP_ROLE_REFUSED), pg_app_engine.begin() as connection:
        connection.execute(text(statement))
    assert [(e.id, e.actor, e.entry_hash) for e in entries(pg_app_engine)] == before
    assert verify(pg_app_engine).intact


@pytest.mark.postgres
def test_the_app_role_reads_and_appends_and_does_its_work(pg_app_engine: Engine) -> None:
    with pg_app_engine.connect() as connection:
        assert log_rewritable_by(connection) is None
    record(pg_app_engine)
    with Session(pg_app_engine) as session, session.begin():
        auth.create_user(session, email="bo@example.com", role="staff", actor=ADMIN, now=NOW)
    result = import_source(
        pg_app_engine, csv_bytes([row(external_id="A"), row(external_id="B")]), file_name="a.csv"
    )
    assert (result.inserted, result.rejected) == (2, 0)
    with Session(pg_app_engine) as session:
        assert sorted(query_events(session)["action"]) == ["download"] * 3 + ["user.create"]
    assert verify(pg_app_engine).intact
    assert ensure_schema(pg_app_engine) is False  # it reads alembic_version


@pytest.mark.postgres
@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_postgresql_refuses_truncate_even_to_the_owner(
    who: str, pg_owner_engine: Engine, pg_engine: Engine, pg_app_engine: Engine
) -> None:
    engine = pg_owner_engine if who == "owner" else pg_engine
    record(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_events"))
    assert verify(engine).entries == 3


@pytest.mark.postgres
def test_the_roles_say_who_could_rewrite_the_log(
    pg_owner_engine: Engine, pg_engine: Engine, pg_roles: PgRoles
) -> None:
    with pg_engine.connect() as connection:
        assert "a superuser" in (log_rewritable_by(connection) or "")
    with pg_owner_engine.connect() as connection:
        assert "the owner" in (log_rewritable_by(connection) or "")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("role", "message"),
    [("owner", "owns the tables"), ("postgres", "superuser"), ("nobody", "There is no role")],
)
def test_the_app_role_must_be_neither_owner_nor_superuser(
    pg_owner_engine: Engine, pg_roles: PgRoles, role: str, message: str
) -> None:
    name = {"owner": pg_roles.owner, "nobody": f"{pg_roles.app}_missing"}.get(role, role)
    with pytest.raises(RoleUnfit, match=message), pg_owner_engine.begin() as connection:
        grant_app_role(connection, name)


@pytest.mark.postgres
def test_the_app_role_alone_cannot_create_the_schema_the_owner_does(
    pg_admin: Engine, pg_roles: PgRoles
) -> None:
    with pg_database(pg_admin, owner=pg_roles.owner) as url:
        app = make_engine(pg_roles.url(pg_roles.app, url))
        try:
            with pytest.raises(DatabaseUnavailable, match="FEEDBACK_DB_MIGRATE_URL"):
                ensure_schema(app)
            assert ensure_schema(app, migrate_url=pg_roles.url(pg_roles.owner, url)) is True
            record(app, 2)
            assert verify(app).intact
            with pytest.raises(DBAPIError, match=APP_ROLE_REFUSED), app.begin() as connection:
                connection.execute(text("DELETE FROM audit_events"))
        finally:
            app.dispose()


@pytest.mark.postgres
def test_a_superuser_can_still_change_an_entry_and_verify_shows_it(
    pg_app_engine: Engine, pg_two_roles_url: str
) -> None:
    record(pg_app_engine)
    superuser = create_engine(pg_two_roles_url)
    try:
        tamper(superuser, "UPDATE audit_events SET actor = 'nobody' WHERE id = 2")
    finally:
        superuser.dispose()
    report = verify(pg_app_engine)
    assert report.first_break is not None and report.first_break.id == 2
