"""Satisfaction surveys: find the feedback a customer answers about, enter the response, or
upload many responses from a survey tool's export.

The policy measures satisfaction with the outcome, so only resolved feedback can be surveyed
and each feedback has one response. Changing a stored response is an explicit act (`replace`)
and is recorded in the audit log with the old and new score; the comment, the customer's own
words, stays out of the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from feedback_analytics.audit import record_event
from feedback_analytics.config import get_settings
from feedback_analytics.db.models import (
    Customer,
    Feedback,
    ImportBatch,
    RejectedRow,
    SurveyResponse,
)
from feedback_analytics.errors import ActionableError
from feedback_analytics.ingest.readers import Reader, open_source
from feedback_analytics.ingest.results import (
    FileResult,
    FileUnreadable,
    Rejection,
    RowError,
    too_many_rejected,
)
from feedback_analytics.ingest.values import (
    CHANNEL_ALIASES,
    FileColumns,
    parse_choice,
    parse_scores,
    parse_timestamps,
    quoted,
    shortened,
)

# A survey tool's export: which feedback (its external id, and the channel when the same id is
# stored for two channels), the score, the comment and when the customer answered.
SURVEY_FILE = FileColumns(
    names=("external_id", "channel", "score", "comment", "surveyed_at"),
    required=("external_id", "score"),
    aliases={
        "satisfaction_score": "score",
        "satisfaction_comment": "comment",
        "điểm": "score",
        "nhận xét": "comment",
    },
    what="survey file column",
)
# Statuses a resolved feedback can be in: resolved, then closed once the customer was answered.
SURVEYABLE = ("resolved", "closed")
SCORES = (1, 2, 3, 4, 5)
SEARCH_LIMIT = 20
_LOOKUP_CHUNK = 2_000


class SurveyRefused(ActionableError):
    """A survey response that cannot be stored as given; `code` and `params` let a page say
    why in the viewer's language, the message says it in English."""

    def __init__(self, code: str, message: str, **params: Any):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Response:
    """A stored survey response."""

    score: int | None
    comment: str | None
    surveyed_at: datetime | None
    entered_by: str | None


# Finding the feedback -------------------------------------------------------------------------


def _digits(column: Any) -> Any:
    """Return a SQL expression of a phone column with its usual separators taken out."""
    for separator in (" ", ".", "-", "(", ")", "+", "\u00a0"):
        column = func.replace(column, separator, "")
    return column


def find_feedback(session: Session, query: str, *, limit: int = SEARCH_LIMIT) -> list[int]:
    """Return the ids of the feedback matching `query`, newest first, at most `limit`.

    The query is a feedback id or external id (exact), a phone number (any way of writing it:
    its last 9 digits match), an email address or a part of the customer's name or email
    (case-insensitive; on SQLite only for unaccented letters).
    """
    text = " ".join(query.split())
    if not text:
        return []
    conditions: list[Any] = [Feedback.external_id == text]
    if text.isdigit() and len(text) < 10:
        conditions.append(Feedback.id == int(text))
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 9 and len(digits) >= len(text.replace(" ", "")) - 4:
        conditions.append(_digits(Customer.phone).like(f"%{digits[-9:]}"))
    if len(text) >= 2:
        # % and _ are the letters typed, not LIKE's wildcards: "%%" finds no one.
        conditions.append(Customer.name.icontains(text, autoescape=True))
        conditions.append(Customer.email.icontains(text, autoescape=True))
    rows = session.scalars(
        select(Feedback.id)
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .where(or_(*conditions))
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    return list(rows)


def stored_response(session: Session, feedback_id: int) -> Response | None:
    """Return the survey response of one feedback, or None when it has none."""
    row = session.scalars(
        select(SurveyResponse).where(SurveyResponse.feedback_id == feedback_id)
    ).first()
    if row is None:
        return None
    return Response(row.score, row.comment, row.surveyed_at, row.entered_by)


def is_surveyable(record: Feedback) -> bool:
    """Return True when the feedback is resolved (resolved or closed, or has a resolution time)."""
    return record.status in SURVEYABLE or record.resolved_at is not None


def _unresolved(record: Feedback) -> str:
    return (
        f"feedback {record.external_id} is {record.status.replace('_', ' ')}, not resolved: "
        "only resolved feedback can be surveyed; resolve it first"
    )


def _time_problem(record: Feedback, moment: datetime, now: datetime) -> tuple[str, str] | None:
    """Return (code, reason) when a survey time cannot be right for this feedback: before it
    was resolved (or received, when the resolution time is unknown), or in the future."""
    earliest = record.resolved_at or record.received_at
    if moment < earliest:
        return "early", (
            f"{moment.isoformat()} is before the feedback was resolved ({earliest.isoformat()}): "
            "correct the survey time"
        )
    if moment > now:
        return "future", "is in the future: give the time the customer answered"
    return None


# Entering one response --------------------------------------------------------------------------


def check_score(score: Any) -> int:
    """Return the score as a whole number 1-5, or raise SurveyRefused saying so."""
    if isinstance(score, bool) or not isinstance(score, int | float) or score not in SCORES:
        raise SurveyRefused(
            "score",
            f"{shortened(repr(score))} is not a satisfaction score: give a whole number from 1 "
            "to 5",
            score=score,
        )
    return int(score)


def enter_response(
    session: Session,
    feedback_id: int,
    *,
    score: Any,
    comment: str | None,
    surveyed_at: datetime,
    actor: str,
    now: datetime | None = None,
    replace: bool = False,
) -> Response:
    """Store the survey response of one feedback in the caller's transaction and audit it.

    Refused (SurveyRefused) for an unknown or unresolved feedback, a score outside 1-5, a time
    before the resolution or in the future, an overlong comment, and a feedback that already
    has a response unless `replace` says to change it.
    """
    now = now or datetime.now(UTC)
    record = session.get(Feedback, feedback_id, with_for_update=True)
    if record is None:
        raise SurveyRefused(
            "unknown", f"no feedback has id {feedback_id}: search for it again", id=feedback_id
        )
    checked = check_score(score)
    if not is_surveyable(record):
        raise SurveyRefused(
            "unresolved", _unresolved(record), external_id=record.external_id, status=record.status
        )
    if surveyed_at.tzinfo is None:
        raise ValueError("surveyed_at must be an aware datetime")
    problem = _time_problem(record, surveyed_at, now)
    if problem is not None:
        raise SurveyRefused(
            problem[0],
            f"the survey time {problem[1]}",
            earliest=record.resolved_at or record.received_at,
        )
    comment = _clean_comment(comment)
    existing = record.survey
    if existing is not None and existing.score is not None and not replace:
        raise SurveyRefused(
            "exists",
            f"feedback {record.external_id} already has a response (score {existing.score}): "
            "choose to replace it if the customer changed their answer",
            external_id=record.external_id,
            score=existing.score,
        )
    if existing is None:
        record.survey = SurveyResponse(
            score=checked,
            comment=comment,
            surveyed_at=surveyed_at,
            entered_by=actor[:200],
            created_at=now,
            updated_at=now,
        )
        record_event(
            session,
            actor=actor,
            action="survey.enter",
            feedback_id=feedback_id,
            details={"score": checked},
            now=now,
        )
    else:
        _audit_change(session, existing, checked, comment, surveyed_at, actor=actor, now=now)
        existing.score, existing.comment, existing.surveyed_at = checked, comment, surveyed_at
        existing.entered_by = actor[:200]
        existing.updated_at = now
    session.flush()
    return Response(checked, comment, surveyed_at, actor[:200])


def _clean_comment(comment: str | None) -> str | None:
    """Return the comment as stored (NUL removed, None when empty); refuse an overlong one."""
    if comment is None:
        return None
    text = comment.replace("\x00", "")
    if not text.strip():
        return None
    limit = get_settings().max_text_chars
    if len(text) > limit:
        raise SurveyRefused(
            "long",
            f"the comment is {len(text):,} characters long; at most {limit:,} are kept: shorten it",
            length=len(text),
            limit=limit,
        )
    return text


def _audit_change(
    session: Session,
    existing: SurveyResponse,
    score: int,
    comment: str | None,
    surveyed_at: datetime | None,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Record a change of a stored response: old and new score and time, not the comment."""
    record_event(
        session,
        actor=actor,
        action="survey.change",
        feedback_id=existing.feedback_id,
        details={
            "from": existing.score,
            "to": score,
            "surveyed_at": [_iso(existing.surveyed_at), _iso(surveyed_at)],
            "comment_changed": (existing.comment or None) != comment,
        },
        now=now,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


# Uploading many responses -----------------------------------------------------------------------


@dataclass
class _Row:
    """One parsed row of a survey file."""

    row: int
    external_id: str
    channel: str | None
    score: int | None
    comment: str | None
    surveyed_at: datetime | None
    errors: list[RowError] = field(default_factory=list)


def import_surveys(
    engine: Engine,
    source: Path | bytes | IO[bytes],
    *,
    file_name: str,
    actor: str,
    encoding: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
    origin: str = "cli",
    now: datetime | None = None,
) -> FileResult:
    """Import one survey results file (SURVEY_FILE's columns) as one batch, in one transaction.

    Idempotent like the record import: a row that matches the stored response is `unchanged`;
    a row that differs from a stored response is rejected unless `replace`, when it is
    `updated` and audited. Never raises for a bad file: `FileResult.unreadable` says why.
    """
    now = now or datetime.now(UTC)
    result = FileResult(file=file_name)
    try:
        binary = open_source(source)
        try:
            reader = Reader(binary, file_name=file_name, encoding=encoding, spec=SURVEY_FILE)
            result.header = reader.layout.header
            result.warnings = list(reader.layout.warnings)
            with Session(engine) as session:
                batch = None
                if not dry_run:
                    batch = ImportBatch(
                        file_name=Path(file_name).name,
                        content_hash=reader.digest,
                        file_format="surveys",
                        source=origin,
                        started_at=now,
                    )
                    session.add(batch)
                    session.flush()
                seen: dict[tuple[str | None, str], int] = {}
                for chunk in reader.chunks():
                    result.read += len(chunk.frame) + len(chunk.rejections)
                    rejections = list(chunk.rejections)
                    rows = _parse(chunk.frame, file=file_name)
                    rejections += _apply(
                        session, rows, chunk.raw, result, seen, actor, now, replace=replace
                    )
                    rejections.sort(key=lambda r: r.row)
                    result.rejections.extend(rejections)
                    result.rejected += len(rejections)
                    if result.rejected > get_settings().max_rejected_rows:
                        raise too_many_rejected(get_settings().max_rejected_rows, result.rejections)
                if batch is not None:
                    _finish_batch(session, batch, result)
                    record_event(
                        session,
                        actor=actor,
                        action="survey.import",
                        details={
                            "file": Path(file_name).name[:200],
                            "inserted": result.inserted,
                            "updated": result.updated,
                            "rejected": result.rejected,
                        },
                        now=now,
                    )
                    session.commit()
                    result.batch_id = batch.id
                else:
                    session.rollback()
        finally:
            if isinstance(source, Path | str):
                binary.close()
    except FileUnreadable as exc:
        return FileResult(file=file_name, unreadable=f"{file_name} {exc}", header=result.header)
    return result


def _parse(frame: pd.DataFrame, *, file: str) -> list[_Row]:
    """Return the rows of a chunk with their values parsed and their problems noted."""
    tz = get_settings().tz
    limit = get_settings().max_text_chars
    channels, channel_reasons = parse_choice(frame["channel"], CHANNEL_ALIASES, what="channel")
    scores, score_reasons = parse_scores(frame["score"])
    stamps, stamp_reasons = parse_timestamps(frame["surveyed_at"], tz=tz)
    rows = []
    for number in frame.index:
        external_id = str(frame.at[number, "external_id"]).strip()
        comment = str(frame.at[number, "comment"])
        row = _Row(
            row=int(number),
            external_id=external_id,
            channel=channels[number],
            score=None if pd.isna(scores[number]) else int(scores[number]),
            comment=comment if comment.strip() else None,
            surveyed_at=None if pd.isna(stamps[number]) else stamps[number].to_pydatetime(),
        )
        problems = [
            ("external_id", "" if external_id else "is required but empty: fill it in"),
            ("channel", channel_reasons[number]),
            ("score", score_reasons[number]),
            ("surveyed_at", stamp_reasons[number]),
        ]
        if row.score is None and not score_reasons[number]:
            problems.append(("score", "is required but empty: fill in a whole number 1 to 5"))
        if len(comment) > limit:
            problems.append(
                (
                    "comment",
                    f"is {len(comment):,} characters long; at most {limit:,} are kept: shorten it",
                )
            )
        row.errors = [RowError(file, row.row, c, reason) for c, reason in problems if reason]
        rows.append(row)
    return rows


def _apply(
    session: Session,
    rows: list[_Row],
    raw: dict[int, dict[str, Any]],
    result: FileResult,
    seen: dict[tuple[str | None, str], int],
    actor: str,
    now: datetime,
    *,
    replace: bool,
) -> list[Rejection]:
    """Store the valid rows of a chunk; return the rejected ones with their reasons."""
    stored = _stored(session, [r.external_id for r in rows if r.external_id])
    rejections = []
    for row in rows:
        # As in the record import, a repeated row is rejected whether or not the first one was.
        key = (row.channel, row.external_id)
        if row.external_id and key in seen:
            row.errors.append(
                RowError(
                    result.file,
                    row.row,
                    "external_id",
                    f"repeats row {seen[key]} of this file: keep one of the two rows",
                )
            )
        elif row.external_id:
            seen[key] = row.row
        if not row.errors:
            _match(row, stored, result.file, now)
        outcome = (
            None
            if row.errors
            else _store(session, row, stored, actor, now, file=result.file, replace=replace)
        )
        if outcome is not None:
            setattr(result, outcome, getattr(result, outcome) + 1)
            continue
        cells = raw[row.row]
        rejections.append(Rejection(row.row, cells, row.errors, list(cells.values())))
    session.flush()
    return rejections


def _stored(session: Session, external_ids: Sequence[str]) -> dict[str, list[Feedback]]:
    """Return the stored feedback of these external ids (every channel), with their surveys."""
    found: dict[str, list[Feedback]] = {}
    distinct = sorted(set(external_ids))
    for start in range(0, len(distinct), _LOOKUP_CHUNK):
        part = distinct[start : start + _LOOKUP_CHUNK]
        for record in session.scalars(select(Feedback).where(Feedback.external_id.in_(part))):
            found.setdefault(record.external_id, []).append(record)
    return found


def _match(
    row: _Row,
    stored: dict[str, list[Feedback]],
    file: str,
    now: datetime,
) -> None:
    """Note the problems of a well-formed row against the store and the rows before it."""
    candidates = [r for r in stored.get(row.external_id, []) if row.channel in (None, r.channel)]

    def refuse(column: str, reason: str) -> None:
        row.errors.append(RowError(file, row.row, column, reason))

    if not candidates:
        where = f" for the channel {row.channel}" if row.channel else ""
        refuse(
            "external_id",
            f"no feedback {quoted(row.external_id)} is stored{where}: check the id, or import the "
            "feedback first",
        )
        return
    if len(candidates) > 1:
        channels = ", ".join(sorted(r.channel for r in candidates))
        refuse(
            "channel",
            f"{quoted(row.external_id)} is stored for {channels}: add a channel column saying "
            "which",
        )
        return
    record = candidates[0]
    if not is_surveyable(record):
        refuse("external_id", f"{_unresolved(record)} or remove the row")
        return
    problem = None if row.surveyed_at is None else _time_problem(record, row.surveyed_at, now)
    if problem is not None:
        refuse("surveyed_at", problem[1])


def _store(
    session: Session,
    row: _Row,
    stored: dict[str, list[Feedback]],
    actor: str,
    now: datetime,
    *,
    file: str,
    replace: bool,
) -> str | None:
    """Store one matched row; return the count it adds to ("inserted", "updated",
    "unchanged"), or None with an error on the row when it would change a stored response
    without `replace`."""
    record = next(r for r in stored[row.external_id] if row.channel in (None, r.channel))
    existing = record.survey
    if existing is None or existing.score is None:
        if existing is None:
            record.survey = SurveyResponse(created_at=now, feedback_id=record.id)
            existing = record.survey
        existing.score, existing.comment = row.score, row.comment
        existing.surveyed_at = row.surveyed_at
        existing.entered_by, existing.updated_at = actor[:200], now
        return "inserted"
    # Like the record import: an empty cell keeps what is stored.
    comment = row.comment if row.comment is not None else existing.comment
    surveyed_at = row.surveyed_at or existing.surveyed_at
    if (existing.score, existing.comment, existing.surveyed_at) == (
        row.score,
        comment,
        surveyed_at,
    ):
        return "unchanged"
    if not replace:
        row.errors.append(
            RowError(
                file,
                row.row,
                "score",
                f"feedback {record.external_id} already has a different response (score "
                f"{existing.score}): remove the row, or replace existing responses on purpose "
                "(--replace, or the page's replace option)",
            )
        )
        return None
    assert row.score is not None
    _audit_change(session, existing, row.score, comment, surveyed_at, actor=actor, now=now)
    existing.score, existing.comment, existing.surveyed_at = row.score, comment, surveyed_at
    existing.entered_by, existing.updated_at = actor[:200], now
    return "updated"


def _finish_batch(session: Session, batch: ImportBatch, result: FileResult) -> None:
    """Write the batch's counts and its rejected rows."""
    batch.finished_at = datetime.now(UTC)
    batch.read, batch.inserted, batch.updated = result.read, result.inserted, result.updated
    batch.unchanged, batch.rejected = result.unchanged, result.rejected
    for rejection in result.rejections:
        session.add(
            RejectedRow(
                batch_id=batch.id,
                row_number=rejection.row,
                reason=rejection.reason,
                errors=[e.as_dict() for e in rejection.errors],
                raw={k: str(v) for k, v in rejection.raw.items()},
            )
        )
