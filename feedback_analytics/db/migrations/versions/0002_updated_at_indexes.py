"""Index the last change of records and surveys: the dashboard's data version reads it.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the indexes."""
    op.create_index("ix_feedback_updated_at", "feedback", ["updated_at"])
    op.create_index("ix_survey_responses_updated_at", "survey_responses", ["updated_at"])


def downgrade() -> None:
    """Drop the indexes."""
    op.drop_index("ix_survey_responses_updated_at", table_name="survey_responses")
    op.drop_index("ix_feedback_updated_at", table_name="feedback")
