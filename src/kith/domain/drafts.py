"""What a draft may say about a person: the context templates are filled with.

Templates never see the database; they see a ``DraftContext`` built here from
the person, their history, the owner and ``now``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from kith.domain import words
from kith.domain.history import days_between
from kith.domain.model import Channel, ContactStats, DraftKind, Owner, Person

SHORT_LIMIT = 300


@dataclass(frozen=True, slots=True)
class DraftContext:
    kind: str
    channel: str
    name: str
    first_name: str
    org: str
    owner_name: str
    owner_first_name: str
    signature: str
    short_signature: str
    time_since: str
    days_since: int | None
    met_at: str
    met_when: str
    last_was_meeting: bool
    last_topic: str
    shared_interest: str
    slots: tuple[str, ...]
    age: int | None
    target_name: str
    target_first_name: str
    target_org: str
    target_about: str
    common_interest: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def met_when(met: date, today: date) -> str:
    """'yesterday', 'on Tuesday', 'last week', 'in March', 'in March 2023'."""
    days = (today - met).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {met.strftime('%A')}"
    if days < 14:
        return "last week"
    if days < 45:
        return "a few weeks ago"
    if met.year == today.year:
        return f"in {met.strftime('%B')}"
    return f"in {met.strftime('%B')} {met.year}"


def draft_context(
    person: Person,
    stats: ContactStats,
    owner: Owner,
    now: datetime,
    kind: DraftKind,
    channel: Channel,
    *,
    shared_interests: tuple[str, ...] = (),
    target: Person | None = None,
    slots: tuple[str, ...] = (),
) -> DraftContext:
    """Fill in what a message to ``person`` can honestly say."""
    today = now.date()
    last = stats.last_manual_at or stats.last_at  # our own unanswered messages are not "speaking"
    days = int(days_between(last, now)) if last else None
    met = person.met_on
    last_was_meeting = bool(met and last and last.date() <= met)
    age = None
    if person.birthday and person.birthday.year:
        age = person.birthday.next_occurrence(today).year - person.birthday.year
    signature = owner.signature.strip() or owner.first_name
    return DraftContext(
        kind=kind.value,
        channel=channel.value,
        name=person.name,
        first_name=person.first_name,
        org=person.org,
        owner_name=owner.name,
        owner_first_name=owner.first_name,
        signature=signature,
        short_signature=_one_line_signature(signature, owner),
        time_since=words.since_in_words(days) if days is not None else "a while",
        days_since=days,
        met_at=_place(person.met_at),
        met_when=met_when(met, today) if met else "",
        last_was_meeting=last_was_meeting,
        last_topic=_topic(stats.last_summary),
        shared_interest=shared_interests[0] if shared_interests else "",
        slots=slots,
        age=age,
        target_name=target.name if target else "",
        target_first_name=target.first_name if target else "",
        target_org=target.org if target else "",
        target_about=_about(target) if target else "",
        common_interest=_common_interest(person, target) if target else "",
    )


#: Summaries Kith writes itself (a calendar event's title among them), which are not
#: topics of conversation.
_NOT_A_TOPIC = re.compile(
    r"^(met at\b|first met\b|sent an? [\w-]+ message$|.*\(calendar\)$)", re.IGNORECASE
)
#: A summary written about them ("his move to Lisbon") read back to them ("your move …").
_THIRD_PERSON = re.compile(r"^(his|her|their)\s", re.IGNORECASE)


def _topic(summary: str) -> str:
    """A logged summary as a topic one can mention to the person.

    No trailing dot, first letter lowered, and a leading "his"/"her"/"their"
    becomes "your"; Kith's own summaries ("Sent a reconnect message") are not topics.
    """
    text = " ".join(summary.split()).rstrip(".!")
    if not text or _NOT_A_TOPIC.match(text):
        return ""
    if len(text) > 80:
        return ""
    if text[:1].isupper() and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    return _THIRD_PERSON.sub("your ", text, count=1)


def _place(met_at: str) -> str:
    """Where they met, ready to follow "met at": "at the Forum" is written "the Forum"."""
    text = " ".join(met_at.split())
    return text[3:] if text.lower().startswith("at ") else text


def _one_line_signature(signature: str, owner: Owner) -> str:
    """How a short message is signed: a one-line signature, else the owner's first name."""
    lines = [line.strip() for line in signature.splitlines() if line.strip()]
    if len(lines) == 1:
        return lines[0]
    return owner.first_name or (lines[-1] if lines else "")


def _common_interest(person: Person, target: Person) -> str:
    """An interest the two people of an introduction share, in ``person``'s words."""
    theirs = {i.casefold() for i in target.interests}
    return next((i for i in person.interests if i.casefold() in theirs), "")


def _about(person: Person) -> str:
    if person.title and person.org:
        return f"{person.title} at {person.org}"
    return person.org or person.title or (person.interests[0] if person.interests else "")


def phrasing(uid: str, kind: DraftKind, channel: Channel, count: int) -> int:
    """Which of ``count`` phrasings this person gets: stable, and varied across people."""
    digest = hashlib.sha256(f"{uid}:{kind.value}:{channel.value}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % max(count, 1)
