"""Checks and imports of uploads run in a process of their own, under a memory cap.

The dashboard is one server process shared by everyone signed in. A large or hostile upload
read inside it would take its memory and its processor from every other user, and a bomb
would take the server down. So the pages hand an upload that could be costly (every workbook:
a few kilobytes of XLSX can expand to gigabytes; any file of ISOLATE_FROM_BYTES or more) to a
child process: `python -m feedback_analytics.ingest.isolated FOLDER`. It runs `run_import`
(or `run_survey_import`) at a lower priority and hands back the result with the first
KEPT_REJECTIONS rejected rows; every rejected row goes to a CSV file kept for the page's
download. The server watches the child's memory and ends it past FEEDBACK_MAX_IMPORT_MEMORY_MB:
the file's transaction never commits, and the result says which cap stopped it.

A small file of text is checked in the server process itself: its cost is bounded by its size,
and starting a child takes a second or two.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd
from sqlalchemy import Engine

from feedback_analytics.config import get_settings
from feedback_analytics.db.engine import child_environment
from feedback_analytics.ingest.channels import detect_kind
from feedback_analytics.ingest.pipeline import Progress, read_preview, rejects_to_csv
from feedback_analytics.ingest.results import FileResult, FileUnreadable, ImportResult
from feedback_analytics.ingest.use_case import (
    FileDone,
    run_import,
    run_survey_import,
)

# A text file smaller than this is checked and imported in the server process.
ISOLATE_FROM_BYTES = 1 << 20
# How many rejected rows of each file a result from the child holds (the page shows them).
KEPT_REJECTIONS = 200
# How often the server looks at the child's memory and progress, in seconds.
WATCH_EVERY = 0.1
# Rejected-rows files older than this are removed when another check starts.
KEEP_REJECTS_SECONDS = 24 * 3600
MEMORY_SETTING = "FEEDBACK_MAX_IMPORT_MEMORY_MB"
# Where the rejected rows of isolated checks are kept for the download, under the app's cache.
_REJECTS_FOLDER = "rejects"


class ImportFailed(RuntimeError):
    """The child process failed for a reason other than the file (the database, a bug)."""


@dataclass(frozen=True)
class Job:
    """What the child runs: the uploads (name, where their bytes are), and how."""

    files: list[tuple[str, Path]]
    rejects: list[Path]
    actor: str
    surveys: bool = False
    kind: str | None = None
    encoding: str | None = None
    dry_run: bool = False
    replace: bool = False
    origin: str = "app"
    # With rows, the child first reads the file's first rows as the Import page previews them,
    # and runs nothing more when the file cannot be read.
    preview_rows: int = 0


@dataclass
class Outcome:
    """What a check or an import of an upload gave: its first rows as read (when asked for),
    why it cannot be read when it cannot, else the result of the run."""

    result: ImportResult | None = None
    preview: pd.DataFrame | None = None
    unreadable: str | None = None


def isolates(name: str, data: bytes) -> bool:
    """Return True when an upload is checked and imported in a process of its own: a workbook
    (a zip: what it expands to is unknown until read), or any file of ISOLATE_FROM_BYTES or
    more."""
    return (
        len(data) >= ISOLATE_FROM_BYTES
        or PurePath(name).suffix.lower() in (".xlsx", ".xlsm")
        or data.startswith(b"PK\x03\x04")
    )


def run_upload(
    engine: Engine,
    name: str,
    data: bytes,
    *,
    actor: str,
    surveys: bool = False,
    kind: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    origin: str = "app",
    progress: Progress | None = None,
    preview_rows: int = 0,
) -> Outcome:
    """Check (`dry_run`) or import one upload as the command line would, in a process of its own
    when it `isolates`, else in this one, with a preview of its first `preview_rows` rows when
    asked; return the outcome (raise ImportFailed when the child failed for another reason
    than the file, such as the database)."""
    job = Job(
        files=[],
        rejects=[],
        actor=actor,
        surveys=surveys,
        kind=kind,
        encoding=encoding,
        dry_run=dry_run,
        replace=replace,
        origin=origin,
        preview_rows=preview_rows,
    )
    if not isolates(name, data):
        return _run(job, engine, [(name, data)], progress=progress)
    with tempfile.TemporaryDirectory(prefix="feedback-import-") as folder:
        upload = Path(folder) / "upload"
        upload.write_bytes(data)
        job = dataclasses.replace(job, files=[(name, upload)], rejects=[_rejects_path(name)])
        return run_isolated(engine, job, Path(folder), progress=progress)


def run_isolated(
    engine: Engine, job: Job, folder: Path, *, progress: Progress | None = None
) -> Outcome:
    """Run `job` in a child process working in `folder`; watch its memory and report its
    progress; return the outcome of each file."""
    with open(folder / "job.pickle", "wb") as out:
        pickle.dump(job, out)
    cap_mb = get_settings().max_import_memory_mb
    environment = child_environment(engine)
    with open(folder / "stderr.txt", "wb") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "feedback_analytics.ingest.isolated", str(folder)],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            start_new_session=True,  # its own process group: ended together with its reader
        )
    assert child.stdout is not None
    over = False
    try:
        pending = b""
        while True:
            ready, _, _ = select.select([child.stdout], [], [], WATCH_EVERY)
            if ready:
                block = os.read(child.stdout.fileno(), 65_536)
                if not block:
                    break
                pending += block
                *lines, pending = pending.split(b"\n")
                if progress is not None and lines:
                    with contextlib.suppress(ValueError):
                        done, total = (int(n) for n in lines[-1].split())
                        progress(done, total)
            if group_memory(child.pid) > cap_mb << 20:
                over = True
                _end_group(child)
                break
        child.wait()
    finally:
        if child.poll() is None:
            _end_group(child)
            child.wait()
    child.stdout.close()
    failure = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    return _outcome(job, folder, over=over, failure=failure, cap_mb=cap_mb)


def _outcome(job: Job, folder: Path, *, over: bool, failure: str, cap_mb: int) -> Outcome:
    """Return what the child left: its result, or for each file what it finished and why the
    rest stopped."""
    found = folder / "result.pickle"
    if found.exists():
        with open(found, "rb") as kept:
            # Pickles only ever come from this module's child, in a folder made private for it.
            outcome: Outcome = pickle.load(kept)
            return outcome
    if not over:
        reason = failure.strip().splitlines()[-1] if failure.strip() else "no reason given"
        raise ImportFailed(reason)
    result = ImportResult()
    for index, (name, _) in enumerate(job.files):
        done = folder / f"file-{index}.pickle"
        if done.exists():
            with open(done, "rb") as kept:
                result.files.append(pickle.load(kept))
            result.not_categorised = (
                f"what came after the import stopped: it used more than {cap_mb:,} MB of memory "
                f"(the cap max_import_memory_mb; raise it with {MEMORY_SETTING})"
            )
            continue
        what = "checking" if job.dry_run else "importing"
        result.files.append(
            FileResult(
                file=name,
                unreadable=(
                    f"{name} is refused: {what} it used more than {cap_mb:,} MB of memory (the cap "
                    f"max_import_memory_mb; raise it with {MEMORY_SETTING}): split it into "
                    "smaller files"
                ),
            )
        )
    refused = next((f.unreadable for f in result.files if f.unreadable), None)
    return Outcome(result=result, unreadable=refused)


def group_memory(leader: int) -> int:
    """Return the resident memory, in bytes, of `leader` and the processes it started (the
    reader process of a large file); 0 where /proc is not there to tell."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in _descendants(leader):
        with contextlib.suppress(OSError, IndexError, ValueError):  # it ended meanwhile
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
    return total


def _descendants(leader: int) -> list[int]:
    """Return `leader` and every process under it, from each thread's list of children."""
    found, queue = [], [leader]
    while queue:
        pid = queue.pop()
        found.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                queue.extend(int(child) for child in children.read_text().split())
    return found


def _end_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)


def _rejects_path(name: str) -> Path:
    """Return a new file to keep an upload's rejected rows in, removing those kept too long."""
    folder = Path(get_settings().cache_dir) / _REJECTS_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = time.time()
    for old in folder.iterdir():
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > KEEP_REJECTS_SECONDS:
                old.unlink()
    stem = re.sub(r"[^\w.-]", "_", PurePath(name).stem)[:40]
    handle, path = tempfile.mkstemp(prefix=f"{stem}-", suffix=".csv", dir=folder)
    os.close(handle)
    return Path(path)


# The child ----------------------------------------------------------------------------------
def _kept(result: FileResult, rejects: Path) -> FileResult:
    """Return a file's result with every rejected row written to `rejects` and only the first
    KEPT_REJECTIONS of them held."""
    if result.rejected:
        rejects.write_bytes(rejects_to_csv(result))
        result.rejects_file = str(rejects)
    else:
        rejects.unlink(missing_ok=True)
    result.rejections = result.rejections[:KEPT_REJECTIONS]
    return result


def main(folder: Path) -> int:
    """Run the job kept in `folder`, writing each file's outcome as it is done and the whole
    result at the end; print progress as "done total" lines."""
    with contextlib.suppress(OSError):
        os.nice(10)  # the server and its other users come first
    from feedback_analytics.db import make_engine

    with open(folder / "job.pickle", "rb") as kept:
        job: Job = pickle.load(kept)
    engine = make_engine(get_settings().db_url)
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - shown[0] >= WATCH_EVERY or done >= total:
            shown[0] = time.monotonic()
            print(done, total, flush=True)

    finished = [0]

    def file_done(result: FileResult) -> None:
        index = finished[0]
        finished[0] += 1
        _kept(result, job.rejects[index])
        with open(folder / f"file-{index}.pickle", "wb") as out:
            pickle.dump(result, out)

    try:
        outcome = _run(job, engine, job.files, progress=progress, file_done=file_done)
    except Exception as exc:  # noqa: BLE001 - said to the server in one line, not a traceback
        message = str(exc).strip().splitlines()
        print(message[0] if message else type(exc).__name__, file=sys.stderr)
        return 2
    with open(folder / "result.tmp", "wb") as out:
        pickle.dump(outcome, out)
    (folder / "result.tmp").rename(folder / "result.pickle")
    return 0


def _run(
    job: Job,
    engine: Engine,
    files: Sequence[tuple[str, bytes] | tuple[str, Path]],
    *,
    progress: Progress | None,
    file_done: FileDone | None = None,
) -> Outcome:
    """Run a job on `files` in this process: the preview asked for, then the check or import."""
    outcome = Outcome()
    if job.preview_rows:
        name, source = files[0]
        try:
            outcome.preview = read_preview(
                source,
                file_name=name,
                kind=job.kind or detect_kind(name),
                encoding=job.encoding,
                rows=job.preview_rows,
            )
        except FileUnreadable as exc:
            outcome.unreadable = str(exc)
            return outcome
    if job.surveys:
        outcome.result = run_survey_import(
            engine,
            files,
            actor=job.actor,
            encoding=job.encoding,
            replace=job.replace,
            dry_run=job.dry_run,
            origin=job.origin,
            file_done=file_done,
        )
    else:
        outcome.result = run_import(
            engine,
            files,
            actor=job.actor,
            kind=job.kind,
            encoding=job.encoding,
            dry_run=job.dry_run,
            origin=job.origin,
            progress=progress,
            file_done=file_done,
        )
    return outcome


if __name__ == "__main__":
    # Run as the module it is, not as __main__: what it pickles names its classes by the
    # module the server imports.
    from feedback_analytics.ingest import isolated

    sys.exit(isolated.main(Path(sys.argv[1])))
