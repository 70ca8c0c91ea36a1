"""The metric columns read from a real store (SQLite and PostgreSQL), and their snapshot."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.orm import Session

from feedback_analytics import facts
from feedback_analytics.db import SurveyResponse
from feedback_analytics.demo import generate_demo
from feedback_analytics.ingest import import_source
from feedback_analytics.metrics import monthly_report
from tests.ingest.helpers import csv_bytes, row

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = datetime(2026, 11, 20, tzinfo=HCM)


def load(engine: Engine, data: bytes, name: str = "records.csv") -> None:
    result = import_source(engine, io.BytesIO(data), file_name=name)
    assert not result.unreadable, result.unreadable


def demo_csv(records: int, *, seed: int = 3) -> bytes:
    frame = generate_demo(records, seed=seed, end=date(2026, 10, 31))
    return frame.to_csv(index=False).encode("utf-8")


def test_facts_hold_the_metric_columns_of_every_record(engine: Engine) -> None:
    load(
        engine,
        csv_bytes(
            [
                row(
                    external_id="A",
                    channel="hotline",
                    received_at="2026-10-01 08:00",
                    acknowledged_at="2026-10-01T09:30:00+07:00",
                    due_at="2026-10-05",
                    category="VPN",
                    priority="high",
                    department="Network",
                    product="FW-500",
                    customer_name="Nguyễn Văn A",
                    customer_phone="0901234567",
                    satisfaction_score="5",
                    resolved_at="2026-10-03 10:00",
                ),
                row(external_id="B", received_at="2026-09-30T17:05:00Z"),
            ]
        ),
    )
    frame = facts.read_facts(engine).sort_values("received_at", ignore_index=True)
    assert list(frame.columns) == list(facts.FACT_COLUMNS)
    assert not {"customer_name", "customer_phone", "customer_email"} & set(frame.columns)
    b, a = frame.iloc[0], frame.iloc[1]
    assert b["received_at"] == pd.Timestamp("2026-09-30T17:05:00Z")
    assert pd.isna(b["acknowledged_at"]) and pd.isna(b["category"])
    assert pd.isna(b["department"]) and pd.isna(b["satisfaction_score"])
    assert b["priority"] == "normal"
    assert a["received_at"] == pd.Timestamp("2026-10-01T01:00:00Z")  # 08:00 company time
    assert a["acknowledged_at"] == pd.Timestamp("2026-10-01T02:30:00Z")
    assert a["due_at"] == pd.Timestamp("2026-10-05T16:59:59Z")  # a date is due at 23:59:59
    assert (a["channel"], a["category"], a["priority"]) == ("hotline", "VPN", "high")
    assert (a["department"], a["product"], a["satisfaction_score"]) == ("Network", "FW-500", 5.0)
    assert str(frame["received_at"].dtype) == "datetime64[us, UTC]"


def test_a_comment_without_a_score_is_no_response(engine: Engine) -> None:
    load(
        engine,
        csv_bytes([row(satisfaction_comment="no score given", surveyed_at="2026-10-02")]),
    )
    assert facts.read_facts(engine)["satisfaction_score"].isna().all()


def test_the_month_subset_gives_the_same_report(engine: Engine) -> None:
    load(engine, demo_csv(3000))
    everything = facts.read_facts(engine)
    for month in ("2026-08", "2026-10"):
        expected = monthly_report(everything, month=month, as_of=AS_OF, tz=HCM)
        got = facts.stored_month_report(engine, month=month, as_of=AS_OF, tz=HCM)
        assert got == expected
        assert got["intake"]["total"] > 0


def test_the_stored_overview_matches_the_records(engine: Engine) -> None:
    load(engine, demo_csv(2000))
    overview = facts.stored_overview(engine, month="2026-10", as_of=AS_OF, tz=HCM)
    everything = facts.read_facts(engine)
    for month in overview.months:
        assert overview.figures[month].report == monthly_report(
            everything, month=month, as_of=AS_OF, tz=HCM
        )


def test_the_data_version_changes_with_every_change(engine: Engine) -> None:
    def version() -> str:
        with Session(engine) as session:
            return str(facts.data_version(session))

    empty = version()
    load(engine, csv_bytes([row(external_id="A"), row(external_id="B")]))
    imported = version()
    assert imported != empty
    load(engine, csv_bytes([row(external_id="A")]), name="again.csv")
    assert version() != imported  # a batch that changed nothing is still a batch
    again = version()
    load(
        engine, csv_bytes([row(external_id="A", satisfaction_score="4", surveyed_at="2026-10-02")])
    )
    assert version() != again
    surveyed = version()
    with Session(engine) as session:
        session.execute(update(SurveyResponse).values(score=2, updated_at=datetime.now(UTC)))
        session.commit()
    assert version() != surveyed


def test_the_snapshot_is_read_until_the_store_changes(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    load(sqlite_engine, csv_bytes([row(external_id="A"), row(external_id="B")]))
    snapshot = facts.FactsSnapshot(sqlite_engine, tmp_path / "cache")
    first, version = snapshot.load()
    assert len(first) == 2 and snapshot.path.exists()
    stamp = snapshot.path.stat().st_mtime_ns

    again, same = snapshot.load()
    assert same == version and snapshot.path.stat().st_mtime_ns == stamp
    pd.testing.assert_frame_equal(again, first)

    load(sqlite_engine, csv_bytes([row(external_id="C")]), name="more.csv")
    after, newer = snapshot.load()
    assert newer != version and len(after) == 3
    assert snapshot.path.stat().st_mtime_ns != stamp


def test_a_broken_snapshot_is_rebuilt(sqlite_engine: Engine, tmp_path: Path) -> None:
    load(sqlite_engine, csv_bytes([row(external_id="A")]))
    snapshot = facts.FactsSnapshot(sqlite_engine, tmp_path / "cache")
    snapshot.directory.mkdir(parents=True)
    snapshot.path.write_bytes(b"not an arrow file")
    frame, _ = snapshot.load()
    assert len(frame) == 1
    assert snapshot.path.read_bytes()[:6] == b"ARROW1"


def test_an_unwritable_cache_only_costs_time(sqlite_engine: Engine, tmp_path: Path) -> None:
    load(sqlite_engine, csv_bytes([row(external_id="A")]))
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    frame, _ = facts.FactsSnapshot(sqlite_engine, blocked / "cache").load()
    assert len(frame) == 1


def test_snapshots_of_two_stores_do_not_mix(tmp_path: Path, sqlite_engine: Engine) -> None:
    from feedback_analytics.db import ensure_schema, make_engine

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    ensure_schema(other)
    load(sqlite_engine, csv_bytes([row(external_id="A")]))
    cache = tmp_path / "cache"
    assert facts.FactsSnapshot(other, cache).path != facts.FactsSnapshot(sqlite_engine, cache).path
    assert len(facts.FactsSnapshot(other, cache).load()[0]) == 0
    other.dispose()


@pytest.mark.parametrize("dimension", ["channel", "product"])
def test_dimension_values_are_sorted_without_empties(engine: Engine, dimension: str) -> None:
    load(
        engine,
        csv_bytes(
            [
                row(external_id="A", channel="web_form", product="Zeta"),
                row(external_id="B", channel="email", product=""),
                row(external_id="C", channel="email", product="Alpha"),
            ]
        ),
    )
    values = facts.dimension_values(facts.read_facts(engine), dimension)
    assert values == {"channel": ["email", "web_form"], "product": ["Alpha", "Zeta"]}[dimension]


@pytest.mark.parametrize(
    ("month", "as_of"),
    [
        ("2026-10", datetime(2026, 11, 20, tzinfo=HCM)),
        ("2026-10", datetime(2026, 10, 15, tzinfo=HCM)),  # in the month
        ("2026-10", datetime(2026, 9, 20, tzinfo=HCM)),  # before the month
        ("2025-12", datetime(2026, 11, 20, tzinfo=HCM)),  # long ago
    ],
)
def test_the_month_subset_holds_every_record_a_cohort_needs(
    engine: Engine, month: str, as_of: datetime
) -> None:
    load(
        engine,
        csv_bytes(
            [
                # Resolved after an as_of that comes before the month: open in the month.
                row(external_id="A", received_at="2026-09-01", resolved_at="2026-09-25"),
                # Surveyed in October, resolved long before: a response of October.
                row(
                    external_id="B",
                    received_at="2025-12-01",
                    resolved_at="2025-12-03",
                    responded_at="2026-10-02",
                    satisfaction_score="5",
                ),
                row(
                    external_id="C",
                    received_at="2025-12-10",
                    resolved_at="2026-01-05",
                    surveyed_at="2026-10-03",
                    satisfaction_score="2",
                ),
                row(external_id="D", received_at="2025-12-20"),  # never resolved
            ]
        ),
    )
    expected = monthly_report(facts.read_facts(engine), month=month, as_of=as_of, tz=HCM)
    got = facts.stored_month_report(engine, month=month, as_of=as_of, tz=HCM)
    assert got == expected
    assert got["backlog_end_of_month"] >= 1


def sorted_facts(frame: pd.DataFrame) -> pd.DataFrame:
    """The facts in id order, categories as plain values, for comparing two reads."""
    out = frame.sort_values("id", ignore_index=True)
    for column in facts.TEXT_COLUMNS:
        out[column] = out[column].astype("object").where(out[column].notna(), None)
    return out


def test_a_newer_store_refreshes_the_snapshot_to_what_a_full_read_gives(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    load(sqlite_engine, demo_csv(400, seed=5))
    snapshot = facts.FactsSnapshot(sqlite_engine, tmp_path / "cache")
    before, version = snapshot.load()
    assert len(before) == 400
    # New records, a changed record with a new category, a survey for an old record.
    first = generate_demo(400, seed=5, end=date(2026, 10, 31)).iloc[0]
    changes = [
        row(external_id="NEW-1", received_at="2026-10-30 09:00", category="Brand-new area"),
        row(
            external_id=first["external_id"],
            channel=first["channel"],
            received_at=first["received_at"],
            department="Escalations",
            category="Brand-new area",
            resolved_at="2026-10-31",
            satisfaction_score="1",
            surveyed_at="2026-10-31",
        ),
    ]
    load(sqlite_engine, csv_bytes(changes), name="changes.csv")
    after, newer = snapshot.load()
    assert newer != version and len(after) == 401
    pd.testing.assert_frame_equal(
        sorted_facts(after), sorted_facts(facts.read_facts(sqlite_engine))
    )
    assert snapshot.load_if_current() is not None


def test_a_late_commit_within_the_overlap_is_picked_up(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    load(sqlite_engine, csv_bytes([row(external_id="A"), row(external_id="B")]))
    snapshot = facts.FactsSnapshot(sqlite_engine, tmp_path / "cache")
    snapshot.load()
    # An import that started half an hour before the snapshot was read commits only now: its
    # rows carry its start time, older than the snapshot.
    load(sqlite_engine, csv_bytes([row(external_id="A", department="Late")]), name="late.csv")
    started = (datetime.now(UTC) - timedelta(minutes=30)).replace(tzinfo=None)
    with sqlite_engine.begin() as connection:
        connection.execute(
            text("UPDATE feedback SET updated_at = :t WHERE external_id = 'A'"),
            {"t": started.isoformat(sep=" ", timespec="microseconds")},
        )
    frame, _ = snapshot.load()
    assert list(frame.loc[frame["department"] == "Late", "id"]) == [1]


def test_records_that_went_missing_make_a_full_read(sqlite_engine: Engine, tmp_path: Path) -> None:
    load(sqlite_engine, csv_bytes([row(external_id="A"), row(external_id="B")]))
    snapshot = facts.FactsSnapshot(sqlite_engine, tmp_path / "cache")
    snapshot.load()
    with sqlite_engine.begin() as connection:
        connection.execute(text("DELETE FROM feedback WHERE external_id = 'B'"))
    load(sqlite_engine, csv_bytes([row(external_id="C")]), name="c.csv")
    frame, _ = snapshot.load()
    assert len(frame) == 2
    pd.testing.assert_frame_equal(
        sorted_facts(frame), sorted_facts(facts.read_facts(sqlite_engine))
    )
