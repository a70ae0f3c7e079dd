"""Facts about the database itself."""

from __future__ import annotations

from typing import Any

from kith.services.context import Context
from kith.storage import people as people_store
from kith.storage.database import schema_revision
from kith.storage.history import count_interactions


def database_info(ctx: Context) -> dict[str, Any]:
    with ctx.db.read() as conn:
        counts = people_store.count_people(conn)
        interactions = count_interactions(conn)
    return {
        "url": ctx.db.url,
        "backend": ctx.db.dialect,
        "schema": schema_revision(ctx.db),
        "people": sum(counts.values()),
        "people_by_status": counts,
        "interactions": interactions,
    }
