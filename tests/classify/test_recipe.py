"""The recipe: learns any label set, reads Vietnamese with or without accents, says how sure."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from feedback_analytics.classify import embeddings
from feedback_analytics.classify.embeddings import DIM
from feedback_analytics.classify.evaluation import calibration_error, quality_report
from feedback_analytics.classify.recipe import (
    ACCURACY,
    C_GRID,
    EMBEDDING_C_GRID,
    EMBEDDING_WINDOW,
    EMBEDDINGS,
    MACRO_F1,
    PRIOR_SHIFTS,
    RACE_KEEP,
    WORD_PAIR_WINDOW,
    FittedRecipe,
    TemperatureScaledClassifier,
    TooFewExamples,
    choose_criterion,
    choose_prior_shift,
    fit_recipe,
    weigh_last_columns,
)

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


@pytest.mark.parametrize("multi_class", [("crammer_singer",), ("ovr",), ("ovr", "crammer_singer")])
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
    assert fitted.params["C"] in C_GRID
    assert fitted.params["multi_class"] in multi_class
    # Every loss asked for was cross-validated at every strength.
    assert set(fitted.cv_scores) == {f"{loss} C={c}" for loss in multi_class for c in C_GRID}
    assert fitted.params["temperature"] > 0
    # Balanced categories: the settings were chosen for accuracy, with no class weights.
    assert fitted.params["criterion"] == ACCURACY
    assert (fitted.params["class_weight"], fitted.params["prior_shift"]) == (None, 0.0)
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


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        (None, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
        (2.0, [[1.0, 4.0, 6.0], [4.0, 10.0, 12.0]]),
        (0.5, [[1.0, 1.0, 1.5], [4.0, 2.5, 3.0]]),
    ],
)
def test_weigh_last_columns(weight: float | None, expected: list) -> None:
    matrix = sp.csr_matrix(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    weighted = weigh_last_columns(matrix, 2, weight)
    assert sp.issparse(weighted)
    np.testing.assert_allclose(weighted.toarray(), expected)


class StandInEncoder:
    """A sentence model for tests without torch: the texts it knows point one way per label."""

    def __init__(self, directions: dict[str, int]) -> None:
        self.directions = directions

    def encode(self, docs: list[str], **_: object) -> np.ndarray:
        vectors = np.full((len(docs), DIM), 0.01, dtype=np.float32)
        for row, doc in enumerate(docs):
            vectors[row, self.directions.get(doc, DIM - 1)] = 1.0
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_the_embedding_weight_is_chosen_by_cross_validation_and_kept_for_prediction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Made-up words carry no label, so only the embedding block can tell the labels apart:
    # at a negligible weight it cannot outweigh the TF-IDF noise, at 4 it decides.
    rng = np.random.default_rng(0)
    texts = ["".join(rng.choice(list("bcdfghjklmnpqrstvwxz"), 8)) for _ in range(24)]
    labels = ["left", "right"] * 12
    directions = {t: 0 if lab == "left" else 1 for t, lab in zip(texts, labels, strict=True)}
    encoder = StandInEncoder(directions)
    monkeypatch.setattr(embeddings, "_model", lambda: encoder)
    fitted = fit_recipe(texts, labels, backend=EMBEDDINGS, embedding_weights=(0.001, 4.0))
    assert fitted.params["embedding_weight"] == 4.0
    assert set(fitted.cv_scores) == {
        f"ovr C={c} weight={w}" for c in EMBEDDING_C_GRID for w in (0.001, 4.0)
    }
    assert max(fitted.cv_scores.values()) == 1.0
    assert min(fitted.cv_scores.values()) < 1.0
    # The stored pipeline embeds new texts at the chosen weight, as the model was fitted.
    block = dict(fitted.pipeline.named_steps["features"].transformer_list)["embedding"]
    assert block.weight == 4.0
    assert list(fitted.pipeline.predict(texts)) == labels


def word_pairs(fitted: FittedRecipe) -> list[str]:
    blocks = dict(fitted.pipeline.named_steps["features"].transformer_list)
    return [term for term in blocks["words"].vocabulary_ if " _ " in term]


def test_beside_the_embeddings_the_words_are_read_without_word_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embeddings, "_model", lambda: StandInEncoder({}))
    texts, labels = WIFI + BILLING, ["wifi"] * 6 + ["billing"] * 6
    with_embeddings = fit_recipe(texts, labels, backend=EMBEDDINGS)
    assert with_embeddings.params["window"] == EMBEDDING_WINDOW == 0
    assert word_pairs(with_embeddings) == []
    alone = fit_recipe(texts, labels, multi_class=("ovr",))
    assert alone.params["window"] == WORD_PAIR_WINDOW
    assert "hoa _ thang" in word_pairs(alone)


def test_the_pure_recipe_has_no_embedding_weight() -> None:
    fitted = fit_recipe(WIFI + BILLING, ["wifi"] * 6 + ["billing"] * 6, multi_class=("ovr",))
    assert "embedding_weight" not in fitted.params
    assert set(fitted.cv_scores) == {f"ovr C={c}" for c in C_GRID}


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([50, 50, 50], ACCURACY),
        ([100, 40], ACCURACY),
        ([90, 30], MACRO_F1),
        ([500, 480, 12], MACRO_F1),
    ],
)
def test_unbalanced_categories_are_judged_by_macro_f1(counts: list, expected: str) -> None:
    assert choose_criterion(np.array(counts)) == expected


def test_the_decision_rule_favours_a_rare_category_only_where_that_raises_macro_f1() -> None:
    # 90 records of "a", 10 of "b"; every "b" is scored just below "a".
    counts = np.array([90, 10])
    truth = np.array([0] * 90 + [1] * 10)
    odds = np.zeros((100, 2))
    odds[:90, 0] = 3.0
    odds[90:, 0] = 0.5
    shift = choose_prior_shift(odds, truth, counts, MACRO_F1)
    assert shift > 0
    predicted = (odds - shift * np.log(counts / counts.sum())).argmax(axis=1)
    assert (predicted == truth).all()
    # Judged by accuracy, or where the plain rule is best already, there is no shift.
    assert choose_prior_shift(odds, truth, counts, ACCURACY) == 0.0
    odds[90:, 1] = 5.0
    assert choose_prior_shift(odds, truth, counts, MACRO_F1) == PRIOR_SHIFTS[0] == 0.0


def test_unbalanced_categories_try_class_weights_and_say_so() -> None:
    texts = WIFI * 5 + BILLING
    labels = ["wifi"] * 30 + ["billing"] * 6
    fitted = fit_recipe(texts, labels, multi_class=("ovr",))
    assert fitted.params["criterion"] == MACRO_F1
    assert set(fitted.cv_scores) == {
        f"ovr C={c}{weight}" for c in C_GRID for weight in ("", " balanced")
    }
    assert fitted.params["class_weight"] in (None, "balanced")
    assert fitted.params["prior_shift"] in PRIOR_SHIFTS


def synthetic(rng: np.random.Generator, categories: int, per_category: int) -> tuple:
    texts, labels = [], []
    for k in range(categories):
        own = [f"w{k}x{i}" for i in range(6)]
        for _ in range(per_category):
            words = list(rng.choice(own, 3)) + [f"common{i}" for i in rng.integers(0, 40, 4)]
            texts.append(" ".join(words))
            labels.append(f"c{k}")
    return texts, labels


def test_on_large_data_the_settings_race_and_progress_reaches_the_end() -> None:
    texts, labels = synthetic(np.random.default_rng(0), categories=4, per_category=260)
    reports: list[tuple[int, int]] = []
    fitted = fit_recipe(
        texts, labels, c_grid=(0.25, 0.5, 1.0), progress=lambda d, t: reports.append((d, t))
    )
    # All three strengths on the first fold; only the best RACE_KEEP on every fold.
    first = [name for name in fitted.cv_scores if name.endswith("(first fold)")]
    whole = [name for name in fitted.cv_scores if not name.endswith("(first fold)")]
    assert len(first) == 3
    assert len(whole) == RACE_KEEP
    assert f"{fitted.params['multi_class']} C={fitted.params['C']}" in whole
    assert fitted.params["folds"] == 3
    done = [d for d, _ in reports]
    assert done == sorted(done)
    assert reports[-1][0] == reports[-1][1] == reports[0][1]
    assert (fitted.cv_pred == fitted.cv_true).mean() > 0.9


def test_a_model_stored_before_the_decision_rule_still_predicts() -> None:
    fitted = fit_recipe(WIFI + BILLING, ["wifi"] * 6 + ["billing"] * 6)
    model = fitted.pipeline.named_steps["model"]
    expected = fitted.pipeline.predict_proba(["wifi yeu"])
    assert isinstance(model, TemperatureScaledClassifier)
    assert model.class_bias is None
    del model.class_bias  # as a model stored before it existed is loaded
    np.testing.assert_allclose(fitted.pipeline.predict_proba(["wifi yeu"]), expected)
