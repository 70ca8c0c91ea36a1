"""Categories: feedback per category and month, each category's terms and records, new themes."""

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import charts, metrics, privacy, selection, ui
from feedback_analytics.classify import insight, service
from feedback_analytics.i18n import format_number, t
from feedback_analytics.metrics import operations
from feedback_analytics.ui import classifier
from feedback_analytics.ui import operations as ops

lang = ui.current_language()
st.title(t("categories.title", lang))
data = ui.store_facts()
if data.frame.empty:
    st.info(t("categories.empty", lang), icon=":material/inbox:")
    st.stop()

last = metrics.month_of(data.as_of, ui.settings().tz)
count = st.select_slider(t("categories.months", lang), [3, 6, 12, 24, 36], value=12, key="months")
months = metrics.trailing_months(last, count)
counts = classifier.category_months(data, months)
lines = ops.chart(charts.category_trend_figure(counts, months, lang), "category_trend")
bars = ops.chart(charts.category_bars_figure(counts, last, lang), "category_bars")
st.caption(t("categories.click", lang))
for month, value in dict.fromkeys(selection.month_values(lines) + selection.month_values(bars)):
    chosen = operations.volume_ids(
        data.frame,
        period="month",
        start=f"{month}-01",
        tz=ui.settings().tz,
        as_of=data.as_of,
        by="category",
        value=value,
    )
    named = charts.value_label("category", value, lang)
    title = f"{named} · {charts.format_month(month, lang, long=True)}"
    ops.show_records(chosen, title, lang)

choices = sorted(set(counts["value"]) | set(classifier.known_categories(data)))
category = st.selectbox(t("categories.pick", lang), choices, key="category")
version = classifier.active_version()
terms = classifier.model_terms(version) if version else None
left, right = st.columns([1, 2])
with left:
    st.subheader(t("categories.terms", lang))
    if terms is None:
        st.info(t("classifier.no_model", lang), icon=":material/model_training:")
    elif category not in terms.pipeline.classes_:
        st.caption(t("categories.no_terms", lang))
    else:
        for term, weight in terms.top_terms(category):
            st.text(f"{term}  ({format_number(weight, lang, decimals=2)})")
with right:
    st.subheader(t("categories.records", lang))
    ui.show_table(classifier.category_records(category), lang)

st.header(t("categories.themes", lang))
st.caption(t("categories.themes_help", lang))
if st.button(t("categories.find_themes", lang), key="find_themes"):
    with Session(ui.get_engine()) as session:
        candidates = service.theme_candidates(session, threshold=ui.settings().review_threshold)
    themes = insight.find_themes(candidates["id"].tolist(), candidates["text"].tolist())
    if not themes:
        st.info(t("categories.no_themes", lang))
    texts = candidates.set_index("id")["text"]
    for number, theme in enumerate(themes, start=1):
        title = t(
            "categories.theme",
            lang,
            number=number,
            size=format_number(theme.size, lang),
            terms=ui.escape_markdown(", ".join(theme.terms)),
        )
        with st.expander(title):
            for feedback_id in theme.example_ids:
                example = privacy.text_for_viewer(texts[feedback_id], ui.require_viewer().role)
                st.text(f"#{feedback_id}: {example[:300]}")
