"""The agenda read through wake dates equals the engine run over everyone."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from kith.domain.engine import agenda
from kith.domain.model import Direction, InteractionKind
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
        assert fast.totals == slow.totals, day
        assert fast.considered <= slow.considered
        skipped += slow.considered - fast.considered
    assert skipped > 0, "the wake dates should spare reading some people"
