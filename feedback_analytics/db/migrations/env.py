"""Alembic environment: runs on the connection the caller hands in, else on
FEEDBACK_DB_MIGRATE_URL (the tables' owner) or, without it, FEEDBACK_DB_URL."""

from alembic import context

from feedback_analytics.config import get_settings
from feedback_analytics.db.engine import make_engine
from feedback_analytics.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().db_migrate_url
    engine = make_engine(url or None)
    with engine.begin() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
