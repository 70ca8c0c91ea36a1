"""One import, whichever door it comes through (the command line, the Import and Survey pages).

Each file is its own batch in its own transaction, and its audit event is written in that
transaction: a batch and its event are committed together or not at all. One event per file,
not one per call, because a call's files commit one by one: an event for the whole call could
sit in only one of their transactions, and would then either record files that never
committed or leave committed ones unrecorded when a later file fails.

What follows a change is the same for every door: the active model categorises the new and
reworded records, and the dashboard's facts snapshot, when one is kept, is brought up to date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, exists, select
from sqlalchemy.orm import Session

from feedback_analytics.audit import record_event
from feedback_analytics.config import get_settings
from feedback_analytics.db import ClassifierModel
from feedback_analytics.ingest.channels import Converted, detect_kind
from feedback_analytics.ingest.pipeline import BeforeCommit, Progress, import_source
from feedback_analytics.ingest.results import FileResult, ImportResult

# A file to import: its path, or the name and contents of an upload (or the name it was
# uploaded as and where it is kept).
ImportFile = Path | tuple[str, bytes] | tuple[str, Path]
# Told of each file's outcome once it is written (committed) or checked, before what follows.
FileDone = Callable[[FileResult], None]
# How many of a call's files an audit event names, and how much of each name.
AUDITED_FILES = 50
AUDITED_NAME_CHARS = 200


def run_import(
    engine: Engine,
    files: Sequence[ImportFile],
    *,
    actor: str,
    kind: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    origin: str = "cli",
    progress: Progress | None = None,
    file_done: FileDone | None = None,
) -> ImportResult:
    """Import each file as its own audited batch, then categorise and refresh what follows;
    return the outcome of every file and of the categorisation.

    Every file is of `kind` (channels.KINDS); with None, each file's kind follows its name
    (detect_kind). `actor` is who the audit log names. A dry run writes nothing at all.
    `file_done` hears of each file's outcome as soon as it is committed (or checked).
    """
    names = [_name(file) for file in files]
    kinds = [kind or detect_kind(name) for name in names]
    call = {
        "files": [Path(name).name[:AUDITED_NAME_CHARS] for name in names][:AUDITED_FILES],
        "kinds": kinds[:AUDITED_FILES],
    }
    result = ImportResult()
    for file, name, file_kind in zip(files, names, kinds, strict=True):
        result.files.append(
            import_source(
                engine,
                file if isinstance(file, Path) else file[1],
                file_name=name,
                kind=file_kind,
                encoding=encoding,
                dry_run=dry_run,
                origin=origin,
                progress=progress,
                before_commit=_audit_import(actor, kind=file_kind, call=call),
            )
        )
        if file_done is not None:
            file_done(result.files[-1])
    if dry_run or not (result.total("inserted") or result.total("updated")):
        return result
    _categorise(engine, result)
    refresh_snapshot(engine)
    return result


def run_converted_import(
    engine: Engine, converted: Converted, *, file_name: str, actor: str, origin: str
) -> FileResult:
    """Import channel records converted already (the mailbox's messages of one batch) as one
    audited batch, then categorise and refresh what follows, as run_import does; return the
    batch's outcome."""
    call = {"files": [Path(file_name).name[:AUDITED_NAME_CHARS]], "kinds": [converted.kind]}
    result = ImportResult()
    result.files.append(
        import_source(
            engine,
            converted.data,
            file_name=file_name,
            origin=origin,
            converted=converted,
            before_commit=_audit_import(actor, kind=converted.kind, call=call),
        )
    )
    if result.total("inserted") or result.total("updated"):
        _categorise(engine, result)
        refresh_snapshot(engine)
    return result.files[0]


def run_survey_import(
    engine: Engine,
    files: Sequence[ImportFile],
    *,
    actor: str,
    encoding: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
    origin: str = "cli",
    file_done: FileDone | None = None,
) -> ImportResult:
    """Import each survey results file as its own audited batch (surveys.import_surveys writes
    the event in the batch's transaction), then refresh the snapshot; return every file's
    outcome (`file_done` hears of each as soon as it is committed or checked)."""
    from feedback_analytics.surveys import import_surveys

    result = ImportResult()
    for file in files:
        result.files.append(
            import_surveys(
                engine,
                file if isinstance(file, Path) else file[1],
                file_name=_name(file),
                actor=actor,
                encoding=encoding,
                replace=replace,
                dry_run=dry_run,
                origin=origin,
            )
        )
        if file_done is not None:
            file_done(result.files[-1])
    if not dry_run and (result.total("inserted") or result.total("updated")):
        refresh_snapshot(engine)
    return result


def has_active_model(engine: Engine) -> bool:
    """Return True when a model is active: only then is the classifier (scikit-learn and skops,
    seconds to import) loaded to categorise what an import brought."""
    with engine.connect() as connection:
        return bool(connection.scalar(select(exists().where(ClassifierModel.active.is_(True)))))


def refresh_snapshot(engine: Engine) -> bool:
    """Bring the dashboard's facts snapshot, when there is one, up to the store after a change:
    reports and first views start from it instead of reading the store again. Return False
    when none is kept."""
    from feedback_analytics.facts import FactsSnapshot

    return FactsSnapshot(engine, Path(get_settings().cache_dir)).refresh_if_kept()


def _name(file: ImportFile) -> str:
    return str(file) if isinstance(file, Path) else file[0]


def _audit_import(actor: str, *, kind: str, call: dict[str, Any]) -> BeforeCommit:
    """Return the step that writes a file's "import" event in the file's own transaction: the
    file's counts and batch, with the files and kinds of the whole call it belongs to."""

    def record(connection: Connection, result: FileResult) -> None:
        details = {
            **call,
            "file": Path(result.file).name[:AUDITED_NAME_CHARS],
            "kind": kind,
            "batch": result.batch_id,
            "inserted": result.inserted,
            "updated": result.updated,
            "rejected": result.rejected,
        }
        # A session joined to the import's connection writes inside its transaction and
        # leaves the commit (or the rollback) to it.
        with Session(bind=connection) as session:
            record_event(session, actor=actor, action="import", details=details)
            session.flush()

    return record


def _categorise(engine: Engine, result: ImportResult) -> None:
    """Categorise the new and reworded records with the active model, if any; a model that
    cannot be loaded leaves them uncategorised and the import stands (`not_categorised`)."""
    if not has_active_model(engine):
        return
    from feedback_analytics.classify import service
    from feedback_analytics.classify.registry import ModelUnusable

    try:
        result.classified = service.classify_store(
            engine, threshold=get_settings().review_threshold, only_new=True
        )
    except ModelUnusable as exc:
        result.not_categorised = str(exc)
