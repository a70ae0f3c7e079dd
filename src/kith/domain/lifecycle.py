"""The outreach lifecycle: suggested → drafted → sent → replied / no reply.

Only ``drafted``, ``sent`` and ``dismissed`` are stored; ``replied`` and
``no reply`` follow from the person's history at a given ``now``, so replaying
a date gives the same answer.  No reply is not an error: it is a state.  A
message counts as replied when they reach the owner after it and before the
next message went out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime

from kith.domain.history import days_between
from kith.domain.model import Outreach, OutreachState
from kith.domain.rules import DEFAULT_RULES, Rules


def outreach_states(
    outreach: Sequence[Outreach],
    *,
    inbound: Sequence[datetime],
    now: datetime,
    rules: Rules = DEFAULT_RULES,
) -> dict[int, OutreachState]:
    """The state of each outreach (by id) at ``now``, given when the person reached the owner."""
    arrivals = sorted(t for t in inbound if t <= now)
    sent = sorted(
        (o for o in outreach if o.state is OutreachState.SENT and o.sent_at is not None),
        key=lambda o: (o.sent_at, o.id),
    )
    states = {o.id: o.state for o in outreach}
    for index, item in enumerate(sent):
        assert item.sent_at is not None
        until = sent[index + 1].sent_at if index + 1 < len(sent) else now
        assert until is not None
        first_after = bisect_right(arrivals, item.sent_at)
        if first_after < len(arrivals) and arrivals[first_after] <= until:
            states[item.id] = OutreachState.REPLIED
        elif days_between(item.sent_at, now) >= rules.no_reply_after_days:
            states[item.id] = OutreachState.NO_REPLY
    return states
