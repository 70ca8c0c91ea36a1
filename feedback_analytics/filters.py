"""The record filters of the pages: which channels, categories, priorities, departments and
products to count. An empty choice means every value."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from feedback_analytics.metrics import DIMENSIONS


@dataclass(frozen=True)
class Filters:
    """The values chosen per dimension; an empty tuple keeps every record."""

    channel: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    product: tuple[str, ...] = ()

    @classmethod
    def of(cls, chosen: dict[str, list[str] | tuple[str, ...] | None]) -> Filters:
        """Return the filters of {dimension: values}, values sorted, duplicates dropped."""
        unknown = set(chosen) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"unknown filter {sorted(unknown)}; expected {', '.join(DIMENSIONS)}")
        return cls(**{name: tuple(sorted(set(values or ()))) for name, values in chosen.items()})

    @property
    def active(self) -> dict[str, tuple[str, ...]]:
        """Return the dimensions with a choice, and the values chosen."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def mask(self, records: pd.DataFrame) -> np.ndarray | None:
        """Return which records the filters keep, None when they keep every record; the value
        "" keeps the records without a value (a chart's bar of those)."""
        if not self.active:
            return None
        kept = np.ones(len(records), dtype=bool)
        for name, values in self.active.items():
            chosen = records[name].isin(values)
            if "" in values:
                chosen |= records[name].isna()
            kept &= chosen.to_numpy(dtype=bool, na_value=False)
        return kept
