"""What every route needs: the app's state, who is signed in, a Context, and rendering."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kith.services import accounts as account_service
from kith.services.context import Context
from kith.storage.accounts import Account
from kith.web.app import HERE, Kith
from kith.web.assets import asset
from kith.web.security import csrf_ok, csrf_token

templates = Jinja2Templates(directory=HERE / "templates")
# The templates are the package's own and change only with it: compiled once, never checked
# again (checking is a few file-system calls for each page, its base and its includes).
templates.env.auto_reload = False
templates.env.globals["app_name"] = "Kith"
templates.env.globals["asset"] = asset


class LoginNeeded(Exception):
    """Raised by ``account_of`` when a page needs a signed-in user (the app redirects)."""


def kith_of(request: Request) -> Kith:
    found = request.app.state.kith
    assert isinstance(found, Kith)
    return found


def account_of(request: Request) -> Account | None:
    """The signed-in account; None on a single-user Kith (loopback, no accounts)."""
    if getattr(request.state, "account_known", False):
        cached = request.state.account
        assert cached is None or isinstance(cached, Account)
        return cached
    kith = kith_of(request)
    account = None
    account_id = request.session.get("account")
    if isinstance(account_id, int):
        account = account_service.get_account(kith.main, account_id)
    if account is None and kith.login_required():
        raise LoginNeeded()
    request.state.account = account
    request.state.account_known = True
    return account


def ctx_of(request: Request) -> Context:
    """The signed-in account's own database (or, exploring, their own demo network)."""
    cached = getattr(request.state, "ctx", None)
    if cached is None:
        account = account_of(request)
        cached = request.state.ctx = kith_of(request).context(
            account, demo=in_demo(request, account)
        )
    assert isinstance(cached, Context)
    return cached


def _demo_key(account: Account | None) -> int:
    return account.id if account is not None else 0


def in_demo(request: Request, account: Account | None) -> bool:
    """Is this session exploring the demo network (of this very account)?"""
    return request.session.get("demo") == _demo_key(account)


def set_demo(request: Request, account: Account | None, on: bool) -> None:
    """Switch this session to ``account``'s demo network, or back to their own."""
    request.state.ctx = None
    if on:
        request.session["demo"] = _demo_key(account)
    else:
        request.session.pop("demo", None)


async def check_csrf(request: Request) -> None:
    """Refuse a form or HTMX request without this session's CSRF token (403)."""
    given = request.headers.get("x-csrf-token")
    if not given:
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not csrf_ok(request.session, given):
        raise HTTPException(403, "This form has expired. Reload the page and try again.")


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page (or, for HTMX, a fragment) with what every template may use."""
    account = getattr(request.state, "account", None)
    values.setdefault("account", account)
    values.setdefault(
        "demo", getattr(request.state, "account_known", False) and in_demo(request, account)
    )
    values.setdefault("login_required", kith_of(request).login_required())
    return templates.TemplateResponse(
        request,
        template,
        {"csrf": csrf_token(request.session), "path": request.url.path, **values},
        status_code=status_code,
    )
