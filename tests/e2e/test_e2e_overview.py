"""A manager opens a shared link to the Overview in a real browser, filters, drills down to
the records behind a number and downloads the monthly report."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "feedback_analytics", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def card(page: Page, label: str) -> Locator:
    label_element = page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{label}"))
    metric = page.get_by_test_id("stMetric").filter(has=label_element)
    return metric.get_by_test_id("stMetricValue")


@pytest.mark.e2e
def settled(page: Page) -> None:
    """Wait until the page's script has finished its run: while it runs, the elements of the
    last run and of this one may both be on the page."""
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)


def choose(page: Page, key: str, option: str) -> None:
    """Pick `option` in the sidebar's multiselect `key`, opening it again when a rerun of the
    page (the charts still drawing) closed the list before the click reached it."""
    field = page.get_by_test_id("stSidebar").locator(f".st-key-{key} input")
    choice = page.get_by_role("option", name=option)
    for _ in range(3):
        field.click()
        try:
            choice.click(timeout=10_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    field.click()
    choice.click()


def test_a_manager_reads_filters_and_drills_down(
    browser_page: Page, served_app: str, tmp_path: Path
) -> None:
    cli("seed-demo", "--records", "3000", "--end", "2026-10-31")
    october = json.loads(cli("report", "--month", "2026-10", "--json"))
    hotline = october["intake"]["by_channel"]["hotline"]
    page = browser_page

    page.goto(f"{served_app}/monthly?month=2026-10")
    sign_in(page, "manager")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    expect(card(page, "Feedback received")).to_have_text(
        f"{october['intake']['total']:,}", timeout=30_000
    )
    expect(page.locator(".stPlotlyChart").first).to_be_visible()
    page.screenshot(path=tmp_path / "overview.png", full_page=True)

    settled(page)
    choose(page, "channel", "Hotline")
    page.keyboard.press("Escape")
    expect(card(page, "Feedback received")).to_have_text(f"{hotline:,}")
    expect(page).to_have_url(re.compile(r"[?&]channel=hotline"))

    # The link reproduces the view in a new tab (a new session: after its sign-in).
    copy = page.context.new_page()
    copy.goto(page.url)
    sign_in(copy, "manager")
    expect(card(copy, "Feedback received")).to_have_text(f"{hotline:,}", timeout=60_000)
    copy.close()

    page.locator(".st-key-records_backlog button").click()
    cohort = page.locator(".st-key-records_cohort").get_by_role("combobox")
    expect(cohort).to_have_value("Open at the end of the month")
    expect(page.get_by_text(re.compile(r"^\d[\d,]* records; the newest"))).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()

    # A click on a month of a trend chart shows that month's records behind the figure.
    bar = page.locator(".st-key-trend_intake .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    # Plotly takes clicks on its drag layer above the bars, so click where the bar is drawn.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 5)
    month = page.locator(".st-key-records_month").get_by_role("combobox")
    expect(month).to_have_value("November 2025")
    expect(cohort).to_have_value("Received in the month")

    # The report inlines plotly.js and draws every chart: on a busy 2-core machine that has
    # taken over Playwright's default 30 s (its speed is measured in benchmarks/, not here).
    settled(page)
    with page.expect_download(timeout=120_000) as download:
        page.locator(".st-key-download_report_html button").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert "October 2026" in report and "Plotly.newPlot(" in report
    assert 'src="http' not in report

    settled(page)
    with page.expect_download() as download:
        page.locator(".st-key-download_month_csv button").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == hotline and {row["channel"] for row in rows} == {"hotline"}
    assert not [name for name in rows[0] if name.startswith("customer")]
    page.screenshot(path=tmp_path / "overview-filtered.png", full_page=True)
