"""The agenda's calendar feed: ``/feeds/{token}.ics`` for a token of scope ``feed``.

The token is the only key (calendar apps cannot sign in), so a wrong one gets
the same plain 404 as any unknown address: no hint that feeds exist.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import Response

from kith.services import accounts as account_service
from kith.services.feed import agenda_ics
from kith.web.deps import kith_of

router = APIRouter(include_in_schema=False)


def register(app: FastAPI) -> None:
    app.include_router(router)


@router.get("/feeds/{token}.ics")
def agenda_feed(request: Request, token: str) -> Response:
    kith = kith_of(request)
    found = account_service.token_owner(kith.main, token, "feed", kith.clock())
    if found is None:
        raise HTTPException(404)
    account = None
    if found.account_id is not None:
        account = account_service.get_account(kith.main, found.account_id)
        if account is None:
            raise HTTPException(404)
    ctx = kith.context(account)
    key = f"a{account.id}" if account is not None else "main"
    body = agenda_ics(ctx, base_url=str(request.base_url), key=key)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "cache-control": "private, max-age=300",
            "content-disposition": 'inline; filename="kith-today.ics"',
        },
    )
