"""The agenda read through wake dates equals the engine run over everyone."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from kith.domain.engine import agenda
from kith.domain.model import AgendaKind, Direction, InteractionKind
from kith.services import outreach, people
from kith.services.context import Context
from kith.storage import history as history_store
from kith.storage import people as people_store

CIRCLES = [None, "inner", "close", "active", "wider", "acquaintance", "none"]


def build_network(make_ctx: Callable[[str | datetime], Context], seed: int) -> None:
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    ctx = make_ctx("2026-11-26")
    people.update_owner(ctx, people.OwnerChanges(name="Sam", interests=["jazz"]))
    for i in range(60):
        met = start + timedelta(days=rng.randint(0, 1060)) if rng.random() < 0.6 else None
        birthday = (
            f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.3 else None
        )
        people.add_person(
            make_ctx(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 900))),
            people.PersonChanges(
                name=f"Person {i}",
                circle=rng.choice(CIRCLES),
                met_on=met,
                met_at="the meetup" if met else None,
                birthday=birthday,
                add_interests=["jazz"] if rng.random() < 0.3 else [],
            ),
        )
        for _ in range(rng.randint(0, 6)):
            day = start + timedelta(days=rng.randint(0, 1060))
            people.log_interaction(
                ctx,
                [f"#{i + 1}"],
                kind=rng.choice(list(InteractionKind)),
                direction=rng.choice(list(Direction)),
                on=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            )


def test_wake_dates_never_hide_anyone(make_ctx: Callable[[str | datetime], Context]) -> None:
    build_network(make_ctx, seed=5)
    skipped = 0
    for day in ("2024-06-01", "2025-03-15", "2026-01-01", "2026-11-26", "2027-06-01"):
        ctx = make_ctx(day)
        fast = outreach.today(ctx, limit=100).agenda
        with ctx.db.read() as conn:
            owner = people_store.get_owner(conn)
            everyone = history_store.load_facts(
                conn, owner_interests=owner.interests, now=ctx.now, rules=ctx.rules
            )
        slow = agenda(everyone, ctx.now, ctx.tz, ctx.rules, limit=100)
        assert fast.items == slow.items, day
        for kind, count in slow.totals.items():
            if kind is AgendaKind.RECONNECT:  # unread dormant ties are counted, not assessed
                assert fast.totals[kind] >= count, day
            else:
                assert fast.totals[kind] == count, (day, kind)
        assert fast.considered <= slow.considered
        skipped += slow.considered - fast.considered
    assert skipped > 0, "the wake dates should spare reading some people"


def test_the_best_dormant_ties_are_found_without_reading_them_all(
    make_ctx: Callable[[str | datetime], Context],
) -> None:
    from kith.services import demo

    demo.generate(make_ctx("2026-11-26"), people=600, years=6, seed=11)
    for day, first_read in (("2026-11-26", None), ("2027-01-15", 1), ("2027-09-01", 3)):
        ctx = make_ctx(day)
        fast = outreach.today(ctx, limit=1000, first_read=first_read)
        with ctx.db.read() as conn:
            owner = people_store.get_owner(conn)
            everyone = history_store.load_facts(
                conn, owner_interests=owner.interests, now=ctx.now, rules=ctx.rules
            )
        slow = agenda(everyone, ctx.now, ctx.tz, ctx.rules, limit=1000)
        assert fast.agenda.items == slow.items, day
        assert fast.agenda.considered < slow.considered / 2, "most dormant ties stay unread"
        reconnects = [i for i in slow.items if i.kind is AgendaKind.RECONNECT]
        assert len(reconnects) == ctx.rules.max_reconnects, day
