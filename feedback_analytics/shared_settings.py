"""Settings every app instance shares (the SLA policy, the message templates): stored in the
app_settings table as JSON, each change audited in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from feedback_analytics import audit
from feedback_analytics.db.models import AppSetting


def read_setting(session: Session, key: str) -> dict[str, Any] | None:
    """Return the stored value of `key`, or None when it was never saved."""
    stored = session.get(AppSetting, key)
    return None if stored is None else stored.value


def save_setting(
    session: Session,
    key: str,
    value: dict[str, Any],
    *,
    actor: str,
    details: dict[str, Any],
    now: datetime | None = None,
) -> None:
    """Store `value` under `key` and audit the change ("settings.change", with `details`,
    which never hold customer data), in the caller's transaction."""
    now = now or datetime.now(UTC)
    stored = session.get(AppSetting, key)
    if stored is None:
        session.add(AppSetting(key=key, value=value, updated_at=now, updated_by=actor))
    else:
        stored.value, stored.updated_at, stored.updated_by = value, now, actor
    audit.record_event(
        session,
        actor=actor,
        action="settings.change",
        details={"setting": key, **details},
        now=now,
    )
