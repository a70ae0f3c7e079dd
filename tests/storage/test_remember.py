"""``Database.remember``: an answer is kept while the data stays the same, and no longer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from conftest import KithRunner
from kith.config import load_settings
from kith.services import people
from kith.services.context import open_context, owner_of, staleness
from kith.storage.database import one_look
from kith.web.app import WebConfig, create_app


def test_an_answer_is_kept_until_a_commit(kith: KithRunner, db_url: str) -> None:
    db = open_context(load_settings(), now="2026-11-26").db
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert db.remember("n", compute) == 1
    assert db.remember("n", compute) == 1  # nothing changed: not computed again
    assert db.remember("other", compute) == 2  # each key its own answer
    with db.begin():
        pass
    assert db.remember("n", compute) == 3
    assert db.remember("n", compute) == 3


def test_the_owner_changed_here_is_seen_at_once(kith: KithRunner, db_url: str) -> None:
    ctx = open_context(load_settings(), now="2026-11-26")
    assert owner_of(ctx.db).interests == ()
    people.update_owner(ctx, people.OwnerChanges(interests=("sailing",)))
    assert owner_of(ctx.db).interests == ("sailing",)


def test_another_process_writing_is_seen_at_once(kith: KithRunner, db_url: str) -> None:
    """As a second worker of the server would: SQLite's files tell, PostgreSQL's snapshot."""
    ctx = open_context(load_settings(), now="2026-11-26")
    before = owner_of(ctx.db)
    assert before.name != "Sam Park"
    subprocess.run(
        [str(Path(sys.executable).with_name("kith")), "--db", db_url, "me", "--name", "Sam Park"],
        check=True,
        capture_output=True,
    )
    assert owner_of(ctx.db).name == "Sam Park"


def test_reading_alone_keeps_the_marker(kith: KithRunner, db_url: str) -> None:
    """Reads, here or by another connection, change nothing: the answer is kept."""
    db = open_context(load_settings(), now="2026-11-26").db
    calls: list[int] = []
    db.remember("n", lambda: calls.append(1))
    with db.read() as conn:
        people.list_people(open_context(load_settings(), now="2026-11-26"), text="ann")
        conn.exec_driver_sql("SELECT 1")
    db.remember("n", lambda: calls.append(1))
    assert len(calls) == 1


def test_within_one_look_postgresql_is_asked_once(
    kith: KithRunner, db_url: str, backend: str
) -> None:
    """A request's look: another process's commit meanwhile waits for the next request;
    this process's own commits count at once."""
    db = open_context(load_settings(), now="2026-11-26").db
    calls: list[int] = []
    with one_look():
        db.remember("n", lambda: calls.append(1))
        subprocess.run(
            [str(Path(sys.executable).with_name("kith")), "--db", db_url, "me", "--name", "Bo"],
            check=True,
            capture_output=True,
        )
        db.remember("n", lambda: calls.append(1))
        assert len(calls) == (2 if backend == "sqlite" else 1)  # SQLite's files tell at once
        with db.begin():
            pass
        db.remember("n", lambda: calls.append(1))
        assert len(calls) == (3 if backend == "sqlite" else 2)
    db.remember("n", lambda: calls.append(1))  # the next look sees everything
    assert len(calls) == 3


def test_a_page_asks_for_the_snapshot_once(kith: KithRunner, db_url: str, backend: str) -> None:
    assert kith("--now", "2026-11-20", "add", "Ann Lee", "--met-at", "the Forum").code == 0
    app = create_app(WebConfig(load_settings(), db=db_url, now="2026-11-26"))
    asked: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "pg_current_snapshot" in statement:
            asked.append(statement)

    event.listen(app.state.kith.main.engine, "before_cursor_execute", seen)
    try:
        client = TestClient(app)
        assert client.get("/people?q=ann").status_code == 200
        asked.clear()
        page = client.get("/people?q=lee")
        assert page.status_code == 200 and "Ann Lee" in page.text
        assert len(asked) == (1 if backend == "postgresql" else 0)
    finally:
        app.state.kith.close()


def test_statistics_found_outdated_are_rebuilt_by_the_list(kith: KithRunner, db_url: str) -> None:
    """A person added without statistics (as an import does mid-way) is listed by recency."""
    assert kith("--now", "2026-11-20", "add", "Ann Lee", "--met-at", "the Forum").code == 0
    ctx = open_context(load_settings(), now="2026-11-26")
    with ctx.db.read() as conn:
        assert staleness(ctx, conn) == (False, [])
    assert kith("--now", "2026-11-21", "add", "Bo Chen", "--met-at", "the Forum").code == 0
    found = people.list_people(ctx, sort="last")
    assert [r.name for r in found.rows] == ["Bo Chen", "Ann Lee"]
