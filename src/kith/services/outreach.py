"""The day's agenda and the outreach lifecycle: draft, send, snooze, let go."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from kith.domain.drafts import draft_context
from kith.domain.engine import RECONNECT_DAY_BONUS, Agenda, agenda, assess, suggest
from kith.domain.model import (
    AgendaKind,
    Channel,
    Direction,
    DraftKind,
    InteractionKind,
    Person,
    PersonFacts,
    Status,
)
from kith.errors import InputError
from kith.services.context import Context, owner_of, staleness
from kith.services.people import find_person, touched
from kith.storage import history as history_store
from kith.storage import outreach as outreach_store
from kith.storage import people as people_store

if TYPE_CHECKING:
    from kith.drafting.render import Draft


@dataclass(frozen=True, slots=True)
class Week:
    """Outreach sent since Monday, against the weekly goal."""

    start: date
    sent: int
    goal: int


@dataclass(frozen=True, slots=True)
class Today:
    agenda: Agenda
    week: Week
    people: int


def today(ctx: Context, *, limit: int | None = None, first_read: int | None = None) -> Today:
    """The agenda for ``ctx.now``'s day: the few people worth reaching out to, and why.

    Reads everyone who may need attention today but the dormant ties, and of
    those only the best-ranked, more until no one left unread could score
    higher than the reconnects chosen: the answer is the same as assessing
    everyone, at a fraction of the reading.  ``first_read`` sets how many dormant
    ties to read at first (default: 16 per reconnect a day).
    """
    with ctx.db.read() as conn:
        rebuild, _ = staleness(ctx, conn)
    if rebuild:
        with ctx.db.begin() as conn:
            history_store.refresh_stats(conn, None, ctx.rules)
    owner = owner_of(ctx.db)
    with ctx.db.read() as conn:
        stale = staleness(ctx, conn)
        facts = history_store.load_facts(
            conn,
            owner_interests=owner.interests,
            now=ctx.now,
            rules=ctx.rules,
            day=ctx.today,
            staleness=stale,
        )
        pool_size = first_read or 16 * max(ctx.rules.max_reconnects, 1)
        while True:
            pool, pool_total, floor = history_store.load_reconnect_pool(
                conn,
                owner_interests=owner.interests,
                now=ctx.now,
                rules=ctx.rules,
                day=ctx.today,
                limit=pool_size,
                staleness=stale,
            )
            seen = {f.id for f in facts}
            everyone = facts + [f for f in pool if f.id not in seen]
            if len(pool) < pool_size or _best_reconnects_known(ctx, everyone, floor):
                break
            pool_size *= 4
        week = _week(ctx, conn)
        active = people_store.count_people(conn).get("active", 0)
    result = agenda(everyone, ctx.now, ctx.tz, ctx.rules, limit)
    unread = pool_total - sum(1 for f in pool if f.id not in seen)
    totals = {**result.totals, AgendaKind.RECONNECT: result.totals[AgendaKind.RECONNECT] + unread}
    return Today(replace(result, totals=totals), week, active)


def _best_reconnects_known(ctx: Context, facts: list[PersonFacts], floor: float) -> bool:
    """Do the chosen reconnects beat anyone left unread (who scores at most floor + bonus)?"""
    wanted = ctx.rules.max_reconnects
    if wanted == 0:
        return True
    scores = sorted(
        (
            found[1]
            for f in facts
            if (found := assess(f, ctx.now, ctx.today, ctx.rules)) is not None
            and found[0] is AgendaKind.RECONNECT
        ),
        reverse=True,
    )
    return len(scores) >= wanted and scores[wanted - 1] > floor + RECONNECT_DAY_BONUS


def _week(ctx: Context, conn: Connection) -> Week:
    monday = ctx.today - timedelta(days=ctx.today.weekday())
    start = datetime.combine(monday, datetime.min.time(), ctx.tz)
    sent = outreach_store.sent_between(conn, start, ctx.now + timedelta(seconds=1))
    return Week(monday, sent, int(ctx.settings["weekly_goal"]))


@dataclass(frozen=True, slots=True)
class DraftResult:
    person: Person
    draft: Draft
    outreach_id: int
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()  # for the owner, not the message (e.g. a calendar unread)


def draft(
    ctx: Context,
    ref: str,
    *,
    kind: DraftKind | None = None,
    channel: Channel = Channel.EMAIL,
    target: str | None = None,
    slots: tuple[str, ...] = (),
    save: bool = True,
) -> DraftResult:
    """Draft a message to a person; without ``kind``, the kind today's agenda suggests."""
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        owner = people_store.get_owner(conn)
        facts = history_store.load_facts(
            conn,
            owner_interests=owner.interests,
            now=ctx.now,
            rules=ctx.rules,
            person_ids=[person.id],
            active_only=False,
        )[0]
        item = suggest(facts, ctx.now, ctx.tz, ctx.rules)
        chosen = kind or (item.draft_kind if item else _default_kind(facts.stats.last_at))
        other = find_person(conn, target) if target else None
        if chosen in (DraftKind.ASK_INTRO, DraftKind.INTRO) and other is None:
            raise InputError(
                f"an {chosen.value} draft needs --to: the other person of the introduction",
                field="to",
                hint=f"e.g. kith draft '{person.name}' --kind {chosen.value} --to 'Ann'",
            )
        if other is not None and other.id == person.id:
            raise InputError(
                f"an introduction needs two different people, and --to is {person.name} again",
                field="to",
            )
        notes: tuple[str, ...] = ()
        wants_times = chosen in (DraftKind.RECONNECT, DraftKind.FOLLOW_UP)
        if not slots and wants_times and channel is Channel.EMAIL:
            from kith.services.calendar import offered_slots  # free time from your calendars

            slots, notes = offered_slots(ctx, person, owner)
        context = draft_context(
            person,
            facts.stats,
            owner,
            ctx.now.astimezone(ctx.tz),
            chosen,
            channel,
            shared_interests=facts.shared_interests,
            target=other,
            slots=slots,
        )
        from kith.drafting.render import render  # Jinja2 loads only when drafting

        result = render(context, uid=person.uid, user_dir=ctx.settings.templates_dir)
        outreach_id = 0
        if save:
            outreach_id = outreach_store.save_draft(
                conn,
                person_id=person.id,
                kind=chosen,
                channel=channel,
                subject=result.subject,
                body=result.body,
                now=ctx.now,
            )
    return DraftResult(person, result, outreach_id, item.reasons if item else (), notes)


def _default_kind(last: datetime | None) -> DraftKind:
    return DraftKind.KEEP_IN_TOUCH if last is not None else DraftKind.FOLLOW_UP


@dataclass(frozen=True, slots=True)
class SentResult:
    person: Person
    outreach_id: int
    kind: DraftKind
    sent_at: datetime


def mark_sent(
    ctx: Context, ref: str, *, on: datetime | None = None, kind: DraftKind | None = None
) -> SentResult:
    """Mark the open draft (or a new outreach) as sent; it counts as outbound contact."""
    sent_at = on or ctx.now
    if sent_at > ctx.now:
        raise InputError("a message cannot be sent in the future", field="on")
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        open_draft = outreach_store.open_draft(conn, person.id)
        if open_draft is not None:
            outreach_id, chosen, channel = (
                open_draft.id,
                kind or open_draft.kind,
                open_draft.channel,
            )
        else:
            chosen = kind or DraftKind.KEEP_IN_TOUCH
            channel = Channel.EMAIL
            outreach_id = outreach_store.save_draft(
                conn,
                person_id=person.id,
                kind=chosen,
                channel=channel,
                subject="",
                body="",
                now=ctx.now,
            )
        interaction_id = history_store.add_interaction(
            conn,
            occurred_at=sent_at,
            kind=InteractionKind.EMAIL if channel is Channel.EMAIL else InteractionKind.MESSAGE,
            direction=Direction.OUT,
            person_ids=[person.id],
            summary=f"Sent a {chosen.value.replace('_', '-')} message",
            source=history_store.OUTREACH_SOURCE,
            source_key=f"outreach:{outreach_id}",
            now=ctx.now,
        )
        assert interaction_id is not None
        outreach_store.mark_sent(conn, outreach_id, sent_at=sent_at, interaction_id=interaction_id)
        touched(ctx, conn, [person.id])
    return SentResult(person, outreach_id, chosen, sent_at)


def snooze(ctx: Context, ref: str, *, until: date) -> Person:
    """Leave someone off the agenda until ``until``."""
    if until <= ctx.today:
        raise InputError(
            f"{until.isoformat()} is not in the future", field="until", hint="give a later date"
        )
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        people_store.update_person(conn, person.id, {"snoozed_until": until}, ctx.now)
        history_store.refresh_outlook(conn, [person.id], ctx.rules)
        updated = people_store.get_person(conn, person.id)
    assert updated is not None
    return updated


def let_go(ctx: Context, ref: str, *, reason: str = "") -> Person:
    """Archive someone: nothing is deleted, and they are never suggested again."""
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        people_store.update_person(
            conn,
            person.id,
            {"status": Status.ARCHIVED, "status_reason": reason.strip()},
            ctx.now,
        )
        outreach_store.dismiss_open(conn, person.id, ctx.now)
        history_store.refresh_outlook(conn, [person.id], ctx.rules)
        updated = people_store.get_person(conn, person.id)
    assert updated is not None
    return updated


def unsnooze(ctx: Context, ref: str, *, until: date | None = None) -> Person:
    """Undo a snooze: back on the agenda now, or snoozed until ``until`` as before."""
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        keep = until if until is not None and until > ctx.today else None
        people_store.update_person(conn, person.id, {"snoozed_until": keep}, ctx.now)
        history_store.refresh_outlook(conn, [person.id], ctx.rules)
        updated = people_store.get_person(conn, person.id)
    assert updated is not None
    return updated
