"""How the classifier reads text: NFC, lower case, and the accent-free twin."""

from __future__ import annotations

import unicodedata

import pytest

from feedback_analytics.classify.text import (
    TwinCharAnalyzer,
    TwinWordAnalyzer,
    WordAnalyzer,
    feedback_text,
    normalize_text,
    strip_accents,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mất Kết Nối", "mất kết nối"),
        (unicodedata.normalize("NFD", "mất kết nối"), "mất kết nối"),
        ("VPN Drops", "vpn drops"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mất kết nối Wi-Fi", "mat ket noi wi-fi"),
        ("Đường truyền ĐỨT", "duong truyen dut"),
        (unicodedata.normalize("NFD", "hóa đơn"), "hoa don"),
        ("no accents here", "no accents here"),
        ("Wi-Fi 😤 yếu", "wi-fi 😤 yeu"),
    ],
)
def test_strip_accents(text: str, expected: str) -> None:
    assert strip_accents(text) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("VPN drops", "Add retry", "We lose work"), "VPN drops\nAdd retry\nWe lose work"),
        (("VPN drops", None, "  "), "VPN drops"),
        (("VPN drops", float("nan"), "why"), "VPN drops\nwhy"),
    ],
)
def test_feedback_text(parts: tuple, expected: str) -> None:
    assert feedback_text(parts) == expected


@pytest.mark.parametrize(
    ("analyzer", "text", "expected"),
    [
        (WordAnalyzer(ngram=1), "Mất kết nối", ["mất", "kết", "nối"]),
        (WordAnalyzer(accents=False, ngram=2), "Mất kết", ["mat", "ket", "mat ket"]),
        (WordAnalyzer(ngram=1, window=2), "a b c", ["a", "b", "c", "a _ c"]),
    ],
)
def test_word_analyzer(analyzer: WordAnalyzer, text: str, expected: list[str]) -> None:
    assert analyzer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A term without accents is read once.
        ("VPN drops", ["vpn", "drops", "vpn drops"]),
        # Accented words are read without accents, and again as written.
        ("Mất kết", ["mat", "ket", "mat ket", "mất", "kết", "mất kết"]),
        # Typed without accents: the accent-free terms of the text above, nothing more.
        ("mat ket", ["mat", "ket", "mat ket"]),
        ("Wi-Fi mất", ["wi", "fi", "mat", "wi fi", "fi mat", "wi _ mat", "mất", "fi mất"]),
        ("", []),
    ],
)
def test_twin_words(text: str, expected: list[str]) -> None:
    assert TwinWordAnalyzer(window=2)(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ab", [" ab", "ab ", " ab "]),
        ("Đá", [" da", "da ", " da ", " đá", "đá ", " đá "]),
        ("da", [" da", "da ", " da "]),
    ],
)
def test_twin_characters(text: str, expected: list[str]) -> None:
    assert TwinCharAnalyzer(ngram_range=(3, 5))(text) == expected
