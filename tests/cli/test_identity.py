"""One person per human: look-alikes, merge, unmerge, distinct."""

from __future__ import annotations

from typing import Any

from conftest import KithRunner

NOW = "2026-11-26"


def ok(kith: KithRunner, *args: str) -> Any:
    result = kith("--now", NOW, *args)
    assert result.code == 0, (args, result.out, result.err)
    return result.json() if "--json" in args else result


def show(kith: KithRunner, who: str) -> dict[str, Any]:
    data = ok(kith, "show", who, "--json")
    data["person"].pop("updated_at")
    return data


def test_dupes_lists_name_lookalikes_with_evidence_and_never_merges_them(
    kith: KithRunner,
) -> None:
    ok(kith, "add", "Jon Smith", "--org", "Acme", "--email", "jon@acme.example")
    ok(kith, "add", "John Smith", "--org", "ACME", "--email", "john@acme.example")
    ok(kith, "add", "Joan Smithers", "--org", "Globex")
    ok(kith, "add", "Ann Lee")
    found = ok(kith, "dupes", "--json")
    assert len(found) == 1
    pair = found[0]
    assert {pair["a"]["name"], pair["b"]["name"]} == {"Jon Smith", "John Smith"}
    assert pair["score"] >= 90
    assert pair["evidence"][0].startswith("names ") and "both at Acme" in pair["evidence"]
    assert "e-mail at the same domain" in pair["evidence"]
    assert ok(kith, "ls", "--json")["total"] == 4, "listing merges nothing"
    ok(kith, "distinct", "Jon Smith", "John Smith")
    assert ok(kith, "dupes", "--json") == []


def test_merge_moves_everything_and_unmerge_puts_it_back(kith: KithRunner) -> None:
    ok(kith, "me", "--name", "Sam Rivera", "--interest", "jazz")
    ok(
        kith,
        "add",
        "Mariam Haddad",
        "--email",
        "mariam@bank.example",
        "--interest",
        "jazz",
        "--org",
        "Green Bank",
    )
    ok(
        kith,
        "add",
        "Mariam H.",
        "--email",
        "mariam@home.example",
        "--phone",
        "+44 20 7183 8750",
        "--met-at",
        "the Forum",
        "--met-on",
        "2026-11-01",
        "--interest",
        "climate",
        "--birthday",
        "1984-03-07",
    )
    ok(kith, "add", "Bo Chen", "--introduced-by", "Mariam H.")
    ok(kith, "log", "Mariam H.", "--kind", "call", "--on", "2026-11-10", "--summary", "her fund")
    ok(
        kith,
        "log",
        "Mariam Haddad",
        "--with",
        "Mariam H.",
        "--kind",
        "meeting",
        "--on",
        "2026-11-12",
        "--summary",
        "lunch together",
    )
    ok(kith, "intro", "Mariam H.", "Bo Chen")
    ok(kith, "sent", "Mariam H.", "--on", "2026-11-20")
    before = {who: show(kith, who) for who in ("#1", "#2", "#3")}

    merged = ok(kith, "merge", "Mariam Haddad", "Mariam H.", "--json")
    assert merged["emails"] == ["mariam@bank.example", "mariam@home.example"]
    assert merged["phones"] == ["+442071838750"]
    assert merged["interests"] == ["climate", "jazz"]
    assert merged["birthday"] == "1984-03-07" and merged["met"]["at"] == "the Forum"
    assert kith("show", "#2").code == 2, "the dropped person is gone"
    kept = show(kith, "#1")
    summaries = [i["summary"] for i in kept["interactions"]]
    assert "her fund" in summaries and summaries.count("lunch together") == 1
    assert [o["kind"] for o in kept["outreach"]] == ["keep_in_touch"]
    assert kept["introductions"][0]["person_a"]["id"] == 1
    assert show(kith, "Bo Chen")["person"]["introduced_by"]["id"] == 1

    ok(kith, "unmerge", "Mariam Haddad")
    after = {who: show(kith, who) for who in ("#1", "#2", "#3")}
    assert after == before, "unmerge puts every piece back where it was"


def test_unmerge_without_a_merge_says_so(kith: KithRunner) -> None:
    ok(kith, "add", "Ann Lee")
    result = kith("unmerge", "Ann Lee")
    assert result.code == 2 and "nobody was merged into Ann Lee" in result.err
    same = kith("merge", "Ann Lee", "#1")
    assert same.code == 2 and "same person twice" in same.err
