"""Record store: models, engine and migrations."""

from feedback_analytics.db.engine import (
    DatabaseUnavailable,
    ensure_schema,
    make_engine,
)
from feedback_analytics.db.models import (
    AppSetting,
    AuditEvent,
    Base,
    ClassifierModel,
    Customer,
    CustomerReply,
    Feedback,
    ImportBatch,
    MailboxRun,
    OutboxMessage,
    RejectedRow,
    SignInThrottle,
    StatusChange,
    SurveyResponse,
    TrainingRun,
)

__all__ = [
    "AppSetting",
    "AuditEvent",
    "Base",
    "ClassifierModel",
    "Customer",
    "CustomerReply",
    "DatabaseUnavailable",
    "Feedback",
    "ImportBatch",
    "MailboxRun",
    "OutboxMessage",
    "RejectedRow",
    "SignInThrottle",
    "StatusChange",
    "SurveyResponse",
    "TrainingRun",
    "ensure_schema",
    "make_engine",
]
