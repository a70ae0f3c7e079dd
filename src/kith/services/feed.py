"""The agenda as an iCalendar feed: one all-day event per person to reach out to.

Today's agenda comes first; the next days show who Kith expects to suggest if
nothing changes (each person once, on the first day they would appear).  UIDs
are stable (the person and the day), so a calendar app that refreshes the feed
updates its events instead of piling up copies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from kith.domain.engine import AgendaItem
from kith.domain.model import AgendaKind
from kith.services.context import Context
from kith.services.outreach import today

CALENDAR_NAME = "Kith — today"
ACTION = {
    AgendaKind.REPLY: "reply",
    AgendaKind.FOLLOW_UP: "follow up",
    AgendaKind.DATE: "birthday",
    AgendaKind.KEEP_IN_TOUCH: "keep in touch",
    AgendaKind.RECONNECT: "reconnect",
}


@dataclass(frozen=True, slots=True)
class FeedItem:
    day: date
    item: AgendaItem
    #: False for today's agenda; True for a later day's expected one.
    expected: bool


def agenda_days(ctx: Context, days: int = 7) -> list[FeedItem]:
    """Today's agenda, then each later day's newcomers, over ``days`` days."""
    found: list[FeedItem] = []
    shown: set[int] = set()
    for offset in range(max(days, 1)):
        moment = replace(ctx, now=ctx.now + timedelta(days=offset))
        for item in today(moment).agenda.items:
            if item.person_id in shown:
                continue
            shown.add(item.person_id)
            found.append(FeedItem(moment.today, item, offset > 0))
    return found


def agenda_ics(ctx: Context, *, base_url: str, key: str = "kith", days: int = 7) -> bytes:
    """The feed as iCalendar text; ``key`` keeps UIDs apart between accounts."""
    from icalendar import Calendar, Event

    base = base_url.rstrip("/") + "/"
    calendar = Calendar()
    calendar.add("prodid", "-//Kith//Agenda feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-caldesc", "The few people worth reaching out to, from Kith.")
    calendar.add("x-published-ttl", "PT1H")
    for entry in agenda_days(ctx, days):
        item = entry.item
        event = Event()
        event.add("uid", f"{entry.day:%Y%m%d}-{item.person_id}@{key}.kith")
        event.add("dtstamp", ctx.now)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
        event.add("summary", f"Reach out to {item.name} ({ACTION[item.kind]})")
        lines = list(item.reasons)
        if entry.expected:
            lines.append("Kith expects to suggest them on this day if nothing changes before.")
        lines.append(f"Draft a message: {base}people/{item.person_id}/draft")
        event.add("description", "\n".join(lines))
        event.add("url", f"{base}people/{item.person_id}")
        event.add("transp", "TRANSPARENT")
        event.add("categories", [ACTION[item.kind]])
        calendar.add_component(event)
    return bytes(calendar.to_ical())
