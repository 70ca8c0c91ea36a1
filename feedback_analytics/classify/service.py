"""The classifier and the store: train on human labels, categorise the rest, review, explain.

A prediction never overwrites a human label. A confident prediction becomes the record's
category (source "model"); a prediction below the review threshold leaves the record
uncategorised and puts it in the review queue. Either way the prediction is kept in
`predicted_*`, so that once a person decides, the decision measures the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from feedback_analytics.audit import record_event
from feedback_analytics.classify.evaluation import quality_report
from feedback_analytics.classify.recipe import Progress, choose_backend, fit_recipe
from feedback_analytics.classify.registry import (
    LoadedModel,
    activate_model,
    list_models,
    load_active_model,
    new_version,
    save_model,
)
from feedback_analytics.classify.text import feedback_text
from feedback_analytics.config import get_settings
from feedback_analytics.db import ClassifierModel, Feedback
from feedback_analytics.ingest.values import FEEDBACK_TEXTS
from feedback_analytics.metrics import UNCATEGORISED

TEXT_FIELDS = FEEDBACK_TEXTS
CHUNK = 5_000


def _now() -> datetime:
    return datetime.now(UTC)


def _texts(frame: pd.DataFrame) -> list[str]:
    return [feedback_text(parts) for parts in frame[list(TEXT_FIELDS)].itertuples(index=False)]


def human_labelled(session: Session) -> pd.DataFrame:
    """Return the records with a human category: id, text, category (the training data)."""
    query = select(Feedback.id, *(getattr(Feedback, f) for f in TEXT_FIELDS), Feedback.category)
    query = query.where(Feedback.category_source == "human", Feedback.category.is_not(None))
    frame = pd.DataFrame(session.execute(query.order_by(Feedback.id)).all())
    if frame.empty:
        return pd.DataFrame({"id": [], "text": [], "category": []})
    frame["text"] = _texts(frame)
    frame["category"] = frame["category"].str.strip()
    return frame.loc[frame["category"] != "", ["id", "text", "category"]]


@dataclass(frozen=True)
class TrainResult:
    """A model trained and stored: its version, whether it is active, its CV figures."""

    version: str
    active: bool
    n_train: int
    labels: list[str]
    skipped_labels: dict[str, int]
    metrics: dict[str, Any]
    fit_seconds: float

    def as_json(self) -> dict[str, Any]:
        """Return the result as the `train --json` object."""
        return {
            "version": self.version,
            "active": self.active,
            "n_train": self.n_train,
            "n_labels": len(self.labels),
            "skipped_labels": self.skipped_labels,
            "accuracy": self.metrics["accuracy"],
            "macro_f1": self.metrics["macro_f1"],
            "weighted_f1": self.metrics["weighted_f1"],
            "fit_seconds": self.fit_seconds,
        }


def train_model(
    engine: Engine,
    *,
    created_by: str,
    activate: bool,
    progress: Progress | None = None,
    max_records: int | None = None,
) -> TrainResult:
    """Train the recipe on the human labels, store the model (activated if asked), return it.

    `max_records` trains on a sample of that many labelled records, every category kept in
    proportion (the demo's quick first model); by default every label is used.
    """
    with Session(engine) as session:
        data = human_labelled(session)
    if max_records is not None and len(data) > max_records:
        data = data.groupby("category", group_keys=False).sample(
            frac=max_records / len(data), random_state=0
        )
    backend = choose_backend(get_settings().classifier_backend)
    fitted = fit_recipe(
        data["text"].tolist(), data["category"].tolist(), backend=backend, progress=progress
    )
    report = quality_report(fitted.cv_true, fitted.cv_pred, labels=fitted.labels)
    report["cv"] = fitted.cv_scores
    now = _now()
    version = new_version(now)
    with Session(engine) as session, session.begin():
        save_model(
            session,
            pipeline=fitted.pipeline,
            version=version,
            created_by=created_by,
            backend=backend,
            n_train=len(fitted.cv_true),
            labels=fitted.labels,
            params={**fitted.params, "skipped_labels": fitted.skipped_labels},
            metrics=report,
            now=now,
        )
        if activate:
            activate_model(session, version, now=now)
        record_event(session, actor=created_by, action="model.train", details={"version": version})
    return TrainResult(
        version=version,
        active=activate,
        n_train=len(fitted.cv_true),
        labels=fitted.labels,
        skipped_labels=fitted.skipped_labels,
        metrics=report,
        fit_seconds=fitted.fit_seconds,
    )


def activate(engine: Engine, version: str, *, actor: str) -> None:
    """Make `version` the active model."""
    with Session(engine) as session, session.begin():
        activate_model(session, version, now=_now())
        record_event(session, actor=actor, action="model.activate", details={"version": version})


@dataclass(frozen=True)
class ClassifyResult:
    """What `classify` did: records categorised, sent to review, and the model used."""

    version: str | None
    classified: int
    to_review: int
    threshold: float
    # The active model, when it could not be loaded and `version` stood in for it, and why.
    stands_in_for: str | None = None
    problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the result as the `classify --json` object."""
        return {
            "model_version": self.version,
            "classified": self.classified,
            "to_review": self.to_review,
            "threshold": self.threshold,
        }


def _unlabelled_chunks(
    session: Session, *, ids: list[int] | None, skip_version: str | None
) -> Iterator[pd.DataFrame]:
    not_human = or_(Feedback.category_source.is_(None), Feedback.category_source != "human")
    if skip_version is not None:
        not_human = and_(
            not_human,
            or_(Feedback.predicted_by.is_(None), Feedback.predicted_by != skip_version),
        )
    last = 0
    while True:
        query = select(Feedback.id, *(getattr(Feedback, f) for f in TEXT_FIELDS)).where(
            not_human, Feedback.id > last
        )
        if ids is not None:
            query = query.where(Feedback.id.in_(ids))
        rows = session.execute(query.order_by(Feedback.id).limit(CHUNK)).all()
        if not rows:
            return
        frame = pd.DataFrame(rows)
        last = int(frame["id"].iloc[-1])
        yield frame


def predict_texts(model: LoadedModel, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the predicted category and its probability for each text."""
    proba = model.pipeline.predict_proba(texts)
    classes = model.pipeline.classes_
    best = proba.argmax(axis=1)
    return classes[best], proba[np.arange(len(texts)), best]


def classify_store(
    engine: Engine,
    *,
    threshold: float,
    ids: list[int] | None = None,
    only_new: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ClassifyResult:
    """Categorise every record without a human label (or those of `ids`) with the active model.

    `only_new` leaves out the records the active model has already predicted: what an import
    added is categorised without predicting the whole store again.
    """
    with Session(engine) as session:
        model = load_active_model(session)
    if model is None:
        return ClassifyResult(None, 0, 0, threshold)
    classified = to_review = 0
    with Session(engine) as session, session.begin():
        skip = model.version if only_new else None
        for frame in _unlabelled_chunks(session, ids=ids, skip_version=skip):
            labels, confidence = predict_texts(model, _texts(frame))
            confident = confidence >= threshold
            now = _now()
            rows = [
                {
                    "fid": int(i),
                    "category": str(label) if sure else None,
                    "category_source": "model" if sure else None,
                    "category_confidence": float(p) if sure else None,
                    "model_version": model.version if sure else None,
                    "predicted_category": str(label),
                    "predicted_confidence": float(p),
                    "predicted_by": model.version,
                    "updated_at": now,
                }
                for i, label, p, sure in zip(
                    frame["id"], labels, confidence, confident, strict=True
                )
            ]
            _update_by_id(session, rows)
            classified += int(confident.sum())
            to_review += int((~confident).sum())
            if progress:
                progress(classified + to_review)
    return ClassifyResult(
        model.version, classified, to_review, threshold, model.stands_in_for, model.problem
    )


def _update_by_id(session: Session, rows: list[dict[str, Any]]) -> None:
    table = cast(Table, Feedback.__table__)
    values: dict[str, Any] = {k: bindparam(k) for k in rows[0] if k != "fid"}
    # A human label given meanwhile (another session) is never overwritten.
    statement = (
        update(table)
        .where(table.c.id == bindparam("fid"))
        .where(or_(table.c.category_source.is_(None), table.c.category_source != "human"))
        .values(**values)
    )
    session.connection().execute(statement, rows)


REVIEW_COLUMNS = (
    "id",
    "external_id",
    "channel",
    "received_at",
    "product",
    "current_feature",
    "proposal",
    "reason",
    "predicted_category",
    "predicted_confidence",
    "category",
    "category_source",
)


def _review_filter(threshold: float) -> Any:
    return and_(
        or_(Feedback.category_source.is_(None), Feedback.category_source != "human"),
        Feedback.predicted_confidence.is_not(None),
        Feedback.predicted_confidence < threshold,
    )


def review_queue(session: Session, *, threshold: float, limit: int = 50) -> pd.DataFrame:
    """Return the records awaiting review, lowest confidence first (no personal data)."""
    query = (
        select(*(getattr(Feedback, c) for c in REVIEW_COLUMNS))
        .where(_review_filter(threshold))
        .order_by(Feedback.predicted_confidence, Feedback.id)
        .limit(limit)
    )
    return pd.DataFrame(session.execute(query).all(), columns=list(REVIEW_COLUMNS))


def review_count(session: Session, *, threshold: float) -> int:
    """Return how many records await review."""
    count = session.scalar(select(func.count(Feedback.id)).where(_review_filter(threshold)))
    return int(count or 0)


class UnknownRecord(LookupError):
    """No feedback has that id."""


def label_record(
    session: Session, feedback_id: int, category: str, *, actor: str, action: str = "category.set"
) -> None:
    """Give a record a human category (audited); a blank category is refused."""
    category = category.strip()
    if not category:
        raise ValueError("a category cannot be empty: choose one or type a new one")
    record = session.get(Feedback, feedback_id)
    if record is None:
        raise UnknownRecord(f"no feedback has id {feedback_id}")
    before = {"category": record.category, "source": record.category_source}
    record.category = category
    record.category_source = "human"
    record.category_confidence = None
    record.model_version = None
    record.updated_at = _now()
    record_event(
        session,
        actor=actor,
        action=action,
        feedback_id=feedback_id,
        details={
            "from": before["category"],
            "from_source": before["source"],
            "to": category,
            "predicted": record.predicted_category,
            "predicted_confidence": record.predicted_confidence,
            "predicted_by": record.predicted_by,
        },
    )


CATEGORY_COLUMNS = (
    "id",
    "external_id",
    "channel",
    "received_at",
    "product",
    "current_feature",
    "category_source",
    "category_confidence",
    "model_version",
)


def records_in_category(session: Session, category: str, *, limit: int = 200) -> pd.DataFrame:
    """Return the newest records of `category` with its source and confidence (no personal
    data); "uncategorised" gives the records without a category."""
    columns = [getattr(Feedback, c) for c in CATEGORY_COLUMNS]
    which = (
        Feedback.category.is_(None) if category == UNCATEGORISED else Feedback.category == category
    )
    query = select(*columns).where(which).order_by(Feedback.received_at.desc()).limit(limit)
    return pd.DataFrame(session.execute(query).all(), columns=list(CATEGORY_COLUMNS))


def theme_candidates(session: Session, *, threshold: float, limit: int = 3_000) -> pd.DataFrame:
    """Return the newest texts no category fits yet: uncategorised or below the threshold."""
    not_human = or_(Feedback.category_source.is_(None), Feedback.category_source != "human")
    doubtful = or_(
        Feedback.category.is_(None),
        and_(Feedback.predicted_confidence.is_not(None), Feedback.predicted_confidence < threshold),
    )
    query = (
        select(Feedback.id, *(getattr(Feedback, f) for f in TEXT_FIELDS))
        .where(not_human, doubtful)
        .order_by(Feedback.received_at.desc())
        .limit(limit)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=["id", *TEXT_FIELDS])
    frame["text"] = _texts(frame) if len(frame) else []
    return frame[["id", "text"]]


def corrections(session: Session, version: str) -> dict[str, Any]:
    """Return the model's quality against the human labels given to what it predicted."""
    query = select(Feedback.category, Feedback.predicted_category).where(
        Feedback.predicted_by == version,
        Feedback.category_source == "human",
        Feedback.category.is_not(None),
    )
    rows = session.execute(query).all()
    return quality_report([r[0] for r in rows], [r[1] for r in rows])


def model_rows(session: Session) -> list[ClassifierModel]:
    """Return the stored models, newest first."""
    return list_models(session)
