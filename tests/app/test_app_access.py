"""Sign-in, the permission matrix over every page, and what each role sees of personal data."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from app_support import PASSWORD, account, new_app, seed_demo, texts
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics import auth
from feedback_analytics.access import ROLES, Viewer, may_open
from feedback_analytics.db import AuditEvent, Feedback
from feedback_analytics.ui import PAGES

REFUSED = "cannot open this page"
WRONG = (
    "Email or password is wrong, or this account may not sign in with a password. "
    "Check both; if they are right, ask an administrator."
)
LOCKED = (
    "Too many failed sign-ins: this account is locked for 15 more minutes. An administrator "
    "can unlock it by setting a new password."
)


def page_text(at: AppTest) -> str:
    """Return everything a run shows: texts, metrics, table cells, widget labels and values."""
    parts = [texts(at)]
    parts += [str(element.value) for element in at.text]
    parts += [str(element.value) for element in at.code]
    for table in at.dataframe:
        parts.append(table.value.astype(str).to_csv(index=False))
    for kind in ("selectbox", "multiselect", "text_input", "number_input"):
        for widget in getattr(at, kind):
            parts.append(f"{widget.label}: {widget.value}")
            parts += [str(option) for option in getattr(widget, "options", [])]
    return "\n".join(parts)


@pytest.fixture
def demo(store_engine: Engine) -> pd.DataFrame:
    """The demo records in the app's store."""
    return seed_demo(store_engine, 400)


def events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_its_pages_and_is_refused_the_others(role: str, demo: pd.DataFrame) -> None:
    at = new_app(role).run()
    assert not at.exception
    for spec in PAGES:
        at.switch_page(spec.path).run()
        assert not at.exception, f"{role} on {spec.path}"
        refused = [e.value for e in at.error if REFUSED in str(e.value)]
        if may_open(role, spec.url_path):
            assert not refused, f"{role} refused {spec.path}"
            assert at.title, f"{spec.path} shows no title to {role}"
        else:
            assert refused, f"{role} was shown {spec.path}"
            assert not at.title, f"{role} sees the title of {spec.path}"


def _contacts(demo: pd.DataFrame) -> list[str]:
    """Every phone number and e-mail address of the demo customers."""
    values = pd.concat([demo["customer_phone"], demo["customer_email"]]).dropna()
    return [str(v) for v in values if str(v).strip()]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("role", ["manager", "quality"])
def test_no_phone_or_email_of_the_demo_reaches_a_masked_role(
    role: str, demo: pd.DataFrame, store_engine: Engine
) -> None:
    typed = demo.index[
        demo["reason"].fillna("").str.contains(r"@|\d{3}[ .]?\d{3}", regex=True)
        & demo["customer_phone"].notna()
    ]
    assert len(typed), "the demo has customers who typed their contact into the text"
    with Session(store_engine) as session:
        ids = session.scalars(select(Feedback.id).order_by(Feedback.id)).all()
    contacts = _contacts(demo)
    emails = [c.lower() for c in contacts if "@" in c]
    phones = {_digits(c) for c in contacts if "@" not in c}
    at = new_app(role).run()
    shown: list[str] = []
    for spec in PAGES:
        if not may_open(role, spec.url_path):
            continue
        at.switch_page(spec.path).run()
        shown.append(page_text(at))
    # The Record page of every record whose text holds the customer's own contact.
    at.switch_page("views/record.py").run()
    for position in typed:
        at.number_input(key="record_id").set_value(int(ids[position])).run()
        assert not at.exception
        shown.append(page_text(at))
    everything = "\n".join(shown)
    assert "Personal data is masked" in everything or role == "manager"
    lowered = everything.lower()
    assert not [e for e in emails if e in lowered]
    runs_of_digits = set(re.findall(r"\d{9,}", _digits_runs(everything)))
    assert not (runs_of_digits & phones)


def _digits_runs(text: str) -> str:
    # A phone shown with separators ("0912 345 678") becomes one run of digits.
    return re.sub(r"(?<=\d)[ .\-()]+(?=\d)", "", text)


def record_page(role: str, feedback_id: int) -> AppTest:
    """Return the Record page of one feedback as a person of `role` sees it."""
    at = new_app(role).run()
    at.switch_page("views/record.py").run()
    at.number_input(key="record_id").set_value(feedback_id).run()
    return at


def first_contact(engine: Engine) -> tuple[int, str, str]:
    """Return the id, customer phone and customer email of the first record with a customer."""
    with Session(engine) as session:
        record = session.scalars(
            select(Feedback).where(Feedback.customer_id.is_not(None)).order_by(Feedback.id)
        ).first()
        assert record is not None and record.customer is not None
        return record.id, str(record.customer.phone), str(record.customer.email)


def test_staff_see_the_contact_of_the_record_they_work_on(
    demo: pd.DataFrame, store_engine: Engine
) -> None:
    feedback_id, phone, _ = first_contact(store_engine)
    at = record_page("staff", feedback_id)
    assert not at.exception
    assert any(phone in str(t.value) for t in at.text)

    manager = record_page("manager", feedback_id)
    assert not any(phone in str(t.value) for t in manager.text)
    assert any("*" in str(t.value) for t in manager.text)


def test_a_manager_reveals_a_record_with_a_reason_and_the_reveal_is_logged(
    demo: pd.DataFrame, store_engine: Engine
) -> None:
    feedback_id, _, email = first_contact(store_engine)
    at = record_page("manager", feedback_id)
    at.text_input[0].set_value("short")
    form_button = [b for b in at.main.button if b.label == "Reveal"]
    assert form_button
    form_button[0].click().run()
    assert "at least 10 characters" in "\n".join(str(e.value) for e in at.error)
    assert not events(store_engine, "reveal")

    at.text_input[0].set_value("Customer asked for a call back about the refund")
    next(b for b in at.main.button if b.label == "Reveal").click().run()
    assert not at.exception
    assert any(email in str(t.value) for t in at.text), [
        str(x.value) for x in (*at.error, *at.text)
    ]
    (reveal,) = events(store_engine, "reveal")
    assert reveal.actor == "manager@example.test"
    assert reveal.feedback_id == feedback_id
    assert "call back" in reveal.details["reason"]


def test_quality_cannot_reveal(demo: pd.DataFrame) -> None:
    at = record_page("quality", 1)
    assert not [b for b in at.main.button if b.label == "Reveal"]
    assert "Personal data is masked for your role." in texts(at)


def test_customer_text_is_shown_as_text_never_as_markdown_or_html(store_engine: Engine) -> None:
    from app_support import add_feedback

    hostile = "<script>alert('x')</script> **bold** [link](http://evil.example) =1+1"
    add_feedback(store_engine, [{"current_feature": hostile}])
    at = record_page("admin", 1)
    assert not at.exception
    assert hostile in [str(t.value) for t in at.text]
    assert not [m for m in at.markdown if "<script>" in str(m.value) or "**bold**" in str(m.value)]


def test_sign_in_through_the_form(store_engine: Engine) -> None:
    account("manager")
    at = new_app(role=None).run()
    assert at.title[0].value == "Sign in"
    at.text_input(key="sign_in_email").set_value("Manager@Example.test")
    at.text_input(key="sign_in_password").set_value("not the password")
    at.button[0].click().run()
    assert [str(e.value) for e in at.error] == [WRONG]
    assert at.title[0].value == "Sign in"

    at.text_input(key="sign_in_email").set_value("manager@example.test")
    at.text_input(key="sign_in_password").set_value(PASSWORD)
    at.button[0].click().run()
    # The first attempt failed: the second waits only when failures reach signin_delay_from.
    assert not at.exception
    assert "Signed in as manager@example.test (manager)" in texts(at)
    assert [e.details["reason"] for e in events(store_engine, "sign_in.failed")] == [
        "wrong_password"
    ]
    assert len(events(store_engine, "sign_in")) == 1


def sign_in_errors(email: str, passwords: list[str]) -> list[list[str]]:
    """Return the errors the sign-in form shows after each password, tried in turn."""
    at = new_app(role=None).run()
    shown = []
    for password in passwords:
        at.text_input(key="sign_in_email").set_value(email)
        at.text_input(key="sign_in_password").set_value(password)
        at.button[0].click().run()
        assert not at.exception
        shown.append([str(e.value) for e in at.error])
    return shown


def test_unknown_email_reads_like_a_wrong_password(
    store_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback_analytics.config import get_settings

    # No wait; the second failure in a row locks (the email, whether or not it has an account).
    monkeypatch.setenv("FEEDBACK_SIGNIN_DELAY_FROM", "10")
    monkeypatch.setenv("FEEDBACK_SIGNIN_LOCK_AFTER", "2")
    get_settings.cache_clear()
    account("admin")
    passwords = ["not the password", "nor this one", PASSWORD]
    known = sign_in_errors("admin@example.test", passwords)
    unknown = sign_in_errors("nobody@example.test", passwords)
    assert known == unknown
    assert known[0] == [WRONG]
    assert known[1] == known[2] == [LOCKED]


def test_many_emails_from_one_address_lock_the_address(
    store_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback_analytics.config import get_settings
    from feedback_analytics.ui import session

    monkeypatch.setenv("FEEDBACK_SIGNIN_ADDRESS_DELAY_FROM", "10")
    monkeypatch.setenv("FEEDBACK_SIGNIN_ADDRESS_LOCK_AFTER", "2")
    get_settings.cache_clear()
    monkeypatch.setattr(session, "client_address", lambda: "203.0.113.7")
    account("admin")
    assert sign_in_errors("a@example.test", ["guess one"]) == [[WRONG]]
    assert sign_in_errors("b@example.test", ["guess two"]) == [
        ["Too many failed sign-ins from this network address: try again in 15 minutes."]
    ]


def test_repeated_failures_make_the_next_attempt_wait(
    store_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback_analytics.config import get_settings

    # From the first failure on, the next attempt must wait 2 s: the second click comes sooner.
    monkeypatch.setenv("FEEDBACK_SIGNIN_DELAY_FROM", "0")
    get_settings.cache_clear()
    account("staff")
    at = new_app(role=None).run()
    at.text_input(key="sign_in_email").set_value("staff@example.test")
    at.text_input(key="sign_in_password").set_value("wrong one")
    at.button[0].click().run()
    at.button[0].click().run()
    assert any("wait" in str(e.value) and "seconds" in str(e.value) for e in at.error)
    assert [e.details["reason"] for e in events(store_engine, "sign_in.failed")] == [
        "wrong_password",
        "wait",
    ]


def test_the_first_run_creates_the_first_administrator(store_engine: Engine) -> None:
    at = new_app(role=None).run()
    assert at.title[0].value == "Create the first administrator"
    at.text_input(key="first_email").set_value("chief@example.test")
    at.text_input(key="first_name").set_value("Chief")
    at.text_input(key="first_password").set_value("a long enough secret")
    at.text_input(key="first_again").set_value("a long enough secret")
    at.button[0].click().run()
    assert not at.exception
    assert "Signed in as chief@example.test (administrator)" in texts(at)
    with Session(store_engine) as session:
        (only,) = auth.list_users(session)
    assert (only.email, only.role) == ("chief@example.test", "admin")


def test_an_idle_session_expires(store_engine: Engine) -> None:
    at = new_app("admin").run()
    assert "Signed in as" in texts(at)
    at.session_state["last_seen"] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "Sign in"
    assert "Your session expired. Sign in again." in texts(at)
    assert len(events(store_engine, "session.expired")) == 1


def test_a_deactivated_account_is_signed_out_at_its_next_click(store_engine: Engine) -> None:
    at = new_app("quality").run()
    quality = account("quality")
    account("admin")
    with Session(store_engine) as session:
        auth.update_user(
            session, quality.id, actor="admin@example.test", now=datetime.now(UTC), active=False
        )
        session.commit()
    at.run()
    assert at.title[0].value == "Sign in"


def test_an_administrator_adds_a_user_and_reads_the_audit_log(store_engine: Engine) -> None:
    at = new_app("admin").run()
    at.switch_page("views/users.py").run()
    assert not at.exception
    at.text_input[0].set_value("new.staff@example.test")
    at.text_input[1].set_value("New Staff")
    at.text_input[2].set_value("another long secret")
    next(b for b in at.main.button if b.label == "Add a user").click().run()
    assert not at.exception
    assert "new.staff@example.test was added." in texts(at)
    with Session(store_engine) as session:
        made = auth.find_user(session, "new.staff@example.test")
    assert made is not None and made.role == "staff"

    at.switch_page("views/audit.py").run()
    assert not at.exception
    log = at.dataframe[0].value
    assert "user.create" in set(log["action"]) or "user.create" in log.to_csv()
    assert "another long secret" not in page_text(at)


@pytest.mark.parametrize("role", ["manager", "quality"])
def test_record_downloads_are_masked_and_logged(
    role: str, demo: pd.DataFrame, store_engine: Engine
) -> None:
    from feedback_analytics.ui import overview

    person = account(role)
    viewer = Viewer(person.id, person.email, person.name, person.role)
    with Session(store_engine) as session:
        ids = np.array(session.scalars(select(Feedback.id)).all())
    content = overview._records_file(lambda: ids, "csv", viewer, "all").decode("utf-8-sig")
    contacts = _contacts(demo)
    assert not [c for c in contacts if "@" in c and c.lower() in content.lower()]
    phones = {_digits(c) for c in contacts if "@" not in c}
    assert not (set(re.findall(r"\d{9,}", _digits_runs(content))) & phones)
    (download,) = events(store_engine, "download")
    assert download.actor == f"{role}@example.test"
    assert download.details["rows"] == len(ids)
