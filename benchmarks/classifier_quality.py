"""Classifier quality and speed: the production recipe on labelled train/test pairs.

Runs `python -m feedback_analytics evaluate` (a fresh process, as a user runs it) on each data
set and prints the figures as a table and as JSON lines. Settings are chosen inside the recipe
by cross-validation on the training file; the test file is scored once. By default:

- banking77: Banking77 from ../shared/datasets (10,003 training queries, 77 categories);
- banking77-rare: the same with 10 categories cut to 8 training examples each (unbalanced,
  real text; the test file unchanged): does the recipe still find the rare categories?
- generated-150: 15,000 generated texts in 150 categories (half English words, half
  Vietnamese-like syllables, 30% of those typed without accents), the size of a labelled
  store after a year or two. Its words are random: it measures time, not quality.

`--code DIR` runs another checkout of the project (a worktree of an earlier commit, say) on
the same data, for before-and-after figures.

    .venv/bin/python benchmarks/classifier_quality.py [--data DIR ...] [--runs N] [--code DIR]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BANKING77 = ROOT.parent / "shared" / "datasets" / "banking77"
RARE_CATEGORIES = 10
RARE_EXAMPLES = 8
GENERATED_CATEGORIES = 150
GENERATED_TRAIN = 100
GENERATED_TEST = 30
# Vietnamese-like syllables: onsets, vowels (a tone mark goes on the first letter), codas.
ONSETS = [
    "_",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
VOWELS = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "ai",
    "ao",
    "oi",
    "ơi",
    "ua",
    "ưa",
    "iê",
    "uô",
]
CODAS = ["_", "_", "c", "m", "n", "ng", "nh", "p", "t", "ch"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def write_rare(source: Path, target: Path) -> Path:
    """Write `source` with RARE_CATEGORIES categories cut to RARE_EXAMPLES training examples."""
    train = pd.read_csv(source / "train.csv", dtype=str, keep_default_na=False)
    rare = set(random.Random(1).sample(sorted(train["category"].unique()), RARE_CATEGORIES))
    kept = pd.concat(
        group.sample(RARE_EXAMPLES, random_state=1) if name in rare else group
        for name, group in train.groupby("category")
    )
    target.mkdir(parents=True, exist_ok=True)
    kept.sample(frac=1, random_state=0).to_csv(target / "train.csv", index=False)
    (target / "test.csv").write_bytes((source / "test.csv").read_bytes())
    return target


def write_generated(words_from: Path, target: Path) -> Path:
    """Write a generated GENERATED_CATEGORIES-category train/test pair (timing only)."""
    rng = random.Random(7)
    english = sorted(
        {
            w
            for text in pd.read_csv(words_from / "train.csv")["text"]
            for w in re.findall(r"[a-z']+", text.lower())
        }
    )
    syllables = sorted(
        {
            unicodedata.normalize(
                "NFC", (o + v[0] + rng.choice(TONES) + v[1:] + c).replace("_", "")
            )
            for o in ONSETS
            for v in VOWELS
            for c in CODAS
        }
    )
    rng.shuffle(english)
    rng.shuffle(syllables)
    # Word frequencies fall off as in text (Zipf): a few words are in most texts.
    zipf = {
        id(vocabulary): list(
            itertools.accumulate(1 / (rank + 10) for rank in range(len(vocabulary)))
        )
        for vocabulary in (english, syllables)
    }
    categories = []
    for k in range(GENERATED_CATEGORIES):
        vocabulary = syllables if k % 2 else english
        categories.append((f"category-{k:03d}", vocabulary, rng.sample(vocabulary, 25)))
    target.mkdir(parents=True, exist_ok=True)
    for name, count in (("train.csv", GENERATED_TRAIN), ("test.csv", GENERATED_TEST)):
        with open(target / name, "w", newline="", encoding="utf-8") as out:
            rows = csv.writer(out)
            rows.writerow(["text", "category"])
            for label, vocabulary, topic in categories:
                for _ in range(count):
                    length = rng.randint(5, 16)
                    words = [rng.choice(topic[: rng.randint(3, 25)]) for _ in range(length // 3)]
                    words += rng.choices(
                        vocabulary, cum_weights=zipf[id(vocabulary)], k=length - length // 3
                    )
                    rng.shuffle(words)
                    text = " ".join(words)
                    if vocabulary is syllables and rng.random() < 0.3:
                        text = "".join(
                            c
                            for c in unicodedata.normalize("NFD", text)
                            if not unicodedata.combining(c)
                        ).replace("đ", "d")
                    rows.writerow([text, label])
    return target


def evaluate(directory: Path, code: Path) -> dict:
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
        cwd=code,
        env={**os.environ, "FEEDBACK_DB_URL": "sqlite:///:memory:", "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"evaluate failed on {directory}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", help="folders of train.csv and test.csv")
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per data set")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="classifier-quality-"))
    data = args.data or [
        BANKING77,
        write_rare(BANKING77, scratch / "banking77-rare"),
        write_generated(BANKING77, scratch / "generated-150"),
    ]
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
    for directory in data:
        for _ in range(args.runs):
            figures = evaluate(directory, args.code.resolve())
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
