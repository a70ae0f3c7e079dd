"""A full backup and its lossless restore: ``kith export json`` and ``kith import json``.

Every test runs on SQLite and on PostgreSQL.  The restore goes into a second,
empty database on the same backend (``second_db``) or on the other one
(``other_backend_db``): a file under ``tmp_path``, or a PostgreSQL database
created for the test and dropped after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import KithRunner, Result

NOW = "2026-11-26"
LATER = ("2026-11-26", "2026-12-20", "2027-03-01", "2027-09-01")
TABLES = (
    "owner",
    "people",
    "contact_points",
    "interests",
    "interactions",
    "interaction_people",
    "outreach",
    "introductions",
    "person_sources",
    "photos",
    "merges",
    "distinct_people",
    "vdir_items",
    "mail_messages",
    "mail_addresses",
    "mail_seen",
    "mail_cursors",
)


# -- databases ----------------------------------------------------------------------------


@pytest.fixture
def second_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty database on the same backend as the test's own."""
    if backend == "sqlite":
        return str(tmp_path / "restored.db")
    make: Callable[[], str] = request.getfixturevalue("make_pg")
    return make()


@pytest.fixture
def other_backend_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty database on the other backend: SQLite → PostgreSQL and back."""
    if backend == "postgresql":
        return str(tmp_path / "from-postgresql.db")
    make: Callable[[], str] = request.getfixturevalue("make_pg")
    return make()


# -- helpers ------------------------------------------------------------------------------


def ok(kith: KithRunner, *args: str) -> Result:
    result = kith(*args)
    assert result.code == 0, (args, result.out, result.err)
    return result


def one_line_refusal(result: Result) -> str:
    assert result.code == 2, (result.out, result.err)
    assert result.err.startswith("kith: "), result.err
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    return result.err.strip()


def export(kith: KithRunner, path: Path, *db: str) -> bytes:
    ok(kith, *db, "export", "json", str(path))
    return path.read_bytes()


def restore(kith: KithRunner, path: Path, db: str) -> Result:
    return ok(kith, "--db", db, "--now", NOW, "import", "json", str(path))


def build_rich_network(kith: KithRunner) -> None:
    """Every kind of record Kith stores, with every field that can be set."""

    def run(*args: str) -> None:
        ok(kith, "--now", NOW, *args)

    run(
        *("me", "--name", "Sam Rivera", "--email", "sam@example.com"),
        *("--email", "sam@work.example", "--interest", "climate finance", "--interest", "Jazz"),
        *("--timezone", "Europe/London", "--signature", "Sam\nGreen Futures"),
    )
    run(
        *("add", "Mariam Haddad", "--email", "Mariam@Example.org", "--email", "mh@bank.example"),
        *("--phone", "+44 20 7183 8750", "--phone", "+1 415 555 0134"),
        *("--link", "linkedin.com/in/mariamhaddad", "--link", "https://mariam.example/"),
        *("--org", "Green Bank", "--title", "Partner", "--location", "London"),
        *("--timezone", "Europe/London", "--met-at", "the Forum", "--met-on", "2026-11-20"),
        # Zoë does not exist yet: she is created now, with a higher id than Mariam.
        *("--introduced-by", "Zoë Ångström", "--interest", "climate finance"),
        *("--interest", "Sailing", "--circle", "close", "--birthday", "1984-03-07"),
        *("--note", "Knows everyone in ESG — “really” everyone"),
    )
    run("edit", "Mariam", "--note", "Moved to the Lisbon office")
    run(
        *("add", "Bo Chen", "--every", "45", "--birthday", "03-09", "--phone", "+351 21 000 0000"),
        *("--interest", "jazz", "--org", "Globex"),
    )
    run("add", "Ann Lee", "--circle", "inner", "--email", "ann@example.com")
    run("add", "Dee Gone", "--circle", "wider")
    run("add", "Eve Later", "--circle", "active", "--met-at", "a wedding", "--met-on", "2025-06-01")
    run("add", "Fred None", "--circle", "none", "--introduced-by", "Mariam Haddad")
    run("edit", "Zoë", "--org", "Ångström AB", "--interest", "Jazz")
    run(
        *("log", "Mariam", "--kind", "email", "--direction", "in", "--on", "2026-11-22"),
        *("--summary", "Thanks for the chat"),
    )
    run(
        *("log", "Bo", "--with", "Ann Lee", "--with", "Zoë", "--kind", "meeting"),
        *("--on", "2026-10-01", "--summary", "Lunch in Lisbon"),
    )
    run("log", "Ann", "--kind", "call", "--on", "2026-06-01", "--summary", "Her new job")
    run("log", "Ann", "--kind", "note", "--on", "2026-09-01")
    run("log", "Eve", "--kind", "message", "--direction", "out", "--on", "2025-07-01")
    run("draft", "Mariam")
    run("sent", "Mariam")
    run("draft", "Bo", "--channel", "short")
    run("draft", "Dee", "--kind", "reconnect")
    run("let-go", "Dee", "--reason", "moved away")
    run("sent", "Ann", "--kind", "reconnect", "--on", "2026-11-20")
    run("snooze", "Eve", "--until", "2027-01-10")
    run("intro", "Mariam", "Bo", "--note", "both sail")
    run("intro", "Ann", "Bo", "--by", "Zoë", "--on", "2026-10-02")
    run("referral", "Ann", "--to", "Bo", "--for", "the design role", "--outcome", "hired")
    run("referral", "Mariam", "--received", "--for", "a board seat", "--note", "kind of her")


def answers(kith: KithRunner, *db: str) -> dict[str, Any]:
    """What Kith says about everyone and every day we look at."""
    out: dict[str, Any] = {
        "me": ok(kith, *db, "me", "--json").json(),
        "ls": ok(kith, *db, "ls", "--status", "all", "--json").json(),
        "search": ok(kith, *db, "search", "lisbon", "--json").json(),
    }
    ids = [p["id"] for p in out["ls"]["people"]]
    for day in LATER:
        out[f"today {day}"] = ok(kith, *db, "--now", day, "today", "--json", "-n", "20").json()
        for pid in ids:
            out[f"show {pid} {day}"] = ok(
                kith, *db, "--now", day, "show", f"#{pid}", "--json"
            ).json()
    return out


def empty_tables(kith: KithRunner, db: str) -> None:
    info = ok(kith, "--db", db, "db", "info", "--json").json()
    assert info["people"] == 0 and info["interactions"] == 0, info
    document = json.loads(ok(kith, "--db", db, "export", "json", "-").out)
    assert document["tables"] == {name: [] for name in TABLES}


# -- the round trip -----------------------------------------------------------------------


def test_rich_network_round_trip_is_byte_identical(
    kith: KithRunner, tmp_path: Path, second_db: str
) -> None:
    build_rich_network(kith)
    first = export(kith, tmp_path / "first.json")
    document = json.loads(first)
    assert document["format"] == "kith-backup" and document["version"] == 1
    tables = document["tables"]
    assert list(tables) == list(TABLES)
    assert {name: len(rows) for name, rows in tables.items()} == {
        "owner": 1,
        "people": 7,
        "contact_points": 8,
        "interests": 4,
        "interactions": 9,
        "interaction_people": 11,
        "outreach": 4,
        "introductions": 4,
        "person_sources": 0,
        "photos": 0,
        "merges": 0,
        "distinct_people": 0,
        "vdir_items": 0,
        "mail_messages": 0,
        "mail_addresses": 0,
        "mail_seen": 0,
        "mail_cursors": 0,
    }
    people = {p["name"]: p for p in tables["people"]}
    assert people["Mariam Haddad"]["introduced_by_id"] == people["Zoë Ångström"]["id"]
    assert people["Zoë Ångström"]["id"] > people["Mariam Haddad"]["id"]
    assert people["Dee Gone"]["status"] == "archived"
    assert people["Eve Later"]["snoozed_until"] == "2027-01-10"
    assert people["Bo Chen"]["birthday"] == "--03-09"
    assert {o["state"] for o in tables["outreach"]} == {"sent", "drafted", "dismissed"}
    assert "Zoë Ångström" in first.decode("utf-8"), "text is written as it is, not escaped"
    before = answers(kith)

    restored = restore(kith, tmp_path / "first.json", second_db)
    assert "Restored" in restored.out and "7 people" in restored.out
    second = export(kith, tmp_path / "second.json", "--db", second_db)
    assert second == first
    assert answers(kith, "--db", second_db) == before


def test_cross_backend_round_trip(kith: KithRunner, tmp_path: Path, other_backend_db: str) -> None:
    build_rich_network(kith)
    first = export(kith, tmp_path / "first.json")
    restore(kith, tmp_path / "first.json", other_backend_db)
    assert export(kith, tmp_path / "second.json", "--db", other_backend_db) == first
    assert answers(kith, "--db", other_backend_db) == answers(kith)


def test_cross_backend_round_trip_with_clock_times(
    kith: KithRunner, tmp_path: Path, other_backend_db: str
) -> None:
    """Without --now, times come from the clock; both backends keep them to the second."""
    ok(kith, "add", "Ann Lee", "--met-at", "the Forum")
    ok(kith, "log", "Ann", "--kind", "call")
    first = export(kith, tmp_path / "first.json")
    ok(kith, "--db", other_backend_db, "import", "json", str(tmp_path / "first.json"))
    assert export(kith, tmp_path / "second.json", "--db", other_backend_db) == first


def test_export_to_standard_output_is_the_same_document(kith: KithRunner, tmp_path: Path) -> None:
    build_rich_network(kith)
    on_disk = export(kith, tmp_path / "backup.json")
    assert ok(kith, "export", "json", "-").out.encode("utf-8") == on_disk


def test_an_empty_database_round_trips(kith: KithRunner, tmp_path: Path, second_db: str) -> None:
    first = export(kith, tmp_path / "empty.json")
    restore(kith, tmp_path / "empty.json", second_db)
    assert export(kith, tmp_path / "again.json", "--db", second_db) == first
    empty_tables(kith, second_db)


def test_new_records_after_a_restore_get_new_ids(
    kith: KithRunner, tmp_path: Path, second_db: str
) -> None:
    """On PostgreSQL the id sequences must move past the restored rows."""
    build_rich_network(kith)
    export(kith, tmp_path / "backup.json")
    restore(kith, tmp_path / "backup.json", second_db)
    db = ("--db", second_db, "--now", "2026-11-27")
    added = ok(kith, *db, "add", "Nia New", "--email", "nia@example.com", "--json").json()
    assert added["id"] == 8
    logged = ok(kith, *db, "log", "Nia", "--kind", "call", "--with", "Ann", "--json").json()
    assert logged["id"] == 10
    drafted = ok(kith, *db, "draft", "Nia", "--json").json()
    assert drafted["outreach_id"] == 5
    intro = ok(kith, *db, "intro", "Nia", "Ann Lee", "--json").json()
    assert intro["id"] == 5
    document = json.loads(ok(kith, "--db", second_db, "export", "json", "-").out)
    points = document["tables"]["contact_points"]
    assert points[-1]["value"] == "nia@example.com" and points[-1]["id"] == 9
    assert ok(kith, *db, "show", "Nia", "--json").json()["interaction_count"] == 1


# -- refusals -----------------------------------------------------------------------------


def test_restore_into_a_database_with_data_is_refused(
    kith: KithRunner, tmp_path: Path, second_db: str
) -> None:
    build_rich_network(kith)
    backup = tmp_path / "backup.json"
    before = export(kith, backup)
    line = one_line_refusal(kith("import", "json", str(backup)))
    assert "empty database" in line
    assert export(kith, tmp_path / "after.json") == before, "nothing changed"
    ok(kith, "--db", second_db, "me", "--name", "Someone Else")
    line = one_line_refusal(kith("--db", second_db, "import", "json", str(backup)))
    assert "empty database" in line, "an owner profile is data too"
    assert ok(kith, "--db", second_db, "db", "info", "--json").json()["people"] == 0


def _bad_documents(good: dict[str, Any]) -> dict[str, str]:
    """Broken backups, each otherwise as written by ``kith export json``."""

    def changed(change: Callable[[dict[str, Any]], None]) -> str:
        document = json.loads(json.dumps(good))
        change(document)
        return json.dumps(document)

    def tables(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = doc["tables"]
        return result

    return {
        "empty file": "",
        "not JSON": "name,email\nAnn,ann@example.com\n",
        "cut short": json.dumps(good)[:-40],
        "a JSON list": "[1, 2, 3]",
        "another JSON document": json.dumps({"hello": "world"}),
        "another format": changed(lambda d: d.update(format="vcard")),
        "a future version": changed(lambda d: d.update(version=99)),
        "no tables": changed(lambda d: d.pop("tables")),
        "tables as a list": changed(lambda d: d.update(tables=[])),
        "an unknown table": changed(lambda d: tables(d).update(widgets=[])),
        "rows as an object": changed(lambda d: tables(d).update(people={"id": 1})),
        "a row that is a list": changed(lambda d: tables(d)["people"].append([1, "x"])),
        "an unknown field": changed(lambda d: tables(d)["people"][0].update(colour="red")),
        "a missing uid": changed(lambda d: tables(d)["people"][0].pop("uid")),
        "a null name": changed(lambda d: tables(d)["people"][1].update(name=None)),
        "an id as text": changed(lambda d: tables(d)["people"][0].update(id="one")),
        "a bad date": changed(lambda d: tables(d)["people"][0].update(met_on="last Tuesday")),
        "a time without zone": changed(
            lambda d: tables(d)["interactions"][0].update(occurred_at="2026-11-20T12:00:00")
        ),
        "an unknown status": changed(lambda d: tables(d)["people"][2].update(status="gone")),
        "an unknown kind": changed(lambda d: tables(d)["interactions"][1].update(kind="telepathy")),
        "a bad birthday": changed(lambda d: tables(d)["people"][0].update(birthday="03-40")),
        "a name too long": changed(lambda d: tables(d)["people"][0].update(name="x" * 400)),
        # These pass every check on their own and fail only inside the database,
        # after other tables were written: the whole restore must roll back.
        "a link to nobody": changed(
            lambda d: tables(d)["interaction_people"].append(
                {"interaction_id": 1, "person_id": 999}
            )
        ),
        "an introducer who is nobody": changed(
            lambda d: tables(d)["people"][0].update(introduced_by_id=999)
        ),
        "the same e-mail twice": changed(
            lambda d: tables(d)["contact_points"].append(
                {**tables(d)["contact_points"][0], "id": 500, "person_id": 2}
            )
        ),
        "the same person id twice": changed(
            lambda d: tables(d)["people"].append({**tables(d)["people"][0], "uid": "other"})
        ),
        "an outreach for nobody": changed(
            lambda d: tables(d)["outreach"].append(
                {**tables(d)["outreach"][0], "id": 77, "person_id": 4242}
            )
        ),
    }


def test_bad_backups_are_refused_and_leave_the_database_empty(
    kith: KithRunner, tmp_path: Path, second_db: str
) -> None:
    build_rich_network(kith)
    good_path = tmp_path / "good.json"
    good = export(kith, good_path)
    for label, text in _bad_documents(json.loads(good)).items():
        path = tmp_path / "bad.json"
        path.write_text(text, encoding="utf-8")
        line = one_line_refusal(kith("--db", second_db, "--now", NOW, "import", "json", str(path)))
        assert str(path) in line, (label, line)
        empty_tables(kith, second_db)
    missing = kith("--db", second_db, "import", "json", str(tmp_path / "nowhere.json"))
    assert "there is no file" in one_line_refusal(missing)
    folder = kith("--db", second_db, "import", "json", str(tmp_path))
    one_line_refusal(folder)
    restore(kith, good_path, second_db)
    assert export(kith, tmp_path / "after.json", "--db", second_db) == good, (
        "after all the refusals the database was still empty, and the good backup restores"
    )


def test_a_bad_row_names_the_table_row_and_field(
    kith: KithRunner, tmp_path: Path, second_db: str
) -> None:
    build_rich_network(kith)
    document = json.loads(export(kith, tmp_path / "good.json"))
    document["tables"]["people"][2]["status"] = "gone"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    line = one_line_refusal(kith("--db", second_db, "import", "json", str(path)))
    assert "row 3 of people" in line and "status" in line and "'gone'" in line


def test_export_to_a_place_that_cannot_be_written(kith: KithRunner, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    one_line_refusal(kith("export", "json", str(folder)))
