"""Small builders for canonical files in tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from feedback_analytics.db import AuditEvent, Feedback
from feedback_analytics.ingest import COLUMNS


def row(**cells: Any) -> dict[str, Any]:
    """Return a valid minimal record with `cells` over it."""
    base = {
        "external_id": "F-1",
        "channel": "email",
        "received_at": "2026-09-30T10:00:00+07:00",
        "current_feature": "VPN client drops every hour",
    }
    base.update(cells)
    return base


def csv_bytes(
    rows: list[dict[str, Any]],
    *,
    columns: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    """Return rows as a CSV file's bytes under `columns` (default: every canonical one)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    header = columns or list(COLUMNS)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(c, "") for c in header])
    return out.getvalue().encode(encoding)


# What the database says when `refusing_audit` is in force.
AUDIT_REFUSED = "the audit log refuses new events"


@contextmanager
def refusing_audit(engine: Engine) -> Iterator[None]:
    """Make the database refuse every new audit event while in force (a trigger, dropped after:
    the PostgreSQL test database is shared by the run's tests)."""
    if engine.dialect.name == "postgresql":
        install = [
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{AUDIT_REFUSED}'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ]
        remove = ["DROP TRIGGER refuse_audit ON audit_events", "DROP FUNCTION refuse_audit()"]
    else:
        install = [
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSED}'); END"
        ]
        remove = ["DROP TRIGGER refuse_audit"]
    with engine.begin() as connection:
        for statement in install:
            connection.execute(text(statement))
    try:
        yield
    finally:
        with engine.begin() as connection:
            for statement in remove:
                connection.execute(text(statement))


def import_events(engine: Engine) -> list[tuple[str, dict[str, Any]]]:
    """Return the actor and details of every "import" event, oldest first."""
    with Session(engine) as session:
        query = select(AuditEvent.actor, AuditEvent.details).where(AuditEvent.action == "import")
        return [
            (actor, details) for actor, details in session.execute(query.order_by(AuditEvent.id))
        ]


def predicted_by(engine: Engine, *external_ids: str) -> list[str | None]:
    """Return which model predicted each record's category (None: none did)."""
    with Session(engine) as session:
        found = dict(
            session.execute(
                select(Feedback.external_id, Feedback.predicted_by).where(
                    Feedback.external_id.in_(external_ids)
                )
            ).all()
        )
    return [found[external_id] for external_id in external_ids]
