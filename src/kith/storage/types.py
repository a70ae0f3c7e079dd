"""Column types that mean the same on SQLite and PostgreSQL.

Times are stored in UTC: ``timestamptz`` on PostgreSQL, ISO-8601 text
(``YYYY-MM-DD HH:MM:SS``, sortable and readable in the ``sqlite3`` shell) on
SQLite.  Naive datetimes are refused rather than guessed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(25))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Kith stores only aware times")
        value = value.astimezone(UTC).replace(microsecond=0)  # the same on every backend
        if dialect.name == "sqlite":
            return utc_text(value)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return parse_utc(value)


def utc_text(value: datetime) -> str:
    """How a time is written in SQLite: ``2026-11-26 12:00:00+00:00`` (sorts as it reads)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")


def parse_utc(value: Any) -> datetime | None:
    """A stored time as an aware datetime, from SQLite text or a PostgreSQL value."""
    if value is None:
        return None
    if value.__class__ is str:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    """A stored date, from SQLite text or a PostgreSQL value."""
    if value is None or value.__class__ is date:
        return value
    return date.fromisoformat(value)


class ISODate(TypeDecorator[date]):
    impl = Date
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(10))
        return dialect.type_descriptor(Date())

    def process_bind_param(self, value: date | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.isoformat() if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        if value is None:
            return None
        if isinstance(value, str):
            return date.fromisoformat(value)
        assert isinstance(value, date)
        return value


def raw(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """Select ``column`` without per-value conversion, for hot loops that convert in bulk."""
    from sqlalchemy import type_coerce
    from sqlalchemy.types import NullType

    return type_coerce(column, NullType())
