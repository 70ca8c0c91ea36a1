"""The pages around messages to customers: the template editor (administrators) and, on
Processing and SLA, the e-mails not delivered and the call-backs to make."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from app_support import add_feedback, open_as, record_page, texts
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.db import AuditEvent, Customer, CustomerReply, Feedback, OutboxMessage
from feedback_analytics.i18n import t
from feedback_analytics.mail import outbox, templates
from tests.hostile import displayed

pytestmark = pytest.mark.usefixtures("fresh_caches")
NOW = datetime.now(UTC)


def shown(at: AppTest) -> str:
    """Return what the run shows, plain texts (the preview) included."""
    return "\n".join(
        [texts(at), *(str(e.value) for e in at.text), *(str(tab.label) for tab in at.tabs)]
    )


def test_an_administrator_edits_a_template_with_a_preview_and_can_go_back(
    store_engine: Engine,
) -> None:
    at = open_as("views/mail_templates.py", "admin")
    at.selectbox(key="template_step").select("acknowledge").run()
    at.selectbox(key="template_language").select("en").run()
    area = at.text_area(key="template_text_acknowledge.en")
    assert area.value == templates.default_template("acknowledge.en")
    assert "FB-1234" in shown(at)  # the preview's sample feedback

    edited = "We have your feedback {{ reference }}\n\nThank you. Your number is {{ reference }}.\n"
    area.set_value(edited).run()
    assert "Subject: We have your feedback FB-1234" in shown(at)  # previewed before it is saved
    at.button[0].click().run()
    assert not at.exception
    with Session(store_engine) as session:
        assert templates.load_templates(session)["acknowledge.en"] == edited
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.change")
        ).one()
        assert event.details == {
            "setting": "mail_templates",
            "template": "acknowledge.en",
            "to": "edited",
        }
        assert event.actor == "admin@example.test"
    assert "Saved: the next messages use this template." in texts(at)

    reset = next(b for b in at.button if b.label == "Back to the product's template")
    reset.click().run()
    assert not at.exception
    with Session(store_engine) as session:
        assert templates.edited_templates(session) == {}
    assert at.text_area(key="template_text_acknowledge.en").value == templates.default_template(
        "acknowledge.en"
    )


def test_a_template_that_reaches_for_python_objects_is_refused_and_not_saved(
    store_engine: Engine,
) -> None:
    at = open_as("views/mail_templates.py", "admin")
    at.selectbox(key="template_language").select("vi").run()
    name = f"{at.selectbox(key='template_step').value}.vi"
    at.text_area(key=f"template_text_{name}").set_value(
        "Tiêu đề {{ ''.__class__.__mro__ }}\n\nNội dung\n"
    ).run()
    assert at.error, "the preview says why the template cannot be used"
    at.button[0].click().run()
    assert any("not Python's objects" in e.value for e in at.error)
    with Session(store_engine) as session:
        assert templates.edited_templates(session) == {}


def test_only_administrators_open_the_template_editor() -> None:
    at = open_as("views/mail_templates.py", "manager")
    assert [e.value for e in at.error] == [t("access.refused", "en", role=t("role.manager", "en"))]
    assert not at.text_area


def _feedback_with_messages(engine: Engine) -> tuple[int, int]:
    """Store two feedback: one whose customer gave an e-mail (its message failed), one who
    gave a phone only (a call-back); return the two outbox ids."""
    add_feedback(
        engine,
        [
            {"received_at": NOW - timedelta(days=1), "current_feature": "Wi-Fi drops at night"},
            {"received_at": NOW - timedelta(days=1), "current_feature": "Mạng chậm buổi tối"},
        ],
    )
    with Session(engine) as session, session.begin():
        first, second = session.scalars(select(Feedback).order_by(Feedback.id)).all()
        first.customer = Customer(name="An", email="an@customer.test")
        second.customer = Customer(name="Bình", phone="0912 345 678")
        session.flush()
        failed = outbox.queue_message(session, first.id, "acknowledge", actor="staff@example.test")
        call = outbox.queue_message(session, second.id, "acknowledge", actor="staff@example.test")
        assert failed is not None and call is not None
        assert call.channel == "callback"
        session.get(OutboxMessage, failed.outbox_id).status = "failed"
        session.get(OutboxMessage, failed.outbox_id).last_error = "550 no such user"
    return failed.outbox_id, call.outbox_id


def test_processing_lists_undelivered_messages_and_sends_one_again(
    store_engine: Engine, smtp_settings
) -> None:
    failed_id, _ = _feedback_with_messages(store_engine)
    at = open_as("views/sla.py", "admin")
    assert "Not delivered (1)" in shown(at)
    assert "Call-backs to make (1)" in shown(at)
    (table,) = [frame for frame in at.dataframe if "last_error" in frame.value]
    assert table.value["last_error"].tolist() == ["550 no such user"]

    at.selectbox(key="send_again_id").select(failed_id).run()
    next(b for b in at.button if b.label == "Send again").click().run()
    assert not at.exception
    (received,) = smtp_settings.wait_for(1)
    assert received["X-Envelope-To"] == "an@customer.test"
    assert "Sent: the mail server accepted the message." in shown(at)
    assert "Not delivered (0)" in shown(at)


def callback_texts(at: AppTest) -> list[str | None]:
    """Return the texts to read out, as the call-backs table shows them."""
    (table,) = [frame for frame in at.dataframe if "text" in frame.value]
    return [None if pd.isna(v) else str(v) for v in table.value["text"]]


def test_processing_marks_a_call_back_made(store_engine: Engine) -> None:
    _, call_id = _feedback_with_messages(store_engine)
    # A manager handles feedback but does not see contact data: the text to read out, which
    # may quote the customer, stays hidden, and the call can still be marked.
    with Session(store_engine) as session:
        reference = f"FB-{session.get(OutboxMessage, call_id).feedback_id}"
    admin = open_as("views/sla.py", "admin")
    assert reference in callback_texts(admin)[0]
    (table,) = [frame for frame in admin.dataframe if "text" in frame.value]
    assert table.value["customer_phone"].tolist() == ["0912 345 678"]
    at = open_as("views/sla.py", "manager")
    assert "Call-backs to make (1)" in shown(at)
    assert callback_texts(at) == [None]
    (table,) = [frame for frame in at.dataframe if "text" in frame.value]
    (phone,) = table.value["customer_phone"].tolist()
    assert "345" not in phone  # masked
    at.selectbox(key="called_id_processing_outcome").select(call_id).run()
    next(b for b in at.button if b.label == "Mark as called").click().run()
    assert not at.exception
    assert "Marked as called." in shown(at)
    assert "Call-backs to make (0)" in shown(at)
    with Session(store_engine) as session:
        row = session.get(OutboxMessage, call_id)
        assert row.status == "called"
        assert row.server_reply == "called by manager@example.test"


def test_staff_find_their_call_backs_on_home_with_the_number_and_the_text(
    store_engine: Engine,
) -> None:
    _, call_id = _feedback_with_messages(store_engine)
    at = open_as("views/home.py", "staff")
    assert "Call-backs to make (1)" in shown(at)
    (table,) = [frame for frame in at.dataframe if "text" in frame.value]
    assert table.value["customer_phone"].tolist() == ["0912 345 678"]  # staff see contacts
    assert "FB-" in callback_texts(at)[0]
    at.selectbox(key="called_id_home_outcome").select(call_id).run()
    next(b for b in at.button if b.label == "Mark as called").click().run()
    assert not at.exception
    assert "Marked as called." in shown(at)
    assert "Call-backs to make (0)" in shown(at)
    at.run()
    assert "Call-backs to make" not in shown(at)  # none left
    with Session(store_engine) as session:
        assert session.get(OutboxMessage, call_id).status == "called"


def test_quality_teams_who_do_not_handle_feedback_see_no_call_backs(
    store_engine: Engine,
) -> None:
    _feedback_with_messages(store_engine)
    assert "Call-backs to make" not in shown(open_as("views/home.py", "quality"))


def test_the_record_page_shows_the_customer_s_replies_as_the_role_may_see_them(
    store_engine: Engine,
) -> None:
    add_feedback(store_engine, [{"current_feature": "Wi-Fi drops at night"}])
    with Session(store_engine) as session, session.begin():
        feedback_id = session.scalars(select(Feedback.id)).one()
        session.add(
            CustomerReply(
                feedback_id=feedback_id,
                message_id="reply-1@customer.test",
                received_at=datetime(2026, 10, 3, 2, 0, tzinfo=UTC),
                subject=f"Re: [FB-{feedback_id}] **urgent**",
                text="Still dropping. Call me on 0912 345 678.",
                created_at=NOW,
            )
        )

    staff = record_page(feedback_id, "staff")
    (expander,) = [e for e in staff.expander if "urgent" in e.label]
    # Escaped for markdown: the reader sees the subject as typed, never bold or a link.
    assert expander.label != displayed(expander.label)
    assert displayed(expander.label) == f"2026-10-03 09:00: Re: [FB-{feedback_id}] **urgent**"
    assert "Still dropping. Call me on 0912 345 678." in shown(staff)
    quality = shown(record_page(feedback_id, "quality"))
    assert "Still dropping." in quality
    assert "0912 345 678" not in quality  # redacted for a role that does not see contacts
