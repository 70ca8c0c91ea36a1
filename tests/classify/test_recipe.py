"""The recipe: learns any label set, reads Vietnamese with or without accents, says how sure."""

from __future__ import annotations

import numpy as np
import pytest

from feedback_analytics.classify.evaluation import calibration_error, quality_report
from feedback_analytics.classify.recipe import MULTI_CLASS, TooFewExamples, fit_recipe

WIFI = [
    "Wi-Fi yếu ở phòng họp tầng 3",
    "sóng wifi chập chờn, hay mất kết nối",
    "the wifi drops every afternoon",
    "Mạng không dây rớt liên tục",
    "weak wifi signal in the warehouse",
    "wifi mất kết nối khi di chuyển giữa các tầng",
]
BILLING = [
    "Hóa đơn tháng này tính sai tiền",
    "bị trừ tiền hai lần trong hóa đơn",
    "the invoice amount is wrong",
    "charged twice on my bill",
    "Hóa đơn điện tử gửi chậm",
    "sai số tiền trên hóa đơn VAT",
]


@pytest.mark.parametrize("multi_class", [MULTI_CLASS, *((loss,) for loss in MULTI_CLASS)])
def test_learns_two_categories_and_reads_text_typed_without_accents(
    multi_class: tuple[str, ...],
) -> None:
    fitted = fit_recipe(WIFI + BILLING, ["wifi"] * 6 + ["billing"] * 6, multi_class=multi_class)
    assert fitted.labels == ["billing", "wifi"]
    predicted = fitted.pipeline.predict(["mat ket noi wifi", "hoa don tinh sai tien"])
    assert list(predicted) == ["wifi", "billing"]
    proba = fitted.pipeline.predict_proba(["song wifi yeu"])
    assert proba.shape == (1, 2)
    assert proba.sum() == pytest.approx(1.0)
    assert fitted.params["C"] in (0.25, 0.5, 1.0)
    assert fitted.params["multi_class"] in multi_class
    # Every loss asked for was cross-validated; Crammer-Singer only at the smaller strengths.
    assert {setting.split()[0] for setting in fitted.cv_scores} == set(multi_class)
    assert "crammer_singer C=1.0" not in fitted.cv_scores
    assert fitted.params["temperature"] > 0
    # Cross-validated predictions cover every training record.
    assert len(fitted.cv_pred) == len(fitted.cv_true) == 12


def test_a_label_with_too_few_examples_is_left_out_and_named() -> None:
    fitted = fit_recipe(
        [*WIFI, *BILLING, "router firmware upgrade failed"],
        ["wifi"] * 6 + ["billing"] * 6 + ["firmware"],
    )
    assert fitted.skipped_labels == {"firmware": 1}
    assert "firmware" not in fitted.labels


@pytest.mark.parametrize(
    ("texts", "labels"),
    [
        (WIFI, ["wifi"] * 6),
        (WIFI[:2] + BILLING[:2], ["wifi", "wifi", "billing", "billing"]),
    ],
)
def test_too_few_labels_are_refused_with_what_is_missing(texts: list, labels: list) -> None:
    with pytest.raises(TooFewExamples, match="at least 2 categories"):
        fit_recipe(texts, labels)


def test_quality_report_counts_per_label() -> None:
    report = quality_report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report["accuracy"] == 0.75
    assert report["labels"] == ["a", "b"]
    assert report["confusion"] == [[1, 1], [0, 2]]
    assert report["per_label"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert report["per_label"]["b"]["precision"] == pytest.approx(2 / 3)
    assert report["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_quality_report_of_nothing_is_null_not_zero() -> None:
    report = quality_report([], [])
    assert (report["n"], report["accuracy"], report["macro_f1"]) == (0, None, None)


@pytest.mark.parametrize(
    ("confidence", "correct", "expected"),
    [
        ([0.9, 0.9], [True, True], 0.1),
        ([1.0, 1.0], [True, False], 0.5),
        ([0.6, 0.6, 0.6, 0.6, 0.6], [True, True, True, False, False], 0.0),
    ],
)
def test_calibration_error(confidence: list, correct: list, expected: float) -> None:
    assert calibration_error(np.array(confidence), np.array(correct)) == pytest.approx(expected)


def test_the_backend_follows_the_setting_and_the_installed_extra() -> None:
    from feedback_analytics.classify import embeddings
    from feedback_analytics.classify.recipe import EMBEDDINGS, SCIKIT_LEARN, choose_backend
    from feedback_analytics.errors import ActionableError

    assert choose_backend("scikit-learn") == SCIKIT_LEARN
    if embeddings.available():
        assert choose_backend("auto") == choose_backend(EMBEDDINGS) == EMBEDDINGS
    else:
        assert choose_backend("auto") == SCIKIT_LEARN
        with pytest.raises(ActionableError, match="make extras"):
            choose_backend(EMBEDDINGS)
