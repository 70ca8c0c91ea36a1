"""The figure builders, on a small hand-made month whose figures are worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import pytest

from feedback_analytics import sla
from feedback_analytics.charts import (
    box_figure,
    breakdown_figure,
    category_bars_figure,
    category_trend_figure,
    compliance_figure,
    confusion_figure,
    csat_trend_figure,
    escape_label,
    format_change,
    format_figure,
    format_month,
    format_value,
    score_figure,
    scorecard_changes,
    scorecard_figure,
    trend_figure,
    value_label,
    value_labels,
    volume_figure,
    weekday_hour_figure,
)
from feedback_analytics.i18n import t
from feedback_analytics.kpis import KPIS, Unit
from feedback_analytics.metrics import Overview, RecordEvents, month_overview, operations
from tests.hostile import HOSTILE, IMG, figure_strings, markup_in_figure
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
        # "Old" only has records in July: no cohort of September holds it. A label from data
        # is drawn as its letters (plotly decodes the entities); the click carries the value.
        (
            "category",
            "en",
            {"Billing": "Billing", SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;", "=1+1": "=1+1"},
        ),
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


def test_scorecard_changes_are_the_shares_minus_the_month_befores(overview: Overview) -> None:
    # August: its one record never acknowledged, no time promised, resolved without a
    # response; no record resolved with a promised time, so eta_met has no change.
    assert scorecard_changes(overview) == pytest.approx(
        {
            "acknowledged_within_target": 100 / 3,
            "eta_given": 200 / 3,
            "eta_met": None,
            "response_sent": 50.0,
        }
    )


def test_category_bars_show_the_month_asked_for_largest_on_top() -> None:
    counts = pd.DataFrame(
        [("2026-08", "VPN", 9), ("2026-09", "VPN", 2), ("2026-09", "Billing", 5)],
        columns=["month", "value", "count"],
    )
    figure = category_bars_figure(counts, "2026-09", "vi")
    (trace,) = figure.data
    # The last bar is drawn on top; a click names the month and the category.
    assert [list(point) for point in trace.customdata] == [
        ["2026-09", "VPN"],
        ["2026-09", "Billing"],
    ]
    assert list(trace.x) == [2, 5]
    assert figure.layout.title.text == t("categories.distribution", "vi", month="T9/2026")


@pytest.mark.parametrize(
    ("dimension", "values", "lang", "expected"),
    [
        ("channel", ["hotline", "email", "hotline"], "vi", ["Tổng đài", "Email", "Tổng đài"]),
        ("department", ["", None, "IT"], "en", ["Not set", "Not set", "IT"]),
        ("category", pd.Series(["VPN", "uncategorised"]), "en", ["VPN", "Uncategorised"]),
        ("category", ["uncategorised"], "vi", ["Chưa phân loại"]),
        ("priority", [], "en", []),
    ],
)
def test_value_labels(dimension: str, values: Any, lang: str, expected: list[str]) -> None:
    assert value_labels(dimension, values, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (92.6984, "en", 1, "92.7"),
        (92.6984, "vi", 1, "92,7"),
        (1234.5, "en", 2, "1,234.50"),
        (3.8, "vi", 2, "3,80"),
        (None, "en", 1, "—"),
        (float("nan"), "vi", 2, "—"),
    ],
)
def test_format_figure(value: float | None, lang: str, decimals: int, expected: str) -> None:
    assert format_figure(value, lang, decimals=decimals) == expected


# --- the operations pages' figures, on records worked out by hand -------------------------

OPS_AS_OF = datetime(2026, 10, 14, 5, tzinfo=UTC)  # Wednesday 12:00 local


def with_id(rows: list[dict[str, Any]]) -> pd.DataFrame:
    facts = frame(rows)
    facts.insert(0, "id", range(1, len(facts) + 1))
    return facts


INTAKE = with_id(
    [
        rec("2026-09-30T17:05:00Z"),  # Thursday 1 October local: week of 28 September
        rec("2026-10-05T01:00:00Z", channel="hotline"),  # Monday 5 October 08:00
        rec("2026-10-06T01:00:00Z"),
        rec("2026-10-06T03:00:00Z", channel="hotline"),
    ]
)


@pytest.mark.parametrize("period", operations.PERIODS)
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_volume_has_a_bar_per_period_whose_customdata_finds_its_records(
    period: str, lang: str
) -> None:
    counts = operations.volume(INTAKE, period=period, tz=HCM, as_of=OPS_AS_OF)
    figure = volume_figure(counts, period=period, by=None, lang=lang)
    (trace,) = figure.data
    assert list(trace.y) == counts["count"].tolist()
    assert list(trace.x) == counts["period"].tolist()
    assert figure.layout.xaxis.title.text == t(f"intake.period.{period}", lang)
    assert figure.layout.yaxis.title.text == t("intake.count", lang)
    assert figure.layout.showlegend is False
    # A click hands the page [period start]: the records behind the bar are its count.
    for (start,), count in zip(trace.customdata, trace.y, strict=True):
        ids = operations.volume_ids(INTAKE, period=period, start=start, tz=HCM, as_of=OPS_AS_OF)
        assert len(ids) == count


def test_volume_by_a_dimension_stacks_a_named_trace_per_value() -> None:
    counts = operations.volume(INTAKE, period="week", tz=HCM, as_of=OPS_AS_OF, by="channel")
    figure = volume_figure(counts, period="week", by="channel", lang="vi")
    assert figure.layout.barmode == "relative" and figure.layout.showlegend is True
    assert [trace.name for trace in figure.data] == ["Email", "Tổng đài"]
    email, hotline = figure.data
    assert [list(point) for point in email.customdata] == [
        ["2026-09-28T00:00:00", "email"],
        ["2026-10-05T00:00:00", "email"],
    ]
    assert list(email.y) == [1, 1]
    assert [list(point) for point in hotline.customdata] == [["2026-10-05T00:00:00", "hotline"]]
    assert list(hotline.y) == [2]
    start, value = hotline.customdata[0]
    ids = operations.volume_ids(
        INTAKE, period="week", start=start, tz=HCM, as_of=OPS_AS_OF, by="channel", value=value
    )
    assert ids.tolist() == [4, 2]


@pytest.mark.parametrize(("lang", "monday"), [("en", "Monday"), ("vi", t("weekday.0", "vi"))])
def test_weekday_hour_heatmap_is_the_counts_monday_on_top(lang: str, monday: str) -> None:
    heat = operations.weekday_hour(INTAKE, tz=HCM, as_of=OPS_AS_OF)
    figure = weekday_hour_figure(heat, lang)
    trace, cells = figure.data
    assert [list(row) for row in trace.z] == heat.to_numpy().tolist()
    # A click selects a cell through its marker (Streamlit reports none on a heatmap): one
    # per cell with records, at that cell, naming weekday, hour and count.
    assert cells.type == "scatter" and cells.marker.opacity == 0
    assert [list(point) for point in cells.customdata] == [
        [day, hour, int(heat.loc[day, hour])]
        for day in range(7)
        for hour in range(24)
        if heat.loc[day, hour]
    ]
    assert [(x, y) for x, y in zip(cells.x, cells.y, strict=True)] == [
        (f"{hour:02d}", trace.y[day]) for day, hour, _ in cells.customdata
    ]
    assert figure.layout.yaxis.title.text == t("chart.axis.weekday", lang)
    assert trace.y[0] == monday and len(trace.y) == 7
    assert list(trace.x) == [f"{hour:02d}" for hour in range(24)]
    assert trace.z[0][8] == 1 and trace.z[3][0] == 1  # Monday 08:00, Thursday 00:05
    assert figure.layout.yaxis.autorange == "reversed"
    assert figure.layout.xaxis.title.text == t("intake.hour", lang)


PROCESSING = with_id(
    [
        rec("2026-10-01T00:00:00Z", priority="urgent", acknowledged_at="2026-10-01T02:00Z"),
        rec("2026-10-01T00:00:00Z", priority="urgent", acknowledged_at="2026-10-01T06:00Z"),
        rec("2026-10-01T00:00:00Z", priority="urgent", acknowledged_at="2026-10-01T10:00Z"),
        rec("2026-09-01T00:00:00Z", acknowledged_at="2026-09-02T00:00Z"),
        rec("2026-09-01T00:00:00Z", acknowledged_at="2026-09-04T00:00Z"),
        rec("2026-09-01T00:00:00Z", department=None, acknowledged_at="2026-09-02T12:00Z"),
    ]
)


@pytest.mark.parametrize(
    ("by", "lang", "labels"),
    [
        ("priority", "en", ["Normal", "Urgent"]),
        ("priority", "vi", ["Bình thường", "Khẩn cấp"]),
        ("department", "en", ["Not set", "Billing"]),
    ],
)
def test_box_figure_draws_the_box_stats(by: str, lang: str, labels: list[str]) -> None:
    durations = operations.durations(PROCESSING, sla.default_policy(), tz=HCM, as_of=OPS_AS_OF)
    boxes = operations.box_stats(durations, "ack_hours", by)
    figure = box_figure(boxes, by, lang)
    (trace,) = figure.data
    assert sorted(zip(trace.x, trace.median, strict=True)) == sorted(
        zip(labels, boxes["median"], strict=True)
    )
    for name in ("q1", "median", "q3", "lowerfence", "upperfence"):
        assert list(getattr(trace, name)) == boxes[name].tolist()
    assert trace.boxpoints is False
    assert figure.layout.xaxis.title.text == t(f"dimension.{by}", lang)
    assert figure.layout.yaxis.title.text == t("processing.hours", lang)


def test_box_figure_of_the_urgent_records_has_their_quartiles() -> None:
    durations = operations.durations(PROCESSING, sla.default_policy(), tz=HCM, as_of=OPS_AS_OF)
    (trace,) = box_figure(
        operations.box_stats(durations, "ack_hours", "priority"), "priority", "en"
    ).data
    urgent = list(trace.x).index("Urgent")
    assert (trace.q1[urgent], trace.median[urgent], trace.q3[urgent]) == (4.0, 6.0, 8.0)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_compliance_has_a_line_per_figure_with_the_trends_values(lang: str) -> None:
    policy = sla.default_policy()
    events = RecordEvents.of(PROCESSING, as_of=OPS_AS_OF, policy=policy, tz=HCM)
    durations = operations.durations(PROCESSING, policy, tz=HCM, as_of=OPS_AS_OF, events=events)
    months = ["2026-08", "2026-09", "2026-10"]
    trend = operations.compliance_trend(durations, events, months=months, tz=HCM)
    figure = compliance_figure(trend, lang)
    assert [trace.name for trace in figure.data] == [
        t(f"processing.{column}", lang) for column in ("ack_pct", "resolution_pct", "on_time_pct")
    ]
    ack = figure.data[0]
    # Months as the page writes them, in the language; the click reads the customdata.
    assert list(ack.x) == [format_month(month, lang) for month in months]
    # August has no record: a gap, not 0. September: 2 of 3 within 48 h; October: all 3.
    assert list(ack.y) == [None, pytest.approx(200 / 3), 100.0]
    assert [float(v) if v is not None else None for v in ack.y] == [
        None if pd.isna(v) else float(v) for v in trend["ack_pct"]
    ]
    # A click names the month and the line, so the page lists the records behind that line.
    assert [list(point) for point in ack.customdata] == [[month, "ack_pct"] for month in months]
    assert figure.layout.showlegend is True
    assert figure.layout.xaxis.title.text == t("chart.axis.month", lang)
    assert figure.layout.yaxis.title.text == t("chart.axis.share_records", lang)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_score_bars_carry_their_score_for_a_click(lang: str) -> None:
    figure = score_figure({1: 3, 2: 0, 3: 1, 4: 7, 5: 12}, lang)
    (trace,) = figure.data
    assert list(trace.x) == [1, 2, 3, 4, 5]
    assert list(trace.y) == [3, 0, 1, 7, 12]
    assert [list(point) for point in trace.customdata] == [[1], [2], [3], [4], [5]]
    assert figure.layout.xaxis.title.text == t("satisfaction.score", lang)
    # The bars count survey responses, not feedback received.
    assert figure.layout.yaxis.title.text == t("chart.axis.responses", lang)


def test_csat_trend_is_monthly_csat_with_gaps() -> None:
    answered = operations.responses(
        with_id(
            [
                rec("2026-09-01T00:00:00Z", surveyed_at="2026-09-05T00:00Z", satisfaction_score=5),
                rec("2026-09-01T00:00:00Z", surveyed_at="2026-09-06T00:00Z", satisfaction_score=2),
                rec("2026-10-01T00:00:00Z", surveyed_at="2026-10-02T00:00Z", satisfaction_score=4),
            ]
        ),
        as_of=OPS_AS_OF,
        start=pd.Timestamp("2026-07-31T17:00:00Z"),
        end=pd.Timestamp("2026-10-31T17:00:00Z"),
    )
    months = ["2026-08", "2026-09", "2026-10"]
    trend = operations.monthly_csat(answered, as_of=OPS_AS_OF, months=months, tz=HCM)
    figure = csat_trend_figure(trend, "vi")
    (trace,) = figure.data
    assert list(trace.x) == ["T8/2026", "T9/2026", "T10/2026"]
    assert [list(point) for point in trace.customdata] == [[month] for month in months]
    assert list(trace.y) == [None, 50.0, 100.0] == trend["csat"].tolist()
    assert figure.layout.xaxis.title.text == t("chart.axis.month", "vi")
    assert figure.layout.yaxis.title.text == t("kpi.csat", "vi") + " (%)"
    assert figure.layout.separators == ",."


# --- values from data drawn as text --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("VPN", "VPN"),
        ("Wi-Fi coverage & roaming", "Wi-Fi coverage &amp; roaming"),
        (IMG, "&lt;img src=x onerror=alert(1)&gt;"),
        (
            '<a href="https://evil.example">a</a>',
            "&lt;a href=&#34;https://evil.example&#34;&gt;a&lt;/a&gt;",
        ),
        ("it's <br>", "it&#39;s &lt;br&gt;"),
        ("&lt;", "&amp;lt;"),
        ("%{x}", "%{x}"),
        (7, "7"),
    ],
)
def test_escape_label(value: object, expected: str) -> None:
    assert escape_label(value) == expected


def drawn(figure: go.Figure) -> list[str]:
    """Return every string plotly draws of the figure (not its customdata)."""
    return [text for _, text in figure_strings(figure.to_plotly_json())]


def assert_drawn_as_text(figure: go.Figure) -> None:
    assert markup_in_figure(figure.to_plotly_json()) == []
    assert any("&lt;img src=x onerror=alert(1)&gt;" in text for text in drawn(figure))


def test_category_figures_draw_hostile_categories_as_text() -> None:
    months = ["2026-09", "2026-10"]
    counts = pd.DataFrame(
        [(month, value, 3) for month in months for value in (HOSTILE, "VPN")],
        columns=["month", "value", "count"],
    )
    trend = category_trend_figure(counts, months, "en")
    assert_drawn_as_text(trend)
    assert [trace.hovertemplate for trace in trend.data] == [
        "%{x}: %{y:,}<extra>%{fullData.name}</extra>"
    ] * 2
    bars = category_bars_figure(counts, "2026-10", "en")
    assert_drawn_as_text(bars)
    # A click still names the value.
    assert {point[1] for point in bars.data[0].customdata} == {HOSTILE, "VPN"}


def test_confusion_matrix_draws_hostile_labels_as_text() -> None:
    assert_drawn_as_text(confusion_figure([HOSTILE, "VPN"], [[1, 0], [0, 1]], "en"))


def test_volume_draws_a_hostile_value_as_text() -> None:
    counts = pd.DataFrame(
        {"period": [pd.Timestamp("2026-10-05")] * 2, "value": [HOSTILE, "VPN"], "count": [2, 1]}
    )
    figure = volume_figure(counts, period="week", by="category", lang="en")
    assert_drawn_as_text(figure)
    assert [point[1] for trace in figure.data for point in trace.customdata] == [HOSTILE, "VPN"]


def test_box_figure_draws_a_hostile_department_as_text() -> None:
    boxes = pd.DataFrame(
        {
            "value": [HOSTILE],
            "q1": [1.0],
            "median": [2.0],
            "q3": [3.0],
            "lowerfence": [0.5],
            "upperfence": [4.0],
        }
    )
    assert_drawn_as_text(box_figure(boxes, "department", "en"))


def test_breakdown_draws_a_hostile_product_as_text() -> None:
    rows = [rec("2026-09-03T03:00:00Z", product=HOSTILE), rec("2026-09-04T03:00:00Z")]
    overview = month_overview(records(rows), month="2026-09", as_of=AS_OF, tz=HCM)
    figure = breakdown_figure(overview, "product", "intake", "en")
    assert_drawn_as_text(figure)
    assert HOSTILE in figure.data[0].customdata
