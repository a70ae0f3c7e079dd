"""People commands: me, add, edit, show, ls, search, log, intro, referral."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from kith.cli.state import PERSON, joined, state_of
from kith.domain.model import Direction, InteractionKind

if TYPE_CHECKING:
    from kith.services.context import Context
    from kith.services.people import PersonChanges

JSON = typer.Option(False, "--json", help="Print JSON (see docs/json.md) instead of a table.")


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    for name, command in COMMANDS.items():
        if only in (None, name):
            app.command(name, help=command.__doc__)(command)


def me(
    ctx: typer.Context,
    name: str = typer.Option(None, "--name", help="Your name, as you sign messages."),
    email: list[str] = typer.Option(
        None, "--email", help="Your e-mail addresses (repeat); tells your mail from theirs."
    ),
    interest: list[str] = typer.Option(
        None, "--interest", help="What you care about (repeat); shared interests raise priority."
    ),
    timezone: str = typer.Option(None, "--timezone", help="Your time zone, e.g. Europe/London."),
    signature: str = typer.Option(None, "--signature", help="How your drafts are signed."),
    as_json: bool = JSON,
) -> None:
    """Show or set your own profile: name, e-mail addresses, interests, time zone, signature.

    Lists given here replace the stored ones.  Example:

      kith me --name 'Sam Rivera' --email sam@example.com --interest 'climate finance'
    """
    from kith.cli import render, shapes
    from kith.services import people

    context = state_of(ctx).context()
    changes = people.OwnerChanges(
        name=name,
        emails=email or None,
        interests=interest or None,
        timezone=timezone,
        signature=signature,
    )
    changed = any(
        v is not None for v in (name, email or None, interest or None, timezone, signature)
    )
    owner = people.update_owner(context, changes) if changed else people.get_owner(context)
    if as_json:
        render.json(shapes.owner(owner))
    else:
        render.owner(owner, changed=changed)


def _changes(
    *,
    name: str | None = None,
    email: list[str] | None,
    phone: list[str] | None,
    link: list[str] | None,
    org: str | None,
    title: str | None,
    location: str | None,
    timezone: str | None,
    met_at: str | None,
    met_on: str | None,
    introduced_by: str | None,
    interest: list[str] | None,
    circle: str | None,
    every: int | None,
    birthday: str | None,
    context: Context,
    **more: object,
) -> PersonChanges:
    from kith.interchange.normalize import parse_date
    from kith.services.people import PersonChanges

    if circle is not None and every is not None:
        from kith.errors import InputError

        raise InputError(
            "give either --circle or --every, not both",
            field="circle",
            hint="--circle picks a cadence by closeness; --every sets the days yourself",
        )
    return PersonChanges(
        name=name,
        add_emails=tuple(email or ()),
        add_phones=tuple(phone or ()),
        add_links=tuple(link or ()),
        add_interests=tuple(interest or ()),
        org=org,
        title=title,
        location=location,
        timezone=timezone,
        met_at=met_at,
        met_on=parse_date(met_on, "met-on", context.today) if met_on else None,
        introduced_by=introduced_by,
        circle=circle,
        every_days=every,
        birthday=birthday,
        **more,  # type: ignore[arg-type]
    )


_EMAIL = typer.Option(None, "--email", "-e", help="E-mail address (repeat for several).")
_PHONE = typer.Option(None, "--phone", "-p", help="Phone number, ideally with +country code.")
_LINK = typer.Option(None, "--link", help="A link such as their LinkedIn profile (repeat).")
_ORG = typer.Option(None, "--org", help="Organisation they work for.")
_TITLE = typer.Option(None, "--title", help="Their role.")
_LOCATION = typer.Option(None, "--location", help="Where they live or work.")
_TZ = typer.Option(None, "--timezone", help="Their time zone, e.g. America/New_York.")
_MET_AT = typer.Option(None, "--met-at", help="Where you met: an event, a place, a context.")
_MET_ON = typer.Option(None, "--met-on", help="When you met (YYYY-MM-DD); with --met-at: today.")
_INTRO_BY = typer.Option(None, "--introduced-by", help="Who introduced you (added if new).")
_INTEREST = typer.Option(None, "--interest", "-i", help="An interest or area of work (repeat).")
_CIRCLE = typer.Option(
    None,
    "--circle",
    help="inner (14 days), close (30), active (90), wider (180), acquaintance (365), none, "
    "or auto (infer from history).",
)
_EVERY = typer.Option(None, "--every", help="Keep in touch every DAYS days (instead of --circle).")
_BIRTHDAY = typer.Option(None, "--birthday", help="YYYY-MM-DD, or MM-DD without the year.")


def add(
    ctx: typer.Context,
    name: list[str] = typer.Argument(..., help="Their full name (quotes optional)."),
    email: list[str] = _EMAIL,
    phone: list[str] = _PHONE,
    link: list[str] = _LINK,
    org: str = _ORG,
    title: str = _TITLE,
    location: str = _LOCATION,
    timezone: str = _TZ,
    met_at: str = _MET_AT,
    met_on: str = _MET_ON,
    introduced_by: str = _INTRO_BY,
    interest: list[str] = _INTEREST,
    circle: str = _CIRCLE,
    every: int = _EVERY,
    birthday: str = _BIRTHDAY,
    note: str = typer.Option(None, "--note", help="Anything worth remembering."),
    as_json: bool = JSON,
) -> None:
    """Add someone you know, with how you met.

    Someone met recently is suggested for a follow-up from the next day.  Example:

      kith add 'Mariam Haddad' --met-at 'the Forum' --met-on 2026-11-20 --interest 'climate finance'
    """
    from kith.cli import render, shapes
    from kith.services import people

    context = state_of(ctx).context()
    if met_at and not met_on:
        met_on = context.today.isoformat()
    changes = _changes(
        name=joined(name),
        email=email,
        phone=phone,
        link=link,
        org=org,
        title=title,
        location=location,
        timezone=timezone,
        met_at=met_at,
        met_on=met_on,
        introduced_by=introduced_by,
        interest=interest,
        circle=circle,
        every=every,
        birthday=birthday,
        context=context,
        notes=note,
    )
    saved = people.add_person(context, changes)
    if as_json:
        render.json(shapes.person(saved.person, saved.introduced_by))
        return
    render.saved(saved, verb="Added")


def edit(
    ctx: typer.Context,
    person: list[str] = PERSON,
    name: str = typer.Option(None, "--name", help="A new name."),
    email: list[str] = _EMAIL,
    phone: list[str] = _PHONE,
    link: list[str] = _LINK,
    remove_email: list[str] = typer.Option(None, "--remove-email", help="Forget an e-mail."),
    remove_phone: list[str] = typer.Option(None, "--remove-phone", help="Forget a phone number."),
    remove_link: list[str] = typer.Option(None, "--remove-link", help="Forget a link."),
    org: str = _ORG,
    title: str = _TITLE,
    location: str = _LOCATION,
    timezone: str = _TZ,
    met_at: str = _MET_AT,
    met_on: str = _MET_ON,
    introduced_by: str = _INTRO_BY,
    interest: list[str] = _INTEREST,
    remove_interest: list[str] = typer.Option(None, "--remove-interest", help="Drop an interest."),
    circle: str = _CIRCLE,
    every: int = typer.Option(None, "--every", help="Keep in touch every DAYS days; 0 to unset."),
    birthday: str = typer.Option(None, "--birthday", help="YYYY-MM-DD or MM-DD; '' to clear."),
    note: str = typer.Option(None, "--note", help="Add a note (kept with the earlier ones)."),
    status: str = typer.Option(
        None, "--status", help="active (welcome back), archived or do_not_contact."
    ),
    as_json: bool = JSON,
) -> None:
    """Change what Kith knows about someone.  E-mails, phones, links and interests are added.

    Example:  kith edit 'Mariam' --org 'Green Bank' --interest 'impact investing'
    """
    from kith.cli import render, shapes
    from kith.services import people

    context = state_of(ctx).context()
    changes = _changes(
        name=name,
        email=email,
        phone=phone,
        link=link,
        org=org,
        title=title,
        location=location,
        timezone=timezone,
        met_at=met_at,
        met_on=met_on,
        introduced_by=introduced_by,
        interest=interest,
        circle=circle,
        every=every,
        birthday=birthday,
        context=context,
        append_note=note,
        status=status,
        remove_emails=tuple(remove_email or ()),
        remove_phones=tuple(remove_phone or ()),
        remove_links=tuple(remove_link or ()),
        remove_interests=tuple(remove_interest or ()),
    )
    saved = people.edit_person(context, joined(person), changes)
    if as_json:
        render.json(shapes.person(saved.person, saved.introduced_by))
        return
    render.saved(saved, verb="Updated")


def show(
    ctx: typer.Context,
    person: list[str] = PERSON,
    limit: int = typer.Option(20, "--limit", "-n", help="How many interactions to list."),
    as_json: bool = JSON,
) -> None:
    """Everything about one person: how you met, rhythm, strength and why, history, outreach."""
    from kith.cli import render, shapes
    from kith.services import people

    view = people.show(state_of(ctx).context(), joined(person), limit=limit)
    if as_json:
        render.json(shapes.person_view(view))
    else:
        render.person_view(view)


_SORT = typer.Option(
    "name",
    "--sort",
    help="name, last (recent contact first), oldest, added, strength (strongest first), "
    "overdue (longest overdue first).",
)
_STATUS = typer.Option("active", "--status", help="active, archived, do_not_contact or all.")


def ls(
    ctx: typer.Context,
    circle: str = typer.Option(None, "--circle", help="Only this circle."),
    interest: str = typer.Option(None, "--interest", help="Only people with this interest."),
    status: str = _STATUS,
    sort: str = _SORT,
    limit: int = typer.Option(20, "--limit", "-n", help="How many to list on a page."),
    page: int = typer.Option(1, "--page", help="Which page of --limit people."),
    as_json: bool = JSON,
) -> None:
    """List people with their circle, last contact and how you stand."""
    _list(ctx, "", circle, interest, status, sort, limit, page, as_json)


def search(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="Words to find in names, organisations, notes, e-mails…"),
    status: str = typer.Option("all", "--status", help="active, archived, do_not_contact or all."),
    sort: str = _SORT,
    limit: int = typer.Option(20, "--limit", "-n", help="How many to list on a page."),
    page: int = typer.Option(1, "--page", help="Which page of results."),
    as_json: bool = JSON,
) -> None:
    """Find people by any detail: every word must appear somewhere in what Kith knows."""
    _list(ctx, text, None, None, status, sort, limit, page, as_json)


def _list(
    ctx: typer.Context,
    text: str,
    circle: str | None,
    interest: str | None,
    status: str,
    sort: str,
    limit: int,
    page: int,
    as_json: bool,
) -> None:
    from kith.cli import render, shapes
    from kith.errors import InputError
    from kith.services import people

    if sort not in ("name", "last", "oldest", "added", "strength", "overdue"):
        raise InputError(
            f"cannot sort by {sort!r}",
            field="sort",
            hint="name, last, oldest, added, strength or overdue",
        )
    if limit < 1 or page < 1:
        raise InputError("--limit and --page start at 1", field="limit")
    result = people.list_people(
        state_of(ctx).context(),
        text=text,
        status=status,
        circle=circle,
        interest=interest,
        sort=sort,
        limit=limit,
        offset=(page - 1) * limit,
    )
    if as_json:
        render.json(shapes.people_page(result))
    else:
        render.people_page(result, text=text, page_number=page, limit=limit)


def log(
    ctx: typer.Context,
    person: list[str] = PERSON,
    kind: InteractionKind = typer.Option(
        InteractionKind.NOTE.value, "--kind", "-k", help="What happened."
    ),
    direction: Direction = typer.Option(
        None,
        "--direction",
        "-d",
        help="out (you reached out), in (they did), mutual. "
        "Default: mutual for meetings, calls and notes; out for email and message.",
    ),
    on: str = typer.Option(None, "--on", help="When (YYYY-MM-DD); default today."),
    summary: str = typer.Option("", "--summary", "-s", help="A few words: what you talked about."),
    with_: list[str] = typer.Option(None, "--with", help="Others who were there (repeat)."),
    as_json: bool = JSON,
) -> None:
    """Record a meeting, call, e-mail, message or note: it resets their keep-in-touch clock.

    Example:  kith log 'Mariam' --kind call --summary 'her new fund'
    """
    from kith.cli import render, shapes
    from kith.interchange.normalize import parse_moment
    from kith.services import people

    context = state_of(ctx).context()
    at = parse_moment(on, context.tz) if on else None
    item, persons = people.log_interaction(
        context,
        [joined(person), *(with_ or ())],
        kind=kind,
        direction=direction,
        on=at,
        summary=summary,
    )
    if as_json:
        render.json(shapes.interaction(item, {p.id: p.name for p in persons}))
    else:
        render.logged(item, persons, context)


def intro(
    ctx: typer.Context,
    a: str = typer.Argument(..., help="One person (name or #id)."),
    b: str = typer.Argument(..., help="The other person."),
    by: str = typer.Option(None, "--by", help="Who made the introduction; default you."),
    on: str = typer.Option(None, "--on", help="When (YYYY-MM-DD); default today."),
    note: str = typer.Option("", "--note", help="Why, or what came of it."),
    as_json: bool = JSON,
) -> None:
    """Record an introduction between two people (made by you unless --by)."""
    from kith.cli import render, shapes
    from kith.interchange.normalize import parse_date
    from kith.services import network

    context = state_of(ctx).context()
    day = parse_date(on, "on", context.today) if on else None
    view = network.introduce(context, a, b, by=by, on=day, note=note)
    if as_json:
        render.json(shapes.introduction(view))
    else:
        render.recorded_introduction(view)


def referral(
    ctx: typer.Context,
    person: list[str] = typer.Argument(
        ..., help="Who you referred, or who referred you (--received)."
    ),
    received: bool = typer.Option(
        False, "--received", help="They referred you (default: you referred them)."
    ),
    to: str = typer.Option(None, "--to", help="The person the referral was to."),
    for_: str = typer.Option("", "--for", help="The opportunity: a job, a client, a project."),
    on: str = typer.Option(None, "--on", help="When (YYYY-MM-DD); default today."),
    note: str = typer.Option("", "--note", help="Anything worth remembering."),
    outcome: str = typer.Option("", "--outcome", help="What came of it."),
    as_json: bool = JSON,
) -> None:
    """Record a referral you gave or received.

    Examples:

      kith referral 'Ann' --to 'Bo' --for 'the analyst role'     you referred Ann to Bo

      kith referral 'Cy' --received --for 'the Acme contract'    Cy referred you
    """
    from kith.cli import render, shapes
    from kith.interchange.normalize import parse_date
    from kith.services import network

    context = state_of(ctx).context()
    day = parse_date(on, "on", context.today) if on else None
    view = network.refer(
        context,
        joined(person),
        received=received,
        to=to,
        opportunity=for_,
        on=day,
        note=note,
        outcome=outcome,
    )
    if as_json:
        render.json(shapes.introduction(view))
    else:
        render.recorded_introduction(view)


COMMANDS: dict[str, Callable[..., None]] = {
    "me": me,
    "add": add,
    "edit": edit,
    "show": show,
    "ls": ls,
    "search": search,
    "log": log,
    "intro": intro,
    "referral": referral,
}
