"""Values a customer, a file or an address could hold that markdown, Streamlit or plotly would
turn into a link, an image, HTML or formatting; and the checks that a page showed them as text.

`markup_in_markdown` reads a markdown source as Streamlit 1.67's renderer does (see
feedback_analytics/ui/text.py): constructs in the source (links, images, HTML, directives,
math), then, with the backslash escapes resolved, what it finds in the parsed text (literal
autolinks, material icons).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import tzinfo
from typing import Any

import pandas as pd

# The e-mail line, and the rest of what a renderer would act on.
PHISH = "[Your session expired - click to sign in](https://evil.example/phish)"
PIXEL = "![x](http://evil.example/pixel.png)"
IMG = "<img src=x onerror=alert(1)>"
ANCHOR = '<a href="https://evil.example/a">a</a>'
COLOUR = ":red[x]"
ICON = ":material/warning:"
LATEX = "$x^2$"
JAVASCRIPT = "[js](javascript:alert(1))"
BARE = "https://evil.example/bare www.evil.example evil@evil.example"
HOSTILE = " ".join([PHISH, PIXEL, IMG, ANCHOR, COLOUR, ICON, LATEX, JAVASCRIPT, BARE])
# For columns of at most 200 characters.
SHORT = f"{PIXEL} {IMG} {COLOUR} {ICON} {LATEX}"

# Found in a markdown source, these would render: a link or an image, an HTML tag or an
# autolink in angle brackets, a directive, an icon, math (an escaped one has a backslash
# before its first character or a word joiner inside).
_SOURCE_MARKUP = re.compile(
    r"(?<!\\)\]\(|(?<!\\)!\[|(?<!\\)<[A-Za-z/!?]|:red\[|:material/|\$x\^2\$|javascript:"
)
# Found in the parsed text (escapes resolved), these would render: GFM's literal autolinks and
# Streamlit's icons are matched there.
_TEXT_MARKUP = re.compile(
    r"https?://evil|www\.evil|evil@evil\.example|:material[/_]\w+:|:streamlit:", re.IGNORECASE
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WORD_JOINER = "\u2060"
# Plotly draws these tags of a label as HTML; data's `<` reaches it as `&lt;`.
_FIGURE_MARKUP = re.compile(r"<\s*(a|img|span|b|i|em|s|u|sup|sub|script)\b", re.IGNORECASE)


def displayed(source: str) -> str:
    """Return the text a markdown source shows for text written with escape_markdown: its
    backslash escapes resolved, its word joiners gone."""
    return _ESCAPE.sub(r"\1", source).replace(_WORD_JOINER, "")


def markup_in_markdown(source: str) -> list[str]:
    """Return what of a markdown source would render as a link, an image, HTML, a directive,
    an icon or math rather than as its letters (empty: nothing)."""
    found = [match.group(0) for match in _SOURCE_MARKUP.finditer(source)]
    text = _ESCAPE.sub(r"\1", source)
    found += [match.group(0) for match in _TEXT_MARKUP.finditer(text)]
    return found


def shows_hostile(source: str) -> bool:
    """Return True when a markdown source shows one of the hostile values (as text or not)."""
    return "evil.example" in displayed(source) or "onerror" in source


def figure_strings(spec: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every string plotly draws of a figure's JSON: labels, names,
    hover texts and templates, titles; not customdata, which is only handed to a click."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key != "customdata":
                yield from figure_strings(value, f"{path}.{key}")
    elif isinstance(spec, list):
        for item in spec:
            yield from figure_strings(item, path)
    elif isinstance(spec, str):
        yield path, spec


def markup_in_figure(spec: dict[str, Any]) -> list[str]:
    """Return the strings of a figure (its JSON) where data reaches plotly as markup: an HTML
    tag plotly draws, or a hover template that holds a value instead of naming it."""
    problems = []
    for where, text in figure_strings(spec):
        if _FIGURE_MARKUP.search(text):
            problems.append(f"{where}: {text[:120]}")
        if where.endswith("hovertemplate") and ("evil" in text or "onerror" in text):
            problems.append(f"{where}: {text[:120]}")
    return problems


def moment_this_week(tz: tzinfo) -> tuple[pd.Timestamp, str]:
    """Return a moment of the current week before the pages' as_of (5-minute steps), and the
    spike period that holds it: "week", or "month" in a week's first minutes."""
    as_of = pd.Timestamp.now(tz=tz).floor("5min")
    week = as_of.normalize() - pd.Timedelta(days=as_of.weekday())
    if as_of - week >= pd.Timedelta(minutes=2):
        return week + (as_of - week) / 2, "week"
    month = as_of.normalize().replace(day=1)
    return month + (as_of - month) / 2, "month"
