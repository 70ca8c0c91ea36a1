"""The Overview page driven through its widgets, on a real store: the numbers a manager reads
are the report's, filters narrow them and live in the URL, every KPI leads to its records."""

from __future__ import annotations

import io

import pytest
import streamlit as st
from app_support import metric, new_app, texts
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from feedback_analytics.ingest import import_source
from tests.ingest.helpers import csv_bytes
from tests.test_cli_report import RECORDS


def overview(query: dict[str, str] | None = None) -> AppTest:
    """Return the app after opening the Overview with this query, as a shared link opens it."""
    at = new_app()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/monthly.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def stored(store_engine: Engine) -> Engine:
    result = import_source(store_engine, io.BytesIO(csv_bytes(RECORDS)), file_name="r.csv")
    assert result.inserted == len(RECORDS)
    return store_engine


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    # Streamlit's caches live as long as the test process; each test has its own store.
    st.cache_data.clear()
    st.cache_resource.clear()


def test_an_empty_store_says_how_to_start(store_engine: Engine) -> None:
    at = overview()
    assert "There are no feedback records yet" in texts(at)
    assert not at.metric


def test_the_cards_show_the_months_report(stored: Engine) -> None:
    at = overview({"month": "2026-10"})
    assert at.selectbox(key="month").value == "2026-10"
    assert metric(at, "Feedback received") == "3"
    assert metric(at, "Acknowledged on time ⚠") == "33.3%"
    assert metric(at, "Resolved on time ⚠") == "50.0%"
    assert metric(at, "Customer satisfaction (CSAT) ⚠") == "50.0%"
    assert metric(at, "Open at month end") == "1"
    csat = next(m for m in at.metric if m.label.startswith("Customer satisfaction"))
    assert "n = 2" in csat.help and "Wilson" in csat.help
    assert "small sample" in texts(at)


def test_the_change_is_against_the_month_before(stored: Engine) -> None:
    at = overview({"month": "2026-10"})
    received = next(m for m in at.metric if m.label == "Feedback received")
    # September had one record (D), October three.
    assert received.delta == "+2"


def test_a_channel_filter_narrows_every_number(stored: Engine) -> None:
    at = overview({"month": "2026-10"})
    at.multiselect(key="channel").select("hotline").run()
    assert not at.exception
    assert metric(at, "Feedback received") == "1"
    assert metric(at, "Open at month end") == "0"
    assert "Filtered by Channel: Hotline" in texts(at)
    # The link now reproduces the view: the stored value, not the label, in the URL.
    assert at.query_params["channel"] in ("hotline", ["hotline"])
    at.multiselect(key="channel").unselect("hotline").run()
    assert "channel" not in at.query_params
    assert metric(at, "Feedback received") == "3"


def test_filters_come_from_the_url(stored: Engine) -> None:
    at = overview({"month": "2026-10", "channel": "web_form"})
    assert at.multiselect(key="channel").value == ["web_form"]
    assert metric(at, "Feedback received") == "1"
    assert metric(at, "Open at month end") == "1"


def test_a_kpi_leads_to_the_records_behind_it(stored: Engine) -> None:
    at = overview({"month": "2026-10"})
    at.button(key="records_backlog").click().run()
    assert not at.exception
    assert at.selectbox(key="records_cohort").value == "backlog"
    assert at.selectbox(key="records_month").value == "2026-10"
    table = at.dataframe[-1].value
    assert list(table["External ID"] if "External ID" in table else table.iloc[:, 0]) == ["C"]


def test_the_records_table_shows_no_personal_data(store_engine: Engine) -> None:
    from tests.ingest.helpers import row

    personal = row(
        external_id="P",
        received_at="2026-10-05T10:00:00+07:00",
        customer_name="Trần Thị Bình",
        customer_email="binh@example.vn",
        customer_phone="0912345678",
        customer_address="12 Lý Thường Kiệt, Hà Nội",
    )
    import_source(store_engine, io.BytesIO(csv_bytes([personal])), file_name="p.csv")
    at = overview({"month": "2026-10"})
    assert "Choose a figure here" in texts(at)  # nothing is looked up before a choice
    at.button(key="records_intake").click().run()
    shown = at.dataframe[-1].value.to_csv()
    assert "P" in shown
    for secret in ("Trần Thị Bình", "binh@example.vn", "0912345678", "Lý Thường Kiệt"):
        assert secret not in shown


def test_the_page_speaks_vietnamese(stored: Engine) -> None:
    at = overview({"month": "2026-10", "lang": "vi"})
    assert at.title[0].value == "Tổng quan tháng"
    assert any(m.value == "33,3%" for m in at.metric)


def test_an_import_shows_in_the_numbers(stored: Engine) -> None:
    from tests.ingest.helpers import row

    at = overview({"month": "2026-10"})
    assert metric(at, "Feedback received") == "3"
    more = row(external_id="E", received_at="2026-10-25T10:00:00+07:00")
    import_source(stored, io.BytesIO(csv_bytes([more])), file_name="more.csv")
    # The Import page clears the cached figures after an import; other processes' imports
    # show once the data version is read again (within seconds).
    st.cache_data.clear()
    at.run()
    assert metric(at, "Feedback received") == "4"


def test_every_breakdown_and_cohort_renders(stored: Engine) -> None:
    at = overview({"month": "2026-10"})
    for dimension in ("channel", "category", "priority", "department", "product"):
        at.segmented_control(key="breakdown").set_value(dimension).run()
        assert not at.exception, dimension
    for cohort in at.selectbox(key="records_cohort").options:
        at.selectbox(key="records_cohort").set_value(cohort).run()
        assert not at.exception, cohort


def test_a_fall_reads_as_a_fall(stored: Engine) -> None:
    # November (the current month) has none of October's three records yet.
    at = overview({"month": "2026-11"})
    received = next(m for m in at.metric if m.label == "Feedback received")
    assert received.value == "0"
    assert received.delta == "-3"  # an ASCII minus: st.metric draws a down arrow for it


@pytest.mark.postgres
def test_the_page_on_postgresql(pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from feedback_analytics.config import get_settings

    monkeypatch.setenv("FEEDBACK_DB_URL", pg_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    import_source(pg_engine, io.BytesIO(csv_bytes(RECORDS)), file_name="r.csv")
    at = overview({"month": "2026-10", "channel": "hotline"})
    assert metric(at, "Feedback received") == "1"
    at.multiselect(key="channel").unselect("hotline").run()
    assert metric(at, "Feedback received") == "3"
    assert metric(at, "Open at month end") == "1"
