"""`python -m feedback_analytics send-mail`: what it says and its exit statuses, against a real
SMTP server; the password never appears."""

from __future__ import annotations

from feedback_analytics.__main__ import main
from feedback_analytics.config import get_settings

PASSWORD = "s3cret-smtp-password-for-tests"


def test_sends_what_is_due_and_says_so(store, smtp_settings, capsys):
    assert main(["send-mail"]) == 0
    assert "Sent 2 messages; 0 refused for good; 0 wait for a retry." in capsys.readouterr().err
    assert len(smtp_settings.wait_for(2)) == 2
    assert main(["send-mail"]) == 0  # nothing left


def test_a_refused_recipient_exits_1(store, smtp_settings, capsys):
    smtp_settings.refuse("other@customer.test")
    assert main(["send-mail"]) == 1
    err = capsys.readouterr().err
    assert "Sent 1 message; 1 refused for good" in err
    assert "refused the customer's address (550" in err


def test_without_settings_exits_2(store, capsys):
    assert main(["send-mail"]) == 2
    assert "set FEEDBACK_SMTP_HOST and FEEDBACK_MAIL_FROM" in capsys.readouterr().err


def test_an_unreachable_server_exits_3(store, smtp_settings, capsys):
    smtp_settings.stop()
    assert main(["send-mail"]) == 3
    err = capsys.readouterr().err
    assert "could not be reached" in err and "stays queued" in err


def test_a_refused_login_exits_4_and_never_shows_the_password(
    store, smtp_settings, monkeypatch, capsys
):
    monkeypatch.setenv("FEEDBACK_SMTP_USER", "gopy")
    monkeypatch.setenv("FEEDBACK_SMTP_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    assert main(["-v", "send-mail"]) == 4
    out, err = capsys.readouterr()
    assert "login" in err
    assert PASSWORD not in out + err
