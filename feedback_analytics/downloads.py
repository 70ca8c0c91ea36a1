"""Spreadsheet downloads from the pages: CSV and XLSX files a person opens in a spreadsheet.

Unlike the canonical export, these are for reading, so a cell a spreadsheet would run as a
formula (it starts with =, +, - or @) is prefixed with an apostrophe, and XLSX text cells are
always written as text. Times are shown in company time.
"""

from __future__ import annotations

import io
from datetime import tzinfo
from typing import Any

import pandas as pd

from feedback_analytics.ingest.export import XLSX_CELL_LIMIT, XLSX_ROW_LIMIT, ExportRefused
from feedback_analytics.ingest.pipeline import neutralise_formula

DOWNLOAD_FORMATS = ("csv", "xlsx")
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_cells(frame: pd.DataFrame, tz: tzinfo) -> pd.DataFrame:
    """Return the frame as text cells: company-time timestamps, neutralised formulas."""
    cells = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            local = column.dt.tz_convert(tz)
            cells[name] = local.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
        elif pd.api.types.is_numeric_dtype(column.dtype):
            cells[name] = column.astype("object").where(column.notna(), None)
        else:
            cells[name] = column.map(_text, na_action="ignore").fillna("")
    return cells


def to_spreadsheet(frame: pd.DataFrame, fmt: str, *, tz: tzinfo, sheet: str = "records") -> bytes:
    """Return the frame as a CSV (UTF-8 with BOM) or XLSX file's bytes, formulas neutralised."""
    cells = spreadsheet_cells(frame, tz)
    if fmt == "csv":
        return cells.to_csv(index=False).encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"unknown download format {fmt!r}; expected csv or xlsx")
    if len(cells) > XLSX_ROW_LIMIT:
        raise ExportRefused(
            f"XLSX holds at most {XLSX_ROW_LIMIT:,} rows and these are {len(cells):,}; "
            "download CSV instead"
        )
    buffer = io.BytesIO()
    workbook = text_workbook(buffer)
    worksheet = workbook.add_worksheet(sheet[:31])
    worksheet.write_row(0, 0, [str(name) for name in cells.columns])
    for row, values in enumerate(cells.itertuples(index=False), start=1):
        for column, value in enumerate(values):
            _write_cell(worksheet, row, column, value)
    workbook.close()
    return buffer.getvalue()


def text_workbook(buffer: io.BytesIO) -> Any:
    """Return an in-memory xlsxwriter workbook that writes every string as text: never a
    formula, a link or a number."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def _text(value: Any) -> str:
    return neutralise_formula(str(value))


def _write_cell(worksheet: Any, row: int, column: int, value: Any) -> None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return
    if isinstance(value, str):
        # XLSX keeps 32,767 characters a cell: the rest goes, and the cell says so.
        if len(value) > XLSX_CELL_LIMIT:
            value = value[: XLSX_CELL_LIMIT - 40] + " […cut: download CSV for all of it]"
        worksheet.write_string(row, column, value)
    else:
        worksheet.write_number(row, column, value)
