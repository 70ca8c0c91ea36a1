"""Engine factory and schema management (Alembic, applied when needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url

from feedback_analytics.config import get_settings

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works; it keeps two processes from migrating one PostgreSQL at once.
_PG_MIGRATION_LOCK = 7_260_411


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


def ensure_schema(engine: Engine) -> bool:
    """Create or migrate the schema when needed; return True when it changed anything."""
    try:
        if schema_is_current(engine):
            return False
    except Exception as exc:
        raise DatabaseUnavailable(describe_unavailable(engine, exc)) from exc
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": _PG_MIGRATION_LOCK})
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return True


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
