"""The key figures a manager reads, where each sits in a METRICS.md report, and how to show it.

The overview page and the monthly report files both list KPIS; the texts (name, formula)
are catalogue entries `kpi.<key>` and `kpi.<key>.help` in i18n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from feedback_analytics import sla
from feedback_analytics.i18n import t
from feedback_analytics.metrics import MonthFigures, wilson_interval
from feedback_analytics.sla import SlaPolicy

Unit = Literal["count", "pct", "hours", "score"]
# Below this many records behind a rate or a median, the page and report flag it.
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class Kpi:
    """One key figure: its value's path in the report, its sample's path, and its unit."""

    key: str
    path: str
    sample_path: str | None
    unit: Unit
    higher_is_better: bool | None  # None: neither (intake)
    cohort: str  # metrics.COHORTS: the records behind the figure

    def value(self, figures: MonthFigures) -> float | int | None:
        """Return the figure's value in the month (None where METRICS.md says null)."""
        return _pick(figures.report, self.path)

    def sample(self, figures: MonthFigures) -> int | None:
        """Return n, the number of records or responses the value is computed over."""
        if self.sample_path is None:
            return None
        # A path without a dot names a count of MonthFigures beside its report.
        return int(
            sum(
                _pick(figures.report, path) if "." in path else getattr(figures, path)
                for path in self.sample_path.split("+")
            )
        )

    def change(self, figures: MonthFigures, previous: MonthFigures) -> float | None:
        """Return the value minus the previous month's (None when either is null)."""
        now, before = self.value(figures), self.value(previous)
        return None if now is None or before is None else now - before

    def small_sample(self, figures: MonthFigures) -> bool:
        """Return True when the value rests on fewer than SMALL_SAMPLE records (but some)."""
        n = self.sample(figures)
        return n is not None and 0 < n < SMALL_SAMPLE


KPIS: tuple[Kpi, ...] = (
    Kpi("intake", "intake.total", None, "count", None, "intake"),
    Kpi(
        "ack_compliance",
        "acknowledgement.compliance_pct",
        "acknowledgement.within_sla+acknowledgement.breached",
        "pct",
        True,
        "acknowledgement_due",
    ),
    Kpi(
        "ack_median",
        "acknowledgement.median_hours",
        "acknowledged",
        "hours",
        False,
        "acknowledged",
    ),
    Kpi(
        "resolution_median",
        "resolution.median_hours",
        "resolution.resolved",
        "hours",
        False,
        "resolved",
    ),
    Kpi(
        "resolution_p90", "resolution.p90_hours", "resolution.resolved", "hours", False, "resolved"
    ),
    Kpi(
        "on_time",
        "resolution.on_time_pct",
        "resolution.on_time+resolution.late",
        "pct",
        True,
        "resolved_with_due",
    ),
    Kpi("backlog", "backlog_end_of_month", None, "count", False, "backlog"),
    Kpi("csat", "satisfaction.csat_pct", "satisfaction.responses", "pct", True, "survey_responses"),
    Kpi(
        "mean_score",
        "satisfaction.mean_score",
        "satisfaction.responses",
        "score",
        True,
        "survey_responses",
    ),
    Kpi(
        "response_rate",
        "satisfaction.response_rate_pct",
        "resolution.resolved",
        "pct",
        True,
        "resolved",
    ),
)
KPI_BY_KEY = {kpi.key: kpi for kpi in KPIS}


def csat_interval(figures: MonthFigures) -> tuple[float, float] | None:
    """Return the 95 % Wilson interval of the month's CSAT %, None without responses."""
    return wilson_interval(figures.satisfied, figures.report["satisfaction"]["responses"])


def _pick(report: dict[str, Any], path: str) -> Any:
    value: Any = report
    for part in path.split("."):
        value = value[part]
    return value


# The policy's four promises, as MonthFigures.scorecard() names them.
PROMISES = ("acknowledged_within_target", "eta_given", "eta_met", "response_sent")


def definitions(policy: SlaPolicy, lang: str) -> list[tuple[str, str]]:
    """Return how each number is defined, as (name, definition) pairs in `lang`: each KPI,
    each promise, then the SLA targets applied and how their hours are counted. The Monthly
    overview and the report files show the same list."""
    return (
        [(t(f"kpi.{kpi.key}", lang), t(f"kpi.{kpi.key}.help", lang)) for kpi in KPIS]
        + [(t(f"scorecard.{name}", lang), t(f"scorecard.{name}.help", lang)) for name in PROMISES]
        + [
            (t("report.sla.ack_targets", lang), sla.ack_targets_text(policy, lang)),
            (t("report.sla.clock", lang), sla.clock_text(policy, lang)),
        ]
    )
