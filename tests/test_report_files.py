"""The monthly report files, written for real and read back: XLSX with calamine, HTML as text."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from feedback_analytics import kpis, report_files
from feedback_analytics.metrics import Overview, month_overview
from feedback_analytics.report_files import write_report
from feedback_analytics.sla import Calendar, SlaPolicy, Targets, flat_policy
from tests.metric_records import frame, rec

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = datetime(2026, 10, 2, 12, tzinfo=HCM)
SCRIPT = "<script>alert(1)</script>"


def records(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The records frame month_overview takes."""
    return frame(rows, score_dtype="Float64")


# September 2026: three received, acknowledgement 1 within of 3, resolved 2 (one on time,
# one late), survey responses 5 and 2 (CSAT 50%). August: one received, a 4 (CSAT 100%).
ROWS = [
    rec(
        "2026-09-03T03:00:00Z",
        acknowledged_at="2026-09-03T05:00:00Z",
        due_at="2026-09-08T03:00:00Z",
        resolved_at="2026-09-06T03:00:00Z",
        responded_at="2026-09-06T04:00:00Z",
        satisfaction_score=5,
    ),
    rec(
        "2026-09-10T03:00:00Z",
        channel="hotline",
        category=SCRIPT,
        department='Tom & "Jerry"',
        acknowledged_at="2026-09-12T15:00:00Z",
        due_at="2026-09-15T03:00:00Z",
        resolved_at="2026-09-20T03:00:00Z",
        satisfaction_score=2,
    ),
    rec("2026-09-20T03:00:00Z", channel="web_form", category="=1+1", department="@SUM(A1)"),
    rec("2026-08-15T03:00:00Z", resolved_at="2026-08-20T03:00:00Z", satisfaction_score=4),
    rec("2026-07-10T03:00:00Z", category="Old", resolved_at="2026-07-12T03:00:00Z"),
]


@pytest.fixture(scope="module")
def overview() -> Overview:
    return month_overview(records(ROWS), month="2026-09", as_of=AS_OF, tz=HCM)


@pytest.fixture(scope="module")
def empty_overview() -> Overview:
    """A month without records (and so without breakdowns): every rate and median is null."""
    return month_overview(records([]), month="2026-09", as_of=AS_OF, tz=HCM, dimensions=())


def written(overview: Overview, path: Path, lang: str = "en") -> Path:
    write_report(overview, path, lang=lang, tz=HCM)
    return path


def sheets(path: Path) -> dict[str, list[list[Any]]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def row_of(rows: list[list[Any]], first_cell: str) -> list[Any]:
    (row,) = [row for row in rows if row and row[0] == first_cell]
    return row


def without_plotly_js(html: str) -> str:
    """Return the page without the inline plotly.js bundle (whose code names CDNs it never uses)."""
    start = html.index("plotly.js v")
    return html[: html.rindex("<script", 0, start)] + html[html.index("</script>", start) :]


# --- HTML -------------------------------------------------------------------------------


def test_html_works_offline_with_plotly_inline_once(overview: Overview, tmp_path: Path) -> None:
    html = written(overview, tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("plotly.js v") == 1
    assert html.count("Plotly.newPlot(") == 11  # the scorecard and a trend per KPI
    assert 'src="http' not in html
    assert "src='http" not in html
    assert "<link" not in html
    assert "cdn." not in without_plotly_js(html)


def test_html_escapes_every_value_from_data(overview: Overview, tmp_path: Path) -> None:
    html = written(overview, tmp_path / "report.html").read_text(encoding="utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'Tom & "Jerry"' not in html
    assert "Tom &amp; &#34;Jerry&#34;" in html


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "<h1>Customer feedback report, September 2026</h1>",
                "Figures as of 2026-10-02 12:00, company local time (Asia/Ho_Chi_Minh).",
                # Acknowledged on time: 1 of 3 in September, 0 of 1 in August.
                '<td class="num">33.3%</td>\n<td class="num">0.0%</td>\n'
                '<td class="num">+33.3 pp</td>\n<td class="num">3</td>',
                # CSAT: 50% against August's 100%, on 2 responses.
                '<td class="num">50.0%</td>\n<td class="num">100.0%</td>\n'
                '<td class="num">−50.0 pp</td>\n<td class="num">2</td>\n'
                '<td class="num flag">Small sample (n &lt; 30)</td>',
                "CSAT 95% confidence interval (Wilson): 9.5% to 90.5%.",
                '<td class="num">1 of 3</td>',
                "<td>Sep 2026</td>",
                "<h3>Department</h3>",
                "<td>Web form</td>",
                "100 × survey responses scoring 4 or 5 ÷ all survey responses",
                "docs/metrics.md",
            ],
        ),
        (
            "vi",
            [
                "<h1>Báo cáo phản hồi khách hàng tháng 9/2026</h1>",
                "Số liệu tính đến 02/10/2026 12:00",
                '<td class="num">33,3%</td>',
                '<td class="num">−50,0 điểm %</td>',
                "từ 9,5% đến 90,5%",
                '<td class="num">1 trên 3</td>',
                "<td>T9/2026</td>",
                "<td>Tổng đài</td>",
                "<h3>Phòng ban</h3>",
            ],
        ),
    ],
)
def test_html_holds_the_report(
    overview: Overview, tmp_path: Path, lang: str, expected: list[str]
) -> None:
    html = written(overview, tmp_path / "report.html", lang).read_text(encoding="utf-8")
    for text in expected:
        assert text in html


def test_html_leaves_out_values_without_records_in_the_month(
    overview: Overview, tmp_path: Path
) -> None:
    html = without_plotly_js(written(overview, tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "<td>=1+1</td>" in html
    assert "<td>Old</td>" not in html


def test_html_of_an_empty_month_shows_missing_values(
    empty_overview: Overview, tmp_path: Path
) -> None:
    html = written(empty_overview, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "CSAT, 95% confidence interval (Wilson): —" in html
    assert '<td class="num">0 of 0</td>' in html


# --- XLSX -------------------------------------------------------------------------------


def test_xlsx_holds_the_kpis(overview: Overview, tmp_path: Path) -> None:
    book = sheets(written(overview, tmp_path / "report.xlsx"))
    assert list(book) == [
        "Summary",
        "Trend",
        "Channel",
        "Category",
        "Priority",
        "Department",
        "Definitions",
    ]
    summary = book["Summary"]
    assert summary[0][0] == "Customer feedback report, September 2026"
    # name, unit, value, previous, change, n, note; a null is an empty cell.
    assert row_of(summary, "Feedback received")[:6] == ["Feedback received", "records", 3, 1, 2, ""]
    assert row_of(summary, "Acknowledged on time")[2:6] == [
        pytest.approx(100 / 3),
        0,
        pytest.approx(100 / 3),
        3,
    ]
    assert row_of(summary, "Customer satisfaction (CSAT)") == [
        "Customer satisfaction (CSAT)",
        "%",
        50,
        100,
        -50,
        2,
        "Small sample (n < 30)",
    ]
    low, high = row_of(summary, "CSAT, 95% confidence interval (Wilson)")[2:4]
    assert (low, high) == (pytest.approx(9.45, abs=0.01), pytest.approx(90.55, abs=0.01))
    assert row_of(summary, "Promised a resolution time")[1:5] == [
        pytest.approx(200 / 3),
        2,
        3,
        "2 of 3",
    ]


def test_xlsx_trend_and_breakdowns(overview: Overview, tmp_path: Path) -> None:
    book = sheets(written(overview, tmp_path / "report.xlsx"))
    trend = book["Trend"]
    header = trend[2]
    csat = header.index("Customer satisfaction (CSAT), %")
    months = trend[3:15]
    assert [row[0] for row in months][-3:] == ["Jul 2026", "Aug 2026", "Sep 2026"]
    assert [row[csat] for row in months][-3:] == ["", 100, 50]
    assert [row[header.index("Feedback received")] for row in months] == [0] * 9 + [1, 1, 3]

    category = book["Category"]
    labels = [row[0] for row in category[4:]]
    assert sorted(labels) == sorted(["Billing", SCRIPT, "=1+1"])
    assert row_of(category, "=1+1")[1] == 1
    assert row_of(book["Department"], "@SUM(A1)")[1] == 1
    assert row_of(book["Channel"], "Web form")[1] == 1


def test_xlsx_text_is_never_a_formula(overview: Overview, tmp_path: Path) -> None:
    path = written(overview, tmp_path / "report.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    worksheets = [xml for name, xml in parts.items() if name.startswith("xl/worksheets/sheet")]
    assert len(worksheets) == 7
    assert not any(re.search(r"<f[ >]", xml) for xml in worksheets)
    strings = parts["xl/sharedStrings.xml"]
    assert "<t>=1+1</t>" in strings
    assert "<t>@SUM(A1)</t>" in strings


def test_xlsx_trend_has_native_charts(overview: Overview, tmp_path: Path) -> None:
    path = written(overview, tmp_path / "report.xlsx")
    with zipfile.ZipFile(path) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        kinds = {
            re.search(r"<c:(lineChart|barChart)>", archive.read(name).decode()) is not None
            for name in charts
        }
    assert len(charts) == 4
    assert kinds == {True}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_xlsx_sheet_names_are_valid(overview: Overview, tmp_path: Path, lang: str) -> None:
    names = list(sheets(written(overview, tmp_path / "report.xlsx", lang)))
    assert len(names) == 7
    assert len({name.lower() for name in names}) == 7
    assert all(0 < len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)


def test_xlsx_of_an_empty_month_leaves_nulls_empty(
    empty_overview: Overview, tmp_path: Path
) -> None:
    summary = sheets(written(empty_overview, tmp_path / "report.xlsx"))["Summary"]
    assert row_of(summary, "Feedback received")[2:5] == [0, 0, 0]
    assert row_of(summary, "Customer satisfaction (CSAT)")[2:7] == ["", "", "", 0, ""]


# --- the SLA policy applied ---------------------------------------------------------------


def per_priority(calendar: Calendar | None = None, urgent: float = 4) -> SlaPolicy:
    """Acknowledgement within `urgent` h (urgent), 8 h (high), 24 h (normal), 72 h (low)."""
    hours = {"urgent": urgent, "high": 8, "normal": 24, "low": 72}
    return SlaPolicy(
        targets={priority: Targets(ack_hours=ack) for priority, ack in hours.items()},
        calendar=calendar or Calendar(),
    )


WORKING = Calendar(enabled=True)
SOME_DAYS = Calendar(
    enabled=True, day_start="07:30", day_end="16:00", weekdays=(0, 2, 5), public_holidays=False
)


@pytest.mark.parametrize(
    ("policy", "lang", "targets", "clock"),
    [
        pytest.param(
            flat_policy(),
            "en",
            ("Acknowledgement targets", "Urgent 48 h; High 48 h; Normal 48 h; Low 48 h."),
            ("Hours counted", "Calendar hours: every hour counts, nights, weekends and public"),
            id="default-en",
        ),
        pytest.param(
            flat_policy(),
            "vi",
            ("Thời hạn xác nhận", "Khẩn cấp 48 giờ; Cao 48 giờ; Bình thường 48 giờ; Thấp 48 giờ."),
            ("Cách tính giờ", "Giờ lịch: mọi giờ đều được tính"),
            id="default-vi",
        ),
        pytest.param(
            per_priority(),
            "en",
            ("Acknowledgement targets", "Urgent 4 h; High 8 h; Normal 24 h; Low 72 h."),
            ("Hours counted", "Calendar hours: every hour counts, nights, weekends and public"),
            id="per-priority-en",
        ),
        pytest.param(
            per_priority(),
            "vi",
            ("Thời hạn xác nhận", "Khẩn cấp 4 giờ; Cao 8 giờ; Bình thường 24 giờ; Thấp 72 giờ."),
            ("Cách tính giờ", "Giờ lịch: mọi giờ đều được tính"),
            id="per-priority-vi",
        ),
        pytest.param(
            per_priority(WORKING),
            "en",
            ("Acknowledgement targets", "Urgent 4 h; High 8 h; Normal 24 h; Low 72 h."),
            (
                "Hours counted",
                "Working hours: only the hours from 08:00 to 17:00 on working days (Monday to "
                "Friday) count. Vietnamese public holidays are days off and do not count.",
            ),
            id="working-hours-en",
        ),
        pytest.param(
            per_priority(WORKING),
            "vi",
            ("Thời hạn xác nhận", "Khẩn cấp 4 giờ; Cao 8 giờ; Bình thường 24 giờ; Thấp 72 giờ."),
            (
                "Cách tính giờ",
                "Giờ làm việc: chỉ tính các giờ từ 08:00 đến 17:00 của ngày làm việc (Thứ Hai "
                "đến Thứ Sáu). Ngày lễ của Việt Nam là ngày nghỉ và không được tính.",
            ),
            id="working-hours-vi",
        ),
        pytest.param(
            per_priority(SOME_DAYS, urgent=1.5),
            "vi",
            ("Thời hạn xác nhận", "Khẩn cấp 1,5 giờ; Cao 8 giờ"),
            (
                "Cách tính giờ",
                "từ 07:30 đến 16:00 của ngày làm việc (Thứ Hai, Thứ Tư, Thứ Bảy). Ngày lễ được "
                "tính như mọi ngày làm việc khác.",
            ),
            id="some-days-with-holidays-vi",
        ),
    ],
)
def test_the_definitions_state_the_sla_targets_and_clock_applied(
    tmp_path: Path,
    policy: SlaPolicy,
    lang: str,
    targets: tuple[str, str],
    clock: tuple[str, str],
) -> None:
    overview = month_overview(records(ROWS), month="2026-09", as_of=AS_OF, tz=HCM, policy=policy)
    html = without_plotly_js(
        written(overview, tmp_path / "report.html", lang).read_text(encoding="utf-8")
    )
    book = sheets(written(overview, tmp_path / "report.xlsx", lang))
    definitions = book["Definitions" if lang == "en" else "Định nghĩa"]
    for name, text in (targets, clock):
        assert re.search(rf"<dt>{name}</dt><dd>[^<]*{re.escape(text)}[^<]*</dd>", html)
        assert text in row_of(definitions, name)[1]
    # No text claims a 48 h target that the policy does not set.
    claims_48 = re.compile(r"\b48 (h|giờ)\b")
    cells = [str(cell) for rows in book.values() for row in rows for cell in row]
    expect_48 = set(policy.describe()["ack_hours"].values()) == {48}
    assert bool(claims_48.search(html)) == expect_48
    assert any(claims_48.search(cell) for cell in cells) == expect_48


# --- writing ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.csv", "report.pdf", "report", "report.xlsx.bak"])
def test_an_unknown_suffix_is_refused(overview: Overview, tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=r"\.xlsx or \.html"):
        write_report(overview, tmp_path / name, lang="en", tz=HCM)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["Report.XLSX", "report.Html"])
def test_the_suffix_is_read_without_case(overview: Overview, tmp_path: Path, name: str) -> None:
    assert written(overview, tmp_path / name).stat().st_size > 0


def fail(*args: object, **kwargs: object) -> None:
    raise OSError("write failed")


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
@pytest.mark.parametrize(
    "target",
    [
        (report_files, "csat_interval"),  # while the content is computed
        (os, "fsync"),  # after the temporary file has been written
        (os, "replace"),  # at the last step
    ],
)
def test_a_failing_write_leaves_no_file(
    overview: Overview,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    target: tuple[object, str],
) -> None:
    monkeypatch.setattr(*target, fail)
    with pytest.raises(OSError, match="write failed"):
        write_report(overview, tmp_path / f"report{suffix}", lang="en", tz=HCM)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
def test_a_failing_write_keeps_the_previous_file(
    overview: Overview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"last month")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_report(overview, path, lang="en", tz=HCM)
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_bytes() == b"last month"


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
def test_a_write_replaces_the_previous_file_and_leaves_nothing_else(
    overview: Overview, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"last month")
    written(overview, path)
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_bytes() != b"last month"


def test_the_promises_defined_are_the_scorecards(overview: Overview) -> None:
    assert tuple(overview.current.scorecard()) == kpis.PROMISES
