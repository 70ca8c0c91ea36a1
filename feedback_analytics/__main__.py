"""The command line: python -m feedback_analytics COMMAND (init-db, seed-demo, import,
fetch-mail, send-mail, export, import-surveys, report, train, classify, evaluate, create-user,
set-password, audit-verify)."""

from __future__ import annotations

import argparse
import getpass
import io
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from feedback_analytics.config import get_settings
from feedback_analytics.db import DatabaseUnavailable, ensure_schema, make_engine
from feedback_analytics.db.models import ROLES
from feedback_analytics.errors import ActionableError
from feedback_analytics.privacy import install_log_redaction

if TYPE_CHECKING:
    from feedback_analytics.ingest import ImportResult
    from feedback_analytics.mail.outbox import DeliveryReport

log = logging.getLogger("feedback_analytics")


# How many labelled demo records the demo's first model learns from.
DEMO_TRAINING_RECORDS = 1_500


class UsageError(Exception):
    """The call itself is wrong; the message says how to call it."""


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _engine() -> Engine:
    engine = make_engine()
    ensure_schema(engine)
    return engine


def cmd_init_db(args: argparse.Namespace) -> int:
    """Create or migrate the schema; grant the app's role when the tables' owner is another."""
    from feedback_analytics.db.engine import set_up_app_role
    from feedback_analytics.db.roles import log_rewritable_by

    engine = make_engine()
    changed = ensure_schema(engine)
    where = engine.url.render_as_string(hide_password=True)
    _say(f"{'Created or migrated' if changed else 'Already current:'} the database at {where}")
    if engine.dialect.name != "postgresql":
        return 0
    role = set_up_app_role(engine)
    with engine.connect() as connection:
        problem = log_rewritable_by(connection)
    if problem is not None:
        _say(
            f"Note: {problem}, so it could rewrite the audit log (audit-verify would show it). "
            "Give the app a role of its own: README, 'Running for a team'."
        )
    elif role is not None:
        _say(f"The app's role {role} may use the records and only read and append the audit log.")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    """Fill the store with generated demo records."""
    from feedback_analytics.demo import generate_demo
    from feedback_analytics.ingest import import_source
    from feedback_analytics.ingest.load import count_records

    engine = _engine()
    with engine.connect() as connection:
        existing = count_records(connection)
    if args.if_empty and existing:
        _say(f"The store already holds {existing:,} records; no demo data added.")
        return 0
    end = args.end or datetime.now(get_settings().tz).date()
    frame = generate_demo(args.records, seed=args.seed, end=end)
    buffer = io.BytesIO()
    frame.to_csv(buffer, index=False, encoding="utf-8")
    result = import_source(
        engine,
        buffer.getvalue(),
        file_name=f"demo-{args.records}-seed-{args.seed}.csv",
        origin="demo",
        progress=_progress_bar(args, "Seeding"),
    )
    if result.unreadable or result.rejected:
        for error in result.errors[:10]:
            _say(f"demo row {error.row}, {error.column}: {error.reason}")
        return 1
    _say(
        f"Added {result.inserted:,} demo records ({result.updated:,} updated) "
        f"received up to {end.isoformat()}."
    )
    if args.train:
        from feedback_analytics.classify import service

        # A first model from a sample of the labels: quick enough for `make run`. The Model
        # page (or `train`) retrains on every label.
        trained = service.train_model(
            engine, created_by="demo", activate=True, max_records=DEMO_TRAINING_RECORDS
        )
        classified = service.classify_store(engine, threshold=get_settings().review_threshold)
        _say(
            f"Trained model {trained.version} on {trained.n_train:,} of the demo's labels "
            f"(cross-validated accuracy {trained.metrics['accuracy']:.1%}). "
            + _classified_message(classified)
        )
    return 0


def _progress_bar(args: argparse.Namespace, label: str) -> Callable[[int, int], None] | None:
    """Return a progress callback drawing on stderr, or None under --json or off a terminal."""
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        bar = bars.get("bar")
        if bar is None or bar.total != total:
            if bar is not None:
                bar.close()
            bar = bars["bar"] = tqdm(
                total=total, desc=label, file=sys.stderr, unit_scale=True, leave=False
            )
        bar.update(max(done - bar.n, 0))
        if done >= total:
            bar.close()
            bars.pop("bar", None)

    return update


def cmd_import(args: argparse.Namespace) -> int:
    """Import canonical record files or channel files (--from), one batch each."""
    from feedback_analytics.ingest import rejects_to_csv, run_import

    engine = _engine()
    # --from web-form names the kind web_form; without --from, each file's extension decides.
    kind = args.source.replace("-", "_") if args.source else None
    result = run_import(
        engine,
        [Path(p) for p in args.paths],
        actor=_cli_actor(),
        kind=kind,
        encoding=args.encoding,
        dry_run=args.dry_run,
        progress=_progress_bar(args, "Importing"),
    )
    if args.rejects:
        Path(args.rejects).write_bytes(rejects_to_csv(result, neutralise=False))
    if result.not_categorised:
        _say(f"The records were imported but not categorised: {result.not_categorised}")
    elif result.classified is not None and result.classified.version is not None:
        _say(_classified_message(result.classified))
    return _report_import(result, args, rows="rows", updated="updated")


def cmd_fetch_mail(args: argparse.Namespace) -> int:
    """Read the dedicated mailbox's new messages into feedback, once or --watch; return 0, or
    1 when some messages could not be read (moved to the problem folder), 2 when the mailbox
    settings are missing, 3 when its server cannot be reached or drops the connection, 4 when
    it refuses the user name and password."""
    from feedback_analytics.mail import inbox, outbox

    engine = _engine()

    def acknowledge(feedback_ids: list[int]) -> None:
        # FEEDBACK_MAIL_AUTO_ACKNOWLEDGE: the customers who wrote get the acknowledgement now.
        delivered = outbox.auto_acknowledge(engine, feedback_ids)
        if delivered.deliveries or delivered.problem:
            _say(f"acknowledged by e-mail: {delivered.count('sent'):,} sent")
        if delivered.problem_text:
            _say(f"  the acknowledgements wait in the queue: {delivered.problem_text}")

    on_stored = acknowledge if get_settings().mail_auto_acknowledge else None

    def progress(report: inbox.MailboxReport) -> None:
        _say(
            f"batch {report.batches}: {report.seen:,} read, {report.stored:,} new, "
            f"{report.replies:,} replies, {report.already:,} already stored, "
            f"{report.unreadable:,} unreadable"
        )

    try:
        if args.watch:
            _say(
                f"Watching the mailbox's {get_settings().imap_folder} (Ctrl+C or SIGTERM stops "
                "after the current batch)."
            )
            inbox.watch(engine, progress=progress, on_stored=on_stored)
            _say("Stopped watching the mailbox.")
            return 0
        report = inbox.fetch_mail(engine, progress=progress, on_stored=on_stored)
    except inbox.MailboxError as exc:
        if exc.report is not None and exc.report.seen:
            _say(exc.report.summary())
        _say(f"error: {exc}")
        return exc.exit_status
    _say(report.summary())
    for problem in report.problems[:20]:
        _say(f"  {problem}")
    if len(report.problems) > 20:
        _say(f"  ... and {len(report.problems) - 20:,} more")
    return inbox.EXIT_UNREADABLE if report.unreadable else 0


def _report_import(
    result: ImportResult, args: argparse.Namespace, *, rows: str, updated: str
) -> int:
    """Say what became of each file (and print the METRICS.md object under --json); return
    the exit status."""
    for f in result.files:
        for warning in f.warnings:
            _say(f"{f.file}: {warning}")
        if f.unreadable:
            _say(f"{f.unreadable}; nothing of it was imported.")
            continue
        verb = "would import" if args.dry_run else "imported"
        _say(
            f"{f.file}: {verb} {f.read:,} {rows}: {f.inserted:,} new, {f.updated:,} {updated}, "
            f"{f.unchanged:,} unchanged, {f.rejected:,} rejected."
        )
        if not args.json:
            for rejection in f.rejections[:20]:
                _say(f"  row {rejection.row}: {rejection.reason}")
            if len(f.rejections) > 20:
                more = len(f.rejections) - 20
                hint = "" if args.rejects else " (write them all with --rejects FILE)"
                _say(f"  ... and {more:,} more rejected rows{hint}")
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    return result.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    """Write every record to the canonical file."""
    from feedback_analytics.ingest.export import export_records

    engine = _engine()
    count = export_records(engine, Path(args.out))
    # The canonical file holds every customer's contact data: who wrote it is on record.
    _audit(engine, "download", {"what": "export", "file": Path(args.out).name, "rows": count})
    _say(f"Exported {count:,} records to {args.out}")
    return 0


def cmd_import_surveys(args: argparse.Namespace) -> int:
    """Import survey results files (external_id, score, comment, surveyed_at), one batch each."""
    from feedback_analytics.ingest import rejects_to_csv, run_survey_import

    result = run_survey_import(
        _engine(),
        [Path(p) for p in args.paths],
        actor=_cli_actor(),
        encoding=args.encoding,
        replace=args.replace,
        dry_run=args.dry_run,
    )
    if args.rejects:
        Path(args.rejects).write_bytes(rejects_to_csv(result, neutralise=False))
    return _report_import(result, args, rows="responses", updated="replaced")


def cmd_report(args: argparse.Namespace) -> int:
    """Print the month's METRICS.md report as JSON, or write the monthly report file."""
    from feedback_analytics import facts, metrics

    settings = get_settings()
    as_of = args.as_of or datetime.now(settings.tz)
    if as_of.tzinfo is None:  # a time without an offset is company time (METRICS.md)
        as_of = as_of.replace(tzinfo=settings.tz)
    month = args.month or metrics.last_complete_month(as_of, settings.tz)
    options: dict[str, Any] = {
        "month": month,
        "as_of": as_of,
        "tz": settings.tz,
        # This process opens no other connection while the report reads the store.
        "sole_user": True,
        # The dashboard's snapshot of the store, used when it is current.
        "cache_dir": Path(settings.cache_dir),
    }
    if args.out is None:
        report = facts.stored_month_report(_engine(), **options)
        print(json.dumps(report, ensure_ascii=False))
        return 0
    from feedback_analytics.report_files import write_report

    # Cron writes one file a month: --out 'reports/feedback-{month}.html'.
    out = Path(args.out.replace("{month}", month))
    if out.suffix.lower() not in {".xlsx", ".html"}:
        raise UsageError(f"--out must end in .xlsx or .html, not '{out.name}'")
    overview = facts.stored_overview(_engine(), **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_report(overview, out, lang=args.lang, tz=settings.tz)
    _say(f"Wrote the report of {month} (as of {as_of.isoformat(timespec='minutes')}) to {out}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Train the classifier on the human labels; activate it and categorise unless told not to."""
    from feedback_analytics.classify import service

    engine = _engine()
    result = service.train_model(
        engine,
        created_by="command line",
        activate=args.activate,
        progress=_progress_bar(args, "Training"),
    )
    skipped = ", ".join(f"{k} ({v})" for k, v in result.skipped_labels.items())
    _say(
        f"Trained model {result.version} on {result.n_train:,} labelled records, "
        f"{len(result.labels)} categories: cross-validated accuracy "
        f"{result.metrics['accuracy']:.1%}, macro-F1 {result.metrics['macro_f1']:.3f}."
        + (f" Too few examples to learn: {skipped}." if skipped else "")
    )
    output = result.as_json()
    if args.activate:
        classified = service.classify_store(engine, threshold=get_settings().review_threshold)
        output["classify"] = classified.as_json()
        _say(_classified_message(classified))
    else:
        _say("Not activated: the active model is unchanged.")
    if args.json:
        print(json.dumps(output, ensure_ascii=False))
    return 0


def _classified_message(result: Any) -> str:
    message = (
        f"Categorised {result.classified:,} records with model {result.version}; "
        f"{result.to_review:,} less confident than {result.threshold:.0%} await review."
    )
    if getattr(result, "stands_in_for", None):
        message = (
            f"The active model {result.stands_in_for} cannot be used ({result.problem}); the "
            f"model active before it, {result.version}, stood in. An administrator should "
            "activate a model that loads (Classifier page) or train a new one.\n" + message
        )
    return message


def cmd_classify(args: argparse.Namespace) -> int:
    """Categorise every record without a human label with the active model."""
    from feedback_analytics.classify import service

    result = service.classify_store(_engine(), threshold=get_settings().review_threshold)
    if result.version is None:
        _say("No active model: train one first (python -m feedback_analytics train).")
        if args.json:
            print(json.dumps(result.as_json()))
        return 1
    _say(_classified_message(result))
    if args.json:
        print(json.dumps(result.as_json()))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Train the production recipe on one labelled CSV and score it on another."""
    from feedback_analytics.classify.evaluate import evaluate_files

    figures = evaluate_files(
        Path(args.train),
        Path(args.test),
        text_column=args.text_column,
        label_column=args.label_column,
    )
    _say(
        f"accuracy {figures['accuracy']:.4f}, macro-F1 {figures['macro_f1']:.4f} on "
        f"{figures['n_test']:,} texts ({figures['n_labels']} labels, trained on "
        f"{figures['n_train']:,} in {figures['fit_seconds']:.1f} s, backend {figures['backend']})"
    )
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Check the audit log's hash chain; exit 1 when an entry no longer fits it."""
    from feedback_analytics.audit import verify_chain

    with Session(_engine()) as session:
        report = verify_chain(session, anchor=args.anchor)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    elif report.intact and report.head_id is None:
        print("The audit log is intact: it holds no entries yet.")
    elif report.intact:
        entries = f"{report.entries:,} {'entry' if report.entries == 1 else 'entries'}"
        print(
            f"The audit log is intact: {entries}, the newest is entry {report.head_id} with "
            f"hash {report.head_hash}. Kept elsewhere, `audit-verify --anchor "
            f"{report.head_id}:{report.head_hash}` later shows whether the log was cut short or "
            "rewritten."
        )
    # Failures go to stderr, so that cron (stdout sent to a file) mails only them.
    if report.first_break is not None:
        broken = report.first_break
        _say(
            f"The audit log is broken at entry {broken.id} ({broken.at.isoformat()}, "
            f"{broken.actor}, {broken.action}): {broken.reason}. {report.broken_entries:,} of "
            f"{report.entries:,} entries fail the check."
        )
    if report.anchor_problem is not None:
        _say(f"The audit log is broken: {report.anchor_problem}.")
    return 0 if report.intact else 1


def _anchor(value: str) -> tuple[int, str]:
    entry, colon, digest = value.strip().partition(":")
    digest = digest.lower()
    if not (colon and entry.isdigit() and len(digest) == 64) or set(digest) - set(HEX_DIGITS):
        raise argparse.ArgumentTypeError(
            f"'{value}' is not ENTRY:HASH like 1234:{'0' * 64} (as audit-verify reported it)"
        )
    return int(entry), digest


HEX_DIGITS = "0123456789abcdef"


def _audit(engine: Engine, action: str, details: dict[str, Any]) -> None:
    """Append what this command did to the audit log, as the operating system's user."""
    from feedback_analytics.audit import record_event

    with Session(engine) as session, session.begin():
        record_event(session, actor=_cli_actor(), action=action, details=details)


def _cli_actor() -> str:
    """Return the audit actor of a command: the operating system's user name."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "cli:unknown"


def _new_password(args: argparse.Namespace) -> str:
    """Return the password from stdin (--password-stdin) or typed twice at the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        raise UsageError(
            "there is no terminal to type the password at: pipe it in with --password-stdin"
        )
    first = getpass.getpass("Password: ")
    if getpass.getpass("Same password again: ") != first:
        raise UsageError("the two passwords differ: run the command again")
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    """Add a user account with a password, or none for single sign-on."""
    from feedback_analytics import auth

    password = None if args.no_password else _new_password(args)
    with Session(_engine()) as session, session.begin():
        account = auth.create_user(
            session,
            email=args.email,
            role=args.role,
            name=args.name,
            password=password,
            actor=_cli_actor(),
            now=datetime.now(UTC),
        )
    how = "signs in with single sign-on only" if args.no_password else "has a password"
    _say(f"Created the {account.role} account {account.email}; it {how}.")
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    """Give a user account a new password (and lift a sign-in lock)."""
    from feedback_analytics import auth

    engine = _engine()
    with Session(engine) as session:
        account = auth.find_user(session, args.email)
    if account is None:
        raise ActionableError(
            f"No user has the email {auth.normalise_email(args.email)}: add one with create-user."
        )
    password = _new_password(args)
    with Session(engine) as session, session.begin():
        auth.set_password(session, account.id, password, actor=_cli_actor(), now=datetime.now(UTC))
    _say(f"Set a new password for {account.email}.")
    return 0


def cmd_sla_policy(args: argparse.Namespace) -> int:
    """Print the stored SLA policy, after changing its targets or clock when told to."""
    from feedback_analytics import sla

    engine = _engine()
    with Session(engine) as session, session.begin():
        policy = sla.load_policy(session)
        wanted = sla.changed_policy(
            policy,
            ack_hours=dict(args.ack_hours or []),
            resolution_hours=dict(args.resolution_hours or []),
            working_hours=None if args.working_hours is None else args.working_hours == "on",
        )
        if sla.save_policy(session, wanted, actor=_cli_actor()):
            _say("Saved the SLA policy; every page and app instance uses it within a minute.")
        policy = wanted
    described = policy.describe()
    if args.json:
        print(json.dumps(described, ensure_ascii=False))
        return 0
    clock = "working hours" if policy.calendar.enabled else "calendar hours"
    print(f"Targets in {clock}:")
    for priority in described["ack_hours"]:
        resolution = described["resolution_hours"][priority]
        print(
            f"  {priority:<7} acknowledge within {described['ack_hours'][priority]:g} h, "
            f"resolve within {'no target' if resolution is None else f'{resolution:g} h'}"
        )
    if policy.calendar.enabled:
        calendar = policy.calendar
        days = ", ".join(WEEKDAY_NAMES[day] for day in calendar.weekdays)
        holidays = "without" if calendar.public_holidays else "with"
        print(
            f"Working hours: {calendar.day_start:%H:%M}-{calendar.day_end:%H:%M} on {days}, "
            f"{holidays} Vietnam's public holidays."
        )
    return 0


# send-mail's exit statuses beyond 0 (all due messages sent) and 2 (settings missing, usage).
EXIT_MESSAGES_LEFT = 1  # some messages were refused for good, wait for a retry or are uncertain
EXIT_UNREACHABLE = 3  # the mail server could not be reached: the messages stay queued
EXIT_LOGIN = 4  # the mail server refused the login


def cmd_send_mail(args: argparse.Namespace) -> int:
    """Send the messages to customers that are due; with --watch, keep sending as they come."""
    import time

    from feedback_analytics.mail import outbox

    problem = outbox.settings_problem(get_settings())
    if problem is not None:
        raise outbox.MailNotConfigured(problem)
    engine = _engine()
    try:
        while True:
            report = outbox.deliver_due(engine, limit=args.limit)
            status = _report_delivery(report)
            if not args.watch or status == EXIT_LOGIN:
                return status
            time.sleep(args.interval)
    except KeyboardInterrupt:
        # Between messages nothing is half done; a message being handed over stays "sending".
        _say("Stopped.")
        return 130


def _report_delivery(report: DeliveryReport) -> int:
    """Say what one delivery run did in one line (and each refusal); return the exit status."""
    for delivery in report.deliveries:
        if delivery.status != "sent":
            _say(f"  message {delivery.outbox_id}: {delivery.status}: {delivery.detail}")
    sent, failed = report.count("sent"), report.count("failed")
    later, uncertain = report.count("queued"), report.count("sending")
    line = (
        f"Sent {sent:,} message{'' if sent == 1 else 's'}; {failed:,} refused for good; "
        f"{later:,} wait{'s' if later == 1 else ''} for a retry"
    )
    if uncertain:
        line += f"; {uncertain:,} may or may not have been sent (a person must check them)"
    _say(line + ".")
    if report.problem is not None:
        _say(f"error: {report.problem_text}")
        return EXIT_LOGIN if report.problem == "login" else EXIT_UNREACHABLE
    return EXIT_MESSAGES_LEFT if failed or later or uncertain else 0


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _priority_hours(value: str) -> tuple[str, float]:
    priority, equals, hours = value.partition("=")
    try:
        if not equals:
            raise ValueError(value)
        number = float(hours)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not PRIORITY=HOURS like urgent=4 (priorities: urgent, high, normal, low)"
        ) from exc
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"'{value}': the hours must be a positive number")
    return priority.strip().lower(), number


def _month(value: str) -> str:
    from feedback_analytics.metrics import month_bounds

    try:
        month_bounds(value, get_settings().tz)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a month like 2026-09") from exc
    return value


def _instant(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a time like 2026-10-01T08:00+07:00"
        ) from exc


def _month_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-09-30") from exc


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit 2 with a usage line, no traceback
        self.print_usage(sys.stderr)
        _say(f"{self.prog}: error: {message}")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """Return the command line's parser."""
    parser = _Parser(prog="python -m feedback_analytics", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub = commands.add_parser("init-db", help="create or migrate the database schema")
    sub.set_defaults(func=cmd_init_db)

    sub = commands.add_parser("seed-demo", help="fill the store with generated demo data")
    sub.add_argument("--records", type=int, default=get_settings().demo_records)
    sub.add_argument("--seed", type=int, default=42)
    sub.add_argument("--end", type=_month_day, help="last day of the data (default: today)")
    sub.add_argument("--if-empty", action="store_true", help="only when the store is empty")
    sub.add_argument(
        "--train",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="train and activate a first classifier on the demo's labels (default: yes)",
    )
    sub.set_defaults(func=cmd_seed_demo)

    sub = commands.add_parser(
        "import", help="import canonical record files, e-mails, call logs or web form exports"
    )
    sub.add_argument("paths", nargs="+", metavar="PATH")
    sub.add_argument(
        "--from",
        dest="source",
        type=lambda value: value.strip().lower().replace("_", "-"),
        choices=("records", "email", "hotline", "web-form"),
        help="what the files are: canonical records, e-mails (.eml/.mbox), a hotline call log "
        "(CSV) or a web form export (JSON); default: .eml and .mbox are e-mail, the rest records",
    )
    sub.add_argument("--encoding", help="for files that are neither UTF-8 nor UTF-16 with BOM")
    sub.add_argument("--rejects", metavar="FILE", help="write the rejected rows to this CSV")
    sub.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sub.set_defaults(func=cmd_import)

    sub = commands.add_parser(
        "fetch-mail",
        help="read the dedicated feedback mailbox (IMAP) into feedback; exit 1: some messages "
        "unreadable, 2: settings missing, 3: server unreachable, 4: sign-in refused",
    )
    sub.add_argument(
        "--watch",
        action="store_true",
        help="keep reading as mail arrives (IMAP IDLE, else every FEEDBACK_IMAP_POLL_SECONDS)",
    )
    sub.set_defaults(func=cmd_fetch_mail)

    sub = commands.add_parser("export", help="export every record to the canonical file")
    sub.add_argument("--out", required=True, metavar="FILE", help=".csv, .xlsx, .json or .jsonl")
    sub.set_defaults(func=cmd_export)

    sub = commands.add_parser(
        "import-surveys", help="import survey results: external_id, score, comment, surveyed_at"
    )
    sub.add_argument("paths", nargs="+", metavar="PATH")
    sub.add_argument("--encoding", help="for files that are neither UTF-8 nor UTF-16 with BOM")
    sub.add_argument(
        "--replace",
        action="store_true",
        help="replace stored responses the file answers differently (each change is audited)",
    )
    sub.add_argument("--rejects", metavar="FILE", help="write the rejected rows to this CSV")
    sub.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sub.set_defaults(func=cmd_import_surveys)

    sub = commands.add_parser("report", help="the monthly metrics, as JSON or as a report file")
    sub.add_argument(
        "--month", type=_month, help="YYYY-MM, company time (default: the last complete month)"
    )
    sub.add_argument(
        "--as-of",
        type=_instant,
        help="ISO time the report is computed for (default: now; no offset = company time)",
    )
    target = sub.add_mutually_exclusive_group(required=True)
    target.add_argument("--json", action="store_true", help="print the METRICS.md JSON")
    target.add_argument(
        "--out",
        metavar="FILE",
        help="write the report to FILE.xlsx or FILE.html ({month} in FILE becomes the month)",
    )
    sub.add_argument("--lang", choices=("en", "vi"), default="en", help="language of --out")
    sub.set_defaults(func=cmd_report)

    sub = commands.add_parser("train", help="train the category classifier on the human labels")
    sub.add_argument(
        "--activate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="make it the active model and categorise the records (default: yes)",
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sub.set_defaults(func=cmd_train)

    sub = commands.add_parser("classify", help="categorise what has no human label")
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sub.set_defaults(func=cmd_classify)

    sub = commands.add_parser("evaluate", help="train on one labelled CSV, score on another")
    sub.add_argument("--train", required=True, metavar="FILE")
    sub.add_argument("--test", required=True, metavar="FILE")
    sub.add_argument("--text-column", default="text")
    sub.add_argument("--label-column", default="category")
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sub.set_defaults(func=cmd_evaluate)

    sub = commands.add_parser(
        "sla-policy",
        help="show the SLA policy every page and report uses; change its targets or clock",
    )
    sub.add_argument(
        "--ack-hours",
        type=_priority_hours,
        nargs="+",
        action="extend",
        metavar="PRIORITY=HOURS",
        help="acknowledgement targets, e.g. urgent=4 high=8",
    )
    sub.add_argument(
        "--resolution-hours",
        type=_priority_hours,
        nargs="+",
        action="extend",
        metavar="PRIORITY=HOURS",
        help="resolution targets, e.g. urgent=24 low=240",
    )
    sub.add_argument(
        "--working-hours",
        choices=("on", "off"),
        help="count working hours (the calendar on the SLA settings page) or calendar hours",
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sub.set_defaults(func=cmd_sla_policy)

    sub = commands.add_parser("create-user", help="add a user account that may sign in")
    sub.add_argument("--email", required=True)
    sub.add_argument("--role", required=True, choices=ROLES)
    sub.add_argument("--name", default="", help="the person's name as the app shows it")
    password = sub.add_mutually_exclusive_group()
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    password.add_argument(
        "--no-password", action="store_true", help="no password: single sign-on only"
    )
    sub.set_defaults(func=cmd_create_user)

    sub = commands.add_parser("set-password", help="give a user account a new password")
    sub.add_argument("--email", required=True)
    sub.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    sub.set_defaults(func=cmd_set_password)

    sub = commands.add_parser(
        "send-mail",
        help="send the messages to customers that are due through the mail server (cron)",
        description="Exit status: 0 all due messages sent, 1 some refused or waiting for a "
        "retry, 2 mail server settings missing, 3 mail server unreachable, 4 login refused.",
    )
    sub.add_argument("--watch", action="store_true", help="keep sending until interrupted")
    sub.add_argument(
        "--interval",
        type=float,
        default=30,
        metavar="SECONDS",
        help="--watch: how often to look for due messages (default 30)",
    )
    sub.add_argument(
        "--limit", type=int, default=500, help="at most this many messages per run (default 500)"
    )
    sub.set_defaults(func=cmd_send_mail)

    sub = commands.add_parser(
        "audit-verify", help="check that no audit log entry was changed, removed or slipped in"
    )
    sub.add_argument(
        "--anchor",
        type=_anchor,
        metavar="ENTRY:HASH",
        help="the newest entry and hash an earlier check reported: the log must still hold it",
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sub.set_defaults(func=cmd_audit_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status; a traceback never reaches the user."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Customers' phone numbers and e-mail addresses never reach a log, whatever a message holds.
    install_log_redaction()
    try:
        return int(args.func(args))
    except DatabaseUnavailable as exc:
        _say(str(exc))
        return 2
    except (ActionableError, UsageError, OSError) as exc:
        _say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("Interrupted: the file being imported was rolled back.")
        return 130
    except Exception as exc:
        log.debug("unexpected error", exc_info=True)
        _say(f"error: {type(exc).__name__}: {exc} (run with -v for details)")
        return 2


if __name__ == "__main__":
    sys.exit(main())
