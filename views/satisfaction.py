"""Satisfaction: survey scores, CSAT and response rate, by group, comments, and what pulls
satisfaction down."""

import streamlit as st

from feedback_analytics import charts, privacy, selection, tables, ui
from feedback_analytics.i18n import format_number, t
from feedback_analytics.metrics import operations
from feedback_analytics.ui import operations as ops

lang = ui.current_language()
tz = ui.settings().tz
st.title(t("satisfaction.title", lang))
data = ui.store_facts()
if data.frame.empty:
    st.info(t("overview.empty", lang), icon=":material/inbox:")
    st.stop()

months = ops.months_back(data, lang, key="satisfaction_months", default=6)
figures, answered, trend = ops.satisfaction_figures(data, months=months)
cards = st.columns(4)
cards[0].metric(t("ops.responses", lang), format_number(figures.responses, lang))
cards[1].metric(
    t("kpi.mean_score", lang), charts.format_figure(figures.mean_score, lang, decimals=2)
)
cards[2].metric(t("kpi.csat", lang), charts.format_figure(figures.csat_pct, lang) + " %")
cards[3].metric(
    t("kpi.response_rate", lang), charts.format_figure(figures.response_rate_pct, lang) + " %"
)
if not figures.responses:
    st.info(t("satisfaction.none", lang), icon=":material/sentiment_neutral:")
    st.stop()

left, right = st.columns(2)
with left:
    score_click = ops.chart(charts.score_figure(figures.distribution, lang), "score_bars")
with right:
    month_click = ops.chart(charts.csat_trend_figure(trend, lang), "csat_trend")
st.caption(t("satisfaction.trend_click", lang))
scores = selection.scores(score_click)
picked_months = selection.months(month_click)
if scores:
    chosen = operations.scored_ids(answered, scores)
    title = t("satisfaction.scored", lang, score=", ".join(str(score) for score in scores))
    ops.show_records(chosen, title, lang, counted="responses")
if picked_months:
    chosen = operations.month_response_ids(answered, picked_months, tz)
    named = ", ".join(charts.format_month(month, lang, long=True) for month in picked_months)
    title = t("satisfaction.month_responses", lang, month=named)
    ops.show_records(chosen, title, lang, counted="responses")

st.subheader(t("satisfaction.by", lang))
by = st.segmented_control(
    t("processing.by", lang),
    ["category", "department", "channel"],
    default="category",
    required=True,
    format_func=lambda name: t(f"dimension.{name}", lang),
    key="satisfaction_by",
)
groups = operations.satisfaction_by(answered, str(by))
st.dataframe(tables.satisfaction_table(groups, str(by), lang), hide_index=True, width="stretch")

st.subheader(t("satisfaction.drag", lang))
st.caption(t("satisfaction.drag_help", lang))
drag = operations.csat_drag(answered).head(10)
st.dataframe(tables.csat_drag_table(drag, lang), hide_index=True, width="stretch")

st.subheader(t("satisfaction.comments", lang))
search = st.text_input(t("satisfaction.search", lang), key="comment_search", max_chars=200)
rows = operations.response_comments(ops.comments(data, search), answered)
st.caption(t("satisfaction.comment_count", lang, count=format_number(len(rows), lang)))
if not rows.empty:
    ui.show_table(privacy.for_viewer(rows.head(ops.RECORDS_SHOWN), ui.require_viewer().role), lang)
