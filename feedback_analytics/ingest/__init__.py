"""Canonical record import: readers per format -> one validated record stream -> the store."""

from feedback_analytics.ingest.pipeline import (
    import_paths,
    import_source,
    neutralise_formula,
    read_preview,
    rejects_to_csv,
)
from feedback_analytics.ingest.results import (
    FileResult,
    FileUnreadable,
    ImportResult,
    Rejection,
    RowError,
)
from feedback_analytics.ingest.values import COLUMNS, REQUIRED

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "FileResult",
    "FileUnreadable",
    "ImportResult",
    "Rejection",
    "RowError",
    "import_paths",
    "import_source",
    "neutralise_formula",
    "read_preview",
    "rejects_to_csv",
]
