"""The pages of the app: one list that st.navigation and the Home page both read."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from feedback_analytics.access import may_open
from feedback_analytics.i18n import t


@dataclass(frozen=True)
class PageSpec:
    """A page: its address, its icon, whether it is the default one. Its file under views/
    and its title and description keys in the catalogue carry the address's name, so that
    file, address and title agree: /sla-settings is views/sla_settings.py, nav.sla_settings."""

    url_path: str
    icon: str
    default: bool = False

    @property
    def name(self) -> str:
        """Return the page's name: its address with "_" for "-" ("home" for the default)."""
        return self.url_path.replace("-", "_") or "home"

    @property
    def path(self) -> str:
        """Return the page's file, relative to app.py."""
        return f"views/{self.name}.py"

    @property
    def title_key(self) -> str:
        """Return the catalogue key of the page's title."""
        return f"nav.{self.name}"

    @property
    def about_key(self) -> str:
        """Return the catalogue key of what the page is for."""
        return f"about.{self.name}"


# A new page is one file under views/ and one entry here (with its texts in the catalogue).
# The folder is not called pages/: next to app.py, a pages/ folder puts Streamlit in its older
# pages-folder mode for a server's first run, and a shared link such as /monthly?month=2026-10
# then opens with "Page not found". Should one come back, a url_path must also differ from
# every file name in it: Streamlit would map pages/x.py to
# /x for its older pages-folder mode (the first run of a server, every AppTest run), and a
# match there runs the page without app.py, so without the language switch and navigation.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("", ":material/home:", default=True),
    PageSpec("monthly", ":material/monitoring:"),
    PageSpec("intake", ":material/inbox:"),
    PageSpec("sla", ":material/timer:"),
    PageSpec("satisfaction", ":material/sentiment_satisfied:"),
    PageSpec("categories", ":material/category:"),
    PageSpec("review", ":material/rule:"),
    PageSpec("classifier", ":material/model_training:"),
    PageSpec("import", ":material/upload_file:"),
    PageSpec("new", ":material/add_comment:"),
    PageSpec("survey", ":material/reviews:"),
    PageSpec("record", ":material/article:"),
    PageSpec("sla-settings", ":material/tune:"),
    PageSpec("mail-templates", ":material/mail:"),
    PageSpec("users", ":material/group:"),
    PageSpec("audit", ":material/policy:"),
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
