"""The classifier's pages' data: the active model (cached per version), its terms, the
review queue, the models' history, the category figures from the metric engine, and the
training run the Classifier page follows."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_analytics import metrics, tables
from feedback_analytics.classify import registry, service, training
from feedback_analytics.classify.insight import ModelTerms
from feedback_analytics.classify.training import TrainingBusy, TrainingStatus
from feedback_analytics.db import ClassifierModel, Feedback
from feedback_analytics.i18n import CATALOGUE, format_duration, t
from feedback_analytics.ui.data import StoreFacts, _events_of, get_engine, settings
from feedback_analytics.ui.session import require_viewer
from feedback_analytics.ui.text import escape_markdown

# Who acts in the app until sign-in names the person (issue 5's access control).
# Other app instances train and activate too: the active version is read again this often.
_MODEL_TTL_SECONDS = 30


@st.cache_data(ttl=_MODEL_TTL_SECONDS, show_spinner=False)
def _active_version(url: str) -> str | None:
    with Session(get_engine()) as session:
        return registry.active_version(session)


@st.cache_data(ttl=_MODEL_TTL_SECONDS, show_spinner=False)
def _earlier_versions(url: str, version: str) -> list[str]:
    with Session(get_engine()) as session:
        return registry.earlier_versions(session, version)


def active_version() -> str | None:
    """Return the version of the model the pages use (None when no model is active): the
    active one, or, when it cannot be loaded, the most recently active one that can (as the
    command line's classify does; the Classifier page tells an administrator)."""
    url = settings().db_url
    version = _active_version(url)
    if version is None or _loads(url, version):
        return version
    return next((v for v in _earlier_versions(url, version) if _loads(url, v)), version)


def _loads(url: str, version: str) -> bool:
    try:
        _model(url, version)
    except registry.ModelUnusable:
        return False
    return True


def stored_active_version() -> str | None:
    """Return the version marked active, whether or not it loads."""
    return _active_version(settings().db_url)


@st.cache_resource(max_entries=3, show_spinner=False)
def _model(url: str, version: str) -> ModelTerms:
    with Session(get_engine()) as session:
        return ModelTerms(registry.load_model(session, version).pipeline)


def model_terms(version: str) -> ModelTerms | None:
    """Return the stored model `version` with its terms; None (and a warning) when unusable."""
    try:
        return _model(settings().db_url, version)
    except registry.ModelUnusable as exc:
        st.warning(escape_markdown(exc), icon=":material/warning:")
        return None


def model_history() -> list[Any]:
    """Return the stored models' rows, newest first (fresh: the Model page changes them)."""
    with Session(get_engine()) as session:
        rows = service.model_rows(session)
        session.expunge_all()
        return rows


def corrections(version: str) -> dict[str, Any]:
    """Return the model's quality against the human decisions on its predictions."""
    with Session(get_engine()) as session:
        return service.corrections(session, version)


def review_queue(limit: int = 200) -> tuple[pd.DataFrame, int]:
    """Return the records awaiting review (lowest confidence first) and how many there are."""
    threshold = settings().review_threshold
    with Session(get_engine()) as session:
        return (
            service.review_queue(session, threshold=threshold, limit=limit),
            service.review_count(session, threshold=threshold),
        )


def record_texts(feedback_id: int) -> dict[str, Any] | None:
    """Return one record's texts and category fields (no personal data), None when unknown."""
    columns = [getattr(Feedback, name) for name in service.REVIEW_COLUMNS]
    with Session(get_engine()) as session:
        row = session.execute(select(*columns).where(Feedback.id == feedback_id)).first()
    return None if row is None else dict(row._mapping)


def known_categories(data: StoreFacts) -> list[str]:
    """Return the categories the store holds, sorted."""
    values = data.frame["category"].dropna().astype(str)
    return sorted(v for v in values.unique() if v.strip())


def category_months(data: StoreFacts, months: list[str]) -> pd.DataFrame:
    """Return intake per month and category over `months` (month, value, count)."""
    url = settings().db_url
    return _category_months(url, data.version, data.as_of, data.policy_json, tuple(months))


@st.cache_data(max_entries=8, show_spinner=False)
def _category_months(
    url: str, version: str, as_of: Any, policy_json: str, months: tuple[str, ...]
) -> pd.DataFrame:
    events = _events_of(url, version, as_of, policy_json)
    return metrics.intake_by_month(
        events, dimension="category", months=list(months), tz=settings().tz
    )


def category_records(category: str, *, limit: int = 200) -> pd.DataFrame:
    """Return the newest records of a category with their source and confidence."""
    with Session(get_engine()) as session:
        return service.records_in_category(session, category, limit=limit)


def label(feedback_id: int, category: str) -> None:
    """Give a record a human category (audited) and forget what the pages cached."""
    with Session(get_engine()) as session, session.begin():
        service.label_record(session, feedback_id, category, actor=require_viewer().actor)
    st.cache_data.clear()


# The session state of the run the Classifier page follows, and what it says once it ended.
_FOLLOWED = "training_followed"
MESSAGE = "model_message"
PROBLEM = "model_problem"
NOTICE = "model_notice"


def training_to_follow(lang: str) -> TrainingStatus | None:
    """Return the newest training run while it runs (whoever started it: this session then
    follows it), else None; once a run this session followed has ended, leave what came of it
    in the session state (MESSAGE, PROBLEM or NOTICE) for the page to say once."""
    run = training.training_status(get_engine())
    if run is not None and run.running:
        st.session_state[_FOLLOWED] = run.id
        return run
    followed = st.session_state.pop(_FOLLOWED, None)
    if followed is not None:
        _tell_outcome(training.run_status(get_engine(), int(followed)), lang)
    return None


def _tell_outcome(run: TrainingStatus, lang: str) -> None:
    if run.state == "done":
        model = next((row for row in model_history() if row.version == run.version), None)
        if model is not None:
            st.session_state["model_new"] = model.version
            st.session_state[MESSAGE] = trained_message(model, lang)
    elif run.state == "cancelled":
        st.session_state[NOTICE] = t("model.training_cancelled", lang)
    elif run.state == training.STOPPED:
        st.session_state[PROBLEM] = t("model.training_stopped", lang)
    else:
        reason = escape_markdown(run.error or "")
        st.session_state[PROBLEM] = t("model.training_failed", lang, reason=reason)


def trained_message(model: ClassifierModel, lang: str) -> str:
    """Return what the page says of a model just trained: its version and figures."""
    return t(
        "model.trained",
        lang,
        version=escape_markdown(model.version),
        accuracy=tables.format_share(model.metrics["accuracy"], lang),
        macro_f1=tables.format_share(model.metrics["macro_f1"], lang),
    )


def run_status(run_id: int) -> TrainingStatus:
    """Return the training run `run_id` as it is now."""
    return training.run_status(get_engine(), run_id)


def start_training() -> bool:
    """Start training a model in a process of its own, as the signed-in person; return False
    when one is running already (another session's, or another app instance's)."""
    try:
        run_id = training.start_training(get_engine(), actor=require_viewer().actor)
    except TrainingBusy:
        return False
    st.session_state[_FOLLOWED] = run_id
    return True


def cancel_training(run_id: int) -> None:
    """Ask the training run to stop (audited as the signed-in person)."""
    training.cancel_training(get_engine(), run_id, actor=require_viewer().actor)


def progress_text(run: TrainingStatus, lang: str) -> str:
    """Return the progress bar's text: the share done and the time probably left (or that it
    is being estimated, or that the model is being stored)."""
    if run.total > 0 and run.done >= run.total:
        return t("model.training_storing", lang)
    percent = round(100 * run.fraction)
    if run.seconds_left is None:
        return t("model.training_estimating", lang, percent=percent)
    left = format_duration(run.seconds_left, lang)
    return t("model.training_left", lang, percent=percent, left=left)


def criterion_text(model: ClassifierModel, lang: str) -> str | None:
    """Return which figure chose the model's settings, in words; None when it does not say."""
    criterion = (model.params or {}).get("criterion")
    if not criterion:
        return None
    key = f"criterion.{criterion}"
    name = t(key, lang) if key in CATALOGUE else escape_markdown(criterion)
    return t("model.criterion", lang, criterion=name)
