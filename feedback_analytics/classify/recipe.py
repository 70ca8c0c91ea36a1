"""The one classifier recipe for any label set: features, a linear model, calibrated confidence.

`fit_recipe` chooses the regularisation (and, with the embedding backend, the embedding
block's weight) by stratified cross-validation on the training data only, measures the chosen
setting on the same out-of-fold predictions (so the figures shown for a model are
cross-validated), fits the temperature that turns the model's scores into calibrated
probabilities on those predictions, and fits the final model on all the data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from feedback_analytics.classify.text import WordAnalyzer, normalize_text, strip_accents
from feedback_analytics.errors import ActionableError

# Regularisation strengths tried by cross-validation (LinearSVC's C), each with both of
# LinearSVC's multi-class losses: one-vs-rest, and Crammer-Singer's joint loss over all labels
# (slower to fit, and on many similar labels the more accurate: in 3-fold CV on Banking77's
# training split 0.907 against 0.904). Cross-validation picks; a tie goes to the faster.
# Crammer-Singer's solver slows down steeply as C grows (on Banking77 the whole fit took 621 s
# with C=1 among its settings, 401 s without), so it tries only the smaller strengths.
C_GRID: tuple[float, ...] = (0.25, 0.5, 1.0)
MULTI_CLASS: tuple[str, ...] = ("ovr", "crammer_singer")
CRAMMER_SINGER_MAX_C = 0.5
MAX_FOLDS = 5
# The embedding block's weight beside the TF-IDF blocks, tried by cross-validation.
# The four TF-IDF blocks (words and characters, accented and accent-free) give a row norm of 2,
# so 2.8 is the pull that weight 2 has beside one pair of blocks. In 3-fold CV on Banking77's
# training split every weight from 2 to 4 with C from 0.1 to 1, with or without word pairs,
# one-vs-rest or Crammer-Singer, scored 0.924-0.929: the embeddings carry what word pairs and
# the joint loss add to TF-IDF alone. So beside them the words are read as 1-2-grams only (a
# quarter less fit time, CV 0.9283 against 0.9279 with pairs), with one-vs-rest only
# (Crammer-Singer, 0.9292 at weight 2.8, doubled each fit and took the whole to 115 s), at one
# strength: C=0.15 scored at or above C=0.25 for every weight (2: 0.9264 and 0.9264; 2.8:
# 0.9283 and 0.9274; 4: 0.9274 and 0.9272). Each weight costs three fits of about 7 s on
# Banking77, against a budget of two minutes for the whole fit on a 2-core machine. Weight 1
# (CV 0.9199 on Banking77) is there for text the English model reads poorly, such as
# Vietnamese: there the words should outweigh the embeddings.
EMBEDDING_WEIGHTS: tuple[float, ...] = (1.0, 2.0, 2.8, 4.0)
EMBEDDING_C_GRID: tuple[float, ...] = (0.15,)
EMBEDDING_WINDOW = 0
# Above this many training records, three folds measure well enough and cost less.
LARGE = 1_000
LARGE_FOLDS = 3
N_JOBS = 2
PARALLEL_FROM = 1_000
MIN_DF_FROM = 200
# A label needs this many examples to be learnt and measured (one per fold at least).
MIN_EXAMPLES = 3
RANDOM_STATE = 0
# Word pairs up to this many words apart: in 5-fold CV on Banking77's training split they
# raised accuracy by half a point over word 1-2-grams alone (0.908 against 0.903).
WORD_PAIR_WINDOW = 10

Progress = Callable[[int, int], None]


SCIKIT_LEARN = "scikit-learn"
EMBEDDINGS = "scikit-learn+minilm"
EMBEDDING_BLOCK = "embedding"


def choose_backend(requested: str) -> str:
    """Return the backend to train with: the embedding block when asked or, for "auto",
    when its optional extra is installed; else the pure scikit-learn recipe."""
    from feedback_analytics.classify import embeddings

    if requested == SCIKIT_LEARN:
        return SCIKIT_LEARN
    if requested == EMBEDDINGS and not embeddings.available():
        raise ActionableError(
            "the embedding backend needs its optional extra: run `make extras`, or set "
            "FEEDBACK_CLASSIFIER_BACKEND=auto"
        )
    return EMBEDDINGS if embeddings.available() else SCIKIT_LEARN


def build_features(
    *,
    window: int = WORD_PAIR_WINDOW,
    char_ngram: tuple[int, int] = (2, 5),
    min_df: int = 1,
    backend: str = SCIKIT_LEARN,
    embedding_weight: float = 1.0,
) -> FeatureUnion:
    """Return the TF-IDF blocks (words and characters, on the accented and accent-free text),
    and with the embedding backend a block of sentence embeddings beside them."""
    blocks: list[tuple[str, Any]] = []
    for accents, tag, prepare in (
        (True, "accented", normalize_text),
        (False, "plain", strip_accents),
    ):
        blocks.append(
            (
                f"words_{tag}",
                TfidfVectorizer(
                    analyzer=WordAnalyzer(accents=accents, ngram=2, window=window),
                    # A word pair seen once teaches nothing and would dwarf the vocabulary.
                    min_df=min_df,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            )
        )
        blocks.append(
            (
                f"chars_{tag}",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=char_ngram,
                    preprocessor=prepare,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            )
        )
    if backend == EMBEDDINGS:
        from feedback_analytics.classify.embeddings import SentenceEmbedder

        # Last, so its columns are the matrix's last: `fit_recipe` rescales them per weight.
        blocks.append((EMBEDDING_BLOCK, SentenceEmbedder(weight=embedding_weight)))
    return FeatureUnion(blocks)


class TemperatureScaledClassifier(ClassifierMixin, BaseEstimator):
    """A fitted linear model whose scores become probabilities as softmax(score / temperature)."""

    def __init__(self, estimator: Any = None, temperature: float = 1.0) -> None:
        self.estimator = estimator
        self.temperature = temperature

    def fit(self, X: Any, y: Any) -> TemperatureScaledClassifier:
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = self.estimator_.classes_
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        return _scores(self.estimator_.decision_function(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        return softmax(self.decision_function(X) / self.temperature, axis=1)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


def _scores(decision: np.ndarray) -> np.ndarray:
    # A two-label model gives one score per text; make it one per label.
    return np.c_[-decision, decision] / 2 if decision.ndim == 1 else decision


# (multi-class loss, C, embedding block's weight or None without that block)
Setting = tuple[str, float, float | None]


def _linear_model(setting: Setting) -> LinearSVC:
    multi_class, c, _ = setting
    return LinearSVC(C=c, multi_class=multi_class, random_state=RANDOM_STATE)


def weigh_last_columns(matrix: Any, width: int, weight: float | None) -> Any:
    """Return `matrix` (built with the last `width` columns at weight 1) with those columns
    multiplied by `weight`; unchanged when `weight` is None."""
    if weight is None:
        return matrix
    scale = np.ones(matrix.shape[1], dtype=matrix.dtype)
    scale[matrix.shape[1] - width :] = weight
    # A sparse diagonal product: no block is embedded again, and the result stays CSR.
    return sp.csr_matrix(matrix @ sp.diags(scale, format="csr"))


def _fold_scores(
    matrix: Any,
    y: np.ndarray,
    setting: Setting,
    train: np.ndarray,
    test: np.ndarray,
    width: int,
) -> np.ndarray:
    # Each fold's training part holds every label: each has at least `folds` examples.
    weighted = weigh_last_columns(matrix, width, setting[2])
    model = _linear_model(setting).fit(weighted[train], y[train])
    return _scores(model.decision_function(weighted[test]))


def _setting_name(setting: Setting) -> str:
    loss, c, weight = setting
    return f"{loss} C={c}" + ("" if weight is None else f" weight={weight}")


def fit_temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """Return the temperature minimising the log-loss of softmax(scores / T) (labels: indexes)."""

    def log_loss(log_t: float) -> float:
        logp = log_softmax(scores / np.exp(log_t), axis=1)
        return float(-logp[np.arange(len(labels)), labels].mean())

    result = minimize_scalar(log_loss, bounds=(-7.0, 5.0), method="bounded")
    return float(np.exp(result.x))


def _embedding_width(features: FeatureUnion) -> int:
    # The width of the embedding block (the matrix's last columns), 0 without one.
    blocks = dict(features.transformer_list)
    if EMBEDDING_BLOCK not in blocks:
        return 0
    return len(blocks[EMBEDDING_BLOCK].get_feature_names_out())


@dataclass
class FittedRecipe:
    """The trained pipeline, the settings chosen, and its cross-validated predictions."""

    pipeline: Pipeline
    params: dict[str, Any]
    labels: list[str]
    skipped_labels: dict[str, int]
    cv_true: np.ndarray
    cv_pred: np.ndarray
    cv_confidence: np.ndarray
    cv_scores: dict[str, float] = field(default_factory=dict)
    fit_seconds: float = 0.0


class TooFewExamples(ActionableError, ValueError):
    """The labelled data cannot train a classifier; the message says what is missing."""


def fit_recipe(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    c_grid: Sequence[float] | None = None,
    multi_class: Sequence[str] | None = None,
    embedding_weights: Sequence[float] = EMBEDDING_WEIGHTS,
    window: int | None = None,
    backend: str = SCIKIT_LEARN,
    progress: Progress | None = None,
) -> FittedRecipe:
    """Return the recipe fitted on (texts, labels), with the multi-class loss, C and (with the
    embedding backend) the embedding block's weight chosen by stratified CV. `window` is how far
    apart word pairs are read (0: none): WORD_PAIR_WINDOW by default, EMBEDDING_WINDOW with the
    embedding backend."""
    started = time.perf_counter()
    if window is None:
        window = WORD_PAIR_WINDOW if backend == SCIKIT_LEARN else EMBEDDING_WINDOW
    x_all = np.asarray(texts, dtype=object)
    y_all = np.asarray(labels, dtype=object).astype(str)
    names, counts = np.unique(y_all, return_counts=True)
    skipped = {str(n): int(c) for n, c in zip(names, counts, strict=True) if c < MIN_EXAMPLES}
    keep = ~np.isin(y_all, list(skipped))
    x, y = x_all[keep], y_all[keep]
    classes = np.unique(y)
    if len(classes) < 2:
        raise TooFewExamples(
            f"training needs at least 2 categories with {MIN_EXAMPLES} or more labelled records "
            f"each; there are {len(classes)}"
            + (f" (too few examples: {', '.join(sorted(skipped))})" if skipped else "")
        )
    folds = min(
        MAX_FOLDS if len(y) <= LARGE else LARGE_FOLDS,
        int(np.unique(y, return_counts=True)[1].min()),
    )
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE)
    index = {label: i for i, label in enumerate(classes)}
    y_index = np.array([index[v] for v in y])
    total = 3
    # The vocabulary and IDF weights use no label, so they are learnt once from all the
    # training texts; only the supervised model is refitted per fold and setting.
    # Terms must occur twice once the data is large enough for that to leave a vocabulary.
    # The embedding block is embedded once, at weight 1; each weight tried rescales its columns.
    features = build_features(
        window=window, min_df=2 if len(y) >= MIN_DF_FROM else 1, backend=backend
    )
    matrix = sp.csr_matrix(features.fit_transform(x))
    if progress:
        progress(1, total)
    width = _embedding_width(features)
    if multi_class is None:
        # Beside the embeddings, Crammer-Singer's joint loss doubles the fit time (see above).
        multi_class = MULTI_CLASS if backend == SCIKIT_LEARN else ("ovr",)
    if c_grid is None:
        c_grid = C_GRID if backend == SCIKIT_LEARN else EMBEDDING_C_GRID
    weights: Sequence[float | None] = tuple(embedding_weights) if width else (None,)
    settings: list[Setting] = [
        (loss, c, weight)
        for loss in multi_class
        for c in c_grid
        for weight in weights
        if loss != "crammer_singer" or c <= CRAMMER_SINGER_MAX_C
    ]
    tasks = [(st, train, test) for train, test in splitter.split(x, y) for st in settings]
    # Worker processes pay off only when each fit is long.
    fold_scores = Parallel(n_jobs=N_JOBS if len(y) > PARALLEL_FROM else 1)(
        delayed(_fold_scores)(matrix, y_index, st, train, test, width) for st, train, test in tasks
    )
    oof = {st: np.zeros((len(y), len(classes)), dtype=np.float64) for st in settings}
    for (st, _, test), scores in zip(tasks, fold_scores, strict=True):
        oof[st][test] = scores
    if progress:
        progress(2, total)
    accuracy = {st: float((oof[st].argmax(axis=1) == y_index).mean()) for st in settings}
    # Settings are listed fastest first: on a tie the earlier wins.
    best = max(settings, key=lambda st: (accuracy[st], -settings.index(st)))
    temperature = fit_temperature(oof[best], y_index)
    proba = softmax(oof[best] / temperature, axis=1)
    model = TemperatureScaledClassifier(_linear_model(best), temperature=temperature).fit(
        weigh_last_columns(matrix, width, best[2]), y
    )
    if best[2] is not None:
        # The stored pipeline embeds new texts at the weight the model was fitted with.
        features.set_params(**{f"{EMBEDDING_BLOCK}__weight": best[2]})
    # Both steps are fitted already: the pipeline only chains them for prediction.
    pipeline = Pipeline([("features", features), ("model", model)])
    if progress:
        progress(total, total)
    return FittedRecipe(
        pipeline=pipeline,
        params={
            "backend": backend,
            "multi_class": best[0],
            "C": best[1],
            **({} if best[2] is None else {"embedding_weight": best[2]}),
            "window": window,
            "folds": folds,
            "temperature": temperature,
        },
        labels=[str(c) for c in classes],
        skipped_labels=skipped,
        cv_true=y,
        cv_pred=classes[proba.argmax(axis=1)],
        cv_confidence=proba.max(axis=1),
        cv_scores={_setting_name(st): a for st, a in accuracy.items()},
        fit_seconds=time.perf_counter() - started,
    )
