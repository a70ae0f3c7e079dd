"""What calendar imports need from the database beyond interactions and people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.domain.model import Direction, InteractionKind
from kith.storage.tables import interaction_people, interactions


def known_keys(conn: Connection, source: str, keys: Iterable[str]) -> set[str]:
    """The ``keys`` already stored as interactions of ``source``."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            sa.select(interactions.c.source_key).where(
                interactions.c.source == source,
                interactions.c.source_key.in_(wanted[start : start + 500]),
            )
        )
        found.update(str(key) for key in rows.scalars())
    return found


@dataclass(frozen=True, slots=True)
class NewInteraction:
    occurred_at: datetime
    kind: InteractionKind
    direction: Direction
    summary: str
    source_key: str
    person_ids: tuple[int, ...]


def add_interactions(
    conn: Connection, rows: Sequence[NewInteraction], *, source: str, now: datetime
) -> None:
    """Store many new interactions of ``source`` at once (their keys must be new), as
    ``history.add_interaction`` stores one."""
    if not rows:
        return
    conn.execute(
        sa.insert(interactions),
        [
            {
                "occurred_at": row.occurred_at,
                "kind": row.kind.value,
                "direction": row.direction.value,
                "summary": row.summary,
                "source": source,
                "source_key": row.source_key,
                "created_at": now,
            }
            for row in rows
        ],
    )
    ids: dict[str, int] = {}
    keys = [row.source_key for row in rows]
    for start in range(0, len(keys), 500):
        found = conn.execute(
            sa.select(interactions.c.source_key, interactions.c.id).where(
                interactions.c.source == source,
                interactions.c.source_key.in_(keys[start : start + 500]),
            )
        )
        ids.update({str(key): int(iid) for key, iid in found})
    links = [
        {"interaction_id": ids[row.source_key], "person_id": pid}
        for row in rows
        for pid in dict.fromkeys(row.person_ids)
    ]
    conn.execute(sa.insert(interaction_people), links)
