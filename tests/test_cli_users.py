"""create-user and set-password, run as an administrator runs them: a real process, stdin."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_analytics import auth
from feedback_analytics.db import AuditEvent, make_engine
from tests.test_cli import cli

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def sign_in(db: Path, email: str, password: str) -> auth.Account:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            return auth.authenticate(session, email, password, now=datetime.now(UTC))
    finally:
        engine.dispose()


def audit_rows(db: Path) -> list[tuple[str, str]]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            rows = session.execute(select(AuditEvent.action, AuditEvent.actor))
            return [(action, actor) for action, actor in rows]
    finally:
        engine.dispose()


def test_create_user_reads_the_password_from_stdin(db: Path) -> None:
    done = cli(
        "create-user", "--email", "Ana@Example.com", "--role", "admin", "--name", "Ana",
        "--password-stdin", db=db, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Created the admin account ana@example.com" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    account = sign_in(db, "ana@example.com", PASSWORD)
    assert (account.name, account.role) == ("Ana", "admin")
    (action, actor), _ = audit_rows(db)
    assert action == "user.create" and actor.startswith("cli:")


def test_an_sso_account_needs_no_password(db: Path) -> None:
    done = cli(
        "create-user", "--email", "q@example.com", "--role", "quality", "--no-password", db=db
    )
    assert done.returncode == 0, done.stderr
    assert "single sign-on only" in done.stderr
    # A password sign-in is refused like a wrong password: it tells nobody the account exists.
    with pytest.raises(auth.SignInRefused, match="may not sign in with a password"):
        sign_in(db, "q@example.com", PASSWORD)


def test_without_a_terminal_the_password_must_come_from_stdin(db: Path) -> None:
    done = cli("create-user", "--email", "ana@example.com", "--role", "staff", db=db)
    assert done.returncode == 2
    assert "--password-stdin" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("short\n", "needs at least 12"), ("\n", "needs at least 12")],
)
def test_a_weak_password_is_refused(db: Path, stdin: str, message: str) -> None:
    done = cli(
        "create-user", "--email", "ana@example.com", "--role", "staff", "--password-stdin",
        db=db, stdin=stdin,
    )  # fmt: skip
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_duplicate_email_exits_2_without_a_traceback(db: Path) -> None:
    args = ("create-user", "--email", "ana@example.com", "--role", "staff", "--password-stdin")
    assert cli(*args, db=db, stdin=PASSWORD).returncode == 0
    again = cli(*args[:2], "ANA@example.com", *args[3:], db=db, stdin=PASSWORD)
    assert again.returncode == 2
    assert "error: A user with the email ana@example.com already exists" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("create-user", "--email", "a@example.com", "--role", "owner", "--password-stdin"),
        ("create-user", "--email", "a@example.com", "--role", "staff", "--password-stdin",
         "--no-password"),
        ("create-user", "--role", "staff", "--password-stdin"),
        ("set-password", "--password-stdin"),
    ],
)  # fmt: skip
def test_wrong_calls_exit_2_with_usage(db: Path, args: tuple[str, ...]) -> None:
    done = cli(*args, db=db, stdin=PASSWORD)
    assert done.returncode == 2
    assert "usage:" in done.stderr and "Traceback" not in done.stderr


def test_set_password_replaces_the_password(db: Path) -> None:
    create = ("create-user", "--email", "ana@example.com", "--role", "staff", "--password-stdin")
    assert cli(*create, db=db, stdin=PASSWORD).returncode == 0
    done = cli(
        "set-password", "--email", "ANA@example.com", "--password-stdin",
        db=db, stdin="a brand new passphrase\r\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Set a new password for ana@example.com" in done.stderr
    assert sign_in(db, "ana@example.com", "a brand new passphrase").email == "ana@example.com"
    assert [a for a, _ in audit_rows(db)][:2] == ["user.create", "user.password"]


def test_set_password_of_an_unknown_email_exits_2(db: Path) -> None:
    done = cli(
        "set-password", "--email", "x@example.com", "--password-stdin", db=db, stdin=PASSWORD
    )
    assert done.returncode == 2
    assert "No user has the email x@example.com" in done.stderr
    assert "Traceback" not in done.stderr


def test_set_password_without_a_terminal_needs_stdin(db: Path) -> None:
    create = ("create-user", "--email", "ana@example.com", "--role", "staff", "--password-stdin")
    assert cli(*create, db=db, stdin=PASSWORD).returncode == 0
    done = cli("set-password", "--email", "ana@example.com", db=db)
    assert done.returncode == 2
    assert "--password-stdin" in done.stderr and "Traceback" not in done.stderr
