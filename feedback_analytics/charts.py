"""Plotly figures of every page: the month's overview (a KPI's trend, its breakdown, the
policy scorecard), the operations pages (intake, processing, satisfaction), the categories and
the classifier's confusion matrix.

Pure builders (no Streamlit): the pages show them with st.plotly_chart and the HTML report
embeds them. Every point carries `customdata`, the "YYYY-MM" month of a trend point or the
raw value behind a breakdown bar ("" for an empty one), so a page can tell what a click
selected; the operations pages' points carry a list (their first item the period, month or
score clicked). Values are formatted for the language here too, so the report files and the
pages write a number, a change and a month the same way.

Plotly draws a string of a figure (tick label, legend name, hover text, annotation) as a little
HTML: `<a href>`, `<b>`, `<span style>`, `<br>` and entities. A value that came from data
goes through `escape_label` wherever it is drawn, and never into a hovertemplate: the template
names it (`%{y}`, `%{fullData.name}`) and plotly puts the escaped value in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from feedback_analytics.i18n import CATALOGUE, MISSING, format_number, t
from feedback_analytics.kpis import KPI_BY_KEY, SMALL_SAMPLE, Kpi, Unit
from feedback_analytics.metrics import UNCATEGORISED, MonthFigures, Overview, month_bounds

# The processing page's compliance lines: the columns of operations.compliance_trend.
COMPLIANCE_COLUMNS = ("ack_pct", "resolution_pct", "on_time_pct")

DECIMALS: dict[Unit, int] = {"count": 0, "pct": 1, "hours": 1, "score": 2}
# Dimensions whose values have catalogue labels (`channel.email`, `priority.high`, ...).
LABELLED_DIMENSIONS = ("channel", "priority")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SEPARATORS = {"en": ".,", "vi": ",."}  # plotly's (decimal, thousands)
_COLOUR = "#8da9c4"
_HIGHLIGHT = "#134074"
_MINUS = "\u2212"
# One colour per category line: plotly's default 10 repeat with the 11th category.
_CATEGORY_COLOURS = qualitative.Dark24
_UNCATEGORISED_COLOUR = "#9aa5b1"
# A small template: the built-in ones take most of a figure's build time and bytes.
_AXIS = {"gridcolor": "#e5e9f0", "linecolor": "#c8ced8", "zerolinecolor": "#c8ced8"}
_TEMPLATE = {
    "layout": {
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "hoverlabel": {"align": "left"},
    }
}


# What plotly's text reads as markup, as the entities it decodes back (it knows &amp; &lt; &gt;
# and numeric ones, not &quot;).
_PLOTLY_ENTITIES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
)


def escape_label(value: Any) -> str:
    """Return a value for a figure's text (a tick, a trace name, hover text): plotly shows it
    as the letters it holds, never as a link, an image or formatting."""
    return str(value).translate(_PLOTLY_ENTITIES)


def format_month(month: str, lang: str, *, long: bool = False) -> str:
    """Return a "YYYY-MM" month as the language writes it: en Sep 2026, vi T9/2026."""
    start, _ = month_bounds(month, UTC)
    t("chart.axis.month", lang)  # refuses an unknown language
    if lang == "vi":
        return f"{start.month}/{start.year}" if long else f"T{start.month}/{start.year}"
    name = _MONTHS_EN[start.month - 1]
    return f"{name if long else name[:3]} {start.year}"


def format_value(unit: Unit, value: float | None, lang: str) -> str:
    """Return a KPI value with its unit for the language (en 92.7%, vi 5,1 giờ), or MISSING."""
    if value is None:
        return MISSING
    return t(f"chart.value.{unit}", lang, value=format_number(value, lang, decimals=DECIMALS[unit]))


def format_change(unit: Unit, change: float | None, lang: str) -> str:
    """Return a change with its sign and unit (en +1.2 pp, vi −3,5 giờ), or MISSING."""
    if change is None:
        return MISSING
    text = format_number(abs(change), lang, decimals=DECIMALS[unit])
    # The sign follows what is shown: a change that rounds to zero gets none.
    if any(digit in "123456789" for digit in text):
        text = ("+" if change > 0 else _MINUS) + text
    return t(f"chart.change.{unit}", lang, value=text)


def value_label(dimension: str, value: Any, lang: str) -> str:
    """Return how a dimension's value is shown: its catalogue label, else itself; None: not set."""
    if value is None or value == "":
        return t("value.not_set", lang)
    if dimension == "category" and value == UNCATEGORISED:
        return t("home.uncategorised", lang)
    key = f"{dimension}.{value}"
    if dimension in LABELLED_DIMENSIONS and key in CATALOGUE:
        return t(key, lang)
    return str(value)


def value_labels(dimension: str, values: Sequence[Any] | pd.Series, lang: str) -> list[str]:
    """Return how each of the values of a dimension is shown (value_label of each)."""
    # Each distinct value is looked up once: a page may name a million values.
    names: dict[Any, str] = {}
    shown = []
    for value in values:
        try:
            name = names[value]
        except KeyError:
            name = names[value] = value_label(dimension, value, lang)
        except TypeError:  # not hashable
            name = value_label(dimension, value, lang)
        shown.append(name)
    return shown


def format_figure(value: float | None, lang: str, *, decimals: int = 1) -> str:
    """Return a figure without its unit in the language's notation, or MISSING (None, NaN)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return MISSING
    return format_number(value, lang, decimals=decimals)


def has_records(figures: MonthFigures) -> bool:
    """Return True when a cohort of the month (intake, resolution, survey, backlog) has records."""
    report = figures.report
    return bool(
        report["intake"]["total"]
        or report["resolution"]["resolved"]
        or report["satisfaction"]["responses"]
        or report["backlog_end_of_month"]
    )


def breakdown_rows(overview: Overview, dimension: str) -> list[tuple[Any, MonthFigures]]:
    """Return the (value, figures) of the month per value of a dimension, most intake first.

    Values with no record in any cohort of the month are left out; None (an empty cell) last.
    """
    if dimension not in overview.breakdowns:
        known = ", ".join(overview.breakdowns) or "none"
        raise ValueError(f"the overview has no breakdown by {dimension!r}; it has {known}")
    rows = [
        (value, fig) for value, fig in overview.breakdowns[dimension].items() if has_records(fig)
    ]
    return sorted(
        rows,
        key=lambda row: (row[0] is None, -row[1].report["intake"]["total"], str(row[0])),
    )


def trend_figure(overview: Overview, kpi_key: str, lang: str) -> go.Figure:
    """Return the KPI over the overview's months: bars for counts, else a line with gaps."""
    kpi = _kpi(kpi_key)
    months = overview.months
    figures = [overview.figures[month] for month in months]
    values = [kpi.value(fig) for fig in figures]
    selected = [month == overview.month for month in months]
    colours = [_HIGHLIGHT if chosen else _COLOUR for chosen in selected]
    common: dict[str, Any] = {
        "x": [format_month(month, lang) for month in months],
        "y": values,
        "customdata": list(months),
        "hovertext": [_hover(kpi, fig, lang) for fig in figures],
        "hovertemplate": "%{x}<br>%{hovertext}<extra></extra>",
        "name": t(f"kpi.{kpi.key}", lang),
    }
    trace: go.Bar | go.Scatter
    if kpi.unit == "count":
        trace = go.Bar(marker={"color": colours}, **common)
    else:
        trace = go.Scatter(
            mode="lines+markers",
            connectgaps=False,
            line={"color": _COLOUR, "width": 2},
            marker={
                "color": colours,
                "size": [11 if chosen else 7 for chosen in selected],
                # An open marker: the value rests on a small sample.
                "symbol": ["circle-open" if kpi.small_sample(fig) else "circle" for fig in figures],
                "line": {"color": colours, "width": 2},
            },
            **common,
        )
    title = t("chart.trend_title", lang, kpi=t(f"kpi.{kpi.key}", lang), count=len(months))
    return go.Figure(
        data=[trace],
        layout=_layout(
            lang,
            title=title,
            height=280,
            xaxis={"title": {"text": t("chart.axis.month", lang)}, "type": "category"},
            yaxis={"title": {"text": axis_title(kpi, lang)}, "rangemode": "tozero"},
        ),
    )


def axis_title(kpi: Kpi, lang: str) -> str:
    """Return the title of the axis of a KPI's values: what a percentage is a share of is the
    KPI's own name ("CSAT (%)"); counts, hours and scores say their unit."""
    if kpi.unit == "pct":
        return t(f"kpi.{kpi.key}", lang) + " (%)"
    return t(f"chart.axis.{kpi.unit}", lang)


def breakdown_figure(overview: Overview, dimension: str, kpi_key: str, lang: str) -> go.Figure:
    """Return one horizontal bar per value of the dimension in the month, highest value on top."""
    kpi = _kpi(kpi_key)
    rows = breakdown_rows(overview, dimension)
    rows.sort(key=lambda row: _descending(kpi.value(row[1])))
    values = [kpi.value(fig) for _, fig in rows]
    labels = _unique([escape_label(value_label(dimension, value, lang)) for value, _ in rows])
    trace = go.Bar(
        x=values,
        y=labels,
        orientation="h",
        customdata=["" if value is None else str(value) for value, _ in rows],
        marker={"color": _HIGHLIGHT},
        text=[format_value(kpi.unit, value, lang) for value in values],
        textposition="outside",
        cliponaxis=False,
        hovertext=[_hover(kpi, fig, lang) for _, fig in rows],
        hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
        name=t(f"kpi.{kpi.key}", lang),
    )
    title = t(
        "chart.breakdown_title",
        lang,
        kpi=t(f"kpi.{kpi.key}", lang),
        dimension=_lower_first(t(f"dimension.{dimension}", lang)),
        month=format_month(overview.month, lang, long=True),
    )
    return go.Figure(
        data=[trace],
        layout=_layout(
            lang,
            title=title,
            height=max(260, min(640, 80 + 24 * len(rows))),
            xaxis={"title": {"text": axis_title(kpi, lang)}, "rangemode": "tozero"},
            yaxis={"type": "category", "autorange": "reversed", "automargin": True},
        ),
    )


def scorecard_figure(overview: Overview, lang: str) -> go.Figure:
    """Return the policy scorecard of the month: one bar per promise, its share in percent."""
    shares = overview.current.scorecard()
    names = list(shares)
    trace = go.Bar(
        x=[shares[name].pct for name in names],
        y=[t(f"scorecard.{name}", lang) for name in names],
        orientation="h",
        customdata=names,
        marker={"color": _HIGHLIGHT},
        text=[
            f"{format_value('pct', share.pct, lang)} · "
            + t("report.count_of", lang, count=share.count, total=share.of)
            for share in shares.values()
        ],
        textposition="auto",
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    )
    title = t("chart.scorecard_title", lang, month=format_month(overview.month, lang, long=True))
    return go.Figure(
        data=[trace],
        layout=_layout(
            lang,
            title=title,
            height=260,
            xaxis={"title": {"text": t("chart.axis.pct", lang)}, "range": [0, 100]},
            yaxis={"type": "category", "autorange": "reversed", "automargin": True},
        ),
    )


def _kpi(key: str) -> Kpi:
    if key not in KPI_BY_KEY:
        raise ValueError(f"unknown KPI {key!r}; expected one of {', '.join(KPI_BY_KEY)}")
    return KPI_BY_KEY[key]


def _hover(kpi: Kpi, figures: MonthFigures, lang: str) -> str:
    parts = [format_value(kpi.unit, kpi.value(figures), lang)]
    n = kpi.sample(figures)
    if n is not None:
        parts.append(t("chart.sample", lang, n=format_number(n, lang)))
    if kpi.small_sample(figures):
        parts.append(t("chart.small_sample", lang, limit=SMALL_SAMPLE))
    return " · ".join(parts)


def _layout(
    lang: str, *, title: str | None, height: int | None, showlegend: bool = False, **axes: Any
) -> go.Layout:
    """Return the house layout; without a title (the page heads the chart) or a height (the
    page's default) neither is set."""
    if title is not None:
        axes["title"] = {"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"}
    if height is not None:
        axes["height"] = height
    return go.Layout(
        margin={"l": 10, "r": 30, "t": 10 if title is None else 40, "b": 10},
        separators=_SEPARATORS[lang],
        showlegend=showlegend,
        template=_TEMPLATE,
        **axes,
    )


def _descending(value: float | None) -> tuple[bool, float]:
    return (value is None, -(value or 0.0))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _unique(labels: Sequence[str]) -> list[str]:
    """Return the labels, each repeat suffixed, so a category axis does not merge two bars."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return result


def category_trend_figure(counts: Any, months: Sequence[str], lang: str) -> go.Figure:
    """Return intake per category and month (rows of month, value, count) as one line each:
    a colour of its own per category, the uncategorised records grey and dashed; each point's
    customdata is [its "YYYY-MM" month, its category]."""
    figure = go.Figure(layout=_layout(lang, title=t("categories.trend", lang), height=380))
    labels = [format_month(month, lang) for month in months]
    ordered = counts.groupby("value")["count"].sum().sort_values(ascending=False).index
    categories = [value for value in ordered if value != UNCATEGORISED]
    for value in [*categories, *(v for v in ordered if v == UNCATEGORISED)]:
        per_month = counts[counts["value"] == value].set_index("month")["count"]
        if value == UNCATEGORISED:
            name = t("home.uncategorised", lang)
            line = {"color": _UNCATEGORISED_COLOUR, "dash": "dash"}
        else:
            name = escape_label(value)
            colour = _CATEGORY_COLOURS[categories.index(value) % len(_CATEGORY_COLOURS)]
            line = {"color": colour}
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[int(per_month.get(month, 0)) for month in months],
                customdata=[[month, value] for month in months],
                name=name,
                mode="lines+markers",
                line=line,
                hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        showlegend=True,
        xaxis_title=t("chart.axis.month", lang),
        xaxis_type="category",
        yaxis_title=t("chart.axis.count", lang),
    )
    return figure


def category_bars_figure(counts: pd.DataFrame, month: str, lang: str) -> go.Figure:
    """Return a horizontal bar per category of `month` (rows of month, value, count, as
    category_trend_figure takes them), largest on top; each bar's customdata is [the month,
    its category]."""
    ordered = counts[counts["month"] == month].sort_values("count")
    title = t("categories.distribution", lang, month=format_month(month, lang))
    figure = go.Figure(
        go.Bar(
            x=ordered["count"].astype(int).tolist(),
            y=_unique([escape_label(v) for v in ordered["value"]]),
            customdata=[[month, str(v)] for v in ordered["value"]],
            orientation="h",
            marker_color=_COLOUR,
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        ),
        layout=_layout(lang, title=title, height=max(220, 28 * len(ordered) + 60)),
    )
    figure.update_layout(
        xaxis_title=t("chart.axis.count", lang), yaxis_title=t("dimension.category", lang)
    )
    return figure


def confusion_figure(
    labels: Sequence[str], confusion: Sequence[Sequence[int]], lang: str
) -> go.Figure:
    """Return the confusion matrix as a heatmap: rows actual, columns predicted, counts."""
    figure = go.Figure(
        go.Heatmap(
            z=[list(row) for row in confusion],
            x=[escape_label(label) for label in labels],
            y=[escape_label(label) for label in labels],
            colorscale="Blues",
            hovertemplate=t("chart.axis.actual", lang)
            + ": %{y}<br>"
            + t("chart.axis.predicted", lang)
            + ": %{x}<br>%{z:,}<extra></extra>",
        ),
        layout=_layout(
            lang, title=t("model.confusion", lang), height=max(320, 24 * len(labels) + 140)
        ),
    )
    figure.update_layout(
        xaxis_title=t("chart.axis.predicted", lang),
        yaxis_title=t("chart.axis.actual", lang),
        yaxis_autorange="reversed",
    )
    return figure


def scorecard_changes(overview: Overview) -> dict[str, float | None]:
    """Return each promise's share minus the month before's, in points (None: either null)."""
    before = overview.previous.scorecard()
    changes: dict[str, float | None] = {}
    for name, share in overview.current.scorecard().items():
        now, previous = share.pct, before[name].pct
        changes[name] = None if now is None or previous is None else now - previous
    return changes


# --- the operations pages --------------------------------------------------------------------


def volume_figure(counts: pd.DataFrame, *, period: str, by: str | None, lang: str) -> go.Figure:
    """Return the records received per period (operations.volume's rows) as bars, stacked by
    the values of `by`, one trace per value. A bar's customdata is [the period's start (ISO),
    the value], or [the period's start] without `by`: what operations.volume_ids takes."""
    period_title = t(f"intake.period.{period}", lang)
    count_title = t("intake.count", lang)
    groups: list[tuple[Any, pd.DataFrame]] = (
        [(None, counts)] if by is None else list(counts.groupby("value", sort=False))
    )
    figure = go.Figure(
        layout=_layout(
            lang,
            title=None,
            height=None,
            showlegend=by is not None,
            barmode="relative",
            xaxis={"title": {"text": period_title}},
            yaxis={"title": {"text": count_title}},
            legend={"title": {"text": ""}},
        )
    )
    for value, rows in groups:
        starts = [pd.Timestamp(start).isoformat() for start in rows["period"]]
        figure.add_trace(
            go.Bar(
                x=list(rows["period"]),
                y=rows["count"].astype(int).tolist(),
                customdata=[[start] if by is None else [start, value] for start in starts],
                name="" if by is None else escape_label(value_label(by, value, lang)),
                hovertemplate=f"{period_title}: %{{x}}<br>{count_title}: %{{y:,}}"
                + ("<extra></extra>" if by is None else "<extra>%{fullData.name}</extra>"),
            )
        )
    return figure


def weekday_hour_figure(heat: pd.DataFrame, lang: str) -> go.Figure:
    """Return the records per weekday (rows, Monday first) and hour (columns) as a heatmap
    (operations.weekday_hour), Monday on top.

    Streamlit reports no selection on a heatmap (streamlit/streamlit#8760), so each cell with
    records also carries an invisible marker that a click selects: its customdata is [weekday,
    hour, the cell's count]."""
    hour_title, count_title = t("intake.hour", lang), t("intake.count", lang)
    hours = [f"{hour:02d}" for hour in heat.columns]
    days = [t(f"weekday.{day}", lang) for day in heat.index]
    cells = [
        (days[row], hours[column], int(day), int(hour), int(count))
        for row, day in enumerate(heat.index)
        for column, hour in enumerate(heat.columns)
        if (count := heat.loc[day, hour]) > 0
    ]
    figure = go.Figure(
        go.Heatmap(
            z=heat.to_numpy().tolist(),
            x=hours,
            y=days,
            colorscale="Blues",
            colorbar={"title": {"text": count_title}},
            hoverinfo="skip",
        ),
        layout=_layout(
            lang,
            title=None,
            height=None,
            xaxis={"title": {"text": hour_title}, "type": "category"},
            yaxis={
                "title": {"text": t("chart.axis.weekday", lang)},
                "type": "category",
                "autorange": "reversed",
            },
        ),
    )
    figure.add_trace(
        go.Scatter(
            x=[cell[1] for cell in cells],
            y=[cell[0] for cell in cells],
            customdata=[[cell[2], cell[3], cell[4]] for cell in cells],
            text=[format_number(cell[4], lang) for cell in cells],
            mode="markers",
            marker={"symbol": "square", "size": 14, "opacity": 0},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            showlegend=False,
            hovertemplate=f"{hour_title}: %{{x}}<br>%{{y}}<br>{count_title}: %{{text}}"
            + "<extra></extra>",
        )
    )
    return figure


def box_figure(boxes: pd.DataFrame, dimension: str, lang: str) -> go.Figure:
    """Return a box per value of the dimension drawn from precomputed statistics
    (operations.box_stats): its quartiles and fences, hours, not every record's value."""
    return go.Figure(
        go.Box(
            x=[escape_label(label) for label in value_labels(dimension, boxes["value"], lang)],
            q1=boxes["q1"].tolist(),
            median=boxes["median"].tolist(),
            q3=boxes["q3"].tolist(),
            lowerfence=boxes["lowerfence"].tolist(),
            upperfence=boxes["upperfence"].tolist(),
            boxpoints=False,
            showlegend=False,
        ),
        layout=_layout(
            lang,
            title=None,
            height=None,
            xaxis={"title": {"text": t(f"dimension.{dimension}", lang)}},
            yaxis={"title": {"text": t("processing.hours", lang)}},
        ),
    )


def compliance_figure(trend: pd.DataFrame, lang: str) -> go.Figure:
    """Return a line per compliance figure of operations.compliance_trend over its months,
    gaps where a month has none; each point's customdata is [its "YYYY-MM" month, its column
    of COMPLIANCE_COLUMNS]."""
    months = [str(month) for month in trend["month"]]
    figure = go.Figure(
        layout=_layout(
            lang,
            title=None,
            height=None,
            showlegend=True,
            xaxis={"title": {"text": t("chart.axis.month", lang)}, "type": "category"},
            yaxis={"title": {"text": t("chart.axis.share_records", lang)}},
            legend={"title": {"text": ""}},
        )
    )
    for column in COMPLIANCE_COLUMNS:
        figure.add_trace(
            go.Scatter(
                x=[format_month(month, lang) for month in months],
                y=[_or_none(value) for value in trend[column]],
                customdata=[[month, column] for month in months],
                name=t(f"processing.{column}", lang),
                mode="lines+markers",
                hovertemplate="%{x}: %{y:.1f} %<extra>%{fullData.name}</extra>",
            )
        )
    return figure


def score_figure(distribution: Mapping[int, int], lang: str) -> go.Figure:
    """Return a bar per survey score (Satisfaction.distribution) with its responses; each bar's
    customdata is [its score]."""
    scores = [int(score) for score in distribution]
    score_title, count_title = t("satisfaction.score", lang), t("chart.axis.responses", lang)
    return go.Figure(
        go.Bar(
            x=scores,
            y=[int(distribution[score]) for score in scores],
            customdata=[[score] for score in scores],
            hovertemplate=f"{score_title}: %{{x}}<br>{count_title}: %{{y:,}}<extra></extra>",
        ),
        layout=_layout(
            lang,
            title=None,
            height=None,
            xaxis={"title": {"text": score_title}, "type": "category"},
            yaxis={"title": {"text": count_title}},
        ),
    )


def csat_trend_figure(trend: pd.DataFrame, lang: str) -> go.Figure:
    """Return the CSAT % per month (operations.monthly_csat's rows) as a line, gaps where a
    month has no response; each point's customdata is [its "YYYY-MM" month]."""
    title = t("kpi.csat", lang) + " (%)"
    months = [str(month) for month in trend["month"]]
    return go.Figure(
        go.Scatter(
            x=[format_month(month, lang) for month in months],
            y=[_or_none(value) for value in trend["csat"]],
            customdata=[[month] for month in months],
            mode="lines+markers",
            hovertemplate=f"%{{x}}: %{{y:.1f}} %<extra>{t('kpi.csat', lang)}</extra>",
        ),
        layout=_layout(
            lang,
            title=None,
            height=None,
            xaxis={"title": {"text": t("chart.axis.month", lang)}, "type": "category"},
            yaxis={"title": {"text": title}},
        ),
    )


def _or_none(value: Any) -> float | None:
    """Return a figure as a float, None for a missing one (None, NaN, pd.NA)."""
    return None if value is None or pd.isna(value) else float(value)
