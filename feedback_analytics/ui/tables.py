"""Tables of the pages: headings, values and numbers in the session's language, local times."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from feedback_analytics import privacy
from feedback_analytics.i18n import CATALOGUE, format_number, t, table_datetime_pattern
from feedback_analytics.ui.data import settings
from feedback_analytics.ui.session import current_viewer

# Row numbers are identifiers, as a spreadsheet shows them: no thousands separator.
_IDENTIFIERS = frozenset({"row", "id", "feedback_id"})


def _label(name: str, lang: str) -> str:
    # `field.*` names a record field; `column.*` other headings. (A `column.*` key also names
    # the values of a column called "column", so record fields cannot live there.)
    for key in (f"column.{name}", f"field.{name}"):
        if key in CATALOGUE:
            return t(key, lang)
    return name


def _value_label(column: str, value: Any, lang: str) -> Any:
    key = f"{column}.{value}"
    return t(key, lang) if key in CATALOGUE else value


def display_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the frame as shown: counts with the language's separators, coded values named."""
    shown = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_integer_dtype(column.dtype) and name not in _IDENTIFIERS:
            shown[name] = column.map(lambda v: "" if pd.isna(v) else format_number(v, lang))
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            shown[name] = column.map(lambda v, name=name: _value_label(name, v, lang))
    return shown


def column_config(frame: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Return st.dataframe column settings: catalogue headings, local-time datetimes."""
    config: dict[str, Any] = {}
    for name in frame.columns:
        label = _label(str(name), lang)
        dtype = frame[name].dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            config[name] = st.column_config.DatetimeColumn(
                label, format=table_datetime_pattern(lang), timezone=settings().timezone
            )
        elif pd.api.types.is_integer_dtype(dtype):
            if name in _IDENTIFIERS:
                config[name] = st.column_config.NumberColumn(label, format="%d")
            else:
                config[name] = st.column_config.TextColumn(label, alignment="right")
        else:
            config[name] = st.column_config.TextColumn(label)
    return config


def show_table(frame: pd.DataFrame, lang: str) -> None:
    """Render a table whose cells are shown as plain text, never as markdown or HTML, and
    whose personal data is shown only as far as the signed-in viewer may see it."""
    viewer = current_viewer()
    shown = privacy.for_viewer(frame, viewer.role if viewer else None)
    st.dataframe(
        display_frame(shown, lang),
        column_config=column_config(frame, lang),
        hide_index=True,
        width="stretch",
    )


def show_raw_table(frame: pd.DataFrame) -> None:
    """Render a file's cells as read, under the file's own headings, with row numbers (personal
    data as far as the viewer may see it)."""
    viewer = current_viewer()
    st.dataframe(privacy.for_viewer(frame, viewer.role if viewer else None), width="stretch")
