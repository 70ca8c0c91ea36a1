"""One SLA policy for every number: under per-priority targets counted in working hours, the
Overview, Processing and SLA, `report --json` and the report file give the same figures for
the same month, on SQLite and on PostgreSQL; a policy changed by another process reaches the
pages when their policy cache expires, with no restart."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from app_support import metric, new_app, texts
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.config import get_settings
from feedback_analytics.db import AuditEvent, ensure_schema, make_engine
from feedback_analytics.ingest import import_source
from tests.ingest.helpers import csv_bytes
from tests.test_cli import cli
from tests.test_cli_report import EXPECTED, RECORDS, approx

AS_OF = "2026-11-20T00:00:00+07:00"
# Urgent 4 h, high and normal 24 h, low 72 h, in working hours (08:00-17:00, Monday to Friday).
POLICY_ARGS = (
    "sla-policy",
    "--ack-hours",
    "urgent=4",
    "high=24",
    "normal=24",
    "low=72",
    "--working-hours",
    "on",
)
# October's three records under that policy (1-2 October are a Thursday and a Friday):
# A (high) waited 48 calendar hours but 18 working hours: within 24.
# B (normal) waited 49 calendar hours, 18 working hours: within 24.
# C (normal) was never acknowledged, and far more than 24 working hours passed: breached.
UNDER_POLICY = {
    "median_hours": EXPECTED["acknowledgement"]["median_hours"],  # durations stay calendar
    "p90_hours": EXPECTED["acknowledgement"]["p90_hours"],
    "within_sla": 2,
    "breached": 1,
    "pending": 0,
    "compliance_pct": 200 / 3,
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, Path]]:
    """The app's store, on SQLite or on the PostgreSQL server, holding the report's records;
    and the SQLite path the command line is given (unused on PostgreSQL)."""
    if request.param == "postgresql":
        pg_engine = request.getfixturevalue("pg_engine")
        monkeypatch.setenv("FEEDBACK_DB_URL", pg_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    import_source(engine, io.BytesIO(csv_bytes(RECORDS)), file_name="r.csv")
    yield engine, tmp_path / "unused.db"
    engine.dispose()


def run_cli(store: tuple[Engine, Path], *args: str) -> str:
    engine, path = store
    url = engine.url.render_as_string(hide_password=False)
    done = cli(*args, db=path, env={"FEEDBACK_DB_URL": url})
    assert done.returncode == 0, done.stderr
    return done.stdout


def overview() -> AppTest:
    at = new_app("manager")
    at.query_params["month"] = "2026-10"
    at.run()
    at.switch_page("views/monthly.py").run()
    assert not at.exception, at.exception
    return at


def processing_trend() -> dict[str, object]:
    """Return October's row of the Processing page's compliance trend, from the page's data."""
    from feedback_analytics.ui import data
    from feedback_analytics.ui import operations as ops

    figures = ops.processing_figures(data.store_facts(), months=["2026-10"], by="priority")
    return figures["trend"].set_index("month").loc["2026-10"].to_dict()


def test_the_policy_command_shows_changes_and_audits_the_policy(
    store: tuple[Engine, Path],
) -> None:
    shown = json.loads(run_cli(store, *POLICY_ARGS, "--json"))
    assert shown["clock"] == "working"
    assert shown["ack_hours"] == {"urgent": 4.0, "high": 24.0, "normal": 24.0, "low": 72.0}
    assert shown["resolution_hours"]["low"] == 240.0  # untouched targets stay
    assert json.loads(run_cli(store, "sla-policy", "--json")) == shown  # stored, read back
    with Session(store[0]) as session:
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.change")
        ).all()
    assert event.actor.startswith("cli:")
    assert event.details["to"]["targets"]["urgent"]["ack_hours"] == 4.0
    assert event.details["from"]["targets"]["urgent"]["ack_hours"] == 48.0


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--ack-hours", "urgnt=4"), "'urgnt' is no priority; use one of urgent, high"),
        (("--ack-hours", "urgent=0"), "the hours must be a positive number"),
        (("--resolution-hours", "low=-3"), "the hours must be a positive number"),
        (("--ack-hours", "urgent"), "is not PRIORITY=HOURS like urgent=4"),
        (("--working-hours", "maybe"), "invalid choice: 'maybe'"),
    ],
)
def test_a_wrong_policy_change_is_refused_with_the_reason(
    store: tuple[Engine, Path], args: tuple[str, ...], reason: str
) -> None:
    engine, path = store
    url = engine.url.render_as_string(hide_password=False)
    done = cli("sla-policy", *args, db=path, env={"FEEDBACK_DB_URL": url})
    assert done.returncode == 2
    assert reason in done.stderr
    with Session(engine) as session:
        assert not session.scalars(select(AuditEvent)).all()


def test_the_pages_and_the_report_give_the_same_figures_under_the_policy(
    store: tuple[Engine, Path], tmp_path: Path
) -> None:
    run_cli(store, *POLICY_ARGS)
    report = json.loads(run_cli(store, "report", "--month", "2026-10", "--as-of", AS_OF, "--json"))
    assert report["acknowledgement"] == approx(UNDER_POLICY)
    # Only the acknowledgement against its target changes; every other figure stays.
    assert {k: v for k, v in report.items() if k != "acknowledgement"} == approx(
        {k: v for k, v in EXPECTED.items() if k != "acknowledgement"}
    )

    at = overview()
    assert metric(at, "Acknowledged on time ⚠") == "66.7%"
    assert metric(at, "Acknowledged within the target") == "66.7%"
    assert "in working hours" in texts(at)
    card = next(m for m in at.metric if m.label.startswith("Acknowledged on time"))
    assert "Targets applied: acknowledgement within 4 h (urgent), 24 h (high)" in card.help
    # The definitions under the page name the same targets and clock as the report file's.
    assert "Urgent 4 h; High 24 h; Normal 24 h; Low 72 h" in texts(at)
    assert "Working hours: only the hours from 08:00 to 17:00" in texts(at)

    trend = processing_trend()
    assert trend["ack_pct"] == pytest.approx(report["acknowledgement"]["compliance_pct"])
    assert trend["ack_n"] == 3
    assert trend["on_time_pct"] == pytest.approx(report["resolution"]["on_time_pct"])

    html = tmp_path / "october.html"
    run_cli(store, "report", "--month", "2026-10", "--as-of", AS_OF, "--out", str(html))
    page = html.read_text(encoding="utf-8")
    assert "66.7%" in page
    assert "33.3%" not in page  # the flat 48 h figure of the same month
    assert "Urgent 4 h; High 24 h; Normal 24 h; Low 72 h" in page


def test_a_policy_saved_elsewhere_reaches_the_page_when_its_cache_expires(
    store: tuple[Engine, Path],
) -> None:
    from feedback_analytics.ui import data

    assert metric(overview(), "Acknowledged on time ⚠") == "33.3%"
    run_cli(store, *POLICY_ARGS)  # another process: the command line, or another instance
    data._policy_of.clear()  # what the policy's 10-second time to live does; nothing else
    assert metric(overview(), "Acknowledged on time ⚠") == "66.7%"
