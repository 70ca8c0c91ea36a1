"""The Import page with channel files: the kind of file follows the extension, the preview shows
the records made from the file, and the check and import use the kind."""

from __future__ import annotations

from app_support import metric, upload
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.db import Feedback, ImportBatch
from tests.ingest.test_channels import CALL_LOG, SMTP, mbox, message

MAILBOX = mbox(message(1), message(2, date=None), message(3))


def stored(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(select(Feedback.channel, Feedback.external_id)).all()
        return sorted((channel, external_id) for channel, external_id in rows)


def test_the_kind_of_file_offers_every_kind_and_starts_at_records(import_page: AppTest) -> None:
    assert {".eml", ".mbox", ".csv", ".json"} <= set(
        import_page.file_uploader(key="import_file").proto.type
    )
    kind = import_page.selectbox(key="import_kind")
    assert kind.value == "records"
    assert kind.options == [
        "Canonical records (CSV, XLSX, JSON)",
        "E-mails (.eml, .mbox)",
        "Hotline call log (CSV)",
        "Web form export (JSON)",
    ]


def test_an_mbox_upload_is_checked_and_imported_as_e_mails(
    import_page: AppTest, store_engine: Engine
) -> None:
    upload(import_page, "inbox.mbox", MAILBOX)
    assert import_page.selectbox(key="import_kind").value == "email"
    preview = import_page.dataframe[0].value
    assert list(preview["external_id"]) == [
        "m1.20260929@mail.example.vn",
        "m2.20260929@mail.example.vn",
        "m3.20260929@mail.example.vn",
    ]
    assert list(preview["proposal"]) == ["Reconnect on its own."] * 3
    assert "made from the file" in import_page.caption[0].value
    assert [metric(import_page, label) for label in ("Would insert", "Would reject")] == ["2", "1"]
    rejected = import_page.dataframe[1].value
    assert (list(rejected["row"]), list(rejected["column"])) == ([2], ["received_at"])
    assert "message 2 has no Date header" in import_page.code[0].value
    assert stored(store_engine) == []

    import_page.button(key="import_run").click().run()
    assert not import_page.exception
    assert import_page.success[0].value == "Import finished."
    assert stored(store_engine) == [
        ("email", "m1.20260929@mail.example.vn"),
        ("email", "m3.20260929@mail.example.vn"),
    ]
    with Session(store_engine) as session:
        assert session.scalars(select(ImportBatch.file_format)).all() == ["email"]


def test_an_eml_upload_is_one_message(import_page: AppTest) -> None:
    upload(import_page, "gop-y.eml", message(5).as_bytes(policy=SMTP))
    assert import_page.selectbox(key="import_kind").value == "email"
    assert list(import_page.dataframe[0].value["customer_email"]) == ["an@example.vn"]
    assert metric(import_page, "Would insert") == "1"


def test_a_call_log_is_unreadable_as_records_and_checked_as_a_call_log(
    import_page: AppTest, store_engine: Engine
) -> None:
    upload(import_page, "calls.csv", CALL_LOG.encode())
    assert import_page.selectbox(key="import_kind").value == "records"
    assert import_page.error[0].value.startswith("This file cannot be read")
    assert "lacks the required column(s) external_id" in import_page.code[0].value

    import_page.selectbox(key="import_kind").set_value("hotline").run()
    assert not import_page.exception
    assert not import_page.error
    assert list(import_page.dataframe[0].value.index) == [2, 3, 5]
    assert metric(import_page, "Would insert") == "2"
    assert list(import_page.dataframe[1].value["row"]) == [3]

    import_page.button(key="import_run").click().run()
    assert stored(store_engine) == [("hotline", "C-1001"), ("hotline", "C-1003")]


def test_a_new_upload_keeps_a_fitting_choice_and_follows_the_extension_otherwise(
    import_page: AppTest,
) -> None:
    upload(import_page, "calls.csv", CALL_LOG.encode())
    import_page.selectbox(key="import_kind").set_value("hotline").run()
    upload(import_page, "more-calls.csv", CALL_LOG.replace("C-10", "D-10").encode())
    assert import_page.selectbox(key="import_kind").value == "hotline"
    upload(import_page, "inbox.mbox", MAILBOX)
    assert import_page.selectbox(key="import_kind").value == "email"
    upload(import_page, "records.json", b"[]")
    assert import_page.selectbox(key="import_kind").value == "records"


def test_a_wrong_kind_for_the_file_says_why(import_page: AppTest) -> None:
    upload(import_page, "inbox.mbox", MAILBOX)
    import_page.selectbox(key="import_kind").set_value("web_form").run()
    assert import_page.error[0].value.startswith("This file cannot be read")
    assert "is not a web form export" in import_page.code[0].value
    assert not import_page.main.button


def test_the_kind_of_file_speaks_vietnamese(import_page: AppTest) -> None:
    import_page.radio(key="lang").set_value("vi").run()
    kind = import_page.selectbox(key="import_kind")
    assert kind.label == "Loại tệp"
    assert "Thư điện tử (.eml, .mbox)" in kind.options
