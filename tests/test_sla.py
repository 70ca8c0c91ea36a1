"""The SLA policy: defaults, storage shared by app instances, validation, working hours."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from feedback_analytics import sla
from feedback_analytics.db import AuditEvent
from feedback_analytics.db.models import PRIORITIES

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 10, 2, 5, tzinfo=UTC)


def stamps(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True))


def test_the_default_acknowledges_within_the_configured_target_for_every_priority(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert {sla.default_policy().ack_hours(p) for p in PRIORITIES} == {48.0}
    monkeypatch.setenv("FEEDBACK_ACK_TARGET_HOURS", "24")
    sla.get_settings.cache_clear()
    assert {sla.default_policy().ack_hours(p) for p in PRIORITIES} == {24.0}
    assert not sla.default_policy().calendar.enabled


def test_a_saved_policy_is_what_every_session_reads_and_the_change_is_audited(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        assert sla.load_policy(session) == sla.default_policy()
    policy = sla.parse_policy(
        {
            "targets": {p: {"ack_hours": 8 if p == "urgent" else 48} for p in PRIORITIES},
            "calendar": {"enabled": True, "day_start": "07:30", "day_end": "16:30"},
        }
    )
    with Session(engine) as session, session.begin():
        assert sla.save_policy(session, policy, actor="manager@example.test", now=NOW)
    with Session(engine) as session:
        loaded = sla.load_policy(session)
        events = session.scalars(select(AuditEvent)).all()
    assert loaded == policy
    assert loaded.ack_hours("urgent") == 8 and loaded.resolution_hours("urgent") is None
    assert loaded.calendar.day_start == time(7, 30)
    assert [(e.action, e.actor, e.details["setting"]) for e in events] == [
        ("settings.change", "manager@example.test", "sla")
    ]
    assert events[0].details["to"]["targets"]["urgent"]["ack_hours"] == 8


def test_saving_the_policy_in_force_again_changes_nothing(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        assert not sla.save_policy(session, sla.default_policy(), actor="a@example.test")
    with Session(engine) as session:
        assert session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"targets": {p: {"ack_hours": 0} for p in PRIORITIES}}, "targets.urgent.ack_hours"),
        ({"targets": {"urgent": {"ack_hours": 4}}}, "policy"),
        (
            {
                "targets": {p: {"ack_hours": 48} for p in PRIORITIES},
                "calendar": {"day_start": "18:00", "day_end": "08:00"},
            },
            "calendar",
        ),
    ],
)
def test_a_wrong_policy_is_refused_naming_the_field(value: dict, field: str) -> None:
    with pytest.raises(sla.InvalidPolicy, match="were not saved") as refused:
        sla.parse_policy(value)
    assert field in str(refused.value)


def test_calendar_hours_are_the_default_measure() -> None:
    hours = sla.default_policy().elapsed_hours(
        stamps("2026-08-28T16:00+07:00"), stamps("2026-09-03T09:00+07:00"), TZ
    )
    assert hours.tolist() == [6 * 24 - 7]


def test_working_hours_skip_evenings_weekends_and_vietnamese_public_holidays() -> None:
    calendar = sla.Calendar(enabled=True)  # 08:00-17:00, Monday to Friday
    hours = sla.working_hours(
        stamps(
            "2026-08-28T16:00+07:00",  # Friday 16:00; Monday 31 August and 1-2 September are off
            "2026-09-01T09:00+07:00",  # National Day
            "2026-10-01T20:00+07:00",  # Thursday evening
            "2026-10-02T07:00+07:00",
            None,
        ),
        stamps(
            "2026-09-03T09:00+07:00",
            "2026-09-01T10:00+07:00",
            "2026-10-02T10:00+07:00",
            "2026-10-02T18:00+07:00",
            "2026-10-02T18:00+07:00",
        ),
        calendar,
        TZ,
    )
    assert hours.tolist()[:4] == [2.0, 0.0, 2.0, 9.0]
    assert pd.isna(hours.iloc[4])


def test_holidays_can_be_counted_as_working_days() -> None:
    calendar = sla.Calendar(enabled=True, public_holidays=False, weekdays=(0, 1, 2, 3, 4, 5))
    hours = sla.working_hours(
        stamps("2026-08-28T16:00+07:00"), stamps("2026-09-03T09:00+07:00"), calendar, TZ
    )
    # Friday 1 h, Saturday, Monday, Tuesday and Wednesday 9 h each, Thursday 1 h.
    assert hours.tolist() == [1 + 4 * 9 + 1]


def test_the_holiday_list_names_vietnams_national_day() -> None:
    assert ("2026-09-02", "National Day") in sla.public_holidays(2026)
