"""Interactions, the per-person statistics cache and the facts the engine reads."""

from __future__ import annotations

import calendar
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from kith.domain.engine import due_on, outlook
from kith.domain.history import SUMMARY_VERSION, strength_key, summarize
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
from kith.storage.people import get_owner
from kith.storage.tables import (
    interaction_people,
    interactions,
    interests,
    outreach,
    people,
    person_stats,
)
from kith.storage.types import ISODate, parse_date, raw

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


def add_interactions(
    conn: Connection, rows: Sequence[Mapping[str, Any]], *, source: str, now: datetime
) -> dict[str, int]:
    """Store many interactions of one source at once; returns source key → new id.

    Each row has ``occurred_at``, ``kind``, ``direction``, ``source_key``,
    ``person_ids`` and optionally ``summary`` and ``settled``.  Keys already
    stored are left alone (and not in the result).
    """
    keys = [str(r["source_key"]) for r in rows]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        existing.update(
            conn.execute(
                sa.select(interactions.c.source_key).where(
                    interactions.c.source == source,
                    interactions.c.source_key.in_(keys[start : start + 500]),
                )
            ).scalars()
        )
    fresh = [r for r in rows if str(r["source_key"]) not in existing]
    if not fresh:
        return {}
    conn.execute(
        sa.insert(interactions),
        [
            {
                "occurred_at": r["occurred_at"],
                "kind": r["kind"].value,
                "direction": r["direction"].value,
                "summary": r.get("summary", ""),
                "source": source,
                "source_key": r["source_key"],
                "created_at": now,
                "settled": bool(r.get("settled", False)),
            }
            for r in fresh
        ],
    )
    ids: dict[str, int] = {}
    fresh_keys = [str(r["source_key"]) for r in fresh]
    for start in range(0, len(fresh_keys), 500):
        for key, iid in conn.execute(
            sa.select(interactions.c.source_key, interactions.c.id).where(
                interactions.c.source == source,
                interactions.c.source_key.in_(fresh_keys[start : start + 500]),
            )
        ):
            ids[str(key)] = int(iid)
    links = [
        {"interaction_id": ids[str(r["source_key"])], "person_id": pid}
        for r in fresh
        for pid in dict.fromkeys(r["person_ids"])
    ]
    for start in range(0, len(links), 5000):
        conn.execute(sa.insert(interaction_people), links[start : start + 5000])
    return ids


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
    return with_people(conn, conn.execute(query).mappings().all())


def with_people(conn: Connection, rows: Sequence[RowMapping]) -> list[Interaction]:
    """Interactions from their table's rows, with the people each involves (one query)."""
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
            settled=bool(r["settled"]),
        )
        for r in rows
    ]


def inbound_times(conn: Connection, person_id: int) -> list[datetime]:
    """When the person reached the owner (inbound or mutual interactions), oldest first."""
    rows = conn.execute(
        sa.select(interactions.c.occurred_at)
        .join(interaction_people, interaction_people.c.interaction_id == interactions.c.id)
        .where(
            interaction_people.c.person_id == person_id,
            interactions.c.direction != Direction.OUT.value,
        )
        .order_by(interactions.c.occurred_at)
    )
    return list(rows.scalars())


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
            interactions.c.settled,
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
    for pid, at, kind, direction, summary, source, settled in result:
        yield (
            pid,
            InteractionPoint(
                at,
                kinds[kind],
                directions[direction],
                summary,
                source == OUTREACH_SOURCE,
                bool(settled),
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


#: Bumped when the statistics cache stores something new (2: the people list's sort keys).
STORED_VERSION = 2


def rules_key(rules: Rules) -> str:
    """A fingerprint of the settings the statistics cache was computed with."""
    return hashlib.sha256(f"{SUMMARY_VERSION}:{STORED_VERSION}:{rules!r}".encode()).hexdigest()[:16]


def refresh_stats(conn: Connection, person_ids: Iterable[int] | None, rules: Rules) -> int:
    """Recompute the statistics cache (and wake dates) for ``person_ids``; everyone if None."""
    ids = None if person_ids is None else list(dict.fromkeys(person_ids))
    if ids is not None and not ids:
        return 0
    _delete_stats(conn, ids)
    key = rules_key(rules)
    rows: list[dict[str, Any]] = []
    written = 0
    seen: set[int] = set()
    for pid, stats in compute_stats(conn, ids, rules):
        seen.add(pid)
        rows.append(_stats_row(pid, stats, key))
        if len(rows) >= 5000:
            written += _insert_stats(conn, rows)
            rows = []
    missing = _without_history(conn, ids, seen)
    rows += [_stats_row(pid, ContactStats(), key) for pid in missing]
    written += _insert_stats(conn, rows)
    refresh_outlook(conn, ids, rules)
    return written


def _stats_row(person_id: int, stats: ContactStats, key: str) -> dict[str, Any]:
    row = {name: getattr(stats, name) for name in _STATS_FIELDS}
    row.update(person_id=person_id, rules_key=key)
    return row


def _delete_stats(conn: Connection, ids: Sequence[int] | None) -> None:
    if ids is None:
        conn.execute(sa.delete(person_stats))
        return
    for chunk in _chunks(ids, 500):
        conn.execute(sa.delete(person_stats).where(person_stats.c.person_id.in_(chunk)))


def _insert_stats(conn: Connection, rows: list[dict[str, Any]]) -> int:
    for start in range(0, len(rows), 5000):
        conn.execute(sa.insert(person_stats), rows[start : start + 5000])
    return len(rows)


def _without_history(conn: Connection, ids: Sequence[int] | None, seen: set[int]) -> list[int]:
    if ids is not None:
        return [pid for pid in ids if pid not in seen]
    return [int(pid) for pid in conn.execute(sa.select(people.c.id)).scalars() if pid not in seen]


def refresh_outlook(conn: Connection, person_ids: Sequence[int] | None, rules: Rules) -> None:
    """Store when each person may next need attention (see ``domain.engine.Outlook``)."""
    if person_ids is not None and len(person_ids) > 5000:
        for chunk in _chunks(person_ids, 5000):
            refresh_outlook(conn, chunk, rules)
        return
    interests = get_owner(conn).interests
    facts = load_facts(
        conn,
        owner_interests=interests,
        now=None,
        rules=rules,
        person_ids=person_ids,
        active_only=False,
    )
    updates = []
    for f in facts:
        seen = outlook(f, rules)
        updates.append(
            {
                "pid": f.id,
                "wake": seen.wake_on,
                "rec": seen.reconnect_on,
                "base": seen.reconnect_base,
                "skey": strength_key(f.stats),
                "due": due_on(f, rules),
            }
        )
    statement = (
        sa.update(person_stats)
        .where(person_stats.c.person_id == sa.bindparam("pid"))
        .values(
            wake_on=sa.bindparam("wake", type_=ISODate()),
            reconnect_on=sa.bindparam("rec", type_=ISODate()),
            reconnect_base=sa.bindparam("base"),
            strength_key=sa.bindparam("skey"),
            due_on=sa.bindparam("due", type_=ISODate()),
        )
    )
    for start in range(0, len(updates), 5000):
        conn.execute(statement, updates[start : start + 5000])


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stale_stats(
    conn: Connection, rules: Rules, now: datetime, person_ids: Sequence[int] | None = None
) -> tuple[bool, list[int]]:
    """Is the cache computed with other rules (True: rebuild all), and who has history after now."""
    return stats_outdated(conn, rules), history_after(conn, now, person_ids)


def stats_outdated(conn: Connection, rules: Rules) -> bool:
    """Is the statistics cache computed with other rules, or missing someone?"""
    key = rules_key(rules)
    other_rules = conn.execute(
        sa.select(person_stats.c.person_id)
        .where(sa.or_(person_stats.c.rules_key < key, person_stats.c.rules_key > key))
        .limit(1)
    ).first()
    counted = [
        conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in (people, person_stats)
    ]
    return other_rules is not None or counted[0] != counted[1]


def history_after(
    conn: Connection, now: datetime, person_ids: Sequence[int] | None = None
) -> list[int]:
    """Who (of ``person_ids``) has interactions after ``now`` (a replayed date)."""
    query = sa.select(person_stats.c.person_id).where(person_stats.c.last_at > now)
    if person_ids is not None:
        query = query.where(person_stats.c.person_id.in_(list(person_ids)))
    return [int(i) for i in conn.execute(query).scalars()]


def latest_contact(conn: Connection) -> datetime | None:
    """The most recent contact with anyone, as the statistics have it (an index's last entry)."""
    found: datetime | None = conn.execute(sa.select(sa.func.max(person_stats.c.last_at))).scalar()
    return found


_STATS_FIELDS = tuple(ContactStats.__dataclass_fields__)
_PEOPLE_COLUMNS = (
    "id",
    "name",
    "circle",
    "cadence_days",
    "status",
    "birthday",
    "met_on",
    "met_at",
    "snoozed_until",
    "due_shift_on",
    "created_at",
)


@lru_cache(maxsize=4096)
def _birthday(text: str) -> PartialDate:
    return PartialDate.parse(text)


def _stats_from_row(row: Sequence[Any]) -> ContactStats:
    """``ContactStats`` from raw values in ``_STATS_FIELDS`` order (times as stored)."""
    if row[0] is None:
        return ContactStats()
    t = _time
    return ContactStats(
        row[0], t(row[1]), t(row[2]), t(row[3]), t(row[4]), t(row[5]), t(row[6]), t(row[7]),
        *row[8:],
    )  # fmt: skip


def _time(value: Any) -> Any:
    if value.__class__ is str:
        return _fromisoformat(value)
    return value


_fromisoformat = datetime.fromisoformat


def birthday_keys(day: date, lead_days: int) -> list[str]:
    """The ``MM-DD`` endings of stored birthdays that fall within ``lead_days`` of ``day``."""
    keys = []
    for offset in range(lead_days + 1):
        current = day + timedelta(days=offset)
        keys.append(current.strftime("%m-%d"))
        if current.month == 2 and current.day == 28 and not calendar.isleap(current.year):
            keys.append("02-29")
    return keys


def load_facts(
    conn: Connection,
    *,
    owner_interests: Sequence[str],
    now: datetime | None,
    rules: Rules,
    person_ids: Sequence[int] | None = None,
    active_only: bool = True,
    day: date | None = None,
    staleness: tuple[bool, list[int]] | None = None,
    reached: Collection[int] | None = None,
) -> list[PersonFacts]:
    """What the engine needs of people, as of ``now`` (None: all of history).

    The statistics cache covers all of history; people with interactions after
    ``now`` (a replayed date) get theirs recomputed from the interactions up to
    ``now`` so that the answer is the same as it was on that day.  With ``day``,
    only people who may be on that day's agenda are read: those whose wake date
    has come, whose birthday is near, or whose history is being replayed.  This
    reads one row per person and converts values in bulk: it is the agenda's hot path.
    ``staleness`` is ``stale_stats``' answer when the caller has it already, and
    ``reached`` ``outreach_people``': then the outreach of ``person_ids`` is read only
    if one of them has any.
    """
    future: list[int]
    if now is None:
        rebuild_all, future = False, []
    elif staleness is not None:
        rebuild_all, future = staleness
    else:
        rebuild_all, future = stale_stats(conn, rules, now, person_ids)
    query = _facts_statement(active_only, person_ids is not None)
    if day is not None and not rebuild_all:
        query = query.where(_may_need_attention(day, rules, future))
    ids = {"ids": list(person_ids)} if person_ids is not None else {}
    replayed: dict[int, ContactStats] = {}
    if rebuild_all:
        replayed = dict(compute_stats(conn, person_ids, rules, until=now))
    elif future:
        replayed = dict(compute_stats(conn, future, rules, until=now))
    among: sa.Select[Any] | list[int] = (
        list(person_ids)  # extra ids are harmless: only the rows read below are kept
        if person_ids is not None
        else query.with_only_columns(people.c.id)
    )
    shared = _shared_interests(conn, owner_interests, among)
    sent: dict[int, list[SentOutreach]] = {}
    drafts: dict[int, DraftKind] = {}
    if reached is None or person_ids is None or any(i in reached for i in person_ids):
        sent, drafts = _outreach_facts(conn, now, person_ids)
    circles: dict[Any, Circle | None] = {c.value: c for c in Circle}
    circles[None] = None
    statuses = {s.value: s for s in Status}
    facts: list[PersonFacts] = []
    empty = ContactStats()
    future_ids = set(future)
    width = len(_PEOPLE_COLUMNS)
    for row in conn.execute(query, ids).fetchall():
        pid = row[0]
        if rebuild_all or pid in future_ids:
            stats = replayed.get(pid, empty)
        else:
            stats = _stats_from_row(row[width:])
        facts.append(
            PersonFacts(
                pid,
                row[1],
                circles[row[2]],
                row[3],
                statuses[row[4]],
                _birthday(row[5]) if row[5] else None,
                parse_date(row[6]),
                row[7],
                parse_date(row[8]),
                parse_date(row[9]),
                _time(row[10]),
                tuple(shared.get(pid, ())),
                stats,
                tuple(sent.get(pid, ())),
                drafts.get(pid),
            )
        )
    return facts


@lru_cache(maxsize=4)
def _facts_statement(active_only: bool, some: bool) -> sa.Select[Any]:
    """``load_facts``' query (before a day's condition): of everyone, or of the ids bound
    as ``ids``.  The same every time, so it is built once."""
    conditions: list[Any] = []
    if active_only:
        conditions.append(people.c.status == Status.ACTIVE.value)
    if some:
        conditions.append(people.c.id.in_(sa.bindparam("ids", expanding=True)))
    joined = people.outerjoin(person_stats, person_stats.c.person_id == people.c.id)
    columns = (
        *(raw(people.c[name]) for name in _PEOPLE_COLUMNS),
        *(raw(person_stats.c[name]) for name in _STATS_FIELDS),
    )
    return sa.select(*columns).select_from(joined).where(*conditions)


def _may_need_attention(day: date, rules: Rules, replayed: Sequence[int]) -> Any:
    """SQL: woken by ``day`` and not yet left only to reconnect, a birthday within the lead
    time, or history being replayed.  Dormant ties come from ``load_reconnect_pool``."""
    ending = sa.func.substr(people.c.birthday, sa.func.length(people.c.birthday) - 4, 5)
    stats = person_stats.c
    options: list[Any] = [
        sa.and_(
            stats.wake_on <= day, sa.or_(stats.reconnect_on.is_(None), stats.reconnect_on > day)
        ),
        ending.in_(birthday_keys(day, rules.birthday_lead_days)),
        stats.person_id.is_(None),
    ]
    if replayed:
        options.append(people.c.id.in_(list(replayed)))
    return sa.or_(*options)


def load_reconnect_pool(
    conn: Connection,
    *,
    owner_interests: Sequence[str],
    now: datetime,
    rules: Rules,
    day: date,
    limit: int,
    staleness: tuple[bool, list[int]] | None = None,
) -> tuple[list[PersonFacts], int, float]:
    """The dormant ties of ``day`` with the highest fixed part of their reconnect score.

    Returns up to ``limit`` people (best first), how many there are in all, and
    the fixed score of the last one returned: nobody left out can score more
    than that plus ``RECONNECT_DAY_BONUS``.  People whose history is being
    replayed are left to ``load_facts``.
    """
    stats = person_stats.c
    conditions = [
        people.c.status == Status.ACTIVE.value,
        stats.reconnect_on <= day,
        stats.last_at <= now,
    ]
    total = conn.execute(
        sa.select(sa.func.count())
        .select_from(people.join(person_stats, stats.person_id == people.c.id))
        .where(*conditions)
    ).scalar_one()
    ranked = conn.execute(
        sa.select(people.c.id)
        .join(person_stats, stats.person_id == people.c.id)
        .where(*conditions)
        .order_by(stats.reconnect_base.desc(), people.c.id)
        .limit(limit)
    ).all()
    ids = [int(row[0]) for row in ranked]
    facts = load_facts(conn, owner_interests=owner_interests, now=now, rules=rules, person_ids=ids)
    order = {pid: index for index, pid in enumerate(ids)}
    facts.sort(key=lambda f: order[f.id])
    floor = 0.0
    if ids:
        floor = float(
            conn.execute(
                sa.select(stats.reconnect_base).where(stats.person_id == ids[-1])
            ).scalar_one()
        )
    return facts, int(total), floor


def _shared_interests(
    conn: Connection, owner_interests: Sequence[str], among: sa.Select[Any] | list[int]
) -> dict[int, list[str]]:
    """Interests each person in ``among`` (ids, or a query of them) shares with the owner."""
    keys = [i.strip().casefold() for i in owner_interests if i.strip()]
    if not keys:
        return {}
    shared: dict[int, list[str]] = defaultdict(list)
    if isinstance(among, list):
        found = conn.execute(_SHARED_OF_IDS, {"keys": keys, "ids": among})
    else:
        query = (
            sa.select(interests.c.person_id, interests.c.label)
            .where(interests.c.key.in_(keys))
            .order_by(interests.c.person_id, interests.c.key)
        )
        found = conn.execute(query.where(interests.c.person_id.in_(among)))
    for pid, label in found:
        shared[pid].append(label)
    return shared


_SHARED_OF_IDS = (
    sa.select(interests.c.person_id, interests.c.label)
    .where(interests.c.key.in_(sa.bindparam("keys", expanding=True)))
    .where(interests.c.person_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(interests.c.person_id, interests.c.key)
)


def outreach_people(conn: Connection) -> frozenset[int]:
    """Who has a draft or a sent message (what ``load_facts`` reads of outreach)."""
    query = sa.select(outreach.c.person_id).where(outreach.c.state.in_(("drafted", "sent")))
    return frozenset(int(i) for i in conn.execute(query.distinct()).scalars())


def _outreach_facts(
    conn: Connection, now: datetime | None, person_ids: Sequence[int] | None
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
        if state == "sent" and sent_at is not None and (now is None or sent_at <= now):
            sent[pid].append(SentOutreach(sent_at))
        elif state == "drafted":
            drafts[pid] = DraftKind(kind)
    return sent, drafts


def count_interactions(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(interactions)).scalar_one())
