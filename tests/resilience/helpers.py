"""Running the command line in the background against a test database, and watching it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from select import select as wait_readable

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from feedback_analytics.db import Feedback, ImportBatch

ROOT = Path(__file__).resolve().parents[2]
# How often a waiting test looks again; it waits on the watched process meanwhile.
POLL_SECONDS = 0.05


def database_env(engine: Engine) -> dict[str, str]:
    """Return the environment that points the command line at `engine`'s database."""
    return {"FEEDBACK_DB_URL": engine.url.render_as_string(hide_password=False)}


def start_import(path: Path, *, engine: Engine) -> subprocess.Popen[str]:
    """Start `import PATH --json` as a real process in its own process group."""
    return subprocess.Popen(
        [sys.executable, "-m", "feedback_analytics", "import", str(path), "--json"],
        cwd=ROOT,
        env={**os.environ, **database_env(engine)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_until(
    condition: Callable[[], bool], process: subprocess.Popen[str], *, what: str, timeout: float
) -> None:
    """Return once `condition()` holds while `process` still runs; fail if it ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        try:
            process.wait(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not seen within {timeout:.0f} s") from None
            continue
        _, stderr = process.communicate()
        raise AssertionError(f"{what}: the process ended first ({process.returncode}): {stderr}")


def group_alive(process: subprocess.Popen[str]) -> bool:
    """Return True while any process of `process`'s group (it and its children) is left."""
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def group_members(process: subprocess.Popen[str]) -> list[int]:
    """Return the ids of the running processes in `process`'s group (Linux /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command may hold spaces and parentheses: the fields follow the last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[2]) == process.pid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def group_ended(process: subprocess.Popen[str], *, timeout: float) -> bool:
    """Wait up to `timeout` seconds for every process of `process`'s group to end; return
    True when none is left. Waits on each one's pidfd: no polling."""
    deadline = time.monotonic() + timeout
    for pid in group_members(process):
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            wait_readable([handle], [], [], max(deadline - time.monotonic(), 0))
        finally:
            os.close(handle)
    return not group_members(process)


def end_group(process: subprocess.Popen[str]) -> None:
    """Kill whatever is left of the process group this test started, and reap its leader."""
    if group_alive(process):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def count(engine: Engine, model: type) -> int:
    """Return how many rows of `model` the store holds."""
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def stored_keys(engine: Engine) -> list[tuple[str, str]]:
    """Return the (channel, external_id) of every stored record, repeats included, sorted."""
    with Session(engine) as session:
        rows = session.execute(select(Feedback.channel, Feedback.external_id)).all()
    return sorted((channel, external_id) for channel, external_id in rows)


def unfinished_batches(engine: Engine) -> int:
    """Return how many import batches the store holds that never finished."""
    with Session(engine) as session:
        query = select(func.count()).where(ImportBatch.finished_at.is_(None))
        return session.scalar(query) or 0
