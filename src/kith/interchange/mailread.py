"""Read mail headers as they come: Maildir, mbox, single messages, folders of them.

Only the header block of each message is read (never the body), and only the
fields Kith uses are decoded: the addresses (RFC 2047 names decoded), Date
(else the first Received header's date), Message-ID and the thread and list
headers.  The standard library's ``email.utils`` and ``email.header`` do the
decoding; the header block is split here, in one pass, because the full
``email`` parser costs ten times as much and reads what Kith throws away.

Readers yield ``RawMessage`` items with a *key* that says where the message
is (so a second run can skip what it has read) and a *where* for reports.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path

from kith.domain.mail import Address, MailHeaders
from kith.errors import InputError
from kith.interchange.normalize import normalize_email

#: Header fields Kith reads; everything else is skipped unread.
WANTED = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "list-id",
        "list-unsubscribe",
        "list-post",
        "precedence",
        "auto-submitted",
        "received",
    }
)
#: Headers larger than this are cut (a message's header block is rarely over 20 KB).
MAX_HEADER_BYTES = 256 * 1024
_CHUNK = 16 * 1024
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_BLANK = re.compile(rb"\r?\n\r?\n")
_FIELD = re.compile(r"^([!-9;-~]+)[ \t]*:(.*)$")
_ADDRESS_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
#: An mbox separator: ``From sender date`` (a time or a weekday in it), or a bare ``From ``.
_FROM_LINE = re.compile(
    rb"^From (?:\s*$|\S+\s.*(?:\d{1,2}:\d{2}|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b))"
)


class NotAMessage(ValueError):
    """The bytes have no header block Kith can read."""


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message's header bytes, where it was found and the key to skip it next time."""

    key: str
    where: str
    header: bytes


# --- headers ---------------------------------------------------------------------------


def header_block(data: bytes) -> bytes:
    """The header part of a message (up to the first blank line)."""
    found = _BLANK.search(data)
    return data[: found.start()] if found else data


def _text(block: bytes) -> str:
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return block.decode("latin-1")


def split_fields(block: bytes) -> dict[str, list[str]]:
    """The wanted fields of a header block, unfolded, in order; lenient with bad folding."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    text = _text(block)
    if text.startswith("From "):  # an mbox separator line left on a single message
        text = text.split("\n", 1)[1] if "\n" in text else ""
    for line in text.splitlines():
        if not line:
            continue
        if line[0] in " \t":
            if current is not None:
                current[-1] += " " + line.strip()
            continue
        match = _FIELD.match(line)
        if match is None:
            # A badly folded line (no leading space, no colon): part of the field before it.
            if current is not None:
                current[-1] += " " + line.strip()
            continue
        name = match.group(1).lower()
        if name in WANTED:
            current = fields.setdefault(name, [])
            current.append(match.group(2).strip())
        else:
            current = None
    return fields


@lru_cache(maxsize=16384)
def decode_words(text: str) -> str:
    """RFC 2047 encoded words (``=?utf-8?q?J=C3=B6rg?=``) to text; bad ones kept as they are."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


@lru_cache(maxsize=16384)
def _email(raw: str) -> str:
    raw = raw.strip().strip("<>").strip()
    if not _ADDRESS_SHAPE.match(raw):
        return ""
    try:
        return normalize_email(raw)
    except InputError:
        return ""


def addresses(values: list[str] | None) -> tuple[Address, ...]:
    """The mailboxes of address fields; undecodable or invalid ones left out."""
    if not values:
        return ()
    if len(values) == 1:
        return _field_addresses(values[0])
    return tuple(a for value in values for a in _field_addresses(value))


#: ``Name <addr>``, ``"Name" <addr>`` or a bare ``addr``: most address fields are these.
_SIMPLE_MAILBOX = re.compile(
    r'^\s*(?:"([^"\\]*)"|([^",<>@;:\\()\[\]]*?))\s*<([^<>\s@,;:"()]+@[^<>\s@,;:"()]+)>\s*$'
    r'|^\s*<?([^<>\s@,;:"()]+@[^<>\s@,;:"()]+?)>?\s*$'
)


@lru_cache(maxsize=16384)
def _field_addresses(value: str) -> tuple[Address, ...]:
    """One address field's mailboxes: simple forms by a pattern, the rest by ``getaddresses``."""
    pairs: list[tuple[str, str]] = []
    parts = value.split(",") if '"' not in value and "(" not in value else [value]
    for part in parts:
        if not part.strip():
            continue
        match = _SIMPLE_MAILBOX.match(part)
        if match is None:
            pairs = getaddresses([value])
            break
        quoted, bare, addr, alone = match.groups()
        pairs.append(((quoted or bare or "").strip(), addr or alone or ""))
    found: list[Address] = []
    for name, raw in pairs:
        email = _email(raw)
        if email:
            found.append(Address(email, _clean_name(decode_words(name), email)))
    return tuple(found)


def _clean_name(name: str, email: str) -> str:
    name = " ".join(name.replace('"', " ").split()).strip(" '")
    if not name or name.casefold() == email or "@" in name:
        return ""
    return name


def _ids(values: list[str] | None) -> tuple[str, ...]:
    if not values:
        return ()
    return tuple(dict.fromkeys(_MESSAGE_ID.findall(" ".join(values))))


def _date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not 1970 <= moment.year <= 2200:
        return None
    return moment.astimezone(UTC)


def _first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[0] if values else ""


def parse_headers(block: bytes) -> MailHeaders:
    """What Kith reads of one header block.  Raises ``NotAMessage`` when there is none."""
    fields = split_fields(block)
    if not fields.keys() & {"from", "to", "cc", "message-id", "date"}:
        raise NotAMessage("no From, To, Cc, Date or Message-ID header: not a mail message")
    date = _date(_first(fields, "date")) if "date" in fields else None
    from_received = False
    if date is None:
        for received in fields.get("received", ()):
            if ";" in received:
                date = _date(received.rsplit(";", 1)[1])
                if date is not None:
                    from_received = True
                    break
    senders = addresses(fields.get("from"))
    ids = _ids(fields.get("message-id"))
    return MailHeaders(
        message_id=ids[0] if ids else "",
        date=date,
        sender=senders[0] if senders else None,
        to=addresses(fields.get("to")),
        cc=addresses(fields.get("cc")),
        bcc=addresses(fields.get("bcc")),
        reply_to=addresses(fields.get("reply-to")),
        in_reply_to=_ids(fields.get("in-reply-to")),
        references=_ids(fields.get("references")),
        list_id=_first(fields, "list-id")[:200],
        list_unsubscribe=_first(fields, "list-unsubscribe")[:200],
        list_post=_first(fields, "list-post")[:200],
        precedence=_first(fields, "precedence").strip()[:20],
        auto_submitted=_first(fields, "auto-submitted").split(";")[0].strip()[:40],
        date_from_received=from_received,
    )


def message_key(headers: MailHeaders, block: bytes) -> str:
    """The message's identity across folders and imports: its Message-ID, else a digest."""
    if headers.message_id:
        return headers.message_id[:490]
    return "sha256:" + hashlib.sha256(block).hexdigest()


# --- files -----------------------------------------------------------------------------


def read_header_file(path: Path | str) -> bytes:
    """The header block of the message in ``path``, reading no more of it than needed."""
    with open(path, "rb") as handle:  # noqa: PTH123 - a text path, as listed
        data = handle.read(_CHUNK)
        while len(data) < MAX_HEADER_BYTES:
            found = _BLANK.search(data)
            if found:
                return data[: found.start()]
            more = handle.read(_CHUNK * 4)
            if not more:
                break
            data += more
    return header_block(data[:MAX_HEADER_BYTES])


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() or (path / "new").is_dir()


def sniff(path: Path) -> str:
    """``mbox``, ``message`` or '' for a file, by its first bytes."""
    try:
        with path.open("rb") as handle:
            start = handle.read(512)
    except OSError:
        return ""
    if start.startswith(b"From "):
        return "mbox"
    first = start.split(b"\n", 1)[0].rstrip(b"\r")
    if re.match(rb"^[!-9;-~]+[ \t]*:", first):
        return "message"
    return ""


def maildir_files(root: Path) -> Iterator[tuple[str, str]]:
    """(key, path) of every message in the Maildir ``root`` and its subfolders.

    The key is the folder and the message's unique name without its flags, so a
    message keeps its key when it moves from new/ to cur/ or is marked read.
    Names are listed one directory at a time, as text, so that memory stays
    small however large the Maildir is.
    """
    for folder, _dirs, _files in _walk_maildirs(root):
        rel = folder.relative_to(root).as_posix()
        if is_drafts_folder(rel):
            continue
        for sub in ("new", "cur"):
            directory = os.path.join(folder, sub)  # noqa: PTH118 - text, not Path objects
            try:
                names = sorted(os.listdir(directory))  # noqa: PTH208
            except OSError:
                continue
            for name in names:
                if name.startswith("."):
                    continue
                if _DRAFT_FLAG.search(name):
                    continue  # a draft never sent: not contact
                unique = name.split(":", 1)[0].split("!", 1)[0]
                yield f"{rel}/{unique}", os.path.join(directory, name)  # noqa: PTH118


#: Maildir's "D" (draft) flag: ``…:2,DS``.
_DRAFT_FLAG = re.compile(r":2,[A-Z]*D")
#: Folders that hold unsent mail, as mail programs name them.
DRAFT_FOLDERS = frozenset({"drafts", "draft", "templates", "entwürfe", "brouillons", "borradores"})


def is_drafts_folder(rel: str) -> bool:
    """Whether a Maildir folder (``.Drafts``, ``INBOX.Drafts``, ``Drafts``) holds unsent mail."""
    last = re.split(r"[./]", rel.strip("./"))[-1] if rel.strip("./") else ""
    return last.casefold() in DRAFT_FOLDERS


def _walk_maildirs(root: Path) -> Iterator[tuple[Path, list[str], list[str]]]:
    for dirpath, dirs, files in os.walk(root):
        here = Path(dirpath)
        dirs.sort()
        if is_maildir(here):
            dirs[:] = [d for d in dirs if d not in ("cur", "new", "tmp")]
            yield here, dirs, files


def message_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(key, path) of single-message files under ``root`` (outside any Maildir)."""
    if root.is_file():
        stat = root.stat()
        yield f"{root.name}:{stat.st_size}:{stat.st_mtime_ns}", root
        return
    for dirpath, dirs, files in os.walk(root):
        here = Path(dirpath)
        dirs.sort()
        if is_maildir(here):
            dirs[:] = []
            continue
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = here / name
            try:
                stat = path.stat()
            except OSError:
                continue
            rel = path.relative_to(root).as_posix()
            yield f"{rel}:{stat.st_size}:{stat.st_mtime_ns}", path


def mbox_messages(path: Path, start: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """(offset, end offset, header block) of each message of an mbox file, from ``start``.

    Messages begin at a ``From `` line that carries a date (or nothing), after a
    blank line or at the start of the file, so "From the start…" in a body that
    was never quoted does not split a message; a truncated last message still
    gives its headers.
    """
    with path.open("rb") as handle:
        handle.seek(start)
        offset = start
        begin: int | None = None
        header: list[bytes] = []
        in_header = False
        previous_blank = True
        for line in handle:
            if previous_blank and line.startswith(b"From ") and _FROM_LINE.match(line):
                if begin is not None:
                    yield begin, offset, b"".join(header)
                begin, header, in_header = offset, [], True
            elif in_header:
                if line in (b"\n", b"\r\n"):
                    in_header = False
                elif sum(len(h) for h in header) < MAX_HEADER_BYTES:
                    header.append(line)
            previous_blank = line in (b"\n", b"\r\n")
            offset += len(line)
        if begin is not None:
            yield begin, offset, b"".join(header)


def file_identity(path: Path) -> str:
    """A digest of a file's first 4 KB: tells a rewritten mbox from one that grew."""
    with path.open("rb") as handle:
        return hashlib.sha256(handle.read(4096)).hexdigest()[:32]
