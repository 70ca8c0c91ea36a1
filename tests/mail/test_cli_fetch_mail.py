"""`fetch-mail` on the command line, against a real Dovecot server: progress, summary, exit
statuses, and the password never printed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MAILBOX_PASSWORD, MAILBOX_USER, ROOT
from tests.mail.corpus import mailbox
from tests.mailservers import CuttingRelay, free_port
from tests.test_cli import cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def feedback_count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM feedback").fetchone()[0])


def test_fetch_mail_reads_the_mailbox_with_a_line_per_batch_and_a_summary(
    db: Path, mailbox_settings: Any
) -> None:
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mailbox(120, without_date_every=60)])
    done = cli("-v", "fetch-mail", db=db, env={"FEEDBACK_IMAP_BATCH": "50"})
    assert done.returncode == 1, done.stderr  # two messages without a Date
    lines = done.stderr.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("batch ")] == [
        "batch 1",
        "batch 2",
        "batch 3",
    ]
    assert (
        "Mailbox INBOX: 120 messages read, 118 new feedback, 0 replies, 0 already stored, "
        "2 unreadable (moved to the problem folder)."
    ) in lines
    assert "  message UID 1 cannot become a feedback: received_at" in done.stderr
    assert MAILBOX_PASSWORD not in done.stderr + done.stdout
    assert feedback_count(db) == 118

    again = cli("fetch-mail", db=db)
    assert again.returncode == 0, again.stderr
    assert "0 messages read, 0 new feedback" in again.stderr


def test_fetch_mail_without_settings_names_them(db: Path) -> None:
    done = cli("fetch-mail", db=db)
    assert done.returncode == 2
    assert "FEEDBACK_IMAP_HOST, FEEDBACK_IMAP_USER, FEEDBACK_IMAP_PASSWORD" in done.stderr
    assert "Traceback" not in done.stderr


def test_fetch_mail_says_when_the_server_cannot_be_reached(db: Path) -> None:
    env = {
        "FEEDBACK_IMAP_HOST": "127.0.0.1",
        "FEEDBACK_IMAP_PORT": str(free_port()),
        "FEEDBACK_IMAP_SECURITY": "none",
        "FEEDBACK_IMAP_USER": MAILBOX_USER,
        "FEEDBACK_IMAP_PASSWORD": "unreachable-secret-password",
    }
    done = cli("-v", "fetch-mail", db=db, env=env)
    assert done.returncode == 3
    assert "cannot reach the mailbox's server 127.0.0.1:" in done.stderr
    assert "unreachable-secret-password" not in done.stderr


def test_fetch_mail_with_a_wrong_password_says_what_to_check_and_never_prints_it(
    db: Path, mailbox_settings: Any
) -> None:
    wrong = "wrong-password-on-the-command-line"
    done = cli("-v", "fetch-mail", db=db, env={"FEEDBACK_IMAP_PASSWORD": wrong})
    assert done.returncode == 4
    assert "check FEEDBACK_IMAP_USER and FEEDBACK_IMAP_PASSWORD" in done.stderr
    assert wrong not in done.stderr + done.stdout
    with sqlite3.connect(db) as connection:
        (error,) = connection.execute("SELECT error FROM mailbox_runs").fetchone()
    assert "refused to sign in" in error and wrong not in error


def test_fetch_mail_after_a_dropped_connection_exits_3_and_the_next_run_gets_the_rest(
    db: Path, mailbox_settings: Any
) -> None:
    mails = mailbox(100)
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mails])
    relay = CuttingRelay(mailbox_settings.port, cut_after=sum(len(m.raw) for m in mails[:45]))
    relay.start()
    try:
        cut = cli(
            "fetch-mail",
            db=db,
            env={"FEEDBACK_IMAP_PORT": str(relay.port), "FEEDBACK_IMAP_BATCH": "20"},
        )
    finally:
        relay.stop()
    assert cut.returncode == 3, cut.stderr
    assert "the connection to the mailbox's server was lost" in cut.stderr
    assert "the next run reads the rest" in cut.stderr
    assert 0 < feedback_count(db) < 100

    direct = cli("fetch-mail", db=db)
    assert direct.returncode == 0, direct.stderr
    assert feedback_count(db) == 100
    assert mailbox_settings.folder_count(MAILBOX_USER, "INBOX") == 0


def test_fetch_mail_watch_stops_cleanly_on_sigterm(db: Path, mailbox_settings: Any) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "feedback_analytics", "fetch-mail", "--watch"],
        cwd=ROOT,
        env={**os.environ, "FEEDBACK_DB_URL": f"sqlite:///{db}"},
        stderr=subprocess.PIPE,
        text=True,
    )
    # Never hang the suite: a reader that does not stop is killed after a minute.
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    try:
        assert process.stderr is not None
        assert "Watching the mailbox's INBOX" in process.stderr.readline()
        mailbox_settings.deliver(MAILBOX_USER, [mailbox(1)[0].raw])
        line = ""
        while "1 new" not in line:
            line = process.stderr.readline()
            assert line, "the reader ended before it read the mail"
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        assert process.wait() == 0
    finally:
        watchdog.cancel()
    assert "Stopped watching the mailbox." in rest
    assert feedback_count(db) == 1


def test_with_auto_acknowledgement_on_each_customer_who_wrote_is_answered_at_once(
    db: Path, mailbox_settings: Any, smtp_settings: Any
) -> None:
    mails = mailbox(4)
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mails])
    done = cli("fetch-mail", db=db, env={"FEEDBACK_MAIL_AUTO_ACKNOWLEDGE": "true"})
    assert done.returncode == 0, done.stderr
    assert "acknowledged by e-mail: 4 sent" in done.stderr
    received = smtp_settings.wait_for(4)
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT f.id, f.external_id, c.email, f.acknowledged_at, o.status, o.created_by "
            "FROM feedback f JOIN customers c ON c.id = f.customer_id "
            "JOIN outbox o ON o.feedback_id = f.id ORDER BY f.id"
        ).fetchall()
    assert len(rows) == 4
    written_in = {m.message_id: "vi" if m.phrase.startswith("Mã") else "en" for m in mails}
    assert set(written_in.values()) == {"vi", "en"}
    for feedback_id, message_id, address, acknowledged_at, status, by in rows:
        (message,) = [m for m in received if m["X-Envelope-To"] == address]
        assert f"FB-{feedback_id}" in message["Subject"]
        # Each customer is answered in the language they wrote in.
        greeting = {"vi": "Kính gửi Quý khách", "en": "Dear customer"}[written_in[message_id]]
        assert greeting in message.get_content()
        assert acknowledged_at is not None  # counted by the figures
        assert (status, by) == ("sent", "auto-acknowledgement")
    again = cli("fetch-mail", db=db, env={"FEEDBACK_MAIL_AUTO_ACKNOWLEDGE": "true"})
    assert again.returncode == 0, again.stderr
    assert len(smtp_settings.messages) == 4  # nothing stored, nothing sent twice


def test_without_auto_acknowledgement_nothing_is_sent_on_arrival(
    db: Path, mailbox_settings: Any, smtp_settings: Any
) -> None:
    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mailbox(2)])
    done = cli("fetch-mail", db=db)
    assert done.returncode == 0, done.stderr
    assert "acknowledged" not in done.stderr
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert smtp_settings.messages == []
