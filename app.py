"""Feedback Analytics: page config, the language switch and the navigation over views/."""

import streamlit as st

from feedback_analytics import ui

st.set_page_config(page_title="Feedback Analytics", page_icon=":material/forum:", layout="wide")
lang = ui.language_switch()
ui.build_navigation(lang).run()
