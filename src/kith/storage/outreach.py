"""Outreach records (drafts and sent messages) and introductions or referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from kith.domain.model import (
    Channel,
    DraftKind,
    Introduction,
    Outreach,
    OutreachState,
)
from kith.storage.tables import introductions, outreach


def _outreach(row: RowMapping) -> Outreach:
    return Outreach(
        id=row["id"],
        person_id=row["person_id"],
        kind=DraftKind(row["kind"]),
        channel=Channel(row["channel"]),
        state=OutreachState(row["state"]),
        created_at=row["created_at"],
        subject=row["subject"],
        body=row["body"],
        sent_at=row["sent_at"],
        closed_at=row["closed_at"],
    )


def outreach_of(conn: Connection, person_id: int) -> list[Outreach]:
    """A person's outreach, newest first."""
    rows = conn.execute(
        sa.select(outreach)
        .where(outreach.c.person_id == person_id)
        .order_by(outreach.c.created_at.desc(), outreach.c.id.desc())
    ).mappings()
    return [_outreach(r) for r in rows]


def open_draft(conn: Connection, person_id: int) -> Outreach | None:
    row = (
        conn.execute(
            sa.select(outreach)
            .where(
                outreach.c.person_id == person_id, outreach.c.state == OutreachState.DRAFTED.value
            )
            .order_by(outreach.c.id.desc())
        )
        .mappings()
        .first()
    )
    return _outreach(row) if row else None


def save_draft(
    conn: Connection,
    *,
    person_id: int,
    kind: DraftKind,
    channel: Channel,
    subject: str,
    body: str,
    now: datetime,
) -> int:
    """Keep one open draft per person: update it, or create it."""
    existing = open_draft(conn, person_id)
    values: dict[str, Any] = {
        "kind": kind.value,
        "channel": channel.value,
        "subject": subject,
        "body": body,
    }
    if existing is not None:
        conn.execute(sa.update(outreach).where(outreach.c.id == existing.id).values(**values))
        return existing.id
    return int(
        conn.execute(
            sa.insert(outreach)
            .values(
                person_id=person_id, state=OutreachState.DRAFTED.value, created_at=now, **values
            )
            .returning(outreach.c.id)
        ).scalar_one()
    )


def mark_sent(
    conn: Connection, outreach_id: int, *, sent_at: datetime, interaction_id: int
) -> None:
    conn.execute(
        sa.update(outreach)
        .where(outreach.c.id == outreach_id)
        .values(state=OutreachState.SENT.value, sent_at=sent_at, interaction_id=interaction_id)
    )


def dismiss_open(conn: Connection, person_id: int, now: datetime) -> int:
    """Close any open draft (the person was let go or snoozed)."""
    return conn.execute(
        sa.update(outreach)
        .where(outreach.c.person_id == person_id, outreach.c.state == OutreachState.DRAFTED.value)
        .values(state=OutreachState.DISMISSED.value, closed_at=now)
    ).rowcount


def add_introduction(conn: Connection, intro: Introduction, now: datetime) -> int:
    return int(
        conn.execute(
            sa.insert(introductions)
            .values(
                kind=intro.kind,
                introducer_id=intro.introducer_id,
                person_a_id=intro.person_a_id,
                person_b_id=intro.person_b_id,
                direction=intro.direction,
                opportunity=intro.opportunity,
                occurred_on=intro.occurred_on,
                note=intro.note,
                outcome=intro.outcome,
                created_at=now,
            )
            .returning(introductions.c.id)
        ).scalar_one()
    )


def introductions_of(conn: Connection, person_id: int) -> list[Introduction]:
    """Introductions and referrals in which the person takes any part, oldest first."""
    c = introductions.c
    rows = conn.execute(
        sa.select(introductions)
        .where(
            sa.or_(
                c.person_a_id == person_id, c.person_b_id == person_id, c.introducer_id == person_id
            )
        )
        .order_by(c.occurred_on.asc().nulls_first(), c.id)
    ).mappings()
    return [introduction_of(r) for r in rows]


def sent_between(conn: Connection, start: datetime, end: datetime) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(outreach)
            .where(outreach.c.sent_at >= start, outreach.c.sent_at < end)
        ).scalar_one()
    )


def introduction_of(r: RowMapping) -> Introduction:
    """An introduction (or referral) from its table's row."""
    return Introduction(
        id=r["id"],
        kind=r["kind"],
        person_a_id=r["person_a_id"],
        person_b_id=r["person_b_id"],
        introducer_id=r["introducer_id"],
        direction=r["direction"],
        opportunity=r["opportunity"],
        occurred_on=r["occurred_on"],
        note=r["note"],
        outcome=r["outcome"],
    )
