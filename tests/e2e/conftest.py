"""The app served by `streamlit run` on a free port, and the system Chromium driving it."""

from __future__ import annotations

import os
import re
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from feedback_analytics.config import get_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(process: subprocess.Popen[bytes], url: str, output: list[bytes]) -> None:
    """Read the server's output until it says it serves `url`; fail with that output if not."""
    assert process.stdout is not None
    stream = process.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while (left := deadline - time.monotonic()) > 0 and selector.select(timeout=left):
            chunk = os.read(stream, 65536)
            if not chunk:  # the server exited
                break
            output.append(chunk)
            if url.encode() in b"".join(output):
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
                    assert answer.status == 200
                return
    finally:
        selector.close()
    pytest.fail(f"streamlit run did not serve {url}:\n{b''.join(output).decode(errors='replace')}")


@contextmanager
def serving_app(log: Path) -> Iterator[str]:
    """Serve `streamlit run app.py` on a free port, on the store FEEDBACK_DB_URL names; yield
    its URL, and write what it printed to `log` once it has stopped."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output: list[bytes] = []
    try:
        _wait_until_serving(process, url, output)
        # Keep reading, so that a full pipe never blocks the server.
        assert process.stdout is not None
        threading.Thread(
            target=output.extend, args=(iter(process.stdout.readline, b""),), daemon=True
        ).start()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.write_bytes(b"".join(output))


@pytest.fixture
def served_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Start `streamlit run app.py` on a SQLite file of this test; yield the app's URL.

    FEEDBACK_DB_URL stays set for the test, so what it runs itself uses the same store.
    """
    monkeypatch.setenv("FEEDBACK_DB_URL", f"sqlite:///{tmp_path / 'served.db'}")
    get_settings.cache_clear()
    with serving_app(tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """The system Chromium (browsers cannot be downloaded here)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install the chromium package"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true requires it)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    """A fresh English page, large enough for the wide layout."""
    context = chromium.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def sign_in(page: Page, role: str) -> None:
    """Sign in through the sign-in form as `<role>@example.test` (made in the served store)."""
    from tests.app.app_support import PASSWORD, account

    email = account(role).email
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The address is escaped for markdown: a word joiner after its "@" keeps it from autolinking.
    signed_in = re.compile("Signed in as " + re.escape(email).replace("@", "@\u2060?"))
    expect(page.get_by_test_id("stSidebar").get_by_text(signed_in)).to_be_visible(timeout=60_000)
