"""A full backup to one JSON document, and its lossless restore.

The document lists every stored table, rows ordered by key, values in JSON
(times ISO 8601 in UTC).  The statistics cache is not part of it: it is derived
and rebuilt on restore.  Backup → restore into an empty database → backup gives
the same document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.errors import Conflict, InputError
from kith.services.context import Context
from kith.storage import history as history_store
from kith.storage.database import HEAD_REVISION
from kith.storage.tables import (
    contact_points,
    interaction_people,
    interactions,
    interests,
    introductions,
    outreach,
    owner,
    people,
)
from kith.storage.types import ISODate, UTCDateTime

FORMAT = "kith-backup"
VERSION = 1
#: Tables in the order they are written and restored (parents before children).
TABLES = (
    owner,
    people,
    contact_points,
    interests,
    interactions,
    interaction_people,
    outreach,
    introductions,
)


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: str
    counts: dict[str, int]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(conn: Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns)
    result = conn.execute(
        sa.select(table).order_by(*order), execution_options={"yield_per": 10_000}
    )
    for row in result.mappings():
        yield {key: _encode(value) for key, value in row.items()}


def export_json(ctx: Context, target: Path | IO[str]) -> BackupSummary:
    """Write the whole database to ``target`` (a path or an open text file)."""
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as handle:
            counts = _write(ctx, handle)
        return BackupSummary(str(target), counts)
    return BackupSummary(getattr(target, "name", "-"), _write(ctx, target))


def _write(ctx: Context, out: IO[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with ctx.db.read() as conn:
        out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "schema": "{HEAD_REVISION}",\n')
        out.write(' "tables": {')
        for t_index, table in enumerate(TABLES):
            out.write(("," if t_index else "") + f"\n  {json.dumps(table.name)}: [")
            n = 0
            for row in _rows(conn, table):
                out.write(
                    ("," if n else "")
                    + "\n   "
                    + json.dumps(row, ensure_ascii=False, sort_keys=True)
                )
                n += 1
            out.write("\n  ]" if n else "]")
            counts[table.name] = n
        out.write("\n }\n}\n")
    return counts


def _decoder(column: sa.Column[Any]) -> Callable[[Any], Any]:
    if isinstance(column.type, UTCDateTime):
        return lambda v: datetime.fromisoformat(v) if v is not None else None
    if isinstance(column.type, ISODate):
        return lambda v: date.fromisoformat(v) if v is not None else None
    return lambda v: v


def read_document(source: Path) -> dict[str, Any]:
    try:
        with source.open(encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise InputError(f"there is no file {source}", field="file") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{source} is not a JSON document: {exc}", field="file") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(
            f"{source} is not a Kith backup",
            field="file",
            hint="make one with `kith export json FILE`",
        )
    if document.get("version") != VERSION:
        raise InputError(
            f"{source} is a version {document.get('version')} backup; Kith reads {VERSION}"
        )
    return document


def import_json(ctx: Context, source: Path) -> BackupSummary:
    """Restore a backup into an empty database, in one transaction."""
    document = read_document(source)
    data = document.get("tables", {})
    counts: dict[str, int] = {}
    with ctx.db.begin() as conn:
        _require_empty(conn)
        deferred: list[dict[str, Any]] = []
        for table in TABLES:
            rows = [_decode_row(table, row, source) for row in data.get(table.name, [])]
            if table is people:
                deferred = [
                    {"id": r["id"], "introduced_by_id": r["introduced_by_id"]}
                    for r in rows
                    if r.get("introduced_by_id")
                ]
                rows = [{**r, "introduced_by_id": None} for r in rows]
            for start in range(0, len(rows), 5000):
                conn.execute(sa.insert(table), rows[start : start + 5000])
            counts[table.name] = len(rows)
        for link in deferred:
            conn.execute(
                sa.update(people)
                .where(people.c.id == link["id"])
                .values(introduced_by_id=link["introduced_by_id"])
            )
        _reset_sequences(conn)
        history_store.refresh_stats(conn, None, ctx.rules)
    return BackupSummary(str(source), counts)


def _decode_row(table: sa.Table, row: Any, source: Path) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise InputError(f"{source}: a row of {table.name} is not an object")
    unknown = set(row) - set(table.c.keys())
    if unknown:
        raise InputError(f"{source}: {table.name} has unknown fields {sorted(unknown)}")
    try:
        return {name: _decoder(table.c[name])(value) for name, value in row.items()}
    except (TypeError, ValueError) as exc:
        raise InputError(f"{source}: a row of {table.name} has a bad value: {exc}") from exc


def _require_empty(conn: Connection) -> None:
    for table in (people, interactions, owner):
        if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
            raise Conflict(
                "a backup is restored only into an empty database, and this one has data",
                hint="restore into a new file: kith --db restored.db import json FILE",
            )


def _reset_sequences(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in TABLES:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, sa.Integer) and table is not owner:
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )
