"""The ``--json`` shapes of every read command (documented in docs/json.md).

Keys are only ever added, never renamed or removed, so scripts can rely on them.
Times are ISO 8601 in UTC with an offset; dates are ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kith.domain.engine import Agenda, AgendaItem, Standing
from kith.domain.model import Interaction, Owner, Person
from kith.services.identity import Lookalike
from kith.services.mail import Explanation
from kith.services.outreach import DraftResult, SentResult, Today
from kith.services.people import IntroductionView, OutreachView, PeoplePage, PersonView
from kith.storage.mail import AddressRow


def when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def person(p: Person, introducer: Person | None = None) -> dict[str, Any]:
    return {
        "id": p.id,
        "uid": p.uid,
        "name": p.name,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "emails": list(p.emails),
        "phones": list(p.phones),
        "links": list(p.links),
        "org": p.org,
        "title": p.title,
        "location": p.location,
        "timezone": p.timezone,
        "birthday": p.birthday.isoformat() if p.birthday else None,
        "notes": p.notes,
        "interests": list(p.interests),
        "circle": p.circle.value if p.circle else None,
        "cadence_days": p.cadence_days,
        "status": p.status.value,
        "status_reason": p.status_reason,
        "met": {"on": when(p.met_on), "at": p.met_at, "context": p.met_context},
        "introduced_by": (
            {"id": introducer.id, "name": introducer.name}
            if introducer
            else ({"id": p.introduced_by_id} if p.introduced_by_id else None)
        ),
        "snoozed_until": when(p.snoozed_until),
        "created_at": when(p.created_at),
        "updated_at": when(p.updated_at),
    }


def standing(s: Standing) -> dict[str, Any]:
    return {
        "label": s.label,
        "circle": s.cadence.circle.value,
        "cadence_days": s.cadence.days,
        "cadence_source": s.cadence.source,
        "last_contact": when(s.last_contact),
        "days_since": int(s.days_since) if s.days_since is not None else None,
        "due_on": when(s.due_on),
        "due": s.due,
        "losing_touch": s.losing_touch,
        "dormant": s.dormant,
        "awaiting_reply": s.awaiting_reply,
        "quiet": s.quiet,
        "strength": s.strength,
        "peak_strength": s.peak,
    }


def agenda_item(item: AgendaItem) -> dict[str, Any]:
    return {
        "person": {"id": item.person_id, "name": item.name},
        "kind": item.kind.value,
        "score": item.score,
        "reasons": list(item.reasons),
        "draft_kind": item.draft_kind.value,
    }


def agenda(a: Agenda) -> dict[str, Any]:
    return {
        "items": [agenda_item(i) for i in a.items],
        "totals": {k.value: n for k, n in a.totals.items()},
        "considered": a.considered,
    }


def today(t: Today, now: datetime, day: date) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "now": now.isoformat(),
        **agenda(t.agenda),
        "week": {"start": t.week.start.isoformat(), "sent": t.week.sent, "goal": t.week.goal},
    }


def interaction(i: Interaction, names: dict[int, str] | None = None) -> dict[str, Any]:
    names = names or {}
    return {
        "id": i.id,
        "occurred_at": when(i.occurred_at),
        "kind": i.kind.value,
        "direction": i.direction.value,
        "summary": i.summary,
        "source": i.source,
        "source_key": i.source_key,
        "people": [{"id": pid, "name": names.get(pid)} for pid in i.person_ids],
    }


def outreach(view: OutreachView) -> dict[str, Any]:
    o = view.outreach
    return {
        "id": o.id,
        "kind": o.kind.value,
        "channel": o.channel.value,
        "state": view.state.value,
        "subject": o.subject,
        "body": o.body,
        "created_at": when(o.created_at),
        "sent_at": when(o.sent_at),
    }


def introduction(view: IntroductionView) -> dict[str, Any]:
    i = view.introduction

    def ref(pid: int | None) -> dict[str, Any] | None:
        return {"id": pid, "name": view.names.get(pid)} if pid else None

    return {
        "id": i.id,
        "kind": i.kind,
        "introducer": ref(i.introducer_id),
        "person_a": ref(i.person_a_id),
        "person_b": ref(i.person_b_id),
        "direction": i.direction,
        "opportunity": i.opportunity,
        "on": when(i.occurred_on),
        "note": i.note,
        "outcome": i.outcome,
    }


def person_view(v: PersonView) -> dict[str, Any]:
    return {
        "person": person(v.person, v.introduced_by),
        "standing": standing(v.standing),
        "suggestion": agenda_item(v.suggestion) if v.suggestion else None,
        "interaction_count": v.interaction_count,
        "interactions": [interaction(i, v.names) for i in v.interactions],
        "outreach": [outreach(o) for o in v.outreach],
        "introductions": [introduction(i) for i in v.introductions],
        "sources": [
            {
                "source": s.source,
                "key": s.key,
                "first_seen_at": when(s.first_seen_at),
                "last_seen_at": when(s.last_seen_at),
                "fields": s.fields,
            }
            for s in v.sources
        ],
    }


def people_page(page: PeoplePage) -> dict[str, Any]:
    return {
        "total": page.total,
        "offset": page.offset,
        "people": [
            {
                "id": r.id,
                "name": r.name,
                "org": r.org,
                "title": r.title,
                "circle": r.circle,
                "cadence_days": r.cadence_days,
                "status": r.status,
                "label": page.labels.get(r.id, ""),
                "last_contact": when(r.last_at),
                "interactions": r.count,
            }
            for r in page.rows
        ],
    }


def owner(o: Owner) -> dict[str, Any]:
    return {
        "name": o.name,
        "emails": list(o.emails),
        "interests": list(o.interests),
        "timezone": o.timezone,
        "signature": o.signature,
    }


def draft(d: DraftResult) -> dict[str, Any]:
    return {
        "person": {"id": d.person.id, "name": d.person.name, "emails": list(d.person.emails)},
        "outreach_id": d.outreach_id or None,
        "kind": d.draft.kind.value,
        "channel": d.draft.channel.value,
        "subject": d.draft.subject,
        "body": d.draft.body,
        "template": d.draft.template,
        "reasons": list(d.reasons),
    }


def sent(result: SentResult) -> dict[str, Any]:
    return {
        "person": {"id": result.person.id, "name": result.person.name},
        "outreach_id": result.outreach_id,
        "kind": result.kind.value,
        "sent_at": result.sent_at.isoformat(),
    }


def lookalike(item: Lookalike) -> dict[str, Any]:
    def brief(p: Person) -> dict[str, Any]:
        return {"id": p.id, "name": p.name, "org": p.org, "emails": list(p.emails)}

    return {"a": brief(item.a), "b": brief(item.b), "score": item.score,
            "evidence": list(item.evidence)}  # fmt: skip


def mail_explanation(found: Explanation) -> dict[str, Any]:
    return {
        "address": found.address,
        "status": found.status,
        "reasons": list(found.reasons),
        "person": {"id": found.person_id, "name": found.person_name}
        if found.person_id is not None
        else None,
        "written_to": found.written_to,
        "wrote": found.wrote,
        "copied": found.copied,
        "left_out": found.left_out,
        "last_at": when(found.last_at),
    }


def mail_address(row: AddressRow) -> dict[str, Any]:
    return {
        "address": row.address,
        "name": row.name,
        "wrote": row.wrote,
        "copied": row.copied,
        "first_at": when(row.first_at),
        "last_at": when(row.last_at),
    }
