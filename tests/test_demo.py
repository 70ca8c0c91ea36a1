"""The demo generator: canonical, importable rows with the shape of real feedback."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from typing import Any

import pandas as pd
import pytest

from feedback_analytics.demo import CATEGORIES, generate_demo

END = dt.date(2026, 3, 31)
LOCAL = "Asia/Ho_Chi_Minh"
CANONICAL = [
    "external_id",
    "channel",
    "received_at",
    "customer_name",
    "customer_email",
    "customer_phone",
    "customer_address",
    "product",
    "current_feature",
    "proposal",
    "reason",
    "category",
    "priority",
    "department",
    "assignee",
    "status",
    "acknowledged_at",
    "due_at",
    "resolved_at",
    "responded_at",
    "satisfaction_score",
    "satisfaction_comment",
    "surveyed_at",
]
LATER = ["acknowledged_at", "due_at", "resolved_at", "responded_at", "surveyed_at"]
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
DEMO_DATA = resources.files("feedback_analytics") / "demo_data"
DEMO_DATA_FILES = sorted(f.name for f in DEMO_DATA.iterdir() if f.name.endswith(".json"))


def parse_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the timestamp columns as aware UTC instants (NaT where empty)."""
    return pd.DataFrame(
        {
            c: pd.to_datetime(frame[c].where(frame[c] != ""), format="ISO8601", utc=True)
            for c in ["received_at", *LATER]
        }
    )


def end_of(day: dt.date) -> pd.Timestamp:
    """Return the last second of day in company time."""
    return pd.Timestamp(day + dt.timedelta(days=1), tz=LOCAL) - pd.Timedelta(seconds=1)


def empty_parts(value: Any, where: str = "") -> list[str]:
    """Return where in parsed JSON a list or an object is empty."""
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = ((str(k), v) for k, v in enumerate(value))
    else:
        return []
    found = [] if value else [where or "(top)"]
    for key, child in children:
        found += empty_parts(child, f"{where}/{key}")
    return found


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return generate_demo(5_000, seed=11, end=END)


@pytest.fixture(scope="module")
def times(demo: pd.DataFrame) -> pd.DataFrame:
    return parse_times(demo)


def test_demo_data_files_are_found_beside_the_generator() -> None:
    # Else the parametrized test below would quietly check nothing.
    assert "categories.json" in DEMO_DATA_FILES


@pytest.mark.parametrize("name", DEMO_DATA_FILES)
def test_demo_data_file_parses_and_no_list_is_empty(name: str) -> None:
    raw = (DEMO_DATA / name).read_bytes()
    assert len(raw) < 1_000_000
    assert empty_parts(json.loads(raw.decode("utf-8"))) == []


def test_every_category_has_its_fragments() -> None:
    fragments = json.loads((DEMO_DATA / "category_fragments.json").read_text(encoding="utf-8"))
    assert sorted(fragments) == sorted(CATEGORIES)
    kinds = {"problem", "detail", "proposal", "reason"}
    assert all(set(texts) == kinds for texts in fragments.values())


def test_same_seed_gives_the_same_frame() -> None:
    first = generate_demo(2_000, seed=5, end=END)
    pd.testing.assert_frame_equal(first, generate_demo(2_000, seed=5, end=END))


@pytest.mark.parametrize(
    ("other", "why"),
    [
        ({"seed": 6, "end": END}, "another seed"),
        ({"seed": 5, "end": dt.date(2026, 4, 30)}, "another end"),
    ],
)
def test_other_inputs_give_another_frame(other: dict, why: str) -> None:
    first = generate_demo(2_000, seed=5, end=END)
    assert not first.equals(generate_demo(2_000, **other)), why


def test_columns_are_the_canonical_ones_and_every_cell_is_text(demo: pd.DataFrame) -> None:
    assert list(demo.columns) == CANONICAL
    assert len(demo) == 5_000
    assert all(isinstance(v, str) for v in demo.to_numpy().ravel())


def test_no_records_gives_an_empty_frame_with_the_columns() -> None:
    empty = generate_demo(0, seed=1, end=END)
    assert list(empty.columns) == CANONICAL
    assert empty.empty


def test_negative_record_count_is_refused() -> None:
    with pytest.raises(ValueError, match="records"):
        generate_demo(-1, seed=1, end=END)


@pytest.mark.parametrize("column", ["external_id", "channel", "received_at", "current_feature"])
def test_required_fields_are_always_filled(demo: pd.DataFrame, column: str) -> None:
    assert (demo[column] != "").all()


@pytest.mark.parametrize(
    ("column", "allowed"),
    [
        ("channel", {"email", "hotline", "web_form"}),
        ("priority", {"urgent", "high", "normal", "low"}),
        ("status", {"", "in_progress"}),
        ("satisfaction_score", {"", "1", "2", "3", "4", "5"}),
    ],
)
def test_coded_values_are_canonical(demo: pd.DataFrame, column: str, allowed: set[str]) -> None:
    assert set(demo[column]) <= allowed


@pytest.mark.parametrize(
    ("end", "seed"),
    [(END, 11), (dt.date(2028, 2, 29), 3), (dt.date(2025, 1, 31), 8)],
)
def test_timestamps_carry_the_company_offset_and_stay_in_the_window(
    end: dt.date, seed: int
) -> None:
    frame = generate_demo(5_000, seed=seed, end=end)
    stamps = frame[["received_at", *LATER]].to_numpy().ravel()
    shown = [s for s in stamps if s]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", s) for s in shown)
    times = parse_times(frame)
    assert times["received_at"].min() >= pd.Timestamp(end, tz=LOCAL) - pd.DateOffset(years=2)
    events = times.drop(columns="due_at")  # a promise may fall due after the end
    assert events.max().max() <= end_of(end)
    assert times["due_at"].max() <= end_of(end) + pd.Timedelta(days=14)


def test_every_acknowledgement_comes_with_a_promised_time(times: pd.DataFrame) -> None:
    assert (times["acknowledged_at"].notna() == times["due_at"].notna()).all()


@pytest.mark.parametrize("column", LATER)
def test_later_timestamps_are_never_before_receipt(times: pd.DataFrame, column: str) -> None:
    stamped = times[column].notna()
    assert stamped.any()
    assert (times.loc[stamped, column] >= times.loc[stamped, "received_at"]).all()


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("acknowledged_at", "due_at"),
        ("acknowledged_at", "resolved_at"),
        ("resolved_at", "responded_at"),
        ("resolved_at", "surveyed_at"),
        ("responded_at", "surveyed_at"),
    ],
)
def test_the_life_of_a_record_runs_in_order(times: pd.DataFrame, earlier: str, later: str) -> None:
    both = times[earlier].notna() & times[later].notna()
    assert both.any()
    assert (times.loc[both, later] >= times.loc[both, earlier]).all()


@pytest.mark.parametrize(
    ("step", "prerequisite"),
    [
        ("due_at", "acknowledged_at"),
        ("resolved_at", "acknowledged_at"),
        ("responded_at", "resolved_at"),
        ("surveyed_at", "resolved_at"),
    ],
)
def test_no_step_without_the_one_before(times: pd.DataFrame, step: str, prerequisite: str) -> None:
    assert not (times[step].notna() & times[prerequisite].isna()).any()


def test_every_score_has_a_survey_time_and_comments_come_with_scores(demo: pd.DataFrame) -> None:
    scored = demo["satisfaction_score"] != ""
    assert scored.any()
    assert (demo.loc[scored, "surveyed_at"] != "").all()
    assert (demo.loc[demo["satisfaction_comment"] != "", "satisfaction_score"] != "").all()


def test_explicit_in_progress_only_on_acknowledged_open_records(demo: pd.DataFrame) -> None:
    flagged = demo[demo["status"] == "in_progress"]
    assert len(flagged) > 0
    assert (flagged["acknowledged_at"] != "").all()
    assert (flagged["resolved_at"] == "").all()


def test_external_ids_are_unique_per_channel_and_name_it(demo: pd.DataFrame) -> None:
    assert not demo.duplicated(["channel", "external_id"]).any()
    prefix = {"email": "EM", "hotline": "HL", "web_form": "WF"}
    for channel, external_id, received in demo[["channel", "external_id", "received_at"]].values:
        assert re.fullmatch(rf"{prefix[channel]}-{received[:4]}-\d{{6}}", external_id)


@pytest.mark.parametrize(
    ("column", "value", "low", "high"),
    [
        ("channel", "email", 0.35, 0.45),
        ("channel", "hotline", 0.30, 0.40),
        ("channel", "web_form", 0.20, 0.30),
        ("priority", "urgent", 0.03, 0.08),
        ("priority", "high", 0.16, 0.24),
        ("priority", "normal", 0.54, 0.66),
        ("priority", "low", 0.11, 0.19),
        ("category", "", 0.10, 0.20),
    ],
)
def test_value_shares(demo: pd.DataFrame, column: str, value: str, low: float, high: float) -> None:
    assert low <= (demo[column] == value).mean() <= high


def test_about_ten_human_readable_categories(demo: pd.DataFrame) -> None:
    labels = set(demo["category"]) - {""}
    assert 8 <= len(labels) <= 12
    assert all(re.fullmatch(r"[A-Z][\w &/-]+", label) for label in labels)


def test_department_follows_category_and_assignee_follows_department(demo: pd.DataFrame) -> None:
    routed = demo[(demo["category"] != "") & (demo["department"] != "")]
    main_share = routed.groupby("category")["department"].agg(
        lambda d: d.value_counts(normalize=True).iloc[0]
    )
    assert (main_share > 0.8).all()
    staffed = demo[demo["assignee"] != ""]
    assert (staffed.groupby("assignee")["department"].nunique() == 1).all()
    assert (staffed["department"] != "").all()


def test_scores_are_sent_for_a_share_of_resolved_records(demo: pd.DataFrame) -> None:
    resolved = demo["resolved_at"] != ""
    scored = demo["satisfaction_score"] != ""
    assert 0.3 <= scored.sum() / resolved.sum() <= 0.5


def test_texts_are_in_vietnamese_and_english_and_not_one_template(demo: pd.DataFrame) -> None:
    text = demo["current_feature"]
    accented = text.str.contains(VIETNAMESE_LETTERS)
    english = text.str.contains(r"\b(?:the|is|we|our|it|can't|doesn't|app)\b", case=False)
    # Vietnamese typed without accents: plain ASCII, yet Vietnamese words.
    unaccented = text.map(str.isascii) & text.str.contains(r"\b(?:khong|ko|dc|bi|cua|duoc)\b")
    assert 0.3 <= accented.mean() <= 0.6
    assert 0.3 <= english.mean() <= 0.7
    assert 0.05 <= unaccented.mean() <= 0.3
    assert text.nunique() / len(text) > 0.5
    assert demo["proposal"].nunique() > 500
    assert demo["reason"].nunique() > 300


def test_texts_mention_products_and_words_of_their_category(demo: pd.DataFrame) -> None:
    pairs = zip(demo["product"], demo["current_feature"], strict=True)
    mentions = [bool(product) and product in text for product, text in pairs]
    assert sum(mentions) / len(demo) > 0.05
    wifi = demo["category"] == "Wi-Fi coverage & roaming"
    says_wifi = demo["current_feature"].str.contains(
        r"Wi-Fi|AP\b|access point|sóng|song", case=False
    )
    assert says_wifi[wifi].mean() > 3 * says_wifi[~wifi & (demo["category"] != "")].mean()


def test_contact_details_look_vietnamese_and_some_are_missing(demo: pd.DataFrame) -> None:
    phones = demo.loc[demo["customer_phone"] != "", "customer_phone"]
    assert phones.str.fullmatch(r"(0|\+84 ?)[35789]\d{1,2}( ?\d{3}){2}\d?|0\d{9}|\+84\d{9}").all()
    assert phones.str.replace(r"\D", "", regex=True).str[-9:].str.len().eq(9).all()
    emails = demo.loc[demo["customer_email"] != "", "customer_email"]
    assert emails.str.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+").all()
    names = demo.loc[demo["customer_name"] != "", "customer_name"]
    assert names.str.contains(VIETNAMESE_LETTERS).mean() > 0.5
    for column in ["customer_name", "customer_email", "customer_phone", "customer_address"]:
        assert 0 < (demo[column] == "").mean() < 0.6, column
    assert (demo.loc[demo["channel"] == "email", "customer_email"] != "").all()


def test_a_few_customers_type_their_own_phone_or_email_into_the_reason(
    demo: pd.DataFrame,
) -> None:
    rows = demo[["customer_phone", "customer_email", "reason"]].values
    by_phone = pd.Series([bool(phone) and phone in reason for phone, _, reason in rows])
    by_email = pd.Series([bool(email) and email in reason for _, email, reason in rows])
    assert by_phone.any() and by_email.any()
    assert 0.015 <= (by_phone | by_email).mean() <= 0.05


def test_volume_grows_with_weekday_peaks(times: pd.DataFrame) -> None:
    local = times["received_at"].dt.tz_convert(LOCAL)
    first = local < pd.Timestamp(END, tz=LOCAL) - pd.DateOffset(months=18)
    last = local >= pd.Timestamp(END, tz=LOCAL) - pd.DateOffset(months=6)
    assert last.sum() > 1.3 * first.sum()
    per_day = local.dt.day_of_week.value_counts()
    assert per_day[[0, 1, 2, 3, 4]].min() > per_day[[5, 6]].max()
    office = local.dt.hour.between(8, 17)
    assert office.mean() > 0.6


def test_acknowledgement_breaches_and_channel_speed(
    demo: pd.DataFrame, times: pd.DataFrame
) -> None:
    hours = (times["acknowledged_at"] - times["received_at"]).dt.total_seconds() / 3600
    acknowledged = hours.notna()
    breached = (hours[acknowledged] > 48).mean()
    assert 0.03 <= breached <= 0.20
    median = hours.groupby(demo["channel"]).median()
    assert median["hotline"] < median["email"]


def test_most_resolutions_meet_the_promise(times: pd.DataFrame) -> None:
    both = times["resolved_at"].notna() & times["due_at"].notna()
    on_time = (times.loc[both, "resolved_at"] <= times.loc[both, "due_at"]).mean()
    assert 0.75 <= on_time <= 0.92


def test_late_resolutions_score_lower(demo: pd.DataFrame, times: pd.DataFrame) -> None:
    scored = demo["satisfaction_score"] != ""
    score = demo.loc[scored, "satisfaction_score"].astype(int)
    late = (times["resolved_at"] > times["due_at"])[scored]
    assert late.any() and (~late).any()
    assert score[late].mean() < score[~late].mean() - 0.5


def test_recent_records_are_more_often_still_open(times: pd.DataFrame) -> None:
    age = pd.Timestamp(END + dt.timedelta(days=1), tz=LOCAL) - times["received_at"]
    open_ = times["resolved_at"].isna()
    assert open_[age < pd.Timedelta(days=7)].mean() > 3 * open_[age > pd.Timedelta(days=60)].mean()
    unacknowledged = times["acknowledged_at"].isna()
    assert unacknowledged[age < pd.Timedelta(days=1)].mean() > 0.2
