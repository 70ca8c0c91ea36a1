"""A stored model that cannot be loaded: the previous one categorises, and the admin is told.

A corrupt model refused with its reason is covered in tests/classify (test_service.py,
test_cli_classify.py); here an earlier model stands in for it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline, make_pipeline
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from feedback_analytics.classify import embeddings, registry, service
from feedback_analytics.classify.recipe import EMBEDDINGS
from feedback_analytics.db import ClassifierModel, Feedback
from tests.classify.helpers import seed_labelled
from tests.test_cli import cli


def small_pipeline(engine: Engine) -> Pipeline:
    """Return a quick text classifier fitted on the store's human labels (not the recipe,
    whose cross-validation takes seconds: any stored pipeline is loaded the same way)."""
    with Session(engine) as session:
        labelled = service.human_labelled(session)
    pipeline = make_pipeline(TfidfVectorizer(), MultinomialNB())
    return pipeline.fit(labelled["text"].tolist(), labelled["category"].tolist())


def store_active_model(
    engine: Engine, pipeline: Pipeline, *, now: datetime, backend: str = "scikit-learn"
) -> str:
    """Store `pipeline` as the active model trained at `now`; return its version."""
    version = registry.new_version(now)
    with Session(engine) as session, session.begin():
        registry.save_model(
            session,
            pipeline=pipeline,
            version=version,
            created_by="test",
            backend=backend,
            n_train=1,
            labels=[str(label) for label in pipeline.classes_],
            params={},
            metrics={},
            now=now,
        )
        registry.activate_model(session, version, now=now)
    return version


def test_a_corrupt_active_model_falls_back_to_the_previous_one(sqlite_engine: Engine) -> None:
    seed_labelled(sqlite_engine, 300)
    pipeline = small_pipeline(sqlite_engine)
    now = datetime.now(UTC)
    previous = store_active_model(sqlite_engine, pipeline, now=now - timedelta(days=1))
    broken = store_active_model(sqlite_engine, pipeline, now=now)
    with Session(sqlite_engine) as session, session.begin():
        session.execute(
            update(ClassifierModel)
            .where(ClassifierModel.version == broken)
            .values(blob=b"PK\x03\x04 cut off by a failing disk")
        )
    done = cli("classify", "--json", db=Path(str(sqlite_engine.url.database)))
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert broken in done.stderr and previous in done.stderr  # the admin reads which and why
    assert json.loads(done.stdout)["model_version"] == previous
    unlabelled = or_(Feedback.category_source.is_(None), Feedback.category_source != "human")
    with Session(sqlite_engine) as session:
        used = session.scalars(select(Feedback.predicted_by).where(unlabelled)).all()
    assert used and set(used) == {previous}


def test_a_model_of_the_embedding_extra_on_an_instance_without_it_falls_back(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another instance, set up with `make extras`, trained and activated it; this one has no
    # torch. Loading would succeed and the first text would fail: it must not get that far.
    monkeypatch.setattr(embeddings, "available", lambda: False)
    seed_labelled(sqlite_engine, 300)
    pipeline = small_pipeline(sqlite_engine)
    now = datetime.now(UTC)
    previous = store_active_model(sqlite_engine, pipeline, now=now - timedelta(days=1))
    embedding = store_active_model(sqlite_engine, pipeline, now=now, backend=EMBEDDINGS)
    with Session(sqlite_engine) as session:
        model = registry.load_active_model(session)
    assert model is not None and model.version == previous
    assert model.stands_in_for == embedding
    assert model.problem is not None and "make extras" in model.problem
    result = service.classify_store(sqlite_engine, threshold=0.5)
    assert result.version == previous and result.classified + result.to_review > 0
