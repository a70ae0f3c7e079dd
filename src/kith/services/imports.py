"""Import files of any kind Kith reads, as uploaded together: one report of what was kept.

Each file's kind comes from its name (``.vcf``, ``.csv``, ``.mbox``/``.eml``,
``.ics``, ``.json``), else from its first bytes.  The importers run in an order
that helps matching: a backup first (it only goes into an empty database),
then contacts, calendars and mail.  One importer failing (mail without the
owner's addresses, a backup into a full database) is reported, and the others
still run.  Every record that was skipped is listed with its file, its place
in the file and the reason.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kith.domain.contacts import Problem
from kith.errors import KithError
from kith.services.context import Context
from kith.storage import people as people_store

log = logging.getLogger(__name__)

#: The order importers run in, and what each is called.
LABELS = {
    "backup": "Backup",
    "vcard": "Contacts from vCards",
    "csv": "Contacts from CSV",
    "calendar": "Calendar",
    "mail": "Mail",
}
_SUFFIXES = {
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".csv": "csv",
    ".mbox": "mail",
    ".mbx": "mail",
    ".eml": "mail",
    ".ics": "calendar",
    ".ical": "calendar",
    ".json": "backup",
}
_MAIL_STARTS = (b"from ", b"return-path:", b"received:", b"delivered-to:", b"message-id:",
                b"from:", b"date:", b"x-", b"mime-version:", b"subject:", b"to:")  # fmt: skip

Progress = Callable[[str, int, int], None]


def calendar_available() -> bool:
    """Is calendar import part of this Kith."""
    try:
        return importlib.util.find_spec("kith.services.calendar") is not None
    except (ImportError, ValueError):
        return False


def kinds() -> list[str]:
    """The kinds of file this Kith imports."""
    return [k for k in LABELS if k != "calendar" or calendar_available()]


def kind_of(name: str, head: bytes) -> str | None:
    """What a file is, by its name, else by its first bytes; None when Kith cannot tell."""
    found = _SUFFIXES.get(Path(name).suffix.lower())
    if found is None:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if text.startswith(b"begin:vcard"):
            found = "vcard"
        elif text.startswith(b"begin:vcalendar"):
            found = "calendar"
        elif text.startswith(b"{"):
            found = "backup"
        elif text.startswith(_MAIL_STARTS):
            found = "mail"
    if found == "calendar" and not calendar_available():
        return None
    return found


@dataclass(frozen=True, slots=True)
class Upload:
    #: The name the file had on the owner's computer (made safe).
    name: str
    path: Path
    kind: str


@dataclass(frozen=True, slots=True)
class Skipped:
    file: str
    where: str
    line: int | None
    reason: str


@dataclass
class Part:
    """What one importer did."""

    kind: str
    label: str
    files: list[str]
    counts: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    error: str = ""
    next_steps: list[str] = field(default_factory=list)


@dataclass
class Report:
    parts: list[Part] = field(default_factory=list)
    #: Files Kith could not tell the kind of (not imported).
    unknown: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(len(p.skipped) for p in self.parts)


def run_imports(
    ctx: Context, uploads: Sequence[Upload], *, root: Path, progress: Progress | None = None
) -> Report:
    """Import ``uploads`` (saved under ``root``) by kind; never raises for one bad part."""
    report = Report()
    groups: dict[str, list[Upload]] = {}
    for upload in uploads:
        groups.setdefault(upload.kind, []).append(upload)
    for kind in LABELS:
        group = groups.get(kind)
        if not group:
            continue
        if kind == "csv":
            for upload in group:  # each CSV export is its own format
                report.parts.append(_run(ctx, kind, [upload], root, progress))
        else:
            report.parts.append(_run(ctx, kind, group, root, progress))
    return report


def _run(
    ctx: Context, kind: str, group: list[Upload], root: Path, progress: Progress | None
) -> Part:
    names = [u.name for u in group]
    label = LABELS[kind] if kind != "csv" else f"Contacts from {group[0].name}"
    part = Part(kind, label, names)

    def step(done: int, total: int) -> None:
        if progress:
            progress(label, done, total)

    step(0, 0)
    try:
        summary = _IMPORTERS[kind](ctx, group, step)
    except KithError as exc:
        part.error = _web_words(str(exc))
        return part
    except Exception as exc:  # a bug must not leave the page waiting forever
        log.exception("import of %s failed", kind)
        part.error = f"unexpected error ({type(exc).__name__}); this is a bug in Kith"
        return part
    _fill(part, kind, summary, root / kind, names)
    return part


def _web_words(message: str) -> str:
    """Errors that name a command to run say where in the web app to go instead."""
    if "kith me --email" in message:
        return (
            "Kith needs your own e-mail addresses to tell your mail from theirs. "
            "Add them under Settings › Your profile, then import the mail again."
        )
    if "restored only into an empty database" in message:
        return (
            "A backup is restored only into an empty Kith, and this one has people already. "
            "Restore it into a new database: kith --db restored.db import json FILE"
        )
    return message


def _import_backup(ctx: Context, group: list[Upload], step: Callable[[int, int], None]) -> Any:
    from kith.services.backup import import_json

    if len(group) > 1:
        from kith.errors import InputError

        raise InputError("give one backup at a time: each one needs an empty Kith")
    summary = import_json(ctx, group[0].path)
    step(1, 1)
    return summary


def _import_vcards(ctx: Context, group: list[Upload], step: Callable[[int, int], None]) -> Any:
    from kith.services.exchange import import_vcards

    return import_vcards(ctx, [u.path for u in group], progress=step)


def _import_csv(ctx: Context, group: list[Upload], step: Callable[[int, int], None]) -> Any:
    from kith.services.exchange import import_csv

    return import_csv(ctx, group[0].path, progress=step)


def _import_calendar(ctx: Context, group: list[Upload], step: Callable[[int, int], None]) -> Any:
    module: Any = importlib.import_module("kith.services.calendar")
    return module.import_calendars(ctx, [str(u.path) for u in group], progress=step)


def _import_mail(ctx: Context, group: list[Upload], step: Callable[[int, int], None]) -> Any:
    from kith.services.mail import import_mail

    with ctx.db.read() as conn:
        if not people_store.get_owner(conn).emails:
            from kith.errors import InputError

            raise InputError("Kith needs your own e-mail addresses (kith me --email)")
    folder = group[0].path.parent  # every message and mbox was saved in one folder
    return import_mail(ctx, str(folder), progress=step)


_IMPORTERS: dict[str, Callable[[Context, list[Upload], Callable[[int, int], None]], Any]] = {
    "backup": _import_backup,
    "vcard": _import_vcards,
    "csv": _import_csv,
    "calendar": _import_calendar,
    "mail": _import_mail,
}


def _fill(part: Part, kind: str, summary: Any, folder: Path, names: list[str]) -> None:
    if kind == "backup":
        counts = summary.counts
        part.counts = [(t.replace("_", " "), n) for t, n in counts.items() if n]
        part.next_steps.append("Everything in the backup is back.")
    elif kind in ("vcard", "csv"):
        how = ", ".join(x for x in (summary.detected_format, summary.encoding) if x)
        if how and kind == "csv":
            part.label += f" ({how})"
        part.counts = [
            ("added", summary.added),
            ("merged into someone you had", summary.merged),
            ("updated", summary.updated),
            ("unchanged", summary.unchanged),
            ("skipped", summary.skipped),
        ]
        if summary.added or summary.merged:
            part.next_steps.append(
                "People whose names merely look alike are never merged by themselves: "
                "you confirm them (kith dupes)."
            )
    elif kind == "mail":
        part.counts = [
            ("messages read", summary.read),
            ("personal", summary.personal),
            ("left out: lists, newsletters, robots, crowds", summary.automated + summary.crowd),
            ("not yours", summary.not_yours),
            ("seen before", summary.already_known),
            ("new people (everyone you wrote to)", summary.people_added),
            ("matched to people you had", summary.people_matched),
            ("conversations added to their history", summary.interactions_added),
            ("skipped", summary.skipped),
        ]
        if summary.candidates:
            part.next_steps.append(
                f"{summary.candidates} wrote to you but you never wrote back: they wait as "
                "candidates (kith mail candidates), never people on their own."
            )
    elif kind == "calendar":
        part.counts = [
            ("events read", summary.events),
            ("meetings added", summary.added),
            ("unchanged", summary.unchanged),
            ("new people (met in a meeting)", summary.people_added),
            ("skipped", summary.skipped),
        ]
        ignored = getattr(summary, "ignored", {}) or {}
        words = _ignored_words()
        part.counts += [
            (f"not counted: {words.get(why, why.replace('_', ' '))}", n)
            for why, n in ignored.items()
            if n
        ]
    part.skipped = [_skipped(p, folder, names) for p in getattr(summary, "problems", [])]
    part.notes = [_skipped(p, folder, names) for p in getattr(summary, "notes", [])]


def _ignored_words() -> dict[str, str]:
    """Why calendar events were not counted, in words (from the calendar's domain)."""
    try:
        module: Any = importlib.import_module("kith.domain.meetings")
    except ImportError:
        return {}
    return {str(k): str(v) for k, v in getattr(module, "IGNORED_WORDS", {}).items()}


def _skipped(problem: Problem, folder: Path, names: list[str]) -> Skipped:
    where = problem.where
    for prefix in (f"{folder.resolve()}/", f"{folder}/"):
        where = where.replace(prefix, "")
    file = next((n for n in sorted(names, key=len, reverse=True) if where.startswith(n)), "")
    place = where[len(file) :].strip(" :,") if file else where
    return Skipped(file or where, place if file else "", problem.line, problem.reason)
