"""Memory bombs, made here: small files that expand to gigabytes when read naively, and a way to
measure the peak memory of a real process that reads them."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
HEADER = ("external_id", "channel", "received_at", "current_feature")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def shared_string_xlsx(*, rows: int = 20_000, chars: int = 30_000, cells: int = 4) -> bytes:
    """Return a workbook written by hand whose sheet has `rows` rows of `cells` cells, every one
    pointing at the same shared string of `chars` characters (the header row names the four
    required columns). Kilobytes on disk; rows * cells * chars characters once expanded."""
    body = ('<row><c t="s"><v>0</v></c>' + '<c t="s"><v>0</v></c>' * (cells - 1) + "</row>") * rows
    return _workbook(["x" * chars], body)


def long_texts_xlsx(*, rows: int = 2_000, chars: int = 30_000, bad: int = 10) -> bytes:
    """Return a workbook of `rows` valid records whose current_feature is one shared string of
    `chars` characters (within FEEDBACK_MAX_TEXT_CHARS), the last `bad` of them on a channel
    that is not one: what a long text repeated in a real export looks like."""
    body = "".join(
        f'<row><c t="inlineStr"><is><t>L-{n}</t></is></c>'
        f'<c t="inlineStr"><is><t>{"fax" if n >= rows - bad else "email"}</t></is></c>'
        '<c t="inlineStr"><is><t>2026-10-01 09:00</t></is></c><c t="s"><v>0</v></c></row>'
        for n in range(rows)
    )
    return _workbook(["y" * chars], body)


def _workbook(strings: list[str], body: str) -> bytes:
    """Return a workbook of the shared `strings` (the header's names follow them) whose sheet
    is the header row and the rows of `body`."""
    strings = [*strings, *HEADER]
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    first = len(strings) - len(HEADER)
    header = "".join(f'<c t="s"><v>{first + i}</v></c>' for i in range(len(HEADER)))
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
        f"<sheetData><row>{header}</row>{body}</sheetData></worksheet>"
    )
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def short_rows_csv(rows: int = 1_000_000) -> bytes:
    """Return a CSV of the four required columns and `rows` rows of one character each: every
    row has too few fields, so each is a rejection (2 MB for a million)."""
    return ",".join(HEADER).encode() + b"\n" + b"x\n" * rows


def short_items_json(items: int = 1_000_000) -> bytes:
    """Return a JSON array of one object naming the required columns, then `items` numbers:
    each number is not an object, so each is a rejection (2 MB for a million)."""
    first = json.dumps(dict.fromkeys(HEADER, "")).encode()
    return b"[" + first + b",1" * items + b"]"


@dataclass(frozen=True)
class Measured:
    """A finished process: its exit status, output, wall time and peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float


def measure(args: list[str], *, env: dict[str, str], timeout: float = 600) -> Measured:
    """Run `python args...` and return how it ended, with the peak RSS of it and its children
    (the largest single process: getrusage(RUSAGE_CHILDREN) of a fresh helper process, so that
    earlier children of this one do not count)."""
    helper = (
        "import resource, subprocess, sys, time, json\n"
        "start = time.monotonic()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.monotonic() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'rc': done.returncode, 'out': done.stdout, 'err': done.stderr,"
        " 'seconds': seconds, 'peak': peak}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", helper, sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    return Measured(found["rc"], found["out"], found["err"], found["seconds"], found["peak"])


def peak_mib_self() -> float:
    """Return this process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def now() -> float:
    """Return a monotonic clock reading in seconds."""
    return time.monotonic()
