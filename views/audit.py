"""Audit log (administrators): sign-ins, reveals, downloads, imports and changes, filtered."""

import json
from datetime import UTC, datetime, time, timedelta

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import audit, ui
from feedback_analytics.i18n import t

lang = ui.current_language()
tz = ui.settings().tz
engine = ui.get_engine()
st.title(t("audit.title", lang))
st.caption(t("audit.intro", lang))

today = datetime.now(tz).date()
with Session(engine) as session:
    actors = audit.event_actors(session)
left, middle, right = st.columns(3)
period = left.date_input(
    t("audit.period", lang), (today - timedelta(days=7), today), max_value=today, key="audit_period"
)
actor = middle.selectbox(t("audit.actor", lang), ["", *actors], key="audit_actor")
actions = right.multiselect(t("audit.actions", lang), audit.ACTIONS, key="audit_actions")
feedback_id = st.number_input(
    t("audit.feedback_id", lang), min_value=0, value=0, step=1, key="audit_feedback"
)
start, end = (period[0], period[-1]) if period else (today, today)
with Session(engine) as session:
    events = audit.query_events(
        session,
        since=datetime.combine(start, time.min, tz).astimezone(UTC),
        until=datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC),
        actor=actor or None,
        actions=actions,
        feedback_id=int(feedback_id) or None,
        limit=5_000,
    )
st.caption(t("audit.count", lang, count=len(events)))
events["details"] = events["details"].map(
    lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True) if d else ""
)
ui.show_table(events, lang)
