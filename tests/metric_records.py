"""Hand-made records for the metric engine's tests: one dict a record, then one frame."""

from __future__ import annotations

from typing import Any

import pandas as pd

from feedback_analytics.metrics import RECORD_COLUMNS, TIMESTAMP_COLUMNS

COLUMNS = [*RECORD_COLUMNS, "department", "product"]


def rec(received: str, **fields: Any) -> dict[str, Any]:
    """One record: UTC timestamps as ISO text, defaults for the rest."""
    return {
        "channel": "email",
        "category": "Billing",
        "category_source": "human",
        "priority": "normal",
        "department": "Billing",
        "product": "Portal",
        "satisfaction_score": None,
        "received_at": received,
        **fields,
    }


def frame(rows: list[dict[str, Any]], *, score_dtype: str = "Int64") -> pd.DataFrame:
    """The records frame the metrics take: aware UTC datetimes, NaT and NA when absent."""
    records = pd.DataFrame(rows, columns=COLUMNS)
    for column in TIMESTAMP_COLUMNS:
        records[column] = pd.to_datetime(records[column], utc=True)
    records["satisfaction_score"] = records["satisfaction_score"].astype(score_dtype)
    return records
