"""Mailbox reading speed: messages read per second from a real IMAP server by `fetch-mail`.

    sudo .venv/bin/python benchmarks/mailbox_speed.py --messages 500 5000

For each size it starts Debian's Dovecot on a free port of this machine (as the tests do: root
is needed for its mail processes), delivers that many messages of the tests' corpus (Vietnamese
and English; quoted-printable, base64, HTML only, attachments, broken headers; one in a hundred
without a Date, which goes to the problem folder), then times `fetch-mail` in a fresh process
on a fresh SQLite store, as `import_speed.py` does, and prints wall time, messages/s and peak
memory (max RSS) as a Markdown table. `--batch` sets FEEDBACK_IMAP_BATCH (default 200).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from import_speed import RESULTS, init_db, timed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mail.corpus import mailbox  # noqa: E402 - the repository's root is on the path now
from tests.mailservers import Dovecot, dovecot_missing  # noqa: E402

USER, PASSWORD = "gopy@feedback.bench", "bench-only-password"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[500, 5_000])
    parser.add_argument("--batch", type=int, default=200, help="messages per batch")
    args = parser.parse_args()
    missing = dovecot_missing()
    if missing:
        sys.exit(missing)
    rows = []
    for count in args.messages:
        work = RESULTS / f"mailbox-{count}"
        work.mkdir(parents=True, exist_ok=True)
        for old in work.glob("*.db*"):
            old.unlink()
        server = Dovecot(users={USER: PASSWORD}).start()
        try:
            mails = mailbox(count, without_date_every=100)
            server.deliver(USER, [m.raw for m in mails])
            env = {
                "FEEDBACK_DB_URL": f"sqlite:///{work / 'store.db'}",
                "FEEDBACK_CACHE_DIR": str(work / "cache"),
                "FEEDBACK_IMAP_HOST": "127.0.0.1",
                "FEEDBACK_IMAP_PORT": str(server.port),
                "FEEDBACK_IMAP_SECURITY": "none",
                "FEEDBACK_IMAP_USER": USER,
                "FEEDBACK_IMAP_PASSWORD": PASSWORD,
                "FEEDBACK_IMAP_BATCH": str(args.batch),
            }
            init_db(env)
            seconds, peak = timed([sys.executable, "-m", "feedback_analytics", "fetch-mail"], env)
            left = server.folder_count(USER, "INBOX")
            stored = server.folder_count(USER, "Feedback stored")
        finally:
            server.stop()
        size_mb = sum(len(m.raw) for m in mails) / 1e6
        rows.append(
            f"| {count:,} | {size_mb:.1f} MB | {args.batch} | {seconds:.1f} s | "
            f"{count / seconds:,.0f} | {peak:,.0f} MiB | {stored:,} stored, {left} left |"
        )
    print("| messages | size | batch | wall | messages/s | peak RSS | mailbox after |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
