"""Where people came from (person_sources), their photos, merges and confirmed look-alikes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.storage.tables import (
    contact_points,
    distinct_people,
    imported_files,
    person_sources,
    photos,
)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """What one source said of one person, and when it was first and last seen."""

    id: int
    person_id: int
    source: str
    key: str
    digest: str
    fields: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime


def _row(r: Any) -> SourceRow:
    return SourceRow(
        r.id, r.person_id, r.source, r.key, r.digest, dict(r.fields or {}), r.first_seen_at,
        r.last_seen_at,
    )  # fmt: skip


def sources_by_key(conn: Connection, source: str, keys: Iterable[str]) -> dict[str, SourceRow]:
    wanted = list(dict.fromkeys(keys))
    found: dict[str, SourceRow] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            sa.select(person_sources).where(
                person_sources.c.source == source,
                person_sources.c.key.in_(wanted[start : start + 500]),
            )
        )
        found.update({r.key: _row(r) for r in rows})
    return found


def sources_of(conn: Connection, person_id: int) -> list[SourceRow]:
    rows = conn.execute(
        sa.select(person_sources)
        .where(person_sources.c.person_id == person_id)
        .order_by(person_sources.c.first_seen_at, person_sources.c.id)
    )
    return [_row(r) for r in rows]


def people_by_points(
    conn: Connection, points: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """Who owns each (kind, value) e-mail or phone, for those owned by someone."""
    by_kind: dict[str, set[str]] = {}
    for kind, value in points:
        by_kind.setdefault(kind, set()).add(value)
    found: dict[tuple[str, str], int] = {}
    for kind, values in by_kind.items():
        listed = sorted(values)
        for start in range(0, len(listed), 500):
            rows = conn.execute(
                sa.select(contact_points.c.value, contact_points.c.person_id).where(
                    contact_points.c.kind == kind,
                    contact_points.c.value.in_(listed[start : start + 500]),
                )
            )
            found.update({(kind, value): int(pid) for value, pid in rows})
    return found


def add_source(
    conn: Connection,
    *,
    person_id: int,
    source: str,
    key: str,
    digest: str,
    fields: Mapping[str, Any],
    now: datetime,
) -> SourceRow:
    new_id = conn.execute(
        sa.insert(person_sources)
        .values(
            person_id=person_id,
            source=source,
            key=key,
            digest=digest,
            fields=dict(fields),
            first_seen_at=now,
            last_seen_at=now,
        )
        .returning(person_sources.c.id)
    ).scalar_one()
    return SourceRow(int(new_id), person_id, source, key, digest, dict(fields), now, now)


def add_sources(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> dict[str, SourceRow]:
    """Sources of new people, all at once; returns them by key."""
    if not rows:
        return {}
    conn.execute(sa.insert(person_sources), list(rows))
    by_source: dict[str, list[str]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row["key"])
    out: dict[str, SourceRow] = {}
    for source, keys in by_source.items():
        out.update(sources_by_key(conn, source, keys))
    return out


def add_photos(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(sa.insert(photos), list(rows))


def update_source(
    conn: Connection, row_id: int, *, digest: str, fields: Mapping[str, Any], now: datetime
) -> None:
    conn.execute(
        sa.update(person_sources)
        .where(person_sources.c.id == row_id)
        .values(digest=digest, fields=dict(fields), last_seen_at=now)
    )


def has_photo(conn: Connection, person_id: int) -> bool:
    found = conn.execute(sa.select(photos.c.person_id).where(photos.c.person_id == person_id))
    return found.first() is not None


def set_photo(
    conn: Connection, person_id: int, *, data: bytes, media_type: str, source: str
) -> None:
    conn.execute(sa.delete(photos).where(photos.c.person_id == person_id))
    conn.execute(
        sa.insert(photos).values(
            person_id=person_id, data=data, media_type=media_type, source=source
        )
    )


def photo_of(conn: Connection, person_id: int) -> tuple[bytes, str] | None:
    row = conn.execute(
        sa.select(photos.c.data, photos.c.media_type).where(photos.c.person_id == person_id)
    ).first()
    return (bytes(row[0]), str(row[1])) if row else None


def mark_distinct(conn: Connection, a: int, b: int) -> None:
    low, high = sorted((a, b))
    exists = conn.execute(
        sa.select(distinct_people.c.low_id).where(
            distinct_people.c.low_id == low, distinct_people.c.high_id == high
        )
    ).first()
    if exists is None:
        conn.execute(sa.insert(distinct_people).values(low_id=low, high_id=high))


def distinct_pairs(conn: Connection) -> set[tuple[int, int]]:
    rows = conn.execute(sa.select(distinct_people.c.low_id, distinct_people.c.high_id))
    return {(int(a), int(b)) for a, b in rows}


def points_of(conn: Connection, person_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(person_ids), 500):
        rows = conn.execute(
            sa.select(contact_points.c.person_id, contact_points.c.kind, contact_points.c.value)
            .where(contact_points.c.person_id.in_(list(person_ids[start : start + 500])))
            .order_by(contact_points.c.person_id, contact_points.c.position)
        )
        for pid, kind, value in rows:
            found.setdefault(int(pid), []).append((str(kind), str(value)))
    return found


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """A file read by an import that finished: its digest, how many records, what failed."""

    path: str
    digest: str
    records: int
    problems: list[dict[str, Any]]


def imported_files_of(conn: Connection, source: str) -> dict[str, ImportedFile]:
    rows = conn.execute(sa.select(imported_files).where(imported_files.c.source == source))
    return {r.path: ImportedFile(r.path, r.digest, r.records, list(r.problems)) for r in rows}


def remember_files(
    conn: Connection, source: str, files: Sequence[ImportedFile], now: datetime
) -> None:
    for start in range(0, len(files), 500):
        chunk = files[start : start + 500]
        conn.execute(
            sa.delete(imported_files).where(
                imported_files.c.source == source,
                imported_files.c.path.in_([f.path for f in chunk]),
            )
        )
        conn.execute(
            sa.insert(imported_files),
            [{"source": source, "path": f.path, "digest": f.digest, "records": f.records,
              "problems": f.problems, "imported_at": now} for f in chunk],
        )  # fmt: skip
