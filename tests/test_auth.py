"""Sign-in and accounts on each database: passwords, lockout, roles, and the audit log."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import argon2
import pytest
from alembic import command
from argon2 import PasswordHasher
from sqlalchemy import Engine, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from feedback_analytics import auth
from feedback_analytics.audit import ACTIONS, event_actors, query_events, record_event
from feedback_analytics.config import get_settings
from feedback_analytics.db.engine import alembic_config
from feedback_analytics.db.models import AuditEvent, SignInThrottle, User
from feedback_analytics.errors import ActionableError

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
ADMIN = "boss@example.com"


def add(
    engine: Engine,
    email: str = "ana@example.com",
    *,
    role: str = "staff",
    password: str | None = PASSWORD,
    name: str = "",
) -> auth.Account:
    with Session(engine) as session, session.begin():
        return auth.create_user(
            session, email=email, role=role, name=name, password=password, actor=ADMIN, now=NOW
        )


def sign_in(
    engine: Engine, email: str, password: str, now: datetime = NOW, address: str | None = None
) -> auth.Account:
    with Session(engine) as session:
        return auth.authenticate(session, email, password, now=now, address=address)


def refusal(
    engine: Engine, email: str, password: str, now: datetime = NOW, address: str | None = None
) -> auth.SignInRefused:
    with pytest.raises(auth.SignInRefused) as caught:
        sign_in(engine, email, password, now, address)
    return caught.value


def stored(engine: Engine, email: str = "ana@example.com") -> User:
    with Session(engine) as session:
        return session.scalars(select(User).where(User.email == email)).one()


def throttle(engine: Engine, email: str = "ana@example.com") -> auth.Throttle:
    with Session(engine) as session:
        return auth.email_throttle(session, email)


def events(engine: Engine) -> list[tuple[str, str, dict]]:
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.details).order_by(AuditEvent.id)
        )
        return [(r.action, r.actor, r.details) for r in rows]


def configure(monkeypatch: pytest.MonkeyPatch, **values: object) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"FEEDBACK_{name.upper()}", str(value))
    get_settings.cache_clear()


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes argon2 verifies, in order: a spy around the real PasswordHasher.verify."""
    hashes: list[str] = []
    real = PasswordHasher.verify

    def spy(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        hashes.append(hash if isinstance(hash, str) else hash.decode())
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return hashes


@pytest.mark.parametrize(
    ("typed", "stored_as"),
    [
        ("ana@example.com", "ana@example.com"),
        ("  Ana@Example.COM \n", "ana@example.com"),
        ("Zoe\u0301@example.com", "zo\u00e9@example.com"),  # decomposed é becomes one character
    ],
)
def test_normalise_email(typed: str, stored_as: str) -> None:
    assert auth.normalise_email(typed) == stored_as


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("correct horse battery", None),
        ("twelve chars", None),
        ("short", "needs at least 12"),
        ("eleven char", "needs at least 12"),
        ("aaaaaaaaaaaaaaaa", "one character repeated"),
        ("ANA@example.com", "is the account's email"),
    ],
)
def test_validate_password(password: str, problem: str | None) -> None:
    if problem is None:
        auth.validate_password(password, email="ana@example.com")
    else:
        with pytest.raises(ActionableError, match=problem):
            auth.validate_password(password, email="ana@example.com")


def test_users_are_created_found_and_listed(engine: Engine) -> None:
    ana = add(engine, "  Ana@Example.COM ", name=" Ana ")
    sso = add(engine, "zed@example.com", role="quality", password=None)
    assert ana == auth.Account(
        id=ana.id,
        email="ana@example.com",
        name="Ana",
        role="staff",
        active=True,
        has_password=True,
    )
    assert not sso.has_password
    with Session(engine) as session:
        assert auth.count_users(session) == 2
        assert auth.find_user(session, "ANA@example.com ") == ana
        assert auth.find_user(session, "nobody@example.com") is None
        assert [a.email for a in auth.list_users(session)] == ["ana@example.com", "zed@example.com"]
    assert str(stored(engine).password_hash).startswith("$argon2id$")
    assert events(engine) == [
        ("user.create", ADMIN, {"email": "ana@example.com", "role": "staff"}),
        ("user.create", ADMIN, {"email": "zed@example.com", "role": "quality"}),
    ]


def test_a_duplicate_email_is_refused_by_name(engine: Engine) -> None:
    add(engine)
    with pytest.raises(ActionableError, match=r"ana@example\.com already exists"):
        add(engine, "ANA@example.com")


@pytest.mark.parametrize(
    ("email", "role", "password", "problem"),
    [
        ("ana@example.com", "owner", PASSWORD, "'owner' is not a role"),
        ("ana", "staff", PASSWORD, "not an email address"),
        ("ana@example", "staff", PASSWORD, "not an email address"),
        ("a na@example.com", "staff", PASSWORD, "not an email address"),
        ("ana@example.com", "staff", "short", "at least 12"),
        ("ana@example.com", "staff", "ana@example.com", "the account's email"),
    ],
)
def test_invalid_accounts_are_refused(
    engine: Engine, email: str, role: str, password: str, problem: str
) -> None:
    with pytest.raises(ActionableError, match=problem):
        add(engine, email, role=role, password=password)
    with Session(engine) as session:
        assert auth.count_users(session) == 0


def test_the_first_admin_only_on_an_empty_store(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        first = auth.create_first_admin(
            session, email="Boss@Example.com", password=PASSWORD, name="Boss", now=NOW
        )
    assert (first.email, first.role) == (ADMIN, "admin")
    assert sign_in(engine, ADMIN, PASSWORD) == first
    with (
        Session(engine) as session,
        pytest.raises(ActionableError, match="an administrator already exists"),
    ):
        auth.create_first_admin(
            session, email="other@example.com", password=PASSWORD, name="", now=NOW
        )


def test_a_second_first_admin_set_up_waits_for_the_first(engine: Engine) -> None:
    with Session(engine) as first, first.begin():
        auth.create_first_admin(first, email=ADMIN, password=PASSWORD, name="", now=NOW)
        # While the first is uncommitted, the second cannot even count the users: it waits
        # (here: gives up waiting quickly) instead of finding none.
        with Session(engine) as second, pytest.raises(OperationalError):
            if engine.dialect.name == "postgresql":
                second.execute(text("SET LOCAL lock_timeout = '100ms'"))
            else:
                second.execute(text("PRAGMA busy_timeout = 100"))
            auth.create_first_admin(
                second, email="late@example.com", password=PASSWORD, name="", now=NOW
            )
    with (
        Session(engine) as second,
        pytest.raises(ActionableError, match="an administrator already exists"),
    ):
        auth.create_first_admin(
            second, email="late@example.com", password=PASSWORD, name="", now=NOW
        )
    with Session(engine) as session:
        assert [a.email for a in auth.list_users(session)] == [ADMIN]


def test_a_right_password_signs_in_and_is_audited(engine: Engine) -> None:
    ana = add(engine)
    assert sign_in(engine, " ANA@example.com", PASSWORD, NOW + timedelta(hours=1)) == ana
    assert stored(engine).last_sign_in_at == NOW + timedelta(hours=1)
    assert events(engine)[-1] == ("sign_in", "ana@example.com", {"method": "password"})


def test_unknown_email_and_wrong_password_read_the_same(engine: Engine) -> None:
    add(engine)
    wrong = refusal(engine, "ana@example.com", "not the password")
    unknown = refusal(engine, "Nobody@example.com", PASSWORD)
    assert str(wrong) == str(unknown) == auth.WRONG_CREDENTIALS
    assert "ask an administrator" in str(wrong)
    assert wrong.reason == unknown.reason == "credentials"
    assert throttle(engine).failures == throttle(engine, "nobody@example.com").failures == 1
    # The audit log, which only administrators read, keeps the true reason.
    assert events(engine)[-2:] == [
        ("sign_in.failed", "ana@example.com", {"reason": "wrong_password", "failures": 1}),
        ("sign_in.failed", "nobody@example.com", {"reason": "unknown", "failures": 1}),
    ]


def test_a_refusal_is_remembered_inside_the_callers_transaction(engine: Engine) -> None:
    add(engine)
    with (
        pytest.raises(auth.SignInRefused),
        Session(engine) as session,
        session.begin(),
    ):
        auth.authenticate(session, "ana@example.com", "not the password", now=NOW)
    assert throttle(engine).failures == 1
    assert events(engine)[-1][0] == "sign_in.failed"


def test_inactive_and_password_less_accounts_read_like_a_wrong_password(engine: Engine) -> None:
    ana = add(engine)
    add(engine, "sso@example.com", password=None)
    with Session(engine) as session, session.begin():
        auth.update_user(session, ana.id, actor=ADMIN, now=NOW, active=False)
    # Saying "deactivated" or "single sign-on only" would tell anyone that the email has an
    # account; the one message says to ask an administrator instead.
    inactive = refusal(engine, "ana@example.com", PASSWORD)
    wrong = refusal(engine, "ana@example.com", "not the password", NOW + timedelta(minutes=20))
    no_password = refusal(engine, "sso@example.com", PASSWORD)
    for refused in (inactive, wrong, no_password):
        assert (refused.reason, str(refused)) == ("credentials", auth.WRONG_CREDENTIALS)
    reasons = [d["reason"] for action, _, d in events(engine) if action == "sign_in.failed"]
    assert reasons == ["inactive", "wrong_password", "no_password"]
    assert throttle(engine, "sso@example.com").failures == 1


def test_too_soon_after_failures_waits_unchecked_and_uncounted(engine: Engine) -> None:
    add(engine)  # defaults: from 2 failures in a row, wait 2**(failures - 2) s
    refusal(engine, "ana@example.com", "wrong one", NOW)
    refusal(engine, "ana@example.com", "wrong two", NOW)
    soon = refusal(engine, "ana@example.com", PASSWORD, NOW + timedelta(seconds=0.25))
    assert soon.reason == "wait" and soon.retry_after_seconds == pytest.approx(0.75)
    assert "wait 1 second," in str(soon) and soon.throttle == "email"
    assert throttle(engine).failures == 2
    refusal(engine, "ana@example.com", "wrong three", NOW + timedelta(seconds=1))
    later = refusal(engine, "ana@example.com", PASSWORD, NOW + timedelta(seconds=2))
    assert later.reason == "wait" and later.retry_after_seconds == pytest.approx(1)
    assert sign_in(engine, "ana@example.com", PASSWORD, NOW + timedelta(seconds=3)).id
    assert throttle(engine) == auth.Throttle(0, None, None)


def test_the_wait_is_capped_at_a_minute(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, signin_delay_from=0, signin_lock_after=50)
    add(engine)
    for attempt in range(8):  # 2**7 s would be more than a minute
        refusal(engine, "ana@example.com", "wrong", NOW + timedelta(minutes=attempt))
    capped = refusal(engine, "ana@example.com", PASSWORD, NOW + timedelta(minutes=7))
    assert capped.reason == "wait" and capped.retry_after_seconds == pytest.approx(60)


def test_failures_in_a_row_lock_until_the_lock_runs_out(engine: Engine) -> None:
    add(engine)  # defaults: 5 failures lock for 15 minutes; waits of 1, 2, 4 s between
    for seconds in (0, 0, 1, 3):
        assert refusal(engine, "ana@example.com", "wrong", NOW + timedelta(seconds=seconds))
    fifth = refusal(engine, "ana@example.com", "wrong", NOW + timedelta(seconds=7))
    locked_at = NOW + timedelta(seconds=7)
    assert fifth.reason == "locked" and str(fifth).startswith(auth.WRONG_CREDENTIALS)
    assert "locked until 15:15 (15 min)" in str(fifth)  # company time, UTC+7
    assert fifth.retry_after_seconds == pytest.approx(15 * 60)
    assert throttle(engine).locked_until == locked_at + timedelta(minutes=15)
    still = refusal(engine, "ana@example.com", PASSWORD, locked_at + timedelta(minutes=14))
    assert still.reason == "locked" and "(1 min)" in str(still)
    assert sign_in(engine, "ana@example.com", PASSWORD, locked_at + timedelta(minutes=15)).id
    assert throttle(engine) == auth.Throttle(0, None, None)
    failures = [d for action, _, d in events(engine) if action == "sign_in.failed"]
    assert [d["reason"] for d in failures] == ["wrong_password"] * 5 + ["locked"]
    assert failures[4]["locked_until"] == (locked_at + timedelta(minutes=15)).isoformat()


def test_the_count_starts_again_after_a_lock(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, signin_lock_after=2, signin_lock_minutes=1, signin_delay_from=10)
    add(engine)
    refusal(engine, "ana@example.com", "wrong")
    assert refusal(engine, "ana@example.com", "wrong").reason == "locked"
    after = NOW + timedelta(minutes=1)
    assert refusal(engine, "ana@example.com", "wrong", after).reason == "credentials"
    assert throttle(engine).failures == 1


def test_a_new_password_lifts_the_lock(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, signin_lock_after=1)
    ana = add(engine)
    assert refusal(engine, "ana@example.com", "wrong").reason == "locked"
    with Session(engine) as session, session.begin():
        auth.set_password(session, ana.id, "a brand new passphrase", actor=ADMIN, now=NOW)
    assert throttle(engine).locked_until is None
    assert sign_in(engine, "ana@example.com", "a brand new passphrase").id == ana.id
    assert refusal(engine, "ana@example.com", PASSWORD).reason == "locked"  # the old one
    assert ("user.password", ADMIN, {"email": "ana@example.com"}) in events(engine)
    with Session(engine) as session, pytest.raises(ActionableError, match="at least 12"):
        auth.set_password(session, ana.id, "short", actor=ADMIN, now=NOW)


# With the default settings (a wait from 2 failures in a row, a lock at 5 for 15 minutes): when
# (seconds after NOW) and which password is tried, and what each attempt meets. The right
# password, tried while the email waits or is locked, is refused unchecked like any other.
ATTEMPTS = [
    (0, "wrong one", "credentials"),
    (0, "wrong two", "credentials"),
    (0.25, PASSWORD, "wait"),
    (1, "wrong three", "credentials"),
    (3, "wrong four", "credentials"),
    (7, "wrong five", "locked"),
    (8, PASSWORD, "locked"),
    (7 + 15 * 60, "wrong six", "credentials"),  # the lock ran out: the count starts again
]


@pytest.mark.parametrize("kind", ["with a password", "deactivated", "without a password"])
def test_known_and_unknown_emails_answer_alike_in_every_state(
    engine: Engine, verified: list[str], kind: str
) -> None:
    ana = add(engine, password=None if kind == "without a password" else PASSWORD)
    if kind == "deactivated":
        with Session(engine) as session, session.begin():
            auth.update_user(session, ana.id, actor=ADMIN, now=NOW, active=False)
    real_hash = stored(engine).password_hash

    def answers(email: str) -> list[tuple[object, ...]]:
        seen = []
        for seconds, password, _ in ATTEMPTS:
            before = len(verified)
            refused = refusal(engine, email, password, NOW + timedelta(seconds=seconds))
            hashes = verified[before:]
            # Exactly one argon2 verification per attempt, in every state: the same work.
            assert len(hashes) == 1, (email, seconds, refused.reason)
            seen.append(
                (refused.reason, str(refused), refused.retry_after_seconds, refused.throttle)
            )
        return seen

    known = answers("ana@example.com")
    checked_real = verified.count(real_hash) if real_hash else 0
    unknown = answers("nobody@example.com")
    assert known == unknown
    assert [answer[0] for answer in known] == [reason for _, _, reason in ATTEMPTS]
    # The account's own hash is checked only where the attempt is not refused first; every
    # other verification is of the dummy hash, made with the same parameters (the same cost).
    assert checked_real == (0 if real_hash is None else 6)
    assert set(verified) - {real_hash} == {auth._DUMMY_HASH}
    if real_hash:
        assert argon2.extract_parameters(auth._DUMMY_HASH) == argon2.extract_parameters(real_hash)


def attempt_at_once(attempts: list[tuple[str, str | None]], engine: Engine) -> list[str]:
    """Run the sign-ins (email, address) in threads released together, each with its own
    session; return each one's reason (or "signed in")."""
    start = threading.Barrier(len(attempts))

    def attempt(number: int) -> str:
        email, address = attempts[number]
        start.wait()
        try:
            sign_in(engine, email, f"wrong password {number}", NOW, address)
        except auth.SignInRefused as refused:
            return f"{refused.reason}:{refused.throttle}"
        return "signed in"

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(attempt, range(len(attempts))))


def test_parallel_attempts_check_no_more_passwords_than_the_lock_allows(
    engine: Engine, verified: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, signin_delay_from=10)  # no wait: only the lock after 5 limits
    add(engine)
    real_hash = stored(engine).password_hash
    verified.clear()
    reasons = attempt_at_once([("ana@example.com", None)] * 30, engine)
    assert len(verified) == 30  # one verification each
    assert verified.count(real_hash) == get_settings().signin_lock_after == 5
    assert sorted(reasons) == ["credentials:None"] * 4 + ["locked:email"] * 26
    assert throttle(engine) == auth.Throttle(5, NOW, NOW + timedelta(minutes=15))
    assert refusal(engine, "ana@example.com", PASSWORD, NOW + timedelta(minutes=1)).reason == (
        "locked"
    )


def test_parallel_attempts_from_one_address_are_counted_too(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, signin_address_delay_from=10, signin_address_lock_after=5)
    add(engine)
    attempts = [(f"user{n}@example.com", "203.0.113.7") for n in range(29)]
    reasons = attempt_at_once([*attempts, ("ana@example.com", "203.0.113.7")], engine)
    assert sorted(reasons) == ["credentials:None"] * 4 + ["locked:address"] * 26


ADDRESS = "203.0.113.7"
ELSEWHERE = "198.51.100.1"


def test_many_emails_from_one_address_wait_then_lock_the_address(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, signin_address_delay_from=2, signin_address_lock_after=4)
    add(engine)

    def guess(email: str, seconds: float, address: str = ADDRESS) -> auth.SignInRefused:
        return refusal(engine, email, "summer2026!", NOW + timedelta(seconds=seconds), address)

    assert guess("a@example.com", 0).reason == guess("b@example.com", 0).reason == "credentials"
    waits = guess("c@example.com", 0.5)  # two failures from the address: wait 1 s
    assert (waits.reason, waits.throttle, waits.retry_after_seconds) == ("wait", "address", 0.5)
    assert guess("c@example.com", 0.5, ELSEWHERE).reason == "credentials"  # another client
    assert guess("c@example.com", 1).reason == "credentials"
    locked = guess("d@example.com", 3)  # the fourth failure from the address locks it
    assert (locked.reason, locked.throttle) == ("locked", "address")
    assert "network address" in str(locked) and "locked until 15:15 (15 min)" in str(locked)
    # The right password of a real account is refused from the locked address, and works
    # from another one.
    from_locked = refusal(engine, "ana@example.com", PASSWORD, NOW + timedelta(seconds=4), ADDRESS)
    assert (from_locked.reason, from_locked.throttle) == ("locked", "address")
    assert sign_in(engine, "ana@example.com", PASSWORD, NOW + timedelta(seconds=4), ELSEWHERE)
    # The address is stored only as a keyed hash, and never audited.
    with Session(engine) as session:
        rows = session.execute(select(SignInThrottle.kind, SignInThrottle.digest)).all()
    stored_text = json.dumps([list(row) for row in rows]) + json.dumps(events(engine))
    assert ADDRESS not in stored_text and "203.0.113" not in stored_text
    assert all(len(digest) == 64 for _, digest in rows)


def test_a_sign_in_from_an_address_neither_counts_nor_clears_its_failures(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, signin_address_delay_from=10, signin_address_lock_after=3)
    add(engine)
    refusal(engine, "a@example.com", "guess", NOW, ADDRESS)
    refusal(engine, "b@example.com", "guess", NOW, ADDRESS)
    assert sign_in(engine, "ana@example.com", PASSWORD, NOW, ADDRESS)
    third = refusal(engine, "c@example.com", "guess", NOW, ADDRESS)
    assert (third.reason, third.throttle) == ("locked", "address")


def test_the_address_throttle_is_off_without_an_address_or_at_zero(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, signin_address_delay_from=0, signin_address_lock_after=0)
    for n in range(6):
        assert refusal(engine, f"u{n}@example.com", "guess", NOW, ADDRESS).reason == "credentials"
    with Session(engine) as session:
        kinds = set(session.scalars(select(SignInThrottle.kind)))
    assert kinds == {"email"}


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:bbbb::2", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("not-an-ip", "not-an-ip"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64_network(address: str, counted_as: str) -> None:
    assert auth._address_bucket(address) == counted_as


def test_failures_are_forgotten_a_lock_time_after_the_last(engine: Engine) -> None:
    add(engine)
    refusal(engine, "ana@example.com", "wrong")
    refusal(engine, "nobody@example.com", "wrong", NOW, ADDRESS)
    later = NOW + timedelta(minutes=15)
    assert refusal(engine, "ana@example.com", "wrong", later).reason == "credentials"
    assert throttle(engine) == auth.Throttle(1, later, None)
    # Rows that no longer throttle anything are deleted: here the unknown email's and the
    # address's.
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SignInThrottle)) == 1


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(engine: Engine) -> None:
    ana = add(engine)
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with Session(engine) as session, session.begin():
        session.execute(update(User).values(password_hash=old))
    sign_in(engine, "ana@example.com", PASSWORD)
    new = str(stored(engine).password_hash)
    assert new != old and not PasswordHasher().check_needs_rehash(new)
    assert sign_in(engine, "ana@example.com", PASSWORD, NOW + timedelta(hours=1)) == ana


def test_the_last_active_admin_stays_an_admin(engine: Engine) -> None:
    boss = add(engine, ADMIN, role="admin")
    with Session(engine) as session:
        with pytest.raises(ActionableError, match="last active administrator"):
            auth.update_user(session, boss.id, actor=ADMIN, now=NOW, role="staff")
        with pytest.raises(ActionableError, match="last active administrator"):
            auth.update_user(session, boss.id, actor=ADMIN, now=NOW, active=False)
    deputy = add(engine, "deputy@example.com", role="admin")
    with Session(engine) as session, session.begin():
        demoted = auth.update_user(session, boss.id, actor=ADMIN, now=NOW, role="manager")
        unchanged = auth.update_user(session, deputy.id, actor=ADMIN, now=NOW, role="admin")
    assert (demoted.role, unchanged.role) == ("manager", "admin")
    assert events(engine)[-1] == (
        "user.update",
        ADMIN,
        {"email": ADMIN, "changes": {"role": ["admin", "manager"]}},
    )
    with Session(engine) as session, pytest.raises(ActionableError, match="last active"):
        auth.update_user(session, deputy.id, actor=ADMIN, now=NOW, active=False)


def test_single_sign_on_takes_the_role_from_the_users_table(engine: Engine) -> None:
    add(engine, "q@example.com", role="quality", password=None)
    add(engine, "gone@example.com", password=None)
    with Session(engine) as session, session.begin():
        gone = auth.find_user(session, "gone@example.com")
        assert gone is not None
        auth.update_user(session, gone.id, actor=ADMIN, now=NOW, active=False)
    with Session(engine) as session:
        assert auth.account_for_sso(session, "Q@example.com", now=NOW).role == "quality"
        with pytest.raises(auth.SignInRefused, match="ask an administrator to add") as unknown:
            auth.account_for_sso(session, "new@example.com", now=NOW)
        with pytest.raises(auth.SignInRefused) as inactive:
            auth.account_for_sso(session, "gone@example.com", now=NOW)
    assert (unknown.value.reason, inactive.value.reason) == ("unknown", "inactive")
    assert stored(engine, "q@example.com").last_sign_in_at == NOW
    assert events(engine)[-3:] == [
        ("sign_in", "q@example.com", {"method": "sso"}),
        ("sign_in.failed", "new@example.com", {"reason": "unknown", "method": "sso"}),
        ("sign_in.failed", "gone@example.com", {"reason": "inactive", "method": "sso"}),
    ]


def test_sign_out_and_expiry_are_audited(engine: Engine) -> None:
    ana = add(engine)
    with Session(engine) as session:
        auth.record_sign_out(session, ana, now=NOW)
        auth.record_sign_out(session, ana, now=NOW, expired=True)
    assert [e[:2] for e in events(engine)[-2:]] == [
        ("sign_out", "ana@example.com"),
        ("session.expired", "ana@example.com"),
    ]


def test_no_password_or_hash_reaches_the_audit_log(engine: Engine) -> None:
    ana = add(engine, role="admin")
    refusal(engine, "ana@example.com", "not the password")
    refusal(engine, PASSWORD, PASSWORD)  # the password typed into the email field
    with Session(engine) as session, session.begin():
        auth.set_password(session, ana.id, "another long passphrase", actor=ADMIN, now=NOW)
    sign_in(engine, "ana@example.com", "another long passphrase", NOW + timedelta(hours=1))
    logged = json.dumps(events(engine))
    for secret in (PASSWORD, "not the password", "another long passphrase", "$argon2"):
        assert secret not in logged
    assert ("sign_in.failed", auth.NOT_AN_EMAIL, {"reason": "unknown", "failures": 1}) in events(
        engine
    )
    assert {action for action, _, _ in events(engine)} <= set(ACTIONS)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"]
)
def test_the_database_refuses_to_change_the_audit_log(engine: Engine, statement: str) -> None:
    with Session(engine) as session, session.begin():
        record_event(session, actor=ADMIN, action="download", now=NOW)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert events(engine) == [("download", ADMIN, {})]


def test_query_events_filters_and_orders_newest_first(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        for minutes, actor, action, feedback_id in [
            (0, "ana@example.com", "sign_in", None),
            (10, "ana@example.com", "reveal", 7),
            (20, "bo@example.com", "reveal", 8),
            (30, "bo@example.com", "download", None),
        ]:
            record_event(
                session,
                actor=actor,
                action=action,
                feedback_id=feedback_id,
                details={"n": minutes},
                now=NOW + timedelta(minutes=minutes),
            )
    with Session(engine) as session:
        every = query_events(session)
        assert list(every.columns) == ["id", "at", "actor", "action", "feedback_id", "details"]
        assert [d["n"] for d in every["details"]] == [30, 20, 10, 0]
        assert every["at"].iloc[0] == NOW + timedelta(minutes=30)

        def found(**filters: object) -> list[int]:
            return [d["n"] for d in query_events(session, **filters)["details"]]  # type: ignore[arg-type]

        assert found(since=NOW + timedelta(minutes=10)) == [30, 20, 10]
        assert found(until=NOW + timedelta(minutes=10)) == [0]
        assert found(actor="bo@example.com") == [30, 20]
        assert found(actions=["reveal", "download"]) == [30, 20, 10]
        assert found(feedback_id=7) == [10]
        assert found(actor="ana@example.com' OR '1'='1") == []
        assert found(limit=2) == [30, 20]
        assert query_events(session, actions=["user.create"]).empty
        assert event_actors(session) == ["ana@example.com", "bo@example.com"]


def test_migration_0004_goes_down_and_up_again(engine: Engine) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
        assert "users" not in inspect(connection).get_table_names()
        connection.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, details) VALUES (:at, 'a', 'x', '{}')"
            ),
            {"at": NOW.replace(tzinfo=None)},
        )
        connection.execute(text("DELETE FROM audit_events"))
        command.upgrade(config, "head")
    assert add(engine).id
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events"))


def test_migration_0007_goes_down_and_up_again(engine: Engine) -> None:
    add(engine)
    refusal(engine, "ana@example.com", "wrong")
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
        assert "sign_in_throttles" not in inspect(connection).get_table_names()
        columns = {c["name"] for c in inspect(connection).get_columns("users")}
        assert {"failed_sign_ins", "last_failed_at", "locked_until"} <= columns
        command.upgrade(config, "head")
    assert sign_in(engine, "ana@example.com", PASSWORD).email == "ana@example.com"
