"""The test mail servers themselves answer as mail servers do (what the mail tests stand on)."""

import smtplib
from email.message import EmailMessage

import pytest

from tests.conftest import MAILBOX_USER


def test_dovecot_keeps_what_is_delivered_to_the_mailbox(dovecot):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@b.test", MAILBOX_USER, "Xin chào"
    message.set_content("Tốc độ wifi chậm")
    assert dovecot.deliver(MAILBOX_USER, [message.as_bytes()]) == 1
    assert dovecot.folder_count(MAILBOX_USER, "INBOX") == 1


def test_smtp_sink_accepts_and_refuses_recipients(smtp_sink):
    smtp_sink.refuse("gone@customer.test")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = MAILBOX_USER, "ok@customer.test", "Hi"
    message.set_content("Body")
    with smtplib.SMTP("127.0.0.1", smtp_sink.port, timeout=10) as client:
        client.send_message(message)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.send_message(message, to_addrs=["gone@customer.test"])
    received = smtp_sink.wait_for(1)
    assert received[0]["Subject"] == "Hi"
    assert received[0]["X-Envelope-To"] == "ok@customer.test"
