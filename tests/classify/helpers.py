"""Labelled feedback for the classifier tests: the demo's records, imported as a user would."""

from __future__ import annotations

import io
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
