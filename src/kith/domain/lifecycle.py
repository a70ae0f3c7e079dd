"""The outreach lifecycle: suggested → drafted → sent → replied / no reply.

Only ``drafted``, ``sent`` and ``dismissed`` are stored; ``replied`` and
``no reply`` follow from the person's history at a given ``now``, so replaying
a date gives the same answer.  No reply is not an error: it is a state.
"""

from __future__ import annotations

from datetime import datetime

from kith.domain.history import days_between
from kith.domain.model import Outreach, OutreachState
from kith.domain.rules import DEFAULT_RULES, Rules


def outreach_state(
    outreach: Outreach,
    *,
    last_inbound_at: datetime | None,
    now: datetime,
    rules: Rules = DEFAULT_RULES,
) -> OutreachState:
    """The state of ``outreach`` at ``now`` given when the person last reached the owner."""
    if outreach.state is not OutreachState.SENT or outreach.sent_at is None:
        return outreach.state
    if last_inbound_at is not None and last_inbound_at > outreach.sent_at:
        return OutreachState.REPLIED
    if days_between(outreach.sent_at, now) >= rules.no_reply_after_days:
        return OutreachState.NO_REPLY
    return OutreachState.SENT
