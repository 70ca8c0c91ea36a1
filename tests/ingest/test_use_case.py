"""The import every door runs (run_import, run_survey_import): each file audited in its own
transaction, then categorised and the kept snapshot refreshed; on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from feedback_analytics.classify import service
from feedback_analytics.config import get_settings
from feedback_analytics.db import AuditEvent, ClassifierModel, Feedback, ImportBatch
from feedback_analytics.facts import FactsSnapshot
from feedback_analytics.ingest import run_import, run_survey_import
from tests.classify.helpers import seed_labelled
from tests.ingest.helpers import (
    AUDIT_REFUSED,
    csv_bytes,
    import_events,
    predicted_by,
    refusing_audit,
    row,
)


class Interrupted(Exception):
    """What stops an import midway here, as Ctrl+C or a page left mid-import would."""


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def batch_ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(ImportBatch.file_name, ImportBatch.id)).all())


def test_each_file_is_audited_in_its_own_transaction(engine: Engine, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row(external_id="A"), row(external_id="B", channel="fax")]))
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"external_id,channel\nA,email\n")
    more = tmp_path / "more.csv"
    more.write_bytes(csv_bytes([row(external_id="A"), row(external_id="C")]))

    result = run_import(engine, [good, broken, more], actor="cli:tester")

    assert [f.unreadable is not None for f in result.files] == [False, True, False]
    call = {"files": ["good.csv", "broken.csv", "more.csv"], "kinds": ["records"] * 3}
    batches = batch_ids(engine)
    # The unreadable file changed nothing: no batch, no event of its own.
    assert import_events(engine) == [
        (
            "cli:tester",
            call
            | {
                "file": "good.csv",
                "kind": "records",
                "batch": batches["good.csv"],
                "inserted": 1,
                "updated": 0,
                "rejected": 1,
            },
        ),
        (
            "cli:tester",
            call
            | {
                "file": "more.csv",
                "kind": "records",
                "batch": batches["more.csv"],
                "inserted": 1,
                "updated": 0,
                "rejected": 0,
            },
        ),
    ]

    upload = b'[{"external_id": "D", "channel": "email", "received_at": "2026-10-01", '
    upload += b'"current_feature": "Router"}]'
    checked = run_import(engine, [("upload.json", upload)], actor="a@example.test", dry_run=True)
    assert checked.files[0].inserted == 1
    assert len(import_events(engine)) == 2, "a dry run is not audited"


def test_an_import_stopped_after_writing_its_rows_leaves_no_audit_event(engine: Engine) -> None:
    def interrupt(done: int, total: int) -> None:
        # Called once the chunk's rows are written, inside the file's transaction.
        raise Interrupted

    with pytest.raises(Interrupted):
        run_import(
            engine,
            [("f.csv", csv_bytes([row()]))],
            actor="someone@example.test",
            progress=interrupt,
        )
    assert [count(engine, m) for m in (Feedback, ImportBatch, AuditEvent)] == [0, 0, 0]


def test_an_import_whose_audit_event_is_refused_leaves_nothing(engine: Engine) -> None:
    files = [("a.csv", csv_bytes([row(external_id="A")])), ("b.csv", csv_bytes([row()]))]
    with refusing_audit(engine), pytest.raises(SQLAlchemyError, match=AUDIT_REFUSED):
        run_import(engine, files, actor="someone@example.test")
    assert [count(engine, m) for m in (Feedback, ImportBatch, AuditEvent)] == [0, 0, 0]


def test_what_an_import_brings_is_categorised_only_when_a_model_is_active(engine: Engine) -> None:
    seed_labelled(engine, 200)
    first = run_import(engine, [("first.csv", csv_bytes([row(external_id="N-1")]))], actor="t")
    assert (first.classified, first.not_categorised) == (None, None)
    assert predicted_by(engine, "N-1") == [None]

    version = service.train_model(engine, created_by="test", activate=True, max_records=120).version
    second = run_import(engine, [("second.csv", csv_bytes([row(external_id="N-2")]))], actor="t")
    assert second.classified is not None and second.classified.version == version
    assert second.not_categorised is None
    assert predicted_by(engine, "N-1", "N-2") == [version, version]

    again = run_import(engine, [("second.csv", csv_bytes([row(external_id="N-2")]))], actor="t")
    assert again.classified is None, "nothing new or changed: nothing to categorise"

    with Session(engine) as session, session.begin():
        session.execute(update(ClassifierModel).values(blob=b"\x00"))
    third = run_import(engine, [("third.csv", csv_bytes([row(external_id="N-3")]))], actor="t")
    # The model cannot be loaded: the import stands, uncategorised, and says why.
    assert third.classified is None
    assert third.not_categorised is not None and version in third.not_categorised
    assert predicted_by(engine, "N-3") == [None]
    assert import_events(engine)[-1][1]["file"] == "third.csv"


def test_an_import_brings_a_kept_snapshot_up_to_date_and_makes_none(engine: Engine) -> None:
    snapshot = FactsSnapshot(engine, Path(get_settings().cache_dir))
    run_import(engine, [("a.csv", csv_bytes([row(external_id="A")]))], actor="t")
    assert not snapshot.path.exists(), "the dashboard makes the snapshot when it needs it"
    snapshot.load()
    run_import(engine, [("b.csv", csv_bytes([row(external_id="B")]))], actor="t")
    current = snapshot.load_if_current()
    assert current is not None and len(current) == 2


def test_a_survey_import_brings_a_kept_snapshot_up_to_date(engine: Engine) -> None:
    resolved = row(external_id="S-1", resolved_at="2026-10-01T10:00:00+07:00")
    run_import(engine, [("records.csv", csv_bytes([resolved]))], actor="t")
    snapshot = FactsSnapshot(engine, Path(get_settings().cache_dir))
    facts, _ = snapshot.load()
    assert facts["satisfaction_score"].isna().all()

    surveys = b"external_id,score,surveyed_at\nS-1,5,2026-10-02 09:00\n"
    result = run_survey_import(engine, [("survey.csv", surveys)], actor="t")
    assert result.files[0].inserted == 1
    current = snapshot.load_if_current()
    assert current is not None and list(current["satisfaction_score"]) == [5.0]
    with Session(engine) as session:
        audited = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert audited == ["import", "survey.import"]
