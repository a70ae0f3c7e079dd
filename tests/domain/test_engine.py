"""The relationship engine's rules, each pinned at chosen dates (no clock, no database)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from kith.domain.engine import agenda, cadence_for, standing, suggest
from kith.domain.history import peak_strength, reciprocity, strength_at, summarize
from kith.domain.lifecycle import outreach_states
from kith.domain.model import (
    AgendaKind,
    Channel,
    Circle,
    Direction,
    DraftKind,
    InteractionKind,
    InteractionPoint,
    Outreach,
    OutreachState,
    PartialDate,
    PersonFacts,
    SentOutreach,
    Status,
)
from kith.domain.rules import Rules
from kith.domain.spread import spread_due_dates

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
RULES = Rules()


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def point(
    day: str,
    kind: InteractionKind = InteractionKind.CALL,
    direction: Direction = Direction.MUTUAL,
    summary: str = "",
    outreach: bool = False,
) -> InteractionPoint:
    return InteractionPoint(at(day), kind, direction, summary, outreach)


def person(pid: int = 1, *points: InteractionPoint, **fields: object) -> PersonFacts:
    base = PersonFacts(id=pid, name=f"Person {pid}", created_at=at("2020-01-01"))
    return replace(base, stats=summarize(points, RULES), **fields)  # type: ignore[arg-type]


def every(start: str, days: int, count: int, **kw: object) -> list[InteractionPoint]:
    first = date.fromisoformat(start)
    return [point((first + timedelta(days=days * i)).isoformat(), **kw) for i in range(count)]  # type: ignore[arg-type]


# -- cadence -----------------------------------------------------------------------------


def test_explicit_cadence_wins_then_circle_then_history_then_default() -> None:
    history = every("2026-01-01", 30, 8)
    assert cadence_for(person(1, *history, cadence_days=10)).days == 10
    assert cadence_for(person(1, *history, cadence_days=10)).source == "explicit"
    assert cadence_for(person(1, *history, circle=Circle.INNER)).days == 14
    inferred = cadence_for(person(1, *history))
    assert (inferred.days, inferred.circle, inferred.source) == (30, Circle.CLOSE, "inferred")
    assert cadence_for(person(1, point("2026-01-01"))).source == "default"
    assert cadence_for(person(1)).days == 90
    assert cadence_for(person(1, circle=Circle.NONE)).days is None


@pytest.mark.parametrize(
    ("gap", "circle"),
    [
        (10, Circle.INNER),
        (20, Circle.INNER),
        (25, Circle.CLOSE),
        (60, Circle.ACTIVE),
        (125, Circle.ACTIVE),
        (130, Circle.WIDER),
        (400, Circle.ACQUAINTANCE),
    ],
)
def test_inferred_cadence_rounds_to_nearest_circle(gap: int, circle: Circle) -> None:
    assert cadence_for(person(1, *every("2020-01-01", gap, 5))).circle is circle


# -- last contact, due, losing touch -----------------------------------------------------


def test_due_and_losing_touch_follow_the_ratio() -> None:
    p = person(1, point("2026-10-01"), circle=Circle.CLOSE)
    assert not standing(p, at("2026-10-30")).due
    due = standing(p, at("2026-10-31"))
    assert due.due and not due.losing_touch and due.ratio == pytest.approx(1.0)
    assert due.due_on == date(2026, 10, 31)
    losing = standing(p, at("2026-11-15"))
    assert losing.losing_touch and losing.ratio == pytest.approx(1.5)


def test_any_interaction_resets_the_clock() -> None:
    p = person(
        1, point("2026-06-01"), point("2026-11-20", InteractionKind.NOTE), circle=Circle.CLOSE
    )
    assert standing(p, NOW).days_since == pytest.approx(6)
    assert not standing(p, NOW).due


def test_someone_without_history_counts_from_when_they_were_added() -> None:
    p = replace(person(1), created_at=at("2026-08-01"))
    assert standing(p, at("2026-10-29")).due is False
    assert standing(p, at("2026-10-30")).due is True


# -- strength ----------------------------------------------------------------------------


def test_strength_decays_with_half_life() -> None:
    stats = summarize([point("2026-01-01", InteractionKind.MEETING)], RULES)
    fresh = strength_at(stats, at("2026-01-01"))
    half_life_later = strength_at(stats, at("2026-01-01") + timedelta(days=180))
    assert fresh == 22  # 100 * (1 - e^(-10/40)) with full reciprocity
    assert half_life_later == 12  # raw weight halves: 100 * (1 - e^(-5/40))


def test_strength_grows_with_regular_contact_and_stays_within_0_100() -> None:
    weekly = summarize(every("2025-01-01", 7, 100, kind=InteractionKind.MEETING), RULES)
    assert 95 <= strength_at(weekly, at("2026-12-01")) <= 100
    yearly = summarize(every("2020-01-01", 365, 6, kind=InteractionKind.EMAIL), RULES)
    assert strength_at(yearly, at("2025-01-02")) < 15


def test_one_way_inbound_mail_is_no_relationship() -> None:
    inbound = [point(d, InteractionKind.EMAIL, Direction.IN) for d in ("2026-11-01", "2026-11-10")]
    stats = summarize(inbound, RULES)
    assert reciprocity(stats) == 0
    assert strength_at(stats, NOW) == 0
    one_way_out = summarize([point("2026-11-01", InteractionKind.EMAIL, Direction.OUT)], RULES)
    balanced = summarize([point("2026-11-01", InteractionKind.EMAIL, Direction.MUTUAL)], RULES)
    assert reciprocity(one_way_out) == 0.5
    assert reciprocity(balanced) == 1.0
    assert strength_at(one_way_out, NOW) < strength_at(balanced, NOW)


def test_peak_strength_remembers_a_past_close_tie() -> None:
    stats = summarize(every("2022-01-01", 7, 60, kind=InteractionKind.MEETING), RULES)
    assert peak_strength(stats) > 90
    assert strength_at(stats, at("2026-11-26")) < 30


# -- follow-up after meeting -------------------------------------------------------------


def met(day: str, **fields: object) -> PersonFacts:
    meeting = point(day, InteractionKind.MEETING, Direction.MUTUAL, "Met at the Forum")
    return person(1, meeting, met_on=date.fromisoformat(day), met_at="the Forum", **fields)


def test_follow_up_is_due_from_day_one_for_fourteen_days() -> None:
    assert suggest(met("2026-11-26"), NOW) is None  # met today: not yet
    item = suggest(met("2026-11-25"), NOW)
    assert item is not None and item.kind is AgendaKind.FOLLOW_UP
    assert item.reasons[0] == "met at the Forum yesterday"
    assert suggest(met("2026-11-12"), NOW).kind is AgendaKind.FOLLOW_UP  # type: ignore[union-attr]


def test_follow_up_turns_into_reconnect_after_fourteen_days() -> None:
    item = suggest(met("2026-11-11"), NOW)
    assert item is not None and item.kind is AgendaKind.RECONNECT
    assert "you never followed up: it is not too late" in item.reasons


def test_outbound_contact_after_meeting_ends_the_follow_up() -> None:
    p = met("2026-11-20")
    followed = replace(
        p,
        stats=summarize(
            [
                point("2026-11-20", InteractionKind.MEETING),
                point("2026-11-21", InteractionKind.EMAIL, Direction.OUT),
            ],
            RULES,
        ),
    )
    assert suggest(followed, NOW) is None


# -- reply owed --------------------------------------------------------------------------


def test_reply_owed_after_three_days_without_answer() -> None:
    history = [
        *every("2026-01-01", 30, 10),
        point("2026-11-22", InteractionKind.EMAIL, Direction.IN, "Dinner plans?"),
    ]
    p = person(1, *history, circle=Circle.CLOSE)
    assert (
        suggest(p, at("2026-11-24")) is None
        or suggest(p, at("2026-11-24")).kind is not AgendaKind.REPLY
    )  # type: ignore[union-attr]
    item = suggest(p, at("2026-11-25"))
    assert item is not None and item.kind is AgendaKind.REPLY
    assert item.reasons == (
        "they wrote 3 days ago",
        "last topic: Dinner plans?",
        "no reply from you yet",
    )
    answered = person(
        1, *history, point("2026-11-24", InteractionKind.EMAIL, Direction.OUT), circle=Circle.CLOSE
    )
    assert suggest(answered, at("2026-11-25")) is None


def test_an_old_unanswered_message_is_no_longer_a_reply_owed() -> None:
    p = person(
        1, *every("2026-01-01", 30, 6), point("2026-09-01", InteractionKind.EMAIL, Direction.IN)
    )
    item = suggest(p, NOW)
    assert item is None or item.kind is not AgendaKind.REPLY


# -- birthdays ---------------------------------------------------------------------------


def test_birthday_within_seven_days() -> None:
    p = person(
        1, point("2026-11-20"), birthday=PartialDate(12, 3, 1986), circle=Circle.ACQUAINTANCE
    )
    assert suggest(p, at("2026-11-25")) is None
    item = suggest(p, at("2026-11-26"))
    assert (
        item is not None and item.kind is AgendaKind.DATE and item.draft_kind is DraftKind.BIRTHDAY
    )
    assert item.reasons == ("birthday in 7 days (Thu 03 Dec)", "turns 40")
    today = suggest(p, at("2026-12-03"))
    assert today is not None and today.reasons[0].startswith("birthday today")


def test_birthday_without_year_and_on_29_february() -> None:
    p = person(1, point("2026-11-20"), birthday=PartialDate(2, 29), circle=Circle.ACQUAINTANCE)
    item = suggest(p, at("2027-02-27"))
    assert item is not None and item.reasons == ("birthday tomorrow (Sun 28 Feb)",)


# -- dormant and reconnect ---------------------------------------------------------------


def test_dormant_needs_time_beyond_rhythm_and_a_real_relationship() -> None:
    close_once = every("2024-01-01", 14, 30, kind=InteractionKind.MEETING)  # ends 2025-02-10
    p = person(1, *close_once, circle=Circle.CLOSE)
    st = standing(p, NOW)
    assert st.dormant and st.peak >= 30
    item = suggest(p, NOW)
    assert item is not None and item.kind is AgendaKind.RECONNECT
    assert item.reasons[0] == "no contact for 1 year and 9 months"
    assert any(r.startswith("you were close: strength peaked at") for r in item.reasons)
    weak = person(2, point("2025-01-01", InteractionKind.EMAIL, Direction.OUT), circle=Circle.CLOSE)
    assert not standing(weak, NOW).dormant
    assert suggest(weak, NOW).kind is AgendaKind.KEEP_IN_TOUCH  # type: ignore[union-attr]


def test_not_dormant_before_losing_touch_with_a_slow_rhythm() -> None:
    twice_a_year = every("2021-01-01", 180, 9, kind=InteractionKind.MEETING)  # last 2024-12-11
    p = person(1, *twice_a_year, circle=Circle.WIDER)
    assert not standing(p, at("2025-06-01")).dormant  # 172 days: due soon, not lost
    assert not standing(p, at("2025-09-06")).dormant  # 269 days < 1.5 × 180
    assert standing(p, at("2025-09-08")).dormant


def test_met_in_person_with_shared_interest_counts_as_real() -> None:
    p = person(
        1,
        point("2026-03-01", InteractionKind.MEETING),
        met_on=date(2026, 3, 1),
        shared_interests=("climate finance",),
        circle=Circle.CLOSE,
    )
    st = standing(p, NOW)
    assert st.peak < RULES.dormant_min_peak and st.dormant


# -- the agenda --------------------------------------------------------------------------


def facts_of_every_kind() -> list[PersonFacts]:
    reply = person(
        1,
        *every("2026-01-01", 30, 10),
        point("2026-11-20", InteractionKind.EMAIL, Direction.IN),
        circle=Circle.CLOSE,
    )
    follow = replace(met("2026-11-24"), id=2, name="Follow")
    bday = person(3, point("2026-11-20"), birthday=PartialDate(11, 28), circle=Circle.WIDER)
    keep = [person(10 + i, point("2026-10-01"), circle=Circle.CLOSE) for i in range(3)]
    dormant = [
        person(
            20 + i, *every("2023-01-01", 14, 40, kind=InteractionKind.MEETING), circle=Circle.CLOSE
        )
        for i in range(4)
    ]
    return [*dormant, *keep, bday, follow, reply]


def test_agenda_orders_by_kind_and_cuts_to_the_budget() -> None:
    result = agenda(facts_of_every_kind(), NOW, rules=Rules(daily_budget=20))
    kinds = [i.kind for i in result.items]
    assert kinds == [
        AgendaKind.REPLY,
        AgendaKind.FOLLOW_UP,
        AgendaKind.DATE,
        AgendaKind.KEEP_IN_TOUCH,
        AgendaKind.KEEP_IN_TOUCH,
        AgendaKind.KEEP_IN_TOUCH,
        AgendaKind.RECONNECT,
        AgendaKind.RECONNECT,
    ]
    assert result.totals[AgendaKind.RECONNECT] == 4
    five = agenda(facts_of_every_kind(), NOW)
    assert len(five.items) == 5 and five.items[-1].kind is AgendaKind.KEEP_IN_TOUCH
    assert len(agenda(facts_of_every_kind(), NOW, limit=2).items) == 2


def test_agenda_skips_archived_snoozed_and_not_yet_added() -> None:
    base = person(1, point("2026-10-01"), circle=Circle.CLOSE)
    assert suggest(base, NOW) is not None
    assert suggest(replace(base, status=Status.ARCHIVED), NOW) is None
    assert suggest(replace(base, status=Status.DO_NOT_CONTACT), NOW) is None
    assert suggest(replace(base, snoozed_until=date(2026, 12, 1)), NOW) is None
    assert suggest(replace(base, snoozed_until=date(2026, 11, 26)), NOW) is not None
    assert suggest(replace(base, created_at=at("2026-12-01")), NOW) is None


def test_agenda_reasons_are_plain_words() -> None:
    item = suggest(
        person(
            1,
            point("2026-08-01", summary="Her new fund"),
            circle=Circle.CLOSE,
            shared_interests=("climate finance",),
        ),
        NOW,
    )
    assert item is not None
    assert item.reasons == (
        "close circle, every month; last in touch 4 months ago",
        "losing touch",
        "last time: Her new fund",
        "you both care about climate finance",
    )


# -- outreach lifecycle ------------------------------------------------------------------


def sent_to(p: PersonFacts, *days: str) -> PersonFacts:
    points = [
        *_points_of(p),
        *(point(d, InteractionKind.EMAIL, Direction.OUT, outreach=True) for d in days),
    ]
    return replace(p, stats=summarize(points, RULES), sent=tuple(SentOutreach(at(d)) for d in days))


def _points_of(p: PersonFacts) -> list[InteractionPoint]:
    return [point(p.stats.first_at.date().isoformat())] if p.stats.first_at else []


def sent_outreach(oid: int, day: str) -> Outreach:
    return Outreach(
        oid, 1, DraftKind.RECONNECT, Channel.EMAIL, OutreachState.SENT, at(day), sent_at=at(day)
    )


def test_outreach_state_replied_or_no_reply_after_21_days() -> None:
    o = [sent_outreach(1, "2026-11-01")]
    assert outreach_states(o, inbound=[], now=at("2026-11-21")) == {1: OutreachState.SENT}
    assert outreach_states(o, inbound=[], now=at("2026-11-22")) == {1: OutreachState.NO_REPLY}
    assert outreach_states(o, inbound=[at("2026-11-05")], now=NOW) == {1: OutreachState.REPLIED}
    assert outreach_states(o, inbound=[at("2026-10-05")], now=NOW) == {1: OutreachState.NO_REPLY}
    assert outreach_states(o, inbound=[at("2026-11-05")], now=at("2026-11-04")) == {
        1: OutreachState.SENT
    }, "a reply after the replayed date does not count yet"


def test_a_late_answer_replies_only_to_the_latest_message() -> None:
    o = [sent_outreach(1, "2026-06-01"), sent_outreach(2, "2026-08-01")]
    states = outreach_states(o, inbound=[at("2026-09-01")], now=NOW)
    assert states == {1: OutreachState.NO_REPLY, 2: OutreachState.REPLIED}
    between = outreach_states(o, inbound=[at("2026-06-10")], now=NOW)
    assert between == {1: OutreachState.REPLIED, 2: OutreachState.NO_REPLY}


def test_no_nagging_while_waiting_and_after_no_reply_the_cadence_counts_from_the_send() -> None:
    p = sent_to(person(1, point("2026-01-01"), circle=Circle.INNER), "2026-11-01")
    assert suggest(p, at("2026-11-20")) is None  # waiting for their reply
    assert standing(p, at("2026-11-20")).awaiting_reply
    after = suggest(p, at("2026-11-22"))  # no reply; inner circle: due since 2026-11-15
    assert after is not None and after.kind is AgendaKind.KEEP_IN_TOUCH


def test_quiet_after_two_unanswered_in_a_row_until_they_write_or_owner_acts() -> None:
    p = sent_to(person(1, point("2026-01-01"), circle=Circle.INNER), "2026-09-01", "2026-10-01")
    assert standing(p, NOW).quiet
    assert suggest(p, NOW) is None
    they_wrote = replace(
        p,
        stats=summarize(
            [
                *_points_of(p),
                point("2026-09-01", InteractionKind.EMAIL, Direction.OUT, outreach=True),
                point("2026-10-01", InteractionKind.EMAIL, Direction.OUT, outreach=True),
                point("2026-11-10", InteractionKind.EMAIL, Direction.IN),
            ],
            RULES,
        ),
    )
    assert not standing(they_wrote, NOW).quiet
    owner_called = replace(
        p,
        stats=summarize(
            [
                *_points_of(p),
                point("2026-09-01", InteractionKind.EMAIL, Direction.OUT, outreach=True),
                point("2026-10-01", InteractionKind.EMAIL, Direction.OUT, outreach=True),
                point("2026-11-01", InteractionKind.CALL, Direction.OUT),
            ],
            RULES,
        ),
    )
    assert not standing(owner_called, NOW).quiet
    one = sent_to(person(1, point("2026-01-01"), circle=Circle.INNER), "2026-10-01")
    assert not standing(one, NOW).quiet


# -- spreading due dates after a bulk add ------------------------------------------------


def test_spread_puts_at_most_the_budget_on_each_day() -> None:
    overdue = [replace(person(i), created_at=at("2026-01-01")) for i in range(1, 23)]
    shifted = spread_due_dates(overdue, NOW, per_day=5)
    days = sorted(shifted.values())
    counts = {d: days.count(d) for d in set(days)}
    assert max(counts.values()) <= 5
    assert min(days) > NOW.date() and max(days) == NOW.date() + timedelta(days=4)
    assert len(shifted) == 17  # the first 5 stay due today
    applied = [replace(p, due_shift_on=shifted.get(p.id)) for p in overdue]
    assert len(agenda(applied, NOW, rules=Rules(daily_budget=50)).items) == 5


def test_spread_never_pushes_anyone_past_their_own_rhythm() -> None:
    close = [
        replace(person(i), created_at=at("2026-01-01"), circle=Circle.CLOSE) for i in range(1, 1001)
    ]
    shifted = spread_due_dates(close, NOW, per_day=5)
    offsets = [(day - NOW.date()).days for day in shifted.values()]
    assert max(offsets) < 30  # the close circle's rhythm
    per_day = Counter(offsets)
    assert max(per_day.values()) - min(per_day.values()) <= 1  # shared evenly
    inner_first = [
        replace(person(5000 + i), created_at=at("2026-01-01"), circle=Circle.INNER)
        for i in range(5)
    ]
    mixed = spread_due_dates([*close[:20], *inner_first], NOW, per_day=5)
    assert all(p.id not in mixed for p in inner_first)  # the closest circle stays due today


def test_an_email_thread_is_one_exchange_not_a_daily_rhythm() -> None:
    threads = [
        point(day, InteractionKind.EMAIL, direction)
        for start in ("2024-06-10", "2024-12-01", "2025-06-05", "2025-12-10")
        for offset, direction in ((0, Direction.OUT), (1, Direction.IN), (2, Direction.OUT))
        for day in [(date.fromisoformat(start) + timedelta(days=offset)).isoformat()]
    ]
    cadence = cadence_for(person(1, *threads))
    assert (cadence.circle, cadence.source) == (Circle.WIDER, "inferred")
