"""A stored model that cannot be loaded, as the pages meet it: an earlier one stands in and the
Classifier page tells the administrator."""

from __future__ import annotations

import streamlit as st
from app_support import new_app, seed_demo, texts
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from feedback_analytics.classify import service
from feedback_analytics.db import ClassifierModel
from tests.hostile import displayed


def test_the_model_page_says_which_model_stands_in_and_the_review_queue_keeps_working(
    store_engine: Engine,
) -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    seed_demo(store_engine, 200)
    # Models as the Model page trains them: cross-validated figures included.
    previous = service.train_model(store_engine, created_by="test", activate=True).version
    broken = service.train_model(store_engine, created_by="test", activate=True).version
    with Session(store_engine) as session, session.begin():
        session.execute(
            update(ClassifierModel)
            .where(ClassifierModel.version == broken)
            .values(blob=b"PK\x03\x04 cut off by a failing disk")
        )
    at = new_app("admin").run()
    at.switch_page("views/classifier.py").run()
    assert not at.exception, at.exception
    [error] = [displayed(e.value) for e in at.error]
    assert f"The active model {broken} cannot be loaded" in error and previous in error

    review = new_app("quality").run()
    review.switch_page("views/review.py").run()
    assert not review.exception, review.exception
    assert "cannot be loaded" not in texts(review)
