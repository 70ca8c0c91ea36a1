"""Canonical record import: readers per format -> one validated record stream -> the store.

Channel files (e-mails, hotline call logs, web form exports) are converted into canonical
record files first (channels.py) and then take the same way. `run_import` (use_case.py) is the
import every door runs: audited batches, then categorisation and the snapshot.
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
from feedback_analytics.ingest.use_case import (
    ImportFile,
    has_active_model,
    refresh_snapshot,
    run_import,
    run_survey_import,
)
from feedback_analytics.ingest.values import COLUMNS, REQUIRED

__all__ = [
    "COLUMNS",
    "KINDS",
    "REQUIRED",
    "Converted",
    "FileResult",
    "FileUnreadable",
    "ImportFile",
    "ImportResult",
    "Rejection",
    "RowError",
    "convert",
    "detect_kind",
    "has_active_model",
    "import_paths",
    "import_source",
    "neutralise_formula",
    "read_preview",
    "refresh_snapshot",
    "rejects_to_csv",
    "run_import",
    "run_survey_import",
]
