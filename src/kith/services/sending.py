"""A draft the owner edited: keep its words, send it over SMTP, mark it sent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import formataddr

from kith.domain.model import Channel, DraftKind, Person
from kith.errors import InputError
from kith.services import smtp
from kith.services.context import Context
from kith.services.outreach import SentResult, mark_sent
from kith.services.people import find_person
from kith.storage import outreach as outreach_store
from kith.storage import people as people_store

MAX_SUBJECT = 300
MAX_BODY = 100_000


def keep_text(
    ctx: Context, ref: str, *, kind: DraftKind, channel: Channel, subject: str, body: str
) -> Person:
    """Store the words the owner settled on as the person's open draft."""
    subject = " ".join(subject.split())
    if len(subject) > MAX_SUBJECT:
        raise InputError(f"the subject is longer than {MAX_SUBJECT} characters", field="subject")
    if len(body) > MAX_BODY:
        raise InputError(f"the message is longer than {MAX_BODY} characters", field="body")
    with ctx.db.begin() as conn:
        person = find_person(conn, ref)
        outreach_store.save_draft(
            conn,
            person_id=person.id,
            kind=kind,
            channel=channel,
            subject=subject,
            body=body.replace("\r\n", "\n"),
            now=ctx.now,
        )
    return person


def mark_text_sent(
    ctx: Context, ref: str, *, kind: DraftKind, channel: Channel, subject: str, body: str
) -> SentResult:
    """The owner sent it themselves: keep the words, and count it as contact."""
    keep_text(ctx, ref, kind=kind, channel=channel, subject=subject, body=body)
    return mark_sent(ctx, ref, kind=kind)


def send_text(
    ctx: Context,
    env: Mapping[str, str],
    ref: str,
    *,
    kind: DraftKind,
    subject: str,
    body: str,
    to: str | None = None,
    clock: datetime | None = None,
) -> SentResult:
    """Send the edited e-mail over SMTP to the person (their first address), then mark it sent.

    Nothing is marked sent unless the server took the message.  The owner's first
    address is the Reply-To when it differs from the From address.
    """
    if not body.strip():
        raise InputError("the message is empty", field="body")
    if not subject.strip():
        raise InputError("an e-mail needs a subject", field="subject")
    with ctx.db.read() as conn:
        person = find_person(conn, ref)
        owner = people_store.get_owner(conn)
    address = (to or "").strip() or (person.emails[0] if person.emails else "")
    if not address:
        raise InputError(
            f"Kith has no e-mail address for {person.name}",
            field="to",
            hint="add one on their page, or copy the message into another app",
        )
    keep_text(ctx, ref, kind=kind, channel=Channel.EMAIL, subject=subject, body=body)
    smtp.send_message(
        ctx.settings,
        env,
        to=formataddr((person.name, address)),
        subject=subject,
        body=body,
        reply_to=owner.emails[0] if owner.emails else None,
        now=clock or ctx.now,
    )
    return mark_sent(ctx, ref, kind=kind)
