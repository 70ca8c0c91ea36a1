"""How good a classifier is: overall and per-category figures, and the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support


def quality_report(
    y_true: Sequence[str | None] | np.ndarray | pd.Series,
    y_pred: Sequence[str | None] | np.ndarray | pd.Series,
    *,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return accuracy, macro and weighted F1, per-label precision/recall/F1/support, confusion.

    `confusion[i][j]` counts records of label i predicted as label j; an empty input gives
    null figures and no labels.
    """
    truth = np.asarray(y_true, dtype=object).astype(str)
    predicted = np.asarray(y_pred, dtype=object).astype(str)
    if len(truth) == 0:
        return {
            "n": 0,
            "accuracy": None,
            "macro_f1": None,
            "weighted_f1": None,
            "per_label": {},
            "labels": [],
            "confusion": [],
        }
    names = sorted(set(labels or []) | set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=names, zero_division=0
    )
    present = support > 0
    return {
        "n": len(truth),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1[present].mean()),
        "weighted_f1": float(np.average(f1, weights=support)),
        "per_label": {
            name: {
                "precision": float(p),
                "recall": float(r),
                "f1": float(f),
                "support": int(s),
            }
            for name, p, r, f, s in zip(names, precision, recall, f1, support, strict=True)
        },
        "labels": names,
        "confusion": confusion_matrix(truth, predicted, labels=names).tolist(),
    }


def calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 15
) -> float:
    """Return the expected calibration error: mean |accuracy - confidence| over confidence bins."""
    conf = np.asarray(confidence, dtype=float)
    hit = np.asarray(correct, dtype=bool)
    if len(conf) == 0:
        return float("nan")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            error += members.mean() * abs(hit[members].mean() - conf[members].mean())
    return float(error)
