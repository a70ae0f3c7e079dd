"""Open a Kith database by URL or path, and keep its schema at the current revision."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from kith.errors import StorageError

T = TypeVar("T")

#: The newest migration this version of Kith knows; a test keeps it equal to Alembic's head.
HEAD_REVISION = "0007"


#: Objects the migrations create that the table metadata does not describe.
EXTRA_OBJECTS = frozenset(
    {"people_search", "ix_people_search_trgm", "ix_person_stats_strength", "ix_person_stats_due"}
)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """For Alembic's comparisons: leave out the search index and its FTS5 shadow tables."""
    return not (name and (name in EXTRA_OBJECTS or name.startswith("people_search_")))


def normalize_url(target: str | Path) -> str:
    """A filesystem path becomes a SQLite URL; ``postgresql://`` uses psycopg 3."""
    text = str(target)
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        return f"sqlite:///{path}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return url


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """A Kith database: an SQLAlchemy engine whose schema is at ``HEAD_REVISION``."""

    def __init__(self, engine: Engine, target: str | None = None) -> None:
        self.engine = engine
        self._target = target
        #: Bumped after every transaction this process commits (a cache's change marker).
        self.generation = 0
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        #: The files whose size and time tell another process's commits (SQLite).
        self._files: tuple[Path, ...] = (
            (Path(database), Path(database + "-wal")) if database and database != ":memory:" else ()
        )
        self._remembered: dict[Hashable, tuple[tuple[int | str, ...], Any]] = {}
        self._remembered_lock = threading.Lock()

    @property
    def url(self) -> str:
        return describe_url(self._target or self.engine.url.render_as_string(hide_password=False))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        try:
            with self.engine.begin() as conn:
                yield conn
            self.generation += 1
        except SQLAlchemyError as exc:
            raise StorageError(
                f"the database could not complete the change: {_first_line(exc)}",
                hint=f"database: {self.url}",
            ) from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (no commit)."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StorageError(
                f"the database could not be read: {_first_line(exc)}", hint=f"database: {self.url}"
            ) from exc

    def change_marker(self) -> tuple[int | str, ...]:
        """What changes whenever the data may have: this process's commits, and another
        process's.

        SQLite: the database and write-ahead-log files' size and time.  PostgreSQL:
        the server's current snapshot (the oldest transaction still running that
        writes, the next to start, and those in between), which moves whenever any
        transaction that wrote anything ends: a conservative marker (a change in
        another database moves it too) that never misses a commit.
        """
        marker: list[int | str] = [self.generation]
        if self.dialect == "postgresql":
            looked = _LOOKED.get()
            snapshot = looked.get(id(self)) if looked is not None else None
            if snapshot is None:
                try:
                    with self.engine.connect() as conn:
                        snapshot = str(conn.exec_driver_sql(_SNAPSHOT).scalar_one())
                except SQLAlchemyError as exc:
                    raise StorageError(
                        f"the database could not be read: {_first_line(exc)}",
                        hint=f"database: {self.url}",
                    ) from exc
                if looked is not None:
                    looked[id(self)] = snapshot
            marker.append(snapshot)
            return tuple(marker)
        for path in self._files:
            try:
                stat = path.stat()
            except OSError:
                continue
            marker += [stat.st_mtime_ns, stat.st_size]
        return tuple(marker)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or its answer from before while the data has not changed.

        For small answers every page asks for (the owner, whether accounts exist,
        whether the statistics are current): reading them again costs more than the
        page's own query.  The change marker is taken before computing, so a commit
        made meanwhile makes the next call compute again; a commit by another
        process (a second worker of the server, a command) is seen at once.
        """
        marker = self.change_marker()
        with self._remembered_lock:
            hit = self._remembered.get(key)
        if hit is not None and hit[0] == marker:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        with self._remembered_lock:
            if len(self._remembered) >= 256:
                self._remembered.clear()
            self._remembered[key] = (marker, value)
        return value

    def dispose(self) -> None:
        self.engine.dispose()


#: Within ``one_look``: each PostgreSQL database's snapshot (by ``id``), asked once.
_LOOKED: ContextVar[dict[int, str] | None] = ContextVar("kith_looked", default=None)


@contextlib.contextmanager
def one_look() -> Iterator[None]:
    """Within this block (one web request), PostgreSQL's snapshot is asked once per database.

    A page asks ``change_marker`` for every answer it may reuse, half a dozen times;
    on PostgreSQL each would be a round trip.  Another process's commit made during
    the block is seen by the next one; this process's own commits are seen at once
    all the same (``generation``).
    """
    token = _LOOKED.set({})
    try:
        yield
    finally:
        _LOOKED.reset(token)


#: PostgreSQL's snapshot as text: ``xmin:xmax:in-progress,…`` (PostgreSQL 13 and later).
_SNAPSHOT = "SELECT pg_current_snapshot()::text"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    parsed = sa.engine.make_url(url)
    options = "-c timezone=UTC"
    schema = parsed.query.get("kith_schema")
    if isinstance(schema, str) and schema:
        # An account of a shared server: its own schema, first on the search path.
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
            raise ValueError(f"{schema!r} is not a schema name Kith makes")
        parsed = parsed.difference_update_query(["kith_schema"])
        # Its tables come first; extensions (pg_trgm) are found in public after them.
        options += f" -c search_path={schema},public"
        bootstrap = sa.create_engine(parsed, isolation_level="AUTOCOMMIT")
        try:
            with bootstrap.connect() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                # An empty version table of its own, so that the main schema's is never
                # taken for this one's: Alembic then builds every table here, from the start.
                conn.execute(
                    sa.text(
                        f'CREATE TABLE IF NOT EXISTS "{schema}".alembic_version '
                        "(version_num VARCHAR(32) NOT NULL, "
                        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
                    )
                )
        finally:
            bootstrap.dispose()
    return sa.create_engine(parsed, connect_args={"options": options}, pool_pre_ping=True)


def open_database(target: str | Path, *, migrate: bool = True) -> Database:
    """Open (and create or upgrade, unless ``migrate`` is False) the database at ``target``."""
    url = normalize_url(target)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StorageError(
            f"cannot use database {describe_url(url)!r}: {_first_line(exc)}",
            hint="give a file path or a URL such as postgresql+psycopg://user@host/db",
        ) from exc
    db = Database(engine, url)
    current = schema_revision(db)
    if current != HEAD_REVISION:
        if not migrate:
            raise StorageError(
                f"database {db.url} is at schema {current or 'none'}, Kith needs {HEAD_REVISION}",
                hint="run `kith db upgrade`",
            )
        upgrade(db)
    return db


def schema_revision(db: Database) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    try:
        with db.engine.connect() as conn:
            try:
                return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            except (sa.exc.OperationalError, sa.exc.ProgrammingError):
                conn.rollback()
                if sa.inspect(conn).has_table("alembic_version"):
                    raise
                return None
    except SQLAlchemyError as exc:
        raise StorageError(
            f"cannot open database {db.url}: {_first_line(exc)}",
            hint="check the path or URL given with --db or KITH_DB",
        ) from exc


def alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "kith.storage:migrations")
    config.attributes["connection"] = conn
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic migrations, in one transaction)."""
    from alembic import command
    from alembic.util.exc import CommandError

    try:
        with db.engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    except CommandError as exc:
        raise StorageError(
            f"database {db.url} cannot be upgraded: {exc}",
            hint="it may have been written by a newer Kith; upgrade Kith",
        ) from exc
    except SQLAlchemyError as exc:
        raise StorageError(f"upgrading database {db.url} failed: {_first_line(exc)}") from exc


def reset_sequences(conn: Connection) -> None:
    """After rows were written with ids of their own: move PostgreSQL's id sequences past them."""
    if conn.dialect.name != "postgresql":
        return
    from kith.storage.tables import ALL_TABLES

    for table in ALL_TABLES:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer) or table.name == "owner":
            continue
        column = key[0].name
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                f"COALESCE((SELECT MAX({column}) FROM {table.name}), 0) + 1, false)"
            )
        )
