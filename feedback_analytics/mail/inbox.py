"""The dedicated feedback mailbox, read over IMAP: each new message becomes a feedback exactly as
the `.eml` import makes one, or, when it answers one of ours, a reply kept with its feedback.

Each batch of messages (by UID, oldest first) goes through three steps, in this order:

1. its messages are fetched with BODY.PEEK[] (people reading the mailbox still see them unread);
2. the replies, then the feedback, are stored, each in a committed transaction; both are
   idempotent by Message-ID (the import's upsert by (channel, external_id) under the import
   lock, a reply's unique message_id), so a message stored before counts as "already";
3. only then is each message moved out of the folder: to the done folder, or, when it cannot
   become a feedback, to the problem folder for a person to read.

A crash between 2 and 3 leaves messages in the folder: the next run finds them stored and moves
them. Two readers at once both fetch a batch; the import lock lets one store it and the other
find it stored; the first move wins and the second finds the UIDs gone, which IMAP ignores. So
no message is stored twice, and none leaves the folder before its record is committed.

The password never reaches a log, an exception or a message: it is sent only to the server, and
every text made from a server's or library's error is scrubbed of it first.
"""

from __future__ import annotations

import logging
import re
import signal
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from feedback_analytics import privacy
from feedback_analytics.audit import record_event
from feedback_analytics.config import Settings, get_settings
from feedback_analytics.db.engine import conflict_insert
from feedback_analytics.db.models import CustomerReply, Feedback, MailboxRun, OutboxMessage
from feedback_analytics.errors import ActionableError
from feedback_analytics.mail import ca_file_problem, certificate_refused, referenced_feedback
from feedback_analytics.privacy import redact_contacts

if TYPE_CHECKING:
    from imapclient import IMAPClient

log = logging.getLogger(__name__)

ORIGIN = "mailbox"
REPLY_ACTION = "feedback.reply"
# RFC 2177: a server may end an IDLE after 30 minutes of it; renew it well before.
IDLE_RENEW_SECONDS = 25 * 60
# --watch: how long to wait for IDLE news between checks for a stop signal.
IDLE_TICK_SECONDS = 5.0
# --watch: waits after a lost connection, doubling from the first to the last.
BACKOFF_FIRST_SECONDS = 5.0
BACKOFF_MOST_SECONDS = 300.0
SETTINGS_ENV = "FEEDBACK_IMAP_HOST, FEEDBACK_IMAP_USER and FEEDBACK_IMAP_PASSWORD"
LOGIN_ENV = "FEEDBACK_IMAP_USER and FEEDBACK_IMAP_PASSWORD"
# What a reply names the message it answers by.
_MESSAGE_IDS = re.compile(r"<([^<>\s]+)>")

OnStored = Callable[[list[int]], None]


class MailboxError(ActionableError):
    """The mailbox could not be read (to the end); the message says why and what to check."""

    exit_status = 2

    def __init__(self, message: str, *, report: MailboxReport | None = None) -> None:
        super().__init__(message)
        self.report = report


class MailboxNotConfigured(MailboxError):
    """No mailbox is set (the settings that name one are missing), or the settings cannot be
    used as they stand (an unreadable FEEDBACK_MAIL_CA_FILE)."""

    exit_status = 2


class MailboxUnreachable(MailboxError):
    """The mailbox's server cannot be reached, or the connection to it was lost."""

    exit_status = 3


class MailboxLoginRefused(MailboxError):
    """The mailbox's server refused the user name and password."""

    exit_status = 4


# A run that read every message but could not turn some of them into a feedback.
EXIT_UNREADABLE = 1


@dataclass
class MailboxReport:
    """What one reading of the mailbox did: counts, and why a message could not be read."""

    folder: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    seen: int = 0
    stored: int = 0  # new feedback
    replies: int = 0  # replies added to the feedback they answer
    already: int = 0  # stored by an earlier run (or another reader), now moved
    unreadable: int = 0  # moved to the problem folder
    batches: int = 0
    # One line per unreadable message: its UID and why (never its sender or subject).
    problems: list[str] = field(default_factory=list)
    feedback_ids: list[int] = field(default_factory=list)
    error: str | None = None
    run_id: int | None = None

    def summary(self) -> str:
        """Return the run's one-line summary."""
        return (
            f"Mailbox {self.folder}: {self.seen:,} messages read, {self.stored:,} new feedback, "
            f"{self.replies:,} replies, {self.already:,} already stored, "
            f"{self.unreadable:,} unreadable"
            + (" (moved to the problem folder)" if self.unreadable else "")
            + "."
        )


@dataclass
class _Fetched:
    uid: int
    raw: bytes
    message: EmailMessage


def mailbox_configured(settings: Settings | None = None) -> bool:
    """Return whether the settings name a mailbox to read (host, user and password)."""
    settings = settings or get_settings()
    return bool(settings.imap_host and settings.imap_user and settings.imap_password)


def fetch_mail(
    engine: Engine,
    *,
    settings: Settings | None = None,
    on_stored: OnStored | None = None,
    progress: Callable[[MailboxReport], None] | None = None,
) -> MailboxReport:
    """Read every message now in the mailbox's folder, batch by batch; return what came of it.

    Raises a MailboxError (with the report so far) when the mailbox cannot be read to the end:
    the run is recorded either way. `on_stored` hears of each batch's new feedback ids once
    they are committed; `progress` hears of the report after each batch.
    """
    settings = settings or get_settings()
    _require_settings(settings)

    def read(report: MailboxReport) -> None:
        with connect(settings) as client:
            read_folder(
                engine, client, report, settings=settings, on_stored=on_stored, progress=progress
            )

    return _recorded_run(engine, settings, read)


def _recorded_run(
    engine: Engine, settings: Settings, read: Callable[[MailboxReport], None]
) -> MailboxReport:
    """Return a reading of the folder, recorded as a mailbox run whatever becomes of it; a
    MailboxError raised carries the report so far."""
    report = MailboxReport(folder=settings.imap_folder)
    report.run_id = _start_run(engine, report)
    try:
        read(report)
    except MailboxError as exc:
        exc.report = report
        _finish_run(engine, report, error=str(exc))
        raise
    except KeyboardInterrupt:
        _finish_run(engine, report, error="interrupted (Ctrl+C): the batch being read was not kept")
        raise
    except Exception as exc:
        _finish_run(engine, report, error=_plain(exc, settings))
        raise
    _finish_run(engine, report)
    return report


def watch(
    engine: Engine,
    *,
    settings: Settings | None = None,
    on_stored: OnStored | None = None,
    progress: Callable[[MailboxReport], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Read the mailbox now and whenever mail arrives, until SIGINT/SIGTERM or `stop`; return
    nothing.

    Waits with IMAP IDLE when the server has it (renewed at least every 25 minutes, and left
    every poll interval to record a run, so the Home page sees the reader alive), else polls
    every imap_poll_seconds. A lost or refused connection (to the mail server or the database)
    is retried with a growing wait; a refused password stops it (MailboxLoginRefused), as
    retrying cannot mend that.
    """
    settings = settings or get_settings()
    _require_settings(settings)
    stop = stop or threading.Event()
    restore = _stop_on_signals(stop)
    failures = 0
    quiet: int | None = None  # the last run that found nothing, renewed while nothing comes
    try:
        while not stop.is_set():
            try:
                with connect(settings) as client:
                    while not stop.is_set():
                        report = _watched_run(engine, client, settings, on_stored, progress)
                        quiet = _kept_quiet(engine, report, quiet)
                        failures = 0
                        _wait_for_mail(client, settings, stop)
            except MailboxLoginRefused:
                raise
            except (MailboxError, OperationalError, InterfaceError) as exc:
                # A lost mail server or database (restarted, a network cut) comes back.
                failures += 1
                wait = min(BACKOFF_FIRST_SECONDS * 2 ** (failures - 1), BACKOFF_MOST_SECONDS)
                log.warning("%s; trying again in %.0f s", _plain(exc, settings), wait)
                stop.wait(wait)
    finally:
        restore()


def _watched_run(
    engine: Engine,
    client: IMAPClient,
    settings: Settings,
    on_stored: OnStored | None,
    progress: Callable[[MailboxReport], None] | None,
) -> MailboxReport:
    """Return one recorded reading of the folder over an open connection."""

    def read(report: MailboxReport) -> None:
        read_folder(
            engine, client, report, settings=settings, on_stored=on_stored, progress=progress
        )

    return _recorded_run(engine, settings, read)


def _kept_quiet(engine: Engine, report: MailboxReport, quiet: int | None) -> int | None:
    """Return the run that now stands for a quiet spell: a run that found nothing renews the
    one before it (its finish time) instead of adding a row every poll interval."""
    if report.seen or report.error:
        return None
    if quiet is None:
        return report.run_id
    with Session(engine) as session, session.begin():
        session.execute(
            update(MailboxRun).where(MailboxRun.id == quiet).values(finished_at=report.finished_at)
        )
        session.execute(delete(MailboxRun).where(MailboxRun.id == report.run_id))
    return quiet


def _wait_for_mail(client: IMAPClient, settings: Settings, stop: threading.Event) -> None:
    """Return once mail may have arrived, a poll interval passed, or `stop` is set."""
    interval = min(settings.imap_poll_seconds, IDLE_RENEW_SECONDS)
    if not client.has_capability("IDLE"):
        stop.wait(settings.imap_poll_seconds)
        return
    deadline = time.monotonic() + interval
    try:
        client.idle()
        while not stop.is_set() and time.monotonic() < deadline:
            left = max(0.1, min(IDLE_TICK_SECONDS, deadline - time.monotonic()))
            news = client.idle_check(timeout=left)
            if any(b"EXISTS" in item for item in news if isinstance(item, tuple)):
                break
        client.idle_done()
    except _connection_errors() as exc:
        raise MailboxUnreachable(_lost(exc, settings)) from None


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """Make SIGINT and SIGTERM set `stop` (main thread only); return what restores them."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handle(signum: int, frame: Any) -> None:
        log.info("stopping after the current batch (signal %d)", signum)
        stop.set()

    for sig in previous:
        signal.signal(sig, handle)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


# Connecting ----------------------------------------------------------------------------------
def _require_settings(settings: Settings) -> None:
    if not mailbox_configured(settings):
        missing = [
            f"FEEDBACK_IMAP_{name.upper()}"
            for name in ("host", "user", "password")
            if not getattr(settings, f"imap_{name}")
        ]
        raise MailboxNotConfigured(
            f"no mailbox to read: set {', '.join(missing)} (the mailbox needs {SETTINGS_ENV}; "
            "FEEDBACK_IMAP_PORT, FEEDBACK_IMAP_SECURITY and FEEDBACK_IMAP_FOLDER as needed)"
        )
    problem = ca_file_problem(settings.mail_ca_file)
    if problem is not None:
        raise MailboxNotConfigured(problem)


def _port(settings: Settings) -> int:
    return settings.imap_port or (993 if settings.imap_security == "tls" else 143)


def _connection_errors() -> tuple[type[BaseException], ...]:
    """Return the exceptions that mean the connection failed or was lost."""
    import imaplib

    from imapclient.exceptions import IMAPClientAbortError

    return (OSError, imaplib.IMAP4.abort, IMAPClientAbortError, EOFError)


@contextmanager
def connect(settings: Settings | None = None) -> Iterator[IMAPClient]:
    """Yield an IMAPClient signed in to the mailbox (logged out after); raise
    MailboxNotConfigured, MailboxUnreachable or MailboxLoginRefused."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError, LoginError

    settings = settings or get_settings()
    _require_settings(settings)
    host, port = str(settings.imap_host), _port(settings)
    where = f"{host}:{port} ({settings.imap_security})"
    context = None
    if settings.imap_security != "none":
        context = ssl.create_default_context(cafile=settings.mail_ca_file)
    client: IMAPClient | None = None
    try:
        client = IMAPClient(
            host,
            port=port,
            ssl=settings.imap_security == "tls",
            ssl_context=context,
            timeout=settings.mail_timeout_seconds,
        )
        if settings.imap_security == "starttls":
            client.starttls(context)
    except (*_connection_errors(), IMAPClientError) as exc:
        if client is not None:
            _close(client)
        refused = certificate_refused(exc, "FEEDBACK_IMAP_HOST")
        if refused is not None:
            raise MailboxUnreachable(
                f"the mailbox's server {where} is not trusted: {refused}"
            ) from None
        raise MailboxUnreachable(
            f"cannot reach the mailbox's server {where}: {_plain(exc, settings)}. Check "
            "FEEDBACK_IMAP_HOST, FEEDBACK_IMAP_PORT and FEEDBACK_IMAP_SECURITY (and "
            "FEEDBACK_MAIL_CA_FILE for a certificate of the company's own)"
        ) from None
    try:
        password = settings.imap_password.get_secret_value() if settings.imap_password else ""
        client.login(str(settings.imap_user), password)
    except LoginError:
        _close(client)
        raise MailboxLoginRefused(
            f"the mailbox's server {where} refused to sign in user {settings.imap_user}: check "
            f"{LOGIN_ENV}"
        ) from None
    except (*_connection_errors(), IMAPClientError) as exc:
        _close(client)
        raise MailboxUnreachable(
            f"the mailbox's server {where} broke off the sign-in: {_plain(exc, settings)}"
        ) from None
    try:
        yield client
    finally:
        _close(client, logout=True)


def _close(client: IMAPClient, *, logout: bool = False) -> None:
    """Close a connection, which may already be gone."""
    try:
        if logout:
            client.logout()
        else:
            client.shutdown()
    except Exception:  # noqa: BLE001 - a connection already lost has nothing left to close
        log.debug("the mailbox connection was already closed")


def _plain(exc: BaseException, settings: Settings) -> str:
    """Return an exception as words for a person, without the password even if a server or
    library quoted it."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(text, str) and text.startswith("b'") and text.endswith("'"):
        text = text[2:-1]
    if settings.imap_password is not None:
        secret = settings.imap_password.get_secret_value()
        if secret:
            text = text.replace(secret, "***")
    return text[:500]


def _lost(exc: BaseException, settings: Settings) -> str:
    return (
        f"the connection to the mailbox's server was lost ({_plain(exc, settings)}); what was "
        "committed stays, and the next run reads the rest"
    )


# Reading -------------------------------------------------------------------------------------
def read_folder(
    engine: Engine,
    client: IMAPClient,
    report: MailboxReport,
    *,
    settings: Settings,
    on_stored: OnStored | None = None,
    progress: Callable[[MailboxReport], None] | None = None,
) -> MailboxReport:
    """Read every message now in the folder over an open connection, batch by batch, into
    `report`; return it. Raises MailboxUnreachable when the connection is lost."""
    from imapclient.exceptions import IMAPClientError

    try:
        for folder in (settings.imap_done_folder, settings.imap_problem_folder):
            _ensure_folder(client, folder)
        client.select_folder(settings.imap_folder)
        uids = sorted(int(uid) for uid in client.search(["NOT", "DELETED"]))
        for start in range(0, len(uids), settings.imap_batch):
            new = _read_batch(
                engine, client, uids[start : start + settings.imap_batch], report, settings
            )
            report.batches += 1
            _save_counts(engine, report)
            if progress is not None:
                progress(report)
            if on_stored is not None and new:
                on_stored(new)
        client.close_folder()
    except _connection_errors() as exc:
        raise MailboxUnreachable(_lost(exc, settings)) from None
    except IMAPClientError as exc:
        raise MailboxError(
            f"the mailbox's server refused a command: {_plain(exc, settings)}. Check "
            "FEEDBACK_IMAP_FOLDER, FEEDBACK_IMAP_DONE_FOLDER and FEEDBACK_IMAP_PROBLEM_FOLDER"
        ) from None
    return report


def _ensure_folder(client: IMAPClient, folder: str) -> None:
    """Create a folder unless it exists (another reader may create it at the same moment)."""
    from imapclient.exceptions import IMAPClientError

    if client.folder_exists(folder):
        return
    try:
        client.create_folder(folder)
    except IMAPClientError:
        if not client.folder_exists(folder):
            raise


def _read_batch(
    engine: Engine, client: IMAPClient, uids: list[int], report: MailboxReport, settings: Settings
) -> list[int]:
    """Fetch, store and then move one batch of messages, counting them in `report`; return the
    ids of the new feedback."""
    from feedback_analytics.ingest.channels import parse_message

    fetched = _fetch(client, uids)
    done: list[int] = []
    problems: list[int] = []
    messages: list[_Fetched] = []
    # A UID gone meanwhile was moved by another reader, after it stored the message.
    for uid in (uid for uid in uids if uid in fetched):
        report.seen += 1
        try:
            messages.append(_Fetched(uid, fetched[uid], parse_message(fetched[uid])))
        except Exception as exc:  # noqa: BLE001 - one unreadable message must not stop the rest
            _problem(report, uid, f"cannot be read as an e-mail message ({type(exc).__name__})")
            problems.append(uid)
    answering = _answered_feedback(engine, messages)
    feedback_messages = []
    stored: list[int] = []
    for item in messages:
        feedback_id = answering.get(item.uid)
        if feedback_id is None:
            feedback_messages.append(item)
            continue
        outcome = _store_reply(engine, item, feedback_id, settings)
        if outcome is None:
            report.replies += 1
        elif outcome == "already":
            report.already += 1
        else:
            _problem(report, item.uid, outcome)
            problems.append(item.uid)
            continue
        done.append(item.uid)
    if feedback_messages:
        stored, rejected = _store_feedback(engine, feedback_messages, report, settings)
        for item in feedback_messages:
            if item.uid in rejected:
                _problem(report, item.uid, rejected[item.uid])
                problems.append(item.uid)
            else:
                done.append(item.uid)
        report.feedback_ids.extend(stored)
    # Only now, with every record of the batch committed, do its messages leave the folder.
    _move(client, done, settings.imap_done_folder)
    _move(client, problems, settings.imap_problem_folder)
    return stored


def _problem(report: MailboxReport, uid: int, reason: str) -> None:
    report.unreadable += 1
    line = f"message UID {uid} cannot become a feedback: {redact_contacts(reason)}"
    report.problems.append(line)
    log.warning("mailbox %s", line)


# How often a command on messages is tried again when another reader moved some of them.
_VANISHED_TRIES = 3


def _present(client: IMAPClient, uids: list[int]) -> list[int]:
    """Return which of these UIDs the selected folder still holds (another reader may have
    moved some of them: it stored them first)."""
    if not uids:
        return []
    client.noop()  # takes in the other sessions' expunges
    found = client.search(["UID", ",".join(str(uid) for uid in uids)])
    return sorted(int(uid) for uid in found if int(uid) in set(uids))


def _fetch(client: IMAPClient, uids: list[int]) -> dict[int, bytes]:
    """Return the raw messages of these UIDs that the folder still holds."""
    from imapclient.exceptions import IMAPClientError

    for attempt in range(_VANISHED_TRIES):
        try:
            fetched = client.fetch(uids, [b"BODY.PEEK[]"])
        except IMAPClientError:
            # A server may refuse the whole fetch when another reader moved some of the
            # messages meanwhile (Dovecot: NO [EXPUNGEISSUED]): ask again for the rest.
            if attempt == _VANISHED_TRIES - 1:
                raise
            uids = _present(client, uids)
            continue
        return {
            int(uid): raw
            for uid, data in fetched.items()
            if isinstance(raw := data.get(b"BODY[]"), bytes)
        }
    return {}


def _move(client: IMAPClient, uids: list[int], folder: str) -> None:
    """Move messages to a folder: MOVE when the server has it, else COPY, \\Deleted, EXPUNGE.
    Messages another reader moved meanwhile are left to it."""
    from imapclient.exceptions import IMAPClientError

    for attempt in range(_VANISHED_TRIES):
        if not uids:
            return
        try:
            _move_now(client, uids, folder)
            return
        except IMAPClientError:
            # Dovecot refuses the whole command (NO [EXPUNGEISSUED]) when another reader moved
            # some of these messages first: move the rest.
            if attempt == _VANISHED_TRIES - 1:
                raise
            uids = _present(client, uids)


def _move_now(client: IMAPClient, uids: list[int], folder: str) -> None:
    if client.has_capability("MOVE"):
        client.move(uids, folder)
        return
    client.copy(uids, folder)
    client.delete_messages(uids)
    if client.has_capability("UIDPLUS"):
        client.expunge(uids)
    else:
        client.expunge()


# Storing -------------------------------------------------------------------------------------
def _store_feedback(
    engine: Engine, messages: list[_Fetched], report: MailboxReport, settings: Settings
) -> tuple[list[int], dict[int, str]]:
    """Import a batch's messages as one audited import batch; return the ids of the new
    feedback and why each rejected message (by UID) could not become one."""
    from feedback_analytics.ingest.channels import convert_messages
    from feedback_analytics.ingest.use_case import run_converted_import

    name = f"{ORIGIN} {settings.imap_folder} UID {messages[0].uid}-{messages[-1].uid}"
    converted = convert_messages([m.raw for m in messages], parsed=[m.message for m in messages])
    result = run_converted_import(
        engine,
        converted,
        file_name=name.replace("/", "_"),
        actor=f"{ORIGIN} {settings.imap_user}",
        origin=ORIGIN,
    )
    if result.unreadable is not None:
        if len(messages) == 1:
            reason = result.unreadable.removeprefix(name.replace("/", "_")).strip()
            return [], {messages[0].uid: reason}
        # One message spoiled the batch as a whole: each goes alone, so only it is left out.
        stored: list[int] = []
        rejected: dict[int, str] = {}
        for item in messages:
            ids, refused = _store_feedback(engine, [item], report, settings)
            stored += ids
            rejected.update(refused)
        return stored, rejected
    rejected = {
        messages[r.row - 1].uid: r.reason for r in result.rejections if 0 < r.row <= len(messages)
    }
    report.stored += result.inserted + result.updated
    report.already += result.unchanged
    if result.batch_id is None or not result.inserted:
        return [], rejected
    with Session(engine) as session:
        new = session.scalars(
            select(Feedback.id)
            .where(Feedback.import_batch_id == result.batch_id)
            .order_by(Feedback.id)
        ).all()
    return list(new), rejected


def _answered_feedback(engine: Engine, messages: Sequence[_Fetched]) -> dict[int, int]:
    """Return, by UID, the feedback each reply answers: the one our message it names in
    In-Reply-To/References was about, else the one its subject names by number."""
    named: dict[int, list[str]] = {}
    numbered: dict[int, int] = {}
    for item in messages:
        try:
            headers = " ".join(str(item.message.get(h, "")) for h in ("In-Reply-To", "References"))
            subject = str(item.message.get("Subject", ""))
        except Exception:  # noqa: BLE001 - headers this broken: the import says why
            continue
        ids = _MESSAGE_IDS.findall(headers)
        if ids:
            named[item.uid] = ids
        number = referenced_feedback(subject)
        if number is not None:
            numbered[item.uid] = number
    if not named and not numbered:
        return {}
    with Session(engine) as session:
        ours: dict[str, int] = {}
        wanted = sorted({i for ids in named.values() for i in ids})
        if wanted:
            ours = {
                row.message_id: row.feedback_id
                for row in session.execute(
                    select(OutboxMessage.message_id, OutboxMessage.feedback_id).where(
                        OutboxMessage.message_id.in_(wanted)
                    )
                )
            }
        existing = set(
            session.scalars(select(Feedback.id).where(Feedback.id.in_(set(numbered.values()))))
        )
    found: dict[int, int] = {}
    for item in messages:
        by_thread = [ours[i] for i in named.get(item.uid, []) if i in ours]
        if by_thread:
            found[item.uid] = by_thread[0]
        elif numbered.get(item.uid) in existing:
            found[item.uid] = numbered[item.uid]
    return found


def _store_reply(
    engine: Engine, item: _Fetched, feedback_id: int, settings: Settings
) -> str | None:
    """Keep a customer's reply with the feedback it answers; return None when stored now,
    "already" when stored before, else why it cannot be stored."""
    from feedback_analytics.ingest.channels import reply_parts

    try:
        parts = reply_parts(item.message)
    except Exception as exc:  # noqa: BLE001 - one unreadable message must not stop the rest
        return f"cannot be read as an e-mail message ({type(exc).__name__})"
    received_at = _instant(parts["received_at"], settings)
    if received_at is None:
        return "a reply without a readable Date header: received_at is " + (
            "missing" if not parts["received_at"] else "not a date"
        )
    now = datetime.now(UTC)
    values = {
        "feedback_id": feedback_id,
        "message_id": parts["external_id"][:250],
        "received_at": received_at,
        "subject": parts["subject"],
        "text": parts["text"],
        "created_at": now,
    }
    with Session(engine) as session, session.begin():
        # Written first, so that on SQLite the transaction holds the write lock from the start;
        # a second reader's insert of the same reply does nothing.
        inserted = session.execute(
            conflict_insert(session)(CustomerReply)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["message_id"])
            .returning(CustomerReply.id)
        ).scalar_one_or_none()
        if inserted is None:
            return "already"
        session.execute(update(Feedback).where(Feedback.id == feedback_id).values(updated_at=now))
        record_event(
            session,
            actor=f"{ORIGIN} {settings.imap_user}",
            action=REPLY_ACTION,
            feedback_id=feedback_id,
            details={"reply": inserted, "origin": ORIGIN},
            now=now,
        )
    return None


def _instant(text: str, settings: Settings) -> datetime | None:
    """Return an ISO 8601 time (company local time when it has no zone) in UTC, else None."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=settings.tz)
    return when.astimezone(UTC)


# The run's record ----------------------------------------------------------------------------
def _start_run(engine: Engine, report: MailboxReport) -> int:
    with Session(engine) as session, session.begin():
        run = MailboxRun(folder=report.folder, started_at=report.started_at)
        session.add(run)
        session.flush()
        return int(run.id)


def _counts(report: MailboxReport) -> dict[str, Any]:
    return {
        "seen": report.seen,
        "stored": report.stored,
        "replies": report.replies,
        "already": report.already,
        "unreadable": report.unreadable,
    }


def _save_counts(engine: Engine, report: MailboxReport) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(MailboxRun).where(MailboxRun.id == report.run_id).values(**_counts(report))
        )


def _finish_run(engine: Engine, report: MailboxReport, *, error: str | None = None) -> None:
    report.finished_at = datetime.now(UTC)
    report.error = error
    with Session(engine) as session, session.begin():
        session.execute(
            update(MailboxRun)
            .where(MailboxRun.id == report.run_id)
            .values(finished_at=report.finished_at, error=error, **_counts(report))
        )


# The Home page -------------------------------------------------------------------------------
# A reader is missed once no reading succeeded for this many poll intervals, and at least
# STALE_AFTER_LEAST (cron runs every few minutes; a poll may take a while).
STALE_AFTER_POLLS = 3
STALE_AFTER_LEAST = timedelta(minutes=15)


@dataclass(frozen=True)
class MailboxStatus:
    """What the Home page shows of the mailbox reader: its last run, what came in, and whether
    it seems to have stopped."""

    configured: bool
    folder: str
    problem_folder: str
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_error: str | None = None
    # New messages (feedback, replies, unreadable ones) of the last run and of the last 24 h.
    last_came_in: int = 0
    last_unreadable: int = 0
    day_came_in: int = 0
    last_success_at: datetime | None = None
    stale: bool = False

    @property
    def has_run(self) -> bool:
        """Return whether the mailbox was ever read (or tried)."""
        return self.last_started_at is not None


def mailbox_status(
    session: Session, *, now: datetime, settings: Settings | None = None
) -> MailboxStatus:
    """Return the mailbox reader's status as of `now`: the last run, what came in on it and in
    the 24 hours before `now`, and whether no reading succeeded for too long."""
    settings = settings or get_settings()
    status = MailboxStatus(
        configured=mailbox_configured(settings),
        folder=settings.imap_folder,
        problem_folder=settings.imap_problem_folder,
    )
    last = session.scalars(
        select(MailboxRun).order_by(MailboxRun.started_at.desc(), MailboxRun.id.desc()).limit(1)
    ).first()
    if last is None:
        return status
    came_in = MailboxRun.stored + MailboxRun.replies + MailboxRun.unreadable
    day = session.scalar(
        select(func.coalesce(func.sum(came_in), 0)).where(
            MailboxRun.started_at >= now - timedelta(hours=24)
        )
    )
    success = session.scalar(
        select(func.max(MailboxRun.finished_at)).where(
            MailboxRun.finished_at.is_not(None), MailboxRun.error.is_(None)
        )
    )
    allowed = max(
        STALE_AFTER_POLLS * timedelta(seconds=settings.imap_poll_seconds), STALE_AFTER_LEAST
    )
    return replace(
        status,
        last_started_at=last.started_at,
        last_finished_at=last.finished_at,
        last_error=last.error,
        last_came_in=last.stored + last.replies + last.unreadable,
        last_unreadable=last.unreadable,
        day_came_in=int(day or 0),
        last_success_at=success,
        stale=success is None or now - success > allowed,
    )


REPLY_COLUMNS = ("received_at", "subject", "text")


def record_replies(session: Session, *, feedback_id: int, role: str | None) -> pd.DataFrame:
    """Return the customer's replies to one feedback, oldest first (REPLY_COLUMNS): the
    subject and text as `role` may see them (privacy redacts contacts for other roles)."""
    rows = session.execute(
        select(CustomerReply.received_at, CustomerReply.subject, CustomerReply.text)
        .where(CustomerReply.feedback_id == feedback_id)
        .order_by(CustomerReply.received_at, CustomerReply.id)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=list(REPLY_COLUMNS))
    frame["received_at"] = pd.to_datetime(frame["received_at"], utc=True)
    for name in ("subject", "text"):
        frame[name] = [privacy.text_for_viewer(str(value), role) for value in frame[name]]
    return frame
