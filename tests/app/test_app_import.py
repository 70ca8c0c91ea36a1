"""The Import page driven through its widgets: upload, check, import, and what Home shows after."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from app_support import add_feedback, metric, new_app, texts, upload
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.config import get_settings
from feedback_analytics.db import Feedback
from feedback_analytics.ingest import FileResult, Rejection, RowError
from feedback_analytics.ui.importing import (
    PREVIEW_CHARS,
    REJECTION_COLUMNS,
    SHOWN_PROBLEMS,
    rejection_table,
)
from tests.resilience import bombs

HEADER = "external_id,channel,received_at,current_feature,proposal,customer_name\n"
# Two good rows, two bad ones; customer text that markdown or HTML would change.
MIXED = (
    HEADER + "A-1,email,2026-10-01 09:00,VPN **drops** <b>often</b>,Faster [link](http://x),An\n"
    "A-2,hotline,01/10/2026 10:30,Wi-Fi,,\n"
    "A-3,fax,2026-10-01,Router,,\n"
    "A-4,email,not a date,Router,,\n"
).encode()
VIETNAMESE = "Khách hàng đăng ơ Hà Tây"


def stored(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count(Feedback.id))) or 0


def test_without_a_file_the_page_asks_for_one(import_page: AppTest) -> None:
    assert import_page.info[0].value == "Choose a file to see a preview and a row-by-row check."
    assert not import_page.main.button
    assert import_page.selectbox(key="import_encoding").value == "auto"


def test_upload_check_import_then_home_counts_the_new_records(
    store_engine: Engine,
) -> None:
    add_feedback(store_engine, [{"external_id": "OLD-1"}])
    at = new_app().run()
    assert metric(at, "Feedback records") == "1"  # now cached until an import clears it

    at.switch_page("views/import.py").run()
    upload(at, "october.csv", MIXED)
    preview = at.dataframe[0].value
    assert list(preview["external_id"]) == ["A-1", "A-2", "A-3", "A-4"]
    assert [metric(at, label) for label in ("Would insert", "Would update", "Would reject")] == [
        "2",
        "0",
        "2",
    ]
    rejected = at.dataframe[1].value
    assert list(rejected["row"]) == [4, 5]
    assert list(rejected["column"]) == ["channel", "received_at"]
    assert "'fax'" in rejected["reason"].iloc[0]
    assert at.get("download_button")[0].label == "Download the rejected rows (CSV)"
    assert stored(store_engine) == 1, "the check stored something"

    at.button(key="import_run").click().run()
    assert not at.exception
    assert at.success[0].value == "Import finished."
    assert at.text[0].value == "october.csv"
    assert [metric(at, label) for label in ("Inserted", "Updated", "Unchanged", "Rejected")] == [
        "2",
        "0",
        "0",
        "2",
    ]
    assert not at.main.button, "the same file can be imported only once per upload"
    assert at.get("download_button")[0].label == "Download the rejected rows (CSV)"
    assert stored(store_engine) == 3

    at.switch_page("views/home.py").run()
    assert metric(at, "Feedback records") == "3"
    assert list(at.dataframe[0].value["file_name"]) == ["october.csv"]


def _as(suffix: str) -> bytes:
    rows = [
        {"external_id": "F-1", "channel": "email", "received_at": "2026-10-01 09:00"},
        {"external_id": "F-2", "channel": "fax", "received_at": "2026-10-01 10:00"},
        {"external_id": "F-3", "channel": "hotline", "received_at": "01/10/2026 11:00"},
    ]
    frame = pd.DataFrame(rows).assign(current_feature="Nút đăng nhập 🙂")
    buffer = io.BytesIO()
    if suffix == "csv":
        frame.to_csv(buffer, index=False, encoding="utf-8-sig")
    elif suffix == "xlsx":
        frame.to_excel(buffer, index=False, engine="xlsxwriter")
    elif suffix == "json":
        frame.to_json(buffer, orient="records", force_ascii=False)
    else:
        frame.to_json(buffer, orient="records", lines=True, force_ascii=False)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("suffix", "rejected_row"), [("csv", 3), ("xlsx", 3), ("json", 2), ("jsonl", 2)]
)
def test_every_canonical_format_is_checked(
    import_page: AppTest, suffix: str, rejected_row: int
) -> None:
    upload(import_page, f"feedback.{suffix}", _as(suffix))
    assert list(import_page.dataframe[0].value["current_feature"]) == ["Nút đăng nhập 🙂"] * 3
    assert metric(import_page, "Would insert") == "2"
    assert list(import_page.dataframe[1].value["row"]) == [rejected_row]


def test_customer_text_is_never_markdown(import_page: AppTest) -> None:
    upload(import_page, "october.csv", MIXED)
    assert "VPN **drops** <b>often</b>" in list(import_page.dataframe[0].value["current_feature"])
    shown = texts(import_page)
    for fragment in ("drops", "<b>", "[link]", "october.csv"):
        assert fragment not in shown


def test_warnings_about_the_file_are_shown_as_text(import_page: AppTest) -> None:
    content = b"external_id,channel,received_at,current_feature,**Notes**\nA,email,2026-10-01,x,y\n"
    upload(import_page, "notes.csv", content)
    assert import_page.warning[0].value == "Warnings about this file:"
    assert "'**Notes**'" in import_page.code[0].value
    assert "Notes" not in texts(import_page)
    assert metric(import_page, "Would insert") == "1"


def test_a_second_upload_of_the_same_rows_would_change_nothing(import_page: AppTest) -> None:
    upload(import_page, "october.csv", MIXED)
    import_page.button(key="import_run").click().run()
    upload(import_page, "october-again.csv", MIXED)
    assert metric(import_page, "Unchanged") == "2"
    assert metric(import_page, "Would insert") == "0"


def test_an_unreadable_file_says_why_and_offers_no_import(import_page: AppTest) -> None:
    upload(import_page, "broken.csv", b"external_id,channel,received_at\nA-1,email,2026-10-01\n")
    assert import_page.error[0].value.startswith("This file cannot be read")
    assert "current_feature" in import_page.code[0].value
    assert not import_page.main.button
    assert not import_page.metric


def test_an_older_encoding_is_read_once_chosen(import_page: AppTest) -> None:
    content = (HEADER + f"V-1,email,2026-10-01,{VIETNAMESE},,\n").encode("cp1258")
    upload(import_page, "legacy.csv", content)
    assert import_page.error, "cp1258 bytes are not UTF-8"
    assert "line 2" in import_page.code[0].value

    import_page.selectbox(key="import_encoding").set_value("windows-1258").run()
    assert not import_page.exception
    assert not import_page.error
    assert list(import_page.dataframe[0].value["current_feature"]) == [VIETNAMESE]
    assert metric(import_page, "Would insert") == "1"


def test_a_file_without_valid_rows_cannot_be_imported(import_page: AppTest) -> None:
    line = b'{"external_id": "J-1", "channel": "fax", "received_at": "2026-10-01", '
    upload(import_page, "bad.jsonl", line + b'"current_feature": "Router"}\n')
    assert metric(import_page, "Would reject") == "1"
    assert list(import_page.dataframe[1].value["row"]) == [1]
    assert import_page.info[-1].value == "The file has no valid row to import."
    assert not import_page.main.button


def test_the_page_speaks_vietnamese(import_page: AppTest) -> None:
    import_page.radio(key="lang").set_value("vi").run()
    upload(import_page, "october.csv", MIXED)
    assert import_page.title[0].value == "Nhập dữ liệu phản hồi"
    assert metric(import_page, "Sẽ thêm mới") == "2"
    assert import_page.button(key="import_run").label == "Nhập"
    assert import_page.dataframe[1].value.shape[0] == 2


@pytest.mark.parametrize(
    ("rejections", "expected"),
    [
        ([], []),
        (
            [
                Rejection(4, {}, [RowError("f.csv", 4, "channel", "bad channel")]),
                Rejection(
                    7,
                    {},
                    [
                        RowError("f.csv", 7, None, "7 fields where the header has 6"),
                        RowError("f.csv", 7, "received_at", "missing"),
                    ],
                ),
            ],
            [
                (4, "channel", "bad channel"),
                (7, "", "7 fields where the header has 6"),
                (7, "received_at", "missing"),
            ],
        ),
    ],
)
def test_rejection_table(rejections: list[Rejection], expected: list[tuple[object, ...]]) -> None:
    table = rejection_table(FileResult("f.csv", rejections=rejections))
    assert list(table.columns) == list(REJECTION_COLUMNS)
    assert list(table.itertuples(index=False, name=None)) == expected


def test_rejection_table_holds_at_most_the_first_problems() -> None:
    rejections = [
        Rejection(n, {}, [RowError("f.csv", n, "channel", "bad"), RowError("f.csv", n, None, "x")])
        for n in range(2, 300)
    ]
    table = rejection_table(FileResult("f.csv", rejections=rejections), limit=5)
    assert list(table["row"]) == [2, 2, 3, 3, 4]


def test_many_rejections_show_the_first_problems_and_the_download_holds_all(
    import_page: AppTest,
) -> None:
    bad = "".join(f"B-{i},fax,2026-10-01,Router,,\n" for i in range(300))
    upload(import_page, "many.csv", (HEADER + "A-1,email,2026-10-01,Router,,\n" + bad).encode())
    assert metric(import_page, "Would reject") == "300"
    assert len(import_page.dataframe[1].value) == SHOWN_PROBLEMS
    assert (
        "Showing the first 200 problems of the 300 rejected rows; the download holds every "
        "rejected row." in [caption.value for caption in import_page.caption]
    )
    assert import_page.get("download_button")[0].label == "Download the rejected rows (CSV)"


def test_a_long_cell_reaches_the_browser_as_its_first_characters(import_page: AppTest) -> None:
    long = "Router " * 5_000  # 35,000 characters
    content = (HEADER + f"A-1,{long},2026-10-01,{long},,\n").encode()
    upload(import_page, "long.csv", content)
    cell = import_page.dataframe[0].value["current_feature"].iloc[0]
    assert cell == long[:PREVIEW_CHARS] + "…"
    [reason] = import_page.dataframe[1].value["reason"]
    assert reason.startswith("'" + long[:50] + "…' is not a channel")
    assert len(reason) < 200


def test_a_workbook_bomb_is_refused_naming_the_cap(
    import_page: AppTest, store_engine: Engine
) -> None:
    upload(import_page, "bomb.xlsx", bombs.shared_string_xlsx())
    assert import_page.error[0].value.startswith("This file cannot be read")
    message = import_page.code[0].value
    assert "(the cap max_xlsx_expanded_mb; raise it with FEEDBACK_MAX_XLSX_EXPANDED_MB)" in message
    assert len(message) < 1_000
    assert not import_page.main.button
    assert stored(store_engine) == 0


def test_an_import_past_the_memory_cap_stops_and_says_so(
    import_page: AppTest, store_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload(import_page, "feedback.xlsx", _as("xlsx"))
    assert metric(import_page, "Would insert") == "2"
    monkeypatch.setenv("FEEDBACK_MAX_IMPORT_MEMORY_MB", "20")  # less than Python itself
    get_settings.cache_clear()
    import_page.button(key="import_run").click().run()
    assert not import_page.exception
    assert import_page.error[0].value == "The import stopped before it finished. Why:"
    assert import_page.code[0].value == (
        "feedback.xlsx is refused: importing it used more than 20 MB of memory (the cap "
        "max_import_memory_mb; raise it with FEEDBACK_MAX_IMPORT_MEMORY_MB): split it into "
        "smaller files"
    )
    assert stored(store_engine) == 0
