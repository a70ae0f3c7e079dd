"""IMAP: the header blocks of the owner's mail, read incrementally and resumably.

Only headers are read (``BODY.PEEK[HEADER]``), from folders opened read-only
(``EXAMINE``), so reading never marks a message as seen nor changes anything
on the server.  Each folder's progress is ``{"uidvalidity": int, "last_uid":
int}``: the next run reads only UIDs above ``last_uid``, and the whole folder
again when the server's UIDVALIDITY changed (the UIDs then name other
messages; the caller tells messages apart by their Message-ID).

Addresses look like ``imaps://USER@HOST[:PORT]/[FOLDER]`` (TLS from the first
byte, port 993), ``imap://…`` (port 143, STARTTLS required) or
``imap+plain://…`` (no encryption at all, only when asked for by name).  The
password never appears in an address: it comes from ``KITH_IMAP_PASSWORD``,
else from the system keyring (service ``kith``, account ``USER@HOST``) when
the ``keyring`` package and a backend are there.  Certificates are verified
against the system's authorities, or against ``KITH_IMAP_CAFILE`` alone.

Every failure of the network, of TLS, of the login or of the server becomes a
``kith.errors`` exception that says what to do next, and never holds the
password.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import unquote

import imapclient  # type: ignore[import-untyped]
from imapclient.exceptions import (  # type: ignore[import-untyped]
    IMAPClientAbortError,
    IMAPClientError,
    LoginError,
)

from kith.errors import InputError, KithError, NotFound, RemoteError

PASSWORD_VAR = "KITH_IMAP_PASSWORD"
CAFILE_VAR = "KITH_IMAP_CAFILE"
KEYRING_SERVICE = "kith"
URL_FORM = "imaps://USER@HOST[:PORT]/[FOLDER]"

# scheme → (how the connection is protected, default port)
_SCHEMES = {"imaps": ("tls", 993), "imap": ("starttls", 143), "imap+plain": ("plain", 143)}
_LABELS = {tls: scheme for scheme, (tls, _port) in _SCHEMES.items()}
# Names of the sent folder when the server marks none with \Sent (RFC 6154),
# compared without case, whole or after the last separator ("[Gmail]/Sent Mail").
_SENT_NAMES = ("sent", "sent items", "sent messages", "sent mail")
_NOT_SELECTABLE = frozenset({b"\\noselect", b"\\nonexistent"})
_HEADER = b"BODY[HEADER]"


@dataclass(frozen=True, slots=True)
class ImapTarget:
    """Where the mail is: an IMAP account and, if given, one folder."""

    user: str
    host: str
    port: int
    tls: str  # "tls" (imaps://), "starttls" (imap://) or "plain" (imap+plain://)
    folder: str | None = None

    def label(self) -> str:
        """``imaps://user@host:993``: how the account is shown; never with a password."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{_LABELS[self.tls]}://{self.user}@{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class FetchedHeaders:
    """The header block of one message, and the folder's resume state after it."""

    header: bytes
    folder: str
    uid: int
    where: str  # "INBOX uid 1234", for problem reports
    state: dict[str, Any]  # {"uidvalidity": int, "last_uid": int}


def parse_imap_url(url: str) -> ImapTarget:
    """``imaps://sam@example.com@imap.example.com/Archive`` → an ``ImapTarget``."""
    scheme, sep, rest = url.strip().partition("://")
    netloc, _, path = rest.partition("/")
    userinfo, at, hostport = netloc.rpartition("@")
    if ":" in userinfo:
        raise InputError(
            "a password does not belong in the IMAP address",
            field="url",
            hint=f"give it in {PASSWORD_VAR} or the system keyring, and write the address "
            f"as {URL_FORM}",
        )

    def bad(message: str) -> InputError:
        return InputError(
            f"{message}: {url!r}",
            field="url",
            value=url,
            hint=f"write it as {URL_FORM}, e.g. imaps://sam@example.com@imap.example.com/",
        )

    if not sep or scheme.lower() not in _SCHEMES:
        raise bad("not an IMAP address (imaps://, imap:// or imap+plain://)")
    tls, port = _SCHEMES[scheme.lower()]
    if not at or not userinfo:
        raise bad("no user name in the IMAP address")
    host, given = hostport, None
    if hostport.startswith("["):  # [IPv6]
        host, _, after = hostport[1:].partition("]")
        if after and not after.startswith(":"):
            raise bad("a bad host in the IMAP address")
        given = after[1:] if after else None
    elif ":" in hostport:
        host, _, given = hostport.rpartition(":")
    if given is not None:
        if not given.isdigit() or not 0 < int(given) < 65536:
            raise bad("a bad port in the IMAP address")
        port = int(given)
    if not host:
        raise bad("no host in the IMAP address")
    if any(c in host for c in " /?#@[]"):
        raise bad("a bad host in the IMAP address")
    folder = unquote(path).rstrip("/")
    return ImapTarget(unquote(userinfo), host.lower(), port, tls, folder or None)


def imap_password(target: ImapTarget, env: Mapping[str, str]) -> str:
    """``KITH_IMAP_PASSWORD``, else the system keyring's ``kith`` / ``user@host``."""
    password = env.get(PASSWORD_VAR)
    if password:
        return password
    account = f"{target.user}@{target.host}"
    password, why_not = _keyring_password(account)
    if password:
        return password
    raise InputError(
        f"no password for {target.label()}: {PASSWORD_VAR} is not set and {why_not}",
        field="password",
        hint=f"set {PASSWORD_VAR}, or keep the password in the system keyring: "
        f"pip install 'kith-prm[keyring]', then `keyring set {KEYRING_SERVICE} {account}`; "
        "Gmail, Fastmail and iCloud want an app password",
    )


def _keyring_password(account: str) -> tuple[str | None, str]:
    """The keyring's password for ``account``, or None and why there is none."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return None, "the keyring package is not installed"
    try:
        password = keyring.get_password(KEYRING_SERVICE, account)
    except keyring.errors.KeyringError as exc:
        return None, f"the system keyring cannot be used ({type(exc).__name__})"
    except Exception as exc:  # a backend that cannot be reached (D-Bus …) is no keyring
        return None, f"the system keyring failed ({type(exc).__name__})"
    if not password:
        return None, f"the system keyring has none for {KEYRING_SERVICE} / {account}"
    return password, ""


def imap_ssl_context(env: Mapping[str, str]) -> ssl.SSLContext:
    """Verify certificates against the system's authorities, or ``KITH_IMAP_CAFILE`` alone."""
    cafile = env.get(CAFILE_VAR)
    if not cafile:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{CAFILE_VAR}={cafile} cannot be read as PEM certificates "
            f"({getattr(exc, 'strerror', None) or exc})",
            field=CAFILE_VAR,
            value=cafile,
            hint="point it to the PEM file of the authority that signed the server's "
            "certificate, or unset it to trust the system's authorities",
        ) from exc


class ImapReader:
    """Header blocks from an IMAP account, folder by folder, above each folder's last UID.

    ::

        with ImapReader(target, password) as reader:
            total = reader.count_new(states)
            for fetched in reader.messages(states):
                ...  # keep fetched.state for fetched.folder once the message is stored
    """

    def __init__(
        self,
        target: ImapTarget,
        password: str,
        *,
        folders: Sequence[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        batch: int = 500,
        timeout: float = 60,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self.target = target
        self._password = password
        self._wanted = list(folders or ([target.folder] if target.folder else []))
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._batch = batch
        self._timeout = timeout
        self._client: Any = None
        self._folders: list[str] | None = None

    def __repr__(self) -> str:
        return f"ImapReader({self.target.label()})"

    # -- connection -------------------------------------------------------

    def __enter__(self) -> ImapReader:
        target = self.target
        with self._errors():
            client = imapclient.IMAPClient(
                target.host,
                target.port,
                ssl=target.tls == "tls",
                ssl_context=self._ssl_context,
                timeout=self._timeout,
            )
            try:
                if target.tls == "starttls":
                    if not client.has_capability("STARTTLS"):
                        raise RemoteError(
                            f"{target.label()} does not offer STARTTLS, so the password "
                            "would travel unencrypted",
                            hint="use imaps:// (usually port 993); imap+plain:// sends the "
                            "password in clear text, for a server on your own machine only",
                        )
                    client.starttls(self._ssl_context)
                client.login(target.user, self._password)
            except BaseException:
                with suppress(Exception):
                    client.shutdown()
                raise
        self._client = client
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:
            with suppress(Exception):
                client.shutdown()

    @property
    def _imap(self) -> Any:
        if self._client is None:
            raise RuntimeError("use ImapReader in a with block")
        return self._client

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Library, socket and TLS failures → ``kith.errors``, without the password."""
        label = self.target.label()
        try:
            yield
        except KithError:
            raise
        except ssl.SSLCertVerificationError as exc:
            raise RemoteError(
                f"the certificate of {label} is not trusted ({exc.verify_message})",
                hint=f"if the server's certificate is signed by an authority of your own, "
                f"set {CAFILE_VAR} to that authority's PEM file",
            ) from exc
        except ssl.SSLError as exc:
            raise RemoteError(
                f"TLS with {label} failed ({exc.reason or exc})",
                hint="imaps:// is for a port that speaks TLS at once (usually 993), "
                "imap:// for one that starts in clear text and offers STARTTLS (143)",
            ) from exc
        except LoginError as exc:
            raise InputError(
                f"{label} refused the login: {self._said(exc)}",
                field="password",
                hint=f"check the user name and the password ({PASSWORD_VAR} or the keyring); "
                "Gmail, Fastmail and iCloud want an app password, not the account's",
            ) from exc
        except IMAPClientAbortError as exc:
            raise RemoteError(
                f"the connection to {label} broke off: {self._said(exc)}",
                hint="run the import again: it goes on where it stopped",
            ) from exc
        except IMAPClientError as exc:
            raise RemoteError(f"{label} answered: {self._said(exc)}") from exc
        except TimeoutError as exc:
            raise RemoteError(
                f"{label} did not answer within {self._timeout:g} seconds",
                hint="check the host, the port and the network, then run the import again",
            ) from exc
        except socket.gaierror as exc:
            raise RemoteError(
                f"cannot find the host {self.target.host} ({exc.strerror})",
                hint="check the host name in the address",
            ) from exc
        except OSError as exc:
            raise RemoteError(
                f"cannot talk to {label} ({exc.strerror or exc})",
                hint="check the host and the port, and that the server is running",
            ) from exc

    def _said(self, exc: BaseException) -> str:
        """What the server or the library said, as text, with the password blotted out."""
        text = str(exc)
        quoted = re.fullmatch(r"b(['\"])(.*)\1", text, re.DOTALL)
        if quoted:
            text = quoted.group(2)
        if self._password:
            text = text.replace(self._password, "…")
        return text.strip() or type(exc).__name__

    # -- folders ----------------------------------------------------------

    def folders(self) -> list[str]:
        """The folders given, else the address's folder, else INBOX and the sent folder."""
        if self._folders is None:
            with self._errors():
                listed = self._imap.list_folders()
            found = []
            for flags, delimiter, name in listed:
                marks = frozenset(bytes(f).lower() for f in flags)
                if not marks & _NOT_SELECTABLE:
                    found.append(_Folder(str(name), marks, _text(delimiter)))
            self._folders = self._chosen(found)
        return list(self._folders)

    def _chosen(self, found: Sequence[_Folder]) -> list[str]:
        names = [f.name for f in found]
        inbox = next((n for n in names if n.upper() == "INBOX"), "INBOX")
        if not self._wanted:
            sent = next((f.name for f in found if b"\\sent" in f.flags), None)
            for usual in _SENT_NAMES:
                sent = sent or next((f.name for f in found if f.last_part() == usual), None)
            return [n for n in (inbox, sent) if n is not None and n in names]
        chosen: list[str] = []
        for wanted in self._wanted:
            name = inbox if wanted.upper() == "INBOX" else wanted
            if name not in names:
                shown = sorted(names)
                more = f" and {len(shown) - 20} more" if len(shown) > 20 else ""
                raise NotFound(
                    f"no folder {wanted!r} at {self.target.label()}",
                    query=wanted,
                    hint=f"the folders there: {', '.join(shown[:20])}{more}",
                )
            if name not in chosen:
                chosen.append(name)
        return chosen

    # -- messages ---------------------------------------------------------

    def count_new(self, states: Mapping[str, Mapping[str, Any]]) -> int:
        """How many messages ``messages(states)`` will read."""
        return sum(len(self._examine(f, states.get(f))[1]) for f in self.folders())

    def messages(self, states: Mapping[str, Mapping[str, Any]]) -> Iterator[FetchedHeaders]:
        """Each new message's header block, folder by folder, in UID order."""
        for folder in self.folders():
            validity, uids = self._examine(folder, states.get(folder))
            for start in range(0, len(uids), self._batch):
                chunk = uids[start : start + self._batch]
                with self._errors():
                    fetched = self._imap.fetch(chunk, [b"BODY.PEEK[HEADER]"])
                for uid in chunk:
                    header = fetched.get(uid, {}).get(_HEADER)
                    if header is None:  # expunged since the search
                        continue
                    yield FetchedHeaders(
                        header=bytes(header),
                        folder=folder,
                        uid=uid,
                        where=f"{folder} uid {uid}",
                        state={"uidvalidity": validity, "last_uid": uid},
                    )

    def _examine(self, folder: str, state: Mapping[str, Any] | None) -> tuple[int, list[int]]:
        """Open ``folder`` read-only: its UIDVALIDITY and the UIDs after ``state``."""
        with self._errors():
            info = self._imap.select_folder(folder, readonly=True)
            validity = int(info[b"UIDVALIDITY"])
            last = 0
            if state and state.get("uidvalidity") == validity:
                last = int(state.get("last_uid") or 0)
            uidnext = info.get(b"UIDNEXT")
            if not info.get(b"EXISTS") or (uidnext is not None and int(uidnext) <= last + 1):
                return validity, []
            # "UID n:*" also matches the highest UID when it is below n: filter it out.
            found = self._imap.search(["UID", f"{last + 1}:*"])
        return validity, sorted(uid for uid in found if uid > last)


@dataclass(frozen=True, slots=True)
class _Folder:
    name: str
    flags: frozenset[bytes]  # lower case: b"\\sent", b"\\haschildren" …
    delimiter: str | None

    def last_part(self) -> str:
        """``[Gmail]/Sent Mail`` → ``sent mail``."""
        parts = self.name.split(self.delimiter) if self.delimiter else [self.name]
        return parts[-1].lower()


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return None if value is None else str(value)
