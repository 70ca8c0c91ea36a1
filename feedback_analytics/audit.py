"""The audit log: what people did that the policy asks to account for, append-only.

Events are added in the caller's transaction, so an event stands or falls with the change it
records. The database refuses UPDATE and DELETE on the table (migration 0004). Details never
hold customer data, a password or a password hash; staff emails (user accounts) may appear.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_analytics.db.models import AuditEvent

# Every action the product records, by area. Record only these names: the audit page filters
# by them.
ACTIONS: tuple[str, ...] = (
    # Sign-in and sessions (feedback_analytics.auth and the app's login guard).
    "sign_in",  # details: {"method": "password" | "sso"}
    "sign_in.failed",  # details: {"reason": SignInRefused.reason}
    "sign_out",
    "session.expired",
    # User accounts; details carry the account's email, never a password or its hash.
    "user.create",  # {"email", "role"}
    "user.update",  # {"email", "changes": {field: [old, new]}}
    "user.password",  # {"email"}
    # Customer data seen or taken out of the app.
    "reveal",
    "download",
    # One per imported file, in its batch's transaction (ingest.run_import): {"file", "kind",
    # "batch", "inserted", "updated", "rejected"} of that file, "files" and "kinds" of the call.
    "import",
    # Records and the classifier.
    "category.set",  # a person's category for a record: {"from", "to", "predicted", ...}
    # Handling feedback (feedback_analytics.workflow). "status" is [from, to], [] when the
    # status stayed; times are ISO 8601 UTC; texts and contacts never appear.
    "feedback.create",  # {"external_id", "channel", "priority", "category", "category_source",
    #                      "predicted", "predicted_confidence", "predicted_by", "due_at"}
    "feedback.acknowledge",  # {"at", "status"}
    "feedback.promise",  # {"from", "to"}: the promised time (due_at) before and after
    "feedback.assign",  # {"from", "to"}: each {"department", "assignee"} (staff, not customers)
    "feedback.start",  # {"status"}
    "feedback.resolve",  # {"at", "status", "due_at"}
    "feedback.respond",  # {"at", "status", "characters"}: the response's length, not its text
    "model.train",  # {"version"}
    "model.activate",  # {"version"}
    # Survey responses (feedback_analytics.surveys); the comment never goes into details.
    "survey.enter",  # {"score"}
    "survey.change",  # {"from", "to", "surveyed_at": [old, new], "comment_changed"}
    "survey.import",  # {"file", "inserted", "updated", "rejected"}
    "settings.change",
)

COLUMNS = ("id", "at", "actor", "action", "feedback_id", "details")
# The column's length: a longer actor (a pasted text as email, say) is cut to it.
ACTOR_LENGTH = 254


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    feedback_id: int | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Append an event to the audit log in the caller's transaction; return nothing."""
    session.add(
        AuditEvent(
            at=now or datetime.now(UTC),
            actor=actor[:ACTOR_LENGTH],
            action=action,
            feedback_id=feedback_id,
            details=details or {},
        )
    )


def query_events(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    actions: Sequence[str] = (),
    feedback_id: int | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Return the events matching every filter given, newest first, at most `limit` rows.

    `since` is inclusive and `until` exclusive; columns id, at (UTC), actor, action,
    feedback_id, details (a dict).
    """
    query = select(*(getattr(AuditEvent, c) for c in COLUMNS))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if actions:
        query = query.where(AuditEvent.action.in_(list(actions)))
    if feedback_id is not None:
        query = query.where(AuditEvent.feedback_id == feedback_id)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(max(limit, 0))
    frame = pd.DataFrame(session.execute(query).all(), columns=list(COLUMNS))
    frame["id"] = frame["id"].astype("int64")
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    frame["feedback_id"] = frame["feedback_id"].astype("Int64")
    return frame


def event_actors(session: Session) -> list[str]:
    """Return every actor in the audit log, sorted (the audit page's filter choices)."""
    query = select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)
    return list(session.scalars(query))
