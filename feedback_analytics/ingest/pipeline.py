"""Import one file as one batch: read, validate, write in one transaction, report."""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, select, update

from feedback_analytics.config import get_settings
from feedback_analytics.db.models import Feedback, ImportBatch, RejectedRow
from feedback_analytics.ingest.channels import KINDS, Converted, convert, detect_kind
from feedback_analytics.ingest.load import (
    changed_rows,
    derive_status,
    insert_records,
    merge_stored,
    stored_records,
    update_records,
)
from feedback_analytics.ingest.readers import Chunk, Reader, fingerprint, open_source
from feedback_analytics.ingest.results import (
    FileResult,
    FileUnreadable,
    ImportResult,
    Rejection,
    RowError,
    too_many_rejected,
)
from feedback_analytics.ingest.validate import Problems, check_order, parse_chunk
from feedback_analytics.ingest.values import quoted, shortened

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
# Called with the open transaction and the file's result once the file is written, before it
# commits: what it writes stands or falls with the file.
BeforeCommit = Callable[[Connection, FileResult], None]
# The PostgreSQL advisory lock an import holds for its transaction (any fixed number).
IMPORT_LOCK = 0x46_41_49_4D  # "FAIM"
# Files at least this large are read and checked in a second process.
PARALLEL_FROM_BYTES = 32 << 20
Source = Path | bytes | IO[bytes]
# The mapped classes' tables: SQLAlchemy types `__table__` as the wider FromClause.
_IMPORT_BATCHES = cast(Table, ImportBatch.__table__)
_REJECTED_ROWS = cast(Table, RejectedRow.__table__)


def read_preview(
    source: Source,
    *,
    file_name: str,
    kind: str = "records",
    encoding: str | None = None,
    rows: int = 50,
) -> pd.DataFrame:
    """Return the first rows of a file as they came, under its own header; a channel file's
    (kind other than "records") as the canonical rows it converts into."""
    opened = binary = open_source(source)
    try:
        converted = _converted(binary, kind=kind, file_name=file_name, encoding=encoding)
        if converted is not None:
            binary = io.BytesIO(converted.data)
            file_name, encoding = converted.reader_name(file_name), None
        reader = Reader(binary, file_name=file_name, encoding=encoding)
        refused = list(converted.rejections) if converted is not None else []
        for chunk in reader.chunks():
            ragged = {r.row: r.raw for r in [*refused, *chunk.rejections]}
            numbers = sorted([*chunk.cells, *ragged])[:rows]
            records = [ragged[n] if n in ragged else chunk.raw[n] for n in numbers]
            return pd.DataFrame(records, index=pd.Index(numbers, name="row"))
        return pd.DataFrame(columns=reader.layout.header)
    finally:
        if isinstance(source, Path | str):
            opened.close()


def _converted(
    binary: IO[bytes], *, kind: str, file_name: str, encoding: str | None
) -> Converted | None:
    """Return a channel file converted into a canonical one; None for a canonical file."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file {kind!r}; expected one of {', '.join(KINDS)}")
    if kind == "records":
        return None
    binary.seek(0)
    return convert(binary.read(), kind=kind, file_name=file_name, encoding=encoding)


def import_source(
    engine: Engine,
    source: Source,
    *,
    file_name: str,
    kind: str = "records",
    encoding: str | None = None,
    dry_run: bool = False,
    origin: str = "cli",
    progress: Progress | None = None,
    before_commit: BeforeCommit | None = None,
    converted: Converted | None = None,
) -> FileResult:
    """Import one file as one batch and return what became of its rows.

    `kind` says what the file is (channels.KINDS): a canonical record file, or a channel file
    (e-mails, a hotline call log, a web form export) that is converted into one first; an
    unknown kind raises ValueError. Never raises for a bad file: an unreadable one changes
    nothing and says why in `FileResult.unreadable`. `before_commit` runs in the file's
    transaction after its rows are written (not on a dry run, nor for an unreadable file).
    `converted` is a channel file converted already (the mailbox's messages: `source` is then
    its canonical data, and `kind` is not used).
    """
    result = FileResult(file=file_name)
    try:
        binary = open_source(source)
    except FileUnreadable as exc:
        result.unreadable = f"{file_name} {exc}"
        return result
    try:
        if converted is None:
            converted = _converted(binary, kind=kind, file_name=file_name, encoding=encoding)
        _import(
            engine,
            binary if converted is None else io.BytesIO(converted.data),
            result,
            converted=converted,
            encoding=encoding,
            dry_run=dry_run,
            origin=origin,
            progress=progress,
            before_commit=before_commit,
        )
    except FileUnreadable as exc:
        fresh = FileResult(file=file_name, unreadable=f"{file_name} {exc}")
        fresh.header = result.header
        return fresh
    finally:
        if isinstance(source, Path | str):
            binary.close()
    log.info(
        "imported %s: read %d, inserted %d, updated %d, unchanged %d, rejected %d",
        file_name,
        result.read,
        result.inserted,
        result.updated,
        result.unchanged,
        result.rejected,
    )
    return result


def import_paths(
    engine: Engine,
    paths: Iterable[Path],
    *,
    kind: str | None = "records",
    encoding: str | None = None,
    dry_run: bool = False,
    origin: str = "cli",
    progress: Progress | None = None,
) -> ImportResult:
    """Import each file as its own batch and return the outcome of all of them.

    Every file is of `kind`; with None, each file's kind follows its extension (detect_kind).
    """
    result = ImportResult()
    for path in paths:
        result.files.append(
            import_source(
                engine,
                Path(path),
                file_name=str(path),
                kind=kind or detect_kind(str(path)),
                encoding=encoding,
                dry_run=dry_run,
                origin=origin,
                progress=progress,
            )
        )
    return result


def _import(
    engine: Engine,
    binary: IO[bytes],
    result: FileResult,
    *,
    converted: Converted | None,
    encoding: str | None,
    dry_run: bool,
    origin: str,
    progress: Progress | None,
    before_commit: BeforeCommit | None,
) -> None:
    settings = get_settings()
    path = getattr(binary, "name", None)
    reader_name = result.file
    if converted is not None:
        # The converted file is canonical UTF-8, read under a name that picks its format.
        reader_name, encoding = converted.reader_name(result.file), None
    parsed_chunks: Iterator[tuple[Chunk, pd.DataFrame, Problems]]
    reader: Reader | _ReaderProcess
    if isinstance(path, str) and Path(path).stat().st_size >= PARALLEL_FROM_BYTES:
        # A large file is read and checked in a second process while this one writes.
        reader = _ReaderProcess(
            path,
            file_name=result.file,
            encoding=encoding,
            tz=settings.timezone,
            max_text=settings.max_text_chars,
        )
        parsed_chunks = reader.parsed_chunks()
    else:
        reader = Reader(binary, file_name=reader_name, encoding=encoding)
        parsed_chunks = _parsed_chunks(
            reader, file=result.file, tz=settings.tz, max_text=settings.max_text_chars
        )
    # A channel file's batch keeps the hash and the kind of the file as given.
    digest = reader.digest if converted is None else converted.digest
    file_format = reader.format if converted is None else converted.kind
    result.header = reader.layout.header
    result.warnings = [*(converted.warnings if converted else []), *reader.layout.warnings]
    refused = list(converted.rejections) if converted is not None else []
    now = datetime.now(UTC)
    seen: dict[tuple[str, str], int] = {}
    try:
        with engine.begin() as connection:
            batch_id = None
            if not dry_run and connection.dialect.name == "postgresql":
                # Imports into one PostgreSQL database take turns, as SQLite's write lock makes
                # them: two files sharing records, imported at once from two instances, would
                # both see those records as new and the later one would fail on the unique key.
                connection.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))
            if not dry_run:
                # Writing the batch row first takes SQLite's write lock for the whole file.
                batch_id = connection.execute(
                    _IMPORT_BATCHES.insert().returning(_IMPORT_BATCHES.c.id),
                    {
                        "file_name": Path(result.file).name,
                        "content_hash": digest,
                        "file_format": file_format,
                        "source": origin,
                        "started_at": now,
                    },
                ).scalar_one()
            store_was_empty = connection.execute(select(Feedback.id).limit(1)).first() is None
            for chunk, parsed, problems in parsed_chunks:
                result.read += len(chunk.frame) + len(chunk.rejections)
                rejections = [_named(r, result.file) for r in chunk.rejections]
                if refused:  # what the conversion could not turn into a row, read first
                    result.read += len(refused)
                    rejections += refused
                    refused = []
                if len(chunk.frame):
                    rejections += _process(
                        connection,
                        chunk,
                        parsed,
                        problems,
                        result,
                        seen=seen,
                        batch_id=batch_id,
                        now=now,
                        dry_run=dry_run,
                        tz=settings.tz,
                        store_was_empty=store_was_empty,
                    )
                _keep_rejections(connection, result, rejections, batch_id=batch_id)
                if progress:
                    progress(chunk.progress, reader.size)
            if refused:  # the converted file had no row at all
                result.read += len(refused)
                _keep_rejections(connection, result, refused, batch_id=batch_id)
            if converted is not None and converted.rejections:
                result.rejections.sort(key=lambda r: r.row)
            if batch_id is not None:
                result.batch_id = batch_id
                connection.execute(
                    update(_IMPORT_BATCHES)
                    .where(_IMPORT_BATCHES.c.id == batch_id)
                    .values(
                        finished_at=datetime.now(UTC),
                        read=result.read,
                        inserted=result.inserted,
                        updated=result.updated,
                        unchanged=result.unchanged,
                        rejected=result.rejected,
                    )
                )
                if before_commit is not None:
                    before_commit(connection, result)
    finally:
        if isinstance(reader, _ReaderProcess):
            reader.close()


def _keep_rejections(
    connection: Any, result: FileResult, rejections: list[Rejection], *, batch_id: int | None
) -> None:
    """Count rejected rows in the result and, unless a dry run (no batch), store them; raise
    FileUnreadable once the file has more than max_rejected_rows of them."""
    rejections.sort(key=lambda r: r.row)
    result.rejections.extend(rejections)
    result.rejected += len(rejections)
    cap = get_settings().max_rejected_rows
    if result.rejected > cap:
        raise too_many_rejected(cap, result.rejections)
    if batch_id is not None and rejections:
        connection.execute(
            _REJECTED_ROWS.insert(),
            [
                {
                    "batch_id": batch_id,
                    "row_number": r.row,
                    "reason": r.reason,
                    "errors": [e.as_dict() for e in r.errors],
                    "raw": _jsonable(r.raw),
                }
                for r in rejections
            ],
        )


def _named(rejection: Rejection, file: str) -> Rejection:
    """Return a reader's rejection with its errors naming `file` (a converted file is read
    under another name)."""
    if all(e.file == file for e in rejection.errors):
        return rejection
    errors = [dataclasses.replace(e, file=file) for e in rejection.errors]
    return dataclasses.replace(rejection, errors=errors)


def _parsed_chunks(
    reader: Reader, *, file: str, tz: Any, max_text: int
) -> Iterator[tuple[Chunk, pd.DataFrame, Problems]]:
    """Yield each chunk with its parsed values and problems, reading one chunk ahead.

    Reading and parsing the next chunk (Arrow and pandas, which release the GIL for much
    of their work) runs in a thread while the caller writes the current one.
    """
    chunks = reader.chunks()

    def next_parsed() -> tuple[Chunk, pd.DataFrame, Problems] | None:
        chunk = next(chunks, None)
        if chunk is None:
            return None
        parsed, problems = parse_chunk(chunk.frame, file=file, tz=tz, max_text=max_text)
        return chunk, parsed, problems

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-parse") as pool:
        pending = pool.submit(next_parsed)
        while (item := pending.result()) is not None:
            pending = pool.submit(next_parsed)
            yield item


def _leave_when_orphaned(parent: int, every: float = 2.0) -> None:
    """End this worker once its parent is gone (killed: it never stops us then). Otherwise the
    worker would wait for ever to hand the next chunk to a reader that no longer exists."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _read_in_process(
    path: str, file_name: str, encoding: str | None, tz: str, max_text: int, out: Any
) -> None:
    """Read and check a file in a worker process, sending each parsed chunk to `out`."""
    # The parent proves the decoding (fingerprint) while this process starts; until it
    # has, an undecodable ragged row may make Arrow report an exception it cannot raise.
    sys.unraisablehook = lambda _: None
    # Ctrl+C reaches the whole process group: the parent rolls back and stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_leave_when_orphaned, args=(os.getppid(),), daemon=True).start()
    try:
        with open(path, "rb") as binary:
            reader = Reader(binary, file_name=file_name, encoding=encoding, verify=False)
            out.put(("layout", (reader.layout, reader.format, reader.size)))
            for item in _parsed_chunks(reader, file=file_name, tz=ZoneInfo(tz), max_text=max_text):
                out.put(("chunk", item))
        out.put(("end", None))
    except FileUnreadable as exc:
        out.put(("unreadable", str(exc)))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        out.put(("error", f"{type(exc).__name__}: {exc}"))


class _ReaderProcess:
    """A Reader running in a spawned process: the same attributes, chunks already parsed."""

    def __init__(
        self, path: str, *, file_name: str, encoding: str | None, tz: str, max_text: int
    ) -> None:
        # Forking is near-instant and shares the imported modules, but is only safe while
        # this process runs no other thread (the command line); otherwise spawn.
        lone = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
        context = (
            multiprocessing.get_context("fork") if lone else multiprocessing.get_context("spawn")
        )
        self._queue = context.Queue(maxsize=2)
        self._process = context.Process(
            target=_read_in_process,
            args=(path, file_name, encoding, tz, max_text, self._queue),
            daemon=True,
        )
        self._process.start()
        try:
            with open(path, "rb") as binary:
                self.digest = fingerprint(binary, file_name=file_name, encoding=encoding)
            _, value = self._next()
        except BaseException:
            self.close()
            raise
        self.layout, self.format, self.size = value

    def _next(self) -> tuple[str, Any]:
        while True:
            try:
                kind, value = self._queue.get(timeout=5)
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError("the file reader process stopped unexpectedly") from None
                continue
            if kind == "unreadable":
                self.close()
                raise FileUnreadable(value)
            if kind == "error":
                self.close()
                raise RuntimeError(value)
            return kind, value

    def parsed_chunks(self) -> Iterator[tuple[Chunk, pd.DataFrame, Problems]]:
        """Yield the chunks the worker parsed, in file order."""
        try:
            while True:
                kind, value = self._next()
                if kind == "end":
                    return
                yield value
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker process."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=10)


def _process(
    connection: Any,
    chunk: Chunk,
    parsed: pd.DataFrame,
    problems: Problems,
    result: FileResult,
    *,
    seen: dict[tuple[str, str], int],
    batch_id: int | None,
    now: datetime,
    dry_run: bool,
    tz: Any,
    store_was_empty: bool,
) -> list[Rejection]:
    frame, raw, cells = chunk.frame, chunk.raw, chunk.cells
    _check_repeats(parsed, frame, problems, seen, result.file)

    keyed = parsed[parsed["channel"].notna() & (parsed["external_id"] != "")]
    if store_was_empty:  # nothing to look up: only this file's rows, and repeats are refused
        keyed = keyed.iloc[:0]
    stored = stored_records(connection, keyed[["channel", "external_id"]])
    stored_ids = stored.set_index(["channel", "external_id"])
    key_index = pd.MultiIndex.from_frame(parsed[["channel", "external_id"]])
    position = stored_ids.index.get_indexer(key_index)
    known = pd.Series(position >= 0, index=parsed.index)

    old = stored.iloc[position[position >= 0]].set_index(parsed.index[known])
    merged_known = merge_stored(parsed[known], old)
    fresh = parsed[~known].copy()
    fresh["category_source"] = fresh["category"].where(fresh["category"].isna(), "human")
    fresh["priority"] = fresh["priority"].fillna("normal")
    fresh["status_explicit"] = fresh["status"].notna()
    fresh["status"] = fresh["status"].where(fresh["status_explicit"], derive_status(fresh))
    check_order(merged_known, file=result.file, tz=tz, problems=problems)
    check_order(fresh, file=result.file, tz=tz, problems=problems)

    bad = pd.Series(parsed.index.isin(list(problems)), index=parsed.index)
    fresh = fresh[~bad[~known]]
    good_known = ~bad[known]
    merged_known, old = merged_known[good_known], old[good_known]
    changed = changed_rows(merged_known, old)
    result.inserted += len(fresh)
    result.updated += int(changed.sum())
    result.unchanged += int((~changed).sum())
    if not dry_run:
        insert_records(connection, fresh, batch_id=batch_id, now=now)
        update_records(connection, merged_known[changed], old[changed], batch_id=batch_id, now=now)
    return [Rejection(row, raw[row], errors, cells[row]) for row, errors in problems.items()]


def _check_repeats(
    parsed: pd.DataFrame,
    frame: pd.DataFrame,
    problems: Problems,
    seen: dict[tuple[str, str], int],
    file: str,
) -> None:
    """Reject a row whose channel and external_id an earlier row of the file had."""
    channel = parsed["channel"].fillna(frame["channel"].astype(str).str.strip().str.lower())
    keyed = parsed["external_id"] != ""
    keys = pd.Series(
        list(zip(channel[keyed], parsed["external_id"][keyed], strict=True)),
        index=parsed.index[keyed],
        dtype=object,
    )
    repeated = keys.duplicated() | keys.isin(seen.keys())
    seen.update(zip(keys[~repeated].tolist(), keys.index[~repeated].tolist(), strict=True))
    for row, key in keys[repeated].items():
        first = seen.setdefault(key, int(cast(int, row)))
        if first != row:
            problems[int(cast(int, row))].append(
                RowError(
                    file,
                    int(cast(int, row)),
                    "external_id",
                    f"{quoted(key[1])} on channel {shortened(key[0], 20)} repeats row {first} of "
                    "this file: give each record its own external_id or remove the repeat",
                )
            )


def _jsonable(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        str(k): v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for k, v in raw.items()
    }


def rejects_to_csv(result: FileResult | ImportResult, *, neutralise: bool = True) -> bytes:
    """Return the rejected rows as they came plus `row` and `rejection_reason`, as CSV bytes.

    With `neutralise` (downloads from the pages) a cell a spreadsheet would run as a
    formula gets a leading apostrophe.
    """
    files = result.files if isinstance(result, ImportResult) else [result]
    header: dict[str, None] = {}
    several = len([f for f in files if f.rejections]) > 1
    for f in files:
        header.update(dict.fromkeys(f.header))
        for r in f.rejections:
            header.update(dict.fromkeys(r.raw))
    columns = [c for c in header if c]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*columns, "row", "rejection_reason"] + (["file"] if several else []))
    for f in files:
        for r in f.rejections:
            cells = [r.raw.get(c, "") for c in columns]
            cells = ["" if c is None else str(c) for c in cells]
            line = [*cells, str(r.row), r.reason] + ([f.file] if several else [])
            writer.writerow([neutralise_formula(c) for c in line] if neutralise else line)
    return out.getvalue().encode("utf-8-sig")


# What a spreadsheet may read as the start of a formula (OWASP's CSV injection list): the
# formula signs, and a tab or carriage return, which spreadsheets skip before such a sign.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """Return the cell with a leading apostrophe when a spreadsheet would run it."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell
