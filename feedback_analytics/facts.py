"""The metric columns of stored records, as the frame that feedback_analytics.metrics takes.

Reading a million rows of the record table row by row costs seconds, so the columns come
through ADBC as Arrow (no Python object per value), and `FactsSnapshot` keeps the last load
in an Arrow file beside the database, keyed by the store's data version: a new process
reads it in a fraction of a second, and any change to the store (an import, an edit) gives
a new version, so the next load reads the store again.

The frame never holds personal data: customers are not read at all.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from feedback_analytics import metrics
from feedback_analytics.db import Feedback, ImportBatch, SurveyResponse
from feedback_analytics.metrics import DIMENSIONS, TIMESTAMP_COLUMNS

FEEDBACK_TIMESTAMPS = tuple(column for column in TIMESTAMP_COLUMNS if column != "surveyed_at")
TEXT_COLUMNS = ("channel", "category", "category_source", "priority", "department", "product")
FACT_COLUMNS = ("id", *TIMESTAMP_COLUMNS, *TEXT_COLUMNS, "satisfaction_score")
# A comment without a score is not a survey response (METRICS.md), so only scored rows join.
# The SQLite driver guesses a column's type from its first rows, so a column starting with
# NULLs would turn into integers: there, texts come as '' for NULL and turn back into nulls
# in Arrow. PostgreSQL declares its types. Every name below is a constant of this module.
_TEXTS = (*FEEDBACK_TIMESTAMPS, *TEXT_COLUMNS)


def _select(dialect: str) -> str:
    def text(column: str, table: str = "f") -> str:
        name = f"{table}.{column}"
        return f"IFNULL({name}, '') AS {column}" if dialect == "sqlite" else name

    columns = [
        "f.id",
        *(text(column) for column in FEEDBACK_TIMESTAMPS),
        text("surveyed_at", "s"),
        *(text(column) for column in TEXT_COLUMNS),
        "s.score AS satisfaction_score",
    ]
    return (
        "SELECT "  # noqa: S608 - no value of a caller's reaches this text
        + ", ".join(columns)
        + " FROM feedback f LEFT JOIN survey_responses s"
        + " ON s.feedback_id = f.id AND s.score IS NOT NULL"
    )


def data_version(session: Session) -> str:
    """Return a text that changes whenever a record, a survey or an import batch changes."""
    records, last_change = session.execute(
        select(func.count(Feedback.id), func.max(Feedback.updated_at))
    ).one()
    surveys, last_survey = session.execute(
        select(func.count(SurveyResponse.id), func.max(SurveyResponse.updated_at))
    ).one()
    batch = session.scalar(select(func.max(ImportBatch.id)))
    return f"{records}:{_stamp(last_change)}:{surveys}:{_stamp(last_survey)}:{batch}"


def read_facts(
    engine: Engine,
    *,
    touching_since: datetime | None = None,
    received_before: datetime | None = None,
) -> pd.DataFrame:
    """Return the metric columns of the stored records (FACT_COLUMNS), one row each.

    With `touching_since`, only the records that any cohort of a month starting then can hold:
    received since, resolved, responded or surveyed since, or still unresolved. With
    `received_before`, only records received before that instant.
    """
    where, parameters = [], []
    if received_before is not None:
        where.append("f.received_at < ?")
        parameters.append(received_before)
    if touching_since is not None:
        where.append(
            "(f.received_at >= ? OR f.resolved_at IS NULL OR f.resolved_at >= ?"
            " OR f.responded_at >= ? OR s.surveyed_at >= ?)"
        )
        parameters.extend([touching_since] * 4)
    query = _select(engine.dialect.name) + (" WHERE " + " AND ".join(where) if where else "")
    with _adbc(engine) as connection:
        cursor = connection.cursor()
        try:
            bound = [_bind(value, engine) for value in parameters]
            if engine.dialect.name == "postgresql":
                query = _numbered(query)
            cursor.execute(query, bound or None)
            table = cursor.fetch_arrow_table()
        finally:
            cursor.close()
    return facts_frame(table)


def facts_frame(table: pa.Table) -> pd.DataFrame:
    """Return the pandas frame of an Arrow table of FACT_COLUMNS: UTC times, categories."""
    columns: dict[str, Any] = {"id": table.column("id").cast(pa.int64())}
    for column in TIMESTAMP_COLUMNS:
        values = table.column(column)
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            # SQLite keeps naive UTC text
            values = pc.cast(_blank_to_null(values), pa.timestamp("us"))
        if pa.types.is_null(values.type):
            values = values.cast(pa.timestamp("us"))
        if values.type.tz is None:
            values = pc.assume_timezone(values, "UTC")
        columns[column] = values.cast(pa.timestamp("us", tz="UTC"))
    for column in TEXT_COLUMNS:
        columns[column] = pc.dictionary_encode(_blank_to_null(table.column(column)))
    columns["satisfaction_score"] = table.column("satisfaction_score").cast(pa.float64())
    frame = pa.table(columns).to_pandas(split_blocks=True, self_destruct=True)
    return frame[list(FACT_COLUMNS)]


@dataclass(frozen=True)
class FactsSnapshot:
    """The facts of one store, saved as an Arrow file under `directory`, keyed by data version."""

    engine: Engine
    directory: Path

    @property
    def path(self) -> Path:
        """Return the snapshot's file: one per database, named by a hash of its address."""
        url = self.engine.url.render_as_string(hide_password=True)
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        return self.directory / f"facts-{digest}.arrow"

    def load(self) -> tuple[pd.DataFrame, str]:
        """Return every record's facts and the data version they are of, reading the store
        only when the snapshot is missing or older than the store."""
        with Session(self.engine) as session:
            version = data_version(session)
        cached = self._read(version)
        if cached is not None:
            return cached, version
        frame = read_facts(self.engine)
        with Session(self.engine) as session:
            # A change during the read makes the version stale: keep the frame, skip the file.
            unchanged = data_version(session) == version
        if unchanged:
            self._write(frame, version)
        return frame, version

    def _read(self, version: str) -> pd.DataFrame | None:
        try:
            with pa.memory_map(str(self.path)) as source:
                table = pa.ipc.open_file(source).read_all()
        except (OSError, pa.ArrowInvalid):
            return None
        metadata = table.schema.metadata or {}
        if metadata.get(b"data_version") != version.encode():
            return None
        return table.to_pandas(split_blocks=True)[list(FACT_COLUMNS)]

    def _write(self, frame: pd.DataFrame, version: str) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), b"data_version": version.encode()}
        )
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.directory, suffix=".part")
        except OSError:
            return  # The snapshot only saves time; a read-only disk costs a slower start.
        os.close(handle)
        temporary = Path(name)
        try:
            with pa.OSFile(name, "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
                out.write_table(table)
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


def dimension_values(facts: pd.DataFrame, dimension: str) -> list[str]:
    """Return the values a dimension takes in the facts, sorted, without empty ones."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    return sorted(str(value) for value in facts[dimension].dropna().unique())


def _blank_to_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Return text values with '' as null (empty text is never a stored value here)."""
    values = values.cast(pa.string())
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _stamp(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _bind(value: datetime, engine: Engine) -> Any:
    utc = pd.Timestamp(value).tz_convert("UTC")
    if engine.dialect.name == "sqlite":
        return utc.tz_localize(None).isoformat(sep=" ", timespec="microseconds")
    return utc.to_pydatetime()


def _numbered(query: str) -> str:
    parts = query.split("?")
    return "".join(
        part + (f"${index}" if index < len(parts) else "") for index, part in enumerate(parts, 1)
    )


@contextmanager
def _adbc(engine: Engine) -> Iterator[Any]:
    """Yield an ADBC DB-API connection to the engine's database."""
    url = engine.url
    if engine.dialect.name == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite_adbc

        connection = sqlite_adbc.connect(url.database or ":memory:")
    elif engine.dialect.name == "postgresql":
        import adbc_driver_postgresql.dbapi as postgres_adbc

        uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
        connection = postgres_adbc.connect(uri)
    else:
        raise ValueError(f"no fast reader for the {engine.dialect.name} database")
    try:
        yield connection
    finally:
        connection.close()


def stored_overview(
    engine: Engine,
    *,
    month: str,
    as_of: datetime,
    tz: tzinfo,
    ack_target_hours: float,
    trend_months: int = 12,
) -> metrics.Overview:
    """Return the month's overview (trend and breakdowns) from the records it can involve."""
    first = metrics.trailing_months(month, max(trend_months, 2))[0]
    facts = read_facts(
        engine,
        touching_since=metrics.month_bounds(first, tz)[0],
        received_before=metrics.month_bounds(month, tz)[1],
    )
    return metrics.month_overview(
        facts,
        month=month,
        as_of=as_of,
        tz=tz,
        ack_target_hours=ack_target_hours,
        trend_months=trend_months,
    )


def stored_month_report(
    engine: Engine, *, month: str, as_of: datetime, tz: tzinfo, ack_target_hours: float
) -> dict[str, Any]:
    """Return the METRICS.md report of one month, reading only the records it can involve."""
    start, end = metrics.month_bounds(month, tz)
    facts = read_facts(engine, touching_since=start, received_before=end)
    return metrics.monthly_report(
        facts, month=month, as_of=as_of, tz=tz, ack_target_hours=ack_target_hours
    )
