"""Uploads checked and imported in a process of their own (ingest/isolated.py): what comes back,
the rejected rows kept for the download, progress, the memory cap and failures. Real child
processes on a real SQLite file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import Engine

from feedback_analytics.config import get_settings
from feedback_analytics.db import Feedback, ImportBatch, make_engine
from feedback_analytics.ingest.isolated import (
    ISOLATE_FROM_BYTES,
    KEPT_REJECTIONS,
    ImportFailed,
    isolates,
    run_upload,
)
from tests.ingest.helpers import csv_bytes, row
from tests.resilience.helpers import count

BAD = 300


def workbook(rows: list[dict[str, str]]) -> bytes:
    """Return the rows as an XLSX workbook under the four required columns."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    columns = ["external_id", "channel", "received_at", "current_feature"]
    sheet.write_row(0, 0, columns)
    for number, values in enumerate(rows, start=1):
        sheet.write_row(number, 0, [values[c] for c in columns])
    book.close()
    return buffer.getvalue()


def mixed(bad: int = BAD) -> list[dict[str, str]]:
    """Return two valid records and `bad` whose channel is not one."""
    rejected = [row(external_id=f"B-{i}", channel="fax") for i in range(bad)]
    return [row(), row(external_id="F-2"), *rejected]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("small.csv", b"external_id\n", False),
        ("small.json", b"[]", False),
        ("tiny.xlsx", b"PK\x03\x04", True),
        ("named.csv", b"PK\x03\x04 a zip named .csv", True),
        ("large.csv", b"x" * ISOLATE_FROM_BYTES, True),
        ("just-below.jsonl", b"x" * (ISOLATE_FROM_BYTES - 1), False),
    ],
)
def test_which_uploads_run_in_a_process_of_their_own(
    name: str, data: bytes, expected: bool
) -> None:
    assert isolates(name, data) is expected


def test_a_workbook_is_checked_in_a_child_that_keeps_every_rejected_row_for_the_download(
    sqlite_engine: Engine,
) -> None:
    outcome = run_upload(
        sqlite_engine,
        "mixed.xlsx",
        workbook(mixed()),
        actor="test",
        dry_run=True,
        preview_rows=5,
    )
    assert outcome.preview is not None
    assert list(outcome.preview["external_id"]) == ["F-1", "F-2", "B-0", "B-1", "B-2"]
    assert outcome.result is not None
    [result] = outcome.result.files
    assert (result.inserted, result.rejected) == (2, BAD)
    assert len(result.rejections) == KEPT_REJECTIONS
    assert result.rejects_file is not None
    kept = list(csv.DictReader(io.StringIO(Path(result.rejects_file).read_text("utf-8-sig"))))
    assert [line["row"] for line in kept] == [str(n) for n in range(4, 4 + BAD)]
    assert "'fax' is not a channel" in kept[-1]["rejection_reason"]
    assert count(sqlite_engine, Feedback) == 0


def test_a_small_text_file_is_checked_in_this_process_with_all_its_rejections(
    sqlite_engine: Engine,
) -> None:
    outcome = run_upload(sqlite_engine, "mixed.csv", csv_bytes(mixed()), actor="test", dry_run=True)
    assert outcome.result is not None and outcome.preview is None
    [result] = outcome.result.files
    assert (len(result.rejections), result.rejects_file) == (BAD, None)


def test_an_isolated_import_stores_the_valid_rows_and_reports_progress(
    sqlite_engine: Engine,
) -> None:
    seen: list[tuple[int, int]] = []
    outcome = run_upload(
        sqlite_engine,
        "mixed.xlsx",
        workbook(mixed()),
        actor="test",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert outcome.result is not None
    assert outcome.result.files[0].inserted == 2
    assert count(sqlite_engine, Feedback) == 2
    assert seen and seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize("dry_run", [True, False], ids=["check", "import"])
def test_past_the_memory_cap_the_child_is_ended_and_nothing_is_stored(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    monkeypatch.setenv("FEEDBACK_MAX_IMPORT_MEMORY_MB", "20")  # less than Python itself
    get_settings.cache_clear()
    outcome = run_upload(
        sqlite_engine, "mixed.xlsx", workbook(mixed()), actor="test", dry_run=dry_run
    )
    what = "checking" if dry_run else "importing"
    expected = (
        f"mixed.xlsx is refused: {what} it used more than 20 MB of memory (the cap "
        "max_import_memory_mb; raise it with FEEDBACK_MAX_IMPORT_MEMORY_MB): split it into "
        "smaller files"
    )
    assert outcome.unreadable == expected
    assert outcome.result is not None
    assert outcome.result.files[0].unreadable == expected
    assert [count(sqlite_engine, model) for model in (Feedback, ImportBatch)] == [0, 0]


def test_a_failure_that_is_not_the_file_s_is_raised_in_one_line(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'store.db'}")
    with pytest.raises(ImportFailed) as failed:
        run_upload(engine, "mixed.xlsx", workbook(mixed(1)), actor="test", dry_run=True)
    assert "\n" not in str(failed.value)
    assert "Traceback" not in str(failed.value)


def test_a_survey_workbook_is_checked_in_a_child_too(sqlite_engine: Engine) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["external_id", "score"])
    sheet.write_row(1, 0, ["NOPE", 4])
    book.close()
    outcome = run_upload(
        sqlite_engine, "s.xlsx", buffer.getvalue(), actor="test", surveys=True, dry_run=True
    )
    assert outcome.result is not None
    [result] = outcome.result.files
    assert result.rejected == 1
    assert "no feedback 'NOPE' is stored" in result.rejections[0].reason
    assert result.rejects_file is not None
