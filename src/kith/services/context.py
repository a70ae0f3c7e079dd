"""What every use case needs: the database, the settings, the owner's zone and ``now``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from kith.config import Settings, user_data_dir
from kith.domain.rules import Rules
from kith.interchange.normalize import parse_moment, zone
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
    with database.read() as conn:
        owner = people_store.get_owner(conn)
    tz = zone(owner.timezone)
    if isinstance(now, datetime):
        moment = now.astimezone(UTC)
    elif now:
        moment = parse_moment(now, tz)
    elif clock is not None:
        moment = clock.astimezone(UTC)
    else:
        raise ValueError("make_context needs now or clock")
    return Context(database, settings, moment, tz, settings.rules())
