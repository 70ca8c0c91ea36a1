"""Rows for the mail tests: a feedback with its customer, a reading of the mailbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from feedback_analytics.db import AuditEvent, Customer, Feedback, MailboxRun, OutboxMessage

RECEIVED = datetime.now(UTC) - timedelta(hours=5)
VIETNAMESE = "Ứng dụng không hiện thông báo khi mất kết nối"
ENGLISH = "The app does not show a notice when the connection is lost"


def add_record(
    engine: Engine,
    *,
    email: str | None = "khach@customer.test",
    phone: str | None = None,
    text: str = VIETNAMESE,
    due_at: datetime | None = None,
) -> int:
    """Store one feedback received five hours ago, with its customer; return its id."""
    with Session(engine) as session:
        customer = Customer(name="Nguyễn Văn An", email=email, phone=phone)
        record = Feedback(
            external_id=f"T-{datetime.now(UTC).timestamp()}",
            channel="email" if email else "hotline",
            received_at=RECEIVED,
            current_feature=text,
            customer=customer,
            due_at=due_at,
            created_at=RECEIVED,
            updated_at=RECEIVED,
        )
        session.add(record)
        session.commit()
        return record.id


def outbox_rows(engine: Engine) -> list[OutboxMessage]:
    """Return every outbox row, oldest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def message_events(engine: Engine) -> list[AuditEvent]:
    """Return the audit log's message events, oldest first."""
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.startswith("message."))
                .order_by(AuditEvent.id)
            )
        )


def add_mailbox_run(
    engine: Engine, *, at: datetime, error: str | None = None, stored: int = 0
) -> None:
    """Store one reading of the mailbox that started and finished at `at`."""
    with Session(engine) as session, session.begin():
        session.add(
            MailboxRun(
                folder="INBOX",
                started_at=at,
                finished_at=at,
                seen=stored,
                stored=stored,
                replies=0,
                already=0,
                unreadable=0,
                error=error,
            )
        )
