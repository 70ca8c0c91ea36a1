"""The figures of the operations pages, as pure functions of the facts frame (facts.py).

Intake counts records by the period they were received in (days, weeks from Monday and
months in company local time) and flags spikes; processing measures acknowledgement and
resolution against the SLA policy (feedback_analytics.sla) and lists what a team must work
on; satisfaction summarises survey responses. Every rule of METRICS.md holds here too: a
record received after `as_of` does not exist, an event stamped after it has not happened, a
survey's time is its surveyed_at, else the record's responded_at, else its resolved_at, and
a figure over no records is None, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

import numpy as np
import pandas as pd

from feedback_analytics.metrics.contract import RecordEvents, monthly_figures
from feedback_analytics.metrics.rules import (
    SATISFIED_SCORES,
    UNCATEGORISED,
    csat_pct,
    happened,
    month_bounds,
    month_number,
    month_numbers,
    percentage,
    percentile,
    received_by,
    share_pct,
    survey_time,
)
from feedback_analytics.sla import SlaPolicy

PERIODS = ("day", "week", "month")
SPIKE_PERIODS = ("week", "month")
# How many earlier periods make a category's own baseline.
SPIKE_HISTORY = {"week": 8, "month": 12}
# A spike is a count this many spreads above the baseline...
SPIKE_Z = 3.0
# ...and at least this many records and this many times the baseline: three records where
# one is usual is noise to a team, however unlikely.
SPIKE_MIN_COUNT = 5
SPIKE_MIN_RATIO = 1.5
# Not yet acknowledged and this share of the target gone: at risk.
AT_RISK_SHARE = 0.75
WEEKDAYS = 7
HOURS = 24


def _local(stamps: pd.Series, tz: tzinfo) -> pd.Series:
    return stamps.dt.tz_convert(tz).dt.tz_localize(None)


def period_start(stamps: pd.Series, period: str, tz: tzinfo) -> pd.Series:
    """Return the local start of the day, week (Monday) or month of each instant."""
    day = _local(stamps, tz).dt.normalize()
    if period == "day":
        return day
    if period == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if period == "month":
        return day.dt.to_period("M").dt.start_time
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def labelled(facts: pd.DataFrame, dimension: str) -> pd.Series:
    """Return the values of `dimension` as the pages count them: an empty category is
    "uncategorised", another empty value ""."""
    values = facts[dimension].astype(object)
    return values.where(values.notna(), UNCATEGORISED if dimension == "category" else "")


def volume(
    facts: pd.DataFrame,
    *,
    period: str,
    tz: tzinfo,
    as_of: datetime,
    by: str | None = None,
    since: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Return the records received per period (from local `since`), and per value of `by`:
    columns period, [value,] count; periods and values without records are left out."""
    kept = received_by(facts, as_of)
    starts = period_start(kept["received_at"], period, tz)
    if since is not None:
        kept, starts = kept[starts >= since], starts[starts >= since]
    keys = [starts.rename("period")]
    if by is not None:
        keys.append(labelled(kept, by).rename("value"))
    counts = kept.groupby(keys, observed=True).size().rename("count").reset_index()
    return counts.sort_values(["period", "value"][: len(keys)], ignore_index=True)


def volume_ids(
    facts: pd.DataFrame,
    *,
    period: str,
    start: datetime | str,
    tz: tzinfo,
    as_of: datetime,
    by: str | None = None,
    value: object = None,
) -> pd.Series:
    """Return the ids of the records behind a bar of `volume`: received in the period that
    starts at local `start` (a naive local time, or its ISO text), by `as_of`, and with `value`
    of `by` as `labelled` names it (any value without `by`); newest first."""
    kept = received_by(facts, as_of)
    inside = period_start(kept["received_at"], period, tz) == pd.Timestamp(start)
    if by is not None:
        inside &= labelled(kept, by) == value
    return kept[inside].sort_values("received_at", ascending=False)["id"]


def weekday_hour(
    facts: pd.DataFrame, *, tz: tzinfo, as_of: datetime, since: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Return the records received per local weekday (rows, Monday first) and hour (columns)."""
    kept = received_by(facts, as_of)
    local = _local(kept["received_at"], tz)
    if since is not None:
        local = local[local >= since]
    counts = pd.crosstab(local.dt.day_of_week, local.dt.hour)
    return counts.reindex(index=range(WEEKDAYS), columns=range(HOURS), fill_value=0)


def weekday_hour_ids(
    facts: pd.DataFrame,
    *,
    weekday: int,
    hour: int,
    tz: tzinfo,
    as_of: datetime,
    since: pd.Timestamp | None = None,
) -> pd.Series:
    """Return the ids of the records behind a cell of `weekday_hour`: received by `as_of`
    (from local `since`) on local `weekday` (0 Monday) in local `hour`; newest first."""
    kept = received_by(facts, as_of)
    local = _local(kept["received_at"], tz)
    inside = (local.dt.day_of_week == int(weekday)) & (local.dt.hour == int(hour))
    if since is not None:
        inside &= local >= since
    return kept[inside].sort_values("received_at", ascending=False)["id"]


@dataclass(frozen=True)
class Window:
    """A period of a spike check: where it starts and how much of it had passed at as_of."""

    start: pd.Timestamp
    elapsed: pd.Timedelta


def spike_windows(period: str, as_of: datetime, tz: tzinfo, history: int) -> list[Window]:
    """Return the current period (last) and the `history` before it, each cut to the part of
    it that had passed at `as_of` in the current one, so a Tuesday compares with Tuesdays."""
    now = pd.Timestamp(as_of).tz_convert(tz).tz_localize(None)
    current = period_start(pd.Series([pd.Timestamp(as_of)]), period, tz).iloc[0]
    elapsed = now - current
    offset = pd.DateOffset(weeks=1) if period == "week" else pd.DateOffset(months=1)
    starts = [current - offset * back for back in range(history, -1, -1)]
    return [Window(start, elapsed) for start in starts]


def spikes(
    facts: pd.DataFrame,
    *,
    period: str,
    tz: tzinfo,
    as_of: datetime,
    history: int | None = None,
    z: float = SPIKE_Z,
    min_count: int = SPIKE_MIN_COUNT,
    min_ratio: float = SPIKE_MIN_RATIO,
) -> pd.DataFrame:
    """Return each category's count in the current week or month so far beside its own
    baseline: the median of the same part of each of its previous periods (8 weeks or 12
    months), with a spread of 1.4826 x the median absolute deviation, at least the square
    root of the median (counts vary that much by chance). `flagged` when the count is `z`
    spreads above the baseline, at least `min_count` and `min_ratio` times the baseline.

    Columns: category, count, baseline, spread, threshold, ratio (None for a baseline of 0),
    z (spreads above the baseline), flagged, periods (the counts of the earlier periods,
    oldest first). Flagged first, then by z.
    """
    if period not in SPIKE_PERIODS:
        raise ValueError(f"spikes are checked per {' or '.join(SPIKE_PERIODS)}, not {period!r}")
    windows = spike_windows(period, as_of, tz, history or SPIKE_HISTORY[period])
    kept = received_by(facts, as_of)
    local = _local(kept["received_at"], tz)
    category = labelled(kept, "category")
    columns = {}
    for number, window in enumerate(windows):
        inside = (local >= window.start) & (local < window.start + window.elapsed)
        columns[number] = category[inside].value_counts()
    table = pd.DataFrame(columns).fillna(0).astype(int)
    empty = pd.DataFrame(columns=["category", "count", "baseline", "flagged"])
    if table.empty:
        return empty
    earlier, now = table.iloc[:, :-1], table.iloc[:, -1]
    baseline = earlier.median(axis=1)
    mad = earlier.sub(baseline, axis=0).abs().median(axis=1) * 1.4826
    spread = np.maximum(mad, np.sqrt(baseline.clip(lower=1)))
    threshold = baseline + z * spread
    ratio = (now / baseline).where(baseline > 0)
    flagged = (now > threshold) & (now >= min_count) & (ratio.isna() | (ratio >= min_ratio))
    result = pd.DataFrame(
        {
            "category": table.index.astype(str),
            "count": now.to_numpy(),
            "baseline": baseline.to_numpy(),
            "spread": spread.to_numpy(),
            "threshold": threshold.to_numpy(),
            "ratio": ratio.astype(object).where(ratio.notna(), None).to_numpy(),
            "z": ((now - baseline) / spread).to_numpy(),
            "flagged": flagged.to_numpy(),
            "periods": [list(map(int, row)) for row in earlier.to_numpy()],
        }
    )
    return result.sort_values(["flagged", "z"], ascending=False, ignore_index=True)


def flagged_spikes(found: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of `spikes` that are flagged, in its order."""
    if found.empty:
        return found
    return found[found["flagged"].astype(bool)]


def durations(
    facts: pd.DataFrame,
    policy: SlaPolicy,
    *,
    tz: tzinfo,
    as_of: datetime,
    events: RecordEvents | None = None,
) -> pd.DataFrame:
    """Return per existing record its hours to acknowledgement and resolution as the policy
    counts them, the targets of its priority, and whether each was kept (None: not yet known).

    ack_within: acknowledged within the target; False too when unacknowledged past it (the
    contract's `within` and `breached`, so that this page and the report agree).
    resolution_within: resolved within the priority's resolution target (None without one).
    on_time: resolved at or before due_at, the time promised to the customer.
    `events`, the facts already prepared against the policy (RecordEvents), saves preparing
    them again.
    """
    events = RecordEvents.prepare(
        facts if events is None else events, as_of=as_of, policy=policy, tz=tz
    )
    kept = happened(facts, as_of)
    now = pd.Series(pd.Timestamp(as_of), index=kept.index)
    frame = kept[["id", "received_at", "channel", "priority", "department", "product"]].copy()
    frame["category"] = labelled(kept, "category")
    frame["ack_hours"] = policy.elapsed_hours(kept["received_at"], kept["acknowledged_at"], tz)
    frame["resolution_hours"] = policy.elapsed_hours(kept["received_at"], kept["resolved_at"], tz)
    frame["age_hours"] = policy.elapsed_hours(kept["received_at"], now, tz)
    frame["ack_target"] = policy.ack_target_series(kept["priority"])
    frame["resolution_target"] = policy.target_series(kept["priority"], "resolution_hours")
    exists = events.exists
    frame["ack_within"] = _kept_or_not(events.within[exists], events.breached[exists])
    resolved = kept["resolved_at"].notna() & frame["resolution_target"].notna()
    frame["resolution_within"] = (
        (frame["resolution_hours"] <= frame["resolution_target"]).astype(object).where(resolved)
    )
    frame["on_time"] = _kept_or_not(events.on_time[exists], events.late[exists])
    frame["acknowledged_at"] = kept["acknowledged_at"]
    frame["resolved_at"] = kept["resolved_at"]
    frame["due_at"] = kept["due_at"]
    return frame


def _kept_or_not(kept: np.ndarray, broken: np.ndarray) -> np.ndarray:
    """Return True where a promise was kept, False where it was broken, else None."""
    flags = np.full(len(kept), None, dtype=object)
    flags[kept] = True
    flags[broken] = False
    return flags


def age_hours(frame: pd.DataFrame, ids: Sequence[int] | np.ndarray | pd.Series) -> np.ndarray:
    """Return the age in hours (one decimal) of each record of `ids`, in their order, from
    `durations`' rows."""
    ages = frame.set_index("id")["age_hours"]
    return ages.loc[list(ids)].round(1).to_numpy()


def time_summary(frame: pd.DataFrame, column: str, by: str) -> pd.DataFrame:
    """Return per value of `by`: n, median and p90 of `column` (hours), over known values."""
    known = frame[frame[column].notna()]
    rows = [
        {
            "value": value,
            "n": len(group),
            "median_hours": percentile(group[column], 50),
            "p90_hours": percentile(group[column], 90),
        }
        for value, group in known.groupby(labelled(known, by), observed=True)
    ]
    return pd.DataFrame(rows, columns=["value", "n", "median_hours", "p90_hours"])


def compliance_trend(
    frame: pd.DataFrame, events: RecordEvents, *, months: Sequence[str], tz: tzinfo
) -> pd.DataFrame:
    """Return per month: acknowledgement compliance of the records received in it and on-time
    (promised time) of those resolved in it, as the monthly report counts them (`events`, the
    facts prepared against the policy), and resolution within target of those resolved in it
    (`frame`, durations of the same facts); each with its n."""
    figures = monthly_figures(events, months=months, tz=tz)
    resolved_month = month_numbers(frame["resolved_at"], tz)
    rows = []
    for month in months:
        report = figures[month][None].report
        ack, resolution = report["acknowledgement"], report["resolution"]
        resolved = frame[resolved_month == month_number(month)]
        rows.append(
            {
                "month": month,
                "ack_n": ack["within_sla"] + ack["breached"],
                "ack_pct": ack["compliance_pct"],
                "resolution_n": int(resolved["resolution_within"].notna().sum()),
                "resolution_pct": share_pct(resolved["resolution_within"]),
                "on_time_n": resolution["on_time"] + resolution["late"],
                "on_time_pct": resolution["on_time_pct"],
            }
        )
    return pd.DataFrame(rows)


def resolution_breached_ids(frame: pd.DataFrame, month: str, tz: tzinfo) -> pd.Series:
    """Return the ids of `durations`' records resolved in `month` beyond their resolution
    target (the records behind compliance_trend's resolution_pct), newest resolved first."""
    resolved = frame[month_numbers(frame["resolved_at"], tz) == month_number(month)]
    late = resolved[resolved["resolution_within"].eq(False)]
    return late.sort_values("resolved_at", ascending=False)["id"]


def box_stats(frame: pd.DataFrame, column: str, by: str) -> pd.DataFrame:
    """Return per value of `by` the box plot of `column` (hours, known values): n, q1, median,
    q3 (linear interpolation) and the fences: the most extreme values within 1.5 IQR of the
    box, as a box plot drawn from every value shows them."""
    known = frame[frame[column].notna()]
    rows = []
    for value, group in known.groupby(labelled(known, by), observed=True):
        values = group[column].to_numpy(dtype=float)
        q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
        low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
        rows.append(
            {
                "value": value,
                "n": len(values),
                "q1": q1,
                "median": median,
                "q3": q3,
                "lowerfence": min(q1, values[values >= low].min()),
                "upperfence": max(q3, values[values <= high].max()),
            }
        )
    columns = ["value", "n", "q1", "median", "q3", "lowerfence", "upperfence"]
    return pd.DataFrame(rows, columns=columns)


def work_lists(
    frame: pd.DataFrame, *, as_of: datetime, at_risk_share: float = AT_RISK_SHARE
) -> dict[str, pd.Series]:
    """Return the ids of the records a team must work on, most urgent first:

    - breached: not acknowledged and past the acknowledgement target;
    - at_risk: not acknowledged, `at_risk_share` of the target or more gone, not past it;
    - overdue: not resolved and past the time promised to the customer (due_at).
    """
    waiting = frame["acknowledged_at"].isna() & frame["resolved_at"].isna()
    share = frame["age_hours"] / frame["ack_target"]
    breached = share[waiting & (share > 1)].sort_values(ascending=False)
    at_risk = share[waiting & (share >= at_risk_share) & (share <= 1)].sort_values(ascending=False)
    overdue = frame[frame["resolved_at"].isna() & (frame["due_at"] < pd.Timestamp(as_of))]
    return {
        "breached": frame.loc[breached.index, "id"],
        "at_risk": frame.loc[at_risk.index, "id"],
        "overdue": overdue.sort_values("due_at")["id"],
    }


def responses(
    facts: pd.DataFrame, *, as_of: datetime, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Return the survey responses (scored records) whose survey time is in [start, end) and
    not after `as_of`, with their `survey_time`."""
    kept = received_by(facts, as_of)
    kept = kept[kept["satisfaction_score"].notna()].assign(survey_time=survey_time(kept))
    inside = (kept["survey_time"] >= start) & (kept["survey_time"] < end)
    return kept[inside & (kept["survey_time"] <= pd.Timestamp(as_of))]


@dataclass(frozen=True)
class Satisfaction:
    """The survey figures of a set of responses and of the records resolved alongside."""

    responses: int
    mean_score: float | None
    csat_pct: float | None
    resolved: int
    response_rate_pct: float | None
    distribution: dict[int, int]


def satisfaction(
    facts: pd.DataFrame, *, as_of: datetime, start: pd.Timestamp, end: pd.Timestamp
) -> Satisfaction:
    """Return the figures of METRICS.md's satisfaction section over [start, end): responses by
    survey time; the response rate over the records resolved in it, answered by `as_of`."""
    answered = responses(facts, as_of=as_of, start=start, end=end)
    scores = answered["satisfaction_score"]
    done = happened(facts, as_of)
    resolved = done[(done["resolved_at"] >= start) & (done["resolved_at"] < end)]
    surveyed = resolved["satisfaction_score"].notna() & (
        survey_time(resolved) <= pd.Timestamp(as_of)
    )
    return Satisfaction(
        responses=len(scores),
        mean_score=float(scores.mean()) if len(scores) else None,
        csat_pct=csat_pct(scores),
        resolved=len(resolved),
        response_rate_pct=percentage(int(surveyed.sum()), len(resolved)),
        distribution={s: int((scores == s).sum()) for s in range(1, 6)},
    )


def monthly_csat(
    answered: pd.DataFrame, *, as_of: datetime, months: Sequence[str], tz: tzinfo
) -> pd.DataFrame:
    """Return the CSAT % of each of `months` (company local) over `responses`' rows: columns
    month, csat (None for a month without responses)."""
    csat = []
    for month in months:
        start, end = month_bounds(month, tz)
        csat.append(satisfaction(answered, as_of=as_of, start=start, end=end).csat_pct)
    return pd.DataFrame({"month": list(months), "csat": pd.Series(csat, dtype=object)})


def month_response_ids(answered: pd.DataFrame, months: Iterable[str], tz: tzinfo) -> pd.Series:
    """Return the ids of `responses`' rows surveyed in one of `months` (company local)."""
    inside = pd.Series(False, index=answered.index)
    for month in months:
        start, end = month_bounds(month, tz)
        inside |= (answered["survey_time"] >= start) & (answered["survey_time"] < end)
    return answered.loc[inside, "id"]


def scored_ids(answered: pd.DataFrame, scores: Iterable[int]) -> pd.Series:
    """Return the ids of `responses`' rows that gave one of `scores`."""
    return answered.loc[answered["satisfaction_score"].isin([int(s) for s in scores]), "id"]


def response_comments(comments: pd.DataFrame, answered: pd.DataFrame) -> pd.DataFrame:
    """Return the survey comments (rows of id, score, comment) of `responses`' rows, newest
    record first, as satisfaction fields: id, satisfaction_score, satisfaction_comment."""
    ids = answered["id"].astype(int).tolist()
    kept = comments[comments["id"].isin(ids)].sort_values("id", ascending=False)
    return kept.rename(columns={"comment": "satisfaction_comment", "score": "satisfaction_score"})


def satisfaction_by(answered: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return per value of `by`: responses, mean score and CSAT %, most responses first."""
    groups = answered.groupby(labelled(answered, by), observed=True)["satisfaction_score"]
    table = pd.DataFrame(
        {
            "responses": groups.size(),
            "mean_score": groups.mean(),
            "csat_pct": groups.apply(csat_pct),
        }
    )
    return table.rename_axis("value").reset_index().sort_values("responses", ascending=False)


def csat_drag(answered: pd.DataFrame) -> pd.DataFrame:
    """Return per category how much CSAT would change if its responses were left out (points;
    positive: the category pulls CSAT down), largest first, with its responses and CSAT."""
    satisfied = answered["satisfaction_score"].isin(SATISFIED_SCORES)
    total, happy = len(answered), int(satisfied.sum())
    if not total:
        return pd.DataFrame(columns=["category", "responses", "csat_pct", "change_pct"])
    category = labelled(answered, "category")
    rows = []
    for name, members in satisfied.groupby(category, observed=True):
        rest = total - len(members)
        without = 100 * (happy - int(members.sum())) / rest if rest else None
        rows.append(
            {
                "category": name,
                "responses": len(members),
                "csat_pct": float(100 * members.mean()),
                "change_pct": None if without is None else without - 100 * happy / total,
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values("change_pct", ascending=False, na_position="last", ignore_index=True)
