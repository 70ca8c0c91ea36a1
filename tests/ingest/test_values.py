"""Table-driven tests of the cell parsers: timestamps, codes with aliases, scores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from feedback_analytics.ingest.values import (
    CHANNEL_ALIASES,
    PRIORITY_ALIASES,
    STATUS_VALUES,
    parse_choice,
    parse_scores,
    parse_timestamps,
    quoted,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-09-30T17:05:00Z", utc(2026, 9, 30, 17, 5)),  # received in October, local time
        ("2026-09-30T17:05:00z", utc(2026, 9, 30, 17, 5)),
        ("2026-10-01T00:05:00+07:00", utc(2026, 9, 30, 17, 5)),
        ("2026-10-01T00:05+0700", utc(2026, 9, 30, 17, 5)),
        ("2026-09-30T12:05:00-05:00", utc(2026, 9, 30, 17, 5)),
        ("2026-10-01 00:05", utc(2026, 9, 30, 17, 5)),  # no offset: company local time
        ("2026-10-01T00:05:30", utc(2026, 9, 30, 17, 5, 30)),
        ("2026-10-01 00:05:30.250", utc(2026, 9, 30, 17, 5, 30, 250000)),
        ("2026-10-01T00:05:30.123456789+07:00", utc(2026, 9, 30, 17, 5, 30, 123456)),
        ("2026-10-01", utc(2026, 9, 30, 17, 0)),  # a date alone: local midnight
        ("01/10/2026 00:05", utc(2026, 9, 30, 17, 5)),  # day first
        ("1/10/2026 0:05:09", utc(2026, 9, 30, 17, 5, 9)),
        ("01/10/2026", utc(2026, 9, 30, 17, 0)),
        ("  2026-10-01 00:05  ", utc(2026, 9, 30, 17, 5)),
    ],
)
def test_timestamp_forms(cell: str, expected: datetime) -> None:
    values, reasons = parse_timestamps(pd.Series([cell]), tz=HCM)
    assert values[0].to_pydatetime() == expected
    assert reasons[0] == ""


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-10-01", utc(2026, 10, 1, 16, 59, 59)),  # the day's last second, local
        ("01/10/2026", utc(2026, 10, 1, 16, 59, 59)),
        ("2026-10-01 09:00", utc(2026, 10, 1, 2, 0)),  # a time is kept as given
    ],
)
def test_due_date_alone_means_end_of_day(cell: str, expected: datetime) -> None:
    values, _ = parse_timestamps(pd.Series([cell]), tz=HCM, end_of_day=True)
    assert values[0].to_pydatetime() == expected


@pytest.mark.parametrize(
    "cell",
    [
        "2026-02-30",  # no such day
        "2026-13-01",
        "31/02/2026",
        "2026-09-30 24:00",
        "2026-09-30 12:60",
        "2026",
        "2026-09",
        "09/30/2026 10:00",  # month first is not the convention: month 30
        "yesterday",
        "30.09.2026",
        "=NOW()",
    ],
)
def test_unreadable_timestamps_say_how_to_write_them(cell: str) -> None:
    values, reasons = parse_timestamps(pd.Series([cell]), tz=HCM)
    assert pd.isna(values[0])
    assert reasons[0].startswith(f"'{cell}' is not a date and time")
    assert "30/09/2026 14:05" in reasons[0]


def test_empty_timestamp_is_no_value_and_no_problem() -> None:
    values, reasons = parse_timestamps(pd.Series(["", "  "]), tz=HCM)
    assert values.isna().all()
    assert (reasons == "").all()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("email", "email"),
        ("E-Mail", "email"),
        (" mail ", "email"),
        ("hotline", "hotline"),
        ("Phone", "hotline"),
        ("call", "hotline"),
        ("Điện thoại", "hotline"),
        ("web_form", "web_form"),
        ("Web Form", "web_form"),
        ("web-form", "web_form"),
        ("form", "web_form"),
        ("online form", "web_form"),
        ("Form trực tuyến", "web_form"),
    ],
)
def test_channel_aliases(cell: str, expected: str) -> None:
    values, reasons = parse_choice(pd.Series([cell]), CHANNEL_ALIASES, what="channel")
    assert values[0] == expected
    assert reasons[0] == ""


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("urgent", "urgent"),
        ("HIGH", "high"),
        ("normal", "normal"),
        ("low", "low"),
        ("Khẩn cấp", "urgent"),
        ("cao", "high"),
        ("bình thường", "normal"),
        ("thấp", "low"),
    ],
)
def test_priority_aliases(cell: str, expected: str) -> None:
    values, _ = parse_choice(pd.Series([cell]), PRIORITY_ALIASES, what="priority")
    assert values[0] == expected


@pytest.mark.parametrize(
    ("cell", "aliases", "what"),
    [
        ("fax", CHANNEL_ALIASES, "channel"),
        ("sms", CHANNEL_ALIASES, "channel"),
        ("webform", CHANNEL_ALIASES, "channel"),  # not one of the listed aliases
        ("critical", PRIORITY_ALIASES, "priority"),
        ("done", STATUS_VALUES, "status"),
        ("in progress", STATUS_VALUES, "status"),
    ],
)
def test_values_outside_their_set_name_the_allowed_ones(
    cell: str, aliases: dict[str, str], what: str
) -> None:
    values, reasons = parse_choice(pd.Series([cell]), aliases, what=what)
    assert values[0] is None
    assert reasons[0].startswith(f"'{cell}' is not a {what}: use one of ")
    for allowed in set(aliases.values()):
        assert allowed in reasons[0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1", 1), ("5", 5), ("4.0", 4), (" 3 ", 3), ("2.00", 2)],
)
def test_scores(cell: str, expected: int) -> None:
    scores, reasons = parse_scores(pd.Series([cell]))
    assert scores[0] == expected
    assert reasons[0] == ""


@pytest.mark.parametrize("cell", ["7", "0", "4.5", "-1", "five", "10", "4,0"])
def test_bad_scores_say_what_a_score_is(cell: str) -> None:
    scores, reasons = parse_scores(pd.Series([cell]))
    assert pd.isna(scores[0])
    assert reasons[0] == (f"'{cell}' is not a satisfaction score: write a whole number from 1 to 5")


LONG = "x" * 30_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fax", "'fax'"),
        ("", "''"),
        (None, "''"),
        (4.5, "'4.5'"),
        ("y" * 50, "'" + "y" * 50 + "'"),
        ("y" * 51, "'" + "y" * 50 + "…'"),
        (LONG, "'" + "x" * 50 + "…'"),
    ],
)
def test_a_reason_quotes_at_most_a_short_prefix(value: object, expected: str) -> None:
    assert quoted(value) == expected


@pytest.mark.parametrize(
    "parse",
    [
        lambda cells: parse_choice(cells, CHANNEL_ALIASES, what="channel"),
        lambda cells: parse_timestamps(cells, tz=HCM),
        parse_scores,
    ],
    ids=["choice", "timestamp", "score"],
)
def test_a_bad_cell_of_30000_characters_gives_a_short_reason(
    parse: Callable[[pd.Series], tuple[pd.Series, pd.Series]],
) -> None:
    _, reasons = parse(pd.Series([LONG, LONG + " "], index=[2, 3], dtype=object))
    assert all(reason.startswith("'" + "x" * 50 + "…' is not a ") for reason in reasons)
    assert max(len(reason) for reason in reasons) < 200
