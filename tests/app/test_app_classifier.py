"""The quality team's pages: Categories, Review queue and Classifier, driven through widgets."""

from __future__ import annotations

import pytest
from app_support import new_app, seed_demo, texts
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.classify import registry, service
from feedback_analytics.config import get_settings
from feedback_analytics.db import AuditEvent, ClassifierModel, Feedback

PAGES = ("views/categories.py", "views/review.py", "views/classifier.py")


def shown_text(at: AppTest) -> str:
    return texts(at) + "\n" + "\n".join(str(e.value) for e in at.text)


def open_page(page: str) -> AppTest:
    at = new_app().run()
    at.switch_page(page).run()
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
    assert "trained: accuracy" in texts(at)
    with Session(store_engine) as session:
        versions = session.scalars(select(ClassifierModel.version)).all()
        assert registry.active_version(session) == trained_store
    new = next(v for v in versions if v != trained_store)
    assert at.selectbox(key="model_pick").value == new
    at.button(key="activate").click().run()
    assert not at.exception
    assert f"Model {new} is active" in texts(at)
    with Session(store_engine) as session:
        assert registry.active_version(session) == new
        predicted_by = session.scalar(select(func.count()).where(Feedback.predicted_by == new))
    assert predicted_by > 0


def test_retraining_without_labels_says_why(store_engine: Engine) -> None:
    at = open_page("views/classifier.py")
    at.button(key="retrain").click().run()
    assert not at.exception
    assert "at least 2 categories" in texts(at)
