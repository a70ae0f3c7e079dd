"""Whom to reach out to today, and why.

Every function here is pure: it reads ``PersonFacts`` and a ``now`` given by the
caller and returns records that carry their reasons in plain words.

Order of the agenda (from the brief): replies owed, follow-ups after meeting,
dates, due keep-in-touch, then at most ``max_reconnects`` reconnects, cut to the
daily budget.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from kith.domain import words
from kith.domain.history import days_between, peak_strength, strength_at
from kith.domain.model import AgendaKind, Circle, DraftKind, PersonFacts, Status
from kith.domain.rules import DEFAULT_RULES, Rules

_KIND_ORDER = {kind: rank for rank, kind in enumerate(AgendaKind)}
DRAFT_FOR: dict[AgendaKind, DraftKind] = {
    AgendaKind.REPLY: DraftKind.REPLY,
    AgendaKind.FOLLOW_UP: DraftKind.FOLLOW_UP,
    AgendaKind.DATE: DraftKind.BIRTHDAY,
    AgendaKind.KEEP_IN_TOUCH: DraftKind.KEEP_IN_TOUCH,
    AgendaKind.RECONNECT: DraftKind.RECONNECT,
}


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often to be in touch; ``source`` says where the number came from."""

    days: int | None
    circle: Circle
    source: str  # explicit | circle | inferred | default | none

    def describe(self) -> str:
        if self.days is None:
            return "no keep-in-touch rhythm"
        rhythm = words.every(self.days)
        return {
            "explicit": f"you chose {rhythm}",
            "circle": f"{self.circle.value} circle, {rhythm}",
            "inferred": f"usually {rhythm}",
            "default": f"{rhythm} by default",
        }.get(self.source, rhythm)


def cadence_for(facts: PersonFacts, rules: Rules = DEFAULT_RULES) -> Cadence:
    """Explicit cadence, else the circle's, else inferred from the gaps in history."""
    if facts.cadence_days:
        return Cadence(facts.cadence_days, rules.nearest_circle(facts.cadence_days), "explicit")
    if facts.circle is Circle.NONE:
        return Cadence(None, Circle.NONE, "none")
    if facts.circle is not None:
        return Cadence(rules.cadence_of(facts.circle), facts.circle, "circle")
    gap = facts.stats.median_gap_days
    if gap is not None:
        circle = rules.nearest_circle(gap)
        return Cadence(rules.cadence_of(circle), circle, "inferred")
    return Cadence(rules.cadence_of(rules.default_circle), rules.default_circle, "default")


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def met_on(facts: PersonFacts) -> date | None:
    """When the owner first met this person: the recorded date, else the first meeting."""
    if facts.met_on is not None:
        return facts.met_on
    first = facts.stats.first_meeting_at
    if first is not None and first == facts.stats.first_at:
        return first.date()
    return None


@dataclass(frozen=True, slots=True)
class Standing:
    """The state of one relationship at ``now``."""

    person_id: int
    cadence: Cadence
    last_contact: datetime | None
    days_since: float | None
    ratio: float | None
    due_on: date | None
    due: bool
    losing_touch: bool
    strength: int
    peak: int
    dormant: bool
    awaiting_reply: bool
    quiet: bool
    followed_up: bool
    met: date | None

    @property
    def label(self) -> str:
        if self.quiet:
            return "quiet"
        if self.awaiting_reply:
            return "waiting for reply"
        if self.dormant:
            return "dormant"
        if self.losing_touch:
            return "losing touch"
        if self.due:
            return "due"
        return "in touch"


def standing(facts: PersonFacts, now: datetime, rules: Rules = DEFAULT_RULES) -> Standing:
    """Cadence, last contact, due, losing touch, strength, dormancy for one person."""
    stats = facts.stats
    cadence = cadence_for(facts, rules)
    met = met_on(facts)
    reference = _reference(facts, met)
    days_since = days_between(reference, now) if reference else None
    due_on = _due_on(facts, cadence, reference)
    ratio = days_since / cadence.days if cadence.days and days_since is not None else None
    due = due_on is not None and now.date() >= due_on
    return Standing(
        person_id=facts.id,
        cadence=cadence,
        last_contact=stats.last_at,
        days_since=days_since,
        ratio=ratio,
        due_on=due_on,
        due=due,
        losing_touch=due and ratio is not None and ratio >= rules.losing_touch_ratio,
        strength=strength_at(stats, now, rules),
        peak=peak_strength(stats, rules),
        dormant=_dormant(facts, days_since, ratio, rules),
        awaiting_reply=_awaiting_reply(facts, now, rules),
        quiet=_quiet(facts, now, rules),
        followed_up=_followed_up(facts, met),
        met=met,
    )


def due_on(facts: PersonFacts, rules: Rules = DEFAULT_RULES) -> date | None:
    """The day keeping in touch falls due (``Standing.due_on``); it does not depend on ``now``.

    Sorting people by it puts the longest overdue first, so it is stored beside
    their statistics and indexed.
    """
    cadence = cadence_for(facts, rules)
    return _due_on(facts, cadence, _reference(facts, met_on(facts)))


def _reference(facts: PersonFacts, met: date | None) -> datetime | None:
    """What the keep-in-touch clock counts from: last contact, the meeting, or the add."""
    last = facts.stats.last_at
    if met is not None:
        noon = _noon(met)
        return noon if last is None or noon > last else last
    return last if last is not None else facts.created_at


def _due_on(facts: PersonFacts, cadence: Cadence, reference: datetime | None) -> date | None:
    if cadence.days is None or reference is None:
        return None
    natural = reference.date() + timedelta(days=cadence.days)
    if facts.due_shift_on is not None and facts.due_shift_on > natural:
        return facts.due_shift_on
    return natural


def _followed_up(facts: PersonFacts, met: date | None) -> bool:
    """No meeting to follow up, or an outbound contact on a later day."""
    last_out = facts.stats.last_out_at
    return met is None or (last_out is not None and last_out.date() > met)


def _dormant(
    facts: PersonFacts, days_since: float | None, ratio: float | None, rules: Rules
) -> bool:
    """Long without contact, beyond their rhythm, after a real relationship."""
    stats = facts.stats
    if stats.last_at is None or days_since is None or days_since < rules.dormant_after_days:
        return False
    if ratio is not None and ratio < rules.losing_touch_ratio:
        return False
    return _real_tie(facts, rules)


def _real_tie(facts: PersonFacts, rules: Rules) -> bool:
    """Met in person with a shared interest, or a strength that once was real."""
    met_in_person = facts.met_on is not None or facts.stats.first_meeting_at is not None
    if met_in_person and facts.shared_interests:
        return True
    return peak_strength(facts.stats, rules) >= rules.dormant_min_peak


def _lost_touch_after(cadence: Cadence, rules: Rules) -> float:
    """Days without contact after which a real tie counts as dormant."""
    lost = rules.losing_touch_ratio * cadence.days if cadence.days else 0.0
    return max(float(rules.dormant_after_days), lost)


def _awaiting_reply(facts: PersonFacts, now: datetime, rules: Rules) -> bool:
    """The latest outreach went out recently and they have not answered yet."""
    if not facts.sent:
        return False
    latest = max(s.sent_at for s in facts.sent)
    last_in = facts.stats.last_in_at
    answered = last_in is not None and last_in > latest
    return not answered and days_between(latest, now) < rules.no_reply_after_days


def _quiet(facts: PersonFacts, now: datetime, rules: Rules) -> bool:
    """Several outreaches in a row went unanswered and nobody has acted since."""
    n = rules.quiet_after_unanswered
    if n <= 0 or len(facts.sent) < n:
        return False
    recent = sorted(s.sent_at for s in facts.sent)[-n:]
    stats = facts.stats
    if stats.last_in_at is not None and stats.last_in_at > recent[0]:
        return False
    if days_between(recent[-1], now) < rules.no_reply_after_days:
        return False
    owner_acted = stats.last_manual_at is not None and stats.last_manual_at > recent[-1]
    return not owner_acted


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One person worth reaching out to, the kind of reason, a score and the reasons."""

    person_id: int
    name: str
    kind: AgendaKind
    score: float
    reasons: tuple[str, ...]
    draft_kind: DraftKind

    @property
    def sort_key(self) -> tuple[int, float, str]:
        return (_KIND_ORDER[self.kind], -self.score, self.name.casefold())


def suggest(
    facts: PersonFacts, now: datetime, tz: tzinfo = UTC, rules: Rules = DEFAULT_RULES
) -> AgendaItem | None:
    """The one reason, if any, to reach out to this person on ``now``'s day."""
    today = now.astimezone(tz).date()
    found = assess(facts, now, today, rules)
    return explain(facts, found, now, today, rules) if found else None


def assess(
    facts: PersonFacts, now: datetime, today: date, rules: Rules = DEFAULT_RULES
) -> tuple[AgendaKind, float] | None:
    """Why (and how strongly) to reach out to this person today, without the words.

    This runs for everyone in the network, so it computes only what the first
    applicable rule needs, in the agenda's order; ``explain`` adds the reasons.
    """
    if facts.status is not Status.ACTIVE:
        return None
    if facts.snoozed_until is not None and facts.snoozed_until > today:
        return None
    if facts.created_at is not None and facts.created_at > now:
        return None
    if facts.sent and (_awaiting_reply(facts, now, rules) or _quiet(facts, now, rules)):
        return None
    waited = _reply_wait(facts, now, rules)
    if waited is not None:
        return AgendaKind.REPLY, 80 + min(waited, 20)
    met = met_on(facts)
    shared = min(len(facts.shared_interests), 2)
    if not _followed_up(facts, met):
        assert met is not None
        days = (today - met).days
        if 1 <= days <= rules.follow_up_days:
            return AgendaKind.FOLLOW_UP, 70 + min(days, 14)
    birthday_in = _birthday_in(facts, today)
    if birthday_in is not None and birthday_in <= rules.birthday_lead_days:
        return AgendaKind.DATE, 60 + 3 * (rules.birthday_lead_days - birthday_in)
    if (
        met is not None
        and not _followed_up(facts, met)
        and (today - met).days > rules.follow_up_days
    ):
        fresh = 20 if (today - met).days < 90 else 0
        return AgendaKind.RECONNECT, 0.5 * peak_strength(facts.stats, rules) + 10 * shared + fresh
    return _rhythm(facts, met, now, rules, shared)


def _rhythm(
    facts: PersonFacts, met: date | None, now: datetime, rules: Rules, shared: int
) -> tuple[AgendaKind, float] | None:
    """Dormant (reconnect) or due (keep in touch), from the cadence and the last contact."""
    reference = _reference(facts, met)
    if reference is None:
        return None
    cadence = cadence_for(facts, rules)
    days_since = days_between(reference, now)
    ratio = days_since / cadence.days if cadence.days else None
    if _dormant(facts, days_since, ratio, rules):
        long_ago = 10 * min(days_since / 365, 2)
        return AgendaKind.RECONNECT, 0.5 * peak_strength(
            facts.stats, rules
        ) + 10 * shared + long_ago
    due_on = _due_on(facts, cadence, reference)
    if due_on is None or ratio is None or now.date() < due_on:
        return None
    strength = strength_at(facts.stats, now, rules)
    score = 40 + 10 * min(ratio - 1, 2) + 0.3 * strength + 5 * shared
    return AgendaKind.KEEP_IN_TOUCH, score


#: The most the day itself adds to a reconnect score (how long it has been, or a fresh meeting).
RECONNECT_DAY_BONUS = 20.0


@dataclass(frozen=True, slots=True)
class Outlook:
    """When a person may next need attention, if nothing new happens.

    ``wake_on``: no rule but a birthday applies before this day (a lower bound).
    ``reconnect_on``: from this day on, only a reconnect or a birthday can apply
    (an upper bound: until then the person is assessed in full).
    ``reconnect_base``: the part of their reconnect score that does not depend
    on the day; the day adds at most ``RECONNECT_DAY_BONUS``.
    Storing these lets the agenda read only who may be on it, and only the best
    of the many dormant ties.
    """

    wake_on: date | None
    reconnect_on: date | None
    reconnect_base: float


def outlook(facts: PersonFacts, rules: Rules = DEFAULT_RULES) -> Outlook:
    """The ``Outlook`` of one person (see there)."""
    if facts.status is not Status.ACTIVE:
        return Outlook(None, None, 0.0)
    base = 0.5 * peak_strength(facts.stats, rules) + 10 * min(len(facts.shared_interests), 2)
    return Outlook(wake_on(facts, rules), _reconnect_on(facts, rules), base)


def _floors(facts: PersonFacts) -> list[date]:
    return [d for d in (facts.snoozed_until, facts.created_at and facts.created_at.date()) if d]


def wake_on(facts: PersonFacts, rules: Rules = DEFAULT_RULES) -> date | None:
    """The first day this person may need attention (see ``Outlook``); None for never."""
    if facts.status is not Status.ACTIVE:
        return None
    stats = facts.stats
    days: list[date] = []
    if _unanswered(facts):
        assert stats.last_in_message_at is not None
        days.append((stats.last_in_message_at + timedelta(days=rules.reply_after_days)).date())
    met = met_on(facts)
    if not _followed_up(facts, met):
        assert met is not None
        days.append(met + timedelta(days=1))
    reference = _reference(facts, met)
    if reference is not None:
        cadence = cadence_for(facts, rules)
        due = _due_on(facts, cadence, reference)
        if due is not None:
            days.append(due)
        if stats.last_at is not None:  # dormancy ignores a spread due date
            wait = math.floor(_lost_touch_after(cadence, rules))
            days.append((reference + timedelta(days=wait)).date())
    if not days:
        return None
    earliest = min(days) - timedelta(days=1)  # a day's margin for time zones
    return max([earliest, *_floors(facts)])


def _reconnect_on(facts: PersonFacts, rules: Rules) -> date | None:
    """From this day, nothing but a reconnect (or a birthday) can apply; None if not sure."""
    if _unanswered(facts):
        return None  # a reply may be owed first
    days: list[date] = []
    met = met_on(facts)
    if not _followed_up(facts, met):
        assert met is not None
        days.append(met + timedelta(days=rules.follow_up_days + 1))
    elif facts.stats.last_at is not None and _real_tie(facts, rules):
        reference = _reference(facts, met)
        assert reference is not None
        wait = math.ceil(_lost_touch_after(cadence_for(facts, rules), rules))
        days.append((reference + timedelta(days=wait)).date())
    if not days:
        return None
    latest = min(days) + timedelta(days=1)  # a day's margin for time zones
    return max([latest, *_floors(facts)])


def _unanswered(facts: PersonFacts) -> bool:
    stats = facts.stats
    inbound = stats.last_in_message_at
    return inbound is not None and (stats.last_out_at is None or stats.last_out_at < inbound)


def _reply_wait(facts: PersonFacts, now: datetime, rules: Rules) -> float | None:
    """Days an unanswered personal message has waited, within the reply window."""
    stats = facts.stats
    inbound = stats.last_in_message_at
    if inbound is None or (stats.last_out_at is not None and stats.last_out_at >= inbound):
        return None
    waited = days_between(inbound, now)
    return waited if rules.reply_after_days <= waited <= rules.reply_window_days else None


def _birthday_in(facts: PersonFacts, today: date) -> int | None:
    if facts.birthday is None:
        return None
    return (facts.birthday.next_occurrence(today) - today).days


def explain(
    facts: PersonFacts,
    found: tuple[AgendaKind, float],
    now: datetime,
    today: date,
    rules: Rules = DEFAULT_RULES,
) -> AgendaItem:
    """The agenda item for ``found``, with its reasons in plain words."""
    kind, score = found
    reasons = _REASONS[kind](facts, now, today, rules)
    if facts.open_draft is not None:
        reasons.append("your draft is ready to send")
    return AgendaItem(facts.id, facts.name, kind, round(score, 1), tuple(reasons), DRAFT_FOR[kind])


def _shared(facts: PersonFacts) -> list[str]:
    if not facts.shared_interests:
        return []
    shown = " and ".join(facts.shared_interests[:2])
    return [f"you both care about {shown}"]


def _met_words(facts: PersonFacts, met: date, now: datetime) -> str:
    when = words.ago(days_between(_noon(met), now))
    return f"met at {facts.met_at} {when}" if facts.met_at else f"met {when}"


def _reply_reasons(facts: PersonFacts, now: datetime, today: date, rules: Rules) -> list[str]:
    inbound = facts.stats.last_in_message_at
    assert inbound is not None
    reasons = [f"they wrote {words.ago(days_between(inbound, now))}"]
    if facts.stats.last_summary:
        reasons.append(f"last topic: {facts.stats.last_summary}")
    return [*reasons, "no reply from you yet"]


def _follow_up_reasons(facts: PersonFacts, now: datetime, today: date, rules: Rules) -> list[str]:
    met = met_on(facts)
    assert met is not None
    return [
        _met_words(facts, met, now),
        "no follow-up yet: a short note now keeps it alive",
        *_shared(facts),
    ]


def _date_reasons(facts: PersonFacts, now: datetime, today: date, rules: Rules) -> list[str]:
    assert facts.birthday is not None
    upcoming = facts.birthday.next_occurrence(today)
    days = (upcoming - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    reasons = [f"birthday {when} ({upcoming.strftime('%a %d %b')})"]
    if facts.birthday.year is not None:
        reasons.append(f"turns {upcoming.year - facts.birthday.year}")
    return reasons


def _keep_in_touch_reasons(
    facts: PersonFacts, now: datetime, today: date, rules: Rules
) -> list[str]:
    st = standing(facts, now, rules)
    assert st.days_since is not None
    reasons = [f"{st.cadence.describe()}; last in touch {words.ago(st.days_since)}"]
    if st.losing_touch:
        reasons.append("losing touch")
    if facts.stats.last_summary and st.last_contact is not None:
        reasons.append(f"last time: {facts.stats.last_summary}")
    return reasons + _shared(facts)


def _reconnect_reasons(facts: PersonFacts, now: datetime, today: date, rules: Rules) -> list[str]:
    st = standing(facts, now, rules)
    if st.met is not None and not st.followed_up:
        return [
            _met_words(facts, st.met, now),
            "you never followed up: it is not too late",
            *_shared(facts),
        ]
    assert st.days_since is not None
    reasons = [f"no contact for {words.span(st.days_since)}"]
    if st.met is not None:
        reasons.append(_met_words(facts, st.met, now))
    if st.peak >= 50:
        reasons.append(f"you were close: strength peaked at {st.peak}")
    elif st.peak > 0:
        reasons.append(f"strength peaked at {st.peak}")
    return reasons + _shared(facts)


_REASONS = {
    AgendaKind.REPLY: _reply_reasons,
    AgendaKind.FOLLOW_UP: _follow_up_reasons,
    AgendaKind.DATE: _date_reasons,
    AgendaKind.KEEP_IN_TOUCH: _keep_in_touch_reasons,
    AgendaKind.RECONNECT: _reconnect_reasons,
}


@dataclass(frozen=True, slots=True)
class Agenda:
    """The day's short list, and how many people each reason applied to before the cut."""

    items: tuple[AgendaItem, ...]
    totals: dict[AgendaKind, int] = field(default_factory=dict)
    considered: int = 0


def agenda(
    people: Iterable[PersonFacts],
    now: datetime,
    tz: tzinfo = UTC,
    rules: Rules = DEFAULT_RULES,
    limit: int | None = None,
) -> Agenda:
    """The agenda for ``now``'s day, ordered as the brief says and cut to the budget."""
    budget = rules.daily_budget if limit is None else limit
    today = now.astimezone(tz).date()
    found: list[tuple[int, float, str, PersonFacts, tuple[AgendaKind, float]]] = []
    considered = 0
    for facts in people:
        considered += 1
        assessed = assess(facts, now, today, rules)
        if assessed is not None:
            kind, score = assessed
            found.append(
                (_KIND_ORDER[kind], -round(score, 1), facts.name.casefold(), facts, assessed)
            )
    found.sort(key=lambda entry: entry[:3])
    totals = dict.fromkeys(AgendaKind, 0)
    for entry in found:
        totals[entry[4][0]] += 1
    chosen: list[AgendaItem] = []
    reconnects = 0
    for *_, facts, assessed in found:
        if len(chosen) >= budget:
            break
        if assessed[0] is AgendaKind.RECONNECT:
            if reconnects >= rules.max_reconnects:
                continue
            reconnects += 1
        chosen.append(explain(facts, assessed, now, today, rules))
    return Agenda(tuple(chosen), totals, considered)
