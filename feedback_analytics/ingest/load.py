"""Write validated rows into the store: insert new records, update known ones.

A record is known by its channel and external_id. Non-empty cells replace stored
values; empty cells never clear one. Everything a file changes is written inside the
caller's transaction, so a failed file leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import (
    Connection,
    DateTime,
    String,
    Table,
    bindparam,
    func,
    select,
    text,
    type_coerce,
    update,
)

from feedback_analytics.db.models import (
    Customer,
    Feedback,
    StatusChange,
    SurveyResponse,
    UTCDateTime,
)
from feedback_analytics.ingest.values import CONTACT, FEEDBACK_TEXTS, TIMESTAMPS

if TYPE_CHECKING:
    import sqlite3

# The mapped classes' tables: SQLAlchemy types `__table__` as the wider FromClause.
_FEEDBACK = cast(Table, Feedback.__table__)
_CUSTOMERS = cast(Table, Customer.__table__)
_SURVEYS = cast(Table, SurveyResponse.__table__)
_STATUS_CHANGES = cast(Table, StatusChange.__table__)

# The canonical columns kept on the feedback row itself.
FEEDBACK_FIELDS = (
    "received_at",
    "product",
    "current_feature",
    "proposal",
    "reason",
    "category",
    "priority",
    "department",
    "assignee",
    "acknowledged_at",
    "due_at",
    "resolved_at",
    "responded_at",
)
CUSTOMER_FIELDS = dict(zip(CONTACT, ("name", "email", "phone", "address"), strict=True))
SURVEY_FIELDS = {
    "satisfaction_score": "score",
    "satisfaction_comment": "comment",
    "surveyed_at": "surveyed_at",
}
COMPARED = (*FEEDBACK_FIELDS, *CUSTOMER_FIELDS, *SURVEY_FIELDS, "status")
LOOKUP_BATCH = 5_000
SQLITE_ROWS_PER_INSERT = 50
SQLITE_MAX_PARAMETERS = 32_766


def derive_status(values: pd.DataFrame) -> pd.Series:
    """Return the status the timestamps imply: closed, resolved, acknowledged or new."""
    status = pd.Series("new", index=values.index, dtype=object)
    status[values["acknowledged_at"].notna()] = "acknowledged"
    status[values["resolved_at"].notna()] = "resolved"
    status[values["responded_at"].notna()] = "closed"
    return status


def stored_records(connection: Connection, keys: pd.DataFrame) -> pd.DataFrame:
    """Return the stored records with these channel/external_id keys, in the parsed form."""
    f, c, s = _FEEDBACK, _CUSTOMERS, _SURVEYS
    # Timestamps come back raw (UTC text on SQLite) and are parsed below all at once.
    raw = String() if connection.dialect.name == "sqlite" else DateTime(timezone=True)
    columns = [
        f.c.id,
        f.c.channel,
        f.c.external_id,
        *(f.c[name] for name in FEEDBACK_FIELDS),
        f.c.status,
        f.c.status_explicit,
        f.c.category_source,
        f.c.customer_id,
        *(c.c[stored].label(canonical) for canonical, stored in CUSTOMER_FIELDS.items()),
        s.c.id.label("survey_id"),
        *(s.c[stored].label(canonical) for canonical, stored in SURVEY_FIELDS.items()),
    ]
    columns = [
        type_coerce(col, raw).label(col.name) if isinstance(col.type, UTCDateTime) else col
        for col in columns
    ]
    query = select(*columns).select_from(
        f.outerjoin(c, c.c.id == f.c.customer_id).outerjoin(s, s.c.feedback_id == f.c.id)
    )
    found: list[Any] = []
    for channel, ids in keys.groupby("channel")["external_id"]:
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), LOOKUP_BATCH):
            batch = unique[start : start + LOOKUP_BATCH]
            result = connection.execute(
                query.where(f.c.channel == channel, f.c.external_id.in_(batch))
            )
            found.extend(tuple(row) for row in result)  # plain tuples: pandas probes Row attributes
    stored = pd.DataFrame.from_records(found, columns=[col.name for col in columns])
    for name in TIMESTAMPS:
        stored[name] = pd.to_datetime(stored[name], utc=True, format="ISO8601").astype(
            "datetime64[us, UTC]"
        )
    stored["satisfaction_score"] = stored["satisfaction_score"].astype("Int64")
    return stored


def merge_stored(parsed: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """Return the rows as they will be stored: given cells over the stored values."""
    merged = parsed.copy()
    for column in (*FEEDBACK_FIELDS, *CUSTOMER_FIELDS, *SURVEY_FIELDS):
        merged[column] = parsed[column].where(parsed[column].notna(), stored[column])
    given_category = parsed["category"].notna()
    merged["category_source"] = stored["category_source"].where(~given_category, "human")
    merged["priority"] = merged["priority"].fillna("normal")
    explicit = parsed["status"].notna()
    merged["status_explicit"] = explicit | stored["status_explicit"].fillna(False).astype(bool)
    derived = derive_status(merged)
    keep = ~explicit & merged["status_explicit"]
    merged["status"] = parsed["status"].where(explicit, stored["status"].where(keep, derived))
    return merged


def differing(merged: pd.DataFrame, stored: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """Return True for each row where any of `columns` differs (two empties are equal)."""
    changed = pd.Series(False, index=merged.index)
    for column in columns:
        new, old = merged[column], stored[column]
        both_empty = new.isna() & old.isna()
        if not (new.dtype == old.dtype and new.dtype.kind == "M"):
            new, old = new.astype(object), old.astype(object)
        changed |= ((new != old) & ~both_empty).fillna(True).astype(bool)
    return changed


def changed_rows(merged: pd.DataFrame, stored: pd.DataFrame) -> pd.Series:
    """Return True for each row whose stored values the merge changes."""
    changed = differing(merged, stored, COMPARED)
    changed |= merged["status_explicit"].astype(bool) != stored["status_explicit"].astype(bool)
    return changed


def bulk_insert(connection: Connection, table: str, columns: dict[str, Any]) -> None:
    """Insert rows given column by column, fast: COPY on PostgreSQL, executemany on SQLite.

    Values are Series or lists of equal length; missing values become NULL. This skips
    SQLAlchemy's per-value processing, so timestamps are turned into UTC text here.
    """
    names = list(columns)
    values = [_column_values(connection, v) for v in columns.values()]
    if not values or not len(values[0]):
        return
    quoted = ", ".join(f'"{n}"' for n in names)
    if connection.dialect.name == "postgresql":
        rows = zip(*values, strict=True)
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute("SET LOCAL timezone = 'UTC'")
            with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        return
    # SQLite: several rows per INSERT cut the per-statement work; the rows are laid out
    # in one object array and reshaped, so the parameter lists are built in C.
    count, width = len(values[0]), len(names)
    per_statement = max(1, min(SQLITE_ROWS_PER_INSERT, SQLITE_MAX_PARAMETERS // width))
    grid = np.empty((count, width), dtype=object)
    for position, column in enumerate(values):
        grid[:, position] = column
    whole = count - count % per_statement
    one = "(" + ", ".join("?" for _ in names) + ")"
    sql = f'INSERT INTO "{table}" ({quoted}) VALUES '  # noqa: S608
    cursor = cast("sqlite3.Cursor", connection.connection.cursor())
    try:
        if whole:
            cursor.executemany(
                sql + ", ".join([one] * per_statement),
                grid[:whole].reshape(whole // per_statement, per_statement * width).tolist(),
            )
        if whole < count:
            cursor.executemany(sql + one, grid[whole:].tolist())
    finally:
        cursor.close()


def _column_values(connection: Connection, column: Any) -> list[Any]:
    """Return one column as a list of driver-ready values (UTC text for timestamps)."""
    if isinstance(column, list):
        if column and isinstance(column[0], datetime):
            if column.count(column[0]) == len(column):  # one stamp for the whole batch
                return [_driver_value(column[0])] * len(column)
            return [_driver_value(v) for v in column]
        return column
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        naive = column.dt.tz_convert("UTC").dt.tz_localize(None)
        return pa.Array.from_pandas(naive).cast(pa.string()).to_pylist()
    if column.dtype == bool:
        return column.tolist()
    return _plain(column)


def _driver_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    return value


def _plain(series: pd.Series) -> list[Any]:
    """Return the values as Python objects, None for every kind of missing value."""
    if isinstance(series.dtype, pd.StringDtype):
        return pa.Array.from_pandas(series).to_pylist()
    values = series.astype(object)
    return values.where(series.notna(), None).tolist()


def _records(columns: Mapping[str, Iterable[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def allocate_ids(connection: Connection, table: str, count: int) -> list[int]:
    """Return `count` fresh primary keys for `table`, safe against concurrent writers."""
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
                "FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return [r[0] for r in rows]
    # SQLite: the caller's transaction already holds the write lock (it wrote the batch
    # row first), so nobody else can take these numbers before it commits.
    start = connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()  # noqa: S608
    return list(range(start + 1, start + 1 + count))


def insert_records(
    connection: Connection, rows: pd.DataFrame, *, batch_id: int | None, now: datetime
) -> None:
    """Insert new records with their customers and survey responses.

    The status history records changes: a record's first status, who brought it and
    when, are its own `status`, `import_batch_id` and `created_at`.
    """
    n = len(rows)
    if n == 0:
        return
    ids = pd.Series(allocate_ids(connection, "feedback", n), index=rows.index)
    has_contact = rows[list(CUSTOMER_FIELDS)].notna().any(axis=1)
    customer_ids = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    if has_contact.any():
        contact_rows = rows[has_contact]
        new_ids = allocate_ids(connection, "customers", len(contact_rows))
        customer_ids[has_contact] = new_ids
        bulk_insert(
            connection,
            "customers",
            {"id": new_ids}
            | {stored: contact_rows[canonical] for canonical, stored in CUSTOMER_FIELDS.items()},
        )
    stamp = [now] * n
    bulk_insert(
        connection,
        "feedback",
        {
            "id": ids.tolist(),
            "channel": rows["channel"],
            "external_id": rows["external_id"],
            "customer_id": customer_ids,
            **{name: rows[name] for name in FEEDBACK_FIELDS},
            "category_source": rows["category_source"],
            "status": rows["status"],
            "status_explicit": rows["status_explicit"].astype(bool),
            "import_batch_id": [batch_id] * n,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    surveyed = rows[list(SURVEY_FIELDS)].notna().any(axis=1)
    if surveyed.any():
        survey_rows = rows[surveyed]
        count = len(survey_rows)
        bulk_insert(
            connection,
            "survey_responses",
            {"feedback_id": ids[surveyed].tolist()}
            | {stored: survey_rows[canonical] for canonical, stored in SURVEY_FIELDS.items()}
            | {
                "entered_by": [_by(batch_id)] * count,
                "created_at": [now] * count,
                "updated_at": [now] * count,
            },
        )


def update_records(
    connection: Connection,
    merged: pd.DataFrame,
    stored: pd.DataFrame,
    *,
    batch_id: int | None,
    now: datetime,
) -> None:
    """Write the merged values of known records, and what changed with them."""
    if merged.empty:
        return
    f = _FEEDBACK
    values: dict[str, Iterable[Any]] = {
        "b_id": stored["id"].astype(int).tolist(),
        **{name: _plain(merged[name]) for name in FEEDBACK_FIELDS},
        "category_source": _plain(merged["category_source"]),
        "status": merged["status"].tolist(),
        "status_explicit": merged["status_explicit"].astype(bool).tolist(),
        "updated_at": [now] * len(merged),
    }
    given_category = merged["category_source"].eq("human") & stored["category_source"].ne("human")
    statement = (
        update(f)
        .where(f.c.id == bindparam("b_id"))
        .values({name: bindparam(name) for name in values if name != "b_id"})
    )
    connection.execute(statement, _records(values))
    relabelled = stored.loc[given_category | (merged["category"] != stored["category"]), "id"]
    if len(relabelled):
        # A human label replaces the model's confidence and version.
        connection.execute(
            update(f)
            .where(f.c.id.in_(relabelled.astype(int).tolist()), f.c.category_source == "human")
            .values(category_confidence=None, model_version=None)
        )
    reworded = stored.loc[differing(merged, stored, FEEDBACK_TEXTS), "id"]
    if len(reworded):
        # A prediction describes the text it was made from: forget it, so the next
        # `classify` (which every import runs) categorises the new wording again.
        connection.execute(
            update(f)
            .where(f.c.id.in_(reworded.astype(int).tolist()))
            .values(predicted_category=None, predicted_confidence=None, predicted_by=None)
        )
    _write_customers(connection, merged, stored)
    _write_surveys(connection, merged, stored, batch_id=batch_id, now=now)
    moved = merged["status"] != stored["status"]
    if moved.any():
        connection.execute(
            _STATUS_CHANGES.insert(),
            _records(
                {
                    "feedback_id": stored.loc[moved, "id"].astype(int).tolist(),
                    "from_status": stored.loc[moved, "status"].tolist(),
                    "to_status": merged.loc[moved, "status"].tolist(),
                    "changed_at": [now] * int(moved.sum()),
                    "changed_by": [_by(batch_id)] * int(moved.sum()),
                }
            ),
        )


def _write_customers(connection: Connection, merged: pd.DataFrame, stored: pd.DataFrame) -> None:
    differs = differing(merged, stored, CUSTOMER_FIELDS)
    if not differs.any():
        return
    rows, old = merged[differs], stored[differs]
    known = old["customer_id"].notna()
    c, f = _CUSTOMERS, _FEEDBACK
    if known.any():
        values = {"b_id": old.loc[known, "customer_id"].astype(int).tolist()} | {
            stored_name: _plain(rows.loc[known, canonical])
            for canonical, stored_name in CUSTOMER_FIELDS.items()
        }
        connection.execute(
            update(c)
            .where(c.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in CUSTOMER_FIELDS.values()}),
            _records(values),
        )
    if (~known).any():
        new_ids = allocate_ids(connection, "customers", int((~known).sum()))
        connection.execute(
            c.insert(),
            _records(
                {"id": new_ids}
                | {
                    stored_name: _plain(rows.loc[~known, canonical])
                    for canonical, stored_name in CUSTOMER_FIELDS.items()
                }
            ),
        )
        connection.execute(
            update(f).where(f.c.id == bindparam("b_id")).values(customer_id=bindparam("cid")),
            _records({"b_id": old.loc[~known, "id"].astype(int).tolist(), "cid": new_ids}),
        )


def _write_surveys(
    connection: Connection,
    merged: pd.DataFrame,
    stored: pd.DataFrame,
    *,
    batch_id: int | None,
    now: datetime,
) -> None:
    differs = differing(merged, stored, SURVEY_FIELDS)
    if not differs.any():
        return
    rows, old = merged[differs], stored[differs]
    known = old["survey_id"].notna()
    s = _SURVEYS
    if known.any():
        values = {
            "b_id": old.loc[known, "survey_id"].astype(int).tolist(),
            **{
                stored_name: _plain(rows.loc[known, canonical])
                for canonical, stored_name in SURVEY_FIELDS.items()
            },
            "updated_at": [now] * int(known.sum()),
        }
        connection.execute(
            update(s)
            .where(s.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in values if name != "b_id"}),
            _records(values),
        )
    if (~known).any():
        count = int((~known).sum())
        connection.execute(
            s.insert(),
            _records(
                {"feedback_id": old.loc[~known, "id"].astype(int).tolist()}
                | {
                    stored_name: _plain(rows.loc[~known, canonical])
                    for canonical, stored_name in SURVEY_FIELDS.items()
                }
                | {
                    "entered_by": [_by(batch_id)] * count,
                    "created_at": [now] * count,
                    "updated_at": [now] * count,
                }
            ),
        )


def _by(batch_id: int | None) -> str:
    return f"import #{batch_id}" if batch_id is not None else "import"


def count_records(connection: Connection) -> int:
    """Return how many feedback records the store holds."""
    return int(connection.execute(select(func.count()).select_from(Feedback)).scalar_one())
