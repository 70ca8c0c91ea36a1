"""escape_markdown: a value from outside reads as typed in Streamlit's markdown, never as markup."""

from __future__ import annotations

import pytest

from feedback_analytics.ui import escape_markdown, escape_values
from tests.hostile import (
    ANCHOR,
    BARE,
    COLOUR,
    HOSTILE,
    ICON,
    IMG,
    JAVASCRIPT,
    LATEX,
    PHISH,
    PIXEL,
    displayed,
    markup_in_markdown,
)

J = "\u2060"  # the word joiner that breaks what is matched in the parsed text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("VPN client", "VPN client"),
        ("Trần Thị Bình, 0912 345 678", "Trần Thị Bình, 0912 345 678"),
        (42, "42"),
        ("[a](https://x.vn)", rf"\[a\]\(https\:{J}//x.vn\)"),
        ("![x](p.png)", r"\!\[x\]\(p.png\)"),
        ("<img src=x>", r"\<img src\=x\>"),
        ("<https://x.vn>", rf"\<https\:{J}//x.vn\>"),
        ("**b** _i_ `c` ~~s~~", r"\*\*b\*\* \_i\_ \`c\` \~\~s\~\~"),
        ("# title", r"\# title"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("1. item", r"1\. item"),
        ("1) item", r"1\) item"),
        ("> quote", r"\> quote"),
        ("a | b", r"a \| b"),
        ("===", r"\=\=\="),
        ("&lt;b&gt;", r"\&lt;b\&gt;"),
        ("{x}", r"\{x\}"),
        ("C:\\temp", rf"C\:{J}\\temp"),
        (":red[x]", rf"\:{J}red\[x\]"),
        (":blue-background[x]", rf"\:{J}blue\-background\[x\]"),
        (":material/warning:", rf"\:{J}material/warning\:"),
        (":streamlit:", rf"\:{J}streamlit\:"),
        ("$x^2$", r"\$x^2\$"),
        ("$$x$$", r"\$\$x\$\$"),
        ("www.evil.example", f"www{J}.evil.example"),
        ("WWW.evil.example", f"WWW{J}.evil.example"),
        ("evil@evil.example", rf"evil\@{J}evil.example"),
        ("10:30", rf"10\:{J}30"),
        ("ends with a colon:", r"ends with a colon\:"),
        ("two\nlines", "two\nlines"),
    ],
)
def test_escape_markdown(value: object, expected: str) -> None:
    assert escape_markdown(value) == expected


@pytest.mark.parametrize(
    "value",
    [PHISH, PIXEL, IMG, ANCHOR, COLOUR, ICON, LATEX, JAVASCRIPT, BARE, HOSTILE, "a\\b", "x\n1. y"],
)
def test_an_escaped_value_reads_as_typed_and_renders_nothing(value: str) -> None:
    shown = escape_markdown(value)
    assert displayed(shown) == value
    assert markup_in_markdown(shown) == []
    assert markup_in_markdown(value) != [] or value in ("a\\b", "x\n1. y")


def test_escape_values_escapes_only_strings() -> None:
    assert escape_values({"who": "<b>x</b>", "n": 3, "none": None}) == {
        "who": r"\<b\>x\</b\>",
        "n": 3,
        "none": None,
    }
