"""Values from outside (customers' texts, files, the address, accounts) inside Streamlit's
markdown: shown as the letters they hold, never as a link, an image, HTML or formatting.

Every Streamlit element that takes a string renders it as GitHub-flavoured markdown with
Streamlit's additions (st.markdown, st.caption, st.write of a string, st.info / warning /
error / success, titles and headers, the labels and help of widgets, metrics, buttons, page
links, tabs and expanders; the options of st.radio, st.pills, st.segmented_control and
st.select_slider). Streamlit 1.67's renderer (StreamlitMarkdown, react-markdown with
remark-gfm, remark-math, remark-directive and its own plugins) does, without
unsafe_allow_html:

- markdown: links `[a](b)`, images `![a](b)`, `<https://...>`, emphasis, code, headings,
  lists, quotes, tables, strikethrough; raw HTML shows as its text but is still markup;
- `:red[...]`, `:blue-background[...]`, `:small[...]` (remark-directive) and `:material/name:`
  (the source is rewritten to `:material_name:` before parsing), `:streamlit:`, emoji
  `:smile:` and `$...$` / `$$...$$` (KaTeX);
- GFM's literal autolinks `https://...`, `www.x.y` and `name@x.y`, and the material icons,
  found in the *parsed text*, after backslash escapes are resolved: no backslash stops them.

So `escape_markdown` backslash-escapes the punctuation that starts any of these constructs
(CommonMark lets every ASCII punctuation character be escaped and shows it as itself), and puts
a WORD JOINER (U+2060, invisible and not a line break) after a colon, an at sign and a "www"
so that the patterns matched in the parsed text no longer match. What a reader sees is the
value as typed. Where a page shows a value on its own, st.text and st.code show plain text
and need none of this; st.dataframe cells and the options of st.selectbox and st.multiselect
are plain text too (an escaped value would show its backslashes there).
"""

from __future__ import annotations

import re
from typing import Final

WORD_JOINER: Final = "\u2060"

# Punctuation that starts or ends a markdown, GFM, directive or math construct. "." only
# matters after a number at the start of a line (an ordered list) and is escaped there.
_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-!|~<>$&:@=]")
_ORDERED_LIST = re.compile(r"^(\s*\d+)\.", re.MULTILINE)
# The text-level patterns: a colon before a name (`:red[`, `:material_x:`, `:smile:`,
# `https://`), an e-mail's at sign, the "www." of an autolink.
_AFTER_COLON = re.compile(r"(?<=\\:)(?=\S)")
_AFTER_AT = re.compile(r"(?<=\\@)(?=\S)")
_WWW = re.compile(r"(www)(?=\.)", re.IGNORECASE)


def escape_markdown(value: object) -> str:
    """Return `value` as text for Streamlit markdown: it renders as the letters it holds."""
    text = _SPECIAL.sub(lambda found: "\\" + found.group(0), str(value))
    text = _ORDERED_LIST.sub(r"\1\\.", text)
    text = _WWW.sub(r"\1" + WORD_JOINER, text)
    text = _AFTER_COLON.sub(WORD_JOINER, text)
    return _AFTER_AT.sub(WORD_JOINER, text)


def escape_values(params: dict[str, object]) -> dict[str, object]:
    """Return the placeholders' values with every string escaped (escape_markdown), others
    (numbers, dates) as they are."""
    return {
        name: escape_markdown(value) if isinstance(value, str) else value
        for name, value in params.items()
    }
