"""The record store: SQLAlchemy 2.0 models.

Personal data lives only in `customers`; analytics queries read `feedback`,
`survey_responses` and `status_history` and never need to join it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

CHANNELS = ("email", "hotline", "web_form")
PRIORITIES = ("urgent", "high", "normal", "low")
# The priority of a new record that names none (METRICS.md).
DEFAULT_PRIORITY = "normal"
STATUSES = ("new", "acknowledged", "in_progress", "resolved", "closed")
CATEGORY_SOURCES = ("human", "model")
ROLES = ("admin", "manager", "quality", "staff")
# What a sign-in throttle counts failures of: a typed email, or a client address.
THROTTLE_KINDS = ("email", "address")
# The messages the policy promises the customer: the acknowledgement (by staff, or on arrival
# when the setting is on), a new promised time, and the outcome.
MESSAGE_STEPS = ("acknowledge", "promise", "outcome")
# How a message reaches the customer: by e-mail, or read out on a call-back.
MESSAGE_CHANNELS = ("email", "callback")
# queued: waits for (another) attempt; sending: an attempt is under way, or its process died
# before it could say how it went (never sent again by itself: see feedback_analytics.mail.outbox);
# sent: the server accepted it; failed: refused for good; called: the call-back was made.
MESSAGE_STATES = ("queued", "sending", "sent", "failed", "called")
# running: a training process works on it (or died: its heartbeat tells); the rest are ends.
TRAINING_STATES = ("running", "done", "failed", "cancelled")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC instant on every database (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    # Written as ORs: SQLite evaluates `IN (...)` in a CHECK far slower on bulk inserts.
    return "(" + " OR ".join(f"{column} = '{v}'" for v in values) + ")"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Customer(Base):
    """A customer's contact details as given with a feedback: confidential."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)


class ImportBatch(Base):
    """One file given to an import: what it was, when, and what became of its rows."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32), default="cli")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)

    rejected_rows: Mapped[list[RejectedRow]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="RejectedRow.row_number"
    )


class RejectedRow(Base):
    """A row an import refused, as it came, with the reasons a person can act on."""

    __tablename__ = "rejected_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    row_number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)

    batch: Mapped[ImportBatch] = relationship(back_populates="rejected_rows")


class Feedback(Base):
    """One customer feedback on a product's feature or performance."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("external_id", "channel"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("priority", PRIORITIES), name="priority"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(
            f"category_source IS NULL OR {_in('category_source', CATEGORY_SOURCES)}",
            name="category_source",
        ),
        Index("ix_feedback_resolved_at", "resolved_at"),
        # The data version (facts.data_version) reads the newest change.
        Index("ix_feedback_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    product: Mapped[str | None] = mapped_column(Text)
    current_feature: Mapped[str] = mapped_column(Text)
    proposal: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    category_source: Mapped[str | None] = mapped_column(String(8))
    category_confidence: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(64))
    # The last model prediction, kept beside the label: the review queue reads it, and once a
    # person labels the record it measures the model against that person's decision.
    predicted_category: Mapped[str | None] = mapped_column(Text)
    predicted_confidence: Mapped[float | None] = mapped_column(Float, index=True)
    predicted_by: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(8), default=DEFAULT_PRIORITY)
    department: Mapped[str | None] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")
    status_explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    customer: Mapped[Customer | None] = relationship()
    survey: Mapped[SurveyResponse | None] = relationship(back_populates="feedback")


class SurveyResponse(Base):
    """The customer's satisfaction survey for one feedback (at most one)."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score"),
        Index("ix_survey_responses_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), unique=True
    )
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    surveyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    feedback: Mapped[Feedback] = relationship(back_populates="survey")


class StatusChange(Base):
    """One step of a feedback's status history."""

    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(200))


class ClassifierModel(Base):
    """A trained category classifier: the skops file and what it was trained and measured on."""

    __tablename__ = "classifier_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    backend: Mapped[str] = mapped_column(String(32))
    n_train: Mapped[int] = mapped_column(Integer)
    labels: Mapped[list[str]] = mapped_column(JSON)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    library_versions: Mapped[dict[str, str]] = mapped_column(JSON)
    # Cross-validated figures: accuracy, macro and weighted F1, per label, confusion matrix.
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The trained pipeline in skops format (loaded with an allow-list of types only).
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """One thing a person did that the policy asks to account for (append-only).

    Migrations 0004 and 0006 make the database itself refuse UPDATE, DELETE, replacement and
    TRUNCATE on this table; the hashes chain the entries (feedback_analytics.audit).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # As long as an email address: a refused sign-in is recorded under the address typed.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    feedback_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # What changed, without personal data: e.g. {"from": "billing", "to": "wifi"}.
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 (hex) of the entry before it (audit.GENESIS for the first) and of this entry's
    # content with that hash: changing, removing or inserting an entry breaks the chain.
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AppSetting(Base):
    """One setting that every app instance shares (e.g. "sla": the SLA targets), as JSON.

    feedback_analytics.sla validates the value it reads and writes; changes are audited there.
    """

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(254))


class User(Base):
    """A person who may sign in: staff data, not customer data."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Normalised (NFC, stripped, lower case) by feedback_analytics.auth before it is stored.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    # argon2id; None for an account that signs in only through single sign-on.
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInThrottle(Base):
    """Failed sign-ins in a row of one typed email (an account's or not) or one client address.

    `digest` is a keyed hash (feedback_analytics.auth) of the normalised email or address, never
    the text; a row is deleted once it no longer throttles anything.
    """

    __tablename__ = "sign_in_throttles"
    __table_args__ = (CheckConstraint(_in("kind", THROTTLE_KINDS), name="kind"),)

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # When the last of `failures` happened: the next attempt waits from then.
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """One message to a customer for one step of their feedback: queued, sent or failed.

    `step_key` is unique: a step queues its message once, whichever app instance takes it.
    The recipient is not kept here: it is read from the customer, through privacy.py, when the
    message is sent.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in("step", MESSAGE_STEPS), name="step"),
        CheckConstraint(_in("channel", MESSAGE_CHANNELS), name="channel"),
        CheckConstraint(_in("status", MESSAGE_STATES), name="status"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(16))
    step_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # Our Message-ID (without angle brackets): a customer's reply names it in In-Reply-To.
    message_id: Mapped[str | None] = mapped_column(String(250), unique=True)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the mail server answered when it accepted the message (or who made the call-back).
    server_reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CustomerReply(Base):
    """A customer's e-mail answering one of our messages, kept with the feedback it answers."""

    __tablename__ = "customer_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True
    )
    # The reply's Message-ID (or fingerprint, as the e-mail import makes one): stored once.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailboxRun(Base):
    """One reading of the dedicated mailbox: when, what came of it, and the error if it stopped.

    The Home page shows the last one, so that a reader that stopped is noticed.
    """

    __tablename__ = "mailbox_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folder: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[int] = mapped_column(Integer, default=0)
    already: Mapped[int] = mapped_column(Integer, default=0)
    unreadable: Mapped[int] = mapped_column(Integer, default=0)
    # Why the run stopped or what it could not read, in words a person acts on (no secrets).
    error: Mapped[str | None] = mapped_column(Text)


class TrainingRun(Base):
    """One training of the classifier in a process of its own: its progress, heartbeat and end.

    At most one run is `running` at a time, whichever app instance started it: a partial unique
    index holds that rule under a race (see feedback_analytics.classify.training).
    """

    __tablename__ = "training_runs"
    __table_args__ = (
        CheckConstraint(_in("state", TRAINING_STATES), name="state"),
        Index(
            "ix_training_runs_one_running",
            "state",
            unique=True,
            sqlite_where=text("state = 'running'"),
            postgresql_where=text("state = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_by: Mapped[str] = mapped_column(String(254))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), default="running")
    # Units of roughly equal work: the recipe's progress (0 of 0 until its first report).
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # The heartbeat: refreshed every few seconds while the process lives.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The training process (the leader of its process group), for an operator to find.
    pid: Mapped[int | None] = mapped_column(Integer)
    # The model trained, once done; why it failed, in one line without personal data.
    version: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
