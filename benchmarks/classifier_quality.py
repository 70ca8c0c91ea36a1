"""Classifier quality and speed: the production recipe on a labelled train/test pair.

Runs `python -m feedback_analytics evaluate` (a fresh process, as a user runs it) on each data
set given, by default Banking77 from ../shared/datasets, and prints the figures as a table and
as JSON lines. Settings are chosen inside the recipe by cross-validation on the training file;
the test file is scored once.

    .venv/bin/python benchmarks/classifier_quality.py [--data DIR ...] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "datasets" / "banking77"


def evaluate(directory: Path) -> dict:
    """Return `evaluate --json` of the recipe trained on DIR/train.csv, scored on DIR/test.csv."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "feedback_analytics",
            "evaluate",
            "--train",
            str(directory / "train.csv"),
            "--test",
            str(directory / "test.csv"),
            "--json",
        ],
        cwd=ROOT,
        env={**os.environ, "FEEDBACK_DB_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"evaluate failed on {directory}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=[DEFAULT])
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per data set")
    args = parser.parse_args()
    columns = [
        "data",
        "backend",
        "accuracy",
        "macro-F1",
        "weighted-F1",
        "fit_s",
        "texts/s",
        "n_train",
        "labels",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    for directory in args.data:
        for _ in range(args.runs):
            figures = evaluate(directory)
            results.append({"data": directory.name, **figures})
            print(
                f"| {directory.name} | {figures['backend']} | {figures['accuracy']:.4f} | "
                f"{figures['macro_f1']:.4f} | {figures['weighted_f1']:.4f} | "
                f"{figures['fit_seconds']:.1f} | {figures['predict_per_second']:,.0f} | "
                f"{figures['n_train']:,} | {figures['n_labels']} |",
                flush=True,
            )
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
