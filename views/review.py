"""Review queue: confirm or correct what the classifier was unsure of, least sure first."""

import streamlit as st

from feedback_analytics import privacy, ui
from feedback_analytics.classify.service import UnknownRecord
from feedback_analytics.i18n import format_number, t
from feedback_analytics.ui import classifier

lang = ui.current_language()
st.title(t("review.title", lang))
saved = st.session_state.pop("review_saved", None)
if saved:
    st.success(saved, icon=":material/check:")

queue, waiting = classifier.review_queue()
threshold = f"{ui.settings().review_threshold:.0%}"
if queue.empty:
    st.info(t("review.empty", lang), icon=":material/done_all:")
    st.stop()
st.caption(t("review.count", lang, count=format_number(waiting, lang), threshold=threshold))
ui.show_table(
    queue[
        [
            "id",
            "external_id",
            "received_at",
            "current_feature",
            "predicted_category",
            "predicted_confidence",
        ]
    ],
    lang,
)

ids = queue["id"].astype(int).tolist()
feedback_id = st.selectbox(
    t("review.pick", lang),
    ids,
    format_func=lambda i: f"#{i} · {queue.set_index('id').at[i, 'external_id']}",
    key="review_record",
)
record = classifier.record_texts(int(feedback_id))
if record is None:
    st.stop()
for name in ("current_feature", "proposal", "reason"):
    if record[name]:
        st.caption(t(f"field.{name}", lang))
        st.text(privacy.text_for_viewer(record[name], ui.require_viewer().role))
suggested = record["predicted_category"]
confidence = record["predicted_confidence"] or 0.0
# Customer data and labels are shown as text, never as markdown.
st.text(t("review.suggested", lang, category=suggested, confidence=f"{confidence:.0%}"))

version = classifier.active_version()
terms = classifier.model_terms(version) if version else None
with st.expander(t("review.why", lang)):
    if terms is not None and suggested in terms.pipeline.classes_:
        text = "\n".join(record[n] for n in ("current_feature", "proposal", "reason") if record[n])
        reasons = terms.explain(text, suggested)
        if not reasons:
            st.caption(t("review.no_why", lang))
        for term, weight in reasons:
            st.text(f"{term}  (+{format_number(weight, lang, decimals=3)})")

options = sorted(set(classifier.known_categories(ui.store_facts())) | {suggested})
# Widgets keyed per record: each record starts from its own suggestion and an empty name.
with st.form(f"review_form_{feedback_id}"):
    chosen = st.selectbox(
        t("review.choose", lang),
        options,
        index=options.index(suggested),
        key=f"review_choice_{feedback_id}",
    )
    new = st.text_input(t("review.new", lang), max_chars=100, key=f"review_new_{feedback_id}")
    if st.form_submit_button(t("review.confirm", lang), type="primary"):
        category = (new or "").strip() or chosen
        try:
            classifier.label(int(feedback_id), category)
        except (ValueError, UnknownRecord) as exc:
            st.error(t("review.refused", lang, reason=ui.escape_markdown(exc)))
        else:
            st.session_state["review_saved"] = t(
                "review.saved", lang, id=feedback_id, category=ui.escape_markdown(category)
            )
            st.rerun()
