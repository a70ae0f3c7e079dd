"""A new user's path in a real browser: Debian's Chromium driven by Playwright.

``kith serve`` runs as its own process on a free loopback port with a fresh
database and a fixed ``--now``; every step saves a screenshot under
tests/screenshots/ (desktop and phone), to be looked at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
KITH = str(Path(sys.executable).with_name("kith"))


@dataclass
class Server:
    url: str
    env: dict[str, str]

    def kith(self, *args: str) -> str:
        done = subprocess.run(
            [KITH, *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KITH_")},
        "KITH_DB": str(tmp_path / "kith.db"),
        "KITH_CONFIG": str(tmp_path / "config.toml"),
        "KITH_NOW": "2026-11-26T10:00:00",
        "HOME": str(tmp_path),
    }
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [KITH, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/login", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "serve.log").read_text()) from None
                time.sleep(0.1)
        yield Server(url, env)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `bash scripts/system-deps.sh` (apt: chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(
    ("device", "size", "scheme"),
    [
        ("desktop", {"width": 1280, "height": 800}, "light"),
        ("phone", {"width": 375, "height": 812}, "dark"),
    ],
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
