"""The messages to customers, written from templates: one file per step and language in
feedback_analytics/mail_templates/ (the first line is the subject, then an empty line, then the
body), and an administrator's edited version of any of them stored for every app instance.

Templates are Jinja2 text rendered in a sandbox: an administrator may edit them on a page, and
an edited template must not be able to reach Python's objects (`{{ ''.__class__ }}` is
refused). Values are plain text (no HTML escaping) and a name the template does not get is an
error, never an empty gap in a customer's message. A template is checked by rendering it with a
sample record before it is saved, so a broken one never reaches a customer.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import babel.dates
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from feedback_analytics.config import get_settings
from feedback_analytics.db.models import MESSAGE_STEPS
from feedback_analytics.errors import ActionableError
from feedback_analytics.mail import feedback_reference
from feedback_analytics.shared_settings import read_setting, save_setting

# The app_settings key of the edited templates: {"<step>.<language>": text}.
KEY = "mail_templates"
LANGUAGES = ("vi", "en")
TEMPLATE_NAMES = tuple(f"{step}.{lang}" for step in MESSAGE_STEPS for lang in LANGUAGES)
_FOLDER = resources.files("feedback_analytics") / "mail_templates"
# The name a template's lines carry in a traceback (see _error_line).
_SOURCE_NAME = "<mail template>"
# A customer reads the promised time as people write it: "17:00 ngày 05/12/2026" and
# "Saturday, 5 December 2026, 17:00", in company local time.
_CUSTOMER_DATETIME = {"vi": "HH:mm 'ngày' dd/MM/yyyy", "en": "EEEE, d MMMM yyyy, HH:mm"}
# Letters only Vietnamese uses among the two languages (its vowels with tone marks, ă â đ ê ô
# ơ ư): any of them in the customer's words tells the language.
_VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)
# Common English words that Vietnamese typed without its marks does not use.
_ENGLISH_WORDS = re.compile(
    r"\b(?:the|and|is|are|was|not|to|of|my|it|in|for|with|this|that|please|can|cannot|when|i"
    r"|you|does|doesn't|don't|can't|have|has|would|should|could|there|your|our|from)\b"
)


class TemplateRefused(ActionableError):
    """A template that cannot be used; the message names the line and the fix."""


@dataclass(frozen=True)
class RenderedMessage:
    """A message written for one customer: its subject line and plain-text body."""

    subject: str
    body: str


def customer_language(texts: Iterable[str | None], *, default: str) -> str:
    """Return "vi" when the customer's texts hold Vietnamese letters, "en" when they read as
    English (at least two common English words), else `default`."""
    joined = " ".join(t for t in texts if isinstance(t, str))
    if _VIETNAMESE.search(joined):
        return "vi"
    return "en" if len(set(_ENGLISH_WORDS.findall(joined.lower()))) >= 2 else default


def customer_datetime(moment: datetime, lang: str) -> str:
    """Return an instant as the customer reads it in `lang`, in company local time."""
    return babel.dates.format_datetime(
        moment, _CUSTOMER_DATETIME[lang], tzinfo=get_settings().tz, locale=lang
    )


def default_template(name: str) -> str:
    """Return the template `name` ("<step>.<language>") as the product ships it."""
    _check_name(name)
    return (_FOLDER / f"{name}.txt").read_text(encoding="utf-8")


def edited_templates(session: Session) -> dict[str, str]:
    """Return the templates an administrator edited, by name (the others are the defaults)."""
    stored = read_setting(session, KEY) or {}
    return {name: text for name, text in stored.items() if name in TEMPLATE_NAMES}


def load_templates(session: Session) -> dict[str, str]:
    """Return every template in force, by name: the edited version, else the default."""
    edited = edited_templates(session)
    return {name: edited.get(name) or default_template(name) for name in TEMPLATE_NAMES}


def sample_values(step: str, lang: str, *, now: datetime | None = None) -> dict[str, Any]:
    """Return the values of a sample record for checking and previewing a template."""
    now = now or datetime.now(UTC)
    response = {
        "vi": "Chúng tôi đã sửa lỗi ứng dụng không hiện thông báo. Quý khách vui lòng cập nhật "
        "ứng dụng lên phiên bản mới nhất.",
        "en": "We fixed the fault that kept the app from showing notifications. Please update "
        "the app to its latest version.",
    }[lang]
    return message_values(
        step, lang, feedback_id=1234, due_at=now + timedelta(days=2), response=response
    )


def message_values(
    step: str, lang: str, *, feedback_id: int, due_at: datetime | None, response: str | None
) -> dict[str, Any]:
    """Return the names a template of `step` gets: reference (FB-<id>), due (the promised time
    as the customer reads it, None when none is set) and, for the outcome, the response."""
    values: dict[str, Any] = {
        "reference": feedback_reference(feedback_id),
        "due": None if due_at is None else customer_datetime(due_at, lang),
    }
    if step == "outcome":
        values["response"] = response or ""
    return values


def render_template(text: str, values: Mapping[str, Any], *, name: str) -> RenderedMessage:
    """Return the message a template's text writes with `values`; raise TemplateRefused naming
    the line of an error (syntax, a name it does not get, an unsafe attribute)."""
    environment = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    try:
        template = environment.from_string(text)
        template.filename = _SOURCE_NAME
        written = template.render(values)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(
            f"the template {name} has an error on line {exc.lineno}: {exc.message}; correct it"
        ) from None
    except SecurityError as exc:
        raise TemplateRefused(
            f"the template {name} is refused on line {_error_line(exc)}: "
            f"{str(exc).rstrip('.')}; a template may use only its values, not Python's objects"
        ) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
        line = _error_line(exc)
        where = f" on line {line}" if line else ""
        raise TemplateRefused(
            f"the template {name} cannot be written{where}: {str(exc).rstrip('.')}; use only "
            f"{', '.join(sorted(values))}"
        ) from None
    return _split(written, name)


def _error_line(exc: BaseException) -> int | None:
    """Return the template line an error happened on (Jinja puts it in the traceback)."""
    lines = [
        f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == _SOURCE_NAME
    ]
    return lines[-1] if lines else None


def _split(written: str, name: str) -> RenderedMessage:
    """Return the first line as the subject (on one line) and the rest as the body."""
    first, _, rest = written.lstrip("\n").partition("\n")
    subject = " ".join(first.split())
    body = rest.strip("\n")
    if not subject or not body.strip():
        raise TemplateRefused(
            f"the template {name} needs a subject on its first line, then an empty line, then "
            "the body"
        )
    return RenderedMessage(subject, body + "\n")


def render_message(
    session: Session, step: str, lang: str, values: Mapping[str, Any]
) -> RenderedMessage:
    """Return the message of `step` in `lang` from the template in force."""
    name = f"{step}.{lang}"
    return render_template(load_templates(session)[name], values, name=name)


def preview_template(text: str, *, name: str, now: datetime | None = None) -> RenderedMessage:
    """Return what a template's text writes for a sample record; raise TemplateRefused."""
    step, lang = _check_name(name)
    return render_template(text, sample_values(step, lang, now=now), name=name)


def save_template(
    session: Session, name: str, text: str, *, actor: str, now: datetime | None = None
) -> bool:
    """Store an administrator's version of a template after checking it on a sample record,
    audited, in the caller's transaction; return False when it equals the one in force.

    Raises TemplateRefused (nothing stored) when the template does not render."""
    preview_template(text, name=name, now=now)
    if text == load_templates(session)[name]:
        return False
    edited = edited_templates(session)
    edited[name] = text
    _store(session, edited, actor=actor, now=now, details={"template": name, "to": "edited"})
    return True


def reset_template(session: Session, name: str, *, actor: str, now: datetime | None = None) -> bool:
    """Put the default version of a template back in force, audited; return False when it
    was not edited."""
    _check_name(name)
    edited = edited_templates(session)
    if name not in edited:
        return False
    del edited[name]
    _store(session, edited, actor=actor, now=now, details={"template": name, "to": "default"})
    return True


def _store(
    session: Session,
    edited: dict[str, str],
    *,
    actor: str,
    now: datetime | None,
    details: dict[str, Any],
) -> None:
    # The template's text is the company's, not a customer's; its name says which one changed.
    save_setting(session, KEY, dict(edited), actor=actor, details=details, now=now)


def _check_name(name: str) -> tuple[str, str]:
    if name not in TEMPLATE_NAMES:
        raise TemplateRefused(
            f"there is no mail template {name!r}: use one of {', '.join(TEMPLATE_NAMES)}"
        )
    step, lang = name.split(".")
    return step, lang
