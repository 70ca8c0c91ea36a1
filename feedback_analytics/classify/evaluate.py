"""`evaluate`: train the production recipe on one labelled CSV and score it on another."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from feedback_analytics.classify.evaluation import quality_report
from feedback_analytics.classify.recipe import choose_backend, fit_recipe
from feedback_analytics.config import get_settings
from feedback_analytics.errors import ActionableError


def read_labelled(path: Path, *, text_column: str, label_column: str) -> pd.DataFrame:
    """Return the (text, label) rows of a CSV; rows missing either are dropped."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ActionableError(f"{path}: cannot be read as a UTF-8 CSV ({exc})") from exc
    missing = [c for c in (text_column, label_column) if c not in frame.columns]
    if missing:
        raise ActionableError(
            f"{path}: no column {', '.join(repr(c) for c in missing)}; the columns are "
            f"{', '.join(frame.columns)} (choose with --text-column / --label-column)"
        )
    rows = frame[[text_column, label_column]].rename(
        columns={text_column: "text", label_column: "label"}
    )
    rows = rows.assign(text=rows["text"].str.strip(), label=rows["label"].str.strip())
    return rows[(rows["text"] != "") & (rows["label"] != "")]


def evaluate_files(
    train: Path, test: Path, *, text_column: str = "text", label_column: str = "category"
) -> dict[str, Any]:
    """Return the `evaluate --json` figures of the recipe trained on `train`, scored on `test`."""
    training = read_labelled(train, text_column=text_column, label_column=label_column)
    testing = read_labelled(test, text_column=text_column, label_column=label_column)
    if testing.empty:
        raise ActionableError(f"{test}: no row has both a text and a label")
    backend = choose_backend(get_settings().classifier_backend)
    started = time.perf_counter()
    fitted = fit_recipe(training["text"].tolist(), training["label"].tolist(), backend=backend)
    fit_seconds = time.perf_counter() - started
    # One text first: a backend that loads a model on first use pays for it once per process,
    # not per text, and the rate below is that of a running app.
    fitted.pipeline.predict(testing["text"].tolist()[:1])
    started = time.perf_counter()
    predicted = fitted.pipeline.predict(testing["text"].tolist())
    predict_seconds = time.perf_counter() - started
    report = quality_report(testing["label"], predicted)
    return {
        "accuracy": report["accuracy"],
        "macro_f1": report["macro_f1"],
        "weighted_f1": report["weighted_f1"],
        "fit_seconds": fit_seconds,
        "predict_per_second": len(testing) / predict_seconds if predict_seconds else None,
        "n_train": len(fitted.cv_true),
        "n_test": len(testing),
        "n_labels": len(fitted.labels),
        "backend": backend,
        "params": fitted.params,
        "skipped_labels": fitted.skipped_labels,
    }
