"""`import-surveys`: survey results from the command line, as the record import reports them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.ingest.helpers import csv_bytes, row
from tests.test_cli import cli, write

RECORDS = csv_bytes(
    [
        row(external_id="F-1", resolved_at="2026-10-01T10:00:00+07:00"),
        row(external_id="F-2"),
    ]
)
SURVEYS = (
    b"external_id,score,comment,surveyed_at\n"
    b'F-1,5,=HYPERLINK("http://x"),2026-10-02 09:00\n'
    b"F-2,4,,\n"
)


def test_import_surveys_reports_rows_exits_1_on_a_rejection_and_is_idempotent(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cli.db"
    assert cli("import", str(write(tmp_path, "records.csv", RECORDS)), db=db).returncode == 0
    path = write(tmp_path, "survey.csv", SURVEYS)
    rejects = tmp_path / "rejected.csv"
    done = cli("import-surveys", str(path), "--json", "--rejects", str(rejects), db=db)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert (report["inserted"], report["rejected"]) == (1, 1)
    assert report["errors"] == [
        {
            "file": str(path),
            "row": 3,
            "column": "external_id",
            "reason": "feedback F-2 is new, not resolved: only resolved feedback can be surveyed; "
            "resolve it first or remove the row",
        }
    ]
    [rejected] = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert rejected["external_id"] == "F-2" and rejected["row"] == "3"

    again = cli("import-surveys", str(path), "--json", db=db)
    assert json.loads(again.stdout)["unchanged"] == 1
    assert "Traceback" not in done.stderr + again.stderr


def test_a_changed_score_is_refused_until_replace_is_given(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    cli("import", str(write(tmp_path, "records.csv", RECORDS)), db=db)
    cli("import-surveys", str(write(tmp_path, "a.csv", b"external_id,score\nF-1,2\n")), db=db)
    changed = write(tmp_path, "b.csv", b"external_id,score\nF-1,5\n")
    refused = cli("import-surveys", str(changed), db=db)
    assert refused.returncode == 1
    assert "row 2: score: feedback F-1 already has a different response" in refused.stderr
    replaced = cli("import-surveys", str(changed), "--replace", "--json", db=db)
    assert replaced.returncode == 0 and json.loads(replaced.stdout)["updated"] == 1


def test_an_unreadable_survey_file_exits_2_and_says_what_is_missing(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    path = write(tmp_path, "survey.csv", b"id,rating\n1,5\n")
    done = cli("import-surveys", str(path), db=db)
    assert done.returncode == 2
    assert "lacks the required column(s) external_id, score" in done.stderr
