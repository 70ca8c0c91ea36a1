"""Training in a process of its own: a real child trains, reports, is cancelled, one at a time."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_analytics.classify import training
from feedback_analytics.classify.training import TrainingBusy
from feedback_analytics.db import AuditEvent, ClassifierModel, TrainingRun
from tests.classify.helpers import seed_labelled, wait_for_exit


def group_alive(leader: int) -> list[int]:
    """Return the live (not zombie) processes of the process group `leader` leads."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == leader and state != "Z":
            alive.append(int(stat.parent.name))
    return alive


def add_run(engine: Engine, *, heartbeat_age: float, **values: object) -> int:
    """Store a running run (no process behind it) whose heartbeat is `heartbeat_age` s old."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        defaults: dict[str, object] = {"done": 0, "total": 0, "cancel_requested": False}
        run = TrainingRun(
            started_by="someone",
            started_at=now - timedelta(seconds=heartbeat_age + 10),
            state="running",
            updated_at=now - timedelta(seconds=heartbeat_age),
            **(defaults | values),
        )
        session.add(run)
        session.flush()
        return run.id


def actions(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def models(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count(ClassifierModel.id))) or 0)


@pytest.mark.parametrize(
    ("elapsed", "done", "total", "expected"),
    [
        (10.0, 0, 0, None),  # no report yet
        (10.0, 0, 20, None),  # nothing done: nothing to go by
        (10.0, 5, 20, 30.0),
        (30.0, 1, 3, 60.0),
        (12.0, 20, 20, 0.0),
        (0.0, 1, 3, 0.0),
        (10.0, 25, 20, 0.0),  # more reported than planned: never negative
    ],
)
def test_seconds_left(elapsed: float, done: int, total: int, expected: float | None) -> None:
    assert training.seconds_left(elapsed, done, total) == expected


def test_a_run_trains_and_stores_a_model_in_a_process_of_its_own(engine: Engine) -> None:
    seed_labelled(engine, 200)
    run_id = training.start_training(engine, actor="trainer@example.test")
    started = training.run_status(engine, run_id)
    assert started.state == "running" and started.pid not in (None, os.getpid())
    newest = training.training_status(engine)
    assert newest is not None and newest.id == run_id
    wait_for_exit(started.pid)
    ended = training.run_status(engine, run_id)
    assert ended.state == "done", ended.error
    assert ended.total > 0 and ended.done == ended.total
    assert ended.seconds_left is None and ended.finished_at is not None
    with Session(engine) as session:
        model = session.scalars(select(ClassifierModel)).one()
    assert (model.version, model.active, model.created_by) == (
        ended.version,
        False,
        "trainer@example.test",
    )
    assert actions(engine)[-3:] == ["model.training_start", "model.train", "model.training_end"]


def test_cancel_ends_the_child_and_stores_nothing(engine: Engine) -> None:
    seed_labelled(engine, 200)
    run_id = training.start_training(engine, actor="trainer@example.test")
    pid = training.run_status(engine, run_id).pid
    assert pid is not None
    assert training.cancel_training(engine, run_id, actor="boss@example.test")
    wait_for_exit(pid)
    assert group_alive(pid) == []
    ended = training.run_status(engine, run_id)
    assert (ended.state, ended.version, ended.cancel_requested) == ("cancelled", None, True)
    assert models(engine) == 0
    assert actions(engine)[-2:] == ["model.training_cancel", "model.training_end"]
    # An ended run is not cancelled again.
    assert not training.cancel_training(engine, run_id, actor="boss@example.test")


def test_a_second_start_is_refused_while_one_runs(engine: Engine) -> None:
    running = add_run(engine, heartbeat_age=2)
    with pytest.raises(TrainingBusy, match="being trained already"):
        training.start_training(engine, actor="second@example.test")
    status = training.training_status(engine)
    assert status is not None and (status.id, status.state) == (running, "running")
    # Two app instances checking at the same instant: the database keeps the second out.
    with pytest.raises(IntegrityError):
        add_run(engine, heartbeat_age=0)


def test_a_run_whose_heartbeat_stopped_lets_a_new_one_start(engine: Engine) -> None:
    stale = add_run(engine, heartbeat_age=training.STALE_AFTER_SECONDS + 5, done=2, total=10)
    status = training.training_status(engine)
    assert status is not None
    assert (status.id, status.state, status.error) == (stale, "stopped", training.STOPPED_ERROR)
    assert status.seconds_left is None and not status.running
    run_id = training.start_training(engine, actor="trainer@example.test")
    assert training.run_status(engine, stale).state == "failed"
    # Without labels the child fails, and says why in one line.
    pid = training.run_status(engine, run_id).pid
    assert pid is not None
    wait_for_exit(pid)
    ended = training.run_status(engine, run_id)
    assert ended.state == "failed"
    assert ended.error is not None and "at least 2 categories" in ended.error
    assert "\n" not in ended.error


def test_status_estimates_the_time_left_from_the_pace_so_far(engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.add(
            TrainingRun(
                started_by="someone",
                started_at=now - timedelta(seconds=10),
                state="running",
                done=5,
                total=20,
                updated_at=now,
                cancel_requested=False,
            )
        )
    status = training.training_status(engine, now=now)
    assert status is not None
    assert (status.elapsed, status.seconds_left, status.fraction) == (10.0, 30.0, 0.25)
