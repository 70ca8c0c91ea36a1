"""train, classify and evaluate on the command line, run as a real process."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from feedback_analytics.classify.embeddings import available
from tests.classify.test_recipe import BILLING, WIFI
from tests.test_cli import cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_seed_demo_comes_with_an_active_model_and_categorised_records(db: Path) -> None:
    seeded = cli("seed-demo", "--records", "300", db=db)
    assert seeded.returncode == 0, seeded.stderr
    assert "Trained model" in seeded.stderr
    done = cli("classify", "--json", db=db)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model_version"].startswith("m")
    assert result["threshold"] == 0.5
    assert result["classified"] + result["to_review"] > 0


def test_train_json_then_classify(db: Path) -> None:
    assert cli("seed-demo", "--records", "300", "--no-train", db=db).returncode == 0
    none = cli("classify", "--json", db=db)
    assert none.returncode == 1
    assert "No active model: train one first" in none.stderr
    trained = cli("train", "--json", db=db)
    assert trained.returncode == 0, trained.stderr
    result = json.loads(trained.stdout)
    assert result["active"] is True
    assert result["n_labels"] == 10
    assert 0 < result["accuracy"] <= 1
    assert result["classify"]["model_version"] == result["version"]
    kept = cli("train", "--no-activate", "--json", db=db)
    assert json.loads(kept.stdout)["active"] is False
    assert "the active model is unchanged" in kept.stderr


def test_train_without_labels_says_what_is_missing(db: Path) -> None:
    assert cli("init-db", db=db).returncode == 0
    done = cli("train", db=db)
    assert done.returncode == 2
    assert "at least 2 categories" in done.stderr
    assert "Traceback" not in done.stderr


def _labelled_csv(path: Path, texts: list[str], labels: list[str], **names: str) -> Path:
    pd.DataFrame({names.get("text", "text"): texts, names.get("label", "category"): labels}).to_csv(
        path, index=False
    )
    return path


def test_evaluate_trains_on_one_file_and_scores_the_other(tmp_path: Path, db: Path) -> None:
    train = _labelled_csv(tmp_path / "train.csv", WIFI + BILLING, ["wifi"] * 6 + ["billing"] * 6)
    test = _labelled_csv(
        tmp_path / "test.csv",
        ["mat ket noi wifi", "hoa don sai tien", "wifi signal weak"],
        ["wifi", "billing", "wifi"],
    )
    done = cli("evaluate", "--train", str(train), "--test", str(test), "--json", db=db)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert {
        "accuracy",
        "macro_f1",
        "weighted_f1",
        "fit_seconds",
        "predict_per_second",
        "n_train",
        "n_test",
        "n_labels",
        "backend",
    } <= set(figures)
    assert (figures["n_train"], figures["n_test"], figures["n_labels"]) == (12, 3, 2)
    assert figures["accuracy"] == 1.0
    # The default backend is "auto": the embedding block where `make extras` installed it.
    assert figures["backend"] == ("scikit-learn+minilm" if available() else "scikit-learn")


def test_evaluate_names_a_missing_column(tmp_path: Path, db: Path) -> None:
    train = _labelled_csv(tmp_path / "train.csv", WIFI, ["wifi"] * 6, label="intent")
    done = cli("evaluate", "--train", str(train), "--test", str(train), db=db)
    assert done.returncode == 2
    assert "no column 'category'" in done.stderr
    assert "--label-column" in done.stderr
    other = cli(
        "evaluate", "--train", str(train), "--test", str(train), "--label-column", "intent", db=db
    )
    assert other.returncode == 2
    assert "at least 2 categories" in other.stderr


def test_an_import_categorises_its_new_records_with_the_active_model(
    tmp_path: Path, db: Path
) -> None:
    assert cli("seed-demo", "--records", "300", db=db).returncode == 0
    upload = tmp_path / "new.csv"
    upload.write_text(
        "external_id,channel,received_at,current_feature\n"
        "N-1,email,2026-10-01 09:00,VPN rớt kết nối liên tục khi làm việc từ xa\n"
        "N-2,hotline,2026-10-01 10:00,Hóa đơn tháng này bị tính sai tiền\n",
        encoding="utf-8",
    )
    done = cli("import", str(upload), db=db)
    assert done.returncode == 0, done.stderr
    assert "with model m" in done.stderr and "await review" in done.stderr

    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT predicted_category, predicted_by FROM feedback "
            "WHERE external_id IN ('N-1', 'N-2') ORDER BY external_id"
        ).fetchall()
    assert [r[0] for r in rows] == ["VPN connectivity", "Billing & invoices"]
    assert all(r[1] for r in rows)

    # The customer's text is corrected: the old prediction no longer describes it.
    upload.write_text(
        "external_id,channel,received_at,current_feature\n"
        "N-1,email,2026-10-01 09:00,Hóa đơn tháng này bị tính sai tiền hai lần\n",
        encoding="utf-8",
    )
    again = cli("import", str(upload), db=db)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db) as connection:
        (predicted,) = connection.execute(
            "SELECT predicted_category FROM feedback WHERE external_id = 'N-1'"
        ).fetchone()
    assert predicted == "Billing & invoices"


def test_an_unusable_model_leaves_new_records_uncategorised_and_the_import_stands(
    tmp_path: Path, db: Path
) -> None:
    assert cli("seed-demo", "--records", "300", db=db).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE classifier_models SET blob = X'00'")
    upload = tmp_path / "new.csv"
    upload.write_text(
        "external_id,channel,received_at,current_feature\nN-1,email,2026-10-01 09:00,VPN\n",
        encoding="utf-8",
    )
    done = cli("import", str(upload), db=db)
    assert done.returncode == 0, done.stderr
    assert "imported but not categorised" in done.stderr
    assert "not a readable skops file" in done.stderr
    classify = cli("classify", db=db)
    assert classify.returncode == 2
    assert "Traceback" not in classify.stderr
