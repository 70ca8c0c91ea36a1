"""Intake: how much feedback arrives, by period and dimension, when, and which categories spike."""

import streamlit as st

from feedback_analytics import charts, selection, tables, ui
from feedback_analytics.i18n import format_number, t
from feedback_analytics.metrics import DIMENSIONS, operations
from feedback_analytics.ui import operations as ops

lang = ui.current_language()
tz = ui.settings().tz
st.title(t("intake.title", lang))
data = ui.store_facts()
if data.frame.empty:
    st.info(t("overview.empty", lang), icon=":material/inbox:")
    st.stop()

months = ops.months_back(data, lang, key="intake_months")
since = ops.start_of(months[0]).tz_localize(None)
left, right = st.columns(2)
period = left.segmented_control(
    t("intake.period", lang),
    operations.PERIODS,
    default="week",
    required=True,
    format_func=lambda name: t(f"intake.period.{name}", lang),
    key="intake_period",
)
by = right.selectbox(
    t("intake.by", lang),
    [None, *DIMENSIONS],
    format_func=lambda name: (
        t("intake.by_none", lang) if name is None else t(f"dimension.{name}", lang)
    ),
    key="intake_by",
)
frame = data.frame
counts = operations.volume(frame, period=str(period), tz=tz, as_of=data.as_of, by=by, since=since)
bars = ops.chart(
    charts.volume_figure(counts, period=str(period), by=by, lang=lang), "intake_volume"
)
st.caption(t("intake.click", lang))

st.subheader(t("intake.heatmap", lang))
heat = operations.weekday_hour(frame, tz=tz, as_of=data.as_of, since=since)
heat_click = ops.chart(charts.weekday_hour_figure(heat, lang), "intake_heatmap")
for weekday, hour in selection.cells(heat_click):
    chosen = operations.weekday_hour_ids(
        frame, weekday=weekday, hour=hour, tz=tz, as_of=data.as_of, since=since
    )
    day = t(f"weekday.{weekday}", lang)
    ops.show_records(chosen, t("intake.heat_cell", lang, weekday=day, hour=f"{hour:02d}"), lang)

st.subheader(t("intake.spikes", lang))
spike_period = st.segmented_control(
    t("intake.spike_period", lang),
    operations.SPIKE_PERIODS,
    default="week",
    required=True,
    format_func=lambda name: t(f"intake.spike_period.{name}", lang),
    key="spike_period",
)
found = operations.spikes(frame, period=str(spike_period), tz=tz, as_of=data.as_of)
flagged = operations.flagged_spikes(found)
st.caption(
    t(
        "intake.spikes_rule",
        lang,
        history=operations.SPIKE_HISTORY[str(spike_period)],
        z=format_number(operations.SPIKE_Z, lang),
        count=operations.SPIKE_MIN_COUNT,
        ratio=format_number(operations.SPIKE_MIN_RATIO, lang, decimals=1),
    )
)
if flagged.empty:
    st.success(t("intake.no_spikes", lang), icon=":material/check_circle:")
for row in flagged.itertuples():
    st.warning(
        t(
            "intake.spike",
            lang,
            category=ui.escape_markdown(row.category),
            count=format_number(row.count, lang),
            baseline=format_number(row.baseline, lang, decimals=1),
            threshold=format_number(row.threshold, lang, decimals=1),
            earlier=", ".join(format_number(v, lang) for v in row.periods),
        ),
        icon=":material/trending_up:",
    )
if not found.empty:
    with st.expander(t("intake.all_categories", lang)):
        st.dataframe(tables.spikes_table(found, lang), hide_index=True, width="stretch")

st.subheader(t("intake.records", lang))
picked = selection.periods(bars)
if not picked:
    st.caption(t("intake.records_hint", lang))
for start, value in picked:
    chosen = operations.volume_ids(
        frame,
        period=str(period),
        start=start,
        tz=tz,
        as_of=data.as_of,
        by=by if value is not None else None,
        value=value,
    )
    title = start[:10]
    if value is not None:
        title += f" · {charts.value_label(str(by), value, lang)}"
    ops.show_records(chosen, title, lang)
