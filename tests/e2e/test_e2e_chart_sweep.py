"""Every click on every chart, in a real browser: each role signs in once, opens every page it
may open, in English and then in Vietnamese, and clicks every bar, point and heatmap cell of
every chart (plotly's own click, as Streamlit wires it), every tab, segmented control and
pill, and every button that changes no data. After each click the page shows no exception
and no error, and the records listed are those of what was clicked: the title names the
point, and the count is the point's own where the chart draws one.

One server and one sign-in per role serve the whole sweep; a screenshot is taken only when it
fails. Run with `-s` to see the number of clicks and the time it took.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from feedback_analytics import charts
from feedback_analytics.access import ROLES, may_open
from feedback_analytics.i18n import format_number, t
from feedback_analytics.kpis import KPI_BY_KEY
from feedback_analytics.ui.navigation import PAGES, PageSpec
from feedback_analytics.ui.operations import RECORDS_SHOWN
from feedback_analytics.ui.overview import _PROMISE_COHORTS
from tests.e2e.conftest import sign_in
from tests.e2e.test_e2e_overview import cli

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60_000
STILL_MS = 250  # how long the page stays unchanged before the sweep clicks again
# The charts that list records when clicked, by key (a trailing "_" for a family: trend_csat).
CLICKABLE = (
    "intake_volume",
    "intake_heatmap",
    "score_bars",
    "csat_trend",
    "compliance_trend",
    "category_trend",
    "category_bars",
    "trend_",
    "breakdown_",
)
# The charts drawn to be read, not clicked: the processing times' boxes, the confusion matrix.
STATIC = ("box_", "confusion")
# The month pickers of the operations pages: the sweep takes the shortest span they offer.
MONTH_SLIDERS = ("intake_months", "satisfaction_months", "processing_months", "months")

# Each chart's points as plotly drew them: its trace, the point's index, its data, its size.
POINTS_JS = """(key) => {
  const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!plot) return [];
  const found = [];
  plot.querySelectorAll('g.trace').forEach((group) => {
    const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
    if (!trace) return;
    group.querySelectorAll('.point').forEach((point) => {
      const d = point.__data__;
      if (!d || d.i === undefined) return;
      const box = point.getBoundingClientRect();
      found.push({
        trace: trace.index, type: trace.type, i: d.i, y: d.y, size: d.s,
        customdata: trace.customdata ? trace.customdata[d.i] : null,
        width: box.width, height: box.height,
      });
    });
  });
  return found;
}"""
# Bring one point into view and return where it is drawn.
LOCATE_JS = """([key, traceIndex, pointIndex]) => {
  const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  for (const group of plot.querySelectorAll('g.trace')) {
    const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
    if (!trace || trace.index !== traceIndex) continue;
    for (const point of group.querySelectorAll('.point')) {
      if (!point.__data__ || point.__data__.i !== pointIndex) continue;
      point.scrollIntoView({block: 'center', inline: 'center'});
      const box = point.getBoundingClientRect();
      return {x: box.x + box.width / 2, y: box.y + box.height / 2};
    }
  }
  return null;
}"""
# The keys of the charts on the page (their containers' st-key-* classes).
CHART_KEYS_JS = """() => Array.from(
    document.querySelectorAll('[data-testid="stMain"] .stPlotlyChart'))
  .map((chart) => chart.closest('[class*="st-key-"]'))
  .filter((holder) => holder)
  .map((holder) => Array.from(holder.classList).find((name) => name.startsWith('st-key-')))
  .map((name) => name.slice('st-key-'.length))"""


@dataclass
class Sweep:
    """The browser of one role, and what the sweep counted."""

    page: Page
    role: str
    clicks: int = 0
    runs: int = 0  # runs of the page's script the server has finished
    lang: str = "en"
    where: str = ""
    clicked_again: int = 0  # clicks plotly let pass (as the chart was drawn again), repeated
    covered: int = 0  # points whose records were listed
    hidden: int = 0  # points lying under another, which only that other one's click reaches


def main(page: Page) -> Any:
    return page.get_by_test_id("stMain")


# Notes when the page last changed, for the sweep to wait until the charts are drawn.
WATCH_CHANGES_JS = """
window.sweepChanged = performance.now();
new MutationObserver(() => { window.sweepChanged = performance.now(); }).observe(document, {
  attributes: true, childList: true, subtree: true, characterData: true,
});
"""


def count_runs(sweep: Sweep) -> None:
    """Count the runs of the page's script the server reports finished (script_finished), so
    that the sweep knows a click was answered, however quick the run."""

    def read(frame: bytes | str) -> None:
        if isinstance(frame, bytes):
            message = ForwardMsg()
            message.ParseFromString(frame)
            if message.WhichOneof("type") == "script_finished":
                sweep.runs += 1

    sweep.page.on("websocket", lambda socket: socket.on("framereceived", read))


def quiet(page: Page) -> None:
    """Wait until the page's run has ended; then it shows no exception and no error."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT
    )
    expect(main(page).locator("[data-stale='true']")).to_have_count(0, timeout=WAIT)
    expect(main(page).get_by_test_id("stSkeleton")).to_have_count(0, timeout=WAIT)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(main(page).get_by_test_id("stAlertContentError")).to_have_count(0)
    # Plotly draws a chart again after the run that changed it; a click while it draws may
    # reach the chart as it was (as for a person who clicks at once).
    page.wait_for_function(f"() => performance.now() - window.sweepChanged > {STILL_MS}")


def as_shown(text: str, *, whole: bool = True) -> re.Pattern[str]:
    """Return `text` as the page shows it: markdown escaping (ui.text.escape_markdown) may put
    an invisible word joiner after a character, so that no link or emoji code forms."""
    pattern = "\u2060?".join(re.escape(letter) for letter in text)
    return re.compile(f"^{pattern}$" if whole else pattern)


def shows(sweep: Sweep, text: str) -> None:
    expect(main(sweep.page).get_by_text(as_shown(text)).first).to_be_visible(timeout=WAIT)


def counted(count: int, lang: str, what: str = "ops.records_count") -> str:
    return t(
        what,
        lang,
        count=format_number(count, lang),
        shown=format_number(min(count, RECORDS_SHOWN), lang),
    )


def drill_shows(sweep: Sweep, cohort: str, *, month: str | None = None) -> None:
    """The Overview's records behind a number show `cohort` (and `month`)."""
    page, lang = sweep.page, sweep.lang
    picked = page.locator(".st-key-records_cohort").get_by_role("combobox")
    expect(picked).to_have_value(t(f"cohort.{cohort}", lang), timeout=WAIT)
    if month is not None:
        drilled = page.locator(".st-key-records_month").get_by_role("combobox")
        expect(drilled).to_have_value(charts.format_month(month, lang, long=True))


def check_point(sweep: Sweep, key: str, point: dict[str, Any]) -> None:
    """After a click on `point` of chart `key`: the records of that point are listed."""
    page, lang = sweep.page, sweep.lang
    data = point["customdata"]
    size = point["size"] if point["type"] == "bar" else point["y"]
    if key == "intake_volume":
        title = data[0][:10]
        if len(data) > 1:
            by = page.locator(".st-key-intake_by").get_by_role("combobox").input_value()
            assert by == t("intake.by_none", lang), "the sweep reads the volume by period only"
        shows(sweep, title)
        shows(sweep, counted(int(size), lang))
    elif key == "intake_heatmap":
        weekday, hour, count = data
        day = t(f"weekday.{weekday}", lang)
        shows(sweep, t("intake.heat_cell", lang, weekday=day, hour=f"{int(hour):02d}"))
        shows(sweep, counted(int(count), lang))
    elif key == "score_bars":
        shows(sweep, t("satisfaction.scored", lang, score=str(data[0])))
        shows(sweep, counted(int(size), lang, "ops.responses_count"))
    elif key == "csat_trend":
        month = charts.format_month(data[0], lang, long=True)
        shows(sweep, t("satisfaction.month_responses", lang, month=month))
        # A point is drawn for a month with responses, so some are listed.
        expect(main(page).get_by_text(counted(0, lang, "ops.responses_count"))).to_have_count(0)
    elif key == "compliance_trend":
        month, line = data
        named = charts.format_month(month, lang, long=True)
        shows(sweep, t(f"processing.behind.{line}", lang, month=named))
    elif key in ("category_trend", "category_bars"):
        month, value = data
        named = charts.value_label("category", value, lang)
        shows(sweep, f"{named} · {charts.format_month(month, lang, long=True)}")
        shows(sweep, counted(int(size), lang))
    elif key.startswith("trend_"):
        kpi = KPI_BY_KEY[key.removeprefix("trend_")]
        drill_shows(sweep, kpi.cohort, month=data)
        if kpi.key == "intake":
            shows(sweep, counted(int(size), lang, "overview.records_count"))
    elif key.startswith("breakdown_"):
        dimension = key.removeprefix("breakdown_")
        label = t(f"dimension.{dimension}", lang) + ": " + charts.value_label(dimension, data, lang)
        clear = page.locator(".st-key-clear button")
        expect(clear).to_have_text(
            as_shown(t("overview.clear_value", lang, value=label), whole=False)
        )
        drill_shows(sweep, "intake")
        kpi = page.locator(".st-key-breakdown_kpi").get_by_role("combobox").input_value()
        if kpi == t("kpi.intake", lang):
            shows(sweep, counted(int(size), lang, "overview.records_count"))
    else:
        raise AssertionError(f"{sweep.where}: no check for chart {key}")


HOVERED_JS = """(key) => {
  const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const hovered = (plot._hoverdata || [])[0];
  return hovered ? [hovered.curveNumber, hovered.pointNumber] : null;
}"""


def click_point(
    sweep: Sweep, key: str, point: dict[str, Any], by_id: dict[tuple[int, int], dict[str, Any]]
) -> tuple[int, int]:
    """Click `point` of chart `key` as a person does: the pointer rests on it until plotly
    labels the point it will pick (another, where two lie on one spot), then clicks; check that
    the records of the point picked are listed. Return the point picked."""
    page = sweep.page
    for _ in (1, 2):
        spot = page.evaluate(LOCATE_JS, [key, point["trace"], point["i"]])
        assert spot is not None, f"{sweep.where}: {key} lost its point {point}"
        page.mouse.move(spot["x"], spot["y"])
        expect(page.locator(f".st-key-{key} .hoverlayer .hovertext").first).to_be_visible()
        hovered = page.evaluate(HOVERED_JS, key)
        assert hovered is not None, f"{sweep.where}: {key} labels no point at {point}"
        picked = by_id[tuple(hovered)]
        # A click plotly lets pass, as Streamlit draws the chart again after the last one,
        # starts no run: it is made again.
        if answered(
            sweep,
            lambda at=spot: page.mouse.click(at["x"], at["y"]),
            f"a click on {key}",
            within=5_000,
        ):
            check_point(sweep, key, picked)
            return (picked["trace"], picked["i"])
        sweep.clicked_again += 1
    raise AssertionError(f"{sweep.where}: two clicks on {key} {point} started no run")


def sweep_chart(sweep: Sweep, key: str) -> None:
    """Click every point of chart `key` that has records, one after another."""
    page = sweep.page
    page.locator(f".st-key-{key}").scroll_into_view_if_needed()
    drawn = page.evaluate(POINTS_JS, key)
    # A bar of 0 has no area to click; the heatmap's cells are clicked on their markers.
    points = [
        p
        for p in drawn
        if p["width"] > 0 and p["height"] > 0 and not (p["type"] == "bar" and not p["size"])
    ]
    if key == "intake_heatmap":
        points = [p for p in points if p["type"] == "scatter"]
    if not drawn:  # a chart of a month without records
        return
    assert points, f"{sweep.where}: chart {key} draws only points without records"
    by_id = {(point["trace"], point["i"]): point for point in drawn}
    reached = {click_point(sweep, key, point, by_id) for point in points}
    if key.startswith("breakdown_"):  # the value a bar chose is cleared again
        clear = page.locator(".st-key-clear button")
        answered(sweep, clear.click, "the clear button")
        expect(clear).to_have_count(0)
    sweep.covered += len(reached)
    sweep.hidden += len({(p["trace"], p["i"]) for p in points} - reached)


def sweep_new_charts(sweep: Sweep, done: set[str]) -> None:
    """Click through every chart on the page not yet swept on this visit."""
    quiet(sweep.page)
    for key in sweep.page.evaluate(CHART_KEYS_JS):
        if key in done:
            continue
        done.add(key)
        if key.startswith(STATIC):
            continue
        assert key.startswith(CLICKABLE), f"{sweep.where}: chart {key} is not in the sweep"
        sweep_chart(sweep, key)


def answered(sweep: Sweep, act: Callable[[], None], what: str, *, within: float = WAIT) -> bool:
    """Do `act` (a click, a key on `what`); wait until the run it starts has ended, for at most
    `within` ms; return whether one ended. Then the page is `quiet`."""
    page = sweep.page
    quiet(page)
    before = sweep.runs
    act()
    sweep.clicks += 1
    deadline = time.monotonic() + within / 1000
    while sweep.runs == before:
        if time.monotonic() > deadline:
            if within >= WAIT:
                raise AssertionError(f"{sweep.where}: {what} started no run")
            quiet(page)
            return False
        page.wait_for_timeout(20)  # Playwright delivers the socket's frames while it waits
    quiet(page)
    return True


def click_and_wait(sweep: Sweep, target: Any, *, reruns: bool = True) -> None:
    """Click `target` and wait for the run it starts (none when not `reruns`) to end."""
    what = f"a click on {target.get_attribute('data-testid')} {target.inner_text()!r}"
    answered(sweep, target.click, what, within=WAIT if reruns else 1_000)


def on(option: Any) -> bool:
    """Return whether a pill or a segmented control's option is chosen."""
    return "true" in (option.get_attribute("aria-pressed"), option.get_attribute("aria-checked"))


def sweep_controls(sweep: Sweep, done: set[str]) -> None:
    """Click every tab, every segmented control's and pill's option, and every button that
    changes no data; sweep any chart they bring."""
    page = sweep.page
    tabs = main(page).get_by_role("tab")
    for index in range(tabs.count()):
        click_and_wait(sweep, tabs.nth(index), reruns=False)
    groups = main(page).get_by_test_id("stButtonGroup")
    for group_index in range(groups.count()):
        options = groups.nth(group_index).locator("button")
        # A segmented control's options are radios (one is chosen), pills' toggle buttons.
        single = options.first.get_attribute("role") == "radio"
        for index in range(options.count()):
            # The option a segmented control holds already starts no run.
            click_and_wait(
                sweep, options.nth(index), reruns=not (single and on(options.nth(index)))
            )
            sweep_new_charts(sweep, done)
    for button in main(page).locator("[class*='st-key-records_'] button").all():
        holder = button.locator("xpath=ancestor::*[contains(@class,'st-key-records_')][1]")
        key = next(
            name.removeprefix("st-key-records_")
            for name in (holder.get_attribute("class") or "").split()
            if name.startswith("st-key-records_")
        )
        if key in ("cohort", "month"):
            continue
        click_and_wait(sweep, button)
        if key.startswith("scorecard_"):
            cohort = _PROMISE_COHORTS[key.removeprefix("scorecard_")]
        else:
            cohort = KPI_BY_KEY[key].cohort
        drill_shows(sweep, cohort)
    themes = main(page).locator(".st-key-find_themes button")
    if themes.count():
        click_and_wait(sweep, themes)


def title_of(spec: PageSpec, lang: str) -> str:
    """Return the title the page `spec` shows (its st.title's key, read from its file)."""
    source = (ROOT / spec.path).read_text(encoding="utf-8")
    found = re.search(r'st\.title\(t\("([^"]+)"', source)
    assert found is not None, f"{spec.path} has no st.title"
    return t(found.group(1), lang)


def visit(sweep: Sweep, spec: PageSpec) -> None:
    """Open the page `spec` from the sidebar and click through everything on it."""
    page, lang = sweep.page, sweep.lang
    sweep.where = f"{sweep.role} · {lang} · /{spec.url_path}"
    link = page.get_by_test_id("stSidebar").get_by_role("link", name=t(spec.title_key, lang))
    answered(sweep, link.click, f"the link to /{spec.url_path}")
    expect(page).to_have_url(re.compile(rf"/{re.escape(spec.url_path)}(\?|$)"), timeout=WAIT)
    heading = main(page).get_by_role("heading", name=title_of(spec, lang), exact=True)
    expect(heading).to_be_visible(timeout=WAIT)
    quiet(page)
    for key in MONTH_SLIDERS:
        slider = main(page).locator(f".st-key-{key} input[type='range']")
        if slider.count():
            slider.focus()
            answered(sweep, lambda slider=slider: slider.press("Home"), f"Home on {key}")
    done: set[str] = set()
    sweep_new_charts(sweep, done)
    sweep_controls(sweep, done)
    quiet(page)


def switch_language(sweep: Sweep, lang: str) -> None:
    page = sweep.page
    switch = page.get_by_test_id("stSidebar").locator(".st-key-lang")
    choice = switch.get_by_text(t(f"language.{lang}", sweep.lang), exact=True)
    answered(sweep, choice.click, f"the language {lang}")
    sweep.lang = lang
    expect(switch.get_by_text(t("app.language", lang), exact=True)).to_be_visible(timeout=WAIT)
    quiet(page)


def seed_recent_months(scratch: Path, *, months: int) -> None:
    """Fill the served store with the last `months` of a demo store (its canonical export), so
    that every chart draws a few months: the sweep clicks each point of every month drawn."""
    demo = scratch / "demo.db"
    env = os.environ | {"FEEDBACK_DB_URL": f"sqlite:///{demo}"}
    for command in (
        ["seed-demo", "--records", "400", "--no-train"],
        ["export", "--out", "all.csv"],
    ):
        subprocess.run(
            [sys.executable, "-m", "feedback_analytics", *command],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
        )
    records = pd.read_csv(scratch / "all.csv", dtype=str, keep_default_na=False)
    received = pd.to_datetime(records["received_at"], utc=True, format="ISO8601")
    since = pd.Timestamp.now(tz="UTC") - pd.DateOffset(months=months)
    recent = scratch / "recent.csv"
    records[received >= since].to_csv(recent, index=False)
    cli("import", str(recent))


@pytest.fixture
def role_pages(chromium: Browser, served_app: str) -> Iterator[Callable[[str], Sweep]]:
    """Open a browser of its own for a role, signed in; screenshot it should the sweep fail."""
    sweeps: list[Sweep] = []

    def open_as(role: str) -> Sweep:
        context = chromium.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.add_init_script(WATCH_CHANGES_JS)
        page.set_default_timeout(WAIT)
        sweep = Sweep(page, role)
        count_runs(sweep)
        page.goto(served_app)
        sign_in(page, role)
        sweeps.append(sweep)
        return sweeps[-1]

    yield open_as
    for sweep in sweeps:
        sweep.page.context.close()


@pytest.mark.e2e
def test_every_click_on_every_page_of_every_role_in_both_languages(
    role_pages: Callable[[str], Sweep], tmp_path: Path
) -> None:
    seed_recent_months(tmp_path, months=3)
    started, clicks = time.monotonic(), 0
    for role in ROLES:
        sweep = role_pages(role)
        try:
            for lang in ("en", "vi"):
                if lang != sweep.lang:
                    switch_language(sweep, lang)
                for spec in PAGES:
                    if may_open(role, spec.url_path):
                        visit(sweep, spec)
        except Exception:
            shot = tmp_path / f"failed-{role}.png"
            sweep.page.screenshot(path=shot, full_page=True)
            print(f"\n{sweep.where}: failed; screenshot {shot}")
            raise
        clicks += sweep.clicks
        print(
            f"\n{role}: {sweep.clicks} clicks; {sweep.covered} chart points listed their "
            f"records, {sweep.hidden} lay under another; {sweep.clicked_again} clicked again"
        )
    print(f"\nsweep: {clicks} clicks in {time.monotonic() - started:.0f} s")
