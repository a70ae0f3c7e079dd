"""Opening databases: migrations, revisions, replaying a past date, bad targets."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from conftest import KithRunner
from kith.errors import StorageError
from kith.storage.database import (
    HEAD_REVISION,
    alembic_config,
    include_object,
    normalize_url,
    open_database,
)


def test_head_revision_constant_matches_the_migrations() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        script = ScriptDirectory.from_config(alembic_config(conn))
        assert script.get_heads() == [HEAD_REVISION]


def test_a_new_sqlite_file_is_created_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "dir" / "kith.db"
    db = open_database(target)
    with db.read() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert (
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            == HEAD_REVISION
        )
        assert sa.inspect(conn).has_table("people")
    db.dispose()
    again = open_database(target)  # opening twice changes nothing
    again.dispose()


def test_a_database_from_a_newer_kith_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "kith.db"
    open_database(target).dispose()
    engine = sa.create_engine(normalize_url(target))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError, match="cannot be upgraded"):
        open_database(target)


def test_urls_and_paths() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalize_url("rel.db").startswith("sqlite:////")


def test_unreachable_database_is_one_clear_line(kith: KithRunner) -> None:
    result = kith("--db", "postgresql+psycopg://nobody@127.0.0.1:1/nothing", "today")
    assert result.code == 1
    assert result.err.startswith("kith: cannot open database")
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_replaying_a_past_date_ignores_what_came_after(kith: KithRunner) -> None:
    kith("--now", "2026-01-01", "add", "Ann Lee", "--circle", "close")
    for day, summary in (("2026-03-01", "spring plans"), ("2026-06-01", "summer trip")):
        assert (
            kith(
                "--now",
                "2026-06-02",
                "log",
                "ann",
                "--kind",
                "call",
                "--on",
                day,
                "--summary",
                summary,
            ).code
            == 0
        )
    past = kith("--now", "2026-04-15", "show", "ann", "--json").json()
    assert past["standing"]["last_contact"].startswith("2026-03-01")
    assert past["standing"]["days_since"] == 45
    assert [i["summary"] for i in past["interactions"]] == ["spring plans"]
    assert past["suggestion"]["kind"] == "keep_in_touch"
    assert "last time: spring plans" in past["suggestion"]["reasons"]
    today = kith("--now", "2026-04-15", "today", "--json").json()
    assert [i["person"]["name"] for i in today["items"]] == ["Ann Lee"]
    later = kith("--now", "2026-06-10", "show", "ann", "--json").json()
    assert later["standing"]["last_contact"].startswith("2026-06-01")
    assert later["suggestion"] is None


def test_env_now_is_the_same_as_the_flag(kith: KithRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    kith("--now", "2026-01-01", "add", "Ann Lee", "--circle", "inner")
    monkeypatch.setenv("KITH_NOW", "2026-02-01")
    via_env = kith("today", "--json").json()
    assert via_env["date"] == "2026-02-01"
    assert (
        via_env["items"][0]["reasons"][0]
        == "inner circle, every 2 weeks; last in touch 4 weeks ago"
    )


def test_db_info_and_config(kith: KithRunner) -> None:
    kith("add", "Ann Lee")
    info = kith("db", "info", "--json").json()
    assert info["people"] == 1 and info["schema"] == HEAD_REVISION
    assert kith("config", "set", "daily_budget", "3").code == 0
    shown = kith("config", "show", "--json").json()
    assert shown["settings"]["daily_budget"]["value"] == 3
    assert shown["settings"]["daily_budget"]["from"].endswith("config.toml")
    assert shown["settings"]["half_life_days"]["from"] == "default"
    bad = kith("config", "set", "daily_budget", "lots")
    assert bad.code == 2 and "daily_budget" in bad.err
    assert kith("config", "set", "no_such_thing", "1").code == 2
    assert kith("config", "unset", "daily_budget").code == 0
    assert kith("config", "show", "--json").json()["settings"]["daily_budget"]["from"] == "default"


def test_a_database_from_an_older_kith_upgrades_in_place(db_url: str) -> None:
    """A schema at revision 0001 holding data is upgraded on open, data intact."""
    from alembic import command

    from kith.storage.database import create_engine

    url = normalize_url(db_url)
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(
            sa.text(
                "INSERT INTO people (uid, name, name_key, given_name, family_name, org, title,"
                " location, timezone, notes, status, status_reason, met_at, met_context,"
                " search_text, created_at, updated_at) VALUES ('u-1', 'Old Friend', 'old friend',"
                " 'Old', 'Friend', '', '', '', '', '', 'active', '', '', '', 'old friend',"
                " :t, :t)"
            ),
            {"t": "2020-01-01 12:00:00"},
        )
    engine.dispose()
    db = open_database(url)
    with db.read() as conn:
        assert (
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            == HEAD_REVISION
        )
        assert conn.execute(sa.text("SELECT name FROM people")).scalar() == "Old Friend"
        indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("people")}
        assert "ix_people_status" in indexes
    db.dispose()


def test_migrations_build_exactly_the_tables_in_the_code(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kith.storage.tables import metadata

    db = open_database(db_url)
    with db.read() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, metadata) == []
    db.dispose()
