"""A mailbox of feedback e-mails as customers send them, in Vietnamese and English: plain text
in quoted-printable or base64, HTML only, with attachments, with broken headers, and a few
without a Date (which cannot become a feedback). Used by the tests and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

START = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
SHAPES = ("vi-qp", "en-base64", "html-only", "attachment", "broken-headers")


@dataclass(frozen=True)
class Mail:
    """A message of the mailbox and what its feedback must hold."""

    raw: bytes
    message_id: str  # without angle brackets
    phrase: str  # a text its feedback's current_feature holds
    shape: str
    valid: bool  # False: no Date, so it goes to the problem folder


def phrase(number: int) -> str:
    """Return the words only message `number` says (Vietnamese on even, English on odd)."""
    if number % 2 == 0:
        return f"Mã {number}: ứng dụng chạy rất chậm khi mở báo cáo tháng, nhất là buổi tối"
    return f"Ref {number}: the app is very slow when opening the monthly report"


def mail(number: int, *, without_date: bool = False, domain: str = "customer.test") -> Mail:
    """Return message `number` of the corpus (its shape follows the number)."""
    shape = SHAPES[number % len(SHAPES)]
    message_id = f"m{number}.{shape}@{domain}"
    words = phrase(number)
    when = format_datetime(START + timedelta(minutes=7 * number))
    if shape == "broken-headers":
        # Undeclared 8-bit UTF-8 in From and Subject, an unclosed address, a broken
        # encoded word, a header line without a colon, and a body of undeclared charset.
        date = b"" if without_date else f"Date: {when}\r\n".encode()
        raw = (
            f"From: Nguyễn Thị Hoà <hoa.{number}@{domain}\r\n".encode()
            + b"To: gopy@feedback.test\r\n"
            + f"Subject: Góp ý =?utf-8?B?broken?= số {number}\r\n".encode()
            + date
            + f"Message-ID: <{message_id}>\r\n".encode()
            + b"X-Broken header line without colon\r\n"
            + b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
            + words.encode()
            + b"\r\n"
        )
        return Mail(raw, message_id, words, shape, not without_date)
    message = EmailMessage()
    vietnamese = number % 2 == 0
    message["From"] = (
        f"Trần Văn Bình {number} <binh.{number}@{domain}>"
        if vietnamese
        else f"Jane Doe {number} <jane.{number}@{domain}>"
    )
    message["To"] = "gopy@feedback.test"
    message["Subject"] = f"Góp ý số {number}" if vietnamese else f"Feedback number {number}"
    if not without_date:
        message["Date"] = when
    message["Message-ID"] = f"<{message_id}>"
    if shape == "vi-qp":
        message.set_content(f"Xin chào,\n\n{words}.\n\nCảm ơn!", cte="quoted-printable")
    elif shape == "en-base64":
        message.set_content(f"Hello,\n\n{words}.\n\nThanks", cte="base64")
    elif shape == "html-only":
        message.set_content(
            f"<html><body><p>Xin chào,</p><p><b>{words}</b>.</p></body></html>",
            subtype="html",
            cte="quoted-printable",
        )
    else:
        message.set_content(
            f"Current feature:\n{words}.\nProposal:\nCache the report.\nReason:\nWe wait.",
            cte="quoted-printable",
        )
        message.add_attachment(
            b"%PDF-1.4 screenshot", maintype="application", subtype="pdf", filename="ảnh chụp.pdf"
        )
    return Mail(message.as_bytes(), message_id, words, shape, not without_date)


def mailbox(
    count: int, *, without_date_every: int = 0, domain: str = "customer.test"
) -> list[Mail]:
    """Return `count` messages; every `without_date_every`-th (from the first) has no Date."""
    return [
        mail(
            n,
            without_date=bool(without_date_every) and n % without_date_every == 0,
            domain=domain,
        )
        for n in range(count)
    ]
