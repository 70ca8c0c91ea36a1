"""Customer text, file names and the address, full of markdown, HTML and Streamlit's own syntax,
on every page: shown as text everywhere (issue 21), never as a link, an image or HTML.

One store holds a hostile value in every field that comes from outside: the product, category
(a label of the active model too), department, assignee, the three texts, the response, the
customer's name, e-mail and address, the external id, a survey's comment and who entered it,
who changed a status, an audit event's actor and details, an import's file name, an account's
name, a customer's e-mail reply, a mail server's answer, a message template. Every page is
opened as an administrator (who may open each and sees contact data) and driven to where those
values show, with hostile query parameters too; every run is checked: no markdown element,
widget label or tab would render markup from them, no chart draws a tag from them or holds them
in a hover template, and no table column is a link or an image column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from app_support import (
    account,
    add_batch,
    figure_specs,
    markdown_sources,
    new_app,
    seed_demo,
    table_column_types,
    upload,
)
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button, TextInput

from feedback_analytics import auth
from feedback_analytics.audit import record_event
from feedback_analytics.classify import service
from feedback_analytics.config import get_settings
from feedback_analytics.db import (
    Customer,
    CustomerReply,
    Feedback,
    OutboxMessage,
    StatusChange,
    SurveyResponse,
    ensure_schema,
    make_engine,
)
from feedback_analytics.i18n import t
from feedback_analytics.ui import PAGES
from tests.hostile import (
    HOSTILE,
    SHORT,
    displayed,
    figure_strings,
    markup_in_figure,
    markup_in_markdown,
    moment_this_week,
    shows_hostile,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")

PRODUCT = f"product {HOSTILE}"
CATEGORY = f"category {SHORT}"
DEPARTMENT = f"department {HOSTILE}"
# The demo's category renamed: the model learns it as one of its labels.
RENAMED = "Mobile app"
SPIKE_RECORDS = 12


@dataclass(frozen=True)
class HostileStore:
    """The store's URL, the month of the hostile records and the ids the pages are led to."""

    url: str
    month: str
    spike_period: str
    resolved_id: int
    resolved_external_id: str
    open_external_id: str


def _customer(n: int) -> Customer:
    return Customer(
        name=f"customer {n} {HOSTILE}",
        email=f"c{n}@evil.example",
        phone="0912345678",
        address=f"address {HOSTILE}",
    )


def _records(received: datetime) -> list[Feedback]:
    now = datetime.now(UTC)
    shared = {
        "channel": "email",
        "product": PRODUCT,
        "department": DEPARTMENT,
        "assignee": f"assignee {HOSTILE}",
        "current_feature": f"current feature {HOSTILE}",
        "proposal": f"proposal {HOSTILE}",
        "reason": f"reason {HOSTILE}",
        "created_at": now,
        "updated_at": now,
    }
    made = [
        Feedback(
            external_id=f"S-{n} {SHORT}",
            received_at=received,
            category=CATEGORY,
            category_source="human",
            acknowledged_at=received + timedelta(minutes=30),
            customer=_customer(n),
            **shared,
        )
        for n in range(SPIKE_RECORDS)
    ]
    resolved = Feedback(
        external_id=f"R {SHORT}",
        received_at=received,
        category=CATEGORY,
        category_source="human",
        acknowledged_at=received + timedelta(minutes=10),
        resolved_at=received + timedelta(minutes=20),
        responded_at=received + timedelta(minutes=25),
        response=f"response {HOSTILE}",
        status="resolved",
        customer=_customer(100),
        **shared,
    )
    resolved.survey = SurveyResponse(
        score=2,
        comment=f"comment {HOSTILE}",
        surveyed_at=received + timedelta(minutes=30),
        entered_by=SHORT,
        created_at=now,
        updated_at=now,
    )
    # Uncategorised: the model predicts it, the review queue lists it.
    waiting = Feedback(external_id=f"O {SHORT}", received_at=received, customer=_customer(200))
    for name, value in shared.items():
        setattr(waiting, name, value)
    return [*made, resolved, waiting]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileStore]:
    """Build the hostile store once (a model trained on it takes seconds)."""
    folder: Path = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{folder / 'store.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FEEDBACK_DB_URL", url)
        patch.setenv("FEEDBACK_CACHE_DIR", str(folder / "cache"))
        patch.setenv("FEEDBACK_REVIEW_THRESHOLD", "1.0")
        get_settings.cache_clear()
        engine = make_engine(url)
        ensure_schema(engine)
        seed_demo(engine, 400)
        tz = get_settings().tz
        moment, spike_period = moment_this_week(tz)
        received = moment.to_pydatetime().astimezone(UTC)
        now = datetime.now(UTC)
        with Session(engine) as session, session.begin():
            session.execute(
                update(Feedback).where(Feedback.category == RENAMED).values(category=CATEGORY)
            )
            records = _records(received)
            session.add_all(records)
            session.flush()
            resolved, waiting = records[-2], records[-1]
            session.add(
                StatusChange(
                    feedback_id=resolved.id,
                    from_status="new",
                    to_status="resolved",
                    changed_at=now,
                    changed_by=SHORT,
                )
            )
            # What the mail brings from outside: a customer's reply, a mail server's answers.
            session.add(
                CustomerReply(
                    feedback_id=resolved.id,
                    message_id=f"reply {SHORT}",
                    received_at=received,
                    subject=f"Re: {HOSTILE}",
                    text=f"reply {HOSTILE}",
                    created_at=now,
                )
            )
            session.add_all(
                [
                    OutboxMessage(
                        feedback_id=resolved.id,
                        step="outcome",
                        step_key=f"{resolved.id}:outcome",
                        channel="email",
                        language="en",
                        subject=f"[FB-{resolved.id}] {HOSTILE}",
                        body=f"response {HOSTILE}",
                        message_id=f"out-1@{SHORT}",
                        status="failed",
                        attempts=1,
                        last_error=f"550 {HOSTILE}",
                        created_at=now,
                        created_by=SHORT,
                    ),
                    OutboxMessage(
                        feedback_id=waiting.id,
                        step="acknowledge",
                        step_key=f"{waiting.id}:acknowledge",
                        channel="callback",
                        language="en",
                        subject=HOSTILE,
                        body=f"read out {HOSTILE}",
                        status="queued",
                        created_at=now,
                        created_by=SHORT,
                    ),
                ]
            )
            record_event(
                session,
                actor=SHORT,
                action="download",
                feedback_id=resolved.id,
                details={"what": HOSTILE},
            )
            auth.create_user(
                session,
                email="hostile@evil.example",
                role="staff",
                name=SHORT,
                actor=SHORT,
                now=now,
            )
            store = HostileStore(
                url=url,
                month=moment.strftime("%Y-%m"),
                spike_period=spike_period,
                resolved_id=resolved.id,
                resolved_external_id=resolved.external_id,
                open_external_id=waiting.external_id,
            )
        add_batch(engine, file_name=f"{HOSTILE}.csv")
        service.train_model(engine, created_by=SHORT, activate=True)
        service.classify_store(engine, threshold=1.0)
        with Session(engine) as session:
            labels = session.scalars(select(Feedback.predicted_category).distinct()).all()
        assert CATEGORY in labels  # the model's labels hold the hostile category
        engine.dispose()
        account("admin")
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()


@pytest.fixture
def hostile(hostile_db: HostileStore, monkeypatch: pytest.MonkeyPatch) -> HostileStore:
    """The app's settings on the hostile store (review threshold 1.0: every prediction waits)."""
    monkeypatch.setenv("FEEDBACK_DB_URL", hostile_db.url)
    monkeypatch.setenv("FEEDBACK_REVIEW_THRESHOLD", "1.0")
    get_settings.cache_clear()
    return hostile_db


def checked(at: AppTest) -> tuple[bool, bool]:
    """Assert the run shows nothing hostile as markup; return whether it showed a hostile value
    in markdown and in a chart."""
    assert not at.exception, [e.value for e in at.exception]
    sources = markdown_sources(at)
    problems = {source[:160]: markup_in_markdown(source) for source in sources}
    assert not {source: found for source, found in problems.items() if found}
    specs = figure_specs(at)
    for spec in specs:
        assert not markup_in_figure(spec)
    assert not {"link", "image"} & set(table_column_types(at))
    in_figures = any("&lt;img" in text for spec in specs for _, text in figure_strings(spec))
    return any(shows_hostile(source) for source in sources), in_figures


def button(at: AppTest, label: str) -> Button:
    """Return the first button (a form's submit button too) with this label."""
    return next(found for found in at.button if found.label == label)


def field(at: AppTest, label: str) -> TextInput:
    """Return the first text input with this label."""
    return next(found for found in at.text_input if found.label == label)


def opened(page: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = new_app("admin")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    return at


def home(store: HostileStore) -> Iterator[AppTest]:
    yield opened("views/home.py")


def monthly(store: HostileStore) -> Iterator[AppTest]:
    at = opened(
        "views/monthly.py",
        {
            "month": store.month,
            "product": PRODUCT,
            "category": CATEGORY,
            "department": DEPARTMENT,
            "channel": HOSTILE,  # not a channel: left out of the filters
        },
    )
    yield at
    assert at.multiselect(key="product").value == [PRODUCT]
    at.session_state["records_value"] = ("product", PRODUCT)  # a click on a breakdown bar
    for dimension in ("product", "category", "department"):
        at.segmented_control(key="breakdown").set_value(dimension).run()
        yield at


def intake(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/intake.py")
    at.segmented_control(key="spike_period").set_value(store.spike_period).run()
    yield at
    for by in ("category", "product", "department"):
        at.selectbox(key="intake_by").set_value(by).run()
        yield at


def sla(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/sla.py")
    yield at
    at.segmented_control(key="processing_by").set_value("department").run()
    yield at


def satisfaction(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/satisfaction.py")
    yield at
    at.text_input(key="comment_search").set_value("evil.example").run()
    yield at


def categories(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/categories.py")
    at.selectbox(key="category").set_value(CATEGORY).run()
    yield at
    at.button(key="find_themes").click().run()
    yield at


def review(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/review.py")
    yield at
    feedback_id = at.selectbox(key="review_record").value
    at.text_input(key=f"review_new_{feedback_id}").set_value(f"new {SHORT}")
    button(at, t("review.confirm", "en")).click().run()
    yield at


def classifier(store: HostileStore) -> Iterator[AppTest]:
    yield opened("views/classifier.py")


def import_(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/import.py")
    header = f"external_id,channel,received_at,current_feature,product,{SHORT.replace(',', '')}"
    row = f'"{SHORT}",email,2026-10-01T08:00:00,"{HOSTILE}","{HOSTILE}",x'
    yield upload(at, f"{SHORT}.csv", f"{header}\n{row}\n".encode())


def new(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/new.py")
    at.text_area(key="new_current_feature").set_value(f"VPN {HOSTILE}").run()
    yield at


def survey(store: HostileStore) -> Iterator[AppTest]:
    # A search that finds no one, from the address: said back as text.
    yield opened("views/survey.py", {"id": f"nobody {HOSTILE}"})
    yield opened("views/survey.py", {"id": store.resolved_external_id})
    yield opened("views/survey.py", {"id": store.open_external_id})


def record(store: HostileStore) -> Iterator[AppTest]:
    yield opened("views/record.py", {"id": HOSTILE})
    yield opened("views/record.py", {"id": str(store.resolved_id)})


def sla_settings(store: HostileStore) -> Iterator[AppTest]:
    yield opened("views/sla_settings.py")


def users(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/users.py")
    yield at
    field(at, t("auth.email", "en")).set_value("new.evil@evil.example")
    field(at, t("auth.name", "en")).set_value(SHORT)
    button(at, t("users.create", "en")).click().run()
    yield at


def audit(store: HostileStore) -> Iterator[AppTest]:
    yield opened("views/audit.py")


def mail_templates(store: HostileStore) -> Iterator[AppTest]:
    at = opened("views/mail_templates.py")
    yield at
    # An administrator's template full of markup: its preview is plain text, and a template
    # that cannot be written is refused in words that show it as typed.
    at.text_area(key="template_text_acknowledge.vi").set_value(f"{HOSTILE}\n\n{HOSTILE}").run()
    yield at
    at.text_area(key="template_text_acknowledge.vi").set_value(f"{{{{ {SHORT} }}}}\n\nx").run()
    yield at


SCENARIOS: dict[str, Callable[[HostileStore], Iterator[AppTest]]] = {
    "": home,
    "monthly": monthly,
    "intake": intake,
    "sla": sla,
    "satisfaction": satisfaction,
    "categories": categories,
    "review": review,
    "classifier": classifier,
    "import": import_,
    "new": new,
    "survey": survey,
    "record": record,
    "sla-settings": sla_settings,
    "users": users,
    "audit": audit,
    "mail-templates": mail_templates,
}
# Where a hostile value is interpolated into markdown, and where a chart draws one.
IN_MARKDOWN = {"monthly", "intake", "review", "survey", "users", "record"}
IN_CHARTS = {"monthly", "intake", "sla", "categories", "classifier"}


def test_every_page_has_a_scenario() -> None:
    assert set(SCENARIOS) == {spec.url_path for spec in PAGES}


@pytest.mark.parametrize("url_path", list(SCENARIOS), ids=lambda path: path or "home")
def test_hostile_values_are_text_on_every_page(hostile: HostileStore, url_path: str) -> None:
    in_markdown = in_charts = False
    for at in SCENARIOS[url_path](hostile):
        markdown, charts = checked(at)
        in_markdown, in_charts = in_markdown or markdown, in_charts or charts
    # The checks looked at the hostile values, not at a page that never showed them.
    assert in_markdown == (url_path in IN_MARKDOWN)
    assert in_charts == (url_path in IN_CHARTS)


def test_the_address_cannot_smuggle_markup_into_the_survey_search(hostile: HostileStore) -> None:
    at = opened("views/survey.py", {"id": f"nobody {HOSTILE}"})
    (warning,) = at.warning
    assert f"nobody {HOSTILE}" in displayed(str(warning.value))
    assert not markup_in_markdown(str(warning.value))
