"""Processing and SLA: acknowledgement and resolution times against the targets, compliance,
and the lists a team works from."""

import streamlit as st

from feedback_analytics import access, charts, selection, tables, ui
from feedback_analytics.i18n import format_number, t
from feedback_analytics.metrics import operations
from feedback_analytics.ui import mail
from feedback_analytics.ui import operations as ops

lang = ui.current_language()
viewer = ui.require_viewer()
tz = ui.settings().tz
st.title(t("processing.title", lang))
data = ui.store_facts()
if data.frame.empty:
    st.info(t("overview.empty", lang), icon=":material/inbox:")
    st.stop()

policy = data.policy
st.caption(
    t(
        "processing.calendar_on" if policy.calendar.enabled else "processing.calendar_off",
        lang,
    )
)
st.page_link("views/sla_settings.py", label=t("nav.sla_settings", lang), icon=":material/tune:")
months = ops.months_back(data, lang, key="processing_months", default=6)
frame = ops.durations(data)

st.subheader(t("processing.lists", lang))
lists = operations.work_lists(frame, as_of=data.as_of)
tabs = st.tabs([t(f"processing.list.{name}", lang, count=len(ids)) for name, ids in lists.items()])
for tab, (name, ids) in zip(tabs, lists.items(), strict=True):
    with tab:
        st.caption(t(f"processing.list_help.{name}", lang))
        if len(ids):
            ui.show_table(ops.work_list(frame, ids), lang)

st.subheader(t("processing.times", lang))
by = st.segmented_control(
    t("processing.by", lang),
    ["priority", "department", "channel"],
    default="priority",
    required=True,
    format_func=lambda name: t(f"dimension.{name}", lang),
    key="processing_by",
)
figures = ops.processing_figures(data, months=months, by=str(by))
for column in ("ack_hours", "resolution_hours"):
    summary = figures[f"summary_{column}"]
    st.markdown(f"**{t(f'processing.{column}', lang)}**")
    if summary.empty:
        st.caption(t("processing.none", lang))
        continue
    left, right = st.columns([3, 2])
    with left:
        # Drawn from the quartiles and fences, not from every record's hours: a browser
        # would be sent hundreds of thousands of values per chart.
        st.plotly_chart(
            charts.box_figure(figures[f"box_{column}"], str(by), lang), key=f"box_{column}"
        )
    right.dataframe(
        tables.time_summary_table(summary, str(by), lang), hide_index=True, width="stretch"
    )

st.subheader(t("processing.compliance", lang))
lines = ops.chart(charts.compliance_figure(figures["trend"], lang), "compliance_trend")
picked = selection.month_values(lines)
if not picked:
    st.caption(t("processing.click", lang))
for month, line in picked:
    named = charts.format_month(month, lang, long=True)
    if line == "resolution_pct":
        behind = operations.resolution_breached_ids(frame, month, tz).to_numpy()
    else:
        cohort = "late" if line == "on_time_pct" else "acknowledgement_breached"
        behind = ops.month_cohort_ids(data, cohort, month)
    ops.show_records(behind, t(f"processing.behind.{line}", lang, month=named), lang)

# Beside the breached list: the promises to customers that did not reach them.
st.subheader(t("processing.messages", lang))
# What the last click did, shown once after the lists are read again.
if (done := st.session_state.pop("processing_outcome", None)) is not None:
    kind, words = done
    (st.success if kind == "success" else st.warning)(words)
counts = mail.message_counts()
st.caption(
    t(
        "processing.messages_counts",
        lang,
        **{s: format_number(counts.get(s, 0), lang) for s in ("queued", "sent", "failed")},
    )
)
to_check = mail.messages_to_check()
callbacks = mail.callbacks_to_make(viewer.role)
failed_tab, callback_tab = st.tabs(
    [
        t("processing.messages_failed", lang, count=len(to_check)),
        t("processing.callbacks", lang, count=len(callbacks)),
    ]
)
handles = access.can(viewer.role, access.HANDLE)
with failed_tab:
    st.caption(t("processing.messages_failed_help", lang))
    if len(to_check):
        ui.show_table(to_check, lang)
        if handles:
            with st.form("send_again"):
                chosen = st.selectbox(
                    t("processing.send_again_which", lang),
                    to_check["outbox_id"].tolist(),
                    key="send_again_id",
                )
                if st.form_submit_button(t("processing.send_again", lang)):
                    report = mail.send_again(int(chosen), actor=viewer.actor)
                    if report is None:
                        done = ("warning", t("processing.send_again_stale", lang))
                    elif report.count("sent"):
                        done = ("success", t("processing.send_again_sent", lang))
                    else:
                        reason = report.problem_text or "; ".join(
                            d.detail or d.status for d in report.deliveries
                        )
                        done = (
                            "warning",
                            t("processing.send_again_not_sent", lang, reason=reason),
                        )
                    st.session_state["processing_outcome"] = done
                    st.rerun()
with callback_tab:
    mail.show_callbacks(callbacks, lang, viewer, outcome_key="processing_outcome")
