"""JSON nested past what a parser reads, uploaded on Import and on Survey entry: a message that
says what is wrong and how to fix it, never a traceback, and nothing stored."""

from __future__ import annotations

import pytest
from app_support import new_app, texts, upload
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.db import Feedback, SurveyResponse

DEEP = b"[" * 100_000 + b"]" * 100_000
GOOD_LINE = (
    b'{"external_id": "A", "channel": "email", "received_at": "2026-10-01", '
    b'"current_feature": "x"}\n'
)
PHRASE = "nested too deeply to read"

pytestmark = pytest.mark.usefixtures("fresh_caches")


def count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def shown(at: AppTest) -> str:
    """Return the page's texts, code blocks (why a file is unreadable) and tables (why a row
    is rejected)."""
    tables = [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join([texts(at), *(str(block.value) for block in at.code), *tables])


@pytest.mark.parametrize(
    ("name", "content"),
    [("deep.json", DEEP), ("deep.jsonl", GOOD_LINE + DEEP + b"\n")],  # one row of it rejected
)
def test_deep_json_on_the_import_page_is_a_message(
    store_engine: Engine, name: str, content: bytes
) -> None:
    at = new_app("staff").run()
    at.switch_page("views/import.py").run()
    upload(at, name, content)  # asserts no exception
    assert PHRASE in shown(at)
    assert "Traceback" not in shown(at) and "RecursionError" not in shown(at)
    assert count(store_engine, Feedback) == 0


def test_deep_json_on_the_survey_upload_is_a_message(store_engine: Engine) -> None:
    at = new_app("staff").run()
    at.switch_page("views/survey.py").run()
    at.file_uploader(key="survey_file").set_value(("survey.json", DEEP, "application/json"))
    at.run()
    assert not at.exception, at.exception
    assert PHRASE in shown(at)
    assert count(store_engine, SurveyResponse) == 0
