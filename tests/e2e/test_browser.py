"""A new user's path in a real browser: Debian's Chromium driven by Playwright.

``kith serve`` runs as its own process on a free loopback port with a fresh
database and a fixed ``--now``; every step saves a screenshot under
tests/screenshots/ (desktop and phone), to be looked at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from e2e.rig import DEVICES, Server, shot


@pytest.mark.parametrize(
    ("device", "size", "scheme"),
    DEVICES,
)
def test_a_new_user_is_welcomed(
    browser: Browser, server: Server, device: str, size: dict[str, int], scheme: str
) -> None:
    context = browser.new_context(viewport=size, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Welcome to Kith")).to_be_visible()
    expect(page.get_by_role("link", name="Add someone you met")).to_be_visible()
    shot(page, f"welcome-{device}-{scheme}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert errors == [], errors  # no CSP violation, no script error
    context.close()
