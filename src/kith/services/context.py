"""What every use case needs: the database, the settings, the owner's zone and ``now``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy.engine import Connection

from kith.config import Settings, user_data_dir
from kith.domain.model import Owner
from kith.domain.rules import Rules
from kith.interchange.normalize import parse_moment, zone
from kith.storage import history as history_store
from kith.storage import people as people_store
from kith.storage.database import Database, open_database


@dataclass(frozen=True, slots=True)
class Context:
    """One run of Kith: the database, settings and the reference time of every rule."""

    db: Database
    settings: Settings
    now: datetime
    tz: tzinfo
    rules: Rules

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


def database_target(settings: Settings, given: str | None = None) -> str:
    """``--db``/``KITH_DB``, else the ``db`` setting, else kith.db in the user data dir."""
    if given:
        return given
    if settings["db"]:
        return str(settings["db"])
    return str(user_data_dir() / "kith.db")


def open_context(
    settings: Settings,
    *,
    db: str | None = None,
    now: str | datetime | None = None,
    clock: datetime | None = None,
) -> Context:
    """Open the database and fix ``now``: given text (``--now``), a datetime, else ``clock``.

    ``clock`` is the wall-clock time read by the caller (the CLI or the web app);
    nothing below this line reads the clock.
    """
    database = open_database(database_target(settings, db))
    return make_context(database, settings, now=now, clock=clock)


def make_context(
    database: Database,
    settings: Settings,
    *,
    now: str | datetime | None = None,
    clock: datetime | None = None,
) -> Context:
    """A context on an open database (the web app keeps its databases open)."""
    tz = zone(owner_of(database).timezone)
    if isinstance(now, datetime):
        moment = now.astimezone(UTC)
    elif now:
        moment = parse_moment(now, tz)
    elif clock is not None:
        moment = clock.astimezone(UTC)
    else:
        raise ValueError("make_context needs now or clock")
    return Context(database, settings, moment, tz, settings.rules())


def owner_of(database: Database) -> Owner:
    """The owner's profile (read again only after a change)."""

    def read() -> Owner:
        with database.read() as conn:
            return people_store.get_owner(conn)

    return database.remember("owner", read)


def staleness(
    ctx: Context, conn: Connection, person_ids: Sequence[int] | None = None
) -> tuple[bool, list[int]]:
    """``storage.history.stale_stats`` for reading: whether the statistics are outdated
    is read again only after a change; who has history after ``now`` is asked only
    when anyone has (a replayed date: the latest contact is kept until a change).

    Only for connections that write nothing: an answer read inside a transaction
    that is then rolled back would be kept.
    """
    outdated = ctx.db.remember(
        ("stats outdated", history_store.rules_key(ctx.rules)),
        lambda: history_store.stats_outdated(conn, ctx.rules),
    )
    latest = ctx.db.remember("latest contact", lambda: history_store.latest_contact(conn))
    if latest is None or latest <= ctx.now:
        return outdated, []
    return outdated, history_store.history_after(conn, ctx.now, person_ids)
