"""Users (administrators): accounts, roles, activation and passwords."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import auth, ui
from feedback_analytics.access import ROLES
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import t

lang = ui.current_language()
viewer = ui.require_viewer()
engine = ui.get_engine()
st.title(t("users.title", lang))
done = st.session_state.pop("users_done", None)
if done:
    st.success(done, icon=":material/check:")


def _role(code: str) -> str:
    return t(f"role.{code}", lang)


with Session(engine) as session:
    accounts = auth.list_users(session)
st.dataframe(
    pd.DataFrame(
        {
            t("auth.email", lang): [a.email for a in accounts],
            t("auth.name", lang): [a.name for a in accounts],
            t("users.role", lang): [_role(a.role) for a in accounts],
            t("users.active", lang): [a.active for a in accounts],
            t("users.local_password", lang): [a.has_password for a in accounts],
        }
    ),
    hide_index=True,
    width="stretch",
)

create, edit = st.tabs([t("users.create", lang), t("users.edit", lang)])
with create, st.form("create_user", clear_on_submit=True):
    email = st.text_input(t("auth.email", lang), max_chars=254)
    name = st.text_input(t("auth.name", lang), max_chars=200)
    role = st.selectbox(t("users.role", lang), ROLES, format_func=_role, index=ROLES.index("staff"))
    password = st.text_input(t("users.password_optional", lang), type="password", max_chars=1024)
    if st.form_submit_button(t("users.create", lang), type="primary"):
        try:
            with Session(engine) as session, session.begin():
                made = auth.create_user(
                    session,
                    email=email,
                    role=role,
                    name=name,
                    password=password or None,
                    actor=viewer.actor,
                    now=datetime.now(UTC),
                )
        except ActionableError as exc:
            st.error(ui.escape_markdown(exc))
        else:
            email_shown = ui.escape_markdown(made.email)
            st.session_state["users_done"] = t("users.created", lang, email=email_shown)
            st.rerun()

with edit:
    if accounts:
        by_id = {a.id: a for a in accounts}
        chosen = st.selectbox(
            t("users.pick", lang), list(by_id), format_func=lambda i: by_id[i].email
        )
        account = by_id[int(chosen)]
        with st.form(f"edit_user_{account.id}"):
            new_role = st.selectbox(
                t("users.role", lang), ROLES, format_func=_role, index=ROLES.index(account.role)
            )
            active = st.checkbox(t("users.active", lang), value=account.active)
            new_password = st.text_input(
                t("users.new_password", lang), type="password", max_chars=1024
            )
            if st.form_submit_button(t("users.save", lang), type="primary"):
                try:
                    with Session(engine) as session, session.begin():
                        now = datetime.now(UTC)
                        auth.update_user(
                            session,
                            account.id,
                            actor=viewer.actor,
                            now=now,
                            role=new_role,
                            active=active,
                        )
                        if new_password:
                            auth.set_password(
                                session, account.id, new_password, actor=viewer.actor, now=now
                            )
                except ActionableError as exc:
                    st.error(ui.escape_markdown(exc))
                else:
                    email_shown = ui.escape_markdown(account.email)
                    st.session_state["users_done"] = t("users.saved", lang, email=email_shown)
                    st.rerun()
