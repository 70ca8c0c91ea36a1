"""`import --from ...` on the command line: channel files detected or named, exit codes, audit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.ingest.test_channels import CALL_LOG, SMTP, mbox, message
from tests.test_cli import cli, write


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def import_audit(db: Path) -> list[dict]:
    """Return the details of the import events in the audit log."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT details FROM audit_events WHERE action = 'import' ORDER BY id"
        ).fetchall()
    return [json.loads(details) for (details,) in rows]


def test_an_mbox_is_taken_for_e_mails_by_its_extension(tmp_path: Path, db: Path) -> None:
    path = write(tmp_path, "inbox.mbox", mbox(message(1), message(2, date=None), message(3)))
    done = cli("import", str(path), "--json", db=db)
    assert done.returncode == 1, done.stderr  # one message rejected
    payload = json.loads(done.stdout)
    assert (payload["read"], payload["inserted"], payload["rejected"]) == (3, 2, 1)
    assert [(e["row"], e["column"]) for e in payload["errors"]] == [(2, "received_at")]
    assert "message 2 has no Date header" in done.stderr
    assert import_audit(db)[-1]["kinds"] == ["email"]

    again = cli("import", str(path), "--json", db=db)
    assert (json.loads(again.stdout)["inserted"], json.loads(again.stdout)["unchanged"]) == (0, 2)
    assert "Traceback" not in done.stderr + again.stderr


def test_a_call_log_imports_with_from_hotline(tmp_path: Path, db: Path) -> None:
    path = write(tmp_path, "calls.csv", CALL_LOG.encode())
    rejects = tmp_path / "rejects.csv"
    done = cli("import", str(path), "--from", "hotline", "--rejects", str(rejects), db=db)
    assert done.returncode == 1, done.stderr
    assert "calls.csv: imported 3 rows: 2 new, 0 updated, 0 unchanged, 1 rejected." in done.stderr
    assert "row 3: received_at: 'yesterday afternoon'" in done.stderr
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("C-1002,hotline,yesterday afternoon,")
    assert import_audit(db)[-1]["kinds"] == ["hotline"]


def test_a_web_form_export_imports_with_from_web_form(tmp_path: Path, db: Path) -> None:
    export = [
        {"id": "WF-1", "submitted_at": "2026-10-01 09:00", "current_feature": "Chậm"},
        {"id": "WF-2", "submitted_at": "2026-10-01 10:00", "Đề xuất cải tiến": "Nhanh hơn"},
    ]
    path = write(tmp_path, "form.json", json.dumps({"data": export}).encode())
    done = cli("import", str(path), "--from", "web-form", "--json", db=db)
    payload = json.loads(done.stdout)
    # The second one has no current_feature: a web form without the required text is refused.
    assert (payload["inserted"], payload["rejected"]) == (1, 1)
    assert payload["errors"][0]["column"] == "current_feature"


def test_a_file_that_is_not_of_the_kind_exits_2_and_imports_nothing(
    tmp_path: Path, db: Path
) -> None:
    call_log = write(tmp_path, "calls.csv", CALL_LOG.encode())
    eml = write(tmp_path, "a.eml", message().as_bytes(policy=SMTP))
    done = cli("import", str(call_log), str(eml), "--from", "web-form", "--json", db=db)
    assert done.returncode == 2
    payload = json.loads(done.stdout)
    assert payload["inserted"] == 0
    assert [e["row"] for e in payload["errors"]] == [None, None]
    assert "is not a web form export" in payload["errors"][0]["reason"]
    assert done.stderr.count("nothing of it was imported") == 2
    assert "Traceback" not in done.stderr


def test_without_from_each_file_follows_its_extension(tmp_path: Path, db: Path) -> None:
    eml = write(tmp_path, "one.eml", message(7).as_bytes(policy=SMTP))
    canonical = write(
        tmp_path,
        "records.csv",
        b"external_id,channel,received_at,current_feature\nR-1,email,2026-10-01,VPN\n",
    )
    done = cli("import", str(eml), str(canonical), "--json", db=db)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inserted"] == 2
    assert import_audit(db)[-1]["kinds"] == ["email", "records"]


def test_an_unknown_from_is_a_usage_error(tmp_path: Path, db: Path) -> None:
    path = write(tmp_path, "calls.csv", CALL_LOG.encode())
    done = cli("import", str(path), "--from", "fax", db=db)
    assert done.returncode == 2
    assert "invalid choice: 'fax'" in done.stderr
    assert "Traceback" not in done.stderr
