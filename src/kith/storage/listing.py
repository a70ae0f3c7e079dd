"""Lists across the whole network, a page at a time: interactions, outreach, introductions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.domain.model import Direction, Interaction, Introduction, Outreach
from kith.storage import history as history_store
from kith.storage.outreach import _outreach, introduction_of
from kith.storage.tables import interaction_people, interactions, introductions, outreach, people


def names_of(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """Person id → name, for the ids that exist."""
    wanted = sorted({i for i in ids if i})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        for pid, name in conn.execute(
            sa.select(people.c.id, people.c.name).where(
                people.c.id.in_(wanted[start : start + 500])
            )
        ):
            found[int(pid)] = str(name)
    return found


def interactions_page(
    conn: Connection,
    *,
    person_id: int | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Interaction], int]:
    """Interactions newest first (one person's, or everyone's), and how many there are."""
    conditions: list[Any] = []
    if person_id is not None:
        conditions.append(
            interactions.c.id.in_(
                sa.select(interaction_people.c.interaction_id).where(
                    interaction_people.c.person_id == person_id
                )
            )
        )
    if until is not None:
        conditions.append(interactions.c.occurred_at <= until)
    total = int(
        conn.execute(
            sa.select(sa.func.count()).select_from(interactions).where(*conditions)
        ).scalar_one()
    )
    rows = (
        conn.execute(
            sa.select(interactions)
            .where(*conditions)
            .order_by(interactions.c.occurred_at.desc(), interactions.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        .mappings()
        .all()
    )
    items = history_store.with_people(conn, rows)
    return items, total


def all_outreach(
    conn: Connection, *, person_id: int | None = None, until: datetime | None = None
) -> list[Outreach]:
    """Outreach newest first (one person's, or everyone's), created up to ``until``."""
    conditions: list[Any] = []
    if person_id is not None:
        conditions.append(outreach.c.person_id == person_id)
    if until is not None:
        conditions.append(outreach.c.created_at <= until)
    rows = conn.execute(
        sa.select(outreach)
        .where(*conditions)
        .order_by(outreach.c.created_at.desc(), outreach.c.id.desc())
    ).mappings()
    return [_outreach(r) for r in rows]


def inbound_times_of(conn: Connection, person_ids: Iterable[int]) -> dict[int, list[datetime]]:
    """For each person, when they reached the owner (inbound or mutual), oldest first."""
    wanted = sorted(set(person_ids))
    found: dict[int, list[datetime]] = defaultdict(list)
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            sa.select(interaction_people.c.person_id, interactions.c.occurred_at)
            .join(interactions, interaction_people.c.interaction_id == interactions.c.id)
            .where(
                interaction_people.c.person_id.in_(wanted[start : start + 500]),
                interactions.c.direction != Direction.OUT.value,
            )
            .order_by(interactions.c.occurred_at)
        )
        for pid, at in rows:
            found[int(pid)].append(at)
    return found


def introductions_page(
    conn: Connection,
    *,
    person_id: int | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Introduction], int]:
    """Introductions and referrals, newest first, and how many there are."""
    c = introductions.c
    conditions: list[Any] = []
    if person_id is not None:
        conditions.append(
            sa.or_(
                c.person_a_id == person_id, c.person_b_id == person_id, c.introducer_id == person_id
            )
        )
    if kind is not None:
        conditions.append(c.kind == kind)
    total = int(
        conn.execute(
            sa.select(sa.func.count()).select_from(introductions).where(*conditions)
        ).scalar_one()
    )
    rows = conn.execute(
        sa.select(introductions)
        .where(*conditions)
        .order_by(c.occurred_on.desc().nulls_last(), c.id.desc())
        .limit(limit)
        .offset(offset)
    ).mappings()
    items = [introduction_of(r) for r in rows]
    return items, total
