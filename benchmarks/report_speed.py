"""Report speed: `report --json` on a SQLite store against DuckDB on the canonical CSV.

    .venv/bin/python benchmarks/report_speed.py --records 100000 1000000 \
        [--month 2026-10] [--as-of 2026-11-01T00:00:00+07:00] [--runs 3]

The target (issue): with 1,000,000 records in SQLite, `report --json` takes at most twice
the time DuckDB needs for the same month's report computed from the canonical CSV of the
same records, measured in the same run. For each size it

1. writes (once) the canonical CSV of N demo records, as import_speed.py does
   (benchmarks/results/canonical-N.csv, seed 7, data ending on 2026-10-31);
2. imports it (once) into benchmarks/results/report-N.db; the file report-N.db.key holds
   the CSV's SHA-256, and a different CSV rebuilds the store;
3. times `python -m feedback_analytics report --month M --as-of A --json` as a fresh
   subprocess (wall time, interpreter start included), in two variants:
   report_json           FEEDBACK_CACHE_DIR is a fresh empty temporary directory each run,
                         so the CLI finds no snapshot and reads the month's records from
                         SQLite (the SQL path); the directory is checked to stay empty;
   report_json_snapshot  FEEDBACK_CACHE_DIR is benchmarks/results/report-cache-N/, where
                         the dashboard's snapshot of the store was built first with
                         FactsSnapshot(engine, dir).load() (and checked to be current), so
                         the CLI reads the snapshot instead;
4. times DuckDB computing the METRICS.md report from the CSV with SQL written here from
   METRICS.md alone (not from the package), in-process, from duckdb.connect() to the
   finished dict, CSV scan included (`import duckdb` itself is not; it is reported);
5. checks that each variant's report agrees with DuckDB's: counts exactly, floats within
   1e-9 relative;

and prints each run (wall seconds, and CPU seconds of all threads and processes for
context), then a table of the best wall times (the 2x verdict, per variant), and writes
benchmarks/results/report_speed-N.json. The runs of the three sides alternate, so all
meet the same load on a shared machine. By default the month is the last complete month
of the demo data (2026-10) and as_of the instant right after it.

The DuckDB side reads the timestamps as TIMESTAMPTZ with the session time zone set to the
company's, so an input without offset is company local time; the demo CSV writes every
timestamp as ISO 8601 with offset and canonical channel and priority values, so the SQL
neither parses `dd/mm/yyyy` nor maps aliases (a `dd/mm/yyyy` cell would make the scan fail,
not pass silently).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from import_speed import RESULTS, ROOT, make_file

# make_file's demo data ends on this day (company time); the default report is of its month.
DEMO_END = date(2026, 10, 31)
# The CSV's columns that are not text; every other column is read as VARCHAR.
TYPES = {
    **dict.fromkeys(
        ("received_at", "acknowledged_at", "due_at", "resolved_at", "responded_at", "surveyed_at"),
        "TIMESTAMPTZ",
    ),
    "satisfaction_score": "DOUBLE",
}
REL_TOLERANCE = 1e-9
# The CLI's variants: the SQL path (no snapshot), and with a current snapshot.
VARIANTS = {
    "report_json": "SQL (empty cache dir)",
    "report_json_snapshot": "current snapshot",
}
# Their verdicts' keys in the JSON: ratio, within_2x, reports_match (the SQL path, as before)
# and snapshot_ratio, snapshot_within_2x, snapshot_reports_match.
VARIANTS_PREFIX = {"report_json": "", "report_json_snapshot": "snapshot_"}
T = TypeVar("T")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# One scan of the CSV, one aggregate pass. `rec` keeps the records that exist at as_of, with
# each event hidden when stamped after as_of; the survey time is chosen before that masking.
REPORT_SQL = """
WITH raw AS (
    SELECT
        channel,
        coalesce(nullif(category, ''), 'uncategorised') AS category,
        coalesce(nullif(priority, ''), 'normal') AS priority,
        epoch_us(received_at) AS received,
        epoch_us(acknowledged_at) AS acknowledged,
        epoch_us(due_at) AS due,
        epoch_us(resolved_at) AS resolved,
        epoch_us(coalesce(surveyed_at, responded_at, resolved_at)) AS survey_time,
        satisfaction_score AS score
    FROM read_csv(
        $path, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
        columns = $columns
    )
),
rec AS (
    SELECT
        channel, category, priority, received, due,
        CASE WHEN acknowledged <= $as_of THEN acknowledged END AS acknowledged,
        CASE WHEN resolved <= $as_of THEN resolved END AS resolved,
        CASE WHEN survey_time <= $as_of AND score IS NOT NULL THEN survey_time END AS survey_time,
        score
    FROM raw
    WHERE received <= $as_of
),
flags AS (
    SELECT
        *,
        received >= $start AND received < $end AS intake,
        coalesce(resolved >= $start AND resolved < $end, false) AS resolved_in_m,
        coalesce(survey_time >= $start AND survey_time < $end, false) AS surveyed_in_m,
        (acknowledged - received) / 3600e6 AS ack_hours,
        (resolved - received) / 3600e6 AS resolution_hours,
        $as_of - received > $target AS overdue
    FROM rec
)
SELECT
    count(*) FILTER (WHERE intake) AS total,
    histogram(channel) FILTER (WHERE intake) AS by_channel,
    histogram(category) FILTER (WHERE intake) AS by_category,
    histogram(priority) FILTER (WHERE intake) AS by_priority,
    quantile_cont(ack_hours, [0.5, 0.9]) FILTER (WHERE intake AND acknowledged IS NOT NULL)
        AS ack_quantiles,
    count(*) FILTER (WHERE intake AND acknowledged - received <= $target) AS within_sla,
    count(*) FILTER (
        WHERE intake
        AND (acknowledged - received > $target OR (acknowledged IS NULL AND overdue))
    ) AS breached,
    count(*) FILTER (WHERE intake AND acknowledged IS NULL AND NOT overdue) AS pending,
    count(*) FILTER (WHERE resolved_in_m) AS resolved,
    quantile_cont(resolution_hours, [0.5, 0.9]) FILTER (WHERE resolved_in_m)
        AS resolution_quantiles,
    count(*) FILTER (WHERE resolved_in_m AND resolved <= due) AS on_time,
    count(*) FILTER (WHERE resolved_in_m AND resolved > due) AS late,
    count(*) FILTER (WHERE resolved_in_m AND survey_time IS NOT NULL) AS rated,
    count(*) FILTER (
        WHERE received < $cut_off AND (resolved IS NULL OR resolved >= $cut_off)
    ) AS backlog,
    count(*) FILTER (WHERE surveyed_in_m) AS responses,
    avg(score) FILTER (WHERE surveyed_in_m) AS mean_score,
    count(*) FILTER (WHERE surveyed_in_m AND score IN (4, 5)) AS satisfied
FROM flags
"""


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100 * part / whole


def _quantiles(values: list[float] | None) -> tuple[float | None, float | None]:
    return (None, None) if values is None else (float(values[0]), float(values[1]))


def _micros(moment: datetime) -> int:
    """Return microseconds since the Unix epoch of an aware instant, exactly."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def duckdb_report(
    csv_path: Path, *, month: str, as_of: datetime, tz: ZoneInfo, target_hours: float
) -> dict[str, Any]:
    """Return the METRICS.md report of `month` computed by DuckDB from the canonical CSV."""
    import duckdb

    connection = duckdb.connect()
    try:
        connection.execute(f"SET TimeZone = '{tz.key}'")
        with csv_path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle))
        columns = {name: TYPES.get(name, "VARCHAR") for name in header}
        year, number = int(month[:4]), int(month[5:])
        start = datetime(year, number, 1, tzinfo=tz)
        end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
        row = connection.execute(
            REPORT_SQL,
            {
                "path": str(csv_path),
                "columns": columns,
                "as_of": _micros(as_of),
                "start": _micros(start),
                "end": _micros(end),
                "cut_off": _micros(min(end, as_of)),
                "target": round(target_hours * 3_600_000_000),
            },
        ).fetchone()
        assert row is not None
        names = [column[0] for column in connection.description]
    finally:
        connection.close()
    r = dict(zip(names, row, strict=True))
    ack_median, ack_p90 = _quantiles(r["ack_quantiles"])
    res_median, res_p90 = _quantiles(r["resolution_quantiles"])
    responses = int(r["responses"])
    return {
        "month": month,
        "as_of": as_of.astimezone(tz).isoformat(),
        "intake": {
            "total": int(r["total"]),
            **{key: dict(r[key] or {}) for key in ("by_channel", "by_category", "by_priority")},
        },
        "acknowledgement": {
            "median_hours": ack_median,
            "p90_hours": ack_p90,
            "within_sla": int(r["within_sla"]),
            "breached": int(r["breached"]),
            "pending": int(r["pending"]),
            "compliance_pct": _pct(r["within_sla"], r["within_sla"] + r["breached"]),
        },
        "resolution": {
            "resolved": int(r["resolved"]),
            "median_hours": res_median,
            "p90_hours": res_p90,
            "on_time": int(r["on_time"]),
            "late": int(r["late"]),
            "on_time_pct": _pct(r["on_time"], r["on_time"] + r["late"]),
        },
        "backlog_end_of_month": int(r["backlog"]),
        "satisfaction": {
            "responses": responses,
            "mean_score": None if r["mean_score"] is None else float(r["mean_score"]),
            "csat_pct": _pct(r["satisfied"], responses),
            "response_rate_pct": _pct(r["rated"], r["resolved"]),
        },
    }


def differences(ours: Any, theirs: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Return (key, ours, theirs) wherever the reports differ: counts exactly, floats 1e-9."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = []
        for key in sorted(set(ours) | set(theirs), key=str):
            where = f"{path}.{key}" if path else str(key)
            found += differences(ours.get(key), theirs.get(key), where)
        return found
    if isinstance(ours, float) or isinstance(theirs, float):
        same = (
            isinstance(ours, float)
            and isinstance(theirs, float)
            and math.isclose(ours, theirs, rel_tol=REL_TOLERANCE, abs_tol=0.0)
        )
        return [] if same else [(path, ours, theirs)]
    return [] if ours == theirs and type(ours) is type(theirs) else [(path, ours, theirs)]


def store_for(records: int, csv_path: Path) -> Path:
    """Return a SQLite store of exactly the CSV's records, importing it when not cached."""
    db = RESULTS / f"report-{records}.db"
    key_file = db.with_name(db.name + ".key")
    digest = hashlib.sha256()
    with csv_path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 24), b""):
            digest.update(block)
    key = digest.hexdigest()
    if db.exists() and key_file.exists() and key_file.read_text().split()[0] == key:
        return db
    for old in (db, key_file, *(db.with_name(db.name + s) for s in ("-wal", "-shm"))):
        old.unlink(missing_ok=True)
    print(f"  importing {csv_path.name} into {db.name} ...", file=sys.stderr, flush=True)
    elapsed, result = import_csv(csv_path, f"sqlite:///{db}", records)
    key_file.write_text(f"{key} imported in {elapsed:.1f} s: {json.dumps(result)}\n")
    return db


def import_csv(csv_path: Path, url: str, records: int) -> tuple[float, dict[str, Any]]:
    """Import the canonical CSV into the empty store at `url` with `import --json`, check that
    it holds exactly its `records` records; return the seconds and the command's result."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "feedback_analytics", "import", str(csv_path), "--json"],
        env={**os.environ, "FEEDBACK_DB_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        sys.exit(f"import failed ({completed.returncode}):\n{completed.stderr[-2000:]}")
    result = json.loads(completed.stdout)
    if result["inserted"] != records or result["rejected"]:
        sys.exit(f"{url} does not hold exactly the CSV's {records} records: {result}")
    elapsed = time.perf_counter() - started
    print(f"  imported in {elapsed:.1f} s", file=sys.stderr, flush=True)
    return elapsed, result


def db_url(db: Path) -> str:
    """Return the store's URL, the same text for the CLI and the snapshot (whose file name
    is a hash of it)."""
    return f"sqlite:///{db}"


def run_cli(db: Path, month: str, as_of: datetime, cache_dir: Path) -> dict[str, Any]:
    """Run `report --json` in a fresh process with FEEDBACK_CACHE_DIR=cache_dir; return it."""
    command = [sys.executable, "-m", "feedback_analytics", "report", "--month", month]
    command += ["--as-of", as_of.isoformat(), "--json"]
    completed = subprocess.run(
        command,
        env={**os.environ, "FEEDBACK_DB_URL": db_url(db), "FEEDBACK_CACHE_DIR": str(cache_dir)},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        sys.exit(f"report failed ({completed.returncode}):\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout)


def run_cli_sql(db: Path, month: str, as_of: datetime) -> dict[str, Any]:
    """Run `report --json` with an empty cache directory: no snapshot, the SQL path."""
    empty = Path(tempfile.mkdtemp(dir=RESULTS, prefix="report-empty-cache-"))
    try:
        report = run_cli(db, month, as_of, empty)
        left = list(empty.iterdir())
        if left:
            sys.exit(f"report --json wrote into the empty cache directory: {left}")
        return report
    finally:
        shutil.rmtree(empty, ignore_errors=True)


def build_snapshot(db: Path, directory: Path) -> dict[str, Any]:
    """Build the dashboard's snapshot of the store in `directory`; check it is current."""
    from feedback_analytics.db import ensure_schema, make_engine
    from feedback_analytics.facts import FactsSnapshot

    shutil.rmtree(directory, ignore_errors=True)
    engine = make_engine(db_url(db))
    ensure_schema(engine)
    snapshot = FactsSnapshot(engine, directory)
    started = time.perf_counter()
    frame, version = snapshot.load()
    load_s = time.perf_counter() - started
    current = snapshot.load_if_current() is not None
    engine.dispose()
    if not current:
        sys.exit(f"the snapshot in {directory} is not current after load()")
    return {
        "version": version,
        "rows": len(frame),
        "build_s": round(load_s, 3),
        "mib": round(snapshot.path.stat().st_size / 2**20, 1),
        "path": str(snapshot.path.relative_to(ROOT)),
    }


def snapshot_is_current(db: Path, directory: Path) -> bool:
    """Return True when the snapshot in `directory` is of the store's current data version."""
    from feedback_analytics.db import make_engine
    from feedback_analytics.facts import FactsSnapshot

    engine = make_engine(db_url(db))
    try:
        return FactsSnapshot(engine, directory).load_if_current() is not None
    finally:
        engine.dispose()


def _cpu_seconds() -> float:
    """Return the user + system CPU seconds of this process and its finished children."""
    usages = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(usage.ru_utime + usage.ru_stime for usage in usages)


def measure(work: Callable[[], T]) -> tuple[float, float, T]:
    """Return the wall seconds, the CPU seconds (all threads and children) and work's value."""
    wall, cpu = time.perf_counter(), _cpu_seconds()
    value = work()
    return time.perf_counter() - wall, _cpu_seconds() - cpu, value


def main() -> None:
    from feedback_analytics.config import get_settings

    settings = get_settings()
    tz = settings.tz
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--month", help="YYYY-MM (default: the last complete demo month)")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        help="ISO instant, no offset = company time (default: the end of the demo data)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per side; the best counts")
    args = parser.parse_args()
    as_of = args.as_of or datetime.combine(DEMO_END + timedelta(days=1), datetime.min.time())
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=tz)
    month = args.month or DEMO_END.strftime("%Y-%m")

    started = time.perf_counter()
    import duckdb

    duckdb_import = time.perf_counter() - started
    print(
        f"duckdb {duckdb.__version__} (import {duckdb_import:.2f} s, not timed below); "
        f"month {month}, as_of {as_of.isoformat()}",
        file=sys.stderr,
    )
    rows = []
    for records in args.records:
        csv_path = make_file(records)
        db = store_for(records, csv_path)
        cache_dir = RESULTS / f"report-cache-{records}"
        snapshot = build_snapshot(db, cache_dir)
        print(
            f"  {records:,}: snapshot of {snapshot['rows']:,} rows, {snapshot['mib']} MiB, "
            f"built in {snapshot['build_s']:.1f} s ({snapshot['path']})",
            file=sys.stderr,
        )
        sides: dict[str, Callable[[], dict[str, Any]]] = {
            "report_json": lambda db=db: run_cli_sql(db, month, as_of),
            "report_json_snapshot": lambda db=db, cache_dir=cache_dir: run_cli(
                db, month, as_of, cache_dir
            ),
            "duckdb": lambda csv_path=csv_path: duckdb_report(
                csv_path, month=month, as_of=as_of, tz=tz, target_hours=settings.ack_target_hours
            ),
        }
        walls: dict[str, list[float]] = {side: [] for side in sides}
        cpus: dict[str, list[float]] = {side: [] for side in sides}
        reports: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
        for run in range(1, args.runs + 1):
            for side, work in sides.items():  # alternating, so all meet the same load
                wall, cpu, report = measure(work)
                walls[side].append(wall)
                cpus[side].append(cpu)
                reports[side].append(report)
            print(
                f"  {records:,} run {run}: "
                + ", ".join(
                    f"{side} {walls[side][-1]:.3f} s (CPU {cpus[side][-1]:.3f} s)" for side in sides
                ),
                file=sys.stderr,
            )
        # Had it gone stale, the CLI would have read SQLite silently: the variant would lie.
        snapshot["current_after_runs"] = snapshot_is_current(db, cache_dir)
        if not snapshot["current_after_runs"]:
            print("  WARNING: the snapshot was no longer current after the runs", file=sys.stderr)
        unstable = [
            side
            for side, made in reports.items()
            if any(differences(made[0], other) for other in made[1:])
        ]
        for side in unstable:
            print(f"  WARNING: {side} gave different reports across runs", file=sys.stderr)
        diffs = {
            variant: differences(reports[variant][0], reports["duckdb"][0]) for variant in VARIANTS
        }
        for variant, found in diffs.items():
            for key, ours, theirs in found:
                print(f"  DIFFERS {key}: {variant} {ours!r}, duckdb {theirs!r}", file=sys.stderr)
        best = {side: min(runs) for side, runs in walls.items()}
        ratios = {variant: best[variant] / best["duckdb"] for variant in VARIANTS}
        result = {
            "records": records,
            "month": month,
            "as_of": as_of.isoformat(),
            "duckdb_version": duckdb.__version__,
            "duckdb_import_s": round(duckdb_import, 3),
            **{f"{side}_runs_s": [round(s, 3) for s in runs] for side, runs in walls.items()},
            **{f"{side}_cpu_runs_s": [round(s, 3) for s in runs] for side, runs in cpus.items()},
            **{f"{side}_s": round(seconds, 3) for side, seconds in best.items()},
            "snapshot": snapshot,
            **{
                key: value
                for variant, prefix in VARIANTS_PREFIX.items()
                for key, value in (
                    (f"{prefix}ratio", round(ratios[variant], 2)),
                    (f"{prefix}within_2x", ratios[variant] <= 2),
                    (
                        f"{prefix}reports_match",
                        not diffs[variant] and variant not in unstable and "duckdb" not in unstable,
                    ),
                )
            },
            "differences": [
                {"variant": variant, "key": key, "report_json": ours, "duckdb": theirs}
                for variant, found in diffs.items()
                for key, ours, theirs in found
            ],
            "report": reports["report_json"][0],
        }
        (RESULTS / f"report_speed-{records}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False)
        )
        rows.append(result)
    print("| records | report --json | best s | duckdb s | ratio | <= 2x | matches duckdb |")
    print("|---:|---|---:|---:|---:|---|---|")
    for r in rows:
        for variant, label in VARIANTS.items():
            prefix = VARIANTS_PREFIX[variant]
            within, match = r[f"{prefix}within_2x"], r[f"{prefix}reports_match"]
            print(
                f"| {r['records']:,} | {label} | {r[variant + '_s']:.3f} | {r['duckdb_s']:.3f} | "
                f"{r[prefix + 'ratio']:.2f} | {'yes' if within else 'NO'} | "
                f"{'yes' if match else 'NO'} |"
            )


if __name__ == "__main__":
    main()
