"""The engine's entry points agree with each other: many months at once and one at a time,
breakdowns and subsets, selections and filtered frames, cohort masks and the counts they
explain. The rules themselves are checked on hand-made data in test_metrics.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from feedback_analytics.metrics import (
    COHORTS,
    RECORD_COLUMNS,
    RecordEvents,
    cohort_mask,
    last_complete_month,
    month_overview,
    monthly_figures,
    monthly_report,
    months_between,
    shift_month,
    trailing_months,
    wilson_interval,
)
from feedback_analytics.sla import flat_policy

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = datetime(2026, 10, 20, 9, 30, tzinfo=HCM)
MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]


def random_records(count: int, seed: int) -> pd.DataFrame:
    """Records over June to November 2026 with every event sometimes missing or late."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-06-01T00:00:00Z")
    received = start + pd.to_timedelta(rng.integers(0, 160 * 24 * 3600, count), unit="s")

    def later(share_present: float, max_hours: int) -> pd.Series:
        hours = pd.to_timedelta(rng.integers(0, max_hours * 3600, count), unit="s")
        present = rng.random(count) < share_present
        return pd.Series(received + hours).where(present)

    resolved = later(0.8, 400)
    records = pd.DataFrame(
        {
            "received_at": received,
            "acknowledged_at": later(0.85, 96),
            "due_at": later(0.7, 300),
            "resolved_at": resolved,
            "responded_at": pd.Series(resolved).where(rng.random(count) < 0.6)
            + pd.to_timedelta(rng.integers(0, 48, count), unit="h"),
            "surveyed_at": later(0.3, 500),
            "channel": rng.choice(["email", "hotline", "web_form"], count),
            "category": rng.choice(["VPN", "Billing", "Wi-Fi", None], count),
            "category_source": "human",
            "priority": rng.choice(["urgent", "high", "normal", "low"], count),
            "department": rng.choice(["Support", "Network", None], count),
            "product": rng.choice(["FW-500", "VPN Client"], count),
            "satisfaction_score": pd.Series(rng.integers(1, 6, count)).where(
                rng.random(count) < 0.5
            ),
        }
    )
    return records


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return random_records(4000, seed=7)


def test_many_months_at_once_equal_one_at_a_time(records: pd.DataFrame) -> None:
    together = monthly_figures(records, months=MONTHS, as_of=AS_OF, tz=HCM)
    for month in MONTHS:
        alone = monthly_report(records, month=month, as_of=AS_OF, tz=HCM)
        assert together[month][None].report == alone


@pytest.mark.parametrize("dimension", ["channel", "category", "priority", "department"])
def test_a_breakdown_value_has_the_report_of_its_records(
    records: pd.DataFrame, dimension: str
) -> None:
    figures = monthly_figures(records, months=["2026-09"], as_of=AS_OF, tz=HCM, by=dimension)
    values = figures["2026-09"]
    assert set(values) == {None if pd.isna(v) else v for v in records[dimension].unique()}
    for value, got in values.items():
        holding = records[dimension].isna() if value is None else records[dimension] == value
        expected = monthly_report(records[holding], month="2026-09", as_of=AS_OF, tz=HCM)
        assert got.report == expected


def test_a_selection_equals_the_filtered_frame(records: pd.DataFrame) -> None:
    chosen = (records["channel"] == "hotline") & (records["priority"] != "low")
    selected = monthly_figures(
        records, months=MONTHS, as_of=AS_OF, tz=HCM, selection=chosen.to_numpy()
    )
    filtered = monthly_figures(records[chosen], months=MONTHS, as_of=AS_OF, tz=HCM)
    assert {m: f[None].report for m, f in selected.items()} == {
        m: f[None].report for m, f in filtered.items()
    }


def test_prepared_events_give_the_same_figures(records: pd.DataFrame) -> None:
    events = RecordEvents.of(records, as_of=AS_OF, policy=flat_policy(48))
    assert monthly_figures(events, months=MONTHS, tz=HCM) == monthly_figures(
        records, months=MONTHS, as_of=AS_OF, tz=HCM
    )


def test_prepared_events_refuse_another_as_of(records: pd.DataFrame) -> None:
    events = RecordEvents.of(records, as_of=AS_OF, policy=flat_policy(48))
    with pytest.raises(ValueError, match="another instant"):
        monthly_figures(events, months=MONTHS, tz=HCM, as_of=datetime(2026, 1, 1, tzinfo=UTC))


def test_a_frame_needs_as_of(records: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="as_of is required"):
        monthly_figures(records, months=MONTHS, tz=HCM)


# Each cohort and the count of the report it explains.
COUNTED: dict[str, Any] = {
    "intake": lambda f: f.report["intake"]["total"],
    "acknowledged": lambda f: f.acknowledged,
    "acknowledgement_due": lambda f: (
        f.report["acknowledgement"]["within_sla"] + f.report["acknowledgement"]["breached"]
    ),
    "acknowledged_within": lambda f: f.report["acknowledgement"]["within_sla"],
    "acknowledgement_breached": lambda f: f.report["acknowledgement"]["breached"],
    "acknowledgement_pending": lambda f: f.report["acknowledgement"]["pending"],
    "eta_given": lambda f: f.eta_given,
    "resolved": lambda f: f.report["resolution"]["resolved"],
    "resolved_with_due": lambda f: (
        f.report["resolution"]["on_time"] + f.report["resolution"]["late"]
    ),
    "on_time": lambda f: f.report["resolution"]["on_time"],
    "late": lambda f: f.report["resolution"]["late"],
    "response_sent": lambda f: f.response_sent,
    "backlog": lambda f: f.report["backlog_end_of_month"],
    "survey_responses": lambda f: f.report["satisfaction"]["responses"],
    "satisfied": lambda f: f.satisfied,
}


def test_every_cohort_is_counted() -> None:
    assert set(COUNTED) == set(COHORTS)


@pytest.mark.parametrize("cohort", COHORTS)
@pytest.mark.parametrize("month", ["2026-09", "2026-10"])
def test_the_records_behind_a_number_are_as_many_as_it_counts(
    records: pd.DataFrame, cohort: str, month: str
) -> None:
    figures = monthly_figures(records, months=[month], as_of=AS_OF, tz=HCM)[month][None]
    mask = cohort_mask(records, cohort=cohort, month=month, as_of=AS_OF, tz=HCM)
    assert mask.dtype == bool and len(mask) == len(records)
    assert int(mask.sum()) == COUNTED[cohort](figures)
    # The random data exercises every cohort; nothing of September is pending on 20 October.
    assert COUNTED[cohort](figures) > 0 or (cohort, month) == ("acknowledgement_pending", "2026-09")


def test_an_unknown_cohort_is_refused(records: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown cohort"):
        cohort_mask(records, cohort="everything", month="2026-09", as_of=AS_OF, tz=HCM)


def test_the_scorecard_shares_come_from_the_month(records: pd.DataFrame) -> None:
    figures = monthly_figures(records, months=["2026-09"], as_of=AS_OF, tz=HCM)["2026-09"][None]
    card = figures.scorecard()
    report = figures.report
    assert card["eta_met"].count == report["resolution"]["on_time"]
    assert card["eta_met"].pct == pytest.approx(report["resolution"]["on_time_pct"])
    assert card["acknowledged_within_target"].pct == pytest.approx(
        report["acknowledgement"]["compliance_pct"]
    )
    assert card["eta_given"].of == report["intake"]["total"]
    assert card["response_sent"].of == report["resolution"]["resolved"]
    assert 0 < card["response_sent"].count <= card["response_sent"].of


def test_the_overview_holds_the_trend_the_previous_month_and_breakdowns(
    records: pd.DataFrame,
) -> None:
    overview = month_overview(records, month="2026-10", as_of=AS_OF, tz=HCM, trend_months=3)
    assert overview.months == ["2026-08", "2026-09", "2026-10"]
    assert overview.current.report == monthly_report(records, month="2026-10", as_of=AS_OF, tz=HCM)
    assert overview.previous.report["month"] == "2026-09"
    assert set(overview.breakdowns) == {"channel", "category", "priority", "department", "product"}
    total = sum(f.report["intake"]["total"] for f in overview.breakdowns["channel"].values())
    assert total == overview.current.report["intake"]["total"]


def test_an_overview_of_an_empty_store() -> None:
    empty = random_records(0, seed=1)
    overview = month_overview(empty, month="2026-10", as_of=AS_OF, tz=HCM)
    assert overview.current.report["intake"]["total"] == 0
    assert overview.current.report["satisfaction"]["csat_pct"] is None
    assert overview.breakdowns["channel"] == {}


def test_the_previous_month_is_there_even_outside_the_trend(records: pd.DataFrame) -> None:
    overview = month_overview(records, month="2026-10", as_of=AS_OF, tz=HCM, trend=["2026-10"])
    assert overview.months == ["2026-10"]
    assert overview.previous.report["month"] == "2026-09"


def test_record_columns_are_required() -> None:
    with pytest.raises(ValueError, match="lack the columns"):
        monthly_report(pd.DataFrame({"received_at": []}), month="2026-10", as_of=AS_OF, tz=HCM)
    assert "satisfaction_score" in RECORD_COLUMNS


@pytest.mark.parametrize(
    ("successes", "trials"),
    [(0, 1), (1, 1), (3, 10), (75, 100), (0, 50), (50, 50), (28_000, 30_000)],
)
def test_wilson_interval_matches_scipy(successes: int, trials: int) -> None:
    expected = binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    low, high = wilson_interval(successes, trials) or (None, None)
    assert low == pytest.approx(100 * expected.low, abs=1e-9)
    assert high == pytest.approx(100 * expected.high, abs=1e-9)


def test_wilson_interval_of_nothing_is_none() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


@pytest.mark.parametrize(
    ("month", "shift", "expected"),
    [
        ("2026-10", -1, "2026-09"),
        ("2026-01", -1, "2025-12"),
        ("2026-12", 1, "2027-01"),
        ("2026-10", -22, "2024-12"),
        ("2026-10", 0, "2026-10"),
    ],
)
def test_shift_month(month: str, shift: int, expected: str) -> None:
    assert shift_month(month, shift) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (datetime(2026, 11, 1, 0, 0, tzinfo=HCM), "2026-10"),
        # 31 Oct 17:30 UTC is already 1 November in Ho Chi Minh City.
        (datetime(2026, 10, 31, 17, 30, tzinfo=UTC), "2026-10"),
        (datetime(2026, 10, 31, 16, 59, tzinfo=UTC), "2026-09"),
        (datetime(2026, 1, 15, tzinfo=HCM), "2025-12"),
    ],
)
def test_last_complete_month_is_in_company_time(as_of: datetime, expected: str) -> None:
    assert last_complete_month(as_of, HCM) == expected


def test_trailing_and_between_months() -> None:
    assert trailing_months("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-02", "2025-11") == []


@pytest.mark.parametrize("dimension", ["category", "channel", "department"])
def test_intake_by_month_equals_each_months_report(records: pd.DataFrame, dimension: str) -> None:
    from feedback_analytics.metrics import intake_by_month

    events = RecordEvents.of(records, as_of=AS_OF, policy=flat_policy(48))
    counts = intake_by_month(events, dimension=dimension, months=MONTHS, tz=HCM)
    key = f"by_{dimension}"
    for month in MONTHS:
        report = monthly_report(records, month=month, as_of=AS_OF, tz=HCM)
        got = counts[counts["month"] == month].set_index("value")["count"].to_dict()
        if key in report["intake"]:
            assert got == report["intake"][key]
        assert sum(got.values()) == report["intake"]["total"]


def test_intake_by_month_uses_company_months_and_hides_the_future() -> None:
    from feedback_analytics.metrics import intake_by_month
    from tests.metric_records import frame, rec

    records = frame(
        [
            # 23:30 UTC on 30 September is 06:30 on 1 October in company time.
            rec("2026-09-30T23:30:00Z", category="VPN"),
            rec("2026-09-30T16:59:00Z", category=None),
            rec("2026-10-25T00:00:00Z", category="VPN"),  # after as_of: not received yet
        ]
    )
    events = RecordEvents.of(records, as_of=AS_OF, policy=flat_policy(48))
    counts = intake_by_month(events, dimension="category", months=["2026-09", "2026-10"], tz=HCM)
    assert counts.to_dict("records") == [
        {"month": "2026-09", "value": "uncategorised", "count": 1},
        {"month": "2026-10", "value": "VPN", "count": 1},
    ]
