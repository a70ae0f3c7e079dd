"""Shared fixtures: a real database on each backend, and the ``kith`` command run in-process.

Every test that takes ``db_url`` (directly or through ``kith``/``ctx``) runs
twice: against a SQLite file and against the PostgreSQL server on
127.0.0.1:5432.  PostgreSQL tests are never skipped silently: when the server
is unreachable they fail, unless ``KITH_TEST_PG=skip`` is set by hand.
"""

from __future__ import annotations

import io
import os
import shlex
import uuid
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kith.cli.main import main
from kith.config import load_settings
from kith.services.context import Context, open_context
from kith.storage.tables import ALL_TABLES

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PG_ADMIN_URL = os.environ.get(
    "KITH_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_SETTING = os.environ.get("KITH_TEST_PG", "")


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _skip_if_asked() -> None:
    if PG_SETTING == "skip":
        pytest.skip("KITH_TEST_PG=skip: PostgreSQL tests skipped by request")


def create_pg_database(prefix: str) -> str:
    """A new, empty database on the PostgreSQL server; returns its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:  # pragma: no cover - depends on the machine
        pytest.fail(
            f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({exc.orig}); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
            "or set KITH_TEST_PG=skip to skip these tests on purpose"
        )
    finally:
        admin.dispose()
    return _pg_url(name)


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A database of our own on the real PostgreSQL server, for the whole session."""
    _skip_if_asked()
    url = create_pg_database("kith_test")
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def make_pg() -> Iterator[Callable[[], str]]:
    """Create more empty PostgreSQL databases for one test; all are dropped after it."""
    _skip_if_asked()
    made: list[str] = []

    def make() -> str:
        made.append(create_pg_database("kith_extra"))
        return made[-1]

    try:
        yield make
    finally:
        for url in made:
            drop_pg_database(url)


def _truncate_pg(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if sa.inspect(conn).has_table("people"):
                names = ", ".join(t.name for t in ALL_TABLES)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty Kith database on ``backend``."""
    if backend == "sqlite":
        return str(tmp_path / "kith.db")
    url = request.getfixturevalue("pg_server")
    _truncate_pg(url)
    return url


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> dict[str, str]:
    """A clean environment: the test database, an empty config file, no KITH_NOW."""
    for key in list(os.environ):
        if key.startswith("KITH_") and not key.startswith("KITH_TEST"):
            monkeypatch.delenv(key)
    config = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("KITH_CONFIG", str(config))
    monkeypatch.setenv("KITH_DB", db_url)
    monkeypatch.setenv("COLUMNS", "120")
    return {"KITH_CONFIG": str(config), "KITH_DB": db_url}


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        import json

        return json.loads(self.out)


KithRunner = Callable[..., Result]


@pytest.fixture
def kith(env: dict[str, str]) -> KithRunner:
    """Run ``kith`` in-process: ``kith("add", "Ann")`` or ``kith("add 'Ann Lee' --org X")``."""

    def run(*args: str) -> Result:
        argv = shlex.split(args[0]) if len(args) == 1 and " " in args[0] else list(args)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def make_ctx(env: dict[str, str]) -> Callable[[str | datetime], Context]:
    """A service context on the test database at a given ``now``."""

    def make(now: str | datetime) -> Context:
        return open_context(load_settings(), now=now, clock=datetime(2000, 1, 1, tzinfo=UTC))

    return make
