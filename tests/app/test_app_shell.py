"""The app shell: navigation, the language switch and a database that cannot be opened."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import ROOT, new_app, texts
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from feedback_analytics.config import get_settings
from feedback_analytics.ui import PAGES


@pytest.mark.parametrize("page", [spec.path for spec in PAGES])
def test_every_page_runs(app: AppTest, page: str) -> None:
    app.switch_page(page).run()
    assert not app.exception
    assert app.title, f"{page} shows no title"


def test_home_is_the_default_page(app: AppTest) -> None:
    assert app.title[0].value == "Feedback Analytics"


def test_language_switch_changes_the_text_and_the_query(app: AppTest) -> None:
    app.radio(key="lang").set_value("vi").run()
    assert not app.exception
    assert app.title[0].value == "Phân tích phản hồi khách hàng"
    assert "Dữ liệu trong kho" in texts(app)
    assert app.query_params["lang"] == "vi"

    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "Feedback Analytics"
    assert app.query_params["lang"] == "en"


def test_language_stays_when_the_page_changes(app: AppTest) -> None:
    app.radio(key="lang").set_value("vi").run()
    app.switch_page("views/import.py").run()
    assert not app.exception
    assert app.title[0].value == "Nhập dữ liệu phản hồi"
    assert app.radio(key="lang").value == "vi"


@pytest.mark.parametrize(
    ("query", "locale", "title"),
    [
        ({"lang": "vi"}, None, "Phân tích phản hồi khách hàng"),
        ({"lang": "en"}, "vi-VN", "Feedback Analytics"),
        ({}, "vi-VN", "Phân tích phản hồi khách hàng"),
        ({}, "en-US", "Feedback Analytics"),
        ({"lang": "xx"}, None, "Feedback Analytics"),
    ],
)
def test_first_language_comes_from_the_link_then_the_browser(
    query: dict[str, str], locale: str | None, title: str
) -> None:
    at = new_app()
    at.query_params.update(query)
    at.context["locale"] = locale
    at.run()
    assert not at.exception
    assert at.title[0].value == title


def test_an_unusable_database_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("this is not SQLite\n" * 100)
    monkeypatch.setenv("FEEDBACK_DB_URL", f"sqlite:///{not_a_database}")
    get_settings.cache_clear()
    at = new_app(role=None).run()
    assert not at.exception
    assert at.error[0].value == "The dashboard cannot use its database."
    assert "Cannot open the database" in at.code[0].value
    assert "notes.db" in at.code[0].value


def _imports_streamlit(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "streamlit" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            return True
    return False


def test_only_the_ui_package_imports_streamlit() -> None:
    package = ROOT / "feedback_analytics"
    offenders = [
        str(path.relative_to(ROOT))
        for path in package.rglob("*.py")
        if package / "ui" not in path.parents and _imports_streamlit(path)
    ]
    assert offenders == []


def _imported_modules(path: Path) -> set[str]:
    """Return the top-level modules a file imports, leaving out what it imports only for type
    annotations (under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add((node.module or "").split(".")[0])
    return names


@pytest.mark.parametrize(
    ("folder", "what"),
    [
        ("views", "a page"),
        ("feedback_analytics/ui", "the ui package"),
    ],
)
def test_no_page_and_no_ui_module_builds_a_figure(folder: str, what: str) -> None:
    # The figures are built in feedback_analytics.charts, testable without a browser; a page
    # or a ui helper hands them to st.plotly_chart.
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "plotly" in _imported_modules(path)
    ]
    assert offenders == [], f"{what} imports plotly"


def test_the_import_check_sees_plotly_but_not_a_type_only_import(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("import plotly.express as px\n", encoding="utf-8")
    assert "plotly" in _imported_modules(page)
    page.write_text("from plotly import graph_objects as go\n", encoding="utf-8")
    assert "plotly" in _imported_modules(page)
    page.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import plotly.graph_objects\n",
        encoding="utf-8",
    )
    assert "plotly" not in _imported_modules(page)


def test_there_is_no_pages_folder_and_every_page_file_exists() -> None:
    # A pages/ folder would put Streamlit in its pages-folder mode on a server's first run:
    # a shared link to a page would open with "Page not found".
    assert not (ROOT / "pages").exists()
    assert all((ROOT / spec.path).is_file() for spec in PAGES)


def test_a_widget_on_a_page_keeps_the_shell(app: AppTest) -> None:
    app.radio(key="lang").set_value("vi").run()
    app.run()
    assert app.title[0].value == "Phân tích phản hồi khách hàng"
    assert app.radio(key="lang").value == "vi"


@pytest.fixture
def own_pg_database(pg_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A PostgreSQL database of this test only (it is cut off), and the server's admin engine."""
    admin = create_engine(
        make_url(pg_database_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    name = f"feedback_lost_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name, admin
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_a_database_lost_while_the_app_runs_is_a_message_and_it_comes_back(
    own_pg_database: tuple[str, Engine], pg_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, admin = own_pg_database
    monkeypatch.setenv("FEEDBACK_DB_URL", str(make_url(pg_database_url).set(database=name)))
    get_settings.cache_clear()
    at = new_app("manager").run()
    at.switch_page("views/monthly.py").run()
    assert not at.exception and not at.error

    # The server stops taking connections to it and drops those it had (as a restart does).
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The dashboard cannot use its database."]
    assert f"Cannot open the database at postgresql+psycopg://postgres@127.0.0.1:5432/{name}" in (
        at.code[0].value
    )
    assert "Fix: check that the server is running" in at.code[0].value
    assert "the next click tries again" in at.caption[0].value

    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Monthly overview"


def _download_data_arguments(source: str) -> list[ast.expr]:
    """Return the `data` argument of every st.download_button call in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "download_button"
        ):
            found += [k.value for k in node.keywords if k.arg == "data"]
            found += node.args[1:2]
    return found


def _deferred(argument: ast.expr, source: str) -> bool:
    """Return whether a download's data is a function: a lambda, a partial or a def."""
    if isinstance(argument, ast.Lambda):
        return True
    if isinstance(argument, ast.Call):
        return ast.unparse(argument.func).endswith("partial")
    return isinstance(argument, ast.Name) and f"def {argument.id}(" in source


def test_every_download_is_made_when_its_button_is_pressed() -> None:
    # A function, not the file's bytes: Streamlit then serves the file once, from an address
    # its media cleanup forgets after the next runs, instead of holding it (and its address)
    # for as long as the session shows the button (README, "Download links").
    files = [*(ROOT / "views").glob("*.py"), *(ROOT / "feedback_analytics" / "ui").glob("*.py")]
    seen = 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        for argument in _download_data_arguments(source):
            seen += 1
            assert _deferred(argument, source), f"{path.name}: data={ast.unparse(argument)}"
    assert seen >= 4  # the overview's four and the rejected rows': the checker sees them
