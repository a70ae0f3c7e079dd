"""Helpers of the web tools' tests: a real SMTP server's inbox, settings, CSRF tokens.

The SMTP server (see ``conftest.start_smtp``) is aiosmtpd on a free loopback
port; it keeps every message it receives.  It can ask for a log-in (AUTH over
plain text, allowed only because it is loopback) and offer STARTTLS with a
certificate made for the test by openssl.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import subprocess
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, LoginPassword
from fastapi.testclient import TestClient

NOW = "2026-11-26"
NETWORK = (
    (
        "me --name 'Sam Rivera' --email sam@example.com --interest 'climate finance' "
        "--timezone Europe/London --signature 'Sam'"
    ),
    (
        "--now 2026-11-20 add 'Mariam Haddad' --email mariam@example.org --org 'Green Bank' "
        "--met-at 'the Forum' --met-on 2026-11-19 --interest 'climate finance'"
    ),
    "--now 2026-09-01 add 'Bo Chen' --email bo@example.net --circle close",
    "--now 2026-10-01 log 'Bo Chen' --kind call --on 2026-10-01 --summary 'his move to Lisbon'",
)
USER, PASSWORD = "sam@example.com", "app-password-for-kith"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox
    cafile: str = ""

    @property
    def messages(self) -> list[Received]:
        return self.inbox.messages


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
    return cert, key


def write_config(env: dict[str, str], **values: Any) -> None:
    """Settings in the test's config file (as `kith config set` would write them)."""
    import tomllib

    import tomli_w

    path = Path(env["KITH_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.update(values)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


def smtp_config(env: dict[str, str], server: SmtpServer, **more: Any) -> None:
    write_config(
        env, smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="none",
        smtp_user=USER, smtp_from="Sam Rivera <sam@example.com>", **more,
    )  # fmt: skip


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client: TestClient, page: str = "/settings") -> str:
    found = _CSRF.search(client.get(page).text)
    assert found, f"no CSRF token on {page}"
    return found.group(1)
