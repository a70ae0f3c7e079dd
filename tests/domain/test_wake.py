"""``wake_on`` is a safe lower bound: nobody the engine would suggest is filtered out early."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kith.domain.engine import RECONNECT_DAY_BONUS, assess, outlook, wake_on
from kith.domain.history import summarize
from kith.domain.model import (
    AgendaKind,
    Circle,
    Direction,
    InteractionKind,
    InteractionPoint,
    PartialDate,
    PersonFacts,
    SentOutreach,
    Status,
)
from kith.domain.rules import Rules

START = datetime(2024, 1, 1, tzinfo=UTC)


def moment(days: float) -> datetime:
    return START + timedelta(days=days)


points = st.builds(
    InteractionPoint,
    at=st.floats(0, 1000).map(moment),
    kind=st.sampled_from(InteractionKind),
    direction=st.sampled_from(Direction),
    summary=st.just(""),
    from_outreach=st.booleans(),
)

optional_day = st.none() | st.integers(0, 1100).map(lambda d: (START + timedelta(days=d)).date())


@st.composite
def people(draw: st.DrawFn) -> PersonFacts:
    history = draw(st.lists(points, max_size=12))
    return PersonFacts(
        id=1,
        name="Someone",
        circle=draw(st.none() | st.sampled_from(Circle)),
        cadence_days=draw(st.none() | st.integers(1, 400)),
        status=draw(st.sampled_from(Status)),
        birthday=None,
        met_on=draw(optional_day),
        met_at="somewhere",
        snoozed_until=draw(optional_day),
        due_shift_on=draw(optional_day),
        created_at=moment(draw(st.floats(-100, 900))),
        shared_interests=draw(st.sampled_from([(), ("jazz",)])),
        stats=summarize(history, Rules()),
        sent=tuple(SentOutreach(moment(d)) for d in draw(st.lists(st.floats(0, 1000), max_size=3))),
    )


close_ties = st.lists(
    st.builds(
        InteractionPoint,
        at=st.floats(0, 600).map(moment),
        kind=st.just(InteractionKind.MEETING),
        direction=st.just(Direction.MUTUAL),
    ),
    min_size=8,
    max_size=30,
)


@st.composite
def dormant_people(draw: st.DrawFn) -> PersonFacts:
    """Real relationships that went quiet, some with a due date spread far ahead."""
    base = draw(people())
    return PersonFacts(
        **{
            **{name: getattr(base, name) for name in PersonFacts.__dataclass_fields__},
            "status": Status.ACTIVE,
            "stats": summarize(draw(close_ties), Rules()),
            "sent": (),
        }
    )


@settings(max_examples=400, deadline=None)
@given(person=people() | dormant_people(), day=st.integers(0, 1400))
def test_nobody_needs_attention_before_their_wake_date(person: PersonFacts, day: int) -> None:
    now = moment(day + 0.5)
    found = assess(person, now, now.date(), Rules())
    if found is None or found[0] is AgendaKind.DATE:
        return
    woken = wake_on(person)
    assert woken is not None, (found, person)
    assert woken <= now.date(), (found, woken, person)


def test_birthdays_are_left_to_the_date_lookup() -> None:
    person = PersonFacts(id=1, name="B", circle=Circle.NONE, birthday=PartialDate(3, 1))
    assert wake_on(person) is None
    found = assess(person, datetime(2026, 2, 25, 12, tzinfo=UTC), date(2026, 2, 25), Rules())
    assert found is not None and found[0] is AgendaKind.DATE


@settings(max_examples=400, deadline=None)
@given(person=people() | dormant_people(), day=st.integers(0, 1400))
def test_once_reconnect_time_comes_only_a_reconnect_or_a_birthday_applies(
    person: PersonFacts, day: int
) -> None:
    now = moment(day + 0.5)
    found = assess(person, now, now.date(), Rules())
    seen = outlook(person)
    if seen.reconnect_on is not None and now.date() >= seen.reconnect_on:
        assert found is None or found[0] in (AgendaKind.RECONNECT, AgendaKind.DATE), (found, seen)
    if found is not None and found[0] is AgendaKind.RECONNECT:
        assert seen.reconnect_base <= found[1] <= seen.reconnect_base + RECONNECT_DAY_BONUS
