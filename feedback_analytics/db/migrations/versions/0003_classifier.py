"""The classifier: stored models, the last prediction of each record, the audit log.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the tables and the prediction columns."""
    op.create_table(
        "classifier_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("backend", sa.String(length=32), nullable=False),
        sa.Column("n_train", sa.Integer(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("library_versions", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_models")),
        sa.UniqueConstraint("version", name=op.f("uq_classifier_models_version")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"])
    op.create_index(op.f("ix_audit_events_feedback_id"), "audit_events", ["feedback_id"])
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("predicted_category", sa.Text(), nullable=True))
        batch.add_column(sa.Column("predicted_confidence", sa.Float(), nullable=True))
        batch.add_column(sa.Column("predicted_by", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_feedback_predicted_confidence"), "feedback", ["predicted_confidence"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index(op.f("ix_feedback_predicted_confidence"), table_name="feedback")
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("predicted_by")
        batch.drop_column("predicted_confidence")
        batch.drop_column("predicted_category")
    op.drop_table("audit_events")
    op.drop_table("classifier_models")
