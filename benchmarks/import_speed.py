"""Import speed: the canonical import against a naive pandas read_csv + to_sql.

    .venv/bin/python benchmarks/import_speed.py --records 100000 1000000 [--postgres]

For each size it writes a canonical CSV of demo records (cached under
benchmarks/results/), then times, each in a fresh process on a fresh database:
  naive     pandas.read_csv + DataFrame.to_sql into SQLite (no validation, one table)
  import    python -m feedback_analytics import FILE (SQLite, WAL)
  reimport  the same file again (every row is known and unchanged)
  import-pg the import into PostgreSQL (with --postgres)
and prints wall time, rows/s and peak memory (max RSS) as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PG_ADMIN = os.environ.get(
    "FEEDBACK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

NAIVE = """
import sys, pandas as pd, sqlalchemy as sa
frame = pd.read_csv(sys.argv[1])
frame.to_sql("feedback", sa.create_engine("sqlite:///" + sys.argv[2]), index=False)
"""


def make_file(records: int) -> Path:
    """Return a canonical CSV of `records` demo rows, generating it once."""
    path = RESULTS / f"canonical-{records}.csv"
    if not path.exists():
        from feedback_analytics.demo import generate_demo

        RESULTS.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate_demo(records, seed=7, end=date(2026, 10, 31)).to_csv(path, index=False)
        print(f"  wrote {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


# A fresh wrapper process per run, so RUSAGE_CHILDREN's peak is that run's alone.
_WRAPPER = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    "sys.exit(r.returncode)"
)


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command in a fresh process; return its wall seconds and peak RSS in MiB."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{completed.stderr[-2000:]}")
    peak_kib = int(completed.stderr.strip().splitlines()[-1])
    return elapsed, peak_kib / 1024


def init_db(env: dict[str, str]) -> None:
    """Create the schema first, so that the timed runs measure the import alone."""
    subprocess.run(
        [sys.executable, "-m", "feedback_analytics", "init-db"],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def pg_database() -> tuple[str, object]:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"feedback_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return admin.url.set(database=name).render_as_string(hide_password=False), admin


def drop_pg(url: str, admin: object) -> None:
    import sqlalchemy as sa

    name = sa.engine.make_url(url).database
    with admin.connect() as connection:  # type: ignore[attr-defined]
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--postgres", action="store_true", help="also import into PostgreSQL")
    args = parser.parse_args()
    python = sys.executable
    rows = []
    for records in args.records:
        path = make_file(records)
        size_mb = path.stat().st_size / 1e6
        work = RESULTS / f"run-{records}"
        work.mkdir(parents=True, exist_ok=True)
        for old in work.glob("*.db*"):
            old.unlink()
        naive_db, ours_db = work / "naive.db", work / "ours.db"
        cli = [python, "-m", "feedback_analytics", "import", str(path), "--json"]
        env = {"FEEDBACK_DB_URL": f"sqlite:///{ours_db}"}
        init_db(env)
        measured = {
            "naive": timed([python, "-c", NAIVE, str(path), str(naive_db)]),
            "import": timed(cli, env),
            "reimport": timed(cli, env),
        }
        if args.postgres:
            url, admin = pg_database()
            try:
                pg_env = {"FEEDBACK_DB_URL": url}
                init_db(pg_env)
                measured["import-pg"] = timed(cli, pg_env)
            finally:
                drop_pg(url, admin)
        naive_seconds = measured["naive"][0]
        for name, (seconds, peak) in measured.items():
            rows.append(
                {
                    "records": records,
                    "file_mb": round(size_mb),
                    "run": name,
                    "seconds": round(seconds, 1),
                    "rows_per_s": round(records / seconds),
                    "x_naive": round(seconds / naive_seconds, 2),
                    "peak_mib": round(peak),
                }
            )
        for old in work.glob("*.db*"):
            old.unlink()
    print("| records | file MB | run | seconds | rows/s | x naive | peak RSS MiB |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['records']:,} | {r['file_mb']} | {r['run']} | {r['seconds']} | "
            f"{r['rows_per_s']:,} | {r['x_naive']} | {r['peak_mib']} |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "import_speed.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
