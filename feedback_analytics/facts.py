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
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from feedback_analytics import metrics
from feedback_analytics.db import Feedback, ImportBatch, SurveyResponse, arrow_read
from feedback_analytics.metrics import DIMENSIONS, TIMESTAMP_COLUMNS
from feedback_analytics.sla import SlaPolicy, load_policy

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


@dataclass(frozen=True)
class DataVersion:
    """What the store holds, in a few cheap numbers: any import or edit changes one of them."""

    records: int
    last_change: datetime | None  # the newest updated_at of records and surveys
    last_batch: int | None

    def __str__(self) -> str:
        return f"{self.records}:{_stamp(self.last_change)}:{self.last_batch}"


def data_version(session: Session) -> DataVersion:
    """Return the store's data version (index lookups only: a few milliseconds at 1M)."""
    # Separate statements: SQLite answers max() from an index only when it is alone.
    records = session.scalar(select(func.count()).select_from(Feedback)) or 0
    changes = [
        session.scalar(select(func.max(Feedback.updated_at))),
        session.scalar(select(func.max(SurveyResponse.updated_at))),
    ]
    present = [change for change in changes if change is not None]
    batch = session.scalar(select(func.max(ImportBatch.id)))
    return DataVersion(int(records), max(present) if present else None, batch)


def read_facts(
    engine: Engine,
    *,
    touching_since: datetime | None = None,
    received_before: datetime | None = None,
    changed_since: datetime | None = None,
    sole_user: bool = False,
) -> pd.DataFrame:
    """Return the metric columns of the stored records (FACT_COLUMNS), one row each.

    `sole_user`: the caller (the command line) opens no other connection to a SQLite store
    while this runs, so the read may run in this process (see db.arrow_read).

    With `touching_since`, only the records that a cohort of a month starting then can hold
    (a superset). With `received_before`, only records received before that instant. With
    `changed_since`, only records whose row or survey was written since then.
    """
    where: list[str] = []
    parameters: list[datetime] = []
    if received_before is not None:
        where.append("f.received_at < ?")
        parameters.append(received_before)
    if touching_since is not None:
        # A union of index ranges, not one scan of the whole table: received since, resolved
        # since or never, surveyed since (the survey time falls back on the response and
        # resolution times).
        where.append(
            "f.id IN ("
            "SELECT id FROM feedback WHERE received_at >= ?"
            " UNION SELECT id FROM feedback WHERE resolved_at >= ? OR resolved_at IS NULL"
            " UNION SELECT feedback_id FROM survey_responses WHERE surveyed_at >= ?"
            " UNION SELECT s2.feedback_id FROM survey_responses s2"
            " JOIN feedback f2 ON f2.id = s2.feedback_id WHERE s2.surveyed_at IS NULL"
            " AND (f2.responded_at >= ? OR f2.resolved_at >= ?))"
        )
        parameters.extend([touching_since] * 5)
    if changed_since is not None:
        where.append(
            "f.id IN (SELECT id FROM feedback WHERE updated_at >= ?"
            " UNION SELECT feedback_id FROM survey_responses WHERE updated_at >= ?)"
        )
        parameters.extend([changed_since] * 2)
    query = _select(engine.dialect.name) + (" WHERE " + " AND ".join(where) if where else "")
    bound = [_bind(value, engine) for value in parameters]
    return facts_frame(_arrow_table(engine, query, bound, sole_user=sole_user))


def facts_frame(table: pa.Table) -> pd.DataFrame:
    """Return the pandas frame of an Arrow table of FACT_COLUMNS: UTC times, categories."""
    columns: dict[str, Any] = {"id": table.column("id").cast(pa.int64())}
    for column in TIMESTAMP_COLUMNS:
        values = table.column(column)
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            # SQLite keeps naive UTC text
            values = pc.cast(_blank_to_null(values), pa.timestamp("us"))
        elif not pa.types.is_timestamp(values.type):
            # No rows at all: the SQLite driver types every column as an integer.
            values = pa.nulls(len(values), pa.timestamp("us"))
        if values.type.tz is None:
            values = pc.assume_timezone(values, "UTC")
        columns[column] = values.cast(pa.timestamp("us", tz="UTC"))
    for column in TEXT_COLUMNS:
        values = table.column(column)
        if not pa.types.is_dictionary(values.type):
            if len(values) == 0:
                values = pa.chunked_array([], pa.string())
            values = pc.dictionary_encode(_blank_to_null(values))
        columns[column] = values
    columns["satisfaction_score"] = table.column("satisfaction_score").cast(pa.float64())
    frame = pa.table(columns).to_pandas(split_blocks=True, self_destruct=True)
    return frame[list(FACT_COLUMNS)]


# Rows written by an import carry its start time, and it commits later: a snapshot read in
# between misses them although their updated_at is older than the read. Reading again what
# changed since an hour before the snapshot was read covers imports of up to an hour (and
# clocks of importing machines up to an hour apart).
REFRESH_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class FactsSnapshot:
    """The facts of one store, kept as an Arrow file under `directory` with the data version
    they are of. A newer store is read again only where it changed since (REFRESH_OVERLAP)."""

    engine: Engine
    directory: Path

    @property
    def path(self) -> Path:
        """Return the snapshot's file: one per database, named by a hash of its address."""
        url = self.engine.url.render_as_string(hide_password=True)
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        return self.directory / f"facts-{digest}.arrow"

    def load(self) -> tuple[pd.DataFrame, str]:
        """Return every record's facts and the data version they are of."""
        read_at = datetime.now(UTC)
        version = self._version()
        saved = self._read()
        if saved is not None and saved[1] == str(version):
            return saved[0], str(version)
        frame = None
        if saved is not None and saved[2] is not None:
            frame = self._refreshed(saved[0], since=saved[2] - REFRESH_OVERLAP, version=version)
        if frame is None:
            frame = read_facts(self.engine)
        # A change during the read makes the version stale: keep the frame, skip the file.
        if self._version() == version:
            self._write(frame, version, read_at=read_at)
        return frame, str(version)

    def refresh_if_kept(self) -> bool:
        """Bring an existing snapshot up to the store (after an import); False when there is
        none, which then waits for the dashboard to need it."""
        if not self.path.exists():
            return False
        self.load()
        return True

    def load_if_current(self) -> pd.DataFrame | None:
        """Return the snapshot's facts when it is of the store's current data version."""
        saved = self._read()
        return saved[0] if saved is not None and saved[1] == str(self._version()) else None

    def _version(self) -> DataVersion:
        with Session(self.engine) as session:
            return data_version(session)

    def _refreshed(
        self, saved: pd.DataFrame, *, since: datetime, version: DataVersion
    ) -> pd.DataFrame | None:
        """Return the saved facts with what changed since `since` read again; None when the
        result cannot be right (records went missing), so that everything is read."""
        changed = read_facts(self.engine, changed_since=since)
        kept = saved[~saved["id"].isin(changed["id"])]
        if len(kept) + len(changed) != version.records:
            return None
        merged: dict[str, Any] = {}
        for column in FACT_COLUMNS:
            if column in TEXT_COLUMNS:
                merged[column] = _joined_categories(kept[column], changed[column])
            else:
                merged[column] = pd.concat([kept[column], changed[column]], ignore_index=True)
        return pd.DataFrame(merged)

    def _read(self) -> tuple[pd.DataFrame, str, datetime | None] | None:
        """Return the saved facts, their data version and when they were read."""
        try:
            with pa.memory_map(str(self.path)) as source:
                table = pa.ipc.open_file(source).read_all()
        except (OSError, pa.ArrowInvalid):
            return None
        metadata = table.schema.metadata or {}
        if b"data_version" not in metadata:
            return None
        read_at = metadata.get(b"read_at", b"").decode()
        return (
            table.to_pandas(split_blocks=True)[list(FACT_COLUMNS)],
            metadata[b"data_version"].decode(),
            datetime.fromisoformat(read_at) if read_at else None,
        )

    def _write(self, frame: pd.DataFrame, version: DataVersion, *, read_at: datetime) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata(
            {
                **(table.schema.metadata or {}),
                b"data_version": str(version).encode(),
                b"read_at": read_at.isoformat().encode(),
            }
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


def _joined_categories(first: pd.Series, second: pd.Series) -> pd.Categorical:
    """Return the two category columns one after the other, as one category column."""
    parts = [part.astype("category") for part in (first, second)]
    labels = [part.cat.categories.astype(str) for part in parts]
    categories = labels[0].append(labels[1]).unique()
    # Code -1 (empty) picks the -1 appended at the end of each recoding.
    codes = [
        np.append(categories.get_indexer(label), -1)[part.cat.codes.to_numpy()]
        for part, label in zip(parts, labels, strict=True)
    ]
    return pd.Categorical.from_codes(np.concatenate(codes), categories=categories)


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


def _arrow_table(
    engine: Engine, query: str, parameters: list[Any], *, sole_user: bool = False
) -> pa.Table:
    """Return the rows of a query as an Arrow table, through ADBC."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database or ""
        if sole_user:
            engine.dispose()  # closes this process's pooled sqlite3 connections to the file
            # A connection still checked out (not disposed) rules the in-process read out.
            if getattr(engine.pool, "checkedout", lambda: 1)() == 0:
                return arrow_read.read_table(
                    path,
                    query,
                    parameters,
                    timestamps=list(TIMESTAMP_COLUMNS),
                    categories=list(TEXT_COLUMNS),
                )
        return _sqlite_arrow_table(path, query, parameters)
    if engine.dialect.name != "postgresql":
        raise ValueError(f"no fast reader for the {engine.dialect.name} database")
    import adbc_driver_postgresql.dbapi as postgres_adbc

    uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with postgres_adbc.connect(uri) as connection, connection.cursor() as cursor:
        cursor.execute(_numbered(query), parameters or None)
        return cursor.fetch_arrow_table()


def _sqlite_arrow_table(path: str, query: str, parameters: list[Any]) -> pa.Table:
    # In a child process: see feedback_analytics.db.arrow_read for why.
    request = json.dumps(
        {
            "path": path,
            "query": query,
            "parameters": parameters,
            "timestamps": list(TIMESTAMP_COLUMNS),
            "categories": list(TEXT_COLUMNS),
        }
    )
    child = subprocess.run(
        # By path, not -m: the package's imports would cost more than the read.
        [sys.executable, str(Path(arrow_read.__file__))],
        input=request.encode(),
        capture_output=True,
        check=False,
    )
    if child.returncode != 0:
        last = (child.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"reading the records from {path} failed: {last}")
    return pa.ipc.open_stream(child.stdout).read_all()


def stored_overview(
    engine: Engine,
    *,
    month: str,
    as_of: datetime,
    tz: tzinfo,
    policy: SlaPolicy | None = None,
    trend_months: int = 12,
    sole_user: bool = False,
    cache_dir: Path | None = None,
) -> metrics.Overview:
    """Return the month's overview (trend and breakdowns) from the records it can involve,
    measured against `policy` (default: the stored SLA policy)."""
    first = metrics.trailing_months(month, max(trend_months, 2))[0]
    facts = _current_snapshot(engine, cache_dir)
    if facts is None:
        facts = read_facts(
            engine,
            touching_since=_since(metrics.month_bounds(first, tz)[0], as_of),
            received_before=metrics.month_bounds(month, tz)[1],
            sole_user=sole_user,
        )
    return metrics.month_overview(
        facts,
        month=month,
        as_of=as_of,
        tz=tz,
        policy=policy or stored_policy(engine),
        trend_months=trend_months,
    )


def stored_month_report(
    engine: Engine,
    *,
    month: str,
    as_of: datetime,
    tz: tzinfo,
    policy: SlaPolicy | None = None,
    sole_user: bool = False,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Return the METRICS.md report of one month, reading only the records it can involve,
    measured against `policy` (default: the stored SLA policy)."""
    start, end = metrics.month_bounds(month, tz)
    facts = _current_snapshot(engine, cache_dir)
    if facts is None:
        facts = read_facts(
            engine, touching_since=_since(start, as_of), received_before=end, sole_user=sole_user
        )
    return metrics.monthly_report(
        facts, month=month, as_of=as_of, tz=tz, policy=policy or stored_policy(engine)
    )


def stored_policy(engine: Engine) -> SlaPolicy:
    """Return the SLA policy every page, report and instance measures against."""
    with Session(engine) as session:
        return load_policy(session)


def _since(start: pd.Timestamp, as_of: datetime) -> datetime:
    """Return the earliest event time a month starting at `start` can depend on: as_of hides
    later events, so a record resolved after an as_of before the month is still open in it."""
    return min(start.to_pydatetime(), as_of)


def _current_snapshot(engine: Engine, cache_dir: Path | None) -> pd.DataFrame | None:
    """Return every record's facts from the snapshot the dashboard keeps, when it is current."""
    return None if cache_dir is None else FactsSnapshot(engine, cache_dir).load_if_current()
