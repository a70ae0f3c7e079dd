"""Condense a person's interactions into ``ContactStats`` and score the tie.

Strength is the sum over interactions of kind weight × exp(−ln 2 · age / half-life),
mapped onto 0–100 and multiplied by a reciprocity factor.  Because the decayed sum
only needs one more factor to move forward in time, ``ContactStats`` stores it at
the last interaction and ``strength_at`` brings it to any later ``now``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def strength_key(stats: ContactStats) -> float | None:
    """A number that orders people by strength at any later ``now``; None for no tie.

    Everyone's weight decays at the same rate, so the decayed weight times the
    reciprocity factor, ``X``, keeps its order over time: its logarithm plus the
    decay accumulated since 1970 is a constant per person.  Strength never
    exceeds ``StrengthFromKey.bound`` of that key (with ``X`` the weight times
    reciprocity r, strength is 100·r·(1 − e^(−X/(r·scale))), which grows with r,
    and r ≤ 1), which lets a list sorted by strength read people best first and
    stop early (see ``storage.people``).
    """
    if stats.last_at is None:
        return None
    weighted = stats.strength_raw_at_last * reciprocity(stats)
    if weighted <= 0:
        return None
    decay_per_day = math.log(2) / stats.half_life_days
    return math.log(weighted) + decay_per_day * days_between(_EPOCH, stats.last_at)


class StrengthFromKey:
    """Strength at ``now`` (unrounded) and its bound, from ``strength_key`` and the weights
    each way: what a list sorted by strength needs per person, with the day's constants
    worked out once."""

    def __init__(self, now: datetime, rules: Rules = DEFAULT_RULES) -> None:
        self.decayed = math.log(2) / rules.half_life_days * days_between(_EPOCH, now)
        self.scale = rules.strength_scale

    def weighted(self, key: float) -> float:
        """``X``: the decayed weight times the reciprocity factor."""
        return math.exp(min(key - self.decayed, 700.0))

    def bound(self, key: float) -> float:
        return 100.0 * (1.0 - math.exp(-self.weighted(key) / self.scale))

    def strength(self, key: float, out_weight: float, in_weight: float) -> float:
        factor = reciprocity(ContactStats(out_weight=out_weight, in_weight=in_weight))
        if factor <= 0:
            return 0.0
        return 100.0 * factor * (1.0 - math.exp(-self.weighted(key) / (factor * self.scale)))


def strength_exact(stats: ContactStats, now: datetime, rules: Rules = DEFAULT_RULES) -> float:
    """``strength_at`` before rounding, to sort by."""
    if stats.last_at is None:
        return 0.0
    age = max(0.0, days_between(stats.last_at, now))
    raw = stats.strength_raw_at_last * math.exp(-math.log(2) * age / stats.half_life_days)
    return 100.0 * (1.0 - math.exp(-raw / rules.strength_scale)) * reciprocity(stats)


def strength_series(
    points: Sequence[InteractionPoint], moments: Sequence[datetime], rules: Rules = DEFAULT_RULES
) -> list[int | None]:
    """The strength of one tie at each of ``moments`` (ascending); None before any contact.

    ``points`` must be oldest first.  The same sum as ``summarize`` and
    ``strength_at``, folded once over the history.
    """
    decay_per_day = math.log(2) / rules.half_life_days
    raw = out_weight = in_weight = 0.0
    previous: datetime | None = None
    found: list[int | None] = []
    index = 0
    for moment in moments:
        while index < len(points) and points[index].at <= moment:
            point = points[index]
            if previous is not None:
                raw *= math.exp(-decay_per_day * days_between(previous, point.at))
            weight = rules.kind_weights.get(point.kind, 1.0)
            raw += weight
            if point.direction is not Direction.IN:
                out_weight += weight
            if point.direction is not Direction.OUT:
                in_weight += weight
            previous = point.at
            index += 1
        if previous is None:
            found.append(None)
            continue
        decayed = raw * math.exp(-decay_per_day * max(0.0, days_between(previous, moment)))
        balance = ContactStats(out_weight=out_weight, in_weight=in_weight)
        found.append(_scaled(decayed, balance, rules))
    return found
