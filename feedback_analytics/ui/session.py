"""Sign-in for every page: single sign-on when configured, local accounts, the first admin.

`signed_in_viewer` runs before the navigation on every run of app.py. It returns the signed-in
person or renders the sign-in (or the first-run screen) and stops the run, so no page runs for
an anonymous visitor. A session ends after `session_idle_minutes` without a rerun or
`session_max_hours` after sign-in.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import auth
from feedback_analytics.access import Viewer
from feedback_analytics.audit import record_event
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import t
from feedback_analytics.ui.data import get_engine, settings
from feedback_analytics.ui.text import escape_markdown

_VIEWER = "viewer"
_SIGNED_IN_AT = "signed_in_at"
_LAST_SEEN = "last_seen"
_EXPIRED = "session_expired"


def _now() -> datetime:
    return datetime.now(UTC)


def current_viewer() -> Viewer | None:
    """Return the signed-in person of this session, if any."""
    viewer = st.session_state.get(_VIEWER)
    return viewer if isinstance(viewer, Viewer) else None


def require_viewer() -> Viewer:
    """Return the signed-in person; a page run without one (it cannot be, app.py signs in
    first) stops."""
    viewer = current_viewer()
    if viewer is None:
        st.stop()
    return viewer


def _start(account: auth.Account, method: str) -> None:
    st.session_state[_VIEWER] = Viewer(
        account.id, account.email, account.name, account.role, method=method
    )
    st.session_state[_SIGNED_IN_AT] = st.session_state[_LAST_SEEN] = time.time()
    st.session_state.pop(_EXPIRED, None)


def _end(*, expired: bool) -> None:
    viewer = current_viewer()
    for key in (_VIEWER, _SIGNED_IN_AT, _LAST_SEEN):
        st.session_state.pop(key, None)
    if viewer is None:
        return
    with Session(get_engine()) as session, session.begin():
        auth.record_sign_out(session, viewer_account(viewer), now=_now(), expired=expired)


def viewer_account(viewer: Viewer) -> auth.Account:
    """Return the account of `viewer` as the auth module describes it."""
    return auth.Account(viewer.user_id, viewer.email, viewer.name, viewer.role, True, True)


def _expired() -> bool:
    config = settings()
    now = time.time()
    idle = now - float(st.session_state.get(_LAST_SEEN, now))
    age = now - float(st.session_state.get(_SIGNED_IN_AT, now))
    return idle > config.session_idle_minutes * 60 or age > config.session_max_hours * 3600


def _still_allowed(viewer: Viewer) -> Viewer | None:
    """Return the viewer as the users table has them now: a changed role applies at once, a
    deactivated or deleted account ends the session (None)."""
    with Session(get_engine()) as session:
        account = auth.find_user(session, viewer.email)
    if account is None or not account.active:
        return None
    if account.role != viewer.role or account.name != viewer.name:
        viewer = Viewer(account.id, account.email, account.name, account.role, viewer.method)
        st.session_state[_VIEWER] = viewer
    return viewer


def sign_out() -> None:
    """End the session (and the single sign-on one) and show the sign-in again."""
    viewer = current_viewer()
    _end(expired=False)
    if viewer is not None and viewer.method == "sso":
        st.logout()
    st.rerun()


def _sso_configured() -> bool:
    # No secrets.toml, or one that does not parse: local accounts only.
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001
        return False


def _sso_email() -> str | None:
    user: Any = st.user
    if not getattr(user, "is_logged_in", False):
        return None
    email = user.get("email")
    return str(email) if email else None


def refusal_message(exc: auth.SignInRefused, lang: str, email: str = "") -> str:
    """Return the sign-in refusal in `lang`, saying what to do next.

    It depends only on what the refusal says, which is the same for an email with an account
    and one without (feedback_analytics.auth).
    """
    if exc.reason == "locked":
        minutes = math.ceil((exc.retry_after_seconds or 60) / 60)
        if exc.throttle == "address":
            return t("auth.refused.address_locked", lang, minutes=minutes)
        return t("auth.refused.locked", lang, minutes=minutes)
    if exc.reason == "wait":
        return t("auth.refused.wait", lang, seconds=math.ceil(exc.retry_after_seconds or 1))
    if exc.reason == "inactive":  # single sign-on only: the identity provider vouched
        return t("auth.refused.inactive", lang)
    return t("auth.refused.credentials", lang)


def client_address() -> str | None:
    """Return the address the browser connects from (None on this machine or unknown).

    Used only to throttle sign-ins, where it is stored as a keyed hash; never log it.
    """
    address = st.context.ip_address
    # A string from a browser's connection; AppTest has none (it gives a stand-in object).
    return address if isinstance(address, str) and address else None


def _password_form(lang: str) -> None:
    with st.form("sign_in", enter_to_submit=True):
        email = st.text_input(t("auth.email", lang), key="sign_in_email", max_chars=254)
        password = st.text_input(
            t("auth.password", lang), type="password", key="sign_in_password", max_chars=1024
        )
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if not submitted:
        return
    try:
        with Session(get_engine()) as session, session.begin():
            account = auth.authenticate(
                session, email, password, now=_now(), address=client_address()
            )
    except auth.SignInRefused as exc:
        st.error(refusal_message(exc, lang), icon=":material/lock:")
        return
    _start(account, "password")
    st.rerun()


def _first_admin_form(lang: str) -> None:
    st.title(t("auth.first.title", lang))
    st.write(t("auth.first.intro", lang))
    with st.form("first_admin"):
        email = st.text_input(t("auth.email", lang), key="first_email", max_chars=254)
        name = st.text_input(t("auth.name", lang), key="first_name", max_chars=200)
        password = st.text_input(
            t("auth.password", lang), type="password", key="first_password", max_chars=1024
        )
        again = st.text_input(
            t("auth.password_again", lang), type="password", key="first_again", max_chars=1024
        )
        submitted = st.form_submit_button(t("auth.first.submit", lang), type="primary")
    if not submitted:
        return
    if password != again:
        st.error(t("auth.mismatch", lang))
        return
    try:
        with Session(get_engine()) as session, session.begin():
            account = auth.create_first_admin(
                session, email=email, password=password, name=name, now=_now()
            )
    except ActionableError as exc:
        st.error(escape_markdown(exc))
        return
    _start(account, "password")
    st.rerun()


def _sso_sign_in(lang: str) -> bool:
    """Sign in the person single sign-on vouches for; return True when that worked."""
    email = _sso_email()
    if email is None:
        return False
    try:
        with Session(get_engine()) as session, session.begin():
            account = auth.account_for_sso(session, email, now=_now())
    except auth.SignInRefused as exc:
        if exc.reason == "unknown":
            st.error(
                t("auth.refused.sso_unknown", lang, email=escape_markdown(email)),
                icon=":material/lock:",
            )
        else:
            st.error(refusal_message(exc, lang), icon=":material/lock:")
        st.button(t("auth.sign_out", lang), on_click=st.logout, key="sso_sign_out")
        return False
    _start(account, "sso")
    return True


def signed_in_viewer(lang: str) -> Viewer:
    """Return the signed-in person; otherwise show the sign-in and stop the run."""
    viewer = current_viewer()
    if viewer is not None:
        if not _expired():
            current = _still_allowed(viewer)
            if current is not None:
                st.session_state[_LAST_SEEN] = time.time()
                return current
            _end(expired=False)
        else:
            _end(expired=True)
            st.session_state[_EXPIRED] = True
        if viewer.method == "sso":
            st.logout()
    sso = _sso_configured()
    if sso and _sso_sign_in(lang):
        return require_viewer()
    with Session(get_engine()) as session:
        users = auth.count_users(session)
    if users == 0:
        _first_admin_form(lang)
        st.stop()
    st.title(t("auth.title", lang))
    if st.session_state.get(_EXPIRED):
        st.warning(t("auth.expired", lang), icon=":material/timer_off:")
    st.write(t("auth.intro", lang))
    if sso:
        st.button(t("auth.sso", lang), on_click=st.login, type="primary", key="sso_sign_in")
        st.caption(t("auth.sso_or", lang))
    _password_form(lang)
    st.stop()


def account_box(viewer: Viewer, lang: str) -> None:
    """Render who is signed in and the sign-out button in the sidebar."""
    st.sidebar.caption(
        t(
            "auth.signed_in_as",
            lang,
            email=escape_markdown(viewer.email),
            role=t(f"role.{viewer.role}", lang),
        )
    )
    if st.sidebar.button(t("auth.sign_out", lang), key="sign_out", icon=":material/logout:"):
        sign_out()


def log_event(
    viewer: Viewer,
    action: str,
    details: dict[str, Any] | None = None,
    *,
    feedback_id: int | None = None,
) -> None:
    """Append what `viewer` did to the audit log (its own transaction)."""
    with Session(get_engine()) as session, session.begin():
        record_event(
            session,
            actor=viewer.actor,
            action=action,
            feedback_id=feedback_id,
            details=details,
            now=_now(),
        )
