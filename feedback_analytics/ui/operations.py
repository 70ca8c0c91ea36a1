"""The operations pages' shared parts: their figures cached per data version, period
pickers, clickable charts and the records behind them. The figures are computed by
metrics.operations and drawn by charts; nothing here computes or draws one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import select

from feedback_analytics import metrics, sla
from feedback_analytics.db import SurveyResponse
from feedback_analytics.filters import Filters
from feedback_analytics.i18n import format_number, t
from feedback_analytics.metrics import operations
from feedback_analytics.ui.data import StoreFacts, _events_of, get_engine, records, settings
from feedback_analytics.ui.overview import cohort_ids
from feedback_analytics.ui.tables import show_table
from feedback_analytics.ui.text import escape_markdown

if TYPE_CHECKING:
    import plotly.graph_objects as go

# The records behind a chart: at most this many are listed (newest first).
RECORDS_SHOWN = 200
MONTH_CHOICES = (3, 6, 12, 24)


# The processing figures of a million records take seconds: computed once per data version,
# as_of step and policy (the policy as JSON, its cache key), shared by every session.
@st.cache_resource(max_entries=2, show_spinner=False)
def _durations(
    url: str, version: str, as_of: datetime, policy_json: str, _facts: pd.DataFrame
) -> pd.DataFrame:
    policy = sla.SlaPolicy.model_validate_json(policy_json)
    events = _events_of(url, version, as_of, policy_json)
    return operations.durations(_facts, policy, tz=settings().tz, as_of=as_of, events=events)


def durations(data: StoreFacts) -> pd.DataFrame:
    """Return operations.durations of the store's facts under the policy in force (cached; do
    not change it)."""
    url = settings().db_url
    return _durations(url, data.version, data.as_of, data.policy_json, data.frame)


@st.cache_data(max_entries=16, show_spinner=False)
def _processing(
    url: str,
    version: str,
    as_of: datetime,
    policy_json: str,
    months: tuple[str, ...],
    by: str,
    _facts: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    frame = _durations(url, version, as_of, policy_json, _facts)
    recent = frame[frame["received_at"] >= start_of(months[0])]
    events = _events_of(url, version, as_of, policy_json)
    trend = operations.compliance_trend(frame, events, months=months, tz=settings().tz)
    figures = {"trend": trend}
    for column in ("ack_hours", "resolution_hours"):
        figures[f"summary_{column}"] = operations.time_summary(recent, column, by)
        figures[f"box_{column}"] = operations.box_stats(recent, column, by)
    return figures


def processing_figures(
    data: StoreFacts, *, months: Sequence[str], by: str
) -> dict[str, pd.DataFrame]:
    """Return the Processing page's figures of the records received in `months`: "trend"
    (compliance per month), and per column ack_hours / resolution_hours "summary_<column>"
    (time_summary by `by`) and "box_<column>" (box_stats by `by`); cached."""
    url = settings().db_url
    key = (url, data.version, data.as_of, data.policy_json)
    return _processing(*key, tuple(months), by, data.frame)


@st.cache_resource(max_entries=4, show_spinner=False)
def _satisfaction(
    url: str, version: str, as_of: datetime, months: tuple[str, ...], _facts: pd.DataFrame
) -> tuple[operations.Satisfaction, pd.DataFrame, pd.DataFrame]:
    start, end = start_of(months[0]), end_of(months[-1])
    figures = operations.satisfaction(_facts, as_of=as_of, start=start, end=end)
    answered = operations.responses(_facts, as_of=as_of, start=start, end=end)
    # Each month's CSAT from the window's responses: the months tile the window.
    trend = operations.monthly_csat(answered, as_of=as_of, months=months, tz=settings().tz)
    return figures, answered, trend


def satisfaction_figures(
    data: StoreFacts, *, months: Sequence[str]
) -> tuple[operations.Satisfaction, pd.DataFrame, pd.DataFrame]:
    """Return the satisfaction figures over `months`, the responses in them
    (operations.responses) and the CSAT per month ("month", "csat"); cached per data
    version and as_of (do not change the frames)."""
    url = settings().db_url
    return _satisfaction(url, data.version, data.as_of, tuple(months), data.frame)


@st.cache_data(max_entries=16, show_spinner=False)
def _comments(url: str, version: str, search: str) -> pd.DataFrame:
    query = select(SurveyResponse.feedback_id, SurveyResponse.score, SurveyResponse.comment).where(
        SurveyResponse.comment.is_not(None), SurveyResponse.comment != ""
    )
    if search:
        query = query.where(SurveyResponse.comment.icontains(search, autoescape=True))
    with get_engine().connect() as connection:
        rows = pd.read_sql_query(query, connection)
    return rows.set_axis(["id", "score", "comment"], axis=1)


def comments(data: StoreFacts, search: str) -> pd.DataFrame:
    """Return the survey comments ("id", "score", "comment") that contain `search` (any
    case; all when empty), cached per data version."""
    return _comments(settings().db_url, data.version, search.strip())


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


def chart(figure: go.Figure, key: str) -> Any:
    """Render a chart whose points can be clicked, one or several (shift-click); return its
    selection, which the functions of feedback_analytics.selection read."""
    return st.plotly_chart(
        figure,
        key=key,
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False},
    )


def month_cohort_ids(data: StoreFacts, cohort: str, month: str) -> np.ndarray:
    """Return the ids of the records of metrics' `cohort` in `month`, as the Overview's
    records behind that number (newest first)."""
    return cohort_ids(data, cohort=cohort, month=month, filters=Filters())


def show_records(
    ids: Sequence[int] | np.ndarray | pd.Series,
    title: str,
    lang: str,
    *,
    counted: Literal["records", "responses"] = "records",
) -> None:
    """Render the records with these ids (at most RECORDS_SHOWN), under `title` (plain text:
    it names a value of the data or a point clicked); the count names what was `counted`."""
    chosen = [int(value) for value in list(ids)]
    st.markdown(f"**{escape_markdown(title)}**")
    st.caption(
        t(
            f"ops.{counted}_count",
            lang,
            count=format_number(len(chosen), lang),
            shown=format_number(min(len(chosen), RECORDS_SHOWN), lang),
        )
    )
    if chosen:
        show_table(records(np.asarray(chosen[:RECORDS_SHOWN])), lang)


def work_list(frame: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Return the first RECORDS_SHOWN records of a work list (operations.work_lists), each
    with its age in hours (operations.age_hours of `frame`, durations' rows) first."""
    listed = ids.to_numpy()[:RECORDS_SHOWN]
    shown = records(listed)
    shown.insert(0, "age_hours", operations.age_hours(frame, listed))
    return shown
