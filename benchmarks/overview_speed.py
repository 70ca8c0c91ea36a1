"""Overview speed: the Overview page's cold render, its reruns, and the app's peak memory.

    .venv/bin/python benchmarks/overview_speed.py --records 100000 1000000 [--runs 3] \
        [--no-new-step] [--no-stale] [--scenarios bulk after_10k shared] [--no-baseline] \
        [--no-server] [--profile]

The targets (issue): with 1,000,000 records in SQLite, the Overview page renders cold in at
most 3 s, reruns after a filter change in at most 0.3 s (AppTest timing), and the app's peak
memory stays at or below 1.5 GB. For each size it takes the store
benchmarks/results/report-N.db (built by report_speed.py from canonical-N.csv; built here
with its helpers when missing), builds the page's Arrow snapshot once in
benchmarks/results/overview-cache-N/ with FactsSnapshot(engine, dir).load(), and then, each
run in a FRESH subprocess (empty Streamlit caches: a real cold start), the kinds of run
alternating so that all meet the same load:

  current   FEEDBACK_CACHE_DIR holds the current snapshot. AppTest.from_file("app.py"),
            at.run() (the home page, timed apart), at.switch_page(the page file of /monthly
            in feedback_analytics.ui.navigation.PAGES, e.g. views/monthly.py), at.run():
            the cold render. Then, in the same process, timed reruns: nothing changed;
            channel "email"; + priority "urgent"; the month before; channel cleared; and
            (unless --no-new-step) channel "email" again as the first run of a new as_of
            step. The page's figures are as of now floored to AS_OF_STEP of
            feedback_analytics.ui.data (5 minutes), so that run recomputes the record
            events; a user meets it at most once per step (5 minutes), and waiting for it
            costs up to a step per run. The run starts at least 60 s before a step's end, so
            that the cold render and the filter-change reruns all fall in one step (one
            as_of); a step that crosses a step boundary anyway is flagged.
  empty     FEEDBACK_CACHE_DIR is a fresh empty directory (no snapshot at all): the home run
            and the cold render, timed the same way.
  stale_bulk, refreshed_bulk  (unless --no-stale) the first view after an import, the case
            a user meets most: the snapshot is one import old. Each run makes a working copy
            of report-N.db (benchmarks/results/overview-work-*.db, deleted afterwards; the
            store itself is never written), builds its snapshot in a fresh cache directory
            with FactsSnapshot(engine, dir).load(), then imports a file of 10,000 new demo
            records (generate_demo(10_000, seed=99, end=2026-10-31), every external_id
            prefixed "NEW-" so that all are inserts; benchmarks/results/new-10000.csv) with
            `python -m feedback_analytics import FILE --json`, timed (its peak RSS too), with
            FEEDBACK_CACHE_DIR an empty directory of its own: since commit 820723e an import
            brings a snapshot kept in ITS cache directory up to date, so this is an import
            that does not see the dashboard's (another machine, user or working directory;
            the directory is checked to stay empty). Then a fresh subprocess renders cold
            with that (now stale) cache directory: the page refreshes the snapshot
            (FactsSnapshot.load reads again the records written since an instant minus
            facts.REFRESH_OVERLAP, and merges them in); the parent checks that the
            snapshot is current afterwards, and a second fresh subprocess renders cold
            with the refreshed snapshot. report-N.db was written by
            ONE bulk import, all its records with the same updated_at. Since commit 1aa1cf1
            the refresh reads what changed since REFRESH_OVERLAP before the snapshot was
            read (`read_at`), so here only the new 10k, the bulk import being older than
            that; before it, since the snapshot's newest change: the whole store again.
  stale_after_10k, refreshed_after_10k  the same, except that a first file of 10,000
            records (seed 98, "PREV-" ids; benchmarks/results/prev-10000.csv, its import
            timed too) is imported into the copy before its snapshot is built: the store of
            a user who imports regularly; the refresh reads what the two imports wrote
            (the previous one is within REFRESH_OVERLAP of the snapshot).
  after_shared_import  (scenario "shared") the same import into a fresh copy of the
            bulk-loaded store, but with FEEDBACK_CACHE_DIR the dashboard's cache directory
            (as when both run with the default data/cache in one working directory): the
            import refreshes the snapshot itself (its time includes that; the snapshot is
            checked to be current after it), and one fresh subprocess renders cold.
            For all, the rows the refresh reads again are counted (the parent asks the copy
            which records or surveys changed since that instant). The snapshots are built
            in fresh processes (the code on disk, as the page's), and a change of the app's
            code during a run is flagged.

Each subprocess reports wall and CPU seconds (all its threads, children included) per step,
the time the cyclic garbage collector ran in it (gc.callbacks; "N full" = generation-2
collections, whose pause grows with the number of live objects, not with the step's work),
at.exception after each run, and its peak RSS: VmHWM of /proc/self/status, and the largest
child (the SQLite reader that a missing or stale snapshot starts) from
getrusage(RUSAGE_CHILDREN).

Unless --no-server, once per size and cache state, a real `streamlit run app.py
--server.headless true --server.fileWatcherType none` (same environment; no file watcher,
so that edits made meanwhile do not hot-reload the app mid-measurement) is opened by
headless Chromium (playwright, /usr/bin/chromium) at /monthly, which signs in through the
form as the benchmark's manager (a fresh random password each time), until a
[data-testid='stMetric'] is visible and the script has finished, then a channel is chosen in
the sidebar; VmHWM of the server (and of its live children) is read from /proc/<pid>/status
before it is stopped, and every Python process the server started reports its own VmHWM at
exit (a sitecustomize on PYTHONPATH, in a temporary directory). The browser timings are for
context; the verdicts are AppTest's.

The app's commit and uncommitted changes are recorded, and a change of its code during a
size's measurement is reported (others may edit the package meanwhile).

With --profile, one more "current", "empty" and (unless --no-stale) "stale_bulk" and
"stale_after_10k" subprocess per size runs every step under cProfile (the script thread,
hooked through threading.setprofile, and the main thread that waits and parses the output
apart) and prints the top functions of the cold renders and of any rerun over target; the
.pstats files go to benchmarks/results/.

It prints every run, then a table per size (best wall time of the runs per step, the largest
peak RSS, the import times) with verdicts against 3 s / 0.3 s / 1.5 GB, and writes
benchmarks/results/overview_speed-N.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from import_speed import RESULTS, ROOT, make_file
from report_speed import store_for

COLD_TARGET_S = 3.0
RERUN_TARGET_S = 0.3
MEMORY_TARGET_MIB = 1.5 * 1024
APPTEST_TIMEOUT_S = 300
BROWSER_TIMEOUT_MS = 120_000
# A "current" run starts at least this many seconds before the end of an as_of step.
STEP_MARGIN_S = 60
# The stale scenarios: the files of new records imported into a working copy of the store.
NEW_RECORDS = 10_000
NEW_FILE = ("new", 99, "NEW-")  # (name, seed, external_id prefix): the import after the snapshot
PREVIOUS_FILE = ("prev", 98, "PREV-")  # the import before it, in the stale_after_10k scenario
NEW_END = date(2026, 10, 31)
# (mode of the first render, mode of the second render or None, a previous import before the
# snapshot, the import shares the dashboard's cache directory)
STALE_SCENARIOS = {
    "bulk": ("stale_bulk", "refreshed_bulk", False, False),
    "after_10k": ("stale_after_10k", "refreshed_after_10k", True, False),
    "shared": ("after_shared_import", None, False, True),
}
MODE_TITLES = {
    "current": "snapshot current",
    "empty": "no snapshot",
    "stale_bulk": "snapshot one import old: +10k on the bulk-loaded store",
    "refreshed_bulk": "refreshed: after +10k on the bulk-loaded store",
    "stale_after_10k": "snapshot one import old: +10k after a previous 10k import",
    "refreshed_after_10k": "refreshed: after +10k after a previous 10k import",
    "after_shared_import": "+10k on the bulk-loaded store, imported with the same cache dir",
}
SCRIPT_THREAD = "ScriptRunner.scriptThread"
OVERVIEW_URL_PATH = "monthly"
RSS_DIR_VARIABLE = "OVERVIEW_SPEED_RSS_DIR"
SITECUSTOMIZE = f"""
import atexit, os, sys

def _report_peak(directory=os.environ.get({RSS_DIR_VARIABLE!r})):
    try:
        with open("/proc/self/status") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
        with open(os.path.join(directory, f"{{os.getpid()}}.txt"), "w") as out:
            out.write(peak + " " + " ".join(sys.argv)[:300])
    except Exception:
        pass

if os.environ.get({RSS_DIR_VARIABLE!r}):
    atexit.register(_report_peak)
"""
# (step, label, target seconds); the order of the table.
COLD_STEPS = (("home", "home page, first run", None), ("overview", "overview, cold", COLD_TARGET_S))
RERUN_STEPS = (
    ("rerun_unchanged", "rerun, nothing changed", RERUN_TARGET_S),
    ("rerun_channel", "rerun, channel = email", RERUN_TARGET_S),
    ("rerun_priority", "rerun, + priority urgent", RERUN_TARGET_S),
    ("rerun_month", "rerun, month before", RERUN_TARGET_S),
    ("rerun_clear", "rerun, channel cleared", RERUN_TARGET_S),
    (
        "rerun_new_step",
        "rerun, channel = email, new 5-min as_of step (at most once per 5 min)",
        RERUN_TARGET_S,
    ),
)


# --- measuring, inside the subprocess -------------------------------------------------------


def _cpu_seconds() -> float:
    usages = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(usage.ru_utime + usage.ru_stime for usage in usages)


def _status_kib(pid: int | str, field: str) -> int | None:
    """Return a field of /proc/<pid>/status in KiB (None: the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _step_of(step: str) -> Any:
    """Return the as_of the page would use now: now in company time, floored to `step`."""
    import pandas as pd

    from feedback_analytics.config import get_settings

    return pd.Timestamp.now(tz=get_settings().tz).floor(step)


def _seconds_left(step: str) -> float:
    """Return the seconds until the next as_of step begins."""
    import pandas as pd

    ends = _step_of(step) + pd.Timedelta(step)
    return (ends - pd.Timestamp.now(tz=ends.tz)).total_seconds()


def _wait_for_step(step: str, margin: float) -> None:
    """Return when at least `margin` seconds of the current as_of step are left."""
    left = _seconds_left(step)
    if left < margin:
        time.sleep(left + 0.5)


class _Profiles:
    """cProfile of the AppTest runs: the script thread and the main thread apart."""

    def __init__(self, prefix: Path | None) -> None:
        self.prefix = prefix
        self.top: dict[str, str] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Any:
        if self.prefix is None:
            yield
            return
        import cProfile
        import threading

        script, main = cProfile.Profile(), cProfile.Profile()

        def hook(*_: Any) -> None:
            # Called once in each new thread: profile the script thread, leave the others.
            sys.setprofile(None)
            if threading.current_thread().name == SCRIPT_THREAD:
                script.enable()

        threading.setprofile(hook)
        main.enable()
        try:
            yield
        finally:
            main.disable()
            threading.setprofile(None)  # type: ignore[arg-type]
            self._save(name, "script", script)
            self._save(name, "main", main)

    def _save(self, name: str, thread: str, profile: Any) -> None:
        import io
        import pstats

        assert self.prefix is not None
        path = self.prefix.with_name(f"{self.prefix.name}-{name}-{thread}.pstats")
        try:
            stats = pstats.Stats(profile)
        except TypeError:  # nothing was recorded
            return
        stats.dump_stats(path)
        text = io.StringIO()
        stats = pstats.Stats(str(path), stream=text).sort_stats("cumulative")
        stats.print_stats(25)
        if thread == "script":  # the app's own functions, and what costs most by itself
            stats.print_stats(r"feedback_analytics|/views/|/pages/", 25)
            stats.sort_stats("tottime").print_stats(15)
        self.top[f"{name}/{thread}"] = text.getvalue()


class _Collections:
    """The time the cyclic garbage collector ran (all threads), and its full collections."""

    def __init__(self) -> None:
        import gc

        self.seconds, self.full, self._started = 0.0, 0, 0.0
        gc.callbacks.append(self._callback)

    def reset(self) -> None:
        self.seconds, self.full = 0.0, 0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        self.full += info["generation"] == 2


# The benchmark's manager: the Overview's reader, under AppTest and in the browser.
MANAGER_EMAIL = "benchmark@example.test"


def _manager() -> Any:
    """Return the benchmark's manager (made in the store on first use) as a signed-in viewer."""
    return benchmark_viewer(MANAGER_EMAIL, "manager")


def benchmark_viewer(email: str, role: str, name: str = "") -> Any:
    """Return the account `email` of `role` in FEEDBACK_DB_URL's store (made, with a random
    password, on first use) as a signed-in viewer."""
    import secrets
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from feedback_analytics import auth
    from feedback_analytics.access import Viewer
    from feedback_analytics.config import get_settings
    from feedback_analytics.db import ensure_schema, make_engine

    engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    with Session(engine) as session:
        account = auth.find_user(session, email)
        if account is None:
            account = auth.create_user(
                session,
                email=email,
                role=role,
                name=name,
                password=secrets.token_urlsafe(16),
                actor="benchmark",
                now=datetime.now(UTC),
            )
            session.commit()
    engine.dispose()
    return Viewer(account.id, account.email, account.name, account.role)


def sign_in_account(url: str, email: str, role: str) -> tuple[str, str]:
    """Give the account `email` of `role` in the store at `url` (made on first use) a fresh
    random password, in a subprocess; return the email and the password, to sign in with."""
    code = (
        "import sys; from datetime import UTC, datetime; from sqlalchemy.orm import Session;"
        "from overview_speed import benchmark_viewer; from feedback_analytics import auth;"
        "from feedback_analytics.db import make_engine;"
        "benchmark_viewer(sys.argv[1], sys.argv[2]);"
        "session = Session(make_engine(sys.argv[4])); user = auth.find_user(session, sys.argv[1]);"
        "auth.set_password(session, user.id, sys.argv[3], actor='benchmark',"
        " now=datetime.now(UTC)); session.commit()"
    )
    password = secrets.token_urlsafe(18)
    subprocess.run(
        [sys.executable, "-c", code, email, role, password, url],
        cwd=ROOT,
        env={
            **os.environ,
            "FEEDBACK_DB_URL": url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "benchmarks"), str(ROOT)])),
        },
        check=True,
        text=True,
    )
    return email, password


def child(mode: str, out: Path, profile_prefix: Path | None, new_step: bool) -> None:
    """One cold start of the app under AppTest; write its figures to `out` as JSON."""
    record: dict[str, Any] = {"mode": mode, "load_before": os.getloadavg()[0], "steps": {}}
    profiles = _Profiles(profile_prefix)
    started = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    from feedback_analytics import metrics
    from feedback_analytics.ui.data import AS_OF_STEP
    from feedback_analytics.ui.navigation import PAGES

    record["import_s"] = time.perf_counter() - started
    record["as_of_step"] = AS_OF_STEP
    # The page file of /monthly (pages/overview.py, views/monthly.py: whatever the app says).
    record["page"] = next(spec.path for spec in PAGES if spec.url_path == OVERVIEW_URL_PATH)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT_S)
    # Every page needs a signed-in person: a manager, the Overview's reader.
    at.session_state["viewer"] = _manager()

    collections = _Collections()

    def step(name: str, action: Any) -> None:
        as_of = _step_of(AS_OF_STEP)
        wall, cpu = time.perf_counter(), _cpu_seconds()
        collections.reset()
        with profiles.step(name):
            action()
        wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
        exceptions = [str(getattr(e, "value", e)) for e in at.exception]
        for text in exceptions:
            print(f"    EXCEPTION after {name}: {text[:2000]}", file=sys.stderr)
        record["steps"][name] = {
            "wall_s": wall,
            "cpu_s": cpu,
            "exceptions": exceptions,
            "crossed_step": _step_of(AS_OF_STEP) != as_of,
            "gc_s": collections.seconds,
            "gc_full": collections.full,
            "metrics": len(at.metric),
            "caption": str(at.caption[0].value) if len(at.caption) else None,
        }

    if mode == "current":
        # The whole sequence in one as_of step: the figures are as of it (see new_step).
        _wait_for_step(AS_OF_STEP, STEP_MARGIN_S)
    step("home", at.run)
    at.switch_page(record["page"])
    step("overview", at.run)
    if mode == "current":
        month = str(at.selectbox(key="month").value)
        before = metrics.shift_month(month, -1)
        record["month"], record["month_before"] = month, before
        step("rerun_unchanged", at.run)
        step("rerun_channel", lambda: at.multiselect(key="channel").select("email").run())
        step("rerun_priority", lambda: at.multiselect(key="priority").select("urgent").run())
        step("rerun_month", lambda: at.selectbox(key="month").select(before).run())
        step("rerun_clear", lambda: at.multiselect(key="channel").set_value([]).run())
        record["filters_seen"] = {
            "channel": list(at.multiselect(key="channel").value),
            "priority": list(at.multiselect(key="priority").value),
            "month": str(at.selectbox(key="month").value),
        }
        if new_step:
            time.sleep(_seconds_left(AS_OF_STEP) + 0.5)
            step("rerun_new_step", lambda: at.multiselect(key="channel").select("email").run())
    record["vmhwm_mib"] = (_status_kib("self", "VmHWM") or 0) / 1024
    record["children_maxrss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    record["profiles"] = profiles.top
    out.write_text(json.dumps(record, indent=2))


# --- driving, in the parent -----------------------------------------------------------------


CODE = ("app.py", "views", "pages", "feedback_analytics")


def code_state() -> dict[str, Any]:
    """Return the commit, the uncommitted changes and a digest of the app's code files."""

    def git(*arguments: str) -> str:
        completed = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True)
        return completed.stdout.strip()

    files = [p for name in CODE for p in [ROOT / name, *(ROOT / name).rglob("*.py")] if p.is_file()]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "changed": git("status", "--porcelain", "--", *CODE).splitlines(),
        "digest": digest.hexdigest()[:16],
    }


def store_of(records: int) -> Path:
    """Return the SQLite store of N records that report_speed.py built (building it if missing)."""
    db = RESULTS / f"report-{records}.db"
    if db.exists() and db.with_name(db.name + ".key").exists():
        return db
    return store_for(records, make_file(records))


def build_snapshot(url: str, directory: Path) -> dict[str, Any]:
    """Build (or confirm) the snapshot in a fresh process: with the code on disk now, as the
    page's processes use it (this process imported the package when it started)."""
    command = [sys.executable, __file__, "--build-snapshot", url, str(directory)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"building the snapshot failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout)


def _build_snapshot(url: str, directory: Path) -> dict[str, Any]:
    """Build (or confirm) the page's snapshot of the store in `directory`; return figures."""
    from sqlalchemy.orm import Session

    from feedback_analytics import facts
    from feedback_analytics.db import ensure_schema, make_engine

    engine = make_engine(url)
    ensure_schema(engine)
    snapshot = facts.FactsSnapshot(engine, directory)
    started = time.perf_counter()
    frame, version = snapshot.load()
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    with Session(engine) as session:
        facts.data_version(session)
    version_s = time.perf_counter() - started
    current = snapshot.load_if_current() is not None
    engine.dispose()
    if not current:
        sys.exit(f"the snapshot in {directory} is not current after load()")
    return {
        "version": version,
        "rows": len(frame),
        "snapshot_load_s": round(load_s, 3),
        "data_version_query_s": round(version_s, 3),
        "snapshot_mib": round(snapshot.path.stat().st_size / 2**20, 1),
    }


def run_child(
    env: dict[str, str], mode: str, cache_dir: Path, *, profile: Path | None, new_step: bool
) -> dict[str, Any]:
    """Run one fresh subprocess of `child`; return its figures."""
    with tempfile.NamedTemporaryFile(dir=RESULTS, suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, __file__, "--child", mode, "--out", str(out)]
    if profile is not None:
        command += ["--profile-prefix", str(profile)]
    if not new_step:
        command.append("--no-new-step")
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command,
            env={**env, "FEEDBACK_CACHE_DIR": str(cache_dir)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if completed.returncode != 0:
            sys.exit(f"the {mode} run failed ({completed.returncode}):\n{completed.stderr[-4000:]}")
        for line in completed.stderr.splitlines():
            if "EXCEPTION" in line:
                print(line, file=sys.stderr)
        result = json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)
    result["process_s"] = time.perf_counter() - started
    return result


def records_file(name: str, seed: int, prefix: str) -> Path:
    """Write (again) benchmarks/results/NAME-10000.csv: new demo records, ids prefixed."""
    from feedback_analytics.demo import generate_demo

    path = RESULTS / f"{name}-{NEW_RECORDS}.csv"
    frame = generate_demo(NEW_RECORDS, seed=seed, end=NEW_END)
    frame["external_id"] = prefix + frame["external_id"]
    frame.to_csv(path, index=False)
    return path


def import_file(url: str, path: Path, cache_dir: Path) -> dict[str, Any]:
    """Import a file into the store with the CLI in a fresh process, FEEDBACK_CACHE_DIR set
    to `cache_dir` (since commit 820723e an import brings a snapshot kept there up to date);
    return its wall time, its peak RSS (the largest process of its tree) and its result."""
    command = [sys.executable, "-m", "feedback_analytics", "import", str(path), "--json"]
    env = {**os.environ, "FEEDBACK_DB_URL": url, "FEEDBACK_CACHE_DIR": str(cache_dir)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if process.returncode != 0:
        sys.exit(f"import failed ({process.returncode}):\n{stderr[-2000:]}")
    result = json.loads(stdout)
    if result["inserted"] != NEW_RECORDS or result["rejected"] or result["updated"]:
        sys.exit(f"{path.name}: not {NEW_RECORDS} inserts: {result}")
    return {"wall_s": elapsed, "peak_mib": usage.ru_maxrss / 1024, "result": result}


def refresh_since(snapshot_path: Path) -> tuple[str, str]:
    """Return since when a refresh of the snapshot reads the store again, as text and as the
    store keeps its times: REFRESH_OVERLAP before the snapshot's `read_at` (its
    `last_change` before commit 1aa1cf1)."""
    import pandas as pd
    import pyarrow as pa

    from feedback_analytics.facts import REFRESH_OVERLAP

    with pa.memory_map(str(snapshot_path)) as source:
        metadata = pa.ipc.open_file(source).schema.metadata or {}
    basis = next(key for key in (b"read_at", b"last_change") if metadata.get(key))
    moment = pd.Timestamp(metadata[basis].decode())
    since = (moment - REFRESH_OVERLAP).tz_convert("UTC").tz_localize(None)
    return f"{basis.decode()} {moment}", since.isoformat(sep=" ", timespec="microseconds")


def refresh_rereads(db: Path, since: tuple[str, str]) -> dict[str, Any]:
    """Return how many records a refresh from `since` (refresh_since) reads again."""
    import sqlite3

    basis, bound = since
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (count,) = connection.execute(
            "SELECT count(*) FROM (SELECT id FROM feedback WHERE updated_at >= ?"
            " UNION SELECT feedback_id FROM survey_responses WHERE updated_at >= ?)",
            (bound, bound),
        ).fetchone()
        (records,) = connection.execute("SELECT count(*) FROM feedback").fetchone()
    finally:
        connection.close()
    return {"basis": basis, "reread": count, "records": records}


def snapshot_current(url: str, directory: Path) -> bool:
    """Return True when the snapshot in `directory` is of the store's current data version."""
    from feedback_analytics import facts
    from feedback_analytics.db import make_engine

    engine = make_engine(url)
    try:
        return facts.FactsSnapshot(engine, directory).load_if_current() is not None
    finally:
        engine.dispose()


def _stale_renders(
    env: dict[str, str],
    url: str,
    cache: Path,
    prep: dict[str, Any],
    scenario: str,
    *,
    profile: Path | None,
) -> list[dict[str, Any]]:
    """Render cold with the stale snapshot, then (unless profiling) with the refreshed one."""
    stale_mode, refreshed_mode, _, _ = STALE_SCENARIOS[scenario]
    prep["stale_before_render"] = not snapshot_current(url, cache)
    if not prep["stale_before_render"]:
        sys.exit("the snapshot is still current after the import: nothing to measure")
    results = []
    result = run_child(env, "stale", cache, profile=profile, new_step=False)
    result["mode"] = stale_mode
    results.append(result)
    prep["current_after_stale_render"] = snapshot_current(url, cache)
    if not prep["current_after_stale_render"]:
        print(f"  WARNING: {stale_mode}: the snapshot was not refreshed", file=sys.stderr)
    if profile is None and refreshed_mode is not None:
        result = run_child(env, "refreshed", cache, profile=None, new_step=False)
        result["mode"] = refreshed_mode
        results.append(result)
    return results


def stale_run(
    env: dict[str, str],
    db: Path,
    scenario: str,
    files: dict[str, Path],
    *,
    profile: Path | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run one stale scenario on a fresh working copy of the store (deleted afterwards).

    Return the preparation's figures (imports, snapshot, rows read again) and the figures
    of the stale cold render and (unless profiling) of the refreshed one; in the "shared"
    scenario the import itself refreshes the snapshot, and there is one cold render."""
    stale_mode, _, previous, shared = STALE_SCENARIOS[scenario]
    work = RESULTS / f"overview-work-{uuid.uuid4().hex[:8]}.db"
    cache = Path(tempfile.mkdtemp(dir=RESULTS, prefix="overview-stale-cache-"))
    # Where the other imports look for a snapshot: an empty directory of their own (an import
    # from another machine, user or working directory), so the dashboard's stays stale.
    import_cache = Path(tempfile.mkdtemp(dir=RESULTS, prefix="overview-import-cache-"))
    companions = [work.with_name(work.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
    prep: dict[str, Any] = {"scenario": scenario, "code_digest": code_state()["digest"]}
    results = []
    try:
        started = time.perf_counter()
        shutil.copyfile(db, work)
        for suffix in ("-wal",):  # a store left with a WAL holds part of its data there
            if db.with_name(db.name + suffix).exists():
                shutil.copyfile(db.with_name(db.name + suffix), work.with_name(work.name + suffix))
        prep["copy_s"] = time.perf_counter() - started
        url = f"sqlite:///{work.resolve()}"
        if previous:
            prep["previous_import"] = import_file(url, files["prev"], import_cache)
        prep["snapshot"] = build_snapshot(url, cache)
        since = refresh_since(next(cache.glob("facts-*.arrow")))
        prep["import"] = import_file(url, files["new"], cache if shared else import_cache)
        prep["refresh"] = refresh_rereads(work, since)
        if list(import_cache.iterdir()):
            sys.exit(f"an import wrote into its own empty cache directory: {import_cache}")
        run_env = {**env, "FEEDBACK_DB_URL": url}
        if shared:
            prep["current_after_import"] = snapshot_current(url, cache)
            if not prep["current_after_import"]:
                print("  WARNING: shared: the import did not refresh the snapshot", file=sys.stderr)
            result = run_child(run_env, "refreshed", cache, profile=profile, new_step=False)
            result["mode"] = stale_mode
            results.append(result)
        else:
            results += _stale_renders(run_env, url, cache, prep, scenario, profile=profile)
    finally:
        for path in (work, *companions):
            path.unlink(missing_ok=True)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(import_cache, ignore_errors=True)
    prep["code_changed_during_run"] = code_state()["digest"] != prep["code_digest"]
    if prep["code_changed_during_run"]:
        print(f"  WARNING: {scenario}: the app's code changed during this run", file=sys.stderr)
    return prep, results


def print_prep(records: int, run: int | str, prep: dict[str, Any]) -> None:
    parts = [f"copy {prep['copy_s']:.1f} s"]
    if "previous_import" in prep:
        parts.append(f"previous 10k import {prep['previous_import']['wall_s']:.2f} s")
    snapshot, refresh = prep["snapshot"], prep["refresh"]
    parts.append(f"snapshot {snapshot['rows']:,} rows built in {snapshot['snapshot_load_s']} s")
    shared = "current_after_import" in prep
    parts.append(
        f"10k import {prep['import']['wall_s']:.2f} s (peak {prep['import']['peak_mib']:.0f} MiB"
        + (", the dashboard's cache dir" if shared else ", its own empty cache dir")
        + ")"
    )
    if shared:
        parts.append(f"snapshot current after it: {prep['current_after_import']}")
    parts.append(
        f"the {'import' if shared else 'page'}'s refresh reads {refresh['reread']:,} of "
        f"{refresh['records']:,} records again "
        f"(changed since the snapshot's {refresh['basis']} - overlap)"
    )
    print(
        f"  {records:,} run {run} {prep['scenario']} prep: " + "; ".join(parts),
        file=sys.stderr,
        flush=True,
    )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop a `streamlit run` server: SIGTERM, and SIGKILL after 30 s."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child_pid in (task / "children").read_text().split():
                found += [int(child_pid), *_children(int(child_pid))]
    return found


def _wait_healthy(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped ({server.returncode}) before it was healthy")
        health = f"http://127.0.0.1:{port}/_stcore/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2):
            return
        time.sleep(0.2)
    sys.exit("the server was not healthy within 60 s")


def measure_server(env: dict[str, str], cache_dir: Path, name: str) -> dict[str, Any]:
    """Serve the app for real, open /monthly in headless Chromium; return timings and peaks."""
    port = _free_port()
    reports = Path(tempfile.mkdtemp(dir=RESULTS, prefix="rss-"))
    (reports / "sitecustomize.py").write_text(SITECUSTOMIZE)
    python_path = os.pathsep.join(filter(None, [str(reports), env.get("PYTHONPATH")]))
    command = [str(Path(sys.executable).with_name("streamlit")), "run", "app.py"]
    command += ["--server.headless", "true", "--server.port", str(port)]
    # No file watcher: others edit the package meanwhile, and a hot reload mid-measurement
    # mixes class versions (cached objects of the old module). Production runs no edits.
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    server_env = {
        **env,
        "FEEDBACK_CACHE_DIR": str(cache_dir),
        "PYTHONPATH": python_path,
        RSS_DIR_VARIABLE: str(reports),
    }
    result: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    log = (reports / "server.log").open("wb")
    server = subprocess.Popen(
        command, env=server_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_healthy(port, server)
        result["idle_server_mib"] = (_status_kib(server.pid, "VmRSS") or 0) / 1024
        account = sign_in_account(env["FEEDBACK_DB_URL"], MANAGER_EMAIL, "manager")
        _browse(port, account, result, RESULTS / f"overview-server-{name}.png")
        result["server_vmhwm_mib"] = (_status_kib(server.pid, "VmHWM") or 0) / 1024
        live = {pid: _status_kib(pid, "VmHWM") for pid in _children(server.pid)}
        result["live_children_vmhwm_mib"] = {str(p): (k or 0) / 1024 for p, k in live.items()}
    finally:
        stop_server(server)
        log.close()
        stderr = (reports / "server.log").read_text(errors="replace")
    exited = []
    for report in sorted(reports.glob("*.txt")):
        kib, _, argv = report.read_text().partition(" ")
        pid = int(report.stem)
        if pid != server.pid:
            exited.append({"pid": pid, "vmhwm_mib": int(kib) / 1024, "argv": argv})
        else:
            result["server_vmhwm_at_exit_mib"] = int(kib) / 1024
    shutil.rmtree(reports, ignore_errors=True)
    result["exited_children"] = exited
    children = [c["vmhwm_mib"] for c in exited] + list(result["live_children_vmhwm_mib"].values())
    result["children_peak_mib"] = max(children, default=0.0)
    if "Traceback" in stderr:
        result["server_stderr_tail"] = stderr[-2000:]
    return result


def _browse(port: int, account: tuple[str, str], result: dict[str, Any], screenshot: Path) -> None:
    """Open /monthly in headless Chromium, sign in as `account` (email, password), time the
    sign-in form, the first view and a filter change."""
    from playwright.sync_api import sync_playwright

    idle = "[data-test-script-state='notRunning']"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            started = time.perf_counter()
            page.goto(f"http://localhost:{port}/{OVERVIEW_URL_PATH}")
            page.get_by_role("textbox", name="Email").wait_for(timeout=BROWSER_TIMEOUT_MS)
            result["browser_sign_in_form_s"] = time.perf_counter() - started
            page.get_by_role("textbox", name="Email").fill(account[0])
            page.get_by_role("textbox", name="Password").fill(account[1])
            started = time.perf_counter()
            page.get_by_role("button", name="Sign in").click()
            # The overview's own sidebar filter first: the home page shows metrics too.
            page.locator(".st-key-channel").first.wait_for(timeout=BROWSER_TIMEOUT_MS)
            page.locator("[data-testid='stMetric']").first.wait_for(
                state="visible", timeout=BROWSER_TIMEOUT_MS
            )
            result["browser_first_metric_s"] = time.perf_counter() - started
            page.locator(idle).wait_for(state="attached", timeout=BROWSER_TIMEOUT_MS)
            result["browser_script_done_s"] = time.perf_counter() - started
            result["browser_metrics"] = page.locator("[data-testid='stMetric']").count()
            # The first session of a fresh server may not know /monthly yet: Streamlit shows
            # "Page not found" over the page (that then runs all the same); close it.
            dialog = page.locator("[role='dialog']")
            result["dialog"] = dialog.first.inner_text() if dialog.count() else None
            if result["dialog"]:
                page.keyboard.press("Escape")
        except Exception as exc:  # noqa: BLE001 - reported, and the memory is read all the same
            result["browser_error"] = str(exc).splitlines()[0]
            result["browser_text"] = page.locator("body").inner_text()[:1000]
            page.screenshot(path=str(screenshot))
            browser.close()
            return
        try:  # optional: one filter change through the sidebar
            page.locator(".st-key-channel input").first.click(timeout=10_000)
            page.keyboard.type("Email")
            started = time.perf_counter()
            page.keyboard.press("Enter")
            page.wait_for_url("**channel=*", timeout=10_000)
            page.locator("[data-testid='stCaptionContainer']").filter(
                has_text="Channel: Email"
            ).first.wait_for(state="visible", timeout=BROWSER_TIMEOUT_MS)
            page.locator(idle).wait_for(state="attached", timeout=BROWSER_TIMEOUT_MS)
            result["browser_filter_rerun_s"] = time.perf_counter() - started
            result["browser_url_after_filter"] = page.url
        except Exception as exc:  # noqa: BLE001 - the filter step is optional
            result["browser_filter_error"] = str(exc).splitlines()[0]
            page.screenshot(path=str(screenshot))
        browser.close()


# --- reporting --------------------------------------------------------------------------------


def _verdict(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return "yes" if value <= target else "NO"


def print_run(records: int, run: int | str, result: dict[str, Any]) -> None:
    parts = [f"{result['mode']:7s} import {result['import_s']:.2f}"]
    for name, step in result["steps"].items():
        flag = " (CROSSED AN AS_OF STEP)" if step["crossed_step"] else ""
        flag += " EXCEPTION" if step["exceptions"] else ""
        collected = f", GC {step['gc_s']:.2f} ({step['gc_full']} full)" if step.get("gc_s") else ""
        parts.append(f"{name} {step['wall_s']:.3f} s [CPU {step['cpu_s']:.2f}{collected}]{flag}")
    parts.append(
        f"VmHWM {result['vmhwm_mib']:.0f} MiB, child {result['children_maxrss_mib']:.0f} MiB"
    )
    print(
        f"  {records:,} run {run} (load {result['load_before']:.1f}, process "
        f"{result['process_s']:.1f} s): " + "; ".join(parts),
        file=sys.stderr,
        flush=True,
    )


def summarize(
    records: int,
    context: dict[str, Any],
    runs: dict[str, list[dict[str, Any]]],
    servers: dict[str, dict[str, Any]],
    preps: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """Return the figures of one size: every run, the best per step, the verdicts."""
    rows = []

    def walls(mode: str, step: str) -> list[float]:
        return [r["steps"][step]["wall_s"] for r in runs.get(mode, []) if step in r["steps"]]

    for mode, title in MODE_TITLES.items():
        for step, label, target in COLD_STEPS:
            values = walls(mode, step) if mode in runs else []
            if values:
                rows.append((f"{label} ({title})", values, target))
    for step, label, target in RERUN_STEPS:
        values = walls("current", step)
        if values:
            rows.append((label, values, target))
    table = [
        {
            "step": label,
            "runs_s": [round(v, 3) for v in values],
            "best_s": round(min(values), 3),
            "target_s": target,
            "within": None if target is None else min(values) <= target,
        }
        for label, values, target in rows
    ]
    memory = []
    for mode in (mode for mode in MODE_TITLES if runs.get(mode)):
        peaks = [r["vmhwm_mib"] for r in runs[mode]]
        children = [r["children_maxrss_mib"] for r in runs[mode]]
        memory.append(
            {
                "what": f"AppTest process ({mode})",
                "runs_mib": [round(v) for v in peaks],
                "peak_mib": round(max(peaks)),
                "largest_child_mib": round(max(children)),
                "within": max(peaks) + max(children) <= MEMORY_TARGET_MIB,
            }
        )
    for mode, server in servers.items():
        memory.append(
            {
                "what": f"streamlit run server ({mode})",
                "runs_mib": [round(server["server_vmhwm_mib"])],
                "peak_mib": round(server["server_vmhwm_mib"]),
                "largest_child_mib": round(server["children_peak_mib"]),
                "within": server["server_vmhwm_mib"] + server["children_peak_mib"]
                <= MEMORY_TARGET_MIB,
            }
        )
    exceptions = [
        f"{mode} run {number} {name}: {text[:200]}"
        for mode, made in runs.items()
        for number, result in enumerate(made, 1)
        for name, step in result["steps"].items()
        for text in step["exceptions"]
    ]
    imports = []
    for scenario, made in preps.items():
        for key, label in (
            ("previous_import", "previous 10k file, before the snapshot"),
            ("import", "the new 10k file, after the snapshot"),
        ):
            if key == "import" and STALE_SCENARIOS[scenario][3]:
                label += ", refreshing it (the dashboard's cache dir)"
            values = [prep[key]["wall_s"] for prep in made if key in prep]
            if values:
                imports.append(
                    {
                        "scenario": scenario,
                        "what": label,
                        "runs_s": [round(v, 3) for v in values],
                        "best_s": round(min(values), 3),
                        "peak_mib": round(max(prep[key]["peak_mib"] for prep in made)),
                    }
                )
    refreshes = {
        scenario: {
            "reread": sorted({prep["refresh"]["reread"] for prep in made}),
            "records": sorted({prep["refresh"]["records"] for prep in made}),
            "refreshed": all(
                prep.get("current_after_stale_render", prep.get("current_after_import"))
                for prep in made
            ),
            "code_changed_during_runs": [
                number for number, prep in enumerate(made, 1) if prep["code_changed_during_run"]
            ],
        }
        for scenario, made in preps.items()
    }
    return {
        "records": records,
        **context,
        "exceptions": exceptions,
        "targets": {
            "cold_s": COLD_TARGET_S,
            "rerun_s": RERUN_TARGET_S,
            "peak_mib": MEMORY_TARGET_MIB,
        },
        "table": table,
        "memory": memory,
        "imports": imports,
        "refreshes": refreshes,
        "stale_preps": preps,
        "servers": servers,
        "runs": {
            mode: [{k: v for k, v in r.items() if k != "profiles"} for r in made]
            for mode, made in runs.items()
        },
    }


def print_table(summary: dict[str, Any]) -> None:
    print(f"\n### {summary['records']:,} records ({summary['rows']:,} facts)\n")
    print("| step | runs (s) | best (s) | target (s) | within |")
    print("|---|---|---:|---:|---|")
    for row in summary["table"]:
        runs = ", ".join(f"{v:.3f}" for v in row["runs_s"])
        target = "" if row["target_s"] is None else f"{row['target_s']:g}"
        within = _verdict(row["best_s"], row["target_s"])
        print(f"| {row['step']} | {runs} | {row['best_s']:.3f} | {target} | {within} |")
    code = summary["code"]
    print(
        f"\ncode {code['head']}"
        + (f" + {len(code['changed'])} changed" if code["changed"] else "")
        + ("; CHANGED DURING THE MEASUREMENT" if summary["code_changed_during"] else "")
        + f"; exceptions: {summary['exceptions'] or 'none'}"
    )
    print("\n| peak RSS | runs (MiB) | peak (MiB) | largest child (MiB) | <= 1536 MiB |")
    print("|---|---|---:|---:|---|")
    for row in summary["memory"]:
        runs = ", ".join(str(v) for v in row["runs_mib"])
        within = "yes" if row["within"] else "NO"
        print(
            f"| {row['what']} | {runs} | {row['peak_mib']} | {row['largest_child_mib']} | "
            f"{within} |"
        )
    if summary["imports"]:
        print(
            "\n| import (python -m feedback_analytics import FILE --json) | runs (s) | best (s) "
            "| peak RSS (MiB) |"
        )
        print("|---|---|---:|---:|")
        for row in summary["imports"]:
            runs = ", ".join(f"{v:.3f}" for v in row["runs_s"])
            print(
                f"| {row['scenario']}: {row['what']} | {runs} | {row['best_s']:.3f} | "
                f"{row['peak_mib']} |"
            )
        for scenario, refresh in summary["refreshes"].items():
            who = "the import" if STALE_SCENARIOS[scenario][3] else "the stale render"
            print(
                f"\n{scenario}: {who}'s refresh read {refresh['reread']} of "
                f"{refresh['records']} records again; snapshot current afterwards: "
                f"{'yes' if refresh['refreshed'] else 'NO'}"
                + (
                    f"; CODE CHANGED DURING RUNS {refresh['code_changed_during_runs']}"
                    if refresh["code_changed_during_runs"]
                    else ""
                )
            )
    for mode, server in summary["servers"].items():
        figures = ", ".join(
            f"{key} {value:.2f}"
            for key, value in server.items()
            if key.startswith("browser_") and isinstance(value, float)
        )
        error = server.get("browser_filter_error")
        print(f"\nserver ({mode}): {figures}" + (f"; filter step failed: {error}" if error else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per kind of run")
    parser.add_argument(
        "--new-step",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time a filter change in a new as_of step as well (waits for the next 5 minutes)",
    )
    parser.add_argument(
        "--stale",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the cold renders after a 10k import into a copy of the store (snapshot stale)",
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=list(STALE_SCENARIOS),
        default=list(STALE_SCENARIOS),
        help="which import scenarios (with --stale; default all)",
    )
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the current and empty runs (and the server)",
    )
    parser.add_argument(
        "--server", action=argparse.BooleanOptionalAction, default=True, help="real server too"
    )
    parser.add_argument("--profile", action="store_true", help="one more profiled run per kind")
    parser.add_argument(
        "--child", choices=["current", "empty", "stale", "refreshed"], help=argparse.SUPPRESS
    )
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-prefix", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build-snapshot", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_snapshot:
        url, directory = args.build_snapshot
        print(json.dumps(_build_snapshot(url, Path(directory))))
        return
    if args.child:
        child(args.child, args.out, args.profile_prefix, args.new_step)
        return

    files: dict[str, Path] = {}
    if args.stale:
        files = {
            name: records_file(name, seed, prefix)
            for name, seed, prefix in (NEW_FILE, PREVIOUS_FILE)
        }
    # A partial run (some kinds of run only) keeps the full run's JSON: it is named apart.
    kinds = [*(["baseline"] if args.baseline else []), *(args.scenarios if args.stale else [])]
    full = args.baseline and args.stale and set(args.scenarios) == set(STALE_SCENARIOS)
    suffix = "" if full else "-" + "-".join(kinds or ["nothing"])
    summaries = []
    for records in args.records:
        db = store_of(records)
        url = f"sqlite:///{db.resolve()}"
        env = {**os.environ, "FEEDBACK_DB_URL": url, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "0"}
        env.pop("FEEDBACK_CACHE_DIR", None)
        current_dir = RESULTS / f"overview-cache-{records}"
        code = code_state()
        context = build_snapshot(url, current_dir)
        context["code"] = code
        print(
            f"{records:,}: {db.name}, version {context['version']}, snapshot "
            f"{context['snapshot_mib']} MiB (load {context['snapshot_load_s']} s), "
            f"data_version query {context['data_version_query_s']} s",
            file=sys.stderr,
            flush=True,
        )
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODE_TITLES}
        preps: dict[str, list[dict[str, Any]]] = {}
        for run in range(1, args.runs + 1):
            for mode in ("current", "empty") if args.baseline else ():
                empty_dir = Path(tempfile.mkdtemp(dir=RESULTS, prefix="overview-empty-"))
                try:
                    directory = current_dir if mode == "current" else empty_dir
                    result = run_child(env, mode, directory, profile=None, new_step=args.new_step)
                finally:
                    shutil.rmtree(empty_dir, ignore_errors=True)
                runs[mode].append(result)
                print_run(records, run, result)
            for scenario in args.scenarios if args.stale else ():
                prep, results = stale_run(env, db, scenario, files)
                preps.setdefault(scenario, []).append(prep)
                print_prep(records, run, prep)
                for result in results:
                    runs[result["mode"]].append(result)
                    print_run(records, run, result)
        runs = {mode: made for mode, made in runs.items() if made}
        servers: dict[str, dict[str, Any]] = {}
        if args.server and args.baseline:
            for mode in ("current", "empty"):
                empty_dir = Path(tempfile.mkdtemp(dir=RESULTS, prefix="overview-empty-"))
                try:
                    directory = current_dir if mode == "current" else empty_dir
                    server = measure_server(env, directory, f"{records}-{mode}")
                finally:
                    shutil.rmtree(empty_dir, ignore_errors=True)
                servers[mode] = server
                print(
                    f"  {records:,} server ({mode}, load {server['load_before']:.1f}): "
                    + json.dumps({k: v for k, v in server.items() if k != "load_before"}),
                    file=sys.stderr,
                    flush=True,
                )
        after = code_state()
        context["code_after"] = after
        # Commits of unchanged files (another engineer's CLI or README) do not count.
        context["code_changed_during"] = after["digest"] != code["digest"]
        if context["code_changed_during"]:
            print(
                f"  WARNING: the app's code changed during the measurement: {code} -> {after}",
                file=sys.stderr,
            )
        summary = summarize(records, context, runs, servers, preps)
        if args.profile:
            profiles = {}
            baseline = ("current", "empty") if args.baseline else ()
            for mode in (*baseline, *(args.scenarios if args.stale else ())):
                prefix = RESULTS / f"overview_profile-{records}-{mode}"
                if mode in STALE_SCENARIOS:
                    prep, results = stale_run(env, db, mode, files, profile=prefix)
                    print_prep(records, "profiled", prep)
                    result = results[0]
                else:
                    empty_dir = Path(tempfile.mkdtemp(dir=RESULTS, prefix="overview-empty-"))
                    try:
                        directory = current_dir if mode == "current" else empty_dir
                        result = run_child(
                            env, mode, directory, profile=prefix, new_step=args.new_step
                        )
                    finally:
                        shutil.rmtree(empty_dir, ignore_errors=True)
                print_run(records, f"profiled ({result['mode']})", result)
                profiles[result["mode"]] = result["profiles"]
            summary["profiles"] = profiles
            over = {
                name
                for name, label, target in RERUN_STEPS
                if any(r["step"] == label and r["within"] is False for r in summary["table"])
            }
            for mode, top in profiles.items():
                for key, text in top.items():
                    name = key.split("/")[0]
                    if name == "overview" or name in over:
                        header = f"--- profile {records:,} {mode} {key} ---"
                        print(f"\n{header}\n{text}", file=sys.stderr)
        (RESULTS / f"overview_speed-{records}{suffix}.json").write_text(
            json.dumps(summary, indent=2, ensure_ascii=False)
        )
        summaries.append(summary)
    for summary in summaries:
        print_table(summary)


if __name__ == "__main__":
    main()
