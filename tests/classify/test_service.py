"""The classifier and the store, on SQLite and PostgreSQL: train, store, categorise, review."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, date, datetime

import pytest
import skops.io as sio
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from feedback_analytics.classify import registry, service
from feedback_analytics.classify.evaluation import quality_report
from feedback_analytics.classify.recipe import (
    C_GRID,
    EMBEDDING_C_GRID,
    SCIKIT_LEARN,
    FittedRecipe,
    fit_recipe,
)
from feedback_analytics.classify.text import feedback_text
from feedback_analytics.db import AuditEvent, ClassifierModel, Feedback
from feedback_analytics.demo import generate_demo
from tests.classify.helpers import seed_labelled


@pytest.fixture(scope="module")
def demo_fit() -> FittedRecipe:
    """The recipe fitted once on the labelled demo records that `seed_labelled` stores."""
    frame = generate_demo(400, seed=3, end=date(2026, 10, 31))
    labelled = frame[frame["category"].notna() & (frame["category"] != "")]
    texts = [feedback_text(row) for row in labelled[list(service.TEXT_FIELDS)].itertuples(False)]
    return fit_recipe(texts, labelled["category"].tolist())


@pytest.fixture
def trained(engine: Engine, demo_fit: FittedRecipe) -> service.TrainResult:
    """The demo records in the store and an active model of them (fitted once per module)."""
    seed_labelled(engine, 400)
    now = datetime.now(UTC)
    version = registry.new_version(now)
    report = quality_report(demo_fit.cv_true, demo_fit.cv_pred, labels=demo_fit.labels)
    with Session(engine) as session, session.begin():
        registry.save_model(
            session,
            pipeline=demo_fit.pipeline,
            version=version,
            created_by="test",
            backend="scikit-learn",
            n_train=len(demo_fit.cv_true),
            labels=demo_fit.labels,
            params=demo_fit.params,
            metrics=report,
            now=now,
        )
        registry.activate_model(session, version, now=now)
    return service.TrainResult(
        version, True, len(demo_fit.cv_true), demo_fit.labels, {}, report, 0.0
    )


def test_training_stores_an_active_model_with_its_figures(engine: Engine) -> None:
    seed_labelled(engine, 400)
    trained = service.train_model(engine, created_by="test", activate=True)
    with Session(engine) as session:
        row = session.scalars(select(ClassifierModel)).one()
        human = session.scalar(select(func.count()).where(Feedback.category_source == "human"))
    assert row.active and row.version == trained.version
    assert row.n_train == human == trained.n_train
    assert row.labels == sorted(row.labels) and len(row.labels) == 10
    assert set(row.library_versions) >= {"python", "scikit-learn", "skops"}
    assert 0.5 < row.metrics["accuracy"] <= 1.0
    assert set(row.metrics["per_label"]) == set(row.labels)
    assert sum(map(sum, row.metrics["confusion"])) == row.n_train
    # Chosen by cross-validation from the grid of the backend that trained it.
    assert row.params["C"] in (C_GRID if row.backend == SCIKIT_LEARN else EMBEDDING_C_GRID)


def test_the_stored_model_loads_and_predicts(engine: Engine, trained: service.TrainResult) -> None:
    with Session(engine) as session:
        model = registry.load_active_model(session)
    assert model is not None and model.version == trained.version
    labels, confidence = service.predict_texts(model, ["VPN rớt kết nối liên tục", "vpn drops"])
    assert list(labels) == ["VPN connectivity", "VPN connectivity"]
    assert ((confidence > 0) & (confidence <= 1)).all()


def test_classify_never_overwrites_a_human_label(
    engine: Engine, trained: service.TrainResult
) -> None:
    with Session(engine) as session:
        before = dict(
            session.execute(
                select(Feedback.id, Feedback.category).where(Feedback.category_source == "human")
            ).all()
        )
    result = service.classify_store(engine, threshold=0.5)
    assert result.version == trained.version
    with Session(engine) as session:
        after = dict(
            session.execute(
                select(Feedback.id, Feedback.category).where(Feedback.category_source == "human")
            ).all()
        )
        unlabelled = session.scalar(select(func.count()).where(Feedback.predicted_by.is_(None)))
    assert after == before
    assert result.classified + result.to_review == 400 - len(before)
    # Every record without a human label now carries the model's prediction.
    assert unlabelled == len(before)


def test_below_the_threshold_a_record_goes_to_review_uncategorised(
    engine: Engine, trained: service.TrainResult
) -> None:
    result = service.classify_store(engine, threshold=1.0)
    assert result.classified == 0 and result.to_review > 0
    with Session(engine) as session:
        queue = service.review_queue(session, threshold=1.0, limit=1000)
        assert service.review_count(session, threshold=1.0) == result.to_review == len(queue)
        assert queue["predicted_confidence"].is_monotonic_increasing
        categories = session.scalars(
            select(Feedback.category).where(Feedback.id.in_(queue["id"].tolist()))
        ).all()
    assert set(categories) == {None}
    assert not {"customer_name", "customer_email", "customer_phone"} & set(queue.columns)


def test_a_review_becomes_an_audited_human_label_that_measures_the_model(
    engine: Engine, trained: service.TrainResult
) -> None:
    service.classify_store(engine, threshold=1.0)
    with Session(engine) as session:
        queue = service.review_queue(session, threshold=1.0, limit=2)
    first, second = (int(i) for i in queue["id"])
    right = str(queue["predicted_category"].iloc[0])
    with Session(engine) as session, session.begin():
        service.label_record(session, first, right, actor="reviewer")
        service.label_record(session, second, "  A new theme ", actor="reviewer")
    with Session(engine) as session:
        record = session.get(Feedback, second)
        assert (record.category, record.category_source) == ("A new theme", "human")
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        report = service.corrections(session, trained.version)
        queue_after = service.review_queue(session, threshold=1.0, limit=1000)
    assert [(e.action, e.actor, e.feedback_id) for e in events[-2:]] == [
        ("category.set", "reviewer", first),
        ("category.set", "reviewer", second),
    ]
    assert events[-1].details["to"] == "A new theme"
    assert events[-1].details["predicted_by"] == trained.version
    assert report["n"] == 2
    assert report["per_label"]["A new theme"]["recall"] == 0.0
    assert {first, second}.isdisjoint(set(queue_after["id"]))
    # A reclassification leaves the reviewed records alone.
    service.classify_store(engine, threshold=0.0)
    with Session(engine) as session:
        assert session.get(Feedback, second).category == "A new theme"


@pytest.mark.parametrize("category", ["", "   "])
def test_an_empty_category_is_refused(
    engine: Engine, trained: service.TrainResult, category: str
) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="cannot be empty"):
        service.label_record(session, 1, category, actor="reviewer")


def test_activating_another_model_switches_the_one_active(
    engine: Engine, trained: service.TrainResult
) -> None:
    second = service.train_model(engine, created_by="test", activate=False)
    with Session(engine) as session:
        assert registry.active_version(session) == trained.version
    service.activate(engine, second.version, actor="admin")
    with Session(engine) as session:
        assert registry.active_version(session) == second.version
        assert session.scalar(select(func.count()).where(ClassifierModel.active.is_(True))) == 1
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("model.train") == 1 and "model.activate" in actions


class Intruder:
    """A type no stored model may hold."""


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"not a skops file", "not a readable skops file"),
        (sio.dumps(Intruder()), "holds types this app does not load"),
        (sio.dumps(OrderedDict(a=1)), "not a pipeline"),
    ],
)
def test_a_tampered_model_is_refused(
    engine: Engine, trained: service.TrainResult, blob: bytes, message: str
) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(ClassifierModel).values(blob=blob))
    with Session(engine) as session, pytest.raises(registry.ModelUnusable, match=message):
        registry.load_active_model(session)


def test_no_model_classifies_nothing(engine: Engine) -> None:
    seed_labelled(engine, 50)
    result = service.classify_store(engine, threshold=0.5)
    assert (result.version, result.classified, result.to_review) == (None, 0, 0)
