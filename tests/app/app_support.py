"""Helpers of the AppTest suite: the app from its entry point, records written to the store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.util import AttributeDictionary

from feedback_analytics import auth
from feedback_analytics.access import Viewer
from feedback_analytics.config import get_settings
from feedback_analytics.db import Feedback, ImportBatch, SurveyResponse, ensure_schema, make_engine
from tests.classify.helpers import seed_labelled
from tests.hostile import displayed

# Import `records` demo records as `make run` would; return them as the canonical frame.
seed_demo = seed_labelled

ROOT = Path(__file__).resolve().parents[2]
# The first run migrates a fresh SQLite file; AppTest's default of 3 s is too tight for that.
TIMEOUT = 60


# The password of the accounts that `account` makes.
PASSWORD = "correct horse battery staple"


def account(role: str) -> auth.Account:
    """Return the account `<role>@example.test` in the app's store, made on first use."""
    engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    email = f"{role}@example.test"
    try:
        with Session(engine) as session:
            found = auth.find_user(session, email)
            if found is not None:
                return found
            made = auth.create_user(
                session,
                email=email,
                role=role,
                name=f"Test {role}",
                password=PASSWORD,
                actor="test",
                now=datetime.now(UTC),
            )
            session.commit()
            return made
    finally:
        engine.dispose()


def new_app(role: str | None = "admin") -> AppTest:
    """Return the app as `streamlit run app.py` starts it (not yet run), with a person of
    `role` signed in (None: nobody)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if role is not None:
        signed = account(role)
        at.session_state["viewer"] = Viewer(signed.id, signed.email, signed.name, signed.role)
    return at


def open_as(path: str, role: str) -> AppTest:
    """Return the app run once as `role`, then switched to the page at `path` (no exception)."""
    at = new_app(role).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def record_page(feedback_id: int, role: str = "staff") -> AppTest:
    """Return the Record page of one feedback, opened as `role` (no exception)."""
    at = open_as("views/record.py", role)
    at.number_input(key="record_id").set_value(feedback_id).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    """Click the button labelled `label` and run the page (no exception)."""
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def add_feedback(engine: Engine, rows: Iterable[dict[str, Any]]) -> None:
    """Store feedback records; each dict overrides the defaults of one record."""
    now = datetime(2026, 10, 2, tzinfo=UTC)
    with Session(engine) as session:
        for number, overrides in enumerate(rows):
            values: dict[str, Any] = {
                "external_id": f"T-{number}",
                "channel": "email",
                "received_at": now,
                "current_feature": "VPN client",
                "created_at": now,
                "updated_at": now,
            }
            values.update(overrides)
            survey = values.pop("survey_score", None)
            record = Feedback(**values)
            if survey is not None:
                record.survey = SurveyResponse(
                    score=survey or None, created_at=now, updated_at=now, surveyed_at=now
                )
            session.add(record)
        session.commit()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    """Give the Import page's file widget a file and run the page."""
    at.file_uploader(key="import_file").set_value((name, content, "application/octet-stream"))
    at.run()
    assert not at.exception
    return at


def add_batch(engine: Engine, **values: Any) -> None:
    """Store an import batch."""
    defaults: dict[str, Any] = {
        "file_name": "feedback.csv",
        "content_hash": "0" * 64,
        "file_format": "csv",
        "started_at": datetime(2026, 10, 2, 1, 0, tzinfo=UTC),
        "finished_at": datetime(2026, 10, 2, 1, 1, tzinfo=UTC),
    }
    with Session(engine) as session:
        session.add(ImportBatch(**(defaults | values)))
        session.commit()


def texts(at: AppTest) -> str:
    """Return every text the run shows, one block per line, for `in` checks (as a reader sees
    it: a value escaped for markdown reads as typed)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(displayed(str(element.value)) for element in getattr(at, kind))
    parts.extend(f"{displayed(metric.label)}: {metric.value}" for metric in at.metric)
    return "\n".join(parts)


# What Streamlit renders as markdown: these fields of any element or block (a st.text's body
# and a st.code's text are plain), and the options of a radio and a select slider (pills' and
# segmented controls' are their options' `content`). A selectbox's and a multiselect's options
# are plain text.
_MARKDOWN_FIELDS = frozenset({"body", "label", "help", "captions", "content"})
_MARKDOWN_OPTIONS = frozenset({"Radio", "Slider"})
_PLAIN = frozenset({"Text", "Code", "Exception", "Json", "Arrow", "PlotlyChart"})


def markdown_sources(at: AppTest) -> list[str]:
    """Return the markdown source of every string the run renders as markdown, sidebar too."""
    sources: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and type(proto).__name__ not in _PLAIN:
            sources.extend(_markdown_fields(proto))
    return sources


def _markdown_fields(message: Any) -> Iterator[str]:
    kind = type(message).__name__
    for field, value in message.ListFields():
        if isinstance(value, bytes | int | float | bool):
            continue
        items = [value] if isinstance(value, str) or hasattr(value, "ListFields") else value
        for item in items:
            if hasattr(item, "ListFields"):
                yield from _markdown_fields(item)
            elif isinstance(item, str) and (
                field.name in _MARKDOWN_FIELDS
                or (field.name == "options" and kind in _MARKDOWN_OPTIONS)
            ):
                yield item


def figure_specs(at: AppTest) -> list[dict[str, Any]]:
    """Return the figure (plotly's JSON) of every st.plotly_chart of the run."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def table_column_types(at: AppTest) -> list[str]:
    """Return the column type st.dataframe was told for each column of every table of the run
    ("text", "number", "datetime", ...; a column left to Streamlit is not listed)."""
    types: list[str] = []
    for table in at.dataframe:
        configured = json.loads(table.proto.columns or "{}")
        types.extend(
            str(column.get("type_config", {}).get("type", ""))
            for column in configured.values()
            if isinstance(column, dict)
        )
    return types


def metric(at: AppTest, label: str) -> str:
    """Return the value of the metric with this label."""
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"{label!r} in {[m.label for m in at.metric]}"
    return values[0]


def chart_points(at: AppTest, key: str) -> list[tuple[str, Any]]:
    """Return (trace name, customdata) of every point of the chart `key`, as the page drew it
    (a heatmap's cells row by row)."""
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    found = []
    for trace in json.loads(chart.proto.spec)["data"]:
        rows = trace.get("customdata") or []
        cells = [cell for row in rows for cell in row] if trace.get("type") == "heatmap" else rows
        found += [(trace.get("name", ""), data) for data in cells]
    return found


def select_points(at: AppTest, key: str, *customdata: Any, box: bool = False) -> AppTest:
    """Select points of the chart `key` as the browser reports them (each by its customdata:
    one for a click, several for a shift-click or, with `box`, a box selection); run the page
    (no exception)."""
    at.session_state[key] = AttributeDictionary(
        {
            "selection": AttributeDictionary(
                {
                    "points": [
                        {"customdata": data, "point_index": n} for n, data in enumerate(customdata)
                    ],
                    "point_indices": list(range(len(customdata))),
                    "box": [{"xref": "x", "yref": "y", "x": [0, 1], "y": [0, 1]}] if box else [],
                    "lasso": [],
                }
            )
        }
    )
    at.run()
    assert not at.exception, at.exception
    return at


def click_point(at: AppTest, key: str, customdata: Any) -> AppTest:
    """Select one point of the chart `key` as the browser reports a click: its customdata."""
    return select_points(at, key, customdata)
