"""Canonical record import: readers per format -> one validated record stream -> the store.

Channel files (e-mails, hotline call logs, web form exports) are converted into canonical
record files first (channels.py) and then take the same way.
"""

from feedback_analytics.ingest.channels import KINDS, Converted, convert, detect_kind
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
    "KINDS",
    "REQUIRED",
    "Converted",
    "FileResult",
    "FileUnreadable",
    "ImportResult",
    "Rejection",
    "RowError",
    "convert",
    "detect_kind",
    "import_paths",
    "import_source",
    "neutralise_formula",
    "read_preview",
    "rejects_to_csv",
]
