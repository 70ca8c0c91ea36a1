"""Fixtures of the AppTest suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from app_support import new_app
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from feedback_analytics.config import get_settings
from feedback_analytics.db import ensure_schema, make_engine


@pytest.fixture
def app() -> AppTest:
    """The app after its first run, on the Home page."""
    at = new_app().run()
    assert not at.exception
    return at


@pytest.fixture
def fresh_caches() -> None:
    """Forget what earlier tests' runs cached: each test reads its own store."""
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def import_page(app: AppTest) -> AppTest:
    """The app on the Import page."""
    app.switch_page("views/import.py").run()
    assert not app.exception
    return app


@pytest.fixture
def store_engine() -> Iterator[Engine]:
    """An engine on the database the app uses in this test (FEEDBACK_DB_URL)."""
    engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()
