"""Two real processes importing overlapping files into PostgreSQL at the same moment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.ingest.helpers import csv_bytes, row
from tests.resilience.helpers import (
    database_env,
    end_group,
    start_import,
    stored_keys,
    unfinished_batches,
    wait_until,
)
from tests.test_cli import cli

ROWS = 5_000
SHARED = 2_500
# The processes of this database that wait for a lock (the test's, or each other's).
WAITING = text(
    "SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE NOT l.granted AND a.datname = current_database()"
)


def overlapping_file(path: Path, first: int) -> set[tuple[str, str]]:
    """Write ROWS records numbered from `first` to `path`; return their keys."""
    rows = [row(external_id=f"C-{i}", customer_name="An") for i in range(first, first + ROWS)]
    path.write_bytes(csv_bytes(rows))
    return {("email", r["external_id"]) for r in rows}


@pytest.mark.postgres
def test_overlapping_imports_at_once_store_the_union_once(
    pg_engine: Engine, tmp_path: Path
) -> None:
    keys = overlapping_file(tmp_path / "a.csv", 0)
    keys |= overlapping_file(tmp_path / "b.csv", ROWS - SHARED)
    assert len(keys) == 2 * ROWS - SHARED
    with pg_engine.connect() as gate:
        # Hold back both imports at their first write (the batch row), so that they run at
        # the same time once the test lets them go.
        gate.execute(text("LOCK TABLE import_batches IN EXCLUSIVE MODE"))
        processes = [start_import(tmp_path / name, engine=pg_engine) for name in ("a.csv", "b.csv")]
        try:
            with pg_engine.connect() as watcher:

                def both_waiting() -> bool:
                    waiting = watcher.execute(WAITING).scalar_one()
                    watcher.rollback()
                    return waiting == 2

                wait_until(both_waiting, processes[0], what="both imports waiting", timeout=60)
            gate.rollback()
            outcomes = [(p.communicate(timeout=120), p.returncode) for p in processes]
        finally:
            for process in processes:
                end_group(process)
    for name, ((_, stderr), code) in zip(("a.csv", "b.csv"), outcomes, strict=True):
        assert "Traceback" not in stderr
        if code != 0:
            # An import that lost the race may stop, if it says to run it again.
            assert "again" in stderr, stderr
            again = ("import", str(tmp_path / name))
            rerun = cli(*again, db=tmp_path / "unused.db", env=database_env(pg_engine))
            assert rerun.returncode == 0, rerun.stderr
    stored = stored_keys(pg_engine)
    assert len(stored) == len(set(stored)), "a (channel, external_id) is stored twice"
    assert set(stored) == keys
    assert unfinished_batches(pg_engine) == 0
