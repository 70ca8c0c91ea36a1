"""Processing and SLA: acknowledgement and resolution times against the targets, compliance,
and the lists a team works from."""

import pandas as pd
import plotly.express as px
import streamlit as st

from feedback_analytics import ui
from feedback_analytics.i18n import t
from feedback_analytics.metrics import operations
from feedback_analytics.ui import operations as ops

lang = ui.current_language()
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
            listed = ids.to_numpy()[: ops.RECORDS_SHOWN]
            shown = ui.records(listed)
            ages = frame.set_index("id")["age_hours"]
            shown.insert(0, "age_hours", ages.loc[listed].round(1).to_numpy())
            ui.show_table(shown, lang)

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
    table = pd.DataFrame(
        {
            t(f"dimension.{by}", lang): ops.value_names(str(by), summary["value"], lang),
            t("processing.n", lang): summary["n"],
            t("processing.median", lang): [ops.number(v, lang) for v in summary["median_hours"]],
            t("processing.p90", lang): [ops.number(v, lang) for v in summary["p90_hours"]],
        }
    )
    st.markdown(f"**{t(f'processing.{column}', lang)}**")
    if summary.empty:
        st.caption(t("processing.none", lang))
        continue
    left, right = st.columns([3, 2])
    with left:
        # Drawn from the quartiles and fences, not from every record's hours: a browser
        # would be sent hundreds of thousands of values per chart.
        st.plotly_chart(
            ops.box_figure(
                figures[f"box_{column}"],
                str(by),
                lang,
                x_title=t(f"dimension.{by}", lang),
                y_title=t("processing.hours", lang),
            ),
            key=f"box_{column}",
        )
    right.dataframe(table, hide_index=True, width="stretch")

st.subheader(t("processing.compliance", lang))
trend = figures["trend"]
long = trend.melt(
    id_vars="month", value_vars=["ack_pct", "resolution_pct", "on_time_pct"], var_name="kpi"
)
long["kpi"] = long["kpi"].map(lambda k: t(f"processing.{k}", lang))
figure = px.line(
    long,
    x="month",
    y="value",
    color="kpi",
    markers=True,
    custom_data=["month"],
    labels={"month": "", "value": "%", "kpi": ""},
)
ops.chart(figure, "compliance_trend")
picked = ops.clicked("compliance_trend")
if picked:
    month = str(picked[0])
    breached = ops.breached_ids(data, month)
    ops.show_records(breached, t("processing.breached_in", lang, month=month), lang)
else:
    st.caption(t("processing.click", lang))
