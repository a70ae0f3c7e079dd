"""Fixtures of the web tools' tests: SMTP servers, the app on the test database, a network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from kith.config import load_settings
from kith.web.app import WebConfig, create_app
from webtools.rig import NETWORK, NOW, Inbox, SmtpServer, authenticator, certificate, free_port

StartServer = Callable[..., SmtpServer]


@pytest.fixture
def start_smtp(tmp_path: Path) -> Iterator[StartServer]:
    """Start SMTP servers: ``start_smtp(auth=True, starttls=False)``; stopped after the test."""
    running: list[Controller] = []

    def start(*, auth: bool = True, starttls: bool = False) -> SmtpServer:
        import ssl

        inbox = Inbox()
        port = free_port()
        kwargs: dict[str, Any] = {}
        cafile = ""
        if auth:
            kwargs.update(authenticator=authenticator, auth_require_tls=False)
        if starttls:
            cert, key = certificate(tmp_path)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            kwargs.update(tls_context=context, require_starttls=True)
            cafile = str(cert)
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        running.append(controller)
        return SmtpServer(port, inbox, cafile)

    try:
        yield start
    finally:
        for controller in running:
            controller.stop()


@pytest.fixture
def smtp_server(start_smtp: StartServer) -> SmtpServer:
    """A server that wants the test user's log-in, over plain text on loopback."""
    return start_smtp(auth=True)


@pytest.fixture
def make_client(env: dict[str, str], db_url: str) -> Iterator[Callable[..., TestClient]]:
    """A TestClient on the test database at ``NOW`` (settings read when it is made)."""
    made: list[TestClient] = []

    def make(now: str = NOW) -> TestClient:
        app = create_app(WebConfig(load_settings(), db=db_url, now=now))
        client = TestClient(app)
        made.append(client)
        return client

    try:
        yield make
    finally:
        for client in made:
            client.app.state.kith.close()  # type: ignore[attr-defined]


@pytest.fixture
def network(kith: Any) -> None:
    """The owner and two people: Mariam, met at the Forum last week; Bo, a close friend."""
    for command in NETWORK:
        result = kith(command)
        assert result.code == 0, (command, result.err)
