"""Calendar events as Kith sees them: which are meetings with people, which keep you busy.

An ``Occurrence`` is one happening of a calendar event (a recurring event has
one per repetition), already read and expanded.  Two questions are asked of it:

- ``meeting``: is this real contact with people?  Only a timed event (not an
  all-day one) that has begun, is not cancelled, that the owner has not
  declined, with at least one other person on it and no more than the
  attendee limit.  The people are the attendees and the organiser, less the
  owner, rooms and resources, and anyone who declined.
- ``blocks``: does it keep the owner busy?  Everything does, but a cancelled
  event, one the owner declined, one marked transparent ("show me as free"),
  and free or tentative free/busy time.

Times are kept as the calendar wrote them: an aware ``datetime``, a floating
(naive) one that means the owner's local time, or a ``date`` for a whole day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

#: Calendar user types that are not people (RFC 5545 CUTYPE).
NOT_PEOPLE = frozenset({"ROOM", "RESOURCE", "GROUP", "UNKNOWN"})
#: Free/busy types (FBTYPE, and Outlook's X-MICROSOFT-CDO-BUSYSTATUS) that leave time free.
FREE_TYPES = frozenset({"FREE", "BUSY-TENTATIVE", "TENTATIVE"})

Moment = datetime | date


@dataclass(frozen=True, slots=True)
class Attendee:
    """Someone on an event: ``email`` normalised (empty when it was no valid address)."""

    email: str
    name: str = ""
    partstat: str = ""  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION … as written, upper case
    cutype: str = ""  # INDIVIDUAL (or empty), GROUP, RESOURCE, ROOM, UNKNOWN
    raw: str = ""  # the address as the calendar wrote it


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One happening of an event.

    ``key`` identifies it across imports: the UID, and for one repetition of a
    recurring event its RECURRENCE-ID in UTC.  ``where`` says where it was read
    (``work.ics line 42``) for messages.
    """

    uid: str
    key: str
    where: str
    start: Moment
    end: Moment
    summary: str = ""
    status: str = ""  # CONFIRMED, TENTATIVE, CANCELLED, or empty
    transparent: bool = False
    busy_type: str = ""  # FBTYPE / Outlook busy status, upper case; empty means busy
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


class Ignored(StrEnum):
    """Why an event is not counted as a meeting."""

    CANCELLED = "cancelled"
    DECLINED = "declined"
    TOO_MANY = "too_many_attendees"
    NOBODY_ELSE = "no_one_else"
    ALL_DAY = "all_day"
    NOT_YET = "not_yet"


#: Each reason in a few words, to follow a count ("2 cancelled", "1 with nobody but you").
IGNORED_WORDS = {
    Ignored.CANCELLED: "cancelled",
    Ignored.DECLINED: "declined by you",
    Ignored.TOO_MANY: "too large (calendar_max_attendees)",
    Ignored.NOBODY_ELSE: "with nobody but you",
    Ignored.ALL_DAY: "all-day",
    Ignored.NOT_YET: "still to come",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """A meeting and its people (``ignored`` None), or why it is not one."""

    people: tuple[Attendee, ...] = ()
    ignored: Ignored | None = None


def instant(value: Moment, zone: tzinfo) -> datetime:
    """A calendar time as an aware moment in UTC: floating times and dates are ``zone``'s."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _owner_status(occurrence: Occurrence, owner: Collection[str]) -> str:
    for person in (*occurrence.attendees, occurrence.organizer):
        if person is not None and person.email in owner and person.partstat:
            return person.partstat
    return ""


def participants(occurrence: Occurrence) -> tuple[Attendee, ...]:
    """Everyone on the event who is a person with an address: organiser first, one each."""
    seen: dict[str, Attendee] = {}
    for person in (occurrence.organizer, *occurrence.attendees):
        if person is None or not person.email or person.cutype in NOT_PEOPLE:
            continue
        known = seen.get(person.email)
        if known is None or (not known.name and person.name) or person.partstat:
            seen[person.email] = Attendee(
                person.email,
                person.name or (known.name if known else ""),
                person.partstat or (known.partstat if known else ""),
                person.cutype,
                person.raw,
            )
    return tuple(seen.values())


def meeting(
    occurrence: Occurrence,
    owner: Collection[str],
    *,
    now: datetime,
    zone: tzinfo,
    max_attendees: int,
) -> Verdict:
    """Is this occurrence contact with people, and with whom (never the owner)?"""
    if occurrence.status == "CANCELLED":
        return Verdict(ignored=Ignored.CANCELLED)
    if _owner_status(occurrence, owner) == "DECLINED":
        return Verdict(ignored=Ignored.DECLINED)
    everyone = participants(occurrence)
    others = tuple(p for p in everyone if p.email not in owner and p.partstat != "DECLINED")
    if not others:
        return Verdict(ignored=Ignored.NOBODY_ELSE)
    if occurrence.all_day:
        return Verdict(ignored=Ignored.ALL_DAY)
    if len(everyone) > max_attendees:
        return Verdict(ignored=Ignored.TOO_MANY)
    if instant(occurrence.start, zone) > now:
        return Verdict(ignored=Ignored.NOT_YET)
    return Verdict(people=others)


def blocks(occurrence: Occurrence, owner: Collection[str]) -> bool:
    """Does this occurrence keep the owner busy?"""
    if occurrence.status == "CANCELLED" or occurrence.transparent:
        return False
    if occurrence.busy_type in FREE_TYPES:
        return False
    return _owner_status(occurrence, owner) != "DECLINED"


@dataclass(frozen=True, slots=True)
class Busy:
    """Time the owner is not free: moments as in ``Occurrence`` (a ``date`` is a whole day)."""

    start: Moment
    end: Moment


def busy_times(occurrences: Iterable[Occurrence], owner: Collection[str]) -> list[Busy]:
    """The busy time of the occurrences that block (an event without length blocks nothing)."""
    found: list[Busy] = []
    for occurrence in occurrences:
        if blocks(occurrence, owner):
            end = occurrence.end
            if occurrence.all_day and end == occurrence.start:
                end = _next_day(occurrence.start)
            found.append(Busy(occurrence.start, end))
    return found


def _next_day(value: Moment) -> Moment:
    return value + timedelta(days=1)
