"""Export every stored record as the canonical record file (CSV, XLSX, JSON, JSON Lines)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Engine, case, select

from feedback_analytics.config import get_settings
from feedback_analytics.db.models import Customer, Feedback, SurveyResponse
from feedback_analytics.errors import ActionableError
from feedback_analytics.ingest.load import CUSTOMER_FIELDS, SURVEY_FIELDS
from feedback_analytics.ingest.results import FileUnreadable
from feedback_analytics.ingest.values import COLUMNS, TIMESTAMPS

XLSX_CELL_LIMIT = 32_767
XLSX_ROW_LIMIT = 1_048_575
EXPORT_FORMATS = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_BATCH = 20_000


class ExportRefused(ActionableError):
    """An export that would lose data; the message says which record and why."""


def canonical_query() -> Any:
    """Return the select of every record in canonical columns, oldest id first."""
    f, c, s = Feedback.__table__, Customer.__table__, SurveyResponse.__table__
    columns: list[ColumnElement[Any]] = []
    for name in COLUMNS:
        if name in CUSTOMER_FIELDS:
            columns.append(c.c[CUSTOMER_FIELDS[name]].label(name))
        elif name in SURVEY_FIELDS:
            columns.append(s.c[SURVEY_FIELDS[name]].label(name))
        elif name == "category":
            # Only a human label is a category in the file; a prediction is not.
            columns.append(
                case((f.c.category_source == "human", f.c.category), else_=None).label(name)
            )
        else:
            columns.append(f.c[name])
    return (
        select(*columns)
        .select_from(
            f.outerjoin(c, c.c.id == f.c.customer_id).outerjoin(s, s.c.feedback_id == f.c.id)
        )
        .order_by(f.c.id)
    )


def format_timestamp(value: Any, tz: tzinfo) -> str:
    """Return an instant as ISO 8601 in company time with its offset, '' for none."""
    if value is None or value is pd.NaT:
        return ""
    local = value.astimezone(tz)
    return local.isoformat(timespec="microseconds" if local.microsecond else "seconds")


def canonical_rows(engine: Engine) -> Iterator[list[str]]:
    """Yield every record as the canonical file's cells, as text."""
    tz = get_settings().tz
    stamp_positions = [COLUMNS.index(c) for c in TIMESTAMPS]
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=_BATCH).execute(canonical_query())
        for row in result:
            cells = ["" if v is None else str(v) for v in row]
            for i in stamp_positions:
                cells[i] = format_timestamp(row[i], tz)
            yield cells


def export_records(engine: Engine, path: Path) -> int:
    """Write every record to `path` in the format its extension names; return the count."""
    fmt = EXPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileUnreadable(
            f"cannot export to '{path.name}': name the file .csv, .xlsx, .json or .jsonl"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        count = {"csv": _csv, "xlsx": _xlsx, "json": _json, "jsonl": _jsonl}[fmt](
            canonical_rows(engine), partial
        )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _csv(rows: Iterator[list[str]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for count, row in enumerate(rows, start=1):  # noqa: B007 - the count is the result
            writer.writerow(row)
    return count


def _object(row: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = dict(zip(COLUMNS, row, strict=True))
    if values["satisfaction_score"]:
        values["satisfaction_score"] = int(values["satisfaction_score"])
    return values


def _json(rows: Iterator[list[str]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for count, row in enumerate(rows, start=1):
            out.write(
                ("\n" if count == 1 else ",\n") + json.dumps(_object(row), ensure_ascii=False)
            )
        out.write("\n]\n" if count else "]\n")
    return count


def _jsonl(rows: Iterator[list[str]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for count, row in enumerate(rows, start=1):  # noqa: B007
            out.write(json.dumps(_object(row), ensure_ascii=False) + "\n")
    return count


def _xlsx(rows: Iterator[list[str]], path: Path) -> int:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    workbook.set_properties({"created": pd.Timestamp("2000-01-01").to_pydatetime()})
    sheet = workbook.add_worksheet("feedback")
    sheet.write_row(0, 0, COLUMNS)
    count = 0
    try:
        for count, row in enumerate(rows, start=1):
            if count > XLSX_ROW_LIMIT:
                raise ExportRefused(
                    f"XLSX holds at most {XLSX_ROW_LIMIT:,} records; export to .csv instead"
                )
            for column, cell in enumerate(row):
                if len(cell) > XLSX_CELL_LIMIT:
                    raise ExportRefused(
                        f"record {row[0]} ({row[1]}): {COLUMNS[column]} has {len(cell):,} "
                        f"characters but an XLSX cell holds {XLSX_CELL_LIMIT:,}; export to "
                        ".csv or .json instead, which keep the whole text"
                    )
                if column == COLUMNS.index("satisfaction_score") and cell:
                    sheet.write_number(count, column, int(cell))
                else:
                    sheet.write_string(count, column, cell)
    finally:
        workbook.close()
    return count
