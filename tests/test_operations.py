"""The operations figures: intake periods and spikes, SLA times and lists, satisfaction."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from feedback_analytics import metrics, sla
from feedback_analytics.db.models import PRIORITIES
from feedback_analytics.metrics import operations
from tests.metric_records import frame, rec

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = datetime(2026, 10, 14, 5, tzinfo=UTC)  # Wednesday 12:00 local


def with_id(rows: list[dict]) -> pd.DataFrame:
    records = frame(rows)
    records.insert(0, "id", range(1, len(records) + 1))
    return records


def test_volume_counts_local_days_weeks_and_months_and_ignores_the_future() -> None:
    records = with_id(
        [
            rec("2026-09-30T17:05:00Z"),  # 1 October local, a Thursday
            rec("2026-10-05T01:00:00Z", channel="hotline"),  # Monday
            rec("2026-10-06T01:00:00Z"),
            rec("2026-10-20T01:00:00Z"),  # after as_of: does not exist yet
        ]
    )
    months = operations.volume(records, period="month", tz=TZ, as_of=AS_OF)
    assert months.to_dict("records") == [{"period": pd.Timestamp("2026-10-01"), "count": 3}]
    weeks = operations.volume(records, period="week", tz=TZ, as_of=AS_OF, by="channel")
    assert weeks.to_dict("records") == [
        {"period": pd.Timestamp("2026-09-28"), "value": "email", "count": 1},
        {"period": pd.Timestamp("2026-10-05"), "value": "email", "count": 1},
        {"period": pd.Timestamp("2026-10-05"), "value": "hotline", "count": 1},
    ]
    heat = operations.weekday_hour(records, tz=TZ, as_of=AS_OF)
    assert heat.shape == (7, 24) and heat.to_numpy().sum() == 3
    assert heat.loc[3, 0] == 1 and heat.loc[0, 8] == 1  # Thursday 00:05, Monday 08:00


def _weekly(category: str, per_week: list[int]) -> list[dict]:
    # per_week: counts of the weeks before the current one, oldest first, then the current
    # week's count; every record on the Monday of its week at 09:00 local.
    monday = pd.Timestamp("2026-10-12T02:00:00Z")
    weeks = len(per_week) - 1
    return [
        rec((monday - pd.Timedelta(weeks=weeks - index)).isoformat(), category=category)
        for index, count in enumerate(per_week)
        for _ in range(count)
    ]


def test_a_category_far_above_its_own_baseline_is_flagged_with_the_numbers() -> None:
    records = with_id(
        _weekly("VPN", [4, 5, 4, 6, 5, 4, 5, 5, 19]) + _weekly("Billing", [10] * 8 + [12])
    )
    found = operations.spikes(records, period="week", tz=TZ, as_of=AS_OF).set_index("category")
    assert bool(found.loc["VPN", "flagged"]) and not bool(found.loc["Billing", "flagged"])
    assert found.loc["VPN", "count"] == 19 and found.loc["VPN", "baseline"] == 5
    assert found.loc["VPN", "periods"] == [4, 5, 4, 6, 5, 4, 5, 5]
    assert found.loc["VPN", "ratio"] == pytest.approx(3.8)


def test_a_spike_compares_the_same_part_of_earlier_weeks() -> None:
    # As of Wednesday noon, records of earlier weeks' Thursdays are not in the baseline.
    thursday = pd.Timestamp("2026-10-08T02:00:00Z")
    records = with_id(
        [rec((thursday - pd.Timedelta(weeks=w)).isoformat(), category="VPN") for w in range(8)] * 5
        + _weekly("VPN", [0] * 8 + [6])
    )
    found = operations.spikes(records, period="week", tz=TZ, as_of=AS_OF).set_index("category")
    assert found.loc["VPN", "baseline"] == 0 and bool(found.loc["VPN", "flagged"])


def test_few_records_are_never_a_spike() -> None:
    records = with_id(_weekly("VPN", [0] * 8 + [3]))
    found = operations.spikes(records, period="week", tz=TZ, as_of=AS_OF)
    assert not found["flagged"].any()


def _trend(records: pd.DataFrame, policy: sla.SlaPolicy, months: list[str]) -> pd.DataFrame:
    """The Processing page's compliance trend of the records under the policy."""
    events = metrics.RecordEvents.of(records, as_of=AS_OF, policy=policy, tz=TZ)
    frame_ = operations.durations(records, policy, tz=TZ, as_of=AS_OF, events=events)
    return operations.compliance_trend(frame_, events, months=months, tz=TZ)


def test_acknowledgement_compliance_agrees_with_the_monthly_report() -> None:
    records = with_id(
        [
            rec("2026-09-01T00:00:00Z", acknowledged_at="2026-09-02T00:00:00Z"),
            rec("2026-09-02T00:00:00Z", acknowledged_at="2026-09-04T00:00:01Z"),
            rec("2026-09-03T00:00:00Z"),  # never acknowledged: breached
            rec("2026-09-04T00:00:00Z", acknowledged_at="2026-09-06T00:00:00Z"),  # exactly 48 h
            rec("2026-10-14T00:00:00Z"),  # pending
        ]
    )
    trend = _trend(records, sla.default_policy(), ["2026-09", "2026-10"])
    report = metrics.monthly_report(records, month="2026-09", as_of=AS_OF, tz=TZ)
    assert trend.loc[0, "ack_pct"] == report["acknowledgement"]["compliance_pct"] == 50.0
    assert pd.isna(trend.loc[1, "ack_pct"]) and trend.loc[1, "ack_n"] == 0


WORKING_HOURS_BY_PRIORITY = sla.parse_policy(
    {
        "targets": {
            "urgent": {"ack_hours": 4},
            "high": {"ack_hours": 8},
            "normal": {"ack_hours": 16},
            "low": {"ack_hours": 40},
        },
        "calendar": {"enabled": True},
    }
)


def test_under_per_priority_working_hours_the_trend_and_the_report_agree() -> None:
    # Thursday 1 and Friday 2 October 2026 are working days; 3 and 4 are a weekend. Working
    # hours are 8:00-17:00 local (01:00-10:00 UTC).
    records = with_id(
        [
            # urgent, 3 working hours: within 4.
            rec("2026-10-01T01:00:00Z", priority="urgent", acknowledged_at="2026-10-01T04:00Z"),
            # urgent, 5 working hours: breached, though 5 calendar hours are within 48.
            rec("2026-10-01T01:00:00Z", priority="urgent", acknowledged_at="2026-10-01T06:00Z"),
            # normal, Friday 09:00 UTC to Monday 02:00 UTC: 1 + 1 = 2 working hours, within
            # 16 though 65 calendar hours are past the flat 48.
            rec("2026-10-02T09:00:00Z", priority="normal", acknowledged_at="2026-10-05T02:00Z"),
            # low, never acknowledged, 40 working hours gone by as_of: breached.
            rec("2026-10-01T01:00:00Z", priority="low"),
            # high, Friday 16:30 to Monday 10:00 local: 2.5 working hours, within 8.
            rec("2026-10-02T09:30:00Z", priority="high", acknowledged_at="2026-10-05T03:00Z"),
        ]
    )
    trend = _trend(records, WORKING_HOURS_BY_PRIORITY, ["2026-10"])
    report = metrics.monthly_report(
        records, month="2026-10", as_of=AS_OF, tz=TZ, policy=WORKING_HOURS_BY_PRIORITY
    )
    ack = report["acknowledgement"]
    assert (ack["within_sla"], ack["breached"], ack["pending"]) == (3, 2, 0)
    assert trend.loc[0, "ack_pct"] == ack["compliance_pct"] == 60.0
    assert trend.loc[0, "ack_n"] == 5
    frame_ = operations.durations(records, WORKING_HOURS_BY_PRIORITY, tz=TZ, as_of=AS_OF)
    assert frame_["ack_within"].tolist() == [True, False, True, False, True]
    # The flat default counts calendar hours: the weekend breaches, the urgent 5 h does not.
    flat = metrics.monthly_report(records, month="2026-10", as_of=AS_OF, tz=TZ)
    assert flat["acknowledgement"]["compliance_pct"] == 40.0


def test_each_priority_is_measured_against_its_own_target() -> None:
    targets = {p: {"ack_hours": 4 if p == "urgent" else 48} for p in PRIORITIES}
    policy = sla.parse_policy({"targets": targets})
    records = with_id(
        [
            rec("2026-10-01T00:00:00Z", priority="urgent", acknowledged_at="2026-10-01T05:00Z"),
            rec("2026-10-01T00:00:00Z", priority="low", acknowledged_at="2026-10-01T05:00Z"),
        ]
    )
    result = operations.durations(records, policy, tz=TZ, as_of=AS_OF)
    assert result["ack_within"].tolist() == [False, True]
    summary = operations.time_summary(result, "ack_hours", "priority")
    assert summary.set_index("value")["median_hours"].to_dict() == {"low": 5.0, "urgent": 5.0}


def test_the_work_lists_hold_breached_at_risk_and_overdue_feedback() -> None:
    records = with_id(
        [
            rec("2026-10-11T00:00:00Z"),  # 77 h unacknowledged: breached
            rec("2026-10-12T13:00:00Z"),  # 40 h of 48: at risk
            rec("2026-10-14T00:00:00Z"),  # 5 h: neither
            rec(
                "2026-10-01T00:00:00Z",
                acknowledged_at="2026-10-01T01:00Z",
                due_at="2026-10-10T00:00Z",
            ),  # promised and not resolved: overdue
            rec(
                "2026-10-01T00:00:00Z",
                acknowledged_at="2026-10-01T01:00Z",
                due_at="2026-10-10T00:00Z",
                resolved_at="2026-10-09T00:00Z",
            ),
        ]
    )
    frame_ = operations.durations(records, sla.default_policy(), tz=TZ, as_of=AS_OF)
    lists = operations.work_lists(frame_, as_of=AS_OF)
    assert {name: ids.tolist() for name, ids in lists.items()} == {
        "breached": [1],
        "at_risk": [2],
        "overdue": [4],
    }


def test_working_hours_change_what_counts_as_breached() -> None:
    # Received Friday 16:00 local; as_of the next Wednesday noon is 116 calendar hours later,
    # but only 1 + 9 + 9 + 4 = 23 working hours (Monday to Wednesday).
    records = with_id([rec("2026-10-09T09:00:00Z")])
    calendar = sla.default_policy().model_copy(update={"calendar": sla.Calendar(enabled=True)})
    assert operations.work_lists(
        operations.durations(records, sla.default_policy(), tz=TZ, as_of=AS_OF), as_of=AS_OF
    )["breached"].tolist() == [1]
    frame_ = operations.durations(records, calendar, tz=TZ, as_of=AS_OF)
    assert frame_["age_hours"].tolist() == [23.0]
    assert operations.work_lists(frame_, as_of=AS_OF)["breached"].tolist() == []


def _surveyed(category: str, score: int) -> dict:
    return rec(
        "2026-09-01T00:00:00Z",
        category=category,
        resolved_at="2026-09-03T00:00:00Z",
        surveyed_at="2026-09-05T00:00:00Z",
        satisfaction_score=score,
    )


def test_satisfaction_figures_agree_with_the_monthly_report() -> None:
    records = with_id(
        [
            _surveyed("VPN", 1),
            _surveyed("VPN", 2),
            _surveyed("Billing", 5),
            _surveyed("Wi-Fi", 4),
            rec("2026-09-01T00:00:00Z", resolved_at="2026-09-10T00:00:00Z"),
        ]
    )
    start, end = metrics.month_bounds("2026-09", TZ)
    figures = operations.satisfaction(records, as_of=AS_OF, start=start, end=end)
    report = metrics.monthly_report(records, month="2026-09", as_of=AS_OF, tz=TZ)["satisfaction"]
    assert figures.responses == report["responses"] == 4
    assert figures.csat_pct == report["csat_pct"] == 50.0
    assert figures.mean_score == report["mean_score"] == 3.0
    assert figures.response_rate_pct == report["response_rate_pct"] == 80.0
    assert figures.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 1}
    answered = operations.responses(records, as_of=AS_OF, start=start, end=end)
    drag = operations.csat_drag(answered).set_index("category")
    # Without VPN's two unhappy responses CSAT is 100 %, 50 points more.
    assert drag.index[0] == "VPN" and drag.loc["VPN", "change_pct"] == 50.0
    assert drag.loc["Billing", "change_pct"] == pytest.approx(100 / 3 - 50)


def test_no_responses_give_no_figures_not_zero() -> None:
    start, end = metrics.month_bounds("2026-09", TZ)
    figures = operations.satisfaction(
        with_id([rec("2026-09-01T00:00:00Z")]), as_of=AS_OF, start=start, end=end
    )
    assert (figures.responses, figures.mean_score, figures.csat_pct) == (0, None, None)
    assert figures.response_rate_pct is None


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        # q1 2, median 3, q3 4: 100 is beyond 1.5 IQR, so the upper whisker stops at 4.
        ([1, 2, 3, 4, 100], {"n": 5, "q1": 2, "median": 3, "q3": 4, "low": 1, "high": 4}),
        # Linear interpolation between the values, as plotly and numpy compute quartiles.
        ([0, 10], {"n": 2, "q1": 2.5, "median": 5, "q3": 7.5, "low": 0, "high": 10}),
        ([5], {"n": 1, "q1": 5, "median": 5, "q3": 5, "low": 5, "high": 5}),
    ],
)
def test_box_stats_are_the_box_plot_of_every_value(hours: list[float], expected: dict) -> None:
    records = pd.DataFrame(
        {"priority": ["normal"] * len(hours) + ["low"], "ack_hours": [*hours, None]}
    )
    boxes = operations.box_stats(records, "ack_hours", "priority")
    assert boxes.to_dict("records") == [
        {
            "value": "normal",
            "n": expected["n"],
            "q1": expected["q1"],
            "median": expected["median"],
            "q3": expected["q3"],
            "lowerfence": expected["low"],
            "upperfence": expected["high"],
        }
    ]


def test_compliance_trend_puts_records_in_their_local_month() -> None:
    records = with_id(
        [
            # 1 October 00:30 local: an October record, though still September in UTC.
            rec("2026-09-30T17:30:00Z", acknowledged_at="2026-10-01T00:00:00Z"),
            rec("2026-09-30T16:30:00Z"),  # 30 September 23:30 local, never acknowledged
        ]
    )
    trend = _trend(records, sla.default_policy(), ["2026-09", "2026-10"])
    assert trend[["month", "ack_n", "ack_pct"]].to_dict("records") == [
        {"month": "2026-09", "ack_n": 1, "ack_pct": 0.0},
        {"month": "2026-10", "ack_n": 1, "ack_pct": 100.0},
    ]


# The records behind the Intake page's bars, the Processing page's lists and the Satisfaction
# page's score bars and comments.
INTAKE = [
    rec("2026-09-30T17:05:00Z"),  # 1 October local, a Thursday: week of 28 September
    rec("2026-10-05T01:00:00Z", channel="hotline", category=None),  # Monday 5 October
    rec("2026-10-06T01:00:00Z"),
    rec("2026-10-06T03:00:00Z", category=None),
    rec("2026-10-20T01:00:00Z"),  # after as_of: does not exist yet
]


@pytest.mark.parametrize(
    ("period", "start", "by", "value", "expected"),
    [
        ("week", "2026-10-05T00:00:00", None, None, [4, 3, 2]),
        ("week", pd.Timestamp("2026-09-28"), None, None, [1]),
        ("week", "2026-10-05T00:00:00", "channel", "email", [4, 3]),
        ("week", "2026-10-05T00:00:00", "channel", "hotline", [2]),
        ("week", "2026-10-05T00:00:00", "category", "uncategorised", [4, 2]),
        ("day", "2026-10-01T00:00:00", None, None, [1]),
        ("day", "2026-09-30T00:00:00", None, None, []),
        ("month", "2026-10-01T00:00:00", "channel", "email", [4, 3, 1]),
        ("week", "2026-10-19T00:00:00", None, None, []),  # the future record is not there
    ],
)
def test_volume_ids_are_the_records_behind_a_bar_newest_first(
    period: str, start: object, by: str | None, value: str | None, expected: list[int]
) -> None:
    ids = operations.volume_ids(
        with_id(INTAKE), period=period, start=start, tz=TZ, as_of=AS_OF, by=by, value=value
    )
    assert ids.tolist() == expected


@pytest.mark.parametrize(
    ("period", "by"), [(p, b) for p in operations.PERIODS for b in (None, "channel", "category")]
)
def test_every_bar_of_volume_has_as_many_records_behind_it(period: str, by: str | None) -> None:
    records = with_id(INTAKE)
    counts = operations.volume(records, period=period, tz=TZ, as_of=AS_OF, by=by)
    for row in counts.to_dict("records"):
        ids = operations.volume_ids(
            records,
            period=period,
            start=row["period"],
            tz=TZ,
            as_of=AS_OF,
            by=by,
            value=row.get("value"),
        )
        assert len(ids) == row["count"]


def test_flagged_spikes_keeps_the_flagged_rows_in_order() -> None:
    records = with_id(
        _weekly("VPN", [4, 5, 4, 6, 5, 4, 5, 5, 19]) + _weekly("Billing", [10] * 8 + [12])
    )
    found = operations.spikes(records, period="week", tz=TZ, as_of=AS_OF)
    assert operations.flagged_spikes(found)["category"].tolist() == ["VPN"]
    nothing = operations.spikes(with_id([]), period="week", tz=TZ, as_of=AS_OF)
    assert operations.flagged_spikes(nothing).empty


@pytest.mark.parametrize(("ids", "expected"), [([2, 1], [40.0, 77.0]), ([3], [5.0]), ([], [])])
def test_age_hours_follow_the_ids_order(ids: list[int], expected: list[float]) -> None:
    records = with_id(
        [rec("2026-10-11T00:00:00Z"), rec("2026-10-12T13:00:00Z"), rec("2026-10-14T00:00:00Z")]
    )
    frame_ = operations.durations(records, sla.default_policy(), tz=TZ, as_of=AS_OF)
    assert operations.age_hours(frame_, ids).tolist() == expected


SURVEYED = [
    _surveyed("VPN", 1),
    _surveyed("VPN", 2),
    _surveyed("Billing", 5),
    _surveyed("Wi-Fi", 4),
    # Surveyed 1 October 00:30 local: an October response, though September in UTC.
    rec(
        "2026-09-20T00:00:00Z",
        resolved_at="2026-09-25T00:00:00Z",
        surveyed_at="2026-09-30T17:30:00Z",
        satisfaction_score=5,
    ),
]


def _answered(rows: list[dict], first: str = "2026-08", last: str = "2026-10") -> pd.DataFrame:
    start, end = metrics.month_bounds(first, TZ)[0], metrics.month_bounds(last, TZ)[1]
    return operations.responses(with_id(rows), as_of=AS_OF, start=start, end=end)


def test_monthly_csat_is_each_local_months_csat_and_none_without_responses() -> None:
    trend = operations.monthly_csat(
        _answered(SURVEYED), as_of=AS_OF, months=["2026-08", "2026-09", "2026-10"], tz=TZ
    )
    assert trend.to_dict("records") == [
        {"month": "2026-08", "csat": None},
        {"month": "2026-09", "csat": 50.0},
        {"month": "2026-10", "csat": 100.0},
    ]
    # The same figure as the monthly report's.
    report = metrics.monthly_report(with_id(SURVEYED), month="2026-09", as_of=AS_OF, tz=TZ)
    assert trend.loc[1, "csat"] == report["satisfaction"]["csat_pct"]


@pytest.mark.parametrize(
    ("scores", "expected"), [([1], [1]), ([5], [3, 5]), ([3], []), ([1, 5], [1, 3, 5]), ([], [])]
)
def test_scored_ids_are_the_responses_with_those_scores(
    scores: list[int], expected: list[int]
) -> None:
    assert operations.scored_ids(_answered(SURVEYED), scores).tolist() == expected


def test_response_comments_are_those_of_the_responses_newest_first() -> None:
    comments = pd.DataFrame(
        {
            "id": [1, 3, 5, 99],
            "score": [1, 5, 5, 2],
            "comment": ["slow", "great", "fine", "not a response of the window"],
        }
    )
    shown = operations.response_comments(comments, _answered(SURVEYED))
    assert shown.to_dict("records") == [
        {"id": 5, "satisfaction_score": 5, "satisfaction_comment": "fine"},
        {"id": 3, "satisfaction_score": 5, "satisfaction_comment": "great"},
        {"id": 1, "satisfaction_score": 1, "satisfaction_comment": "slow"},
    ]


def test_every_cell_of_weekday_hour_has_as_many_records_behind_it() -> None:
    records = with_id(INTAKE)
    heat = operations.weekday_hour(records, tz=TZ, as_of=AS_OF)
    for weekday in heat.index:
        for hour in heat.columns:
            ids = operations.weekday_hour_ids(
                records, weekday=weekday, hour=hour, tz=TZ, as_of=AS_OF
            )
            assert len(ids) == heat.loc[weekday, hour]
    # Thursday 00:05 local, and nothing of it before `since`.
    assert len(operations.weekday_hour_ids(records, weekday=3, hour=0, tz=TZ, as_of=AS_OF)) == 1
    late = pd.Timestamp("2026-10-13")
    assert operations.weekday_hour_ids(
        records, weekday=3, hour=0, tz=TZ, as_of=AS_OF, since=late
    ).empty


@pytest.mark.parametrize(
    ("months", "count"), [(["2026-09"], 4), (["2026-10"], 1), (["2026-09", "2026-10"], 5), ([], 0)]
)
def test_month_response_ids_are_the_responses_surveyed_in_those_local_months(
    months: list[str], count: int
) -> None:
    answered = _answered(SURVEYED)
    assert len(operations.month_response_ids(answered, months, TZ)) == count
    # The CSAT line's point of each month rests on exactly these responses.
    for month in months:
        ids = operations.month_response_ids(answered, [month], TZ)
        kept = answered[answered["id"].isin(ids)]
        csat = operations.monthly_csat(kept, as_of=AS_OF, months=[month], tz=TZ)
        full = operations.monthly_csat(answered, as_of=AS_OF, months=[month], tz=TZ)
        assert csat["csat"].tolist() == full["csat"].tolist()


def test_resolution_breached_ids_are_the_records_behind_the_resolution_line() -> None:
    records = with_id(
        [
            rec("2026-09-01T00:00:00Z", resolved_at="2026-09-01T10:00:00Z"),
            rec("2026-09-01T00:00:00Z", resolved_at="2026-09-20T00:00:00Z"),  # beyond target
            rec("2026-09-25T00:00:00Z", resolved_at="2026-10-10T00:00:00Z"),  # beyond, October
            rec("2026-10-01T00:00:00Z"),  # not resolved
        ]
    )
    policy = sla.default_policy()
    frame_ = operations.durations(records, policy, tz=TZ, as_of=AS_OF)
    trend = _trend(records, policy, ["2026-09", "2026-10"])
    assert operations.resolution_breached_ids(frame_, "2026-09", TZ).tolist() == [2]
    assert operations.resolution_breached_ids(frame_, "2026-10", TZ).tolist() == [3]
    # Each month's share within target leaves out exactly those records.
    assert trend["resolution_pct"].tolist() == [50.0, 0.0]
