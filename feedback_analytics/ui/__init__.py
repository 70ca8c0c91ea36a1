"""The only package code that imports streamlit: engine, cached queries, shared widgets.

The Import page's steps live in `feedback_analytics.ui.importing`.
"""

from feedback_analytics.ui.data import (
    DATABASE_LOST,
    StoreFacts,
    clear_cached_data,
    forget_policy,
    get_engine,
    policy,
    recent_batches,
    records,
    settings,
    show_database_lost,
    store_facts,
    store_summary,
)
from feedback_analytics.ui.language import current_language, language_switch
from feedback_analytics.ui.mailbox import mailbox_reading
from feedback_analytics.ui.navigation import (
    PAGES,
    PageSpec,
    build_navigation,
    page_directory,
    page_menu,
    run_page,
)
from feedback_analytics.ui.session import (
    account_box,
    current_viewer,
    require_viewer,
    signed_in_viewer,
)
from feedback_analytics.ui.tables import column_config, show_raw_table, show_table
from feedback_analytics.ui.text import escape_markdown, escape_values

__all__ = [
    "DATABASE_LOST",
    "PAGES",
    "PageSpec",
    "StoreFacts",
    "account_box",
    "build_navigation",
    "clear_cached_data",
    "column_config",
    "current_language",
    "current_viewer",
    "escape_markdown",
    "escape_values",
    "forget_policy",
    "get_engine",
    "language_switch",
    "mailbox_reading",
    "page_directory",
    "page_menu",
    "policy",
    "recent_batches",
    "records",
    "require_viewer",
    "run_page",
    "settings",
    "show_database_lost",
    "show_raw_table",
    "show_table",
    "signed_in_viewer",
    "store_facts",
    "store_summary",
]
