"""Who is asking, and keeping the pages safe: sessions, CSRF, headers, login attempts."""

from __future__ import annotations

import contextlib
import hmac
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kith.web.shared import Shared

#: Sent with every response.  Scripts and styles come only from Kith itself.
HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware adding ``HEADERS`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.encode(), v.encode()) for k, v in HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.raw if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """This session's CSRF token (made on first use)."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok(session: MutableMapping[str, Any], given: str | None) -> bool:
    expected = session.get("csrf")
    return bool(isinstance(expected, str) and given and hmac.compare_digest(expected, given))


class LoginThrottle:
    """At most ``limit`` failed logins per key (address and user name) in ``window`` seconds.

    With ``shared``, the failures are counted in the server's shared folder, so
    that every worker process of the server sees the same count.
    """

    def __init__(self, limit: int = 5, window: float = 15 * 60, shared: Shared | None = None):
        self.limit, self.window = limit, window
        self.shared = shared
        self._memory: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _failures(self) -> Iterator[dict[str, list[float]]]:
        if self.shared is None:
            with self._lock:
                yield self._memory
            return
        with self.shared.lock("logins"):
            found = self.shared.read("logins")
            failures: dict[str, list[float]] = found if isinstance(found, dict) else {}
            yield failures
            self.shared.write("logins", failures)

    def _recent(self, failures: dict[str, list[float]], key: str, now: float) -> list[float]:
        for other in [k for k, times in failures.items() if now - times[-1] > self.window]:
            del failures[other]  # forget whoever has not failed for a while
        found = failures.setdefault(key, [])
        found[:] = [moment for moment in found if now - moment <= self.window]
        return found

    def blocked_for(self, key: str, now: float | None = None) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        moment = time.monotonic() if now is None else now
        with self._failures() as failures:
            found = self._recent(failures, key, moment)
            if not found:
                del failures[key]
            if len(found) < self.limit:
                return 0.0
            return max(0.0, self.window - (moment - found[0]))

    def failed(self, key: str, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        with self._failures() as failures:
            self._recent(failures, key, moment).append(moment)

    def succeeded(self, key: str) -> None:
        with self._failures() as failures:
            failures.pop(key, None)


Handler = Callable[..., Awaitable[Any]]
