"""Aggregates over the whole network, for the overview's charts and the week on Today.

Each function is one grouped query (or two), read through indexes where one
fits, so that the overview stays quick with 50,000 people and two million
interactions: times are bucketed with ``CASE`` over bound edges, which reads
the same on SQLite (sortable ISO text) and PostgreSQL (``timestamptz``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.domain.model import Direction, DraftKind, InteractionKind, InteractionPoint, Status
from kith.storage.tables import (
    interaction_people,
    interactions,
    outreach,
    people,
    person_stats,
)


def _bucket(column: Any, edges: Sequence[Any], *, descending: bool = False) -> Any:
    """SQL: the index of the first edge ``column`` is below (above, ``descending``); NULL: -1."""
    whens = [
        ((column >= edge) if descending else (column < edge), index)
        for index, edge in enumerate(edges)
    ]
    return sa.case((column.is_(None), -1), *whens, else_=len(edges))


@dataclass(frozen=True, slots=True)
class Tally:
    """How many active people share what decides their rhythm and their time since contact."""

    circle: str | None
    cadence_days: int | None
    gap_bucket: int  # -1: no rhythm to infer; else the index of the first gap edge above
    since_bucket: int  # -1: never in touch; else the index of the first edge before last contact
    count: int


def tally(
    conn: Connection, gap_edges: Sequence[float], since_edges: Sequence[datetime]
) -> list[Tally]:
    """Active people grouped by rhythm (see ``engine.cadence_for``) and by time since last
    contact (``since_edges`` newest first), in one pass."""
    stats = person_stats.c
    gap = _bucket(stats.median_gap_days, gap_edges)
    since = _bucket(stats.last_at, since_edges, descending=True)
    query = (
        sa.select(people.c.circle, people.c.cadence_days, gap, since, sa.func.count())
        .select_from(people.outerjoin(person_stats, stats.person_id == people.c.id))
        .where(people.c.status == Status.ACTIVE.value)
        .group_by(people.c.circle, people.c.cadence_days, gap, since)
    )
    return [Tally(c, d, int(g), int(w), int(n)) for c, d, g, w, n in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class SentRow:
    outreach_id: int
    person_id: int
    name: str
    kind: DraftKind
    sent_at: datetime


def sent_outreach(conn: Connection, start: datetime, end: datetime | None) -> list[SentRow]:
    """Outreach sent in ``[start, end)`` (``end`` None: since ``start``), oldest first,
    with the person's name."""
    query = (
        sa.select(
            outreach.c.id, outreach.c.person_id, people.c.name, outreach.c.kind, outreach.c.sent_at
        )
        .join(people, people.c.id == outreach.c.person_id)
        .where(outreach.c.sent_at >= start)
        .order_by(outreach.c.sent_at, outreach.c.id)
    )
    if end is not None:
        query = query.where(outreach.c.sent_at < end)
    rows = conn.execute(query)
    return [SentRow(i, p, n, DraftKind(k), s) for i, p, n, k, s in rows]


def first_sent_after(conn: Connection, person_ids: Sequence[int]) -> dict[int, list[datetime]]:
    """Every sent outreach time of these people, oldest first (to bound each reply window)."""
    found: dict[int, list[datetime]] = defaultdict(list)
    ids = list(dict.fromkeys(person_ids))
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(outreach.c.person_id, outreach.c.sent_at)
            .where(
                outreach.c.person_id.in_(ids[start : start + 500]), outreach.c.sent_at.is_not(None)
            )
            .order_by(outreach.c.sent_at)
        )
        for pid, at in rows:
            found[int(pid)].append(at)
    return found


def inbound_after(
    conn: Connection, person_ids: Sequence[int], since: datetime
) -> dict[int, list[datetime]]:
    """When each of these people reached the owner (inbound or mutual) after ``since``."""
    found: dict[int, list[datetime]] = defaultdict(list)
    ids = list(dict.fromkeys(person_ids))
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(interaction_people.c.person_id, interactions.c.occurred_at)
            .join(interactions, interactions.c.id == interaction_people.c.interaction_id)
            .where(
                interaction_people.c.person_id.in_(ids[start : start + 500]),
                interactions.c.direction != Direction.OUT.value,
                interactions.c.occurred_at > since,
            )
            .order_by(interactions.c.occurred_at)
        )
        for pid, at in rows:
            found[int(pid)].append(at)
    return found


def sample_with_history(conn: Connection, at_most: int) -> tuple[list[int], int]:
    """About ``at_most`` active people with history, spread evenly by id; and how many
    people have history at all."""
    stats = person_stats.c
    known = int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(person_stats.join(people, people.c.id == stats.person_id))
            .where(stats.count > 0, people.c.status == Status.ACTIVE.value)
        ).scalar_one()
    )
    step = max(1, -(-known // at_most))
    rows = conn.execute(
        sa.select(stats.person_id)
        .join(people, people.c.id == stats.person_id)
        .where(
            stats.count > 0,
            stats.person_id % step == 0,
            people.c.status == Status.ACTIVE.value,
        )
        .order_by(stats.person_id)
    )
    return [int(pid) for pid in rows.scalars()], known


def histories(
    conn: Connection, person_ids: Sequence[int], until: datetime
) -> dict[int, list[InteractionPoint]]:
    """The interactions of these people up to ``until``, oldest first, by person."""
    found: dict[int, list[InteractionPoint]] = defaultdict(list)
    kinds = {k.value: k for k in InteractionKind}
    directions = {d.value: d for d in Direction}
    ids = list(dict.fromkeys(person_ids))
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(
                interaction_people.c.person_id,
                interactions.c.occurred_at,
                interactions.c.kind,
                interactions.c.direction,
            )
            .join(interactions, interactions.c.id == interaction_people.c.interaction_id)
            .where(
                interaction_people.c.person_id.in_(ids[start : start + 500]),
                interactions.c.occurred_at <= until,
            )
            .order_by(interaction_people.c.person_id, interactions.c.occurred_at)
        )
        for pid, at, kind, direction in rows:
            found[int(pid)].append(InteractionPoint(at, kinds[kind], directions[direction]))
    return found
