"""audit-verify, run as an administrator (or cron) runs it: a real process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from feedback_analytics.db import make_engine
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
