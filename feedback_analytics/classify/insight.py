"""What a model learnt and why it decided: terms per category, terms behind one prediction,
and new themes among the texts no category fits."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from feedback_analytics.classify.text import WordAnalyzer

# Feature names carry their block's name ("words__wifi"); a person reads the term. Models
# trained before the two spellings shared a block have two word blocks.
_WORD_BLOCKS = ("words__", "words_accented__", "words_plain__")


@dataclass
class ModelTerms:
    """The weights of a fitted pipeline per category and term."""

    pipeline: Pipeline

    @cached_property
    def names(self) -> np.ndarray:
        return np.asarray(self.pipeline.named_steps["features"].get_feature_names_out())

    @cached_property
    def weights(self) -> np.ndarray:
        coef = self.pipeline.named_steps["model"].estimator_.coef_
        coef = coef.toarray() if hasattr(coef, "toarray") else np.asarray(coef)
        # A two-label model has one row of weights: for the second label, against the first.
        return np.vstack([-coef, coef]) / 2 if coef.shape[0] == 1 else coef

    @cached_property
    def is_word(self) -> np.ndarray:
        names = self.names.astype(str)
        return np.logical_or.reduce([np.char.startswith(names, block) for block in _WORD_BLOCKS])

    def _label_index(self, label: str) -> int:
        classes = list(self.pipeline.classes_)
        return classes.index(label)

    def top_terms(self, label: str, count: int = 15) -> list[tuple[str, float]]:
        """Return the words and word pairs that weigh most for `label`, heaviest first."""
        row = np.where(self.is_word, self.weights[self._label_index(label)], -np.inf)
        order = np.argsort(row)[::-1]
        return _distinct_terms(self.names[order], row[order], count)

    def explain(self, text: str, label: str, count: int = 10) -> list[tuple[str, float]]:
        """Return the terms of `text` that pushed it most towards `label`, strongest first."""
        vector = self.pipeline.named_steps["features"].transform([text]).tocoo()
        contribution = vector.data * self.weights[self._label_index(label)][vector.col]
        order = np.argsort(contribution)[::-1]
        words = self.is_word[vector.col[order]] & (contribution[order] > 0)
        return _distinct_terms(
            self.names[vector.col[order]][words], contribution[order][words], count
        )


def _distinct_terms(names: np.ndarray, values: np.ndarray, count: int) -> list[tuple[str, float]]:
    seen: dict[str, float] = {}
    for name, value in zip(names, values, strict=True):
        if not np.isfinite(value):
            break
        term = str(name).split("__", 1)[1]
        if term not in seen:
            seen[term] = float(value)
        if len(seen) == count:
            break
    return list(seen.items())


@dataclass(frozen=True)
class Theme:
    """A group of similar texts: its size, its top terms and a few examples (record ids)."""

    size: int
    terms: list[str]
    example_ids: list[int]


def find_themes(
    ids: list[int], texts: list[str], *, themes: int = 8, terms: int = 8, examples: int = 5
) -> list[Theme]:
    """Return clusters of `texts`, largest first, each with its top terms and closest examples."""
    if len(texts) < 2:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=WordAnalyzer(accents=False, ngram=2), sublinear_tf=True, min_df=2, max_df=0.1
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term occurs in two texts
        return []
    k = max(1, min(themes, len(texts) // 5 or 1))
    model = MiniBatchKMeans(n_clusters=k, n_init=3, random_state=0).fit(matrix)
    names = vectorizer.get_feature_names_out()
    distances = model.transform(matrix)
    # A theme's terms are those it uses more than the texts overall: words every text shares
    # ("khách hàng", "please") would otherwise top every theme.
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    found = []
    for cluster in range(k):
        members = np.flatnonzero(model.labels_ == cluster)
        if len(members) == 0:
            continue
        centre = model.cluster_centers_[cluster] - overall
        closest = members[np.argsort(distances[members, cluster])[:examples]]
        found.append(
            Theme(
                size=len(members),
                terms=[str(names[i]) for i in np.argsort(centre)[::-1][:terms] if centre[i] > 0],
                example_ids=[int(ids[i]) for i in closest],
            )
        )
    return sorted(found, key=lambda theme: theme.size, reverse=True)
