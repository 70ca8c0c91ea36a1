"""Customer messages: the templates of the acknowledgement, the new promised time and the
outcome, in Vietnamese and English, edited by an administrator with a preview."""

import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import ui
from feedback_analytics.db.models import MESSAGE_STEPS
from feedback_analytics.i18n import t
from feedback_analytics.mail import templates

lang = ui.current_language()
viewer = ui.require_viewer()
engine = ui.get_engine()
st.title(t("mail_templates.title", lang))
st.caption(t("mail_templates.intro", lang))

left, right = st.columns(2)
step = left.selectbox(
    t("mail_templates.step", lang),
    MESSAGE_STEPS,
    format_func=lambda name: t(f"mail_templates.step.{name}", lang),
    key="template_step",
)
language = right.selectbox(
    t("mail_templates.language", lang),
    templates.LANGUAGES,
    format_func=lambda code: t(f"language.{code}", lang),
    key="template_language",
)
name = f"{step}.{language}"
text_key = f"template_text_{name}"

# What the last click did, shown once after the page reads the templates again.
outcome = st.session_state.pop("template_outcome", None)
if outcome is not None:
    st.success(outcome)

with Session(engine) as session:
    in_force = templates.load_templates(session)[name]
    edited = name in templates.edited_templates(session)
st.caption(t("mail_templates.edited" if edited else "mail_templates.default", lang))
# The names as a template writes them; the caption is plain text, so braces show as typed.
names = {
    "reference": "{{ reference }}",
    "due": "{{ due }}",
    "response": "{{ response }}",
    "if_due": "{% if due %}…{% endif %}",
}
st.text(t(f"mail_templates.values.{step}", lang, **names))
text = st.text_area(t("mail_templates.text", lang), value=in_force, height=300, key=text_key)

save, reset = st.columns(2)
if save.button(t("mail_templates.save", lang), type="primary", icon=":material/save:"):
    try:
        with Session(engine) as session, session.begin():
            changed = templates.save_template(session, name, text, actor=viewer.actor)
    except templates.TemplateRefused as exc:
        st.error(ui.escape_markdown(exc), icon=":material/error:")
    else:
        st.session_state["template_outcome"] = t(
            "mail_templates.saved" if changed else "mail_templates.unchanged", lang
        )
        st.rerun()
if reset.button(
    t("mail_templates.reset", lang), disabled=not edited, icon=":material/restart_alt:"
):
    with Session(engine) as session, session.begin():
        templates.reset_template(session, name, actor=viewer.actor)
    st.session_state.pop(text_key, None)  # show the default again, not what was typed
    st.session_state["template_outcome"] = t("mail_templates.was_reset", lang)
    st.rerun()

st.subheader(t("mail_templates.preview", lang))
st.caption(t("mail_templates.preview_help", lang))
try:
    preview = templates.preview_template(text, name=name)
except templates.TemplateRefused as exc:
    st.error(ui.escape_markdown(exc), icon=":material/error:")
else:
    st.text(t("mail_templates.subject", lang, subject=preview.subject))
    st.text(preview.body)
