"""Importing canonical files into the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from feedback_analytics.db import (
    Customer,
    Feedback,
    ImportBatch,
    RejectedRow,
    StatusChange,
    SurveyResponse,
)
from feedback_analytics.ingest import import_paths, import_source, rejects_to_csv
from tests.ingest.helpers import csv_bytes, row


def load(engine: Engine, rows: list[dict], **kwargs):
    return import_source(engine, csv_bytes(rows), file_name="f.csv", **kwargs)


def stored(engine: Engine, external_id: str = "F-1", channel: str = "email") -> Feedback:
    with Session(engine, expire_on_commit=False) as session:
        record = session.scalars(
            select(Feedback).where(Feedback.external_id == external_id, Feedback.channel == channel)
        ).one()
        _ = record.customer, record.survey
        return record


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_valid_file_is_stored_with_customer_survey_and_status(engine: Engine) -> None:
    result = load(
        engine,
        [
            row(
                customer_name="Nguyễn Văn An",
                customer_email="an@example.vn",
                customer_phone="0912345678",
                customer_address="12 Lê Lợi, Quận 1, TP.HCM",
                product="VPN Client",
                proposal="Reconnect automatically",
                reason="We lose work",
                category="VPN connectivity",
                priority="Cao",
                department="Network Engineering",
                assignee="Trần Thị Bình",
                acknowledged_at="2026-09-30T12:00:00+07:00",
                due_at="2026-10-05",
                resolved_at="2026-10-03 09:00",
                satisfaction_score="4.0",
                satisfaction_comment="Nhanh, cảm ơn!",
            )
        ],
    )
    assert (result.read, result.inserted, result.rejected) == (1, 1, 0)
    record = stored(engine)
    assert record.received_at == datetime(2026, 9, 30, 3, 0, tzinfo=UTC)
    assert record.due_at == datetime(2026, 10, 5, 16, 59, 59, tzinfo=UTC)
    assert record.priority == "high"
    assert record.status == "resolved" and record.status_explicit is False
    assert record.category == "VPN connectivity" and record.category_source == "human"
    assert record.customer is not None and record.customer.phone == "0912345678"
    assert record.survey is not None and record.survey.score == 4
    assert record.survey.surveyed_at is None  # the survey time falls back to resolved_at
    with Session(engine) as session:
        history = session.scalars(select(StatusChange)).all()
        batch = session.scalars(select(ImportBatch)).one()
    assert history == []  # the history holds changes; the first status is the record's own
    assert (batch.file_name, batch.read, batch.inserted, batch.rejected) == ("f.csv", 1, 1, 0)
    assert batch.finished_at is not None and len(batch.content_hash) == 64


def test_reimporting_the_same_file_changes_nothing(engine: Engine) -> None:
    rows = [row(external_id=f"F-{i}", customer_name="An") for i in range(5)]
    first = load(engine, rows)
    second = load(engine, rows)
    assert (first.inserted, first.unchanged) == (5, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 5)
    assert count(engine, Feedback) == 5
    assert count(engine, Customer) == 5
    assert count(engine, StatusChange) == 0


def test_non_empty_cells_replace_and_empty_cells_never_clear(engine: Engine) -> None:
    load(engine, [row(product="VPN Client", customer_phone="0912345678", proposal="A")])
    result = load(
        engine,
        [
            row(
                product="",
                proposal="B",
                acknowledged_at="2026-09-30T11:00:00+07:00",
                satisfaction_comment="ok",
            )
        ],
    )
    assert (result.updated, result.unchanged) == (1, 0)
    record = stored(engine)
    assert record.product == "VPN Client"  # empty cell kept the stored value
    assert record.proposal == "B"
    assert record.customer is not None and record.customer.phone == "0912345678"
    assert record.status == "acknowledged"
    assert record.survey is not None and record.survey.comment == "ok"
    with Session(engine) as session:
        steps = session.execute(
            select(StatusChange.from_status, StatusChange.to_status).order_by(StatusChange.id)
        ).all()
    assert [tuple(s) for s in steps] == [("new", "acknowledged")]


def test_explicit_status_stays_until_another_explicit_one(engine: Engine) -> None:
    load(engine, [row(status="In_Progress")])
    load(engine, [row(resolved_at="2026-10-02T10:00:00+07:00")])
    assert stored(engine).status == "in_progress"
    load(engine, [row(status="closed")])
    assert stored(engine).status == "closed"


def test_derived_status_follows_the_timestamps_on_update(engine: Engine) -> None:
    load(engine, [row()])
    assert stored(engine).status == "new"
    load(engine, [row(resolved_at="2026-10-02T10:00:00+07:00")])
    assert stored(engine).status == "resolved"
    load(engine, [row(responded_at="2026-10-02T11:00:00+07:00")])
    assert stored(engine).status == "closed"


def test_same_external_id_on_another_channel_is_another_record(engine: Engine) -> None:
    result = load(engine, [row(channel="email"), row(channel="hotline")])
    assert result.inserted == 2


def test_repeated_key_in_one_file_is_rejected_even_after_a_rejected_first(engine: Engine) -> None:
    result = load(
        engine,
        [row(received_at="not a date"), row(channel="E-mail"), row(external_id="F-2")],
    )
    assert (result.inserted, result.rejected) == (1, 2)
    repeat = result.rejections[1]
    assert repeat.row == 3
    assert repeat.errors[0].column == "external_id"
    assert "repeats row 2" in repeat.errors[0].reason


@pytest.mark.parametrize(
    ("cells", "column", "phrase"),
    [
        ({"external_id": ""}, "external_id", "is required but empty"),
        ({"channel": " "}, "channel", "is required but empty"),
        ({"received_at": ""}, "received_at", "is required but empty"),
        ({"current_feature": ""}, "current_feature", "is required but empty"),
        ({"channel": "fax"}, "channel", "'fax' is not a channel"),
        ({"priority": "asap"}, "priority", "'asap' is not a priority"),
        ({"status": "done"}, "status", "'done' is not a status"),
        ({"received_at": "31/02/2026"}, "received_at", "is not a date and time"),
        (
            {"satisfaction_score": "7", "resolved_at": "2026-10-01"},
            "satisfaction_score",
            "'7' is not a satisfaction score",
        ),
        ({"satisfaction_score": "5"}, "satisfaction_score", "a score needs a survey time"),
        ({"acknowledged_at": "2026-09-29"}, "acknowledged_at", "is earlier than received_at"),
        ({"due_at": "2026-09-29"}, "due_at", "is earlier than received_at"),
        ({"surveyed_at": "2026-09-01T00:00:00Z"}, "surveyed_at", "is earlier than received_at"),
        ({"external_id": "X" * 201}, "external_id", "longer than 200"),
    ],
)
def test_a_bad_row_is_rejected_with_its_field_and_the_good_rows_stay(
    engine: Engine, cells: dict, column: str, phrase: str
) -> None:
    result = load(engine, [row(external_id="GOOD"), row(**cells)])
    assert (result.inserted, result.rejected) == (1, 1)
    rejection = result.rejections[0]
    assert rejection.row == 3
    assert any(e.column == column and phrase in e.reason for e in rejection.errors), rejection
    assert count(engine, Feedback) == 1
    with Session(engine) as session:
        kept = session.scalars(select(RejectedRow)).one()
    assert kept.row_number == 3 and phrase in kept.reason


def test_huge_text_is_rejected_with_its_length(engine: Engine, monkeypatch) -> None:
    result = load(engine, [row(proposal="x" * 100_001)])
    assert result.rejected == 1
    assert result.errors[0].column == "proposal"
    assert "100,001 characters" in result.errors[0].reason


def test_text_is_kept_exactly_and_nul_removed(engine: Engine) -> None:
    texts = {
        "current_feature": 'Wi‑Fi "AP-9000" rớt mạng 😡\nline two, with commas; semicolons',
        "proposal": "=cmd|'/c calc'!A1",
        "reason": "<script>alert('x')</script> **bold** @here",
        "customer_name": "Đặng Thị Ngọc Hà",
    }
    load(engine, [row(**texts, product="AP\x009000")])
    record = stored(engine)
    assert record.current_feature == texts["current_feature"]
    assert record.proposal == texts["proposal"]
    assert record.reason == texts["reason"]
    assert record.product == "AP9000"
    assert record.customer is not None and record.customer.name == texts["customer_name"]


def test_a_human_category_is_kept_and_a_later_empty_cell_keeps_it(engine: Engine) -> None:
    load(engine, [row(category="Billing")])
    load(engine, [row(category="")])
    record = stored(engine)
    assert (record.category, record.category_source) == ("Billing", "human")


def test_dry_run_counts_and_writes_nothing(engine: Engine) -> None:
    load(engine, [row()])
    result = load(
        engine, [row(proposal="new"), row(external_id="F-2"), row(channel="x")], dry_run=True
    )
    assert (result.inserted, result.updated, result.rejected) == (1, 1, 1)
    assert count(engine, Feedback) == 1
    assert count(engine, ImportBatch) == 1
    assert stored(engine).proposal is None


def test_an_unreadable_file_changes_nothing_and_the_others_import(
    engine: Engine, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row()]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(external_id="B")], columns=["external_id", "channel"]))
    result = import_paths(engine, [bad, good])
    assert result.exit_code == 2
    payload = result.as_json()
    assert payload["inserted"] == 1
    assert payload["errors"][0]["row"] is None
    assert (
        "lacks the required column(s) received_at, current_feature"
        in (payload["errors"][0]["reason"])
    )
    assert count(engine, ImportBatch) == 1


def test_a_file_that_breaks_midway_leaves_no_half_written_batch(engine: Engine) -> None:
    good = csv_bytes([row(external_id=f"F-{i}") for i in range(60_000)])
    broken = good + "F-x,email,2026-09-30,caf\xe9\n".encode("latin-1")
    result = import_source(engine, broken, file_name="broken.csv")
    assert result.unreadable is not None
    assert "cannot be decoded as utf-8" in result.unreadable
    assert "line 60002" in result.unreadable
    assert count(engine, Feedback) == 0
    assert count(engine, ImportBatch) == 0


def test_rejects_file_holds_rows_as_they_came_plus_row_and_reason(engine: Engine) -> None:
    result = load(engine, [row(), row(external_id="F-2", channel="fax", proposal="=1+1")])
    text = rejects_to_csv(result, neutralise=False).decode("utf-8-sig")
    header, line = text.splitlines()[:2]
    assert header.endswith(",row,rejection_reason")
    assert line.startswith("F-2,fax,")
    assert ",=1+1," in line and ",3," in line
    safe = rejects_to_csv(result).decode("utf-8-sig")
    assert ",'=1+1," in safe


def test_json_and_jsonl_files_number_objects_from_one(engine: Engine) -> None:
    items = [
        row(external_id="J1"),
        {"external_id": "J2", "channel": "email"},
        row(external_id="J3", satisfaction_score=5, resolved_at="2026-10-01"),
    ]
    as_json = json.dumps(items).encode()
    result = import_source(engine, as_json, file_name="f.json")
    assert (result.inserted, result.rejected) == (2, 1)
    assert result.rejections[0].row == 2
    lines = "\n".join(json.dumps(i) for i in items).encode()
    again = import_source(engine, lines, file_name="f.jsonl")
    assert (again.unchanged, again.rejected) == (2, 1)
    assert stored(engine, "J3").survey.score == 5


def test_changed_contact_and_survey_update_their_own_rows(engine: Engine) -> None:
    load(engine, [row(customer_name="An", resolved_at="2026-10-01", satisfaction_score="2")])
    result = load(engine, [row(customer_name="Nguyễn An", satisfaction_score="5")])
    assert (result.updated, result.unchanged) == (1, 0)
    record = stored(engine)
    assert record.customer is not None and record.customer.name == "Nguyễn An"
    assert record.survey is not None and record.survey.score == 5
    assert count(engine, Customer) == 1 and count(engine, SurveyResponse) == 1
    assert count(engine, StatusChange) == 0  # the status did not move


def test_contact_given_later_creates_the_customer(engine: Engine) -> None:
    load(engine, [row()])
    load(engine, [row(customer_email="an@example.vn")])
    record = stored(engine)
    assert record.customer is not None and record.customer.email == "an@example.vn"


@pytest.fixture
def via_reader_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every file big enough to be read in the second process."""
    from feedback_analytics.ingest import pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_FROM_BYTES", 0)


@pytest.mark.parametrize("other_thread", [False, True], ids=["forked", "spawned"])
def test_a_large_file_read_in_a_second_process_imports_the_same(
    engine: Engine, tmp_path: Path, via_reader_process: None, other_thread: bool
) -> None:
    rows = [row(external_id=f"P-{i}", customer_name="Bình") for i in range(120_000)]
    rows[70_000]["channel"] = "fax"
    path = tmp_path / "large.csv"
    path.write_bytes(csv_bytes(rows))
    # With another thread alive (as in the app) the reader process is spawned, not forked.
    release = threading.Event()
    waiting = threading.Thread(target=release.wait, daemon=True)
    if other_thread:
        waiting.start()
    try:
        result = import_paths(engine, [path]).files[0]
    finally:
        release.set()
    assert (result.read, result.inserted, result.rejected) == (120_000, 119_999, 1)
    assert result.rejections[0].row == 70_002
    assert result.rejections[0].raw["channel"] == "fax"
    assert count(engine, Feedback) == 119_999


def test_an_unreadable_large_file_says_why_from_the_second_process(
    engine: Engine, tmp_path: Path, via_reader_process: None
) -> None:
    path = tmp_path / "large.csv"
    path.write_bytes(csv_bytes([row()]) + "F-x,email,2026-09-30,caf\xe9\n".encode("latin-1"))
    result = import_paths(engine, [path]).files[0]
    assert result.unreadable is not None and "(line 3)" in result.unreadable
    assert count(engine, Feedback) == 0
