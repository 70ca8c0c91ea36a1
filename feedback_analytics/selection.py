"""What a click or a selection on a chart picked, in every shape Streamlit's plotly_chart
sends it, turned into the values the pages filter by.

A chart's state is None before any click, then `{"selection": {"points": [...], "box": [...],
"lasso": [...], "point_indices": [...]}}` (Streamlit's PlotlyState, a dict with attribute
access): no point for an empty selection, a double click or a click on a legend; one for a
click; several for a shift-click or a box or lasso. Each point carries the customdata its
figure gave it (charts.py): a list, which the browser may send as a list, a single value, or,
for a typed array, an object keyed "0", "1", ... A point without customdata (a target line, a
legend) picks nothing. Pure functions: no Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SCORES = range(1, 6)


def points(state: Any) -> list[Mapping[str, Any]]:
    """Return the selected points of a chart's state (or of its selection), [] for none."""
    if not isinstance(state, Mapping):
        return []
    selection = state.get("selection", state)
    found = selection.get("points") if isinstance(selection, Mapping) else None
    if not isinstance(found, Sequence) or isinstance(found, str):
        return []
    return [point for point in found if isinstance(point, Mapping)]


def customdata(point: Mapping[str, Any]) -> tuple[Any, ...]:
    """Return a point's customdata as a tuple: () when it has none."""
    data = point.get("customdata")
    if data is None:
        return ()
    if isinstance(data, Mapping):  # a typed array, keyed by position
        try:
            return tuple(value for _, value in sorted(data.items(), key=lambda kv: int(kv[0])))
        except (TypeError, ValueError):
            return ()
    if isinstance(data, Sequence) and not isinstance(data, str):
        return tuple(data)
    return (data,)


def picked(state: Any) -> list[tuple[Any, ...]]:
    """Return the customdata of each selected point that has one, in order, without repeats."""
    seen: list[tuple[Any, ...]] = []
    for point in points(state):
        data = customdata(point)
        if data and data not in seen:
            seen.append(data)
    return seen


def months(state: Any) -> list[str]:
    """Return the "YYYY-MM" months picked (the first item of a trend point's customdata)."""
    found = [str(data[0]) for data in picked(state)]
    return list(dict.fromkeys(month for month in found if MONTH.match(month)))


def scores(state: Any) -> list[int]:
    """Return the survey scores (1 to 5) picked, in ascending order."""
    found: set[int] = set()
    for data in picked(state):
        try:
            value = float(data[0])
        except (TypeError, ValueError):
            continue
        if value.is_integer() and int(value) in SCORES:
            found.add(int(value))
    return sorted(found)


def periods(state: Any) -> list[tuple[str, Any]]:
    """Return the (period start, value) pairs picked on a volume chart, the value None when
    the bars are not split by a dimension (customdata [start] or [start, value])."""
    found: list[tuple[str, Any]] = []
    for data in picked(state):
        if not isinstance(data[0], str) or not _is_time(data[0]):
            continue
        value = data[1] if len(data) > 1 else None
        if not _is_plain(value):
            continue
        pair = (data[0], value)
        if pair not in found:
            found.append(pair)
    return found


def month_values(state: Any) -> list[tuple[str, str]]:
    """Return the (month, value) pairs picked on a chart per month and category (customdata
    ["YYYY-MM", value])."""
    found: list[tuple[str, str]] = []
    for data in picked(state):
        if len(data) < 2 or not MONTH.match(str(data[0])) or not isinstance(data[1], str):
            continue
        if (pair := (str(data[0]), data[1])) not in found:
            found.append(pair)
    return found


def cells(state: Any) -> list[tuple[int, int]]:
    """Return the (weekday, hour) cells picked on the weekday-hour heatmap (customdata
    [weekday, hour], Monday 0), in the order picked."""
    found: list[tuple[int, int]] = []
    for data in picked(state):
        if len(data) < 2:
            continue
        try:
            day, hour = float(data[0]), float(data[1])
        except (TypeError, ValueError):
            continue
        whole = day.is_integer() and hour.is_integer()
        cell = (int(day), int(hour)) if whole else (-1, -1)
        if 0 <= cell[0] < 7 and 0 <= cell[1] < 24 and cell not in found:
            found.append(cell)
    return found


def values(state: Any) -> list[Any]:
    """Return the dimension values picked on a breakdown chart (the first item of each
    point's customdata; "" for the bar of records without one)."""
    return list(dict.fromkeys(data[0] for data in picked(state) if _is_plain(data[0])))


def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
