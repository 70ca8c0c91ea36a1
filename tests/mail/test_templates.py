"""The templates of the messages to customers: the language, the sandbox, the administrator's
edits (stored, audited, previewed, reset)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from feedback_analytics.db import AuditEvent
from feedback_analytics.mail import outbox
from feedback_analytics.mail.templates import (
    TEMPLATE_NAMES,
    TemplateRefused,
    customer_datetime,
    customer_language,
    default_template,
    edited_templates,
    load_templates,
    preview_template,
    render_template,
    reset_template,
    save_template,
)
from tests.mail.helpers import add_record

ADMIN = "admin@example.test"


@pytest.mark.parametrize(
    ("texts", "default", "expected"),
    [
        (["Ứng dụng không hiện thông báo"], "en", "vi"),
        (["Wifi yếu"], "en", "vi"),
        (["The app does not start", None], "vi", "en"),
        (["Please add a dark mode", "Đề xuất"], "en", "vi"),
        (["ung dung khong vao duoc mang"], "vi", "vi"),
        (["ung dung khong vao duoc mang"], "en", "en"),
        (["VPN"], "vi", "vi"),
        ([None, ""], "en", "en"),
        (["app crash"], "vi", "vi"),
    ],
)
def test_customer_language(texts, default, expected):
    assert customer_language(texts, default=default) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("vi", "17:00 ngày 24/12/2026"), ("en", "Thursday, 24 December 2026, 17:00")],
)
def test_customer_datetime_is_company_local_time(lang, expected):
    assert customer_datetime(datetime(2026, 12, 24, 10, 0, tzinfo=UTC), lang) == expected


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_default_template_writes_a_message_with_the_number(name):
    written = preview_template(default_template(name), name=name)
    assert written.subject.startswith("[FB-1234] ")
    assert "FB-1234" in written.body and "{{" not in written.body


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Subject\n\n{{ ''.__class__ }}", "refused on line 3"),
        ("Subject\n\n{{ reference.__class__.__mro__[1].__subclasses__() }}", "refused on line 3"),
        ("Subject\n\n{{ reference.upper.__globals__ }}", "on line 3"),
        ("Subject\n\nline\n{% if %}", "error on line 4"),
        ("Subject\n\n{{ customer_email }}", "line 3: 'customer_email' is undefined"),
        ("Subject only", "needs a subject on its first line"),
    ],
)
def test_a_template_that_cannot_be_used_is_refused_naming_the_line(text, words):
    with pytest.raises(TemplateRefused, match=r"acknowledge\.en") as refused:
        preview_template(text, name="acknowledge.en")
    assert words in str(refused.value)


def test_values_are_plain_text_not_html():
    written = render_template("S\n\n{{ response }}", {"response": "<b>A & B</b>"}, name="x")
    assert written.body == "<b>A & B</b>\n"


def test_an_edited_template_is_stored_audited_used_and_reset(sqlite_engine: Engine, smtp_settings):
    edited = "[{{ reference }}] Cảm ơn Quý khách\n\nKính gửi Quý khách,\n\nMã số {{ reference }}.\n"
    with Session(sqlite_engine) as session, session.begin():
        with pytest.raises(TemplateRefused):
            save_template(session, "acknowledge.vi", "S\n\n{{ ''.__class__ }}", actor=ADMIN)
        assert save_template(session, "acknowledge.vi", edited, actor=ADMIN)
        assert not save_template(session, "acknowledge.vi", edited, actor=ADMIN)
    with Session(sqlite_engine) as session:
        assert load_templates(session)["acknowledge.vi"] == edited
        assert set(edited_templates(session)) == {"acknowledge.vi"}
    feedback_id = add_record(sqlite_engine)
    outbox.take_step(sqlite_engine, feedback_id, "acknowledge", actor=ADMIN, at=datetime.now(UTC))
    [message] = smtp_settings.wait_for(1)
    assert message["Subject"] == f"[FB-{feedback_id}] Cảm ơn Quý khách"
    with Session(sqlite_engine) as session, session.begin():
        assert reset_template(session, "acknowledge.vi", actor=ADMIN)
        assert not reset_template(session, "acknowledge.vi", actor=ADMIN)
        assert load_templates(session)["acknowledge.vi"] == default_template("acknowledge.vi")
        changes = session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "settings.change")
        ).all()
    assert changes == [
        {"setting": "mail_templates", "template": "acknowledge.vi", "to": "edited"},
        {"setting": "mail_templates", "template": "acknowledge.vi", "to": "default"},
    ]


def test_a_template_without_the_number_still_gets_it_in_the_subject(
    sqlite_engine: Engine, smtp_settings
):
    with Session(sqlite_engine) as session, session.begin():
        save_template(session, "acknowledge.vi", "Cảm ơn\n\nKính gửi Quý khách.\n", actor=ADMIN)
    feedback_id = add_record(sqlite_engine)
    outbox.take_step(sqlite_engine, feedback_id, "acknowledge", actor=ADMIN, at=datetime.now(UTC))
    assert smtp_settings.wait_for(1)[0]["Subject"] == f"[FB-{feedback_id}] Cảm ơn"


def test_an_unknown_template_name_is_refused():
    with pytest.raises(TemplateRefused, match=r"there is no mail template 'thanks\.fr'"):
        preview_template("S\n\nB", name="thanks.fr")
