"""Survey responses: finding the feedback, entering one response, uploading many."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from feedback_analytics import surveys
from feedback_analytics.db import AuditEvent, Feedback, ImportBatch, SurveyResponse
from feedback_analytics.ingest import import_source
from tests.ingest.helpers import csv_bytes, row

NOW = datetime(2026, 10, 5, 3, tzinfo=UTC)
RESOLVED = "2026-10-01T10:00:00+07:00"
SURVEY_COLUMNS = ["external_id", "channel", "score", "comment", "surveyed_at"]


def store(engine: Engine, *records: dict[str, Any]) -> None:
    result = import_source(engine, csv_bytes(list(records)), file_name="records.csv")
    assert result.rejected == 0, result.rejections


def feedback_id(engine: Engine, external_id: str, channel: str = "email") -> int:
    with Session(engine) as session:
        return session.scalars(
            select(Feedback.id).where(
                Feedback.external_id == external_id, Feedback.channel == channel
            )
        ).one()


def enter(engine: Engine, external_id: str, **values: Any) -> surveys.Response:
    values = {"score": 4, "comment": None, "surveyed_at": NOW - timedelta(hours=1)} | values
    with Session(engine) as session, session.begin():
        return surveys.enter_response(
            session,
            feedback_id(engine, external_id),
            actor="staff@example.test",
            now=NOW,
            **values,
        )


def events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def resolved(engine: Engine) -> Engine:
    """The store with one resolved feedback F-1, one open F-2, and F-3 resolved by phone."""
    store(
        engine,
        row(
            external_id="F-1",
            resolved_at=RESOLVED,
            customer_name="Nguyễn Văn An",
            customer_phone="0912 345 678",
            customer_email="an.nguyen@example.vn",
        ),
        row(external_id="F-2", customer_name="Trần Thị Bình", customer_phone="+84 987 654 321"),
        row(external_id="F-3", channel="hotline", status="resolved"),
    )
    return engine


def test_a_response_to_resolved_feedback_is_stored_and_audited_without_its_comment(
    resolved: Engine,
) -> None:
    enter(resolved, "F-1", score=5, comment="Nhanh lắm, cảm ơn!")
    with Session(resolved) as session:
        stored = surveys.stored_response(session, feedback_id(resolved, "F-1"))
    assert stored is not None
    assert (stored.score, stored.comment, stored.entered_by) == (
        5,
        "Nhanh lắm, cảm ơn!",
        "staff@example.test",
    )
    [event] = events(resolved, "survey.enter")
    assert event.details == {"score": 5} and event.actor == "staff@example.test"


@pytest.mark.parametrize("score", [7, 0, 3.5, "4", True, None])
def test_a_score_outside_one_to_five_is_refused(resolved: Engine, score: Any) -> None:
    with pytest.raises(surveys.SurveyRefused, match="whole number from 1 to 5") as refused:
        enter(resolved, "F-1", score=score)
    assert refused.value.code == "score"
    with Session(resolved) as session:
        assert session.scalar(select(func.count(SurveyResponse.id))) == 0


def test_unresolved_feedback_cannot_be_surveyed(resolved: Engine) -> None:
    with pytest.raises(surveys.SurveyRefused, match="F-2 is new, not resolved") as refused:
        enter(resolved, "F-2")
    assert refused.value.code == "unresolved"


def test_a_second_response_is_refused_unless_replacing_it_on_purpose_which_is_recorded(
    resolved: Engine,
) -> None:
    enter(resolved, "F-1", score=2, comment="slow")
    with pytest.raises(surveys.SurveyRefused, match="already has a response") as refused:
        enter(resolved, "F-1", score=5)
    assert refused.value.code == "exists"
    enter(resolved, "F-1", score=5, comment="slow", replace=True)
    with Session(resolved) as session:
        stored = surveys.stored_response(session, feedback_id(resolved, "F-1"))
        count = session.scalar(select(func.count(SurveyResponse.id)))
    assert stored is not None and stored.score == 5 and count == 1
    [change] = events(resolved, "survey.change")
    assert change.details["from"] == 2 and change.details["to"] == 5
    assert change.details["comment_changed"] is False
    assert "slow" not in str(change.details)


def test_a_survey_time_before_the_resolution_or_in_the_future_is_refused(
    resolved: Engine,
) -> None:
    with pytest.raises(surveys.SurveyRefused, match="before the feedback was resolved"):
        enter(resolved, "F-1", surveyed_at=datetime(2026, 10, 1, 2, tzinfo=UTC))
    with pytest.raises(surveys.SurveyRefused, match="in the future"):
        enter(resolved, "F-1", surveyed_at=NOW + timedelta(minutes=5))


def test_an_overlong_comment_is_refused_saying_the_limit(
    resolved: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEEDBACK_MAX_TEXT_CHARS", "100")
    surveys.get_settings.cache_clear()
    with pytest.raises(surveys.SurveyRefused, match="at most 100 are kept"):
        enter(resolved, "F-1", comment="x" * 101)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("F-1", ["F-1"]),
        ("+84 912-345-678", ["F-1"]),
        ("0912345678", ["F-1"]),
        ("an.nguyen@example.vn", ["F-1"]),
        ("Bình", ["F-2"]),
        ("an.nguyen@", ["F-1"]),
        ("nobody", []),
        # LIKE's wildcards are letters typed, never "anyone".
        ("%%", []),
        ("__", []),
        ("%an%", []),
        ("an_nguyen", []),
        ("", []),
    ],
)
def test_feedback_is_found_by_external_id_phone_email_or_name(
    resolved: Engine, query: str, found: list[str]
) -> None:
    with Session(resolved) as session:
        ids = surveys.find_feedback(session, query)
        names = [session.get(Feedback, i).external_id for i in ids]  # type: ignore[union-attr]
    assert names == found


def test_feedback_is_found_by_its_number(resolved: Engine) -> None:
    number = feedback_id(resolved, "F-3", channel="hotline")
    with Session(resolved) as session:
        assert number in surveys.find_feedback(session, str(number))


def survey_file(*rows: dict[str, Any]) -> bytes:
    return csv_bytes(list(rows), columns=SURVEY_COLUMNS)


def upload(engine: Engine, data: bytes, **options: Any) -> Any:
    return surveys.import_surveys(
        engine, data, file_name="survey.csv", actor="staff@example.test", now=NOW, **options
    )


def test_an_upload_reports_each_row_and_imports_the_valid_ones(resolved: Engine) -> None:
    data = survey_file(
        {"external_id": "F-1", "score": "4.0", "comment": "ok", "surveyed_at": "02/10/2026 09:00"},
        {"external_id": "F-2", "score": "5"},
        {"external_id": "F-3", "score": "7"},
        {"external_id": "F-9", "score": "3"},
        {"external_id": "F-1", "score": "4"},
    )
    result = upload(resolved, data)
    assert (result.read, result.inserted, result.rejected) == (5, 1, 4)
    reasons = {r.row: r.reason for r in result.rejections}
    assert "not resolved" in reasons[3]
    assert reasons[4].startswith("score: '7' is not a satisfaction score")
    assert "no feedback 'F-9' is stored" in reasons[5]
    assert "repeats row 2" in reasons[6]
    with Session(resolved) as session:
        survey = session.scalars(select(SurveyResponse)).one()
        batch = session.scalars(select(ImportBatch).where(ImportBatch.file_format == "surveys"))
        assert batch.one().rejected == 4
    assert survey.score == 4 and survey.surveyed_at == datetime(2026, 10, 2, 2, tzinfo=UTC)


def test_uploading_the_same_file_again_changes_nothing(resolved: Engine) -> None:
    data = survey_file({"external_id": "F-1", "score": "4", "surveyed_at": "2026-10-02"})
    assert upload(resolved, data).inserted == 1
    again = upload(resolved, data)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 1, 0)


def test_a_different_score_for_a_stored_response_needs_replace(resolved: Engine) -> None:
    upload(resolved, survey_file({"external_id": "F-1", "score": "2", "surveyed_at": ""}))
    changed = survey_file({"external_id": "F-1", "score": "5"})
    refused = upload(resolved, changed)
    assert (
        refused.rejected == 1 and "already has a different response" in refused.rejections[0].reason
    )
    replaced = upload(resolved, changed, replace=True)
    assert replaced.updated == 1
    assert [e.details["to"] for e in events(resolved, "survey.change")] == [5]


def test_a_dry_run_reports_without_writing(resolved: Engine) -> None:
    result = upload(resolved, survey_file({"external_id": "F-1", "score": "3"}), dry_run=True)
    assert result.inserted == 1
    with Session(resolved) as session:
        assert session.scalar(select(func.count(SurveyResponse.id))) == 0
        assert session.scalar(select(func.count(ImportBatch.id))) == 1  # the records' batch


def test_an_id_stored_for_two_channels_needs_the_channel_column(resolved: Engine) -> None:
    store(resolved, row(external_id="F-1", channel="web_form", status="closed"))
    result = upload(resolved, survey_file({"external_id": "F-1", "score": "3"}))
    assert "add a channel column" in result.rejections[0].reason
    chosen = upload(
        resolved, survey_file({"external_id": "F-1", "channel": "web form", "score": "3"})
    )
    assert chosen.inserted == 1
    with Session(resolved) as session:
        survey = session.scalars(select(SurveyResponse)).one()
        assert survey.feedback_id == feedback_id(resolved, "F-1", channel="web_form")


def test_a_file_without_a_score_column_is_unreadable_and_writes_nothing(resolved: Engine) -> None:
    result = upload(resolved, b"external_id,comment\nF-1,great\n")
    assert result.unreadable is not None and "score" in result.unreadable
    with Session(resolved) as session:
        assert session.scalar(select(func.count(SurveyResponse.id))) == 0


def test_the_canonical_column_names_are_accepted(resolved: Engine) -> None:
    data = b"external_id,satisfaction_score,satisfaction_comment\nF-1,5,good\n"
    result = upload(resolved, data)
    assert result.inserted == 1 and not result.warnings


def test_a_phone_stored_with_the_country_code_is_found_by_its_national_form(
    resolved: Engine,
) -> None:
    with Session(resolved) as session:
        assert surveys.find_feedback(session, "0987654321") == [feedback_id(resolved, "F-2")]
