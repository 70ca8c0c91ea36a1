"""Exporting the canonical file: every format round-trips, XLSX never runs a formula."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine, update

from feedback_analytics.db import Feedback
from feedback_analytics.db.engine import ensure_schema, make_engine
from feedback_analytics.ingest import COLUMNS, import_source
from feedback_analytics.ingest.export import ExportRefused, export_records
from tests.ingest.helpers import csv_bytes, row

ROWS = [
    row(
        external_id="E-1",
        customer_name="Lê Thị Hồng",
        customer_email="hong@example.vn",
        customer_phone="+84 912 345 678",
        customer_address="5 Nguyễn Huệ\nQuận 1",
        product="FortiGate-like FW-200",
        current_feature='Rule editor "slow", 😡',
        proposal='=HYPERLINK("http://evil")',
        reason="@SUM(1)",
        category="Firewall rules",
        priority="urgent",
        department="Security",
        assignee="Phạm Minh",
        acknowledged_at="2026-09-30T11:00:00+07:00",
        due_at="2026-10-03",
        resolved_at="2026-10-02T16:30:00.250+07:00",
        responded_at="2026-10-02T17:00:00+07:00",
        satisfaction_score="5",
        satisfaction_comment="-great",
        surveyed_at="2026-10-04T09:00:00Z",
    ),
    row(
        external_id="H-1",
        channel="hotline",
        received_at="2026-09-30T23:30:00Z",
        status="in_progress",
    ),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".jsonl"])
def test_import_of_an_export_exports_the_same_file(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    import_source(engine, csv_bytes(ROWS), file_name="seed.csv")
    first = tmp_path / f"first{suffix}"
    assert export_records(engine, first) == 2

    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    ensure_schema(fresh)
    result = import_source(fresh, first.read_bytes(), file_name=first.name)
    assert (result.inserted, result.rejected, result.unreadable) == (2, 0, None)
    second = tmp_path / f"second{suffix}"
    export_records(fresh, second)
    if suffix == ".xlsx":
        assert _sheet(first) == _sheet(second)
    else:
        assert first.read_bytes() == second.read_bytes()


def _sheet(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_csv_export_uses_company_offset_and_bom(engine: Engine, tmp_path: Path) -> None:
    import_source(engine, csv_bytes(ROWS), file_name="seed.csv")
    out = tmp_path / "all.csv"
    export_records(engine, out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "2026-10-01T06:30:00+07:00" in text  # 23:30Z is the next morning locally
    assert "2026-10-03T23:59:59+07:00" in text  # a due date alone is the day's end
    assert "2026-10-02T16:30:00.250000+07:00" in text


def test_xlsx_cells_are_text_never_formulas(engine: Engine, tmp_path: Path) -> None:
    import_source(engine, csv_bytes(ROWS), file_name="seed.csv")
    out = tmp_path / "all.xlsx"
    export_records(engine, out)
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "=HYPERLINK" in sheet and "@SUM(1)" in sheet
    assert _sheet(out)[1][COLUMNS.index("proposal")] == '=HYPERLINK("http://evil")'


def test_xlsx_export_refuses_to_cut_a_long_text(engine: Engine, tmp_path: Path) -> None:
    import_source(engine, csv_bytes([row(proposal="x" * 40_000)]), file_name="long.csv")
    out = tmp_path / "long.xlsx"
    with pytest.raises(ExportRefused, match="proposal has 40,000 characters"):
        export_records(engine, out)
    assert not out.exists()


def test_a_model_prediction_is_not_exported_as_a_category(engine: Engine, tmp_path: Path) -> None:
    import_source(engine, csv_bytes([row()]), file_name="one.csv")
    with engine.begin() as connection:
        connection.execute(update(Feedback).values(category="VPN", category_source="model"))
    out = tmp_path / "all.csv"
    export_records(engine, out)
    header, line = out.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert line.split(",")[header.split(",").index("category")] == ""
