"""The Monthly overview's parts: its figures per month and filters (cached per data version,
as_of step and policy), the pickers and filters bound to the URL, the KPI cards, the scorecard,
the trends, the breakdowns, the records behind a number and the downloads."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from feedback_analytics import charts, facts, kpis, metrics, privacy, selection, sla, tables
from feedback_analytics import downloads as downloads_module
from feedback_analytics.access import Viewer
from feedback_analytics.filters import Filters
from feedback_analytics.i18n import format_datetime, format_number, t
from feedback_analytics.ui.data import (
    StoreFacts,
    _events_of,
    _facts_of,
    records,
    settings,
)
from feedback_analytics.ui.session import log_event, require_viewer
from feedback_analytics.ui.tables import show_table
from feedback_analytics.ui.text import escape_markdown

# What the figures of the store depend on: its URL, data version, as_of step and the policy
# in force (as JSON). The caches below are keyed on it and shared by every session.
Key = tuple[str, str, datetime, str]


def _key(data: StoreFacts) -> Key:
    return settings().db_url, data.version, data.as_of, data.policy_json


@st.cache_data(max_entries=64, show_spinner=False)
def _overview(key: Key, month: str, trend: tuple[str, ...], filters: Filters) -> metrics.Overview:
    url, version, _, _ = key
    return metrics.month_overview(
        _events_of(*key),
        month=month,
        tz=settings().tz,
        trend=trend,
        selection=filters.mask(_facts_of(url, version)),
    )


def month_overview(
    data: StoreFacts, *, month: str, trend: list[str], filters: Filters
) -> metrics.Overview:
    """Return the month's overview for the filters (cached per data version, step, policy,
    filters)."""
    return _overview(_key(data), month, tuple(trend), filters)


@st.cache_data(max_entries=32, show_spinner=False)
def _cohort_ids(key: Key, cohort: str, month: str, filters: Filters) -> np.ndarray:
    url, version, _, _ = key
    frame = _facts_of(url, version)
    mask = metrics.cohort_mask(_events_of(*key), cohort=cohort, month=month, tz=settings().tz)
    kept = filters.mask(frame)
    if kept is not None:
        mask &= kept
    chosen = frame.loc[mask, ["id", "received_at"]]
    return chosen.sort_values("received_at", ascending=False)["id"].to_numpy()


def cohort_ids(data: StoreFacts, *, cohort: str, month: str, filters: Filters) -> np.ndarray:
    """Return the ids of the records behind a number, newest received first (cached)."""
    return _cohort_ids(_key(data), cohort, month, filters)


@st.cache_data(max_entries=32, show_spinner=False)
def _first_records(key: Key, cohort: str, month: str, filters: Filters, count: int) -> pd.DataFrame:
    return records(_cohort_ids(key, cohort, month, filters)[:count])


def first_records(
    data: StoreFacts, *, cohort: str, month: str, filters: Filters, count: int
) -> pd.DataFrame:
    """Return the newest `count` records behind a number (cached like cohort_ids)."""
    return _first_records(_key(data), cohort, month, filters, count)


@dataclass(frozen=True)
class Choices:
    """What the pickers offer: the first month with records, and each dimension's values."""

    first_month: str | None
    values: dict[str, list[str]]


@st.cache_data(max_entries=4, show_spinner=False)
def _choices_of(url: str, version: str) -> Choices:
    frame = _facts_of(url, version)
    received = frame["received_at"]
    first = None if received.empty else metrics.month_of(received.min(), settings().tz)
    return Choices(
        first,
        {name: facts.dimension_values(frame, name) for name in metrics.DIMENSIONS},
    )


def choices(data: StoreFacts) -> Choices:
    """Return what the pickers offer for the store's records (cached per data version)."""
    return _choices_of(settings().db_url, data.version)


def month_choices(data: StoreFacts) -> list[str]:
    """Return the months the store has records of, newest first, up to the current month."""
    tz = settings().tz
    current = metrics.month_of(data.as_of, tz)
    first = choices(data).first_month
    if first is None:
        return [metrics.last_complete_month(data.as_of, tz)]
    return list(reversed(metrics.months_between(min(first, current), current)))


def month_start(month: str) -> date:
    """Return the first day of a "YYYY-MM" month."""
    return date(int(month[:4]), int(month[5:]), 1)


# --- the widgets of the page --------------------------------------------------------------

DEFAULT_TRENDS = ("intake", "ack_compliance", "on_time", "csat")
RECORDS_SHOWN = 200
# The longest trend a period may ask for: three years of months.
MAX_TREND_MONTHS = 36
_COHORT, _DRILL_MONTH, _DRILL_VALUE = "records_cohort", "records_month", "records_value"


def month_picker(data: StoreFacts, lang: str) -> str:
    """Render the month choice (default: the last complete month) and return it."""
    choices = month_choices(data)
    default = metrics.last_complete_month(data.as_of, settings().tz)
    if default not in choices:
        default = choices[0]
    _start_from_url("month", choices, default)
    chosen = st.selectbox(
        t("overview.month", lang),
        choices,
        format_func=lambda month: charts.format_month(month, lang, long=True),
        key="month",
    )
    _keep_in_url("month", chosen, default)
    return str(chosen or default)


def period_picker(data: StoreFacts, month: str, lang: str) -> list[str]:
    """Render the trend's date range (default: the 12 months up to `month`); return its months."""
    first = metrics.trailing_months(month, 12)[0]
    last_day = (pd.Timestamp(month_start(month)) + pd.offsets.MonthEnd(0)).date()
    chosen = st.date_input(
        t("overview.period", lang),
        value=(month_start(first), last_day),
        format=_DATE_PATTERNS[lang],
        key="period",
        bind="query-params",
        help=t("overview.period_help", lang, count=MAX_TREND_MONTHS),
    )
    dates = [value for value in (chosen if isinstance(chosen, tuple | list) else [chosen]) if value]
    if not dates:
        return metrics.trailing_months(month, 12)
    start, end = min(dates), max(dates)
    months = metrics.months_between(start.strftime("%Y-%m"), end.strftime("%Y-%m"))
    if len(months) > MAX_TREND_MONTHS:
        st.warning(t("overview.period_too_long", lang, count=MAX_TREND_MONTHS))
        months = months[-MAX_TREND_MONTHS:]
    return months


_DATE_PATTERNS = {"en": "YYYY-MM-DD", "vi": "DD/MM/YYYY"}


def dimension_filters(data: StoreFacts, lang: str) -> Filters:
    """Render a multi-select per dimension (kept in the URL) and return the filters."""
    chosen: dict[str, list[str] | tuple[str, ...] | None] = {}
    for dimension in metrics.DIMENSIONS:
        options = choices(data).values[dimension]
        _start_from_url(dimension, options, [])
        chosen[dimension] = st.multiselect(
            t(f"dimension.{dimension}", lang),
            options,
            format_func=functools.partial(charts.value_label, dimension, lang=lang),
            placeholder=t("overview.all", lang),
            key=dimension,
        )
        _keep_in_url(dimension, chosen[dimension], [])
    return Filters.of(chosen)


# The URL holds each choice as its stored value (`?channel=hotline&channel=email`), never as
# the label a language shows, so a link means the same in English and in Vietnamese.
# (Streamlit's own binding, bind="query-params", writes the labels.)


def _start_from_url(key: str, options: list[str], default: Any) -> None:
    """Give a widget its first value: the URL's (an opened link), else the default."""
    if key in st.session_state:
        return
    wanted = [value for value in st.query_params.get_all(key) if value in options]
    if isinstance(default, list):
        st.session_state[key] = list(dict.fromkeys(wanted))
    else:
        st.session_state[key] = wanted[0] if wanted else default


def _keep_in_url(key: str, value: Any, default: Any) -> None:
    """Write the widget's value to the URL, or take it out when it is the default."""
    values = [str(item) for item in value] if isinstance(value, list) else [str(value)]
    if value == default or not values:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != values:
        st.query_params[key] = values


def describe_filters(filters: Filters, lang: str) -> str:
    """Return the active filters as one line of markdown (the values escaped)."""
    parts = [
        t(f"dimension.{name}", lang)
        + ": "
        + ", ".join(escape_markdown(charts.value_label(name, value, lang)) for value in values)
        for name, values in filters.active.items()
    ]
    return t("overview.filtered", lang, filters="; ".join(parts))


def format_as_of(data: StoreFacts, lang: str) -> str:
    """Return the instant of the figures, in company time."""
    return format_datetime(data.as_of, lang, tz=settings().tz)


def _show_records(cohort: str, month: str) -> None:
    st.session_state[_COHORT] = cohort
    st.session_state[_DRILL_MONTH] = month
    st.session_state.pop(_DRILL_VALUE, None)


def kpi_cards(overview: metrics.Overview, lang: str) -> None:
    """Render a card per KPI: value, change against the month before, n, trend, formula."""
    current, previous = overview.current, overview.previous
    previous_month = charts.format_month(metrics.shift_month(overview.month, -1), lang)
    columns = st.columns(5)
    for index, kpi in enumerate(kpis.KPIS):
        value = kpi.value(current)
        change = kpi.change(current, previous)
        sample = kpi.sample(current)
        help_lines = [t(f"kpi.{kpi.key}.help", lang)]
        if kpi.cohort == "acknowledgement_due":
            help_lines.append(_targets_applied(overview, lang))
        if sample is not None:
            help_lines.append(t("overview.n", lang, n=format_number(sample, lang)))
        if kpi.small_sample(current):
            help_lines.append(t("overview.small_sample_help", lang, n=kpis.SMALL_SAMPLE))
        interval = kpis.csat_interval(current) if kpi.key == "csat" else None
        if interval is not None:
            help_lines.append(
                t(
                    "overview.wilson",
                    lang,
                    low=format_number(interval[0], lang, decimals=1),
                    high=format_number(interval[1], lang, decimals=1),
                )
            )
        trend = [kpi.value(overview.figures[month]) for month in overview.months]
        with columns[index % 5].container(border=True):
            label = t(f"kpi.{kpi.key}", lang)
            if kpi.small_sample(current):
                label += " ⚠"
            st.metric(
                label,
                charts.format_value(kpi.unit, value, lang),
                delta=_delta(
                    charts.format_change(kpi.unit, change, lang) if change is not None else None
                ),
                delta_color=_delta_colour(kpi.higher_is_better),
                delta_description=t("overview.vs", lang, month=previous_month),
                help="\n\n".join(help_lines),
                chart_data=[point for point in trend if point is not None] or None,
                chart_type="bar" if kpi.unit == "count" else "line",
            )
            caption = t("overview.n", lang, n=format_number(sample, lang)) if sample else ""
            if interval is not None:
                caption += " · " + t(
                    "overview.interval",
                    lang,
                    low=format_number(interval[0], lang, decimals=1),
                    high=format_number(interval[1], lang, decimals=1),
                )
            if kpi.small_sample(current):
                caption += " · " + t("overview.small_sample", lang)
            if caption:
                st.caption(caption.strip(" ·"))
            st.button(
                t("overview.show_records", lang),
                key=f"records_{kpi.key}",
                icon=":material/table_rows:",
                type="tertiary",
                on_click=_show_records,
                args=(kpi.cohort, overview.month),
            )


def _delta(text: str | None) -> str | None:
    """Return a change as st.metric reads it: its arrow and colour follow a leading ASCII "-",
    not the typographic minus the charts write."""
    return None if text is None else text.replace("\u2212", "-", 1)


def _delta_colour(higher_is_better: bool | None) -> Any:
    if higher_is_better is None:
        return "off"
    return "normal" if higher_is_better else "inverse"


_PROMISE_COHORTS = {
    "acknowledged_within_target": "acknowledgement_due",
    "eta_given": "intake",
    "eta_met": "resolved_with_due",
    "response_sent": "resolved",
}


def scorecard(overview: metrics.Overview, lang: str) -> None:
    """Render the policy's four promises: share, count of n, and the change."""
    shares, changes = overview.current.scorecard(), charts.scorecard_changes(overview)
    for column, (name, share) in zip(st.columns(len(shares)), shares.items(), strict=True):
        change = changes[name]
        with column.container(border=True):
            st.metric(
                t(f"scorecard.{name}", lang),
                charts.format_value("pct", share.pct, lang),
                delta=_delta(
                    charts.format_change("pct", change, lang) if change is not None else None
                ),
                help=t(f"scorecard.{name}.help", lang),
            )
            st.caption(
                t(
                    "report.count_of",
                    lang,
                    count=format_number(share.count, lang),
                    total=format_number(share.of, lang),
                )
            )
            st.button(
                t("overview.show_records", lang),
                key=f"records_scorecard_{name}",
                icon=":material/table_rows:",
                type="tertiary",
                on_click=_show_records,
                args=(_PROMISE_COHORTS[name], overview.month),
            )


def _trend_clicked(key: str, cohort: str) -> None:
    # The records behind one number: of several months picked, the first.
    picked = selection.months(st.session_state.get(key))
    if picked:
        _show_records(cohort, picked[0])


def trend_charts(overview: metrics.Overview, chosen: list[str], lang: str) -> None:
    """Render the trend of each chosen KPI; a click on a month shows its records."""
    columns = st.columns(2)
    for index, key in enumerate(chosen):
        chart_key = f"trend_{key}"
        with columns[index % 2]:
            st.plotly_chart(
                charts.trend_figure(overview, key, lang),
                key=chart_key,
                on_select=lambda k=chart_key, c=kpis.KPI_BY_KEY[key].cohort: _trend_clicked(k, c),
                selection_mode="points",
                config={"displayModeBar": False},
            )


def _breakdown_clicked(key: str, dimension: str, month: str) -> None:
    picked = selection.values(st.session_state.get(key))
    if picked:
        value = picked[0]
        st.session_state[_COHORT] = "intake"
        st.session_state[_DRILL_MONTH] = month
        st.session_state[_DRILL_VALUE] = (dimension, value)


def breakdown(overview: metrics.Overview, dimension: str, lang: str) -> None:
    """Render the month by a dimension: a chart of one KPI and a table of the main ones."""
    rows = charts.breakdown_rows(overview, dimension)
    if not rows:
        st.caption(t("overview.no_records_month", lang))
        return
    kpi_key = st.selectbox(
        t("overview.breakdown_kpi", lang),
        [kpi.key for kpi in kpis.KPIS],
        format_func=lambda key: t(f"kpi.{key}", lang),
        key="breakdown_kpi",
    )
    chart_key = f"breakdown_{dimension}"
    st.plotly_chart(
        charts.breakdown_figure(overview, dimension, kpi_key or "intake", lang),
        key=chart_key,
        on_select=lambda: _breakdown_clicked(chart_key, dimension, overview.month),
        selection_mode="points",
        config={"displayModeBar": False},
    )
    table = tables.breakdown_table(overview, dimension, lang)
    st.dataframe(table, hide_index=True, width="stretch")


def records_behind(
    data: StoreFacts, overview: metrics.Overview, filters: Filters, lang: str
) -> None:
    """Render the records behind a number: which number, which month, and the records."""
    months = month_choices(data)
    # Nothing is looked up until a figure is chosen: here, by a card's button or a chart.
    st.session_state.setdefault(_COHORT, None)
    if st.session_state.get(_DRILL_MONTH) not in months:
        st.session_state[_DRILL_MONTH] = overview.month
    left, right = st.columns(2)
    cohort = left.selectbox(
        t("overview.cohort", lang),
        metrics.COHORTS,
        format_func=lambda name: t(f"cohort.{name}", lang),
        placeholder=t("overview.choose_cohort", lang),
        key=_COHORT,
    )
    month = right.selectbox(
        t("overview.month", lang),
        months,
        format_func=lambda value: charts.format_month(value, lang, long=True),
        key=_DRILL_MONTH,
    )
    narrowed = filters
    value = st.session_state.get(_DRILL_VALUE)
    if value is not None:
        dimension, chosen = value
        narrowed = Filters.of({**filters.active, dimension: [chosen]})
        label = (
            t(f"dimension.{dimension}", lang)
            + ": "
            + escape_markdown(charts.value_label(dimension, chosen, lang))
        )
        if st.button(
            t("overview.clear_value", lang, value=label), icon=":material/close:", key="clear"
        ):
            st.session_state.pop(_DRILL_VALUE, None)
            st.rerun()
    if cohort is None:
        st.caption(t("overview.records_hint", lang))
        return
    ids = cohort_ids(data, cohort=str(cohort), month=str(month), filters=narrowed)
    st.caption(
        t(
            "overview.records_count",
            lang,
            count=format_number(len(ids), lang),
            shown=format_number(min(len(ids), RECORDS_SHOWN), lang),
        )
    )
    if len(ids):
        shown = first_records(
            data, cohort=str(cohort), month=str(month), filters=narrowed, count=RECORDS_SHOWN
        )
        show_table(shown, lang)
        _record_downloads(ids, f"{cohort}-{month}", lang)


def _record_downloads(ids: np.ndarray, name: str, lang: str) -> None:
    columns = st.columns(len(downloads_module.DOWNLOAD_FORMATS) + 2)
    viewer = require_viewer()
    for column, fmt in zip(columns, downloads_module.DOWNLOAD_FORMATS, strict=False):
        column.download_button(
            t(f"overview.download_{fmt}", lang),
            data=functools.partial(_records_file, lambda: ids, fmt, viewer, name),
            file_name=f"feedback-{name}.{fmt}",
            mime=downloads_module.MIME_TYPES[fmt],
            icon=":material/download:",
            on_click="ignore",
            key=f"download_records_{fmt}",
        )


def downloads(data: StoreFacts, overview: metrics.Overview, filters: Filters, lang: str) -> None:
    """Render the downloads: the monthly report, and the filtered records of the month."""
    columns = st.columns(4)
    viewer = require_viewer()
    for column, suffix in zip(columns, ("html", "xlsx"), strict=False):
        column.download_button(
            t(f"overview.download_report_{suffix}", lang),
            data=functools.partial(_report_bytes, overview, suffix, lang, viewer),
            file_name=f"feedback-report-{overview.month}.{suffix}",
            mime="text/html" if suffix == "html" else downloads_module.MIME_TYPES["xlsx"],
            icon=":material/summarize:",
            on_click="ignore",
            key=f"download_report_{suffix}",
        )
    # The month's records are found when the button is pressed, not on every run.
    month_records = functools.partial(_cohort_ids, _key(data), "intake", overview.month, filters)
    for column, fmt in zip(columns[2:], downloads_module.DOWNLOAD_FORMATS, strict=False):
        column.download_button(
            t(f"overview.download_month_{fmt}", lang),
            data=functools.partial(
                _records_file, month_records, fmt, viewer, f"month-{overview.month}"
            ),
            file_name=f"feedback-{overview.month}.{fmt}",
            mime=downloads_module.MIME_TYPES[fmt],
            icon=":material/download:",
            on_click="ignore",
            key=f"download_month_{fmt}",
        )


def _records_file(ids: Callable[[], np.ndarray], fmt: str, viewer: Viewer, name: str) -> bytes:
    # Runs when the button is pressed: the download is logged then, with what it held.
    frame = privacy.for_viewer(records(ids()), viewer.role)
    log_event(viewer, "download", {"what": f"records {name}", "format": fmt, "rows": len(frame)})
    return downloads_module.to_spreadsheet(frame, fmt, tz=settings().tz)


def _report_bytes(overview: metrics.Overview, suffix: str, lang: str, viewer: Viewer) -> bytes:
    log_event(viewer, "download", {"what": f"report {overview.month}", "format": suffix})
    from feedback_analytics.report_files import render_report

    return render_report(overview, f".{suffix}", lang=lang, tz=settings().tz)


def _targets_applied(overview: metrics.Overview, lang: str) -> str:
    return t("sla.applied", lang, targets=sla.describe_targets(overview.policy, lang))


def definitions(overview: metrics.Overview, lang: str) -> None:
    """Render how each number is defined: the cohorts, each KPI's and promise's formula and
    the SLA targets applied, as the report files define them."""
    with st.expander(t("report.definitions", lang), icon=":material/menu_book:"):
        st.write(t("report.cohorts", lang, zone=settings().timezone))
        for name, text in kpis.definitions(overview.policy, lang):
            st.markdown(f"**{name}**: {text}")
        st.caption(t("report.docs", lang))
