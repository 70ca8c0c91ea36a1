"""The Import page's steps: take an upload, check it without storing, import it with progress."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import cast

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.uploaded_file_manager import UploadedFile

from feedback_analytics.db import DatabaseUnavailable
from feedback_analytics.i18n import format_number, t
from feedback_analytics.ingest import (
    FileResult,
    detect_kind,
    rejects_to_csv,
)
from feedback_analytics.ingest.isolated import ImportFailed, Outcome, run_upload
from feedback_analytics.ingest.pipeline import Progress
from feedback_analytics.ingest.readers import FORMATS
from feedback_analytics.ingest.values import shortened
from feedback_analytics.ui.data import clear_cached_data, get_engine
from feedback_analytics.ui.session import log_event, require_viewer
from feedback_analytics.ui.tables import show_table
from feedback_analytics.ui.text import escape_markdown

# The canonical formats (other uploads, such as the survey upload, take these) and what the
# Import page takes: those plus e-mails. A call log and a form export are .csv and .json.
FILE_TYPES = ("csv", "xlsx", "json", "jsonl")
IMPORT_FILE_TYPES = (*FILE_TYPES, "eml", "mbox")
# The kinds of file (KINDS) that come in a canonical file's format, and which format.
_CHANNEL_FORMATS = {"hotline": "csv", "web_form": "json"}
# Auto reads UTF-8 (with or without BOM) and UTF-16 with BOM; the others are for older files.
AUTO = "auto"
ENCODINGS = (AUTO, "utf-8", "utf-16", "windows-1258", "cp1252", "latin-1")
PREVIEW_ROWS = 20
# What the page sends the browser of a file: a preview cell's first characters, and the first
# problems of the rejected rows (the download holds every rejected row).
PREVIEW_CHARS = 200
SHOWN_PROBLEMS = 200
REJECTION_COLUMNS = ("row", "column", "reason")

# What each count of a result is called: after a dry run, and after the import itself.
CHECK_LABELS = {
    "inserted": "import.would_insert",
    "updated": "import.would_update",
    "unchanged": "import.would_keep",
    "rejected": "import.would_reject",
}
RESULT_LABELS = {name: f"column.{name}" for name in CHECK_LABELS}

_CHECKED = "import_checked"
_IMPORTED = "import_imported"


@dataclass(frozen=True)
class Upload:
    """An uploaded file with the kind and encoding chosen for it; `key` names all three in the
    session."""

    name: str
    data: bytes
    encoding: str | None
    key: str
    kind: str = "records"


def encoding_label(encoding: str, lang: str) -> str:
    """Return how the encoding select shows an encoding."""
    return t("import.encoding_auto", lang) if encoding == AUTO else encoding


def kind_label(kind: str, lang: str) -> str:
    """Return how the kind select shows a kind of file."""
    return t(f"import.kind.{kind}", lang)


def suggested_kind(file_name: str, current: str) -> str:
    """Return the kind a newly chosen file defaults to: e-mail for .eml and .mbox; the current
    choice while the extension fits it (another .csv call log); else canonical records."""
    detected = detect_kind(file_name)
    if detected != "records":
        return detected
    suffix = PurePath(file_name).suffix.lower()
    fits = _CHANNEL_FORMATS.get(current) == FORMATS.get(suffix)
    return current if fits else "records"


def follow_extension(file_key: str, kind_key: str) -> None:
    """Set the kind select to what the newly chosen file's extension suggests (on_change)."""
    uploaded = st.session_state.get(file_key)
    if uploaded is not None:
        current = st.session_state.get(kind_key, "records")
        st.session_state[kind_key] = suggested_kind(uploaded.name, current)


def upload_of(uploaded: UploadedFile | None, encoding: str, kind: str = "records") -> Upload | None:
    """Return the upload of the file widget with its kind and encoding, or None before a file
    is chosen."""
    if uploaded is None:
        return None
    return Upload(
        name=uploaded.name,
        data=uploaded.getvalue(),
        encoding=None if encoding == AUTO else encoding,
        key=f"{uploaded.file_id}:{encoding}:{kind}",
        kind=kind,
    )


def run(
    upload: Upload,
    lang: str,
    *,
    dry_run: bool,
    surveys: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
    preview_rows: int = 0,
) -> Outcome:
    """Return the outcome of checking (`dry_run`) or importing the upload, with a preview of its
    first `preview_rows` rows when asked: in a process of its own when it could be costly
    (ingest/isolated.py). A failure other than the file's (the database) is shown, and the
    page stops."""
    try:
        return run_upload(
            get_engine(),
            upload.name,
            upload.data,
            actor=require_viewer().actor,
            surveys=surveys,
            kind=None if surveys else upload.kind,
            encoding=upload.encoding,
            dry_run=dry_run,
            replace=replace,
            origin="app",
            progress=progress,
            preview_rows=preview_rows,
        )
    except (SQLAlchemyError, DatabaseUnavailable, ImportFailed) as exc:
        st.error(t("import.failed", lang))
        st.code(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        st.stop()


def examine(upload: Upload, lang: str) -> Outcome:
    """Return the upload's preview (its first rows as read, a channel file's as converted, each
    text cut to its first PREVIEW_CHARS characters) and what importing it would do, or why it
    cannot be read: from one dry run, kept for this upload."""
    kept = st.session_state.get(_CHECKED)
    if kept is not None and kept[0] == upload.key:
        return cast(Outcome, kept[1])
    with st.spinner(t("import.checking", lang)):
        outcome = run(upload, lang, dry_run=True, preview_rows=PREVIEW_ROWS)
    if outcome.preview is not None:
        outcome.preview = outcome.preview.map(
            lambda cell: shortened(cell, PREVIEW_CHARS) if isinstance(cell, str) else cell
        )
    st.session_state[_CHECKED] = (upload.key, outcome)
    return outcome


def imported(upload: Upload) -> FileResult | None:
    """Return the result of importing this very upload in this session, if it was imported."""
    kept = st.session_state.get(_IMPORTED)
    return kept[1] if kept is not None and kept[0] == upload.key else None


def import_with_progress(upload: Upload, lang: str) -> FileResult:
    """Import the upload under a progress bar (run_import: audited, categorised, snapshot
    refreshed), remember the result and clear cached totals."""
    bar = st.progress(0.0, text=t("import.progress", lang, percent=0))
    shown = 0

    def report(done: int, total: int) -> None:
        # The reader reports how far through the file it is; one message per percent at most.
        nonlocal shown
        percent = 100 if total <= 0 else max(0, min(100, done * 100 // total))
        if percent != shown:
            shown = percent
            bar.progress(percent / 100, text=t("import.progress", lang, percent=percent))

    outcome = run(upload, lang, dry_run=False, progress=report).result
    assert outcome is not None  # only a preview can leave it unset
    if outcome.files[0].unreadable:
        # The file passed its check, but its import was stopped (the memory cap): nothing of it
        # was stored, and the check stands for another try.
        bar.empty()
        st.error(t("import.failed", lang))
        st.code(outcome.files[0].unreadable, language=None, wrap_lines=True)
        st.stop()
    if outcome.not_categorised:
        st.warning(escape_markdown(outcome.not_categorised), icon=":material/warning:")
    bar.empty()
    [result] = outcome.files
    st.session_state[_IMPORTED] = (upload.key, result)
    st.session_state.pop(_CHECKED, None)
    clear_cached_data()
    return result


def rejection_table(result: FileResult, limit: int = SHOWN_PROBLEMS) -> pd.DataFrame:
    """Return one row per problem of the rejected rows, the first `limit` of them: row number,
    column, reason."""
    problems = (
        (error.row, error.column or "", error.reason)
        for rejection in result.rejections
        for error in rejection.errors
    )
    return pd.DataFrame(
        list(itertools.islice(problems, limit)), columns=list(REJECTION_COLUMNS)
    ).astype({"row": "Int64"})


def rejections_download(result: FileResult, upload: Upload, lang: str, *, key: str) -> None:
    """Render the button that downloads the rejected rows as they came, with their reasons."""
    viewer = require_viewer()

    def logged() -> bytes:
        log_event(
            viewer, "download", {"what": f"rejected rows of {upload.name[:200]}", "format": "csv"}
        )
        # Built only when asked for: from the file the isolated check kept, else from the
        # result (a small file checked in this process holds all its rejected rows).
        if result.rejects_file is not None:
            try:
                return Path(result.rejects_file).read_bytes()
            except OSError:
                pass  # removed since (kept for a day): what the result holds
        return rejects_to_csv(result)

    st.download_button(
        t("import.download_rejections", lang),
        data=logged,
        file_name=f"{PurePath(upload.name).stem}-rejected.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def show_counts(result: FileResult, lang: str, labels: dict[str, str]) -> None:
    """Render one metric per count of a result: {count attribute: catalogue key of its label}."""
    for column, (name, label_key) in zip(st.columns(len(labels)), labels.items(), strict=True):
        column.metric(t(label_key, lang), format_number(getattr(result, name), lang))


def show_rejections(result: FileResult, upload: Upload, lang: str, *, key: str) -> None:
    """Render the problems of the rejected rows and the download of those rows."""
    if not result.rejected:
        st.success(t("import.all_valid", lang), icon=":material/check_circle:")
        return
    st.subheader(t("import.rejections", lang))
    st.caption(t("import.rejections_caption", lang))
    table = rejection_table(result)
    if len(table) >= SHOWN_PROBLEMS or len(result.rejections) < result.rejected:
        st.caption(
            t(
                "import.rejections_shown",
                lang,
                shown=format_number(len(table), lang),
                rows=format_number(result.rejected, lang),
            )
        )
    show_table(table, lang)
    rejections_download(result, upload, lang, key=key)


def show_check(checked: FileResult, upload: Upload, lang: str, *, key: str) -> None:
    """Render what a dry run found: why the file is unreadable (and stop the page), else the
    counts, the file's warnings and the rejected rows."""
    if checked.unreadable:
        st.error(t("import.unreadable", lang), icon=":material/error:")
        st.code(checked.unreadable, language=None, wrap_lines=True)
        st.stop()
    st.caption(t("import.check_caption", lang, rows=format_number(checked.read, lang)))
    show_counts(checked, lang, CHECK_LABELS)
    if checked.warnings:
        st.warning(t("import.warnings", lang), icon=":material/warning:")
        st.code("\n".join(checked.warnings), language=None, wrap_lines=True)
    show_rejections(checked, upload, lang, key=key)
