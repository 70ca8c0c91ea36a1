"""Spreadsheet downloads of the pages: formulas never run, text stays text, times are local."""

from __future__ import annotations

import io
import zipfile
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from feedback_analytics.downloads import spreadsheet_cells, to_spreadsheet
from feedback_analytics.ingest.pipeline import neutralise_formula

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FRAME = pd.DataFrame(
    {
        "external_id": ["=1+1", "+33 123", "-2", "@SUM(A1)", "plain"],
        "received_at": pd.to_datetime(
            ["2026-09-30T17:05:00Z", None, "2026-10-01T00:00:00Z", None, None], utc=True
        ),
        "proposal": ["Thêm xác thực hai lớp", "line one\nline two", None, "'quoted", "ok"],
        "satisfaction_score": pd.array([5, None, 1, None, 4], dtype="Int64"),
    }
)


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+33 123", "'+33 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("plain", "plain"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str, shown: str) -> None:
    cells = spreadsheet_cells(FRAME, HCM)
    assert cells.loc[FRAME["external_id"] == cell, "external_id"].item() == shown


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("\t=1+1", "'\t=1+1"),
        ('\r=HYPERLINK("http://x")', '\'\r=HYPERLINK("http://x")'),
        ("\t@SUM(A1)", "'\t@SUM(A1)"),
        ("\r\n-2", "'\r\n-2"),
        ("a\t=1", "a\t=1"),
        ("", ""),
    ],
)
def test_a_tab_or_carriage_return_before_a_formula_is_neutralised(cell: str, written: str) -> None:
    assert neutralise_formula(cell) == written
    data = to_spreadsheet(pd.DataFrame({"external_id": [cell]}), "csv", tz=HCM)
    read_back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert read_back["external_id"].item() == written


def test_times_are_company_time_and_empty_stays_empty() -> None:
    cells = spreadsheet_cells(FRAME, HCM)
    assert list(cells["received_at"]) == ["2026-10-01 00:05:00", "", "2026-10-01 07:00:00", "", ""]
    assert list(cells["proposal"])[1:3] == ["line one\nline two", ""]


def test_csv_has_a_bom_and_keeps_text_exactly() -> None:
    data = to_spreadsheet(FRAME, "csv", tz=HCM)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back.loc[0, "proposal"] == "Thêm xác thực hai lớp"
    assert back.loc[1, "proposal"] == "line one\nline two"
    assert back.loc[0, "external_id"] == "'=1+1"


def test_xlsx_writes_text_as_text_and_no_formula() -> None:
    data = to_spreadsheet(FRAME, "xlsx", tz=HCM)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["external_id", "received_at", "proposal", "satisfaction_score"]
    assert rows[1][0] == "'=1+1" and rows[1][3] == 5
    assert rows[2][3] == ""  # no score: an empty cell, not 0


def test_xlsx_marks_a_text_it_had_to_cut() -> None:
    huge = pd.DataFrame({"proposal": ["x" * 40_000]})
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(to_spreadsheet(huge, "xlsx", tz=HCM)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(rows[1][0]) <= 32_767 and rows[1][0].endswith("download CSV for all of it]")


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="csv or xlsx"):
        to_spreadsheet(FRAME, "pdf", tz=HCM)
