"""The streaming XLSX reader: it reads what calamine reads, and refuses, before expanding it, a
workbook that would expand past a cap, naming the cap and the setting that raises it."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import datetime, timedelta
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine

from feedback_analytics.config import get_settings
from feedback_analytics.db import Feedback
from feedback_analytics.ingest import import_source
from feedback_analytics.ingest.readers import cell_text
from feedback_analytics.ingest.results import FileUnreadable
from feedback_analytics.ingest.workbook import Sheet
from tests.resilience import bombs
from tests.resilience.helpers import count

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FORMATS = [
    "yyyy-mm-dd",
    "yyyy-mm-dd hh:mm",
    "dd/mm/yyyy hh:mm:ss",
    "hh:mm",
    "[h]:mm:ss",
    "0.00",
    "General",
    '"day" 0',
    "0%",
    "[$-409]d-mmm-yy;@",
    "mmm d",
]


def sheet_rows(data: bytes, **caps: int) -> list[tuple[int, list[Any]]]:
    """Return every row the streaming reader reads from a workbook."""
    limits = {"max_expanded_mb": 1024, "max_shared_strings_mb": 512} | caps
    sheet = Sheet(io.BytesIO(data), **limits)
    return [row for block in sheet.rows() for row in block]


def calamine_rows(data: bytes) -> list[list[Any]]:
    """Return the first sheet as calamine reads it."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return sheet.to_python(skip_empty_area=False)


def varied_workbook(date1904: bool = False) -> bytes:
    """Return a workbook of every kind of cell: text, numbers, dates in many formats,
    durations, booleans, formulas, empty cells and rows, shared and repeated strings."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "date_1904": date1904})
    sheet = workbook.add_worksheet()
    randomly = random.Random(21)
    sheet.write_row(0, 0, ["external_id", "channel", "received_at", "current_feature", "n"])
    styles = [workbook.add_format({"num_format": code}) for code in FORMATS]
    for r in range(1, 400):
        if r % 37 == 0:
            continue  # an empty row
        moment = datetime(2020, 1, 1) + timedelta(seconds=randomly.randrange(10**9))
        sheet.write_string(r, 0, f"X-{r}")
        sheet.write_string(r, 1, randomly.choice(["email", "Hotline", "  web form ", "điện thoại"]))
        sheet.write_datetime(r, 2, moment, styles[r % len(styles)])
        sheet.write_string(r, 3, randomly.choice(["Tốc độ VPN\nchậm", "=SUM(A1)", "a" * 300, ""]))
        sheet.write_number(r, 4, randomly.choice([4.0, 0.1, 1e17, -3.5, 46296.75]))
        sheet.write_number(r, 7, randomly.uniform(0, 50_000), styles[r % len(styles)])
        if r % 5 == 0:
            sheet.write_boolean(r, 5, r % 2 == 0)
        if r % 7 == 0:
            sheet.write_formula(r, 6, '="a"&"b"', None, "ab")
    workbook.close()
    return buffer.getvalue()


@pytest.mark.parametrize("date1904", [False, True])
def test_cells_read_as_calamine_reads_them(date1904: bool) -> None:
    data = varied_workbook(date1904)
    expected = calamine_rows(data)
    found = sheet_rows(data)
    width = len(found[0][1])
    by_number = {number: cells for number, cells in found}
    for number, row in enumerate(expected, start=1):
        cells = by_number.get(number, [])
        mine = [cell_text(c) for c in cells] + [""] * (width - len(cells))
        theirs = [cell_text(c) for c in row][:width]
        theirs += [""] * (width - len(theirs))
        assert mine == theirs, number


def workbook(sheet_xml: str, shared: list[str] | None = None, *, prefix: str = "") -> bytes:
    """Return a workbook written by hand around one sheet's XML (its sheetData content)."""
    x = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    sheet = (
        f'<{x}worksheet {xmlns}="{MAIN}"><{x}sheetData>{sheet_xml}</{x}sheetData></{x}worksheet>'
    )
    strings = "".join(f"<si><t>{s}</t></si>" for s in shared or [])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", bombs._CONTENT_TYPES)
        archive.writestr("_rels/.rels", bombs._ROOT_RELS)
        archive.writestr("xl/workbook.xml", bombs._WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", bombs._WORKBOOK_RELS)
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("sheet_xml", "prefix", "expected"),
    [
        # Cells without references follow each other; rows without numbers too.
        ('<row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>b</t></is></c></row>', "", ["a", "b"]),
        # Rich text is joined; its phonetic reading (rPh) is not text of the cell.
        (
            '<row r="1"><c r="B1" t="inlineStr"><is><r><t>ab</t></r><r><t xml:space="preserve"> c'
            "</t></r><rPh><t>PH</t></rPh></is></c></row>",
            "",
            [None, "ab c"],
        ),
        # Booleans, errors, formula text, ISO dates.
        (
            '<row><c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c><c t="str"><f>A1</f><v>x</v>'
            '</c><c t="d"><v>2026-10-01T09:05:00</v></c></row>',
            "",
            [True, "", "x", datetime(2026, 10, 1, 9, 5)],
        ),
        # Elements with a namespace prefix.
        ('<x:row><x:c t="s"><x:v>0</x:v></x:c></x:row>', "x", ["a"]),
    ],
)
def test_hand_written_sheets(sheet_xml: str, prefix: str, expected: list[Any]) -> None:
    assert sheet_rows(workbook(sheet_xml, ["a"], prefix=prefix)) == [(1, expected)]


def test_rows_after_the_header_are_cut_to_its_width_and_keep_their_numbers() -> None:
    data = workbook(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row>'
        '<row r="4"><c r="B4"><v>2</v></c><c r="XFD4"><v>3</v></c></row>',
        ["h"],
    )
    assert sheet_rows(data) == [(1, ["h", "h"]), (4, [None, 2.0])]


def refusal(data: bytes, **caps: int) -> str:
    """Return why the reader refuses a workbook."""
    with pytest.raises(FileUnreadable) as refused:
        sheet_rows(data, **caps)
    return str(refused.value)


def test_the_shared_string_bomb_is_refused_before_a_row_is_read() -> None:
    message = refusal(bombs.shared_string_xlsx(rows=2_000, chars=30_000), max_expanded_mb=100)
    assert message == (
        "is refused: its first sheet's text with the shared strings filled in comes to 228.9 MB, "
        "more than the 100 MB a workbook may (the cap max_xlsx_expanded_mb; raise it with "
        "FEEDBACK_MAX_XLSX_EXPANDED_MB): save the sheet as CSV, or split it"
    )


def test_text_the_scan_cannot_see_is_counted_as_it_is_read() -> None:
    # Spaces around "=" are XML, but not how the scan expects a shared string's cell.
    rows = '<row><c t = "s"><v>0</v></c></row>' * 8
    message = refusal(workbook(rows, ["y" * 300_000]), max_expanded_mb=1)
    assert message.startswith("is refused: its first sheet's text with the shared strings filled")
    assert "(the cap max_xlsx_expanded_mb; raise it with FEEDBACK_MAX_XLSX_EXPANDED_MB)" in message


def test_a_workbook_that_unzips_past_the_cap_is_refused_unread() -> None:
    rows = "<row><c><v>1</v></c></row>" * 60_000  # 1.5 MB unzipped, a few KB zipped
    message = refusal(workbook(rows), max_expanded_mb=1)
    assert message.startswith("is refused: its parts once unzipped comes to 1.")
    assert "(the cap max_xlsx_expanded_mb; raise it with FEEDBACK_MAX_XLSX_EXPANDED_MB)" in message


def test_a_shared_strings_table_past_its_cap_is_refused() -> None:
    message = refusal(workbook("<row/>", [f"s{i}" for i in range(30_000)]), max_shared_strings_mb=1)
    assert message.startswith("is refused: its shared-strings table comes to 1.")
    assert "more than the 1 MB a workbook may" in message
    assert (
        "(the cap max_xlsx_shared_strings_mb; raise it with FEEDBACK_MAX_XLSX_SHARED_STRINGS_MB)"
        in message
    )


@pytest.mark.parametrize(
    ("sheet_xml", "phrase"),
    [
        ('<row r="2"/><row r="1"/>', "row 1 comes after row 2"),
        ('<row><c r="ZZZZ1"><v>1</v></c></row>', "a cell is at 'ZZZZ1'"),
        ('<row><c t="s"><v>7</v></c></row>', "a cell points at shared string '7'"),
        ("<row><c><v>1</v></row>", "broken XML: mismatched tag"),
    ],
)
def test_a_broken_sheet_is_unreadable_and_says_where(sheet_xml: str, phrase: str) -> None:
    message = refusal(workbook(sheet_xml, ["a"]))
    assert phrase in message
    assert "save it again as .xlsx" in message


def test_entities_are_refused_not_expanded() -> None:
    # A billion laughs: each entity ten of the one before, the last one a gigabyte.
    entities = '<!ENTITY e0 "aaaaaaaaaa">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 9)
    )
    sheet = (
        f'<!DOCTYPE worksheet [{entities}]><worksheet xmlns="{MAIN}"><sheetData><row>'
        '<c t="inlineStr"><is><t>&e8;</t></is></c></row></sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook("<row/>"))) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for part in source.infolist():
            is_sheet = part.filename == "xl/worksheets/sheet1.xml"
            target.writestr(part, sheet if is_sheet else source.read(part))
    assert "document type declaration" in refusal(buffer.getvalue())


def test_a_zip_of_many_parts_is_refused_before_zipfile_lists_them() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(110_000):
            archive.writestr(f"p{i}", b"")
    assert "its zip's list of parts alone takes 5.5 MB" in refusal(buffer.getvalue())


def test_a_refused_workbook_stores_nothing(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEEDBACK_MAX_XLSX_EXPANDED_MB", "50")
    get_settings.cache_clear()
    data = bombs.shared_string_xlsx(rows=2_000, chars=30_000)
    result = import_source(sqlite_engine, data, file_name="bomb.xlsx")
    assert result.unreadable is not None
    assert result.unreadable.startswith("bomb.xlsx is refused: its first sheet's text")
    assert "FEEDBACK_MAX_XLSX_EXPANDED_MB" in result.unreadable
    assert count(sqlite_engine, Feedback) == 0
