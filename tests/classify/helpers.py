"""Labelled feedback for the classifier tests: the demo's records, imported as a user would;
waiting for a training process to end."""

from __future__ import annotations

import io
import os
import select
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from feedback_analytics.demo import generate_demo
from feedback_analytics.ingest import import_source


def seed_labelled(engine: Engine, records: int = 400) -> pd.DataFrame:
    """Import `records` demo records as `make run` would (most with a human category); return
    them as the canonical frame."""
    frame = generate_demo(records, seed=3, end=date(2026, 10, 31))
    buffer = io.BytesIO()
    frame.to_csv(buffer, index=False)
    result = import_source(engine, buffer.getvalue(), file_name="demo.csv", origin="demo")
    assert (result.inserted, result.rejected) == (records, 0)
    return frame


# Seconds a training process may take, on a busy machine, to train on a small store or to end.
TRAINING_DEADLINE = 180


def wait_for_exit(pid: int, timeout: float = TRAINING_DEADLINE) -> None:
    """Return once process `pid` has ended (fail after `timeout` seconds)."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        ready, _, _ = select.select([handle], [], [], timeout)
        assert ready, f"process {pid} still runs after {timeout} s"
    finally:
        os.close(handle)
