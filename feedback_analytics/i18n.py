"""Every text the dashboard shows, in English and Vietnamese, and numbers and dates per language.

The texts live in gettext catalogues that translators' tools (Poedit, Weblate, pybabel) read:
locale/messages.pot is the template and locale/<lang>/LC_MESSAGES/messages.po holds one language.
An entry's msgctxt is the key the code looks up (`t("nav.home", lang)`), its msgid the English
text and its msgstr the text in that language; `{name}` placeholders are str.format fields. To add
or reword a text, edit messages.pot, run `pybabel update -i feedback_analytics/locale/messages.pot
-d feedback_analytics/locale`, then fill in the new msgstr and review the fuzzy ones in every
messages.po: an empty or fuzzy msgstr shows in English and fails test_i18n.

Pure functions and data: the pages look text up with `t(key, lang)` and format values with
`format_number`, `format_percent`, `format_date` and `format_datetime` (Babel, from the locale's
CLDR data), so no page spells out a sentence or a separator of its own.
"""

from __future__ import annotations

import functools
import math
import string
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

import babel.dates
import babel.numbers
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"
# Shown in place of a value that does not exist (METRICS.md: null, never 0).
MISSING = "—"
LOCALE_DIR = resources.files("feedback_analytics") / "locale"
DOMAIN = "messages"

# Date patterns in CLDR notation; Babel fills them with the locale's data. English pages write
# ISO 8601 (CLDR's en M/d/yy reads as month first, which readers in Vietnam take for day
# first), Vietnamese the day-first dd/MM/yyyy of its administrative texts.
_DATE_PATTERNS = {"en": "yyyy-MM-dd", "vi": "dd/MM/yyyy"}
_TIME_PATTERN = "HH:mm"


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def catalogue_file(lang: str | None) -> Traversable:
    """Return the messages.po of a language, or the template messages.pot for None."""
    if lang is None:
        return LOCALE_DIR / f"{DOMAIN}.pot"
    return LOCALE_DIR / _checked(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str | None) -> Catalog:
    """Return a language's catalogue (None: the template) as Babel reads it."""
    with catalogue_file(lang).open("rb") as file:
        return read_po(file, locale=lang, domain=DOMAIN, abort_invalid=True)


def _texts(catalog: Catalog, *, source: bool = False) -> dict[str, str]:
    texts = {}
    for message in catalog:
        text = message.id if source else message.string
        # The header has no msgctxt; as gettext does, an empty or fuzzy msgstr is no text.
        if message.context and isinstance(text, str) and text and (source or not message.fuzzy):
            texts[message.context] = text
    return texts


_SOURCE_TEXTS = _texts(read_catalogue(None), source=True)
_TRANSLATIONS = {lang: _texts(read_catalogue(lang)) for lang in LANGUAGES}
# key -> {lang: text}, read-only: every key of the template, with the languages that have it.
CATALOGUE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        key: MappingProxyType(
            {lang: _TRANSLATIONS[lang][key] for lang in LANGUAGES if key in _TRANSLATIONS[lang]}
        )
        for key in _SOURCE_TEXTS
    }
)


def t(key: str, lang: str, **kwargs: object) -> str:
    """Return the text of `key` in `lang`, with `{name}` placeholders filled from kwargs."""
    # A text a language lacks shows in English (the template's msgid), as gettext does;
    # test_i18n fails on it.
    text = CATALOGUE[key].get(_checked(lang)) or _SOURCE_TEXTS[key]
    return text.format(**kwargs) if kwargs else text


def placeholders(text: str) -> set[str]:
    """Return the names of the `{name}` placeholders of a catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def pick_language(requested: str | None, browser_locale: str | None = None) -> str:
    """Return the language asked for, else the browser's when it is Vietnamese, else English."""
    if requested:
        wanted = requested.strip().lower()
        if wanted in LANGUAGES:
            return wanted
    if browser_locale and browser_locale.strip().lower().startswith("vi"):
        return "vi"
    return DEFAULT_LANGUAGE


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_checked(lang))


@functools.cache
def _number_pattern(decimals: int, *, percent: bool = False) -> babel.numbers.NumberPattern:
    fraction = "." + "0" * decimals if decimals > 0 else ""
    return babel.numbers.parse_pattern(f"#,##0{fraction}{'%' if percent else ''}")


def format_number(value: float | None, lang: str, *, decimals: int = 0) -> str:
    """Return `value` with the language's separators (en 1,234.5; vi 1.234,5), or MISSING."""
    # NaN is how pandas holds a missing number.
    if value is None or math.isnan(value):
        return MISSING
    pattern = _number_pattern(decimals)
    return babel.numbers.format_decimal(value, format=pattern, locale=_locale(lang))


def format_percent(value: float | None, lang: str, *, decimals: int = 0) -> str:
    """Return a fraction as a percentage (0.875: en 87.5%, vi 87,5%), or MISSING."""
    if value is None or math.isnan(value):
        return MISSING
    pattern = _number_pattern(decimals, percent=True)
    return babel.numbers.format_percent(value, format=pattern, locale=_locale(lang))


def format_duration(seconds: float, lang: str) -> str:
    """Return a duration in whole seconds as minutes and seconds (en 2 min 5 s; vi 2 phút 5
    giây), seconds alone under a minute."""
    whole = max(round(seconds), 0)
    minutes, rest = divmod(whole, 60)
    if minutes == 0:
        return t("duration.seconds", lang, seconds=rest)
    return t("duration.minutes_seconds", lang, minutes=format_number(minutes, lang), seconds=rest)


def format_date(value: date | None, lang: str) -> str:
    """Return the date as the language writes it (en 2026-10-01; vi 01/10/2026), or MISSING."""
    if value is None:
        return MISSING
    return babel.dates.format_date(value, _DATE_PATTERNS[_checked(lang)], locale=_locale(lang))


def format_datetime(value: datetime | None, lang: str, *, tz: tzinfo | None = None) -> str:
    """Return date and minute (en 2026-10-01 00:05; vi 01/10/2026 00:05) in `tz`, or MISSING."""
    if value is None:
        return MISSING
    if tz is not None and value.tzinfo is None:
        raise ValueError("a naive datetime cannot be shown in another time zone")
    # With tz None Babel converts nothing: the value shows at its own clock time.
    pattern = f"{_DATE_PATTERNS[_checked(lang)]} {_TIME_PATTERN}"
    return babel.dates.format_datetime(value, pattern, tzinfo=tz, locale=_locale(lang))


def table_datetime_pattern(lang: str) -> str:
    """Return the moment.js pattern for datetimes in st.dataframe columns of this language."""
    # The same pattern as format_datetime's: CLDR's yyyy and dd are moment.js's YYYY and DD;
    # MM, HH and mm mean the same in both.
    pattern = f"{_DATE_PATTERNS[_checked(lang)]} {_TIME_PATTERN}"
    return pattern.translate(str.maketrans("yd", "YD"))
