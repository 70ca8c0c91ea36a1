"""The tables of figures the pages show beside their charts, as frames ready to display.

Pure builders (no Streamlit), like the figures of charts.py: each takes the figures the
metrics engine computed and the language, and returns a frame whose headings, labels and
numbers are written in that language (a table with raw column names is headed by
ui.show_table from the catalogue's `column.*` entries instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from feedback_analytics.charts import (
    breakdown_rows,
    format_figure,
    format_value,
    value_label,
    value_labels,
)
from feedback_analytics.db import ClassifierModel
from feedback_analytics.i18n import MISSING, format_number, format_percent, t
from feedback_analytics.kpis import KPI_BY_KEY
from feedback_analytics.metrics import Overview

# The KPIs of the Overview's table of a breakdown, in their order.
BREAKDOWN_COLUMNS = (
    "intake",
    "ack_compliance",
    "resolution_median",
    "on_time",
    "csat",
    "mean_score",
    "backlog",
)
# The classifier's figures compared between a new model and the active one.
COMPARED_FIGURES = ("accuracy", "macro_f1", "weighted_f1")
# A category's figures from fewer training labels than this are not to be trusted: its
# precision and recall then swing by more than ±10 points (the 95% Wilson interval of a recall
# of 23 in 29, 79%, runs from 62% to 90%).
MIN_TRUSTED_LABELS = 30


def breakdown_table(overview: Overview, dimension: str, lang: str) -> pd.DataFrame:
    """Return the month by a dimension: a row per value (charts.breakdown_rows' order), a
    column per KPI of BREAKDOWN_COLUMNS with its value and unit."""
    rows = breakdown_rows(overview, dimension)
    return pd.DataFrame(
        {
            t(f"dimension.{dimension}", lang): [
                value_label(dimension, value, lang) for value, _ in rows
            ],
            **{
                t(f"kpi.{key}", lang): [
                    format_value(KPI_BY_KEY[key].unit, KPI_BY_KEY[key].value(fig), lang)
                    for _, fig in rows
                ]
                for key in BREAKDOWN_COLUMNS
            },
        }
    )


def time_summary_table(summary: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """Return operations.time_summary's rows: the value of `by`, n, median and p90 hours."""
    return pd.DataFrame(
        {
            t(f"dimension.{by}", lang): value_labels(by, summary["value"], lang),
            t("processing.n", lang): summary["n"].to_numpy(),
            t("processing.median", lang): [format_figure(v, lang) for v in summary["median_hours"]],
            t("processing.p90", lang): [format_figure(v, lang) for v in summary["p90_hours"]],
        }
    )


def spikes_table(found: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return operations.spikes' rows without the earlier periods' counts, the ratio written
    in the language (two decimals; MISSING for a baseline of 0)."""
    return found.drop(columns=["periods"]).assign(
        ratio=[format_figure(v, lang, decimals=2) for v in found["ratio"]]
    )


def satisfaction_table(groups: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """Return operations.satisfaction_by's rows: the value of `by`, responses, mean score and
    CSAT %."""
    return pd.DataFrame(
        {
            t(f"dimension.{by}", lang): value_labels(by, groups["value"], lang),
            t("ops.responses", lang): groups["responses"].to_numpy(),
            t("kpi.mean_score", lang): [
                format_figure(v, lang, decimals=2) for v in groups["mean_score"]
            ],
            t("kpi.csat", lang): [format_figure(v, lang) for v in groups["csat_pct"]],
        }
    )


def csat_drag_table(drag: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return operations.csat_drag's rows: category, responses, CSAT % and the change of CSAT
    without the category (points)."""
    return pd.DataFrame(
        {
            t("dimension.category", lang): drag["category"].to_numpy(),
            t("ops.responses", lang): drag["responses"].to_numpy(),
            t("kpi.csat", lang): [format_figure(v, lang) for v in drag["csat_pct"]],
            t("satisfaction.change", lang): [
                format_figure(v, lang, decimals=2) for v in drag["change_pct"]
            ],
        }
    )


# --- the classifier --------------------------------------------------------------------------


def format_share(value: float | None, lang: str) -> str:
    """Return a share (0 to 1) as a percentage with one decimal (en 92.5%, vi 92,5%), or
    MISSING."""
    return format_percent(value, lang, decimals=1)


def quality_table(metrics: dict[str, Any], reviews: dict[str, Any], lang: str) -> pd.DataFrame:
    """Return a row per category of a model's evaluation (quality_report): precision, recall
    and F1 cross-validated on the training labels, how many training labels it has, and F1
    against the human reviews of its predictions with how many were reviewed (MISSING when
    none was)."""
    rows = []
    for label, figures in metrics["per_label"].items():
        reviewed = reviews["per_label"].get(label, {})
        rows.append(
            {
                "label": label,
                "precision": format_share(figures["precision"], lang),
                "recall": format_share(figures["recall"], lang),
                "f1": format_share(figures["f1"], lang),
                "training_labels": figures["support"],
                "corrected_f1": format_share(reviewed.get("f1"), lang)
                if reviewed.get("support")
                else MISSING,
                "reviewed": int(reviewed.get("support", 0)),
            }
        )
    return pd.DataFrame(rows)


def thinly_labelled(metrics: dict[str, Any], minimum: int = MIN_TRUSTED_LABELS) -> list[str]:
    """Return the categories of a model's evaluation with fewer than `minimum` training
    labels, fewest first."""
    support = {label: int(f["support"]) for label, f in metrics["per_label"].items()}
    return sorted((label for label, n in support.items() if n < minimum), key=support.__getitem__)


def model_comparison_table(
    new: ClassifierModel, current: ClassifierModel | None, lang: str
) -> pd.DataFrame:
    """Return a new model's figures beside the active model's (MISSING without one): accuracy,
    macro-F1, weighted-F1 and the records it was trained on."""
    figure, new_name, current_name = (
        t("model.figure", lang),
        t("model.new", lang),
        t("model.current", lang),
    )
    rows = [
        {
            figure: "weighted-F1" if key == "weighted_f1" else t(f"column.{key}", lang),
            new_name: format_share(new.metrics[key], lang),
            current_name: format_share(current.metrics[key], lang) if current else MISSING,
        }
        for key in COMPARED_FIGURES
    ]
    rows.append(
        {
            figure: t("column.n_train", lang),
            new_name: format_number(new.n_train, lang),
            current_name: format_number(current.n_train, lang) if current else MISSING,
        }
    )
    return pd.DataFrame(rows)


def model_history_table(models: Sequence[ClassifierModel], lang: str) -> pd.DataFrame:
    """Return a row per stored model, in the given order: version, when and by whom it was
    trained, on how many records and categories, its accuracy and macro-F1, which figure
    chose its settings (blank for a model that does not say), and ✓ if active."""
    return pd.DataFrame(
        [
            {
                "version": row.version,
                "created_at": pd.Timestamp(row.created_at),
                "created_by": row.created_by,
                "n_train": row.n_train,
                "n_labels": len(row.labels),
                "accuracy": format_share(row.metrics["accuracy"], lang),
                "macro_f1": format_share(row.metrics["macro_f1"], lang),
                "criterion": str((row.params or {}).get("criterion", "")),
                "active": "✓" if row.active else "",
            }
            for row in models
        ]
    )
