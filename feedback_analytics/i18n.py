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
    "db.retry": {
        "en": "Once the database is back, the next click tries again. A step this click took "
        "was saved whole or not at all: check it before taking it again.",
        "vi": "Khi cơ sở dữ liệu hoạt động lại, lần bấm tiếp theo sẽ thử lại. Bước vừa thực "
        "hiện hoặc đã được lưu trọn vẹn hoặc chưa được lưu: hãy kiểm tra trước khi làm lại.",
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
    # Overview page.
    "nav.monthly": {"en": "Monthly overview", "vi": "Tổng quan tháng"},
    "about.monthly": {
        "en": "The month's numbers for managers: KPIs against last month, the policy "
        "scorecard, 12-month trends, breakdowns and the records behind each number.",
        "vi": "Số liệu tháng cho quản lý: chỉ số so với tháng trước, thẻ điểm chính sách, "
        "xu hướng 12 tháng, phân tích theo nhóm và các phản hồi đứng sau mỗi con số.",
    },
    "overview.title": {"en": "Monthly overview", "vi": "Tổng quan tháng"},
    "overview.empty": {
        "en": "There are no feedback records yet. Import a file to see the numbers.",
        "vi": "Chưa có phản hồi nào. Hãy nhập một tệp để xem số liệu.",
    },
    "overview.filters": {"en": "Filters", "vi": "Bộ lọc"},
    "overview.month": {"en": "Month", "vi": "Tháng"},
    "overview.period": {"en": "Trend period", "vi": "Khoảng thời gian xu hướng"},
    "overview.period_help": {
        "en": "The months the trend charts show (at most {count}).",
        "vi": "Các tháng mà biểu đồ xu hướng hiển thị (tối đa {count} tháng).",
    },
    "overview.period_too_long": {
        "en": "The trend shows at most {count} months: the last {count} of the period.",
        "vi": "Biểu đồ xu hướng hiển thị tối đa {count} tháng: {count} tháng cuối của khoảng.",
    },
    "overview.all": {"en": "All", "vi": "Tất cả"},
    "overview.caption": {
        "en": "{month}: {records} records received · figures as of {as_of} (company time)",
        "vi": "{month}: đã nhận {records} phản hồi · số liệu tính đến {as_of} (giờ công ty)",
    },
    "overview.filtered": {"en": "Filtered by {filters}", "vi": "Đang lọc theo {filters}"},
    "overview.kpis": {"en": "Key figures", "vi": "Chỉ số chính"},
    "overview.vs": {"en": "vs {month}", "vi": "so với {month}"},
    "overview.n": {"en": "n = {n}", "vi": "n = {n}"},
    "overview.small_sample": {"en": "small sample", "vi": "mẫu nhỏ"},
    "overview.small_sample_help": {
        "en": "⚠ Fewer than {n} records: read this figure with care.",
        "vi": "⚠ Ít hơn {n} bản ghi: cần thận trọng khi đọc con số này.",
    },
    "overview.wilson": {
        "en": "95 % Wilson interval: {low} % to {high} %.",
        "vi": "Khoảng tin cậy Wilson 95 %: từ {low} % đến {high} %.",
    },
    "overview.interval": {"en": "95 % CI {low}–{high} %", "vi": "KTC 95 % {low}–{high} %"},
    "overview.show_records": {"en": "Records", "vi": "Bản ghi"},
    "overview.scorecard": {
        "en": "Policy scorecard ({targets})",
        "vi": "Thẻ điểm chính sách ({targets})",
    },
    "overview.trends": {"en": "Trends", "vi": "Xu hướng"},
    "overview.trend_kpis": {"en": "Figures to chart", "vi": "Chỉ số cần vẽ"},
    "overview.breakdowns": {"en": "Breakdowns", "vi": "Phân tích theo nhóm"},
    "overview.breakdown_by": {"en": "Break down by", "vi": "Phân theo"},
    "overview.breakdown_kpi": {"en": "Figure", "vi": "Chỉ số"},
    "overview.no_records_month": {
        "en": "No records in this month for these filters.",
        "vi": "Không có bản ghi nào trong tháng này với bộ lọc đã chọn.",
    },
    "overview.records": {"en": "Records behind the numbers", "vi": "Các phản hồi đứng sau số liệu"},
    "overview.cohort": {"en": "Records", "vi": "Nhóm bản ghi"},
    "overview.records_count": {
        "en": "{count} records; the newest {shown} shown. Personal data is not shown.",
        "vi": "{count} bản ghi; hiển thị {shown} bản ghi mới nhất. Không hiển thị dữ liệu cá nhân.",
    },
    "overview.choose_cohort": {"en": "Choose a figure", "vi": "Chọn một chỉ số"},
    "overview.records_hint": {
        "en": "Choose a figure here, press Records on a card, or click a month of a trend "
        "chart or a bar of a breakdown to see the records behind it.",
        "vi": "Chọn một chỉ số ở đây, bấm Bản ghi trên một thẻ, hoặc bấm vào một tháng của "
        "biểu đồ xu hướng hay một cột của biểu đồ phân tích để xem các bản ghi đứng sau.",
    },
    "overview.clear_value": {"en": "Clear {value}", "vi": "Bỏ lọc {value}"},
    "overview.download_csv": {"en": "These records (CSV)", "vi": "Các bản ghi này (CSV)"},
    "overview.download_xlsx": {"en": "These records (Excel)", "vi": "Các bản ghi này (Excel)"},
    "overview.downloads": {"en": "Downloads", "vi": "Tải xuống"},
    "overview.download_report_html": {
        "en": "Monthly report (HTML)",
        "vi": "Báo cáo tháng (HTML)",
    },
    "overview.download_report_xlsx": {
        "en": "Monthly report (Excel)",
        "vi": "Báo cáo tháng (Excel)",
    },
    "overview.download_month_csv": {
        "en": "Month's records (CSV)",
        "vi": "Bản ghi của tháng (CSV)",
    },
    "overview.download_month_xlsx": {
        "en": "Month's records (Excel)",
        "vi": "Bản ghi của tháng (Excel)",
    },
    "cohort.intake": {"en": "Received in the month", "vi": "Tiếp nhận trong tháng"},
    "cohort.acknowledged": {
        "en": "Received in the month and acknowledged",
        "vi": "Tiếp nhận trong tháng và đã xác nhận",
    },
    "cohort.acknowledgement_due": {
        "en": "Received in the month, acknowledgement due (within or breached)",
        "vi": "Tiếp nhận trong tháng, đã đến hạn xác nhận (đúng hạn hoặc trễ)",
    },
    "cohort.acknowledged_within": {
        "en": "Acknowledged within the target",
        "vi": "Xác nhận đúng hạn",
    },
    "cohort.acknowledgement_breached": {
        "en": "Acknowledgement target breached",
        "vi": "Trễ hạn xác nhận",
    },
    "cohort.acknowledgement_pending": {
        "en": "Not acknowledged yet, still within the target",
        "vi": "Chưa xác nhận, vẫn còn trong hạn",
    },
    "cohort.eta_given": {
        "en": "Received in the month with a promised date",
        "vi": "Tiếp nhận trong tháng có hẹn thời gian xử lý",
    },
    "cohort.resolved": {"en": "Resolved in the month", "vi": "Đã xử lý xong trong tháng"},
    "cohort.resolved_with_due": {
        "en": "Resolved in the month with a promised date",
        "vi": "Xử lý xong trong tháng có hẹn thời gian",
    },
    "cohort.on_time": {"en": "Resolved on time", "vi": "Xử lý đúng hẹn"},
    "cohort.late": {"en": "Resolved late", "vi": "Xử lý trễ hẹn"},
    "cohort.response_sent": {
        "en": "Resolved in the month, outcome sent",
        "vi": "Xử lý xong trong tháng, đã phản hồi kết quả",
    },
    "cohort.backlog": {"en": "Open at the end of the month", "vi": "Còn tồn cuối tháng"},
    "cohort.survey_responses": {
        "en": "Survey responses in the month",
        "vi": "Khảo sát hài lòng trong tháng",
    },
    "cohort.satisfied": {"en": "Satisfied (4 or 5)", "vi": "Hài lòng (4 hoặc 5)"},
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
    # KPIs, scorecard, dimensions, charts and report files.
    "kpi.intake": {"en": "Feedback received", "vi": "Phản hồi tiếp nhận"},
    "kpi.intake.help": {
        "en": "Records received in the month.",
        "vi": "Số phản hồi nhận được trong tháng.",
    },
    "kpi.ack_compliance": {"en": "Acknowledged on time", "vi": "Xác nhận đúng hạn"},
    "kpi.ack_compliance.help": {
        "en": "100 × acknowledged within the target of the record's priority (SLA settings) ÷ "
        "(acknowledged within the target + breached), records received in the month. Breached "
        "includes records still not acknowledged once the target has passed.",
        "vi": "100 × số được xác nhận trong thời hạn theo mức ưu tiên của phản hồi (cài đặt "
        "SLA) ÷ (số xác nhận trong hạn + số quá hạn), tính trên các phản hồi nhận trong tháng. "
        "Quá hạn gồm cả phản hồi đã quá thời hạn mà vẫn chưa được xác nhận.",
    },
    "kpi.ack_median": {"en": "Time to acknowledge (median)", "vi": "Thời gian xác nhận (trung vị)"},
    "kpi.ack_median.help": {
        "en": "Median of the hours from receipt to acknowledgement, acknowledged records "
        "received in the month.",
        "vi": "Trung vị số giờ từ lúc nhận đến lúc xác nhận, tính trên các phản hồi nhận trong "
        "tháng đã được xác nhận.",
    },
    "kpi.resolution_median": {
        "en": "Time to resolve (median)",
        "vi": "Thời gian giải quyết (trung vị)",
    },
    "kpi.resolution_median.help": {
        "en": "Median of the hours from receipt to resolution, records resolved in the month.",
        "vi": "Trung vị số giờ từ lúc nhận đến lúc giải quyết xong, tính trên các phản hồi "
        "được giải quyết trong tháng.",
    },
    "kpi.resolution_p90": {
        "en": "Time to resolve (90th percentile)",
        "vi": "Thời gian giải quyết (phân vị 90)",
    },
    "kpi.resolution_p90.help": {
        "en": "90th percentile of the hours from receipt to resolution, records resolved in the "
        "month: nine in ten were resolved within this time.",
        "vi": "Phân vị 90 của số giờ từ lúc nhận đến lúc giải quyết xong, tính trên các phản hồi "
        "được giải quyết trong tháng: cứ mười phản hồi thì chín được giải quyết trong khoảng "
        "thời gian này.",
    },
    "kpi.on_time": {"en": "Resolved on time", "vi": "Giải quyết đúng hẹn"},
    "kpi.on_time.help": {
        "en": "100 × resolved by the time promised to the customer ÷ (on time + late), records "
        "resolved in the month that had a promised time.",
        "vi": "100 × số được giải quyết trước thời điểm đã hẹn với khách hàng ÷ (đúng hẹn + trễ "
        "hẹn), tính trên các phản hồi được giải quyết trong tháng có thời điểm hẹn.",
    },
    "kpi.backlog": {"en": "Open at month end", "vi": "Tồn đọng cuối tháng"},
    "kpi.backlog.help": {
        "en": "Records received and not yet resolved at the end of the month (or at the "
        "report time, if that is earlier).",
        "vi": "Số phản hồi đã nhận mà chưa được giải quyết tại thời điểm cuối tháng (hoặc tại "
        "thời điểm lập báo cáo, nếu sớm hơn).",
    },
    "kpi.csat": {"en": "Customer satisfaction (CSAT)", "vi": "Mức độ hài lòng (CSAT)"},
    "kpi.csat.help": {
        "en": "100 × survey responses scoring 4 or 5 ÷ all survey responses, responses given "
        "in the month.",
        "vi": "100 × số phiếu khảo sát chấm 4 hoặc 5 điểm ÷ tổng số phiếu, tính trên các phiếu "
        "trả lời trong tháng.",
    },
    "kpi.mean_score": {"en": "Average satisfaction score", "vi": "Điểm hài lòng trung bình"},
    "kpi.mean_score.help": {
        "en": "Mean survey score (1 to 5), responses given in the month.",
        "vi": "Điểm khảo sát trung bình (thang 1 đến 5), tính trên các phiếu trả lời trong tháng.",
    },
    "kpi.response_rate": {"en": "Survey response rate", "vi": "Tỷ lệ trả lời khảo sát"},
    "kpi.response_rate.help": {
        "en": "100 × records resolved in the month that have a survey response ÷ records "
        "resolved in the month.",
        "vi": "100 × số phản hồi được giải quyết trong tháng có phiếu khảo sát ÷ tổng số phản "
        "hồi được giải quyết trong tháng.",
    },
    "scorecard.acknowledged_within_target": {
        "en": "Acknowledged within the target",
        "vi": "Xác nhận trong thời hạn",
    },
    "scorecard.acknowledged_within_target.help": {
        "en": "Records received in the month and acknowledged within the target of their "
        "priority (SLA settings), of those acknowledged or already past the target.",
        "vi": "Số phản hồi nhận trong tháng được xác nhận trong thời hạn theo mức ưu tiên "
        "(cài đặt SLA), trên tổng số đã được xác nhận hoặc đã quá thời hạn.",
    },
    "scorecard.eta_given": {
        "en": "Promised a resolution time",
        "vi": "Đã hẹn thời gian xử lý",
    },
    "scorecard.eta_given.help": {
        "en": "Records received in the month for which the customer was promised a processing "
        "time, of all records received in the month.",
        "vi": "Số phản hồi nhận trong tháng đã được hẹn thời gian xử lý với khách hàng, trên "
        "tổng số phản hồi nhận trong tháng.",
    },
    "scorecard.eta_met": {"en": "Promised time kept", "vi": "Xử lý đúng hẹn"},
    "scorecard.eta_met.help": {
        "en": "Records resolved in the month by the promised time, of those resolved in the "
        "month that had one.",
        "vi": "Số phản hồi được giải quyết trong tháng trước thời điểm đã hẹn, trên tổng số "
        "phản hồi giải quyết trong tháng có thời điểm hẹn.",
    },
    "scorecard.response_sent": {
        "en": "Reply sent to the customer",
        "vi": "Đã trả lời khách hàng",
    },
    "scorecard.response_sent.help": {
        "en": "Records resolved in the month for which a reply was sent to the customer, of "
        "all records resolved in the month.",
        "vi": "Số phản hồi được giải quyết trong tháng đã gửi câu trả lời cho khách hàng, trên "
        "tổng số phản hồi giải quyết trong tháng.",
    },
    "dimension.channel": {"en": "Channel", "vi": "Kênh tiếp nhận"},
    "dimension.category": {"en": "Category", "vi": "Phân loại"},
    "dimension.priority": {"en": "Priority", "vi": "Mức ưu tiên"},
    "dimension.department": {"en": "Department", "vi": "Phòng ban"},
    "dimension.product": {"en": "Product", "vi": "Sản phẩm"},
    "value.not_set": {"en": "Not set", "vi": "Chưa xác định"},
    "priority.urgent": {"en": "Urgent", "vi": "Khẩn cấp"},
    "priority.high": {"en": "High", "vi": "Cao"},
    "priority.normal": {"en": "Normal", "vi": "Bình thường"},
    "priority.low": {"en": "Low", "vi": "Thấp"},
    "chart.trend_title": {
        "en": "{kpi}, last {count} months",
        "vi": "{kpi}, {count} tháng gần nhất",
    },
    "chart.breakdown_title": {
        "en": "{kpi} by {dimension}, {month}",
        "vi": "{kpi} theo {dimension}, tháng {month}",
    },
    "chart.scorecard_title": {
        "en": "Policy promises kept, {month}",
        "vi": "Thực hiện cam kết chính sách, tháng {month}",
    },
    "chart.axis.month": {"en": "Month", "vi": "Tháng"},
    "chart.axis.count": {"en": "Records", "vi": "Số phản hồi"},
    "chart.axis.pct": {"en": "%", "vi": "%"},
    "chart.axis.hours": {"en": "Hours", "vi": "Giờ"},
    "chart.axis.score": {"en": "Score (1–5)", "vi": "Điểm (1–5)"},
    "chart.value.count": {"en": "{value}", "vi": "{value}"},
    "chart.value.pct": {"en": "{value}%", "vi": "{value}%"},
    "chart.value.hours": {"en": "{value} h", "vi": "{value} giờ"},
    "chart.value.score": {"en": "{value} / 5", "vi": "{value} / 5"},
    "chart.change.count": {"en": "{value}", "vi": "{value}"},
    "chart.change.pct": {"en": "{value} pp", "vi": "{value} điểm %"},
    "chart.change.hours": {"en": "{value} h", "vi": "{value} giờ"},
    "chart.change.score": {"en": "{value}", "vi": "{value}"},
    "chart.sample": {"en": "n = {n}", "vi": "n = {n}"},
    "chart.small_sample": {
        "en": "small sample (n < {limit})",
        "vi": "cỡ mẫu nhỏ (n < {limit})",
    },
    "report.title": {
        "en": "Customer feedback report, {month}",
        "vi": "Báo cáo phản hồi khách hàng tháng {month}",
    },
    "report.as_of": {
        "en": "Figures as of {as_of}, company local time ({zone}).",
        "vi": "Số liệu tính đến {as_of}, theo giờ công ty ({zone}).",
    },
    "report.kpis": {"en": "Key figures", "vi": "Các chỉ số chính"},
    "report.column.kpi": {"en": "Figure", "vi": "Chỉ số"},
    "report.column.unit": {"en": "Unit", "vi": "Đơn vị"},
    "report.column.this_month": {"en": "This month", "vi": "Tháng này"},
    "report.column.previous": {"en": "Previous month", "vi": "Tháng trước"},
    "report.column.change": {"en": "Change", "vi": "Thay đổi"},
    "report.column.n": {"en": "n (records behind it)", "vi": "n (số bản ghi tính)"},
    "report.column.note": {"en": "Note", "vi": "Ghi chú"},
    "report.column.month": {"en": "Month", "vi": "Tháng"},
    "report.column.value": {"en": "Value", "vi": "Giá trị"},
    "report.column.definition": {"en": "Definition", "vi": "Định nghĩa"},
    "report.column.promise": {"en": "Promise", "vi": "Cam kết"},
    "report.column.share": {"en": "Share (%)", "vi": "Tỷ lệ (%)"},
    "report.column.count": {"en": "Kept", "vi": "Đạt"},
    "report.column.of": {"en": "Of", "vi": "Trên tổng"},
    "report.column.count_of": {"en": "Count of n", "vi": "Số đạt trên tổng"},
    "report.column.resolved": {"en": "Resolved", "vi": "Đã giải quyết"},
    "report.column.responses": {"en": "Survey responses", "vi": "Phiếu khảo sát"},
    "report.column.low": {"en": "Lower bound", "vi": "Cận dưới"},
    "report.column.high": {"en": "Upper bound", "vi": "Cận trên"},
    "report.unit.count": {"en": "records", "vi": "phản hồi"},
    "report.unit.pct": {"en": "%", "vi": "%"},
    "report.unit.hours": {"en": "hours", "vi": "giờ"},
    "report.unit.score": {"en": "score 1–5", "vi": "điểm 1–5"},
    "report.count_of": {"en": "{count} of {total}", "vi": "{count} trên {total}"},
    "report.csat_interval": {
        "en": "CSAT, 95% confidence interval (Wilson)",
        "vi": "CSAT, khoảng tin cậy 95% (Wilson)",
    },
    "report.csat_interval_text": {
        "en": "CSAT 95% confidence interval (Wilson): {low} to {high}.",
        "vi": "Khoảng tin cậy 95% của CSAT (Wilson): từ {low} đến {high}.",
    },
    "report.scorecard": {"en": "Policy scorecard", "vi": "Thực hiện cam kết chính sách"},
    "report.trend": {"en": "Trend over {count} months", "vi": "Xu hướng {count} tháng"},
    "report.breakdowns": {"en": "Breakdowns", "vi": "Phân tích theo nhóm"},
    "report.breakdown_caption": {
        "en": "Figures of {month} per {dimension}; a value with no records in the month is "
        "left out.",
        "vi": "Số liệu tháng {month} theo {dimension}; giá trị không có phản hồi nào trong "
        "tháng được bỏ qua.",
    },
    "report.definitions": {"en": "How each number is defined", "vi": "Cách tính từng chỉ số"},
    "report.cohorts": {
        "en": "A month is a calendar month in company local time ({zone}). Intake and "
        "acknowledgement count the records received in the month; resolution, the records "
        "resolved in it; satisfaction, the survey responses given in it; the backlog, the "
        "records received and not resolved at the end of the month (or at the report time, "
        "if earlier). Anything stamped after the report time counts as not yet happened. A "
        "rate, median or mean over no records has no value (— or an empty cell), never 0.",
        "vi": "Một tháng là tháng dương lịch theo giờ công ty ({zone}). Tiếp nhận và xác nhận "
        "tính trên các phản hồi nhận trong tháng; giải quyết, trên các phản hồi được giải "
        "quyết trong tháng; mức độ hài lòng, trên các phiếu khảo sát trả lời trong tháng; tồn "
        "đọng, trên các phản hồi đã nhận mà chưa giải quyết tại cuối tháng (hoặc tại thời điểm "
        "lập báo cáo, nếu sớm hơn). Mọi sự kiện ghi nhận sau thời điểm lập báo cáo được coi "
        "như chưa xảy ra. Tỷ lệ, trung vị hay giá trị trung bình khi không có bản ghi nào "
        "thì không có giá trị (— hoặc ô trống), không bao giờ là 0.",
    },
    "report.docs": {
        "en": "The full definitions are in docs/metrics.md of the Feedback Analytics repository.",
        "vi": "Định nghĩa đầy đủ nằm trong tệp docs/metrics.md của kho mã Feedback Analytics.",
    },
    "report.sheet.summary": {"en": "Summary", "vi": "Tổng quan"},
    "report.sheet.trend": {"en": "Trend", "vi": "Xu hướng"},
    "report.sheet.definitions": {"en": "Definitions", "vi": "Định nghĩa"},
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


# The classifier's pages: Categories, Review queue, Model.
CATALOGUE.update(
    {
        "nav.categories": {"en": "Categories", "vi": "Danh mục"},
        "nav.review": {"en": "Review queue", "vi": "Hàng chờ duyệt"},
        "nav.classifier": {"en": "Classifier", "vi": "Bộ phân loại"},
        "about.categories": {
            "en": "For quality teams: feedback per category and month, the terms behind each "
            "category, its records, and new themes among what no category fits.",
            "vi": "Cho nhóm chất lượng: phản hồi theo danh mục và tháng, các từ đặc trưng của "
            "từng danh mục, các bản ghi, và chủ đề mới trong những phản hồi chưa khớp danh mục.",
        },
        "about.review": {
            "en": "Confirm or correct the categories the classifier was unsure of, least sure "
            "first.",
            "vi": "Xác nhận hoặc sửa danh mục mà bộ phân loại chưa chắc chắn, bắt đầu từ bản ghi "
            "kém chắc chắn nhất.",
        },
        "about.classifier": {
            "en": "How good the classifier is per category, its history; retrain it and choose "
            "which model is active.",
            "vi": "Chất lượng bộ phân loại theo từng danh mục, lịch sử mô hình; huấn luyện lại và "
            "chọn mô hình đang dùng.",
        },
        "field.category": {"en": "Category", "vi": "Danh mục"},
        "column.category_source": {"en": "Source", "vi": "Nguồn phân loại"},
        "column.category_confidence": {"en": "Confidence", "vi": "Độ tin cậy"},
        "column.predicted_category": {"en": "Suggested", "vi": "Đề xuất"},
        "column.predicted_confidence": {"en": "Confidence", "vi": "Độ tin cậy"},
        "column.model_version": {"en": "Model", "vi": "Mô hình"},
        # The store's own number of a feedback (the #1234 of the pages), beside its source's id.
        "field.id": {"en": "No.", "vi": "Số"},
        "field.external_id": {"en": "Id", "vi": "Mã"},
        "field.channel": {"en": "Channel", "vi": "Kênh"},
        "field.received_at": {"en": "Received", "vi": "Nhận lúc"},
        "field.product": {"en": "Product", "vi": "Sản phẩm"},
        "field.current_feature": {"en": "Current feature", "vi": "Tính năng hiện tại"},
        "field.proposal": {"en": "Proposal", "vi": "Đề xuất cải tiến"},
        "field.reason": {"en": "Reason", "vi": "Lý do"},
        "column.label": {"en": "Category", "vi": "Danh mục"},
        "column.precision": {"en": "Precision", "vi": "Độ chính xác"},
        "column.recall": {"en": "Recall", "vi": "Độ bao phủ"},
        "column.f1": {"en": "F1", "vi": "F1"},
        "column.support": {"en": "Records", "vi": "Số bản ghi"},
        "column.corrected_f1": {"en": "F1 on reviews", "vi": "F1 theo duyệt"},
        "column.reviewed": {"en": "Reviewed", "vi": "Đã duyệt"},
        "column.version": {"en": "Version", "vi": "Phiên bản"},
        "column.created_at": {"en": "Trained", "vi": "Huấn luyện lúc"},
        "column.created_by": {"en": "By", "vi": "Bởi"},
        "column.n_train": {"en": "Trained on", "vi": "Số mẫu huấn luyện"},
        "column.n_labels": {"en": "Categories", "vi": "Số danh mục"},
        "column.accuracy": {"en": "CV accuracy", "vi": "Độ chính xác (kiểm định chéo)"},
        "column.macro_f1": {"en": "CV macro-F1", "vi": "Macro-F1 (kiểm định chéo)"},
        "column.active": {"en": "Active", "vi": "Đang dùng"},
        "category_source.human": {"en": "Person", "vi": "Người duyệt"},
        "category_source.model": {"en": "Classifier", "vi": "Bộ phân loại"},
        "classifier.no_model": {
            "en": "No classifier is active yet. Train one on the Classifier page (it needs "
            "records with a category given by a person).",
            "vi": "Chưa có bộ phân loại nào được dùng. Hãy huấn luyện trên trang Bộ phân loại "
            "(cần các bản ghi đã được người duyệt gán danh mục).",
        },
        "categories.title": {"en": "Categories", "vi": "Danh mục phản hồi"},
        "categories.months": {"en": "Months shown", "vi": "Số tháng hiển thị"},
        "categories.trend": {
            "en": "Feedback per category and month",
            "vi": "Phản hồi theo danh mục và tháng",
        },
        "categories.distribution": {
            "en": "Categories in {month}",
            "vi": "Danh mục trong {month}",
        },
        "categories.pick": {"en": "Category", "vi": "Danh mục"},
        "categories.terms": {
            "en": "Terms that point to this category",
            "vi": "Các từ đặc trưng của danh mục",
        },
        "categories.no_terms": {
            "en": "The active model does not know this category.",
            "vi": "Mô hình đang dùng không có danh mục này.",
        },
        "categories.records": {
            "en": "Newest records of this category",
            "vi": "Các bản ghi mới nhất của danh mục",
        },
        "categories.themes": {"en": "New themes", "vi": "Chủ đề mới"},
        "categories.themes_help": {
            "en": "Groups the newest uncategorised and low-confidence feedback by the words "
            "they share, so you can see whether a new category is needed.",
            "vi": "Gom các phản hồi mới nhất chưa phân loại hoặc có độ tin cậy thấp theo những "
            "từ chung, để xem có cần thêm danh mục mới không.",
        },
        "categories.find_themes": {"en": "Find themes", "vi": "Tìm chủ đề"},
        "categories.no_themes": {
            "en": "Too few uncategorised or low-confidence texts to group.",
            "vi": "Quá ít phản hồi chưa phân loại hoặc có độ tin cậy thấp để gom nhóm.",
        },
        "categories.theme": {
            "en": "Theme {number}: {size} records · {terms}",
            "vi": "Chủ đề {number}: {size} bản ghi · {terms}",
        },
        "categories.empty": {
            "en": "No feedback is stored yet.",
            "vi": "Chưa có phản hồi nào trong kho.",
        },
        "review.title": {"en": "Review queue", "vi": "Hàng chờ duyệt"},
        "review.count": {
            "en": "{count} records await review: the classifier was less than {threshold} sure.",
            "vi": "{count} bản ghi đang chờ duyệt: bộ phân loại chắc chắn dưới {threshold}.",
        },
        "review.empty": {
            "en": "Nothing to review: every prediction is confident or confirmed.",
            "vi": "Không có gì cần duyệt: mọi dự đoán đều đủ tin cậy hoặc đã được xác nhận.",
        },
        "review.pick": {"en": "Record to review", "vi": "Bản ghi cần duyệt"},
        "review.suggested": {
            "en": "Suggested: {category} ({confidence} sure)",
            "vi": "Đề xuất: {category} (tin cậy {confidence})",
        },
        "review.why": {"en": "Why this category", "vi": "Vì sao chọn danh mục này"},
        "review.no_why": {
            "en": "No word of this text points to the category; the decision came from "
            "letter patterns.",
            "vi": "Không có từ nào của văn bản chỉ tới danh mục; quyết định đến từ các mẫu ký tự.",
        },
        "review.choose": {"en": "Category", "vi": "Danh mục"},
        "review.new": {"en": "Or a new category", "vi": "Hoặc danh mục mới"},
        "review.confirm": {"en": "Save category", "vi": "Lưu danh mục"},
        "review.saved": {
            "en": "Record {id} is now '{category}' (a person's label).",
            "vi": "Bản ghi {id} đã được gán '{category}' (do người duyệt).",
        },
        "review.refused": {"en": "Not saved: {reason}", "vi": "Chưa lưu: {reason}"},
        "model.title": {"en": "Classifier", "vi": "Bộ phân loại"},
        "model.active": {
            "en": "Active model {version}, trained {when} on {n} labelled records "
            "({labels} categories).",
            "vi": "Mô hình đang dùng {version}, huấn luyện lúc {when} trên {n} bản ghi đã gán "
            "nhãn ({labels} danh mục).",
        },
        "model.quality": {"en": "Quality per category", "vi": "Chất lượng theo danh mục"},
        "model.quality_help": {
            "en": "Precision, recall and F1 from cross-validation on the training labels; "
            "'F1 on reviews' compares the model's suggestions with what reviewers decided "
            "since it went live.",
            "vi": "Độ chính xác, độ bao phủ và F1 từ kiểm định chéo trên dữ liệu huấn luyện; "
            "'F1 theo duyệt' so sánh đề xuất của mô hình với quyết định của người duyệt kể từ "
            "khi mô hình được dùng.",
        },
        "model.confusion": {
            "en": "Confusion matrix (cross-validation)",
            "vi": "Ma trận nhầm lẫn (kiểm định chéo)",
        },
        "model.history": {"en": "Models", "vi": "Các mô hình"},
        "model.retrain": {"en": "Train a new model", "vi": "Huấn luyện mô hình mới"},
        "model.retrain_help": {
            "en": "Learns from every record a person has categorised. The new model is "
            "stored beside the active one; you choose whether to activate it.",
            "vi": "Học từ mọi bản ghi do người duyệt gán danh mục. Mô hình mới được lưu cạnh mô "
            "hình đang dùng; bạn chọn có kích hoạt hay không.",
        },
        "model.training": {"en": "Training… {percent}%", "vi": "Đang huấn luyện… {percent}%"},
        "model.trained": {
            "en": "Model {version} trained: accuracy {accuracy}, macro-F1 {macro_f1} "
            "(cross-validated).",
            "vi": "Đã huấn luyện mô hình {version}: độ chính xác {accuracy}, macro-F1 {macro_f1} "
            "(kiểm định chéo).",
        },
        "model.refused": {
            "en": "Training refused: {reason}",
            "vi": "Không huấn luyện được: {reason}",
        },
        "model.compare": {
            "en": "New model beside the active one",
            "vi": "So sánh mô hình mới với mô hình đang dùng",
        },
        "model.pick": {"en": "Model to activate", "vi": "Mô hình cần kích hoạt"},
        "model.activate": {"en": "Activate and recategorise", "vi": "Kích hoạt và phân loại lại"},
        "model.activated": {
            "en": "Model {version} is active: {classified} records categorised, {to_review} to "
            "review.",
            "vi": "Mô hình {version} đã được dùng: {classified} bản ghi được phân loại, "
            "{to_review} cần duyệt.",
        },
        "model.no_reviews": {
            "en": "No reviewer has decided on this model's suggestions yet.",
            "vi": "Chưa có người duyệt nào quyết định về đề xuất của mô hình này.",
        },
        "model.figure": {"en": "Figure", "vi": "Chỉ số"},
        "model.new": {"en": "New", "vi": "Mới"},
        "model.current": {"en": "Active", "vi": "Đang dùng"},
        "chart.axis.predicted": {"en": "Predicted", "vi": "Dự đoán"},
        "chart.axis.actual": {"en": "Actual", "vi": "Thực tế"},
    }
)

# Sign-in, roles, privacy and the audit log.
CATALOGUE.update(
    {
        "auth.title": {"en": "Sign in", "vi": "Đăng nhập"},
        "auth.intro": {
            "en": "Feedback Analytics holds customers' personal data: sign in to continue.",
            "vi": "Feedback Analytics chứa dữ liệu cá nhân của khách hàng: hãy đăng nhập để "
            "tiếp tục.",
        },
        "auth.email": {"en": "Email", "vi": "Email"},
        "auth.password": {"en": "Password", "vi": "Mật khẩu"},
        "auth.password_again": {"en": "Password again", "vi": "Nhập lại mật khẩu"},
        "auth.name": {"en": "Name", "vi": "Họ tên"},
        "auth.submit": {"en": "Sign in", "vi": "Đăng nhập"},
        "auth.sso": {"en": "Sign in with single sign-on", "vi": "Đăng nhập một lần (SSO)"},
        "auth.sso_or": {
            "en": "Or sign in with a local account:",
            "vi": "Hoặc đăng nhập bằng tài khoản nội bộ:",
        },
        "auth.refused.credentials": {
            "en": "Email or password is wrong.",
            "vi": "Email hoặc mật khẩu không đúng.",
        },
        "auth.refused.locked": {
            "en": "Too many failed sign-ins: this account is locked for {minutes} more minutes. "
            "An administrator can unlock it by setting a new password.",
            "vi": "Đăng nhập sai quá nhiều lần: tài khoản bị khóa thêm {minutes} phút. Quản trị "
            "viên có thể mở khóa bằng cách đặt mật khẩu mới.",
        },
        "auth.refused.wait": {
            "en": "Too many failed sign-ins: wait {seconds} seconds before trying again.",
            "vi": "Đăng nhập sai nhiều lần: hãy chờ {seconds} giây rồi thử lại.",
        },
        "auth.refused.inactive": {
            "en": "This account is deactivated. Ask an administrator.",
            "vi": "Tài khoản này đã bị vô hiệu hóa. Hãy liên hệ quản trị viên.",
        },
        "auth.refused.no_password": {
            "en": "This account signs in with single sign-on only.",
            "vi": "Tài khoản này chỉ đăng nhập bằng đăng nhập một lần (SSO).",
        },
        "auth.refused.sso_unknown": {
            "en": "{email} has no account here. Ask an administrator to add it with a role.",
            "vi": "{email} chưa có tài khoản. Hãy nhờ quản trị viên thêm email này kèm vai trò.",
        },
        "auth.expired": {
            "en": "Your session expired. Sign in again.",
            "vi": "Phiên làm việc đã hết hạn. Hãy đăng nhập lại.",
        },
        "auth.signed_in_as": {
            "en": "Signed in as {email} ({role})",
            "vi": "Đăng nhập: {email} ({role})",
        },
        "auth.sign_out": {"en": "Sign out", "vi": "Đăng xuất"},
        "auth.first.title": {
            "en": "Create the first administrator",
            "vi": "Tạo quản trị viên đầu tiên",
        },
        "auth.first.intro": {
            "en": "No account exists yet. The first account administers the others; "
            "choose a password of at least 12 characters.",
            "vi": "Chưa có tài khoản nào. Tài khoản đầu tiên quản lý các tài khoản khác; mật "
            "khẩu cần ít nhất 12 ký tự.",
        },
        "auth.first.submit": {"en": "Create and sign in", "vi": "Tạo và đăng nhập"},
        "auth.mismatch": {
            "en": "The two passwords differ.",
            "vi": "Hai mật khẩu không khớp.",
        },
        "role.admin": {"en": "administrator", "vi": "quản trị viên"},
        "role.manager": {"en": "manager", "vi": "quản lý"},
        "role.quality": {"en": "quality team", "vi": "nhóm chất lượng"},
        "role.staff": {"en": "staff", "vi": "nhân viên"},
        "access.refused": {
            "en": "Your role ({role}) cannot open this page. Ask an administrator if your work "
            "needs it.",
            "vi": "Vai trò của bạn ({role}) không được mở trang này. Hãy hỏi quản trị viên nếu "
            "công việc cần.",
        },
        "nav.record": {"en": "Record", "vi": "Bản ghi"},
        "nav.users": {"en": "Users", "vi": "Người dùng"},
        "nav.audit": {"en": "Audit log", "vi": "Nhật ký kiểm toán"},
        "about.record": {
            "en": "One feedback: its texts, status, category and the customer's contact, "
            "masked unless your role handles it.",
            "vi": "Một phản hồi: nội dung, trạng thái, danh mục và liên hệ của khách hàng, được "
            "che nếu vai trò của bạn không xử lý nó.",
        },
        "about.users": {
            "en": "For administrators: accounts, roles, passwords.",
            "vi": "Cho quản trị viên: tài khoản, vai trò, mật khẩu.",
        },
        "about.audit": {
            "en": "For administrators: who signed in, revealed, downloaded, imported or changed "
            "what, and when.",
            "vi": "Cho quản trị viên: ai đã đăng nhập, xem dữ liệu ẩn, tải xuống, nhập hoặc "
            "thay đổi gì, và khi nào.",
        },
    }
)

CATALOGUE.update(
    {
        "users.title": {"en": "Users", "vi": "Người dùng"},
        "users.role": {"en": "Role", "vi": "Vai trò"},
        "users.active": {"en": "Active", "vi": "Đang hoạt động"},
        "users.local_password": {"en": "Local password", "vi": "Mật khẩu nội bộ"},
        "users.create": {"en": "Add a user", "vi": "Thêm người dùng"},
        "users.edit": {"en": "Change a user", "vi": "Sửa người dùng"},
        "users.pick": {"en": "User", "vi": "Người dùng"},
        "users.password_optional": {
            "en": "Password (leave empty for single sign-on only)",
            "vi": "Mật khẩu (để trống nếu chỉ đăng nhập một lần)",
        },
        "users.new_password": {
            "en": "New password (leave empty to keep; setting one unlocks the account)",
            "vi": "Mật khẩu mới (để trống để giữ nguyên; đặt mới sẽ mở khóa tài khoản)",
        },
        "users.save": {"en": "Save", "vi": "Lưu"},
        "users.created": {"en": "{email} was added.", "vi": "Đã thêm {email}."},
        "users.saved": {"en": "{email} was changed.", "vi": "Đã sửa {email}."},
        "audit.title": {"en": "Audit log", "vi": "Nhật ký kiểm toán"},
        "audit.intro": {
            "en": "Every sign-in (also failed), reveal, download, import, category, survey, "
            "setting and user change. The log is append-only: the database refuses to change "
            "or delete an entry.",
            "vi": "Mọi lần đăng nhập (cả thất bại), xem dữ liệu ẩn, tải xuống, nhập dữ liệu, "
            "thay đổi danh mục, khảo sát, cài đặt và người dùng. Nhật ký chỉ được ghi thêm: cơ "
            "sở dữ liệu từ chối sửa hoặc xóa.",
        },
        "audit.period": {"en": "Period", "vi": "Khoảng thời gian"},
        "audit.actor": {"en": "Who", "vi": "Ai"},
        "audit.actions": {"en": "Actions", "vi": "Hành động"},
        "audit.feedback_id": {
            "en": "Feedback id (0: all)",
            "vi": "Mã phản hồi (0: tất cả)",
        },
        "audit.count": {"en": "{count} events", "vi": "{count} sự kiện"},
        "record.title": {"en": "Record", "vi": "Bản ghi"},
        "record.id": {"en": "Feedback id", "vi": "Mã phản hồi"},
        "record.pick": {
            "en": "Enter a feedback id (the id column of any table).",
            "vi": "Nhập mã phản hồi (cột id của các bảng).",
        },
        "record.none": {"en": "There is no feedback {id}.", "vi": "Không có phản hồi {id}."},
        "record.contact": {"en": "Customer contact", "vi": "Liên hệ của khách hàng"},
        "record.no_contact": {
            "en": "This feedback came without contact details.",
            "vi": "Phản hồi này không kèm thông tin liên hệ.",
        },
        "record.contact_shown": {
            "en": "Shown because your role handles feedback, or you revealed it (logged).",
            "vi": "Hiển thị vì vai trò của bạn xử lý phản hồi, hoặc bạn đã yêu cầu xem (có ghi "
            "nhật ký).",
        },
        "record.masked": {
            "en": "Personal data is masked for your role.",
            "vi": "Dữ liệu cá nhân được che với vai trò của bạn.",
        },
        "record.reveal_reason": {
            "en": "Why do you need the contact data? (logged, at least 10 characters)",
            "vi": "Vì sao bạn cần dữ liệu liên hệ? (được ghi nhật ký, ít nhất 10 ký tự)",
        },
        "record.reveal": {"en": "Reveal", "vi": "Hiện dữ liệu"},
        "field.customer_name": {"en": "Name", "vi": "Họ tên"},
        "field.customer_phone": {"en": "Phone", "vi": "Điện thoại"},
        "field.customer_email": {"en": "Email", "vi": "Email"},
        "field.customer_address": {"en": "Address", "vi": "Địa chỉ"},
        "column.at": {"en": "When", "vi": "Thời điểm"},
        "column.actor": {"en": "Who", "vi": "Ai"},
        "column.action": {"en": "Action", "vi": "Hành động"},
        "column.feedback_id": {"en": "Feedback id", "vi": "Mã phản hồi"},
        "column.details": {"en": "Details", "vi": "Chi tiết"},
    }
)

# The operations pages (issue 6): the navigation entries of every page, then one block each.
CATALOGUE.update(
    {
        "nav.intake": {"en": "Intake", "vi": "Tiếp nhận"},
        "about.intake": {
            "en": "Feedback volume by day, week and month, by channel, category, priority and "
            "product; when it arrives; categories far above their usual volume.",
            "vi": "Lượng phản hồi theo ngày, tuần, tháng, theo kênh, danh mục, mức ưu tiên và "
            "sản phẩm; thời điểm tiếp nhận; các danh mục tăng vọt so với thường lệ.",
        },
        "nav.sla": {"en": "Processing and SLA", "vi": "Xử lý và SLA"},
        "about.sla": {
            "en": "Acknowledgement and resolution times against the targets, the compliance "
            "trend, and the lists of breached and at-risk feedback to work from.",
            "vi": "Thời gian xác nhận và giải quyết so với chỉ tiêu, xu hướng tuân thủ, và danh "
            "sách phản hồi đã quá hạn hoặc sắp quá hạn cần xử lý.",
        },
        "nav.satisfaction": {"en": "Satisfaction", "vi": "Mức độ hài lòng"},
        "about.satisfaction": {
            "en": "Survey scores, CSAT and response rate, their trend and breakdowns, the "
            "comments, and the categories that pull satisfaction down.",
            "vi": "Điểm khảo sát, CSAT và tỷ lệ phản hồi khảo sát, xu hướng và phân tích theo "
            "nhóm, các góp ý, và những danh mục kéo mức hài lòng xuống.",
        },
        "nav.sla_settings": {"en": "SLA settings", "vi": "Cài đặt SLA"},
        "about.sla_settings": {
            "en": "The acknowledgement and resolution targets per priority, and the optional "
            "working-hours calendar with Vietnamese public holidays.",
            "vi": "Chỉ tiêu thời gian xác nhận và giải quyết theo mức ưu tiên, và lịch giờ làm "
            "việc tùy chọn có ngày lễ của Việt Nam.",
        },
        "nav.survey": {"en": "Survey entry", "vi": "Nhập khảo sát"},
        "about.survey": {
            "en": "For staff: find a resolved feedback and enter the customer's survey score "
            "and comment, or upload a file of survey results.",
            "vi": "Cho nhân viên: tìm phản hồi đã giải quyết và nhập điểm, góp ý khảo sát của "
            "khách hàng, hoặc tải lên tệp kết quả khảo sát.",
        },
        "nav.new": {"en": "New feedback", "vi": "Phản hồi mới"},
        "about.new": {
            "en": "For staff: record a feedback taken by phone or in person, with the "
            "policy's required information; the classifier suggests its category.",
            "vi": "Cho nhân viên: ghi nhận phản hồi nhận qua điện thoại hoặc trực tiếp, với "
            "các thông tin chính sách yêu cầu; bộ phân loại gợi ý danh mục.",
        },
    }
)

# Intake, Processing and SLA, Satisfaction, SLA settings pages.
CATALOGUE.update(
    {
        "ops.months": {
            "en": "Months shown",
            "vi": "Số tháng hiển thị",
        },
        "ops.records_count": {
            "en": "{count} records; the newest {shown} are listed.",
            "vi": "{count} phản hồi; liệt kê {shown} phản hồi mới nhất.",
        },
        "ops.responses": {
            "en": "Survey responses",
            "vi": "Phiếu khảo sát",
        },
        "column.age_hours": {
            "en": "Age (hours)",
            "vi": "Tuổi (giờ)",
        },
        "intake.title": {
            "en": "Intake",
            "vi": "Tiếp nhận",
        },
        "intake.period": {
            "en": "Per",
            "vi": "Theo",
        },
        "intake.period.day": {
            "en": "Day",
            "vi": "Ngày",
        },
        "intake.period.week": {
            "en": "Week",
            "vi": "Tuần",
        },
        "intake.period.month": {
            "en": "Month",
            "vi": "Tháng",
        },
        "intake.by": {
            "en": "Split by",
            "vi": "Chia theo",
        },
        "intake.by_none": {
            "en": "Nothing (total)",
            "vi": "Không chia (tổng)",
        },
        "intake.count": {
            "en": "Feedback received",
            "vi": "Số phản hồi",
        },
        "intake.click": {
            "en": "Click a bar to list its records below.",
            "vi": "Bấm vào một cột để xem các phản hồi của nó ở bên dưới.",
        },
        "intake.heatmap": {
            "en": "When feedback arrives (weekday × hour, company time)",
            "vi": "Thời điểm tiếp nhận (thứ × giờ, giờ công ty)",
        },
        "intake.hour": {
            "en": "Hour",
            "vi": "Giờ",
        },
        "weekday.0": {
            "en": "Monday",
            "vi": "Thứ Hai",
        },
        "weekday.1": {
            "en": "Tuesday",
            "vi": "Thứ Ba",
        },
        "weekday.2": {
            "en": "Wednesday",
            "vi": "Thứ Tư",
        },
        "weekday.3": {
            "en": "Thursday",
            "vi": "Thứ Năm",
        },
        "weekday.4": {
            "en": "Friday",
            "vi": "Thứ Sáu",
        },
        "weekday.5": {
            "en": "Saturday",
            "vi": "Thứ Bảy",
        },
        "weekday.6": {
            "en": "Sunday",
            "vi": "Chủ Nhật",
        },
        "intake.spikes": {
            "en": "Spike alerts",
            "vi": "Cảnh báo tăng đột biến",
        },
        "intake.spike_period": {
            "en": "Compare",
            "vi": "So sánh",
        },
        "intake.spike_period.week": {
            "en": "This week so far",
            "vi": "Tuần này đến nay",
        },
        "intake.spike_period.month": {
            "en": "This month so far",
            "vi": "Tháng này đến nay",
        },
        "intake.spikes_rule": {
            "en": (
                "A category is flagged when its count so far is more than {z} spreads "
                "above its own baseline (the median of the same part of its previous "
                "{history} periods), at least {count} records and {ratio} times the "
                "baseline."
            ),
            "vi": (
                "Một danh mục bị gắn cờ khi số phản hồi đến nay vượt đường cơ sở của "
                "chính nó (trung vị của cùng phần thời gian trong {history} kỳ trước) "
                "hơn {z} lần độ lệch, đạt ít nhất {count} phản hồi và gấp {ratio} lần "
                "đường cơ sở."
            ),
        },
        "intake.no_spikes": {
            "en": "No category is far above its usual volume.",
            "vi": "Không có danh mục nào tăng vọt so với thường lệ.",
        },
        "intake.spike": {
            "en": (
                "{category}: {count} so far, against a baseline of {baseline} (flag "
                "above {threshold}); earlier periods: {earlier}."
            ),
            "vi": (
                "{category}: {count} đến nay, so với đường cơ sở {baseline} (gắn cờ khi"
                " vượt {threshold}); các kỳ trước: {earlier}."
            ),
        },
        "intake.all_categories": {
            "en": "Every category's numbers",
            "vi": "Số liệu của mọi danh mục",
        },
        "intake.records": {
            "en": "Records behind the chart",
            "vi": "Các phản hồi phía sau biểu đồ",
        },
        "intake.records_hint": {
            "en": "Click a bar of the volume chart to list its records here.",
            "vi": ("Bấm vào một cột của biểu đồ lượng phản hồi để xem các phản hồi ở đây."),
        },
        "processing.title": {
            "en": "Processing and SLA",
            "vi": "Xử lý và SLA",
        },
        "processing.calendar_off": {
            "en": ("Times are counted in calendar hours, as the policy counts them."),
            "vi": "Thời gian được tính theo giờ lịch, như chính sách quy định.",
        },
        "processing.calendar_on": {
            "en": (
                "Times are counted in working hours (the working-hours calendar is on),"
                " without Vietnamese public holidays."
            ),
            "vi": (
                "Thời gian được tính theo giờ làm việc (lịch giờ làm việc đang bật), "
                "không tính ngày lễ của Việt Nam."
            ),
        },
        "processing.lists": {
            "en": "To work on now",
            "vi": "Cần xử lý ngay",
        },
        "processing.list.breached": {
            "en": "Breached ({count})",
            "vi": "Quá hạn xác nhận ({count})",
        },
        "processing.list.at_risk": {
            "en": "At risk ({count})",
            "vi": "Sắp quá hạn ({count})",
        },
        "processing.list.overdue": {
            "en": "Past the promised time ({count})",
            "vi": "Quá thời gian đã hẹn ({count})",
        },
        "processing.list_help.breached": {
            "en": (
                "Not acknowledged, and older than the acknowledgement target of their "
                "priority; oldest first."
            ),
            "vi": (
                "Chưa được xác nhận và đã quá chỉ tiêu xác nhận của mức ưu tiên; cũ nhất trước."
            ),
        },
        "processing.list_help.at_risk": {
            "en": (
                "Not yet acknowledged, with three quarters or more of the target gone; "
                "closest to the target first."
            ),
            "vi": (
                "Chưa được xác nhận, đã dùng từ ba phần tư chỉ tiêu trở lên; gần hạn nhất trước."
            ),
        },
        "processing.list_help.overdue": {
            "en": (
                "Not resolved, and past the processing time promised to the customer; "
                "longest overdue first."
            ),
            "vi": (
                "Chưa giải quyết và đã quá thời gian xử lý đã hẹn với khách hàng; quá "
                "hạn lâu nhất trước."
            ),
        },
        "processing.times": {
            "en": "Time to acknowledge and to resolve",
            "vi": "Thời gian xác nhận và giải quyết",
        },
        "processing.by": {
            "en": "By",
            "vi": "Theo",
        },
        "processing.n": {
            "en": "n",
            "vi": "n",
        },
        "processing.median": {
            "en": "Median (hours)",
            "vi": "Trung vị (giờ)",
        },
        "processing.p90": {
            "en": "90th percentile (hours)",
            "vi": "Phân vị 90 (giờ)",
        },
        "processing.hours": {
            "en": "Hours",
            "vi": "Giờ",
        },
        "processing.ack_hours": {
            "en": "Time to acknowledge, records received in the months shown",
            "vi": "Thời gian xác nhận, phản hồi nhận trong các tháng hiển thị",
        },
        "processing.resolution_hours": {
            "en": "Time to resolve, records received in the months shown",
            "vi": ("Thời gian giải quyết, phản hồi nhận trong các tháng hiển thị"),
        },
        "processing.none": {
            "en": "No such record in the months shown.",
            "vi": "Không có phản hồi nào như vậy trong các tháng hiển thị.",
        },
        "processing.compliance": {
            "en": "Compliance per month",
            "vi": "Mức tuân thủ theo tháng",
        },
        "processing.ack_pct": {
            "en": "Acknowledged within target (%)",
            "vi": "Xác nhận trong chỉ tiêu (%)",
        },
        "processing.resolution_pct": {
            "en": "Resolved within target (%)",
            "vi": "Giải quyết trong chỉ tiêu (%)",
        },
        "processing.on_time_pct": {
            "en": "Resolved by the promised time (%)",
            "vi": "Giải quyết đúng hẹn (%)",
        },
        "processing.click": {
            "en": "Click a month to list the acknowledgements it breached.",
            "vi": ("Bấm vào một tháng để xem các phản hồi quá hạn xác nhận của tháng đó."),
        },
        "processing.breached_in": {
            "en": "Acknowledgement breached, received in {month}",
            "vi": "Quá hạn xác nhận, nhận trong tháng {month}",
        },
        "satisfaction.title": {
            "en": "Satisfaction",
            "vi": "Mức độ hài lòng",
        },
        "satisfaction.none": {
            "en": "No survey response in the months shown.",
            "vi": "Không có phiếu khảo sát nào trong các tháng hiển thị.",
        },
        "satisfaction.score": {
            "en": "Score (1–5)",
            "vi": "Điểm (1–5)",
        },
        "satisfaction.scored": {
            "en": "Responses scoring {score}",
            "vi": "Các phiếu chấm {score} điểm",
        },
        "satisfaction.by": {
            "en": "By group",
            "vi": "Theo nhóm",
        },
        "satisfaction.drag": {
            "en": "What pulls satisfaction down",
            "vi": "Điều gì kéo mức hài lòng xuống",
        },
        "satisfaction.drag_help": {
            "en": (
                "The change in CSAT, in points, if a category's responses were left "
                "out: the larger, the more that category pulls satisfaction down."
            ),
            "vi": (
                "Mức thay đổi của CSAT (điểm phần trăm) nếu bỏ các phiếu của một danh "
                "mục: càng lớn, danh mục đó càng kéo mức hài lòng xuống."
            ),
        },
        "satisfaction.change": {
            "en": "CSAT without it (change, points)",
            "vi": "CSAT khi bỏ danh mục (thay đổi, điểm)",
        },
        "satisfaction.comments": {
            "en": "Comments",
            "vi": "Góp ý",
        },
        "satisfaction.search": {
            "en": "Search the comments",
            "vi": "Tìm trong góp ý",
        },
        "satisfaction.comment_count": {
            "en": "{count} comments match.",
            "vi": "{count} góp ý khớp.",
        },
        "sla_settings.title": {
            "en": "SLA settings",
            "vi": "Cài đặt SLA",
        },
        "sla_settings.intro": {
            "en": (
                "Every page, the monthly report, report --json and every app instance "
                "measure against these targets. The policy promises an acknowledgement "
                "within 48 hours, counted in calendar hours: the default for every priority."
            ),
            "vi": (
                "Mọi trang, báo cáo tháng, report --json và mọi phiên bản ứng dụng đều đo"
                " theo các chỉ tiêu này. Chính sách cam kết xác nhận trong 48 giờ, tính theo"
                " giờ lịch: mặc định cho mọi mức ưu tiên."
            ),
        },
        "sla_settings.targets": {
            "en": "Targets per priority (hours)",
            "vi": "Chỉ tiêu theo mức ưu tiên (giờ)",
        },
        "sla_settings.ack": {
            "en": "{priority}: acknowledge within",
            "vi": "{priority}: xác nhận trong vòng",
        },
        "sla_settings.resolution": {
            "en": "{priority}: resolve within",
            "vi": "{priority}: giải quyết trong vòng",
        },
        "sla_settings.resolution_help": {
            "en": "0: no resolution target for this priority.",
            "vi": "0: không đặt chỉ tiêu giải quyết cho mức ưu tiên này.",
        },
        "sla_settings.calendar": {
            "en": "Working-hours calendar",
            "vi": "Lịch giờ làm việc",
        },
        "sla_settings.enabled": {
            "en": ("Count only working hours (off: calendar hours, as the policy does)"),
            "vi": "Chỉ tính giờ làm việc (tắt: tính giờ lịch, như chính sách)",
        },
        "sla_settings.start": {
            "en": "Working day starts",
            "vi": "Giờ bắt đầu làm việc",
        },
        "sla_settings.end": {
            "en": "Working day ends",
            "vi": "Giờ kết thúc làm việc",
        },
        "sla_settings.weekdays": {
            "en": "Working days",
            "vi": "Ngày làm việc",
        },
        "sla_settings.holidays": {
            "en": "Vietnamese public holidays are days off",
            "vi": "Ngày lễ của Việt Nam là ngày nghỉ",
        },
        "sla_settings.save": {
            "en": "Save",
            "vi": "Lưu",
        },
        "sla_settings.saved": {
            "en": ("Saved. Every app instance uses the new settings within 10 seconds."),
            "vi": ("Đã lưu. Mọi phiên bản ứng dụng dùng cài đặt mới trong vòng 10 giây."),
        },
        "sla_settings.unchanged": {
            "en": "Nothing changed.",
            "vi": "Không có gì thay đổi.",
        },
        "sla_settings.holiday_list": {
            "en": "Vietnamese public holidays of {year}",
            "vi": "Các ngày lễ của Việt Nam năm {year}",
        },
    }
)

# Survey entry page and the survey upload.
CATALOGUE.update(
    {
        "status.new": {"en": "New", "vi": "Mới"},
        "status.acknowledged": {"en": "Acknowledged", "vi": "Đã xác nhận"},
        "status.in_progress": {"en": "In progress", "vi": "Đang xử lý"},
        "status.resolved": {"en": "Resolved", "vi": "Đã giải quyết"},
        "status.closed": {"en": "Closed", "vi": "Đã đóng"},
        "survey.title": {"en": "Survey entry", "vi": "Nhập khảo sát"},
        "survey.intro": {
            "en": (
                "Enter the customer's satisfaction with the outcome of a resolved feedback, "
                "or upload the results of a survey tool."
            ),
            "vi": (
                "Nhập mức độ hài lòng của khách hàng với kết quả xử lý một góp ý đã giải quyết, "
                "hoặc tải lên kết quả của công cụ khảo sát."
            ),
        },
        "survey.enter_tab": {"en": "Enter a response", "vi": "Nhập một phản hồi"},
        "survey.upload_tab": {"en": "Upload survey results", "vi": "Tải lên kết quả khảo sát"},
        "survey.search": {"en": "Find the feedback", "vi": "Tìm góp ý"},
        "survey.search_placeholder": {
            "en": "Number, id, customer name, phone or email",
            "vi": "Số, mã, tên khách hàng, số điện thoại hoặc email",
        },
        "survey.waiting": {
            "en": "Type the feedback's number or id, or the customer's name, phone or email.",
            "vi": "Nhập số hoặc mã góp ý, hoặc tên, số điện thoại, email của khách hàng.",
        },
        "survey.no_match": {
            "en": "No feedback matches '{query}'. Check the spelling, or search by phone.",
            "vi": (
                "Không có góp ý nào khớp với '{query}'. Kiểm tra lại, hoặc tìm theo số điện thoại."
            ),
        },
        "survey.match": {
            "en": "Matching feedback ({count}, newest first)",
            "vi": "Góp ý khớp ({count}, mới nhất trước)",
        },
        "survey.existing": {
            "en": (
                "This feedback already has a response: score {score}, on {when}, entered by {who}."
            ),
            "vi": "Góp ý này đã có phản hồi: điểm {score}, lúc {when}, do {who} nhập.",
        },
        "survey.replace": {
            "en": (
                "The customer changed their answer: replace the response (recorded in the audit "
                "log)"
            ),
            "vi": "Khách hàng đổi câu trả lời: thay phản hồi (được ghi vào nhật ký kiểm toán)",
        },
        "survey.score": {"en": "Score (1 to 5)", "vi": "Điểm (1 đến 5)"},
        "survey.score_placeholder": {"en": "1 to 5", "vi": "1 đến 5"},
        "survey.score_help": {
            "en": "1 = very dissatisfied, 5 = very satisfied; 4 and 5 count as satisfied.",
            "vi": "1 = rất không hài lòng, 5 = rất hài lòng; 4 và 5 được tính là hài lòng.",
        },
        "survey.comment": {"en": "Comment (optional)", "vi": "Nhận xét (không bắt buộc)"},
        "survey.day": {"en": "Survey date", "vi": "Ngày khảo sát"},
        "survey.time": {"en": "Survey time", "vi": "Giờ khảo sát"},
        "survey.save": {"en": "Save the response", "vi": "Lưu phản hồi"},
        "survey.saved": {
            "en": "Saved the response to {external_id}.",
            "vi": "Đã lưu phản hồi cho {external_id}.",
        },
        "survey.refused.empty": {
            "en": "Enter the score the customer gave, a whole number from 1 to 5.",
            "vi": "Nhập điểm khách hàng đã cho, một số nguyên từ 1 đến 5.",
        },
        "survey.refused.score": {
            "en": "{score} is not a satisfaction score: enter a whole number from 1 to 5.",
            "vi": "{score} không phải là điểm hài lòng: nhập một số nguyên từ 1 đến 5.",
        },
        "survey.refused.unresolved": {
            "en": (
                "Feedback {external_id} is {status}, not resolved: only resolved feedback can "
                "be surveyed. Resolve it first."
            ),
            "vi": (
                "Góp ý {external_id} đang ở trạng thái {status}, chưa được giải quyết: chỉ góp ý "
                "đã giải quyết mới được khảo sát. Hãy giải quyết trước."
            ),
        },
        "survey.refused.exists": {
            "en": (
                "Feedback {external_id} already has a response (score {score}). If the customer "
                "changed their answer, tick the replace option."
            ),
            "vi": (
                "Góp ý {external_id} đã có phản hồi (điểm {score}). Nếu khách hàng đổi câu trả "
                "lời, hãy chọn tùy chọn thay thế."
            ),
        },
        "survey.refused.early": {
            "en": "The survey time is before the feedback was resolved ({earliest}): correct it.",
            "vi": "Thời gian khảo sát sớm hơn lúc góp ý được giải quyết ({earliest}): hãy sửa lại.",
        },
        "survey.refused.future": {
            "en": "The survey time is in the future: give the time the customer answered.",
            "vi": "Thời gian khảo sát ở tương lai: hãy nhập thời điểm khách hàng trả lời.",
        },
        "survey.refused.long": {
            "en": "The comment is {length} characters long; at most {limit} are kept: shorten it.",
            "vi": "Nhận xét dài {length} ký tự; chỉ giữ tối đa {limit}: hãy rút gọn.",
        },
        "survey.refused.unknown": {
            "en": "No feedback has the number {id}: search for it again.",
            "vi": "Không có góp ý nào mang số {id}: hãy tìm lại.",
        },
        "survey.upload_intro": {
            "en": (
                "A CSV, XLSX, JSON or JSON Lines file with the columns external_id, score, "
                "comment and surveyed_at (channel too when an id is used on two channels). "
                "Each row is checked first; uploading the same file again changes nothing."
            ),
            "vi": (
                "Tệp CSV, XLSX, JSON hoặc JSON Lines có các cột external_id, score, comment và "
                "surveyed_at (thêm cột channel khi một mã được dùng ở hai kênh). Mỗi dòng được "
                "kiểm tra trước; tải lại cùng một tệp không thay đổi gì."
            ),
        },
        "survey.upload_file": {"en": "Survey results file", "vi": "Tệp kết quả khảo sát"},
        "survey.replace_all": {
            "en": "Replace stored responses that the file answers differently (each is audited)",
            "vi": "Thay các phản hồi đã lưu mà tệp ghi khác đi (mỗi thay đổi được ghi nhật ký)",
        },
        "survey.upload_run": {"en": "Import the responses", "vi": "Nhập các phản hồi"},
    }
)

# New feedback page and the record page's status actions.
CATALOGUE.update(
    {
        # Record fields the record's table and the forms name.
        "field.priority": {"en": "Priority", "vi": "Mức ưu tiên"},
        "field.department": {"en": "Department", "vi": "Phòng ban"},
        "field.assignee": {"en": "Assignee", "vi": "Người phụ trách"},
        "field.status": {"en": "Status", "vi": "Trạng thái"},
        "field.acknowledged_at": {"en": "Acknowledged", "vi": "Xác nhận lúc"},
        "field.due_at": {"en": "Promised by", "vi": "Hẹn xử lý xong trước"},
        "field.resolved_at": {"en": "Resolved", "vi": "Giải quyết lúc"},
        "field.responded_at": {"en": "Answered", "vi": "Trả lời lúc"},
        "field.response": {"en": "Response sent", "vi": "Nội dung đã trả lời"},
        # The new feedback form.
        "new.title": {"en": "New feedback", "vi": "Phản hồi mới"},
        "new.intro": {
            "en": "Record a feedback taken by phone or in person. Fields marked * are "
            "required; the policy also asks for the proposal and the reason when the customer "
            "gives them.",
            "vi": "Ghi nhận phản hồi nhận qua điện thoại hoặc trực tiếp. Các trường có dấu * là "
            "bắt buộc; chính sách cũng yêu cầu ghi đề xuất và lý do khi khách hàng nêu ra.",
        },
        "new.when": {"en": "Received", "vi": "Tiếp nhận"},
        "new.day": {"en": "Date received *", "vi": "Ngày nhận *"},
        "new.time": {"en": "Time received *", "vi": "Giờ nhận *"},
        "new.channel": {"en": "Channel *", "vi": "Kênh tiếp nhận *"},
        "new.customer": {"en": "Customer", "vi": "Khách hàng"},
        "new.contact_help": {
            "en": "Give at least a phone number or an email address, so that the customer can "
            "be answered.",
            "vi": "Nhập ít nhất số điện thoại hoặc địa chỉ email để có thể trả lời khách hàng.",
        },
        "new.feedback": {"en": "Feedback", "vi": "Nội dung phản hồi"},
        "new.current_feature": {
            "en": "Current feature: what the customer describes *",
            "vi": "Tính năng hiện tại: khách hàng mô tả gì *",
        },
        "new.proposal": {
            "en": "Proposal: what the customer asks for",
            "vi": "Đề xuất cải tiến: khách hàng mong muốn gì",
        },
        "new.reason": {
            "en": "Reason: why it matters to the customer",
            "vi": "Lý do: vì sao điều này quan trọng với khách hàng",
        },
        "new.category": {"en": "Category", "vi": "Danh mục"},
        "new.suggested": {
            "en": "The classifier suggests: {category} ({confidence} sure)",
            "vi": "Bộ phân loại gợi ý: {category} (độ tin cậy {confidence})",
        },
        "new.accept": {"en": "Use the suggestion", "vi": "Dùng gợi ý"},
        "new.no_text": {
            "en": "Type the feedback to see the classifier's suggestion.",
            "vi": "Nhập nội dung phản hồi để xem gợi ý của bộ phân loại.",
        },
        "new.no_model": {
            "en": "No classifier model is active: choose a category yourself, or leave it empty.",
            "vi": "Chưa có mô hình phân loại nào đang dùng: hãy tự chọn danh mục, hoặc để trống.",
        },
        "new.category_auto": {
            "en": "Leave it to the classifier",
            "vi": "Để bộ phân loại quyết định",
        },
        "new.category_none": {"en": "No category yet", "vi": "Chưa phân loại"},
        "new.category_typed": {
            "en": "Or type another category",
            "vi": "Hoặc nhập một danh mục khác",
        },
        "new.category_help": {
            "en": "A category you choose, the suggestion included, counts as a person's "
            "decision. Left to the classifier, a doubtful suggestion goes to the review queue.",
            "vi": "Danh mục bạn chọn, kể cả khi dùng gợi ý, được tính là quyết định của người "
            "dùng. Nếu để bộ phân loại quyết định, gợi ý chưa chắc chắn sẽ vào hàng chờ duyệt.",
        },
        "new.handling": {"en": "Handling", "vi": "Xử lý"},
        "new.priority": {"en": "Priority *", "vi": "Mức ưu tiên *"},
        "new.due": {
            "en": "Promised to the customer by {due}: the resolution target of this priority. "
            "Change it on the record's page.",
            "vi": "Hẹn khách hàng xử lý xong trước {due}: chỉ tiêu giải quyết của mức ưu tiên "
            "này. Có thể đổi ở trang của bản ghi.",
        },
        "new.no_due": {
            "en": "This priority has no resolution target: set the promised time on the "
            "record's page.",
            "vi": "Mức ưu tiên này không có chỉ tiêu giải quyết: hãy đặt thời hạn hẹn ở trang "
            "của bản ghi.",
        },
        "new.save": {"en": "Save the feedback", "vi": "Lưu phản hồi"},
        "new.saved": {
            "en": "Feedback {id} was saved as {external_id}.",
            "vi": "Đã lưu phản hồi {id} với mã {external_id}.",
        },
        "new.open": {"en": "Open feedback {id}", "vi": "Mở phản hồi {id}"},
        "new.refused": {
            "en": "The feedback was not saved. Correct these fields:",
            "vi": "Chưa lưu được phản hồi. Hãy sửa các trường sau:",
        },
        # The record page's status section.
        "record.handling": {"en": "Status and handling", "vi": "Trạng thái và xử lý"},
        "record.status_now": {"en": "Status: {status}", "vi": "Trạng thái: {status}"},
        "record.nothing_left": {
            "en": "This feedback is closed: the customer was answered.",
            "vi": "Phản hồi này đã đóng: khách hàng đã được trả lời.",
        },
        "record.read_only": {
            "en": "Your role sees the status history but does not handle feedback.",
            "vi": "Vai trò của bạn xem được lịch sử trạng thái nhưng không xử lý phản hồi.",
        },
        "record.day": {"en": "Date", "vi": "Ngày"},
        "record.time": {"en": "Time", "vi": "Giờ"},
        "record.acknowledge": {"en": "Acknowledge", "vi": "Xác nhận đã nhận"},
        "record.acknowledge_help": {
            "en": "When the customer was told their feedback was received.",
            "vi": "Thời điểm khách hàng được báo là phản hồi đã được tiếp nhận.",
        },
        "record.promise": {"en": "Set the promised time", "vi": "Đặt thời hạn hẹn"},
        "record.promise_help": {
            "en": "The processing time promised to the customer; resolution is measured "
            "against it.",
            "vi": "Thời hạn xử lý đã hẹn với khách hàng; việc giải quyết được đo theo thời hạn "
            "này.",
        },
        "record.assign": {"en": "Assign", "vi": "Giao việc"},
        "record.start": {"en": "Start work", "vi": "Bắt đầu xử lý"},
        "record.resolve": {"en": "Resolve", "vi": "Đã giải quyết"},
        "record.resolve_help": {
            "en": "When the feedback was resolved.",
            "vi": "Thời điểm phản hồi được giải quyết.",
        },
        "record.respond": {"en": "Record the response", "vi": "Ghi nhận trả lời"},
        "record.response_help": {
            "en": "What was sent to the customer, and when; the feedback is then closed.",
            "vi": "Nội dung đã gửi cho khách hàng và thời điểm gửi; sau đó phản hồi được đóng.",
        },
        "record.done.acknowledge": {"en": "Acknowledged.", "vi": "Đã xác nhận."},
        "record.done.promise": {"en": "Promised time set.", "vi": "Đã đặt thời hạn hẹn."},
        "record.done.assign": {"en": "Assigned.", "vi": "Đã giao việc."},
        "record.done.start": {"en": "Work started.", "vi": "Đã bắt đầu xử lý."},
        "record.done.resolve": {"en": "Resolved.", "vi": "Đã ghi nhận giải quyết."},
        "record.done.respond": {
            "en": "Response recorded; the feedback is closed.",
            "vi": "Đã ghi nhận trả lời; phản hồi đã đóng.",
        },
        "record.unchanged": {
            "en": "Nothing changed: it was already so.",
            "vi": "Không có gì thay đổi: thông tin đã như vậy từ trước.",
        },
        "record.history": {"en": "Status history", "vi": "Lịch sử trạng thái"},
        "column.changed_at": {"en": "When", "vi": "Thời điểm"},
        "column.changed_by": {"en": "Who", "vi": "Người thực hiện"},
        "column.from_status": {"en": "From", "vi": "Từ"},
        "column.to_status": {"en": "To", "vi": "Sang"},
        # Why a step or a new feedback was refused (workflow.refused.<code>).
        "workflow.refused.required": {
            "en": "is required: fill it in.",
            "vi": "là bắt buộc: hãy nhập.",
        },
        "workflow.refused.rule": {"en": "{reason}", "vi": "{reason}"},
        "workflow.refused.contact_missing": {
            "en": "give the customer's phone number or email address, so that they can be "
            "answered.",
            "vi": "hãy nhập số điện thoại hoặc email của khách hàng để có thể trả lời.",
        },
        "workflow.refused.phone": {
            "en": "is not a Vietnamese phone number: write it like 0912 345 678, "
            "+84 912 345 678 or (028) 3822 1234, or leave it empty and give an email address.",
            "vi": "không phải số điện thoại Việt Nam: hãy viết như 0912 345 678, "
            "+84 912 345 678 hoặc (028) 3822 1234, hoặc để trống và nhập email.",
        },
        "workflow.refused.email": {
            "en": "is not an email address: write it like name@example.vn, or leave it empty "
            "and give a phone number.",
            "vi": "không phải địa chỉ email: hãy viết như ten@example.vn, hoặc để trống và "
            "nhập số điện thoại.",
        },
        "workflow.refused.future": {
            "en": "{at} is in the future: enter the time it happened.",
            "vi": "{at} là thời điểm trong tương lai: hãy nhập thời điểm thực tế.",
        },
        "workflow.refused.early": {
            "en": "{at} is earlier than the time the feedback was received ({received}): "
            "correct the time.",
            "vi": "{at} sớm hơn thời điểm nhận phản hồi ({received}): hãy sửa lại thời gian.",
        },
        "workflow.refused.promise_early": {
            "en": "{at} is earlier than the time the feedback was received ({received}): "
            "promise a later time.",
            "vi": "{at} sớm hơn thời điểm nhận phản hồi ({received}): hãy hẹn thời hạn muộn hơn.",
        },
        "workflow.refused.unknown": {
            "en": "There is no feedback {id}: check the id.",
            "vi": "Không có phản hồi {id}: hãy kiểm tra lại mã.",
        },
        "workflow.refused.already_acknowledged": {
            "en": "Feedback {id} was already acknowledged at {at} by {by}: nothing changed.",
            "vi": "Phản hồi {id} đã được xác nhận lúc {at} bởi {by}: không có gì thay đổi.",
        },
        "workflow.refused.already_resolved": {
            "en": "Feedback {id} was already resolved at {at} by {by}: nothing changed.",
            "vi": "Phản hồi {id} đã được giải quyết lúc {at} bởi {by}: không có gì thay đổi.",
        },
        "workflow.refused.already_answered": {
            "en": "Feedback {id} was already answered at {at} by {by}: nothing changed.",
            "vi": "Phản hồi {id} đã được trả lời lúc {at} bởi {by}: không có gì thay đổi.",
        },
        "workflow.refused.already_started": {
            "en": "Feedback {id} is already in progress: nothing changed.",
            "vi": "Phản hồi {id} đang được xử lý: không có gì thay đổi.",
        },
        "workflow.refused.after_resolution": {
            "en": "{at} is later than the resolution ({resolved}): correct the time.",
            "vi": "{at} muộn hơn thời điểm giải quyết ({resolved}): hãy sửa lại thời gian.",
        },
        "workflow.refused.promise_resolved": {
            "en": "Feedback {id} was resolved at {resolved}: its promised time can no longer "
            "change.",
            "vi": "Phản hồi {id} đã được giải quyết lúc {resolved}: không thể đổi thời hạn hẹn "
            "nữa.",
        },
        "workflow.refused.assign_empty": {
            "en": "Department and assignee are both empty: name at least one.",
            "vi": "Phòng ban và người phụ trách đều trống: hãy nhập ít nhất một.",
        },
        "workflow.refused.closed": {
            "en": "Feedback {id} is closed: it can no longer be assigned.",
            "vi": "Phản hồi {id} đã đóng: không thể giao việc nữa.",
        },
        "workflow.refused.cannot_start": {
            "en": "Feedback {id} is {status}: it cannot go back to work.",
            "vi": "Phản hồi {id} đang ở trạng thái {status}: không thể quay lại xử lý.",
        },
        "workflow.refused.not_acknowledged": {
            "en": "Feedback {id} is not acknowledged yet: acknowledge it first, with the time "
            "the customer was told.",
            "vi": "Phản hồi {id} chưa được xác nhận: hãy xác nhận trước, với thời điểm đã báo "
            "cho khách hàng.",
        },
        "workflow.refused.before_acknowledgement": {
            "en": "{at} is earlier than the acknowledgement ({acknowledged}): correct the time.",
            "vi": "{at} sớm hơn thời điểm xác nhận ({acknowledged}): hãy sửa lại thời gian.",
        },
        "workflow.refused.response_empty": {
            "en": "The response is empty: write what was sent to the customer.",
            "vi": "Nội dung trả lời đang trống: hãy ghi nội dung đã gửi cho khách hàng.",
        },
        "workflow.refused.response_long": {
            "en": "The response is {length} characters long; at most {limit} are kept: shorten it.",
            "vi": "Nội dung trả lời dài {length} ký tự; chỉ lưu tối đa {limit} ký tự: hãy rút gọn.",
        },
        "workflow.refused.not_resolved": {
            "en": "Feedback {id} is not resolved yet: resolve it before recording the response.",
            "vi": "Phản hồi {id} chưa được giải quyết: hãy ghi nhận giải quyết trước khi ghi "
            "nhận trả lời.",
        },
        "workflow.refused.before_resolution": {
            "en": "{at} is earlier than the resolution ({resolved}): correct the time.",
            "vi": "{at} sớm hơn thời điểm giải quyết ({resolved}): hãy sửa lại thời gian.",
        },
        "workflow.by_import": {"en": "an import", "vi": "một lần nhập dữ liệu"},
    }
)

# Channel importers: email, hotline call log, web form export.
CATALOGUE.update(
    {
        "import.kind": {"en": "Kind of file", "vi": "Loại tệp"},
        "import.kind_help": {
            "en": "Canonical records are checked as they are. E-mails, a hotline call log and "
            "a web form export are first turned into records: one per message, call or "
            "submission. An .eml or .mbox file is taken for e-mails.",
            "vi": "Bản ghi chuẩn được kiểm tra nguyên trạng. Thư điện tử, nhật ký cuộc gọi "
            "tổng đài và tệp xuất biểu mẫu web được chuyển thành bản ghi trước: mỗi thư, "
            "cuộc gọi hoặc lượt gửi biểu mẫu là một bản ghi. Tệp .eml hoặc .mbox được coi là "
            "thư điện tử.",
        },
        "import.kind.records": {
            "en": "Canonical records (CSV, XLSX, JSON)",
            "vi": "Bản ghi chuẩn (CSV, XLSX, JSON)",
        },
        "import.kind.email": {
            "en": "E-mails (.eml, .mbox)",
            "vi": "Thư điện tử (.eml, .mbox)",
        },
        "import.kind.hotline": {
            "en": "Hotline call log (CSV)",
            "vi": "Nhật ký cuộc gọi tổng đài (CSV)",
        },
        "import.kind.web_form": {
            "en": "Web form export (JSON)",
            "vi": "Tệp xuất biểu mẫu web (JSON)",
        },
        "import.preview_converted": {
            "en": "The first {rows} records made from the file, one per message, call or "
            "submission, numbered as in the file.",
            "vi": "{rows} bản ghi đầu tiên được tạo từ tệp, mỗi thư, cuộc gọi hoặc lượt gửi "
            "là một bản ghi, đánh số như trong tệp.",
        },
    }
)

# A stored model that cannot be loaded (issue 7).
CATALOGUE.update(
    {
        "model.stand_in": {
            "en": (
                "The active model {broken} cannot be loaded (its stored file is damaged or "
                "holds a type this app does not load): model {used}, active before it, "
                "categorises in its place. Activate a model that loads, or train a new one."
            ),
            "vi": (
                "Không tải được mô hình đang dùng {broken} (tệp lưu bị hỏng hoặc chứa kiểu dữ "
                "liệu ứng dụng không tải): mô hình {used}, được dùng trước đó, đang phân loại "
                "thay. Hãy kích hoạt một mô hình tải được, hoặc huấn luyện mô hình mới."
            ),
        },
        "model.unusable": {
            "en": (
                "The active model {broken} cannot be loaded and no earlier model can stand in: "
                "nothing is categorised. Train a new model."
            ),
            "vi": (
                "Không tải được mô hình đang dùng {broken} và không có mô hình trước đó thay "
                "thế: không bản ghi nào được phân loại. Hãy huấn luyện mô hình mới."
            ),
        },
    }
)

# The SLA targets the figures were measured against (issue 16).
CATALOGUE.update(
    {
        "sla.targets_flat": {
            "en": "acknowledgement within {hours} h, in {clock}",
            "vi": "xác nhận trong {hours} giờ, tính theo {clock}",
        },
        "sla.targets_by_priority": {
            "en": "acknowledgement within {targets}, in {clock}",
            "vi": "xác nhận trong {targets}, tính theo {clock}",
        },
        "sla.target_item": {
            "en": "{hours} h ({priority})",
            "vi": "{hours} giờ ({priority})",
        },
        "sla.clock.calendar": {"en": "calendar hours", "vi": "giờ lịch"},
        "sla.clock.working": {"en": "working hours", "vi": "giờ làm việc"},
        "sla.applied": {
            "en": "Targets applied: {targets}.",
            "vi": "Chỉ tiêu áp dụng: {targets}.",
        },
    }
)

# The report files' definitions: the SLA targets applied and how their hours were counted.
CATALOGUE.update(
    {
        "report.sla.ack_targets": {
            "en": "Acknowledgement targets",
            "vi": "Thời hạn xác nhận",
        },
        "report.sla.ack_targets.text": {
            "en": "A record counts as acknowledged on time when it is acknowledged within the "
            "target of its priority: {targets}.",
            "vi": "Phản hồi được xác nhận đúng hạn khi được xác nhận trong thời hạn theo mức "
            "ưu tiên của nó: {targets}.",
        },
        "report.sla.ack_target": {
            "en": "{priority} {hours} h",
            "vi": "{priority} {hours} giờ",
        },
        "report.sla.clock": {
            "en": "Hours counted",
            "vi": "Cách tính giờ",
        },
        "report.sla.clock.calendar": {
            "en": "Calendar hours: every hour counts, nights, weekends and public holidays "
            "included.",
            "vi": "Giờ lịch: mọi giờ đều được tính, kể cả ban đêm, cuối tuần và ngày lễ.",
        },
        "report.sla.clock.working": {
            "en": "Working hours: only the hours from {start} to {end} on working days "
            "({days}) count. {holidays}",
            "vi": "Giờ làm việc: chỉ tính các giờ từ {start} đến {end} của ngày làm việc "
            "({days}). {holidays}",
        },
        "report.sla.day_range": {
            "en": "{first} to {last}",
            "vi": "{first} đến {last}",
        },
        "report.sla.holidays.excluded": {
            "en": "Vietnamese public holidays are days off and do not count.",
            "vi": "Ngày lễ của Việt Nam là ngày nghỉ và không được tính.",
        },
        "report.sla.holidays.included": {
            "en": "Public holidays count like any other working day.",
            "vi": "Ngày lễ được tính như mọi ngày làm việc khác.",
        },
    }
)
