"""Feedback as staff handle it: take a new one, then acknowledge, promise, assign, start,
resolve and answer it, each step in the status history and the audit log.

Every operation works in the caller's session (the caller commits), checks its input and
raises an ActionableError subclass whose message names the field and the fix, bumps the
record's `updated_at` (the dashboards' data version reads it) and records an audit event whose
details never hold customer data. A status set here is explicit (METRICS.md), and every change
of status adds a StatusChange row.

Decisions the policy leaves open:

- Required on a new feedback: the channel, the time received, the current feature, and a way
  to answer the customer (a phone number or an email address). The proposal and the reason are
  asked for but optional: a customer who only reports a problem has neither, and refusing the
  record would lose the feedback; the canonical file requires no more either.
- A category the person picks on the form, the model's suggestion accepted unchanged
  included, is a human label ("human"): the person read the customer's words and confirmed
  it, as the review queue's confirmation does. Left blank, the record is categorised as
  `classify` would: the suggestion becomes its category (source "model") when it is at least
  as confident as the review threshold, otherwise it waits in the review queue. The
  suggestion is kept in `predicted_*` either way, so that the person's choice measures it.
- A record's first status ("new") is derived, not explicit: later an import of the channel's
  own file may still move it by its timestamps until a person moves it here.
- Resolving an unacknowledged record is refused: an acknowledgement is a contact with the
  customer, and a time the app made up would count as one in the acknowledgement figures.
- Two app instances may act on one record: each step reads the record afresh under a lock
  held until the caller commits (the row's on PostgreSQL, the database's write lock on SQLite),
  so the second of two clicks sees the first one's effect and says so (AlreadyDone) instead of
  doing it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from feedback_analytics import audit, privacy, sla
from feedback_analytics.classify.registry import LoadedModel, load_active_model
from feedback_analytics.classify.service import predict_texts
from feedback_analytics.config import get_settings
from feedback_analytics.db.models import STATUSES, AuditEvent, Customer, Feedback, StatusChange
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import CATALOGUE, format_datetime, format_number, t
from feedback_analytics.ingest.validate import parse_chunk
from feedback_analytics.ingest.values import COLUMNS, FEEDBACK_TEXTS

# The prefix of the external ids the app gives: APP-<local date received>-<number that day>.
ID_PREFIX = "APP"
# Keeps two PostgreSQL sessions from numbering the same day at once (any constant works).
_PG_NUMBERING_LOCK = 7_260_412
_ORDER = {status: position for position, status in enumerate(STATUSES)}
# Fields of the form that hold one line: surrounding spaces are dropped. The feedback texts
# are kept exactly as typed, as the import keeps them.
_ONE_LINE = (
    "customer_name",
    "customer_email",
    "customer_phone",
    "customer_address",
    "product",
    "category",
    "department",
    "assignee",
)
HISTORY_COLUMNS = ("changed_at", "changed_by", "from_status", "to_status")
# Who took a step the audit log does not know of: only an import sets those times otherwise.
BY_IMPORT = "an import"


class Problem(NamedTuple):
    """What is wrong with one field: a code and values a page words in its language (the
    catalogue's "workflow.refused.<code>"), and the same in English."""

    code: str
    message: str
    params: dict[str, Any]


class WorkflowRefused(ActionableError):
    """A refusal; `code` and `params` let a page say why in the viewer's language, the message
    says it in English."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class InvalidEntry(WorkflowRefused, ValueError):
    """A new feedback that cannot be saved; `problems` maps each wrong field to its Problem."""

    def __init__(self, problems: dict[str, Problem]) -> None:
        self.problems = problems
        listed = "; ".join(f"{name}: {p.message}" for name, p in problems.items())
        super().__init__("entry", f"the feedback was not saved: {listed}")


class UnknownFeedback(WorkflowRefused, LookupError):
    """No feedback has the id given."""


class MoveRefused(WorkflowRefused, ValueError):
    """A step that does not fit the record's state, or a time or text that is wrong."""


class AlreadyDone(MoveRefused):
    """The step was already taken (by another click or app instance): nothing changed."""


def _problem(code: str, message: str, **params: Any) -> Problem:
    return Problem(code, message, params)


class Suggestion(NamedTuple):
    """The active model's category for a text, its probability and the model's version."""

    category: str
    confidence: float
    version: str


@dataclass(frozen=True)
class FeedbackEntry:
    """What staff type into the new feedback form (texts as typed; None or "" for empty)."""

    channel: str
    received_at: datetime
    current_feature: str
    customer_name: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    customer_address: str | None = None
    product: str | None = None
    proposal: str | None = None
    reason: str | None = None
    # The person's category (the suggestion accepted, or another); None leaves it to the model.
    category: str | None = None
    # The suggestion the form showed for these texts, kept in predicted_*.
    suggestion: Suggestion | None = None
    priority: str = "normal"
    department: str | None = None
    assignee: str | None = None
    # None: received_at plus the SLA policy's resolution target for the priority.
    due_at: datetime | None = None


def local_moment(day: date, clock: time) -> datetime:
    """Return the aware instant of a date and a wall-clock time in company local time."""
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=get_settings().tz)


def _local(moment: datetime) -> str:
    """Return an instant as a message shows it: company local time, to the minute."""
    return moment.astimezone(get_settings().tz).isoformat(timespec="minutes")


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime (with its time zone)")
    return moment.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else _aware(now, "now")


# --- A new feedback -------------------------------------------------------------------------


def suggest_category(
    session: Session, text: str, *, model: LoadedModel | None = None
) -> Suggestion | None:
    """Return the active model's category for `text` as (category, confidence, version);
    None when the text is blank or no model is active.

    `model` is the active model already loaded (a page keeps it cached); without it the active
    model is loaded from the store, which raises ModelUnusable for a broken one.
    """
    if not text.strip():
        return None
    model = model if model is not None else load_active_model(session)
    if model is None:
        return None
    labels, confidence = predict_texts(model, [text])
    return Suggestion(str(labels[0]), float(confidence[0]), model.version)


def default_due_at(session: Session, *, received_at: datetime, priority: str) -> datetime | None:
    """Return the promised time a feedback gets by default: received_at plus the resolution
    target of its priority (calendar hours), or None when the priority has no target."""
    hours = sla.load_policy(session).resolution_hours(priority)
    return None if hours is None else _aware(received_at, "received_at") + timedelta(hours=hours)


def _cleaned(value: str | None, name: str) -> str:
    """Return a typed value without NUL characters (as the import drops them), one-line
    fields without surrounding spaces."""
    cleaned = (value or "").replace("\x00", "")
    return cleaned.strip() if name in _ONE_LINE else cleaned


def _import_rules(cells: dict[str, str]) -> tuple[dict[str, Any], dict[str, Problem]]:
    """Return the given canonical cells parsed by the import's rules (required fields, channel
    and priority values and aliases, the longest text), and the problems by field."""
    row = dict.fromkeys(COLUMNS, "")
    # Stand-ins for required columns the caller does not check here (the import requires them).
    row |= {"external_id": ID_PREFIX, "received_at": "2000-01-01", "current_feature": "-"}
    row |= cells
    settings = get_settings()
    parsed, problems = parse_chunk(
        pd.DataFrame([row]), file="form", tz=settings.tz, max_text=settings.max_text_chars
    )
    values = {
        name: None if pd.isna(value) else value
        for name, value in parsed.iloc[0].items()
        if name in cells
    }
    found = {
        str(e.column): _problem("required", e.reason)
        if e.reason.startswith("is required")
        else _problem("rule", e.reason, reason=e.reason)
        for e in problems.get(0, [])
        if e.column in cells
    }
    return values, found


def _contact_problems(values: dict[str, Any]) -> dict[str, Problem]:
    """Return what is wrong with the customer's phone and email (one of them is needed).

    A value passes when the log redaction recognises all of it as one phone number or address:
    so every contact stored is also one that privacy.redact_contacts masks.
    """
    phone, email = values.get("customer_phone"), values.get("customer_email")
    problems: dict[str, Problem] = {}
    if not phone and not email:
        problems["customer_phone"] = _problem(
            "contact_missing",
            "give the customer's phone number or email address (customer_email): the policy "
            "asks that every customer be answered",
        )
    # The messages never repeat the value: customers' contacts stay out of logs.
    if phone and privacy.redact_contacts(phone) != privacy.mask_phone(phone):
        problems["customer_phone"] = _problem(
            "phone",
            "is not a Vietnamese phone number: write it like 0912 345 678, +84 912 345 678 or "
            "(028) 3822 1234, or leave it empty and give an email address",
        )
    if email and privacy.redact_contacts(email) != privacy.mask_email(email):
        problems["customer_email"] = _problem(
            "email",
            "is not an email address: write it like name@example.vn, or leave it empty and "
            "give a phone number",
        )
    return problems


def check_entry(entry: FeedbackEntry, *, now: datetime) -> dict[str, Any]:
    """Return the entry's values as stored (None where empty); raise InvalidEntry naming each
    field that is wrong."""
    received = _aware(entry.received_at, "received_at")
    cells = {
        name: _cleaned(getattr(entry, name), name)
        for name in (*_ONE_LINE, *FEEDBACK_TEXTS, "channel", "priority")
    }
    cells["priority"] = cells["priority"].strip() or "normal"
    values, problems = _import_rules(cells)
    problems |= _contact_problems(values)
    if received > now:
        problems["received_at"] = _problem(
            "future",
            f"{_local(received)} is in the future: enter the time it happened",
            at=received,
        )
    due = None if entry.due_at is None else _aware(entry.due_at, "due_at")
    if due is not None and due < received:
        problems["due_at"] = _problem(
            "promise_early",
            f"{_local(due)} is earlier than received_at {_local(received)}: promise a later time",
            at=due,
            received=received,
        )
    if problems:
        raise InvalidEntry(problems)
    return values | {"received_at": received, "due_at": due}


def _category_fields(values: dict[str, Any], suggestion: Suggestion | None) -> dict[str, Any]:
    """Return the category columns of a new record (see the module's decisions)."""
    fields: dict[str, Any] = {"category": values["category"]}
    if suggestion is not None:
        fields |= {
            "predicted_category": suggestion.category,
            "predicted_confidence": suggestion.confidence,
            "predicted_by": suggestion.version,
        }
    if values["category"] is not None:
        return fields | {"category_source": "human"}
    if suggestion is not None and suggestion.confidence >= get_settings().review_threshold:
        fields |= {
            "category": suggestion.category,
            "category_source": "model",
            "category_confidence": suggestion.confidence,
            "model_version": suggestion.version,
        }
    return fields


def next_external_id(session: Session, *, channel: str, received_at: datetime) -> str:
    """Return the next free external id of `channel` for a feedback received at `received_at`:
    APP-<local date>-<number>, numbered from 0001 per channel and day.

    On PostgreSQL a transaction-scoped lock keeps two sessions from taking the same number;
    it is held until the caller commits. SQLite lets one writer in at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_NUMBERING_LOCK})
    stem = f"{ID_PREFIX}-{received_at.astimezone(get_settings().tz):%Y%m%d}-"
    taken = session.scalars(
        select(Feedback.external_id).where(
            Feedback.channel == channel, Feedback.external_id.startswith(stem, autoescape=True)
        )
    )
    numbers = [int(rest) for rest in (e[len(stem) :] for e in taken) if rest.isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:04d}"


def create_feedback(session: Session, entry: FeedbackEntry, *, actor: str, now: datetime) -> int:
    """Store a new feedback with its customer and first status, audited; return its id.

    Raises InvalidEntry (nothing is written) when a field is wrong.
    """
    now = _aware(now, "now")
    values = check_entry(entry, now=now)
    customer = Customer(
        name=values["customer_name"],
        email=values["customer_email"],
        phone=values["customer_phone"],
        address=values["customer_address"],
    )
    session.add(customer)
    # The customer's insert comes first: on SQLite it takes the write lock before the numbering
    # reads, so a concurrent writer waits instead of taking the same number.
    session.flush()
    received, priority = values["received_at"], values["priority"]
    due = values["due_at"] or default_due_at(session, received_at=received, priority=priority)
    record = Feedback(
        external_id=next_external_id(session, channel=values["channel"], received_at=received),
        channel=values["channel"],
        received_at=received,
        customer_id=customer.id,
        product=values["product"],
        current_feature=values["current_feature"],
        proposal=values["proposal"],
        reason=values["reason"],
        priority=priority,
        department=values["department"],
        assignee=values["assignee"],
        status="new",
        status_explicit=False,
        due_at=due,
        created_at=now,
        updated_at=now,
        **_category_fields(values, entry.suggestion),
    )
    session.add(record)
    session.flush()
    session.add(
        StatusChange(
            feedback_id=record.id,
            from_status=None,
            to_status="new",
            changed_at=now,
            changed_by=actor,
        )
    )
    audit.record_event(
        session,
        actor=actor,
        action="feedback.create",
        feedback_id=record.id,
        details={
            "external_id": record.external_id,
            "channel": record.channel,
            "priority": priority,
            "category": record.category,
            "category_source": record.category_source,
            "predicted": record.predicted_category,
            "predicted_confidence": record.predicted_confidence,
            "predicted_by": record.predicted_by,
            "due_at": None if due is None else due.isoformat(),
        },
        now=now,
    )
    return record.id


# --- Steps on a stored record ---------------------------------------------------------------


def _locked(session: Session, feedback_id: int) -> Feedback:
    """Return the record read afresh under a lock held until the caller commits: the row's
    (SELECT ... FOR UPDATE) on PostgreSQL, the database's write lock on SQLite."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row lock. A write first takes the write lock, which a concurrent step
        # waits for (busy_timeout) and then reads what this one committed.
        session.execute(
            update(Feedback).where(Feedback.id == feedback_id).values(id=Feedback.id),
            execution_options={"synchronize_session": False},
        )
    record = session.get(Feedback, feedback_id, with_for_update=True, populate_existing=True)
    if record is None:
        raise UnknownFeedback(
            "unknown", f"there is no feedback {feedback_id}: check the id", id=feedback_id
        )
    return record


def _last_actor(session: Session, feedback_id: int, action: str) -> str | None:
    """Return who last took `action` on the record, by the audit log (None: not in the app)."""
    query = (
        select(AuditEvent.actor)
        .where(AuditEvent.feedback_id == feedback_id, AuditEvent.action == action)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def _already(session: Session, record: Feedback, what: str, at: datetime, action: str) -> None:
    """Raise AlreadyDone: the step was taken at `at`, by the person the audit log names, else
    by an import (the only other way a step's time reaches the store)."""
    by = _last_actor(session, record.id, action) or BY_IMPORT
    raise AlreadyDone(
        f"already_{what}",
        f"feedback {record.id} was already {what} at {_local(at)} by {by}: nothing changed",
        id=record.id,
        at=at,
        by=by,
    )


def _event_time(record: Feedback, at: datetime, name: str, now: datetime) -> datetime:
    """Return `at` in UTC; refuse a time before the record was received or in the future."""
    at = _aware(at, name)
    if at < record.received_at:
        raise MoveRefused(
            "early",
            f"{name} {_local(at)} is earlier than received_at {_local(record.received_at)}: "
            "correct the time",
            at=at,
            received=record.received_at,
        )
    if at > now:
        raise MoveRefused(
            "future", f"{name} {_local(at)} is in the future: enter the time it happened", at=at
        )
    return at


def _move(session: Session, record: Feedback, to: str, *, now: datetime, actor: str) -> list[str]:
    """Advance the record's status to `to` (explicitly) with a history row when that is a step
    forward; return [from, to], or [] when the status stays.

    The history row is stamped when the change is recorded, as the import stamps its rows; the
    time the step happened is the record's own acknowledged_at, resolved_at or responded_at.
    """
    before = record.status
    if _ORDER[to] <= _ORDER.get(before, -1):
        return []
    record.status, record.status_explicit = to, True
    session.add(
        StatusChange(
            feedback_id=record.id,
            from_status=before,
            to_status=to,
            changed_at=now,
            changed_by=actor,
        )
    )
    return [before, to]


def _done(
    session: Session,
    record: Feedback,
    action: str,
    *,
    actor: str,
    now: datetime,
    details: dict[str, Any],
) -> None:
    """Bump the record's updated_at and audit the step."""
    record.updated_at = now
    audit.record_event(
        session, actor=actor, action=action, feedback_id=record.id, details=details, now=now
    )


def acknowledge(
    session: Session,
    feedback_id: int,
    *,
    at: datetime,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Record that the customer was told at `at` that their feedback was received."""
    now = _now(now)
    record = _locked(session, feedback_id)
    if record.acknowledged_at is not None:
        _already(session, record, "acknowledged", record.acknowledged_at, "feedback.acknowledge")
    at = _event_time(record, at, "acknowledged_at", now)
    if record.resolved_at is not None and at > record.resolved_at:
        raise MoveRefused(
            "after_resolution",
            f"acknowledged_at {_local(at)} is later than the resolution at "
            f"{_local(record.resolved_at)}: correct the time",
            at=at,
            resolved=record.resolved_at,
        )
    record.acknowledged_at = at
    status = _move(session, record, "acknowledged", now=now, actor=actor)
    details = {"at": at.isoformat(), "status": status}
    _done(session, record, "feedback.acknowledge", actor=actor, now=now, details=details)


def promise(
    session: Session,
    feedback_id: int,
    *,
    due_at: datetime,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """Set the processing time promised to the customer; return False when it was already
    that. Refused once the record is resolved: the promise is what the resolution is
    measured against."""
    now = _now(now)
    record = _locked(session, feedback_id)
    due = _aware(due_at, "due_at")
    if record.resolved_at is not None:
        raise MoveRefused(
            "promise_resolved",
            f"feedback {feedback_id} was resolved at {_local(record.resolved_at)}: its promised "
            "time can no longer change",
            id=feedback_id,
            resolved=record.resolved_at,
        )
    if due < record.received_at:
        raise MoveRefused(
            "promise_early",
            f"due_at {_local(due)} is earlier than received_at {_local(record.received_at)}: "
            "promise a later time",
            at=due,
            received=record.received_at,
        )
    if record.due_at == due:
        return False
    before = record.due_at
    record.due_at = due
    details = {"from": _iso(before), "to": due.isoformat()}
    _done(session, record, "feedback.promise", actor=actor, now=now, details=details)
    return True


def assign(
    session: Session,
    feedback_id: int,
    *,
    department: str | None,
    assignee: str | None,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """Give the record to a department and/or a person (an empty one is cleared); return False
    when it already had them. Refused once the record is closed."""
    now = _now(now)
    cells = {
        "department": _cleaned(department, "department"),
        "assignee": _cleaned(assignee, "assignee"),
    }
    values, problems = _import_rules(cells)
    if problems:
        name, problem = next(iter(problems.items()))
        raise MoveRefused(problem.code, f"{name}: {problem.message}", **problem.params)
    if not values["department"] and not values["assignee"]:
        raise MoveRefused(
            "assign_empty", "department and assignee are both empty: name at least one"
        )
    record = _locked(session, feedback_id)
    if record.responded_at is not None or record.status == "closed":
        raise MoveRefused(
            "closed",
            f"feedback {feedback_id} is closed: it can no longer be assigned",
            id=feedback_id,
        )
    before = {"department": record.department, "assignee": record.assignee}
    if before == values:
        return False
    record.department, record.assignee = values["department"], values["assignee"]
    # Departments and assignees are staff, not customers: they may stand in the audit log.
    details = {"from": before, "to": values}
    _done(session, record, "feedback.assign", actor=actor, now=now, details=details)
    return True


def start(
    session: Session,
    feedback_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Move an acknowledged record to in progress (work on it has begun)."""
    now = _now(now)
    record = _locked(session, feedback_id)
    if record.status == "in_progress":
        raise AlreadyDone(
            "already_started",
            f"feedback {feedback_id} is already in progress: nothing changed",
            id=feedback_id,
        )
    if record.resolved_at is not None or _ORDER[record.status] > _ORDER["in_progress"]:
        raise MoveRefused(
            "cannot_start",
            f"feedback {feedback_id} is {record.status}: it cannot go back to work",
            id=feedback_id,
            status=record.status,
        )
    if record.acknowledged_at is None:
        raise MoveRefused(
            "not_acknowledged",
            f"feedback {feedback_id} is not acknowledged yet: acknowledge it first, with the "
            "time the customer was told",
            id=feedback_id,
        )
    status = _move(session, record, "in_progress", now=now, actor=actor)
    _done(session, record, "feedback.start", actor=actor, now=now, details={"status": status})


def resolve(
    session: Session,
    feedback_id: int,
    *,
    at: datetime,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Record that the feedback was resolved at `at`. An unacknowledged record is refused
    (see the module's decisions)."""
    now = _now(now)
    record = _locked(session, feedback_id)
    if record.resolved_at is not None:
        _already(session, record, "resolved", record.resolved_at, "feedback.resolve")
    if record.acknowledged_at is None:
        raise MoveRefused(
            "not_acknowledged",
            f"feedback {feedback_id} is not acknowledged yet: acknowledge it first, with the "
            "time the customer was told",
            id=feedback_id,
        )
    at = _event_time(record, at, "resolved_at", now)
    if at < record.acknowledged_at:
        raise MoveRefused(
            "before_acknowledgement",
            f"resolved_at {_local(at)} is earlier than the acknowledgement at "
            f"{_local(record.acknowledged_at)}: correct the time",
            at=at,
            acknowledged=record.acknowledged_at,
        )
    record.resolved_at = at
    status = _move(session, record, "resolved", now=now, actor=actor)
    details = {"at": at.isoformat(), "status": status, "due_at": _iso(record.due_at)}
    _done(session, record, "feedback.resolve", actor=actor, now=now, details=details)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _checked_response(text: str) -> str:
    """Return the response as stored (without NUL characters); refuse an empty or long one."""
    response = _cleaned(text, "response")
    if not response.strip():
        raise MoveRefused(
            "response_empty", "response is empty: write what was sent to the customer"
        )
    limit = get_settings().max_text_chars
    if len(response) > limit:
        raise MoveRefused(
            "response_long",
            f"response is {len(response):,} characters long; at most {limit:,} are kept: "
            "shorten it",
            length=len(response),
            limit=limit,
        )
    return response


def record_response(
    session: Session,
    feedback_id: int,
    *,
    text: str,
    at: datetime,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Record the answer sent to the customer at `at` and close the record (it must be
    resolved first)."""
    now = _now(now)
    response = _checked_response(text)
    record = _locked(session, feedback_id)
    if record.responded_at is not None:
        _already(session, record, "answered", record.responded_at, "feedback.respond")
    if record.resolved_at is None:
        raise MoveRefused(
            "not_resolved",
            f"feedback {feedback_id} is not resolved yet: resolve it before recording the response",
            id=feedback_id,
        )
    at = _event_time(record, at, "responded_at", now)
    if at < record.resolved_at:
        raise MoveRefused(
            "before_resolution",
            f"responded_at {_local(at)} is earlier than the resolution at "
            f"{_local(record.resolved_at)}: correct the time",
            at=at,
            resolved=record.resolved_at,
        )
    record.response, record.responded_at = response, at
    status = _move(session, record, "closed", now=now, actor=actor)
    # The response is the customer's case in words: only its length goes to the audit log.
    details = {"at": at.isoformat(), "status": status, "characters": len(response)}
    _done(session, record, "feedback.respond", actor=actor, now=now, details=details)


# --- What the pages show --------------------------------------------------------------------


def status_name(status: str | None, lang: str) -> str:
    """Return a status as the pages name it in `lang` ("" for none)."""
    if not status:
        return ""
    key = f"status.{status}"
    return t(key, lang) if key in CATALOGUE else status


def refusal_text(
    code: str, params: dict[str, Any], lang: str, *, escape: Callable[[str], str] = str
) -> str:
    """Return why something was refused in `lang`: times in company local time, a status by
    its name, lengths with the language's separators, other values (who, what was typed)
    through `escape` (a page passes the escaping of its markup)."""
    tz = get_settings().tz
    shown: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, datetime):
            shown[name] = format_datetime(value, lang, tz=tz)
        elif name == "status":
            shown[name] = status_name(value, lang)
        elif name == "by" and value == BY_IMPORT:
            shown[name] = t("workflow.by_import", lang)
        elif name in ("length", "limit"):
            shown[name] = format_number(value, lang)
        else:
            shown[name] = escape(str(value))
    return t(f"workflow.refused.{code}", lang, **shown)


def next_steps(record: Feedback) -> tuple[str, ...]:
    """Return the steps that fit the record's state, in the order a person takes them."""
    if record.responded_at is not None or record.status == "closed":
        return ()
    if record.resolved_at is not None:
        return ("respond", "assign")
    steps: list[str] = []
    if record.acknowledged_at is None:
        steps.append("acknowledge")
    elif record.status != "in_progress":
        steps.append("start")
    if record.acknowledged_at is not None:
        steps.append("resolve")
    return (*steps, "promise", "assign")


def stored_record(session: Session, feedback_id: int) -> Feedback:
    """Return one record's row (for its status and times; its customer is not read)."""
    record = session.get(Feedback, feedback_id)
    if record is None:
        raise UnknownFeedback(
            "unknown", f"there is no feedback {feedback_id}: check the id", id=feedback_id
        )
    return record


def status_history(session: Session, feedback_id: int) -> pd.DataFrame:
    """Return the record's status changes, oldest first: changed_at (UTC), changed_by,
    from_status, to_status.

    An imported record has no row for its first status (the import records only changes): its
    arrival comes first, at its created_at, by the import batch that brought it.
    """
    rows = session.execute(
        select(*(getattr(StatusChange, name) for name in HISTORY_COLUMNS))
        .where(StatusChange.feedback_id == feedback_id)
        .order_by(StatusChange.changed_at, StatusChange.id)
    ).all()
    frame = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
    if frame.empty or frame["from_status"].notna().all():
        arrival = _arrival(session, feedback_id, frame)
        if arrival is not None:
            frame = pd.concat([pd.DataFrame([arrival]), frame], ignore_index=True)
    frame["changed_at"] = pd.to_datetime(frame["changed_at"], utc=True)
    for name in HISTORY_COLUMNS[1:]:
        # Plain strings, None for the first status's missing predecessor.
        column = frame[name].astype(object)
        frame[name] = column.where(column.notna(), None)
    return frame


def _arrival(session: Session, feedback_id: int, changes: pd.DataFrame) -> dict[str, Any] | None:
    """Return the history row of an imported record's arrival (None: no such record)."""
    found = session.execute(
        select(Feedback.created_at, Feedback.import_batch_id, Feedback.status).where(
            Feedback.id == feedback_id
        )
    ).first()
    if found is None:
        return None
    created_at, batch, status = found
    first = changes["from_status"].iloc[0] if len(changes) else status
    by = f"import #{batch}" if batch is not None else "import"
    return {"changed_at": created_at, "changed_by": by, "from_status": None, "to_status": first}
