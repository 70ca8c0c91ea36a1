"""What an import reports: counts, per-row errors and the rejected rows as they came."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from feedback_analytics.errors import ActionableError

if TYPE_CHECKING:
    from feedback_analytics.classify.service import ClassifyResult


class FileUnreadable(ActionableError):
    """A file that cannot be read at all; the message says why and how to fix it."""


@dataclass(frozen=True)
class RowError:
    """One problem of one row: which file, row (spreadsheet numbering), column, why."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """Return the `errors` item of `import --json`."""
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class Rejection:
    """A rejected row: its number, its cells as they came, and every problem found."""

    row: int
    raw: dict[str, Any]
    errors: list[RowError]
    cells: list[Any] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """Return all problems of the row as one sentence list."""
        return "; ".join(f"{e.column}: {e.reason}" if e.column else e.reason for e in self.errors)


REJECTED_SETTING = "FEEDBACK_MAX_REJECTED_ROWS"
# How many of the first rejections the refusal of a file of too many quotes.
_QUOTED_REJECTIONS = 3


def too_many_rejected(cap: int, first: list[Rejection]) -> FileUnreadable:
    """Return the refusal of a file with more than `cap` rejected rows, naming the cap, the
    setting that raises it and the first rejections (whose reasons say what to fix)."""
    shown = "; ".join(f"row {r.row}: {r.reason}" for r in first[:_QUOTED_REJECTIONS])
    return FileUnreadable(
        f"is refused: more than {cap:,} of its rows are rejected (the cap max_rejected_rows; "
        f"raise it with {REJECTED_SETTING}). A file this broken is usually the wrong file or one "
        f"mistake repeated: fix what its rejected rows have in common and import it again. "
        f"The first: {shown}"
    )


@dataclass
class FileResult:
    """The outcome of importing one file (one batch)."""

    file: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unreadable: str | None = None
    batch_id: int | None = None
    header: list[str] = field(default_factory=list)
    # Where every rejected row is kept as a CSV file when `rejections` holds only the first
    # of them (a check or import run in a process of its own: see ingest/isolated.py).
    rejects_file: str | None = None

    @property
    def errors(self) -> list[RowError]:
        """Return every problem, the unreadable file's first."""
        found = [RowError(self.file, None, None, self.unreadable)] if self.unreadable else []
        for rejection in self.rejections:
            found.extend(rejection.errors)
        return found


@dataclass
class ImportResult:
    """The outcome of one import call over one or more files, and of what followed it."""

    files: list[FileResult] = field(default_factory=list)
    # The active model's categorisation of what the import brought; None when nothing was
    # categorised (a dry run, nothing new or changed, no active model).
    classified: ClassifyResult | None = None
    # Why the active model could not categorise what the import brought (the import stands).
    not_categorised: str | None = None

    def total(self, name: str) -> int:
        """Return the sum of one count over every file."""
        return sum(int(getattr(f, name)) for f in self.files)

    @property
    def errors(self) -> list[RowError]:
        """Return every problem of every file."""
        return [e for f in self.files for e in f.errors]

    def as_json(self) -> dict[str, Any]:
        """Return the object `import --json` prints (METRICS.md)."""
        return {
            "read": self.total("read"),
            "inserted": self.total("inserted"),
            "updated": self.total("updated"),
            "unchanged": self.total("unchanged"),
            "rejected": self.total("rejected"),
            "errors": [e.as_dict() for e in self.errors],
        }

    @property
    def exit_code(self) -> int:
        """Return 2 when a file was unreadable, 1 when a row was rejected, else 0."""
        if any(f.unreadable for f in self.files):
            return 2
        return 1 if self.total("rejected") else 0
