"""The demo network: ``kith demo`` on both backends, checked through what Kith shows of it.

The generated database is read back through public interfaces: the JSON backup
(``kith export json -``), ``kith today``, ``kith db info`` and the service layer.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from conftest import KithRunner
from kith.services import demo
from kith.services.context import Context
from kith.storage import people as people_store
from kith.storage.tables import people as people_table

NOW = "2026-11-26"
PEOPLE = 200


def ok(kith: KithRunner, *args: str) -> Any:
    result = kith(*args)
    assert result.code == 0, (args, result.out, result.err)
    return result.json() if "--json" in args or args[-1] == "-" else result


def build(kith: KithRunner, *extra: str, people: int = PEOPLE, seed: int = 3) -> Any:
    return ok(
        kith, *extra, "--now", NOW, "demo", "--people", str(people), "--seed", str(seed), "--json"
    )


def backup(kith: KithRunner, *extra: str) -> dict[str, list[dict[str, Any]]]:
    document = ok(kith, *extra, "--now", NOW, "export", "json", "-")
    tables: dict[str, list[dict[str, Any]]] = document["tables"]
    return tables


def moment(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text)


def test_demo_builds_the_requested_network(kith: KithRunner) -> None:
    summary = build(kith)
    assert (summary["people"], summary["years"], summary["seed"]) == (PEOPLE, 6, 3)
    assert 20 * PEOPLE <= summary["interactions"] <= 80 * PEOPLE
    info = ok(kith, "db", "info", "--json")
    assert (info["people"], info["interactions"]) == (PEOPLE, summary["interactions"])
    tables = backup(kith)
    people = tables["people"]
    assert len(people) == PEOPLE
    assert len({p["name"] for p in people}) >= PEOPLE - 2
    assert {link["person_id"] for link in tables["interaction_people"]} == {p["id"] for p in people}
    share = _shares(people)
    assert 0.2 <= share["acquaintance"] <= 0.5
    assert share["inner"] + share["close"] <= 0.2
    assert 0.05 <= share["auto"] <= 0.3
    assert share["archived"] <= 0.06
    assert 0.03 <= share["introduced"] <= 0.2
    assert 0.15 <= share["birthday"] <= 0.45
    assert share["met"] >= 0.6
    assert any(p["birthday"].startswith("--") for p in people if p["birthday"])


def _shares(people: list[dict[str, Any]]) -> dict[str, float]:
    counts = Counter(p["circle"] or "auto" for p in people)
    counts["archived"] = sum(p["status"] == "archived" for p in people)
    counts["introduced"] = sum(p["introduced_by_id"] is not None for p in people)
    counts["birthday"] = sum(p["birthday"] is not None for p in people)
    counts["met"] = sum(p["met_on"] is not None and bool(p["met_at"]) for p in people)
    return {key: n / len(people) for key, n in counts.items()}


def test_nothing_happens_after_now(kith: KithRunner) -> None:
    build(kith)
    now = moment(ok(kith, "--now", NOW, "today", "--json")["now"])
    tables = backup(kith)
    times = [moment(i["occurred_at"]) for i in tables["interactions"]]
    times += [moment(p["created_at"]) for p in tables["people"]]
    times += [moment(o["sent_at"]) for o in tables["outreach"]]
    assert max(times) <= now
    assert all(
        date.fromisoformat(p["met_on"]) < date.fromisoformat(NOW)
        for p in tables["people"]
        if p["met_on"]
    )


def test_first_meetings_and_outreach_are_recorded_as_kith_records_them(kith: KithRunner) -> None:
    build(kith)
    tables = backup(kith)
    by_key = {(i["source"], i["source_key"]): i for i in tables["interactions"]}
    for person in tables["people"]:
        if person["met_on"]:
            met = by_key[("met", person["uid"])]
            assert met["summary"] == f"Met at {person['met_at']}"
            assert (met["kind"], met["direction"]) == ("meeting", "mutual")
    assert tables["outreach"], "a few outreach messages were sent"
    for sent in tables["outreach"]:
        assert sent["state"] == "sent"
        message = by_key[("outreach", f"outreach:{sent['id']}")]
        assert message["id"] == sent["interaction_id"]
        assert (message["direction"], message["occurred_at"]) == ("out", sent["sent_at"])


def test_due_dates_are_spread_over_the_coming_days(kith: KithRunner) -> None:
    build(kith)
    people = backup(kith)["people"]
    shifted = Counter(p["due_shift_on"] for p in people if p["due_shift_on"])
    assert shifted, "some people were due at once and got later dates"
    assert min(date.fromisoformat(day) for day in shifted) > date.fromisoformat(NOW)
    assert max(shifted.values()) <= 5


def test_same_seed_gives_the_same_network_on_any_database(kith: KithRunner, tmp_path: Path) -> None:
    other = ("--db", str(tmp_path / "other.db"))
    third = ("--db", str(tmp_path / "third.db"))
    build(kith)
    build(kith, *other)
    build(kith, *third, seed=4)
    first = json.dumps(backup(kith), sort_keys=True)
    assert json.dumps(backup(kith, *other), sort_keys=True) == first
    assert json.dumps(backup(kith, *third), sort_keys=True) != first


def test_refuses_a_database_that_has_people(kith: KithRunner) -> None:
    ok(kith, "add", "Ann Lee")
    result = kith("--now", NOW, "demo", "--people", "20")
    assert result.code == 2, (result.out, result.err)
    assert result.err.strip().startswith("kith: ") and "--db" in result.err
    assert ok(kith, "db", "info", "--json")["people"] == 1


def test_today_is_short_varied_and_explained(kith: KithRunner) -> None:
    build(kith)
    today = ok(kith, "--now", NOW, "today", "--json")
    items = today["items"]
    assert 2 <= len(items) <= 5
    assert len({item["kind"] for item in items}) >= 2
    assert all(item["reasons"] and all(item["reasons"]) for item in items)
    assert sum(today["totals"].values()) > len(items)


def test_keeps_the_owner_and_shares_their_interests(kith: KithRunner) -> None:
    me = ("me", "--name", "Sam Rivera", "--email", "sam@example.com", "--interest", "jazz")
    ok(kith, *me, "--timezone", "America/New_York")
    before = ok(kith, "me", "--json")
    build(kith, people=100)
    assert ok(kith, "me", "--json") == before
    labels = [i["label"] for i in backup(kith)["interests"]]
    assert labels.count("jazz") >= 10
    ok(kith, "--now", NOW, "add", "Someone New", "--email", "someone.new@example.org")


def test_fills_search_text_and_reports_progress(
    make_ctx: Callable[[str], Context],
) -> None:
    ctx = make_ctx(NOW)
    calls: list[tuple[int, int]] = []
    summary = demo.generate(
        ctx, people=60, years=2, seed=9, progress=lambda d, t: calls.append((d, t))
    )
    assert (summary.people, summary.years, summary.seed) == (60, 2, 9)
    assert calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    with ctx.db.read() as conn:
        everyone = people_store.get_people(conn, [i for i, _ in people_store.all_names(conn)])
        stored = dict(conn.execute(sa.select(people_table.c.id, people_table.c.search_text)).all())
    assert len(everyone) == 60
    assert all(stored[p.id] == people_store.search_text_of(p) for p in everyone)
