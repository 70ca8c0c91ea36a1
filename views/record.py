"""Record: one feedback, its texts and status, and its customer's contact as the role allows."""

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import access, privacy, store, ui
from feedback_analytics.errors import ActionableError
from feedback_analytics.i18n import t

lang = ui.current_language()
viewer = ui.require_viewer()
engine = ui.get_engine()
st.title(t("record.title", lang))

# ?id= links a record; the picker keeps it in the address so the link can be shared.
try:
    linked = max(0, int(st.query_params.get("id", "0")))
except ValueError:
    linked = 0
feedback_id = int(
    st.number_input(t("record.id", lang), min_value=0, value=linked, step=1, key="record_id")
)
if not feedback_id:
    st.info(t("record.pick", lang), icon=":material/search:")
    st.stop()
st.query_params["id"] = str(feedback_id)

with Session(engine) as session:
    found = store.records_by_id(session, [feedback_id])
if found.empty:
    st.warning(t("record.none", lang, id=feedback_id), icon=":material/search_off:")
    st.stop()
record = privacy.for_viewer(found, viewer.role).iloc[0]

facts = found.drop(columns=[c for c in ("current_feature", "proposal", "reason") if c in found])
ui.show_table(facts, lang)
for name in ("current_feature", "proposal", "reason"):
    if name in record and isinstance(record[name], str) and record[name]:
        st.caption(t(f"field.{name}", lang))
        st.text(record[name])

st.subheader(t("record.contact", lang))
revealed_key = f"revealed_{feedback_id}"
revealed = bool(st.session_state.get(revealed_key))
with Session(engine) as session:
    contact = privacy.record_contact(session, feedback_id, viewer.role, revealed=revealed)
if contact is None:
    st.caption(t("record.no_contact", lang))
    st.stop()
for name, value in contact.items():
    st.text(f"{t(f'field.{name}', lang)}: {value or ''}")
if privacy.sees_contacts(viewer.role) or revealed:
    st.caption(t("record.contact_shown", lang))
elif access.can(viewer.role, access.REVEAL):
    with st.form(f"reveal_{feedback_id}"):
        reason = st.text_input(t("record.reveal_reason", lang), max_chars=500)
        if st.form_submit_button(t("record.reveal", lang), icon=":material/visibility:"):
            try:
                with Session(engine) as session, session.begin():
                    privacy.reveal(
                        session,
                        feedback_id,
                        actor=viewer.actor,
                        role=viewer.role,
                        reason=reason,
                    )
            except ActionableError as exc:
                st.error(str(exc))
            else:
                st.session_state[revealed_key] = True
                st.rerun()
else:
    st.caption(t("record.masked", lang))
