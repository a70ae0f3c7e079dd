"""Outreach commands: today, draft, sent, snooze, let-go, and the home screen."""

from __future__ import annotations

from collections.abc import Callable

import typer

from kith.cli.state import PERSON, State, joined, state_of
from kith.domain.model import Channel, DraftKind

JSON = typer.Option(False, "--json", help="Print JSON (see docs/json.md) instead of text.")


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    for name, command in COMMANDS.items():
        if only in (None, name):
            app.command(name, help=command.__doc__)(command)


def home(state: State) -> None:
    """``kith`` on its own: who you are, how many people, and today's agenda."""
    from kith.cli import render
    from kith.services import outreach, people

    context = state.context()
    owner = people.get_owner(context)
    result = outreach.today(context)
    render.home(owner, result, context)


def today(
    ctx: typer.Context,
    limit: int = typer.Option(
        None, "--limit", "-n", help="How many people (default: your daily budget, 5)."
    ),
    as_json: bool = JSON,
) -> None:
    """The few people worth reaching out to today, and why.

    Order: replies you owe, follow-ups after meeting someone, birthdays, keep-in-touch
    that is due, then one or two dormant connections worth rebuilding.
    """
    from kith.cli import render, shapes
    from kith.errors import InputError
    from kith.services import outreach

    if limit is not None and limit < 1:
        raise InputError("--limit must be at least 1", field="limit")
    context = state_of(ctx).context()
    result = outreach.today(context, limit=limit)
    if as_json:
        render.json(shapes.today(result, context.now, context.today))
    else:
        render.today(result, context)


def draft(
    ctx: typer.Context,
    person: list[str] = PERSON,
    kind: DraftKind = typer.Option(
        None, "--kind", "-k", help="What the message is for; default: why they are on today's list."
    ),
    channel: Channel = typer.Option(
        Channel.EMAIL.value,
        "--channel",
        "-c",
        help="email (with subject) or short (≤ 300 characters).",
    ),
    to: str = typer.Option(None, "--to", help="For ask_intro and intro: the other person."),
    no_save: bool = typer.Option(
        False, "--no-save", help="Only print it; do not keep it as a draft."
    ),
    as_json: bool = JSON,
) -> None:
    """Draft a message to someone, ready to edit and send.  It is kept as their open draft.

    After sending it yourself, run `kith sent NAME`.
    """
    from kith.cli import render, shapes
    from kith.cli.output import notice
    from kith.services import outreach, people

    context = state_of(ctx).context()
    result = outreach.draft(
        context, joined(person), kind=kind, channel=channel, target=to, save=not no_save
    )
    if as_json:
        render.json(shapes.draft(result))
        return
    render.draft(result)
    for note in result.notes:
        notice(note)
    owner = people.get_owner(context)
    if not owner.name.strip() and not owner.signature.strip():
        notice("Drafts are signed with your name: kith me --name 'Your Name' (or --signature).")


def sent(
    ctx: typer.Context,
    person: list[str] = PERSON,
    on: str = typer.Option(None, "--on", help="When you sent it (YYYY-MM-DD); default today."),
    kind: DraftKind = typer.Option(None, "--kind", "-k", help="What it was for, without a draft."),
    as_json: bool = JSON,
) -> None:
    """Mark that you reached out: their draft (if any) is sent and it counts as contact.

    If they do not answer within 21 days, that is fine: Kith will not nag.
    """
    from kith.cli import render, shapes
    from kith.interchange.normalize import parse_moment
    from kith.services import outreach

    context = state_of(ctx).context()
    at = parse_moment(on, context.tz) if on else None
    result = outreach.mark_sent(context, joined(person), on=at, kind=kind)
    if as_json:
        render.json(shapes.sent(result))
    else:
        render.sent(result, context)


def snooze(
    ctx: typer.Context,
    person: list[str] = PERSON,
    until: str = typer.Option(None, "--until", help="Leave them off the agenda until this date."),
    days: int = typer.Option(None, "--days", help="…or for this many days."),
) -> None:
    """Not now: leave someone off the agenda until a date."""
    from datetime import timedelta

    from kith.cli import render
    from kith.errors import InputError
    from kith.interchange.normalize import parse_date
    from kith.services import outreach

    context = state_of(ctx).context()
    if (until is None) == (days is None):
        raise InputError(
            "give --until DATE or --days N", field="until", hint="e.g. --until 2027-01-10"
        )
    day = (
        parse_date(until, "until", context.today) if until else context.today + timedelta(days=days)
    )
    person_after = outreach.snooze(context, joined(person), until=day)
    render.done(f"Snoozed {person_after.name} until {day.strftime('%a %d %b %Y')}.")


def let_go(
    ctx: typer.Context,
    person: list[str] = PERSON,
    reason: str = typer.Option("", "--reason", help="Why (only for you)."),
) -> None:
    """Let someone go: archived, never suggested again, nothing deleted.

    Not every connection is meant to last, and that is okay.  Bring them back with
    `kith edit NAME --status active`.
    """
    from kith.cli import render
    from kith.services import outreach

    person_after = outreach.let_go(state_of(ctx).context(), joined(person), reason=reason)
    render.done(
        f"Let go of {person_after.name}. Kith will not suggest them again; "
        f"`kith edit '#{person_after.id}' --status active` brings them back."
    )


COMMANDS: dict[str, Callable[..., None]] = {
    "today": today,
    "draft": draft,
    "sent": sent,
    "snooze": snooze,
    "let-go": let_go,
}
