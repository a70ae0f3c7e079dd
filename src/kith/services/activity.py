"""Lists across the network, a page at a time: interactions, outreach and introductions.

Each list can be narrowed to one person (given by id); an id that is not in this
database is ``NotFound``, like anywhere else.  Outreach states are those at
``ctx.now`` (replied and no reply follow from the history, see domain.lifecycle).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from kith.domain.lifecycle import outreach_states
from kith.domain.model import Interaction, OutreachState
from kith.services.context import Context
from kith.services.people import IntroductionView, OutreachView, find_person
from kith.storage import listing


@dataclass(frozen=True, slots=True)
class InteractionsPage:
    items: tuple[Interaction, ...]
    total: int
    offset: int
    names: dict[int, str]


@dataclass(frozen=True, slots=True)
class OutreachItem:
    view: OutreachView
    name: str


@dataclass(frozen=True, slots=True)
class OutreachPage:
    items: tuple[OutreachItem, ...]
    total: int
    offset: int


@dataclass(frozen=True, slots=True)
class IntroductionsPage:
    items: tuple[IntroductionView, ...]
    total: int
    offset: int


def _check_person(conn: Connection, person_id: int | None) -> None:
    if person_id is not None:
        find_person(conn, f"#{person_id}")


def interactions(
    ctx: Context, *, person_id: int | None = None, limit: int = 50, offset: int = 0
) -> InteractionsPage:
    """Interactions up to ``now``, newest first: everyone's, or one person's."""
    with ctx.db.read() as conn:
        _check_person(conn, person_id)
        items, total = listing.interactions_page(
            conn, person_id=person_id, until=ctx.now, limit=limit, offset=offset
        )
        names = listing.names_of(conn, (pid for i in items for pid in i.person_ids))
    return InteractionsPage(tuple(items), total, offset, names)


def outreach(
    ctx: Context,
    *,
    state: OutreachState | None = None,
    person_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> OutreachPage:
    """Drafts and messages made up to ``now``, newest first, with their state at ``now``."""
    with ctx.db.read() as conn:
        _check_person(conn, person_id)
        records = listing.all_outreach(conn, person_id=person_id, until=ctx.now)
        by_person = defaultdict(list)
        for record in records:
            by_person[record.person_id].append(record)
        with_sent = [
            pid
            for pid, items in by_person.items()
            if any(o.state is OutreachState.SENT for o in items)
        ]
        inbound = listing.inbound_times_of(conn, with_sent)
        states: dict[int, OutreachState] = {}
        for pid, items in by_person.items():
            states.update(
                outreach_states(items, inbound=inbound.get(pid, ()), now=ctx.now, rules=ctx.rules)
            )
        chosen = [o for o in records if state is None or states[o.id] is state]
        page = chosen[offset : offset + limit]
        names = listing.names_of(conn, (o.person_id for o in page))
    found = tuple(
        OutreachItem(OutreachView(o, states[o.id]), names.get(o.person_id, "")) for o in page
    )
    return OutreachPage(found, len(chosen), offset)


def introductions(
    ctx: Context,
    *,
    person_id: int | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> IntroductionsPage:
    """Introductions and referrals, newest first: all of them, or those a person took part in."""
    with ctx.db.read() as conn:
        _check_person(conn, person_id)
        items, total = listing.introductions_page(
            conn, person_id=person_id, kind=kind, limit=limit, offset=offset
        )
        names = listing.names_of(
            conn,
            (
                pid
                for i in items
                for pid in (i.person_a_id, i.person_b_id, i.introducer_id)
                if pid is not None
            ),
        )
    return IntroductionsPage(tuple(IntroductionView(i, names) for i in items), total, offset)
