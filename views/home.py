"""Home: what the store holds, and what each page is for."""

import streamlit as st

from feedback_analytics import ui
from feedback_analytics.access import HANDLE, can, may_open
from feedback_analytics.db.models import CHANNELS
from feedback_analytics.i18n import format_datetime, format_number, t
from feedback_analytics.ui import mail

lang = ui.current_language()
tz = ui.settings().tz

st.title(t("home.title", lang))
st.write(t("home.intro", lang))

st.header(t("home.store", lang))
summary = ui.store_summary()
if summary.is_empty:
    st.info(t("home.empty", lang), icon=":material/inbox:")
    if may_open(ui.require_viewer().role, "import"):
        st.page_link(
            "views/import.py", label=t("home.go_import", lang), icon=":material/upload_file:"
        )
else:
    records, uncategorised, surveys = st.columns(3)
    records.metric(t("home.records", lang), format_number(summary.records, lang))
    uncategorised.metric(t("home.uncategorised", lang), format_number(summary.uncategorised, lang))
    surveys.metric(t("home.surveys", lang), format_number(summary.survey_responses, lang))
    first, last = st.columns(2)
    first.metric(
        t("home.first_received", lang), format_datetime(summary.first_received_at, lang, tz=tz)
    )
    last.metric(
        t("home.last_received", lang), format_datetime(summary.last_received_at, lang, tz=tz)
    )
    st.caption(t("home.local_time", lang, zone=ui.settings().timezone))

    st.subheader(t("home.by_channel", lang))
    for column, channel in zip(st.columns(len(CHANNELS)), CHANNELS, strict=True):
        column.metric(
            t(f"channel.{channel}", lang), format_number(summary.by_channel.get(channel, 0), lang)
        )

st.subheader(t("home.imports", lang))
batches = ui.recent_batches(limit=10)
if batches.empty:
    st.caption(t("home.no_imports", lang))
else:
    ui.show_table(batches, lang)

st.subheader(t("home.mailbox", lang))
mailbox = ui.mailbox_reading()
if not mailbox.has_run and not mailbox.configured:
    st.caption(t("home.mailbox.none", lang))
elif not mailbox.has_run:
    st.warning(t("home.mailbox.never", lang), icon=":material/mail:")
else:
    last_read, last_run, last_day = st.columns(3)
    last_read.metric(
        t("home.mailbox.last_read", lang),
        format_datetime(mailbox.last_finished_at or mailbox.last_started_at, lang, tz=tz),
    )
    last_run.metric(t("home.mailbox.last_run", lang), format_number(mailbox.last_came_in, lang))
    last_day.metric(t("home.mailbox.last_day", lang), format_number(mailbox.day_came_in, lang))
    if mailbox.last_error:
        st.error(
            t("home.mailbox.failed", lang, error=ui.escape_markdown(mailbox.last_error)),
            icon=":material/mail:",
        )
    if mailbox.stale:
        since = format_datetime(mailbox.last_success_at, lang, tz=tz)
        st.warning(t("home.mailbox.stale", lang, since=since), icon=":material/schedule:")
    if mailbox.last_unreadable:
        st.caption(
            t(
                "home.mailbox.unreadable",
                lang,
                count=format_number(mailbox.last_unreadable, lang),
                folder=ui.escape_markdown(mailbox.problem_folder),
            )
        )
    st.caption(t("home.local_time", lang, zone=ui.settings().timezone))

# Those who handle feedback see the call-backs waiting for them (staff cannot open Processing
# and SLA, which lists them too).
viewer = ui.require_viewer()
if can(viewer.role, HANDLE):
    callbacks = mail.callbacks_to_make(viewer.role)
    done = st.session_state.pop("home_outcome", None)
    if len(callbacks) or done is not None:
        st.subheader(t("processing.callbacks", lang, count=format_number(len(callbacks), lang)))
        if done is not None:
            (st.success if done[0] == "success" else st.warning)(done[1])
        mail.show_callbacks(callbacks, lang, viewer, outcome_key="home_outcome")

st.header(t("home.pages", lang))
ui.page_directory(lang, ui.require_viewer().role)
