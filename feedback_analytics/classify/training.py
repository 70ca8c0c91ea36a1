"""The classifier trained in a process of its own, one run at a time, followed by the pages.

Training takes minutes on a large store, and the dashboard is one server process shared by
everyone signed in. So the Classifier page starts a run (`start_training`): a row of
training_runs and a detached child process, `python -m feedback_analytics.classify.training
RUN_ID`, at a lower priority, that trains and stores a model (not activated: a person chooses)
and writes its progress to the row. A heartbeat thread of the child refreshes the row every
HEARTBEAT_EVERY seconds and watches for a cancel, on which it ends the child's whole process
group (its joblib workers too) at once.

Every app instance reads the row (`training_status`): the instances sharing one database run
one training at a time (a partial unique index holds that under a race), and a run whose
heartbeat stopped (its process was killed, its machine restarted) no longer blocks the next.
The command line's `train` trains in its own process already and does not come here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_analytics.audit import record_event
from feedback_analytics.config import get_settings
from feedback_analytics.db import TrainingRun
from feedback_analytics.db.engine import child_environment
from feedback_analytics.errors import ActionableError

# How often the child refreshes its heartbeat and looks for a cancel, in seconds.
HEARTBEAT_EVERY = 1.0
# A running run whose heartbeat is older than this has lost its process: it is reported as
# stopped and no longer blocks a new one. Far above HEARTBEAT_EVERY, so that a child slowed by
# a busy machine (it runs at a lower priority) is not taken for dead.
STALE_AFTER_SECONDS = 60.0
# How often, at most, the child writes its progress to the row (the last report always is).
PROGRESS_EVERY = 0.5
# The children's logs (their stderr: a failure's traceback) older than this are removed when
# another run starts.
KEEP_LOGS_SECONDS = 7 * 24 * 3600
# Where the children's logs are kept, under the app's cache.
_LOG_FOLDER = "training"

RUNNING = "running"
# A running run whose heartbeat stopped, as training_status reports it (not a stored state).
STOPPED = "stopped"
STOPPED_ERROR = "the training process stopped unexpectedly"


class TrainingBusy(ActionableError):
    """A training is running already: one at a time, across every app instance."""


@dataclass(frozen=True)
class TrainingStatus:
    """A training run as the pages show it: its state (running, done, failed, cancelled, or
    stopped: running with a heartbeat too old), its progress and the time it probably needs."""

    id: int
    state: str
    started_by: str
    started_at: datetime
    done: int
    total: int
    elapsed: float
    seconds_left: float | None
    finished_at: datetime | None
    version: str | None
    error: str | None
    cancel_requested: bool
    pid: int | None

    @property
    def running(self) -> bool:
        """Return True while the run's process works on it."""
        return self.state == RUNNING

    @property
    def fraction(self) -> float:
        """Return the share of the work done, 0 before the first report."""
        return min(self.done / self.total, 1.0) if self.total > 0 else 0.0


def seconds_left(elapsed: float, done: int, total: int) -> float | None:
    """Return the seconds the rest of the work probably takes, at the pace so far (the units
    are of roughly equal work); None before the first unit is done (nothing to go by)."""
    if done <= 0 or total <= 0:
        return None
    return max(elapsed, 0.0) * max(total - done, 0) / done


def _now() -> datetime:
    return datetime.now(UTC)


def _stale(run: TrainingRun, now: datetime) -> bool:
    return (now - run.updated_at).total_seconds() > STALE_AFTER_SECONDS


def _status(run: TrainingRun, now: datetime) -> TrainingStatus:
    state = run.state
    if state == RUNNING and _stale(run, now):
        state = STOPPED
    end = run.finished_at if run.finished_at is not None else now
    elapsed = max((end - run.started_at).total_seconds(), 0.0)
    return TrainingStatus(
        id=run.id,
        state=state,
        started_by=run.started_by,
        started_at=run.started_at,
        done=run.done,
        total=run.total,
        elapsed=elapsed,
        seconds_left=seconds_left(elapsed, run.done, run.total) if state == RUNNING else None,
        finished_at=run.finished_at,
        version=run.version,
        error=STOPPED_ERROR if state == STOPPED else run.error,
        cancel_requested=run.cancel_requested,
        pid=run.pid,
    )


def training_status(engine: Engine, *, now: datetime | None = None) -> TrainingStatus | None:
    """Return the newest training run (None before the first)."""
    with Session(engine) as session:
        run = session.scalars(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(1)).first()
        return None if run is None else _status(run, now or _now())


def run_status(engine: Engine, run_id: int, *, now: datetime | None = None) -> TrainingStatus:
    """Return the training run `run_id` (raise LookupError when there is none)."""
    with Session(engine) as session:
        run = session.get(TrainingRun, run_id)
        if run is None:
            raise LookupError(f"no training run has id {run_id}")
        return _status(run, now or _now())


def start_training(engine: Engine, *, actor: str) -> int:
    """Start training a model in a process of its own; return the run's id (raise TrainingBusy
    when one is running already)."""
    now = _now()
    try:
        with Session(engine) as session, session.begin():
            running = session.scalars(
                select(TrainingRun).where(TrainingRun.state == RUNNING)
            ).first()
            if running is not None and not _stale(running, now):
                raise TrainingBusy(
                    f"A model is being trained already (run {running.id}, started "
                    f"{running.started_at:%Y-%m-%d %H:%M} UTC): wait for it to end, or cancel it."
                )
            if running is not None:
                _end(session, running, "failed", now=now, error=STOPPED_ERROR)
                session.flush()
            run = TrainingRun(
                started_by=actor,
                started_at=now,
                state=RUNNING,
                done=0,
                total=0,
                updated_at=now,
                cancel_requested=False,
            )
            session.add(run)
            session.flush()  # another instance's start, at the same instant, fails here
            run_id = run.id
            record_event(
                session, actor=actor, action="model.training_start", details={"run": run_id}
            )
    except IntegrityError as exc:
        raise TrainingBusy(
            "A model is being trained already (started a moment ago in another session): "
            "wait for it to end, or cancel it."
        ) from exc
    try:
        pid = _spawn(engine, run_id)
    except OSError as exc:
        with Session(engine) as session, session.begin():
            found = session.get(TrainingRun, run_id)
            if found is not None:
                _end(session, found, "failed", now=_now(), error=f"could not start: {exc}")
        raise
    with Session(engine) as session, session.begin():
        session.execute(update(TrainingRun).where(TrainingRun.id == run_id).values(pid=pid))
    return run_id


def cancel_training(engine: Engine, run_id: int, *, actor: str) -> bool:
    """Ask the run's process to stop (it ends within HEARTBEAT_EVERY, storing nothing); return
    False when the run is not running."""
    now = _now()
    with Session(engine) as session, session.begin():
        run = session.get(TrainingRun, run_id)
        if run is None or run.state != RUNNING:
            return False
        run.cancel_requested = True
        record_event(session, actor=actor, action="model.training_cancel", details={"run": run_id})
        if _stale(run, now):
            # No process is left to notice.
            _end(session, run, "cancelled", now=now)
    return True


def _end(
    session: Session,
    run: TrainingRun,
    state: str,
    *,
    now: datetime,
    version: str | None = None,
    error: str | None = None,
) -> None:
    run.state = state
    run.finished_at = now
    run.version = version
    run.error = error
    record_event(
        session,
        actor=run.started_by,
        action="model.training_end",
        details={"run": run.id, "state": state, "version": version},
    )


def log_path(run_id: int) -> Path:
    """Return the file the run's process writes its errors to (under the app's cache)."""
    return Path(get_settings().cache_dir) / _LOG_FOLDER / f"run-{run_id}.log"


def _spawn(engine: Engine, run_id: int) -> int:
    """Start the run's process in a session of its own; return its pid."""
    log = log_path(run_id)
    log.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = time.time()
    for old in log.parent.iterdir():
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > KEEP_LOGS_SECONDS:
                old.unlink()
    environment = child_environment(engine)
    with open(log, "wb") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "feedback_analytics.classify.training", str(run_id)],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,  # its own process group: ended together with its workers
        )
    # Nobody waits for the child's end but this thread, which reaps it (no zombie is left).
    threading.Thread(target=child.wait, name=f"training-{run_id}", daemon=True).start()
    return child.pid


# The child ----------------------------------------------------------------------------------
class _Run:
    """The child's side of a run: its progress written, its heartbeat, its cancel and end."""

    def __init__(self, engine: Engine, run_id: int, started_by: str) -> None:
        self.engine = engine
        self.id = run_id
        self.started_by = started_by
        # Held while the run ends, either way: a cancel never cuts a model being stored.
        self.lock = threading.Lock()
        self.sealed = False
        self.written = 0.0
        self.stopped = threading.Event()

    def progress(self, done: int, total: int) -> None:
        """Write the progress to the row, at most every PROGRESS_EVERY seconds, and the last."""
        last = done >= total
        if last:
            with self.lock:
                self.sealed = True  # the model is being stored: too late to cancel
        if not last and time.monotonic() - self.written < PROGRESS_EVERY:
            return
        self.written = time.monotonic()
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(TrainingRun)
                .where(TrainingRun.id == self.id)
                .values(done=done, total=total, updated_at=_now())
            )

    def beat(self) -> None:
        """Refresh the heartbeat every HEARTBEAT_EVERY seconds; on a cancel, end the group."""
        while True:
            try:
                with Session(self.engine) as session, session.begin():
                    session.execute(
                        update(TrainingRun)
                        .where(TrainingRun.id == self.id, TrainingRun.state == RUNNING)
                        .values(updated_at=_now())
                    )
                    cancel = session.scalar(
                        select(TrainingRun.cancel_requested).where(TrainingRun.id == self.id)
                    )
                if cancel:
                    self.cancel()
            except Exception:  # noqa: BLE001 - a database blip must not stop the heartbeat
                traceback.print_exc()
            if self.stopped.wait(HEARTBEAT_EVERY):
                return

    def cancel(self) -> None:
        """Mark the run cancelled and end this process and every process it started."""
        with self.lock:
            if self.sealed:
                return
            self.end("cancelled")
            sys.stderr.flush()
            if os.getpgrp() == os.getpid():
                os.killpg(os.getpid(), signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)  # not a group's leader (run by hand)

    def end(self, state: str, *, version: str | None = None, error: str | None = None) -> None:
        """Record how the run ended, unless it ended already (taken for stopped meanwhile)."""
        self.sealed = True
        with Session(self.engine) as session, session.begin():
            run = session.get(TrainingRun, self.id)
            if run is not None and run.state == RUNNING:
                _end(session, run, state, now=_now(), version=version, error=error)


def _one_line(exc: BaseException, run_id: int) -> str:
    """Return why the run failed in one line a person can act on (no record's content)."""
    if isinstance(exc, ActionableError):
        lines = str(exc).strip().splitlines()
        return lines[0][:500] if lines else type(exc).__name__
    # Other errors may quote data (a database error quotes its statement's values): only the
    # kind goes to the row, the traceback to the log.
    return f"{type(exc).__name__}; the details are in {log_path(run_id)}"


def main(run_id: int) -> int:
    """Train the model of run `run_id`, writing its progress and end to the row; return the
    exit status."""
    with contextlib.suppress(OSError):
        os.nice(10)  # the server and its other users come first
    from feedback_analytics.db import make_engine

    engine = make_engine(get_settings().db_url)
    with Session(engine) as session:
        found = session.get(TrainingRun, run_id)
        if found is None or found.state != RUNNING:
            print(f"training run {run_id} is not running", file=sys.stderr)
            return 1
        run = _Run(engine, run_id, found.started_by)
    heartbeat = threading.Thread(target=run.beat, name="heartbeat", daemon=True)
    heartbeat.start()
    # Imported once the heartbeat beats: scikit-learn takes seconds to import.
    from feedback_analytics.classify import service

    try:
        result = service.train_model(
            engine, created_by=run.started_by, activate=False, progress=run.progress
        )
    except Exception as exc:  # noqa: BLE001 - said in the row in one line, the rest in the log
        traceback.print_exc()
        with run.lock:
            run.end("failed", error=_one_line(exc, run_id))
        return 2
    finally:
        run.stopped.set()
    with run.lock:
        run.end("done", version=result.version)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
