"""What the pages show of the messages to customers: those a person must look at, the
call-backs to make, and the clicks that act on them (each in its own transaction)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import access, privacy
from feedback_analytics.i18n import t
from feedback_analytics.mail import outbox
from feedback_analytics.ui.data import get_engine
from feedback_analytics.ui.tables import show_table


def messages_to_check() -> pd.DataFrame:
    """Return the e-mails that failed for good or that an attempt left uncertain."""
    with Session(get_engine()) as session:
        return outbox.failed_or_uncertain(session)


def callbacks_to_make(role: str | None) -> pd.DataFrame:
    """Return the call-backs not yet made, each with the customer's name and phone number as
    `role` may see them (privacy); the text to read out only for a role that sees contacts."""
    with Session(get_engine()) as session:
        frame = outbox.pending_callbacks(session, role=role)
        contacts = privacy.record_contacts(session, frame["feedback_id"].tolist(), role)
    for name in ("customer_name", "customer_phone"):
        frame.insert(
            list(frame.columns).index("message_step"),
            name,
            [contacts.get(int(i), {}).get(name) for i in frame["feedback_id"]],
        )
    return frame


def message_counts() -> dict[str, int]:
    """Return how many messages are in each status."""
    with Session(get_engine()) as session:
        return outbox.queue_counts(session)


def send_again(outbox_id: int, *, actor: str) -> outbox.DeliveryReport | None:
    """Requeue a failed or uncertain e-mail and try it at once; return what became of it, or
    None when it was in neither state (someone else acted first)."""
    with Session(get_engine()) as session, session.begin():
        requeued = outbox.requeue_message(session, outbox_id, actor=actor)
    if not requeued:
        return None
    return outbox.deliver_due(
        get_engine(), outbox_ids=[outbox_id], timeout=outbox.IMMEDIATE_TIMEOUT
    )


def mark_called(outbox_id: int, *, actor: str) -> bool:
    """Record that a call-back was made; return False when it was marked before."""
    with Session(get_engine()) as session, session.begin():
        return outbox.mark_called(session, outbox_id, actor=actor)


def show_callbacks(
    callbacks: pd.DataFrame, lang: str, viewer: access.Viewer, *, outcome_key: str
) -> None:
    """Render the call-backs to make and, for those who handle feedback, the form that marks
    one made; what the click did is left under `outcome_key` for the page to say once."""
    st.caption(t("processing.callbacks_help", lang))
    if not len(callbacks):
        return
    show_table(callbacks, lang)
    if not access.can(viewer.role, access.HANDLE):
        return
    with st.form(f"mark_called_{outcome_key}"):
        chosen = st.selectbox(
            t("processing.called_which", lang),
            callbacks["outbox_id"].tolist(),
            key=f"called_id_{outcome_key}",
        )
        if st.form_submit_button(t("processing.called", lang)):
            marked = mark_called(int(chosen), actor=viewer.actor)
            st.session_state[outcome_key] = (
                ("success", t("processing.called_done", lang))
                if marked
                else ("warning", t("processing.send_again_stale", lang))
            )
            st.rerun()
