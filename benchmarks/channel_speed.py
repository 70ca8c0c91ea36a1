"""Channel and survey import speed: e-mails, hotline call logs and survey results.

    .venv/bin/python benchmarks/channel_speed.py --records 10000 100000

For each size it writes (under benchmarks/results/) an mbox of that many e-mails (multipart,
Vietnamese subject in RFC 2047, quoted-printable body in the web form's template, one
attachment in ten), a hotline call log and a survey results file for those calls, then times
each command in a fresh process on a fresh SQLite store, as `import_speed.py` does:
  email     import FILE.mbox
  hotline   import --from hotline FILE.csv
  surveys   import-surveys FILE.csv (after the calls were resolved by a canonical import)
and prints wall time, rows/s and peak memory (max RSS) as a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import mailbox
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from import_speed import RESULTS, init_db, timed

START = datetime(2026, 10, 1, 1, tzinfo=UTC)
BODY = (
    "Họ tên: Khách hàng {n}\nSố điện thoại: 09{n:08d}\nSản phẩm: Router Wi-Fi 6\n\n"
    "Mô tả tính năng hiện tại:\nSóng 5 GHz rớt mỗi tối, phải khởi động lại router.\n"
    "Đề xuất cải tiến:\nTự động chuyển kênh khi nhiễu.\nLý do:\nCả nhà làm việc từ xa.\n"
)


def write_mbox(path: Path, records: int) -> None:
    """Write `records` e-mails to an mbox."""
    box = mailbox.mbox(path, create=True)
    box.lock()
    try:
        for n in range(records):
            message = EmailMessage()
            message["From"] = f"Khách hàng {n} <kh{n}@example.vn>"
            message["To"] = "gopy@example.vn"
            message["Subject"] = f"Góp ý về Router Wi-Fi 6 #{n}"
            message["Date"] = format_datetime(START + timedelta(minutes=n))
            message["Message-ID"] = make_msgid(idstring=str(n), domain="example.vn")
            message.set_content(BODY.format(n=n), cte="quoted-printable")
            if n % 10 == 0:
                message.add_attachment(b"\x89PNG" + bytes(2048), maintype="image", subtype="png")
            box.add(message)
    finally:
        box.unlock()
        box.close()


def write_calls(path: Path, records: int) -> None:
    """Write a hotline call log of `records` calls."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Mã cuộc gọi", "Thời gian", "Số gọi đến", "Nhân viên", "Ghi chú"])
        for n in range(records):
            stamp = (START + timedelta(minutes=n)).astimezone().strftime("%d/%m/%Y %H:%M")
            writer.writerow([f"CALL-{n}", stamp, f"09{n:08d}", "agent-7", BODY.format(n=n)])


def write_resolutions_and_surveys(records_path: Path, survey_path: Path, records: int) -> None:
    """Write a canonical file resolving every call, and a survey result for each."""
    with records_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "channel", "received_at", "current_feature", "status"])
        for n in range(records):
            received = (START + timedelta(minutes=n)).isoformat()
            writer.writerow([f"CALL-{n}", "hotline", received, "Wi-Fi", "resolved"])
    with survey_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "channel", "score", "comment", "surveyed_at"])
        for n in range(records):
            surveyed = (START + timedelta(days=40, minutes=n)).isoformat()
            writer.writerow([f"CALL-{n}", "hotline", 1 + n % 5, "Cảm ơn", surveyed])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    python = sys.executable
    command = [python, "-m", "feedback_analytics"]
    rows = []
    for records in args.records:
        work = RESULTS / f"channels-{records}"
        work.mkdir(parents=True, exist_ok=True)
        for old in work.glob("*"):
            old.unlink()
        mbox, calls = work / "inbox.mbox", work / "calls.csv"
        resolutions, survey = work / "resolutions.csv", work / "survey.csv"
        write_mbox(mbox, records)
        write_calls(calls, records)
        write_resolutions_and_surveys(resolutions, survey, records)
        env = {"FEEDBACK_DB_URL": f"sqlite:///{work / 'store.db'}"}
        init_db(env)
        measured = {
            "email": timed([*command, "import", str(mbox), "--json"], env),
            "hotline": timed([*command, "import", "--from", "hotline", str(calls), "--json"], env),
        }
        timed([*command, "import", str(resolutions), "--json"], env)
        measured["surveys"] = timed([*command, "import-surveys", str(survey), "--json"], env)
        for name, (seconds, peak) in measured.items():
            rows.append(
                f"| {name} | {records:,} | {seconds:.1f} s | {records / seconds:,.0f} | "
                f"{peak:,.0f} MiB |"
            )
    print("| run | records | wall | rows/s | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
