"""People: add, edit, find, show, list; the owner's profile; logging interactions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from kith.domain.engine import AgendaItem, Standing, standing, suggest
from kith.domain.lifecycle import outreach_states
from kith.domain.model import (
    EMPTY_STATS,
    Circle,
    ContactStats,
    Direction,
    Interaction,
    InteractionKind,
    Introduction,
    Outreach,
    OutreachState,
    Owner,
    PartialDate,
    Person,
    Status,
)
from kith.domain.spread import spread_due_dates
from kith.errors import Ambiguous, Candidate, InputError, NotFound
from kith.interchange.normalize import (
    clean_name,
    day_at_noon,
    normalize_email,
    normalize_phone,
    normalize_url,
    split_name,
    zone,
)
from kith.services.context import Context, owner_of, staleness
from kith.storage import history as history_store
from kith.storage import listing as listing_store
from kith.storage import outreach as outreach_store
from kith.storage import people as people_store
from kith.storage import sources as source_store
from kith.storage.sources import SourceRow

MET_SOURCE = "met"


# -- the owner ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnerChanges:
    name: str | None = None
    emails: Sequence[str] | None = None
    interests: Sequence[str] | None = None
    timezone: str | None = None
    signature: str | None = None


def get_owner(ctx: Context) -> Owner:
    return owner_of(ctx.db)


def update_owner(ctx: Context, changes: OwnerChanges) -> Owner:
    """Change the owner's profile; e-mails are normalised, the time zone checked."""
    with ctx.db.begin() as conn:
        current = people_store.get_owner(conn)
        updated = replace(
            current,
            name=clean_name(changes.name) if changes.name is not None else current.name,
            emails=(
                tuple(dict.fromkeys(normalize_email(e) for e in changes.emails))
                if changes.emails is not None
                else current.emails
            ),
            interests=(
                tuple(dict.fromkeys(i.strip() for i in changes.interests if i.strip()))
                if changes.interests is not None
                else current.interests
            ),
            timezone=current.timezone if changes.timezone is None else changes.timezone.strip(),
            signature=current.signature if changes.signature is None else changes.signature,
        )
        zone(updated.timezone)
        people_store.save_owner(conn, updated)
        if updated.interests != current.interests:  # shared interests decide who is dormant
            history_store.refresh_outlook(conn, None, ctx.rules)
        return updated


# -- people ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonChanges:
    """What to set on a person.  ``None`` leaves a field as it is; lists add or remove."""

    name: str | None = None
    add_emails: Sequence[str] = ()
    remove_emails: Sequence[str] = ()
    add_phones: Sequence[str] = ()
    remove_phones: Sequence[str] = ()
    add_links: Sequence[str] = ()
    remove_links: Sequence[str] = ()
    add_interests: Sequence[str] = ()
    remove_interests: Sequence[str] = ()
    org: str | None = None
    title: str | None = None
    location: str | None = None
    timezone: str | None = None
    met_at: str | None = None
    met_on: date | None = None
    met_context: str | None = None
    introduced_by: str | None = None
    circle: str | None = None
    every_days: int | None = None
    birthday: str | None = None
    notes: str | None = None
    append_note: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Saved:
    """A person after a change, and anything worth telling the user about it."""

    person: Person
    notices: tuple[str, ...] = ()
    introduced_by: Person | None = None


def add_person(ctx: Context, changes: PersonChanges) -> Saved:
    """Add someone new.  The name is required; everything else is optional."""
    if changes.name is None:
        raise InputError("a person needs a name", field="name")
    name = clean_name(changes.name)
    with ctx.db.begin() as conn:
        notices = [
            f"there was already someone called {m.name} (#{m.id}); both are kept"
            for m in people_store.match_name(conn, name)
            if m.name.casefold() == name.casefold()
        ]
        given, family = split_name(name)
        pid = people_store.insert_person(
            conn,
            uid=str(uuid.uuid4()),
            values={"name": name, "given_name": given, "family_name": family},
            now=ctx.now,
        )
        notices += _apply(ctx, conn, pid, changes)
        return _saved(conn, pid, notices)


def edit_person(ctx: Context, ref: str, changes: PersonChanges) -> Saved:
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        notices = _apply(ctx, conn, person.id, changes)
        return _saved(conn, person.id, notices)


def _saved(conn: Connection, pid: int, notices: Sequence[str]) -> Saved:
    person = _reload(conn, pid)
    introducer = (
        people_store.get_person(conn, person.introduced_by_id) if person.introduced_by_id else None
    )
    return Saved(person, tuple(notices), introducer)


def _reload(conn: Connection, person_id: int) -> Person:
    person = people_store.get_person(conn, person_id)
    assert person is not None
    return person


def _apply(ctx: Context, conn: Connection, pid: int, changes: PersonChanges) -> list[str]:
    """Validate and write ``changes`` to person ``pid``; returns notices for the user."""
    person = _reload(conn, pid)
    notices: list[str] = []
    values: dict[str, Any] = {}
    if changes.name is not None and clean_name(changes.name) != person.name:
        name = clean_name(changes.name)
        given, family = split_name(name)
        values.update(name=name, given_name=given, family_name=family)
    for key in ("org", "title", "location", "met_at", "met_context"):
        text = getattr(changes, key)
        if text is not None:
            values[key] = text.strip()
    if values.get("met_at", "").lower().startswith("at "):
        values["met_at"] = values["met_at"][3:].strip()  # "met at at the Forum" otherwise
    if changes.timezone is not None:
        zone(changes.timezone.strip())
        values["timezone"] = changes.timezone.strip()
    if changes.notes is not None:
        values["notes"] = changes.notes.strip()
    if changes.append_note:
        values["notes"] = "\n\n".join(p for p in (person.notes, changes.append_note.strip()) if p)
    if changes.birthday is not None:
        values["birthday"] = PartialDate.parse(changes.birthday) if changes.birthday else None
    values.update(_cadence_values(changes))
    if changes.status is not None:
        values.update(_status_values(changes.status))
    if changes.met_on is not None:
        values["met_on"] = changes.met_on
    if changes.introduced_by is not None:
        introducer, notice = _introducer(ctx, conn, changes.introduced_by, pid)
        values["introduced_by_id"] = introducer
        notices += notice
    people_store.update_person(conn, pid, values, ctx.now)
    _apply_points(ctx, conn, person, changes)
    if changes.add_interests or changes.remove_interests:
        removed = {i.strip().casefold() for i in changes.remove_interests}
        kept = [i for i in person.interests if i.casefold() not in removed]
        people_store.set_interests(conn, pid, [*kept, *changes.add_interests])
    if changes.met_on is not None or changes.met_at is not None:
        _record_meeting(ctx, conn, _reload(conn, pid))
    people_store.refresh_search_text(conn, [pid])
    history_store.refresh_stats(conn, [pid], ctx.rules)
    return notices


def _cadence_values(changes: PersonChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if changes.circle is not None:
        text = changes.circle.strip().lower()
        if text in ("", "auto"):
            values["circle"] = None
        else:
            try:
                values["circle"] = Circle(text)
            except ValueError as exc:
                names = ", ".join(c.value for c in Circle)
                raise InputError(
                    f"{changes.circle!r} is not a circle",
                    field="circle",
                    hint=f"one of: {names}, auto",
                ) from exc
        values["cadence_days"] = None
    if changes.every_days is not None:
        if changes.every_days < 0 or changes.every_days > 3650:
            raise InputError(
                f"--every {changes.every_days} is out of range",
                field="every",
                hint="give a number of days between 1 and 3650, or 0 to go back to the circle",
            )
        values["cadence_days"] = changes.every_days or None
    return values


def _status_values(text: str) -> dict[str, Any]:
    try:
        status = Status(text.strip().lower().replace("-", "_"))
    except ValueError as exc:
        raise InputError(
            f"{text!r} is not a status",
            field="status",
            hint="one of: active, archived, do_not_contact",
        ) from exc
    values: dict[str, Any] = {"status": status}
    if status is Status.ACTIVE:
        values["status_reason"] = ""
    return values


def _apply_points(ctx: Context, conn: Connection, person: Person, changes: PersonChanges) -> None:
    region = str(ctx.settings["default_region"])
    plans = (
        ("email", person.emails, changes.add_emails, changes.remove_emails, normalize_email),
        (
            "phone",
            person.phones,
            changes.add_phones,
            changes.remove_phones,
            lambda v: normalize_phone(v, region),
        ),
        ("url", person.links, changes.add_links, changes.remove_links, normalize_url),
    )
    for kind, current, add, remove, norm in plans:
        if not add and not remove:
            continue
        dropped = {norm(v) for v in remove}
        missing = dropped - set(current)
        if missing:
            raise InputError(
                f"{person.name} has no {kind} {sorted(missing)[0]}",
                field=kind,
                hint=f"`kith show '{person.name}'` lists what is stored",
            )
        values = [v for v in current if v not in dropped] + [norm(v) for v in add]
        people_store.set_points(conn, person.id, kind, values)


def _introducer(ctx: Context, conn: Connection, ref: str, pid: int) -> tuple[int | None, list[str]]:
    if not ref.strip():
        return None, []
    try:
        found = find_person(conn, ref)
    except NotFound:
        name = clean_name(ref)
        given, family = split_name(name)
        new_id = people_store.insert_person(
            conn,
            uid=str(uuid.uuid4()),
            values={"name": name, "given_name": given, "family_name": family},
            now=ctx.now,
        )
        people_store.refresh_search_text(conn, [new_id])
        history_store.refresh_stats(conn, [new_id], ctx.rules)
        return new_id, [f"added {name} (#{new_id}), who made the introduction"]
    if found.id == pid:
        raise InputError("someone cannot introduce themselves", field="introduced_by")
    return found.id, []


def _record_meeting(ctx: Context, conn: Connection, person: Person) -> None:
    """The first meeting is also an interaction, so that it counts as contact and shows."""
    import sqlalchemy as sa

    from kith.storage.tables import interactions

    if person.met_on is None:
        return
    summary = f"Met at {person.met_at}" if person.met_at else "First met"
    at = day_at_noon(person.met_on, ctx.tz)
    updated = conn.execute(
        sa.update(interactions)
        .where(interactions.c.source == MET_SOURCE, interactions.c.source_key == person.uid)
        .values(occurred_at=at, summary=summary)
    ).rowcount
    if not updated:
        history_store.add_interaction(
            conn,
            occurred_at=at,
            kind=InteractionKind.MEETING,
            direction=Direction.MUTUAL,
            person_ids=[person.id],
            summary=summary,
            source=MET_SOURCE,
            source_key=person.uid,
            now=ctx.now,
        )


# -- finding people ----------------------------------------------------------------------


def find_person(conn: Connection, ref: str) -> Person:
    """``#12`` or ``12`` is an id; anything else a name (exact, else every word contained)."""
    text = ref.strip()
    if not text:
        raise InputError("no name given", field="name", hint="give a name or an id such as #12")
    digits = text[1:] if text.startswith("#") else text
    if digits.isdigit():
        person = people_store.get_person(conn, int(digits))
        if person is None:
            raise NotFound(f"no person has id #{digits}", query=text, hint="`kith ls` lists ids")
        return person
    matches = people_store.match_name(conn, text)
    if len(matches) == 1:
        return _reload(conn, matches[0].id)
    if matches:
        raise Ambiguous(text, [Candidate(m.id, m.name, m.org) for m in matches])
    raise NotFound(f"nobody called {text!r}", query=text, hint=_did_you_mean(conn, text))


def _did_you_mean(conn: Connection, text: str) -> str:
    from rapidfuzz import fuzz, process

    names = people_store.all_names(conn)
    best = process.extract(
        text.casefold(),
        {i: n.casefold() for i, n in names},
        scorer=fuzz.WRatio,
        limit=3,
        score_cutoff=70,
    )
    by_id = dict(names)
    if best:
        shown = ", ".join(f"'{by_id[key]}'" for _, _, key in best)
        return f"did you mean {shown}? `kith add` adds someone new"
    return "`kith search` finds people by any detail; `kith add` adds someone new"


def resolve(ctx: Context, ref: str) -> Person:
    with ctx.db.read() as conn:
        return find_person(conn, ref)


# -- a person's whole story --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutreachView:
    outreach: Outreach
    state: OutreachState


@dataclass(frozen=True, slots=True)
class IntroductionView:
    introduction: Introduction
    names: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PersonView:
    """Everything ``show`` tells about one person."""

    person: Person
    standing: Standing
    suggestion: AgendaItem | None
    interactions: tuple[Interaction, ...]
    interaction_count: int
    outreach: tuple[OutreachView, ...]
    introductions: tuple[IntroductionView, ...]
    introduced_by: Person | None
    names: dict[int, str]
    now: datetime
    sources: tuple[SourceRow, ...] = ()
    #: Their history condensed (who reaches out, how much): what the strength is made of.
    stats: ContactStats = EMPTY_STATS


def show(ctx: Context, ref: str, *, limit: int = 20) -> PersonView:
    with ctx.db.read() as conn:
        person = find_person(conn, ref)
        facts = history_store.load_facts(
            conn,
            owner_interests=owner_of(ctx.db).interests,
            now=ctx.now,
            rules=ctx.rules,
            person_ids=[person.id],
            active_only=False,
            staleness=staleness(ctx, conn, [person.id]),
        )[0]
        until = ctx.now
        items = history_store.interactions_of(conn, person.id, limit=limit, until=until)
        count = facts.stats.count
        records = outreach_store.outreach_of(conn, person.id)
        states = outreach_states(
            records,
            inbound=history_store.inbound_times(conn, person.id) if records else (),
            now=ctx.now,
            rules=ctx.rules,
        )
        outreach = [OutreachView(o, states[o.id]) for o in records]
        intros = outreach_store.introductions_of(conn, person.id)
        ids = {
            i
            for intro in intros
            for i in (intro.person_a_id, intro.person_b_id, intro.introducer_id)
            if i
        }
        ids |= {pid for item in items for pid in item.person_ids}
        if person.introduced_by_id:
            ids.add(person.introduced_by_id)
        names = listing_store.names_of(conn, ids)
        said = tuple(source_store.sources_of(conn, person.id))
        introducer = (
            people_store.get_person(conn, person.introduced_by_id)
            if person.introduced_by_id
            else None
        )
    return PersonView(
        person=person,
        standing=standing(facts, ctx.now, ctx.rules),
        suggestion=suggest(facts, ctx.now, ctx.tz, ctx.rules),
        interactions=tuple(items),
        interaction_count=count,
        outreach=tuple(outreach),
        introductions=tuple(IntroductionView(i, names) for i in intros),
        introduced_by=introducer,
        names=names,
        now=ctx.now,
        sources=said,
        stats=facts.stats,
    )


@dataclass(frozen=True, slots=True)
class PeoplePage:
    rows: tuple[people_store.PersonRow, ...]
    total: int
    offset: int
    labels: dict[int, str]
    #: Each row's standing at ``now`` (rhythm, strength, due date), by person id.
    standings: dict[int, Standing] = field(default_factory=dict)
    #: ``total`` is a lower bound: counting stopped there (see ``count_at_most``).
    more: bool = False


def list_people(
    ctx: Context,
    *,
    text: str = "",
    status: str | None = "active",
    circle: str | None = None,
    interest: str | None = None,
    sort: str = "name",
    limit: int | None = 50,
    offset: int = 0,
    count_at_most: int | None = None,
) -> PeoplePage:
    """A page of people, optionally matching every word of ``text`` in any detail.

    ``sort``: name, last (recent contact first), oldest, added, strength
    (strongest first) or overdue (longest overdue first).  With
    ``count_at_most``, a search stops counting past that many (``more``
    tells; as-you-type search needs no more).
    """
    if status is not None and status != "all":
        _status_values(status)
    if sort not in people_store.SORTS:
        raise InputError(
            f"{sort!r} is not an order", field="sort", hint=", ".join(people_store.SORTS)
        )
    if sort not in ("name", "added"):  # orders read from the statistics: bring them up to date
        with ctx.db.read() as conn:
            rebuild, _ = staleness(ctx, conn)
        if rebuild:
            with ctx.db.begin() as conn:
                history_store.refresh_stats(conn, None, ctx.rules)
    with ctx.db.read() as conn:
        rows, total = people_store.list_people(
            conn,
            terms=text.split(),
            status=None if status == "all" else status,
            circle=circle,
            interest=interest,
            sort=sort,
            limit=limit,
            offset=offset,
            now=ctx.now,
            rules=ctx.rules,
            count_at_most=count_at_most,
        )
        ids = [r.id for r in rows]
        facts = history_store.load_facts(
            conn,
            owner_interests=owner_of(ctx.db).interests,
            now=ctx.now,
            rules=ctx.rules,
            person_ids=ids,
            active_only=False,
            staleness=staleness(ctx, conn, ids),
            reached=ctx.db.remember("reached", lambda: history_store.outreach_people(conn)),
        )
    standings = {f.id: standing(f, ctx.now, ctx.rules) for f in facts}
    labels = {pid: found.label for pid, found in standings.items()}
    for f in facts:
        if f.status is not Status.ACTIVE:
            labels[f.id] = f.status.value.replace("_", " ")
    more = count_at_most is not None and bool(text.split()) and total > count_at_most
    return PeoplePage(tuple(rows), total, offset, labels, standings, more)


# -- interactions ------------------------------------------------------------------------

DEFAULT_DIRECTION = {
    InteractionKind.MEETING: Direction.MUTUAL,
    InteractionKind.CALL: Direction.MUTUAL,
    InteractionKind.EVENT: Direction.MUTUAL,
    InteractionKind.NOTE: Direction.MUTUAL,
    InteractionKind.EMAIL: Direction.OUT,
    InteractionKind.MESSAGE: Direction.OUT,
}


def log_interaction(
    ctx: Context,
    refs: Sequence[str],
    *,
    kind: InteractionKind,
    direction: Direction | None = None,
    on: datetime | None = None,
    summary: str = "",
) -> tuple[Interaction, tuple[Person, ...]]:
    """Record that something happened with these people (``on`` defaults to ``now``)."""
    at = on or ctx.now
    if at.astimezone(ctx.tz).date() > ctx.today:
        raise InputError(
            f"{at.astimezone(ctx.tz):%Y-%m-%d} has not happened yet",
            field="on",
            hint="log it once it has; Kith counts only contact that took place",
        )
    direction = direction or DEFAULT_DIRECTION[kind]
    with ctx.db.begin() as conn:
        persons = tuple(dict.fromkeys(find_person(conn, ref) for ref in refs))
        ids = [p.id for p in persons]
        new_id = history_store.add_interaction(
            conn,
            occurred_at=at,
            kind=kind,
            direction=direction,
            person_ids=ids,
            summary=summary.strip(),
            now=ctx.now,
        )
        assert new_id is not None
        touched(ctx, conn, ids)
    item = Interaction(new_id, at, kind, direction, tuple(ids), summary.strip())
    return item, persons


def spread_due(ctx: Context, conn: Connection, person_ids: Sequence[int] | None = None) -> int:
    """After a bulk add: stagger who is due so that no day is flooded (see domain.spread).

    Runs inside the caller's transaction; returns how many due dates moved.
    """
    owner = people_store.get_owner(conn)
    facts = history_store.load_facts(
        conn, owner_interests=owner.interests, now=ctx.now, rules=ctx.rules, person_ids=person_ids
    )
    shifts = spread_due_dates(facts, ctx.now, rules=ctx.rules)
    people_store.set_due_shifts(conn, shifts)
    history_store.refresh_outlook(conn, list(shifts), ctx.rules)
    return len(shifts)


def touched(ctx: Context, conn: Connection, person_ids: Sequence[int]) -> None:
    """After new history: refresh the statistics and drop any spread due date."""
    history_store.refresh_stats(conn, person_ids, ctx.rules)
    for pid in person_ids:
        people_store.update_person(conn, pid, {"due_shift_on": None}, ctx.now)
