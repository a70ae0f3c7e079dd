"""The REST API under /api/v1: people, interactions, the agenda, drafts, outreach, introductions.

Every call needs ``Authorization: Bearer <token>`` with an API token (``kith
token create``).  The token's account decides the database, so a request can
only ever reach that account's people: an id from anywhere else is simply not
there (404).  Requests and responses are the Pydantic models of ``api_models``,
which make the OpenAPI document (/api/v1/openapi.json, browsable at /api/docs).
Every error is ``{"error": {"message", "field", "hint"}}``: Kith's own errors
keep their meaning (bad input 422, not found 404, ambiguous or conflicting 409,
database unavailable 503), a missing or bad token is 401.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, Path, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from kith.domain.model import Circle, OutreachState, Person
from kith.errors import InputError, KithError, NotFound, StorageError
from kith.interchange.normalize import day_at_noon
from kith.services import accounts as account_service
from kith.services import activity, network, outreach, people
from kith.services.context import Context, make_context
from kith.web.api_models import (
    MAX_ID,
    NO_NUL,
    AgendaOut,
    Day,
    DraftCreate,
    DraftOut,
    ErrorBody,
    InteractionCreate,
    InteractionOut,
    InteractionsPageOut,
    IntroductionOut,
    IntroductionsPageOut,
    LetGoIn,
    NewIntroduction,
    OutreachOut,
    OutreachPageOut,
    PeoplePageOut,
    PersonCreate,
    PersonOut,
    PersonUpdate,
    PersonViewOut,
    ReferralCreate,
    SentIn,
    SentOut,
    SnoozeIn,
)
from kith.web.app import Kith
from kith.web.assets import asset

PREFIX = "/api/v1"
log = logging.getLogger(__name__)

# -- errors ------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answered as ``{"error": …}`` with ``status`` (and ``headers``)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.hint = status, message, field, hint
        self.headers = headers


def error_response(
    status: int,
    message: str,
    field: str | None = None,
    hint: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"message": message, "field": field, "hint": hint}}
    return JSONResponse(body, status_code=status, headers=headers)


#: Kith's field names as the CLI spells them → the API's.
_FIELDS = {
    "every": "every_days",
    "met-on": "met_on",
    "email": "emails",
    "phone": "phones",
    "url": "links",
    "intro": "b",
    "referral": "to",
    "date": "birthday",  # a partial date: only birthdays are one here
}


def _kith_error(exc: KithError) -> JSONResponse:
    field = getattr(exc, "field", None)
    field = _FIELDS.get(field, field) if field else None
    hint = exc.hint
    if isinstance(exc, StorageError):  # its hint names the database: for the log, not the client
        log.warning("API: %s (%s)", exc.message, exc.hint)
        hint = "try again later; if it persists, the server's log says more"
    if isinstance(exc, NotFound) and exc.query.startswith("#"):
        hint = f"GET {PREFIX}/people lists the people of this account"
    return error_response(exc.http_status, exc.message, field, hint)


def _validation_error(exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if not errors:
        return error_response(422, "the request is not valid")
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ())]
    if first.get("type") == "json_invalid":
        return error_response(
            422, "the body is not valid JSON", hint="send a JSON object with Content-Type: json"
        )
    where = loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc
    field = ".".join(where) or None
    message = str(first.get("msg", "not valid"))
    if first.get("type") == "missing" and not where:
        message = "this needs a JSON body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return error_response(422, f"{field}: {message}{more}" if field else message + more, field)


def _query_names(dependant: Any) -> set[str]:
    """The query parameters a route (and its dependencies) take."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


class ApiRoute(APIRoute):
    """A route whose every error is answered as JSON in the one error shape.

    A query parameter the route does not know is refused (422, once the token is
    checked), so that a typo such as ``?limt=5`` is not silently ignored.
    """

    @cached_property
    def query_names(self) -> frozenset[str]:
        return frozenset(_query_names(self.dependant))

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handle(request)
            except ApiError as exc:
                return error_response(exc.status, exc.message, exc.field, exc.hint, exc.headers)
            except KithError as exc:
                return _kith_error(exc)
            except RequestValidationError as exc:
                return _validation_error(exc)
            except StarletteHTTPException as exc:
                if exc.status_code == 400:  # a body that cannot be read
                    return error_response(422, "the request body could not be read")
                return error_response(
                    exc.status_code, str(exc.detail), headers=dict(exc.headers or {})
                )

        return guarded


def _unauthorized(message: str, invalid: bool) -> ApiError:
    challenge = 'Bearer error="invalid_token"' if invalid else "Bearer"
    return ApiError(
        401,
        message,
        hint="send Authorization: Bearer <token>; make a token with `kith token create`",
        headers={"WWW-Authenticate": challenge},
    )


_ERRORS: dict[int, str] = {
    401: "No API token, or one that is not valid (answered with WWW-Authenticate: Bearer)",
    404: "No such person or record in this account",
    409: "The change contradicts what is stored",
    422: "A value is not valid: a parameter, a body field, or what Kith makes of it",
    503: "The database cannot be used right now",
}


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    found: dict[int | str, dict[str, Any]] = {}
    for code in (401, 422, 503, *codes):
        entry: dict[str, Any] = {"model": ErrorBody, "description": _ERRORS[code]}
        if code == 401:
            entry["headers"] = {
                "WWW-Authenticate": {
                    "description": "Bearer",
                    "schema": {"type": "string"},
                }
            }
        found[code] = entry
    return found


# -- who is asking -----------------------------------------------------------------------

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `kith token create` (or Settings): "
    "`Authorization: Bearer <token>`",
)


def kith_of(request: Request) -> Kith:
    found = request.app.state.kith
    assert isinstance(found, Kith)
    return found


async def api_context(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Context:
    """The context of the token's account: its own database, and ``now``."""
    kith = kith_of(request)
    if credentials is None:
        raise _unauthorized("this needs an API token", invalid=False)
    token = account_service.token_owner(kith.main, credentials.credentials, "api", kith.clock())
    if token is None:
        raise _unauthorized("that API token is not valid", invalid=True)
    account = None
    if token.account_id is not None:
        account = account_service.get_account(kith.main, token.account_id)
        if account is None:
            raise _unauthorized("that API token's account no longer exists", invalid=True)
    _refuse_unknown_parameters(request)
    return kith.context(account)


def _refuse_unknown_parameters(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, ApiRoute):
        return
    unknown = sorted(set(request.query_params) - route.query_names)
    if unknown:
        known = ", ".join(sorted(route.query_names))
        raise ApiError(
            422,
            f"{unknown[0]!r} is not a parameter of this call",
            field=unknown[0],
            hint=f"it takes: {known}" if known else "it takes none",
        )


Ctx = Annotated[Context, Depends(api_context)]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="A person's id")]
Limit = Annotated[int, Query(ge=1, le=200, description="How many on a page (at most 200)")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="Where the page starts")]


def _operation_id(route: APIRoute) -> str:
    return route.name  # list_people, add_person …: the function's name


router = APIRouter(
    prefix=PREFIX,
    route_class=ApiRoute,
    responses=_responses(),
    generate_unique_id_function=_operation_id,
)


def ref(person_id: int) -> str:
    """How the services are told a person by id (never taken for a name)."""
    return f"#{person_id}"


@contextmanager
def naming(**fields: int | Sequence[int] | None) -> Iterator[None]:
    """Say which field (or path parameter) held the id of a person who is not there."""
    try:
        yield
    except NotFound as exc:
        for field, given in fields.items():
            values = given if isinstance(given, Sequence) else [given]
            if exc.query in {ref(v) for v in values if v}:
                hint = f"GET {PREFIX}/people lists the people of this account"
                raise ApiError(404, exc.message, field=field, hint=hint) from exc
        raise


def moment(ctx: Context, value: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A day means midday in the owner's zone; a time without offset is in the owner's zone."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return day_at_noon(value, ctx.tz)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ctx.tz)
    return value.astimezone(dt.UTC)


# -- people ------------------------------------------------------------------------------


@router.get(
    "/people",
    response_model=PeoplePageOut,
    summary="List or search people",
    tags=["people"],
)
def list_people(
    ctx: Ctx,
    q: Annotated[
        str,
        Query(
            max_length=200,
            pattern=NO_NUL,
            description="Words to find in any detail (names, organisation, notes, e-mails…)",
        ),
    ] = "",
    circle: Annotated[Circle | None, Query(description="Only people set in this circle")] = None,
    interest: Annotated[
        str | None, Query(max_length=200, pattern=NO_NUL, description="Only this interest")
    ] = None,
    status: Annotated[
        Literal["active", "archived", "do_not_contact", "all"] | None,
        Query(description="Default: active, or all when searching with q"),
    ] = None,
    sort: Annotated[
        Literal["name", "last", "oldest", "added"],
        Query(description="name, last (recent contact first), oldest, added (newest first)"),
    ] = "name",
    limit: Limit = 50,
    offset: Offset = 0,
) -> PeoplePageOut:
    page = people.list_people(
        ctx,
        text=q,
        status=status or ("all" if q.strip() else "active"),
        circle=circle.value if circle else None,
        interest=interest,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return PeoplePageOut.of(page, limit)


def _person(ctx: Context, person: Person) -> PersonOut:
    """A person as the API shows one, with the name of who introduced them."""
    introducer = None
    if person.introduced_by_id:
        try:
            introducer = people.resolve(ctx, ref(person.introduced_by_id))
        except NotFound:
            introducer = None
    return PersonOut.of(person, introducer)


def _check_introducer(ctx: Context, person_id: int | None) -> str | None:
    if not person_id:
        return "" if person_id == 0 else None
    with naming(introduced_by=person_id):  # an unknown id is 404, not someone called "#9"
        people.resolve(ctx, ref(person_id))
    return ref(person_id)


def _one_cadence(circle: object, every_days: int | None) -> None:
    if circle is not None and every_days is not None:
        raise InputError(
            "give either circle or every_days, not both",
            field="circle",
            hint="circle picks a cadence by closeness; every_days sets the days yourself",
        )


@router.post(
    "/people",
    response_model=PersonOut,
    status_code=201,
    summary="Add someone",
    tags=["people"],
    responses=_responses(404, 409),
)
def add_person(ctx: Ctx, body: PersonCreate) -> PersonOut:
    _one_cadence(body.circle, body.every_days)
    met_on = body.met_on or (ctx.today if body.met_at.strip() else None)
    changes = people.PersonChanges(
        name=body.name,
        add_emails=tuple(body.emails),
        add_phones=tuple(body.phones),
        add_links=tuple(body.links),
        add_interests=tuple(body.interests),
        org=body.org,
        title=body.title,
        location=body.location,
        timezone=body.timezone,
        met_at=body.met_at,
        met_on=met_on,
        met_context=body.met_context,
        introduced_by=_check_introducer(ctx, body.introduced_by),
        circle=body.circle.value if body.circle else None,
        every_days=body.every_days,
        birthday=body.birthday or None,
        notes=body.notes,
    )
    saved = people.add_person(ctx, changes)
    return PersonOut.of(saved.person, saved.introduced_by)


@router.get(
    "/people/{person_id}",
    response_model=PersonViewOut,
    summary="Everything about one person",
    description="The person, how the relationship stands, today's suggestion, the latest "
    "interactions (up to 20; all of them at /people/{id}/interactions), outreach, "
    "introductions and where Kith heard of them.",
    tags=["people"],
    responses=_responses(404),
)
def show_person(ctx: Ctx, person_id: PersonId) -> PersonViewOut:
    with naming(person_id=person_id):
        return PersonViewOut.of(people.show(ctx, ref(person_id)))


@router.patch(
    "/people/{person_id}",
    response_model=PersonOut,
    summary="Change what Kith knows about someone",
    tags=["people"],
    responses=_responses(404, 409),
)
def edit_person(ctx: Ctx, person_id: PersonId, body: PersonUpdate) -> PersonOut:
    _one_cadence(body.circle, body.every_days)
    with naming(person_id=person_id):
        current = people.resolve(ctx, ref(person_id))
    lists: dict[str, Any] = {}
    if body.emails is not None:
        lists.update(remove_emails=current.emails, add_emails=tuple(body.emails))
    if body.phones is not None:
        lists.update(remove_phones=current.phones, add_phones=tuple(body.phones))
    if body.links is not None:
        lists.update(remove_links=current.links, add_links=tuple(body.links))
    if body.interests is not None:
        lists.update(remove_interests=current.interests, add_interests=tuple(body.interests))
    changes = people.PersonChanges(
        name=body.name,
        org=body.org,
        title=body.title,
        location=body.location,
        timezone=body.timezone,
        met_at=body.met_at,
        met_on=body.met_on,
        met_context=body.met_context,
        introduced_by=_check_introducer(ctx, body.introduced_by),
        circle=None if body.circle is None else str(body.circle),
        every_days=body.every_days,
        birthday=body.birthday,
        notes=body.notes,
        append_note=body.add_note,
        status=body.status.value if body.status else None,
        **lists,
    )
    saved = people.edit_person(ctx, ref(person_id), changes)
    return PersonOut.of(saved.person, saved.introduced_by)


@router.post(
    "/people/{person_id}/let-go",
    response_model=PersonOut,
    summary="Let someone go",
    description="Archives the person: nothing is deleted, and Kith never suggests them again. "
    "Undo with PATCH status=active.",
    tags=["people"],
    responses=_responses(404),
)
def let_go(ctx: Ctx, person_id: PersonId, body: LetGoIn | None = None) -> PersonOut:
    reason = body.reason if body else ""
    with naming(person_id=person_id):
        return _person(ctx, outreach.let_go(ctx, ref(person_id), reason=reason))


@router.post(
    "/people/{person_id}/snooze",
    response_model=PersonOut,
    summary="Leave someone off the agenda until a day",
    tags=["people"],
    responses=_responses(404),
)
def snooze(ctx: Ctx, person_id: PersonId, body: SnoozeIn) -> PersonOut:
    with naming(person_id=person_id):
        return _person(ctx, outreach.snooze(ctx, ref(person_id), until=body.until))


# -- interactions ------------------------------------------------------------------------


def _interactions_page(page: activity.InteractionsPage, limit: int) -> InteractionsPageOut:
    return InteractionsPageOut(
        total=page.total,
        offset=page.offset,
        limit=limit,
        items=[InteractionOut.of(i, page.names) for i in page.items],
    )


@router.get(
    "/people/{person_id}/interactions",
    response_model=InteractionsPageOut,
    summary="A person's interactions, newest first",
    tags=["interactions"],
    responses=_responses(404),
)
def person_interactions(
    ctx: Ctx, person_id: PersonId, limit: Limit = 50, offset: Offset = 0
) -> InteractionsPageOut:
    with naming(person_id=person_id):
        page = activity.interactions(ctx, person_id=person_id, limit=limit, offset=offset)
    return _interactions_page(page, limit)


@router.post(
    "/people/{person_id}/interactions",
    response_model=InteractionOut,
    status_code=201,
    summary="Log a meeting, call, e-mail, message, event or note",
    description="It resets the keep-in-touch clock of everyone in it.",
    tags=["interactions"],
    responses=_responses(404),
)
def log_interaction(ctx: Ctx, person_id: PersonId, body: InteractionCreate) -> InteractionOut:
    with naming(person_id=person_id, others=body.others):
        item, persons = people.log_interaction(
            ctx,
            [ref(person_id), *(ref(other) for other in body.others)],
            kind=body.kind,
            direction=body.direction,
            on=moment(ctx, body.on),
            summary=body.summary,
        )
    return InteractionOut.of(item, {p.id: p.name for p in persons})


@router.get(
    "/interactions",
    response_model=InteractionsPageOut,
    summary="Recent interactions with anyone, newest first",
    tags=["interactions"],
)
def recent_interactions(ctx: Ctx, limit: Limit = 50, offset: Offset = 0) -> InteractionsPageOut:
    return _interactions_page(activity.interactions(ctx, limit=limit, offset=offset), limit)


# -- the agenda, drafts, outreach -------------------------------------------------------


@router.get(
    "/agenda",
    response_model=AgendaOut,
    summary="Today's agenda: the few people worth reaching out to, and why",
    tags=["agenda"],
)
async def agenda(
    request: Request,
    ctx: Ctx,
    date: Annotated[
        Day | None,
        Query(description="Another day (YYYY-MM-DD, midday in your time zone); default today"),
    ] = None,
    limit: Annotated[
        int | None, Query(ge=1, le=200, description="Default: the daily_budget setting")
    ] = None,
) -> AgendaOut:
    if date is not None:
        ctx = make_context(ctx.db, ctx.settings, now=date.isoformat())
    found = await request.app.state.kith.agenda.today_async(ctx, limit=limit)
    return AgendaOut.of(found, ctx.now, ctx.today)


@router.post(
    "/people/{person_id}/drafts",
    response_model=DraftOut,
    status_code=201,
    summary="Draft a message to someone",
    description="Without kind, the kind today's agenda suggests (follow-up, keep in touch, "
    "reconnect, birthday…).  The draft is kept as the person's open draft unless save is "
    "false; marking it sent is POST /people/{id}/sent.",
    tags=["outreach"],
    responses=_responses(404),
)
def draft(ctx: Ctx, person_id: PersonId, body: DraftCreate | None = None) -> DraftOut:
    body = body or DraftCreate()
    with naming(person_id=person_id, to=body.to):
        result = outreach.draft(
            ctx,
            ref(person_id),
            kind=body.kind,
            channel=body.channel,
            target=ref(body.to) if body.to else None,
            slots=tuple(body.slots),
            save=body.save,
        )
    return DraftOut.of(result)


@router.post(
    "/people/{person_id}/sent",
    response_model=SentOut,
    summary="Mark the open draft (or a message written elsewhere) as sent",
    description="It counts as contact you made; Kith then waits for a reply, and after 21 "
    "days without one the outreach is simply no_reply.",
    tags=["outreach"],
    responses=_responses(404),
)
def mark_sent(ctx: Ctx, person_id: PersonId, body: SentIn | None = None) -> SentOut:
    body = body or SentIn()
    with naming(person_id=person_id):
        result = outreach.mark_sent(ctx, ref(person_id), on=moment(ctx, body.on), kind=body.kind)
    return SentOut.of(result)


@router.get(
    "/outreach",
    response_model=OutreachPageOut,
    summary="Drafts and messages sent, newest first, with their state now",
    tags=["outreach"],
    responses=_responses(404),
)
def list_outreach(
    ctx: Ctx,
    state: Annotated[OutreachState | None, Query(description="Only this state")] = None,
    person_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this person's")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> OutreachPageOut:
    with naming(person_id=person_id):
        page = activity.outreach(ctx, state=state, person_id=person_id, limit=limit, offset=offset)
    return OutreachPageOut(
        total=page.total,
        offset=page.offset,
        limit=limit,
        items=[OutreachOut.of_item(item) for item in page.items],
    )


# -- introductions -----------------------------------------------------------------------


@router.get(
    "/introductions",
    response_model=IntroductionsPageOut,
    summary="Introductions and referrals, newest first",
    tags=["introductions"],
    responses=_responses(404),
)
def list_introductions(
    ctx: Ctx,
    person_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only those this person took part in")
    ] = None,
    kind: Annotated[Literal["introduction", "referral"] | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> IntroductionsPageOut:
    with naming(person_id=person_id):
        page = activity.introductions(
            ctx, person_id=person_id, kind=kind, limit=limit, offset=offset
        )
    return IntroductionsPageOut(
        total=page.total,
        offset=page.offset,
        limit=limit,
        items=[IntroductionOut.of(view) for view in page.items],
    )


@router.post(
    "/introductions",
    response_model=IntroductionOut,
    status_code=201,
    summary="Record an introduction, or a referral",
    description='`{"kind": "introduction", "a": 1, "b": 2}` records that you (or `by`) '
    'introduced a and b; `{"kind": "referral", "person": 2, "to": 1}` or `"opportunity": '
    '"…"` a referral you gave (or, with `"direction": "received"`, one they gave you).',
    tags=["introductions"],
    responses=_responses(404),
)
def add_introduction(ctx: Ctx, body: Annotated[NewIntroduction, Body()]) -> IntroductionOut:
    if isinstance(body, ReferralCreate):
        with naming(person=body.person, to=body.to):
            view = network.refer(
                ctx,
                ref(body.person),
                received=body.direction == "received",
                to=ref(body.to) if body.to else None,
                opportunity=body.opportunity,
                on=body.on,
                note=body.note,
                outcome=body.outcome,
            )
    else:
        with naming(a=body.a, b=body.b, by=body.by):
            view = network.introduce(
                ctx,
                ref(body.a),
                ref(body.b),
                by=ref(body.by) if body.by else None,
                on=body.on,
                note=body.note,
                outcome=body.outcome,
            )
    return IntroductionOut.of(view)


# -- the app -----------------------------------------------------------------------------


def _methods(request: Request) -> list[str]:
    """The methods the API answers at the request's address."""
    path = request.url.path
    return sorted(
        {
            method
            for route in router.routes
            if isinstance(route, APIRoute) and route.path_regex.match(path)
            for method in route.methods or ()
        }
    )


DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kith API</title>
<link rel="stylesheet" href="{asset("swagger-ui/swagger-ui.css")}">
</head>
<body>
<div id="swagger-ui" data-openapi="{PREFIX}/openapi.json"></div>
<script src="{asset("swagger-ui/swagger-ui-bundle.js")}"></script>
<script src="{asset("swagger-ui/kith-api-docs.js")}"></script>
</body>
</html>
"""


def docs_page() -> HTMLResponse:
    """The interactive documentation: Swagger UI from Kith's own files (the pages' CSP
    allows scripts from Kith only, and Kith works without the internet)."""
    return HTMLResponse(DOCS_PAGE)


def register(app: FastAPI) -> None:
    """Add the API and its documentation; paths under /api/ that match no route answer JSON."""
    app.include_router(router)
    app.add_api_route("/api/docs", docs_page, methods=["GET"], include_in_schema=False)
    pages_handler = app.exception_handlers.get(StarletteHTTPException)

    async def api_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith("/api/"):
            message = {404: "there is nothing at this address", 405: "method not allowed"}
            headers = dict(exc.headers or {})
            if exc.status_code == 405:  # every method of the address, not just the first route's
                headers["Allow"] = ", ".join(_methods(request))
            return error_response(
                exc.status_code,
                message.get(exc.status_code, str(exc.detail)),
                hint=f"the API is described at {PREFIX}/openapi.json",
                headers=headers,
            )
        if pages_handler is not None:  # the pages' own: a page, not JSON
            answer = pages_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        return await http_exception_handler(request, exc)

    app.add_exception_handler(StarletteHTTPException, api_http_error)
