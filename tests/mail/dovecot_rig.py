"""A real Dovecot (Debian's dovecot-imapd) on 127.0.0.1, of our own: the IMAP test rig.

``start_dovecot()`` makes a fresh directory under /tmp with Dovecot's own
configuration: its own ``base_dir`` (sockets) and ``instance_name``, a
passwd-file of users, maildir under that directory, a throw-away certificate
authority and server certificate made with ``openssl``, TLS required, the log
in ``dovecot.log``, and two listeners on free loopback ports: imaps (TLS at
once) and imap (STARTTLS).  It runs ``dovecot -c CONF``; ``stop_dovecot`` runs
``dovecot -c CONF stop`` and removes the directory.  ``Dovecot.add_user()``
gives a new user with an empty mailbox.

Run as root (CI and the dev machine are): Dovecot's login processes run as
Debian's ``dovenull``, its internal ones as ``dovecot``, and the mail as
``nobody``, since Dovecot refuses mail as root.  When Dovecot is missing or
does not start, ``DovecotError`` says why and how to fix it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from imapclient import IMAPClient  # type: ignore[import-untyped]

MAIL_USER = "nobody"  # Dovecot will not keep mail as root


class DovecotError(Exception):
    """Dovecot is missing or did not start; the message says why and what to do."""


@dataclass
class Dovecot:
    root: Path
    conf: Path
    log: Path
    ca: Path  # the PEM of the authority that signed the server's certificate
    other_ca: Path  # an authority that signed nothing of this server's
    imaps_port: int
    imap_port: int  # STARTTLS
    host: str = "127.0.0.1"

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"(no log: {exc})"

    def add_user(self, password: str | None = None) -> Account:
        """A new user whose mailbox is empty; Dovecot rereads the passwd-file when it changes."""
        user = f"u{uuid.uuid4().hex[:10]}"
        password = password or uuid.uuid4().hex
        entry = pwd.getpwnam(MAIL_USER)
        home = self.root / "mail" / user
        passwd = self.root / "users" / user
        passwd.write_text(f"{user}:{{PLAIN}}{password}:{entry.pw_uid}:{entry.pw_gid}::{home}::\n")
        passwd.chmod(0o644)  # read by the auth process, which runs as dovecot
        return Account(self, user, password)


@dataclass
class Account:
    server: Dovecot
    user: str
    password: str

    def url(self, folder: str = "", scheme: str = "imaps") -> str:
        port = self.server.imaps_port if scheme == "imaps" else self.server.imap_port
        return f"{scheme}://{self.user}@{self.server.host}:{port}/{folder}"

    def client(self) -> IMAPClient:
        """A logged-in IMAPClient over TLS (use it in a ``with`` block)."""
        server = self.server
        client = IMAPClient(
            server.host, server.imaps_port, ssl_context=server.ssl_context(), timeout=30
        )
        client.login(self.user, self.password)
        return client

    def append(self, folder: str, messages: Iterable[bytes], *, seen: bool = False) -> None:
        """APPEND the messages (MULTIAPPEND, 500 at a time), creating the folder if need be."""
        flags = [b"\\Seen"] if seen else []
        batch: list[dict[str, object]] = []
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for msg in messages:
                batch.append({"msg": msg, "flags": flags})
                if len(batch) == 500:
                    client.multiappend(folder, batch)
                    batch = []
            if batch:
                client.multiappend(folder, batch)


def message(n: int, *, sender: str = "ann@example.org", to: str = "me@example.com") -> bytes:
    """A small message numbered ``n``; its body says ``BODY-TEXT-n``."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = f"Message {n}"
    msg["Date"] = "Mon, 02 Nov 2026 10:00:00 +0000"
    msg["Message-ID"] = f"<m{n}.{uuid.uuid4().hex[:8]}@example.org>"
    msg.set_content(f"BODY-TEXT-{n}\n")
    return msg.as_bytes().replace(b"\n", b"\r\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _make_certificates(root: Path) -> None:
    """A certificate authority, a server certificate for 127.0.0.1/localhost, another CA."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for name in ("ca", "other-ca"):
        _openssl(
            "req", "-x509", *ec, "-days", "2", "-subj", f"/CN=Kith test {name}",
            "-keyout", f"{name}.key", "-out", f"{name}.pem",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=root,
        )  # fmt: skip
    _openssl(
        "req", *ec, "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr",
        cwd=root,
    )  # fmt: skip
    (root / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
        cwd=root,
    )  # fmt: skip


def _config(root: Path, imap_port: int, imaps_port: int) -> str:
    return f"""\
# Kith's test Dovecot: nothing here is shared with a system-wide Dovecot.
instance_name = kith-test-{root.name}
base_dir = {root}/run
state_dir = {root}/state
protocols = imap
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{root}/server.pem
ssl_key = <{root}/server.key
auth_mechanisms = plain login
auth_failure_delay = 0
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
# No growing delay for the logins after a wrong password (a test makes one on purpose).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
"""


def _wait_for(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.02)
    return False


def start_dovecot() -> Dovecot:
    """Start a Dovecot of our own; ``stop_dovecot`` ends it and removes its directory."""
    missing = [p for p in ("dovecot", "doveadm", "openssl") if shutil.which(p) is None]
    if missing:
        raise DovecotError(
            f"{', '.join(missing)} not found: the IMAP tests need a real Dovecot. "
            "Run `bash scripts/system-deps.sh` as root (make test does)"
        )
    if os.geteuid() != 0:
        raise DovecotError(
            "the IMAP tests start Dovecot as root (it switches to dovenull, dovecot and "
            f"{MAIL_USER}); run them as root"
        )
    # /tmp and a short name: Dovecot's sockets need a short path, and its unprivileged
    # processes must be able to reach base_dir (a tmp_path of pytest's is root's alone).
    root = Path(tempfile.mkdtemp(prefix="kith-dovecot-", dir="/tmp"))
    root.chmod(0o755)
    _make_certificates(root)
    # A passwd-file per user: Dovecot looks at a changed passwd-file at most once a
    # second, but opens a new user's own file at once.
    (root / "users").mkdir(mode=0o755)
    entry = pwd.getpwnam(MAIL_USER)
    (root / "mail").mkdir()
    os.chown(root / "mail", entry.pw_uid, entry.pw_gid)
    imap_port, imaps_port = _free_port(), _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, imap_port, imaps_port))
    server = Dovecot(
        root, conf, root / "dovecot.log", root / "ca.pem", root / "other-ca.pem",
        imaps_port, imap_port,
    )  # fmt: skip
    # Dovecot goes into the background, and its daemon keeps the streams it was given:
    # a file, not a pipe that would never close.
    errors = root / "start.err"
    with errors.open("w") as err:
        started = subprocess.run(
            ["dovecot", "-c", str(conf)], stdin=subprocess.DEVNULL, stdout=err, stderr=err
        )
    if started.returncode != 0 or not (_wait_for(imaps_port, 10) and _wait_for(imap_port, 10)):
        stop_dovecot(server, remove=False)
        said = errors.read_text(errors="replace").strip()
        raise DovecotError(
            f"Dovecot did not start (exit {started.returncode}): {said}\n"
            f"configuration: {conf}\nlog:\n{server.log_tail()}"
        )
    return server


def stop_dovecot(server: Dovecot, *, remove: bool = True) -> None:
    pid_file = server.root / "run" / "master.pid"
    subprocess.run(
        ["dovecot", "-c", str(server.conf), "stop"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    if remove:
        shutil.rmtree(server.root, ignore_errors=True)
