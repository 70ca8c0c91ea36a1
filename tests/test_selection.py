"""Every shape a chart's selection reaches a page in, turned into the values it filters by."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.util import AttributeDictionary

from feedback_analytics import selection


def state(*points: dict[str, Any], box: list[Any] | None = None) -> AttributeDictionary:
    """A chart's state as Streamlit keeps it: PlotlyState, a dict with attribute access."""
    return AttributeDictionary(
        {
            "selection": AttributeDictionary(
                {
                    "points": list(points),
                    "point_indices": list(range(len(points))),
                    "box": box or [],
                    "lasso": [],
                }
            )
        }
    )


def point(customdata: Any = None, **more: Any) -> dict[str, Any]:
    found = {"curve_number": 0, "point_number": 0, "x": "x", "y": 1, **more}
    if customdata is not None:
        found["customdata"] = customdata
    return found


NOTHING = [
    None,
    {},
    "not a state",
    state(),  # an empty selection: a double click
    # A click on a legend: no point, the trace hidden.
    AttributeDictionary({"selection": AttributeDictionary({"points": [], "legendgroup": "x"})}),
    state(point()),  # a point without customdata (a target line)
    {"selection": {"points": "garbage"}},
    {"selection": None},
]


@pytest.mark.parametrize("empty", NOTHING)
def test_no_point_picks_nothing(empty: Any) -> None:
    assert selection.picked(empty) == []
    assert selection.months(empty) == []
    assert selection.scores(empty) == []
    assert selection.periods(empty) == []
    assert selection.values(empty) == []
    assert selection.month_values(empty) == []
    assert selection.cells(empty) == []


@pytest.mark.parametrize(
    ("customdata", "expected"),
    [
        ([2], (2,)),
        (2, (2,)),  # a single value
        ({"0": 2}, (2,)),  # a typed array, as JSON writes it
        ({"1": "b", "0": "a"}, ("a", "b")),
        ({"x": 1}, ()),
        ("2026-10", ("2026-10",)),
        (["2026-10", "VPN"], ("2026-10", "VPN")),
    ],
)
def test_customdata_in_any_shape_becomes_a_tuple(
    customdata: Any, expected: tuple[Any, ...]
) -> None:
    assert selection.customdata({"customdata": customdata}) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (state(point([2])), [2]),
        (state(point({"0": 2})), [2]),
        (state(point(2.0)), [2]),
        (state(point([5]), point([1]), point([5])), [1, 5]),  # shift-click: several, once each
        (state(point([1]), point([2]), box=[{"x": [0, 2], "y": [0, 9]}]), [1, 2]),  # a box
        (state(point([7]), point([0]), point([2.5]), point(["x"]), point([None])), []),
    ],
)
def test_scores(chosen: Any, expected: list[int]) -> None:
    assert selection.scores(chosen) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (state(point(["2026-10"])), ["2026-10"]),
        (state(point("2026-10")), ["2026-10"]),
        (
            state(point(["2026-10", "ack_pct"]), point(["2026-09", "ack_pct"])),
            ["2026-10", "2026-09"],
        ),
        (state(point(["2026-13"]), point(["Oct 2026"]), point([202610])), []),
    ],
)
def test_months(chosen: Any, expected: list[str]) -> None:
    assert selection.months(chosen) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (state(point(["2026-09-28T00:00:00"])), [("2026-09-28T00:00:00", None)]),
        (state(point(["2026-09-28T00:00:00", "email"])), [("2026-09-28T00:00:00", "email")]),
        (state(point(["2026-09-28T00:00:00", None])), [("2026-09-28T00:00:00", None)]),
        (state(point(["next week"]), point([3]), point(["2026-09-28", ["x"]])), []),
    ],
)
def test_periods(chosen: Any, expected: list[tuple[str, Any]]) -> None:
    assert selection.periods(chosen) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (state(point(["2026-10", "VPN"])), [("2026-10", "VPN")]),
        (state(point(["2026-10", "VPN"]), point(["2026-10", "VPN"])), [("2026-10", "VPN")]),
        (state(point(["2026-10"]), point(["2026-10", 3]), point(["x", "VPN"])), []),
    ],
)
def test_month_values(chosen: Any, expected: list[tuple[str, str]]) -> None:
    assert selection.month_values(chosen) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (state(point([0, 9])), [(0, 9)]),
        (state(point({"0": 6, "1": 23}), point([0, 9])), [(6, 23), (0, 9)]),
        (state(point([7, 0]), point([0, 24]), point([0.5, 1]), point([0])), []),
    ],
)
def test_cells(chosen: Any, expected: list[tuple[int, int]]) -> None:
    assert selection.cells(chosen) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (state(point(["hotline"])), ["hotline"]),
        (state(point("")), [""]),  # the bar of the records without a value
        (state(point([["nested"]])), []),
    ],
)
def test_values(chosen: Any, expected: list[Any]) -> None:
    assert selection.values(chosen) == expected
