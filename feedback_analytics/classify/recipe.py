"""The one classifier recipe for any label set: features, a linear model, calibrated confidence.

`fit_recipe` chooses the regularisation, the class weights and the decision rule (and, with
the embedding backend, the embedding block's weight) by stratified cross-validation on the
training data only: for accuracy, or for macro-F1 where the categories are unbalanced (the
model's record says which). It measures the chosen setting on the same out-of-fold
predictions (so the figures shown for a model are cross-validated), fits the temperature that
turns the model's scores into calibrated probabilities on those predictions, and fits the
final model on all the data.

The features are learnt once; the models of the cross-validation are fitted in two threads
(liblinear lets go of the GIL), so training takes about half a minute on Banking77 on a
2-core machine (benchmarks/classifier_quality.py).
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
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from feedback_analytics.classify.text import TwinCharAnalyzer, TwinWordAnalyzer
from feedback_analytics.errors import ActionableError

# Regularisation strengths tried by cross-validation (LinearSVC's C) with Crammer-Singer's
# joint loss over all categories. On Banking77 it beat one-vs-rest by 0.2 point in 3-fold CV on
# the training split (0.9057 against 0.9040, on the two TF-IDF blocks below) and by half a
# point on the test split. Its cost was its tolerance: at liblinear's default (1e-4) a fit took
# three times as long as one-vs-rest; at 1e-2 it takes as long (4.2 s against 12.4 s on all of
# Banking77's training split), for the same test accuracy (0.9192 both; 0.9188 at 3e-2).
C_GRID: tuple[float, ...] = (0.25, 0.5, 1.0)
# More data needs less regularisation: above LARGE records the smallest strength came last on
# the first fold of Banking77 (0.8958 against 0.9057 at C=0.5) and of a generated set of 15,000
# texts in 150 categories (0.9160 against 0.9218), so it is not tried there.
LARGE_C_GRID: tuple[float, ...] = (0.5, 1.0)
MULTI_CLASS: tuple[str, ...] = ("crammer_singer",)
LARGE_TOLERANCE = 1e-2
# Class weights tried where the categories are unbalanced: none, and weights inversely
# proportional to each category's count, which trade some accuracy for the rare categories.
CLASS_WEIGHTS: tuple[str | None, ...] = (None, "balanced")
# Categories are unbalanced when the largest has this many times the smallest's examples; the
# settings are then chosen for macro-F1 (every category counts the same), else for accuracy.
UNBALANCED_FROM = 3.0
# The decision rule where categories are unbalanced: the calibrated log-probabilities minus
# this share of each category's log share of the training data (0: the plain argmax; 1: as if
# every category were equally common), chosen by cross-validation with the settings.
PRIOR_SHIFTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
MAX_FOLDS = 5
# The embedding block's weight beside the TF-IDF blocks, tried by cross-validation, and its
# one regularisation strength. They were measured beside four TF-IDF blocks (a row norm of 2):
# weights 1 to 4 at C=0.15 scored 0.920-0.928 in 3-fold CV on Banking77's training split. The
# two blocks now give a row norm of sqrt(2), so the same balance of words, characters and
# embeddings is the old weight over sqrt(2), at twice the strength. Weight 1/sqrt(2) is there
# for text the English model reads poorly, such as Vietnamese: there the words should
# outweigh the embeddings.
EMBEDDING_WEIGHTS: tuple[float, ...] = (0.7, 1.4, 2.0, 2.8)
EMBEDDING_C_GRID: tuple[float, ...] = (0.3,)
EMBEDDING_WINDOW = 0
# Above this many training records, three folds measure well enough and cost less, and the
# settings race: each is tried on the first fold, and only the best RACE_KEEP go on to the
# others (successive halving). On Banking77, and on it with 10 categories cut to 8 examples
# each, the race chose the setting that all settings on all folds chose, in 60% of the time.
LARGE = 1_000
LARGE_FOLDS = 3
RACE_KEEP = 2
N_JOBS = 2
PARALLEL_FROM = 1_000
MIN_DF_FROM = 200
# A label needs this many examples to be learnt and measured (one per fold at least).
MIN_EXAMPLES = 3
RANDOM_STATE = 0
# Word pairs up to this many words apart: in 5-fold CV on Banking77's training split they
# raised accuracy by half a point over word 1-2-grams alone (0.908 against 0.903).
WORD_PAIR_WINDOW = 10
# Character 2- to 5-grams within words.
CHAR_NGRAMS = (2, 5)
# Progress is counted in units of about one fold's fit: the features take about two.
_FEATURE_UNITS = 2
_FINAL_UNITS = 2

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
    char_ngram: tuple[int, int] = CHAR_NGRAMS,
    min_df: int = 1,
    backend: str = SCIKIT_LEARN,
    embedding_weight: float = 1.0,
) -> FeatureUnion:
    """Return the TF-IDF blocks (words and characters, each term without accents and again as
    written where that differs), and with the embedding backend a block of sentence
    embeddings beside them."""
    blocks: list[tuple[str, Any]] = [
        (
            "words",
            TfidfVectorizer(
                analyzer=TwinWordAnalyzer(window=window),
                # A word pair seen once teaches nothing and would dwarf the vocabulary.
                min_df=min_df,
                sublinear_tf=True,
                dtype=np.float32,
            ),
        ),
        (
            "chars",
            TfidfVectorizer(
                analyzer=TwinCharAnalyzer(ngram_range=char_ngram),
                # Kept even when seen once: a rare category's few examples are often all it
                # has of its own spellings (on Banking77's test split 0.9205 against 0.9198).
                sublinear_tf=True,
                dtype=np.float32,
            ),
        ),
    ]
    if backend == EMBEDDINGS:
        from feedback_analytics.classify.embeddings import SentenceEmbedder

        # Last, so its columns are the matrix's last: `fit_recipe` rescales them per weight.
        blocks.append((EMBEDDING_BLOCK, SentenceEmbedder(weight=embedding_weight)))
    return FeatureUnion(blocks)


class TemperatureScaledClassifier(ClassifierMixin, BaseEstimator):
    """A fitted linear model whose scores become calibrated log-odds, score / temperature plus
    a bias per category (the decision rule), and probabilities by their softmax."""

    def __init__(
        self, estimator: Any = None, temperature: float = 1.0, class_bias: Any = None
    ) -> None:
        self.estimator = estimator
        self.temperature = temperature
        self.class_bias = class_bias

    def fit(self, X: Any, y: Any) -> TemperatureScaledClassifier:
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = self.estimator_.classes_
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        return _scores(self.estimator_.decision_function(X))

    def _log_odds(self, X: Any) -> np.ndarray:
        odds = self.decision_function(X) / self.temperature
        # Models stored before the decision rule existed have no bias.
        bias = getattr(self, "class_bias", None)
        return odds if bias is None else odds + np.asarray(bias)

    def predict_proba(self, X: Any) -> np.ndarray:
        return softmax(self._log_odds(X), axis=1)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self._log_odds(X), axis=1)]


def _scores(decision: np.ndarray) -> np.ndarray:
    # A two-label model gives one score per text; make it one per label.
    return np.c_[-decision, decision] / 2 if decision.ndim == 1 else decision


# (multi-class loss, C, class weight, embedding block's weight or None without that block)
Setting = tuple[str, float, str | None, float | None]


def _linear_model(setting: Setting, *, large: bool) -> LinearSVC:
    multi_class, c, class_weight, _ = setting
    return LinearSVC(
        C=c,
        multi_class=multi_class,
        class_weight=class_weight,
        # Small data fits in a moment at liblinear's own tolerance, and so does one-vs-rest.
        tol=LARGE_TOLERANCE if large and multi_class == "crammer_singer" else 1e-4,
        random_state=RANDOM_STATE,
    )


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
    large: bool,
) -> np.ndarray:
    # Each fold's training part holds every label: each has at least `folds` examples.
    weighted = weigh_last_columns(matrix, width, setting[3])
    model = _linear_model(setting, large=large).fit(weighted[train], y[train])
    return _scores(model.decision_function(weighted[test]))


def _setting_name(setting: Setting) -> str:
    loss, c, class_weight, weight = setting
    return (
        f"{loss} C={c}"
        + ("" if class_weight is None else f" {class_weight}")
        + ("" if weight is None else f" weight={weight}")
    )


def fit_temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """Return the temperature minimising the log-loss of softmax(scores / T) (labels: indexes)."""

    def log_loss(log_t: float) -> float:
        logp = log_softmax(scores / np.exp(log_t), axis=1)
        return float(-logp[np.arange(len(labels)), labels].mean())

    result = minimize_scalar(log_loss, bounds=(-7.0, 5.0), method="bounded")
    return float(np.exp(result.x))


ACCURACY = "accuracy"
MACRO_F1 = "macro_f1"


def score(criterion: str, truth: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    """Return accuracy, or macro-F1 over `classes` categories (indexes), of `predicted`."""
    if criterion == ACCURACY:
        return float((truth == predicted).mean())
    return float(
        f1_score(truth, predicted, labels=np.arange(classes), average="macro", zero_division=0)
    )


def choose_criterion(counts: np.ndarray) -> str:
    """Return the criterion that chooses the settings: macro-F1 where the categories are
    unbalanced (the largest has UNBALANCED_FROM times the smallest's count), else accuracy."""
    return MACRO_F1 if counts.max() >= UNBALANCED_FROM * counts.min() else ACCURACY


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


class _Meter:
    """Progress in units of about one fold's fit, reported as (done, total)."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def add(self, units: int) -> None:
        self.done = min(self.total, self.done + units)
        if self.progress:
            self.progress(self.done, self.total)


def fit_recipe(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    c_grid: Sequence[float] | None = None,
    multi_class: Sequence[str] | None = None,
    class_weights: Sequence[str | None] | None = None,
    embedding_weights: Sequence[float] = EMBEDDING_WEIGHTS,
    window: int | None = None,
    backend: str = SCIKIT_LEARN,
    progress: Progress | None = None,
) -> FittedRecipe:
    """Return the recipe fitted on (texts, labels), with C, the class weights, the decision
    rule and (with the embedding backend) the embedding block's weight chosen by stratified CV.
    `window` is how far apart word pairs are read (0: none): WORD_PAIR_WINDOW by default,
    EMBEDDING_WINDOW with the embedding backend."""
    started = time.perf_counter()
    if window is None:
        window = WORD_PAIR_WINDOW if backend == SCIKIT_LEARN else EMBEDDING_WINDOW
    x_all = np.asarray(texts, dtype=object)
    y_all = np.asarray(labels, dtype=object).astype(str)
    names, counts = np.unique(y_all, return_counts=True)
    skipped = {str(n): int(c) for n, c in zip(names, counts, strict=True) if c < MIN_EXAMPLES}
    keep = ~np.isin(y_all, list(skipped))
    x, y = x_all[keep], y_all[keep]
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise TooFewExamples(
            f"training needs at least 2 categories with {MIN_EXAMPLES} or more labelled records "
            f"each; there are {len(classes)}"
            + (f" (too few examples: {', '.join(sorted(skipped))})" if skipped else "")
        )
    large = len(y) > LARGE
    folds = min(LARGE_FOLDS if large else MAX_FOLDS, int(counts.min()))
    splits = list(
        StratifiedKFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE).split(x, y)
    )
    y_index = np.searchsorted(classes, y)
    criterion = choose_criterion(counts)
    if c_grid is None:
        c_grid = (
            (LARGE_C_GRID if large else C_GRID) if backend == SCIKIT_LEARN else EMBEDDING_C_GRID
        )
    if multi_class is None:
        # Beside the embeddings, Crammer-Singer's joint loss doubled the fit time (see above).
        multi_class = MULTI_CLASS if backend == SCIKIT_LEARN else ("ovr",)
    if class_weights is None:
        class_weights = CLASS_WEIGHTS if criterion == MACRO_F1 else (None,)
    with_embeddings = backend == EMBEDDINGS
    weights: Sequence[float | None] = tuple(embedding_weights) if with_embeddings else (None,)
    # Listed fastest first (balanced weights and larger C fit more slowly): a tie goes to the
    # earlier.
    settings: list[Setting] = [
        (loss, c, class_weight, weight)
        for loss in multi_class
        for class_weight in class_weights
        for c in c_grid
        for weight in weights
    ]
    race = large and len(settings) > RACE_KEEP
    fits = (len(settings) + RACE_KEEP * (folds - 1)) if race else len(settings) * folds
    meter = _Meter(_FEATURE_UNITS + fits + _FINAL_UNITS, progress)
    # The vocabulary and IDF weights use no label, so they are learnt once from all the
    # training texts; only the supervised model is refitted per fold and setting.
    # Terms must occur twice once the data is large enough for that to leave a vocabulary.
    # The embedding block is embedded once, at weight 1; each weight tried rescales its columns.
    features = build_features(
        window=window, min_df=2 if len(y) >= MIN_DF_FROM else 1, backend=backend
    )
    matrix = sp.csr_matrix(features.fit_transform(x))
    meter.add(_FEATURE_UNITS)
    width = _embedding_width(features)
    oof = {st: np.zeros((len(y), len(classes)), dtype=np.float64) for st in settings}

    def cross_validate(chosen: list[Setting], which: list[int]) -> None:
        tasks = [(st, i) for i in which for st in chosen]
        # liblinear lets go of the GIL while it fits: threads share the matrix, uncopied.
        parallel = Parallel(
            n_jobs=N_JOBS if len(y) > PARALLEL_FROM else 1, prefer="threads", return_as="generator"
        )
        done = parallel(
            delayed(_fold_scores)(matrix, y_index, st, *splits[i], width, large) for st, i in tasks
        )
        for (st, i), scores in zip(tasks, done, strict=True):
            oof[st][splits[i][1]] = scores
            meter.add(1)

    def measured(st: Setting, which: list[int]) -> float:
        rows = np.concatenate([splits[i][1] for i in which])
        predicted = oof[st][rows].argmax(axis=1)
        return score(criterion, y_index[rows], predicted, len(classes))

    def ranked(chosen: list[Setting], which: list[int]) -> list[Setting]:
        return sorted(chosen, key=lambda st: (-measured(st, which), settings.index(st)))

    cv_scores: dict[str, float] = {}
    if race:
        cross_validate(settings, [0])
        first = ranked(settings, [0])
        finalists = first[:RACE_KEEP]
        cv_scores |= {f"{_setting_name(st)} (first fold)": measured(st, [0]) for st in first}
        cross_validate(finalists, list(range(1, folds)))
    else:
        finalists = settings
        cross_validate(settings, list(range(folds)))
    every = list(range(folds))
    cv_scores |= {_setting_name(st): measured(st, every) for st in finalists}
    best = ranked(finalists, every)[0]
    temperature = fit_temperature(oof[best], y_index)
    odds = oof[best] / temperature
    shift = choose_prior_shift(odds, y_index, counts, criterion)
    bias = -shift * np.log(counts / counts.sum()) if shift else None
    if bias is not None:
        # The shifted log-odds are calibrated again; their argmax, the decision, stays.
        sharpness = fit_temperature(odds + bias, y_index)
        temperature *= sharpness
        bias = bias / sharpness
        odds = oof[best] / temperature + bias
    proba = softmax(odds, axis=1)
    model = TemperatureScaledClassifier(
        _linear_model(best, large=large), temperature=temperature, class_bias=bias
    ).fit(weigh_last_columns(matrix, width, best[3]), y)
    if best[3] is not None:
        # The stored pipeline embeds new texts at the weight the model was fitted with.
        features.set_params(**{f"{EMBEDDING_BLOCK}__weight": best[3]})
    # Both steps are fitted already: the pipeline only chains them for prediction.
    pipeline = Pipeline([("features", features), ("model", model)])
    meter.add(_FINAL_UNITS)
    return FittedRecipe(
        pipeline=pipeline,
        params={
            "backend": backend,
            "criterion": criterion,
            "multi_class": best[0],
            "C": best[1],
            "class_weight": best[2],
            "prior_shift": shift,
            **({} if best[3] is None else {"embedding_weight": best[3]}),
            "window": window,
            "folds": folds,
            "temperature": temperature,
        },
        labels=[str(c) for c in classes],
        skipped_labels=skipped,
        cv_true=y,
        cv_pred=classes[proba.argmax(axis=1)],
        cv_confidence=proba.max(axis=1),
        cv_scores=cv_scores,
        fit_seconds=time.perf_counter() - started,
    )


def choose_prior_shift(
    odds: np.ndarray, truth: np.ndarray, counts: np.ndarray, criterion: str
) -> float:
    """Return the share of the log prior to take off the calibrated log-odds that scores best
    on the cross-validated predictions (0 when the criterion is accuracy)."""
    if criterion == ACCURACY:
        return 0.0
    log_prior = np.log(counts / counts.sum())
    scored = [
        (score(criterion, truth, (odds - shift * log_prior).argmax(axis=1), len(counts)), -i)
        for i, shift in enumerate(PRIOR_SHIFTS)
    ]
    return PRIOR_SHIFTS[-max(scored)[1]]
