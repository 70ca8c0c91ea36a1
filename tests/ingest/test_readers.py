"""Reading the canonical file in every format, encoding and shape it may come in."""

from __future__ import annotations

import codecs
import io
import json
import random
import zipfile
from datetime import datetime
from typing import Any

import pytest
import xlsxwriter
from sqlalchemy import Engine

from feedback_analytics.ingest import import_source, read_preview, readers
from feedback_analytics.ingest.readers import detect_format
from feedback_analytics.ingest.results import FileUnreadable
from tests.ingest.helpers import csv_bytes, row

VIETNAMESE = "Tốc độ VPN chậm vào giờ cao điểm, đề nghị tối ưu"
# Windows-1258 holds these letters whole (other tones it writes as combining marks).
CP1258_TEXT = "Đơn giá ưu đãi: Ơn, ăn, ô, ê, â, à, á"


def imported(engine: Engine, data: bytes, name: str = "f.csv", **kwargs):
    return import_source(engine, data, file_name=name, **kwargs)


@pytest.mark.parametrize(
    ("encoding", "prefix", "option"),
    [
        ("utf-8", b"", None),
        ("utf-8", codecs.BOM_UTF8, None),
        ("utf-16-le", codecs.BOM_UTF16_LE, None),
        ("utf-16-be", codecs.BOM_UTF16_BE, None),
        ("cp1258", b"", "cp1258"),
        ("cp1258", b"", "windows-1258"),
    ],
)
def test_encodings(sqlite_engine: Engine, encoding: str, prefix: bytes, option: str | None) -> None:
    text = CP1258_TEXT.replace("đãi", "dai") if encoding == "cp1258" else VIETNAMESE
    data = prefix + csv_bytes([row(current_feature=text)], encoding=encoding)
    result = imported(sqlite_engine, data, encoding=option)
    assert (result.inserted, result.unreadable) == (1, None)
    preview = read_preview(data, file_name="f.csv", encoding=option)
    assert preview.loc[2, "current_feature"] == text


def test_undecodable_file_says_where_and_what_to_do(sqlite_engine: Engine) -> None:
    text = CP1258_TEXT.replace("đãi", "dai")
    data = csv_bytes([row(), row(external_id="F-2", proposal=text)], encoding="cp1258")
    result = imported(sqlite_engine, data)
    assert result.unreadable is not None
    assert "cannot be decoded as utf-8" in result.unreadable
    assert "(line 3)" in result.unreadable
    assert "--encoding" in result.unreadable
    assert result.inserted == 0


def test_unknown_encoding_name_is_refused(sqlite_engine: Engine) -> None:
    result = imported(sqlite_engine, csv_bytes([row()]), encoding="klingon")
    assert result.unreadable is not None and "'klingon' is not an encoding" in result.unreadable


def test_semicolon_delimiter_is_detected(sqlite_engine: Engine) -> None:
    data = csv_bytes([row(current_feature="a, b, c")], delimiter=";")
    result = imported(sqlite_engine, data)
    assert (result.inserted, result.rejected) == (1, 0)


def test_header_matches_ignoring_case_and_spaces_and_warns_of_unknown(
    sqlite_engine: Engine,
) -> None:
    data = b" External_ID ,CHANNEL,Received_At , current_feature,notes\nA,email,2026-09-30,x,y\n"
    result = imported(sqlite_engine, data)
    assert result.inserted == 1
    assert result.warnings == ["column 'notes' is not a canonical column and was ignored"]


def test_thousands_of_unknown_columns_make_one_warning_that_names_the_first(
    sqlite_engine: Engine,
) -> None:
    extras = [f"extra_{i}" for i in range(5_000)]
    header = ",".join(["external_id", "channel", "received_at", "current_feature", *extras])
    line = ",".join(["A", "email", "2026-09-30", "x", *("y" for _ in extras)])
    blanks = ",,,,,,"  # six columns without a name at the end
    result = imported(sqlite_engine, f"{header}{blanks}\n{line}{blanks}\n".encode())
    assert result.inserted == 1
    assert result.warnings == [
        "6 columns have no name and were ignored (columns 5005, 5006, 5007, 5008, 5009 and 1 more)",
        "5,000 columns are not canonical columns and were ignored: 'extra_0', 'extra_1', "
        "'extra_2', 'extra_3', 'extra_4' and 4,995 more",
    ]


@pytest.mark.parametrize(
    ("header", "phrase"),
    [
        (b"external_id,channel,received_at\n", "lacks the required column(s) current_feature"),
        (
            b"external_id,channel,Channel,received_at,current_feature\n",
            "repeats the column 'Channel' (columns 2 and 3)",
        ),
        (b"", "the file is empty"),
        (b"\n\n  \n", "the file is empty"),
    ],
)
def test_unreadable_headers(sqlite_engine: Engine, header: bytes, phrase: str) -> None:
    result = imported(
        sqlite_engine, header + b"A,email,2026-09-30,x\n" if header.strip() else header
    )
    assert result.unreadable is not None and phrase in result.unreadable


def _wide_header(columns: int) -> bytes:
    names = ["external_id", "channel", "received_at", "current_feature"]
    names += [f"c{i}" for i in range(columns - 4)]
    return (",".join(names) + "\n").encode()


@pytest.mark.parametrize(
    ("columns", "phrase"),
    [
        # Its header row alone is over a megabyte: refused for that, not for a column that a
        # cut-off sample made look repeated.
        (200_000, "the header row is longer than 1,048,576 characters"),
        (20_004, "the header has 20,004 columns, more than the 10,000 a file may have"),
    ],
)
def test_a_header_past_the_caps_is_refused_saying_which(
    sqlite_engine: Engine, columns: int, phrase: str
) -> None:
    result = imported(sqlite_engine, _wide_header(columns) + b"A,email,2026-09-30,x\n")
    assert result.unreadable is not None
    assert (
        phrase in result.unreadable and "keep only the columns the file needs" in result.unreadable
    )


@pytest.mark.parametrize(
    ("line", "fields"),
    [(b"A,email,2026-09-30\n", 3), (b"A,email,2026-09-30,x,extra\n", 5)],
)
def test_ragged_rows_are_rejected_and_the_rest_kept(
    sqlite_engine: Engine, line: bytes, fields: int
) -> None:
    data = b"external_id,channel,received_at,current_feature\n" + line + b"B,email,2026-09-30,y\n"
    result = imported(sqlite_engine, data)
    assert result.rejected == 1
    assert result.rejections[0].row == 2
    assert f"the row has {fields} fields but the header has 4" in result.rejections[0].reason


def test_rows_are_numbered_as_a_spreadsheet_shows_them(sqlite_engine: Engine) -> None:
    data = (
        b"external_id,channel,received_at,current_feature\n"
        b'A,email,2026-09-30,"two\nlines"\n'
        b"\n"
        b"B,fax,2026-09-30,x\n"
    )
    result = imported(sqlite_engine, data)
    assert result.inserted == 1
    assert result.rejections[0].row == 4


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            if isinstance(cell, datetime):
                sheet.write_datetime(
                    r, c, cell, workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
                )
            elif cell is not None:
                sheet.write(r, c, cell)
    workbook.close()
    return buffer.getvalue()


def test_xlsx_with_date_cells_and_float_scores(sqlite_engine: Engine) -> None:
    data = xlsx_bytes(
        [
            [
                "external_id",
                "channel",
                "received_at",
                "current_feature",
                "resolved_at",
                "satisfaction_score",
            ],
            ["X1", "Hotline", datetime(2026, 10, 1, 0, 5), VIETNAMESE, "2026-10-02", 4.0],
            [123, "email", "30/09/2026 08:00", "=SUM(A1)", None, None],
            [None, None, None, None, None, None],
            ["X3", "email", "2026-09-30", "x", None, 4.5],
        ]
    )
    result = imported(sqlite_engine, data, "f.xlsx")
    assert (result.inserted, result.rejected) == (2, 1)
    assert result.rejections[0].row == 5
    assert "'4.5' is not a satisfaction score" in result.rejections[0].reason


@pytest.mark.parametrize(
    ("data", "name", "phrase"),
    [
        (b"this is not a workbook", "f.xlsx", "is not a readable XLSX workbook"),
        (b"PK\x03\x04truncated", "f.xlsx", "is not a readable XLSX workbook"),
        (b'[{"external_id": 1,', "f.json", "is not valid JSON"),
        (b'{"a": 1}', "f.json", "lacks the required column(s)"),
        (b'"text"', "f.json", "must hold an array of objects"),
    ],
)
def test_broken_files_are_unreadable_with_a_reason(
    sqlite_engine: Engine, data: bytes, name: str, phrase: str
) -> None:
    result = imported(sqlite_engine, data, name)
    assert result.unreadable is not None and phrase in result.unreadable


def test_empty_zip_named_xlsx_is_unreadable(sqlite_engine: Engine) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = imported(sqlite_engine, buffer.getvalue(), "f.xlsx")
    assert result.unreadable is not None


def test_json_rows_with_nested_values_or_repeated_keys_are_rejected(
    sqlite_engine: Engine,
) -> None:
    data = (
        b'[{"external_id": "A", "channel": "email", "received_at": "2026-09-30",'
        b' "current_feature": {"x": 1}},'
        b' {"external_id": "B", "channel": "email", "received_at": "2026-09-30",'
        b' "current_feature": "x", "Channel": "hotline"},'
        b" 42,"
        b' {"external_id": "C", "channel": "email", "received_at": "2026-09-30",'
        b' "current_feature": "ok", "satisfaction_score": null}]'
    )
    result = imported(sqlite_engine, data, "f.json")
    assert result.inserted == 1
    reasons = {r.row: r.reason for r in result.rejections}
    assert "holds a list or an object" in reasons[1]
    assert "is given twice" in reasons[2]
    assert "is not a JSON object" in reasons[3]


def test_broken_jsonl_line_is_a_rejected_row(sqlite_engine: Engine) -> None:
    good = json.dumps(row())
    data = f"{good}\n{{not json\n{json.dumps(row(external_id='F-2'))}\n".encode()
    result = imported(sqlite_engine, data, "f.jsonl")
    assert (result.inserted, result.rejected) == (2, 1)
    assert result.rejections[0].row == 2


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.csv", b"x", "csv"),
        ("a.XLSX", b"PK", "xlsx"),
        ("a.json", b"[{", "json"),
        ("a.json", b'\n{"a":1}', "jsonl"),
        ("a.jsonl", b"{", "jsonl"),
        ("upload", b"PK\x03\x04", "xlsx"),
        ("upload", b" [", "json"),
        ("upload", b"external_id", "csv"),
    ],
)
def test_detect_format(name: str, head: bytes, expected: str) -> None:
    assert detect_format(name, head) == expected


def _plain(value: Any) -> Any:
    """Return a value of the JSON reader with its objects as ("object", pairs)."""
    if isinstance(value, readers._Pairs):
        return ("object", [(key, _plain(item)) for key, item in value.pairs])
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _random_json(randomly: random.Random, depth: int = 0) -> Any:
    pick = randomly.random()
    if pick < 0.2:
        return randomly.randint(-(10**12), 10**12)
    if pick < 0.3:
        return randomly.random() * 10 ** randomly.randint(-30, 30)
    if pick < 0.4:
        return randomly.choice([True, False, None])
    if pick < 0.7 or depth > 2:
        return "".join(randomly.choice('ab"\\\n é😀 ,[]{}') for _ in range(randomly.randint(0, 30)))
    if pick < 0.85:
        return [_random_json(randomly, depth + 1) for _ in range(randomly.randint(0, 4))]
    return {f"k{i}": _random_json(randomly, depth + 1) for i in range(randomly.randint(0, 4))}


@pytest.mark.parametrize("block", [1, 3, 7, 1 << 20])
def test_a_json_array_streams_as_json_loads_reads_it_whatever_the_blocks(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Items split across blocks (a number cut after "1.", a string after a backslash) and
    broken arrays: the same items, and the same line and column for an error."""
    monkeypatch.setattr(readers, "_JSON_BLOCK", block)
    randomly = random.Random(block)
    for _ in range(150):
        items = [_random_json(randomly) for _ in range(randomly.randint(0, 10))]
        text = json.dumps(
            items, ensure_ascii=randomly.random() < 0.5, indent=randomly.choice([None, 2])
        )
        pairs = json.loads(text, object_pairs_hook=lambda p: ("object", p))
        streamed = [(n, _plain(item)) for n, item in readers._array_items(io.StringIO(text))]
        assert streamed == list(enumerate(pairs, start=1))
        if not items:
            continue
        cut = randomly.randrange(1, len(text))
        broken = text[:cut] + randomly.choice(["", "}", "x", ",,", "]"]) + text[cut + 2 :]
        try:
            json.loads(broken)
        except json.JSONDecodeError as exc:
            with pytest.raises(FileUnreadable) as refused:
                list(readers._array_items(io.StringIO(broken)))
            message = str(refused.value)
            assert message.startswith("is not valid JSON: ") or "array of objects" in message
            if message.startswith("is not valid JSON: "):
                assert message.endswith(f"at line {exc.lineno}, column {exc.colno}"), broken
