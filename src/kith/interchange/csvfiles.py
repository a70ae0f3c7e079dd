"""Contact CSV exports (LinkedIn, Google Contacts, Outlook) → ``ContactRecord``.

Reading never raises: a file whose header is not recognised is one
``Problem``; a row that cannot be used (no name, e-mail or phone; broken
quoting) is one ``Problem`` with its line; every other row is kept.

Formats, told apart by the header (``auto``) or named:

- ``linkedin``: Connections.csv, after its "Notes:" preamble.  Source
  ``linkedin``; the key is the profile URL; "Connected On" becomes ``met_on``.
- ``google``: Google Contacts, old ("Given Name", "E-mail 1 - Type", "Group
  Membership") and new ("First Name", "E-mail 1 - Label", "Labels") headers.
- ``outlook``: Outlook's export, and the Outlook-like exports of Thunderbird
  ("Primary Email", "Work Phone", "Birth Year" …) and of other mail programs
  ("Email Home", "Website Work" …): one desktop-mail-client family, read by one
  column table, reported as ``outlook``.

Rows are found by following quotes the way ``csv`` does, so a field with line
breaks stays one row; a quote that is never closed makes only its own line a
problem (the rows after it are read again on their own), and so does a row
that swallowed whole rows after it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from kith.domain.contacts import ContactRecord, Labeled, Problem, ReadResult
from kith.domain.model import PartialDate
from kith.errors import InputError
from kith.interchange.encodings import decode_document
from kith.interchange.normalize import split_name
from kith.interchange.vcard import clean_interests, parse_birthday

FORMATS = ("linkedin", "google", "outlook")
_HEADER_SEARCH_ROWS = 50
_MAX_ROW_LINES = 200

# --------------------------------------------------------------------------
# Rows: text → (line number, fields)
# --------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _lines(text: str) -> list[str]:
    """Physical lines, each with its own line break."""
    return [m.group() for m in _LINE.finditer(text) if m.group()]


def _in_quotes_after(line: str, in_quotes: bool) -> bool:
    """Whether a quoted field is still open after ``line``, as ``csv`` reads quotes."""
    if '"' not in line:
        return in_quotes
    field_start, closing = not in_quotes, False
    for char in line:
        if in_quotes:
            if closing and char == '"':
                closing = False  # a doubled quote inside quotes
                continue
            if not closing:
                closing = char == '"'
                continue
            in_quotes = closing = False
        if char == '"' and field_start:
            in_quotes = True
        field_start = char in ",\r\n"
    return in_quotes and not closing


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    fields: list[str]


@dataclass(frozen=True, slots=True)
class _BadRow:
    line: int
    reason: str


def _parse_one(text: str) -> list[str] | str:
    """The fields of one row's text, or why ``csv`` could not read it."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return f"broken CSV quoting ({exc})"
    if len(rows) > 1:
        return "broken CSV quoting (one row reads as several)"
    return rows[0] if rows else []


class _Lines:
    """The file's lines, with what each does to quoting worked out once (linear time)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.opens = [_in_quotes_after(line, False) for line in lines]
        self.next_close = [len(lines)] * (len(lines) + 1)
        for index in range(len(lines) - 1, -1, -1):
            closes = not _in_quotes_after(lines[index], True)
            self.next_close[index] = index if closes else self.next_close[index + 1]
        self.widths: dict[int, int] = {}

    def end_of_row(self, index: int) -> int | None:
        """Where the row starting at ``index`` ends (exclusive); None if its quote never closes."""
        if not self.opens[index]:
            return index + 1
        close = self.next_close[index + 1]
        return close + 1 if close < len(self.lines) and close - index < _MAX_ROW_LINES else None

    def width(self, index: int) -> int:
        """How many fields line ``index`` has read on its own (0 when it cannot be read)."""
        if index not in self.widths:
            parsed = _parse_one(self.lines[index])
            self.widths[index] = len(parsed) if isinstance(parsed, list) else 0
        return self.widths[index]

    def swallowed(self, start: int, end: int, width: int) -> bool:
        """A row whose later lines are whole rows on their own: a quote was left open."""
        return width >= 3 and any(self.width(i) >= width - 1 for i in range(start + 1, end))


def _rows(lines: _Lines, start: int, width: int) -> Iterator[_Row | _BadRow]:
    """Rows from line ``start`` on; ``width`` is the header's, 0 before it is known."""
    index = start
    while index < len(lines.lines):
        end = lines.end_of_row(index)
        if end is None:
            parsed: list[str] | str = "broken CSV quoting (a quote is never closed)"
            end = index + 1
        else:
            parsed = _parse_one("".join(lines.lines[index:end]))
        multi_line = end - index > 1
        if multi_line and (isinstance(parsed, str) or lines.swallowed(index, end, width)):
            yield _BadRow(index + 1, "broken CSV quoting (a quote is never closed)")
            index += 1
            continue
        yield _BadRow(index + 1, parsed) if isinstance(parsed, str) else _Row(index + 1, parsed)
        index = end


# --------------------------------------------------------------------------
# Headers and formats
# --------------------------------------------------------------------------


def _column(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).lower()


_GOOGLE_NUMBERED = re.compile(r"(e-mail|phone|website|address|organization|relation) \d+ - ")
_OUTLOOK_COLUMNS = frozenset(
    {
        "e-mail address", "e-mail 2 address", "business phone", "mobile phone",
        "home phone", "job title", "primary email", "secondary email", "email home",
        "email work", "display name", "web page 1",
    }
)  # fmt: skip


def _detect(header: Sequence[str]) -> str | None:
    columns = set(header)
    if {"first name", "last name", "connected on"} <= columns:
        return "linkedin"
    if any(_GOOGLE_NUMBERED.match(c) for c in columns) or "group membership" in columns:
        return "google"
    if columns & _OUTLOOK_COLUMNS:
        return "outlook"
    return None


def _find_header(lines: _Lines, format: str) -> tuple[list[str], str, int] | None:
    """(normalised header, format, index of the line after it) among the first rows."""
    for count, row in enumerate(_rows(lines, 0, 0)):
        if count >= _HEADER_SEARCH_ROWS:
            return None
        if isinstance(row, _BadRow):
            continue
        header = [_column(field) for field in row.fields]
        found = _detect(header)
        if found is not None and format in ("auto", found):
            return header, found, lines.end_of_row(row.line - 1) or row.line
    return None


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "januar", "janv"), ("feb", "févr", "fev"), ("mar", "mär", "mrz"),
            ("apr", "avr"), ("may", "mai"), ("jun", "juin"), ("jul", "juil"),
            ("aug", "aoû", "aou"), ("sep", "sept"), ("oct", "okt"), ("nov",),
            ("dec", "dez", "déc"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([^\W\d_]{3,})\.?[ -,]*(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]{3,})\.? (\d{1,2}),? (\d{4})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _month(name: str) -> int | None:
    name = name.lower()
    return _MONTHS.get(name) or _MONTHS.get(name[:4]) or _MONTHS.get(name[:3])


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 50 else 1900
    return year


def _day_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from the date forms exports write, without the locale."""
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        month = _month(match.group(2))
        return (int(match.group(3)), month, int(match.group(1))) if month else None
    if match := _MONTH_DAY_YEAR.fullmatch(text):
        month = _month(match.group(1))
        return (int(match.group(3)), month, int(match.group(2))) if month else None
    if match := _SLASHED.fullmatch(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        return (year, second, first) if first > 12 else (year, first, second)  # US unless day > 12
    if match := _YEAR_FIRST.fullmatch(text):
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    if match := _DOTTED.fullmatch(text):
        return int(match.group(3)), int(match.group(2)), int(match.group(1))
    return None


def parse_day(text: str) -> date | None:
    """A full date: ``12 Mar 2021``, ``03/12/2021`` (US), ``2021-03-12``, ``12.03.2021`` …"""
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    parts = _day_parts(value)
    if parts is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


_NO_DATE = frozenset({"", "0/0/00", "0/0/0000", "00/00/0000", "0000-00-00"})


def _birthday_of(text: str) -> tuple[str, str]:
    """(birthday, note): a birthday that is no date is kept in the notes."""
    value = text.strip()
    if value in _NO_DATE:
        return "", ""
    parsed = parse_birthday(value)
    if parsed is None and (day := parse_day(value)) is not None:
        parsed = day.isoformat()
    return (parsed, "") if parsed else ("", f"Birthday: {value}")


def _birthday_parts(year: str, month: str, day: str) -> tuple[str, str]:
    """Thunderbird's Birth Year / Birth Month / Birth Day columns."""
    if not (month.strip() and day.strip()):
        return "", ""
    try:
        parsed = PartialDate(int(month), int(day), int(year) if year.strip() else None)
    except (InputError, ValueError):
        return "", "Birthday: " + "-".join(p.strip() for p in (year, month, day) if p.strip())
    return parsed.isoformat(), ""


_LABEL_WORDS = {"mobile": "cell", "work fax": "work,fax", "home fax": "home,fax", "fax": "fax"}


def _google_label(label: str) -> tuple[str, bool]:
    """(label, primary) from Google's "* Home", "Mobile", "Work Fax" …"""
    text = label.strip()
    primary = text.startswith("*")
    text = text.lstrip("* ").strip()
    return _LABEL_WORDS.get(text.lower(), text.lower()), primary


def _one_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part.strip())


def _row_key(format: str, cells: dict[str, str]) -> str:
    body = "\n".join(f"{k}={v}" for k, v in sorted(cells.items()) if v)
    return "sha256:" + hashlib.sha256(f"{format}\n{body}".encode()).hexdigest()


# --------------------------------------------------------------------------
# Rows → records, one mapping per format
# --------------------------------------------------------------------------


@dataclass
class _Fields:
    """What one row says, gathered before it becomes a ``ContactRecord``."""

    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    emails: tuple[Labeled, ...] = ()
    phones: tuple[Labeled, ...] = ()
    urls: tuple[Labeled, ...] = ()
    org: str = ""
    title: str = ""
    location: str = ""
    birthday: str = ""
    notes: str = ""
    interests: tuple[str, ...] = ()
    met_on: date | None = None
    key: str = ""

    @property
    def usable(self) -> bool:
        return bool(self.full_name or self.given_name or self.family_name) or bool(
            self.emails or self.phones
        )


class _Cells:
    """One row's cells by normalised column name."""

    def __init__(self, header: Sequence[str], fields: Sequence[str]) -> None:
        self.values = {name: value.strip() for name, value in zip(header, fields, strict=False)}

    def get(self, *columns: str) -> str:
        return next((self.values[c] for c in columns if self.values.get(c)), "")

    def labeled(self, columns: Sequence[tuple[str, str]]) -> tuple[Labeled, ...]:
        found: list[Labeled] = []
        for column, label in columns:
            cell = self.values.get(column)
            if not cell:
                continue
            for value in cell.split(" ::: "):
                if value.strip() and all(item.value != value.strip() for item in found):
                    found.append(Labeled(value.strip(), label))
        return tuple(found)


def _linkedin(cells: _Cells, problems: list[str]) -> _Fields:
    given, family = cells.get("first name"), cells.get("last name")
    url = cells.get("url", "profile url")
    email = cells.get("email address", "e-mail address")
    connected = cells.get("connected on")
    met_on = parse_day(connected) if connected else None
    if connected and met_on is None:
        problems.append(f"Connected On {connected!r} is not a date; the row is kept without it")
    return _Fields(
        full_name=_join(given, family),
        given_name=given,
        family_name=family,
        emails=(Labeled(email),) if email else (),
        urls=(Labeled(url, "linkedin"),) if url else (),
        org=cells.get("company"),
        title=cells.get("position"),
        met_on=met_on,
        key=url,
    )


def _google_numbered(cells: _Cells, kind: str) -> tuple[Labeled, ...]:
    """Google's "<kind> N - Value" columns, labelled by "- Type"/"- Label", primary first."""
    items: list[tuple[bool, Labeled]] = []
    pattern = re.compile(rf"{kind} (\d+) - value")
    for column in cells.values:
        match = pattern.fullmatch(column)
        if not match:
            continue
        number = match.group(1)
        label, primary = _google_label(
            cells.get(f"{kind} {number} - type", f"{kind} {number} - label")
        )
        for value in cells.values[column].split(" ::: "):
            if value.strip():
                items.append((primary, Labeled(value.strip(), label)))
    items.sort(key=lambda item: not item[0])
    return tuple(item for _, item in items)


def _google(cells: _Cells, problems: list[str]) -> _Fields:
    given = cells.get("given name", "first name")
    family = cells.get("family name", "last name")
    middle = cells.get("additional name", "middle name")
    birthday, note = _birthday_of(cells.get("birthday"))
    groups = cells.get("group membership", "labels").split(" ::: ")
    place = _join_place(
        cells.get("address 1 - city"),
        cells.get("address 1 - region"),
        cells.get("address 1 - country"),
    )
    return _Fields(
        full_name=cells.get("name") or _join(given, middle, family),
        given_name=given,
        family_name=family,
        emails=_google_numbered(cells, "e-mail"),
        phones=_google_numbered(cells, "phone"),
        urls=_google_numbered(cells, "website"),
        org=cells.get("organization 1 - name", "organization name"),
        title=cells.get("organization 1 - title", "organization title"),
        location=place or _one_line(cells.get("address 1 - formatted")),
        birthday=birthday,
        notes="\n".join(t for t in (cells.get("notes"), note) if t),
        interests=clean_interests(g for g in groups if not g.strip().startswith("*")),
    )


def _join_place(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


_OUTLOOK_EMAILS = (
    ("e-mail address", ""), ("e-mail 2 address", ""), ("e-mail 3 address", ""),
    ("primary email", ""), ("secondary email", ""), ("email address", ""),
    ("email home", "home"), ("email work", "work"), ("email other", "other"),
)  # fmt: skip
_OUTLOOK_PHONES = (
    ("primary phone", "main"), ("mobile phone", "cell"), ("home mobile", "cell"),
    ("mobile number", "cell"), ("business phone", "work"), ("business phone 2", "work"),
    ("work phone", "work"), ("company main phone", "work,main"), ("home phone", "home"),
    ("home phone 2", "home"), ("other phone", "other"), ("car phone", "car"),
    ("pager", "pager"), ("pager number", "pager"), ("phone video", "video"),
    ("isdn", "isdn"), ("tty/tdd phone", "textphone"), ("radio phone", "other"),
    ("callback", "other"), ("telex", "other"), ("assistant's phone", "assistant"),
    ("business fax", "work,fax"), ("home fax", "home,fax"), ("other fax", "fax"),
    ("fax number", "fax"),
)  # fmt: skip
_OUTLOOK_URLS = (
    ("web page", ""), ("web page 1", ""), ("web page 2", ""), ("personal web page", "home"),
    ("business web page", "work"), ("website home page", "home"), ("website work", "work"),
    ("website blog", "blog"), ("website profile", "profile"), ("website other", "other"),
)  # fmt: skip
_PLACES = (
    ("home city", "home state", "home country/region", "home country"),
    ("business city", "business state", "business country/region", "business country"),
    ("work city", "work state", "work country/region", "work country"),
)


def _outlook_place(cells: _Cells) -> str:
    for city, state, *countries in _PLACES:
        place = _join_place(cells.get(city), cells.get(state), cells.get(*countries))
        if place:
            return place
    return _one_line(cells.get("home address", "business address", "other address"))


def _outlook_birthday(cells: _Cells) -> tuple[str, str]:
    if cells.get("birthday"):
        return _birthday_of(cells.get("birthday"))
    return _birthday_parts(
        cells.get("birth year"), cells.get("birth month"), cells.get("birth day")
    )


def _outlook(cells: _Cells, problems: list[str]) -> _Fields:
    given, family = cells.get("first name"), cells.get("last name")
    birthday, note = _outlook_birthday(cells)
    categories = re.split(r"[;,]", cells.get("categories"))
    return _Fields(
        full_name=cells.get("name", "display name")
        or _join(given, cells.get("middle name"), family),
        given_name=given,
        family_name=family,
        emails=cells.labeled(_OUTLOOK_EMAILS),
        phones=cells.labeled(_OUTLOOK_PHONES),
        urls=cells.labeled(_OUTLOOK_URLS),
        org=cells.get("company", "organization"),
        title=cells.get("job title"),
        location=_outlook_place(cells),
        birthday=birthday,
        notes="\n".join(t for t in (cells.get("notes"), note) if t),
        interests=clean_interests(categories),
    )


_MAPPERS: dict[str, Callable[[_Cells, list[str]], _Fields]] = {
    "linkedin": _linkedin,
    "google": _google,
    "outlook": _outlook,
}


def _record(fields: _Fields, format: str, where: str, key: str) -> ContactRecord:
    if fields.full_name and not (fields.given_name or fields.family_name):
        fields.given_name, fields.family_name = split_name(fields.full_name)
    return ContactRecord(
        source=format,
        key=fields.key or key,
        where=where,
        full_name=fields.full_name,
        given_name=fields.given_name,
        family_name=fields.family_name,
        emails=fields.emails,
        phones=fields.phones,
        urls=fields.urls,
        org=fields.org,
        title=fields.title,
        location=fields.location,
        birthday=fields.birthday,
        notes=fields.notes,
        interests=fields.interests,
        met_on=fields.met_on,
    )


# --------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------


@dataclass
class _Reading:
    where: str
    format: str
    header: list[str]
    records: list[ContactRecord]
    problems: list[Problem]

    def row(self, row: _Row | _BadRow) -> None:
        if isinstance(row, _BadRow):
            self.problems.append(Problem(self.where, row.reason, row.line))
            return
        if not any(field.strip() for field in row.fields):
            return  # a blank line
        extra = [f for f in row.fields[len(self.header) :] if f.strip()]
        if extra:
            reason = (
                f"this row has {len(row.fields)} fields but the header has "
                f"{len(self.header)} (broken quoting?); skipped"
            )
            self.problems.append(Problem(self.where, reason, row.line))
            return
        self._map(row)

    def _map(self, row: _Row) -> None:
        cells = _Cells(self.header, row.fields)
        notes: list[str] = []
        fields = _MAPPERS[self.format](cells, notes)
        for note in notes:
            self.problems.append(Problem(self.where, note, row.line, kept=True))
        if not fields.usable:
            reason = "this row has no name, e-mail address or phone number; skipped"
            self.problems.append(Problem(self.where, reason, row.line))
            return
        where = f"{self.where} line {row.line}"
        key = _row_key(self.format, cells.values)
        self.records.append(_record(fields, self.format, where, key))


def read_contacts_csv(data: bytes, *, where: str, format: str = "auto") -> ReadResult:
    """Contacts from a LinkedIn, Google or Outlook CSV export (``format`` or ``auto``).

    ``where`` names the file in records (``where line 5``) and problems.  The
    result says which encoding and which format were found.
    """
    if format not in ("auto", *FORMATS):
        raise InputError(
            f"{format!r} is not a CSV format Kith reads",
            field="format",
            value=format,
            hint="auto, linkedin, google or outlook",
        )
    text, encoding = decode_document(data)
    try:
        return _read_rows(text, encoding, where, format)
    except Exception as exc:  # a backstop: the tests hold that it never fires
        reason = f"unexpected error reading this file ({type(exc).__name__}: {exc})"
        return ReadResult((), (Problem(where, reason),), encoding, "")


def _read_rows(text: str, encoding: str, where: str, format: str) -> ReadResult:
    lines = _Lines(_lines(text))
    found = _find_header(lines, format)
    if found is None:
        return ReadResult((), (_unknown_header(lines.lines, where, format),), encoding, "")
    header, detected, start = found
    reading = _Reading(where, detected, header, [], [])
    for row in _rows(lines, start, len(header)):
        try:
            reading.row(row)
        except Exception as exc:  # a backstop: the tests hold that it never fires
            reason = f"unexpected error reading this row ({type(exc).__name__}: {exc}); skipped"
            reading.problems.append(Problem(where, reason, row.line))
    return ReadResult(tuple(reading.records), tuple(reading.problems), encoding, detected)


def _unknown_header(lines: list[str], where: str, format: str) -> Problem:
    first = next((line.strip() for line in lines if line.strip()), "")
    shown = first if len(first) <= 80 else first[:77] + "…"
    if not first:
        return Problem(where, "the file is empty")
    if format == "auto":
        reason = (
            f"not a LinkedIn, Google or Outlook export (the header starts {shown!r}); "
            "name the format with --format if it is one"
        )
    else:
        reason = f"no {format} header found (the file starts {shown!r})"
    return Problem(where, reason, 1)
