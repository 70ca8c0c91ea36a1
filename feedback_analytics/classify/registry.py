"""Stored models: every trained classifier is a row of `classifier_models`, one of them active.

Models live in the database, not on a disk of one app instance, so every instance uses the
same active model. The pipeline is kept in skops format and loaded with an allow-list: a blob
that holds any other type is refused, so a tampered row cannot run code.
"""

from __future__ import annotations

import io
import logging
import platform
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import skops.io as sio
from sklearn.pipeline import Pipeline
from skops.io.exceptions import UntrustedTypesFoundException
from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer

from feedback_analytics.db import ClassifierModel
from feedback_analytics.errors import ActionableError

log = logging.getLogger(__name__)

# The types of our own code a stored pipeline may hold, beyond what skops trusts by default
# (scikit-learn, NumPy and SciPy types are trusted by skops itself).
TRUSTED_TYPES = frozenset(
    {
        "feedback_analytics.classify.recipe.TemperatureScaledClassifier",
        "feedback_analytics.classify.text.TwinCharAnalyzer",
        "feedback_analytics.classify.text.TwinWordAnalyzer",
        "feedback_analytics.classify.text.WordAnalyzer",
        "feedback_analytics.classify.text.normalize_text",
        "feedback_analytics.classify.text.strip_accents",
        "feedback_analytics.classify.embeddings.SentenceEmbedder",
    }
)
_TRUSTED = sorted(TRUSTED_TYPES)
LIBRARIES = ("scikit-learn", "numpy", "scipy", "skops")


class ModelUnusable(ActionableError):
    """A stored model cannot be loaded; the message says which and why."""


@dataclass(frozen=True)
class LoadedModel:
    """A model ready to predict, with the row it came from."""

    version: str
    pipeline: Pipeline
    labels: list[str]
    # Set when the active model cannot be loaded and this one, active before it, stands in.
    stands_in_for: str | None = None
    problem: str | None = None


def library_versions() -> dict[str, str]:
    """Return the versions of Python and of the libraries a stored model depends on."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        versions[name] = metadata.version(name)
    return versions


def new_version(now: datetime) -> str:
    """Return a model version name for a model trained at `now`."""
    return now.astimezone(UTC).strftime("m%Y%m%d-%H%M%S-%f")


def save_model(
    session: Session,
    *,
    pipeline: Pipeline,
    version: str,
    created_by: str,
    backend: str,
    n_train: int,
    labels: list[str],
    params: dict[str, Any],
    metrics: dict[str, Any],
    now: datetime,
) -> ClassifierModel:
    """Store a trained pipeline (not active yet) and return its row."""
    row = ClassifierModel(
        version=version,
        created_at=now,
        created_by=created_by,
        backend=backend,
        n_train=n_train,
        labels=labels,
        params=params,
        library_versions=library_versions(),
        metrics=metrics,
        # skops writes JSON per vocabulary entry: compressed, a model is ~15x smaller.
        blob=sio.dumps(pipeline, compression=zipfile.ZIP_DEFLATED),
        active=False,
    )
    session.add(row)
    session.flush()
    return row


def activate_model(session: Session, version: str, *, now: datetime) -> ClassifierModel:
    """Make `version` the active model (the others inactive) and return its row."""
    row = session.scalars(select(ClassifierModel).where(ClassifierModel.version == version)).one()
    session.execute(update(ClassifierModel).values(active=False))
    row.active = True
    row.activated_at = now
    session.flush()
    return row


def list_models(session: Session) -> list[ClassifierModel]:
    """Return the stored models' rows, newest first (blobs not loaded)."""
    query = (
        select(ClassifierModel)
        .options(defer(ClassifierModel.blob))
        .order_by(ClassifierModel.created_at.desc(), ClassifierModel.id.desc())
    )
    return list(session.scalars(query))


def active_version(session: Session) -> str | None:
    """Return the active model's version, or None when no model is active."""
    query = select(ClassifierModel.version).where(ClassifierModel.active.is_(True))
    return session.scalars(query).first()


def load_blob(blob: bytes, *, version: str) -> Pipeline:
    """Return the pipeline of a stored blob; refuse one holding a type outside the allow-list.

    One pass: skops refuses, while loading, any type not on the allow-list (listing the types
    first took as long again as loading: about 2.6 s for a model of Banking77's size).
    """
    try:
        pipeline = sio.loads(blob, trusted=_TRUSTED)
    except UntrustedTypesFoundException as exc:
        try:
            unexpected = sorted(set(sio.get_untrusted_types(data=blob)) - TRUSTED_TYPES)
        except Exception:  # noqa: BLE001 - the refusal below says enough
            unexpected = []
        raise ModelUnusable(
            f"model {version} holds types this app does not load: {', '.join(unexpected) or exc}"
        ) from exc
    except Exception as exc:
        if not zipfile.is_zipfile(io.BytesIO(blob)):
            raise ModelUnusable(f"model {version} is not a readable skops file: {exc}") from exc
        raise ModelUnusable(f"model {version} could not be loaded: {exc}") from exc
    if not isinstance(pipeline, Pipeline):
        raise ModelUnusable(f"model {version} is a {type(pipeline).__name__}, not a pipeline")
    return pipeline


def load_model(session: Session, version: str) -> LoadedModel:
    """Return the stored model `version`, loaded.

    A model trained with the embedding extra is refused where the extra is not installed (an
    app instance set up without `make extras`): it would load, then fail on its first text.
    """
    row = session.scalars(select(ClassifierModel).where(ClassifierModel.version == version)).one()
    # The recipe module is loaded with any stored model (its classifier type is in the blob).
    from feedback_analytics.classify import embeddings
    from feedback_analytics.classify.recipe import EMBEDDINGS

    if row.backend == EMBEDDINGS and not embeddings.available():
        raise ModelUnusable(
            f"model {version} uses sentence embeddings, whose optional extra is not "
            "installed here: run `make extras` on this machine, or activate a model trained "
            "with FEEDBACK_CLASSIFIER_BACKEND=scikit-learn"
        )
    return LoadedModel(row.version, load_blob(row.blob, version=row.version), list(row.labels))


def earlier_versions(session: Session, version: str) -> list[str]:
    """Return the other models that were once active, the most recently activated first: the
    ones that may stand in for `version` when it cannot be loaded."""
    query = (
        select(ClassifierModel.version)
        .where(ClassifierModel.version != version, ClassifierModel.activated_at.is_not(None))
        .order_by(ClassifierModel.activated_at.desc(), ClassifierModel.id.desc())
    )
    return list(session.scalars(query))


def load_active_model(session: Session) -> LoadedModel | None:
    """Return the active model, or None when there is none.

    An active model that cannot be loaded (a damaged blob, a type no longer allowed) is
    replaced, for this call, by the most recently active model that loads, marked with
    `stands_in_for` and `problem` so the caller tells an administrator; the active flag stays
    for an administrator to change. ModelUnusable when no earlier model loads either."""
    version = active_version(session)
    if version is None:
        return None
    try:
        return load_model(session, version)
    except ModelUnusable as exc:
        for earlier in earlier_versions(session, version):
            try:
                model = load_model(session, earlier)
            except ModelUnusable:
                continue
            log.warning("the active model cannot be loaded (%s); model %s stands in", exc, earlier)
            return replace(model, stands_in_for=version, problem=str(exc))
        raise
