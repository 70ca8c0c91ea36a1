"""The audit log: what people did that the policy asks to account for, append-only.

Events are added in the caller's transaction, so an event stands or falls with the change it
records. The database refuses UPDATE, DELETE, replacement and TRUNCATE on the table
(migrations 0004 and 0006), and on PostgreSQL the app's role may only read and append. What a
database superuser (or whoever holds the SQLite file) can still do, the hash chain shows:
each entry stores the SHA-256 of its content and of the entry before it, and `verify_chain`
(the `audit-verify` command) finds the first entry that no longer fits. Details never hold
customer data, a password or a password hash; staff emails (user accounts) may appear.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Text, cast, func, select
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
    # A training in a process of its own (feedback_analytics.classify.training).
    "model.training_start",  # {"run"}
    "model.training_cancel",  # {"run"}
    "model.training_end",  # {"run", "state", "version"}: done (the version), failed, cancelled
    # Survey responses (feedback_analytics.surveys); the comment never goes into details.
    "survey.enter",  # {"score"}
    "survey.change",  # {"from", "to", "surveyed_at": [old, new], "comment_changed"}
    "survey.import",  # {"file", "inserted", "updated", "rejected"}
    # Messages to customers (feedback_analytics.mail.outbox); never their text or address.
    "message.sent",  # {"step", "channel", "outbox_id", "attempts", "code"}: the server took it
    "message.failed",  # {"step", "channel", "outbox_id", "attempts", "code"}: refused for good
    "message.called",  # {"step", "channel", "outbox_id"}: a call-back made by the actor
    "message.requeued",  # {"step", "channel", "outbox_id"}: a person sends it again
    "settings.change",
)

COLUMNS = ("id", "at", "actor", "action", "feedback_id", "details")
# The column's length: a longer actor (a pasted text as email, say) is cut to it.
ACTOR_LENGTH = 254
# The previous-entry hash of the first entry.
GENESIS = "0" * 64
# Writers of the log take turns on PostgreSQL (any fixed number; SQLite's write lock does it
# there), so each entry chains to the one committed before it.
_PG_CHAIN_LOCK = 7_260_413


def entry_hash(
    *,
    id: int,
    at: datetime,
    actor: str,
    action: str,
    feedback_id: int | None,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    """Return the SHA-256 (hex) of an entry's canonical content and the previous entry's hash.

    The content is JSON with sorted keys and the time in UTC to the microsecond, which both
    databases keep exactly, so the hash of an entry read back equals the hash it was stored
    with.
    """
    if at.tzinfo is None:
        raise ValueError("naive datetime given to an audit entry")
    content = {
        "id": id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "feedback_id": feedback_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    feedback_id: int | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Append an event to the audit log in the caller's transaction; return nothing.

    The log stays locked for other writers until the caller's transaction ends: the entry
    chains to the newest one, which must stay the newest until this one is committed.
    """
    # What the database gives back (JSON has string keys and lists), so the hash stored now is
    # the hash verify_chain computes from the row later.
    stored_details = json.loads(json.dumps(details or {}))
    last_id, prev_hash = _lock_chain(session)
    event = AuditEvent(
        id=_next_id(session, last_id),
        at=now or datetime.now(UTC),
        actor=actor[:ACTOR_LENGTH],
        action=action,
        feedback_id=feedback_id,
        details=stored_details,
        prev_hash=prev_hash,
    )
    event.entry_hash = entry_hash(
        id=event.id,
        at=event.at,
        actor=event.actor,
        action=event.action,
        feedback_id=event.feedback_id,
        details=event.details,
        prev_hash=event.prev_hash,
    )
    session.add(event)
    session.flush()


def _lock_chain(session: Session) -> tuple[int, str]:
    """Take the log's write lock for the transaction; return the newest entry's id and hash."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_PG_CHAIN_LOCK)))
    elif connection.dialect.name == "sqlite":
        # The driver begins a transaction only at the first write, so a read before it would
        # see the log outside the transaction: take the write lock first (it waits its turn).
        driver = connection.connection.driver_connection
        if not getattr(driver, "in_transaction", True):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    newest = session.execute(
        select(AuditEvent.id, AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (0, GENESIS) if newest is None else (newest.id, newest.entry_hash)


def _next_id(session: Session, last_id: int) -> int:
    """Return the id of the entry after `last_id` (PostgreSQL: from the table's sequence)."""
    if session.get_bind().dialect.name != "postgresql":
        return last_id + 1
    sequence = func.pg_get_serial_sequence(AuditEvent.__tablename__, "id")
    # Never below the newest entry: a row inserted with a larger id by hand would otherwise
    # come after the entry that chains to it.
    return max(int(session.scalar(select(func.nextval(sequence))) or 0), last_id + 1)


@dataclass(frozen=True)
class ChainBreak:
    """The first entry of the log that no longer fits the chain, and why."""

    id: int
    at: datetime
    actor: str
    action: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        """Return the break as a JSON-ready dict."""
        return {
            "id": self.id,
            "at": self.at.astimezone(UTC).isoformat(),
            "actor": self.actor,
            "action": self.action,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ChainReport:
    """What verify_chain found: how many entries, the newest, the first break, if any."""

    entries: int
    broken_entries: int
    head_id: int | None
    head_hash: str | None
    first_break: ChainBreak | None
    anchor_problem: str | None = None

    @property
    def intact(self) -> bool:
        """True when every entry fits the chain (and the anchor, when one was given)."""
        return self.first_break is None and self.anchor_problem is None

    def as_json(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict (`audit-verify --json`)."""
        return {
            "intact": self.intact,
            "entries": self.entries,
            "broken_entries": self.broken_entries,
            "head": None if self.head_id is None else {"id": self.head_id, "hash": self.head_hash},
            "first_break": None if self.first_break is None else self.first_break.as_json(),
            "anchor_problem": self.anchor_problem,
        }


def verify_chain(session: Session, *, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Return what checking every entry against its hash and the entry before it found.

    `anchor` is an (id, hash) an earlier check reported as the newest entry: the chain must
    still hold it, which shows entries removed from the end, or a chain rewritten and hashed
    again, as no check of the database alone can.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    # Read as text what a hand on the SQLite file could have made unreadable (PostgreSQL keeps
    # its types): an entry that cannot be read is a broken entry, not a crash of the check.
    query = (
        select(
            AuditEvent.id,
            cast(AuditEvent.at, Text).label("at") if sqlite else AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.feedback_id,
            cast(AuditEvent.details, Text).label("details"),
            AuditEvent.prev_hash,
            AuditEvent.entry_hash,
        )
        .order_by(AuditEvent.id)
        .execution_options(yield_per=2000)
    )
    entries = broken = 0
    first_break: ChainBreak | None = None
    previous: tuple[int, str] | None = None
    anchored: str | None = None
    for row in session.execute(query):
        entries += 1
        reason = _entry_problem(row, previous)
        if reason is not None:
            broken += 1
            if first_break is None:
                try:
                    at = _instant(row.at)
                except (TypeError, ValueError):
                    at = datetime.min.replace(tzinfo=UTC)
                first_break = ChainBreak(row.id, at, str(row.actor), str(row.action), reason)
        if anchor is not None and row.id == anchor[0]:
            anchored = row.entry_hash
        previous = (row.id, row.entry_hash)
    anchor_problem = None
    if anchor is not None and anchored is None:
        anchor_problem = (
            f"entry {anchor[0]}, the newest when the log was checked before, is gone: "
            "entries were removed"
        )
    elif anchor is not None and anchored != anchor[1]:
        anchor_problem = (
            f"entry {anchor[0]} no longer has the hash it had when the log was checked "
            "before: the log up to it was rewritten"
        )
    return ChainReport(
        entries=entries,
        broken_entries=broken,
        head_id=None if previous is None else previous[0],
        head_hash=None if previous is None else previous[1],
        first_break=first_break,
        anchor_problem=anchor_problem,
    )


def _entry_problem(row: Any, previous: tuple[int, str] | None) -> str | None:
    """Return why an entry read by verify_chain fails the chain, or None when it fits."""
    try:
        computed = entry_hash(
            id=row.id,
            at=_instant(row.at),
            actor=row.actor,
            action=row.action,
            feedback_id=row.feedback_id,
            details=json.loads(row.details),
            prev_hash=row.prev_hash,
        )
    except (TypeError, ValueError) as exc:
        return f"its content cannot be read ({exc}): it was changed after it was written"
    if computed != row.entry_hash:
        return "its content no longer matches its hash: it was changed after it was written"
    if row.prev_hash != (GENESIS if previous is None else previous[1]):
        before = "the start of the log" if previous is None else f"entry {previous[0]}"
        return (
            f"it does not chain to {before}: entries between them were removed or added, "
            f"or {before} was rewritten and hashed again"
        )
    return None


def _instant(value: datetime | str) -> datetime:
    """Return a stored time as an aware UTC datetime (SQLite's text is naive UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


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
