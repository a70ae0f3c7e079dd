"""Free time and proposed slots: the pure functions, across clock changes, zones and weekends."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.domain.availability import (
    DEFAULT_HOURS,
    Slot,
    WorkingHours,
    choose_slots,
    describe_slot,
    free_windows,
    horizon_end,
    parse_work_days,
    parse_work_hours,
)
from kith.domain.meetings import Busy

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
HALF_HOUR = timedelta(minutes=30)


def at(day: str, clock: str, zone: ZoneInfo = LONDON) -> datetime:
    """A wall-clock time in a zone, as an aware datetime."""
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), zone)


def local(windows: list[Slot], zone: ZoneInfo = LONDON) -> list[tuple[str, str, str]]:
    return [
        (
            f"{w.start.astimezone(zone):%Y-%m-%d}",
            f"{w.start.astimezone(zone):%H:%M}",
            f"{w.end.astimezone(zone):%H:%M}",
        )
        for w in windows
    ]


# -- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Monday – Friday", {0, 1, 2, 3, 4}),
        ("sun-thu", {6, 0, 1, 2, 3}),
        ("fri-mon", {4, 5, 6, 0}),
        ("mon,wed, fri", {0, 2, 4}),
        ("tue thurs", {1, 3}),
        ("sat", {5}),
    ],
)
def test_work_days_are_read_as_people_write_them(text: str, days: set[int]) -> None:
    assert parse_work_days(text) == frozenset(days)


@pytest.mark.parametrize("text", ["", "weekdays", "mo-fr", "mon-fri-sat", "funday"])
def test_work_days_that_are_no_days_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_work_days(text)


def test_work_hours_allow_a_lunch_break_and_refuse_nonsense() -> None:
    assert parse_work_hours("9-17") == ((time(9), time(17)),)
    assert parse_work_hours("13:30-17:00, 09:00-12:30") == (
        (time(9), time(12, 30)),
        (time(13, 30), time(17)),
    )
    for bad in ("17:00-09:00", "9-25", "9:00-12:00, 11:00-15:00", "nine to five", "9:75-10"):
        with pytest.raises(ValueError):
            parse_work_hours(bad)


# -- free windows ------------------------------------------------------------------------


def test_an_empty_calendar_is_free_in_working_hours_only_from_the_notice_on() -> None:
    now = at("2026-11-26", "12:00")  # a Thursday
    windows = free_windows([], now, LONDON, days=7, notice=timedelta(hours=12))
    assert local(windows) == [
        ("2026-11-27", "09:00", "17:00"),
        ("2026-11-30", "09:00", "17:00"),
        ("2026-12-01", "09:00", "17:00"),
        ("2026-12-02", "09:00", "17:00"),
        ("2026-12-03", "09:00", "17:00"),  # seven days from now, to the end of that day
    ]


def test_the_notice_cuts_into_today_and_short_leftovers_are_dropped() -> None:
    now = at("2026-11-26", "08:10")
    windows = free_windows([], now, LONDON, days=0, notice=timedelta(hours=8, minutes=35))
    assert local(windows) == [], "a quarter of an hour is too short for a meeting"
    assert local(free_windows([], now, LONDON, days=0, notice=timedelta(hours=4))) == [
        ("2026-11-26", "12:10", "17:00")
    ]


def test_overlapping_and_touching_events_are_one_busy_stretch() -> None:
    now = at("2026-11-26", "12:00")
    busy = [
        Busy(at("2026-11-27", "10:00"), at("2026-11-27", "11:00")),
        Busy(at("2026-11-27", "10:30"), at("2026-11-27", "12:00")),
        Busy(at("2026-11-27", "12:00"), at("2026-11-27", "12:30")),
        Busy(at("2026-11-27", "14:00"), at("2026-11-27", "14:20")),  # leaves 20 minutes
        Busy(at("2026-11-27", "14:40"), at("2026-11-27", "15:00")),
    ]
    windows = free_windows(busy, now, LONDON, days=1, notice=timedelta(hours=12))
    assert local(windows) == [
        ("2026-11-27", "09:00", "10:00"),
        ("2026-11-27", "12:30", "14:00"),
        ("2026-11-27", "15:00", "17:00"),
    ]


def test_an_all_day_event_takes_the_whole_local_day_and_a_multi_day_one_each_day() -> None:
    now = at("2026-11-26", "12:00")
    busy = [Busy(date(2026, 11, 30), date(2026, 12, 2))]  # Monday and Tuesday, end exclusive
    windows = free_windows(busy, now, LONDON, days=7)
    days = [w[0] for w in local(windows)]
    assert "2026-11-30" not in days and "2026-12-01" not in days
    assert "2026-12-02" in days and "2026-11-27" in days


def test_an_event_spanning_days_blocks_the_evening_and_the_next_morning() -> None:
    now = at("2026-11-26", "12:00")
    trip = Busy(at("2026-11-27", "15:00"), at("2026-11-30", "11:00"))  # Friday to Monday
    windows = free_windows([trip], now, LONDON, days=5)
    assert local(windows)[:2] == [
        ("2026-11-27", "09:00", "15:00"),
        ("2026-11-30", "11:00", "17:00"),
    ]


def test_floating_times_are_the_owners_wall_clock() -> None:
    now = at("2026-11-26", "12:00", BERLIN)
    busy = [Busy(datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 16, 0))]  # no zone
    windows = free_windows(busy, now, BERLIN, days=1, notice=timedelta(hours=12))
    assert local(windows, BERLIN) == [("2026-11-27", "16:00", "17:00")]


def test_working_hours_stay_nine_to_five_on_the_clock_across_summer_time() -> None:
    # Europe/London goes to summer time on Sunday 29 March 2026.
    now = at("2026-03-26", "12:00")
    windows = free_windows([], now, LONDON, days=4, notice=timedelta(hours=12))
    assert local(windows) == [("2026-03-27", "09:00", "17:00"), ("2026-03-30", "09:00", "17:00")]
    friday, monday = windows
    assert (friday.start.hour, monday.start.hour) == (9, 8), "UTC moves by the hour"
    assert friday.minutes == monday.minutes == 8 * 60
    # and back on Sunday 25 October 2026
    windows = free_windows([], at("2026-10-22", "12:00"), LONDON, days=4)
    assert [w.start.hour for w in windows] == [8, 9]


def test_hours_that_contain_the_clock_change_are_an_hour_shorter_or_longer() -> None:
    every_day_at_night = WorkingHours(frozenset(range(7)), ((time(0, 30), time(4, 30)),))
    spring = free_windows(
        [], at("2026-03-28", "12:00"), LONDON, every_day_at_night, days=1, notice=timedelta(0)
    )
    autumn = free_windows(
        [], at("2026-10-24", "12:00"), LONDON, every_day_at_night, days=1, notice=timedelta(0)
    )
    assert [w.minutes for w in spring] == [3 * 60]
    assert [w.minutes for w in autumn] == [5 * 60]


def test_a_busy_event_in_another_zone_blocks_the_same_moment() -> None:
    now = at("2026-11-26", "12:00")
    call = Busy(at("2026-11-27", "09:00", NEW_YORK), at("2026-11-27", "10:00", NEW_YORK))
    windows = free_windows([call], now, LONDON, days=1, notice=timedelta(hours=12))
    assert local(windows) == [("2026-11-27", "09:00", "14:00"), ("2026-11-27", "15:00", "17:00")]


def test_weekends_and_days_off_are_never_free() -> None:
    sun_to_thu = WorkingHours(parse_work_days("sun-thu"), DEFAULT_HOURS.spans)
    windows = free_windows([], at("2026-11-26", "12:00"), LONDON, sun_to_thu, days=7)
    weekdays = {w.start.astimezone(LONDON).weekday() for w in windows}
    assert weekdays == {6, 0, 1, 2, 3}


# -- choosing slots ----------------------------------------------------------------------


def test_three_slots_on_different_days_at_good_times_spread_out() -> None:
    now = at("2026-11-26", "12:00")
    windows = free_windows([], now, LONDON, days=14)
    slots = choose_slots(windows, LONDON, length=HALF_HOUR)
    assert len(slots) == 3
    days = [s.start.astimezone(LONDON).date() for s in slots]
    assert len(set(days)) == 3 and days == sorted(days)
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(days)), days
    times = [f"{s.start.astimezone(LONDON):%H:%M}" for s in slots]
    assert times == ["10:00", "14:00", "10:00"], "mid-morning and early afternoon, alternating"
    assert all(s.end - s.start == HALF_HOUR for s in slots)


def test_slots_avoid_busy_time_and_lunch_and_start_on_round_times() -> None:
    now = at("2026-11-26", "12:00")
    busy = [Busy(at("2026-11-27", "09:00"), at("2026-11-27", "11:10"))]
    windows = free_windows(busy, now, LONDON, days=1)
    (slot,) = choose_slots(windows, LONDON, length=timedelta(minutes=45))
    assert f"{slot.start.astimezone(LONDON):%H:%M}" == "14:00"
    only_lunch = [Slot(at("2026-11-27", "11:10"), at("2026-11-27", "13:00"))]
    (slot,) = choose_slots(only_lunch, LONDON, length=HALF_HOUR)
    assert f"{slot.start.astimezone(LONDON):%H:%M}" == "11:30", "not 11:10, and before lunch"


def test_when_few_days_are_free_the_slots_take_consecutive_days_or_fewer() -> None:
    now = at("2026-11-26", "12:00")
    busy = [Busy(date(2026, 12, 1), date(2026, 12, 31))]
    windows = free_windows(busy, now, LONDON, days=14)
    slots = choose_slots(windows, LONDON, length=HALF_HOUR)
    assert [f"{s.start.astimezone(LONDON):%d}" for s in slots] == ["27", "30"]
    assert choose_slots([], LONDON) == []


def test_a_zone_half_an_hour_off_gets_round_times_in_the_owners_clock() -> None:
    now = at("2026-11-26", "12:00", KOLKATA)
    windows = free_windows([], now, KOLKATA, days=7)
    for slot in choose_slots(windows, KOLKATA, length=HALF_HOUR):
        assert slot.start.astimezone(KOLKATA).minute in (0, 30)


def test_a_recipient_far_away_gets_only_times_in_their_day_on_their_weekdays() -> None:
    now = at("2026-11-26", "12:00")
    windows = free_windows([], now, LONDON, days=14)
    for slot in choose_slots(windows, LONDON, length=HALF_HOUR, recipient=NEW_YORK):
        theirs = slot.start.astimezone(NEW_YORK)
        assert theirs.weekday() < 5 and time(8) <= theirs.time() <= time(19, 30)
        assert slot.start.astimezone(LONDON).hour >= 13, "London afternoon is New York morning"
    # London 09:00-17:00 is 20:00-04:00 in Sydney: no time suits both, so none is offered
    assert choose_slots(windows, LONDON, length=HALF_HOUR, recipient=SYDNEY) == []


def test_a_monday_morning_in_sydney_is_a_sunday_evening_in_london_and_is_not_offered() -> None:
    now = at("2026-11-26", "12:00", SYDNEY)
    early = WorkingHours(frozenset(range(5)), ((time(7), time(10)),))
    windows = free_windows([], now, SYDNEY, early, days=10)
    mondays = [w for w in windows if w.start.astimezone(SYDNEY).weekday() == 0]
    assert mondays, "the owner works on Monday mornings"
    slots = choose_slots(windows, SYDNEY, length=HALF_HOUR, recipient=LONDON)
    for slot in slots:
        assert slot.start.astimezone(SYDNEY).weekday() != 0, "that is Sunday in London"
        assert slot.start.astimezone(LONDON).weekday() < 5
        assert time(8) <= slot.start.astimezone(LONDON).time()


def test_recipient_days_are_told_apart_in_their_own_calendar() -> None:
    now = at("2026-11-26", "12:00", SYDNEY)
    windows = free_windows([], now, SYDNEY, days=14)
    slots = choose_slots(windows, SYDNEY, length=HALF_HOUR, recipient=ZoneInfo("Pacific/Auckland"))
    days = [s.start.astimezone(ZoneInfo("Pacific/Auckland")).date() for s in slots]
    assert len(set(days)) == len(days) == 3


@settings(max_examples=60, deadline=None)
@given(
    start_day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    hour=st.integers(min_value=0, max_value=23),
    busy=st.lists(
        st.tuples(st.integers(min_value=0, max_value=14 * 24 * 4), st.integers(1, 40)),
        max_size=25,
    ),
    zone_name=st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]),
    recipient_name=st.sampled_from([None, "Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo"]),
)
def test_chosen_slots_are_free_in_working_hours_on_different_days(
    start_day: date,
    hour: int,
    busy: list[tuple[int, int]],
    zone_name: str,
    recipient_name: str | None,
) -> None:
    zone = ZoneInfo(zone_name)
    recipient = ZoneInfo(recipient_name) if recipient_name else None
    now = datetime.combine(start_day, time(hour), zone)
    taken = [
        Busy(now + timedelta(minutes=15 * a), now + timedelta(minutes=15 * (a + b)))
        for a, b in busy
    ]
    windows = free_windows(taken, now, zone, days=14)
    slots = choose_slots(windows, zone, length=HALF_HOUR, recipient=recipient)
    assert len(slots) <= 3
    day_zone = recipient or zone
    assert len({s.start.astimezone(day_zone).date() for s in slots}) == len(slots)
    for slot in slots:
        assert slot.start >= now + timedelta(hours=12)
        assert slot.end <= horizon_end(now, zone, 14)
        mine = slot.start.astimezone(zone)
        assert (
            mine.weekday() < 5
            and time(9) <= mine.time()
            and slot.end.astimezone(zone).time() <= time(17)
        )
        assert all(b.end <= slot.start or b.start >= slot.end for b in taken)  # type: ignore[operator]
    if recipient is None and not busy:
        assert len(slots) == 3, "two weeks of an empty calendar always give three"


# -- in words ----------------------------------------------------------------------------


def test_a_slot_in_words_for_someone_in_the_owners_zone_or_unknown() -> None:
    slot = Slot(
        at("2026-12-01", "10:00").astimezone(UTC), at("2026-12-01", "10:30").astimezone(UTC)
    )
    assert describe_slot(slot, LONDON) == "Tuesday 1 December, 10:00–10:30 (Europe/London time)"
    assert describe_slot(slot, LONDON, LONDON) == (
        "Tuesday 1 December, 10:00–10:30 (your time, Europe/London)"
    )


def test_a_slot_in_words_in_the_recipients_zone_with_the_owners_clock_when_it_differs() -> None:
    slot = Slot(at("2026-12-03", "09:00"), at("2026-12-03", "09:30"))
    assert describe_slot(slot, LONDON, BERLIN) == (
        "Thursday 3 December, 10:00–10:30 (your time, Europe/Berlin; 09:00–09:30 for me in London)"
    )
    assert describe_slot(slot, BERLIN, ZoneInfo("Europe/Paris")) == (
        "Thursday 3 December, 10:00–10:30 (your time, Europe/Paris)"
    ), "the same clock needs no second time"
    late = Slot(at("2026-12-03", "16:00", LONDON), at("2026-12-03", "16:30", LONDON))
    assert describe_slot(late, LONDON, SYDNEY) == (
        "Friday 4 December, 03:00–03:30 (your time, Australia/Sydney; "
        "Thursday 3 December, 16:00–16:30 for me in London)"
    )
    assert describe_slot(slot, UTC, NEW_YORK).endswith("09:00–09:30 for me (UTC))")
