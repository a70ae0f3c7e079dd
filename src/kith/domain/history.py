"""Condense a person's interactions into ``ContactStats`` and score the tie.

Strength is the sum over interactions of kind weight × exp(−ln 2 · age / half-life),
mapped onto 0–100 and multiplied by a reciprocity factor.  Because the decayed sum
only needs one more factor to move forward in time, ``ContactStats`` stores it at
the last interaction and ``strength_at`` brings it to any later ``now``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from itertools import pairwise
from statistics import median

from kith.domain.model import ContactStats, Direction, InteractionKind, InteractionPoint
from kith.domain.rules import DEFAULT_RULES, Rules

_DAY = 86400.0
_MESSAGE_KINDS = frozenset({InteractionKind.EMAIL, InteractionKind.MESSAGE})


def days_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / _DAY


def summarize(points: Iterable[InteractionPoint], rules: Rules = DEFAULT_RULES) -> ContactStats:
    """Fold a person's interactions (any order) into their ``ContactStats``."""
    ordered = sorted(points, key=lambda p: p.at)
    if not ordered:
        return ContactStats(half_life_days=rules.half_life_days)
    decay_per_day = math.log(2) / rules.half_life_days
    raw = peak = out_weight = in_weight = 0.0
    last_out = last_in = last_in_message = last_manual = first_meeting = None
    previous: datetime | None = None
    last_summary = ""
    for point in ordered:
        if previous is not None:
            raw *= math.exp(-decay_per_day * days_between(previous, point.at))
        weight = rules.kind_weights.get(point.kind, 1.0)
        raw += weight
        peak = max(peak, raw)
        previous = point.at
        if point.direction is not Direction.IN:
            out_weight += weight
            last_out = point.at
        if point.direction is not Direction.OUT:
            in_weight += weight
            last_in = point.at
            if (
                point.kind in _MESSAGE_KINDS
                and point.direction is Direction.IN
                and not point.settled
            ):
                last_in_message = point.at
        if not point.from_outreach:
            last_manual = point.at
        if point.kind is InteractionKind.MEETING and first_meeting is None:
            first_meeting = point.at
        if point.summary and not point.from_outreach:
            last_summary = point.summary
    return ContactStats(
        count=len(ordered),
        first_at=ordered[0].at,
        last_at=ordered[-1].at,
        last_out_at=last_out,
        last_in_at=last_in,
        last_in_message_at=last_in_message,
        last_manual_at=last_manual,
        first_meeting_at=first_meeting,
        strength_raw_at_last=raw,
        peak_raw=peak,
        out_weight=out_weight,
        in_weight=in_weight,
        median_gap_days=_median_gap(ordered),
        last_summary=last_summary,
        half_life_days=rules.half_life_days,
    )


#: Bumped whenever ``summarize`` changes what it computes, so stored summaries are redone.
SUMMARY_VERSION = 3

#: Contact on days this close together is one exchange (an e-mail thread, a trip), not a rhythm.
EPISODE_DAYS = 7


def _median_gap(ordered: list[InteractionPoint]) -> float | None:
    """Median days between exchanges (contact within a week is one); None below two gaps."""
    starts: list[date] = []
    last: date | None = None
    for day in sorted({p.at.date() for p in ordered}):
        if last is None or (day - last).days > EPISODE_DAYS:
            starts.append(day)
        last = day
    if len(starts) < 3:
        return None
    return float(median((b - a).days for a, b in pairwise(starts)))


def reciprocity(stats: ContactStats) -> float:
    """1.0 for a balanced tie, 0.5 when only the owner reaches out, 0 when only they do."""
    if stats.out_weight <= 0:
        return 0.0
    if stats.in_weight <= 0:
        return 0.5
    balance = min(stats.out_weight, stats.in_weight) / max(stats.out_weight, stats.in_weight)
    return 0.7 + 0.3 * balance


def _scaled(raw: float, stats: ContactStats, rules: Rules) -> int:
    return round(100.0 * (1.0 - math.exp(-raw / rules.strength_scale)) * reciprocity(stats))


def strength_at(stats: ContactStats, now: datetime, rules: Rules = DEFAULT_RULES) -> int:
    """Strength of the tie at ``now`` on 0–100."""
    if stats.last_at is None:
        return 0
    age = max(0.0, days_between(stats.last_at, now))
    raw = stats.strength_raw_at_last * math.exp(-math.log(2) * age / stats.half_life_days)
    return _scaled(raw, stats, rules)


def peak_strength(stats: ContactStats, rules: Rules = DEFAULT_RULES) -> int:
    """The strongest the tie has ever been, on 0–100."""
    return _scaled(stats.peak_raw, stats, rules)
