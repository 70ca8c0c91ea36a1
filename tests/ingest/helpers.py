"""Small builders for canonical files in tests."""

from __future__ import annotations

import csv
import io
from typing import Any

from feedback_analytics.ingest import COLUMNS


def row(**cells: Any) -> dict[str, Any]:
    """Return a valid minimal record with `cells` over it."""
    base = {
        "external_id": "F-1",
        "channel": "email",
        "received_at": "2026-09-30T10:00:00+07:00",
        "current_feature": "VPN client drops every hour",
    }
    base.update(cells)
    return base


def csv_bytes(
    rows: list[dict[str, Any]],
    *,
    columns: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    """Return rows as a CSV file's bytes under `columns` (default: every canonical one)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    header = columns or list(COLUMNS)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(c, "") for c in header])
    return out.getvalue().encode(encoding)
