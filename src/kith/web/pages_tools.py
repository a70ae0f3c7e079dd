"""The working pages: the draft editor, the import page and the settings.

Each route gets its ``Context`` from ``ctx_of`` (the signed-in account's own
database) and calls one service.  Every POST checks the session's CSRF token.
Settings kept in the config file are server-wide: they are editable only on a
single-user Kith (no accounts); with accounts each person edits their own
profile and tokens, and sees the rest as set by the server's owner.
"""

from __future__ import annotations

import os
import zoneinfo
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kith.config import SPEC, Settings, write_setting
from kith.domain.model import Channel, DraftKind
from kith.errors import InputError, KithError, NotFound
from kith.services import accounts as account_service
from kith.services import digest as digest_service
from kith.services import imports as import_service
from kith.services import outreach as outreach_service
from kith.services import people as people_service
from kith.services import sending, smtp
from kith.services import templates as template_service
from kith.services.context import Context
from kith.web import importjobs
from kith.web.app import Kith
from kith.web.deps import account_of, check_csrf, ctx_of, is_htmx, kith_of, render
from kith.web.schedule import DigestScheduler

router = APIRouter(include_in_schema=False)

KIND_CHOICES = (
    (DraftKind.FOLLOW_UP, "Follow-up"),
    (DraftKind.KEEP_IN_TOUCH, "Keep in touch"),
    (DraftKind.RECONNECT, "Reconnect"),
    (DraftKind.BIRTHDAY, "Birthday"),
    (DraftKind.REPLY, "Reply"),
    (DraftKind.ASK_INTRO, "Ask for an introduction"),
    (DraftKind.INTRO, "Introduce two people"),
)
CHANNEL_CHOICES = ((Channel.EMAIL, "E-mail"), (Channel.SHORT, "Short message"))
INTRO_KINDS = (DraftKind.ASK_INTRO, DraftKind.INTRO)
RHYTHM = (
    ("daily_budget", "People a day", "how many the daily list shows"),
    ("weekly_goal", "Messages a week", "your goal; never a reproach"),
    ("max_reconnects", "Reconnects a day", "dormant ties suggested each day, at most"),
    ("inner_days", "Inner circle", "days between contacts"),
    ("close_days", "Close", "days"),
    ("active_days", "Active", "days"),
    ("wider_days", "Wider", "days"),
    ("acquaintance_days", "Acquaintances", "days"),
)
SMTP_FIELDS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_from")
DIGEST_FIELDS = ("digest", "digest_to", "digest_hour")


def register(app: FastAPI) -> None:
    app.include_router(router)
    kith = app.state.kith
    assert isinstance(kith, Kith)
    app.state.import_jobs = importjobs.Jobs(kith.shared)
    scheduler = DigestScheduler(kith)
    app.state.digest_scheduler = scheduler
    app.router.on_startup.append(scheduler.start_if_wanted)
    app.router.on_shutdown.insert(0, scheduler.stop)


def _jobs(request: Request) -> importjobs.Jobs:
    found = request.app.state.import_jobs
    assert isinstance(found, importjobs.Jobs)
    return found


def _owner_key(request: Request) -> int | None:
    account = account_of(request)
    return account.id if account is not None else None


def said(exc: KithError) -> str:
    """An error as sentences for a page: "The server … refused. Check smtp_user …"."""

    def sentence(text: str) -> str:
        text = text.strip()
        return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""

    return " ".join(x for x in (sentence(exc.message), sentence(exc.hint or "")) if x)


def _problem(request: Request, exc: KithError, title: str = "Something is not right") -> Response:
    return render(request, "tools_error.html", exc.http_status, title=title, error=said(exc))


# -- the draft ---------------------------------------------------------------------------


def _kind(text: str | None) -> DraftKind | None:
    if not text:
        return None
    try:
        return DraftKind(text)
    except ValueError:
        raise HTTPException(422, f"{text!r} is not a kind of draft") from None


def _channel(text: str | None) -> Channel:
    try:
        return Channel(text or "email")
    except ValueError:
        raise HTTPException(422, f"{text!r} is not a channel") from None


def mailto(address: str, subject: str, body: str) -> str:
    """A ``mailto:`` link (RFC 6068): subject and body encoded, line breaks as CRLF."""
    query = "&".join(
        f"{key}={quote(value.replace(chr(13), '').replace(chr(10), chr(13) + chr(10)), safe='')}"
        for key, value in (("subject", subject), ("body", body))
        if value
    )
    return f"mailto:{quote(address, safe='@')}" + (f"?{query}" if query else "")


def _draft_values(
    ctx: Context,
    pid: int,
    kind: DraftKind | None,
    channel: Channel,
    to: str,
) -> dict[str, Any]:
    """Everything the draft page and its text part need.

    An unknown person raises ``NotFound``; anything else that stops the draft (an
    introduction without the other person, a name that matches several, a broken
    template of the owner's) is said on the page, above an empty text.
    """
    person = people_service.resolve(ctx, f"#{pid}")
    error = ""
    result = None
    try:
        result = outreach_service.draft(
            ctx, f"#{pid}", kind=kind, channel=channel, target=to or None, save=False
        )
    except InputError as exc:
        error = (
            "Who is the other person of the introduction? Give their name below."
            if exc.field == "to" and not to
            else exc.message
            if exc.field == "to"
            else said(exc)
        )
    except KithError as exc:
        error = said(exc)
    if result is not None:
        subject, body, chosen = result.draft.subject, result.draft.body, result.draft.kind
    else:
        subject = body = ""
        chosen = kind or DraftKind.KEEP_IN_TOUCH
    return {
        "person": person,
        "subject": subject,
        "body": body,
        "kind": chosen,
        "channel": channel,
        "to": to,
        "reasons": result.reasons if result is not None else (),
        "notes": tuple(getattr(result, "notes", ()) or ()),
        "draft_error": error,
        "address": person.emails[0] if person.emails else "",
        "mailto": mailto(person.emails[0] if person.emails else "", subject, body),
        "can_send": smtp.is_configured(ctx.settings) and bool(person.emails),
        "smtp_ready": smtp.is_configured(ctx.settings),
        "kinds": KIND_CHOICES,
        "channels": CHANNEL_CHOICES,
        "intro_kinds": INTRO_KINDS,
    }


@router.get("/people/{pid}/draft", response_class=HTMLResponse)
def draft_page(
    request: Request, pid: int, kind: str = "", channel: str = "email", to: str = ""
) -> Response:
    ctx = ctx_of(request)
    try:
        values = _draft_values(ctx, pid, _kind(kind), _channel(channel), to.strip())
    except KithError as exc:
        return _problem(request, exc, "No draft")
    return render(request, "draft.html", title=f"Draft to {values['person'].name}", **values)


@router.get("/people/{pid}/draft/text", response_class=HTMLResponse)
def draft_text(
    request: Request, pid: int, kind: str = "", channel: str = "email", to: str = ""
) -> Response:
    """The editable text for another kind or channel (HTMX swaps it in)."""
    ctx = ctx_of(request)
    try:
        values = _draft_values(ctx, pid, _kind(kind), _channel(channel), to.strip())
    except KithError as exc:  # the person is gone: say so where the text was
        return render(request, "draft_text.html", draft_error=said(exc), person=None)
    if not is_htmx(request):
        query = urlencode({"kind": kind, "channel": channel, "to": to})
        return RedirectResponse(f"/people/{pid}/draft?{query}", status_code=303)
    return render(request, "draft_text.html", **values)


@router.post("/people/{pid}/draft", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def draft_action(request: Request, pid: int) -> Response:
    form = await request.form()
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    action = text.get("action", "")
    kind = _kind(text.get("kind")) or DraftKind.KEEP_IN_TOUCH
    channel = _channel(text.get("channel"))
    subject, body = text.get("subject", ""), text.get("body", "")
    ctx = ctx_of(request)
    kith = kith_of(request)
    try:
        if action == "send":
            if channel is not Channel.EMAIL:
                raise InputError("only an e-mail can be sent from Kith; copy a short message")
            result = sending.send_text(
                ctx, os.environ, f"#{pid}", kind=kind, subject=subject, body=body,
                clock=kith.clock(),
            )  # fmt: skip
            how = "sent"
        elif action == "sent":
            result = sending.mark_text_sent(
                ctx, f"#{pid}", kind=kind, channel=channel, subject=subject, body=body
            )
            how = "marked"
        else:
            raise InputError(f"{action!r} is not something this page does")
    except KithError as exc:
        try:
            person = people_service.resolve(ctx, f"#{pid}")
        except KithError:
            return _problem(request, exc, "No draft")
        address = person.emails[0] if person.emails else ""
        return render(
            request, "draft.html", exc.http_status, title=f"Draft to {person.name}",
            person=person, subject=subject, body=body, kind=kind, channel=channel,
            to=text.get("to", ""), reasons=(), notes=(), draft_error="", send_error=said(exc),
            address=address, mailto=mailto(address, subject, body),
            can_send=smtp.is_configured(ctx.settings) and bool(person.emails),
            smtp_ready=smtp.is_configured(ctx.settings), kinds=KIND_CHOICES,
            channels=CHANNEL_CHOICES, intro_kinds=INTRO_KINDS,
        )  # fmt: skip
    return render(request, "draft_done.html", title="Sent", result=result, how=how)


# -- import ------------------------------------------------------------------------------


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    ctx = ctx_of(request)
    owner = people_service.get_owner(ctx)
    return render(
        request, "import.html", title="Import", kinds=import_service.kinds(),
        calendar=import_service.calendar_available(), has_emails=bool(owner.emails),
        limit=importjobs.size_words(importjobs.MAX_UPLOAD_BYTES), error="",
    )  # fmt: skip


def _upload_size_ok(request: Request) -> None:
    """Refuse an upload that says it is too big before reading any of it."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > importjobs.MAX_UPLOAD_BYTES + 64 * 1024:
        raise importjobs.too_large()


@router.post("/import", response_class=HTMLResponse)
async def import_upload(request: Request) -> Response:
    ctx = ctx_of(request)
    owner = people_service.get_owner(ctx)

    def again(error: str, status: int) -> Response:
        return render(
            request, "import.html", status, title="Import", kinds=import_service.kinds(),
            calendar=import_service.calendar_available(), has_emails=bool(owner.emails),
            limit=importjobs.size_words(importjobs.MAX_UPLOAD_BYTES), error=error,
        )  # fmt: skip

    try:
        _upload_size_ok(request)
    except InputError as exc:
        return again(said(exc), 413)
    await check_csrf(request)
    form = await request.form(max_files=importjobs.MAX_FILES)
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        return again("Choose one or more files to import.", 422)
    forced = form.get("kind")
    forced_kind = forced if isinstance(forced, str) and forced in import_service.kinds() else None
    jobs = _jobs(request)
    try:
        named = [(f.filename or "upload", f.file) for f in files]
        root, uploads, unknown = await run_in_threadpool(
            jobs.save_uploads, named, forced_kind=forced_kind
        )
    except importjobs.TooLarge as exc:
        return again(said(exc), 413)
    finally:
        for f in files:
            await f.close()
    if not uploads:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        return again(
            "Kith cannot tell what " + ", ".join(unknown) + " is. It reads vCards (.vcf), CSV "
            "exports (.csv), mail (.mbox, .eml), "
            + ("calendars (.ics), " if import_service.calendar_available() else "")
            + "and Kith backups (.json).",
            422,
        )
    job = jobs.start(ctx, _owner_key(request), root, uploads, unknown)
    return RedirectResponse(f"/import/{job.id}", status_code=303)


@router.get("/import/{job_id}", response_class=HTMLResponse)
def import_job_page(request: Request, job_id: str) -> Response:
    job = _jobs(request).get(job_id, _owner_key(request))
    if job is None:
        raise HTTPException(404)
    return render(request, "import_job.html", title="Import", job=job)


@router.get("/import/{job_id}/progress", response_class=HTMLResponse)
def import_job_progress(request: Request, job_id: str) -> Response:
    job = _jobs(request).get(job_id, _owner_key(request))
    if job is None:
        raise HTTPException(404)
    return render(request, "import_progress.html", job=job)


# -- settings ----------------------------------------------------------------------------


def _single_user(kith: Kith) -> bool:
    return account_service.count_accounts(kith.main) == 0


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z))


def _help(name: str) -> str:
    return next((o.help for o in SPEC if o.name == name), "")


def _settings_values(request: Request, **extra: Any) -> dict[str, Any]:
    kith = kith_of(request)
    ctx = ctx_of(request)
    settings = kith.settings
    account = account_of(request)
    owner = people_service.get_owner(ctx)
    calendar_module = _calendar_module()
    tokens = account_service.list_tokens(kith.main, account.id if account else None)
    values: dict[str, Any] = {
        "title": "Settings",
        "owner": owner,
        "zones": _zones(),
        "settings": settings,
        "editable": _single_user(kith),
        "origin": lambda name: _origin(settings, name),
        "help": _help,
        "rhythm": RHYTHM,
        "templates_dir": template_service.folder(settings),
        "templates": template_service.list_templates(settings),
        "calendars": list(settings["calendars"]) if calendar_module is not None else None,
        "smtp_ready": smtp.is_configured(settings),
        "smtp_sender": smtp.sender_of(settings),
        "password_from": smtp.password_source(settings, os.environ),
        "password_var": smtp.PASSWORD_VAR,
        "tokens": tokens,
        "base_url": str(request.base_url),
        "digest_to_default": owner.emails[0] if owner.emails else "",
        "scheduler": getattr(request.app.state, "digest_scheduler", None),
        "errors": {},
        "saved": request.query_params.get("saved", ""),
        "new_token": None,
        "section_error": {},
    }
    values.update(extra)
    return values


def _origin(settings: Settings, name: str) -> str:
    origin = settings.origins.get(name, "default")
    if origin == "env":
        return f"KITH_{name.upper()}"
    if origin == "command line":
        return "the command line"
    return ""


def _calendar_module() -> Any:
    """``kith.services.calendar`` when this Kith has it and a ``calendars`` setting."""
    import importlib

    if not import_service.calendar_available() or not any(o.name == "calendars" for o in SPEC):
        return None
    return importlib.import_module("kith.services.calendar")


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request) -> Response:
    return render(request, "settings.html", **_settings_values(request))


def _saved(section: str) -> Response:
    return RedirectResponse(f"/settings?saved={section}#{section}", status_code=303)


def _lines(text: str) -> list[str]:
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


@router.post("/settings/profile", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def settings_profile(request: Request) -> Response:
    text = await _form_text(request)
    ctx = ctx_of(request)
    name = text.get("name", "").strip()
    changes = people_service.OwnerChanges(
        name=name or None,
        emails=_lines(text.get("emails", "")),
        interests=_lines(text.get("interests", "")),
        timezone=text.get("timezone", ""),
        signature=text.get("signature", "").replace("\r\n", "\n").strip("\n"),
    )
    try:
        people_service.update_owner(ctx, changes)
    except KithError as exc:
        values = _settings_values(request, section_error={"profile": said(exc)})
        return render(request, "settings.html", 422, **values)
    return _saved("profile")


async def _form_text(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _write_many(
    request: Request, given: dict[str, str], names: tuple[str, ...], section: str
) -> Response:
    """Write the changed file settings of one section; refused unless single-user."""
    kith = kith_of(request)
    if not _single_user(kith):
        raise HTTPException(403, "These settings are set by the server's owner.")
    settings = kith.settings
    errors: dict[str, str] = {}
    for name in names:
        if name not in given or _origin(settings, name):
            continue
        raw = given[name].strip()
        if str(settings[name]) == raw:
            continue
        try:
            if raw == "" and not isinstance(settings[name], str):
                write_setting(settings.config_path, name, None)
            else:
                write_setting(settings.config_path, name, raw)
        except KithError as exc:
            errors[name] = exc.message.split(" from command line is not valid: ")[-1]
    kith.reload_settings()
    if errors:
        return render(request, "settings.html", 422,
                      **_settings_values(request, errors=errors))  # fmt: skip
    return _saved(section)


@router.post("/settings/rhythm", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def settings_rhythm(request: Request) -> Response:
    given = await _form_text(request)
    return _write_many(request, given, tuple(n for n, _, _ in RHYTHM), "rhythm")


@router.post("/settings/smtp", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def settings_smtp(request: Request) -> Response:
    given = await _form_text(request)
    return _write_many(request, given, SMTP_FIELDS, "smtp")


@router.post("/settings/digest", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def settings_digest(request: Request) -> Response:
    given = await _form_text(request)
    response = _write_many(request, given, DIGEST_FIELDS, "digest")
    scheduler = getattr(request.app.state, "digest_scheduler", None)
    if isinstance(scheduler, DigestScheduler):
        scheduler.start_if_wanted()
    return response


@router.post("/settings/smtp/test", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def settings_smtp_test(request: Request) -> Response:
    kith = kith_of(request)
    ctx = ctx_of(request)
    owner = people_service.get_owner(ctx)
    to = owner.emails[0] if owner.emails else smtp.sender_of(kith.settings)
    try:
        if not to:
            raise InputError("Kith needs your e-mail address to send you a test message",
                             hint="add it under Your profile")  # fmt: skip
        smtp.send_message(
            kith.settings, os.environ, to=to, subject="Kith can send mail",
            body="This is a test message from Kith's settings. Mail from Kith will reach "
            "people this way.\n\nNothing else to do.\n",
            headers={"Auto-Submitted": "auto-generated"}, now=kith.clock(),
        )  # fmt: skip
    except KithError as exc:
        values = _settings_values(request, section_error={"smtp": said(exc)})
        return render(request, "settings.html", exc.http_status, **values)
    return RedirectResponse(f"/settings?saved=smtp-test&to={quote(to)}#smtp", status_code=303)


@router.get("/settings/digest/preview", response_class=HTMLResponse)
def digest_preview(request: Request) -> Response:
    ctx = ctx_of(request)
    try:
        composed = digest_service.compose(ctx, setting=None)
    except KithError as exc:
        return _problem(request, exc, "No digest")
    return render(request, "digest_preview.html", title="The digest", digest=composed)


@router.post("/settings/calendars", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def settings_calendars(request: Request) -> Response:
    kith = kith_of(request)
    module = _calendar_module()
    if module is None or not _single_user(kith):
        raise HTTPException(403, "Calendars are set by the server's owner.")
    text = await _form_text(request)
    ctx = ctx_of(request)
    try:
        if text.get("remove"):
            module.remove_calendar(ctx, text["remove"])
        else:
            module.add_calendar(ctx, text.get("location", ""))
    except KithError as exc:
        kith.reload_settings()
        values = _settings_values(request, section_error={"calendars": said(exc)})
        return render(request, "settings.html", 422, **values)
    kith.reload_settings()
    return _saved("calendars")


@router.post("/settings/tokens", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def settings_token_create(request: Request) -> Response:
    kith = kith_of(request)
    text = await _form_text(request)
    account = account_of(request)
    scope = "feed" if text.get("scope") == "feed" else "api"
    name = text.get("name", "").strip()[:100]
    token = account_service.create_token(
        kith.main, account_id=account.id if account else None, name=name, scope=scope,
        now=kith.clock(),
    )  # fmt: skip
    feed_url = f"{request.base_url}feeds/{token}.ics" if scope == "feed" else ""
    webcal = feed_url.replace("https://", "webcal://").replace("http://", "webcal://")
    new = {
        "token": token,
        "scope": scope,
        "name": name or scope,
        "feed_url": feed_url,
        "webcal_url": webcal,
    }
    response = render(request, "settings.html", **_settings_values(request, new_token=new))
    response.headers["cache-control"] = "no-store"
    return response


@router.post(
    "/settings/tokens/{token_id}/revoke",
    response_class=HTMLResponse,
    dependencies=[Depends(check_csrf)],
)
def settings_token_revoke(request: Request, token_id: int) -> Response:
    kith = kith_of(request)
    account = account_of(request)
    try:
        account_service.revoke_token(kith.main, token_id, account.id if account else None)
    except NotFound as exc:
        return _problem(request, exc, "No such token")
    return _saved("tokens")


@router.get("/settings/templates/{name}", response_class=HTMLResponse)
def template_page(request: Request, name: str) -> Response:
    kith = kith_of(request)
    try:
        info = template_service.get_template(kith.settings, name)
    except KithError as exc:
        return _problem(request, exc, "No such template")
    return render(
        request, "template_edit.html", title=f"Template {name}", info=info, source=info.source,
        editable=_single_user(kith), folder=template_service.folder(kith.settings), error="",
        saved=request.query_params.get("saved", ""),
    )  # fmt: skip


@router.post(
    "/settings/templates/{name}", response_class=HTMLResponse, dependencies=[Depends(check_csrf)]
)
async def template_save(request: Request, name: str) -> Response:
    kith = kith_of(request)
    if not _single_user(kith):
        raise HTTPException(403, "Templates are set by the server's owner.")
    text = await _form_text(request)
    try:
        if text.get("action") == "reset":
            template_service.reset_template(kith.settings, name)
            return RedirectResponse(f"/settings/templates/{name}?saved=reset", status_code=303)
        template_service.save_template(kith.settings, name, text.get("source", ""))
    except KithError as exc:
        try:
            info = template_service.get_template(kith.settings, name)
        except KithError:
            return _problem(request, exc, "No such template")
        return render(
            request, "template_edit.html", 422, title=f"Template {name}", info=info,
            source=text.get("source", ""), editable=True,
            folder=template_service.folder(kith.settings), error=said(exc), saved="",
        )  # fmt: skip
    return RedirectResponse(f"/settings/templates/{name}?saved=saved", status_code=303)
