"""Memory bombs (issue 21): small files that expand to gigabytes when read naively, each through
the command line and through the Import page, each a real process whose peak memory is
measured. Each is refused with the cap that stops it and the setting that raises it, nothing of
it is stored, and no process passes PEAK_CAP_MIB; a file of long texts within the caps imports
its valid rows.

Before the fix (59d489a), on this project's machine: the 8 KB workbook drove the command line
and the page past 6 GiB (stopped there) in under 30 s, and the 2 MB file of a million short rows
took the command line to 1.5 GB for 32 s and the page to 2 GB for 38 s (README, Imports and
failures).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from feedback_analytics.db import Feedback, ImportBatch, ensure_schema, make_engine
from tests.resilience import bombs
from tests.resilience.helpers import count

# No process may pass this: the command line, the server (the page's process) or the child
# that checks an upload for it.
PEAK_CAP_MIB = 1024
EXPANDED = "(the cap max_xlsx_expanded_mb; raise it with FEEDBACK_MAX_XLSX_EXPANDED_MB)"
REJECTED = "(the cap max_rejected_rows; raise it with FEEDBACK_MAX_REJECTED_ROWS)"


@dataclass(frozen=True)
class Bomb:
    """A hostile file and the cap that must refuse it."""

    name: str
    make: Callable[[], bytes]
    cap: str


BOMBS = [
    # The file of the report: 8.4 KB, 20,000 rows of 4 cells, one 30,000-character string.
    Bomb("shared-string-20000x4.xlsx", bombs.shared_string_xlsx, EXPANDED),
    # One cell a row: 600 MB of text, within the expanded cap; every row rejected.
    Bomb("shared-string-20000x1.xlsx", lambda: bombs.shared_string_xlsx(cells=1), REJECTED),
    # 80 KB: a million rows, 30 GB of text.
    Bomb(
        "shared-string-1000000x1.xlsx",
        lambda: bombs.shared_string_xlsx(rows=1_000_000, cells=1),
        EXPANDED,
    ),
    Bomb("short-rows.csv", bombs.short_rows_csv, REJECTED),
    Bomb("not-objects.json", bombs.short_items_json, REJECTED),
]
CASES = [pytest.param(bomb, id=bomb.name) for bomb in BOMBS]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an empty, migrated SQLite file to copy."""
    path = tmp_path_factory.mktemp("template") / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    engine.dispose()
    return path


def store(migrated: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Return a fresh store and the environment that points a process at it."""
    db = tmp_path / "store.db"
    shutil.copyfile(migrated, db)
    return db, {"FEEDBACK_DB_URL": f"sqlite:///{db}", "FEEDBACK_CACHE_DIR": str(tmp_path)}


def stored(db: Path) -> tuple[int, int]:
    """Return how many records and batches the store holds."""
    engine = make_engine(f"sqlite:///{db}")
    try:
        return count(engine, Feedback), count(engine, ImportBatch)
    finally:
        engine.dispose()


@pytest.mark.parametrize("dry_run", [True, False], ids=["check", "import"])
@pytest.mark.parametrize("bomb", CASES)
def test_the_command_line_refuses_a_bomb_within_the_memory_cap(
    tmp_path: Path, migrated: Path, bomb: Bomb, dry_run: bool
) -> None:
    db, environment = store(migrated, tmp_path)
    path = tmp_path / bomb.name
    path.write_bytes(bomb.make())
    check = ["--dry-run"] if dry_run else []
    args = ["-m", "feedback_analytics", "import", str(path), "--json", *check]
    done = bombs.measure(args, env=environment)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    [error] = json.loads(done.stdout)["errors"]
    assert error["row"] is None
    assert error["reason"].startswith(f"{path} is refused: ")
    assert bomb.cap in error["reason"]
    assert len(error["reason"]) < 2_000
    assert done.peak_mib < PEAK_CAP_MIB, f"{done.peak_mib:.0f} MiB in {done.seconds:.1f} s"
    assert stored(db) == (0, 0)


@pytest.mark.parametrize("bomb", CASES)
def test_the_import_page_refuses_a_bomb_within_the_memory_cap(
    tmp_path: Path, migrated: Path, bomb: Bomb
) -> None:
    db, environment = store(migrated, tmp_path)
    path = tmp_path / bomb.name
    path.write_bytes(bomb.make())
    done = bombs.measure(["-m", "tests.resilience.page_run", str(path)], env=environment)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout)
    assert shown["exception"] == []
    assert shown["error"] == ["This file cannot be read, so nothing from it can be imported. Why:"]
    [message] = shown["code"]
    assert "is refused: " in message and bomb.cap in message
    assert len(message) < 2_000
    # At most the preview (when the rows read before the refusal make one), its cells cut.
    assert shown["tables"] in ([], [20]) and sum(shown["table_chars"]) < 100_000
    assert shown["downloads"] == []
    for process in ("peak_mib", "children_peak_mib"):
        assert shown[process] < PEAK_CAP_MIB, (process, shown[process], shown["seconds"])
    assert stored(db) == (0, 0)


@pytest.mark.parametrize("door", ["cli", "page"])
def test_long_texts_within_the_caps_import_their_valid_rows(
    tmp_path: Path, migrated: Path, door: str
) -> None:
    """2,000 records whose text is one 30,000-character shared string (60 million characters
    once expanded), 10 of them on a channel that is not one."""
    db, environment = store(migrated, tmp_path)
    path = tmp_path / "long-texts.xlsx"
    path.write_bytes(bombs.long_texts_xlsx(rows=2_000, bad=10))
    if door == "cli":
        args = ["-m", "feedback_analytics", "import", str(path), "--json"]
        done = bombs.measure(args, env=environment)
        assert done.returncode == 1, done.stderr[-2000:]
        result = json.loads(done.stdout)
        assert (result["inserted"], result["rejected"]) == (1_990, 10)
        peaks = {"command": done.peak_mib}
    else:
        args = ["-m", "tests.resilience.page_run", str(path), "--import"]
        done = bombs.measure(args, env=environment)
        assert done.returncode == 0, done.stderr[-2000:]
        shown = json.loads(done.stdout)
        assert shown["success"][0] == "Import finished."
        assert shown["metrics"]["Inserted"] == "1,990"
        assert shown["metrics"]["Rejected"] == "10"
        peaks = {"server": shown["peak_mib"], "child": shown["children_peak_mib"]}
    assert all(peak < PEAK_CAP_MIB for peak in peaks.values()), peaks
    assert stored(db) == (1_990, 1)


def test_the_measure_sees_a_process_past_the_cap(tmp_path: Path) -> None:
    """The measurement itself: a process that holds 1.2 GB is seen past PEAK_CAP_MIB."""
    code = "b = bytearray(1_200 * 2**20); b[::4096] = b'x' * len(b[::4096])"
    done = bombs.measure(["-c", code], env={})
    assert done.returncode == 0, done.stderr
    assert done.peak_mib > PEAK_CAP_MIB
