"""Spread due dates after a bulk add so that no day is flooded.

Adding 500 people at once would make them all due on the same day, today if
they are overdue or one cycle of their rhythm from now if they are new.
Instead, at most ``per_day`` fall on any day while that fits, and nobody moves
later than one more cycle of their own rhythm.
"""

from __future__ import annotations

from collections import defaultdict
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
    rules: Rules = DEFAULT_RULES,
) -> dict[int, date]:
    """New due dates (person id → date) for people due before one more cycle of their rhythm.

    Each keeps their natural date where the day has room; the rest move forward
    to the next day with room, never more than one cycle of their own rhythm
    (when more people are due than that allows, they share those days evenly).
    Closer circles and the earliest due come first.
    """
    cap = max(1, per_day if per_day is not None else rules.daily_budget)
    today = now.date()
    groups: dict[int, list[tuple[date, int, date]]] = defaultdict(list)
    for facts in people:
        if facts.status is not Status.ACTIVE:
            continue
        st = standing(facts, now, rules)
        cadence = st.cadence.days
        if st.due_on is None or not cadence or st.due_on > today + timedelta(days=cadence):
            continue
        start = max(st.due_on, today)
        groups[cadence].append((start, facts.id, st.due_on))
    load: dict[date, int] = defaultdict(int)
    shifted: dict[int, date] = {}
    for cadence in sorted(groups):
        cursor = today
        overflow = 0
        for start, person_id, natural in sorted(groups[cadence]):
            cursor = max(cursor, start)
            last = start + timedelta(days=cadence - 1)
            while load[cursor] >= cap and cursor < last:
                cursor += timedelta(days=1)
            day = cursor
            if load[day] >= cap:  # no room within their rhythm: share its days evenly
                day = start + timedelta(days=overflow % cadence)
                overflow += 1
            load[day] += 1
            if day > max(natural, today):
                shifted[person_id] = day
    return shifted
