"""How tables show counts, coded values and row numbers in each language."""

from __future__ import annotations

import pandas as pd
import pytest

from feedback_analytics.ui.tables import display_frame


@pytest.mark.parametrize(
    ("column", "values", "lang", "expected"),
    [
        ("read", [20000, 7], "en", ["20,000", "7"]),
        ("read", [20000, 7], "vi", ["20.000", "7"]),
        ("row", [12345, 2], "vi", [12345, 2]),
        ("source", ["app", "cli"], "en", ["This app", "Command line"]),
        ("source", ["demo", "other"], "vi", ["Dữ liệu mẫu", "other"]),
        ("channel", ["hotline", "web_form"], "vi", ["Tổng đài", "Biểu mẫu web"]),
        ("reason", ["**not** <b>markdown</b>", ""], "vi", ["**not** <b>markdown</b>", ""]),
    ],
)
def test_display_frame(
    column: str, values: list[object], lang: str, expected: list[object]
) -> None:
    assert display_frame(pd.DataFrame({column: values}), lang)[column].tolist() == expected


def test_display_frame_leaves_missing_counts_empty() -> None:
    frame = pd.DataFrame({"rejected": pd.array([3, None], dtype="Int64")})
    assert display_frame(frame, "en")["rejected"].tolist() == ["3", ""]
