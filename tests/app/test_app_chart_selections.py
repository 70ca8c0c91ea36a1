"""Each page's charts take every shape a selection reaches the page in: a click, several
points, a box, an empty selection, a click on a legend, a typed array, a point without
customdata and garbage. The page runs without an exception, and a point that names records
lists them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from app_support import add_feedback, chart_points, open_as, select_points, texts
from sqlalchemy import Engine
from streamlit.util import AttributeDictionary

NOW = datetime.now(UTC)

pytestmark = pytest.mark.usefixtures("fresh_caches")

# Page -> its charts that react to a click.
CHARTS = {
    "views/intake.py": ("intake_volume", "intake_heatmap"),
    "views/satisfaction.py": ("score_bars", "csat_trend"),
    "views/sla.py": ("compliance_trend",),
    "views/categories.py": ("category_trend", "category_bars"),
    "views/monthly.py": ("trend_intake", "breakdown_channel"),
}


@pytest.fixture
def records(store_engine: Engine) -> None:
    """Records over three months: resolved, surveyed, in two categories and two channels."""
    rows: list[dict[str, Any]] = []
    for number in range(24):
        received = NOW - timedelta(days=3 + 4 * number, hours=number)
        rows.append(
            {
                "received_at": received,
                "channel": ("email", "hotline")[number % 2],
                "category": ("VPN", None, "Billing")[number % 3],
                "acknowledged_at": received + timedelta(hours=1 + 30 * (number % 3)),
                "resolved_at": received + timedelta(hours=2 + 40 * (number % 4)),
                "status": "resolved",
                "survey_score": 1 + number % 5,
            }
        )
    add_feedback(store_engine, rows)


def shapes(drawn: list[Any]) -> dict[str, AttributeDictionary | None]:
    """Every shape a chart's state takes, built from the customdata of points it drew."""

    def state(points: list[dict[str, Any]], **more: Any) -> AttributeDictionary:
        chosen = {"points": points, "point_indices": list(range(len(points))), "box": []}
        return AttributeDictionary({"selection": AttributeDictionary({**chosen, **more})})

    first, last = drawn[0], drawn[-1]
    return {
        "nothing yet": None,
        "empty": state([]),
        "legend": state([], legendgroup=""),
        "point": state([{"customdata": first}]),
        "several": state([{"customdata": first}, {"customdata": last}]),
        "box": state(
            [{"customdata": data} for data in drawn[:3]],
            box=[{"xref": "x", "yref": "y", "x": [0, 1], "y": [0, 1]}],
        ),
        "typed array": state([{"customdata": dict(enumerate(first))}]),
        "single value": state([{"customdata": first[0]}]),
        "no customdata": state([{"x": 1, "y": 2, "curve_number": 0}]),
        "garbage": state([{"customdata": [["x"], {"y": 1}]}, {"customdata": "2026-99"}]),
    }


@pytest.mark.parametrize(
    ("path", "key"), [(path, key) for path, keys in CHARTS.items() for key in keys]
)
def test_every_shape_of_selection_runs_the_page(records: None, path: str, key: str) -> None:
    at = open_as(path, "admin")
    drawn = [list(data) if isinstance(data, list) else [data] for _, data in chart_points(at, key)]
    assert drawn, f"{key} drew no point"
    for name, state in shapes(drawn).items():
        at.session_state[key] = state
        at.run()
        assert not at.exception, (name, at.exception)


# The operations pages' charts list the records behind a point under a title of their own.
LISTED = [
    ("views/intake.py", "intake_volume"),
    ("views/intake.py", "intake_heatmap"),
    ("views/satisfaction.py", "score_bars"),
    ("views/satisfaction.py", "csat_trend"),
    ("views/sla.py", "compliance_trend"),
    ("views/categories.py", "category_trend"),
    ("views/categories.py", "category_bars"),
]


@pytest.mark.parametrize(("path", "key"), LISTED)
def test_a_click_and_a_shift_click_list_the_records_behind(
    records: None, path: str, key: str
) -> None:
    at = open_as(path, "admin")
    drawn = [data for _, data in chart_points(at, key)]
    before = texts(at).count(" are listed.")
    select_points(at, key, drawn[-1])
    one = texts(at).count(" are listed.")
    assert one == before + 1
    select_points(at, key, drawn[0], drawn[-1])
    assert texts(at).count(" are listed.") >= one
