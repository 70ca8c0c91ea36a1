"""Engine factory and schema management (Alembic, applied when needed)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from feedback_analytics.config import get_settings
from feedback_analytics.db.roles import RoleUnfit, grant_app_role

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works; it keeps two processes from migrating one PostgreSQL at once.
_PG_MIGRATION_LOCK = 7_260_411
# PostgreSQL's SQLSTATE for "permission denied" and "must be owner".
_PG_INSUFFICIENT_PRIVILEGE = "42501"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says how to fix it."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MiB of page cache (the default is 2 MiB): large imports and month scans.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """Return an engine for `url` (default: FEEDBACK_DB_URL), SQLite in WAL mode."""
    url = url or get_settings().db_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def child_environment(engine: Engine) -> dict[str, str]:
    """Return the environment for a child process of this package that works on `engine`'s
    database: this process's own, with the database's address and the package on its path."""
    # The child imports this very package, wherever the server was started from.
    package_root = str(Path(__file__).resolve().parents[2])
    search_path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "FEEDBACK_DB_URL": engine.url.render_as_string(hide_password=False),
        "PYTHONPATH": search_path,
    }


def alembic_config(engine: Engine | None = None) -> Config:
    """Return an Alembic config for the package's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(False))
    return config


def schema_is_current(engine: Engine) -> bool:
    """Return True when the database is at the newest migration."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads


def ensure_schema(engine: Engine, *, migrate_url: str | None = None) -> bool:
    """Create or migrate the schema when needed; return True when it changed anything.

    The migration runs through `migrate_url`, by default FEEDBACK_DB_MIGRATE_URL when
    `engine` is FEEDBACK_DB_URL's: the tables' owner. On PostgreSQL, when that is another role
    than the engine's, the engine's role is then granted what the app needs (db.roles), in the
    same transaction. Without it the engine's own role migrates, as a one-role setup does.
    """
    try:
        if schema_is_current(engine):
            return False
    except Exception as exc:
        raise DatabaseUnavailable(describe_unavailable(engine, exc)) from exc
    migrate_url = migrate_url or configured_migrate_url(engine)
    if migrate_url is None:
        _migrate(engine, app_role=None)
        return True
    owner = make_engine(migrate_url)
    try:
        _migrate(owner, app_role=app_role_of(engine, owner))
    except OperationalError as exc:
        raise DatabaseUnavailable(describe_unavailable(owner, exc)) from exc
    except RoleUnfit as exc:
        raise DatabaseUnavailable(str(exc)) from exc
    finally:
        owner.dispose()
    return True


def set_up_app_role(engine: Engine) -> str | None:
    """Grant the role of `engine` what the app needs when FEEDBACK_DB_MIGRATE_URL names another
    (the tables' owner) on PostgreSQL; return the role granted, else None."""
    migrate_url = configured_migrate_url(engine)
    if migrate_url is None or engine.dialect.name != "postgresql":
        return None
    owner = make_engine(migrate_url)
    try:
        role = app_role_of(engine, owner)
        if role is not None:
            with owner.begin() as connection:
                grant_app_role(connection, role)
    except OperationalError as exc:
        raise DatabaseUnavailable(describe_unavailable(owner, exc)) from exc
    finally:
        owner.dispose()
    return role


def configured_migrate_url(engine: Engine) -> str | None:
    """Return FEEDBACK_DB_MIGRATE_URL when it is set and `engine` is FEEDBACK_DB_URL's."""
    settings = get_settings()
    if settings.db_migrate_url and engine.url == make_url(settings.db_url):
        return settings.db_migrate_url
    return None


def app_role_of(engine: Engine, owner: Engine) -> str | None:
    """Return the PostgreSQL role of `engine` when it is not `owner`'s role, else None."""
    if engine.dialect.name != "postgresql":
        return None
    query = text("SELECT current_user")
    try:
        with engine.connect() as connection:
            role = str(connection.scalar(query))
        with owner.connect() as connection:
            owner_role = str(connection.scalar(query))
    except Exception as exc:
        raise DatabaseUnavailable(describe_unavailable(engine, exc)) from exc
    return None if role == owner_role else role


def _migrate(engine: Engine, *, app_role: str | None) -> None:
    """Upgrade to the newest migration through `engine`, then grant `app_role` (if any)."""
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                lock = text("SELECT pg_advisory_xact_lock(:key)")
                connection.execute(lock, {"key": _PG_MIGRATION_LOCK})
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if app_role is not None:
                grant_app_role(connection, app_role)
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != _PG_INSUFFICIENT_PRIVILEGE:
            raise
        where = engine.url.render_as_string(hide_password=True)
        first_line = str(exc.orig).strip().splitlines()[0]
        role = f"its role {engine.url.username}" if engine.url.username else "its role"
        raise DatabaseUnavailable(
            f"The database at {where} needs its schema created or migrated, which {role} may "
            f"not do: {first_line}. Fix: run `python -m "
            "feedback_analytics init-db` with FEEDBACK_DB_MIGRATE_URL naming the role that "
            "owns the tables."
        ) from exc


def describe_unavailable(engine: Engine | URL, exc: BaseException) -> str:
    """Return a message a person can act on when the database cannot be used.

    It holds the driver's first line only: SQLAlchemy appends the statement and its
    parameters, which may hold what a person typed, to the lines after it.
    """
    url = engine.url if isinstance(engine, Engine) else engine
    where = url.render_as_string(hide_password=True)
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if url.get_backend_name() == "sqlite":
        hint = "check that the folder is writable and that the file is a SQLite database"
    else:
        hint = "check that the server is running and that FEEDBACK_DB_URL names it correctly"
    return f"Cannot open the database at {where}: {first_line}. Fix: {hint}."


def conflict_insert(session: Session) -> Any:
    """Return the insert of the session's dialect, which has ON CONFLICT (PostgreSQL, SQLite)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
