"""The operations pages on a real store: Intake, Processing and SLA, Satisfaction, SLA settings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import streamlit as st
from app_support import add_feedback, chart_points, click_point, metric, new_app, open_as, texts
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics import metrics
from feedback_analytics.charts import format_month
from feedback_analytics.config import get_settings
from feedback_analytics.db import AuditEvent, Feedback, SurveyResponse

NOW = datetime.now(UTC)


pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_page(path: str, role: str = "manager") -> AppTest:
    return open_as(path, role)


def test_intake_flags_a_category_far_above_its_own_weeks(store_engine: Engine) -> None:
    start_of_week = (NOW - timedelta(days=NOW.weekday())).replace(hour=0, minute=0, second=0)
    usual = [
        {"received_at": start_of_week - timedelta(weeks=w, hours=-1), "category": "VPN"}
        for w in range(1, 9)
    ]
    burst = [
        {"received_at": start_of_week + timedelta(minutes=5 + m), "category": "VPN"}
        for m in range(12)
    ]
    add_feedback(store_engine, [*usual, *burst])
    at = open_page("views/intake.py")
    warnings = [w.value for w in at.warning]
    assert any(text.startswith("VPN: 12 so far, against a baseline of 1") for text in warnings)
    assert at.get("plotly_chart")  # the volume chart and the heatmap
    assert "Click a bar of the volume chart" in texts(at)


def test_a_click_on_an_intake_bar_lists_the_records_behind_it(store_engine: Engine) -> None:
    # One instant (past the app's 5-minute as_of step): one bar, whatever the day.
    received = NOW - timedelta(minutes=10)
    add_feedback(
        store_engine,
        [
            {"received_at": received, "channel": channel}
            for channel in ("email", "hotline", "email")
        ],
    )
    at = open_page("views/intake.py")
    ((_, (start,)),) = chart_points(at, "intake_volume")
    click_point(at, "intake_volume", [start])
    assert f"**{start[:10]}**" in texts(at)
    assert "3 records; the newest 3 are listed." in texts(at)

    at.selectbox(key="intake_by").set_value("channel").run()
    bars = dict(chart_points(at, "intake_volume"))
    assert bars["Hotline"] == [start, "hotline"]
    click_point(at, "intake_volume", bars["Hotline"])
    assert f"**{start[:10]} · Hotline**" in texts(at)
    assert "1 records; the newest 1 are listed." in texts(at)
    assert at.dataframe[-1].value["external_id"].tolist() == ["T-1"]


def test_a_quiet_store_has_no_spike(store_engine: Engine) -> None:
    add_feedback(store_engine, [{"received_at": NOW - timedelta(hours=2), "category": "VPN"}])
    at = open_page("views/intake.py", role="quality")
    assert "No category is far above its usual volume." in texts(at)


def test_processing_lists_breached_feedback_and_the_settings_change_the_target(
    store_engine: Engine,
) -> None:
    add_feedback(
        store_engine,
        [
            {"received_at": NOW - timedelta(hours=100)},  # breached at 48 h
            {"received_at": NOW - timedelta(hours=40)},  # at risk
            {"received_at": NOW - timedelta(hours=1)},
        ],
    )
    at = open_page("views/sla.py")
    # The work lists; the messages to customers' two lists follow them.
    labels = [tab.label for tab in at.tabs]
    assert labels[:3] == ["Breached (1)", "At risk (1)", "Past the promised time (0)"]

    settings = open_page("views/sla_settings.py")
    settings.number_input(key="ack_normal").set_value(120.0)
    next(b for b in settings.button if b.label == "Save").click().run()
    assert "Saved." in texts(settings)
    with Session(store_engine) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.change"))
        assert [e.actor for e in events] == ["manager@example.test"]

    st.cache_data.clear()
    again = open_page("views/sla.py")
    # At 120 h the 100-hour-old record is at risk, no longer breached; 40 h is neither.
    assert [tab.label for tab in again.tabs][:3] == [
        "Breached (0)",
        "At risk (1)",
        "Past the promised time (0)",
    ]


def test_a_click_on_a_month_of_compliance_lists_its_breached_records(
    store_engine: Engine,
) -> None:
    received = NOW - timedelta(hours=100)  # never acknowledged: breached at 48 h
    add_feedback(store_engine, [{"received_at": received}, {"received_at": NOW}])
    month = metrics.month_of(received, get_settings().tz)
    at = open_page("views/sla.py")
    months = [data for _, data in chart_points(at, "compliance_trend")]
    assert [month, "ack_pct"] in months
    click_point(at, "compliance_trend", [month, "ack_pct"])
    named = format_month(month, "en", long=True)
    assert f"Not acknowledged within target, received in {named}" in texts(at)
    assert "1 records; the newest 1 are listed." in texts(at)


def test_a_wrong_working_day_is_refused_and_nothing_is_saved(store_engine: Engine) -> None:
    add_feedback(store_engine, [{"received_at": NOW - timedelta(hours=1)}])
    at = open_page("views/sla_settings.py")
    at.time_input(key="day_end").set_value(time(7, 0))
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("were not saved" in e.value and "calendar" in e.value for e in at.error)
    with Session(store_engine) as session:
        changes = select(AuditEvent).where(AuditEvent.action == "settings.change")
        assert session.scalars(changes).all() == []


def test_satisfaction_shows_csat_comments_and_masks_contacts_in_them(
    store_engine: Engine,
) -> None:
    resolved = NOW - timedelta(days=2)
    add_feedback(
        store_engine,
        [
            {"received_at": resolved - timedelta(days=1), "resolved_at": resolved, "category": c}
            for c in ("VPN", "Billing")
        ],
    )
    with Session(store_engine) as session:
        for record, (score, comment) in zip(
            session.scalars(select(Feedback).order_by(Feedback.id)),
            [(1, "Still slow, call me on 0912 345 678"), (5, "Great support")],
            strict=True,
        ):
            session.add(
                SurveyResponse(
                    feedback_id=record.id,
                    score=score,
                    comment=comment,
                    surveyed_at=resolved,
                    created_at=resolved,
                    updated_at=resolved,
                )
            )
        session.commit()
    at = open_page("views/satisfaction.py")
    assert metric(at, "Customer satisfaction (CSAT)") == "50.0 %"
    assert metric(at, "Survey response rate") == "100.0 %"
    assert "2 comments match." in texts(at)
    shown = at.dataframe[-1].value.to_string()
    assert "09******78" in shown and "0912 345 678" not in shown
    at.text_input(key="comment_search").input("great").run()
    assert "1 comments match." in texts(at)

    scores = [data for _, data in chart_points(at, "score_bars")]
    assert scores == [[1], [2], [3], [4], [5]]
    click_point(at, "score_bars", [1])
    assert "**Responses scoring 1**" in texts(at)
    assert "1 survey responses; the newest 1 are listed." in texts(at)


def test_staff_cannot_open_the_managers_pages(store_engine: Engine) -> None:
    at = new_app("staff").run()
    for path in ("views/intake.py", "views/sla.py", "views/sla_settings.py"):
        at.switch_page(path).run()
        assert "cannot open this page" in at.error[0].value
