"""The audit log: no replacing (SQLite) or emptying (PostgreSQL) either; entries hash-chained.

Revision ID: 0006
Revises: 0005

SQLite: `REPLACE INTO` or `INSERT OR REPLACE` with an id that exists deletes the old entry by
conflict resolution, which fires no delete trigger (unless the connection turned on
recursive_triggers, its own choice). A BEFORE INSERT trigger refuses an id that exists: it
fires before the conflict is resolved. PostgreSQL: a BEFORE TRUNCATE statement trigger; that
the app's role may only read and append is granted outside migrations
(feedback_analytics.db.roles), since roles belong to the server, not to one database.

Each entry gets the SHA-256 of the entry before it and of its own content with it
(feedback_analytics.audit.entry_hash). The entries already there are chained here, in id order:
for them the chain shows what changes after this migration, not before.
"""

from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from feedback_analytics.audit import GENESIS, entry_hash

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "audit_events is append-only"

# Migration 0004's two and the one added here.
SQLITE_TRIGGERS = {
    "audit_events_no_update": "BEFORE UPDATE ON audit_events",
    "audit_events_no_delete": "BEFORE DELETE ON audit_events",
    "audit_events_no_replace": (
        "BEFORE INSERT ON audit_events WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id)"
    ),
}

# Migration 0004's function raises whatever fires it.
PG_TRUNCATE_TRIGGER = """
CREATE TRIGGER audit_events_no_truncate
BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
"""

HASHES = ("prev_hash", "entry_hash")
CHAIN_BATCH = 1000


def upgrade() -> None:
    """Add the hash columns, chain the entries there are, add the triggers."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in HASHES:
        op.add_column("audit_events", sa.Column(name, sa.String(length=64), nullable=True))
    if postgresql:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        _chain_entries()
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
        for name in HASHES:
            op.alter_column(
                "audit_events", name, existing_type=sa.String(length=64), nullable=False
            )
        op.execute(PG_TRUNCATE_TRIGGER)
        return
    # A batch migration recreates the table, which drops its triggers: all are created after.
    _drop_sqlite_triggers()
    _chain_entries()
    with op.batch_alter_table("audit_events") as batch:
        for name in HASHES:
            batch.alter_column(name, existing_type=sa.String(length=64), nullable=False)
    for name, when in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def downgrade() -> None:
    """Drop the hashes and the new triggers; migration 0004's triggers stay."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        for name in HASHES:
            op.drop_column("audit_events", name)
        return
    _drop_sqlite_triggers()
    with op.batch_alter_table("audit_events") as batch:
        for name in HASHES:
            batch.drop_column(name)
    for name in ("audit_events_no_update", "audit_events_no_delete"):
        op.execute(
            f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def _drop_sqlite_triggers() -> None:
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _chain_entries() -> None:
    """Give every entry its hashes, in id order, from the first (audit.GENESIS before it)."""
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("feedback_id", sa.Integer()),
        sa.column("details", sa.JSON()),
        sa.column("prev_hash", sa.String()),
        sa.column("entry_hash", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            events.c.id,
            events.c.at,
            events.c.actor,
            events.c.action,
            events.c.feedback_id,
            events.c.details,
        ).order_by(events.c.id)
    ).all()
    update = (
        events.update()
        .where(events.c.id == sa.bindparam("b_id"))
        .values(prev_hash=sa.bindparam("b_prev"), entry_hash=sa.bindparam("b_hash"))
    )
    previous = GENESIS
    hashed: list[dict[str, object]] = []
    for row in rows:
        # SQLite keeps naive UTC text.
        at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC)
        current = entry_hash(
            id=row.id,
            at=at,
            actor=row.actor,
            action=row.action,
            feedback_id=row.feedback_id,
            details=row.details,
            prev_hash=previous,
        )
        hashed.append({"b_id": row.id, "b_prev": previous, "b_hash": current})
        previous = current
        if len(hashed) >= CHAIN_BATCH:
            bind.execute(update, hashed)
            hashed = []
    if hashed:
        bind.execute(update, hashed)
