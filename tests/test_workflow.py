"""Taking and handling feedback on SQLite and PostgreSQL: the new record, each step, the status
history, the audit log and the refusals."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text, update
from sqlalchemy.orm import Session

from feedback_analytics import sla, workflow
from feedback_analytics.audit import ACTIONS
from feedback_analytics.classify import registry
from feedback_analytics.classify.evaluation import quality_report
from feedback_analytics.classify.recipe import FittedRecipe, fit_recipe
from feedback_analytics.classify.service import TEXT_FIELDS
from feedback_analytics.classify.text import feedback_text
from feedback_analytics.config import get_settings
from feedback_analytics.db import AuditEvent, Customer, Feedback, StatusChange, make_engine
from feedback_analytics.demo import generate_demo
from feedback_analytics.ingest import import_source
from feedback_analytics.workflow import (
    AlreadyDone,
    FeedbackEntry,
    InvalidEntry,
    MoveRefused,
    Suggestion,
    UnknownFeedback,
)
from tests.classify.helpers import seed_labelled

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 15:00 in Ho Chi Minh City
RECEIVED = NOW - timedelta(hours=3)
STAFF = "staff@example.test"
LANGS = ("en", "vi")
OTHER = "other.staff@example.test"

ENTRY = FeedbackEntry(
    channel="hotline",
    received_at=RECEIVED,
    current_feature="Ứng dụng mất kết nối VPN mỗi khi đổi mạng Wi-Fi",
    proposal="Tự kết nối lại khi mạng đổi",
    reason="Phải đăng nhập lại nhiều lần mỗi ngày",
    customer_name="Nguyễn Văn An",
    customer_phone="0912 345 678",
    customer_email="an.nguyen@example.vn",
    customer_address="12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
    product="SecuGate VPN Client",
    priority="normal",
)


def create(engine: Engine, entry: FeedbackEntry = ENTRY, *, now: datetime = NOW) -> int:
    with Session(engine) as session, session.begin():
        return workflow.create_feedback(session, entry, actor=STAFF, now=now)


def record(engine: Engine, feedback_id: int) -> Feedback:
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(Feedback, feedback_id)
        assert found is not None
        return found


def history(engine: Engine, feedback_id: int) -> list[tuple[str | None, str, str]]:
    with Session(engine) as session:
        frame = workflow.status_history(session, feedback_id)
    return list(
        frame[["from_status", "to_status", "changed_by"]].itertuples(index=False, name=None)
    )


def events(engine: Engine, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    with Session(engine) as session:
        return list(session.scalars(query))


def step(engine: Engine, name: str, feedback_id: int, **kwargs: Any) -> Any:
    """Run one workflow step in its own transaction, as a page does."""
    kwargs.setdefault("actor", STAFF)
    kwargs.setdefault("now", NOW)
    with Session(engine) as session, session.begin():
        return getattr(workflow, name)(session, feedback_id, **kwargs)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- A new feedback -------------------------------------------------------------------------


def test_a_new_feedback_is_stored_with_its_customer_history_and_audit(engine: Engine) -> None:
    feedback_id = create(engine)
    with Session(engine) as session:
        stored = session.get(Feedback, feedback_id)
        assert stored is not None and stored.customer is not None
        assert stored.external_id == "APP-20261202-0001"
        assert (stored.channel, stored.received_at, stored.priority) == (
            "hotline",
            RECEIVED,
            "normal",
        )
        assert stored.current_feature == ENTRY.current_feature
        assert (stored.proposal, stored.reason) == (ENTRY.proposal, ENTRY.reason)
        assert (stored.customer.name, stored.customer.phone, stored.customer.email) == (
            "Nguyễn Văn An",
            "0912 345 678",
            "an.nguyen@example.vn",
        )
        assert (stored.status, stored.status_explicit) == ("new", False)
        assert (stored.created_at, stored.updated_at) == (NOW, NOW)
        # The default promise: the normal priority's resolution target, 120 h.
        assert stored.due_at == RECEIVED + timedelta(hours=120)
        assert stored.acknowledged_at is None
    assert history(engine, feedback_id) == [(None, "new", STAFF)]
    (event,) = events(engine, "feedback.create")
    assert (event.actor, event.feedback_id) == (STAFF, feedback_id)
    assert event.details["external_id"] == "APP-20261202-0001"
    # No customer data in the audit log.
    logged = str(event.details)
    assert not [v for v in ("Nguyễn", "0912", "an.nguyen", "Lê Lợi") if v in logged]


def test_external_ids_count_per_channel_and_local_day(engine: Engine) -> None:
    first = create(engine)
    second = create(engine)
    by_email = create(engine, replace(ENTRY, channel="email"))
    # 17:30 UTC on 2 December is 00:30 on 3 December in Ho Chi Minh City.
    next_day = create(
        engine,
        replace(ENTRY, received_at=datetime(2026, 12, 2, 17, 30, tzinfo=UTC)),
        now=datetime(2026, 12, 2, 18, 0, tzinfo=UTC),
    )
    ids = [record(engine, i).external_id for i in (first, second, by_email, next_day)]
    assert ids == [
        "APP-20261202-0001",
        "APP-20261202-0002",
        "APP-20261202-0001",
        "APP-20261203-0001",
    ]


@pytest.mark.parametrize(
    ("priority", "hours"), [("urgent", 48), ("high", 72), ("normal", 120), ("low", 240)]
)
def test_the_promised_time_defaults_to_the_priority_target(
    sqlite_engine: Engine, priority: str, hours: int
) -> None:
    stored = record(sqlite_engine, create(sqlite_engine, replace(ENTRY, priority=priority)))
    assert stored.due_at == RECEIVED + timedelta(hours=hours)


def test_the_promised_time_follows_a_changed_sla_policy(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        policy = sla.load_policy(session)
        targets = dict(policy.targets)
        targets["normal"] = sla.Targets(ack_hours=24, resolution_hours=36)
        targets["low"] = sla.Targets(ack_hours=48, resolution_hours=None)
        sla.save_policy(session, policy.model_copy(update={"targets": targets}), actor="boss")
    normal = record(engine, create(engine))
    low = record(engine, create(engine, replace(ENTRY, priority="low")))
    assert normal.due_at == RECEIVED + timedelta(hours=36)
    assert low.due_at is None  # no target, no promise


def test_a_promised_time_given_on_the_form_is_kept(sqlite_engine: Engine) -> None:
    due = RECEIVED + timedelta(days=2)
    stored = record(sqlite_engine, create(sqlite_engine, replace(ENTRY, due_at=due)))
    assert stored.due_at == due


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"customer_phone": "", "customer_email": None}, "customer_phone", "phone number or"),
        ({"customer_phone": "   ", "customer_email": "  "}, "customer_phone", "phone number or"),
        ({"customer_email": "an.nguyen@example"}, "customer_email", "not an email address"),
        ({"customer_email": "an nguyen@example.vn"}, "customer_email", "not an email address"),
        ({"customer_phone": "12345"}, "customer_phone", "not a Vietnamese phone number"),
        ({"customer_phone": "0912 345 678, 0987 654 321"}, "customer_phone", "Vietnamese"),
        ({"current_feature": "  \n "}, "current_feature", "is required but empty"),
        ({"channel": "fax"}, "channel", "'fax' is not a channel: use one of email, hotline"),
        ({"priority": "asap"}, "priority", "'asap' is not a priority"),
        ({"received_at": NOW + timedelta(hours=1)}, "received_at", "is in the future"),
        ({"due_at": RECEIVED - timedelta(hours=1)}, "due_at", "earlier than received_at"),
    ],
)
def test_a_wrong_entry_is_refused_naming_the_field_and_nothing_is_stored(
    engine: Engine, changes: dict[str, Any], field: str, says: str
) -> None:
    with pytest.raises(InvalidEntry) as refused:
        create(engine, replace(ENTRY, **changes))
    assert field in refused.value.problems
    problem = refused.value.problems[field]
    assert says in problem.message
    assert f"{field}: " in str(refused.value)
    worded = {lang: workflow.refusal_text(problem.code, problem.params, lang) for lang in LANGS}
    assert worded["en"] != worded["vi"] or problem.code == "rule"
    assert (count(engine, Feedback), count(engine, Customer), count(engine, AuditEvent)) == (
        0,
        0,
        0,
    )


def test_a_refusal_lists_every_wrong_field_and_never_repeats_a_contact(
    sqlite_engine: Engine,
) -> None:
    wrong = replace(ENTRY, customer_phone="555-12", customer_email="an@", current_feature="")
    with pytest.raises(InvalidEntry) as refused:
        create(sqlite_engine, wrong)
    assert set(refused.value.problems) == {"customer_phone", "customer_email", "current_feature"}
    assert "555-12" not in str(refused.value) and "an@" not in str(refused.value)


@pytest.mark.parametrize(
    ("phone", "email"),
    [
        ("0912345678", None),
        ("+84 912 345 678", None),
        ("84912345678", None),
        ("091-234-5678", None),
        ("(028) 3822 1234", None),
        ("02838221234", None),
        (None, "khach.hang@công-ty.vn"),
        (None, "  an@example.com  "),
    ],
)
def test_vietnamese_phone_numbers_and_email_addresses_are_accepted(
    phone: str | None, email: str | None
) -> None:
    values = workflow.check_entry(
        replace(ENTRY, customer_phone=phone, customer_email=email), now=NOW
    )
    assert values["customer_phone"] == phone
    assert values["customer_email"] == (email.strip() if email else None)


def test_aliases_are_read_as_the_import_reads_them() -> None:
    values = workflow.check_entry(
        replace(ENTRY, channel="điện thoại", priority="Khẩn cấp"), now=NOW
    )
    assert (values["channel"], values["priority"]) == ("hotline", "urgent")


def test_texts_lose_nul_characters_and_obey_the_longest_text(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = record(
        sqlite_engine, create(sqlite_engine, replace(ENTRY, current_feature="VPN\x00 drops\n"))
    )
    assert stored.current_feature == "VPN drops\n"  # kept as typed, but the NUL
    monkeypatch.setenv("FEEDBACK_MAX_TEXT_CHARS", "20")
    get_settings.cache_clear()
    with pytest.raises(InvalidEntry) as refused:
        create(sqlite_engine, replace(ENTRY, proposal="x" * 21))
    assert refused.value.problems["proposal"].message == (
        "is 21 characters long; at most 20 are kept: shorten it"
    )


SUGGESTED = Suggestion("VPN connectivity", 0.9, "m-test")
DOUBTFUL = Suggestion("VPN connectivity", 0.3, "m-test")


@pytest.mark.parametrize(
    ("category", "suggestion", "expected"),
    [
        # The suggestion accepted unchanged is the person's choice.
        ("VPN connectivity", SUGGESTED, ("VPN connectivity", "human", None, None)),
        ("Mobile app", SUGGESTED, ("Mobile app", "human", None, None)),
        # Left blank: a confident suggestion becomes the model's category, a doubtful one waits
        # for review, as `classify` decides.
        (None, SUGGESTED, ("VPN connectivity", "model", 0.9, "m-test")),
        ("  ", DOUBTFUL, (None, None, None, None)),
        (None, None, (None, None, None, None)),
        ("Mobile app", None, ("Mobile app", "human", None, None)),
    ],
)
def test_the_category_is_the_persons_choice_or_the_models(
    sqlite_engine: Engine,
    category: str | None,
    suggestion: Suggestion | None,
    expected: tuple[Any, ...],
) -> None:
    stored = record(
        sqlite_engine,
        create(sqlite_engine, replace(ENTRY, category=category, suggestion=suggestion)),
    )
    assert (
        stored.category,
        stored.category_source,
        stored.category_confidence,
        stored.model_version,
    ) == expected
    predicted = (stored.predicted_category, stored.predicted_confidence, stored.predicted_by)
    assert predicted == (tuple(suggestion) if suggestion else (None, None, None))


# --- The suggestion -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_fit() -> FittedRecipe:
    """The recipe fitted once on the labelled demo records that `seed_labelled` stores."""
    frame = generate_demo(400, seed=3, end=date(2026, 10, 31))
    labelled = frame[frame["category"].notna() & (frame["category"] != "")]
    texts = [feedback_text(row) for row in labelled[list(TEXT_FIELDS)].itertuples(False)]
    return fit_recipe(texts, labelled["category"].tolist())


def activate(engine: Engine, fitted: FittedRecipe) -> str:
    """Store `fitted` as the active model; return its version."""
    version = registry.new_version(datetime.now(UTC))
    with Session(engine) as session, session.begin():
        registry.save_model(
            session,
            pipeline=fitted.pipeline,
            version=version,
            created_by="test",
            backend="scikit-learn",
            n_train=len(fitted.cv_true),
            labels=fitted.labels,
            params=fitted.params,
            metrics=quality_report(fitted.cv_true, fitted.cv_pred, labels=fitted.labels),
            now=datetime.now(UTC),
        )
        registry.activate_model(session, version, now=datetime.now(UTC))
    return version


def test_the_active_model_suggests_a_category(engine: Engine, demo_fit: FittedRecipe) -> None:
    seed_labelled(engine, 50)
    version = activate(engine, demo_fit)
    with Session(engine) as session:
        found = workflow.suggest_category(
            session, "VPN tunnel drops every hour, the client cannot reconnect to the gateway"
        )
        assert found is not None
        assert (found.category, found.version) == ("VPN connectivity", version)
        assert 0 < found.confidence <= 1
        assert workflow.suggest_category(session, "  \n") is None


def test_no_model_no_suggestion(engine: Engine) -> None:
    with Session(engine) as session:
        assert workflow.suggest_category(session, "VPN tunnel drops every hour") is None


# --- Steps on a stored record ---------------------------------------------------------------


def test_each_step_moves_the_status_with_history_audit_and_updated_at(engine: Engine) -> None:
    feedback_id = create(engine)
    times = [NOW + timedelta(minutes=m) for m in (10, 20, 30, 40, 50, 60)]

    step(engine, "acknowledge", feedback_id, at=RECEIVED + timedelta(hours=1), now=times[0])
    after = record(engine, feedback_id)
    assert after.acknowledged_at == RECEIVED + timedelta(hours=1)
    assert (after.status, after.status_explicit, after.updated_at) == (
        "acknowledged",
        True,
        times[0],
    )

    due = RECEIVED + timedelta(days=3)
    assert step(engine, "promise", feedback_id, due_at=due, now=times[1]) is True
    assert (record(engine, feedback_id).due_at, record(engine, feedback_id).updated_at) == (
        due,
        times[1],
    )

    assert step(
        engine,
        "assign",
        feedback_id,
        department="Network Engineering",
        assignee="Bình",
        now=times[2],
    )
    assigned = record(engine, feedback_id)
    assert (assigned.department, assigned.assignee, assigned.updated_at) == (
        "Network Engineering",
        "Bình",
        times[2],
    )

    step(engine, "start", feedback_id, now=times[3])
    assert record(engine, feedback_id).status == "in_progress"

    step(engine, "resolve", feedback_id, at=times[4] - timedelta(minutes=5), now=times[4])
    resolved = record(engine, feedback_id)
    assert (resolved.status, resolved.resolved_at) == ("resolved", times[4] - timedelta(minutes=5))

    step(
        engine,
        "record_response",
        feedback_id,
        text="Đã sửa trong bản 2.4.1, anh An nhé.",
        at=times[5],
        now=times[5],
    )
    closed = record(engine, feedback_id)
    assert (closed.status, closed.responded_at, closed.response) == (
        "closed",
        times[5],
        "Đã sửa trong bản 2.4.1, anh An nhé.",
    )
    assert closed.updated_at == times[5]

    assert history(engine, feedback_id) == [
        (None, "new", STAFF),
        ("new", "acknowledged", STAFF),
        ("acknowledged", "in_progress", STAFF),
        ("in_progress", "resolved", STAFF),
        ("resolved", "closed", STAFF),
    ]
    with Session(engine) as session:
        stamps = workflow.status_history(session, feedback_id)["changed_at"].tolist()
    assert stamps == [NOW, times[0], times[3], times[4], times[5]]
    actions = [e.action for e in events(engine)]
    assert actions == [
        "feedback.create",
        "feedback.acknowledge",
        "feedback.promise",
        "feedback.assign",
        "feedback.start",
        "feedback.resolve",
        "feedback.respond",
    ]
    assert set(actions) <= set(ACTIONS)
    respond = events(engine, "feedback.respond")[0]
    assert respond.details == {
        "at": times[5].isoformat(),
        "status": ["resolved", "closed"],
        "characters": len("Đã sửa trong bản 2.4.1, anh An nhé."),
    }
    assert events(engine, "feedback.assign")[0].details == {
        "from": {"department": None, "assignee": None},
        "to": {"department": "Network Engineering", "assignee": "Bình"},
    }


def test_acknowledging_twice_says_when_and_by_whom(engine: Engine) -> None:
    feedback_id = create(engine)
    step(engine, "acknowledge", feedback_id, at=RECEIVED + timedelta(hours=1), actor=OTHER)
    with pytest.raises(AlreadyDone) as twice:
        step(engine, "acknowledge", feedback_id, at=NOW)
    assert str(twice.value) == (
        f"feedback {feedback_id} was already acknowledged at 2026-12-02T13:00+07:00 by "
        f"{OTHER}: nothing changed"
    )
    assert record(engine, feedback_id).acknowledged_at == RECEIVED + timedelta(hours=1)
    assert len(events(engine, "feedback.acknowledge")) == 1
    assert len(history(engine, feedback_id)) == 2


def test_a_stale_page_acting_after_another_instance_changes_nothing(engine: Engine) -> None:
    feedback_id = create(engine)
    step(engine, "acknowledge", feedback_id, at=RECEIVED)
    with Session(engine) as stale:
        # The other instance's page read the record before anyone resolved it...
        assert workflow.next_steps(workflow.stored_record(stale, feedback_id))[0] == "start"
        stale.rollback()  # a page reads in a transaction of its own
        step(engine, "resolve", feedback_id, at=NOW - timedelta(minutes=1), actor=OTHER)
        # ...and its click comes now, in a transaction of its own.
        with stale.begin(), pytest.raises(AlreadyDone, match=f"resolved at .* by {OTHER}"):
            workflow.resolve(stale, feedback_id, at=NOW, actor=STAFF, now=NOW)
    assert record(engine, feedback_id).resolved_at == NOW - timedelta(minutes=1)
    assert len(events(engine, "feedback.resolve")) == 1


@pytest.mark.postgres
def test_two_sessions_acknowledging_at_once_acknowledge_once(pg_engine: Engine) -> None:
    feedback_id = create(pg_engine)
    outcome: list[BaseException | None] = []

    def second_click() -> None:
        try:
            step(pg_engine, "acknowledge", feedback_id, at=NOW, actor=OTHER)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
        else:
            outcome.append(None)

    with Session(pg_engine) as first, first.begin():
        workflow.acknowledge(first, feedback_id, at=RECEIVED, actor=STAFF, now=NOW)
        rival = threading.Thread(target=second_click)
        rival.start()
        _wait_until_blocked(pg_engine)
    rival.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], AlreadyDone), outcome
    assert f"by {STAFF}" in str(outcome[0])
    assert record(pg_engine, feedback_id).acknowledged_at == RECEIVED
    assert [a for _, a, _ in history(pg_engine, feedback_id)] == ["new", "acknowledged"]


def test_two_sqlite_sessions_acknowledging_at_once_acknowledge_once(sqlite_engine: Engine) -> None:
    feedback_id = create(sqlite_engine)
    # The rival runs on an engine of its own, which says when it first turns to the record.
    rival_engine = make_engine(sqlite_engine.url.render_as_string(hide_password=False))
    started = threading.Event()

    def turning(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "feedback" in statement:
            started.set()

    event.listen(rival_engine, "before_cursor_execute", turning)
    outcome: list[BaseException | None] = []

    def second_click() -> None:
        try:
            step(rival_engine, "acknowledge", feedback_id, at=NOW, actor=OTHER)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
        else:
            outcome.append(None)

    try:
        with Session(sqlite_engine) as first, first.begin():
            workflow.acknowledge(first, feedback_id, at=RECEIVED, actor=STAFF, now=NOW)
            rival = threading.Thread(target=second_click)
            rival.start()
            assert started.wait(timeout=20)
        rival.join(timeout=30)
    finally:
        rival_engine.dispose()
    assert len(outcome) == 1 and isinstance(outcome[0], AlreadyDone), outcome
    assert record(sqlite_engine, feedback_id).acknowledged_at == RECEIVED
    assert len(events(sqlite_engine, "feedback.acknowledge")) == 1


def _wait_until_blocked(engine: Engine) -> None:
    """Return once another session of this database waits for a row lock."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    with engine.connect() as connection:
        while datetime.now(UTC) < deadline:
            if connection.execute(query).scalar_one():
                return
            connection.rollback()
    pytest.fail("the second session never waited for the first one's lock")


@pytest.mark.parametrize(
    ("name", "kwargs", "says"),
    [
        ("acknowledge", {"at": RECEIVED - timedelta(minutes=1)}, "earlier than received_at"),
        ("acknowledge", {"at": NOW + timedelta(minutes=1)}, "is in the future"),
        ("resolve", {"at": NOW}, "is not acknowledged yet: acknowledge it first"),
        ("start", {}, "is not acknowledged yet"),
        ("record_response", {"text": "Fixed.", "at": NOW}, "is not resolved yet"),
        ("record_response", {"text": " \n ", "at": NOW}, "response is empty"),
        ("promise", {"due_at": RECEIVED - timedelta(hours=1)}, "earlier than received_at"),
        ("assign", {"department": " ", "assignee": None}, "both empty"),
    ],
)
def test_a_step_that_does_not_fit_is_refused_and_changes_nothing(
    engine: Engine, name: str, kwargs: dict[str, Any], says: str
) -> None:
    feedback_id = create(engine)
    with pytest.raises(MoveRefused, match=says) as refused:
        step(engine, name, feedback_id, **kwargs)
    worded = {
        lang: workflow.refusal_text(refused.value.code, refused.value.params, lang)
        for lang in LANGS
    }
    assert worded["en"] != worded["vi"]
    stored = record(engine, feedback_id)
    assert (stored.status, stored.updated_at, stored.acknowledged_at) == ("new", NOW, None)
    assert [e.action for e in events(engine)] == ["feedback.create"]


def test_times_must_follow_the_steps_before_them(sqlite_engine: Engine) -> None:
    feedback_id = create(sqlite_engine)
    acknowledged = RECEIVED + timedelta(hours=1)
    step(sqlite_engine, "acknowledge", feedback_id, at=acknowledged)
    with pytest.raises(MoveRefused, match="earlier than the acknowledgement"):
        step(sqlite_engine, "resolve", feedback_id, at=acknowledged - timedelta(minutes=1))
    step(sqlite_engine, "resolve", feedback_id, at=acknowledged)
    with pytest.raises(MoveRefused, match="earlier than the resolution"):
        step(
            sqlite_engine,
            "record_response",
            feedback_id,
            text="Done",
            at=acknowledged - timedelta(seconds=1),
        )


def test_a_resolved_record_keeps_its_promise_and_a_closed_one_its_assignee(
    engine: Engine,
) -> None:
    feedback_id = create(engine)
    step(engine, "acknowledge", feedback_id, at=RECEIVED)
    step(engine, "resolve", feedback_id, at=NOW)
    with pytest.raises(MoveRefused, match="its promised time can no longer change"):
        step(engine, "promise", feedback_id, due_at=NOW + timedelta(days=1))
    assert step(engine, "assign", feedback_id, department="Billing", assignee=None)
    step(engine, "record_response", feedback_id, text="Refunded.", at=NOW)
    with pytest.raises(MoveRefused, match="is closed"):
        step(engine, "assign", feedback_id, department="Support", assignee=None)
    with pytest.raises(AlreadyDone, match="already answered"):
        step(engine, "record_response", feedback_id, text="Refunded again.", at=NOW)
    assert record(engine, feedback_id).response == "Refunded."


def test_setting_what_is_already_set_changes_nothing(engine: Engine) -> None:
    feedback_id = create(engine)
    due = record(engine, feedback_id).due_at
    assert due is not None
    assert step(engine, "promise", feedback_id, due_at=due, now=NOW + timedelta(hours=1)) is False
    step(engine, "assign", feedback_id, department="Billing", assignee="An")
    assert (
        step(engine, "assign", feedback_id, department=" Billing ", assignee="An", now=NOW) is False
    )
    step(engine, "acknowledge", feedback_id, at=RECEIVED)
    step(engine, "start", feedback_id)
    with pytest.raises(AlreadyDone, match="already in progress"):
        step(engine, "start", feedback_id)
    assert [e.action for e in events(engine)] == [
        "feedback.create",
        "feedback.assign",
        "feedback.acknowledge",
        "feedback.start",
    ]


def test_an_unknown_record_is_named(engine: Engine) -> None:
    with pytest.raises(UnknownFeedback, match="there is no feedback 999: check the id"):
        step(engine, "acknowledge", 999, at=NOW)


def test_acknowledging_a_resolved_import_keeps_its_status(engine: Engine) -> None:
    # An imported record may be resolved without an acknowledgement time.
    feedback_id = create(engine)
    with Session(engine) as session, session.begin():
        session.execute(
            update(Feedback)
            .where(Feedback.id == feedback_id)
            .values(resolved_at=NOW, status="resolved")
        )
    later = NOW + timedelta(hours=1)
    with pytest.raises(MoveRefused, match="later than the resolution"):
        step(engine, "acknowledge", feedback_id, at=NOW + timedelta(minutes=1), now=later)
    step(engine, "acknowledge", feedback_id, at=RECEIVED + timedelta(minutes=5), now=later)
    stored = record(engine, feedback_id)
    assert (stored.status, stored.acknowledged_at) == ("resolved", RECEIVED + timedelta(minutes=5))
    assert events(engine, "feedback.acknowledge")[0].details["status"] == []
    assert len(history(engine, feedback_id)) == 1


# --- What the record page shows -------------------------------------------------------------


@pytest.fixture
def imported(engine: Engine) -> int:
    """A record brought by an import, acknowledged in the file; return its id."""
    content = (
        "external_id,channel,received_at,current_feature,acknowledged_at\n"
        "H-1,hotline,2026-12-02 10:00,VPN drops,2026-12-02 11:00\n"
    )
    result = import_source(engine, content.encode(), file_name="calls.csv")
    assert result.inserted == 1
    with Session(engine) as session:
        return int(session.scalars(select(Feedback.id)).one())


def test_an_imported_records_history_starts_with_its_import(engine: Engine, imported: int) -> None:
    batch = record(engine, imported).import_batch_id
    assert history(engine, imported) == [(None, "acknowledged", f"import #{batch}")]
    step(engine, "resolve", imported, at=NOW)
    assert history(engine, imported) == [
        (None, "acknowledged", f"import #{batch}"),
        ("acknowledged", "resolved", STAFF),
    ]
    with Session(engine) as session:
        assert session.scalar(select(func.count(StatusChange.id))) == 1


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({}, ("acknowledge", "promise", "assign")),
        (
            {"acknowledged_at": NOW, "status": "acknowledged"},
            ("start", "resolve", "promise", "assign"),
        ),
        ({"acknowledged_at": NOW, "status": "in_progress"}, ("resolve", "promise", "assign")),
        ({"acknowledged_at": NOW, "resolved_at": NOW, "status": "resolved"}, ("respond", "assign")),
        ({"resolved_at": NOW, "responded_at": NOW, "status": "closed"}, ()),
    ],
)
def test_next_steps_fit_the_records_state(state: dict[str, Any], expected: tuple[str, ...]) -> None:
    values = {"status": "new", "acknowledged_at": None, "resolved_at": None, "responded_at": None}
    assert workflow.next_steps(Feedback(**(values | state))) == expected


def test_local_moment_is_company_local_time() -> None:
    assert workflow.local_moment(date(2026, 12, 2), time(15, 0)) == NOW


@pytest.mark.parametrize(
    ("code", "params", "lang", "expected"),
    [
        (
            "already_acknowledged",
            {"id": 7, "at": NOW, "by": STAFF},
            "en",
            "Feedback 7 was already acknowledged at 2026-12-02 15:00 by staff@example.test: "
            "nothing changed.",
        ),
        (
            "already_acknowledged",
            {"id": 7, "at": NOW, "by": workflow.BY_IMPORT},
            "vi",
            "Phản hồi 7 đã được xác nhận lúc 02/12/2026 15:00 bởi một lần nhập dữ liệu: không có "
            "gì thay đổi.",
        ),
        (
            "cannot_start",
            {"id": 7, "status": "resolved"},
            "vi",
            "Phản hồi 7 đang ở trạng thái Đã giải quyết: không thể quay lại xử lý.",
        ),
        (
            "response_long",
            {"length": 120_000, "limit": 100_000},
            "vi",
            "Nội dung trả lời dài 120.000 ký tự; chỉ lưu tối đa 100.000 ký tự: hãy rút gọn.",
        ),
    ],
)
def test_refusals_are_worded_in_the_pages_language(
    code: str, params: dict[str, Any], lang: str, expected: str
) -> None:
    assert workflow.refusal_text(code, params, lang) == expected


def test_a_refusal_escapes_only_the_values_it_is_given() -> None:
    # The values (who acted, what was typed, a number) go through the page's escaping; times,
    # statuses and the catalogue's words do not.
    params = {"id": 7, "at": NOW, "by": "[x](https://evil.example)"}
    text = workflow.refusal_text(
        "already_acknowledged", params, "en", escape=lambda value: f"<{value}>"
    )
    assert text == (
        "Feedback <7> was already acknowledged at 2026-12-02 15:00 by "
        "<[x](https://evil.example)>: nothing changed."
    )
