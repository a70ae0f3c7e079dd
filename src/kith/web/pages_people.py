"""People: the list (search as you type, sort, filter, pages), one person, adding someone.

A person's page edits in place (HTMX swaps the profile block for its form and
back), logs an interaction, and offers to merge a likely duplicate after a
confirmation.  An id that is not in this account's database is a plain 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kith.domain import words
from kith.domain.history import reciprocity
from kith.domain.model import Circle, Direction, InteractionKind, Person
from kith.errors import Ambiguous, InputError, KithError, NotFound
from kith.interchange.normalize import day_at_noon
from kith.services import identity as identity_service
from kith.services import people as people_service
from kith.services.context import Context
from kith.services.people import IntroductionView, PersonChanges, PersonView
from kith.storage import people as people_store
from kith.web.deps import check_csrf, ctx_of, is_htmx, render
from kith.web.pages import flash, take_flash

router = APIRouter(include_in_schema=False)

PAGE = 50
#: As-you-type search for a word too short for the index counts no further.
COUNT_AT_MOST = 1000
SORTS = {
    "name": "Name",
    "last": "Last contact",
    "strength": "Strength",
    "overdue": "Most overdue",
}
STATUSES = {
    "active": "Active",
    "archived": "Let go",
    "do_not_contact": "Do not contact",
    "all": "Everyone",
}
CIRCLES = [c.value for c in Circle]
SOURCES = {
    "manual": "logged by you",
    "mail": "mail",
    "calendar": "calendar",
    "outreach": "a draft you marked sent",
    "met": "first meeting",
    "demo": "demo",
}
DIRECTIONS = {
    "out": ("you reached out", "→"),
    "in": ("they reached you", "←"),
    "mutual": ("together", "↔"),
}


# -- the list -----------------------------------------------------------------------------


@router.get("/people", response_class=HTMLResponse)
async def people_page(
    request: Request,
    q: str = Query("", max_length=200),
    sort: str = "name",
    circle: str = "",
    interest: str = Query("", max_length=200),
    status: str = "active",
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    ctx = ctx_of(request)
    sort = sort if sort in SORTS else "name"
    status = status if status in STATUSES else "active"
    circle = circle if circle in CIRCLES else ""
    found = people_service.list_people(
        ctx,
        text=q,
        status=status,
        circle=circle or None,
        interest=interest.strip() or None,
        sort=sort,
        limit=PAGE,
        offset=(page - 1) * PAGE,
        count_at_most=COUNT_AT_MOST,
    )
    filters = {"q": q, "sort": sort, "circle": circle, "interest": interest, "status": status}
    values: dict[str, Any] = {
        "found": found,
        "lines": _lines_of(found, ctx.now, overdue=sort == "overdue"),
        "filters": filters,
        "page": page,
        "pages": _pages(found.total, found.more, page),
        "query": lambda **changes: _query({**filters, **changes}),
        "ctx": ctx,
        "sorts": SORTS,
        "statuses": STATUSES,
        "circles": CIRCLES,
        "count_text": _count_text(found, page),
    }
    if is_htmx(request) and request.headers.get("hx-target") == "results":
        response = render(request, "_people_results.html", oob=True, **values)
        response.headers["HX-Push-Url"] = _query({**filters, "page": page})
        return response
    return render(request, "people.html", title="People", flash=take_flash(request), **values)


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the list as the page shows it, worked out here rather than in the template
    (fifty rows of lookups and calls are a third of the page's time in Jinja)."""

    id: int
    name: str
    sub: str
    rhythm: str
    last_iso: str
    last_text: str
    strength: int | None
    label: str
    #: The label as a class name: "let go" → "let-go".
    tone: str
    since: str


def _lines_of(found: people_service.PeoplePage, now: datetime, *, overdue: bool) -> list[Line]:
    lines = []
    for r in found.rows:
        st = found.standings.get(r.id)
        label = found.labels.get(r.id, "")
        due = st.due_on if overdue and st and st.due else None
        lines.append(
            Line(
                id=r.id,
                name=r.name,
                sub=" · ".join(x for x in (r.title, r.org) if x),
                rhythm=st.cadence.describe() if st else (r.circle or "auto"),
                last_iso=r.last_at.isoformat() if r.last_at else "",
                last_text=words.ago((now - r.last_at).total_seconds() / 86400) if r.last_at else "",
                strength=st.strength if st else None,
                label=label,
                tone=label.replace(" ", "-"),
                since=due.strftime("%-d %b %Y") if due else "",
            )
        )
    return lines


def _query(values: dict[str, Any]) -> str:
    """The list's address with these filters (defaults left out)."""
    from urllib.parse import urlencode

    defaults = {"sort": "name", "status": "active", "page": 1}
    kept = {k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}
    return "/people" + (f"?{urlencode(kept)}" if kept else "")


def _pages(total: int, more: bool, page: int) -> dict[str, Any]:
    last = max(1, -(-total // PAGE))
    return {"previous": page - 1 if page > 1 else None, "next": page + 1 if page < last else None}


def _count_text(found: people_service.PeoplePage, page: int) -> str:
    if not found.rows:
        return "Nobody matches." if found.total == 0 else "No more people on this page."
    first = found.offset + 1
    last = found.offset + len(found.rows)
    total = f"more than {COUNT_AT_MOST:,}" if found.more else f"{found.total:,}"
    if found.total == 1:
        return "One person."
    return f"{first:,}–{last:,} of {total} people."


# -- adding someone -----------------------------------------------------------------------


@router.get("/people/new", response_class=HTMLResponse)
def new_person_form(request: Request) -> Response:
    ctx_of(request)  # signed in, and the database is there
    return render(
        request, "person_new.html", title="Add someone", values={}, error="", circles=CIRCLES
    )


@router.post("/people/new", dependencies=[Depends(check_csrf)])
def add_person(
    request: Request,
    name: str = Form("", max_length=300),
    email: str = Form("", max_length=320),
    org: str = Form("", max_length=300),
    met_at: str = Form("", max_length=300),
    met_on: str = Form("", max_length=10),
    met_context: str = Form("", max_length=2000),
    introduced_by: str = Form("", max_length=300),
    interests: str = Form("", max_length=2000),
    circle: str = Form("", max_length=20),
) -> Response:
    ctx = ctx_of(request)
    values = {
        "name": name, "email": email, "org": org, "met_at": met_at, "met_on": met_on,
        "met_context": met_context, "introduced_by": introduced_by, "interests": interests,
        "circle": circle,
    }  # fmt: skip
    try:
        if not name.strip():
            raise InputError("A person needs a name.", field="name")
        changes = PersonChanges(
            name=name,
            add_emails=_split(email),
            org=org or None,
            met_at=met_at or None,
            met_on=_date(met_on, "met_on"),
            met_context=met_context or None,
            introduced_by=_ref_text(introduced_by) if introduced_by.strip() else None,
            add_interests=_split(interests),
            circle=circle or None,
        )
        saved = people_service.add_person(ctx, changes)
    except KithError as exc:
        return render(
            request, "person_new.html", 422, title="Add someone", values=values,
            error=_message(exc), circles=CIRCLES,
        )  # fmt: skip
    notices = "; ".join(saved.notices)
    flash(request, f"Added {saved.person.name}." + (f" Note: {notices}." if notices else ""))
    return RedirectResponse(f"/people/{saved.person.id}", status_code=303)


# -- one person ---------------------------------------------------------------------------


def _ref(ctx: Context, person_id: int) -> str:
    with ctx.db.read() as conn:
        if people_store.get_person(conn, person_id) is None:
            raise StarletteHTTPException(404)
    return f"#{person_id}"


TIMELINE = 30


@router.get("/people/{person_id:int}", response_class=HTMLResponse)
async def person_page(request: Request, person_id: int) -> Response:
    ctx = ctx_of(request)
    try:
        view = people_service.show(ctx, f"#{person_id}", limit=TIMELINE)
    except NotFound:
        raise StarletteHTTPException(404) from None
    return render(
        request, "person.html", title=view.person.name, flash=take_flash(request),
        **_person_values(ctx, view),
    )  # fmt: skip


def _person_values(ctx: Context, view: PersonView, **extra: Any) -> dict[str, Any]:
    owner = people_service.get_owner(ctx)
    mine = {i.casefold() for i in owner.interests}
    return {
        "view": view,
        "p": view.person,
        "st": view.standing,
        "ctx": ctx,
        "shared": [i for i in view.person.interests if i.casefold() in mine],
        "why": strength_why(view),
        "introductions": [describe_introduction(i, view.person.id) for i in view.introductions],
        "timeline": [timeline_entry(item, view) for item in view.interactions],
        "more_history": view.interaction_count > len(view.interactions),
        "kinds": [k.value for k in InteractionKind],
        "sources": [_source(s) for s in view.sources],
        "today_iso": ctx.today.isoformat(),
        "errors": {},
        "form": {},
        **extra,
    }


@router.get("/people/{person_id:int}/history", response_class=HTMLResponse)
def person_history(
    request: Request, person_id: int, shown: int = Query(TIMELINE, ge=0, le=100_000)
) -> Response:
    """The next part of the timeline ("Show older"), or the whole page without JavaScript."""
    ctx = ctx_of(request)
    view = people_service.show(ctx, _ref(ctx, person_id), limit=shown + 100)
    if not is_htmx(request):
        return render(
            request, "person.html", title=view.person.name, flash="",
            **_person_values(ctx, view),
        )  # fmt: skip
    entries = [timeline_entry(item, view) for item in view.interactions[shown:]]
    return render(
        request, "_timeline_more.html", entries=entries, p=view.person, ctx=ctx,
        shown=len(view.interactions), more_history=view.interaction_count > len(view.interactions),
    )  # fmt: skip


@router.get("/people/{person_id:int}/profile", response_class=HTMLResponse)
def person_profile(request: Request, person_id: int) -> Response:
    ctx = ctx_of(request)
    view = people_service.show(ctx, _ref(ctx, person_id), limit=0)
    if not is_htmx(request):
        return RedirectResponse(f"/people/{person_id}", status_code=303)
    return render(request, "_profile.html", **_person_values(ctx, view))


@router.get("/people/{person_id:int}/edit", response_class=HTMLResponse)
def edit_form(request: Request, person_id: int) -> Response:
    ctx = ctx_of(request)
    view = people_service.show(ctx, _ref(ctx, person_id), limit=0)
    values = _person_values(ctx, view, form=_form_of(view), circles=CIRCLES)
    if is_htmx(request):
        return render(request, "_profile_form.html", **values)
    return render(request, "person_edit.html", title=f"Edit {view.person.name}", **values)


@router.post("/people/{person_id:int}/edit", dependencies=[Depends(check_csrf)])
def edit_save(
    request: Request,
    person_id: int,
    name: str = Form("", max_length=300),
    org: str = Form("", max_length=300),
    title: str = Form("", max_length=300),
    location: str = Form("", max_length=300),
    timezone: str = Form("", max_length=64),
    emails: str = Form("", max_length=4000),
    phones: str = Form("", max_length=4000),
    links: str = Form("", max_length=4000),
    interests: str = Form("", max_length=4000),
    circle: str = Form("", max_length=20),
    every: str = Form("", max_length=5),
    birthday: str = Form("", max_length=10),
    met_at: str = Form("", max_length=300),
    met_on: str = Form("", max_length=10),
    met_context: str = Form("", max_length=4000),
    introduced_by: str = Form("", max_length=300),
    notes: str = Form("", max_length=20000),
) -> Response:
    ctx = ctx_of(request)
    ref = _ref(ctx, person_id)
    shown = people_service.show(ctx, ref, limit=0)
    before = shown.person
    shown_introducer = _form_of(shown)["introduced_by"]
    form = {
        "name": name, "org": org, "title": title, "location": location, "timezone": timezone,
        "emails": emails, "phones": phones, "links": links, "interests": interests,
        "circle": circle, "every": every, "birthday": birthday, "met_at": met_at,
        "met_on": met_on, "met_context": met_context, "introduced_by": introduced_by,
        "notes": notes,
    }  # fmt: skip
    try:
        if not name.strip():
            raise InputError("A person needs a name.", field="name")
        every_days = int(every) if every.strip() else 0
        new_emails, new_phones, new_links = _split(emails), _split(phones), _split(links)
        new_interests = _split(interests)
        changes = PersonChanges(
            name=name,
            org=org,
            title=title,
            location=location,
            timezone=timezone,
            add_emails=[e for e in new_emails if e.casefold() not in _folded(before.emails)],
            remove_emails=[e for e in before.emails if e.casefold() not in _folded(new_emails)],
            add_phones=[x for x in new_phones if x not in before.phones],
            remove_phones=[x for x in before.phones if x not in new_phones],
            add_links=[x for x in new_links if x not in before.links],
            remove_links=[x for x in before.links if x not in new_links],
            add_interests=new_interests,
            remove_interests=list(before.interests),
            circle=circle,
            every_days=every_days,
            birthday=birthday.strip(),
            met_at=met_at,
            met_on=_date(met_on, "met_on"),
            met_context=met_context,
            introduced_by=None if introduced_by == shown_introducer else _ref_text(introduced_by),
            notes=notes,
        )
        people_service.edit_person(ctx, ref, changes)
    except ValueError:
        return _edit_problem(request, ctx, ref, form, "The rhythm is a number of days.")
    except KithError as exc:
        return _edit_problem(request, ctx, ref, form, _message(exc))
    if not is_htmx(request):
        flash(request, "Saved.")
        return RedirectResponse(f"/people/{person_id}", status_code=303)
    view = people_service.show(ctx, ref, limit=0)
    return render(request, "_profile.html", saved=True, **_person_values(ctx, view))


def _edit_problem(
    request: Request, ctx: Context, ref: str, form: dict[str, str], message: str
) -> Response:
    view = people_service.show(ctx, ref, limit=0)
    values = _person_values(ctx, view, form=form, circles=CIRCLES, problem=message)
    if is_htmx(request):
        return render(request, "_profile_form.html", **values)
    return render(request, "person_edit.html", 422, title=f"Edit {view.person.name}", **values)


def _form_of(view: PersonView) -> dict[str, str]:
    p = view.person
    return {
        "name": p.name,
        "org": p.org,
        "title": p.title,
        "location": p.location,
        "timezone": p.timezone,
        "emails": "\n".join(p.emails),
        "phones": "\n".join(p.phones),
        "links": "\n".join(p.links),
        "interests": ", ".join(p.interests),
        "circle": _circle_value(p),
        "every": str(p.cadence_days or ""),
        "birthday": p.birthday.isoformat() if p.birthday else "",
        "met_at": p.met_at,
        "met_on": p.met_on.isoformat() if p.met_on else "",
        "met_context": p.met_context,
        "introduced_by": f"#{view.introduced_by.id} {view.introduced_by.name}"
        if view.introduced_by
        else "",
        "notes": p.notes,
    }


def _circle_value(person: Person) -> str:
    return person.circle.value if person.circle is not None else ""


def _folded(values: Any) -> set[str]:
    return {v.casefold() for v in values}


# -- logging an interaction ---------------------------------------------------------------


@router.post("/people/{person_id:int}/log", dependencies=[Depends(check_csrf)])
def log_interaction(
    request: Request,
    person_id: int,
    kind: str = Form("meeting", max_length=20),
    direction: str = Form("", max_length=10),
    on: str = Form("", max_length=10),
    summary: str = Form("", max_length=2000),
) -> Response:
    ctx = ctx_of(request)
    ref = _ref(ctx, person_id)
    form = {"kind": kind, "direction": direction, "on": on, "summary": summary}
    try:
        try:
            chosen = InteractionKind(kind)
        except ValueError as exc:
            raise InputError(f"{kind!r} is not a kind of contact", field="kind") from exc
        way = Direction(direction) if direction in ("out", "in", "mutual") else None
        day = _date(on, "on") or ctx.today
        moment: datetime = ctx.now if day == ctx.today else day_at_noon(day, ctx.tz)
        item, _ = people_service.log_interaction(
            ctx, [ref], kind=chosen, direction=way, on=moment, summary=summary
        )
    except KithError as exc:
        if not is_htmx(request):
            flash(request, _message(exc))
            return RedirectResponse(f"/people/{person_id}#log", status_code=303)
        view = people_service.show(ctx, ref, limit=TIMELINE)
        values = _person_values(ctx, view, form=form, problem=_message(exc), fragment=True)
        return render(request, "_story.html", **values)
    note = f"Logged a {item.kind.value} on {day:%-d %B}."
    if not is_htmx(request):
        flash(request, note)
        return RedirectResponse(f"/people/{person_id}", status_code=303)
    view = people_service.show(ctx, ref, limit=TIMELINE)
    return render(request, "_story.html", **_person_values(ctx, view, logged=note, fragment=True))


# -- likely duplicates --------------------------------------------------------------------


@router.get("/people/{person_id:int}/duplicates", response_class=HTMLResponse)
def duplicates(request: Request, person_id: int) -> Response:
    ctx = ctx_of(request)
    found = identity_service.duplicates_of(ctx, _ref(ctx, person_id))
    pairs = [(x.b if x.a.id == person_id else x.a, x) for x in found]
    if is_htmx(request):
        return render(request, "_duplicates.html", pairs=pairs, person_id=person_id)
    view = people_service.show(ctx, f"#{person_id}", limit=TIMELINE)
    return render(
        request, "person.html", title=view.person.name, flash="", pairs=pairs,
        duplicates_loaded=True, **_person_values(ctx, view),
    )  # fmt: skip


@router.get("/people/{person_id:int}/merge/{other_id:int}", response_class=HTMLResponse)
def merge_confirm(request: Request, person_id: int, other_id: int) -> Response:
    ctx = ctx_of(request)
    one = people_service.show(ctx, _ref(ctx, person_id), limit=3)
    other = people_service.show(ctx, _ref(ctx, other_id), limit=3)
    if person_id == other_id:
        raise StarletteHTTPException(404)
    return render(
        request, "merge.html", title="Same person?", one=one, other=other, ctx=ctx,
    )  # fmt: skip


@router.post("/people/{person_id:int}/merge", dependencies=[Depends(check_csrf)])
def merge(
    request: Request,
    person_id: int,
    keep: int = Form(...),
    drop: int = Form(...),
) -> Response:
    ctx = ctx_of(request)
    if person_id not in (keep, drop):
        raise StarletteHTTPException(404)
    result = identity_service.merge(ctx, keep=_ref(ctx, keep), drop=_ref(ctx, drop))
    flash(
        request,
        f"Merged {result.dropped_name} into {result.kept.name}. "
        f"Everything moved; `kith unmerge '#{result.kept.id}'` undoes it.",
    )
    return RedirectResponse(f"/people/{result.kept.id}", status_code=303)


@router.post("/people/{person_id:int}/distinct", dependencies=[Depends(check_csrf)])
def distinct(request: Request, person_id: int, other: int = Form(...)) -> Response:
    ctx = ctx_of(request)
    a, b = identity_service.distinct(ctx, _ref(ctx, person_id), _ref(ctx, other))
    flash(request, f"Noted: {a.name} and {b.name} are two different people.")
    return RedirectResponse(f"/people/{person_id}", status_code=303)


# -- words for a person's page ------------------------------------------------------------


def strength_why(view: PersonView) -> list[str]:
    """Why the tie is as strong as it is, in a few plain sentences."""
    stats, st = view.stats, view.standing
    if stats.count == 0 or stats.last_at is None:
        return [
            (
                "No contact recorded yet. Every meeting, call and message adds to it; "
                "meetings count most."
            )
        ]
    first = stats.first_at or stats.last_at
    years = words.span((view.now - first).total_seconds() / 86400)
    count = "one interaction" if stats.count == 1 else f"{stats.count} interactions"
    half = words.span(stats.half_life_days)
    first_line = f"{count.capitalize()} over {years}; recent ones count most"
    lines = [f"{first_line} (a contact's weight halves every {half})."]
    balance = reciprocity(stats)
    if stats.in_weight <= 0:
        lines.append("So far only you have reached out, so it counts half.")
    elif stats.out_weight <= 0:
        lines.append("Only they have reached you: one-way mail is not yet a relationship.")
    elif balance >= 0.9:
        lines.append("You both reach out, about as much as each other.")
    elif stats.out_weight > stats.in_weight:
        lines.append("You reach out more than they do.")
    else:
        lines.append("They reach out more than you do.")
    if st.peak > st.strength + 5:
        lines.append(f"At its strongest it was {st.peak}.")
    return lines


def timeline_entry(item: Any, view: PersonView) -> dict[str, Any]:
    words_, arrow = DIRECTIONS.get(item.direction.value, ("", ""))
    others = [
        (pid, view.names.get(pid, f"#{pid}")) for pid in item.person_ids if pid != view.person.id
    ]
    return {
        "at": item.occurred_at,
        "kind": item.kind.value,
        "direction": words_,
        "arrow": arrow,
        "summary": item.summary,
        "source": SOURCES.get(item.source, item.source),
        "source_key": item.source,
        "others": others,
    }


def describe_introduction(view: IntroductionView, person_id: int) -> dict[str, Any]:
    """An introduction or referral as parts of a sentence: (text, person id or None)."""
    i, names = view.introduction, view.names

    def who(pid: int | None) -> tuple[str, int | None]:
        if pid is None:
            return ("you", None)
        return (names.get(pid, f"#{pid}"), pid if pid != person_id else None)

    parts: list[tuple[str, int | None]]
    if i.kind == "introduction":
        parts = [who(i.introducer_id), (" introduced ", None), who(i.person_a_id)]
        parts += [(" and ", None), who(i.person_b_id)]
    elif i.direction == "received":
        parts = [who(i.person_a_id), (" referred you", None)]
        if i.person_b_id:
            parts += [(" to ", None), who(i.person_b_id)]
    else:
        parts = [("you referred ", None), who(i.person_a_id)]
        if i.person_b_id:
            parts += [(" to ", None), who(i.person_b_id)]
    extra = [x for x in (i.opportunity and f"for {i.opportunity}", i.note, i.outcome and
                         f"outcome: {i.outcome}") if x]  # fmt: skip
    return {"parts": parts, "on": i.occurred_on, "extra": "; ".join(extra)}


def _source(row: Any) -> dict[str, Any]:
    told = [k.replace("_", " ") for k, v in row.fields.items() if v not in ("", [], None, {})]
    return {
        "source": SOURCES.get(row.source, row.source),
        "first": row.first_seen_at,
        "last": row.last_seen_at,
        "told": ", ".join(told),
    }


# -- reading forms ------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    """Items separated by commas, semicolons or lines."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _ref_text(text: str) -> str:
    """A person as typed: "#12" or "#12 Ann Lee" is the id, anything else a name."""
    found = re.match(r"\s*#(\d+)\b", text)
    return f"#{found.group(1)}" if found else text


def _date(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from exc


def _message(exc: KithError) -> str:
    if isinstance(exc, Ambiguous):
        shown = ", ".join(f"#{c.id} {c.name}" for c in exc.candidates[:5])
        first = exc.candidates[0].id
        return f"Several people match {exc.query!r}: {shown}. Write the number, e.g. #{first}."
    text = exc.message
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
