"""SLA settings: the acknowledgement and resolution targets per priority, and the optional
working-hours calendar with Vietnamese public holidays."""

from datetime import datetime

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import sla, ui
from feedback_analytics.db.models import PRIORITIES
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import t

lang = ui.current_language()
viewer = ui.require_viewer()
st.title(t("sla_settings.title", lang))
st.caption(t("sla_settings.intro", lang))
current = ui.policy()

with st.form("sla_settings"):
    st.subheader(t("sla_settings.targets", lang))
    targets = {}
    for priority in PRIORITIES:
        left, right = st.columns(2)
        ack = left.number_input(
            t("sla_settings.ack", lang, priority=t(f"priority.{priority}", lang)),
            min_value=0.5,
            max_value=8760.0,
            value=float(current.ack_hours(priority)),
            step=1.0,
            key=f"ack_{priority}",
        )
        resolution = right.number_input(
            t("sla_settings.resolution", lang, priority=t(f"priority.{priority}", lang)),
            min_value=0.0,
            max_value=8760.0,
            value=float(current.resolution_hours(priority) or 0.0),
            step=1.0,
            help=t("sla_settings.resolution_help", lang),
            key=f"resolution_{priority}",
        )
        targets[priority] = {"ack_hours": ack, "resolution_hours": resolution or None}
    st.subheader(t("sla_settings.calendar", lang))
    calendar = current.calendar
    enabled = st.toggle(t("sla_settings.enabled", lang), value=calendar.enabled, key="calendar_on")
    left, right = st.columns(2)
    day_start = left.time_input(t("sla_settings.start", lang), calendar.day_start, key="day_start")
    day_end = right.time_input(t("sla_settings.end", lang), calendar.day_end, key="day_end")
    weekdays = st.multiselect(
        t("sla_settings.weekdays", lang),
        list(range(7)),
        default=list(calendar.weekdays),
        format_func=lambda day: t(f"weekday.{day}", lang),
        key="weekdays",
    )
    public = st.checkbox(
        t("sla_settings.holidays", lang), value=calendar.public_holidays, key="public_holidays"
    )
    saved = st.form_submit_button(t("sla_settings.save", lang), icon=":material/save:")

if saved:
    value = {
        "targets": targets,
        "calendar": {
            "enabled": enabled,
            "day_start": day_start.isoformat(),
            "day_end": day_end.isoformat(),
            "weekdays": sorted(weekdays),
            "public_holidays": public,
        },
    }
    try:
        policy = sla.parse_policy(value)
        with Session(ui.get_engine()) as session, session.begin():
            changed = sla.save_policy(session, policy, actor=viewer.actor)
    except ActionableError as exc:
        st.error(ui.escape_markdown(exc), icon=":material/error:")
    else:
        ui.forget_policy()
        st.success(t("sla_settings.saved" if changed else "sla_settings.unchanged", lang))

with st.expander(t("sla_settings.holiday_list", lang, year=datetime.now().year)):
    st.dataframe(
        pd.DataFrame(sla.public_holidays(datetime.now().year), columns=["date", "name"]),
        hide_index=True,
        width="stretch",
    )
