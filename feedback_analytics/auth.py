"""Who may sign in: user accounts, passwords (argon2id), lockout, and their audit trail.

What a role may see and do is the app's decision; this module only says who someone is.

Transactions: the sign-in functions (`authenticate`, `account_for_sso`, `record_sign_out`)
commit the session themselves, because a refused sign-in must be remembered (failure count,
audit event) although it raises. The account functions (`create_user`, `create_first_admin`,
`update_user`, `set_password`) work in the caller's transaction: the caller commits.

A password sign-in tells nothing about whether an email has an account: failures are counted
per typed email in `sign_in_throttles` whether or not an account has it, every attempt verifies
one argon2 hash (a dummy one when there is no real one to check), and every refusal that is not
a wait or a lock reads the same. Failures are also counted per client address, so that one
address cannot try a few passwords on each of many emails.

Emails, client addresses and passwords never go to the logging module. The audit log records
account emails (staff data) and never a password, a password hash or a client address.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, case, delete, func, or_, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_analytics.audit import record_event
from feedback_analytics.config import Settings, get_settings
from feedback_analytics.db.engine import conflict_insert
from feedback_analytics.db.models import ROLES, AppSetting, SignInThrottle, User
from feedback_analytics.errors import ActionableError

__all__ = [
    "ROLES",
    "Account",
    "SignInRefused",
    "Throttle",
    "account_for_sso",
    "authenticate",
    "count_users",
    "create_first_admin",
    "create_user",
    "email_throttle",
    "find_user",
    "list_users",
    "normalise_email",
    "record_sign_out",
    "set_password",
    "update_user",
    "validate_password",
]

MIN_PASSWORD_LENGTH = 12
MAX_DELAY_SECONDS = 60.0
EMAIL_LENGTH = 254
NAME_LENGTH = 200
# Every refused password sign-in that is not a wait or a lock: a wrong password, an unknown
# email, a deactivated account and one without a password read alike, so that they tell
# nobody which emails have accounts.
WRONG_CREDENTIALS = (
    "Email or password is wrong, or this account may not sign in with a password. "
    "Check both; if they are right, ask an administrator."
)
# Recorded as the actor of a refused sign-in whose "email" is no email: people type their
# password into the email field, and the audit log must never hold a password.
NOT_AN_EMAIL = "(not an email address)"

_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# argon2id with the library's recommended parameters; a hash made with older parameters is
# replaced at the next successful sign-in.
_hasher = PasswordHasher()
# Verified when there is no real hash to check (no such account, no password, or the attempt
# is refused before the check), so that every attempt takes as long as one with a real hash.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
# The app_settings row holding the key of the throttles' hashes (made on first use).
THROTTLE_KEY_SETTING = "sign_in.throttle_key"


@dataclass(frozen=True)
class Account:
    """A user as the app sees it: never the password hash."""

    id: int
    email: str
    name: str
    role: str
    active: bool
    has_password: bool


class SignInRefused(ActionableError):
    """A refused sign-in: `reason` says why, the message what the person can do.

    A password sign-in gives reason "credentials" (wrong password, unknown email, deactivated
    account or one without a password: the same words for all), "wait" or "locked", with
    `throttle` "email" or "address" saying what waits or is locked. Single sign-on gives
    "unknown" or "inactive": the identity provider has already vouched for the email.
    """

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        retry_after_seconds: float | None = None,
        throttle: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds
        self.throttle = throttle


def normalise_email(text: str) -> str:
    """Return the email as stored and compared: NFC, without surrounding spaces, lower case."""
    return unicodedata.normalize("NFC", text).strip().lower()


def validate_password(password: str, *, email: str | None = None) -> None:
    """Return None for an acceptable password; raise ActionableError saying how to fix it.

    The rules: at least 12 characters, not one character repeated, not the account's email.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ActionableError(
            f"The password has {len(password)} characters; it needs at least "
            f"{MIN_PASSWORD_LENGTH}. Fix: use a longer one, e.g. a few unrelated words."
        )
    if len(set(password)) == 1:
        raise ActionableError(
            "The password is one character repeated, which anyone can guess: choose another."
        )
    if email is not None and normalise_email(password) == normalise_email(email):
        raise ActionableError("The password is the account's email: choose another.")


def _checked_email(email: str) -> str:
    normalised = normalise_email(email)
    if len(normalised) > EMAIL_LENGTH or not _EMAIL_SHAPE.fullmatch(normalised):
        raise ActionableError(
            f"'{email.strip()[:80]}' is not an email address: write it like name@example.com."
        )
    return normalised


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise ActionableError(f"'{role}' is not a role: choose one of {', '.join(ROLES)}.")
    return role


def _checked_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip()
    if len(name) > NAME_LENGTH:
        raise ActionableError(f"The name is longer than {NAME_LENGTH} characters: shorten it.")
    return name


def _account(user: User) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        active=user.active,
        has_password=user.password_hash is not None,
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _lock_users(session: Session) -> None:
    """Keep other writers off the users table until the caller's transaction ends.

    What is checked next (no user yet, another active admin, no such email) then still holds
    at commit: two first-admin set-ups or two admins demoting each other at once cannot both
    pass. PostgreSQL: a table lock that conflicts with itself and with row writes. SQLite has
    one writer at a time: any write, even one that changes no row, takes its lock until commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
    else:
        session.execute(text("UPDATE users SET id = id WHERE 0 = 1"))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise ActionableError(f"No user has id {user_id}: reload the list of users.")
    return user


def _user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).one_or_none()


def count_users(session: Session) -> int:
    """Return how many user accounts exist (active or not)."""
    return int(session.scalar(select(func.count(User.id))) or 0)


def list_users(session: Session) -> list[Account]:
    """Return every account, by email."""
    return [_account(u) for u in session.scalars(select(User).order_by(User.email))]


def find_user(session: Session, email: str) -> Account | None:
    """Return the account with this email (compared normalised), or None."""
    user = _user_by_email(session, normalise_email(email))
    return None if user is None else _account(user)


def _insert_user(
    session: Session,
    *,
    email: str,
    role: str,
    name: str,
    password_hash: str | None,
    actor: str,
    now: datetime,
) -> Account:
    taken = f"A user with the email {email} already exists: change that user instead."
    if _user_by_email(session, email) is not None:
        raise ActionableError(taken)
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=password_hash,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # the lock makes this unlikely; the unique email backs it
        raise ActionableError(taken) from exc
    record_event(
        session, actor=actor, action="user.create", details={"email": email, "role": role}, now=now
    )
    return _account(user)


def create_user(
    session: Session,
    *,
    email: str,
    role: str,
    name: str = "",
    password: str | None = None,
    actor: str,
    now: datetime,
) -> Account:
    """Add an account (no password: single sign-on only) and return it; the caller commits."""
    email = _checked_email(email)
    role = _checked_role(role)
    name = _checked_name(name)
    password_hash = None
    if password is not None:
        validate_password(password, email=email)
        password_hash = _hasher.hash(password)
    _lock_users(session)
    return _insert_user(
        session,
        email=email,
        role=role,
        name=name,
        password_hash=password_hash,
        actor=actor,
        now=now,
    )


def create_first_admin(
    session: Session, *, email: str, password: str, name: str, now: datetime
) -> Account:
    """Add the first administrator of an empty users table and return it; the caller commits.

    The users table is locked (see `_lock_users`) before it is counted, so of two set-ups at
    once the second waits for the first to commit, then finds a user and is refused.
    """
    email = _checked_email(email)
    name = _checked_name(name)
    validate_password(password, email=email)
    password_hash = _hasher.hash(password)
    _lock_users(session)
    if count_users(session):
        raise ActionableError(
            "Cannot set up a first administrator: an administrator already exists. "
            "Sign in, or ask an administrator to add you."
        )
    return _insert_user(
        session,
        email=email,
        role="admin",
        name=name,
        password_hash=password_hash,
        actor=email,
        now=now,
    )


def update_user(
    session: Session,
    user_id: int,
    *,
    actor: str,
    now: datetime,
    role: str | None = None,
    active: bool | None = None,
    name: str | None = None,
) -> Account:
    """Change what is given of an account's role, active flag and name; return the account.

    The last active administrator can be neither demoted nor deactivated. The caller commits.
    """
    wanted: dict[str, Any] = {}
    if role is not None:
        wanted["role"] = _checked_role(role)
    if active is not None:
        wanted["active"] = bool(active)
    if name is not None:
        wanted["name"] = _checked_name(name)
    _lock_users(session)
    user = _user(session, user_id)
    changes = {f: [getattr(user, f), v] for f, v in wanted.items() if getattr(user, f) != v}
    if not changes:
        return _account(user)
    stops_being_admin = (
        user.role == "admin"
        and user.active
        and ("role" in changes or wanted.get("active") is False)
    )
    if stops_being_admin:
        others = select(func.count(User.id)).where(
            User.role == "admin", User.active.is_(True), User.id != user.id
        )
        if not session.scalar(others):
            raise ActionableError(
                f"{user.email} is the last active administrator: make another user an "
                "administrator first."
            )
    for field, (_, new) in changes.items():
        setattr(user, field, new)
    user.updated_at = now
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.update",
        details={"email": user.email, "changes": changes},
        now=now,
    )
    return _account(user)


def set_password(
    session: Session, user_id: int, password: str, *, actor: str, now: datetime
) -> None:
    """Give an account a new password and lift the lock of its email; the caller commits."""
    user = _user(session, user_id)
    validate_password(password, email=user.email)
    user.password_hash = _hasher.hash(password)
    secret = _throttle_secret(session, now)
    _forget_throttle(session, "email", _throttle_digest(secret, "email", user.email))
    user.updated_at = now
    record_event(
        session, actor=actor, action="user.password", details={"email": user.email}, now=now
    )
    session.flush()


@dataclass(frozen=True)
class _Rule:
    """When failures in a row make the next attempt wait, and when they lock."""

    delay_from: int
    lock_after: int


def _rules(settings: Settings) -> dict[str, _Rule]:
    return {
        "email": _Rule(settings.signin_delay_from, settings.signin_lock_after),
        "address": _Rule(settings.signin_address_delay_from, settings.signin_address_lock_after),
    }


def _delay_seconds(failures: int, delay_from: int) -> float:
    if failures < delay_from:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - delay_from))


def _throttle_secret(session: Session, now: datetime) -> bytes:
    """Return the key of the throttles' hashes: made once, then shared by every app instance.

    Its first statement writes, so on SQLite the transaction holds the database's write lock
    from here to its end (no other attempt reads the counts in between).
    """
    made = conflict_insert(session)(AppSetting).values(
        key=THROTTLE_KEY_SETTING,
        value={"key": secrets.token_hex(32)},
        updated_at=now,
        updated_by="sign-in",
    )
    session.execute(made.on_conflict_do_nothing(index_elements=["key"]))
    value = session.scalar(select(AppSetting.value).where(AppSetting.key == THROTTLE_KEY_SETTING))
    return bytes.fromhex(str((value or {})["key"]))


def _address_bucket(address: str) -> str:
    """Return what one client is counted as: its IPv4 address, or its IPv6 /64 network (one
    subscriber's usual share, so that a client cannot step through its own addresses)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _actor(typed: str) -> str:
    """Return what a typed (normalised) email is recorded and throttled as: itself, cut to an
    email's length, or NOT_AN_EMAIL for anything else (all such texts share one throttle)."""
    return typed[:EMAIL_LENGTH] if _EMAIL_SHAPE.fullmatch(typed) else NOT_AN_EMAIL


def _throttle_digest(secret: bytes, kind: str, value: str) -> str:
    """Return the keyed hash a throttle row is stored under: never the email or address."""
    return hmac.new(secret, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Counted:
    """A throttle's state as its locked row holds it."""

    kind: str
    digest: str
    failures: int
    last_failed_at: datetime | None
    locked_until: datetime | None


def _hold_throttle(session: Session, kind: str, digest: str) -> _Counted:
    """Return the throttle's row, made if missing and locked until the transaction ends.

    One statement: an upsert that changes nothing of an existing row but, being a write, holds
    it (PostgreSQL: a row lock; SQLite: the database's write lock) until commit, so the count
    read here is the count the attempt is judged by.
    """
    table = SignInThrottle.__table__
    upsert = conflict_insert(session)(table).values(kind=kind, digest=digest, failures=0)
    upsert = upsert.on_conflict_do_update(
        index_elements=["kind", "digest"], set_={"failures": table.c.failures}
    ).returning(table.c.failures, table.c.last_failed_at, table.c.locked_until)
    row = session.execute(upsert).one()
    return _Counted(kind, digest, row.failures, row.last_failed_at, row.locked_until)


def _forget_throttle(session: Session, kind: str, digest: str) -> None:
    session.execute(
        delete(SignInThrottle).where(SignInThrottle.kind == kind, SignInThrottle.digest == digest)
    )


def _forget_old_failures(session: Session, now: datetime, settings: Settings) -> None:
    """Delete the throttles that no longer throttle: not locked, no failure for a lock's time.

    Rows another attempt holds are skipped (PostgreSQL), so this never waits for a lock.
    """
    cutoff = now - timedelta(minutes=settings.signin_lock_minutes)
    old = select(SignInThrottle.kind, SignInThrottle.digest).where(
        or_(SignInThrottle.last_failed_at.is_(None), SignInThrottle.last_failed_at <= cutoff),
        or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until <= now),
    )
    session.execute(
        delete(SignInThrottle).where(
            tuple_(SignInThrottle.kind, SignInThrottle.digest).in_(
                old.with_for_update(skip_locked=True)
            )
        )
    )


def _lock_message(throttle: str, locked_until: datetime, now: datetime, settings: Settings) -> str:
    minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
    until = locked_until.astimezone(settings.tz).strftime("%H:%M")
    if throttle == "address":
        return (
            f"Too many failed sign-ins from this network address: it is locked until {until} "
            f"({minutes} min). Try again then."
        )
    return (
        f"Too many failed sign-ins with this email: it is locked until {until} ({minutes} min). "
        "Try again then, or ask an administrator to set a new password."
    )


def _locked(
    throttle: str, locked_until: datetime, now: datetime, settings: Settings, prefix: str = ""
) -> SignInRefused:
    message = _lock_message(throttle, locked_until, now, settings)
    return SignInRefused(
        "locked",
        f"{prefix} {message}" if prefix else message,
        retry_after_seconds=(locked_until - now).total_seconds(),
        throttle=throttle,
    )


def _waiting(counted: _Counted, rule: _Rule, now: datetime) -> SignInRefused | None:
    delay = _delay_seconds(counted.failures, rule.delay_from)
    if not delay or counted.last_failed_at is None:
        return None
    retry_after = (counted.last_failed_at + timedelta(seconds=delay) - now).total_seconds()
    if retry_after <= 0:
        return None
    seconds = math.ceil(retry_after)
    return SignInRefused(
        "wait",
        f"Several failed sign-ins in a row: wait {seconds} second"
        f"{'' if seconds == 1 else 's'}, then try again.",
        retry_after_seconds=retry_after,
        throttle=counted.kind,
    )


@dataclass(frozen=True)
class Throttle:
    """Failed sign-ins in a row as counted for one email or address."""

    failures: int
    last_failed_at: datetime | None
    locked_until: datetime | None


def email_throttle(session: Session, email: str) -> Throttle:
    """Return the failed sign-ins in a row counted for `email` (an account's or not)."""
    value = session.scalar(select(AppSetting.value).where(AppSetting.key == THROTTLE_KEY_SETTING))
    if value is None:
        return Throttle(0, None, None)
    actor = _actor(normalise_email(email))
    digest = _throttle_digest(bytes.fromhex(str(value["key"])), "email", actor)
    row = session.get(SignInThrottle, ("email", digest), populate_existing=True)
    if row is None:
        return Throttle(0, None, None)
    return Throttle(row.failures, row.last_failed_at, row.locked_until)


@dataclass
class _Attempt:
    """What the first transaction of a sign-in decided and counted."""

    refusal: SignInRefused | None
    digests: dict[str, str] = dataclasses.field(default_factory=dict)
    failures: dict[str, int] = dataclasses.field(default_factory=dict)
    locked_until: dict[str, datetime] = dataclasses.field(default_factory=dict)


def _count_attempt(
    session: Session, digests: dict[str, str], *, now: datetime, settings: Settings
) -> _Attempt:
    """Judge an attempt by its throttles' rows, held until the caller commits, and count it.

    Throttles are taken address first, then email, on every attempt (no two attempts wait
    for each other in a circle). A lock that ran out, or failures a lock's time old, start
    the count again. An attempt refused here ("locked", "wait") is not counted. Any other is
    counted as failed now, before its password is checked (the check clears it when right):
    so of any number of attempts at once, each has its own count, and only the first
    `lock_after` get a password checked.
    """
    rules = _rules(settings)
    lock_time = timedelta(minutes=settings.signin_lock_minutes)
    held: list[_Counted] = []
    for kind, digest in digests.items():
        counted = _hold_throttle(session, kind, digest)
        lock_over = counted.locked_until is not None and counted.locked_until <= now
        stale = (
            counted.locked_until is None
            and counted.last_failed_at is not None
            and now - counted.last_failed_at >= lock_time
        )
        if lock_over or stale:
            counted = _Counted(kind, digest, 0, None, None)
        held.append(counted)
    locks = [c for c in held if c.locked_until is not None]
    waits = [w for c in held if (w := _waiting(c, rules[c.kind], now)) is not None]
    refusal: SignInRefused | None = None
    if locks:
        first = min(locks, key=lambda c: c.kind != "email")  # the email's lock first
        assert first.locked_until is not None
        refusal = _locked(first.kind, first.locked_until, now, settings)
    elif waits:
        refusal = max(waits, key=lambda w: w.retry_after_seconds or 0.0)
    attempt = _Attempt(refusal, dict(digests))
    for counted in held:
        failures, locked_until = counted.failures, counted.locked_until
        if refusal is None:
            failures += 1
            if failures >= rules[counted.kind].lock_after:
                locked_until = now + lock_time
                attempt.locked_until[counted.kind] = locked_until
        attempt.failures[counted.kind] = failures
        last_failed_at = now if refusal is None else counted.last_failed_at
        session.execute(
            update(SignInThrottle)
            .where(SignInThrottle.kind == counted.kind, SignInThrottle.digest == counted.digest)
            .values(failures=failures, last_failed_at=last_failed_at, locked_until=locked_until)
        )
    return attempt


def _uncount_success(session: Session, attempt: _Attempt, settings: Settings) -> None:
    """Take back what a right password was counted as: the email's failures go, and the
    address's count loses this attempt (and the lock only this attempt's count made)."""
    if "address" in attempt.digests:
        row = SignInThrottle
        session.execute(
            update(row)
            .where(
                row.kind == "address", row.digest == attempt.digests["address"], row.failures > 0
            )
            .values(
                failures=row.failures - 1,
                locked_until=case(
                    (row.failures - 1 < settings.signin_address_lock_after, None),
                    else_=row.locked_until,
                ),
            )
        )
    _forget_throttle(session, "email", attempt.digests["email"])


def _refuse(
    session: Session,
    actor: str,
    refusal: SignInRefused,
    *,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> NoReturn:
    record_event(
        session,
        actor=actor,
        action="sign_in.failed",
        details={"reason": refusal.reason, **(details or {})},
        now=now,
    )
    session.commit()
    raise refusal


def authenticate(
    session: Session, email: str, password: str, *, now: datetime, address: str | None = None
) -> Account:
    """Return the account whose email and password these are; raise SignInRefused otherwise.

    Failures in a row are counted per typed email, whether or not an account has it, and per
    client `address` (None: not counted; it is stored only as a keyed hash). Per throttle:
    after `delay_from` failures an attempt sooner than 2**(failures - delay_from) s (at most
    60 s) after the last failure is refused ("wait") unchecked and uncounted; `lock_after`
    failures lock for `signin_lock_minutes` ("locked"), after which the count starts again;
    failures are forgotten `signin_lock_minutes` after the last one.

    Every attempt verifies exactly one argon2 hash: the account's when it has one and the
    attempt is not refused first, a dummy one otherwise; so known and unknown emails take as
    long and, in each state, answer alike. The verification runs between two commits, without
    any lock held. Every outcome is audited (with the true reason) in `session`, which is
    committed; the attempt is counted before that in a transaction of its own (so on SQLite,
    call this before writing anything in `session`: that write would hold the lock it needs).
    """
    settings = get_settings()
    typed = normalise_email(email)
    actor = _actor(typed)
    # 1. Count the attempt in a short transaction of its own, which holds the throttles' rows
    # (the caller's transaction may be long and must not hold them, or the database lock).
    bind = session.get_bind()
    with Session(bind.engine if isinstance(bind, Connection) else bind) as counting:
        secret = _throttle_secret(counting, now)
        digests: dict[str, str] = {}
        if address is not None and settings.signin_address_lock_after:
            digests["address"] = _throttle_digest(secret, "address", _address_bucket(address))
        digests["email"] = _throttle_digest(secret, "email", actor)
        attempt = _count_attempt(counting, digests, now=now, settings=settings)
        _forget_old_failures(counting, now, settings)
        user = _user_by_email(counting, typed)
        user_id = None if user is None else user.id
        active = user is not None and user.active
        password_hash = None if user is None else user.password_hash
        counting.commit()
    # 2. One verification, in every state.
    checked = password_hash if attempt.refusal is None else None
    right = _verify(checked or _DUMMY_HASH, password) and checked is not None
    # 3. The outcome.
    if attempt.refusal is not None:
        _refuse(
            session, actor, attempt.refusal, now=now, details={"throttle": attempt.refusal.throttle}
        )
    if right and active and user_id is not None:
        return _signed_in(session, user_id, password, attempt, now=now, settings=settings)
    if user_id is None:
        reason = "unknown"
    elif password_hash is None:
        reason = "no_password"
    elif not right:
        reason = "wrong_password"
    else:
        reason = "inactive"
    details: dict[str, Any] = {"reason": reason, "failures": attempt.failures["email"]}
    refusal = SignInRefused("credentials", WRONG_CREDENTIALS)
    if "email" in attempt.locked_until:
        details["locked_until"] = attempt.locked_until["email"].isoformat()
        refusal = _locked("email", attempt.locked_until["email"], now, settings, WRONG_CREDENTIALS)
    elif "address" in attempt.locked_until:
        details["address_locked_until"] = attempt.locked_until["address"].isoformat()
        refusal = _locked(
            "address", attempt.locked_until["address"], now, settings, WRONG_CREDENTIALS
        )
    _refuse(session, actor, refusal, now=now, details=details)


def _signed_in(
    session: Session,
    user_id: int,
    password: str,
    attempt: _Attempt,
    *,
    now: datetime,
    settings: Settings,
) -> Account:
    user = _user(session, user_id)
    if user.password_hash is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    _uncount_success(session, attempt, settings)
    user.last_sign_in_at = now
    record_event(
        session, actor=user.email, action="sign_in", details={"method": "password"}, now=now
    )
    account = _account(user)
    session.commit()
    return account


def account_for_sso(session: Session, email: str, *, now: datetime) -> Account:
    """Return the account of an email the identity provider vouched for; commits the session.

    The role comes from the users table: an email without an account, or an inactive one, is
    refused (SignInRefused, audited).
    """
    typed = normalise_email(email)
    actor = typed[:EMAIL_LENGTH]
    user = _user_by_email(session, typed)
    if user is None:
        unknown = SignInRefused(
            "unknown",
            f"{actor} has no account here: ask an administrator to add this email.",
        )
        _refuse(session, actor, unknown, now=now, details={"method": "sso"})
    if not user.active:
        inactive = SignInRefused(
            "inactive", "This account is deactivated: ask an administrator to reactivate it."
        )
        _refuse(session, actor, inactive, now=now, details={"method": "sso"})
    user.last_sign_in_at = now
    record_event(session, actor=user.email, action="sign_in", details={"method": "sso"}, now=now)
    account = _account(user)
    session.commit()
    return account


def record_sign_out(
    session: Session, account: Account, *, now: datetime, expired: bool = False
) -> None:
    """Audit the end of a session: signed out, or expired (idle or too long); commits."""
    action = "session.expired" if expired else "sign_out"
    record_event(session, actor=account.email, action=action, now=now)
    session.commit()
