"""The people list's orders read through indexes, yet agree with the engine run over everyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kith.domain.history import strength_exact
from kith.services import demo, people
from kith.services.context import Context
from kith.storage import history as history_store

NOW = "2026-11-26"


@pytest.fixture
def ctx(make_ctx: Callable[[str], Context]) -> Context:
    context = make_ctx(NOW)
    demo.generate(context, people=160, years=4, seed=11)
    return context


def everyone(ctx: Context) -> list[int]:
    return [r.id for r in people.list_people(ctx, status="all", limit=None).rows]


def test_by_strength_is_the_strongest_first_on_every_page(ctx: Context) -> None:
    with ctx.db.read() as conn:
        facts = history_store.load_facts(
            conn, owner_interests=(), now=ctx.now, rules=ctx.rules, active_only=True
        )
    expected = sorted(facts, key=lambda f: -strength_exact(f.stats, ctx.now, ctx.rules))
    strengths = [round(strength_exact(f.stats, ctx.now, ctx.rules), 9) for f in expected]
    seen: list[int] = []
    for offset in range(0, len(facts), 25):
        page = people.list_people(ctx, sort="strength", limit=25, offset=offset)
        assert page.total == len(facts)
        seen += [r.id for r in page.rows]
        shown = [page.standings[r.id].strength for r in page.rows]
        assert shown == sorted(shown, reverse=True) or offset > 0
    assert sorted(seen) == sorted(f.id for f in facts)
    by_id = {f.id: f for f in facts}
    got = [round(strength_exact(by_id[i].stats, ctx.now, ctx.rules), 9) for i in seen]
    assert got == strengths


def test_by_strength_with_a_filter_and_a_search(ctx: Context) -> None:
    full = people.list_people(ctx, sort="strength", limit=None)
    inner = [r.id for r in full.rows if r.circle == "close"]
    page = people.list_people(ctx, sort="strength", circle="close", limit=None)
    assert [r.id for r in page.rows] == inner
    word = full.rows[0].name.split()[-1]
    found = people.list_people(ctx, text=word, sort="strength", limit=None)
    assert found.rows and [r.id for r in found.rows] == [
        r.id for r in full.rows if r.id in {x.id for x in found.rows}
    ]


def test_most_overdue_first_then_those_without_a_rhythm(ctx: Context) -> None:
    page = people.list_people(ctx, sort="overdue", limit=None)
    dues = [page.standings[r.id].due_on for r in page.rows]
    known = [d for d in dues if d is not None]
    assert known == sorted(known)
    assert dues[: len(known)] == known  # nobody without a due date comes before
    first = people.list_people(ctx, sort="overdue", limit=10)
    assert [r.id for r in first.rows] == [r.id for r in page.rows[:10]]
    assert first.standings[first.rows[0].id].due_on == min(known)
    assert min(known) < date.fromisoformat(NOW)


@pytest.mark.parametrize("text", ["e", "ing"])  # too short for the index; through it
def test_a_search_stops_counting_when_asked(ctx: Context, text: str) -> None:
    exact = people.list_people(ctx, text=text, limit=5)
    capped = people.list_people(ctx, text=text, limit=5, count_at_most=20)
    assert exact.total > 21
    assert capped.total == 21 and capped.more
    assert [r.id for r in capped.rows] == [r.id for r in exact.rows]
    few = people.list_people(ctx, text=text, limit=5, count_at_most=exact.total)
    assert few.total == exact.total and not few.more


def test_the_whole_list_is_always_counted(ctx: Context) -> None:
    found = people.list_people(ctx, limit=5, count_at_most=20)
    assert found.total > 21 and not found.more


def test_every_order_lists_everyone_once(ctx: Context) -> None:
    ids = sorted(everyone(ctx))
    for sort in ("name", "last", "oldest", "added", "strength", "overdue"):
        rows = people.list_people(ctx, sort=sort, status="all", limit=None).rows
        assert sorted(r.id for r in rows) == ids, sort
