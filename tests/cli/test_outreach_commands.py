"""The CLI contract for outreach: today, draft, sent, snooze, let-go, and the lifecycle.

Every date is pinned with ``--now`` so that the agenda is the same on every run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import KithRunner

DAY = "2026-06-15"
SETUP = "2026-01-05"


def ok(kith: KithRunner, *args: str) -> Any:
    """Run a command that must succeed; its JSON when it printed some."""
    result = kith(*args)
    assert result.code == 0, (args, result.out, result.err)
    return result.json() if "--json" in args else result


def refused(kith: KithRunner, *args: str) -> str:
    """Run a command that must be refused with one clear line; returns that line."""
    result = kith(*args)
    assert result.code == 2, (args, result.out, result.err)
    assert result.err.startswith("kith: "), result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    return result.err.strip()


def agenda(kith: KithRunner, now: str, *extra: str) -> list[dict[str, Any]]:
    data = ok(kith, "--now", now, "today", "--json", *extra)
    items: list[dict[str, Any]] = data["items"]
    return items


def names(items: list[dict[str, Any]]) -> list[str]:
    return [i["person"]["name"] for i in items]


def shown(kith: KithRunner, now: str, who: str) -> dict[str, Any]:
    data: dict[str, Any] = ok(kith, "--now", now, "show", who, "--json")
    return data


def outreach_states(kith: KithRunner, now: str, who: str) -> list[str]:
    """Outreach states, oldest first."""
    return [o["state"] for o in reversed(shown(kith, now, who)["outreach"])]


def close_friend(kith: KithRunner, name: str, last_call: str) -> None:
    """Someone in the close circle (every 30 days) last spoken to on ``last_call``."""
    ok(kith, "--now", SETUP, "add", name, "--circle", "close")
    ok(kith, "--now", last_call, "log", name, "--kind", "call", "--summary", "catching up")


# -- today: order, budget, shape --------------------------------------------------------


def _busy_day(kith: KithRunner) -> None:
    """One person for every reason on the agenda of DAY, and one reconnect too many."""
    ok(kith, "me", "--name", "Sam Rivera", "--interest", "climate finance")
    # Reply owed: they wrote five days ago and nothing went back.
    ok(kith, "--now", SETUP, "add", "Rita Reply", "--circle", "close")
    ok(kith, "--now", "2026-06-10", "log", "Rita", "--kind", "email", "--direction", "in")
    # Follow-up: met three days ago.
    ok(kith, "--now", "2026-06-12", "add", "Fay Follow", "--met-at", "the Forum")
    # Birthday in three days; otherwise in touch.
    ok(kith, "--now", SETUP, "add", "Bea Birthday", "--birthday", "1980-06-18")
    ok(kith, "--now", "2026-06-01", "log", "Bea", "--kind", "call")
    # Due keep-in-touch: close circle, 60 and 45 days ago.
    close_friend(kith, "Kim Keep", "2026-04-16")
    close_friend(kith, "Ken Keep", "2026-05-01")
    # Three dormant ties: a real relationship a year and a half ago, then nothing.
    for name in ("Ron One", "Ros Two", "Rex Three"):
        ok(kith, "--now", "2024-12-01", "add", name, "--circle", "active")
        for month in ("01", "02", "03", "04"):
            ok(
                kith,
                "--now",
                "2025-06-01",
                "log",
                name,
                "--kind",
                "meeting",
                "--on",
                f"2025-{month}-10",
            )
    # Someone in touch: never on the list.
    close_friend(kith, "Ivy InTouch", "2026-06-10")


def test_today_orders_by_kind_and_caps_reconnects(kith: KithRunner) -> None:
    _busy_day(kith)
    data = ok(kith, "--now", DAY, "today", "--json", "--limit", "20")
    kinds = [i["kind"] for i in data["items"]]
    assert kinds == [
        "reply",
        "follow_up",
        "date",
        "keep_in_touch",
        "keep_in_touch",
        "reconnect",
        "reconnect",
    ], data["items"]
    assert names(data["items"])[:5] == [
        "Rita Reply",
        "Fay Follow",
        "Bea Birthday",
        "Kim Keep",
        "Ken Keep",
    ], "keep-in-touch: the longer overdue comes first"
    assert data["totals"] == {
        "reply": 1,
        "follow_up": 1,
        "date": 1,
        "keep_in_touch": 2,
        "reconnect": 3,
    }, "totals count everyone before the cut, the third reconnect included"
    assert 8 <= data["considered"] <= 9, "everyone who may need attention was looked at"
    assert "Ivy InTouch" not in names(data["items"])
    assert data["date"] == DAY
    assert data["week"] == {"start": "2026-06-15", "sent": 0, "goal": 10}
    for item in data["items"]:
        assert set(item) >= {"person", "kind", "score", "reasons", "draft_kind"}
        assert set(item["person"]) == {"id", "name"}
        assert isinstance(item["score"], int | float)
        assert item["reasons"] and all(isinstance(r, str) and r for r in item["reasons"])
    by_kind = {i["kind"]: i for i in data["items"]}
    assert by_kind["reply"]["draft_kind"] == "reply"
    assert by_kind["date"]["draft_kind"] == "birthday"
    assert any("Forum" in r for r in by_kind["follow_up"]["reasons"])
    assert any("birthday" in r for r in by_kind["date"]["reasons"])


def test_today_is_cut_to_the_budget(kith: KithRunner) -> None:
    _busy_day(kith)
    full = names(agenda(kith, DAY, "--limit", "20"))
    assert names(agenda(kith, DAY)) == full[:5], "default budget is 5, in agenda order"
    assert names(agenda(kith, DAY, "--limit", "3")) == full[:3]
    assert names(agenda(kith, DAY, "-n", "1")) == full[:1]
    ok(kith, "config", "set", "daily_budget", "3")
    assert names(agenda(kith, DAY)) == full[:3]
    assert names(agenda(kith, DAY, "--limit", "6")) == full[:6], "--limit beats the budget"
    text = ok(kith, "--now", DAY, "today").out
    assert "3 people worth reaching out to today." in text
    positions = [text.index(name) for name in full[:3]]
    assert positions == sorted(positions)
    assert "Ken Keep" not in text
    assert "limit" in refused(kith, "--now", DAY, "today", "--limit", "0")


def test_today_with_nobody_and_with_nobody_due(kith: KithRunner) -> None:
    empty = kith("--now", DAY, "today")
    assert empty.code == 0 and "Nobody in Kith yet" in empty.out
    assert agenda(kith, DAY) == []
    close_friend(kith, "Ivy InTouch", "2026-06-10")
    quiet = kith("--now", DAY, "today")
    assert "Nobody needs you today" in quiet.out


# -- draft → sent → replied / no reply ---------------------------------------------------


def test_draft_then_sent_takes_the_person_off_the_list(kith: KithRunner) -> None:
    close_friend(kith, "Ann Lee", "2026-01-01")
    assert names(agenda(kith, "2026-02-15")) == ["Ann Lee"]
    draft = ok(kith, "--now", "2026-02-15", "draft", "Ann", "--json")
    assert draft["kind"] == "keep_in_touch" and draft["outreach_id"]
    assert outreach_states(kith, "2026-02-15", "Ann") == ["drafted"]
    listed = agenda(kith, "2026-02-15")
    assert names(listed) == ["Ann Lee"], "a draft alone is not contact"
    assert any("draft" in r for r in listed[0]["reasons"])
    sent = ok(kith, "--now", "2026-02-15", "sent", "Ann", "--json")
    assert sent["outreach_id"] == draft["outreach_id"]
    assert sent["kind"] == "keep_in_touch"
    assert sent["sent_at"].startswith("2026-02-15")
    assert agenda(kith, "2026-02-15") == []
    assert agenda(kith, "2026-02-16") == []
    view = shown(kith, "2026-02-16", "Ann")
    assert [o["state"] for o in view["outreach"]] == ["sent"]
    assert view["outreach"][0]["body"] == draft["body"]
    assert view["standing"]["awaiting_reply"] is True
    assert view["standing"]["label"] == "waiting for reply"
    assert view["suggestion"] is None
    week = ok(kith, "--now", "2026-02-15", "today", "--json")["week"]
    assert week == {"start": "2026-02-09", "sent": 1, "goal": 10}
    next_week = ok(kith, "--now", "2026-02-16", "today", "--json")["week"]
    assert next_week == {"start": "2026-02-16", "sent": 0, "goal": 10}


def test_an_inbound_message_makes_it_replied(kith: KithRunner) -> None:
    close_friend(kith, "Ann Lee", "2026-01-01")
    ok(kith, "--now", "2026-02-15", "draft", "Ann")
    ok(kith, "--now", "2026-02-15", "sent", "Ann")
    assert outreach_states(kith, "2026-02-19", "Ann") == ["sent"]
    ok(kith, "--now", "2026-02-20", "log", "Ann", "--kind", "email", "--direction", "in")
    assert outreach_states(kith, "2026-02-20", "Ann") == ["replied"]
    assert outreach_states(kith, "2026-06-01", "Ann") == ["replied"], "replied stays replied"
    assert outreach_states(kith, "2026-02-19", "Ann") == ["sent"], "replaying the past"
    assert shown(kith, "2026-02-21", "Ann")["standing"]["awaiting_reply"] is False


def test_no_reply_after_21_days_and_back_on_cadence(kith: KithRunner) -> None:
    close_friend(kith, "Bo Chen", "2026-01-01")
    ok(kith, "--now", "2026-02-15", "sent", "Bo")
    assert outreach_states(kith, "2026-03-07", "Bo") == ["sent"], "20 days: still waiting"
    assert outreach_states(kith, "2026-03-08", "Bo") == ["no_reply"], "21 days: no reply"
    view = shown(kith, "2026-03-08", "Bo")
    assert view["standing"]["awaiting_reply"] is False
    assert view["suggestion"] is None, "no nagging: the cadence counts from the send"
    assert agenda(kith, "2026-03-16") == []
    back = agenda(kith, "2026-03-17")
    assert names(back) == ["Bo Chen"] and back[0]["kind"] == "keep_in_touch"


def test_sent_without_a_draft_records_an_outreach(kith: KithRunner) -> None:
    close_friend(kith, "Bo Chen", "2026-01-01")
    sent = ok(kith, "--now", "2026-02-15", "sent", "Bo", "--kind", "reconnect", "--json")
    assert sent["kind"] == "reconnect"
    view = shown(kith, "2026-02-15", "Bo")
    assert view["outreach"][0]["kind"] == "reconnect"
    assert view["interactions"][0]["direction"] == "out"
    assert view["standing"]["days_since"] == 0, "sending counts as contact"


def test_sent_on_a_past_day_and_never_in_the_future(kith: KithRunner) -> None:
    close_friend(kith, "Bo Chen", "2026-01-01")
    refused_line = refused(kith, "--now", "2026-02-15", "sent", "Bo", "--on", "2026-02-16")
    assert "future" in refused_line
    assert shown(kith, "2026-02-15", "Bo")["outreach"] == [], "nothing was recorded"
    sent = ok(kith, "--now", "2026-02-15", "sent", "Bo", "--on", "2026-02-10", "--json")
    assert sent["sent_at"].startswith("2026-02-10")
    assert shown(kith, "2026-02-15", "Bo")["standing"]["days_since"] == 5
    assert "date" in refused(kith, "--now", "2026-02-15", "sent", "Bo", "--on", "soon")
    refused(kith, "sent", "Nobody Here")


# -- going quiet ------------------------------------------------------------------------


def _two_unanswered(kith: KithRunner, name: str) -> None:
    close_friend(kith, name, "2026-01-01")
    ok(kith, "--now", "2026-02-15", "sent", name)
    assert names(agenda(kith, "2026-03-20")) == [name], "one silence is fine: back on cadence"
    ok(kith, "--now", "2026-03-20", "sent", name)


def test_two_unanswered_in_a_row_go_quiet(kith: KithRunner) -> None:
    _two_unanswered(kith, "Cy Diaz")
    view = shown(kith, "2026-04-15", "Cy")
    assert outreach_states(kith, "2026-04-15", "Cy") == ["no_reply", "no_reply"]
    assert view["standing"]["quiet"] is True and view["standing"]["label"] == "quiet"
    assert view["suggestion"] is None
    for later in ("2026-04-20", "2026-06-01", "2026-12-01", "2027-06-01"):
        assert agenda(kith, later, "--limit", "20") == [], later


def test_quiet_ends_when_they_write(kith: KithRunner) -> None:
    _two_unanswered(kith, "Cy Diaz")
    ok(kith, "--now", "2026-06-01", "log", "Cy", "--kind", "email", "--direction", "in")
    view = shown(kith, "2026-06-01", "Cy")
    assert view["standing"]["quiet"] is False
    assert outreach_states(kith, "2026-06-01", "Cy") == ["no_reply", "replied"]
    assert agenda(kith, "2026-06-02") == [], "they just wrote"
    owed = agenda(kith, "2026-06-04")
    assert names(owed) == ["Cy Diaz"] and owed[0]["kind"] == "reply", "back: a reply is owed"
    ok(kith, "--now", "2026-06-04", "sent", "Cy", "--kind", "reply")
    assert agenda(kith, "2026-06-20") == []
    assert names(agenda(kith, "2026-07-05")) == ["Cy Diaz"], "and on cadence after that"


def test_quiet_ends_when_the_owner_acts(kith: KithRunner) -> None:
    _two_unanswered(kith, "Cy Diaz")
    assert shown(kith, "2026-05-01", "Cy")["standing"]["quiet"] is True
    ok(kith, "--now", "2026-05-01", "log", "Cy", "--kind", "call", "--summary", "bumped into her")
    assert shown(kith, "2026-05-02", "Cy")["standing"]["quiet"] is False
    assert names(agenda(kith, "2026-06-01")) == ["Cy Diaz"]


def test_a_reply_in_between_means_not_quiet(kith: KithRunner) -> None:
    close_friend(kith, "Dee Ray", "2026-01-01")
    ok(kith, "--now", "2026-02-15", "sent", "Dee")
    ok(kith, "--now", "2026-02-18", "log", "Dee", "--kind", "email", "--direction", "in")
    ok(kith, "--now", "2026-03-25", "sent", "Dee")
    view = shown(kith, "2026-05-01", "Dee")
    assert outreach_states(kith, "2026-05-01", "Dee") == ["replied", "no_reply"]
    assert view["standing"]["quiet"] is False
    assert names(agenda(kith, "2026-05-01")) == ["Dee Ray"]


# -- snooze and let go -------------------------------------------------------------------


def test_snooze_hides_until_the_date(kith: KithRunner) -> None:
    close_friend(kith, "Ann Lee", "2026-01-01")
    assert names(agenda(kith, "2026-02-15")) == ["Ann Lee"]
    done = ok(kith, "--now", "2026-02-15", "snooze", "Ann", "--until", "2026-02-25")
    assert "Snoozed Ann Lee until" in done.out
    assert shown(kith, "2026-02-15", "Ann")["person"]["snoozed_until"] == "2026-02-25"
    assert agenda(kith, "2026-02-15") == []
    assert agenda(kith, "2026-02-24") == []
    assert names(agenda(kith, "2026-02-25")) == ["Ann Lee"], "back on the day itself"
    ok(kith, "--now", "2026-02-25", "snooze", "Ann", "--days", "3")
    assert shown(kith, "2026-02-25", "Ann")["person"]["snoozed_until"] == "2026-02-28"
    assert agenda(kith, "2026-02-27") == []


@pytest.mark.parametrize(
    "args",
    [
        ("--until", "2026-02-14"),
        ("--until", "2026-02-15"),
        ("--until", "someday"),
        (),
        ("--until", "2026-03-01", "--days", "3"),
    ],
)
def test_snooze_refuses_bad_dates(kith: KithRunner, args: tuple[str, ...]) -> None:
    close_friend(kith, "Ann Lee", "2026-01-01")
    refused(kith, "--now", "2026-02-15", "snooze", "Ann", *args)
    assert shown(kith, "2026-02-15", "Ann")["person"]["snoozed_until"] is None


def test_let_go_archives_and_edit_brings_back(kith: KithRunner) -> None:
    close_friend(kith, "Ann Lee", "2026-01-01")
    close_friend(kith, "Bo Chen", "2026-01-02")
    ok(kith, "--now", "2026-02-15", "draft", "Ann")
    done = ok(kith, "--now", "2026-02-15", "let-go", "Ann", "--reason", "moved on")
    assert "Let go of Ann Lee" in done.out and "--status active" in done.out
    view = shown(kith, "2026-02-15", "Ann")
    assert view["person"]["status"] == "archived"
    assert view["person"]["status_reason"] == "moved on"
    assert view["suggestion"] is None
    assert [o["state"] for o in view["outreach"]] == ["dismissed"], "the open draft is closed"
    assert view["interaction_count"] == 1, "nothing was deleted"
    for day in ("2026-02-15", "2026-06-01", "2028-01-01"):
        assert "Ann Lee" not in names(agenda(kith, day, "--limit", "20")), day
    listed = ok(kith, "ls", "--json")
    assert [p["name"] for p in listed["people"]] == ["Bo Chen"]
    archived = ok(kith, "ls", "--status", "archived", "--json")
    assert [p["name"] for p in archived["people"]] == ["Ann Lee"]
    assert ok(kith, "search", "ann", "--json")["total"] == 1, "search still finds them"
    back = ok(kith, "--now", "2026-02-16", "edit", "Ann", "--status", "active", "--json")
    assert back["status"] == "active" and back["status_reason"] == ""
    assert "Ann Lee" in names(agenda(kith, "2026-02-16"))


def test_draft_and_sent_need_someone_known(kith: KithRunner) -> None:
    ok(kith, "add", "Ann Lee")
    ok(kith, "add", "Ann Smith")
    refused(kith, "draft", "Nobody Here")
    assert "2 people match" in refused(kith, "draft", "ann")
    assert "2 people match" in refused(kith, "sent", "ann")
    assert "2 people match" in refused(kith, "snooze", "ann", "--days", "3")
    assert "2 people match" in refused(kith, "let-go", "ann")


# -- the documented JSON shapes -----------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"


def documented_examples() -> dict[str, Any]:
    """The first JSON example of each ``## `kith …``` section of docs/json.md."""
    examples: dict[str, Any] = {}
    for section in DOCS.read_text(encoding="utf-8").split("\n## ")[1:]:
        heading = section.splitlines()[0]
        block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
        if heading.startswith("`kith") and block:
            examples[heading] = json.loads(block.group(1))
    return examples


def same_keys(documented: Any, real: Any, where: str) -> None:
    """Every key of the real output is in the documented example, and no other."""
    if isinstance(real, dict) and isinstance(documented, dict):
        assert set(real) == set(documented), (where, sorted(real), sorted(documented))
        for key in real:
            same_keys(documented[key], real[key], f"{where}.{key}")
    elif isinstance(real, list) and isinstance(documented, list) and real and documented:
        same_keys(documented[0], real[0], f"{where}[0]")


def test_json_shapes_match_docs(kith: KithRunner, tmp_path: Path) -> None:
    examples = documented_examples()

    def example(command: str) -> Any:
        matches = [v for k, v in examples.items() if f"`kith {command}" in k]
        assert matches, f"docs/json.md documents `kith {command}`"
        return matches[0]

    now = ("--now", "2026-11-26")
    real = {
        "me": ok(kith, *now, "me", "--name", "Sam Rivera", "--interest", "climate", "--json"),
        "add": ok(
            kith,
            *now,
            "add",
            "Mariam Haddad",
            "--met-at",
            "the Forum",
            "--interest",
            "climate",
            "--json",
        ),
    }
    ok(kith, *now, "add", "Bo Chen", "--circle", "close", "--introduced-by", "Mariam")
    real["log"] = ok(kith, *now, "log", "Bo", "--kind", "call", "--summary", "Lisbon", "--json")
    real["today"] = ok(kith, "--now", "2026-11-28", "today", "--json")
    real["draft"] = ok(kith, "--now", "2026-11-28", "draft", "Mariam", "--json")
    real["sent"] = ok(kith, "--now", "2026-11-28", "sent", "Mariam", "--json")
    real["intro"] = ok(kith, *now, "intro", "Mariam", "Bo", "--json")
    real["referral"] = ok(kith, *now, "referral", "Bo", "--to", "Mariam", "--for", "x", "--json")
    real["show"] = ok(kith, "--now", "2026-11-30", "show", "Mariam", "--json")
    real["ls"] = ok(kith, "ls", "--json")
    real["search"] = ok(kith, "search", "mariam", "--json")
    real["edit"] = ok(kith, "edit", "Bo", "--org", "Globex", "--json")
    real["db info"] = ok(kith, "db", "info", "--json")
    real["demo"] = ok(kith, "--db", str(tmp_path / "demo.db"), "demo", "--people", "5", "--json")
    for command, output in real.items():
        documented = example(command.split()[0] if command != "db info" else command)
        same_keys(documented, output, command)
    settings = ok(kith, "config", "show", "--json")
    documented_settings = example("config show")
    assert set(settings) == set(documented_settings)
    for name, entry in settings["settings"].items():
        assert f"`{name}`" in DOCS.read_text(encoding="utf-8"), name
        assert set(entry) == set(next(iter(documented_settings["settings"].values())))
    assert "Keys are only ever added" in DOCS.read_text(encoding="utf-8")


def test_reconnect_after_an_unanswered_note_speaks_of_the_meeting(kith: KithRunner) -> None:
    ok(kith, "--now", "2026-11-26", "me", "--name", "Sam Rivera")
    ok(
        kith,
        "--now",
        "2026-11-26",
        "add",
        "Mariam Haddad",
        "--met-at",
        "the Forum",
        "--met-on",
        "2026-11-20",
    )
    ok(kith, "--now", "2026-11-26", "sent", "Mariam")
    draft = ok(kith, "--now", "2027-06-01", "draft", "Mariam", "--kind", "reconnect", "--json")
    assert "since we last met at the Forum" in draft["body"] or (
        "since we met at the Forum" in draft["body"]
    ), draft["body"]
    assert "last spoke" not in draft["body"], "our own unanswered note was not a conversation"
