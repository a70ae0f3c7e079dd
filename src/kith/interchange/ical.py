"""iCalendar in: events read, recurring ones expanded, each bad event reported alone.

``read_calendar`` takes the bytes of an .ics file (or of an e-mail carrying an
invitation) and returns every occurrence of every event in a time window, as
``Occurrence`` values, with a ``Problem`` for each event it could not use: no
start, a broken RRULE/RDATE/EXDATE, an unknown time zone, a date that is no
date.  One bad event never costs the others: events are expanded one series
(one UID) at a time with ``recurring-ical-events``.

Occurrences are keyed by UID, plus the RECURRENCE-ID (in UTC) for each
repetition of a recurring event, so that reading a calendar again gives the
same keys.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from kith.domain.contacts import Problem
from kith.domain.meetings import Attendee, Occurrence
from kith.errors import InputError
from kith.interchange.encodings import decode_document
from kith.interchange.normalize import normalize_email

#: At most this many repetitions of one recurring event are read (a rule that repeats
#: every minute for years is not a meeting anyone has).
MAX_OCCURRENCES = 25_000
#: Properties without which an event's times cannot be known.
_TIMING = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"})
_LINES = re.compile(r"\r\n|\r|\n")
_BEGIN = re.compile(r"^BEGIN:(VEVENT|VFREEBUSY)\s*$", re.IGNORECASE)
_KEY_LIMIT = 400


@dataclass
class CalendarRead:
    """What a calendar held in the window asked for."""

    occurrences: list[Occurrence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    events: int = 0  # events read; a recurring event counts once
    without_people: int = 0  # events with nobody on them, not expanded (``people_only``)
    encoding: str = ""


def read_calendar(
    data: bytes,
    where: str,
    *,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    people_only: bool = False,
) -> CalendarRead:
    """Every occurrence between ``start`` and ``end`` (aware) of the events in ``data``.

    ``data`` is an iCalendar file, or an e-mail whose text/calendar parts are read.
    ``zone`` is what floating times mean (the owner's zone, unless the calendar
    names its own with X-WR-TIMEZONE).  With ``people_only``, events that have
    no attendee or organiser are counted but not expanded.
    """
    result = CalendarRead()
    if _is_mail(data):
        parts = mail_calendars(data)
        if not parts:
            result.problems.append(Problem(where, "an e-mail without a calendar invitation in it"))
        for number, part in enumerate(parts, 1):
            label = f"{where}, invitation {number}" if len(parts) > 1 else where
            _read_one(part, label, start, end, zone, people_only, result)
        return result
    _read_one(data, where, start, end, zone, people_only, result)
    return result


# -- e-mail ------------------------------------------------------------------------------


def _is_mail(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if head[:6].upper() == b"BEGIN:":
        return False
    first = head.split(b"\n", 1)[0]
    return head.startswith(b"From ") or bool(re.match(rb"^[A-Za-z0-9-]+:", first))


def mail_calendars(data: bytes) -> list[bytes]:
    """The calendars an e-mail carries (text/calendar parts and .ics attachments), each once."""
    from email import message_from_bytes, policy

    message = message_from_bytes(data, policy=policy.compat32)
    found: list[bytes] = []
    seen: set[bytes] = set()
    for part in message.walk():
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            same = b"".join(payload.split()) if isinstance(payload, bytes) else b""
            if same and same not in seen:  # the same invitation as a part and as an attachment
                seen.add(same)
                found.append(payload)  # type: ignore[arg-type]
    return found


# -- one calendar file -------------------------------------------------------------------


def _read_one(
    data: bytes,
    where: str,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    people_only: bool,
    result: CalendarRead,
) -> None:
    import icalendar

    text, encoding = decode_document(data)
    result.encoding = result.encoding or encoding
    calendars, trouble = _parse(text)
    if trouble:
        result.problems.append(Problem(where, trouble, kept=bool(calendars)))
    if not calendars:
        return
    lines = _component_lines(text)
    counters: dict[str, int] = {}
    events_before = result.events
    for calendar in calendars:
        if not isinstance(calendar, icalendar.Calendar):
            continue
        _read_calendar(calendar, where, lines, counters, start, end, zone, people_only, result)
    if result.events == events_before:
        result.problems.append(Problem(where, "no events in it", kept=True))


def _parse(text: str) -> tuple[list[Any], str]:
    """The calendars in ``text``, and what went wrong reading it (empty when nothing did)."""
    import icalendar

    try:
        found = list(icalendar.Calendar.from_ical(text, multiple=True))
    except (ValueError, IndexError, KeyError) as exc:
        return [], f"not an iCalendar file ({_first_line(exc)})"
    calendars = [c for c in found if c.name == "VCALENDAR"]
    if calendars:
        return calendars, ""
    if any(c.name == "VCARD" for c in found):
        return [], "a vCard, not a calendar (kith import vcard reads contacts)"
    if re.search(r"^BEGIN:VCALENDAR", text, re.IGNORECASE | re.MULTILINE):
        mended = _close_components(text)
        try:
            found = list(icalendar.Calendar.from_ical(mended, multiple=True))
        except (ValueError, IndexError, KeyError) as exc:
            return [], f"the calendar is cut short and could not be read ({_first_line(exc)})"
        calendars = [c for c in found if c.name == "VCALENDAR"]
        if calendars:
            return calendars, "the file ends before the calendar does; its last event may be cut"
    if not text.strip():
        return [], "the file is empty"
    return [], "not an iCalendar file (no BEGIN:VCALENDAR)"


def _close_components(text: str) -> str:
    """``text`` with END lines added for components that were begun and never ended."""
    stack: list[str] = []
    for line in _LINES.split(text):
        upper = line.strip().upper()
        if upper.startswith("BEGIN:"):
            stack.append(upper[6:])
        elif upper.startswith("END:") and stack and stack[-1] == upper[4:]:
            stack.pop()
    return text.rstrip("\r\n") + "".join(f"\r\nEND:{name}" for name in reversed(stack)) + "\r\n"


def _component_lines(text: str) -> dict[str, list[int]]:
    """Line numbers where each VEVENT and VFREEBUSY begins, in order."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(_LINES.split(text), 1):
        match = _BEGIN.match(line)
        if match:
            found.setdefault(match.group(1).upper(), []).append(number)
    return found


def _line(lines: dict[str, list[int]], counters: dict[str, int], name: str) -> int | None:
    index = counters.get(name, 0)
    counters[name] = index + 1
    listed = lines.get(name, [])
    return listed[index] if index < len(listed) else None


@dataclass
class _Series:
    uid: str
    components: list[Any] = field(default_factory=list)
    line: int | None = None


def _read_calendar(
    calendar: Any,
    where: str,
    lines: dict[str, list[int]],
    counters: dict[str, int],
    start: datetime,
    end: datetime,
    zone: tzinfo,
    people_only: bool,
    result: CalendarRead,
) -> None:
    method = str(calendar.get("METHOD", "")).strip().upper()
    floating = _calendar_zone(calendar) or zone
    timezones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    series: dict[str, _Series] = {}
    for component in calendar.walk():
        if component.name == "VFREEBUSY":
            line = _line(lines, counters, "VFREEBUSY")
            result.occurrences.extend(_free_busy(component, where, line, start, end, result))
        elif component.name == "VEVENT":
            line = _line(lines, counters, "VEVENT")
            uid = _text(component.get("UID"))
            key = uid or f"no-uid-{_digest(component.to_ical())}"
            group = series.setdefault(key, _Series(uid or key, line=line))
            group.components.append(component)
    for group in series.values():
        result.events += 1
        label = _where(where, group.uid if not group.uid.startswith("no-uid-") else "")
        trouble, notes = _check(group.components)
        result.problems.extend(Problem(label, n, group.line, kept=True) for n in notes)
        if trouble:
            result.problems.append(Problem(label, trouble, group.line))
            continue
        if people_only and not any(
            c.get("ATTENDEE") or c.get("ORGANIZER") for c in group.components
        ):
            result.without_people += 1
            continue
        recurring = len(group.components) > 1 or any(
            c.get(name) is not None
            for c in group.components
            for name in ("RRULE", "RDATE", "RECURRENCE-ID")
        )
        try:
            if recurring:
                expanded = _expand(calendar, timezones, group, start, end, floating)
                found = list(itertools.islice(expanded, MAX_OCCURRENCES + 1))
            else:  # most events happen once: no need for the recurrence machinery
                found = [c for c in group.components if _overlaps(c, start, end, floating)]
            occurrences = [
                _occurrence(c, group.uid, label, group.line, recurring, method, floating)
                for c in found[:MAX_OCCURRENCES]
            ]
        except Exception as exc:  # the libraries raise many kinds; one event must not stop all
            reason = f"its times could not be worked out ({_first_line(exc)})"
            result.problems.append(Problem(label, reason, group.line))
            continue
        if len(found) > MAX_OCCURRENCES:
            reason = f"only its first {MAX_OCCURRENCES} repetitions were read"
            result.problems.append(Problem(label, reason, group.line, kept=True))
        result.occurrences.extend(occurrences)


def _calendar_zone(calendar: Any) -> tzinfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = _text(calendar.get("X-WR-TIMEZONE"))
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _check(components: Sequence[Any]) -> tuple[str, list[str]]:
    """Why a series cannot be used (empty if it can), and smaller problems worth a note."""
    notes: list[str] = []
    for component in components:
        for name, message in component.errors:
            if name in _TIMING:
                return f"its {name} cannot be read ({_first_line(message)})", notes
            notes.append(f"a line was left out ({_first_line(message)})")
        start = component.get("DTSTART")
        if start is None:
            return "it has no start time (DTSTART)", notes
        for prop_name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            prop = component.get(prop_name)
            if prop is None or isinstance(prop, list):
                continue
            tzid = prop.params.get("TZID")
            value = getattr(prop, "dt", None)
            if tzid and isinstance(value, datetime) and value.tzinfo is None:
                reason = f"its time zone {str(tzid)!r} is unknown (no VTIMEZONE says what it is)"
                return reason, notes
        rules = component.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            if not rule.get("FREQ"):
                return f"its RRULE {rule.to_ical().decode()!r} says no frequency", notes
            if rule["FREQ"][0] in ("SECONDLY", "MINUTELY"):
                return "it repeats every second or minute; that is no meeting", notes
    return "", notes


def _expand(
    calendar: Any,
    timezones: Sequence[Any],
    group: _Series,
    start: datetime,
    end: datetime,
    floating: tzinfo,
) -> Iterator[Any]:
    """The occurrences of one series that overlap ``start``–``end``, in order."""
    import icalendar
    import recurring_ical_events

    mini = icalendar.Calendar()
    for name, value in calendar.items():
        mini[name] = value
    for timezone in timezones:
        mini.add_component(timezone)
    for component in group.components:
        mini.add_component(component)
    occurrences = recurring_ical_events.of(mini).after(start)
    return itertools.takewhile(lambda o: _start_of(o, floating) < end, occurrences)


def _overlaps(component: Any, start: datetime, end: datetime, floating: tzinfo) -> bool:
    first = _start_of(component, floating)
    last = _end_of(component, floating)
    return first < end and (last > start or (last == first and first >= start))


def _start_of(component: Any, floating: tzinfo, name: str = "DTSTART") -> datetime:
    value = component[name].dt
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=floating)
    return value.astimezone(UTC)


def _end_of(component: Any, floating: tzinfo) -> datetime:
    """When an event ends: DTEND, else DTSTART + DURATION, else a whole day for a date and
    no time at all for a time (RFC 5545, 3.6.1)."""
    if component.get("DTEND") is not None:
        return _start_of(component, floating, "DTEND")
    first = _start_of(component, floating)
    duration = component.get("DURATION")
    if duration is not None:
        return first + duration.dt  # type: ignore[no-any-return]
    if not isinstance(component["DTSTART"].dt, datetime):
        return first + timedelta(days=1)
    return first


def _occurrence(
    component: Any,
    uid: str,
    where: str,
    line: int | None,
    recurring: bool,
    method: str,
    floating: tzinfo,
) -> Occurrence:
    start = _moment(component["DTSTART"].dt, floating)
    end_prop, duration = component.get("DTEND"), component.get("DURATION")
    if end_prop is not None:
        end = _moment(end_prop.dt, floating)
    elif duration is not None:
        end = start + duration.dt
    else:
        end = start if isinstance(start, datetime) else start + timedelta(days=1)
    if isinstance(end, datetime) != isinstance(start, datetime) or end < start:
        end = start
    key = uid
    if recurring:  # an override names the start it replaces; any other occurrence is its start
        rid = component.get("RECURRENCE-ID") or component["DTSTART"]
        key = f"{uid}|{_rid(rid.dt)}"
    if len(key) > _KEY_LIMIT:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    status = _text(component.get("STATUS")).upper()
    if method == "CANCEL":
        status = "CANCELLED"
    busy = _text(component.get("X-MICROSOFT-CDO-BUSYSTATUS")).upper()
    return Occurrence(
        uid=uid,
        key=key,
        where=f"{where} (line {line})" if line else where,
        start=start,
        end=end,
        summary=" ".join(_text(component.get("SUMMARY")).split()),
        status=status,
        transparent=_text(component.get("TRANSP")).upper() == "TRANSPARENT",
        busy_type=busy if busy != "OOF" else "",
        organizer=_attendee(component.get("ORGANIZER")),
        attendees=tuple(
            a for a in (_attendee(v) for v in _values(component.get("ATTENDEE"))) if a is not None
        ),
    )


def _moment(value: Any, floating: tzinfo) -> datetime | date:
    """A time as read: aware datetimes kept; floating ones get the calendar's zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=floating)
        return value
    if isinstance(value, date):
        return value
    raise InputError(f"{value!r} is not a date or a time")


def _rid(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y%m%dT%H%M%S")
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")  # type: ignore[no-any-return]


def _free_busy(
    component: Any,
    where: str,
    line: int | None,
    start: datetime,
    end: datetime,
    result: CalendarRead,
) -> list[Occurrence]:
    """The busy periods a VFREEBUSY lists (FBTYPE says which kind of busy)."""
    found: list[Occurrence] = []
    uid = _text(component.get("UID")) or "free/busy"
    for prop in _values(component.get("FREEBUSY")):
        busy_type = str(prop.params.get("FBTYPE", "BUSY")).upper()
        try:
            periods = list(_periods(prop))
        except (ValueError, TypeError, AttributeError) as exc:
            result.problems.append(
                Problem(_where(where, uid), f"a FREEBUSY period cannot be read ({exc})", line)
            )
            continue
        for first, last in periods:
            if last > start and first < end:
                key = f"{uid}|{_rid(first)}"
                label = f"{where} (line {line})" if line else where
                found.append(Occurrence(uid, key, label, first, last, busy_type=busy_type))
    return found


def _periods(prop: Any) -> Iterator[tuple[datetime, datetime]]:
    for value in getattr(prop, "dts", None) or [prop]:
        period = getattr(value, "dt", value)
        first, second = period
        if not isinstance(first, datetime):
            raise ValueError(f"{first!r} is not a time")
        if first.tzinfo is None:
            first = first.replace(tzinfo=UTC)
        last = second if isinstance(second, datetime) else first + second
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        yield first, last


def _attendee(value: Any) -> Attendee | None:
    if value is None:
        return None
    raw = str(value).strip()
    address = raw[7:] if raw.lower().startswith("mailto:") else raw
    params = getattr(value, "params", {})
    try:
        email = normalize_email(address) if "@" in address else ""
    except InputError:
        email = ""
    return Attendee(
        email=email,
        name=" ".join(str(params.get("CN", "")).split()),
        partstat=str(params.get("PARTSTAT", "")).upper(),
        cutype=str(params.get("CUTYPE", "")).upper(),
        raw=address,
    )


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _where(where: str, uid: str) -> str:
    if not uid:
        return f"{where}, an event without UID"
    shown = uid if len(uid) <= 60 else uid[:57] + "…"
    return f"{where}, event {shown}"


def _first_line(exc: object) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
