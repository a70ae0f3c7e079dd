"""The web application: one FastAPI app over the same services the CLI uses.

``create_app`` builds it from a ``WebConfig``.  The databases stay open for the
life of the app (one per account on a shared server); each request gets a
``Context`` with its own ``now`` (the clock, or a fixed time given with
``--now`` so that a session can be replayed).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from kith.config import Settings, load_settings
from kith.errors import InputError
from kith.services import accounts as account_service
from kith.services.context import Context, database_target, make_context
from kith.services.outreach import Today
from kith.storage.accounts import Account
from kith.storage.database import Database, normalize_url, one_look, open_database
from kith.web.assets import Assets
from kith.web.security import SecurityHeaders
from kith.web.shared import Shared

HERE = Path(__file__).parent


@dataclass
class WebConfig:
    settings: Settings
    db: str | None = None
    #: A fixed "now" (``kith serve --now``) instead of the clock.
    now: str | None = None
    host: str = "127.0.0.1"
    secret: str | None = None
    #: Send cookies only over HTTPS (behind a TLS proxy).
    secure_cookies: bool = False
    #: The folder the processes of one server share (``kith.web.shared``); None: a new one.
    shared: str | None = None


class AgendaCache:
    """The day's agenda, kept while nothing changes (at most ``ttl`` seconds).

    Computing the agenda reads everyone who may need attention: a tenth of a
    second on 50,000 people.  It is the same until the data, the settings or the
    day change, so pages and the API reuse it; any commit, through this process
    or another (``Database.change_marker``), makes it be computed again.
    ``ttl`` bounds how long an answer is kept all the same.
    """

    def __init__(self, ttl: float = 60.0, size: int = 64) -> None:
        self.ttl, self.size = ttl, size
        self._found: dict[tuple[object, ...], tuple[tuple[int | str, ...], float, Today]] = {}
        self._lock = threading.Lock()
        self._computing = threading.Lock()
        self._settings: tuple[object, str] = (None, "")

    def _key(self, ctx: Context, limit: int | None) -> tuple[object, ...]:
        # The rules come from the settings; the settings are written out once per object.
        seen, written = self._settings
        if seen is not ctx.settings:
            seen, written = ctx.settings, repr(sorted(ctx.settings.values.items()))
            self._settings = (seen, written)
        return (ctx.db.url, ctx.today, str(ctx.tz), limit, written)

    def peek(self, ctx: Context, *, limit: int | None = None) -> Today | None:
        """The agenda if it is known and current, else None (nothing is computed)."""
        marker = ctx.db.change_marker()
        with self._lock:
            hit = self._found.get(self._key(ctx, limit))
        if hit is not None and hit[0] == marker and time.monotonic() - hit[1] < self.ttl:
            return hit[2]
        return None

    def today(self, ctx: Context, *, limit: int | None = None) -> Today:
        from kith.services import outreach

        found = self.peek(ctx, limit=limit)
        if found is not None:
            return found
        # One computation at a time: requests that arrive meanwhile wait for it and take
        # its answer, instead of each computing the same agenda again.
        with self._computing:
            found = self.peek(ctx, limit=limit)
            if found is not None:
                return found
            marker = ctx.db.change_marker()  # before reading: a commit meanwhile makes it stale
            moment = time.monotonic()
            found = outreach.today(ctx, limit=limit)
            with self._lock:
                if len(self._found) >= self.size:
                    self._found.clear()
                self._found[self._key(ctx, limit)] = (marker, moment, found)
            return found

    async def today_async(self, ctx: Context, *, limit: int | None = None) -> Today:
        """``today`` for a page answered on the event loop: when the agenda must be
        computed (a tenth of a second or more), that happens in a worker thread so
        that other requests go on meanwhile."""
        from starlette.concurrency import run_in_threadpool

        found = self.peek(ctx, limit=limit)
        if found is not None:
            return found
        return await run_in_threadpool(self.today, ctx, limit=limit)


@dataclass
class Kith:
    """What the app holds: settings, the main database, and each account's database."""

    config: WebConfig
    main: Database
    main_target: str
    _databases: dict[int, Database] = field(default_factory=dict)
    agenda: AgendaCache = field(default_factory=AgendaCache)
    #: Demo networks, by where they live (each beside the database of its account).
    _demos: dict[str, Database] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: What the worker processes of this server share (import progress, locks).
    shared: Shared = field(default_factory=Shared)
    #: The config file as last read: (inode, size, time), see ``refresh_settings``.
    _settings_stamp: tuple[int, int, int] | None = None

    def __post_init__(self) -> None:
        self._settings_stamp = _stamp(self.config.settings.config_path)

    @property
    def settings(self) -> Settings:
        return self.config.settings

    def refresh_settings(self) -> Settings:
        """The settings, read again if the config file changed since they were read.

        Settings saved by another worker process of this server (or by ``kith
        config set`` meanwhile) take effect here with the next request.
        """
        current = self.config.settings
        stamp = _stamp(current.config_path)
        if stamp != self._settings_stamp:
            self.reload_settings()
        return self.config.settings

    def reload_settings(self) -> Settings:
        """Read the config file again (keeping what came from the command line)."""
        current = self.config.settings
        origins = current.origins.items()
        overrides = {n: current.values[n] for n, o in origins if o == "command line"}
        env = {**os.environ, "KITH_CONFIG": str(current.config_path)}
        self._settings_stamp = _stamp(current.config_path)
        self.config.settings = load_settings(env, overrides)
        return self.config.settings

    @contextlib.contextmanager
    def demo_lock(self) -> Iterator[None]:
        """Held while a demo network is being built (one at a time, in any worker)."""
        with self.shared.lock("demo"):
            yield

    def clock(self) -> datetime:
        return datetime.now(UTC)

    def database(self, account: Account | None) -> Database:
        """The database that holds ``account``'s people (the main one without accounts)."""
        if account is None or not account.data:
            return self.main
        with self._lock:
            found = self._databases.get(account.id)
            if found is None:
                found = self._databases[account.id] = open_database(account.data)
            return found

    def demo_database(self, account: Account | None) -> Database:
        """The demo network of ``account``: a database of its own beside theirs, never theirs."""
        target = self._demo_target(account)
        with self._lock:
            found = self._demos.get(target)
            if found is None:
                found = self._demos[target] = open_database(target)
            return found

    def _demo_target(self, account: Account | None) -> str:
        own = account.data if account is not None and account.data else self.main_target
        return demo_target(own)

    def demo_started(self, account: Account | None) -> bool:
        """Has ``account``'s demo network been made?  (Asking creates no file.)"""
        url = sa.engine.make_url(normalize_url(self._demo_target(account)))
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
            return False
        with self.demo_database(account).read() as conn:
            return conn.execute(sa.text("SELECT 1 FROM people LIMIT 1")).first() is not None

    def context(self, account: Account | None, *, demo: bool = False) -> Context:
        """A context on ``account``'s database, or on their demo network with ``demo``."""
        database = self.demo_database(account) if demo else self.database(account)
        settings = self.refresh_settings()
        return make_context(database, settings, now=self.config.now, clock=self.clock())

    def login_required(self) -> bool:
        """Login is needed on any address but loopback, and whenever accounts exist."""
        return not is_loopback(self.config.host) or account_service.count_accounts(self.main) > 0

    def close(self) -> None:
        for db in [*self._databases.values(), *self._demos.values()]:
            db.dispose()
        self.main.dispose()
        self.shared.close()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


class OneLook:
    """ASGI middleware: each request asks PostgreSQL for its snapshot once (``one_look``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with one_look():
            await self.app(scope, receive, send)


def demo_target(target: str) -> str:
    """Where the demo network of the database at ``target`` lives.

    SQLite: a file beside it, ``kith.db`` → ``kith+demo.db`` ("+" is in no user
    name, so no account's file can be called that).  PostgreSQL: a schema of
    its own, ``kith_demo`` or ``<account's schema>_demo`` (account schemas end
    in a number).
    """
    url = sa.engine.make_url(normalize_url(target))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise InputError("a database in memory has no demo network beside it", field="db")
        path = Path(url.database)
        return str(path.with_name(f"{path.stem}+demo{path.suffix or '.db'}"))
    schema = url.query.get("kith_schema")
    name = f"{schema}_demo" if isinstance(schema, str) and schema else "kith_demo"
    return url.update_query_dict({"kith_schema": name}).render_as_string(hide_password=False)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(config: WebConfig) -> FastAPI:
    from kith import __version__
    from kith.web import pages

    target = database_target(config.settings, config.db)
    kith = Kith(config, open_database(target), target, shared=Shared(config.shared))
    app = FastAPI(
        title="Kith",
        version=__version__,
        description="Kith's REST API: people, interactions, the agenda, drafts, outreach and "
        "introductions. Authenticate with `Authorization: Bearer <token>` (make one in "
        "Settings or with `kith token create`).",
        docs_url=None,  # /api/docs is served by kith.web.api, from /static (no CDN)
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.kith = kith
    secret = config.secret or secrets.token_urlsafe(32)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="kith_session",
        max_age=14 * 24 * 3600,
        same_site="lax",
        https_only=config.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(OneLook)
    app.mount("/static", Assets(directory=HERE / "static"), name="static")
    pages.register(app)
    _optional_routers(app)
    app.router.on_shutdown.append(kith.close)
    return app


def _optional_routers(app: FastAPI) -> None:
    """The API and the feeds, when present."""
    import importlib

    for name in ("kith.web.api", "kith.web.feeds", "kith.web.pages_tools"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)
