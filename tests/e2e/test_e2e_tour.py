"""The README's tour in a real browser: each kind of user opens the main pages of their work
on a store filled as `make run` fills it, and each page draws its figures without an error.

The screenshots are the README's (docs/screenshots/). They are written to the test's own
directory, or, to refresh the README's, to the directory SCREENSHOTS_DIR names:
`make screenshots`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_analytics.db.engine import make_engine
from feedback_analytics.db.models import Feedback
from tests.e2e.conftest import sign_in
from tests.e2e.test_e2e_import import open_page, seed_like_make_run
from tests.e2e.test_e2e_overview import settled

CHART = ".js-plotly-plot .main-svg"
# A page of charts over the demo store takes seconds to draw on a busy 2-core machine.
WAIT = 60_000


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the screenshots go: SCREENSHOTS_DIR when set, else the test's directory."""
    wanted = os.environ.get("SCREENSHOTS_DIR")
    directory = Path(wanted) if wanted else tmp_path / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def some_to_review(monkeypatch: pytest.MonkeyPatch) -> None:
    """A review threshold above the default, so that the review queue of a few thousand demo
    records, which the first model mostly categorises with confidence, is not empty."""
    monkeypatch.setenv("FEEDBACK_REVIEW_THRESHOLD", "0.9")


@pytest.fixture
def signed_in_as(chromium: Browser, served_app: str) -> Iterator[Callable[..., Page]]:
    """Open a browser of its own for a role, signed in on the served app; return its page."""
    contexts = []

    def open_as(role: str, path: str = "") -> Page:
        context = chromium.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{served_app}/{path}")
        sign_in(page, role)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shows(page: Page, heading: str, *, charts: int = 0) -> None:
    """Wait until the page has run to its end with `heading`, at least `charts` charts drawn,
    and no error anywhere on it."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=WAIT)
    settled(page)
    if charts:
        expect(page.locator(CHART).nth(charts - 1)).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stMain").get_by_test_id("stAlertContentError")).to_have_count(0)


def snap(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=directory / f"{name}.png")
    assert (directory / f"{name}.png").stat().st_size > 10_000  # a drawn page, not a blank one


def visit(
    page: Page, link: str, directory: Path, name: str, *, heading: str = "", charts: int = 0
) -> None:
    """Open the sidebar's page `link`, wait until it `shows` (its title: `heading`, by default
    the link's), and take its screenshot `name`."""
    open_page(page, link)
    shows(page, heading or link, charts=charts)
    snap(page, directory, name)


def a_resolved_feedback() -> tuple[int, str]:
    """Return the id and external id of the newest resolved demo feedback."""
    engine = make_engine()  # the served store: FEEDBACK_DB_URL of the test
    with Session(engine) as session:
        row = session.execute(
            select(Feedback.id, Feedback.external_id)
            .where(Feedback.status == "resolved")
            .order_by(Feedback.resolved_at.desc())
            .limit(1)
        ).one()
    engine.dispose()
    return int(row.id), str(row.external_id)


@pytest.mark.e2e
def test_each_kind_of_user_tours_their_pages(
    some_to_review: None, signed_in_as: Callable[..., Page], shots: Path
) -> None:
    seed_like_make_run(3000)
    record_id, external_id = a_resolved_feedback()

    manager = signed_in_as("manager")
    visit(manager, "Monthly overview", shots, "overview", charts=3)
    visit(manager, "Intake", shots, "intake", charts=2)
    visit(manager, "Processing and SLA", shots, "sla", charts=2)
    visit(manager, "Satisfaction", shots, "satisfaction", charts=2)

    quality = signed_in_as("quality")
    visit(quality, "Categories", shots, "categories", charts=2)
    open_page(quality, "Review queue")
    shows(quality, "Review queue")
    expect(quality.get_by_text("records await review")).to_be_visible(timeout=WAIT)
    expect(quality.get_by_role("button", name="Save category")).to_be_visible(timeout=WAIT)
    snap(quality, shots, "review")
    open_page(quality, "Classifier")
    shows(quality, "Classifier", charts=1)
    expect(quality.get_by_text("Active model m")).to_be_visible(timeout=WAIT)
    snap(quality, shots, "classifier")

    staff = signed_in_as("staff")
    visit(staff, "New feedback", shots, "new-feedback")
    open_page(staff, "Survey entry")
    shows(staff, "Survey entry")
    staff.get_by_role("textbox", name="Find the feedback").fill(external_id)
    staff.keyboard.press("Enter")
    expect(staff.get_by_role("button", name="Save the response")).to_be_visible(timeout=WAIT)
    settled(staff)
    snap(staff, shots, "survey")
    visit(staff, "Import", shots, "import", heading="Import feedback")

    handler = signed_in_as("staff", f"record?id={record_id}")
    shows(handler, "Record")
    expect(handler.get_by_role("spinbutton", name="Feedback id")).to_have_value(str(record_id))
    expect(handler.get_by_role("heading", name="Status history")).to_be_visible()
    snap(handler, shots, "record")

    admin = signed_in_as("admin")
    shows(admin, "Feedback Analytics")
    snap(admin, shots, "home")
