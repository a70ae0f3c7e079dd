"""Send mail over SMTP: a draft you wrote, the digest, a test message.

The server is in the settings (``smtp_host``, ``smtp_port``, ``smtp_security``,
``smtp_user``, ``smtp_from``).  The password never is: it comes from
``KITH_SMTP_PASSWORD``, else from the system keyring (service ``kith``,
account ``USER@HOST``) when the ``keyring`` package and a backend are there.
It is never stored, printed or put in an error message.

Certificates are checked against the system's authorities, or against
``KITH_SMTP_CAFILE`` alone (a server with a private CA).  Every failure (the
server cannot be reached, TLS, the log-in, a refused address) becomes a
``KithError`` that says what to do next.
"""

from __future__ import annotations

import importlib
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, make_msgid, parseaddr

from kith.config import Settings
from kith.errors import InputError, RemoteError
from kith.interchange.normalize import normalize_email

PASSWORD_VAR = "KITH_SMTP_PASSWORD"
CAFILE_VAR = "KITH_SMTP_CAFILE"
KEYRING_SERVICE = "kith"
TIMEOUT = 20.0
_HINT_PORTS = "port 587 goes with starttls, 465 with ssl"


@dataclass(frozen=True, slots=True)
class Server:
    """Where and how to send: the SMTP settings, checked."""

    host: str
    port: int
    security: str
    user: str
    sender: str

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"


def sender_of(settings: Settings) -> str:
    """The From address: ``smtp_from``, else ``smtp_user`` when it is an address."""
    given = str(settings["smtp_from"]).strip()
    if given:
        return given
    user = str(settings["smtp_user"]).strip()
    return user if "@" in user else ""


def is_configured(settings: Settings) -> bool:
    """Can Kith send mail: a server and a From address."""
    return bool(str(settings["smtp_host"]).strip() and sender_of(settings))


def server_of(settings: Settings) -> Server:
    host = str(settings["smtp_host"]).strip()
    if not host:
        raise InputError(
            "Kith has no mail server to send with",
            field="smtp_host",
            hint="set smtp_host (and smtp_user, smtp_from) in Settings, or "
            "kith config set smtp_host smtp.example.com",
        )
    sender = sender_of(settings)
    if not sender:
        raise InputError(
            "Kith does not know which address to send from",
            field="smtp_from",
            hint="set smtp_from, e.g. kith config set smtp_from you@example.com",
        )
    return Server(
        host,
        int(settings["smtp_port"]),
        str(settings["smtp_security"]),
        str(settings["smtp_user"]).strip(),
        sender,
    )


def password_source(settings: Settings, env: Mapping[str, str]) -> str:
    """Where the password would come from ("KITH_SMTP_PASSWORD", "the system keyring"), or ""."""
    if env.get(PASSWORD_VAR):
        return PASSWORD_VAR
    user, host = str(settings["smtp_user"]).strip(), str(settings["smtp_host"]).strip()
    if user and host and _keyring_password(f"{user}@{host}")[0]:
        return "the system keyring"
    return ""


def _password(server: Server, env: Mapping[str, str]) -> str:
    given = env.get(PASSWORD_VAR)
    if given:
        return given
    account = f"{server.user}@{server.host}"
    found, why_not = _keyring_password(account)
    if found:
        return found
    raise InputError(
        f"no password for {server.user} on {server.host}: {PASSWORD_VAR} is not set and {why_not}",
        field="password",
        hint=f"set {PASSWORD_VAR} in the environment of Kith, or keep it in the system keyring "
        f"with `keyring set {KEYRING_SERVICE} {account}`; Gmail and Fastmail want an app password",
    )


def _keyring_password(account: str) -> tuple[str | None, str]:
    """The keyring's password for ``account``, or None and why there is none."""
    try:
        keyring = importlib.import_module("keyring")
    except ImportError:
        return None, "the keyring package is not installed"
    try:
        password = keyring.get_password(KEYRING_SERVICE, account)
    except Exception as exc:  # no backend, a locked keyring, no D-Bus: all mean "no keyring"
        return None, f"the system keyring cannot be used ({type(exc).__name__})"
    if not password:
        return None, f"the system keyring has none for {KEYRING_SERVICE} / {account}"
    return str(password), ""


def _tls_context(env: Mapping[str, str]) -> ssl.SSLContext:
    cafile = env.get(CAFILE_VAR)
    if not cafile:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ValueError, ssl.SSLError) as exc:
        raise InputError(
            f"{CAFILE_VAR}={cafile} cannot be used as certificate authorities ({exc})",
            field="cafile",
            hint="give a PEM file of the CA that signed the mail server's certificate",
        ) from exc


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _clean_header(text: str) -> str:
    return " ".join(text.split())


def _check_address(text: str, what: str) -> str:
    name, address = parseaddr(_clean_header(text))
    if not address or "@" not in address:
        raise InputError(f"{text!r} is not an e-mail address", field=what)
    normalize_email(address)  # raises InputError when it is not valid
    return _clean_header(text) if name else address


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """A plain-text message (with an HTML alternative when given), with Date and Message-ID."""
    message = EmailMessage()
    message["From"] = _check_address(sender, "smtp_from")
    message["To"] = _check_address(to, "to")
    if reply_to and parseaddr(reply_to)[1].lower() != parseaddr(sender)[1].lower():
        message["Reply-To"] = _check_address(reply_to, "reply_to")
    message["Subject"] = _clean_header(subject)
    message["Date"] = format_datetime(now) if now is not None else formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "kith.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = _clean_header(value)
    message.set_content(body.replace("\r\n", "\n"))
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send_message(
    settings: Settings,
    env: Mapping[str, str],
    *,
    to: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> None:
    """Send one message through the configured server; a failure is a ``KithError``."""
    server = server_of(settings)
    message = build_message(
        sender=server.sender, to=to, subject=subject, body=body, reply_to=reply_to, html=html,
        headers=headers, now=now,
    )  # fmt: skip
    password = _password(server, env) if server.user else ""
    if password and server.security == "none" and not _is_loopback(server.host):
        raise InputError(
            f"Kith will not send your password to {server.host} without encryption",
            field="smtp_security",
            hint=f"set smtp_security to starttls or ssl: {_HINT_PORTS}",
        )
    context = _tls_context(env) if server.security != "none" else None
    connection = _connect(server, context)
    try:
        _deliver(connection, server, context, password, message)
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _tls_failed(server: Server, exc: ssl.SSLError) -> RemoteError:
    return RemoteError(
        f"TLS with the mail server {server.label} failed ({exc.reason or exc})",
        hint=f"check smtp_security: {_HINT_PORTS}",
    )


def _connect(server: Server, context: ssl.SSLContext | None) -> smtplib.SMTP:
    try:
        if server.security == "ssl":
            return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
        return smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    except ssl.SSLCertVerificationError as exc:
        raise _untrusted(server, exc) from exc
    except ssl.SSLError as exc:
        raise _tls_failed(server, exc) from exc
    except socket.gaierror as exc:
        raise RemoteError(
            f"the mail server {server.host} cannot be found ({exc.strerror or exc})",
            hint="check smtp_host, and that this computer is online",
        ) from exc
    except TimeoutError as exc:
        raise RemoteError(
            f"the mail server {server.label} did not answer in {TIMEOUT:.0f} seconds",
            hint=f"check smtp_host and smtp_port: {_HINT_PORTS}",
        ) from exc
    except smtplib.SMTPException as exc:
        raise RemoteError(f"the mail server {server.label} broke off: {_reply(exc)}") from exc
    except OSError as exc:
        raise RemoteError(
            f"the mail server {server.label} cannot be reached ({exc.strerror or exc})",
            hint=f"check smtp_host and smtp_port: {_HINT_PORTS}",
        ) from exc


def _deliver(
    connection: smtplib.SMTP,
    server: Server,
    context: ssl.SSLContext | None,
    password: str,
    message: EmailMessage,
) -> None:
    step = "greeting"
    try:
        connection.ehlo()
        if server.security == "starttls":
            step = "starttls"
            connection.starttls(context=context)
            connection.ehlo()
        if server.user:
            step = "login"
            connection.login(server.user, password)
        step = "send"
        connection.send_message(message)
    except smtplib.SMTPNotSupportedError as exc:
        if step == "starttls":
            raise RemoteError(
                f"the mail server {server.label} does not offer STARTTLS",
                hint=f"set smtp_security to ssl if it expects TLS from the start: {_HINT_PORTS}",
            ) from exc
        raise RemoteError(
            f"the mail server {server.label} does not accept a log-in here",
            hint="leave smtp_user empty if it needs none, or use the port for submission (587)",
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise RemoteError(
            f"the mail server {server.label} refused the user name and password of "
            f"{server.user} ({_reply(exc)})",
            hint=f"check smtp_user and {PASSWORD_VAR}; Gmail and Fastmail want an app password, "
            "not your usual one",
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(
            f"{address} ({_reply_text(code, text)})"
            for address, (code, text) in exc.recipients.items()
        )
        raise RemoteError(
            f"the mail server {server.label} refused the recipient {refused}"
        ) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise RemoteError(
            f"the mail server {server.label} refused to send from {server.sender} ({_reply(exc)})",
            hint="smtp_from must be an address your mail account may send from",
        ) from exc
    except ssl.SSLCertVerificationError as exc:
        raise _untrusted(server, exc) from exc
    except ssl.SSLError as exc:
        raise _tls_failed(server, exc) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise RemoteError(
            f"the mail server {server.label} closed the connection during {step}",
            hint=f"check smtp_security and smtp_port: {_HINT_PORTS}",
        ) from exc
    except smtplib.SMTPException as exc:
        raise RemoteError(
            f"the mail server {server.label} refused the message during {step}: {_reply(exc)}"
        ) from exc
    except OSError as exc:
        raise RemoteError(
            f"the connection to the mail server {server.label} failed during {step} "
            f"({exc.strerror or exc})"
        ) from exc


def _untrusted(server: Server, exc: ssl.SSLCertVerificationError) -> RemoteError:
    return RemoteError(
        f"the mail server {server.label} has a certificate this computer does not trust "
        f"({exc.verify_message or exc.reason or exc})",
        hint=f"check smtp_host; for a server with its own CA give it in {CAFILE_VAR}",
    )


def _reply(exc: smtplib.SMTPException) -> str:
    code = getattr(exc, "smtp_code", None)
    text = getattr(exc, "smtp_error", b"")
    if code is None:
        return str(exc) or type(exc).__name__
    return _reply_text(int(code), text)


def _reply_text(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()
