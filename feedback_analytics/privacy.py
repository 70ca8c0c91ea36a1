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

Redaction finds, inside free text and log lines, the phone numbers and e-mail addresses people
type, and replaces each with its masked form, so the text still reads naturally:

- phone numbers, as the `phonenumbers` library (Google's libphonenumber metadata) finds them with
  PhoneNumberMatcher, region VN and leniency VALID: Vietnamese mobile and landline numbers
  written with 0, 84, +84, 0084 or (+84), whole or in groups of any size split by spaces, dots,
  dashes or brackets, mixed or not ("0912.345 678", "091 234.5678", "0 912 345 678",
  "(028) 3823 4567"); and foreign numbers written with "+" or "00" ("+1 415 555 2671",
  "+44 20 7946 0958"). Where the matcher leaves 9 or more digits, their space-separated groups
  are tried in turn (longest first) with phonenumbers.parse: two grouped numbers with only a
  space between them, which the matcher reads as one, are found so; and so is a Vietnamese
  mobile (9 digits from 3/5/7/8/9 after the 0) or landline (10 digits from 2) in a range the
  metadata does not list (0890-0895, 0992). A run with digits for two numbers is also read by
  groups first, and the reading that masks more digits is kept.
- e-mail addresses, also with a quoted local part ("quoted name"@example.com) or an address
  literal as domain (an@[192.0.2.1]).

The search reads the text normalised: NFKC (full-width "０９１２" and "＋" become ASCII ones,
decomposed letters compose) with invisible characters removed (zero-width space, non-joiner and
joiner, word joiner, BOM, soft hyphen, direction marks); a letter ends a number, so in
"sdt0912345678" the number is found. Each mask is put back in place of the characters it was
found in, mapped back from the normalised text; everything else stays exactly as written, and a
text without a contact is returned as it came.

Amounts, dates, times, versions, percentages and order ids stay as typed: dates are set aside
before the search (phonenumbers would take "09.03.2026 10:30" for a phone, and miss the one
typed after "30/09/2026"); a number must be valid for phonenumbers (or shaped as a Vietnamese
one, above) and written with "+", a leading 0 or its country code, so "912345678",
"1234567890" and the company lines "1900 1234" stay; digits grouped in thousands by dots or
commas and followed by đ, đồng, VND or USD are an amount. Not found: names and postal addresses
typed in a text, numbers spelled out in words, a number broken over two lines, and a foreign
number written without its country code ("(415) 555-2671").

Speed (CPU time, measured on 100,000 demo records): a text reaches phonenumbers only when it
holds a run of 9 or more digits starting with 0 or 84 (8 after a "+"); the others pass a few
regular expressions, as fast as the hand-written patterns this replaced (100,000 descriptions,
half of them with digits and none with a phone: 0.20 s, as before). Each run phonenumbers reads
costs about 0.06 ms: 100,000 reasons of which 1,598 hold a phone take 0.16 s (0.07 s before),
the whole 100,000 records as a manager sees them 2.1 s (1.7 s before), and 100,000 characters
full of distinct phone numbers 0.07 s (0.01 s before). The last 4,096 runs read are remembered,
as logs repeat numbers; a run of junk such as "0 0 0 ..." costs up to about 1 s per 100,000
characters.

RedactingFilter and install_log_redaction apply the same masking to log output.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import overload

import pandas as pd
import phonenumbers
from phonenumbers import Leniency, PhoneNumber
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_analytics.access import CONTACT, REVEAL, can
from feedback_analytics.audit import record_event
from feedback_analytics.db.models import Customer, Feedback
from feedback_analytics.errors import ActionableError

_STARS = "***"

# Characters that show nothing yet sit inside a number or an address people copy from elsewhere:
# soft hyphen, zero-width space, non-joiner and joiner, direction marks, word joiner, BOM...
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE}]")
# What NFKC may change: a run of non-ASCII characters, with the ASCII letter before it when the
# run starts with a combining mark ("a" + U+0301 composes to "á"); invisible runs go.
_TO_NORMALISE = re.compile(
    f"([{_INVISIBLE}]+)|(?:[\\x00-\\x7f](?=[\u0300-\u036f]))?[^\\x00-\\x7f{_INVISIBLE}]+"
)
# A digit of any script (full-width "０" included) or an at sign ("＠" included).
_MIGHT_HOLD_CONTACT = re.compile("[\\d@\ufe6b\uff20]")

# local@domain.tld in any script, the local part also "quoted" (RFC 5322), the domain also an
# address literal ([192.0.2.1]); the address ends before a closing full stop. Of the signs a
# local part may hold, "=", "/", "?" and the brackets are left out: "user=an@example.vn" in a
# log keeps its "user=".
_LOCAL = r"[\w.!#$%&'*+\-^~]"
_EMAIL = re.compile(
    rf"""(?:"(?:[^"\\\r\n]|\\.){{1,64}}"|(?<!{_LOCAL}){_LOCAL}+)"""
    r"@(?:(?:[\w\-]+\.)+[^\W\d_]{2,}(?!\w)|\[[\w.:]+\])"
)
# Day, month and year (or year, month, day) with one separator: not a phone, though a matcher
# takes "09.03.2026 10:30" for one; and phonenumbers drops a whole candidate that holds a
# slashed date, so the number typed after "30/09/2026" would go unseen unless dates go first.
_DAY, _MONTH = r"(?:0?[1-9]|[12][0-9]|3[01])", r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?<![0-9])(?<![0-9][./\-])"
    rf"(?:{_DAY}([./\-]){_MONTH}\1(?:(?:19|20)[0-9]{{2}}|[0-9]{{2}})"
    rf"|(?:19|20)[0-9]{{2}}([./\-]){_MONTH}\2{_DAY})"
    r"(?![0-9])(?![./\-][0-9])"
)
# Where a phone number may be: it starts with "+", or with 0 (the trunk prefix or 00) or 84
# not glued to a digit before, and runs on over digits and the punctuation phonenumbers allows
# between them, 9 digits at least. Letters end it, so "sdt0912345678" yields "0912345678".
_NUMBER_PUNCTUATION = r"[ \t()\[\]./~+\-\u2010-\u2015\u2212\u30fc\u2053\u223c]"
_PHONE_WINDOW = re.compile(
    rf"(?=[(\[+08])(?:[(\[] ?)?(?:\+|(?<![0-9])(?:0|84)(?=[0-9]|{_NUMBER_PUNCTUATION}))"
    rf"(?:{_NUMBER_PUNCTUATION}*[0-9]){{8,}}"
)
# A quick first look, for the many texts with no such run (a character set first is fast).
_MIGHT_HOLD_PHONE = re.compile(rf"[(\[+08](?<![0-9][08])(?:{_NUMBER_PUNCTUATION}*[0-9]){{8}}")
# An amount is not a phone: "84.912.000.000 đ" (but "0912345678 đồng ý" is: "đồng ý" is "I
# agree", so only digits grouped in thousands by dots or commas count as an amount).
_AMOUNT = re.compile(r"[1-9][0-9]{0,2}(?:[.,][0-9]{3})+")
_CURRENCY_AFTER = re.compile(r"[ \t]*(?:đ|₫|vn[dđ]|đồng|usd)(?!\w)", re.IGNORECASE)
_FILLER = "\x00"  # stands in for an address or a date in the text searched for phones
# A Vietnamese significant number: mobile 9 digits from 3/5/7/8/9, landline 10 from 2.
_VIETNAMESE_SHAPE = re.compile("[35789][0-9]{8}|2[0-9]{9}")
_UNCOVERED_DIGITS = re.compile(rf"[0-9](?:{_NUMBER_PUNCTUATION}*[0-9]){{8}}")
_GROUP = re.compile(f"[^ \t{_FILLER}]+")  # what spaces separate in a run of digits
_MOST_GROUPS = 11  # "0 9 1 2 3 4 5 6 7 8 9" has 11
_TWO_NUMBERS = 18  # digits enough for two phone numbers
# Parses per run at most (~50 ms) for groups that could be a foreign number: a run with more
# such groups than that is searched only so far.
_MAX_PARSES = 1_000


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
    # A "quoted local part" may hold spaces; its first character is the one inside the quotes.
    quoted = len(local) > 2 and local[0] == local[-1] == '"'
    name = local[1:-1].strip() if quoted else local
    outside = domain if quoted else text
    if not at or not name or "." not in domain.strip(".") or any(c.isspace() for c in outside):
        return text[0] + _STARS  # not an address: hide all but the first character
    return f"{name[0]}{_STARS}@{domain}"


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
    if not _MIGHT_HOLD_CONTACT.search(text):
        return text
    written = _Normalised(text)
    found = written.text
    masks: list[tuple[int, int, str]] = []  # start, end in `found`, and what replaces it
    if "@" in found:
        # Addresses first: the digits of "0912345678@gmail.com" are part of an address.
        for match in _EMAIL.finditer(found):
            masks.append((match.start(), match.end(), mask_email(match.group())))
        found = _blanked(found, masks)
    if _MIGHT_HOLD_PHONE.search(found):
        masks += _phones(_DATE.sub(lambda m: _FILLER * len(m.group()), found))
    if not masks:
        return text
    pieces, done = [], 0
    for start, end, mask in sorted(masks):
        start, end = written.original_span(start, end)
        start = max(start, done)  # two masks mapped back into one changed character
        if end > start:
            pieces += [text[done:start], mask]
            done = end
    return "".join([*pieces, text[done:]])


def _blanked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Return the text with each span replaced by as many filler characters."""
    pieces, done = [], 0
    for start, end, _ in sorted(spans):
        pieces += [text[done:start], _FILLER * (end - start)]
        done = end
    return "".join([*pieces, text[done:]])


def _phones(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, masked form) of each phone number phonenumbers finds in the text."""
    masks = []
    for window in _PHONE_WINDOW.finditer(text):
        for start, end, mask in _phones_in(window.group()):
            start, end = window.start() + start, window.start() + end
            amount = _AMOUNT.fullmatch(text, start, end) and _CURRENCY_AFTER.match(text, end)
            if not amount:
                masks.append((start, end, mask))
    return masks


@functools.lru_cache(maxsize=4096)  # logs repeat the same numbers; a parse costs ~0.05 ms
def _phones_in(window: str) -> tuple[tuple[int, int, str], ...]:
    """Return (start, end, masked form) of each phone number in a run of digits and
    punctuation: valid ones (phonenumbers' metadata) of any country, Vietnamese ones written
    with 0, 84 or +84 and foreign ones with "+" or "00"; and Vietnamese-shaped ones in ranges
    the metadata does not list yet."""
    found = _matched_phones(window)
    found += _grouped_phones(_blanked(window, found))
    if sum(c.isdigit() for c in window) >= _TWO_NUMBERS:
        # Two numbers with a space between them can hold a valid third that straddles them
        # ("8493.023 8541 8494.640.1548" holds 023 8541 8494): read by whole groups first too,
        # and keep the reading that masks more digits.
        grouped = _grouped_phones(window)
        grouped += _matched_phones(_blanked(window, grouped))
        if _digits_covered(window, grouped) > _digits_covered(window, found):
            found = grouped
    return tuple(sorted(found))


def _matched_phones(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, masked form) of the valid phone numbers PhoneNumberMatcher finds."""
    if not _UNCOVERED_DIGITS.search(text):
        return []
    return [
        _found(match.raw_string, match.start, match.end)
        for match in phonenumbers.PhoneNumberMatcher(text, "VN", leniency=Leniency.VALID)
        if _written_as_phone(match.raw_string, match.number)
    ]


def _digits_covered(text: str, spans: list[tuple[int, int, str]]) -> int:
    return sum(c.isdigit() for start, end, _ in spans for c in text[start:end])


def _grouped_phones(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, masked form) of the phone numbers made of whole space-separated
    groups of the text, the longest first from each group on.

    What the matcher leaves: two grouped numbers with only a space between them, which it
    reads as one too long for a phone ("0912 345 678 0987 654 321"); and numbers its metadata
    does not know (it has 0896-0899 but not 0890-0895, 0990-0991 but not 0992), taken when they
    have the shape of a Vietnamese mobile or landline, so a number in a newly opened range
    never shows for want of an update.
    """
    if not _UNCOVERED_DIGITS.search(text):
        return []
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(text)]
    digits = ["".join(c for c in text[start:end] if c.isdigit()) for start, end in groups]
    found: list[tuple[int, int, str]] = []
    first, parses = 0, 0
    while first < len(groups):
        for last in range(min(len(groups), first + _MOST_GROUPS) - 1, first - 1, -1):
            start, end = groups[first][0], groups[last][1]
            raw, run = text[start:end], "".join(digits[first : last + 1])
            if not _shaped_as_vietnamese_phone(raw, run):
                if parses >= _MAX_PARSES or not _may_be_written_phone(raw, run):
                    continue
                parses += 1
                if not _valid_written_phone(raw):
                    continue
            found.append(_found(raw, start, end))
            first = last
            break
        first += 1
    return found


def _found(raw: str, start: int, end: int) -> tuple[int, int, str]:
    """Return the span of a phone found and its masked form."""
    if raw[0] in "([" and not any(c in raw for c in ")]"):
        start += 1  # "(0912 345 678)": the brackets stay around the mask
    return start, end, mask_phone(raw)


def _shaped_as_vietnamese_phone(raw: str, digits: str) -> bool:
    """Return True when the digits are a Vietnamese mobile or landline number written with 0,
    84, +84 or 0084 (and perhaps "(0)" after the country code)."""
    plus = raw.lstrip("([ ").startswith("+")
    if plus or digits.startswith(("0084", "84")):
        significant = digits.removeprefix("00")
        if not significant.startswith("84"):
            return False
        significant = significant[2:]
        significant = significant.removeprefix("0")
    elif digits.startswith("0"):
        significant = digits[1:]
    else:
        return False
    return _VIETNAMESE_SHAPE.fullmatch(significant) is not None


def _may_be_written_phone(raw: str, digits: str) -> bool:
    """Return True when the digits may be a phone written with "+", 00, 0 or 84 (a quick look
    that spares most parses)."""
    if raw.count("+") > 1:
        return False
    if raw.lstrip("([ ").startswith("+"):
        return 7 <= len(digits) <= 17
    if digits.startswith("00"):
        return 9 <= len(digits) <= 17 and digits[2] != "0"
    if digits.startswith("0"):  # the trunk 0, then a mobile, landline or VoIP number
        return len(digits) in (10, 11) and digits[1] in "2356789"
    if digits.startswith("84"):
        return len(digits) in (11, 12) and digits[2] in "2356789"
    return False


def _valid_written_phone(raw: str) -> bool:
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and _written_as_phone(raw, number)


def _written_as_phone(raw: str, number: PhoneNumber) -> bool:
    # Valid for VN without its trunk 0 ("912345678", "1900 1234") is a count or an amount as
    # often as a phone: a number must be written with "+", 0 or its country code.
    digits = "".join(c for c in raw if c.isdigit())
    return raw.lstrip("([ ").startswith("+") or digits.startswith(
        ("0", f"{number.country_code}{number.national_number}")
    )


class _Normalised:
    """A text as the contact search reads it, and the way back to the text as written.

    NFKC turns full-width digits, "＋" and "＠" into ASCII ones and composes decomposed letters;
    invisible characters (zero-width ones, the soft hyphen...) go. A text that needs neither is
    its own normalised form, so nothing but a contact in it ever changes.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # Each changed run: its start and end in self.text, then in the text as written.
        self._runs: list[tuple[int, int, int, int]] = []
        self._starts: list[int] = []
        if text.isascii() or (
            unicodedata.is_normalized("NFKC", text) and not _HAS_INVISIBLE.search(text)
        ):
            return
        pieces, done, length = [], 0, 0
        for match in _TO_NORMALISE.finditer(text):
            run = match.group()
            new = "" if match.group(1) else unicodedata.normalize("NFKC", run)
            if new == run:
                continue
            length += match.start() - done
            self._runs.append((length, length + len(new), match.start(), match.end()))
            pieces += [text[done : match.start()], new]
            length += len(new)
            done = match.end()
        self.text = "".join([*pieces, text[done:]])
        self._starts = [run[0] for run in self._runs]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the span of the text as written that self.text[start:end] was made from."""
        if not self._runs:
            return start, end
        return self._written(start, last=False), self._written(end - 1, last=True) + 1

    def _written(self, position: int, *, last: bool) -> int:
        index = bisect.bisect_right(self._starts, position) - 1
        if index < 0:
            return position
        start, end, written_start, written_end = self._runs[index]
        if position >= end:  # after the run, and before the next one
            return written_end + position - end
        if end - start == written_end - written_start:  # one character for one
            return written_start + position - start
        # Inside a run that changed length: the whole run belongs to the contact.
        return written_end - 1 if last else written_start


def redact_series(texts: pd.Series) -> pd.Series:
    """Return the texts with contacts masked; missing values and other values stay as they are."""
    if texts.empty or not (
        pd.api.types.is_object_dtype(texts) or pd.api.types.is_string_dtype(texts)
    ):
        return texts.copy()
    # Most feedback holds neither a digit nor '@': only those that do go through the search.
    # Python's re decides, whatever engine pandas would pick for the column: RE2 (pyarrow)
    # reads \d as ASCII digits only, Python's re as every script's, full-width ones included.
    candidates = pd.Series(
        [isinstance(t, str) and _MIGHT_HOLD_CONTACT.search(t) is not None for t in texts],
        index=texts.index,
        dtype=bool,
    )
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


# --- Messages to the customer (feedback_analytics.mail.outbox) ----------------------------


def message_recipient(session: Session, feedback_id: int) -> str | None:
    """Return the e-mail address a message about one feedback goes to, as the customer gave
    it; None when the customer gave none.

    The reader is the outbox, a system actor delivering what a step promised the customer, not
    a viewer: whoever took the step (a manager who may not see contacts included) never sees
    the address, which goes only to the mail server, never to a page, a log or the audit log.
    """
    return session.scalar(
        select(Customer.email)
        .join(Feedback, Feedback.customer_id == Customer.id)
        .where(Feedback.id == feedback_id, Customer.email.is_not(None), Customer.email != "")
    )


def reachable_by(session: Session, feedback_id: int) -> frozenset[str]:
    """Return how the customer of one feedback can be reached ("email", "phone"), without the
    contact itself: any role may know it (it decides a message's channel)."""
    found = session.execute(
        select(Customer.email, Customer.phone)
        .join(Feedback, Feedback.customer_id == Customer.id)
        .where(Feedback.id == feedback_id)
    ).first()
    if found is None:
        return frozenset()
    email, phone = found
    return frozenset(name for name, value in (("email", email), ("phone", phone)) if value)


def message_for_viewer(body: str | None, role: str | None) -> str | None:
    """Return a message to a customer as `role` may read it: as written for a role that sees
    contact data, None otherwise (it holds the customer's case in words)."""
    return body if sees_contacts(role) else None
