"""The pages people use: Today first, then People, a person, drafts, import, network, settings.

Every page is rendered on the server; HTMX swaps parts of a page for quick
actions (done, snooze, let go) without a full reload.  Every form carries the
session's CSRF token; every value shown is escaped by Jinja2.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kith.services import accounts as account_service
from kith.services import outreach as outreach_service
from kith.storage import people as people_store
from kith.web.deps import (
    LoginNeeded,
    check_csrf,
    ctx_of,
    kith_of,
    render,
)
from kith.web.security import LoginThrottle

router = APIRouter(include_in_schema=False)


def register(app: FastAPI) -> None:
    app.state.throttle = LoginThrottle()
    app.include_router(router)

    @app.exception_handler(LoginNeeded)
    async def to_login(request: Request, _exc: LoginNeeded) -> Response:
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request) -> Response:
    ctx = ctx_of(request)
    with ctx.db.read() as conn:
        empty = not people_store.count_people(conn)
    if empty:
        return render(request, "welcome.html", title="Welcome")
    found = outreach_service.today(ctx)
    return render(request, "today.html", title="Today", today=found, ctx=ctx)


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
