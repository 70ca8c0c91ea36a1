"""The operations pages' shared parts: the SLA policy in force, period pickers, the records
behind a chart, and number formatting of figures that may not exist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import charts, metrics, sla
from feedback_analytics.i18n import MISSING, format_number, t
from feedback_analytics.ui.data import get_engine, settings
from feedback_analytics.ui.overview import StoreFacts, records
from feedback_analytics.ui.tables import show_table

# The records behind a chart: at most this many are listed (newest first).
RECORDS_SHOWN = 200
MONTH_CHOICES = (3, 6, 12, 24)


@st.cache_data(ttl=10, show_spinner=False)
def _policy(url: str) -> sla.SlaPolicy:
    with Session(get_engine()) as session:
        return sla.load_policy(session)


def policy() -> sla.SlaPolicy:
    """Return the SLA policy every instance uses (read again after at most 10 s)."""
    return _policy(settings().db_url)


def forget_policy() -> None:
    """Drop the cached policy after this instance saved a new one."""
    _policy.clear()


def months_back(data: StoreFacts, lang: str, *, key: str, default: int = 12) -> list[str]:
    """Render a picker of how many months to show; return those months, oldest first."""
    count = st.select_slider(t("ops.months", lang), list(MONTH_CHOICES), value=default, key=key)
    return metrics.trailing_months(metrics.month_of(data.as_of, settings().tz), int(count))


def start_of(month: str) -> pd.Timestamp:
    """Return the start of `month` in company local time."""
    return metrics.month_bounds(month, settings().tz)[0]


def end_of(month: str) -> pd.Timestamp:
    """Return the end (exclusive) of `month` in company local time."""
    return metrics.month_bounds(month, settings().tz)[1]


def number(value: float | None, lang: str, *, decimals: int = 1) -> str:
    """Return a figure in the language's notation, or the sign of a missing one."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return MISSING
    return format_number(value, lang, decimals=decimals)


def clicked(key: str) -> Any:
    """Return the customdata of the point clicked in the chart `key`, else None."""
    state = st.session_state.get(key)
    points = state.selection.points if state is not None else []
    return points[0].get("customdata") if points else None


def chart(figure: go.Figure, key: str) -> None:
    """Render a chart whose points can be clicked (the page reads them with `clicked`)."""
    st.plotly_chart(
        figure,
        key=key,
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False},
    )


def show_records(ids: Sequence[int] | np.ndarray | pd.Series, title: str, lang: str) -> None:
    """Render the records with these ids (at most RECORDS_SHOWN), under `title`."""
    chosen = [int(value) for value in list(ids)]
    st.markdown(f"**{title}**")
    st.caption(
        t(
            "ops.records_count",
            lang,
            count=format_number(len(chosen), lang),
            shown=format_number(min(len(chosen), RECORDS_SHOWN), lang),
        )
    )
    if chosen:
        show_table(records(np.asarray(chosen[:RECORDS_SHOWN])), lang)


def value_names(dimension: str, values: Sequence[Any], lang: str) -> list[str]:
    """Return how the values of a dimension are shown."""
    return [charts.value_label(dimension, value, lang) for value in values]
