"""The web app's safety: who may come in, forms that cannot be forged, headers, accounts apart."""

from __future__ import annotations

import hashlib
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import KithRunner
from kith.config import load_settings
from kith.services import accounts
from kith.web.app import WebConfig, create_app, is_loopback
from kith.web.security import HEADERS, LoginThrottle

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def client_for(db_url: str, host: str = "127.0.0.1") -> TestClient:
    app = create_app(WebConfig(load_settings(), db=db_url, now="2026-11-26", host=host))
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture
def web(env: dict[str, str], db_url: str) -> Iterator[TestClient]:
    with client_for(db_url) as client:
        yield client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page) or re.search(
        r'"X-CSRF-Token": "([^"]+)"', page
    )
    assert found, page[:500]
    return found.group(1)


def test_a_first_visit_is_welcomed_with_the_three_ways_in(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert "Welcome to Kith" in page.text
    for link in ('href="/import"', 'href="/people/new"', 'href="/demo"'):
        assert link in page.text


def test_every_response_carries_the_security_headers(web: TestClient) -> None:
    assert "httponly" in web.get("/").headers["set-cookie"].lower()
    for path in ("/", "/login", "/static/kith.css", "/nowhere"):
        response = web.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
    assert "script-src 'self'" in HEADERS["content-security-policy"]


def test_htmx_is_served_from_kith_itself(web: TestClient) -> None:
    page = web.get("/").text
    found = re.search(r'<script src="(/static/htmx\.min\.js\?v=[0-9a-f]{12})"', page)
    assert found and "https://" not in page
    script = web.get(found.group(1))
    assert script.status_code == 200 and "htmx" in script.text[:200]


def test_files_named_by_their_digest_are_kept_by_browsers(web: TestClient) -> None:
    page = web.get("/").text
    named = re.findall(r'(?:href|src)="(/static/[^"?]+\?v=[0-9a-f]{12})"', page)
    assert {n.split("?")[0] for n in named} >= {"/static/kith.css", "/static/htmx.min.js"}
    for address in named:
        response = web.get(address)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    # Without the digest, or with another one (an older Kith's): check with the server first.
    for address in ("/static/kith.css", "/static/kith.css?v=000000000000"):
        response = web.get(address)
        assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
        again = web.get(address, headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304
    body = web.get(named[0]).content
    assert hashlib.sha256(body).hexdigest()[:12] == named[0].rsplit("=", 1)[1]


def test_forms_without_the_session_token_are_refused(web: TestClient) -> None:
    web.get("/login")
    forged = web.post("/login", data={"username": "x", "password": "y"})
    assert forged.status_code == 403
    wrong = web.post("/login", data={"username": "x", "password": "y", "csrf": "nope" * 8})
    assert wrong.status_code == 403


def test_loopback_without_accounts_needs_no_sign_in_but_accounts_do(
    web: TestClient, kith: KithRunner
) -> None:
    assert web.get("/", follow_redirects=False).status_code == 200
    kith_state = web.app.state.kith  # type: ignore[attr-defined]
    accounts.add_account(
        kith_state.main, kith_state.main_target, "sam", "correct horse battery", NOW
    )
    gone = web.get("/", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    form = web.get("/login").text
    bad = web.post(
        "/login", data={"username": "sam", "password": "wrong password!", "csrf": csrf_of(form)}
    )
    assert bad.status_code == 401 and "do not match" in bad.text
    good = web.post(
        "/login",
        data={"username": "sam", "password": "correct horse battery", "csrf": csrf_of(form),
              "next": "https://evil.example/"},
        follow_redirects=False,
    )  # fmt: skip
    assert good.status_code == 303 and good.headers["location"] == "/"
    assert web.get("/").status_code == 200
    page = web.get("/").text
    assert "Sign out sam" in page
    out = web.post("/logout", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert out.status_code == 303
    assert web.get("/", follow_redirects=False).status_code == 303


def test_login_attempts_are_throttled(web: TestClient) -> None:
    kith_state = web.app.state.kith  # type: ignore[attr-defined]
    accounts.add_account(
        kith_state.main, kith_state.main_target, "sam", "correct horse battery", NOW
    )
    token = csrf_of(web.get("/login").text)
    codes = [
        web.post(
            "/login", data={"username": "sam", "password": f"guess {i}!!!!!", "csrf": token}
        ).status_code
        for i in range(6)
    ]
    assert codes == [401] * 5 + [429]
    blocked = web.post(
        "/login", data={"username": "sam", "password": "correct horse battery", "csrf": token}
    )
    assert blocked.status_code == 429 and "Try again in" in blocked.text


def test_the_throttle_forgets_after_its_window() -> None:
    throttle = LoginThrottle(limit=2, window=60)
    throttle.failed("k", now=0)
    throttle.failed("k", now=1)
    assert throttle.blocked_for("k", now=2) == pytest.approx(58)
    assert throttle.blocked_for("k", now=61.5) == 0


def test_a_server_on_another_address_always_asks_for_sign_in(
    env: dict[str, str], db_url: str
) -> None:
    with client_for(db_url, host="0.0.0.0") as client:
        assert client.get("/", follow_redirects=False).status_code == 303
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_kith_serve_refuses_other_addresses_without_accounts(kith: KithRunner) -> None:
    result = kith("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.code != 0
    assert "kith user add" in result.err and "Traceback" not in result.err


def test_kith_serve_says_when_its_port_is_taken(kith: KithRunner) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kith("serve", "--port", str(port), "--workers", "2")
    assert result.code != 0
    assert f"port {port} on 127.0.0.1 is taken" in result.err
    assert f"kith serve --port {port + 1}" in result.err and "Traceback" not in result.err
    assert "running" not in result.out


def test_user_content_is_escaped(web: TestClient, kith: KithRunner) -> None:
    kith("--now", "2026-11-20", "add", "<script>alert(1)</script>", "--met-at", "<b>x</b>")
    page = web.get("/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_each_account_sees_only_its_own_people(
    env: dict[str, str], db_url: str, kith: KithRunner, tmp_path: Path
) -> None:
    kith("--now", "2026-11-20", "add", "Ann Main", "--met-at", "the Forum")
    added = [
        kith("user", "add", name, "--password", "correct horse battery") for name in ("sam", "bo")
    ]
    assert all(r.code == 0 for r in added), [r.err for r in added]
    assert "people already in this database" in added[0].out
    assert "an empty network" in added[1].out
    with client_for(db_url) as client:

        def sign_in(name: str) -> None:
            client.cookies.clear()
            token = csrf_of(client.get("/login").text)
            done = client.post(
                "/login",
                data={"username": name, "password": "correct horse battery", "csrf": token},
                follow_redirects=False,
            )
            assert done.status_code == 303

        sign_in("sam")
        assert "Ann Main" in client.get("/").text
        sign_in("bo")
        bo_home = client.get("/").text
        assert "Ann Main" not in bo_home and "Welcome to Kith" in bo_home
        kith_state = client.app.state.kith  # type: ignore[attr-defined]
        bo = next(a for a in accounts.list_accounts(kith_state.main) if a.username == "bo")
        assert kith_state.database(bo).url != kith_state.main.url


def test_the_session_secret_is_made_once_and_kept_private(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kith.web.secret import session_secret

    monkeypatch.delenv("KITH_WEB_SECRET", raising=False)
    settings = load_settings()
    first = session_secret(settings)
    assert first == session_secret(settings) and len(first) >= 32
    path = settings.config_path.parent / "web-secret"
    assert path.stat().st_mode & 0o777 == 0o600
