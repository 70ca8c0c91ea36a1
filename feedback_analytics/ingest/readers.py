"""Readers for the canonical record file (and other files of named columns, such as survey
results): CSV, XLSX, JSON and JSON Lines.

A reader turns one file into its header and chunks of rows as text, numbered as a
spreadsheet shows them. Rows it can already tell are broken (a ragged CSV row, a JSON
item that is not an object) come out beside the chunk as rejections.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, cast

import pandas as pd
import pyarrow as pa

from feedback_analytics.config import get_settings
from feedback_analytics.ingest.results import (
    FileUnreadable,
    Rejection,
    RowError,
    too_many_rejected,
)
from feedback_analytics.ingest.values import RECORD_FILE, FileColumns, normalise_key, quoted

CHUNK_ROWS = 50_000
# A chunk holds at most about this many characters of text too: a workbook's cells may all
# point at one long shared string, and a row of long cells is megabytes.
CHUNK_CHARS = 32 << 20
FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
csv.field_size_limit(sys.maxsize)
# A record file has about 25 columns and a channel file a few more. Exports with thousands of
# extra columns are read (they are ignored with one warning); a header beyond these caps is a
# broken export or an attack, and each column costs memory in every row read.
MAX_COLUMNS = 10_000
# Python's JSON parser gives up on arrays or objects nested about a thousand deep (a record
# is a flat object): said so instead of a traceback.
TOO_DEEP = (
    "holds arrays or objects nested too deeply to read (a record is one flat object of "
    "column names and values): export it again as an array of flat objects"
)
# The longest CSV header row read: MAX_COLUMNS columns of long names fit in it.
HEADER_CHARS = 1_048_576


@dataclass
class Chunk:
    """Rows of one file as text, canonical columns, indexed by row number."""

    frame: pd.DataFrame
    raw: dict[int, dict[str, Any]]
    cells: dict[int, list[Any]]
    rejections: list[Rejection] = field(default_factory=list)
    progress: int = 0


@dataclass
class Layout:
    """How a header maps onto the canonical columns."""

    header: list[str]
    positions: dict[str, int]
    warnings: list[str]
    columns: tuple[str, ...] = RECORD_FILE.names


def detect_format(file_name: str, head: bytes) -> str:
    """Return csv, xlsx, json or jsonl, from the extension or else the first bytes."""
    suffix = Path(file_name).suffix.lower()
    if suffix in FORMATS:
        fmt = FORMATS[suffix]
        if fmt == "json" and _one_object_a_line(head):
            return "jsonl"
        return fmt
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


def _one_object_a_line(head: bytes) -> bool:
    """Return True when a .json file starts as JSON Lines do: a whole object on its first line
    (an object spread over lines, as an indented export writes it, is one JSON value)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first = stripped.split(b"\n", 1)[0].rstrip()
    return first.startswith(b"{") and (first.endswith(b"}") or len(first) >= len(head) - 1)


def _looks_like_utf16(head: bytes) -> bool:
    """Return True when every other byte of the start is NUL: UTF-16 text without its BOM."""
    sample = head[:1024]
    if len(sample) < 8:
        return False
    return max(sample[0::2].count(0), sample[1::2].count(0)) >= len(sample) // 4


# The first bytes of files people pick by mistake: a text reader would only say that they do
# not decode, and an encoding cannot fix them.
_NOT_TEXT: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an XLSX workbook is one: name it .xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) or Word file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
)


def _not_text(head: bytes) -> str | None:
    """Return what a file is when its first bytes say it is not text at all."""
    return next((kind for magic, kind in _NOT_TEXT if head.startswith(magic)), None)


def choose_encoding(head: bytes, encoding: str | None) -> str:
    """Return the codec for a file: its BOM decides, else `encoding`, else UTF-8.

    A file whose first bytes show it is no text (an image, a PDF, an archive) is refused
    saying what it is: no encoding would read it.
    """
    if (kind := _not_text(head)) is not None:
        raise FileUnreadable(
            f"is {kind}, not a text file: export the feedback as CSV, XLSX or JSON and import that"
        )
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if encoding:
        try:
            return codecs.lookup(encoding).name
        except LookupError as exc:
            raise FileUnreadable(
                f"'{encoding}' is not an encoding Python knows: try utf-8, cp1258 or latin-1"
            ) from exc
    if _looks_like_utf16(head):
        raise FileUnreadable(
            "looks like UTF-16 text without a byte order mark: choose its encoding (utf-16-le "
            "or utf-16-be; --encoding on the command line) or save it as UTF-8"
        )
    return "utf-8"


def scan(binary: IO[bytes], encoding: str | None) -> str:
    """Return the SHA-256 of a stream; with `encoding`, first prove that every byte decodes.

    Decoding is checked before anything is written, so a file that breaks on its last
    line changes nothing and the message says where it broke. UTF-8 is checked by Arrow
    (without building the text); other encodings by Python's incremental decoder.
    """
    binary.seek(0)
    digest = hashlib.sha256()
    utf8 = encoding in ("utf-8", "utf-8-sig")
    decoder = codecs.getincrementaldecoder(encoding)() if encoding and not utf8 else None
    carry = b""
    while block := binary.read(1 << 22):
        digest.update(block)
        if utf8:
            # Lines never split a character, so check whole lines and carry the rest.
            block = carry + block
            cut = block.rfind(b"\n") + 1
            block, carry = block[:cut], block[cut:]
            try:
                pa.array([block], pa.binary()).cast(pa.string())
            except pa.ArrowInvalid:
                _locate_decode_error(binary, "utf-8")
        elif decoder is not None:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                _locate_decode_error(binary, encoding or "utf-8")
    try:
        if utf8 and carry:
            carry.decode("utf-8")
        if decoder is not None:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _locate_decode_error(binary, encoding or "utf-8")
    binary.seek(0)
    return digest.hexdigest()


def _locate_decode_error(binary: IO[bytes], encoding: str) -> None:
    """Raise FileUnreadable saying at which byte and line the file stops decoding."""
    binary.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, line = 0, 1
    where = f"the file ends in the middle of a {encoding} character"
    while block := binary.read(1 << 22):
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            line += block[: exc.start].count(b"\n")
            sample = block[exc.start : exc.start + 4].hex(" ")
            where = (
                f"byte {offset + exc.start:,} (line {line}) holds bytes {sample} that are not "
                f"{encoding}"
            )
            break
        offset += len(block)
        line += block.count(b"\n")
    raise FileUnreadable(
        f"cannot be decoded as {encoding}: {where}. Choose the file's encoding (for example "
        "windows-1258 for older Vietnamese files; --encoding on the command line) or save it "
        "as UTF-8"
    )


def fingerprint(binary: IO[bytes], *, file_name: str, encoding: str | None) -> str:
    """Return the SHA-256 of a file, after proving it decodes as the Reader would read it."""
    head = binary.read(4096)
    binary.seek(0)
    if detect_format(file_name, head) == "xlsx":
        return scan(binary, None)
    return scan(binary, choose_encoding(head, encoding))


def map_header(header: list[Any], spec: FileColumns = RECORD_FILE) -> Layout:
    """Return the header's layout onto `spec`'s columns, or raise FileUnreadable for a missing
    or repeated column, or a header of more than MAX_COLUMNS columns."""
    if len(header) > MAX_COLUMNS:
        raise FileUnreadable(
            f"the header has {len(header):,} columns, more than the {MAX_COLUMNS:,} a file may "
            "have: keep only the columns the file needs"
        )
    names = ["" if h is None else str(h) for h in header]
    positions: dict[str, int] = {}
    warnings: list[str] = []
    seen: dict[str, int] = {}
    unnamed: list[int] = []
    ignored: list[str] = []
    for index, name in enumerate(names):
        key = normalise_key(name)
        key = spec.aliases.get(key, key)
        if not key:
            unnamed.append(index + 1)
            continue
        if key in seen:
            raise FileUnreadable(
                f"the header repeats the column {quoted(name.strip())} (columns {seen[key] + 1} "
                f"and {index + 1}): keep one of them"
            )
        seen[key] = index
        if key in spec.names:
            positions[key] = index
        else:
            ignored.append(name.strip())
    warnings += _ignored_columns(unnamed, ignored, spec)
    missing = [c for c in spec.required if c not in positions]
    if missing:
        found = ", ".join(n.strip() for n in names if n.strip()) or "nothing"
        raise FileUnreadable(
            f"the header lacks the required column(s) {', '.join(missing)} "
            f"(the header row holds: {found[:300]}); add them and try again"
        )
    return Layout(names, positions, warnings, spec.names)


# Up to this many ignored columns are named one warning each; more are summed up in one.
_NAMED_IGNORED = 5


def _ignored_columns(unnamed: list[int], ignored: list[str], spec: FileColumns) -> list[str]:
    """Return the warnings for the columns a file holds that are not read: one per column,
    or, for many (a file of thousands of columns), one that names the first few."""
    warnings: list[str] = []
    if len(unnamed) <= _NAMED_IGNORED:
        warnings += [f"column {number} has no name and was ignored" for number in unnamed]
    else:
        shown = ", ".join(str(number) for number in unnamed[:_NAMED_IGNORED])
        warnings.append(
            f"{len(unnamed):,} columns have no name and were ignored (columns {shown} and "
            f"{len(unnamed) - _NAMED_IGNORED:,} more)"
        )
    if len(ignored) <= _NAMED_IGNORED:
        warnings += [
            f"column {quoted(name)} is not a {spec.what} and was ignored" for name in ignored
        ]
    else:
        warnings.append(
            f"{len(ignored):,} columns are not {spec.what}s and were ignored: {_first(ignored)}"
        )
    return warnings


def unused_names(names: list[str], what: str) -> list[str]:
    """Return the warnings for the named parts of a file that are not read (`what` says what
    they are: "call-log column"): one per name, or one for many that names the first few."""
    if len(names) <= _NAMED_IGNORED:
        return [f"{what} {quoted(name)} is not used and was ignored" for name in names]
    return [f"{len(names):,} {what}s are not used and were ignored: {_first(names)}"]


def _first(names: list[str]) -> str:
    shown = ", ".join(quoted(name) for name in names[:_NAMED_IGNORED])
    return f"{shown} and {len(names) - _NAMED_IGNORED:,} more"


def cell_text(value: Any) -> str:
    """Return a spreadsheet or JSON cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _frame(layout: Layout, rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    """Return the layout's columns of rows of cells; absent columns are empty."""
    data: dict[str, Any] = {}
    width = len(layout.header)
    table = list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
    for column in layout.columns:
        position = layout.positions.get(column)
        if position is None:
            data[column] = [""] * len(rows)
        else:
            data[column] = [c.replace("\x00", "") for c in table[position]]
    return pd.DataFrame(data, index=pd.Index(numbers, name="row"), dtype=object)


class Reader:
    """One file opened for reading: its format, encoding, layout and rows."""

    def __init__(
        self,
        binary: IO[bytes],
        *,
        file_name: str,
        encoding: str | None = None,
        verify: bool = True,
        spec: FileColumns = RECORD_FILE,
    ):
        # verify=False: the caller hashes and checks the decoding itself (see fingerprint).
        self.verify = verify
        self.spec = spec
        self.binary = binary
        self.file_name = file_name
        head = binary.read(4096)
        binary.seek(0)
        if not head.strip():
            raise FileUnreadable("the file is empty: export it again with a header row and data")
        self.format = detect_format(file_name, head)
        self.encoding = "binary" if self.format == "xlsx" else choose_encoding(head, encoding)
        self.size = binary.seek(0, io.SEEK_END)
        binary.seek(0)
        self._chunks: Iterator[Chunk]
        opener = {
            "csv": self._open_csv,
            "xlsx": self._open_xlsx,
            "json": self._open_json,
            "jsonl": self._open_jsonl,
        }[self.format]
        self.layout = opener()

    def chunks(self) -> Iterator[Chunk]:
        """Yield the file's rows in chunks; raise FileUnreadable where it cannot go on."""
        try:
            yield from self._chunks
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FileUnreadable(f"is not readable: {exc}") from exc

    # CSV ---------------------------------------------------------------------------------
    def _text(self) -> Iterator[str]:
        """Yield the file's text line by line, leaving the binary stream open."""
        self.binary.seek(0)
        wrapper = io.TextIOWrapper(self.binary, encoding=self.encoding, errors="strict", newline="")
        try:
            yield from wrapper
        finally:
            if not self.binary.closed:
                wrapper.detach()

    def _read_text(self, limit: int | None = None) -> str:
        """Return the file's text (its first `limit` characters), leaving the stream open."""
        self.binary.seek(0)
        wrapper = io.TextIOWrapper(self.binary, encoding=self.encoding, errors="strict", newline="")
        try:
            return wrapper.read(limit)
        finally:
            wrapper.detach()

    def _open_csv(self) -> Layout:
        self.digest = scan(self.binary, self.encoding) if self.verify else ""
        sample = self._read_text(HEADER_CHARS + 1)
        if len(sample) > HEADER_CHARS and not any(end in sample for end in "\r\n"):
            raise FileUnreadable(
                f"the header row is longer than {HEADER_CHARS:,} characters (a record file's "
                "header is a few hundred): keep only the columns the file needs"
            )
        first_line = sample.splitlines()[0] if sample.splitlines() else ""
        self.delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            header = next(csv.reader(io.StringIO(sample), delimiter=self.delimiter))
        except StopIteration as exc:
            raise FileUnreadable("the file is empty: it has no header row") from exc
        except csv.Error as exc:
            raise FileUnreadable(f"the header row is not readable CSV: {exc}") from exc
        layout = map_header(header, self.spec)
        self._chunks = self._csv_chunks(layout)
        return layout

    def _csv_chunks(self, layout: Layout) -> Iterator[Chunk]:
        """Yield the CSV's rows, parsed by Arrow's reader; rows of the wrong width are rejected."""
        import pyarrow.csv as pacsv

        width = len(layout.header)
        names = [f"c{i}" for i in range(width)]
        ragged: list[tuple[int, str, int]] = []
        # Past the cap of rejected rows the file is refused: stop before collecting more.
        cap = get_settings().max_rejected_rows
        seen = [0]
        first: list[tuple[int, str, int]] = []

        def on_invalid(row: Any) -> str:
            seen[0] += 1
            if seen[0] > cap:
                return "error"
            ragged.append((row.number, row.text, row.actual_columns))
            if len(first) < 3:
                first.append(ragged[-1])
            return "skip"

        self.binary.seek(0)
        try:
            reader = pacsv.open_csv(
                self.binary,
                read_options=pacsv.ReadOptions(
                    use_threads=False,
                    block_size=16 << 20,
                    skip_rows=1,
                    column_names=names,
                    encoding="utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            number = 1
            done = 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                frame = batch.to_pandas()
                # Number the rows as a spreadsheet does: the rejected ragged rows and any
                # blank lines the parser skipped keep their places.
                skipped = {n for n, _, _ in ragged}
                numbers = []
                for _ in range(len(frame)):
                    number += 1
                    while number in skipped:
                        number += 1
                    numbers.append(number)
                frame.index = pd.Index(numbers, name="row")
                rejections = [
                    self._ragged(layout, n, text, fields)
                    for n, text, fields in ragged
                    if n <= number or not len(frame)
                ]
                ragged[:] = [r for r in ragged if r[0] > number]
                done += len(frame) + len(rejections)
                yield self._csv_chunk(layout, frame, rejections)
            if ragged:
                yield self._csv_chunk(
                    layout,
                    pd.DataFrame(columns=names, index=pd.Index([], name="row"), dtype=object),
                    [self._ragged(layout, n, text, fields) for n, text, fields in ragged],
                )
        except pa.ArrowInvalid as exc:
            if seen[0] > cap:
                shown = [self._ragged(layout, n, text, fields) for n, text, fields in first]
                raise too_many_rejected(cap, shown) from None
            message = str(exc).splitlines()[0]
            raise FileUnreadable(f"is not a readable CSV file: {message}") from exc

    def _ragged(self, layout: Layout, number: int, text: str, fields: int) -> Rejection:
        try:
            cells = next(csv.reader(io.StringIO(text), delimiter=self.delimiter))
        except (csv.Error, StopIteration):
            cells = [text]
        cells = [c.replace("\x00", "") for c in cells]
        width = len(layout.header)
        reason = (
            f"the row has {fields} fields but the header has {width}: check for a missing or "
            f"extra '{self.delimiter}' or an unclosed quote"
        )
        return Rejection(
            number,
            self._raw(layout, cells),
            [RowError(self.file_name, number, None, reason)],
            cells,
        )

    def _csv_chunk(self, layout: Layout, frame: pd.DataFrame, rejections: list[Rejection]) -> Chunk:
        blank = pd.Series(True, index=frame.index)
        for column in frame.columns:
            blank &= frame[column].str.strip() == ""
        frame = frame[~blank]
        data: dict[str, Any] = {}
        for column in layout.columns:
            position = layout.positions.get(column)
            if position is None:
                data[column] = pd.Series("", index=frame.index, dtype="str")
            else:
                data[column] = frame[f"c{position}"].str.replace("\x00", "", regex=False)
        canonical = pd.DataFrame(data, index=frame.index)
        cells = _FrameCells(frame)
        return Chunk(
            canonical,
            raw=_LazyRaw(layout, cells),
            cells=cells,
            rejections=rejections,
            progress=self.binary.tell() if not self.binary.closed else self.size,
        )

    def _chunk(
        self,
        layout: Layout,
        rows: list[list[Any]],
        numbers: list[int],
        rejections: list[Rejection],
    ) -> Chunk:
        frame = _frame(layout, rows, numbers)
        by_number = dict(zip(numbers, rows, strict=True))
        position = self.binary.tell() if self.format in ("csv", "jsonl") else 0
        return Chunk(
            frame,
            raw=_LazyRaw(layout, by_number),
            cells=by_number,
            rejections=rejections,
            progress=position,
        )

    @staticmethod
    def _raw(layout: Layout, cells: list[Any]) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for index, value in enumerate(cells):
            name = layout.header[index] if index < len(layout.header) else f"(extra {index + 1})"
            raw[name or f"(column {index + 1})"] = value
        return raw

    # XLSX --------------------------------------------------------------------------------
    def _open_xlsx(self) -> Layout:
        from feedback_analytics.ingest.workbook import Sheet

        self.digest = scan(self.binary, None) if self.verify else ""
        settings = get_settings()
        sheet = Sheet(
            self.binary,
            max_expanded_mb=settings.max_xlsx_expanded_mb,
            max_shared_strings_mb=settings.max_xlsx_shared_strings_mb,
        )
        self.size = sheet.size
        blocks = sheet.rows()
        first = next(blocks, [])
        if not first:
            raise FileUnreadable("the first sheet is empty: put the header in row 1")
        number, cells = first[0]
        header = [cell_text(c) for c in cells] if number == 1 else []
        layout = map_header(header, self.spec)
        self._chunks = self._xlsx_chunks(sheet, first[1:] if number == 1 else first, blocks, layout)
        return layout

    def _xlsx_chunks(
        self,
        sheet: Any,
        first: list[tuple[int, list[Any]]],
        blocks: Iterator[list[tuple[int, list[Any]]]],
        layout: Layout,
    ) -> Iterator[Chunk]:
        """Yield the sheet's rows in chunks of at most CHUNK_ROWS rows and CHUNK_CHARS
        characters of text; rows of empty cells are left out."""
        width = len(layout.header)
        rows: list[list[str]] = []
        numbers: list[int] = []
        chars = 0
        for block in itertools.chain([first], blocks):
            for number, record in block:
                texts = [cell_text(c) for c in record]
                texts += [""] * (width - len(texts))
                if all(t.strip() == "" for t in texts):
                    continue
                rows.append(texts)
                numbers.append(number)
                chars += sum(map(len, texts))
                if len(rows) >= CHUNK_ROWS or chars >= CHUNK_CHARS:
                    yield self._xlsx_chunk(layout, rows, numbers, sheet.done)
                    rows, numbers, chars = [], [], 0
        if rows:
            yield self._xlsx_chunk(layout, rows, numbers, sheet.size)

    def _xlsx_chunk(
        self, layout: Layout, rows: list[list[str]], numbers: list[int], done: int
    ) -> Chunk:
        chunk = self._chunk(layout, rows, numbers, [])
        chunk.progress = done
        return chunk

    # JSON --------------------------------------------------------------------------------
    def _open_json(self) -> Layout:
        # The header of a JSON file is the union of its objects' keys: one pass over the array
        # to collect it (and count the items), a second to read the rows; neither keeps more
        # than one item and a block of text.
        self.digest = scan(self.binary, self.encoding) if self.verify else ""
        counted = [0]

        def counting() -> Iterator[Any]:
            for number, item in self._json_items():
                counted[0] = number
                yield item

        layout = map_header(_union_keys(counting()), self.spec)
        self.size = counted[0]
        self._chunks = self._json_chunks(self._json_items(), layout)
        return layout

    def _json_items(self) -> Iterator[tuple[int, Any]]:
        """Yield each item of the file's top-level array with its number (from 1), reading the
        text a block at a time; raise FileUnreadable for text that is not such an array."""
        self.binary.seek(0)
        wrapper = io.TextIOWrapper(self.binary, encoding=self.encoding, errors="strict", newline="")
        try:
            yield from _array_items(wrapper)
        finally:
            if not self.binary.closed:
                wrapper.detach()

    def _open_jsonl(self) -> Layout:
        # The header of a JSON Lines file is the union of its objects' keys: one pass to
        # collect it, a second to read the rows.
        self.digest = scan(self.binary, self.encoding) if self.verify else ""
        layout = map_header(_union_keys(item for _, item in self._jsonl_items()), self.spec)
        self._chunks = self._json_chunks(self._jsonl_items(), layout)
        return layout

    def _jsonl_items(self) -> Iterator[tuple[int, Any]]:
        number = 0
        for line in self._text():
            if not line.strip():
                continue
            number += 1
            try:
                yield number, json.loads(line, object_pairs_hook=_pairs)
            except json.JSONDecodeError as exc:
                yield number, _Broken(f"is not valid JSON: {exc.msg} at column {exc.colno}")
            except RecursionError:
                yield number, _Broken(TOO_DEEP)

    def _json_chunks(self, items: Iterator[tuple[int, Any]], layout: Layout) -> Iterator[Chunk]:
        rows: list[list[Any]] = []
        numbers: list[int] = []
        rejections: list[Rejection] = []
        done = chars = 0
        for number, item in items:
            done += 1
            problem, row = self._json_row(layout, item)
            if problem:
                raw = dict(item.pairs) if isinstance(item, _Pairs) else {"value": repr(item)}
                rejections.append(
                    Rejection(
                        number,
                        raw,
                        [RowError(self.file_name, number, problem[0], problem[1])],
                        list(raw.values()),
                    )
                )
            else:
                rows.append(row)
                numbers.append(number)
                chars += sum(map(len, row))
            if len(rows) + len(rejections) >= CHUNK_ROWS or chars >= CHUNK_CHARS:
                chunk = self._chunk(layout, rows, numbers, rejections)
                chunk.progress = chunk.progress or done
                yield chunk
                rows, numbers, rejections, chars = [], [], [], 0
        if rows or rejections:
            chunk = self._chunk(layout, rows, numbers, rejections)
            chunk.progress = chunk.progress or done
            yield chunk

    @staticmethod
    def _json_row(layout: Layout, item: Any) -> tuple[tuple[str | None, str] | None, list[Any]]:
        if isinstance(item, _Broken):
            return (None, item.reason), []
        if not isinstance(item, _Pairs):
            return (None, 'is not a JSON object: each item must be {"column": value, ...}'), []
        row = [""] * len(layout.header)
        index = {normalise_key(h): i for i, h in enumerate(layout.header)}
        seen: set[str] = set()
        for key, value in item.pairs:
            name = normalise_key(key)
            if name in seen:
                return (key.strip(), "is given twice in this object: keep one"), []
            seen.add(name)
            if isinstance(value, dict | list | _Pairs):
                return (key.strip(), "holds a list or an object: give plain text or a number"), []
            if name in index:
                row[index[name]] = cell_text(value)
        return None, row


class _Pairs:
    """A JSON object kept as its key-value pairs, so repeated keys can be seen."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, Any]]):
        self.pairs = pairs


class _Broken:
    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def _pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    return _Pairs(pairs)


def _union_keys(items: Iterator[Any]) -> list[str]:
    """Return every key the objects use, first spelling of each, in order of appearance; once
    there are more than MAX_COLUMNS of them, stop (map_header refuses so many)."""
    keys: dict[str, str] = {}
    for item in items:
        if isinstance(item, _Pairs):
            for key, _ in item.pairs:
                keys.setdefault(normalise_key(key), key)
            if len(keys) > MAX_COLUMNS:
                break
    return list(keys.values())


# How much of a JSON file's text is read at a time.
_JSON_BLOCK = 1 << 20
_SPACE = frozenset(" \t\n\r")
# Characters after a decoded number that show it ended (more than "e+" and a digit).
_LOOKAHEAD = 8


def _array_items(text: IO[str]) -> Iterator[tuple[int, Any]]:
    """Yield each item of the JSON array `text` holds, numbered from 1, keeping in memory one
    item and a block of text; raise FileUnreadable, saying where, for text that is not one
    JSON array."""
    decoder = json.JSONDecoder(object_pairs_hook=_pairs)
    buffer, at, ended = "", 0, False
    # The lines of text dropped from the buffer, and where the last of them ended (a count
    # of characters from the start of the text), to say where an error is.
    lines, line_start, dropped = 0, 0, 0

    def more(size: int = _JSON_BLOCK) -> bool:
        """Drop what is read from the buffer and add at least `size` characters of text;
        return False at the end of the text."""
        nonlocal buffer, at, ended, lines, line_start, dropped
        if ended:
            return False
        block = text.read(max(size, _JSON_BLOCK))
        if not block:
            ended = True
            return False
        if at:
            newlines = buffer.count("\n", 0, at)
            if newlines:
                lines += newlines
                line_start = dropped + buffer.rfind("\n", 0, at) + 1
            dropped += at
            buffer, at = buffer[at:], 0
        buffer += block
        return True

    def skip_space() -> str:
        """Return the next character that is not white space ("" at the end of the text)."""
        nonlocal at
        while True:
            while at < len(buffer) and buffer[at] in _SPACE:
                at += 1
            if at < len(buffer):
                return buffer[at]
            if not more():
                return ""

    def broken(message: str, position: int) -> FileUnreadable:
        newline = buffer.rfind("\n", 0, position)
        line = lines + buffer.count("\n", 0, position) + 1
        column = position - newline if newline >= 0 else dropped + position - line_start + 1
        return FileUnreadable(f"is not valid JSON: {message} at line {line}, column {column}")

    first = skip_space()
    if first != "[":
        raise FileUnreadable("a JSON file must hold an array of objects ([{...}, {...}])")
    at += 1
    number = 0
    while True:
        following = skip_space()
        if following == "]" and number == 0:
            at += 1
            break
        if number:
            if following == "]":
                at += 1
                break
            if following != ",":
                raise broken("Expecting ',' delimiter", at)
            at += 1
            skip_space()
        while True:
            try:
                item, end = decoder.raw_decode(buffer, at)
            except json.JSONDecodeError as exc:
                # Cut short by the end of the buffer, or broken: read on (as much again as the
                # item so far, so that a long item is decoded a few times, not once a block)
                # and try again until the text ends.
                if more(len(buffer) - at):
                    continue
                raise broken(exc.msg, exc.pos) from None
            except RecursionError:
                raise FileUnreadable(TOO_DEEP) from None
            # A number near the end of the buffer may go on in the next block ("1." of "1.5"
            # reads as 1): decoded again with the next block, it is whole.
            if len(buffer) - end >= _LOOKAHEAD or not more():
                break
        at = end
        number += 1
        yield number, item
    if skip_space():
        raise broken("Extra data", at)


class _FrameCells(dict[int, list[Any]]):
    """Row number -> the row's cells as they came, read from the chunk only when asked."""

    def __init__(self, frame: pd.DataFrame):
        super().__init__()
        self._frame = frame

    def __missing__(self, number: int) -> list[Any]:
        value = [c.replace("\x00", "") for c in cast(pd.Series, self._frame.loc[number]).tolist()]
        self[number] = value
        return value

    def __iter__(self) -> Iterator[int]:
        return iter(self._frame.index.tolist())


class _LazyRaw(dict[int, dict[str, Any]]):
    """Row number -> the row's cells by header name, built only for rows that need it."""

    def __init__(self, layout: Layout, rows: Mapping[int, list[Any]]):
        super().__init__()
        self._layout = layout
        self._rows = rows

    def __missing__(self, number: int) -> dict[str, Any]:
        value = Reader._raw(
            self._layout,
            [c.replace("\x00", "") if isinstance(c, str) else c for c in self._rows[number]],
        )
        self[number] = value
        return value


def open_source(source: Path | bytes | IO[bytes]) -> IO[bytes]:
    """Return a seekable binary stream for a path, bytes or an uploaded file."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, Path | str):
        try:
            return open(source, "rb")  # the caller closes it
        except OSError as exc:
            raise FileUnreadable(f"cannot be opened: {exc.strerror}") from exc
    return source
