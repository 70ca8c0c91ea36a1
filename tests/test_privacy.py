"""What a viewer sees of personal data: masked fields, contacts masked in free text and logs."""

from __future__ import annotations

import io
import itertools
import logging
import re
import time
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from feedback_analytics.access import MANAGER, QUALITY
from feedback_analytics.downloads import to_spreadsheet
from feedback_analytics.privacy import (
    RedactingFilter,
    for_viewer,
    install_log_redaction,
    mask_address,
    mask_email,
    mask_name,
    mask_phone,
    redact_contacts,
    redact_series,
    text_for_viewer,
)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Ng*** V** A"),
        ("Lê Thị Ngọc Hân", "L* T** Ng*** H"),
        ("Mai Ngọc Ánh", "M** Ng*** Á"),
        ("Lý A Phủ", "L* A P"),
        ("Nguyen Van An", "Ng*** V** A"),
        (unicodedata.normalize("NFD", "Đặng Văn Sơn"), "Đặ*** V** S"),
        ("  Trần   Quốc\tBảo ", "Tr*** Qu*** B"),
        ("An", "A***"),
        ("Ánh", "Á***"),
        ("", ""),
        ("   ", ""),
        (None, None),
    ],
)
def test_mask_name(name: str | None, masked: str | None) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("0912 345 678", "09******78"),
        ("0912.345.678", "09******78"),
        ("091-234-5678", "09******78"),
        ("0912345678", "09******78"),
        ("(028) 3823 4567", "02*******67"),
        ("+84 912 345 678", "+84*******78"),
        ("+84912345678", "+84*******78"),
        ("(+84) 912 345 678", "+84*******78"),
        ("84912345678", "84*******78"),
        ("12345", "12*45"),
        ("1234", "****"),
        ("113", "***"),
        ("không có", "***"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_phone(phone: str | None, masked: str | None) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("khanh.le@example.vn", "k***@example.vn"),
        ("  annv@viettel.com.vn ", "a***@viettel.com.vn"),
        ("Đức.Anh@công-ty.vn", "Đ***@công-ty.vn"),
        ("0912345678@gmail.com", "0***@gmail.com"),
        ("khanh.le", "k***"),
        ("khanh@localhost", "k***"),
        ("khanh le@example.vn", "k***"),
        ('"quoted name"@example.com', "q***@example.com"),
        ('" Trần Thị B"@công-ty.vn', "T***@công-ty.vn"),
        ('"quoted name"@localhost', '"***'),
        ("an@[192.0.2.1]", "a***@[192.0.2.1]"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_email(email: str | None, masked: str | None) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("12 Lê Lợi, Quận 1, TP. Hồ Chí Minh", "***, TP. Hồ Chí Minh"),
        ("Tòa nhà Sông Đà, 5 Nguyễn Trãi, Phường 2, Quận 5, Hà Nội", "***, Hà Nội"),
        ("3 Hàng Bài, Hà Nội, ", "***, Hà Nội"),
        ("12 Lê Lợi", "***"),
        ("", ""),
        (" , ", ""),
        (None, None),
    ],
)
def test_mask_address(address: str | None, masked: str | None) -> None:
    assert mask_address(address) == masked


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Vui lòng gọi lại theo số 0912 345 678.", "Vui lòng gọi lại theo số 09******78."),
        ("Số 0912.345.678 nhé", "Số 09******78 nhé"),
        ("Call 091-234-5678 please", "Call 09******78 please"),
        ("Gọi 0912345678", "Gọi 09******78"),
        ("Tổng đài (028) 3823 4567.", "Tổng đài 02*******67."),
        ("Văn phòng (0236) 382 1234", "Văn phòng 02*******34"),
        ("Bàn 0283 823 4567", "Bàn 02*******67"),
        ("Please call me back on +84 912 345 678.", "Please call me back on +84*******78."),
        ("SĐT: +84912345678", "SĐT: +84*******78"),
        ("zalo 84912345678", "zalo 84*******78"),
        ("(+84) 28 3823 4567", "+84********67"),
        ("Hotline:0355123456!", "Hotline:03******56!"),
        ("0868.123.456 hoặc 0377 123 456", "08******56 hoặc 03******56"),
        ("Gọi 0912 345 678 0987 654 321 nhé", "Gọi 09******78 09******21 nhé"),
        ("+1 415 555 2671 +44 20 7946 0958", "+14*******71 +44********58"),
        ("sdt0912345678, tel0987654321.", "sdt09******78, tel09******21."),
        (
            "Ngày 30/09/2026 0912345678, 14:30 0987.654.321",
            "Ngày 30/09/2026 09******78, 14:30 09******21",
        ),
        ("0890 172 362 hoặc 0992.138.303", "08******62 hoặc 09******03"),
        ("0084 912 345 678 (+84)28 3823 4567", "00*********78 +84********67"),
        (
            "Gọi 0912345678 đồng ý nhé, 84 912 345 678 đồng thời",
            "Gọi 09******78 đồng ý nhé, 84*******78 đồng thời",
        ),
        ("Số (0912 345 678) hoặc [0987.654.321]", "Số (09******78) hoặc [09******21]"),
        # A valid number straddles the two (023 8541 8494): the two are masked, not it.
        ("Số 8493.023 8541 8494.640.1548 nhé", "Số 84*******41 84*******48 nhé"),
        ("Liên hệ: khanh.le@example.vn.", "Liên hệ: k***@example.vn."),
        ("Email trần.thị@công-ty.vn, cảm ơn", "Email t***@công-ty.vn, cảm ơn"),
        ("<ngannm@gmail.com>", "<n***@gmail.com>"),
        ("0912345678@gmail.com", "0***@gmail.com"),
        ('Gửi "quoted name"@example.com nhé', "Gửi q***@example.com nhé"),
        ('Email: "Nguyễn Văn A"@example.vn.', "Email: N***@example.vn."),
        ("o'brien+vn@example.com, an!x@example.vn", "o***@example.com, a***@example.vn"),
        ("user=an@example.vn; host=x", "user=a***@example.vn; host=x"),
        ("an@[192.0.2.1] hoặc an.le@example.vn", "a***@[192.0.2.1] hoặc a***@example.vn"),
        ("Mail an\u200b.le\u00ad@example.vn.", "Mail a***@example.vn."),
        ("ａｎ．ｌｅ＠ｅｘａｍｐｌｅ．ｖｎ ạ", "a***@example.vn ạ"),
        # Decomposed letters: the address is found, the rest stays decomposed as it came.
        (
            unicodedata.normalize("NFD", "Gửi Đức.Anh@công-ty.vn, cảm ơn"),
            unicodedata.normalize("NFD", "Gửi ")
            + "Đ***@công-ty.vn"
            + unicodedata.normalize("NFD", ", cảm ơn"),
        ),
        (
            "Đơn HD-2026-00123 ngày 12/10/2026, 150.000 đ; gọi 0912 345 678 hoặc a.b@c.vn",
            "Đơn HD-2026-00123 ngày 12/10/2026, 150.000 đ; gọi 09******78 hoặc a***@c.vn",
        ),
    ],
)
def test_redact_contacts_masks_phones_and_emails(text: str, redacted: str) -> None:
    assert redact_contacts(text) == redacted


@pytest.mark.parametrize(
    "number",
    [
        "150.000 đ",
        "1,500,000 VND",
        "1.500.000.000 đ",
        "1 500 000 đ",
        "12/10/2026",
        "2026-10-12",
        "14:30",
        "05.03.2026 10:30",
        "2026-10-12T14:30:00+07:00",
        "v2.3.1",
        "15%",
        "0.5%",
        "42",
        "HD-2026-00123",
        "192.168.1.1",
        "802.11r/k/v",
        "-80 dBm",
        "1234567890",
        "091234567",
        "0912345678901",
        "01234567890",
        "05.03.2026 10 giờ",
    ],
)
def test_redact_contacts_leaves_other_numbers_as_written(number: str) -> None:
    text = f"Ghi chú: {number} (xem lại)"
    assert redact_contacts(text) == text


# --- A generated corpus of the ways people write a phone number -----------------------------
# Each number is written in many ways (grouping, separators, prefixes, brackets), each writing
# is dressed in each of the ways texts arrive (full-width digits, invisible characters inside,
# no-break spaces, a label glued on) and put into a sentence; masking must leave no 9 digits of
# the number in a row, and the rest of the sentence as it was.

NUMBERS = [  # country code, national (significant) number
    ("84", "912345678"),  # Vinaphone
    ("84", "987654321"),  # Viettel
    ("84", "355123456"),
    ("84", "868123456"),
    ("84", "703456789"),  # MobiFone
    ("84", "562345678"),  # Vietnamobile
    ("84", "593456789"),  # Gmobile
    ("84", "893275426"),  # a mobile range phonenumbers' metadata does not list
    ("84", "2838234567"),  # a landline in Hồ Chí Minh City
    ("84", "2439876543"),  # Hà Nội
    ("84", "2363821234"),  # Đà Nẵng
    ("1", "4155552671"),
    ("44", "2079460958"),
    ("65", "81234567"),
    ("86", "13800138000"),
    ("33", "612345678"),
    ("81", "9012345678"),
]
# Group sizes of a national writing with its 0, by its length; of a number after a country
# code, by its length.
NATIONAL_GROUPS = {
    10: [(4, 3, 3), (3, 3, 4), (3, 4, 3), (2, 2, 2, 2, 2), (4, 6), (1, 3, 3, 3), (10,)],
    11: [(3, 4, 4), (4, 3, 4), (4, 4, 3), (3, 8), (1, 2, 4, 4), (11,)],
}
INTERNATIONAL_GROUPS = {
    8: [(4, 4), (8,)],
    9: [(3, 3, 3), (2, 3, 4), (9,)],
    10: [(2, 4, 4), (3, 3, 4), (10,)],
    11: [(3, 4, 4), (11,)],
}
SEPARATORS = [(" ",), (".",), ("-",), (".", " "), ("-", " "), (" ", "."), (" ", "-", ".")]
VIETNAMESE_PREFIXES = ["+84 ", "+84", "84 ", "84", "0084 ", "0084", "(+84) ", "(+84)"]
VIETNAMESE_PREFIXES += ["+84 (0) ", "+84-", "+84."]
SENTENCES = [
    "Vui lòng gọi lại cho tôi theo số {} nhé, cảm ơn!",
    "Liên hệ anh Tuấn: {}.",
    "{} là số của em ạ",
    "Đơn HD-2026-00123 ngày 30/09/2026, đã trả 1.500.000 đ; gọi {} trước 14:30.",
    "Ngày 30/09/2026 {} (gọi sau 17h, máy bản 2.10.3)",
    "Khách hàng phản ánh lỗi 15% gói cước, SĐT: {}\nXin cảm ơn.",
    "Please call me back on {}, thanks.",
]
FULL_WIDTH = str.maketrans("0123456789+()-. ", "０１２３４５６７８９＋（）－．\u3000")
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
GLUED_LABELS = ["sdt", "SĐT", "tel", "Tel:", "đt", "zalo", "phone"]
DRESSINGS = ["as written", "full-width", "invisible characters", "no-break spaces", "label glued"]


def _grouped(digits: str, sizes: tuple[int, ...], separators: tuple[str, ...]) -> str:
    groups = []
    for size in sizes:
        groups.append(digits[:size])
        digits = digits[size:]
    parts = [groups[0]]
    for group, separator in zip(groups[1:], itertools.cycle(separators), strict=False):
        parts += [separator, group]
    return "".join(parts)


def _separated(digits: str, groups: list[tuple[int, ...]]) -> Iterator[str]:
    for sizes in groups:
        for separators in SEPARATORS if len(sizes) > 1 else [("",)]:
            yield _grouped(digits, sizes, separators)


def _writings(country: str, national: str) -> Iterator[str]:
    """Yield the ways the number is written: grouped and separated, with each prefix."""
    if country == "84":
        yield from _separated("0" + national, NATIONAL_GROUPS[len(national) + 1])
        area = 3 if national.startswith("23") else 2  # (0236) for Đà Nẵng, (028) and (091)
        code, rest = national[:area], national[area:]
        yield from (f"(0{code}) {rest[:-4]} {rest[-4:]}", f"(0{code}){rest}")
        prefixes = VIETNAMESE_PREFIXES
    else:
        prefixes = [f"+{country} ", f"+{country}", f"00{country} ", f"(+{country}) "]
    for prefix in prefixes:
        yield from (prefix + w for w in _separated(national, INTERNATIONAL_GROUPS[len(national)]))
    if country == "1":
        yield f"+1 ({national[:3]}) {national[3:6]}-{national[6:]}"
    if country == "44":
        yield f"+44 (0){national[:2]} {national[2:6]} {national[6:]}"


def _dressed(written: str, dressing: str, pick: int) -> tuple[str, str]:
    """Return (a label glued before it, the writing dressed); `pick` chooses the invisible
    character or the label."""
    if dressing == "full-width":
        return "", written.translate(FULL_WIDTH)
    if dressing == "invisible characters":  # after every third character but the last
        invisible = INVISIBLES[pick % len(INVISIBLES)]
        inside = "".join(c + invisible * (i % 3 == 2) for i, c in enumerate(written[:-1]))
        return "", inside + written[-1]
    if dressing == "no-break spaces":
        return "", written.replace(" ", "\u00a0")
    if dressing == "label glued":
        return GLUED_LABELS[pick % len(GLUED_LABELS)], written
    return "", written


class Writing(NamedTuple):
    text: str  # the sentence with the number in it
    before: str  # the sentence before the number (a glued label included)
    after: str  # the sentence after it


def _corpus(country: str, national: str, dressing: str) -> list[Writing]:
    """Return the writings of one number, dressed one way, each in a sentence."""
    corpus = []
    for i, written in enumerate(_writings(country, national)):
        label, dressed = _dressed(written, dressing, i)
        head, tail = SENTENCES[i % len(SENTENCES)].split("{}")
        corpus.append(Writing(head + label + dressed + tail, head + label, tail))
    return corpus


CORPUS = {
    (country, national, dressing): _corpus(country, national, dressing)
    for country, national in NUMBERS
    for dressing in DRESSINGS
}


def _leaked(masked: str, country: str, national: str) -> list[str]:
    """Return the runs of 9 of the number's digits (with its country code or trunk 0 or
    neither) that can still be read in the masked text once its non-digits are taken out."""
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", masked))
    spellings = [country + national, "0" + national]
    return sorted(
        {s[i : i + 9] for s in spellings for i in range(len(s) - 8)}
        & {digits[i : i + 9] for i in range(len(digits) - 8)}
    )


def _masked_in_place(writing: Writing, masked: str) -> bool:
    """Return True when the text around the number is as it was and the number reads as a
    phone's mask: "09******78", "+84*******78"."""
    if not (masked.startswith(writing.before) and masked.endswith(writing.after)):
        return False
    shown = masked[len(writing.before) : len(masked) - len(writing.after)]
    return re.fullmatch(r"\+?[0-9]{2}\*+[0-9]{2}", shown) is not None


def test_the_corpus_holds_every_writing_asked_for() -> None:
    texts = [w.text for writings in CORPUS.values() for w in writings]
    everything = "\n".join(texts)
    asked = ["０９１２", "＋８４", "\u200b", "\u00ad", "\ufeff", "\u00a0", "sdt0", "tel0", "SĐT+84"]
    asked += ["(+84)", "0084", "+84 (0) ", "(028) ", "0 912 345 678", "0912.345 678"]
    asked += ["0912-345 678", "091 234.5678", "+1 415", "+44 ", "Tuấn"]
    assert len(texts) > 10_000
    assert [s for s in asked if s not in everything] == []


@pytest.mark.parametrize("dressing", DRESSINGS)
@pytest.mark.parametrize(("country", "national"), NUMBERS)
def test_every_writing_of_a_phone_number_is_masked_on_screen(
    country: str, national: str, dressing: str
) -> None:
    writings = CORPUS[country, national, dressing]
    masked = [text_for_viewer(w.text, MANAGER) for w in writings]
    assert [
        (w.text, m)
        for w, m in zip(writings, masked, strict=True)
        if _leaked(m, country, national) or not _masked_in_place(w, m)
    ] == []


def test_masking_the_corpus_twice_changes_nothing() -> None:
    masked = [redact_contacts(w.text) for writings in CORPUS.values() for w in writings]
    assert [m for m in masked if redact_contacts(m) != m] == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_writing_of_a_phone_number_reaches_a_download(fmt: str) -> None:
    numbers = [key for key, writings in CORPUS.items() for _ in writings]
    texts = [w.text for writings in CORPUS.values() for w in writings]
    frame = pd.DataFrame({"external_id": [f"EM-{i:06d}" for i in range(len(texts))]})
    frame["reason"] = texts
    data = to_spreadsheet(for_viewer(frame, QUALITY), fmt, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    if fmt == "csv":
        cells = list(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)["reason"])
    else:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        cells = [row[1] for row in rows[1:]]
    assert len(cells) == len(texts)
    assert [
        (text, cell)
        for (country, national, _), text, cell in zip(numbers, texts, cells, strict=True)
        if _leaked(cell, country, national)
    ] == []


def test_no_writing_of_a_phone_number_reaches_a_log() -> None:
    handler, stream = _stream_handler()
    handler.setFormatter(logging.Formatter("%(message)s\x1e"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test_privacy.corpus")
    logger.propagate = False
    logger.addHandler(handler)
    numbers = [key for key, writings in CORPUS.items() for _ in writings]
    try:
        for writings in CORPUS.values():
            for writing in writings:
                logger.warning("row %s", writing.text)
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().split("\x1e\n")[:-1]
    assert len(lines) == len(numbers)
    assert [
        line
        for (country, national, _), line in zip(numbers, lines, strict=True)
        if _leaked(line, country, national)
    ] == []


@pytest.mark.parametrize(
    "text",
    [
        # amounts
        "Đã thanh toán 1.500.000 đ cho gói cước.",
        "Chi phí khoảng 2,5 triệu mỗi tháng.",
        "Hóa đơn 150.000đ, chiết khấu 1.500.000.000 VNĐ cả năm.",
        "Hợp đồng 84.912.000.000 đ đã ký, gói 84,912,000,000 VND.",
        "Giá 3 triệu 500 nghìn, tương đương USD 1,250.00.",
        "Số tiền 12 500 000 đồng chưa hoàn.",
        # dates and times
        "Hẹn ngày 30/09/2026 lúc 14:30.",
        "Hết hạn 2026-09-30, gia hạn 30-09-2026 hoặc 30.09.2026.",
        "Sự cố lúc 09.03.2026 10:30 và 05.03.2026 10 giờ.",
        "Nhật ký 2026-09-30T14:30:00+07:00 và 2026-09-30 09:15:00.",
        "Từ 8h30 đến 17h, thứ 2 ngày 30 tháng 9 năm 2026.",
        "Ngày 30/09/2026 14:30, 01/10/2026 08:05:59.",
        # versions, percentages, ids, addresses of machines
        "Phiên bản v2.10.3 và firmware 10.2.3.4567 build 20260930.",
        "Tỷ lệ lỗi 15%, 99,9% hoặc 0,05%.",
        "Đơn HD-2026-00123, DH20260930001, mã #12345678, SO-0001234567.",
        "Máy chủ 192.168.100.200, cổng 10.0.0.1:8080.",
        "Tín hiệu -80 dBm, chuẩn 802.11r/k/v, đường 1Gbps, trễ 300ms, ISO 27001.",
        # short numbers, company lines, digit runs that are not valid phones
        "Gọi tổng đài 1900 1234, 1800 599 920 hoặc 113.",
        "Mã 912345678, 1234567890, 0912345678901, 01234567890, 091234567.",
    ],
)
def test_numbers_that_are_not_phones_stay_as_written(text: str) -> None:
    assert redact_contacts(text) == text
    assert text_for_viewer(text, MANAGER) == text


def test_redact_contacts_handles_a_megabyte_quickly() -> None:
    line = "Ngày 12/10/2026 trả 1.500.000 đ, v2.3.1; gọi 0912 345 678 hoặc an.le@example.vn. "
    text = line * (1_000_000 // len(line))
    start = time.perf_counter()
    redacted = redact_contacts(text)
    elapsed = time.perf_counter() - start
    expected = "Ngày 12/10/2026 trả 1.500.000 đ, v2.3.1; gọi 09******78 hoặc a***@example.vn. "
    assert redacted == expected * (1_000_000 // len(line))
    assert elapsed < 1.0  # about 0.1 s here; a log line or a page must never stall on it


def test_redact_series_masks_contacts_and_keeps_everything_else() -> None:
    texts = pd.Series(
        ["Gọi 0912 345 678", None, "không có số", "150.000 đ", "Mail a.b@c.vn", float("nan")],
        index=[10, 11, 12, 13, 14, 15],
        name="reason",
    )
    redacted = redact_series(texts)
    expected = pd.Series(
        ["Gọi 09******78", None, "không có số", "150.000 đ", "Mail a***@c.vn", float("nan")],
        index=[10, 11, 12, 13, 14, 15],
        name="reason",
    )
    pd.testing.assert_series_equal(redacted, expected)
    assert texts[10] == "Gọi 0912 345 678"  # the input is left alone


@pytest.mark.parametrize("dtype", ["string", "string[pyarrow]"])
def test_redact_series_keeps_a_string_dtype(dtype: str) -> None:
    texts = pd.Series(["Gọi 0912345678", pd.NA, "ok", "số ０９１２３４５６７８ ạ"], dtype=dtype)
    expected = pd.Series(["Gọi 09******78", pd.NA, "ok", "số 09******78 ạ"], dtype=dtype)
    pd.testing.assert_series_equal(redact_series(texts), expected)


def test_redact_series_leaves_a_column_without_text_alone() -> None:
    numbers = pd.Series([912345678, 42])
    pd.testing.assert_series_equal(redact_series(numbers), numbers)


def _stream_handler() -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    return handler, stream


def _fail(phone: str) -> None:
    raise ValueError(f"no customer with phone {phone}")


def test_redacting_filter_masks_arguments_and_exception_text() -> None:
    handler, stream = _stream_handler()
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test_privacy.direct")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("callback to %s for %s", "0912 345 678", "khanh.le@example.vn")
        try:
            _fail("+84 912 345 678")
        except ValueError:
            logger.exception("lookup failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "callback to 09******78 for k***@example.vn" in written
    assert "ValueError: no customer with phone +84*******78" in written
    assert "345" not in written and "khanh.le" not in written


@pytest.fixture
def root_handler() -> Iterator[tuple[logging.Handler, io.StringIO]]:
    """Yield a handler on the root logger; afterwards remove it and every RedactingFilter."""
    handler, stream = _stream_handler()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler, stream
    root.removeHandler(handler)
    for logger in (root, logging.getLogger("feedback_analytics")):
        for target in [logger, *logger.handlers]:
            for f in [f for f in target.filters if isinstance(f, RedactingFilter)]:
                target.removeFilter(f)


def test_install_log_redaction_masks_what_child_loggers_write_and_installs_once(
    root_handler: tuple[logging.Handler, io.StringIO],
) -> None:
    handler, stream = root_handler
    install_log_redaction()
    install_log_redaction()
    root, package = logging.getLogger(), logging.getLogger("feedback_analytics")
    for target in (handler, root, package):
        assert sum(isinstance(f, RedactingFilter) for f in target.filters) == 1
    logging.getLogger("feedback_analytics.ingest.test").warning("row from %s", "0912.345.678")
    assert "feedback_analytics.ingest.test: row from 09******78" in stream.getvalue()


# --- Messages to the customer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "phone", "recipient", "reach"),
    [
        ("an@customer.test", "0912 345 678", "an@customer.test", {"email", "phone"}),
        (None, "0912 345 678", None, {"phone"}),
        ("", None, None, set()),
    ],
)
def test_the_outbox_reads_the_address_through_privacy(
    sqlite_engine, email, phone, recipient, reach
) -> None:
    from sqlalchemy.orm import Session

    from feedback_analytics.privacy import message_recipient, reachable_by
    from tests.mail.helpers import add_record

    feedback_id = add_record(sqlite_engine, email=email, phone=phone)
    with Session(sqlite_engine) as session:
        assert message_recipient(session, feedback_id) == recipient
        assert reachable_by(session, feedback_id) == reach


@pytest.mark.parametrize(
    ("role", "shown"),
    [("staff", "Kính gửi"), ("admin", "Kính gửi"), (MANAGER, None), (QUALITY, None)],
)
def test_a_message_text_is_shown_to_roles_that_see_contacts(role: str, shown: str | None) -> None:
    from feedback_analytics.privacy import message_for_viewer

    assert message_for_viewer("Kính gửi", role) == shown
