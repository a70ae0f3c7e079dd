"""Reading iCalendar: real files from other projects, recurrences, invitations, broken events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from ics_samples import calendar, event

from conftest import CORPUS
from kith.interchange.ical import CalendarRead, read_calendar

LONDON = ZoneInfo("Europe/London")
EVER = datetime(1900, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
ICS = sorted((CORPUS / "ics").iterdir())
INVITES = [
    *sorted((CORPUS / "mail" / "eml").glob("*cal-inv*")),
    CORPUS / "mail" / "eml" / "notmuch__text-calendar.eml",
]


def read(
    data: str | bytes, *, start: datetime = EVER, end: datetime = NOW, where: str = "t.ics"
) -> CalendarRead:
    raw = data.encode() if isinstance(data, str) else data
    return read_calendar(raw, where, start=start, end=end, zone=LONDON)


@pytest.mark.parametrize("path", ICS + INVITES, ids=lambda p: p.name)
def test_every_corpus_calendar_is_read_or_reported(path: Path) -> None:
    found = read(path.read_bytes(), where=path.name)
    assert found.occurrences or found.problems, "something is said about every file"
    for problem in found.problems:
        assert problem.where.startswith(path.name) and problem.reason
    for occurrence in found.occurrences:
        assert occurrence.key and occurrence.where.startswith(path.name)
        assert isinstance(occurrence.start, date)
    again = read(path.read_bytes(), where=path.name)
    assert [o.key for o in again.occurrences] == [o.key for o in found.occurrences]


def test_a_broken_rdate_costs_only_its_own_event() -> None:
    found = read((CORPUS / "ics" / "ical.js__google_birthday.ics").read_bytes(), where="b.ics")
    (problem,) = [p for p in found.problems if not p.kept]
    assert problem.line == 8 and "RDATE" in problem.reason
    assert "2014_BIRTHDAY_79d389868f96182e@google.com" in problem.where
    assert {o.uid for o in found.occurrences} == {"BIRTHDAY_79d389868f96182e@google.com"}
    assert all(o.all_day for o in found.occurrences)


def test_an_overridden_occurrence_is_moved_and_keyed_by_its_recurrence_id() -> None:
    found = read((CORPUS / "ics" / "radicale__event_daily_rrule_overridden.ics").read_bytes())
    assert [o.key.split("|")[1] for o in found.occurrences] == [
        f"2006010{d}T170000Z" for d in range(2, 7)
    ]
    moved = found.occurrences[2]
    assert moved.summary == "Event #2 bis"
    assert moved.start.astimezone(UTC) == datetime(2006, 1, 4, 19, tzinfo=UTC)  # type: ignore[union-attr]


def test_zimbra_rdates_exdates_and_periods() -> None:
    found = read(
        (CORPUS / "ics" / "ical.js__recur_instances.ics").read_bytes(),
        end=datetime(2013, 6, 1, tzinfo=UTC),
    )
    days = [o.start.astimezone(UTC).date().isoformat() for o in found.occurrences]  # type: ignore[union-attr]
    assert "2012-12-04" not in days, "EXDATE"
    assert "2012-11-10" in days and "2012-11-30" in days, "RDATE"
    first = found.occurrences[0]
    assert first.summary == "Crazy Event Thingy!" and first.organizer is not None
    full = next(o for o in found.occurrences if o.attendees)
    assert next(a.name for a in full.attendees) == "Sahaja Lal"
    assert [a.partstat for a in full.attendees] == ["ACCEPTED", "NEEDS-ACTION", "NEEDS-ACTION"]


def test_latin_1_text_and_events_without_uid() -> None:
    found = read((CORPUS / "ics" / "thunderbird__importLatin1.ics").read_bytes())
    assert "Event Två" in [o.summary for o in found.occurrences]
    assert found.encoding == "cp1252"
    assert len({o.key for o in found.occurrences}) == 4
    assert all(o.start.tzinfo is LONDON for o in found.occurrences), "floating means yours"  # type: ignore[union-attr]


def test_windows_zone_names_are_understood() -> None:
    for name in ("vobject__ms_tzid.ics", "vobject__tzid_8bit.ics"):
        (occurrence,) = read((CORPUS / "ics" / name).read_bytes()).occurrences
        assert occurrence.start.utcoffset() is not None  # type: ignore[union-attr]
    text = calendar(
        event("w", "20261120T100000", "20261120T110000", zone="W. Europe Standard Time")
    )
    (occurrence,) = read(text).occurrences
    assert occurrence.start.astimezone(UTC).hour == 9  # type: ignore[union-attr]


def test_invitations_in_mail_are_read_once_with_their_people() -> None:
    meet = read(
        (CORPUS / "mail" / "eml" / "thunderbird__cal-inv_meet-meeting-invite.eml").read_bytes()
    )
    (occurrence,) = meet.occurrences  # a text/calendar part and the same as invite.ics
    assert occurrence.uid == "65m17hsdolmotv3kvmrtg40ont@google.com"
    assert [a.email for a in occurrence.attendees] == ["example@gmail.com", "homer@example.com"]
    outlook = read(
        (CORPUS / "mail" / "eml" / "thunderbird__cal-inv_outlook-test-invite.eml").read_bytes()
    )
    (occurrence,) = outlook.occurrences
    assert occurrence.organizer is not None and occurrence.organizer.name == "Marge"
    assert occurrence.start.astimezone(UTC) == datetime(2021, 11, 27, 7, tzinfo=UTC)  # type: ignore[union-attr]
    assert occurrence.busy_type == "TENTATIVE"


def recurring_meeting(*extra_events: str, extra: tuple[str, ...] = ()) -> str:
    weekly = event(
        "weekly-1:1@example.com",
        "20261005T100000",
        "20261005T103000",
        summary="Ann / Sam 1:1",
        organizer="Sam Rivera <sam@example.com>",
        attendees=("Ann Lee <Ann@Acme.example>", "Sam Rivera <sam@example.com>"),
        extra=("RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=Europe/London:20261019T100000", *extra),
    )
    return calendar(weekly, *extra_events)


def test_a_weekly_meeting_with_an_exception_a_move_and_a_cancellation() -> None:
    moved = event(
        "weekly-1:1@example.com",
        "20261103T160000",
        "20261103T163000",
        summary="Ann / Sam 1:1 (moved)",
        organizer="Sam Rivera <sam@example.com>",
        attendees=("Ann Lee <ann@acme.example>", "Sam Rivera <sam@example.com>"),
        extra=("RECURRENCE-ID;TZID=Europe/London:20261102T100000",),
    )
    cancelled = event(
        "weekly-1:1@example.com",
        "20261109T100000",
        "20261109T103000",
        extra=("RECURRENCE-ID;TZID=Europe/London:20261109T100000", "STATUS:CANCELLED"),
    )
    found = read(recurring_meeting(moved, cancelled))
    by_key = {o.key: o for o in found.occurrences}
    assert list(by_key) == [
        "weekly-1:1@example.com|20261005T090000Z",  # summer time: 10:00 is 09:00 UTC
        "weekly-1:1@example.com|20261012T090000Z",
        "weekly-1:1@example.com|20261026T100000Z",  # 19 October is an EXDATE
        "weekly-1:1@example.com|20261102T100000Z",
        "weekly-1:1@example.com|20261109T100000Z",
        "weekly-1:1@example.com|20261116T100000Z",
        "weekly-1:1@example.com|20261123T100000Z",
    ]
    assert by_key["weekly-1:1@example.com|20261102T100000Z"].summary.endswith("(moved)")
    assert by_key["weekly-1:1@example.com|20261109T100000Z"].status == "CANCELLED"
    assert (
        by_key["weekly-1:1@example.com|20261005T090000Z"].attendees[0].email == "ann@acme.example"
    )
    later = read(
        recurring_meeting(moved, cancelled), start=NOW, end=datetime(2026, 12, 15, tzinfo=UTC)
    )
    assert [o.key.split("|")[1][:8] for o in later.occurrences] == [
        "20261130",
        "20261207",
        "20261214",
    ]


def test_a_single_event_is_keyed_by_its_uid_alone() -> None:
    (occurrence,) = read(
        calendar(event("one@example.com", "20261120T100000", "20261120T110000"))
    ).occurrences
    assert occurrence.key == "one@example.com"


def test_each_broken_event_is_reported_with_its_line_and_the_rest_kept() -> None:
    text = calendar(
        event("good@example.com", "20261120T100000", "20261120T110000"),
        "BEGIN:VEVENT\r\nUID:no-start@example.com\r\nSUMMARY:When?\r\nEND:VEVENT",
        event("bad-rule@example.com", "20261120T100000", extra=("RRULE:FREQ=SOMETIMES",)),
        event("nonsense-rule@example.com", "20261120T100000", extra=("RRULE:garbage",)),
        event("bad-zone@example.com", "20261120T100000", zone="Nowhere/Atlantis"),
        event("bad-date@example.com", "2026-11-20 10:00", zone=""),
        event(
            "bad-exdate@example.com",
            "20261120T100000",
            extra=("RRULE:FREQ=DAILY;COUNT=3", "EXDATE:soon"),
        ),
        event("too-often@example.com", "20261120T100000", extra=("RRULE:FREQ=MINUTELY",)),
        event("also-good@example.com", "20261121T100000", "20261121T110000"),
    )
    found = read(text)
    assert [o.uid for o in found.occurrences] == ["good@example.com", "also-good@example.com"]
    reasons = {p.where.split("event ")[1]: (p.line, p.reason) for p in found.problems if not p.kept}
    begins = text.splitlines().index("UID:no-start@example.com")  # the line before, 1-based
    assert reasons["no-start@example.com"] == (begins, "it has no start time (DTSTART)")
    assert "RRULE" in reasons["bad-rule@example.com"][1]
    assert "no frequency" in reasons["nonsense-rule@example.com"][1]
    assert "'Nowhere/Atlantis' is unknown" in reasons["bad-zone@example.com"][1]
    assert "DTSTART" in reasons["bad-date@example.com"][1]
    assert "EXDATE" in reasons["bad-exdate@example.com"][1]
    assert "every second or minute" in reasons["too-often@example.com"][1]
    assert len(reasons) == 7 and found.events == 9
    lines = text.splitlines()
    for line, _ in reasons.values():
        assert lines[line - 1] == "BEGIN:VEVENT"


def test_files_that_are_no_calendar_say_so() -> None:
    for data, words in (
        (b"", "empty"),
        (b"<html><body>Sign in</body></html>", "not an iCalendar file"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n", "kith import vcard"),
        (bytes(range(256)), "not an iCalendar file"),
        (b"Subject: hello\r\n\r\nno invitation here\r\n", "without a calendar invitation"),
    ):
        found = read(data)
        assert not found.occurrences
        (problem,) = found.problems
        assert words in problem.reason and not problem.kept, (data[:20], problem)


def test_a_file_cut_short_keeps_what_it_has() -> None:
    whole = calendar(
        event("a@example.com", "20261120T100000", "20261120T110000"),
        event("b@example.com", "20261121T100000", "20261121T110000"),
    )
    cut = whole[: whole.index("DTSTAMP", whole.index("b@example.com"))]
    found = read(cut)
    assert [o.uid for o in found.occurrences] == ["a@example.com", "b@example.com"]
    assert any("ends before the calendar does" in p.reason and p.kept for p in found.problems)


def test_floating_times_follow_the_calendars_own_zone() -> None:
    text = calendar(
        event("f@example.com", "20261120T100000", "20261120T110000", zone=""),
        head="X-WR-TIMEZONE:America/New_York",
    )
    (occurrence,) = read(text).occurrences
    assert occurrence.start.astimezone(UTC).hour == 15  # type: ignore[union-attr]


def test_free_busy_periods_say_what_kind_of_busy() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VFREEBUSY\r\nUID:fb@example.com\r\n"
        "DTSTART:20261130T000000Z\r\nDTEND:20261205T000000Z\r\n"
        "FREEBUSY:20261130T090000Z/20261130T100000Z,20261201T140000Z/PT2H\r\n"
        "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20261202T090000Z/20261202T100000Z\r\n"
        "FREEBUSY;FBTYPE=FREE:20261203T090000Z/20261203T100000Z\r\n"
        "END:VFREEBUSY\r\nEND:VCALENDAR\r\n"
    )
    found = read(text, start=NOW, end=datetime(2026, 12, 10, tzinfo=UTC))
    assert [(o.start.isoformat(), o.busy_type) for o in found.occurrences] == [
        ("2026-11-30T09:00:00+00:00", "BUSY"),
        ("2026-12-01T14:00:00+00:00", "BUSY"),
        ("2026-12-02T09:00:00+00:00", "BUSY-TENTATIVE"),
        ("2026-12-03T09:00:00+00:00", "FREE"),
    ]
    assert found.occurrences[1].end == datetime(2026, 12, 1, 16, tzinfo=UTC)
