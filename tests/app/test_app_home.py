"""The Home page and the store totals it shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app_support import add_batch, add_feedback, metric, new_app, seed_demo, texts
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.store import BATCH_COLUMNS, recent_batches, summarize_store
from tests.mail.helpers import add_mailbox_run


def test_an_empty_store_says_so_and_points_to_import(app: AppTest) -> None:
    shown = texts(app)
    assert "The store is empty." in shown
    assert "make run" in shown
    assert not app.metric
    assert "No file has been imported yet." in shown


def test_home_counts_the_seeded_store(store_engine: Engine) -> None:
    add_feedback(
        store_engine,
        [
            # 17:05 UTC on 30 September is 00:05 on 1 October in Hanoi.
            {"channel": "email", "received_at": datetime(2026, 9, 30, 17, 5, tzinfo=UTC)},
            {"channel": "hotline", "category": "Billing", "survey_score": 5},
            {"channel": "hotline", "received_at": datetime(2026, 10, 3, 2, 30, tzinfo=UTC)},
        ],
    )
    add_batch(store_engine, file_name="october.csv", read=3, inserted=3)
    at = new_app().run()
    assert not at.exception
    assert metric(at, "Feedback records") == "3"
    assert metric(at, "First received") == "2026-10-01 00:05"
    assert metric(at, "Last received") == "2026-10-03 09:30"
    assert metric(at, "Uncategorised") == "2"
    assert metric(at, "Survey responses") == "1"
    assert metric(at, "Email") == "1"
    assert metric(at, "Hotline") == "2"
    assert metric(at, "Web form") == "0"
    batches = at.dataframe[0].value
    assert list(batches["file_name"]) == ["october.csv"]
    assert list(batches["inserted"]) == ["3"]
    assert list(batches["source"]) == ["Command line"]


def test_home_counts_the_demo_data(store_engine: Engine) -> None:
    frame = seed_demo(store_engine, 300)
    at = new_app().run()
    assert not at.exception
    assert metric(at, "Feedback records") == "300"
    per_channel = frame["channel"].value_counts()
    for channel, label in (("email", "Email"), ("hotline", "Hotline"), ("web_form", "Web form")):
        assert metric(at, label) == str(per_channel.get(channel, 0))
    assert metric(at, "Uncategorised") == str((frame["category"] == "").sum())
    assert list(at.dataframe[0].value["file_name"]) == ["demo.csv"]


def test_home_formats_for_vietnamese(store_engine: Engine) -> None:
    add_feedback(
        store_engine,
        [{"received_at": datetime(2026, 9, 30, 17, 5, tzinfo=UTC)}, *({} for _ in range(1233))],
    )
    at = new_app()
    at.query_params["lang"] = "vi"
    at.run()
    assert not at.exception
    assert metric(at, "Bản ghi phản hồi") == "1.234"
    assert metric(at, "Nhận sớm nhất") == "01/10/2026 00:05"
    assert metric(at, "Tổng đài") == "0"
    assert "Thời gian tính theo giờ công ty (Asia/Ho_Chi_Minh)." in texts(at)


def test_home_lists_every_page(app: AppTest) -> None:
    captions = [caption.value for caption in app.caption]
    assert "Upload a CSV, Excel or JSON file of feedback, check every row, then import it." in (
        captions
    )


def test_summarize_store_of_an_empty_store(store_engine: Engine) -> None:
    with Session(store_engine) as session:
        summary = summarize_store(session)
    assert summary.is_empty
    assert (summary.first_received_at, summary.last_received_at) == (None, None)
    assert (summary.by_channel, summary.uncategorised, summary.survey_responses) == ({}, 0, 0)


def test_summarize_store(store_engine: Engine) -> None:
    add_feedback(
        store_engine,
        [
            {"channel": "web_form", "received_at": datetime(2026, 1, 1, tzinfo=UTC)},
            {"channel": "web_form", "category": "  "},
            {"channel": "email", "category": "VPN", "survey_score": 4},
            # A comment without a score is not a survey response.
            {"channel": "email", "survey_score": 0},
        ],
    )
    with Session(store_engine) as session:
        summary = summarize_store(session)
    assert summary.records == 4
    assert summary.first_received_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert summary.last_received_at == datetime(2026, 10, 2, tzinfo=UTC)
    assert summary.by_channel == {"email": 2, "web_form": 2}
    assert summary.uncategorised == 3
    assert summary.survey_responses == 1


def test_recent_batches_newest_first_and_limited(store_engine: Engine) -> None:
    for day in (1, 3, 2):
        add_batch(
            store_engine,
            file_name=f"day-{day}.csv",
            started_at=datetime(2026, 10, day, tzinfo=UTC),
            finished_at=None if day == 3 else datetime(2026, 10, day, 0, 1, tzinfo=UTC),
            read=day,
            rejected=1,
        )
    with Session(store_engine) as session:
        frame = recent_batches(session, limit=2)
        empty = recent_batches(session, limit=0)
    assert list(frame.columns) == list(BATCH_COLUMNS)
    assert list(frame["file_name"]) == ["day-3.csv", "day-2.csv"]
    assert list(frame["read"]) == [3, 2]
    assert frame["finished_at"].isna().tolist() == [True, False]
    assert frame["finished_at"].iloc[1] == datetime(2026, 10, 2, 0, 1, tzinfo=UTC)
    assert empty.empty
    assert list(empty.columns) == list(BATCH_COLUMNS)


# --- The mailbox reader ------------------------------------------------------------------------
def test_home_says_how_to_connect_a_mailbox_when_none_is(app: AppTest) -> None:
    shown = texts(app)
    assert "Feedback mailbox" in shown
    assert "No mailbox is connected." in shown
    assert "fetch-mail" in shown


def test_home_shows_what_the_mailbox_reader_brought(store_engine: Engine, mailbox_settings) -> None:
    from feedback_analytics.mail.inbox import fetch_mail
    from tests.conftest import MAILBOX_USER
    from tests.mail.corpus import mailbox

    mailbox_settings.deliver(MAILBOX_USER, [m.raw for m in mailbox(4, without_date_every=4)])
    fetch_mail(store_engine)
    at = new_app().run()
    assert not at.exception
    assert metric(at, "Came in on the last read") == "4"
    assert metric(at, "Came in in the last 24 hours") == "4"
    assert metric(at, "Last read") != "—"
    shown = texts(at)
    assert "Messages the last read could not turn into a feedback: 1." in shown
    assert "Feedback unreadable" in shown
    assert not at.warning and not at.error


def _run(engine: Engine, *, ago: timedelta, error: str | None = None, stored: int = 0) -> None:
    add_mailbox_run(engine, at=datetime.now(UTC) - ago, error=error, stored=stored)


def test_home_warns_when_the_mailbox_reader_failed_and_stopped(store_engine: Engine) -> None:
    _run(store_engine, ago=timedelta(hours=2), stored=5)
    _run(store_engine, ago=timedelta(hours=1), error="the connection to the server was lost")
    at = new_app().run()
    assert not at.exception
    assert "The last reading of the mailbox failed: the connection to the server was lost" in (
        at.error[0].value
    )
    assert "has not been read successfully since" in at.warning[0].value
    assert metric(at, "Came in in the last 24 hours") == "5"

    vi = new_app()
    vi.query_params["lang"] = "vi"
    vi.run()
    assert not vi.exception
    assert "Hộp thư chưa được đọc thành công kể từ" in vi.warning[0].value
    assert metric(vi, "Thư mới trong 24 giờ qua") == "5"


def test_home_is_quiet_while_the_mailbox_reader_keeps_up(store_engine: Engine) -> None:
    _run(store_engine, ago=timedelta(minutes=3), stored=2)
    at = new_app().run()
    assert not at.exception
    assert metric(at, "Came in on the last read") == "2"
    assert not at.warning and not at.error
