"""Shared fixtures: a real SQLite file per test and the real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from feedback_analytics.config import get_settings
from feedback_analytics.db import Base, ensure_schema, make_engine

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "FEEDBACK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test starts from default settings on its own SQLite file, never data/."""
    for name in list(os.environ):
        if name.startswith("FEEDBACK_") and name != "FEEDBACK_TEST_PG_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("FEEDBACK_DB_URL", f"sqlite:///{tmp_path / 'feedback.db'}")
    monkeypatch.setenv("FEEDBACK_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a fresh, migrated SQLite file."""
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    ensure_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """A superuser engine (autocommit) on the PostgreSQL server; skip, or fail in CI, without it."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server"
        admin.dispose()
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}"
        if IN_CI:
            pytest.fail(f"{message} (CI=true requires it)")
        pytest.skip(message)
    yield admin
    admin.dispose()


@contextmanager
def pg_database(admin: Engine, *, owner: str | None = None) -> Iterator[str]:
    """Create a database named for this run (owned by `owner`), yield its URL, drop it."""
    name = f"feedback_test_{uuid.uuid4().hex[:12]}"
    owned = f' OWNER "{owner}"' if owner else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{owned}'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_database_url(pg_admin: Engine) -> Iterator[str]:
    """The URL of a database made for this test run on the PostgreSQL server, dropped after."""
    with pg_database(pg_admin) as url:
        yield url


@dataclass(frozen=True)
class PgRoles:
    """A deployment's two roles on the PostgreSQL server, named for this test run."""

    owner: str  # owns the tables and migrates them; not a superuser
    app: str  # the app's role: granted what the app needs by the owner

    def url(self, role: str, database_url: str) -> str:
        """Return `database_url` connecting as `role` (trust authentication, no password)."""
        return make_url(database_url).set(username=role).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_roles(pg_admin: Engine) -> Iterator[PgRoles]:
    """An owner role and an app role made for this run; dropped after (roles are cluster-wide).

    Every database a test makes for them must be dropped before they are: pg_database does.
    """
    token = uuid.uuid4().hex[:12]
    roles = PgRoles(
        owner=f"feedback_owner_{token}",
        app=f"feedback_app_{token}",
    )
    try:
        with pg_admin.connect() as connection:
            for role in (roles.owner, roles.app):
                connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER'))
        yield roles
    finally:
        with pg_admin.connect() as connection:
            for role in (roles.app, roles.owner):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


@pytest.fixture(scope="session")
def pg_two_roles_url(pg_admin: Engine, pg_roles: PgRoles) -> Iterator[str]:
    """A database of this run owned by pg_roles.owner, migrated by it, pg_roles.app granted.

    The URL connects as the superuser; PgRoles.url gives it another role.
    """
    with pg_database(pg_admin, owner=pg_roles.owner) as url:
        app = make_engine(pg_roles.url(pg_roles.app, url))
        try:
            ensure_schema(app, migrate_url=pg_roles.url(pg_roles.owner, url))
        finally:
            app.dispose()
        yield url


@pytest.fixture
def pg_app_engine(pg_two_roles_url: str, pg_roles: PgRoles) -> Iterator[Engine]:
    """An engine of the app's role on the two-role database, its audit log emptied first."""
    emptied = create_engine(pg_two_roles_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with emptied.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    emptied.dispose()
    engine = make_engine(pg_roles.url(pg_roles.app, pg_two_roles_url))
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    """An engine on the run's PostgreSQL database, migrated and emptied for this test."""
    engine = make_engine(pg_database_url)
    ensure_schema(engine)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        # The audit log refuses TRUNCATE, as it should; a superuser's replica mode fires no
        # trigger (what audit-verify is there to notice), and this is a test's fresh start.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The store on each database the product supports."""
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)


# --- Real mail servers (tests/mailservers.py) --------------------------------------------------
MAILBOX_USER = "gopy@feedback.test"
MAILBOX_PASSWORD = "mailbox-secret-for-tests"


@contextmanager
def running_dovecot(**options: Any) -> Iterator[Any]:
    """Yield a started Dovecot IMAP server (Dovecot's `options`) with the dedicated mailbox
    MAILBOX_USER, stopped after; skip without Dovecot, or fail in CI (CI=true requires it:
    .ci/run installs it)."""
    from tests.mailservers import Dovecot, dovecot_missing

    missing = dovecot_missing()
    if missing:
        if IN_CI:
            pytest.fail(f"{missing} (CI=true requires it)")
        pytest.skip(missing)
    server = Dovecot(users={MAILBOX_USER: MAILBOX_PASSWORD}, **options).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dovecot() -> Iterator[Any]:
    """A Dovecot IMAP server with the dedicated mailbox MAILBOX_USER (see running_dovecot)."""
    with running_dovecot() as server:
        yield server


@pytest.fixture
def smtp_sink() -> Iterator[Any]:
    """An aiosmtpd SMTP server on a free port that keeps every message it accepts."""
    from tests.mailservers import SmtpSink

    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox_settings(dovecot: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the settings at the Dovecot fixture's dedicated mailbox; return the server."""
    monkeypatch.setenv("FEEDBACK_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("FEEDBACK_IMAP_PORT", str(dovecot.port))
    monkeypatch.setenv("FEEDBACK_IMAP_SECURITY", "none")
    monkeypatch.setenv("FEEDBACK_IMAP_USER", MAILBOX_USER)
    monkeypatch.setenv("FEEDBACK_IMAP_PASSWORD", MAILBOX_PASSWORD)
    get_settings.cache_clear()
    return dovecot


@pytest.fixture
def smtp_settings(smtp_sink: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the settings at the SMTP fixture; return the server."""
    monkeypatch.setenv("FEEDBACK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FEEDBACK_SMTP_PORT", str(smtp_sink.port))
    monkeypatch.setenv("FEEDBACK_SMTP_SECURITY", "none")
    monkeypatch.setenv("FEEDBACK_MAIL_FROM", f"Góp ý khách hàng <{MAILBOX_USER}>")
    get_settings.cache_clear()
    return smtp_sink
