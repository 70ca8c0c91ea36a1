"""The quality team's pages: Categories, Review queue and Classifier, driven through widgets."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from app_support import new_app, seed_demo, texts
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.classify import registry, service, training
from feedback_analytics.classify.training import TrainingStatus
from feedback_analytics.config import get_settings
from feedback_analytics.db import AuditEvent, ClassifierModel, Feedback
from feedback_analytics.ui import classifier
from tests.classify.helpers import wait_for_exit
from tests.hostile import displayed

PAGES = ("views/categories.py", "views/review.py", "views/classifier.py")


def shown_text(at: AppTest) -> str:
    return texts(at) + "\n" + "\n".join(str(e.value) for e in at.text)


def open_page(page: str) -> AppTest:
    at = new_app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def training_shown(at: AppTest) -> str:
    """Return the progress bar's text the page shows (failing when it shows none)."""
    bars = at.get("progress")
    assert len(bars) == 1, "no progress bar"
    return str(bars[0].proto.text)


def training_ended(at: AppTest, engine: Engine) -> AppTest:
    """Wait for the training process the page started to end, then run the page again."""
    run = training.training_status(engine)
    assert run is not None and run.pid is not None
    wait_for_exit(run.pid)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def everything_to_review(monkeypatch: pytest.MonkeyPatch) -> None:
    """A threshold no prediction reaches: every record without a human label awaits review."""
    monkeypatch.setenv("FEEDBACK_REVIEW_THRESHOLD", "1.0")
    get_settings.cache_clear()


@pytest.fixture
def trained_store(store_engine: Engine) -> str:
    seed_demo(store_engine, 400)
    result = service.train_model(store_engine, created_by="test", activate=True)
    service.classify_store(store_engine, threshold=get_settings().review_threshold)
    return result.version


@pytest.mark.parametrize("page", PAGES)
def test_each_page_says_what_to_do_without_a_model(store_engine: Engine, page: str) -> None:
    seed_demo(store_engine, 60)
    at = open_page(page)
    shown = shown_text(at)
    assert "No classifier is active yet" in shown or "Nothing to review" in shown


def test_categories_show_terms_records_and_themes(trained_store: str) -> None:
    at = open_page("views/categories.py")
    assert len(at.get("plotly_chart")) == 2
    at.selectbox(key="category").select("VPN connectivity").run()
    terms = [str(e.value) for e in at.text]
    assert any("vpn" in term for term in terms), terms
    table = at.dataframe[0].value
    assert len(table) > 0
    assert not {"customer_name", "customer_email", "customer_phone"} & set(table.columns)
    at.button(key="find_themes").click().run()
    assert not at.exception
    assert at.expander or "Too few uncategorised" in texts(at)


def test_a_reviewer_confirms_a_category_in_a_few_clicks(
    everything_to_review: None, trained_store: str, store_engine: Engine
) -> None:
    at = open_page("views/review.py")
    assert "records await review" in texts(at)
    feedback_id = int(at.selectbox(key="review_record").value)
    assert (
        at.selectbox(key=f"review_choice_{feedback_id}").value
        == (at.dataframe[0].value.set_index("id").at[feedback_id, "predicted_category"])
    )
    at.selectbox(key=f"review_choice_{feedback_id}").select("Billing & invoices")
    at.main.button[0].click().run()
    assert not at.exception
    assert f"Record {feedback_id} is now 'Billing & invoices'" in texts(at)
    with Session(store_engine) as session:
        record = session.get(Feedback, feedback_id)
        assert (record.category, record.category_source) == ("Billing & invoices", "human")
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.feedback_id == feedback_id)
        ).one()
    assert event.action == "category.set" and event.details["to"] == "Billing & invoices"
    # The next record is up, from its own suggestion: the one reviewed has left the queue.
    following = int(at.selectbox(key="review_record").value)
    assert following != feedback_id
    assert at.text_input(key=f"review_new_{following}").value == ""


def test_a_reviewer_can_name_a_new_category(
    everything_to_review: None, trained_store: str, store_engine: Engine
) -> None:
    at = open_page("views/review.py")
    feedback_id = int(at.selectbox(key="review_record").value)
    at.text_input(key=f"review_new_{feedback_id}").input("Fiber outage")
    at.main.button[0].click().run()
    with Session(store_engine) as session:
        assert session.get(Feedback, feedback_id).category == "Fiber outage"


def test_why_this_category_lists_the_words_of_the_text(
    everything_to_review: None, trained_store: str
) -> None:
    at = open_page("views/review.py")
    why = [str(e.value) for e in at.expander[0].text]
    assert why, "no terms under 'Why this category'"
    assert all("(+" in line for line in why)


def test_the_model_page_retrains_compares_and_activates(
    trained_store: str, store_engine: Engine
) -> None:
    at = open_page("views/classifier.py")
    shown = texts(at)
    assert f"Active model {trained_store}" in shown
    assert at.dataframe[0].value["label"].tolist()[0] != ""
    at.button(key="retrain").click().run()
    assert not at.exception
    # The training runs in a process of its own; the page follows it.
    assert training_shown(at).startswith("Training…")
    assert "Started by admin@example.test" in texts(at)
    assert at.button(key="training_cancel")
    assert not [b for b in at.button if b.key == "retrain"]
    training_ended(at, store_engine)
    assert "trained: accuracy" in texts(at)
    assert not at.get("progress")
    with Session(store_engine) as session:
        versions = session.scalars(select(ClassifierModel.version)).all()
        assert registry.active_version(session) == trained_store
    new = next(v for v in versions if v != trained_store)
    assert "New model beside the active one" in texts(at)
    assert at.selectbox(key="model_pick").value == new
    at.button(key="activate").click().run()
    assert not at.exception
    assert f"Model {new} is active" in texts(at)
    with Session(store_engine) as session:
        assert registry.active_version(session) == new
        predicted_by = session.scalar(select(func.count()).where(Feedback.predicted_by == new))
    assert predicted_by > 0


def test_anyone_opening_the_page_sees_the_training_and_can_cancel_it(
    store_engine: Engine,
) -> None:
    seed_demo(store_engine, 200)
    run_id = training.start_training(store_engine, actor="someone@example.test")
    at = open_page("views/classifier.py")
    assert training_shown(at).startswith("Training…")
    assert "Started by someone@example.test" in texts(at)
    at.button(key="training_cancel").click().run()
    assert not at.exception
    assert "Cancelling…" in texts(at)
    training_ended(at, store_engine)
    assert "The training was cancelled; no model was stored." in texts(at)
    assert training.run_status(store_engine, run_id).state == "cancelled"
    with Session(store_engine) as session:
        assert session.scalar(select(func.count(ClassifierModel.id))) == 0


def test_no_second_training_starts_while_one_runs(store_engine: Engine) -> None:
    at = open_page("views/classifier.py")
    seed_demo(store_engine, 200)
    run_id = training.start_training(store_engine, actor="someone@example.test")
    # Clicked in a page opened before the other training started: the page shows that one.
    at.button(key="retrain").click().run()
    assert not at.exception
    assert training_shown(at).startswith("Training…")
    assert not [b for b in at.button if b.key == "retrain"]
    assert training.training_status(store_engine).id == run_id
    training.cancel_training(store_engine, run_id, actor="someone@example.test")
    training_ended(at, store_engine)


def test_the_quality_table_counts_training_labels_and_warns_of_too_few(
    trained_store: str, store_engine: Engine
) -> None:
    with Session(store_engine) as session, session.begin():
        model = session.scalars(
            select(ClassifierModel).where(ClassifierModel.version == trained_store)
        ).one()
        # As the recipe records which figure chose the settings (older models do not say).
        model.params = {**model.params, "criterion": "macro_f1"}
        supports = {label: f["support"] for label, f in model.metrics["per_label"].items()}
    few = [label for label, n in supports.items() if n < 30]
    assert 0 < len(few) < len(supports), supports  # the store has categories of both kinds
    at = open_page("views/classifier.py")
    quality = at.dataframe[0]
    assert json.loads(quality.proto.columns)["training_labels"]["label"] == "Training labels"
    counts = dict(zip(quality.value["label"], quality.value["training_labels"], strict=True))
    assert counts == {label: str(n) for label, n in supports.items()}
    (warning,) = [displayed(str(w.value)) for w in at.warning if "training labels" in w.value]
    assert warning.startswith(
        f"Fewer than 30 training labels in {len(few)} of {len(supports)} categories"
    )
    named = warning.split("label more records of ")[1].removesuffix(".").split(", ")
    assert named == sorted(few, key=supports.__getitem__)
    assert "Its settings were chosen by macro-F1 in cross-validation." in texts(at)
    assert at.dataframe[-1].value["criterion"].tolist() == ["macro-F1"]


def test_retraining_without_labels_says_why(store_engine: Engine) -> None:
    at = open_page("views/classifier.py")
    at.button(key="retrain").click().run()
    assert not at.exception
    training_ended(at, store_engine)
    assert "Training failed: training needs at least 2 categories" in texts(at)


def _run(done: int, total: int, left: float | None) -> TrainingStatus:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    return TrainingStatus(
        id=1,
        state="running",
        started_by="someone@example.test",
        started_at=at,
        done=done,
        total=total,
        elapsed=10.0,
        seconds_left=left,
        finished_at=None,
        version=None,
        error=None,
        cancel_requested=False,
        pid=None,
    )


@pytest.mark.parametrize(
    ("run", "lang", "expected"),
    [
        (_run(0, 0, None), "en", "Training… 0% · estimating…"),
        (_run(1, 40, None), "en", "Training… 2% · estimating…"),
        (_run(10, 40, 95.4), "en", "Training… 25% · about 1 min 35 s left"),
        (_run(30, 40, 12.0), "vi", "Đang huấn luyện… 75% · còn khoảng 12 giây"),
        (_run(40, 40, 0.0), "en", "Training… 100% · storing the model…"),
    ],
)
def test_progress_text(run: TrainingStatus, lang: str, expected: str) -> None:
    assert classifier.progress_text(run, lang) == expected
