"""New feedback: staff record a feedback taken by phone or in person, with the policy's required
information; the classifier suggests its category, which the person accepts or changes."""

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import ui, workflow
from feedback_analytics.classify.registry import LoadedModel
from feedback_analytics.classify.text import feedback_text
from feedback_analytics.db.models import CHANNELS, PRIORITIES
from feedback_analytics.i18n import format_datetime, t
from feedback_analytics.ui import classifier

lang = ui.current_language()
viewer = ui.require_viewer()
engine = ui.get_engine()
settings = ui.settings()
tz = settings.tz
longest = settings.max_text_chars
st.title(t("new.title", lang))
st.caption(t("new.intro", lang))

# The form's widgets, emptied once a feedback is saved (before they are drawn again).
KEYS = (
    "new_channel",
    "new_day",
    "new_time",
    "new_customer_name",
    "new_customer_phone",
    "new_customer_email",
    "new_customer_address",
    "new_product",
    "new_current_feature",
    "new_proposal",
    "new_reason",
    "new_category",
    "new_category_typed",
    "new_priority",
    "new_department",
    "new_assignee",
)
if st.session_state.pop("new_reset", False):
    for key in KEYS:
        st.session_state.pop(key, None)
saved = st.session_state.pop("new_saved", None)
if saved is not None:
    saved_id, external_id = saved
    st.success(
        t("new.saved", lang, id=saved_id, external_id=ui.escape_markdown(external_id)),
        icon=":material/check:",
    )
    st.page_link(
        "views/record.py",
        label=t("new.open", lang, id=saved_id),
        icon=":material/article:",
        query_params={"id": str(saved_id)},
    )


def active_model() -> LoadedModel | None:
    """Return the active model, loaded once per version for every session (None: no model)."""
    version = classifier.active_version()
    terms = classifier.model_terms(version) if version else None
    if version is None or terms is None:
        return None
    return LoadedModel(version, terms.pipeline, [str(c) for c in terms.pipeline.classes_])


def accept(category: str) -> None:
    """Choose the suggested category in the form (a callback: it runs before the widgets)."""
    st.session_state["new_category"] = category
    st.session_state["new_category_typed"] = ""


st.subheader(t("new.when", lang))
now = datetime.now(UTC).astimezone(tz).replace(second=0, microsecond=0)
left, middle, right = st.columns(3)
channel = left.selectbox(
    t("new.channel", lang),
    CHANNELS,
    index=CHANNELS.index("hotline"),
    format_func=lambda c: t(f"channel.{c}", lang),
    key="new_channel",
)
day = middle.date_input(
    t("new.day", lang),
    value=now.date(),
    max_value=now.date(),
    format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD",
    key="new_day",
)
clock = right.time_input(t("new.time", lang), value=now.time(), step=60, key="new_time")

st.subheader(t("new.customer", lang))
st.caption(t("new.contact_help", lang))
left, right = st.columns(2)
name = left.text_input(t("field.customer_name", lang), max_chars=500, key="new_customer_name")
phone = right.text_input(t("field.customer_phone", lang), max_chars=50, key="new_customer_phone")
email = left.text_input(t("field.customer_email", lang), max_chars=254, key="new_customer_email")
address = right.text_input(
    t("field.customer_address", lang), max_chars=1000, key="new_customer_address"
)

st.subheader(t("new.feedback", lang))
product = st.text_input(t("field.product", lang), max_chars=500, key="new_product")
current_feature = st.text_area(
    t("new.current_feature", lang), max_chars=longest, key="new_current_feature"
)
proposal = st.text_area(t("new.proposal", lang), max_chars=longest, key="new_proposal")
reason = st.text_area(t("new.reason", lang), max_chars=longest, key="new_reason")

st.subheader(t("new.category", lang))
model = active_model()
suggestion = None
text = feedback_text([current_feature, proposal, reason])
if model is None:
    st.caption(t("new.no_model", lang))
elif not text.strip():
    st.caption(t("new.no_text", lang))
else:
    with Session(engine) as session:
        suggestion = workflow.suggest_category(session, text, model=model)
if suggestion is not None:
    left, right = st.columns([3, 1])
    # A category is a label, shown as text, never as markdown.
    left.text(
        t(
            "new.suggested",
            lang,
            category=suggestion.category,
            confidence=f"{suggestion.confidence:.0%}",
        )
    )
    right.button(
        t("new.accept", lang),
        on_click=accept,
        args=(suggestion.category,),
        key="new_accept",
        icon=":material/done:",
    )
labels = sorted(model.labels) if model is not None else []
left, right = st.columns(2)
chosen = left.selectbox(
    t("new.category", lang),
    ["", *labels],
    format_func=lambda c: c or t("new.category_auto" if model else "new.category_none", lang),
    help=t("new.category_help", lang),
    key="new_category",
)
typed = right.text_input(t("new.category_typed", lang), max_chars=200, key="new_category_typed")

st.subheader(t("new.handling", lang))
left, middle, right = st.columns(3)
priority = left.selectbox(
    t("new.priority", lang),
    PRIORITIES,
    index=PRIORITIES.index("normal"),
    format_func=lambda p: t(f"priority.{p}", lang),
    key="new_priority",
)
department = middle.text_input(t("field.department", lang), max_chars=500, key="new_department")
assignee = right.text_input(t("field.assignee", lang), max_chars=500, key="new_assignee")
received_at = workflow.local_moment(day, clock)
with Session(engine) as session:
    due = workflow.default_due_at(session, received_at=received_at, priority=priority)
if due is None:
    st.caption(t("new.no_due", lang))
else:
    st.caption(t("new.due", lang, due=format_datetime(due, lang, tz=tz)))

if st.button(t("new.save", lang), type="primary", key="new_save", icon=":material/save:"):
    entry = workflow.FeedbackEntry(
        channel=channel,
        received_at=received_at,
        current_feature=current_feature,
        customer_name=name,
        customer_phone=phone,
        customer_email=email,
        customer_address=address,
        product=product,
        proposal=proposal,
        reason=reason,
        category=(typed or "").strip() or chosen or None,
        suggestion=suggestion,
        priority=priority,
        department=department,
        assignee=assignee,
    )
    try:
        with Session(engine) as session, session.begin():
            new_id = workflow.create_feedback(
                session, entry, actor=viewer.actor, now=datetime.now(UTC)
            )
            new_external_id = workflow.stored_record(session, new_id).external_id
    except workflow.InvalidEntry as exc:
        # The reasons name fields and rules, never what was typed: contacts stay on the form.
        problems = [
            f"- {t(f'field.{field}', lang)}: "
            + workflow.refusal_text(problem.code, problem.params, lang, escape=ui.escape_markdown)
            for field, problem in exc.problems.items()
        ]
        st.error("\n".join([t("new.refused", lang), *problems]), icon=":material/error:")
    else:
        st.session_state["new_saved"] = (new_id, new_external_id)
        st.session_state["new_reset"] = True
        ui.clear_cached_data()
        st.rerun()
