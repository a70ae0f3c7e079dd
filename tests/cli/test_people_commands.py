"""The CLI contract for people: add, edit, show, ls, search, log, me."""

from __future__ import annotations

from conftest import KithRunner


def test_add_show_and_json_shape(kith: KithRunner) -> None:
    added = kith(
        "--now",
        "2026-11-26",
        "add",
        "Mariam Haddad",
        "--email",
        " Mariam@Example.ORG ",
        "--phone",
        "+44 20 7183 8750",
        "--org",
        "Green Bank",
        "--title",
        "Partner",
        "--met-at",
        "the Forum",
        "--met-on",
        "2026-11-20",
        "--interest",
        "climate finance",
        "--circle",
        "close",
        "--birthday",
        "1984-03-07",
        "--note",
        "Knows everyone in ESG",
    )
    assert added.code == 0, added.err
    assert "Added Mariam Haddad (#1)" in added.out
    shown = kith("--now", "2026-11-26", "show", "mariam", "--json")
    assert shown.code == 0, shown.err
    data = shown.json()
    person = data["person"]
    assert person["emails"] == ["mariam@example.org"]
    assert person["phones"] == ["+442071838750"]
    assert person["circle"] == "close"
    assert person["birthday"] == "1984-03-07"
    assert person["met"] == {"on": "2026-11-20", "at": "the Forum", "context": ""}
    assert data["standing"]["cadence_days"] == 30
    assert data["interactions"][0]["summary"] == "Met at the Forum"
    assert data["suggestion"]["kind"] == "follow_up"


def test_bad_input_is_one_line_and_exit_2(kith: KithRunner) -> None:
    for args in (
        ("add", "Ann", "--email", "not-an-address"),
        ("add", "Ann", "--met-on", "2026-13-40"),
        ("add", "Ann", "--birthday", "someday"),
        ("add", "Ann", "--circle", "bestie"),
        ("add", "Ann", "--phone", "12"),
        ("show", "Nobody Here"),
        ("log", "Nobody Here", "--kind", "call"),
        ("--now", "yesterday-ish", "today"),
    ):
        result = kith(*args)
        assert result.code == 2, (args, result.out, result.err)
        assert result.err.startswith("kith: "), result.err
        assert "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) == 1, result.err


def test_ambiguous_name_lists_candidates(kith: KithRunner) -> None:
    assert kith("add", "Ann Lee", "--org", "Acme").code == 0
    assert kith("add", "Ann Smith").code == 0
    result = kith("show", "ann")
    assert result.code == 2
    assert "#1 Ann Lee (Acme)" in result.err and "#2 Ann Smith" in result.err
    assert kith("show", "#2").code == 0
    assert kith("show", "ann smith").code == 0


def test_unknown_name_suggests_close_match(kith: KithRunner) -> None:
    kith("add", "Mariam Haddad")
    result = kith("show", "Mariam Hadad")
    assert result.code == 2
    assert "did you mean 'Mariam Haddad'" in result.err


def test_email_belongs_to_one_person(kith: KithRunner) -> None:
    assert kith("add", "Ann", "--email", "ann@example.com").code == 0
    result = kith("add", "Annie", "--email", "ANN@example.com")
    assert result.code == 2
    assert "already belongs to Ann (#1)" in result.err
    assert kith("ls", "--json").json()["total"] == 1, "the failed add left nothing behind"


def test_edit_adds_and_removes(kith: KithRunner) -> None:
    kith("add", "Bo Chen", "--email", "bo@a.com", "--interest", "jazz")
    result = kith(
        "edit",
        "bo",
        "--email",
        "bo@b.com",
        "--remove-email",
        "bo@a.com",
        "--interest",
        "chess",
        "--remove-interest",
        "JAZZ",
        "--every",
        "45",
        "--note",
        "moved to Lisbon",
        "--json",
    )
    assert result.code == 0, result.err
    person = result.json()
    assert person["emails"] == ["bo@b.com"]
    assert person["interests"] == ["chess"]
    assert person["cadence_days"] == 45
    assert person["notes"] == "moved to Lisbon"
    again = kith("edit", "bo", "--note", "new job", "--json").json()
    assert again["notes"] == "moved to Lisbon\n\nnew job"


def test_ls_and_search(kith: KithRunner) -> None:
    kith("add", "Ann Lee", "--org", "Acme Corp", "--interest", "climate")
    kith("add", "Bo Chen", "--org", "Globex", "--note", "met through climate meetup")
    kith("add", "Cy Diaz", "--email", "cy@initech.example")
    listed = kith("ls", "--json").json()
    assert [p["name"] for p in listed["people"]] == ["Ann Lee", "Bo Chen", "Cy Diaz"]
    found = kith("search", "climate", "--json").json()
    assert {p["name"] for p in found["people"]} == {"Ann Lee", "Bo Chen"}
    assert kith("search", "initech", "--json").json()["people"][0]["name"] == "Cy Diaz"
    assert kith("search", "acme climate", "--json").json()["total"] == 1
    assert kith("search", "nothing-like-this", "--json").json()["total"] == 0
    page = kith("ls", "--limit", "2", "--page", "2", "--json").json()
    assert [p["name"] for p in page["people"]] == ["Cy Diaz"]
    text = kith("ls").out
    assert "Ann Lee" in text and "Acme Corp" in text


def test_log_resets_last_contact(kith: KithRunner) -> None:
    kith("--now", "2026-01-10", "add", "Ann Lee", "--circle", "close")
    logged = kith(
        "--now",
        "2026-03-01",
        "log",
        "ann",
        "--kind",
        "call",
        "--on",
        "2026-02-20",
        "--summary",
        "her new fund",
        "--json",
    )
    assert logged.code == 0, logged.err
    item = logged.json()
    assert item["kind"] == "call" and item["direction"] == "mutual"
    assert item["occurred_at"].startswith("2026-02-20")
    shown = kith("--now", "2026-03-01", "show", "ann", "--json").json()
    assert shown["standing"]["days_since"] == 9
    assert shown["interactions"][0]["summary"] == "her new fund"


def test_log_refuses_what_has_not_happened(kith: KithRunner) -> None:
    kith("--now", "2026-03-01", "add", "Ann Lee")
    result = kith("--now", "2026-03-01", "log", "ann", "--kind", "call", "--on", "2026-03-02")
    assert result.code == 2 and "has not happened yet" in result.err
    assert kith("--now", "2026-03-01", "log", "ann", "--on", "2026-03-01").code == 0


def test_log_with_several_people(kith: KithRunner) -> None:
    kith("add", "Ann Lee")
    kith("add", "Bo Chen")
    result = kith("log", "Ann Lee", "--with", "bo", "--kind", "meeting", "--json")
    assert result.code == 0, result.err
    assert {p["name"] for p in result.json()["people"]} == {"Ann Lee", "Bo Chen"}
    assert kith("show", "bo", "--json").json()["interaction_count"] == 1


def test_me_sets_and_shows_profile(kith: KithRunner) -> None:
    result = kith(
        "me",
        "--name",
        "Sam Rivera",
        "--email",
        "Sam@Example.com",
        "--email",
        "sam@work.example",
        "--interest",
        "climate finance",
        "--timezone",
        "Europe/London",
        "--json",
    )
    assert result.code == 0, result.err
    assert result.json()["emails"] == ["sam@example.com", "sam@work.example"]
    assert kith("me", "--json").json()["timezone"] == "Europe/London"
    bad = kith("me", "--timezone", "Mars/Olympus")
    assert bad.code == 2 and "time zone" in bad.err


def test_no_args_welcomes_a_new_user(kith: KithRunner) -> None:
    result = kith()
    assert result.code == 0
    assert "Welcome to Kith" in result.out


def test_search_follows_edits_and_takes_any_text(kith: KithRunner) -> None:
    kith("add", "Ann Lee", "--org", "Acme Corp", "--note", "50% off_sale fan")
    kith("add", "Bo Chen", "--org", "Globex")
    assert kith("search", "acme", "--json").json()["total"] == 1
    assert kith("edit", "ann", "--org", "Initech").code == 0
    assert kith("search", "acme", "--json").json()["total"] == 0, "the old organisation is gone"
    assert [p["name"] for p in kith("search", "initech", "--json").json()["people"]] == ["Ann Lee"]
    assert kith("search", "50%", "--json").json()["total"] == 1, "% is a character here"
    assert kith("search", "f_s", "--json").json()["total"] == 1
    assert kith("search", "o_s", "--json").json()["total"] == 0
    assert kith("search", "bo", "--json").json()["total"] == 1, "short words are found too"
    assert kith("search", "CHEN globex", "--json").json()["total"] == 1
