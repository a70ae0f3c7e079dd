"""What Kith keeps of mail: messages seen, addresses met, and where each source was read to.

Bodies are never stored.  ``mail_messages`` holds one row per Message-ID (so a
message in two folders counts once) with its verdict; personal ones are turned
into interactions once someone in them is a person.  ``mail_addresses`` counts
what each address did, so Kith can say why it is a person, a candidate, or
left out.  ``mail_seen`` and ``mail_cursors`` say what a source has given
already, so a second run reads only what is new.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.storage.tables import (
    contact_points,
    interaction_people,
    interactions,
    mail_addresses,
    mail_cursors,
    mail_messages,
    mail_seen,
    people,
)

_CHUNK = 500


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- where sources were read to -------------------------------------------------------


def seen_keys(conn: Connection, source: str) -> set[str]:
    rows = conn.execute(sa.select(mail_seen.c.key).where(mail_seen.c.source == source))
    return set(rows.scalars())


def add_seen(conn: Connection, source: str, keys: Sequence[str]) -> None:
    if keys:
        conn.execute(sa.insert(mail_seen), [{"source": source, "key": k} for k in keys])


def cursor(conn: Connection, source: str) -> dict[str, Any]:
    row = conn.execute(
        sa.select(mail_cursors.c.state).where(mail_cursors.c.source == source)
    ).scalar()
    return dict(row) if isinstance(row, dict) else {}


def save_cursor(conn: Connection, source: str, state: Mapping[str, Any], now: datetime) -> None:
    updated = conn.execute(
        sa.update(mail_cursors)
        .where(mail_cursors.c.source == source)
        .values(state=dict(state), updated_at=now)
    )
    if not updated.rowcount:
        conn.execute(
            sa.insert(mail_cursors).values(source=source, state=dict(state), updated_at=now)
        )


# --- messages -------------------------------------------------------------------------


def known_messages(conn: Connection, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(list(dict.fromkeys(keys))):
        found.update(
            conn.execute(
                sa.select(mail_messages.c.message_key).where(mail_messages.c.message_key.in_(chunk))
            ).scalars()
        )
    return found


def add_messages(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(sa.insert(mail_messages), list(rows))


@dataclass(frozen=True, slots=True)
class PendingMessage:
    id: int
    message_key: str
    occurred_at: datetime
    direction: str
    others: tuple[str, ...]
    to_owner: bool
    thread_key: str


def pending_messages(
    conn: Connection, *, after: int = 0, limit: int | None = None
) -> list[PendingMessage]:
    """Personal messages not yet stored as interactions, by id (``after`` one, ``limit`` many)."""
    query = (
        sa.select(
            mail_messages.c.id,
            mail_messages.c.message_key,
            mail_messages.c.occurred_at,
            mail_messages.c.direction,
            mail_messages.c.others,
            mail_messages.c.to_owner,
            mail_messages.c.thread_key,
        )
        .where(mail_messages.c.pending.is_(True), mail_messages.c.id > after)
        .order_by(mail_messages.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = conn.execute(query)
    return [
        PendingMessage(r[0], r[1], r[2], r[3], tuple(r[4].split()), bool(r[5]), r[6] or "")
        for r in rows
    ]


def last_outbound_in_threads(conn: Connection, threads: Iterable[str]) -> dict[str, datetime]:
    """The latest outbound personal message of each thread."""
    found: dict[str, datetime] = {}
    for chunk in _chunks(sorted(set(threads))):
        rows = conn.execute(
            sa.select(mail_messages.c.thread_key, sa.func.max(mail_messages.c.occurred_at))
            .where(
                mail_messages.c.thread_key.in_(chunk),
                mail_messages.c.direction == "out",
                mail_messages.c.verdict == "personal",
            )
            .group_by(mail_messages.c.thread_key)
        )
        for thread, at in rows:
            if isinstance(at, datetime):  # max() keeps the column's type: an aware datetime
                found[thread] = at
    return found


def link_messages(conn: Connection, links: Sequence[tuple[int, int]]) -> None:
    """Record that messages (id) became interactions (id)."""
    statement = (
        sa.update(mail_messages)
        .where(mail_messages.c.id == sa.bindparam("mid"))
        .values(pending=False, interaction_id=sa.bindparam("iid"))
    )
    for chunk in _chunks(list(links), 5000):
        conn.execute(statement, [{"mid": m, "iid": i} for m, i in chunk])


def settle_answered(conn: Connection, threads: Iterable[str]) -> list[int]:
    """Mark inbound interactions answered later in their thread as settled.

    Returns the people whose history changed.
    """
    answered: list[int] = []
    last_out = last_outbound_in_threads(conn, threads)
    if not last_out:
        return []
    for chunk in _chunks(sorted(last_out)):
        rows = conn.execute(
            sa.select(
                mail_messages.c.interaction_id,
                mail_messages.c.thread_key,
                mail_messages.c.occurred_at,
            )
            .join(interactions, interactions.c.id == mail_messages.c.interaction_id)
            .where(
                mail_messages.c.thread_key.in_(chunk),
                mail_messages.c.direction == "in",
                interactions.c.settled.is_(False),
            )
        )
        for iid, thread, at in rows:
            if at is not None and at <= last_out[thread]:
                answered.append(int(iid))
    if not answered:
        return []
    touched: set[int] = set()
    for chunk in _chunks(answered):
        conn.execute(
            sa.update(interactions).where(interactions.c.id.in_(chunk)).values(settled=True)
        )
        touched.update(
            conn.execute(
                sa.select(interaction_people.c.person_id).where(
                    interaction_people.c.interaction_id.in_(chunk)
                )
            ).scalars()
        )
    return sorted(touched)


# --- addresses ------------------------------------------------------------------------


@dataclass(slots=True)
class AddressTally:
    """What one address did in a batch of messages."""

    name: str = ""
    name_rank: int = 0
    written_to: int = 0
    wrote: int = 0
    copied: int = 0
    left_out: int = 0
    left_out_reason: str = ""
    first_at: datetime | None = None
    last_at: datetime | None = None
    is_list: bool = False

    def seen_at(self, at: datetime | None) -> None:
        if at is None:
            return
        if self.first_at is None or at < self.first_at:
            self.first_at = at
        if self.last_at is None or at > self.last_at:
            self.last_at = at

    def named(self, name: str, rank: int) -> None:
        if name and rank >= self.name_rank:
            self.name, self.name_rank = name, rank


def add_tallies(conn: Connection, tallies: Mapping[str, AddressTally]) -> None:
    """Add a batch's counts to the stored ones (new addresses are inserted)."""
    addresses = sorted(tallies)
    existing: dict[str, Any] = {}
    for chunk in _chunks(addresses):
        for row in conn.execute(
            sa.select(mail_addresses).where(mail_addresses.c.address.in_(chunk))
        ).mappings():
            existing[row["address"]] = row
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for address in addresses:
        tally = tallies[address]
        old = existing.get(address)
        if old is None:
            inserts.append(
                {
                    "address": address,
                    "name": tally.name[:300],
                    "name_rank": tally.name_rank,
                    "written_to": tally.written_to,
                    "wrote": tally.wrote,
                    "copied": tally.copied,
                    "left_out": tally.left_out,
                    "left_out_reason": tally.left_out_reason,
                    "first_at": tally.first_at,
                    "last_at": tally.last_at,
                    "dismissed": False,
                    "is_list": tally.is_list,
                }
            )
            continue
        better_name = bool(tally.name) and tally.name_rank >= old["name_rank"]
        times = [t for t in (old["first_at"], tally.first_at) if t is not None]
        lasts = [t for t in (old["last_at"], tally.last_at) if t is not None]
        updates.append(
            {
                "key": address,
                "name": tally.name[:300] if better_name else old["name"],
                "name_rank": tally.name_rank if better_name else old["name_rank"],
                "written_to": old["written_to"] + tally.written_to,
                "wrote": old["wrote"] + tally.wrote,
                "copied": old["copied"] + tally.copied,
                "left_out": old["left_out"] + tally.left_out,
                "left_out_reason": tally.left_out_reason or old["left_out_reason"],
                "first_at": min(times) if times else None,
                "last_at": max(lasts) if lasts else None,
                "is_list": bool(old["is_list"]) or tally.is_list,
            }
        )
    if inserts:
        conn.execute(sa.insert(mail_addresses), inserts)
    if updates:
        statement = (
            sa.update(mail_addresses)
            .where(mail_addresses.c.address == sa.bindparam("key"))
            .values(
                {
                    name: sa.bindparam(name)
                    for name in (
                        "name",
                        "name_rank",
                        "written_to",
                        "wrote",
                        "copied",
                        "left_out",
                        "left_out_reason",
                        "first_at",
                        "last_at",
                        "is_list",
                    )
                }
            )
        )
        conn.execute(statement, updates)


@dataclass(frozen=True, slots=True)
class AddressRow:
    address: str
    name: str
    written_to: int
    wrote: int
    copied: int
    left_out: int
    left_out_reason: str
    first_at: datetime | None
    last_at: datetime | None
    dismissed: bool
    is_list: bool
    person_id: int | None = None


def _address_query() -> sa.Select[Any]:
    email_owner = (
        sa.select(contact_points.c.person_id)
        .where(contact_points.c.kind == "email", contact_points.c.value == mail_addresses.c.address)
        .limit(1)
        .scalar_subquery()
    )
    return sa.select(
        mail_addresses.c.address,
        mail_addresses.c.name,
        mail_addresses.c.written_to,
        mail_addresses.c.wrote,
        mail_addresses.c.copied,
        mail_addresses.c.left_out,
        mail_addresses.c.left_out_reason,
        mail_addresses.c.first_at,
        mail_addresses.c.last_at,
        mail_addresses.c.dismissed,
        mail_addresses.c.is_list,
        email_owner.label("person_id"),
    )


def _row(r: Sequence[Any]) -> AddressRow:
    return AddressRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), bool(r[10]), r[11]
    )


def address(conn: Connection, email: str) -> AddressRow | None:
    row = conn.execute(_address_query().where(mail_addresses.c.address == email)).first()
    return _row(row) if row is not None else None


def written_to_without_person(conn: Connection) -> list[AddressRow]:
    """Addresses the owner wrote to personally that are nobody's e-mail yet."""
    has_person = sa.exists().where(
        contact_points.c.kind == "email", contact_points.c.value == mail_addresses.c.address
    )
    rows = conn.execute(
        _address_query()
        .where(
            mail_addresses.c.written_to > 0,
            mail_addresses.c.is_list.is_(False),
            mail_addresses.c.dismissed.is_(False),
            ~has_person,
        )
        .order_by(mail_addresses.c.address)
    )
    return [_row(r) for r in rows]


def candidates(conn: Connection, *, limit: int | None = None) -> list[AddressRow]:
    """Addresses that wrote to the owner personally, were never written to, and are nobody."""
    has_person = sa.exists().where(
        contact_points.c.kind == "email", contact_points.c.value == mail_addresses.c.address
    )
    query = (
        _address_query()
        .where(
            mail_addresses.c.written_to == 0,
            mail_addresses.c.wrote > 0,
            mail_addresses.c.is_list.is_(False),
            mail_addresses.c.dismissed.is_(False),
            ~has_person,
        )
        .order_by(
            mail_addresses.c.wrote.desc(),
            mail_addresses.c.last_at.desc(),
            mail_addresses.c.address,
        )
    )
    if limit is not None:
        query = query.limit(limit)
    return [_row(r) for r in conn.execute(query)]


def count_candidates(conn: Connection) -> int:
    has_person = sa.exists().where(
        contact_points.c.kind == "email", contact_points.c.value == mail_addresses.c.address
    )
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(mail_addresses)
            .where(
                mail_addresses.c.written_to == 0,
                mail_addresses.c.wrote > 0,
                mail_addresses.c.is_list.is_(False),
                mail_addresses.c.dismissed.is_(False),
                ~has_person,
            )
        ).scalar_one()
    )


def dismiss(conn: Connection, email: str) -> bool:
    done = conn.execute(
        sa.update(mail_addresses).where(mail_addresses.c.address == email).values(dismissed=True)
    )
    return bool(done.rowcount)


def email_people(conn: Connection, emails: Iterable[str]) -> dict[str, int]:
    """Person id of each e-mail that belongs to someone (archived people included)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(emails))):
        for value, pid in conn.execute(
            sa.select(contact_points.c.value, contact_points.c.person_id)
            .join(people, people.c.id == contact_points.c.person_id)
            .where(contact_points.c.kind == "email", contact_points.c.value.in_(chunk))
        ):
            found[value] = int(pid)
    return found


def message_counts(conn: Connection) -> dict[str, int]:
    """How many messages of each verdict Kith has seen."""
    rows = conn.execute(
        sa.select(mail_messages.c.verdict, sa.func.count()).group_by(mail_messages.c.verdict)
    )
    return {str(v): int(n) for v, n in rows}


def unmatched_outreach(
    conn: Connection, person_ids: Iterable[int], since: datetime
) -> dict[int, list[tuple[int, datetime]]]:
    """Outreach marked sent in Kith (person → [(interaction id, when)]) that no sent mail
    has been matched to yet: the mail that really went out is that same contact."""
    from kith.storage.history import OUTREACH_SOURCE

    found: dict[int, list[tuple[int, datetime]]] = {}
    matched = sa.select(mail_messages.c.interaction_id).where(
        mail_messages.c.interaction_id.is_not(None)
    )
    for chunk in _chunks(sorted(set(person_ids))):
        rows = conn.execute(
            sa.select(interaction_people.c.person_id, interactions.c.id, interactions.c.occurred_at)
            .join(interactions, interactions.c.id == interaction_people.c.interaction_id)
            .where(
                interaction_people.c.person_id.in_(chunk),
                interactions.c.source == OUTREACH_SOURCE,
                interactions.c.occurred_at >= since,
                interactions.c.id.not_in(matched),
            )
            .order_by(interactions.c.occurred_at)
        )
        for pid, iid, at in rows:
            found.setdefault(int(pid), []).append((int(iid), at))
    return found
