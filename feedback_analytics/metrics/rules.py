"""The rules every figure shares, each defined once: the record's columns, company months,
as_of (what has happened by then), the survey time, percentages, percentiles and intervals.

The monthly contract (`contract`) and the operations figures (`operations`) both use these;
neither spells a rule of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from statistics import NormalDist

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
# A survey's time: the first of these that is set.
SURVEY_TIME_COLUMNS = ("surveyed_at", "responded_at", "resolved_at")
UNCATEGORISED = "uncategorised"
SATISFIED_SCORES = (4, 5)
# The columns a report can be broken down by, and the filters of the pages.
DIMENSIONS = ("channel", "category", "priority", "department", "product")


# --- company months -----------------------------------------------------------------------


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


def shift_month(month: str, months: int) -> str:
    """Return the "YYYY-MM" month `months` after (or, negative, before) `month`."""
    start, _ = month_bounds(month, UTC)
    index = start.year * 12 + start.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(moment: datetime, tz: tzinfo) -> str:
    """Return the "YYYY-MM" company-local month of an aware instant."""
    return moment.astimezone(tz).strftime("%Y-%m")


def last_complete_month(as_of: datetime, tz: tzinfo) -> str:
    """Return the last month that ended at or before as_of, in company time."""
    return shift_month(month_of(as_of, tz), -1)


def trailing_months(month: str, count: int = 12) -> list[str]:
    """Return the `count` months ending with `month`, oldest first."""
    return [shift_month(month, offset) for offset in range(1 - count, 1)]


def months_between(first: str, last: str) -> list[str]:
    """Return the months from `first` to `last`, both included, oldest first."""
    start, _ = month_bounds(first, UTC)
    end, _ = month_bounds(last, UTC)
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    return [shift_month(first, offset) for offset in range(max(count, 0))]


def month_numbers(stamps: pd.Series, tz: tzinfo) -> np.ndarray:
    """Return year * 100 + month of each instant in company time (0 where there is none)."""
    # Numbers, not text: formatting a million timestamps costs seconds.
    local = stamps.dt.tz_convert(tz)
    numbers = local.dt.year * 100 + local.dt.month
    return numbers.fillna(0).to_numpy(dtype=np.int64)


def month_number(month: str) -> int:
    """Return year * 100 + month of a "YYYY-MM" month, as month_numbers gives it."""
    return int(month[:4]) * 100 + int(month[5:7])


# --- as_of ----------------------------------------------------------------------------------


def utc_instant(moment: datetime) -> pd.Timestamp:
    """Return an aware instant as a UTC Timestamp; a naive one is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("as_of must be an aware datetime")
    return pd.Timestamp(moment).tz_convert("UTC")


def received_by(facts: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """Return the records that exist at `as_of` (received at or before it)."""
    return facts[facts["received_at"] <= pd.Timestamp(as_of)]


def happened(facts: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """Return the records that exist at `as_of`, with every event stamped after it absent."""
    kept = received_by(facts, as_of).copy()
    limit = pd.Timestamp(as_of)
    for column in EVENT_COLUMNS:
        if column in kept:
            kept[column] = kept[column].where(kept[column] <= limit)
    return kept


def survey_time(facts: pd.DataFrame) -> pd.Series:
    """Return each record's survey time: surveyed_at, else responded_at, else resolved_at
    (chosen before as_of hides anything)."""
    first, *fallbacks = SURVEY_TIME_COLUMNS
    chosen = facts[first]
    for column in fallbacks:
        chosen = chosen.fillna(facts[column])
    return chosen


# --- sizes ----------------------------------------------------------------------------------


def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Return `end - start` in calendar hours as floats (NaN where either is absent)."""
    return (end - start).dt.total_seconds() / 3600


def percentage(part: int, whole: int) -> float | None:
    """Return 100 * part / whole; None over nothing (METRICS.md: null, never 0)."""
    return None if whole == 0 else 100 * part / whole


def share_pct(flags: pd.Series) -> float | None:
    """Return the percentage of True among the known (non-null) flags; None when none is."""
    known = flags.dropna()
    return percentage(int(known.astype(bool).sum()), len(known))


def percentile(values: Sequence[float] | pd.Series | np.ndarray, q: float) -> float | None:
    """Return the q-th percentile (0-100, linear interpolation) of the values, None if none."""
    array = np.asarray(values, dtype="float64")
    array = array[~np.isnan(array)]
    if array.size == 0:
        return None
    return float(np.percentile(array, q))


def csat_pct(scores: pd.Series) -> float | None:
    """Return the share of scores of 4 or 5, in percent; None over no scores."""
    return percentage(int(scores.isin(SATISFIED_SCORES).sum()), len(scores))


def wilson_interval(
    successes: int, trials: int, *, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Return the Wilson score interval of a proportion, in percent; None over no trials."""
    if trials == 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be within 0..{trials}, got {successes}")
    # The closed form (Wilson 1927); the normal quantile comes from the standard library,
    # which spares the dashboard importing SciPy (over a second) for one number.
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    margin = (z / (1 + z * z / trials)) * math.sqrt(
        share * (1 - share) / trials + z * z / (4 * trials * trials)
    )
    return 100 * max(0.0, centre - margin), 100 * min(1.0, centre + margin)
