"""New feedback and the record page's status steps, driven through the widgets as staff do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from app_support import add_feedback, click, new_app, open_as, record_page, seed_demo, texts
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.classify import service
from feedback_analytics.db import AuditEvent, Customer, Feedback
from tests.hostile import displayed

NEW = "views/new.py"
RECORD = "views/record.py"
STEP_BUTTONS = {
    "Acknowledge",
    "Set the promised time",
    "Assign",
    "Start work",
    "Resolve",
    "Record the response",
}
RECEIVED = datetime.now(UTC) - timedelta(hours=5)


pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_page(path: str, role: str = "staff") -> AppTest:
    return open_as(path, role)


def fill(at: AppTest, **values: str) -> None:
    for key, value in values.items():
        widget = (
            at.text_area(key=f"new_{key}")
            if key in ("current_feature", "proposal", "reason")
            else at.text_input(key=f"new_{key}")
        )
        widget.set_value(value)


def stored(engine: Engine) -> list[Feedback]:
    with Session(engine, expire_on_commit=False) as session:
        rows = list(session.scalars(select(Feedback).order_by(Feedback.id)))
        for row in rows:
            _ = row.customer
        return rows


def history(at: AppTest) -> list[str]:
    return at.dataframe[-1].value["to_status"].tolist()


def test_staff_take_a_feedback_by_phone(store_engine: Engine) -> None:
    at = open_page(NEW)
    assert "No classifier model is active" in texts(at)
    fill(
        at,
        customer_name="Trần Thị Bình",
        customer_phone="0987 654 321",
        product="NetCloud Mobile",
        current_feature="Ứng dụng không hiện thông báo khi mất kết nối",
        proposal="Gửi thông báo đẩy",
        reason="Không biết khi nào mạng rớt",
        department="Mobile Team",
    )
    at.selectbox(key="new_priority").select("high")
    click(at, "Save the feedback")

    (record,) = stored(store_engine)
    assert record.customer is not None
    assert (record.customer.name, record.customer.phone) == ("Trần Thị Bình", "0987 654 321")
    assert (record.channel, record.priority, record.department) == (
        "hotline",
        "high",
        "Mobile Team",
    )
    assert record.current_feature == "Ứng dụng không hiện thông báo khi mất kết nối"
    assert record.due_at == record.received_at + timedelta(hours=72)
    assert record.received_at <= datetime.now(UTC)
    assert f"Feedback {record.id} was saved as {record.external_id}." in texts(at)
    assert record.external_id.startswith("APP-")
    # The form is empty again, ready for the next call.
    assert at.text_area(key="new_current_feature").value == ""
    assert at.text_input(key="new_customer_phone").value == ""
    with Session(store_engine) as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.create"))
    assert event.actor == "staff@example.test"
    assert "0987" not in str(event.details) and "Bình" not in str(event.details)


def test_a_feedback_without_a_way_to_answer_is_refused_and_nothing_is_stored(
    store_engine: Engine,
) -> None:
    at = open_page(NEW)
    fill(at, customer_name="Lê Văn Cường", current_feature="Portal is slow")
    click(at, "Save the feedback")
    errors = "\n".join(str(e.value) for e in at.error)
    assert "The feedback was not saved. Correct these fields:" in errors
    assert "Phone: give the customer's phone number or email address" in errors
    assert at.text_area(key="new_current_feature").value == "Portal is slow"  # nothing lost
    assert stored(store_engine) == []
    with Session(store_engine) as session:
        assert session.scalars(select(Customer)).first() is None

    fill(at, customer_email="cuong@example")
    click(at, "Save the feedback")
    assert "Email: is not an email address" in "\n".join(str(e.value) for e in at.error)
    assert stored(store_engine) == []


def test_the_refusal_speaks_vietnamese(store_engine: Engine) -> None:
    at = new_app("staff")
    at.session_state["language"] = "vi"
    at.run()
    at.switch_page(NEW).run()
    fill(at, current_feature="Cổng thông tin chậm")
    click(at, "Lưu phản hồi")
    errors = "\n".join(str(e.value) for e in at.error)
    assert "hãy nhập số điện thoại hoặc email của khách hàng" in errors
    assert stored(store_engine) == []


def test_the_suggestion_is_shown_and_accepted(store_engine: Engine) -> None:
    seed_demo(store_engine, 400)
    trained = service.train_model(store_engine, created_by="test", activate=True)
    at = open_page(NEW)
    fill(
        at,
        customer_phone="0912 345 678",
        current_feature="VPN tunnel drops every hour and the client cannot reconnect",
    )
    at.run()
    suggested = [str(e.value) for e in at.text if "The classifier suggests" in str(e.value)]
    assert suggested == [suggested[0]] and "VPN connectivity" in suggested[0]
    click(at, "Use the suggestion")
    assert at.selectbox(key="new_category").value == "VPN connectivity"
    click(at, "Save the feedback")
    record = stored(store_engine)[-1]
    assert (record.category, record.category_source) == ("VPN connectivity", "human")
    assert (record.predicted_category, record.predicted_by) == ("VPN connectivity", trained.version)


def test_staff_take_a_record_from_acknowledgement_to_the_response(store_engine: Engine) -> None:
    add_feedback(store_engine, [{"received_at": RECEIVED}])
    at = record_page(1)
    labels = {b.label for b in at.button} & STEP_BUTTONS
    assert labels == {"Acknowledge", "Set the promised time", "Assign"}

    click(at, "Acknowledge")
    assert "Acknowledged." in texts(at)
    assert {b.label for b in at.button} & STEP_BUTTONS == {
        "Start work",
        "Resolve",
        "Set the promised time",
        "Assign",
    }

    promised = (datetime.now(UTC) + timedelta(days=2)).date()
    at.date_input(key="promise_day_1").set_value(promised)
    click(at, "Set the promised time")
    assert "Promised time set." in texts(at)

    at.text_input(key="department_1").set_value("Network Engineering")
    at.text_input(key="assignee_1").set_value("Phạm Minh")
    click(at, "Assign")
    assert "Assigned." in texts(at)

    click(at, "Start work")
    assert "Work started." in texts(at)

    click(at, "Resolve")
    assert "Resolved." in texts(at)
    assert {b.label for b in at.button} & STEP_BUTTONS == {"Record the response", "Assign"}

    click(at, "Record the response")
    assert "The response is empty" in "\n".join(str(e.value) for e in at.error)
    at.text_area(key="response_1").set_value("Đã cấu hình lại, anh kiểm tra giúp em nhé.")
    click(at, "Record the response")
    assert "Response recorded; the feedback is closed." in texts(at)
    assert not {b.label for b in at.button} & STEP_BUTTONS
    assert "This feedback is closed: the customer was answered." in texts(at)
    assert history(at) == ["New", "Acknowledged", "In progress", "Resolved", "Closed"]
    assert at.dataframe[-1].value["changed_by"].tolist()[1:] == ["staff@example.test"] * 4

    (record,) = stored(store_engine)
    assert (record.status, record.status_explicit) == ("closed", True)
    assert (record.department, record.assignee) == ("Network Engineering", "Phạm Minh")
    assert record.due_at is not None and record.due_at.date() >= promised - timedelta(days=1)
    assert record.response == "Đã cấu hình lại, anh kiểm tra giúp em nhé."
    assert record.acknowledged_at is not None and record.resolved_at is not None
    assert record.received_at <= record.acknowledged_at <= record.resolved_at
    assert record.resolved_at <= record.responded_at  # type: ignore[operator]


def test_a_stale_second_click_says_who_was_first(store_engine: Engine) -> None:
    add_feedback(store_engine, [{"received_at": RECEIVED}])
    first, second = record_page(1), record_page(1, role="admin")
    click(first, "Acknowledge")
    click(second, "Acknowledge")  # the admin's page still offered it
    warnings = "\n".join(displayed(str(w.value)) for w in second.warning)
    assert "Feedback 1 was already acknowledged at" in warnings
    assert "by staff@example.test: nothing changed." in warnings
    assert history(second) == ["New", "Acknowledged"]
    with Session(store_engine) as session:
        acks = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "feedback.acknowledge")
        )
        assert [e.actor for e in acks] == ["staff@example.test"]


def test_a_quality_viewer_sees_the_history_but_no_step(store_engine: Engine) -> None:
    add_feedback(store_engine, [{"received_at": RECEIVED}])
    click(record_page(1), "Acknowledge")
    at = record_page(1, role="quality")
    assert not {b.label for b in at.button} & STEP_BUTTONS
    assert "Your role sees the status history but does not handle feedback." in texts(at)
    assert history(at) == ["New", "Acknowledged"]


def test_a_manager_handles_feedback_too(store_engine: Engine) -> None:
    add_feedback(store_engine, [{"received_at": RECEIVED}])
    at = record_page(1, role="manager")
    assert "Acknowledge" in {b.label for b in at.button}


@pytest.mark.parametrize(
    "asked", ["99999999999999999999", "-1", "abc", "[x](https://evil.example)"]
)
def test_a_link_to_no_possible_record_says_so_without_a_traceback(asked: str) -> None:
    at = new_app("staff")
    at.query_params["id"] = asked
    at.run()
    at.switch_page(RECORD).run()
    assert not at.exception, at.exception
    assert "The link does not hold a record's number" in texts(at)
    assert at.number_input(key="record_id").value == 0
    assert "evil" not in texts(at)
