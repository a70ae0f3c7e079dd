"""Interactions, the per-person statistics cache and the facts the engine reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.domain.history import summarize
from kith.domain.model import (
    Circle,
    ContactStats,
    Direction,
    DraftKind,
    Interaction,
    InteractionKind,
    InteractionPoint,
    PartialDate,
    PersonFacts,
    SentOutreach,
    Status,
)
from kith.domain.rules import Rules
from kith.storage.tables import (
    interaction_people,
    interactions,
    interests,
    outreach,
    people,
    person_stats,
)

OUTREACH_SOURCE = "outreach"


def add_interaction(
    conn: Connection,
    *,
    occurred_at: datetime,
    kind: InteractionKind,
    direction: Direction,
    person_ids: Sequence[int],
    summary: str = "",
    source: str = "manual",
    source_key: str | None = None,
    now: datetime,
) -> int | None:
    """Store an interaction; with a ``source_key`` already stored, change nothing, return None."""
    if source_key is not None:
        existing = conn.execute(
            sa.select(interactions.c.id).where(
                interactions.c.source == source, interactions.c.source_key == source_key
            )
        ).scalar()
        if existing is not None:
            return None
    new_id = conn.execute(
        sa.insert(interactions)
        .values(
            occurred_at=occurred_at,
            kind=kind.value,
            direction=direction.value,
            summary=summary,
            source=source,
            source_key=source_key,
            created_at=now,
        )
        .returning(interactions.c.id)
    ).scalar_one()
    conn.execute(
        sa.insert(interaction_people),
        [{"interaction_id": new_id, "person_id": pid} for pid in dict.fromkeys(person_ids)],
    )
    return int(new_id)


def interactions_of(
    conn: Connection, person_id: int, *, limit: int | None = None, until: datetime | None = None
) -> list[Interaction]:
    """A person's interactions, newest first."""
    query = (
        sa.select(interactions)
        .join(interaction_people, interaction_people.c.interaction_id == interactions.c.id)
        .where(interaction_people.c.person_id == person_id)
        .order_by(interactions.c.occurred_at.desc(), interactions.c.id.desc())
    )
    if until is not None:
        query = query.where(interactions.c.occurred_at <= until)
    if limit is not None:
        query = query.limit(limit)
    rows = conn.execute(query).mappings().all()
    ids = [r["id"] for r in rows]
    others: dict[int, list[int]] = defaultdict(list)
    if ids:
        for iid, pid in conn.execute(
            sa.select(interaction_people.c.interaction_id, interaction_people.c.person_id)
            .where(interaction_people.c.interaction_id.in_(ids))
            .order_by(interaction_people.c.person_id)
        ):
            others[iid].append(pid)
    return [
        Interaction(
            id=r["id"],
            occurred_at=r["occurred_at"],
            kind=InteractionKind(r["kind"]),
            direction=Direction(r["direction"]),
            person_ids=tuple(others[r["id"]]),
            summary=r["summary"],
            source=r["source"],
            source_key=r["source_key"],
        )
        for r in rows
    ]


def _points(
    conn: Connection, person_ids: Sequence[int] | None, until: datetime | None
) -> Iterator[tuple[int, InteractionPoint]]:
    """(person id, point) ordered by person, streaming."""
    query = (
        sa.select(
            interaction_people.c.person_id,
            interactions.c.occurred_at,
            interactions.c.kind,
            interactions.c.direction,
            interactions.c.summary,
            interactions.c.source,
        )
        .join(interactions, interactions.c.id == interaction_people.c.interaction_id)
        .order_by(interaction_people.c.person_id)
    )
    if person_ids is not None:
        query = query.where(interaction_people.c.person_id.in_(list(person_ids)))
    if until is not None:
        query = query.where(interactions.c.occurred_at <= until)
    result = conn.execute(query, execution_options={"yield_per": 20_000})
    kinds = {k.value: k for k in InteractionKind}
    directions = {d.value: d for d in Direction}
    for pid, at, kind, direction, summary, source in result:
        yield (
            pid,
            InteractionPoint(
                at, kinds[kind], directions[direction], summary, source == OUTREACH_SOURCE
            ),
        )


def compute_stats(
    conn: Connection, person_ids: Sequence[int] | None, rules: Rules, until: datetime | None = None
) -> Iterator[tuple[int, ContactStats]]:
    """Summarise the history of ``person_ids`` (all people with history if None)."""
    current: int | None = None
    batch: list[InteractionPoint] = []
    for pid, point in _points(conn, person_ids, until):
        if pid != current:
            if current is not None:
                yield current, summarize(batch, rules)
            current, batch = pid, []
        batch.append(point)
    if current is not None:
        yield current, summarize(batch, rules)


def refresh_stats(conn: Connection, person_ids: Iterable[int] | None, rules: Rules) -> int:
    """Recompute and store the statistics cache for ``person_ids`` (everyone if None)."""
    ids = None if person_ids is None else list(dict.fromkeys(person_ids))
    if ids is not None and not ids:
        return 0
    if ids is None:
        conn.execute(sa.delete(person_stats))
    else:
        for chunk in _chunks(ids, 500):
            conn.execute(sa.delete(person_stats).where(person_stats.c.person_id.in_(chunk)))
    rows: list[dict[str, Any]] = []
    written = 0
    for pid, stats in compute_stats(conn, ids, rules):
        rows.append({"person_id": pid, **asdict(stats)})
        if len(rows) >= 5000:
            conn.execute(sa.insert(person_stats), rows)
            written += len(rows)
            rows = []
    if rows:
        conn.execute(sa.insert(person_stats), rows)
        written += len(rows)
    return written


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stale_stats(
    conn: Connection, rules: Rules, now: datetime, person_ids: Sequence[int] | None = None
) -> tuple[bool, list[int]]:
    """Is the cache computed with other rules (True: rebuild all), and who has history after now."""
    other_rules = conn.execute(
        sa.select(person_stats.c.person_id)
        .where(person_stats.c.half_life_days != rules.half_life_days)
        .limit(1)
    ).first()
    query = sa.select(person_stats.c.person_id).where(person_stats.c.last_at > now)
    if person_ids is not None:
        query = query.where(person_stats.c.person_id.in_(list(person_ids)))
    return other_rules is not None, [int(i) for i in conn.execute(query).scalars()]


def _stats_from_row(row: Sequence[Any], offset: int) -> ContactStats:
    if row[offset] is None:
        return ContactStats()
    return ContactStats(*row[offset : offset + len(_STATS_COLUMNS)])


_STATS_COLUMNS = tuple(getattr(person_stats.c, name) for name in ContactStats.__dataclass_fields__)


def load_facts(
    conn: Connection,
    *,
    owner_interests: Sequence[str],
    now: datetime,
    rules: Rules,
    person_ids: Sequence[int] | None = None,
    active_only: bool = True,
) -> list[PersonFacts]:
    """What the engine needs of every (active) person, as of ``now``.

    The statistics cache covers all of history; people with interactions after
    ``now`` (a replayed date) get theirs recomputed from the interactions up to
    ``now`` so that the answer is the same as it was on that day.
    """
    conditions: list[Any] = []
    if active_only:
        conditions.append(people.c.status == Status.ACTIVE.value)
    if person_ids is not None:
        conditions.append(people.c.id.in_(list(person_ids)))
    query = (
        sa.select(
            people.c.id,
            people.c.name,
            people.c.circle,
            people.c.cadence_days,
            people.c.status,
            people.c.birthday,
            people.c.met_on,
            people.c.met_at,
            people.c.snoozed_until,
            people.c.due_shift_on,
            people.c.created_at,
            *_STATS_COLUMNS,
        )
        .select_from(people.outerjoin(person_stats, person_stats.c.person_id == people.c.id))
        .where(*conditions)
    )
    rebuild_all, future = stale_stats(conn, rules, now, person_ids)
    replayed: dict[int, ContactStats] = {}
    if rebuild_all:
        replayed = dict(compute_stats(conn, person_ids, rules, until=now))
    elif future:
        replayed = dict(compute_stats(conn, future, rules, until=now))
    shared = _shared_interests(conn, owner_interests, person_ids)
    sent, drafts = _outreach_facts(conn, now, person_ids)
    circles = {c.value: c for c in Circle}
    statuses = {s.value: s for s in Status}
    facts: list[PersonFacts] = []
    empty = ContactStats()
    future_ids = set(future)
    for row in conn.execute(query):
        pid = row[0]
        if rebuild_all or pid in future_ids:
            stats = replayed.get(pid, empty)
        else:
            stats = _stats_from_row(row, 11)
        facts.append(
            PersonFacts(
                id=pid,
                name=row[1],
                circle=circles[row[2]] if row[2] else None,
                cadence_days=row[3],
                status=statuses[row[4]],
                birthday=PartialDate.parse(row[5]) if row[5] else None,
                met_on=row[6],
                met_at=row[7],
                snoozed_until=row[8],
                due_shift_on=row[9],
                created_at=row[10],
                shared_interests=tuple(shared.get(pid, ())),
                stats=stats,
                sent=tuple(sent.get(pid, ())),
                open_draft=drafts.get(pid),
            )
        )
    return facts


def _shared_interests(
    conn: Connection, owner_interests: Sequence[str], person_ids: Sequence[int] | None
) -> dict[int, list[str]]:
    keys = [i.strip().casefold() for i in owner_interests if i.strip()]
    if not keys:
        return {}
    shared: dict[int, list[str]] = defaultdict(list)
    query = (
        sa.select(interests.c.person_id, interests.c.label)
        .where(interests.c.key.in_(keys))
        .order_by(interests.c.person_id, interests.c.key)
    )
    if person_ids is not None:
        query = query.where(interests.c.person_id.in_(list(person_ids)))
    for pid, label in conn.execute(query):
        shared[pid].append(label)
    return shared


def _outreach_facts(
    conn: Connection, now: datetime, person_ids: Sequence[int] | None
) -> tuple[dict[int, list[SentOutreach]], dict[int, DraftKind]]:
    sent: dict[int, list[SentOutreach]] = defaultdict(list)
    drafts: dict[int, DraftKind] = {}
    query = (
        sa.select(outreach.c.person_id, outreach.c.state, outreach.c.kind, outreach.c.sent_at)
        .where(outreach.c.state.in_(("drafted", "sent")))
        .order_by(outreach.c.id)
    )
    if person_ids is not None:
        query = query.where(outreach.c.person_id.in_(list(person_ids)))
    for pid, state, kind, sent_at in conn.execute(query):
        if state == "sent" and sent_at is not None and sent_at <= now:
            sent[pid].append(SentOutreach(sent_at))
        elif state == "drafted":
            drafts[pid] = DraftKind(kind)
    return sent, drafts


def count_interactions(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(interactions)).scalar_one())
