"""processing page (being built)."""

import streamlit as st

from feedback_analytics import ui
from feedback_analytics.i18n import t

lang = ui.current_language()
st.title(t("nav.processing", lang))
