"""Personal data: the one module that decides what a viewer sees of a feedback record's
customer details, and of contact details customers type into their own words.

Masked forms keep what is useful for work and hide what identifies a person:

- name: the last word (the given name in Vietnamese order) shrinks to its initial, words of 4+
  characters keep 2 characters, shorter words keep 1, one-letter words stay: "Nguyễn Văn An" ->
  "Ng*** V** A". A one-word name keeps its initial only: "An" -> "A***".
- phone: a leading "+", the first 2 and the last 2 digits; every other digit becomes "*" and
  separators go: "0912 345 678" -> "09******78", "+84 912 345 678" -> "+84*******78" (so the
  country code, "84", stays and the network prefix does not). Under 5 digits: all "*".
- email: the first character of the local part and the whole domain: "k***@example.vn".
- address: only the last comma-separated part, the province or city: "***, TP. Hồ Chí Minh".

Redaction finds, inside free text, the e-mail addresses and the Vietnamese phone numbers people
type: mobile (03/05/07/08/09 and 8 more digits) and landline (02 and 9 more digits) numbers,
whole or grouped by spaces, dots or dashes, with the area code in brackets, or with +84 / 84 in
place of the leading 0. Every such number or address is replaced by its masked form, so the text
still reads naturally. Amounts, dates, times, versions, percentages and order ids stay as typed:
a number is taken for a phone only when its digit count and prefix are those of a Vietnamese
phone, it is not glued to other digits by a date or amount separator, and its groups use one
separator throughout.

The `phonenumbers` library finds the same numbers but takes about 0.25 s per 100,000 characters
of number-heavy text; the patterns below take about 10 ms, so logs and whole columns can go
through them. RedactingFilter and install_log_redaction apply the same masking to log output.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import overload

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_analytics.access import CONTACT, REVEAL, can
from feedback_analytics.audit import record_event
from feedback_analytics.db.models import Customer, Feedback
from feedback_analytics.errors import ActionableError

_STARS = "***"

# Separators people put between digit groups; one kind per number (see _masked_phone).
_SEPARATOR = r"[ .\-\u00a0]"


def _digits(count: int) -> str:
    """Return a pattern of `count` digits, each optionally preceded by a separator."""
    return rf"(?:{_SEPARATOR}?[0-9]){{{count}}}"


def _bracketed(first: str, more: int, total: int) -> str:
    """Return a pattern of a `total`-digit national number with its area code in brackets.

    The area code is 0, a digit of class `first` and `more` digits: (028), (0236), (091).
    """
    rest = total - 2 - more
    return rf"\(0{first}[0-9]{{{more}}}\)[ \u00a0]?[0-9]{_digits(rest - 1)}"


# Significant number (without the leading 0): mobile 9 digits, landline 10 digits starting 2.
_SIGNIFICANT = rf"(?:[35789]{_digits(8)}|2{_digits(9)})"
_PHONE = re.compile(
    rf"""
    (?=[0-9+(])                        # lets the engine skip ahead to where a number may start
    (?<![\w+])(?<![0-9][.,/:\-])       # not the tail of a word, amount, date or id
    (?:
        (?:\+84|\(\+84\)|84){_SEPARATOR}?(?:\(0\){_SEPARATOR}?)?{_SIGNIFICANT}
      | 0{_SIGNIFICANT}
      | {_bracketed("2", 1, 11)} | {_bracketed("2", 2, 11)}
      | {_bracketed("[35789]", 1, 10)} | {_bracketed("[35789]", 2, 10)}
    )
    (?!\w)(?![.,/:\-][0-9])            # not the head of a longer number, date, time or id
    """,
    re.VERBOSE,
)
_PHONE_PREFIX = re.compile(r"^(?:\(?\+84\)?|84|\(0[0-9]+\))[ .\-\u00a0]?(?:\(0\))?")
# local@domain.tld in any script; the address ends before a closing full stop.
_EMAIL = re.compile(r"(?<![\w.+%\-])[\w.+%\-]+@(?:[\w\-]+\.)+[^\W\d_]{2,}(?!\w)")
_DIGIT = re.compile(r"[0-9]")
_MIGHT_HOLD_CONTACT = re.compile(r"[0-9@]")


@overload
def mask_name(name: str) -> str: ...
@overload
def mask_name(name: None) -> None: ...
def mask_name(name: str | None) -> str | None:
    """Return the name with each word shortened as the module describes ("Ng*** V** A")."""
    if name is None:
        return None
    words = unicodedata.normalize("NFC", name).split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + _STARS
    return " ".join([*(_mask_word(w) for w in words[:-1]), words[-1][0]])


def _mask_word(word: str) -> str:
    if len(word) >= 4:
        return word[:2] + _STARS
    return word[0] + "*" * (len(word) - 1)


@overload
def mask_phone(phone: str) -> str: ...
@overload
def mask_phone(phone: None) -> None: ...
def mask_phone(phone: str | None) -> str | None:
    """Return the phone number as its first 2 and last 2 digits around "*" ("09******78")."""
    if phone is None:
        return None
    if not phone.strip():
        return ""
    digits = re.sub(r"[^0-9]", "", phone)
    if len(digits) < 5:
        # Too short to show any digit safely; a value without digits still reads as hidden.
        return "*" * len(digits) or _STARS
    plus = "+" if phone.lstrip().lstrip("(").startswith("+") else ""
    return plus + digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


@overload
def mask_email(email: str) -> str: ...
@overload
def mask_email(email: None) -> None: ...
def mask_email(email: str | None) -> str | None:
    """Return the address as the local part's first character, "***@" and the domain."""
    if email is None:
        return None
    text = unicodedata.normalize("NFC", email.strip())
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(c.isspace() for c in text):
        return text[0] + _STARS  # not an address: hide all but the first character
    return f"{local[0]}{_STARS}@{domain}"


@overload
def mask_address(address: str) -> str: ...
@overload
def mask_address(address: None) -> None: ...
def mask_address(address: str | None) -> str | None:
    """Return "***, " and the address's last comma-separated part (its province or city)."""
    if address is None:
        return None
    parts = [p.strip() for p in unicodedata.normalize("NFC", address).split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    # One part may as well be a street as a city: show nothing of it.
    return _STARS if len(parts) == 1 else f"{_STARS}, {parts[-1]}"


def redact_contacts(text: str) -> str:
    """Return the text with every phone number and e-mail address in it masked."""
    if "@" in text:
        # Addresses first: the digits of "0912345678@gmail.com" are part of an address.
        text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    if _DIGIT.search(text):
        text = _PHONE.sub(_masked_phone, text)
    return text


def _masked_phone(match: re.Match[str]) -> str:
    found = match.group()
    body = _PHONE_PREFIX.sub("", found).lstrip(" .-\u00a0")
    separators = set(re.findall(_SEPARATOR, body.replace("\u00a0", " ")))
    # "05.03.2026 1234 ..." has the digits of a phone but two kinds of separator.
    return found if len(separators) > 1 else mask_phone(found)


def redact_series(texts: pd.Series) -> pd.Series:
    """Return the texts with contacts masked; missing values and other values stay as they are."""
    if texts.empty or not (
        pd.api.types.is_object_dtype(texts) or pd.api.types.is_string_dtype(texts)
    ):
        return texts.copy()
    # Most feedback holds neither a digit nor '@': only those that do go through the patterns.
    candidates = texts.str.contains(_MIGHT_HOLD_CONTACT.pattern, regex=True, na=False)
    candidates = candidates.astype(bool)
    redacted = texts.copy()
    if candidates.any():
        redacted[candidates] = [redact_contacts(t) for t in texts[candidates]]
    return redacted


class RedactingFilter(logging.Filter):
    """A logging filter that masks contacts in a record's message and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Return True (never drops a record) after masking contacts in its text."""
        # Masking is idempotent, so a record that passes a logger's and a handler's filter is
        # simply masked twice.
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            return True  # a malformed call: let the handler report it as logging always does
        record.msg, record.args = redact_contacts(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_contacts(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_contacts(record.stack_info)
        return True


_LOG_FILTER = RedactingFilter()


def install_log_redaction(*names: str) -> None:
    """Attach one RedactingFilter to the root and "feedback_analytics" loggers and their handlers,
    and to those of the loggers `names` (the app adds "streamlit", which has its own handler).

    Calling it again adds nothing. A logger's filters see only records logged on that very
    logger, not those its children propagate to it, so it is the filters on the handlers that
    mask what `logging.getLogger("feedback_analytics.ingest")` writes. Handlers added after this
    call are not covered: call it once logging is configured.
    """
    targets: list[logging.Filterer] = []
    for name in (None, "feedback_analytics", *names):
        logger = logging.getLogger(name)
        targets += [logger, *logger.handlers]
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(_LOG_FILTER)


# --- What a viewer sees -------------------------------------------------------------------
# Every page, table and download passes records through `for_viewer` (or one text through
# `text_for_viewer`), and the contact of one record is read only by `record_contact`.

CONTACT_MASKS: dict[str, Callable[[str], str]] = {
    "customer_name": mask_name,
    "customer_phone": mask_phone,
    "customer_email": mask_email,
    "customer_address": mask_address,
}


def sees_contacts(role: str | None) -> bool:
    """Return True when `role` handles feedback and so sees contact data as given."""
    return can(role, CONTACT)


def for_viewer(frame: pd.DataFrame, role: str | None) -> pd.DataFrame:
    """Return the records as `role` may see them.

    For a role without the contact right, the customer_* columns are masked and every text
    column has the phone numbers and e-mail addresses typed into it redacted (any text column:
    a customer's words can reach an id, a comment or a theme's example).
    """
    if sees_contacts(role):
        return frame
    shown = frame.copy()
    for name in shown.columns:
        column = shown[name]
        if name in CONTACT_MASKS:
            shown[name] = column.map(
                lambda v, mask=CONTACT_MASKS[name]: mask(v) if isinstance(v, str) else v
            )
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            shown[name] = redact_series(column)
    return shown


def text_for_viewer(text: str, role: str | None) -> str:
    """Return one customer text as `role` may see it."""
    return text if sees_contacts(role) else redact_contacts(text)


def record_contact(
    session: Session, feedback_id: int, role: str | None, *, revealed: bool = False
) -> dict[str, str | None] | None:
    """Return the contact of one feedback's customer as `role` sees it: as given when the role
    handles feedback or the viewer revealed this record (a logged act, see `reveal`), masked
    otherwise. None when the feedback has no customer."""
    return record_contacts(session, [feedback_id], role, revealed=revealed).get(feedback_id)


def record_contacts(
    session: Session, feedback_ids: Sequence[int], role: str | None, *, revealed: bool = False
) -> dict[int, dict[str, str | None]]:
    """Return feedback id -> its customer's contact as `role` sees it (see record_contact), for
    the feedback that has a customer."""
    rows = session.execute(
        select(Feedback.id, Customer.name, Customer.phone, Customer.email, Customer.address)
        .join(Feedback, Feedback.customer_id == Customer.id)
        .where(Feedback.id.in_([int(i) for i in feedback_ids]))
    ).all()
    contacts = {}
    for feedback_id, *values in rows:
        contact = dict(zip(CONTACT_MASKS, values, strict=True))
        if not (sees_contacts(role) or revealed):
            contact = {k: CONTACT_MASKS[k](v) if v else v for k, v in contact.items()}
        contacts[int(feedback_id)] = contact
    return contacts


MIN_REASON = 10


def reveal(session: Session, feedback_id: int, *, actor: str, role: str, reason: str) -> None:
    """Log that `actor` reveals the contact of one feedback, and why (the caller commits).

    Only a role with the reveal right may; the reason must say why in a few words."""
    if not can(role, REVEAL):
        raise ActionableError(f"the role {role} cannot reveal personal data")
    stated = " ".join(reason.split())
    if len(stated) < MIN_REASON:
        raise ActionableError(
            f"state why you need the contact data (at least {MIN_REASON} characters)"
        )
    record_event(
        session,
        actor=actor,
        action="reveal",
        feedback_id=feedback_id,
        details={"reason": redact_contacts(stated)[:500]},
    )
