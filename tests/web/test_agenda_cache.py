"""The day's agenda is reused while nothing changes, and computed again when anything does."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import KithRunner
from kith.config import load_settings
from kith.services.context import open_context
from kith.web.app import AgendaCache


def test_the_agenda_is_kept_until_a_change(kith: KithRunner, db_url: str) -> None:
    for name in ("Ann Lee", "Bo Chen"):
        assert kith("--now", "2026-11-20", "add", name, "--met-at", "the Forum").code == 0
    ctx = open_context(load_settings(), now="2026-11-26")
    cache = AgendaCache()
    first = cache.today(ctx)
    assert {i.name for i in first.agenda.items} == {"Ann Lee", "Bo Chen"}
    assert cache.today(ctx) is first  # nothing changed: the same answer, not computed again
    with ctx.db.begin():  # any commit through this process
        pass
    assert cache.today(ctx) is not first
    again = cache.today(ctx)
    assert cache.today(ctx) is again
    later = open_context(load_settings(), now="2026-11-27")
    assert cache.today(later) is not again  # another day
    expired = AgendaCache(ttl=0)
    kept = expired.today(ctx)
    assert expired.today(ctx) is not kept


def test_another_process_writing_is_seen_at_once(kith: KithRunner, db_url: str) -> None:
    """SQLite's files tell, and PostgreSQL's snapshot: a second worker's "done" shows here."""
    assert kith("--now", "2026-11-20", "add", "Ann Lee", "--met-at", "the Forum").code == 0
    ctx = open_context(load_settings(), now="2026-11-26")
    cache = AgendaCache(ttl=3600)
    first = cache.today(ctx)
    kith_bin = str(Path(sys.executable).with_name("kith"))
    subprocess.run(
        [kith_bin, "--db", db_url, "--now", "2026-11-26", "let-go", "Ann Lee"],
        check=True,
        capture_output=True,
    )
    fresh = cache.today(ctx)
    assert fresh is not first
    assert [i.name for i in fresh.agenda.items] == []


def test_requests_arriving_together_share_one_computation(
    kith: KithRunner, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kith.services import outreach

    assert kith("--now", "2026-11-20", "add", "Ann Lee", "--met-at", "the Forum").code == 0
    ctx = open_context(load_settings(), now="2026-11-26")
    computed = outreach.today
    calls: list[int] = []

    def slow_today(*args: object, **kwargs: object) -> object:
        calls.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive meanwhile
        return computed(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outreach, "today", slow_today)
    cache = AgendaCache()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: cache.today(ctx), range(8)))
    assert len(calls) == 1
    assert all(answer is answers[0] for answer in answers)
