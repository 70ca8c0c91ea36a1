"""The command line, run as a user runs it: a real process, exit codes, JSON and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.helpers import csv_bytes, row

ROOT = Path(__file__).resolve().parents[1]


def cli(
    *args: str, db: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    """Run the command line on the SQLite file `db`, `stdin` piped in (never a terminal)."""
    environment = {**os.environ, "FEEDBACK_DB_URL": f"sqlite:///{db}", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "feedback_analytics", *args],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_import_json_reports_counts_and_exits_0(tmp_path: Path, db: Path) -> None:
    path = write(tmp_path, "ok.csv", csv_bytes([row(external_id="A"), row(external_id="B")]))
    done = cli("import", str(path), "--json", db=db)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "read": 2,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    again = cli("import", str(path), "--json", db=db)
    assert json.loads(again.stdout)["unchanged"] == 2
    assert "Traceback" not in done.stderr + again.stderr


def test_rejected_rows_exit_1_and_go_to_the_rejects_file(tmp_path: Path, db: Path) -> None:
    path = write(
        tmp_path,
        "mixed.csv",
        csv_bytes(
            [
                row(external_id="A"),
                row(external_id="B", satisfaction_score="7", resolved_at="2026-10-01"),
            ]
        ),
    )
    rejects = tmp_path / "rejects.csv"
    done = cli("import", str(path), "--json", "--rejects", str(rejects), db=db)
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert (payload["inserted"], payload["rejected"]) == (1, 1)
    assert payload["errors"] == [
        {
            "file": str(path),
            "row": 3,
            "column": "satisfaction_score",
            "reason": "'7' is not a satisfaction score: write a whole number from 1 to 5",
        }
    ]
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",row,rejection_reason")
    assert lines[1].startswith("B,email,") and ",3," in lines[1]


def test_unreadable_file_exits_2_and_the_other_file_still_imports(tmp_path: Path, db: Path) -> None:
    good = write(tmp_path, "good.csv", csv_bytes([row()]))
    bad = write(tmp_path, "bad.xlsx", b"not a workbook")
    done = cli("import", str(bad), str(good), "--json", db=db)
    assert done.returncode == 2
    payload = json.loads(done.stdout)
    assert payload["inserted"] == 1
    assert payload["errors"][0]["row"] is None
    assert "is not a readable XLSX workbook" in payload["errors"][0]["reason"]
    assert "nothing of it was imported" in done.stderr


def test_dry_run_stores_nothing(tmp_path: Path, db: Path) -> None:
    path = write(tmp_path, "ok.csv", csv_bytes([row()]))
    assert (
        json.loads(cli("import", str(path), "--dry-run", "--json", db=db).stdout)["inserted"] == 1
    )
    assert json.loads(cli("import", str(path), "--json", db=db).stdout)["inserted"] == 1


def test_human_messages_go_to_stderr(tmp_path: Path, db: Path) -> None:
    path = write(tmp_path, "ok.csv", csv_bytes([row(), row(channel="fax", external_id="X")]))
    done = cli("import", str(path), db=db)
    assert done.stdout == ""
    assert "1 new, 0 updated, 0 unchanged, 1 rejected" in done.stderr
    assert "row 3: channel: 'fax' is not a channel" in done.stderr


@pytest.mark.parametrize(
    "args",
    [("import",), ("import", "x.csv", "--bogus"), ("report",), ("seed-demo", "--records", "x")],
)
def test_wrong_calls_exit_2_with_usage_and_no_traceback(args: tuple[str, ...], db: Path) -> None:
    done = cli(*args, db=db)
    assert done.returncode == 2
    assert "usage:" in done.stderr and "Traceback" not in done.stderr


def test_unreachable_database_says_how_to_fix_it(tmp_path: Path) -> None:
    done = cli(
        "init-db",
        db=tmp_path / "x.db",
        env={"FEEDBACK_DB_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
    )
    assert done.returncode == 2
    assert "Cannot open the database" in done.stderr and "Fix:" in done.stderr
    assert "Traceback" not in done.stderr


def test_seed_demo_fills_an_empty_store_once_and_export_writes_it(tmp_path: Path, db: Path) -> None:
    first = cli("seed-demo", "--records", "300", "--if-empty", db=db)
    assert first.returncode == 0, first.stderr
    assert "Added 300 demo records" in first.stderr
    second = cli("seed-demo", "--records", "300", "--if-empty", db=db)
    assert "already holds 300 records" in second.stderr
    out = tmp_path / "all.csv"
    exported = cli("export", "--out", str(out), db=db)
    assert exported.returncode == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) >= 301


def test_export_to_an_unknown_format_is_refused(tmp_path: Path, db: Path) -> None:
    done = cli("export", "--out", str(tmp_path / "all.pdf"), db=db)
    assert done.returncode == 2
    assert "name the file .csv, .xlsx, .json or .jsonl" in done.stderr
