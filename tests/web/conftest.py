"""The web app on a real database (SQLite or PostgreSQL), with API tokens and accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kith.services import accounts
from kith.storage.accounts import Account
from web.webtools import PASSWORD, Api, kith_of, make_app, new_token


@pytest.fixture
def api(env: dict[str, str], db_url: str) -> Iterator[Api]:
    """The app on the test database (SQLite or PostgreSQL) at 2026-11-26, and an API token."""
    app = make_app(db_url)
    with TestClient(app) as client:
        yield Api(app, client, new_token(app))


@pytest.fixture
def add_account(api: Api, backend: str) -> Iterator[Callable[[str], Account]]:
    """Add accounts to the app's server; their PostgreSQL schemas are dropped afterwards."""
    made: list[Account] = []
    kith = kith_of(api.app)

    def add(username: str) -> Account:
        account = accounts.add_account(
            kith.main, kith.main_target, username, PASSWORD, datetime.now(UTC)
        )
        made.append(account)
        return account

    yield add
    if backend == "postgresql":
        engine = sa.create_engine(kith.main_target)
        try:
            with engine.begin() as conn:
                for account in made:
                    if account.data:
                        schema = sa.engine.make_url(account.data).query["kith_schema"]
                        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        finally:
            engine.dispose()
