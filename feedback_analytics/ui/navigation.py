"""The pages of the app: one list that st.navigation and the Home page both read."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from feedback_analytics.access import may_open
from feedback_analytics.i18n import t


@dataclass(frozen=True)
class PageSpec:
    """A page file, its address, its title and description keys in the catalogue, its icon."""

    path: str
    url_path: str
    title_key: str
    about_key: str
    icon: str
    default: bool = False


# A new page is one file under views/ and one entry here (with its texts in i18n.CATALOGUE).
# The folder is not called pages/: next to app.py, a pages/ folder puts Streamlit in its older
# pages-folder mode for a server's first run, and a shared link such as /monthly?month=2026-10
# then opens with "Page not found". Should one come back, a url_path must also differ from
# every file name in it: Streamlit would map pages/x.py to
# /x for its older pages-folder mode (the first run of a server, every AppTest run), and a
# match there runs the page without app.py, so without the language switch and navigation.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/home.py", "", "nav.home", "about.home", ":material/home:", default=True),
    PageSpec(
        "views/overview.py", "monthly", "nav.overview", "about.overview", ":material/monitoring:"
    ),
    PageSpec("views/intake.py", "intake", "nav.intake", "about.intake", ":material/inbox:"),
    PageSpec(
        "views/processing.py", "sla", "nav.processing", "about.processing", ":material/timer:"
    ),
    PageSpec(
        "views/satisfaction.py",
        "satisfaction",
        "nav.satisfaction",
        "about.satisfaction",
        ":material/sentiment_satisfied:",
    ),
    PageSpec(
        "views/categories.py",
        "categories",
        "nav.categories",
        "about.categories",
        ":material/category:",
    ),
    PageSpec("views/review.py", "review", "nav.review", "about.review", ":material/rule:"),
    PageSpec(
        "views/model.py", "classifier", "nav.model", "about.model", ":material/model_training:"
    ),
    PageSpec(
        "views/import_data.py", "import", "nav.import", "about.import", ":material/upload_file:"
    ),
    PageSpec("views/new_feedback.py", "new", "nav.new", "about.new", ":material/add_comment:"),
    PageSpec("views/survey.py", "survey", "nav.survey", "about.survey", ":material/reviews:"),
    PageSpec("views/record.py", "record", "nav.record", "about.record", ":material/article:"),
    PageSpec(
        "views/sla_settings.py",
        "sla-settings",
        "nav.sla_settings",
        "about.sla_settings",
        ":material/tune:",
    ),
    PageSpec("views/users.py", "users", "nav.users", "about.users", ":material/group:"),
    PageSpec("views/audit.py", "audit", "nav.audit", "about.audit", ":material/policy:"),
)


def build_navigation(lang: str) -> StreamlitPage:
    """Return the page the address asks for, among every page of PAGES (titles in `lang`).

    Every page is registered, before sign-in too, so that a shared link to any page still
    opens that page once the person has signed in; `run_page` decides whether it runs.
    """
    return st.navigation(
        [
            st.Page(
                spec.path,
                title=t(spec.title_key, lang),
                icon=spec.icon,
                url_path=spec.url_path,
                default=spec.default,
            )
            for spec in PAGES
        ],
        position="hidden",
    )


def page_menu(lang: str, role: str) -> None:
    """List in the sidebar the pages `role` may open."""
    with st.sidebar:
        for spec in PAGES:
            if may_open(role, spec.url_path):
                st.page_link(spec.path, label=t(spec.title_key, lang), icon=spec.icon)


def run_page(page: StreamlitPage, lang: str, role: str) -> None:
    """Run `page` when `role` may open it; otherwise say so, and why."""
    if not may_open(role, page.url_path):
        st.error(t("access.refused", lang, role=t(f"role.{role}", lang)), icon=":material/block:")
        st.stop()
    page.run()


def page_directory(lang: str, role: str) -> None:
    """Render a link to every page `role` may open, with what it is for."""
    for spec in PAGES:
        if not may_open(role, spec.url_path):
            continue
        st.page_link(spec.path, label=t(spec.title_key, lang), icon=spec.icon)
        st.caption(t(spec.about_key, lang))
