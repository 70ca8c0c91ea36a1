"""A new user's first run: from a clean clone, `make run` to the first chart in a browser.

    python3 benchmarks/first_run.py                  # clones this repository into a temp dir
    python3 benchmarks/first_run.py --source URL_OR_PATH --keep

Clones the repository, runs `make run` in the clone (which creates `.venv`, installs the
packages, creates the SQLite database, seeds the demo records and starts Streamlit), and
as soon as the app answers drives Debian's Chromium through what a new user does: create
the first administrator on the screen an empty user table shows, open the Overview, and
wait for its first chart. Prints when each step ended, counted from the start of
`make run`. The browser steps run in the clone's own `.venv` (Playwright is installed
there by `make run`'s setup).

The orchestration uses only the standard library, so this runs before any `.venv` exists.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ADMIN_EMAIL = "admin@example.test"
ADMIN_PASSWORD = "first-run-benchmark-pass"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def drive_browser(url: str) -> dict[str, float]:
    """Create the first administrator, open the Overview, wait for its first chart.

    Runs inside the clone's `.venv`; returns the seconds each step took.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=120_000)
    steps: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(locale="en-US", viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        started = time.monotonic()
        page.goto(url)
        expect(page.get_by_role("heading", name="Create the first administrator")).to_be_visible()
        steps["first screen"] = time.monotonic() - started
        page.get_by_role("textbox", name="Email").fill(ADMIN_EMAIL)
        page.get_by_role("textbox", name="Name").fill("First Run")
        page.get_by_role("textbox", name="Password", exact=True).fill(ADMIN_PASSWORD)
        page.get_by_role("textbox", name="Password again").fill(ADMIN_PASSWORD)
        started = time.monotonic()
        page.get_by_role("button", name="Create and sign in").click()
        expect(
            page.get_by_test_id("stSidebar").get_by_text(f"Signed in as {ADMIN_EMAIL}")
        ).to_be_visible()
        steps["signed in"] = time.monotonic() - started
        started = time.monotonic()
        page.get_by_test_id("stSidebar").get_by_role("link", name="Overview").click()
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        steps["overview chart"] = time.monotonic() - started
        browser.close()
    return steps


def first_run(source: str, keep: bool, pip_cache: bool) -> dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix="first-run-"))
    clone = workdir / "feedback-analytics"
    result: dict[str, object] = {"source": source, "clone": str(clone)}
    began = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", source, str(clone)], check=True)
    result["clone seconds"] = round(time.monotonic() - began, 1)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "STREAMLIT_SERVER_PORT": str(port),
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
    }
    if not pip_cache:
        env["PIP_NO_CACHE_DIR"] = "1"  # as on a fresh machine: every package is downloaded
    env.pop("FEEDBACK_DB_URL", None)  # the embedded default, as for a new user
    marks: dict[str, float] = {}
    log: list[str] = []
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def follow() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            now = time.monotonic() - started
            log.append(f"{now:6.1f}s  {line}")
            if "seed-demo" in line and "installed" not in marks:
                marks["installed"] = now
            if "Demo data" in line or "demo records" in line.lower():
                marks.setdefault("seeded", now)

    threading.Thread(target=follow, daemon=True).start()
    try:
        while not _serving(url):
            if process.poll() is not None:
                raise SystemExit("make run stopped:\n" + "".join(log))
            if time.monotonic() - started > 900:
                raise SystemExit("make run did not serve within 15 minutes:\n" + "".join(log))
            time.sleep(0.2)
        marks["serving"] = time.monotonic() - started
        python = clone / ".venv" / "bin" / "python"
        answer = subprocess.run(
            [str(python), str(Path(__file__).resolve()), "--browser", url],
            capture_output=True,
            text=True,
        )
        if answer.returncode != 0:
            raise SystemExit(f"the browser steps failed:\n{answer.stderr}")
        steps = json.loads(answer.stdout.strip().splitlines()[-1])
        marks["first chart"] = time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    result["seconds from make run"] = {name: round(value, 1) for name, value in marks.items()}
    result["browser steps"] = {name: round(value, 1) for name, value in steps.items()}
    result["make run output"] = [
        line.rstrip() for line in log if line[9:].strip() and "is ignored" not in line
    ][-30:]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", default=str(ROOT), help="what to clone (default: this repository)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the clone")
    parser.add_argument(
        "--pip-cache", action="store_true", help="let pip use its cache (default: download all)"
    )
    parser.add_argument("--browser", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.browser:
        print(json.dumps(drive_browser(args.browser)))
        return
    print(
        json.dumps(first_run(args.source, args.keep, args.pip_cache), indent=2, ensure_ascii=False)
    )


if __name__ == "__main__":
    sys.exit(main())
