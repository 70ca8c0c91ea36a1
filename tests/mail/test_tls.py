"""TLS with the mail servers: the mailbox read and customers' mail sent over implicit TLS and
STARTTLS, each server's certificate checked against FEEDBACK_MAIL_CA_FILE (here a certificate
authority the tests make); a server no trusted authority vouches for, or whose certificate is
for another name, is refused with what to check, the password never shown."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from feedback_analytics.__main__ import main
from feedback_analytics.config import get_settings
from feedback_analytics.mail import inbox
from tests.conftest import MAILBOX_PASSWORD, MAILBOX_USER, running_dovecot
from tests.mail.corpus import mailbox
from tests.mail.helpers import outbox_rows
from tests.mail.test_cli_fetch_mail import feedback_count
from tests.mailservers import Certificates, SmtpSink, make_certificates
from tests.test_cli import cli

SMTP_PASSWORD = "s3cret-smtp-password-for-tls-tests"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A certificate authority of the tests' own, and a certificate it signed for 127.0.0.1
    and localhost."""
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def misnamed(tmp_path_factory: pytest.TempPathFactory, certificates: Certificates) -> Certificates:
    """A certificate the same authority signed for another name only."""
    return make_certificates(
        tmp_path_factory.mktemp("misnamed"),
        names=["DNS:mail.elsewhere.test"],
        ca=certificates.ca_file,
    )


@pytest.fixture
def tls_dovecot(certificates: Certificates) -> Iterator[Any]:
    """Dovecot offering STARTTLS on its port and implicit TLS on its imaps port."""
    with running_dovecot(certificates=certificates) as server:
        yield server


# --- The mailbox (IMAP) ----------------------------------------------------------------------
def imap_env(server: Any, security: str, *, host: str = "127.0.0.1") -> dict[str, str]:
    """Return the settings that read `server`'s mailbox over `security` (its port for it)."""
    return {
        "FEEDBACK_IMAP_HOST": host,
        "FEEDBACK_IMAP_PORT": str(server.imaps_port if security == "tls" else server.port),
        "FEEDBACK_IMAP_SECURITY": security,
        "FEEDBACK_IMAP_USER": MAILBOX_USER,
        "FEEDBACK_IMAP_PASSWORD": MAILBOX_PASSWORD,
    }


@pytest.mark.parametrize(("security", "host"), [("tls", "127.0.0.1"), ("starttls", "localhost")])
def test_fetch_mail_reads_the_mailbox_over_tls_checked_against_the_ca_file(
    tmp_path: Path, tls_dovecot: Any, certificates: Certificates, security: str, host: str
) -> None:
    tls_dovecot.deliver(MAILBOX_USER, [m.raw for m in mailbox(3)])
    env = {
        **imap_env(tls_dovecot, security, host=host),
        "FEEDBACK_MAIL_CA_FILE": str(certificates.ca_file),
    }
    done = cli("fetch-mail", db=tmp_path / "cli.db", env=env)
    assert done.returncode == 0, done.stderr
    assert "3 messages read, 3 new feedback" in done.stderr
    assert feedback_count(tmp_path / "cli.db") == 3


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_the_mailbox_connection_is_encrypted(
    tls_dovecot: Any,
    certificates: Certificates,
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    env = {**imap_env(tls_dovecot, security), "FEEDBACK_MAIL_CA_FILE": str(certificates.ca_file)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with inbox.connect() as client:
        connection = client.socket()
        assert isinstance(connection, ssl.SSLSocket)
        assert connection.server_hostname == "127.0.0.1"
        assert connection.version() in {"TLSv1.2", "TLSv1.3"}


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_fetch_mail_refuses_a_server_no_trusted_authority_vouches_for(
    tmp_path: Path, tls_dovecot: Any, security: str
) -> None:
    # No FEEDBACK_MAIL_CA_FILE: only the system's authorities, which never signed the test CA.
    tls_dovecot.deliver(MAILBOX_USER, [m.raw for m in mailbox(1)])
    done = cli("-v", "fetch-mail", db=tmp_path / "cli.db", env=imap_env(tls_dovecot, security))
    assert done.returncode == 3, done.stderr
    assert "the mailbox's server 127.0.0.1:" in done.stderr
    assert f"({security}) is not trusted: its certificate was refused" in done.stderr
    assert "Set FEEDBACK_MAIL_CA_FILE" in done.stderr
    assert "FEEDBACK_IMAP_HOST is a name the certificate is for" in done.stderr
    assert "Traceback" not in done.stderr
    assert MAILBOX_PASSWORD not in done.stdout + done.stderr
    assert tls_dovecot.folder_count(MAILBOX_USER, "INBOX") == 1


def test_fetch_mail_refuses_a_certificate_for_another_name(
    tmp_path: Path, misnamed: Certificates
) -> None:
    with running_dovecot(certificates=misnamed) as server:
        env = {**imap_env(server, "tls"), "FEEDBACK_MAIL_CA_FILE": str(misnamed.ca_file)}
        done = cli("fetch-mail", db=tmp_path / "cli.db", env=env)
    assert done.returncode == 3, done.stderr
    assert "its certificate was refused (IP address mismatch" in done.stderr
    assert MAILBOX_PASSWORD not in done.stdout + done.stderr


# --- The mail server (SMTP) ------------------------------------------------------------------
def running_sink(
    certificates: Certificates | None, security: str, monkeypatch: pytest.MonkeyPatch
) -> SmtpSink:
    """Start an SMTP server speaking `security` and point the settings at it; return it."""
    sink = SmtpSink(certificates=certificates, implicit=security == "tls").start()
    monkeypatch.setenv("FEEDBACK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FEEDBACK_SMTP_PORT", str(sink.port))
    monkeypatch.setenv("FEEDBACK_SMTP_SECURITY", security)
    monkeypatch.setenv("FEEDBACK_MAIL_FROM", f"Góp ý khách hàng <{MAILBOX_USER}>")
    get_settings.cache_clear()
    return sink


@pytest.fixture
def sinks() -> Iterator[list[SmtpSink]]:
    """The SMTP servers a test starts, stopped after it."""
    started: list[SmtpSink] = []
    yield started
    for sink in started:
        sink.stop()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_send_mail_delivers_over_tls_checked_against_the_ca_file(
    store: Engine,
    certificates: Certificates,
    sinks: list[SmtpSink],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    security: str,
) -> None:
    # The STARTTLS server refuses any mail before STARTTLS: delivery shows the upgrade.
    sinks.append(running_sink(certificates, security, monkeypatch))
    monkeypatch.setenv("FEEDBACK_MAIL_CA_FILE", str(certificates.ca_file))
    get_settings.cache_clear()
    assert main(["send-mail"]) == 0, capsys.readouterr().err
    assert "Sent 2 messages" in capsys.readouterr().err
    assert len(sinks[0].wait_for(2)) == 2
    assert {row.status for row in outbox_rows(store)} == {"sent"}


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_send_mail_refuses_a_server_no_trusted_authority_vouches_for(
    store: Engine,
    certificates: Certificates,
    sinks: list[SmtpSink],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    security: str,
) -> None:
    sinks.append(running_sink(certificates, security, monkeypatch))
    monkeypatch.setenv("FEEDBACK_SMTP_USER", "gopy")
    monkeypatch.setenv("FEEDBACK_SMTP_PASSWORD", SMTP_PASSWORD)
    get_settings.cache_clear()
    assert main(["-v", "send-mail"]) == 3
    out, err = capsys.readouterr()
    assert f"({security}) is not trusted: its certificate was refused" in err
    assert "Set FEEDBACK_MAIL_CA_FILE" in err
    assert "FEEDBACK_SMTP_HOST is a name the certificate is for" in err
    assert "stays queued" in err
    assert SMTP_PASSWORD not in out + err
    assert {row.status for row in outbox_rows(store)} == {"queued"}
    assert sinks[0].messages == []


def test_send_mail_refuses_a_certificate_for_another_name(
    store: Engine,
    misnamed: Certificates,
    sinks: list[SmtpSink],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sinks.append(running_sink(misnamed, "starttls", monkeypatch))
    monkeypatch.setenv("FEEDBACK_MAIL_CA_FILE", str(misnamed.ca_file))
    get_settings.cache_clear()
    assert main(["send-mail"]) == 3
    assert "its certificate was refused (IP address mismatch" in capsys.readouterr().err
    assert {row.status for row in outbox_rows(store)} == {"queued"}


def test_send_mail_over_starttls_to_a_server_without_it_sends_nothing_and_says_so(
    store: Engine,
    sinks: list[SmtpSink],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sinks.append(running_sink(None, "starttls", monkeypatch))
    # Not "the server offers no login" with exit 4, as smtplib's error read before.
    assert main(["send-mail"]) == 3
    err = capsys.readouterr().err
    assert "offers no STARTTLS" in err and "FEEDBACK_SMTP_SECURITY" in err
    assert "stays queued" in err
    assert {row.status for row in outbox_rows(store)} == {"queued"}
    assert sinks[0].messages == []


# --- A CA file that cannot be used -----------------------------------------------------------
@pytest.fixture(params=["missing", "not a certificate"])
def unusable_ca_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A FEEDBACK_MAIL_CA_FILE that names no file, or a file that holds no certificate."""
    path = tmp_path / "company-ca.pem"
    if request.param != "missing":
        path.write_text("not a certificate\n")
    return path


def test_fetch_mail_with_an_unusable_ca_file_names_the_setting(
    unusable_ca_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {
        "FEEDBACK_IMAP_HOST": "127.0.0.1",
        "FEEDBACK_IMAP_SECURITY": "tls",
        "FEEDBACK_IMAP_USER": MAILBOX_USER,
        "FEEDBACK_IMAP_PASSWORD": MAILBOX_PASSWORD,
        "FEEDBACK_MAIL_CA_FILE": str(unusable_ca_file),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    assert main(["fetch-mail"]) == 2
    out, err = capsys.readouterr()
    assert f"FEEDBACK_MAIL_CA_FILE ({unusable_ca_file}) cannot be read as certificates" in err
    assert MAILBOX_PASSWORD not in out + err


def test_send_mail_with_an_unusable_ca_file_names_the_setting_and_keeps_the_messages(
    store: Engine,
    unusable_ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FEEDBACK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FEEDBACK_MAIL_FROM", MAILBOX_USER)
    monkeypatch.setenv("FEEDBACK_MAIL_CA_FILE", str(unusable_ca_file))
    get_settings.cache_clear()
    assert main(["send-mail"]) == 2
    assert "FEEDBACK_MAIL_CA_FILE" in capsys.readouterr().err
    assert {row.status for row in outbox_rows(store)} == {"queued"}
