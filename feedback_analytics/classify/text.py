"""Text as the classifier reads it: Unicode NFC, lower case, and an accent-free twin.

Vietnamese is often typed without diacritics ("mat ket noi" for "mất kết nối"), so every
term is read without its accents, and again as written where the accents make it differ:
either spelling finds the other's words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

from sklearn.feature_extraction.text import CountVectorizer

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


def _accent_free(words: list[str]) -> list[str]:
    return [strip_accents(word) for word in words]


class TwinWordAnalyzer:
    """Words, word 2-grams and word pairs up to `window` apart, each spelt without accents,
    and again as written where the accents make it differ.

    Text typed without diacritics finds the accented text's terms by their accent-free
    spelling, while the accented spelling still tells "mất" (lost) from "mát" (cool). A term
    without accents (every English term) is read once, not twice: half the features of two
    separate blocks, for the same model.
    """

    def __init__(self, window: int = 0) -> None:
        self.window = window

    def __call__(self, text: str) -> list[str]:
        written = _WORD.findall(normalize_text(text))
        plain = _accent_free(written)
        terms = _word_terms(plain, self.window)
        differs = [a != p for a, p in zip(written, plain, strict=True)]
        if any(differs):
            terms += [word for word, d in zip(written, differs, strict=True) if d]
            terms += [
                f"{written[i]} {written[i + 1]}"
                for i in range(len(written) - 1)
                if differs[i] or differs[i + 1]
            ]
        return terms


def _word_terms(words: list[str], window: int) -> list[str]:
    terms = list(words)
    terms += [f"{words[i]} {words[i + 1]}" for i in range(len(words) - 1)]
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + window + 1)):
            terms.append(f"{words[i]} _ {words[j]}")
    return terms


@functools.cache
def _char_ngrams(low: int, high: int) -> Callable[[str], list[str]]:
    # scikit-learn's own character n-grams within word boundaries, built once per range.
    return CountVectorizer(analyzer="char_wb", ngram_range=(low, high)).build_analyzer()


class TwinCharAnalyzer:
    """Character n-grams within words, of the text without accents, and of the text as
    written where the accents make them differ (see TwinWordAnalyzer)."""

    def __init__(self, ngram_range: tuple[int, int] = (3, 5)) -> None:
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        read = _char_ngrams(*self.ngram_range)
        written, plain = normalize_text(text), strip_accents(text)
        grams = read(plain)
        if written != plain:
            seen = set(grams)
            grams += [gram for gram in read(written) if gram not in seen]
        return grams
