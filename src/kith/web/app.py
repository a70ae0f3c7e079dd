"""The web application: one FastAPI app over the same services the CLI uses.

``create_app`` builds it from a ``WebConfig``.  The databases stay open for the
life of the app (one per account on a shared server); each request gets a
``Context`` with its own ``now`` (the clock, or a fixed time given with
``--now`` so that a session can be replayed).
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from kith.config import Settings
from kith.services import accounts as account_service
from kith.services.context import Context, database_target, make_context
from kith.storage.accounts import Account
from kith.storage.database import Database, open_database
from kith.web.security import SecurityHeaders

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


@dataclass
class Kith:
    """What the app holds: settings, the main database, and each account's database."""

    config: WebConfig
    main: Database
    main_target: str
    _databases: dict[int, Database] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def settings(self) -> Settings:
        return self.config.settings

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

    def context(self, account: Account | None) -> Context:
        return make_context(
            self.database(account), self.settings, now=self.config.now, clock=self.clock()
        )

    def login_required(self) -> bool:
        """Login is needed on any address but loopback, and whenever accounts exist."""
        return not is_loopback(self.config.host) or account_service.count_accounts(self.main) > 0

    def close(self) -> None:
        for db in self._databases.values():
            db.dispose()
        self.main.dispose()


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
    kith = Kith(config, open_database(target), target)
    app = FastAPI(
        title="Kith",
        version=__version__,
        description="Kith's REST API: people, interactions, the agenda, drafts, outreach and "
        "introductions. Authenticate with `Authorization: Bearer <token>` (make one in "
        "Settings or with `kith token create`).",
        docs_url="/api/docs",
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
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    pages.register(app)
    _optional_routers(app)
    app.router.on_shutdown.append(kith.close)
    return app


def _optional_routers(app: FastAPI) -> None:
    """The API and the feeds, when present."""
    import importlib

    for name in ("kith.web.api", "kith.web.feeds"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)
