"""Demo data: reproducible customer feedback for a network-technology vendor, as canonical rows.

The generator is vectorised: every random choice is drawn for all records at once with NumPy,
and texts are assembled from pre-built fragment pools (Vietnamese, Vietnamese typed without
diacritics, English; formal and casual), so a million records take seconds, not minutes.
The catalogues and texts it draws from are data, in the JSON files of demo_data/ beside this
module (its README says what each holds); this module holds only how they are drawn.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from feedback_analytics.ingest.values import COLUMNS

CHANNELS: tuple[str, ...] = ("email", "hotline", "web_form")
PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")


def _read(name: str) -> Any:
    """Return the parsed demo_data/<name>.json."""
    # Through importlib.resources, so that an installed package (even a zipped one) finds the
    # files it ships, not only a source checkout.
    path = resources.files("feedback_analytics") / "demo_data" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _F:
    """One kind of text fragment in Vietnamese and English."""

    vi: tuple[str, ...]
    en: tuple[str, ...]


def _fragments(texts: dict[str, list[str]]) -> _F:
    return _F(tuple(texts["vi"]), tuple(texts["en"]))


def _pairs(
    texts: dict[str, list[list[str]]],
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Return (before, after) pairs in Vietnamese and in English."""
    vi, en = ([(before, after) for before, after in texts[k]] for k in ("vi", "en"))
    return tuple(vi), tuple(en)


# Each file is read once, at import. The order of every list is kept as the file gives it: a
# draw is a position in a list, so reordering a file changes the records of every seed.
_PRODUCT_DATA: list[dict[str, str]] = _read("products")
PRODUCTS: tuple[str, ...] = tuple(p["name"] for p in _PRODUCT_DATA)
_PRODUCT_ALIASES: tuple[str, ...] = tuple(p["alias"] for p in _PRODUCT_DATA)
_DEPARTMENT_DATA: list[dict[str, Any]] = _read("departments")
DEPARTMENTS: tuple[str, ...] = tuple(d["name"] for d in _DEPARTMENT_DATA)
_ASSIGNEES: tuple[tuple[str, ...], ...] = tuple(tuple(d["staff"]) for d in _DEPARTMENT_DATA)
_SUPPORT_DESK = DEPARTMENTS.index("Customer Support")
_CATEGORY_DATA: list[dict[str, Any]] = _read("categories")
CATEGORIES: tuple[str, ...] = tuple(c["name"] for c in _CATEGORY_DATA)
_CATEGORY_SHARE: tuple[float, ...] = tuple(c["share"] for c in _CATEGORY_DATA)
_CATEGORY_DEPARTMENT: tuple[int, ...] = tuple(
    DEPARTMENTS.index(c["department"]) for c in _CATEGORY_DATA
)
# Which products each category's feedback is about (index into PRODUCTS: weight).
_CATEGORY_PRODUCTS: tuple[dict[int, float], ...] = tuple(
    {PRODUCTS.index(p): w for p, w in c["products"].items()} for c in _CATEGORY_DATA
)
# Categories customers confuse with each other: a text sometimes borrows a neighbour's words,
# so a classifier meets the overlap real feedback has.
_NEIGHBOURS: tuple[tuple[int, ...], ...] = tuple(
    tuple(CATEGORIES.index(x) for x in c["neighbours"]) for c in _CATEGORY_DATA
)
# Outages in the categories marked critical hurt more, so they are more often urgent.
_CRITICAL: tuple[int, ...] = tuple(k for k, c in enumerate(_CATEGORY_DATA) if c["critical"])
_RESOLUTION_DELAY: tuple[float, ...] = tuple(c["resolution_delay"] for c in _CATEGORY_DATA)
_PRIORITY_CRITICAL = (0.09, 0.26, 0.52, 0.13)
_PRIORITY_OTHER = (0.03, 0.17, 0.64, 0.16)
_DUE_DAYS = (1, 3, 7, 14)
# Named, not numbered: the incident in generate_demo stays about VPN in any order of the file.
_INCIDENT_CATEGORY = CATEGORIES.index("VPN connectivity")

# The company is in Viet Nam, which has kept UTC+7 all year since 1975: one fixed offset lets
# every timestamp be formatted from integer seconds without a time-zone database per record.
UTC_OFFSET = "+07:00"

_DAY = 86_400
_HOUR = 3_600
_NEVER = np.int64(2**62)  # "this event never happens"; far beyond any end of data
_MONTHS = 24

# Received-time shape: weekday (Mon..Sun), calendar month, hour of day per channel.
_WEEKDAY_FACTOR = (1.18, 1.08, 1.03, 1.0, 0.95, 0.42, 0.28)
_MONTH_FACTOR = (1.0, 0.9, 1.05, 1.0, 0.97, 1.0, 0.96, 0.98, 1.04, 1.08, 1.1, 1.05)
_HOUR_WEIGHTS = (
    (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 8, 10, 10, 9, 6, 7, 9, 9, 8, 6, 4, 3, 3, 2.5, 2, 1.5),
    (
        0.2,
        0.1,
        0.1,
        0.1,
        0.1,
        0.2,
        0.5,
        3,
        10,
        12,
        12,
        9,
        5,
        8,
        11,
        11,
        9,
        6,
        2,
        1,
        0.8,
        0.6,
        0.4,
        0.3,
    ),
    (2, 1, 0.6, 0.4, 0.3, 0.5, 1.2, 3, 6, 8, 8, 7, 6, 7, 8, 8, 7, 6, 5, 6, 7, 6.5, 5, 3.5),
)
_CHANNEL_SHARE = (0.40, 0.35, 0.25)
_HOLIDAY_DATA: dict[str, list[str]] = _read("holidays")
_FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = tuple(
    (int(month_day[:2]), int(month_day[3:])) for month_day in _HOLIDAY_DATA["fixed"]
)
# Lunar New Year (first day of Tết) per year, as (month, day); the office closes for about a
# week around it.
_TET: dict[int, tuple[int, int]] = {
    d.year: (d.month, d.day) for d in map(dt.date.fromisoformat, _HOLIDAY_DATA["lunar_new_year"])
}

# Text variants: who writes how. Agents log hotline calls mostly in Vietnamese.
_VI, _VI_CASUAL, _VI_PLAIN, _EN, _EN_CASUAL = range(5)
_N_VARIANTS = 5
_VARIANT_SHARE = (
    (0.21, 0.08, 0.13, 0.42, 0.16),
    (0.32, 0.25, 0.15, 0.17, 0.11),
    (0.20, 0.12, 0.18, 0.30, 0.20),
)


# Per category: the problem as the customer sees it, an optional detail, the body of an
# improvement proposal (a verb phrase), and the body of a reason (a clause).
_CATEGORY_FRAGMENTS: dict[str, dict[str, dict[str, list[str]]]] = _read("category_fragments")
_CATEGORY_TEXT: tuple[dict[str, _F], ...] = tuple(
    {kind: _fragments(texts) for kind, texts in _CATEGORY_FRAGMENTS[name].items()}
    for name in CATEGORIES
)
_MESSAGE_FRAGMENTS: dict[str, Any] = _read("message_fragments")
_GENERIC_REASON = _fragments(_MESSAGE_FRAGMENTS["generic_reason"])
_OPENING_WRITTEN = _fragments(_MESSAGE_FRAGMENTS["opening_written"])
_OPENING_HOTLINE = _fragments(_MESSAGE_FRAGMENTS["opening_hotline"])
_PREAMBLE = _pairs(_MESSAGE_FRAGMENTS["preamble"])  # around the product name
_CONTEXT = _fragments(_MESSAGE_FRAGMENTS["context"])
_CLOSING = _fragments(_MESSAGE_FRAGMENTS["closing"])
_PROPOSAL_LEAD = _pairs(_MESSAGE_FRAGMENTS["proposal_lead"])  # around the proposal body
_PROPOSAL_TAIL = _fragments(_MESSAGE_FRAGMENTS["proposal_tail"])
_REASON_LEAD = _pairs(_MESSAGE_FRAGMENTS["reason_lead"])  # around the reason body
_REASON_TAIL = _fragments(_MESSAGE_FRAGMENTS["reason_tail"])
# A few customers type their own phone number or e-mail address into their words, as real ones
# do, so the app meets contacts in free text that it must mask (feedback_analytics.privacy).
# Per language (Vietnamese, Vietnamese without accents, English) and contact (phone, e-mail):
# the words before and after it.
_CONTACT_SHARE = 0.03
_CONTACT_REQUEST_DATA: dict[str, dict[str, list[list[str]]]] = _read("contact_requests")
_CONTACT_REQUEST: tuple[tuple[tuple[str, str], ...], ...] = tuple(
    tuple((before, after) for before, after in _CONTACT_REQUEST_DATA[language][contact])
    for language in ("vi", "vi_plain", "en")
    for contact in ("phone", "email")
)
_CONTACT_LANGUAGE = (0, 0, 1, 2, 2)  # per writer variant: _VI, _VI_CASUAL, _VI_PLAIN, _EN, ...
# Its own stream, so that adding the requests left every other column as it was for a seed.
_CONTACT_STREAM = 0xC0DE
# Survey comments by sentiment: scores 1-2, 3, 4-5.
_SURVEY_COMMENTS: dict[str, dict[str, list[str]]] = _read("survey_comments")
_COMMENTS: tuple[_F, ...] = tuple(
    _fragments(_SURVEY_COMMENTS[s]) for s in ("negative", "neutral", "positive")
)

# Customers: Vietnamese names (family names weighted by how common they are), addresses.
_CUSTOMER_DATA: dict[str, Any] = _read("customers")
_FAMILY: tuple[tuple[str, float], ...] = tuple(_CUSTOMER_DATA["family_names"].items())
_MIDDLE: tuple[tuple[str, ...], ...] = tuple(
    tuple(_CUSTOMER_DATA["middle_names"][sex]) for sex in ("male", "female")
)
_GIVEN: tuple[tuple[str, ...], ...] = tuple(
    tuple(_CUSTOMER_DATA["given_names"][sex]) for sex in ("male", "female")
)
_FREE_MAIL: tuple[tuple[str, float], ...] = tuple(_CUSTOMER_DATA["free_mail_domains"].items())
_COMPANY_MAIL: tuple[str, ...] = tuple(_CUSTOMER_DATA["company_mail_domains"])
_PHONE_PREFIXES: tuple[str, ...] = tuple(_CUSTOMER_DATA["phone_prefixes"])
_STREETS: tuple[str, ...] = tuple(_CUSTOMER_DATA["streets"])
# City as written, its weight, and its districts.
_CITIES: tuple[tuple[str, float, tuple[str, ...]], ...] = tuple(
    (c["name"], c["weight"], tuple(c["districts"])) for c in _CUSTOMER_DATA["cities"]
)
_BUILDINGS: tuple[str, ...] = tuple(_CUSTOMER_DATA["buildings"])
_HOUSE_SUFFIX: tuple[str, ...] = tuple(_CUSTOMER_DATA["house_suffixes"])

# How casual writers shorten words: (regular expression, replacement), applied in order.
_ABBREVIATION_DATA: dict[str, list[list[str]]] = _read("abbreviations")
_VI_ABBREVIATIONS: tuple[tuple[str, str], ...] = tuple(
    (pattern, replacement) for pattern, replacement in _ABBREVIATION_DATA["vi"]
)
_EN_ABBREVIATIONS: tuple[tuple[str, str], ...] = tuple(
    (pattern, replacement) for pattern, replacement in _ABBREVIATION_DATA["en"]
)


def _strip_diacritics(text: str) -> str:
    """Return text as typed on a keyboard without Vietnamese input: no accents, đ as d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def _abbreviate(text: str, rules: Sequence[tuple[str, str]]) -> str:
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement, text)
    return text


def _typo(text: str) -> str:
    """Return text with two letters of its longest word swapped, as a hurried typist does."""
    words = text.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 6 or not word.isalpha():
        return text
    mid = len(word) // 2
    words[longest] = word[: mid - 1] + word[mid] + word[mid - 1] + word[mid + 1 :]
    return " ".join(words)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _variants(fragments: _F) -> list[list[str]]:
    """Return the fragments as each writer variant types them (indexed by _VI.._EN_CASUAL)."""
    vi, en = list(fragments.vi), list(fragments.en)
    vi_casual = [_abbreviate(t, _VI_ABBREVIATIONS) for t in vi]
    # Half of those who type without accents also abbreviate; the other half only drop accents.
    vi_plain = [_strip_diacritics(vi_casual[i] if i % 2 == 0 else t) for i, t in enumerate(vi)]
    en_casual = []
    for i, t in enumerate(en):
        casual = _abbreviate(t, _EN_ABBREVIATIONS)
        if i % 4 == 1:
            casual = _typo(casual)
        if i % 3 == 0:
            casual = _lower_first(casual)
        en_casual.append(casual)
    return [vi, vi_casual, vi_plain, en, en_casual]


def _paired_variants(
    pairs: tuple[Sequence[tuple[str, str]], Sequence[tuple[str, str]]],
) -> list[list[tuple[str, str]]]:
    """Return (before, after) pairs per writer variant."""
    before = _variants(_F(tuple(p[0] for p in pairs[0]), tuple(p[0] for p in pairs[1])))
    after = _variants(_F(tuple(p[1] for p in pairs[0]), tuple(p[1] for p in pairs[1])))
    return [list(zip(b, a, strict=True)) for b, a in zip(before, after, strict=True)]


@dataclass(frozen=True)
class _Pool:
    """Fragments in groups, flattened: element 0 of each column is '' (the fragment left out)."""

    columns: tuple[np.ndarray, ...]
    offsets: np.ndarray
    counts: np.ndarray

    def pick(
        self, rng: np.random.Generator, groups: np.ndarray, keep: np.ndarray | None = None
    ) -> np.ndarray:
        """Return one fragment index per record, uniform within its group; 0 where not kept."""
        index = self.offsets[groups] + (rng.random(len(groups)) * self.counts[groups]).astype(
            np.int64
        )
        return index if keep is None else np.where(keep, index, 0)


def _pool(groups: Sequence[Sequence[str | tuple[str, ...]]], prefix: str = "") -> _Pool:
    """Return a pool of groups of fragments; prefix is put before each non-empty fragment."""
    items = [item if isinstance(item, tuple) else (item,) for group in groups for item in group]
    width = len(items[0])

    def prefixed(text: str) -> str:
        # A fragment that starts a new line carries its own separator.
        return text if not text or text.startswith("\n") else prefix + text

    columns = tuple(
        np.array(["", *(prefixed(item[k]) if k == 0 else item[k] for item in items)], dtype=object)
        for k in range(width)
    )
    counts = np.array([len(group) for group in groups], dtype=np.int64)
    offsets = 1 + np.concatenate(([0], np.cumsum(counts)[:-1]))
    return _Pool(columns, offsets, counts)


@dataclass(frozen=True)
class _Texts:
    """Every fragment pool, grouped by writer variant and, where texts differ, by category."""

    opening: _Pool  # group: variant * 2 + is_hotline
    preamble: _Pool  # group: variant
    problem: _Pool  # group: variant * len(CATEGORIES) + category
    detail: _Pool  # group: variant * len(CATEGORIES) + category
    context: _Pool  # group: variant
    closing: _Pool  # group: variant
    proposal_lead: _Pool  # group: variant
    proposal: _Pool  # group: variant * len(CATEGORIES) + category
    proposal_tail: _Pool  # group: variant
    reason_lead: _Pool  # group: variant
    reason: _Pool  # group: variant * (len(CATEGORIES) + 1) + category (last: any category)
    reason_tail: _Pool  # group: variant
    comment: _Pool  # group: variant * 3 + sentiment


def _per_category(kind: str) -> list[list[str]]:
    by_category = [_variants(text[kind]) for text in _CATEGORY_TEXT]
    return [by_category[c][v] for v in range(_N_VARIANTS) for c in range(len(CATEGORIES))]


@lru_cache(maxsize=1)
def _texts() -> _Texts:
    """Return the fragment pools (built once per process)."""
    written, hotline = _variants(_OPENING_WRITTEN), _variants(_OPENING_HOTLINE)
    preamble = _paired_variants(_PREAMBLE)
    reasons = [_variants(text["reason"]) for text in _CATEGORY_TEXT] + [_variants(_GENERIC_REASON)]
    comments = [_variants(c) for c in _COMMENTS]
    return _Texts(
        opening=_pool([g for v in range(_N_VARIANTS) for g in (written[v], hotline[v])]),
        preamble=_pool(preamble),
        problem=_pool(_per_category("problem")),
        detail=_pool(_per_category("detail"), prefix=" "),
        context=_pool(_variants(_CONTEXT), prefix=" "),
        closing=_pool(_variants(_CLOSING), prefix=" "),
        proposal_lead=_pool(_paired_variants(_PROPOSAL_LEAD)),
        proposal=_pool(_per_category("proposal")),
        proposal_tail=_pool(_variants(_PROPOSAL_TAIL), prefix=" "),
        reason_lead=_pool(_paired_variants(_REASON_LEAD)),
        reason=_pool([reasons[c][v] for v in range(_N_VARIANTS) for c in range(len(reasons))]),
        reason_tail=_pool(_variants(_REASON_TAIL), prefix=" "),
        comment=_pool([comments[s][v] for v in range(_N_VARIANTS) for s in range(3)]),
    )


@lru_cache(maxsize=1)
def _times_of_day() -> np.ndarray:
    """Return 'HH:MM:SS+07:00' for every second of a day."""
    return np.array(
        [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{UTC_OFFSET}" for s in range(_DAY)],
        dtype=object,
    )


def _join(*parts: np.ndarray) -> np.ndarray:
    """Return the element-wise concatenation of string arrays."""
    # One C-level join per record is several times faster than chaining numpy object adds,
    # which allocate a full intermediate array of strings per step.
    return np.array(list(map("".join, zip(*parts, strict=True))), dtype=object)


def _choose_rows(
    rng: np.random.Generator, probabilities: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Return, per record, an outcome drawn from its row of a table of probabilities."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(rows))
    outcome = np.empty(len(rows), dtype=np.int64)
    for row in range(len(probabilities)):
        members = rows == row
        outcome[members] = np.searchsorted(cumulative[row], u[members], side="right")
    return np.minimum(outcome, probabilities.shape[1] - 1)


def _choose(rng: np.random.Generator, size: int, weights: Sequence[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _lognormal_hours(
    rng: np.random.Generator, median_hours: np.ndarray | float, sigma: np.ndarray | float, n: int
) -> np.ndarray:
    """Return lognormal delays in seconds (capped at 90 days)."""
    hours = np.asarray(median_hours) * np.exp(np.asarray(sigma) * rng.standard_normal(n))
    return (np.minimum(hours, 90 * 24) * _HOUR).astype(np.int64)


def _office_hours(rng: np.random.Generator, t: np.ndarray, share: float) -> np.ndarray:
    """Return t with a share of night-time events moved to the next morning (never earlier)."""
    n = len(t)
    seconds = t % _DAY
    midnight = t - seconds
    late, early = seconds >= 21 * _HOUR, seconds < 7 * _HOUR
    morning = (7.5 * _HOUR + rng.random(n) * 2.5 * _HOUR).astype(np.int64)
    move = (late | early) & (rng.random(n) < share) & (t < _NEVER)
    return np.where(move, np.where(late, midnight + _DAY, midnight) + morning, t)


@dataclass(frozen=True)
class _Calendar:
    """Days from the first day of data to a month past the last (events can fall later)."""

    start: dt.date
    days: int  # days of data; day index 0 is start
    weight: np.ndarray  # relative intake per day of data
    next_working: np.ndarray  # per day: index of the next working day after it
    working: np.ndarray
    year: np.ndarray


def _calendar(end: dt.date) -> _Calendar:
    """Return the calendar of the 24 months of data ending on end."""
    try:
        start = end.replace(year=end.year - 2) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - 2, day=28) + dt.timedelta(days=1)
    days = (end - start).days + 1
    span = days + 40
    dates = np.datetime64(start, "D") + np.arange(span)
    epoch_day = dates.astype(np.int64)
    weekday = (epoch_day + 3) % 7  # 1970-01-01 was a Thursday
    month_start = dates.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day_of_month = (dates - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970

    holiday = np.zeros(span, dtype=bool)
    for m, d in _FIXED_HOLIDAYS:
        holiday |= (month == m) & (day_of_month == d)
    tet_factor = np.ones(span)
    for y in np.unique(year):
        # Outside the table, early February is close enough for demo data.
        tet_month, tet_day = _TET.get(int(y), (2, 5))
        offset = (np.datetime64(dt.date(int(y), tet_month, tet_day), "D") - dates).astype(np.int64)
        closed = (offset >= -4) & (offset <= 3)  # offset = days until Tết
        holiday |= closed
        tet_factor[closed] = 0.18
        tet_factor[(offset > 3) & (offset <= 10)] = 1.1  # the rush to fix things before
        tet_factor[(offset < -4) & (offset >= -12)] = 0.75  # back slowly after
    working = (weekday < 5) & ~holiday
    working_days = np.flatnonzero(working)
    next_working = working_days[
        np.minimum(
            np.searchsorted(working_days, np.arange(span), side="right"), len(working_days) - 1
        )
    ]

    position = np.arange(days) / max(days - 1, 1)
    weight = (
        np.exp(np.log(2.6) * position)  # the customer base grows
        * np.asarray(_WEEKDAY_FACTOR)[weekday[:days]]
        * np.asarray(_MONTH_FACTOR)[month[:days] - 1]
        * tet_factor[:days]
        * np.where(holiday[:days] & (tet_factor[:days] == 1), 0.35, 1.0)
    )
    return _Calendar(start, days, weight, next_working, working, year)


def _format_times(t: np.ndarray, present: np.ndarray, day_text: np.ndarray) -> np.ndarray:
    """Return ISO 8601 local timestamps for present events, '' for the others."""
    out = np.full(len(t), "", dtype=object)
    shown = t[present]
    out[present] = day_text[shown // _DAY] + _times_of_day()[shown % _DAY]
    return out


def _lookup(values: Iterable[str]) -> np.ndarray:
    """Return the values as an array of str to index with arrays of positions."""
    return np.array(list(values), dtype=object)


def _customers(rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    """Return the contact details of `count` customers (names also without accents)."""
    family_names = [f for f, _ in _FAMILY]
    family = _choose(rng, count, [w for _, w in _FAMILY])
    female = rng.random(count) < 0.48
    middle = np.where(
        female, rng.integers(0, len(_MIDDLE[1]), count), rng.integers(0, len(_MIDDLE[0]), count)
    )
    given = np.where(
        female, rng.integers(0, len(_GIVEN[1]), count), rng.integers(0, len(_GIVEN[0]), count)
    )
    n_m, n_g = len(_MIDDLE[0]), len(_GIVEN[0])
    # Male and female name parts share one lookup: female ones come after the male ones.
    middle_all, given_all = _MIDDLE[0] + _MIDDLE[1], _GIVEN[0] + _GIVEN[1]
    middle_ix, given_ix = middle + female * n_m, given + female * n_g

    def parts(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            _lookup(names),
            _lookup(map(_strip_diacritics, names)),
            _lookup(_strip_diacritics(x).lower() for x in names),
        )

    fam, fam_plain, fam_mail = parts(family_names)
    mid, mid_plain, mid_mail = parts(middle_all)
    giv, giv_plain, giv_mail = parts(given_all)
    sp = np.full(count, " ", dtype=object)
    name = _join(fam[family], sp, mid[middle_ix], sp, giv[given_ix])
    name_plain = _join(fam_plain[family], sp, mid_plain[middle_ix], sp, giv_plain[given_ix])

    f, m, g = fam_mail[family], mid_mail[middle_ix], giv_mail[given_ix]
    initial_f = _lookup(_strip_diacritics(x[:1]).lower() for x in family_names)[family]
    initial_m = _lookup(_strip_diacritics(x[:1]).lower() for x in middle_all)[middle_ix]
    numbers = _lookup(
        ["", *(str(y) for y in range(1975, 2004)), *(f"{k:02d}" for k in range(1, 100))]
    )
    number = numbers[rng.integers(0, len(numbers), count)]
    dot = np.full(count, ".", dtype=object)
    empty = np.full(count, "", dtype=object)
    style = rng.integers(0, 4, count)
    company = rng.random(count) < 0.35
    local = np.select(
        [style == 0, style == 1, style == 2],
        [_join(g, dot, f), _join(f, m, g, number), _join(g, f, number)],
        # Vietnamese company mail: given name plus initials of family and middle names (annv).
        _join(g, initial_f, initial_m, empty),
    )
    free = _lookup(d for d, _ in _FREE_MAIL)[_choose(rng, count, [w for _, w in _FREE_MAIL])]
    corporate = _lookup(_COMPANY_MAIL)[rng.integers(0, len(_COMPANY_MAIL), count)]
    at = np.full(count, "@", dtype=object)
    email = _join(local, at, np.where(company, corporate, free))

    # A 9-digit subscriber number: 2-digit network prefix and 7 digits, shown in 3 groups.
    prefix = np.array([int(p) for p in _PHONE_PREFIXES], dtype=np.int64)
    nine = prefix[rng.integers(0, len(prefix), count)] * 10_000_000 + rng.integers(
        0, 10_000_000, count
    )
    three = _lookup(f"{k:03d}" for k in range(1000))
    g1, g2, g3 = three[nine // 1_000_000], three[nine // 1000 % 1000], three[nine % 1000]
    phone_style = _choose(rng, count, (0.45, 0.25, 0.2, 0.1))
    phone = np.select(
        [phone_style == 0, phone_style == 1, phone_style == 2],
        [
            _join(np.full(count, "0", dtype=object), g1, g2, g3),
            _join(np.full(count, "+84 ", dtype=object), g1, sp, g2, sp, g3),
            _join(np.full(count, "0", dtype=object), g1, sp, g2, sp, g3),
        ],
        _join(np.full(count, "+84", dtype=object), g1, g2, g3),
    )

    city_names = [c for c, _, _ in _CITIES]
    city = _choose(rng, count, [w for _, w, _ in _CITIES])
    district_counts = np.array([len(d) for _, _, d in _CITIES])
    district_offsets = np.concatenate(([0], np.cumsum(district_counts)[:-1]))
    districts = _lookup(f"{d}, " for _, _, ds in _CITIES for d in ds)
    district = district_offsets[city] + (rng.random(count) * district_counts[city]).astype(np.int64)
    house = _join(
        _lookup(str(k) for k in range(1000))[rng.integers(1, 400, count)],
        _lookup(_HOUSE_SUFFIX)[rng.integers(0, len(_HOUSE_SUFFIX), count)],
    )
    building = np.where(
        rng.random(count) < 0.2,
        _lookup(_BUILDINGS)[rng.integers(0, len(_BUILDINGS), count)],
        empty,
    )
    ward = np.where(
        rng.random(count) < 0.5,
        _lookup(f"Phường {k}, " for k in range(1, 16))[rng.integers(0, 15, count)],
        empty,
    )
    address = _join(
        building,
        house,
        sp,
        _lookup(_STREETS)[rng.integers(0, len(_STREETS), count)],
        np.full(count, ", ", dtype=object),
        ward,
        districts[district],
        _lookup(city_names)[city],
    )
    return {
        "name": name,
        "name_plain": name_plain,
        "email": email,
        "phone": phone,
        "address": address,
    }


def _with_contact_requests(
    reason: np.ndarray, *, seed: int, variant: np.ndarray, phone: np.ndarray, email: np.ndarray
) -> np.ndarray:
    """Return the reasons with a request to be contacted, giving the record's own phone number
    or e-mail address, appended to about `_CONTACT_SHARE` of those that have one."""
    rng = np.random.default_rng([seed, _CONTACT_STREAM])
    n = len(reason)
    has_phone, has_email = phone != "", email != ""
    typed = (rng.random(n) < _CONTACT_SHARE) & (has_phone | has_email)
    by_email = has_email & (~has_phone | (rng.random(n) < 0.4))
    wording = rng.integers(0, len(_CONTACT_REQUEST[0]), n)[typed]
    group = (np.asarray(_CONTACT_LANGUAGE)[variant] * 2 + by_email)[typed]
    before = _lookup(b for g in _CONTACT_REQUEST for b, _ in g).reshape(len(_CONTACT_REQUEST), -1)
    after = _lookup(a for g in _CONTACT_REQUEST for _, a in g).reshape(len(_CONTACT_REQUEST), -1)
    request = _join(
        before[group, wording], np.where(by_email, email, phone)[typed], after[group, wording]
    )
    reason = reason.copy()
    reason[typed] = _join(reason[typed], np.where(reason[typed] == "", "", " "), request)
    return reason


def generate_demo(records: int = 20_000, *, seed: int = 42, end: dt.date) -> pd.DataFrame:
    """Return `records` demo feedback rows over the 24 months ending on `end`, as canonical text.

    Every cell is a str ('' for empty), exactly as a canonical CSV file holds it; the same
    (records, seed, end) always gives the same frame. Nothing is stamped after `end` 23:59:59
    company time but a `due_at`, the processing time promised at acknowledgement (METRICS.md: a
    promise, not an event); records still open then simply have no later timestamps.
    """
    if records < 0:
        raise ValueError(f"records must be 0 or more, not {records}")
    if isinstance(end, dt.datetime):
        end = end.date()
    if records == 0:
        return pd.DataFrame({c: np.array([], dtype=object) for c in COLUMNS}, dtype=object)
    rng = np.random.default_rng(seed)
    n = records
    cal = _calendar(end)
    last_second = np.int64(cal.days * _DAY - 1)  # end 23:59:59, in seconds since start 00:00

    # --- when and how each record arrives ---
    day = np.repeat(np.arange(cal.days), rng.multinomial(n, cal.weight / cal.weight.sum()))
    channel = _choose(rng, n, _CHANNEL_SHARE)
    hour = _choose_rows(rng, np.asarray(_HOUR_WEIGHTS, dtype=float), channel)
    received = day * _DAY + hour * _HOUR + rng.integers(0, _HOUR, n)
    order = np.argsort(received, kind="stable")
    received, channel, day = received[order], channel[order], day[order]
    hotline = channel == 1

    # --- what it is about ---
    category = _choose(rng, n, _CATEGORY_SHARE)
    # A faulty VPN client release, eight months before the end: a burst of VPN complaints.
    incident = (day >= cal.days - 245) & (day < cal.days - 224) & (rng.random(n) < 0.3)
    category = np.where(incident, _INCIDENT_CATEGORY, category)
    critical = np.isin(category, _CRITICAL)
    priority = np.where(
        critical,
        _choose(rng, n, _PRIORITY_CRITICAL),
        _choose(rng, n, _PRIORITY_OTHER),
    )
    product_weights = np.zeros((len(CATEGORIES), len(PRODUCTS)))
    for c, weights in enumerate(_CATEGORY_PRODUCTS):
        for p, w in weights.items():
            product_weights[c, p] = w
    product = _choose_rows(rng, product_weights, category)
    has_product = rng.random(n) >= np.where(hotline, 0.1, 0.03)

    # --- acknowledgement: hotline calls are logged while the customer is on the line ---
    ack_median = np.array([12.0, 0.4, 8.0])[channel] * np.array([0.4, 0.7, 1.0, 1.3])[priority]
    ack_sigma = np.array([1.1, 1.2, 1.1])[channel]
    acknowledged = received + _lognormal_hours(rng, ack_median, ack_sigma, n)
    missed_call = hotline & (rng.random(n) < 0.03)  # a callback promised, then forgotten
    acknowledged = np.where(
        missed_call, received + _lognormal_hours(rng, 30.0, 0.8, n), acknowledged
    )
    # Written feedback that arrives after hours waits for the next working morning.
    second = received % _DAY
    off_hours = ~cal.working[day] | ((second >= 17.5 * _HOUR) & ~cal.working[day + 1])
    waits = off_hours & ~hotline & (rng.random(n) < 0.8)
    next_morning = cal.next_working[day] * _DAY + 8 * _HOUR + _lognormal_hours(rng, 1.5, 0.8, n)
    acknowledged = np.where(waits, np.maximum(acknowledged, next_morning), acknowledged)
    acknowledged = _office_hours(rng, acknowledged, 0.85)
    acknowledged = np.where(rng.random(n) < 0.004, _NEVER, acknowledged)  # fell through the cracks

    # --- the promise, the resolution and the outcome response ---
    due_seconds = np.array(_DUE_DAYS, dtype=np.int64)[priority] * _DAY
    due = np.where(acknowledged < _NEVER, acknowledged + due_seconds, _NEVER)
    delay = np.array(_RESOLUTION_DELAY)[category]
    ratio = np.exp(-0.8 + delay + 0.75 * rng.standard_normal(n))
    resolved = acknowledged + np.maximum(ratio * due_seconds, 600).astype(np.int64)
    resolved = _office_hours(rng, resolved, 0.85)
    stalled = rng.random(n) < 0.012
    resolved = np.where((acknowledged < _NEVER) & ~stalled, resolved, _NEVER)
    responded = resolved + _lognormal_hours(rng, 1.5, 1.0, n)
    responded = _office_hours(rng, responded, 0.8)
    responded = np.where((resolved < _NEVER) & (rng.random(n) < 0.93), responded, _NEVER)

    # --- the satisfaction survey, a few days after the outcome ---
    survey_base = np.where(responded < _NEVER, responded, resolved)
    surveyed = survey_base + ((0.3 + rng.gamma(2.0, 1.1, n)) * _DAY).astype(np.int64)
    surveyed = np.where((resolved < _NEVER) & (rng.random(n) < 0.42), surveyed, _NEVER)
    lateness = np.clip((resolved - due) / due_seconds, 0, 3)
    ack_breach = acknowledged - received > 48 * _HOUR
    mood = (
        4.35
        + 0.8 * rng.standard_normal(n)
        - 1.0 * (lateness > 0)
        - 0.7 * lateness
        - 0.35 * ack_breach
        - 0.3 * (responded == _NEVER)
    )
    score = np.clip(np.rint(mood), 1, 5).astype(np.int64)

    # --- what has happened by the end of the data ---
    is_acknowledged = acknowledged <= last_second
    is_resolved = resolved <= last_second
    is_surveyed = surveyed <= last_second
    # Days past the end too: a promise made by then may fall due after it (at most 14 days).
    day_text = _lookup(
        f"{(cal.start + dt.timedelta(days=d)).isoformat()}T" for d in range(cal.days + 40)
    )

    # --- triage: label, routing, explicit status ---
    labelled = rng.random(n) < np.where(is_acknowledged, 0.86, 0.4)
    department = np.array(_CATEGORY_DEPARTMENT)[category]
    to_desk = (~labelled & (rng.random(n) < 0.5)) | (rng.random(n) < 0.06)
    department = np.where(to_desk, _SUPPORT_DESK, department)
    routed = is_acknowledged | (rng.random(n) < 0.35)
    team_sizes = np.array([len(a) for a in _ASSIGNEES])
    assignees = _lookup(["", *(a for team in _ASSIGNEES for a in team)])
    assignee = (
        1
        + np.concatenate(([0], np.cumsum(team_sizes)[:-1]))[department]
        + (rng.random(n) * team_sizes[department]).astype(np.int64)
    )
    assignee = np.where(is_acknowledged & (rng.random(n) < 0.96), assignee, 0)
    in_progress = is_acknowledged & ~is_resolved & (rng.random(n) < 0.45)

    # --- contact details: a customer base where some customers write often ---
    base = _customers(rng, max(1, int(n * 0.4)))
    customer = (len(base["name"]) * rng.random(n) ** 1.6).astype(np.int64)
    variant = _choose_rows(rng, np.asarray(_VARIANT_SHARE), channel)
    plain_name = (variant == _VI_PLAIN) & ~hotline
    name = np.where(plain_name, base["name_plain"][customer], base["name"][customer])
    name = np.where(rng.random(n) < 0.03, "", name)
    email = np.where(
        (channel == 0) | (rng.random(n) >= np.where(hotline, 0.55, 0.1)),
        base["email"][customer],
        "",
    )
    phone_missing = np.array([0.55, 0.03, 0.2])[channel]
    phone = np.where(rng.random(n) >= phone_missing, base["phone"][customer], "")
    address_missing = np.array([0.5, 0.6, 0.25])[channel]
    address = np.where(rng.random(n) >= address_missing, base["address"][customer], "")

    # --- the texts ---
    texts = _texts()
    n_cat = len(CATEGORIES)
    neighbour = np.asarray(_NEIGHBOURS)[category, rng.integers(0, 2, n)]

    def borrowed(share: float) -> np.ndarray:
        # The category whose words a fragment uses: usually its own, sometimes a neighbour's.
        return np.where(rng.random(n) < share, neighbour, category)

    opening = texts.opening.pick(rng, variant * 2 + hotline, rng.random(n) < 0.55)
    mention = has_product & (rng.random(n) < 0.35)
    preamble = texts.preamble.pick(rng, variant, mention)
    product_name = np.where(
        rng.random(n) < 0.6, _lookup(PRODUCTS)[product], _lookup(_PRODUCT_ALIASES)[product]
    )
    problem = texts.problem.pick(rng, variant * n_cat + borrowed(0.07))
    detail = texts.detail.pick(rng, variant * n_cat + borrowed(0.15), rng.random(n) < 0.5)
    context = texts.context.pick(rng, variant, rng.random(n) < 0.45)
    closing_share = np.array([0.75, 0.15, 0.5])[channel]
    closing = texts.closing.pick(rng, variant, rng.random(n) < closing_share)
    current_feature = _join(
        texts.opening.columns[0][opening],
        texts.preamble.columns[0][preamble],
        np.where(mention, product_name, ""),
        texts.preamble.columns[1][preamble],
        texts.problem.columns[0][problem],
        texts.detail.columns[0][detail],
        texts.context.columns[0][context],
        texts.closing.columns[0][closing],
    )

    has_proposal = rng.random(n) < np.array([0.92, 0.78, 0.95])[channel]
    lead = texts.proposal_lead.pick(rng, variant, has_proposal)
    body = texts.proposal.pick(rng, variant * n_cat + borrowed(0.1), has_proposal)
    tail = texts.proposal_tail.pick(rng, variant, has_proposal & (rng.random(n) < 0.25))
    proposal = _join(
        texts.proposal_lead.columns[0][lead],
        texts.proposal.columns[0][body],
        texts.proposal_lead.columns[1][lead],
        texts.proposal_tail.columns[0][tail],
    )

    has_reason = rng.random(n) < np.array([0.88, 0.7, 0.9])[channel]
    reason_topic = np.where(rng.random(n) < 0.3, n_cat, borrowed(0.1))
    lead = texts.reason_lead.pick(rng, variant, has_reason)
    body = texts.reason.pick(rng, variant * (n_cat + 1) + reason_topic, has_reason)
    tail = texts.reason_tail.pick(rng, variant, has_reason & (rng.random(n) < 0.2))
    reason = _join(
        texts.reason_lead.columns[0][lead],
        texts.reason.columns[0][body],
        texts.reason_lead.columns[1][lead],
        texts.reason_tail.columns[0][tail],
    )

    reason = _with_contact_requests(reason, seed=seed, variant=variant, phone=phone, email=email)

    sentiment = np.where(score <= 2, 0, np.where(score == 3, 1, 2))
    comment_share = np.array([0.55, 0.3, 0.35])[sentiment]
    comment = texts.comment.pick(
        rng, variant * 3 + sentiment, is_surveyed & (rng.random(n) < comment_share)
    )

    # --- identifiers: per channel and year, in order of arrival ---
    year = cal.year[day]
    key = channel * 10_000 + year
    by_key = np.argsort(key, kind="stable")
    sorted_key = key[by_key]
    group_start = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sequence = np.empty(n, dtype=np.int64)
    sequence[by_key] = np.arange(n) - np.repeat(group_start, np.diff(np.r_[group_start, n]))
    keys, key_index = np.unique(key, return_inverse=True)
    prefixes = _lookup(f"{('EM', 'HL', 'WF')[k // 10_000]}-{k % 10_000}-" for k in keys)
    number = np.char.zfill((sequence + 1).astype(str), 6).astype(object)
    external_id = _join(prefixes[key_index.reshape(-1)], number)

    columns = {
        "external_id": external_id,
        "channel": _lookup(CHANNELS)[channel],
        "received_at": _format_times(received, np.ones(n, dtype=bool), day_text),
        "customer_name": name,
        "customer_email": email,
        "customer_phone": phone,
        "customer_address": address,
        "product": np.where(has_product, _lookup(PRODUCTS)[product], ""),
        "current_feature": current_feature,
        "proposal": proposal,
        "reason": reason,
        "category": np.where(labelled, _lookup(CATEGORIES)[category], ""),
        "priority": _lookup(PRIORITIES)[priority],
        "department": np.where(routed, _lookup(DEPARTMENTS)[department], ""),
        "assignee": assignees[assignee],
        "status": np.where(in_progress, "in_progress", ""),
        "acknowledged_at": _format_times(acknowledged, is_acknowledged, day_text),
        # The promise is made at acknowledgement, so it is known even when it falls due later.
        "due_at": _format_times(due, is_acknowledged, day_text),
        "resolved_at": _format_times(resolved, is_resolved, day_text),
        "responded_at": _format_times(responded, responded <= last_second, day_text),
        "satisfaction_score": np.where(is_surveyed, _lookup("012345")[score], ""),
        "satisfaction_comment": texts.comment.columns[0][comment],
        "surveyed_at": _format_times(surveyed, is_surveyed, day_text),
    }
    # Object columns of Python str: converting a million texts to a string dtype costs more
    # than generating them, and every consumer (CSV writer, import pipeline) accepts these.
    return pd.DataFrame(
        {c: np.asarray(columns[c], dtype=object) for c in COLUMNS}, dtype=object, copy=False
    )
