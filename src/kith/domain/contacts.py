"""Contacts as they arrive from outside (vCard, CSV exports), before they meet Kith's people.

A ``ContactRecord`` is what one card or one row says, already decoded but not
yet normalised or matched; a ``Problem`` is why a card or row could not be
read, and where.  Readers return both, so one bad record never stops the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Labeled:
    """A value with its label as the source gave it (``work``, ``home``, ``cell`` …)."""

    value: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One contact from one source.

    ``source`` names the kind of source (``vcard``, ``linkedin``, ``google``,
    ``outlook``, ``vdir``); ``key`` identifies the record within it across
    imports (a vCard UID, a LinkedIn profile URL, else a stable hash of the
    record) so that importing the same file twice changes nothing.
    ``where`` says where it came from for messages (``file.vcf card 3``).
    """

    source: str
    key: str
    where: str
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    emails: tuple[Labeled, ...] = ()
    phones: tuple[Labeled, ...] = ()
    urls: tuple[Labeled, ...] = ()
    org: str = ""
    title: str = ""
    location: str = ""
    timezone: str = ""
    birthday: str = ""  # YYYY-MM-DD or --MM-DD, as ``PartialDate`` reads it
    notes: str = ""
    interests: tuple[str, ...] = ()
    met_on: date | None = None
    met_at: str = ""
    met_context: str = ""
    circle: str = ""
    cadence_days: int | None = None
    introduced_by: str = ""  # a name, or a UID of another record
    photo: bytes | None = None
    photo_type: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())  # properties kept as they came


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a record (or a whole file) could not be read: where, and why.

    ``kept`` marks a smaller problem in a record that was still kept (a photo
    left out, a line that made no sense): worth saying, not a skipped record.
    """

    where: str
    reason: str
    line: int | None = None
    kept: bool = False

    def __str__(self) -> str:
        at = f" (line {self.line})" if self.line is not None else ""
        return f"{self.where}{at}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a reader made of its input: the records it kept and the problems it met."""

    records: tuple[ContactRecord, ...]
    problems: tuple[Problem, ...] = ()
    encoding: str = ""
    detected_format: str = ""
    #: Records known to be unchanged since the last import, so not read again.
    unchanged: int = 0
