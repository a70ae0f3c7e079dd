"""Calendars written as their programs write them, for the calendar tests."""

from __future__ import annotations


def calendar(*events: str, head: str = "") -> str:
    """A VCALENDAR around ``events`` (CRLF line ends, as RFC 5545 wants)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *([head] if head else []),
        *events,
        "END:VCALENDAR",
    ]
    return "\r\n".join(line for block in lines for line in block.splitlines()) + "\r\n"


def event(
    uid: str,
    start: str,
    end: str = "",
    *,
    summary: str = "Catch-up",
    zone: str = "Europe/London",
    organizer: str = "",
    attendees: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
) -> str:
    """A VEVENT; ``start``/``end`` as iCalendar times (20261120T100000), in ``zone``.

    ``attendees`` are ``"Name <address> PARTSTAT CUTYPE"`` strings (both optional).
    """

    def when(name: str, value: str) -> str:
        if len(value) == 8:
            return f"{name};VALUE=DATE:{value}"
        if value.endswith("Z") or not zone:
            return f"{name}:{value}"
        return f"{name};TZID={zone}:{value}"

    lines = ["BEGIN:VEVENT", f"UID:{uid}", when("DTSTART", start)]
    if end:
        lines.append(when("DTEND", end))
    lines += ["DTSTAMP:20261101T090000Z", f"SUMMARY:{summary}"]
    if organizer:
        name, address = _person(organizer)[:2]
        lines.append(f"ORGANIZER;CN={name}:mailto:{address}")
    for attendee in attendees:
        name, address, status, kind = _person(attendee)
        lines.append(
            f"ATTENDEE;CUTYPE={kind};ROLE=REQ-PARTICIPANT;PARTSTAT={status};CN={name}"
            f";X-NUM-GUESTS=0:mailto:{address}"
        )
    lines += [*extra, "END:VEVENT"]
    return "\r\n".join(lines)


def _person(text: str) -> tuple[str, str, str, str]:
    name, rest = text.split("<", 1)
    address, after = rest.split(">", 1)
    words = after.split()
    status = words[0] if words else "ACCEPTED"
    kind = words[1] if len(words) > 1 else "INDIVIDUAL"
    return name.strip(), address.strip(), status, kind
