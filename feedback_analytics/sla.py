"""The SLA policy: targets per priority and the optional working-hours calendar.

Every app instance reads the same policy from the database (`app_settings`, key "sla"); a
store that never saved one uses the defaults: acknowledgement within the configured target
(FEEDBACK_ACK_TARGET_HOURS, 48 h) for every priority, as METRICS.md counts it, and counted in
calendar hours, as the policy does. The working-hours calendar (off by default) counts only
the hours of working days within the working day, without Vietnam's public holidays (from the
`holidays` package); the Processing page measures against it when it is switched on.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, tzinfo
from typing import Any

import holidays
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.orm import Session

from feedback_analytics.config import get_settings
from feedback_analytics.db.models import DEFAULT_PRIORITY, PRIORITIES
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import format_number, t
from feedback_analytics.shared_settings import read_setting, save_setting

KEY = "sla"
# Resolution targets a store starts with, in calendar hours: two days for urgent feedback, then
# three, five and ten days. The policy sets none; a manager changes them on the settings page.
DEFAULT_RESOLUTION_HOURS = {"urgent": 48.0, "high": 72.0, "normal": 120.0, "low": 240.0}
COUNTRY = "VN"


class InvalidPolicy(ActionableError, ValueError):
    """An SLA policy that cannot be saved; the message names the field and what is allowed."""


class Targets(BaseModel):
    """The promises for one priority, in hours (calendar or working, as the calendar says)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ack_hours: float = Field(gt=0, le=24 * 365)
    resolution_hours: float | None = Field(default=None, gt=0, le=24 * 365)


class Calendar(BaseModel):
    """Which hours count towards a target when the working-hours calendar is on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = False
    day_start: time = time(8, 0)
    day_end: time = time(17, 0)
    # Monday is 0, as in datetime.weekday().
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    public_holidays: bool = True

    @model_validator(mode="after")
    def _sensible(self) -> Calendar:
        if self.day_end <= self.day_start:
            raise ValueError("the working day must end after it starts")
        if not self.weekdays or any(day not in range(7) for day in self.weekdays):
            raise ValueError("working days are one or more of Monday (0) to Sunday (6)")
        return self

    @property
    def day_hours(self) -> float:
        """Return the length of a working day in hours."""
        return _hour(self.day_end) - _hour(self.day_start)

    @property
    def weekmask(self) -> str:
        """Return the working days as NumPy's busday weekmask ("1111100": Monday to Friday)."""
        return "".join("1" if day in self.weekdays else "0" for day in range(7))


class SlaPolicy(BaseModel):
    """The targets of every priority and the calendar they are counted in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    targets: dict[str, Targets]
    calendar: Calendar = Calendar()

    @model_validator(mode="after")
    def _every_priority(self) -> SlaPolicy:
        if set(self.targets) != set(PRIORITIES):
            raise ValueError(f"targets are needed for exactly these priorities: {PRIORITIES}")
        return self

    def ack_hours(self, priority: str) -> float:
        """Return the acknowledgement target of `priority`, in hours."""
        return self.targets[priority].ack_hours

    def resolution_hours(self, priority: str) -> float | None:
        """Return the resolution target of `priority` in hours (None: no target)."""
        return self.targets[priority].resolution_hours

    def target_series(self, priorities: pd.Series, which: str) -> pd.Series:
        """Return per record the `which` ("ack_hours" or "resolution_hours") target, NaN
        where its priority has none."""
        values = {p: getattr(self.targets[p], which) for p in PRIORITIES}
        # Looked up per distinct priority, not per record: a store holds a million records.
        codes, uniques = pd.factorize(priorities)
        found = np.array(
            [np.nan if (v := values.get(u)) is None else v for u in uniques] + [np.nan], float
        )
        return pd.Series(found[codes], index=priorities.index)

    def ack_target_series(self, priorities: pd.Series) -> pd.Series:
        """Return per record the acknowledgement target of its priority; an empty or unknown
        priority has the target of "normal", as a new record without one is normal."""
        return self.target_series(priorities, "ack_hours").fillna(self.ack_hours(DEFAULT_PRIORITY))

    def describe(self) -> dict[str, Any]:
        """Return the policy as the report and `sla-policy --json` show it: the targets per
        priority in hours and the clock ("calendar" or "working")."""
        return {
            "clock": "working" if self.calendar.enabled else "calendar",
            "ack_hours": {p: self.ack_hours(p) for p in PRIORITIES},
            "resolution_hours": {p: self.resolution_hours(p) for p in PRIORITIES},
            "calendar": self.calendar.model_dump(mode="json"),
        }

    def elapsed_hours(self, start: pd.Series, end: pd.Series, tz: tzinfo) -> pd.Series:
        """Return the hours between `start` and `end` that count towards a target: calendar
        hours, or working hours when the calendar is on (NaN where either is missing)."""
        if not self.calendar.enabled:
            return (end - start).dt.total_seconds() / 3600
        return working_hours(start, end, self.calendar, tz)


def flat_policy(ack_hours: float = 48.0) -> SlaPolicy:
    """Return the policy with one acknowledgement target for every priority, the default
    resolution targets and calendar hours."""
    return SlaPolicy(
        targets={
            p: Targets(ack_hours=ack_hours, resolution_hours=DEFAULT_RESOLUTION_HOURS[p])
            for p in PRIORITIES
        }
    )


def describe_targets(policy: SlaPolicy, lang: str) -> str:
    """Return the acknowledgement targets and the clock in a few words ("acknowledgement
    within 48 h, in calendar hours"), per priority where they differ."""
    clock = t(f"sla.clock.{'working' if policy.calendar.enabled else 'calendar'}", lang)
    hours = {p: format_hours(policy.ack_hours(p), lang) for p in PRIORITIES}
    if len(set(hours.values())) == 1:
        return t("sla.targets_flat", lang, hours=hours[PRIORITIES[0]], clock=clock)
    targets = ", ".join(
        t("sla.target_item", lang, hours=hours[p], priority=t(f"priority.{p}", lang).lower())
        for p in PRIORITIES
    )
    return t("sla.targets_by_priority", lang, targets=targets, clock=clock)


def ack_targets_text(policy: SlaPolicy, lang: str) -> str:
    """Return the sentence naming the acknowledgement target of each priority."""
    targets = "; ".join(
        t(
            "report.sla.ack_target",
            lang,
            priority=t(f"priority.{priority}", lang),
            hours=format_hours(policy.ack_hours(priority), lang),
        )
        for priority in PRIORITIES
    )
    return t("report.sla.ack_targets.text", lang, targets=targets)


def clock_text(policy: SlaPolicy, lang: str) -> str:
    """Return how the hours towards a target are counted: calendar or working hours, with
    the working days, hours and public holidays."""
    calendar = policy.calendar
    if not calendar.enabled:
        return t("report.sla.clock.calendar", lang)
    holidays = "excluded" if calendar.public_holidays else "included"
    return t(
        "report.sla.clock.working",
        lang,
        start=calendar.day_start.strftime("%H:%M"),
        end=calendar.day_end.strftime("%H:%M"),
        days=_weekdays(calendar.weekdays, lang),
        holidays=t(f"report.sla.holidays.{holidays}", lang),
    )


def _weekdays(days: tuple[int, ...], lang: str) -> str:
    """Return working days as a range ("Monday to Friday") when they run on, else a list."""
    ordered = sorted(days)
    names = [t(f"weekday.{day}", lang) for day in ordered]
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return t("report.sla.day_range", lang, first=names[0], last=names[-1])
    return ", ".join(names)


def format_hours(hours: float, lang: str) -> str:
    """Return a target in hours as the language writes numbers (4, 1.5; vi 1,5)."""
    decimals = next(d for d in (0, 1, 2) if round(hours, d) == round(hours, 2))
    return format_number(hours, lang, decimals=decimals)


def default_policy() -> SlaPolicy:
    """Return the policy of a store that never saved one (FEEDBACK_ACK_TARGET_HOURS, 48 h)."""
    return flat_policy(get_settings().ack_target_hours)


def load_policy(session: Session) -> SlaPolicy:
    """Return the stored policy, or the default one when none was saved."""
    stored = read_setting(session, KEY)
    return default_policy() if stored is None else SlaPolicy.model_validate(stored)


def parse_policy(value: dict[str, Any]) -> SlaPolicy:
    """Return the policy `value` describes, or raise InvalidPolicy naming the wrong field."""
    try:
        return SlaPolicy.model_validate(value)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'policy'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidPolicy(f"the SLA settings were not saved: {problems}") from None


def changed_policy(
    policy: SlaPolicy,
    *,
    ack_hours: dict[str, float] | None = None,
    resolution_hours: dict[str, float] | None = None,
    working_hours: bool | None = None,
) -> SlaPolicy:
    """Return `policy` with these targets (hours per priority) and the working-hours calendar
    switched on or off; raise InvalidPolicy naming a wrong priority or a number out of range."""
    changes = {"ack_hours": ack_hours or {}, "resolution_hours": resolution_hours or {}}
    value = policy.model_dump(mode="json")
    for which, hours in changes.items():
        for priority, number in hours.items():
            if priority not in PRIORITIES:
                raise InvalidPolicy(
                    f"the SLA settings were not saved: {priority!r} is no priority; "
                    f"use one of {', '.join(PRIORITIES)}"
                )
            value["targets"][priority][which] = number
    if working_hours is not None:
        value["calendar"]["enabled"] = working_hours
    return parse_policy(value)


def save_policy(
    session: Session, policy: SlaPolicy, *, actor: str, now: datetime | None = None
) -> bool:
    """Store `policy` for every app instance and audit the change, in the caller's
    transaction; return False (and store nothing) when it equals the policy in force."""
    now = now or datetime.now(UTC)
    before = load_policy(session)
    if before == policy:
        return False
    value = policy.model_dump(mode="json")
    details = {"from": before.model_dump(mode="json"), "to": value}
    save_setting(session, KEY, value, actor=actor, details=details, now=now)
    return True


def working_hours(start: pd.Series, end: pd.Series, calendar: Calendar, tz: tzinfo) -> pd.Series:
    """Return the working hours between each `start` and `end` (aware instants), NaN where
    either is missing; negative when `end` comes first."""
    known = start.notna() & end.notna()
    hours = pd.Series(np.nan, index=start.index, dtype=float)
    if known.any():
        first, last = start[known], end[known]
        years = range(
            min(first.dt.tz_convert(tz).dt.year.min(), last.dt.tz_convert(tz).dt.year.min()),
            max(first.dt.tz_convert(tz).dt.year.max(), last.dt.tz_convert(tz).dt.year.max()) + 1,
        )
        free = _holidays(years) if calendar.public_holidays else np.array([], "datetime64[D]")
        hours[known] = _worked_until(last, calendar, tz, free) - _worked_until(
            first, calendar, tz, free
        )
    return hours


def _worked_until(
    stamps: pd.Series, calendar: Calendar, tz: tzinfo, free: np.ndarray
) -> np.ndarray:
    # Working hours from 1970-01-01 (local) to each instant: whole working days before its
    # date, plus the worked part of its own date when that is a working day.
    local = stamps.dt.tz_convert(tz)
    days = local.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    before = np.busday_count(
        np.datetime64("1970-01-01"), days, weekmask=calendar.weekmask, holidays=free
    )
    clock = local.dt.hour + local.dt.minute / 60 + local.dt.second / 3600
    today = np.clip(clock.to_numpy() - _hour(calendar.day_start), 0, calendar.day_hours)
    working = np.is_busday(days, weekmask=calendar.weekmask, holidays=free)
    return before * calendar.day_hours + np.where(working, today, 0.0)


def _holidays(years: range) -> np.ndarray:
    return np.array(sorted(holidays.country_holidays(COUNTRY, years=years)), "datetime64[D]")


def public_holidays(year: int) -> list[tuple[str, str]]:
    """Return Vietnam's public holidays of `year` as (ISO date, name) pairs, by date."""
    found = holidays.country_holidays(COUNTRY, years=year)
    return [(day.isoformat(), str(name)) for day, name in sorted(found.items())]


def _hour(moment: time) -> float:
    return moment.hour + moment.minute / 60 + moment.second / 3600
