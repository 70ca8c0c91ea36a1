"""The text catalogue and the per-language formats of numbers and dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedback_analytics import i18n
from feedback_analytics.i18n import (
    CATALOGUE,
    LANGUAGES,
    catalogue_file,
    format_date,
    format_datetime,
    format_duration,
    format_number,
    format_percent,
    pick_language,
    placeholders,
    read_catalogue,
    t,
    table_datetime_pattern,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[1]
# t("a.key", ...) with a literal key; f-strings and variables are not literals.
LOOKUP = re.compile(r"""\bt\(\s*(?P<quote>["'])(?P<key>[^"'{}]+)(?P=quote)""")
# A line of a .po file: blank, a comment, or a quoted string after its keyword or alone. Babel
# reads a string with a lost quote without a word (it drops the last character).
PO_LINE = re.compile(
    r'|#.*|(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) )?"(?:[^"\\]|\\.)*"'
)
TEMPLATE = {message.context: message.id for message in read_catalogue(None) if message.id}


def keys_looked_up() -> set[str]:
    """Return the literal keys that the package, the pages and app.py pass to t()."""
    files = [ROOT / "app.py", *(ROOT / "feedback_analytics").rglob("*.py")]
    files += (ROOT / "views").rglob("*.py")
    return {match["key"] for file in files for match in LOOKUP.finditer(file.read_text())}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_every_language(key: str) -> None:
    assert set(CATALOGUE[key]) == set(LANGUAGES)
    assert all(CATALOGUE[key][lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_translations_take_the_same_placeholders(key: str) -> None:
    names = {lang: placeholders(CATALOGUE[key][lang]) for lang in LANGUAGES}
    assert names == dict.fromkeys(LANGUAGES, placeholders(TEMPLATE[key]))


@pytest.mark.parametrize("lang", [None, *LANGUAGES])
def test_catalogue_files_hold_one_entry_per_template_key(lang: str | None) -> None:
    catalog = read_catalogue(lang)  # Babel refuses a file it cannot parse
    entries = [(message.context, message.id) for message in catalog if message.id]
    keys = [key for key, _ in entries]
    assert None not in keys
    assert len(keys) == len(set(keys))
    assert dict(entries) == TEMPLATE
    assert catalog.locale_identifier == lang  # the file's Language header


@pytest.mark.parametrize("lang", [None, *LANGUAGES])
def test_catalogue_files_quote_every_string(lang: str | None) -> None:
    lines = catalogue_file(lang).read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not PO_LINE.fullmatch(line)] == []


def test_every_key_looked_up_is_in_the_catalogue() -> None:
    keys = keys_looked_up()
    assert len(keys) > 100  # the scan finds the calls
    assert sorted(keys - set(CATALOGUE)) == []


def test_t_shows_english_where_a_language_lacks_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    lacking = {**CATALOGUE, "nav.home": {"en": "Home"}}
    monkeypatch.setattr(i18n, "CATALOGUE", lacking)
    assert t("nav.home", "vi") == "Home"


@pytest.mark.parametrize(
    ("key", "lang", "kwargs", "expected"),
    [
        ("nav.home", "en", {}, "Home"),
        ("nav.home", "vi", {}, "Trang chủ"),
        ("nav.import", "vi", {}, "Nhập dữ liệu"),
        ("channel.hotline", "vi", {}, "Tổng đài"),
        ("home.uncategorised", "vi", {}, "Chưa phân loại"),
        ("import.progress", "en", {"percent": 40}, "Importing… 40%"),
        ("import.progress", "vi", {"percent": 40}, "Đang nhập… 40%"),
        (
            "home.local_time",
            "en",
            {"zone": "Asia/Ho_Chi_Minh"},
            "Times are company local time (Asia/Ho_Chi_Minh).",
        ),
    ],
)
def test_t(key: str, lang: str, kwargs: dict[str, str], expected: str) -> None:
    assert t(key, lang, **kwargs) == expected


@pytest.mark.parametrize(
    ("key", "lang", "error"),
    [("no.such.key", "en", KeyError), ("nav.home", "fr", ValueError), ("nav.home", "", ValueError)],
)
def test_t_refuses_unknown_keys_and_languages(key: str, lang: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        t(key, lang)


@pytest.mark.parametrize(
    ("requested", "locale", "expected"),
    [
        (None, None, "en"),
        ("vi", None, "vi"),
        ("en", "vi-VN", "en"),
        (" VI ", "en-US", "vi"),
        ("fr", None, "en"),
        ("fr", "vi-VN", "vi"),
        (None, "vi", "vi"),
        (None, "en-GB", "en"),
        ("", "vi-VN", "vi"),
    ],
)
def test_pick_language(requested: str | None, locale: str | None, expected: str) -> None:
    assert pick_language(requested, locale) == expected


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "vi", 1, "1.234,5"),
        (1234567, "en", 0, "1,234,567"),
        (1234567, "vi", 0, "1.234.567"),
        (0, "vi", 0, "0"),
        (999, "vi", 0, "999"),
        (-1234.56, "vi", 2, "-1.234,56"),
        (0.125, "en", 2, "0.12"),
        (87.5, "vi", 1, "87,5"),
        # Rounded as written, not as the nearest binary float (2.67499…) would be.
        (2.675, "en", 2, "2.68"),
        (None, "en", 0, "—"),
        (None, "vi", 1, "—"),
        (float("nan"), "vi", 1, "—"),
    ],
)
def test_format_number(value: float | None, lang: str, decimals: int, expected: str) -> None:
    assert format_number(value, lang, decimals=decimals) == expected


@pytest.mark.parametrize(
    ("seconds", "lang", "expected"),
    [
        (0, "en", "0 s"),
        (44.4, "en", "44 s"),
        (59.6, "en", "1 min 0 s"),
        (125, "en", "2 min 5 s"),
        (125, "vi", "2 phút 5 giây"),
        (3725, "en", "62 min 5 s"),
        (-3, "en", "0 s"),
    ],
)
def test_format_duration(seconds: float, lang: str, expected: str) -> None:
    assert format_duration(seconds, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (0.875, "en", 1, "87.5%"),
        (0.875, "vi", 1, "87,5%"),
        (0.875, "vi", 0, "88%"),
        (12.3456, "en", 0, "1,235%"),
        (0, "vi", 1, "0,0%"),
        (None, "vi", 1, "—"),
        (float("nan"), "en", 0, "—"),
    ],
)
def test_format_percent(value: float | None, lang: str, decimals: int, expected: str) -> None:
    assert format_percent(value, lang, decimals=decimals) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (date(2026, 10, 1), "en", "2026-10-01"),
        (date(2026, 10, 1), "vi", "01/10/2026"),
        (date(2026, 1, 31), "vi", "31/01/2026"),
        (None, "vi", "—"),
    ],
)
def test_format_date(value: date | None, lang: str, expected: str) -> None:
    assert format_date(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "tz", "expected"),
    [
        # 17:05 UTC on the last day of September is already October in Hanoi.
        (datetime(2026, 9, 30, 17, 5, tzinfo=UTC), "en", HCM, "2026-10-01 00:05"),
        (datetime(2026, 9, 30, 17, 5, tzinfo=UTC), "vi", HCM, "01/10/2026 00:05"),
        (datetime(2026, 9, 30, 17, 5, tzinfo=UTC), "vi", None, "30/09/2026 17:05"),
        (
            datetime(2026, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=7))),
            "en",
            UTC,
            "2026-01-01 20:04",
        ),
        (datetime(2026, 1, 2, 3, 4), "vi", None, "02/01/2026 03:04"),
        (None, "en", HCM, "—"),
    ],
)
def test_format_datetime(
    value: datetime | None, lang: str, tz: ZoneInfo | None, expected: str
) -> None:
    assert format_datetime(value, lang, tz=tz) == expected


def test_format_datetime_refuses_a_naive_value_with_a_zone() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 1, 2, 3, 4), "en", tz=HCM)


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "YYYY-MM-DD HH:mm"), ("vi", "DD/MM/YYYY HH:mm")]
)
def test_table_datetime_pattern(lang: str, expected: str) -> None:
    assert table_datetime_pattern(lang) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_number(1, "de"),
        lambda: format_percent(0.5, "de"),
        lambda: format_date(date(2026, 1, 1), "de"),
        lambda: format_datetime(datetime(2026, 1, 1, tzinfo=UTC), "de"),
        lambda: table_datetime_pattern("de"),
    ],
)
def test_formats_refuse_unknown_languages(call: Callable[[], str]) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        call()
