"""Every text the dashboard shows, in English and Vietnamese, and numbers and dates per language.

Pure functions and data: the pages look text up with `t(key, lang)` and format values with
`format_number`, `format_date` and `format_datetime`, so no page spells out a sentence or a
separator of its own.
"""

from __future__ import annotations

import string
from datetime import date, datetime, tzinfo

LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"
# Shown in place of a value that does not exist (METRICS.md: null, never 0).
MISSING = "—"

CATALOGUE: dict[str, dict[str, str]] = {
    # The shell: navigation and the language switch.
    "app.language": {"en": "Language · Ngôn ngữ", "vi": "Ngôn ngữ · Language"},
    "language.en": {"en": "English", "vi": "English"},
    "language.vi": {"en": "Tiếng Việt", "vi": "Tiếng Việt"},
    "nav.home": {"en": "Home", "vi": "Trang chủ"},
    "nav.import": {"en": "Import", "vi": "Nhập dữ liệu"},
    "about.home": {
        "en": "What the store holds: records, dates, channels and the last imports.",
        "vi": "Kho đang lưu gì: số bản ghi, thời gian, kênh tiếp nhận và các lần nhập gần đây.",
    },
    "about.import": {
        "en": "Upload a CSV, Excel or JSON file of feedback, check every row, then import it.",
        "vi": "Tải lên tệp phản hồi CSV, Excel hoặc JSON, kiểm tra từng dòng rồi nhập vào kho.",
    },
    "db.unavailable": {
        "en": "The dashboard cannot use its database.",
        "vi": "Bảng điều khiển không dùng được cơ sở dữ liệu.",
    },
    # Values of the record fields.
    "channel.email": {"en": "Email", "vi": "Email"},
    "channel.hotline": {"en": "Hotline", "vi": "Tổng đài"},
    "channel.web_form": {"en": "Web form", "vi": "Biểu mẫu web"},
    "source.app": {"en": "This app", "vi": "Ứng dụng này"},
    "source.cli": {"en": "Command line", "vi": "Dòng lệnh"},
    "source.demo": {"en": "Demo data", "vi": "Dữ liệu mẫu"},
    # Column headings of tables.
    "column.file_name": {"en": "File", "vi": "Tệp"},
    "column.source": {"en": "From", "vi": "Nguồn"},
    "column.finished_at": {"en": "Finished", "vi": "Hoàn tất lúc"},
    "column.read": {"en": "Read", "vi": "Đã đọc"},
    "column.inserted": {"en": "Inserted", "vi": "Thêm mới"},
    "column.updated": {"en": "Updated", "vi": "Cập nhật"},
    "column.unchanged": {"en": "Unchanged", "vi": "Không đổi"},
    "column.rejected": {"en": "Rejected", "vi": "Bị từ chối"},
    "column.row": {"en": "Row", "vi": "Dòng"},
    "column.column": {"en": "Column", "vi": "Cột"},
    "column.reason": {"en": "Reason", "vi": "Lý do"},
    # Home.
    "home.title": {"en": "Feedback Analytics", "vi": "Phân tích phản hồi khách hàng"},
    "home.intro": {
        "en": "Customer feedback on our products, received by email, hotline and web form, "
        "and how well we handle it.",
        "vi": "Phản hồi của khách hàng về sản phẩm, tiếp nhận qua email, tổng đài và biểu mẫu "
        "web, và mức độ chúng ta xử lý tốt các phản hồi đó.",
    },
    "home.store": {"en": "What is in the store", "vi": "Dữ liệu trong kho"},
    "home.records": {"en": "Feedback records", "vi": "Bản ghi phản hồi"},
    "home.first_received": {"en": "First received", "vi": "Nhận sớm nhất"},
    "home.last_received": {"en": "Last received", "vi": "Nhận gần nhất"},
    "home.uncategorised": {"en": "Uncategorised", "vi": "Chưa phân loại"},
    "home.surveys": {"en": "Survey responses", "vi": "Phiếu khảo sát đã trả lời"},
    "home.by_channel": {"en": "By channel", "vi": "Theo kênh tiếp nhận"},
    "home.local_time": {
        "en": "Times are company local time ({zone}).",
        "vi": "Thời gian tính theo giờ công ty ({zone}).",
    },
    "home.empty": {
        "en": "The store is empty. Import a file of feedback on the Import page, or start the "
        "app with `make run`, which seeds demo data into an empty store.",
        "vi": "Kho chưa có dữ liệu. Hãy nhập một tệp phản hồi ở trang Nhập dữ liệu, hoặc khởi "
        "động ứng dụng bằng `make run` để nạp dữ liệu mẫu vào kho trống.",
    },
    "home.go_import": {"en": "Import a file", "vi": "Nhập một tệp"},
    "home.imports": {"en": "Last imports", "vi": "Các lần nhập gần đây"},
    "home.no_imports": {
        "en": "No file has been imported yet.",
        "vi": "Chưa có tệp nào được nhập.",
    },
    "home.pages": {"en": "Pages", "vi": "Các trang"},
    # Import.
    "import.title": {"en": "Import feedback", "vi": "Nhập dữ liệu phản hồi"},
    "import.intro": {
        "en": "Upload a file in the canonical record format: CSV, Excel (XLSX), JSON or JSON "
        "Lines. Every row is checked first; nothing is stored until you press Import.",
        "vi": "Tải lên tệp theo định dạng bản ghi chuẩn: CSV, Excel (XLSX), JSON hoặc JSON "
        "Lines. Mọi dòng được kiểm tra trước; chưa có gì được lưu cho đến khi bạn bấm Nhập.",
    },
    "import.file": {"en": "Feedback file", "vi": "Tệp phản hồi"},
    "import.file_help": {
        "en": "Required columns: external_id, channel, received_at, current_feature.",
        "vi": "Các cột bắt buộc: external_id, channel, received_at, current_feature.",
    },
    "import.encoding": {"en": "Text encoding", "vi": "Bảng mã ký tự"},
    "import.encoding_help": {
        "en": "Auto reads UTF-8 and UTF-16. Choose another encoding for an older file, "
        "such as Windows-1258 for Vietnamese text.",
        "vi": "Tự động đọc được UTF-8 và UTF-16. Hãy chọn bảng mã khác cho tệp cũ, "
        "ví dụ Windows-1258 cho văn bản tiếng Việt.",
    },
    "import.encoding_auto": {"en": "Auto (UTF-8, UTF-16)", "vi": "Tự động (UTF-8, UTF-16)"},
    "import.waiting": {
        "en": "Choose a file to see a preview and a row-by-row check.",
        "vi": "Chọn một tệp để xem trước và kiểm tra từng dòng.",
    },
    "import.unreadable": {
        "en": "This file cannot be read, so nothing from it can be imported. Why:",
        "vi": "Không đọc được tệp này nên không thể nhập dữ liệu từ tệp. Lý do:",
    },
    "import.preview": {"en": "Preview", "vi": "Xem trước"},
    "import.preview_caption": {
        "en": "The first {rows} rows, as read from the file.",
        "vi": "{rows} dòng đầu tiên, đúng như đọc được từ tệp.",
    },
    "import.check": {"en": "Check", "vi": "Kiểm tra"},
    "import.check_caption": {
        "en": "{rows} rows read. This is what an import would do; nothing is stored yet.",
        "vi": "Đã đọc {rows} dòng. Đây là kết quả nếu nhập; chưa có gì được lưu.",
    },
    "import.would_insert": {"en": "Would insert", "vi": "Sẽ thêm mới"},
    "import.would_update": {"en": "Would update", "vi": "Sẽ cập nhật"},
    "import.would_keep": {"en": "Unchanged", "vi": "Không đổi"},
    "import.would_reject": {"en": "Would reject", "vi": "Sẽ từ chối"},
    "import.warnings": {"en": "Warnings about this file:", "vi": "Cảnh báo về tệp này:"},
    "import.rejections": {"en": "Rejected rows", "vi": "Các dòng bị từ chối"},
    "import.rejections_caption": {
        "en": "Rows are numbered as a spreadsheet shows them (the header is row 1); in JSON, "
        "the first object is row 1. The valid rows of the file still import.",
        "vi": "Số dòng được đánh như trong bảng tính (dòng tiêu đề là dòng 1); với JSON, đối "
        "tượng đầu tiên là dòng 1. Các dòng hợp lệ của tệp vẫn được nhập.",
    },
    "import.all_valid": {"en": "Every row is valid.", "vi": "Tất cả các dòng đều hợp lệ."},
    "import.download_rejections": {
        "en": "Download the rejected rows (CSV)",
        "vi": "Tải về các dòng bị từ chối (CSV)",
    },
    "import.run": {"en": "Import", "vi": "Nhập"},
    "import.nothing_valid": {
        "en": "The file has no valid row to import.",
        "vi": "Tệp không có dòng hợp lệ nào để nhập.",
    },
    "import.checking": {"en": "Checking every row…", "vi": "Đang kiểm tra từng dòng…"},
    "import.progress": {"en": "Importing… {percent}%", "vi": "Đang nhập… {percent}%"},
    "import.failed": {
        "en": "The import stopped before it finished. Why:",
        "vi": "Quá trình nhập đã dừng trước khi hoàn tất. Lý do:",
    },
    "import.done": {"en": "Import finished.", "vi": "Đã nhập xong."},
    "import.result": {"en": "Result", "vi": "Kết quả"},
    "import.next": {
        "en": "To import another file, choose it above. The Home page shows the new totals.",
        "vi": "Để nhập tệp khác, hãy chọn tệp ở trên. Trang chủ hiển thị số liệu mới.",
    },
}

_NUMBER_SEPARATORS = {"en": (",", "."), "vi": (".", ",")}  # (thousands, decimal)
_DATE_FORMATS = {"en": "%Y-%m-%d", "vi": "%d/%m/%Y"}
# The same patterns in the notation of st.column_config.DatetimeColumn (moment.js).
_TABLE_DATETIME_PATTERNS = {"en": "YYYY-MM-DD HH:mm", "vi": "DD/MM/YYYY HH:mm"}


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str, **kwargs: object) -> str:
    """Return the text of `key` in `lang`, with `{name}` placeholders filled from kwargs."""
    text = CATALOGUE[key][_checked(lang)]
    return text.format(**kwargs) if kwargs else text


def placeholders(text: str) -> set[str]:
    """Return the names of the `{name}` placeholders of a catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def pick_language(requested: str | None, browser_locale: str | None = None) -> str:
    """Return the language asked for, else the browser's when it is Vietnamese, else English."""
    if requested:
        wanted = requested.strip().lower()
        if wanted in LANGUAGES:
            return wanted
    if browser_locale and browser_locale.strip().lower().startswith("vi"):
        return "vi"
    return DEFAULT_LANGUAGE


def format_number(value: float | None, lang: str, *, decimals: int = 0) -> str:
    """Return `value` with the language's separators (en 1,234.5; vi 1.234,5), or MISSING."""
    if value is None:
        return MISSING
    thousands, decimal = _NUMBER_SEPARATORS[_checked(lang)]
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", thousands + decimal))


def format_date(value: date | None, lang: str) -> str:
    """Return the date as the language writes it (en 2026-10-01; vi 01/10/2026), or MISSING."""
    if value is None:
        return MISSING
    return value.strftime(_DATE_FORMATS[_checked(lang)])


def format_datetime(value: datetime | None, lang: str, *, tz: tzinfo | None = None) -> str:
    """Return date and minute (en 2026-10-01 00:05; vi 01/10/2026 00:05) in `tz`, or MISSING."""
    if value is None:
        return MISSING
    if tz is not None:
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be shown in another time zone")
        value = value.astimezone(tz)
    return f"{format_date(value, lang)} {value:%H:%M}"


def table_datetime_pattern(lang: str) -> str:
    """Return the moment.js pattern for datetimes in st.dataframe columns of this language."""
    return _TABLE_DATETIME_PATTERNS[_checked(lang)]
