"""The pages people use: Today first, then People, a person, drafts, import, network, settings.

Every page is rendered on the server; HTMX swaps parts of a page for quick
actions (done, snooze, let go) without a full reload, and every action is also
a plain form that works without JavaScript.  Every form carries the session's
CSRF token; every value shown is escaped by Jinja2.

The pages people open most (Today, People, a person) and the agenda API are
``async`` and read the database on the event loop: each is a few milliseconds of
SQLite reads, and answering requests one after another is faster than passing
them to worker threads that would only take turns holding the GIL.  Anything
slower (computing the agenda again, imports, charts, writes) stays in threads.

This module: Today and its actions, the demo network, signing in and out, and
the error pages; ``pages_people`` and ``pages_network`` hold the rest.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kith.domain import words
from kith.errors import KithError
from kith.services import accounts as account_service
from kith.services import outreach as outreach_service
from kith.services import overview as overview_service
from kith.services.context import Context
from kith.services.outreach import Today
from kith.services.people import PersonChanges, edit_person
from kith.storage import people as people_store
from kith.web.deps import (
    LoginNeeded,
    account_of,
    check_csrf,
    ctx_of,
    in_demo,
    is_htmx,
    kith_of,
    render,
    set_demo,
    templates,
)
from kith.web.security import LoginThrottle

router = APIRouter(include_in_schema=False)

KIND_LABEL = {
    "reply": "reply owed",
    "follow_up": "follow up",
    "date": "birthday",
    "keep_in_touch": "keep in touch",
    "reconnect": "reconnect",
}
DEMO_PEOPLE = 300


def _ago(moment: Any, now: Any) -> str:
    if moment is None:
        return "never"
    return words.ago((now - moment).total_seconds() / 86400)


templates.env.globals.update(kind_label=KIND_LABEL, ago=_ago, words=words)


def register(app: FastAPI) -> None:
    app.state.throttle = LoginThrottle(shared=app.state.kith.shared)
    from kith.web import pages_network, pages_people

    app.include_router(router)
    app.include_router(pages_people.router)
    app.include_router(pages_network.router)

    @app.exception_handler(LoginNeeded)
    async def to_login(request: Request, _exc: LoginNeeded) -> Response:
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(KithError)
    async def kith_error(request: Request, exc: KithError) -> Response:
        """A service refused (no such person, a bad value, …): say so in a sentence."""
        if request.url.path.startswith("/api"):
            from fastapi.responses import JSONResponse

            return JSONResponse({"detail": str(exc)}, status_code=exc.http_status)
        if is_htmx(request):
            return HTMLResponse(
                templates.env.from_string(
                    '<p class="problem" role="alert">{{ message }}</p>'
                ).render(message=str(exc)),
                headers={"HX-Reswap": "beforeend"},
            )
        return error_page(request, exc.http_status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Pages answer with a page; the API (and anything asking for JSON) with JSON."""
        wants_json = "application/json" in request.headers.get("accept", "")
        if request.url.path.startswith("/api") or wants_json:
            from fastapi.exception_handlers import http_exception_handler

            return await http_exception_handler(request, exc)
        return error_page(request, exc.status_code, str(exc.detail))


def error_page(request: Request, status: int, detail: str = "") -> Response:
    titles = {
        403: "Not allowed",
        404: "Not here",
        405: "Not like this",
    }
    messages = {
        404: "There is nobody and nothing at this address. "
        "It may have been merged, or never existed.",
        405: "This address does not take that kind of request.",
    }
    message = messages.get(status, detail or "Something went wrong.")
    if detail and detail not in ("Not Found", "Method Not Allowed"):
        message = detail
    return render(
        request,
        "error.html",
        status,
        title=titles.get(status, "Something went wrong"),
        message=message,
        status=status,
    )


def flash(request: Request, message: str) -> None:
    """A message shown once on the next page (for forms posted without JavaScript)."""
    request.session["flash"] = message[:300]


def take_flash(request: Request) -> str:
    found = request.session.pop("flash", "")
    return found if isinstance(found, str) else ""


# -- Today --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def today_page(request: Request) -> Response:
    # On the event loop (see the module's docstring); computing the agenda again, after
    # a change, goes to a worker thread.
    ctx = ctx_of(request)
    if not ctx.db.remember("anyone", lambda: _anyone(ctx)):
        return render(request, "welcome.html", title="Welcome", flash=take_flash(request))
    found = await kith_of(request).agenda.today_async(ctx)
    return render(request, "today.html", title="Today", **_today_values(request, ctx, found))


def _anyone(ctx: Context) -> bool:
    with ctx.db.read() as conn:
        return people_store.anyone(conn)


def _today_values(request: Request, ctx: Context, found: Today) -> dict[str, Any]:
    return {
        "today": found,
        "ctx": ctx,
        "week": _week(ctx),
        "flash": take_flash(request),
        "snooze_default": ctx.today + timedelta(days=7),
        "min_date": ctx.today + timedelta(days=1),
    }


def _week(ctx: Context) -> dict[str, Any]:
    """What the week block of Today shows (refreshed out of band after "done")."""
    return {"done": overview_service.this_week(ctx), "goal": int(ctx.settings["weekly_goal"])}


def _person_id(ctx: Context, person_id: int) -> str:
    """The reference services take; a 404 when this account has nobody with that id."""
    with ctx.db.read() as conn:
        if people_store.get_person(conn, person_id) is None:
            raise StarletteHTTPException(404)
    return f"#{person_id}"


def _acted(
    request: Request,
    ctx: Context,
    *,
    person_id: int,
    name: str,
    message: str,
    undo: dict[str, str] | None = None,
    week: bool = False,
    back: str = "/",
) -> Response:
    """After an action: the card's confirmation for HTMX, else back to the page with a note."""
    if is_htmx(request):
        values: dict[str, Any] = {
            "person_id": person_id,
            "name": name,
            "message": message,
            "undo": undo,
            "ctx": ctx,
            "week": _week(ctx) if week else None,
        }
        return render(request, "_acted.html", **values)
    flash(request, f"{message}")
    return RedirectResponse(_safe_next(back), status_code=303)


@router.post("/people/{person_id:int}/done", dependencies=[Depends(check_csrf)])
def mark_done(request: Request, person_id: int, back: str = Form("/")) -> Response:
    """You reached out: the open draft (or a new outreach) is marked sent."""
    ctx = ctx_of(request)
    result = outreach_service.mark_sent(ctx, _person_id(ctx, person_id))
    name = result.person.name
    return _acted(
        request, ctx, person_id=person_id, name=name, week=True, back=back,
        message=f"Done: you reached out to {name}. If they do not answer, that is okay.",
    )  # fmt: skip


@router.post("/people/{person_id:int}/snooze", dependencies=[Depends(check_csrf)])
def snooze(
    request: Request,
    person_id: int,
    until: str = Form(""),
    back: str = Form("/"),
) -> Response:
    """Not now: off the agenda for a week, or until the day picked."""
    ctx = ctx_of(request)
    ref = _person_id(ctx, person_id)
    day = ctx.today + timedelta(days=7)
    if until.strip():
        try:
            day = date.fromisoformat(until.strip())
        except ValueError:
            return _problem(request, ctx, back, "That date is not one Kith can read (YYYY-MM-DD).")
    with ctx.db.read() as conn:
        before = people_store.get_person(conn, person_id)
    try:
        person = outreach_service.snooze(ctx, ref, until=day)
    except KithError as exc:
        return _problem(request, ctx, back, exc.message)
    previous = before.snoozed_until.isoformat() if before and before.snoozed_until else ""
    return _acted(
        request, ctx, person_id=person_id, name=person.name, back=back,
        message=f"Snoozed {person.name} until {day:%A %-d %B}.",
        undo={"action": f"/people/{person_id}/unsnooze", "until": previous},
    )  # fmt: skip


@router.post("/people/{person_id:int}/unsnooze", dependencies=[Depends(check_csrf)])
def unsnooze(
    request: Request, person_id: int, until: str = Form(""), back: str = Form("/")
) -> Response:
    ctx = ctx_of(request)
    ref = _person_id(ctx, person_id)
    day = None
    if until.strip():
        try:
            day = date.fromisoformat(until.strip())
        except ValueError:
            day = None
    person = outreach_service.unsnooze(ctx, ref, until=day)
    return _undone(request, ctx, person_id, f"{person.name} is back on your list.", back)


@router.post("/people/{person_id:int}/let-go", dependencies=[Depends(check_csrf)])
def let_go(
    request: Request,
    person_id: int,
    reason: str = Form("", max_length=500),
    back: str = Form("/"),
) -> Response:
    """Archive someone: nothing is deleted, and Kith will not suggest them again."""
    ctx = ctx_of(request)
    person = outreach_service.let_go(ctx, _person_id(ctx, person_id), reason=reason)
    return _acted(
        request, ctx, person_id=person_id, name=person.name, back=back,
        message=f"Let go of {person.name}. Nothing is deleted; Kith will not suggest them again.",
        undo={"action": f"/people/{person_id}/restore", "until": ""},
    )  # fmt: skip


@router.post("/people/{person_id:int}/restore", dependencies=[Depends(check_csrf)])
def restore(request: Request, person_id: int, back: str = Form("/")) -> Response:
    """Bring someone let go back: active again."""
    ctx = ctx_of(request)
    saved = edit_person(ctx, _person_id(ctx, person_id), PersonChanges(status="active"))
    return _undone(request, ctx, person_id, f"{saved.person.name} is back among your people.", back)


def _undone(request: Request, ctx: Context, person_id: int, message: str, back: str) -> Response:
    if is_htmx(request):
        return render(
            request, "_acted.html", person_id=person_id, name="", message=message, undo=None,
            ctx=ctx, week=None,
        )  # fmt: skip
    flash(request, message)
    return RedirectResponse(_safe_next(back), status_code=303)


def _problem(request: Request, ctx: Context, back: str, message: str) -> Response:
    if is_htmx(request):
        return HTMLResponse(
            templates.env.from_string('<p class="problem" role="alert">{{ message }}</p>').render(
                message=message
            ),
            headers={"HX-Reswap": "beforeend"},
        )
    flash(request, message)
    return RedirectResponse(_safe_next(back), status_code=303)


# -- the demo network ---------------------------------------------------------------------


@router.get("/demo", response_class=HTMLResponse)
def demo_page(request: Request) -> Response:
    account = account_of(request)
    kith = kith_of(request)
    exploring = in_demo(request, account)
    built = kith.demo_started(account)
    return render(
        request, "demo.html", title="A demo network", exploring=exploring, built=built,
        people=DEMO_PEOPLE,
    )  # fmt: skip


@router.post("/demo", dependencies=[Depends(check_csrf)])
def demo_start(request: Request) -> Response:
    """Build the demo network (once), beside this account's database, and show it."""
    from kith.services import demo as demo_service

    account = account_of(request)
    kith = kith_of(request)
    with kith.demo_lock():
        ctx = kith.context(account, demo=True)
        with ctx.db.read() as conn:
            built = people_store.anyone(conn)
        if not built:
            demo_service.generate(ctx, people=DEMO_PEOPLE, years=6, seed=7)
    set_demo(request, account, True)
    return RedirectResponse("/", status_code=303)


@router.post("/demo/leave", dependencies=[Depends(check_csrf)])
def demo_leave(request: Request) -> Response:
    set_demo(request, account_of(request), False)
    return RedirectResponse("/", status_code=303)


# -- signing in ---------------------------------------------------------------------------


@router.get("/favicon.ico")
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", title="Sign in", next=_safe_next(next), error="")


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    username: str = Form(..., max_length=100),
    password: str = Form(..., max_length=1000),
    next: str = Form("/"),
) -> Response:
    kith = kith_of(request)
    throttle: LoginThrottle = request.app.state.throttle
    client = request.client.host if request.client else "?"
    key = f"{client}|{username.strip().lower()}"
    wait = throttle.blocked_for(key)
    if wait:
        minutes = max(1, round(wait / 60))
        return render(
            request, "login.html", 429, title="Sign in", next=_safe_next(next),
            error=f"Too many attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
        )  # fmt: skip
    account = account_service.authenticate(kith.main, username, password)
    if account is None:
        throttle.failed(key)
        time.sleep(0.2)
        return render(
            request, "login.html", 401, title="Sign in", next=_safe_next(next),
            error="That user name and password do not match.",
        )  # fmt: skip
    throttle.succeeded(key)
    request.session.clear()
    request.session["account"] = account.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _safe_next(target: str) -> str:
    """Only a path of this site (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
