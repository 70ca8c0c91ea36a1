"""Feedback Analytics: page config, the language switch, sign-in, and the navigation over views/."""

import streamlit as st

from feedback_analytics import privacy, ui


def main() -> None:
    """Run one rerun of the app: sign-in first, then the page the address asks for."""
    # Customers' phone numbers and e-mail addresses never reach a log (Streamlit's included).
    privacy.install_log_redaction("streamlit")
    st.set_page_config(page_title="Feedback Analytics", page_icon=":material/forum:", layout="wide")
    lang = ui.language_switch()
    page = ui.build_navigation(lang)
    try:
        viewer = ui.signed_in_viewer(lang)
        ui.page_menu(lang, viewer.role)
        ui.account_box(viewer, lang)
        ui.run_page(page, lang, viewer.role)
    except ui.DATABASE_LOST as exc:
        # The database went away after the app started: say so instead of a traceback.
        ui.show_database_lost(exc)


# Streamlit runs this file as __main__. A reader process that an import spawns re-runs it as
# __mp_main__ (Streamlit makes the script the main module), where nothing must happen.
if __name__ == "__main__":
    main()
