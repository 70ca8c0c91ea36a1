"""The pages' tables of figures: headings, labels and numbers in the language, values as the
metrics engine computed them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from feedback_analytics import tables
from feedback_analytics.db import ClassifierModel
from feedback_analytics.i18n import t
from feedback_analytics.metrics import month_overview
from tests.metric_records import frame, rec

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            {
                "Priority": ["Urgent", "Normal"],
                "n": [3, 1],
                "Median (hours)": ["1,234.5", "—"],
                "90th percentile (hours)": ["2.0", "—"],
            },
        ),
        ("vi", {"Mức ưu tiên": ["Khẩn cấp", "Bình thường"], "median": ["1.234,5", "—"]}),
    ],
)
def test_time_summary_table(lang: str, expected: dict[str, list[Any]]) -> None:
    summary = pd.DataFrame(
        {
            "value": ["urgent", "normal"],
            "n": [3, 1],
            "median_hours": [1234.5, None],
            "p90_hours": [2.0, float("nan")],
        }
    )
    table = tables.time_summary_table(summary, "priority", lang)
    assert list(table.columns) == [
        t("dimension.priority", lang),
        t("processing.n", lang),
        t("processing.median", lang),
        t("processing.p90", lang),
    ]
    for heading, values in expected.items():
        column = t("processing.median", lang) if heading == "median" else heading
        assert table[column].tolist() == values


@pytest.mark.parametrize(("lang", "ratios"), [("en", ["3.80", "—"]), ("vi", ["3,80", "—"])])
def test_spikes_table_drops_the_earlier_periods_and_writes_the_ratio(
    lang: str, ratios: list[str]
) -> None:
    found = pd.DataFrame(
        {
            "category": ["VPN", "Wi-Fi"],
            "count": [19, 6],
            "baseline": [5.0, 0.0],
            "ratio": [3.8, None],
            "flagged": [True, True],
            "periods": [[4, 5], [0, 0]],
        }
    )
    table = tables.spikes_table(found, lang)
    assert list(table.columns) == ["category", "count", "baseline", "ratio", "flagged"]
    assert table["ratio"].tolist() == ratios
    assert table["count"].tolist() == [19, 6]


@pytest.mark.parametrize(
    ("by", "lang", "values"),
    [
        ("channel", "vi", ["Tổng đài", "Email"]),
        ("category", "en", ["hotline", "email"]),
    ],
)
def test_satisfaction_table(by: str, lang: str, values: list[str]) -> None:
    # Rows in satisfaction_by's order (most responses first), whatever their index.
    groups = pd.DataFrame(
        {
            "value": ["hotline", "email"],
            "responses": [5, 2],
            "mean_score": [3.456, 5.0],
            "csat_pct": [60.0, 100.0],
        },
        index=[1, 0],
    )
    table = tables.satisfaction_table(groups, by, lang)
    assert table.to_dict("list") == {
        t(f"dimension.{by}", lang): values,
        t("ops.responses", lang): [5, 2],
        t("kpi.mean_score", lang): ["3.46", "5.00"] if lang == "en" else ["3,46", "5,00"],
        t("kpi.csat", lang): ["60.0", "100.0"] if lang == "en" else ["60,0", "100,0"],
    }


def test_csat_drag_table() -> None:
    drag = pd.DataFrame(
        {
            "category": ["VPN", "Billing"],
            "responses": [2, 1],
            "csat_pct": [0.0, 100.0],
            "change_pct": [50.0, -16.666],
        }
    )
    assert tables.csat_drag_table(drag, "en").to_dict("list") == {
        "Category": ["VPN", "Billing"],
        "Survey responses": [2, 1],
        t("kpi.csat", "en"): ["0.0", "100.0"],
        t("satisfaction.change", "en"): ["50.00", "-16.67"],
    }


def test_breakdown_table_has_a_row_per_value_and_a_column_per_kpi() -> None:
    records = frame(
        [
            rec("2026-09-03T03:00:00Z", acknowledged_at="2026-09-03T05:00:00Z"),
            rec("2026-09-04T03:00:00Z", channel="hotline"),
            rec("2026-09-05T03:00:00Z", channel="hotline"),
        ],
        score_dtype="Float64",
    )
    overview = month_overview(
        records, month="2026-09", as_of=datetime(2026, 10, 2, tzinfo=HCM), tz=HCM
    )
    table = tables.breakdown_table(overview, "channel", "vi")
    assert list(table.columns) == [t("dimension.channel", "vi")] + [
        t(f"kpi.{key}", "vi") for key in tables.BREAKDOWN_COLUMNS
    ]
    assert table[t("dimension.channel", "vi")].tolist() == ["Tổng đài", "Email"]
    assert table[t("kpi.intake", "vi")].tolist() == ["2", "1"]
    assert table[t("kpi.ack_compliance", "vi")].tolist() == ["0,0%", "100,0%"]


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [(0.925, "en", "92.5%"), (0.925, "vi", "92,5%"), (1.0, "en", "100.0%"), (None, "en", "—")],
)
def test_format_share(value: float | None, lang: str, expected: str) -> None:
    assert tables.format_share(value, lang) == expected


METRICS = {
    "accuracy": 0.9,
    "macro_f1": 0.8,
    "weighted_f1": 0.85,
    "per_label": {
        "Billing": {"precision": 0.9, "recall": 0.8, "f1": 0.847, "support": 40},
        "VPN": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 3},
    },
}


def test_quality_table_puts_the_reviews_beside_the_test_figures() -> None:
    reviews = {"per_label": {"Billing": {"f1": 0.5, "support": 4}, "VPN": {"support": 0}}}
    assert tables.quality_table(METRICS, reviews, "en").to_dict("records") == [
        {
            "label": "Billing",
            "precision": "90.0%",
            "recall": "80.0%",
            "f1": "84.7%",
            "training_labels": 40,
            "corrected_f1": "50.0%",
            "reviewed": 4,
        },
        {
            "label": "VPN",
            "precision": "50.0%",
            "recall": "100.0%",
            "f1": "66.7%",
            "training_labels": 3,
            "corrected_f1": "—",
            "reviewed": 0,
        },
    ]


@pytest.mark.parametrize(
    ("supports", "minimum", "expected"),
    [
        ({"Billing": 40, "VPN": 3}, 30, ["VPN"]),
        ({"Billing": 29, "VPN": 3, "Fiber": 30}, 30, ["VPN", "Billing"]),
        ({"Billing": 40, "VPN": 30}, 30, []),
        ({"Billing": 40, "VPN": 3}, 50, ["VPN", "Billing"]),
        ({}, 30, []),
    ],
)
def test_thinly_labelled(supports: dict[str, int], minimum: int, expected: list[str]) -> None:
    metrics = {"per_label": {label: {"support": n} for label, n in supports.items()}}
    assert tables.thinly_labelled(metrics, minimum) == expected


def _model(
    version: str,
    *,
    active: bool,
    accuracy: float,
    n_train: int,
    params: dict[str, object] | None = None,
) -> ClassifierModel:
    return ClassifierModel(
        params=params or {},
        version=version,
        created_at=datetime(2026, 10, 1, 3, tzinfo=UTC),
        created_by="quality@example.test",
        n_train=n_train,
        labels=["Billing", "VPN"],
        metrics={**METRICS, "accuracy": accuracy},
        active=active,
    )


@pytest.mark.parametrize(
    ("current", "lang", "expected"),
    [
        (
            _model("v1", active=True, accuracy=0.75, n_train=1200),
            "en",
            {
                "Figure": ["CV accuracy", "CV macro-F1", "weighted-F1", "Trained on"],
                "New": ["90.0%", "80.0%", "85.0%", "1,500"],
                "Active": ["75.0%", "80.0%", "85.0%", "1,200"],
            },
        ),
        (
            None,
            "vi",
            {
                t("model.figure", "vi"): [
                    t("column.accuracy", "vi"),
                    t("column.macro_f1", "vi"),
                    "weighted-F1",
                    t("column.n_train", "vi"),
                ],
                t("model.new", "vi"): ["90,0%", "80,0%", "85,0%", "1.500"],
                t("model.current", "vi"): ["—"] * 4,
            },
        ),
    ],
)
def test_model_comparison_table(
    current: ClassifierModel | None, lang: str, expected: dict[str, list[str]]
) -> None:
    new = _model("v2", active=False, accuracy=0.9, n_train=1500)
    assert tables.model_comparison_table(new, current, lang).to_dict("list") == expected


def test_model_history_table_has_a_row_per_model_in_order() -> None:
    models = [
        _model("v2", active=False, accuracy=0.9, n_train=1500, params={"criterion": "macro_f1"}),
        _model("v1", active=True, accuracy=0.75, n_train=1200),
    ]
    history = tables.model_history_table(models, "vi")
    shown = ["version", "n_train", "n_labels", "accuracy", "criterion", "active"]
    assert history[shown].to_dict("records") == [
        {
            "version": "v2",
            "n_train": 1500,
            "n_labels": 2,
            "accuracy": "90,0%",
            "criterion": "macro_f1",
            "active": "",
        },
        # An older model does not say which figure chose its settings: nothing is shown.
        {
            "version": "v1",
            "n_train": 1200,
            "n_labels": 2,
            "accuracy": "75,0%",
            "criterion": "",
            "active": "✓",
        },
    ]
    assert history["created_at"].tolist() == [pd.Timestamp("2026-10-01T03:00:00Z")] * 2
