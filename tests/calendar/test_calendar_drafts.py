"""Free time in drafts: kith calendar add, then reconnect and follow-up drafts propose slots."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ics_samples import calendar, event

from conftest import KithRunner

#: A slot as drafts write it: "Wednesday 2 June, 09:00–09:30 (…)".
SLOT = re.compile(r"^- (\w+day) (\d{1,2}) (\w+), (\d\d:\d\d)–(\d\d:\d\d) \((.*)\)$", re.MULTILINE)
ASKS = "next couple of weeks"


def ok(kith: KithRunner, now: str, *args: str) -> Any:
    result = kith("--now", now, *args)
    assert result.code == 0, (args, result.out, result.err)
    return result.json() if "--json" in args else result


def owners_calendar() -> str:
    """Sam's calendar: a daily stand-up, a week away in June, a transparent reminder, a
    meeting he declined, and a cancelled one."""
    return calendar(
        event(
            "standup@example.com",
            "20261102T093000",
            "20261102T100000",
            summary="Stand-up",
            organizer="Sam Rivera <sam@example.com>",
            attendees=("Bo Chen <bo@globex.example>",),
            extra=("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",),
        ),
        event("away@example.com", "20270607", "20270612", summary="Away in Lisbon"),
        event(
            "reminder@example.com",
            "20270602T140000",
            "20270602T150000",
            summary="Think about taxes",
            extra=("TRANSP:TRANSPARENT",),
        ),
        event(
            "declined@example.com",
            "20270603T090000",
            "20270603T170000",
            summary="Conference",
            organizer="Org <org@conf.example>",
            attendees=("Sam Rivera <sam@example.com> DECLINED",),
        ),
        event(
            "cancelled@example.com",
            "20270604T090000",
            "20270604T170000",
            summary="Workshop",
            extra=("STATUS:CANCELLED",),
        ),
        event("dentist@example.com", "20270602T090000", "20270602T163000", summary="Dentist"),
    )


@pytest.fixture
def sam(kith: KithRunner, tmp_path: Path) -> Path:
    ok(kith, "2026-11-26", "me", "--name", "Sam Rivera", "--email", "sam@example.com")
    ok(kith, "2026-11-26", "me", "--timezone", "Europe/London")
    ok(
        kith,
        "2026-11-26",
        "add",
        "Mariam Haddad",
        "--email",
        "mariam@bank.example",
        "--met-at",
        "the Forum",
        "--met-on",
        "2026-11-20",
        "--timezone",
        "America/New_York",
    )
    ok(kith, "2026-11-26", "add", "Bo Chen", "--email", "bo@globex.example", "--circle", "close")
    ok(kith, "2026-11-26", "log", "Bo", "--kind", "call", "--on", "2026-11-02")
    path = tmp_path / "sam.ics"
    path.write_text(owners_calendar(), encoding="utf-8", newline="")
    return path


def slots_of(body: str) -> list[tuple[str, ...]]:
    return [m.groups() for m in SLOT.finditer(body)]


def test_without_a_calendar_the_draft_asks_for_their_availability(
    kith: KithRunner, sam: Path
) -> None:
    draft = ok(kith, "2027-06-01", "draft", "Mariam", "--kind", "reconnect", "--json")
    assert not slots_of(draft["body"])
    assert ASKS in draft["body"] or "what suits you" in draft["body"]


def test_with_a_calendar_a_reconnect_proposes_three_days_in_their_time_zone(
    kith: KithRunner, sam: Path
) -> None:
    ok(kith, "2027-06-01", "calendar", "add", str(sam))
    result = ok(kith, "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    slots = slots_of(result.out)
    assert len(slots) == 3, result.out
    days = [(weekday, day, month) for weekday, day, month, *_ in slots]
    assert len(set(days)) == 3
    for weekday, day, month, start, _, where in slots:
        assert where.startswith("your time, America/New_York; ") and "for me in London" in where
        local = datetime.strptime(f"{day} {month} 2027 {start}", "%d %B %Y %H:%M").replace(
            tzinfo=ZoneInfo("America/New_York")
        )
        assert local.strftime("%A") == weekday, "the day is theirs"
        london = local.astimezone(ZoneInfo("Europe/London"))
        assert london.strftime("%H:%M") in where
        assert london.weekday() < 5 and 9 <= london.hour < 17
        assert not (london.hour == 9 and london.minute >= 30), "not during the stand-up"
        assert london.day not in range(7, 12), "not while away in Lisbon"
        assert not (london.day == 2 and london.strftime("%H:%M") < "16:30"), "not at the dentist's"
    assert ASKS not in result.out


def test_the_draft_json_has_the_slots_in_its_body_and_a_follow_up_too(
    kith: KithRunner, sam: Path
) -> None:
    ok(kith, "2026-11-26", "calendar", "add", str(sam))
    draft = ok(kith, "2026-11-26", "draft", "Mariam", "--kind", "follow_up", "--json")
    slots = slots_of(draft["body"])
    assert len(slots) == 3 and draft["kind"] == "follow_up"
    assert [s[:3] for s in slots] == [
        ("Friday", "27", "November"),
        ("Monday", "30", "November"),
        ("Wednesday", "2", "December"),
    ]
    keep = ok(kith, "2026-11-26", "draft", "Bo", "--kind", "keep_in_touch", "--json")
    assert not slots_of(keep["body"]), "only reconnects and follow-ups propose times"
    short = ok(kith, "2026-11-26", "draft", "Mariam", "--channel", "short", "--json")
    assert len(short["body"]) <= 300


def test_someone_whose_zone_is_not_known_gets_the_owners_time(kith: KithRunner, sam: Path) -> None:
    ok(kith, "2026-11-26", "calendar", "add", str(sam))
    ok(kith, "2026-11-26", "add", "Ann Lee", "--met-at", "the Forum", "--met-on", "2026-11-20")
    body = ok(kith, "2026-11-26", "draft", "Ann", "--kind", "follow_up", "--json")["body"]
    slots = slots_of(body)
    assert len(slots) == 3 and all(s[5] == "Europe/London time" for s in slots)


def test_a_calendar_that_cannot_be_read_gives_the_old_wording_and_says_why(
    kith: KithRunner, sam: Path
) -> None:
    ok(kith, "2027-06-01", "calendar", "add", str(sam))
    sam.unlink()
    result = ok(kith, "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    assert not slots_of(result.out)
    assert "could not be read" in result.err and "no file or folder" in result.err


def test_a_recipient_with_no_hours_in_common_is_asked_instead(kith: KithRunner, sam: Path) -> None:
    ok(kith, "2027-06-01", "calendar", "add", str(sam))
    ok(kith, "2027-06-01", "edit", "Mariam", "--timezone", "Pacific/Kiritimati")
    result = ok(kith, "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    assert not slots_of(result.out)
    assert "suits their time zone" in result.err


def test_calendar_free_shows_what_drafts_will_offer(kith: KithRunner, sam: Path) -> None:
    ok(kith, "2027-06-01", "calendar", "add", str(sam))
    text = ok(kith, "2027-06-01", "calendar", "free").out
    assert "Free in your working hours (Monday to Friday, 09:00–17:00, Europe/London)" in text
    assert "Wednesday 2 June" in text and "16:30–17:00" in text
    assert "Monday 7 June" not in text, "away"
    assert "Drafts would propose (30 minutes):" in text
    found = ok(kith, "2027-06-01", "calendar", "free", "--for", "Mariam", "--json")
    assert found["zone"] == "Europe/London" and found["complete"] is True
    assert found["for"]["timezone"] == "America/New_York"
    assert len(found["slots"]) == 3
    assert all("your time, America/New_York" in s["text"] for s in found["slots"])
    drafted = ok(kith, "2027-06-01", "draft", "Mariam", "--kind", "reconnect", "--json")["body"]
    assert [s["text"] for s in found["slots"]] == [
        m.group(0)[2:] for m in SLOT.finditer(drafted)
    ], "the command shows what the draft says"
    for stretch in found["free"]:
        assert stretch["start"] < stretch["end"]
    assert "--days must be between 1 and 90" in kith("calendar", "free", "--days", "0").err
    week = ok(kith, "2027-06-01", "calendar", "free", "--days", "3", "--json")
    assert week["until"] == "2027-06-04T23:00:00+00:00", "to the end of the third day"


def test_working_hours_and_slot_length_are_settings(kith: KithRunner, sam: Path) -> None:
    ok(kith, "2027-06-01", "calendar", "add", str(sam))
    ok(kith, "2027-06-01", "config", "set", "work_days", "tue-thu")
    ok(kith, "2027-06-01", "config", "set", "work_hours", "13-17")
    ok(kith, "2027-06-01", "config", "set", "slot_minutes", "60")
    found = ok(kith, "2027-06-01", "calendar", "free", "--json")
    assert (found["work_days"], found["work_hours"], found["slot_minutes"]) == (
        "tue,wed,thu",
        "13:00-17:00",
        60,
    )
    for slot in found["slots"]:
        start = datetime.fromisoformat(slot["start"]).astimezone(ZoneInfo("Europe/London"))
        end = datetime.fromisoformat(slot["end"]).astimezone(ZoneInfo("Europe/London"))
        assert start.weekday() in (1, 2, 3) and start.hour >= 13 and end.hour <= 17
        assert (end - start).seconds == 3600
    shown = kith("config", "set", "work_hours", "17-9")
    assert shown.code == 2 and "ends before it starts" in shown.err
