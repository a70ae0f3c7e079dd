"""Helpers for the web tests: the app on a test database, API tokens, a client with one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kith.config import load_settings
from kith.services import accounts
from kith.storage.accounts import Account
from kith.web.app import Kith, WebConfig, create_app

NOW = "2026-11-26"
PASSWORD = "correct horse battery"


def make_app(db_url: str, now: str = NOW) -> FastAPI:
    return create_app(WebConfig(load_settings(), db=db_url, now=now))


def kith_of(app: FastAPI) -> Kith:
    found = app.state.kith
    assert isinstance(found, Kith)
    return found


def new_token(app: FastAPI, account: Account | None = None, scope: str = "api") -> str:
    return accounts.create_token(
        kith_of(app).main,
        account_id=account.id if account else None,
        name="tests",
        scope=scope,
        now=datetime.now(UTC),
    )


@dataclass
class Api:
    """A test client on the app, with a token for the main database."""

    app: FastAPI
    client: TestClient
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        return self.client.get("/api/v1" + path, headers=self._auth(token))

    def post(self, path: str, json: object = None, token: str | None = None) -> httpx.Response:
        return self.client.post("/api/v1" + path, json=json, headers=self._auth(token))

    def patch(self, path: str, json: object = None, token: str | None = None) -> httpx.Response:
        return self.client.patch("/api/v1" + path, json=json, headers=self._auth(token))

    def _auth(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}
