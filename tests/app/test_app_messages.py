"""The Record page's messages to the customer, driven through the widgets, with a real SMTP
server receiving what the page sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from app_support import click, record_page, texts
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from feedback_analytics.config import get_settings
from feedback_analytics.db import Feedback
from feedback_analytics.i18n import format_datetime
from feedback_analytics.mail.templates import customer_datetime
from tests.mail.helpers import RECEIVED, add_record, outbox_rows

DUE = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_staff_acknowledge_and_the_customer_gets_the_number_and_date(
    store_engine: Engine, smtp_settings
):
    feedback_id = add_record(store_engine, due_at=DUE)
    at = record_page(feedback_id)
    assert at.checkbox(key=f"acknowledge_notify_{feedback_id}").value is True
    click(at, "Acknowledge")
    assert "Acknowledged. The message was sent to the customer." in texts(at)
    [message] = smtp_settings.wait_for(1)
    assert f"[FB-{feedback_id}]" in message["Subject"]
    assert "17:00 ngày 24/12/2026" in message.get_content()
    assert at.dataframe[-1].value["message_status"].tolist() == ["Sent"]
    assert any("Kính gửi Quý khách" in str(t.value) for t in at.text)


def test_the_acknowledge_form_says_which_time_the_customer_is_told(
    store_engine: Engine, smtp_settings
):
    promised = record_page(add_record(store_engine, due_at=DUE))
    assert "will be dealt with by 2026-12-24 17:00 (the promised time)" in texts(promised)

    # No promised time yet: the SLA policy's (normal: 120 h after it was received) is told,
    # and recorded as the promise.
    feedback_id = add_record(store_engine)
    policy_time = RECEIVED + timedelta(hours=120)
    at = record_page(feedback_id)
    told = format_datetime(policy_time, "en", tz=get_settings().tz)
    assert f"the acknowledgement tells the customer {told}, the SLA policy's time" in texts(at)
    click(at, "Acknowledge")
    with Session(store_engine) as session:
        assert session.get_one(Feedback, feedback_id).due_at == policy_time
    [message] = smtp_settings.wait_for(1)
    assert customer_datetime(policy_time, "vi") in message.get_content()


def test_an_unticked_box_sends_nothing(store_engine: Engine, smtp_settings):
    feedback_id = add_record(store_engine)
    at = record_page(feedback_id)
    at.checkbox(key=f"acknowledge_notify_{feedback_id}").uncheck()
    click(at, "Acknowledge")
    assert outbox_rows(store_engine) == []
    assert "No message has been sent to the customer" in texts(at)


def test_a_caller_without_email_gets_a_call_back_to_mark_as_called(
    store_engine: Engine, smtp_settings
):
    feedback_id = add_record(store_engine, email=None, phone="0912 345 678", due_at=DUE)
    at = record_page(feedback_id)
    box = at.checkbox(key=f"acknowledge_notify_{feedback_id}")
    assert box.disabled and box.value is False
    assert "a call-back task is created with the text to read out" in texts(at)
    click(at, "Acknowledge")
    assert "A call-back task was created" in texts(at)
    assert any("17:00 ngày 24/12/2026" in str(t.value) for t in at.text)
    click(at, "Mark as called")
    assert "The call-back is marked as made." in texts(at)
    assert [row.status for row in outbox_rows(store_engine)] == ["called"]
    assert smtp_settings.messages == []


def test_a_manager_who_sees_no_contacts_still_sends(store_engine: Engine, smtp_settings):
    feedback_id = add_record(store_engine)
    at = record_page(feedback_id, role="manager")
    click(at, "Acknowledge")
    assert smtp_settings.wait_for(1)[0]["To"] == "khach@customer.test"
    assert "shown to those who see customers' contact data" in texts(at)
    assert not any("Kính gửi Quý khách" in str(t.value) for t in at.text)


def test_a_server_that_is_down_leaves_the_message_queued_with_a_warning(
    store_engine: Engine, smtp_settings
):
    smtp_settings.stop()
    feedback_id = add_record(store_engine)
    at = record_page(feedback_id)
    click(at, "Acknowledge")
    assert "it waits in the queue and is tried again by itself" in "\n".join(
        str(w.value) for w in at.warning
    )
    assert [row.status for row in outbox_rows(store_engine)] == ["queued"]
