"""Text as the classifier reads it: Unicode NFC, lower case, and an accent-free twin.

Vietnamese is often typed without diacritics ("mat ket noi" for "mất kết nối"), so the
features are built twice: from the text as written and from the text with its accents taken
off, and either spelling finds the other's words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Vietnamese đ is a letter of its own, not d with a combining mark: NFD leaves it alone.
_D_BAR = str.maketrans({"đ": "d", "Đ": "d"})
_WORD = re.compile(r"(?u)\b\w+\b")


def normalize_text(text: str) -> str:
    """Return `text` in Unicode NFC, lower case."""
    return unicodedata.normalize("NFC", str(text)).lower()


def strip_accents(text: str) -> str:
    """Return the normalised `text` without diacritics (đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", normalize_text(text).translate(_D_BAR))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def feedback_text(parts: Iterable[object]) -> str:
    """Return the texts of one feedback (feature, proposal, reason) as one text to classify."""
    return "\n".join(p for p in parts if isinstance(p, str) and p.strip())


class WordAnalyzer:
    """Words and word pairs of a text: 1..`ngram`-grams plus ordered pairs up to `window` apart.

    The pairs ("wifi _ drops") catch two words that belong together with others between them,
    which word n-grams miss in free customer text.
    """

    def __init__(self, accents: bool = True, ngram: int = 2, window: int = 0) -> None:
        self.accents = accents
        self.ngram = ngram
        self.window = window

    def __call__(self, text: str) -> list[str]:
        prepared = normalize_text(text) if self.accents else strip_accents(text)
        words = _WORD.findall(prepared)
        terms = list(words)
        for n in range(2, self.ngram + 1):
            terms += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        for i in range(len(words)):
            for j in range(i + 2, min(len(words), i + self.window + 1)):
                terms.append(f"{words[i]} _ {words[j]}")
        return terms
