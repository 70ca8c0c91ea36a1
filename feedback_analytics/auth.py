"""Who may sign in: user accounts, passwords (argon2id), lockout, and their audit trail.

What a role may see and do is the app's decision; this module only says who someone is.

Transactions: the sign-in functions (`authenticate`, `account_for_sso`, `record_sign_out`)
commit the session themselves, because a refused sign-in must be remembered (failure count,
audit event) although it raises. The account functions (`create_user`, `create_first_admin`,
`update_user`, `set_password`) work in the caller's transaction: the caller commits.

Emails and passwords never go to the logging module. The audit log records account emails
(staff data) and never a password or a password hash.
"""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_analytics.audit import record_event
from feedback_analytics.config import Settings, get_settings
from feedback_analytics.db.models import ROLES, User
from feedback_analytics.errors import ActionableError

__all__ = [
    "ROLES",
    "Account",
    "SignInRefused",
    "account_for_sso",
    "authenticate",
    "count_users",
    "create_first_admin",
    "create_user",
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
WRONG_CREDENTIALS = "Email or password is wrong."
# Recorded as the actor of a refused sign-in whose "email" is no email: people type their
# password into the email field, and the audit log must never hold a password.
NOT_AN_EMAIL = "(not an email address)"

_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# argon2id with the library's recommended parameters; a hash made with older parameters is
# replaced at the next successful sign-in.
_hasher = PasswordHasher()
# Verified when the email is unknown, so that an unknown email takes as long as a known one.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


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

    reason: "unknown" | "wrong_password" | "locked" | "wait" | "inactive" | "no_password".
    An unknown email and a wrong password give the same message.
    """

    def __init__(
        self, reason: str, message: str, *, retry_after_seconds: float | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds


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
        failed_sign_ins=0,
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


def _clear_failures(user: User) -> None:
    """Forget the failed sign-ins in a row, their delay and any lock."""
    user.failed_sign_ins = 0
    user.last_failed_at = None
    user.locked_until = None


def set_password(
    session: Session, user_id: int, password: str, *, actor: str, now: datetime
) -> None:
    """Give an account a new password and lift any lock; the caller commits."""
    user = _user(session, user_id)
    validate_password(password, email=user.email)
    user.password_hash = _hasher.hash(password)
    _clear_failures(user)
    user.updated_at = now
    record_event(
        session, actor=actor, action="user.password", details={"email": user.email}, now=now
    )
    session.flush()


def _delay_seconds(failures: int, settings: Settings) -> float:
    if failures < settings.signin_delay_from:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - settings.signin_delay_from))


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


def _locked(locked_until: datetime, now: datetime, settings: Settings) -> SignInRefused:
    minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
    until = locked_until.astimezone(settings.tz).strftime("%H:%M")
    return SignInRefused(
        "locked",
        f"Too many failed sign-ins: this account is locked until {until} ({minutes} min). "
        "Try again then, or ask an administrator to set a new password.",
        retry_after_seconds=(locked_until - now).total_seconds(),
    )


def authenticate(session: Session, email: str, password: str, *, now: datetime) -> Account:
    """Return the account whose email and password these are; raise SignInRefused otherwise.

    In order: an account locked after `signin_lock_after` failures in a row is refused until
    the lock runs out (the count then starts again); after `signin_delay_from` failures in a
    row an attempt sooner than 2**(failures - signin_delay_from) s (at most 60 s) after the
    last failure is refused unchecked and not counted; then the password is verified (an
    unknown email verifies against a dummy hash, to take as long). Every outcome is audited.
    Commits the session.
    """
    settings = get_settings()
    typed = normalise_email(email)
    actor = typed[:EMAIL_LENGTH] if _EMAIL_SHAPE.fullmatch(typed) else NOT_AN_EMAIL
    user = _user_by_email(session, typed)
    if user is None:
        _verify(_DUMMY_HASH, password)
        _refuse(session, actor, SignInRefused("unknown", WRONG_CREDENTIALS), now=now)
    if user.locked_until is not None:
        if now < user.locked_until:
            _refuse(session, actor, _locked(user.locked_until, now, settings), now=now)
        # The lock has run out: the count starts again (written now, as the count below is
        # incremented in the database).
        _clear_failures(user)
        session.flush()
    delay = _delay_seconds(user.failed_sign_ins, settings)
    if delay and user.last_failed_at is not None:
        retry_after = (user.last_failed_at + timedelta(seconds=delay) - now).total_seconds()
        if retry_after > 0:
            seconds = math.ceil(retry_after)
            wait = SignInRefused(
                "wait",
                f"Several failed sign-ins in a row: wait {seconds} second"
                f"{'' if seconds == 1 else 's'}, then try again.",
                retry_after_seconds=retry_after,
            )
            _refuse(session, actor, wait, now=now)
    if user.password_hash is None:
        _verify(_DUMMY_HASH, password)
        no_password = SignInRefused(
            "no_password",
            "This account has no password: sign in with single sign-on, or ask an "
            "administrator to set a password.",
        )
        _refuse(session, actor, no_password, now=now)
    if not _verify(user.password_hash, password):
        user.failed_sign_ins = User.failed_sign_ins + 1  # atomic under concurrent attempts
        user.last_failed_at = now
        session.flush()
        failures = user.failed_sign_ins  # reloaded: the database's count
        details: dict[str, Any] = {"failures": failures}
        refusal = SignInRefused("wrong_password", WRONG_CREDENTIALS)
        if failures >= settings.signin_lock_after:
            user.locked_until = now + timedelta(minutes=settings.signin_lock_minutes)
            details["locked_until"] = user.locked_until.isoformat()
            locked = _locked(user.locked_until, now, settings)
            refusal = SignInRefused(
                "locked",
                f"{WRONG_CREDENTIALS} {locked}",
                retry_after_seconds=locked.retry_after_seconds,
            )
        _refuse(session, actor, refusal, now=now, details={"reason": "wrong_password", **details})
    if not user.active:
        inactive = SignInRefused(
            "inactive", "This account is deactivated: ask an administrator to reactivate it."
        )
        _refuse(session, actor, inactive, now=now)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    _clear_failures(user)
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
