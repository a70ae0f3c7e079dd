"""Immutable records of Kith's world: people, interactions, outreach, introductions."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kith.errors import InputError


class Circle(StrEnum):
    """Layers of closeness, after Dunbar; each has a default keep-in-touch cadence."""

    INNER = "inner"
    CLOSE = "close"
    ACTIVE = "active"
    WIDER = "wider"
    ACQUAINTANCE = "acquaintance"
    NONE = "none"


class InteractionKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    MESSAGE = "message"
    EVENT = "event"
    NOTE = "note"


class Direction(StrEnum):
    """Who reached out: the owner (``out``), the other person (``in``) or both."""

    OUT = "out"
    IN = "in"
    MUTUAL = "mutual"


class Status(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    DO_NOT_CONTACT = "do_not_contact"


class AgendaKind(StrEnum):
    """Why someone is on the agenda, in the order the agenda lists them."""

    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    DATE = "date"
    KEEP_IN_TOUCH = "keep_in_touch"
    RECONNECT = "reconnect"


class OutreachState(StrEnum):
    SUGGESTED = "suggested"
    DRAFTED = "drafted"
    SENT = "sent"
    REPLIED = "replied"
    NO_REPLY = "no_reply"
    DISMISSED = "dismissed"


class DraftKind(StrEnum):
    FOLLOW_UP = "follow_up"
    KEEP_IN_TOUCH = "keep_in_touch"
    RECONNECT = "reconnect"
    BIRTHDAY = "birthday"
    REPLY = "reply"
    ASK_INTRO = "ask_intro"
    INTRO = "intro"


class Channel(StrEnum):
    EMAIL = "email"
    SHORT = "short"


_PARTIAL_DATE = re.compile(r"^(?:(\d{4})-|--)?(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date whose year may be unknown (birthdays often come without one)."""

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        year_for_check = self.year if self.year is not None else 2000  # a leap year
        if not 1 <= self.month <= 12:
            raise InputError(f"month {self.month} is not between 1 and 12", field="date")
        if not 1 <= self.day <= calendar.monthrange(year_for_check, self.month)[1]:
            raise InputError(f"{self.month:02d}-{self.day:02d} is not a real day", field="date")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """``1984-03-07``, ``--03-07`` (vCard, no year) or ``03-07``."""
        match = _PARTIAL_DATE.match(text.strip())
        if not match:
            raise InputError(
                f"{text!r} is not a date",
                field="date",
                value=text,
                hint="write it as YYYY-MM-DD, or MM-DD when the year is unknown",
            )
        year, month, day = match.groups()
        return cls(int(month), int(day), int(year) if year else None)

    def isoformat(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def next_occurrence(self, today: date) -> date:
        """The next time this day comes round, today included (29 Feb → 28 Feb)."""
        for year in (today.year, today.year + 1):
            day = min(self.day, calendar.monthrange(year, self.month)[1])
            candidate = date(year, self.month, day)
            if candidate >= today:
                return candidate
        raise AssertionError("unreachable: a date recurs within two years")

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True, slots=True)
class Person:
    """A human the owner knows, as stored."""

    id: int
    uid: str
    name: str
    given_name: str = ""
    family_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    org: str = ""
    title: str = ""
    location: str = ""
    timezone: str = ""
    birthday: PartialDate | None = None
    notes: str = ""
    interests: tuple[str, ...] = ()
    circle: Circle | None = None
    cadence_days: int | None = None
    status: Status = Status.ACTIVE
    status_reason: str = ""
    met_on: date | None = None
    met_at: str = ""
    met_context: str = ""
    introduced_by_id: int | None = None
    snoozed_until: date | None = None
    due_shift_on: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def first_name(self) -> str:
        return self.given_name or (self.name.split()[0] if self.name.split() else self.name)


@dataclass(frozen=True, slots=True)
class Interaction:
    """Something that happened between the owner and one or more people."""

    id: int
    occurred_at: datetime
    kind: InteractionKind
    direction: Direction
    person_ids: tuple[int, ...]
    summary: str = ""
    source: str = "manual"
    source_key: str | None = None
    settled: bool = False


@dataclass(frozen=True, slots=True)
class Outreach:
    """A draft or message to one person, with its lifecycle dates."""

    id: int
    person_id: int
    kind: DraftKind
    channel: Channel
    state: OutreachState
    created_at: datetime
    subject: str = ""
    body: str = ""
    sent_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Introduction:
    """Who introduced whom, or a referral given or received.

    ``introducer_id`` None means the owner made the introduction.  For a
    referral, ``direction`` is ``given`` (the owner referred ``person_a``) or
    ``received`` (``person_a`` referred the owner); ``person_b_id`` or
    ``opportunity`` names to whom or for what.
    """

    id: int
    kind: str  # "introduction" | "referral"
    person_a_id: int
    person_b_id: int | None = None
    introducer_id: int | None = None
    direction: str = ""
    opportunity: str = ""
    occurred_on: date | None = None
    note: str = ""
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class Owner:
    """The person using Kith."""

    name: str = ""
    emails: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    timezone: str = ""
    signature: str = ""

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


@dataclass(frozen=True, slots=True)
class InteractionPoint:
    """The part of an interaction the engine needs to summarise a person's history."""

    at: datetime
    kind: InteractionKind
    direction: Direction
    summary: str = ""
    from_outreach: bool = False
    #: An inbound message that needs no reply (answered in its thread, or only copied).
    settled: bool = False


@dataclass(frozen=True, slots=True)
class ContactStats:
    """One person's history condensed: enough to score them without re-reading it.

    ``strength_raw_at_last`` is the decayed interaction weight evaluated at
    ``last_at``; evaluating it later only needs one more decay factor.
    """

    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_out_at: datetime | None = None
    last_in_at: datetime | None = None
    last_in_message_at: datetime | None = None
    last_manual_at: datetime | None = None
    first_meeting_at: datetime | None = None
    strength_raw_at_last: float = 0.0
    peak_raw: float = 0.0
    out_weight: float = 0.0
    in_weight: float = 0.0
    median_gap_days: float | None = None
    last_summary: str = ""
    half_life_days: float = 180.0


EMPTY_STATS = ContactStats()


@dataclass(frozen=True, slots=True)
class SentOutreach:
    """When an outreach went out; the engine derives replied / no reply from it."""

    sent_at: datetime


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the engine reads of one person: the record's relevant fields and history."""

    id: int
    name: str
    circle: Circle | None = None
    cadence_days: int | None = None
    status: Status = Status.ACTIVE
    birthday: PartialDate | None = None
    met_on: date | None = None
    met_at: str = ""
    snoozed_until: date | None = None
    due_shift_on: date | None = None
    created_at: datetime | None = None
    shared_interests: tuple[str, ...] = ()
    stats: ContactStats = EMPTY_STATS
    sent: tuple[SentOutreach, ...] = ()
    open_draft: DraftKind | None = None
