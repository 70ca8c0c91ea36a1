"""The metric contract of docs METRICS.md, as pure functions of a frame of records.

`records` holds one row per feedback: the UTC-aware timestamps `received_at`,
`acknowledged_at`, `due_at`, `resolved_at`, `responded_at` and `surveyed_at` (NaT
when absent), `channel`, `category` (the human label, else the model's prediction,
else None), `category_source`, `priority` and the survey's `satisfaction_score`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

import numpy as np
import pandas as pd

from feedback_analytics.ingest.values import TIMESTAMPS

TIMESTAMP_COLUMNS = TIMESTAMPS
RECORD_COLUMNS = (
    *TIMESTAMP_COLUMNS,
    "channel",
    "category",
    "category_source",
    "priority",
    "satisfaction_score",
)
# Events that have not happened yet at as_of; due_at is a promise, so it is never masked.
EVENT_COLUMNS = ("acknowledged_at", "resolved_at", "responded_at", "surveyed_at")
UNCATEGORISED = "uncategorised"
SATISFIED_SCORES = (4, 5)


def month_bounds(month: str, tz: tzinfo) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the UTC start (inclusive) and end (exclusive) of a "YYYY-MM" local month."""
    try:
        if len(month) != 7 or month[4] != "-":
            raise ValueError(month)
        year, number = int(month[:4]), int(month[5:])
        start = datetime(year, number, 1, tzinfo=tz)
    except ValueError as error:
        raise ValueError(f"month must be YYYY-MM, got {month!r}") from error
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")


def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Return `end - start` in calendar hours as floats (NaN where either is absent)."""
    return (end - start).dt.total_seconds() / 3600


def percentile(values: Sequence[float] | pd.Series | np.ndarray, q: float) -> float | None:
    """Return the q-th percentile (0-100, linear interpolation) of the values, None if none."""
    array = np.asarray(values, dtype="float64")
    array = array[~np.isnan(array)]
    if array.size == 0:
        return None
    return float(np.percentile(array, q))


def records_as_of(records: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Return the records received by as_of, later events blanked, with their survey_time."""
    missing = [column for column in RECORD_COLUMNS if column not in records.columns]
    if missing:
        raise ValueError(f"records lack the columns {missing}")
    instant = _utc_instant(as_of)
    frame = records.copy()
    for column in TIMESTAMP_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["survey_time"] = choose_survey_time(frame)
    frame = frame[frame["received_at"] <= instant].copy()
    for column in (*EVENT_COLUMNS, "survey_time"):
        frame[column] = frame[column].where(frame[column] <= instant)
    frame["satisfaction_score"] = frame["satisfaction_score"].to_numpy(
        dtype="float64", na_value=np.nan
    )
    return frame


def choose_survey_time(records: pd.DataFrame) -> pd.Series:
    """Return each record's survey time: surveyed_at, else responded_at, else resolved_at."""
    return records["surveyed_at"].fillna(records["responded_at"]).fillna(records["resolved_at"])


def monthly_report(
    records: pd.DataFrame,
    *,
    month: str,
    as_of: datetime,
    tz: tzinfo,
    ack_target_hours: float = 48.0,
) -> dict[str, Any]:
    """Return the `report --json` object of METRICS.md for one company-local month."""
    start, end = month_bounds(month, tz)
    instant = _utc_instant(as_of)
    frame = records_as_of(records, as_of=instant)
    return {
        "month": month,
        "as_of": as_of.astimezone(tz).isoformat(),
        "intake": _intake(frame[_within(frame["received_at"], start, end)]),
        "acknowledgement": _acknowledgement(
            frame[_within(frame["received_at"], start, end)],
            as_of=instant,
            target=pd.Timedelta(hours=ack_target_hours),
        ),
        "resolution": _resolution(frame[_within(frame["resolved_at"], start, end)]),
        "backlog_end_of_month": _backlog(frame, cut_off=min(end, instant)),
        "satisfaction": _satisfaction(frame, start=start, end=end),
    }


def _utc_instant(moment: datetime) -> pd.Timestamp:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("as_of must be an aware datetime")
    return pd.Timestamp(moment).tz_convert("UTC")


def _within(stamps: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    return (stamps >= start) & (stamps < end)


def _percentage(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100 * part / whole


def _counts(values: pd.Series) -> dict[str, int]:
    counts = values.dropna().value_counts()
    return {str(key): int(count) for key, count in sorted(counts.items()) if count > 0}


def _intake(cohort: pd.DataFrame) -> dict[str, Any]:
    return {
        "total": len(cohort),
        "by_channel": _counts(cohort["channel"]),
        "by_category": _counts(cohort["category"].astype("object").fillna(UNCATEGORISED)),
        "by_priority": _counts(cohort["priority"]),
    }


def _acknowledgement(
    cohort: pd.DataFrame, *, as_of: pd.Timestamp, target: timedelta
) -> dict[str, Any]:
    acknowledged = cohort["acknowledged_at"].notna()
    delay = cohort["acknowledged_at"] - cohort["received_at"]
    overdue = (as_of - cohort["received_at"]) > target
    hours = hours_between(cohort["received_at"], cohort["acknowledged_at"])[acknowledged]
    within_sla = int((acknowledged & (delay <= target)).sum())
    breached = int((acknowledged & (delay > target)).sum() + (~acknowledged & overdue).sum())
    return {
        "median_hours": percentile(hours, 50),
        "p90_hours": percentile(hours, 90),
        "within_sla": within_sla,
        "breached": breached,
        "pending": int((~acknowledged & ~overdue).sum()),
        "compliance_pct": _percentage(within_sla, within_sla + breached),
    }


def _resolution(cohort: pd.DataFrame) -> dict[str, Any]:
    hours = hours_between(cohort["received_at"], cohort["resolved_at"])
    on_time = int((cohort["resolved_at"] <= cohort["due_at"]).sum())
    late = int((cohort["resolved_at"] > cohort["due_at"]).sum())
    return {
        "resolved": len(cohort),
        "median_hours": percentile(hours, 50),
        "p90_hours": percentile(hours, 90),
        "on_time": on_time,
        "late": late,
        "on_time_pct": _percentage(on_time, on_time + late),
    }


def _backlog(frame: pd.DataFrame, *, cut_off: pd.Timestamp) -> int:
    received = frame["received_at"] < cut_off
    open_at_cut_off = ~(frame["resolved_at"] < cut_off)
    return int((received & open_at_cut_off).sum())


def _satisfaction(frame: pd.DataFrame, *, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, Any]:
    # A comment without a score is not a response; survey_time is already blank after as_of.
    responded = frame["satisfaction_score"].notna() & frame["survey_time"].notna()
    scores = frame.loc[responded & _within(frame["survey_time"], start, end), "satisfaction_score"]
    responses = len(scores)
    resolved = _within(frame["resolved_at"], start, end)
    return {
        "responses": responses,
        "mean_score": float(scores.mean()) if responses else None,
        "csat_pct": _percentage(int(scores.isin(SATISFIED_SCORES).sum()), responses),
        "response_rate_pct": _percentage(int((resolved & responded).sum()), int(resolved.sum())),
    }
