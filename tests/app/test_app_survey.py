"""Survey entry driven through its widgets: find, enter, refuse, replace, upload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from app_support import add_feedback, metric, new_app, texts
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.db import AuditEvent, Customer, SurveyResponse

NOW = datetime.now(UTC)


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def stored(store_engine: Engine) -> Engine:
    """One resolved feedback of a customer with a phone, one still open."""
    add_feedback(
        store_engine,
        [
            {
                "external_id": "HL-100",
                "channel": "hotline",
                "received_at": NOW - timedelta(days=3),
                "resolved_at": NOW - timedelta(days=1),
                "status": "resolved",
                "customer": Customer(name="Phạm Minh Châu", phone="0903 111 222"),
            },
            {"external_id": "EM-7", "received_at": NOW - timedelta(hours=5), "status": "new"},
        ],
    )
    return store_engine


def survey_page(query: str = "") -> AppTest:
    at = new_app("staff").run()
    at.switch_page("views/survey.py").run()
    assert not at.exception, at.exception
    if query:
        at.text_input(key="survey_query").set_value(query).run()
        assert not at.exception, at.exception
    return at


def save(at: AppTest, score: int | None, comment: str = "") -> AppTest:
    at.number_input[0].set_value(score)
    at.text_area[0].set_value(comment)
    next(b for b in at.button if b.label == "Save the response").click().run()
    assert not at.exception, at.exception
    return at


def responses(engine: Engine) -> list[tuple[int | None, str | None]]:
    with Session(engine) as session:
        return [(s.score, s.comment) for s in session.scalars(select(SurveyResponse))]


def test_staff_finds_the_feedback_by_phone_and_enters_the_score(stored: Engine) -> None:
    at = survey_page("0903111222")
    pick = at.selectbox(key="survey_pick")
    assert len(pick.options) == 1
    assert "HL-100" in pick.options[0] and "Phạm Minh Châu" in pick.options[0]
    save(at, 5, "Kỹ thuật viên đến đúng hẹn")
    assert "Saved the response to HL-100." in texts(at)
    assert responses(stored) == [(5, "Kỹ thuật viên đến đúng hẹn")]
    with Session(stored) as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.enter"))
    assert event.actor == "staff@example.test" and event.details == {"score": 5}


def test_a_score_of_seven_is_refused_and_nothing_is_stored(stored: Engine) -> None:
    at = save(survey_page("HL-100"), 7)
    assert [e.value for e in at.error] == [
        "7 is not a satisfaction score: enter a whole number from 1 to 5."
    ]
    assert responses(stored) == []


def test_an_unresolved_feedback_offers_no_form_and_says_why(stored: Engine) -> None:
    at = survey_page("EM-7")
    assert any("only resolved feedback can be surveyed" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "Save the response"]
    assert responses(stored) == []


def test_a_second_response_needs_the_replace_option_and_is_recorded(stored: Engine) -> None:
    save(survey_page("HL-100"), 2, "chậm")
    again = survey_page("HL-100")
    assert "This feedback already has a response: score 2" in texts(again)
    assert not [b for b in again.button if b.label == "Save the response"]
    again.checkbox[0].check().run()
    save(again, 4, "chậm")
    assert responses(stored) == [(4, "chậm")]
    with Session(stored) as session:
        [change] = session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.change"))
    assert (change.details["from"], change.details["to"]) == (2, 4)


def test_the_upload_checks_each_row_then_imports_the_valid_ones(stored: Engine) -> None:
    at = survey_page()
    content = (
        "external_id,score,comment,surveyed_at\nHL-100,4,ổn,\nEM-7,5,,\nHL-100,7,,\n"
    ).encode()
    at.file_uploader(key="survey_file").set_value(("survey.csv", content, "text/csv")).run()
    assert not at.exception, at.exception
    assert (metric(at, "Would insert"), metric(at, "Would reject")) == ("1", "2")
    table = at.dataframe[0].value
    reasons = dict(zip(table.iloc[:, 0], table.iloc[:, 2], strict=True))
    assert "not resolved" in reasons[3]
    assert "repeats row 2" in reasons[4]
    assert responses(stored) == []
    next(b for b in at.button if b.label == "Import the responses").click().run()
    assert not at.exception, at.exception
    assert responses(stored) == [(4, "ổn")]
