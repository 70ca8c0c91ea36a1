"""The figure builders, on a small hand-made month whose figures are worked out by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import pytest

from feedback_analytics.charts import (
    breakdown_figure,
    category_trend_figure,
    format_change,
    format_month,
    format_value,
    scorecard_figure,
    trend_figure,
    value_label,
)
from feedback_analytics.i18n import t
from feedback_analytics.kpis import KPIS, Unit
from feedback_analytics.metrics import Overview, month_overview
from tests.metric_records import frame, rec

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = datetime(2026, 10, 2, 12, tzinfo=HCM)
MONTHS = [f"2025-{m:02d}" for m in (10, 11, 12)] + [f"2026-{m:02d}" for m in range(1, 10)]
SCRIPT = "<script>alert(1)</script>"


def records(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The records frame month_overview takes."""
    return frame(rows, score_dtype="Float64")


# September 2026: three received; acknowledgement 1 within, 2 breached (60 h; never, and
# overdue by as_of); resolved 2 (72 h on time, 240 h late); survey responses 5 and 2.
# August: one record, a 4. July: one record without a survey, so July's CSAT is null.
ROWS = [
    rec(
        "2026-09-03T03:00:00Z",
        priority="high",
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
        priority="urgent",
        department=None,
        acknowledged_at="2026-09-12T15:00:00Z",
        due_at="2026-09-15T03:00:00Z",
        resolved_at="2026-09-20T03:00:00Z",
        satisfaction_score=2,
    ),
    rec("2026-09-20T03:00:00Z", channel="web_form", category="=1+1", department="Support"),
    rec(
        "2026-08-15T03:00:00Z",
        resolved_at="2026-08-20T03:00:00Z",
        satisfaction_score=4,
    ),
    rec("2026-07-10T03:00:00Z", category="Old", resolved_at="2026-07-12T03:00:00Z"),
]


@pytest.fixture(scope="module")
def overview() -> Overview:
    return month_overview(records(ROWS), month="2026-09", as_of=AS_OF, tz=HCM)


@pytest.mark.parametrize(
    ("kpi_key", "trace_type"),
    [(kpi.key, go.Bar if kpi.unit == "count" else go.Scatter) for kpi in KPIS],
)
def test_trend_has_a_point_per_month_that_names_its_month(
    overview: Overview, kpi_key: str, trace_type: type
) -> None:
    figure = trend_figure(overview, kpi_key, "en")
    (trace,) = figure.data
    assert isinstance(trace, trace_type)
    assert list(trace.customdata) == MONTHS
    assert len(trace.x) == len(trace.y) == 12
    assert trace.x[0] == "Oct 2025"
    assert trace.x[-1] == "Sep 2026"


@pytest.mark.parametrize(
    ("kpi_key", "expected"),
    [
        ("intake", [0] * 9 + [1, 1, 3]),
        ("csat", [None] * 10 + [100.0, 50.0]),
        ("on_time", [None] * 11 + [50.0]),
        ("resolution_median", [None] * 9 + [48.0, 120.0, 156.0]),
    ],
)
def test_trend_values(overview: Overview, kpi_key: str, expected: list[float | None]) -> None:
    assert list(trend_figure(overview, kpi_key, "en").data[0].y) == pytest.approx(expected)


def test_a_null_month_is_a_gap_in_the_line(overview: Overview) -> None:
    (trace,) = trend_figure(overview, "csat", "en").data
    assert trace.mode == "lines+markers"
    assert trace.y[MONTHS.index("2026-07")] is None
    assert trace.connectgaps is not True


@pytest.mark.parametrize("kpi_key", ["intake", "csat"])
def test_the_selected_month_stands_out(overview: Overview, kpi_key: str) -> None:
    colours = list(trend_figure(overview, kpi_key, "en").data[0].marker.color)
    assert colours.count(colours[-1]) == 1
    assert len(set(colours[:-1])) == 1


@pytest.mark.parametrize(
    ("lang", "first_month", "separators"), [("en", "Oct 2025", ".,"), ("vi", "T10/2025", ",.")]
)
def test_trend_speaks_the_language(
    overview: Overview, lang: str, first_month: str, separators: str
) -> None:
    figure = trend_figure(overview, "ack_median", lang)
    assert figure.data[0].x[0] == first_month
    assert figure.layout.separators == separators
    assert t("kpi.ack_median", lang) in figure.layout.title.text
    assert figure.layout.yaxis.title.text == t("chart.axis.hours", lang)
    assert figure.layout.xaxis.title.text == t("chart.axis.month", lang)


def test_trend_hover_flags_a_small_sample(overview: Overview) -> None:
    hover = trend_figure(overview, "csat", "en").data[0].hovertext
    assert hover[-1] == "50.0% · n = 2 · small sample (n < 30)"
    assert hover[0] == "— · n = 0"


@pytest.mark.parametrize(
    ("dimension", "lang", "bars"),
    [
        ("channel", "en", {"email": "Email", "hotline": "Hotline", "web_form": "Web form"}),
        ("channel", "vi", {"email": "Email", "hotline": "Tổng đài", "web_form": "Biểu mẫu web"}),
        ("priority", "vi", {"high": "Cao", "urgent": "Khẩn cấp", "normal": "Bình thường"}),
        # "Old" only has records in July: no cohort of September holds it.
        ("category", "en", {"Billing": "Billing", SCRIPT: SCRIPT, "=1+1": "=1+1"}),
        ("department", "en", {"Billing": "Billing", "": "Not set", "Support": "Support"}),
        ("department", "vi", {"Billing": "Billing", "": "Chưa xác định", "Support": "Support"}),
    ],
)
def test_breakdown_has_a_bar_per_value_of_the_month(
    overview: Overview, dimension: str, lang: str, bars: dict[str, str]
) -> None:
    (trace,) = breakdown_figure(overview, dimension, "intake", lang).data
    assert trace.orientation == "h"
    assert dict(zip(trace.customdata, trace.y, strict=True)) == bars
    assert list(trace.x) == [1, 1, 1]


def test_breakdown_puts_the_highest_value_first_and_none_last(overview: Overview) -> None:
    (trace,) = breakdown_figure(overview, "category", "csat", "en").data
    assert list(trace.customdata) == ["Billing", SCRIPT, "=1+1"]
    assert list(trace.x) == [100.0, 0.0, None]
    assert list(trace.text) == ["100.0%", "0.0%", "—"]


def test_breakdown_keeps_values_with_the_same_label_apart() -> None:
    rows = [
        rec("2026-09-03T03:00:00Z", department=None),
        rec("2026-09-04T03:00:00Z", department=""),
    ]
    figure = breakdown_figure(
        month_overview(records(rows), month="2026-09", as_of=AS_OF, tz=HCM),
        "department",
        "intake",
        "en",
    )
    assert len(set(figure.data[0].y)) == 2


def test_scorecard_has_the_four_promises(overview: Overview) -> None:
    (trace,) = scorecard_figure(overview, "en").data
    assert list(trace.customdata) == [
        "acknowledged_within_target",
        "eta_given",
        "eta_met",
        "response_sent",
    ]
    assert list(trace.x) == pytest.approx([100 / 3, 200 / 3, 50.0, 50.0])
    assert trace.text[0] == "33.3% · 1 of 3"


@pytest.mark.parametrize(
    "call",
    [
        lambda o: trend_figure(o, "nps", "en"),
        lambda o: breakdown_figure(o, "assignee", "intake", "en"),
        lambda o: breakdown_figure(o, "channel", "nps", "en"),
        lambda o: trend_figure(o, "intake", "fr"),
    ],
)
def test_unknown_names_are_refused(overview: Overview, call: Any) -> None:
    with pytest.raises(ValueError):
        call(overview)


@pytest.mark.parametrize(
    ("month", "lang", "long", "expected"),
    [
        ("2026-09", "en", False, "Sep 2026"),
        ("2026-09", "vi", False, "T9/2026"),
        ("2026-01", "en", True, "January 2026"),
        ("2026-12", "vi", True, "12/2026"),
    ],
)
def test_format_month(month: str, lang: str, long: bool, expected: str) -> None:
    assert format_month(month, lang, long=long) == expected


@pytest.mark.parametrize(
    ("month", "lang"), [("2026-13", "en"), ("202609", "en"), ("2026-09", "de")]
)
def test_format_month_refuses(month: str, lang: str) -> None:
    with pytest.raises(ValueError):
        format_month(month, lang)


@pytest.mark.parametrize(
    ("unit", "value", "lang", "expected"),
    [
        ("pct", 92.6984, "en", "92.7%"),
        ("pct", 92.6984, "vi", "92,7%"),
        ("hours", 1234.56, "vi", "1.234,6 giờ"),
        ("hours", 5.04, "en", "5.0 h"),
        ("count", 1234, "en", "1,234"),
        ("score", 3.905, "vi", "3,90 / 5"),
        ("pct", None, "en", "—"),
    ],
)
def test_format_value(unit: Unit, value: float | None, lang: str, expected: str) -> None:
    assert format_value(unit, value, lang) == expected


@pytest.mark.parametrize(
    ("unit", "change", "lang", "expected"),
    [
        ("pct", 0.645, "en", "+0.6 pp"),
        ("pct", -6.44, "vi", "−6,4 điểm %"),
        ("hours", -1.49, "vi", "−1,5 giờ"),
        ("count", 15, "en", "+15"),
        ("count", 0, "en", "0"),
        ("pct", -0.04, "en", "0.0 pp"),
        ("score", None, "vi", "—"),
    ],
)
def test_format_change(unit: Unit, change: float | None, lang: str, expected: str) -> None:
    assert format_change(unit, change, lang) == expected


@pytest.mark.parametrize(
    ("dimension", "value", "lang", "expected"),
    [
        ("channel", "hotline", "vi", "Tổng đài"),
        ("priority", "urgent", "en", "Urgent"),
        ("priority", "custom", "en", "custom"),
        ("category", "email", "en", "email"),
        ("department", None, "en", "Not set"),
        ("product", "", "vi", "Chưa xác định"),
    ],
)
def test_value_label(dimension: str, value: str | None, lang: str, expected: str) -> None:
    assert value_label(dimension, value, lang) == expected


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_category_lines_each_have_their_own_colour_and_uncategorised_stands_apart(
    lang: str,
) -> None:
    months = ["2026-09", "2026-10"]
    names = [f"Category {n}" for n in range(12)] + ["uncategorised"]
    counts = pd.DataFrame(
        [(month, name, 5 + n) for n, name in enumerate(names) for month in months],
        columns=["month", "value", "count"],
    )
    figure = category_trend_figure(counts, months, lang)
    lines = {trace.name: trace.line for trace in figure.data}
    assert set(lines) == {*names[:-1], t("home.uncategorised", lang)}
    colours = [lines[name].color for name in names[:-1]]
    assert len(set(colours)) == 12  # the 11th category no longer repeats the 1st's colour
    uncategorised = lines[t("home.uncategorised", lang)]
    assert uncategorised.dash == "dash" and uncategorised.color not in colours
    assert figure.data[-1].name == t("home.uncategorised", lang)  # listed after the categories
