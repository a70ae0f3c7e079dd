"""The network at a glance: circles, time since contact, outreach and replies, strength.

Everything here is counted in the database (``storage.network``); only the
strength over time folds histories in Python, over a sample of at most
``STRENGTH_SAMPLE`` people when the network is larger, which is plenty for a
median and the strongest tenth.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from statistics import median

from sqlalchemy.engine import Connection

from kith.domain.history import strength_series
from kith.domain.model import Circle, InteractionPoint
from kith.domain.rules import Rules
from kith.services.context import Context
from kith.storage import network as network_store
from kith.storage.network import SentRow

STRENGTH_SAMPLE = 300
WEEKS = 12
MONTHS = 12

#: Time since last contact: (label, days at least).  Newest first.
SINCE = (
    ("under a month", 0),
    ("1–3 months", 30),
    ("3–6 months", 91),
    ("6–12 months", 182),
    ("1–2 years", 365),
    ("over 2 years", 730),
)


@dataclass(frozen=True, slots=True)
class CircleCount:
    """People in one circle: chosen by you, inferred from your history, or by default."""

    label: str
    chosen: int
    inferred: int
    default: int

    @property
    def total(self) -> int:
        return self.chosen + self.inferred + self.default


@dataclass(frozen=True, slots=True)
class SinceCount:
    label: str
    count: int
    #: Long enough that a real tie counts as dormant (the ``dormant_after_days`` setting).
    quiet: bool


@dataclass(frozen=True, slots=True)
class WeekCount:
    start: date
    sent: int
    replied: int


@dataclass(frozen=True, slots=True)
class MonthStrength:
    month: date
    median: float
    top_tenth: float
    ties: int


@dataclass(frozen=True, slots=True)
class Overview:
    people: int
    circles: tuple[CircleCount, ...]
    since: tuple[SinceCount, ...]
    never: int
    weeks: tuple[WeekCount, ...]
    strength: tuple[MonthStrength, ...]
    #: How many ties the strength was computed over, and how many there are in all.
    sampled: int
    with_history: int


def overview(ctx: Context) -> Overview:
    edges = [ctx.now - timedelta(days=days) for _, days in SINCE[1:]]
    months = _month_ends(ctx)
    with ctx.db.read() as conn:
        rows = network_store.tally(conn, _gap_edges(ctx.rules), edges)
        weeks = _weeks(ctx, conn)
        sample, known = network_store.sample_with_history(conn, STRENGTH_SAMPLE)
        found = network_store.histories(conn, sample, ctx.now)
    by_since: dict[int, int] = {}
    for row in rows:
        by_since[row.since_bucket] = by_since.get(row.since_bucket, 0) + row.count
    dormant = ctx.rules.dormant_after_days
    since = tuple(
        SinceCount(label, by_since.get(index, 0), days >= dormant)
        for index, (label, days) in enumerate(SINCE)
    )
    return Overview(
        people=sum(row.count for row in rows),
        circles=_circles(rows, ctx.rules),
        since=since,
        never=by_since.get(-1, 0),
        weeks=weeks,
        strength=_strength(found, months, ctx),
        sampled=len(sample),
        with_history=known,
    )


def overview_this_hour(ctx: Context) -> Overview:
    """``overview`` as of the start of ``now``'s hour, kept until the data changes.

    Reading every tally and a sample of histories takes a third of a second on
    50,000 people; the charts move with the data and the days, not the minutes,
    so the Network page is computed again after a change or when the hour turns.
    """
    hour = ctx.now.replace(minute=0, second=0, microsecond=0)
    key = ("overview", hour, str(ctx.tz), repr(ctx.rules))
    return ctx.db.remember(key, lambda: overview(replace(ctx, now=hour)))


def _gap_edges(rules: Rules) -> list[float]:
    """Where the nearest circle (on a log scale) changes, between circles by cadence."""
    days = sorted(rules.circle_days.values())
    return [math.sqrt(a * b) for a, b in pairwise(days)]


def _circles(rows: Sequence[network_store.Tally], rules: Rules) -> tuple[CircleCount, ...]:
    by_days = [c for c, _ in sorted(rules.circle_days.items(), key=lambda item: item[1])]
    tally: dict[Circle, list[int]] = {c: [0, 0, 0] for c in (*by_days, Circle.NONE)}
    for row in rows:
        if row.cadence_days:
            circle, how = rules.nearest_circle(row.cadence_days), 0
        elif row.circle is not None:
            circle, how = Circle(row.circle), 0
        elif row.gap_bucket >= 0:
            circle, how = by_days[min(row.gap_bucket, len(by_days) - 1)], 1
        else:
            circle, how = rules.default_circle, 2
        tally.setdefault(circle, [0, 0, 0])[how] += row.count
    return tuple(
        CircleCount("no rhythm" if c is Circle.NONE else c.value, *counts)
        for c, counts in tally.items()
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(ctx: Context, conn: Connection) -> tuple[WeekCount, ...]:
    """Outreach sent in each of the last weeks, and how much of it was answered.

    As ``domain.lifecycle``: answered when they reached the owner after it and
    before the next message to them went out.
    """
    first = _monday(ctx.today) - timedelta(weeks=WEEKS - 1)
    start = datetime.combine(first, time(), ctx.tz)
    sent = network_store.sent_outreach(conn, start, ctx.now + timedelta(seconds=1))
    ids = [row.person_id for row in sent]
    later = network_store.first_sent_after(conn, ids)
    heard = network_store.inbound_after(conn, ids, start)
    totals = {first + timedelta(weeks=i): [0, 0] for i in range(WEEKS)}
    for row in sent:
        week = _monday(row.sent_at.astimezone(ctx.tz).date())
        if week not in totals:
            continue
        totals[week][0] += 1
        until = min([t for t in later.get(row.person_id, []) if t > row.sent_at] + [ctx.now])
        if any(row.sent_at < t <= until for t in heard.get(row.person_id, [])):
            totals[week][1] += 1
    return tuple(WeekCount(week, s, r) for week, (s, r) in totals.items())


def _month_ends(ctx: Context) -> list[tuple[date, datetime]]:
    """The last ``MONTHS`` months (this one last): each month's first day and its end."""
    year, month = ctx.today.year, ctx.today.month
    found: list[tuple[date, datetime]] = []
    for _ in range(MONTHS):
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        end = min(datetime.combine(following, time(), ctx.tz), ctx.now)
        found.append((first, end))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def _strength(
    histories: dict[int, list[InteractionPoint]],
    months: list[tuple[date, datetime]],
    ctx: Context,
) -> tuple[MonthStrength, ...]:
    moments = [end for _, end in months]
    columns: list[list[int]] = [[] for _ in months]
    for points in histories.values():
        series = strength_series(points, moments, ctx.rules)
        for index, value in enumerate(series):
            if value is not None:
                columns[index].append(value)
    found = []
    for (first, _), values in zip(months, columns, strict=True):
        values.sort()
        top = values[int(len(values) * 0.9)] if values else 0
        middle = float(median(values)) if values else 0.0
        found.append(MonthStrength(first, middle, float(top), len(values)))
    return tuple(found)


def this_week(ctx: Context) -> list[SentRow]:
    """Outreach sent since Monday (the week of ``Today``'s weekly goal), oldest first."""
    start = datetime.combine(_monday(ctx.today), time(), ctx.tz)

    def read() -> tuple[SentRow, ...]:
        with ctx.db.read() as conn:
            return tuple(network_store.sent_outreach(conn, start, None))

    # Today shows the week on every visit: the week's rows are read again only after a
    # change, and cut at ``now`` here (a replayed day sees only what was sent by then).
    end = ctx.now + timedelta(seconds=1)
    return [row for row in ctx.db.remember(("sent since", start), read) if row.sent_at < end]
