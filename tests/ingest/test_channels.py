"""Channel files (e-mails, hotline call logs, web form exports) converted and imported, on SQLite
and on PostgreSQL."""

from __future__ import annotations

import base64
import json
import unicodedata
from datetime import UTC, datetime
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from feedback_analytics.db import Feedback, ImportBatch, RejectedRow
from feedback_analytics.ingest import (
    FileUnreadable,
    convert,
    detect_kind,
    import_source,
    read_preview,
)
from feedback_analytics.ingest.channels import html_to_text, split_texts

SMTP = policy.SMTP.clone(linesep="\n")
TEMPLATE = (
    "Name: Trần Thị Bình\n"
    "Phone: 0912 345 678\n"
    "Product: VPN Client\n"
    "\n"
    "Current feature:\n"
    "The VPN client drops every hour.\n"
    "Then it asks for the password again.\n"
    "\n"
    "Proposal:\n"
    "Reconnect on its own.\n"
    "\n"
    "Reason:\n"
    "We lose our work.\n"
)


def message(
    number: int = 1,
    *,
    body: str = TEMPLATE,
    date: str | None = "Tue, 29 Sep 2026 10:15:00 +0700",
    subject: str = "[Feedback] VPN Client",
    message_id: str | None = "default",
) -> EmailMessage:
    """Return a plain-text message from Nguyễn Văn An."""
    mail = EmailMessage()
    mail["From"] = Address("Nguyễn Văn An", addr_spec="an@example.vn")
    mail["To"] = "gopy@example.com"
    mail["Subject"] = subject
    if date is not None:
        mail["Date"] = date
    if message_id is not None:
        mail["Message-ID"] = f"<m{number}.20260929@mail.example.vn>"
    mail.set_content(body)
    return mail


def mbox(*messages: EmailMessage) -> bytes:
    """Return the messages as an mbox mailbox."""
    out = b""
    for mail in messages:
        out += b"From an@example.vn Tue Sep 29 10:15:00 2026\n" + mail.as_bytes(policy=SMTP)
        out += b"\n"
    return out


def records(binary: bytes, kind: str = "email", name: str = "inbox.eml", **kw: Any) -> list:
    """Return the canonical records a channel file converts into."""
    converted = convert(binary, kind=kind, file_name=name, **kw)
    assert converted.format == "json"
    return json.loads(converted.data)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def stored(engine: Engine, channel: str) -> dict[str, Feedback]:
    with Session(engine, expire_on_commit=False) as session:
        found = session.scalars(select(Feedback).where(Feedback.channel == channel)).all()
        for record in found:
            _ = record.customer
        return {r.external_id: r for r in found}


# Pure rules -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("inbox.mbox", "email"),
        ("Góp ý.EML", "email"),
        ("calls.csv", "records"),
        ("export.json", "records"),
        ("feedback.xlsx", "records"),
        ("mbox", "records"),
    ],
)
def test_detect_kind_goes_by_the_extension(name: str, kind: str) -> None:
    assert detect_kind(name) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            TEMPLATE,
            {
                "customer_name": "Trần Thị Bình",
                "customer_phone": "0912 345 678",
                "product": "VPN Client",
                "preamble": "",
                "current_feature": "The VPN client drops every hour.\n"
                "Then it asks for the password again.",
                "proposal": "Reconnect on its own.",
                "reason": "We lose our work.",
            },
        ),
        (
            "Kính gửi công ty,\nHọ tên: Lê Văn Cường\n**Mô tả tính năng hiện tại:** Ứng dụng "
            "chậm\n## Đề xuất cải tiến\nThêm bộ nhớ đệm\nLÝ DO: khách phải chờ",
            {
                "customer_name": "Lê Văn Cường",
                "preamble": "Kính gửi công ty,",
                "current_feature": "Ứng dụng chậm",
                "proposal": "Thêm bộ nhớ đệm",
                "reason": "khách phải chờ",
            },
        ),
        (
            "1. mo ta tinh nang hien tai\nĐăng nhập lỗi\n2. __Improvement proposal__: Nhớ "
            "mật khẩu\n3. Ly do",
            {
                "preamble": "",
                "current_feature": "Đăng nhập lỗi",
                "proposal": "Nhớ mật khẩu",
                "reason": "",
            },
        ),
        (
            "Proposal: a dark theme\nProposal: bigger fonts",
            {
                "preamble": "",
                "current_feature": "",
                "proposal": "a dark theme\n\nbigger fonts",
                "reason": "",
            },
        ),
        ("The reason I write: the app is slow.\nName: An", None),
        ("", None),
    ],
    ids=["template", "vietnamese-markdown", "numbered-no-diacritics", "repeated", "none", "empty"],
)
def test_split_texts_by_headings(text: str, expected: dict[str, str] | None) -> None:
    assert split_texts(text) == expected


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (
            "<p>The <b>VPN</b>\n   drops</p><p>Line one<br>line two</p>",
            "The VPN drops\n\nLine one\nline two",
        ),
        (
            "<!DOCTYPE html><html><head><title>Mail</title><style>p {color: red}</style></head>"
            "<body><div><div>Gi&agrave;u &amp; ngh&egrave;o&nbsp;</div></div><ul><li>một</li>"
            "<li>hai</li></ul><script>alert(1)</script><!-- tracking --></body></html>",
            "Giàu & nghèo\n\nmột\nhai",
        ),
    ],
)
def test_html_to_text_keeps_what_a_reader_sees(html: str, text: str) -> None:
    assert html_to_text(html) == text


# E-mail conversion ----------------------------------------------------------------------------
def test_a_template_message_fills_the_three_texts_contact_and_product() -> None:
    mail = message()
    mail.add_alternative("<p>HTML copy that must not be used</p>", subtype="html")
    [record] = records(mail.as_bytes(policy=SMTP))
    assert record == {
        "external_id": "m1.20260929@mail.example.vn",
        "channel": "email",
        "received_at": "2026-09-29T10:15:00+07:00",
        "customer_name": "Trần Thị Bình",
        "customer_email": "an@example.vn",
        "customer_phone": "0912 345 678",
        "customer_address": "",
        "product": "VPN Client",
        "current_feature": "The VPN client drops every hour.\nThen it asks for the password again.",
        "proposal": "Reconnect on its own.",
        "reason": "We lose our work.",
    }


def test_an_html_only_message_is_read_as_text_and_split() -> None:
    mail = message(body="")
    mail.set_content(
        "<html><body><p><b>Mô tả tính năng hiện tại:</b> Trang thanh toán <i>treo</i></p>"
        "<p><b>Đề xuất cải tiến:</b></p><p>Hiện vòng quay<br>và nút thử lại</p>"
        "<p><b>Lý do:</b> khách bỏ giỏ hàng</p></body></html>",
        subtype="html",
    )
    [record] = records(mail.as_bytes(policy=SMTP))
    assert record["current_feature"] == "Trang thanh toán treo"
    assert record["proposal"] == "Hiện vòng quay\nvà nút thử lại"
    assert record["reason"] == "khách bỏ giỏ hàng"
    assert "<" not in json.dumps(record)


def cp1258(text: str) -> bytes:
    """Return text as Windows-1258 writes it: a letter it lacks is a letter plus a tone mark."""
    out = []
    for character in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", character)
        splits = [(character, "")] + [
            (unicodedata.normalize("NFC", parts[:i] + parts[i + 1 :]), parts[i])
            for i in range(1, len(parts))
        ]
        for letter, mark in splits:
            try:
                out.append((letter + mark).encode("cp1258"))
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(f"{character!r} cannot be written in Windows-1258")
    return b"".join(out)


VIETNAMESE_BODY = "Đề xuất cải tiến: Cho phép đổi mật khẩu\nLý do: Quên mật khẩu thường xuyên"


@pytest.mark.parametrize(
    ("charset", "transfer", "payload"),
    [
        ("utf-8", "base64", VIETNAMESE_BODY.encode()),
        ("utf-8", "quoted-printable", VIETNAMESE_BODY.encode()),
        ("windows-1258", "quoted-printable", cp1258(VIETNAMESE_BODY)),
        ("windows-1258", "base64", cp1258(VIETNAMESE_BODY)),
    ],
)
def test_encoded_bodies_are_decoded(charset: str, transfer: str, payload: bytes) -> None:
    mail = message()
    mail.set_content(payload, maintype="text", subtype="plain", cte=transfer)
    mail.set_param("charset", charset)
    raw = mail.as_bytes(policy=SMTP)
    assert b"mat kh" not in raw and "mật".encode() not in raw  # really encoded on the wire
    [record] = records(raw)
    assert record["proposal"] == "Cho phép đổi mật khẩu"
    assert record["reason"] == "Quên mật khẩu thường xuyên"
    assert record["current_feature"] == "[Feedback] VPN Client"  # no such section: the subject


def test_an_rfc_2047_vietnamese_subject_opens_a_text_without_headings() -> None:
    subject = "Góp ý: ứng dụng chạy chậm"
    encoded = "=?utf-8?b?" + base64.b64encode(subject.encode()).decode() + "?="
    raw = (
        "From: =?utf-8?q?Ph=E1=BA=A1m_Th=E1=BB=8B_Dung?= <dung@example.vn>\n"
        f"Subject: {encoded}\n"
        "Date: Wed, 30 Sep 2026 17:05:00 +0000\n"
        "Message-ID: <abc@example.vn>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Mở danh sách đơn hàng mất 20 giây.\n\n-- \nDung\n"
    ).encode()
    assert "ứng".encode() not in raw.split(b"\n\n")[0]
    [record] = records(raw)
    assert record["customer_name"] == "Phạm Thị Dung"
    assert (
        record["current_feature"] == f"{subject}\n\nMở danh sách đơn hàng mất 20 giây.\n\n-- \nDung"
    )
    assert record["received_at"] == "2026-09-30T17:05:00+00:00"


def test_attachments_never_reach_the_text() -> None:
    mail = MIMEMultipart("mixed")
    mail["From"] = "An <an@example.vn>"
    mail["Subject"] = Header("Lỗi khi in hoá đơn", "utf-8")
    mail["Date"] = "Thu, 01 Oct 2026 08:00:00 +0700"
    mail["Message-ID"] = "<with-attachments@example.vn>"
    mail.attach(MIMEText("Máy in báo lỗi 0x51.", "plain", "utf-8"))
    note = MIMEText("ATTACHED-NOTE should stay out", "plain", "utf-8")
    note.add_header("Content-Disposition", "attachment", filename="log.txt")
    mail.attach(note)
    pdf = MIMEApplication(b"%PDF-1.7 ATTACHED-PDF", "pdf")
    pdf.add_header("Content-Disposition", "attachment", filename="hoá đơn.pdf")
    mail.attach(pdf)
    [record] = records(mail.as_bytes())
    assert record["current_feature"] == "Lỗi khi in hoá đơn\n\nMáy in báo lỗi 0x51."
    assert "ATTACHED" not in json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize(
    ("date", "received_at"),
    [
        ("Tue, 29 Sep 2026 10:15:00 +0700", "2026-09-29T10:15:00+07:00"),
        ("29 Sep 2026 03:15:00 -0000", "2026-09-29T03:15:00+00:00"),  # UTC, zone unknown
        ("Tue, 29 Sep 2026 10:15:00", "2026-09-29T10:15:00"),  # no zone: company local time
        ("sometime last week", "sometime last week"),  # rejected by the canonical parser
    ],
)
def test_the_date_header_becomes_received_at(date: str, received_at: str) -> None:
    raw = f"From: an@example.vn\nSubject: VPN\nDate: {date}\nMessage-ID: <d@x>\n\nText\n"
    [record] = records(raw.encode())
    assert record["received_at"] == received_at


def test_a_message_without_message_id_gets_a_stable_fingerprint() -> None:
    raw = message(message_id=None).as_bytes(policy=SMTP)
    converted = convert(raw, kind="email", file_name="a.eml")
    again = convert(raw, kind="email", file_name="a.eml")
    [first], [second] = json.loads(converted.data), json.loads(again.data)
    assert first["external_id"] == second["external_id"]
    assert first["external_id"].startswith("sha256:") and len(first["external_id"]) == 71
    other = records(message(message_id=None, body="Another text").as_bytes(policy=SMTP))
    assert other[0]["external_id"] != first["external_id"]
    assert "message 1 has no Message-ID" in converted.warnings[0]


@pytest.mark.parametrize(
    ("kind", "name", "content", "says"),
    [
        ("email", "notes.eml", b"just some notes\nwithout headers\n", "is not an e-mail message"),
        ("email", "inbox.mbox", message().as_bytes(policy=SMTP), "is not an mbox mailbox"),
        ("email", "empty.mbox", b"\n", "the file is empty"),
        (
            "hotline",
            "calls.csv",
            b"time,caller,notes\n2026-10-01 09:00,0912345678,VPN\n",
            "lacks a column for call id",
        ),
        (
            "hotline",
            "calls.csv",
            "call id,time,phone,Số điện thoại,notes\n".encode(),
            "two columns for the same thing: 'phone' and 'Số điện thoại'",
        ),
        (
            "web_form",
            "export.json",
            b'{"form": "feedback", "count": 2}',
            "is not a web form export",
        ),
        ("web_form", "export.json", b"[{]", "is not valid JSON"),
        ("web_form", "export.json", b'{"submissions": []}', "holds no submission"),
        ("hotline", "calls.csv", b"call id,time,notes\n1,2026-10-01,\xff\xfe\n", "utf-8"),
    ],
)
def test_a_file_that_is_not_of_its_kind_is_unreadable(
    kind: str, name: str, content: bytes, says: str
) -> None:
    with pytest.raises(FileUnreadable, match=None) as raised:
        convert(content, kind=kind, file_name=name)
    assert says in str(raised.value)


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown"):
        convert(b"x", kind="fax", file_name="x")


# Importing e-mails ----------------------------------------------------------------------------
def test_an_mbox_imports_each_message_and_rejects_the_one_without_date(engine: Engine) -> None:
    box = mbox(message(1), message(2, date=None, body="Cannot export to PDF"), message(3))
    result = import_source(engine, box, file_name="inbox.mbox", kind="email")
    assert (result.read, result.inserted, result.rejected) == (3, 2, 1), result.errors
    [rejection] = result.rejections
    assert rejection.row == 2
    assert [(e.file, e.column) for e in rejection.errors] == [("inbox.mbox", "received_at")]
    assert rejection.raw["external_id"] == "m2.20260929@mail.example.vn"
    assert any("message 2 has no Date header" in w for w in result.warnings)

    records = stored(engine, "email")
    assert sorted(records) == ["m1.20260929@mail.example.vn", "m3.20260929@mail.example.vn"]
    first = records["m1.20260929@mail.example.vn"]
    assert first.received_at == datetime(2026, 9, 29, 3, 15, tzinfo=UTC)
    assert first.proposal == "Reconnect on its own." and first.product == "VPN Client"
    assert first.customer is not None and first.customer.name == "Trần Thị Bình"
    assert first.customer.email == "an@example.vn"
    with Session(engine) as session:
        batch = session.scalars(select(ImportBatch)).one()
        assert (batch.file_format, batch.file_name, batch.inserted) == ("email", "inbox.mbox", 2)
        assert session.scalars(select(RejectedRow.row_number)).all() == [2]

    again = import_source(engine, box, file_name="inbox.mbox", kind="email")
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 1)
    assert count(engine, Feedback) == 2


def test_a_dry_run_of_an_eml_writes_nothing(engine: Engine) -> None:
    result = import_source(
        engine, message().as_bytes(policy=SMTP), file_name="a.eml", kind="email", dry_run=True
    )
    assert (result.read, result.inserted) == (1, 1)
    assert count(engine, Feedback) == count(engine, ImportBatch) == 0


# Importing hotline call logs ------------------------------------------------------------------
CALL_LOG = (
    "Call ID,Time,Caller number,Agent,Notes,Duration\n"
    'C-1001,30/09/2026 14:05,0912345678,Lê Văn Cường,"Khách báo VPN rớt mạng.\n'
    'Muốn tự kết nối lại.",00:04:10\n'
    "C-1002,yesterday afternoon,0987654321,Lê Văn Cường,Wi-Fi yếu ở tầng 3,00:02:00\n"
    "\n"
    "C-1003,2026-10-01T09:30:00+07:00,0281234567,Phạm Thu,"
    '"Mô tả tính năng hiện tại: Hoá đơn điện tử gửi chậm\nĐề xuất cải tiến: Gửi ngay\n'
    'Lý do: Khách cần kê khai",00:06:30\n'
)


def test_a_call_log_imports_each_call_and_rejects_the_bad_time_by_its_row(engine: Engine) -> None:
    result = import_source(engine, CALL_LOG.encode(), file_name="calls.csv", kind="hotline")
    assert (result.read, result.inserted, result.rejected) == (3, 2, 1), result.errors
    [rejection] = result.rejections
    assert rejection.row == 3  # header 1, the two-line note of C-1001 is one row: 2
    assert [e.column for e in rejection.errors] == ["received_at"]
    assert "'yesterday afternoon'" in rejection.reason
    assert "call-log column 'Duration' is not used and was ignored" in result.warnings

    calls = stored(engine, "hotline")
    assert sorted(calls) == ["C-1001", "C-1003"]
    first = calls["C-1001"]
    assert first.received_at == datetime(2026, 9, 30, 7, 5, tzinfo=UTC)
    assert first.current_feature == "Khách báo VPN rớt mạng.\nMuốn tự kết nối lại."
    assert first.assignee == "Lê Văn Cường"
    assert first.customer is not None and first.customer.phone == "0912345678"
    third = calls["C-1003"]
    assert (third.current_feature, third.proposal, third.reason) == (
        "Hoá đơn điện tử gửi chậm",
        "Gửi ngay",
        "Khách cần kê khai",
    )
    with Session(engine) as session:
        assert session.scalars(select(ImportBatch.file_format)).one() == "hotline"

    again = import_source(engine, CALL_LOG.encode(), file_name="calls.csv", kind="hotline")
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 1)


def test_a_vietnamese_call_log_with_semicolons_in_windows_1258(engine: Engine) -> None:
    log = (
        "Mã cuộc gọi;Thời gian;Số gọi đến;Nhân viên;Ghi chú;Sản phẩm;Mức độ ưu tiên\n"
        "HL-7;01/10/2026 08:15:00;0901234567;Đỗ Hải;Không nhận được mã OTP;Ngân hàng số;cao\n"
        "HL-8;01/10/2026 08:20;0901234568;Đỗ Hải;Ứng dụng thoát đột ngột\n"
    )
    result = import_source(
        engine, cp1258(log), file_name="goi.csv", kind="hotline", encoding="windows-1258"
    )
    assert (result.inserted, result.rejected) == (1, 1), result.errors
    assert result.rejections[0].row == 3
    assert "has 5 fields but the header has 7" in result.rejections[0].reason
    assert result.rejections[0].raw["Mã cuộc gọi"] == "HL-8"
    [call] = stored(engine, "hotline").values()
    assert (call.external_id, call.current_feature, call.product, call.priority) == (
        "HL-7",
        "Không nhận được mã OTP",
        "Ngân hàng số",
        "high",
    )
    assert call.assignee == "Đỗ Hải"


def test_the_preview_of_a_call_log_shows_converted_rows_by_their_numbers() -> None:
    preview = read_preview(CALL_LOG.encode(), file_name="calls.csv", kind="hotline")
    assert list(preview.index) == [2, 3, 5]
    assert list(preview["external_id"]) == ["C-1001", "C-1002", "C-1003"]
    assert set(preview["channel"]) == {"hotline"}


# Importing web form exports -------------------------------------------------------------------
EXPORT = {
    "form": "Góp ý sản phẩm",
    "submissions": [
        {
            "id": 1042,
            "submitted_at": "2026-09-30T14:05:00+07:00",
            "contact": {"name": "Võ Minh", "email": "minh@example.vn", "phone": "0977000111"},
            "Sản phẩm": "Cổng thanh toán",
            "Mô tả tính năng hiện tại": "Thanh toán thẻ bị từ chối",
            "Đề xuất cải tiến": "Báo rõ lý do",
            "Lý do": "Khách không biết phải làm gì",
            "utm_source": "newsletter",
        },
        "not a submission",
        {
            "submission_id": "WF-1044",
            "created_at": "01/10/2026 10:00",
            "full_name": "Hồ Lan",
            "address": "5 Trần Phú, Đà Nẵng",
            "current_feature": "Không lưu được bản nháp",
        },
    ],
}


def test_a_web_form_export_imports_each_submission(engine: Engine) -> None:
    content = json.dumps(EXPORT, ensure_ascii=False).encode()
    result = import_source(engine, content, file_name="export.json", kind="web_form")
    assert (result.read, result.inserted, result.rejected) == (3, 2, 1), result.errors
    assert result.rejections[0].row == 2
    assert "is not a JSON object" in result.rejections[0].reason
    assert result.errors[0].file == "export.json"
    assert "submission key 'utm_source' is not used and was ignored" in result.warnings

    forms = stored(engine, "web_form")
    first = forms["1042"]
    assert (first.product, first.current_feature, first.proposal, first.reason) == (
        "Cổng thanh toán",
        "Thanh toán thẻ bị từ chối",
        "Báo rõ lý do",
        "Khách không biết phải làm gì",
    )
    assert first.customer is not None
    assert (first.customer.name, first.customer.email, first.customer.phone) == (
        "Võ Minh",
        "minh@example.vn",
        "0977000111",
    )
    last = forms["WF-1044"]
    assert last.received_at == datetime(2026, 10, 1, 3, 0, tzinfo=UTC)
    assert last.customer is not None and last.customer.address == "5 Trần Phú, Đà Nẵng"

    again = import_source(engine, content, file_name="export.json", kind="web_form")
    assert (again.inserted, again.unchanged, again.rejected) == (0, 2, 1)


def test_a_plain_array_export_is_a_web_form_export_too(engine: Engine) -> None:
    content = json.dumps(
        [{"id": "A", "submitted_at": "2026-10-01", "current_feature": "x"}, [1, 2]]
    ).encode()
    [record, _] = records(content, kind="web_form", name="export.txt")
    assert (record["external_id"], record["channel"]) == ("A", "web_form")
    result = import_source(engine, content, file_name="export.txt", kind="web_form")
    assert (result.inserted, result.rejected) == (1, 1)
    assert [(e.file, e.row) for e in result.errors] == [("export.txt", 2)]


def test_many_unused_call_log_columns_and_form_keys_give_one_warning_each(engine: Engine) -> None:
    # A call-centre export with dozens of columns the store does not use, and a form with as
    # many tracking keys: one warning names the first few instead of a wall of warnings.
    extra = [f"Extra {n}" for n in range(40)]
    log = "Call ID,Time,Notes," + ",".join(extra) + "\n"
    log += "C-9,2026-10-01 09:00,Mất mạng," + ",".join("x" for _ in extra) + "\n"
    calls = import_source(engine, log.encode(), file_name="wide.csv", kind="hotline")
    assert calls.inserted == 1
    assert calls.warnings == [
        "40 call-log columns are not used and were ignored: 'Extra 0', 'Extra 1', 'Extra 2', "
        "'Extra 3', 'Extra 4' and 35 more"
    ]
    form = [{"id": "F-9", "submitted_at": "2026-10-01", "current_feature": "x"}]
    form[0].update({f"utm_{n}": "y" for n in range(7)})
    forms = import_source(engine, json.dumps(form).encode(), file_name="form.json", kind="web_form")
    assert forms.inserted == 1
    assert forms.warnings == [
        "7 submission keys are not used and were ignored: 'utm_0', 'utm_1', 'utm_2', 'utm_3', "
        "'utm_4' and 2 more"
    ]


# The wrong file for the kind ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("email", "calls.csv", CALL_LOG.encode()),
        ("hotline", "inbox.mbox", mbox(message())),
        ("web_form", "calls.csv", CALL_LOG.encode()),
        ("hotline", "export.json", json.dumps(EXPORT).encode()),
    ],
)
def test_a_wrong_file_for_the_kind_is_unreadable_and_writes_nothing(
    engine: Engine, kind: str, name: str, content: bytes
) -> None:
    result = import_source(engine, content, file_name=name, kind=kind)
    assert result.unreadable is not None and result.unreadable.startswith(f"{name} ")
    assert "choose the kind of file it is" in result.unreadable
    assert (result.read, result.inserted, result.rejected) == (0, 0, 0)
    assert count(engine, Feedback) == count(engine, ImportBatch) == 0


# --- Messages as a mail server hands them (the dedicated mailbox) ------------------------------
@pytest.mark.parametrize("number", range(5))  # one message of each shape of the test mailbox
@pytest.mark.parametrize("without_date", [False, True])
def test_convert_messages_reads_each_message_as_its_eml_file_is_read(
    number: int, without_date: bool
) -> None:
    from feedback_analytics.ingest.channels import convert_messages, parse_message
    from tests.mail.corpus import mail

    raw = mail(number, without_date=without_date).raw
    as_eml = convert(raw, kind="email", file_name="message.eml")
    for parsed in (None, [parse_message(raw)]):
        from_server = convert_messages([raw], parsed=parsed)
        assert json.loads(from_server.data) == json.loads(as_eml.data)
        assert from_server.warnings == as_eml.warnings
        assert from_server.kind == "email" and not from_server.rejections


def test_convert_messages_keeps_each_message_at_its_number() -> None:
    from feedback_analytics.ingest.channels import convert_messages
    from tests.mail.corpus import mail

    converted = convert_messages([mail(1).raw, b"not an e-mail at all", mail(2).raw])
    records = json.loads(converted.data)
    assert [r["external_id"] for r in records] == [mail(1).message_id, "", mail(2).message_id]
    assert [(r.row, r.reason) for r in converted.rejections] == [
        (2, "is not an e-mail message: it has no From, Date or Subject header")
    ]
