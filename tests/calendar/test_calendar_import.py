"""kith import calendar and kith calendar add|ls|rm: meetings become interactions, once."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from ics_samples import calendar, event

from conftest import CORPUS, KithRunner
from kith.services.calendar import fetchable

NOW = "2026-11-26"
SAM = "Sam Rivera <sam@example.com>"


def ok(kith: KithRunner, *args: str, now: str = NOW) -> Any:
    result = kith("--now", now, *args)
    assert result.code == 0, (args, result.out, result.err)
    return result.json() if "--json" in args else result


def refused(kith: KithRunner, *args: str) -> str:
    result = kith("--now", NOW, *args)
    assert result.code == 2, (args, result.out, result.err)
    assert "Traceback" not in result.err + result.out
    return result.err


def me(kith: KithRunner) -> None:
    ok(
        kith,
        "me",
        "--name",
        "Sam Rivera",
        "--email",
        "sam@example.com",
        "--timezone",
        "Europe/London",
    )


def work_calendar() -> str:
    """Sam's work calendar from October to December 2026, as Google exports it."""
    crowd = tuple(f"Person {n} <p{n}@acme.example>" for n in range(11))
    return calendar(
        event(
            "one-to-one@google.com",
            "20261005T100000",
            "20261005T103000",
            summary="Ann / Sam 1:1",
            organizer=SAM,
            attendees=(f"{SAM} ACCEPTED", "Ann Lee <Ann.Lee@Acme.example> ACCEPTED"),
            extra=("RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=Europe/London:20261019T100000"),
        ),
        event(
            "one-to-one@google.com",
            "20261103T160000",
            "20261103T163000",
            summary="Ann / Sam 1:1 (moved to Tuesday)",
            organizer=SAM,
            attendees=(f"{SAM} ACCEPTED", "Ann Lee <ann.lee@acme.example> ACCEPTED"),
            extra=("RECURRENCE-ID;TZID=Europe/London:20261102T100000",),
        ),
        event(
            "one-to-one@google.com",
            "20261109T100000",
            "20261109T103000",
            organizer=SAM,
            attendees=(f"{SAM} ACCEPTED", "Ann Lee <ann.lee@acme.example> ACCEPTED"),
            extra=("RECURRENCE-ID;TZID=Europe/London:20261109T100000", "STATUS:CANCELLED"),
        ),
        event(
            "vendor-pitch@google.com",
            "20261110T140000",
            "20261110T150000",
            summary="Vendor pitch",
            organizer="Vic Vendor <vic@vendor.example>",
            attendees=(f"{SAM} DECLINED", "Vic Vendor <vic@vendor.example> ACCEPTED"),
        ),
        event(
            "offsite-called-off@google.com",
            "20261112T090000",
            "20261112T170000",
            summary="Offsite",
            organizer="Ann Lee <ann.lee@acme.example>",
            attendees=(f"{SAM} ACCEPTED", "Bo Chen <bo@globex.example> ACCEPTED"),
            extra=("STATUS:CANCELLED",),
        ),
        event(
            "all-hands@google.com",
            "20261113T160000",
            "20261113T170000",
            summary="All hands",
            organizer="Ann Lee <ann.lee@acme.example>",
            attendees=(f"{SAM} ACCEPTED", *crowd),
        ),
        event(
            "coffee-chloe@google.com",
            "20261118T083000",
            "20261118T090000",
            summary="Coffee",
            organizer=SAM,
            attendees=(
                f"{SAM} ACCEPTED",
                "Chloé Dubois <chloe@dubois.example> ACCEPTED",
                "Dan Declined <dan@globex.example> DECLINED",
                "Room 4 <room-4@resource.calendar.google.com> ACCEPTED RESOURCE",
            ),
        ),
        event("dentist@google.com", "20261119T120000", "20261119T130000", summary="Dentist"),
        event(
            "holiday@google.com",
            "20261120",
            "20261121",
            summary="Day off with Bo",
            attendees=(f"{SAM} ACCEPTED", "Bo Chen <bo@globex.example> ACCEPTED"),
        ),
        event(
            "next-month@google.com",
            "20261210T100000",
            "20261210T110000",
            summary="Planning 2027",
            organizer=SAM,
            attendees=(f"{SAM} ACCEPTED", "Eve Future <eve@future.example> ACCEPTED"),
        ),
        event(
            "vendor-2@google.com",
            "20261124T100000",
            "20261124T110000",
            summary="Check-in",
            extra=("RRULE:FREQ=FORTNIGHTLY",),
        ),
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work.ics"
    path.write_text(work_calendar(), encoding="utf-8", newline="")
    return path


def test_every_corpus_calendar_and_invitation_imports_or_is_reported_and_twice_adds_nothing(
    kith: KithRunner,
) -> None:
    me(kith)
    sources = [str(CORPUS / "ics"), *map(str, sorted((CORPUS / "mail" / "eml").glob("*cal*")))]
    first = ok(kith, "import", "calendar", *sources, "--json")
    assert first["calendars"] == 16 and first["added"] > 200 and first["people_added"] >= 10
    assert first["skipped"] == len(first["problems"]) >= 1
    for problem in first["problems"] + first["notes"]:
        assert problem["where"] and problem["reason"]
    again = ok(kith, "import", "calendar", *sources, "--json")
    assert (again["added"], again["people_added"]) == (0, 0)
    assert again["unchanged"] == first["added"] + first["unchanged"]
    names = [p["name"] for p in ok(kith, "ls", "--limit", "100", "--json")["people"]]
    assert "Sahaja Lal" in names and "Marge" in names, "names come from CN"
    assert "sam@example.com" not in names


def test_meetings_become_interactions_with_the_people_on_them(kith: KithRunner, work: Path) -> None:
    me(kith)
    ok(kith, "add", "Ann Lee", "--email", "ann.lee@acme.example", "--org", "Acme")
    summary = ok(kith, "import", "calendar", str(work), "--json")
    # 1:1 on 5, 12, 26 Oct, 2 Nov (moved to the 3rd), 16, 23 Nov (19 Oct excluded, 9 Nov
    # cancelled); the coffee with Chloé.
    assert summary["added"] == 7
    assert summary["ignored"] == {
        "cancelled": 2,
        "declined": 1,
        "too_many_attendees": 1,
        "no_one_else": 1,
        "all_day": 1,
    }
    assert summary["people_added"] == 1, "only Chloé: Vic, Bo, Eve and the crowd are not met"
    (problem,) = summary["problems"]
    assert "vendor-2@google.com" in problem["where"] and "RRULE" in problem["reason"]
    assert problem["line"] == work_calendar().splitlines().index("UID:vendor-2@google.com")

    ann = ok(kith, "show", "Ann Lee", "--json", "--limit", "50")
    meetings = [i for i in ann["interactions"] if i["source"] == "calendar"]
    assert [i["occurred_at"][:10] for i in meetings] == [
        "2026-11-23",
        "2026-11-16",
        "2026-11-03",
        "2026-10-26",
        "2026-10-12",
        "2026-10-05",
    ]
    moved = meetings[2]
    assert moved["summary"] == "Ann / Sam 1:1 (moved to Tuesday) (calendar)"
    assert moved["occurred_at"] == "2026-11-03T16:00:00+00:00"
    assert moved["source_key"] == "one-to-one@google.com|20261102T100000Z"
    assert moved["kind"] == "meeting" and moved["direction"] == "mutual"
    assert [p["name"] for p in moved["people"]] == ["Ann Lee"], "the owner is never a person"

    people = {p["name"] for p in ok(kith, "ls", "--json")["people"]}
    assert people == {"Ann Lee", "Chloé Dubois"}
    chloe = ok(kith, "show", "Chloé", "--json")
    assert chloe["person"]["emails"] == ["chloe@dubois.example"]
    assert chloe["person"]["given_name"] == "Chloé"
    (coffee,) = chloe["interactions"]
    assert coffee["occurred_at"] == "2026-11-18T08:30:00+00:00"
    assert [p["name"] for p in coffee["people"]] == ["Chloé Dubois"], "not Dan, not the room"
    assert [s["source"] for s in chloe["sources"]] == ["calendar"]

    twice = ok(kith, "import", "calendar", str(work), "--json")
    assert (twice["added"], twice["unchanged"], twice["people_added"]) == (0, 7, 0)


def test_recurring_meetings_count_as_they_happen(kith: KithRunner, work: Path) -> None:
    me(kith)
    assert ok(kith, "import", "calendar", str(work), "--json")["added"] == 7
    later = ok(kith, "import", "calendar", str(work), "--json", now="2026-12-15")
    assert later["added"] == 4, "three Mondays of 1:1, and the planning with Eve on 10 December"
    assert later["people_added"] == 1
    eve = ok(kith, "show", "Eve", "--json", now="2026-12-15")
    assert eve["interactions"][0]["occurred_at"] == "2026-12-10T10:00:00+00:00"


def test_the_attendee_limit_is_a_setting(kith: KithRunner, work: Path) -> None:
    me(kith)
    ok(kith, "config", "set", "calendar_max_attendees", "20")
    summary = ok(kith, "import", "calendar", str(work), "--json")
    assert summary["ignored"]["too_many_attendees"] == 0
    assert summary["people_added"] == 13, "Ann, Chloé and the eleven at the all hands"
    assert "must be at least 2" in refused(kith, "config", "set", "calendar_max_attendees", "1")


def test_a_summary_a_person_can_read(kith: KithRunner, work: Path) -> None:
    me(kith)
    result = ok(kith, "import", "calendar", str(work))
    assert "Read 1 calendar, 9 events: 7 meetings added, 0 unchanged, 1 skipped; 2 new people." in (
        result.out
    )
    assert (
        "not meetings: 2 cancelled, 1 declined by you, 1 too large (calendar_max_attendees), "
        "1 with nobody but you, 1 all-day" in result.out
    )
    assert "skipped " in result.out and "vendor-2@google.com (line" in result.out


def test_kith_needs_to_know_who_you_are_and_what_to_read(kith: KithRunner, work: Path) -> None:
    assert "kith me --email" in refused(kith, "import", "calendar", str(work))
    me(kith)
    assert "none configured" in refused(kith, "import", "calendar")
    assert "no file or folder" in refused(kith, "import", "calendar", str(work) + ".missing")
    not_a_calendar = work.with_name("contacts.vcf")
    not_a_calendar.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n")
    summary = ok(kith, "import", "calendar", str(not_a_calendar), "--json")
    assert "kith import vcard" in summary["problems"][0]["reason"]


def test_configured_calendars_are_read_again_on_each_import(
    kith: KithRunner, work: Path, tmp_path: Path
) -> None:
    me(kith)
    assert "No calendars yet" in ok(kith, "calendar", "ls").out
    added = ok(kith, "calendar", "add", str(work))
    assert "9 events in it" in added.out and "vendor-2@google.com" in added.out
    folder = tmp_path / "vdir"
    folder.mkdir()
    ok(kith, "calendar", "add", str(folder))
    listed = ok(kith, "calendar", "ls", "--json")
    assert listed == {
        "calendars": [
            {"number": 1, "location": str(work), "kind": "file"},
            {"number": 2, "location": str(folder), "kind": "folder"},
        ]
    }
    assert "already one of your calendars" in refused(kith, "calendar", "add", str(work))
    assert "no file or folder" in refused(kith, "calendar", "add", str(tmp_path / "nope.ics"))
    assert ok(kith, "import", "calendar", "--json")["added"] == 7

    (folder / "lunch.ics").write_text(
        calendar(
            event(
                "lunch@example.com",
                "20261125T123000",
                "20261125T133000",
                summary="Lunch",
                attendees=(f"{SAM} ACCEPTED", "Ann Lee <ann.lee@acme.example> ACCEPTED"),
            )
        ),
        encoding="utf-8",
    )
    again = ok(kith, "import", "calendar", "--json")
    assert (again["calendars"], again["added"], again["unchanged"]) == (2, 1, 7)

    ok(kith, "calendar", "rm", "2")
    assert [c["location"] for c in ok(kith, "calendar", "ls", "--json")["calendars"]] == [str(work)]
    assert "not one of your calendars" in refused(kith, "calendar", "rm", "5")
    ok(kith, "calendar", "rm", str(work))
    assert ok(kith, "calendar", "ls", "--json") == {"calendars": []}
    ok(kith, "calendar", "add", str(tmp_path / "later.ics"), "--no-check")
    assert "there is no file" in refused(kith, "import", "calendar")


def test_calendars_set_in_the_environment_are_not_changed_by_add(
    kith: KithRunner, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    me(kith)
    monkeypatch.setenv("KITH_CALENDARS", str(work))
    assert ok(kith, "calendar", "ls", "--json")["calendars"][0]["location"] == str(work)
    assert "KITH_CALENDARS" in refused(kith, "calendar", "add", str(work.with_name("x.ics")))
    assert ok(kith, "import", "calendar", "--json")["added"] == 7


# -- calendars at a URL, from a real HTTP server --------------------------------------------


class _Calendars(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        if self.path == "/slow.ics":
            time.sleep(3)
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up waiting (the timeout test) is no error of the server's


@pytest.fixture
def server() -> Iterator[str]:
    httpd = _Server(("127.0.0.1", 0), _Calendars)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_calendar_at_a_url_is_fetched_each_time(kith: KithRunner, server: str) -> None:
    me(kith)
    _Calendars.files = {"/secret/basic.ics": work_calendar().encode()}
    ok(kith, "calendar", "add", f"{server}/secret/basic.ics")
    assert ok(kith, "import", "calendar", "--json")["added"] == 7
    _Calendars.files["/secret/basic.ics"] = calendar(
        event(
            "new@example.com",
            "20261125T100000",
            "20261125T110000",
            attendees=(f"{SAM} ACCEPTED", "Fay New <fay@new.example> ACCEPTED"),
        )
    ).encode()
    again = ok(kith, "import", "calendar", "--json")
    assert (again["added"], again["people_added"]) == (1, 1)


def test_url_errors_are_said_clearly(kith: KithRunner, server: str) -> None:
    me(kith)
    _Calendars.files = {"/slow.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}
    gone = refused(kith, "import", "calendar", f"{server}/reset/basic.ics")
    assert "answered 404 Not Found" in gone and "secret address" in gone
    ok(kith, "config", "set", "calendar_timeout", "1")
    assert "did not answer within 1 seconds" in refused(
        kith, "import", "calendar", f"{server}/slow.ics"
    )
    unreachable = refused(kith, "import", "calendar", "http://127.0.0.1:9/cal.ics")
    assert "could not be reached" in unreachable
    assert "could not be reached" in refused(kith, "calendar", "add", "http://127.0.0.1:9/cal.ics")


def test_webcal_addresses_are_fetched_over_https() -> None:
    assert fetchable("webcal://p01-caldav.icloud.com/published/2/abc") == (
        "https://p01-caldav.icloud.com/published/2/abc"
    )
    assert fetchable("WEBCALS://example.com/x.ics") == "https://example.com/x.ics"
    assert fetchable("https://example.com/x.ics") == "https://example.com/x.ics"
