"""The metric contract of docs METRICS.md, as pure functions of a frame of records.

`records` holds one row per feedback: the UTC-aware timestamps `received_at`,
`acknowledged_at`, `due_at`, `resolved_at`, `responded_at` and `surveyed_at` (NaT
when absent), `channel`, `category` (the human label, else the model's prediction,
else None), `category_source`, `priority` and the survey's `satisfaction_score`.

One engine computes every number: `monthly_figures` gives the METRICS.md report of any
number of months at once, optionally per value of a column (the breakdowns), plus the
counts of the policy scorecard; `cohort_mask` says which records are behind a number.
The command line, the pages and the report files all read these, and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import numpy as np
import pandas as pd

from feedback_analytics.metrics.rules import (
    DIMENSIONS,
    EVENT_COLUMNS,
    RECORD_COLUMNS,
    SATISFIED_SCORES,
    TIMESTAMP_COLUMNS,
    UNCATEGORISED,
    month_bounds,
    percentage,
    shift_month,
    survey_time,
    trailing_months,
    utc_instant,
)
from feedback_analytics.sla import SlaPolicy, flat_policy

# The records behind each number of a month (see cohort_mask).
COHORTS = (
    "intake",
    "acknowledged",
    "acknowledgement_due",
    "acknowledged_within",
    "acknowledgement_breached",
    "acknowledgement_pending",
    "eta_given",
    "resolved",
    "resolved_with_due",
    "on_time",
    "late",
    "response_sent",
    "backlog",
    "survey_responses",
    "satisfied",
)
_NS_PER_HOUR = 3_600 * 10**9
_NAT = np.datetime64("NaT", "ns")


@dataclass(frozen=True)
class Share:
    """`count` of `of`, and the percentage (None when `of` is 0)."""

    count: int
    of: int

    @property
    def pct(self) -> float | None:
        """Return 100 * count / of, None over nothing."""
        return percentage(self.count, self.of)


@dataclass(frozen=True)
class MonthFigures:
    """One month's METRICS.md report, and the counts the policy scorecard adds to it."""

    report: dict[str, Any]
    acknowledged: int
    eta_given: int
    response_sent: int
    satisfied: int

    def scorecard(self) -> dict[str, Share]:
        """Return the policy's four promises as shares of their cohorts."""
        ack = self.report["acknowledgement"]
        resolution = self.report["resolution"]
        return {
            "acknowledged_within_target": Share(
                ack["within_sla"], ack["within_sla"] + ack["breached"]
            ),
            "eta_given": Share(self.eta_given, self.report["intake"]["total"]),
            "eta_met": Share(resolution["on_time"], resolution["on_time"] + resolution["late"]),
            "response_sent": Share(self.response_sent, resolution["resolved"]),
        }


def monthly_report(
    records: pd.DataFrame | RecordEvents,
    *,
    month: str,
    as_of: datetime | None = None,
    tz: tzinfo,
    policy: SlaPolicy | None = None,
) -> dict[str, Any]:
    """Return the `report --json` object of METRICS.md for one company-local month."""
    figures = monthly_figures(records, months=[month], as_of=as_of, tz=tz, policy=policy)
    return figures[month][None].report


def monthly_figures(
    records: pd.DataFrame | RecordEvents,
    *,
    months: Sequence[str],
    tz: tzinfo,
    as_of: datetime | None = None,
    policy: SlaPolicy | None = None,
    by: str | None = None,
    selection: np.ndarray | None = None,
) -> dict[str, dict[Any, MonthFigures]]:
    """Return {month: {value of `by`: figures}} of the records; the key is None without `by`.

    `records` is a frame (then `as_of` is required) or its RecordEvents, prepared once for
    many calls. `selection`, a boolean per record, keeps only some records (the filters).
    With `by`, each value that a kept record holds (None for an empty cell) gets the figures
    of the records holding it, whether or not any of them falls in the month.
    """
    events = RecordEvents.prepare(records, as_of=as_of, policy=policy, tz=tz)
    months = sorted(set(months))
    starts, ends = _bounds(months, tz)
    keep = events.touching(starts[0], ends[-1])
    if selection is not None:
        keep &= np.asarray(selection, dtype=bool)
    kept = events.take(np.flatnonzero(keep)) if not keep.all() else events
    if by is None:
        keys: list[Any] = [None]
        codes = np.zeros(kept.size, dtype=np.int64)
    else:
        values, labels = kept.dimension(by)
        present, codes = np.unique(values, return_inverse=True)
        keys = [None if code < 0 else labels[code] for code in present]
        if not keys:
            return {month: {} for month in months}
    aggregate = _Aggregate(kept, codes, max(len(keys), 1), starts, ends)
    return aggregate.figures(months, keys, kept.as_of_text(tz))


def cohort_mask(
    records: pd.DataFrame | RecordEvents,
    *,
    cohort: str,
    month: str,
    tz: tzinfo,
    as_of: datetime | None = None,
    policy: SlaPolicy | None = None,
) -> np.ndarray:
    """Return a boolean array: which records are behind the month's `cohort` (see COHORTS)."""
    if cohort not in COHORTS:
        raise ValueError(f"unknown cohort {cohort!r}; expected one of {', '.join(COHORTS)}")
    e = RecordEvents.prepare(records, as_of=as_of, policy=policy, tz=tz)
    start, end = (_ns(bound) for bound in month_bounds(month, tz))
    received = e.exists & (e.received >= start) & (e.received < end)
    resolved = (e.resolved >= start) & (e.resolved < end)
    surveyed = e.responded & (e.survey_time >= start) & (e.survey_time < end)
    cut_off = min(end, e.as_of)
    masks = {
        "intake": lambda: received,
        "acknowledged": lambda: received & ~np.isnan(e.ack_hours),
        "acknowledgement_due": lambda: received & (e.within | e.breached),
        "acknowledged_within": lambda: received & e.within,
        "acknowledgement_breached": lambda: received & e.breached,
        "acknowledgement_pending": lambda: received & e.pending,
        "eta_given": lambda: received & e.eta_given,
        "resolved": lambda: resolved,
        "resolved_with_due": lambda: resolved & (e.on_time | e.late),
        "on_time": lambda: resolved & e.on_time,
        "late": lambda: resolved & e.late,
        "response_sent": lambda: resolved & e.response_sent,
        "backlog": lambda: e.exists & (e.received < cut_off) & ~(e.resolved < cut_off),
        "survey_responses": lambda: surveyed,
        "satisfied": lambda: surveyed & e.satisfied,
    }
    return np.asarray(masks[cohort](), dtype=bool)


# --- the engine -------------------------------------------------------------------------


def _ns(moment: pd.Timestamp) -> np.datetime64:
    return np.datetime64(moment.tz_convert("UTC").tz_localize(None).as_unit("ns"))


def _stamps(column: pd.Series) -> np.ndarray:
    """Return the column as naive UTC datetime64[ns] (NaT where absent)."""
    if not isinstance(column.dtype, pd.DatetimeTZDtype):
        column = pd.to_datetime(column, utc=True)
    return np.asarray(column.dt.tz_convert("UTC").dt.tz_localize(None), dtype="datetime64[ns]")


def _bounds(months: Sequence[str], tz: tzinfo) -> tuple[np.ndarray, np.ndarray]:
    bounds = [month_bounds(month, tz) for month in months]
    starts = np.array([_ns(start) for start, _ in bounds], dtype="datetime64[ns]")
    ends = np.array([_ns(end) for _, end in bounds], dtype="datetime64[ns]")
    return starts, ends


@dataclass(frozen=True)
class RecordEvents:
    """Each record's events as of an instant and its standing against the targets: the
    records prepared once for any number of months, breakdowns and selections."""

    as_of_moment: datetime
    as_of: np.datetime64
    policy: SlaPolicy  # the targets and clock `within`, `breached` and `pending` follow
    exists: np.ndarray
    received: np.ndarray
    resolved: np.ndarray
    survey_time: np.ndarray
    ack_hours: np.ndarray
    resolution_hours: np.ndarray
    score: np.ndarray
    within: np.ndarray
    breached: np.ndarray
    pending: np.ndarray
    eta_given: np.ndarray
    on_time: np.ndarray
    late: np.ndarray
    response_sent: np.ndarray
    responded: np.ndarray
    satisfied: np.ndarray
    # Per column (channel, category, priority, and any DIMENSIONS present): the code of each
    # record's value (-1 when empty) and the values.
    codes: dict[str, tuple[np.ndarray, list[str]]]

    @property
    def size(self) -> int:
        """Return the number of records."""
        return len(self.received)

    @classmethod
    def prepare(
        cls,
        records: pd.DataFrame | RecordEvents,
        *,
        as_of: datetime | None,
        policy: SlaPolicy | None = None,
        tz: tzinfo | None = None,
    ) -> RecordEvents:
        """Return the records' events as of `as_of` (records already prepared: themselves)."""
        if isinstance(records, RecordEvents):
            if as_of is not None and _ns(utc_instant(as_of)) != records.as_of:
                raise ValueError("these records were prepared as of another instant")
            if policy is not None and policy != records.policy:
                raise ValueError("these records were prepared under another SLA policy")
            return records
        if as_of is None:
            raise ValueError("as_of is required")
        return cls.of(records, as_of=as_of, policy=policy, tz=tz)

    @classmethod
    def of(
        cls,
        records: pd.DataFrame,
        *,
        as_of: datetime,
        policy: SlaPolicy | None = None,
        tz: tzinfo | None = None,
    ) -> RecordEvents:
        """Return the events of a frame of records (RECORD_COLUMNS) as of `as_of`, measured
        against `policy` (default: 48 h for every priority, in calendar hours); `tz`, the
        company's, is needed when the policy counts working hours."""
        missing = [column for column in RECORD_COLUMNS if column not in records.columns]
        if missing:
            raise ValueError(f"records lack the columns {missing}")
        policy = policy or flat_policy()
        instant = _ns(utc_instant(as_of))
        stamps = {column: _stamps(records[column]) for column in TIMESTAMP_COLUMNS}
        received = stamps["received_at"]
        # The survey time is chosen before as_of hides anything, then hidden itself if later.
        survey = _hidden_after(_stamps(survey_time(records)), instant)
        events = {column: _hidden_after(stamps[column], instant) for column in EVENT_COLUMNS}
        acknowledged, resolved = events["acknowledged_at"], events["resolved_at"]
        due = stamps["due_at"]

        is_acknowledged = ~np.isnat(acknowledged)
        delay = acknowledged - received
        late_ack, overdue = _against_ack_target(
            policy, records["priority"], received, acknowledged, instant, tz
        )
        score = np.asarray(records["satisfaction_score"].to_numpy(dtype="float64", na_value=np.nan))
        responded = ~np.isnan(score) & ~np.isnat(survey)
        columns = ("channel", "category", "priority", *DIMENSIONS)
        return cls(
            as_of_moment=as_of,
            as_of=instant,
            policy=policy,
            exists=received <= instant,
            received=received,
            resolved=resolved,
            survey_time=survey,
            ack_hours=_hours(delay),
            resolution_hours=_hours(resolved - received),
            score=score,
            within=is_acknowledged & ~late_ack,
            breached=(is_acknowledged & late_ack) | (~is_acknowledged & overdue),
            pending=~is_acknowledged & ~overdue,
            eta_given=~np.isnat(due),
            on_time=resolved <= due,
            late=resolved > due,
            response_sent=~np.isnat(events["responded_at"]),
            responded=responded,
            satisfied=responded & np.isin(score, SATISFIED_SCORES),
            codes={
                column: _factorised(records[column])
                for column in dict.fromkeys(columns)
                if column in records.columns
            },
        )

    def dimension(self, name: str) -> tuple[np.ndarray, list[str]]:
        """Return each record's code of the column `name` (-1 when empty) and the values."""
        if name not in self.codes:
            raise ValueError(f"records have no column {name!r} to break down by")
        return self.codes[name]

    def touching(self, start: np.datetime64, end: np.datetime64) -> np.ndarray:
        """Return which records any cohort of a month within [start, end) can hold."""
        return (
            self.exists
            & (self.received < end)
            & ((self.received >= start) | ~(self.resolved < start) | (self.survey_time >= start))
        )

    def take(self, rows: np.ndarray) -> RecordEvents:
        """Return the events of the records at the positions `rows`."""
        arrays = {
            name: getattr(self, name)[rows]
            for name in self.__dataclass_fields__
            if name not in {"as_of_moment", "as_of", "policy", "codes"}
        }
        codes = {name: (values[rows], labels) for name, (values, labels) in self.codes.items()}
        return RecordEvents(
            as_of_moment=self.as_of_moment,
            as_of=self.as_of,
            policy=self.policy,
            codes=codes,
            **arrays,
        )

    def as_of_text(self, tz: tzinfo) -> str:
        """Return as_of in ISO 8601 in company time, as the report shows it."""
        return self.as_of_moment.astimezone(tz).isoformat()


def _factorised(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        labels = [str(value) for value in values.cat.categories]
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        labels = [str(value) for value in uniques]
    return np.asarray(codes, dtype=np.int64), labels


def _against_ack_target(
    policy: SlaPolicy,
    priority: pd.Series,
    received: np.ndarray,
    acknowledged: np.ndarray,
    instant: np.datetime64,
    tz: tzinfo | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return per record whether it was acknowledged after the target of its priority, and
    whether more than that target had passed by `instant`, on the policy's clock."""
    target = policy.ack_target_series(priority).to_numpy()
    if not policy.calendar.enabled:
        # Calendar hours in whole nanoseconds, so that exactly the target is within.
        limit = np.round(target * _NS_PER_HOUR).astype("timedelta64[ns]")
        return (acknowledged - received) > limit, (instant - received) > limit
    if tz is None:
        raise ValueError("the working-hours calendar needs the company time zone (tz)")

    def aware(stamps: np.ndarray) -> pd.Series:
        return pd.Series(pd.DatetimeIndex(stamps).tz_localize("UTC"))

    start = aware(received)
    ack_hours = policy.elapsed_hours(start, aware(acknowledged), tz).to_numpy()
    age_hours = policy.elapsed_hours(start, aware(np.full_like(received, instant)), tz)
    # NaN (not acknowledged) compares False: a missing acknowledgement is no late one.
    return ack_hours > target, age_hours.to_numpy() > target


def _hidden_after(stamps: np.ndarray, instant: np.datetime64) -> np.ndarray:
    return np.where(stamps <= instant, stamps, _NAT)


def _hours(delta: np.ndarray) -> np.ndarray:
    seconds = delta.astype("timedelta64[ns]").astype("int64") / 1e9
    return np.where(np.isnat(delta), np.nan, seconds / 3600)


class _Aggregate:
    """Counts and percentiles per (month, key) group; each cohort is binned once."""

    def __init__(
        self,
        events: RecordEvents,
        codes: np.ndarray,
        keys: int,
        starts: np.ndarray,
        ends: np.ndarray,
    ) -> None:
        self.events, self.codes, self.keys = events, np.asarray(codes, dtype=np.int64), keys
        self.starts, self.ends = starts, ends
        self.groups = len(starts) * keys

    def _group(self, stamps: np.ndarray, member: np.ndarray) -> np.ndarray:
        """Return each record's group in a cohort binned by `stamps`; -1 outside every month."""
        index = np.searchsorted(self.starts, stamps, side="right") - 1
        clipped = np.clip(index, 0, len(self.starts) - 1)
        inside = member & (index >= 0) & (stamps < self.ends[clipped])
        return np.where(inside, clipped * self.keys + self.codes, -1)

    def _count(self, group: np.ndarray, flag: np.ndarray | None = None) -> np.ndarray:
        # Bin 0 takes the records outside every group; weights avoid copying the members out.
        counts = np.bincount(group + 1, weights=flag, minlength=self.groups + 1)
        return counts[1:].round().astype(np.int64)

    def _by(
        self, group: np.ndarray, column: tuple[np.ndarray, list[str]], empty: str | None = None
    ) -> list[dict[str, int]]:
        """Return the count per value in each group; an empty cell counts as `empty`, if given."""
        codes, labels = column
        width = len(labels) + 1  # the last column counts empty cells
        codes = np.where(codes < 0, len(labels), codes)
        chosen = group >= 0
        table = np.bincount(
            group[chosen] * width + codes[chosen], minlength=self.groups * width
        ).reshape(self.groups, width)
        names = [*labels, empty]
        result = []
        for row in table:
            counts: dict[str, int] = {}
            for name, count in zip(names, row, strict=True):
                if count > 0 and name is not None:
                    counts[name] = counts.get(name, 0) + int(count)
            result.append(dict(sorted(counts.items())))
        return result

    def _percentiles(self, group: np.ndarray, values: np.ndarray) -> list[list[float | None]]:
        chosen = (group >= 0) & ~np.isnan(values)
        group, values = group[chosen], values[chosen]
        # Small integers sort by radix sort, in linear time.
        narrow = group.astype(np.int16) if self.groups < 2**15 else group
        order = np.argsort(narrow, kind="stable")
        offsets = np.concatenate(([0], np.cumsum(np.bincount(group, minlength=self.groups))))
        result: list[list[float | None]] = []
        for index in range(self.groups):
            part = values[order[offsets[index] : offsets[index + 1]]]
            if part.size == 0:
                result.append([None, None])
            else:
                result.append([float(value) for value in np.percentile(part, [50, 90])])
        return result

    def _backlog(self) -> np.ndarray:
        e = self.events
        counts = np.zeros(self.groups, dtype=np.int64)
        for month, end in enumerate(self.ends):
            cut_off = min(end, e.as_of)
            open_then = e.exists & (e.received < cut_off) & ~(e.resolved < cut_off)
            counts[month * self.keys : (month + 1) * self.keys] = np.bincount(
                self.codes[open_then], minlength=self.keys
            )
        return counts

    def figures(
        self, months: list[str], keys: list[Any], stamp: str
    ) -> dict[str, dict[Any, MonthFigures]]:
        """Return the figures per month (sorted like starts) and key."""
        e = self.events

        received = self._group(e.received, e.exists)
        resolved = self._group(e.resolved, e.exists)
        surveyed = self._group(e.survey_time, e.exists & e.responded)
        intake = self._count(received)
        by = {
            "by_channel": self._by(received, e.dimension("channel")),
            "by_category": self._by(received, e.dimension("category"), UNCATEGORISED),
            "by_priority": self._by(received, e.dimension("priority")),
        }
        within = self._count(received, e.within)
        breached = self._count(received, e.breached)
        pending = self._count(received, e.pending)
        eta_given = self._count(received, e.eta_given)
        acknowledged = self._count(received, ~np.isnan(e.ack_hours))
        ack_hours = self._percentiles(received, e.ack_hours)
        resolved_count = self._count(resolved)
        on_time = self._count(resolved, e.on_time)
        late = self._count(resolved, e.late)
        response_sent = self._count(resolved, e.response_sent)
        rated = self._count(resolved, e.responded)
        resolution_hours = self._percentiles(resolved, e.resolution_hours)
        backlog = self._backlog()
        responses = self._count(surveyed)
        satisfied = self._count(surveyed, e.satisfied)
        chosen = surveyed >= 0
        score_sum = np.bincount(surveyed[chosen], weights=e.score[chosen], minlength=self.groups)

        result: dict[str, dict[Any, MonthFigures]] = {}
        for index in range(self.groups):
            month, key = months[index // self.keys], keys[index % self.keys]
            n_responses = int(responses[index])
            report = {
                "month": month,
                "as_of": stamp,
                "intake": {"total": int(intake[index])}
                | {name: counts[index] for name, counts in by.items()},
                "acknowledgement": {
                    "median_hours": ack_hours[index][0],
                    "p90_hours": ack_hours[index][1],
                    "within_sla": int(within[index]),
                    "breached": int(breached[index]),
                    "pending": int(pending[index]),
                    "compliance_pct": percentage(
                        int(within[index]), int(within[index] + breached[index])
                    ),
                },
                "resolution": {
                    "resolved": int(resolved_count[index]),
                    "median_hours": resolution_hours[index][0],
                    "p90_hours": resolution_hours[index][1],
                    "on_time": int(on_time[index]),
                    "late": int(late[index]),
                    "on_time_pct": percentage(
                        int(on_time[index]), int(on_time[index] + late[index])
                    ),
                },
                "backlog_end_of_month": int(backlog[index]),
                "satisfaction": {
                    "responses": n_responses,
                    "mean_score": float(score_sum[index] / n_responses) if n_responses else None,
                    "csat_pct": percentage(int(satisfied[index]), n_responses),
                    "response_rate_pct": percentage(int(rated[index]), int(resolved_count[index])),
                },
            }
            result.setdefault(month, {})[key] = MonthFigures(
                report=report,
                acknowledged=int(acknowledged[index]),
                eta_given=int(eta_given[index]),
                response_sent=int(response_sent[index]),
                satisfied=int(satisfied[index]),
            )
        return result


@dataclass(frozen=True)
class Overview:
    """Everything the managers' overview and the monthly report show of one month."""

    month: str
    as_of: datetime
    months: list[str]  # the trend, oldest first: by default `month` and the 11 before it
    figures: dict[str, MonthFigures]  # per month of `months`, and of `month` and the one before
    breakdowns: dict[str, dict[Any, MonthFigures]]  # per DIMENSION, per value, for `month`
    policy: SlaPolicy  # the SLA policy the acknowledgement figures were measured against

    @property
    def current(self) -> MonthFigures:
        """Return the figures of the month itself."""
        return self.figures[self.month]

    @property
    def previous(self) -> MonthFigures:
        """Return the figures of the month before."""
        return self.figures[shift_month(self.month, -1)]


def month_overview(
    records: pd.DataFrame | RecordEvents,
    *,
    month: str,
    tz: tzinfo,
    as_of: datetime | None = None,
    policy: SlaPolicy | None = None,
    trend_months: int = 12,
    trend: Sequence[str] | None = None,
    dimensions: Sequence[str] = DIMENSIONS,
    selection: np.ndarray | None = None,
) -> Overview:
    """Return the month's figures, the trend (`trend`, else the `trend_months` up to `month`)
    and the month's breakdowns by each dimension."""
    events = RecordEvents.prepare(records, as_of=as_of, policy=policy, tz=tz)
    months = sorted(set(trend) if trend else trailing_months(month, trend_months))
    wanted = sorted({*months, month, shift_month(month, -1)})
    figures = monthly_figures(events, months=wanted, tz=tz, selection=selection)
    # The records of the month, taken once for all the breakdowns.
    start, end = (_ns(bound) for bound in month_bounds(month, tz))
    keep = events.touching(start, end)
    if selection is not None:
        keep &= np.asarray(selection, dtype=bool)
    of_month = events.take(np.flatnonzero(keep))
    breakdowns = {
        dimension: monthly_figures(of_month, months=[month], tz=tz, by=dimension)[month]
        for dimension in dimensions
        if dimension in events.codes
    }
    return Overview(
        month=month,
        as_of=events.as_of_moment,
        months=months,
        figures={name: by_key[None] for name, by_key in figures.items()},
        breakdowns=breakdowns,
        policy=events.policy,
    )


def intake_by_month(
    events: RecordEvents, *, dimension: str, months: Sequence[str], tz: tzinfo
) -> pd.DataFrame:
    """Return intake (records received) per month and value of `dimension`: month, value, count.

    Values count as `intake.by_*` does for each month (an empty category is "uncategorised",
    other empty values ""); months and values without records are left out.
    """
    starts, ends = _bounds(months, tz)
    codes, labels = events.dimension(dimension)
    empty = UNCATEGORISED if dimension == "category" else ""
    names = np.array([*labels, empty], dtype=object)
    month = np.searchsorted(ends, events.received, side="right")
    inside = events.exists & (month < len(months))
    inside[inside] &= events.received[inside] >= starts[month[inside]]
    counts = (
        pd.DataFrame(
            {"month": month[inside], "value": np.where(codes < 0, len(labels), codes)[inside]}
        )
        .value_counts()
        .rename("count")
        .reset_index()
    )
    counts["month"] = [months[i] for i in counts["month"]]
    counts["value"] = names[counts["value"].to_numpy()]
    return counts.sort_values(["month", "count"], ascending=[True, False], ignore_index=True)
