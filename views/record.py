"""Record: one feedback, its texts and status, its customer's contact as the role allows, the
next steps for those who handle feedback (each sending the customer its message), the status
history and the messages to the customer."""

from datetime import UTC, datetime
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import access, privacy, store, ui, workflow
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import format_datetime, format_number, t
from feedback_analytics.mail import inbox, outbox

lang = ui.current_language()
viewer = ui.require_viewer()
engine = ui.get_engine()
tz = ui.settings().tz
st.title(t("record.title", lang))

# ?id= links a record; the picker keeps it in the address so the link can be shared.
asked = st.query_params.get("id")
linked = store.parse_record_id(asked)
if asked and not linked:
    largest = format_number(store.MAX_RECORD_ID, lang)
    st.warning(t("record.bad_id", lang, largest=largest), icon=":material/link_off:")
feedback_id = int(
    st.number_input(
        t("record.id", lang),
        min_value=0,
        max_value=store.MAX_RECORD_ID,
        value=linked,
        step=1,
        key="record_id",
    )
)
if not feedback_id:
    st.info(t("record.pick", lang), icon=":material/search:")
    st.stop()
st.query_params["id"] = str(feedback_id)

with Session(engine) as session:
    found = store.records_by_id(session, [feedback_id])
if found.empty:
    st.warning(t("record.none", lang, id=feedback_id), icon=":material/search_off:")
    st.stop()
record = privacy.for_viewer(found, viewer.role).iloc[0]

facts = found.drop(columns=[c for c in ("current_feature", "proposal", "reason") if c in found])
ui.show_table(facts, lang)
for name in ("current_feature", "proposal", "reason"):
    if name in record and isinstance(record[name], str) and record[name]:
        st.caption(t(f"field.{name}", lang))
        st.text(record[name])

st.subheader(t("record.contact", lang))
revealed_key = f"revealed_{feedback_id}"
revealed = bool(st.session_state.get(revealed_key))
with Session(engine) as session:
    contact = privacy.record_contact(session, feedback_id, viewer.role, revealed=revealed)
    reach = privacy.reachable_by(session, feedback_id)
    told = outbox.acknowledgement_promise(session, workflow.stored_record(session, feedback_id))
if contact is None:
    st.caption(t("record.no_contact", lang))
else:
    for name, value in contact.items():
        st.text(f"{t(f'field.{name}', lang)}: {value or ''}")
    if privacy.sees_contacts(viewer.role) or revealed:
        st.caption(t("record.contact_shown", lang))
    elif access.can(viewer.role, access.REVEAL):
        with st.form(f"reveal_{feedback_id}"):
            reason = st.text_input(t("record.reveal_reason", lang), max_chars=500)
            if st.form_submit_button(t("record.reveal", lang), icon=":material/visibility:"):
                try:
                    with Session(engine) as session, session.begin():
                        privacy.reveal(
                            session,
                            feedback_id,
                            actor=viewer.actor,
                            role=viewer.role,
                            reason=reason,
                        )
                except ActionableError as exc:
                    st.error(ui.escape_markdown(exc))
                else:
                    st.session_state[revealed_key] = True
                    st.rerun()
    else:
        st.caption(t("record.masked", lang))

# --- Status and handling --------------------------------------------------------------------
st.subheader(t("record.handling", lang))
with Session(engine) as session:
    stored = workflow.stored_record(session, feedback_id)
    history = workflow.status_history(session, feedback_id)
steps = workflow.next_steps(stored)
# The steps the page offered on its last run stay offered on this one: a click on a button that
# someone else's step (another tab, another app instance) has made stale still reaches the
# workflow, which says what happened, instead of vanishing with its button.
offered_key = f"record_offered_{feedback_id}"
offered = set(steps) | set(st.session_state.get(offered_key, ()))
st.session_state[offered_key] = steps
st.text(t("record.status_now", lang, status=workflow.status_name(stored.status, lang)))
if stored.response:
    st.caption(t("field.response", lang))
    st.text(privacy.text_for_viewer(stored.response, viewer.role))

# What the last click did, shown once after the page reads the record again.
outcome_key = f"record_outcome_{feedback_id}"
outcome = st.session_state.pop(outcome_key, None)
if outcome is not None:
    kind, message = outcome
    (st.success if kind == "success" else st.warning)(message)


def take(step: str, *, notify: bool = True, **values: Any) -> None:
    """Take one step and queue its message in one transaction, then try to send it; say what
    became of both once the page reloads."""
    try:
        result = outbox.take_step(
            engine, feedback_id, step, actor=viewer.actor, notify=notify, **values
        )
    except workflow.AlreadyDone as exc:
        # Someone else was quicker: the page reads the record again and says who.
        st.session_state[outcome_key] = (
            "warning",
            workflow.refusal_text(exc.code, exc.params, lang, escape=ui.escape_markdown),
        )
    except workflow.WorkflowRefused as exc:
        st.error(
            workflow.refusal_text(exc.code, exc.params, lang, escape=ui.escape_markdown),
            icon=":material/error:",
        )
        return
    except ActionableError as exc:  # a message template an administrator broke
        st.error(ui.escape_markdown(exc), icon=":material/error:")
        return
    else:
        said = t(f"record.done.{step}" if result.changed else "record.unchanged", lang)
        kind = "success"
        if result.message is not None:
            said += " " + outbox.delivery_text(result.message, lang, escape=ui.escape_markdown)
            if result.message.channel == "email" and result.message.status != "sent":
                kind = "warning"
        st.session_state[outcome_key] = (kind, said)
    st.session_state[offered_key] = ()  # the record moved: offer only what fits it now
    ui.clear_cached_data()
    st.rerun()


def moment(prefix: str, default: datetime | None = None) -> datetime:
    """Render a date and a time (company local time, default now); return the instant."""
    shown = (default or datetime.now(UTC)).astimezone(tz).replace(second=0, microsecond=0)
    left, right = st.columns(2)
    day = left.date_input(
        t("record.day", lang),
        value=shown.date(),
        format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD",
        key=f"{prefix}_day_{feedback_id}",
    )
    clock = right.time_input(
        t("record.time", lang), value=shown.time(), step=60, key=f"{prefix}_time_{feedback_id}"
    )
    return workflow.local_moment(day, clock)


def notify_box(step: str) -> bool:
    """Render the step's "send to the customer" box; return whether to send by e-mail."""
    label, key = t("record.notify", lang), f"{step}_notify_{feedback_id}"
    if "email" in reach:
        return st.checkbox(label, value=True, key=key)
    st.checkbox(label, value=False, disabled=True, key=key)
    st.caption(t("record.notify_callback" if "phone" in reach else "record.notify_nobody", lang))
    return False


if not access.can(viewer.role, access.HANDLE):
    st.caption(t("record.read_only", lang))
elif not offered:
    st.caption(t("record.nothing_left", lang))
else:
    if "start" in offered and st.button(
        t("record.start", lang), key=f"start_{feedback_id}", icon=":material/play_arrow:"
    ):
        take("start")
    if "acknowledge" in offered:
        with st.form(f"acknowledge_{feedback_id}"):
            st.caption(t("record.acknowledge_help", lang))
            at = moment("acknowledge")
            notify = notify_box("acknowledge")
            if told is not None and reach:
                when = format_datetime(told, lang, tz=tz)
                key = "record.acknowledge_tells" if stored.due_at else "record.acknowledge_policy"
                st.caption(t(key, lang, due=when))
            if st.form_submit_button(t("record.acknowledge", lang), type="primary"):
                take("acknowledge", notify=notify, at=at)
    if "resolve" in offered:
        with st.form(f"resolve_{feedback_id}"):
            st.caption(t("record.resolve_help", lang))
            at = moment("resolve")
            if st.form_submit_button(t("record.resolve", lang), type="primary"):
                take("resolve", at=at)
    if "respond" in offered:
        with st.form(f"respond_{feedback_id}"):
            st.caption(t("record.response_help", lang))
            text = st.text_area(
                t("field.response", lang),
                max_chars=ui.settings().max_text_chars,
                key=f"response_{feedback_id}",
            )
            at = moment("respond")
            notify = notify_box("respond")
            if st.form_submit_button(t("record.respond", lang), type="primary"):
                take("respond", notify=notify, text=text, at=at)
    if "promise" in offered:
        with st.form(f"promise_{feedback_id}"):
            st.caption(t("record.promise_help", lang))
            due = moment("promise", stored.due_at)
            notify = notify_box("promise")
            if st.form_submit_button(t("record.promise", lang)):
                take("promise", notify=notify, due_at=due)
    if "assign" in offered:
        with st.form(f"assign_{feedback_id}"):
            left, right = st.columns(2)
            department = left.text_input(
                t("field.department", lang),
                value=stored.department or "",
                max_chars=500,
                key=f"department_{feedback_id}",
            )
            assignee = right.text_input(
                t("field.assignee", lang),
                value=stored.assignee or "",
                max_chars=500,
                key=f"assignee_{feedback_id}",
            )
            if st.form_submit_button(t("record.assign", lang)):
                take("assign", department=department, assignee=assignee)

st.subheader(t("record.history", lang))
shown = history.copy()
for name in ("from_status", "to_status"):
    shown[name] = [workflow.status_name(value, lang) for value in history[name]]
# Who acted are staff accounts and imports, not customers: shown as they are to every role.
st.dataframe(shown, column_config=ui.column_config(history, lang), hide_index=True, width="stretch")

st.subheader(t("record.messages", lang))
with Session(engine) as session:
    messages = outbox.record_messages(session, feedback_id=feedback_id, role=viewer.role)
if messages.empty:
    st.caption(t("record.messages_none", lang))
else:
    ui.show_table(messages.drop(columns=["text"]), lang)
    if not privacy.sees_contacts(viewer.role):
        st.caption(t("record.message_hidden", lang))
    for message in messages.itertuples():
        if message.text is None:
            continue
        pending = message.message_channel == "callback" and message.message_status == "queued"
        step_name = t(f"message_step.{message.message_step}", lang)
        title = t("record.message_text", lang, number=message.outbox_id, step=step_name)
        with st.expander(title, expanded=pending):
            if pending:
                st.caption(t("record.callback_help", lang))
            st.text(message.text)
            if (
                pending
                and access.can(viewer.role, access.HANDLE)
                and st.button(t("record.mark_called", lang), key=f"called_{message.outbox_id}")
            ):
                with Session(engine) as session, session.begin():
                    outbox.mark_called(session, int(message.outbox_id), actor=viewer.actor)
                st.session_state[outcome_key] = ("success", t("record.called", lang))
                st.rerun()

st.subheader(t("record.replies", lang))
with Session(engine) as session:
    replies = inbox.record_replies(session, feedback_id=feedback_id, role=viewer.role)
if replies.empty:
    st.caption(t("record.replies_none", lang))
for reply in replies.itertuples():
    when = format_datetime(reply.received_at, lang, tz=tz)
    # The subject is the customer's: escaped, so that it shows as typed (never a link).
    subject = ui.escape_markdown(reply.subject)
    with st.expander(t("record.reply_title", lang, at=when, subject=subject)):
        st.text(reply.text)
