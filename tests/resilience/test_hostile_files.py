"""A corpus of hostile files, each made here: no traceback, every problem named, valid rows kept.

Each file goes through the command line (a real process, on SQLite) and through
`import_source` (on SQLite and on PostgreSQL). Exit codes follow METRICS.md: 2 when the file
cannot be read, 1 when rows were rejected, 0 when it imported clean.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import shutil
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from feedback_analytics.config import Settings
from feedback_analytics.db import Feedback, ensure_schema, make_engine
from feedback_analytics.ingest import COLUMNS, ImportResult, RowError, import_source
from tests.ingest.helpers import csv_bytes, row
from tests.resilience.helpers import count
from tests.test_cli import cli

MAX_TEXT = Settings.model_fields["max_text_chars"].default
VIETNAMESE = "Tốc độ VPN chậm vào giờ cao điểm, đề nghị tối ưu"
# Windows-1258 holds these letters whole (other tones it writes as combining marks).
CP1258_TEXT = "Đơn giá ưu dai: Ơn, ăn, ô, ê, â, à, á"
FORMULAS = {
    "current_feature": '=HYPERLINK("http://evil.example/x","Click me")',
    "proposal": "+cmd|' /C calc'!A0",
    "reason": "@SUM(1+1)*cmd|' /C calc'!A0",
    "product": "-2+3+cmd|' /C calc'!A0",
    "department": "<script>alert('x')</script>",
    "assignee": '<img src=x onerror="alert(1)">',
}
FIX_ENCODING = "--encoding on the command line"
FIX_NOT_TEXT = "export the feedback as CSV, XLSX or JSON and import that"
FIX_XLSX = "open it in a spreadsheet program and save it again as .xlsx"
FIX_WIDTH = "check for a missing or extra ',' or an unclosed quote"
FIX_REPEAT = "give each record its own external_id or remove the repeat"


@dataclass(frozen=True)
class Problem:
    """One error the import must report: its row and column (None where there is none) and a
    phrase of its reason that says what is wrong and how to fix it."""

    row: int | None
    column: str | None
    phrases: tuple[str, ...]


def problem(row: int | None, column: str | None, *phrases: str) -> Problem:
    """Return the problem of `row` and `column` whose reason holds each of `phrases`."""
    return Problem(row, column, phrases)


@dataclass(frozen=True)
class Hostile:
    """A hostile file, how it is imported, and what must become of it."""

    name: str
    make: Callable[[], bytes]
    exit_code: int
    stored: int
    problems: Sequence[Problem] = ()
    encoding: str | None = None
    # external_id (on channel email) -> feedback column -> the text stored, exactly.
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def unreadable(*phrases: str) -> list[Problem]:
    """Return the one error of a file that cannot be read, its reason holding `phrases`."""
    return [problem(None, None, *phrases)]


def png() -> bytes:
    """Return a real one-pixel PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def truncated_xlsx() -> bytes:
    """Return the first half of a real workbook of valid records."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["external_id", "channel", "received_at", "current_feature"])
    for i in range(200):
        sheet.write_row(i + 1, 0, [f"X-{i}", "email", "2026-09-30", VIETNAMESE])
    workbook.close()
    whole = buffer.getvalue()
    return whole[: len(whole) // 2]


def raw_csv(*lines: str) -> bytes:
    """Return CSV lines as written, under the four required columns."""
    return "\n".join(["external_id,channel,received_at,current_feature", *lines, ""]).encode()


def wide_csv() -> bytes:
    """Return a file of 5,000 unknown columns beside the canonical ones."""
    columns = [*COLUMNS, *(f"extra_{i}" for i in range(5_000))]
    return csv_bytes([row(), row(external_id="F-2", channel="fax")], columns=columns)


CORPUS = [
    Hostile(
        "header-only.csv",
        lambda: csv_bytes([]),
        exit_code=0,
        stored=0,
    ),
    Hostile(
        "zero-bytes.csv",
        lambda: b"",
        exit_code=2,
        stored=0,
        problems=unreadable("the file is empty: export it again with a header row and data"),
    ),
    Hostile(
        "blank-lines.csv",
        lambda: b"\r\n  \n\t\n",
        exit_code=2,
        stored=0,
        problems=unreadable("the file is empty: export it again with a header row and data"),
    ),
    Hostile(
        "random-binary.csv",
        lambda: random.Random(7).randbytes(20_000),
        exit_code=2,
        stored=0,
        problems=unreadable("cannot be decoded as utf-8: byte", FIX_ENCODING),
    ),
    Hostile(
        "image.csv",
        png,
        exit_code=2,
        stored=0,
        problems=unreadable("is a PNG image, not a text file", FIX_NOT_TEXT),
    ),
    Hostile(
        "scan.csv",
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        exit_code=2,
        stored=0,
        problems=unreadable("is a PDF document, not a text file", FIX_NOT_TEXT),
    ),
    Hostile(
        "workbook-named.csv",
        lambda: b"PK\x03\x04" + bytes(200),
        exit_code=2,
        stored=0,
        problems=unreadable("is a ZIP archive (an XLSX workbook is one: name it .xlsx)"),
    ),
    Hostile(
        "truncated.xlsx",
        truncated_xlsx,
        exit_code=2,
        stored=0,
        problems=unreadable("is not a readable XLSX workbook", FIX_XLSX),
    ),
    Hostile(
        "text-named.xlsx",
        lambda: csv_bytes([row()]),
        exit_code=2,
        stored=0,
        problems=unreadable("is not a readable XLSX workbook", FIX_XLSX),
    ),
    Hostile(
        "broken.json",
        lambda: json.dumps([row(), row(external_id="F-2")]).encode()[:-40],
        exit_code=2,
        stored=0,
        problems=unreadable("is not valid JSON: ", "at line 1, column"),
    ),
    # One object on one line is a JSON Lines file of one record.
    Hostile(
        "one-object.json",
        lambda: json.dumps(row()).encode(),
        exit_code=0,
        stored=1,
    ),
    Hostile(
        "wrapped-array.json",
        lambda: json.dumps({"records": [row()]}).encode(),
        exit_code=2,
        stored=0,
        problems=unreadable("the header lacks the required column(s)", "holds: records"),
    ),
    Hostile(
        "utf16-no-bom-with-encoding.csv",
        lambda: csv_bytes([row(current_feature=VIETNAMESE)], encoding="utf-16-le"),
        encoding="utf-16-le",
        exit_code=0,
        stored=1,
        texts={"F-1": {"current_feature": VIETNAMESE}},
    ),
    Hostile(
        "cp1258-without-encoding.csv",
        lambda: csv_bytes(
            [row(), row(external_id="F-2", current_feature=CP1258_TEXT)], encoding="cp1258"
        ),
        exit_code=2,
        stored=0,
        problems=unreadable("cannot be decoded as utf-8", "(line 3)", "windows-1258", FIX_ENCODING),
    ),
    Hostile(
        "cp1258-with-encoding.csv",
        lambda: csv_bytes(
            [row(), row(external_id="F-2", current_feature=CP1258_TEXT)], encoding="cp1258"
        ),
        encoding="cp1258",
        exit_code=0,
        stored=2,
        texts={"F-2": {"current_feature": CP1258_TEXT}},
    ),
    Hostile(
        "semicolons.csv",
        lambda: csv_bytes(
            [row(current_feature="a, b; c"), row(external_id="F-2", channel="fax")],
            delimiter=";",
        ),
        exit_code=1,
        stored=1,
        problems=[problem(3, "channel", "'fax' is not a channel: use one of email, hotline")],
        texts={"F-1": {"current_feature": "a, b; c"}},
    ),
    Hostile(
        "ragged.csv",
        lambda: raw_csv(
            "A,email,2026-09-30",
            "B,email,2026-09-30,x,extra",
            "C,email,2026-09-30,kept",
            '"D,email,2026-09-30,an unclosed quote swallows the rest',
            "E,email,2026-09-30,inside the quote",
        ),
        exit_code=1,
        stored=1,
        problems=[
            problem(2, None, f"the row has 3 fields but the header has 4: {FIX_WIDTH}"),
            problem(3, None, f"the row has 5 fields but the header has 4: {FIX_WIDTH}"),
            problem(5, None, f"the row has 1 fields but the header has 4: {FIX_WIDTH}"),
        ],
        texts={"C": {"current_feature": "kept"}},
    ),
    Hostile(
        "nul-bytes.csv",
        lambda: csv_bytes(
            [
                row(current_feature="VPN\x00 drops\x00", product="AP\x009000"),
                row(external_id="F-\x002", channel="e\x00mail"),
            ]
        ),
        exit_code=0,
        stored=2,
        texts={"F-1": {"current_feature": "VPN drops", "product": "AP9000"}, "F-2": {}},
    ),
    Hostile(
        "megabyte-cell.csv",
        lambda: csv_bytes(
            [row(proposal="y" * MAX_TEXT), row(external_id="F-2", proposal="x" * (1 << 20))]
        ),
        exit_code=1,
        stored=1,
        problems=[
            problem(
                3,
                "proposal",
                f"is {1 << 20:,} characters long; at most {MAX_TEXT:,} are kept: shorten it",
            )
        ],
        texts={"F-1": {"proposal": "y" * MAX_TEXT}},
    ),
    Hostile(
        "5000-columns.csv",
        wide_csv,
        exit_code=1,
        stored=1,
        problems=[problem(3, "channel", "'fax' is not a channel")],
    ),
    Hostile(
        "formulas-and-scripts.csv",
        lambda: csv_bytes([row(**FORMULAS)]),
        exit_code=0,
        stored=1,
        texts={"F-1": FORMULAS},
    ),
    Hostile(
        "duplicate-ids.csv",
        lambda: csv_bytes(
            [
                row(),
                row(current_feature="the same record again"),
                row(external_id="F-2"),
                row(channel="hotline"),
                row(external_id="F-3", received_at="yesterday"),
                row(external_id="F-3"),
            ]
        ),
        exit_code=1,
        stored=3,
        problems=[
            problem(
                3, "external_id", f"'F-1' on channel email repeats row 2 of this file: {FIX_REPEAT}"
            ),
            problem(6, "received_at", "'yesterday' is not a date and time"),
            problem(
                7, "external_id", f"'F-3' on channel email repeats row 6 of this file: {FIX_REPEAT}"
            ),
        ],
        texts={"F-1": {"current_feature": row()["current_feature"]}},
    ),
]
# Files the product reads, but whose message does not tell the person what to do.
# Files the readers once misread: kept apart to say so.
FORMERLY_MISREAD = [
    Hostile(
        "utf16-no-bom.csv",
        # Plain ASCII text: every other byte is NUL, all of it valid UTF-8.
        lambda: csv_bytes([row()], encoding="utf-16-le"),
        exit_code=2,
        stored=0,
        problems=unreadable("UTF-16", FIX_ENCODING),
    ),
    Hostile(
        "pretty-object.json",
        lambda: json.dumps(row(), indent=2).encode(),
        exit_code=2,
        stored=0,
        problems=unreadable("array of objects"),
    ),
]
CASES = [pytest.param(case, id=case.name) for case in (*CORPUS, *FORMERLY_MISREAD)]


@pytest.fixture(scope="module")
def migrated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an empty, migrated SQLite file to copy: migrating once saves each run seconds."""
    path = tmp_path_factory.mktemp("template") / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    engine.dispose()
    return path


def assert_problems(case: Hostile, errors: Sequence[RowError]) -> None:
    """Assert that the errors are the case's problems, in order, each naming row and column."""
    assert [(e.row, e.column) for e in errors] == [(p.row, p.column) for p in case.problems], errors
    for error, expected in zip(errors, case.problems, strict=True):
        for phrase in expected.phrases:
            assert phrase in error.reason, (phrase, error.reason)


def assert_stored(case: Hostile, engine: Engine) -> None:
    """Assert that the valid rows of the file, and only they, are stored with their texts."""
    assert count(engine, Feedback) == case.stored
    with Session(engine) as session:
        for external_id, texts in case.texts.items():
            query = select(Feedback).where(
                Feedback.channel == "email", Feedback.external_id == external_id
            )
            stored = session.scalars(query).one()
            assert {name: getattr(stored, name) for name in texts} == dict(texts)


@pytest.mark.parametrize("case", CASES)
def test_import_source_names_every_problem_and_keeps_the_valid_rows(
    engine: Engine, case: Hostile
) -> None:
    result = import_source(engine, case.make(), file_name=case.name, encoding=case.encoding)
    assert ImportResult([result]).exit_code == case.exit_code, result.errors
    assert_problems(case, result.errors)
    assert result.inserted == case.stored
    assert_stored(case, engine)


@pytest.mark.parametrize("case", CASES)
def test_the_command_line_names_every_problem_and_keeps_the_valid_rows(
    tmp_path: Path, migrated_store: Path, case: Hostile
) -> None:
    db = tmp_path / "cli.db"
    shutil.copyfile(migrated_store, db)
    path = tmp_path / case.name
    path.write_bytes(case.make())
    encoding = ("--encoding", case.encoding) if case.encoding else ()
    done = cli("import", str(path), "--json", *encoding, db=db)
    assert "Traceback" not in done.stderr
    assert done.returncode == case.exit_code, done.stderr[-2000:]
    errors = [RowError(**error) for error in json.loads(done.stdout)["errors"]]
    assert {e.file for e in errors} <= {str(path)}
    assert_problems(case, errors)
    if case.exit_code == 2:
        assert "nothing of it was imported" in done.stderr
    engine = make_engine(f"sqlite:///{db}")
    try:
        assert_stored(case, engine)
    finally:
        engine.dispose()


def test_formulas_are_stored_and_exported_exactly_as_given(tmp_path: Path) -> None:
    """The canonical export round-trips text (METRICS.md): it neutralises nothing; only the
    pages' spreadsheet downloads (tests/test_downloads.py) prefix a cell a spreadsheet runs."""
    db = tmp_path / "cli.db"
    path = tmp_path / "formulas.csv"
    path.write_bytes(csv_bytes([row(**FORMULAS)]))
    assert cli("import", str(path), db=db).returncode == 0
    out = tmp_path / "export.csv"
    done = cli("export", "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    records = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(records) == 1
    assert {name: records[0][name] for name in FORMULAS} == FORMULAS
