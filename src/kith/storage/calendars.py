"""What calendar imports need from the database beyond interactions and people."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.storage.tables import interactions


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
