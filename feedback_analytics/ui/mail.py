"""What the pages show of the messages to customers: those a person must look at, the
call-backs to make, and the clicks that act on them (each in its own transaction)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from feedback_analytics import privacy
from feedback_analytics.mail import outbox
from feedback_analytics.ui.data import get_engine


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
            frame.columns.get_loc("message_step"),
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
