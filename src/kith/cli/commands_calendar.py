"""Calendars: meetings become interactions; free time goes into drafts."""

from __future__ import annotations

import typer

from kith.cli.commands_data import import_app
from kith.cli.state import state_of

calendar_app = typer.Typer(
    help="Your calendars: which ones Kith reads, and when you are free.",
    no_args_is_help=True,
)

JSON = typer.Option(False, "--json", help="Print JSON (see docs/json.md) instead of text.")


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    if only in (None, "calendar"):
        app.add_typer(calendar_app, name="calendar")


NAMES = frozenset({"calendar"})


@import_app.command("calendar")
def import_calendar(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(
        None,
        help="iCalendar files (.ics), folders of them, e-mails with an invitation (.eml) or "
        "URLs (https://, webcal://). None: every calendar of `kith calendar ls`.",
        show_default=False,
    ),
    as_json: bool = JSON,
) -> None:
    """Bring in your meetings: each past meeting with people becomes an interaction.

    A meeting is a timed event with at least one other person on it; cancelled
    events, ones you declined, all-day events and events with more than
    calendar_max_attendees people are not counted.  Someone new on a meeting
    becomes a person (meeting them is real contact).  Running it again adds
    nothing; recurring meetings count once per past occurrence.
    """
    from kith.cli import render, render_calendar
    from kith.services import calendar

    context = state_of(ctx).context()
    with render.progress("Importing meetings") as advance:
        summary = calendar.import_calendars(context, sources or (), progress=advance)
    render_calendar.import_summary(summary, as_json=as_json)


@calendar_app.command("add")
def add(
    ctx: typer.Context,
    location: str = typer.Argument(
        ..., help="An .ics file, a folder of .ics files, or a URL (https://, webcal://)."
    ),
    no_check: bool = typer.Option(
        False, "--no-check", help="Keep it without reading it now (e.g. while offline)."
    ),
) -> None:
    """Keep a calendar: Kith reads it again for every import and every draft.

    For Google, iCloud, Outlook or Nextcloud use the calendar's secret iCal
    address (see docs/calendar.md); it stays in your config file.
    """
    from kith.cli import render_calendar
    from kith.services import calendar

    added = calendar.add_calendar(state_of(ctx).context(), location, check=not no_check)
    render_calendar.added(added)


@calendar_app.command("ls")
def ls(ctx: typer.Context, as_json: bool = JSON) -> None:
    """The calendars Kith reads, numbered (for `kith calendar rm NUMBER`)."""
    from kith.cli import render_calendar

    settings = state_of(ctx).settings()
    render_calendar.calendars(list(settings["calendars"]), as_json=as_json)


@calendar_app.command("rm")
def rm(
    ctx: typer.Context,
    calendar_ref: str = typer.Argument(
        ..., metavar="CALENDAR", help="Its number in `kith calendar ls`, or its file or URL."
    ),
) -> None:
    """Stop reading a calendar (meetings already imported stay)."""
    from kith.cli import render
    from kith.services import calendar

    removed = calendar.remove_calendar(state_of(ctx).context(), calendar_ref)
    render.done(f"Kith no longer reads {removed}. Meetings already imported stay.")


@calendar_app.command("free")
def free(
    ctx: typer.Context,
    days: int = typer.Option(
        None, "--days", help="How many days ahead (default: the free_days setting, 14)."
    ),
    person: str = typer.Option(
        None, "--for", help="Show the slots as a draft to this person would write them."
    ),
    as_json: bool = JSON,
) -> None:
    """Your free time in working hours, and the three slots drafts would propose.

    Working hours are the work_days and work_hours settings, in your time zone
    (kith me --timezone).  Transparent ("free") events, cancelled ones and ones
    you declined leave the time free; all-day events take the whole day.
    """
    from kith.cli import render_calendar
    from kith.services import calendar

    context = state_of(ctx).context()
    found = calendar.free_time(context, days=days, person=person)
    render_calendar.free(found, context.now, as_json=as_json)
