"""Who introduced whom, and referrals given and received."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kith.domain.model import Introduction
from kith.errors import InputError
from kith.services.context import Context
from kith.services.people import IntroductionView, find_person
from kith.storage import outreach as outreach_store

OWNER_WORDS = frozenset({"me", "myself", "i"})


def introduce(
    ctx: Context,
    a: str,
    b: str,
    *,
    by: str | None = None,
    on: date | None = None,
    note: str = "",
    outcome: str = "",
) -> IntroductionView:
    """Record that ``a`` and ``b`` were introduced, by the owner or by ``by``."""
    with ctx.db.begin() as conn:
        first, second = find_person(conn, a), find_person(conn, b)
        if first.id == second.id:
            raise InputError("an introduction needs two different people", field="intro")
        introducer = None
        if by and by.strip().casefold() not in OWNER_WORDS:
            introducer = find_person(conn, by)
            if introducer.id in (first.id, second.id):
                raise InputError("the introducer must be someone else", field="by")
        intro = Introduction(
            id=0,
            kind="introduction",
            person_a_id=first.id,
            person_b_id=second.id,
            introducer_id=introducer.id if introducer else None,
            direction="made" if introducer is None else "",
            occurred_on=on or ctx.today,
            note=note.strip(),
            outcome=outcome.strip(),
        )
        new_id = outreach_store.add_introduction(conn, intro, ctx.now)
        people = [first, second, *([introducer] if introducer else [])]
    return IntroductionView(replace(intro, id=new_id), {p.id: p.name for p in people})


def refer(
    ctx: Context,
    ref: str,
    *,
    received: bool = False,
    to: str | None = None,
    opportunity: str = "",
    on: date | None = None,
    note: str = "",
    outcome: str = "",
) -> IntroductionView:
    """A referral: the owner referred ``ref`` (given), or ``ref`` referred the owner (received)."""
    if not to and not opportunity.strip():
        raise InputError(
            "say to whom or for what the referral was",
            field="referral",
            hint="add --to NAME or --for 'the design role at Acme'",
        )
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        other = find_person(conn, to) if to else None
        if other is not None and other.id == person.id:
            raise InputError("a referral needs two different people", field="to")
        intro = Introduction(
            id=0,
            kind="referral",
            person_a_id=person.id,
            person_b_id=other.id if other else None,
            direction="received" if received else "given",
            opportunity=opportunity.strip(),
            occurred_on=on or ctx.today,
            note=note.strip(),
            outcome=outcome.strip(),
        )
        new_id = outreach_store.add_introduction(conn, intro, ctx.now)
        names = {person.id: person.name, **({other.id: other.name} if other else {})}
    return IntroductionView(replace(intro, id=new_id), names)
