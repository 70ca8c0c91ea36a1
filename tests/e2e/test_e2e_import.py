"""A person imports a file in a real browser and sees the new total on Home."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from feedback_analytics.ui.navigation import PAGES
from tests.e2e.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]

HEADER = "external_id,channel,received_at,current_feature,proposal\n"
UPLOAD = (
    HEADER + "E-1,email,2026-10-01 09:00,Router reboots,Auto update\n"
    "E-2,web_form,01/10/2026 10:30,Mesh Wi-Fi,\n"
    "E-3,hotline,2026-10-02,Bảo mật,Thêm xác thực hai lớp\n"
    "E-4,fax,2026-10-02,Router,\n"
)


def records_shown(page: Page) -> Locator:
    """Return the value of the Home page's record count."""
    metric = page.get_by_test_id("stMetric").filter(has_text="Feedback records")
    return metric.get_by_test_id("stMetricValue")


def open_page(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=name).click()


def seed_like_make_run(records: int) -> None:
    """Fill the store as `make run` does: demo data and a first model, by the command line."""
    subprocess.run(
        [sys.executable, "-m", "feedback_analytics", "seed-demo", "--records", str(records)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def wait_for_home(page: Page) -> None:
    """Wait until Home has drawn down to its last element, the links to every page."""
    expect(page.get_by_test_id("stMain").get_by_test_id("stPageLink")).to_have_count(len(PAGES))


@pytest.mark.e2e
def test_import_in_the_browser_raises_the_home_count(
    browser_page: Page, served_app: str, tmp_path: Path
) -> None:
    seed_like_make_run(200)
    page = browser_page

    page.goto(served_app)
    sign_in(page, "admin")
    expect(records_shown(page)).to_have_text("200", timeout=60_000)
    wait_for_home(page)
    page.screenshot(path=tmp_path / "home-before.png", full_page=True)

    open_page(page, "Import")
    expect(page.get_by_role("heading", name="Import feedback")).to_be_visible()
    upload = tmp_path / "october.csv"
    upload.write_text(UPLOAD, encoding="utf-8")
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files(upload)
    would_insert = page.get_by_test_id("stMetric").filter(has_text="Would insert")
    expect(would_insert.get_by_test_id("stMetricValue")).to_have_text("3")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)  # preview, rejected rows
    page.screenshot(path=tmp_path / "import-checked.png", full_page=True)
    with page.expect_download() as download:
        page.locator(".st-key-import_rejections_check").get_by_role("button").click()
    rejected = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0].endswith(",row,rejection_reason")
    assert [line.split(",")[0] for line in rejected[1:]] == ["E-4"]

    page.locator(".st-key-import_run button").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Import finished.")).to_be_visible(
        timeout=60_000
    )
    inserted = page.get_by_test_id("stMetric").filter(has_text="Inserted")
    expect(inserted.get_by_test_id("stMetricValue")).to_have_text("3")
    expect(page.locator(".st-key-import_run")).to_have_count(0)  # the run has finished
    page.screenshot(path=tmp_path / "import-done.png", full_page=True)

    open_page(page, "Home")
    expect(records_shown(page)).to_have_text("203")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()  # the last imports
    wait_for_home(page)
    page.screenshot(path=tmp_path / "home-after.png", full_page=True)

    page.get_by_test_id("stSidebar").get_by_text("Tiếng Việt").click()
    expect(page.get_by_role("heading", name="Phân tích phản hồi khách hàng")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]lang=vi"))
    wait_for_home(page)
    page.screenshot(path=tmp_path / "home-vi.png", full_page=True)
