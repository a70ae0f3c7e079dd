"""Free time in the owner's working hours, and the few slots a draft proposes.

Pure functions: the busy times come in (from the owner's calendars), ``now`` is
given, nothing here reads a clock or a file.

- ``free_windows``: the free stretches within working hours over the next days,
  from ``now`` plus some notice, with busy times taken out.  Working hours are
  wall-clock times in the owner's zone on each working day, so they stay
  09:00–17:00 across a change to or from summer time.  A whole-day busy event
  (a ``date``) takes out the whole local day; a floating time is the owner's.
- ``choose_slots``: three slots on different days, each at the best time of its
  day (mid-morning or early afternoon, on the hour, away from lunch), spread
  over the days rather than bunched, alternating morning and afternoon.
- ``describe_slot``: a slot in plain words, in the recipient's time zone when it
  is known, with the owner's own time added when it differs.

What a recipient in another time zone would expect: Kith only proposes times
in the owner's working hours, and of those only ones that fall on the
recipient's weekday (Monday to Friday) between 08:00 and 20:00 their time.  A
slot that would land on their weekend or at night is never offered; with
little overlap between the two days there may be fewer than three slots, and
with none the draft asks for their availability instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from kith.domain.meetings import Busy, instant

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")  # fmt: skip
_SHORT_DAYS = tuple(d[:3].lower() for d in DAY_NAMES)

#: A recipient in another zone is offered times within these hours of their day, Monday–Friday.
RECIPIENT_DAY = (time(8), time(20))
#: Times of day a meeting is best proposed at (owner's local time), best first.
IDEAL_TIMES = (time(10), time(14))
LUNCH = (time(12), time(13, 30))


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Working days (0 = Monday) and the hours of each, as wall-clock spans."""

    days: frozenset[int]
    spans: tuple[tuple[time, time], ...]

    @classmethod
    def parse(cls, days: str, hours: str) -> WorkingHours:
        return cls(parse_work_days(days), parse_work_hours(hours))


DEFAULT_HOURS = WorkingHours(frozenset(range(5)), ((time(9), time(17)),))


def parse_work_days(text: str) -> frozenset[int]:
    """``mon-fri``, ``mon,tue,thu``, ``sun-thu``, ``Monday–Friday`` → weekday numbers."""
    found: set[int] = set()
    tidy = re.sub(r"\s*[-–]\s*", "-", text.strip().lower())
    parts = [p for p in re.split(r"[,\s]+", tidy) if p]
    if not parts:
        raise ValueError("give at least one day, e.g. mon-fri")
    for part in parts:
        ends = part.split("-")
        if len(ends) > 2:
            raise ValueError(f"{part!r} is not a day or a range of days")
        numbers = [_weekday(e) for e in ends]
        if len(numbers) == 1:
            found.add(numbers[0])
            continue
        first, last = numbers
        day = first
        while True:
            found.add(day)
            if day == last:
                break
            day = (day + 1) % 7
    return frozenset(found)


def _weekday(text: str) -> int:
    key = text[:3]
    if key not in _SHORT_DAYS or not DAY_NAMES[_SHORT_DAYS.index(key)].lower().startswith(text):
        raise ValueError(f"{text!r} is not a day of the week (mon, tue, … sun)")
    return _SHORT_DAYS.index(key)


def format_work_days(days: Iterable[int]) -> str:
    """Weekday numbers as ``mon,tue,wed,thu,fri`` (Monday first)."""
    return ",".join(_SHORT_DAYS[d] for d in sorted(set(days)))


_SPAN = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?$")


def parse_work_hours(text: str) -> tuple[tuple[time, time], ...]:
    """``9:00-17:00``, ``09:00-12:30, 13:30-17:00`` → wall-clock spans, in order, apart."""
    spans: list[tuple[time, time]] = []
    for part in (p.strip() for p in text.split(",")):
        match = _SPAN.match(part)
        if not match:
            raise ValueError(f"{part!r} is not a span of hours such as 09:00-17:00")
        h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"{part!r} has a time that does not exist")
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise ValueError(f"{part!r} ends before it starts")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in pairwise(spans):
        if start < end:
            raise ValueError(f"the spans in {text!r} overlap")
    return tuple(spans)


def format_work_hours(spans: Iterable[tuple[time, time]]) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in spans)


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """A stretch of time, in UTC."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    """A wall-clock time on a day in ``zone``, in UTC (a time skipped by a clock change
    moves forward with the clock, as a person's day does)."""
    return datetime.combine(day, at, zone).astimezone(UTC)


def working_time(start: datetime, end: datetime, zone: tzinfo, hours: WorkingHours) -> list[Slot]:
    """The working hours between ``start`` and ``end`` (aware), as UTC stretches."""
    found: list[Slot] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    while day <= last:
        if day.weekday() in hours.days:
            for a, b in hours.spans:
                s, e = max(_local(day, a, zone), start), min(_local(day, b, zone), end)
                if s < e:
                    found.append(Slot(s, e))
        day += timedelta(days=1)
    return found


def horizon_end(now: datetime, zone: tzinfo, days: int) -> datetime:
    """The end of the owner's day ``days`` days from ``now`` ("the next 14 days")."""
    last_day = (now + timedelta(days=days)).astimezone(zone).date()
    return _local(last_day + timedelta(days=1), time(0), zone)


def _busy_slot(busy: Busy, zone: tzinfo) -> Slot:
    return Slot(instant(busy.start, zone), instant(busy.end, zone))


def free_windows(
    busy: Iterable[Busy],
    now: datetime,
    zone: tzinfo,
    hours: WorkingHours = DEFAULT_HOURS,
    *,
    days: int = 14,
    notice: timedelta = timedelta(hours=12),
    min_length: timedelta = timedelta(minutes=30),
) -> list[Slot]:
    """The free stretches of working hours from ``now + notice`` to the end of the day
    ``days`` from now (the owner's day), in order."""
    start, end = now + notice, horizon_end(now, zone, days)
    taken = sorted(s for s in (_busy_slot(b, zone) for b in busy) if s.end > s.start)
    free: list[Slot] = []
    for window in working_time(start, end, zone, hours):
        cursor = window.start
        for block in taken:
            if block.end <= cursor:
                continue
            if block.start >= window.end:
                break
            if block.start > cursor:
                free.append(Slot(cursor, block.start))
            cursor = max(cursor, block.end)
            if cursor >= window.end:
                break
        if cursor < window.end:
            free.append(Slot(cursor, window.end))
    return [s for s in free if s.end - s.start >= min_length]


def _fits_recipient(slot: Slot, recipient: tzinfo) -> bool:
    """Does the slot fall on a weekday of the recipient, within their day (08:00–20:00)?"""
    start, end = slot.start.astimezone(recipient), slot.end.astimezone(recipient)
    if start.weekday() >= 5:
        return False
    first = datetime.combine(start.date(), RECIPIENT_DAY[0])
    last = datetime.combine(start.date(), RECIPIENT_DAY[1])
    return first <= start.replace(tzinfo=None) and end.replace(tzinfo=None) <= last


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _penalty(slot: Slot, zone: tzinfo) -> int:
    """How far a slot is from a good time to meet (owner's local time; lower is better)."""
    local = slot.start.astimezone(zone).time()
    at = _minutes(local)
    penalty = min(abs(at - _minutes(ideal)) for ideal in IDEAL_TIMES)
    if _minutes(LUNCH[0]) <= at < _minutes(LUNCH[1]):
        penalty += 90
    if local.minute:
        penalty += 10
    return penalty


def candidates(
    windows: Iterable[Slot],
    length: timedelta,
    zone: tzinfo,
    step: timedelta = timedelta(minutes=30),
) -> list[Slot]:
    """Every slot of ``length`` in the windows that starts on the hour or half hour (owner's
    local time, so that a zone 45 minutes off UTC still gets round times)."""
    found: list[Slot] = []
    tick = timedelta(microseconds=1)
    for window in windows:
        local = window.start.astimezone(zone)
        since_midnight = local - local.replace(hour=0, minute=0, second=0, microsecond=0)
        cursor = window.start + ((-(since_midnight // tick)) % (step // tick)) * tick
        while cursor + length <= window.end:
            found.append(Slot(cursor, cursor + length))
            cursor += step
    return found


def choose_slots(
    windows: Sequence[Slot],
    zone: tzinfo,
    *,
    length: timedelta = timedelta(minutes=30),
    count: int = 3,
    recipient: tzinfo | None = None,
) -> list[Slot]:
    """``count`` slots on different days, the best time of each day, spread over the days.

    Days are the recipient's when their zone is known (and then only times that
    suit them are kept, see the module's notes), else the owner's.  The first
    day is the earliest one free; each next one is at least two days later when
    possible, else the next day free.  Returns them in order, possibly fewer.
    """
    pool = candidates(windows, length, zone)
    if recipient is not None and _zone_name(recipient) != _zone_name(zone):
        pool = [s for s in pool if _fits_recipient(s, recipient)]
    day_zone = recipient or zone
    by_day: dict[date, list[Slot]] = {}
    for slot in pool:
        by_day.setdefault(slot.start.astimezone(day_zone).date(), []).append(slot)
    days = sorted(by_day)
    chosen_days: list[date] = []
    for gap in (2, 1):
        chosen_days = []
        for day in days:
            if len(chosen_days) == count:
                break
            if not chosen_days or (day - chosen_days[-1]).days >= gap:
                chosen_days.append(day)
        if len(chosen_days) == min(count, len(days)):
            break
    chosen: list[Slot] = []
    for day in chosen_days:
        morning_before = bool(chosen) and chosen[-1].start.astimezone(zone).hour < 12

        def score(slot: Slot, morning_before: bool = morning_before) -> tuple[int, datetime]:
            same_half = bool(chosen) and (slot.start.astimezone(zone).hour < 12) == morning_before
            return (_penalty(slot, zone) + (45 if same_half else 0), slot.start)

        chosen.append(min(by_day[day], key=score))
    return sorted(chosen)


def _zone_name(zone: tzinfo) -> str:
    key = getattr(zone, "key", None)
    return str(key) if key else str(zone)


def _place(zone: tzinfo) -> str:
    """Where a zone is, in words: ``Europe/London`` → London; ``UTC`` stays UTC."""
    name = _zone_name(zone)
    if "/" not in name or name.startswith("Etc/"):
        return name
    return name.rsplit("/", 1)[1].replace("_", " ")


def _day(moment: datetime) -> str:
    return f"{DAY_NAMES[moment.weekday()]} {moment.day} {MONTH_NAMES[moment.month - 1]}"


def _hours(start: datetime, end: datetime) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def describe_slot(slot: Slot, zone: tzinfo, recipient: tzinfo | None = None) -> str:
    """A slot in plain words, for a message to someone.

    - their zone known: "Tuesday 3 December, 10:00–10:30 (your time, Europe/Berlin)",
      with "; 09:00–09:30 for me in London" added when the owner's clock says otherwise;
    - their zone unknown: "Tuesday 3 December, 10:00–10:30 (Europe/London time)".
    """
    if recipient is None:
        start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
        return f"{_day(start)}, {_hours(start, end)} ({_zone_name(zone)} time)"
    start, end = slot.start.astimezone(recipient), slot.end.astimezone(recipient)
    text = f"{_day(start)}, {_hours(start, end)} (your time, {_zone_name(recipient)}"
    mine_start, mine_end = slot.start.astimezone(zone), slot.end.astimezone(zone)
    if (mine_start.date(), mine_start.time()) != (start.date(), start.time()):
        day = f"{_day(mine_start)}, " if mine_start.date() != start.date() else ""
        where = f"in {_place(zone)}" if "/" in _zone_name(zone) else f"({_place(zone)})"
        text += f"; {day}{_hours(mine_start, mine_end)} for me {where}"
    return text + ")"


def describe_window(slot: Slot, zone: tzinfo) -> str:
    """A free stretch for the owner: "Tuesday 3 December, 09:00–12:00"."""
    start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
    return f"{_day(start)}, {_hours(start, end)}"
