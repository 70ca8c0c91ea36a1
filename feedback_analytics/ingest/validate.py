"""Check a chunk of rows against the canonical record file's rules, all rows at once."""

from __future__ import annotations

from collections import defaultdict
from datetime import tzinfo
from typing import cast

import pandas as pd

from feedback_analytics.ingest.results import RowError
from feedback_analytics.ingest.values import (
    CHANNEL_ALIASES,
    LATER_THAN_RECEIVED,
    MAX_EXTERNAL_ID,
    PRIORITY_ALIASES,
    REQUIRED,
    STATUS_VALUES,
    TEXTS,
    TIMESTAMPS,
    parse_choice,
    parse_scores,
    parse_timestamps,
)

Problems = dict[int, list[RowError]]


def _note(problems: Problems, file: str, column: str, reasons: pd.Series) -> None:
    """Add each non-empty reason as a problem of its row."""
    for row, reason in reasons[reasons != ""].items():
        problems[int(cast(int, row))].append(RowError(file, int(cast(int, row)), column, reason))


def parse_chunk(
    frame: pd.DataFrame, *, file: str, tz: tzinfo, max_text: int
) -> tuple[pd.DataFrame, Problems]:
    """Return the chunk's values parsed (None/NaT/<NA> where empty) and each row's problems."""
    problems: Problems = defaultdict(list)
    parsed = pd.DataFrame(index=frame.index)
    blank = {c: frame[c].astype("str").str.strip() == "" for c in frame.columns}

    for column in REQUIRED:
        reasons = pd.Series("", index=frame.index, dtype=object)
        reasons[blank[column]] = "is required but empty: fill it in"
        _note(problems, file, column, reasons)

    external = frame["external_id"].astype("str").str.strip()
    too_long = external.str.len() > MAX_EXTERNAL_ID
    reasons = pd.Series("", index=frame.index, dtype=object)
    reasons[too_long] = f"is longer than {MAX_EXTERNAL_ID} characters: shorten it"
    _note(problems, file, "external_id", reasons)
    parsed["external_id"] = external.astype(object)

    for column, aliases, what in (
        ("channel", CHANNEL_ALIASES, "channel"),
        ("priority", PRIORITY_ALIASES, "priority"),
        ("status", STATUS_VALUES, "status"),
    ):
        values, reasons = parse_choice(frame[column], aliases, what=what)
        parsed[column] = values
        _note(problems, file, column, reasons)

    for column in TIMESTAMPS:
        values, reasons = parse_timestamps(frame[column], tz=tz, end_of_day=column == "due_at")
        parsed[column] = values
        _note(problems, file, column, reasons)

    scores, reasons = parse_scores(frame["satisfaction_score"])
    parsed["satisfaction_score"] = scores
    _note(problems, file, "satisfaction_score", reasons)

    for column in TEXTS:
        text = frame[column]
        parsed[column] = text.where(~blank[column], None)
        lengths = text.astype("str").str.len()
        long = lengths > max_text
        if long.any():
            reasons = pd.Series("", index=frame.index, dtype=object)
            # pandas-stubs refuse a list for a masked assignment, which pandas supports.
            reasons[long] = [  # type: ignore[call-overload]
                f"is {n:,} characters long; at most {max_text:,} are kept: shorten it"
                for n in lengths[long]
            ]
            _note(problems, file, column, reasons)
    return parsed, problems


def check_order(values: pd.DataFrame, *, file: str, tz: tzinfo, problems: Problems) -> None:
    """Add a problem for each timestamp before received_at and each score without a time."""
    received = values["received_at"]
    for column in LATER_THAN_RECEIVED:
        early = values[column].notna() & received.notna() & (values[column] < received)
        if early.any():
            reasons: pd.Series = pd.Series("", index=values.index, dtype=object)
            reasons[early] = [
                f"{stamp.tz_convert(tz).isoformat()} is earlier than received_at "
                f"{start.tz_convert(tz).isoformat()}: correct either time"
                for stamp, start in zip(values[column][early], received[early], strict=True)
            ]
            _note(problems, file, column, reasons)
    timeless = (
        values["satisfaction_score"].notna()
        & values["surveyed_at"].isna()
        & values["responded_at"].isna()
        & values["resolved_at"].isna()
    )
    if timeless.any():
        reasons = pd.Series("", index=values.index, dtype=object)
        reasons[timeless] = (
            "a score needs a survey time: fill surveyed_at (or the record's responded_at or "
            "resolved_at)"
        )
        _note(problems, file, "satisfaction_score", reasons)
