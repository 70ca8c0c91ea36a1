"""Reading the dedicated mailbox (mail/inbox.py) from a real Dovecot server into a real store."""

from __future__ import annotations

import subprocess
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from feedback_analytics.config import get_settings
from feedback_analytics.db.models import (
    AuditEvent,
    Customer,
    CustomerReply,
    Feedback,
    ImportBatch,
    MailboxRun,
    OutboxMessage,
)
from feedback_analytics.mail import feedback_reference
from feedback_analytics.mail.inbox import (
    MailboxLoginRefused,
    MailboxNotConfigured,
    MailboxReport,
    MailboxUnreachable,
    fetch_mail,
    mailbox_status,
    watch,
)
from tests.conftest import MAILBOX_PASSWORD, MAILBOX_USER
from tests.mail.corpus import Mail, mailbox
from tests.mail.helpers import add_mailbox_run

DONE = "Feedback stored"
PROBLEM = "Feedback unreadable"


def counts(server: Any) -> tuple[int, int, int]:
    """Return how many messages INBOX, the done and the problem folder hold."""
    inbox, done, problem = (server.folder_count(MAILBOX_USER, f) for f in ("INBOX", DONE, PROBLEM))
    return inbox, done, problem


def stored_texts(engine: Engine) -> dict[str, str]:
    """Return the stored e-mail feedback's current_feature by external_id."""
    with Session(engine) as session:
        rows = session.execute(
            select(Feedback.external_id, Feedback.current_feature).where(
                Feedback.channel == "email"
            )
        )
        return {row.external_id: row.current_feature for row in rows}


def set_env(monkeypatch: pytest.MonkeyPatch, **values: Any) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"FEEDBACK_{name.upper()}", str(value))
    get_settings.cache_clear()


def reply(*, subject: str, text: str, in_reply_to: str | None = None, number: int = 1) -> bytes:
    """Return a customer's answer to one of our messages."""
    message = EmailMessage()
    message["From"] = f"Lê Thu Hà <ha.{number}@customer.test>"
    message["To"] = MAILBOX_USER
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 20, 3, number, tzinfo=UTC))
    message["Message-ID"] = f"<reply-{number}@customer.test>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
        message["References"] = f"<older@feedback.test> <{in_reply_to}>"
    message.set_content(text, cte="quoted-printable")
    return message.as_bytes()


def test_a_mailbox_of_500_messages_becomes_feedback_and_a_second_run_stores_nothing_new(
    sqlite_engine: Engine, mailbox_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_env(monkeypatch, imap_batch=50)
    mails = mailbox(500, without_date_every=100)
    valid = [m for m in mails if m.valid]
    assert len(valid) == 495
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mails])
    seen: list[int] = []

    report = fetch_mail(sqlite_engine, progress=lambda r: seen.append(r.batches))

    assert (report.seen, report.stored, report.already, report.unreadable) == (500, 495, 0, 5)
    assert report.replies == 0 and report.error is None
    assert seen == list(range(1, 11))  # a progress call per batch of 50
    assert counts(mailbox_settings) == (0, 495, 5)
    texts = stored_texts(sqlite_engine)
    assert set(texts) == {m.message_id for m in valid}
    for m in valid:
        assert m.phrase in texts[m.message_id], m.shape
    assert len(report.feedback_ids) == 495
    assert all("received_at" in p and "UID" in p for p in report.problems)
    with Session(sqlite_engine) as session:
        # The sender, as the .eml import reads it: the From header's name and address.
        customer = session.scalars(
            select(Customer).join(Feedback).where(Feedback.external_id == mails[1].message_id)
        ).one()
        assert (customer.name, customer.email) == ("Jane Doe 1", "jane.1@customer.test")
        batches = session.scalars(select(ImportBatch)).all()
        assert len(batches) == 10
        assert {b.source for b in batches} == {"mailbox"}
        assert sum(b.inserted for b in batches) == 495
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
        assert len(events) == 10
        assert {e.actor for e in events} == {f"mailbox {MAILBOX_USER}"}

    # The same messages again (a crash after the commit, before the move, leaves them so).
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mails])
    again = fetch_mail(sqlite_engine)
    assert (again.seen, again.stored, again.already, again.unreadable) == (500, 0, 495, 5)
    assert counts(mailbox_settings) == (0, 990, 10)
    # And a run over an empty folder reads nothing.
    empty = fetch_mail(sqlite_engine)
    assert (empty.seen, empty.stored) == (0, 0)
    assert len(stored_texts(sqlite_engine)) == 495
    with Session(sqlite_engine) as session:
        runs = session.scalars(select(MailboxRun).order_by(MailboxRun.id)).all()
    assert [(r.seen, r.stored, r.already, r.unreadable) for r in runs] == [
        (500, 495, 0, 5),
        (500, 0, 495, 5),
        (0, 0, 0, 0),
    ]
    assert all(r.finished_at is not None and r.error is None for r in runs)


@pytest.mark.parametrize("readers", [2])
def test_two_readers_at_once_store_each_message_once_and_lose_none(
    engine: Engine, mailbox_settings: Any, monkeypatch: pytest.MonkeyPatch, readers: int
) -> None:
    set_env(monkeypatch, imap_batch=15)
    mails = mailbox(150, without_date_every=50)
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mails])
    reports: list[MailboxReport] = []
    failures: list[BaseException] = []
    start = threading.Barrier(readers)

    def read() -> None:
        start.wait()
        try:
            reports.append(fetch_mail(engine))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            failures.append(exc)

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not failures
    assert sum(r.stored for r in reports) == 147
    assert sorted(set().union(*(r.feedback_ids for r in reports))) == sorted(
        i for r in reports for i in r.feedback_ids
    )
    assert set(stored_texts(engine)) == {m.message_id for m in mails if m.valid}
    assert counts(mailbox_settings) == (0, 147, 3)


def test_a_reply_to_our_message_or_naming_the_feedback_is_kept_with_it(
    sqlite_engine: Engine, mailbox_settings: Any
) -> None:
    first: list[Mail] = mailbox(2)
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in first])
    fetch_mail(sqlite_engine)
    with Session(sqlite_engine) as session, session.begin():
        feedback = {
            f.external_id: f.id for f in session.scalars(select(Feedback).order_by(Feedback.id))
        }
        answered = feedback[first[0].message_id]
        numbered = feedback[first[1].message_id]
        session.add(
            OutboxMessage(
                feedback_id=answered,
                step="acknowledge",
                step_key=f"acknowledge:{answered}",
                channel="email",
                language="vi",
                subject="Chúng tôi đã nhận góp ý của bạn",
                body="...",
                message_id="ack-1@feedback.test",
                status="sent",
                created_at=datetime.now(UTC),
                created_by="staff@example.test",
            )
        )
        before = {
            f.id: f.updated_at for f in session.scalars(select(Feedback).order_by(Feedback.id))
        }
    replies = [
        reply(
            subject="Re: Chúng tôi đã nhận góp ý của bạn",
            text="Cảm ơn anh chị, lỗi vẫn còn vào buổi tối.",
            in_reply_to="ack-1@feedback.test",
            number=1,
        ),
        reply(
            subject=f"Re: [{feedback_reference(numbered)}] your feedback",
            text="Thanks, it works now.",
            number=2,
        ),
        # A number that names no feedback: a new feedback like any other.
        reply(subject="About FB-99999", text="A new idea: dark mode.", number=3),
    ]
    mailbox_settings.deliver(MAILBOX_USER, replies)

    report = fetch_mail(sqlite_engine)

    assert (report.seen, report.replies, report.stored, report.unreadable) == (3, 2, 1, 0)
    assert counts(mailbox_settings) == (0, 5, 0)
    with Session(sqlite_engine) as session:
        kept = session.scalars(select(CustomerReply).order_by(CustomerReply.id)).all()
        assert [(r.feedback_id, r.message_id, r.text) for r in kept] == [
            (answered, "reply-1@customer.test", "Cảm ơn anh chị, lỗi vẫn còn vào buổi tối."),
            (numbered, "reply-2@customer.test", "Thanks, it works now."),
        ]
        assert kept[1].subject == f"Re: [FB-{numbered}] your feedback"
        assert kept[0].received_at == datetime(2026, 11, 20, 3, 1, tzinfo=UTC)
        assert session.scalar(select(func.count()).select_from(Feedback)) == 3
        after = {f.id: f.updated_at for f in session.scalars(select(Feedback))}
        assert after[answered] > before[answered] and after[numbered] > before[numbered]
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "feedback.reply")
        ).all()
        assert sorted(e.feedback_id for e in events) == sorted([answered, numbered])
        # No personal data in the log: the reply's number, where it came from.
        assert all(set(e.details) == {"reply", "origin"} for e in events)

    mailbox_settings.deliver(MAILBOX_USER, replies[:2])
    again = fetch_mail(sqlite_engine)
    assert (again.replies, again.already, again.stored) == (0, 2, 0)
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(CustomerReply)) == 2


def test_a_server_that_drops_the_connection_mid_batch_leaves_nothing_half_stored(
    sqlite_engine: Engine, mailbox_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.mailservers import CuttingRelay

    mails = mailbox(120)
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mails])
    # The cut falls in the third batch of 20: two are stored and moved first.
    size = sum(len(m.raw) for m in mails[:50])
    relay = CuttingRelay(mailbox_settings.port, cut_after=size).start()
    try:
        set_env(monkeypatch, imap_port=relay.port, imap_batch=20)
        with pytest.raises(MailboxUnreachable, match="connection to the mailbox's server was lost"):
            fetch_mail(sqlite_engine)
    finally:
        relay.stop()
    inbox, done, problem = counts(mailbox_settings)
    stored = stored_texts(sqlite_engine)
    # What left INBOX was committed first; nothing was stored of the batch the cut fell in.
    assert 0 < done < 120 and problem == 0 and inbox + done == 120
    assert len(stored) >= done
    with Session(sqlite_engine) as session:
        run = session.scalars(select(MailboxRun)).one()
    assert run.error and "lost" in run.error and run.finished_at is not None

    set_env(monkeypatch, imap_port=mailbox_settings.port)
    report = fetch_mail(sqlite_engine)
    assert report.stored + report.already == inbox
    assert counts(mailbox_settings) == (0, 120, 0)
    assert set(stored_texts(sqlite_engine)) == {m.message_id for m in mails}


def test_a_wrong_password_is_refused_without_showing_it(
    sqlite_engine: Engine, mailbox_settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    caplog.set_level("DEBUG")
    set_env(monkeypatch, imap_password="wrong-password-for-tests")
    with pytest.raises(MailboxLoginRefused) as refused:
        fetch_mail(sqlite_engine)
    message = str(refused.value)
    assert "FEEDBACK_IMAP_USER and FEEDBACK_IMAP_PASSWORD" in message
    with Session(sqlite_engine) as session:
        run = session.scalars(select(MailboxRun)).one()
    for shown in (message, caplog.text, run.error or ""):
        assert "wrong-password-for-tests" not in shown
    assert run.error == message


def test_the_password_never_reaches_a_log(
    sqlite_engine: Engine, mailbox_settings: Any, caplog: Any
) -> None:
    caplog.set_level("DEBUG")
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mailbox(3)])
    assert fetch_mail(sqlite_engine).stored == 3
    assert any(r.name.startswith("imapclient") for r in caplog.records)  # it logs commands
    assert MAILBOX_PASSWORD not in caplog.text


def test_missing_settings_and_an_unreachable_server_say_what_to_check(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(MailboxNotConfigured, match="FEEDBACK_IMAP_HOST, FEEDBACK_IMAP_USER"):
        fetch_mail(sqlite_engine)
    from tests.mailservers import free_port

    set_env(
        monkeypatch,
        imap_host="127.0.0.1",
        imap_port=free_port(),
        imap_security="none",
        imap_user=MAILBOX_USER,
        imap_password="nobody-listens",
    )
    with pytest.raises(MailboxUnreachable, match="FEEDBACK_IMAP_HOST, FEEDBACK_IMAP_PORT"):
        fetch_mail(sqlite_engine)


def test_watch_reads_mail_as_it_arrives_and_stops_when_told(
    sqlite_engine: Engine, mailbox_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_env(monkeypatch, imap_poll_seconds=1)
    stop = threading.Event()
    arrived: list[int] = []
    news = threading.Event()

    def on_stored(ids: list[int]) -> None:
        arrived.extend(ids)
        if len(arrived) >= 4:
            news.set()

    reader = threading.Thread(
        target=watch, kwargs={"engine": sqlite_engine, "on_stored": on_stored, "stop": stop}
    )
    reader.start()
    try:
        mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mailbox(2)])
        mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mailbox(4)[2:]])
        assert news.wait(60), arrived
    finally:
        stop.set()
        reader.join(timeout=30)
    assert not reader.is_alive()
    assert sorted(arrived) == [1, 2, 3, 4]
    assert counts(mailbox_settings) == (0, 4, 0)


def test_mailbox_status_notices_a_stopped_or_failing_reader(sqlite_engine: Engine) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with Session(sqlite_engine) as session:
        assert not mailbox_status(session, now=now).has_run

    def run(minutes_ago: float, *, error: str | None = None, stored: int = 0) -> None:
        at = now - timedelta(minutes=minutes_ago)
        add_mailbox_run(sqlite_engine, at=at, error=error, stored=stored)

    run(60 * 30, stored=7)  # 30 hours ago: not in the last 24 hours
    run(60 * 5, stored=4)
    run(10, stored=2)
    with Session(sqlite_engine) as session:
        status = mailbox_status(session, now=now)
    assert (status.last_came_in, status.day_came_in, status.stale) == (2, 6, False)
    run(5, error="the connection to the mailbox's server was lost")
    with Session(sqlite_engine) as session:
        status = mailbox_status(session, now=now)
    assert status.last_error and status.last_success_at == now - timedelta(minutes=10)
    assert not status.stale  # one failed run in ten minutes: not yet stopped
    with Session(sqlite_engine) as session:
        later = mailbox_status(session, now=now + timedelta(minutes=20))
    assert later.stale


def test_watch_reconnects_after_the_server_dropped_it(
    sqlite_engine: Engine, mailbox_settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    set_env(monkeypatch, imap_poll_seconds=1)
    stop = threading.Event()
    arrived: list[int] = []
    news = [threading.Event(), threading.Event()]

    def on_stored(ids: list[int]) -> None:
        arrived.extend(ids)
        news[len(arrived) - 1].set()

    reader = threading.Thread(
        target=watch, kwargs={"engine": sqlite_engine, "on_stored": on_stored, "stop": stop}
    )
    reader.start()
    try:
        mailbox_settings.deliver(MAILBOX_USER, [mailbox(1)[0].raw])
        assert news[0].wait(60)
        # The server drops the reader's connection (Dovecot's own admin tool).
        kicked = subprocess.run(
            ["doveadm", "-c", str(mailbox_settings.root / "dovecot.conf"), "kick", MAILBOX_USER],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert kicked.returncode == 0, kicked.stderr
        mailbox_settings.deliver(MAILBOX_USER, [mailbox(2)[1].raw])
        assert news[1].wait(60), arrived
    finally:
        stop.set()
        reader.join(timeout=30)
    assert not reader.is_alive()
    assert arrived == [1, 2]
    assert "trying again in 5 s" in caplog.text
    assert MAILBOX_PASSWORD not in caplog.text
