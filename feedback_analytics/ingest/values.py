"""The canonical record file's columns and value rules, as vectorised parsers.

Each parser takes a Series of cells as text ('' for empty) and returns the parsed
values beside a Series of reasons ('' where the cell is fine), so a whole chunk of
rows is checked at once and every rejection can say which row, which field and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

import numpy as np
import pandas as pd

COLUMNS: tuple[str, ...] = (
    "external_id",
    "channel",
    "received_at",
    "customer_name",
    "customer_email",
    "customer_phone",
    "customer_address",
    "product",
    "current_feature",
    "proposal",
    "reason",
    "category",
    "priority",
    "department",
    "assignee",
    "status",
    "acknowledged_at",
    "due_at",
    "resolved_at",
    "responded_at",
    "satisfaction_score",
    "satisfaction_comment",
    "surveyed_at",
)
REQUIRED: tuple[str, ...] = ("external_id", "channel", "received_at", "current_feature")
TIMESTAMPS: tuple[str, ...] = (
    "received_at",
    "acknowledged_at",
    "due_at",
    "resolved_at",
    "responded_at",
    "surveyed_at",
)
LATER_THAN_RECEIVED: tuple[str, ...] = TIMESTAMPS[1:]
CONTACT: tuple[str, ...] = ("customer_name", "customer_email", "customer_phone", "customer_address")
# The three texts of a feedback: what the classifier reads.
FEEDBACK_TEXTS: tuple[str, ...] = ("current_feature", "proposal", "reason")
TEXTS: tuple[str, ...] = (
    *CONTACT,
    "product",
    "current_feature",
    "proposal",
    "reason",
    "category",
    "department",
    "assignee",
    "satisfaction_comment",
)
MAX_EXTERNAL_ID = 200
# A reason quotes at most this many characters of a bad value: enough to find it in the file,
# never the whole of a cell that may be megabytes long (and repeated on every row).
QUOTED_CHARS = 50


@dataclass(frozen=True)
class FileColumns:
    """The columns a kind of file holds: all of them, the required ones, and other names for
    some (normalised as `normalise_key` does) that the header may use instead."""

    names: tuple[str, ...]
    required: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    what: str = "canonical column"


RECORD_FILE = FileColumns(COLUMNS, REQUIRED)

CHANNEL_ALIASES: dict[str, str] = {
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "hotline": "hotline",
    "phone": "hotline",
    "call": "hotline",
    "điện thoại": "hotline",
    "web_form": "web_form",
    "web form": "web_form",
    "web-form": "web_form",
    "form": "web_form",
    "online form": "web_form",
    "form trực tuyến": "web_form",
}
PRIORITY_ALIASES: dict[str, str] = {
    "urgent": "urgent",
    "high": "high",
    "normal": "normal",
    "low": "low",
    "khẩn cấp": "urgent",
    "cao": "high",
    "bình thường": "normal",
    "thấp": "low",
}
STATUS_VALUES: dict[str, str] = {
    s: s for s in ("new", "acknowledged", "in_progress", "resolved", "closed")
}

# Checked with anchored `str.contains` (vectorised), then parsed by pandas in C.
_ISO = (
    r"^\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_HAS_OFFSET = r"[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_DMY = r"^\d{1,2}/\d{1,2}/\d{4}(?: +\d{1,2}:\d{2}(?::\d{2})?)?$"
_EXPORTED = "%Y-%m-%dT%H:%M:%S%z"
_DMY_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")
TIMESTAMP_HELP = "write it as 2026-09-30 14:05, 2026-09-30T14:05:00+07:00 or 30/09/2026 14:05"


def normalise_key(value: str) -> str:
    """Return a code or column name as matched: case and surrounding spaces ignored."""
    return " ".join(value.split()).casefold()


def shortened(value: object, limit: int = QUOTED_CHARS) -> str:
    """Return a value as text cut to its first `limit` characters and an ellipsis when it is
    longer."""
    text = "" if value is None else str(value)
    return f"{text[:limit]}…" if len(text) > limit else text


def quoted(value: object, limit: int = QUOTED_CHARS) -> str:
    """Return a value as a reason quotes it: in single quotes, shortened (`shortened`)."""
    return f"'{shortened(value, limit)}'"


def parse_choice(
    cells: pd.Series, aliases: dict[str, str], *, what: str
) -> tuple[pd.Series, pd.Series]:
    """Return canonical values (None where empty) and reasons for cells outside the set."""
    # Few distinct cells: normalise each distinct one once, then spread back by code.
    codes, uniques = pd.factorize(cells.fillna("").astype(object), use_na_sentinel=False)
    distinct_keys = [normalise_key(str(u)) for u in uniques]
    keys = pd.Series(np.array(distinct_keys, dtype=object)[codes], index=cells.index)
    distinct_values = np.array([aliases.get(k) for k in distinct_keys], dtype=object)
    values = pd.Series(distinct_values[codes], index=cells.index, dtype=object)
    allowed = ", ".join(dict.fromkeys(aliases.values()))
    bad = (keys != "") & values.isna()
    reasons: pd.Series = pd.Series("", index=cells.index, dtype=object)
    reasons[bad] = [f"{quoted(c)} is not a {what}: use one of {allowed}" for c in cells[bad]]
    return values, reasons


def parse_timestamps(
    cells: pd.Series, *, tz: tzinfo, end_of_day: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Return aware UTC timestamps (NaT where empty) and reasons for unreadable cells.

    A value without an offset is company local time; a date alone is local midnight,
    or the day's last second (23:59:59) with `end_of_day`.
    """
    text = cells.fillna("").astype("str").str.strip()
    result = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us, UTC]")
    reasons: pd.Series = pd.Series("", index=cells.index, dtype=object)
    filled = text != ""
    if not filled.any():
        return result, reasons
    text = text[filled]
    # Fast path: the form every export writes (2026-09-30T14:05:00+07:00), parsed in C.
    parsed = _microseconds(pd.to_datetime(text, format=_EXPORTED, errors="coerce", utc=True))
    rest = parsed.isna()
    if rest.any():
        parsed[rest] = _parse_other_forms(text[rest], tz=tz, end_of_day=end_of_day)
    parsed = parsed.where(parsed.dt.year.between(1900, 2200))
    result[filled] = parsed
    bad = filled & result.isna()
    reasons[bad] = [f"{quoted(c)} is not a date and time: {TIMESTAMP_HELP}" for c in cells[bad]]
    return result, reasons


def _parse_other_forms(text: pd.Series, *, tz: tzinfo, end_of_day: bool) -> pd.Series:
    """Return UTC instants (NaT where unreadable) for the forms other than the export's."""
    text = text.str.replace(",", ".", regex=False)
    iso = text.str.contains(_ISO, regex=True)
    aware = iso & text.str.contains(_HAS_OFFSET, regex=True)
    dmy = ~iso & text.str.contains(_DMY, regex=True)

    local = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    naive_iso = iso & ~aware
    if naive_iso.any():
        local[naive_iso] = _microseconds(
            pd.to_datetime(text[naive_iso], format="ISO8601", errors="coerce")
        )
    for fmt in _DMY_FORMATS:
        todo = dmy & local.isna()
        if not todo.any():
            break
        local[todo] = _microseconds(pd.to_datetime(text[todo], format=fmt, errors="coerce"))
    if end_of_day:
        date_only = ~text.str.contains(":", regex=False) & local.notna()
        local[date_only] = local[date_only] + pd.Timedelta(hours=23, minutes=59, seconds=59)

    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
    naive = local.notna()
    if naive.any():
        parsed[naive] = (
            local[naive].dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
        )
    if aware.any():
        parsed[aware] = _microseconds(
            pd.to_datetime(
                text[aware].str.replace(r"z$", "Z", regex=True),
                format="ISO8601",
                utc=True,
                errors="coerce",
            )
        )
    return parsed


def _microseconds(stamps: pd.Series) -> pd.Series:
    """Return the timestamps cut to whole microseconds, the stores' precision."""
    unit = "datetime64[us, UTC]" if stamps.dt.tz is not None else "datetime64[us]"
    return stamps.dt.floor("us").astype(unit)


def parse_scores(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return whole-number scores 1-5 (<NA> where empty) and reasons for other cells."""
    text = cells.fillna("").astype(str).str.strip()
    good = text.str.fullmatch(r"[1-5](?:\.0*)?")
    scores = pd.Series(pd.NA, index=cells.index, dtype="Int64")
    scores[good] = text[good].str.slice(0, 1).astype("int64")
    reasons: pd.Series = pd.Series("", index=cells.index, dtype=object)
    bad = (text != "") & ~good
    reasons[bad] = [
        f"{quoted(c)} is not a satisfaction score: write a whole number from 1 to 5"
        for c in text[bad]
    ]
    return scores, reasons
