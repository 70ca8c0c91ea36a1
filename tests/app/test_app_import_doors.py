"""One import, whichever door it comes through: the Import page and the command line each leave
the import audited, what it brought categorised when a model is active (and only then) and the
dashboard's kept snapshot current; a failing import leaves nothing. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import new_app, seed_demo, upload
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from feedback_analytics.classify import service
from feedback_analytics.config import get_settings
from feedback_analytics.db import Feedback, ImportBatch
from feedback_analytics.facts import FactsSnapshot
from tests.ingest.helpers import (
    AUDIT_REFUSED,
    csv_bytes,
    import_events,
    predicted_by,
    refusing_audit,
    row,
)
from tests.resilience.helpers import database_env
from tests.test_cli import cli

pytestmark = pytest.mark.usefixtures("fresh_caches")

DOORS = ("page", "cli")
SEEDED = 200


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The store the app and the command line use (FEEDBACK_DB_URL), on each database."""
    if request.param == "sqlite":
        return request.getfixturevalue("store_engine")
    engine: Engine = request.getfixturevalue("pg_engine")
    monkeypatch.setenv("FEEDBACK_DB_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    return engine


def import_page(name: str, data: bytes) -> AppTest:
    """Return the Import page signed in as an administrator, with the file uploaded and checked."""
    at = new_app("admin").run()
    at.switch_page("views/import.py").run()
    return upload(at, name, data)


def import_through(door: str, engine: Engine, path: Path) -> None:
    """Import the file at `path` as a person would through `door`."""
    if door == "cli":
        done = cli("import", str(path), db=path.with_suffix(".unused"), env=database_env(engine))
        assert done.returncode == 0, done.stderr
        return
    at = import_page(path.name, path.read_bytes())
    at.button(key="import_run").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Import finished."


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("door", DOORS)
def test_either_door_audits_categorises_when_a_model_is_active_and_keeps_the_snapshot_current(
    door: str, app_store: Engine, tmp_path: Path
) -> None:
    seed_demo(app_store, SEEDED)
    snapshot = FactsSnapshot(app_store, Path(get_settings().cache_dir))
    snapshot.load()  # the dashboard keeps one
    first = tmp_path / "first.csv"
    first.write_bytes(csv_bytes([row(external_id="N-1")]))

    import_through(door, app_store, first)

    [(actor, details)] = import_events(app_store)
    # The person signed in to the page; the operating system's user on the command line.
    assert actor.startswith("cli:") if door == "cli" else actor == "admin@example.test"
    assert (details["file"], details["kind"], details["inserted"]) == ("first.csv", "records", 1)
    assert predicted_by(app_store, "N-1") == [None], "no model is active"
    current = snapshot.load_if_current()
    assert current is not None and len(current) == SEEDED + 1

    model = service.train_model(app_store, created_by="test", activate=True, max_records=120)
    second = tmp_path / "second.csv"
    second.write_bytes(csv_bytes([row(external_id="N-2")]))

    import_through(door, app_store, second)

    assert [d["file"] for _, d in import_events(app_store)] == ["first.csv", "second.csv"]
    assert predicted_by(app_store, "N-1", "N-2") == [model.version] * 2
    current = snapshot.load_if_current()
    assert current is not None and len(current) == SEEDED + 2


@pytest.mark.parametrize("door", DOORS)
def test_an_import_whose_audit_event_fails_leaves_nothing_through_either_door(
    door: str, app_store: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "refused.csv"
    path.write_bytes(csv_bytes([row(external_id="R-1"), row(external_id="R-2")]))
    if door == "cli":
        with refusing_audit(app_store):
            done = cli("import", str(path), db=tmp_path / "unused.db", env=database_env(app_store))
        assert done.returncode == 2
        assert AUDIT_REFUSED in done.stderr and "Traceback" not in done.stderr
    else:
        at = import_page(path.name, path.read_bytes())  # signed in and checked before
        with refusing_audit(app_store):
            at.button(key="import_run").click().run()
        assert not at.exception, at.exception
        assert at.error[0].value == "The import stopped before it finished. Why:"
        assert AUDIT_REFUSED in at.code[0].value
    assert [count(app_store, m) for m in (Feedback, ImportBatch)] == [0, 0]
    assert import_events(app_store) == []
