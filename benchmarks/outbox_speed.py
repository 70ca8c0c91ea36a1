"""The time from a step's click to the message at the SMTP server.

    .venv/bin/python benchmarks/outbox_speed.py --steps 50 [--db-url postgresql+psycopg://...]

Starts the tests' aiosmtpd server (tests/mailservers.py) on a free port of this machine, stores
`--steps` feedback records with a customer's e-mail address on a fresh SQLite file (or the
database given), then for each record calls `take_step(..., "acknowledge")` as the Record
page's button does (the step, its queued message and the attempt to send it at once) and waits
until the server holds the message. Prints the median, 90th percentile and worst time as
Markdown. take_step returns once the server has answered "250", so the two rows differ only
by the time the test server takes to hand the message to the benchmark's thread.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback_analytics.config import get_settings  # noqa: E402
from feedback_analytics.db import ensure_schema, make_engine  # noqa: E402
from feedback_analytics.mail import outbox  # noqa: E402
from tests.mail.helpers import add_record  # noqa: E402
from tests.mailservers import SmtpSink  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--db-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    sink = SmtpSink().start()
    import os

    os.environ |= {
        "FEEDBACK_SMTP_HOST": "127.0.0.1",
        "FEEDBACK_SMTP_PORT": str(sink.port),
        "FEEDBACK_SMTP_SECURITY": "none",
        "FEEDBACK_MAIL_FROM": "Góp ý khách hàng <gopy@feedback.test>",
    }
    get_settings.cache_clear()
    url = args.db_url or f"sqlite:///{tempfile.mkdtemp(prefix='outbox-speed-')}/store.db"
    engine = make_engine(url)
    ensure_schema(engine)
    ids = [add_record(engine, email=f"khach{n}@customer.test") for n in range(args.steps)]
    to_server, returned = [], []
    try:
        for count, feedback_id in enumerate(ids, start=1):
            started = time.perf_counter()
            result = outbox.take_step(
                engine, feedback_id, "acknowledge", actor="bench", at=datetime.now(UTC)
            )
            returned.append(time.perf_counter() - started)
            sink.wait_for(count)
            to_server.append(time.perf_counter() - started)
            assert result.message is not None and result.message.status == "sent", result
    finally:
        sink.stop()
        engine.dispose()
    backend = engine.url.get_backend_name()

    def row(name: str, values: list[float]) -> str:
        ms = sorted(v * 1000 for v in values)
        p90 = ms[int(0.9 * (len(ms) - 1))]
        return f"| {name} | {statistics.median(ms):.1f} | {p90:.1f} | {ms[-1]:.1f} |"

    print(f"{args.steps} acknowledgements on {backend}, times in ms:\n")
    print("| measure | median | p90 | worst |")
    print("|---|---:|---:|---:|")
    print(row("click -> message at the SMTP server", to_server))
    print(row("click -> page can say 'sent'", returned))


if __name__ == "__main__":
    main()
