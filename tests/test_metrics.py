"""The METRICS.md definitions on small hand-made frames; every expected value is hand-computed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from feedback_analytics.metrics import (
    hours_between,
    month_bounds,
    monthly_report,
    percentile,
)
from feedback_analytics.sla import flat_policy
from tests import metric_records

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# October 2026 in company local time is [2026-09-30T17:00Z, 2026-10-31T17:00Z).
AFTER_OCTOBER = "2026-11-20T00:00:00Z"

EMPTY_MONTH = {
    "month": "2026-05",
    "as_of": "2026-10-02T12:00:00+07:00",
    "intake": {"total": 0, "by_channel": {}, "by_category": {}, "by_priority": {}},
    "acknowledgement": {
        "median_hours": None,
        "p90_hours": None,
        "within_sla": 0,
        "breached": 0,
        "pending": 0,
        "compliance_pct": None,
    },
    "resolution": {
        "resolved": 0,
        "median_hours": None,
        "p90_hours": None,
        "on_time": 0,
        "late": 0,
        "on_time_pct": None,
    },
    "backlog_end_of_month": 0,
    "satisfaction": {
        "responses": 0,
        "mean_score": None,
        "csat_pct": None,
        "response_rate_pct": None,
    },
}


def rec(received: str, **fields: Any) -> dict[str, Any]:
    """One record, its category "billing" unless given."""
    return metric_records.rec(received, **{"category": "billing", **fields})


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The records frame the metrics take."""
    return metric_records.frame(rows)


def report(
    rows: list[dict[str, Any]],
    *,
    month: str = "2026-10",
    as_of: str = AFTER_OCTOBER,
    target: float = 48,
) -> dict[str, Any]:
    return monthly_report(
        frame(rows),
        month=month,
        as_of=datetime.fromisoformat(as_of),
        tz=HCM,
        policy=flat_policy(target),
    )


def pick(result: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        result = result[key]
    return result


def assert_values(result: dict[str, Any], expected: dict[str, Any]) -> None:
    actual = {path: pick(result, path) for path in expected}
    approximate = {
        path: pytest.approx(value) if isinstance(value, float) else value
        for path, value in expected.items()
    }
    assert actual == approximate


ACKNOWLEDGED_AT_48H = rec("2026-10-01T00:00:00Z", acknowledged_at="2026-10-03T00:00:00Z")
ACKNOWLEDGED_AT_48H_1S = rec("2026-10-01T00:00:00Z", acknowledged_at="2026-10-03T00:00:01Z")
UNACKNOWLEDGED = rec("2026-10-01T00:00:00Z")
ACKNOWLEDGED_AT_30H = rec("2026-10-01T00:00:00Z", acknowledged_at="2026-10-02T06:00:00Z")
RESOLVED_IN_OCTOBER = rec("2026-10-01T00:00:00Z", resolved_at="2026-10-20T00:00:00Z")


@pytest.mark.parametrize(
    ("rows", "options", "expected"),
    [
        pytest.param(
            [rec("2026-09-30T23:30:00Z")],
            {"month": "2026-10"},
            {"intake.total": 1, "intake.by_channel": {"email": 1}},
            id="23:30 UTC on the last day of September is October locally",
        ),
        pytest.param(
            [rec("2026-09-30T23:30:00Z")],
            {"month": "2026-09"},
            {"intake.total": 0, "intake.by_channel": {}},
            id="23:30 UTC on the last day of September is not September",
        ),
        pytest.param(
            [rec("2026-09-30T17:05:00Z"), rec("2026-10-31T16:59:59Z"), rec("2026-10-31T17:00:00Z")],
            {"month": "2026-10"},
            {"intake.total": 2},
            id="local month edges: start inclusive, end exclusive",
        ),
        pytest.param(
            [
                rec("2026-10-02T00:00:00Z", channel="email", category=None, priority="high"),
                rec("2026-10-03T00:00:00Z", channel="hotline", category="billing"),
                rec("2026-10-04T00:00:00Z", channel="hotline", category=None, priority="high"),
            ],
            {},
            {
                "intake.total": 3,
                "intake.by_channel": {"email": 1, "hotline": 2},
                "intake.by_category": {"billing": 1, "uncategorised": 2},
                "intake.by_priority": {"high": 2, "normal": 1},
            },
            id="counts per value, no zero keys, missing category is uncategorised",
        ),
        pytest.param(
            [ACKNOWLEDGED_AT_48H],
            {},
            {
                "acknowledgement.within_sla": 1,
                "acknowledgement.breached": 0,
                "acknowledgement.pending": 0,
                "acknowledgement.median_hours": 48.0,
                "acknowledgement.compliance_pct": 100.0,
            },
            id="exactly 48 h is within the target",
        ),
        pytest.param(
            [ACKNOWLEDGED_AT_48H_1S],
            {},
            {
                "acknowledgement.within_sla": 0,
                "acknowledgement.breached": 1,
                "acknowledgement.median_hours": 48 + 1 / 3600,
                "acknowledgement.compliance_pct": 0.0,
            },
            id="48 h and 1 s is breached",
        ),
        pytest.param(
            [UNACKNOWLEDGED],
            {"as_of": "2026-10-02T23:00:00Z"},
            {
                "acknowledgement.pending": 1,
                "acknowledgement.breached": 0,
                "acknowledgement.median_hours": None,
                "acknowledgement.compliance_pct": None,
            },
            id="unacknowledged 47 h by as_of is pending",
        ),
        pytest.param(
            [UNACKNOWLEDGED],
            {"as_of": "2026-10-03T00:00:00Z"},
            {"acknowledgement.pending": 1, "acknowledgement.breached": 0},
            id="unacknowledged exactly 48 h by as_of is still pending",
        ),
        pytest.param(
            [UNACKNOWLEDGED],
            {"as_of": "2026-10-03T00:00:01Z"},
            {
                "acknowledgement.pending": 0,
                "acknowledgement.breached": 1,
                "acknowledgement.compliance_pct": 0.0,
            },
            id="unacknowledged 48 h and 1 s by as_of is breached",
        ),
        pytest.param(
            [ACKNOWLEDGED_AT_48H],
            {"as_of": "2026-10-02T12:00:00Z"},
            {
                "acknowledgement.within_sla": 0,
                "acknowledgement.pending": 1,
                "acknowledgement.median_hours": None,
            },
            id="acknowledged after as_of is unacknowledged (pending)",
        ),
        pytest.param(
            [rec("2026-10-01T00:00:00Z", acknowledged_at="2026-10-06T00:00:00Z")],
            {"as_of": "2026-10-05T00:00:00Z"},
            {
                "acknowledgement.within_sla": 0,
                "acknowledgement.breached": 1,
                "acknowledgement.pending": 0,
                "acknowledgement.median_hours": None,
            },
            id="acknowledged after as_of is unacknowledged (breached, 96 h elapsed)",
        ),
        pytest.param(
            [ACKNOWLEDGED_AT_30H, UNACKNOWLEDGED],
            {"as_of": "2026-10-02T06:00:00Z", "target": 24},
            {
                "acknowledgement.within_sla": 0,
                "acknowledgement.breached": 2,
                "acknowledgement.pending": 0,
                "acknowledgement.compliance_pct": 0.0,
            },
            id="a 24 h target: 30 h acknowledged and 30 h waiting are breached",
        ),
        pytest.param(
            [ACKNOWLEDGED_AT_30H, UNACKNOWLEDGED],
            {"as_of": "2026-10-02T06:00:00Z", "target": 48},
            {
                "acknowledgement.within_sla": 1,
                "acknowledgement.breached": 0,
                "acknowledgement.pending": 1,
                "acknowledgement.compliance_pct": 100.0,
            },
            id="the same records with the 48 h default",
        ),
        pytest.param(
            [
                rec("2026-10-01T00:00:00Z", acknowledged_at=f"2026-10-01T0{hours}:00:00Z")
                for hours in (1, 2, 3, 4)
            ],
            {},
            {"acknowledgement.median_hours": 2.5, "acknowledgement.p90_hours": 3.7},
            id="acknowledgement percentiles interpolate linearly",
        ),
        pytest.param(
            [
                rec("2026-10-02T00:00:00Z", resolved_at=f"2026-10-02T0{hours}:00:00Z")
                for hours in (4, 1, 3, 2)
            ],
            {},
            {
                "resolution.resolved": 4,
                "resolution.median_hours": 2.5,
                "resolution.p90_hours": 3.7,
            },
            id="resolution percentiles interpolate linearly",
        ),
        pytest.param(
            [rec("2026-10-10T00:00:00Z", acknowledged_at="2026-10-10T01:00:00Z")],
            {"as_of": "2026-10-05T00:00:00Z"},
            {
                "intake.total": 0,
                "acknowledgement.pending": 0,
                "acknowledgement.breached": 0,
                "backlog_end_of_month": 0,
            },
            id="received after as_of does not exist",
        ),
        pytest.param(
            [
                RESOLVED_IN_OCTOBER,
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    due_at="2026-10-20T00:00:00Z",
                ),
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    due_at="2026-10-19T23:59:59Z",
                ),
            ],
            {},
            {
                "resolution.resolved": 3,
                "resolution.on_time": 1,
                "resolution.late": 1,
                "resolution.on_time_pct": 50.0,
            },
            id="resolved at due is on time, after is late, no due_at is neither",
        ),
        pytest.param(
            [RESOLVED_IN_OCTOBER],
            {},
            {"resolution.on_time": 0, "resolution.late": 0, "resolution.on_time_pct": None},
            id="no due_at: neither on time nor late, percentage null",
        ),
        pytest.param(
            [
                rec(
                    "2026-09-25T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    due_at="2026-11-30T00:00:00Z",
                )
            ],
            {"as_of": "2026-10-15T00:00:00Z"},
            {"resolution.resolved": 0, "resolution.on_time": 0, "backlog_end_of_month": 1},
            id="resolved after as_of is unresolved; due_at after as_of is not masked",
        ),
        pytest.param(
            [
                rec("2026-10-01T00:00:00Z"),
                rec("2026-10-02T00:00:00Z", resolved_at="2026-10-10T00:00:00Z"),
                rec("2026-10-03T00:00:00Z", resolved_at="2026-10-20T00:00:00Z"),
                rec("2026-10-16T00:00:00Z"),
                rec("2026-09-10T00:00:00Z"),
                rec("2026-09-10T00:00:00Z", resolved_at="2026-09-20T00:00:00Z"),
            ],
            {"as_of": "2026-10-15T00:00:00Z"},
            {"backlog_end_of_month": 3, "intake.total": 3, "resolution.resolved": 1},
            id="backlog with as_of inside the month is cut off at as_of",
        ),
        pytest.param(
            [
                rec("2026-10-01T00:00:00Z"),
                rec("2026-10-02T00:00:00Z", resolved_at="2026-10-10T00:00:00Z"),
                rec("2026-10-03T00:00:00Z", resolved_at="2026-10-20T00:00:00Z"),
                rec("2026-10-16T00:00:00Z"),
                rec("2026-09-10T00:00:00Z"),
                rec("2026-09-10T00:00:00Z", resolved_at="2026-09-20T00:00:00Z"),
                rec("2026-10-31T12:00:00Z", resolved_at="2026-10-31T18:00:00Z"),
                rec("2026-11-05T00:00:00Z"),
            ],
            {"as_of": AFTER_OCTOBER},
            {"backlog_end_of_month": 4},
            id="backlog at the local end of the month",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    responded_at="2026-11-02T00:00:00Z",
                    satisfaction_score=5,
                )
            ],
            {"month": "2026-11"},
            {"satisfaction.responses": 1, "satisfaction.mean_score": 5.0},
            id="no surveyed_at: survey time is responded_at",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    responded_at="2026-11-02T00:00:00Z",
                    satisfaction_score=5,
                )
            ],
            {"month": "2026-10"},
            {"satisfaction.responses": 0, "satisfaction.response_rate_pct": 100.0},
            id="responded_at in November: not an October response, still counts for the rate",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    satisfaction_score=3,
                )
            ],
            {"month": "2026-10"},
            {"satisfaction.responses": 1, "satisfaction.mean_score": 3.0},
            id="no surveyed_at nor responded_at: survey time is resolved_at",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    responded_at="2026-10-21T00:00:00Z",
                    surveyed_at="2026-12-01T00:00:00Z",
                    satisfaction_score=3,
                )
            ],
            {"month": "2026-10", "as_of": "2026-12-05T00:00:00Z"},
            {"satisfaction.responses": 0},
            id="surveyed_at wins over responded_at",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    surveyed_at="2026-11-25T00:00:00Z",
                    satisfaction_score=3,
                )
            ],
            {"month": "2026-10", "as_of": AFTER_OCTOBER},
            {"satisfaction.responses": 0, "satisfaction.response_rate_pct": 0.0},
            id="survey after as_of is absent; resolved_at is not a fallback for it",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    surveyed_at="2026-10-21T00:00:00Z",
                )
            ],
            {},
            {
                "satisfaction.responses": 0,
                "satisfaction.mean_score": None,
                "satisfaction.csat_pct": None,
                "satisfaction.response_rate_pct": 0.0,
            },
            id="a comment without a score is not a response",
        ),
        pytest.param(
            [
                rec("2026-10-01T00:00:00Z", surveyed_at="2026-10-05T00:00:00Z", **extra)
                for extra in ({"satisfaction_score": 5}, {"satisfaction_score": 4})
            ]
            + [
                rec(
                    "2026-09-01T00:00:00Z", surveyed_at="2026-10-05T00:00:00Z", satisfaction_score=2
                )
            ],
            {},
            {
                "satisfaction.responses": 3,
                "satisfaction.mean_score": 11 / 3,
                "satisfaction.csat_pct": 200 / 3,
                "satisfaction.response_rate_pct": None,
            },
            id="mean and CSAT over responses whose survey time is in the month",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    surveyed_at="2026-11-10T00:00:00Z",
                    satisfaction_score=4,
                ),
                RESOLVED_IN_OCTOBER,
            ],
            {"as_of": AFTER_OCTOBER},
            {"satisfaction.response_rate_pct": 50.0, "satisfaction.responses": 0},
            id="response rate counts a survey given in a later month",
        ),
        pytest.param(
            [
                rec(
                    "2026-10-01T00:00:00Z",
                    resolved_at="2026-10-20T00:00:00Z",
                    surveyed_at="2026-11-10T00:00:00Z",
                    satisfaction_score=4,
                ),
                RESOLVED_IN_OCTOBER,
            ],
            {"as_of": "2026-11-05T00:00:00Z"},
            {"satisfaction.response_rate_pct": 0.0},
            id="response rate ignores a survey given after as_of",
        ),
    ],
)
def test_monthly_report(
    rows: list[dict[str, Any]], options: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert_values(report(rows, **options), expected)


@pytest.mark.parametrize(
    ("rows", "as_of", "expected"),
    [
        pytest.param([], "2026-10-02T12:00:00+07:00", EMPTY_MONTH, id="no records at all"),
        pytest.param(
            [rec("2026-10-01T00:00:00Z", resolved_at="2026-10-01T05:00:00Z")],
            "2026-10-02T05:00:00+00:00",
            EMPTY_MONTH,
            id="records only in another month, as_of given in UTC",
        ),
        pytest.param(
            [rec("2026-05-10T00:00:00Z", satisfaction_score=5)],
            "2026-05-01T00:00:00+00:00",
            {**EMPTY_MONTH, "as_of": "2026-05-01T07:00:00+07:00"},
            id="a May record received after as_of does not exist",
        ),
    ],
)
def test_empty_month_is_the_documented_json(
    rows: list[dict[str, Any]], as_of: str, expected: dict[str, Any]
) -> None:
    assert report(rows, month="2026-05", as_of=as_of) == expected


def test_empty_month_serialises_in_documented_key_order() -> None:
    result = report([], month="2026-05", as_of="2026-10-02T12:00:00+07:00")
    assert json.dumps(result) == json.dumps(EMPTY_MONTH)


@pytest.mark.parametrize("dtype", ["Int64", "float64"])
def test_scores_as_nullable_int_or_float(dtype: Any) -> None:
    records = frame(
        [
            rec("2026-10-01T00:00:00Z", surveyed_at="2026-10-05T00:00:00Z", satisfaction_score=4),
            rec("2026-10-01T00:00:00Z", surveyed_at="2026-10-05T00:00:00Z"),
        ]
    )
    records["satisfaction_score"] = records["satisfaction_score"].astype(dtype)
    result = monthly_report(
        records, month="2026-10", as_of=datetime(2026, 11, 1, tzinfo=UTC), tz=HCM
    )
    assert result["satisfaction"] == {
        "responses": 1,
        "mean_score": 4.0,
        "csat_pct": 100.0,
        "response_rate_pct": None,
    }


@pytest.mark.parametrize(
    ("month", "tz", "expected"),
    [
        ("2026-10", HCM, ("2026-09-30T17:00:00+00:00", "2026-10-31T17:00:00+00:00")),
        ("2026-12", HCM, ("2026-11-30T17:00:00+00:00", "2026-12-31T17:00:00+00:00")),
        ("2026-02", UTC, ("2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00")),
        (
            "2026-03",
            ZoneInfo("Europe/Berlin"),
            ("2026-02-28T23:00:00+00:00", "2026-03-31T22:00:00+00:00"),
        ),
    ],
)
def test_month_bounds(month: str, tz: Any, expected: tuple[str, str]) -> None:
    start, end = month_bounds(month, tz)
    assert (start.isoformat(), end.isoformat()) == expected


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-10", "2026/10", "october"])
def test_month_bounds_rejects(month: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_bounds(month, HCM)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4], 50, 2.5),
        ([1, 2, 3, 4], 90, 3.7),
        ([4, 1, 3, 2], 90, 3.7),
        ([5], 90, 5.0),
        ([1, np.nan, 3], 50, 2.0),
        ([], 50, None),
        ([np.nan], 90, None),
    ],
)
def test_percentile(values: list[float], q: float, expected: float | None) -> None:
    assert percentile(values, q) == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-10-01T00:00:00Z", "2026-10-03T00:00:00Z", 48.0),
        ("2026-10-01T00:00:00Z", "2026-10-01T00:30:00Z", 0.5),
        ("2026-10-01T00:00:00+07:00", "2026-10-01T00:00:00Z", 7.0),
    ],
)
def test_hours_between(start: str, end: str, expected: float) -> None:
    hours = hours_between(
        pd.Series(pd.to_datetime([start], utc=True)), pd.Series(pd.to_datetime([end], utc=True))
    )
    assert hours.tolist() == [expected]


def test_hours_between_absent_is_nan() -> None:
    hours = hours_between(
        pd.Series(pd.to_datetime(["2026-10-01T00:00:00Z"], utc=True)),
        pd.Series([pd.NaT], dtype="datetime64[us, UTC]"),
    )
    assert np.isnan(hours.iloc[0])


def test_naive_as_of_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        monthly_report(frame([]), month="2026-10", as_of=datetime(2026, 11, 1), tz=HCM)
