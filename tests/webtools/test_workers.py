"""``kith serve --workers 2``: two processes answer, and they answer as one server.

Each request here opens a new connection (``Connection: close``), so the
operating system hands it to either worker.  Whatever one of them did (a person
added, a setting saved, an import started, a failed login, a digest sent), the
other must show at once: over a dozen requests, both are asked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import CORPUS, KithRunner
from webtools.rig import PASSWORD, SmtpServer, free_port, smtp_config, write_config

KITH = str(Path(sys.executable).with_name("kith"))
ASKS = 14  # requests after each change: each goes to either worker
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')

pytestmark = pytest.mark.usefixtures("network")


class Served:
    """``kith serve --workers 2`` as its own process; a client whose every request is new."""

    def __init__(self, env: dict[str, str], home: Path, now: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = home / "serve.log"
        environment = {**os.environ, **env, "KITH_NOW": now, "HOME": str(home)}
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [KITH, "serve", "--workers", "2", "--port", str(self.port)],
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.client = httpx.Client(
            base_url=self.url, headers={"Connection": "close"}, timeout=20, follow_redirects=False
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client.get("/static/favicon.svg").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(self.log.read_text())
            time.sleep(0.1)

    def csrf(self, page: str = "/settings") -> str:
        found = _CSRF.search(self.client.get(page).text)
        assert found, f"no CSRF token on {page}"
        return found.group(1)

    def pages(self, path: str) -> list[str]:
        """``path`` asked ``ASKS`` times, each over a new connection."""
        answers = [self.client.get(path) for _ in range(ASKS)]
        assert [a.status_code for a in answers] == [200] * ASKS
        return [a.text for a in answers]

    def stop(self) -> str:
        self.client.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.log.read_text()


@pytest.fixture
def serve(env: dict[str, str], tmp_path: Path) -> Iterator[type[Served]]:
    started: list[Served] = []

    def start(now: str = "2026-11-26T10:00:00") -> Served:
        served = Served(env, tmp_path, now)
        started.append(served)
        return served

    yield start  # type: ignore[misc]
    for served in started:
        log = served.stop()
        assert "Traceback" not in log, log


def test_what_one_worker_changes_every_worker_shows(serve: type[Served], env: dict) -> None:
    served = serve()
    assert served.proc.poll() is None
    # Both workers have read Today and the people before anything changes.
    assert all('id="item-' in page for page in served.pages("/"))
    assert all("Priya Raman" not in page for page in served.pages("/"))
    assert all("Nobody matches" in page for page in served.pages("/people?q=priya"))

    added = served.client.post(
        "/people/new",
        data={"csrf": served.csrf("/people/new"), "name": "Priya Raman", "met_at": "the Summit",
              "met_on": "2026-11-25"},
    )  # fmt: skip
    assert added.status_code == 303, added.text
    assert all("Priya Raman" in page for page in served.pages("/people?q=priya"))
    # Met the day before: on Today, for a follow-up, whichever worker answers.
    pid = added.headers["location"].rsplit("/", 1)[-1]
    assert all(f'id="item-{pid}"' in page for page in served.pages("/"))
    done = served.client.post(f"/people/{pid}/done", data={"csrf": served.csrf("/")})
    assert done.status_code == 303
    after = served.pages("/")
    assert all(f'id="item-{pid}"' not in page for page in after)
    assert all("<strong>1</strong> of" in page for page in after)  # the week counts it

    # A setting saved through one worker holds in the other.
    saved = served.client.post("/settings/rhythm", data={"csrf": served.csrf(), "weekly_goal": "9"})
    assert saved.status_code in (200, 303), saved.text
    assert all('name="weekly_goal" type="number" min="0" max="3650" value="9"' in page
               for page in served.pages("/settings"))  # fmt: skip
    assert all("<strong>1</strong> of 9 reached out to" in page for page in served.pages("/"))
    assert "weekly_goal = 9" in Path(env["KITH_CONFIG"]).read_text()


def test_an_import_started_by_one_worker_is_followed_by_both(serve: type[Served]) -> None:
    served = serve()
    vcards = sorted((CORPUS / "vcard").glob("*.vcf"))[:12]
    files = [("files", (p.name, p.read_bytes(), "text/vcard")) for p in vcards]
    started = served.client.post("/import", data={"csrf": served.csrf("/import")}, files=files)
    assert started.status_code == 303, started.text
    job = started.headers["location"]
    assert re.fullmatch(r"/import/[A-Za-z0-9_-]{16}", job)
    deadline = time.monotonic() + 60
    while True:
        progress = served.pages(job + "/progress")
        if all("See Today" in page for page in progress):
            break
        assert time.monotonic() < deadline, progress[-1]
        time.sleep(0.2)
    summary = served.pages(job)
    assert len(set(summary)) == 1  # the same summary from either worker
    added = re.search(r"<dt>added</dt><dd>(\d+)</dd>", summary[0])
    assert added and int(added.group(1)) > 0, summary[0]
    assert served.client.get("/import/AAAAAAAAAAAAAAAA").status_code == 404


def test_failed_logins_are_counted_across_workers(
    serve: type[Served], kith: KithRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITH_PASSWORD", "correct horse battery")
    assert kith("user add sam").code == 0
    served = serve()
    codes = []
    for _ in range(7):
        token = served.csrf("/login")
        answer = served.client.post(
            "/login", data={"csrf": token, "username": "sam", "password": "wrong", "next": "/"}
        )
        codes.append(answer.status_code)
    assert codes == [401] * 5 + [429] * 2  # five tries in all, not five per worker
    token = served.csrf("/login")
    answer = served.client.post(
        "/login",
        data={"csrf": token, "username": "sam", "password": "correct horse battery", "next": "/"},
    )
    assert answer.status_code == 429  # even the right password waits


def test_the_digest_is_sent_once_by_two_workers(
    serve: type[Served], env: dict[str, str], smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    smtp_config(env, smtp_server)
    write_config(env, digest="daily", digest_hour=8)
    monkeypatch.setenv("KITH_SMTP_PASSWORD", PASSWORD)
    served = serve("2026-11-26T09:00:00")
    deadline = time.monotonic() + 30
    while not smtp_server.messages:
        assert time.monotonic() < deadline, served.log.read_text()
        time.sleep(0.1)
    served.pages("/")  # both workers are up and have ticked by now
    time.sleep(1.0)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].recipients == ["sam@example.com"]
