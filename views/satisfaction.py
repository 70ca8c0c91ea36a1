"""Satisfaction: survey scores, CSAT and response rate, by group, comments, and what pulls
satisfaction down."""

import pandas as pd
import plotly.express as px
import streamlit as st

from feedback_analytics import privacy, ui
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
cards[1].metric(t("kpi.mean_score", lang), ops.number(figures.mean_score, lang, decimals=2))
cards[2].metric(t("kpi.csat", lang), ops.number(figures.csat_pct, lang) + " %")
cards[3].metric(t("kpi.response_rate", lang), ops.number(figures.response_rate_pct, lang) + " %")
if not figures.responses:
    st.info(t("satisfaction.none", lang), icon=":material/sentiment_neutral:")
    st.stop()

left, right = st.columns(2)
with left:
    scores = pd.DataFrame(
        {"score": list(figures.distribution), "count": list(figures.distribution.values())}
    )
    ops.chart(
        px.bar(
            scores,
            x="score",
            y="count",
            custom_data=["score"],
            labels={"score": t("satisfaction.score", lang), "count": t("intake.count", lang)},
        ),
        "score_bars",
    )
with right:
    st.plotly_chart(
        px.line(
            trend,
            x="month",
            y="csat",
            markers=True,
            labels={"month": "", "csat": t("kpi.csat", lang) + " (%)"},
        ),
        key="csat_trend",
    )
picked = ops.clicked("score_bars")
if picked:
    chosen = answered[answered["satisfaction_score"] == int(picked[0])]
    ops.show_records(chosen["id"], t("satisfaction.scored", lang, score=picked[0]), lang)

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
st.dataframe(
    pd.DataFrame(
        {
            t(f"dimension.{by}", lang): ops.value_names(str(by), groups["value"], lang),
            t("ops.responses", lang): groups["responses"],
            t("kpi.mean_score", lang): [
                ops.number(v, lang, decimals=2) for v in groups["mean_score"]
            ],
            t("kpi.csat", lang): [ops.number(v, lang) for v in groups["csat_pct"]],
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader(t("satisfaction.drag", lang))
st.caption(t("satisfaction.drag_help", lang))
drag = operations.csat_drag(answered).head(10)
st.dataframe(
    pd.DataFrame(
        {
            t("dimension.category", lang): drag["category"],
            t("ops.responses", lang): drag["responses"],
            t("kpi.csat", lang): [ops.number(v, lang) for v in drag["csat_pct"]],
            t("satisfaction.change", lang): [
                ops.number(v, lang, decimals=2) for v in drag["change_pct"]
            ],
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader(t("satisfaction.comments", lang))
search = st.text_input(t("satisfaction.search", lang), key="comment_search", max_chars=200)
ids = answered["id"].astype(int).tolist()
rows = ops.comments(data, search)
rows = rows[rows["id"].isin(ids)].sort_values("id", ascending=False)
st.caption(t("satisfaction.comment_count", lang, count=format_number(len(rows), lang)))
if not rows.empty:
    shown = privacy.for_viewer(rows.head(ops.RECORDS_SHOWN), ui.require_viewer().role)
    ui.show_table(
        shown.rename(columns={"comment": "satisfaction_comment", "score": "satisfaction_score"}),
        lang,
    )
