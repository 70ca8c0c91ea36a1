"""audit-verify and init-db's roles, run as an administrator (or cron) runs them: a real process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from feedback_analytics.db import make_engine
from tests.conftest import PgRoles, pg_database
from tests.test_audit import record, tamper
from tests.test_cli import cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def recorded(db: Path, count: int = 3) -> Engine:
    engine = make_engine(f"sqlite:///{db}")
    cli("init-db", db=db)
    record(engine, count)
    return engine


def test_an_intact_log_exits_0_and_names_its_newest_entry(db: Path) -> None:
    done = cli("audit-verify", db=db)
    assert done.returncode == 0
    assert done.stdout == "The audit log is intact: it holds no entries yet.\n"
    recorded(db).dispose()
    done = cli("audit-verify", db=db)
    assert done.returncode == 0, done.stderr
    assert "intact: 3 entries, the newest is entry 3 with hash" in done.stdout
    assert done.stderr == ""
    report = json.loads(cli("audit-verify", "--json", db=db).stdout)
    assert report["intact"] is True and report["entries"] == 3
    assert report["head"]["id"] == 3 and len(report["head"]["hash"]) == 64
    assert report["first_break"] is None and report["anchor_problem"] is None
    anchor = f"{report['head']['id']}:{report['head']['hash']}"
    assert cli("audit-verify", "--anchor", anchor, db=db).returncode == 0


def test_a_changed_entry_exits_1_and_is_named_on_stderr(db: Path) -> None:
    engine = recorded(db)
    tamper(engine, "UPDATE audit_events SET details = '{\"n\": 9}' WHERE id = 2")
    engine.dispose()
    done = cli("audit-verify", db=db)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "The audit log is broken at entry 2 (" in done.stderr
    assert "it was changed after it was written. 1 of 3 entries fail the check." in done.stderr
    as_json = cli("audit-verify", "--json", db=db)
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert (report["intact"], report["broken_entries"]) == (False, 1)
    assert report["first_break"]["id"] == 2
    assert report["first_break"]["actor"] == "ana@example.com"
    assert "entry 2" in as_json.stderr


def test_an_anchor_catches_entries_removed_from_the_end(db: Path) -> None:
    engine = recorded(db)
    head = json.loads(cli("audit-verify", "--json", db=db).stdout)["head"]
    tamper(engine, "DELETE FROM audit_events WHERE id = 3")
    engine.dispose()
    assert cli("audit-verify", db=db).returncode == 0
    done = cli("audit-verify", "--anchor", f"{head['id']}:{head['hash']}", db=db)
    assert done.returncode == 1
    assert "entry 3, the newest when the log was checked before, is gone" in done.stderr


@pytest.mark.parametrize("anchor", ["3", "x:" + "0" * 64, "3:abc", "3:" + "g" * 64])
def test_a_malformed_anchor_is_refused_saying_how(db: Path, anchor: str) -> None:
    done = cli("audit-verify", "--anchor", anchor, db=db)
    assert done.returncode == 2
    assert "is not ENTRY:HASH" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.postgres
def test_audit_verify_as_the_app_role_shows_what_a_superuser_changed(
    tmp_path: Path, pg_app_engine: Engine, pg_two_roles_url: str, pg_roles: PgRoles
) -> None:
    record(pg_app_engine)
    app_url = pg_roles.url(pg_roles.app, pg_two_roles_url)
    env = {"FEEDBACK_DB_URL": app_url}
    assert cli("audit-verify", db=tmp_path / "unused.db", env=env).returncode == 0
    # What a superuser can do: disable the trigger, change an entry, enable it again.
    superuser = create_engine(pg_two_roles_url)
    trigger = "TRIGGER audit_events_append_only"
    with superuser.begin() as connection:
        connection.execute(text(f"ALTER TABLE audit_events DISABLE {trigger}"))
        connection.execute(text("UPDATE audit_events SET actor = 'nobody' WHERE id = 2"))
        connection.execute(text(f"ALTER TABLE audit_events ENABLE {trigger}"))
    superuser.dispose()
    done = cli("audit-verify", "--json", db=tmp_path / "unused.db", env=env)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["first_break"]["id"] == 2 and report["first_break"]["actor"] == "nobody"
    assert "The audit log is broken at entry 2" in done.stderr


@pytest.mark.postgres
def test_init_db_migrates_as_the_owner_and_grants_the_app_role(
    tmp_path: Path, pg_admin: Engine, pg_roles: PgRoles
) -> None:
    with pg_database(pg_admin, owner=pg_roles.owner) as url:
        env = {
            "FEEDBACK_DB_URL": pg_roles.url(pg_roles.app, url),
            "FEEDBACK_DB_MIGRATE_URL": pg_roles.url(pg_roles.owner, url),
        }
        done = cli("init-db", db=tmp_path / "unused.db", env=env)
        assert done.returncode == 0, done.stderr
        assert "Created or migrated the database" in done.stderr
        assert f"The app's role {pg_roles.app} may use the records" in done.stderr
        again = cli("init-db", db=tmp_path / "unused.db", env=env)
        assert "Already current" in again.stderr and "app's role" in again.stderr
        # The app (one URL, its role's) runs every command; the log stays its to append to.
        app_only = {"FEEDBACK_DB_URL": env["FEEDBACK_DB_URL"]}
        created = cli(
            "create-user", "--email", "a@example.com", "--role", "admin", "--no-password",
            db=tmp_path / "unused.db", env=app_only,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        assert cli("audit-verify", db=tmp_path / "unused.db", env=app_only).returncode == 0


@pytest.mark.postgres
def test_init_db_on_one_owner_url_notes_that_the_log_is_the_apps_to_rewrite(
    tmp_path: Path, pg_engine: Engine, pg_database_url: str
) -> None:
    done = cli("init-db", db=tmp_path / "unused.db", env={"FEEDBACK_DB_URL": pg_database_url})
    assert done.returncode == 0, done.stderr
    superuser = make_url(pg_database_url).username
    assert f"Note: the app connects as {superuser}, a superuser" in done.stderr
    assert "Running for a team" in done.stderr


def test_init_db_on_sqlite_says_nothing_of_roles(db: Path) -> None:
    done = cli("init-db", db=db)
    assert done.returncode == 0
    assert done.stderr.startswith("Created or migrated") and "role" not in done.stderr
