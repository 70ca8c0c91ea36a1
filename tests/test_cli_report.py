"""`report`, run as cron runs it: a real process on a real store, JSON on stdout, files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.ingest.helpers import csv_bytes, row
from tests.test_cli import cli, write
from tests.test_metrics import EMPTY_MONTH

# October 2026 in company time (UTC+7) is [2026-09-30T17:00Z, 2026-10-31T17:00Z).
RECORDS = [
    # Received 1 Oct 08:00, acknowledged after exactly 48 h, resolved on time, scored 5.
    row(
        external_id="A",
        channel="email",
        received_at="2026-10-01T08:00:00+07:00",
        acknowledged_at="2026-10-03T08:00:00+07:00",
        due_at="2026-10-10",
        resolved_at="2026-10-05T08:00:00+07:00",
        responded_at="2026-10-05T09:00:00+07:00",
        satisfaction_score="5",
        category="VPN",
        priority="high",
    ),
    # Received 30 Sep 23:30 UTC: October in company time. Acknowledged late, resolved late.
    row(
        external_id="B",
        channel="hotline",
        received_at="2026-09-30T23:30:00Z",
        acknowledged_at="2026-10-03T00:30:00Z",
        due_at="2026-10-02T00:00:00Z",
        resolved_at="2026-10-05T23:30:00Z",
        satisfaction_score="2",
        surveyed_at="2026-10-06T00:00:00Z",
    ),
    # Never acknowledged nor resolved: breached by as_of, and open at the end of October.
    row(external_id="C", channel="web_form", received_at="2026-10-20T10:00:00+07:00"),
    # September: only in the backlog if still open (it is not).
    row(external_id="D", received_at="2026-09-10T10:00:00+07:00", resolved_at="2026-09-12"),
]
EXPECTED = {
    "month": "2026-10",
    "as_of": "2026-11-20T00:00:00+07:00",
    "intake": {
        "total": 3,
        "by_channel": {"email": 1, "hotline": 1, "web_form": 1},
        "by_category": {"VPN": 1, "uncategorised": 2},
        "by_priority": {"high": 1, "normal": 2},
    },
    "acknowledgement": {
        "median_hours": 48.5,  # 48 h and 49 h
        "p90_hours": 48.9,
        "within_sla": 1,
        "breached": 2,
        "pending": 0,
        "compliance_pct": 100 / 3,
    },
    "resolution": {
        "resolved": 2,
        "median_hours": 108.0,  # 96 h and 120 h
        "p90_hours": 117.6,
        "on_time": 1,
        "late": 1,
        "on_time_pct": 50.0,
    },
    "backlog_end_of_month": 1,
    "satisfaction": {
        "responses": 2,
        "mean_score": 3.5,
        "csat_pct": 50.0,
        "response_rate_pct": 100.0,
    },
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "report.db"
    records = write(tmp_path, "records.csv", csv_bytes(RECORDS))
    assert cli("import", str(records), db=path).returncode == 0
    return path


def approx(value: object) -> object:
    if isinstance(value, dict):
        return {key: approx(item) for key, item in value.items()}
    return pytest.approx(value) if isinstance(value, float) else value


def test_report_json_is_the_metrics_contract(db: Path) -> None:
    done = cli(
        "report", "--month", "2026-10", "--as-of", "2026-11-20T00:00:00+07:00", "--json", db=db
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == approx(EXPECTED)
    assert list(result) == list(EXPECTED)  # the documented key order


def test_report_json_on_postgres(tmp_path: Path, pg_engine: Engine) -> None:
    url = pg_engine.url.render_as_string(hide_password=False)
    records = write(tmp_path, "records.csv", csv_bytes(RECORDS))
    env = {"FEEDBACK_DB_URL": url}
    assert cli("import", str(records), db=tmp_path / "unused.db", env=env).returncode == 0
    done = cli(
        "report",
        "--month",
        "2026-10",
        "--as-of",
        "2026-11-20T00:00:00+07:00",
        "--json",
        db=tmp_path / "unused.db",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == approx(EXPECTED)


def test_an_empty_month_is_the_documented_object(db: Path) -> None:
    done = cli(
        "report", "--month", "2026-05", "--as-of", "2026-10-02T12:00:00+07:00", "--json", db=db
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == EMPTY_MONTH


def test_an_empty_store_reports_zeros(tmp_path: Path) -> None:
    done = cli("report", "--month", "2026-10", "--json", db=tmp_path / "empty.db")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["intake"]["total"] == 0


def test_the_default_month_is_the_last_complete_one_in_company_time(db: Path) -> None:
    # 31 Oct 17:30 UTC is 1 Nov 00:30 in Ho Chi Minh City: October is complete.
    done = cli("report", "--as-of", "2026-10-31T17:30:00Z", "--json", db=db)
    result = json.loads(done.stdout)
    assert result["month"] == "2026-10"
    assert result["as_of"] == "2026-11-01T00:30:00+07:00"


def test_an_as_of_without_offset_is_company_time(db: Path) -> None:
    done = cli("report", "--month", "2026-10", "--as-of", "2026-10-21 10:00", "--json", db=db)
    result = json.loads(done.stdout)
    assert result["as_of"] == "2026-10-21T10:00:00+07:00"
    # C was received at 10:00 on 20 October: exactly 24 h ago, so not yet breached.
    assert result["acknowledgement"]["pending"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2026-13", "--json"), "'2026-13' is not a month like 2026-09"),
        (("--month", "2026-10", "--as-of", "yesterday", "--json"), "is not a time like"),
        (
            (
                "--month",
                "2026-10",
            ),
            "one of the arguments --json --out is required",
        ),
        (("--month", "2026-10", "--out", "report.pdf"), "--out must end in .xlsx or .html"),
    ],
)
def test_wrong_report_calls_say_why(db: Path, args: tuple[str, ...], message: str) -> None:
    done = cli("report", *args, db=db)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_report_out_html_is_one_offline_file(db: Path, tmp_path: Path, lang: str) -> None:
    out = tmp_path / "october.html"
    done = cli(
        "report",
        "--month",
        "2026-10",
        "--as-of",
        "2026-11-20T00:00:00+07:00",
        "--out",
        str(out),
        "--lang",
        lang,
        db=db,
    )
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stderr
    html = out.read_text(encoding="utf-8")
    assert 'src="http' not in html and "<link" not in html
    assert "Plotly.newPlot(" in html
    assert ("October 2026" if lang == "en" else "10/2026") in html


def test_report_out_xlsx_holds_the_kpis(db: Path, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    out = tmp_path / "october.xlsx"
    done = cli(
        "report",
        "--month",
        "2026-10",
        "--as-of",
        "2026-11-20T00:00:00+07:00",
        "--out",
        str(out),
        db=db,
    )
    assert done.returncode == 0, done.stderr
    assert zipfile.is_zipfile(out)
    workbook = CalamineWorkbook.from_path(str(out))
    summary = workbook.get_sheet_by_index(0).to_python()
    cells = [cell for line in summary for cell in line]
    assert 3 in cells or 3.0 in cells  # received in October
    assert any(isinstance(c, float) and abs(c - 100 / 3) < 1e-6 for c in cells)


def test_cron_names_the_file_by_month(db: Path, tmp_path: Path) -> None:
    # As cron runs it on 1 November: the month just ended, into a folder of reports.
    done = cli(
        "report", "--as-of", "2026-11-01T06:00:00+07:00",
        "--out", str(tmp_path / "reports" / "feedback-{month}.html"), db=db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "reports" / "feedback-2026-10.html").is_file()


def test_an_import_brings_a_kept_snapshot_up_to_date(db: Path, tmp_path: Path) -> None:
    from feedback_analytics.db import make_engine
    from feedback_analytics.facts import FactsSnapshot

    cache = tmp_path / "cache"
    env = {"FEEDBACK_CACHE_DIR": str(cache)}
    more = write(tmp_path, "more.csv", csv_bytes([row(external_id="E", received_at="2026-10-25")]))
    # No snapshot yet: an import makes none (the dashboard makes it when it needs it).
    assert cli("import", str(more), db=db, env=env).returncode == 0
    engine = make_engine(f"sqlite:///{db}")
    snapshot = FactsSnapshot(engine, cache)
    assert not snapshot.path.exists()
    snapshot.load()
    later = write(
        tmp_path, "later.csv", csv_bytes([row(external_id="F", received_at="2026-10-26")])
    )
    assert cli("import", str(later), db=db, env=env).returncode == 0
    current = snapshot.load_if_current()
    assert current is not None and len(current) == len(RECORDS) + 2
    engine.dispose()
    # And the report reads it: October now holds five records.
    done = cli("report", "--month", "2026-10", "--json", db=db, env=env)
    assert json.loads(done.stdout)["intake"]["total"] == 5
