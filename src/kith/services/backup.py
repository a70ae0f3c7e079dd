"""A full backup to one JSON document, and its lossless restore.

The document lists every stored table, rows ordered by key, values in JSON
(times ISO 8601 in UTC).  The statistics cache is not part of it: it is derived
and rebuilt on restore.  Backup → restore into an empty database → backup gives
the same document.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.domain.model import (
    Channel,
    Circle,
    Direction,
    DraftKind,
    InteractionKind,
    OutreachState,
    PartialDate,
    Status,
)
from kith.errors import Conflict, InputError
from kith.services.context import Context
from kith.storage import history as history_store
from kith.storage.database import HEAD_REVISION, reset_sequences
from kith.storage.tables import (
    contact_points,
    distinct_people,
    interaction_people,
    interactions,
    interests,
    introductions,
    mail_addresses,
    mail_cursors,
    mail_messages,
    mail_seen,
    merges,
    outreach,
    owner,
    people,
    person_sources,
    photos,
    vdir_items,
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
    person_sources,
    photos,
    merges,
    distinct_people,
    vdir_items,
    mail_messages,
    mail_addresses,
    mail_seen,
    mail_cursors,
)
#: JSON columns that hold an object rather than a list of text.
_JSON_OBJECTS = frozenset(
    {("person_sources", "fields"), ("merges", "snapshot"), ("mail_cursors", "state")}
)


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: str
    counts: dict[str, int]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
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
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8") as handle:
                counts = _write(ctx, handle)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror or exc}", field="file") from exc
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


class _Missing:
    pass


_MISSING = _Missing()

#: Columns whose values must be one of a few words, as the rest of Kith reads them.
_CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("people", "status"): frozenset(s.value for s in Status),
    ("people", "circle"): frozenset(c.value for c in Circle),
    ("contact_points", "kind"): frozenset({"email", "phone", "url"}),
    ("interactions", "kind"): frozenset(k.value for k in InteractionKind),
    ("interactions", "direction"): frozenset(d.value for d in Direction),
    ("outreach", "kind"): frozenset(k.value for k in DraftKind),
    ("outreach", "channel"): frozenset(c.value for c in Channel),
    ("outreach", "state"): frozenset(s.value for s in OutreachState),
    ("introductions", "kind"): frozenset({"introduction", "referral"}),
}


def _aware(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a time")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment


def _day(text: Any) -> date:
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a date")
    return date.fromisoformat(text)


def _decode(table: sa.Table, column: sa.Column[Any], value: Any) -> Any:
    """``value`` from the document as the column stores it; ValueError if it cannot be."""
    if value is None:
        if not column.nullable:
            raise ValueError("is missing")
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _aware(value)
    if isinstance(kind, ISODate):
        return _day(value)
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number")
    elif isinstance(kind, sa.Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number")
    elif isinstance(kind, sa.LargeBinary):
        return _binary(value)
    elif isinstance(kind, sa.JSON) and (table.name, column.name) in _JSON_OBJECTS:
        if not isinstance(value, dict):
            raise ValueError(f"{value!r} is not an object")
    elif isinstance(kind, sa.JSON):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{value!r} is not a list of text")
    elif isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        if kind.length is not None and len(value) > kind.length:
            raise ValueError(f"is longer than {kind.length} characters")
    choices = _CHOICES.get((table.name, column.name))
    if choices is not None and value not in choices:
        raise ValueError(f"{value!r} is not one of {', '.join(sorted(choices))}")
    if (table.name, column.name) == ("people", "birthday"):
        try:
            PartialDate.parse(value)
        except InputError as exc:
            raise ValueError(f"{value!r} is not a birthday") from exc
    return value


def _binary(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("is not base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"is not base64: {exc}") from exc


def read_document(source: Path) -> dict[str, Any]:
    try:
        with source.open(encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise InputError(f"there is no file {source}", field="file") from exc
    except OSError as exc:
        raise InputError(f"{source} cannot be read: {exc.strerror or exc}", field="file") from exc
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
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise InputError(f"{source} is not a Kith backup: it has no tables", field="file")
    known = {t.name for t in TABLES}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise InputError(
            f"{source} has tables this Kith does not know: {', '.join(unknown)}",
            field="file",
            hint="it may come from a newer Kith; upgrade Kith",
        )
    for name, rows in tables.items():
        if not isinstance(rows, list):
            raise InputError(f"{source}: {name} is not a list of rows", field="file")
    return document


def import_json(ctx: Context, source: Path) -> BackupSummary:
    """Restore a backup into an empty database, in one transaction.

    Every row is checked before it is written; a bad one stops the restore with
    an ``InputError`` that names it, and nothing is kept.
    """
    document = read_document(source)
    data: dict[str, list[Any]] = document["tables"]
    decoded = {
        table.name: [
            _decode_row(table, row, source, n) for n, row in enumerate(data.get(table.name, []), 1)
        ]
        for table in TABLES
    }
    counts: dict[str, int] = {}
    with ctx.db.begin() as conn:
        _require_empty(conn)
        deferred: list[dict[str, Any]] = []
        for table in TABLES:
            rows = decoded[table.name]
            if table is people:
                deferred = [
                    {"id": r["id"], "introduced_by_id": r["introduced_by_id"]}
                    for r in rows
                    if r.get("introduced_by_id")
                ]
                rows = [{**r, "introduced_by_id": None} for r in rows]
            try:
                for start in range(0, len(rows), 5000):
                    conn.execute(sa.insert(table), rows[start : start + 5000])
            except sa.exc.DBAPIError as exc:
                raise _bad_rows(source, table.name, exc) from exc
            counts[table.name] = len(rows)
        try:
            for link in deferred:
                conn.execute(
                    sa.update(people)
                    .where(people.c.id == link["id"])
                    .values(introduced_by_id=link["introduced_by_id"])
                )
        except sa.exc.DBAPIError as exc:
            raise _bad_rows(source, "people", exc) from exc
        reset_sequences(conn)
        history_store.refresh_stats(conn, None, ctx.rules)
    return BackupSummary(str(source), counts)


def _bad_rows(source: Path, table: str, exc: sa.exc.DBAPIError) -> InputError:
    text = str(exc.orig or exc).strip().splitlines()
    reason = text[0] if text else type(exc).__name__
    return InputError(
        f"{source}: the rows of {table} cannot be restored ({reason}); nothing was restored",
        field="file",
    )


def _decode_row(table: sa.Table, row: Any, source: Path, number: int) -> dict[str, Any]:
    where = f"{source}: row {number} of {table.name}"
    if not isinstance(row, dict):
        raise InputError(f"{where} is not an object", field="file")
    unknown = set(row) - set(table.c.keys())
    if unknown:
        raise InputError(f"{where} has unknown fields {sorted(unknown)}", field="file")
    values: dict[str, Any] = {}
    for column in table.c:
        value = row.get(column.name, _MISSING)
        if isinstance(value, _Missing):
            if column.nullable or column.default is not None:
                continue
            value = None
        try:
            values[column.name] = _decode(table, column, value)
        except ValueError as exc:
            raise InputError(f"{where}: {column.name} {exc}", field="file") from exc
    return values


def _require_empty(conn: Connection) -> None:
    for table in (people, interactions, owner):
        if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
            raise Conflict(
                "a backup is restored only into an empty database, and this one has data",
                hint="restore into a new file: kith --db restored.db import json FILE",
            )
