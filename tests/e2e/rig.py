"""The rig for the browser tests: ``kith serve`` as its own process, Chromium, screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Any

from playwright.sync_api import Page

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
KITH = str(Path(sys.executable).with_name("kith"))
NOW = "2026-11-26T10:00:00"

# (device, viewport, colour scheme): a laptop in light, a phone in dark.
DEVICES = [
    ("desktop", {"width": 1280, "height": 800}, "light"),
    ("phone", {"width": 375, "height": 812}, "dark"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``kith serve`` on a free loopback port over one database; restartable at a later now."""

    def __init__(self, home: Path, now: str = NOW) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KITH_")},
            "KITH_DB": str(home / "kith.db"),
            "KITH_CONFIG": str(home / "config.toml"),
            "KITH_NOW": now,
            "HOME": str(home),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.log: IO[Any] | None = None

    def start(self) -> None:
        self.log = (self.home / "serve.log").open("a")
        self.proc = subprocess.Popen(
            [KITH, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/login", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((self.home / "serve.log").read_text()) from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def restart(self, now: str) -> None:
        """The same database and port, the clock moved to ``now``."""
        self.stop()
        self.env["KITH_NOW"] = now
        self.start()

    def kith(self, *args: str) -> str:
        done = subprocess.run(
            [KITH, *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
