"""Overview: the managers' monthly numbers, their trend and breakdowns, and the records behind."""

import streamlit as st

from feedback_analytics import charts, kpis, sla, ui
from feedback_analytics.i18n import format_number, t
from feedback_analytics.metrics import DIMENSIONS
from feedback_analytics.ui import overview as view

lang = ui.current_language()
tz = ui.settings().tz

st.title(t("overview.title", lang))
data = ui.store_facts()
if data.frame.empty:
    st.info(t("overview.empty", lang), icon=":material/inbox:")
    st.page_link("views/import.py", label=t("home.go_import", lang), icon=":material/upload_file:")
    st.stop()

with st.sidebar:
    st.header(t("overview.filters", lang))
    month = view.month_picker(data, lang)
    trend = view.period_picker(data, month, lang)
    filters = view.dimension_filters(data, lang)

overview = view.month_overview(data, month=month, trend=trend, filters=filters)
st.caption(
    t(
        "overview.caption",
        lang,
        month=charts.format_month(month, lang, long=True),
        as_of=view.format_as_of(data, lang),
        records=format_number(int(overview.current.report["intake"]["total"]), lang),
    )
)
if filters.active:
    st.caption(view.describe_filters(filters, lang))

st.subheader(t("overview.kpis", lang))
view.kpi_cards(overview, lang)

st.subheader(t("overview.scorecard", lang, targets=sla.describe_targets(overview.policy, lang)))
view.scorecard(overview, lang)

st.subheader(t("overview.trends", lang))
chosen = st.pills(
    t("overview.trend_kpis", lang),
    [kpi.key for kpi in kpis.KPIS],
    selection_mode="multi",
    default=list(view.DEFAULT_TRENDS),
    format_func=lambda key: t(f"kpi.{key}", lang),
    key="trend_kpis",
)
view.trend_charts(overview, chosen or list(view.DEFAULT_TRENDS), lang)

st.subheader(t("overview.breakdowns", lang))
dimension = st.segmented_control(
    t("overview.breakdown_by", lang),
    DIMENSIONS,
    default="channel",
    required=True,
    format_func=lambda name: t(f"dimension.{name}", lang),
    key="breakdown",
)
view.breakdown(overview, dimension or "channel", lang)

st.subheader(t("overview.records", lang))
view.records_behind(data, overview, filters, lang)

st.subheader(t("overview.downloads", lang))
view.downloads(data, overview, filters, lang)
view.definitions(overview, lang)
