"""What the pages show of records: chosen by id, in the order asked, without personal data."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from feedback_analytics.db import Feedback
from feedback_analytics.ingest import import_source
from feedback_analytics.store import RECORD_VIEW_COLUMNS, parse_record_id, records_by_id
from tests.ingest.helpers import csv_bytes, row


def test_records_by_id_in_order_and_without_personal_data(engine: Engine) -> None:
    rows = [
        row(
            external_id=name,
            customer_name="Lê Thị Hoa",
            customer_email="hoa@example.vn",
            customer_phone="0987654321",
            customer_address="1 Tràng Tiền",
            satisfaction_score=score,
            resolved_at="2026-10-02" if score else "",
        )
        for name, score in (("A", "4"), ("B", ""), ("C", "1"))
    ]
    import_source(engine, io.BytesIO(csv_bytes(rows)), file_name="r.csv")
    with Session(engine) as session:
        ids = dict(session.execute(select(Feedback.external_id, Feedback.id)).all())
        frame = records_by_id(session, [ids["C"], ids["A"], ids["B"]])
        empty = records_by_id(session, [])
    assert list(frame.columns) == list(RECORD_VIEW_COLUMNS)
    assert list(frame["external_id"]) == ["C", "A", "B"]
    assert list(frame["satisfaction_score"].astype("object")) == [1, 4, pd.NA]
    assert str(frame["received_at"].dtype).startswith("datetime64") and frame["received_at"].dt.tz
    shown = frame.to_csv()
    for secret in ("Lê Thị Hoa", "hoa@example.vn", "0987654321", "Tràng Tiền"):
        assert secret not in shown
    assert empty.empty and list(empty.columns) == list(RECORD_VIEW_COLUMNS)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("2147483647", 2_147_483_647),  # the largest id PostgreSQL's integer holds
        ("2147483648", 0),
        ("99999999999999999999", 0),
        ("0", 0),
        ("-3", 0),
        ("4.5", 0),
        ("[x](https://evil.example)", 0),
        ("", 0),
        (None, 0),
    ],
)
def test_a_linked_record_number_is_one_a_record_can_have(text: str | None, number: int) -> None:
    assert parse_record_id(text) == number
