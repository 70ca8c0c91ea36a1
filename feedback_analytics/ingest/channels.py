"""Channel files turned into canonical record files: e-mails, hotline call logs, web form exports.

A channel file is converted, in memory, into a canonical record file (METRICS.md) that the one
import pipeline then reads, checks and stores like any other; nothing here writes to the store.
Each converter keeps the numbering a person sees: message / submission N is JSON item N, and
call-log record N is CSV row N (header row 1). Idempotence comes from the canonical upsert by
(channel, external_id).

E-mail (`.eml`, one message, or `.mbox`, a mailbox) -> JSON, one object per message:

- external_id: the Message-ID without its angle brackets (longer than 200 characters: its
  "message-id-sha256:" digest). A message without one gets "sha256:" and the SHA-256 of its
  From, Date, Subject and text, so importing it again still finds it (a warning says so).
- received_at: the Date header (RFC 2822) in ISO 8601 with its offset; "-0000" is UTC, a date
  without a zone is company local time, an unreadable one is passed on as written, and no
  Date leaves it empty: either way that message is rejected, naming received_at.
- customer_name / customer_email: the From header's display name (RFC 2047 decoded) and address.
- The text: the text/plain part, else the text/html part as text (BeautifulSoup). Attachments
  and every other part are ignored; quoted replies and signatures are kept. Bodies are decoded
  (quoted-printable, base64, their charset; a part without one: UTF-8, else the chosen
  encoding); undecodable bytes become U+FFFD, with a warning. Windows-1258 text (e-mail or
  call log) is composed to NFC: that code page writes most tone marks as combining characters.

The web form's e-mail template, which the text is split by (a body without a section heading
goes whole, after the subject and a blank line, into current_feature):

    Subject: [Feedback] <product>

    Name: <customer name>            (or "Họ tên:")
    Email: <customer e-mail>         (or "E-mail:")
    Phone: <customer phone>          (or "Số điện thoại:")
    Address: <customer address>      (or "Địa chỉ:")
    Product: <product>               (or "Sản phẩm:")

    Current feature:                 (or "Mô tả tính năng hiện tại")
    <text, any number of lines>
    Proposal:                        (or "Improvement proposal:", "Đề xuất cải tiến")
    <text>
    Reason:                          (or "Lý do")
    <text>

- A section heading is a line holding only the heading, or the heading, ":" and the start of
  the section's text. Headings match ignoring case, diacritics and extra spaces; the colon,
  markdown bold/italics (`**`, `__`, `*`, `_`), a leading `#` and a list marker ("1.", "-")
  are optional. Sections may come in any order, or be missing; a section repeated is joined
  to the first by a blank line.
- Contact and product lines ("Label: value") count only before the first section heading, and
  then win over the From header. Other lines there (a greeting) open current_feature.
- current_feature empty after all: the subject.

Hotline call log (CSV, `,` or `;`, UTF-8 / BOM / UTF-16, or the chosen encoding) -> CSV, one
record per call-log record in the same order (blank records stay as blank records). Columns,
named in English or Vietnamese, matched ignoring case, diacritics, spaces, "_" and "-":

    call id (required)         call id, call_id, id, mã cuộc gọi            -> external_id
    time (required)            time, call time, start time, thời gian       -> received_at
    caller number              caller number, caller, phone, số gọi đến,
                               số điện thoại                                -> customer_phone
    agent                      agent, nhân viên                             -> assignee
    notes (required)           notes, note, ghi chú, nội dung               -> the three texts
    customer name, product, priority, department (optional; Vietnamese: tên khách hàng, sản
    phẩm, mức độ ưu tiên, bộ phận)

The agent who took the call becomes the assignee: that person is responsible for the feedback
until it is routed to someone else. Notes are split by the same section headings and contact
lines as an e-mail body (a column given wins over a contact line); without a heading they are
current_feature. The time is passed on as written: the canonical parser reads ISO 8601 and
dd/mm/yyyy HH:MM[:SS]. A record with more or fewer fields than the header is rejected here.

Web form export (JSON) -> JSON, one object per submission. The export is an array of
submissions, or an object holding that array under "submissions" (or "data", "items",
"results", "records"). A submission:

    {"id": "WF-1042", "submitted_at": "2026-09-30T14:05:00+07:00",
     "name": "...", "email": "...", "phone": "...", "address": "...",
     "product": "VPN Client",
     "current_feature": "...", "proposal": "...", "reason": "..."}

Keys match ignoring case, diacritics, spaces, "_" and "-", and may be the canonical names or
obvious aliases (submission_id; created_at, timestamp, thời gian gửi; full_name, họ tên;
số điện thoại; địa chỉ; sản phẩm; mô tả tính năng hiện tại; đề xuất cải tiến; lý do). The
contact may instead sit in a nested "contact" or "customer" object (name, email, phone,
address); a top-level key wins over it. Other keys are ignored with a warning.
"""

from __future__ import annotations

import codecs
import csv
import email.utils
import hashlib
import io
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import PurePath
from typing import Any, cast

from feedback_analytics.ingest.readers import (
    FORMATS,
    TOO_DEEP,
    cell_text,
    choose_encoding,
    scan,
    unused_names,
)
from feedback_analytics.ingest.results import FileUnreadable, Rejection, RowError
from feedback_analytics.ingest.values import CONTACT, FEEDBACK_TEXTS, MAX_EXTERNAL_ID, quoted

KINDS: tuple[str, ...] = ("records", "email", "hotline", "web_form")
EMAIL_SUFFIXES = (".eml", ".mbox")
# What each section heading and contact line fills, keyed by the folded label (see `fold`).
SECTION_HEADINGS: dict[str, str] = {
    "current feature": "current_feature",
    "mo ta tinh nang hien tai": "current_feature",
    "tinh nang hien tai": "current_feature",
    "proposal": "proposal",
    "improvement proposal": "proposal",
    "de xuat cai tien": "proposal",
    "de xuat": "proposal",
    "reason": "reason",
    "ly do": "reason",
}
FIELD_LABELS: dict[str, str] = {
    "name": "customer_name",
    "ho ten": "customer_name",
    "ho va ten": "customer_name",
    "email": "customer_email",
    "e mail": "customer_email",
    "phone": "customer_phone",
    "so dien thoai": "customer_phone",
    "dien thoai": "customer_phone",
    "address": "customer_address",
    "dia chi": "customer_address",
    "product": "product",
    "san pham": "product",
}
HOTLINE_COLUMNS: dict[str, tuple[str, ...]] = {
    "external_id": ("call id", "id", "ma cuoc goi", "external id"),
    "received_at": ("time", "call time", "start time", "thoi gian", "received at"),
    "customer_phone": (
        "caller number",
        "caller",
        "phone",
        "phone number",
        "so goi den",
        "so dien thoai",
        "customer phone",
    ),
    "assignee": ("agent", "nhan vien", "assignee"),
    "notes": ("notes", "note", "ghi chu", "noi dung"),
    "customer_name": ("customer name", "caller name", "ten khach hang", "ho ten"),
    "product": ("product", "san pham"),
    "priority": ("priority", "muc do uu tien", "uu tien"),
    "department": ("department", "bo phan", "phong ban"),
}
HOTLINE_REQUIRED = ("external_id", "received_at", "notes")
HOTLINE_HELP = "call id (or Mã cuộc gọi), time (or Thời gian) and notes (or Ghi chú)"
WEB_FORM_KEYS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "submission id", "external id", "ma"),
    "received_at": (
        "submitted at",
        "submitted",
        "created at",
        "timestamp",
        "received at",
        "thoi gian",
        "thoi gian gui",
        "ngay gui",
    ),
    "customer_name": ("name", "full name", "customer name", "ho ten", "ho va ten"),
    "customer_email": ("email", "e mail", "customer email"),
    "customer_phone": ("phone", "phone number", "customer phone", "so dien thoai", "dien thoai"),
    "customer_address": ("address", "customer address", "dia chi"),
    "product": ("product", "san pham"),
    "current_feature": ("current feature", "mo ta tinh nang hien tai", "tinh nang hien tai"),
    "proposal": ("proposal", "improvement proposal", "de xuat cai tien", "de xuat"),
    "reason": ("reason", "ly do"),
}
WEB_FORM_CONTAINERS = ("submissions", "data", "items", "results", "records")
WEB_FORM_NESTED = ("contact", "customer")
EMAIL_COLUMNS = ("external_id", "channel", "received_at", *CONTACT, "product", *FEEDBACK_TEXTS)
HOTLINE_OUT = (
    "external_id",
    "channel",
    "received_at",
    "customer_name",
    "customer_phone",
    "product",
    *FEEDBACK_TEXTS,
    "priority",
    "department",
    "assignee",
)
# Elements whose content a reader sees as a paragraph of its own, or as a line of its own.
_PARAGRAPHS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote")
_LINES = ("li", "tr", "dt", "dd", "hr")
_LIST_MARKER = re.compile(r"^\s*(?:[-•]|\d{1,2}[.)])\s+")
_DECORATION = " \t*_#`"


@dataclass
class Converted:
    """A channel file as a canonical record file, with what the conversion noticed."""

    kind: str
    data: bytes
    format: str  # the canonical format of `data`: "csv" or "json"
    digest: str  # SHA-256 of the channel file as given
    warnings: list[str] = field(default_factory=list)
    # Records that could not become a canonical row, numbered as the channel file shows them.
    rejections: list[Rejection] = field(default_factory=list)

    def reader_name(self, file_name: str) -> str:
        """Return the name the canonical reader reads `data` under, so it picks `format`."""
        if FORMATS.get(PurePath(file_name).suffix.lower()) == self.format:
            return file_name
        return f"{file_name}.{self.format}"


def detect_kind(file_name: str) -> str:
    """Return "email" for an .eml or .mbox file, else "records" (the caller says otherwise)."""
    return "email" if PurePath(file_name).suffix.lower() in EMAIL_SUFFIXES else "records"


def convert(binary: bytes, *, kind: str, file_name: str, encoding: str | None = None) -> Converted:
    """Return a channel file converted into a canonical record file.

    Raises FileUnreadable when the file is not what `kind` says it is.
    """
    if kind == "email":
        return convert_email(binary, file_name=file_name, encoding=encoding)
    if kind == "hotline":
        return convert_hotline(binary, file_name=file_name, encoding=encoding)
    if kind == "web_form":
        return convert_web_form(binary, encoding=encoding)
    raise ValueError(f"unknown channel file kind {kind!r}; expected one of {', '.join(KINDS[1:])}")


# Shared text rules ---------------------------------------------------------------------------
def fold(text: str) -> str:
    """Return a label as matched: no case, no diacritics, "_" and "-" as spaces, spaces single."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.split(r"[\s_\-]+", bare.casefold())).strip()


def _label(text: str) -> str:
    """Return a heading candidate without markdown decoration, list marker and colon, folded."""
    bare = _LIST_MARKER.sub("", text).strip(_DECORATION).rstrip(":：").strip(_DECORATION)
    return fold(bare)


def _heading(line: str, labels: Mapping[str, str]) -> tuple[str, str] | None:
    """Return (field, text after the heading) when the line starts with one of `labels`."""
    whole = labels.get(_label(line))
    if whole is not None:
        return whole, ""
    for colon in (":", "："):
        head, found, rest = line.partition(colon)
        if found and (name := labels.get(_label(head))) is not None:
            return name, rest.lstrip(_DECORATION)
    return None


def split_texts(text: str) -> dict[str, str] | None:
    """Return the three texts and the contact lines of a text with section headings, else None.

    The keys are canonical column names; "preamble" holds the other lines before the first
    heading. See the module docstring for the rules.
    """
    lines = text.splitlines()
    starts = [(i, h) for i, line in enumerate(lines) if (h := _heading(line, SECTION_HEADINGS))]
    if not starts:
        return None
    found: dict[str, str] = {}
    preamble: list[str] = []
    for line in lines[: starts[0][0]]:
        contact = _heading(line, FIELD_LABELS)
        if contact is not None and contact[1].strip():
            found.setdefault(contact[0], contact[1].strip())
        else:
            preamble.append(line)
    found["preamble"] = "\n".join(preamble).strip()
    ends = [i for i, _ in starts[1:]] + [len(lines)]
    sections: dict[str, list[str]] = {name: [] for name in FEEDBACK_TEXTS}
    for (start, (name, first)), end in zip(starts, ends, strict=True):
        body = "\n".join([first, *lines[start + 1 : end]]).strip()
        if body:
            sections[name].append(body)
    for name, parts in sections.items():
        found[name] = "\n\n".join(parts)
    return found


def _joined(*parts: str) -> str:
    return "\n\n".join(p for p in (part.strip() for part in parts) if p)


def _decode_check(binary: bytes, encoding: str | None) -> tuple[str, str]:
    """Return the text of a file and its SHA-256, or raise FileUnreadable saying where it
    stops decoding (the canonical reader's rules: BOM, else `encoding`, else UTF-8)."""
    codec = choose_encoding(binary[:4096], encoding)
    digest = scan(io.BytesIO(binary), codec)
    return _decode(binary, codec), digest


def _decode(binary: bytes, codec: str, errors: str = "strict") -> str:
    """Return bytes decoded; Windows-1258 text composed (NFC), as that code page writes most
    Vietnamese tone marks as combining characters, which search would otherwise miss."""
    text = binary.decode(codec, errors)
    return unicodedata.normalize("NFC", text) if codecs.lookup(codec).name == "cp1258" else text


# E-mail --------------------------------------------------------------------------------------
def convert_email(binary: bytes, *, file_name: str, encoding: str | None = None) -> Converted:
    """Return an .eml message or an mbox mailbox as canonical JSON, one object per message."""
    if not binary.strip():
        raise FileUnreadable("the file is empty: save the e-mail (.eml) or mailbox (.mbox) again")
    encoding = choose_encoding(b"", encoding) if encoding else None
    mailbox_file = PurePath(file_name).suffix.lower() == ".mbox" or _starts_as_mbox(binary)
    messages = list(_mbox_messages(binary) if mailbox_file else [parse_message(binary)])
    if not messages:
        raise FileUnreadable("holds no e-mail message: choose the mailbox that holds them")
    if not mailbox_file and not any(messages[0].get(h) for h in ("From", "Date", "Subject")):
        raise FileUnreadable(
            "is not an e-mail message: it has no From, Date or Subject header. Save the "
            "message from the mail program as .eml, or choose the kind of file it is"
        )
    converted = Converted("email", b"", "json", hashlib.sha256(binary).hexdigest())
    records = [
        _email_record(message, number, encoding=encoding, warnings=converted.warnings)
        for number, message in enumerate(messages, start=1)
    ]
    converted.data = json.dumps(records, ensure_ascii=False).encode("utf-8")
    return converted


def convert_messages(
    messages: Sequence[bytes],
    *,
    encoding: str | None = None,
    parsed: Sequence[EmailMessage] | None = None,
) -> Converted:
    """Return raw e-mail messages (as a mail server hands them) as canonical JSON: object N is
    message N, read exactly as an .eml file of it is; a message that is no e-mail at all is a
    rejection (its object left blank, so the numbers below it stay). `parsed` holds the same
    messages parsed already (parse_message), which saves parsing them again."""
    if parsed is not None and len(parsed) != len(messages):
        raise ValueError("parsed must hold the same messages as messages")
    encoding = choose_encoding(b"", encoding) if encoding else None
    digest = hashlib.sha256()
    for raw in messages:
        digest.update(hashlib.sha256(raw).digest())
    converted = Converted("email", b"", "json", digest.hexdigest())
    records: list[dict[str, str]] = []
    for number, raw in enumerate(messages, start=1):
        message = parse_message(raw) if parsed is None else parsed[number - 1]
        if not any(message.get(h) for h in ("From", "Date", "Subject")):
            reason = "is not an e-mail message: it has no From, Date or Subject header"
            converted.rejections.append(
                Rejection(number, {}, [RowError(f"message {number}", number, None, reason)])
            )
            records.append(dict.fromkeys(EMAIL_COLUMNS, ""))
            continue
        try:
            record = _email_record(message, number, encoding=encoding, warnings=converted.warnings)
        except Exception as exc:  # noqa: BLE001 - one unreadable message must not stop the rest
            reason = f"cannot be read as an e-mail message ({type(exc).__name__})"
            converted.rejections.append(
                Rejection(number, {}, [RowError(f"message {number}", number, None, reason)])
            )
            record = dict.fromkeys(EMAIL_COLUMNS, "")
        records.append(record)
    converted.data = json.dumps(records, ensure_ascii=False).encode("utf-8")
    return converted


def reply_parts(message: EmailMessage, *, encoding: str | None = None) -> dict[str, str]:
    """Return a message's external_id, received_at (ISO 8601; as written when unreadable, empty
    without a Date), subject and whole body text, as the e-mail import reads them."""
    warnings: list[str] = []
    subject = _header_text(message, "Subject", encoding)
    date_text = _raw_header(message, "Date", encoding)
    address = _sender(message, encoding)[1]
    body = _body_text(message, 1, encoding=encoding, warnings=warnings)
    return {
        "external_id": _message_id(message, 1, (address, date_text, subject, body), warnings),
        "received_at": _received_at(date_text, 1, warnings),
        "subject": subject,
        "text": body,
    }


def _starts_as_mbox(binary: bytes) -> bool:
    """Return whether the file opens with an mbox "From " separator line (not a header)."""
    return binary.lstrip(b"\r\n").startswith(b"From ")


def parse_message(binary: bytes) -> EmailMessage:
    """Return one raw e-mail message parsed (headers decoded as the e-mail import reads them)."""
    return cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(binary))


def _mbox_messages(binary: bytes) -> Iterator[EmailMessage]:
    """Yield the messages of an mbox mailbox in file order; raise FileUnreadable if not one."""
    import mailbox

    if not _starts_as_mbox(binary):
        raise FileUnreadable(
            "is not an mbox mailbox: an mbox starts with a line 'From <address> <date>'. "
            "Export the folder again as mbox, or choose the kind of file it is"
        )
    # mailbox reads from a path: a private temporary file, removed whatever happens.
    handle, path = tempfile.mkstemp(suffix=".mbox")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(binary)
        box = mailbox.mbox(path, create=False)
        try:
            for key in sorted(box.keys()):
                yield parse_message(box.get_bytes(key))
        finally:
            box.close()
    finally:
        os.unlink(path)


def _email_record(
    message: EmailMessage, number: int, *, encoding: str | None, warnings: list[str]
) -> dict[str, str]:
    """Return one message as a canonical record."""
    subject = _header_text(message, "Subject", encoding)
    date_text = _raw_header(message, "Date", encoding)
    name, address = _sender(message, encoding)
    body = _body_text(message, number, encoding=encoding, warnings=warnings)
    record = dict.fromkeys(EMAIL_COLUMNS, "")
    record.update(
        external_id=_message_id(message, number, (address, date_text, subject, body), warnings),
        channel="email",
        received_at=_received_at(date_text, number, warnings),
        customer_name=name,
        customer_email=address,
    )
    parts = split_texts(body)
    if parts is None:
        record["current_feature"] = _joined(subject, body)
        return record
    for column in (*CONTACT, "product", "proposal", "reason"):
        record[column] = parts.get(column) or record[column]
    record["current_feature"] = _joined(parts["preamble"], parts["current_feature"]) or subject
    return record


def _unescape(text: str, encoding: str | None) -> str:
    """Return header text whose undeclared 8-bit bytes are decoded (UTF-8, else `encoding`)."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    for codec in ("utf-8", encoding):
        if codec:
            try:
                return raw.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    return raw.decode("utf-8", "replace")


def _header_text(message: Message, name: str, encoding: str | None) -> str:
    value = message.get(name)
    return "" if value is None else _unescape(" ".join(str(value).split()), encoding)


def _raw_header(message: Message, name: str, encoding: str | None) -> str:
    """Return a header as written: the parsed Date header writes a date without a zone as
    "-0000" (UTC), which is not what the sender's program meant."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return _unescape(" ".join(str(value).split()), encoding)
    return ""


def _sender(message: EmailMessage, encoding: str | None) -> tuple[str, str]:
    """Return the From header's display name and address."""
    header = message.get("From")
    if header is None:
        return "", ""
    try:
        addresses = getattr(header, "addresses", ())
        if addresses:
            first = addresses[0]
            return (
                _unescape(first.display_name, encoding).strip(),
                _unescape(first.addr_spec, encoding).strip().strip("<>"),
            )
    except (IndexError, ValueError, AttributeError):
        pass
    name, address = email.utils.parseaddr(str(header))
    return _unescape(name, encoding).strip(), _unescape(address, encoding).strip()


def _message_id(
    message: Message, number: int, identity: tuple[str, ...], warnings: list[str]
) -> str:
    """Return the Message-ID without angle brackets, or a stable fingerprint of the message."""
    found = " ".join(str(message.get("Message-ID", "")).split()).strip().strip("<>").strip()
    if found:
        if len(found) <= MAX_EXTERNAL_ID:
            return found
        return "message-id-sha256:" + hashlib.sha256(found.encode()).hexdigest()
    warnings.append(
        f"message {number} has no Message-ID: its external_id is a fingerprint of its sender, "
        "date, subject and text, so importing it again finds it, but an edited copy of it "
        "counts as another message"
    )
    return "sha256:" + hashlib.sha256("\x1f".join(identity).encode()).hexdigest()


def _received_at(date_text: str, number: int, warnings: list[str]) -> str:
    """Return the Date header as ISO 8601, or as written when it cannot be read."""
    if not date_text:
        warnings.append(
            f"message {number} has no Date header, so it has no received_at and is rejected: "
            "import it from a copy that keeps its Date, or enter it by hand"
        )
        return ""
    try:
        when = email.utils.parsedate_to_datetime(date_text)
    except (TypeError, ValueError, IndexError):
        return date_text
    if when.tzinfo is None and re.search(r"-0000\b", date_text):
        when = when.replace(tzinfo=UTC)  # RFC 5322: UTC, the sender's zone unknown
    # Without a zone, canonical import reads it as company local time.
    return when.isoformat()


def _body_text(
    message: EmailMessage, number: int, *, encoding: str | None, warnings: list[str]
) -> str:
    """Return the message's text: its plain text part, else its HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _part_text(part, number, encoding=encoding, warnings=warnings)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def _part_text(part: Message, number: int, *, encoding: str | None, warnings: list[str]) -> str:
    """Return a text part's content, its transfer encoding and charset decoded."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    declared = _codec(part.get_content_charset())
    if part.get_content_charset() and declared is None:
        warnings.append(
            f"message {number} declares the charset '{part.get_content_charset()}', which is "
            f"not known: its text was read as {encoding or 'utf-8'}"
        )
    for codec in dict.fromkeys(c for c in (declared, "utf-8", encoding) if c):
        try:
            text = _decode(payload, codec)
        except UnicodeDecodeError:
            continue
        if declared and codec != declared:
            warnings.append(
                f"message {number} declares the charset {declared} but its text is not: it "
                f"was read as {codec}"
            )
        return text
    fallback = declared or encoding or "utf-8"
    warnings.append(
        f"message {number}: part of its text is not valid {fallback}; the unreadable "
        "characters were replaced by �"
    )
    return _decode(payload, fallback, "replace")


def _codec(name: str | None) -> str | None:
    """Return Python's name of a charset, or None when it is absent or unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def html_to_text(html: str) -> str:
    """Return the text a person reads in an HTML body: paragraphs and line breaks kept."""
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head", "title"]):
        hidden.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for node in soup.find_all(string=True):
        # Plain text only: a doctype or CDATA is a string too, and get_text leaves it out.
        if type(node) is NavigableString and node.find_parent("pre") is None:
            node.replace_with(NavigableString(re.sub(r"\s+", " ", str(node))))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for element in soup.find_all(_PARAGRAPHS):
        element.insert_before(NavigableString("\n\n"))
        element.insert_after(NavigableString("\n\n"))
    for element in soup.find_all(_LINES):
        element.insert_before(NavigableString("\n"))
    lines = [line.strip() for line in soup.get_text().split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# Hotline call log ----------------------------------------------------------------------------
def convert_hotline(binary: bytes, *, file_name: str, encoding: str | None = None) -> Converted:
    """Return a hotline call log as canonical CSV, one record per call-log record."""
    text, digest = _decode_check(binary, encoding)
    if not text.strip():
        raise FileUnreadable("the file is empty: export the call log again with its header row")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileUnreadable(f"is not a readable CSV call log: {exc}") from exc
    header = records[0]
    positions, warnings = _hotline_header(header)
    converted = Converted("hotline", b"", "csv", digest, warnings)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HOTLINE_OUT)
    for number, cells in enumerate(records[1:], start=2):
        blank = all(not c.strip() for c in cells)
        if not blank and len(cells) != len(header):
            converted.rejections.append(_ragged(file_name, number, header, cells, delimiter))
        if blank or len(cells) != len(header):
            writer.writerow([""] * len(HOTLINE_OUT))  # keeps the rows below at their numbers
            continue
        writer.writerow(_call_record(cells, positions))
    converted.data = out.getvalue().encode("utf-8")
    return converted


def _hotline_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Return where each call-log field sits, or raise FileUnreadable for a wrong header."""
    aliases = {fold(a): name for name, names in HOTLINE_COLUMNS.items() for a in names}
    positions: dict[str, int] = {}
    unused: list[str] = []
    for index, title in enumerate(header):
        name = aliases.get(fold(title))
        if name is None:
            if title.strip():
                unused.append(title.strip())
            continue
        if name in positions:
            raise FileUnreadable(
                f"the call log has two columns for the same thing: "
                f"{quoted(header[positions[name]].strip())} and {quoted(title.strip())} (columns "
                f"{positions[name] + 1} and {index + 1}): keep one of them"
            )
        positions[name] = index
    missing = [n for n in HOTLINE_REQUIRED if n not in positions]
    if missing:
        found = ", ".join(h.strip() for h in header if h.strip()) or "nothing"
        raise FileUnreadable(
            f"is not a hotline call log: its header row lacks a column for "
            f"{', '.join(missing).replace('external_id', 'call id').replace('received_at', 'time')}"
            f" (it holds: {found[:300]}). A call log needs {HOTLINE_HELP}; or choose the kind "
            "of file it is"
        )
    return positions, unused_names(unused, "call-log column")


def _call_record(cells: list[str], positions: dict[str, int]) -> list[str]:
    """Return one call as a row of HOTLINE_OUT."""
    given = {name: cells[index].strip() for name, index in positions.items()}
    notes = cells[positions["notes"]].strip()
    record = dict.fromkeys(HOTLINE_OUT, "")
    parts = split_texts(notes)
    if parts is None:
        record["current_feature"] = notes
    else:
        for column in ("customer_name", "customer_phone", "product", "proposal", "reason"):
            record[column] = parts.get(column, "")
        record["current_feature"] = _joined(parts["preamble"], parts["current_feature"])
    for column in HOTLINE_OUT:
        if given.get(column):
            record[column] = given[column]
    record["channel"] = "hotline"
    return [record[c] for c in HOTLINE_OUT]


def _ragged(
    file_name: str, number: int, header: list[str], cells: list[str], delimiter: str
) -> Rejection:
    raw = {
        (header[i] if i < len(header) else f"(extra {i + 1})") or f"(column {i + 1})": cell
        for i, cell in enumerate(cells)
    }
    reason = (
        f"the row has {len(cells)} fields but the header has {len(header)}: check for a missing "
        f"or extra '{delimiter}' or an unclosed quote"
    )
    return Rejection(number, raw, [RowError(file_name, number, None, reason)], cells)


# Web form export -----------------------------------------------------------------------------
def convert_web_form(binary: bytes, *, encoding: str | None = None) -> Converted:
    """Return a web form's JSON export as canonical JSON, one object per submission."""
    text, digest = _decode_check(binary, encoding)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileUnreadable(
            f"is not a web form export: it is not valid JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}). Export the form's responses as JSON again, or choose the "
            "kind of file it is"
        ) from exc
    except RecursionError:
        raise FileUnreadable(f"is not a web form export: it {TOO_DEEP}") from None
    submissions = _submissions(document)
    if not submissions:
        raise FileUnreadable("the web form export holds no submission")
    converted = Converted("web_form", b"", "json", digest)
    aliases = {fold(a): name for name, names in WEB_FORM_KEYS.items() for a in names}
    aliases.update({fold(name): name for name in WEB_FORM_KEYS})
    unknown: dict[str, None] = {}
    records = [_submission(item, aliases, unknown) for item in submissions]
    converted.warnings += unused_names(list(unknown), "submission key")
    converted.data = json.dumps(records, ensure_ascii=False).encode("utf-8")
    return converted


def _submissions(document: Any) -> list[Any]:
    """Return the submissions of an export, or raise FileUnreadable for another document."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in WEB_FORM_CONTAINERS:
            if isinstance(document.get(key), list):
                return cast(list[Any], document[key])
    raise FileUnreadable(
        "is not a web form export: expected an array of submissions, or an object holding "
        'that array under "submissions" (or "data" or "items"). Export the form\'s responses '
        "as JSON again, or choose the kind of file it is"
    )


def _submission(item: Any, aliases: dict[str, str], unknown: dict[str, None]) -> Any:
    """Return one submission as a canonical object; anything but an object passes unchanged,
    so that the canonical reader rejects it with its row number."""
    if not isinstance(item, dict):
        return item
    record: dict[str, Any] = dict.fromkeys(EMAIL_COLUMNS, "")
    record["channel"] = "web_form"
    nested: list[tuple[str, str, Any]] = []
    for key, value in item.items():
        name = aliases.get(fold(key))
        if name is None and fold(key) in WEB_FORM_NESTED and isinstance(value, dict):
            nested.extend((f"{key.strip()}.{k.strip()}", k, v) for k, v in value.items())
        elif name is None:
            unknown.setdefault(key.strip())
        else:
            _fill(record, name, value)
    for path, key, value in nested:
        name = aliases.get(fold(f"customer {key}")) or aliases.get(fold(key))
        if name in CONTACT:
            _fill(record, cast(str, name), value)
        else:
            unknown.setdefault(path)
    return record


def _fill(record: dict[str, Any], name: str, value: Any) -> None:
    """Set a canonical key from a submission's value unless an earlier key set it."""
    if record[name] == "" and value not in (None, ""):
        # A list or an object passes on, for the canonical reader to reject with its reason.
        record[name] = value if isinstance(value, dict | list) else cell_text(value)
