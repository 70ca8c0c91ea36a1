"""Customer text full of markdown and HTML, in a real browser: the Overview's filter caption,
Intake's spike alert, the Categories charts and Survey entry's "no match" message (reflected
from the address) show it as text. No element of the page links to it or loads from it."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from feedback_analytics.config import get_settings
from feedback_analytics.db import ensure_schema, make_engine
from tests.app.app_support import add_feedback
from tests.e2e.conftest import sign_in
from tests.hostile import ANCHOR, HOSTILE, PHISH, SHORT, moment_this_week

PRODUCT = f"product {HOSTILE}"
CATEGORY = f"category {SHORT} {ANCHOR}"

# Every attribute through which an element fetches or links something, naming the hostile
# values' addresses; and an image or a handler of the injected HTML.
_FETCHED = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (/^(href|xlink:href|src|srcset|action|formaction|poster)$/.test(name)
          && /evil\\.example|pixel|javascript:/i.test(attribute.value)) {
        found.push(`${element.tagName} ${name}=${attribute.value}`);
      }
      if (name === "onerror") found.push(`${element.tagName} onerror`);
    }
    if (element.tagName === "IMG" && element.getAttribute("src") === "x") found.push("img x");
  }
  return found;
}"""


def fetched(page: Page) -> list[str]:
    """Return the links and loads of the page that come from the hostile values."""
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
    return list(page.evaluate(_FETCHED))


def shown(text: str) -> str:
    """Return a text as read: without the word joiners that keep a value from autolinking."""
    return text.replace("\u2060", "")


def opened(page: Page, url: str, role: str) -> None:
    page.goto(url)
    sign_in(page, role)


@pytest.fixture
def hostile_store(served_app: str) -> tuple[str, str]:
    """Store a week's hostile records in the served app's store; return its URL and spike
    period."""
    engine: Engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    moment, period = moment_this_week(get_settings().tz)
    received = moment.to_pydatetime().astimezone(UTC)
    add_feedback(
        engine,
        [{"received_at": received, "product": PRODUCT, "category": CATEGORY} for _ in range(12)],
    )
    engine.dispose()
    return served_app, period


@pytest.mark.e2e
def test_hostile_customer_text_is_text_in_the_browser(
    browser_page: Page, hostile_store: tuple[str, str], tmp_path: Path
) -> None:
    url, period = hostile_store
    page = browser_page
    month = moment_this_week(get_settings().tz)[0].strftime("%Y-%m")

    opened(page, f"{url}/monthly?{urlencode({'month': month, 'product': PRODUCT})}", "manager")
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Filtered by")
    expect(caption).to_be_visible(timeout=60_000)
    assert fetched(page) == []
    assert PHISH in shown(caption.inner_text())
    page.locator(".st-key-breakdown").get_by_text("Product", exact=True).click()
    expect(page.locator(".st-key-breakdown_product")).to_be_visible(timeout=60_000)
    assert fetched(page) == []
    page.screenshot(path=tmp_path / "overview.png", full_page=True)

    opened(page, f"{url}/intake", "manager")
    if period == "week":  # the default period of the spike alerts
        alert = page.get_by_test_id("stAlert").filter(has_text=re.compile("so far, against"))
        expect(alert).to_be_visible(timeout=60_000)
        assert f"category {SHORT}" in shown(alert.inner_text())
    assert fetched(page) == []

    opened(page, f"{url}/categories", "manager")
    expect(page.locator(".stPlotlyChart").first).to_be_visible(timeout=60_000)
    assert fetched(page) == []
    page.screenshot(path=tmp_path / "categories.png", full_page=True)

    opened(page, f"{url}/survey?{urlencode({'id': f'nobody {HOSTILE}'})}", "admin")
    warning = page.get_by_test_id("stAlert").filter(has_text="No feedback matches")
    expect(warning).to_be_visible(timeout=60_000)
    assert f"nobody {HOSTILE}" in shown(warning.inner_text())
    assert fetched(page) == []
