"""A reviewer confirms a category in a real browser, and the Classifier page shows the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_e2e_import import open_page, seed_like_make_run


@pytest.fixture
def review_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every prediction below the threshold, so the queue holds every unlabelled record."""
    monkeypatch.setenv("FEEDBACK_REVIEW_THRESHOLD", "1.0")


@pytest.mark.e2e
def test_review_a_category_in_the_browser(
    review_everything: None, browser_page: Page, served_app: str, tmp_path: Path
) -> None:
    seed_like_make_run(300)
    page = browser_page
    page.goto(served_app)
    sign_in(page, "quality")

    open_page(page, "Review queue")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("records await review")).to_be_visible()
    page.get_by_role("button", name="Save category").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="is now")).to_be_visible()
    page.screenshot(path=tmp_path / "review.png", full_page=True)

    open_page(page, "Classifier")
    expect(page.get_by_text("Active model m")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(1)  # the confusion matrix
    page.screenshot(path=tmp_path / "classifier.png", full_page=True)
