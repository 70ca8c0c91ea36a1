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
    Feedback,
    ImportBatch,
    RejectedRow,
    SignInThrottle,
    StatusChange,
    SurveyResponse,
)

__all__ = [
    "AppSetting",
    "AuditEvent",
    "Base",
    "ClassifierModel",
    "Customer",
    "DatabaseUnavailable",
    "Feedback",
    "ImportBatch",
    "RejectedRow",
    "SignInThrottle",
    "StatusChange",
    "SurveyResponse",
    "ensure_schema",
    "make_engine",
]
