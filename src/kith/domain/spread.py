"""Spread due dates after a bulk add so that no day is flooded.

Adding 500 people at once would make them all due on the same day.  Instead,
the ones that would be due within the spread are given staggered dates, at most
``per_day`` on each day, the most overdue first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from kith.domain.engine import standing
from kith.domain.model import PersonFacts, Status
from kith.domain.rules import DEFAULT_RULES, Rules


def spread_due_dates(
    people: Iterable[PersonFacts],
    now: datetime,
    *,
    per_day: int | None = None,
    already_due: dict[date, int] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> dict[int, date]:
    """New due dates (person id → date) so that at most ``per_day`` fall on any day.

    ``already_due`` counts people already due on each day, so that a second bulk
    add fills the gaps left by the first instead of piling onto the same days.
    People not yet due within the spread keep their natural date and are left out.
    """
    cap = max(1, per_day if per_day is not None else rules.daily_budget)
    today = now.date()
    dues: list[tuple[date, int]] = []
    for facts in people:
        if facts.status is not Status.ACTIVE:
            continue
        st = standing(facts, now, rules)
        if st.due_on is not None:
            dues.append((max(st.due_on, today), facts.id))
    dues.sort()
    load = dict(already_due or {})
    shifted: dict[int, date] = {}
    day = today
    for natural, person_id in dues:
        day = max(day, natural)
        while load.get(day, 0) >= cap:
            day += timedelta(days=1)
        load[day] = load.get(day, 0) + 1
        if day != natural:
            shifted[person_id] = day
    return shifted
