"""How the calendar commands look in a terminal, and their JSON."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from kith.cli.output import out, print_json
from kith.cli.render import done
from kith.domain.availability import (
    DAY_NAMES,
    describe_window,
    format_work_days,
    format_work_hours,
)
from kith.domain.meetings import IGNORED_WORDS, Ignored

if TYPE_CHECKING:
    from kith.domain.availability import Slot
    from kith.services.calendar import Added, CalendarImportSummary, FreeTime


def _kind(location: str) -> str:
    from pathlib import Path

    from kith.services.calendar import is_url

    if is_url(location):
        return "url"
    return "folder" if Path(location).is_dir() else "file"


def import_summary(summary: CalendarImportSummary, *, as_json: bool) -> None:
    if as_json:
        print_json(summary.as_dict())
        return
    calendars = "1 calendar" if summary.calendars == 1 else f"{summary.calendars} calendars"
    people = (
        f"; {summary.people_added} new {'person' if summary.people_added == 1 else 'people'}"
        if summary.people_added
        else ""
    )
    done(
        f"Read {calendars}, {summary.events} events: {summary.added} meetings added, "
        f"{summary.unchanged} unchanged, {summary.skipped} skipped{people}."
    )
    ignored = [
        f"{count} {IGNORED_WORDS[Ignored(reason)]}"
        for reason, count in summary.ignored.items()
        if count
    ]
    if ignored:
        out().print(f"  [muted]not meetings: {escape(', '.join(ignored))}[/muted]")
    for problem in summary.problems[:20]:
        out().print(f"  [warn]skipped[/warn] {escape(str(problem))}")
    for note in summary.notes[:10]:
        out().print(f"  [muted]note[/muted] {escape(str(note))}")
    hidden = max(0, len(summary.problems) - 20) + max(0, len(summary.notes) - 10)
    if hidden:
        out().print(f"  [muted]… and {hidden} more: add --json to see them all[/muted]")
    if summary.people_added:
        out().print("  [muted]who is new: kith ls --sort added · look-alikes: kith dupes[/muted]")


def added(result: Added) -> None:
    if result.checked:
        done(f"Kith reads {result.location}: {result.events} events in it.")
    else:
        done(f"Kith reads {result.location} (not checked now).")
    for problem in result.problems[:10]:
        label = "note" if problem.kept else "left out"
        out().print(f"  [warn]{label}[/warn] {escape(str(problem))}")
    out().print(
        "  [muted]meetings in: kith import calendar · free time for drafts: kith calendar free"
        "[/muted]"
    )


def calendars(locations: list[str], *, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "calendars": [
                    {"number": n, "location": location, "kind": _kind(location)}
                    for n, location in enumerate(locations, 1)
                ]
            }
        )
        return
    if not locations:
        out().print(
            "No calendars yet. Add one: kith calendar add FILE|URL "
            "(a secret iCal address works; see docs/calendar.md)."
        )
        return
    for number, location in enumerate(locations, 1):
        out().print(f"{number:>3}  {escape(location)}  [muted]{_kind(location)}[/muted]")
    out().print(
        "[muted]meetings in: kith import calendar · free time: kith calendar free · "
        "stop reading one: kith calendar rm NUMBER[/muted]"
    )


def _zone_name(found: FreeTime) -> str:
    return str(getattr(found.zone, "key", None) or found.zone)


def _slot(slot: Slot) -> dict[str, Any]:
    return {"start": slot.start.isoformat(), "end": slot.end.isoformat()}


def _hours_words(found: FreeTime) -> str:
    days = sorted(found.hours.days)
    if days == list(range(5)):
        day_words = "Monday to Friday"
    else:
        day_words = ", ".join(DAY_NAMES[d] for d in days)
    return f"{day_words}, {format_work_hours(found.hours.spans).replace('-', '–')}"


def free(found: FreeTime, now: datetime, *, as_json: bool) -> None:
    if as_json:
        person = found.person
        print_json(
            {
                "zone": _zone_name(found),
                "from": found.start.isoformat(),
                "until": found.end.isoformat(),
                "work_days": format_work_days(found.hours.days),
                "work_hours": format_work_hours(found.hours.spans),
                "slot_minutes": found.slot_minutes,
                "calendars": list(found.calendars),
                "complete": found.complete,
                "free": [_slot(s) for s in found.windows],
                "slots": [
                    {**_slot(s), "text": text}
                    for s, text in zip(found.slots, found.offered, strict=True)
                ],
                "for": (
                    {"id": person.id, "name": person.name, "timezone": person.timezone}
                    if person is not None
                    else None
                ),
                "problems": [
                    {"where": p.where, "line": p.line, "reason": p.reason} for p in found.problems
                ],
            }
        )
        return
    console = out()
    if not found.calendars:
        console.print(
            "No calendars yet, so drafts ask for their availability. Add yours: "
            "kith calendar add FILE|URL (see docs/calendar.md)."
        )
        console.print("[muted]Without a calendar, all of your working hours look free:[/muted]")
    last_day = (found.end - timedelta(microseconds=1)).astimezone(found.zone)
    console.print(
        f"[bold]Free[/bold] in your working hours ({escape(_hours_words(found))}, "
        f"{escape(_zone_name(found))}), up to {last_day:%A %d %B}"
    )
    if _zone_name(found) == "UTC":
        console.print(
            "[muted]  (your time zone is UTC; if not, tell Kith: "
            "kith me --timezone Europe/London)[/muted]"
        )
    if not found.windows:
        console.print("  nothing free")
    for _, group in groupby(found.windows, key=lambda s: s.start.astimezone(found.zone).date()):
        stretches = list(group)
        day = describe_window(stretches[0], found.zone).split(",")[0]
        times = ", ".join(describe_window(s, found.zone).split(", ")[1] for s in stretches)
        console.print(f"  {day:<22} {times}")
    for problem in found.problems[:10]:
        label = "not read" if problem.where in found.unread else "note"
        console.print(f"  [warn]{label}[/warn] {escape(str(problem))}")
    console.print()
    who = f"A draft to {found.person.name}" if found.person else "Drafts"
    if not found.complete:
        console.print(
            f"{escape(who)} propose no times while a calendar cannot be read; "
            "they ask for availability instead."
        )
        return
    if not found.slots:
        console.print(f"{escape(who)} find no slot, so they ask for availability instead.")
        return
    length = f"{found.slot_minutes} minutes"
    console.print(f"{escape(who)} would propose ({length}):")
    for text in found.offered:
        console.print(f"  - {escape(text)}")
    if found.person is None:
        console.print(
            "[muted]written in each person's time zone when Kith knows it: "
            "kith calendar free --for NAME[/muted]"
        )
    elif found.recipient is None:
        console.print(
            f"[muted]{escape(found.person.name)}'s time zone is not known: "
            f"kith edit '#{found.person.id}' --timezone …[/muted]"
        )
