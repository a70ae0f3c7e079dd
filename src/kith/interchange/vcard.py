"""vCard 2.1, 3.0 and 4.0 ↔ ``ContactRecord``.

Reading never raises and never lets one damaged card take its neighbours with
it: each card becomes a record or a ``Problem`` (file, card number, line,
reason).  Writing gives standard properties where they exist and ``X-KITH-*``
for what has none, deterministically, so that write → read → write gives the
same text.

vobject parses each property's parameter list (``parseParams``), escapes text
(``backslashEscape``) and writes every content line (``ContentLine``: names,
parameter quoting; ``foldOneLine``: folding at 75 octets, with a slicing
shortcut for ASCII lines that gives the same bytes, since vobject's folding
goes character by character and photos are long).  Done here by hand, because
vobject cannot:

- raw 8-bit values in the charset their ``CHARSET`` names (Shift-JIS,
  Windows-1252 …), falling back line by line; vobject only takes text;
- quoted-printable with soft line breaks and any charset (vobject raises on an
  unknown or wrong charset, which loses the whole file);
- cutting a file into cards that fail one at a time, with line numbers; nested
  (2.1 ``AGENT``) cards; ``#`` comment lines; 2.1's other continuations
  (base64 lines without indentation, a value ending in a backslash);
- splitting a line into name and parameters in linear time: vobject's line
  pattern backtracks exponentially on some malformed lines (seconds for a
  60-byte line);
- unescaping values: vobject keeps only what precedes the first unescaped
  comma of a text value (``NOTE:a, b`` reads as ``a``, and 2.1 never escapes
  commas) and mangles a trailing backslash.

Decisions: photos larger than ``max_photo_bytes`` (or not valid base64) are
dropped with a ``Problem`` that says the card itself was kept; a photo given
as a link is ignored.  Nested cards are read as cards of their own.  A
birthday without a year is written ``--MMDD`` in both versions (RFC 6350's
form, which khard reads in 3.0 and 4.0 and vobject keeps as text); Apple's
``1604`` year with ``X-APPLE-OMIT-YEAR`` is read as no year.  A ``BDAY``
that is no date (``circa 1800``) is kept in the notes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr
from pathlib import Path

from vobject.base import (  # type: ignore[import-untyped]
    ContentLine,
    backslashEscape,
    foldOneLine,
    parseParams,
)

from kith.domain.contacts import ContactRecord, Labeled, Problem, ReadResult
from kith.domain.model import PartialDate
from kith.errors import InputError
from kith.interchange.encodings import (
    decode_bytes,
    display_name,
    sniff_bom,
    sniff_utf16,
)
from kith.interchange.normalize import split_name

MAX_FILE_BYTES = 20_000_000
VERSIONS = ("3.0", "4.0")
_MAX_TEXT_CHARS = 200_000  # one property; a photo's limit comes from max_photo_bytes
_MAX_EXTRA_CHARS = 1_000  # longer X- properties (Outlook's card layouts) are not kept
_BINARY = frozenset({b"PHOTO", b"LOGO", b"SOUND", b"KEY"})
_SUFFIXES = (".vcf", ".vcard")

# --------------------------------------------------------------------------
# Reading: bytes → physical lines → logical lines
# --------------------------------------------------------------------------

_EOL = re.compile(rb"\r*\n|\r+")
_BOUNDARY = re.compile(rb"[ \t]*(BEGIN|END)[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/=]+[ \t]*")
_BASE64_PARAM = re.compile(rb";[ \t]*(?:ENCODING[ \t]*=[ \t]*)?(?:B|BASE64)[ \t]*(?=;|$)")
_PROPERTY_START = re.compile(rb"[A-Za-z0-9_.-]+(?:;[^:]*)?:")
_HEAD = re.compile(rb"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)")


def _physical_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, line) with any of CRLF, CR CR LF, LF or CR as the end."""
    if b"\r\r" not in data:  # the usual case, split in one step
        lines = data.splitlines()
        if lines and not data.endswith((b"\n", b"\r")) and not lines[-1]:
            lines.pop()
        return enumerate(lines, 1)
    return _odd_lines(data)


def _odd_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    start, number = 0, 1
    for end in _EOL.finditer(data):
        yield number, data[start : end.start()]
        start, number = end.end(), number + 1
    if start < len(data):
        yield number, data[start:]


def _colon(data: bytes) -> int:
    """Where the value starts: the first ``:`` outside double quotes (-1 if none)."""
    colon = data.find(b":")
    if colon < 0 or data.find(b'"', 0, colon) < 0:
        return colon
    inside = False
    for index, byte in enumerate(data):
        if byte == 0x22:
            inside = not inside
        elif byte == 0x3A and not inside:
            return index
    return -1


def _odd_backslashes(data: bytes) -> bool:
    return (len(data) - len(data.rstrip(b"\\"))) % 2 == 1


@dataclass(slots=True)
class _Logical:
    """One property as it stood in the file, folded lines joined."""

    line: int
    data: bytes
    oversized: bool = False


class _Pending:
    """A logical line being assembled from physical lines."""

    def __init__(self, line: int, raw: bytes, binary_cap: int) -> None:
        colon = _colon(raw)
        prefix = (raw if colon < 0 else raw[:colon]).upper()
        head = _HEAD.match(prefix)
        self.line = line
        self.qp = b"QUOTED-PRINTABLE" in prefix
        self.base64 = bool(_BASE64_PARAM.search(prefix))
        self.cap = binary_cap if head and head.group(2) in _BINARY else _MAX_TEXT_CHARS
        self.head = raw[: colon + 1] if colon >= 0 else b""
        self.parts: list[bytes] = []
        self.size = 0
        self.last = b""
        self.oversized = False
        self._add(raw)

    def _add(self, raw: bytes) -> None:
        self.last = raw
        self.size += len(raw)
        if self.size > self.cap and not self.oversized:
            self.oversized = True
            self.parts = [self.head]  # the name and parameters, without the value
        if not self.oversized:
            self.parts.append(raw)

    def takes(self, raw: bytes) -> bool:
        """Add ``raw`` if it continues this property; say whether it did."""
        if self.qp and self.last.rstrip(b" \t").endswith(b"="):
            if not self.oversized:  # a soft line break: drop the '=' and join
                self.parts[-1] = self.parts[-1].rstrip(b" \t")[:-1]
            self._add(raw)
        elif raw[:1] in (b" ", b"\t"):
            self._add(raw[1:])
        elif self.base64 and _BASE64_LINE.fullmatch(raw):
            self._add(raw)
        elif _odd_backslashes(self.last) and not _PROPERTY_START.match(raw):
            self._add(b"n" + raw)  # 2.1: a backslash at the end escapes the line break
        else:
            return False
        return True

    def done(self) -> _Logical:
        return _Logical(self.line, b"".join(self.parts), self.oversized)


def _plain_fold(raw: bytes) -> bool:
    """A folded line that cannot be a damaged BEGIN/END: leave the slow checks to others."""
    head = raw[1:4].upper()
    return head not in (b"BEG", b"END") and raw[1:2] not in (b" ", b"\t")


def _logical_lines(data: bytes, binary_cap: int) -> Iterator[_Logical]:
    """Unfold lines: RFC folding, quoted-printable soft breaks and 2.1's oddities.

    ``BEGIN:VCARD`` and ``END:VCARD`` always stand alone, so that text damaged
    around them cannot join two cards.  Blank and ``#`` comment lines are
    skipped.
    """
    pending: _Pending | None = None
    for number, raw in _physical_lines(data):
        if pending is not None and raw[:1] == b" " and not pending.qp and _plain_fold(raw):
            pending._add(raw[1:])  # the common case, a folded line (photos have hundreds)
            continue
        boundary = _BOUNDARY.fullmatch(raw) is not None
        if pending is not None and not boundary and pending.takes(raw):
            continue
        if pending is not None:
            yield pending.done()
            pending = None
        if boundary:
            yield _Logical(number, raw.strip())
        elif raw.strip() and not raw.lstrip().startswith(b"#"):
            pending = _Pending(number, raw, binary_cap)
    if pending is not None:
        yield pending.done()


# --------------------------------------------------------------------------
# Reading: logical line → property
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Prop:
    """One property: name, group, parameters and its value, still escaped."""

    name: str
    group: str
    params: dict[str, list[str]]
    singles: list[str]
    value: str
    line: int
    oversized: bool = False

    def param(self, key: str) -> str:
        values = self.params.get(key, [])
        return values[0].strip() if values else ""

    @property
    def types(self) -> list[str]:
        """TYPE values and 2.1's bare parameters, lower case, lists split."""
        found: list[str] = []
        raw = self.params.get("TYPE", []) + [
            s for s in self.singles if s.upper() not in _ENCODING_WORDS
        ]
        for value in raw:
            for part in value.split(","):
                token = part.strip().lower()
                if token and token not in found:
                    found.append(token)
        return found

    @property
    def preferred(self) -> bool:
        return "pref" in self.types or "PREF" in self.params

    @property
    def is_base64(self) -> bool:
        encoding = self.param("ENCODING").upper()
        return encoding in ("B", "BASE64") or "BASE64" in (s.upper() for s in self.singles)


_ENCODING_WORDS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})


def _split_params(text: str) -> tuple[dict[str, list[str]], list[str]]:
    params: dict[str, list[str]] = {}
    singles: list[str] = []
    for item in parseParams(text):
        if len(item) == 1:
            singles.append(str(item[0]))
        else:
            params.setdefault(str(item[0]).upper(), []).extend(str(v) for v in item[1:])
    return params, singles


def _is_qp(params: dict[str, list[str]], singles: list[str]) -> bool:
    encodings = [v.upper() for v in params.get("ENCODING", [])] + [s.upper() for s in singles]
    return "QUOTED-PRINTABLE" in encodings


def _escape_breaks(text: str) -> str:
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _decode_value(
    raw: bytes, params: dict[str, list[str]], singles: list[str], codecs_seen: list[str]
) -> str:
    """A value as text, still vCard-escaped: quoted-printable undone, charset applied."""
    quoted_printable = _is_qp(params, singles)
    if quoted_printable:
        raw = binascii.a2b_qp(raw)
    if raw.isascii():
        value = raw.decode("ascii")
    else:
        value, codec = decode_bytes(raw, params.get("CHARSET", [""])[0])
        if codec != "utf-8" and display_name(codec) not in codecs_seen:
            codecs_seen.append(display_name(codec))
    return _escape_breaks(value) if quoted_printable else value


def _parse(logical: _Logical, codecs_seen: list[str]) -> _Prop | str:
    """The property on a logical line, or why it is not one."""
    data = logical.data
    colon = _colon(data)
    if colon < 0:
        return "not a vCard property (no ':' after a name)"
    prefix = data[:colon]
    head = _HEAD.match(prefix)
    if head is None or (head.end() < len(prefix) and prefix[head.end()] != ord(";")):
        return "not a vCard property (the name is not letters, digits and '-')"
    params, singles = _split_params(decode_bytes(prefix[head.end() :])[0])
    value = _decode_value(data[colon + 1 :], params, singles, codecs_seen)
    name = head.group(2).decode("ascii").upper().replace("_", "-")
    group = (head.group(1) or b"").decode("ascii").lower()
    return _Prop(name, group, params, singles, value, logical.line, logical.oversized)


# --------------------------------------------------------------------------
# Values: unescaping, splitting, labels, dates, photos
# --------------------------------------------------------------------------

_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _unescape_one(match: re.Match[str]) -> str:
    char = match.group(1)
    if char in "nN":
        return "\n"
    if char in '\\,;:"':
        return char
    return match.group(0)


def unescape(value: str) -> str:
    """A vCard text value as text: ``\\n``, ``\\,``, ``\\;``, ``\\\\`` (and a stray ``\\:``)."""
    return _ESCAPED.sub(_unescape_one, value)


def escape(value: str) -> str:
    """Text as a vCard text value (backslash, comma, semicolon and line breaks escaped)."""
    return str(backslashEscape(value))


def _split(value: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is not escaped; the parts stay escaped."""
    parts: list[str] = []
    start = index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            index += 2
            continue
        if char == separator:
            parts.append(value[start:index])
            start = index + 1
        index += 1
    parts.append(value[start:])
    return parts


def _text(prop: _Prop) -> str:
    return unescape(prop.value).strip()


def _one_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


# Labels: standard TYPE values are written as TYPE; anything else as an Apple
# X-ABLabel in an item group, which khard, Apple and Google all read.
_STANDARD_TYPES = frozenset(
    {
        "home", "work", "cell", "voice", "fax", "pager", "text", "video", "textphone",
        "main", "other", "iphone", "msg", "bbs", "modem", "car", "isdn", "pcs",
        "internet", "x400", "pref", "postal", "parcel", "dom", "intl",
    }
)  # fmt: skip
_X_TYPE = re.compile(r"x-[a-z0-9-]+")
_DROPPED_TYPES = {
    "EMAIL": frozenset({"internet", "pref"}),
    "TEL": frozenset({"voice", "pref"}),
    "URL": frozenset({"pref"}),
}
_APPLE_LABEL = re.compile(r"_?\$!<(.*)>!\$_?", re.DOTALL)


def _type_tokens(label: str, kind: str) -> list[str] | None:
    """The TYPE values ``label`` is written as, or None when it needs an X-ABLabel."""
    parts = [part.strip().lower() for part in label.split(",") if part.strip()]
    if not all(p in _STANDARD_TYPES or _X_TYPE.fullmatch(p) for p in parts):
        return None
    tokens: list[str] = []
    for part in parts:
        if part not in _DROPPED_TYPES[kind] and part not in tokens:
            tokens.append(part)
    return tokens


def normalize_label(label: str, kind: str) -> str:
    """The label as it reads back from a vCard (``kind`` is EMAIL, TEL or URL).

    Standard types are lower case, in order, without the ones that say nothing
    (``internet``, ``voice``, ``pref``); Apple's ``_$!<Home>!$_`` is ``Home``;
    anything else stays as it is.
    """
    label = label.strip()
    while match := _APPLE_LABEL.fullmatch(label):
        label = match.group(1).strip()
    tokens = _type_tokens(label, kind)
    return label if tokens is None else ",".join(tokens)


def _label(prop: _Prop, ablabels: dict[str, str]) -> str:
    if prop.group and prop.group in ablabels:
        return normalize_label(ablabels[prop.group], prop.name)
    dropped = _DROPPED_TYPES[prop.name]
    return normalize_label(",".join(t for t in prop.types if t not in dropped), prop.name)


def clean_email(value: str) -> str:
    """An address as written in a card: ``"Omega" <omega@example.com>`` → the address."""
    value = value.strip()
    if "<" in value and ">" in value:
        address = parseaddr(value)[1].strip()
        if "@" in address and not any(c in address for c in "<>"):
            return address
    return value


def clean_phone(value: str) -> str:
    value = value.strip()
    while value[:4].lower() == "tel:":
        value = value[4:].strip()
    return value


def _clean_url(value: str) -> str:
    return value.strip()


_CLEANERS: dict[str, Callable[[str], str]] = {
    "EMAIL": clean_email,
    "TEL": clean_phone,
    "URL": _clean_url,
}

_BASIC_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_BASIC_NO_YEAR = re.compile(r"--(\d{2})(\d{2})")
_NO_YEAR_SENTINELS = frozenset({"1604", "0000"})  # Apple, CardBook; "no year at all"


def parse_birthday(text: str, omit_year: str = "") -> str | None:
    """``YYYY-MM-DD`` or ``--MM-DD`` from the forms cards and exports use, else None.

    Reads 1984-03-07, 19840307, --03-07, --0307, 03-07 and date-times (the time
    is dropped); a year of 1604 or 0000, or the year named by Apple's
    ``X-APPLE-OMIT-YEAR``, means no year.
    """
    value = text.strip().split("T", 1)[0].strip()
    for pattern in (_BASIC_DATE, _BASIC_NO_YEAR):
        match = pattern.fullmatch(value)
        if match:
            value = (
                "-".join(match.groups())
                if pattern is _BASIC_DATE
                else "--{}-{}".format(*match.groups())
            )
    try:
        parsed = PartialDate.parse(value)
    except InputError:
        return None
    if parsed.year is not None and f"{parsed.year:04d}" in (
        _NO_YEAR_SENTINELS | {omit_year.strip().strip('"')}
    ):
        parsed = PartialDate(parsed.month, parsed.day)
    return parsed.isoformat()


_MIME_BY_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
)


def photo_mime(declared: str, data: bytes) -> str:
    """The photo's media type: what its first bytes say, else what the card declared."""
    for magic, mime in _MIME_BY_MAGIC:
        if data.startswith(magic):
            return mime
    declared = declared.strip().lower()
    if not declared:
        return ""
    if "/" not in declared:
        declared = "image/" + declared
    return "image/jpeg" if declared in ("image/jpg", "image/pjpeg") else declared


_DATA_URI = re.compile(r"data:([^,;]*)((?:;[^,;]*)*),(.*)", re.DOTALL | re.IGNORECASE)


class _PhotoDropped(Exception):
    """Why a photo was not kept (the card is)."""


def _decode_base64(payload: str, limit: int) -> bytes:
    payload = "".join(payload.split())
    if len(payload) * 3 // 4 > limit:
        raise _PhotoDropped(f"photo dropped: larger than {limit} bytes (the card is kept)")
    try:
        return base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _PhotoDropped(f"photo dropped: not valid base64 ({exc}) (the card is kept)") from exc


def _photo_bytes(prop: _Prop, limit: int) -> tuple[bytes, str] | None:
    """(bytes, declared type) of an embedded photo; None for a link."""
    if prop.oversized:
        raise _PhotoDropped(f"photo dropped: larger than {limit} bytes (the card is kept)")
    value = prop.value.strip()
    declared = prop.param("TYPE") or prop.param("MEDIATYPE")
    declared = declared or next(
        (s for s in prop.singles if s.upper() in ("JPEG", "PNG", "GIF")), ""
    )
    if value[:5].lower() == "data:":
        match = _DATA_URI.fullmatch(unescape(value))
        if match is None:
            raise _PhotoDropped("photo dropped: not a valid data: URI (the card is kept)")
        mediatype, options, payload = match.groups()
        if ";base64" in options.lower():
            return _decode_base64(payload, limit), mediatype
        data = urllib.parse.unquote_to_bytes(payload)
        if len(data) > limit:
            raise _PhotoDropped(f"photo dropped: larger than {limit} bytes (the card is kept)")
        return data, mediatype
    if prop.is_base64:
        return _decode_base64(value, limit), declared
    return None


# --------------------------------------------------------------------------
# Reading: card → record
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Card:
    number: int
    line: int
    lines: list[_Logical] = field(default_factory=list)


@dataclass(slots=True)
class _Options:
    where: str
    keep_photos: bool
    max_photo_bytes: int


def _by_name(props: list[_Prop]) -> dict[str, list[_Prop]]:
    grouped: dict[str, list[_Prop]] = {}
    for prop in props:
        grouped.setdefault(prop.name, []).append(prop)
    for values in grouped.values():
        values.sort(key=lambda p: not p.preferred)  # stable: preferred first
    return grouped


def _first_text(props: list[_Prop]) -> str:
    return next((text for text in map(_text, props) if text), "")


def _names(by: dict[str, list[_Prop]]) -> tuple[str, str, str]:
    """(full, given, family): FN and N, each made from the other when missing.

    An organisation's card (``KIND:org``) without N keeps its name whole.
    """
    full = _first_text(by.get("FN", []))
    if "N" not in by:
        person = _first_text(by.get("KIND", [])).lower() in ("", "individual")
        given, family = split_name(full) if full and person else ("", "")
        return full, given, family
    parts = [
        " ".join(unescape(p).strip() for p in _split(c, ",")) for c in _split(by["N"][0].value, ";")
    ]
    family, given, additional, prefix, suffix = ([p.strip() for p in parts] + [""] * 5)[:5]
    if not full:
        full = " ".join(p for p in (prefix, given, additional, family, suffix) if p)
    return full, given, family


def _labeled(props: list[_Prop], ablabels: dict[str, str]) -> tuple[Labeled, ...]:
    values: list[Labeled] = []
    for prop in props:
        value = _CLEANERS[prop.name](unescape(prop.value))
        if value:
            values.append(Labeled(value, _label(prop, ablabels)))
    return tuple(values)


def _org(by: dict[str, list[_Prop]]) -> str:
    for prop in by.get("ORG", []):
        parts = [unescape(part).strip() for part in _split(prop.value, ";")]
        org = ", ".join(part for part in parts if part)
        if org:
            return org
    return ""


def _location(by: dict[str, list[_Prop]]) -> str:
    for prop in by.get("ADR", []):
        parts = [_one_line(unescape(part)) for part in _split(prop.value, ";")] + [""] * 7
        place = ", ".join(p for p in (parts[3], parts[4], parts[6]) if p) or parts[2]
        if place:
            return place
    return ""


def _birthday(by: dict[str, list[_Prop]]) -> tuple[str, str]:
    """(birthday, note): a BDAY that is no date is kept as a note."""
    texts = []
    for prop in by.get("BDAY", []):
        parsed = parse_birthday(_text(prop), prop.param("X-APPLE-OMIT-YEAR"))
        if parsed:
            return parsed, ""
        texts.append(_text(prop))
    note = next((t for t in texts if t), "")
    return "", f"Birthday: {note}" if note else ""


def _as_written(text: str) -> str:
    """Text as a card keeps it: trimmed, every line break a newline."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n")


def clean_interests(items: Iterable[str]) -> tuple[str, ...]:
    """Interests without blanks, duplicates or address-book system groups, sorted."""
    seen: dict[str, str] = {}
    for item in items:
        text = _as_written(item)
        if text and text.casefold() not in _SYSTEM_GROUPS:
            seen.setdefault(text.casefold(), text)
    return tuple(sorted(seen.values(), key=lambda s: (s.casefold(), s)))


_SYSTEM_GROUPS = frozenset({"my contacts", "* my contacts", "* mycontacts", "mycontacts"})


def _interests(by: dict[str, list[_Prop]]) -> tuple[str, ...]:
    return clean_interests(
        unescape(item) for prop in by.get("CATEGORIES", []) for item in _split(prop.value, ",")
    )


_RESERVED_X = frozenset({"X-ABLABEL", "X-ABADR", "X-ADDRESSBOOKSERVER-KIND"})
_X_NAME = re.compile(r"X-[A-Z0-9-]+")
INTRODUCED_BY_TYPE = "x-kith-introduced-by"


def _keeps_extra(name: str, value: str) -> bool:
    return (
        _X_NAME.fullmatch(name) is not None
        and name not in _RESERVED_X
        and not name.startswith("X-KITH-")
        and 0 < len(value) <= _MAX_EXTRA_CHARS
    )


def _extra(props: list[_Prop]) -> tuple[tuple[str, str], ...]:
    kept = []
    for prop in props:
        if prop.name.startswith("X-") and not prop.oversized:
            value = _text(prop)
            if _keeps_extra(prop.name, value):
                kept.append((prop.name, value))
    return tuple(kept)


def _introduced_by(by: dict[str, list[_Prop]]) -> str:
    related = [p for p in by.get("RELATED", []) if INTRODUCED_BY_TYPE in p.types]
    return _first_text(related + by.get("X-KITH-INTRODUCED-BY", []))


def _content_key(props: list[_Prop]) -> str:
    """A stable key for a card without a UID: a hash of what it says."""
    lines = sorted(
        f"{p.name};{sorted(p.params.items())};{sorted(p.singles)}:{p.value}"
        for p in props
        if p.name not in ("REV", "PRODID", "VERSION")
    )
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()


class _CardProblems:
    """Problems met while mapping one card that was nevertheless kept."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.items: list[Problem] = []

    def add(self, reason: str, line: int | None) -> None:
        self.items.append(Problem(self.where, reason, line, kept=True))


def _kith_fields(
    by: dict[str, list[_Prop]], found: _CardProblems
) -> tuple[date | None, int | None]:
    """X-KITH-MET-ON and X-KITH-CADENCE, which must parse."""
    met_on: date | None = None
    cadence: int | None = None
    for prop in by.get("X-KITH-MET-ON", [])[:1]:
        try:
            met_on = date.fromisoformat(_text(prop))
        except ValueError:
            found.add(
                f"X-KITH-MET-ON {_text(prop)!r} is not a date (YYYY-MM-DD); ignored", prop.line
            )
    for prop in by.get("X-KITH-CADENCE", [])[:1]:
        try:
            cadence = int(_text(prop))
        except ValueError:
            found.add(f"X-KITH-CADENCE {_text(prop)!r} is not a number of days; ignored", prop.line)
    return met_on, cadence


def _photo(
    by: dict[str, list[_Prop]], options: _Options, found: _CardProblems
) -> tuple[bytes | None, str]:
    if not options.keep_photos:
        return None, ""
    for prop in by.get("PHOTO", []):
        try:
            embedded = _photo_bytes(prop, options.max_photo_bytes)
        except _PhotoDropped as dropped:
            found.add(str(dropped), prop.line)
            return None, ""
        if embedded is not None:
            data, declared = embedded
            return data, photo_mime(declared, data)
    return None, ""


def _record(
    card: _Card, props: list[_Prop], options: _Options
) -> tuple[ContactRecord | None, list[Problem]]:
    where = f"{options.where} card {card.number}"
    found = _CardProblems(where)
    by = _by_name(props)
    kind = _first_text(by.get("KIND", []) + by.get("X-ADDRESSBOOKSERVER-KIND", [])).lower()
    if kind == "group":
        return None, [Problem(where, "a contact group, not a person; skipped", card.line)]
    ablabels = {p.group: _text(p) for p in by.get("X-ABLABEL", []) if p.group}
    full, given, family = _names(by)
    emails = _labeled(by.get("EMAIL", []), ablabels)
    phones = _labeled(by.get("TEL", []), ablabels)
    if not (full or given or family or emails or phones):
        reason = "this card has no name, e-mail address or phone number; skipped"
        return None, [Problem(where, reason, card.line)]
    birthday, birthday_note = _birthday(by)
    notes = "\n".join(t for t in [*map(_text, by.get("NOTE", [])), birthday_note] if t)
    met_on, cadence = _kith_fields(by, found)
    photo, photo_type = _photo(by, options, found)
    uid = _first_text(by.get("UID", []))
    record = ContactRecord(
        source="vcard",
        key=uid or _content_key(props),
        where=where,
        full_name=full,
        given_name=given,
        family_name=family,
        emails=emails,
        phones=phones,
        urls=_labeled(by.get("URL", []), ablabels),
        org=_org(by),
        title=_first_text(by.get("TITLE", [])) or _first_text(by.get("ROLE", [])),
        location=_location(by),
        timezone=_first_text(by.get("TZ", [])),
        birthday=birthday,
        notes=notes,
        interests=_interests(by),
        met_on=met_on,
        met_at=_first_text(by.get("X-KITH-MET-AT", [])),
        met_context=_first_text(by.get("X-KITH-MET-CONTEXT", [])),
        circle=_first_text(by.get("X-KITH-CIRCLE", [])),
        cadence_days=cadence,
        introduced_by=_introduced_by(by),
        photo=photo,
        photo_type=photo_type,
        extra=_extra(props),
    )
    return record, found.items


class _Reader:
    """Cards out of one file's logical lines, each read or reported on its own."""

    def __init__(self, options: _Options) -> None:
        self.options = options
        self.records: list[tuple[int, ContactRecord]] = []
        self.problems: list[Problem] = []
        self.codecs: list[str] = []
        self.open: list[_Card] = []
        self.count = 0
        self.stray_line: int | None = None

    def feed(self, logical: _Logical) -> None:
        boundary = _BOUNDARY.fullmatch(logical.data)
        if boundary is not None and boundary.group(1).upper() == b"BEGIN":
            self._report_stray()
            self.count += 1
            self.open.append(_Card(self.count, logical.line))
        elif boundary is not None:
            if self.open:
                self._finish(self.open.pop())
            else:
                self.problems.append(
                    Problem(self.options.where, "END:VCARD without BEGIN:VCARD", logical.line)
                )
        elif self.open:
            self.open[-1].lines.append(logical)
        elif self.stray_line is None:
            self.stray_line = logical.line

    def close(self) -> None:
        self._report_stray()
        for card in sorted(self.open, key=lambda c: c.number):
            where = f"{self.options.where} card {card.number}"
            reason = "no END:VCARD: the card is cut short (a truncated file?); skipped"
            self.problems.append(Problem(where, reason, card.line))
        self.open.clear()
        if self.count == 0 and not self.problems:
            self.problems.append(Problem(self.options.where, "no vCard (BEGIN:VCARD) in this file"))

    def _report_stray(self) -> None:
        if self.stray_line is not None:
            reason = "text outside BEGIN:VCARD … END:VCARD ignored"
            self.problems.append(Problem(self.options.where, reason, self.stray_line))
            self.stray_line = None

    def _finish(self, card: _Card) -> None:
        where = f"{self.options.where} card {card.number}"
        try:
            props = self._props(card, where)
            record, problems = _record(card, props, self.options)
        except Exception as exc:  # a backstop: the tests hold that it never fires
            reason = f"unexpected error reading this card ({type(exc).__name__}: {exc}); skipped"
            self.problems.append(Problem(where, reason, card.line))
            return
        self.problems.extend(problems)
        if record is not None:
            self.records.append((card.number, record))

    def _props(self, card: _Card, where: str) -> list[_Prop]:
        props: list[_Prop] = []
        for logical in card.lines:
            parsed = _parse(logical, self.codecs)
            if isinstance(parsed, str):
                reason = f"line skipped, card kept: {parsed}"
                self.problems.append(Problem(where, reason, logical.line))
            elif parsed.oversized and parsed.name not in ("PHOTO", "LOGO", "SOUND", "KEY"):
                reason = f"{parsed.name} dropped: longer than {_MAX_TEXT_CHARS} characters"
                self.problems.append(Problem(where, f"{reason} (the card is kept)", logical.line))
            else:
                props.append(parsed)
        return props


def _file_text(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8-compatible bytes, and its encoding (UTF-16 is re-encoded)."""
    bom = sniff_bom(data)
    if bom is not None and bom[0] != "utf-8-sig":
        name, size = bom
        return data[size:].decode(name, errors="replace").encode("utf-8"), name
    if bom is not None:
        return data[bom[1] :], "utf-8-sig"
    utf16 = sniff_utf16(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace").encode("utf-8"), utf16
    return data, "utf-8"


def read_vcards(
    data: bytes, *, where: str, keep_photos: bool = True, max_photo_bytes: int = 256_000
) -> ReadResult:
    """Every card in ``data`` (one file's bytes) as a record, or a problem saying why not.

    ``where`` names the file in records (``where card 3``) and problems.  The
    encoding reported is the file's, followed by any other charset some of its
    properties were in (``utf-8, shift_jis``).
    """
    options = _Options(where, keep_photos, max_photo_bytes)
    text, encoding = _file_text(data)
    reader = _Reader(options)
    binary_cap = max_photo_bytes * 4 // 3 + 1024
    try:
        for logical in _logical_lines(text, binary_cap):
            reader.feed(logical)
        reader.close()
    except Exception as exc:  # a backstop: the tests hold that it never fires
        reason = f"unexpected error ({type(exc).__name__}: {exc}); the rest of the file is not read"
        reader.problems.append(Problem(where, reason))
    records = tuple(record for _, record in sorted(reader.records, key=lambda item: item[0]))
    encodings = [encoding, *(c for c in reader.codecs if c != encoding)]
    return ReadResult(records, tuple(reader.problems), ", ".join(encodings), "vcard")


def _vcard_files(paths: Iterable[Path], problems: list[Problem]) -> Iterator[Path]:
    """Files given, and the .vcf/.vcard files under directories given, sorted."""
    for path in paths:
        try:
            if path.is_dir():
                found = [
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in _SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                    and p.is_file()
                ]
                yield from sorted(found)
            elif path.is_file():
                yield path
            else:
                problems.append(Problem(str(path), "no such file or directory"))
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot be read: {exc.strerror or exc}"))


def vcard_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The files to read: those given, and the .vcf/.vcard files under folders given."""
    problems: list[Problem] = []
    return list(_vcard_files(paths, problems)), problems


def read_vcard_file(
    path: Path,
    *,
    keep_photos: bool = True,
    max_photo_bytes: int = 256_000,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> ReadResult:
    """The cards of one file; a file larger than ``max_file_bytes`` is reported, not read."""
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            reason = f"{size} bytes, more than the {max_file_bytes} allowed; not read"
            return ReadResult((), (Problem(str(path), reason),))
        data = path.read_bytes()
    except OSError as exc:
        return ReadResult((), (Problem(str(path), f"cannot be read: {exc.strerror or exc}"),))
    return read_vcards(
        data, where=str(path), keep_photos=keep_photos, max_photo_bytes=max_photo_bytes
    )


def read_vcard_paths(
    paths: Iterable[Path],
    *,
    keep_photos: bool = True,
    max_photo_bytes: int = 256_000,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> ReadResult:
    """Cards from files and directories (walked for *.vcf and *.vcard), one file at a time."""
    files, found = vcard_files(paths)
    records: list[ContactRecord] = []
    problems: list[Problem] = list(found)
    encodings: list[str] = []
    for path in files:
        result = read_vcard_file(
            path, keep_photos=keep_photos, max_photo_bytes=max_photo_bytes,
            max_file_bytes=max_file_bytes,
        )  # fmt: skip
        records.extend(result.records)
        problems.extend(result.problems)
        encodings.extend(e for e in result.encoding.split(", ") if e and e not in encodings)
    return ReadResult(tuple(records), tuple(problems), ", ".join(encodings), "vcard")


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S")
_UNFOLDED = 1 << 62
_FOLD = 75


def fold(line: str) -> str:
    """One content line folded at 75 octets, ending in CRLF, exactly as vobject folds it.

    vobject folds character by character (a 300 kB photo takes a fifth of a
    second), so ASCII lines, which photos always are, are cut by slicing.
    """
    if not line.isascii():
        buffer = io.StringIO()
        foldOneLine(buffer, line, _FOLD)
        return buffer.getvalue()
    pieces = [line[:_FOLD]]
    pieces += [line[start : start + _FOLD - 1] for start in range(_FOLD, len(line), _FOLD - 1)]
    return "\r\n ".join(pieces) + "\r\n"


_UTC_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}")


class _Card3or4:
    """The lines of one card being written, in Kith's fixed order."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.lines: list[str] = []
        self.groups = 0

    def add(
        self, name: str, value: str, params: Sequence[Sequence[str]] = (), group: str | None = None
    ) -> None:
        line = ContentLine(name, [list(p) for p in params], value, group=group, encoded=True)
        self.lines.append(fold(str(line.serialize(lineLength=_UNFOLDED)).removesuffix("\r\n")))

    def text(self, name: str, value: str, params: Sequence[Sequence[str]] = ()) -> None:
        if value.strip():
            self.add(name, escape(value.strip()), params)

    def labeled(self, name: str, items: Sequence[Labeled]) -> None:
        for item in items:
            value = _CLEANERS[name](item.value)
            if not value:
                continue
            label = normalize_label(item.label, name)
            tokens = _type_tokens(label, name)
            if tokens is None:
                self.groups += 1
                group = f"item{self.groups}"
                self.add(name, escape(value), group=group)
                self.add("X-ABLabel", escape(label), group=group)
            else:
                self.add(name, escape(value), [["TYPE", *tokens]] if tokens else ())


def _write_names(card: _Card3or4, record: ContactRecord) -> None:
    given, family = record.given_name.strip(), record.family_name.strip()
    full = record.full_name.strip() or " ".join(p for p in (given, family) if p)
    card.add("FN", escape(full))
    card.add("N", ";".join([escape(family), escape(given), "", "", ""]))


def _write_birthday(card: _Card3or4, record: ContactRecord) -> None:
    parsed = parse_birthday(record.birthday) if record.birthday else None
    if parsed is None:
        return
    if parsed.startswith("--"):
        card.add("BDAY", "--" + parsed[2:].replace("-", ""))
    else:
        card.add("BDAY", parsed if card.version == "3.0" else parsed.replace("-", ""))


def _write_photo(card: _Card3or4, record: ContactRecord) -> None:
    if not record.photo:
        return
    mime = photo_mime(record.photo_type, record.photo)
    payload = base64.b64encode(record.photo).decode("ascii")
    if card.version == "4.0":
        card.add("PHOTO", f"data:{mime or 'application/octet-stream'};base64\\,{payload}")
    else:
        subtype = mime.split("/", 1)[-1].upper() if mime else ""
        card.add("PHOTO", payload, [["ENCODING", "b"], *([["TYPE", subtype]] if subtype else [])])


def _write_kith(card: _Card3or4, record: ContactRecord) -> None:
    introduced_by = record.introduced_by.strip()
    if introduced_by and card.version == "4.0":
        params = [["TYPE", INTRODUCED_BY_TYPE]]
        if not _URI.match(introduced_by):
            params.append(["VALUE", "text"])
        card.add("RELATED", escape(introduced_by), params)
    else:
        card.text("X-KITH-INTRODUCED-BY", introduced_by)
    if record.met_on is not None:
        card.add("X-KITH-MET-ON", record.met_on.isoformat())
    card.text("X-KITH-MET-AT", record.met_at)
    card.text("X-KITH-MET-CONTEXT", record.met_context)
    card.text("X-KITH-CIRCLE", record.circle)
    if record.cadence_days is not None:
        card.add("X-KITH-CADENCE", str(record.cadence_days))


def _write_details(card: _Card3or4, record: ContactRecord) -> None:
    card.text("ORG", record.org)
    card.text("TITLE", record.title)
    location = _one_line(record.location)
    if location:
        card.add("ADR", f";;;{escape(location)};;;")
    _write_birthday(card, record)
    timezone = record.timezone.strip()
    text_tz = bool(timezone) and not _UTC_OFFSET.fullmatch(timezone) and card.version == "3.0"
    card.text("TZ", timezone, [["VALUE", "text"]] if text_tz else ())
    card.text("NOTE", record.notes)
    interests = clean_interests(record.interests)
    if interests:
        card.add("CATEGORIES", ",".join(escape(i) for i in interests))


def write_vcard(record: ContactRecord, version: str = "3.0") -> str:
    """One card (CRLF line ends, folded at 75 octets) for ``record``.

    The UID is the record's key (a hash of the card when it has none), so the
    card reads back as the same record.
    """
    if version not in VERSIONS:
        raise InputError(
            f"vCard version {version!r} cannot be written",
            field="version",
            value=version,
            hint="use 3.0 or 4.0",
        )
    body = _Card3or4(version)
    _write_names(body, record)
    body.labeled("EMAIL", record.emails)
    body.labeled("TEL", record.phones)
    body.labeled("URL", record.urls)
    _write_details(body, record)
    _write_photo(body, record)
    _write_kith(body, record)
    extra = ((name, _as_written(value)) for name, value in record.extra)
    for name, value in sorted((n, v) for n, v in extra if _keeps_extra(n, v)):
        body.add(name, escape(value))
    text = "".join(body.lines)
    key = record.key.strip() or "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    head = _Card3or4(version)
    head.add("BEGIN", "VCARD")
    head.add("VERSION", version)
    uid_params = [["VALUE", "text"]] if version == "4.0" and not _URI.match(key) else []
    head.add("UID", escape(key), uid_params)
    return "".join(head.lines) + text + "END:VCARD\r\n"


def write_vcards(records: Sequence[ContactRecord], *, version: str = "3.0") -> str:
    """Several cards, one after the other, in the order given."""
    return "".join(write_vcard(record, version) for record in records)
