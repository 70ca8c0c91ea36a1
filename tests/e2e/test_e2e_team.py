"""Running for a team: two app processes on different ports against one PostgreSQL database.

An import through one is visible in the other within the cache's time to live, and both use
the same active model, also after a new one is activated elsewhere.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from feedback_analytics.classify import registry
from feedback_analytics.config import get_settings
from tests.e2e.conftest import serving_app, sign_in
from tests.e2e.test_e2e_import import UPLOAD, open_page, records_shown, seed_like_make_run

ROOT = Path(__file__).resolve().parents[2]
# The Home page's totals are cached this long (ui/data.py), the active model's version 30 s;
# another instance's change must show within that, plus the time a page takes to draw.
DATA_TTL_SECONDS = 60
MARGIN_SECONDS = 20


@pytest.fixture
def two_apps(
    pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str]]:
    """Two `streamlit run` processes on one PostgreSQL database; yield their URLs."""
    monkeypatch.setenv("FEEDBACK_DB_URL", pg_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    with ExitStack() as stack:
        first = stack.enter_context(serving_app(tmp_path / "first.log"))
        second = stack.enter_context(serving_app(tmp_path / "second.log"))
        yield first, second


def signed_in_page(chromium: Browser, url: str) -> Page:
    context = chromium.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    sign_in(page, "admin")
    return page


def shows_within(page: Page, name: str, seen: Callable[[Page], bool], seconds: float) -> float:
    """Open page `name` again (a rerun in the same session) until `seen`; return the wait."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        open_page(page, name)
        page.wait_for_timeout(2_000)
        if seen(page):
            return time.monotonic() - started
    pytest.fail(f"{name} did not show the change within {seconds} s")


def active_version(engine: Engine) -> str | None:
    with Session(engine) as session:
        return registry.active_version(session)


@pytest.mark.e2e
@pytest.mark.postgres
def test_two_instances_share_records_and_the_active_model(
    two_apps: tuple[str, str], chromium: Browser, pg_engine: Engine, tmp_path: Path
) -> None:
    seed_like_make_run(200)  # demo data and a first model, into the shared database
    first, second = (signed_in_page(chromium, url) for url in two_apps)
    for page in (first, second):
        expect(records_shown(page)).to_have_text("200", timeout=60_000)

    open_page(first, "Import")
    upload = tmp_path / "october.csv"
    upload.write_text(UPLOAD, encoding="utf-8")
    first.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files(upload)
    first.locator(".st-key-import_run button").click()
    expect(first.get_by_test_id("stAlert").filter(has_text="Import finished.")).to_be_visible(
        timeout=60_000
    )

    waited = shows_within(
        second,
        "Home",
        lambda page: records_shown(page).inner_text() == "203",
        DATA_TTL_SECONDS + MARGIN_SECONDS,
    )
    print(f"the other instance showed the import after {waited:.0f} s")

    version = active_version(pg_engine)
    for page in (first, second):
        open_page(page, "Classifier")
        expect(page.get_by_text(f"Active model {version}")).to_be_visible(timeout=60_000)
    trained = subprocess.run(
        [sys.executable, "-m", "feedback_analytics", "train", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert trained.returncode == 0, trained.stderr
    newer = active_version(pg_engine)
    assert newer != version
    for page in (first, second):
        shows_within(
            page,
            "Classifier",
            lambda page: page.get_by_text(f"Active model {newer}").count() == 1,
            30 + MARGIN_SECONDS,
        )
