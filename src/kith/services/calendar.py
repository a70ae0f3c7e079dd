"""Calendars: meetings in them become interactions; free time in them goes into drafts.

The owner's calendars are files, folders of .ics files (a vdir, as vdirsyncer
keeps for a CalDAV server) or URLs (a secret iCal address); the list lives in
the ``calendars`` setting and every one is read again each time it is needed,
so Kith never works from a stale copy.

Importing turns each past meeting (see ``domain.meetings``) into one
interaction of kind meeting with everyone on it but the owner, keyed by the
event's UID and RECURRENCE-ID so that importing again adds nothing.  Someone
on a meeting who is not in Kith yet becomes a person: meeting them is real
contact.  Free slots for drafts come from the same calendars (see
``domain.availability``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from kith.config import write_setting
from kith.domain.availability import (
    Slot,
    WorkingHours,
    choose_slots,
    describe_slot,
    free_windows,
    horizon_end,
)
from kith.domain.contacts import Problem
from kith.domain.meetings import (
    Attendee,
    Ignored,
    Occurrence,
    busy_times,
    instant,
    meeting,
)
from kith.domain.model import Direction, InteractionKind, Owner, Person
from kith.errors import InputError
from kith.interchange.ical import CalendarRead, read_calendar
from kith.interchange.normalize import clean_name, split_name, zone
from kith.services.context import Context
from kith.services.people import find_person, spread_due, touched
from kith.storage import calendars as calendar_store
from kith.storage import people as people_store
from kith.storage import sources as source_store

SOURCE = "calendar"
BATCH = 1000
#: The largest calendar Kith downloads (bytes).
MAX_DOWNLOAD = 64 * 1024 * 1024
_SCHEMES = ("http://", "https://", "webcal://", "webcals://")
_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)

Progress = Callable[[int, int], None]


# -- where calendars are -----------------------------------------------------------------


def is_url(location: str) -> bool:
    return location.strip().lower().startswith(_SCHEMES)


def fetchable(url: str) -> str:
    """``webcal://`` (what calendar sites hand out) is fetched as ``https://``."""
    text = url.strip()
    lower = text.lower()
    for scheme in ("webcals://", "webcal://"):
        if lower.startswith(scheme):
            return "https://" + text[len(scheme) :]
    return text


def fetch(url: str, *, timeout: float) -> bytes:
    """The body of an http(s) URL, or an ``InputError`` that says what went wrong."""
    import urllib.error
    import urllib.request

    from kith import __version__

    target = fetchable(url)
    request = urllib.request.Request(
        target,
        headers={"User-Agent": f"Kith/{__version__} (calendar)", "Accept": "text/calendar, */*"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(MAX_DOWNLOAD + 1)
    except urllib.error.HTTPError as exc:
        hint = (
            "check the address: a secret address stops working when it is reset"
            if exc.code in (401, 403, 404, 410)
            else "try again later"
        )
        raise InputError(
            f"{url} answered {exc.code} {exc.reason}", field="calendar", hint=hint
        ) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise InputError(
                f"{url} did not answer within {timeout:g} seconds",
                field="calendar",
                hint="try again, or raise calendar_timeout (kith config set calendar_timeout 60)",
            ) from exc
        raise InputError(
            f"{url} could not be reached ({reason})",
            field="calendar",
            hint="check the address and your connection",
        ) from exc
    except TimeoutError as exc:
        raise InputError(
            f"{url} did not answer within {timeout:g} seconds",
            field="calendar",
            hint="try again, or raise calendar_timeout (kith config set calendar_timeout 60)",
        ) from exc
    except (ValueError, OSError) as exc:
        raise InputError(f"{url} could not be fetched ({exc})", field="calendar") from exc
    if len(data) > MAX_DOWNLOAD:
        raise InputError(f"{url} is larger than {MAX_DOWNLOAD // 2**20} MB", field="calendar")
    return data


def load(location: str, *, timeout: float) -> list[tuple[str, bytes]]:
    """The calendar data at ``location``: (where, bytes) for a URL, a file, or each .ics
    file of a folder."""
    if is_url(location):
        return [(location, fetch(location, timeout=timeout))]
    path = Path(location).expanduser()
    try:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".ics" and p.is_file())
            return [(str(p), p.read_bytes()) for p in files]
        return [(str(path), path.read_bytes())]
    except FileNotFoundError as exc:
        raise InputError(f"there is no file or folder {path}", field="calendar") from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(f"{path} cannot be read ({reason})", field="calendar") from exc


def configured(ctx: Context) -> list[str]:
    return list(ctx.settings["calendars"])


def _settable(ctx: Context) -> Path:
    origin = ctx.settings.origins.get("calendars", "default")
    if origin in ("env", "command line"):
        raise InputError(
            "your calendars are set by the KITH_CALENDARS variable, not the config file",
            field="calendars",
            hint="change KITH_CALENDARS, or unset it to keep them in the config file",
        )
    return ctx.settings.config_path


@dataclass(frozen=True, slots=True)
class Added:
    location: str
    events: int
    problems: tuple[Problem, ...] = ()
    checked: bool = True


def add_calendar(ctx: Context, location: str, *, check: bool = True) -> Added:
    """Add a calendar to the configured ones, after reading it once (unless ``check`` is off)."""
    text = location.strip()
    if not text:
        raise InputError("give a calendar file, folder or URL", field="calendar")
    stored = text if is_url(text) else str(Path(text).expanduser().resolve())
    path = _settable(ctx)
    current = configured(ctx)
    if stored in current:
        raise InputError(f"{stored} is already one of your calendars", hint="kith calendar ls")
    events = 0
    problems: tuple[Problem, ...] = ()
    if check:
        read = _read_all(ctx, [stored], start=ctx.now - timedelta(days=1), people_only=False)
        if read.failed:
            raise read.failed[0][1]
        events, problems = read.events, tuple(read.problems)
    write_setting(path, "calendars", "\n".join([*current, stored]))
    return Added(stored, events, problems, check)


def remove_calendar(ctx: Context, ref: str) -> str:
    """Remove a configured calendar, given as its number in ``kith calendar ls`` or itself."""
    path = _settable(ctx)
    current = configured(ctx)
    text = ref.strip()
    chosen: str | None = None
    if text.isdigit() and 1 <= int(text) <= len(current):
        chosen = current[int(text) - 1]
    elif text in current:
        chosen = text
    elif not is_url(text) and str(Path(text).expanduser().resolve()) in current:
        chosen = str(Path(text).expanduser().resolve())
    if chosen is None:
        raise InputError(
            f"{text!r} is not one of your calendars",
            field="calendar",
            hint="kith calendar ls numbers them; remove one with kith calendar rm NUMBER",
        )
    write_setting(path, "calendars", "\n".join(c for c in current if c != chosen))
    return chosen


# -- reading -----------------------------------------------------------------------------


@dataclass
class _Reads:
    occurrences: list[Occurrence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    events: int = 0
    without_people: int = 0
    calendars: int = 0
    failed: list[tuple[str, InputError]] = field(default_factory=list)


def _read_all(
    ctx: Context,
    locations: Sequence[str],
    *,
    start: datetime,
    end: datetime | None = None,
    people_only: bool,
) -> _Reads:
    """Read every calendar; one that cannot be loaded is noted in ``failed``, not raised."""
    reads = _Reads()
    timeout = float(ctx.settings["calendar_timeout"])
    until = end or ctx.now + timedelta(days=1)
    for location in locations:
        try:
            loaded = load(location, timeout=timeout)
        except InputError as exc:
            reads.failed.append((location, exc))
            reads.problems.append(Problem(location, exc.message))
            continue
        reads.calendars += len(loaded)
        if not loaded:
            reads.problems.append(Problem(location, "no .ics files in this folder", kept=True))
        for where, data in loaded:
            read: CalendarRead = read_calendar(
                data, where, start=start, end=until, zone=ctx.tz, people_only=people_only
            )
            reads.occurrences.extend(read.occurrences)
            reads.problems.extend(read.problems)
            reads.events += read.events
            reads.without_people += read.without_people
    return reads


# -- importing meetings ------------------------------------------------------------------


@dataclass
class CalendarImportSummary:
    """What an import of calendars did, and every event it could not use (where and why)."""

    source: str = SOURCE
    calendars: int = 0
    events: int = 0
    added: int = 0
    unchanged: int = 0
    people_added: int = 0
    ignored: dict[str, int] = field(
        default_factory=lambda: {str(i): 0 for i in Ignored if i is not Ignored.NOT_YET}
    )
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "calendars": self.calendars,
            "events": self.events,
            "added": self.added,
            "unchanged": self.unchanged,
            "people_added": self.people_added,
            "ignored": dict(self.ignored),
            "skipped": self.skipped,
            "problems": [_problem(p) for p in self.problems],
            "notes": [_problem(p) for p in self.notes],
        }


def _problem(p: Problem) -> dict[str, Any]:
    return {"where": p.where, "line": p.line, "reason": p.reason}


def import_calendars(
    ctx: Context, locations: Sequence[str] = (), *, progress: Progress | None = None
) -> CalendarImportSummary:
    """Bring in the meetings of ``locations`` (default: the configured calendars)."""
    with ctx.db.read() as conn:
        owner = people_store.get_owner(conn)
    if not owner.emails:
        raise InputError(
            "Kith needs your own e-mail addresses to tell you apart from the people you meet",
            field="email",
            hint="kith me --email you@example.com --email you@work.example (every address you use)",
        )
    targets = [t.strip() for t in locations if t.strip()] or configured(ctx)
    if not targets:
        raise InputError(
            "no calendar given, and none configured",
            field="calendar",
            hint="kith import calendar FILE|URL, or keep one with kith calendar add FILE|URL",
        )
    for target in targets:
        if locations and not is_url(target) and not Path(target).expanduser().exists():
            raise InputError(f"there is no file or folder {target}", field="path")
    reads = _read_all(ctx, targets, start=_EPOCH, end=ctx.now, people_only=True)
    if reads.failed and len(reads.failed) == len(targets):
        _, error = reads.failed[0]
        raise InputError(error.message, field="calendar", hint=error.hint)
    summary = CalendarImportSummary(calendars=reads.calendars, events=reads.events)
    summary.problems = [p for p in reads.problems if not p.kept]
    summary.notes = [p for p in reads.problems if p.kept]
    summary.ignored[str(Ignored.NOBODY_ELSE)] += reads.without_people
    meetings = _meetings(ctx, reads.occurrences, owner, summary)
    summary.skipped = len(summary.problems)
    added_people: list[int] = []
    done = 0
    for start in range(0, len(meetings), BATCH):
        batch = meetings[start : start + BATCH]
        with ctx.db.begin() as conn:
            _store(ctx, conn, batch, summary, added_people)
        done += len(batch)
        if progress:
            progress(done, len(meetings))
    if added_people:
        with ctx.db.begin() as conn:
            spread_due(ctx, conn, added_people)
    return summary


def _meetings(
    ctx: Context, occurrences: Iterable[Occurrence], owner: Owner, summary: CalendarImportSummary
) -> list[tuple[Occurrence, tuple[Attendee, ...]]]:
    """The occurrences that are meetings, each once, oldest first, with their people."""
    mine = set(owner.emails)
    limit = int(ctx.settings["calendar_max_attendees"])
    seen: set[str] = set()
    found: list[tuple[Occurrence, tuple[Attendee, ...]]] = []
    not_listed = 0
    bad_addresses: dict[tuple[str, str], str] = {}
    for occurrence in occurrences:
        if occurrence.key in seen:
            continue
        seen.add(occurrence.key)
        verdict = meeting(occurrence, mine, now=ctx.now, zone=ctx.tz, max_attendees=limit)
        if verdict.ignored is not None:
            summary.ignored[str(verdict.ignored)] = summary.ignored.get(verdict.ignored, 0) + 1
            continue
        found.append((occurrence, verdict.people))
        everyone = [occurrence.organizer, *occurrence.attendees]
        if not any(a is not None and a.email in mine for a in everyone):
            not_listed += 1
        for person in everyone:
            if person is not None and person.raw and not person.email:
                bad_addresses.setdefault((occurrence.uid, person.raw), occurrence.where)
    for (_, raw), where in bad_addresses.items():
        summary.notes.append(Problem(where, f"{raw!r} is not an e-mail address; left out"))
    if not_listed:
        summary.notes.append(
            Problem(
                "your calendars",
                f"you are not listed on {not_listed} of the meetings under "
                f"{', '.join(owner.emails)}; if you use another address there, add it: "
                "kith me --email … (every address you use)",
            )
        )
    found.sort(key=lambda item: instant(item[0].start, ctx.tz))
    return found


def _summary(occurrence: Occurrence) -> str:
    title = occurrence.summary[:200] or "Meeting"
    return f"{title} (calendar)"


def _store(
    ctx: Context,
    conn: Connection,
    batch: Sequence[tuple[Occurrence, tuple[Attendee, ...]]],
    summary: CalendarImportSummary,
    added_people: list[int],
) -> None:
    """One batch of meetings in one transaction: new people first, then the interactions."""
    known = calendar_store.known_keys(conn, SOURCE, [o.key for o, _ in batch])
    fresh = [(o, people) for o, people in batch if o.key not in known]
    summary.unchanged += len(batch) - len(fresh)
    if not fresh:
        return
    emails = sorted({p.email for _, people in fresh for p in people})
    owners = source_store.people_by_points(conn, [("email", e) for e in emails])
    names = {p.email: p.name for _, people in fresh for p in people if p.name}
    provenance = source_store.sources_by_key(conn, SOURCE, emails)
    touched_ids: set[int] = set()
    created: list[int] = []
    rows: list[calendar_store.NewInteraction] = []
    for occurrence, people in fresh:
        ids: list[int] = []
        for person in people:
            pid = owners.get(("email", person.email))
            if pid is None:
                pid = _new_person(ctx, conn, person.email, names.get(person.email, ""))
                owners[("email", person.email)] = pid
                created.append(pid)
                summary.people_added += 1
            if person.email not in provenance:
                provenance[person.email] = _remember(ctx, conn, pid, person, names)
            ids.append(pid)
        rows.append(
            calendar_store.NewInteraction(
                occurred_at=instant(occurrence.start, ctx.tz),
                kind=InteractionKind.MEETING,
                direction=Direction.MUTUAL,
                summary=_summary(occurrence),
                source_key=occurrence.key,
                person_ids=tuple(ids),
            )
        )
        touched_ids.update(ids)
    calendar_store.add_interactions(conn, rows, source=SOURCE, now=ctx.now)
    summary.added += len(rows)
    people_store.refresh_search_text(conn, created)
    added_people.extend(created)
    touched(ctx, conn, sorted(touched_ids))


def _name(email: str, cn: str) -> str:
    """The name a calendar gives someone (CN), unless it is only their address again."""
    text = " ".join(cn.split())
    if not text or "@" in text:
        return email
    try:
        return clean_name(text)
    except InputError:
        return email


def _new_person(ctx: Context, conn: Connection, email: str, cn: str) -> int:
    name = _name(email, cn)
    given, family = split_name(name) if name != email else ("", "")
    pid = people_store.insert_person(
        conn,
        uid=str(uuid.uuid4()),
        values={"name": name, "given_name": given, "family_name": family},
        now=ctx.now,
    )
    people_store.add_points(
        conn, [{"person_id": pid, "kind": "email", "value": email, "label": "", "position": 0}]
    )
    return pid


def _remember(
    ctx: Context, conn: Connection, pid: int, person: Attendee, names: dict[str, str]
) -> source_store.SourceRow:
    """Where Kith heard of someone: their calendar name and address (``kith show``)."""
    import hashlib

    fields = {"name": _name(person.email, names.get(person.email, "")), "emails": [person.email]}
    digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()
    return source_store.add_source(
        conn,
        person_id=pid,
        source=SOURCE,
        key=person.email,
        digest=digest,
        fields=fields,
        now=ctx.now,
    )


# -- free time ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FreeTime:
    """The owner's free time in working hours, and the slots a draft would propose."""

    calendars: tuple[str, ...]
    start: datetime
    end: datetime
    zone: tzinfo
    hours: WorkingHours
    slot_minutes: int
    windows: tuple[Slot, ...]
    slots: tuple[Slot, ...]
    offered: tuple[str, ...]
    person: Person | None
    recipient: tzinfo | None
    problems: tuple[Problem, ...]
    unread: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Every calendar could be read (else busy time may be missing)."""
        return not self.unread


def working_hours(ctx: Context) -> WorkingHours:
    return WorkingHours.parse(str(ctx.settings["work_days"]), str(ctx.settings["work_hours"]))


def recipient_zone(person: Person | None) -> tzinfo | None:
    if person is None or not person.timezone:
        return None
    try:
        return zone(person.timezone)
    except InputError:
        return None


def free_time(
    ctx: Context,
    *,
    days: int | None = None,
    person: Person | str | None = None,
    owner: Owner | None = None,
) -> FreeTime:
    """Free stretches in working hours over the next ``days`` (setting ``free_days``), from
    the configured calendars, and the slots a draft to ``person`` would propose."""
    horizon = int(days if days is not None else ctx.settings["free_days"])
    if horizon < 1 or horizon > 90:
        raise InputError("--days must be between 1 and 90", field="days")
    if isinstance(person, str):
        with ctx.db.read() as conn:
            person = find_person(conn, person)
    if owner is None:
        with ctx.db.read() as conn:
            owner = people_store.get_owner(conn)
    hours = working_hours(ctx)
    length = timedelta(minutes=int(ctx.settings["slot_minutes"]))
    notice = timedelta(hours=int(ctx.settings["slot_notice_hours"]))
    locations = configured(ctx)
    reads = _read_all(
        ctx,
        locations,
        start=ctx.now - timedelta(days=1),
        end=ctx.now + timedelta(days=horizon + 1),
        people_only=False,
    )
    busy = busy_times(reads.occurrences, set(owner.emails))
    windows = free_windows(
        busy, ctx.now, ctx.tz, hours, days=horizon, notice=notice, min_length=length
    )
    theirs = recipient_zone(person)
    slots = choose_slots(windows, ctx.tz, length=length, recipient=theirs)
    return FreeTime(
        calendars=tuple(locations),
        start=ctx.now + notice,
        end=horizon_end(ctx.now, ctx.tz, horizon),
        zone=ctx.tz,
        hours=hours,
        slot_minutes=int(ctx.settings["slot_minutes"]),
        windows=tuple(windows),
        slots=tuple(slots),
        offered=tuple(describe_slot(s, ctx.tz, theirs) for s in slots),
        person=person,
        recipient=theirs,
        problems=tuple(reads.problems),
        unread=tuple(location for location, _ in reads.failed),
    )


def offered_slots(
    ctx: Context, person: Person, owner: Owner
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a draft to ``person`` proposes (slots in words), and notes for the owner.

    Without configured calendars: nothing (the draft asks for their availability).
    When a calendar cannot be read, nothing either, rather than times that may be taken.
    """
    if not configured(ctx):
        return (), ()
    found = free_time(ctx, person=person, owner=owner)
    if not found.complete:
        unread = "; ".join(p.reason for p in found.problems if p.where in found.unread)
        note = (
            f"no times proposed: a calendar could not be read ({unread}); "
            "the draft asks for their availability instead"
        )
        return (), (note,)
    if not found.offered:
        suits = " that suits their time zone" if found.recipient else ""
        days = ctx.settings["free_days"]
        note = (
            f"no free slot in your working hours over the next {days} days{suits}; "
            "the draft asks for their availability instead"
        )
        return (), (note,)
    return found.offered, ()
