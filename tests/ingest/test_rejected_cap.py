"""A file with more rejected rows than FEEDBACK_MAX_REJECTED_ROWS is refused whole: nothing of
it is stored, and the reason names the cap, the setting that raises it and the first problems.
A file at the cap imports its valid rows as ever."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from feedback_analytics import surveys
from feedback_analytics.config import get_settings
from feedback_analytics.db import Feedback, ImportBatch, RejectedRow
from feedback_analytics.ingest import import_source
from tests.ingest.helpers import csv_bytes, row
from tests.resilience.helpers import count

CAP = 5
REFUSED = (
    "is refused: more than 5 of its rows are rejected (the cap max_rejected_rows; raise it with "
    "FEEDBACK_MAX_REJECTED_ROWS)"
)


@pytest.fixture(autouse=True)
def _small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBACK_MAX_REJECTED_ROWS", str(CAP))
    get_settings.cache_clear()


def bad_values(bad: int) -> bytes:
    """Return a CSV of one valid row and `bad` rows whose channel is not one."""
    rows = [row(external_id=f"B-{i}", channel="fax") for i in range(bad)]
    return csv_bytes([row(), *rows])


def short_rows(bad: int) -> bytes:
    """Return a CSV of one valid row and `bad` rows of too few fields."""
    return csv_bytes([row()]) + b"x\n" * bad


def not_objects(bad: int) -> bytes:
    """Return a JSON array of one valid record and `bad` items that are not objects."""
    return json.dumps([row(), *([1] * bad)]).encode()


FILES: list[tuple[str, Callable[[int], bytes], str]] = [
    ("values.csv", bad_values, "row 3: channel: 'fax' is not a channel"),
    ("short-rows.csv", short_rows, "row 3: the row has 1 fields but the header has 23"),
    ("items.json", not_objects, "row 2: is not a JSON object"),
]


@pytest.mark.parametrize(("name", "make", "first"), FILES, ids=[f[0] for f in FILES])
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "check"])
def test_past_the_cap_the_file_is_refused_and_nothing_is_stored(
    sqlite_engine: Engine, name: str, make: Callable[[int], bytes], first: str, dry_run: bool
) -> None:
    result = import_source(sqlite_engine, make(CAP + 1), file_name=name, dry_run=dry_run)
    assert result.unreadable is not None
    assert result.unreadable.startswith(f"{name} {REFUSED}"), result.unreadable
    assert f"The first: {first}" in result.unreadable
    assert (result.inserted, result.rejected, result.rejections) == (0, 0, [])
    assert [count(sqlite_engine, m) for m in (Feedback, ImportBatch, RejectedRow)] == [0, 0, 0]


@pytest.mark.parametrize(("name", "make", "first"), FILES, ids=[f[0] for f in FILES])
def test_at_the_cap_the_valid_rows_import_and_the_rejected_are_kept(
    sqlite_engine: Engine, name: str, make: Callable[[int], bytes], first: str
) -> None:
    result = import_source(sqlite_engine, make(CAP), file_name=name)
    assert result.unreadable is None
    assert (result.inserted, result.rejected) == (1, CAP)
    assert [count(sqlite_engine, m) for m in (Feedback, RejectedRow)] == [1, CAP]


def test_a_survey_file_past_the_cap_is_refused(sqlite_engine: Engine) -> None:
    lines = ["external_id,score"] + [f"NOPE-{i},4" for i in range(CAP + 1)]
    result = surveys.import_surveys(
        sqlite_engine, "\n".join(lines).encode(), file_name="s.csv", actor="test"
    )
    assert result.unreadable is not None
    assert result.unreadable.startswith(f"s.csv {REFUSED}")
    assert "The first: row 2: external_id: no feedback 'NOPE-0' is stored" in result.unreadable
    assert count(sqlite_engine, ImportBatch) == 0
