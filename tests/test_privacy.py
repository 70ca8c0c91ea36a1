"""What a viewer sees of personal data: masked fields, contacts masked in free text and logs."""

from __future__ import annotations

import io
import logging
import time
import unicodedata
from collections.abc import Iterator

import pandas as pd
import pytest

from feedback_analytics.privacy import (
    RedactingFilter,
    install_log_redaction,
    mask_address,
    mask_email,
    mask_name,
    mask_phone,
    redact_contacts,
    redact_series,
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
        ("Liên hệ: khanh.le@example.vn.", "Liên hệ: k***@example.vn."),
        ("Email trần.thị@công-ty.vn, cảm ơn", "Email t***@công-ty.vn, cảm ơn"),
        ("<ngannm@gmail.com>", "<n***@gmail.com>"),
        ("0912345678@gmail.com", "0***@gmail.com"),
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
    texts = pd.Series(["Gọi 0912345678", pd.NA, "ok"], dtype=dtype)
    expected = pd.Series(["Gọi 09******78", pd.NA, "ok"], dtype=dtype)
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
