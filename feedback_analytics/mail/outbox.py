"""The messages the policy promises the customer (the acknowledgement, a new promised time,
the outcome), queued with the step that promises them and delivered through the company's mail
server; a customer without an e-mail address gets a call-back task (the text to read out).

How a message travels, and the guarantee:

- Queueing is part of the step: `take_step` runs the workflow step and `queue_message` in one
  transaction, so a step and its message commit together or not at all. `step_key` is unique
  ("<id>:acknowledge", "<id>:promise:<due>", "<id>:outcome"): a step queues its message once,
  whichever app instance or click takes it; a second queueing is a no-op.
- Delivery (`deliver_due`, right after the step and by `send-mail`) first claims one queued
  message with a conditional UPDATE that only one deliverer can win (on PostgreSQL its row is
  picked FOR UPDATE SKIP LOCKED), marks it "sending" and COMMITS, and only then talks to the
  mail server; the server's answer is recorded in a second transaction: "sent" with the
  server's reply, "queued" again with exponential back-off after a temporary refusal (4xx) or
  an unreachable server, "failed" with the reason after a permanent refusal (5xx).
- The guarantee is AT MOST ONCE per step. SMTP gives no way to ask a server whether it took a
  message, so a process that dies (or loses the connection) after handing the message over and
  before recording it leaves the row "sending", and nothing can tell whether the customer got
  it. Sending it again automatically could send it twice; a customer who gets the same
  acknowledgement twice, or two outcomes, trusts the company less than one who is called by a
  person who checked. So a "sending" row is never sent again by itself: `failed_or_uncertain`
  lists it (with the failed ones) for a person to check, who may `requeue_message` it. The
  window is the few milliseconds between the server's "250" and our commit.

The customer's address is read only through privacy.message_recipient, when the message is sent;
the audit log records each message sent, failed, called or requeued without its text or address.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select, update
from sqlalchemy.orm import Session

from feedback_analytics import audit, privacy, workflow
from feedback_analytics.config import Settings, get_settings
from feedback_analytics.db.engine import conflict_insert
from feedback_analytics.db.models import Feedback, OutboxMessage
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import t
from feedback_analytics.mail import ca_file_problem, certificate_refused, feedback_reference
from feedback_analytics.mail.templates import customer_language, message_values, render_message

# Who the audit log names for what the outbox does by itself (staff are named for their steps).
SENDER = "outbox"
# Who queues and records an automatic acknowledgement.
AUTO_ACTOR = "auto-acknowledgement"
# The message each workflow step promises the customer.
MESSAGE_OF_STEP = {"acknowledge": "acknowledge", "promise": "promise", "respond": "outcome"}
_STEPS: dict[str, Callable[..., Any]] = {
    "acknowledge": workflow.acknowledge,
    "promise": workflow.promise,
    "assign": workflow.assign,
    "start": workflow.start,
    "resolve": workflow.resolve,
    "respond": workflow.record_response,
}
# Back-off after a temporary failure: 1, 2, 4 ... minutes, at most 4 hours apart; after this
# many attempts (about two days) the message is failed for a person to look at.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=4)
MAX_ATTEMPTS = 20
# A message "sending" for longer than this is no longer being sent: its attempt died.
SENDING_GIVEN_UP = timedelta(minutes=10)
# The step's own page waits at most this long for the mail server before it says "queued".
IMMEDIATE_TIMEOUT = 5.0
DEFAULT_PORTS = {"tls": 465, "starttls": 587, "none": 25}
MESSAGE_COLUMNS = (
    "outbox_id",
    "message_step",
    "message_channel",
    "message_status",
    "created_at",
    "created_by",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "server_reply",
    "last_error",
    "text",
)


class NoStartTLS(smtplib.SMTPException):
    """The mail server does not offer STARTTLS, which the settings require."""


class MailNotConfigured(ActionableError):
    """The settings name no mail server or sender address."""


class Queued(NamedTuple):
    """A message a step queued: its outbox row and channel ("email" or "callback")."""

    outbox_id: int
    channel: str


@dataclass(frozen=True)
class Delivery:
    """What became of one message: its status now and the server's answer or the reason."""

    outbox_id: int
    channel: str
    status: str
    detail: str | None = None


@dataclass
class DeliveryReport:
    """What one delivery run did; `problem` is "settings", "unreachable" or "login" when the
    mail server could not be used at all (the messages stay queued), with its words."""

    deliveries: list[Delivery] = field(default_factory=list)
    problem: str | None = None
    problem_text: str | None = None

    def count(self, status: str) -> int:
        """Return how many messages of the run ended in `status`."""
        return sum(d.status == status for d in self.deliveries)


@dataclass(frozen=True)
class StepResult:
    """A step taken: whether it changed the record, and what became of its message (None:
    the step sends none, or nothing was queued)."""

    changed: bool
    message: Delivery | None


@dataclass(frozen=True)
class _Claimed:
    outbox_id: int
    feedback_id: int
    step: str
    subject: str
    body: str
    message_id: str
    attempts: int
    created_by: str
    recipient: str | None


@dataclass(frozen=True)
class _Answer:
    status: str  # sent, queued (try again), failed, sending (uncertain)
    detail: str
    code: int | None = None


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now.astimezone(UTC)


def step_key(feedback_id: int, step: str, *, due_at: datetime | None = None) -> str:
    """Return the key that makes a step queue its message once: a new promised time is a
    new step, so its key holds the time."""
    if step == "promise":
        due = "none" if due_at is None else due_at.astimezone(UTC).isoformat(timespec="seconds")
        return f"{feedback_id}:promise:{due}"
    return f"{feedback_id}:{step}"


def _sender_domain() -> str:
    address = parseaddr(get_settings().mail_from or "")[1]
    return address.rpartition("@")[2] or "localhost"


def queue_message(
    session: Session,
    feedback_id: int,
    step: str,
    *,
    actor: str,
    notify: bool = True,
    email_only: bool = False,
    now: datetime | None = None,
) -> Queued | None:
    """Queue the message of `step` ("acknowledge", "promise", "outcome") for the customer of
    one feedback in the caller's transaction; return it, or None when nothing was queued.

    By e-mail when the customer gave an address and `notify` is on; as a call-back task (the
    text to read out) when the customer gave only a phone number, unless `email_only`. None as
    well when the step's message was queued before (its step_key is taken).
    """
    now = _now(now)
    record = session.get(Feedback, feedback_id)
    if record is None:
        raise workflow.UnknownFeedback(
            "unknown", f"there is no feedback {feedback_id}: check the id", id=feedback_id
        )
    if privacy.message_recipient(session, feedback_id) is not None:
        if not notify:
            return None
        channel = "email"
    elif "phone" in privacy.reachable_by(session, feedback_id) and not email_only:
        channel = "callback"
    else:
        return None
    if step == "acknowledge" and record.due_at is None:
        _promise_by_policy(session, record, actor=actor, now=now)
    settings = get_settings()
    lang = customer_language(
        (record.current_feature, record.proposal, record.reason), default=settings.mail_language
    )
    values = message_values(
        step, lang, feedback_id=feedback_id, due_at=record.due_at, response=record.response
    )
    written = render_message(session, step, lang, values)
    reference = feedback_reference(feedback_id)
    # Replies find their feedback by the number in the subject, whatever a template says.
    subject = (
        written.subject if reference in written.subject else f"[{reference}] {written.subject}"
    )
    row = {
        "feedback_id": feedback_id,
        "step": step,
        "step_key": step_key(feedback_id, step, due_at=record.due_at),
        "channel": channel,
        "language": lang,
        "subject": subject,
        "body": written.body,
        "message_id": make_msgid(domain=_sender_domain()).strip("<>"),
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "created_by": actor,
    }
    inserted = session.scalar(
        conflict_insert(session)(OutboxMessage)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["step_key"])
        .returning(OutboxMessage.id)
    )
    return None if inserted is None else Queued(int(inserted), channel)


def acknowledgement_promise(
    session: Session, record: Feedback, *, now: datetime | None = None
) -> datetime | None:
    """Return the processing time an acknowledgement of `record` tells the customer: its
    promised time, else the SLA policy's (received_at plus its priority's resolution target;
    from now when that has passed); None when the priority has no target."""
    if record.due_at is not None:
        return record.due_at
    due = workflow.default_due_at(session, received_at=record.received_at, priority=record.priority)
    if due is None:
        return None
    now = _now(now)
    return due if due > now else now + (due - record.received_at)


def _promise_by_policy(session: Session, record: Feedback, *, actor: str, now: datetime) -> None:
    """Promise a record that has no promised time the time its acknowledgement tells, audited.

    The policy promises the customer an estimated processing time with the acknowledgement: a
    time told to the customer is a promise, so it is recorded as one and measured.
    """
    due = acknowledgement_promise(session, record, now=now)
    if due is not None:  # None: the priority has no target, the message promises no time
        workflow.promise(session, record.id, due_at=due, actor=actor, now=now)


def take_step(
    engine: Engine,
    feedback_id: int,
    step: str,
    *,
    actor: str,
    notify: bool = True,
    now: datetime | None = None,
    **values: Any,
) -> StepResult:
    """Take one workflow step and queue its message in one transaction, then try to deliver
    the message at once (a short wait); return whether the step changed the record and what
    became of the message.

    Raises what the workflow step raises (WorkflowRefused, AlreadyDone); nothing is queued then.
    """
    if step not in _STEPS:
        raise ValueError(f"unknown step {step!r}; expected one of {', '.join(_STEPS)}")
    if now is not None:
        values["now"] = now
    with Session(engine) as session, session.begin():
        changed = _STEPS[step](session, feedback_id, actor=actor, **values)
        queued = None
        if step in MESSAGE_OF_STEP and changed is not False:
            queued = queue_message(
                session, feedback_id, MESSAGE_OF_STEP[step], actor=actor, notify=notify, now=now
            )
    if queued is None:
        return StepResult(changed is not False, None)
    if queued.channel == "callback":
        return StepResult(True, Delivery(queued.outbox_id, "callback", "queued"))
    timeout = min(IMMEDIATE_TIMEOUT, get_settings().mail_timeout_seconds)
    report = deliver_due(engine, outbox_ids=[queued.outbox_id], now=now, timeout=timeout)
    found = [d for d in report.deliveries if d.outbox_id == queued.outbox_id]
    if found:
        return StepResult(True, found[0])
    return StepResult(True, Delivery(queued.outbox_id, "email", "queued", report.problem_text))


def auto_acknowledge(
    engine: Engine, feedback_ids: Iterable[int], *, now: datetime | None = None
) -> DeliveryReport:
    """Queue and send the acknowledgement of newly arrived feedback whose customer gave an
    e-mail address, when FEEDBACK_MAIL_AUTO_ACKNOWLEDGE is on; return what was delivered.

    The acknowledgement is recorded (by AUTO_ACTOR, at the time the server took the message)
    only once the message is sent, so the figures count a contact that happened. Feedback
    already acknowledged, or without an address, is left to staff.
    """
    if not get_settings().mail_auto_acknowledge:
        return DeliveryReport()
    queued: list[int] = []
    for feedback_id in feedback_ids:
        with Session(engine) as session, session.begin():
            record = session.get(Feedback, feedback_id)
            if record is None or record.acknowledged_at is not None:
                continue
            made = queue_message(
                session, feedback_id, "acknowledge", actor=AUTO_ACTOR, email_only=True, now=now
            )
            if made is not None:
                queued.append(made.outbox_id)
    if not queued:
        return DeliveryReport()
    return deliver_due(engine, outbox_ids=queued, now=now, limit=len(queued))


# --- Delivery -------------------------------------------------------------------------------


def settings_problem(settings: Settings) -> str | None:
    """Return what the mail server settings lack, in words, or None when they are complete."""
    missing = [
        name
        for name, value in (
            ("FEEDBACK_SMTP_HOST", settings.smtp_host),
            ("FEEDBACK_MAIL_FROM", settings.mail_from),
        )
        if not value
    ]
    if missing:
        return (
            f"no mail server is set up: set {' and '.join(missing)} (see the README, "
            "'Connecting the company's mail server'); the messages stay queued"
        )
    if not parseaddr(settings.mail_from or "")[1]:
        return "FEEDBACK_MAIL_FROM is not an e-mail address: write it like gopy@example.vn"
    return ca_file_problem(settings.mail_ca_file)


def retry_wait(attempts: int) -> timedelta:
    """Return how long a message waits after its `attempts`-th attempt failed for a while."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def deliver_due(
    engine: Engine,
    *,
    now: datetime | None = None,
    limit: int = 100,
    outbox_ids: Sequence[int] | None = None,
    timeout: float | None = None,
) -> DeliveryReport:
    """Send up to `limit` queued e-mails that are due (only those of `outbox_ids` when given)
    through the mail server, one claim at a time; return what became of each.

    Never raises for the mail server: an unreachable server or a refused login ends the run
    with `problem` set and the message back in the queue with its back-off.
    """
    settings = get_settings()
    problem = settings_problem(settings)
    if problem is not None:
        return DeliveryReport(problem="settings", problem_text=problem)
    report = DeliveryReport()
    connection: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            claimed = _claim(engine, now=_now(now), outbox_ids=outbox_ids)
            if claimed is None:
                break
            if connection is None:
                try:
                    connection = _connect(settings, timeout or settings.mail_timeout_seconds)
                except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as exc:
                    text = _login_words(exc)
                    report.problem, report.problem_text = (
                        "login",
                        (
                            f"the mail server refused the login of FEEDBACK_SMTP_USER ({text}): "
                            "check the user and FEEDBACK_SMTP_PASSWORD"
                        ),
                    )
                    answer = _Answer("queued", report.problem_text)
                    report.deliveries.append(_record(engine, claimed, answer, now=now))
                    break
                except (OSError, smtplib.SMTPException) as exc:
                    report.problem, report.problem_text = "unreachable", _unreachable(settings, exc)
                    answer = _Answer("queued", report.problem_text)
                    report.deliveries.append(_record(engine, claimed, answer, now=now))
                    break
            answer = _send(connection, claimed, settings)
            report.deliveries.append(_record(engine, claimed, answer, now=now))
            if answer.code is None and answer.status != "sent":
                # The connection failed: the next message opens a new one.
                _close(connection)
                connection = None
    finally:
        if connection is not None:
            _close(connection)
    return report


def _claim(engine: Engine, *, now: datetime, outbox_ids: Sequence[int] | None) -> _Claimed | None:
    """Mark the next due e-mail "sending" and commit; return it (None: nothing is due).

    The UPDATE only changes a row that is still queued, so of two deliverers one wins; on
    PostgreSQL the row is picked SKIP LOCKED, so the other picks the next one meanwhile.
    """
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == "queued",
            OutboxMessage.channel == "email",
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if outbox_ids is not None:
        due = due.where(OutboxMessage.id.in_(list(outbox_ids)))
    with Session(engine) as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        won = session.scalar(
            update(OutboxMessage)
            .where(OutboxMessage.id == due.scalar_subquery(), OutboxMessage.status == "queued")
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id)
        )
        if won is None:
            return None
        row = session.get_one(OutboxMessage, won)
        return _Claimed(
            outbox_id=row.id,
            feedback_id=row.feedback_id,
            step=row.step,
            subject=row.subject,
            body=row.body,
            message_id=row.message_id or make_msgid(domain=_sender_domain()).strip("<>"),
            attempts=row.attempts,
            created_by=row.created_by,
            recipient=privacy.message_recipient(session, row.feedback_id),
        )


def _connect(settings: Settings, timeout: float) -> smtplib.SMTP:
    """Return a connection to the mail server, secured and logged in as the settings say."""
    host = settings.smtp_host or ""
    port = settings.smtp_port or DEFAULT_PORTS[settings.smtp_security]
    context = ssl.create_default_context(cafile=settings.mail_ca_file)
    connection: smtplib.SMTP
    if settings.smtp_security == "tls":
        connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    try:
        connection.ehlo()
        if settings.smtp_security == "starttls":
            if not connection.has_extn("starttls"):
                # smtplib would say SMTPNotSupportedError, which reads as a refused login.
                raise NoStartTLS("the server offers no STARTTLS")
            connection.starttls(context=context)
            connection.ehlo()
        if settings.smtp_user:
            password = settings.smtp_password
            connection.login(settings.smtp_user, password.get_secret_value() if password else "")
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _server_words(code: int | None, text: bytes | str | None) -> str:
    """Return a server's answer as one line, without any address it quotes."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text or "")
    shown = " ".join(privacy.redact_contacts(words).split())
    return f"{code} {shown}".strip() if code is not None else shown


def _login_words(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _server_words(exc.smtp_code, exc.smtp_error)
    return "the server offers no login: unset FEEDBACK_SMTP_USER, or use its login port"


def _unreachable(settings: Settings, exc: BaseException) -> str:
    port = settings.smtp_port or DEFAULT_PORTS[settings.smtp_security]
    where = f"{settings.smtp_host}:{port} ({settings.smtp_security})"
    refused = certificate_refused(exc, "FEEDBACK_SMTP_HOST")
    if refused is not None:
        problem = f"the mail server {where} is not trusted: {refused}"
    elif isinstance(exc, NoStartTLS):
        problem = (
            f"the mail server {where} offers no STARTTLS (and nothing is sent unencrypted): check "
            "FEEDBACK_SMTP_PORT (587 for STARTTLS) or set FEEDBACK_SMTP_SECURITY=tls with its "
            "TLS port (465)"
        )
    else:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        problem = (
            f"the mail server {where} could not be reached ({reason}): check "
            "FEEDBACK_SMTP_HOST, FEEDBACK_SMTP_PORT and FEEDBACK_SMTP_SECURITY"
        )
    return f"{problem}. The message stays queued and is tried again"


def _message(claimed: _Claimed, settings: Settings) -> EmailMessage:
    """Return the e-mail of a claimed message, in UTF-8, with our Message-ID."""
    recipient = claimed.recipient or ""
    utf8 = not recipient.isascii()
    message = EmailMessage(policy=SMTPUTF8 if utf8 else SMTP)
    message["Subject"] = claimed.subject
    message["From"] = settings.mail_from
    message["Reply-To"] = settings.mail_from
    message["To"] = Address(addr_spec=recipient) if not utf8 else recipient
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{claimed.message_id}>"
    # Out-of-office replies are not feedback: this asks auto-responders not to answer.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(claimed.body, charset="utf-8")
    return message


def _refused(code: int, text: bytes | str, what: str) -> _Answer:
    """Return the answer to a refusal: temporary (4xx) tried again, permanent (5xx) failed."""
    words = _server_words(code, text)
    if 400 <= code < 500:
        return _Answer("queued", f"the mail server asked to try {what} again later ({words})", code)
    return _Answer("failed", f"the mail server refused {what} ({words})", code)


def _send(connection: smtplib.SMTP, claimed: _Claimed, settings: Settings) -> _Answer:
    """Hand one message to the mail server; return its answer."""
    if not claimed.recipient:
        return _Answer("failed", "the customer has no e-mail address any more", 0)
    sender = parseaddr(settings.mail_from or "")[1]
    try:
        message = _message(claimed, settings)
        utf8 = not claimed.recipient.isascii()
        if utf8 and not connection.has_extn("smtputf8"):
            return _Answer(
                "failed",
                "the customer's address has letters the mail server cannot take (no SMTPUTF8)",
                0,
            )
        payload = message.as_bytes()
    except (ValueError, TypeError) as exc:
        return _Answer("failed", f"the customer's address cannot be written: {exc}", 0)
    try:
        code, text = connection.mail(sender, ["SMTPUTF8", "BODY=8BITMIME"] if utf8 else [])
        if code != 250:
            connection.rset()
            return _refused(code, text, "our sender address FEEDBACK_MAIL_FROM")
        code, text = connection.rcpt(claimed.recipient)
        if code not in (250, 251):
            connection.rset()
            return _refused(code, text, "the customer's address")
    except (OSError, smtplib.SMTPException) as exc:
        return _Answer("queued", f"the connection to the mail server failed ({exc})")
    try:
        code, text = connection.data(payload)
    except smtplib.SMTPDataError as exc:
        return _refused(exc.smtp_code, exc.smtp_error, "the message")
    except (OSError, smtplib.SMTPException) as exc:
        # The message may have reached the server: at most once, so a person decides.
        return _Answer(
            "sending",
            f"the connection broke while the mail server took the message ({exc}): it may or "
            "may not have been sent; check with the customer before sending it again",
        )
    if code != 250:
        return _refused(code, text, "the message")
    return _Answer("sent", _server_words(code, text), code)


def _record(
    engine: Engine, claimed: _Claimed, answer: _Answer, *, now: datetime | None
) -> Delivery:
    """Store what became of a claimed message, audited; return it."""
    at = _now(now)
    status, detail = answer.status, answer.detail
    if status == "queued" and claimed.attempts >= MAX_ATTEMPTS:
        status, detail = "failed", f"{detail}; given up after {claimed.attempts} attempts"
    values: dict[str, Any] = {"status": status}
    if status == "sent":
        values |= {"sent_at": at, "server_reply": detail, "last_error": None}
    else:
        values["last_error"] = detail
    if status == "queued":
        values["next_attempt_at"] = at + retry_wait(claimed.attempts)
    with Session(engine) as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.outbox_id, OutboxMessage.status == "sending")
            .values(**values)
        )
        if status in ("sent", "failed"):
            details: dict[str, Any] = {
                "step": claimed.step,
                "channel": "email",
                "outbox_id": claimed.outbox_id,
                "attempts": claimed.attempts,
            }
            if answer.code:
                details["code"] = answer.code
            audit.record_event(
                session,
                actor=SENDER,
                action=f"message.{status}",
                feedback_id=claimed.feedback_id,
                details=details,
                now=at,
            )
        if status == "sent" and claimed.created_by == AUTO_ACTOR and claimed.step == "acknowledge":
            _acknowledged_by_mail(session, claimed.feedback_id, at)
    return Delivery(claimed.outbox_id, "email", status, detail)


def _acknowledged_by_mail(session: Session, feedback_id: int, at: datetime) -> None:
    """Record the acknowledgement an automatic message made, unless staff already did."""
    try:
        with session.begin_nested():
            workflow.acknowledge(session, feedback_id, at=at, actor=AUTO_ACTOR, now=at)
    except workflow.WorkflowRefused:
        pass  # acknowledged meanwhile (or a time the record refuses): staff's record stands


# --- What people see and do -----------------------------------------------------------------


def _frame(rows: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(columns))
    for name in ("created_at", "next_attempt_at", "sent_at", "claimed_at"):
        if name in frame:
            frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


def delivery_text(delivery: Delivery, lang: str, *, escape: Callable[[str], str] = str) -> str:
    """Return what became of a step's message in `lang`, for the page that took the step (the
    server's words through `escape`, the page's markup escaping)."""
    if delivery.channel == "callback":
        return t("record.message.callback", lang)
    return t(f"record.message.{delivery.status}", lang, reason=escape(delivery.detail or "-"))


def record_messages(session: Session, *, feedback_id: int, role: str | None) -> pd.DataFrame:
    """Return the messages of one feedback, oldest first (MESSAGE_COLUMNS); `text` is the
    message as written only for a role that sees contact data (privacy), else None."""
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.step,
            OutboxMessage.channel,
            OutboxMessage.status,
            OutboxMessage.created_at,
            OutboxMessage.created_by,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            OutboxMessage.sent_at,
            OutboxMessage.server_reply,
            OutboxMessage.last_error,
            OutboxMessage.body,
        )
        .where(OutboxMessage.feedback_id == feedback_id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    frame = _frame(rows, MESSAGE_COLUMNS)
    frame["text"] = [privacy.message_for_viewer(body, role) for body in frame["text"]]
    return frame


CALLBACK_COLUMNS = ("outbox_id", "feedback_id", "message_step", "created_at", "created_by", "text")


def pending_callbacks(session: Session, *, role: str | None) -> pd.DataFrame:
    """Return the call-backs not yet made, oldest first (CALLBACK_COLUMNS); `text` (what to
    read out) only for a role that sees contact data, else None."""
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.feedback_id,
            OutboxMessage.step,
            OutboxMessage.created_at,
            OutboxMessage.created_by,
            OutboxMessage.body,
        )
        .where(OutboxMessage.channel == "callback", OutboxMessage.status == "queued")
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    frame = _frame(rows, CALLBACK_COLUMNS)
    frame["text"] = [privacy.message_for_viewer(body, role) for body in frame["text"]]
    return frame


ATTENTION_COLUMNS = (
    "outbox_id",
    "feedback_id",
    "message_step",
    "message_channel",
    "message_status",
    "attempts",
    "created_at",
    "claimed_at",
    "last_error",
)


# The frames' column names (unique among the pages' headings and values) -> the table's.
_ATTRIBUTES = {
    "outbox_id": "id",
    "message_step": "step",
    "message_channel": "channel",
    "message_status": "status",
}


def failed_or_uncertain(session: Session, *, now: datetime | None = None) -> pd.DataFrame:
    """Return the e-mails a person must look at, oldest first (ATTENTION_COLUMNS): those
    failed for good, and those left "sending" by an attempt that died (perhaps sent)."""
    stale = _now(now) - SENDING_GIVEN_UP
    rows = session.execute(
        select(*(getattr(OutboxMessage, _ATTRIBUTES.get(c, c)) for c in ATTENTION_COLUMNS))
        .where(
            or_(
                OutboxMessage.status == "failed",
                and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < stale),
            )
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    return _frame(rows, ATTENTION_COLUMNS)


def queue_counts(session: Session) -> dict[str, int]:
    """Return how many messages are in each status (for a page's or command's summary)."""
    rows = session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {str(status): int(count) for status, count in rows}


def mark_called(
    session: Session, outbox_id: int, *, actor: str, now: datetime | None = None
) -> bool:
    """Record that `actor` made a call-back and read its text out, audited, in the caller's
    transaction; return False when it was marked before.

    The record's steps are not changed: the step that made the task was recorded when staff
    took it, with the time they entered.
    """
    now = _now(now)
    row = session.get(OutboxMessage, outbox_id, with_for_update=True)
    if row is None or row.channel != "callback":
        raise ActionableError(f"there is no call-back {outbox_id}: check the number")
    if row.status == "called":
        return False
    row.status, row.sent_at, row.server_reply = "called", now, f"called by {actor}"
    row.attempts += 1
    audit.record_event(
        session,
        actor=actor,
        action="message.called",
        feedback_id=row.feedback_id,
        details={"step": row.step, "channel": "callback", "outbox_id": row.id},
        now=now,
    )
    return True


def requeue_message(
    session: Session, outbox_id: int, *, actor: str, now: datetime | None = None
) -> bool:
    """Put a failed e-mail, or one an attempt left "sending" (after a person checked the
    customer did not get it), back in the queue to be sent now, audited; return False when it
    is in neither state."""
    now = _now(now)
    stale = now - SENDING_GIVEN_UP
    done = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.channel == "email",
            or_(
                OutboxMessage.status == "failed",
                and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < stale),
            ),
        )
        .values(status="queued", next_attempt_at=now, attempts=0)
        .returning(OutboxMessage.feedback_id, OutboxMessage.step)
    ).first()
    if done is None:
        return False
    audit.record_event(
        session,
        actor=actor,
        action="message.requeued",
        feedback_id=done.feedback_id,
        details={"step": done.step, "channel": "email", "outbox_id": outbox_id},
        now=now,
    )
    return True
