"""A feedback taken by phone, handled and surveyed in a real browser, as staff do it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_e2e_import import open_page


def submit(page: Page, label: str) -> None:
    page.get_by_role("button", name=label).click()


@pytest.mark.e2e
def test_take_handle_and_survey_a_feedback(
    browser_page: Page, served_app: str, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(served_app)
    sign_in(page, "staff")

    open_page(page, "New feedback")
    page.get_by_role("textbox", name="Phone").fill("0912 345 678")
    page.get_by_role("textbox", name="Current feature: what the customer describes *").fill(
        "Wi-Fi 6 router drops the 5 GHz band every evening"
    )
    submit(page, "Save the feedback")
    expect(page.get_by_text("was saved as APP-")).to_be_visible(timeout=60_000)
    page.screenshot(path=tmp_path / "new-feedback.png", full_page=True)
    page.get_by_test_id("stMain").get_by_role("link", name="Open feedback").click()

    expect(page.get_by_text("Status: New")).to_be_visible(timeout=60_000)
    submit(page, "Acknowledge")
    expect(page.get_by_text("Acknowledged.")).to_be_visible()
    submit(page, "Resolve")
    expect(page.get_by_text("Status: Resolved")).to_be_visible()
    page.screenshot(path=tmp_path / "record.png", full_page=True)

    open_page(page, "Survey entry")
    page.get_by_role("textbox", name="Find the feedback").fill("+84 912 345 678")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Matching feedback (1, newest first)")).to_be_visible()
    page.get_by_role("spinbutton", name="Score (1 to 5)").fill("7")
    submit(page, "Save the response")
    expect(page.get_by_text("7 is not a satisfaction score")).to_be_visible()
    page.get_by_role("spinbutton", name="Score (1 to 5)").fill("5")
    submit(page, "Save the response")
    expect(page.get_by_text("Saved the response to APP-")).to_be_visible()
    page.screenshot(path=tmp_path / "survey.png", full_page=True)
