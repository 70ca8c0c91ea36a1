"""Pages speed: every page of the app cold and warm (AppTest), peak memory, and the browser's
time to the first chart, on SQLite and on PostgreSQL.

    flock /tmp/bench.lock .venv/bin/python benchmarks/pages_speed.py \
        --records 100000 1000000 --databases sqlite postgresql [--runs 1] \
        [--pages monthly intake ...] [--no-browser] [--profile monthly ...] [--drop]

reproduces the README's Performance tables. For each size N and database it uses

  sqlite      benchmarks/results/pages-N.db: a copy of report-N.db (which report_speed.py
              builds from canonical-N.csv, built here with its helpers when missing), so the
              other benchmarks' store is never written;
  postgresql  the database bench_pages_N on 127.0.0.1:5432, canonical-N.csv imported into it
              with `python -m feedback_analytics import` (kept for reruns; --drop drops it at
              the end);

and gives each store, once, what a store in use has: a model trained as `make run` trains
its first one (service.train_model, max_records=1,500 of the labels), activated, the newest
2,000 unlabelled records categorised with it (so the review queue, the classifier and
categories pages have their data; all 140,000 of 1M would take hours), and one account per
role. The page's facts snapshot is built once
per store in benchmarks/results/pages-cache-DB-N/ (FactsSnapshot(engine, dir).load()), the
state in which every import leaves it: the cold renders are those of a current snapshot.

Each page of feedback_analytics.ui.navigation.PAGES is then measured in a FRESH subprocess
(empty Streamlit caches, as a freshly started server): AppTest.from_file("app.py"), signed in
(session_state["viewer"], as tests/app do) with a role that may open the page (ROLES below:
the role that uses the page most, the masked ones where they may), then

  app      the first at.run() (the home page: Python imports, engine, sign-in check);
  cold     at.switch_page(the page) and at.run() (for the home page: the first run);
  warm     at.run() again, nothing changed;
  widget   one typical widget change where the page has one (WIDGETS below), at.run().

The record page opens ?id= a record in the middle of the store; the survey page searches a
resolved record's external id; the import page gets a 1,000-row canonical file (preview and
check against the store, not imported). A run whose 5-minute as_of step turned (the pages'
figures are as of now floored to 5 minutes; the next run recomputes) is flagged. Each
subprocess reports its peak RSS (VmHWM) and its largest child's (an import check's reader).
One more subprocess ("all pages") opens every page in turn in one process, as one server
does: its VmHWM is the app's peak with every page's caches filled.

Unless --no-browser, for each database at the largest size a real `streamlit run app.py`
(headless, no file watcher, a free port, the same store and snapshot) is opened in headless
Chromium (playwright, /usr/bin/chromium) at /monthly: the time to the sign-in form, the
sign-in through the form as the benchmark's manager, and the time from the click on
"Sign in" to the Overview's first drawn chart (`.js-plotly-plot .main-svg`) and to the end
of the script's run; the server's VmHWM (and its children's) is read before it stops.

With --profile PAGE..., the cold render of those pages (url paths; "" is home) runs once
more under cProfile (the script thread) and the top functions are printed; the .pstats go to
benchmarks/results/. Results: a table per database and size on stdout,
benchmarks/results/pages_speed-DB-N.json. Time them under `flock /tmp/bench.lock`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from import_speed import PG_ADMIN, RESULTS, ROOT, make_file
from overview_speed import (
    _children,
    _free_port,
    _Profiles,
    _seconds_left,
    _status_kib,
    _step_of,
    _wait_healthy,
    benchmark_viewer,
    build_snapshot,
    code_state,
    sign_in_account,
    stop_server,
)
from report_speed import import_csv, store_for

APPTEST_TIMEOUT_S = 600
BROWSER_TIMEOUT_MS = 180_000
STEP = "5min"  # feedback_analytics.ui.data.AS_OF_STEP
STEP_MARGIN_S = 45  # a page's runs start at least this long before an as_of step ends
TRAINING_RECORDS = 1_500  # as `make run`'s first model
UPLOAD_RECORDS = 1_000
CLASSIFIED_RECORDS = 2_000  # the newest unlabelled records the model categorises
# The role each page is measured with: one that may open it (access.PAGE_ROLES), the one
# that uses it most, masked where it may be (masking costs).
ROLES = {
    "": "manager",
    "monthly": "manager",
    "intake": "manager",
    "sla": "manager",
    "satisfaction": "manager",
    "sla-settings": "manager",
    "survey": "staff",
    "new": "staff",
    "categories": "quality",
    "review": "quality",
    "classifier": "quality",
    "import": "staff",
    "record": "manager",
    "users": "admin",
    "audit": "admin",
}
# One typical widget change per page (a description, and what it does to the AppTest).
WIDGETS: dict[str, tuple[str, Callable[[Any, dict[str, Any]], Any]]] = {
    "monthly": ("channel = email", lambda at, _: at.multiselect(key="channel").select("email")),
    "intake": ("split by channel", lambda at, _: at.selectbox(key="intake_by").select("channel")),
    "sla": ("12 months", lambda at, _: at.select_slider(key="processing_months").set_value(12)),
    "satisfaction": (
        "comment search 'slow'",
        lambda at, _: at.text_input(key="comment_search").input("slow"),
    ),
    "categories": ("24 months", lambda at, _: at.select_slider(key="months").set_value(24)),
    "review": (
        "the second record",
        lambda at, _: at.selectbox(key="review_record").select_index(1),
    ),
    "import": ("upload a 1,000-row CSV", lambda at, c: _upload(at, c["upload"])),
    "survey": (
        "search a resolved record's id",
        lambda at, c: at.text_input(key="survey_query").input(c["survey_query"]),
    ),
    "new": (
        "type the current feature (category suggestion)",
        lambda at, _: at.text_area(key="new_current_feature").input(
            "VPN client disconnects every few minutes after the last update"
        ),
    ),
    "record": (
        "another record id",
        lambda at, c: at.number_input(key="record_id").set_value(c["other_id"]),
    ),
    "audit": (
        "action filter",
        lambda at, c: at.multiselect(key="audit_actions").select(c["action"]),
    ),
}


def _upload(at: Any, path: str) -> Any:
    content = Path(path).read_bytes()
    return at.file_uploader(key="import_file").set_value((Path(path).name, content, "text/csv"))


# --- inside the subprocess ------------------------------------------------------------------


def _cpu_seconds() -> float:
    usages = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(usage.ru_utime + usage.ru_stime for usage in usages)


def _viewer(role: str) -> Any:
    """Return the benchmark's account of `role` (made in the store on first use) as a viewer."""
    return benchmark_viewer(f"pages-{role}@example.test", role, f"Benchmark {role}")


def _fill_page(at: Any, url_path: str, context: dict[str, Any]) -> None:
    if url_path == "record":
        at.query_params["id"] = str(context["record_id"])


def child(url_path: str, out: Path, context: dict[str, Any], profile: Path | None) -> None:
    """Time one page in this fresh process (app, cold, warm, widget); write JSON to `out`."""
    from streamlit.testing.v1 import AppTest

    from feedback_analytics.ui.navigation import PAGES

    spec = next(spec for spec in PAGES if spec.url_path == url_path)
    record: dict[str, Any] = {"page": url_path, "role": ROLES[url_path], "steps": {}}
    record["load_before"] = os.getloadavg()[0]
    profiles = _Profiles(profile)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT_S)
    at.session_state["viewer"] = _viewer(ROLES[url_path])
    _fill_page(at, url_path, context)

    def step(name: str, action: Callable[[], Any]) -> None:
        as_of = _step_of(STEP)
        wall, cpu = time.perf_counter(), _cpu_seconds()
        with profiles.step(name) if name != "app" else contextlib.nullcontext():
            action()
        wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
        exceptions = [str(getattr(e, "value", e))[:500] for e in at.exception]
        errors = [str(e.value)[:300] for e in at.error]
        record["steps"][name] = {
            "wall_s": wall,
            "cpu_s": cpu,
            "crossed_step": _step_of(STEP) != as_of,
            "exceptions": exceptions,
            "errors": errors,
            "title": str(at.title[0].value) if len(at.title) else None,
        }

    if _seconds_left(STEP) < STEP_MARGIN_S:
        time.sleep(_seconds_left(STEP) + 0.5)
    if url_path:
        step("app", at.run)
        at.switch_page(spec.path)
        _fill_page(at, url_path, context)
    step("cold", at.run)
    step("warm", at.run)
    if url_path in WIDGETS:
        record["widget"] = WIDGETS[url_path][0]
        step("widget", lambda: WIDGETS[url_path][1](at, context).run())
    record["vmhwm_mib"] = (_status_kib("self", "VmHWM") or 0) / 1024
    record["children_maxrss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    record["profiles"] = profiles.top
    out.write_text(json.dumps(record, indent=2))


def child_all(out: Path, context: dict[str, Any]) -> None:
    """Open every page in turn in this one process (as one server does); write its peak."""
    from streamlit.testing.v1 import AppTest

    from feedback_analytics.ui.navigation import PAGES

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT_S)
    walls: dict[str, float] = {}
    exceptions: list[str] = []
    for spec in PAGES:
        at.session_state["viewer"] = _viewer(ROLES[spec.url_path])
        at.switch_page(spec.path)
        _fill_page(at, spec.url_path, context)
        started = time.perf_counter()
        at.run()
        walls[spec.url_path] = time.perf_counter() - started
        exceptions += [
            f"{spec.url_path}: {str(getattr(e, 'value', e))[:300]}" for e in at.exception
        ]
    record = {
        "walls_s": walls,
        "exceptions": exceptions,
        "vmhwm_mib": (_status_kib("self", "VmHWM") or 0) / 1024,
        "children_maxrss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    out.write_text(json.dumps(record, indent=2))


# --- preparing the stores, in the parent ----------------------------------------------------


def sqlite_store(records: int) -> str:
    """Return the URL of pages-N.db, a copy of report-N.db (made when missing or outdated)."""
    source = store_for(records, make_file(records))
    key = source.with_name(source.name + ".key").read_text().split()[0]
    db = RESULTS / f"pages-{records}.db"
    key_file = db.with_name(db.name + ".key")
    if not (db.exists() and key_file.exists() and key_file.read_text().split()[0] == key):
        for old in (db, key_file, *(db.with_name(db.name + s) for s in ("-wal", "-shm"))):
            old.unlink(missing_ok=True)
        shutil.copyfile(source, db)
        if source.with_name(source.name + "-wal").exists():
            shutil.copyfile(source.with_name(source.name + "-wal"), db.with_name(db.name + "-wal"))
        key_file.write_text(f"{key} copied from {source.name}\n")
    return f"sqlite:///{db.resolve()}"


def postgres_store(records: int) -> str:
    """Return the URL of bench_pages_N, canonical-N.csv imported into it (once)."""
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"bench_pages_{records}"
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
    admin.dispose()
    if exists:
        engine = sa.create_engine(url)
        with contextlib.suppress(sa.exc.SQLAlchemyError), engine.connect() as connection:
            count = connection.execute(sa.text("SELECT count(*) FROM feedback")).scalar()
            if count == records:
                engine.dispose()
                return url
        engine.dispose()
        drop_postgres(records)
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    path = make_file(records)
    print(f"  importing {path.name} into {name} ...", file=sys.stderr, flush=True)
    import_csv(path, url, records)
    return url


def drop_postgres(records: int) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "bench_pages_{records}" WITH (FORCE)'))
    admin.dispose()


def _prepare(url: str, upload: Path) -> dict[str, Any]:
    """In a fresh process: a model like make run's first one (once), the unlabelled records
    categorised, the accounts; return the ids and values the pages are opened with."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from feedback_analytics import audit
    from feedback_analytics.classify import registry, service
    from feedback_analytics.config import get_settings
    from feedback_analytics.db import Feedback, ensure_schema, make_engine

    engine = make_engine(url)
    ensure_schema(engine)
    figures: dict[str, Any] = {}
    with Session(engine) as session:
        model = registry.load_active_model(session)
    if model is None:
        started = time.perf_counter()
        trained = service.train_model(
            engine, created_by="benchmark", activate=True, max_records=TRAINING_RECORDS
        )
        figures["trained"] = {
            "version": trained.version,
            "seconds": round(time.perf_counter() - started, 1),
        }
    with Session(engine) as session:
        predicted = session.scalar(
            select(func.count()).select_from(Feedback).where(Feedback.predicted_by.is_not(None))
        )
        # The newest unlabelled records: categorising all of them takes hours at 1M.
        newest = session.scalars(
            select(Feedback.id)
            .where(Feedback.category_source.is_distinct_from("human"), Feedback.category.is_(None))
            .order_by(Feedback.id.desc())
            .limit(CLASSIFIED_RECORDS)
        ).all()
    if not predicted:
        started = time.perf_counter()
        classified = service.classify_store(
            engine, threshold=get_settings().review_threshold, ids=list(newest)
        )
        figures["classified"] = {
            "classified": classified.classified,
            "to_review": classified.to_review,
            "seconds": round(time.perf_counter() - started, 1),
        }
    for role in ROLES.values():
        _viewer(role)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Feedback)) or 0
        middle = session.scalar(
            select(Feedback.id).order_by(Feedback.id).offset(count // 2).limit(1)
        )
        other = session.scalar(
            select(Feedback.id).order_by(Feedback.id).offset(count // 2 + 1).limit(1)
        )
        resolved = session.scalar(
            select(Feedback.external_id)
            .where(Feedback.resolved_at.is_not(None))
            .order_by(Feedback.id)
            .offset(count // 3)
            .limit(1)
        )
    engine.dispose()
    figures.update(
        records=count,
        record_id=middle,
        other_id=other,
        survey_query=resolved,
        action=audit.ACTIONS[0],
        upload=str(upload),
    )
    return figures


def prepare(url: str, upload: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--prepare", url, str(upload)]
    env = {**os.environ, "FEEDBACK_DB_URL": url}
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"preparing {url} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def upload_file() -> Path:
    """Return benchmarks/results/upload-1000.csv: new demo records (ids "UP-..."), once."""
    path = RESULTS / f"upload-{UPLOAD_RECORDS}.csv"
    if not path.exists():
        from feedback_analytics.demo import generate_demo

        frame = generate_demo(UPLOAD_RECORDS, seed=5, end=date(2026, 10, 31))
        frame["external_id"] = "UP-" + frame["external_id"]
        frame.to_csv(path, index=False)
    return path


# --- running, in the parent ---------------------------------------------------------------


def run_child(env: dict[str, str], arguments: list[str], context: dict[str, Any]) -> dict[str, Any]:
    """Run one fresh subprocess of this file with `arguments`; return what it wrote."""
    with tempfile.NamedTemporaryFile(dir=RESULTS, suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, __file__, *arguments, "--out", str(out)]
    command += ["--context", json.dumps(context)]
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        if completed.returncode != 0:
            sys.exit(f"{arguments} failed ({completed.returncode}):\n{completed.stderr[-4000:]}")
        result = json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)
    result["process_s"] = time.perf_counter() - started
    return result


def measure_browser(env: dict[str, str], url: str, name: str) -> dict[str, Any]:
    """Serve the app, sign in through the form in Chromium, time /monthly's first chart."""
    from playwright.sync_api import sync_playwright

    email, password = sign_in_account(url, "pages-manager@example.test", "manager")
    port = _free_port()
    command = [str(Path(sys.executable).with_name("streamlit")), "run", "app.py"]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    log_path = RESULTS / f"pages-server-{name}.log"
    result: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    idle = "[data-test-script-state='notRunning']"
    try:
        _wait_healthy(port, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(BROWSER_TIMEOUT_MS)
            try:
                started = time.perf_counter()
                page.goto(f"http://localhost:{port}/monthly")
                page.get_by_role("textbox", name="Email").wait_for()
                result["sign_in_form_s"] = time.perf_counter() - started
                page.get_by_role("textbox", name="Email").fill(email)
                page.get_by_role("textbox", name="Password").fill(password)
                started = time.perf_counter()
                page.get_by_role("button", name="Sign in").click()
                page.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible")
                result["first_chart_s"] = time.perf_counter() - started
                page.locator(idle).wait_for(state="attached")
                result["script_done_s"] = time.perf_counter() - started
                result["charts"] = page.locator(".js-plotly-plot").count()
                result["url"] = page.url
                page.screenshot(path=str(RESULTS / f"pages-browser-{name}.png"))
            except Exception as exc:  # noqa: BLE001 - reported; the memory is read all the same
                result["error"] = str(exc).splitlines()[0]
                result["text"] = page.locator("body").inner_text()[:800]
                page.screenshot(path=str(RESULTS / f"pages-browser-{name}.png"))
            browser.close()
        result["server_vmhwm_mib"] = (_status_kib(server.pid, "VmHWM") or 0) / 1024
        children = [_status_kib(pid, "VmHWM") or 0 for pid in _children(server.pid)]
        result["children_vmhwm_mib"] = max(children, default=0) / 1024
    finally:
        stop_server(server)
    if "Traceback" in log_path.read_text(errors="replace"):
        result["server_log_tail"] = log_path.read_text(errors="replace")[-2000:]
    return result


def _flags(step: dict[str, Any]) -> str:
    flags = []
    if step["crossed_step"]:
        flags.append("as_of step turned")
    if step["exceptions"]:
        flags.append("EXCEPTION")
    return f" ({', '.join(flags)})" if flags else ""


def print_summary(summary: dict[str, Any]) -> None:
    print(
        f"\n### {summary['database']}, {summary['records']:,} records "
        f"(code {summary['code']['head']}"
        + (f" + {len(summary['code']['changed'])} changed" if summary["code"]["changed"] else "")
        + (", CHANGED DURING THE RUN" if summary["code_changed_during"] else "")
        + ")\n"
    )
    print("| page | role | cold s | warm s | widget change | widget s | peak RSS MiB |")
    print("|---|---|---:|---:|---|---:|---:|")
    for row in summary["pages"]:
        widget = f"{row['widget_s']:.2f}" if row["widget_s"] is not None else ""
        print(
            f"| {row['page']} | {row['role']} | {row['cold_s']:.2f} | {row['warm_s']:.2f} | "
            f"{row['widget'] or ''} | {widget} | {row['peak_mib']:.0f} |{row['flags']}"
        )
    every = summary["all_pages"]
    print(
        f"\nall pages in one process: peak RSS {every['vmhwm_mib']:.0f} MiB "
        f"(largest child {every['children_maxrss_mib']:.0f} MiB); "
        f"exceptions: {every['exceptions'] or 'none'}"
    )
    browser = summary.get("browser")
    if browser:
        figures = ", ".join(
            f"{key} {browser[key]:.2f}"
            for key in ("sign_in_form_s", "first_chart_s", "script_done_s")
            if key in browser
        )
        print(
            f"browser (/monthly, Chromium): {figures}; server peak RSS "
            f"{browser['server_vmhwm_mib']:.0f} MiB"
            + (f"; ERROR {browser['error']}" if "error" in browser else "")
        )


def page_label(url_path: str) -> str:
    return f"/{url_path}" if url_path else "home /"


def measure(database: str, records: int, args: argparse.Namespace, upload: Path) -> dict[str, Any]:
    url = sqlite_store(records) if database == "sqlite" else postgres_store(records)
    context = prepare(url, upload)
    print(f"{database} {records:,}: prepared {json.dumps(context)}", file=sys.stderr, flush=True)
    cache = RESULTS / f"pages-cache-{database}-{records}"
    snapshot = build_snapshot(url, cache)
    env = {
        **os.environ,
        "FEEDBACK_DB_URL": url,
        "FEEDBACK_CACHE_DIR": str(cache),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "0",
    }
    from feedback_analytics.ui.navigation import PAGES

    paths = [spec.url_path for spec in PAGES if args.pages is None or spec.url_path in args.pages]
    code = code_state()
    runs: dict[str, list[dict[str, Any]]] = {path: [] for path in paths}
    for number in range(1, args.runs + 1):
        for path in paths:
            result = run_child(env, ["--child", path], context)
            runs[path].append(result)
            steps = ", ".join(
                f"{name} {step['wall_s']:.2f} s{_flags(step)}"
                for name, step in result["steps"].items()
            )
            print(
                f"  {database} {records:,} run {number} {page_label(path)} ({result['role']}, "
                f"load {result['load_before']:.1f}): {steps}; VmHWM {result['vmhwm_mib']:.0f} "
                f"MiB, child {result['children_maxrss_mib']:.0f} MiB",
                file=sys.stderr,
                flush=True,
            )
            for step in result["steps"].values():
                for text in step["exceptions"]:
                    print(f"    EXCEPTION: {text}", file=sys.stderr)
    every = run_child(env, ["--child-all"], context)
    print(f"  all pages: {json.dumps(every)}", file=sys.stderr, flush=True)
    rows = []
    for path, made in runs.items():

        def best(step: str, made: list[dict[str, Any]] = made) -> float | None:
            values = [r["steps"][step]["wall_s"] for r in made if step in r["steps"]]
            return min(values) if values else None

        flags = {
            flag
            for r in made
            for step in r["steps"].values()
            for flag in (["as_of step turned"] if step["crossed_step"] else [])
            + (["exception"] if step["exceptions"] else [])
        }
        rows.append(
            {
                "page": page_label(path),
                "role": made[0]["role"],
                "cold_s": best("cold"),
                "warm_s": best("warm"),
                "widget": made[0].get("widget"),
                "widget_s": best("widget"),
                "app_first_run_s": best("app"),
                "peak_mib": max(r["vmhwm_mib"] for r in made),
                "child_peak_mib": max(r["children_maxrss_mib"] for r in made),
                "flags": f" {', '.join(sorted(flags))}" if flags else "",
                "titles": sorted({str(r["steps"]["cold"]["title"]) for r in made}),
            }
        )
    summary: dict[str, Any] = {
        "database": database,
        "records": records,
        "snapshot": snapshot,
        "prepared": context,
        "code": code,
        "pages": rows,
        "all_pages": every,
        "runs": {
            path: [{k: v for k, v in r.items() if k != "profiles"} for r in made]
            for path, made in runs.items()
        },
    }
    if args.browser and records == max(args.records):
        summary["browser"] = measure_browser(env, url, f"{database}-{records}")
        print(f"  browser: {json.dumps(summary['browser'])}", file=sys.stderr, flush=True)
    for path in args.profile or ():
        prefix = RESULTS / f"pages_profile-{database}-{records}-{path or 'home'}"
        result = run_child(env, ["--child", path, "--profile-prefix", str(prefix)], context)
        for key, text in result["profiles"].items():
            if key.endswith("/script"):
                print(f"\n--- profile {database} {records:,} {page_label(path)} {key} ---\n{text}")
    summary["code_changed_during"] = code_state()["digest"] != code["digest"]
    out = RESULTS / f"pages_speed-{database}-{records}.json"
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per page (best)")
    parser.add_argument("--pages", nargs="+", help="url paths of the pages ('' is home)")
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--profile", nargs="+", help="profile the cold render of these pages")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL databases after")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-all", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--context", help=argparse.SUPPRESS)
    parser.add_argument("--profile-prefix", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(_prepare(args.prepare[0], Path(args.prepare[1]))))
        return
    if args.child is not None:
        child(args.child, args.out, json.loads(args.context), args.profile_prefix)
        return
    if args.child_all:
        child_all(args.out, json.loads(args.context))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    upload = upload_file()
    summaries = [
        measure(database, records, args, upload)
        for records in args.records
        for database in args.databases
    ]
    for summary in summaries:
        print_summary(summary)
    if args.drop and "postgresql" in args.databases:
        for records in args.records:
            drop_postgres(records)


if __name__ == "__main__":
    main()
