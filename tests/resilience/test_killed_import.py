"""A command line import killed while it writes: nothing half-written, and the next one completes.

The files are the demo's records as `seed-demo` writes them: one small enough to be read in the
importing process, one large enough to be read in a second process (PARALLEL_FROM_BYTES).
"""

from __future__ import annotations

import io
import json
import signal
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from feedback_analytics.db import (
    AuditEvent,
    Customer,
    Feedback,
    ImportBatch,
    RejectedRow,
    SurveyResponse,
)
from feedback_analytics.demo import generate_demo
from feedback_analytics.ingest.pipeline import PARALLEL_FROM_BYTES
from tests.resilience.helpers import (
    count,
    database_env,
    end_group,
    group_ended,
    group_members,
    start_import,
    stored_keys,
    wait_until,
)
from tests.test_cli import cli

MEDIUM_RECORDS = 45_000
LARGE_RECORDS = 70_000
# A reader process that outlives the import it read for is looked for this long.
LEFTOVER_SECONDS = 10
# Another backend of this database writing into the feedback table.
PG_WRITING = text(
    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "WHERE c.relname = 'feedback' AND l.mode = 'RowExclusiveLock' AND l.granted "
    "AND l.pid <> pg_backend_pid() "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@dataclass(frozen=True)
class DemoFiles:
    """The demo's records as two canonical CSV files."""

    medium: Path
    large: Path


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """Return the files, made once: the large one is read in a second process, the medium not."""
    folder = tmp_path_factory.mktemp("demo")
    frame = generate_demo(LARGE_RECORDS, seed=11, end=date(2026, 10, 31))
    files = DemoFiles(folder / "medium.csv", folder / "large.csv")
    for path, rows in ((files.medium, frame.head(MEDIUM_RECORDS)), (files.large, frame)):
        buffer = io.BytesIO()
        rows.to_csv(buffer, index=False, encoding="utf-8")  # as seed-demo writes it
        path.write_bytes(buffer.getvalue())
    assert files.medium.stat().st_size < PARALLEL_FROM_BYTES <= files.large.stat().st_size
    return files


def sqlite_write_locked(database: str) -> bool:
    """Return True while another connection holds the SQLite file's write lock."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    finally:
        connection.close()
    return False


def import_is_writing(engine: Engine) -> bool:
    """Return True while an import's transaction writes and has committed nothing yet.

    PostgreSQL shows another backend writing into `feedback`; SQLite shows its write lock
    taken (the import takes it with the batch row) while no record is stored.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return bool(connection.execute(PG_WRITING).scalar_one())
        stored = connection.execute(select(Feedback.id).limit(1)).first() is not None
    return not stored and sqlite_write_locked(str(engine.url.database))


def kill_while_writing(process: subprocess.Popen[str], engine: Engine) -> None:
    """SIGKILL the import's process (not its children) once it writes, and reap it."""
    wait_until(lambda: import_is_writing(engine), process, what="the import writing", timeout=120)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def assert_nothing_written(engine: Engine) -> None:
    """Assert that the store holds nothing of the killed import: no batch, finished or not, and
    no audit event (it is written in the import's transaction)."""
    for model in (Feedback, Customer, SurveyResponse, RejectedRow, ImportBatch, AuditEvent):
        assert count(engine, model) == 0, model.__name__


def assert_imported_once(engine: Engine, path: Path, records: int) -> None:
    """Import `path` again with the command line; assert every record is stored once."""
    done = cli(
        "import", str(path), "--json", db=path.with_suffix(".unused"), env=database_env(engine)
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["inserted"] == records
    keys = stored_keys(engine)
    assert len(keys) == len(set(keys)) == records
    with Session(engine) as session:
        batch = session.scalars(select(ImportBatch)).one()
    assert (batch.inserted, batch.finished_at is not None) == (records, True)
    assert count(engine, AuditEvent) == 1


def test_a_killed_import_leaves_nothing_and_the_next_import_completes_it(
    engine: Engine, demo_files: DemoFiles
) -> None:
    process = start_import(demo_files.medium, engine=engine)
    try:
        kill_while_writing(process, engine)
        assert group_members(process) == []
    finally:
        end_group(process)
    assert_nothing_written(engine)
    assert_imported_once(engine, demo_files.medium, MEDIUM_RECORDS)


def test_a_killed_import_of_a_large_file_leaves_no_process_and_the_next_completes_it(
    engine: Engine, demo_files: DemoFiles
) -> None:
    process = start_import(demo_files.large, engine=engine)
    try:
        kill_while_writing(process, engine)
        assert_nothing_written(engine)
        leftover = group_members(process)
        assert group_ended(process, timeout=LEFTOVER_SECONDS), f"still running: {leftover}"
    finally:
        end_group(process)
    assert_imported_once(engine, demo_files.large, LARGE_RECORDS)
