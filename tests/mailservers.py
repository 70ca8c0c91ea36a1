"""Real mail servers on this machine for the tests and benchmarks: Debian's Dovecot (IMAP) and
aiosmtpd (SMTP), each on a free port of 127.0.0.1, plus a TCP relay that cuts a connection.

Dovecot runs from a configuration of its own in a private folder (no system service is
touched); its mail processes run as `nobody`, as Dovecot refuses root for them.

Either server can speak TLS (STARTTLS on its port, implicit TLS on another) with certificates
from `make_certificates`: a certificate authority of the tests' own, made with the `openssl`
command in a temporary folder (never committed), and server certificates it signs.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DOVECOT = "/usr/sbin/dovecot"
_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
"""


# What one server certificate is for: the names a client may reach the tests' servers by.
SERVER_NAMES = ("DNS:localhost", "IP:127.0.0.1")


@dataclass(frozen=True)
class Certificates:
    """A test certificate authority's certificate and a server certificate it signed (PEM)."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        """Return a server-side TLS context presenting the server certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=60)


def make_certificates(
    folder: Path, *, names: Iterable[str] = SERVER_NAMES, ca: Path | None = None
) -> Certificates:
    """Make a certificate authority in `folder` (or reuse `ca`'s, with its key beside it as
    ca.key) and a server certificate it signs for `names` (subjectAltName entries); return
    their files."""
    folder.mkdir(parents=True, exist_ok=True)
    if ca is None:
        ca = folder / "ca.pem"
        _openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", folder / "ca.key", "-out", ca, "-days", "2",
            "-subj", "/CN=Feedback Analytics test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
    extensions = folder / "server.ext"
    extensions.write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName={','.join(names)}\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    key, request, cert = folder / "server.key", folder / "server.csr", folder / "server.pem"
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", request, "-subj", "/CN=Feedback Analytics test server",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca.with_name("ca.key"),
        "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", extensions,
    )  # fmt: skip
    key.chmod(0o644)  # Dovecot's config process reads it; the folder is the test's own
    return Certificates(ca_file=ca, cert_file=cert, key_file=key)


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, *, up: bool, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not {'open' if up else 'close'} in {seconds} s")


def dovecot_missing() -> str | None:
    """Return why Dovecot cannot run here, or None when it can."""
    if not Path(DOVECOT).exists():
        return "Dovecot is not installed (apt-get install -y dovecot-imapd; .ci/run does)"
    if os.geteuid() != 0:
        return "Dovecot's test server needs root to start (its mail processes run as nobody)"
    return None


@dataclass
class Dovecot:
    """A Dovecot IMAP server of the tests' own, with its users and their maildirs; with
    `certificates`, it offers STARTTLS on `port` and implicit TLS on `imaps_port`."""

    users: dict[str, str]
    port: int = field(default_factory=free_port)
    certificates: Certificates | None = None
    imaps_port: int = 0
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dovecot-")))
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Dovecot:
        """Write the configuration and start the server; return it once it answers."""
        self.root.chmod(0o755)
        for name in ("run", "state", "home"):
            (self.root / name).mkdir(exist_ok=True)
        shutil.chown(self.root / "home", "nobody", "nogroup")
        lines = [f"{user}:{{PLAIN}}{password}" for user, password in self.users.items()]
        (self.root / "passwd").write_text("\n".join(lines) + "\n")
        if self.certificates is None:
            tls = "ssl = no"
        else:
            self.imaps_port = self.imaps_port or free_port()
            tls = (
                f"ssl = yes\nssl_cert = <{self.certificates.cert_file}\n"
                f"ssl_key = <{self.certificates.key_file}"
            )
        (self.root / "dovecot.conf").write_text(
            _CONFIG.format(root=self.root, port=self.port, ssl=tls, imaps_port=self.imaps_port)
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, up=True)
        if self.imaps_port:
            _wait_for_port(self.imaps_port, up=True)
        return self

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, user: str) -> Any:
        """Return an IMAPClient signed in as `user` (the caller logs out)."""
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(user, self.users[user])
        return client

    def deliver(self, user: str, messages: Iterable[bytes], folder: str = "INBOX") -> int:
        """Put raw messages into `user`'s `folder` (made when missing); return how many."""
        count = 0
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw)
                count += 1
        return count

    def folder_count(self, user: str, folder: str) -> int:
        """Return how many messages `user`'s `folder` holds (0 when it does not exist)."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                return 0
            return int(client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"])


class _Recorder:
    """aiosmtpd handler: keeps every message accepted; refuses the recipients it is told to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()
        self.received = threading.Condition()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.received:
            self.messages.append(message)  # type: ignore[arg-type]
            self.received.notify_all()
        return f"250 2.0.0 Ok: queued as test-{len(self.messages)}"


class SmtpSink:
    """An aiosmtpd SMTP server that keeps what it accepts; it can be stopped and started
    again on the same port (a server that is down, then back).

    With `certificates` it speaks TLS: STARTTLS, required before any mail, or, with
    `implicit`, TLS from the first byte (as on port 465).
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        certificates: Certificates | None = None,
        implicit: bool = False,
    ) -> None:
        self.port = port or free_port()
        self.certificates = certificates
        self.implicit = implicit
        self.handler = _Recorder()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        """Return the messages accepted so far, oldest first."""
        with self.handler.received:
            return list(self.handler.messages)

    def refuse(self, *addresses: str) -> None:
        """Refuse these recipients from now on (550, a permanent refusal)."""
        self.handler.refused.update(a.lower() for a in addresses)

    def start(self) -> SmtpSink:
        """Start listening; return the server."""
        tls: dict[str, Any] = {}
        if self.certificates is not None:
            context = self.certificates.server_context()
            if self.implicit:
                tls = {"ssl_context": context}
            else:
                tls = {"tls_context": context, "require_starttls": True}
        self._controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=15, **tls
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening (the messages accepted are kept)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
            _wait_for_port(self.port, up=False)

    def wait_for(self, count: int, seconds: float = 30) -> list[EmailMessage]:
        """Return the messages once at least `count` arrived; raise after `seconds`."""
        deadline = time.monotonic() + seconds
        with self.handler.received:
            while len(self.handler.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"the SMTP server received {len(self.handler.messages)} of {count} "
                        f"messages in {seconds} s"
                    )
                self.handler.received.wait(left)
            return list(self.handler.messages)


class CuttingRelay:
    """A TCP relay to a server's port that cuts every connection once the server has sent
    `cut_after` bytes through it: a server that drops the connection mid-batch."""

    def __init__(self, target_port: int, *, cut_after: int) -> None:
        self.target_port = target_port
        self.cut_after = cut_after
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, limit: int | None
    ) -> None:
        passed = 0
        try:
            while chunk := await reader.read(4096):
                if limit is not None and passed + len(chunk) > limit:
                    writer.write(chunk[: max(0, limit - passed)])
                    await writer.drain()
                    break
                passed += len(chunk)
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        down = asyncio.ensure_future(self._pipe(up_reader, writer, self.cut_after))
        up = asyncio.ensure_future(self._pipe(reader, up_writer, None))
        await asyncio.wait({down, up}, return_when=asyncio.FIRST_COMPLETED)
        for task in (down, up):
            task.cancel()
        writer.close()
        up_writer.close()

    def start(self) -> CuttingRelay:
        """Start relaying; return the relay."""
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", self.port), self._loop
        )
        self._server = started.result(timeout=10)
        return self

    def stop(self) -> None:
        """Stop relaying."""
        if self._server is not None:
            self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
