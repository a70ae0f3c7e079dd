"""Whom to reach out to today, and why.

Every function here is pure: it reads ``PersonFacts`` and a ``now`` given by the
caller and returns records that carry their reasons in plain words.

Order of the agenda (from the brief): replies owed, follow-ups after meeting,
dates, due keep-in-touch, then at most ``max_reconnects`` reconnects, cut to the
daily budget.
"""

from __future__ import annotations

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
    peak = peak_strength(stats, rules)
    losing = due and ratio is not None and ratio >= rules.losing_touch_ratio
    followed_up = met is None or (stats.last_out_at is not None and stats.last_out_at.date() > met)
    dormant = _dormant(facts, stats_days=days_since, ratio=ratio, peak=peak, rules=rules)
    return Standing(
        person_id=facts.id,
        cadence=cadence,
        last_contact=stats.last_at,
        days_since=days_since,
        ratio=ratio,
        due_on=due_on,
        due=due,
        losing_touch=losing,
        strength=strength_at(stats, now, rules),
        peak=peak,
        dormant=dormant,
        awaiting_reply=_awaiting_reply(facts, now, rules),
        quiet=_quiet(facts, now, rules),
        followed_up=followed_up,
        met=met,
    )


def _reference(facts: PersonFacts, met: date | None) -> datetime | None:
    """What the keep-in-touch clock counts from: last contact, the meeting, or the add."""
    candidates = [t for t in (facts.stats.last_at, _noon(met) if met else None) if t]
    if candidates:
        return max(candidates)
    return facts.created_at


def _due_on(facts: PersonFacts, cadence: Cadence, reference: datetime | None) -> date | None:
    if cadence.days is None or reference is None:
        return None
    natural = reference.date() + timedelta(days=cadence.days)
    if facts.due_shift_on is not None and facts.due_shift_on > natural:
        return facts.due_shift_on
    return natural


def _dormant(
    facts: PersonFacts, *, stats_days: float | None, ratio: float | None, peak: int, rules: Rules
) -> bool:
    """Long without contact, beyond their rhythm, after a real relationship."""
    if facts.stats.last_at is None or stats_days is None:
        return False
    if stats_days < rules.dormant_after_days:
        return False
    if ratio is not None and ratio < rules.losing_touch_ratio:
        return False
    met_in_person = facts.met_on is not None or facts.stats.first_meeting_at is not None
    return peak >= rules.dormant_min_peak or (met_in_person and bool(facts.shared_interests))


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
    if facts.status is not Status.ACTIVE:
        return None
    if facts.snoozed_until is not None and facts.snoozed_until > today:
        return None
    if facts.created_at is not None and facts.created_at > now:
        return None
    st = standing(facts, now, rules)
    if st.quiet or st.awaiting_reply:
        return None
    for rule in (_reply, _follow_up, _date, _keep_in_touch, _reconnect):
        item = rule(facts, st, now, today, rules)
        if item is not None:
            return item
    return None


def _item(facts: PersonFacts, kind: AgendaKind, score: float, reasons: list[str]) -> AgendaItem:
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


def _reply(
    facts: PersonFacts, st: Standing, now: datetime, today: date, rules: Rules
) -> AgendaItem | None:
    stats = facts.stats
    inbound = stats.last_in_message_at
    if inbound is None or (stats.last_out_at is not None and stats.last_out_at >= inbound):
        return None
    waited = days_between(inbound, now)
    if not rules.reply_after_days <= waited <= rules.reply_window_days:
        return None
    reasons = [f"they wrote {words.ago(waited)}"]
    if stats.last_summary:
        reasons.append(f"last topic: {stats.last_summary}")
    reasons.append("no reply from you yet")
    return _item(facts, AgendaKind.REPLY, 80 + min(waited, 20), reasons)


def _follow_up(
    facts: PersonFacts, st: Standing, now: datetime, today: date, rules: Rules
) -> AgendaItem | None:
    if st.met is None or st.followed_up:
        return None
    days = (today - st.met).days
    if not 1 <= days <= rules.follow_up_days:
        return None
    reasons = [_met_words(facts, st.met, now), "no follow-up yet: a short note now keeps it alive"]
    reasons += _shared(facts)
    return _item(facts, AgendaKind.FOLLOW_UP, 70 + min(days, 14), reasons)


def _date(
    facts: PersonFacts, st: Standing, now: datetime, today: date, rules: Rules
) -> AgendaItem | None:
    if facts.birthday is None:
        return None
    upcoming = facts.birthday.next_occurrence(today)
    days = (upcoming - today).days
    if days > rules.birthday_lead_days:
        return None
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    reasons = [f"birthday {when} ({upcoming.strftime('%a %d %b')})"]
    if facts.birthday.year is not None:
        reasons.append(f"turns {upcoming.year - facts.birthday.year}")
    return _item(facts, AgendaKind.DATE, 60 + 3 * (rules.birthday_lead_days - days), reasons)


def _keep_in_touch(
    facts: PersonFacts, st: Standing, now: datetime, today: date, rules: Rules
) -> AgendaItem | None:
    if not st.due or st.dormant or st.ratio is None or st.days_since is None:
        return None
    reasons = [f"{st.cadence.describe()}, now {int(st.days_since)} days"]
    if st.losing_touch:
        reasons.append("losing touch")
    if facts.stats.last_summary and st.last_contact is not None:
        reasons.append(f"last time: {facts.stats.last_summary}")
    reasons += _shared(facts)
    score = (
        40 + 10 * min(st.ratio - 1, 2) + 0.3 * st.strength + 5 * min(len(facts.shared_interests), 2)
    )
    return _item(facts, AgendaKind.KEEP_IN_TOUCH, score, reasons)


def _reconnect(
    facts: PersonFacts, st: Standing, now: datetime, today: date, rules: Rules
) -> AgendaItem | None:
    shared = min(len(facts.shared_interests), 2)
    if st.met is not None and not st.followed_up and (today - st.met).days > rules.follow_up_days:
        days = (today - st.met).days
        reasons = [_met_words(facts, st.met, now), "you never followed up: it is not too late"]
        reasons += _shared(facts)
        fresh = 20 if days < 90 else 0
        return _item(facts, AgendaKind.RECONNECT, 0.5 * st.peak + 10 * shared + fresh, reasons)
    if not st.dormant or st.days_since is None:
        return None
    reasons = [f"no contact for {words.span(st.days_since)}"]
    if st.met is not None:
        reasons.append(_met_words(facts, st.met, now))
    if st.peak >= 50:
        reasons.append(f"you were close: strength peaked at {st.peak}")
    elif st.peak > 0:
        reasons.append(f"strength peaked at {st.peak}")
    reasons += _shared(facts)
    long_ago = 10 * min(st.days_since / 365, 2)
    return _item(facts, AgendaKind.RECONNECT, 0.5 * st.peak + 10 * shared + long_ago, reasons)


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
    found: list[AgendaItem] = []
    considered = 0
    for facts in people:
        considered += 1
        item = suggest(facts, now, tz, rules)
        if item is not None:
            found.append(item)
    found.sort(key=lambda i: i.sort_key)
    totals = dict.fromkeys(AgendaKind, 0)
    for item in found:
        totals[item.kind] += 1
    chosen: list[AgendaItem] = []
    reconnects = 0
    for item in found:
        if len(chosen) >= budget:
            break
        if item.kind is AgendaKind.RECONNECT:
            if reconnects >= rules.max_reconnects:
                continue
            reconnects += 1
        chosen.append(item)
    return Agenda(tuple(chosen), totals, considered)
