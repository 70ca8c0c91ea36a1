"""The first sheet of an XLSX workbook, read row by row in bounded memory.

A workbook is a zip of XML parts. Its size on disk says little about what it holds once read:
a few kilobytes can unzip to gigabytes, and a sheet of cells that all point at one long shared
string repeats that string on every row. So before a row is read:
- the parts' unzipped sizes (which zipfile holds each part to) are checked against the
  expanded cap;
- the shared-strings table, the one part held in memory, is measured against its own cap as
  it is read;
- a quick scan of the sheet counts its references to each shared string, and the text they
  would expand to is checked against the expanded cap.
The sheet is then parsed as it is unzipped (expat), a block at a time; each shared string is
referenced, never copied, and the text of the cells read is counted against the expanded cap
again (the scan can miss a reference written in an unusual way; this count cannot).

Cells come out as calamine gave them: text, float, bool, and for date-formatted numbers a
datetime (date for whole days, time for fractions of a day; timedelta for [h]:mm durations).
"""

from __future__ import annotations

import posixpath
import re
import struct
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from xml.parsers import expat

from feedback_analytics.ingest.results import FileUnreadable

MB = 1 << 20
# Excel's last column (XFD): a cell reference beyond it is no workbook's.
MAX_SHEET_COLUMNS = 16_384
# A workbook holds a few dozen parts; its central directory (a zip's list of parts, read whole
# when the zip is opened) of more than this is not a workbook.
MAX_DIRECTORY_BYTES = 4 * MB
# How much of a part is unzipped and parsed at a time.
BLOCK = 1 << 16
FIX_XLSX = "open it in a spreadsheet program and save it again as .xlsx"

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_SHARED_STRINGS = "/sharedStrings"
_STYLES = "/styles"
_OFFICE_DOCUMENT = "/officeDocument"
# Number formats Excel builds in: dates and times, and one duration ([h]:mm:ss).
_BUILTIN_DATES = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47})
_BUILTIN_DURATIONS = frozenset({46})
_EPOCH = datetime(1899, 12, 30)
_DAY_MS = 86_400_000


class TooLarge(FileUnreadable):
    """A workbook that would expand past a cap; the message names the cap and its setting."""


# A sheet's elements, by the name expat gives them (namespace, space, local name): looked up
# once per element, which is most of the time spent reading a sheet.
_SHEET_TAGS = {
    f"{namespace} {tag}": tag for namespace in _MAIN for tag in ("c", "v", "t", "row", "rPh")
} | {tag: tag for tag in ("c", "v", "t", "row", "rPh")}


def _tag(name: str) -> str:
    """Return an element's local name, whichever of the spreadsheet namespaces it is in."""
    return name.rpartition(" ")[2]


def _parser() -> expat.XMLParserType:
    """Return an expat parser that refuses a document type declaration: a workbook's parts
    have none, and entities declared in one are how XML expands a few bytes into gigabytes."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_: Any) -> None:
        raise FileUnreadable(
            f"holds a part with a document type declaration, which no workbook has: {FIX_XLSX}"
        )

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def cap_message(what: str, size: int, cap_mb: int, setting: str) -> str:
    """Return the reason a workbook is refused for passing a cap: what passed it and by how
    much, the cap, and the setting that raises it."""
    return (
        f"is refused: {what} comes to {size / MB:,.1f} MB, more than the {cap_mb:,} MB a "
        f"workbook may (the cap {setting.removeprefix('FEEDBACK_').lower()}; raise it with "
        f"{setting}): save the sheet as CSV, or split it"
    )


class Sheet:
    """The first sheet of a workbook, opened and checked against the caps, read by `rows`."""

    def __init__(self, binary: IO[bytes], *, max_expanded_mb: int, max_shared_strings_mb: int):
        self.max_expanded_mb = max_expanded_mb
        self.max_expanded = max_expanded_mb * MB
        self.max_shared_strings_mb = max_shared_strings_mb
        _check_directory(binary)
        try:
            self.archive = zipfile.ZipFile(binary)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise FileUnreadable(f"is not a readable XLSX workbook ({exc}): {FIX_XLSX}") from exc
        parts = self.archive.infolist()
        unzipped = sum(part.file_size for part in parts)
        if unzipped > self.max_expanded:
            raise TooLarge(
                cap_message("its parts once unzipped", unzipped, max_expanded_mb, EXPANDED_SETTING)
            )
        self._names = {part.filename for part in parts}
        workbook = self._target(_rels_of(""), _OFFICE_DOCUMENT) or "xl/workbook.xml"
        first_sheet, self.date1904 = self._first_sheet(workbook)
        related = self._relations(workbook)
        sheet = related.get(first_sheet or "", ("", None))[1]
        if sheet is None or sheet not in self._names:
            raise FileUnreadable(f"is not a readable XLSX workbook (it has no sheet): {FIX_XLSX}")
        self.sheet_part = sheet
        # How far reading the sheet has come, in its unzipped bytes, of how many.
        self.size = self.archive.getinfo(sheet).file_size
        self.done = 0
        by_kind = {kind: target for kind, target in related.values()}
        shared, styles = by_kind.get(_SHARED_STRINGS), by_kind.get(_STYLES)
        self.strings = self._shared_strings(shared) if shared in self._names else []
        self.formats = self._formats(styles) if styles in self._names else []
        self._check_shared_text()

    # The parts around the sheet ---------------------------------------------------------------
    def _open(self, name: str) -> IO[bytes]:
        try:
            return self.archive.open(name)
        except KeyError as exc:
            raise FileUnreadable(
                f"is not a readable XLSX workbook (it lacks its part {name}): {FIX_XLSX}"
            ) from exc
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile) as exc:
            # An encrypted part, or one compressed in a way zipfile does not read.
            raise FileUnreadable(f"is not a readable XLSX workbook ({exc}): {FIX_XLSX}") from exc

    def _parse(self, name: str, start: Callable[[str, dict[str, str]], None]) -> None:
        """Parse the part `name` calling `start(local name, attributes)` for each element."""
        parser = _parser()
        parser.StartElementHandler = lambda tag, attrs: start(_tag(tag), attrs)
        with self._open(name) as stream:
            _parse_guarded(parser, stream, lambda: None)

    def _target(self, rels: str, kind: str) -> str | None:
        """Return the part a package relationship of `kind` points at, if any."""
        if rels not in self._names:
            return None
        found: list[str] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "Relationship" and attrs.get("Type", "").endswith(kind) and not found:
                found.append(_resolve("", attrs.get("Target", "")))

        self._parse(rels, start)
        return found[0] if found else None

    def _first_sheet(self, workbook: str) -> tuple[str | None, bool]:
        """Return the relationship id of the workbook's first sheet and whether its dates count
        from 1904."""
        first: list[str] = []
        date1904: list[bool] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "sheet" and not first:
                first.extend(v for k, v in attrs.items() if k.endswith(" id"))
            elif tag == "workbookPr":
                date1904.append(attrs.get("date1904", "") in ("1", "true"))

        self._parse(workbook, start)
        return (first[0] if first else None), bool(date1904 and date1904[0])

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Return the relationships of a part that reading a sheet needs: id -> (kind, part)."""
        found: dict[str, tuple[str, str]] = {}
        rels = _rels_of(part)
        if rels not in self._names:
            return found
        folder = posixpath.dirname(part)

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag != "Relationship" or len(found) > 10_000:
                return
            kind = attrs.get("Type", "")
            if kind.endswith(("/worksheet", _SHARED_STRINGS, _STYLES)):
                target = _resolve(folder, attrs.get("Target", ""))
                found[attrs.get("Id", "")] = (kind[kind.rfind("/") :], target)

        self._parse(rels, start)
        return found

    def _shared_strings(self, part: str) -> list[str]:
        """Return the shared-strings table, refusing it once it holds more than its cap."""
        strings: list[str] = []
        pieces: list[str] = []
        state = {"text": False, "phonetic": 0}
        cap = self.max_shared_strings_mb * MB
        held = [0]

        def start(name: str, _: dict[str, str]) -> None:
            tag = _tag(name)
            if tag == "t":
                state["text"] = True
            elif tag == "si":
                pieces.clear()
            elif tag == "rPh":
                state["phonetic"] += 1

        def end(name: str) -> None:
            tag = _tag(name)
            if tag == "t":
                state["text"] = False
            elif tag == "rPh":
                state["phonetic"] -= 1
            elif tag == "si":
                text = "".join(pieces)
                strings.append(text)
                held[0] += sys.getsizeof(text) + 8
                pieces.clear()

        def data(text: str) -> None:
            if state["text"] and not state["phonetic"]:
                pieces.append(text)
                held[0] += len(text)

        def check() -> None:
            if held[0] > cap:
                raise TooLarge(
                    cap_message(
                        "its shared-strings table",
                        held[0],
                        self.max_shared_strings_mb,
                        SHARED_STRINGS_SETTING,
                    )
                )

        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = data
        with self._open(part) as stream:
            _parse_guarded(parser, stream, check)
        return strings

    def _formats(self, part: str) -> list[str | None]:
        """Return, for each cell style, "date", "duration" or None (any other number)."""
        custom: dict[int, str] = {}
        styles: list[int] = []
        inside = {"cellXfs": False}

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "numFmt":
                custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                inside["cellXfs"] = True
            elif tag == "cellStyleXfs":
                inside["cellXfs"] = False
            elif tag == "xf" and inside["cellXfs"] and len(styles) < 1_000_000:
                styles.append(_int(attrs.get("numFmtId")))

        self._parse(part, start)
        return [_format_kind(number, custom.get(number)) for number in styles]

    # The sheet --------------------------------------------------------------------------------
    def _check_shared_text(self) -> None:
        """Refuse the workbook, before a row is read, when the sheet's references to shared
        strings alone would expand past the expanded cap.

        A quick scan of the sheet's XML counts each shared string's references (C-speed regular
        expressions, no parsing): it errs only by missing a reference written in an unusual
        way, and the count kept while the rows are read catches that.
        """
        if not self.strings:
            return
        lengths = [len(text) for text in self.strings]
        counts: Counter[bytes] = Counter()
        carry = b""
        with self._open(self.sheet_part) as stream:
            try:
                while block := stream.read(1 << 20):
                    block = carry + block
                    cut = _last_cell_start(block)
                    counts.update(_SHARED_REFERENCE.findall(block, 0, cut))
                    carry = block[cut:] if len(block) - cut < 1 << 20 else block[-1024:]
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise FileUnreadable(
                    f"is not a readable XLSX workbook ({exc}): {FIX_XLSX}"
                ) from exc
        counts.update(_SHARED_REFERENCE.findall(carry))
        expanded = 0
        for index, times in counts.items():
            number = int(index)
            if number < len(lengths):
                expanded += lengths[number] * times
        if expanded > self.max_expanded:
            raise TooLarge(
                cap_message(
                    "its first sheet's text with the shared strings filled in",
                    expanded,
                    self.max_expanded_mb,
                    EXPANDED_SETTING,
                )
            )

    def rows(self) -> Iterator[list[tuple[int, list[Any]]]]:
        """Yield the sheet's rows a block at a time, as (row number, cells from column A).

        Row 1 is the header: the rows after it are cut to its width. Raise TooLarge once the
        text of the cells read passes the expanded cap.
        """
        strings, formats, date1904 = self.strings, self.formats, self.date1904
        done: list[tuple[int, list[Any]]] = []
        cells: list[Any] = []
        text: list[str] = []
        # The row being read: its number, how many of its cells are kept (the header's width).
        number, limit, width = 0, MAX_SHEET_COLUMNS, 0
        # The cell being read: its column, type (t) and style (s).
        column, kind, style = -1, None, None
        capture, phonetic, counted = False, 0, 0
        tags = _SHEET_TAGS

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal number, limit, column, kind, style, capture, phonetic
            tag = tags.get(name)
            if tag == "c":
                reference = attrs.get("r")
                column = _column(reference) if reference else column + 1
                kind = attrs.get("t")
                style = attrs.get("s")
                text.clear()
            elif tag == "v" or tag == "t":
                capture = not phonetic
            elif tag == "row":
                given = attrs.get("r")
                previous = number
                number = _int(given) if given else previous + 1
                if number <= previous:
                    raise FileUnreadable(
                        f"is not a readable XLSX workbook (row {number:,} comes after row "
                        f"{previous:,}): {FIX_XLSX}"
                    )
                limit = MAX_SHEET_COLUMNS if number == 1 else width
                column = -1
                cells.clear()
            elif tag == "rPh":
                phonetic += 1

        def end(name: str) -> None:
            nonlocal capture, phonetic, counted, width
            tag = tags.get(name)
            if tag == "c":
                if column >= limit or not text:
                    return
                value = _value("".join(text), kind, style, strings, formats, date1904)
                if value.__class__ is str:
                    counted += len(value)
                size = len(cells)
                if column == size:
                    cells.append(value)
                elif column > size:
                    cells.extend([None] * (column - size))
                    cells.append(value)
                else:
                    cells[column] = value
            elif tag == "v" or tag == "t":
                capture = False
            elif tag == "row":
                if number == 1:
                    width = len(cells)
                done.append((number, cells.copy()))
                cells.clear()
            elif tag == "rPh":
                phonetic -= 1

        def data(piece: str) -> None:
            if capture:
                text.append(piece)

        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = data
        with self._open(self.sheet_part) as stream:
            for consumed in _blocks(parser, stream):
                if counted > self.max_expanded:
                    raise TooLarge(
                        cap_message(
                            f"its first sheet's text with the shared strings filled in (by row "
                            f"{number:,})",
                            counted,
                            self.max_expanded_mb,
                            EXPANDED_SETTING,
                        )
                    )
                self.done = consumed
                if done:
                    yield done
                    done = []


# Settings named in the messages (config.Settings holds their defaults).
EXPANDED_SETTING = "FEEDBACK_MAX_XLSX_EXPANDED_MB"
SHARED_STRINGS_SETTING = "FEEDBACK_MAX_XLSX_SHARED_STRINGS_MB"


def _rels_of(part: str) -> str:
    """Return the relationships part of `part` ("" is the package)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(folder: str, target: str) -> str:
    """Return a relationship's target as a part name of the zip."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _blocks(parser: expat.XMLParserType, stream: IO[bytes]) -> Iterator[int]:
    """Parse `stream` a block at a time; yield how many unzipped bytes are parsed so far."""
    consumed = 0
    try:
        while block := stream.read(BLOCK):
            parser.Parse(block, False)
            consumed += len(block)
            yield consumed
        parser.Parse(b"", True)
        yield consumed
    except expat.ExpatError as exc:
        raise FileUnreadable(
            f"is not a readable XLSX workbook (broken XML: {expat.ErrorString(exc.code)} at "
            f"line {exc.lineno}): {FIX_XLSX}"
        ) from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise FileUnreadable(f"is not a readable XLSX workbook ({exc}): {FIX_XLSX}") from exc


def _parse_guarded(
    parser: expat.XMLParserType, stream: IO[bytes], after: Callable[[], None]
) -> None:
    """Parse a whole part, calling `after` after each block; broken XML is unreadable."""
    for _ in _blocks(parser, stream):
        after()


def _check_directory(binary: IO[bytes]) -> None:
    """Refuse a zip whose list of parts alone would take more than MAX_DIRECTORY_BYTES to read
    (zipfile reads all of it on opening)."""
    size = binary.seek(0, 2)
    tail = min(size, 22 + 65_535)
    binary.seek(size - tail)
    end = binary.read(tail)
    binary.seek(0)
    at = end.rfind(b"PK\x05\x06")
    if at < 0 or len(end) - at < 22:
        return  # zipfile says what is wrong
    (directory,) = struct.unpack("<I", end[at + 12 : at + 16])
    if directory > MAX_DIRECTORY_BYTES:
        raise FileUnreadable(
            f"is not a workbook: its zip's list of parts alone takes {directory / MB:,.1f} MB (a "
            f"workbook's takes a few KB): {FIX_XLSX}"
        )


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


# A cell of a shared string and the string's index: <c r="A2" t="s"><v>12</v>. It starts at
# the type attribute, a literal the regular expression engine finds fast.
_SHARED_REFERENCE = re.compile(
    rb" t=[\"']s[\"'][^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*(\d{1,12})\s*</"
)


def _last_cell_start(block: bytes) -> int:
    """Return where the last cell element of a block of sheet XML starts (with or without a
    namespace prefix), or 0: every cell before it ends before it."""
    plain = block.rfind(b"<c ")
    prefixed = block.rfind(b":c ")
    if prefixed > plain:
        return max(block.rfind(b"<", 0, prefixed), 0)
    return max(plain, 0)


_LETTERS = re.compile(r"[A-Z]{1,3}")
_COLUMNS: dict[str, int] = {}


def _column(reference: str) -> int:
    """Return the 0-based column of a cell reference such as "AB12"."""
    letters = reference.rstrip("0123456789$")
    found = _COLUMNS.get(letters)
    if found is not None:
        return found
    if _LETTERS.fullmatch(letters.lstrip("$")) is None:
        raise FileUnreadable(
            f"is not a readable XLSX workbook (a cell is at {reference[:20]!r}): {FIX_XLSX}"
        )
    column = 0
    for letter in letters.lstrip("$"):
        column = column * 26 + ord(letter) - 64
    if column > MAX_SHEET_COLUMNS:
        raise FileUnreadable(
            f"is not a readable XLSX workbook (a cell is at {reference[:20]!r}, beyond column "
            f"XFD): {FIX_XLSX}"
        )
    _COLUMNS[letters] = column - 1
    return column - 1


def _format_kind(number: int, code: str | None) -> str | None:
    """Return "date", "duration" or None for a number format (a built-in id, or its code)."""
    if code is None:
        if number in _BUILTIN_DATES:
            return "date"
        return "duration" if number in _BUILTIN_DURATIONS else None
    return _code_kind(code)


def _code_kind(code: str) -> str | None:
    """Return "date", "duration" or None for a custom number format's code: a date when its
    first section holds a day, month, year, hour or second outside quotes and brackets, a
    duration when it holds an elapsed [h], [m] or [s]."""
    section = re.sub(r'"[^"]*"|\\.|_.', "", code).split(";", 1)[0]
    if re.search(r"\[(?:h+|m+|s+)\]", section, re.IGNORECASE):
        return "duration"
    section = re.sub(r"\[[^\]]*\]", "", section)
    return "date" if re.search(r"[dmyhs]", section, re.IGNORECASE) else None


def _value(
    text: str,
    kind: str | None,
    style: str | None,
    strings: list[str],
    formats: list[str | None],
    date1904: bool,
) -> Any:
    """Return a cell's value from its text, type (t) and style (s)."""
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            raise FileUnreadable(
                f"is not a readable XLSX workbook (a cell points at shared string "
                f"{text[:20]!r}, which the workbook lacks): {FIX_XLSX}"
            ) from None
    if kind in ("inlineStr", "str"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return ""
    if kind == "d":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    try:
        number = float(text)
    except ValueError:
        return text
    if style is not None and formats:
        index = _int(style)
        how = formats[index] if index < len(formats) else None
        if how is not None:
            return _excel_time(number, how, date1904)
    return number


def _excel_time(number: float, how: str, date1904: bool) -> Any:
    """Return a date-formatted number as calamine does: a timedelta for a duration; else a time
    below one day, a date for a whole day, a datetime otherwise (the number when out of range)."""
    milliseconds = round(number * _DAY_MS)
    if how == "duration":
        return timedelta(milliseconds=milliseconds)
    if number < 0:
        return number
    if date1904:
        milliseconds += 1462 * _DAY_MS
    elif number < 60:
        milliseconds += _DAY_MS  # Excel's 1900 counts a 29 February that never was
    try:
        moment = _EPOCH + timedelta(milliseconds=milliseconds)
    except OverflowError:
        return number
    if number < 1:
        return moment.time()
    if moment.time() == time(0):
        return date(moment.year, moment.month, moment.day)
    return moment
