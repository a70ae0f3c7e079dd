"""Spread due dates after a bulk add so that no day is flooded.

Adding 500 people at once would make them all due on the same day.  Instead,
everyone already due is given a date between today and one cadence ahead: at
most ``per_day`` a day while that fits, and never later than the next time the
relationship's own rhythm would have brought them round (when more people are
due than that allows, they share the days of their rhythm evenly).  Closer
circles and the most overdue come first.
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
    """New due dates (person id → date) for the people due by ``now``; the rest keep theirs."""
    cap = max(1, per_day if per_day is not None else rules.daily_budget)
    today = now.date()
    due: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for facts in people:
        if facts.status is not Status.ACTIVE:
            continue
        st = standing(facts, now, rules)
        if st.due_on is not None and st.due_on <= today and st.cadence.days:
            due[st.cadence.days].append((st.due_on, facts.id))
    shifted: dict[int, date] = {}
    load: dict[int, int] = defaultdict(int)
    first_open = 0
    for cadence in sorted(due):
        members = sorted(due[cadence])
        overflow = 0
        for _, person_id in members:
            while load[first_open] >= cap:
                first_open += 1
            if first_open < cadence:
                offset = first_open
            else:  # more people than days in their rhythm: share the days evenly
                offset = overflow % cadence
                overflow += 1
            load[offset] += 1
            if offset:
                shifted[person_id] = today + timedelta(days=offset)
    return shifted
