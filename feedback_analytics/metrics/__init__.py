"""Every figure the dashboard, the command line and the report files show, computed here.

- `rules`: what every figure shares, each defined once (months, as_of, survey time,
  percentages, percentiles, the Wilson interval);
- `contract`: the monthly report of docs METRICS.md (`report --json`), its breakdowns, the
  policy scorecard and the records behind each number, measured against the stored SLA
  policy;
- `operations`: the operations pages' figures (intake per period and spikes, processing
  times and work lists, satisfaction by group).

`from feedback_analytics import metrics` gives the contract and the rules by name.
"""

from feedback_analytics.metrics.contract import (
    COHORTS,
    MonthFigures,
    Overview,
    RecordEvents,
    Share,
    cohort_mask,
    intake_by_month,
    month_overview,
    monthly_figures,
    monthly_report,
)
from feedback_analytics.metrics.rules import (
    DIMENSIONS,
    EVENT_COLUMNS,
    RECORD_COLUMNS,
    SATISFIED_SCORES,
    TIMESTAMP_COLUMNS,
    UNCATEGORISED,
    hours_between,
    last_complete_month,
    month_bounds,
    month_of,
    months_between,
    percentage,
    percentile,
    shift_month,
    trailing_months,
    wilson_interval,
)

__all__ = [
    "COHORTS",
    "DIMENSIONS",
    "EVENT_COLUMNS",
    "RECORD_COLUMNS",
    "SATISFIED_SCORES",
    "TIMESTAMP_COLUMNS",
    "UNCATEGORISED",
    "MonthFigures",
    "Overview",
    "RecordEvents",
    "Share",
    "cohort_mask",
    "hours_between",
    "intake_by_month",
    "last_complete_month",
    "month_bounds",
    "month_of",
    "month_overview",
    "monthly_figures",
    "monthly_report",
    "months_between",
    "percentage",
    "percentile",
    "shift_month",
    "trailing_months",
    "wilson_interval",
]
