"""Sign-in throttles: failures counted per typed email (an account's or not) and per address.

Revision ID: 0007
Revises: 0006

The failure count, wait and lock move from `users` to `sign_in_throttles`, keyed by a keyed hash
of the normalised email, so that an email without an account goes through the same states as
one with an account. The counts of the moment are not carried over: at worst an account locked
during the upgrade is unlocked by it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create sign_in_throttles; drop the users' own failure columns."""
    op.create_table(
        "sign_in_throttles",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'email' OR kind = 'address')", name=op.f("ck_sign_in_throttles_kind")
        ),
        sa.PrimaryKeyConstraint("kind", "digest", name=op.f("pk_sign_in_throttles")),
    )
    op.create_index(
        op.f("ix_sign_in_throttles_last_failed_at"), "sign_in_throttles", ["last_failed_at"]
    )
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("last_failed_at")
        batch.drop_column("failed_sign_ins")


def downgrade() -> None:
    """Give users their failure columns back (no failures), drop sign_in_throttles."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("failed_sign_ins", existing_type=sa.Integer(), server_default=None)
    op.drop_index(op.f("ix_sign_in_throttles_last_failed_at"), table_name="sign_in_throttles")
    op.drop_table("sign_in_throttles")
