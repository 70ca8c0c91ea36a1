"""The messages the policy promises the customer, sent through a real SMTP server (aiosmtpd) and
queued in the store on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from feedback_analytics import workflow
from feedback_analytics.db import AuditEvent, Feedback, OutboxMessage, make_engine
from feedback_analytics.mail import outbox
from feedback_analytics.mail.templates import customer_datetime
from tests.mail.helpers import (
    ENGLISH,
    RECEIVED,
    VIETNAMESE,
    add_record,
    message_events,
    outbox_rows,
)

STAFF = "staff@example.test"
DUE = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)  # 17:00 on 24 December in Ho Chi Minh City


def now() -> datetime:
    return datetime.now(UTC)


@pytest.mark.parametrize(
    ("text", "subject", "words"),
    [
        (
            VIETNAMESE,
            "Chúng tôi đã nhận được góp ý",
            ("Kính gửi Quý khách", "17:00 ngày 24/12/2026"),
        ),
        (ENGLISH, "We have received your feedback", ("Dear customer", "24 December 2026, 17:00")),
    ],
)
def test_the_acknowledgement_reaches_the_server_in_the_customers_language(
    engine: Engine, smtp_settings, text, subject, words
):
    feedback_id = add_record(engine, text=text, due_at=DUE)
    result = outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    assert result.changed and result.message is not None
    assert result.message.status == "sent"
    [message] = smtp_settings.wait_for(1)
    assert message["Subject"].startswith(f"[FB-{feedback_id}] {subject}")
    assert message["To"] == "khach@customer.test"
    assert message["Reply-To"] == message["From"]
    body = message.get_content()
    assert f"FB-{feedback_id}" in body
    for word in words:
        assert word in body
    [row] = outbox_rows(engine)
    assert (row.status, row.message_id) == ("sent", message["Message-ID"].strip("<>"))
    assert row.server_reply.startswith("250") and row.sent_at is not None


def test_an_acknowledgement_without_a_promised_time_promises_the_policys(
    engine: Engine, smtp_settings
):
    # Received five hours ago, priority normal: the default policy resolves it within 120 h.
    feedback_id = add_record(engine, due_at=None)
    outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    [message] = smtp_settings.wait_for(1)
    with Session(engine) as session:
        record = session.get_one(Feedback, feedback_id)
        assert record.due_at == RECEIVED + timedelta(hours=120)
        promised = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "feedback.promise")
        ).one()
        assert (promised.feedback_id, promised.actor) == (feedback_id, STAFF)
    told = customer_datetime(RECEIVED + timedelta(hours=120), "vi")
    assert f"trước {told}" in message.get_content()


def test_a_policy_time_already_past_is_promised_from_now(engine: Engine, smtp_settings):
    feedback_id = add_record(engine, due_at=None)
    late = RECEIVED + timedelta(hours=200)  # past received_at + 120 h
    outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=RECEIVED, now=late)
    smtp_settings.wait_for(1)
    with Session(engine) as session:
        assert session.get_one(Feedback, feedback_id).due_at == late + timedelta(hours=120)


def test_a_new_promised_time_is_sent_once_per_time(engine: Engine, smtp_settings):
    feedback_id = add_record(engine, due_at=DUE)
    later = DUE + timedelta(days=3)
    outbox.take_step(engine, feedback_id, "promise", actor=STAFF, due_at=later)
    again = outbox.take_step(engine, feedback_id, "promise", actor=STAFF, due_at=later)
    assert (again.changed, again.message) == (False, None)
    [message] = smtp_settings.wait_for(1)
    assert "Thời hạn phản hồi mới" in message["Subject"]
    assert "17:00 ngày 27/12/2026" in message.get_content()
    outbox.take_step(engine, feedback_id, "promise", actor=STAFF, due_at=later + timedelta(days=1))
    assert len(smtp_settings.wait_for(2)) == 2


def test_the_outcome_carries_the_response(engine: Engine, smtp_settings):
    feedback_id = add_record(engine, text=ENGLISH)
    outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, notify=False, at=now())
    outbox.take_step(engine, feedback_id, "resolve", actor=STAFF, at=now())
    response = "We replaced the router's firmware; notices show again."
    result = outbox.take_step(engine, feedback_id, "respond", actor=STAFF, text=response, at=now())
    assert result.message is not None and result.message.status == "sent"
    [message] = smtp_settings.wait_for(1)  # notify=False sent no acknowledgement
    assert "The outcome of your feedback" in message["Subject"]
    assert response in message.get_content()


def test_a_customer_without_email_gets_a_call_back_task(engine: Engine, smtp_settings):
    feedback_id = add_record(engine, email=None, phone="0912 345 678", due_at=DUE)
    result = outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    assert result.message is not None
    assert (result.message.channel, result.message.status) == ("callback", "queued")
    assert outbox.deliver_due(engine).deliveries == []
    assert smtp_settings.messages == []
    with Session(engine) as session:
        staff = outbox.pending_callbacks(session, role="staff")
        manager = outbox.pending_callbacks(session, role="manager")
    assert staff["feedback_id"].tolist() == [feedback_id]
    assert "17:00 ngày 24/12/2026" in staff["text"].iloc[0]
    assert manager["text"].tolist() == [None]
    outbox_id = int(staff["outbox_id"].iloc[0])
    with Session(engine) as session, session.begin():
        assert outbox.mark_called(session, outbox_id, actor=STAFF)
    with Session(engine) as session, session.begin():
        assert not outbox.mark_called(session, outbox_id, actor=STAFF)
        assert outbox.pending_callbacks(session, role="staff").empty
    [event] = message_events(engine)
    assert (event.action, event.actor, event.feedback_id) == ("message.called", STAFF, feedback_id)


def test_a_refused_recipient_fails_with_the_reason_and_is_not_retried(
    engine: Engine, smtp_settings
):
    smtp_settings.refuse("khach@customer.test")
    feedback_id = add_record(engine)
    result = outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    assert result.message is not None and result.message.status == "failed"
    assert "refused the customer's address (550" in str(result.message.detail)
    assert "khach@customer.test" not in str(result.message.detail)
    assert outbox.deliver_due(engine, now=now() + timedelta(days=1)).deliveries == []
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("failed", 1)
    with Session(engine) as session:
        attention = outbox.failed_or_uncertain(session)
    assert attention["outbox_id"].tolist() == [row.id]
    assert [e.action for e in message_events(engine)] == ["message.failed"]


def test_a_server_that_is_down_keeps_the_message_queued_until_it_is_back(
    engine: Engine, smtp_settings
):
    smtp_settings.stop()
    feedback_id = add_record(engine)
    started = now()
    result = outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=started)
    assert result.message is not None and result.message.status == "queued"
    assert "could not be reached" in str(result.message.detail)
    [row] = outbox_rows(engine)
    assert row.status == "queued" and row.attempts == 1
    assert row.next_attempt_at >= started + outbox.FIRST_RETRY
    # Not due yet: nothing is tried before its back-off.
    assert outbox.deliver_due(engine).deliveries == []
    smtp_settings.start()
    report = outbox.deliver_due(engine, now=row.next_attempt_at)
    assert [d.status for d in report.deliveries] == ["sent"]
    assert len(smtp_settings.wait_for(1)) == 1
    assert outbox_rows(engine)[0].attempts == 2


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (8, 128), (9, 240), (15, 240)]
)
def test_retry_wait_doubles_up_to_four_hours(attempts, minutes):
    assert outbox.retry_wait(attempts) == timedelta(minutes=minutes)


def _queue(engine: Engine, feedback_ids: list[int]) -> None:
    with Session(engine) as session, session.begin():
        for feedback_id in feedback_ids:
            outbox.queue_message(session, feedback_id, "acknowledge", actor=STAFF)


def test_two_deliverers_at_once_never_send_a_message_twice(engine: Engine, smtp_settings):
    feedback_ids = [add_record(engine) for _ in range(30)]
    _queue(engine, feedback_ids)
    engines = [make_engine(engine.url.render_as_string(hide_password=False)) for _ in range(2)]
    reports: list[outbox.DeliveryReport] = []
    start = threading.Barrier(2)

    def deliver(other: Engine) -> None:
        start.wait()
        reports.append(outbox.deliver_due(other))

    threads = [threading.Thread(target=deliver, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in engines:
        other.dispose()
    messages = smtp_settings.wait_for(30)
    ids = [m["Message-ID"] for m in messages]
    assert len(ids) == len(set(ids)) == 30
    assert sum(r.count("sent") for r in reports) == 30
    assert {row.status for row in outbox_rows(engine)} == {"sent"}


def test_a_step_taken_twice_queues_one_message(engine: Engine, smtp_settings):
    feedback_id = add_record(engine)
    outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    with pytest.raises(workflow.AlreadyDone):
        outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    with Session(engine) as session, session.begin():
        assert outbox.queue_message(session, feedback_id, "acknowledge", actor=STAFF) is None
    assert len(outbox_rows(engine)) == 1
    assert len(smtp_settings.wait_for(1)) == 1


def test_a_message_left_sending_is_not_sent_again_until_a_person_requeues_it(
    engine: Engine, smtp_settings
):
    feedback_id = add_record(engine)
    _queue(engine, [feedback_id])
    crashed = now() - timedelta(hours=1)
    with Session(engine) as session, session.begin():
        session.execute(update(OutboxMessage).values(status="sending", claimed_at=crashed))
    assert outbox.deliver_due(engine, now=now() + timedelta(days=1)).deliveries == []
    with Session(engine) as session:
        attention = outbox.failed_or_uncertain(session)
    assert attention["message_status"].tolist() == ["sending"]
    [row] = outbox_rows(engine)
    with Session(engine) as session, session.begin():
        assert outbox.requeue_message(session, row.id, actor="admin@example.test")
    assert [d.status for d in outbox.deliver_due(engine).deliveries] == ["sent"]
    assert len(smtp_settings.wait_for(1)) == 1
    assert smtp_settings.messages[0]["Message-ID"].strip("<>") == row.message_id


def test_a_step_by_a_role_that_sees_no_contacts_still_sends(engine: Engine, smtp_settings):
    feedback_id = add_record(engine)
    result = outbox.take_step(
        engine, feedback_id, "acknowledge", actor="manager@example.test", at=now()
    )
    assert result.message is not None and result.message.status == "sent"
    assert smtp_settings.wait_for(1)[0]["To"] == "khach@customer.test"
    with Session(engine) as session:
        seen_by_manager = outbox.record_messages(session, feedback_id=feedback_id, role="manager")
        seen_by_staff = outbox.record_messages(session, feedback_id=feedback_id, role="staff")
    assert seen_by_manager["message_status"].tolist() == ["sent"]
    assert seen_by_manager["text"].tolist() == [None]
    assert "Kính gửi Quý khách" in seen_by_staff["text"].iloc[0]


def test_audit_events_hold_neither_the_text_nor_the_address(engine: Engine, smtp_settings):
    feedback_id = add_record(engine, text=ENGLISH)
    outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    outbox.take_step(engine, feedback_id, "resolve", actor=STAFF, at=now())
    outbox.take_step(engine, feedback_id, "respond", actor=STAFF, text="Firmware fixed.", at=now())
    events = message_events(engine)
    assert [e.action for e in events] == ["message.sent", "message.sent"]
    for event in events:
        assert set(event.details) == {"step", "channel", "outbox_id", "attempts", "code"}
        written = json.dumps(event.details)
        assert "@" not in written and "Firmware" not in written and "Dear" not in written
        assert event.feedback_id == feedback_id and event.actor == outbox.SENDER


def test_automatic_acknowledgement_is_recorded_when_sent(
    engine: Engine, smtp_settings, monkeypatch
):
    from feedback_analytics.config import get_settings

    with_email, without = add_record(engine), add_record(engine, email=None, phone="0912345678")
    assert outbox.auto_acknowledge(engine, [with_email, without]).deliveries == []  # off
    monkeypatch.setenv("FEEDBACK_MAIL_AUTO_ACKNOWLEDGE", "true")
    get_settings.cache_clear()
    report = outbox.auto_acknowledge(engine, [with_email, without])
    assert [d.status for d in report.deliveries] == ["sent"]
    assert len(smtp_settings.wait_for(1)) == 1
    with Session(engine) as session:
        acknowledged = session.get_one(Feedback, with_email)
        sent = outbox_rows(engine)[0].sent_at
        assert acknowledged.acknowledged_at == sent
        assert session.get_one(Feedback, without).acknowledged_at is None
    # Staff acknowledging later finds it done; no second message is queued.
    with pytest.raises(workflow.AlreadyDone):
        outbox.take_step(engine, with_email, "acknowledge", actor=STAFF, at=now())
    assert len(outbox_rows(engine)) == 1


def test_without_mail_settings_the_message_waits_in_the_queue(engine: Engine):
    feedback_id = add_record(engine)
    result = outbox.take_step(engine, feedback_id, "acknowledge", actor=STAFF, at=now())
    assert result.message is not None and result.message.status == "queued"
    assert "FEEDBACK_SMTP_HOST" in str(result.message.detail)
    assert outbox_rows(engine)[0].attempts == 0
