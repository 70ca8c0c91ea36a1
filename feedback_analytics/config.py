"""One Settings object, read from environment variables (prefix FEEDBACK_)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of every command and of the app."""

    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore")

    db_url: str = Field(
        default="sqlite:///data/feedback.db",
        description="SQLAlchemy URL; postgresql+psycopg://user@host/db for a shared deployment.",
    )
    db_migrate_url: str | None = Field(
        default=None,
        description=(
            "The same database as the tables' owner: migrations run through it, and on "
            "PostgreSQL the role of db_url is then granted what the app needs, no more (it may "
            "only read and append the audit log). Unset: db_url's role migrates."
        ),
    )
    timezone: str = Field(default="Asia/Ho_Chi_Minh", description="Company local time zone.")
    ack_target_hours: float = Field(default=48.0, gt=0, description="Acknowledgement target.")
    max_text_chars: int = Field(
        default=100_000, gt=0, description="Longest text a record field may hold."
    )
    max_rejected_rows: int = Field(
        default=10_000,
        gt=0,
        description=(
            "A file with more rejected rows than this is refused whole: it is the wrong file or "
            "one mistake repeated, and its rejections would fill memory and the page."
        ),
    )
    max_import_memory_mb: int = Field(
        default=2048,
        gt=0,
        description=(
            "Memory a check or import of an upload may use, in MB: the pages run a costly "
            "upload in a process of its own and end it past this."
        ),
    )
    max_xlsx_expanded_mb: int = Field(
        default=1024,
        gt=0,
        description=(
            "Largest an XLSX workbook may expand to, in MB: its parts once unzipped, and its "
            "first sheet's text with the shared strings filled in (a few KB can hold gigabytes)."
        ),
    )
    max_xlsx_shared_strings_mb: int = Field(
        default=512,
        gt=0,
        description="Largest shared-strings table of an XLSX workbook, in MB as held in memory.",
    )
    demo_records: int = Field(default=20_000, ge=0, description="Records `make run` seeds.")
    review_threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="A prediction less confident than this leaves the record to a reviewer.",
    )
    classifier_backend: Literal["auto", "scikit-learn", "scikit-learn+minilm"] = Field(
        default="auto",
        description="auto: sentence embeddings beside TF-IDF when `make extras` installed them.",
    )
    cache_dir: str = Field(
        default="data/cache",
        description="Where the dashboard keeps its snapshot of the metric columns (a cache).",
    )
    signin_lock_after: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins in a row with one email (an account's or not) that lock it.",
    )
    signin_lock_minutes: float = Field(
        default=15,
        gt=0,
        description=(
            "How long a locked email or address stays locked; failures are also forgotten "
            "this long after the last one."
        ),
    )
    signin_delay_from: int = Field(
        default=2,
        ge=0,
        description=(
            "After this many failed sign-ins in a row with one email, each next attempt waits "
            "2**(failures - this) seconds (at most 60) before it is checked."
        ),
    )
    signin_address_lock_after: int = Field(
        default=30,
        ge=0,
        description=(
            "Failed sign-ins in a row from one client address (any emails) that lock the "
            "address; 0 turns the per-address throttle off."
        ),
    )
    signin_address_delay_from: int = Field(
        default=10,
        ge=0,
        description=(
            "After this many failed sign-ins in a row from one client address, each next "
            "attempt from it waits 2**(failures - this) seconds (at most 60)."
        ),
    )
    session_idle_minutes: float = Field(
        default=30, gt=0, description="A signed-in session left idle this long ends."
    )
    session_max_hours: float = Field(
        default=12, gt=0, description="A signed-in session ends this long after sign-in."
    )

    # --- The dedicated mailbox (IMAP) and the mail server that answers customers (SMTP) ------
    imap_host: str | None = Field(
        default=None, description="The dedicated feedback mailbox's IMAP server; unset: none."
    )
    imap_port: int | None = Field(
        default=None, gt=0, lt=65536, description="Unset: 993 with tls, else 143."
    )
    imap_security: Literal["tls", "starttls", "none"] = Field(
        default="tls",
        description="tls: TLS from the start (port 993); starttls: upgraded; none: only on a "
        "trusted network (the tests' own server).",
    )
    imap_user: str | None = Field(default=None, description="The mailbox's user name.")
    imap_password: SecretStr | None = Field(
        default=None, description="The mailbox's password (a secret: never logged)."
    )
    imap_folder: str = Field(default="INBOX", description="The folder feedback arrives in.")
    imap_done_folder: str = Field(
        default="Feedback stored",
        description="Where a message goes once its feedback (or reply) is committed.",
    )
    imap_problem_folder: str = Field(
        default="Feedback unreadable",
        description="Where a message goes that cannot become a feedback, for a person to read.",
    )
    imap_batch: int = Field(
        default=200,
        ge=1,
        le=1000,
        description="Messages read, stored (one import batch) and moved at a time: the import "
        "costs about a quarter second a batch whatever its size, so larger batches read faster.",
    )
    imap_poll_seconds: float = Field(
        default=60, gt=0, description="--watch: how often to look when the server has no IDLE."
    )
    smtp_host: str | None = Field(
        default=None, description="The mail server messages to customers go through; unset: none."
    )
    smtp_port: int | None = Field(
        default=None, gt=0, lt=65536, description="Unset: 465 with tls, 587 with starttls, else 25."
    )
    smtp_security: Literal["tls", "starttls", "none"] = Field(
        default="starttls", description="As imap_security, for the mail server."
    )
    smtp_user: str | None = Field(default=None, description="Unset: the server needs no login.")
    smtp_password: SecretStr | None = Field(default=None, description="A secret: never logged.")
    mail_from: str | None = Field(
        default=None,
        description="The dedicated address messages come from and customers answer to, e.g. "
        '"Góp ý khách hàng <gopy@example.vn>".',
    )
    mail_ca_file: str | None = Field(
        default=None,
        description="A CA bundle that vouches for the servers' certificates (unset: the system's).",
    )
    mail_timeout_seconds: float = Field(
        default=30, gt=0, description="How long a mail server may take to answer."
    )
    mail_language: Literal["vi", "en"] = Field(
        default="vi",
        description="The customer's language when their feedback's text does not tell.",
    )
    mail_auto_acknowledge: bool = Field(
        default=False,
        description="Acknowledge a feedback by e-mail as soon as it arrives (off: staff do).",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The company time zone."""
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (tests call get_settings.cache_clear())."""
    return Settings()
