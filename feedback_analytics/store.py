"""What the record store holds, in totals a person can read (never customers' personal data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from feedback_analytics.db import Feedback, ImportBatch, SurveyResponse
from feedback_analytics.ingest.values import COLUMNS

BATCH_COLUMNS = (
    "file_name",
    "source",
    "finished_at",
    "read",
    "inserted",
    "updated",
    "unchanged",
    "rejected",
)


@dataclass(frozen=True)
class StoreSummary:
    """Totals over every stored feedback record."""

    records: int
    first_received_at: datetime | None
    last_received_at: datetime | None
    by_channel: dict[str, int] = field(default_factory=dict)
    uncategorised: int = 0
    survey_responses: int = 0

    @property
    def is_empty(self) -> bool:
        """Return True when the store holds no record."""
        return self.records == 0


def summarize_store(session: Session) -> StoreSummary:
    """Return the record count, received-at range, count per channel and related totals."""
    records, first, last = session.execute(
        select(
            func.count(Feedback.id), func.min(Feedback.received_at), func.max(Feedback.received_at)
        )
    ).one()
    by_channel = {
        channel: count
        for channel, count in session.execute(
            select(Feedback.channel, func.count(Feedback.id))
            .group_by(Feedback.channel)
            .order_by(Feedback.channel)
        )
    }
    uncategorised = session.scalar(
        select(func.count(Feedback.id)).where(
            or_(Feedback.category.is_(None), func.trim(Feedback.category) == "")
        )
    )
    # A comment without a score is not a response (METRICS.md).
    responses = session.scalar(
        select(func.count(SurveyResponse.id)).where(SurveyResponse.score.is_not(None))
    )
    return StoreSummary(
        records=int(records),
        first_received_at=first,
        last_received_at=last,
        by_channel=by_channel,
        uncategorised=int(uncategorised or 0),
        survey_responses=int(responses or 0),
    )


def recent_batches(session: Session, *, limit: int = 10) -> pd.DataFrame:
    """Return the last `limit` import batches, newest first, with their row counts."""
    rows = session.execute(
        select(*(getattr(ImportBatch, name) for name in BATCH_COLUMNS))
        .order_by(ImportBatch.started_at.desc(), ImportBatch.id.desc())
        .limit(limit)
    ).all()
    frame = pd.DataFrame(rows, columns=list(BATCH_COLUMNS))
    frame["finished_at"] = pd.to_datetime(frame["finished_at"], utc=True)
    return frame.astype({name: "int64" for name in BATCH_COLUMNS[3:]})


# What the pages show of a record: the canonical columns but the customer's (who lives in
# `customers`, never read here), and where the category came from.
RECORD_VIEW_COLUMNS = (
    *(name for name in COLUMNS if not name.startswith("customer_")),
    "category_source",
)
# Canonical names that the survey table stores under another name.
_SURVEY_COLUMNS = {
    "satisfaction_score": SurveyResponse.score,
    "satisfaction_comment": SurveyResponse.comment,
    "surveyed_at": SurveyResponse.surveyed_at,
}
_ID_CHUNK = 5_000
# The largest number a record can have: ids are 32-bit integers on PostgreSQL.
MAX_RECORD_ID = 2**31 - 1


def parse_record_id(text: str | None) -> int:
    """Return the record number a link gives (`?id=`), 0 when it is none a record can have:
    not a whole number, below 1 or above MAX_RECORD_ID."""
    try:
        number = int(str(text or "").strip())
    except ValueError:
        return 0
    return number if 1 <= number <= MAX_RECORD_ID else 0


def records_by_id(session: Session, ids: Sequence[int]) -> pd.DataFrame:
    """Return the records with these ids, in the order given: RECORD_VIEW_COLUMNS, no
    personal data (the customer is never read)."""
    columns = [
        _SURVEY_COLUMNS[name].label(name) if name in _SURVEY_COLUMNS else getattr(Feedback, name)
        for name in RECORD_VIEW_COLUMNS
    ]
    parts = []
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = [int(value) for value in ids[start : start + _ID_CHUNK]]
        rows = session.execute(
            select(Feedback.id, *columns)
            .outerjoin(SurveyResponse, SurveyResponse.feedback_id == Feedback.id)
            .where(Feedback.id.in_(chunk))
        ).all()
        parts.append(pd.DataFrame(rows, columns=["id", *RECORD_VIEW_COLUMNS]))
    if not parts:
        frame = pd.DataFrame(columns=["id", *RECORD_VIEW_COLUMNS])
    else:
        frame = pd.concat(parts, ignore_index=True)
    frame = frame.set_index("id").reindex([int(value) for value in ids])
    for name in RECORD_VIEW_COLUMNS:
        if name.endswith("_at"):
            frame[name] = pd.to_datetime(frame[name], utc=True)
    frame["satisfaction_score"] = frame["satisfaction_score"].astype("Int64")
    return frame.reset_index(drop=True)
