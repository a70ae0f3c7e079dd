"""Which calendar events are meetings, with whom, and which keep the owner busy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kith.domain.meetings import (
    Attendee,
    Busy,
    Ignored,
    Occurrence,
    blocks,
    busy_times,
    meeting,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
OWNER = {"sam@example.com", "sam@work.example"}
SAM = Attendee("sam@example.com", "Sam Rivera", "ACCEPTED")
ANN = Attendee("ann@acme.example", "Ann Lee", "ACCEPTED")
BO = Attendee("bo@globex.example", "Bo Chen", "NEEDS-ACTION")


def event(**values: object) -> Occurrence:
    start = datetime(2026, 11, 20, 10, tzinfo=LONDON)
    fields: dict[str, object] = {
        "uid": "e1",
        "key": "e1",
        "where": "test.ics (line 3)",
        "start": start,
        "end": start + timedelta(hours=1),
        "summary": "Planning",
        "organizer": SAM,
        "attendees": (SAM, ANN, BO),
    }
    fields.update(values)
    return Occurrence(**fields)  # type: ignore[arg-type]


def verdict(occurrence: Occurrence, limit: int = 10) -> tuple[list[str], Ignored | None]:
    found = meeting(occurrence, OWNER, now=NOW, zone=LONDON, max_attendees=limit)
    return [p.email for p in found.people], found.ignored


def test_a_past_meeting_is_with_everyone_but_the_owner() -> None:
    assert verdict(event()) == (["ann@acme.example", "bo@globex.example"], None)


def test_the_organiser_counts_and_each_person_once_even_under_another_of_owners_addresses() -> None:
    chair = Attendee("chair@acme.example", "Chair")
    occurrence = event(
        organizer=chair,
        attendees=(Attendee("sam@work.example", "Sam", "ACCEPTED"), ANN, ANN, chair),
    )
    assert verdict(occurrence) == (["chair@acme.example", "ann@acme.example"], None)


def test_cancelled_declined_and_lonely_events_are_not_meetings() -> None:
    assert verdict(event(status="CANCELLED"))[1] is Ignored.CANCELLED
    declined = Attendee("sam@example.com", "Sam", "DECLINED")
    assert verdict(event(organizer=ANN, attendees=(declined, BO)))[1] is Ignored.DECLINED
    assert verdict(event(attendees=(SAM,)))[1] is Ignored.NOBODY_ELSE
    assert verdict(event(organizer=None, attendees=()))[1] is Ignored.NOBODY_ELSE


def test_someone_who_declined_was_not_there_and_rooms_are_not_people() -> None:
    no = Attendee("bo@globex.example", "Bo", "DECLINED")
    room = Attendee("room-4@acme.example", "Room 4", "ACCEPTED", cutype="ROOM")
    assert verdict(event(attendees=(SAM, ANN, no, room))) == (["ann@acme.example"], None)
    assert verdict(event(attendees=(SAM, no, room)))[1] is Ignored.NOBODY_ELSE


def test_an_address_that_was_not_valid_is_nobody() -> None:
    broken = Attendee("", "Contacts", "ACCEPTED", raw="4dhmurjkc5hn@virtual")
    assert verdict(event(organizer=None, attendees=(broken,)))[1] is Ignored.NOBODY_ELSE


def test_more_people_than_the_limit_is_a_gathering_not_a_meeting() -> None:
    crowd = tuple(Attendee(f"p{n}@acme.example", f"P {n}") for n in range(9))
    assert verdict(event(attendees=(SAM, *crowd)), limit=10)[1] is None  # 10 with Sam
    assert verdict(event(attendees=(SAM, *crowd, ANN)), limit=10)[1] is Ignored.TOO_MANY


def test_all_day_events_and_what_has_not_happened_are_not_contact() -> None:
    day = event(start=date(2026, 11, 20), end=date(2026, 11, 21))
    assert verdict(day)[1] is Ignored.ALL_DAY
    later = event(start=NOW + timedelta(minutes=1), end=NOW + timedelta(hours=1))
    assert verdict(later)[1] is Ignored.NOT_YET
    started = event(start=NOW - timedelta(minutes=1), end=NOW + timedelta(hours=1))
    assert verdict(started)[1] is None


def test_what_keeps_the_owner_busy() -> None:
    assert blocks(event(), OWNER)
    assert not blocks(event(status="CANCELLED"), OWNER)
    assert not blocks(event(transparent=True), OWNER)
    assert not blocks(event(busy_type="FREE"), OWNER)
    assert not blocks(event(busy_type="BUSY-TENTATIVE"), OWNER)
    assert blocks(event(busy_type="BUSY-UNAVAILABLE"), OWNER)
    assert blocks(event(status="TENTATIVE"), OWNER), "a tentative event of yours still holds"
    declined = Attendee("sam@work.example", "Sam", "DECLINED")
    assert not blocks(event(organizer=ANN, attendees=(declined,)), OWNER)
    assert blocks(event(organizer=None, attendees=()), OWNER), "your own appointment"


def test_busy_times_of_an_all_day_event_without_end_is_its_day() -> None:
    day = event(start=date(2026, 12, 1), end=date(2026, 12, 1), organizer=None, attendees=())
    free = event(transparent=True)
    assert busy_times([day, free], OWNER) == [Busy(date(2026, 12, 1), date(2026, 12, 2))]
