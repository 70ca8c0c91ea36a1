"""The app's role on PostgreSQL: it reads and writes the records, reads and appends the log.

Migrations run as the role that owns the tables (FEEDBACK_DB_MIGRATE_URL); the app connects as
another (FEEDBACK_DB_URL), which the owner grants here what the app does and nothing more. Not
owning audit_events and holding no UPDATE, DELETE or TRUNCATE on it, that role can neither
change nor remove an entry, nor disable the triggers that refuse it. The roles themselves are
the server's, shared by its databases: a database administrator creates them.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from feedback_analytics.db.models import Base
from feedback_analytics.errors import ActionableError

READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"
# The tables the app may not write as it writes the rest.
LIMITED = {"audit_events": "SELECT, INSERT", "alembic_version": "SELECT"}


class RoleUnfit(ActionableError):
    """The role named for the app would not keep the audit log append-only."""


def app_tables() -> list[str]:
    """Return the tables the app's role is granted privileges on (Alembic's own included)."""
    return [table.name for table in Base.metadata.sorted_tables] + ["alembic_version"]


def grant_app_role(connection: Connection, role: str) -> None:
    """Grant `role` exactly what the app needs on its tables and their sequences; return None.

    Runs as the tables' owner, after a migration (new tables) or to set the role up; what the
    role held on these tables before is revoked first.
    """
    _check_app_role(connection, role)
    quote = connection.dialect.identifier_preparer.quote
    grantee = quote(role)
    schema = quote(str(connection.scalar(text("SELECT current_schema()"))))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {grantee}"))
    for table in app_tables():
        name = f"{schema}.{quote(table)}"
        connection.execute(text(f"REVOKE ALL ON {name} FROM {grantee}"))
        connection.execute(text(f"GRANT {LIMITED.get(table, READ_WRITE)} ON {name} TO {grantee}"))
        sequence = connection.scalar(
            text(
                "SELECT pg_get_serial_sequence(:table, a.attname) FROM pg_attribute a "
                "WHERE a.attrelid = CAST(:table AS regclass) AND a.attname = 'id'"
            ),
            {"table": name},
        )
        if sequence is not None:
            # nextval and currval: new rows' ids. Not UPDATE, which would allow setval.
            connection.execute(text(f"REVOKE ALL ON SEQUENCE {sequence} FROM {grantee}"))
            connection.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {grantee}"))


def _check_app_role(connection: Connection, role: str) -> None:
    found = connection.execute(
        text(
            "SELECT r.rolsuper, pg_has_role(r.oid, c.relowner, 'MEMBER') AS owns "
            "FROM pg_roles r, pg_class c "
            "WHERE r.rolname = :role AND c.oid = CAST('audit_events' AS regclass)"
        ),
        {"role": role},
    ).first()
    if found is None:
        raise RoleUnfit(
            f"There is no role {role!r} on the database server: a database administrator "
            f"creates it (CREATE ROLE ... LOGIN PASSWORD ...), then run init-db again."
        )
    if found.rolsuper:
        raise RoleUnfit(
            f"The role {role!r} is a superuser, who may change the audit log whatever is "
            "granted: give FEEDBACK_DB_URL a role that is not."
        )
    if found.owns:
        raise RoleUnfit(
            f"The role {role!r} owns the tables (or is a member of their owner), so it may "
            "disable the audit log's triggers: give FEEDBACK_DB_URL a role of its own and "
            "FEEDBACK_DB_MIGRATE_URL the owner."
        )


def log_rewritable_by(connection: Connection) -> str | None:
    """Return why the connected role could change or remove audit entries, or None if it cannot.

    A superuser or the tables' owner can disable the triggers; a role granted UPDATE, DELETE or
    TRUNCATE could use them once the triggers are gone.
    """
    row = connection.execute(
        text(
            "SELECT current_user AS role, r.rolsuper, pg_has_role(c.relowner, 'MEMBER') AS owns, "
            "has_table_privilege(c.oid, 'UPDATE, DELETE, TRUNCATE') AS writes "
            "FROM pg_roles r, pg_class c "
            "WHERE r.rolname = current_user AND c.oid = CAST('audit_events' AS regclass)"
        )
    ).one()
    if row.rolsuper:
        return f"the app connects as {row.role}, a superuser"
    if row.owns:
        return f"the app connects as {row.role}, the owner of the tables"
    if row.writes:
        return f"the app's role {row.role} holds UPDATE, DELETE or TRUNCATE on audit_events"
    return None
