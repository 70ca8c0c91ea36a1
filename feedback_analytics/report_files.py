"""The monthly report a manager forwards: an XLSX workbook or one offline HTML page.

Both hold the same content, read from an Overview: the key figures against the month
before, the policy scorecard, the trend, the breakdowns and how each number is defined,
with the SLA targets and clock the acknowledgement figures were measured against.
A file is written whole or not at all (a temporary file in the same directory, then
os.replace), so a reader never finds half a report.
"""

from __future__ import annotations

import io
import math
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go

from feedback_analytics.charts import (
    DECIMALS,
    breakdown_rows,
    format_change,
    format_month,
    format_value,
    scorecard_figure,
    trend_figure,
    value_label,
)
from feedback_analytics.downloads import text_workbook
from feedback_analytics.i18n import MISSING, format_datetime, format_number, t
from feedback_analytics.kpis import (
    KPI_BY_KEY,
    KPIS,
    SMALL_SAMPLE,
    Kpi,
    Unit,
    csat_interval,
    definitions,
)
from feedback_analytics.metrics import MonthFigures, Overview

SUFFIXES = (".xlsx", ".html")
# The breakdowns a report holds (the product breakdown stays on the pages).
REPORT_DIMENSIONS = ("channel", "category", "priority", "department")
_XLSX_TEXT_LIMIT = 32_767
_SHEET_NAME_LIMIT = 31


@dataclass(frozen=True)
class _Column:
    """A column of a breakdown table: its heading's catalogue key, unit and value."""

    key: str
    unit: Unit
    value: Callable[[MonthFigures], float | int | None]


def _kpi_column(key: str) -> _Column:
    kpi = KPI_BY_KEY[key]
    return _Column(f"kpi.{key}", kpi.unit, kpi.value)


_BREAKDOWN_COLUMNS = (
    _kpi_column("intake"),
    _kpi_column("ack_compliance"),
    _Column("report.column.resolved", "count", lambda fig: fig.report["resolution"]["resolved"]),
    _kpi_column("resolution_median"),
    _kpi_column("on_time"),
    _Column(
        "report.column.responses", "count", lambda fig: fig.report["satisfaction"]["responses"]
    ),
    _kpi_column("csat"),
)


def write_report(overview: Overview, path: Path, *, lang: str, tz: tzinfo) -> None:
    """Write the month's report to `path`, an .xlsx or .html file, whole or not at all."""
    path = Path(path)
    data = render_report(overview, path.suffix, lang=lang, tz=tz)
    _replace_atomically(path, data)


def render_report(overview: Overview, suffix: str, *, lang: str, tz: tzinfo) -> bytes:
    """Return the month's report as the bytes of an XLSX workbook or an HTML page."""
    kind = suffix.lower()
    if kind not in SUFFIXES:
        given = repr(suffix) if suffix else "a name without a suffix"
        raise ValueError(f"a report is written as {' or '.join(SUFFIXES)}, not {given}")
    content = _Content(overview, lang, tz)
    return _xlsx(content) if kind == ".xlsx" else _html(content).encode("utf-8")


def _replace_atomically(path: Path, data: bytes) -> None:
    # os.open with 0o666 lets the umask decide the mode, as for any file the user creates.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- the content both formats show ------------------------------------------------------


@dataclass(frozen=True)
class _KpiLine:
    kpi: Kpi
    value: float | int | None
    previous: float | int | None
    change: float | None
    n: int | None
    small: bool


class _Content:
    """The report's numbers and texts in one language, read once from the overview."""

    def __init__(self, overview: Overview, lang: str, tz: tzinfo) -> None:
        self.overview, self.lang, self.tz = overview, lang, tz
        self.zone = str(tz)
        current, previous = overview.current, overview.previous
        self.kpis = [
            _KpiLine(
                kpi,
                kpi.value(current),
                kpi.value(previous),
                kpi.change(current, previous),
                kpi.sample(current),
                kpi.small_sample(current),
            )
            for kpi in KPIS
        ]
        self.interval = csat_interval(current)
        self.scorecard = current.scorecard()
        self.dimensions = [name for name in REPORT_DIMENSIONS if name in overview.breakdowns]
        self.breakdowns = {name: breakdown_rows(overview, name) for name in self.dimensions}

    def t(self, key: str, **kwargs: object) -> str:
        return t(key, self.lang, **kwargs)

    @property
    def month_long(self) -> str:
        return format_month(self.overview.month, self.lang, long=True)

    @property
    def title(self) -> str:
        return self.t("report.title", month=self.month_long)

    @property
    def as_of(self) -> str:
        moment = format_datetime(self.overview.as_of, self.lang, tz=self.tz)
        return self.t("report.as_of", as_of=moment, zone=self.zone)

    def small_note(self) -> str:
        return _upper_first(self.t("chart.small_sample", limit=SMALL_SAMPLE))

    def heading(self, key: str, unit: Unit) -> str:
        """Return a column heading with its unit ("CSAT, %"); a count's name says it all."""
        name = self.t(key)
        return name if unit == "count" else f"{name}, {self.t(f'report.unit.{unit}')}"

    def interval_text(self) -> str:
        if self.interval is None:
            return f"{self.t('report.csat_interval')}: {MISSING}"
        low, high = (format_value("pct", bound, self.lang) for bound in self.interval)
        return self.t("report.csat_interval_text", low=low, high=high)

    def dimension(self, name: str) -> str:
        return self.t(f"dimension.{name}")

    def breakdown_caption(self, name: str) -> str:
        return self.t(
            "report.breakdown_caption",
            month=self.month_long,
            dimension=_lower_first(self.dimension(name)),
        )

    def definitions(self) -> list[tuple[str, str]]:
        """Return (name, definition) pairs: each KPI, each promise, the SLA policy applied."""
        return definitions(self.overview.policy, self.lang)


# --- HTML -------------------------------------------------------------------------------

# The page is templates/report.html.j2, shipped as package data. Every value is escaped
# (autoescape=True whatever the template's name); only the charts' own HTML is marked safe.
_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("feedback_analytics", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATE = _ENVIRONMENT.get_template("report.html.j2")


def _html(c: _Content) -> str:
    lang, overview = c.lang, c.overview
    figures: list[tuple[str, go.Figure]] = [("scorecard", scorecard_figure(overview, lang))] + [
        (f"trend-{kpi.key}", trend_figure(overview, kpi.key, lang)) for kpi in KPIS
    ]
    # plotly.js goes inline once, with the first chart of the page; the others reuse it.
    charts = [
        figure.to_html(
            full_html=False,
            include_plotlyjs=index == 0,
            div_id=name,
            config={"displaylogo": False, "responsive": True},
            default_width="100%",
            default_height=f"{figure.layout.height}px",
        )
        for index, (name, figure) in enumerate(figures)
    ]
    months = overview.months
    context: dict[str, Any] = {
        "lang": lang,
        "title": c.title,
        "as_of": c.as_of,
        "headings": {
            "kpis": c.t("report.kpis"),
            "scorecard": c.t("report.scorecard"),
            "trend": c.t("report.trend", count=len(months)),
            "breakdowns": c.t("report.breakdowns"),
            "definitions": c.t("report.definitions"),
        },
        "kpi_header": [
            c.t("report.column.kpi"),
            c.t("report.column.this_month"),
            c.t("report.column.previous"),
            c.t("report.column.change"),
            c.t("report.column.n"),
            c.t("report.column.note"),
        ],
        "kpi_rows": [
            {
                "help": c.t(f"kpi.{line.kpi.key}.help"),
                "flag": line.small,
                "cells": [
                    c.t(f"kpi.{line.kpi.key}"),
                    format_value(line.kpi.unit, line.value, lang),
                    format_value(line.kpi.unit, line.previous, lang),
                    format_change(line.kpi.unit, line.change, lang),
                    MISSING if line.n is None else format_number(line.n, lang),
                    c.small_note() if line.small else "",
                ],
            }
            for line in c.kpis
        ],
        "interval": c.interval_text(),
        "scorecard_header": [
            c.t("report.column.promise"),
            c.t("report.column.share"),
            c.t("report.column.count_of"),
        ],
        "scorecard_rows": [
            {
                "help": c.t(f"scorecard.{name}.help"),
                "cells": [
                    c.t(f"scorecard.{name}"),
                    format_value("pct", share.pct, lang),
                    c.t(
                        "report.count_of",
                        count=format_number(share.count, lang),
                        total=format_number(share.of, lang),
                    ),
                ],
            }
            for name, share in c.scorecard.items()
        ],
        "scorecard_chart": charts[0],
        "trend_header": [c.t("report.column.month")] + [c.t(f"kpi.{kpi.key}") for kpi in KPIS],
        "trend_rows": [
            {
                "selected": month == overview.month,
                "cells": [format_month(month, lang)]
                + [
                    format_value(kpi.unit, kpi.value(overview.figures[month]), lang) for kpi in KPIS
                ],
            }
            for month in months
        ],
        "trend_charts": charts[1:],
        "breakdowns": [
            {
                "title": c.dimension(name),
                "caption": c.breakdown_caption(name),
                "header": [c.dimension(name)] + [c.t(column.key) for column in _BREAKDOWN_COLUMNS],
                "rows": [
                    {
                        "cells": [value_label(name, value, lang)]
                        + [
                            format_value(column.unit, column.value(fig), lang)
                            for column in _BREAKDOWN_COLUMNS
                        ]
                    }
                    for value, fig in c.breakdowns[name]
                ],
            }
            for name in c.dimensions
        ],
        "definitions": c.definitions(),
        "cohorts": c.t("report.cohorts", zone=c.zone),
        "docs": c.t("report.docs"),
    }
    return _TEMPLATE.render(context)


# --- XLSX -------------------------------------------------------------------------------

_NUMBER_FORMATS: dict[Unit, str] = {
    "count": "#,##0",
    "pct": "0.0",
    "hours": "0.0",
    "score": "0.00",
}


class _Sheet:
    """A worksheet that writes text only as text and numbers only as numbers."""

    def __init__(self, worksheet: Any, formats: dict[str, Any]) -> None:
        self.worksheet, self.formats = worksheet, formats

    def text(self, row: int, col: int, value: str, style: str | None = None) -> None:
        if len(value) > _XLSX_TEXT_LIMIT:
            raise ValueError(f"a text of {len(value):,} characters does not fit an XLSX cell")
        # write_string, never write(): a value like "=1+1" must stay text, not a formula.
        self.worksheet.write_string(row, col, value, self.formats.get(style or ""))

    def texts(self, row: int, col: int, values: list[str], style: str | None = None) -> None:
        for offset, value in enumerate(values):
            self.text(row, col + offset, value, style)

    def number(self, row: int, col: int, value: float | None, style: str) -> None:
        if value is None or not math.isfinite(value):
            return  # null is an empty cell, never 0
        self.worksheet.write_number(row, col, value, self.formats[style])


def _xlsx(c: _Content) -> bytes:
    buffer = io.BytesIO()
    workbook = text_workbook(buffer)
    workbook.set_properties({"title": c.title})
    formats = _formats(workbook)
    names = _SheetNames()
    _summary_sheet(c, _Sheet(workbook.add_worksheet(names(c.t("report.sheet.summary"))), formats))
    trend_name = names(c.t("report.sheet.trend"))
    _trend_sheet(c, workbook, trend_name, _Sheet(workbook.add_worksheet(trend_name), formats))
    for dimension in c.dimensions:
        sheet = _Sheet(workbook.add_worksheet(names(c.dimension(dimension))), formats)
        _breakdown_sheet(c, dimension, sheet)
    _definitions_sheet(
        c, _Sheet(workbook.add_worksheet(names(c.t("report.sheet.definitions"))), formats)
    )
    workbook.close()
    return buffer.getvalue()


def _formats(workbook: Any) -> dict[str, Any]:
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "muted": workbook.add_format({"font_color": "#52606D"}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#F5F7FA", "bottom": 1, "text_wrap": True, "valign": "top"}
        ),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "bold": workbook.add_format({"bold": True, "valign": "top"}),
        "flag": workbook.add_format({"font_color": "#A3400C"}),
    }
    for unit, pattern in _NUMBER_FORMATS.items():
        formats[unit] = workbook.add_format({"num_format": pattern})
        formats[f"{unit}.bold"] = workbook.add_format({"num_format": pattern, "bold": True})
        decimals = "." + "0" * DECIMALS[unit] if DECIMALS[unit] else ""
        formats[f"{unit}.change"] = workbook.add_format(
            {"num_format": f"+#,##0{decimals};-#,##0{decimals};0{decimals}"}
        )
    return formats


def _summary_sheet(c: _Content, sheet: _Sheet) -> None:
    ws = sheet.worksheet
    sheet.text(0, 0, c.title, "title")
    sheet.text(1, 0, c.as_of, "muted")
    sheet.text(3, 0, c.t("report.kpis"), "bold")
    header = [
        c.t("report.column.kpi"),
        c.t("report.column.unit"),
        c.t("report.column.this_month"),
        c.t("report.column.previous"),
        c.t("report.column.change"),
        c.t("report.column.n"),
        c.t("report.column.note"),
    ]
    sheet.texts(4, 0, header, "header")
    row = 5
    for line in c.kpis:
        unit = line.kpi.unit
        sheet.text(row, 0, c.t(f"kpi.{line.kpi.key}"))
        sheet.text(row, 1, c.t(f"report.unit.{unit}"))
        sheet.number(row, 2, line.value, f"{unit}.bold")
        sheet.number(row, 3, line.previous, unit)
        sheet.number(row, 4, line.change, f"{unit}.change")
        sheet.number(row, 5, line.n, "count")
        if line.small:
            sheet.text(row, 6, c.small_note(), "flag")
        row += 1

    row += 1
    sheet.texts(
        row,
        0,
        ["", c.t("report.column.unit"), c.t("report.column.low"), c.t("report.column.high")],
        "header",
    )
    sheet.text(row + 1, 0, c.t("report.csat_interval"))
    sheet.text(row + 1, 1, c.t("report.unit.pct"))
    low, high = c.interval or (None, None)
    sheet.number(row + 1, 2, low, "pct")
    sheet.number(row + 1, 3, high, "pct")

    row += 3
    sheet.text(row, 0, c.t("report.scorecard"), "bold")
    header = [
        c.t("report.column.promise"),
        c.t("report.column.share"),
        c.t("report.column.count"),
        c.t("report.column.of"),
        c.t("report.column.count_of"),
    ]
    sheet.texts(row + 1, 0, header, "header")
    row += 2
    for name, share in c.scorecard.items():
        sheet.text(row, 0, c.t(f"scorecard.{name}"))
        sheet.number(row, 1, share.pct, "pct.bold")
        sheet.number(row, 2, share.count, "count")
        sheet.number(row, 3, share.of, "count")
        sheet.text(
            row,
            4,
            c.t(
                "report.count_of",
                count=format_number(share.count, c.lang),
                total=format_number(share.of, c.lang),
            ),
        )
        row += 1
    ws.set_column(0, 0, 38)
    ws.set_column(1, 5, 14)
    ws.set_column(6, 6, 24)


def _trend_sheet(c: _Content, workbook: Any, name: str, sheet: _Sheet) -> None:
    ws = sheet.worksheet
    months = c.overview.months
    sheet.text(0, 0, c.t("report.trend", count=len(months)), "title")
    header_row, first = 2, 3
    last = first + len(months) - 1
    sheet.text(header_row, 0, c.t("report.column.month"), "header")
    for col, kpi in enumerate(KPIS, start=1):
        sheet.text(header_row, col, c.heading(f"kpi.{kpi.key}", kpi.unit), "header")
    for row, month in enumerate(months, start=first):
        bold = ".bold" if month == c.overview.month else ""
        sheet.text(row, 0, format_month(month, c.lang), "bold" if bold else None)
        for col, kpi in enumerate(KPIS, start=1):
            sheet.number(row, col, kpi.value(c.overview.figures[month]), kpi.unit + bold)
    ws.set_column(0, 0, 12)
    ws.set_column(1, len(KPIS), 16)
    ws.set_row(header_row, 45)
    ws.freeze_panes(first, 1)

    # One native chart per unit, so every series of a chart shares its axis.
    top = last + 3
    for index, unit in enumerate(("count", "pct", "hours", "score")):
        chart = workbook.add_chart({"type": "column" if unit == "count" else "line"})
        for col, kpi in enumerate(KPIS, start=1):
            if kpi.unit != unit:
                continue
            series: dict[str, Any] = {
                "name": [name, header_row, col],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, col, last, col],
            }
            if unit != "count":
                series["marker"] = {"type": "circle", "size": 5}
            chart.add_series(series)
        chart.set_title({"name": c.t(f"chart.axis.{unit}"), "name_font": {"size": 11}})
        chart.set_x_axis({"name": c.t("chart.axis.month")})
        chart.set_y_axis({"name": c.t(f"report.unit.{unit}"), "min": 0})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 560, "height": 300})
        ws.insert_chart(
            top + (index // 2) * 16, 0, chart, {"x_offset": (index % 2) * 580, "y_offset": 0}
        )


def _breakdown_sheet(c: _Content, dimension: str, sheet: _Sheet) -> None:
    ws = sheet.worksheet
    sheet.text(0, 0, c.dimension(dimension), "title")
    sheet.text(1, 0, c.breakdown_caption(dimension), "muted")
    header = [c.dimension(dimension)] + [
        c.heading(column.key, column.unit) for column in _BREAKDOWN_COLUMNS
    ]
    sheet.texts(3, 0, header, "header")
    for row, (value, fig) in enumerate(c.breakdowns[dimension], start=4):
        sheet.text(row, 0, value_label(dimension, value, c.lang))
        for col, column in enumerate(_BREAKDOWN_COLUMNS, start=1):
            sheet.number(row, col, column.value(fig), column.unit)
    ws.set_column(0, 0, 34)
    ws.set_column(1, len(_BREAKDOWN_COLUMNS), 16)
    ws.set_row(3, 45)
    ws.freeze_panes(4, 1)


def _definitions_sheet(c: _Content, sheet: _Sheet) -> None:
    ws = sheet.worksheet
    sheet.text(0, 0, c.t("report.definitions"), "title")
    sheet.texts(2, 0, [c.t("report.column.kpi"), c.t("report.column.definition")], "header")
    row = 3
    for name, text in c.definitions():
        sheet.text(row, 0, name, "bold")
        sheet.text(row, 1, text, "wrap")
        row += 1
    sheet.text(row + 1, 1, c.t("report.cohorts", zone=c.zone), "wrap")
    sheet.text(row + 2, 1, c.t("report.docs"), "wrap")
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 100)


class _SheetNames:
    """Valid, distinct worksheet names: no []:*?/\\, at most 31 characters."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, text: str) -> str:
        base = "".join(" " if char in "[]:*?/\\" else char for char in text).strip(" '")
        base = base[:_SHEET_NAME_LIMIT] or "Sheet"
        name, number = base, 1
        while name.lower() in self.used:
            number += 1
            suffix = f" ({number})"
            name = base[: _SHEET_NAME_LIMIT - len(suffix)] + suffix
        self.used.add(name.lower())
        return name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
