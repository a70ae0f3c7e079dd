"""Merge two people into one and undo it later, by a snapshot of all that moved.

The snapshot (stored in ``merges``) names every row that followed the dropped
person to the kept one, and the kept person's fields the merge filled in, so
``unmerge`` can put each back where it was — leaving alone whatever changed
since.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.storage.tables import (
    contact_points,
    interaction_people,
    interactions,
    interests,
    introductions,
    merges,
    outreach,
    people,
    person_sources,
    photos,
)

#: Fields of the dropped person that fill the kept person's empty ones.
FILLABLE = (
    "org",
    "title",
    "location",
    "timezone",
    "birthday",
    "notes",
    "circle",
    "cadence_days",
    "met_on",
    "met_at",
    "met_context",
    "introduced_by_id",
)
_ROLES = ("person_a_id", "person_b_id", "introducer_id")
_NULLABLE = frozenset({"birthday", "circle", "cadence_days", "met_on", "introduced_by_id"})


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _row(conn: Connection, table: sa.Table, *where: Any) -> dict[str, Any] | None:
    found = conn.execute(sa.select(table).where(*where)).mappings().first()
    return {k: _json(v) for k, v in found.items()} if found else None


def _ids(conn: Connection, column: Any, *where: Any) -> list[int]:
    return [int(i) for i in conn.execute(sa.select(column).where(*where)).scalars()]


def merge(conn: Connection, *, keep: int, drop: int, now: datetime) -> int:
    """Move everything of ``drop`` to ``keep``, delete ``drop``; returns the merge's id."""
    keep_row = _row(conn, people, people.c.id == keep)
    drop_row = _row(conn, people, people.c.id == drop)
    assert keep_row is not None and drop_row is not None
    filled = {
        f: drop_row[f]
        for f in FILLABLE
        if keep_row[f] in (None, "") and drop_row[f] not in (None, "")
    }
    if filled.get("introduced_by_id") == keep:
        filled.pop("introduced_by_id")
    snapshot = {
        "person": drop_row,
        "filled": filled,
        "points": [
            dict(r)
            for r in conn.execute(
                sa.select(
                    contact_points.c.kind, contact_points.c.value, contact_points.c.label
                ).where(contact_points.c.person_id == drop)
            ).mappings()
        ],
        "interests": [
            dict(r)
            for r in conn.execute(
                sa.select(interests.c.key, interests.c.label).where(interests.c.person_id == drop)
            ).mappings()
        ],
        "keep_interests": _ids_text(conn, keep),
        "interactions": _ids(
            conn, interaction_people.c.interaction_id, interaction_people.c.person_id == drop
        ),
        "shared": sorted(
            set(
                _ids(
                    conn,
                    interaction_people.c.interaction_id,
                    interaction_people.c.person_id == drop,
                )
            )
            & set(
                _ids(
                    conn,
                    interaction_people.c.interaction_id,
                    interaction_people.c.person_id == keep,
                )
            )
        ),
        "outreach": _ids(conn, outreach.c.id, outreach.c.person_id == drop),
        "introductions": {
            role: _ids(conn, introductions.c.id, introductions.c[role] == drop) for role in _ROLES
        },
        "introduced": _ids(conn, people.c.id, people.c.introduced_by_id == drop),
        "sources": _ids(conn, person_sources.c.id, person_sources.c.person_id == drop),
        "photo": _row(conn, photos, photos.c.person_id == drop),
        "keep_had_photo": _row(conn, photos, photos.c.person_id == keep) is not None,
    }
    _move(conn, keep=keep, drop=drop, snapshot=snapshot, filled=filled, now=now)
    return int(
        conn.execute(
            sa.insert(merges)
            .values(keep_id=keep, drop_id=drop, snapshot=snapshot, merged_at=now)
            .returning(merges.c.id)
        ).scalar_one()
    )


def _ids_text(conn: Connection, person_id: int) -> list[str]:
    return [
        str(k)
        for k in conn.execute(
            sa.select(interests.c.key).where(interests.c.person_id == person_id)
        ).scalars()
    ]


def _move(
    conn: Connection,
    *,
    keep: int,
    drop: int,
    snapshot: dict[str, Any],
    filled: dict[str, Any],
    now: datetime,
) -> None:
    keep_values = {
        (p["kind"], p["value"])
        for p in conn.execute(
            sa.select(contact_points.c.kind, contact_points.c.value).where(
                contact_points.c.person_id == keep
            )
        ).mappings()
    }
    conn.execute(sa.delete(contact_points).where(contact_points.c.person_id == drop))
    start = len(keep_values)
    for offset, point in enumerate(snapshot["points"]):
        if (point["kind"], point["value"]) not in keep_values:
            conn.execute(
                sa.insert(contact_points).values(person_id=keep, position=start + offset, **point)
            )
    for item in snapshot["interests"]:
        if item["key"] not in snapshot["keep_interests"]:
            conn.execute(sa.insert(interests).values(person_id=keep, **item))
    conn.execute(sa.delete(interests).where(interests.c.person_id == drop))
    shared = set(snapshot["shared"])
    for iid in snapshot["interactions"]:
        conn.execute(
            sa.delete(interaction_people).where(
                interaction_people.c.interaction_id == iid, interaction_people.c.person_id == drop
            )
        )
        if iid not in shared:
            conn.execute(sa.insert(interaction_people).values(interaction_id=iid, person_id=keep))
    conn.execute(sa.update(outreach).where(outreach.c.person_id == drop).values(person_id=keep))
    for role in _ROLES:
        conn.execute(
            sa.update(introductions).where(introductions.c[role] == drop).values({role: keep})
        )
    conn.execute(
        sa.update(people).where(people.c.introduced_by_id == drop).values(introduced_by_id=keep)
    )
    conn.execute(
        sa.update(person_sources).where(person_sources.c.person_id == drop).values(person_id=keep)
    )
    if snapshot["photo"] and not snapshot["keep_had_photo"]:
        conn.execute(sa.update(photos).where(photos.c.person_id == drop).values(person_id=keep))
    values = {k: _typed(k, v) for k, v in filled.items()}
    conn.execute(sa.update(people).where(people.c.id == keep).values(updated_at=now, **values))
    conn.execute(sa.delete(people).where(people.c.id == drop))


def _typed(key: str, value: Any) -> Any:
    if key == "met_on" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def latest_merge(conn: Connection, keep: int) -> dict[str, Any] | None:
    found = (
        conn.execute(
            sa.select(merges)
            .where(merges.c.keep_id == keep, merges.c.undone_at.is_(None))
            .order_by(merges.c.id.desc())
        )
        .mappings()
        .first()
    )
    return dict(found) if found else None


def unmerge(conn: Connection, record: dict[str, Any], *, now: datetime) -> int:
    """Put the dropped person of merge ``record`` back; returns their id."""
    snap, keep = record["snapshot"], int(record["keep_id"])
    person = dict(snap["person"])
    for key in ("created_at", "updated_at"):
        person[key] = datetime.fromisoformat(person[key])
    for key in ("met_on", "snoozed_until", "due_shift_on"):
        person[key] = date.fromisoformat(person[key]) if person[key] else None
    introducer = person.pop("introduced_by_id")
    conn.execute(sa.insert(people).values(introduced_by_id=None, **person))
    drop = int(person["id"])
    exists = conn.execute(sa.select(people.c.id).where(people.c.id == introducer)).first()
    if introducer and exists:
        conn.execute(
            sa.update(people).where(people.c.id == drop).values(introduced_by_id=introducer)
        )
    for point in snap["points"]:
        conn.execute(
            sa.delete(contact_points).where(
                contact_points.c.person_id == keep,
                contact_points.c.kind == point["kind"],
                contact_points.c.value == point["value"],
            )
        )
        conn.execute(sa.insert(contact_points).values(person_id=drop, **point))
    for item in snap["interests"]:
        if item["key"] not in snap["keep_interests"]:
            conn.execute(
                sa.delete(interests).where(
                    interests.c.person_id == keep, interests.c.key == item["key"]
                )
            )
        conn.execute(sa.insert(interests).values(person_id=drop, **item))
    shared = set(snap["shared"])
    alive = set(_ids(conn, interactions.c.id, interactions.c.id.in_(snap["interactions"])))
    for iid in snap["interactions"]:
        if iid not in shared:
            conn.execute(
                sa.delete(interaction_people).where(
                    interaction_people.c.interaction_id == iid,
                    interaction_people.c.person_id == keep,
                )
            )
        if iid in alive:
            conn.execute(sa.insert(interaction_people).values(interaction_id=iid, person_id=drop))
    _restore_links(conn, snap, keep=keep, drop=drop)
    _restore_fields(conn, snap["filled"], keep=keep)
    conn.execute(sa.update(merges).where(merges.c.id == record["id"]).values(undone_at=now))
    return drop


def _restore_links(conn: Connection, snap: dict[str, Any], *, keep: int, drop: int) -> None:
    if snap["outreach"]:
        conn.execute(
            sa.update(outreach).where(outreach.c.id.in_(snap["outreach"])).values(person_id=drop)
        )
    for role, ids in snap["introductions"].items():
        if ids:
            conn.execute(
                sa.update(introductions).where(introductions.c.id.in_(ids)).values({role: drop})
            )
    if snap["introduced"]:
        conn.execute(
            sa.update(people)
            .where(people.c.id.in_(snap["introduced"]), people.c.introduced_by_id == keep)
            .values(introduced_by_id=drop)
        )
    if snap["sources"]:
        conn.execute(
            sa.update(person_sources)
            .where(person_sources.c.id.in_(snap["sources"]))
            .values(person_id=drop)
        )
    photo = snap["photo"]
    if photo:
        data = base64.b64decode(photo["data"])
        if not snap["keep_had_photo"]:
            conn.execute(sa.delete(photos).where(photos.c.person_id == keep))
        conn.execute(
            sa.insert(photos).values(
                person_id=drop, data=data, media_type=photo["media_type"], source=photo["source"]
            )
        )


def _restore_fields(conn: Connection, filled: dict[str, Any], *, keep: int) -> None:
    """Empty again what the merge filled in, unless it has been changed since."""
    row = conn.execute(sa.select(people).where(people.c.id == keep)).mappings().first()
    assert row is not None
    back = {k: (None if k in _NULLABLE else "") for k, v in filled.items() if _json(row[k]) == v}
    if back:
        conn.execute(sa.update(people).where(people.c.id == keep).values(**back))
