"""A staff member acknowledges a feedback in a real browser, and the real SMTP server receives the
acknowledgement with the feedback number and the promised date in the customer's language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from feedback_analytics.config import get_settings
from feedback_analytics.db import ensure_schema, make_engine
from tests.e2e.conftest import sign_in
from tests.e2e.test_e2e_import import open_page
from tests.mail.helpers import add_record

DUE = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)  # 17:00 in Ho Chi Minh City


@pytest.mark.e2e
def test_an_acknowledgement_reaches_the_customer(
    smtp_settings: Any, browser_page: Page, served_app: str, tmp_path: Path
) -> None:
    engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    feedback_id = add_record(engine, due_at=DUE)
    engine.dispose()
    page = browser_page
    page.goto(served_app)
    sign_in(page, "staff")
    open_page(page, "Record")
    page.get_by_role("spinbutton", name="Feedback id").fill(str(feedback_id))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Status: New")).to_be_visible(timeout=60_000)
    # The acknowledge form's box comes first (the promised-time form has one too).
    box = page.get_by_role("checkbox", name="Send to the customer by e-mail").first
    expect(box).to_be_checked(timeout=60_000)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("The message was sent to the customer.")).to_be_visible(timeout=60_000)
    page.screenshot(path=tmp_path / "record-message-sent.png", full_page=True)
    [message] = smtp_settings.wait_for(1)
    assert message["Subject"].startswith(f"[FB-{feedback_id}] Chúng tôi đã nhận được góp ý")
    assert "17:00 ngày 24/12/2026" in message.get_content()
